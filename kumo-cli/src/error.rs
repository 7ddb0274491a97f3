//! What can go wrong on the command line, each a one-line message.

use std::path::PathBuf;

use kumo_core::StackError;

/// An error the command line reports before exiting non-zero.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The arguments do not parse; clap's message says why (or it is `--help`).
    #[error("{0}")]
    Usage(#[source] clap::Error),
    /// A stack could not build its template.
    #[error("stack `{stack}`: {source}")]
    Stack {
        /// The stack.
        stack: String,
        /// Why.
        #[source]
        source: StackError,
    },
    /// A stack named on the command line is not in the app.
    #[error("no stack named `{name}`; this app has: {}", available.join(", "))]
    UnknownStack {
        /// The name given.
        name: String,
        /// The app's stacks.
        available: Vec<String>,
    },
    /// Several stacks and nowhere to put them.
    #[error("this app has {count} stacks; name the one to print (`synth {example}`) or write them all with `--out DIR`")]
    AmbiguousOutput {
        /// How many stacks were selected.
        count: usize,
        /// One of their names.
        example: String,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A record could not be removed.
    #[error("cannot remove {}: {source}", path.display())]
    Remove {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A call to CloudFormation failed.
    #[error("{action}: {message}")]
    Aws {
        /// What kumo was doing.
        action: String,
        /// CloudFormation's or the network's message.
        message: String,
    },
    /// A stack could not be deployed or deleted.
    #[error("stack `{stack}`: {message}")]
    Deploy {
        /// The stack's CloudFormation name.
        stack: String,
        /// Why.
        message: String,
    },
    /// Stacks have no outputs to show.
    #[error("{} not deployed{}", match stacks.as_slice() {
        [one] => format!("stack `{one}` is"),
        many => format!("stacks `{}` are", many.join("`, `")),
    }, match (*live, cfg!(feature = "deploy")) {
        (true, _) => "",
        (false, true) => " from here (no .kumo/outputs; try --live)",
        (false, false) => " from here (no .kumo/outputs)",
    })]
    NotDeployed {
        /// The stacks' CloudFormation names.
        stacks: Vec<String>,
        /// Whether CloudFormation was asked.
        live: bool,
    },
    /// A file under `.kumo` cannot be read.
    #[error("cannot read {}: {message}", path.display())]
    State {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// CloudFormation returned a stack ID kumo cannot take a region and account from.
    #[error(
        "CloudFormation gave the stack ID `{0}`, which is not an ARN with a region and an account"
    )]
    StackId(String),
    /// Records of several targets match a read of the local state.
    #[error(
        "stack `{stack}` of env `{env}` has records of several targets under .kumo: {}; pass --region to choose one{}",
        targets.join(", "),
        if *same_region { format!(", and set `account` under [env.{env}] in kumo.toml") } else { String::new() }
    )]
    AmbiguousState {
        /// The environment.
        env: String,
        /// The stack's name in the app.
        stack: String,
        /// The targets, such as `us-east-1 (account 123456789012)`.
        targets: Vec<String>,
        /// Whether two of them share a region (so only the account tells them apart).
        same_region: bool,
    },
    /// Another kumo holds the lock of a stack.
    #[error(
        "stack `{stack}` ({region}) is in use by another kumo: {holder}; wait for it or stop it"
    )]
    Locked {
        /// The stack's CloudFormation name.
        stack: String,
        /// Its region.
        region: String,
        /// Who holds it: command, process ID and since when.
        holder: String,
    },
    /// A command that needs confirmation runs without a terminal.
    #[error("`{0}` needs confirmation; pass --yes when not on a terminal")]
    NeedsYes(&'static str),
    /// `kumo.toml` cannot be read or parsed.
    #[error("{}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// Why, with line and column when it does not parse.
        message: String,
    },
    /// A setting (an option or an environment variable) has a value kumo cannot use.
    #[error("{name} must be {expected}, not `{value}`")]
    BadSetting {
        /// The option or variable.
        name: &'static str,
        /// The value given.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// A configuration file named with `--config` does not exist.
    #[error("{}: no such file (--config names a file that must exist)", .0.display())]
    MissingConfig(PathBuf),
    /// The environment's name or its stack-name prefix is refused.
    #[error("{0}")]
    Name(#[from] kumo_core::naming::NamingError),
    /// `--env` names an environment `kumo.toml` does not have.
    #[error("unknown environment `{env}`; kumo.toml has: {}", known.join(", "))]
    UnknownEnv {
        /// The environment asked for.
        env: String,
        /// Those the file has.
        known: Vec<String>,
    },
    /// A stack deploys as a stack set in an environment with several targets.
    #[error("stack `{stack}` has a `stack-set` section, and the environment has several targets: a stack set has its own regions and accounts (deploy it from an environment with one target)")]
    StackSetOnManyTargets {
        /// The stack.
        stack: String,
    },
    /// A stack has a region of its own in an environment with several regions.
    #[error("stack `{stack}` has its own `region` ({region}), and the environment has several regions: each of them would deploy it to {region}, the same stack (deploy it from an environment with one region, or leave its `region` out)")]
    StackRegionOnManyRegions {
        /// The stack.
        stack: String,
        /// Its region.
        region: String,
    },
    /// `--region` or `--target` names a target the environment does not have.
    #[error("unknown target `{given}`; the environment's targets are: {}", known.join(", "))]
    UnknownTarget {
        /// The target asked for.
        given: String,
        /// The environment's.
        known: Vec<String>,
    },
    /// A parameter value is given for a parameter the template does not have.
    #[error("stack `{stack}` has no parameter `{name}`{}", if known.is_empty() { "; it has none".to_owned() } else { format!("; it has: {}", known.join(", ")) })]
    UnknownParameter {
        /// The stack.
        stack: String,
        /// The name given.
        name: String,
        /// The template's parameters.
        known: Vec<String>,
    },
    /// A parameter value of kumo.toml or `--param` names a parameter no stack of the app has.
    #[error("no stack of this app has parameter `{0}`")]
    NoStackHasParameter(String),
    /// kumo.toml or `--param` sets a parameter kumo fills itself.
    #[error("stack `{stack}`: parameter `{name}` takes {by}; kumo fills it, so neither kumo.toml nor --param may set it")]
    FilledByKumo {
        /// The stack.
        stack: String,
        /// The parameter.
        name: String,
        /// What kumo fills it with.
        by: String,
    },
    /// A parameter's value breaks its constraints.
    #[error("stack `{stack}`: {place}parameter `{name}`: {reason}")]
    BadParameterValue {
        /// The stack.
        stack: String,
        /// Where the value is given, with a space after it (`stack-set overrides: `), or nothing.
        place: &'static str,
        /// The parameter.
        name: String,
        /// The constraint it breaks.
        reason: String,
    },
    /// A parameter without a default gets no value.
    #[error("stack `{stack}` needs a value for parameter `{name}`: set it in kumo.toml or pass --param {name}=VALUE")]
    MissingParameter {
        /// The stack.
        stack: String,
        /// The parameter.
        name: String,
    },
    /// A stack's reference to another stack is wrong.
    #[error("stack `{stack}`: {message}")]
    Reference {
        /// The stack that refers.
        stack: String,
        /// What is wrong.
        message: String,
    },
    /// The app's stacks depend on each other in a cycle.
    #[error("the stacks depend on each other in a cycle: {0}")]
    Cycle(String),
    /// Some stacks of a group deploy failed, and others were not attempted.
    #[error("{}", group_message(failed, not_attempted))]
    Group {
        /// The stacks that failed and why, one line each.
        failed: Vec<String>,
        /// The stacks not attempted because of them.
        not_attempted: Vec<String>,
    },
    /// A hook refused or failed.
    #[error("stack `{stack}`: {point} hook: {message}")]
    Hook {
        /// The stack's CloudFormation name.
        stack: String,
        /// Where the hook ran.
        point: kumo_core::HookPoint,
        /// The hook's message.
        message: String,
    },
    /// The credentials are not for the account kumo.toml pins the environment to.
    #[error("environment `{env}` is account {expected}, but these credentials are for account {actual}; switch --profile")]
    WrongAccount {
        /// The environment.
        env: String,
        /// kumo.toml's account.
        expected: String,
        /// The credentials' account.
        actual: String,
    },
    /// The artifact bucket is missing or not configured.
    #[error("{0}")]
    Artifacts(String),
    /// An asset could not be bundled.
    #[error("asset {}: {message}", path.display())]
    Asset {
        /// The asset's directory.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The local emulator could not be started or stopped.
    #[error("local emulator: {0}")]
    Local(String),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The user said no: nothing was changed.
    #[error("cancelled; nothing was changed")]
    Cancelled,
    /// A step failed, and so did cleaning up after it (deleting the change set it made): the
    /// cause is told first, and what is left.
    #[error("{cause}; then cleaning up failed too: {cleanup}; what kumo made may be left (the change set, and a new stack's empty stack under review): a later `deploy` removes it once CloudFormation is done with it")]
    CleanupFailed {
        /// What stopped the step.
        #[source]
        cause: Box<CliError>,
        /// What the clean-up could not do.
        cleanup: Box<CliError>,
    },
    /// `deploy --execute` names one change set, of one stack, and this many were selected.
    #[error("deploy --execute runs the change set of one stack, and {0} are selected; name the stack (`deploy STACK --execute NAME`)")]
    ExecuteOneStack(usize),
    /// `deploy --import` imports into one stack, and this many were selected.
    #[error("deploy --import brings resources into one stack, and {0} are selected; name the stack (`deploy STACK --import`)")]
    ImportOneStack(usize),
    /// A command that talks to AWS, in a binary built without kumo-cli's `deploy` feature.
    #[cfg_attr(feature = "deploy", allow(dead_code))]
    #[error("this binary was built without kumo-cli's `deploy` feature: it has `synth`, `diff` and `outputs` (without `--live`), `validate` (without `--remote`), `graph` and `completions`; the other commands need the feature (on by default)")]
    WithoutDeploy,
    /// Standard output could not be written.
    #[error("cannot write to standard output: {0}")]
    Stdout(#[source] std::io::Error),
}

impl CliError {
    /// This error, naming the stack `stack` (CloudFormation's name) unless it already names
    /// one, as every error about one stack reads: `stack `jobs-dev`: ..`.
    pub fn of_stack(self, stack: &str) -> CliError {
        let message = self.to_string();
        match message.starts_with("stack `") {
            true => self,
            false => CliError::Deploy {
                stack: stack.to_owned(),
                message,
            },
        }
    }

    /// This error, the cause of a failed step, with how cleaning up after it went: itself when
    /// that worked, else [`CliError::CleanupFailed`], so that the cause is not lost.
    pub fn then_cleanup(self, cleanup: Result<(), CliError>) -> CliError {
        match cleanup {
            Ok(()) => self,
            Err(cleanup) => CliError::CleanupFailed {
                cause: Box::new(self),
                cleanup: Box::new(cleanup),
            },
        }
    }
}

fn group_message(failed: &[String], not_attempted: &[String]) -> String {
    let mut message = failed.join("; ");
    if !not_attempted.is_empty() {
        message.push_str(&format!("; not attempted: {}", not_attempted.join(", ")));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_clean_up_comes_after_the_cause_and_says_what_is_left() {
        let cause = CliError::Deploy {
            stack: "jobs-dev".to_owned(),
            message: "reading the change set: throttled".to_owned(),
        };
        let cleanup = CliError::Deploy {
            stack: "jobs-dev".to_owned(),
            message: "deleting the change set: throttled".to_owned(),
        };
        let worked = cause.then_cleanup(Ok(()));
        assert!(matches!(worked, CliError::Deploy { .. }));
        let both = worked.then_cleanup(Err(cleanup)).to_string();
        assert!(
            both.starts_with("stack `jobs-dev`: reading the change set: throttled; then cleaning up failed too: stack `jobs-dev`: deleting the change set"),
            "{both}"
        );
        assert!(
            both.ends_with("once CloudFormation is done with it"),
            "{both}"
        );
    }

    #[test]
    fn an_error_names_its_stack_once() {
        let named = CliError::Deploy {
            stack: "jobs-dev".to_owned(),
            message: "busy".to_owned(),
        };
        assert_eq!(
            named.of_stack("other").to_string(),
            "stack `jobs-dev`: busy"
        );
        let bare = CliError::Local("no port".to_owned());
        assert_eq!(
            bare.of_stack("jobs-dev").to_string(),
            "stack `jobs-dev`: local emulator: no port"
        );
    }
}
