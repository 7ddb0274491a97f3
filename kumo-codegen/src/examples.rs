//! Hand-written examples of the commonly used resource types, emitted as the `# Examples`
//! section of their docs: each is a doctest of kumo-core, so it compiles against the generated
//! code it documents.

/// Each example, by type name.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "AWS::DynamoDB::Table",
        r#"use kumo_core::resources::dynamodb::{table, Table};
use kumo_core::{Environment, Scope};

let mut scope = Scope::new("media", &Environment::new("dev"));
let jobs = scope.add(
    "jobs",
    Table::new(vec![table::KeySchema::new("Id", "HASH")])
        .attribute_definitions(vec![table::AttributeDefinition::new(
            "Id",
            table::AttributeType::S,
        )])
        .billing_mode("PAY_PER_REQUEST"),
);
let stream = jobs.stream_arn();
let template = scope.finish()?;
assert!(template.resources().contains_key(jobs.logical_id()));
# let _ = stream;
# Ok::<(), kumo_core::StackError>(())"#,
    ),
    (
        "AWS::EC2::SecurityGroup",
        r#"use kumo_core::resources::ec2::{security_group, SecurityGroup};
use kumo_core::{Environment, Scope};

let mut scope = Scope::new("web", &Environment::new("dev"));
let https = security_group::Ingress::new("tcp").from_port(443).to_port(443).cidr_ip("0.0.0.0/0");
let web = scope.add(
    "web",
    SecurityGroup::new("HTTPS from anywhere").security_group_ingress(vec![https]),
);
let id = web.group_id();
let template = scope.finish()?;
assert!(template.resources().contains_key(web.logical_id()));
# let _ = id;
# Ok::<(), kumo_core::StackError>(())"#,
    ),
    (
        "AWS::IAM::Role",
        r#"use kumo_core::iam::{PolicyDocument, Principal, Statement};
use kumo_core::resources::iam::Role;
use kumo_core::{Environment, Scope};

let mut scope = Scope::new("media", &Environment::new("dev"));
let trust = PolicyDocument::new().statement(
    Statement::allow()
        .action("sts:AssumeRole")
        .principal(Principal::service("lambda.amazonaws.com")),
);
let worker = scope.add(
    "worker",
    Role::new(trust).managed_policy_arns(vec![
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".to_owned(),
    ]),
);
let arn = worker.arn();
let template = scope.finish()?;
assert!(template.resources().contains_key(worker.logical_id()));
# let _ = arn;
# Ok::<(), kumo_core::StackError>(())"#,
    ),
    (
        "AWS::KMS::Key",
        r#"use kumo_core::iam::{PolicyDocument, Principal, Statement};
use kumo_core::intrinsic::sub;
use kumo_core::resources::kms::Key;
use kumo_core::{Environment, Scope};

let mut scope = Scope::new("media", &Environment::new("dev"));
let admin = Statement::allow()
    .action("kms:*")
    .resource("*")
    .principal(Principal::aws(sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")));
let key = scope.add(
    "data",
    Key::new()
        .description("Encrypts media data")
        .enable_key_rotation(true)
        .key_policy(PolicyDocument::new().statement(admin)),
);
let arn = key.arn();
let template = scope.finish()?;
assert!(template.resources().contains_key(key.logical_id()));
# let _ = arn;
# Ok::<(), kumo_core::StackError>(())"#,
    ),
    (
        "AWS::Lambda::Function",
        r#"use kumo_core::iam::{PolicyDocument, Principal, Statement};
use kumo_core::resources::iam::Role;
use kumo_core::resources::lambda::{function, Function};
use kumo_core::{Environment, Scope};

let mut scope = Scope::new("media", &Environment::new("dev"));
let trust = PolicyDocument::new().statement(
    Statement::allow()
        .action("sts:AssumeRole")
        .principal(Principal::service("lambda.amazonaws.com")),
);
let role = scope.add("role", Role::new(trust));
let code = function::Code::new().zip_file("def handler(event, context):\n    return event\n");
let worker = scope.add(
    "worker",
    Function::new(code, role.arn())
        .handler("index.handler")
        .runtime(function::Runtime::Python312)
        .timeout(30),
);
let arn = worker.arn();
let template = scope.finish()?;
assert!(template.resources().contains_key(worker.logical_id()));
# let _ = arn;
# Ok::<(), kumo_core::StackError>(())"#,
    ),
    (
        "AWS::Logs::LogGroup",
        r#"use kumo_core::resources::logs::LogGroup;
use kumo_core::{Environment, Scope};

let mut scope = Scope::new("media", &Environment::new("dev"));
let logs = scope.add(
    "worker",
    LogGroup::new().log_group_name("/aws/lambda/worker").retention_in_days(14),
);
let arn = logs.arn();
let template = scope.finish()?;
assert!(template.resources().contains_key(logs.logical_id()));
# let _ = arn;
# Ok::<(), kumo_core::StackError>(())"#,
    ),
    (
        "AWS::S3::Bucket",
        r#"use kumo_core::resources::s3::{bucket, Bucket};
use kumo_core::{Environment, Output, Scope};

let mut scope = Scope::new("media", &Environment::new("dev"));
let ingest = scope.add(
    "ingest",
    Bucket::new()
        .versioning_configuration(bucket::VersioningConfiguration::new(
            bucket::VersioningConfigurationStatus::Enabled,
        ))
        .public_access_block_configuration(
            bucket::PublicAccessBlockConfiguration::new()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true),
        ),
);
scope.output("IngestArn", Output::new(ingest.arn()));
let template = scope.finish()?;
assert!(template.resources().contains_key(ingest.logical_id()));
# Ok::<(), kumo_core::StackError>(())"#,
    ),
    (
        "AWS::SNS::Topic",
        r#"use kumo_core::resources::sns::{topic, Topic};
use kumo_core::{Environment, Scope};

let mut scope = Scope::new("media", &Environment::new("dev"));
let alerts = scope.add(
    "alerts",
    Topic::new()
        .kms_master_key_id("alias/aws/sns")
        .subscription(vec![topic::Subscription::new("ops@example.com", "email")]),
);
let arn = alerts.topic_arn();
let template = scope.finish()?;
assert!(template.resources().contains_key(alerts.logical_id()));
# let _ = arn;
# Ok::<(), kumo_core::StackError>(())"#,
    ),
    (
        "AWS::SQS::Queue",
        r#"use kumo_core::resources::sqs::Queue;
use kumo_core::{Environment, Scope};

let mut scope = Scope::new("media", &Environment::new("dev"));
let jobs = scope.add(
    "jobs",
    Queue::new()
        .visibility_timeout(720)
        .message_retention_period(4 * 86_400)
        .sqs_managed_sse_enabled(true),
);
let url = jobs.queue_url();
let template = scope.finish()?;
assert!(template.resources().contains_key(jobs.logical_id()));
# let _ = url;
# Ok::<(), kumo_core::StackError>(())"#,
    ),
];

/// The example of the type named `type_name`, if it has one.
pub fn of(type_name: &str) -> Option<&'static str> {
    EXAMPLES
        .iter()
        .find(|(name, _)| *name == type_name)
        .map(|(_, example)| *example)
}
