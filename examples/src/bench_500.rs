//! The 500-resource template of the synthesis benchmark (`bench/compare/`): 125 times a bucket
//! with versioning, public access blocked and tags, a queue with its dead-letter queue, and a
//! role whose inline policy references both; 50 exported outputs. troposphere and the AWS CDK
//! build the same template in `bench/compare/`.
//!
//! The second workload ([`Bench500Parameter`], troposphere's twin is
//! `troposphere_500.py --parameter`) adds a `Stage` parameter, which each bucket carries as a tag
//! (`Ref`) and each role's bucket statement names in an `Fn::Sub` with a variable map.

use kumo_core::iam::{PolicyDocument, Principal, Statement};
use kumo_core::intrinsic::{reference, sub, sub_with};
use kumo_core::resources::s3::bucket::{
    PublicAccessBlockConfiguration, Tag, VersioningConfiguration, VersioningConfigurationStatus,
};
use kumo_core::resources::{iam, s3, sqs};
use kumo_core::{Environment, Output, Parameter, Stack, StackError, Template, TemplateError};

/// How many resources the stack has: 125 quartets of bucket, dead-letter queue, queue and role.
pub const RESOURCES: usize = 500;
/// How many queue URLs it exports.
pub const OUTPUTS: usize = 50;

/// The name of the second workload's parameter.
pub const STAGE: &str = "Stage";

/// The stack.
pub struct Bench500;

impl Stack for Bench500 {
    fn name(&self) -> &str {
        "bench-500"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        Ok(template(1, RESOURCES, OUTPUTS)?)
    }
}

/// The second workload's stack: the same 500 resources with the `Stage` parameter.
pub struct Bench500Parameter;

impl Stack for Bench500Parameter {
    fn name(&self) -> &str {
        "bench-500-parameter"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        Ok(template_with_parameter(1, RESOURCES, OUTPUTS)?)
    }
}

/// The benchmark's template cut to `resources` resources, quartets numbered from `first`, with
/// the URLs of the first `outputs` queues exported: the benchmarks build stacks of 50, 500 and
/// 4 x 500 resources with it.
pub fn template(first: usize, resources: usize, outputs: usize) -> Result<Template, TemplateError> {
    build(first, resources, outputs, false)
}

/// [`template`] with the second workload's `Stage` parameter: a `Ref` tag on each bucket and an
/// `Fn::Sub` with a variable map in each role's policy.
pub fn template_with_parameter(
    first: usize,
    resources: usize,
    outputs: usize,
) -> Result<Template, TemplateError> {
    build(first, resources, outputs, true)
}

fn build(
    first: usize,
    resources: usize,
    outputs: usize,
    parameter: bool,
) -> Result<Template, TemplateError> {
    let mut t = Template::new().with_description("kumo synthesis benchmark: 500 resources");
    if parameter {
        t.add_parameter(STAGE, Parameter::string().default_value("dev"))?;
    }
    let mut left = resources;
    let mut take = || {
        let some = left > 0;
        left = left.saturating_sub(1);
        some
    };
    for i in first.. {
        let n = format!("{i:03}");
        if !take() {
            break;
        }
        let bucket = t.add(
            &format!("Bucket{n}"),
            s3::Bucket::new()
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
                .tags(
                    [
                        Some(Tag::new("index", i.to_string())),
                        parameter.then(|| Tag::new("stage", reference::<String>(STAGE))),
                        Some(Tag::new("team", "bench")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>(),
                ),
        )?;
        if !take() {
            break;
        }
        let dead_letters = t.add(
            &format!("DeadLetters{n}"),
            sqs::Queue::new().message_retention_period(1_209_600),
        )?;
        if !take() {
            break;
        }
        let queue = t.add(
            &format!("Queue{n}"),
            sqs::Queue::new().redrive_policy(
                sqs::queue::RedrivePolicy::new()
                    .dead_letter_target_arn(dead_letters.arn())
                    .max_receive_count(5),
            ),
        )?;
        if i - first < outputs {
            t.add_output(
                &format!("Queue{n}Url"),
                Output::new(queue.r#ref()).export(sub(&format!("${{AWS::StackName}}-Queue{n}Url"))),
            )?;
        }
        if !take() {
            break;
        }
        let access = PolicyDocument::new()
            .statement(
                Statement::allow()
                    .action("s3:GetObject")
                    .resource(if parameter {
                        sub_with("${Arn}/${Stage}/*", [("Arn", bucket.arn())])
                    } else {
                        sub(&format!("${{{}.Arn}}/*", bucket.logical_id()))
                    }),
            )
            .statement(
                Statement::allow()
                    .actions(["sqs:SendMessage", "sqs:ReceiveMessage"])
                    .resource(queue.arn()),
            );
        t.add(
            &format!("Role{n}"),
            iam::Role::new(
                PolicyDocument::new().statement(
                    Statement::allow()
                        .principal(Principal::service("lambda.amazonaws.com"))
                        .action("sts:AssumeRole"),
                ),
            )
            .policies([iam::role::Policy::new(access, "access")]),
        )?;
    }
    Ok(t)
}
