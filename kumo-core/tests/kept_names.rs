//! Names you can keep and tags you can turn off, through `stack!`: explicit logical IDs for a
//! typed resource and for what a particle adds, an explicit stack name, default tags off for a
//! stack or a resource, and a resource's own tags.

#![cfg(all(feature = "sqs", feature = "ssm"))]

use std::collections::BTreeMap;

use kumo_core::resources::{sqs, ssm};
use kumo_core::typed::Handle;
use kumo_core::{particle, stack, Environment, Scope, Stack};
use serde_json::json;

/// A queue and its dead-letter queue.
#[particle]
pub fn queues(scope: &mut Scope) -> Handle<sqs::Queue> {
    scope.add("dlq", sqs::Queue::new());
    scope.add("queue", sqs::Queue::new())
}

stack! {
    /// Kept names.
    pub Legacy(service = "legacy", stack_name = "old-jobs-{env}", tags = { "team" = "mes" }) {
        #[logical_id("MainDB")]
        let main_db = sqs::Queue::new();
        #[logical_ids(dlq = "JobsDLQ", "queue" = "JobsQueue")]
        let jobs = queues();
        #[tags(none)]
        let bare = ssm::Parameter::new(ssm::parameter::Type::String, "on");
        #[tags("team" = "data", "tier" = String::from("gold"))]
        let own = sqs::Queue::new();
        output jobs_url = jobs.r#ref();
        output db_url = main_db.r#ref();
    }
}

stack! {
    /// An adopted stack: nothing tagged.
    pub Adopted(service = "adopted", default_tags = false) {
        let queue = sqs::Queue::new();
        #[tags("only" = "this")]
        let tagged = sqs::Queue::new();
    }
}

#[test]
fn logical_ids_are_kept() {
    let template = Legacy.template(&Environment::new("dev")).unwrap();
    let ids: Vec<&String> = template.resources().keys().collect();
    assert_eq!(ids, ["Bare", "JobsDLQ", "JobsQueue", "MainDB", "Own"]);
    assert_eq!(
        template.outputs()["DbUrl"].value(),
        &json!({"Ref": "MainDB"})
    );
}

#[test]
fn tags_follow_the_stack_and_the_resource() {
    let template = Legacy.template(&Environment::new("dev")).unwrap();
    let tags = |id: &str| template.resources()[id].properties().get("Tags").cloned();
    assert_eq!(tags("Bare"), None);
    assert_eq!(
        tags("Own"),
        Some(json!([
            {"Key": "environment", "Value": "dev"},
            {"Key": "service-name", "Value": "legacy"},
            {"Key": "team", "Value": "data"},
            {"Key": "tier", "Value": "gold"},
        ]))
    );
    let stack_tags = BTreeMap::from([
        ("environment".to_owned(), "dev".to_owned()),
        ("service-name".to_owned(), "legacy".to_owned()),
        ("team".to_owned(), "mes".to_owned()),
    ]);
    assert_eq!(template.stack_tags(), Some(&stack_tags));

    let adopted = Adopted.template(&Environment::new("dev")).unwrap();
    assert!(!adopted.resources()["Queue"]
        .properties()
        .contains_key("Tags"));
    assert_eq!(
        adopted.resources()["Tagged"].properties()["Tags"],
        json!([{"Key": "only", "Value": "this"}])
    );
    assert_eq!(adopted.stack_tags(), Some(&BTreeMap::new()));
}

#[test]
fn the_stack_name_is_kept_and_imports_use_it() {
    assert_eq!(Legacy.stack_name(), Some("old-jobs-{env}"));
    assert_eq!(Adopted.stack_name(), None);
    let env = Environment::new("prod")
        .with_stack_name_prefix("acme-")
        .with_stack_names_of(&kumo_core::StackGroup::new().stack(Legacy).stack(Adopted));
    assert_eq!(env.stack_name("legacy"), "old-jobs-prod");
    assert_eq!(env.stack_name("adopted"), "acme-adopted-prod");
    assert_eq!(Legacy::JOBS_URL.export_name(&env), "old-jobs-prod-JobsUrl");
}
