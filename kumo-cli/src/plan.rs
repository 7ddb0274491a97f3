//! `plan`: what a deploy would do, from a change set that is created, printed and deleted.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;
use serde_json::json;

use crate::changes::capabilities;
use crate::cli::PlanArgs;
use crate::deploy::updates;
use crate::diff::CHANGES;
use crate::engine::{ChangeSet, Engine, Purpose};
use crate::error::CliError;
use crate::events::refused;
use crate::nested;
use crate::order::Graph;
use crate::proposal::Proposal;
use crate::regions::Connections;
use crate::security;
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
    session
        .workspace()
        .check_shared(app, &templates, &args.params)?;
    let connections =
        Connections::open(session, templates.iter().map(|(stack, _)| stack.name())).await?;
    connections.check_imports(app, session)?;
    let ui = &session.ui;
    let mut changed = false;
    for (stack, template) in templates {
        let connection = connections.of(session, stack.name());
        let name = session.stack_name(stack);
        let _lock = session.lock(connection, &name, "plan")?;
        if let Some(set) = stackset::settings(session, stack) {
            changed |= stackset::plan(session, connection, stack, set, template, &args.params, out)
                .await?;
            continue;
        }
        // A stack that uses outputs of a stack not deployed yet cannot have a change set.
        let mut waits_for = None;
        for producer in template.stack_dependencies() {
            let elsewhere = session.region_client(stack.name(), producer).await;
            let client = elsewhere.as_ref().unwrap_or(&connection.client);
            let deployed = Engine::new(client, &session.env.stack_name(producer))
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
                "{name}: cannot be planned before `{producer}` is deployed (it uses that stack); a deploy of both creates them in order"
            )
            .map_err(CliError::Stdout)?;
            ui.report(&name, json!({"planned": false, "waits_for": producer}));
            // It is not deployed: a deploy creates it.
            changed = true;
            continue;
        }
        let values = session
            .deploy_parameters(stack, template, &args.params, &connection.client)
            .await?;
        let source = session
            .template_source(connection, stack, &template.to_json())
            .await?;
        session
            .upload_nested(connection, stack, template, out)
            .await?;
        let engine = session
            .engine(&connection.client, &name)
            .with_nested_stacks(!template.nested().is_empty())
            .run_from(session.state.origin()?);
        let deployed = engine.describe().await?;
        // Someone else's operation, or their new stack under review, is left alone; a stack a
        // failed rollback or delete left stuck takes no change set.
        if let Some(why) = deployed.as_ref().and_then(|d| refused(&d.status, "plan")) {
            return Err(CliError::Deploy {
                stack: name.clone(),
                message: why,
            });
        }
        let previous = deployed.as_ref().filter(|d| updates(&d.status));
        let parameters = session.complete_parameters(
            stack,
            template,
            values,
            previous.map(|d| &d.parameters),
        )?;
        let create = deployed.is_none();
        let previous = match &deployed {
            Some(_) => Some(engine.deployed_template().await?),
            None => None,
        };
        let tags = session.stack_tags(stack, template);
        // Held until the change set is deleted: Ctrl-C meanwhile does not leave it behind.
        let _guard = crate::interrupt::Guard::new();
        let change_set = engine
            .change_set(
                &source,
                create,
                &capabilities(template),
                &tags,
                &parameters,
                Purpose::Plan,
            )
            .await?;
        let ChangeSet::Ready { id, changes } = change_set else {
            writeln!(out, "{name}: no changes").map_err(CliError::Stdout)?;
            ui.report(
                &name,
                json!({"planned": true, "create": create, "changes": []}),
            );
            continue;
        };
        // Deletes the change set and the stack in REVIEW_IN_PROGRESS that a change set of a new
        // stack made: this run's, since the stack did not exist before it.
        engine.abandon(&id, create).await?;
        changed = true;
        let proposal = Proposal::new(
            previous.as_ref().zip(deployed.as_ref()),
            template,
            &changes,
            &parameters.listed(),
            &tags,
        );
        proposal.print(&name, ui, out)?;
        let client = &connection.client;
        let nested =
            nested::live::changes(client, &session.state, &name, previous.as_ref(), template)
                .await?;
        security::show(
            &name,
            previous.as_ref(),
            template,
            &nested,
            &session.ui,
            out,
        )?;
        let mut report = proposal.to_json();
        report.insert("planned".to_owned(), json!(true));
        report.insert("create".to_owned(), json!(create));
        ui.report(&name, serde_json::Value::Object(report));
    }
    Ok(if changed {
        ExitCode::from(CHANGES)
    } else {
        ExitCode::SUCCESS
    })
}
