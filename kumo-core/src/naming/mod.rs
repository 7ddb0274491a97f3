//! Deterministic names: logical IDs from paths of names, physical names fitted to each resource
//! type, and a registry that reports collisions with both paths; and the checks of the names a
//! user gives (environment, stack names and their prefix, tags) before anything is sent.
//!
//! Names never depend on position, time or randomness: the same path gives the same name on
//! every machine, so tests can replay them.

mod environment;
mod logical;
mod physical;
mod registry;
mod stack_name;
mod tag;

pub use environment::{check_environment, MAX_ENVIRONMENT_LEN};
pub use logical::{pascal_case, LogicalId, MAX_LOGICAL_ID_LEN};
pub use physical::{NameRule, HASH_LEN};
pub use registry::NameRegistry;
pub use stack_name::{check_stack_name, check_stack_name_prefix};
pub use tag::{
    check_resource_tag, check_resource_tags, check_tag, check_tags, MAX_TAGS, MAX_TAG_KEY_LEN,
    MAX_TAG_VALUE_LEN,
};

use sha2::{Digest, Sha256};

/// A path of names, from the stack down to a resource's role (`["ingest", "bucket"]`).
pub type Path<'a> = &'a [&'a str];

/// The first `len` lowercase hex digits of the SHA-256 of `input`: the stable suffix kumo puts on
/// names it has to shorten.
///
/// ```
/// assert_eq!(kumo_core::naming::stable_hash("abc", 8), "ba7816bf");
/// ```
pub fn stable_hash(input: &str, len: usize) -> String {
    let digest = Sha256::digest(input.as_bytes());
    let mut hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    hex.truncate(len);
    hex
}

/// CloudFormation's rule for stack names, as error messages state it.
const STACK_NAME_RULE: &str =
    "CloudFormation takes an ASCII letter followed by ASCII letters, digits and hyphens, at most 128 characters";

/// Why a name could not be made, or a given name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NamingError {
    /// The path has no segment.
    #[error("a name needs at least one path segment")]
    EmptyPath,
    /// A segment of the path holds no letter or digit.
    #[error("path segment {segment:?} of `{path}` holds no ASCII letter or digit")]
    EmptySegment {
        /// The path, `/`-joined.
        path: String,
        /// The offending segment.
        segment: String,
    },
    /// A segment of the path holds a letter or digit beyond ASCII, which a logical ID cannot
    /// hold: it would be dropped, and `größe` and `grüße` would be one name.
    #[error("path segment {segment:?} of `{path}` holds {letter:?}, which a logical ID cannot hold (ASCII letters and digits only)")]
    NonAscii {
        /// The path, `/`-joined.
        path: String,
        /// The offending segment.
        segment: String,
        /// The first letter or digit beyond ASCII in it.
        letter: char,
    },
    /// A logical ID that breaks CloudFormation's rules.
    #[error("invalid logical ID `{id}`: {reason}")]
    InvalidLogicalId {
        /// The ID.
        id: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// kumo has no naming rule for the resource type.
    #[error("kumo has no physical naming rule for `{0}`")]
    NoNameRule(String),
    /// Two paths produce the same name.
    #[error("name `{name}` of `{second}` collides with the same name of `{first}`")]
    Collision {
        /// The name both produce.
        name: String,
        /// The path that claimed it first.
        first: String,
        /// The path that claimed it second.
        second: String,
    },
    /// A physical name shorter than the type allows.
    #[error("physical name `{name}` for {type_name} is shorter than its minimum of {min}")]
    TooShort {
        /// The name.
        name: String,
        /// The resource type.
        type_name: &'static str,
        /// The minimum length.
        min: usize,
    },
    /// An environment name outside the safe character set.
    #[error("invalid environment name {0:?}: use 1 to {MAX_ENVIRONMENT_LEN} lowercase ASCII letters and digits, starting with a letter")]
    InvalidEnvironment(String),
    /// A stack name CloudFormation refuses.
    #[error("invalid stack name {name:?}: {reason}; {STACK_NAME_RULE}")]
    InvalidStackName {
        /// The name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A stack name prefix that cannot start a stack name.
    #[error("invalid stack-name-prefix {prefix:?}: {reason}; {STACK_NAME_RULE}")]
    InvalidStackNamePrefix {
        /// The prefix.
        prefix: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A tag AWS refuses.
    #[error("invalid tag {key:?}: {reason}")]
    InvalidTag {
        /// The tag's key.
        key: String,
        /// The rule it breaks.
        reason: String,
    },
    /// More tags than AWS allows on one stack or resource.
    #[error("{count} tags; AWS allows at most {MAX_TAGS}")]
    TooManyTags {
        /// How many there are.
        count: usize,
    },
    /// A physical name that must start with a letter does not.
    #[error("physical name `{name}` for {type_name} must start with a letter")]
    MustStartWithLetter {
        /// The name.
        name: String,
        /// The resource type.
        type_name: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_sha256_prefix() {
        assert_eq!(
            stable_hash("", 16),
            "e3b0c44298fc1c14",
            "SHA-256 of the empty string"
        );
        assert_eq!(stable_hash("abc", 4), "ba78");
    }
}
