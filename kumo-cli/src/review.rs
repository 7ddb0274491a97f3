//! How a template change reads: one line per entry (with the resource type), then each changed
//! path with its old and new value; a long value as a line diff. A NoEcho parameter's default is
//! never shown.

use kumo_core::diff::{Change, ChangeKind, PathChange};
use kumo_core::{Section, Template};
use serde_json::{json, Value as Json};
use similar::{ChangeTag, TextDiff};

use crate::secrets::MASK;
use crate::ui::Style;

/// Values up to this many characters (compact JSON) are shown on one line.
const SHORT: usize = 60;

/// Lines of unchanged context around each change of a long value.
const CONTEXT: usize = 2;

/// One change between the `old` and `new` templates, as lines with their style.
pub fn lines(change: &Change, old: &Template, new: &Template) -> Vec<(Style, String)> {
    let entry = entry(change, old, new);
    match &change.kind {
        ChangeKind::Added => vec![(Style::Good, format!("+ {entry}"))],
        ChangeKind::Removed => vec![(Style::Bad, format!("- {entry}"))],
        ChangeKind::Modified(paths) => {
            let mut lines = vec![(Style::Changed, format!("~ {entry}"))];
            let hidden = is_hidden(change, old, new);
            for path in paths {
                lines.extend(path_lines(path, hidden));
            }
            lines
        }
    }
}

/// The change as the `--json` report has it: section, ID, kind, the resource type (for a
/// resource), the changed paths, and their old and new values (a NoEcho default masked).
pub fn to_json(change: &Change, old: &Template, new: &Template) -> Json {
    let hidden = is_hidden(change, old, new);
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
        "type": resource_type(change, old, new),
        "paths": paths.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(),
        "values": paths.iter().map(|p| json!({
            "path": p.path, "old": mask(&p.old), "new": mask(&p.new),
        })).collect::<Vec<_>>(),
    })
}

/// `Section.Id`, with the type of a resource: `Resources.Jobs (AWS::SQS::Queue)`.
fn entry(change: &Change, old: &Template, new: &Template) -> String {
    match resource_type(change, old, new) {
        Some(kind) => format!("{}.{} ({kind})", change.section, change.id),
        None => format!("{}.{}", change.section, change.id),
    }
}

/// The type of the resource the change is of (as the new template has it, else the old).
fn resource_type<'t>(change: &Change, old: &'t Template, new: &'t Template) -> Option<&'t str> {
    if change.section != Section::Resources {
        return None;
    }
    new.resources()
        .get(&change.id)
        .or_else(|| old.resources().get(&change.id))
        .map(|resource| resource.type_name())
}

/// Whether the change's values must not be shown: a NoEcho parameter's.
fn is_hidden(change: &Change, old: &Template, new: &Template) -> bool {
    change.section == Section::Parameters
        && [old, new].iter().any(|template| {
            template
                .parameters()
                .get(&change.id)
                .is_some_and(|parameter| parameter.is_no_echo())
        })
}

/// The lines of one changed path: `path: old -> new`, or for long values the path and a line
/// diff of their pretty JSON.
fn path_lines(change: &PathChange, hidden: bool) -> Vec<(Style, String)> {
    let compact = |value: &Option<Json>| match value {
        _ if hidden => MASK.to_owned(),
        None => "(none)".to_owned(),
        Some(value) => value.to_string(),
    };
    let (old, new) = (compact(&change.old), compact(&change.new));
    if old.len() <= SHORT && new.len() <= SHORT {
        return vec![(
            Style::Changed,
            format!("    {}: {old} -> {new}", change.path),
        )];
    }
    let pretty = |value: &Option<Json>| {
        value
            .as_ref()
            .map(|v| serde_json::to_string_pretty(v).unwrap_or_default() + "\n")
            .unwrap_or_default()
    };
    let (old, new) = (pretty(&change.old), pretty(&change.new));
    let mut lines = vec![(Style::Changed, format!("    {}:", change.path))];
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
        lines(change, old, new)
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
            "~ Resources.Jobs (AWS::SQS::Queue)\n    Properties.QueueName: (none) -> \"jobs\"\n    Properties.VisibilityTimeout: 30 -> 60\n"
        );
        assert_eq!(
            text(&changes[1], &old, &new),
            "+ Resources.Logs (AWS::Logs::LogGroup)\n"
        );
        let report = to_json(&changes[0], &old, &new);
        assert_eq!(report["type"], "AWS::SQS::Queue");
        assert_eq!(report["values"][1]["old"], 30);
        assert_eq!(report["values"][1]["new"], 60);
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
        assert_eq!(shown, "~ Parameters.Password\n    Default: **** -> ****\n");
        let report = to_json(&changes[0], &old, &new).to_string();
        assert!(
            !report.contains("hunter2") && !report.contains("correct-horse"),
            "{report}"
        );
    }
}
