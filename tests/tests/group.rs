//! Apps of several stacks end to end against moto on 127.0.0.1: the mes-platform example in
//! dependency order, no-ops, a producer's changed output updating its consumer, independent
//! stacks deploying at once, the export deadlock guard, hooks, stacks not attempted after a
//! failure, and delete in reverse order (independent stacks at once, or one at a time).
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use kumo_core::resources::sqs;
use kumo_core::{
    App, Environment, HookPoint, Output, Scope, Stack, StackError, StackGroup, StackOutput,
    Template,
};
use kumo_tests::proxy::{Call, Fault, Rule};
use kumo_tests::{FaultProxy, MotoServer};
use serde_json::Value;

/// Runs the CLI against `app` in `dir` with `--local --yes --json` and returns the exit code,
/// and the report or the error.
fn deploy(app: &dyn App, dir: &Path, args: &[&str]) -> (ExitCode, String) {
    let state = dir.join(".kumo");
    let mut argv = vec![
        "app",
        "--local",
        "--json",
        "--state-dir",
        state.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    let mut out = Vec::new();
    match kumo_cli::execute(app, argv, &mut out) {
        Ok(code) => (code, String::from_utf8(out).unwrap()),
        Err(err) => (
            ExitCode::from(2),
            format!("{}error: {err}", String::from_utf8(out).unwrap()),
        ),
    }
}

/// The report printed before a failure's error line, and the error line.
fn failure(text: &str) -> (Value, &str) {
    let at = text
        .rfind("error: ")
        .unwrap_or_else(|| panic!("no error: {text}"));
    (report(&text[..at]), &text[at..])
}

fn report(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("{err}: {text}"))
}

fn millis(report: &Value, stack: &str, key: &str) -> u64 {
    report[stack][key].as_u64().unwrap()
}

/// The version of the changing app's stacks: 1, then 2 changes the producer's `level`, then 3
/// drops the `shared` export and its import.
static VERSION: AtomicUsize = AtomicUsize::new(1);

/// Exports `shared` (until version 3) and outputs `level` (`v1`, `v2`, ...).
struct Producer;

impl Stack for Producer {
    fn name(&self) -> &str {
        "producer"
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let version = VERSION.load(Ordering::SeqCst);
        let mut scope = Scope::new(self.name(), env);
        let queue = scope.add("queue", sqs::Queue::new());
        scope.output("level", Output::new(format!("v{}", version.min(2))));
        if version < 3 {
            scope.exported_output("shared", Output::new(queue.r#ref()));
        }
        scope.finish()
    }
}

/// Takes `level` as a parameter and imports `shared` (until version 3).
struct Consumer;

impl Stack for Consumer {
    fn name(&self) -> &str {
        "consumer"
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let mut scope = Scope::new(self.name(), env);
        let level = scope.import_parameter("level", &StackOutput::new("producer", "level"));
        let mut queue = sqs::Queue::new().tags([sqs::queue::Tag::new("level", level)]);
        if VERSION.load(Ordering::SeqCst) < 3 {
            let shared = scope.import(&StackOutput::new("producer", "shared"));
            queue = queue.tags([sqs::queue::Tag::new("shared", shared)]);
        }
        scope.add("queue", queue);
        scope.finish()
    }
}

/// Depends on nothing.
struct Loner;

impl Stack for Loner {
    fn name(&self) -> &str {
        "loner"
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let mut scope = Scope::new(self.name(), env);
        scope.add("queue", sqs::Queue::new());
        scope.finish()
    }
}

#[test]
fn apps_deploy_in_order_in_parallel_and_delete_in_reverse_against_moto() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    // The example: network, then data, then service. Before anything is deployed only the
    // network can be planned.
    let platform = kumo_examples::mes_platform::app();
    let (code, out) = deploy(&platform, dir, &["plan"]);
    assert_eq!(code, ExitCode::from(1), "changes: {out}");
    let plan = report(&out);
    assert_eq!(plan["mes-network-dev"]["planned"], true, "{out}");
    assert_eq!(
        plan["mes-network-dev"]["changes"].as_array().map(Vec::len),
        Some(2),
        "{out}"
    );
    assert_eq!(plan["mes-data-dev"]["waits_for"], "mes-network", "{out}");
    assert_eq!(plan["mes-service-dev"]["waits_for"], "mes-data", "{out}");
    let (code, out) = deploy(
        &platform,
        dir,
        &["deploy", "--yes", "--require-approval", "never"],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let first = report(&out);
    for stack in ["mes-network-dev", "mes-data-dev", "mes-service-dev"] {
        assert_eq!(first[stack]["result"], "created", "{out}");
    }
    assert!(
        millis(&first, "mes-data-dev", "started_ms")
            >= millis(&first, "mes-network-dev", "finished_ms")
    );
    assert!(
        millis(&first, "mes-service-dev", "started_ms")
            >= millis(&first, "mes-data-dev", "finished_ms")
    );
    let table = first["mes-data-dev"]["outputs"]["CatalogueTable"].clone();
    assert_eq!(table, "mes-data-dev-catalogue-table", "{out}");
    let (code, out) = deploy(&platform, dir, &["outputs", "--live"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(
        report(&out)["mes-network-dev"]["VpcId"]
            .as_str()
            .map(|v| v.starts_with("vpc-")),
        Some(true),
        "{out}"
    );

    let (code, out) = deploy(&platform, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let again = report(&out);
    for stack in ["mes-network-dev", "mes-data-dev", "mes-service-dev"] {
        assert_eq!(again[stack]["result"], "unchanged", "{out}");
    }

    // Drift through a proxy answering `call` with 400, moto behind it.
    let drift_failing = |call: Call| {
        let proxy =
            FaultProxy::start(moto.port(), vec![Rule::every(call, Fault::Status(400))]).unwrap();
        std::env::set_var("KUMO_LOCAL_PORT", proxy.port().to_string());
        let ran = deploy(&platform, dir, &["drift"]);
        std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
        ran
    };

    // Drift: a stack whose detection fails stops none of the others; the run names each.
    let (code, out) = drift_failing(Call::Action("DetectStackDrift"));
    assert_eq!(code, ExitCode::from(2), "{out}");
    let (said, error) = failure(&out);
    for stack in ["mes-network-dev", "mes-data-dev", "mes-service-dev"] {
        assert!(
            error.contains(&format!("stack `{stack}`: starting drift detection")),
            "{error}"
        );
        let reported = said[stack]["error"].as_str().unwrap_or_default();
        assert!(reported.contains("starting drift detection"), "{out}");
    }

    // A stack that cannot even be described is one failure among the others, named.
    let (code, out) = drift_failing(Call::ActionWith("DescribeStacks", "StackName=mes-data-dev"));
    assert_eq!(code, ExitCode::from(2), "{out}");
    // (moto has no drift detection: the stacks it can describe fail at starting one, after.)
    let (said, error) = failure(&out);
    assert!(
        error.contains("stack `mes-data-dev`: describing the stack: InjectedFault"),
        "{error}"
    );
    assert!(
        error.contains("stack `mes-service-dev`: starting drift detection"),
        "{error}"
    );
    let reported = said["mes-data-dev"]["error"].as_str().unwrap_or_default();
    assert!(reported.contains("describing the stack"), "{out}");

    // Consumers are deleted first: a stack whose exports are imported cannot be deleted.
    let state = dir.join(".kumo");
    let mut lines = Vec::new();
    let code = kumo_cli::execute(
        &platform,
        [
            "app",
            "--local",
            "--state-dir",
            state.to_str().unwrap(),
            "delete",
            "--yes",
        ],
        &mut lines,
    )
    .unwrap();
    assert_eq!(code, ExitCode::SUCCESS);
    let deleted: Vec<String> = String::from_utf8(lines)
        .unwrap()
        .lines()
        .filter(|line| line.ends_with(": deleted"))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        deleted,
        [
            "mes-service-dev: deleted",
            "mes-data-dev: deleted",
            "mes-network-dev: deleted"
        ]
    );

    // The changing app, with hooks that record what they saw.
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let refuse = Arc::new(AtomicBool::new(false));
    let app = {
        let seen = Arc::clone(&seen);
        let refuse = Arc::clone(&refuse);
        StackGroup::new()
            .stack(Consumer)
            .stack(Producer)
            .stack(Loner)
            .hook(HookPoint::AfterDeploy, move |ctx| {
                let level = ctx.outputs.get("Level").cloned().unwrap_or_default();
                seen.lock().unwrap().push(format!(
                    "{} {} {level}",
                    ctx.stack,
                    ctx.status.unwrap_or("-")
                ));
                Ok(())
            })
            .hook_for("producer", HookPoint::BeforeDeploy, move |_| {
                if refuse.load(Ordering::SeqCst) {
                    Err("the change window is closed".to_owned())
                } else {
                    Ok(())
                }
            })
    };
    let (code, out) = deploy(&app, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let first = report(&out);
    // The producer and the loner are independent: they ran at the same time.
    assert!(
        millis(&first, "loner-dev", "started_ms") < millis(&first, "producer-dev", "finished_ms")
            && millis(&first, "producer-dev", "started_ms")
                < millis(&first, "loner-dev", "finished_ms"),
        "{out}"
    );
    assert!(
        millis(&first, "consumer-dev", "started_ms")
            >= millis(&first, "producer-dev", "finished_ms"),
        "{out}"
    );
    assert!(seen
        .lock()
        .unwrap()
        .contains(&"producer CREATE_COMPLETE v1".to_owned()));

    // The producer's output changes: the consumer is updated with it; the loner is not.
    VERSION.store(2, Ordering::SeqCst);
    let (code, out) = deploy(&app, dir, &["deploy", "--yes", "--concurrency", "1"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let second = report(&out);
    assert_eq!(second["producer-dev"]["result"], "updated", "{out}");
    assert_eq!(second["consumer-dev"]["result"], "updated", "{out}");
    assert_eq!(second["loner-dev"]["result"], "unchanged", "{out}");
    let (code, out) = deploy(&app, dir, &["diff", "--live", "consumer"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    // The producer would drop an export the deployed consumer still imports.
    VERSION.store(3, Ordering::SeqCst);
    let (code, out) = deploy(&app, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("this deploy would remove export `producer-dev-Shared`, which `consumer-dev` still imports"),
        "{out}"
    );
    assert!(out.ends_with("; not attempted: consumer-dev"), "{out}");
    let (code, out) = deploy(&app, dir, &["deploy", "--yes", "--keep-exports"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(report(&out)["consumer-dev"]["result"], "updated", "{out}");
    let (code, out) = deploy(&app, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(report(&out)["producer-dev"]["result"], "updated", "{out}");

    // A before hook stops its stack; its consumer is not attempted; the loner still runs.
    refuse.store(true, Ordering::SeqCst);
    let (code, out) = deploy(&app, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    let (partial, error) = failure(&out);
    assert_eq!(
        error,
        "error: stack `producer-dev`: before deploy hook: the change window is closed; not attempted: consumer-dev"
    );
    // --json reports what was done beside what failed.
    assert_eq!(
        partial["error"],
        error.trim_start_matches("error: "),
        "{out}"
    );
    assert_eq!(partial["consumer-dev"]["result"], "not attempted", "{out}");
    assert_eq!(partial["loner-dev"]["result"], "unchanged", "{out}");
    assert_eq!(
        partial["producer-dev"]["error"],
        "stack `producer-dev`: before deploy hook: the change window is closed",
        "{out}"
    );
    refuse.store(false, Ordering::SeqCst);

    // Delete: consumers first, independent stacks at the same time; with --concurrency 1 one
    // after another.
    let (code, out) = deploy(&app, dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let deleted = report(&out);
    for stack in ["consumer-dev", "producer-dev", "loner-dev"] {
        assert_eq!(deleted[stack]["result"], "deleted", "{out}");
    }
    assert!(
        millis(&deleted, "producer-dev", "started_ms")
            >= millis(&deleted, "consumer-dev", "finished_ms"),
        "{out}"
    );
    assert!(
        millis(&deleted, "loner-dev", "started_ms")
            < millis(&deleted, "consumer-dev", "finished_ms")
            && millis(&deleted, "consumer-dev", "started_ms")
                < millis(&deleted, "loner-dev", "finished_ms"),
        "{out}"
    );
    let (code, out) = deploy(&app, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let (code, out) = deploy(&app, dir, &["delete", "--yes", "--concurrency", "1"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let deleted = report(&out);
    let mut spans: Vec<(u64, u64)> = ["consumer-dev", "producer-dev", "loner-dev"]
        .iter()
        .map(|stack| {
            assert_eq!(deleted[stack]["result"], "deleted", "{out}");
            (
                millis(&deleted, stack, "started_ms"),
                millis(&deleted, stack, "finished_ms"),
            )
        })
        .collect();
    spans.sort_unstable();
    assert!(
        spans.windows(2).all(|pair| pair[1].0 >= pair[0].1),
        "one at a time: {out}"
    );
}
