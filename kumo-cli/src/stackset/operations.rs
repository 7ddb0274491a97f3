//! The stack-set commands: `deploy`, `plan`, `diff --live`, `outputs`, `delete` and `status`
//! of a stack deployed as a stack set.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use aws_sdk_cloudformation::Client;
use kumo_core::diff::{diff, Change};
use kumo_core::{App, HookPoint, Stack, Template};
use serde_json::json;

use crate::approval;
use crate::changes::capabilities;
use crate::cli::{DeleteArgs, DeployArgs};
use crate::engine::{read_template, Engine};
use crate::error::CliError;
use crate::hooks::{self, HookState};
use crate::interrupt::Guard;
use crate::nested;
use crate::review::{Lost, Review};
use crate::secrets::comparable;
use crate::security;
use crate::session::{Connection, Session};
use crate::state::{RecordKey, TargetKey};
use crate::ui::Style;

use super::calls::{DeployedSet, Listed, StackSets, Submission};
use super::instances::{batches, wanted, Instance, InstanceChanges, Overrides};
use super::settings::StackSetSettings;

/// The stack-set settings of `stack` in this environment, if it is deployed as a stack set.
pub fn settings<'s>(session: &'s Session, stack: &dyn Stack) -> Option<&'s StackSetSettings> {
    session
        .config
        .stacks
        .get(stack.name())
        .and_then(|s| s.stack_set.as_ref())
}

/// A deployed stack set as `diff` compares it with a stack: its template, parameter values and
/// tags, and how its instances differ from kumo.toml's.
pub struct Live {
    /// The template it was deployed with.
    pub template: Template,
    /// Its parameter values.
    pub parameters: BTreeMap<String, String>,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Its instances' changes.
    instances: InstanceChanges,
    /// Whether its roles differ from kumo.toml's.
    roles_differ: bool,
}

impl Live {
    /// The stack set of `stack` (named `name`, with `settings`), if deployed, read through
    /// `engine`.
    async fn read(
        session: &Session,
        engine: &Engine<'_>,
        name: &str,
        settings: &StackSetSettings,
    ) -> Result<Option<Live>, CliError> {
        let calls = StackSets::new(engine, name, settings, &session.ui);
        let Some(deployed) = calls.describe().await? else {
            return Ok(None);
        };
        let template = read_template(&deployed.template)
            .map_err(|err| calls.fail(format!("the deployed template cannot be read: {err}")))?;
        let instances = InstanceChanges::between(&calls.instances().await?, &wanted(settings));
        let roles_differ = !calls.same_roles(&deployed);
        let DeployedSet {
            parameters, tags, ..
        } = deployed;
        Ok(Some(Live {
            parameters: Session::effective_parameters(&template, &parameters),
            template,
            tags,
            instances,
            roles_differ,
        }))
    }

    /// Each instance change as a styled line.
    pub fn instance_lines(&self) -> Vec<(Style, String)> {
        self.instances.lines()
    }
}

/// The deployed stack set of `stack` (with `settings`), for `diff --live`.
pub async fn live(
    session: &Session,
    stack: &dyn Stack,
    settings: &StackSetSettings,
    client: &Client,
) -> Result<Option<Live>, CliError> {
    let name = session.stack_name(stack);
    let engine = session.engine(client, &name);
    Live::read(session, &engine, &name, settings).await
}

/// Checks the set's parameter values and the instances' overrides before anything is sent:
/// CloudFormation checks them only once the set is made, and fails its instances. Each
/// override names a parameter of the template that kumo does not fill, and every value meets
/// its parameter's constraints.
fn check_parameters(
    session: &Session,
    stack: &dyn Stack,
    template: &Template,
    settings: &StackSetSettings,
    values: &BTreeMap<String, String>,
) -> Result<(), CliError> {
    const OVERRIDES: &str = "stack-set overrides: ";
    let declared = template.parameters();
    let filled = crate::workspace::kumo_filled(template);
    let bad = |place: &'static str, name: &str, reason: String| CliError::BadParameterValue {
        stack: session.stack_name(stack),
        place,
        name: name.to_owned(),
        reason,
    };
    for (name, value) in settings.overrides.iter().flat_map(|o| &o.parameters) {
        let Some(parameter) = declared.get(name) else {
            let known: Vec<&str> = declared.keys().map(String::as_str).collect();
            let reason = match known.as_slice() {
                [] => "the stack has no such parameter; it has none".to_owned(),
                known => format!(
                    "the stack has no such parameter; it has: {}",
                    known.join(", ")
                ),
            };
            return Err(bad(OVERRIDES, name, reason));
        };
        if let Some(by) = filled.get(name) {
            return Err(CliError::FilledByKumo {
                stack: session.stack_name(stack),
                name: name.clone(),
                by: by.clone(),
            });
        }
        if let Some(reason) = parameter.value_problems(value).into_iter().next() {
            return Err(bad(OVERRIDES, name, reason));
        }
    }
    for (name, value) in values {
        let problem = declared
            .get(name)
            .and_then(|parameter| parameter.value_problems(value).into_iter().next());
        if let Some(reason) = problem {
            return Err(bad("", name, reason));
        }
    }
    Ok(())
}

/// What a deploy of a stack set would do.
struct Survey {
    name: String,
    live: Option<Live>,
    parameters: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    /// Whether the set itself (template, parameters, tags, roles) changes.
    set_changes: bool,
    /// The template's changes (all of it added when the set is new).
    template_changes: Vec<Change>,
    /// The instances' changes (all of them added when the set is new).
    instances: InstanceChanges,
}

impl Survey {
    async fn take(
        session: &Session,
        engine: &Engine<'_>,
        stack: &dyn Stack,
        settings: &StackSetSettings,
        template: &Template,
        overrides: &[(String, String)],
    ) -> Result<Survey, CliError> {
        let name = session.stack_name(stack);
        let values = session
            .deploy_parameters(stack, template, overrides, engine.client())
            .await?;
        // A stack set's parameters all need values: none keeps its deployed one.
        let parameters = session
            .complete_parameters(stack, template, values, None)?
            .values;
        check_parameters(session, stack, template, settings, &parameters)?;
        let tags = session.stack_tags(stack, template);
        let live = Live::read(session, engine, &name, settings).await?;
        let (set_changes, template_changes, instances) = match &live {
            None => (
                true,
                diff(&Template::new(), template),
                InstanceChanges::between(&BTreeMap::new(), &wanted(settings)),
            ),
            Some(live) => {
                let effective = |values: &BTreeMap<String, String>| {
                    comparable(template, Session::effective_parameters(template, values))
                };
                let unchanged = &live.template == template;
                let template_changes = match unchanged {
                    true => Vec::new(),
                    false => diff(&live.template, template),
                };
                let same = unchanged
                    && effective(&live.parameters) == effective(&parameters)
                    && (tags.is_empty() || live.tags == tags)
                    && !live.roles_differ;
                (!same, template_changes, live.instances.clone())
            }
        };
        Ok(Survey {
            name,
            live,
            parameters,
            tags,
            set_changes,
            template_changes,
            instances,
        })
    }

    /// Whether a deploy would change anything.
    fn changes(&self) -> bool {
        self.set_changes || !self.instances.is_empty()
    }

    /// Prints what would change: the template's changes and the instances'.
    fn show(
        &self,
        session: &Session,
        template: &Template,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let ui = &session.ui;
        let name = &self.name;
        let line =
            |out: &mut dyn Write, text: String| writeln!(out, "{text}").map_err(CliError::Stdout);
        if !self.changes() {
            return line(out, format!("{name}: no changes"));
        }
        let nothing = Template::new();
        let before = self.live.as_ref().map_or(&nothing, |l| &l.template);
        let what = match (&self.live, self.template_changes.len()) {
            (None, _) => "a new stack set".to_owned(),
            (Some(_), 0) if self.set_changes => "parameter values, tags or roles change".to_owned(),
            (Some(_), 0) => "the set itself is unchanged".to_owned(),
            (Some(_), n) => format!("{n} template change(s)"),
        };
        line(
            out,
            format!(
                "{name}: stack set: {what}; instances: {} to add, {} to remove, {} to update",
                self.instances.add.len(),
                self.instances.remove.len(),
                self.instances.update.len()
            ),
        )?;
        let review = Review::new(before, template);
        for change in &self.template_changes {
            for (style, text) in review.lines(change) {
                line(out, format!("  {}", ui.paint(style, &text)))?;
            }
        }
        for (style, text) in self.instances.lines() {
            line(out, format!("  {}", ui.paint(style, &text)))?;
        }
        Ok(())
    }

    /// The `--json` report of what would change.
    fn report(&self) -> serde_json::Value {
        json!({
            "stack_set": true,
            "create": self.live.is_none(),
            "set_changes": self.set_changes,
            "instances": {
                "add": self.instances.add.keys().map(ToString::to_string).collect::<Vec<_>>(),
                "remove": self.instances.remove.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "update": self.instances.update.keys().map(ToString::to_string).collect::<Vec<_>>(),
            },
        })
    }
}

/// `plan` of a stack set: prints what a deploy would do; whether it would change anything.
pub async fn plan(
    session: &Session,
    connection: &Connection,
    stack: &dyn Stack,
    settings: &StackSetSettings,
    template: &Template,
    overrides: &[(String, String)],
    out: &mut dyn Write,
) -> Result<bool, CliError> {
    let name = session.stack_name(stack);
    let engine = session.engine(&connection.client, &name);
    let survey = Survey::take(session, &engine, stack, settings, template, overrides).await?;
    survey.show(session, template, out)?;
    let mut report = survey.report();
    report["planned"] = json!(true);
    session.ui.report(&name, report);
    Ok(survey.changes())
}

/// `deploy` of a stack set: creates or updates it, deletes the instances kumo.toml no longer
/// names (with `--allow-destructive`: their stacks' resources go with them), creates the new
/// ones and updates those whose overrides change; each operation waited for with every
/// instance's progress. Nothing is called when nothing changes.
#[allow(clippy::too_many_arguments)]
pub async fn deploy(
    app: &dyn App,
    session: &Session,
    connection: &Connection,
    stack: &dyn Stack,
    settings: &StackSetSettings,
    template: &Template,
    args: &DeployArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let name = session.stack_name(stack);
    let engine = session.engine(&connection.client, &name);
    let calls = StackSets::new(&engine, &name, settings, &session.ui);
    if args.prepare || args.execute.is_some() {
        return Err(calls.fail(
            "a stack set has no change sets to prepare or execute: deploy it without --prepare or --execute".to_owned(),
        ));
    }
    let survey = Survey::take(session, &engine, stack, settings, template, &args.params).await?;
    let hook_state = HookState {
        stack: stack.name(),
        stack_name: &name,
        environment: &session.env,
        parameters: &survey.parameters,
    };
    let status = survey.live.as_ref().map(|_| ACTIVE);
    let nothing = BTreeMap::new();
    hooks::run(app, HookPoint::BeforeDeploy, &hook_state, &nothing, status)?;
    survey.show(session, template, out)?;
    let previous = survey.live.as_ref().map(|live| &live.template);
    let new_set = Template::new();
    let deployed = previous.unwrap_or(&new_set);
    let nested = nested::changes(&session.state, deployed, template)?;
    let access = security::show(&name, previous, template, &nested, &session.ui, out)?;
    if !survey.changes() {
        let outputs = record(app, session, stack, &calls, template, "unchanged", out).await?;
        return hooks::run(
            app,
            HookPoint::AfterDeploy,
            &hook_state,
            &outputs,
            Some(ACTIVE),
        );
    }
    if !survey.instances.remove.is_empty() && !args.allow_destructive {
        let list: Vec<String> = survey
            .instances
            .remove
            .iter()
            .map(ToString::to_string)
            .collect();
        return Err(calls.fail(format!(
            "refusing to delete stack instances ({}) and their stacks' resources; pass --allow-destructive if you mean it",
            list.join(", ")
        )));
    }
    // No change set says what a stack set's update replaces: the schemas do.
    let review = Review::new(deployed, template);
    let mut lost = review.lost(&survey.template_changes);
    // The template's changes cannot show what a loop over a parameter's items writes fewer of
    // when the parameter's value changes: the set's value, in every instance, or an instance's
    // override, in that instance.
    // Values compared as deployed: a default sent or not is the same value.
    let changed: BTreeSet<&str> = survey.live.as_ref().map_or_else(BTreeSet::new, |live| {
        let before = Session::effective_parameters(&live.template, &live.parameters);
        let after = Session::effective_parameters(template, &survey.parameters);
        let names = template.parameters().keys();
        names
            .filter(|name| before.get(*name) != after.get(*name))
            .map(String::as_str)
            .collect()
    });
    for loss in review.parameter_losses(&changed) {
        if !lost.iter().any(|known| known.id == loss.id) {
            lost.push(loss);
        }
    }
    let dangerous = |lost: &[Lost]| -> Vec<String> {
        let ids = lost.iter().filter(|lost| lost.holds_data());
        ids.map(|lost| lost.id.clone()).collect()
    };
    let everywhere = dangerous(&lost);
    if !everywhere.is_empty() && !args.allow_destructive {
        return Err(calls.fail(format!(
            "refusing to replace or remove stateful or retained resources ({}) in every instance; pass --allow-destructive if you mean it",
            everywhere.join(", ")
        )));
    }
    // Each override's losses are in the instances where it changes.
    let mut some = BTreeSet::new();
    let mut there = BTreeSet::new();
    for (parameter, instances) in &survey.instances.overridden {
        let losses = dangerous(&review.parameter_losses(&BTreeSet::from([parameter.as_str()])));
        if !losses.is_empty() {
            some.extend(losses);
            there.extend(instances.iter().map(ToString::to_string));
        }
    }
    if !some.is_empty() && !args.allow_destructive {
        return Err(calls.fail(format!(
            "refusing to replace or remove stateful or retained resources ({}) in the instances whose parameter overrides change ({}); pass --allow-destructive if you mean it",
            some.into_iter().collect::<Vec<_>>().join(", "),
            there.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    approval::require(&name, &access, args, session)?;
    if !args.yes && !session.confirm(&format!("Deploy these changes to stack set {name}?"))? {
        return Err(CliError::Cancelled);
    }
    let (before, after, result) = match survey.live {
        None => (HookPoint::BeforeCreate, HookPoint::AfterCreate, "created"),
        Some(_) => (HookPoint::BeforeUpdate, HookPoint::AfterUpdate, "updated"),
    };
    hooks::run(app, before, &hook_state, &nothing, status)?;
    session
        .upload_assets(connection, stack, template, args.no_cache, out)
        .await?;
    let body = template.to_json();
    let source = session.template_source(connection, stack, &body).await?;
    let capabilities = capabilities(template);
    let submission = Submission {
        source: &source,
        capabilities: &capabilities,
        parameters: &survey.parameters,
        tags: &survey.tags,
    };
    let none = Overrides::new();
    // No operation starts after Ctrl-C; the one running when it comes goes on.
    let guard = Guard::new();
    let removed = survey.instances.remove.iter().map(|i| (i, &none));
    for batch in batches(removed) {
        guard.stop_before(&name, "deleting stack instances")?;
        calls.delete_instances(&batch, out).await?;
    }
    guard.stop_before(&name, "changing the stack set")?;
    match &survey.live {
        None => calls.create(&submission).await?,
        Some(_) if survey.set_changes => {
            let deployed = calls.list().await?;
            let remaining: Vec<&Instance> = deployed.keys().collect();
            let remaining = batches(remaining.into_iter().map(|i| (i, &none)));
            calls.update(&submission, &remaining, out).await?;
        }
        Some(_) => {}
    }
    for batch in batches(&survey.instances.add) {
        guard.stop_before(&name, "creating stack instances")?;
        calls.create_instances(&batch, out).await?;
    }
    for batch in batches(&survey.instances.update) {
        guard.stop_before(&name, "updating stack instances")?;
        calls.update_instances(&batch, out).await?;
    }
    let outputs = record(app, session, stack, &calls, template, result, out).await?;
    hooks::run(app, after, &hook_state, &outputs, Some(ACTIVE))?;
    hooks::run(
        app,
        HookPoint::AfterDeploy,
        &hook_state,
        &outputs,
        Some(ACTIVE),
    )
}

/// The status hooks see of a deployed stack set.
const ACTIVE: &str = "ACTIVE";

/// Records the stack set's template and its instances' stacks under `.kumo` (by the region and
/// account of the set) and in the `--json` report, prints how many instances it has, and
/// returns their stacks by instance (its "outputs").
async fn record(
    app: &dyn App,
    session: &Session,
    stack: &dyn Stack,
    calls: &StackSets<'_>,
    template: &Template,
    result: &str,
    out: &mut dyn Write,
) -> Result<BTreeMap<String, String>, CliError> {
    let name = session.stack_name(stack);
    let deployed = calls
        .describe()
        .await?
        .ok_or_else(|| calls.fail("the stack set disappeared after the deploy".to_owned()))?;
    let target = TargetKey::of_stack(&deployed.arn)?;
    let key = RecordKey::new(app, &session.env, stack, &name);
    let listed = calls.list().await?;
    let outputs = instance_stacks(&listed);
    // The template last, as for a stack: a run stopped before it leaves the template from
    // before recorded, so offline `diff` shows the change again.
    session
        .state
        .write_outputs(&target, session.env.name(), key, &outputs)?;
    session
        .state
        .write_applied(&target, session.env.name(), key, &template.to_json())?;
    let instances: Vec<serde_json::Value> = listed
        .iter()
        .map(|(i, l)| json!({"instance": i.to_string(), "status": l.status}))
        .collect();
    writeln!(
        out,
        "{name}: stack set {result}, {} instance(s)",
        listed.len()
    )
    .map_err(CliError::Stdout)?;
    session.ui.report(
        &name,
        json!({"result": result, "stack_set": true, "instances": instances}),
    );
    Ok(outputs)
}

/// The stack of each instance, by instance (`111111111111/eu-west-1`): what `outputs` shows of
/// a stack set, whose instances' own outputs are in their accounts.
fn instance_stacks(listed: &BTreeMap<Instance, Listed>) -> BTreeMap<String, String> {
    listed
        .iter()
        .map(|(i, l)| (i.to_string(), l.stack_id.clone()))
        .collect()
}

/// `outputs --live` of a stack set: the stack of each instance, if the set is deployed.
pub async fn outputs(
    session: &Session,
    stack: &dyn Stack,
    settings: &StackSetSettings,
    client: &Client,
) -> Result<Option<BTreeMap<String, String>>, CliError> {
    let name = session.stack_name(stack);
    let engine = session.engine(client, &name);
    let calls = StackSets::new(&engine, &name, settings, &session.ui);
    if calls.describe().await?.is_none() {
        return Ok(None);
    }
    Ok(Some(instance_stacks(&calls.list().await?)))
}

/// `delete` of a stack set: deletes its instances (their stacks and resources with them) and
/// waits, then deletes the set and forgets it under `.kumo`.
pub async fn delete(
    app: &dyn App,
    session: &Session,
    connection: &Connection,
    stack: &dyn Stack,
    settings: &StackSetSettings,
    args: &DeleteArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let name = session.stack_name(stack);
    let engine = session.engine(&connection.client, &name);
    let calls = StackSets::new(&engine, &name, settings, &session.ui);
    let Some(deployed) = calls.describe().await? else {
        writeln!(out, "{name}: stack set not deployed").map_err(CliError::Stdout)?;
        session.ui.report(&name, json!({"result": "not deployed"}));
        return Ok(());
    };
    let listed = calls.list().await?;
    let question = format!(
        "Delete stack set {name}, its {} instance(s) and their resources?",
        listed.len()
    );
    if !args.yes && !session.confirm(&question)? {
        return Err(CliError::Cancelled);
    }
    let outputs = instance_stacks(&listed);
    let hook_state = HookState {
        stack: stack.name(),
        stack_name: &name,
        environment: &session.env,
        parameters: &deployed.parameters,
    };
    hooks::run(
        app,
        HookPoint::BeforeDelete,
        &hook_state,
        &outputs,
        Some(ACTIVE),
    )?;
    let none = Overrides::new();
    let guard = Guard::new();
    for batch in batches(listed.keys().map(|i| (i, &none))) {
        guard.stop_before(&name, "deleting stack instances")?;
        writeln!(
            out,
            "{name}: deleting instances {} in {}",
            batch.targets.join(", "),
            batch.regions.join(", ")
        )
        .map_err(CliError::Stdout)?;
        calls.delete_instances(&batch, out).await?;
    }
    guard.stop_before(&name, "deleting the stack set")?;
    calls.delete().await?;
    let key = RecordKey::new(app, &session.env, stack, &name);
    session.state.remove(
        &TargetKey::of_stack(&deployed.arn)?,
        session.env.name(),
        key,
    )?;
    writeln!(out, "{name}: deleted").map_err(CliError::Stdout)?;
    session
        .ui
        .report(&name, json!({"result": "deleted", "stack_set": true}));
    hooks::run(app, HookPoint::AfterDelete, &hook_state, &outputs, None)
}

/// `status` of a stack set: its instances and their statuses, one line.
pub async fn status(
    session: &Session,
    stack: &dyn Stack,
    settings: &StackSetSettings,
    client: &Client,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let name = session.stack_name(stack);
    let engine = session.engine(client, &name);
    let calls = StackSets::new(&engine, &name, settings, &session.ui);
    let ui = &session.ui;
    let line = match calls.describe().await? {
        None => {
            ui.report(
                &name,
                json!({"status": null, "stack_set": true, "deployed": false}),
            );
            format!("{name}: stack set not deployed")
        }
        Some(_) => {
            let listed = calls.list().await?;
            let shown: Vec<String> = listed
                .iter()
                .map(|(i, l)| {
                    let style = if l.status == "CURRENT" {
                        Style::Good
                    } else {
                        Style::Changed
                    };
                    format!("{i} {}", ui.paint(style, &l.status))
                })
                .collect();
            ui.report(
                &name,
                json!({
                    "stack_set": true,
                    "deployed": true,
                    "instances": listed.iter().map(|(i, l)| json!({"instance": i.to_string(), "status": l.status})).collect::<Vec<_>>(),
                }),
            );
            format!(
                "{name}: stack set, {} instance(s): {}",
                listed.len(),
                shown.join(", ")
            )
        }
    };
    writeln!(out, "{line}").map_err(CliError::Stdout)
}
