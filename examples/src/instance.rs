//! One EC2 instance, from the standard instance particle: the seed design's "instance" stack.

use kumo_core::stack;

stack! {
    /// One EC2 instance reachable through Systems Manager.
    pub InstanceStack(service = "instance") {
        param instance_type: String = "t3.micro", "EC2 instance type.";
        let web = kumo_particles::instance().instance_type(instance_type).volume_gb(16);
        output web_role = web.role.arn(), "Role the instance runs as.";
    }
}
