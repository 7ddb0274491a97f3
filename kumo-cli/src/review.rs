//! How a template change reads: one line per entry (with the resource type, and whether the
//! change replaces it and it holds data), then each changed path with its old and new value; a
//! long value as a line diff. What replaces a resource comes from the schemas
//! (`createOnlyProperties`) of the services the stack's crate enables. A NoEcho parameter's
//! default is never shown.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use kumo_core::diff::{Change, ChangeKind, PathChange};
use kumo_core::resources::is_stateful;
use kumo_core::{Section, Template};
use serde_json::{json, Value as Json};
use similar::{ChangeTag, TextDiff};

use crate::secrets::MASK;
use crate::ui::{one_line, Style};

/// Values up to this many characters (compact JSON) are shown on one line.
const SHORT: usize = 60;

/// Lines of unchanged context around each change of a long value.
const CONTEXT: usize = 2;

/// How changes between two templates read.
pub struct Review<'t> {
    old: &'t Template,
    new: &'t Template,
    /// The properties whose change replaces a resource, by type: gathered when a modification
    /// is first read.
    replaced: OnceCell<BTreeMap<&'static str, &'static [&'static str]>>,
}

impl<'t> Review<'t> {
    /// The review of the changes from `old` to `new`.
    pub fn new(old: &'t Template, new: &'t Template) -> Review<'t> {
        Review {
            old,
            new,
            replaced: OnceCell::new(),
        }
    }

    /// One change, as lines with their style.
    pub fn lines(&self, change: &Change) -> Vec<(Style, String)> {
        let entry = self.entry(change);
        match &change.kind {
            ChangeKind::Added => vec![(Style::Good, format!("+ {entry}"))],
            ChangeKind::Removed => vec![(Style::Bad, format!("- {entry}"))],
            ChangeKind::Modified(_) => {
                let mut lines = vec![(Style::Changed, format!("~ {entry}"))];
                lines.extend(self.paths(change));
                lines
            }
        }
    }

    /// The lines of each changed path of a modification (none for an addition or removal):
    /// old and new values, and whether the path replaces the resource.
    pub fn paths(&self, change: &Change) -> Vec<(Style, String)> {
        let ChangeKind::Modified(paths) = &change.kind else {
            return Vec::new();
        };
        let hidden = self.is_hidden(change);
        paths
            .iter()
            .flat_map(|path| path_lines(path, hidden, self.replaces(change, path)))
            .collect()
    }

    /// Whether the change modifies a property the resource type's schema says cannot change
    /// in place.
    pub fn replaced(&self, change: &Change) -> bool {
        match &change.kind {
            ChangeKind::Modified(paths) => paths.iter().any(|p| self.replaces(change, p)),
            _ => false,
        }
    }

    /// The resources `changes` remove, or replace (they modify a property the type's schema
    /// says cannot change in place), by logical ID with their types: what a deploy without a
    /// change set to ask (a stack set's) loses.
    #[cfg(feature = "deploy")]
    pub fn lost<'c>(&self, changes: &'c [Change]) -> Vec<(&'c str, &'t str)> {
        changes
            .iter()
            .filter(|change| match change.kind {
                ChangeKind::Removed => true,
                ChangeKind::Modified(_) => self.replaced(change),
                ChangeKind::Added => false,
            })
            .filter_map(|change| Some((change.id.as_str(), self.resource_type(change)?)))
            .collect()
    }

    /// The change as the `--json` report has it: section, ID, kind, the resource type (for a
    /// resource), whether it replaces the resource and whether that holds data, the changed
    /// paths, and their old and new values (a NoEcho default masked).
    pub fn to_json(&self, change: &Change) -> Json {
        let hidden = self.is_hidden(change);
        let (kind, paths) = match &change.kind {
            ChangeKind::Added => ("added", &[][..]),
            ChangeKind::Removed => ("removed", &[][..]),
            ChangeKind::Modified(paths) => ("modified", paths.as_slice()),
        };
        let mask = |value: &Option<Json>| match value {
            Some(_) if hidden => Some(Json::String(MASK.to_owned())),
            other => other.clone(),
        };
        json!({
            "section": change.section.to_string(),
            "id": change.id,
            "kind": kind,
            "type": self.resource_type(change),
            "replaces": paths.iter().any(|p| self.replaces(change, p)),
            "stateful": self.resource_type(change).is_some_and(is_stateful),
            "paths": paths.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(),
            "values": paths.iter().map(|p| json!({
                "path": p.path,
                "old": mask(&p.old),
                "new": mask(&p.new),
                "replaces": self.replaces(change, p),
            })).collect::<Vec<_>>(),
        })
    }

    /// `Section.Id` (a top-level key the model has no field for by itself, `Globals`), with the
    /// type of a resource (`Resources.Jobs (AWS::SQS::Queue)`), and
    /// `replaced` when the change replaces it (`, holds data` when its type does).
    fn entry(&self, change: &Change) -> String {
        let Some(kind) = self.resource_type(change) else {
            return match (change.section, one_line(&change.id)) {
                (Section::Other, id) => id.into_owned(),
                (section, id) if id.is_empty() => section.to_string(),
                (section, id) => format!("{section}.{id}"),
            };
        };
        let replaced = self.replaced(change);
        let stateful = is_stateful(kind);
        let mark = match (replaced, stateful) {
            (true, true) => " REPLACED, holds data",
            (true, false) => " REPLACED",
            (false, true) if change.kind == ChangeKind::Removed => " holds data",
            _ => "",
        };
        format!(
            "{}.{} ({}){mark}",
            change.section,
            one_line(&change.id),
            one_line(kind)
        )
    }

    /// Whether the change at `path` replaces the resource: it is under a property the type's
    /// schema says cannot change in place, or it is the properties as a whole (added, removed)
    /// and such a property differs between them.
    fn replaces(&self, change: &Change, path: &PathChange) -> bool {
        let Some(within) = path.path.strip_prefix("Properties") else {
            return false;
        };
        let Some(replaced) = self.resource_type(change).and_then(|kind| {
            self.replaced
                .get_or_init(kumo_core::resources::enabled_replaced_on_change)
                .get(kind)
        }) else {
            return false;
        };
        match within.strip_prefix('.') {
            Some(property) => {
                let property = property.split(['.', '[']).next().unwrap_or_default();
                replaced.contains(&property)
            }
            None if within.is_empty() => {
                let value = |side: &Option<Json>, name: &str| side.as_ref()?.get(name).cloned();
                replaced
                    .iter()
                    .any(|name| value(&path.old, name) != value(&path.new, name))
            }
            None => false,
        }
    }

    /// The type of the resource the change is of (as the new template has it, else the old).
    fn resource_type(&self, change: &Change) -> Option<&'t str> {
        if change.section != Section::Resources {
            return None;
        }
        self.new
            .resources()
            .get(&change.id)
            .or_else(|| self.old.resources().get(&change.id))
            .map(|resource| resource.type_name())
    }

    /// Whether the change's values must not be shown: a NoEcho parameter's.
    fn is_hidden(&self, change: &Change) -> bool {
        change.section == Section::Parameters
            && [self.old, self.new].iter().any(|template| {
                template
                    .parameters()
                    .get(&change.id)
                    .is_some_and(|parameter| parameter.is_no_echo())
            })
    }
}

/// The lines of one changed path: `path: old -> new`, or for long values the path and a line
/// diff of their pretty JSON; `(replaces the resource)` after the path when it does.
fn path_lines(change: &PathChange, hidden: bool, replaces: bool) -> Vec<(Style, String)> {
    let note = if replaces {
        " (replaces the resource)"
    } else {
        ""
    };
    let compact = |value: &Option<Json>| match value {
        _ if hidden => MASK.to_owned(),
        None => "(none)".to_owned(),
        Some(value) => value.to_string(),
    };
    let (old, new) = (compact(&change.old), compact(&change.new));
    // The path, `: ` after it; nothing for a part of the template that is one value.
    let at = match change.path.as_str() {
        "" => String::new(),
        path => format!("{}: ", one_line(path)),
    };
    if old.len() <= SHORT && new.len() <= SHORT {
        return vec![(Style::Changed, format!("    {at}{old} -> {new}{note}"))];
    }
    let pretty = |value: &Option<Json>| {
        value
            .as_ref()
            .map(|v| serde_json::to_string_pretty(v).unwrap_or_default() + "\n")
            .unwrap_or_default()
    };
    let (old, new) = (pretty(&change.old), pretty(&change.new));
    let mut lines = Vec::new();
    if !at.is_empty() || !note.is_empty() {
        lines.push((Style::Changed, format!("    {}{note}", at.trim_end())));
    }
    let diff = TextDiff::from_lines(&old, &new);
    for (group, ops) in diff.grouped_ops(CONTEXT).iter().enumerate() {
        if group > 0 {
            lines.push((Style::Dim, "      ...".to_owned()));
        }
        for op in ops {
            for line in diff.iter_changes(op) {
                let (style, sign) = match line.tag() {
                    ChangeTag::Delete => (Style::Bad, '-'),
                    ChangeTag::Insert => (Style::Good, '+'),
                    ChangeTag::Equal => (Style::Dim, ' '),
                };
                let text = line.value().trim_end_matches('\n');
                lines.push((style, format!("      {sign} {text}")));
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use kumo_core::diff::diff;
    use kumo_core::{Parameter, Resource};

    use super::*;

    fn text(change: &Change, old: &Template, new: &Template) -> String {
        Review::new(old, new)
            .lines(change)
            .into_iter()
            .map(|(_, line)| line + "\n")
            .collect()
    }

    #[test]
    fn short_values_read_old_to_new_with_the_type() {
        let mut old = Template::new();
        old.add_resource(
            "Jobs",
            Resource::new("AWS::SQS::Queue").property("VisibilityTimeout", 30),
        )
        .unwrap();
        let mut new = Template::new();
        new.add_resource(
            "Jobs",
            Resource::new("AWS::SQS::Queue")
                .property("VisibilityTimeout", 60)
                .property("QueueName", "jobs"),
        )
        .unwrap();
        new.add_resource("Logs", Resource::new("AWS::Logs::LogGroup"))
            .unwrap();
        let changes = diff(&old, &new);
        assert_eq!(
            text(&changes[0], &old, &new),
            "~ Resources.Jobs (AWS::SQS::Queue) REPLACED, holds data\n    Properties.QueueName: (none) -> \"jobs\" (replaces the resource)\n    Properties.VisibilityTimeout: 30 -> 60\n"
        );
        assert_eq!(
            text(&changes[1], &old, &new),
            "+ Resources.Logs (AWS::Logs::LogGroup)\n"
        );
        let report = Review::new(&old, &new).to_json(&changes[0]);
        assert_eq!(report["type"], "AWS::SQS::Queue");
        assert_eq!(report["replaces"], true);
        assert_eq!(report["stateful"], true);
        assert_eq!(report["values"][0]["replaces"], true);
        assert_eq!(report["values"][1]["replaces"], false);
        // Removing a resource that holds data says so; changing it in place does not.
        let gone = diff(&new, &old);
        let shown: Vec<String> = gone.iter().map(|c| text(c, &new, &old)).collect();
        assert!(
            shown.contains(&"- Resources.Logs (AWS::Logs::LogGroup) holds data\n".to_owned()),
            "{shown:?}"
        );
        assert_eq!(report["values"][1]["old"], 30);
        assert_eq!(report["values"][1]["new"], 60);
    }

    #[test]
    fn loops_and_unknown_top_level_keys_read_by_their_key() {
        let old = Template::from_json(
            r#"{"Transform": "AWS::LanguageExtensions",
                "Resources": {
                    "Jobs": {"Type": "AWS::SQS::Queue"},
                    "Fn::ForEach::Topics": ["N", ["A"], {"Topic${N}": {"Type": "AWS::SNS::Topic"}}]
                },
                "Globals": {"Function": {"Timeout": 3}}}"#,
        )
        .unwrap();
        let new = Template::from_json(
            r#"{"Transform": "AWS::LanguageExtensions",
                "Resources": {"Jobs": {"Type": "AWS::SQS::Queue"}},
                "Globals": {"Function": {"Timeout": 5}}}"#,
        )
        .unwrap();
        let lines: Vec<String> = diff(&old, &new)
            .iter()
            .map(|change| text(change, &old, &new))
            .collect();
        assert_eq!(
            lines,
            [
                "- Resources.Fn::ForEach::Topics\n",
                "~ Globals\n    Function.Timeout: 3 -> 5\n"
            ]
        );
    }

    #[test]
    fn names_from_a_template_cannot_split_a_line_or_drive_the_terminal() {
        let template = |value: u8| {
            Template::from_json(&format!(
                r#"{{"Resources": {{"Evil\u001b[31m\nLINE": {{"Type": "AWS::SQS::Queue\u001b[2J",
                    "Properties": {{"A\nB": {value}}}}}}}}}"#
            ))
            .unwrap()
        };
        let (old, new) = (template(1), template(2));
        let changes = diff(&old, &new);
        assert_eq!(
            text(&changes[0], &old, &new),
            "~ Resources.\"Evil\\u{1b}[31m\\nLINE\" (\"AWS::SQS::Queue\\u{1b}[2J\")\n    \"Properties.A\\nB\": 1 -> 2\n"
        );
    }

    #[test]
    fn properties_added_whole_replace_when_one_of_them_does() {
        let queue = |properties: &[(&str, serde_json::Value)]| {
            let mut template = Template::new();
            let resource = properties
                .iter()
                .fold(Resource::new("AWS::SQS::Queue"), |r, (k, v)| {
                    r.property(k, v.clone())
                });
            template.add_resource("Jobs", resource).unwrap();
            template
        };
        let bare = queue(&[]);
        let named = queue(&[("QueueName", json!("jobs"))]);
        let timed = queue(&[("VisibilityTimeout", json!(60))]);
        for (old, new, replaced) in [
            (&bare, &named, true),
            (&named, &bare, true),
            (&bare, &timed, false),
        ] {
            let changes = diff(old, new);
            let review = Review::new(old, new);
            assert_eq!(review.replaced(&changes[0]), replaced, "{changes:?}");
        }
    }

    #[test]
    fn long_values_are_a_line_diff() {
        let statement = |action: &str| serde_json::json!({"Statement": [{"Effect": "Allow", "Action": action, "Resource": "arn:aws:s3:::bucket/*", "Principal": "*"}]});
        let mut old = Template::new();
        old.add_resource(
            "Policy",
            Resource::new("AWS::S3::BucketPolicy")
                .property("PolicyDocument", statement("s3:GetObject")),
        )
        .unwrap();
        let mut new = Template::new();
        new.add_resource(
            "Policy",
            Resource::new("AWS::S3::BucketPolicy").property("PolicyDocument", statement("s3:*")),
        )
        .unwrap();
        let changes = diff(&old, &new);
        let shown = text(&changes[0], &old, &new);
        assert!(
            shown.contains(
                "    Properties.PolicyDocument.Statement[0].Action: \"s3:GetObject\" -> \"s3:*\"\n"
            ),
            "{shown}"
        );
        let long = PathChange {
            path: "Properties.PolicyDocument".into(),
            old: Some(statement("s3:GetObject")),
            new: Some(statement("s3:*")),
        };
        let shown: Vec<String> = path_lines(&long, false, false)
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(shown[0], "    Properties.PolicyDocument:");
        assert!(
            shown.contains(&"      -       \"Action\": \"s3:GetObject\",".to_owned()),
            "{shown:#?}"
        );
        assert!(
            shown.contains(&"      +       \"Action\": \"s3:*\",".to_owned()),
            "{shown:#?}"
        );
    }

    #[test]
    fn a_no_echo_default_is_never_shown() {
        let mut old = Template::new();
        old.add_parameter(
            "Password",
            Parameter::string().no_echo().default_value("hunter2"),
        )
        .unwrap();
        let mut new = Template::new();
        new.add_parameter(
            "Password",
            Parameter::string().no_echo().default_value("correct-horse"),
        )
        .unwrap();
        let changes = diff(&old, &new);
        let shown = text(&changes[0], &old, &new);
        assert_eq!(shown, "~ Parameters.Password\n    Default: **** -> ****\n");
        let report = Review::new(&old, &new).to_json(&changes[0]).to_string();
        assert!(
            !report.contains("hunter2") && !report.contains("correct-horse"),
            "{report}"
        );
    }
}
