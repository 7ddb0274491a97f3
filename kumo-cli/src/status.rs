//! `status`: each stack's status, last update and drift of the local template.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::{App, Template};

use crate::cli::Selection;
use crate::engine::Engine;
use crate::error::CliError;
use crate::session::Session;
use crate::synth::{build, select};

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &Selection,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let client = session.client().await;
    for stack in select(app, &args.stacks)? {
        let name = session.stack_name(stack);
        let engine = Engine::new(&client, &name);
        let line = match engine.describe().await? {
            None => format!("{name}: not deployed"),
            Some(deployed) => {
                let local = build(stack, &session.env)?;
                let drift = match Template::from_json(&engine.template().await?) {
                    Ok(remote) if remote == local => "local template deployed",
                    _ => "local template differs (see `diff --live`)",
                };
                format!(
                    "{name}: {} (last update {}); {drift}",
                    deployed.status,
                    deployed.last_updated.as_deref().unwrap_or("unknown"),
                )
            }
        };
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
