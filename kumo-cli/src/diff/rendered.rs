//! Snapshots of what `diff` shows of a stack: the review of each change and the security view,
//! for the changes a reviewer must not miss.

use kumo_core::{Output, Parameter, Resource};
use serde_json::json;

use super::*;

/// What `diff` prints of the change from `old` (`None`: not deployed) to `new`, with colour
/// on or off.
fn rendered(old: Option<&Template>, new: &Template, color: bool) -> String {
    rendered_nesting(old, new, &[], color)
}

/// [`rendered`], with the changes of the nested stacks.
fn rendered_nesting(
    old: Option<&Template>,
    new: &Template,
    nested: &[NestedChanges],
    color: bool,
) -> String {
    let nothing = Template::new();
    let before = old.unwrap_or(&nothing);
    let changes = diff(before, new);
    let review = Review::new(before, new);
    let security = security::between(before, new, nested);
    let shown = Shown {
        name: "shop-dev",
        deployed: old.is_some(),
        review: &review,
        changes: &changes,
        settings: &[],
        instances: &[],
        nested,
        security: &security,
    };
    let mut ui = Ui::default();
    ui.color = color;
    painted(&ui, &shown.lines())
}

fn one(id: &str, resource: Resource) -> Template {
    let mut template = Template::new();
    template.add_resource(id, resource).unwrap();
    template
}

fn table(name: &str) -> Template {
    one(
        "Orders",
        Resource::new("AWS::DynamoDB::Table")
            .property("TableName", name)
            .property("BillingMode", "PAY_PER_REQUEST")
            .property(
                "KeySchema",
                json!([{"AttributeName": "id", "KeyType": "HASH"}]),
            )
            .property(
                "AttributeDefinitions",
                json!([{"AttributeName": "id", "AttributeType": "S"}]),
            ),
    )
}

fn worker(actions: &[&str]) -> Template {
    let mut template = one(
        "Worker",
        Resource::new("AWS::IAM::Role")
            .property(
                "AssumeRolePolicyDocument",
                json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"Service": "lambda.amazonaws.com"}}]}),
            )
            .property(
                "Policies",
                json!([{"PolicyName": "data", "PolicyDocument": {"Statement": [{
                    "Effect": "Allow", "Action": actions,
                    "Resource": {"Fn::Sub": "${Data.Arn}/*"}}]}}]),
            ),
    );
    template
        .add_resource("Data", Resource::new("AWS::S3::Bucket"))
        .unwrap();
    template
}

fn web(cidr: &str) -> Template {
    one(
        "Web",
        Resource::new("AWS::EC2::SecurityGroup")
            .property("GroupDescription", "web")
            .property(
                "SecurityGroupIngress",
                json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": cidr}]),
            ),
    )
}

fn sized(size: &str) -> Template {
    let mut template = one("Jobs", Resource::new("AWS::SQS::Queue"));
    template
        .add_parameter("Size", Parameter::string().default_value(size))
        .unwrap();
    template
}

fn exported(export: bool) -> Template {
    let mut template = one("Jobs", Resource::new("AWS::SQS::Queue"));
    let output = Output::new(kumo_core::intrinsic::get_att("Jobs", "Arn"));
    let output = if export {
        output.export("shop-jobs-arn")
    } else {
        output
    };
    template.add_output("JobsArn", output).unwrap();
    template
}

#[test]
fn a_stateful_resource_replaced() {
    insta::assert_snapshot!(rendered(Some(&table("orders")), &table("orders-v2"), false));
}

#[test]
fn an_iam_widening() {
    insta::assert_snapshot!(rendered(
        Some(&worker(&["s3:GetObject"])),
        &worker(&["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
        false
    ));
}

#[test]
fn an_iam_widening_in_colour() {
    insta::assert_snapshot!(rendered(
        Some(&worker(&["s3:GetObject"])),
        &worker(&["s3:*"]),
        true
    ));
}

#[test]
fn an_iam_widening_in_a_nested_stack() {
    let nesting = |hash: &str| {
        one(
            "Jobs",
            Resource::new("AWS::CloudFormation::Stack").property(
                "TemplateURL",
                format!("https://b.s3.amazonaws.com/nested/{hash}.json"),
            ),
        )
    };
    let (before, after) = (worker(&["s3:GetObject"]), worker(&["s3:*"]));
    let nested = [NestedChanges {
        path: "Jobs".to_owned(),
        changes: diff(&before, &after),
        before: Some(before),
        unknown: false,
        after,
    }];
    insta::assert_snapshot!(rendered_nesting(
        Some(&nesting("0a1b")),
        &nesting("2c3d"),
        &nested,
        false
    ));
}

#[test]
fn a_security_group_opened_to_everyone() {
    insta::assert_snapshot!(rendered(Some(&web("10.0.0.0/8")), &web("0.0.0.0/0"), false));
}

#[test]
fn a_parameter_only_change() {
    insta::assert_snapshot!(rendered(Some(&sized("1")), &sized("2"), false));
}

#[test]
fn an_export_removed() {
    insta::assert_snapshot!(rendered(Some(&exported(true)), &exported(false), false));
}

#[test]
fn a_no_op() {
    insta::assert_snapshot!(rendered(Some(&web("0.0.0.0/0")), &web("0.0.0.0/0"), false));
}

#[test]
fn a_new_stack() {
    insta::assert_snapshot!(rendered(None, &worker(&["s3:GetObject"]), false));
}

#[test]
fn public_access_loosened_and_a_managed_policy_attached() {
    let site = |blocked: bool| {
        let mut template = one(
            "Site",
            Resource::new("AWS::S3::Bucket").property(
                "PublicAccessBlockConfiguration",
                json!({"BlockPublicAcls": blocked, "BlockPublicPolicy": blocked,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true}),
            ),
        );
        let role = Resource::new("AWS::IAM::Role");
        let role = if blocked {
            role
        } else {
            role.property(
                "ManagedPolicyArns",
                json!(["arn:aws:iam::aws:policy/AdministratorAccess"]),
            )
        };
        template.add_resource("Deployer", role).unwrap();
        template
    };
    insta::assert_snapshot!(rendered(Some(&site(true)), &site(false), false));
}

#[test]
fn reading_only_what_is_written_differently_shows_what_reading_all_shows() {
    let combined = |parts: [Template; 3]| {
        let mut template = sized("1");
        for part in parts {
            template.resources_mut().extend(part.resources().clone());
        }
        template
    };
    let old = combined([
        worker(&["s3:GetObject"]),
        web("10.0.0.0/8"),
        table("orders"),
    ]);
    let new = combined([worker(&["s3:*"]), web("10.0.0.0/8"), table("orders-v2")]);
    let (read, alike) = Template::from_json_beside(&old.to_json(), &new.written()).unwrap();
    assert_eq!(
        alike.iter().collect::<Vec<_>>(),
        ["Data", "Jobs", "Web"],
        "the resources written alike"
    );
    let mut narrowed = new.clone();
    narrowed.take_resources(&alike);
    for color in [false, true] {
        assert_eq!(
            rendered(Some(&read), &narrowed, color),
            rendered(Some(&old), &new, color)
        );
    }
}
