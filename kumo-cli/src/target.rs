//! Targets: the accounts and regions an environment's stacks go to (kumo.toml's `regions`,
//! `accounts` and `role`), narrowed by `--region` and `--target` (the session of each is in
//! `per_target`).

use std::cell::RefCell;
use std::fmt;
use std::io::Write;
use std::process::ExitCode;

use crate::config::EnvConfig;
use crate::error::CliError;
use crate::ui::{Prefixed, Ui};

/// One target: an account (when kumo.toml names `accounts`) and a region (when one is set).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// The account, reached by assuming kumo.toml's `role` in it.
    pub account: Option<String>,
    /// The region; `None`: the SDK's (`AWS_REGION`, the profile).
    pub region: Option<String>,
}

impl fmt::Display for Place {
    /// `ACCOUNT/REGION`, or `REGION` without accounts (`default` for the SDK's region).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let region = self.region.as_deref().unwrap_or("default");
        match &self.account {
            Some(account) => write!(f, "{account}/{region}"),
            None => f.write_str(region),
        }
    }
}

/// The region every one of `places` is in, if they share one: the region of a command's stacks
/// without one of their own (several accounts in one region, say).
pub fn shared_region(places: &[Place]) -> Option<&str> {
    let (first, rest) = places.split_first()?;
    let region = first.region.as_deref()?;
    rest.iter()
        .all(|place| place.region.as_deref() == Some(region))
        .then_some(region)
}

/// The targets of an environment with `config`, in kumo.toml's order (accounts, then regions
/// in each), narrowed to `regions` (`--region`) and `wanted` (`--target ACCOUNT/REGION` or
/// `REGION`). Without `regions` in kumo.toml, `--region` names the regions itself. A stack set
/// (a stack's `stack-set` section) is refused with several targets: it has its own; so is a
/// stack's own `region` with several regions, each of which would deploy it there.
pub fn places(
    config: &EnvConfig,
    regions: &[String],
    wanted: &[String],
) -> Result<Vec<Place>, CliError> {
    let configured: Vec<Option<String>> = if !config.regions.is_empty() {
        config.regions.iter().cloned().map(Some).collect()
    } else if !regions.is_empty() {
        // `--region` given twice is one target, not two that lock each other out.
        let mut once: Vec<Option<String>> = Vec::new();
        for region in regions {
            if !once.iter().flatten().any(|r| r == region) {
                once.push(Some(region.clone()));
            }
        }
        once
    } else {
        vec![config.region.clone()]
    };
    let accounts: Vec<Option<String>> = if config.accounts.is_empty() {
        vec![None]
    } else {
        config.accounts.iter().cloned().map(Some).collect()
    };
    let all: Vec<Place> = accounts
        .iter()
        .flat_map(|account| {
            configured.iter().map(move |region| Place {
                account: account.clone(),
                region: region.clone(),
            })
        })
        .collect();
    if all.len() > 1 {
        if let Some((stack, _)) = config.stacks.iter().find(|(_, s)| s.stack_set.is_some()) {
            return Err(CliError::StackSetOnManyTargets {
                stack: stack.clone(),
            });
        }
    }
    if configured.len() > 1 {
        let pinned = config
            .stacks
            .iter()
            .find_map(|(stack, settings)| Some((stack.clone(), settings.region.clone()?)));
        if let Some((stack, region)) = pinned {
            return Err(CliError::StackRegionOnManyRegions { stack, region });
        }
    }
    let known = || all.iter().map(ToString::to_string).collect::<Vec<_>>();
    let narrowing_regions = !config.regions.is_empty() && !regions.is_empty();
    for given in regions.iter().filter(|_| narrowing_regions) {
        if !config.regions.contains(given) {
            return Err(CliError::UnknownTarget {
                given: given.clone(),
                known: known(),
            });
        }
    }
    for given in wanted {
        if !all.iter().any(|place| place.to_string() == *given) {
            return Err(CliError::UnknownTarget {
                given: given.clone(),
                known: known(),
            });
        }
    }
    let left: Vec<Place> = all
        .iter()
        .filter(|place| {
            !narrowing_regions || place.region.as_ref().is_some_and(|r| regions.contains(r))
        })
        .filter(|place| wanted.is_empty() || wanted.contains(&place.to_string()))
        .cloned()
        .collect();
    if left.is_empty() {
        return Err(CliError::UnknownTarget {
            given: format!(
                "--region {} with --target {}",
                regions.join(","),
                wanted.join(",")
            ),
            known: known(),
        });
    }
    Ok(left)
}

/// What one command did at one target: its report, what it printed, and how it ended.
pub struct Outcome {
    /// Its `--json` report.
    pub ui: Ui,
    /// What it printed.
    pub printed: Vec<u8>,
    /// How it ended.
    pub result: Result<ExitCode, CliError>,
}

/// Puts together what a command did at each of `places` (its [`Outcome`]s, in the same order):
/// each target's output printed whole to `out`, in target order, each line prefixed
/// `[TARGET] `, and its `--json` report under the target's name in `ui`'s. The exit code: the
/// first target's (in target order) that is not success; an error naming each target that
/// failed.
pub fn gather(
    places: &[Place],
    outcomes: Vec<Outcome>,
    ui: &Ui,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let shared = RefCell::new(out);
    let mut exit = ExitCode::SUCCESS;
    let mut failed = Vec::new();
    for (place, outcome) in places.iter().zip(outcomes) {
        let mut prefixed = Prefixed::new(&shared, format!("[{place}] "));
        prefixed
            .write_all(&outcome.printed)
            .map_err(CliError::Stdout)?;
        prefixed.flush().map_err(CliError::Stdout)?;
        match outcome.result {
            Ok(code) if exit == ExitCode::SUCCESS => exit = code,
            Ok(_) => {}
            Err(err) => {
                outcome.ui.fail(&err.to_string());
                failed.push(format!("[{place}] {err}"));
            }
        }
        ui.report(&place.to_string(), outcome.ui.take_report());
    }
    match failed.is_empty() {
        true => Ok(exit),
        false => Err(CliError::Group {
            failed,
            not_attempted: Vec::new(),
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Settings with `regions` and `accounts` (and a role to assume in each account).
    pub(crate) fn config(regions: &[&str], accounts: &[&str]) -> EnvConfig {
        EnvConfig {
            regions: regions.iter().map(|r| (*r).to_owned()).collect(),
            accounts: accounts.iter().map(|a| (*a).to_owned()).collect(),
            role: (!accounts.is_empty())
                .then(|| "arn:aws:iam::{account}:role/kumo-deploy".to_owned()),
            ..EnvConfig::default()
        }
    }

    fn names(places: &[Place]) -> Vec<String> {
        places.iter().map(ToString::to_string).collect()
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_shared_region_is_the_one_all_places_are_in() {
        let place = |account: &str, region: Option<&str>| Place {
            account: Some(account.to_owned()),
            region: region.map(str::to_owned),
        };
        let one = [place("1", Some("eu-west-1")), place("2", Some("eu-west-1"))];
        assert_eq!(shared_region(&one), Some("eu-west-1"));
        let two = [place("1", Some("eu-west-1")), place("1", Some("us-east-1"))];
        assert_eq!(shared_region(&two), None);
        let sdk = [place("1", None), place("2", None)];
        assert_eq!(shared_region(&sdk), None);
        assert_eq!(shared_region(&[]), None);
    }

    #[test]
    fn every_account_in_every_region_is_a_target() {
        let config = config(
            &["us-east-1", "eu-west-1"],
            &["111111111111", "222222222222"],
        );
        assert_eq!(
            names(&places(&config, &[], &[]).unwrap()),
            [
                "111111111111/us-east-1",
                "111111111111/eu-west-1",
                "222222222222/us-east-1",
                "222222222222/eu-west-1"
            ]
        );
        let narrowed = places(&config, &strings(&["eu-west-1"]), &[]).unwrap();
        assert_eq!(
            names(&narrowed),
            ["111111111111/eu-west-1", "222222222222/eu-west-1"]
        );
        let one = places(&config, &[], &strings(&["222222222222/us-east-1"])).unwrap();
        assert_eq!(names(&one), ["222222222222/us-east-1"]);
    }

    #[test]
    fn without_targets_in_kumo_toml_there_is_one_or_region_names_them() {
        let single = EnvConfig {
            region: Some("eu-west-1".to_owned()),
            ..EnvConfig::default()
        };
        assert_eq!(names(&places(&single, &[], &[]).unwrap()), ["eu-west-1"]);
        assert_eq!(
            names(&places(&single, &strings(&["us-east-1"]), &[]).unwrap()),
            ["us-east-1"]
        );
        let none = places(&EnvConfig::default(), &[], &[]).unwrap();
        assert_eq!(
            none,
            [Place {
                account: None,
                region: None
            }]
        );
        assert_eq!(
            names(&places(&EnvConfig::default(), &strings(&["a-1", "b-2"]), &[]).unwrap()),
            ["a-1", "b-2"]
        );
        let twice = strings(&["b-2", "a-1", "b-2"]);
        assert_eq!(
            names(&places(&EnvConfig::default(), &twice, &[]).unwrap()),
            ["b-2", "a-1"],
            "a region given twice is one target"
        );
    }

    #[test]
    fn an_unknown_target_names_the_known_ones() {
        let config = config(&["us-east-1", "eu-west-1"], &[]);
        let err = places(&config, &strings(&["ap-south-1"]), &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown target `ap-south-1`; the environment's targets are: us-east-1, eu-west-1"
        );
        let err = places(&config, &[], &strings(&["111111111111/us-east-1"])).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("unknown target `111111111111/us-east-1`"));
        // Each known, but no target is both: nothing to act on is an error, not the default.
        let err = places(&config, &strings(&["eu-west-1"]), &strings(&["us-east-1"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown target `--region eu-west-1 with --target us-east-1`; the environment's targets are: us-east-1, eu-west-1"
        );
    }

    #[test]
    fn a_stack_set_is_refused_with_several_targets() {
        let mut config = config(&["us-east-1", "eu-west-1"], &[]);
        let set: crate::stackset::StackSetSettings =
            toml::from_str("accounts = [\"111111111111\"]\nregions = [\"us-east-1\"]\n").unwrap();
        config.stacks.insert(
            "base".to_owned(),
            crate::config::StackSettings {
                stack_set: Some(set),
                ..Default::default()
            },
        );
        let err = places(&config, &[], &[]).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "stack `base` has a `stack-set` section, and the environment has several targets"
            ),
            "{err}"
        );
        let one = places(&config, &strings(&["eu-west-1"]), &[]).unwrap_err();
        assert!(matches!(one, CliError::StackSetOnManyTargets { .. }));
        config.regions.truncate(1);
        assert_eq!(names(&places(&config, &[], &[]).unwrap()), ["us-east-1"]);
    }

    #[test]
    fn a_stack_of_its_own_region_is_refused_with_several_regions() {
        let pinned = || crate::config::StackSettings {
            region: Some("ap-southeast-2".to_owned()),
            ..Default::default()
        };
        let mut regions = config(&["us-east-1", "eu-west-1"], &[]);
        regions.stacks.insert("edge".to_owned(), pinned());
        let err = places(&regions, &[], &[]).unwrap_err().to_string();
        assert!(
            err.starts_with("stack `edge` has its own `region` (ap-southeast-2), and the environment has several regions"),
            "{err}"
        );
        let mut accounts = config(&["us-east-1"], &["111111111111", "222222222222"]);
        accounts.stacks.insert("edge".to_owned(), pinned());
        assert_eq!(
            places(&accounts, &[], &[]).unwrap().len(),
            2,
            "one region in each account"
        );
        let mut given = config(&[], &[]);
        given.stacks.insert("edge".to_owned(), pinned());
        assert!(places(&given, &strings(&["us-east-1", "eu-west-1"]), &[]).is_err());
        assert_eq!(
            places(&given, &strings(&["us-east-1"]), &[]).unwrap().len(),
            1
        );
    }
}
