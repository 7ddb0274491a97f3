//! Dynamic references: values CloudFormation reads from Systems Manager Parameter Store or
//! Secrets Manager when it creates or updates the stack (`{{resolve:...}}`), so the template
//! never holds them.
//!
//! ```
//! use kumo_core::dynamic::{secrets_manager, ssm, ssm_secure};
//! use kumo_core::Value;
//!
//! let ami: Value<String> = ssm("/base/ami", None);
//! let pinned: Value<String> = ssm("/base/ami", 3);
//! let token: Value<String> = ssm_secure("/app/token", 2);
//! let password: Value<String> = secrets_manager("prod/db").json_key("password").into();
//! assert_eq!(ami.as_json(), "{{resolve:ssm:/base/ami}}");
//! assert_eq!(pinned.as_json(), "{{resolve:ssm:/base/ami:3}}");
//! assert_eq!(token.as_json(), "{{resolve:ssm-secure:/app/token:2}}");
//! assert_eq!(password.as_json(), "{{resolve:secretsmanager:prod/db:SecretString:password}}");
//! ```
//!
//! A name that depends on a parameter goes through [`crate::intrinsic::sub`] with the same
//! text: `sub("{{resolve:ssm:/${Env}/ami}}")`.

use crate::value::{Json, Value};

fn resolve(service: &str, segments: &[&str]) -> Value<String> {
    let used = segments
        .iter()
        .rposition(|segment| !segment.is_empty())
        .map_or(0, |last| last + 1);
    let mut text = format!("{{{{resolve:{service}");
    for segment in &segments[..used] {
        text.push(':');
        text.push_str(segment);
    }
    text.push_str("}}");
    Value::from_json_unchecked(Json::String(text))
}

/// `{{resolve:ssm:name[:version]}}`: a `String` or `StringList` parameter of Parameter Store,
/// its latest version without `version`.
pub fn ssm(name: &str, version: impl Into<Option<u32>>) -> Value<String> {
    let version = version.into().map(|v| v.to_string()).unwrap_or_default();
    resolve("ssm", &[name, &version])
}

/// `{{resolve:ssm-secure:name[:version]}}`: a `SecureString` parameter of Parameter Store, for
/// the properties that accept one.
pub fn ssm_secure(name: &str, version: impl Into<Option<u32>>) -> Value<String> {
    let version = version.into().map(|v| v.to_string()).unwrap_or_default();
    resolve("ssm-secure", &[name, &version])
}

/// `{{resolve:secretsmanager:...}}`: a secret of Secrets Manager, by name or ARN; the whole
/// secret string unless [`SecretReference::json_key`] picks a key of it.
pub fn secrets_manager(secret_id: &str) -> SecretReference {
    SecretReference {
        secret_id: secret_id.to_owned(),
        json_key: String::new(),
        version_stage: String::new(),
        version_id: String::new(),
    }
}

/// A reference to a Secrets Manager secret, built by [`secrets_manager`]; it converts into a
/// `Value<String>`, so it goes wherever a string does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretReference {
    secret_id: String,
    json_key: String,
    version_stage: String,
    version_id: String,
}

impl SecretReference {
    /// The value of this key of the secret's JSON.
    pub fn json_key(mut self, key: impl Into<String>) -> Self {
        self.json_key = key.into();
        self
    }

    /// The version with this staging label (`AWSCURRENT`, `AWSPREVIOUS`, ...).
    pub fn version_stage(mut self, stage: impl Into<String>) -> Self {
        self.version_stage = stage.into();
        self
    }

    /// The version with this ID.
    pub fn version_id(mut self, id: impl Into<String>) -> Self {
        self.version_id = id.into();
        self
    }
}

impl From<SecretReference> for Value<String> {
    fn from(reference: SecretReference) -> Self {
        let picks_a_part = [
            &reference.json_key,
            &reference.version_stage,
            &reference.version_id,
        ]
        .iter()
        .any(|part| !part.is_empty());
        let secret_string = if picks_a_part { "SecretString" } else { "" };
        resolve(
            "secretsmanager",
            &[
                &reference.secret_id,
                secret_string,
                &reference.json_key,
                &reference.version_stage,
                &reference.version_id,
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    //! The forms of the CloudFormation dynamic references documentation.

    use super::*;

    fn text(value: impl Into<Value<String>>) -> String {
        value
            .into()
            .as_json()
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn ssm_forms() {
        assert_eq!(
            text(ssm("S3AccessControl", None)),
            "{{resolve:ssm:S3AccessControl}}"
        );
        assert_eq!(
            text(ssm("S3AccessControl", 2)),
            "{{resolve:ssm:S3AccessControl:2}}"
        );
        assert_eq!(
            text(ssm("arn:aws:ssm:us-east-1:123456789012:parameter/a", None)),
            "{{resolve:ssm:arn:aws:ssm:us-east-1:123456789012:parameter/a}}"
        );
    }

    #[test]
    fn ssm_secure_forms() {
        assert_eq!(
            text(ssm_secure("IAMUserPassword", 10)),
            "{{resolve:ssm-secure:IAMUserPassword:10}}"
        );
        assert_eq!(
            text(ssm_secure("IAMUserPassword", None)),
            "{{resolve:ssm-secure:IAMUserPassword}}"
        );
    }

    #[test]
    fn secrets_manager_forms() {
        assert_eq!(
            text(secrets_manager("MyRDSSecret")),
            "{{resolve:secretsmanager:MyRDSSecret}}"
        );
        assert_eq!(
            text(secrets_manager("MyRDSSecret").json_key("username")),
            "{{resolve:secretsmanager:MyRDSSecret:SecretString:username}}"
        );
        assert_eq!(
            text(secrets_manager("MySecret").version_stage("AWSPREVIOUS")),
            "{{resolve:secretsmanager:MySecret:SecretString::AWSPREVIOUS}}"
        );
        assert_eq!(
            text(
                secrets_manager("MySecret")
                    .json_key("password")
                    .version_id("EXAMPLE1-90ab")
            ),
            "{{resolve:secretsmanager:MySecret:SecretString:password::EXAMPLE1-90ab}}"
        );
    }
}
