//! How a template change reads: one line per entry (with the resource type, and whether the
//! change replaces it and it holds data), then each changed path with its old and new value; a
//! long value as a line diff. What replaces a resource comes from the schemas
//! (`createOnlyProperties`) of the services the stack's crate enables. A NoEcho parameter's
//! default is never shown. What a change loses (the resources it removes or replaces, those
//! `Fn::ForEach` loops write included) is read from the same schemas.

mod loops;

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
    /// The resources the new template's `Fn::ForEach` loops write, by logical ID: gathered
    /// when a loss is first looked for.
    looped: OnceCell<BTreeMap<String, Json>>,
}

/// A resource a change loses: removes, or replaces with a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost {
    /// Its logical ID, or for a loop whose items are known only when the stack is deployed, its
    /// key as the loop writes it (`Bucket${Name}`).
    pub id: String,
    /// Its type.
    pub resource_type: String,
    /// Whether the old or new template keeps it on delete (`DeletionPolicy: Retain`).
    pub retained: bool,
    /// How it is lost.
    pub how: Loss,
}

/// How a change loses a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// The new template has it no more.
    Removed,
    /// The new template changes its type or a property its schema says cannot change in place.
    Replaced,
    /// A loop whose items are known only when the stack is deployed writes it, and the change
    /// alters which items or keys the loop has: it may be removed or replaced.
    Uncertain,
}

impl Lost {
    /// Whether losing it loses data: its type is stateful, or a template keeps it on delete.
    pub fn holds_data(&self) -> bool {
        self.retained || is_stateful(&self.resource_type)
    }

    /// `removes BucketB (AWS::S3::Bucket), holds data`: one line of a loop's change.
    fn line(&self) -> String {
        let how = match self.how {
            Loss::Removed => "removes",
            Loss::Replaced => "replaces",
            Loss::Uncertain => "may remove or replace",
        };
        let data = if self.holds_data() {
            ", holds data"
        } else {
            ""
        };
        format!(
            "{how} {} ({}){data}",
            one_line(&self.id),
            one_line(&self.resource_type)
        )
    }
}

impl<'t> Review<'t> {
    /// The review of the changes from `old` to `new`.
    pub fn new(old: &'t Template, new: &'t Template) -> Review<'t> {
        Review {
            old,
            new,
            replaced: OnceCell::new(),
            looped: OnceCell::new(),
        }
    }

    /// One change, as lines with their style.
    pub fn lines(&self, change: &Change) -> Vec<(Style, String)> {
        let losses = self.loop_losses(change);
        let entry = self.entry(change, &losses);
        let mut lines = match &change.kind {
            ChangeKind::Added => vec![(Style::Good, format!("+ {entry}"))],
            ChangeKind::Removed => vec![(Style::Bad, format!("- {entry}"))],
            ChangeKind::Modified(_) => {
                let mut lines = vec![(Style::Changed, format!("~ {entry}"))];
                lines.extend(self.paths(change));
                lines
            }
        };
        lines.extend(
            losses
                .iter()
                .map(|lost| (Style::Bad, format!("    {}", lost.line()))),
        );
        lines
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
            .flat_map(|path| {
                let replaces = self.replaces(change, path);
                match hidden {
                    true => path_lines(&masked(path), replaces),
                    false => path_lines(path, replaces),
                }
            })
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

    /// The resources `changes` remove, or replace (they change a property the type's schema
    /// says cannot change in place), those `Fn::ForEach` loops write included: what a deploy
    /// without a change set to ask (a stack set's) loses. A resource the new template writes
    /// with a loop instead of declaring it (or the other way round) is not lost unless replaced.
    #[cfg(feature = "deploy")]
    pub fn lost(&self, changes: &[Change]) -> Vec<Lost> {
        let mut lost = Vec::new();
        for change in changes {
            lost.extend(self.loop_losses(change));
            let declared = |template: &'t Template| {
                let resource = template.resources().get(&change.id);
                resource.filter(|_| change.section == Section::Resources)
            };
            let (Some(before), now) = (declared(self.old), declared(self.new)) else {
                continue;
            };
            let before = loops::Entry::of(before);
            lost.extend(match change.kind {
                ChangeKind::Removed => {
                    let now = self.looped_counterpart(&change.id);
                    self.loss(&change.id, &before, now.as_ref())
                }
                ChangeKind::Modified(_) if self.replaced(change) => Some(Lost {
                    id: change.id.clone(),
                    resource_type: before.type_name.to_owned(),
                    retained: before.retained
                        || now.is_some_and(|now| loops::Entry::of(now).retained),
                    how: Loss::Replaced,
                }),
                _ => None,
            });
        }
        lost
    }

    /// The change as the `--json` report has it: section, ID, kind, the resource type (for a
    /// resource), whether it replaces the resource and whether that holds data, the changed
    /// paths, and their old and new values (a NoEcho default masked).
    pub fn to_json(&self, change: &Change) -> Json {
        let hidden = self.is_hidden(change);
        let losses = self.loop_losses(change);
        let (kind, paths) = match &change.kind {
            ChangeKind::Added => ("added", &[][..]),
            ChangeKind::Removed => ("removed", &[][..]),
            ChangeKind::Modified(paths) => ("modified", paths.as_slice()),
        };
        let shown = |path: &PathChange| match hidden {
            true => masked(path),
            false => path.clone(),
        };
        json!({
            "section": change.section.to_string(),
            "id": change.id,
            "kind": kind,
            "type": self.resource_type(change),
            "replaces": paths.iter().any(|p| self.replaces(change, p)),
            "stateful": self.resource_type(change).is_some_and(is_stateful)
                || losses.iter().any(Lost::holds_data),
            "loses": losses.iter().map(|lost| json!({
                "id": lost.id,
                "type": lost.resource_type,
                "how": match lost.how {
                    Loss::Removed => "removed",
                    Loss::Replaced => "replaced",
                    Loss::Uncertain => "uncertain",
                },
                "holds_data": lost.holds_data(),
            })).collect::<Vec<_>>(),
            "paths": paths.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(),
            "values": paths.iter().map(|p| json!({
                "path": p.path,
                "old": shown(p).old,
                "new": shown(p).new,
                "replaces": self.replaces(change, p),
            })).collect::<Vec<_>>(),
        })
    }

    /// `Section.Id` (a top-level key the model has no field for by itself, `Globals`), with the
    /// type of a resource (`Resources.Jobs (AWS::SQS::Queue)`), and
    /// `replaced` when the change replaces it (`, holds data` when its type does, or a loop's
    /// `losses` do).
    fn entry(&self, change: &Change, losses: &[Lost]) -> String {
        let Some(kind) = self.resource_type(change) else {
            let data = match losses.iter().any(Lost::holds_data) {
                true => " holds data",
                false => "",
            };
            return match (change.section, one_line(&change.id)) {
                (Section::Other, id) => id.into_owned(),
                (section, id) if id.is_empty() => section.to_string(),
                (section, id) => format!("{section}.{id}{data}"),
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

    /// Whether the change at `path` replaces the resource: it is its type, or under a property
    /// the type's schema says cannot change in place, or it is the properties as a whole
    /// (added, removed) and such a property differs between them.
    fn replaces(&self, change: &Change, path: &PathChange) -> bool {
        if path.path == "Type" && self.resource_type(change).is_some() {
            return true;
        }
        let Some(within) = path.path.strip_prefix("Properties") else {
            return false;
        };
        let Some(kind) = self.resource_type(change) else {
            return false;
        };
        match within.strip_prefix('.') {
            Some(property) => {
                let property = property.split(['.', '[']).next().unwrap_or_default();
                self.replaced_properties(kind).contains(&property)
            }
            None if within.is_empty() => self.replaces_between(
                kind,
                path.old.as_ref().and_then(Json::as_object),
                path.new.as_ref().and_then(Json::as_object),
            ),
            None => false,
        }
    }

    /// Whether going from the properties `old` to `new` replaces a resource of type `kind`: a
    /// property its schema says cannot change in place differs between them.
    fn replaces_between(
        &self,
        kind: &str,
        old: Option<&serde_json::Map<String, Json>>,
        new: Option<&serde_json::Map<String, Json>>,
    ) -> bool {
        self.replaced_properties(kind)
            .iter()
            .any(|name| old.and_then(|old| old.get(*name)) != new.and_then(|new| new.get(*name)))
    }

    /// The properties whose change replaces a resource of type `kind` (none for a type of a
    /// service the stack's crate does not enable).
    fn replaced_properties(&self, kind: &str) -> &'static [&'static str] {
        self.replaced
            .get_or_init(kumo_core::resources::enabled_replaced_on_change)
            .get(kind)
            .copied()
            .unwrap_or_default()
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

/// The change of a NoEcho parameter's `path` as it may be shown: its default masked (a side
/// without one stays without), whether the path is the default or the whole parameter; its
/// other fields (description, constraints, `NoEcho` itself) as they are.
fn masked(path: &PathChange) -> PathChange {
    let mask = |value: &Option<Json>| {
        let mut value = value.clone()?;
        match path.path.as_str() {
            "Default" => value = Json::String(MASK.to_owned()),
            "" => {
                if let Some(default) = value.get_mut("Default") {
                    *default = Json::String(MASK.to_owned());
                }
            }
            _ => {}
        }
        Some(value)
    };
    PathChange {
        path: path.path.clone(),
        old: mask(&path.old),
        new: mask(&path.new),
    }
}

/// The lines of one changed path: `path: old -> new`, or for long values the path and a line
/// diff of their pretty JSON; `(replaces the resource)` after the path when it does.
fn path_lines(change: &PathChange, replaces: bool) -> Vec<(Style, String)> {
    let note = if replaces {
        " (replaces the resource)"
    } else {
        ""
    };
    let compact = |value: &Option<Json>| match value {
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
                "- Resources.Fn::ForEach::Topics\n    removes TopicA (AWS::SNS::Topic)\n",
                "~ Globals\n    Function.Timeout: 3 -> 5\n"
            ]
        );
    }

    #[cfg(feature = "deploy")]
    #[test]
    fn a_deploy_without_a_change_set_loses_what_it_removes_or_replaces() {
        let build = |resources: &[(&str, Resource)]| {
            let mut template = Template::new();
            for (id, resource) in resources {
                template.add_resource(id, resource.clone()).unwrap();
            }
            template
        };
        let bucket = |name: &str| Resource::new("AWS::S3::Bucket").property("BucketName", name);
        let queue =
            |timeout: u32| Resource::new("AWS::SQS::Queue").property("VisibilityTimeout", timeout);
        let kept =
            Resource::new("AWS::SNS::Topic").deletion_policy(kumo_core::DeletionPolicy::Retain);
        let old = build(&[
            ("Data", bucket("a")),
            ("Jobs", queue(30)),
            ("Kept", kept),
            ("Logs", Resource::new("AWS::Logs::LogGroup")),
            ("Topic", Resource::new("AWS::SNS::Topic")),
        ]);
        let new = build(&[
            ("Data", bucket("b")),
            ("Fresh", bucket("c")),
            ("Jobs", queue(60)),
            ("Kept", Resource::new("AWS::SNS::Subscription")),
        ]);
        let changes = diff(&old, &new);
        let lost = Review::new(&old, &new).lost(&changes);
        let read: Vec<(&str, Loss, bool)> = lost
            .iter()
            .map(|lost| (lost.id.as_str(), lost.how, lost.holds_data()))
            .collect();
        assert_eq!(
            read,
            [
                ("Data", Loss::Replaced, true),
                ("Kept", Loss::Replaced, true),
                ("Logs", Loss::Removed, true),
                ("Topic", Loss::Removed, false)
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
        let shown: Vec<String> = path_lines(&long, false)
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
        assert_eq!(
            shown,
            "~ Parameters.Password\n    Default: \"****\" -> \"****\"\n"
        );
        let report = Review::new(&old, &new).to_json(&changes[0]).to_string();
        assert!(
            !report.contains("hunter2") && !report.contains("correct-horse"),
            "{report}"
        );
        // Its other fields show; a default added shows as added, still masked.
        let mut bare = Template::new();
        bare.add_parameter(
            "Password",
            Parameter::string().no_echo().description("the admin's"),
        )
        .unwrap();
        let changes = diff(&bare, &new);
        let shown = text(&changes[0], &bare, &new);
        assert_eq!(
            shown,
            "~ Parameters.Password\n    Default: (none) -> \"****\"\n    Description: \"the admin's\" -> (none)\n"
        );
        let whole = PathChange {
            path: String::new(),
            old: None,
            new: Some(
                json!({"Type": "String", "NoEcho": true, "Default": "hunter2",
                "Description": "a long description that makes the value too long for one line"}),
            ),
        };
        let lines: String = path_lines(&masked(&whole), false)
            .into_iter()
            .map(|(_, line)| line + "\n")
            .collect();
        assert!(
            !lines.contains("hunter2") && lines.contains("****") && lines.contains("a long"),
            "{lines}"
        );
    }
}
