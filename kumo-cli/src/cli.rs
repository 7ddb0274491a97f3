//! The command line's grammar.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// What `--version` prints after the binary's name: the kumo it carries.
const VERSION: &str = concat!("(kumo ", env!("CARGO_PKG_VERSION"), ")");

/// The global options that only commands talking to AWS use: hidden from the help of the
/// commands that do not ([`OFFLINE`]).
const AWS_OPTIONS: [&str; 9] = [
    "region",
    "target",
    "profile",
    "endpoint_url",
    "local",
    "artifact_bucket",
    "timeout",
    "request_timeout",
    "role_arn",
];

/// The commands that never talk to AWS.
const OFFLINE: [&str; 4] = ["synth", "graph", "local", "completions"];

/// The commands a binary built without the `deploy` feature has (`diff` and `outputs` without
/// `--live`, `validate` without `--remote`); its help lists only these.
const WITHOUT_DEPLOY: [&str; 6] = [
    "synth",
    "graph",
    "completions",
    "diff",
    "outputs",
    "validate",
];

/// The placeholder of the binary's name in the commands' examples.
const BIN: &str = "{bin}";

impl Cli {
    /// Parses `args`, whose first is the program, for the app of `stacks`: help, usage and
    /// `--version` name the binary as it was called (its file name without extension), not
    /// kumo's crate, and the help says which stacks it deploys.
    pub fn parse_args(args: Vec<std::ffi::OsString>, stacks: &[&str]) -> Result<Cli, clap::Error> {
        let program = args
            .first()
            .and_then(|first| std::path::Path::new(first).file_stem())
            .map_or_else(
                || "kumo".to_owned(),
                |stem| stem.to_string_lossy().into_owned(),
            );
        // The examples are written out for the help alone: parsed again when it is shown.
        let parsed = grammar(&program, stacks, false).try_get_matches_from(&args);
        let parsed = match parsed {
            Err(err) if shows_help(&err) => command(&program, stacks).try_get_matches_from(args),
            parsed => parsed,
        };
        let mut cli = Cli::from_arg_matches(&parsed?)?;
        cli.program = program;
        Ok(cli)
    }
}

/// Writes the `shell` completions of the binary `program` of the app of `stacks` to `out`.
pub fn completions(
    program: &str,
    stacks: &[&str],
    shell: clap_complete::Shell,
    out: &mut dyn std::io::Write,
) -> Result<(), crate::CliError> {
    write_completions(shell, &mut command(program, stacks), program, out)
}

/// Writes the `shell` completions of `command`, named `program`, to `out`: made whole first,
/// since clap_complete panics when it cannot write.
pub fn write_completions(
    shell: clap_complete::Shell,
    command: &mut clap::Command,
    program: &str,
    out: &mut dyn std::io::Write,
) -> Result<(), crate::CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, command, program, &mut script);
    out.write_all(&script).map_err(crate::CliError::Stdout)
}

/// Whether a parse error is the help being shown (`--help`, `help`, or a command missing its
/// subcommand).
fn shows_help(err: &clap::Error) -> bool {
    matches!(
        err.kind(),
        clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    )
}

/// The grammar of the binary `program` of the app of `stacks`: named for it, its description
/// and examples naming it and its stacks, each command's help listing only the global options
/// that apply to it.
pub fn command(program: &str, stacks: &[&str]) -> clap::Command {
    grammar(program, stacks, true)
}

/// [`command`], with each command's examples written out for `program` when `examples` (else
/// left as they are: what parses is the same).
fn grammar(program: &str, stacks: &[&str], examples: bool) -> clap::Command {
    let mut command = Cli::command()
        .name(program.to_owned())
        .bin_name(program.to_owned())
        .about(about(stacks));
    // An offline command gets its own hidden copy of each AWS option, which stops the global
    // one being listed in its help (and keeps it accepted there).
    let hidden: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|arg| AWS_OPTIONS.contains(&arg.get_id().as_str()))
        .map(|arg| arg.clone().global(false).hide(true))
        .collect();
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(&name, |mut sub| {
            if let Some(text) = sub.get_after_help().filter(|_| examples) {
                let text = examples_of(program, &text.to_string());
                sub = sub.after_help(text);
            }
            if OFFLINE.contains(&name.as_str()) {
                sub = sub.args(hidden.iter().cloned());
            }
            // Still parsed, to answer with the feature they need.
            if cfg!(not(feature = "deploy")) && !WITHOUT_DEPLOY.contains(&name.as_str()) {
                sub = sub.hide(true);
            }
            sub
        });
    }
    command
}

/// A command's examples, `{bin} COMMAND  WHAT IT DOES` a line, with `program` for `{bin}` and
/// what each does in one column; other lines as they are.
fn examples_of(program: &str, text: &str) -> String {
    let example = |line: &str| {
        let rest = line.strip_prefix("  ")?.strip_prefix(BIN)?;
        let (command, what) = rest.split_once("  ").unwrap_or((rest, ""));
        Some((
            format!("{program}{}", command.replace(BIN, program)),
            what.trim_start().replace(BIN, program),
        ))
    };
    let width = text
        .lines()
        .filter_map(example)
        .map(|(command, _)| command.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<String> = text
        .lines()
        .map(|line| match example(line) {
            Some((command, what)) if !what.is_empty() => format!("  {command:width$}   {what}"),
            Some((command, _)) => format!("  {command}"),
            None => line.replace(BIN, program),
        })
        .collect();
    lines.join("\n")
}

/// What the binary of the app of `stacks` is for.
fn about(stacks: &[&str]) -> String {
    let quoted: Vec<String> = stacks.iter().map(|stack| format!("`{stack}`")).collect();
    let does = match cfg!(feature = "deploy") {
        true => "synthesize, review, deploy and delete",
        false => "synthesize, check and review",
    };
    match quoted.as_slice() {
        [one] => format!("The kumo stack {one}: {does} it."),
        many => format!("The kumo app of stacks {}: {does} them.", many.join(", ")),
    }
}

/// A stack binary's command line.
#[derive(Debug, Parser)]
#[command(version = VERSION, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
    /// The binary's name, as it was called.
    #[arg(skip)]
    pub program: String,
}

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Environment to build for; it goes into physical names and tags.
    #[arg(long, global = true, default_value = "dev", value_name = "NAME")]
    pub env: String,
    /// AWS region (default: kumo.toml's `region`, else the SDK's: `AWS_REGION`, then the
    /// profile); repeated, several targets; with kumo.toml's `regions`, only these of them.
    #[arg(long, global = true, value_name = "REGION", value_parser = crate::config::parse_region)]
    pub region: Vec<String>,
    /// Act on this target only (repeatable): `ACCOUNT/REGION` with kumo.toml's `accounts`,
    /// else `REGION`.
    #[arg(long, global = true, value_name = "ACCOUNT/REGION")]
    pub target: Vec<String>,
    /// AWS profile (default: `AWS_PROFILE`, then `default`).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// CloudFormation endpoint (default: `AWS_ENDPOINT_URL`, then AWS's).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Use the local CloudFormation emulator on 127.0.0.1 (port `KUMO_LOCAL_PORT`, default
    /// 5000) with dummy credentials in us-east-1; `deploy` starts it when nothing listens
    /// there.
    #[arg(long, global = true)]
    pub local: bool,
    /// Settings per environment [default: kumo.toml, when it exists]; a file named here must
    /// exist.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where kumo keeps applied templates, outputs and bundles.
    #[arg(long, global = true, default_value = ".kumo", value_name = "DIR")]
    pub state_dir: PathBuf,
    /// Bucket for templates over 51,200 bytes and bundled assets (over kumo.toml's
    /// `artifact-bucket`; with --local kumo makes one).
    #[arg(long, global = true, value_name = "BUCKET")]
    pub artifact_bucket: Option<String>,
    /// How long to wait for CloudFormation to finish an operation (a change set, a create,
    /// update or delete) before giving up, such as `90s`, `30m` or `2h` [default: kumo.toml's
    /// `timeout`, else 1h].
    #[arg(long, global = true, value_name = "DURATION", value_parser = crate::config::parse_duration)]
    pub timeout: Option<Duration>,
    /// How long one request to AWS may take before it is tried again (3 attempts in all, with
    /// backoff) [default: kumo.toml's `request-timeout`, else 20s].
    #[arg(long, global = true, value_name = "DURATION", value_parser = crate::config::parse_duration)]
    pub request_timeout: Option<Duration>,
    /// CloudFormation service role to create, update and delete the stacks' resources with
    /// (over kumo.toml's `role-arn`); without one, CloudFormation uses your credentials.
    #[arg(long, global = true, value_name = "ARN", value_parser = crate::config::parse_role_arn)]
    pub role_arn: Option<String>,
    /// Print one JSON document at the end (an object of stack name to result) instead of
    /// lines.
    #[arg(long, global = true)]
    pub json: bool,
    /// No colours (neither are there when the output is not a terminal or NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Also print what kumo does on the way: template sizes, change sets, uploads.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the template, or write one file per stack.
    #[command(after_help = "Examples:\n  \
        {bin} synth                     print the template as JSON\n  \
        {bin} synth --format yaml       print it as YAML\n  \
        {bin} synth --out build/        write build/<stack>.template.json per stack")]
    Synth(SynthArgs),
    /// Create or update the stacks through change sets.
    #[command(after_help = "Examples:\n  \
        {bin} deploy --local            deploy to the local emulator\n  \
        {bin} deploy --env prod --yes   deploy to prod without asking\n  \
        {bin} deploy --replace-failed   recreate a stack whose first create failed\n  \
        {bin} deploy network data         deploy two stacks of an app, in dependency order\n  \
        {bin} deploy --prepare          make the change set, print it and its name, and stop\n  \
        {bin} deploy --execute NAME     execute exactly that change set, if not stale\n\n\
        Stacks deploy after the stacks they use, independent ones in parallel (--concurrency);\n\
        after a failure no new stack starts, and those not attempted are named. With several\n\
        targets (kumo.toml's `regions`/`accounts`) each goes on after another's failure unless\n\
        --fail-fast, and a table of every target's stacks ends the output.\n\
        A deploy that would replace or remove a stateful resource (bucket, table, log group,\n\
        key, ...) or one kept on delete is refused unless --allow-destructive. Ctrl-C during an\n\
        update cancels it and waits for the rollback.")]
    Deploy(DeployArgs),
    /// Delete the stacks and forget their local state.
    #[command(after_help = "Examples:\n  \
        {bin} delete --yes              delete without asking\n  \
        {bin} delete --yes --force      also turn termination protection off first\n\n\
        Stacks are deleted after the stacks that use them, independent ones in parallel\n\
        (--concurrency; one at a time when each is asked about).")]
    Delete(DeleteArgs),
    /// Print the stacks' outputs, as last deployed from here or, with --live, as deployed.
    #[command(after_help = "Examples:\n  \
        {bin} outputs                   from .kumo/outputs\n  \
        {bin} outputs --live --json     ask CloudFormation; print JSON")]
    Outputs(OutputsArgs),
    /// Show what would change, against the template last applied from here or, with --live,
    /// the deployed one. Exit code: 0 no changes, 1 changes, 2 error.
    #[command(after_help = "Examples:\n  \
        {bin} diff                      against .kumo/applied\n  \
        {bin} diff --live               against the deployed template")]
    Diff(DiffArgs),
    /// Show what a deploy would do: create a change set, print its changes (per resource the
    /// action, CloudFormation's and the schema's replacement marks and the old and new values;
    /// the parameters, tags, outputs and exports that change), and delete it (a prepared change
    /// set stays). Exit code: 0 no changes, 1 changes, 2 error.
    #[command(after_help = "Examples:\n  \
        {bin} plan --local              plan against the local emulator")]
    Plan(PlanArgs),
    /// Check the templates: kumo's own checks, and with --remote CloudFormation's
    /// ValidateTemplate.
    #[command(after_help = "Examples:\n  \
        {bin} validate                  offline\n  \
        {bin} validate --remote         also ask CloudFormation")]
    Validate(ValidateArgs),
    /// Each stack's status, last update, and whether the local template differs from the
    /// deployed template (`drift` checks the deployed resources instead).
    #[command(after_help = "Examples:\n  \
        {bin} status --env prod\n\n\
        \"Differs from the deployed template\" compares the local template with the one\n\
        CloudFormation has; CloudFormation's drift (resources changed outside it) is `drift`.")]
    Status(Selection),
    /// Ask CloudFormation whether the deployed resources still match their template (drift
    /// detection), and print each resource's drift and each property that differs. Exit code:
    /// 0 in sync, 1 drifted, 2 error (detection failed, or it outlasted --timeout).
    #[command(after_help = "Examples:\n  \
        {bin} drift --env prod          check every stack of the app\n  \
        {bin} drift network --json      one stack, as JSON")]
    Drift(Selection),
    /// Print the resources and their Ref, GetAtt and DependsOn edges as Graphviz DOT.
    #[command(after_help = "Examples:\n  \
        {bin} graph | dot -Tsvg > stack.svg")]
    Graph(Selection),
    /// Start or stop the local CloudFormation emulator (moto's server on 127.0.0.1).
    #[command(
        subcommand,
        after_help = "Examples:\n  \
        {bin} local up                  start it (installing moto[server] if missing)\n  \
        {bin} deploy --local            deploy to it (starting it if needed)\n  \
        {bin} local down                stop it"
    )]
    Local(LocalCommand),
    /// Print the shell completion script of this binary.
    #[command(after_help = "Examples:\n  \
        {bin} completions bash > ~/.local/share/bash-completion/completions/{bin}\n  \
        {bin} completions zsh > ~/.zfunc/_{bin}\n  \
        {bin} completions fish > ~/.config/fish/completions/{bin}.fish")]
    Completions(CompletionsArgs),
}

/// `completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

impl Command {
    /// Whether the command builds the stacks, for an environment and with kumo.toml's
    /// settings: all but `local` and `completions`.
    #[cfg(feature = "deploy")]
    pub fn builds_stacks(&self) -> bool {
        !matches!(self, Command::Local(_) | Command::Completions(_))
    }

    /// Whether the command's `--json` output is a report by stack: all but `synth`, `graph`,
    /// `local` and `completions`, whose output is a template, a graph, a status line or a
    /// script.
    pub fn reports(&self) -> bool {
        !matches!(
            self,
            Command::Synth(_) | Command::Graph(_) | Command::Local(_) | Command::Completions(_)
        )
    }
}

#[derive(Debug, Subcommand)]
pub enum LocalCommand {
    /// Start the emulator in the background unless one is listening.
    Up,
    /// Stop the emulator `local up` started.
    Down,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// A parameter value, over kumo.toml's (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = crate::config::parse_param)]
    pub params: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Also ask CloudFormation (ValidateTemplate).
    #[arg(long)]
    pub remote: bool,
}

/// Which stacks a command acts on.
#[derive(Debug, Args)]
pub struct Selection {
    /// Stacks to act on; all when none is named.
    #[arg(value_name = "STACK")]
    pub stacks: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Allow replacing or removing stateful or retained resources.
    #[arg(long)]
    pub allow_destructive: bool,
    /// Leave a failed create or update as it is, for debugging, instead of rolling back.
    #[arg(long)]
    pub no_rollback: bool,
    /// Deploy the stack without termination protection, turning it off if it is on (else it
    /// is turned on: kumo.toml's `termination-protection = false` keeps it off for good).
    #[arg(long)]
    pub no_termination_protection: bool,
    /// Delete a stack a failed create left in ROLLBACK_COMPLETE and create it again.
    #[arg(long)]
    pub replace_failed: bool,
    /// Bundle and upload assets even when `.kumo/build` or the artifact bucket has them.
    #[arg(long)]
    pub no_cache: bool,
    /// How many independent stacks to deploy at once (in all targets together).
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
    /// With several targets: after a failure in one, start no new stack in any (by default the
    /// other targets go on).
    #[arg(long)]
    pub fail_fast: bool,
    /// Keep exports another deployed stack still imports, which this deploy would remove (a
    /// later deploy removes them once nothing imports them).
    #[arg(long)]
    pub keep_exports: bool,
    /// Which security changes (IAM, resource policies, security groups, public access) need a
    /// person's yes: `broadening` (default) or `any-change` asks on a terminal and refuses with
    /// --yes or without one; `never` does not ask. Over kumo.toml's `require-approval`.
    #[arg(long, value_enum, value_name = "WHEN")]
    pub require_approval: Option<crate::config::RequireApproval>,
    /// A parameter value, over kumo.toml's (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = crate::config::parse_param)]
    pub params: Vec<(String, String)>,
    /// Create the change set, print it and its name, and stop: the stack stays as it is (a
    /// new stack waits in REVIEW_IN_PROGRESS with it). `plan` and `diff` keep it; a later
    /// `deploy`, with or without --prepare, replaces it.
    #[arg(long, conflicts_with_all = ["execute", "replace_failed"])]
    pub prepare: bool,
    /// Execute the change set NAME that --prepare made, after checking that it is still the
    /// one kumo makes for the current template, parameter values (give the same --param) and
    /// tags (a stale one is refused); then wait and report as a deploy does.
    #[arg(long, value_name = "NAME", conflicts_with = "replace_failed")]
    pub execute: Option<String>,
    /// Bring resources that already exist into the stack (one stack) through an IMPORT change
    /// set: the template's new resources, each with DeletionPolicy Retain and an identifier
    /// (kumo.toml's `[env.ENV.stacks.STACK.import]` or --import-id), and no other change.
    #[arg(long, conflicts_with_all = ["prepare", "execute", "replace_failed"])]
    pub import: bool,
    /// An identifier key of a resource to import, over kumo.toml's (repeatable).
    #[arg(long = "import-id", value_name = "LOGICAL_ID.KEY=VALUE", value_parser = parse_id, requires = "import")]
    pub import_ids: Vec<IdPart>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Turn termination protection off first.
    #[arg(long)]
    pub force: bool,
    /// How many stacks to delete at once (in all targets together), each once the stacks that
    /// use it are gone.
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
}

#[derive(Debug, Args)]
pub struct OutputsArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Ask CloudFormation instead of reading .kumo/outputs.
    #[arg(long)]
    pub live: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Compare with the deployed template instead of .kumo/applied.
    #[arg(long)]
    pub live: bool,
    /// A parameter value, over kumo.toml's, to compare with the deployed one (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = crate::config::parse_param, requires = "live")]
    pub params: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Stacks to synthesize; all when none is named.
    #[arg(value_name = "STACK")]
    pub stacks: Vec<String>,
    /// Write `<stack>.template.<format>` files into this directory instead of printing.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Template format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

/// A template format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON, the form kumo deploys and snapshots.
    Json,
    /// YAML with long-form intrinsics.
    Yaml,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// One `--import-id`: a resource's logical ID, an identifier key and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPart {
    /// The resource's logical ID.
    pub logical_id: String,
    /// The identifier's key, such as `BucketName`.
    pub key: String,
    /// Its value.
    pub value: String,
}

/// `LOGICAL_ID.KEY=VALUE` from `--import-id`.
pub fn parse_id(text: &str) -> Result<IdPart, String> {
    let parsed = text.split_once('=').and_then(|(path, value)| {
        let (logical_id, key) = path.split_once('.')?;
        (!logical_id.is_empty() && !key.is_empty()).then(|| IdPart {
            logical_id: logical_id.to_owned(),
            key: key.to_owned(),
            value: value.to_owned(),
        })
    });
    parsed.ok_or_else(|| format!("expected LOGICAL_ID.KEY=VALUE, got `{text}`"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
        command("media", &["media"]).debug_assert();
    }

    fn args(args: &[&str]) -> Vec<std::ffi::OsString> {
        args.iter().map(Into::into).collect()
    }

    #[test]
    fn help_and_version_name_the_binary_and_its_kumo() {
        let version = Cli::parse_args(
            args(&["/x/target/debug/mes-platform.exe", "--version"]),
            &["mes"],
        )
        .unwrap_err();
        assert_eq!(version.kind(), clap::error::ErrorKind::DisplayVersion);
        assert_eq!(
            version.to_string(),
            format!("mes-platform (kumo {})\n", env!("CARGO_PKG_VERSION"))
        );
        let usage =
            Cli::parse_args(args(&["mes-platform", "deploy", "--nope"]), &["mes"]).unwrap_err();
        assert!(
            usage.to_string().contains("Usage: mes-platform deploy"),
            "{usage}"
        );
        let help = Cli::parse_args(args(&["media", "--help"]), &["media"])
            .unwrap_err()
            .to_string();
        assert!(
            help.starts_with("The kumo stack `media`: synthesize, "),
            "{help}"
        );
        assert!(help.contains("Usage: media [OPTIONS] <COMMAND>"), "{help}");
    }

    /// The help of `args` (the program first) of the app of `stacks`.
    fn help(stacks: &[&str], argv: &[&str]) -> String {
        let err = Cli::parse_args(args(argv), stacks).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp, "{err}");
        err.to_string()
    }

    #[test]
    fn delete_takes_a_concurrency_of_at_least_one() {
        let concurrency = |argv: &[&str]| match Cli::parse_args(args(argv), &["jobs"]) {
            Ok(Cli {
                command: Command::Delete(delete),
                ..
            }) => Ok(delete.concurrency),
            Ok(other) => panic!("{other:?}"),
            Err(err) => Err(err.kind()),
        };
        assert_eq!(concurrency(&["jobs", "delete", "--yes"]), Ok(4));
        assert_eq!(
            concurrency(&["jobs", "delete", "--yes", "--concurrency", "1"]),
            Ok(1)
        );
        assert_eq!(
            concurrency(&["jobs", "delete", "--concurrency", "0"]),
            Err(clap::error::ErrorKind::ValueValidation)
        );
    }

    #[test]
    fn a_command_lists_its_own_options_apart_from_the_global_ones() {
        let deploy = help(&["jobs"], &["jobs", "deploy", "--help"]);
        let (own, global) = deploy.split_once("Global options:").expect(&deploy);
        let (global, _examples) = global.split_once("Examples:").expect(&deploy);
        assert!(own.contains("--yes"), "{deploy}");
        assert!(!own.contains("--region"), "{deploy}");
        for option in ["--env", "--region", "--profile", "--local", "--role-arn"] {
            assert!(global.contains(option), "{option}: {deploy}");
        }
        assert!(!global.contains("--yes"), "{deploy}");
    }

    #[test]
    fn offline_commands_do_not_list_the_aws_options() {
        for command in ["graph", "synth", "local"] {
            let text = help(&["jobs"], &["jobs", command, "--help"]);
            let (text, _examples) = text.split_once("Examples:").expect(&text);
            assert!(text.contains("--env"), "{text}");
            for option in [
                "--profile",
                "--local",
                "--region",
                "--role-arn",
                "--timeout",
            ] {
                assert!(!text.contains(option), "{command} lists {option}: {text}");
            }
        }
        // Still accepted anywhere, as global options are.
        let cli = Cli::parse_args(args(&["jobs", "graph", "--profile", "x"]), &["jobs"]).unwrap();
        assert_eq!(cli.global.profile.as_deref(), Some("x"));
    }

    #[test]
    fn examples_name_the_binary_and_the_description_its_stacks() {
        let synth = help(&["media"], &["/bin/media-stack", "synth", "--help"]);
        assert!(synth.contains("media-stack synth --format yaml"), "{synth}");
        assert!(!synth.contains("{bin}"), "{synth}");
        assert_eq!(
            help(&["media"], &["/bin/media-stack", "help", "synth"]),
            synth
        );
        for command in Cli::command().get_subcommands() {
            let text = help(&["a"], &["tool", command.get_name(), "--help"]);
            assert!(!text.contains(BIN), "{text}");
        }
        let app = help(&["network", "data"], &["platform", "--help"]);
        assert!(
            app.starts_with("The kumo app of stacks `network`, `data`: synthesize"),
            "{app}"
        );
        assert!(app.contains("completions"), "{app}");
    }

    #[test]
    fn role_arn_is_a_global_option_of_an_iam_role() {
        let role = "arn:aws:iam::123456789012:role/deployer";
        let cli =
            Cli::parse_args(args(&["jobs", "deploy", "--role-arn", role]), &["jobs"]).unwrap();
        assert_eq!(cli.global.role_arn.as_deref(), Some(role));
        let err = Cli::parse_args(args(&["jobs", "--role-arn", "deployer", "plan"]), &["jobs"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an IAM role ARN"), "{err}");
    }

    #[test]
    fn completions_that_cannot_be_written_are_an_error_not_a_panic() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let err =
            completions("jobs", &["jobs"], clap_complete::Shell::Bash, &mut Full).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot write to standard output"),
            "{err}"
        );
        let mut script = Vec::new();
        completions("jobs", &["jobs"], clap_complete::Shell::Bash, &mut script).unwrap();
        assert!(String::from_utf8(script).unwrap().contains("_jobs()"));
    }
}
