//! `status`: each stack's status, last update, and whether the local template is the deployed
//! one (which is not CloudFormation's drift: that compares resources with their template); a
//! stack under review (REVIEW_IN_PROGRESS), or whose first create failed (ROLLBACK_*), is not
//! deployed; one a failed rollback or delete left stuck says what settles it.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;
use serde_json::json;

use crate::cli::Selection;
use crate::engine::{read_template, Deployed, Engine};
use crate::error::CliError;
use crate::events::stuck;
use crate::progress::status_style;
use crate::session::Session;
use crate::stackset;
use crate::synth::{build, select};
use crate::ui::{Style, Ui};

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &Selection,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let client = session.client().await;
    let ui = &session.ui;
    for stack in select(app, &args.stacks)? {
        let own = session.own_region_client(stack.name()).await;
        let client = own.as_ref().unwrap_or(&client);
        if let Some(set) = stackset::settings(session, stack) {
            stackset::status(session, stack, set, client, out).await?;
            continue;
        }
        let name = session.stack_name(stack);
        let engine = Engine::new(client, &name);
        let line = match engine.describe().await? {
            None => {
                ui.report(&name, json!({"status": null, "deployed": false}));
                format!("{name}: not deployed")
            }
            Some(deployed) => match never_deployed(&deployed.status) {
                // A stack under review, or one whose first create failed, has no template
                // deployed.
                Some(why) => {
                    ui.report(&name, json!({"status": deployed.status, "deployed": false}));
                    format!(
                        "{name}: not deployed; {}: {why}",
                        ui.paint(status_style(&deployed.status), &deployed.status)
                    )
                }
                None => {
                    let local = build(stack, &session.env)?;
                    let current = matches!(
                        read_template(&engine.template().await?),
                        Ok(remote) if remote == local
                    );
                    let (line, report) = deployed_line(ui, &deployed, current);
                    ui.report(&name, report);
                    format!("{name}: {line}")
                }
            },
        };
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What `status` says of a deployed stack, after its name, and its `--json` report; `current`
/// tells whether the local template is the deployed one. A stack a failed rollback or delete
/// left stuck says what settles it instead: until then it is not what its template says.
fn deployed_line(ui: &Ui, deployed: &Deployed, current: bool) -> (String, serde_json::Value) {
    let stuck = stuck(&deployed.status);
    let template = if let Some(why) = stuck {
        ui.paint(Style::Bad, why)
    } else if current {
        ui.paint(Style::Good, "the local template is the deployed one")
    } else {
        ui.paint(
            Style::Changed,
            "the local template differs from the deployed template (see `diff --live`; `drift` checks the resources)",
        )
    };
    let line = format!(
        "{} (last update {}); {template}",
        ui.paint(status_style(&deployed.status), &deployed.status),
        deployed.last_updated.as_deref().unwrap_or("unknown"),
    );
    let report = json!({
        "status": deployed.status,
        "deployed": true,
        "last_updated": deployed.last_updated,
        "local_template_deployed": current,
        "stuck": stuck,
    });
    (line, report)
}

/// Why a stack in `status` has no template deployed, if it has none: a change set waits to
/// create it, or its first create failed (a failed update rolls back to what was deployed).
fn never_deployed(status: &str) -> Option<&'static str> {
    Some(match status {
        "REVIEW_IN_PROGRESS" => "a change set waits to create it",
        "ROLLBACK_IN_PROGRESS" => "its first create failed and is being rolled back",
        "ROLLBACK_COMPLETE" => {
            "its first create failed and was rolled back; `deploy --replace-failed` deletes it and creates it anew"
        }
        "ROLLBACK_FAILED" => {
            "its first create failed and so did the rollback, which may have left resources; `deploy --replace-failed` deletes it and creates it anew"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_a_failed_delete_or_rollback_left_says_what_settles_it() {
        let ui = Ui::new(false, true, false, false);
        let deployed = |status: &str| crate::engine::tests::deployed(status, &[], &[]);
        let (line, report) = deployed_line(&ui, &deployed("DELETE_FAILED"), true);
        assert_eq!(
            line,
            "DELETE_FAILED (last update 2026-01-01T00:00:00Z); a delete of the stack failed part way (DELETE_FAILED): some of its resources are gone; delete it again (`delete`), then deploy it anew"
        );
        assert_eq!(report["deployed"], true);
        assert!(report["stuck"]
            .as_str()
            .unwrap()
            .starts_with("a delete of the stack failed part way"));
        let (line, report) = deployed_line(&ui, &deployed("UPDATE_ROLLBACK_FAILED"), false);
        assert!(line.contains("continue-update-rollback"), "{line}");
        assert!(report["stuck"].is_string());
        let (line, report) = deployed_line(&ui, &deployed("UPDATE_COMPLETE"), false);
        assert!(line.ends_with("the local template differs from the deployed template (see `diff --live`; `drift` checks the resources)"), "{line}");
        assert_eq!(report["stuck"], serde_json::Value::Null);
        assert_eq!(report["local_template_deployed"], false);
    }

    #[test]
    fn a_stack_whose_first_create_failed_or_under_review_is_not_deployed() {
        for status in [
            "REVIEW_IN_PROGRESS",
            "ROLLBACK_IN_PROGRESS",
            "ROLLBACK_COMPLETE",
            "ROLLBACK_FAILED",
        ] {
            assert!(never_deployed(status).is_some(), "{status}");
        }
        for status in [
            "CREATE_COMPLETE",
            "UPDATE_ROLLBACK_COMPLETE",
            "UPDATE_ROLLBACK_FAILED",
            "DELETE_FAILED",
            "IMPORT_ROLLBACK_COMPLETE",
            "CREATE_IN_PROGRESS",
        ] {
            assert_eq!(never_deployed(status), None, "{status}");
        }
    }
}
