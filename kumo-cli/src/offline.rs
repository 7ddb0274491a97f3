//! How a binary built without the `deploy` feature runs a command: `synth`, `graph` and
//! `completions` as with it, after the same checks; every other command is an error that says
//! what the binary lacks.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;

use crate::cli::{self, Cli, Command};
use crate::error::CliError;
use crate::{checks, config, graph, stack_names, synth, target};

/// Runs the parsed command line `cli` against `app`, writing to `out`.
pub fn run(app: &dyn App, cli: Cli, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let global = cli.global;
    if let Command::Completions(args) = &cli.command {
        return Ok(cli::completions(
            &cli.program,
            &stack_names(app),
            args.shell,
            out,
        ));
    }
    if !matches!(cli.command, Command::Synth(_) | Command::Graph(_)) {
        return Err(CliError::WithoutDeploy);
    }
    kumo_core::naming::check_environment(&global.env)?;
    let config = config::load(global.config.as_deref(), &global.env)?;
    let env = config.environment(&global.env, app);
    let places = target::places(&config, &global.region, &global.target)?;
    let region = match places.as_slice() {
        [one] => one.region.as_deref(),
        _ => None,
    };
    checks::before_build(app, &env, &config, region)?;
    match cli.command {
        Command::Graph(args) => graph::run(app, (&env, &config, region), &args, out),
        Command::Synth(args) => synth::run(app, &env, &args, out),
        _ => Err(CliError::WithoutDeploy),
    }
}

#[cfg(test)]
mod tests {
    use kumo_core::{Environment, Resource, Stack, StackError, Template};

    use crate::execute;

    struct Logs;

    impl Stack for Logs {
        fn name(&self) -> &str {
            "logs"
        }
        fn template(&self, _env: &Environment) -> Result<Template, StackError> {
            let mut template = Template::new();
            template.add_resource("Bucket", Resource::new("AWS::S3::Bucket"))?;
            Ok(template)
        }
    }

    fn run(args: &[&str]) -> Result<String, String> {
        let mut out = Vec::new();
        let args = std::iter::once("logs").chain(args.iter().copied());
        execute(&Logs, args, &mut out)
            .map(|_| String::from_utf8(out).unwrap())
            .map_err(|err| err.to_string())
    }

    #[test]
    fn synth_graph_and_completions_run() {
        assert!(run(&["synth"]).unwrap().contains("\"AWS::S3::Bucket\""));
        assert!(run(&["graph"]).unwrap().starts_with("digraph kumo {"));
        assert!(run(&["completions", "bash"]).unwrap().contains("logs"));
    }

    #[test]
    fn the_aws_commands_say_what_the_binary_lacks() {
        for command in [
            &["deploy"][..],
            &["diff"],
            &["plan"],
            &["validate"],
            &["local", "up"],
        ] {
            let err = run(command).unwrap_err();
            assert!(
                err.starts_with("this binary was built without kumo-cli's `deploy` feature"),
                "{command:?}: {err}"
            );
        }
    }

    #[test]
    fn the_checks_of_names_run_before_synth() {
        let err = run(&["--env", "../x", "synth"]).unwrap_err();
        assert!(err.contains("../x"), "{err}");
    }
}
