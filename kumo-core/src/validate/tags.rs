//! Resource tags: the literal keys and values of every `Tags` property (and of the few types that
//! name it `...Tags`), checked against AWS's tag rules, so that the tags `stack!` and kumo put on
//! every resource are refused before a deploy rather than during one.

use crate::naming::check_tags;
use crate::template::Template;
use crate::Json;

use super::ValidationError;

impl Template {
    pub(super) fn check_tags(&self, errors: &mut Vec<ValidationError>) {
        for (id, resource) in self.resources() {
            for (property, value) in resource.properties() {
                if !property.ends_with("Tags") {
                    continue;
                }
                if let Err(error) = check_tags(literal_tags(value)) {
                    errors.push(ValidationError::Tag {
                        location: format!("Resources.{id}.Properties.{property}"),
                        error,
                    });
                }
            }
        }
    }
}

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
        let mut template = Template::new();
        template
            .add_resource(
                "Queue",
                Resource::new("AWS::SQS::Queue").property(tags_property, tags),
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
                json!([{"Key": "owner#", "Value": reference::<String>("Owner")}])
            ),
            ["Resources.Queue.Properties.Tags: invalid tag \"owner#\": the key holds '#'; use letters, digits, spaces and _ . : / = + - @"]
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
