//! Settings kumo cannot use are errors before anything is sent: a `--config` file that is not
//! there, an endpoint that is no URL, a timeout of nothing, a parameter kumo fills itself, and a
//! deploy nobody can confirm. With `--json` the report is printed all the same, with the error.

use std::io::IsTerminal;
use std::process::ExitCode;

use kumo_cli::execute;
use kumo_core::resources::sqs;
use kumo_core::{stack, StackGroup};

stack! {
    pub Producer(service = "producer") {
        let queue = sqs::Queue::new();
        output queue_url = queue.r#ref(), export;
    }
}

stack! {
    pub Consumer(service = "consumer") {
        import queue_url = Producer::QUEUE_URL, parameter;
        let queue = sqs::Queue::new().queue_name(queue_url);
        output arn = queue.arn();
    }
}

/// Runs `args` (after the program name) against the app of both stacks in a fresh directory,
/// pointed at an endpoint nothing listens on: what is checked here comes before any request.
fn kumo(args: &[&str]) -> (Result<ExitCode, String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".kumo");
    let mut argv = vec![
        "app",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--region",
        "us-east-1",
        "--state-dir",
        state.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    let app = StackGroup::new().stack(Producer).stack(Consumer);
    let mut out = Vec::new();
    let result = execute(&app, argv, &mut out).map_err(|err| err.to_string());
    (result, String::from_utf8(out).unwrap())
}

#[test]
fn a_config_file_named_must_exist() {
    let (result, _) = kumo(&["--config", "/nonexistent/kumo.toml", "synth", "producer"]);
    assert_eq!(
        result.unwrap_err(),
        "/nonexistent/kumo.toml: no such file (--config names a file that must exist)"
    );
}

#[test]
fn an_endpoint_must_be_a_url() {
    for endpoint in ["", "127.0.0.1:5000", "http://", "ftp://x", "http://:80"] {
        let app = StackGroup::new().stack(Producer);
        let args = ["app", "--endpoint-url", endpoint, "status"];
        let err = execute(&app, args, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!("--endpoint-url must be an http:// or https:// URL with a host, such as http://127.0.0.1:5000, not `{endpoint}`")),
            "{endpoint}: {err}"
        );
    }
}

#[test]
fn timeouts_are_durations_longer_than_nothing() {
    for (flag, value, says) in [
        ("--timeout", "0s", "a duration must be longer than zero"),
        (
            "--timeout",
            "soon",
            "expected a duration such as 90s, 30m or 2h",
        ),
        (
            "--request-timeout",
            "1 fortnight",
            "expected a duration such as 90s, 30m or 2h",
        ),
    ] {
        let (result, _) = kumo(&[flag, value, "status"]);
        let err = result.unwrap_err();
        assert!(err.contains(says), "{flag} {value}: {err}");
    }
}

#[test]
fn a_parameter_kumo_fills_cannot_be_set() {
    let (result, _) = kumo(&["deploy", "--yes", "--param", "QueueUrl=*"]);
    assert_eq!(
        result.unwrap_err(),
        "stack `consumer-dev`: parameter `QueueUrl` takes output `QueueUrl` of stack `producer`; kumo fills it, so neither kumo.toml nor --param may set it"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kumo.toml");
    std::fs::write(
        &config,
        "[env.dev.stacks.consumer.parameters]\nQueueUrl = \"*\"\n",
    )
    .unwrap();
    let (result, _) = kumo(&["--config", config.to_str().unwrap(), "plan"]);
    assert!(result
        .unwrap_err()
        .contains("kumo fills it, so neither kumo.toml nor --param may set it"),);
}

#[test]
fn a_deploy_nobody_can_confirm_needs_yes() {
    if std::io::stdin().is_terminal() {
        return; // a person could answer; the refusal is for runs without a terminal
    }
    let (result, _) = kumo(&["deploy"]);
    assert_eq!(
        result.unwrap_err(),
        "`deploy` needs confirmation; pass --yes when not on a terminal"
    );
}

#[test]
fn the_json_report_comes_with_the_error() {
    let (result, out) = kumo(&["--json", "--config", "/nonexistent/kumo.toml", "status"]);
    assert!(result.is_err());
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["error"],
        "/nonexistent/kumo.toml: no such file (--config names a file that must exist)"
    );
    let (result, out) = kumo(&["--json", "--local", "--request-timeout", "1s", "status"]);
    let err = result.unwrap_err();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["error"], err, "{out}");
    assert!(err.contains("cannot reach the endpoint"), "{err}");
}

#[test]
fn diff_takes_parameter_values_only_against_the_deployed_stack() {
    let (result, _) = kumo(&["diff", "--param", "Size=1"]);
    assert!(result
        .unwrap_err()
        .contains("the following required arguments were not provided"),);
    let (result, _) = kumo(&["diff", "--live", "--param", "Nope=1"]);
    assert_eq!(
        result.unwrap_err(),
        "no stack of this app has parameter `Nope`"
    );
    let (result, _) = kumo(&["diff", "--live", "--param", "QueueUrl=x"]);
    assert!(result.unwrap_err().contains("kumo fills it"));
}
