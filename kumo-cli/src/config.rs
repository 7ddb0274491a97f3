//! `kumo.toml`: settings per environment.
//!
//! ```toml
//! [env.dev]
//! region = "eu-west-1"
//! account = "123456789012"
//! artifact-bucket = "acme-kumo-artifacts"
//! stack-name-prefix = "acme-"
//! termination-protection = false
//! timeout = "45m"
//! request-timeout = "30s"
//! require-approval = "never"
//! role-arn = "arn:aws:iam::123456789012:role/cloudformation-deploy"
//! tags = { team = "media" }
//! parameters = { SnsAlertsTopic = "mia-alerts-dev" }
//!
//! [env.dev.stacks.mes-data]
//! tags = { cost-centre = "storage" }
//! parameters = { RetentionDays = "7" }
//! stack-name = "legacy-data-{env}"
//! region = "us-east-1"
//!
//! [env.dev.stacks.mes-data.import]
//! Archive = { BucketName = "mes-archive-dev" }
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use kumo_core::{App, Environment};
use serde::Deserialize;

use crate::error::CliError;
use crate::stackset::StackSetSettings;

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
    /// The regions its stacks go to, each a target of its own (instead of `region`).
    #[serde(default)]
    pub regions: Vec<String>,
    /// The accounts its stacks go to, each reached through `role`: with `regions`, every
    /// account in every region is a target.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// The role kumo assumes in each of `accounts`, `{account}` standing for the account:
    /// `arn:aws:iam::{account}:role/kumo-deploy`.
    pub role: Option<String>,
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
    /// How long to wait for a CloudFormation operation, unless `--timeout` says otherwise.
    #[serde(default, deserialize_with = "duration")]
    pub timeout: Option<Duration>,
    /// How long one request may take per attempt, unless `--request-timeout` says otherwise.
    #[serde(default, deserialize_with = "duration")]
    pub request_timeout: Option<Duration>,
    /// Which security changes a deploy asks about, unless `--require-approval` says otherwise
    /// (`never`, `any-change` or `broadening`).
    pub require_approval: Option<RequireApproval>,
    /// The CloudFormation service role the stacks are changed with, unless `--role-arn` says
    /// otherwise.
    #[serde(default, deserialize_with = "role_arn")]
    pub role_arn: Option<String>,
    /// Settings of single stacks of the app, by stack name.
    #[serde(default)]
    pub stacks: BTreeMap<String, StackSettings>,
}

/// The settings of one stack in one environment.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StackSettings {
    /// Tags on this stack, over the environment's.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Its parameter values, over the environment's; each must be one of its parameters.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Its CloudFormation name (`{env}` replaced by the environment's name), over the stack's own
    /// and instead of `{prefix}{stack}-{env}`.
    pub stack_name: Option<String>,
    /// Deploy it as a stack set with these targets and preferences (see [`crate::stackset`]).
    pub stack_set: Option<StackSetSettings>,
    /// The region it lives in, over the environment's (see [`crate::regions`]).
    pub region: Option<String>,
    /// The identifiers of existing resources `deploy --import` brings into it: by logical ID,
    /// the identifier's keys and values (see [`crate::import`]).
    #[serde(default)]
    pub import: BTreeMap<String, BTreeMap<String, String>>,
}

impl EnvConfig {
    /// The environment `name` of `app` with these settings: the stack-name prefix, and the
    /// explicit stack names of the app's stacks and of this file (which win).
    pub fn environment(&self, name: &str, app: &dyn App) -> Environment {
        let env = Environment::new(name)
            .with_stack_name_prefix(&self.stack_name_prefix)
            .with_stack_names_of(app);
        self.stacks
            .iter()
            .fold(env, |env, (stack, settings)| match &settings.stack_name {
                Some(stack_name) => env.with_stack_name(stack, stack_name),
                None => env,
            })
    }

    /// The region the stack named `stack` (its name in the app) lives in: its own, else
    /// `environment`'s (`None`: the SDK's).
    pub fn stack_region<'a>(
        &'a self,
        stack: &str,
        environment: Option<&'a str>,
    ) -> Option<&'a str> {
        self.stacks
            .get(stack)
            .and_then(|settings| settings.region.as_deref())
            .or(environment)
    }

    /// Whether some stack has a region of its own.
    pub fn several_regions(&self) -> bool {
        self.stacks.values().any(|s| s.region.is_some())
    }

    /// The tags of the stack named `stack`: the environment's, and the stack's own over them.
    pub fn tags_of(&self, stack: &str) -> BTreeMap<String, String> {
        let mut tags = self.tags.clone();
        if let Some(settings) = self.stacks.get(stack) {
            tags.extend(settings.tags.clone());
        }
        tags
    }
}

/// Which security changes need a person's approval (`--require-approval`, kumo.toml's
/// `require-approval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequireApproval {
    /// None: security changes are shown, never asked about.
    Never,
    /// Any security change, widening or not.
    AnyChange,
    /// Changes that widen access (the default).
    Broadening,
}

/// The file read when `--config` names none.
pub const DEFAULT_PATH: &str = "kumo.toml";

/// The most kumo.toml may hold.
const CONFIG_LIMIT: u64 = 1 << 20;

/// The settings of `env` from the file `--config` names (`given`), which must exist, else from
/// `kumo.toml` when there is one: the defaults when there is no file, an error when the file has
/// environments but not this one.
pub fn load(given: Option<&Path>, env: &str) -> Result<EnvConfig, CliError> {
    let path = given.unwrap_or(Path::new(DEFAULT_PATH));
    let text = match crate::fs::read_text(path, CONFIG_LIMIT) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return match given {
                Some(path) => Err(CliError::MissingConfig(path.to_owned())),
                None => Ok(EnvConfig::default()),
            }
        }
        Err(err) => {
            return Err(CliError::Config {
                path: path.to_owned(),
                message: err.to_string(),
            })
        }
    };
    let file: File = toml::from_str(&text).map_err(|err| CliError::Config {
        path: path.to_owned(),
        message: one_line(&text, &err),
    })?;
    if file.env.is_empty() {
        return Ok(EnvConfig::default());
    }
    let config = file
        .env
        .get(env)
        .cloned()
        .ok_or_else(|| CliError::UnknownEnv {
            env: env.to_owned(),
            known: file.env.keys().cloned().collect(),
        })?;
    config.check_targets().map_err(|message| CliError::Config {
        path: path.to_owned(),
        message: format!("[env.{env}]: {message}"),
    })?;
    Ok(config)
}

impl EnvConfig {
    /// Checks that the targets are said one way: `region` or `regions`, `account` or
    /// `accounts`, and `accounts` with a `role` that names `{account}`.
    fn check_targets(&self) -> Result<(), String> {
        if self.region.is_some() && !self.regions.is_empty() {
            return Err("set `region` or `regions`, not both".to_owned());
        }
        if self.account.is_some() && !self.accounts.is_empty() {
            return Err("set `account` or `accounts`, not both".to_owned());
        }
        let not_an_account = |a: &&String| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit());
        if let Some(bad) = self.accounts.iter().find(not_an_account) {
            return Err(format!(
                "`{bad}` in `accounts` is not a 12-digit account ID"
            ));
        }
        if let Some(bad) = self.account.iter().find(not_an_account) {
            return Err(format!(
                "`account` = \"{bad}\" is not a 12-digit account ID"
            ));
        }
        let regions = self.region.iter().chain(&self.regions);
        let stack_regions = self.stacks.values().filter_map(|s| s.region.as_ref());
        for region in regions.chain(stack_regions) {
            parse_region(region)?;
        }
        for (list, key) in [(&self.regions, "regions"), (&self.accounts, "accounts")] {
            if let Some(twice) = list
                .iter()
                .enumerate()
                .find(|(i, x)| list[..*i].contains(x))
            {
                return Err(format!("`{key}` names `{}` twice", twice.1));
            }
        }
        match (&self.role, self.accounts.is_empty()) {
            (None, false) => Err(
                "`accounts` needs `role`, the role to assume in each (such as \"arn:aws:iam::{account}:role/kumo-deploy\")"
                    .to_owned(),
            ),
            (Some(_), true) => Err("`role` is assumed in each of `accounts`, and there are none".to_owned()),
            (Some(role), false) => {
                if !role.contains("{account}") {
                    return Err(format!("`role` = \"{role}\" must name `{{account}}`, which stands for each account"));
                }
                parse_role_arn(&role.replace("{account}", "123456789012"))
                    .map(|_| ())
                    .map_err(|_| format!("`role` = \"{role}\" is not an IAM role ARN (expected arn:aws:iam::{{account}}:role/NAME)"))
            }
            (None, true) => Ok(()),
        }
    }
}

/// toml's error as one line: where it is (`line 2, column 10`) when toml knows, and what it says
/// is wrong (toml's own text quotes the line under a caret, over several lines).
fn one_line(text: &str, err: &toml::de::Error) -> String {
    let reason = err
        .message()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let Some(before) = err.span().and_then(|span| text.get(..span.start)) else {
        return reason;
    };
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    format!("line {line}, column {column}: {reason}")
}

/// The longest duration kumo takes: longer ones are mistakes, and would overflow the clock.
const MAX_DURATION: Duration = Duration::from_secs(30 * 24 * 3600);

/// A duration such as `90s`, `30m`, `1h 30m` or `500ms` (`--timeout`, `--request-timeout`);
/// zero is refused, as it would give up at once, and so is more than 30 days.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(duration) if duration.is_zero() => Err("a duration must be longer than zero".to_owned()),
        Ok(duration) if duration > MAX_DURATION => {
            Err("a duration must be at most 30 days".to_owned())
        }
        Ok(duration) => Ok(duration),
        Err(err) => Err(format!(
            "{err} (expected a duration such as 90s, 30m or 2h)"
        )),
    }
}

/// A duration in kumo.toml, as [`parse_duration`] reads it.
fn duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(d)?;
    parse_duration(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// An AWS region's name (`--region`, kumo.toml's `region` and `regions`): lowercase letters,
/// digits and single hyphens, from a letter to a digit (`us-east-1`, `us-gov-west-1`).
pub fn parse_region(text: &str) -> Result<String, String> {
    let shaped = text.starts_with(|c: char| c.is_ascii_lowercase())
        && text.ends_with(|c: char| c.is_ascii_digit())
        && text.contains('-')
        && !text.contains("--")
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    match shaped {
        true => Ok(text.to_owned()),
        false => Err(format!(
            "`{text}` is not an AWS region name (such as us-east-1)"
        )),
    }
}

/// An IAM role's ARN (`--role-arn`, kumo.toml's `role-arn`): `arn:PARTITION:iam::ACCOUNT:role/NAME`.
pub fn parse_role_arn(text: &str) -> Result<String, String> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "iam", "", account, role]
            if !partition.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && role
                    .strip_prefix("role/")
                    .is_some_and(|name| !name.is_empty()) =>
        {
            Ok(text.to_owned())
        }
        _ => Err(format!(
            "`{text}` is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)"
        )),
    }
}

/// A role ARN in kumo.toml, as [`parse_role_arn`] reads it.
fn role_arn<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    parse_role_arn(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
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
    fn a_named_file_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("kumo.toml");
        let err = load(Some(&missing), "dev").unwrap_err().to_string();
        assert!(
            err.ends_with("kumo.toml: no such file (--config names a file that must exist)"),
            "{err}"
        );
    }

    #[test]
    fn durations_read_like_a_person_writes_them() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1h 30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("0s")
            .unwrap_err()
            .contains("longer than zero"));
        assert!(parse_duration("soon").unwrap_err().contains("such as 90s"));
        assert_eq!(parse_duration("30days").unwrap(), MAX_DURATION);
        for huge in ["31d", "18446744073709551615s", "300000000000y"] {
            assert_eq!(
                parse_duration(huge).unwrap_err(),
                "a duration must be at most 30 days",
                "{huge}"
            );
        }
        let dir = write("[env.dev]\ntimeout = \"45m\"\nrequest-timeout = \"5s\"\n");
        let config = load(Some(&dir.path().join("kumo.toml")), "dev").unwrap();
        assert_eq!(config.timeout, Some(Duration::from_secs(2700)));
        assert_eq!(config.request_timeout, Some(Duration::from_secs(5)));
        let dir = write("[env.dev]\ntimeout = \"forever\"\n");
        let err = load(Some(&dir.path().join("kumo.toml")), "dev")
            .unwrap_err()
            .to_string();
        assert!(err.contains("such as 90s"), "{err}");
    }

    #[test]
    fn require_approval_reads_as_the_option_does() {
        let dir = write("[env.ci]\nrequire-approval = \"never\"\n[env.prod]\nrequire-approval = \"any-change\"\n");
        let path = dir.path().join("kumo.toml");
        let read = |env: &str| load(Some(&path), env).unwrap().require_approval;
        assert_eq!(read("ci"), Some(RequireApproval::Never));
        assert_eq!(read("prod"), Some(RequireApproval::AnyChange));
        let dir = write("[env.dev]\nrequire-approval = \"sometimes\"\n");
        let err = load(Some(&dir.path().join("kumo.toml")), "dev")
            .unwrap_err()
            .to_string();
        assert!(err.contains("broadening"), "{err}");
    }

    #[test]
    fn an_environment_is_read_whole() {
        let dir = write(
            "[env.prod]\nregion = \"eu-west-1\"\naccount = \"123456789012\"\nartifact-bucket = \"acme\"\nstack-name-prefix = \"acme-\"\ntermination-protection = true\ntags = { team = \"media\" }\nparameters = { Size = \"3\" }\n[env.prod.stacks.data]\ntags = { tier = \"storage\" }\nparameters = { Days = \"7\" }\nregion = \"us-east-1\"\n[env.prod.stacks.data.import]\nArchive = { BucketName = \"acme-archive\" }\n",
        );
        let config = load(Some(&dir.path().join("kumo.toml")), "prod").unwrap();
        assert_eq!(config.region.as_deref(), Some("eu-west-1"));
        assert_eq!(config.account.as_deref(), Some("123456789012"));
        assert_eq!(config.artifact_bucket.as_deref(), Some("acme"));
        assert_eq!(config.stack_name_prefix, "acme-");
        assert_eq!(config.termination_protection, Some(true));
        assert_eq!(config.tags["team"], "media");
        assert_eq!(config.parameters["Size"], "3");
        assert_eq!(config.stacks["data"].tags["tier"], "storage");
        assert_eq!(config.stacks["data"].parameters["Days"], "7");
        assert_eq!(config.stacks["data"].region.as_deref(), Some("us-east-1"));
        assert_eq!(
            config.stacks["data"].import["Archive"]["BucketName"],
            "acme-archive"
        );
    }

    #[test]
    fn explicit_stack_names_win_over_the_stacks_own() {
        struct Named(&'static str, Option<&'static str>);
        impl kumo_core::Stack for Named {
            fn name(&self) -> &str {
                self.0
            }
            fn template(
                &self,
                _: &Environment,
            ) -> Result<kumo_core::Template, kumo_core::StackError> {
                Ok(kumo_core::Template::new())
            }
            fn stack_name(&self) -> Option<&str> {
                self.1
            }
        }
        let app = kumo_core::StackGroup::new()
            .stack(Named("data", Some("old-data-{env}")))
            .stack(Named("network", Some("old-network")))
            .stack(Named("jobs", None));
        let dir = write(
            "[env.prod]\nstack-name-prefix = \"acme-\"\n[env.prod.stacks.network]\nstack-name = \"Net-{env}-v2\"\n",
        );
        let config = load(Some(&dir.path().join("kumo.toml")), "prod").unwrap();
        let env = config.environment("prod", &app);
        assert_eq!(env.stack_name("data"), "old-data-prod");
        assert_eq!(env.stack_name("network"), "Net-prod-v2");
        assert_eq!(env.stack_name("jobs"), "acme-jobs-prod");
        let dir = write("[env.prod.stacks.network]\nstack_name = \"x\"\n");
        let err = load(Some(&dir.path().join("kumo.toml")), "prod")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `stack_name`"), "{err}");
    }

    #[test]
    fn targets_are_said_one_way() {
        let dir = write(
            "[env.prod]\nregions = [\"us-east-1\", \"eu-west-1\"]\naccounts = [\"111111111111\"]\nrole = \"arn:aws:iam::{account}:role/kumo-deploy\"\n",
        );
        let config = load(Some(&dir.path().join("kumo.toml")), "prod").unwrap();
        assert_eq!(config.regions, ["us-east-1", "eu-west-1"]);
        assert_eq!(config.accounts, ["111111111111"]);
        assert_eq!(
            config.role.as_deref(),
            Some("arn:aws:iam::{account}:role/kumo-deploy")
        );
        let refused = |text: &str| {
            let dir = write(text);
            load(Some(&dir.path().join("kumo.toml")), "prod")
                .unwrap_err()
                .to_string()
        };
        let err = refused("[env.prod]\nregion = \"us-east-1\"\nregions = [\"eu-west-1\"]\n");
        assert!(
            err.ends_with("kumo.toml: [env.prod]: set `region` or `regions`, not both"),
            "{err}"
        );
        let err = refused("[env.prod]\naccounts = [\"111111111111\"]\n");
        assert!(err.contains("`accounts` needs `role`"), "{err}");
        let err = refused(
            "[env.prod]\naccounts = [\"1111\"]\nrole = \"arn:aws:iam::{account}:role/x\"\n",
        );
        assert!(
            err.contains("`1111` in `accounts` is not a 12-digit account ID"),
            "{err}"
        );
        let err = refused("[env.prod]\naccounts = [\"111111111111\"]\nrole = \"arn:aws:iam::111111111111:role/x\"\n");
        assert!(err.contains("must name `{account}`"), "{err}");
        let err = refused(
            "[env.prod]\naccounts = [\"111111111111\"]\nrole = \"arn:aws:iam::{account}:user/x\"\n",
        );
        assert!(err.contains("is not an IAM role ARN"), "{err}");
        let err = refused("[env.prod]\nrole = \"arn:aws:iam::{account}:role/x\"\n");
        assert!(err.contains("there are none"), "{err}");
        let err = refused("[env.prod]\naccount = \"abc\"\n");
        assert!(
            err.ends_with("`account` = \"abc\" is not a 12-digit account ID"),
            "{err}"
        );
        for region in ["\"\"", "\"US-EAST-1\"", "\"evil.com/x\""] {
            let err = refused(&format!("[env.prod]\nregion = {region}\n"));
            assert!(
                err.contains("is not an AWS region name (such as us-east-1)"),
                "{err}"
            );
        }
        let err = refused("[env.prod.stacks.data]\nregion = \"eu west 1\"\n");
        assert!(
            err.contains("`eu west 1` is not an AWS region name"),
            "{err}"
        );
        let err = refused("[env.prod]\nregions = [\"us-east-1\", \"eu-west-1\", \"us-east-1\"]\n");
        assert!(err.ends_with("`regions` names `us-east-1` twice"), "{err}");
        let err = refused("[env.prod]\naccounts = [\"111111111111\", \"111111111111\"]\nrole = \"arn:aws:iam::{account}:role/x\"\n");
        assert!(
            err.ends_with("`accounts` names `111111111111` twice"),
            "{err}"
        );
    }

    #[test]
    fn region_names_are_checked_when_read() {
        for good in ["us-east-1", "us-gov-west-1", "ap-southeast-4", "cn-north-1"] {
            assert_eq!(parse_region(good).unwrap(), good);
        }
        for bad in [
            "",
            "us",
            "US-EAST-1",
            "us-east-",
            "us--east-1",
            "-us-1",
            "evil.com/x",
        ] {
            assert!(parse_region(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_unknown_environment_names_the_known_ones() {
        let dir = write("[env.dev]\n[env.prod]\n");
        let err = load(Some(&dir.path().join("kumo.toml")), "stage").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown environment `stage`; kumo.toml has: dev, prod"
        );
    }

    #[test]
    fn malformed_files_are_reported_with_line_and_column() {
        let dir = write("[env.dev]\nregion = eu-west-1\n");
        let err = load(Some(&dir.path().join("kumo.toml")), "dev")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2, column 10"), "{err}");
        assert!(!err.contains('\n'), "{err}");
        let dir = write("[env.dev]\nregoin = \"eu-west-1\"\n");
        let err = load(Some(&dir.path().join("kumo.toml")), "dev")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `regoin`"), "{err}");
    }

    #[test]
    fn an_error_toml_cannot_place_is_its_reason_alone() {
        let dir = write(&format!("{}b = 1\n", "a.".repeat(100_000)));
        let err = load(Some(&dir.path().join("kumo.toml")), "dev")
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("kumo.toml: recursion limit"), "{err}");
    }

    #[test]
    fn a_stack_set_section_is_checked_whole_with_its_position() {
        let dir = write(
            "[env.prod.stacks.base.stack-set]\naccounts = [\"111111111111\"]\nregions = [\"us-east-1\"]\n",
        );
        let config = load(Some(&dir.path().join("kumo.toml")), "prod").unwrap();
        let set = config.stacks["base"].stack_set.as_ref().unwrap();
        assert_eq!(set.permission.targets(), ["111111111111"]);
        let dir = write(
            "[env.prod.stacks.base.stack-set]\naccounts = [\"111111111111\"]\norganizational-units = [\"ou-ab12-abcd1234\"]\nregions = [\"us-east-1\"]\n",
        );
        let err = load(Some(&dir.path().join("kumo.toml")), "prod")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1, column 1"), "{err}");
        assert!(
            err.ends_with("a stack set targets either accounts (self-managed) or organizational-units (service-managed), not both"),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn a_role_arn_is_an_iam_role() {
        let role = "arn:aws:iam::123456789012:role/cfn-deploy";
        assert_eq!(parse_role_arn(role).unwrap(), role);
        assert!(parse_role_arn("arn:aws-cn:iam::123456789012:role/path/to/r").is_ok());
        for bad in [
            "cfn-deploy",
            "arn:aws:iam::123456789012:user/me",
            "arn:aws:iam::1234:role/r",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(parse_role_arn(bad).is_err(), "{bad}");
        }
        let dir = write(&format!("[env.prod]\nrole-arn = \"{role}\"\n"));
        let config = load(Some(&dir.path().join("kumo.toml")), "prod").unwrap();
        assert_eq!(config.role_arn.as_deref(), Some(role));
        let dir = write("[env.prod]\nrole-arn = \"deployer\"\n");
        let err = load(Some(&dir.path().join("kumo.toml")), "prod")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an IAM role ARN"), "{err}");
    }

    #[test]
    fn params_are_key_equals_value() {
        assert_eq!(parse_param("A=b=c").unwrap(), ("A".into(), "b=c".into()));
        assert!(parse_param("A").is_err());
        assert!(parse_param("=x").is_err());
    }
}
