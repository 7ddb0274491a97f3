//! Default tags in each type's shape pass cfn-lint: an auto scaling group's tags carry
//! `PropagateAtLaunch` (cfn-lint E3003 without it), beside list- and map-shaped types.

use kumo_core::resources::autoscaling::{auto_scaling_group, AutoScalingGroup};
use kumo_core::resources::{ec2, sqs, ssm};
use kumo_core::{intrinsic, stack, Environment, Stack};
use kumo_tests::cfn_lint;
use serde_json::json;

stack! {
    /// Instances behind an auto scaling group, with default tags on everything.
    pub Fleet(service = "fleet", tags = { "team" = "platform" }) {
        param subnets: Vec<String>;
        let template = ec2::LaunchTemplate::new(
            ec2::launch_template::LaunchTemplateData::new().instance_type("t3.micro"),
        );
        let group = AutoScalingGroup::new("2", "1")
            .vpc_zone_identifier(subnets)
            .launch_template(
                auto_scaling_group::LaunchTemplateSpecification::new(template.latest_version_number())
                    .launch_template_id(template.r#ref()),
            );
        let jobs = sqs::Queue::new();
        let setting = ssm::Parameter::new(ssm::parameter::Type::String, intrinsic::sub("on"));
    }
}

#[test]
fn auto_scaling_group_tags_propagate_at_launch_and_pass_cfn_lint() {
    let template = Fleet.template(&Environment::new("dev")).unwrap();
    assert_eq!(
        template.resources()["Group"].properties()["Tags"],
        json!([
            {"Key": "environment", "PropagateAtLaunch": true, "Value": "dev"},
            {"Key": "service-name", "PropagateAtLaunch": true, "Value": "fleet"},
            {"Key": "team", "PropagateAtLaunch": true, "Value": "platform"},
        ])
    );
    if let Err(err) = cfn_lint(&template) {
        panic!("{err}");
    }
}
