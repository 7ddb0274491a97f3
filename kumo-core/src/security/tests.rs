use serde_json::json;

use super::*;
use crate::Resource;

fn template(resources: &[(&str, Resource)]) -> Template {
    let mut template = Template::new();
    for (id, resource) in resources {
        template.add_resource(id, resource.clone()).unwrap();
    }
    template
}

fn role(statements: serde_json::Value) -> Resource {
    Resource::new("AWS::IAM::Role")
        .property(
            "AssumeRolePolicyDocument",
            json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": "lambda.amazonaws.com"}}]}),
        )
        .property(
            "Policies",
            json!([{"PolicyName": "p", "PolicyDocument": {"Statement": statements}}]),
        )
}

#[test]
fn a_role_gives_its_trust_and_inline_statements_with_intrinsics_as_text() {
    let new = template(&[(
        "Worker",
        role(
            json!([{"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
            "Resource": [{"Fn::GetAtt": ["Jobs", "Arn"]}, {"Fn::Sub": "${Bucket.Arn}/*"},
                {"Ref": "TopicArn"}],
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]),
        ),
    )]);
    let changes = SecurityChanges::between(&Template::new(), &new);
    assert!(changes.broadens());
    let rows: Vec<&Statement> = changes.iam.iter().map(|r| &r.item).collect();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let inline = rows.iter().find(|s| s.actions.len() == 2).unwrap();
    assert_eq!(
        inline.resources,
        ["${Jobs.Arn}", "${Bucket.Arn}/*", "${TopicArn}"]
    );
    assert_eq!(inline.principals, ["AWS:${Worker}"]);
    assert_eq!(
        inline.condition.as_deref(),
        Some(r#"{"StringEquals":{"aws:SourceAccount":"${AWS::AccountId}"}}"#)
    );
    let trust = rows
        .iter()
        .find(|s| s.actions == ["sts:AssumeRole"])
        .unwrap();
    assert_eq!(trust.resources, ["${Worker.Arn}"]);
    assert_eq!(trust.principals, ["Service:lambda.amazonaws.com"]);
}

#[test]
fn a_changed_statement_is_one_removed_and_one_added() {
    let statement = |action: &str| json!([{"Effect": "Allow", "Action": action, "Resource": "*"}]);
    let old = template(&[("Worker", role(statement("s3:GetObject")))]);
    let new = template(&[("Worker", role(statement("s3:*")))]);
    let changes = SecurityChanges::between(&old, &new);
    let shown: Vec<(Sign, &[String])> = changes
        .iam
        .iter()
        .map(|r| (r.change, r.item.actions.as_slice()))
        .collect();
    assert_eq!(
        shown,
        [
            (Sign::Added, &["s3:*".to_owned()][..]),
            (Sign::Removed, &["s3:GetObject".to_owned()][..])
        ]
    );
    assert!(changes.broadens());
    // Back again is also a widening (an addition), as cdk counts it.
    assert!(SecurityChanges::between(&new, &old).broadens());
    assert!(SecurityChanges::between(&new, &new).is_empty());
}

#[test]
fn a_change_inside_an_intrinsic_statement_or_policy_is_a_change() {
    let chosen = |action: &str| {
        json!([{"Fn::If": ["Prod", {"Effect": "Allow", "Action": action, "Resource": "*"},
            {"Ref": "AWS::NoValue"}]}])
    };
    let old = template(&[("Worker", role(chosen("s3:GetObject")))]);
    let new = template(&[("Worker", role(chosen("s3:*")))]);
    let changes = SecurityChanges::between(&old, &new);
    let signs: Vec<Sign> = changes.iam.iter().map(|r| r.change).collect();
    assert_eq!(signs, [Sign::Added, Sign::Removed], "{changes:#?}");
    assert!(changes.iam[0].item.actions[0].contains("s3:*"));
    assert_eq!(changes.iam[0].item.effect, "(intrinsic)");
    assert!(changes.broadens());
    // The same for a role's whole `Policies` chosen by an intrinsic.
    let policies = |action: &str| {
        Resource::new("AWS::IAM::Role").property(
            "Policies",
            json!({"Fn::If": ["Prod", [{"PolicyName": "p", "PolicyDocument":
                {"Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}}],
                {"Ref": "AWS::NoValue"}]}),
        )
    };
    let old = template(&[("Worker", policies("s3:GetObject"))]);
    let new = template(&[("Worker", policies("s3:*"))]);
    assert!(SecurityChanges::between(&old, &new).broadens());
    assert!(SecurityChanges::between(&new, &new).is_empty());
}

#[test]
fn a_removed_statement_does_not_broaden() {
    let old = template(&[(
        "Policy",
        Resource::new("AWS::IAM::Policy")
            .property("Roles", json!([{"Ref": "Worker"}]))
            .property(
                "PolicyDocument",
                json!({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}),
            ),
    )]);
    let changes = SecurityChanges::between(&old, &Template::new());
    assert_eq!(changes.iam.len(), 1);
    assert_eq!(changes.iam[0].change, Sign::Removed);
    assert_eq!(changes.iam[0].item.actions, ["NOT iam:*"]);
    assert_eq!(changes.iam[0].item.principals, ["AWS:${Worker}"]);
    assert!(!changes.broadens());
    assert!(!changes.is_empty());
}

#[test]
fn a_deny_added_narrows_and_a_deny_removed_widens() {
    let bucket = |statements: serde_json::Value| {
        template(&[(
            "DataPolicy",
            Resource::new("AWS::S3::BucketPolicy")
                .property("Bucket", json!({"Ref": "Data"}))
                .property("PolicyDocument", json!({"Statement": statements})),
        )])
    };
    let deny = json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]);
    let open = bucket(json!([]));
    let guarded = bucket(deny);
    let added = SecurityChanges::between(&open, &guarded);
    assert_eq!(added.policies.len(), 1, "{added:#?}");
    assert!(!added.broadens());
    assert!(SecurityChanges::between(&guarded, &open).broadens());
}

#[test]
fn managed_policies_attached_are_rows() {
    let old = template(&[("Worker", Resource::new("AWS::IAM::Role"))]);
    let new = template(&[(
        "Worker",
        Resource::new("AWS::IAM::Role").property(
            "ManagedPolicyArns",
            json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"}]),
        ),
    )]);
    let changes = SecurityChanges::between(&old, &new);
    assert_eq!(
        changes.managed,
        [Row {
            change: Sign::Added,
            item: Attachment {
                holder: "Worker".into(),
                arn: "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess".into()
            }
        }]
    );
    assert!(changes.broadens());
}

#[test]
fn resource_policies_show_their_principal_including_everyone() {
    let new = template(&[
        (
            "BucketPolicy",
            Resource::new("AWS::S3::BucketPolicy").property(
                "PolicyDocument",
                json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": {"Fn::Sub": "${Site.Arn}/*"}}]}),
            ),
        ),
        (
            "Key",
            Resource::new("AWS::KMS::Key").property(
                "KeyPolicy",
                json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                    "Action": "kms:*", "Resource": "*"}]}),
            ),
        ),
        (
            "Invoke",
            Resource::new("AWS::Lambda::Permission")
                .property("Action", "lambda:InvokeFunction")
                .property("FunctionName", json!({"Ref": "Handler"}))
                .property("Principal", "s3.amazonaws.com")
                .property("SourceArn", json!({"Fn::GetAtt": ["Site", "Arn"]})),
        ),
        (
            "Repo",
            Resource::new("AWS::ECR::Repository").property(
                "RepositoryPolicyText",
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#,
            ),
        ),
    ]);
    let changes = SecurityChanges::between(&Template::new(), &new);
    let shown: Vec<String> = changes
        .policies
        .iter()
        .map(|r| {
            format!(
                "{} {:?} {:?} {:?}",
                r.item.holder, r.item.principals, r.item.actions, r.item.resources
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            r#"BucketPolicy ["*"] ["s3:GetObject"] ["${Site.Arn}/*"]"#,
            r#"Invoke ["Service:s3.amazonaws.com"] ["lambda:InvokeFunction"] ["${Handler}"]"#,
            r#"Key ["AWS:*"] ["kms:*"] ["*"]"#,
            r#"Repo ["*"] ["ecr:BatchGetImage"] []"#,
        ]
    );
    assert_eq!(
        changes.policies[1].item.condition.as_deref(),
        Some(r#"{"ArnLike":{"AWS:SourceArn":"${Site.Arn}"}}"#)
    );
    assert!(changes.iam.is_empty() && changes.broadens());
}

#[test]
fn every_kind_of_resource_policy_shows_what_it_opens() {
    let everyone = |action: &str| {
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": action,
            "Resource": "*"}]})
    };
    let new = template(&[
        (
            "Api",
            Resource::new("AWS::ApiGateway::RestApi")
                .property("Policy", everyone("execute-api:Invoke")),
        ),
        (
            "Point",
            Resource::new("AWS::S3::AccessPoint")
                .property("Bucket", "b")
                .property("Policy", everyone("s3:GetObject")),
        ),
        (
            "Search",
            Resource::new("AWS::OpenSearchService::Domain")
                .property("AccessPolicies", everyone("es:*")),
        ),
        (
            "Files",
            Resource::new("AWS::EFS::FileSystem").property(
                "FileSystemPolicy",
                everyone("elasticfilesystem:ClientMount"),
            ),
        ),
        (
            "Table",
            Resource::new("AWS::DynamoDB::Table").property(
                "ResourcePolicy",
                json!({"PolicyDocument": everyone("dynamodb:GetItem")}),
            ),
        ),
        (
            "Bus",
            Resource::new("AWS::Events::EventBusPolicy")
                .property("StatementId", "open")
                .property("Action", "events:PutEvents")
                .property("Principal", "*")
                .property("EventBusName", "default"),
        ),
        (
            "BusWhole",
            Resource::new("AWS::Events::EventBusPolicy")
                .property("StatementId", "whole")
                .property(
                    "Statement",
                    json!({"Effect": "Allow", "Principal": {"AWS": "111111111111"},
                        "Action": "events:PutEvents", "Resource": "*"}),
                ),
        ),
        (
            "Layer",
            Resource::new("AWS::Lambda::LayerVersionPermission")
                .property("Action", "lambda:GetLayerVersion")
                .property("LayerVersionArn", json!({"Ref": "Shared"}))
                .property("Principal", "*")
                .property("OrganizationId", "o-abc"),
        ),
    ]);
    let changes = SecurityChanges::between(&Template::new(), &new);
    let shown: Vec<String> = changes
        .policies
        .iter()
        .map(|r| {
            format!(
                "{} {:?} {:?} {:?} {}",
                r.item.holder,
                r.item.principals,
                r.item.actions,
                r.item.resources,
                r.item.condition.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            r#"Api ["*"] ["execute-api:Invoke"] ["*"] -"#,
            r#"Bus ["*"] ["events:PutEvents"] ["default"] -"#,
            r#"BusWhole ["AWS:111111111111"] ["events:PutEvents"] ["*"] -"#,
            r#"Files ["*"] ["elasticfilesystem:ClientMount"] ["*"] -"#,
            r#"Layer ["*"] ["lambda:GetLayerVersion"] ["${Shared}"] {"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#,
            r#"Point ["*"] ["s3:GetObject"] ["*"] -"#,
            r#"Search ["*"] ["es:*"] ["*"] -"#,
            r#"Table ["*"] ["dynamodb:GetItem"] ["*"] -"#,
        ]
    );
    assert!(changes.broadens());
}

#[test]
fn security_group_rules_open_to_everyone() {
    let old = template(&[("Web", Resource::new("AWS::EC2::SecurityGroup"))]);
    let new = template(&[
        (
            "Web",
            Resource::new("AWS::EC2::SecurityGroup").property(
                "SecurityGroupIngress",
                json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
                       {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8080, "CidrIpv6": "::/0"}]),
            ),
        ),
        (
            "Out",
            Resource::new("AWS::EC2::SecurityGroupEgress")
                .property("GroupId", json!({"Fn::GetAtt": ["Web", "GroupId"]}))
                .property("IpProtocol", "-1")
                .property("DestinationSecurityGroupId", json!({"Ref": "Db"})),
        ),
    ]);
    let changes = SecurityChanges::between(&old, &new);
    let shown: Vec<String> = changes
        .groups
        .iter()
        .map(|r| {
            let rule = &r.item;
            format!(
                "{:?} {} {:?} {} {} {}",
                r.change, rule.group, rule.direction, rule.protocol, rule.ports, rule.peer
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "Added ${Web.GroupId} Egress all all ${Db}",
            "Added ${Web.GroupId} Ingress tcp 443 0.0.0.0/0",
            "Added ${Web.GroupId} Ingress tcp 8000-8080 ::/0",
        ]
    );
    assert!(changes.broadens());
    let closed = SecurityChanges::between(&new, &old);
    assert_eq!(closed.groups.len(), 3);
    assert!(!closed.broadens());
}

#[test]
fn public_access_loosened_and_tightened() {
    let block = |on: bool| {
        json!({"BlockPublicAcls": on, "BlockPublicPolicy": true, "IgnorePublicAcls": true,
            "RestrictPublicBuckets": true})
    };
    let bucket = |block: Option<serde_json::Value>| {
        let bucket = Resource::new("AWS::S3::Bucket");
        match block {
            Some(block) => bucket.property("PublicAccessBlockConfiguration", block),
            None => bucket,
        }
    };
    let blocked = template(&[("Site", bucket(Some(block(true))))]);
    // A flag turned off.
    let changes =
        SecurityChanges::between(&blocked, &template(&[("Site", bucket(Some(block(false))))]));
    assert_eq!(changes.public.len(), 1);
    assert_eq!(
        changes.public[0].item.setting,
        "PublicAccessBlockConfiguration.BlockPublicAcls"
    );
    assert_eq!(changes.public[0].item.old.as_deref(), Some("true"));
    assert_eq!(changes.public[0].item.new.as_deref(), Some("false"));
    assert!(changes.broadens());
    // The block removed loosens every flag.
    let removed = SecurityChanges::between(&blocked, &template(&[("Site", bucket(None))]));
    assert_eq!(removed.public.len(), 4);
    assert!(removed.broadens());
    // A new bucket without a block keeps S3's default: nothing to say.
    assert!(
        SecurityChanges::between(&Template::new(), &template(&[("Site", bucket(None))])).is_empty()
    );
    // A public ACL and a function URL anyone may call.
    let open = template(&[
        ("Site", bucket(None).property("AccessControl", "PublicRead")),
        (
            "Url",
            Resource::new("AWS::Lambda::Url").property("AuthType", "NONE"),
        ),
    ]);
    let changes = SecurityChanges::between(&template(&[("Site", bucket(None))]), &open);
    let settings: Vec<(&str, Sign)> = changes
        .public
        .iter()
        .map(|r| (r.item.setting.as_str(), r.change))
        .collect();
    assert_eq!(
        settings,
        [("AccessControl", Sign::Added), ("AuthType", Sign::Added)]
    );
    let closed = SecurityChanges::between(&open, &template(&[("Site", bucket(None))]));
    assert!(!closed.broadens() && closed.public.len() == 2);
    // One ID, another type: each setting is of the resource that has it.
    let url = Resource::new("AWS::Lambda::Url").property("AuthType", "NONE");
    let (url, plain) = (
        template(&[("Site", url)]),
        template(&[("Site", bucket(None))]),
    );
    for (old, new, sign) in [(&plain, &url, Sign::Added), (&url, &plain, Sign::Removed)] {
        let changes = SecurityChanges::between(old, new);
        let rows: Vec<(Sign, &str, &str)> = changes
            .public
            .iter()
            .map(|r| {
                (
                    r.change,
                    r.item.setting.as_str(),
                    r.item.resource_type.as_str(),
                )
            })
            .collect();
        assert_eq!(rows, [(sign, "AuthType", "AWS::Lambda::Url")]);
    }
}

#[test]
fn the_json_has_a_row_per_item_with_its_change() {
    let new = template(&[(
        "Web",
        Resource::new("AWS::EC2::SecurityGroup").property(
            "SecurityGroupIngress",
            json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]),
        ),
    )]);
    let changes = SecurityChanges::between(&Template::new(), &new);
    assert_eq!(
        serde_json::to_value(&changes).unwrap()["groups"][0],
        json!({"change": "added", "holder": "Web", "group": "${Web.GroupId}",
            "direction": "ingress", "protocol": "tcp", "ports": "22", "peer": "0.0.0.0/0"})
    );
}

#[test]
fn reading_only_the_resources_that_differ_finds_what_reading_all_finds() {
    let open_bucket = Resource::new("AWS::S3::Bucket").property("AccessControl", "PublicRead");
    let group = Resource::new("AWS::EC2::SecurityGroup").property(
        "SecurityGroupIngress",
        json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]),
    );
    let same = role(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]));
    let old = template(&[
        ("Same", same.clone()),
        (
            "Changed",
            role(json!([{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}])),
        ),
        ("Bucket", Resource::new("AWS::S3::Bucket")),
        ("Group", group.clone()),
        (
            "Gone",
            role(json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}])),
        ),
    ]);
    let new = template(&[
        ("Same", same),
        (
            "Changed",
            role(json!([{"Effect": "Allow", "Action": "sns:*", "Resource": "*"}])),
        ),
        ("Bucket", open_bucket),
        ("Group", group),
        (
            "Added",
            Resource::new("AWS::IAM::User").property("ManagedPolicyArns", json!(["arn:a"])),
        ),
    ]);
    let nothing = Template::new();
    let (old_all, new_all) = (differing(&old, &nothing), differing(&new, &nothing));
    let all = SecurityChanges {
        iam: rows(
            statements::identity(&old_all),
            statements::identity(&new_all),
        ),
        managed: rows(
            statements::attachments(&old_all),
            statements::attachments(&new_all),
        ),
        policies: rows(
            statements::resource_policies(&old_all),
            statements::resource_policies(&new_all),
        ),
        groups: rows(groups::rules(&old_all), groups::rules(&new_all)),
        public: public::exposures(&old_all, &new_all),
    };
    let found = SecurityChanges::between(&old, &new);
    assert_eq!(found, all);
    assert!(!found.iam.is_empty() && !found.managed.is_empty() && !found.public.is_empty());
    assert!(found.groups.is_empty(), "the group is alike in both");
}

#[test]
fn a_nested_stack_s_rows_follow_the_parent_s_under_its_path() {
    let worker =
        || role(json!([{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]));
    let mut changes = SecurityChanges::between(&Template::new(), &template(&[("Api", worker())]));
    let parent = changes.iam.len();
    changes.extend(
        SecurityChanges::between(&template(&[("Worker", worker())]), &Template::new())
            .within("Jobs.Deep"),
    );
    let holders: Vec<(&str, Sign)> = changes
        .iam
        .iter()
        .map(|row| (row.item.holder.as_str(), row.change))
        .collect();
    assert_eq!(holders.len(), 2 * parent);
    assert!(holders[..parent]
        .iter()
        .all(|&row| row == ("Api", Sign::Added)));
    assert!(holders[parent..]
        .iter()
        .all(|&row| row == ("Jobs.Deep.Worker", Sign::Removed)));
    let stacks = changes.by_stack();
    let paths: Vec<&str> = stacks.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(paths, ["", "Jobs.Deep"]);
    assert!(stacks[1]
        .1
        .iam
        .iter()
        .all(|row| row.item.holder == "Worker"));
    assert_eq!(stacks[0].1.iam, changes.iam[..parent]);
    // Access a nested stack alone widens is widened.
    let mut only_nested = SecurityChanges::default();
    only_nested.extend(
        SecurityChanges::between(&Template::new(), &template(&[("Worker", worker())]))
            .within("Jobs"),
    );
    assert!(only_nested.broadens());
}

#[test]
fn sam_policies_are_the_statements_and_attachments_of_the_role_sam_makes() {
    let function = |policies: serde_json::Value| {
        Resource::new("AWS::Serverless::Function")
            .property("Handler", "index.handler")
            .property("Policies", policies)
    };
    let new = template(&[(
        "Worker",
        function(json!([
            "AmazonS3ReadOnlyAccess",
            {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]},
            {"SQSPollerPolicy": {"QueueName": "jobs"}}
        ])),
    )]);
    let changes = SecurityChanges::between(&Template::new(), &new);
    assert!(changes.broadens());
    assert_eq!(changes.managed.len(), 1);
    assert_eq!(changes.managed[0].item.arn, "AmazonS3ReadOnlyAccess");
    let effects: Vec<&str> = changes.iam.iter().map(|r| r.item.effect.as_str()).collect();
    assert_eq!(effects, ["(SAM policy template)", "Allow"]);
    assert!(changes
        .iam
        .iter()
        .all(|r| r.item.principals == ["AWS:${WorkerRole}"]));
    // One managed policy, as a single string: the same row.
    let one = template(&[("Worker", function(json!("AmazonS3ReadOnlyAccess")))]);
    assert_eq!(
        SecurityChanges::between(&Template::new(), &one)
            .managed
            .len(),
        1
    );
    // An intrinsic gives a managed policy's ARN; `Fn::If` chooses among policies.
    let chosen = template(&[(
        "Worker",
        function(json!([{"Ref": "PolicyArn"}, {"Fn::If": ["Prod", "A", "B"]}])),
    )]);
    let changes = SecurityChanges::between(&Template::new(), &chosen);
    assert_eq!(changes.managed[0].item.arn, "${PolicyArn}");
    assert_eq!(changes.iam[0].item.effect, "(intrinsic)");
    // With a role of its own, SAM makes none and the policies are not used: the role is what
    // changes, and a role given is a change that may widen access.
    let own = template(&[(
        "Worker",
        function(json!(["AdministratorAccess"])).property("Role", "arn:aws:iam::1:role/r"),
    )]);
    let changes = SecurityChanges::between(&one, &own);
    assert!(changes
        .managed
        .iter()
        .all(|row| row.change == Sign::Removed));
    assert_eq!(changes.iam.len(), 1);
    assert_eq!(changes.iam[0].item.effect, "(role of its own)");
    assert!(changes.broadens());
}
