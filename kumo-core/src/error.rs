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
}
