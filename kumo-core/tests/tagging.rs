//! Default tags never give a resource a `Tags` value its schema rejects: for every generated
//! type, the tags kumo puts on it are checked against the type's vendored schema (the item
//! shape, required fields, field types, and the key and value patterns and lengths).

#![cfg(feature = "full")]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use kumo_core::typed::Tagging;
use kumo_core::{Json, Resource};

/// The vendored schemas, by type name.
fn schemas() -> BTreeMap<String, Json> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../kumo-codegen/schemas/resources.json.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut document: Json = serde_json::from_str(&text).unwrap();
    serde_json::from_value(document["types"].take()).unwrap()
}

/// A node with its `$ref` followed.
fn follow<'a>(schema: &'a Json, node: &'a Json) -> &'a Json {
    match node["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/definitions/"))
    {
        Some(name) => &schema["definitions"][name],
        None => node,
    }
}

fn types(node: &Json) -> Vec<&str> {
    match &node["type"] {
        Json::String(one) => vec![one.as_str()],
        Json::Array(many) => many.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Why `value` does not match `node`, if it does not: the subset of JSON Schema the tag
/// properties use. Patterns the `regex` crate cannot compile (look-arounds) are skipped.
fn mismatch(schema: &Json, node: &Json, value: &Json, at: &str) -> Option<String> {
    let node = follow(schema, node);
    let kind = match value {
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
        Json::Bool(_) => "boolean",
        _ => "other",
    };
    let allowed = types(node);
    if !allowed.is_empty() && !allowed.contains(&kind) {
        return Some(format!("{at}: a {kind} where the schema wants {allowed:?}"));
    }
    match value {
        Json::String(text) => {
            let length = text.chars().count() as u64;
            if node["minLength"].as_u64().is_some_and(|min| length < min)
                || node["maxLength"].as_u64().is_some_and(|max| length > max)
            {
                return Some(format!("{at}: {text:?} has the wrong length"));
            }
            let pattern = node["pattern"]
                .as_str()
                .and_then(|p| regex::Regex::new(p).ok());
            if pattern.is_some_and(|p| !p.is_match(text)) {
                return Some(format!("{at}: {text:?} breaks the pattern"));
            }
            None
        }
        Json::Array(items) => items
            .iter()
            .find_map(|item| mismatch(schema, &node["items"], item, &format!("{at}[]"))),
        Json::Object(fields) => {
            for required in node["required"].as_array().into_iter().flatten() {
                let required = required.as_str().unwrap();
                if !fields.contains_key(required) {
                    return Some(format!("{at}: the required {required} is missing"));
                }
            }
            fields.iter().find_map(|(name, field)| {
                let at = format!("{at}.{name}");
                if let Some(property) = node["properties"].get(name) {
                    return mismatch(schema, property, field, &at);
                }
                let patterns = node["patternProperties"].as_object();
                let matching = patterns.into_iter().flatten().find(|(pattern, _)| {
                    regex::Regex::new(pattern).map_or(true, |p| p.is_match(name))
                });
                match matching {
                    Some((_, property)) => mismatch(schema, property, field, &at),
                    None if node["additionalProperties"] == false => {
                        Some(format!("{at}: a field the schema does not allow"))
                    }
                    None => None,
                }
            })
        }
        _ => None,
    }
}

#[test]
fn default_tags_match_every_type_schema() {
    let schemas = schemas();
    let tagging = kumo_core::resources::enabled_tagging();
    assert_eq!(tagging.len(), schemas.len(), "every type has its tagging");
    let tags = BTreeMap::from([
        ("environment".to_owned(), "dev".to_owned()),
        ("service-name".to_owned(), "media".to_owned()),
    ]);
    let mut tagged = 0;
    let mut wrong = Vec::new();
    for (type_name, tagging) in &tagging {
        let Some(property) = tagging.property() else {
            continue;
        };
        tagged += 1;
        let schema = &schemas[*type_name];
        let mut resource = Resource::new(*type_name);
        tagging.apply(&mut resource, &tags);
        let value = &resource.properties()[property];
        let node = &schema["properties"][property];
        if let Some(why) = mismatch(schema, node, value, property) {
            wrong.push(format!("{type_name}: {why}"));
        }
        if schema["tagging"]["taggable"] != true {
            wrong.push(format!(
                "{type_name}: tagged, but its schema says it is not taggable"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(tagged > 800, "only {tagged} types are tagged");
    let asg = tagging["AWS::AutoScaling::AutoScalingGroup"];
    assert!(matches!(asg, Tagging::List(list) if list.flags == ["PropagateAtLaunch"]));
    assert_eq!(tagging["AWS::Glue::Job"], Tagging::None, "plain JSON tags");
}
