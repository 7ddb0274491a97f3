//! An EC2 instance with its instance profile and security group.

use kumo_core::intrinsic::sub;
use kumo_core::resources::ec2::{self, instance as props};
use kumo_core::resources::iam;
use kumo_core::typed::Handle;
use kumo_core::{
    particle, AwsType, Grant, Output, Parameter, ParameterType, Scope, SsmValueType, Value,
};

use crate::role::service_role;

/// The public SSM parameter of the latest Amazon Linux 2023 image.
const AMAZON_LINUX: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/// An instance made by [`instance()`].
#[derive(Debug, Clone)]
pub struct Instance {
    /// The instance.
    pub handle: Handle<ec2::Instance>,
    /// The role the instance runs as.
    pub role: Handle<iam::Role>,
    /// The instance's security group.
    pub security_group: Handle<ec2::SecurityGroup>,
}

impl Instance {
    /// The instance's ID.
    pub fn id(&self) -> Value<String> {
        self.handle.r#ref()
    }
}

/// An EC2 instance of `instance_type` from the image named by the particle's `Image` parameter
/// (latest Amazon Linux 2023 unless the deployer says otherwise), reachable through Systems
/// Manager rather than SSH, with IMDSv2 required, an encrypted root volume, a role allowed what
/// `grants` allow, a security group admitting only `ingress`, and an output of its ID.
#[particle]
pub fn instance(
    scope: &mut Scope,
    #[default("t3.micro")] instance_type: Value<String>,
    #[default(8)] volume_gb: i64,
    #[default] vpc_id: Option<Value<String>>,
    #[default] subnet_id: Option<Value<String>>,
    #[default] ingress: Vec<ec2::security_group::Ingress>,
    #[default] grants: Vec<Grant>,
) -> Instance {
    let image: Value<String> = scope.parameter(
        "image",
        Parameter::new(ParameterType::SsmValue(SsmValueType::Aws(AwsType::ImageId)))
            .description("SSM parameter naming the instance's image.")
            .default_value(AMAZON_LINUX),
    );
    let role = service_role(
        scope,
        "role",
        "ec2.amazonaws.com",
        &grants,
        vec![sub(
            "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore",
        )],
    );
    let profile = scope.add("profile", iam::InstanceProfile::new([role.r#ref()]));
    let mut group = ec2::SecurityGroup::new("Instance security group (kumo instance particle)");
    if let Some(vpc_id) = vpc_id {
        group = group.vpc_id(vpc_id);
    }
    if !ingress.is_empty() {
        group = group.security_group_ingress(ingress);
    }
    let security_group = scope.add("security-group", group);
    let mut instance = ec2::Instance::new()
        .image_id(image)
        .instance_type(instance_type)
        .iam_instance_profile(profile.r#ref())
        .security_group_ids([security_group.group_id()])
        .metadata_options(props::MetadataOptions::new().http_tokens(props::HttpTokens::Required))
        .block_device_mappings([props::BlockDeviceMapping::new("/dev/xvda").ebs(
            props::Ebs::new()
                .encrypted(true)
                .volume_size(volume_gb)
                .volume_type(props::VolumeType::Gp3),
        )]);
    if let Some(subnet_id) = subnet_id {
        instance = instance.subnet_id(subnet_id);
    }
    let handle = scope.add("instance", instance);
    scope.output(
        "instance-id",
        Output::new(handle.r#ref()).description("ID of the instance."),
    );
    Instance {
        handle,
        role,
        security_group,
    }
}
