//! A stack of plain resources, no particles: an encrypted, versioned, private bucket that refuses
//! plain HTTP, and a job queue with its dead-letter queue. Particles are optional; this is what
//! kumo looks like without them.

use kumo_core::iam::{PolicyDocument, Principal, Statement};
use kumo_core::intrinsic::{get_att, if_, reference, sub};
use kumo_core::naming::NameRule;
use kumo_core::{
    Condition, DeletionPolicy, Environment, Output, Parameter, Resource, Stack, StackError,
    Template, UpdateReplacePolicy, Value,
};
use serde_json::json;

/// The service name that prefixes physical names.
const SERVICE: &str = "raw-resources";

/// The stack.
pub struct RawResources;

impl Stack for RawResources {
    fn name(&self) -> &str {
        SERVICE
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new().with_description(
            "Private encrypted bucket and a job queue with a dead-letter queue, from plain resources.",
        );
        t.add_parameter(
            "DeadLetterRetentionSeconds",
            Parameter::number()
                .description("How long the dead-letter queue keeps failed jobs, in seconds.")
                .default_value(1_209_600)
                .min_value(60)
                .max_value(1_209_600),
        )?;
        t.add_parameter(
            "Stage",
            Parameter::string()
                .description("Deployment stage; prod gives jobs a longer visibility timeout.")
                .default_value(env.name())
                .allowed_pattern("[a-z][a-z0-9-]*"),
        )?;
        t.add_condition(
            "IsProd",
            Condition::equals(reference::<String>("Stage"), "prod"),
        )?;

        t.add_resource("Archive", archive_bucket())?;
        t.add_resource("ArchivePolicy", tls_only_policy())?;

        let queue_name = |path: &[&str]| {
            NameRule::for_type("AWS::SQS::Queue")
                .expect("kumo names SQS queues")
                .name(SERVICE, env.name(), path)
        };
        t.add_resource(
            "JobsDeadLetters",
            Resource::new("AWS::SQS::Queue")
                .property("QueueName", queue_name(&["jobs", "dlq"])?)
                .property(
                    "MessageRetentionPeriod",
                    reference::<i64>("DeadLetterRetentionSeconds"),
                )
                .property("SqsManagedSseEnabled", true),
        )?;
        t.add_resource(
            "Jobs",
            Resource::new("AWS::SQS::Queue")
                .property("QueueName", queue_name(&["jobs"])?)
                .property("SqsManagedSseEnabled", true)
                .property("VisibilityTimeout", if_::<i64>("IsProd", 300, 60))
                .property(
                    "RedrivePolicy",
                    json!({
                        "deadLetterTargetArn": get_att::<String>("JobsDeadLetters", "Arn"),
                        "maxReceiveCount": 5,
                    }),
                ),
        )?;

        t.add_output(
            "ArchiveArn",
            Output::new(get_att("Archive", "Arn"))
                .description("ARN of the archive bucket.")
                .export(sub("${AWS::StackName}-ArchiveArn")),
        )?;
        t.add_output(
            "JobsUrl",
            Output::new(reference("Jobs"))
                .description("URL of the job queue.")
                .export(sub("${AWS::StackName}-JobsUrl")),
        )?;
        Ok(t)
    }
}

fn archive_bucket() -> Resource {
    Resource::new("AWS::S3::Bucket")
        .property(
            "BucketEncryption",
            json!({"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": true}
            ]}),
        )
        .property("VersioningConfiguration", json!({"Status": "Enabled"}))
        .property(
            "PublicAccessBlockConfiguration",
            json!({
                "BlockPublicAcls": true,
                "BlockPublicPolicy": true,
                "IgnorePublicAcls": true,
                "RestrictPublicBuckets": true,
            }),
        )
        .property(
            "Tags",
            json!([{"Key": "service-name", "Value": SERVICE}, {"Key": "environment", "Value": reference::<String>("Stage")}]),
        )
        .deletion_policy(DeletionPolicy::Retain)
        .update_replace_policy(UpdateReplacePolicy::Retain)
}

fn tls_only_policy() -> Resource {
    let bucket_arn: Value<String> = get_att("Archive", "Arn");
    let document = PolicyDocument::new().statement(
        Statement::deny()
            .sid("DenyPlainHttp")
            .principal(Principal::any())
            .action("s3:*")
            .resources([bucket_arn, sub("${Archive.Arn}/*")])
            .condition("Bool", "aws:SecureTransport", ["false"]),
    );
    Resource::new("AWS::S3::BucketPolicy")
        .property("Bucket", reference::<String>("Archive"))
        .property("PolicyDocument", Value::from(document))
}
