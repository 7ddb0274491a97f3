//! `outputs`: the stacks' outputs, from `.kumo/outputs` ([`offline`]) or, with `--live`,
//! CloudFormation.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use kumo_core::{App, Environment, Stack};

use crate::cli::OutputsArgs;
#[cfg(feature = "deploy")]
use crate::engine::Engine;
use crate::error::CliError;
use crate::secrets::mask_outputs;
#[cfg(feature = "deploy")]
use crate::session::Session;
#[cfg(feature = "deploy")]
use crate::stackset;
use crate::state::RecordKey;
use crate::synth::{build, select};
use crate::ui::Ui;
use crate::workspace::Workspace;

/// A stack's outputs, by key.
type Outputs = BTreeMap<String, String>;

/// Prints the outputs of the selected stacks as deployed (`--live`), with every output that
/// reveals a secret masked, and fails naming those not deployed; without `--live`,
/// [`offline`].
#[cfg(feature = "deploy")]
pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &OutputsArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    if !args.live {
        return offline(app, session.workspace(), args, out);
    }
    let client = session.client().await;
    let mut all = BTreeMap::new();
    for stack in select(app, &args.selection.stacks)? {
        let name = session.stack_name(stack);
        let own = session.own_region_client(stack.name()).await;
        let client = own.as_ref().unwrap_or(&client);
        let outputs = match stackset::settings(session, stack) {
            Some(set) => stackset::outputs(session, stack, set, client).await?,
            // A stack under review has nothing deployed yet.
            None => Engine::new(client, &name)
                .describe()
                .await?
                .filter(|deployed| !deployed.under_review())
                .map(|deployed| deployed.outputs),
        };
        all.insert(name, masked(stack, &session.env, outputs)?);
    }
    print(&session.ui, &all, true, out)
}

/// Prints the outputs of the selected stacks as kumo recorded them at their last deploy to the
/// workspace's target, with every output that reveals a secret masked, and fails naming those
/// without a record.
pub fn offline(
    app: &dyn App,
    workspace: Workspace<'_>,
    args: &OutputsArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let mut all = BTreeMap::new();
    for stack in select(app, &args.selection.stacks)? {
        let name = workspace.stack_name(stack);
        let key = RecordKey::new(app, workspace.env, stack, &name);
        let outputs = workspace.state.outputs(
            workspace.env.name(),
            key,
            workspace.target_filter(stack.name()),
        )?;
        all.insert(name, masked(stack, workspace.env, outputs)?);
    }
    print(workspace.ui, &all, false, out)
}

/// The `outputs` of `stack` (`None`: not deployed), masked as deploy masks them: the recorded
/// ones again, in case an older kumo wrote them.
fn masked(
    stack: &dyn Stack,
    env: &Environment,
    outputs: Option<Outputs>,
) -> Result<Option<Outputs>, CliError> {
    let Some(outputs) = outputs else {
        return Ok(None);
    };
    let template = build(stack, env)?;
    Ok(Some(mask_outputs(&template, &BTreeMap::new(), outputs)))
}

/// Prints each deployed stack's outputs, `KEY = value` under its name, and reports them; then
/// fails naming the stacks not deployed (read `live` or not), if any.
fn print(
    ui: &Ui,
    all: &BTreeMap<String, Option<Outputs>>,
    live: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let mut missing = Vec::new();
    for (name, outputs) in all {
        let Some(outputs) = outputs else {
            missing.push(name.clone());
            continue;
        };
        writeln!(out, "{name}:").map_err(CliError::Stdout)?;
        for (key, value) in outputs {
            writeln!(out, "  {key} = {value}").map_err(CliError::Stdout)?;
        }
        ui.report(name, serde_json::json!(outputs));
    }
    match missing.is_empty() {
        true => Ok(ExitCode::SUCCESS),
        false => Err(CliError::NotDeployed {
            stacks: missing,
            live,
        }),
    }
}
