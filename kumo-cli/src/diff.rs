//! `diff`: what a deploy would change, against `.kumo/applied` or the deployed stack.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use kumo_core::diff::{diff, Change};
use kumo_core::security::SecurityChanges;
use kumo_core::{App, Template};
use serde_json::json;

use crate::cli::DiffArgs;
use crate::engine::Engine;
use crate::error::CliError;
use crate::nested::{self, NestedChanges};
use crate::review::Review;
use crate::secrets::comparable;
use crate::security;
use crate::session::Session;
use crate::stackset;
use crate::synth::{build, select};
use crate::ui::{Style, Ui};

/// Exit code 1: there are changes (as `diff(1)`).
pub const CHANGES: u8 = 1;

/// A change of a deployed stack's settings rather than its template: a parameter value or a
/// tag (compared with `--live` only; `.kumo/applied` holds templates), or an export.
pub struct Setting {
    /// What it is: `parameter`, `tag`, `export`.
    pub kind: &'static str,
    /// Its name.
    pub key: String,
    /// Its value before (`None`: it had none).
    pub old: Option<String>,
    /// Its value after (`None`: it will have none).
    pub new: Option<String>,
}

impl Setting {
    /// How it reads: `~ parameter Size: 1 -> 2`.
    pub fn line(&self) -> String {
        let show = |v: &Option<String>| v.as_deref().unwrap_or("(none)").to_owned();
        format!(
            "~ {} {}: {} -> {}",
            self.kind,
            self.key,
            show(&self.old),
            show(&self.new)
        )
    }

    /// It in the `--json` report.
    pub fn to_json(&self) -> serde_json::Value {
        json!({"kind": self.kind, "key": self.key, "old": self.old, "new": self.new})
    }
}

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &DiffArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let client = session.client_if(args.live).await;
    let ui = &session.ui;
    let mut changed = false;
    let built = select(app, &args.selection.stacks)?
        .into_iter()
        .map(|stack| Ok((stack, build(stack, &session.env)?)))
        .collect::<Result<Vec<_>, CliError>>()?;
    let pairs: Vec<_> = built.iter().map(|(s, t)| (*s, t)).collect();
    session.check_shared(app, &pairs, &args.params)?;
    for (stack, new) in built {
        let name = session.stack_name(stack);
        let mut settings = Vec::new();
        let mut instances = Vec::new();
        // Only a live read goes to the stack's own region; without --live, `.kumo` answers.
        let own = match args.live {
            true => session.own_region_client(stack.name()).await,
            false => None,
        };
        let old = match own.as_ref().or(client.as_ref()) {
            Some(client) => {
                let deployed = match stackset::settings(session, stack) {
                    Some(set) => stackset::live(session, stack, set, client)
                        .await?
                        .map(|live| {
                            instances = live.instance_lines();
                            (live.parameters, live.tags, live.template)
                        }),
                    None => {
                        let engine = Engine::new(client, &name);
                        match engine.describe().await? {
                            Some(deployed) => Some((
                                deployed.parameters,
                                deployed.tags,
                                engine.deployed_template().await?,
                            )),
                            None => None,
                        }
                    }
                };
                match deployed {
                    Some((parameters, tags, template)) => {
                        let given = session
                            .deploy_parameters(stack, &new, &args.params, client)
                            .await?;
                        let wanted = comparable(&new, Session::effective_parameters(&new, &given));
                        let had = comparable(&new, parameters);
                        settings.extend(compare("parameter", had, wanted));
                        // No tags are not sent, and the stack keeps its own (see deploy).
                        let wanted_tags = session.stack_tags(stack, &new);
                        if !wanted_tags.is_empty() {
                            settings.extend(compare("tag", tags, wanted_tags));
                        }
                        Some(template)
                    }
                    None => None,
                }
            }
            None => session.state.applied(
                session.env.name(),
                stack.name(),
                session.target_filter(stack.name()),
            )?,
        };
        let nothing = Template::new();
        let before = old.as_ref().unwrap_or(&nothing);
        let changes = diff(before, &new);
        let review = Review::new(before, &new);
        let security = SecurityChanges::between(before, &new);
        let nested = nested::changes(&session.state, before, &new)?;
        let count = changes.len()
            + settings.len()
            + instances.len()
            + nested.iter().map(|n| n.changes.len()).sum::<usize>();

        let shown = Shown {
            name: &name,
            deployed: old.is_some(),
            review: &review,
            changes: &changes,
            settings: &settings,
            instances: &instances,
            nested: &nested,
            security: &security,
        };
        write!(out, "{}", painted(ui, &shown.lines())).map_err(CliError::Stdout)?;
        ui.report(
            &name,
            json!({
                "deployed": old.is_some(),
                "changes": changes
                    .iter()
                    .map(|change| review.to_json(change))
                    .collect::<Vec<_>>(),
                "settings": settings.iter().map(Setting::to_json).collect::<Vec<_>>(),
                "nested": nested.iter().map(|child| {
                    let before = child.before.as_ref().unwrap_or(&nothing);
                    let review = Review::new(before, &child.after);
                    json!({
                        "stack": child.path,
                        "changes": child.changes.iter().map(|c| review.to_json(c)).collect::<Vec<_>>(),
                    })
                }).collect::<Vec<_>>(),
                "instances": instances.iter().map(|(_, line)| line.clone()).collect::<Vec<_>>(),
                "security": serde_json::to_value(&security).unwrap_or_default(),
            }),
        );
        changed |= count > 0;
    }
    Ok(if changed {
        ExitCode::from(CHANGES)
    } else {
        ExitCode::SUCCESS
    })
}

/// What `diff` shows of one stack.
struct Shown<'a> {
    name: &'a str,
    deployed: bool,
    review: &'a Review<'a>,
    changes: &'a [Change],
    settings: &'a [Setting],
    /// The stack set's instances to add, remove and update (none for a stack).
    instances: &'a [(Style, String)],
    /// The changes of its nested stacks.
    nested: &'a [NestedChanges],
    security: &'a SecurityChanges,
}

impl Shown<'_> {
    /// A line that sums it up, then (indented) each change, each setting and the security
    /// view.
    fn lines(&self) -> Vec<(Style, String)> {
        let name = self.name;
        let count = self.changes.len()
            + self.settings.len()
            + self.instances.len()
            + self.nested.iter().map(|n| n.changes.len()).sum::<usize>();
        let summary = match (self.deployed, count) {
            (_, 0) => format!("{name}: no changes"),
            (false, _) => format!("{name}: not deployed; a deploy creates it"),
            (true, n) => format!("{name}: {n} change(s)"),
        };
        let mut body: Vec<(Style, String)> = self
            .changes
            .iter()
            .flat_map(|c| self.review.lines(c))
            .collect();
        body.extend(nested_lines(self.nested));
        body.extend(self.settings.iter().map(|s| (Style::Changed, s.line())));
        body.extend(self.instances.iter().cloned());
        body.extend(security::lines(self.security));
        std::iter::once((Style::Plain, summary))
            .chain(
                body.into_iter()
                    .map(|(style, line)| (style, format!("  {line}"))),
            )
            .collect()
    }
}

/// The changes of each nested stack that has some, under a line naming it.
fn nested_lines(nested: &[NestedChanges]) -> Vec<(Style, String)> {
    let nothing = Template::new();
    let mut lines = Vec::new();
    for child in nested.iter().filter(|n| !n.changes.is_empty()) {
        let known = if child.unknown {
            ", its deployed template not kept here: all of it shown"
        } else {
            ""
        };
        lines.push((Style::Plain, format!("nested stack {}{known}:", child.path)));
        let before = child.before.as_ref().unwrap_or(&nothing);
        let review = Review::new(before, &child.after);
        for change in &child.changes {
            lines.extend(
                review
                    .lines(change)
                    .into_iter()
                    .map(|(style, line)| (style, format!("  {line}"))),
            );
        }
    }
    lines
}

/// `lines` in their colours (when `ui` has colour on), one a line.
fn painted(ui: &Ui, lines: &[(Style, String)]) -> String {
    lines
        .iter()
        .map(|(style, line)| ui.paint(*style, line) + "\n")
        .collect()
}

/// The differences between two sets of `kind` settings.
pub fn compare(
    kind: &'static str,
    old: BTreeMap<String, String>,
    new: BTreeMap<String, String>,
) -> Vec<Setting> {
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|key| old.get(*key) != new.get(*key))
        .map(|key| Setting {
            kind,
            key: key.clone(),
            old: old.get(key).cloned(),
            new: new.get(key).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod rendered;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_compare_by_key() {
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let found = compare(
            "tag",
            map(&[("a", "1"), ("b", "2"), ("c", "3")]),
            map(&[("a", "1"), ("b", "9"), ("d", "4")]),
        );
        let lines: Vec<String> = found
            .iter()
            .map(|s| format!("{} {:?} {:?}", s.key, s.old, s.new))
            .collect();
        assert_eq!(
            lines,
            [
                "b Some(\"2\") Some(\"9\")",
                "c Some(\"3\") None",
                "d None Some(\"4\")"
            ]
        );
    }
}
