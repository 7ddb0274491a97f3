//! What every command that talks to CloudFormation shares: the environment, the target, the
//! local state, and how to ask the user.

use std::io::{BufRead, IsTerminal, Write};

use aws_sdk_cloudformation::Client;
use kumo_core::{Environment, Stack};

use std::collections::BTreeMap;

use kumo_core::Template;

use crate::aws::Target;
use crate::config::EnvConfig;
use crate::error::CliError;
use crate::state::State;

/// The context of one command.
pub struct Session {
    /// The environment the stacks are built for.
    pub env: Environment,
    /// Where CloudFormation is.
    pub target: Target,
    /// The local state.
    pub state: State,
    /// The environment's settings from `kumo.toml`.
    pub config: EnvConfig,
}

impl Session {
    /// A CloudFormation client for the target.
    pub async fn client(&self) -> Client {
        self.target.client().await
    }

    /// A client when `wanted` (a command's `--live` or `--remote`), so that offline runs never
    /// load AWS settings.
    pub async fn client_if(&self, wanted: bool) -> Option<Client> {
        if wanted {
            Some(self.client().await)
        } else {
            None
        }
    }

    /// The CloudFormation name of `stack` in this environment: `{prefix}{stack}-{env}`.
    pub fn stack_name(&self, stack: &dyn Stack) -> String {
        format!(
            "{}{}-{}",
            self.config.stack_name_prefix,
            stack.name(),
            self.env.name()
        )
    }

    /// The parameter values to deploy `template` with: kumo.toml's, then `overrides`. Every
    /// name must be a parameter of the template, and every parameter without a default must
    /// get a value.
    pub fn parameters(
        &self,
        stack: &dyn Stack,
        template: &Template,
        overrides: &[(String, String)],
    ) -> Result<BTreeMap<String, String>, CliError> {
        let mut values = self.config.parameters.clone();
        values.extend(overrides.iter().cloned());
        let declared = template.parameters();
        if let Some(name) = values.keys().find(|name| !declared.contains_key(*name)) {
            return Err(CliError::UnknownParameter {
                stack: self.stack_name(stack),
                name: name.clone(),
                known: declared.keys().cloned().collect(),
            });
        }
        if let Some((name, _)) = declared
            .iter()
            .find(|(name, p)| p.default().is_none() && !values.contains_key(*name))
        {
            return Err(CliError::MissingParameter {
                stack: self.stack_name(stack),
                name: name.clone(),
            });
        }
        Ok(values)
    }

    /// Every parameter's value once deployed: the given ones, else the defaults.
    pub fn effective_parameters(
        template: &Template,
        given: &BTreeMap<String, String>,
    ) -> BTreeMap<String, String> {
        template
            .parameters()
            .iter()
            .filter_map(|(name, p)| {
                let value = given
                    .get(name)
                    .cloned()
                    .or_else(|| p.default().map(str::to_owned))?;
                Some((name.clone(), value))
            })
            .collect()
    }

    /// Asks `question` on the terminal; without one there is nobody to ask, and the answer is
    /// yes (commands that must not go ahead unasked check [`Session::interactive`] first).
    pub fn confirm(&self, question: &str) -> Result<bool, CliError> {
        if !Self::interactive() {
            return Ok(true);
        }
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(CliError::Stdout)?;
        Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
    }

    /// Whether a person can answer questions (standard input is a terminal).
    pub fn interactive() -> bool {
        std::io::stdin().is_terminal()
    }
}
