//! The `kumo` binary's command line: `kumo migrate TEMPLATE... --out DIR` and
//! `kumo migrate --from-stack NAME --out DIR`.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use super::{from_stack, migrate_files, write_crate, MigrateError, Options, StackSource, Written};
use crate::CliError;

#[derive(Parser)]
#[command(name = "kumo", about = "Tools for kumo stacks", version)]
struct Tool {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Turn CloudFormation templates, or a deployed stack, into a stack crate.
    Migrate(MigrateArgs),
}

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
    #[arg(long, value_name = "PATH")]
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

/// Runs the `kumo` command line with `args` (the program name first), printing to `out`.
pub fn execute(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
) -> Result<(), MigrateError> {
    let tool = Tool::try_parse_from(args).map_err(CliError::Usage)?;
    let Command::Migrate(args) = tool.command;
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
            writeln!(out, "    fallback: {fallback}")?;
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
