//! A representative typed resource of each of 18 services: its JSON is snapshotted, and the
//! template of all of them passes cfn-lint.

use kumo_core::iam::{Action, PolicyDocument, Principal, Statement};
use kumo_core::intrinsic::sub;
use kumo_core::resources::{
    apigateway, cloudwatch, dynamodb, ec2, ecr, ecs, events, iam, kms, lambda, logs, rds, s3,
    secretsmanager, sns, sqs, ssm, stepfunctions,
};
use kumo_core::typed::Attributes;
use kumo_core::{DeletionPolicy, Output, Template, TemplateError, UpdateReplacePolicy};
use kumo_tests::cfn_lint;

type Build = fn(&mut Template) -> Result<(), TemplateError>;

/// Each service, with what it adds to a template.
const SERVICES: &[(&str, Build)] = &[
    ("apigateway", rest_api),
    ("cloudwatch", alarm),
    ("dynamodb", table),
    ("ec2", security_group),
    ("ecr", repository),
    ("ecs", cluster),
    ("events", schedule),
    ("iam", role),
    ("kms", key),
    ("lambda", function),
    ("logs", log_group),
    ("rds", database),
    ("s3", bucket),
    ("secretsmanager", secret),
    ("sns", topic),
    ("sqs", queue),
    ("ssm", parameter),
    ("stepfunctions", state_machine),
];

fn rest_api(t: &mut Template) -> Result<(), TemplateError> {
    let api = t.add(
        "Api",
        apigateway::RestApi::new()
            .name(sub("${AWS::StackName}-api"))
            .endpoint_configuration(
                apigateway::rest_api::EndpointConfiguration::new().types(["REGIONAL"]),
            ),
    )?;
    t.add(
        "ApiItems",
        apigateway::Resource::new(api.root_resource_id(), "items", api.r#ref()),
    )?;
    Ok(())
}

fn alarm(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "QueueDepthAlarm",
        cloudwatch::Alarm::new()
            .namespace("AWS/SQS")
            .metric_name("ApproximateNumberOfMessagesVisible")
            .dimensions([cloudwatch::alarm::Dimension::new("QueueName", "jobs")])
            .statistic(cloudwatch::alarm::Statistic::Maximum)
            .period(300)
            .evaluation_periods(3)
            .threshold(1000.0)
            .comparison_operator(cloudwatch::alarm::ComparisonOperator::GreaterThanThreshold)
            .treat_missing_data(cloudwatch::alarm::TreatMissingData::NotBreaching),
    )?;
    Ok(())
}

fn table(t: &mut Template) -> Result<(), TemplateError> {
    use dynamodb::table::{
        AttributeDefinition, AttributeType, KeySchema, PointInTimeRecoverySpecification,
    };
    t.add(
        "Orders",
        dynamodb::Table::new([
            KeySchema::new("OrderId", "HASH"),
            KeySchema::new("CreatedAt", "RANGE"),
        ])
        .attribute_definitions([
            AttributeDefinition::new("OrderId", AttributeType::S),
            AttributeDefinition::new("CreatedAt", AttributeType::N),
        ])
        .billing_mode("PAY_PER_REQUEST")
        .point_in_time_recovery_specification(
            PointInTimeRecoverySpecification::new().point_in_time_recovery_enabled(true),
        )
        .deletion_policy(DeletionPolicy::Retain)
        .update_replace_policy(UpdateReplacePolicy::Retain),
    )?;
    Ok(())
}

fn security_group(t: &mut Template) -> Result<(), TemplateError> {
    let vpc = t.add(
        "Network",
        ec2::Vpc::new()
            .cidr_block("10.0.0.0/16")
            .enable_dns_support(true),
    )?;
    t.add(
        "WebSecurityGroup",
        ec2::SecurityGroup::new("HTTPS from anywhere")
            .vpc_id(vpc.r#ref())
            .security_group_ingress([ec2::security_group::Ingress::new("tcp")
                .cidr_ip("0.0.0.0/0")
                .from_port(443)
                .to_port(443)]),
    )?;
    Ok(())
}

fn repository(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "Images",
        ecr::Repository::new()
            .image_tag_mutability(ecr::repository::ImageTagMutability::Immutable)
            .image_scanning_configuration(
                ecr::repository::ImageScanningConfiguration::new().scan_on_push(true),
            ),
    )?;
    Ok(())
}

fn cluster(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "Cluster",
        ecs::Cluster::new().cluster_settings([ecs::cluster::ClusterSettings::new()
            .name("containerInsights")
            .value("enabled")]),
    )?;
    Ok(())
}

fn schedule(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "Nightly",
        events::Rule::new()
            .schedule_expression("cron(0 3 * * ? *)")
            .state(events::rule::State::Enabled)
            .targets([events::rule::Target::new(
                sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:nightly"),
                "NightlyQueue",
            )]),
    )?;
    Ok(())
}

fn lambda_trust() -> PolicyDocument {
    PolicyDocument::new().statement(
        Statement::allow()
            .principal(Principal::service("lambda.amazonaws.com"))
            .action(Action::from("sts:AssumeRole")),
    )
}

fn role(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "WorkerRole",
        iam::Role::new(lambda_trust())
            .managed_policy_arns([sub(
                "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            )])
            .policies([iam::role::Policy::new(
                PolicyDocument::new().statement(
                    Statement::allow()
                        .action(Action::from("s3:GetObject"))
                        .resource(sub("arn:${AWS::Partition}:s3:::ingest-${AWS::AccountId}/*")),
                ),
                "read-ingest",
            )]),
    )?;
    Ok(())
}

fn key(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "DataKey",
        kms::Key::new()
            .description("Encrypts the data stack")
            .enable_key_rotation(true)
            .key_policy(
                PolicyDocument::new().statement(
                    Statement::allow()
                        .principal(Principal::aws(sub(
                            "arn:${AWS::Partition}:iam::${AWS::AccountId}:root",
                        )))
                        .action(Action::from("kms:*"))
                        .resource("*"),
                ),
            ),
    )?;
    Ok(())
}

fn function(t: &mut Template) -> Result<(), TemplateError> {
    let role = t.add("FunctionRole", iam::Role::new(lambda_trust()))?;
    t.add(
        "Worker",
        lambda::Function::new(
            lambda::function::Code::new()
                .zip_file("def handler(event, context):\n    return event\n"),
            role.arn(),
        )
        .handler("index.handler")
        .runtime(lambda::function::Runtime::Python312)
        .memory_size(256)
        .timeout(30)
        .environment(lambda::function::Environment::new().variables([("STAGE", "dev")])),
    )?;
    Ok(())
}

fn log_group(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "WorkerLogs",
        logs::LogGroup::new()
            .log_group_name(sub("/kumo/${AWS::StackName}/worker"))
            .retention_in_days(30),
    )?;
    Ok(())
}

fn database(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "Database",
        rds::DbInstance::new()
            .engine("postgres")
            .db_instance_class("db.t4g.micro")
            .allocated_storage("20")
            .master_username("kumo")
            .manage_master_user_password(true)
            .storage_encrypted(true)
            .deletion_policy(DeletionPolicy::Snapshot)
            .update_replace_policy(UpdateReplacePolicy::Snapshot),
    )?;
    Ok(())
}

fn bucket(t: &mut Template) -> Result<(), TemplateError> {
    use s3::bucket::{
        BucketEncryption, PublicAccessBlockConfiguration, ServerSideEncryptionByDefault,
        ServerSideEncryptionRule, SseAlgorithm, VersioningConfiguration,
        VersioningConfigurationStatus,
    };
    let bucket = t.add(
        "Ingest",
        s3::Bucket::new()
            .bucket_encryption(BucketEncryption::new([ServerSideEncryptionRule::new()
                .server_side_encryption_by_default(ServerSideEncryptionByDefault::new(
                    SseAlgorithm::AwsKms,
                ))]))
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::new()
                    .block_public_acls(true)
                    .block_public_policy(true)
                    .ignore_public_acls(true)
                    .restrict_public_buckets(true),
            )
            .versioning_configuration(VersioningConfiguration::new(
                VersioningConfigurationStatus::Enabled,
            ))
            .tags([s3::bucket::Tag::new("team", "media")])
            .deletion_policy(DeletionPolicy::Retain),
    )?;
    t.add(
        "IngestPolicy",
        s3::BucketPolicy::new(
            bucket.r#ref(),
            PolicyDocument::new().statement(
                Statement::deny()
                    .principal(Principal::any())
                    .action(Action::from("s3:*"))
                    .resource(sub("${Ingest.Arn}/*"))
                    .condition("Bool", "aws:SecureTransport", ["false"]),
            ),
        ),
    )?;
    Ok(())
}

fn secret(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "ApiToken",
        secretsmanager::Secret::new()
            .description("Token for the partner API")
            .generate_secret_string(
                secretsmanager::secret::GenerateSecretString::new()
                    .password_length(32)
                    .exclude_punctuation(true),
            ),
    )?;
    Ok(())
}

fn topic(t: &mut Template) -> Result<(), TemplateError> {
    let topic = t.add(
        "Alerts",
        sns::Topic::new()
            .display_name("Alerts")
            .kms_master_key_id("alias/aws/sns"),
    )?;
    t.add(
        "AlertsByMail",
        sns::Subscription::new("email", topic.r#ref()).endpoint("oncall@example.com"),
    )?;
    Ok(())
}

fn queue(t: &mut Template) -> Result<(), TemplateError> {
    let dead_letters = t.add(
        "DeadLetters",
        sqs::Queue::new().message_retention_period(1_209_600),
    )?;
    t.add(
        "Jobs",
        sqs::Queue::new()
            .visibility_timeout(180)
            .sqs_managed_sse_enabled(true)
            .redrive_policy(
                sqs::queue::RedrivePolicy::new()
                    .dead_letter_target_arn(dead_letters.arn())
                    .max_receive_count(5),
            ),
    )?;
    // An attribute the registry schema lists only as a property one sets.
    t.add_output("DeadLettersName", Output::new(dead_letters.queue_name()))?;
    Ok(())
}

fn parameter(t: &mut Template) -> Result<(), TemplateError> {
    t.add(
        "ConfigVersion",
        ssm::Parameter::new(ssm::parameter::Type::String, sub("${AWS::StackName}-v1"))
            .name(sub("/kumo/${AWS::StackName}/config-version"))
            .tier(ssm::parameter::Tier::Standard),
    )?;
    Ok(())
}

fn state_machine(t: &mut Template) -> Result<(), TemplateError> {
    let role = t.add(
        "StateMachineRole",
        iam::Role::new(
            PolicyDocument::new().statement(
                Statement::allow()
                    .principal(Principal::service(sub(
                        "states.${AWS::Region}.amazonaws.com",
                    )))
                    .action(Action::from("sts:AssumeRole")),
            ),
        ),
    )?;
    t.add(
        "Pipeline",
        stepfunctions::StateMachine::new(role.arn())
            .state_machine_type(stepfunctions::state_machine::StateMachineType::Standard)
            .definition(serde_json::json!({
                "StartAt": "Wait",
                "States": {"Wait": {"Type": "Wait", "Seconds": 5, "End": true}}
            })),
    )?;
    Ok(())
}

fn template_of(builds: &[(&str, Build)]) -> Template {
    let mut template = Template::new().with_description("Typed resources");
    for (service, build) in builds {
        build(&mut template).unwrap_or_else(|err| panic!("{service}: {err}"));
    }
    template.validate().unwrap();
    template
}

#[test]
fn resources_of_every_service_match_their_snapshots() {
    for entry in SERVICES {
        insta::assert_snapshot!(entry.0, template_of(&[*entry]).to_json());
    }
}

#[test]
fn resources_of_every_service_pass_cfn_lint() {
    cfn_lint(&template_of(SERVICES)).unwrap();
}
