//! `plan`: what a deploy would do, from a change set that is created, printed and deleted.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;
use serde_json::json;

use crate::changes::capabilities;
use crate::cli::PlanArgs;
use crate::diff::CHANGES;
use crate::engine::{ChangeSet, Engine};
use crate::error::CliError;
use crate::events::busy;
use crate::order::Graph;
use crate::session::Session;
use crate::stackset;

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &PlanArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let graph = Graph::of(app, &session.env)?;
    let templates = graph.selection(app, &args.selection.stacks)?;
    session.check_shared(app, &templates, &args.params)?;
    let connection = session.connect().await?;
    let ui = &session.ui;
    let mut changed = false;
    for (stack, template) in templates {
        let name = session.stack_name(stack);
        let _lock = session.lock(&connection, &name, "plan")?;
        if let Some(set) = stackset::settings(session, stack) {
            changed |= stackset::plan(
                session,
                &connection,
                stack,
                set,
                template,
                &args.params,
                out,
            )
            .await?;
            continue;
        }
        // A stack that uses outputs of a stack not deployed yet cannot have a change set.
        let mut waits_for = None;
        for producer in template.stack_dependencies() {
            let deployed = Engine::new(&connection.client, &session.env.stack_name(producer))
                .describe()
                .await?;
            if deployed.is_none() {
                waits_for = Some(producer);
                break;
            }
        }
        if let Some(producer) = waits_for {
            writeln!(
                out,
                "{name}: cannot be planned before `{producer}` is deployed (it uses that stack); deploy creates both in order"
            )
            .map_err(CliError::Stdout)?;
            ui.report(&name, json!({"planned": false, "waits_for": producer}));
            // It is not deployed: a deploy creates it.
            changed = true;
            continue;
        }
        let parameters = session
            .deploy_parameters(stack, template, &args.params, &connection.client)
            .await?;
        let source = session
            .template_source(&connection, stack, &template.to_json())
            .await?;
        let engine = session.engine(&connection.client, &name);
        let deployed = engine.describe().await?;
        // Someone else's operation, or their new stack under review, is left alone.
        if let Some(why) = deployed.as_ref().and_then(|d| busy(&d.status, "plan")) {
            return Err(CliError::Deploy {
                stack: name.clone(),
                message: why,
            });
        }
        let create = deployed.is_none();
        let change_set = engine
            .change_set(
                &source,
                create,
                &capabilities(template),
                &session.stack_tags(stack, template),
                &parameters,
            )
            .await?;
        let changes = match change_set {
            ChangeSet::Empty => None,
            ChangeSet::Ready { id, changes } => {
                // Deletes the change set and the stack in REVIEW_IN_PROGRESS that a change set
                // of a new stack made: this run's, since the stack did not exist before it.
                engine.abandon(&id, create).await?;
                Some(changes)
            }
        };
        changed |= changes.is_some();
        let line = match &changes {
            None => format!("{name}: no changes"),
            Some(changes) if changes.is_empty() => {
                format!("{name}: no resource changes; parameter values or tags change")
            }
            Some(changes) => format!("{name}: {} change(s)", changes.len()),
        };
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
        let changes = changes.unwrap_or_default();
        for change in &changes {
            writeln!(out, "  {}", ui.paint(change.style(), &change.to_string()))
                .map_err(CliError::Stdout)?;
        }
        let changes: Vec<serde_json::Value> = changes.iter().map(|c| c.to_json()).collect();
        ui.report(
            &name,
            json!({"planned": true, "create": create, "changes": changes}),
        );
    }
    Ok(if changed {
        ExitCode::from(CHANGES)
    } else {
        ExitCode::SUCCESS
    })
}
