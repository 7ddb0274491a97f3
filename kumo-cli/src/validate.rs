//! `validate`: kumo's checks, and CloudFormation's with `--remote`; and the checks of names
//! every command runs first ([`check_names`]).

use std::io::Write;
use std::process::ExitCode;

use kumo_core::naming::{
    check_stack_name, check_stack_name_prefix, check_tags, NameRegistry, NamingError,
};
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

/// Checks what every command that builds or sends a stack relies on, before it builds or sends
/// anything: the stack-name prefix, and each stack's CloudFormation name (valid, and no other
/// stack's) and kumo.toml's tags.
/// Template checks (kumo's own tags, resource tags, parameter defaults) run when each template
/// is built.
pub fn check_names(app: &dyn App, session: &Session) -> Result<(), CliError> {
    check_stack_name_prefix(&session.config.stack_name_prefix)?;
    let mut names = NameRegistry::default();
    for stack in app.stacks() {
        let fail = |source: NamingError| CliError::Stack {
            stack: stack.name().to_owned(),
            source: source.into(),
        };
        let name = session.stack_name(stack);
        check_stack_name(&name).map_err(fail)?;
        names.claim(&name, stack.name()).map_err(fail)?;
        let tags = session.config_tags(stack);
        check_tags(
            tags.iter()
                .map(|(key, value)| (key.as_str(), value.as_str())),
        )
        .map_err(fail)?;
    }
    Ok(())
}
