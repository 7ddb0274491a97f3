//! `deploy`: create or update each stack through a change set.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use kumo_core::{App, HookPoint, Stack, Template};
use serde_json::json;

use crate::approval;
use crate::changes::{capabilities, destructive};
use crate::cli::DeployArgs;
use crate::engine::{ChangeSet, Deployed, Engine, Interrupted, OnInterrupt, Purpose};
use crate::error::CliError;
use crate::events::{explanation, refused, root_causes, Event, Outcome};
use crate::exports;
use crate::hooks::{self, HookState};
use crate::nested;
use crate::order::Graph;
use crate::prepare;
use crate::progress::Progress;
use crate::proposal::Proposal;
use crate::schedule::{connect, connection, line_prefix, Schedule};
use crate::secrets::{comparable, mask_outputs};
use crate::security;
use crate::session::{Connection, Session};
use crate::state::{RecordKey, TargetKey};
use crate::ui::{Prefixed, Style};

/// Deploys the selected stacks to every target, in dependency order within each, independent
/// units in parallel ([`Schedule`]).
pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &DeployArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    // Without a terminal nobody can be asked: a deploy goes ahead only when told to.
    if !args.yes && !args.prepare && !Session::interactive() {
        return Err(CliError::NeedsYes("deploy"));
    }
    let graph = Graph::of(app, &session.env)?;
    let waiting = graph.selection(app, &args.selection.stacks)?;
    if args.execute.is_some() && waiting.len() != 1 {
        return Err(CliError::ExecuteOneStack(waiting.len()));
    }
    if args.import {
        crate::import::check_selection(session, &waiting)?;
    }
    session
        .workspace()
        .check_shared(app, &waiting, &args.params)?;
    let stacks: Vec<String> = waiting.iter().map(|(s, _)| s.name().to_owned()).collect();
    let many = session.many_targets();
    let own = session.target_sessions();
    let sessions = session.or_target_sessions(&own);
    let connections = connect(&sessions, &stacks, many).await?;
    for (target, connection) in sessions.iter().zip(&connections) {
        if let Ok(connection) = connection {
            connection.check_imports(app, target)?;
        }
    }
    // Questions on a terminal come one stack at a time.
    let concurrency = if !args.yes && Session::interactive() {
        1
    } else {
        usize::from(args.concurrency)
    };
    let schedule = Schedule {
        targets: sessions.len(),
        stacks: &stacks,
        dependencies: stacks
            .iter()
            .map(|name| (name.clone(), graph.dependencies(name).clone()))
            .collect(),
        concurrency,
        fail_fast: args.fail_fast,
    };
    let parallel = schedule.may_overlap();
    session.ui.set_parallel(parallel || many);
    let shared = RefCell::new(out);
    let done = schedule
        .run(|target, name| {
            let (shared, graph, sessions, connections) = (&shared, &graph, &sessions, &connections);
            async move {
                let session = sessions[target];
                let Some((stack, template)) = graph.stack(&name) else {
                    return Ok(());
                };
                let stack_name = session.stack_name(stack);
                let prefix = line_prefix(session, &stack_name, many, parallel);
                let mut out = Prefixed::new(shared, prefix);
                let connection = connection(&connections[target], session, &name)?;
                deploy(
                    app,
                    graph,
                    stack,
                    template.clone(),
                    session,
                    connection,
                    args,
                    &mut out,
                )
                .await
            }
        })
        .await;
    let out = shared.into_inner();
    done.finish(session, &sessions, many, out)
}

/// What to do with a stack, by its status before the deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Start {
    /// There is none: create it.
    Create,
    /// Update it.
    Update,
    /// A failed create left it in ROLLBACK_COMPLETE, and `--replace-failed` says to delete it
    /// and create it again.
    Replace,
    /// It waits in REVIEW_IN_PROGRESS, without resources (a first deploy was interrupted, or is
    /// under way elsewhere): clear what kumo left there, then create it.
    Review,
    /// It cannot be deployed now; why.
    Refuse(String),
}

/// Whether a deploy updates a stack in `status`, rather than create it (anew) or refuse it: a
/// parameter given no value keeps the value it has there.
pub(crate) fn updates(status: &str) -> bool {
    start(Some(status), false) == Start::Update
}

/// What to do with a stack in `status` (`None`: not deployed).
fn start(status: Option<&str>, replace_failed: bool) -> Start {
    match status {
        None => Start::Create,
        Some("ROLLBACK_COMPLETE" | "ROLLBACK_FAILED") if replace_failed => Start::Replace,
        Some(status @ ("ROLLBACK_COMPLETE" | "ROLLBACK_FAILED")) => Start::Refuse(format!(
            "a failed create left the stack in {status}, where it cannot be updated; pass --replace-failed to delete it and create it again"
        )),
        Some("REVIEW_IN_PROGRESS") => Start::Review,
        Some(status) => refused(status, "deploy").map_or(Start::Update, Start::Refuse),
    }
}

/// What a deploy whose update or create failed says, `why` being its events' explanation and
/// `left` whether the stack was left as it failed (`--no-rollback`, and no rollback seen): a
/// Ctrl-C during it is said first, since a cancel CloudFormation took (although kumo saw the
/// call fail) fails the update too.
fn failed(left: bool, interrupted: Interrupted, why: &str) -> String {
    let what = if left {
        "the deploy failed and was left as it is (--no-rollback)"
    } else {
        "the deploy failed and was rolled back"
    };
    let pressed = match interrupted {
        Interrupted::No => "",
        Interrupted::Cancelled | Interrupted::TooLate => "interrupted (Ctrl-C); ",
    };
    format!("{pressed}{what}: {why}")
}

#[allow(clippy::too_many_arguments)]
async fn deploy(
    app: &dyn App,
    graph: &Graph<'_>,
    stack: &dyn Stack,
    mut template: Template,
    session: &Session,
    connection: &Connection,
    args: &DeployArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let ui = &session.ui;
    let name = session.stack_name(stack);
    let _lock = session.lock(connection, &name, "deploy")?;
    if let Some(set) = crate::stackset::settings(session, stack) {
        return crate::stackset::deploy(app, session, connection, stack, set, &template, args, out)
            .await;
    }
    let fail = |message: String| CliError::Deploy {
        stack: name.clone(),
        message,
    };
    let print =
        |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(CliError::Stdout);
    let values = session
        .deploy_parameters(stack, &template, &args.params, &connection.client)
        .await?;
    // CloudFormation takes no stack tags with an import; the stack keeps its own.
    let tags = if args.import {
        BTreeMap::new()
    } else {
        session.stack_tags(stack, &template)
    };
    let engine = session
        .engine(&connection.client, &name)
        .with_nested_stacks(!template.nested().is_empty())
        .run_from(session.state.origin()?);
    let mut deployed = engine.describe().await?;
    let begin = start(
        deployed.as_ref().map(|d| d.status.as_str()),
        args.replace_failed,
    );
    let deployed_values = match (&begin, &deployed) {
        (Start::Update, Some(deployed)) => Some(&deployed.parameters),
        _ => None,
    };
    // A stack that cannot be deployed now says why, rather than ask for a value it would keep.
    let parameters = session
        .complete_parameters(stack, &template, values, deployed_values)
        .map_err(|err| match &begin {
            Start::Refuse(why) => fail(why.clone()),
            _ => err,
        })?;
    let hook_state = HookState {
        stack: stack.name(),
        stack_name: &name,
        environment: &session.env,
        parameters: &parameters.values,
    };
    // Preparing changes nothing: no hook runs.
    if !args.prepare {
        hooks::run_with(app, HookPoint::BeforeDeploy, &hook_state, deployed.as_ref())?;
    }
    // From here on, Ctrl-C is answered: a change set made is deleted unless it was executed,
    // and a running update is cancelled.
    let guard = crate::interrupt::Guard::new();
    let create = match begin {
        Start::Refuse(why) => return Err(fail(why)),
        Start::Replace => {
            print(
                out,
                format!("{name}: deleting the stack a failed create left behind"),
            )?;
            let mark = engine.newest_event().await?;
            guard.stop_before(&name, "deleting the stack a failed create left")?;
            engine.delete().await?;
            let mut progress = Progress::new(ui, &name, 0);
            let watched = engine
                .watch(mark, &mut progress, out, OnInterrupt::StopWaiting)
                .await?;
            if watched.outcome == Outcome::Failed {
                return Err(fail(format!(
                    "the failed stack could not be deleted: {}",
                    explanation(&watched.events)
                )));
            }
            deployed = None;
            true
        }
        // A new stack waits under review with the prepared change set that creates it.
        Start::Review if args.execute.is_some() => {
            deployed = None;
            true
        }
        Start::Review => {
            guard.stop_before(&name, "removing the stack an interrupted deploy left")?;
            engine.clear_review().await?;
            deployed = None;
            true
        }
        Start::Create => true,
        Start::Update => false,
    };
    let previous = match &deployed {
        Some(_) => Some(engine.deployed_template().await?),
        None => None,
    };
    if let Some(previous) = &previous {
        exports::guard(
            graph,
            stack,
            &name,
            previous,
            &mut template,
            session,
            &connection.client,
            args.keep_exports,
            out,
        )
        .await?;
    }
    let engine = if args.import {
        let resources = crate::import::resources(
            session,
            stack,
            &template,
            previous.as_ref(),
            &args.import_ids,
            out,
        )?;
        engine.importing(resources)
    } else {
        engine
    };
    let body = template.to_json();
    ui.detail(
        out,
        &format!(
            "{name}: {} resources, {} bytes",
            template.resources().len(),
            body.len()
        ),
    )?;
    let settled = Settled {
        app,
        session,
        stack,
        engine: &engine,
        template: &template,
        hook_state: &hook_state,
        // The local emulator's stacks are throwaway: unprotected unless kumo.toml says so.
        protect: session
            .config
            .termination_protection
            .unwrap_or(!session.target.local)
            && !args.no_termination_protection,
    };
    let fingerprint = prepare::fingerprint(&template, &body, &parameters.values, &tags);
    if let Some(deployed) = deployed
        .as_ref()
        .filter(|_| previous.as_ref() == Some(&template) && args.execute.is_none())
    {
        if unchanged(&template, deployed, &parameters.values, &tags) {
            return settled.no_changes(args.prepare, out).await;
        }
    }
    // Read before a change set is made, so that a failure leaves none behind.
    let client = &connection.client;
    let nested =
        nested::live::changes(client, &session.state, &name, previous.as_ref(), &template).await?;
    session
        .upload_assets(connection, stack, &template, args.no_cache, out)
        .await?;
    let (id, changes) = match &args.execute {
        Some(wanted) => {
            let found = engine.describe_change_set(wanted).await?;
            let found = prepare::check(wanted, found, &fingerprint).map_err(fail)?;
            (found.id, found.changes)
        }
        None => {
            let source = session.template_source(connection, stack, &body).await?;
            let purpose = if args.prepare {
                Purpose::Prepare {
                    fingerprint: &fingerprint,
                }
            } else {
                Purpose::Deploy
            };
            let change_set = engine
                .change_set(
                    &source,
                    create,
                    &capabilities(&template),
                    &tags,
                    &parameters,
                    purpose,
                )
                .await?;
            let ChangeSet::Ready { id, changes } = change_set else {
                return settled.no_changes(args.prepare, out).await;
            };
            (id, changes)
        }
    };
    // A change set that is not executed does not stay (a prepared one does); the error told is
    // the one that stopped the deploy, with what cleaning up could not do.
    let give_up = async |cause: CliError| match (&args.execute, args.prepare) {
        (None, false) => cause.then_cleanup(engine.abandon(&id, create).await),
        _ => cause,
    };
    let proposal = Proposal::new(
        previous.as_ref().zip(deployed.as_ref()),
        &template,
        &changes,
        &parameters.listed(),
        &tags,
    );
    // The review is printed before anything else: output that cannot be written (a pipe
    // closed by the terminal's Ctrl-C) ends the deploy without its change set.
    let shown = ui
        .detail(out, &format!("change set {id}"))
        .and_then(|()| proposal.print(&name, ui, out))
        .and_then(|()| {
            security::show(
                &name,
                previous.as_ref(),
                &template,
                &nested,
                &session.ui,
                out,
            )
        });
    let security = match shown {
        Ok(security) => security,
        Err(err) => return Err(give_up(err).await),
    };
    let mut review = proposal.to_json();
    if args.prepare {
        let prepared = prepare::name(&fingerprint);
        print(
            out,
            format!(
                "{name}: prepared change set {prepared}; nothing was changed; run `deploy {} --execute {prepared}` to execute it",
                stack.name()
            ),
        )?;
        review.insert("result".to_owned(), json!("prepared"));
        review.insert("change_set".to_owned(), json!(prepared));
        ui.report(&name, serde_json::Value::Object(review));
        return Ok(());
    }
    if let Err(err) = approval::require(&name, &security, args, session) {
        return Err(give_up(err).await);
    }
    let dangerous = destructive(&changes, previous.as_ref(), &template, |change| {
        proposal.schema_replaces(change)
    });
    if !dangerous.is_empty() && !args.allow_destructive {
        let list: Vec<String> = dangerous.iter().map(|c| c.logical_id.clone()).collect();
        return Err(give_up(fail(format!(
            "refusing to replace or remove stateful or retained resources ({}); pass --allow-destructive if you mean it",
            list.join(", ")
        )))
        .await);
    }
    let confirmed = args.yes
        || match session.confirm(&format!("Deploy these changes to {name}?")) {
            Ok(answer) => answer,
            Err(err) => return Err(give_up(err).await),
        };
    if !confirmed {
        return Err(give_up(CliError::Cancelled).await);
    }
    let (before, after) = if create {
        (HookPoint::BeforeCreate, HookPoint::AfterCreate)
    } else {
        (HookPoint::BeforeUpdate, HookPoint::AfterUpdate)
    };
    if let Err(err) = hooks::run_with(app, before, &hook_state, deployed.as_ref()) {
        return Err(give_up(err).await);
    }
    let mark = match engine.newest_event().await {
        Ok(mark) => mark,
        Err(err) => return Err(give_up(err).await),
    };
    if guard.interrupted() {
        return Err(give_up(fail(
            "interrupted before the change set was executed; nothing was changed".to_owned(),
        ))
        .await);
    }
    engine.execute(&id, !args.no_rollback).await?;
    let on_interrupt = if create || args.import {
        OnInterrupt::StopWaiting
    } else {
        OnInterrupt::CancelUpdate
    };
    let watched = {
        let mut progress = Progress::new(ui, &name, changes.len());
        let watched = engine.watch(mark, &mut progress, out, on_interrupt).await;
        watched.map_err(|err| lost_sight(&name, err))?
    };
    if watched.interrupted == Interrupted::Cancelled {
        return Err(fail(format!(
            "the update was cancelled (Ctrl-C) and rolled back; the stack is {}",
            engine
                .describe()
                .await?
                .map_or_else(|| "gone".to_owned(), |d| d.status)
        )));
    }
    // Without an event of the stack's own that ends the operation, the change set itself says
    // whether it ran: an endpoint may have answered the execution without doing it.
    if !watched.events.iter().any(Event::ends_operation) {
        engine
            .check_executed(&id)
            .await
            .map_err(|err| lost_sight(&name, err))?;
    }
    if watched.outcome == Outcome::Failed {
        for cause in root_causes(&watched.events) {
            print(out, ui.paint(Style::Bad, &format!("root cause: {cause}")))?;
        }
        // A cancelled update rolls back, `--no-rollback` or not: the stack's last event says.
        let rolled_back = watched
            .events
            .iter()
            .rev()
            .find(|event| event.is_stack())
            .is_some_and(|event| event.status.contains("ROLLBACK"));
        return Err(fail(failed(
            args.no_rollback && !rolled_back,
            watched.interrupted,
            &explanation(&watched.events),
        )));
    }
    let result = match (args.import, create) {
        (true, _) => "imported",
        (false, true) => "created",
        (false, false) => "updated",
    };
    let (outputs, now) = settled
        .record(result, review, out)
        .await
        .map_err(|err| not_recorded(&name, result, err))?;
    settled.converge(&now, out).await?;
    if watched.interrupted == Interrupted::TooLate {
        return Err(fail(format!(
            "interrupted, but the update went on to its end (it could not be cancelled): the stack was {result} and recorded; the after-update and after-deploy hooks were not run"
        )));
    }
    hooks::run(app, after, &hook_state, &outputs, Some(&now.status))?;
    hooks::run(
        app,
        HookPoint::AfterDeploy,
        &hook_state,
        &outputs,
        Some(&now.status),
    )
}

/// An error met watching an executed change set: a call that failed says nothing of how the
/// operation goes, which goes on in CloudFormation; errors that say what became of it (a
/// deadline, Ctrl-C) stay as they are.
fn lost_sight(name: &str, err: CliError) -> CliError {
    match err {
        CliError::Aws { action, message } => CliError::Deploy {
            stack: name.to_owned(),
            message: format!(
                "the change set was executed, but {action} failed ({message}): the operation goes on in CloudFormation (`status` shows how it ends; deploy again to record it)"
            ),
        },
        other => other,
    }
}

/// An error met recording a stack that was deployed: the deploy worked, which the error must
/// not hide, and the next deploy records it (it finds nothing to change).
fn not_recorded(name: &str, result: &str, err: CliError) -> CliError {
    let cause = match err {
        CliError::Stdout(_) => return err,
        CliError::Deploy { message, .. } => message,
        other => other.to_string(),
    };
    CliError::Deploy {
        stack: name.to_owned(),
        message: format!(
            "the stack was {result}, but kumo could not record it ({cause}); deploy again to record it"
        ),
    }
}

/// Whether `deployed` already has what a deploy of `template` (equal to the deployed one) with
/// `parameters` and `tags` would give it. No tags (`default_tags = false` and none in kumo.toml)
/// are not sent, and CloudFormation then keeps the stack's own: they are not a change. NoEcho parameters read back masked, so they cannot
/// be compared: a change of one alone needs `--param` together with a template change.
fn unchanged(
    template: &Template,
    deployed: &Deployed,
    parameters: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
) -> bool {
    comparable(
        template,
        Session::effective_parameters(template, parameters),
    ) == comparable(template, deployed.parameters.clone())
        && (tags.is_empty() || &deployed.tags == tags)
}

/// Sets the template's stack policy on the stack unless it has it already.
async fn apply_stack_policy(
    engine: &Engine<'_>,
    template: &Template,
    ui: &crate::ui::Ui,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let Some(policy) = template.stack_policy() else {
        return Ok(());
    };
    let wanted = policy.to_string();
    let current = engine.stack_policy().await?;
    let same = current
        .as_deref()
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .is_some_and(|p| &p == policy);
    if !same {
        engine.set_stack_policy(&wanted).await?;
        ui.detail(out, "stack policy set")?;
    }
    Ok(())
}

/// A stack's deploy once its template and parameters are settled.
struct Settled<'a> {
    app: &'a dyn App,
    session: &'a Session,
    stack: &'a dyn Stack,
    engine: &'a Engine<'a>,
    template: &'a Template,
    hook_state: &'a HookState<'a>,
    /// Whether the stack should have termination protection.
    protect: bool,
}

impl Settled<'_> {
    /// Ends a deploy that changes nothing: says so, records the stack, brings its termination
    /// protection and stack policy to what they should be, and runs the after-deploy hooks.
    /// When it was to `prepare` a change set, it only says so.
    async fn no_changes(&self, prepare: bool, out: &mut dyn Write) -> Result<(), CliError> {
        let name = self.hook_state.stack_name;
        if prepare {
            writeln!(out, "{name}: no changes; no change set prepared")
                .map_err(CliError::Stdout)?;
            self.session
                .ui
                .report(name, json!({"result": "unchanged", "change_set": null}));
            return Ok(());
        }
        writeln!(out, "{name}: no changes").map_err(CliError::Stdout)?;
        let (outputs, now) = self
            .record("unchanged", serde_json::Map::new(), out)
            .await?;
        self.converge(&now, out).await?;
        hooks::run(
            self.app,
            HookPoint::AfterDeploy,
            self.hook_state,
            &outputs,
            Some(&now.status),
        )
    }

    /// Prints the stack's outputs (NoEcho values masked), records what is deployed under
    /// `.kumo` and in the `--json` report (with `result` and what changed: the
    /// [`Proposal`]'s fields, outputs changed under `changed_outputs`), and returns the
    /// outputs and the stack as it is now. It comes first after a deploy that worked, so that
    /// what fails later (protection, policy, hooks) never leaves a deployed stack unrecorded.
    async fn record(
        &self,
        result: &str,
        mut review: serde_json::Map<String, serde_json::Value>,
        out: &mut dyn Write,
    ) -> Result<(BTreeMap<String, String>, Deployed), CliError> {
        let name = self.hook_state.stack_name;
        let deployed = self
            .engine
            .describe()
            .await?
            .ok_or_else(|| CliError::Deploy {
                stack: name.to_owned(),
                message: "the stack disappeared after the deploy".to_owned(),
            })?;
        let outputs = mask_outputs(
            self.template,
            self.hook_state.parameters,
            deployed.outputs.clone(),
        );
        for (key, value) in &outputs {
            writeln!(out, "  {key} = {value}").map_err(CliError::Stdout)?;
        }
        let env = self.session.env.name();
        let stack = RecordKey::new(self.app, &self.session.env, self.stack, name);
        let target = TargetKey::of_stack(&deployed.stack_id)?;
        // The template last: a run stopped between the two leaves the template from before
        // recorded, so offline `diff` shows the change again, and the next deploy (a no-op)
        // records both, rather than pass for done with the outputs from before.
        self.session
            .state
            .write_outputs(&target, env, stack, &outputs)?;
        self.session
            .state
            .write_applied(&target, env, stack, &self.template.to_json())?;
        if let Some(changed) = review.remove("outputs") {
            review.insert("changed_outputs".to_owned(), changed);
        }
        review.entry("changes").or_insert_with(|| json!([]));
        review.insert("result".to_owned(), json!(result));
        review.insert("status".to_owned(), json!(deployed.status));
        review.insert("outputs".to_owned(), json!(outputs));
        self.session
            .ui
            .report(name, serde_json::Value::Object(review));
        Ok((outputs, deployed))
    }

    /// Brings the stack's termination protection and stack policy to what kumo.toml, the
    /// options and the template say, on every deploy: a call that failed once (or a change by
    /// hand) is put right by the next deploy.
    async fn converge(&self, now: &Deployed, out: &mut dyn Write) -> Result<(), CliError> {
        if now.termination_protection != self.protect {
            self.engine.protect(self.protect).await?;
            let state = if self.protect { "on" } else { "off" };
            self.session
                .ui
                .detail(out, &format!("termination protection {state}"))?;
        }
        apply_stack_policy(self.engine, self.template, &self.session.ui, out).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::deployed;

    #[test]
    fn what_to_do_follows_the_status() {
        assert_eq!(start(None, false), Start::Create);
        assert_eq!(start(Some("REVIEW_IN_PROGRESS"), false), Start::Review);
        assert_eq!(start(Some("CREATE_COMPLETE"), false), Start::Update);
        assert_eq!(
            start(Some("UPDATE_ROLLBACK_COMPLETE"), false),
            Start::Update
        );
        assert_eq!(start(Some("ROLLBACK_COMPLETE"), true), Start::Replace);
        assert_eq!(start(Some("ROLLBACK_FAILED"), true), Start::Replace);
        assert_eq!(
            start(Some("IMPORT_ROLLBACK_COMPLETE"), false),
            Start::Update
        );
        for (status, says) in [
            ("ROLLBACK_COMPLETE", "pass --replace-failed"),
            ("ROLLBACK_FAILED", "left the stack in ROLLBACK_FAILED"),
            ("UPDATE_ROLLBACK_FAILED", "continue-update-rollback"),
            ("IMPORT_ROLLBACK_FAILED", "an import's rollback failed"),
            ("DELETE_FAILED", "delete it again"),
            ("UPDATE_IN_PROGRESS", "busy (UPDATE_IN_PROGRESS)"),
            ("DELETE_IN_PROGRESS", "busy (DELETE_IN_PROGRESS)"),
            ("UPDATE_ROLLBACK_IN_PROGRESS", "wait until it ends"),
        ] {
            match start(Some(status), false) {
                Start::Refuse(why) => assert!(why.contains(says), "{status}: {why}"),
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_failed_update_says_a_ctrl_c_first() {
        assert_eq!(
            failed(false, Interrupted::No, "Jobs: bad"),
            "the deploy failed and was rolled back: Jobs: bad"
        );
        assert_eq!(
            failed(false, Interrupted::TooLate, "Jobs: cancelled"),
            "interrupted (Ctrl-C); the deploy failed and was rolled back: Jobs: cancelled"
        );
        assert_eq!(
            failed(true, Interrupted::No, "Jobs: bad"),
            "the deploy failed and was left as it is (--no-rollback): Jobs: bad"
        );
    }

    #[test]
    fn parameters_and_tags_decide_a_no_op_but_no_echo_values_cannot() {
        let mut template = Template::new();
        template
            .add_parameter("Size", kumo_core::Parameter::string().default_value("1"))
            .unwrap();
        template
            .add_parameter("Password", kumo_core::Parameter::string().no_echo())
            .unwrap();
        let tags = BTreeMap::from([("team".to_owned(), "a".to_owned())]);
        let sent = BTreeMap::from([("Password".to_owned(), "hunter2".to_owned())]);
        let current = deployed(
            "UPDATE_COMPLETE",
            &[("Size", "1"), ("Password", "****")],
            &[("team", "a")],
        );
        assert!(unchanged(&template, &current, &sent, &tags));
        let mut resized = sent.clone();
        resized.insert("Size".to_owned(), "2".to_owned());
        assert!(!unchanged(&template, &current, &resized, &tags));
        let retagged = BTreeMap::from([("team".to_owned(), "b".to_owned())]);
        assert!(!unchanged(&template, &current, &sent, &retagged));
        assert!(unchanged(&template, &current, &sent, &BTreeMap::new()));
    }
}
