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
    /// The stack has no outputs to show.
    #[error("stack `{stack}` is not deployed{}", if *live { "" } else { " from here (no .kumo/outputs; try --live)" })]
    NotDeployed {
        /// The stack's CloudFormation name.
        stack: String,
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
    /// A command that needs confirmation runs without a terminal.
    #[error("`{0}` needs confirmation; pass --yes when not on a terminal")]
    NeedsYes(&'static str),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The user said no.
    #[error("cancelled")]
    Cancelled,
    /// Standard output could not be written.
    #[error("cannot write to standard output: {0}")]
    Stdout(#[source] std::io::Error),
}
