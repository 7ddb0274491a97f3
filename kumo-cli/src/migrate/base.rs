//! What `stack!` cannot state, taken out of a template for `adopt::Base`.

use kumo_core::naming::LogicalId;
use kumo_core::Json;

use super::source::mapping_entries;

/// The top-level sections `stack!` states.
const MODELLED: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Transform",
    "Rules",
    "Parameters",
    "Mappings",
    "Conditions",
    "Resources",
    "Outputs",
];

/// The `DeletionPolicy` values kumo-core names.
const DELETION_POLICIES: &[&str] = &["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"];
/// The `UpdateReplacePolicy` values kumo-core names.
const REPLACE_POLICIES: &[&str] = &["Delete", "Retain", "Snapshot"];

/// The attribute of a resource kumo has no setter for, if any.
pub fn attribute_problem(resource: &Json) -> Option<String> {
    let attributes = resource.as_object()?;
    attributes.iter().find_map(|(key, value)| {
        let settable = match (key.as_str(), value) {
            ("Type" | "Properties" | "Metadata" | "CreationPolicy" | "UpdatePolicy", _) => true,
            ("Condition", Json::String(_)) => true,
            ("DependsOn", Json::Array(names)) => names.iter().all(Json::is_string),
            ("DeletionPolicy", Json::String(p)) => DELETION_POLICIES.contains(&p.as_str()),
            ("UpdateReplacePolicy", Json::String(p)) => REPLACE_POLICIES.contains(&p.as_str()),
            _ => false,
        };
        (!settable).then(|| format!("its attribute {key} has no setter"))
    })
}

/// Whether `rule` has only what a `rule` statement states: a condition, and assertions each of
/// an `Assert` and a text `AssertDescription`.
fn rule_is_stated(rule: &Json) -> bool {
    let Some(rule) = rule.as_object() else {
        return false;
    };
    rule.iter().all(|(key, value)| match (key.as_str(), value) {
        ("RuleCondition", _) => true,
        ("Assertions", Json::Array(assertions)) => assertions.iter().all(|assertion| {
            assertion.as_object().is_some_and(|assertion| {
                assertion.contains_key("Assert")
                    && assertion.iter().all(|(key, value)| match key.as_str() {
                        "Assert" => true,
                        "AssertDescription" => value.is_string(),
                        _ => false,
                    })
            })
        }),
        _ => false,
    })
}

/// Whether `output` has only what an `output` statement states: a value, a text description
/// and condition, and an export of a name.
fn output_is_stated(output: &Json) -> bool {
    let Some(output) = output.as_object() else {
        return false;
    };
    output.contains_key("Value")
        && output.iter().all(|(key, value)| match key.as_str() {
            "Value" => true,
            "Description" | "Condition" => value.is_string(),
            "Export" => value
                .as_object()
                .is_some_and(|export| export.len() == 1 && export.contains_key("Name")),
            _ => false,
        })
}

/// The sections whose entries `stack!` declares one by one.
const DECLARED: &[&str] = &[
    "Parameters",
    "Mappings",
    "Conditions",
    "Rules",
    "Resources",
    "Outputs",
];

/// Takes out of a template's JSON what `stack!` cannot state, for `adopt::Base`: top-level
/// sections it has no statement for, entries whose ID is not a logical ID (`Fn::ForEach::..`),
/// resources with an attribute kumo has no setter for, mappings with a value `mapping` cannot
/// state, rules and outputs with a key their statements do not state, and then the `Transform`
/// too unless it is a list of names the header states.
pub fn split_base(mut json: Json) -> (Json, serde_json::Map<String, Json>) {
    let mut base = serde_json::Map::new();
    let Some(top) = json.as_object_mut() else {
        return (json, base);
    };
    let unmodelled: Vec<String> = top
        .keys()
        .filter(|key| !MODELLED.contains(&key.as_str()))
        .cloned()
        .collect();
    for key in unmodelled {
        if let Some(value) = top.remove(&key) {
            base.insert(key, value);
        }
    }
    for section in DECLARED {
        let Some(Json::Object(entries)) = top.get_mut(*section) else {
            continue;
        };
        let moved: Vec<String> = entries
            .iter()
            .filter(|(id, entry)| {
                LogicalId::parse(id).is_err()
                    || (*section == "Resources" && attribute_problem(entry).is_some())
                    || (*section == "Mappings" && mapping_entries(entry).is_none())
                    || (*section == "Rules" && !rule_is_stated(entry))
                    || (*section == "Outputs" && !output_is_stated(entry))
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in moved {
            if let Some(entry) = entries.remove(&id) {
                let part = base
                    .entry(section.to_string())
                    .or_insert_with(|| Json::Object(serde_json::Map::new()));
                if let Json::Object(part) = part {
                    part.insert(id, entry);
                }
            }
        }
    }
    move_outputs_of_moved_conditions(top, &mut base);
    let listed = matches!(top.get("Transform"), Some(Json::Array(items)) if items.iter().all(Json::is_string));
    if !base.is_empty() || !listed {
        if let Some(transform) = top.remove("Transform") {
            base.insert("Transform".into(), transform);
        }
    }
    (json, base)
}

/// Moves to `base` the outputs whose condition went there (an `output`'s `condition = ..` names
/// a `condition` of the stack).
fn move_outputs_of_moved_conditions(
    top: &mut serde_json::Map<String, Json>,
    base: &mut serde_json::Map<String, Json>,
) {
    let Some(Json::Object(moved)) = base.get("Conditions") else {
        return;
    };
    let Some(Json::Object(outputs)) = top.get_mut("Outputs") else {
        return;
    };
    let ids: Vec<String> = outputs
        .iter()
        .filter(|(_, output)| {
            output["Condition"]
                .as_str()
                .is_some_and(|c| moved.contains_key(c))
        })
        .map(|(id, _)| id.clone())
        .collect();
    let mut taken = serde_json::Map::new();
    for id in ids {
        if let Some(output) = outputs.remove(&id) {
            taken.insert(id, output);
        }
    }
    if taken.is_empty() {
        return;
    }
    let part = base
        .entry("Outputs")
        .or_insert_with(|| Json::Object(serde_json::Map::new()));
    if let Json::Object(part) = part {
        part.extend(taken);
    }
}
