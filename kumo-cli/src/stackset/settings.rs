//! A stack's `stack-set` section of kumo.toml: who deploys the instances, where, how fast, and
//! with which parameter values per instance. Read and checked whole, so that a mistake is one
//! error with its line in kumo.toml.
//!
//! ```toml
//! [env.prod.stacks.baseline.stack-set]
//! permission-model = "self-managed"
//! administration-role-arn = "arn:aws:iam::111111111111:role/AWSCloudFormationStackSetAdministrationRole"
//! execution-role-name = "AWSCloudFormationStackSetExecutionRole"
//! accounts = ["111111111111", "222222222222"]
//! regions = ["us-east-1", "eu-west-1"]
//! max-concurrent = "50%"
//! failure-tolerance = 0
//! region-order = ["eu-west-1", "us-east-1"]
//! region-concurrency = "sequential"
//!
//! [[env.prod.stacks.baseline.stack-set.overrides]]
//! accounts = ["222222222222"]
//! regions = ["eu-west-1"]
//! parameters = { RetentionDays = "30" }
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

/// How a stack is deployed as a stack set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "Raw")]
pub struct StackSetSettings {
    /// Who deploys the instances, and to which targets.
    pub permission: Permission,
    /// The regions of the instances.
    pub regions: Vec<String>,
    /// How operations roll out.
    pub preferences: Preferences,
    /// Parameter values of some instances, over the stack's; later entries win.
    pub overrides: Vec<Override>,
}

/// The permission model and its targets.
#[derive(Debug, Clone, PartialEq)]
pub enum Permission {
    /// Roles the user made deploy to the accounts named.
    SelfManaged {
        /// The role CloudFormation assumes in the administrator account (its default when none).
        administration_role_arn: Option<String>,
        /// The role it assumes in each target account (its default when none).
        execution_role_name: Option<String>,
        /// The target accounts.
        accounts: Vec<String>,
    },
    /// AWS Organizations deploys to the accounts of the organizational units named.
    ServiceManaged {
        /// The target organizational units (`ou-...` or a root `r-...`).
        organizational_units: Vec<String>,
        /// What happens when an account joins or leaves them.
        auto_deployment: AutoDeployment,
    },
}

impl Permission {
    /// The targets: accounts (self-managed) or organizational units (service-managed).
    pub fn targets(&self) -> &[String] {
        match self {
            Permission::SelfManaged { accounts, .. } => accounts,
            Permission::ServiceManaged {
                organizational_units,
                ..
            } => organizational_units,
        }
    }
}

/// Service-managed auto-deployment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AutoDeployment {
    /// Deploy to accounts that join the organizational units, remove from those that leave.
    #[serde(default)]
    pub enabled: bool,
    /// Keep the stacks of accounts that leave (their resources stay).
    #[serde(default)]
    pub retain_stacks_on_account_removal: bool,
}

/// How an operation rolls out across instances.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preferences {
    /// How many accounts per region at once.
    pub max_concurrent: Option<Amount>,
    /// How many accounts per region may fail before the operation stops.
    pub failure_tolerance: Option<Amount>,
    /// The regions in the order to deploy to (those not named after, in CloudFormation's).
    pub region_order: Vec<String>,
    /// Whether regions go one at a time or all at once.
    pub region_concurrency: Option<RegionConcurrency>,
}

/// A number of accounts, or a percentage of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount {
    /// So many accounts.
    Count(i32),
    /// So many percent of the accounts (0-100).
    Percent(i32),
}

/// Whether regions are deployed one after the other or at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegionConcurrency {
    /// One region at a time.
    Sequential,
    /// All regions at once.
    Parallel,
}

/// Parameter values of some instances.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The accounts or organizational units it applies to; all when empty.
    pub targets: Vec<String>,
    /// The regions it applies to; all when empty.
    pub regions: Vec<String>,
    /// The values, by parameter name.
    pub parameters: BTreeMap<String, String>,
}

/// The section as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    #[serde(default)]
    permission_model: Model,
    administration_role_arn: Option<String>,
    execution_role_name: Option<String>,
    #[serde(default)]
    accounts: Vec<String>,
    #[serde(default)]
    organizational_units: Vec<String>,
    auto_deployment: Option<AutoDeployment>,
    regions: Vec<String>,
    max_concurrent: Option<RawAmount>,
    failure_tolerance: Option<RawAmount>,
    #[serde(default)]
    region_order: Vec<String>,
    region_concurrency: Option<RegionConcurrency>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
}

#[derive(Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum Model {
    #[default]
    SelfManaged,
    ServiceManaged,
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a count (such as 2) or a percentage (such as \"25%\")"
)]
enum RawAmount {
    Count(i64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOverride {
    #[serde(default)]
    accounts: Vec<String>,
    #[serde(default)]
    organizational_units: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    parameters: BTreeMap<String, String>,
}

/// `what` as a count or a percentage (`"25%"`), at least `least`.
fn amount(what: &str, raw: Option<RawAmount>, least: i64) -> Result<Option<Amount>, String> {
    let bounded = |n: i64, most: i64| {
        if (least..=most).contains(&n) {
            Ok(n as i32)
        } else {
            Err(format!(
                "{what} must be from {least} to {most}{}, not {n}",
                if most == 100 { "%" } else { "" }
            ))
        }
    };
    match raw {
        None => Ok(None),
        Some(RawAmount::Count(n)) => {
            bounded(n, i64::from(i32::MAX)).map(|n| Some(Amount::Count(n)))
        }
        Some(RawAmount::Text(text)) => {
            let number = text
                .trim()
                .strip_suffix('%')
                .and_then(|n| n.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    format!("{what} is a count (such as 2) or a percentage (such as \"25%\"), not `{text}`")
                })?;
            bounded(number, 100).map(|n| Some(Amount::Percent(n)))
        }
    }
}

/// The first of `names` not in `known`, as an error about `what`.
fn within(what: &str, names: &[String], known: &[String]) -> Result<(), String> {
    match names.iter().find(|n| !known.contains(n)) {
        Some(name) => Err(format!(
            "{what} `{name}` is not one of the stack set's ({})",
            known.join(", ")
        )),
        None => Ok(()),
    }
}

/// `execution-role-name` as IAM takes a role's name: 1 to 64 letters, digits and `+=,.@_-`.
fn role_name(name: &str) -> Result<(), String> {
    let fits = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    match fits {
        true => Ok(()),
        false => Err(format!(
            "execution-role-name `{name}` is not an IAM role name (1 to 64 letters, digits and +=,.@_-)"
        )),
    }
}

/// The first name that comes twice in `names`.
fn unique(what: &str, names: &[String]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    match names.iter().find(|n| !seen.insert(n.as_str())) {
        Some(name) => Err(format!("{what} `{name}` is named twice")),
        None => Ok(()),
    }
}

impl TryFrom<Raw> for StackSetSettings {
    type Error = String;

    fn try_from(raw: Raw) -> Result<Self, String> {
        if !raw.accounts.is_empty() && !raw.organizational_units.is_empty() {
            return Err("a stack set targets either accounts (self-managed) or organizational-units (service-managed), not both".to_owned());
        }
        let permission = match raw.permission_model {
            Model::SelfManaged => {
                if !raw.organizational_units.is_empty() || raw.auto_deployment.is_some() {
                    return Err("organizational-units and auto-deployment need permission-model = \"service-managed\"".to_owned());
                }
                if raw.accounts.is_empty() {
                    return Err("a self-managed stack set needs accounts = [...]".to_owned());
                }
                if let Some(bad) = raw
                    .accounts
                    .iter()
                    .find(|a| a.len() != 12 || !a.chars().all(|c| c.is_ascii_digit()))
                {
                    return Err(format!("account `{bad}` is not a 12-digit account ID"));
                }
                unique("account", &raw.accounts)?;
                if let Some(arn) = &raw.administration_role_arn {
                    crate::config::parse_role_arn(arn)
                        .map_err(|why| format!("administration-role-arn: {why}"))?;
                }
                if let Some(name) = &raw.execution_role_name {
                    role_name(name)?;
                }
                Permission::SelfManaged {
                    administration_role_arn: raw.administration_role_arn,
                    execution_role_name: raw.execution_role_name,
                    accounts: raw.accounts,
                }
            }
            Model::ServiceManaged => {
                if !raw.accounts.is_empty() {
                    return Err(
                        "a service-managed stack set targets organizational-units, not accounts"
                            .to_owned(),
                    );
                }
                if raw.administration_role_arn.is_some() || raw.execution_role_name.is_some() {
                    return Err("administration-role-arn and execution-role-name are for self-managed stack sets; a service-managed one uses the organization's roles".to_owned());
                }
                if raw.organizational_units.is_empty() {
                    return Err(
                        "a service-managed stack set needs organizational-units = [...]".to_owned(),
                    );
                }
                unique("organizational unit", &raw.organizational_units)?;
                Permission::ServiceManaged {
                    organizational_units: raw.organizational_units,
                    auto_deployment: raw.auto_deployment.unwrap_or_default(),
                }
            }
        };
        if raw.regions.is_empty() {
            return Err("a stack set needs regions = [...]".to_owned());
        }
        for region in &raw.regions {
            crate::config::parse_region(region)?;
        }
        unique("region", &raw.regions)?;
        within("region-order's region", &raw.region_order, &raw.regions)?;
        unique("region-order's region", &raw.region_order)?;
        let preferences = Preferences {
            max_concurrent: amount("max-concurrent", raw.max_concurrent, 1)?,
            failure_tolerance: amount("failure-tolerance", raw.failure_tolerance, 0)?,
            region_order: raw.region_order,
            region_concurrency: raw.region_concurrency,
        };
        let self_managed = matches!(permission, Permission::SelfManaged { .. });
        let overrides = raw
            .overrides
            .into_iter()
            .map(|o| {
                let targets = match (self_managed, o.accounts, o.organizational_units) {
                    (_, accounts, units) if !accounts.is_empty() && !units.is_empty() => {
                        return Err("an override names either accounts or organizational-units, not both".to_owned())
                    }
                    (true, _, units) if !units.is_empty() => {
                        return Err("the overrides of a self-managed stack set name accounts, not organizational-units".to_owned())
                    }
                    (false, accounts, _) if !accounts.is_empty() => {
                        return Err("the overrides of a service-managed stack set name organizational-units, not accounts".to_owned())
                    }
                    (_, accounts, units) => if accounts.is_empty() { units } else { accounts },
                };
                let what = if self_managed { "override's account" } else { "override's organizational unit" };
                within(what, &targets, permission.targets())?;
                within("override's region", &o.regions, &raw.regions)?;
                if o.parameters.is_empty() {
                    return Err("an override needs parameters = { ... }".to_owned());
                }
                Ok(Override {
                    targets,
                    regions: o.regions,
                    parameters: o.parameters,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(StackSetSettings {
            permission,
            regions: raw.regions,
            preferences,
            overrides,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<StackSetSettings, String> {
        toml::from_str(text).map_err(|err| err.message().to_owned())
    }

    #[test]
    fn a_self_managed_set_is_read_whole() {
        let set = read(
            "permission-model = \"self-managed\"\nadministration-role-arn = \"arn:aws:iam::111111111111:role/Admin\"\nexecution-role-name = \"Exec\"\naccounts = [\"111111111111\", \"222222222222\"]\nregions = [\"us-east-1\", \"eu-west-1\"]\nmax-concurrent = \"25%\"\nfailure-tolerance = 1\nregion-order = [\"eu-west-1\"]\nregion-concurrency = \"parallel\"\n[[overrides]]\naccounts = [\"222222222222\"]\nparameters = { Size = \"3\" }\n",
        )
        .unwrap();
        assert_eq!(
            set.permission,
            Permission::SelfManaged {
                administration_role_arn: Some("arn:aws:iam::111111111111:role/Admin".to_owned()),
                execution_role_name: Some("Exec".to_owned()),
                accounts: vec!["111111111111".to_owned(), "222222222222".to_owned()],
            }
        );
        assert_eq!(set.preferences.max_concurrent, Some(Amount::Percent(25)));
        assert_eq!(set.preferences.failure_tolerance, Some(Amount::Count(1)));
        assert_eq!(
            set.preferences.region_concurrency,
            Some(RegionConcurrency::Parallel)
        );
        assert_eq!(set.overrides[0].targets, ["222222222222"]);
        assert!(set.overrides[0].regions.is_empty());
    }

    #[test]
    fn a_service_managed_set_targets_organizational_units() {
        let set = read(
            "permission-model = \"service-managed\"\norganizational-units = [\"ou-abcd-12345678\"]\nauto-deployment = { enabled = true, retain-stacks-on-account-removal = true }\nregions = [\"us-east-1\"]\n",
        )
        .unwrap();
        assert_eq!(
            set.permission,
            Permission::ServiceManaged {
                organizational_units: vec!["ou-abcd-12345678".to_owned()],
                auto_deployment: AutoDeployment {
                    enabled: true,
                    retain_stacks_on_account_removal: true
                },
            }
        );
    }

    #[test]
    fn the_readme_example_is_read() {
        let readme = include_str!("../../../README.md");
        let start = readme
            .find("```toml\n[env.prod.stacks.baseline.stack-set]")
            .expect("the README's stack-set example");
        let block = &readme[start + "```toml\n".len()..];
        let block = &block[..block.find("```").unwrap()];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kumo.toml");
        std::fs::write(&path, block).unwrap();
        let config = crate::config::load(Some(&path), "prod").unwrap();
        let set = config.stacks["baseline"].stack_set.clone().unwrap();
        assert_eq!(set.permission.targets().len(), 2);
        assert_eq!(set.preferences.max_concurrent, Some(Amount::Percent(50)));
        assert_eq!(set.overrides.len(), 1);
    }

    #[test]
    fn mistakes_are_one_clear_error() {
        let regions = "regions = [\"us-east-1\"]\n";
        for (text, says) in [
            (
                "accounts = [\"111111111111\"]\norganizational-units = [\"ou-a-b\"]\n",
                "either accounts (self-managed) or organizational-units (service-managed), not both",
            ),
            ("accounts = [\"111111111111\"]\nmax-concurrent = \"120%\"\n", "max-concurrent must be from 1 to 100%, not 120"),
            ("accounts = [\"111111111111\"]\nfailure-tolerance = \"-5%\"\n", "failure-tolerance must be from 0 to 100%, not -5"),
            ("accounts = [\"111111111111\"]\nmax-concurrent = 0\n", "max-concurrent must be from 1"),
            ("accounts = [\"111111111111\"]\nmax-concurrent = \"lots\"\n", "a count (such as 2) or a percentage"),
            ("accounts = [\"111111111111\"]\nmax-concurrent = 5.5\n", "a count (such as 2) or a percentage (such as \"25%\")"),
            ("accounts = [\"111111111111\"]\nadministration-role-arn = \"not-an-arn\"\n", "administration-role-arn: `not-an-arn` is not an IAM role ARN"),
            ("accounts = [\"111111111111\"]\nexecution-role-name = \"\"\n", "execution-role-name `` is not an IAM role name"),
            ("accounts = [\"1111\"]\n", "not a 12-digit account ID"),
            ("accounts = [\"111111111111\"]\nregion-order = [\"eu-west-1\"]\n", "region-order's region `eu-west-1` is not one of the stack set's (us-east-1)"),
            ("accounts = [\"111111111111\"]\nregion = \"x\"\n", "unknown field `region`"),
            ("permission-model = \"service-managed\"\naccounts = [\"111111111111\"]\n", "targets organizational-units, not accounts"),
            ("organizational-units = [\"ou-a-b\"]\n", "need permission-model = \"service-managed\""),
            ("permission-model = \"org\"\naccounts = [\"111111111111\"]\n", "unknown variant `org`"),
            ("\n", "needs accounts"),
            ("accounts = [\"111111111111\"]\n[[overrides]]\naccounts = [\"222222222222\"]\nparameters = { A = \"1\" }\n", "override's account `222222222222` is not one of the stack set's"),
            ("accounts = [\"111111111111\"]\n[[overrides]]\nregions = [\"us-east-1\"]\n", "missing field `parameters`"),
        ] {
            let err = read(&format!("{regions}{text}")).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
        assert!(read("accounts = [\"111111111111\"]\n")
            .unwrap_err()
            .contains("missing field `regions`"));
        for regions in ["[\"\"]", "[\"Mars-1 \"]"] {
            let err = read(&format!(
                "accounts = [\"111111111111\"]\nregions = {regions}\n"
            ))
            .unwrap_err();
            assert!(
                err.contains("is not an AWS region name"),
                "{regions}: {err}"
            );
        }
    }
}
