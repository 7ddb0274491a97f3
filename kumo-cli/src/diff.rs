//! `diff`: what a deploy would change, against `.kumo/applied` (here, without the network) or
//! the deployed stack ([`live`], with `--live`).

use std::io::Write;
use std::process::ExitCode;

use kumo_core::diff::{diff, Change};
use kumo_core::security::SecurityChanges;
use kumo_core::{App, Stack, Template, Written};
use serde_json::json;

use crate::cli::DiffArgs;
use crate::error::CliError;
use crate::nested::{self, NestedChanges};
use crate::review::Review;
use crate::security;
use crate::state::{self, Kept, RecordKey};
use crate::synth::{build_written, select};
use crate::ui::{Style, Ui};
use crate::workspace::Workspace;

#[cfg(feature = "deploy")]
pub mod live;

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
    /// How it reads: `~ parameter Size: 1 -> 2`; a name or value with a control character in
    /// it (a line break) is quoted with escapes (`"a\nb"`), so that a change is one line.
    pub fn line(&self) -> String {
        let show = |v: &Option<String>| {
            v.as_deref()
                .map_or("(none)".into(), crate::ui::one_line)
                .into_owned()
        };
        format!(
            "~ {} {}: {} -> {}",
            self.kind,
            crate::ui::one_line(&self.key),
            show(&self.old),
            show(&self.new)
        )
    }

    /// It in the `--json` report.
    pub fn to_json(&self) -> serde_json::Value {
        json!({"kind": self.kind, "key": self.key, "old": self.old, "new": self.new})
    }
}

/// `diff` without `--live`: each selected stack's template against the one `.kumo/applied`
/// holds for the workspace's target. Exit code [`CHANGES`] when any stack has changes.
pub fn offline(
    app: &dyn App,
    workspace: Workspace<'_>,
    args: &DiffArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let mut changed = false;
    let mut built = built(app, workspace, args)?;
    let mut set_aside = Vec::new();
    for (stack, new, json) in &mut built {
        let name = workspace.stack_name(*stack);
        let key = RecordKey::new(app, workspace.env, *stack, &name);
        let kept = workspace.state.applied_beside(
            workspace.env.name(),
            key,
            workspace.target_filter(stack.name()),
            json.as_str(),
        )?;
        // Offline, no settings or instances are compared.
        let offline = || (Vec::new(), Vec::new());
        changed |= match kept {
            // Kept as it would be written now: the same template, not read again.
            Kept::Same => {
                let alike = (Vec::new(), Vec::new());
                show(workspace, &name, Some(new), new, alike, offline(), out)?
            }
            // Only what is written differently is read, and compared.
            Kept::Other { path, text } => {
                let (old, alike) = state::parse_beside(&path, &text, json)?;
                set_aside.push(new.take_resources(&alike));
                let compared = compared(workspace, &old, new)?;
                let shown = show(workspace, &name, Some(&old), new, compared, offline(), out)?;
                set_aside.push(old);
                shown
            }
            Kept::Nothing => {
                let compared = compared(workspace, &Template::new(), new)?;
                show(workspace, &name, None, new, compared, offline(), out)?
            }
        };
    }
    // As `synth`, leaves freeing the templates (a third of a no-op diff's time) to the exit.
    std::mem::forget((built, set_aside));
    Ok(exit_code(changed))
}

/// The selected stacks of `app`, their templates and their JSON, once kumo.toml's parameter
/// values and `--param` have been checked against them.
fn built<'a>(
    app: &'a dyn App,
    workspace: Workspace<'_>,
    args: &DiffArgs,
) -> Result<Vec<(&'a dyn Stack, Template, Written)>, CliError> {
    let built = select(app, &args.selection.stacks)?
        .into_iter()
        .map(|stack| {
            let (template, json) = build_written(stack, workspace.env)?;
            Ok((stack, template, json))
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    let pairs: Vec<_> = built.iter().map(|(s, t, _)| (*s, t)).collect();
    workspace.check_shared(app, &pairs, &args.params)?;
    Ok(built)
}

/// 0 without changes, [`CHANGES`] with.
fn exit_code(changed: bool) -> ExitCode {
    match changed {
        true => ExitCode::from(CHANGES),
        false => ExitCode::SUCCESS,
    }
}

/// The changes of the template `new` over `before`, and of their nested stacks, whose deployed
/// templates are those `.kumo/nested` keeps (none when the two are alike: they name the same
/// nested templates, by content hash).
fn compared(
    workspace: Workspace<'_>,
    before: &Template,
    new: &Template,
) -> Result<(Vec<Change>, Vec<NestedChanges>), CliError> {
    let changes = diff(before, new);
    let nested = match changes.is_empty() {
        true => Vec::new(),
        false => nested::changes(workspace.state, before, new)?,
    };
    Ok((changes, nested))
}

/// Prints and reports what a deploy of `new` over `old` (`None`: not deployed) changes in the
/// stack called `name`: the `changes` of its template and of its `nested` stacks, with the
/// changes of its `settings` and stack set `instances` found live; returns whether anything
/// changes.
fn show(
    workspace: Workspace<'_>,
    name: &str,
    old: Option<&Template>,
    new: &Template,
    (changes, nested): (Vec<Change>, Vec<NestedChanges>),
    (settings, instances): (Vec<Setting>, Vec<(Style, String)>),
    out: &mut dyn Write,
) -> Result<bool, CliError> {
    let ui = workspace.ui;
    let nothing = Template::new();
    let before = old.unwrap_or(&nothing);
    let review = Review::new(before, new);
    let security = match changes.is_empty() {
        true => SecurityChanges::default(),
        false => security::between(before, new, &nested),
    };
    let shown = Shown {
        name,
        deployed: old.is_some(),
        review: &review,
        changes: &changes,
        settings: &settings,
        instances: &instances,
        nested: &nested,
        security: &security,
    };
    // With --json the report is what is printed, and the text would go nowhere.
    if ui.json {
        shown.report(ui);
    } else {
        write!(out, "{}", painted(ui, &shown.lines())).map_err(CliError::Stdout)?;
    }
    Ok(shown.count() > 0)
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
    /// How many changes it shows: of the template, its nested stacks, settings and instances.
    fn count(&self) -> usize {
        self.changes.len()
            + self.settings.len()
            + self.instances.len()
            + self.nested.iter().map(|n| n.changes.len()).sum::<usize>()
    }

    /// Records it for the `--json` report.
    fn report(&self, ui: &Ui) {
        let nothing = Template::new();
        let nested = self.nested.iter().filter(|child| !child.changes.is_empty());
        ui.report(
            self.name,
            json!({
                "deployed": self.deployed,
                "changes": self.changes
                    .iter()
                    .map(|change| self.review.to_json(change))
                    .collect::<Vec<_>>(),
                "settings": self.settings.iter().map(Setting::to_json).collect::<Vec<_>>(),
                "nested": nested.map(|child| {
                    let before = child.before.as_ref().unwrap_or(&nothing);
                    let review = Review::new(before, &child.after);
                    json!({
                        "stack": child.path,
                        "changes": child.changes.iter().map(|c| review.to_json(c)).collect::<Vec<_>>(),
                    })
                }).collect::<Vec<_>>(),
                "instances": self.instances.iter().map(|(_, line)| line.clone()).collect::<Vec<_>>(),
                "security": serde_json::to_value(self.security).unwrap_or_default(),
            }),
        );
    }

    /// A line that sums it up, then (indented) each change, each setting and the security
    /// view.
    fn lines(&self) -> Vec<(Style, String)> {
        let name = self.name;
        let summary = match (self.deployed, self.count()) {
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

#[cfg(test)]
mod rendered;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_is_one_line_whatever_its_value_holds() {
        let setting = |old: Option<&str>, new: &str| Setting {
            kind: "parameter",
            key: "Stage".to_owned(),
            old: old.map(str::to_owned),
            new: Some(new.to_owned()),
        };
        assert_eq!(
            setting(Some("dev"), "prod").line(),
            "~ parameter Stage: dev -> prod"
        );
        assert_eq!(
            setting(None, "a\nb\u{1b}[0m").line(),
            "~ parameter Stage: (none) -> \"a\\nb\\u{1b}[0m\""
        );
    }
}
