//! `plan`: what a deploy would do, from a change set that is created, printed and deleted.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;

use crate::changes::capabilities;
use crate::cli::PlanArgs;
use crate::engine::{ChangeSet, Engine};
use crate::error::CliError;
use crate::session::Session;
use crate::synth::{build, select};

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &PlanArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let client = session.client().await;
    for stack in select(app, &args.selection.stacks)? {
        let name = session.stack_name(stack);
        let template = build(stack, &session.env)?;
        let parameters = session.parameters(stack, &template, &args.params)?;
        let engine = Engine::new(&client, &name);
        let create = engine.describe().await?.is_none();
        let change_set = engine
            .change_set(
                &template.to_json(),
                create,
                &capabilities(&template),
                &Default::default(),
                &parameters,
            )
            .await?;
        match change_set {
            ChangeSet::Empty => writeln!(out, "{name}: no changes").map_err(CliError::Stdout)?,
            ChangeSet::Ready { id, changes } => {
                writeln!(out, "{name}: {} change(s)", changes.len()).map_err(CliError::Stdout)?;
                for change in &changes {
                    writeln!(out, "  {change}").map_err(CliError::Stdout)?;
                }
                engine.delete_change_set(&id).await?;
            }
        }
        if create {
            // A change set of a new stack leaves the stack behind in REVIEW_IN_PROGRESS.
            engine.delete().await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
