//! Reaching CloudFormation, and answers of it that moto never gives, replayed from their
//! documented shapes by a responder on 127.0.0.1: an endpoint nobody answers on, no credentials,
//! throttling that outlasts the SDK's retries, and stacks that are busy, stuck or left behind by
//! a failed create. kumo must say what is wrong in one line and change nothing.

mod support;

use std::process::ExitCode;

use std::sync::Mutex;

use kumo_core::{Environment, Stack};
use support::{kumo, reply, stack_events, stack_in, xml_text, Jobs, Responder, XMLNS};

#[test]
fn throttling_beyond_the_retries_is_one_line() {
    let responder = Responder::start(|_| {
        (
            400,
            format!(
                "<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>Sender</Type><Code>Throttling</Code>\
                 <Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
            ),
        )
    });
    let (code, err) = responder.kumo(0, &["status"]);
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(
        err,
        "error: describing the stack: Throttling: Rate exceeded"
    );
    assert!(
        responder.actions().len() > 1,
        "the SDK retried first: {:?}",
        responder.actions()
    );
}

#[test]
fn a_busy_stack_is_not_touched() {
    let responder = Responder::start(|_| stack_in("UPDATE_IN_PROGRESS"));
    let (code, err) = responder.kumo(0, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(
        err,
        "error: stack `jobs-dev`: the stack is busy (UPDATE_IN_PROGRESS): another operation is running; wait until it ends (`status` shows it) and deploy again"
    );
    assert_eq!(responder.actions(), ["DescribeStacks"]);
}

/// Ctrl-C during an update: kumo cancels it and waits for the rollback. The responder plays an
/// update that stays in progress until it is cancelled, and sends the process SIGINT while
/// kumo watches it (once kumo listens for it: on its second look at the stack).
#[cfg(unix)]
#[test]
fn ctrl_c_during_an_update_cancels_it_and_waits_for_the_rollback() {
    let deployed = Jobs { delay: 0 }
        .template(&Environment::new("dev"))
        .unwrap()
        .to_json();
    // 0: deployed; 1: the update runs; 2: cancelled and rolled back.
    let phase = Mutex::new((0, 0));
    let responder = Responder::start(move |action| {
        let mut phase = phase.lock().unwrap();
        match action {
            "DescribeStacks" => match *phase {
                (0, _) => stack_in("UPDATE_COMPLETE"),
                (1, looks) => {
                    phase.1 = looks + 1;
                    if looks == 1 {
                        let pid = std::process::id().to_string();
                        let _ = std::process::Command::new("kill")
                            .args(["-INT", &pid])
                            .status();
                    }
                    stack_in("UPDATE_IN_PROGRESS")
                }
                _ => stack_in("UPDATE_ROLLBACK_COMPLETE"),
            },
            "GetTemplate" => reply(
                "GetTemplate",
                &format!("<TemplateBody>{}</TemplateBody>", xml_text(&deployed)),
            ),
            "ListChangeSets" => reply("ListChangeSets", "<Summaries/>"),
            "CreateChangeSet" => reply(
                "CreateChangeSet",
                "<Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/kumo/1</Id>",
            ),
            "DescribeChangeSet" => reply(
                "DescribeChangeSet",
                "<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus>\
                 <Changes><member><Type>Resource</Type><ResourceChange><Action>Modify</Action>\
                 <LogicalResourceId>Queue</LogicalResourceId>\
                 <ResourceType>AWS::SQS::Queue</ResourceType><Replacement>False</Replacement>\
                 </ResourceChange></member></Changes>",
            ),
            "DescribeStackEvents" => match phase.0 {
                0 => stack_events(&[("e1", "UPDATE_COMPLETE")]),
                1 => stack_events(&[("e2", "UPDATE_IN_PROGRESS"), ("e1", "UPDATE_COMPLETE")]),
                _ => stack_events(&[
                    ("e4", "UPDATE_ROLLBACK_COMPLETE"),
                    ("e3", "UPDATE_ROLLBACK_IN_PROGRESS"),
                    ("e2", "UPDATE_IN_PROGRESS"),
                    ("e1", "UPDATE_COMPLETE"),
                ]),
            },
            "ExecuteChangeSet" => {
                *phase = (1, 0);
                reply("ExecuteChangeSet", "")
            }
            "CancelUpdateStack" => {
                *phase = (2, 0);
                (
                    200,
                    format!(
                        "<CancelUpdateStackResponse xmlns=\"{XMLNS}\"><ResponseMetadata>\
                         <RequestId>1</RequestId></ResponseMetadata></CancelUpdateStackResponse>"
                    ),
                )
            }
            other => panic!("unexpected {other}"),
        }
    });
    let (code, out) = responder.kumo(5, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("interrupted: cancelling the update; waiting for the rollback"),
        "{out}"
    );
    assert!(
        out.contains("UPDATE_ROLLBACK_COMPLETE AWS::CloudFormation::Stack jobs-dev"),
        "{out}"
    );
    assert!(
        out.ends_with("error: stack `jobs-dev`: the update was cancelled (Ctrl-C) and rolled back; the stack is UPDATE_ROLLBACK_COMPLETE"),
        "{out}"
    );
    let actions = responder.actions();
    let executed = actions
        .iter()
        .position(|a| a == "ExecuteChangeSet")
        .unwrap();
    let cancelled = actions
        .iter()
        .position(|a| a == "CancelUpdateStack")
        .unwrap();
    assert!(executed < cancelled, "{actions:?}");
}

#[test]
fn a_failed_create_is_replaced_only_when_asked() {
    let responder = Responder::start(|_| stack_in("ROLLBACK_COMPLETE"));
    let (code, err) = responder.kumo(0, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(
        err.ends_with("pass --replace-failed to delete it and create it again"),
        "{err}"
    );
    assert_eq!(responder.actions(), ["DescribeStacks"]);
}

#[test]
fn a_stack_stuck_in_update_rollback_failed_is_explained() {
    let responder = Responder::start(|_| stack_in("UPDATE_ROLLBACK_FAILED"));
    let (code, err) = responder.kumo(0, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("continue-update-rollback"), "{err}");
    assert_eq!(responder.actions(), ["DescribeStacks"]);
}

#[test]
fn unreachable_endpoints_and_missing_credentials_are_one_line() {
    // Nothing listens on the discard port of 127.0.0.1.
    let (code, err) = kumo(
        0,
        &["--local", "--endpoint-url", "http://127.0.0.1:9", "status"],
    );
    assert_eq!(code, ExitCode::from(2));
    assert!(
        err.starts_with("error: describing the stack: cannot reach the endpoint: "),
        "{err}"
    );
    assert!(!err.contains('\n'), "{err}");

    // No credentials in the environment, no profile files, no instance metadata (which the SDK
    // would otherwise ask, off this machine). The other tests of this process pass credentials
    // explicitly (`--local`), so taking these away does not change them.
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("AWS_CONFIG_FILE", dir.path().join("config"));
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        dir.path().join("credentials"),
    );
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let (code, err) = kumo(
        0,
        &[
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--region",
            "us-east-1",
            "status",
        ],
    );
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(
        err,
        "error: describing the stack: no AWS credentials found: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or use --local"
    );
}

/// CloudFormation's answer that the stack does not exist.
fn no_stack() -> support::Reply {
    (
        400,
        format!(
            "<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>Sender</Type><Code>ValidationError</Code>\
             <Message>Stack with id jobs-dev does not exist</Message></Error><RequestId>1</RequestId></ErrorResponse>"
        ),
    )
}

#[test]
fn a_change_set_never_ready_is_given_up_at_the_deadline_and_cleared() {
    let made = Mutex::new(false);
    let responder = Responder::start(move |action| {
        let mut made = made.lock().unwrap();
        match action {
            "DescribeStacks" if *made => stack_in("REVIEW_IN_PROGRESS"),
            "DescribeStacks" | "ListChangeSets" => no_stack(),
            "CreateChangeSet" => {
                *made = true;
                reply(
                    "CreateChangeSet",
                    "<Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/kumo/1</Id>",
                )
            }
            "DescribeChangeSet" => reply(
                "DescribeChangeSet",
                "<Status>CREATE_PENDING</Status><ExecutionStatus>UNAVAILABLE</ExecutionStatus>",
            ),
            "DeleteStack" => {
                *made = false;
                reply("DeleteStack", "")
            }
            other => reply(other, ""),
        }
    });
    let started = std::time::Instant::now();
    let (code, err) = responder.kumo(0, &["--timeout", "1s", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(
        err.ends_with("error: stack `jobs-dev`: gave up after 1s waiting for the change set (still CREATE_PENDING); nothing was changed; raise --timeout (or kumo.toml's timeout) to wait longer"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let actions = responder.actions();
    let tail = &actions[actions.len() - 3..];
    assert_eq!(
        tail,
        ["DeleteChangeSet", "DescribeStacks", "DeleteStack"],
        "{actions:?}"
    );
}

#[test]
fn a_stack_that_stays_busy_is_given_up_at_the_deadline() {
    let deployed = Jobs { delay: 0 }
        .template(&Environment::new("dev"))
        .unwrap()
        .to_json();
    let executed = Mutex::new(false);
    let responder = Responder::start(move |action| {
        let mut executed = executed.lock().unwrap();
        match action {
            "DescribeStacks" if *executed => stack_in("UPDATE_IN_PROGRESS"),
            "DescribeStacks" => stack_in("UPDATE_COMPLETE"),
            "GetTemplate" => reply(
                "GetTemplate",
                &format!("<TemplateBody>{}</TemplateBody>", xml_text(&deployed)),
            ),
            "ListChangeSets" => reply("ListChangeSets", "<Summaries/>"),
            "CreateChangeSet" => reply(
                "CreateChangeSet",
                "<Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/kumo/1</Id>",
            ),
            "DescribeChangeSet" => reply(
                "DescribeChangeSet",
                "<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus>\
                 <Changes><member><Type>Resource</Type><ResourceChange><Action>Modify</Action>\
                 <LogicalResourceId>Queue</LogicalResourceId>\
                 <ResourceType>AWS::SQS::Queue</ResourceType><Replacement>False</Replacement>\
                 </ResourceChange></member></Changes>",
            ),
            "DescribeStackEvents" => stack_events(&[("e1", "UPDATE_COMPLETE")]),
            "ExecuteChangeSet" => {
                *executed = true;
                reply("ExecuteChangeSet", "")
            }
            other => panic!("unexpected {other}"),
        }
    });
    let (code, err) = responder.kumo(5, &["--timeout", "1s", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(
        err.ends_with("error: stack `jobs-dev`: gave up after 1s waiting for the stack (still UPDATE_IN_PROGRESS); the operation goes on in CloudFormation (`status` shows how it ends); raise --timeout (or kumo.toml's timeout) to wait longer"),
        "{err}"
    );
}

/// `--role-arn` (over kumo.toml's `role-arn`) goes with every request that has CloudFormation
/// change resources: CreateChangeSet and DeleteStack.
#[test]
fn the_service_role_goes_with_change_sets_and_deletes() {
    let role = "arn:aws:iam::123456789012:role/cfn-deploy";
    let encoded = "RoleARN=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fcfn-deploy";
    let refused = |action: &str| {
        (
            400,
            format!(
                "<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                 <Message>{action} refused</Message></Error><RequestId>1</RequestId></ErrorResponse>"
            ),
        )
    };
    let responder = Responder::start(move |action| match action {
        "DescribeStacks" | "ListChangeSets" => no_stack(),
        "CreateChangeSet" => refused(action),
        other => reply(other, ""),
    });
    let (code, err) = responder.kumo(0, &["--role-arn", role, "deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{err}");
    assert!(err.ends_with("CreateChangeSet refused"), "{err}");
    let sent = responder.requests("CreateChangeSet");
    assert_eq!(sent.len(), 1, "{:?}", responder.actions());
    assert!(
        sent[0].split('&').any(|pair| pair == encoded),
        "{}",
        sent[0]
    );

    let responder = Responder::start(move |action| match action {
        "DescribeStacks" => stack_in("CREATE_COMPLETE"),
        "DeleteStack" => refused(action),
        other => reply(other, ""),
    });
    let (code, err) = responder.kumo(0, &["--role-arn", role, "delete", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{err}");
    assert!(err.ends_with("DeleteStack refused"), "{err}");
    let sent = responder.requests("DeleteStack");
    assert_eq!(sent.len(), 1, "{:?}", responder.actions());
    assert!(
        sent[0].split('&').any(|pair| pair == encoded),
        "{}",
        sent[0]
    );

    // Without one, none is sent.
    let responder = Responder::start(move |action| match action {
        "DescribeStacks" => stack_in("CREATE_COMPLETE"),
        "DeleteStack" => refused(action),
        other => reply(other, ""),
    });
    responder.kumo(0, &["delete", "--yes"]);
    let sent = responder.requests("DeleteStack");
    assert!(!sent[0].contains("RoleARN"), "{}", sent[0]);
}
