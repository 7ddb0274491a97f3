//! Stacks of one app in two regions against moto on 127.0.0.1 (which serves every region on one
//! endpoint): a producer in us-east-1 whose output a consumer in eu-west-1 takes as a
//! parameter, deployed in order, planned, read (`status`, `outputs`, `diff`) each in its region,
//! shown with their regions by `graph`, validated by CloudFormation each in its region, and
//! deleted; and a plain import across the regions refused before anything runs.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use kumo_core::resources::sqs;
use kumo_core::{Output, Scope, Stack, StackError, StackGroup, StackOutput, Template};
use kumo_tests::{FaultProxy, MotoServer};
use serde_json::Value;

/// kumo.toml: the producer in us-east-1, the consumer in eu-west-1.
const CONFIG: &str =
    "[env.dev]\nregion = \"eu-west-1\"\n[env.dev.stacks.network]\nregion = \"us-east-1\"\n";

/// Outputs `level`.
struct Network;

impl Stack for Network {
    fn name(&self) -> &str {
        "network"
    }

    fn template(&self, env: &kumo_core::Environment) -> Result<Template, StackError> {
        let mut scope = Scope::new(self.name(), env);
        scope.add("queue", sqs::Queue::new());
        scope.exported_output("level", Output::new("from-us-east-1"));
        scope.finish()
    }
}

/// Whether the consumer imports `level` (`Fn::ImportValue`) instead of taking it as a parameter.
static PLAIN_IMPORT: AtomicBool = AtomicBool::new(false);

/// Takes `level` from `network` and outputs what it got as `seen`.
struct Service;

impl Stack for Service {
    fn name(&self) -> &str {
        "service"
    }

    fn template(&self, env: &kumo_core::Environment) -> Result<Template, StackError> {
        let mut scope = Scope::new(self.name(), env);
        let output = StackOutput::new("network", "level");
        let level = if PLAIN_IMPORT.load(Ordering::SeqCst) {
            scope.import(&output)
        } else {
            scope.import_parameter("level", &output)
        };
        scope.add(
            "queue",
            sqs::Queue::new().tags([sqs::queue::Tag::new("level", level.clone())]),
        );
        scope.output("seen", Output::new(level));
        scope.finish()
    }
}

/// Runs the CLI against the app in `dir` with `--local --json` and [`CONFIG`].
fn kumo(dir: &Path, args: &[&str]) -> (ExitCode, String) {
    kumo_with(dir, CONFIG, args)
}

/// [`kumo`] with kumo.toml `toml`.
fn kumo_with(dir: &Path, toml: &str, args: &[&str]) -> (ExitCode, String) {
    let app = StackGroup::new().stack(Network).stack(Service);
    let state = dir.join(".kumo");
    let config = dir.join("kumo.toml");
    std::fs::write(&config, toml).unwrap();
    let mut argv = vec![
        "app",
        "--local",
        "--json",
        "--state-dir",
        state.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    kumo_tests::run(&app, &argv)
}

/// The report printed before a failure's error line.
fn report_before_error(text: &str) -> Value {
    report(&text[..text.rfind("error: ").unwrap_or(text.len())])
}

fn report(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("{err}: {text}"))
}

/// The status of the stack `name` in `region` of moto, `None` when it has none.
fn status(moto: &MotoServer, region: &str, name: &str) -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = aws_sdk_cloudformation::Client::new(&moto.sdk_config(region).await);
        let stacks = client
            .describe_stacks()
            .stack_name(name)
            .send()
            .await
            .ok()?;
        let status = stacks.stacks().first()?.stack_status()?.as_str().to_owned();
        (status != "DELETE_COMPLETE").then_some(status)
    })
}

#[test]
fn a_consumer_in_another_region_gets_the_producers_output_as_a_parameter() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    // With the producer deployed, the consumer's change set is made in its region with the
    // producer's output from the other.
    let (code, out) = kumo(dir, &["deploy", "--yes", "network"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let (code, out) = kumo(dir, &["plan", "service"]);
    assert_eq!(code, ExitCode::from(1), "changes: {out}");
    assert_eq!(report(&out)["service-dev"]["planned"], true, "{out}");

    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let deployed = report(&out);
    assert_eq!(deployed["network-dev"]["result"], "unchanged", "{out}");
    assert_eq!(deployed["service-dev"]["result"], "created", "{out}");
    assert_eq!(
        deployed["service-dev"]["outputs"]["Seen"], "from-us-east-1",
        "{out}"
    );
    assert_eq!(
        status(&moto, "us-east-1", "network-dev").as_deref(),
        Some("CREATE_COMPLETE")
    );
    assert_eq!(status(&moto, "eu-west-1", "network-dev"), None);
    assert_eq!(
        status(&moto, "eu-west-1", "service-dev").as_deref(),
        Some("CREATE_COMPLETE")
    );
    assert_eq!(status(&moto, "us-east-1", "service-dev"), None);

    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let again = report(&out);
    assert_eq!(again["network-dev"]["result"], "unchanged", "{out}");
    assert_eq!(again["service-dev"]["result"], "unchanged", "{out}");

    // Every command finds each stack in its region.
    let (code, out) = kumo(dir, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let status_report = report(&out);
    for stack in ["network-dev", "service-dev"] {
        assert_eq!(status_report[stack]["status"], "CREATE_COMPLETE", "{out}");
    }
    for live in [&["outputs", "--live"][..], &["outputs"]] {
        let (code, out) = kumo(dir, live);
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
        let outputs = report(&out);
        assert_eq!(outputs["network-dev"]["Level"], "from-us-east-1", "{out}");
        assert_eq!(outputs["service-dev"]["Seen"], "from-us-east-1", "{out}");
    }
    let (code, out) = kumo(dir, &["diff", "--live"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    let (code, dot) = kumo(dir, &["graph"]);
    assert_eq!(code, ExitCode::SUCCESS, "{dot}");
    assert!(
        dot.contains("\"stack:network\" [label=\"network\\nus-east-1\"];"),
        "{dot}"
    );
    assert!(
        dot.contains("\"stack:service\" [label=\"service\\neu-west-1\"];"),
        "{dot}"
    );
    assert!(
        dot.contains("\"stack:service\" -> \"stack:network\";"),
        "{dot}"
    );

    // CloudFormation validates each template in its stack's region (calls seen through a
    // proxy in front of moto).
    let proxy = FaultProxy::start(moto.port(), Vec::new()).unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", proxy.port().to_string());
    let (code, out) = kumo(dir, &["validate", "--remote"]);
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(report(&out)["service-dev"]["remote"], true, "{out}");
    let validated: Vec<Option<String>> = proxy
        .signed_calls()
        .into_iter()
        .filter(|(call, _)| call == "ValidateTemplate")
        .map(|(_, region)| region)
        .collect();
    assert_eq!(
        validated,
        [Some("us-east-1".to_owned()), Some("eu-west-1".to_owned())]
    );

    PLAIN_IMPORT.store(true, Ordering::SeqCst);
    let (code, out) = kumo(dir, &["validate"]);
    PLAIN_IMPORT.store(false, Ordering::SeqCst);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("stack `service`: it imports output `Level` of stack `network`, which is in us-east-1 while this stack is in eu-west-1; exports do not cross regions"),
        "{out}"
    );

    let (code, out) = kumo(dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(status(&moto, "us-east-1", "network-dev"), None);
    assert_eq!(status(&moto, "eu-west-1", "service-dev"), None);

    an_import_is_checked_against_the_sdks_region_when_kumo_toml_names_none(&moto, dir);
}

/// Without a region in kumo.toml, an import is checked against the SDK's once connected
/// (the test above's moto and directory, its stacks deleted; the globals are the process's).
fn an_import_is_checked_against_the_sdks_region_when_kumo_toml_names_none(
    moto: &MotoServer,
    dir: &Path,
) {
    PLAIN_IMPORT.store(true, Ordering::SeqCst);

    // The producer's own region is the one the SDK resolves (us-east-1 with --local): the
    // import stays in one region, and the stacks build and deploy.
    let same = "[env.dev.stacks.network]\nregion = \"us-east-1\"\n";
    let (code, out) = kumo_with(dir, same, &["validate"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let (code, out) = kumo_with(dir, same, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(
        report(&out)["service-dev"]["outputs"]["Seen"],
        "from-us-east-1",
        "{out}"
    );
    let (code, out) = kumo_with(dir, same, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    // Another region: offline it is not known to differ; deploy refuses before any change.
    let other = "[env.dev.stacks.network]\nregion = \"eu-west-1\"\n";
    let (code, out) = kumo_with(dir, other, &["validate"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    for command in [
        &["deploy", "--yes"][..],
        &["plan"],
        &["validate", "--remote"],
    ] {
        let (code, out) = kumo_with(dir, other, command);
        assert_eq!(code, ExitCode::from(2), "{command:?}: {out}");
        assert!(
            out.contains("stack `service`: it imports output `Level` of stack `network`, which is in eu-west-1 while this stack is in us-east-1"),
            "{command:?}: {out}"
        );
    }

    // Several accounts in the environment's region: each is in that region, checked offline.
    let accounts =
        "[env.dev]\nregion = \"eu-west-1\"\naccounts = [\"111111111111\", \"222222222222\"]\n\
                    role = \"arn:aws:iam::{account}:role/deploy\"\n\
                    [env.dev.stacks.network]\nregion = \"us-east-1\"\n";
    let (code, out) = kumo_with(dir, accounts, &["validate"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("which is in us-east-1 while this stack is in eu-west-1"),
        "{out}"
    );
    // The same accounts, the producer in their region: no refusal once connected, where the
    // SDK's region (us-east-1 with --local) is not theirs. (moto's ValidateTemplate then
    // refuses the consumer's import of an export not made yet.)
    let shared = accounts.replace("us-east-1", "eu-west-1");
    let (_, out) = kumo_with(dir, &shared, &["validate", "--remote"]);
    PLAIN_IMPORT.store(false, Ordering::SeqCst);
    assert!(!out.contains("exports do not cross regions"), "{out}");
    assert_eq!(
        report_before_error(&out)["network-dev"]["valid"],
        true,
        "{out}"
    );
    assert_eq!(status(moto, "eu-west-1", "network-dev"), None);
    assert_eq!(status(moto, "us-east-1", "service-dev"), None);
}
