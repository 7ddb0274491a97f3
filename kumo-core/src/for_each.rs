//! The `Fn::ForEach` loops of the `AWS::LanguageExtensions` transform, and what they write.
//!
//! A loop is a section's entry `"Fn::ForEach::Topics": [identifier, collection, output]`:
//! CloudFormation writes the output's entries once for each item of the collection, with the
//! item in place of `${identifier}` (and, stripped of what is not a letter or digit, of
//! `&{identifier}`) in their keys, and of `{"Ref": identifier}` and `${identifier}` in their
//! values. An output may hold loops of its own.
//!
//! ```
//! use serde_json::json;
//!
//! let topics = json!(["Name", ["Orders", "Audit"], {"Topic${Name}": {"Type": "AWS::SNS::Topic"}}]);
//! let made = kumo_core::for_each::expand(&topics).expect("a written-out collection");
//! assert_eq!(made.keys().collect::<Vec<_>>(), ["TopicAudit", "TopicOrders"]);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use crate::value::Json;

/// The prefix of a section's key that is an `Fn::ForEach` loop rather than an entry.
pub const PREFIX: &str = "Fn::ForEach::";

/// The entries `for_each` (a loop's `[identifier, collection, output]`) writes, by key, each
/// item of its collection in place of its identifier (and loops within it expanded likewise).
///
/// `None` when a collection, its own or a loop's within it, is not written out as a list of
/// strings (or numbers): a `Ref` to a parameter or a `Fn::FindInMap`, whose items are known only
/// when the stack is deployed. A key written by two items is written once, as CloudFormation
/// would refuse it anyway.
pub fn expand(for_each: &Json) -> Option<BTreeMap<String, Json>> {
    let mut made = BTreeMap::new();
    expand_into(for_each, &mut Vec::new(), &mut made)?;
    Some(made)
}

/// Whether `old` and `new` (two loops' `[identifier, collection, output]`) write entries under
/// the same keys whatever their collections hold: the same identifiers and collections, the
/// same output keys, and the loops within alike; the entries' values may differ.
///
/// ```
/// use serde_json::json;
///
/// let old = json!(["N", {"Ref": "Names"}, {"Topic${N}": {"Type": "AWS::SNS::Topic"}}]);
/// let retitled = json!(["N", {"Ref": "Names"}, {"Topic${N}": {"Type": "AWS::SNS::Topic",
///     "Properties": {"DisplayName": "jobs"}}}]);
/// let renamed = json!(["N", {"Ref": "Names"}, {"Feed${N}": {"Type": "AWS::SNS::Topic"}}]);
/// assert!(kumo_core::for_each::same_keys(&old, &retitled));
/// assert!(!kumo_core::for_each::same_keys(&old, &renamed));
/// ```
pub fn same_keys(old: &Json, new: &Json) -> bool {
    let (Some([old_id, old_items, old_output]), Some([new_id, new_items, new_output])) =
        (parts(old), parts(new))
    else {
        return false;
    };
    let (Json::Object(old_output), Json::Object(new_output)) = (old_output, new_output) else {
        return false;
    };
    old_id == new_id
        && old_items == new_items
        && old_output.len() == new_output.len()
        && old_output.iter().all(|(key, old_value)| {
            new_output.get(key).is_some_and(|new_value| {
                !key.starts_with(PREFIX) || same_keys(old_value, new_value)
            })
        })
}

/// Whether the collection of `for_each`, or of a loop within it, takes one of the parameters
/// `names` (`{"Ref": name}` anywhere in it): which items it has then depends on their values.
///
/// ```
/// use serde_json::json;
///
/// let topics = json!(["N", {"Fn::Split": [",", {"Ref": "Names"}]}, {"T${N}": {}}]);
/// assert!(kumo_core::for_each::takes_any(&topics, &["Names"].into()));
/// assert!(!kumo_core::for_each::takes_any(&topics, &["Size"].into()));
/// ```
pub fn takes_any(for_each: &Json, names: &BTreeSet<&str>) -> bool {
    fn refers(value: &Json, names: &BTreeSet<&str>) -> bool {
        match value {
            Json::Object(object) => object.iter().any(|(key, value)| {
                (key == "Ref" && value.as_str().is_some_and(|name| names.contains(name)))
                    || refers(value, names)
            }),
            Json::Array(items) => items.iter().any(|item| refers(item, names)),
            _ => false,
        }
    }
    let Some([_, items, Json::Object(output)]) = parts(for_each) else {
        return false;
    };
    refers(items, names)
        || output
            .iter()
            .any(|(key, inner)| key.starts_with(PREFIX) && takes_any(inner, names))
}

/// The entries the loops among a section's `functions` write, loops within loops included:
/// each key as written (`Topic${Name}`) with its value, in order.
pub(crate) fn looped_entries(functions: &BTreeMap<String, Json>) -> Vec<(&str, &Json)> {
    let mut entries = Vec::new();
    for (key, value) in functions {
        if key.starts_with(PREFIX) {
            add_entries(value, &mut entries);
        }
    }
    entries
}

/// The entries `for_each` (a loop's `[identifier, collection, output]`) writes, loops within it
/// included: each key as written (`Topic${Name}`) with its value, in the order of the keys.
///
/// ```
/// use serde_json::json;
///
/// let topics = json!(["Name", {"Ref": "Names"}, {"Topic${Name}": {"Type": "AWS::SNS::Topic"}}]);
/// let entries = kumo_core::for_each::entries(&topics);
/// assert_eq!(entries, [("Topic${Name}", &json!({"Type": "AWS::SNS::Topic"}))]);
/// ```
pub fn entries(for_each: &Json) -> Vec<(&str, &Json)> {
    let mut entries = Vec::new();
    add_entries(for_each, &mut entries);
    entries.sort_by_key(|(key, _)| *key);
    entries
}

/// Adds the entries of a loop's output, and those of the loops within it, as written.
fn add_entries<'a>(for_each: &'a Json, entries: &mut Vec<(&'a str, &'a Json)>) {
    let Some([_, _, Json::Object(output)]) = parts(for_each) else {
        return;
    };
    for (key, value) in output {
        match key.starts_with(PREFIX) {
            true => add_entries(value, entries),
            false => entries.push((key, value)),
        }
    }
}

/// A loop's identifier, collection and output, when it has the three.
fn parts(for_each: &Json) -> Option<&[Json; 3]> {
    for_each.as_array()?.as_slice().try_into().ok()
}

/// Expands `for_each` with the items of the loops around it `bound`, into `made`.
fn expand_into<'a>(
    for_each: &'a Json,
    bound: &mut Vec<(&'a str, String)>,
    made: &mut BTreeMap<String, Json>,
) -> Option<()> {
    let [Json::String(identifier), items, Json::Object(output)] = parts(for_each)? else {
        return None;
    };
    for item in substitute(items, bound).as_array()? {
        let item = match item {
            Json::String(text) => text.clone(),
            Json::Number(number) => number.to_string(),
            _ => return None,
        };
        bound.push((identifier, item));
        for (key, value) in output {
            if key.starts_with(PREFIX) {
                expand_into(value, bound, made)?;
            } else {
                made.insert(replace(key, bound), substitute(value, bound));
            }
        }
        bound.pop();
    }
    Some(())
}

/// `value` with each bound identifier's item in place of `{"Ref": identifier}` and of its
/// placeholders in strings.
fn substitute(value: &Json, bound: &[(&str, String)]) -> Json {
    match value {
        Json::String(text) => Json::String(replace(text, bound)),
        Json::Array(items) => Json::Array(items.iter().map(|v| substitute(v, bound)).collect()),
        Json::Object(object) => {
            if let Some(Json::String(name)) = object.get("Ref").filter(|_| object.len() == 1) {
                if let Some((_, item)) = bound.iter().rev().find(|(id, _)| id == name) {
                    return Json::String(item.clone());
                }
            }
            Json::Object(
                object
                    .iter()
                    .map(|(key, value)| (replace(key, bound), substitute(value, bound)))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// `text` with each bound item in place of `${identifier}`, and with what is not a letter or
/// digit left out of it in place of `&{identifier}`.
fn replace(text: &str, bound: &[(&str, String)]) -> String {
    let mut text = text.to_owned();
    for (identifier, item) in bound.iter().rev() {
        if !text.contains('{') {
            break;
        }
        let plain: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
        text = text
            .replace(&format!("${{{identifier}}}"), item)
            .replace(&format!("&{{{identifier}}}"), &plain);
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_item_writes_the_output_with_its_identifier_replaced() {
        let subnets = json!(["Cidr", ["10.0.1.0/24", "10.0.2.0/24"], {
            "Subnet&{Cidr}": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "CidrBlock": {"Ref": "Cidr"},
                    "VpcId": {"Ref": "Vpc"},
                    "Tags": [{"Key": "Name", "Value": {"Fn::Sub": "net-${Cidr}"}}]
                }
            }
        }]);
        let made = expand(&subnets).unwrap();
        assert_eq!(
            made.keys().collect::<Vec<_>>(),
            ["Subnet1001024", "Subnet1002024"]
        );
        let subnet = &made["Subnet1002024"]["Properties"];
        assert_eq!(subnet["CidrBlock"], "10.0.2.0/24");
        assert_eq!(subnet["VpcId"], json!({"Ref": "Vpc"}), "not an identifier");
        assert_eq!(subnet["Tags"][0]["Value"]["Fn::Sub"], "net-10.0.2.0/24");
    }

    #[test]
    fn loops_within_loops_see_the_items_of_those_around_them() {
        let queues = json!(["Team", ["Media", "Web"], {
            "Fn::ForEach::Kinds": ["Kind", ["Jobs", 2], {
                "${Team}${Kind}": {"Type": "AWS::SQS::Queue",
                    "Properties": {"QueueName": {"Fn::Sub": "${Team}-${Kind}"}}}
            }]
        }]);
        let made = expand(&queues).unwrap();
        assert_eq!(
            made.keys().collect::<Vec<_>>(),
            ["Media2", "MediaJobs", "Web2", "WebJobs"]
        );
        assert_eq!(
            made["WebJobs"]["Properties"]["QueueName"]["Fn::Sub"],
            "Web-Jobs"
        );
    }

    #[test]
    fn a_collection_known_only_when_deployed_is_not_expanded() {
        let from_parameter = json!(["N", {"Ref": "Names"}, {"T${N}": {"Type": "AWS::SNS::Topic"}}]);
        assert_eq!(expand(&from_parameter), None);
        let within =
            json!(["A", ["X"], {"Fn::ForEach::B": ["B", {"Ref": "Bs"}, {"T${A}${B}": {}}]}]);
        assert_eq!(expand(&within), None);
        for malformed in [
            json!(["N", ["A"]]),
            json!([1, ["A"], {}]),
            json!(["N", [{}], {}]),
        ] {
            assert_eq!(expand(&malformed), None, "{malformed}");
        }
    }

    #[test]
    fn a_loop_within_a_loop_takes_the_parameters_its_collection_names() {
        let queues = json!(["T", ["a"], {"Fn::ForEach::Envs": ["E", {"Ref": "Envs"},
            {"Queue${T}${E}": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Name"}}}}]}]);
        assert!(takes_any(&queues, &["Envs"].into()));
        assert!(
            !takes_any(&queues, &["Name"].into()),
            "an entry's value is not a collection"
        );
        assert!(!takes_any(&json!(["N", {"Ref": "Envs"}]), &["Envs"].into()));
    }

    #[test]
    fn loops_write_the_same_keys_when_all_but_their_entries_values_are_alike() {
        let loop_of = |items: Json, key: &str, inner: Json| json!(["N", items, {key: {"Type": "AWS::SNS::Topic"}, "Fn::ForEach::In": inner}]);
        let inner = json!(["M", ["X"], {"Q${N}${M}": {"Type": "AWS::SQS::Queue"}}]);
        let old = loop_of(json!({"Ref": "Names"}), "T${N}", inner.clone());
        assert!(same_keys(&old, &old.clone()));
        let other_items = json!(["M", ["Y"], {"Q${N}${M}": {"Type": "AWS::SQS::Queue"}}]);
        for new in [
            loop_of(json!({"Ref": "Other"}), "T${N}", inner.clone()),
            loop_of(json!({"Ref": "Names"}), "U${N}", inner),
            loop_of(json!({"Ref": "Names"}), "T${N}", other_items),
        ] {
            assert!(!same_keys(&old, &new), "{new}");
        }
    }
}
