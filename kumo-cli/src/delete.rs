//! `delete`: delete each stack, consumers before the stacks they use, and forget its local
//! state.

use std::cell::RefCell;
use std::io::Write;
use std::process::ExitCode;

use kumo_core::{App, HookPoint, Stack};
use serde_json::json;

use crate::cli::DeleteArgs;
use crate::engine::{Engine, OnInterrupt};
use crate::error::CliError;
use crate::events::{busy, explanation, Outcome};
use crate::hooks::{self, HookState};
use crate::order::Graph;
use crate::progress::Progress;
use crate::schedule::{connect, connection, consumers, line_prefix, Schedule};
use crate::session::{Connection, Session};
use crate::stackset;
use crate::state::{RecordKey, TargetKey};
use crate::ui::Prefixed;

/// Deletes the selected stacks, consumers first, as (target, stack) units through the
/// scheduler: a stack once its consumers are gone in its target, up to `--concurrency` at once
/// (one at a time when each is asked about); lines prefixed `STACK | ` when stacks may run at
/// once, and with several targets `[TARGET] STACK | ` and a table at the end.
pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &DeleteArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    if !args.yes && !Session::interactive() {
        return Err(CliError::NeedsYes("delete"));
    }
    let graph = Graph::of(app, &session.env)?;
    let mut order = graph.selection(app, &args.selection.stacks)?;
    // Consumers go first: a stack whose exports are imported cannot be deleted.
    order.reverse();
    let stacks: Vec<String> = order.iter().map(|(s, _)| s.name().to_owned()).collect();
    let many = session.many_targets();
    let own = session.target_sessions();
    let sessions = session.or_target_sessions(&own);
    let connections = connect(&sessions, &stacks, many).await?;
    // Questions on a terminal come one stack at a time.
    let concurrency = match args.yes {
        true => usize::from(args.concurrency),
        false => 1,
    };
    let schedule = Schedule {
        targets: sessions.len(),
        stacks: &stacks,
        // A stack waits for the stacks that use it.
        dependencies: consumers(&stacks, |name| graph.dependencies(name).clone()),
        concurrency,
        fail_fast: false,
    };
    let parallel = schedule.may_overlap();
    session.ui.set_parallel(parallel || many);
    let shared = RefCell::new(out);
    let done = schedule
        .run(|target, name| {
            let (shared, graph, sessions, connections) = (&shared, &graph, &sessions, &connections);
            async move {
                let session = sessions[target];
                let Some((stack, _)) = graph.stack(&name) else {
                    return Ok(());
                };
                let stack_name = session.stack_name(stack);
                let prefix = line_prefix(session, &stack_name, many, parallel);
                let connection = connection(&connections[target], session, &name)?;
                delete(
                    app,
                    session,
                    connection,
                    stack,
                    args,
                    &mut Prefixed::new(shared, prefix),
                )
                .await
            }
        })
        .await;
    done.finish(session, &sessions, many, shared.into_inner())
}

/// Deletes `stack` through `connection` (asking first unless `--yes`), and forgets its record.
async fn delete(
    app: &dyn App,
    session: &Session,
    connection: &Connection,
    stack: &dyn Stack,
    args: &DeleteArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let name = session.stack_name(stack);
    let _lock = session.lock(connection, &name, "delete")?;
    if let Some(set) = stackset::settings(session, stack) {
        stackset::delete(app, session, connection, stack, set, args, out).await?;
        return Ok(());
    }
    let engine = session.engine(&connection.client, &name);
    let fail = |message: String| CliError::Deploy {
        stack: name.clone(),
        message,
    };
    let Some(deployed) = engine.describe().await? else {
        return not_deployed(app, session, connection, &engine, stack, &name, out).await;
    };
    // A stack in REVIEW_IN_PROGRESS has no resources yet, so deleting it (the leftover of an
    // interrupted run, usually) disturbs nothing but a change set that was not executed.
    let review = deployed.under_review();
    if let Some(why) = busy(&deployed.status, "delete").filter(|_| !review) {
        return Err(fail(why));
    }
    let target = TargetKey::of_stack(&deployed.stack_id)?;
    if !args.yes && !session.confirm(&format!("Delete {name} and its resources?"))? {
        return Err(CliError::Cancelled);
    }
    if deployed.termination_protection {
        if !args.force {
            return Err(fail(
                "termination protection is on; pass --force to turn it off and delete".to_owned(),
            ));
        }
        engine.protect(false).await?;
    }
    let hook_state = HookState {
        stack: stack.name(),
        stack_name: &name,
        environment: &session.env,
        parameters: &deployed.parameters,
    };
    hooks::run_with(app, HookPoint::BeforeDelete, &hook_state, Some(&deployed))?;
    let resources = if review {
        0
    } else {
        engine.deployed_template().await?.resources().len()
    };
    let mark = engine.newest_event().await?;
    // Nothing is deleted after Ctrl-C; once deleting, Ctrl-C stops the wait, not the delete.
    let guard = crate::interrupt::Guard::new();
    guard.stop_before(&name, "deleting the stack")?;
    engine.delete().await?;
    let watched = {
        let mut progress = Progress::new(&session.ui, &name, resources);
        engine
            .watch(mark, &mut progress, out, OnInterrupt::StopWaiting)
            .await?
    };
    if watched.outcome == Outcome::Failed {
        return Err(fail(format!(
            "the delete failed: {}",
            explanation(&watched.events)
        )));
    }
    let key = RecordKey::new(app, &session.env, stack, &name);
    session.state.remove(&target, session.env.name(), key)?;
    writeln!(out, "{name}: deleted").map_err(CliError::Stdout)?;
    session.ui.report(&name, json!({"result": "deleted"}));
    hooks::run(
        app,
        HookPoint::AfterDelete,
        &hook_state,
        &deployed.outputs,
        None,
    )?;
    Ok(())
}

/// Says that the stack is not deployed in the connection's region, and removes the records
/// `.kumo` holds of it there, of the account the credentials are in, when CloudFormation lists
/// it as deleted: they describe a stack that is gone (deleted outside kumo, or by a delete that
/// lost contact before it ended), and `diff` and `outputs` would trust them. Records of other
/// regions and accounts stay, and so do those of a stack CloudFormation does not list as
/// deleted under this name (copied from elsewhere, or deleted longer ago than it lists), and
/// those from before kumo kept targets (whose target is unknown).
async fn not_deployed(
    app: &dyn App,
    session: &Session,
    connection: &Connection,
    engine: &Engine<'_>,
    stack: &dyn Stack,
    name: &str,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let region = connection.region();
    let env = session.env.name();
    let key = RecordKey::new(app, &session.env, stack, name);
    let recorded = session.state.recorded_in(env, key, &region)?;
    let mut line = format!("{name}: not deployed in {region}");
    let mut removed = false;
    if !recorded.is_empty() {
        let account = match &session.config.account {
            Some(account) => Ok(account.clone()),
            None => connection.account().await,
        };
        let target = account.map(|account| recorded.into_iter().find(|t| t.account() == account));
        match target {
            Ok(Some(target)) if engine.was_deleted().await? => {
                session.state.forget(&target, env, key)?;
                line = format!("{name}: not deployed in {target}; it was deleted, and its records there were removed from .kumo");
                removed = true;
            }
            Ok(Some(_)) => line.push_str(
                "; CloudFormation lists no stack deleted under this name, so its records in .kumo are kept",
            ),
            Ok(None) => {}
            Err(err) => line.push_str(&format!(
                "; its records in .kumo are kept, since the account could not be told: {err}"
            )),
        }
    }
    writeln!(out, "{line}").map_err(CliError::Stdout)?;
    session.ui.report(
        name,
        json!({"result": "not deployed", "region": region, "records_removed": removed}),
    );
    Ok(())
}
