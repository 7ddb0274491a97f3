//! The command line every kumo stack binary carries.
//!
//! A stack binary's `main` hands its stack (or app of stacks) to [`run`]:
//!
//! ```no_run
//! use kumo_core::{Environment, Resource, Stack, StackError, Template};
//!
//! struct Logs;
//!
//! impl Stack for Logs {
//!     fn name(&self) -> &str {
//!         "logs"
//!     }
//!     fn template(&self, _env: &Environment) -> Result<Template, StackError> {
//!         let mut template = Template::new();
//!         template.add_resource("Bucket", Resource::new("AWS::S3::Bucket"))?;
//!         Ok(template)
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     kumo_cli::run(Logs)
//! }
//! ```
//!
//! and `cargo run --bin logs -- synth` prints its template; `deploy`, `plan`, `diff`, `status`,
//! `outputs`, `validate`, `graph`, `drift` and `delete` do the rest (see `--help`), and `completions`
//! prints its shell completions. The `kumo` binary ([`tool`]) starts a stack crate with
//! `kumo new` ([`new`]). An app of several
//! stacks ([`kumo_core::StackGroup`]) deploys them in dependency order, independent ones in
//! parallel, running its hooks. Exit codes: 0 success, 1 changes found (`diff`), 2 error.
//!
//! Everything that talks to AWS is the `deploy` feature (on by default). Without it a binary has
//! `synth`, `graph`, `completions`, `validate`, `outputs` as `.kumo/outputs` records them and
//! `diff` against the templates `.kumo/applied` keeps, and builds without the AWS SDK, TLS or
//! async crates.

#[cfg(feature = "deploy")]
mod approval;
#[cfg(feature = "deploy")]
mod artifacts;
#[cfg(feature = "deploy")]
mod aws;
#[cfg(feature = "deploy")]
mod bundle;
#[cfg(feature = "deploy")]
mod changes;
mod checks;
mod cli;
#[cfg(feature = "deploy")]
mod commands;
mod config;
#[cfg(feature = "deploy")]
mod delete;
#[cfg(feature = "deploy")]
mod deploy;
mod diff;
#[cfg(feature = "deploy")]
mod drift;
#[cfg(feature = "deploy")]
mod engine;
mod error;
#[cfg(feature = "deploy")]
mod events;
#[cfg(feature = "deploy")]
mod exports;
mod fs;
mod graph;
pub mod heap;
#[cfg(feature = "deploy")]
mod hooks;
#[cfg(feature = "deploy")]
mod import;
#[cfg(feature = "deploy")]
mod interrupt;
#[cfg(feature = "deploy")]
mod local;
#[cfg(feature = "deploy")]
mod lock;
mod manifest;
#[cfg(feature = "migrate")]
pub mod migrate;
mod nested;
pub mod new;
#[cfg(not(feature = "deploy"))]
mod offline;
mod order;
mod outputs;
#[cfg(feature = "deploy")]
mod ownership;
#[cfg(feature = "deploy")]
mod per_target;
#[cfg(feature = "deploy")]
mod plan;
#[cfg(feature = "deploy")]
mod prepare;
#[cfg(feature = "deploy")]
mod progress;
#[cfg(feature = "deploy")]
mod proposal;
#[cfg(feature = "deploy")]
mod regions;
#[cfg(feature = "deploy")]
mod reply;
mod review;
#[cfg(feature = "deploy")]
mod schedule;
// `secrets`, `security`, `state` and `ui` serve the offline commands without the `deploy` feature,
// whose commands alone use the rest of them.
#[cfg_attr(not(feature = "deploy"), allow(dead_code))]
mod secrets;
#[cfg_attr(not(feature = "deploy"), allow(dead_code))]
mod security;
#[cfg(feature = "deploy")]
mod session;
mod stackset;
#[cfg_attr(not(feature = "deploy"), allow(dead_code))]
mod state;
#[cfg(feature = "deploy")]
mod status;
mod synth;
mod target;
pub mod tool;
#[cfg_attr(not(feature = "deploy"), allow(dead_code))]
mod ui;
mod validate;
mod workspace;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use kumo_core::App;

pub use error::CliError;
#[cfg(feature = "deploy")]
pub use local::emulator;

/// Runs the command line against `app` with the process's arguments and prints any error as one
/// line on standard error. Returns the exit code for `main`: 0 on success, 2 on error. First it
/// moves the heap into huge pages where it can ([`heap::use_huge_pages`]).
pub fn run(app: impl App) -> ExitCode {
    heap::use_huge_pages();
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal() && std::io::stderr().is_terminal();
    let result = execute_on(&app, std::env::args_os(), &mut stdout.lock(), terminal);
    let _ = stdout.lock().flush();
    match result {
        Ok(code) => code,
        Err(err) => exit_with(&err),
    }
}

/// Prints a command line's error and returns its exit code: clap's own output for a usage error
/// (exit 2) or for `--help` and `--version` (exit 0, or 2 when it cannot be written); otherwise
/// `error:` and the one-line message on standard error (exit 2).
pub(crate) fn exit_with(err: &(dyn std::error::Error + 'static)) -> ExitCode {
    let usage = std::iter::successors(Some(err), |e| e.source())
        .find_map(|e| e.downcast_ref::<clap::Error>());
    match usage {
        Some(usage) => match usage.print() {
            // A reader that stopped reading (`--help | head`) has what it wanted.
            Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                eprintln!("error: writing to standard output: {err}");
                ExitCode::from(2)
            }
            _ if usage.use_stderr() => ExitCode::from(2),
            _ => ExitCode::SUCCESS,
        },
        None => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

/// Runs the command line against `app` with the given arguments (the first is the program
/// name), writing what it prints to `out` as to a pipe: no colours, no progress bar.
pub fn execute<I, T>(app: &dyn App, args: I, out: &mut dyn Write) -> Result<ExitCode, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    execute_on(app, args, out, false)
}

/// [`execute`], with `terminal` saying whether the output is a terminal.
fn execute_on<I, T>(
    app: &dyn App,
    args: I,
    out: &mut dyn Write,
    terminal: bool,
) -> Result<ExitCode, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let json = args
        .iter()
        .take_while(|arg| *arg != "--")
        .any(|arg| arg == "--json");
    let cli = match cli::Cli::parse_args(args, &stack_names(app)) {
        Ok(cli) => cli,
        Err(err) => return Err(usage(err, json, out)),
    };
    #[cfg(feature = "deploy")]
    return commands::run(app, cli, out, terminal);
    #[cfg(not(feature = "deploy"))]
    return offline::run(app, cli, out, terminal);
}

/// The error of arguments that do not parse; with `--json` among them, also the report of it
/// (`{"error": ...}`, clap's first line) on `out`, as every failing command prints its report.
/// Not for `--help` and `--version`, which clap prints.
fn usage(err: clap::Error, json: bool, out: &mut dyn Write) -> CliError {
    if json && err.use_stderr() {
        let ui = ui::Ui::new(true, true, false, false);
        let text = err.render().to_string();
        let first = text.lines().next().unwrap_or_default();
        ui.fail(first.strip_prefix("error: ").unwrap_or(first));
        // The error is printed on standard error all the same; a report that cannot be written
        // changes nothing about it.
        let _ = writeln!(out, "{}", ui.finish_report());
    }
    CliError::Usage(err)
}

/// The names of the app's stacks, in its order.
fn stack_names(app: &dyn App) -> Vec<&str> {
    app.stacks().into_iter().map(|stack| stack.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_exit_2_and_help_exits_0() {
        let bad = CliError::BadSetting {
            name: "KUMO_LOCAL_PORT",
            value: "x".to_owned(),
            expected: "a port number",
        };
        assert_eq!(exit_with(&bad), ExitCode::from(2));
        let parse = |args: &[&str]| {
            cli::Cli::parse_args(args.iter().map(Into::into).collect(), &["app"]).unwrap_err()
        };
        let usage = CliError::Usage(parse(&["app", "--nope"]));
        assert_eq!(exit_with(&usage), ExitCode::from(2));
        let help = CliError::Usage(parse(&["app", "--version"]));
        assert_eq!(exit_with(&help), ExitCode::SUCCESS);
    }

    #[test]
    fn arguments_that_do_not_parse_are_reported_with_json() {
        let app = kumo_core::StackGroup::new();
        let mut out = Vec::new();
        let err = execute(&app, ["app", "--json", "status", "--nope"], &mut out).unwrap_err();
        assert!(matches!(err, CliError::Usage(_)));
        let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            report,
            serde_json::json!({"error": "unexpected argument '--nope' found"})
        );
        let mut out = Vec::new();
        execute(&app, ["app", "status", "--nope"], &mut out).unwrap_err();
        assert!(out.is_empty(), "no report without --json");
        execute(&app, ["app", "--json", "--help"], &mut out).unwrap_err();
        assert!(out.is_empty(), "help is clap's to print");
    }
}
