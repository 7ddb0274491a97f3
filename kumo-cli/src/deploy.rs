//! `deploy`: create or update each stack through a change set.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::{App, Stack};

use crate::changes::{capabilities, destructive};
use crate::cli::DeployArgs;
use crate::engine::{ChangeSet, Engine};
use crate::error::CliError;
use crate::events::{explanation, outcome, root_causes, Outcome};
use crate::session::Session;
use crate::synth::{build, select};

/// The largest template CloudFormation takes in the request itself.
const INLINE_LIMIT: usize = 51_200;

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &DeployArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let client = session.client().await;
    for stack in select(app, &args.selection.stacks)? {
        deploy(stack, session, &client, args, out).await?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn deploy(
    stack: &dyn Stack,
    session: &Session,
    client: &aws_sdk_cloudformation::Client,
    args: &DeployArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let env = &session.env;
    let name = session.stack_name(stack);
    let fail = |message: String| CliError::Deploy {
        stack: name.clone(),
        message,
    };
    let print =
        |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(CliError::Stdout);
    let template = build(stack, env)?;
    let body = template.to_json();
    if body.len() > INLINE_LIMIT {
        return Err(fail(format!(
            "the template is {} bytes, over the {INLINE_LIMIT} bytes CloudFormation takes inline, and deploying through an artifact bucket is not supported yet",
            body.len()
        )));
    }
    let parameters = session.parameters(stack, &template, &args.params)?;
    let engine = Engine::new(client, &name);
    let deployed = engine.describe().await?;
    let previous =
        match &deployed {
            None => None,
            Some(d) if d.status == "ROLLBACK_COMPLETE" => return Err(fail(
                "a failed create left the stack in ROLLBACK_COMPLETE; delete it and deploy again"
                    .to_owned(),
            )),
            Some(d) if outcome(&d.status) == Outcome::InProgress => {
                return Err(fail(format!(
                    "the stack is busy ({}); wait for that operation to finish",
                    d.status
                )))
            }
            Some(_) => Some(engine.deployed_template().await?),
        };
    let same_parameters = deployed
        .as_ref()
        .is_some_and(|d| d.parameters == Session::effective_parameters(&template, &parameters));
    if previous.as_ref() == Some(&template) && same_parameters {
        print(out, format!("{name}: no changes"))?;
        return record(session, stack, &engine, &body, out).await;
    }
    let mut tags = session.config.tags.clone();
    tags.insert("service-name".to_owned(), stack.name().to_owned());
    tags.insert("environment".to_owned(), env.name().to_owned());
    let create = deployed.is_none();
    let change_set = engine
        .change_set(&body, create, &capabilities(&template), &tags, &parameters)
        .await?;
    let ChangeSet::Ready { id, changes } = change_set else {
        print(out, format!("{name}: no changes"))?;
        return record(session, stack, &engine, &body, out).await;
    };
    print(out, format!("{name}: {} change(s)", changes.len()))?;
    for change in &changes {
        print(out, format!("  {change}"))?;
    }
    let dangerous = destructive(&changes, previous.as_ref(), &template);
    if !dangerous.is_empty() && !args.allow_destructive {
        engine.delete_change_set(&id).await?;
        let list: Vec<String> = dangerous.iter().map(|c| c.logical_id.clone()).collect();
        return Err(fail(format!(
            "refusing to replace or remove stateful or retained resources ({}); pass --allow-destructive if you mean it",
            list.join(", ")
        )));
    }
    if !args.yes && !session.confirm(&format!("Deploy these changes to {name}?"))? {
        engine.delete_change_set(&id).await?;
        return Err(CliError::Cancelled);
    }
    let mark = engine.newest_event().await?;
    engine.execute(&id, !args.no_rollback).await?;
    let (result, events) = engine.watch(mark, out).await?;
    if result == Outcome::Failed {
        for cause in root_causes(&events) {
            print(out, format!("root cause: {cause}"))?;
        }
        return Err(fail(format!(
            "the deploy failed and was rolled back: {}",
            explanation(&events)
        )));
    }
    // The local emulator's stacks are throwaway, and it has no termination protection.
    let protect =
        session.config.termination_protection.unwrap_or(true) && !args.no_termination_protection;
    if create && protect && !session.target.local {
        engine.protect(true).await?;
    }
    record(session, stack, &engine, &body, out).await
}

/// Prints the stack's outputs and records what is deployed under `.kumo`.
async fn record(
    session: &Session,
    stack: &dyn Stack,
    engine: &Engine<'_>,
    body: &str,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let deployed = engine.describe().await?.ok_or_else(|| CliError::Deploy {
        stack: session.stack_name(stack),
        message: "the stack disappeared after the deploy".to_owned(),
    })?;
    for (key, value) in &deployed.outputs {
        writeln!(out, "  {key} = {value}").map_err(CliError::Stdout)?;
    }
    let env = session.env.name();
    session.state.write_applied(env, stack.name(), body)?;
    session
        .state
        .write_outputs(env, stack.name(), &deployed.outputs)?;
    Ok(())
}
