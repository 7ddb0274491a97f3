//! Reaching CloudFormation, and answers of it that moto never gives, replayed from their
//! documented shapes by a responder on 127.0.0.1: an endpoint nobody answers on, no credentials,
//! throttling that outlasts the SDK's retries, and stacks that are busy, stuck or left behind by
//! a failed create. kumo must say what is wrong in one line and change nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use kumo_core::{Environment, Resource, Stack, StackError, Template};

struct Jobs;

impl Stack for Jobs {
    fn name(&self) -> &str {
        "jobs"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.add_resource("Queue", Resource::new("AWS::SQS::Queue"))?;
        Ok(t)
    }
}

/// Runs the CLI in a fresh directory and returns the exit code and what it printed, or its
/// one-line error.
fn kumo(args: &[&str]) -> (ExitCode, String) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".kumo");
    let config = dir.path().join("kumo.toml");
    let mut argv = vec![
        "jobs",
        "--state-dir",
        state.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    let mut out = Vec::new();
    match kumo_cli::execute(&Jobs, argv, &mut out) {
        Ok(code) => (code, String::from_utf8(out).unwrap()),
        Err(err) => (ExitCode::from(2), err.to_string()),
    }
}

const XMLNS: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/// A CloudFormation that answers every request with `status` and `body`, and records the
/// actions it was asked for.
struct Responder {
    endpoint: String,
    actions: Arc<Mutex<Vec<String>>>,
}

impl Responder {
    fn start(status: u16, body: String) -> Responder {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let actions = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&actions);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut request = vec![0; length];
                let _ = reader.read_exact(&mut request);
                let request = String::from_utf8_lossy(&request);
                if let Some(action) = request
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("Action="))
                {
                    seen.lock().unwrap().push(action.to_owned());
                }
                let reason = if status == 200 { "OK" } else { "Bad Request" };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} {reason}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Responder { endpoint, actions }
    }

    /// A DescribeStacks answer with one stack, `jobs-dev`, in `status`.
    fn stack_in(status: &str) -> Responder {
        Responder::start(
            200,
            format!(
                "<DescribeStacksResponse xmlns=\"{XMLNS}\"><DescribeStacksResult><Stacks><member>\
                 <StackName>jobs-dev</StackName>\
                 <StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/jobs-dev/1</StackId>\
                 <StackStatus>{status}</StackStatus>\
                 <CreationTime>2026-11-01T00:00:00Z</CreationTime>\
                 </member></Stacks></DescribeStacksResult>\
                 <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>"
            ),
        )
    }

    /// Runs the CLI against this responder (with the local emulator's dummy credentials).
    fn kumo(&self, args: &[&str]) -> (ExitCode, String) {
        kumo(&[&["--local", "--endpoint-url", &self.endpoint], args].concat())
    }

    fn actions(&self) -> Vec<String> {
        self.actions.lock().unwrap().clone()
    }
}

#[test]
fn throttling_beyond_the_retries_is_one_line() {
    let responder = Responder::start(
        400,
        format!(
            "<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>Sender</Type><Code>Throttling</Code>\
             <Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
        ),
    );
    let (code, err) = responder.kumo(&["status"]);
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(err, "describing the stack: Throttling: Rate exceeded");
    assert!(
        responder.actions().len() > 1,
        "the SDK retried first: {:?}",
        responder.actions()
    );
}

#[test]
fn a_busy_stack_is_not_touched() {
    let responder = Responder::stack_in("UPDATE_IN_PROGRESS");
    let (code, err) = responder.kumo(&["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(
        err,
        "stack `jobs-dev`: the stack is busy (UPDATE_IN_PROGRESS): another operation is running; wait until it ends (`status` shows it) and deploy again"
    );
    assert_eq!(responder.actions(), ["DescribeStacks"]);
}

#[test]
fn a_failed_create_is_replaced_only_when_asked() {
    let responder = Responder::stack_in("ROLLBACK_COMPLETE");
    let (code, err) = responder.kumo(&["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(
        err.ends_with("pass --replace-failed to delete it and create it again"),
        "{err}"
    );
    assert_eq!(responder.actions(), ["DescribeStacks"]);
}

#[test]
fn a_stack_stuck_in_update_rollback_failed_is_explained() {
    let responder = Responder::stack_in("UPDATE_ROLLBACK_FAILED");
    let (code, err) = responder.kumo(&["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("continue-update-rollback"), "{err}");
    assert_eq!(responder.actions(), ["DescribeStacks"]);
}

#[test]
fn unreachable_endpoints_and_missing_credentials_are_one_line() {
    // Nothing listens on the discard port of 127.0.0.1.
    let (code, err) = kumo(&["--local", "--endpoint-url", "http://127.0.0.1:9", "status"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(
        err.starts_with("describing the stack: cannot reach the endpoint: "),
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
    let (code, err) = kumo(&[
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--region",
        "us-east-1",
        "status",
    ]);
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(
        err,
        "describing the stack: no AWS credentials found: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or use --local"
    );
}
