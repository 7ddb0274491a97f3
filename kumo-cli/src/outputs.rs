//! `outputs`: the stacks' outputs, from `.kumo/outputs` or CloudFormation.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;

use crate::cli::OutputsArgs;
use crate::engine::Engine;
use crate::error::CliError;
use crate::secrets::mask_outputs;
use crate::session::Session;
use crate::stackset;
use crate::synth::{build, select};

/// Prints the outputs of the selected stacks, recorded or (`--live`) deployed, with every
/// output that reveals a secret masked.
pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &OutputsArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let client = session.client_if(args.live).await;
    let mut all: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for stack in select(app, &args.selection.stacks)? {
        let name = session.stack_name(stack);
        // Only a live read goes to the stack's own region; without --live, `.kumo` answers.
        let own = match args.live {
            true => session.own_region_client(stack.name()).await,
            false => None,
        };
        let outputs = match own.as_ref().or(client.as_ref()) {
            Some(client) => match stackset::settings(session, stack) {
                Some(set) => stackset::outputs(session, stack, set, client).await?,
                None => Engine::new(client, &name)
                    .describe()
                    .await?
                    .map(|deployed| deployed.outputs),
            },
            None => session.state.outputs(
                session.env.name(),
                stack.name(),
                session.workspace().target_filter(stack.name()),
            )?,
        };
        let outputs = outputs.ok_or_else(|| CliError::NotDeployed {
            stack: name.clone(),
            live: args.live,
        })?;
        // Masked as deploy masks them, the recorded ones again in case an older kumo wrote them.
        let template = build(stack, &session.env)?;
        all.insert(name, mask_outputs(&template, &BTreeMap::new(), outputs));
    }
    for (name, outputs) in &all {
        writeln!(out, "{name}:").map_err(CliError::Stdout)?;
        for (key, value) in outputs {
            writeln!(out, "  {key} = {value}").map_err(CliError::Stdout)?;
        }
        session.ui.report(name, serde_json::json!(outputs));
    }
    Ok(ExitCode::SUCCESS)
}
