//! Errors of building a template.

use crate::template::Section;

/// An error while building or reading a template.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// An entry of that logical ID is already in the section.
    #[error("{} `{id}` is already declared", section.noun())]
    Duplicate {
        /// The section.
        section: Section,
        /// The logical ID declared twice.
        id: String,
    },
    /// A parameter type CloudFormation does not have.
    #[error("unknown parameter type `{0}`")]
    UnknownParameterType(String),
    /// The text is not a template.
    #[error("invalid template JSON: {0}")]
    Parse(#[source] serde_json::Error),
    /// The text is not YAML, or is YAML CloudFormation does not read (such as a merge key).
    #[error("invalid template YAML at line {line} column {column}: {message}")]
    Yaml {
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// A JSON template writes an integer beyond 64 bits, which kumo would read rounded.
    #[error("invalid template JSON at line {line} column {column}: an integer beyond 64 bits, which kumo would change; write it as a string")]
    LargeInteger {
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
    },
    /// A part of the template does not have the shape CloudFormation gives it.
    #[error("invalid template at {path}: {source}")]
    Invalid {
        /// Where, as section and keys (`Resources.Bucket`).
        path: String,
        /// What is wrong there.
        #[source]
        source: serde_json::Error,
    },
}
