//! `diff`: what a deploy would change, against `.kumo/applied` or the deployed template.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::diff::{diff, ChangeKind};
use kumo_core::{App, Template};

use crate::cli::DiffArgs;
use crate::engine::Engine;
use crate::error::CliError;
use crate::session::Session;
use crate::synth::{build, select};

/// Exit code 1: there are changes (as `diff(1)`).
const CHANGES: u8 = 1;

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &DiffArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let client = session.client_if(args.live).await;
    let mut changed = false;
    for stack in select(app, &args.selection.stacks)? {
        let name = session.stack_name(stack);
        let new = build(stack, &session.env)?;
        let old = match &client {
            Some(client) => {
                let engine = Engine::new(client, &name);
                match engine.describe().await? {
                    Some(_) => Some(engine.deployed_template().await?),
                    None => None,
                }
            }
            None => session.state.applied(session.env.name(), stack.name())?,
        };
        let changes = diff(old.as_ref().unwrap_or(&Template::new()), &new);
        let print =
            |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(CliError::Stdout);
        match (&old, changes.is_empty()) {
            (_, true) => print(out, format!("{name}: no changes"))?,
            (None, false) => print(out, format!("{name}: not deployed; a deploy creates it"))?,
            (Some(_), false) => print(out, format!("{name}: {} change(s)", changes.len()))?,
        }
        for change in &changes {
            let line = match &change.kind {
                ChangeKind::Added => format!("  + {}.{}", change.section, change.id),
                ChangeKind::Removed => format!("  - {}.{}", change.section, change.id),
                ChangeKind::Modified(paths) => {
                    format!("  ~ {}.{}: {}", change.section, change.id, paths.join(", "))
                }
            };
            print(out, line)?;
        }
        changed |= !changes.is_empty();
    }
    Ok(if changed {
        ExitCode::from(CHANGES)
    } else {
        ExitCode::SUCCESS
    })
}
