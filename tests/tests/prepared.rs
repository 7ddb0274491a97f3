//! Prepared change sets against moto's CloudFormation server on 127.0.0.1: `deploy --prepare`
//! makes a change set and changes nothing, `plan` keeps it, `deploy --execute NAME` executes
//! exactly it (a new stack's and an update's), and refuses one made for another template or one
//! that does not exist.

use std::process::ExitCode;

use aws_sdk_cloudformation::Client;
use kumo_core::resources::sqs;
use kumo_core::{Environment, Output, Stack, StackError, Template};
use kumo_tests::MotoServer;

/// One queue with `delay` seconds of delay, and its URL as an output.
struct Queue {
    delay: i64,
}

impl Stack for Queue {
    fn name(&self) -> &str {
        "prepared"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        let queue = t.add("Jobs", sqs::Queue::new().delay_seconds(self.delay))?;
        t.add_output("JobsUrl", Output::new(queue.r#ref()))?;
        Ok(t)
    }
}

const STACK: &str = "prepared-dev";

/// Runs the CLI on `Queue { delay }` against `moto`, its state in `dir`.
fn kumo(delay: i64, moto: &MotoServer, dir: &std::path::Path, args: &[&str]) -> (ExitCode, String) {
    let endpoint = format!("http://127.0.0.1:{}", moto.port());
    let state = dir.join(".kumo");
    let config = dir.join("kumo.toml");
    if !config.exists() {
        std::fs::write(&config, "").unwrap();
    }
    let mut argv = vec![
        "prepared",
        "--local",
        "--endpoint-url",
        &endpoint,
        "--config",
        config.to_str().unwrap(),
        "--state-dir",
        state.to_str().unwrap(),
        "--timeout",
        "20s",
    ];
    argv.extend_from_slice(args);
    kumo_tests::run(&Queue { delay }, &argv)
}

/// The name of the change set a `deploy --prepare` printed.
fn prepared(out: &str) -> String {
    let (_, rest) = out
        .split_once("prepared change set ")
        .unwrap_or_else(|| panic!("no change set named: {out}"));
    rest.split(';').next().unwrap().to_owned()
}

/// The stack's status (`None`: no stack), and the delay of its deployed queue.
async fn stack(client: &Client) -> (Option<String>, Option<i64>) {
    let Ok(stacks) = client.describe_stacks().stack_name(STACK).send().await else {
        return (None, None);
    };
    let status = stacks
        .stacks()
        .first()
        .and_then(|s| s.stack_status())
        .map(|s| s.as_str().to_owned())
        .filter(|s| s != "DELETE_COMPLETE");
    let template = client
        .get_template()
        .stack_name(STACK)
        .send()
        .await
        .ok()
        .and_then(|t| t.template_body().map(str::to_owned))
        .and_then(|body| serde_json::from_str::<serde_json::Value>(&body).ok());
    let delay =
        template.and_then(|t| t["Resources"]["Jobs"]["Properties"]["DelaySeconds"].as_i64());
    (status, delay)
}

/// The names of the stack's change sets.
async fn change_sets(client: &Client) -> Vec<String> {
    let listed = client
        .list_change_sets()
        .stack_name(STACK)
        .send()
        .await
        .unwrap();
    listed
        .summaries()
        .iter()
        .filter(|s| s.stack_name() == Some(STACK))
        .filter(|s| s.execution_status().map(|e| e.as_str()) == Some("AVAILABLE"))
        .filter_map(|s| s.change_set_name().map(str::to_owned))
        .collect()
}

#[test]
fn a_prepared_change_set_is_executed_as_made_and_refused_once_stale() {
    std::env::set_var("KUMO_POLL_MS", "100");
    let moto = MotoServer::start().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::new(&runtime.block_on(moto.sdk_config("us-east-1")));
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    // A new stack: the change set waits with the stack under review; nothing is deployed or
    // recorded, and no --yes is needed.
    let (code, out) = kumo(0, &moto, dir, &["deploy", "--prepare"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("+ Jobs (AWS::SQS::Queue) add"), "{out}");
    let first = prepared(&out);
    assert!(first.starts_with("kumo-prepared-"), "{out}");
    assert!(
        out.contains(&format!("run `deploy prepared --execute {first}`")),
        "{out}"
    );
    assert_eq!(
        runtime.block_on(stack(&client)).0.as_deref(),
        Some("REVIEW_IN_PROGRESS")
    );
    assert_eq!(runtime.block_on(change_sets(&client)), [first.as_str()]);
    assert!(!dir.join(".kumo/applied").exists());
    let (code, out) = kumo(0, &moto, dir, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(
        out,
        "prepared-dev: not deployed; REVIEW_IN_PROGRESS: a change set waits to create it\n"
    );
    let (_, out) = kumo(0, &moto, dir, &["--json", "status"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["prepared-dev"],
        serde_json::json!({"status": "REVIEW_IN_PROGRESS", "deployed": false})
    );
    let (code, out) = kumo(0, &moto, dir, &["outputs", "--live"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.ends_with("error: stack `prepared-dev` is not deployed\n"),
        "{out}"
    );

    // As the hint says, the stack named.
    let (code, out) = kumo(
        0,
        &moto,
        dir,
        &["deploy", "prepared", "--execute", &first, "--yes"],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("CREATE_COMPLETE"), "{out}");
    assert!(out.contains("JobsUrl = "), "{out}");
    assert_eq!(
        runtime.block_on(stack(&client)),
        (Some("CREATE_COMPLETE".to_owned()), Some(0))
    );
    assert!(dir.join(".kumo/applied").exists());

    // An update prepared, then a plan: the plan's own change set goes, the prepared one stays,
    // and the stack is as it was.
    let (code, out) = kumo(5, &moto, dir, &["deploy", "--prepare"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("~ Jobs (AWS::SQS::Queue) modify"), "{out}");
    let update = prepared(&out);
    let (code, out) = kumo(5, &moto, dir, &["plan"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert_eq!(runtime.block_on(change_sets(&client)), [update.as_str()]);
    assert_eq!(runtime.block_on(stack(&client)).1, Some(0));

    // The template changed since: the change set is stale and refused, and stays.
    let (code, out) = kumo(9, &moto, dir, &["deploy", "--execute", &update, "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.ends_with(&format!("error: stack `{STACK}`: change set `{update}` is stale: the template, parameter values or tags changed since it was prepared; prepare a new one with `deploy --prepare`\n")),
        "{out}"
    );
    assert_eq!(runtime.block_on(stack(&client)).1, Some(0));

    // A name kumo never made is refused.
    let (code, out) = kumo(
        5,
        &moto,
        dir,
        &["deploy", "--execute", "kumo-prepared-nope", "--yes"],
    );
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.ends_with(&format!("error: stack `{STACK}`: the stack has no change set `kumo-prepared-nope`; make one with `deploy --prepare`\n")),
        "{out}"
    );

    // Executed as made, with the report of what it changed.
    let (code, out) = kumo(
        5,
        &moto,
        dir,
        &["--json", "deploy", "--execute", &update, "--yes"],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report[STACK]["result"], "updated", "{out}");
    assert_eq!(report[STACK]["changes"][0]["kind"], "modify", "{out}");
    assert_eq!(
        report[STACK]["changes"][0]["values"][0]["path"], "Properties.DelaySeconds",
        "{out}"
    );
    assert_eq!(
        runtime.block_on(stack(&client)),
        (Some("UPDATE_COMPLETE".to_owned()), Some(5))
    );

    // A later --prepare replaces an earlier prepared change set.
    let (_, out) = kumo(7, &moto, dir, &["deploy", "--prepare"]);
    let older = prepared(&out);
    let (code, out) = kumo(8, &moto, dir, &["--json", "deploy", "--prepare"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report[STACK]["result"], "prepared", "{out}");
    assert_eq!(report[STACK]["changes"][0]["kind"], "modify", "{out}");
    let newer = report[STACK]["change_set"].as_str().unwrap().to_owned();
    assert_ne!(older, newer);
    assert_eq!(runtime.block_on(change_sets(&client)), [newer]);
}
