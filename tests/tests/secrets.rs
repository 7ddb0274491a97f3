//! NoEcho values never leak, against moto's CloudFormation server on 127.0.0.1: outputs that
//! pass a NoEcho parameter on through `Ref`, `Fn::Sub` (both forms), `Fn::Join` and
//! `Fn::Base64` are masked in deploy's lines and `--json` report, in `.kumo`, and in
//! `outputs`, `outputs --live` and their `--json`. A NoEcho parameter needs a value to create
//! the stack, and keeps its deployed one when an update gives it none.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use kumo_core::intrinsic::{base64, join, reference, sub, sub_with};
use kumo_core::resources::sqs;
use kumo_core::{Environment, Output, Parameter, Stack, StackError, Template};
use kumo_tests::MotoServer;

/// The NoEcho value the test deploys with.
const SECRET: &str = "hunter2-s3cr3t";
/// [`SECRET`] in Base64, as `Fn::Base64` gives it.
const SECRET_BASE64: &str = "aHVudGVyMi1zM2NyM3Q=";

/// A stack with a NoEcho parameter, outputs derived from it and one that is not.
struct WithSecret;

impl Stack for WithSecret {
    fn name(&self) -> &str {
        "secrets-test"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new().with_description("kumo secrets test");
        t.add_parameter("DbPassword", Parameter::string().no_echo())?;
        t.add_parameter("DbUser", Parameter::string().default_value("admin"))?;
        t.add("Jobs", sqs::Queue::new())?;
        let outputs = [
            ("Password", reference("DbPassword")),
            ("Dsn", sub("postgres://${DbUser}:${DbPassword}@db")),
            (
                "Login",
                sub_with(
                    "${User}/${Pw}",
                    [
                        ("User", reference("DbUser")),
                        ("Pw", reference("DbPassword")),
                    ],
                ),
            ),
            (
                "Joined",
                join(":", vec![reference("DbUser"), reference("DbPassword")]),
            ),
            ("Encoded", base64(reference("DbPassword"))),
            ("User", reference("DbUser")),
        ];
        for (id, value) in outputs {
            t.add_output(id, Output::new(value))?;
        }
        Ok(t)
    }
}

/// Runs the CLI in `dir` (its `.kumo` is there): its exit code and what it printed, or its
/// error.
fn run(dir: &Path, args: &[&str]) -> Result<(ExitCode, String), kumo_cli::CliError> {
    let state = dir.join(".kumo");
    let mut argv = vec![
        "secrets-test",
        "--local",
        "--state-dir",
        state.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    let mut out = Vec::new();
    let code = kumo_cli::execute(&WithSecret, argv, &mut out)?;
    Ok((code, String::from_utf8(out).unwrap()))
}

/// Runs the CLI in `dir` and returns what it printed; it must succeed.
fn kumo(dir: &Path, args: &[&str]) -> String {
    let (code, out) = run(dir, args).unwrap();
    assert_eq!(code, ExitCode::SUCCESS, "{args:?}: {out}");
    out
}

/// The stack's outputs as moto gives them, unmasked.
fn outputs_in_moto(moto: &MotoServer) -> BTreeMap<String, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = aws_sdk_cloudformation::Client::new(&moto.sdk_config("us-east-1").await);
        let described = client
            .describe_stacks()
            .stack_name("secrets-test-dev")
            .send()
            .await
            .unwrap();
        described.stacks()[0]
            .outputs()
            .iter()
            .map(|o| {
                let key = o.output_key().unwrap().to_owned();
                (key, o.output_value().unwrap().to_owned())
            })
            .collect()
    })
}

/// Fails if `text` (what `what` printed or holds) reveals the secret.
fn assert_hidden(what: &str, text: &str) {
    for revealing in [SECRET, SECRET_BASE64] {
        assert!(!text.contains(revealing), "{what} reveals it: {text}");
    }
}

/// Every file under `dir`, with its text.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            found.push((path.display().to_string(), text));
        }
    }
    found
}

#[test]
fn no_echo_values_are_never_printed_or_written() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let param = format!("DbPassword={SECRET}");

    let err = run(dir, &["deploy", "--yes"]).unwrap_err().to_string();
    assert_eq!(
        err,
        "stack `secrets-test-dev` needs a value for parameter `DbPassword`: set it in kumo.toml or pass --param DbPassword=VALUE",
        "a new stack has no value to keep"
    );
    let out = kumo(dir, &["deploy", "--yes", "--param", &param]);
    assert_hidden("deploy", &out);
    for id in ["Password", "Dsn", "Login", "Joined", "Encoded"] {
        assert!(out.contains(&format!("  {id} = ****\n")), "{id}: {out}");
    }
    assert!(out.contains("  User = admin\n"), "{out}");

    let out = kumo(dir, &["deploy", "--yes", "--json", "--param", &param]);
    assert_hidden("deploy --json", &out);
    assert!(out.contains("\"Encoded\": \"****\""), "{out}");

    for args in [
        &["outputs"][..],
        &["outputs", "--json"],
        &["outputs", "--live"],
        &["outputs", "--live", "--json"],
    ] {
        let out = kumo(dir, args);
        assert_hidden(&args.join(" "), &out);
        assert!(out.contains("****"), "{args:?}: {out}");
        assert!(out.contains("admin"), "{args:?}: {out}");
    }

    let written = files(&dir.join(".kumo"));
    assert!(
        written
            .iter()
            .any(|(_, text)| text.contains("\"Dsn\": \"****\"")),
        "no outputs recorded: {written:?}"
    );
    for (path, text) in &written {
        assert_hidden(path, text);
    }

    // An update that gives the NoEcho parameter no value keeps the deployed one.
    let (code, out) = run(dir, &["plan", "--param", "DbUser=root"]).unwrap();
    assert_eq!(code, ExitCode::from(1), "changes: {out}");
    assert!(out.contains("~ parameter DbUser: admin -> root"), "{out}");
    assert!(
        !out.contains("parameter DbPassword"),
        "kept, not changed: {out}"
    );
    let (code, out) = run(dir, &["diff", "--live", "--param", "DbUser=root"]).unwrap();
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.contains("~ parameter DbUser: admin -> root"), "{out}");
    let out = kumo(dir, &["deploy", "--yes", "--param", "DbUser=root"]);
    assert_hidden("deploy keeping the value", &out);
    assert!(
        !out.contains("parameter DbPassword"),
        "kept, not changed: {out}"
    );
    assert!(out.contains("  User = root\n"), "{out}");
    let live = outputs_in_moto(&moto);
    assert_eq!(
        live["Password"], SECRET,
        "the deployed value was kept: {live:?}"
    );
    assert_eq!(live["User"], "root");
}
