//! The progress of a stack operation: a bar of resources done on a terminal, plain lines of
//! events otherwise, each status in its colour.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::CliError;
use crate::events::{outcome, Event, Outcome};
use crate::ui::{Style, Ui};

/// The colour of a status such as `CREATE_FAILED`.
pub fn status_style(status: &str) -> Style {
    match outcome(status) {
        Outcome::InProgress => Style::Dim,
        Outcome::Succeeded => Style::Good,
        Outcome::Failed => Style::Bad,
    }
}

/// The progress of one stack operation: a bar of resources done over the total, with the
/// newest event, on a terminal; otherwise one plain line per event.
pub struct Progress<'u> {
    ui: &'u Ui,
    bar: Option<ProgressBar>,
    done: BTreeSet<String>,
}

impl<'u> Progress<'u> {
    /// The progress of an operation on `total` resources of `stack`.
    pub fn new(ui: &'u Ui, stack: &str, total: usize) -> Progress<'u> {
        let bar = (ui.progress && !ui.parallel()).then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(total as u64),
                ProgressDrawTarget::stderr_with_hz(10),
            );
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {prefix} [{bar:24}] {pos}/{len} resources {elapsed} {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(stack.to_owned());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            ui,
            bar,
            done: BTreeSet::new(),
        }
    }

    /// Shows one new event.
    pub fn event(&mut self, event: &Event, out: &mut dyn Write) -> Result<(), CliError> {
        let text = event.to_string();
        let status = self.ui.paint(status_style(&event.status), &event.status);
        let line = format!("  {}", text.replacen(&event.status, &status, 1));
        match &self.bar {
            Some(bar) => {
                if !event.is_stack() && outcome(&event.status) != Outcome::InProgress {
                    self.done.insert(event.logical_id.clone());
                    bar.set_position(self.done.len() as u64);
                }
                bar.println(line.trim_start());
                bar.set_message(format!("{} {}", event.logical_id, event.status));
            }
            None => writeln!(out, "{line}").map_err(CliError::Stdout)?,
        }
        Ok(())
    }
}

impl Drop for Progress<'_> {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_terminal_events_are_plain_lines() {
        let ui = Ui::new(false, false, false, false);
        let mut progress = Progress::new(&ui, "s", 2);
        let mut out = Vec::new();
        let event = Event {
            id: "1".into(),
            logical_id: "Jobs".into(),
            resource_type: "AWS::SQS::Queue".into(),
            status: "CREATE_FAILED".into(),
            reason: Some("denied".into()),
        };
        progress.event(&event, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  CREATE_FAILED AWS::SQS::Queue Jobs: denied\n"
        );
    }

    #[test]
    fn the_bar_counts_resources_done_not_the_stack_or_progress() {
        let ui = Ui::new(false, true, false, true);
        let mut progress = Progress::new(&ui, "s", 2);
        let mut out = Vec::new();
        let event = |logical_id: &str, resource_type: &str, status: &str| Event {
            id: format!("{logical_id}-{status}"),
            logical_id: logical_id.into(),
            resource_type: resource_type.into(),
            status: status.into(),
            reason: None,
        };
        for e in [
            event("s", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS"),
            event("Jobs", "AWS::SQS::Queue", "CREATE_IN_PROGRESS"),
            event("Jobs", "AWS::SQS::Queue", "CREATE_COMPLETE"),
            event("Dlq", "AWS::SQS::Queue", "CREATE_FAILED"),
            event("s", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE"),
        ] {
            progress.event(&e, &mut out).unwrap();
        }
        let bar = progress.bar.as_ref().unwrap();
        assert_eq!(bar.position(), 2);
        assert_eq!(bar.length(), Some(2));
        assert!(out.is_empty(), "events go above the bar, not to the output");
        ui.set_parallel(true);
        assert!(Progress::new(&ui, "s", 2).bar.is_none());
    }
}
