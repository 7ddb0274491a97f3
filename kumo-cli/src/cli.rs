//! The command line's grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Synthesize and deploy this kumo stack.
#[derive(Debug, Parser)]
#[command(about, long_about = None, disable_version_flag = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Environment to build for; it goes into physical names and tags.
    #[arg(long, global = true, default_value = "dev", value_name = "NAME")]
    pub env: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the template, or write one file per stack.
    #[command(after_help = "Examples:\n  \
        mystack synth                     print the template as JSON\n  \
        mystack synth --format yaml       print it as YAML\n  \
        mystack synth --out build/        write build/<stack>.template.json per stack")]
    Synth(SynthArgs),
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }
}
