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
//! `outputs`, `validate`, `graph` and `delete` do the rest (see `--help`). An app of several
//! stacks ([`kumo_core::StackGroup`]) deploys them in dependency order, independent ones in
//! parallel, running its hooks. Exit codes: 0 success, 1 changes found (`diff`), 2 error.
//!
//! The commands that talk to AWS, and the AWS SDK and TLS crates they need, are the `deploy`
//! feature, on by default. A stack crate that only synthesizes (`kumo-cli` with
//! `default-features = false`) builds without them, and its binary has `synth` and `graph`.
// Without `deploy`, the command line still parses every command (to say that it needs the
// feature), so options and settings that only the AWS commands read are left unread.
#![cfg_attr(not(feature = "deploy"), allow(dead_code))]

#[cfg(feature = "deploy")]
mod artifacts;
#[cfg(feature = "deploy")]
mod aws;
#[cfg(feature = "deploy")]
mod bundle;
#[cfg(feature = "deploy")]
mod changes;
mod cli;
mod config;
#[cfg(feature = "deploy")]
mod delete;
#[cfg(feature = "deploy")]
mod deploy;
#[cfg(feature = "deploy")]
mod diff;
#[cfg(feature = "deploy")]
mod engine;
mod error;
#[cfg(feature = "deploy")]
mod events;
#[cfg(feature = "deploy")]
mod exports;
mod fs;
mod graph;
#[cfg(feature = "deploy")]
mod hooks;
#[cfg(feature = "deploy")]
mod local;
#[cfg(feature = "deploy")]
mod lock;
#[cfg(feature = "migrate")]
pub mod migrate;
mod order;
#[cfg(feature = "deploy")]
mod outputs;
#[cfg(feature = "deploy")]
mod plan;
#[cfg(feature = "deploy")]
mod review;
#[cfg(feature = "deploy")]
mod secrets;
#[cfg(feature = "deploy")]
mod session;
#[cfg(feature = "deploy")]
mod state;
#[cfg(feature = "deploy")]
mod status;
mod synth;
#[cfg(feature = "deploy")]
mod ui;
#[cfg(feature = "deploy")]
mod validate;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use kumo_core::App;

pub use error::CliError;
#[cfg(feature = "deploy")]
pub use local::emulator;

/// Runs the command line against `app` with the process's arguments and prints any error as one
/// line on standard error. Returns the exit code for `main`: 0 on success, 2 on error.
pub fn run(app: impl App) -> ExitCode {
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
/// (exit 2) or for `--help` and `--version` (exit 0); otherwise `error:` and the one-line
/// message on standard error (exit 2).
pub(crate) fn exit_with(err: &(dyn std::error::Error + 'static)) -> ExitCode {
    let usage = std::iter::successors(Some(err), |e| e.source())
        .find_map(|e| e.downcast_ref::<clap::Error>());
    match usage {
        Some(usage) => {
            let _ = usage.print();
            if usage.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
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
#[cfg(feature = "deploy")]
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
    let args = args.into_iter().map(Into::into).collect();
    let cli = cli::Cli::parse_args(args).map_err(CliError::Usage)?;
    // With --json the report is printed whatever happens: what was done, and the error.
    let json = cli.global.json && cli.command.reports();
    let style = (cli.global.no_color, cli.global.verbose);
    let (ui, result) = match prepare(app, cli.global, &cli.command, terminal) {
        Ok((session, local)) => {
            let mut sink = std::io::sink();
            let printed: &mut dyn Write = if json { &mut sink } else { out };
            let names = match cli.command {
                cli::Command::Local(_) => Ok(()),
                _ => validate::check_names(app, &session),
            };
            let result = names.and_then(|()| command(app, cli.command, &session, &local, printed));
            (session.ui, result)
        }
        Err(err) => (ui::Ui::new(json, style.0, style.1, terminal), Err(err)),
    };
    if json {
        if let Err(err) = &result {
            ui.fail(&err.to_string());
        }
        writeln!(out, "{}", ui.finish_report()).map_err(CliError::Stdout)?;
    }
    result
}

/// [`execute`] in a binary built without the `deploy` feature: `synth` and `graph` run; every
/// other command is an error that says so.
#[cfg(not(feature = "deploy"))]
fn execute_on<I, T>(
    app: &dyn App,
    args: I,
    out: &mut dyn Write,
    _terminal: bool,
) -> Result<ExitCode, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = args.into_iter().map(Into::into).collect();
    let cli = cli::Cli::parse_args(args).map_err(CliError::Usage)?;
    let global = cli.global;
    kumo_core::naming::check_environment(&global.env)?;
    let env = config::load(global.config.as_deref(), &global.env)?.environment(&global.env, app);
    match cli.command {
        cli::Command::Synth(args) => synth::run(app, &env, &args, out),
        cli::Command::Graph(args) => graph::run(app, &env, &args, out),
        _ => Err(CliError::WithoutDeploy),
    }
}

/// The session and the local emulator of a command from its global options, each checked
/// before anything uses it.
#[cfg(feature = "deploy")]
fn prepare(
    app: &dyn App,
    global: cli::Global,
    command: &cli::Command,
    terminal: bool,
) -> Result<(session::Session, local::Local), CliError> {
    // The environment goes into paths and names: refused before anything uses it.
    if !matches!(command, cli::Command::Local(_)) {
        kumo_core::naming::check_environment(&global.env)?;
    }
    let local_port = aws::local_port()?;
    if let Some(endpoint) = &global.endpoint_url {
        aws::check_endpoint(endpoint)?;
    }
    let config = if matches!(command, cli::Command::Local(_)) {
        config::EnvConfig::default()
    } else {
        config::load(global.config.as_deref(), &global.env)?
    };
    let local = local::Local::new(&global.state_dir, local_port);
    let session = session::Session {
        env: config.environment(&global.env, app),
        target: aws::Target {
            region: global.region.or_else(|| config.region.clone()),
            profile: global.profile,
            endpoint: global.endpoint_url,
            local: global.local,
            local_port,
            request_timeout: global
                .request_timeout
                .or(config.request_timeout)
                .unwrap_or(aws::REQUEST_TIMEOUT),
        },
        timeout: global
            .timeout
            .or(config.timeout)
            .unwrap_or(engine::DEFAULT_TIMEOUT),
        state: state::State::new(global.state_dir),
        config,
        artifact_bucket: global.artifact_bucket,
        ui: ui::Ui::new(global.json, global.no_color, global.verbose, terminal),
    };
    Ok((session, local))
}

/// Runs one command.
#[cfg(feature = "deploy")]
fn command(
    app: &dyn App,
    command: cli::Command,
    session: &session::Session,
    local: &local::Local,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(CliError::Runtime)
    };
    match command {
        cli::Command::Synth(args) => synth::run(app, &session.env, &args, out),
        cli::Command::Local(command) => {
            local::run(local, matches!(command, cli::LocalCommand::Up), out)
        }
        cli::Command::Deploy(args) => {
            // Only the emulator --local points at, not one --endpoint-url overrides.
            if session.target.local && session.target.endpoint.is_none() && !local.is_listening() {
                local.up(out)?;
            }
            runtime()?.block_on(deploy::run(app, session, &args, out))
        }
        cli::Command::Delete(args) => runtime()?.block_on(delete::run(app, session, &args, out)),
        cli::Command::Outputs(args) => runtime()?.block_on(outputs::run(app, session, &args, out)),
        cli::Command::Diff(args) => runtime()?.block_on(diff::run(app, session, &args, out)),
        cli::Command::Plan(args) => runtime()?.block_on(plan::run(app, session, &args, out)),
        cli::Command::Validate(args) => {
            runtime()?.block_on(validate::run(app, session, &args, out))
        }
        cli::Command::Status(args) => runtime()?.block_on(status::run(app, session, &args, out)),
        cli::Command::Graph(args) => graph::run(app, &session.env, &args, out),
    }
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
            cli::Cli::parse_args(args.iter().map(Into::into).collect()).unwrap_err()
        };
        let usage = CliError::Usage(parse(&["app", "--nope"]));
        assert_eq!(exit_with(&usage), ExitCode::from(2));
        let help = CliError::Usage(parse(&["app", "--version"]));
        assert_eq!(exit_with(&help), ExitCode::SUCCESS);
    }

    /// Without the `deploy` feature, `synth` and `graph` run and the AWS commands say what the
    /// binary lacks (run by CI with `--no-default-features`).
    #[cfg(not(feature = "deploy"))]
    #[test]
    fn without_deploy_synth_runs_and_aws_commands_say_why_not() {
        struct Logs;
        impl kumo_core::Stack for Logs {
            fn name(&self) -> &str {
                "logs"
            }
            fn template(
                &self,
                _env: &kumo_core::Environment,
            ) -> Result<kumo_core::Template, kumo_core::StackError> {
                let mut template = kumo_core::Template::new();
                template.add_resource("Bucket", kumo_core::Resource::new("AWS::S3::Bucket"))?;
                Ok(template)
            }
        }
        let mut out = Vec::new();
        let code = execute(&Logs, ["logs", "synth"], &mut out).unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        assert!(String::from_utf8(out).unwrap().contains("AWS::S3::Bucket"));
        for command in [&["deploy"][..], &["diff"], &["validate"], &["local", "up"]] {
            let args = ["logs"].iter().chain(command);
            let err = execute(&Logs, args, &mut Vec::new()).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("this binary was built without the deploy feature"),
                "{command:?}: {err}"
            );
        }
    }
}
