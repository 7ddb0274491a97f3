//! The bad-input and fault matrix (issue #13): each row runs a stack binary in a child process
//! against moto's CloudFormation server on 127.0.0.1, through a [`FaultProxy`] that injects the
//! row's faults, and checks the exit code, the first line of the message, that nothing
//! panicked, and that `.kumo` and the deployed stack agree afterwards, the stack settled.
//!
//! This test has no libtest harness: its `main` is also the stack binary. Run with
//! `KUMO_FAULTS_CHILD` set, it is `kumo_cli::run` on [`FaultStack`]; otherwise it runs the
//! matrix (`cargo test -p kumo-tests --test faults [-- NAME-SUBSTRING...]`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kumo_core::intrinsic::reference;
use kumo_core::resources::sqs;
use kumo_core::{Environment, Output, Parameter, Stack, StackError, Template};
use kumo_tests::proxy::{Call, Fault, Rule};
use kumo_tests::{FaultProxy, MotoServer};
use serde_json::Value as Json;

/// Set in the environment of a child: run as the stack binary.
const CHILD: &str = "KUMO_FAULTS_CHILD";
/// The child's stack name.
const STACK: &str = "KUMO_FAULTS_STACK";
/// The child's template ([`Shape`]).
const SHAPE: &str = "KUMO_FAULTS_SHAPE";
/// How long a child may run before it is killed and its case fails.
const CHILD_DEADLINE: Duration = Duration::from_secs(40);
/// How many cases run at once.
const WORKERS: usize = 3;

fn main() -> ExitCode {
    if std::env::var_os(CHILD).is_some() {
        let name = std::env::var(STACK).unwrap_or_default();
        let shape = Shape::named(&std::env::var(SHAPE).unwrap_or_default());
        return kumo_cli::run(FaultStack { name, shape });
    }
    matrix()
}

/// The template a case deploys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A queue with a parameter and an output.
    First,
    /// The same queue changed: an update.
    Second,
    /// Over the 51,200 bytes CloudFormation takes inline: it goes through the artifact bucket.
    Large,
    /// [`Shape::First`] with a NoEcho parameter without a default, which a deploy that updates
    /// the stack keeps as deployed.
    Secret,
}

impl Shape {
    fn named(name: &str) -> Shape {
        match name {
            "second" => Shape::Second,
            "large" => Shape::Large,
            "secret" => Shape::Secret,
            _ => Shape::First,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Shape::First => "first",
            Shape::Second => "second",
            Shape::Large => "large",
            Shape::Secret => "secret",
        }
    }

    /// The template of the app's stack `stack`.
    fn template(self, stack: &str) -> Result<Template, StackError> {
        if self == Shape::Large {
            // Named for its stack, so that each case uploads a template of its own.
            let large = kumo_examples::bench_500::template(1, 100, 10)?;
            return Ok(large.with_description(format!("kumo fault matrix: {stack}")));
        }
        let mut t = Template::new().with_description("kumo fault matrix");
        t.add_parameter("Label", Parameter::string().default_value("a"))?;
        if self == Shape::Secret {
            t.add_parameter("Secret", Parameter::string().no_echo())?;
        }
        let timeout = if self == Shape::First { 30 } else { 60 };
        let queue = t.add("Jobs", sqs::Queue::new().visibility_timeout(timeout))?;
        t.add_output("QueueUrl", Output::new(queue.r#ref()))?;
        t.add_output("Label", Output::new(reference::<String>("Label")))?;
        Ok(t)
    }

    /// The template as JSON, to compare with what is deployed and recorded.
    fn json(self, stack: &str) -> Json {
        serde_json::from_str(&self.template(stack).unwrap().to_json()).unwrap()
    }
}

/// The stack binary of the children.
struct FaultStack {
    name: String,
    shape: Shape,
}

impl Stack for FaultStack {
    fn name(&self) -> &str {
        &self.name
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        self.shape.template(&self.name)
    }
}

/// What `.kumo` and CloudFormation hold after a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    /// What they held before it.
    Unchanged,
    /// The stack deployed with this template, settled, and recorded.
    Deployed(Shape),
    /// No stack, no record.
    Clean,
    /// The stack deployed with this template, settled, and its record as before: kumo lost
    /// sight of the operation once it started, so it could not tell how it ended.
    Executed(Shape),
}

/// One row of the matrix.
#[derive(Debug, Clone)]
struct Case {
    name: &'static str,
    /// The arguments after the program name; `{proxy}` stands for the proxy's URL.
    args: Vec<&'static str>,
    /// `--local` before them (the emulator at `KUMO_LOCAL_PORT`, the proxy's port).
    local: bool,
    env: Vec<(&'static str, &'static str)>,
    /// The stack's name in the app (deployed as `{stack}-dev`); the case's own by default.
    stack: Option<String>,
    /// `kumo.toml`.
    config: Option<String>,
    /// Deploy [`Shape::First`] without faults first.
    deployed_first: bool,
    shape: Shape,
    faults: Vec<Rule>,
    code: i32,
    /// Part of the first line printed: of standard error on failure, else of standard output.
    says: &'static str,
    after: After,
    /// No request may reach the proxy.
    offline: bool,
    /// How often the proxy must have seen a call.
    sent: Option<(&'static str, usize)>,
    /// How long the case may take at most.
    within: Option<Duration>,
    /// The same command, run again without faults, then succeeds and deploys [`Case::shape`].
    recovers: bool,
    /// This signal (`INT`, what Ctrl-C sends; `TERM`) is sent to the child once the proxy has
    /// seen this call.
    interrupt: Option<(&'static str, &'static str)>,
}

impl Case {
    /// A case of `args` that must fail (exit code 2) saying `says`, leaving things as they were.
    fn fails(name: &'static str, args: &[&'static str], says: &'static str) -> Case {
        Case {
            name,
            args: args.to_vec(),
            local: true,
            env: Vec::new(),
            stack: None,
            config: None,
            deployed_first: false,
            shape: Shape::First,
            faults: Vec::new(),
            code: 2,
            says,
            after: After::Unchanged,
            offline: false,
            sent: None,
            within: None,
            recovers: false,
            interrupt: None,
        }
    }

    /// A case that must succeed and print `says` first, leaving `after`.
    fn works(name: &'static str, args: &[&'static str], says: &'static str, after: After) -> Case {
        Case {
            code: 0,
            after,
            ..Case::fails(name, args, says)
        }
    }

    /// A `deploy --yes` of [`Shape::First`] that must succeed despite `faults`.
    fn survives(name: &'static str, faults: &[Rule]) -> Case {
        Case::works(
            name,
            &["deploy", "--yes"],
            "change(s)",
            After::Deployed(Shape::First),
        )
        .faults(faults)
    }

    /// Global options before the arguments.
    fn flags(mut self, flags: &[&'static str]) -> Case {
        self.args.splice(0..0, flags.iter().copied());
        self
    }

    fn recovers(mut self) -> Case {
        self.recovers = true;
        self
    }

    fn faults(mut self, faults: &[Rule]) -> Case {
        self.faults = faults.to_vec();
        self
    }

    fn env(mut self, key: &'static str, value: &'static str) -> Case {
        self.env.push((key, value));
        self
    }

    fn config(mut self, text: impl Into<String>) -> Case {
        self.config = Some(text.into());
        self
    }

    fn stack(mut self, name: String) -> Case {
        self.stack = Some(name);
        self
    }

    fn remote(mut self) -> Case {
        self.local = false;
        self
    }

    fn deployed_first(mut self) -> Case {
        self.deployed_first = true;
        self
    }

    fn shape(mut self, shape: Shape) -> Case {
        self.shape = shape;
        self
    }

    fn after(mut self, after: After) -> Case {
        self.after = after;
        self
    }

    /// Refused before any request.
    fn offline(mut self) -> Case {
        self.offline = true;
        self
    }

    fn sent(mut self, call: &'static str, times: usize) -> Case {
        self.sent = Some((call, times));
        self
    }

    fn within(mut self, seconds: u64) -> Case {
        self.within = Some(Duration::from_secs(seconds));
        self
    }

    /// Ctrl-C once the proxy has seen `call` (which a fault should hold up meanwhile).
    fn interrupted_at(mut self, call: &'static str) -> Case {
        self.interrupt = Some((call, "INT"));
        self
    }

    /// SIGTERM is sent to the child once the proxy has seen `call`, as a CI system cancelling
    /// the job would.
    fn terminated_at(mut self, call: &'static str) -> Case {
        self.interrupt = Some((call, "TERM"));
        self
    }
}

const fn every(call: Call, fault: Fault) -> Rule {
    Rule::every(call, fault)
}

const fn first(call: Call, fault: Fault) -> Rule {
    Rule::nth(call, 1, fault)
}

const fn action(name: &'static str) -> Call {
    Call::Action(name)
}

/// A reply to DescribeStackEvents with no events: CloudFormation's, right after a change set is
/// executed, before the update has written any.
const NO_EVENTS: &str = concat!(
    r#"<DescribeStackEventsResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">"#,
    "<DescribeStackEventsResult><StackEvents/></DescribeStackEventsResult>",
    "<ResponseMetadata><RequestId>kumo-fault-proxy</RequestId></ResponseMetadata>",
    "</DescribeStackEventsResponse>",
);

/// A reply to DescribeStacks: a stack in status `$status` (its name is not read back).
macro_rules! stack_in {
    ($status:literal) => {
        concat!(
            r#"<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">"#,
            "<DescribeStacksResult><Stacks><member><StackName>ctrl-c-update-dev</StackName>",
            "<StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/ctrl-c-update-dev/1</StackId>",
            "<StackStatus>", $status, "</StackStatus>",
            "<CreationTime>2026-01-01T00:00:00Z</CreationTime></member></Stacks></DescribeStacksResult>",
            "<ResponseMetadata><RequestId>kumo-fault-proxy</RequestId></ResponseMetadata>",
            "</DescribeStacksResponse>",
        )
    };
}

/// Where a reply to DescribeStacks of the matrix's stack is cut in the middle of an output's
/// value: the queue's URL.
const IN_AN_OUTPUT: &str = "<OutputValue>https://sqs";

/// Where a reply to DescribeStacks is cut to its opening tag alone (the end of its namespace).
const OPENING_TAG: &str = "2010-05-15/\">";

/// A reply to ExecuteChangeSet: taken (by an endpoint that then does nothing).
const EXECUTED: &str = concat!(
    r#"<ExecuteChangeSetResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">"#,
    "<ExecuteChangeSetResult/>",
    "<ResponseMetadata><RequestId>kumo-fault-proxy</RequestId></ResponseMetadata>",
    "</ExecuteChangeSetResponse>",
);

/// A reply to CancelUpdateStack: taken.
const CANCEL_TAKEN: &str = concat!(
    r#"<CancelUpdateStackResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">"#,
    "<ResponseMetadata><RequestId>kumo-fault-proxy</RequestId></ResponseMetadata>",
    "</CancelUpdateStackResponse>",
);

const fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// The matrix. Each expected first line is a short part of the message: what kumo was doing
/// and the cause, not the whole wording.
fn cases() -> Vec<Case> {
    use After::{Clean, Deployed, Executed};
    use Fault::{Cut, Delay, Drop, Lose, Page, Reset, Respond, Silence, Status, Throttle};
    const DEPLOY: &[&str] = &["deploy", "--yes"];
    // The large template has roles: a deploy with --yes needs its widening approved.
    const DEPLOY_LARGE: &[&str] = &["deploy", "--yes", "--require-approval", "never"];
    const TIMEOUTS: &[&str] = &["--timeout", "5s", "--request-timeout", "1s"];

    /// Ctrl-C while the change set of an update ([`Shape::Second`]) is executed: the first
    /// poll after it finds no event of the update, and the stack as `first_poll` shows it (its
    /// previous status without). However Ctrl-C is answered, the update goes on to its end and
    /// is recorded.
    fn update_interrupted(name: &'static str, first_poll: &[Rule]) -> Case {
        let mut faults = vec![
            first(action("ExecuteChangeSet"), Delay(millis(1500))),
            Rule::nth(action("DescribeStackEvents"), 2, Respond(NO_EVENTS)),
        ];
        faults.extend_from_slice(first_poll);
        Case::fails(
            name,
            DEPLOY,
            "interrupted, but the update went on to its end (it could not be cancelled): the stack was updated and recorded",
        )
        .deployed_first()
        .shape(Shape::Second)
        .faults(&faults)
        .interrupted_at("ExecuteChangeSet")
        .after(Deployed(Shape::Second))
    }

    vec![
        // Bad input: refused before any request.
        Case::fails(
            "param without =",
            &["deploy", "--yes", "--param", "Label"],
            "expected KEY=VALUE",
        )
        .offline(),
        Case::fails(
            "param with an empty key",
            &["deploy", "--yes", "--param", "=x"],
            "expected KEY=VALUE",
        )
        .offline(),
        Case::fails(
            "param the stack lacks",
            &["deploy", "--yes", "--param", "Nope=1"],
            "has no parameter `Nope`",
        )
        .offline(),
        Case::fails(
            "unknown stack",
            &["deploy", "--yes", "nope"],
            "no stack named `nope`",
        )
        .offline(),
        Case::fails(
            "unknown environment",
            &["deploy", "--yes", "--env", "stage"],
            "unknown environment `stage`",
        )
        .config("[env.dev]\n[env.prod]\n")
        .offline(),
        Case::fails("malformed kumo.toml", DEPLOY, "line 2, column 10")
            .config("[env.dev]\nregion = eu-west-1\n")
            .offline(),
        Case::fails("unknown key in kumo.toml", DEPLOY, "unknown field `regoin`")
            .config("[env.dev]\nregoin = \"eu-west-1\"\n")
            .offline(),
        Case::fails(
            "--config of a missing file",
            &["deploy", "--yes", "--config", "missing.toml"],
            "missing.toml: no such file",
        )
        .offline(),
        Case::fails(
            "KUMO_LOCAL_PORT not a number",
            &["status"],
            "KUMO_LOCAL_PORT must be a port number",
        )
        .env("KUMO_LOCAL_PORT", "abc")
        .offline(),
        Case::fails(
            "KUMO_LOCAL_PORT out of range",
            &["status"],
            "KUMO_LOCAL_PORT must be a port number",
        )
        .env("KUMO_LOCAL_PORT", "70000")
        .offline(),
        Case::fails(
            "empty --endpoint-url",
            &["status", "--endpoint-url", ""],
            "--endpoint-url must be an http:// or https:// URL",
        )
        .offline(),
        Case::fails(
            "--endpoint-url not a URL",
            &["status", "--endpoint-url", "not a url"],
            "--endpoint-url must be an http:// or https:// URL",
        )
        .offline(),
        Case::fails(
            "--env with ..",
            &["deploy", "--yes", "--env", "../x"],
            "invalid environment name \"../x\"",
        )
        .offline(),
        Case::fails(
            "--env an absolute path",
            &["deploy", "--yes", "--env", "/tmp/x"],
            "invalid environment name \"/tmp/x\"",
        )
        .offline(),
        Case::fails(
            "--env ending in -",
            &["deploy", "--yes", "--env", "dev-"],
            "invalid environment name \"dev-\"",
        )
        .offline(),
        Case::fails(
            "empty --env",
            &["deploy", "--yes", "--env", ""],
            "invalid environment name \"\"",
        )
        .offline(),
        Case::fails("reserved tag key", DEPLOY, "invalid tag \"aws:team\"")
            .config("[env.dev]\ntags = { \"aws:team\" = \"x\" }\n")
            .offline(),
        Case::fails(
            "tag key over 128 characters",
            DEPLOY,
            "keys have 1 to 128 characters",
        )
        .config(format!(
            "[env.dev]\ntags = {{ {} = \"x\" }}\n",
            "k".repeat(129)
        ))
        .offline(),
        Case::fails(
            "stack name over 128 characters",
            DEPLOY,
            "it has 134 characters",
        )
        .stack("s".repeat(130))
        .offline(),
        Case::fails(
            "stack name with an underscore",
            DEPLOY,
            "invalid stack name \"my_stack-dev\"",
        )
        .stack("my_stack".to_owned())
        .offline(),
        Case::fails(
            "--concurrency 0",
            &["deploy", "--yes", "--concurrency", "0"],
            "--concurrency",
        )
        .offline(),
        Case::fails(
            "--timeout not a duration",
            &["--timeout", "abc", "deploy", "--yes"],
            "abc",
        )
        .offline(),
        Case::fails(
            "--request-timeout not a duration",
            &["--request-timeout", "5parsecs", "status"],
            "5parsecs",
        )
        .offline(),
        Case::fails("unknown command", &["deploi"], "unrecognized subcommand").offline(),
        Case::fails("unknown flag", &["deploy", "--yse"], "--yse").offline(),
        Case::fails(
            "deploy without --yes and no terminal",
            &["deploy"],
            "pass --yes",
        )
        .offline(),
        Case::fails(
            "delete without --yes and no terminal",
            &["delete"],
            "pass --yes",
        )
        .deployed_first()
        .offline(),
        Case::fails(
            "outputs of a stack never deployed",
            &["outputs"],
            "is not deployed",
        )
        .offline(),
        Case::fails(
            "unknown profile",
            &[
                "--region",
                "us-east-1",
                "--endpoint-url",
                "{proxy}",
                "--profile",
                "nope",
                "status",
            ],
            "credentials",
        )
        .remote()
        .offline(),
        Case::fails(
            "a named profile wins over keys in the environment",
            &[
                "--region",
                "us-east-1",
                "--endpoint-url",
                "{proxy}",
                "--profile",
                "nope",
                "status",
            ],
            "credentials",
        )
        .env("AWS_ACCESS_KEY_ID", "AKIAFROMTHEENVIRONMENT")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .remote()
        .offline(),
        // Faults the SDK's retries absorb.
        Case::survives("no fault", &[]).sent("ExecuteChangeSet", 1),
        Case::survives(
            "throttled once",
            &[first(action("CreateChangeSet"), Throttle)],
        )
        .sent("CreateChangeSet", 2),
        Case::survives(
            "500 then success",
            &[first(action("CreateChangeSet"), Status(500))],
        )
        .sent("CreateChangeSet", 2),
        Case::survives(
            "503 once on DescribeStacks",
            &[first(action("DescribeStacks"), Status(503))],
        ),
        Case::survives(
            "reset once on DescribeStacks",
            &[first(action("DescribeStacks"), Reset)],
        ),
        // A reply cut short with a Content-Length to match, which the SDK's XML reader would
        // take for the whole: retried. A first deploy reads the stack three times: not there
        // yet (an error reply), once executed, and to record its outputs.
        Case::survives(
            "DescribeStacks's error cut once",
            &[first(action("DescribeStacks"), Cut(""))],
        )
        .sent("DescribeStacks", 4),
        Case::survives(
            "DescribeStacks cut once in an output",
            &[Rule::nth(action("DescribeStacks"), 3, Cut(IN_AN_OUTPUT))],
        )
        .sent("DescribeStacks", 4),
        // Each is dropped only when it carries its token, so that a retry whose first try
        // was made (its answer lost) is the same request to CloudFormation.
        Case::survives(
            "dropped once on ExecuteChangeSet",
            &[first(
                Call::ActionWith("ExecuteChangeSet", "ClientRequestToken=kumo-execute-"),
                Drop,
            )],
        )
        .sent("ExecuteChangeSet", 2),
        Case::survives(
            "dropped once on CreateChangeSet",
            &[first(
                Call::ActionWith("CreateChangeSet", "ClientToken=kumo-create-"),
                Drop,
            )],
        )
        .sent("CreateChangeSet", 2),
        Case::survives(
            "delay below the request timeout",
            &[every(action("CreateChangeSet"), Delay(millis(500)))],
        )
        .flags(&["--request-timeout", "2s"]),
        Case::survives(
            "delay over the request timeout once",
            &[first(action("DescribeStacks"), Delay(millis(3000)))],
        )
        .flags(&["--request-timeout", "1s"]),
        Case::works(
            "large template: S3 500 once",
            DEPLOY_LARGE,
            "change(s)",
            Deployed(Shape::Large),
        )
        .shape(Shape::Large)
        .faults(&[first(Call::S3("PUT"), Status(500))]),
        Case::works(
            "large template: S3 SlowDown once",
            DEPLOY_LARGE,
            "change(s)",
            Deployed(Shape::Large),
        )
        .shape(Shape::Large)
        .faults(&[first(Call::S3("PUT"), Throttle)]),
        // Faults beyond the retries: a clear error, nothing half-recorded.
        Case::fails(
            "throttled beyond the retries",
            DEPLOY,
            "Throttling: Rate exceeded",
        )
        .faults(&[every(action("DescribeStacks"), Throttle)])
        .after(Clean)
        .recovers(),
        Case::fails("503 on CreateChangeSet", DEPLOY, "ServiceUnavailable")
            .faults(&[every(action("CreateChangeSet"), Status(503))])
            .after(Clean)
            .recovers(),
        Case::fails("500 on ExecuteChangeSet", DEPLOY, "InternalFailure")
            .faults(&[every(action("ExecuteChangeSet"), Status(500))])
            .after(Clean)
            .recovers(),
        Case::fails(
            "a gateway's page on CreateChangeSet",
            DEPLOY,
            "creating the change set: the endpoint answered HTTP 502 with an error that is not CloudFormation's (does it support this call?): <html> <body>upstream timed out</body> </html>",
        )
        .faults(&[every(
            action("CreateChangeSet"),
            Page("<html>\n  <body>upstream timed out</body>\n</html>\n"),
        )])
        .after(Clean)
        .recovers(),
        Case::fails("reset on DescribeStacks", DEPLOY, "describing the stack")
            .faults(&[every(action("DescribeStacks"), Reset)])
            .after(Clean),
        // Every attempt to read the outputs to record is cut short: none are recorded.
        Case::fails(
            "DescribeStacks cut in an output on every attempt",
            DEPLOY,
            "the stack was created, but kumo could not record it (describing the stack: the reply to DescribeStacks was cut short (",
        )
        .faults(&[
            Rule::nth(action("DescribeStacks"), 3, Cut(IN_AN_OUTPUT)),
            Rule::nth(action("DescribeStacks"), 4, Cut(IN_AN_OUTPUT)),
            Rule::nth(action("DescribeStacks"), 5, Cut(IN_AN_OUTPUT)),
        ])
        .after(Executed(Shape::First))
        .sent("DescribeStacks", 5)
        .recovers(),
        // A reply of its opening tag alone is not taken for a stack that is not deployed.
        Case::fails(
            "DescribeStacks cut to its opening tag on every attempt",
            DEPLOY,
            "describing the stack: the reply to DescribeStacks was cut short (",
        )
        .deployed_first()
        .faults(&[every(action("DescribeStacks"), Cut(OPENING_TAG))])
        .sent("DescribeStacks", 3),
        Case::fails(
            "drop on ExecuteChangeSet",
            DEPLOY,
            "executing the change set",
        )
        .faults(&[every(action("ExecuteChangeSet"), Drop)])
        .after(Clean)
        .recovers(),
        Case::fails(
            "silence on DescribeChangeSet",
            DEPLOY,
            "reading the change set: no answer in time",
        )
        .flags(TIMEOUTS)
        .faults(&[every(action("DescribeChangeSet"), Silence)])
        .after(Clean)
        .within(15)
        .recovers(),
        Case::fails(
            "silence on every call: deploy",
            DEPLOY,
            "describing the stack: no answer in time",
        )
        .flags(TIMEOUTS)
        .faults(&[every(Call::Any, Silence)])
        .after(Clean)
        .within(15),
        Case::fails(
            "silence on every call: status",
            &["status"],
            "describing the stack: no answer in time",
        )
        .flags(TIMEOUTS)
        .faults(&[every(Call::Any, Silence)])
        .within(10),
        Case::fails(
            "503 on every call: status",
            &["status"],
            "ServiceUnavailable",
        )
        .faults(&[every(Call::Any, Status(503))]),
        Case::fails(
            "throttled account check",
            DEPLOY,
            "checking the account: Throttling",
        )
        .config("[env.dev]\naccount = \"123456789012\"\n")
        .faults(&[every(action("GetCallerIdentity"), Throttle)]),
        Case::fails(
            "validate --remote throttled",
            &["validate", "--remote"],
            "Throttling",
        )
        .faults(&[every(action("ValidateTemplate"), Throttle)]),
        Case::fails("large template: S3 503", DEPLOY_LARGE, "ServiceUnavailable")
            .shape(Shape::Large)
            .faults(&[every(Call::S3("PUT"), Status(503))])
            .after(Clean)
            .recovers(),
        // Updates and deletes that fail keep the deployed stack and its record.
        Case::fails("update throttled", DEPLOY, "Throttling")
            .deployed_first()
            .shape(Shape::Second)
            .faults(&[every(action("CreateChangeSet"), Throttle)]),
        Case::fails(
            "update: drop on ExecuteChangeSet",
            DEPLOY,
            "executing the change set",
        )
        .deployed_first()
        .shape(Shape::Second)
        .faults(&[every(action("ExecuteChangeSet"), Drop)])
        .recovers(),
        Case::works(
            "update: ExecuteChangeSet's reply lost",
            DEPLOY,
            "change(s)",
            Deployed(Shape::Second),
        )
        .deployed_first()
        .shape(Shape::Second)
        .faults(&[every(action("ExecuteChangeSet"), Lose)]),
        Case::fails(
            "update: ExecuteChangeSet answered, not done",
            DEPLOY,
            "CloudFormation did not execute the change set (it is AVAILABLE): the stack is unchanged; deploy again",
        )
        .deployed_first()
        .shape(Shape::Second)
        .faults(&[every(action("ExecuteChangeSet"), Respond(EXECUTED))])
        .recovers(),
        Case::fails(
            "update: 503 on DescribeStackEvents once executed",
            DEPLOY,
            "the change set was executed, but reading the stack's events failed (ServiceUnavailable: injected by the fault proxy): the operation goes on in CloudFormation",
        )
        .deployed_first()
        .shape(Shape::Second)
        .faults(&[
            Rule::nth(action("DescribeStackEvents"), 2, Status(503)),
            Rule::nth(action("DescribeStackEvents"), 3, Status(503)),
            Rule::nth(action("DescribeStackEvents"), 4, Status(503)),
        ])
        .after(Executed(Shape::Second))
        .recovers(),
        Case::fails(
            "update: 500 on GetTemplate",
            DEPLOY,
            "reading the deployed template",
        )
        .deployed_first()
        .shape(Shape::Second)
        .faults(&[every(action("GetTemplate"), Status(500))]),
        Case::works(
            "update: 503 once on DescribeStackEvents",
            DEPLOY,
            "change(s)",
            Deployed(Shape::Second),
        )
        .deployed_first()
        .shape(Shape::Second)
        .faults(&[first(action("DescribeStackEvents"), Status(503))]),
        Case::fails(
            "diff --live: 500 on GetTemplate",
            &["diff", "--live"],
            "InternalFailure",
        )
        .deployed_first()
        .faults(&[every(action("GetTemplate"), Status(500))]),
        Case::fails(
            "outputs --live: reset",
            &["outputs", "--live"],
            "describing the stack",
        )
        .deployed_first()
        .faults(&[every(Call::Any, Reset)]),
        Case::fails(
            "delete: 503 on DeleteStack",
            &["delete", "--yes"],
            "ServiceUnavailable",
        )
        .deployed_first()
        .faults(&[every(action("DeleteStack"), Status(503))]),
        Case::works(
            "delete: throttled once",
            &["delete", "--yes"],
            "deleted",
            Clean,
        )
        .deployed_first()
        .faults(&[first(action("DeleteStack"), Throttle)]),
        Case::fails(
            "plan: 503 on DeleteChangeSet",
            &["plan"],
            "ServiceUnavailable",
        )
        .faults(&[every(action("DeleteChangeSet"), Status(503))])
        .after(Clean),
        // A failed step whose clean-up fails too is told by its own cause first, then what is
        // left, which the next deploy removes.
        Case::fails(
            "create: change set unreadable, and its delete fails",
            DEPLOY,
            "; then cleaning up failed too: deleting the change set",
        )
        .faults(&[
            every(action("DescribeChangeSet"), Status(503)),
            every(action("DeleteChangeSet"), Status(503)),
        ])
        .recovers(),
        // A stack a delete left half gone is not deployed over, nor taken for unchanged.
        Case::fails(
            "deploy: a stack whose delete failed",
            DEPLOY,
            "a delete of the stack failed part way (DELETE_FAILED)",
        )
        .deployed_first()
        .faults(&[every(
            action("DescribeStacks"),
            Respond(stack_in!("DELETE_FAILED")),
        )])
        .sent("CreateChangeSet", 0),
        // Not "needs a value": a parameter keeps its value only in a stack that is updated.
        Case::fails(
            "deploy: a stack whose delete failed, a parameter without a value",
            DEPLOY,
            "a delete of the stack failed part way (DELETE_FAILED)",
        )
        .deployed_first()
        .shape(Shape::Secret)
        .faults(&[every(
            action("DescribeStacks"),
            Respond(stack_in!("DELETE_FAILED")),
        )])
        .sent("CreateChangeSet", 0),
        Case::fails(
            "plan: a stack whose delete failed",
            &["plan"],
            "a delete of the stack failed part way (DELETE_FAILED)",
        )
        .deployed_first()
        .faults(&[every(
            action("DescribeStacks"),
            Respond(stack_in!("DELETE_FAILED")),
        )])
        .sent("CreateChangeSet", 0),
        Case::works(
            "status: a stack whose delete failed",
            &["status"],
            "DELETE_FAILED (last update 2026-01-01T00:00:00Z); a delete of the stack failed part way (DELETE_FAILED): some of its resources are gone; delete it again (`delete`), then deploy it anew",
            After::Unchanged,
        )
        .deployed_first()
        .faults(&[every(
            action("DescribeStacks"),
            Respond(stack_in!("DELETE_FAILED")),
        )]),
        // Ctrl-C: a change set made is deleted unless it was executed (and the empty stack a
        // first deploy made with it), whenever the interrupt comes.
        Case::fails(
            "create: Ctrl-C while the change set is made",
            DEPLOY,
            "interrupted while CloudFormation worked out the change set; nothing was changed",
        )
        .faults(&[first(action("CreateChangeSet"), Delay(millis(1500)))])
        .interrupted_at("CreateChangeSet")
        .after(Clean)
        .recovers(),
        Case::fails(
            "create: SIGTERM while the change set is made",
            DEPLOY,
            "interrupted while CloudFormation worked out the change set; nothing was changed",
        )
        .faults(&[first(action("CreateChangeSet"), Delay(millis(1500)))])
        .terminated_at("CreateChangeSet")
        .after(Clean)
        .recovers(),
        Case::fails(
            "update: Ctrl-C before the change set is executed",
            DEPLOY,
            "interrupted before the change set was executed; nothing was changed",
        )
        .deployed_first()
        .shape(Shape::Second)
        .faults(&[first(action("DescribeStackEvents"), Delay(millis(1500)))])
        .interrupted_at("DescribeStackEvents")
        .sent("ExecuteChangeSet", 0)
        .recovers(),
        // Ctrl-C while the change set is executed. The update is to be cancelled once it shows
        // running; here it ends first, so it is recorded as it ended.
        update_interrupted("update: Ctrl-C before the update shows running", &[])
            .sent("CancelUpdateStack", 0),
        // The first poll showing the update running: it is cancelled.
        update_interrupted(
            "update: Ctrl-C while the update runs",
            &[
                Rule::nth(
                    action("DescribeStacks"),
                    2,
                    Respond(stack_in!("UPDATE_IN_PROGRESS")),
                ),
                every(action("CancelUpdateStack"), Respond(CANCEL_TAKEN)),
            ],
        )
        .sent("CancelUpdateStack", 1),
        // The same, the cancel failing while the update runs: it is waited for to its end.
        update_interrupted(
            "update: Ctrl-C while the update runs, and the cancel fails",
            &[
                Rule::nth(
                    action("DescribeStacks"),
                    2,
                    Respond(stack_in!("UPDATE_IN_PROGRESS")),
                ),
                Rule::nth(
                    action("DescribeStacks"),
                    3,
                    Respond(stack_in!("UPDATE_IN_PROGRESS")),
                ),
                every(action("CancelUpdateStack"), Status(503)),
            ],
        ),
        // The first poll showing the update cleaning up: past cancelling, it is waited for.
        update_interrupted(
            "update: Ctrl-C while the update cleans up",
            &[Rule::nth(
                action("DescribeStacks"),
                2,
                Respond(stack_in!("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")),
            )],
        )
        .sent("CancelUpdateStack", 0),
    ]
}

/// Runs the cases whose name contains one of the arguments (all without arguments) and
/// reports each; fails if one does.
fn matrix() -> ExitCode {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let cases: Vec<(usize, Case)> = cases()
        .into_iter()
        .enumerate()
        .filter(|(_, c)| filters.is_empty() || filters.iter().any(|f| c.name.contains(f.as_str())))
        .collect();
    if cases.is_empty() {
        println!("fault matrix: no case matches {filters:?}");
        return ExitCode::SUCCESS;
    }
    let moto = match MotoServer::start() {
        Ok(moto) => moto,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let queue = Mutex::new(cases.into_iter());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                let live = Live::new(moto.port());
                loop {
                    let Some((index, case)) = queue.lock().unwrap().next() else {
                        return;
                    };
                    let clock = Instant::now();
                    let result = run_case(index, &case, moto.port(), &live);
                    let elapsed = clock.elapsed().as_secs_f32();
                    match result {
                        Ok(said) => {
                            println!("ok    {:<45} {elapsed:5.1} s  {said}", case.name);
                        }
                        Err(why) => {
                            println!("FAIL  {:<45} {elapsed:5.1} s\n      {why}", case.name);
                            failures.lock().unwrap().push(case.name);
                        }
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort_unstable();
    println!(
        "\nfault matrix: {} failed, in {:.0} s{}{}",
        failures.len(),
        started.elapsed().as_secs_f32(),
        if failures.is_empty() { "" } else { ": " },
        failures.join("; ")
    );
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// What a child did.
#[derive(Debug)]
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Ran {
    /// The first line printed: of standard error on failure, else of standard output.
    fn first_line(&self) -> &str {
        let text = if self.code == Some(0) {
            &self.stdout
        } else {
            &self.stderr
        };
        text.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
    }
}

/// A child running the stack binary in `dir`, with the emulator at `port`.
struct Child<'a> {
    dir: &'a Path,
    stack: &'a str,
    shape: Shape,
    port: u16,
}

impl Child<'_> {
    /// Runs it with `args` (after `--local` when `local`) and `env`; kills it at
    /// [`CHILD_DEADLINE`]. With `interrupt`, sends it the signal once the proxy has seen the call.
    fn run(
        &self,
        local: bool,
        args: &[String],
        env: &[(&str, &str)],
        interrupt: Option<(&FaultProxy, (&str, &str))>,
    ) -> Ran {
        let stdout = self.dir.join("stdout");
        let stderr = self.dir.join("stderr");
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .current_dir(self.dir)
            .args(local.then_some("--local"))
            .args(args)
            .env(CHILD, "1")
            .env(STACK, self.stack)
            .env(SHAPE, self.shape.name())
            .env("KUMO_POLL_MS", "100")
            .env("KUMO_LOCAL_PORT", self.port.to_string())
            .env("AWS_CONFIG_FILE", self.dir.join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.dir.join("no-aws-credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_REGION")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("RUST_BACKTRACE")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap());
        let started = Instant::now();
        let mut child = command.spawn().unwrap();
        let mut interrupt = interrupt;
        let code = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status.code();
            }
            if let Some((proxy, (call, sent))) = interrupt {
                if proxy.calls().iter().any(|c| c == call) {
                    signal(&child, sent);
                    interrupt = None;
                }
            }
            if started.elapsed() > CHILD_DEADLINE {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(millis(20));
        };
        Ran {
            code,
            stdout: std::fs::read_to_string(stdout).unwrap_or_default(),
            stderr: std::fs::read_to_string(stderr).unwrap_or_default(),
            elapsed: started.elapsed(),
        }
    }
}

/// Sends `child` the signal `name` (`INT`, what Ctrl-C in its terminal would send; `TERM`).
fn signal(child: &std::process::Child, name: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status();
    assert!(
        sent.as_ref().is_ok_and(|s| s.success()),
        "kill -{name} failed: {sent:?}"
    );
}

/// Runs one case: its setup, the child through a proxy with its faults, and its checks.
/// Returns the first line it printed, or what is wrong.
fn run_case(index: usize, case: &Case, moto: u16, live: &Live) -> Result<String, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let dir = dir.path();
    if let Some(config) = &case.config {
        std::fs::write(dir.join("kumo.toml"), config).map_err(|e| e.to_string())?;
    }
    let stack = case
        .stack
        .clone()
        .unwrap_or_else(|| format!("fault-{index}"));
    let stack_name = format!("{stack}-dev");
    if case.deployed_first {
        let setup = Child {
            dir,
            stack: &stack,
            shape: Shape::First,
            port: moto,
        };
        let ran = setup.run(true, &["deploy".into(), "--yes".into()], &[], None);
        if ran.code != Some(0) {
            return Err(format!("setup deploy failed: {}{}", ran.stdout, ran.stderr));
        }
    }
    let before = Snapshot::take(live, dir, &stack_name)?;
    let proxy = FaultProxy::start(moto, case.faults.clone()).map_err(|e| e.to_string())?;
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("{proxy}", &proxy.endpoint()))
        .collect();
    let child = Child {
        dir,
        stack: &stack,
        shape: case.shape,
        port: proxy.port(),
    };
    let ran = child.run(
        case.local,
        &args,
        &case.env,
        case.interrupt.map(|call| (&proxy, call)),
    );
    let calls = proxy.calls();
    drop(proxy);
    let after = Snapshot::take(live, dir, &stack_name)?;
    let mut problems = Vec::new();
    let printed = format!(
        "calls: {calls:?}\n      stdout: {:?}\n      stderr: {:?}",
        ran.stdout, ran.stderr
    );
    match ran.code {
        None => problems.push(format!(
            "no exit code: killed at the {} s deadline, or by a signal",
            CHILD_DEADLINE.as_secs()
        )),
        Some(code) if code != case.code => {
            problems.push(format!("exit code {code}, expected {}", case.code));
        }
        Some(_) => {}
    }
    if !ran.first_line().contains(case.says) {
        problems.push(format!(
            "first line {:?} does not say {:?}",
            ran.first_line(),
            case.says
        ));
    }
    if [&ran.stdout, &ran.stderr]
        .iter()
        .any(|t| t.contains("panicked") || t.contains("RUST_BACKTRACE"))
    {
        problems.push("it panicked".to_owned());
    }
    if case.offline && !calls.is_empty() {
        problems.push(format!("requests were sent: {calls:?}"));
    }
    if let Some((call, times)) = case.sent {
        let seen = calls.iter().filter(|c| *c == call).count();
        if seen != times {
            problems.push(format!("{call} sent {seen} times, expected {times}"));
        }
    }
    if let Some(within) = case.within {
        if ran.elapsed > within {
            problems.push(format!("took {:?}, more than {within:?}", ran.elapsed));
        }
    }
    problems.extend(after.problems(&before, case.after, &stack));
    if case.recovers && problems.is_empty() {
        let again = Child {
            port: moto,
            ..child
        };
        let ran = again.run(case.local, &args, &case.env, None);
        if ran.code != Some(0) {
            problems.push(format!(
                "run again without faults, it fails (exit code {:?}): {:?} {:?}",
                ran.code, ran.stdout, ran.stderr
            ));
        }
        let recovered = Snapshot::take(live, dir, &stack_name)?;
        problems.extend(recovered.problems(&after, After::Deployed(case.shape), &stack));
    }
    if problems.is_empty() {
        Ok(ran.first_line().to_owned())
    } else {
        Err(format!("{}\n      {printed}", problems.join("; ")))
    }
}

/// A stack as CloudFormation has it.
#[derive(Debug, PartialEq)]
struct Deployed {
    status: String,
    template: Json,
    /// Its outputs, as a JSON object of strings by key.
    outputs: Json,
}

/// The deployed stack (none when absent, deleted or only reviewed), its record under
/// `.kumo/applied` and the outputs recorded under `.kumo/outputs`.
#[derive(Debug, PartialEq)]
struct Snapshot {
    live: Option<Deployed>,
    record: Option<Json>,
    outputs: Option<Json>,
}

impl Snapshot {
    fn take(live: &Live, dir: &Path, stack_name: &str) -> Result<Snapshot, String> {
        let read = |kind: &str| {
            find_file(&dir.join(".kumo").join(kind), &format!("{stack_name}.json"))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .map(|text| serde_json::from_str(&text).unwrap_or(Json::Null))
        };
        Ok(Snapshot {
            live: live.stack(stack_name)?,
            record: read("applied"),
            outputs: read("outputs"),
        })
    }

    /// How it differs from what `after` expects, given what was there `before`.
    fn problems(&self, before: &Snapshot, after: After, stack: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(Deployed { status, .. }) = &self.live {
            if status.ends_with("_IN_PROGRESS") || status.ends_with("_FAILED") {
                problems.push(format!("the stack is left in {status}"));
            }
        }
        let live_template = self.live.as_ref().map(|d| &d.template);
        let executed = matches!(after, After::Executed(_));
        if !executed && self.record.is_some() && self.record.as_ref() != live_template {
            problems.push("the record under .kumo/applied is not the deployed template".into());
        }
        let expected = match after {
            After::Unchanged => {
                let kept = self.record == before.record
                    && self.outputs == before.outputs
                    && live_template == before.live.as_ref().map(|d| &d.template);
                if !kept {
                    problems.push("the deployed stack or its record changed".to_owned());
                }
                return problems;
            }
            After::Deployed(shape) => Some(shape.json(stack)),
            After::Clean => None,
            After::Executed(shape) => {
                if live_template != Some(&shape.json(stack)) {
                    problems.push(format!("the stack is not deployed as expected ({after:?})"));
                }
                if self.record != before.record || self.outputs != before.outputs {
                    problems.push("the record changed".to_owned());
                }
                return problems;
            }
        };
        if live_template != expected.as_ref() {
            problems.push(format!(
                "the deployed template is not the expected one ({after:?})"
            ));
        }
        if self.record != expected {
            problems.push(format!("the record is not the expected one ({after:?})"));
        }
        // Recorded with the template, the outputs are the deployed stack's, whole.
        let live_outputs = self.live.as_ref().map(|d| &d.outputs);
        if self.outputs.as_ref() != expected.and(live_outputs) {
            problems.push(format!(
                "the recorded outputs {:?} are not the deployed stack's {live_outputs:?}",
                self.outputs
            ));
        }
        problems
    }
}

/// The file named `name` somewhere under `dir` (state may be keyed by target and environment).
fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        } else if entry.file_name() == name {
            return Some(path);
        }
    }
    None
}

/// CloudFormation on moto, asked directly (not through a proxy).
struct Live {
    client: aws_sdk_cloudformation::Client,
    runtime: tokio::runtime::Runtime,
}

impl Live {
    fn new(port: u16) -> Live {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let timeouts = aws_config::timeout::TimeoutConfig::builder()
            .operation_timeout(Duration::from_secs(20))
            .build();
        let config = runtime.block_on(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .http_client(kumo_tests::http_client())
                .region(aws_config::Region::new("us-east-1"))
                .endpoint_url(format!("http://127.0.0.1:{port}"))
                .credentials_provider(aws_sdk_cloudformation::config::Credentials::new(
                    "test", "test", None, None, "test",
                ))
                .timeout_config(timeouts)
                .load(),
        );
        Live {
            client: aws_sdk_cloudformation::Client::new(&config),
            runtime,
        }
    }

    /// The stack's status, template and outputs, unless it is absent, deleted or only in review.
    fn stack(&self, name: &str) -> Result<Option<Deployed>, String> {
        use aws_sdk_cloudformation::error::ProvideErrorMetadata;
        let described = match self
            .runtime
            .block_on(self.client.describe_stacks().stack_name(name).send())
        {
            Ok(described) => described,
            Err(err) if err.message().is_some_and(|m| m.contains("does not exist")) => {
                return Ok(None)
            }
            Err(err) => return Err(format!("describing {name} on moto: {err:?}")),
        };
        let Some(stack) = described.stacks().first() else {
            return Ok(None);
        };
        let status = stack.stack_status().map(|s| s.as_str().to_owned());
        let status = status.unwrap_or_default();
        if status == "DELETE_COMPLETE" || status == "REVIEW_IN_PROGRESS" {
            return Ok(None);
        }
        let template = self
            .runtime
            .block_on(self.client.get_template().stack_name(name).send())
            .map_err(|err| format!("reading the template of {name} on moto: {err:?}"))?;
        let body = template.template_body().unwrap_or_default();
        let outputs = stack
            .outputs()
            .iter()
            .map(|o| {
                let value = o.output_value().unwrap_or_default();
                (o.output_key().unwrap_or_default().to_owned(), value.into())
            })
            .collect();
        Ok(Some(Deployed {
            status,
            template: serde_json::from_str(body).unwrap_or(Json::Null),
            outputs: Json::Object(outputs),
        }))
    }
}
