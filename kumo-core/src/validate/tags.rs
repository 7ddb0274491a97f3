//! Resource tags: the literal keys and values of every `Tags` property (and of the few types that
//! name it `...Tags`) of an AWS resource type, checked against the tag rules of every service,
//! so that broken tags are refused before a deploy rather than during one. Which characters a
//! tag may hold is each service's to say (EC2 takes any); a stack's tags, which go on every
//! resource, take only the characters all services take: a nested stack's here, the stack's own
//! where they are set. A custom resource's `Tags` are only
//! one of its properties, and a third party's types have rules of their own.

use crate::naming::{check_resource_tags, check_tags};
use crate::template::Template;
use crate::Json;

use super::ValidationError;

impl Template {
    pub(super) fn check_tags(&self, errors: &mut Vec<ValidationError>) {
        let tagged = self.resources().iter().filter(|(_, resource)| {
            let type_name = resource.type_name();
            type_name.starts_with("AWS::") && type_name != CUSTOM_RESOURCE
        });
        for (id, resource) in tagged {
            for (property, value) in resource.properties() {
                if !property.ends_with("Tags") {
                    continue;
                }
                // A nested stack's tags are stack tags: on every resource it makes.
                let tags = literal_tags(value);
                let checked = match NESTED_STACKS.contains(&resource.type_name()) {
                    true => check_tags(tags),
                    false => check_resource_tags(tags),
                };
                if let Err(error) = checked {
                    errors.push(ValidationError::Tag {
                        location: format!("Resources.{id}.Properties.{property}"),
                        error,
                    });
                }
            }
        }
    }
}

/// The types whose tags are a stack's, which CloudFormation puts on every resource of it.
const NESTED_STACKS: &[&str] = &[
    "AWS::CloudFormation::Stack",
    "AWS::CloudFormation::StackSet",
];

/// The type of a custom resource besides `Custom::*`.
const CUSTOM_RESOURCE: &str = "AWS::CloudFormation::CustomResource";

/// The tags of a tag property, as a list of `{"Key": ..., "Value": ...}` or as a map: those whose
/// key is a literal string, with their value when it is one too (an intrinsic value is checked
/// as empty). An intrinsic in place of the whole property gives no tags.
fn literal_tags(value: &Json) -> Vec<(&str, &str)> {
    fn text(value: Option<&Json>) -> &str {
        value.and_then(Json::as_str).unwrap_or_default()
    }
    match value {
        Json::Array(items) => items
            .iter()
            .filter_map(|item| Some((item.get("Key")?.as_str()?, text(item.get("Value")))))
            .collect(),
        Json::Object(map) if !is_intrinsic(map) => map
            .iter()
            .map(|(key, value)| (key.as_str(), text(Some(value))))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether an object is an intrinsic function or `Ref`: one key, `Ref` or `Fn::...`.
fn is_intrinsic(map: &serde_json::Map<String, Json>) -> bool {
    map.len() == 1
        && map
            .keys()
            .all(|key| key == "Ref" || key.starts_with("Fn::"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::intrinsic::reference;
    use crate::Resource;

    fn messages(tags_property: &str, tags: Json) -> Vec<String> {
        messages_of("AWS::SQS::Queue", tags_property, tags)
    }

    fn messages_of(type_name: &str, tags_property: &str, tags: Json) -> Vec<String> {
        let mut template = Template::new();
        template
            .add_resource(
                "Queue",
                Resource::new(type_name).property(tags_property, tags),
            )
            .unwrap();
        let mut errors = Vec::new();
        template.check_tags(&mut errors);
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn sound_tags_and_intrinsics_pass() {
        assert!(messages("Tags", json!([{"Key": "team", "Value": "media"}])).is_empty());
        assert!(messages("Tags", json!({"team": "media", "tier": ""})).is_empty());
        assert!(messages(
            "Tags",
            json!([{"Key": "stage", "Value": reference::<String>("Stage")}])
        )
        .is_empty());
        assert!(messages("Tags", json!({"Fn::If": ["C", [], []]})).is_empty());
        assert!(messages("PropagateTags", json!("SERVICE")).is_empty());
    }

    #[test]
    fn characters_are_the_services_and_custom_tags_are_properties() {
        let punctuated = json!([{"Key": "Name", "Value": "Public Subnet (AZ1)"}, {"Key": "team#1", "Value": "R&D"}]);
        assert!(messages_of("AWS::EC2::VPC", "Tags", punctuated).is_empty());
        for type_name in [
            "Custom::Lookup",
            "AWS::CloudFormation::CustomResource",
            "Org::Svc::Thing",
        ] {
            let reserved = json!({"aws:anything": "x".repeat(300)});
            assert!(
                messages_of(type_name, "Tags", reserved).is_empty(),
                "{type_name}"
            );
        }
    }

    #[test]
    fn a_nested_stacks_tags_are_stack_tags() {
        let punctuated = json!([{"Key": "Name", "Value": "Public Subnet (AZ1)"}]);
        assert_eq!(
            messages_of("AWS::CloudFormation::Stack", "Tags", punctuated),
            ["Resources.Queue.Properties.Tags: invalid tag \"Name\": the value holds '('; use letters, digits, spaces and _ . : / = + - @"]
        );
    }

    #[test]
    fn bad_keys_long_values_and_too_many_tags_are_located() {
        assert_eq!(
            messages("Tags", json!([{"Key": "aws:x", "Value": "v"}])),
            ["Resources.Queue.Properties.Tags: invalid tag \"aws:x\": keys starting with `aws:` are reserved for AWS"]
        );
        assert_eq!(
            messages("UserPoolTags", json!({"team": "v".repeat(300)})),
            ["Resources.Queue.Properties.UserPoolTags: invalid tag \"team\": the value has 300 characters; AWS allows at most 256"]
        );
        assert_eq!(
            messages(
                "Tags",
                json!([{"Key": "aws:owner", "Value": reference::<String>("Owner")}])
            ),
            ["Resources.Queue.Properties.Tags: invalid tag \"aws:owner\": keys starting with `aws:` are reserved for AWS"]
        );
        let many: Vec<Json> = (0..51)
            .map(|n| json!({"Key": format!("k{n}"), "Value": "v"}))
            .collect();
        assert_eq!(
            messages("Tags", Json::Array(many)),
            ["Resources.Queue.Properties.Tags: 51 tags; AWS allows at most 50"]
        );
    }
}
