//! Names are checked before anything is built, written or sent: the environment (never a path,
//! never two environments to one physical name), the stack-name prefix, stack names, tags, and
//! parameter defaults against their own constraints. Each refusal is one line, leaves the
//! directory as it was, and sends nothing to the endpoint (a listener on 127.0.0.1 that must
//! see no connection).

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use kumo_cli::execute;
use kumo_core::resources::sqs;
use kumo_core::{stack, App, Environment, Parameter, Resource, Stack, StackError, Template};

/// A stack of one queue, with any name.
struct Named(String);

impl Stack for Named {
    fn name(&self) -> &str {
        &self.0
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.add_resource("Queue", Resource::new("AWS::SQS::Queue"))?;
        Ok(t)
    }
}

fn jobs() -> Named {
    Named("jobs".to_owned())
}

/// A stack whose parameter's default fails its own pattern.
struct Patterned;

impl Stack for Patterned {
    fn name(&self) -> &str {
        "patterned"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.add_parameter(
            "Prefix",
            Parameter::string()
                .default_value("Bad_Prefix")
                .allowed_pattern("[a-z-]+"),
        )?;
        t.add_resource("Queue", Resource::new("AWS::SQS::Queue"))?;
        Ok(t)
    }
}

stack! {
    pub Reserved(service = "reserved", tags = { "aws:owner" = "me" }) {
        let queue = sqs::Queue::new();
        output queue_url = queue.r#ref();
    }
}

/// Every file under `dir` with its content.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                pending.push(entry.unwrap().path());
            }
        } else {
            files.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    files
}

/// Runs `args` against `app` in a fresh directory holding `kumo.toml` (`config`) and a file the
/// old unchecked `--env` would have deleted, with the state directory two levels down and the
/// endpoint a listener nothing may reach. Returns the error; panics unless the run failed, the
/// error is one line, no file changed and nothing connected.
fn refused(app: &dyn App, config: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kumo.toml"), config).unwrap();
    std::fs::create_dir_all(dir.path().join("victim")).unwrap();
    std::fs::write(dir.path().join("victim/jobs.json"), "{}").unwrap();
    let state = dir.path().join("work/deep/.kumo");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let config = dir.path().join("kumo.toml");
    let victim = dir.path().join("victim");
    let args: Vec<String> = args
        .iter()
        .map(|arg| arg.replace("{victim}", victim.to_str().unwrap()))
        .collect();
    let mut argv = vec![
        "app",
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
        "--state-dir",
        state.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    argv.extend(args.iter().map(String::as_str));
    let before = tree(dir.path());
    let result = execute(app, argv.iter().copied(), &mut Vec::new());
    let error = match result {
        Ok(code) => panic!("{argv:?} succeeded with {code:?}"),
        Err(err) => err.to_string(),
    };
    assert!(!error.contains('\n'), "{error}");
    assert_eq!(tree(dir.path()), before, "{argv:?} changed files");
    assert_eq!(
        listener.accept().map(|_| ()).unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock,
        "{argv:?} connected to the endpoint"
    );
    error
}

const ENV_RULE: &str = "use 1 to 32 lowercase ASCII letters and digits, starting with a letter";

#[test]
fn an_environment_that_is_a_path_touches_nothing() {
    let error = refused(&jobs(), "", &["--env", "{victim}", "delete", "--yes"]);
    assert!(error.starts_with("invalid environment name \"/"), "{error}");
    assert!(
        error.ends_with(&format!("/victim\": {ENV_RULE}")),
        "{error}"
    );
    assert_eq!(
        refused(&jobs(), "", &["--env", "../../y", "deploy", "--yes"]),
        format!("invalid environment name \"../../y\": {ENV_RULE}")
    );
}

#[test]
fn environments_that_named_what_dev_names_are_refused_by_every_command() {
    let commands: [&[&str]; 10] = [
        &["synth"],
        &["graph"],
        &["validate"],
        &["diff"],
        &["plan"],
        &["deploy", "--yes"],
        &["delete", "--yes"],
        &["outputs"],
        &["status"],
        &["validate", "--remote"],
    ];
    for env in ["dev-", "dev--", "", "прод", "Dev", "dev\u{1b}[31m"] {
        for command in commands {
            let mut args = vec!["--env", env];
            args.extend_from_slice(command);
            assert_eq!(
                refused(&jobs(), "[env.dev]\n", &args),
                format!("invalid environment name {env:?}: {ENV_RULE}"),
                "{command:?}"
            );
        }
    }
}

#[test]
fn a_bad_stack_name_prefix_is_refused() {
    assert_eq!(
        refused(
            &jobs(),
            "[env.dev]\nstack-name-prefix = \"9acme-\"\n",
            &["synth"]
        ),
        "invalid stack-name-prefix \"9acme-\": it starts with '9'; CloudFormation takes an \
         ASCII letter followed by ASCII letters, digits and hyphens, at most 128 characters"
    );
    assert_eq!(
        refused(
            &jobs(),
            "[env.dev]\nstack-name-prefix = \"acme_\"\n",
            &["deploy", "--yes"]
        ),
        "invalid stack-name-prefix \"acme_\": it holds '_'; CloudFormation takes an ASCII \
         letter followed by ASCII letters, digits and hyphens, at most 128 characters"
    );
}

#[test]
fn a_stack_name_over_128_characters_is_refused() {
    let long = Named("s".repeat(125));
    let error = refused(&long, "", &["validate"]);
    assert_eq!(
        error,
        format!(
            "stack `{}`: invalid stack name \"{}-dev\": it has 129 characters; CloudFormation \
             takes an ASCII letter followed by ASCII letters, digits and hyphens, at most 128 \
             characters",
            long.0, long.0
        )
    );
    let group = kumo_core::StackGroup::new()
        .stack(jobs())
        .stack(Named("my_queue".to_owned()));
    assert!(
        refused(&group, "", &["deploy", "--yes", "jobs"])
            .starts_with("stack `my_queue`: invalid stack name \"my_queue-dev\": it holds '_'"),
        "every stack of the app is checked, not only those selected"
    );
}

#[test]
fn bad_tags_are_refused() {
    assert_eq!(
        refused(
            &jobs(),
            "[env.dev]\ntags = { \"aws:x\" = \"1\" }\n",
            &["deploy", "--yes"]
        ),
        "stack `jobs`: invalid tag \"aws:x\": keys starting with `aws:` are reserved for AWS"
    );
    let long = "v".repeat(300);
    assert_eq!(
        refused(
            &jobs(),
            &format!("[env.dev.stacks.jobs]\ntags = {{ team = \"{long}\" }}\n"),
            &["validate"]
        ),
        "stack `jobs`: invalid tag \"team\": the value has 300 characters; AWS allows at most 256"
    );
    assert_eq!(
        refused(&Reserved, "", &["synth"]),
        "stack `reserved`: invalid template: Resources.Queue.Properties.Tags: invalid tag \
         \"aws:owner\": keys starting with `aws:` are reserved for AWS"
    );
}

#[test]
fn a_default_that_fails_its_own_pattern_is_refused() {
    for args in [&["synth"][..], &["validate"], &["deploy", "--yes"]] {
        assert_eq!(
            refused(&Patterned, "", args),
            "stack `patterned`: invalid template: Parameters.Prefix: default `Bad_Prefix` does \
             not match AllowedPattern `[a-z-]+`",
            "{args:?}"
        );
    }
}

#[test]
fn valid_names_pass() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kumo.toml");
    std::fs::write(
        &config,
        "[env.prod2]\nstack-name-prefix = \"acme-\"\ntags = { \"cost centre\" = \"media/ingest\" }\n",
    )
    .unwrap();
    let mut out = Vec::new();
    let state = dir.path().join(".kumo");
    execute(
        &jobs(),
        [
            "app",
            "--state-dir",
            state.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--env",
            "prod2",
            "validate",
        ],
        &mut out,
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("acme-jobs-prod2: valid"), "{out}");
}
