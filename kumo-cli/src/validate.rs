//! `validate`: kumo's checks ([`offline`]), and CloudFormation's with `--remote`.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::{App, Template};
use serde_json::json;

use crate::cli::ValidateArgs;
#[cfg(feature = "deploy")]
use crate::engine::Engine;
use crate::error::CliError;
#[cfg(feature = "deploy")]
use crate::regions::Connections;
#[cfg(feature = "deploy")]
use crate::session::Session;
use crate::synth::{build_json, select};
use crate::ui::Ui;
use crate::workspace::Workspace;

/// `validate --remote` asks CloudFormation too; without it, [`offline`].
#[cfg(feature = "deploy")]
pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &ValidateArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    if !args.remote {
        return offline(app, session.workspace(), args, out);
    }
    let stacks = select(app, &args.selection.stacks)?;
    // Each stack is validated in its own region, where a large template goes through that
    // region's artifact bucket as a deploy's would.
    let connections = Connections::open(session, stacks.iter().map(|stack| stack.name())).await?;
    connections.check_imports(app, session)?;
    for stack in stacks {
        let connection = connections.of(session, stack.name());
        let name = session.stack_name(stack);
        let (template, body) = build_json(stack, &session.env)?;
        let source = session.template_source(connection, stack, &body).await?;
        let needed = Engine::new(&connection.client, &name)
            .validate(&source)
            .await?;
        let valid = Valid {
            name: &name,
            template: &template,
            body: &body,
        };
        valid.print(&session.ui, Some(&needed), out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `validate` without `--remote`: builds each selected stack, which runs every check kumo
/// makes of a template, and says what it holds.
pub fn offline(
    app: &dyn App,
    workspace: Workspace<'_>,
    args: &ValidateArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    for stack in select(app, &args.selection.stacks)? {
        let name = workspace.stack_name(stack);
        let (template, body) = build_json(stack, workspace.env)?;
        let valid = Valid {
            name: &name,
            template: &template,
            body: &body,
        };
        valid.print(workspace.ui, None, out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A stack whose template passed the checks.
struct Valid<'a> {
    name: &'a str,
    template: &'a Template,
    /// Its JSON.
    body: &'a str,
}

impl Valid<'_> {
    /// Prints and reports it: `shop-dev: valid (3 resources, 1200 bytes)`, then, when
    /// CloudFormation was asked (`remote`: the capabilities it said the template needs), that
    /// it accepts it.
    fn print(
        &self,
        ui: &Ui,
        remote: Option<&[String]>,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let resources = self.template.resources().len();
        let mut line = format!(
            "{}: valid ({resources} resources, {} bytes)",
            self.name,
            self.body.len()
        );
        if let Some(needed) = remote {
            line.push_str("; CloudFormation accepts it");
            if !needed.is_empty() {
                line.push_str(&format!(" and needs {}", needed.join(", ")));
            }
        }
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
        ui.report(
            self.name,
            json!({
                "valid": true,
                "resources": resources,
                "bytes": self.body.len(),
                "remote": remote.is_some(),
                "capabilities": remote.unwrap_or_default(),
            }),
        );
        Ok(())
    }
}
