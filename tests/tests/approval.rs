//! `--require-approval` end to end against moto's CloudFormation server on 127.0.0.1: a
//! deploy that widens access is refused with `--yes` (and nothing changes on the stack) unless
//! `--require-approval never` or kumo.toml's `require-approval` says so; a deploy that only
//! narrows access goes ahead.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use kumo_core::{Environment, Resource, Stack, StackError, Template};
use kumo_tests::MotoServer;
use serde_json::json;

/// A stack whose template changes with [`VERSION`]: 1 has a queue, 2 adds a role (access
/// widens), 3 drops it again and changes the queue (access narrows).
struct Access;

static VERSION: AtomicUsize = AtomicUsize::new(1);

impl Stack for Access {
    fn name(&self) -> &str {
        "approval-test"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let version = VERSION.load(Ordering::SeqCst);
        let mut t = Template::new();
        let timeout = if version == 3 { 60 } else { 30 };
        t.add_resource(
            "Jobs",
            Resource::new("AWS::SQS::Queue").property("VisibilityTimeout", timeout),
        )?;
        if version == 2 {
            t.add_resource(
                "Worker",
                Resource::new("AWS::IAM::Role").property(
                    "AssumeRolePolicyDocument",
                    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}),
                ),
            )?;
        }
        Ok(t)
    }
}

/// Runs the CLI in `dir` (its `.kumo` is there) and returns the exit code and what it printed.
fn kumo(dir: &std::path::Path, args: &[&str]) -> (ExitCode, String) {
    let state = dir.join(".kumo");
    let mut argv = vec![
        "approval-test",
        "--local",
        "--state-dir",
        state.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    kumo_tests::run(&Access, &argv)
}

#[test]
fn widening_access_needs_approval() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    // Nothing security-relevant: not stopped.
    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(!out.contains("Security"), "{out}");

    // A role added widens access: refused with --yes, and the stack keeps its template.
    VERSION.store(2, Ordering::SeqCst);
    let (code, out) = kumo(dir, &["diff", "--live"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.contains("Security: this change widens access"), "{out}");
    assert!(
        out.contains(
            "│ + │ ${Worker.Arn} │ Allow  │ sts:AssumeRole │ Service:lambda.amazonaws.com │"
        ),
        "{out}"
    );
    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_ne!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("IAM statements"), "{out}");
    let error = out.lines().last().unwrap_or_default();
    assert!(
        error.contains("widens access")
            && error.contains("--yes does not approve it")
            && error.contains("--require-approval never"),
        "{out}"
    );
    let (code, out) = kumo(dir, &["deploy", "--yes", "--json"]);
    assert_ne!(code, ExitCode::SUCCESS, "{out}");
    let report: serde_json::Value = serde_json::from_str(
        out.lines()
            .take_while(|l| !l.starts_with("error:"))
            .collect::<String>()
            .as_str(),
    )
    .unwrap_or_else(|err| panic!("{err}: {out}"));
    assert_eq!(
        report["approval-test-dev"]["security"]["iam"][0]["actions"],
        json!(["sts:AssumeRole"]),
        "{out}"
    );
    let (code, out) = kumo(dir, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("CREATE_COMPLETE"),
        "nothing was updated: {out}"
    );
    let (code, out) = kumo(dir, &["diff", "--live"]);
    assert_eq!(code, ExitCode::from(1), "the role is still to add: {out}");

    // `never` lets it through.
    let (code, out) = kumo(dir, &["deploy", "--yes", "--require-approval", "never"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("Security: this change widens access"), "{out}");
    let (code, out) = kumo(dir, &["diff", "--live"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    // Removing the role narrows access: not stopped by default, stopped by any-change unless
    // kumo.toml says never.
    VERSION.store(3, Ordering::SeqCst);
    let (code, out) = kumo(
        dir,
        &["deploy", "--yes", "--require-approval", "any-change"],
    );
    assert_ne!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("the change touches access"), "{out}");
    let config = dir.join("kumo.toml");
    std::fs::write(&config, "[env.dev]\nrequire-approval = \"any-change\"\n").unwrap();
    let config = config.to_str().unwrap();
    let (code, out) = kumo(dir, &["--config", config, "deploy", "--yes"]);
    assert_ne!(code, ExitCode::SUCCESS, "kumo.toml's any-change: {out}");
    let (code, out) = kumo(dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("Security: access changes; nothing widens it"),
        "{out}"
    );

    let (code, out) = kumo(dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
}
