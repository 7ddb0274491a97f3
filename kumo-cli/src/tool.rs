//! The `kumo` binary's command line: `kumo new PATH`, `kumo completions SHELL`, and with the
//! `migrate` feature `kumo migrate TEMPLATE... --out DIR` and
//! `kumo migrate --from-stack NAME --out DIR`.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

#[cfg(feature = "migrate")]
use crate::migrate::{
    from_stack, migrate_files, write_crate, MigrateError, Options, StackSource, Written,
};
use crate::new::NewError;
use crate::CliError;

#[derive(Parser)]
#[command(name = "kumo", about = "Tools for kumo stacks", version)]
struct Tool {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a stack crate: a `stack!` of two particles, kumo.toml, a .gitignore and a GitHub
    /// Actions workflow that plans pull requests and deploys main.
    #[command(after_help = "Examples:\n  \
        kumo new media-jobs                     write ./media-jobs\n  \
        kumo new infra --name media-jobs        write ./infra, the crate media-jobs")]
    New(NewArgs),
    /// Turn CloudFormation templates, or a deployed stack, into a stack crate.
    #[cfg(feature = "migrate")]
    Migrate(MigrateArgs),
    /// Print the shell completion script of `kumo`.
    Completions(crate::cli::CompletionsArgs),
}

#[derive(Args)]
struct NewArgs {
    /// The directory of the crate to write: new, or empty.
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// The crate's name (default: the directory's).
    #[arg(long, value_name = "CRATE")]
    name: Option<String>,
    /// Depend on a kumo checkout at PATH instead of the crates.io release.
    #[arg(long, value_name = "PATH", value_parser = crate::manifest::parse_kumo_path)]
    kumo_path: Option<PathBuf>,
}

#[cfg(feature = "migrate")]
#[derive(Args)]
struct MigrateArgs {
    /// Template files (JSON or YAML); one stack each.
    #[arg(value_name = "TEMPLATE", required_unless_present = "from_stack")]
    templates: Vec<PathBuf>,
    /// Read the template and parameter values of this deployed stack instead.
    #[arg(long, value_name = "NAME", conflicts_with = "templates")]
    from_stack: Option<String>,
    /// The directory of the crate to write.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The crate's name (default: the directory's).
    #[arg(long, value_name = "CRATE")]
    name: Option<String>,
    /// Depend on a kumo checkout at PATH instead of the crates.io release.
    #[arg(long, value_name = "PATH", value_parser = crate::manifest::parse_kumo_path)]
    kumo_path: Option<PathBuf>,
    /// With --from-stack: the kumo environment the stack's settings go to in kumo.toml.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "prod",
        conflicts_with = "templates"
    )]
    env: String,
    /// With --from-stack: the stack's region.
    #[arg(long, conflicts_with = "templates")]
    region: Option<String>,
    /// With --from-stack: the AWS profile.
    #[arg(long, conflicts_with = "templates")]
    profile: Option<String>,
    /// With --from-stack: a CloudFormation endpoint (an emulator).
    #[arg(long, value_name = "URL", conflicts_with = "templates")]
    endpoint_url: Option<String>,
    /// With --from-stack: the local emulator on 127.0.0.1.
    #[arg(long, conflicts_with = "templates")]
    local: bool,
}

/// Why a `kumo` command failed.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments do not parse, or printing failed.
    #[error(transparent)]
    Cli(#[from] CliError),
    /// `kumo new` wrote nothing.
    #[error(transparent)]
    New(#[from] NewError),
    /// `kumo migrate` failed.
    #[cfg(feature = "migrate")]
    #[error(transparent)]
    Migrate(#[from] MigrateError),
}

/// Runs the `kumo` command line with `args` (the program name first), printing to `out`.
pub fn execute(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
) -> Result<(), ToolError> {
    let tool = Tool::try_parse_from(args).map_err(CliError::Usage)?;
    match tool.command {
        Command::New(args) => {
            let options = crate::new::Options {
                path: args.path,
                name: args.name,
                kumo_path: args.kumo_path,
            };
            let written = crate::new::write_crate(&options)?;
            writeln!(
                out,
                "wrote the stack crate `{}` in {}: cd there and `cargo run -- synth`, then `cargo run -- deploy --local`",
                written.name,
                options.path.display()
            )
            .map_err(CliError::Stdout)?;
        }
        #[cfg(feature = "migrate")]
        Command::Migrate(args) => migrate(args, out)?,
        Command::Completions(args) => {
            crate::cli::write_completions(args.shell, &mut Tool::command(), "kumo", out)?;
        }
    }
    Ok(())
}

/// `kumo migrate`.
#[cfg(feature = "migrate")]
fn migrate(args: MigrateArgs, out: &mut dyn Write) -> Result<(), MigrateError> {
    let options = Options {
        out: args.out,
        name: args.name,
        kumo_path: args.kumo_path,
    };
    let written = match args.from_stack {
        Some(stack) => {
            let source = StackSource {
                stack,
                environment: args.env,
                region: args.region,
                profile: args.profile,
                endpoint: args.endpoint_url,
                local: args.local,
            };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(CliError::Runtime)?;
            let input = runtime.block_on(from_stack(&source))?;
            write_crate(&[input], &options)?
        }
        None => migrate_files(&args.templates, &options)?,
    };
    report(&written, &options, out).map_err(|source| MigrateError::Write {
        path: PathBuf::from("standard output"),
        source,
    })
}

#[cfg(feature = "migrate")]
fn report(written: &Written, options: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "wrote crate `{}` in {}",
        written.crate_name,
        options.out.display()
    )?;
    for stack in &written.stacks {
        writeln!(
            out,
            "  {}: cargo run --bin {} -- synth",
            stack.stack, stack.bin
        )?;
        for fallback in &stack.fallbacks {
            writeln!(out, "    fallback: {}", crate::ui::one_line(fallback))?;
        }
        for problem in &stack.refused {
            writeln!(
                out,
                "    synth refuses it until mended: {}",
                crate::ui::one_line(problem)
            )?;
        }
    }
    Ok(())
}

/// `main` of the `kumo` binary: runs [`execute`] on the process's arguments; an error is one
/// line on standard error and exit code 2 (`--help` and `--version` print and exit 0).
pub fn main() -> ExitCode {
    let stdout = std::io::stdout();
    match execute(std::env::args_os(), &mut stdout.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => crate::exit_with(&err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_is_consistent() {
        Tool::command().debug_assert();
    }

    #[test]
    fn completions_name_kumo_and_new() {
        let mut out = Vec::new();
        execute(["kumo", "completions", "bash"], &mut out).unwrap();
        let bash = String::from_utf8(out).unwrap();
        assert!(bash.contains("complete -F _kumo"), "{bash}");
        assert!(bash.contains("new"), "{bash}");
    }

    #[test]
    fn new_writes_the_crate_and_says_how_to_run_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("media-jobs");
        let mut out = Vec::new();
        execute(
            ["kumo".as_ref(), "new".as_ref(), path.as_os_str()],
            &mut out,
        )
        .unwrap();
        let said = String::from_utf8(out).unwrap();
        assert!(
            said.starts_with("wrote the stack crate `media-jobs` in "),
            "{said}"
        );
        assert!(path.join(".github/workflows/deploy.yml").is_file());
        let err = execute(
            ["kumo".as_ref(), "new".as_ref(), path.as_os_str()],
            &mut Vec::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("already holds files"), "{err}");
    }
}
