//! A web fleet as a classic CloudFormation template has it, written with `stack!` alone: an auto
//! scaling group of instances that cfn-init configures and rolling updates replace, sized per
//! stage through a mapping; AWS-specific and constrained parameters; a NoEcho password handed
//! to a custom resource; a rule that keeps the subnets in the VPC; template metadata; and
//! outputs exported under names of their choosing, one of them only in production.

use kumo_core::cfn_init::{Command, Config, File, Init, Service, ServiceManager};
use kumo_core::custom::CustomResource;
use kumo_core::intrinsic::{base64, sub};
use kumo_core::policy::{AutoScalingRollingUpdate, CreationPolicy, ResourceSignal, UpdatePolicy};
use kumo_core::resources::{autoscaling, ec2};
use kumo_core::rules::{each_member_equals, value_of_all};
use kumo_core::typed::Attributes;
use kumo_core::{stack, Assertion, Condition, Rule};
use serde_json::json;

/// The instance's boot script: run cfn-init, then tell CloudFormation how it went.
const USER_DATA: &str = "#!/bin/bash
/opt/aws/bin/cfn-init --stack ${AWS::StackName} --resource Launch --region ${AWS::Region}
/opt/aws/bin/cfn-signal -e $? --stack ${AWS::StackName} --resource Fleet --region ${AWS::Region}
";

/// What cfn-init does on each instance: install, configure and start the web server.
fn web_server() -> Init {
    Init::new().config(
        "config",
        Config::new()
            .package("yum", "httpd", Vec::<String>::new())
            .file(
                "/var/www/html/index.html",
                File::new()
                    .content(sub("<h1>${AWS::StackName}</h1>"))
                    .mode("000644"),
            )
            .command("01-check", Command::new("httpd -t"))
            .service(
                ServiceManager::SysVInit,
                "httpd",
                Service::new().enabled(true).ensure_running(true),
            ),
    )
}

stack! {
    /// A web fleet behind rolling updates, configured by cfn-init.
    pub WebFleet(
        service = "web-fleet",
        metadata = {
            "AWS::CloudFormation::Interface" = json!({
                "ParameterGroups": [
                    {"Label": {"default": "Network"}, "Parameters": ["VpcId", "Subnets"]},
                    {
                        "Label": {"default": "Fleet"},
                        "Parameters": ["Stage", "FleetSize", "KeyName", "ImageId"]
                    },
                    {"Label": {"default": "Database"}, "Parameters": ["DBPassword", "UserProvider"]}
                ]
            })
        }
    ) {
        #[r#type("AWS::EC2::VPC::Id")]
        param vpc_id: String, "The VPC the fleet runs in.";
        #[r#type("List<AWS::EC2::Subnet::Id>")]
        param subnets: Vec<String>, "Subnets of that VPC for the instances.";
        #[r#type("AWS::EC2::KeyPair::KeyName")]
        param key_name: String, "Key pair for SSH access to the instances.";
        #[r#type("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>")]
        param image_id: String =
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            "The instances' image, read from Systems Manager.";
        #[allowed_values("dev", "prod")]
        param stage: String = "dev", "The stage: dev or prod.";
        #[min_value(1)]
        #[max_value(10)]
        #[constraint_description("from 1 to 10 instances")]
        param fleet_size: i64 = 2, "Instances in the fleet.";
        #[logical_id("DBPassword")]
        #[no_echo]
        #[min_length(12)]
        #[max_length(64)]
        #[allowed_pattern("[a-zA-Z0-9]*")]
        #[constraint_description("12 to 64 letters and digits")]
        param db_password: String, "Password of the fleet's database user.";
        param user_provider: String, "ARN of the Lambda function that creates database users.";

        #[logical_id("IsProd")]
        condition is_prod = Condition::equals(stage.clone(), "prod");
        mapping sizes = {
            "dev" = { "InstanceType" = "t3.micro" },
            "prod" = { "InstanceType" = "m5.large" },
        };
        rule subnets_in_vpc = Rule::new().assert(
            Assertion::new(each_member_equals(
                value_of_all("AWS::EC2::Subnet::Id", "VpcId"),
                vpc_id.clone(),
            ))
            .description("Every subnet is in the fleet's VPC."),
        );

        let web = ec2::SecurityGroup::new("Web servers of the fleet").vpc_id(vpc_id);
        let launch = ec2::LaunchTemplate::new(
            ec2::launch_template::LaunchTemplateData::new()
                .image_id(image_id)
                .instance_type(sizes.find(stage, "InstanceType"))
                .key_name(key_name)
                .security_group_ids(vec![web.group_id()])
                .user_data(base64(sub(USER_DATA))),
        )
        .metadata(web_server());
        let fleet = autoscaling::AutoScalingGroup::new(fleet_size.to_text(), fleet_size.to_text())
            .vpc_zone_identifier(subnets)
            .launch_template(
                autoscaling::auto_scaling_group::LaunchTemplateSpecification::new(
                    launch.latest_version_number(),
                )
                .launch_template_id(launch.launch_template_id()),
            )
            .creation_policy(
                CreationPolicy::new()
                    .resource_signal(ResourceSignal::new().count(fleet_size).timeout("PT15M")),
            )
            .update_policy(
                UpdatePolicy::new().auto_scaling_rolling_update(
                    AutoScalingRollingUpdate::new()
                        .max_batch_size(1)
                        .min_instances_in_service(1)
                        .pause_time("PT15M")
                        .wait_on_resource_signals(true),
                ),
            );
        let db_user = CustomResource::new("Custom::DatabaseUser", user_provider)
            .property("UserName", "web")
            .property("Password", db_password);

        output fleet_name = fleet.r#ref(), "The auto scaling group.",
            export = sub("${AWS::StackName}-fleet");
        #[logical_id("SecurityGroupID")]
        output security_group = web.group_id(), "The web servers' security group.",
            export = sub("${AWS::StackName}-web-sg");
        output db_user_name = db_user.get_att::<String>("UserName"),
            "The database user, in production only.", condition = is_prod;
    }
}
