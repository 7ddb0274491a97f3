//! A CloudFormation on 127.0.0.1 that answers with replies written from the API's documented
//! shapes (the Query protocol's XML), for what moto never does: throttling, busy stacks, an
//! update in progress. It records the actions it was asked for and their requests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use kumo_core::{App, Environment, Resource, Stack, StackError, Template};

/// The namespace of CloudFormation's replies.
pub const XMLNS: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/// The stack the tests deploy: `jobs`, one queue (with `delay` seconds of delay, to change it).
pub struct Jobs {
    pub delay: i64,
}

impl Stack for Jobs {
    fn name(&self) -> &str {
        "jobs"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.add_resource(
            "Queue",
            Resource::new("AWS::SQS::Queue").property("DelaySeconds", self.delay),
        )?;
        Ok(t)
    }
}

/// Runs the CLI on `Jobs { delay }` in a fresh directory and returns the exit code and what it
/// printed, or its one-line error.
pub fn kumo(delay: i64, args: &[&str]) -> (ExitCode, String) {
    kumo_with("", delay, args)
}

/// [`kumo`] with `toml` as kumo.toml.
pub fn kumo_with(toml: &str, delay: i64, args: &[&str]) -> (ExitCode, String) {
    run(&Jobs { delay }, toml, args)
}

/// Runs the CLI on `app` (as the program `jobs`) in a fresh directory with `toml` as
/// kumo.toml and returns the exit code and what it printed, or its one-line error.
pub fn run(app: &dyn App, toml: &str, args: &[&str]) -> (ExitCode, String) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".kumo");
    let config = dir.path().join("kumo.toml");
    std::fs::write(&config, toml).unwrap();
    let mut argv = vec![
        "jobs",
        "--state-dir",
        state.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
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

/// The reply to one request: HTTP status and body.
pub type Reply = (u16, String);

/// A CloudFormation whose replies come from a handler of the action's name.
pub struct Responder {
    pub endpoint: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Responder {
    /// Starts answering on a free port with `handler`.
    pub fn start(handler: impl Fn(&str) -> Reply + Send + 'static) -> Responder {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
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
                let action = action_of(&request).to_owned();
                seen.lock().unwrap().push(request.into_owned());
                let (status, body) = handler(&action);
                let reason = if status == 200 { "OK" } else { "Bad Request" };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} {reason}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Responder { endpoint, requests }
    }

    /// The actions asked for so far, in order.
    pub fn actions(&self) -> Vec<String> {
        let requests = self.requests.lock().unwrap();
        requests.iter().map(|r| action_of(r).to_owned()).collect()
    }

    /// The requests of `action` so far, each the form it sent (`Action=...&Key=Value...`, URL
    /// encoded).
    pub fn requests(&self, action: &str) -> Vec<String> {
        let requests = self.requests.lock().unwrap();
        requests
            .iter()
            .filter(|r| action_of(r) == action)
            .cloned()
            .collect()
    }

    /// The parameters of the first request of `action` (`Key=value`, decoded, in the order
    /// sent), when there was one.
    pub fn request(&self, action: &str) -> Option<Vec<String>> {
        let prefix = format!("Action={action}");
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|body| body.split('&').map(form_decoded).collect::<Vec<_>>())
            .find(|pairs| pairs.contains(&prefix))
    }

    /// Runs the CLI on `app` against this responder with `toml` as kumo.toml.
    pub fn run(&self, app: &dyn App, toml: &str, args: &[&str]) -> (ExitCode, String) {
        run(
            app,
            toml,
            &[&["--local", "--endpoint-url", &self.endpoint], args].concat(),
        )
    }

    /// Runs the CLI against this responder (with the local emulator's dummy credentials).
    pub fn kumo(&self, delay: i64, args: &[&str]) -> (ExitCode, String) {
        self.kumo_with("", delay, args)
    }

    /// [`Responder::kumo`] with `toml` as kumo.toml.
    pub fn kumo_with(&self, toml: &str, delay: i64, args: &[&str]) -> (ExitCode, String) {
        self.run(&Jobs { delay }, toml, args)
    }
}

/// The action of a request's form.
fn action_of(request: &str) -> &str {
    request
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .unwrap_or_default()
}

/// A reply of `action` with `result` inside its result element.
pub fn reply(action: &str, result: &str) -> Reply {
    (
        200,
        format!(
            "<{action}Response xmlns=\"{XMLNS}\"><{action}Result>{result}</{action}Result>\
             <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></{action}Response>"
        ),
    )
}

/// DescribeStacks with one stack, `jobs-dev`, in `status`.
pub fn stack_in(status: &str) -> Reply {
    reply(
        "DescribeStacks",
        &format!(
            "<Stacks><member><StackName>jobs-dev</StackName>\
             <StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/jobs-dev/1</StackId>\
             <StackStatus>{status}</StackStatus>\
             <CreationTime>2026-11-01T00:00:00Z</CreationTime></member></Stacks>"
        ),
    )
}

/// DescribeStackEvents with the stack's own events, `(id, status)` newest first.
pub fn stack_events(events: &[(&str, &str)]) -> Reply {
    let members: String = events
        .iter()
        .map(|(id, status)| {
            format!(
                "<member><EventId>{id}</EventId><StackName>jobs-dev</StackName>\
                 <StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/jobs-dev/1</StackId>\
                 <LogicalResourceId>jobs-dev</LogicalResourceId>\
                 <ResourceType>AWS::CloudFormation::Stack</ResourceType>\
                 <Timestamp>2026-11-01T00:00:00Z</Timestamp>\
                 <ResourceStatus>{status}</ResourceStatus></member>"
            )
        })
        .collect();
    reply(
        "DescribeStackEvents",
        &format!("<StackEvents>{members}</StackEvents>"),
    )
}

/// A pair of a form-encoded request body, decoded (`%XX` and `+`).
fn form_decoded(body: &str) -> String {
    let bytes = body.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
            }
            (b'+', _) => {
                decoded.push(b' ');
                at += 1;
            }
            (byte, _) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// `text` escaped for an XML element.
pub fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
