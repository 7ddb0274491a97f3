//! What every command that talks to CloudFormation shares: the environment, the target, the
//! local state, and how to ask the user.

use std::io::{BufRead, IsTerminal, Write};

use aws_sdk_cloudformation::Client;
use kumo_core::{Environment, Stack};

use crate::aws::Target;
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
}

impl Session {
    /// A CloudFormation client for the target.
    pub async fn client(&self) -> Client {
        self.target.client().await
    }

    /// The CloudFormation name of `stack` in this environment: `{stack}-{env}`.
    pub fn stack_name(&self, stack: &dyn Stack) -> String {
        format!("{}-{}", stack.name(), self.env.name())
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
