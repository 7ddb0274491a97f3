//! How a binary built without the `deploy` feature runs a command: `synth`, `graph`,
//! `completions`, `validate`, `outputs` from `.kumo/outputs` and `diff` against `.kumo/applied`
//! as with it, after the same checks; every other command (and `diff --live`, `outputs --live`,
//! `validate --remote`) is an error that says what the binary lacks.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::App;

use crate::cli::{self, Cli, Command};
use crate::error::CliError;
use crate::state::State;
use crate::target::{self, Outcome, Place};
use crate::ui::{self, Ui};
use crate::workspace::Workspace;
use crate::{checks, config, diff, graph, outputs, stack_names, synth, validate};

/// Runs the parsed command line `cli` against `app`, writing to `out` (a terminal when
/// `terminal`); with `--json`, the report, whatever happens.
pub fn run(
    app: &dyn App,
    cli: Cli,
    out: &mut dyn Write,
    terminal: bool,
) -> Result<ExitCode, CliError> {
    let global = &cli.global;
    let json = global.json && cli.command.reports();
    let ui = Ui::new(global.json, global.no_color, global.verbose, terminal);
    let result = match json {
        true => command(app, &cli, &ui, &mut std::io::sink()),
        false => command(app, &cli, &ui, out),
    };
    ui::with_report(&ui, json, result, out)
}

/// Runs one command of `cli`: those a binary without `deploy` has, after the checks every
/// command that builds stacks makes.
fn command(app: &dyn App, cli: &Cli, ui: &Ui, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let global = &cli.global;
    match &cli.command {
        Command::Completions(args) => {
            cli::completions(&cli.program, &stack_names(app), args.shell, out)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Synth(_) | Command::Graph(_) => {}
        Command::Diff(args) if !args.live => {}
        Command::Outputs(args) if !args.live => {}
        Command::Validate(args) if !args.remote => {}
        _ => return Err(CliError::WithoutDeploy),
    }
    kumo_core::naming::check_environment(&global.env)?;
    let config = config::load(global.config.as_deref(), &global.env)?;
    let env = config.environment(&global.env, app);
    let places = target::places(&config, &global.region, &global.target)?;
    let region = match places.as_slice() {
        [one] => one.region.as_deref(),
        _ => None,
    };
    checks::before_build(app, &env, &config, target::shared_region(&places))?;
    let state = State::new(&global.state_dir);
    let workspace = Workspace {
        env: &env,
        config: &config,
        state: &state,
        ui,
        region: None,
        account: config.account.as_deref(),
    };
    match &cli.command {
        Command::Graph(args) => graph::run(app, (&env, &config, region), args, out),
        Command::Synth(args) => synth::run(app, &env, args, out),
        Command::Validate(args) => validate::offline(app, workspace, args, out),
        Command::Diff(args) => each_place(workspace, &places, out, |workspace, out| {
            diff::offline(app, workspace, args, out)
        }),
        Command::Outputs(args) => each_place(workspace, &places, out, |workspace, out| {
            outputs::offline(app, workspace, args, out)
        }),
        _ => Err(CliError::WithoutDeploy),
    }
}

/// Runs `command` aimed at each place of kumo.toml's targets (the one there is, or each with
/// its output under its name, as with the `deploy` feature).
fn each_place(
    workspace: Workspace<'_>,
    places: &[Place],
    out: &mut dyn Write,
    command: impl Fn(Workspace<'_>, &mut dyn Write) -> Result<ExitCode, CliError>,
) -> Result<ExitCode, CliError> {
    if let [one] = places {
        return command(aimed(workspace, one), out);
    }
    let outcomes = places
        .iter()
        .map(|place| {
            let own = workspace.ui.child();
            let mut printed = Vec::new();
            let aimed = Workspace {
                ui: &own,
                ..aimed(workspace, place)
            };
            let result = command(aimed, &mut printed);
            Outcome {
                ui: own,
                printed,
                result,
            }
        })
        .collect();
    target::gather(places, outcomes, workspace.ui, out)
}

/// `workspace` aimed at `place`: its region, and its account when it names one.
fn aimed<'a>(workspace: Workspace<'a>, place: &'a Place) -> Workspace<'a> {
    Workspace {
        region: place.region.as_deref(),
        account: place.account.as_deref().or(workspace.account),
        ..workspace
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use kumo_core::{Environment, Resource, Stack, StackError, Template};

    use crate::execute;

    /// A bucket, and a queue when `queue`.
    struct Logs {
        queue: bool,
    }

    impl Stack for Logs {
        fn name(&self) -> &str {
            "logs"
        }
        fn template(&self, _env: &Environment) -> Result<Template, StackError> {
            let mut template = Template::new();
            template.add_resource("Bucket", Resource::new("AWS::S3::Bucket"))?;
            if self.queue {
                template.add_resource("Queue", Resource::new("AWS::SQS::Queue"))?;
            }
            Ok(template)
        }
    }

    fn run_with(stack: &Logs, args: &[&str]) -> Result<(ExitCode, String), String> {
        let mut out = Vec::new();
        let args = std::iter::once("logs").chain(args.iter().copied());
        execute(stack, args, &mut out)
            .map(|code| (code, String::from_utf8(out).unwrap()))
            .map_err(|err| err.to_string())
    }

    fn run(args: &[&str]) -> Result<String, String> {
        run_with(&Logs { queue: false }, args).map(|(_, out)| out)
    }

    /// Records `stack`'s template as deployed to `region` of account 111111111111 under the
    /// state directory `state`, as a deploy does; returns the file.
    fn applied(state: &Path, region: &str, stack: &Logs) -> PathBuf {
        let dir = state.join("applied/dev").join(region).join("111111111111");
        std::fs::create_dir_all(&dir).unwrap();
        let template = stack.template(&Environment::new("dev")).unwrap();
        let file = dir.join("logs-dev.json");
        std::fs::write(&file, template.to_json()).unwrap();
        file
    }

    #[test]
    fn synth_graph_and_completions_run() {
        assert!(run(&["synth"]).unwrap().contains("\"AWS::S3::Bucket\""));
        assert!(run(&["graph"]).unwrap().starts_with("digraph kumo {"));
        assert!(run(&["completions", "bash"]).unwrap().contains("logs"));
    }

    #[test]
    fn diff_compares_with_what_kumo_applied() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().to_str().unwrap();
        let bucket = Logs { queue: false };
        let both = Logs { queue: true };

        let (code, out) = run_with(&bucket, &["--state-dir", state, "diff"]).unwrap();
        assert_eq!(code, ExitCode::from(1));
        assert!(
            out.starts_with("logs-dev: not deployed; a deploy creates it\n  + Resources.Bucket (AWS::S3::Bucket)"),
            "{out}"
        );

        // Kept as synth writes it (not read again), and written otherwise (read).
        let kept = applied(dir.path(), "eu-west-1", &bucket);
        let (code, out) = run_with(&bucket, &["--state-dir", state, "diff"]).unwrap();
        assert_eq!(
            (code, out.as_str()),
            (ExitCode::SUCCESS, "logs-dev: no changes\n")
        );
        let compact = bucket
            .template(&Environment::new("dev"))
            .unwrap()
            .to_json_compact();
        std::fs::write(&kept, compact).unwrap();
        let (code, out) = run_with(&bucket, &["--state-dir", state, "diff"]).unwrap();
        assert_eq!(
            (code, out.as_str()),
            (ExitCode::SUCCESS, "logs-dev: no changes\n")
        );

        let (code, out) = run_with(&both, &["--state-dir", state, "diff"]).unwrap();
        assert_eq!(code, ExitCode::from(1));
        assert!(
            out.starts_with("logs-dev: 1 change(s)\n  + Resources.Queue (AWS::SQS::Queue)"),
            "{out}"
        );

        let (_, out) = run_with(&both, &["--state-dir", state, "--json", "diff"]).unwrap();
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["logs-dev"]["deployed"], true);
        assert_eq!(report["logs-dev"]["changes"][0]["id"], "Queue");
    }

    #[test]
    fn validate_and_outputs_run_without_aws() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().to_str().unwrap();
        let out = run(&["--state-dir", state, "validate"]).unwrap();
        assert!(out.starts_with("logs-dev: valid (1 resources, "), "{out}");

        let err = run(&["--state-dir", state, "outputs"]).unwrap_err();
        assert_eq!(
            err,
            "stack `logs-dev` is not deployed from here (no .kumo/outputs)"
        );
        let recorded = dir.path().join("outputs/dev/eu-west-1/111111111111");
        std::fs::create_dir_all(&recorded).unwrap();
        std::fs::write(
            recorded.join("logs-dev.json"),
            r#"{"BucketName": "logs-b1"}"#,
        )
        .unwrap();
        let out = run(&["--state-dir", state, "outputs"]).unwrap();
        assert_eq!(out, "logs-dev:\n  BucketName = logs-b1\n");
        let out = run(&["--state-dir", state, "--json", "outputs"]).unwrap();
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["logs-dev"]["BucketName"], "logs-b1", "{out}");
    }

    #[test]
    fn diff_reads_each_target_of_kumo_toml() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kumo.toml");
        std::fs::write(
            &config,
            "[env.dev]\nregions = [\"eu-west-1\", \"us-east-1\"]\n",
        )
        .unwrap();
        let state = dir.path().join(".kumo");
        applied(&state, "eu-west-1", &Logs { queue: true });
        applied(&state, "us-east-1", &Logs { queue: false });
        let args = [
            "--config",
            config.to_str().unwrap(),
            "--state-dir",
            state.to_str().unwrap(),
            "diff",
        ];
        let (code, out) = run_with(&Logs { queue: false }, &args).unwrap();
        assert_eq!(code, ExitCode::from(1));
        let lines: Vec<&str> = out.lines().take(2).collect();
        assert_eq!(
            lines,
            [
                "[eu-west-1] logs-dev: 1 change(s)",
                "[eu-west-1]   - Resources.Queue (AWS::SQS::Queue) holds data",
            ],
            "{out}"
        );
        assert!(out.ends_with("[us-east-1] logs-dev: no changes\n"), "{out}");
    }

    #[test]
    fn the_aws_commands_say_what_the_binary_lacks() {
        for command in [
            &["deploy"][..],
            &["diff", "--live"],
            &["outputs", "--live"],
            &["validate", "--remote"],
            &["plan"],
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
    fn help_lists_only_the_commands_the_binary_has() {
        let help = run(&["--help"]).unwrap_err();
        assert!(help.starts_with("The kumo stack `logs`: synthesize, check and review it."));
        let listed: Vec<&str> = help
            .lines()
            .skip_while(|line| *line != "Commands:")
            .skip(1)
            .take_while(|line| !line.is_empty())
            .filter_map(|line| line.split_whitespace().next())
            .collect();
        assert_eq!(
            listed,
            [
                "synth",
                "outputs",
                "diff",
                "validate",
                "graph",
                "completions",
                "help"
            ],
            "{help}"
        );
    }

    #[test]
    fn a_refusal_is_reported_with_json() {
        let mut out = Vec::new();
        let err =
            execute(&Logs { queue: false }, ["logs", "--json", "plan"], &mut out).unwrap_err();
        let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(report["error"], err.to_string());
    }

    #[test]
    fn the_checks_of_names_run_before_synth() {
        let err = run(&["--env", "../x", "synth"]).unwrap_err();
        assert!(err.contains("../x"), "{err}");
    }
}
