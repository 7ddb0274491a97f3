//! Reaching CloudFormation, and answers of it that moto never gives, replayed from their
//! documented shapes by a responder on 127.0.0.1: an endpoint nobody answers on, no credentials,
//! throttling that outlasts the SDK's retries, and stacks that are busy, stuck or left behind by
//! a failed create. kumo must say what is wrong in one line and change nothing.

mod support;

use std::process::ExitCode;

use std::sync::Mutex;

use kumo_core::{DeletionPolicy, Environment, Resource, Stack, StackError, Template};
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

/// The reply to DescribeStackDriftDetectionStatus: detection `status`, the stack's `drift`, and
/// a reason when there is one.
fn detection(status: &str, drift: &str, reason: Option<&str>) -> support::Reply {
    let reason = reason
        .map(|r| {
            format!(
                "<DetectionStatusReason>{}</DetectionStatusReason>",
                xml_text(r)
            )
        })
        .unwrap_or_default();
    reply(
        "DescribeStackDriftDetectionStatus",
        &format!(
            "<StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/jobs-dev/1</StackId>\
             <StackDriftDetectionId>d-1</StackDriftDetectionId>\
             <StackDriftStatus>{drift}</StackDriftStatus><DetectionStatus>{status}</DetectionStatus>\
             {reason}<DriftedStackResourceCount>0</DriftedStackResourceCount>\
             <Timestamp>2026-11-01T00:00:00Z</Timestamp>"
        ),
    )
}

/// One member of DescribeStackResourceDrifts: `id` of `kind` in drift `status`, with property
/// differences `(path, expected, actual, difference)`.
fn resource_drift(
    id: &str,
    kind: &str,
    status: &str,
    differences: &[(&str, &str, &str, &str)],
) -> String {
    let differences: String = differences
        .iter()
        .map(|(path, expected, actual, difference)| {
            format!(
                "<member><PropertyPath>{path}</PropertyPath><ExpectedValue>{expected}</ExpectedValue>\
                 <ActualValue>{actual}</ActualValue><DifferenceType>{difference}</DifferenceType></member>"
            )
        })
        .collect();
    format!(
        "<member><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/jobs-dev/1</StackId>\
         <LogicalResourceId>{id}</LogicalResourceId><PhysicalResourceId>{id}-1</PhysicalResourceId>\
         <ResourceType>{kind}</ResourceType><PropertyDifferences>{differences}</PropertyDifferences>\
         <StackResourceDriftStatus>{status}</StackResourceDriftStatus>\
         <Timestamp>2026-11-01T00:00:00Z</Timestamp></member>"
    )
}

/// A CloudFormation with the deployed stack `jobs-dev` whose drift detection answers with
/// `status` (by how many times it was asked since it was started) and whose resources' drift
/// comes in `pages`.
fn drifting(
    status: impl Fn(usize) -> support::Reply + Send + 'static,
    pages: Vec<String>,
) -> Responder {
    let asked = Mutex::new((0, 0));
    Responder::start(move |action| {
        let mut asked = asked.lock().unwrap();
        match action {
            "DescribeStacks" => stack_in("UPDATE_COMPLETE"),
            "DetectStackDrift" => {
                *asked = (0, 0);
                reply(
                    "DetectStackDrift",
                    "<StackDriftDetectionId>d-1</StackDriftDetectionId>",
                )
            }
            "DescribeStackDriftDetectionStatus" => {
                asked.0 += 1;
                status(asked.0)
            }
            "DescribeStackResourceDrifts" => {
                let page = asked.1;
                asked.1 += 1;
                let next = if page + 1 < pages.len() {
                    format!("<NextToken>page{}</NextToken>", page + 1)
                } else {
                    String::new()
                };
                reply(
                    "DescribeStackResourceDrifts",
                    &format!(
                        "<StackResourceDrifts>{}</StackResourceDrifts>{next}",
                        pages[page]
                    ),
                )
            }
            other => panic!("unexpected {other}"),
        }
    })
}

#[test]
fn a_stack_in_sync_exits_0() {
    let responder = drifting(
        |_| detection("DETECTION_COMPLETE", "IN_SYNC", None),
        vec![resource_drift("Queue", "AWS::SQS::Queue", "IN_SYNC", &[])],
    );
    let (code, out) = responder.kumo(0, &["drift"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(
        out,
        "jobs-dev: in sync with its template\n  = Queue (AWS::SQS::Queue) IN_SYNC\n"
    );
}

#[test]
fn a_modified_and_a_deleted_resource_are_drift_per_property() {
    let responder = drifting(
        |asked| match asked {
            1 => detection("DETECTION_IN_PROGRESS", "UNKNOWN", None),
            _ => detection("DETECTION_COMPLETE", "DRIFTED", None),
        },
        vec![[
            resource_drift(
                "Queue",
                "AWS::SQS::Queue",
                "MODIFIED",
                &[
                    ("/DelaySeconds", "0", "9", "NOT_EQUAL"),
                    ("/Tags", "", "[{\"Key\":\"x\"}]", "ADD"),
                ],
            ),
            resource_drift("Alerts", "AWS::SNS::Topic", "DELETED", &[]),
        ]
        .concat()],
    );
    let (code, out) = responder.kumo(0, &["drift"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert_eq!(
        out,
        "jobs-dev: DRIFTED from its template (2 resource(s))\n\
         \x20 - Alerts (AWS::SNS::Topic) DELETED\n\
         \x20 ~ Queue (AWS::SQS::Queue) MODIFIED\n\
         \x20     /DelaySeconds (NOT_EQUAL): expected 0, actual 9\n\
         \x20     /Tags (ADD): expected , actual [{\"Key\":\"x\"}]\n"
    );
    let actions = responder.actions();
    let polls = actions
        .iter()
        .filter(|a| *a == "DescribeStackDriftDetectionStatus")
        .count();
    assert_eq!(polls, 2, "{actions:?}");

    let (code, out) = responder.kumo(0, &["--json", "drift"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let stack = &report["jobs-dev"];
    assert_eq!(stack["status"], "DRIFTED");
    assert_eq!(stack["drifted"], 2);
    assert_eq!(stack["resources"][0]["status"], "DELETED");
    assert_eq!(
        stack["resources"][1]["differences"][0]["path"],
        "/DelaySeconds"
    );
    assert_eq!(stack["resources"][1]["differences"][0]["actual"], "9");
    assert_eq!(
        stack["resources"][1]["differences"][0]["difference"],
        "NOT_EQUAL"
    );
}

#[test]
fn resource_drift_is_read_page_by_page() {
    let responder = drifting(
        |_| detection("DETECTION_COMPLETE", "DRIFTED", None),
        vec![
            resource_drift("Queue", "AWS::SQS::Queue", "IN_SYNC", &[]),
            resource_drift("Alerts", "AWS::SNS::Topic", "DELETED", &[]),
        ],
    );
    let (code, out) = responder.kumo(0, &["drift"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.contains("- Alerts (AWS::SNS::Topic) DELETED"), "{out}");
    assert!(out.contains("= Queue (AWS::SQS::Queue) IN_SYNC"), "{out}");
}

#[test]
fn a_failed_detection_is_an_error_with_its_reason() {
    let responder = drifting(
        |_| {
            detection(
                "DETECTION_FAILED",
                "DRIFTED",
                Some("Failed to detect drift on resource [Queue]"),
            )
        },
        vec![resource_drift(
            "Queue",
            "AWS::SQS::Queue",
            "NOT_CHECKED",
            &[],
        )],
    );
    let (code, out) = responder.kumo(0, &["drift"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("? Queue (AWS::SQS::Queue) NOT_CHECKED"),
        "{out}"
    );
    assert!(
        out.ends_with("error: stack `jobs-dev`: drift detection failed (DETECTION_FAILED): Failed to detect drift on resource [Queue]"),
        "{out}"
    );
}

#[test]
fn a_detection_that_outlasts_the_deadline_is_given_up() {
    let responder = drifting(
        |_| detection("DETECTION_IN_PROGRESS", "UNKNOWN", None),
        vec![String::new()],
    );
    let started = std::time::Instant::now();
    let (code, out) = responder.kumo(0, &["--timeout", "1s", "drift"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert_eq!(
        out,
        "error: stack `jobs-dev`: gave up after 1s waiting for drift detection (still DETECTION_IN_PROGRESS); it goes on in CloudFormation; raise --timeout (or kumo.toml's timeout) to wait longer"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(!responder
        .actions()
        .contains(&"DescribeStackResourceDrifts".to_owned()));
}

/// One `Details` member of a resource change: `name`'s recreation from `source`.
fn detail(name: &str, recreation: &str, source: &str) -> String {
    format!(
        "<member><Target><Attribute>Properties</Attribute><Name>{name}</Name>\
         <RequiresRecreation>{recreation}</RequiresRecreation></Target>\
         <Evaluation>Static</Evaluation><ChangeSource>{source}</ChangeSource></member>"
    )
}

#[test]
fn plan_shows_cloudformation_s_replacement_beside_the_values() {
    let deployed = Jobs { delay: 0 }
        .template(&Environment::new("dev"))
        .unwrap()
        .to_json();
    let responder = Responder::start(move |action| match action {
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
            &format!(
                "<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus>\
                 <Changes><member><Type>Resource</Type><ResourceChange><Action>Modify</Action>\
                 <LogicalResourceId>Queue</LogicalResourceId>\
                 <ResourceType>AWS::SQS::Queue</ResourceType><Replacement>True</Replacement>\
                 <Scope><member>Properties</member></Scope><Details>{}{}</Details>\
                 </ResourceChange></member></Changes>",
                detail("DelaySeconds", "Never", "ParameterReference"),
                detail("DelaySeconds", "Always", "DirectModification"),
            ),
        ),
        "DeleteChangeSet" => reply("DeleteChangeSet", ""),
        other => panic!("unexpected {other}"),
    });
    let (code, out) = responder.kumo(5, &["plan"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(
        out.contains(
            "  ~ Queue (AWS::SQS::Queue) replace REPLACED, holds data\n\
             \x20     CloudFormation: scope Properties; Properties.DelaySeconds recreation Always\n\
             \x20     Properties.DelaySeconds: 0 -> 5\n"
        ),
        "{out}"
    );
    let (code, out) = responder.kumo(5, &["--json", "plan"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let change = &report["jobs-dev"]["changes"][0];
    assert_eq!(change["replacement"], "True", "{out}");
    assert_eq!(change["kind"], "replace", "{out}");
    assert_eq!(change["scope"][0], "Properties", "{out}");
    assert_eq!(
        change["recreation"],
        serde_json::json!([{"target": "Properties.DelaySeconds", "requires_recreation": "Always"}]),
        "{out}"
    );
    assert_eq!(change["values"][0]["new"], 5, "{out}");
}

#[test]
fn a_stack_not_deployed_or_busy_is_not_checked_for_drift() {
    let responder = Responder::start(|_| no_stack());
    let (code, out) = responder.kumo(0, &["drift"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(out, "jobs-dev: not deployed\n");
    assert_eq!(responder.actions(), ["DescribeStacks"]);

    // Under review, as a prepared change set of a new stack leaves it: nothing deployed yet.
    let responder = Responder::start(|_| stack_in("REVIEW_IN_PROGRESS"));
    let (code, out) = responder.kumo(0, &["drift"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(out, "jobs-dev: not deployed\n");

    let responder = Responder::start(|_| stack_in("UPDATE_IN_PROGRESS"));
    let (code, out) = responder.kumo(0, &["drift"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert_eq!(
        out,
        "error: stack `jobs-dev`: the stack is busy (UPDATE_IN_PROGRESS): another operation is running; wait until it ends (`status` shows it) and check drift again"
    );
    assert_eq!(responder.actions(), ["DescribeStacks"]);
}

#[test]
fn every_page_of_a_change_set_is_read_before_deciding() {
    let deployed = Jobs { delay: 0 }
        .template(&Environment::new("dev"))
        .unwrap()
        .to_json();
    let pages = Mutex::new(0);
    let responder = Responder::start(move |action| match action {
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
        "DescribeChangeSet" => {
            let mut pages = pages.lock().unwrap();
            *pages += 1;
            let (change, next) = match *pages {
                1 => (
                    "<Action>Modify</Action><LogicalResourceId>Queue</LogicalResourceId>\
                     <ResourceType>AWS::SQS::Queue</ResourceType><Replacement>False</Replacement>",
                    "<NextToken>page2</NextToken>",
                ),
                _ => (
                    "<Action>Remove</Action><LogicalResourceId>Data</LogicalResourceId>\
                     <ResourceType>AWS::S3::Bucket</ResourceType>",
                    "",
                ),
            };
            reply(
                "DescribeChangeSet",
                &format!(
                    "<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus>\
                     <Changes><member><Type>Resource</Type><ResourceChange>{change}\
                     </ResourceChange></member></Changes>{next}"
                ),
            )
        }
        "DeleteChangeSet" => reply("DeleteChangeSet", ""),
        other => panic!("unexpected {other}"),
    });
    let (code, out) = responder.kumo(5, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("- Data (AWS::S3::Bucket) remove, holds data"),
        "{out}"
    );
    assert!(
        out.ends_with("error: stack `jobs-dev`: refusing to replace or remove stateful or retained resources (Data); pass --allow-destructive if you mean it"),
        "{out}"
    );
    let actions = responder.actions();
    assert!(
        !actions.contains(&"ExecuteChangeSet".to_owned()),
        "{actions:?}"
    );
}

/// kumo.toml deploying `jobs` as a stack set to one account in one region.
const STACK_SET: &str =
    "[env.dev.stacks.jobs.stack-set]\naccounts = [\"111111111111\"]\nregions = [\"eu-west-1\"]\n";

/// The answers to a first deploy of [`STACK_SET`] up to its instances' operation, whose state
/// and the instance's come from `operation`: (operation status, instance status, reason).
fn new_stack_set(
    operation: impl Fn() -> (&'static str, &'static str, &'static str) + Send + 'static,
) -> Responder {
    Responder::start(move |action| {
        match action {
        "DescribeStackSet" => (
            400,
            format!(
                "<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>Sender</Type>\
                 <Code>StackSetNotFoundException</Code><Message>StackSet jobs-dev not found</Message>\
                 </Error><RequestId>1</RequestId></ErrorResponse>"
            ),
        ),
        "CreateStackSet" => reply("CreateStackSet", "<StackSetId>jobs-dev:1</StackSetId>"),
        "CreateStackInstances" => reply("CreateStackInstances", "<OperationId>op-1</OperationId>"),
        "DescribeStackSetOperation" => reply(
            "DescribeStackSetOperation",
            &format!(
                "<StackSetOperation><OperationId>op-1</OperationId><Action>CREATE</Action>\
                 <Status>{}</Status></StackSetOperation>",
                operation().0
            ),
        ),
        "ListStackSetOperationResults" => {
            let (_, status, reason) = operation();
            reply(
                "ListStackSetOperationResults",
                &format!(
                    "<Summaries><member><Account>111111111111</Account><Region>eu-west-1</Region>\
                     <Status>{status}</Status><StatusReason>{reason}</StatusReason></member></Summaries>"
                ),
            )
        }
        other => panic!("unexpected {other}"),
    }
    })
}

#[test]
fn a_failed_stack_instance_is_reported_with_its_reason() {
    let looks = Mutex::new(0);
    let responder = new_stack_set(move || {
        let mut looks = looks.lock().unwrap();
        *looks += 1;
        if *looks < 3 {
            ("RUNNING", "RUNNING", "")
        } else {
            (
                "FAILED",
                "FAILED",
                "Account 111111111111 should have 'AWSCloudFormationStackSetExecutionRole' role",
            )
        }
    });
    let (code, out) = responder.kumo_with(STACK_SET, 0, &["--no-color", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("  jobs-dev: 111111111111 eu-west-1 RUNNING\n"),
        "{out}"
    );
    assert!(
        out.ends_with("error: stack `jobs-dev`: creating stack instances ended FAILED: 111111111111 eu-west-1: Account 111111111111 should have 'AWSCloudFormationStackSetExecutionRole' role"),
        "{out}"
    );
    let actions = responder.actions();
    assert_eq!(
        &actions[..3],
        ["DescribeStackSet", "CreateStackSet", "CreateStackInstances"]
    );
}

#[test]
fn a_stack_set_is_neither_prepared_nor_executed() {
    for asked in [
        &["deploy", "--prepare"][..],
        &[
            "deploy",
            "jobs",
            "--execute",
            "kumo-prepared-0123456789abcdef",
            "--yes",
        ],
    ] {
        let responder = new_stack_set(|| ("SUCCEEDED", "SUCCEEDED", ""));
        let (code, out) = responder.kumo_with(STACK_SET, 0, asked);
        assert_eq!(code, ExitCode::from(2), "{out}");
        assert!(
            out.ends_with("error: stack `jobs-dev`: a stack set has no change sets to prepare or execute: deploy it without --prepare or --execute"),
            "{out}"
        );
        let actions = responder.actions();
        assert!(
            !actions
                .iter()
                .any(|a| a.contains("StackSet") || a.contains("Instances")),
            "nothing is sent to the stack set: {actions:?}"
        );
    }
}

#[test]
fn a_stack_set_operation_that_never_ends_is_given_up_at_the_deadline() {
    let responder = new_stack_set(|| ("RUNNING", "RUNNING", ""));
    let (code, out) = responder.kumo_with(STACK_SET, 0, &["--timeout", "1s", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.ends_with("error: stack `jobs-dev`: gave up after 1s waiting for creating stack instances (operation op-1) (still RUNNING); the operation goes on in CloudFormation; raise --timeout (or kumo.toml's timeout) to wait longer"),
        "{out}"
    );
    assert!(
        !responder
            .actions()
            .iter()
            .any(|a| a == "DeleteStackInstances"),
        "nothing is undone: {:?}",
        responder.actions()
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

/// `jobs` as [`Jobs`] deploys it (a queue of no delay), with the bucket `Archive` added
/// (retained or not) and the queue's delay `delay`: a stack to import `Archive` into.
struct WithArchive {
    retain: bool,
    delay: i64,
}

impl Stack for WithArchive {
    fn name(&self) -> &str {
        "jobs"
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let mut t = Jobs { delay: self.delay }.template(env)?;
        let archive = Resource::new("AWS::S3::Bucket");
        t.add_resource(
            "Archive",
            if self.retain {
                archive.deletion_policy(DeletionPolicy::Retain)
            } else {
                archive
            },
        )?;
        Ok(t)
    }
}

/// kumo.toml naming the bucket `Archive` imports.
const ARCHIVE_ID: &str =
    "[env.dev.stacks.jobs.import]\nArchive = { BucketName = \"acme-archive\" }\n";

/// A deployed `jobs` (a queue of no delay) that an IMPORT change set brings `Archive` into.
fn importing() -> Responder {
    let deployed = Jobs { delay: 0 }
        .template(&Environment::new("dev"))
        .unwrap()
        .to_json();
    let imported = Mutex::new(false);
    Responder::start(move |action| {
        let mut imported = imported.lock().unwrap();
        match action {
            "DescribeStacks" if *imported => stack_in("IMPORT_COMPLETE"),
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
                 <Changes><member><Type>Resource</Type><ResourceChange><Action>Import</Action>\
                 <LogicalResourceId>Archive</LogicalResourceId>\
                 <PhysicalResourceId>acme-archive</PhysicalResourceId>\
                 <ResourceType>AWS::S3::Bucket</ResourceType></ResourceChange></member></Changes>",
            ),
            "ExecuteChangeSet" => {
                *imported = true;
                reply("ExecuteChangeSet", "")
            }
            "DescribeStackEvents" if *imported => reply(
                "DescribeStackEvents",
                "<StackEvents><member><EventId>e3</EventId><StackName>jobs-dev</StackName>\
                 <LogicalResourceId>jobs-dev</LogicalResourceId>\
                 <ResourceType>AWS::CloudFormation::Stack</ResourceType>\
                 <Timestamp>2026-11-01T00:00:02Z</Timestamp>\
                 <ResourceStatus>IMPORT_COMPLETE</ResourceStatus></member>\
                 <member><EventId>e2</EventId><StackName>jobs-dev</StackName>\
                 <LogicalResourceId>Archive</LogicalResourceId>\
                 <PhysicalResourceId>acme-archive</PhysicalResourceId>\
                 <ResourceType>AWS::S3::Bucket</ResourceType>\
                 <Timestamp>2026-11-01T00:00:01Z</Timestamp>\
                 <ResourceStatus>IMPORT_COMPLETE</ResourceStatus></member>\
                 <member><EventId>e1</EventId><StackName>jobs-dev</StackName>\
                 <LogicalResourceId>jobs-dev</LogicalResourceId>\
                 <ResourceType>AWS::CloudFormation::Stack</ResourceType>\
                 <Timestamp>2026-11-01T00:00:00Z</Timestamp>\
                 <ResourceStatus>UPDATE_COMPLETE</ResourceStatus></member></StackEvents>",
            ),
            "DescribeStackEvents" => stack_events(&[("e1", "UPDATE_COMPLETE")]),
            other => panic!("unexpected {other}"),
        }
    })
}

#[test]
fn an_import_sends_an_import_change_set_with_the_identifiers_and_reports_each_resource() {
    let responder = importing();
    let app = WithArchive {
        retain: true,
        delay: 0,
    };
    let (code, out) = responder.run(&app, ARCHIVE_ID, &["deploy", "--yes", "--import"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("jobs-dev: importing Archive (AWS::S3::Bucket) by BucketName=acme-archive"),
        "{out}"
    );
    assert!(
        out.contains("IMPORT_COMPLETE AWS::S3::Bucket Archive"),
        "{out}"
    );
    let request = responder.request("CreateChangeSet").unwrap();
    for wanted in [
        "ChangeSetType=IMPORT",
        "ResourcesToImport.member.1.ResourceType=AWS::S3::Bucket",
        "ResourcesToImport.member.1.LogicalResourceId=Archive",
        "ResourcesToImport.member.1.ResourceIdentifier.entry.1.key=BucketName",
        "ResourcesToImport.member.1.ResourceIdentifier.entry.1.value=acme-archive",
    ] {
        assert!(request.iter().any(|p| p == wanted), "{wanted}: {request:?}");
    }
    assert!(
        !request.iter().any(|p| p.starts_with("Tags.")),
        "CloudFormation takes no tags with an import: {request:?}"
    );
    assert!(responder.actions().contains(&"ExecuteChangeSet".to_owned()));
    // --import-id wins over kumo.toml's.
    let responder = importing();
    let (code, out) = responder.run(
        &app,
        ARCHIVE_ID,
        &[
            "deploy",
            "--yes",
            "--import",
            "--import-id",
            "Archive.BucketName=acme-archive-2",
        ],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let request = responder.request("CreateChangeSet").unwrap();
    assert!(
        request
            .iter()
            .any(|p| p
                == "ResourcesToImport.member.1.ResourceIdentifier.entry.1.value=acme-archive-2"),
        "{request:?}"
    );
}

#[test]
fn an_import_that_cannot_be_done_is_refused_before_any_change_set() {
    let cases = [
        (
            WithArchive {
                retain: false,
                delay: 0,
            },
            ARCHIVE_ID,
            "error: stack `jobs-dev`: cannot import: resource `Archive` must have DeletionPolicy Retain (or RetainExceptOnCreate) to be imported, so that a failed import never deletes it: add `.deletion_policy(DeletionPolicy::Retain)` to it",
        ),
        (
            WithArchive {
                retain: true,
                delay: 5,
            },
            ARCHIVE_ID,
            "error: stack `jobs-dev`: cannot import: CloudFormation imports only into an otherwise unchanged stack, and the template also changes or removes Queue: deploy those changes first without --import, then import",
        ),
        (
            WithArchive {
                retain: true,
                delay: 0,
            },
            "",
            "error: stack `jobs-dev`: cannot import: resource `Archive` is new and has no identifier to import it by: give one with --import-id Archive.KEY=VALUE (or under [env.ENV.stacks.STACK.import] in kumo.toml), or create it with a deploy without --import first",
        ),
        (
            WithArchive {
                retain: true,
                delay: 0,
            },
            "[env.dev.stacks.jobs.import]\nArchive = { Name = \"acme-archive\" }\n",
            "error: stack `jobs-dev`: cannot import: the identifier of `Archive` has `Name`, but CloudFormation imports AWS::S3::Bucket resources by `BucketName`: give --import-id Archive.BucketName=VALUE",
        ),
    ];
    for (app, toml, says) in cases {
        let responder = importing();
        let (code, out) = responder.run(&app, toml, &["deploy", "--yes", "--import"]);
        assert_eq!(code, ExitCode::from(2), "{out}");
        assert!(out.ends_with(says), "{out}");
        assert_eq!(
            responder.actions(),
            ["DescribeStacks", "GetTemplate"],
            "{says}"
        );
    }
}

#[test]
fn an_import_is_into_one_stack_and_not_a_stack_set() {
    let responder = Responder::start(|action| panic!("unexpected {action}"));
    let app = WithArchive {
        retain: true,
        delay: 0,
    };
    let (code, out) = responder.run(&app, STACK_SET, &["deploy", "--yes", "--import"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert_eq!(
        out,
        "error: stack `jobs-dev`: cannot import: it is deployed as a stack set (its stack-set section in kumo.toml), and kumo imports only into a stack"
    );
    struct Other;
    impl Stack for Other {
        fn name(&self) -> &str {
            "other"
        }
        fn template(&self, env: &Environment) -> Result<Template, StackError> {
            Jobs { delay: 0 }.template(env)
        }
    }
    let two = kumo_core::StackGroup::new().stack(app).stack(Other);
    let (code, out) = responder.run(&two, "", &["deploy", "--yes", "--import"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("deploy --import brings resources into one stack"),
        "{out}"
    );
    assert!(responder.actions().is_empty());
}

// The changes of nested stacks in a change set made with `IncludeNestedStacks`, which moto does
// not make: a parent change of an `AWS::CloudFormation::Stack` with the `ChangeSetId` of the
// nested stack's change set. `plan` and the deploy's review show them as `Nested.Resource`.

/// A change of a resource, as DescribeChangeSet gives it.
fn change(action: &str, id: &str, kind: &str, extra: &str) -> String {
    format!(
        "<member><Type>Resource</Type><ResourceChange><Action>{action}</Action>\
         <LogicalResourceId>{id}</LogicalResourceId><ResourceType>{kind}</ResourceType>\
         {extra}</ResourceChange></member>"
    )
}

const NESTED_CHANGE_SET: &str =
    "arn:aws:cloudformation:us-east-1:123456789012:changeSet/kumo-nested/2";

#[test]
fn plan_and_deploy_show_the_changes_of_nested_stacks() {
    let deployed = Jobs { delay: 0 }
        .template(&Environment::new("dev"))
        .unwrap()
        .to_json();
    let described = Mutex::new(Vec::new());
    let responder = Responder::start(move |action| match action {
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
        "DescribeChangeSet" => {
            let mut described = described.lock().unwrap();
            described.push(());
            // Odd calls: the parent's change set; even ones: its nested stack's.
            let changes = if described.len() % 2 == 1 {
                [
                    change("Modify", "Queue", "AWS::SQS::Queue", "<Replacement>False</Replacement>"),
                    change(
                        "Modify",
                        "Network",
                        "AWS::CloudFormation::Stack",
                        &format!(
                            "<Replacement>False</Replacement><ChangeSetId>{NESTED_CHANGE_SET}</ChangeSetId>"
                        ),
                    ),
                ]
                .concat()
            } else {
                [
                    change("Add", "Subnet", "AWS::EC2::Subnet", ""),
                    change("Remove", "Logs", "AWS::S3::Bucket", ""),
                ]
                .concat()
            };
            reply(
                "DescribeChangeSet",
                &format!(
                    "<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus>\
                     <Changes>{changes}</Changes>"
                ),
            )
        }
        "DeleteChangeSet" => reply("DeleteChangeSet", ""),
        other => panic!("unexpected {other}"),
    });
    let (code, out) = responder.kumo(5, &["plan"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.contains("Network.Subnet (AWS::EC2::Subnet)"), "{out}");
    assert!(out.contains("Network.Logs (AWS::S3::Bucket)"), "{out}");
    let (code, out) = responder.kumo(5, &["--json", "plan"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = report["jobs-dev"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["logical_id"].as_str())
        .collect();
    assert!(ids.contains(&"Network.Subnet"), "{out}");

    // A deploy refuses to remove the nested stack's bucket, as it would the parent's.
    let (code, out) = responder.kumo(5, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.ends_with("error: stack `jobs-dev`: refusing to replace or remove stateful or retained resources (Network.Logs); pass --allow-destructive if you mean it"),
        "{out}"
    );
    let actions = responder.actions();
    assert!(
        !actions.contains(&"ExecuteChangeSet".to_owned()),
        "{actions:?}"
    );
}
