use serde_json::json;

use super::*;
use crate::iam::Statement;
use crate::resources::{sqs, ssm};

fn scope() -> Scope {
    Scope::new("media", &Environment::new("dev"))
}

#[test]
fn default_tags_go_on_list_and_map_tagged_types_and_never_override() {
    let mut scope = scope();
    scope.tag("team", "mes");
    scope.add(
        "jobs",
        sqs::Queue::new().tags([sqs::queue::Tag::new("team", "platform")]),
    );
    scope.add(
        "setting",
        ssm::Parameter::new(ssm::parameter::Type::String, "on"),
    );
    let template = scope.finish().unwrap();
    assert_eq!(
        template.resources()["Jobs"].properties()["Tags"],
        json!([
            {"Key": "team", "Value": "platform"},
            {"Key": "environment", "Value": "dev"},
            {"Key": "service-name", "Value": "media"},
        ])
    );
    assert_eq!(
        template.resources()["Setting"].properties()["Tags"],
        json!({"environment": "dev", "service-name": "media", "team": "mes"})
    );
}

#[test]
fn ids_follow_the_path_of_names() {
    let mut scope = scope();
    let queue = scope.within("importer", |s| {
        s.within("jobs", |s| s.add("dlq", sqs::Queue::new()))
    });
    assert_eq!(queue.logical_id(), "ImporterJobsDlq");
    assert!(scope.path().is_empty());
}

#[test]
fn colliding_ids_are_reported_with_both_paths() {
    let mut scope = scope();
    scope.within("jobs", |s| s.add("queue", sqs::Queue::new()));
    scope.add("jobs-queue", sqs::Queue::new());
    let err = scope.finish().unwrap_err().to_string();
    assert_eq!(
        err,
        "name `JobsQueue` of `jobs-queue` collides with the same name of `jobs/queue`"
    );
}

#[test]
fn outputs_and_conditions_have_namespaces_of_their_own() {
    let mut scope = scope();
    let jobs = scope.add("jobs", sqs::Queue::new());
    scope.output("jobs", Output::new(jobs.arn()));
    let id = scope.condition("jobs", Condition::equals("a", "a"));
    let template = scope.template_mut();
    template
        .resources_mut()
        .get_mut("Jobs")
        .unwrap()
        .properties_mut()
        .insert("FifoQueue".into(), json!({"Fn::If": [id, true, false]}));
    let template = scope.finish().unwrap();
    assert!(template.outputs().contains_key("Jobs"));
    assert!(template.conditions().contains_key("Jobs"));
}

#[test]
fn parameters_are_scoped_and_typed() {
    let mut scope = scope();
    let days: Value<i64> = scope.within("jobs", |s| {
        s.parameter("retention-days", Parameter::number())
    });
    assert_eq!(days.as_json(), &json!({"Ref": "JobsRetentionDays"}));
    scope.add("queue", sqs::Queue::new().message_retention_period(days));
    assert!(scope
        .finish()
        .unwrap()
        .parameters()
        .contains_key("JobsRetentionDays"));
}

#[test]
fn physical_names_follow_the_rule_of_the_type() {
    let mut scope = scope();
    let name = scope.within("jobs", |s| s.physical_name("AWS::SQS::Queue", "dlq"));
    assert_eq!(name, "media-dev-jobs-dlq");
    scope.physical_name("AWS::Made::Up", "x");
    assert_eq!(
        scope.finish().unwrap_err().to_string(),
        "kumo has no physical naming rule for `AWS::Made::Up`"
    );
}

#[test]
fn grants_are_gathered_and_unrestricted_ones_refused() {
    let mut scope = scope();
    let read = scope.within("ingest", |s| {
        s.grant(
            "read",
            [Statement::allow()
                .action("s3:GetObject")
                .resource("arn:aws:s3:::b/*")],
        )
    });
    assert_eq!(read.name(), "read");
    assert_eq!(scope.permissions()[0].owner, "ingest");
    scope.within("admin", |s| {
        s.grant("all", [Statement::allow().action("*").resource("*")])
    });
    assert_eq!(scope.permissions().len(), 2);
    assert_eq!(
        scope.finish().unwrap_err().to_string(),
        "grant `all` of `admin` allows every action on every resource (\"*\" on \"*\")"
    );
}

#[test]
fn narrowing_keeps_only_listed_actions() {
    let grant = Grant::new(
        "write",
        [
            Statement::allow()
                .actions(["s3:PutObject", "s3:DeleteObject"])
                .resource("arn:aws:s3:::b/*"),
            Statement::allow()
                .action("s3:ListBucket")
                .resource("arn:aws:s3:::b"),
        ],
    )
    .narrow(["s3:PutObject"]);
    assert_eq!(grant.statements().len(), 1);
    assert_eq!(
        grant.statements()[0].action_list()[0].as_str(),
        "s3:PutObject"
    );
}

#[test]
fn protected_instances_get_a_stack_policy_of_their_resources() {
    let mut scope = scope();
    scope.within("jobs", |jobs| {
        jobs.add("queue", sqs::Queue::new());
        jobs.add("dlq", sqs::Queue::new());
    });
    scope.within("jobsarchive", |archive| {
        archive.add("queue", sqs::Queue::new())
    });
    scope.protect("jobs");
    let template = scope.finish().unwrap();
    assert_eq!(
        template.stack_policy(),
        Some(&json!({
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "Update:*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": ["Update:Replace", "Update:Delete"],
                    "Resource": ["LogicalResourceId/JobsDlq", "LogicalResourceId/JobsQueue"],
                },
            ]
        }))
    );
    assert!(!template.to_json().contains("LogicalResourceId"));
}

#[test]
fn a_protected_typed_resource_is_in_the_stack_policy() {
    let mut scope = scope();
    scope.add("ingest", sqs::Queue::new());
    scope.add("ingestion", sqs::Queue::new());
    scope.protect("ingest");
    let template = scope.finish().unwrap();
    let policy = template.stack_policy().unwrap();
    assert_eq!(
        policy["Statement"][1]["Resource"],
        json!(["LogicalResourceId/Ingest"])
    );
}

#[test]
fn protecting_what_made_no_resources_is_an_error() {
    let mut scope = scope();
    scope.protect("nothing");
    let err = scope.finish().unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot protect `nothing`: it made no resources"
    );
}

#[test]
fn assets_are_referenced_by_hash_through_the_bucket_parameter() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.py"), "x = 1\n").unwrap();
    let mut scope = scope();
    let first = scope.asset(dir.path());
    let again = scope.asset(dir.path());
    assert_eq!(first, again);
    assert_eq!(first.bucket.as_json(), &json!({"Ref": "KumoAssetBucket"}));
    scope.add("jobs", sqs::Queue::new());
    let template = scope.finish().unwrap();
    let asset = template.assets().values().next().unwrap();
    assert_eq!(template.assets().len(), 1);
    assert_eq!(first.key.as_json(), &json!(asset.key()));
    assert!(template.parameters().contains_key("KumoAssetBucket"));
    assert!(!template.to_json().contains(dir.path().to_str().unwrap()));

    let mut scope = super::tests::scope();
    scope.add("jobs", sqs::Queue::new());
    scope.asset(dir.path().join("missing"));
    let err = scope.finish().unwrap_err();
    assert!(err.to_string().starts_with("asset "), "{err}");
}

#[test]
fn default_tags_are_the_stack_tags_too_and_can_be_turned_off() {
    let mut scope = self::scope();
    scope.tag("team", "mes");
    scope.add("jobs", sqs::Queue::new());
    let template = scope.finish().unwrap();
    let expected = BTreeMap::from([
        ("environment".to_owned(), "dev".to_owned()),
        ("service-name".to_owned(), "media".to_owned()),
        ("team".to_owned(), "mes".to_owned()),
    ]);
    assert_eq!(template.stack_tags(), Some(&expected));

    let mut scope = self::scope();
    scope.tag("team", "mes");
    scope.add("jobs", sqs::Queue::new());
    scope.set_default_tags(false);
    let template = scope.finish().unwrap();
    assert!(!template.resources()["Jobs"]
        .properties()
        .contains_key("Tags"));
    assert_eq!(template.stack_tags(), Some(&BTreeMap::new()));
}

#[test]
fn resources_take_their_own_tags_or_none() {
    let mut scope = self::scope();
    scope.with_tags(ResourceTags::none(), |s| {
        s.add("bare", sqs::Queue::new());
        s.with_tags(ResourceTags::default().tag("only", "this"), |s| {
            s.add("only", sqs::Queue::new())
        });
    });
    scope.with_tags(ResourceTags::default().tag("environment", "shared"), |s| {
        s.within("worker", |s| {
            s.add(
                "setting",
                ssm::Parameter::new(ssm::parameter::Type::String, "on"),
            )
        })
    });
    scope.set_default_tags(false);
    scope.with_tags(ResourceTags::default().tag("team", "x"), |s| {
        s.add("extra", sqs::Queue::new())
    });
    scope.set_default_tags(true);
    let template = scope.finish().unwrap();
    let tags = |id: &str| template.resources()[id].properties().get("Tags").cloned();
    assert_eq!(tags("Bare"), None);
    assert_eq!(
        tags("Only"),
        Some(json!([{"Key": "only", "Value": "this"}]))
    );
    assert_eq!(
        tags("WorkerSetting"),
        Some(json!({"environment": "shared", "service-name": "media"}))
    );
    assert_eq!(
        tags("Extra"),
        Some(json!([
            {"Key": "environment", "Value": "dev"},
            {"Key": "service-name", "Value": "media"},
            {"Key": "team", "Value": "x"},
        ]))
    );
}

#[test]
fn tags_that_break_the_rules_are_refused() {
    let mut scope = self::scope();
    scope.tag("aws:team", "mes");
    // An untyped resource takes no tags: the stack tags alone break the rule.
    let raw = crate::Resource::new("AWS::SNS::Topic");
    scope.template_mut().add_resource("Raw", raw).unwrap();
    let err = scope.finish().unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid tag \"aws:team\": keys starting with `aws:` are reserved for AWS"
    );
}

#[test]
fn logical_ids_can_be_kept() {
    let mut scope = self::scope();
    scope.override_logical_id(&["main_db"], "MainDB");
    scope.within("ingest", |s| s.override_logical_id(&["queue"], "IngestQ"));
    let db = scope.add("main_db", sqs::Queue::new());
    let queue = scope.within("ingest", |s| s.add("queue", sqs::Queue::new()));
    assert_eq!(db.logical_id(), "MainDB");
    assert_eq!(queue.logical_id(), "IngestQ");
    let template = scope.finish().unwrap();
    assert!(template.resources().contains_key("MainDB"));
    assert!(template.resources().contains_key("IngestQ"));
}

#[test]
fn kept_logical_ids_that_are_invalid_unused_or_taken_name_the_path() {
    let mut scope = self::scope();
    scope.override_logical_id(&["main_db"], "Main-DB");
    scope.add("main_db", sqs::Queue::new());
    assert_eq!(
        scope.finish().unwrap_err().to_string(),
        "logical ID given for `main_db`: invalid logical ID `Main-DB`: it may hold only ASCII letters and digits"
    );

    let mut scope = self::scope();
    scope.override_logical_id(&["ingest", "bukcet"], "IngestBucket");
    scope.within("ingest", |s| s.add("bucket", sqs::Queue::new()));
    assert_eq!(
        scope.finish().unwrap_err().to_string(),
        "logical ID `IngestBucket` is given for `ingest/bukcet`, but nothing was added there"
    );

    let mut scope = self::scope();
    scope.add("jobs", sqs::Queue::new());
    scope.override_logical_id(&["other"], "Jobs");
    scope.add("other", sqs::Queue::new());
    assert_eq!(
        scope.finish().unwrap_err().to_string(),
        "name `Jobs` of `other` collides with the same name of `jobs`"
    );
}

#[test]
fn the_artifact_bucket_parameters_logical_id_is_kumos_own() {
    let declarations: [fn(&mut Scope); 2] = [
        |scope| {
            scope.parameter::<String>("kumo_asset_bucket", Parameter::string());
        },
        |scope| {
            scope.add("kumo_asset_bucket", sqs::Queue::new());
        },
    ];
    for declare in declarations {
        let mut scope = scope();
        declare(&mut scope);
        let err = scope.finish().unwrap_err();
        assert_eq!(
            err.to_string(),
            "logical ID `KumoAssetBucket` of `kumo_asset_bucket` is kumo's own: it names the \
             artifact-bucket parameter that deploy sets; name it otherwise"
        );
    }
}
