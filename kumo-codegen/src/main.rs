//! Generates kumo-core's typed resources from the vendored CloudFormation resource schemas.
//!
//! `cargo run -p kumo-codegen` regenerates `kumo-core/src/resources/`, `kumo-core/resources.txt`
//! and kumo-core's service features; `cargo run -p kumo-codegen -- update --version X` first
//! vendors the schemas of cfn-lint X, and `update-docs --version X` the descriptions of
//! `@aws-cdk/aws-service-spec` X. The output depends only on the vendored files. Beside
//! kumo-core it writes `kumo-cli/src/migrate/index.txt.gz`, the Rust names `kumo migrate` uses.

mod emit;
mod examples;
mod index;
mod markdown;
mod model;
mod names;
mod process;
mod prose;
mod schema;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Generate kumo-core's typed resources from the vendored schemas")]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Regenerate the typed resources from the vendored schemas (the default).
    Generate {
        /// The kumo-core directory to write into.
        #[arg(long, value_name = "DIR")]
        core: Option<PathBuf>,
    },
    /// Vendor the schemas of a cfn-lint release from PyPI, then regenerate.
    Update {
        /// The cfn-lint version, such as 1.51.0.
        #[arg(long)]
        version: String,
        /// The Python interpreter whose pip downloads cfn-lint.
        #[arg(long, default_value = "python3")]
        python: String,
    },
    /// Vendor the descriptions and stateful types of an `@aws-cdk/aws-service-spec` release
    /// from npm, then regenerate.
    UpdateDocs {
        /// The package version, such as 0.1.216.
        #[arg(long)]
        version: String,
        /// The npm program that downloads the package.
        #[arg(long, default_value = "npm")]
        npm: String,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let vendored = schema::vendored_path();
    let core = match cli.command {
        Some(Cmd::Update { version, python }) => {
            schema::vendor_from_pypi(&version, &python, &vendored)?;
            println!(
                "vendored cfn-lint {version} schemas into {}",
                vendored.display()
            );
            None
        }
        Some(Cmd::UpdateDocs { version, npm }) => {
            prose::vendor_from_npm(&version, &npm)?;
            println!(
                "vendored {} {version} into {}",
                prose::PACKAGE,
                prose::vendored_path().display()
            );
            None
        }
        Some(Cmd::Generate { core }) => core,
        None => None,
    };
    let core = core.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../kumo-core"));
    generate(&vendored, &core)
}

/// Writes every generated file of kumo-core from the vendored schemas.
fn generate(vendored: &Path, core: &Path) -> Result<()> {
    let schemas = schema::Schemas::load(vendored)?;
    let prose = prose::Prose::load(&prose::vendored_path())?;
    let source = format!(
        "the CloudFormation resource schemas of cfn-lint {} ({}) and the descriptions of {} {}",
        schemas.version(),
        schema::REGION,
        prose::PACKAGE,
        prose.source.version
    );
    let services = model::build(&schemas, &prose);
    let dir = core.join("src/resources");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let mut files = vec![dir.join("mod.rs")];
    std::fs::write(&files[0], emit::modules(&services, &source))?;
    for service in &services {
        let path = dir.join(format!("{}.rs", service.module.trim_start_matches("r#")));
        std::fs::write(&path, emit::service(service, &source))?;
        files.push(path);
    }
    rustfmt(&files)?;
    std::fs::write(core.join("resources.txt"), emit::type_list(&services))?;
    write_features(&core.join("Cargo.toml"), &emit::features(&services))?;
    let index = core.join("..").join(index::PATH);
    if let Some(parent) = index.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&index, index::compressed(&services)?)
        .with_context(|| format!("cannot write {}", index.display()))?;
    let count: usize = services.iter().map(|s| s.resources.len()).sum();
    println!(
        "generated {count} resource types in {} services",
        services.len()
    );
    Ok(())
}

fn rustfmt(files: &[PathBuf]) -> Result<()> {
    for chunk in files.chunks(64) {
        let status = Command::new("rustfmt")
            .args(["--edition", "2021"])
            .args(chunk)
            .status()
            .context("cannot run rustfmt")?;
        if !status.success() {
            bail!("rustfmt failed on the generated code");
        }
    }
    Ok(())
}

/// Replaces the generated part of kumo-core's `[features]`.
fn write_features(manifest: &Path, features: &str) -> Result<()> {
    let text = std::fs::read_to_string(manifest)?;
    let (Some(begin), Some(end)) = (
        text.find(emit::FEATURES_BEGIN),
        text.find(emit::FEATURES_END),
    ) else {
        bail!(
            "{} lacks the `{}` and `{}` markers",
            manifest.display(),
            emit::FEATURES_BEGIN,
            emit::FEATURES_END
        );
    };
    let updated = format!(
        "{}{features}{}",
        &text[..begin],
        &text[end + emit::FEATURES_END.len()..]
    );
    std::fs::write(manifest, updated)?;
    Ok(())
}
