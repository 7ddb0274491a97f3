//! Targets and locks end to end against moto's CloudFormation server on 127.0.0.1: local
//! records kept per region and account, a delete in another region that leaves them and the
//! live stack alone, a plan that leaves someone else's new stack alone, and two kumo runs on
//! one stack at once.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kumo_core::resources::sqs;
use kumo_core::{App, Environment, HookPoint, Stack, StackError, StackGroup, Template};
use kumo_tests::MotoServer;

/// The account moto's stacks are in.
const MOTO_ACCOUNT: &str = "123456789012";

/// The longest a test waits for the other thread.
const PATIENCE: Duration = Duration::from_secs(60);

struct Jobs;

impl Stack for Jobs {
    fn name(&self) -> &str {
        "targets-test"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new().with_description("kumo targets test");
        t.add("Jobs", sqs::Queue::new())?;
        Ok(t)
    }
}

/// Holds the next deploy in its before-deploy hook, once armed, until released: a deploy
/// that is surely running (and holding its lock) while the test runs another command.
struct Gate {
    armed: AtomicBool,
    entered: Mutex<Sender<()>>,
    release: Mutex<Receiver<()>>,
}

impl Gate {
    /// Waits, if armed, to be released (at most [`PATIENCE`]).
    fn pass(&self) -> Result<(), String> {
        if !self.armed.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        self.entered.lock().unwrap().send(()).unwrap();
        self.release
            .lock()
            .unwrap()
            .recv_timeout(PATIENCE)
            .map_err(|err| format!("the test never released the deploy: {err}"))
    }
}

/// Runs the CLI with its state in `dir` and returns the exit code and what it printed.
fn kumo(app: &dyn App, dir: &Path, args: &[&str]) -> (ExitCode, String) {
    let state = dir.join(".kumo");
    let mut argv = vec![
        "targets-test",
        "--local",
        "--state-dir",
        state.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    kumo_tests::run(app, &argv)
}

/// The record of `kind` of the stack deployed to `region` of moto's account.
fn record(dir: &Path, kind: &str, region: &str) -> PathBuf {
    dir.join(".kumo")
        .join(kind)
        .join("dev")
        .join(region)
        .join(MOTO_ACCOUNT)
        .join("targets-test-dev.json")
}

/// A CloudFormation client for moto in `region`, with a runtime to drive it.
fn cloudformation(
    moto: &MotoServer,
    region: &str,
) -> (aws_sdk_cloudformation::Client, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = runtime.block_on(moto.sdk_config(region));
    (aws_sdk_cloudformation::Client::new(&config), runtime)
}

#[test]
fn state_and_locks_are_per_target_against_moto() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (entered, entering) = channel();
    let (release, released) = channel();
    let gate = Arc::new(Gate {
        armed: AtomicBool::new(false),
        entered: Mutex::new(entered),
        release: Mutex::new(released),
    });
    let hook = Arc::clone(&gate);
    let app = StackGroup::new()
        .stack(Jobs)
        .hook(HookPoint::BeforeDeploy, move |_| hook.pass());
    let app: &(dyn App + Sync) = &app;

    // A delete in another region finds nothing there and forgets nothing here.
    let (code, out) = kumo(app, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(record(dir, "applied", "us-east-1").is_file());
    assert!(record(dir, "outputs", "us-east-1").is_file());
    let (code, out) = kumo(app, dir, &["delete", "--yes", "--region", "eu-west-1"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(out, "targets-test-dev: not deployed in eu-west-1\n");
    assert!(record(dir, "applied", "us-east-1").is_file());
    assert!(record(dir, "outputs", "us-east-1").is_file());
    let (code, out) = kumo(app, dir, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("CREATE_COMPLETE"), "{out}");

    // Two targets: reads without the network must be told which; a delete forgets only its own.
    let (code, out) = kumo(app, dir, &["deploy", "--yes", "--region", "eu-west-1"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(record(dir, "applied", "eu-west-1").is_file());
    let (code, out) = kumo(app, dir, &["diff"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert_eq!(
        out,
        format!("error: stack `targets-test` of env `dev` has records of several targets under .kumo: eu-west-1 (account {MOTO_ACCOUNT}), us-east-1 (account {MOTO_ACCOUNT}); pass --region to choose one\n")
    );
    let (code, out) = kumo(app, dir, &["diff", "--region", "eu-west-1"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let (code, out) = kumo(app, dir, &["delete", "--yes", "--region", "eu-west-1"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("targets-test-dev: deleted"), "{out}");
    assert!(!record(dir, "applied", "eu-west-1").exists());
    assert!(!record(dir, "outputs", "eu-west-1").exists());
    assert!(record(dir, "outputs", "us-east-1").is_file());
    let (code, out) = kumo(app, dir, &["outputs"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    // Someone else's new stack under review is busy: plan leaves it alone, delete removes it.
    let (client, runtime) = cloudformation(&moto, "eu-west-1");
    let body = Jobs.template(&Environment::new("dev")).unwrap().to_json();
    runtime
        .block_on(
            client
                .create_change_set()
                .stack_name("targets-test-dev")
                .change_set_name("someone-else")
                .change_set_type(aws_sdk_cloudformation::types::ChangeSetType::Create)
                .template_body(body)
                .send(),
        )
        .unwrap();
    let status = || {
        runtime
            .block_on(
                client
                    .describe_stacks()
                    .stack_name("targets-test-dev")
                    .send(),
            )
            .ok()
            .and_then(|r| {
                r.stacks()
                    .first()?
                    .stack_status()
                    .map(|s| s.as_str().to_owned())
            })
    };
    assert_eq!(status().as_deref(), Some("REVIEW_IN_PROGRESS"));
    let (code, out) = kumo(app, dir, &["plan", "--region", "eu-west-1"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("stack `targets-test-dev`: the stack is busy (REVIEW_IN_PROGRESS)"),
        "{out}"
    );
    assert_eq!(status().as_deref(), Some("REVIEW_IN_PROGRESS"));
    let (code, out) = kumo(app, dir, &["delete", "--yes", "--region", "eu-west-1"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let after = status();
    assert!(
        after.as_deref().is_none_or(|s| s == "DELETE_COMPLETE"),
        "{after:?}"
    );

    // While one deploy runs, no other kumo acts on that stack in that region.
    gate.armed.store(true, Ordering::SeqCst);
    std::thread::scope(|scope| {
        let first = scope.spawn(|| kumo(app, dir, &["deploy", "--yes"]));
        entering.recv_timeout(PATIENCE).unwrap();
        let holder = format!(
            "error: stack `targets-test-dev` (us-east-1) is in use by another kumo: deploy, pid {}, since ",
            std::process::id()
        );
        for args in [&["deploy", "--yes"][..], &["plan"], &["delete", "--yes"]] {
            let (code, out) = kumo(app, dir, args);
            assert_eq!(code, ExitCode::from(2), "{args:?}: {out}");
            assert!(out.starts_with(&holder), "{args:?}: {out}");
            assert!(out.ends_with("; wait for it or stop it\n"), "{out}");
        }
        let (code, out) = kumo(app, dir, &["plan", "--region", "eu-west-1"]);
        assert_eq!(
            code,
            ExitCode::from(1),
            "another region is another lock (and a plan of a new stack has changes): {out}"
        );
        release.send(()).unwrap();
        let (code, out) = first.join().unwrap();
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
    });
    let (code, out) = kumo(app, dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("targets-test-dev: deleted"), "{out}");
    assert!(!record(dir, "applied", "us-east-1").exists());

    // A stack deleted outside kumo: its records describe a stack that is gone, and `outputs`
    // would trust them. A delete finds it not deployed and removes them, there alone.
    gate.armed.store(false, Ordering::SeqCst);
    for region in ["us-east-1", "eu-west-1"] {
        let (code, out) = kumo(app, dir, &["deploy", "--yes", "--region", region]);
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
    }
    let (east, runtime) = cloudformation(&moto, "us-east-1");
    let gone = east.delete_stack().stack_name("targets-test-dev").send();
    runtime.block_on(gone).unwrap();
    let (code, out) = kumo(app, dir, &["outputs", "--region", "us-east-1"]);
    assert_eq!(
        code,
        ExitCode::SUCCESS,
        "offline, the record is trusted: {out}"
    );
    let (code, out) = kumo(app, dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(
        out,
        format!("targets-test-dev: not deployed in us-east-1 (account {MOTO_ACCOUNT}); it was deleted, and its records there were removed from .kumo\n")
    );
    assert!(!record(dir, "applied", "us-east-1").exists());
    assert!(!record(dir, "outputs", "us-east-1").exists());
    assert!(
        record(dir, "applied", "eu-west-1").is_file(),
        "another region's stays"
    );
    let (code, out) = kumo(app, dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(out, "targets-test-dev: not deployed in us-east-1\n");

    // Records of a stack that CloudFormation does not list as deleted under its name (here
    // copied from another environment's) stay.
    let renamed = |kind: &str| {
        let path = record(dir, kind, "eu-west-1");
        let to = path
            .to_str()
            .unwrap()
            .replace("/dev/", "/qa/")
            .replace("targets-test-dev", "targets-test-qa");
        std::fs::create_dir_all(Path::new(&to).parent().unwrap()).unwrap();
        std::fs::copy(&path, &to).unwrap();
        PathBuf::from(to)
    };
    let kept = [renamed("applied"), renamed("outputs")];
    let (code, out) = kumo(
        app,
        dir,
        &["--env", "qa", "delete", "--yes", "--region", "eu-west-1"],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(out, "targets-test-qa: not deployed in eu-west-1; CloudFormation lists no stack deleted under this name, so its records in .kumo are kept\n");
    assert!(kept.iter().all(|path| path.is_file()));
}
