//! `status`: each stack's status, last update, and whether the local template is the deployed
//! one (which is not CloudFormation's drift: that compares resources with their template); a
//! stack under review (REVIEW_IN_PROGRESS) is not deployed yet.

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
            // A stack under review has no template deployed: a change set waits to create it.
            Some(deployed) if deployed.under_review() => {
                ui.report(&name, json!({"status": deployed.status, "deployed": false}));
                format!(
                    "{name}: not deployed; {}: a change set waits to create it",
                    ui.paint(status_style(&deployed.status), &deployed.status)
                )
            }
            Some(deployed) => {
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
        };
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
