//! Targets: the accounts and regions an environment's stacks go to (kumo.toml's `regions`,
//! `accounts` and `role`), narrowed by `--region` and `--target`, and the session of each.

use std::cell::RefCell;
use std::fmt;
use std::io::Write;
use std::process::ExitCode;

use crate::config::EnvConfig;
use crate::error::CliError;
use crate::session::Session;
use crate::ui::Prefixed;

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

/// The targets of an environment with `config`, in kumo.toml's order (accounts, then regions
/// in each), narrowed to `regions` (`--region`) and `wanted` (`--target ACCOUNT/REGION` or
/// `REGION`). Without `regions` in kumo.toml, `--region` names the regions itself.
pub fn places(
    config: &EnvConfig,
    regions: &[String],
    wanted: &[String],
) -> Result<Vec<Place>, CliError> {
    let configured: Vec<Option<String>> = if !config.regions.is_empty() {
        config.regions.iter().cloned().map(Some).collect()
    } else if !regions.is_empty() {
        regions.iter().cloned().map(Some).collect()
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
    Ok(all
        .into_iter()
        .filter(|place| {
            !narrowing_regions || place.region.as_ref().is_some_and(|r| regions.contains(r))
        })
        .filter(|place| wanted.is_empty() || wanted.contains(&place.to_string()))
        .collect())
}

/// Runs `command` with `session`, or with several targets once per target, one after another,
/// each line it prints prefixed `[TARGET] ` and its `--json` report under the target's name: a
/// failure in one target stops no other. The exit code: the first target's that is not
/// success (1 for `plan`/`diff` with changes); an error naming each target that failed.
pub fn each(
    session: &Session,
    out: &mut dyn Write,
    command: impl Fn(&Session, &mut dyn Write) -> Result<ExitCode, CliError>,
) -> Result<ExitCode, CliError> {
    if !session.many_targets() {
        return command(session, out);
    }
    let shared = RefCell::new(out);
    let mut exit = ExitCode::SUCCESS;
    let mut failed = Vec::new();
    for place in &session.places {
        let own = session.at(place);
        let result = command(&own, &mut Prefixed::new(&shared, format!("[{place}] ")));
        match result {
            Ok(code) if exit == ExitCode::SUCCESS => exit = code,
            Ok(_) => {}
            Err(err) => {
                own.ui.fail(&err.to_string());
                failed.push(format!("[{place}] {err}"));
            }
        }
        session.ui.report(&place.to_string(), own.ui.take_report());
    }
    match failed.is_empty() {
        true => Ok(exit),
        false => Err(CliError::Group {
            failed,
            not_attempted: Vec::new(),
        }),
    }
}

impl Session {
    /// The session of `place`: its region, and in its account the role kumo.toml names (the
    /// credentials must then be that account's), with a `--json` report of its own.
    pub fn at(&self, place: &Place) -> Session {
        let mut session = Session {
            env: self.env.clone(),
            target: self.target.clone(),
            timeout: self.timeout,
            state: self.state.clone(),
            config: self.config.clone(),
            artifact_bucket: self.artifact_bucket.clone(),
            role_arn: self.role_arn.clone(),
            places: vec![place.clone()],
            ui: self.ui.child(),
        };
        session.aim(place);
        session
    }

    /// Points this session at `place`: its region, and its account through the role.
    pub fn aim(&mut self, place: &Place) {
        self.target.region.clone_from(&place.region);
        if let Some(account) = &place.account {
            self.config.account = Some(account.clone());
            self.target.assume_role = self.config.role.as_ref().map(|role| {
                (
                    role.replace("{account}", account),
                    self.env.name().to_owned(),
                )
            });
        }
    }

    /// Whether the command acts on several targets (each with a session of its own, [`Session::at`]).
    pub fn many_targets(&self) -> bool {
        self.places.len() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(regions: &[&str], accounts: &[&str]) -> EnvConfig {
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
    }

    fn session(config: EnvConfig) -> Session {
        let places = places(&config, &[], &[]).unwrap();
        Session {
            env: kumo_core::Environment::new("dev"),
            target: crate::aws::Target::default(),
            timeout: crate::engine::DEFAULT_TIMEOUT,
            state: crate::state::State::new(".kumo"),
            config,
            artifact_bucket: None,
            role_arn: None,
            places,
            ui: crate::ui::Ui::default(),
        }
    }

    #[test]
    fn each_target_runs_prefixed_and_the_exit_says_how_all_went() {
        let base = session(config(&["us-east-1", "eu-west-1", "ap-south-1"], &[]));
        let changes = |session: &Session, out: &mut dyn Write| {
            let region = session.target.region.clone().unwrap_or_default();
            session
                .ui
                .report("jobs-dev", serde_json::json!({"region": region}));
            writeln!(out, "jobs-dev: looked").unwrap();
            match region.as_str() {
                "eu-west-1" => Ok(ExitCode::from(1)),
                _ => Ok(ExitCode::SUCCESS),
            }
        };
        let mut out = Vec::new();
        assert_eq!(each(&base, &mut out, changes).unwrap(), ExitCode::from(1));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[us-east-1] jobs-dev: looked\n[eu-west-1] jobs-dev: looked\n[ap-south-1] jobs-dev: looked\n"
        );
        let report: serde_json::Value = serde_json::from_str(&base.ui.finish_report()).unwrap();
        assert_eq!(report["ap-south-1"]["jobs-dev"]["region"], "ap-south-1");

        let failing = |session: &Session, _: &mut dyn Write| match session.target.region.as_deref()
        {
            Some("us-east-1") => Err(CliError::Cancelled),
            _ => Ok(ExitCode::SUCCESS),
        };
        let err = each(&base, &mut Vec::new(), failing).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("[us-east-1] {}", CliError::Cancelled)
        );
    }

    #[test]
    fn a_targets_session_assumes_the_role_in_its_account() {
        let base = session(config(&["eu-west-1"], &["111111111111"]));
        let place = &places(&base.config, &[], &[]).unwrap()[0];
        let session = base.at(place);
        assert_eq!(session.target.region.as_deref(), Some("eu-west-1"));
        assert_eq!(session.config.account.as_deref(), Some("111111111111"));
        assert_eq!(
            session.target.assume_role,
            Some((
                "arn:aws:iam::111111111111:role/kumo-deploy".to_owned(),
                "dev".to_owned()
            ))
        );
    }
}
