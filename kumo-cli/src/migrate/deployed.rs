//! `kumo migrate --from-stack`: a deployed stack's template (as submitted) and its current
//! parameter values, read through the engine.

use crate::aws::Target;
use crate::engine::{read_template, Engine};
use crate::CliError;

use super::package::{Environment, Input};
use super::MigrateError;

/// Where the deployed stack is and which environment it becomes.
#[derive(Debug, Clone)]
pub struct StackSource {
    /// The CloudFormation stack name.
    pub stack: String,
    /// The kumo environment its settings go to in kumo.toml.
    pub environment: String,
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--endpoint-url`.
    pub endpoint: Option<String>,
    /// `--local`: the emulator on 127.0.0.1.
    pub local: bool,
}

/// Reads the deployed stack `source` names: its original template, kept under its own stack
/// name, and its parameter values for kumo.toml.
pub async fn from_stack(source: &StackSource) -> Result<Input, MigrateError> {
    kumo_core::naming::check_environment(&source.environment)
        .map_err(|err| MigrateError::Usage(err.to_string()))?;
    if let Some(url) = &source.endpoint {
        crate::aws::check_endpoint(url)?;
    }
    let target = Target {
        region: source.region.clone(),
        profile: source.profile.clone(),
        endpoint: source.endpoint.clone(),
        local: source.local,
        local_port: if source.local {
            crate::aws::local_port()?
        } else {
            Target::default().local_port
        },
        ..Target::default()
    };
    let config = target.config().await;
    let client = Target::cloudformation(&config);
    let engine = Engine::new(&client, &source.stack);
    let deployed = engine.describe().await?.ok_or_else(|| CliError::Deploy {
        stack: source.stack.clone(),
        message: "there is no such stack".into(),
    })?;
    let text = engine.template().await?;
    let template = read_template(&text).map_err(|source_err| MigrateError::Template {
        what: format!("the template of stack {}", source.stack),
        source: source_err,
    })?;
    let no_echo: Vec<String> = template
        .parameters()
        .iter()
        .filter(|(_, p)| p.is_no_echo())
        .map(|(id, _)| id.clone())
        .collect();
    let parameters = deployed
        .parameters
        .into_iter()
        .filter(|(key, _)| !no_echo.contains(key))
        .collect();
    Ok(Input {
        name: source.stack.clone(),
        template,
        stack_name: Some(source.stack.clone()),
        environment: Some(Environment {
            name: source.environment.clone(),
            region: config.region().map(ToString::to_string),
            parameters,
            no_echo,
        }),
    })
}
