//! How a change set reads before it runs (`plan`, a deploy's confirmation, `deploy --prepare`
//! and `--execute`): per resource its type, what happens to it (add, modify, replace, remove),
//! CloudFormation's replacement marks (`Replacement`, `Scope`, each target's
//! `RequiresRecreation`) beside the schema's, and each changed property path with its old and
//! new value ([`Review`]); then the parameter values, tags, outputs and exports that change, by
//! name. NoEcho parameter values are masked.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::LazyLock;

use kumo_core::diff::{diff, Change};
use kumo_core::{Section, Template};
use serde_json::{json, Value as Json};

use kumo_core::resources::is_stateful;

use crate::changes::ResourceChange;
use crate::diff::live::compare;
use crate::diff::Setting;
use crate::engine::Deployed;
use crate::error::CliError;
use crate::review::Review;
use crate::secrets::MASK;
use crate::session::Session;
use crate::ui::{Style, Ui};

/// The template of a stack not deployed yet: it has nothing.
static NOTHING: LazyLock<Template> = LazyLock::new(Template::new);

/// What a change set does to one stack.
pub struct Proposal<'t> {
    review: Review<'t>,
    /// The template's changes (resources and outputs).
    template: Vec<Change>,
    /// The change set's resource changes.
    resources: &'t [ResourceChange],
    /// Parameter values, tags and exports that change.
    settings: Vec<Setting>,
}

impl<'t> Proposal<'t> {
    /// The change set `resources` that takes a stack from `current` (its deployed template and
    /// what CloudFormation says of it; `None` for a new stack) to `new` with the parameter
    /// values `sent` (defaults fill the rest) and `tags`. Tags are compared only when some are
    /// sent: CloudFormation keeps a stack's own otherwise.
    pub fn new(
        current: Option<(&'t Template, &Deployed)>,
        new: &'t Template,
        resources: &'t [ResourceChange],
        sent: &BTreeMap<String, String>,
        tags: &BTreeMap<String, String>,
    ) -> Proposal<'t> {
        let none = BTreeMap::new();
        let (old, had_parameters, had_tags) = match current {
            Some((template, deployed)) => (template, &deployed.parameters, &deployed.tags),
            None => (&*NOTHING, &none, &none),
        };
        let hidden: BTreeSet<String> = [old, new]
            .iter()
            .flat_map(|t| t.no_echo_parameters())
            .map(str::to_owned)
            .collect();
        let masked = |values: &BTreeMap<String, String>| -> BTreeMap<String, String> {
            values
                .iter()
                .map(|(key, value)| {
                    let shown = if hidden.contains(key) { MASK } else { value };
                    (key.clone(), shown.to_owned())
                })
                .collect()
        };
        let mut settings = compare(
            "parameter",
            masked(had_parameters),
            masked(&Session::effective_parameters(new, sent)),
        );
        if !tags.is_empty() {
            settings.extend(compare("tag", had_tags.clone(), tags.clone()));
        }
        settings.extend(compare("export", exports(old), exports(new)));
        let template = diff(old, new);
        Proposal {
            review: Review::new(old, new),
            template,
            resources,
            settings,
        }
    }

    /// The first line: how many changes, or that only settings or outputs change.
    pub fn headline(&self, stack: &str) -> String {
        let others = self.settings.len() + self.outputs().count() + self.declarations().count();
        match (self.resources.len(), others) {
            (0, 0) => format!("{stack}: no resource changes"),
            (0, n) => format!("{stack}: no resource changes; {n} other change(s)"),
            (n, 0) => format!("{stack}: {n} change(s)"),
            (n, m) => format!("{stack}: {n} change(s) of resources, {m} other change(s)"),
        }
    }

    /// Prints the headline and the lines (indented) on `out`.
    pub fn print(&self, stack: &str, ui: &Ui, out: &mut dyn Write) -> Result<(), CliError> {
        writeln!(out, "{}", self.headline(stack)).map_err(CliError::Stdout)?;
        for (style, line) in self.lines() {
            writeln!(out, "  {}", ui.paint(style, &line)).map_err(CliError::Stdout)?;
        }
        Ok(())
    }

    /// The lines after the headline, with their style.
    pub fn lines(&self) -> Vec<(Style, String)> {
        let mut lines = Vec::new();
        for change in self.resources {
            let template = self.template_change(change);
            let replaced_offline = self.schema_replaces(change);
            let mut head = change.to_string();
            if replaced_offline {
                head.push_str(" (schema: replaces)");
            }
            if self.loses_data(change, replaced_offline) {
                head.push_str(", holds data");
            }
            let style = if replaced_offline {
                Style::Bad
            } else {
                change.style()
            };
            lines.push((style, head));
            if let Some(live) = live_line(change) {
                lines.push((Style::Dim, live));
            }
            if let Some(template) = template {
                lines.extend(self.review.paths(template));
            }
        }
        for declaration in self.declarations() {
            lines.extend(self.review.lines(declaration));
        }
        for setting in &self.settings {
            lines.push((Style::Changed, setting.line()));
        }
        for output in self.outputs() {
            lines.extend(self.review.lines(output));
        }
        lines
    }

    /// The `--json` report's fields: `changes` (per resource: CloudFormation's action,
    /// replacement, scope and recreation per target, kumo's `kind`, `stateful`, and the
    /// template's `replaces` and `values`), `parameters`, `tags`, `exports` (each `key`, `old`,
    /// `new`) and `outputs` (as `diff` reports them).
    pub fn to_json(&self) -> serde_json::Map<String, Json> {
        let changes: Vec<Json> = self
            .resources
            .iter()
            .map(|change| {
                let template = self.template_change(change);
                let mut entry = change.to_json();
                entry["kind"] = json!(change.kind());
                entry["stateful"] = json!(is_stateful(&change.resource_type));
                let offline = template.map(|c| self.review.to_json(c));
                entry["replaces"] = offline
                    .as_ref()
                    .map_or(json!(false), |o| o["replaces"].clone());
                entry["values"] = offline.map_or(json!([]), |o| o["values"].clone());
                entry
            })
            .collect();
        let settings = |kind: &str| -> Json {
            self.settings
                .iter()
                .filter(|s| s.kind == kind)
                .map(Setting::to_json)
                .collect()
        };
        let mut report = serde_json::Map::new();
        report.insert("changes".to_owned(), Json::Array(changes));
        report.insert("parameters".to_owned(), settings("parameter"));
        report.insert("tags".to_owned(), settings("tag"));
        report.insert("exports".to_owned(), settings("export"));
        report.insert(
            "outputs".to_owned(),
            self.outputs().map(|c| self.review.to_json(c)).collect(),
        );
        report.insert(
            "template".to_owned(),
            self.declarations()
                .map(|c| self.review.to_json(c))
                .collect(),
        );
        report
    }

    /// The template's change of the resource `change` is of.
    fn template_change(&self, change: &ResourceChange) -> Option<&Change> {
        self.template
            .iter()
            .find(|c| c.section == Section::Resources && c.id == change.logical_id)
    }

    /// Whether the template's change of the resource `change` is of, by the type's schema,
    /// replaces it (a property that cannot change in place differs).
    pub fn schema_replaces(&self, change: &ResourceChange) -> bool {
        self.template_change(change)
            .is_some_and(|c| self.review.replaced(c))
    }

    /// The template's changes beside its resources, outputs and parameters (whose values are
    /// shown by name): the format version, description, transforms, metadata, rules, mappings,
    /// conditions, hooks and top-level keys kumo has no field for.
    fn declarations(&self) -> impl Iterator<Item = &Change> {
        self.template.iter().filter(|c| {
            !matches!(
                c.section,
                Section::Resources | Section::Outputs | Section::Parameters
            )
        })
    }

    /// The template's changes of outputs.
    fn outputs(&self) -> impl Iterator<Item = &Change> {
        self.template
            .iter()
            .filter(|c| c.section == Section::Outputs)
    }

    /// Whether the change may lose a resource that holds data: it removes it, or
    /// CloudFormation or the schema says it replaces it.
    fn loses_data(&self, change: &ResourceChange, replaced_offline: bool) -> bool {
        is_stateful(&change.resource_type)
            && (change.action == "Remove"
                || matches!(change.replacement.as_str(), "True" | "Conditional")
                || replaced_offline)
    }
}

/// CloudFormation's own word on a modification: its scope, and each target with whether
/// changing it recreates the resource.
fn live_line(change: &ResourceChange) -> Option<String> {
    if change.scope.is_empty() && change.details.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !change.scope.is_empty() {
        parts.push(format!("scope {}", change.scope.join(", ")));
    }
    let targets: Vec<String> = change
        .details
        .iter()
        .map(|d| format!("{} recreation {}", d.target, d.requires_recreation))
        .collect();
    if !targets.is_empty() {
        parts.push(targets.join(", "));
    }
    Some(format!("    CloudFormation: {}", parts.join("; ")))
}

/// The export names of `template`'s outputs, by output: a plain name as it is, one made by an
/// intrinsic as its JSON.
fn exports(template: &Template) -> BTreeMap<String, String> {
    template
        .outputs()
        .iter()
        .filter_map(|(id, output)| {
            let name = match output.export_name()? {
                Json::String(name) => name.clone(),
                other => other.to_string(),
            };
            Some((id.clone(), name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use kumo_core::{Output, Parameter, Resource};

    use super::*;
    use crate::changes::Detail;
    use crate::engine::tests::pairs;

    /// A deployed stack with `parameters` and `tags`.
    fn deployed(parameters: &[(&str, &str)], tags: &[(&str, &str)]) -> Deployed {
        crate::engine::tests::deployed("UPDATE_COMPLETE", parameters, tags)
    }

    fn text(proposal: &Proposal<'_>) -> String {
        proposal
            .lines()
            .into_iter()
            .map(|(_, line)| line + "\n")
            .collect()
    }

    #[test]
    fn a_change_of_the_template_beside_its_resources_is_shown() {
        let old = Template::new().with_description("Jobs.");
        let mut new = Template::new().with_description("Jobs, and more.");
        new.set_metadata("Owner", "platform".into());
        let current = deployed(&[], &[]);
        let proposal = Proposal::new(Some((&old, &current)), &new, &[], &pairs(&[]), &pairs(&[]));
        assert_eq!(
            proposal.headline("jobs-dev"),
            "jobs-dev: no resource changes; 2 other change(s)"
        );
        assert_eq!(
            text(&proposal),
            "~ Description\n\
             \x20   \"Jobs.\" -> \"Jobs, and more.\"\n\
             + Metadata.Owner\n"
        );
        assert_eq!(proposal.to_json()["template"][1]["section"], "Metadata");
    }

    #[test]
    fn resources_read_with_live_and_schema_marks_and_settings_by_name() {
        let mut old = Template::new();
        old.add_resource(
            "Jobs",
            Resource::new("AWS::SQS::Queue").property("QueueName", "jobs-a"),
        )
        .unwrap();
        old.add_resource("Alerts", Resource::new("AWS::SNS::Topic"))
            .unwrap();
        old.add_parameter("Password", Parameter::string().no_echo())
            .unwrap();
        old.add_output("Url", Output::new("a").export("jobs-url"))
            .unwrap();
        let mut new = Template::new();
        new.add_resource(
            "Jobs",
            Resource::new("AWS::SQS::Queue").property("QueueName", "jobs-b"),
        )
        .unwrap();
        new.add_parameter("Password", Parameter::string().no_echo())
            .unwrap();
        new.add_parameter("Size", Parameter::string()).unwrap();
        new.add_output("Url", Output::new("b")).unwrap();
        let changes = [
            ResourceChange {
                action: "Modify".into(),
                logical_id: "Jobs".into(),
                resource_type: "AWS::SQS::Queue".into(),
                replacement: "True".into(),
                scope: vec!["Properties".into()],
                details: vec![Detail {
                    target: "Properties.QueueName".into(),
                    requires_recreation: "Always".into(),
                }],
            },
            ResourceChange {
                action: "Remove".into(),
                logical_id: "Alerts".into(),
                resource_type: "AWS::SNS::Topic".into(),
                replacement: String::new(),
                scope: Vec::new(),
                details: Vec::new(),
            },
        ];
        let current = deployed(&[("Password", "****")], &[("team", "a")]);
        let proposal = Proposal::new(
            Some((&old, &current)),
            &new,
            &changes,
            &pairs(&[("Password", "hunter2"), ("Size", "3")]),
            &pairs(&[("team", "b")]),
        );
        assert_eq!(
            proposal.headline("jobs-dev"),
            "jobs-dev: 2 change(s) of resources, 4 other change(s)"
        );
        assert_eq!(
            text(&proposal),
            "~ Jobs (AWS::SQS::Queue) replace REPLACED (schema: replaces), holds data\n\
             \x20   CloudFormation: scope Properties; Properties.QueueName recreation Always\n\
             \x20   Properties.QueueName: \"jobs-a\" -> \"jobs-b\" (replaces the resource)\n\
             - Alerts (AWS::SNS::Topic) remove\n\
             ~ parameter Size: (none) -> 3\n\
             ~ tag team: a -> b\n\
             ~ export Url: jobs-url -> (none)\n\
             ~ Outputs.Url\n\
             \x20   Export: {\"Name\":\"jobs-url\"} -> (none)\n\
             \x20   Value: \"a\" -> \"b\"\n"
        );
        let report = Json::Object(proposal.to_json());
        assert!(!report.to_string().contains("hunter2"), "{report}");
        assert_eq!(report["changes"][0]["kind"], "replace");
        assert_eq!(report["changes"][0]["replaces"], true);
        assert_eq!(report["changes"][0]["stateful"], true);
        assert_eq!(
            report["changes"][0]["recreation"][0]["requires_recreation"],
            "Always"
        );
        assert_eq!(report["changes"][0]["values"][0]["new"], "jobs-b");
        assert_eq!(report["changes"][1]["kind"], "remove");
        assert_eq!(report["parameters"][0]["key"], "Size");
        assert_eq!(report["tags"][0]["new"], "b");
        assert_eq!(report["exports"][0]["old"], "jobs-url");
        assert_eq!(report["outputs"][0]["id"], "Url");
    }

    #[test]
    fn a_no_echo_value_is_masked_on_both_sides() {
        let mut template = Template::new();
        template
            .add_parameter("Password", Parameter::string().no_echo())
            .unwrap();
        let current = deployed(&[], &[]);
        let sent = pairs(&[("Password", "hunter2")]);
        let proposal = Proposal::new(
            Some((&template, &current)),
            &template,
            &[],
            &sent,
            &BTreeMap::new(),
        );
        assert_eq!(
            proposal.headline("jobs-dev"),
            "jobs-dev: no resource changes; 1 other change(s)"
        );
        assert_eq!(text(&proposal), "~ parameter Password: (none) -> ****\n");
    }

    /// What `plan` prints of `proposal` for `jobs-dev`, colour on or off.
    fn rendered(proposal: &Proposal<'_>, color: bool) -> String {
        let mut ui = Ui::default();
        ui.color = color;
        let mut out = Vec::new();
        proposal.print("jobs-dev", &ui, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A template of one bucket named `name`, with an exported output when `exported`.
    fn bucket(name: &str, exported: bool) -> Template {
        let mut t = Template::new();
        t.add_resource(
            "Data",
            Resource::new("AWS::S3::Bucket").property("BucketName", name),
        )
        .unwrap();
        t.add_parameter("Size", Parameter::string().default_value("1"))
            .unwrap();
        t.add_parameter("Password", Parameter::string().no_echo())
            .unwrap();
        let output = Output::new(kumo_core::intrinsic::reference::<String>("Data"));
        let output = if exported {
            output.export("jobs-dev-DataName")
        } else {
            output
        };
        t.add_output("DataName", output).unwrap();
        t
    }

    fn replaced_bucket() -> ResourceChange {
        ResourceChange {
            action: "Modify".into(),
            logical_id: "Data".into(),
            resource_type: "AWS::S3::Bucket".into(),
            replacement: "True".into(),
            scope: vec!["Properties".into()],
            details: vec![Detail {
                target: "Properties.BucketName".into(),
                requires_recreation: "Always".into(),
            }],
        }
    }

    #[test]
    fn snapshots_of_the_review_before_a_deploy() {
        let current = deployed(&[("Size", "1"), ("Password", "****")], &[("team", "a")]);
        let sent = pairs(&[("Password", "hunter2")]);
        let tags = pairs(&[("team", "a")]);
        let (old, renamed) = (bucket("data-a", true), bucket("data-b", true));
        let changes = [replaced_bucket()];
        let replacement = Proposal::new(Some((&old, &current)), &renamed, &changes, &sent, &tags);
        insta::assert_snapshot!("stateful_replacement", rendered(&replacement, false));
        insta::assert_snapshot!(
            "stateful_replacement_in_colour",
            rendered(&replacement, true)
        );
        insta::assert_json_snapshot!(
            "stateful_replacement_json",
            Json::Object(replacement.to_json())
        );

        let resized = pairs(&[("Password", "hunter2"), ("Size", "2")]);
        let parameters = Proposal::new(Some((&old, &current)), &old, &[], &resized, &tags);
        insta::assert_snapshot!("parameter_only", rendered(&parameters, false));

        let unexported = bucket("data-a", false);
        let export = Proposal::new(Some((&old, &current)), &unexported, &[], &sent, &tags);
        insta::assert_snapshot!("export_removed", rendered(&export, false));

        let none = Proposal::new(Some((&old, &current)), &old, &[], &sent, &tags);
        insta::assert_snapshot!("no_change", rendered(&none, false));
    }
}
