//! `validate`: kumo's checks, and CloudFormation's with `--remote`.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;

use crate::cli::ValidateArgs;
use crate::engine::Engine;
use crate::error::CliError;
use crate::session::Session;
use crate::synth::{build, select};

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &ValidateArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let client = session.client_if(args.remote).await;
    for stack in select(app, &args.selection.stacks)? {
        let name = session.stack_name(stack);
        let template = build(stack, &session.env)?;
        let mut line = format!(
            "{name}: valid ({} resources, {} bytes)",
            template.resources().len(),
            template.to_json().len()
        );
        if let Some(client) = &client {
            let needed = Engine::new(client, &name)
                .validate(&template.to_json())
                .await?;
            line.push_str("; CloudFormation accepts it");
            if !needed.is_empty() {
                line.push_str(&format!(" and needs {}", needed.join(", ")));
            }
        }
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
