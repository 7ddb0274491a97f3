//! `validate`: kumo's checks, and CloudFormation's with `--remote`.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;
use serde_json::json;

use crate::cli::ValidateArgs;
use crate::engine::Engine;
use crate::error::CliError;
use crate::session::Session;
use crate::synth::{build_json, select};

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &ValidateArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let connection = if args.remote {
        Some(session.connect().await?)
    } else {
        None
    };
    for stack in select(app, &args.selection.stacks)? {
        let name = session.stack_name(stack);
        let (template, body) = build_json(stack, &session.env)?;
        let mut line = format!(
            "{name}: valid ({} resources, {} bytes)",
            template.resources().len(),
            body.len()
        );
        let mut needed = Vec::new();
        if let Some(connection) = &connection {
            let source = session.template_source(connection, stack, &body).await?;
            needed = Engine::new(&connection.client, &name)
                .validate(&source)
                .await?;
            line.push_str("; CloudFormation accepts it");
            if !needed.is_empty() {
                line.push_str(&format!(" and needs {}", needed.join(", ")));
            }
        }
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
        session.ui.report(
            &name,
            json!({
                "valid": true,
                "resources": template.resources().len(),
                "bytes": body.len(),
                "remote": args.remote,
                "capabilities": needed,
            }),
        );
    }
    Ok(ExitCode::SUCCESS)
}
