//! `status`: each stack's status, last update, and whether the local template is the deployed
//! one (which is not CloudFormation's drift: that compares resources with their template); a
//! stack under review (REVIEW_IN_PROGRESS), or whose first create failed (ROLLBACK_*), is not
//! deployed.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;
use serde_json::json;

use crate::cli::Selection;
use crate::engine::{read_template, Engine};
use crate::error::CliError;
use crate::progress::status_style;
use crate::session::Session;
use crate::stackset;
use crate::synth::{build, select};
use crate::ui::Style;

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
                    let template = if current {
                        ui.paint(Style::Good, "the local template is the deployed one")
                    } else {
                        ui.paint(
                            Style::Changed,
                            "the local template differs from the deployed template (see `diff --live`; `drift` checks the resources)",
                        )
                    };
                    ui.report(
                        &name,
                        json!({
                            "status": deployed.status,
                            "deployed": true,
                            "last_updated": deployed.last_updated,
                            "local_template_deployed": current,
                        }),
                    );
                    format!(
                        "{name}: {} (last update {}); {template}",
                        ui.paint(status_style(&deployed.status), &deployed.status),
                        deployed.last_updated.as_deref().unwrap_or("unknown"),
                    )
                }
            },
        };
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
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
