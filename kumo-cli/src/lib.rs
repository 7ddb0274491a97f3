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
//! and `cargo run --bin logs -- synth` prints its template. Exit codes: 0 success, 2 error.

mod cli;
mod error;
mod fs;
mod synth;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use kumo_core::{App, Environment};

pub use error::CliError;

/// Runs the command line against `app` with the process's arguments and prints any error as one
/// line on standard error. Returns the exit code for `main`: 0 on success, 2 on error.
pub fn run(app: impl App) -> ExitCode {
    let stdout = std::io::stdout();
    let result = execute(&app, std::env::args_os(), &mut stdout.lock());
    let _ = stdout.lock().flush();
    match result {
        Ok(code) => code,
        Err(CliError::Usage(err)) => {
            let _ = err.print();
            if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

/// Runs the command line against `app` with the given arguments (the first is the program
/// name), writing what it prints to `out`.
pub fn execute<I, T>(app: &dyn App, args: I, out: &mut dyn Write) -> Result<ExitCode, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = cli::Cli::try_parse_from(args).map_err(CliError::Usage)?;
    let env = Environment::new(&cli.global.env);
    match cli.command {
        cli::Command::Synth(args) => synth::run(app, &env, &args, out),
    }
}
