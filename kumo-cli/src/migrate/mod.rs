//! `kumo migrate`: CloudFormation templates (files, or a deployed stack's) into a stack crate
//! of `stack!` code with typed resources, typed intrinsics and every logical ID kept, whose
//! `synth` is semantically equal to the input.
//!
//! The crate holds a library with one module per template (and `adopt`, the few fallbacks it
//! needs, see `adopt.rs.in`) and one thin binary per template: the library is compiled once
//! however many stacks there are. The Rust names of types, properties and enums come from the
//! index kumo-codegen writes beside the typed resources ([`index`]).

mod base;
mod deployed;
mod format;
mod index;
mod names;
mod package;
mod parameter;
mod source;
mod values;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use kumo_core::Template;

pub use deployed::{from_stack, StackSource};
pub use package::{write_crate, Environment, Input, Options, Written, WrittenStack};

/// Why a migration failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// A template file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A template is not a CloudFormation template.
    #[error("{what} is not a template kumo can read: {source}")]
    Template {
        /// The file or stack.
        what: String,
        /// Why.
        source: kumo_core::TemplateError,
    },
    /// A file of the crate could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// rustfmt cannot be run.
    #[error("cannot run rustfmt ({0}); install it with `rustup component add rustfmt`")]
    Rustfmt(String),
    /// rustfmt refused the code kumo wrote: a bug of `kumo migrate`.
    #[error("rustfmt refused the code kumo migrate wrote, a bug of kumo (please report it with the template): {0}")]
    Generated(String),
    /// The compiled-in name index is damaged.
    #[error("the type index compiled into kumo is damaged: {0}")]
    Index(String),
    /// Nothing to migrate, or a name that cannot be used.
    #[error("{0}")]
    Usage(String),
    /// Reading the deployed stack failed.
    #[error(transparent)]
    Stack(#[from] crate::CliError),
}

/// Reads a template file, JSON or YAML (by its extension, else by its first character).
pub fn read_template_file(path: &std::path::Path) -> Result<Template, MigrateError> {
    let text = crate::fs::read_any(path, crate::fs::TEMPLATE_LIMIT).map_err(|source| {
        MigrateError::Read {
            path: path.to_owned(),
            source,
        }
    })?;
    crate::engine::read_template(&text).map_err(|source| MigrateError::Template {
        what: path.display().to_string(),
        source,
    })
}

/// Migrates template files into the crate `options` describe.
pub fn migrate_files(paths: &[PathBuf], options: &Options) -> Result<Written, MigrateError> {
    if paths.is_empty() {
        return Err(MigrateError::Usage("no template to migrate".into()));
    }
    let inputs = paths
        .iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Input::new(stem, read_template_file(path)?))
        })
        .collect::<Result<Vec<_>, MigrateError>>()?;
    write_crate(&inputs, options)
}
