//! A stack of typed resources, no particles: an encrypted, versioned, private bucket that refuses
//! plain HTTP, and a job queue with its dead-letter queue. Particles are optional; this is what
//! kumo looks like without them.

use kumo_core::iam::{PolicyDocument, Principal, Statement};
use kumo_core::intrinsic::{if_, reference, sub};
use kumo_core::naming::NameRule;
use kumo_core::resources::s3::bucket::{
    BucketEncryption, PublicAccessBlockConfiguration, ServerSideEncryptionByDefault,
    ServerSideEncryptionRule, SseAlgorithm, Tag, VersioningConfiguration,
    VersioningConfigurationStatus,
};
use kumo_core::resources::{s3, sqs};
use kumo_core::typed::{Attributes, Handle};
use kumo_core::{
    Condition, DeletionPolicy, Environment, Output, Parameter, Stack, StackError, Template,
    UpdateReplacePolicy,
};

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

        let archive = t.add("Archive", archive_bucket())?;
        t.add("ArchivePolicy", tls_only_policy(&archive))?;

        let queue_name = |path: &[&str]| {
            NameRule::for_type("AWS::SQS::Queue")
                .expect("kumo names SQS queues")
                .name(SERVICE, env.name(), path)
        };
        let dead_letters = t.add(
            "JobsDeadLetters",
            sqs::Queue::new()
                .queue_name(queue_name(&["jobs", "dlq"])?)
                .message_retention_period(reference::<i64>("DeadLetterRetentionSeconds"))
                .sqs_managed_sse_enabled(true),
        )?;
        let jobs = t.add(
            "Jobs",
            sqs::Queue::new()
                .queue_name(queue_name(&["jobs"])?)
                .sqs_managed_sse_enabled(true)
                .visibility_timeout(if_::<i64>("IsProd", 300, 60))
                .redrive_policy(
                    sqs::queue::RedrivePolicy::new()
                        .dead_letter_target_arn(dead_letters.arn())
                        .max_receive_count(5),
                ),
        )?;

        t.add_output(
            "ArchiveArn",
            Output::new(archive.arn())
                .description("ARN of the archive bucket.")
                .export(sub("${AWS::StackName}-ArchiveArn")),
        )?;
        t.add_output(
            "JobsUrl",
            Output::new(jobs.r#ref())
                .description("URL of the job queue.")
                .export(sub("${AWS::StackName}-JobsUrl")),
        )?;
        Ok(t)
    }
}

fn archive_bucket() -> s3::Bucket {
    s3::Bucket::new()
        .bucket_encryption(BucketEncryption::new([ServerSideEncryptionRule::new()
            .server_side_encryption_by_default(ServerSideEncryptionByDefault::new(
                SseAlgorithm::AwsKms,
            ))
            .bucket_key_enabled(true)]))
        .versioning_configuration(VersioningConfiguration::new(
            VersioningConfigurationStatus::Enabled,
        ))
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::new()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true),
        )
        .tags([
            Tag::new("service-name", SERVICE),
            Tag::new("environment", reference::<String>("Stage")),
        ])
        .deletion_policy(DeletionPolicy::Retain)
        .update_replace_policy(UpdateReplacePolicy::Retain)
}

fn tls_only_policy(archive: &Handle<s3::Bucket>) -> s3::BucketPolicy {
    s3::BucketPolicy::new(
        archive.r#ref(),
        PolicyDocument::new().statement(
            Statement::deny()
                .sid("DenyPlainHttp")
                .principal(Principal::any())
                .action("s3:*")
                .resources([archive.arn(), sub("${Archive.Arn}/*")])
                .condition("Bool", "aws:SecureTransport", ["false"]),
        ),
    )
}
