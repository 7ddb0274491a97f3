//! Every standard particle in one stack: its template is snapshotted and passes cfn-lint, and no
//! default permission allows every action on every resource.

use kumo_core::resources::{cloudwatch::alarm::Statistic, ec2, sqs};
use kumo_core::typed::Attributes;
use kumo_core::{stack, Condition, Environment, Stack};
use kumo_particles::{Code, Subscription};
use kumo_tests::cfn_lint;

stack! {
    /// Every particle of kumo-particles, each with some defaults overridden.
    pub AllParticles(service = "all-particles", tags = { "owner" = "platform" }) {
        param alerts_address: String = "oncall@example.com", "Where alerts are mailed.";
        param stage: String = "dev", "Deployment stage.";
        condition is_prod = Condition::equals(stage, "prod");
        let archive = sqs::Queue::new().condition(is_prod);
        let media = kumo_particles::bucket().versioned(true).noncurrent_days(7);
        let jobs = kumo_particles::queue().retention_days(7).max_receive_count(3);
        let alerts = kumo_particles::topic()
            .subscriptions(vec![Subscription::email(alerts_address), Subscription::sqs(jobs.arn())]);
        let orders = kumo_particles::table("order_id".to_owned()).sort_key("created_at".to_owned());
        let handler = kumo_particles::function(Code::inline("def handler(event, context):\n    return event\n"))
            .grants(vec![media.read(), orders.write(), jobs.send(), alerts.publish()])
            .memory_mb(256);
        let invoker = kumo_particles::role("events.amazonaws.com".to_owned(), vec![handler.invoke()]);
        let backlog = kumo_particles::alarm("AWS/SQS".to_owned(), "ApproximateNumberOfMessagesVisible".to_owned(), 100.0)
            .dimensions(vec![("QueueName".to_owned(), jobs.handle.get_att("QueueName"))])
            .statistic(Statistic::Maximum)
            .evaluation_periods(3)
            .actions(vec![alerts.arn()]);
        let bastion = kumo_particles::instance()
            .ingress(vec![ec2::security_group::Ingress::new("tcp").from_port(443).to_port(443).cidr_ip("10.0.0.0/8")])
            .grants(vec![media.write().narrow(["s3:PutObject"])]);
        output handler_arn = handler.arn(), "The handler.";
    }
}

fn dev() -> Environment {
    Environment::new("dev")
}

#[test]
fn every_particle_matches_its_snapshot() {
    insta::assert_snapshot!(AllParticles.template(&dev()).unwrap().to_json());
}

#[test]
fn every_particle_passes_cfn_lint() {
    cfn_lint(&AllParticles.template(&dev()).unwrap()).unwrap();
}

#[test]
fn no_default_permission_allows_everything_on_everything() {
    let scope = AllParticles.build(&dev());
    let permissions = scope.permissions();
    let declared: Vec<String> = permissions
        .iter()
        .map(|p| format!("{}:{}", p.owner, p.grant.name()))
        .collect();
    assert_eq!(
        declared,
        [
            "media:read",
            "media:write",
            "jobs:send",
            "jobs:consume",
            "alerts:publish",
            "orders:read",
            "orders:write",
            "handler:invoke",
        ]
    );
    for permission in permissions {
        for statement in permission.grant.statements() {
            assert!(!statement.is_unrestricted(), "{}", permission.owner);
            assert!(
                statement.action_list().iter().all(|a| a.as_str() != "*"),
                "{}:{} allows every action",
                permission.owner,
                permission.grant.name()
            );
        }
    }
}
