//! What the change of an `Fn::ForEach` loop of resources loses: the resources it wrote that the
//! new template has no more, or has with another type or a property changed that its schema
//! says cannot change in place. A loop over a written-out list is expanded item by item; one
//! whose items are known only when the stack is deployed (a `Ref` to a parameter) is read by
//! its keys as written.

#[cfg(feature = "deploy")]
use std::collections::BTreeSet;

use kumo_core::diff::{Change, ChangeKind};
use kumo_core::for_each::{self, PREFIX};
use kumo_core::{DeletionPolicy, Json, Resource, Section};
use serde_json::Map;

use super::{Loss, Lost, Review};

/// A resource as a loss is judged by: its type, properties and whether it is kept on delete.
pub(super) struct Entry<'a> {
    pub(super) type_name: &'a str,
    pub(super) properties: Option<&'a Map<String, Json>>,
    pub(super) retained: bool,
}

impl<'a> Entry<'a> {
    /// A resource declared in a template.
    pub(super) fn of(resource: &'a Resource) -> Self {
        Entry {
            type_name: resource.type_name(),
            properties: Some(resource.properties()),
            retained: resource.deletion() == Some(DeletionPolicy::Retain),
        }
    }

    /// Its loss under `key` when the change may remove or replace it.
    fn uncertain(&self, key: &str) -> Lost {
        Lost {
            id: key.to_owned(),
            resource_type: self.type_name.to_owned(),
            retained: self.retained,
            how: Loss::Uncertain,
        }
    }

    /// A resource a loop writes, as JSON; `None` without a type written out.
    fn of_json(resource: &'a Json) -> Option<Self> {
        Some(Entry {
            type_name: resource.get("Type")?.as_str()?,
            properties: resource.get("Properties").and_then(Json::as_object),
            retained: resource.get("DeletionPolicy").and_then(Json::as_str) == Some("Retain"),
        })
    }
}

impl Review<'_> {
    /// What a removed or modified loop of resources loses (nothing for another change).
    pub(super) fn loop_losses(&self, change: &Change) -> Vec<Lost> {
        if change.section != Section::Resources
            || change.kind == ChangeKind::Added
            || !change.id.starts_with(PREFIX)
        {
            return Vec::new();
        }
        let Some(old) = self.old.functions(Section::Resources).get(&change.id) else {
            return Vec::new();
        };
        let new = self.new.functions(Section::Resources).get(&change.id);
        if let Some(written) = for_each::expand(old) {
            return written
                .iter()
                .filter_map(|(id, resource)| {
                    let before = Entry::of_json(resource)?;
                    self.loss(id, &before, self.counterpart(id).as_ref())
                })
                .collect();
        }
        // Its items are known only when deployed: the same keys, from the same collections,
        // write the same resources; other keys may lose every one.
        let after = new
            .filter(|new| for_each::same_keys(old, new))
            .map(|new| for_each::entries(new));
        for_each::entries(old)
            .into_iter()
            .filter_map(|(key, resource)| {
                let before = Entry::of_json(resource)?;
                let Some(after) = &after else {
                    return Some(before.uncertain(key));
                };
                let now = after
                    .iter()
                    .find(|(written, _)| *written == key)
                    .and_then(|(_, now)| Entry::of_json(now));
                self.loss(key, &before, now.as_ref())
            })
            .collect()
    }

    /// What the loops of resources may lose when the values of the parameters `changed`
    /// change: a loop whose collection (or that of a loop within it) takes one of them may
    /// write fewer or other items, so each resource it writes may be lost. Its keys are those
    /// of the new template's loop, as written.
    #[cfg(feature = "deploy")]
    pub fn parameter_losses(&self, changed: &BTreeSet<&str>) -> Vec<Lost> {
        if changed.is_empty() {
            return Vec::new();
        }
        self.new
            .functions(Section::Resources)
            .iter()
            .filter(|(key, for_each)| {
                key.starts_with(PREFIX) && for_each::takes_any(for_each, changed)
            })
            .flat_map(|(_, for_each)| for_each::entries(for_each))
            .filter_map(|(key, resource)| Some(Entry::of_json(resource)?.uncertain(key)))
            .collect()
    }

    /// The resource the new template's loops write under `id`, if one does (and its loops'
    /// items are written out).
    pub(super) fn looped_counterpart(&self, id: &str) -> Option<Entry<'_>> {
        let looped = self.looped.get_or_init(|| {
            self.new
                .functions(Section::Resources)
                .iter()
                .filter(|(key, _)| key.starts_with(PREFIX))
                .filter_map(|(_, for_each)| for_each::expand(for_each))
                .flatten()
                .collect()
        });
        looped.get(id).and_then(Entry::of_json)
    }

    /// Whether `now` replaces `before`: another type, or a property changed that the type's
    /// schema says cannot change in place.
    fn differs(&self, before: &Entry, now: &Entry) -> bool {
        before.type_name != now.type_name
            || self.replaces_between(before.type_name, before.properties, now.properties)
    }

    /// Whether a loop of resources of the new template has items known only when deployed.
    fn new_loops_unknown(&self) -> bool {
        self.new
            .functions(Section::Resources)
            .iter()
            .any(|(key, for_each)| key.starts_with(PREFIX) && for_each::expand(for_each).is_none())
    }

    /// The resource the new template has under `id`: declared, or written by a loop.
    fn counterpart(&self, id: &str) -> Option<Entry<'_>> {
        match self.new.resources().get(id) {
            Some(resource) => Some(Entry::of(resource)),
            None => self.looped_counterpart(id),
        }
    }

    /// The loss of `before` (`id`) when the new template has `now` in its place, if any. With
    /// none in its place, a loop of the new template whose items are known only when deployed
    /// may still write it.
    pub(super) fn loss(&self, id: &str, before: &Entry, now: Option<&Entry>) -> Option<Lost> {
        let how = match now {
            None if self.new_loops_unknown() => Loss::Uncertain,
            None => Loss::Removed,
            Some(now) if self.differs(before, now) => Loss::Replaced,
            Some(_) => return None,
        };
        Some(Lost {
            id: id.to_owned(),
            resource_type: before.type_name.to_owned(),
            retained: before.retained || now.is_some_and(|now| now.retained),
            how,
        })
    }
}

#[cfg(test)]
mod tests {
    use kumo_core::diff::diff;
    use kumo_core::Template;

    use super::*;

    /// A template of the language extensions with these resources.
    fn template(resources: &str) -> Template {
        Template::from_json(&format!(
            r#"{{"Transform": "AWS::LanguageExtensions", "Resources": {{{resources}}}}}"#
        ))
        .unwrap()
    }

    /// A loop of buckets over `items`, each named by `name` (a `Fn::Sub` of `${N}`).
    fn buckets(items: &str, name: &str) -> String {
        format!(
            r#""Fn::ForEach::Buckets": ["N", {items}, {{"Bucket${{N}}": {{"Type": "AWS::S3::Bucket",
                "Properties": {{"BucketName": {{"Fn::Sub": "{name}"}}}}}}}}]"#
        )
    }

    /// What going from `old` to `new` loses, as `(id, how, holds data)`.
    fn losses(old: &Template, new: &Template) -> Vec<(String, Loss, bool)> {
        let changes = diff(old, new);
        let review = Review::new(old, new);
        changes
            .iter()
            .flat_map(|change| review.loop_losses(change))
            .map(|lost| (lost.id.clone(), lost.how, lost.holds_data()))
            .collect()
    }

    fn lost(id: &str, how: Loss) -> (String, Loss, bool) {
        (id.to_owned(), how, true)
    }

    #[test]
    fn a_loop_over_written_out_items_loses_those_it_writes_no_more_or_replaces() {
        let both = template(&buckets(r#"["A", "B"]"#, "data-${N}"));
        let one = template(&buckets(r#"["A"]"#, "data-${N}"));
        assert_eq!(losses(&both, &one), [lost("BucketB", Loss::Removed)]);
        assert_eq!(losses(&one, &both), [], "a loop that grows loses nothing");
        let renamed = template(&buckets(r#"["A", "B"]"#, "store-${N}"));
        assert_eq!(
            losses(&both, &renamed),
            [
                lost("BucketA", Loss::Replaced),
                lost("BucketB", Loss::Replaced)
            ]
        );
        let none = template(r#""Other": {"Type": "AWS::SNS::Topic"}"#);
        assert_eq!(
            losses(&both, &none),
            [
                lost("BucketA", Loss::Removed),
                lost("BucketB", Loss::Removed)
            ]
        );
        let tagged = template(
            r#""Fn::ForEach::Buckets": ["N", ["A", "B"], {"Bucket${N}": {"Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": {"Fn::Sub": "data-${N}"},
                "Tags": [{"Key": "team", "Value": "media"}]}}}]"#,
        );
        assert_eq!(losses(&both, &tagged), [], "a change in place");
    }

    #[cfg(feature = "deploy")]
    #[test]
    fn a_resource_moved_between_a_loop_and_a_declaration_is_not_lost() {
        let looped = template(&buckets(r#"["A"]"#, "data-${N}"));
        let declared = template(
            r#""BucketA": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "data-A"}}}"#,
        );
        assert_eq!(losses(&looped, &declared), []);
        let review = Review::new(&declared, &looped);
        let changes = diff(&declared, &looped);
        assert_eq!(review.lost(&changes), []);
        let elsewhere = template(
            r#""BucketA": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "other"}}"#,
        );
        assert_eq!(
            losses(&looped, &elsewhere),
            [lost("BucketA", Loss::Replaced)]
        );
        let review = Review::new(&elsewhere, &looped);
        let changes = diff(&elsewhere, &looped);
        let moved: Vec<_> = review
            .lost(&changes)
            .into_iter()
            .map(|lost| (lost.id, lost.how))
            .collect();
        assert_eq!(moved, [("BucketA".to_owned(), Loss::Replaced)]);
    }

    #[test]
    fn a_loop_over_items_known_when_deployed_is_read_by_its_keys() {
        let from = |name: &str| template(&buckets(r#"{"Ref": "Names"}"#, name));
        let old = from("data-${N}");
        assert_eq!(
            losses(&old, &from("store-${N}")),
            [lost("Bucket${N}", Loss::Replaced)]
        );
        let other_items = template(&buckets(r#"{"Ref": "Others"}"#, "data-${N}"));
        assert_eq!(
            losses(&old, &other_items),
            [lost("Bucket${N}", Loss::Uncertain)]
        );
        assert_eq!(
            losses(&old, &template(r#""Other": {"Type": "AWS::SNS::Topic"}"#)),
            [lost("Bucket${N}", Loss::Uncertain)]
        );
        let written_out = template(&buckets(r#"["A"]"#, "data-${N}"));
        assert_eq!(
            losses(&written_out, &old),
            [lost("BucketA", Loss::Uncertain)],
            "a loop over a parameter's items may still write it"
        );
    }

    #[cfg(feature = "deploy")]
    #[test]
    fn a_loop_over_a_parameter_whose_value_changes_may_lose_all_it_writes() {
        let template = template(&format!(
            r#"{}, "Other": {{"Type": "AWS::SNS::Topic"}}"#,
            buckets(r#"{"Ref": "Names"}"#, "data-${N}")
        ));
        let review = Review::new(&template, &template);
        let read = |changed: &[&str]| -> Vec<(String, Loss, bool)> {
            review
                .parameter_losses(&changed.iter().copied().collect())
                .into_iter()
                .map(|lost| (lost.id.clone(), lost.how, lost.holds_data()))
                .collect()
        };
        assert_eq!(read(&["Names"]), [lost("Bucket${N}", Loss::Uncertain)]);
        assert_eq!(read(&["Size"]), []);
        assert_eq!(read(&[]), []);
        let within = self::template(
            r#""Fn::ForEach::Teams": ["T", ["a"], {"Fn::ForEach::Envs": ["E", {"Ref": "Envs"},
                {"Queue${T}${E}": {"Type": "AWS::SQS::Queue"}}]}]"#,
        );
        let review = Review::new(&within, &within);
        let losses = review.parameter_losses(&["Envs"].into_iter().collect());
        assert_eq!(losses.len(), 1, "a loop within a loop: {losses:?}");
    }

    #[test]
    fn a_retained_resource_of_a_loop_holds_data() {
        let topics = |items: &str| {
            template(&format!(
                r#""Fn::ForEach::Topics": ["N", {items}, {{"Topic${{N}}": {{"Type": "AWS::SNS::Topic",
                    "DeletionPolicy": "Retain"}}, "Plain${{N}}": {{"Type": "AWS::SNS::Topic"}}}}]"#
            ))
        };
        assert_eq!(
            losses(&topics(r#"["A", "B"]"#), &topics(r#"["A"]"#)),
            [
                ("PlainB".to_owned(), Loss::Removed, false),
                lost("TopicB", Loss::Removed)
            ]
        );
    }

    #[test]
    fn a_loop_change_names_what_it_loses_under_its_entry() {
        let old = template(&buckets(r#"["A", "B"]"#, "data-${N}"));
        let new = template(&buckets(r#"["A"]"#, "data-${N}"));
        let changes = diff(&old, &new);
        let review = Review::new(&old, &new);
        let lines: Vec<String> = review
            .lines(&changes[0])
            .into_iter()
            .map(|(_, line)| line)
            .collect();
        assert_eq!(
            lines,
            [
                "~ Resources.Fn::ForEach::Buckets holds data",
                "    [1]: [\"A\",\"B\"] -> [\"A\"]",
                "    removes BucketB (AWS::S3::Bucket), holds data",
            ]
        );
        let report = review.to_json(&changes[0]);
        assert_eq!(report["stateful"], true);
        assert_eq!(
            report["loses"],
            serde_json::json!([{"id": "BucketB", "type": "AWS::S3::Bucket", "how": "removed",
                "holds_data": true}])
        );
    }
}
