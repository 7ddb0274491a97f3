//! How a binary with the `deploy` feature runs a command: the session from the global options,
//! the checks every command that builds stacks makes, and each command.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;

use crate::cli::{self, Cli};
use crate::error::CliError;
use crate::{
    aws, checks, config, delete, deploy, diff, drift, engine, graph, local, outputs, per_target,
    plan, session, stack_names, state, status, synth, target, ui, validate,
};

/// Runs the parsed command line `cli` against `app`, writing to `out` (a terminal when
/// `terminal`); with `--json`, the report, whatever happens.
pub fn run(
    app: &dyn App,
    cli: Cli,
    out: &mut dyn Write,
    terminal: bool,
) -> Result<ExitCode, CliError> {
    // With --json the report is printed whatever happens: what was done, and the error.
    let json = cli.global.json && cli.command.reports();
    let style = (cli.global.no_color, cli.global.verbose);
    let (ui, result) = match prepare(app, cli.global, &cli.command, terminal) {
        Ok((session, local)) => {
            let mut sink = std::io::sink();
            let printed: &mut dyn Write = if json { &mut sink } else { out };
            let names = if cli.command.builds_stacks() {
                let region = crate::target::shared_region(&session.places);
                checks::before_build(app, &session.env, &session.config, region)
            } else {
                Ok(())
            };
            let result = names
                .and_then(|()| command(app, cli.command, &cli.program, &session, &local, printed));
            (session.ui, result)
        }
        Err(err) => (ui::Ui::new(json, style.0, style.1, terminal), Err(err)),
    };
    ui::with_report(&ui, json, result, out)
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
    // Ctrl-C is listened for from the start: steps that must not be cut short act on it.
    let runtime = || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(CliError::Runtime)?;
        runtime.spawn(crate::interrupt::listen());
        Ok::<_, CliError>(runtime)
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
        cli::Command::Outputs(args) => runtime()?.block_on(per_target::each(
            session,
            per_target::CONCURRENCY,
            out,
            async |session, out| outputs::run(app, session, &args, out).await,
        )),
        cli::Command::Diff(args) => runtime()?.block_on(per_target::each(
            session,
            per_target::CONCURRENCY,
            out,
            async |session, out| diff::live::run(app, session, &args, out).await,
        )),
        cli::Command::Plan(args) => runtime()?.block_on(per_target::each(
            session,
            per_target::CONCURRENCY,
            out,
            async |session, out| plan::run(app, session, &args, out).await,
        )),
        cli::Command::Validate(args) => {
            runtime()?.block_on(validate::run(app, session, &args, out))
        }
        cli::Command::Status(args) => runtime()?.block_on(per_target::each(
            session,
            per_target::CONCURRENCY,
            out,
            async |session, out| status::run(app, session, &args, out).await,
        )),
        cli::Command::Drift(args) => runtime()?.block_on(per_target::each(
            session,
            per_target::CONCURRENCY,
            out,
            async |session, out| drift::run(app, session, &args, out).await,
        )),
        cli::Command::Graph(args) => {
            let region = session.target.region.as_deref();
            graph::run(app, (&session.env, &session.config, region), &args, out)
        }
        cli::Command::Completions(args) => {
            cli::completions(program, &stack_names(app), args.shell, out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
