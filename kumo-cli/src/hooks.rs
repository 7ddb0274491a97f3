//! Running an app's hooks around a stack's deploy or delete.

use std::collections::BTreeMap;

use kumo_core::{App, Environment, HookContext, HookPoint};

use crate::engine::Deployed;
use crate::error::CliError;

/// The state of a stack a hook sees.
pub struct HookState<'a> {
    /// The stack's name in the app.
    pub stack: &'a str,
    /// Its CloudFormation name.
    pub stack_name: &'a str,
    /// The environment.
    pub environment: &'a Environment,
    /// The parameter values.
    pub parameters: &'a BTreeMap<String, String>,
}

/// Runs the hooks of `app` at `point` for the stack, in order; the first error stops them.
pub fn run(
    app: &dyn App,
    point: HookPoint,
    state: &HookState<'_>,
    outputs: &BTreeMap<String, String>,
    status: Option<&str>,
) -> Result<(), CliError> {
    let context = HookContext {
        stack: state.stack,
        stack_name: state.stack_name,
        environment: state.environment,
        parameters: state.parameters,
        outputs,
        status,
    };
    for hook in app.hooks(point, state.stack) {
        hook(&context).map_err(|message| CliError::Hook {
            stack: state.stack_name.to_owned(),
            point,
            message,
        })?;
    }
    Ok(())
}

/// [`run`] with the outputs and status of the stack as `deployed` (none when it does not exist).
pub fn run_with(
    app: &dyn App,
    point: HookPoint,
    state: &HookState<'_>,
    deployed: Option<&Deployed>,
) -> Result<(), CliError> {
    let none = BTreeMap::new();
    run(
        app,
        point,
        state,
        deployed.map_or(&none, |d| &d.outputs),
        deployed.map(|d| d.status.as_str()),
    )
}
