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

mod approval;
mod artifacts;
mod aws;
mod bundle;
mod changes;
mod cli;
mod config;
mod delete;
mod deploy;
mod diff;
mod drift;
mod engine;
mod error;
mod events;
mod exports;
mod fs;
mod graph;
mod hooks;
mod import;
mod local;
mod lock;
mod manifest;
#[cfg(feature = "migrate")]
pub mod migrate;
mod nested;
pub mod new;
mod order;
mod outputs;
mod plan;
mod prepare;
mod proposal;
mod regions;
mod review;
mod schedule;
mod secrets;
mod security;
mod session;
mod stackset;
mod state;
mod status;
mod synth;
mod target;
pub mod tool;
mod ui;
mod validate;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use kumo_core::App;

pub use error::CliError;
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
    let cli = cli::Cli::parse_args(args, &stack_names(app)).map_err(CliError::Usage)?;
    // With --json the report is printed whatever happens: what was done, and the error.
    let json = cli.global.json && cli.command.reports();
    let style = (cli.global.no_color, cli.global.verbose);
    let (ui, result) = match prepare(app, cli.global, &cli.command, terminal) {
        Ok((session, local)) => {
            let mut sink = std::io::sink();
            let printed: &mut dyn Write = if json { &mut sink } else { out };
            let names = if cli.command.builds_stacks() {
                validate::check_names(app, &session)
                    .and_then(|()| regions::check_imports(app, &session))
            } else {
                Ok(())
            };
            let result = names
                .and_then(|()| command(app, cli.command, &cli.program, &session, &local, printed));
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

/// The names of the app's stacks, in its order.
fn stack_names(app: &dyn App) -> Vec<&str> {
    app.stacks().into_iter().map(|stack| stack.name()).collect()
}

/// The session and the local emulator of a command from its global options, each checked
/// before anything uses it.
fn prepare(
    app: &dyn App,
    global: cli::Global,
    command: &cli::Command,
    terminal: bool,
) -> Result<(session::Session, local::Local), CliError> {
    // The environment goes into paths and names: refused before anything uses it.
    if command.builds_stacks() {
        kumo_core::naming::check_environment(&global.env)?;
    }
    let local_port = aws::local_port()?;
    if let Some(endpoint) = &global.endpoint_url {
        aws::check_endpoint(endpoint)?;
    }
    let config = if command.builds_stacks() {
        config::load(global.config.as_deref(), &global.env)?
    } else {
        config::EnvConfig::default()
    };
    let local = local::Local::new(&global.state_dir, local_port);
    let places = target::places(&config, &global.region, &global.target)?;
    let mut session = session::Session {
        env: config.environment(&global.env, app),
        target: aws::Target {
            region: None,
            profile: global.profile,
            endpoint: global.endpoint_url,
            local: global.local,
            local_port,
            request_timeout: global
                .request_timeout
                .or(config.request_timeout)
                .unwrap_or(aws::REQUEST_TIMEOUT),
            assume_role: None,
        },
        timeout: global
            .timeout
            .or(config.timeout)
            .unwrap_or(engine::DEFAULT_TIMEOUT),
        state: state::State::new(global.state_dir),
        role_arn: global.role_arn.or_else(|| config.role_arn.clone()),
        config,
        artifact_bucket: global.artifact_bucket,
        places,
        ui: ui::Ui::new(global.json, global.no_color, global.verbose, terminal),
    };
    if let [one] = session.places.as_slice() {
        let one = one.clone();
        session.aim(&one);
    }
    Ok((session, local))
}

/// Runs one command of the binary `program`.
fn command(
    app: &dyn App,
    command: cli::Command,
    program: &str,
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
        cli::Command::Outputs(args) => runtime()?.block_on(target::each(
            session,
            target::CONCURRENCY,
            out,
            async |session, out| outputs::run(app, session, &args, out).await,
        )),
        cli::Command::Diff(args) => runtime()?.block_on(target::each(
            session,
            target::CONCURRENCY,
            out,
            async |session, out| diff::run(app, session, &args, out).await,
        )),
        cli::Command::Plan(args) => runtime()?.block_on(target::each(
            session,
            target::CONCURRENCY,
            out,
            async |session, out| plan::run(app, session, &args, out).await,
        )),
        cli::Command::Validate(args) => {
            runtime()?.block_on(validate::run(app, session, &args, out))
        }
        cli::Command::Status(args) => runtime()?.block_on(target::each(
            session,
            target::CONCURRENCY,
            out,
            async |session, out| status::run(app, session, &args, out).await,
        )),
        cli::Command::Drift(args) => runtime()?.block_on(target::each(
            session,
            target::CONCURRENCY,
            out,
            async |session, out| drift::run(app, session, &args, out).await,
        )),
        cli::Command::Graph(args) => graph::run(app, session, &args, out),
        cli::Command::Completions(args) => {
            let mut grammar = cli::command(program, &stack_names(app));
            clap_complete::generate(args.shell, &mut grammar, program, out);
            Ok(ExitCode::SUCCESS)
        }
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
            cli::Cli::parse_args(args.iter().map(Into::into).collect(), &["app"]).unwrap_err()
        };
        let usage = CliError::Usage(parse(&["app", "--nope"]));
        assert_eq!(exit_with(&usage), ExitCode::from(2));
        let help = CliError::Usage(parse(&["app", "--version"]));
        assert_eq!(exit_with(&help), ExitCode::SUCCESS);
    }

    #[test]
    fn the_role_arn_flag_wins_over_kumo_toml() {
        struct Jobs;
        impl kumo_core::Stack for Jobs {
            fn name(&self) -> &str {
                "jobs"
            }
            fn template(
                &self,
                _: &kumo_core::Environment,
            ) -> Result<kumo_core::Template, kumo_core::StackError> {
                Ok(kumo_core::Template::new())
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kumo.toml");
        let file_role = "arn:aws:iam::123456789012:role/from-file";
        std::fs::write(&config, format!("[env.dev]\nrole-arn = \"{file_role}\"\n")).unwrap();
        let session = |extra: &[&str]| {
            let mut args = vec!["jobs", "--config", config.to_str().unwrap()];
            args.extend_from_slice(extra);
            args.push("plan");
            let cli =
                cli::Cli::parse_args(args.iter().map(Into::into).collect(), &["jobs"]).unwrap();
            prepare(&Jobs, cli.global, &cli.command, false).unwrap().0
        };
        assert_eq!(session(&[]).role_arn.as_deref(), Some(file_role));
        let flag_role = "arn:aws:iam::123456789012:role/from-flag";
        assert_eq!(
            session(&["--role-arn", flag_role]).role_arn.as_deref(),
            Some(flag_role)
        );
    }
}
