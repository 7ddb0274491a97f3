//! What each particle makes by default, what its builder changes, and the rules it keeps.

use kumo_core::{DeletionPolicy, Environment, Scope, Template};
use kumo_particles::{Code, Subscription};
use serde_json::json;

fn build(add: impl FnOnce(&mut Scope)) -> Template {
    let mut scope = Scope::new("media", &Environment::new("dev"));
    add(&mut scope);
    scope.finish().unwrap()
}

#[test]
fn bucket_defaults_are_safe_and_overridable() {
    let template = build(|s| {
        kumo_particles::bucket().add(s, "ingest");
        kumo_particles::bucket()
            .versioned(false)
            .noncurrent_days(7)
            .add(s, "scratch");
    });
    let ingest = &template.resources()["IngestBucket"];
    assert_eq!(ingest.deletion(), Some(DeletionPolicy::Retain));
    let props = ingest.properties();
    assert_eq!(
        props["VersioningConfiguration"],
        json!({"Status": "Enabled"})
    );
    assert_eq!(
        props["LifecycleConfiguration"]["Rules"][0]["NoncurrentVersionExpiration"],
        json!({"NoncurrentDays": 90})
    );
    assert_eq!(
        props["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"],
        json!(true)
    );
    let scratch = template.resources()["ScratchBucket"].properties();
    assert_eq!(
        scratch["VersioningConfiguration"],
        json!({"Status": "Suspended"})
    );
    assert_eq!(
        scratch["LifecycleConfiguration"]["Rules"][0]["NoncurrentVersionExpiration"],
        json!({"NoncurrentDays": 7})
    );
    assert!(template.resources().contains_key("IngestPolicy"));
}

#[test]
fn queue_sends_failures_to_its_dead_letter_queue() {
    let template = build(|s| {
        kumo_particles::queue().max_receive_count(2).add(s, "jobs");
    });
    let queue = template.resources()["JobsQueue"].properties();
    assert_eq!(queue["QueueName"], json!("media-dev-jobs-queue"));
    assert_eq!(
        queue["RedrivePolicy"],
        json!({"deadLetterTargetArn": {"Fn::GetAtt": ["JobsDlq", "Arn"]}, "maxReceiveCount": 2})
    );
}

#[test]
fn subscription_ids_do_not_depend_on_order() {
    let ids = |subscriptions: Vec<Subscription>| {
        let template = build(|s| {
            kumo_particles::topic()
                .subscriptions(subscriptions)
                .add(s, "alerts");
        });
        template.resources().keys().cloned().collect::<Vec<_>>()
    };
    let a = Subscription::email("a@example.com");
    let b = Subscription::https("https://example.com/hook");
    assert_eq!(ids(vec![a.clone(), b.clone()]), ids(vec![b, a]));
}

#[test]
fn function_role_gets_its_grants_and_its_logs() {
    let template = build(|s| {
        let jobs = kumo_particles::queue().add(s, "jobs");
        kumo_particles::function(Code::inline("def handler(e, c): pass"))
            .grants(vec![jobs.consume()])
            .add(s, "worker");
    });
    let policy = &template.resources()["WorkerRole"].properties()["Policies"][0];
    let actions: Vec<&str> = policy["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(actions.contains(&"sqs:ReceiveMessage"));
    assert!(actions.contains(&"logs:PutLogEvents"));
    let function = &template.resources()["WorkerFunction"];
    assert!(function.dependencies().contains("WorkerLogs"));
    assert!(!function.properties().contains_key("Environment"));
}

#[test]
fn table_keeps_its_data() {
    let template = build(|s| {
        kumo_particles::table("id".to_owned()).add(s, "orders");
    });
    let table = &template.resources()["OrdersTable"];
    assert_eq!(table.deletion(), Some(DeletionPolicy::Retain));
    assert_eq!(
        table.properties()["PointInTimeRecoverySpecification"],
        json!({"PointInTimeRecoveryEnabled": true})
    );
    assert_eq!(
        table.properties()["KeySchema"],
        json!([{"AttributeName": "id", "KeyType": "HASH"}])
    );
}

#[test]
fn instance_has_an_image_parameter_and_an_output_scoped_by_instance() {
    let template = build(|s| {
        kumo_particles::instance().add(s, "web");
        kumo_particles::instance().add(s, "batch");
    });
    for name in ["Web", "Batch"] {
        assert!(template.parameters().contains_key(&format!("{name}Image")));
        assert!(template
            .outputs()
            .contains_key(&format!("{name}InstanceId")));
    }
}
