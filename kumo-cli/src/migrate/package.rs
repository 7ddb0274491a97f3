//! Writing the stack crate: its manifest, library (one module per template, and `adopt`), thin
//! binaries, an optional kumo.toml, all formatted with rustfmt.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use heck::{ToKebabCase, ToSnakeCase};
use kumo_core::Template;

use super::format::rustfmt_files;
use super::index::Index;
use super::source::{module, stack_name};
use super::MigrateError;
use crate::manifest::{
    crate_name_problem, kumo_dependency, toml_string, BUILD_SCRIPT, PROFILE_AND_WORKSPACE,
};

/// The fallbacks every migrated crate carries.
const ADOPT: &str = include_str!("adopt.rs.in");

/// Where and how to write the crate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The crate's directory.
    pub out: PathBuf,
    /// The crate's name; else the directory's.
    pub name: Option<String>,
    /// A kumo checkout to depend on by path; else the crates.io version of this kumo.
    pub kumo_path: Option<PathBuf>,
}

/// One template to migrate.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name its stack, module and binary are made from (a file stem, a stack name).
    pub name: String,
    /// The template.
    pub template: Template,
    /// The CloudFormation stack name to keep (`stack_name = ..`), for an adopted stack.
    pub stack_name: Option<String>,
    /// kumo.toml settings for an adopted stack: environment, region and parameter values.
    pub environment: Option<Environment>,
}

/// kumo.toml's settings of an adopted stack.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The environment's name.
    pub name: String,
    /// The region the stack is in.
    pub region: Option<String>,
    /// The current parameter values (NoEcho ones left out).
    pub parameters: BTreeMap<String, String>,
    /// The NoEcho parameters, whose values CloudFormation does not return.
    pub no_echo: Vec<String>,
}

impl Input {
    /// A template to migrate under `name`.
    pub fn new(name: impl Into<String>, template: Template) -> Self {
        Input {
            name: name.into(),
            template,
            stack_name: None,
            environment: None,
        }
    }
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Written {
    /// The crate's name.
    pub crate_name: String,
    /// Each stack: its binary, its module, its `stack!` type, and the fallbacks it uses.
    pub stacks: Vec<WrittenStack>,
}

/// One migrated stack.
#[derive(Debug, Clone)]
pub struct WrittenStack {
    /// The binary (`cargo run --bin NAME`).
    pub bin: String,
    /// The library module.
    pub module: String,
    /// The `stack!` type.
    pub stack: String,
    /// What it writes through fallbacks, one line each.
    pub fallbacks: Vec<String>,
    /// What kumo's checks find wrong with the template as written, one line each: `synth` of
    /// the migrated stack refuses it for the same until the stack is mended.
    pub refused: Vec<String>,
}

/// Writes the crate of `inputs`.
pub fn write_crate(inputs: &[Input], options: &Options) -> Result<Written, MigrateError> {
    let index = Index::get()?;
    let crate_name = match &options.name {
        Some(name) => name.clone(),
        None => options
            .out
            .file_name()
            .map(|n| n.to_string_lossy().to_kebab_case())
            .unwrap_or_default(),
    };
    if let Some(why) = crate_name_problem(&crate_name, &DEPENDENCIES) {
        return Err(MigrateError::Usage(format!(
            "`{crate_name}` cannot name a crate: {why}; give one with --name"
        )));
    }
    match crate::manifest::holds_files(&options.out) {
        Ok(false) => {}
        Ok(true) => {
            return Err(MigrateError::Usage(format!(
                "{} already holds files; kumo migrate writes into a new or empty directory (give another with --out)",
                options.out.display()
            )))
        }
        Err(source) => {
            return Err(MigrateError::Write {
                path: options.out.clone(),
                source,
            })
        }
    }
    // The name cargo gives the library.
    let library = crate_name.replace('-', "_");
    let src = options.out.join("src");
    let mut modules = BTreeSet::new();
    let mut services = BTreeSet::new();
    let mut stacks = Vec::new();
    let mut files = Vec::new();
    for input in inputs {
        let base = identifier(&input.name);
        let mut module_name = base.clone();
        let mut n = 2;
        while modules.contains(&module_name) || taken(&module_name) {
            module_name = format!("{base}_{n}");
            n += 1;
        }
        modules.insert(module_name.clone());
        let service = module_name.to_kebab_case();
        let stack = stack_name(&module_name);
        let written = module(
            &input.template,
            &stack,
            &service,
            input.stack_name.as_deref(),
            index,
        )?;
        services.extend(written.services.iter().cloned());
        files.push(write(
            &src.join(format!("{module_name}.rs")),
            &written.source,
        )?);
        let bin = service.clone();
        let main = format!(
            "//! `cargo run --bin {bin} -- synth`\nfn main() -> std::process::ExitCode {{\n    kumo_cli::run({library}::{module_name}::{stack})\n}}\n"
        );
        files.push(write(&src.join("bin").join(format!("{bin}.rs")), &main)?);
        stacks.push(WrittenStack {
            bin,
            module: module_name,
            stack,
            fallbacks: written.fallbacks,
            refused: match input
                .template
                .validate_for(kumo_core::validate::Delivery::S3)
            {
                Ok(()) => Vec::new(),
                Err(errors) => errors.errors().iter().map(ToString::to_string).collect(),
            },
        });
    }
    let mut lib = String::from(
        "//! Stacks migrated from CloudFormation templates by `kumo migrate`: one module per\n//! template, one binary per stack.\n\n// Large JSON values are written with `serde_json::json!`, which recurses once per token.\n#![recursion_limit = \"1024\"]\n\npub mod adopt;\n",
    );
    for stack in &stacks {
        let _ = writeln!(lib, "pub mod {};", stack.module);
    }
    files.push(write(&src.join("lib.rs"), &lib)?);
    files.push(write(&src.join("adopt.rs"), ADOPT)?);
    write(
        &options.out.join("Cargo.toml"),
        &manifest(&crate_name, &services, options.kumo_path.as_deref()),
    )?;
    write(&options.out.join("build.rs"), BUILD_SCRIPT)?;
    let settings = kumo_toml(inputs, &stacks);
    if !settings.is_empty() {
        write(&options.out.join("kumo.toml"), &settings)?;
    }
    rustfmt_files(&files)?;
    Ok(Written { crate_name, stacks })
}

/// A snake_case Rust identifier for a name.
/// A module's name for the template file named `name`: its ASCII letters and digits in snake
/// case, after `stack_` when it would start with a digit or be empty.
fn identifier(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let ident = ascii.to_snake_case();
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("stack_{ident}")
    } else {
        ident
    }
}

/// Whether a module (and its binary) cannot have the name `module`: a Rust keyword, a name cargo
/// reserves, or a file the crate has beside its modules (`lib.rs`, `main.rs`, `adopt.rs`).
fn taken(module: &str) -> bool {
    crate::manifest::is_reserved(module) || ["adopt", "lib", "main"].contains(&module)
}

fn write(path: &Path, text: &str) -> Result<PathBuf, MigrateError> {
    let failed = |source| MigrateError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    std::fs::write(path, text).map_err(failed)?;
    Ok(path.to_owned())
}

/// The crates the manifest depends on: named as one of them, the crate would depend on itself.
const DEPENDENCIES: [&str; 3] = ["kumo-core", "kumo-cli", "serde_json"];

/// The crate's manifest: kumo-core with exactly the services the stacks use.
fn manifest(name: &str, services: &BTreeSet<String>, kumo_path: Option<&Path>) -> String {
    let features: Vec<String> = services.iter().map(|s| format!("{s:?}")).collect();
    let core = kumo_dependency(kumo_path, "kumo-core");
    let cli = kumo_dependency(kumo_path, "kumo-cli");
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
kumo-core = {{ {core}, default-features = false, features = [{features}] }}
kumo-cli = {{ {cli} }}
serde_json = "1"

{PROFILE_AND_WORKSPACE}"#,
        features = features.join(", ")
    )
}

/// kumo.toml for adopted stacks: their environments' regions and current parameter values.
fn kumo_toml(inputs: &[Input], stacks: &[super::package::WrittenStack]) -> String {
    let mut out = String::new();
    for (input, stack) in inputs.iter().zip(stacks) {
        let Some(env) = &input.environment else {
            continue;
        };
        let _ = writeln!(
            out,
            "# The deployed stack's settings, read by `kumo migrate --from-stack`.\n[env.{}]",
            env.name
        );
        if let Some(region) = &env.region {
            let _ = writeln!(out, "region = {}", toml_string(region));
        }
        let _ = writeln!(out, "\n[env.{}.stacks.{}]", env.name, stack.bin);
        let values: Vec<String> = env
            .parameters
            .iter()
            .map(|(key, value)| format!("{key} = {}", toml_string(value)))
            .collect();
        let _ = writeln!(out, "parameters = {{ {} }}", values.join(", "));
        for key in &env.no_echo {
            let _ = writeln!(
                out,
                "# {key} is NoEcho: CloudFormation does not tell its value; pass it with --param {key}=..."
            );
        }
        out.push('\n');
    }
    out
}
