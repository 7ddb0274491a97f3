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
use crate::synth::{build, select};
use crate::ui::Ui;
use crate::workspace::Workspace;

/// A stack's outputs, by key.
type Outputs = BTreeMap<String, String>;

/// Prints the outputs of the selected stacks as deployed (`--live`), with every output that
/// reveals a secret masked; without `--live`, [`offline`].
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
            None => Engine::new(client, &name)
                .describe()
                .await?
                .map(|deployed| deployed.outputs),
        };
        all.insert(
            name.clone(),
            masked(stack, &session.env, name, true, outputs)?,
        );
    }
    print(&session.ui, &all, out)
}

/// Prints the outputs of the selected stacks as kumo recorded them at their last deploy to the
/// workspace's target, with every output that reveals a secret masked.
pub fn offline(
    app: &dyn App,
    workspace: Workspace<'_>,
    args: &OutputsArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let mut all = BTreeMap::new();
    for stack in select(app, &args.selection.stacks)? {
        let name = workspace.stack_name(stack);
        let outputs = workspace.state.outputs(
            workspace.env.name(),
            stack.name(),
            workspace.target_filter(stack.name()),
        )?;
        all.insert(
            name.clone(),
            masked(stack, workspace.env, name, false, outputs)?,
        );
    }
    print(workspace.ui, &all, out)
}

/// The `outputs` of `stack` (called `name`; `None`: not deployed, read `live` or not), masked
/// as deploy masks them: the recorded ones again, in case an older kumo wrote them.
fn masked(
    stack: &dyn Stack,
    env: &Environment,
    name: String,
    live: bool,
    outputs: Option<Outputs>,
) -> Result<Outputs, CliError> {
    let outputs = outputs.ok_or(CliError::NotDeployed { stack: name, live })?;
    let template = build(stack, env)?;
    Ok(mask_outputs(&template, &BTreeMap::new(), outputs))
}

/// Prints each stack's outputs, `KEY = value` under its name, and reports them.
fn print(
    ui: &Ui,
    all: &BTreeMap<String, Outputs>,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    for (name, outputs) in all {
        writeln!(out, "{name}:").map_err(CliError::Stdout)?;
        for (key, value) in outputs {
            writeln!(out, "  {key} = {value}").map_err(CliError::Stdout)?;
        }
        ui.report(name, serde_json::json!(outputs));
    }
    Ok(ExitCode::SUCCESS)
}
