//! Commands that work without CloudFormation: `graph`, `validate`, `diff` and `outputs` against
//! the local state, and their errors.

use std::process::ExitCode;

use kumo_cli::execute;
use kumo_core::intrinsic::get_att;
use kumo_core::{Environment, Resource, Stack, StackError, Template};

struct Jobs;

impl Stack for Jobs {
    fn name(&self) -> &str {
        "jobs"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.add_resource("Dlq", Resource::new("AWS::SQS::Queue"))?;
        t.add_resource(
            "Queue",
            Resource::new("AWS::SQS::Queue").property(
                "RedrivePolicy",
                serde_json::json!({"deadLetterTargetArn": get_att::<String>("Dlq", "Arn"), "maxReceiveCount": 3}),
            ),
        )?;
        t.add_resource(
            "Alarm",
            Resource::new("AWS::CloudWatch::Alarm").depends_on("Queue"),
        )?;
        Ok(t)
    }
}

fn run(state: &std::path::Path, args: &[&str]) -> (Result<ExitCode, kumo_cli::CliError>, String) {
    let mut argv = vec!["jobs", "--state-dir", state.to_str().unwrap()];
    argv.extend_from_slice(args);
    let mut out = Vec::new();
    let result = execute(&Jobs, argv, &mut out);
    (result, String::from_utf8(out).unwrap())
}

#[test]
fn graph_draws_ref_getatt_and_depends_on_edges() {
    let dir = tempfile::tempdir().unwrap();
    let (result, out) = run(dir.path(), &["graph"]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
    assert!(out.starts_with("digraph kumo {"), "{out}");
    assert!(out.contains("\"jobs/Queue\" -> \"jobs/Dlq\";"), "{out}");
    assert!(out.contains("\"jobs/Alarm\" -> \"jobs/Queue\";"), "{out}");
    assert!(
        out.contains("\"jobs/Dlq\" [label=\"Dlq\\nAWS::SQS::Queue\"];"),
        "{out}"
    );
}

#[test]
fn completions_name_the_binary_and_its_commands() {
    let dir = tempfile::tempdir().unwrap();
    let (result, bash) = run(dir.path(), &["completions", "bash"]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
    assert!(bash.contains("complete -F _jobs"), "{bash}");
    for command in ["synth", "deploy", "plan", "diff", "delete", "completions"] {
        assert!(bash.contains(command), "{command}: {bash}");
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let (result, script) = run(dir.path(), &["completions", shell]);
        assert_eq!(result.unwrap(), ExitCode::SUCCESS);
        assert!(script.contains("deploy"), "{shell}: {script}");
    }
    // Without kumo.toml's environments mattering: an unknown one does not stop it.
    let (result, _) = run(dir.path(), &["--env", "Not Valid", "completions", "fish"]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
}

#[test]
fn validate_offline_reports_size_and_resources() {
    let dir = tempfile::tempdir().unwrap();
    let (result, out) = run(dir.path(), &["validate"]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
    assert!(out.starts_with("jobs-dev: valid (3 resources, "), "{out}");
}

#[test]
fn offline_diff_against_recorded_state() {
    let dir = tempfile::tempdir().unwrap();
    let (result, out) = run(dir.path(), &["diff"]);
    assert_eq!(result.unwrap(), ExitCode::from(1));
    assert!(
        out.contains("jobs-dev: not deployed; a deploy creates it"),
        "{out}"
    );
    assert!(out.contains("  + Resources.Queue"), "{out}");

    let applied = dir.path().join("applied/dev");
    std::fs::create_dir_all(&applied).unwrap();
    let template = Jobs.template(&Environment::new("dev")).unwrap();
    std::fs::write(applied.join("jobs.json"), template.to_json()).unwrap();
    let (result, out) = run(dir.path(), &["diff"]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
    assert_eq!(out, "jobs-dev: no changes\n");

    let changed = template
        .to_json()
        .replace("\"maxReceiveCount\": 3", "\"maxReceiveCount\": 4");
    std::fs::write(applied.join("jobs.json"), changed).unwrap();
    let (result, out) = run(dir.path(), &["diff"]);
    assert_eq!(result.unwrap(), ExitCode::from(1));
    assert!(
        out.contains("~ Resources.Queue (AWS::SQS::Queue)\n      Properties.RedrivePolicy.maxReceiveCount: 4 -> 3"),
        "{out}"
    );
}

#[test]
fn offline_diff_shows_a_policy_removed_in_the_security_view_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let applied = dir.path().join("applied/dev");
    std::fs::create_dir_all(&applied).unwrap();
    let mut template = Jobs.template(&Environment::new("dev")).unwrap();
    template
        .add_resource(
            "QueuePolicy",
            Resource::new("AWS::SQS::QueuePolicy")
                .property("Queues", serde_json::json!([{"Ref": "Queue"}]))
                .property(
                    "PolicyDocument",
                    serde_json::json!({"Statement": [{"Effect": "Allow", "Principal": "*",
                        "Action": "sqs:SendMessage", "Resource": get_att::<String>("Queue", "Arn")}]}),
                ),
        )
        .unwrap();
    std::fs::write(applied.join("jobs.json"), template.to_json()).unwrap();
    let (result, out) = run(dir.path(), &["diff"]);
    assert_eq!(result.unwrap(), ExitCode::from(1));
    assert!(
        out.contains("  Security: access changes; nothing widens it\n  Resource-based policies\n"),
        "{out}"
    );
    assert!(
        out.contains("│ - │ ${Queue.Arn} │ Allow  │ sqs:SendMessage │ *         │           │"),
        "{out}"
    );
    let (result, out) = run(dir.path(), &["diff", "--json"]);
    assert_eq!(result.unwrap(), ExitCode::from(1));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let security = &report["jobs-dev"]["security"];
    assert_eq!(
        security["policies"],
        serde_json::json!([{"change": "removed", "holder": "QueuePolicy", "effect": "Allow",
            "actions": ["sqs:SendMessage"], "resources": ["${Queue.Arn}"], "principals": ["*"],
            "condition": null}]),
        "{out}"
    );
    assert_eq!(security["iam"], serde_json::json!([]), "{out}");
}

#[test]
fn outputs_without_state_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = run(dir.path(), &["outputs"]);
    assert_eq!(
        result.unwrap_err().to_string(),
        "stack `jobs-dev` is not deployed from here (no .kumo/outputs; try --live)"
    );
}

#[test]
fn corrupt_state_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let applied = dir.path().join("applied/dev");
    std::fs::create_dir_all(&applied).unwrap();
    std::fs::write(applied.join("jobs.json"), "{ not json").unwrap();
    let (result, _) = run(dir.path(), &["diff"]);
    let message = result.unwrap_err().to_string();
    assert!(message.starts_with("cannot read "), "{message}");
    assert!(message.contains("applied/dev/jobs.json"), "{message}");
}

/// A stack with one parameter that has no default.
struct Sized;

impl Stack for Sized {
    fn name(&self) -> &str {
        "sized"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.add_parameter("Size", kumo_core::Parameter::number())?;
        t.add_resource(
            "Queue",
            Resource::new("AWS::SQS::Queue").property(
                "DelaySeconds",
                kumo_core::intrinsic::reference::<i64>("Size"),
            ),
        )?;
        Ok(t)
    }
}

fn deploy(dir: &std::path::Path, args: &[&str]) -> String {
    let config = dir.join("kumo.toml");
    if !config.exists() {
        std::fs::write(&config, "").unwrap();
    }
    let state = dir.join(".kumo");
    // An endpoint nothing listens on: these errors come before any request.
    let mut argv = vec![
        "sized",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--region",
        "us-east-1",
        "--state-dir",
        state.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "deploy",
        "--yes",
    ];
    argv.extend_from_slice(args);
    let err = execute(&Sized, argv, &mut Vec::new()).unwrap_err();
    err.to_string()
}

/// A parameter without a value is told once the stack is described (a deployed stack keeps
/// its value); see `tests/tests/secrets.rs`.
#[test]
fn parameter_names_are_checked_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        deploy(dir.path(), &["--param", "Sise=3"]),
        "stack `sized-dev` has no parameter `Sise`; it has: Size"
    );
    std::fs::write(
        dir.path().join("kumo.toml"),
        "[env.dev.parameters]\nColour = \"blue\"\n",
    )
    .unwrap();
    assert_eq!(
        deploy(dir.path(), &["--param", "Size=3"]),
        "stack `sized-dev` has no parameter `Colour`; it has: Size"
    );
}

#[test]
fn config_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kumo.toml"), "[env.prod]\n").unwrap();
    assert_eq!(
        deploy(dir.path(), &[]),
        "unknown environment `dev`; kumo.toml has: prod"
    );
    std::fs::write(dir.path().join("kumo.toml"), "[env.dev\n").unwrap();
    let err = deploy(dir.path(), &[]);
    assert!(err.contains("kumo.toml: line 1, column"), "{err}");
    let config = dir.path().join("kumo.toml");
    let usage = execute(
        &Sized,
        [
            "sized",
            "--config",
            config.to_str().unwrap(),
            "deploy",
            "--param",
            "oops",
        ],
        &mut Vec::new(),
    )
    .unwrap_err()
    .to_string();
    assert!(usage.contains("expected KEY=VALUE, got `oops`"), "{usage}");
}

/// A stack whose template is over the 1 MB CloudFormation takes at all.
struct Huge;

impl Stack for Huge {
    fn name(&self) -> &str {
        "huge"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.set_metadata("Padding", serde_json::json!("p".repeat(1_000_000)));
        t.add_resource("Queue", Resource::new("AWS::SQS::Queue"))?;
        Ok(t)
    }
}

#[test]
fn a_template_over_1_mb_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".kumo");
    let err = execute(
        &Huge,
        [
            "huge",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--region",
            "us-east-1",
            "--state-dir",
            state.to_str().unwrap(),
            "deploy",
            "--yes",
        ],
        &mut Vec::new(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("stack `huge`: invalid template: the template body is 1000"),
        "{err}"
    );
    assert!(
        err.ends_with("over the 1000000-byte limit for templates passed by S3 URL"),
        "{err}"
    );
}

mod cyclic {
    use kumo_core::resources::sqs;
    use kumo_core::stack;

    stack! {
        pub Orders(service = "orders") {
            import billing = Billing::QUEUE_URL;
            let queue = sqs::Queue::new().queue_name(billing);
            output queue_url = queue.r#ref(), export;
        }
    }

    stack! {
        pub Billing(service = "billing") {
            import orders = Orders::QUEUE_URL;
            let queue = sqs::Queue::new().queue_name(orders);
            output queue_url = queue.r#ref(), export;
        }
    }
}

#[test]
fn a_cycle_between_stacks_is_an_error_at_synth() {
    let app = kumo_core::StackGroup::new()
        .stack(cyclic::Orders)
        .stack(cyclic::Billing);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let err = execute(
        &app,
        ["app", "synth", "--out", out.to_str().unwrap()],
        &mut Vec::new(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the stacks depend on each other in a cycle: billing -> orders -> billing"
    );
    assert!(!out.exists());
}

#[test]
fn settings_of_an_app_apply_to_the_stacks_that_have_them() {
    let app = kumo_core::StackGroup::new().stack(Sized).stack(Jobs);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kumo.toml");
    let state = dir.path().join(".kumo");
    let deploy = |extra: &[&str]| {
        let mut argv = vec![
            "app",
            "--local",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--state-dir",
            state.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "deploy",
            "--yes",
        ];
        argv.extend_from_slice(extra);
        execute(&app, argv, &mut Vec::new())
            .unwrap_err()
            .to_string()
    };
    // `Size` is the sized stack's; the jobs stack has no parameters. The checks pass, and the
    // deploy goes on to the (unreachable) endpoint.
    std::fs::write(&config, "[env.dev]\nparameters = { Size = \"3\" }\n").unwrap();
    let err = deploy(&[]);
    assert!(err.starts_with("stack `"), "{err}");
    assert!(err.contains("cannot reach the endpoint"), "{err}");
    assert_eq!(
        deploy(&["--param", "Nope=1"]),
        "no stack of this app has parameter `Nope`"
    );
    std::fs::write(
        &config,
        "[env.dev.stacks.sized.parameters]\nSize = \"3\"\n[env.dev.stacks.jobs.parameters]\nSize = \"1\"\n",
    )
    .unwrap();
    let err = deploy(&[]);
    assert!(
        err.contains("stack `jobs-dev` has no parameter `Size`; it has none"),
        "{err}"
    );
    std::fs::write(&config, "[env.dev.stacks.ghost]\ntags = { a = \"b\" }\n").unwrap();
    assert_eq!(
        deploy(&[]),
        "no stack named `ghost`; this app has: sized, jobs"
    );
}

/// `network` (exporting `level`) and `service`, which takes it by import or as a parameter.
struct Regional {
    name: &'static str,
    plain_import: bool,
}

impl Stack for Regional {
    fn name(&self) -> &str {
        self.name
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let mut scope = kumo_core::Scope::new(self.name, env);
        scope
            .template_mut()
            .add_resource("Queue", Resource::new("AWS::SQS::Queue"))?;
        if self.name == "network" {
            scope.exported_output("level", kumo_core::Output::new("1"));
        } else {
            let level = kumo_core::StackOutput::new("network", "level");
            if self.plain_import {
                scope.import(&level);
            } else {
                scope.import_parameter("level", &level);
            }
        }
        scope.finish()
    }
}

#[test]
fn stacks_in_two_regions_are_drawn_with_them_and_may_not_import_across() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kumo.toml");
    std::fs::write(
        &config,
        "[env.dev]\nregion = \"eu-west-1\"\n[env.dev.stacks.network]\nregion = \"us-east-1\"\n",
    )
    .unwrap();
    let state = dir.path().join(".kumo");
    let run = |plain_import: bool, args: &[&str]| {
        let app = kumo_core::StackGroup::new()
            .stack(Regional {
                name: "network",
                plain_import,
            })
            .stack(Regional {
                name: "service",
                plain_import,
            });
        let mut argv = vec![
            "app",
            "--state-dir",
            state.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ];
        argv.extend_from_slice(args);
        let mut out = Vec::new();
        let result = execute(&app, argv, &mut out);
        (result, String::from_utf8(out).unwrap())
    };
    let (result, dot) = run(false, &["graph"]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
    assert!(
        dot.contains("\"stack:network\" [label=\"network\\nus-east-1\"];"),
        "{dot}"
    );
    assert!(
        dot.contains("\"stack:service\" [label=\"service\\neu-west-1\"];"),
        "{dot}"
    );
    let (result, _) = run(false, &["synth", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
    // Without --live, diff and outputs of a stack in its own region read `.kumo`: nothing is
    // asked of the (closed) endpoint.
    let closed = ["--endpoint-url", "http://127.0.0.1:9"];
    let (result, out) = run(false, &[&closed[..], &["diff", "network"]].concat());
    assert_eq!(result.unwrap(), ExitCode::from(1), "{out}");
    assert!(out.starts_with("network-dev: not deployed"), "{out}");
    let (result, _) = run(false, &[&closed[..], &["outputs", "network"]].concat());
    let err = result.unwrap_err();
    assert!(
        matches!(err, kumo_cli::CliError::NotDeployed { live: false, .. }),
        "{err}"
    );
    for command in ["synth", "validate"] {
        let (result, _) = run(true, &[command, "service"]);
        assert_eq!(
            result.unwrap_err().to_string(),
            "stack `service`: it imports output `Level` of stack `network`, which is in us-east-1 while this stack is in eu-west-1; exports do not cross regions: take it as a parameter (`import name = ..., parameter;`)",
            "{command}"
        );
    }
}
