//! What changed between two templates: entries added, removed, and modified by JSON path, with
//! the old and new value at each path.
//!
//! ```
//! use kumo_core::diff::{diff, ChangeKind};
//! use kumo_core::{Resource, Section, Template};
//!
//! let mut old = Template::new();
//! old.add_resource("Jobs", Resource::new("AWS::SQS::Queue").property("DelaySeconds", 0))?;
//! let mut new = Template::new();
//! new.add_resource("Jobs", Resource::new("AWS::SQS::Queue").property("DelaySeconds", 5))?;
//! new.add_resource("Logs", Resource::new("AWS::Logs::LogGroup"))?;
//!
//! let changes = diff(&old, &new);
//! assert_eq!(changes.len(), 2);
//! assert_eq!(changes[0].section, Section::Resources);
//! let ChangeKind::Modified(paths) = &changes[0].kind else { unreachable!() };
//! assert_eq!(paths[0].path, "Properties.DelaySeconds");
//! assert_eq!((paths[0].old.clone(), paths[0].new.clone()), (Some(0.into()), Some(5.into())));
//! assert_eq!(changes[1].kind, ChangeKind::Added);
//! # Ok::<(), kumo_core::TemplateError>(())
//! ```

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::condition::Condition;
use crate::{Json, Mapping, Output, Parameter, Resource, Rule, Section, Template};

/// One entry that differs between two templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The section the entry is in.
    pub section: Section,
    /// The entry's logical ID.
    pub id: String,
    /// How it differs.
    pub kind: ChangeKind,
}

/// How an entry differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only the new template has it.
    Added,
    /// Only the old template has it.
    Removed,
    /// Both have it, differing at these paths (`Properties.Tags[0].Value`), in key order.
    Modified(Vec<PathChange>),
}

/// One path where an entry differs, with its value before and after (`None`: not there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathChange {
    /// The path in the entry, such as `Properties.Tags[0].Value`.
    pub path: String,
    /// The value in the old template.
    pub old: Option<Json>,
    /// The value in the new template.
    pub new: Option<Json>,
}

/// The changes from `old` to `new`, by section in the template's order (the format version,
/// the description, the transforms and the metadata first; the hooks and the top-level keys the
/// model has no field for last), then logical ID, the entries of a section that are functions
/// (`Fn::ForEach::Topics`) after its declarations. A template compared with itself (the same
/// one, not an equal one) has none, found without comparing.
pub fn diff(old: &Template, new: &Template) -> Vec<Change> {
    let mut changes = Vec::new();
    if std::ptr::eq(old, new) {
        return changes;
    }
    let version = |t: &Template| Some(Json::from(t.format_version()));
    let description = |t: &Template| t.description().map(Json::from);
    let transforms =
        |t: &Template| (!t.transforms().is_empty()).then(|| Json::Array(t.transforms().to_vec()));
    whole(
        &mut changes,
        Section::FormatVersion,
        version(old),
        version(new),
    );
    whole(
        &mut changes,
        Section::Description,
        description(old),
        description(new),
    );
    whole(
        &mut changes,
        Section::Transform,
        transforms(old),
        transforms(new),
    );
    section(
        &mut changes,
        Section::Metadata,
        old.metadata(),
        new.metadata(),
    );
    section(
        &mut changes,
        Section::Parameters,
        old.parameters(),
        new.parameters(),
    );
    functions(&mut changes, Section::Parameters, old, new);
    section(&mut changes, Section::Rules, old.rules(), new.rules());
    functions(&mut changes, Section::Rules, old, new);
    section(
        &mut changes,
        Section::Mappings,
        old.mappings(),
        new.mappings(),
    );
    functions(&mut changes, Section::Mappings, old, new);
    section(
        &mut changes,
        Section::Conditions,
        old.conditions(),
        new.conditions(),
    );
    functions(&mut changes, Section::Conditions, old, new);
    section(
        &mut changes,
        Section::Resources,
        old.resources(),
        new.resources(),
    );
    functions(&mut changes, Section::Resources, old, new);
    section(&mut changes, Section::Outputs, old.outputs(), new.outputs());
    functions(&mut changes, Section::Outputs, old, new);
    section(&mut changes, Section::Hooks, old.hooks(), new.hooks());
    section(
        &mut changes,
        Section::Other,
        old.other_keys(),
        new.other_keys(),
    );
    changes
}

/// The entries of `part` that are functions (`Fn::ForEach::Topics`, `Fn::Transform`), as
/// entries of that section by their key.
fn functions(changes: &mut Vec<Change>, part: Section, old: &Template, new: &Template) {
    section(changes, part, old.functions(part), new.functions(part));
}

/// A part of the template that is one value (`None`: not there), as an entry of an empty ID.
fn whole(changes: &mut Vec<Change>, section: Section, old: Option<Json>, new: Option<Json>) {
    let entry = |value: Option<Json>| value.map(|v| (String::new(), v)).into_iter().collect();
    self::section(changes, section, &entry(old), &entry(new));
}

fn section<T: Compared>(
    changes: &mut Vec<Change>,
    section: Section,
    old: &BTreeMap<String, T>,
    new: &BTreeMap<String, T>,
) {
    for (id, old, new) in union(old, new) {
        let kind = match (old, new) {
            (Some(_), None) => ChangeKind::Removed,
            (None, Some(_)) => ChangeKind::Added,
            // Equal entries have equal JSON: most entries of a diff are unchanged, and skipping
            // them here spares serializing and walking them.
            (Some(before), Some(after)) if before == after => continue,
            (Some(before), Some(after)) => {
                let mut paths = Vec::new();
                before.compare(after, &mut paths);
                if paths.is_empty() {
                    continue;
                }
                ChangeKind::Modified(paths)
            }
            (None, None) => continue,
        };
        changes.push(Change {
            section,
            id: id.clone(),
            kind,
        });
    }
}

/// The keys of both maps in order, each with its value in either, found by walking both at
/// once.
fn union<'a, T>(
    old: &'a BTreeMap<String, T>,
    new: &'a BTreeMap<String, T>,
) -> impl Iterator<Item = (&'a String, Option<&'a T>, Option<&'a T>)> {
    let (mut old, mut new) = (old.iter().peekable(), new.iter().peekable());
    std::iter::from_fn(move || {
        let order = match (old.peek(), new.peek()) {
            (Some((before, _)), Some((after, _))) => before.cmp(after),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => return None,
        };
        Some(match order {
            Ordering::Less => old.next().map(|(id, value)| (id, Some(value), None))?,
            Ordering::Greater => new.next().map(|(id, value)| (id, None, Some(value)))?,
            Ordering::Equal => {
                let (id, before) = old.next()?;
                (id, Some(before), new.next().map(|(_, after)| after))
            }
        })
    })
}

/// `value`'s JSON, its objects' keys [`sorted`].
fn to_json<T: Serialize>(value: &T) -> Json {
    // Template entries are plain data; serializing them cannot fail.
    sorted(serde_json::to_value(value).unwrap_or(Json::Null))
}

/// An entry of a section, compared as the JSON the template writes it as.
trait Compared: PartialEq {
    /// Pushes the paths where the entry and `new` differ, with their values, in key order.
    fn compare(&self, new: &Self, paths: &mut Vec<PathChange>);
}

/// Entries compared as their JSON, written for the comparison.
macro_rules! compared_as_written {
    ($($entry:ty),*) => {$(
        impl Compared for $entry {
            fn compare(&self, new: &Self, paths: &mut Vec<PathChange>) {
                compare(paths, &mut String::new(), &to_json(self), &to_json(new));
            }
        }
    )*};
}

compared_as_written!(Json, Parameter, Rule, Condition, Output, Mapping);

/// A resource's properties are compared where they are, not written out first (a changed
/// resource differs mostly there, and its properties are most of it); its other keys (type,
/// condition, dependencies, attributes) as their JSON. The paths are those of comparing the
/// whole JSON it is written as.
impl Compared for Resource {
    fn compare(&self, new: &Self, paths: &mut Vec<PathChange>) {
        let (old, new) = (parts(self), parts(new));
        let mut path = String::new();
        for (key, old, new) in union(&old, &new) {
            path.push_str(key);
            match (old, new) {
                (Some(Part::Properties(a)), Some(Part::Properties(b))) => {
                    compare_maps(paths, &mut path, a, b);
                }
                (Some(Part::Json(a)), Some(Part::Json(b))) => compare(paths, &mut path, a, b),
                (old, new) => paths.push(PathChange {
                    path: path.clone(),
                    old: old.map(Part::to_json),
                    new: new.map(Part::to_json),
                }),
            }
            path.clear();
        }
    }
}

/// A key of a resource's JSON, with its value: its properties as they are, or JSON.
enum Part<'a> {
    Properties(&'a serde_json::Map<String, Json>),
    Json(Cow<'a, Json>),
}

impl Part<'_> {
    /// The JSON it is written as.
    fn to_json(&self) -> Json {
        match self {
            Part::Properties(properties) => sorted(Json::Object((*properties).clone())),
            Part::Json(json) => sorted(json.clone().into_owned()),
        }
    }
}

/// The keys of `resource`'s JSON and their values, as [`Resource`] writes them.
fn parts(resource: &Resource) -> BTreeMap<String, Part<'_>> {
    let mut parts = BTreeMap::new();
    let owned = |json: Json| Part::Json(Cow::Owned(json));
    parts.insert("Type".to_owned(), owned(Json::from(resource.type_name())));
    if let Some(condition) = resource.condition_name() {
        parts.insert("Condition".to_owned(), owned(Json::from(condition)));
    }
    if !resource.dependencies().is_empty() {
        let targets = resource
            .dependencies()
            .iter()
            .map(|t| Json::from(t.as_str()));
        parts.insert(
            "DependsOn".to_owned(),
            owned(Json::Array(targets.collect())),
        );
    }
    if !resource.properties().is_empty() {
        parts.insert(
            "Properties".to_owned(),
            Part::Properties(resource.properties()),
        );
    }
    for (key, value) in resource.json_attributes() {
        parts.insert(key.to_owned(), Part::Json(Cow::Borrowed(value)));
    }
    for (key, value) in resource.other_attributes() {
        parts.insert(key.clone(), Part::Json(Cow::Borrowed(value)));
    }
    parts
}

/// `json` with the keys of its objects sorted: the values of changes are shown as the
/// template writes them, even when serde_json's maps keep insertion order (no work when they
/// sort themselves).
fn sorted(mut json: Json) -> Json {
    json.sort_all_objects();
    json
}

/// Pushes the paths under `path` where `old` and `new` differ, with their values. Equal subtrees
/// are skipped whole; `path` is a buffer that segments are appended to and removed from, so only
/// the paths of changes are copied.
fn compare(paths: &mut Vec<PathChange>, path: &mut String, old: &Json, new: &Json) {
    if old == new {
        return;
    }
    let len = path.len();
    match (old, new) {
        (Json::Object(a), Json::Object(b)) => compare_maps(paths, path, a, b),
        (Json::Array(a), Json::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                use std::fmt::Write;
                // Writing to a String cannot fail.
                let _ = write!(path, "[{index}]");
                compare(paths, path, x, y);
                path.truncate(len);
            }
        }
        _ => paths.push(PathChange {
            path: path.clone(),
            old: Some(sorted(old.clone())),
            new: Some(sorted(new.clone())),
        }),
    }
}

/// [`compare`] of two objects' entries, key by key.
fn compare_maps(
    paths: &mut Vec<PathChange>,
    path: &mut String,
    old: &serde_json::Map<String, Json>,
    new: &serde_json::Map<String, Json>,
) {
    let len = path.len();
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for key in keys {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
        match (old.get(key), new.get(key)) {
            (Some(x), Some(y)) => compare(paths, path, x, y),
            (x, y) => paths.push(PathChange {
                path: path.clone(),
                old: x.cloned().map(sorted),
                new: y.cloned().map(sorted),
            }),
        }
        path.truncate(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Output, Parameter, Resource};

    #[test]
    fn the_union_of_two_maps_walks_their_keys_in_order() {
        let map = |pairs: &[(&str, u8)]| -> BTreeMap<String, u8> {
            pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect()
        };
        let old = map(&[("a", 1), ("c", 2), ("d", 3)]);
        let new = map(&[("b", 4), ("c", 5), ("e", 6)]);
        let walked: Vec<_> = union(&old, &new)
            .map(|(id, old, new)| (id.as_str(), old.copied(), new.copied()))
            .collect();
        assert_eq!(
            walked,
            [
                ("a", Some(1), None),
                ("b", None, Some(4)),
                ("c", Some(2), Some(5)),
                ("d", Some(3), None),
                ("e", None, Some(6)),
            ]
        );
        assert_eq!(union(&old, &BTreeMap::new()).count(), 3);
    }

    #[test]
    fn a_resource_differs_where_its_written_json_does() {
        use serde_json::json;
        let read = |value: Json| -> Resource {
            let text = json!({"Resources": {"R": value}}).to_string();
            Template::from_json(&text).unwrap().resources()["R"].clone()
        };
        let resources = [
            json!({"Type": "AWS::SQS::Queue"}),
            json!({"Type": "AWS::SNS::Topic"}),
            json!({"Type": "AWS::SQS::Queue", "Condition": "On", "DependsOn": ["A", "B"]}),
            json!({"Type": "AWS::SQS::Queue", "Condition": "Off", "DependsOn": "A"}),
            json!({"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1,
                "Tags": [{"Key": "k", "Value": "v"}], "RedrivePolicy": {"b": 1, "a": [2]}}}),
            json!({"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 2,
                "Tags": [{"Key": "k", "Value": "w"}, {"Key": "z", "Value": "y"}]}}),
            json!({"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "x"}},
                "Metadata": {"z": {"y": 1}, "a": 2}, "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": {"Fn::If": ["C", "Retain", "Delete"]}, "Version": "1.0"}),
            json!({"Type": "AWS::SQS::Queue", "Metadata": {"a": 3},
                "CreationPolicy": {"ResourceSignal": {"Count": 1}}, "Version": {"n": 2}}),
        ]
        .map(read);
        for old in &resources {
            for new in &resources {
                let mut whole = Vec::new();
                compare(&mut whole, &mut String::new(), &to_json(old), &to_json(new));
                let mut parts = Vec::new();
                if old != new {
                    old.compare(new, &mut parts);
                }
                assert_eq!(parts, whole, "{old:?} -> {new:?}");
            }
        }
    }

    #[test]
    fn identical_templates_have_no_changes() {
        let mut t = Template::new();
        t.add_resource("A", Resource::new("AWS::SQS::Queue"))
            .unwrap();
        assert!(diff(&t, &t.clone()).is_empty());
        assert!(diff(&t, &t).is_empty());
    }

    #[test]
    fn every_section_and_kind_is_reported_in_order() {
        let mut old = Template::new();
        old.add_parameter("Stage", Parameter::string()).unwrap();
        old.add_resource(
            "Jobs",
            Resource::new("AWS::SQS::Queue")
                .property("Tags", serde_json::json!([{"Key": "a", "Value": "1"}])),
        )
        .unwrap();
        old.add_output("Gone", Output::new("x")).unwrap();
        let mut new = Template::new();
        new.add_parameter("Stage", Parameter::string().default_value("dev"))
            .unwrap();
        new.add_resource(
            "Jobs",
            Resource::new("AWS::SQS::Queue").property(
                "Tags",
                serde_json::json!([{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}]),
            ),
        )
        .unwrap();
        let changes = diff(&old, &new);
        assert_eq!(
            changes,
            [
                Change {
                    section: Section::Parameters,
                    id: "Stage".into(),
                    kind: ChangeKind::Modified(vec![PathChange {
                        path: "Default".into(),
                        old: None,
                        new: Some("dev".into()),
                    }]),
                },
                Change {
                    section: Section::Resources,
                    id: "Jobs".into(),
                    kind: ChangeKind::Modified(vec![PathChange {
                        path: "Properties.Tags".into(),
                        old: Some(serde_json::json!([{"Key": "a", "Value": "1"}])),
                        new: Some(serde_json::json!([
                            {"Key": "a", "Value": "2"},
                            {"Key": "b", "Value": "3"}
                        ])),
                    }]),
                },
                Change {
                    section: Section::Outputs,
                    id: "Gone".into(),
                    kind: ChangeKind::Removed,
                },
            ]
        );
    }

    #[test]
    fn the_description_transforms_metadata_and_rules_are_compared_too() {
        let old = Template::new().with_description("before");
        let mut new = Template::new().with_description("after");
        new.add_transform("AWS::Serverless-2016-10-31");
        new.set_metadata("Owner", "platform".into());
        new.add_rule("Small", crate::Rule::new()).unwrap();
        assert_eq!(
            diff(&old, &new),
            [
                Change {
                    section: Section::Description,
                    id: String::new(),
                    kind: ChangeKind::Modified(vec![PathChange {
                        path: String::new(),
                        old: Some("before".into()),
                        new: Some("after".into()),
                    }]),
                },
                Change {
                    section: Section::Transform,
                    id: String::new(),
                    kind: ChangeKind::Added,
                },
                Change {
                    section: Section::Metadata,
                    id: "Owner".into(),
                    kind: ChangeKind::Added,
                },
                Change {
                    section: Section::Rules,
                    id: "Small".into(),
                    kind: ChangeKind::Added,
                },
            ]
        );
        assert!(diff(&new, &new.clone()).is_empty());
    }

    #[test]
    fn loops_hooks_unknown_keys_and_the_version_are_compared_too() {
        let old = Template::from_json(
            r#"{"AWSTemplateFormatVersion": "2010-09-09",
                "Transform": "AWS::LanguageExtensions",
                "Resources": {
                    "Jobs": {"Type": "AWS::SQS::Queue"},
                    "Fn::ForEach::Topics": ["N", ["A", "B"], {"Topic${N}": {"Type": "AWS::SNS::Topic"}}]
                },
                "Hooks": {"BlueGreen": {"Type": "AWS::CodeDeploy::BlueGreen"}},
                "Globals": {"Function": {"Timeout": 3}}}"#,
        )
        .unwrap();
        let new = Template::from_json(
            r#"{"AWSTemplateFormatVersion": "2099-01-01",
                "Transform": "AWS::LanguageExtensions",
                "Resources": {"Jobs": {"Type": "AWS::SQS::Queue"}},
                "Globals": {"Function": {"Timeout": 5}}}"#,
        )
        .unwrap();
        let all = diff(&old, &new);
        let changes: Vec<(Section, &str, &ChangeKind)> = all
            .iter()
            .map(|c| (c.section, c.id.as_str(), &c.kind))
            .collect();
        let version = ChangeKind::Modified(vec![PathChange {
            path: String::new(),
            old: Some("2010-09-09".into()),
            new: Some("2099-01-01".into()),
        }]);
        let globals = ChangeKind::Modified(vec![PathChange {
            path: "Function.Timeout".into(),
            old: Some(3.into()),
            new: Some(5.into()),
        }]);
        assert_eq!(
            changes,
            [
                (Section::FormatVersion, "", &version),
                (
                    Section::Resources,
                    "Fn::ForEach::Topics",
                    &ChangeKind::Removed
                ),
                (Section::Hooks, "BlueGreen", &ChangeKind::Removed),
                (Section::Other, "Globals", &globals),
            ]
        );
    }

    #[test]
    fn changed_values_have_their_keys_sorted_whatever_order_maps_keep() {
        let queue = |policy: Json| {
            let mut t = Template::new();
            t.add_resource(
                "Q",
                Resource::new("AWS::SQS::Queue").property("RedrivePolicy", policy),
            )
            .unwrap();
            t
        };
        let old = queue(serde_json::json!({"maxReceiveCount": 3}));
        let new = queue(
            serde_json::json!({"maxReceiveCount": 5, "deadLetterTargetArn": {
                "Fn::GetAtt": ["Dlq", "Arn"], "Comment": "dlq"
            }}),
        );
        let changes = diff(&old, &new);
        let ChangeKind::Modified(paths) = &changes[0].kind else {
            panic!("{changes:?}")
        };
        let added = paths
            .iter()
            .find(|p| p.path.ends_with("deadLetterTargetArn"));
        assert_eq!(
            serde_json::to_string(&added.unwrap().new).unwrap(),
            r#"{"Comment":"dlq","Fn::GetAtt":["Dlq","Arn"]}"#
        );
    }

    #[test]
    fn same_length_lists_are_compared_by_element() {
        let mut paths = Vec::new();
        compare(
            &mut paths,
            &mut "Tags".into(),
            &serde_json::json!([{"Key": "a", "Value": "1"}]),
            &serde_json::json!([{"Key": "a", "Value": "2"}]),
        );
        assert_eq!(
            paths,
            [PathChange {
                path: "Tags[0].Value".into(),
                old: Some("1".into()),
                new: Some("2".into()),
            }]
        );
    }
}
