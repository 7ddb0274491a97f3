//! The deploy CLI end to end against moto's CloudFormation server on 127.0.0.1: validate, plan,
//! status, create, no-op, offline and live diff, update, the destructive guard, outputs and
//! delete.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use kumo_core::resources::{s3, sqs};
use kumo_core::{Environment, Stack, StackError, Template};
use kumo_tests::MotoServer;

/// A stack whose template changes with [`VERSION`]: 1 has a bucket and a queue, 2 changes the
/// queue, 3 names it (which replaces it), 4 drops the bucket.
struct Changing;

static VERSION: AtomicUsize = AtomicUsize::new(1);

impl Stack for Changing {
    fn name(&self) -> &str {
        "deploy-test"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let version = VERSION.load(Ordering::SeqCst);
        let mut t = Template::new().with_description("kumo deploy test");
        if version < 4 {
            t.add("Data", s3::Bucket::new())?;
        }
        let timeout = if version == 1 { 30 } else { 60 };
        let mut jobs = sqs::Queue::new().visibility_timeout(timeout);
        if version >= 3 {
            jobs = jobs.queue_name("deploy-test-jobs");
        }
        t.add("Jobs", jobs)?;
        Ok(t)
    }
}

/// Runs the CLI in `dir` (its `.kumo` is there) and returns the exit code and what it printed.
fn kumo(dir: &std::path::Path, args: &[&str]) -> (ExitCode, String) {
    let state = dir.join(".kumo");
    let mut argv = vec![
        "deploy-test",
        "--local",
        "--state-dir",
        state.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    kumo_tests::run(&Changing, &argv)
}

#[test]
fn deploy_lifecycle_against_moto() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    let (code, out) = kumo(dir, &["diff"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.contains("not deployed"), "{out}");

    let (code, out) = kumo(dir, &["validate", "--remote"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("CloudFormation accepts it"), "{out}");
    let (code, out) = kumo(dir, &["plan"]);
    assert_eq!(code, ExitCode::from(1), "changes: {out}");
    assert!(out.contains("+ Jobs (AWS::SQS::Queue)"), "{out}");
    let (code, out) = kumo(dir, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(out, "deploy-test-dev: not deployed\n");

    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("+ Data (AWS::S3::Bucket)"), "{out}");
    let (code, out) = kumo(dir, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("CREATE_COMPLETE"), "{out}");
    assert!(
        out.contains("the local template is the deployed one"),
        "{out}"
    );
    assert!(out.contains("CREATE_COMPLETE"), "{out}");
    // Recorded per target: region, and moto's account.
    assert!(dir
        .join(".kumo/applied/dev/us-east-1/123456789012/deploy-test-dev.json")
        .exists());
    assert!(dir
        .join(".kumo/outputs/dev/us-east-1/123456789012/deploy-test-dev.json")
        .exists());

    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(
        out.lines().next(),
        Some("deploy-test-dev: no changes"),
        "{out}"
    );

    for live in [false, true] {
        let args: &[&str] = if live { &["diff", "--live"] } else { &["diff"] };
        let (code, out) = kumo(dir, args);
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
    }

    VERSION.store(2, Ordering::SeqCst);
    let (code, out) = kumo(dir, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("the local template differs from the deployed template"),
        "{out}"
    );
    let (code, out) = kumo(dir, &["plan"]);
    assert_eq!(code, ExitCode::from(1), "changes: {out}");
    assert!(out.contains("~ Jobs (AWS::SQS::Queue)"), "{out}");
    for live in [false, true] {
        let args: &[&str] = if live { &["diff", "--live"] } else { &["diff"] };
        let (code, out) = kumo(dir, args);
        assert_eq!(code, ExitCode::from(1), "{out}");
        assert!(
            out.contains(
                "~ Resources.Jobs (AWS::SQS::Queue)\n      Properties.VisibilityTimeout: 30 -> 60"
            ),
            "{out}"
        );
        assert!(out.contains("deploy-test-dev: 1 change(s)"), "{out}");
    }
    // A deploy that cannot record its outputs leaves the template from before recorded: offline
    // `diff` still shows the change, and the next deploy (a no-op) records both.
    let outputs = dir.join(".kumo/outputs/dev/us-east-1/123456789012/deploy-test-dev.json");
    std::fs::remove_file(&outputs).unwrap();
    std::fs::create_dir(&outputs).unwrap();
    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    let (code, out) = kumo(dir, &["diff"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    std::fs::remove_dir(&outputs).unwrap();
    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(outputs.is_file());
    for args in [&["diff"][..], &["diff", "--live"][..]] {
        let (code, out) = kumo(dir, args);
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
    }

    // The emulator does not say that naming the queue replaces it; the type's schema does.
    VERSION.store(3, Ordering::SeqCst);
    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("refusing to replace or remove stateful or retained resources (Jobs)"),
        "{out}"
    );
    let (code, out) = kumo(dir, &["deploy", "--yes", "--allow-destructive"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    VERSION.store(4, Ordering::SeqCst);
    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("refusing to replace or remove stateful or retained resources (Data)"),
        "{out}"
    );
    let (code, out) = kumo(dir, &["deploy", "--yes", "--allow-destructive"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("- Data (AWS::S3::Bucket)"), "{out}");

    let (code, out) = kumo(dir, &["outputs", "--live", "--json"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("\"deploy-test-dev\""), "{out}");

    let (code, out) = kumo(dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("deploy-test-dev: deleted"), "{out}");
    assert!(!dir
        .join(".kumo/applied/dev/us-east-1/123456789012/deploy-test-dev.json")
        .exists());
    let (code, out) = kumo(dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("not deployed"), "{out}");
    let (code, out) = kumo(dir, &["outputs"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
}
