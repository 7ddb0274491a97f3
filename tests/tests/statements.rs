//! Every `stack!` statement and attribute of the template language: parameters of every kind of
//! CloudFormation type with constraints and NoEcho, mappings, rules, conditions and outputs
//! with explicit logical IDs, export names and conditions, template metadata and transforms.

use kumo_core::intrinsic::sub;
use kumo_core::resources::sqs;
use kumo_core::rules::{contains, equals};
use kumo_core::{pseudo, stack, Assertion, Condition, Environment, Rule, Stack, Template};
use serde_json::json;

stack! {
    /// Every statement and attribute.
    pub Statements(
        service = "statements",
        transform = ["AWS::LanguageExtensions"],
        metadata = { "AWS::CloudFormation::Interface" = json!({"ParameterGroups": []}) }
    ) {
        #[logical_id("DBPassword")]
        #[no_echo]
        #[min_length(8)]
        #[max_length(41)]
        #[allowed_pattern("[a-zA-Z0-9]+")]
        #[constraint_description("letters and digits")]
        param db_password: String, "The database password.";
        #[r#type("AWS::EC2::KeyPair::KeyName")]
        param key_name: String;
        #[r#type("List<AWS::EC2::Subnet::Id>")]
        param subnets: Vec<String>;
        #[r#type("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>")]
        param image: String = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
        #[min_value(1)]
        #[max_value(10)]
        #[allowed_values(1, 2, 4)]
        param size: i64 = 2;
        #[allowed_values("dev", "prod")]
        param stage: String = "dev";
        let jobs = sqs::Queue::new();
        #[logical_id("IsProd")]
        condition is_production = Condition::equals(stage.clone(), "prod");
        #[logical_id("RegionMap")]
        mapping regions = {
            "eu-west-1" = { "Ami" = "ami-1", "Zones" = ["a", "b"], "Size" = 2 },
            "us-east-1" = { "Ami" = "ami-2", "Zones" = ["c"], "Size" = 4.5 },
        };
        #[logical_id("DevIsSmall")]
        rule small_in_dev = Rule::new()
            .condition(equals(stage.clone(), "dev"))
            .assert(Assertion::new(contains(["1", "2"], size.to_text())).description("Development stays small."));
        #[logical_id("VPCImage")]
        output image_id = regions.find(pseudo::region(), "Ami"), "The region's image.",
            export = sub("${AWS::StackName}-image"), condition = is_production;
        output key = key_name, export;
    }
}

fn template() -> Template {
    Statements.template(&Environment::new("dev")).unwrap()
}

fn json_of(template: &Template) -> serde_json::Value {
    serde_json::from_str(&template.to_json()).unwrap()
}

#[test]
fn parameters_carry_their_type_constraints_and_logical_id() {
    let template = json_of(&template());
    let parameters = &template["Parameters"];
    assert_eq!(
        parameters["DBPassword"],
        json!({
            "Type": "String",
            "Description": "The database password.",
            "AllowedPattern": "[a-zA-Z0-9]+",
            "ConstraintDescription": "letters and digits",
            "MinLength": 8,
            "MaxLength": 41,
            "NoEcho": true
        })
    );
    assert_eq!(parameters["KeyName"]["Type"], "AWS::EC2::KeyPair::KeyName");
    assert_eq!(parameters["Subnets"]["Type"], "List<AWS::EC2::Subnet::Id>");
    assert_eq!(
        parameters["Image"]["Type"],
        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    );
    assert_eq!(
        parameters["Size"],
        json!({"Type": "Number", "Default": "2", "AllowedValues": ["1", "2", "4"], "MinValue": 1, "MaxValue": 10})
    );
    assert_eq!(parameters["Stage"]["AllowedValues"], json!(["dev", "prod"]));
}

#[test]
fn mappings_rules_conditions_and_outputs_are_written() {
    let template = json_of(&template());
    assert_eq!(
        template["Mappings"]["RegionMap"],
        json!({
            "eu-west-1": {"Ami": "ami-1", "Zones": ["a", "b"], "Size": 2},
            "us-east-1": {"Ami": "ami-2", "Zones": ["c"], "Size": 4.5}
        })
    );
    assert_eq!(
        template["Rules"]["DevIsSmall"],
        json!({
            "RuleCondition": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
            "Assertions": [{
                "Assert": {"Fn::Contains": [["1", "2"], {"Ref": "Size"}]},
                "AssertDescription": "Development stays small."
            }]
        })
    );
    assert_eq!(
        template["Conditions"]["IsProd"],
        json!({"Fn::Equals": [{"Ref": "Stage"}, "prod"]})
    );
    assert_eq!(
        template["Outputs"]["VPCImage"],
        json!({
            "Description": "The region's image.",
            "Value": {"Fn::FindInMap": ["RegionMap", {"Ref": "AWS::Region"}, "Ami"]},
            "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-image"}},
            "Condition": "IsProd"
        })
    );
    assert_eq!(
        template["Outputs"]["Key"]["Export"],
        json!({"Name": {"Fn::Sub": "${AWS::StackName}-Key"}})
    );
}

#[test]
fn header_sets_transforms_and_metadata() {
    let template = json_of(&template());
    assert_eq!(template["Transform"], json!(["AWS::LanguageExtensions"]));
    assert_eq!(
        template["Metadata"]["AWS::CloudFormation::Interface"],
        json!({"ParameterGroups": []})
    );
}

#[test]
fn the_template_passes_cfn_lint() {
    kumo_tests::cfn_lint(&template()).unwrap();
}

stack! {
    pub Clash(service = "clash") {
        #[logical_id("Second")]
        param first: String;
        param second: String;
        let jobs = sqs::Queue::new();
    }
}

stack! {
    pub Invalid(service = "invalid") {
        #[logical_id("not-valid")]
        param first: String;
        let jobs = sqs::Queue::new();
    }
}

#[test]
fn explicit_logical_ids_are_checked() {
    let clash = Clash.template(&Environment::new("dev")).unwrap_err();
    assert_eq!(
        clash.to_string(),
        "name `Second` of `second` collides with the same name of `first`"
    );
    let invalid = Invalid.template(&Environment::new("dev")).unwrap_err();
    assert_eq!(
        invalid.to_string(),
        "logical ID given for `first`: invalid logical ID `not-valid`: it may hold only ASCII letters and digits"
    );
}

stack! {
    /// Expressions bind names of their own that a later statement declares too.
    pub LocalNames(service = "local-names") {
        let first = sqs::Queue::new()
            .delay_seconds([1i64, 2].iter().map(|second| second * 2).sum::<i64>())
            .queue_name({ let second = "jobs"; second.to_owned() });
        let second = sqs::Queue::new();
    }
}

#[test]
fn names_bound_inside_an_expression_are_its_own() {
    let template = LocalNames.template(&Environment::new("dev")).unwrap();
    let first = &json_of(&template)["Resources"]["First"]["Properties"];
    assert_eq!(first["DelaySeconds"], json!(6));
    assert_eq!(first["QueueName"], json!("jobs"));
}

stack! {
    /// Built only where a cfg nobody sets holds: it is as if it were not written.
    #[cfg(any())]
    pub Disabled(service = "disabled") {
        let jobs = sqs::Queue::new();
    }
}

stack! {
    /// Defaults written as values of their parameters' types, or as text.
    pub TypedDefaults(service = "typed-defaults") {
        param zones: Vec<String> = ["a", "b"];
        param sizes: Vec<i64> = vec![1, 2];
        param ratio: f64 = 2;
        param scale: f64 = 0.5;
        param count: i64 = "3";
        let jobs = sqs::Queue::new();
    }
}

#[test]
fn defaults_are_values_of_the_parameters_type_or_text() {
    let template = TypedDefaults.template(&Environment::new("dev")).unwrap();
    let defaults: Vec<(String, Option<String>)> = template
        .parameters()
        .iter()
        .map(|(id, p)| (id.clone(), p.default().map(str::to_owned)))
        .collect();
    let text = |id: &str, value: &str| (id.to_owned(), Some(value.to_owned()));
    assert_eq!(
        defaults,
        [
            text("Count", "3"),
            text("Ratio", "2"),
            text("Scale", "0.5"),
            text("Sizes", "1,2"),
            text("Zones", "a,b"),
        ]
    );
}
