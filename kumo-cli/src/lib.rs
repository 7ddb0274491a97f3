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
//! `outputs`, `validate`, `graph` and `delete` do the rest (see `--help`). Exit codes: 0 success,
//! 1 changes found (`diff`), 2 error.

mod aws;
mod changes;
mod cli;
mod config;
mod delete;
mod deploy;
mod diff;
mod engine;
mod error;
mod events;
mod fs;
mod graph;
mod local;
mod outputs;
mod plan;
mod session;
mod state;
mod status;
mod synth;
mod validate;

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
    let global = cli.global;
    let global_state_dir = global.state_dir.clone();
    let config = if matches!(
        cli.command,
        cli::Command::Synth(_) | cli::Command::Graph(_) | cli::Command::Local(_)
    ) {
        config::EnvConfig::default()
    } else {
        config::load(&global.config, &global.env)?
    };
    let session = session::Session {
        env: Environment::new(&global.env),
        target: aws::Target {
            region: global.region.or_else(|| config.region.clone()),
            profile: global.profile,
            endpoint: global.endpoint_url,
            local: global.local,
        },
        state: state::State::new(global.state_dir.clone()),
        config,
    };
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(CliError::Runtime)
    };
    let local = local::Local::new(&global_state_dir, aws::Target::local_port());
    if session.target.local
        && matches!(cli.command, cli::Command::Deploy(_))
        && !local.is_listening()
    {
        local.up(out)?;
    }
    match cli.command {
        cli::Command::Synth(args) => synth::run(app, &session.env, &args, out),
        cli::Command::Local(command) => {
            local::run(&local, matches!(command, cli::LocalCommand::Up), out)
        }
        cli::Command::Deploy(args) => runtime()?.block_on(deploy::run(app, &session, &args, out)),
        cli::Command::Delete(args) => runtime()?.block_on(delete::run(app, &session, &args, out)),
        cli::Command::Outputs(args) => runtime()?.block_on(outputs::run(app, &session, &args, out)),
        cli::Command::Diff(args) => runtime()?.block_on(diff::run(app, &session, &args, out)),
        cli::Command::Plan(args) => runtime()?.block_on(plan::run(app, &session, &args, out)),
        cli::Command::Validate(args) => {
            runtime()?.block_on(validate::run(app, &session, &args, out))
        }
        cli::Command::Status(args) => runtime()?.block_on(status::run(app, &session, &args, out)),
        cli::Command::Graph(args) => graph::run(app, &session.env, &args, out),
    }
}
