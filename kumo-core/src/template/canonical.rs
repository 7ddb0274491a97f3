//! The canonical form of a template's JSON: the one spelling, among those CloudFormation reads
//! alike, that reading keeps. Two templates that mean the same to CloudFormation read equal.

use serde_json::Map;

use super::{FORMAT_VERSION, FUNCTION_PREFIX};
use crate::value::Json;

/// The sections that are left out when they are an empty object.
const DROPPED_WHEN_EMPTY: [&str; 7] = [
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Outputs",
    "Hooks",
];

/// Rewrites a template's JSON into its canonical form. Every rule replaces a spelling by one
/// CloudFormation reads the same way; nothing else changes:
///
/// - A missing `AWSTemplateFormatVersion` is `"2010-09-09"`, a missing `Resources` is `{}`, and
///   an empty `Metadata`, `Parameters`, `Rules`, `Mappings`, `Conditions`, `Transform`, `Outputs`
///   or `Hooks` is left out.
/// - In a parameter, `Default` and the `AllowedValues` given as numbers or booleans are their
///   text (parameter values are strings); `MinLength`, `MaxLength`, `MinValue` and `MaxValue`
///   given as numeric strings are numbers; `NoEcho` given as `"true"` or `"false"` (any case) is
///   a boolean, and a false `NoEcho` is left out.
/// - In a resource, a `DependsOn` of one name is a list of it, the list is sorted without
///   repeats (its order means nothing), and empty `Properties` or `DependsOn` are left out.
/// - In resources and outputs, `{"Fn::GetAtt": "Resource.Attribute"}` is
///   `{"Fn::GetAtt": ["Resource", "Attribute"]}`, split at the first dot (nested attribute names
///   such as `Endpoint.Address` keep theirs).
///
/// A part that does not have the shape these rules expect is kept as it is, for reading to
/// report.
pub(super) fn canonical(template: Json) -> Json {
    let Json::Object(mut top) = template else {
        return template;
    };
    top.entry("AWSTemplateFormatVersion")
        .or_insert_with(|| Json::String(FORMAT_VERSION.to_owned()));
    top.entry("Resources")
        .or_insert_with(|| Json::Object(Map::new()));
    for section in DROPPED_WHEN_EMPTY {
        remove_if(&mut top, section, is_empty_object);
    }
    remove_if(&mut top, "Transform", is_empty_list);
    for parameter in entries(&mut top, "Parameters") {
        parameter_values(parameter);
    }
    for resource in entries(&mut top, "Resources") {
        resource_attributes(resource);
    }
    for section in ["Resources", "Outputs"] {
        if let Some(value) = top.get_mut(section) {
            get_att_lists(value);
        }
    }
    Json::Object(top)
}

/// The `Fn::GetAtt` list of `Resource.Attribute`: split at the first dot, as CloudFormation does.
pub(super) fn get_att_list(text: &str) -> Json {
    Json::Array(
        text.splitn(2, '.')
            .map(|part| Json::String(part.to_owned()))
            .collect(),
    )
}

fn remove_if(map: &mut Map<String, Json>, key: &str, empty: fn(&Json) -> bool) {
    if map.get(key).is_some_and(empty) {
        map.remove(key);
    }
}

fn is_empty_object(value: &Json) -> bool {
    value.as_object().is_some_and(Map::is_empty)
}

fn is_empty_list(value: &Json) -> bool {
    value.as_array().is_some_and(Vec::is_empty)
}

/// The entries of a section that are objects, functions (`Fn::ForEach::...`) left out.
fn entries<'a>(
    top: &'a mut Map<String, Json>,
    section: &str,
) -> impl Iterator<Item = &'a mut Map<String, Json>> {
    top.get_mut(section)
        .and_then(Json::as_object_mut)
        .into_iter()
        .flat_map(|entries| entries.iter_mut())
        .filter(|(id, _)| !id.starts_with(FUNCTION_PREFIX))
        .filter_map(|(_, entry)| entry.as_object_mut())
}

fn parameter_values(parameter: &mut Map<String, Json>) {
    if let Some(default) = parameter.get_mut("Default") {
        scalar_text(default);
    }
    if let Some(Json::Array(values)) = parameter.get_mut("AllowedValues") {
        values.iter_mut().for_each(scalar_text);
    }
    for bound in ["MinLength", "MaxLength", "MinValue", "MaxValue"] {
        if let Some(value) = parameter.get_mut(bound) {
            if let Some(number) = value.as_str().and_then(|text| text.parse().ok()) {
                *value = Json::Number(number);
            }
        }
    }
    if let Some(no_echo) = parameter.get_mut("NoEcho") {
        if let Some(text) = no_echo.as_str() {
            if text.eq_ignore_ascii_case("true") {
                *no_echo = Json::Bool(true);
            } else if text.eq_ignore_ascii_case("false") {
                *no_echo = Json::Bool(false);
            }
        }
    }
    if parameter.get("NoEcho") == Some(&Json::Bool(false)) {
        parameter.remove("NoEcho");
    }
}

/// A number or boolean as its text.
fn scalar_text(value: &mut Json) {
    match value {
        Json::Number(number) => *value = Json::String(number.to_string()),
        Json::Bool(boolean) => *value = Json::String(boolean.to_string()),
        _ => {}
    }
}

fn resource_attributes(resource: &mut Map<String, Json>) {
    if let Some(depends_on) = resource.get_mut("DependsOn") {
        if depends_on.is_string() {
            *depends_on = Json::Array(vec![depends_on.take()]);
        }
        if let Json::Array(names) = depends_on {
            if names.iter().all(Json::is_string) {
                names.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                names.dedup();
            }
        }
    }
    remove_if(resource, "DependsOn", is_empty_list);
    remove_if(resource, "Properties", is_empty_object);
}

/// Rewrites every `{"Fn::GetAtt": "Resource.Attribute"}` under `value` in the list form.
fn get_att_lists(value: &mut Json) {
    match value {
        Json::Object(map) => {
            if map.len() == 1 {
                if let Some(get_att) = map.get_mut("Fn::GetAtt") {
                    if let Some(text) = get_att.as_str().filter(|text| text.contains('.')) {
                        *get_att = get_att_list(text);
                    }
                }
            }
            map.values_mut().for_each(get_att_lists);
        }
        Json::Array(items) => items.iter_mut().for_each(get_att_lists),
        Json::Null | Json::Bool(_) | Json::Number(_) | Json::String(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resources(resources: Json) -> Json {
        json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})
    }

    #[test]
    fn fills_the_version_and_resources_and_drops_empty_sections() {
        assert_eq!(
            canonical(json!({
                "Metadata": {}, "Parameters": {}, "Rules": {}, "Mappings": {}, "Conditions": {},
                "Transform": [], "Outputs": {}, "Hooks": {}, "Description": ""
            })),
            json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}, "Description": ""})
        );
    }

    #[test]
    fn keeps_what_is_not_a_template_object() {
        assert_eq!(canonical(json!([1])), json!([1]));
        assert_eq!(
            canonical(json!({"Resources": {"A": 5}, "Parameters": []})),
            json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": 5}, "Parameters": []})
        );
    }

    #[test]
    fn parameter_values_are_text_and_bounds_are_numbers() {
        let template = canonical(json!({"Parameters": {
            "Count": {
                "Type": "Number", "Default": 5, "AllowedValues": [5, "6", true],
                "MinValue": "1", "MaxValue": "10.5", "NoEcho": "TRUE"
            },
            "Name": {"Type": "String", "MinLength": "1", "MaxLength": 64, "NoEcho": "false"},
            "Open": {"Type": "String", "Default": false, "NoEcho": false, "MaxLength": "many"}
        }}));
        assert_eq!(
            template["Parameters"],
            json!({
                "Count": {
                    "Type": "Number", "Default": "5", "AllowedValues": ["5", "6", "true"],
                    "MinValue": 1, "MaxValue": 10.5, "NoEcho": true
                },
                "Name": {"Type": "String", "MinLength": 1, "MaxLength": 64},
                "Open": {"Type": "String", "Default": "false", "MaxLength": "many"}
            })
        );
    }

    #[test]
    fn depends_on_is_a_sorted_list_without_repeats() {
        let template = canonical(resources(json!({
            "One": {"Type": "T", "DependsOn": "A"},
            "Many": {"Type": "T", "DependsOn": ["C", "A", "C"]},
            "None": {"Type": "T", "DependsOn": [], "Properties": {}},
            "Odd": {"Type": "T", "DependsOn": [{"Ref": "X"}, "A"]}
        })));
        assert_eq!(
            template["Resources"],
            json!({
                "One": {"Type": "T", "DependsOn": ["A"]},
                "Many": {"Type": "T", "DependsOn": ["A", "C"]},
                "None": {"Type": "T"},
                "Odd": {"Type": "T", "DependsOn": [{"Ref": "X"}, "A"]}
            })
        );
    }

    #[test]
    fn get_att_strings_split_at_the_first_dot_in_resources_and_outputs() {
        let template = canonical(json!({
            "Resources": {"A": {"Type": "T", "Properties": {
                "Address": {"Fn::GetAtt": "Db.Endpoint.Address"},
                "List": [{"Fn::GetAtt": ["B", "Arn"]}, {"Fn::GetAtt": "NoDot"}],
                "NotAFunction": {"Fn::GetAtt": "B.Arn", "Other": 1}
            }}},
            "Outputs": {"Arn": {"Value": {"Fn::Sub": ["${X}", {"X": {"Fn::GetAtt": "B.Arn"}}]}}},
            "Metadata": {"Literal": {"Fn::GetAtt": "B.Arn"}}
        }));
        assert_eq!(
            template["Resources"]["A"]["Properties"],
            json!({
                "Address": {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
                "List": [{"Fn::GetAtt": ["B", "Arn"]}, {"Fn::GetAtt": "NoDot"}],
                "NotAFunction": {"Fn::GetAtt": "B.Arn", "Other": 1}
            })
        );
        assert_eq!(
            template["Outputs"]["Arn"]["Value"],
            json!({"Fn::Sub": ["${X}", {"X": {"Fn::GetAtt": ["B", "Arn"]}}]})
        );
        assert_eq!(
            template["Metadata"],
            json!({"Literal": {"Fn::GetAtt": "B.Arn"}})
        );
    }

    #[test]
    fn functions_among_entries_are_left_alone() {
        let loop_ = json!(["Name", ["A", "B"], {"Topic${Name}": {"Type": "T", "DependsOn": "Z"}}]);
        let template = canonical(resources(json!({"Fn::ForEach::Topics": loop_.clone()})));
        assert_eq!(template["Resources"]["Fn::ForEach::Topics"], loop_);
    }
}
