//! One test per validation error, each checking the message that names the offending item.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::intrinsic::{get_att, if_, length, reference, sub};
use crate::{Condition, Output, Parameter, Resource};

fn topic() -> Resource {
    Resource::new("AWS::SNS::Topic")
}

fn with_topic() -> Template {
    let mut template = Template::new();
    template.add_resource("Topic", topic()).unwrap();
    template
}

fn messages(template: &Template) -> Vec<String> {
    match template.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.errors().iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn a_sound_template_passes() {
    let mut template = with_topic();
    template
        .add_parameter(
            "Env",
            Parameter::string()
                .allowed_values(["dev", "prod"])
                .default_value("dev"),
        )
        .unwrap();
    template
        .add_condition(
            "IsProd",
            Condition::equals(reference::<String>("Env"), "prod"),
        )
        .unwrap();
    template
        .add_resource(
            "Queue",
            Resource::new("AWS::SQS::Queue")
                .property("QueueName", sub("${Env}-${Topic.TopicName}-${AWS::Region}"))
                .property("DelaySeconds", if_::<String>("IsProd", "0", "5"))
                .depends_on("Topic"),
        )
        .unwrap();
    template
        .add_output(
            "TopicArn",
            Output::new(reference("Topic")).export("topic-arn"),
        )
        .unwrap();
    assert_eq!(messages(&template), Vec::<String>::new());
}

#[test]
fn no_resources() {
    assert_eq!(
        messages(&Template::new()),
        ["the template declares no resources; CloudFormation requires at least one"]
    );
}

#[test]
fn section_quotas() {
    let mut template = Template::new();
    for i in 0..=MAX_RESOURCES {
        template.add_resource(&format!("T{i}"), topic()).unwrap();
    }
    for i in 0..=MAX_PARAMETERS {
        template
            .add_parameter(&format!("P{i}"), Parameter::string())
            .unwrap();
    }
    for i in 0..=MAX_OUTPUTS {
        template
            .add_output(&format!("O{i}"), Output::new("x"))
            .unwrap();
    }
    for i in 0..=MAX_MAPPINGS {
        template
            .add_mapping(&format!("M{i}"), BTreeMap::new())
            .unwrap();
    }
    let errors = template.validate_for(Delivery::S3).unwrap_err();
    let quota_messages: Vec<_> = errors
        .errors()
        .iter()
        .filter(|e| matches!(e, ValidationError::TooMany { .. }))
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        quota_messages,
        [
            "Resources declares 501 entries; CloudFormation allows at most 500",
            "Parameters declares 201 entries; CloudFormation allows at most 200",
            "Outputs declares 201 entries; CloudFormation allows at most 200",
            "Mappings declares 201 entries; CloudFormation allows at most 200",
        ]
    );
}

#[test]
fn exactly_at_quota_is_fine() {
    let mut template = Template::new();
    for i in 0..MAX_RESOURCES {
        template.add_resource(&format!("T{i}"), topic()).unwrap();
    }
    template.validate_for(Delivery::S3).unwrap();
}

#[test]
fn mapping_attribute_quota() {
    let mut template = with_topic();
    let attributes = (0..=MAX_MAPPING_ATTRIBUTES)
        .map(|i| (format!("A{i}"), json!(i)))
        .collect();
    template
        .add_mapping("Big", BTreeMap::from([("k".to_owned(), attributes)]))
        .unwrap();
    assert_eq!(
        messages(&template),
        ["mapping `Big` holds 201 attributes; CloudFormation allows at most 200"]
    );
}

#[test]
fn logical_id_rules() {
    let mut template = with_topic();
    template.add_resource("my-queue", topic()).unwrap();
    template
        .add_output(&"O".repeat(256), Output::new("x"))
        .unwrap();
    assert_eq!(
        messages(&template),
        [
            "Resources.my-queue: invalid logical ID: it may hold only ASCII letters and digits"
                .to_owned(),
            format!(
                "Outputs.{}: invalid logical ID: it is longer than 255 characters",
                "O".repeat(256)
            ),
        ]
    );
}

#[test]
fn parameter_and_resource_share_an_id() {
    let mut template = with_topic();
    template
        .add_parameter("Topic", Parameter::string())
        .unwrap();
    assert_eq!(
        messages(&template),
        ["`Topic` is declared both as a parameter and as a resource"]
    );
}

#[test]
fn description_length() {
    let template = with_topic().with_description("d".repeat(MAX_DESCRIPTION_BYTES + 1));
    assert_eq!(
        messages(&template),
        ["the description is 1025 bytes; CloudFormation allows at most 1024"]
    );
    let fine = with_topic().with_description("é".repeat(MAX_DESCRIPTION_BYTES / 2));
    assert!(fine.validate().is_ok());
}

#[test]
fn body_size_by_delivery() {
    let mut template = with_topic();
    template.set_metadata("Padding", json!("p".repeat(MAX_INLINE_BODY_BYTES)));
    let bytes = template.to_json().len();
    assert_eq!(
        messages(&template),
        [format!(
            "the template body is {bytes} bytes, over the 51200-byte limit for inline templates \
             (deploy through an artifact bucket to allow up to 1 MB)"
        )]
    );
    template.validate_for(Delivery::S3).unwrap();

    template.set_metadata("Padding", json!("p".repeat(MAX_S3_BODY_BYTES)));
    let bytes = template.to_json().len();
    assert_eq!(
        template.validate_for(Delivery::S3).unwrap_err().to_string(),
        format!(
            "invalid template: the template body is {bytes} bytes, over the 1000000-byte limit \
             for templates passed by S3 URL"
        )
    );
}

#[test]
fn dangling_ref() {
    let mut template = with_topic();
    template
        .add_resource(
            "Sub",
            Resource::new("AWS::SNS::Subscription")
                .property("Protocol", "sqs")
                .property("TopicArn", reference::<String>("Topik")),
        )
        .unwrap();
    template
        .add_output("Name", Output::new(sub("${Nope}")))
        .unwrap();
    assert_eq!(
        messages(&template),
        [
            "Resources.Sub.Properties.TopicArn: Ref to `Topik`, which is not a parameter, resource or pseudo parameter",
            "Outputs.Name.Value: Ref to `Nope`, which is not a parameter, resource or pseudo parameter",
        ]
    );
}

#[test]
fn dangling_get_att() {
    let mut template = with_topic();
    template.add_parameter("Env", Parameter::string()).unwrap();
    template
        .add_output("A", Output::new(get_att("Missing", "Arn")))
        .unwrap();
    template
        .add_output("B", Output::new(sub("${Env.Arn}")))
        .unwrap();
    assert_eq!(
        messages(&template),
        [
            "Outputs.A.Value: Fn::GetAtt of `Missing`, which is not a resource of this template",
            "Outputs.B.Value: Fn::GetAtt of `Env`, which is not a resource of this template",
        ]
    );
}

#[test]
fn resource_in_condition() {
    let mut template = with_topic();
    template
        .add_condition(
            "HasTopic",
            Condition::equals(reference::<String>("Topic"), "x"),
        )
        .unwrap();
    template
        .add_resource("Gated", topic().condition("HasTopic"))
        .unwrap();
    assert_eq!(
        messages(&template),
        ["Conditions.HasTopic.Fn::Equals[0]: conditions may refer only to parameters, but `Topic` is a resource"]
    );
}

#[test]
fn dangling_depends_on() {
    let mut template = Template::new();
    template
        .add_resource("Topic", topic().depends_on("Queue"))
        .unwrap();
    assert_eq!(
        messages(&template),
        ["Resources.Topic.DependsOn: `Queue` is not a resource of this template"]
    );
}

#[test]
fn a_dependency_a_transform_or_loop_makes_is_not_dangling() {
    let sam = Template::from_json(
        r#"{"Transform": "AWS::Serverless-2016-10-31", "Resources": {
            "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "prod"}},
            "Mapping": {"Type": "AWS::ApiGateway::BasePathMapping", "DependsOn": "ApiprodStage",
                "Properties": {"DomainName": "api.example.com", "RestApiId": {"Ref": "Api"}}}}}"#,
    )
    .unwrap();
    assert_eq!(messages(&sam), Vec::<String>::new());
    let looped = Template::from_json(
        r#"{"Transform": "AWS::LanguageExtensions", "Resources": {
            "Fn::ForEach::Buckets": ["Id", ["A", "B"], {"Bucket${Id}": {"Type": "AWS::S3::Bucket"}}],
            "Topic": {"Type": "AWS::SNS::Topic", "DependsOn": "BucketA"},
            "Queue": {"Type": "AWS::SQS::Queue", "DependsOn": "Nope"},
            "Key": {"Type": "AWS::KMS::Key", "DependsOn": "BucketC"},
            "Alias": {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/a",
                "TargetKeyId": {"Fn::GetAtt": ["BucketC", "Arn"]}}}}}"#,
    )
    .unwrap();
    assert_eq!(
        messages(&looped),
        [
            "Resources.Alias.Properties.TargetKeyId: Fn::GetAtt of `BucketC`, which is not a resource of this template",
            "Resources.Key.DependsOn: `BucketC` is not a resource of this template",
            "Resources.Queue.DependsOn: `Nope` is not a resource of this template",
        ],
        "a loop over a written-out list makes what its items spell, and no more"
    );
}

#[test]
fn references_sam_rewrites_make_no_cycle() {
    let sam = Template::from_json(
        r#"{"Transform": "AWS::Serverless-2016-10-31", "Resources": {
            "Api": {"Type": "AWS::Serverless::Api",
                "Properties": {"StageName": "Prod", "Variables": {"Fn": {"Ref": "Fn"}}}},
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "index.handler",
                "Runtime": "nodejs20.x", "InlineCode": "x", "Events": {"Root": {"Type": "Api",
                "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/", "Method": "ANY"}}}}}}}"#,
    )
    .unwrap();
    assert_eq!(messages(&sam), Vec::<String>::new());
}

#[test]
fn undefined_conditions() {
    let mut template = Template::new();
    template
        .add_resource("Topic", topic().condition("IsProd"))
        .unwrap();
    template
        .add_resource(
            "Queue",
            Resource::new("AWS::SQS::Queue").property("DelaySeconds", if_::<i64>("IsBig", 10, 0)),
        )
        .unwrap();
    template
        .add_output("Arn", Output::new(reference("Topic")).condition("IsDev"))
        .unwrap();
    template
        .add_condition(
            "Both",
            Condition::and([Condition::named("IsProd"), Condition::named("IsDev")]),
        )
        .unwrap();
    template
        .add_resource("Gate", topic().condition("Both"))
        .unwrap();
    assert_eq!(
        messages(&template),
        [
            "Conditions.Both.Fn::And[0]: condition `IsProd` is not declared in Conditions",
            "Conditions.Both.Fn::And[1]: condition `IsDev` is not declared in Conditions",
            "Resources.Queue.Properties.DelaySeconds: condition `IsBig` is not declared in Conditions",
            "Resources.Topic.Condition: condition `IsProd` is not declared in Conditions",
            "Outputs.Arn.Condition: condition `IsDev` is not declared in Conditions",
        ]
    );
}

#[test]
fn an_unused_condition_is_accepted_as_cloudformation_does() {
    let mut template = with_topic();
    template.add_parameter("Env", Parameter::string()).unwrap();
    template
        .add_condition(
            "IsProd",
            Condition::equals(reference::<String>("Env"), "prod"),
        )
        .unwrap();
    assert!(messages(&template).is_empty());
}

#[test]
fn names_a_transform_or_module_makes_are_not_dangling() {
    let mut template = with_topic();
    template
        .add_output("Role", Output::new(reference::<String>("FunctionRole")))
        .unwrap();
    assert_eq!(
        messages(&template),
        ["Outputs.Role.Value: Ref to `FunctionRole`, which is not a parameter, resource or pseudo parameter"]
    );
    let mut sam = template.clone();
    sam.add_transform("AWS::Serverless-2016-10-31");
    assert!(messages(&sam).is_empty());
    let mut module = template.clone();
    module
        .add_resource("Function", Resource::new("Acme::Lambda::Function::MODULE"))
        .unwrap();
    assert!(messages(&module).is_empty());
    let mut extended = template;
    extended.add_transform(crate::template::LANGUAGE_EXTENSIONS);
    assert_eq!(messages(&extended).len(), 1);
}

#[test]
fn condition_arity() {
    let mut template = with_topic();
    template.add_parameter("Env", Parameter::string()).unwrap();
    let is = |v: &str| Condition::equals(reference::<String>("Env"), v);
    template
        .add_condition("One", Condition::or([is("a")]))
        .unwrap();
    template
        .add_condition(
            "Eleven",
            Condition::and((0..11).map(|i| is(&i.to_string()))),
        )
        .unwrap();
    template
        .add_resource("Gated", topic().condition("One"))
        .unwrap();
    template
        .add_resource("Gated2", topic().condition("Eleven"))
        .unwrap();
    assert_eq!(
        messages(&template),
        [
            "Conditions.Eleven: Fn::And takes 2 to 10 conditions, not 11",
            "Conditions.One: Fn::Or takes 2 to 10 conditions, not 1",
        ]
    );
}

#[test]
fn language_extension_functions_need_the_transform() {
    let mut template = Template::new();
    template
        .add_resource("Topic", topic().property("DisplayName", length(["a", "b"])))
        .unwrap();
    assert_eq!(
        messages(&template),
        ["Resources.Topic.Properties.DisplayName: Fn::Length needs the AWS::LanguageExtensions transform, which the template does not declare"]
    );
    template.add_transform(LANGUAGE_EXTENSIONS);
    assert_eq!(messages(&template), Vec::<String>::new());
}

#[test]
fn dependency_cycles() {
    let mut template = Template::new();
    template
        .add_resource(
            "A",
            topic().property("DisplayName", get_att::<String>("B", "Arn")),
        )
        .unwrap();
    template
        .add_resource("B", topic().property("DisplayName", sub("${C}")))
        .unwrap();
    template.add_resource("C", topic().depends_on("A")).unwrap();
    template
        .add_resource("Self", topic().depends_on("Self"))
        .unwrap();
    assert_eq!(
        messages(&template),
        [
            "circular dependency between resources: A -> B -> C -> A",
            "circular dependency between resources: Self -> Self",
        ]
    );
}

#[test]
fn contradictory_parameters() {
    let mut template = with_topic();
    template
        .add_parameter(
            "Size",
            Parameter::string()
                .allowed_values(["s", "m"])
                .default_value("xl"),
        )
        .unwrap();
    template
        .add_parameter("Name", Parameter::string().min_length(5).max_length(3))
        .unwrap();
    template
        .add_parameter("Count", Parameter::number().min_value(10).max_value(1))
        .unwrap();
    assert_eq!(
        messages(&template),
        [
            "Parameters.Count: MinValue 10 is greater than MaxValue 1",
            "Parameters.Name: MinLength 5 is greater than MaxLength 3",
            "Parameters.Size: default `xl` is not one of the allowed values [\"s\", \"m\"]",
        ]
    );
}

#[test]
fn duplicate_exports() {
    let mut template = with_topic();
    for id in ["A", "B", "C"] {
        template
            .add_output(id, Output::new(reference("Topic")).export("shared"))
            .unwrap();
    }
    assert_eq!(
        messages(&template),
        [
            "Outputs.B: export name `shared` is already exported by Outputs.A",
            "Outputs.C: export name `shared` is already exported by Outputs.A",
        ]
    );
}

#[test]
fn many_errors_are_listed_together() {
    let mut template = Template::new();
    template
        .add_resource("Topic", topic().depends_on("Nope").condition("Nah"))
        .unwrap();
    assert_eq!(
        template.validate().unwrap_err().to_string(),
        "invalid template (2 problems):\n  \
         - Resources.Topic.Condition: condition `Nah` is not declared in Conditions\n  \
         - Resources.Topic.DependsOn: `Nope` is not a resource of this template"
    );
}

#[test]
fn a_default_must_meet_its_own_constraints() {
    let mut template = with_topic();
    template
        .add_parameter(
            "Bucket",
            Parameter::string()
                .default_value("My_Bucket")
                .allowed_pattern("[a-z0-9-]{3,63}"),
        )
        .unwrap();
    template
        .add_parameter(
            "Days",
            Parameter::number().default_value("seven").min_value(1),
        )
        .unwrap();
    assert_eq!(
        messages(&template),
        [
            "Parameters.Bucket: default `My_Bucket` does not match AllowedPattern `[a-z0-9-]{3,63}`",
            "Parameters.Days: default `seven` is not a number",
        ]
    );
}

#[test]
fn resource_tags_follow_aws_rules() {
    let mut template = Template::new();
    template
        .add_resource(
            "Topic",
            topic().property("Tags", json!([{"Key": "aws:owner", "Value": "me"}])),
        )
        .unwrap();
    assert_eq!(
        messages(&template),
        ["Resources.Topic.Properties.Tags: invalid tag \"aws:owner\": keys starting with `aws:` are reserved for AWS"]
    );
}

#[test]
fn what_a_for_each_loop_makes_may_be_named() {
    let template = Template::from_json(
        r#"{
          "Transform": "AWS::LanguageExtensions",
          "Parameters": {"Names": {"Type": "CommaDelimitedList"}},
          "Conditions": {
            "Fn::ForEach::Wanted": ["Name", {"Ref": "Names"}, {
              "Want${Name}": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
            }]
          },
          "Resources": {
            "Fn::ForEach::Topics": ["Name", {"Ref": "Names"}, {"Topic${Name}": {
              "Type": "AWS::SNS::Topic", "Condition": "Want${Name}"
            }}],
            "Queue": {"Type": "AWS::SQS::Queue", "Condition": "WantA",
                      "Properties": {"QueueName": {"Fn::GetAtt": ["TopicA", "TopicName"]}}}
          },
          "Outputs": {
            "First": {"Value": {"Ref": "TopicA"}},
            "Missing": {"Value": {"Ref": "QueueA"}, "Condition": "Unwanted"}
          }
        }"#,
    )
    .unwrap();
    assert_eq!(
        messages(&template),
        [
            "Outputs.Missing.Condition: condition `Unwanted` is not declared in Conditions",
            "Outputs.Missing.Value: Ref to `QueueA`, which is not a parameter, resource or pseudo parameter",
        ]
    );
}

#[test]
fn find_in_map_names_a_declared_mapping_and_keys_it_has() {
    let template = Template::from_json(
        r#"{
          "Mappings": {"Regions": {"us-east-1": {"Ami": "ami-1"}}},
          "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": {"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Ami"]},
            "Tags": [
              {"Key": "a", "Value": {"Fn::FindInMap": ["Regions", "us-east-1", "Ami"]}},
              {"Key": "b", "Value": {"Fn::FindInMap": ["Region", "us-east-1", "Ami"]}},
              {"Key": "c", "Value": {"Fn::FindInMap": ["Regions", "eu-west-9", "Ami"]}},
              {"Key": "d", "Value": {"Fn::FindInMap": ["Regions", "us-east-1", "Amy"]}},
              {"Key": "e", "Value": {"Fn::FindInMap": ["Regions", "eu-west-9", "Ami",
                                                       {"DefaultValue": "ami-0"}]}},
              {"Key": "f", "Value": {"Fn::FindInMap": [{"Ref": "Missing"}, "x", "y"]}}
            ]}}}
        }"#,
    )
    .unwrap();
    assert_eq!(
        messages(&template),
        [
            "Resources.Queue.Properties.Tags[1].Value: Fn::FindInMap of mapping `Region`, which is not declared in Mappings",
            "Resources.Queue.Properties.Tags[2].Value: Fn::FindInMap of `eu-west-9`, which mapping `Regions` does not have",
            "Resources.Queue.Properties.Tags[3].Value: Fn::FindInMap of `us-east-1.Amy`, which mapping `Regions` does not have",
            "Resources.Queue.Properties.Tags[5].Value.Fn::FindInMap[0]: Ref to `Missing`, which is not a parameter, resource or pseudo parameter",
        ]
    );
}
