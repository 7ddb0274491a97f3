//! Nested stacks end to end against moto on 127.0.0.1: the child's template uploaded to the
//! artifact bucket by content hash before the parent's change set, the nested stack created with
//! its parameters and its output read by the parent, a no-op redeploy, an offline `diff` and a
//! deploy of a changed child, a child that widens access shown in the security view and its
//! deploy refused without approval, a change beside a deployed role from a machine that has not
//! kept the nested template (read from CloudFormation: no approval needed), the failure to find
//! it there said with its cause, and delete.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::path::Path;
use std::process::ExitCode;

use kumo_core::iam::{PolicyDocument, Principal, Statement};
use kumo_core::resources::{iam, sqs};
use kumo_core::{stack, App, Environment, Stack};
use kumo_tests::proxy::{Call, Fault, FaultProxy, Rule};
use kumo_tests::MotoServer;

stack! {
    /// The jobs queue, nested in the app.
    pub Jobs(service = "jobs") {
        param retention: i64 = 345600;
        let queue = sqs::Queue::new().message_retention_period(retention);
        output queue_name = queue.arn();
    }
}

stack! {
    /// The jobs queue and a dead-letter queue: the child changed.
    pub JobsWithDeadLetters(service = "jobs") {
        param retention: i64 = 345600;
        let queue = sqs::Queue::new().message_retention_period(retention);
        let dead_letters = sqs::Queue::new();
        output queue_name = queue.arn();
        output dead_letters_name = dead_letters.arn();
    }
}

/// A role Lambda functions assume.
fn worker_role() -> iam::Role {
    iam::Role::new(
        PolicyDocument::new().statement(
            Statement::allow()
                .principal(Principal::service("lambda.amazonaws.com"))
                .action("sts:AssumeRole"),
        ),
    )
}

stack! {
    /// The jobs queues and a role for a worker: access widens in the child.
    pub JobsWithWorker(service = "jobs") {
        param retention: i64 = 345600;
        let queue = sqs::Queue::new().message_retention_period(retention);
        let dead_letters = sqs::Queue::new();
        let worker = worker_role();
        output queue_name = queue.arn();
        output dead_letters_name = dead_letters.arn();
    }
}

stack! {
    /// [`JobsWithWorker`] with the dead letters kept longer: the role as it was.
    pub JobsWithWorkerTuned(service = "jobs") {
        param retention: i64 = 345600;
        let queue = sqs::Queue::new().message_retention_period(retention);
        let dead_letters = sqs::Queue::new().message_retention_period(1209600);
        let worker = worker_role();
        output queue_name = queue.arn();
        output dead_letters_name = dead_letters.arn();
    }
}

stack! {
    /// The app, nesting its jobs.
    pub Service(service = "nesting") {
        nested jobs = Jobs { retention: 86400 };
        output jobs_queue = jobs.output(Jobs::QUEUE_NAME);
    }
}

stack! {
    /// The app, nesting its changed jobs.
    pub ServiceChanged(service = "nesting") {
        nested jobs = JobsWithDeadLetters { retention: 86400 };
        output jobs_queue = jobs.output(JobsWithDeadLetters::QUEUE_NAME);
    }
}

stack! {
    /// The app, nesting its jobs with a worker's role.
    pub ServiceWidened(service = "nesting") {
        nested jobs = JobsWithWorker { retention: 86400 };
        output jobs_queue = jobs.output(JobsWithWorker::QUEUE_NAME);
    }
}

stack! {
    /// The app, nesting its tuned jobs.
    pub ServiceTuned(service = "nesting") {
        nested jobs = JobsWithWorkerTuned { retention: 86400 };
        output jobs_queue = jobs.output(JobsWithWorkerTuned::QUEUE_NAME);
    }
}

/// The ID of the change set the proxy gives nested stack Jobs (as sent in a request's form).
const NESTED_CHANGE_SET: &str = "kumo-nested-jobs";

/// A reply to DescribeChangeSet: change set `$name` of `$stack`, worked out, with `$changes`
/// ([`modified!`]).
macro_rules! change_set {
    ($name:literal, $stack:literal, $($changes:expr),+) => {
        concat!(
            r#"<DescribeChangeSetResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">"#,
            "<DescribeChangeSetResult><ChangeSetName>", $name, "</ChangeSetName>",
            "<ChangeSetId>arn:aws:cloudformation:us-east-1:123456789012:changeSet/", $name,
            "/1</ChangeSetId><StackName>", $stack, "</StackName><Status>CREATE_COMPLETE</Status>",
            "<ExecutionStatus>AVAILABLE</ExecutionStatus><Changes>", $($changes,)+
            "</Changes></DescribeChangeSetResult>",
            "<ResponseMetadata><RequestId>kumo-fault-proxy</RequestId></ResponseMetadata>",
            "</DescribeChangeSetResponse>",
        )
    };
}

/// A change of a change set: resource `$id` of `$type` modified; a nested stack's names its
/// change set `$nested`.
macro_rules! modified {
    ($id:literal, $type:literal $(, $nested:literal)?) => {
        concat!(
            "<member><Type>Resource</Type><ResourceChange><Action>Modify</Action>",
            "<LogicalResourceId>", $id, "</LogicalResourceId>",
            "<ResourceType>", $type, "</ResourceType><Replacement>False</Replacement>",
            $("<ChangeSetId>arn:aws:cloudformation:us-east-1:123456789012:changeSet/", $nested,
              "/1</ChangeSetId>",)?
            "</ResourceChange></member>",
        )
    };
}

/// The parent's change set as the proxy gives it: Jobs changes, with a change set of its own.
const PARENT_CHANGE_SET: &str = change_set!(
    "kumo-proxy",
    "nesting-dev",
    modified!("Jobs", "AWS::CloudFormation::Stack", "kumo-nested-jobs")
);

/// Jobs' change set as the proxy gives it: its queue changes, and it names itself as the change
/// set of stack Inner nested in it.
const SELF_NESTING_CHANGE_SET: &str = change_set!(
    "kumo-nested-jobs",
    "nesting-dev-Jobs",
    modified!("Queue", "AWS::SQS::Queue"),
    modified!("Inner", "AWS::CloudFormation::Stack", "kumo-nested-jobs")
);

/// Runs the CLI against `app` in `dir` and returns the exit code and what it printed.
fn kumo(app: &dyn App, dir: &Path, args: &[&str]) -> (ExitCode, String) {
    let state = dir.join(".kumo");
    let config = dir.join("kumo.toml");
    if !config.exists() {
        std::fs::write(&config, "").unwrap();
    }
    let mut argv = vec![
        "kumo",
        "--state-dir",
        state.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    kumo_tests::run(app, &argv)
}

/// Runs `commands` with the CLI talking to `moto` through a fault proxy with `rules`, then stops
/// the proxy and points the CLI at `moto` again.
fn through_proxy<R>(
    moto: &MotoServer,
    rules: Vec<Rule>,
    commands: impl FnOnce(&FaultProxy) -> R,
) -> R {
    let proxy = FaultProxy::start(moto.port(), rules).unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", proxy.port().to_string());
    let result = commands(&proxy);
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    result
}

fn s3(moto: &MotoServer, runtime: &tokio::runtime::Runtime) -> aws_sdk_s3::Client {
    let config = runtime.block_on(moto.sdk_config("us-east-1"));
    let s3 = aws_sdk_s3::config::Builder::from(&config)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(s3)
}

fn object(runtime: &tokio::runtime::Runtime, s3: &aws_sdk_s3::Client, key: &str) -> Vec<u8> {
    let object = runtime
        .block_on(
            s3.get_object()
                .bucket("kumo-local-artifacts")
                .key(key)
                .send(),
        )
        .unwrap_or_else(|err| panic!("{key}: {err:?}"));
    runtime
        .block_on(object.body.collect())
        .unwrap()
        .into_bytes()
        .to_vec()
}

/// The logical IDs of the resources of the stack nested in `parent` as `logical_id`.
fn nested_resources(
    runtime: &tokio::runtime::Runtime,
    cloudformation: &aws_sdk_cloudformation::Client,
    parent: &str,
    logical_id: &str,
) -> Vec<String> {
    let resources = |stack: &str| {
        runtime
            .block_on(
                cloudformation
                    .list_stack_resources()
                    .stack_name(stack)
                    .send(),
            )
            .unwrap()
            .stack_resource_summaries()
            .to_vec()
    };
    let nested = resources(parent)
        .into_iter()
        .find(|r| r.logical_resource_id() == Some(logical_id))
        .and_then(|r| r.physical_resource_id().map(str::to_owned))
        .unwrap_or_else(|| panic!("{parent} has no {logical_id}"));
    let mut ids: Vec<String> = resources(&nested)
        .iter()
        .filter_map(|r| r.logical_resource_id().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

#[test]
fn deploys_a_nested_stack_against_moto() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let s3 = s3(&moto, &runtime);
    let cloudformation =
        aws_sdk_cloudformation::Client::new(&runtime.block_on(moto.sdk_config("us-east-1")));
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let env = Environment::new("dev");
    let template = Service.template(&env).unwrap();
    let child = &template.nested()["Jobs"];

    // synth writes the child beside the parent.
    let out_dir = dir.join("out");
    let (code, out) = kumo(
        &Service,
        dir,
        &["synth", "--out", out_dir.to_str().unwrap()],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(
        std::fs::read_to_string(out_dir.join("nesting.Jobs.template.json")).unwrap(),
        child.body()
    );

    // The child's template is uploaded under its hash, then the parent deployed with it.
    let (code, out) = kumo(&Service, dir, &["--local", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains(&format!(
            "uploaded the template of nested stack Jobs ({})",
            child.key()
        )),
        "{out}"
    );
    assert_eq!(object(&runtime, &s3, &child.key()), child.body().as_bytes());
    assert_eq!(
        nested_resources(&runtime, &cloudformation, "nesting-dev", "Jobs"),
        ["Queue"]
    );
    let (code, out) = kumo(&Service, dir, &["--local", "outputs"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("JobsQueue"), "{out}");

    // Unchanged: nothing to do.
    let (code, out) = kumo(&Service, dir, &["--local", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.starts_with("nesting-dev: no changes"), "{out}");

    // The child changes: the offline diff shows its changes under the nested stack.
    let (code, out) = kumo(&ServiceChanged, dir, &["diff"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.contains("  nested stack Jobs:\n"), "{out}");
    assert!(
        out.contains("    + Resources.DeadLetters (AWS::SQS::Queue)\n"),
        "{out}"
    );
    let (code, out) = kumo(&ServiceChanged, dir, &["--json", "diff"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let nested = &report["nesting-dev"]["nested"][0];
    assert_eq!(nested["stack"], "Jobs", "{out}");
    let sections: Vec<&str> = nested["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["section"].as_str().unwrap())
        .collect();
    assert_eq!(sections, ["Description", "Resources", "Outputs"], "{out}");
    let (code, out) = kumo(&ServiceChanged, dir, &["--local", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let changed = ServiceChanged.template(&env).unwrap();
    let changed_child = &changed.nested()["Jobs"];
    assert_eq!(
        object(&runtime, &s3, &changed_child.key()),
        changed_child.body().as_bytes()
    );
    assert_eq!(
        nested_resources(&runtime, &cloudformation, "nesting-dev", "Jobs"),
        ["DeadLetters", "Queue"]
    );
    let (code, out) = kumo(&ServiceChanged, dir, &["diff"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    // A role added in the child widens access: the security view shows it under the nested
    // stack, and a deploy with --yes is refused before anything changes.
    let (code, out) = kumo(&ServiceWidened, dir, &["diff"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(
        out.contains(
            "  Security: this change widens access\n  IAM statements in nested stack Jobs\n"
        ),
        "{out}"
    );
    let (code, out) = kumo(&ServiceWidened, dir, &["--json", "diff"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["nesting-dev"]["security"]["iam"][0]["holder"], "Jobs.Worker",
        "{out}"
    );
    let (code, out) = kumo(&ServiceWidened, dir, &["--local", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("IAM statements in nested stack Jobs")
            && out.contains("widens access")
            && out.contains("--yes does not approve it"),
        "{out}"
    );
    assert_eq!(
        nested_resources(&runtime, &cloudformation, "nesting-dev", "Jobs"),
        ["DeadLetters", "Queue"]
    );

    // Approved, the role is deployed. From a machine that has not kept the nested template,
    // the deployed one is read from CloudFormation: `diff --live` shows the change beside the
    // role alone, and the role is not new there, so the change needs no approval.
    let (code, out) = kumo(
        &ServiceWidened,
        dir,
        &["--local", "deploy", "--yes", "--require-approval", "never"],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    std::fs::remove_dir_all(dir.join(".kumo/nested")).unwrap();
    let (code, out) = kumo(&ServiceTuned, dir, &["--local", "diff", "--live"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(
        out.contains("  nested stack Jobs:\n    ~ Description\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "    ~ Resources.DeadLetters (AWS::SQS::Queue)\n        Properties.MessageRetentionPeriod: (none) -> 1209600\n"
        ),
        "{out}"
    );
    assert!(
        !out.contains("Resources.Worker") && !out.contains("Security"),
        "{out}"
    );
    let (code, out) = kumo(&ServiceTuned, dir, &["--local", "plan"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(!out.contains("Security"), "{out}");

    // When CloudFormation does not say which stack is nested there, diff and plan fail naming it,
    // with the cause, instead of taking the nested stack for new.
    let refused = Rule::every(Call::Action("DescribeStackResource"), Fault::Status(400));
    through_proxy(&moto, vec![refused], |_| {
        for command in ["diff --live", "plan"] {
            let mut args = vec!["--local"];
            args.extend(command.split(' '));
            let (code, out) = kumo(&ServiceTuned, dir, &args);
            assert_eq!(code, ExitCode::from(2), "{command}: {out}");
            assert!(
                out.contains("error: finding nested stack Jobs in nesting-dev: InjectedFault: "),
                "{command}: {out}"
            );
            assert!(!out.contains("Resources.DeadLetters"), "{command}: {out}");
        }
    });
    // Nor when it does not give the nested stack's template (the parent's is read first).
    let unread = Rule::nth(Call::Action("GetTemplate"), 2, Fault::Status(400));
    let (code, out) = through_proxy(&moto, vec![unread], |_| {
        kumo(&ServiceTuned, dir, &["--local", "diff", "--live"])
    });
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains(
            "error: reading the deployed template of nested stack Jobs in nesting-dev: InjectedFault: "
        ),
        "{out}"
    );

    // moto makes no change sets for nested stacks: the proxy answers the parent's with one that
    // has a change set for Jobs, and that one's. When it cannot be read, deploy fails naming
    // the nested stack and its parent, and leaves nothing behind.
    let parent = Rule::every(
        Call::ActionWith("DescribeChangeSet", "StackName=nesting-dev"),
        Fault::Respond(PARENT_CHANGE_SET),
    );
    let unread = Rule::every(
        Call::ActionWith("DescribeChangeSet", NESTED_CHANGE_SET),
        Fault::Status(400),
    );
    let (code, out, calls) = through_proxy(&moto, vec![parent, unread], |proxy| {
        let (code, out) = kumo(&ServiceTuned, dir, &["--local", "deploy", "--yes"]);
        (code, out, proxy.calls())
    });
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains(
            "error: reading the change set of nested stack Jobs in nesting-dev: InjectedFault: "
        ),
        "{out}"
    );
    assert!(!calls.contains(&"ExecuteChangeSet".to_owned()));
    let left = runtime
        .block_on(
            cloudformation
                .list_change_sets()
                .stack_name("nesting-dev")
                .send(),
        )
        .unwrap();
    assert_eq!(left.summaries(), [], "the change set is deleted");
    // A nested change set that names itself as nested in it is read once, not forever: a
    // second read of it fails, so that reading it again ends the deploy instead of hanging it.
    let again = Rule::nth(
        Call::ActionWith("DescribeChangeSet", NESTED_CHANGE_SET),
        2,
        Fault::Status(400),
    );
    let nested = Rule::every(
        Call::ActionWith("DescribeChangeSet", NESTED_CHANGE_SET),
        Fault::Respond(SELF_NESTING_CHANGE_SET),
    );
    let (code, out) = through_proxy(&moto, vec![parent, again, nested], |_| {
        kumo(&ServiceTuned, dir, &["--local", "deploy", "--prepare"])
    });
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("  ~ Jobs.Queue (AWS::SQS::Queue) modify\n"),
        "{out}"
    );
    assert!(
        out.contains("  ~ Jobs.Inner (AWS::CloudFormation::Stack) modify\n"),
        "{out}"
    );
    assert!(!out.contains("Jobs.Inner."), "{out}");

    let (code, out) = kumo(&ServiceTuned, dir, &["--local", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(!out.contains("Security"), "{out}");

    let (code, out) = kumo(&ServiceChanged, dir, &["--local", "delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
}
