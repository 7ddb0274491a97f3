//! `kumo.toml`: settings per environment.
//!
//! ```toml
//! [env.dev]
//! region = "eu-west-1"
//! account = "123456789012"
//! artifact-bucket = "acme-kumo-artifacts"
//! stack-name-prefix = "acme-"
//! termination-protection = false
//! tags = { team = "media" }
//! parameters = { SnsAlertsTopic = "mia-alerts-dev" }
//!
//! [env.dev.stacks.mes-data]
//! tags = { cost-centre = "storage" }
//! parameters = { RetentionDays = "7" }
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::CliError;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    env: BTreeMap<String, EnvConfig>,
}

/// The settings of one environment.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EnvConfig {
    /// The region its stacks go to, unless `--region` says otherwise.
    pub region: Option<String>,
    /// The account its stacks live in: commands that change something refuse other
    /// credentials.
    pub account: Option<String>,
    /// The bucket for templates over 51,200 bytes and bundled assets.
    pub artifact_bucket: Option<String>,
    /// Put before every stack name.
    #[serde(default)]
    pub stack_name_prefix: String,
    /// Whether new stacks get termination protection (default: yes).
    pub termination_protection: Option<bool>,
    /// Tags on every stack (and so on its resources).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Template parameter values, by parameter name, for every stack that has the parameter.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Settings of single stacks of the app, by stack name.
    #[serde(default)]
    pub stacks: BTreeMap<String, StackSettings>,
}

/// The settings of one stack in one environment.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StackSettings {
    /// Tags on this stack, over the environment's.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Its parameter values, over the environment's; each must be one of its parameters.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
}

/// The settings of `env` from the `kumo.toml` at `path`: the defaults when there is no file, an
/// error when the file has environments but not this one.
pub fn load(path: &Path, env: &str) -> Result<EnvConfig, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(EnvConfig::default()),
        Err(err) => {
            return Err(CliError::Config {
                path: path.to_owned(),
                message: err.to_string(),
            })
        }
    };
    let file: File = toml::from_str(&text).map_err(|err| CliError::Config {
        path: path.to_owned(),
        message: one_line(&err.to_string()),
    })?;
    if file.env.is_empty() {
        return Ok(EnvConfig::default());
    }
    file.env
        .get(env)
        .cloned()
        .ok_or_else(|| CliError::UnknownEnv {
            env: env.to_owned(),
            known: file.env.keys().cloned().collect(),
        })
}

/// toml's message (which quotes the offending line under a caret) as one line, keeping its
/// position and what it says is wrong.
fn one_line(message: &str) -> String {
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
    let position = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches("TOML parse error ")
        .trim_start_matches("at ");
    let reason = lines.next_back().unwrap_or_default();
    format!("{position}: {reason}")
}

/// `KEY=VALUE` from `--param`.
pub fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got `{text}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kumo.toml"), text).unwrap();
        dir
    }

    #[test]
    fn no_file_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            load(&dir.path().join("kumo.toml"), "dev").unwrap(),
            EnvConfig::default()
        );
    }

    #[test]
    fn an_environment_is_read_whole() {
        let dir = write(
            "[env.prod]\nregion = \"eu-west-1\"\naccount = \"123456789012\"\nartifact-bucket = \"acme\"\nstack-name-prefix = \"acme-\"\ntermination-protection = true\ntags = { team = \"media\" }\nparameters = { Size = \"3\" }\n[env.prod.stacks.data]\ntags = { tier = \"storage\" }\nparameters = { Days = \"7\" }\n",
        );
        let config = load(&dir.path().join("kumo.toml"), "prod").unwrap();
        assert_eq!(config.region.as_deref(), Some("eu-west-1"));
        assert_eq!(config.account.as_deref(), Some("123456789012"));
        assert_eq!(config.artifact_bucket.as_deref(), Some("acme"));
        assert_eq!(config.stack_name_prefix, "acme-");
        assert_eq!(config.termination_protection, Some(true));
        assert_eq!(config.tags["team"], "media");
        assert_eq!(config.parameters["Size"], "3");
        assert_eq!(config.stacks["data"].tags["tier"], "storage");
        assert_eq!(config.stacks["data"].parameters["Days"], "7");
    }

    #[test]
    fn an_unknown_environment_names_the_known_ones() {
        let dir = write("[env.dev]\n[env.prod]\n");
        let err = load(&dir.path().join("kumo.toml"), "stage").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown environment `stage`; kumo.toml has: dev, prod"
        );
    }

    #[test]
    fn malformed_files_are_reported_with_line_and_column() {
        let dir = write("[env.dev]\nregion = eu-west-1\n");
        let err = load(&dir.path().join("kumo.toml"), "dev")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2, column 10"), "{err}");
        assert!(!err.contains('\n'), "{err}");
        let dir = write("[env.dev]\nregoin = \"eu-west-1\"\n");
        let err = load(&dir.path().join("kumo.toml"), "dev")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `regoin`"), "{err}");
    }

    #[test]
    fn params_are_key_equals_value() {
        assert_eq!(parse_param("A=b=c").unwrap(), ("A".into(), "b=c".into()));
        assert!(parse_param("A").is_err());
        assert!(parse_param("=x").is_err());
    }
}
