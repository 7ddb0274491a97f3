//! One command across the targets it acts on: the session of each target, and running a
//! command once per target, some at once, with each target's output kept whole.

use std::io::Write;
use std::process::ExitCode;

use futures_util::stream::{self, StreamExt};

use crate::error::CliError;
use crate::session::Session;
use crate::target::{gather, Outcome, Place};

/// How many targets `plan`, `diff`, `status`, `outputs` and `drift` act on at once.
pub const CONCURRENCY: usize = 4;

/// Runs `command` with `session`, or with several targets once per target, up to `concurrency`
/// at once on this task, each target's output kept and printed whole when it is done (see
/// [`gather`]); a failure in one target stops no other.
pub async fn each(
    session: &Session,
    concurrency: usize,
    out: &mut dyn Write,
    command: impl AsyncFn(&Session, &mut dyn Write) -> Result<ExitCode, CliError>,
) -> Result<ExitCode, CliError> {
    if !session.many_targets() {
        return command(session, out).await;
    }
    let sessions = session.target_sessions();
    let mut buffers = vec![Vec::<u8>::new(); sessions.len()];
    let results: Vec<Result<ExitCode, CliError>> =
        stream::iter(sessions.iter().zip(buffers.iter_mut()))
            .map(|(own, buffer)| command(own, buffer))
            .buffered(concurrency.max(1))
            .collect()
            .await;
    let outcomes = sessions
        .into_iter()
        .zip(buffers)
        .zip(results)
        .map(|((own, printed), result)| Outcome {
            ui: own.ui,
            printed,
            result,
        })
        .collect();
    gather(&session.places, outcomes, &session.ui, out)
}

impl Session {
    /// The session of each target when there are several; none with one (this session serves
    /// it).
    pub fn target_sessions(&self) -> Vec<Session> {
        match self.many_targets() {
            true => self.places.iter().map(|place| self.at(place)).collect(),
            false => Vec::new(),
        }
    }

    /// The sessions of the targets: `own` ([`Session::target_sessions`]), or this one alone.
    pub fn or_target_sessions<'s>(&'s self, own: &'s [Session]) -> Vec<&'s Session> {
        match own.is_empty() {
            true => vec![self],
            false => own.iter().collect(),
        }
    }

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
    use std::cell::RefCell;

    use super::*;
    use crate::config::EnvConfig;
    use crate::target::places;
    use crate::target::tests::config;

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

    fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn each_target_runs_prefixed_and_the_exit_says_how_all_went() {
        let base = session(config(&["us-east-1", "eu-west-1", "ap-south-1"], &[]));
        let changes = async |session: &Session, out: &mut dyn Write| {
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
        let exit = block_on(each(&base, CONCURRENCY, &mut out, changes)).unwrap();
        assert_eq!(exit, ExitCode::from(1));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[us-east-1] jobs-dev: looked\n[eu-west-1] jobs-dev: looked\n[ap-south-1] jobs-dev: looked\n"
        );
        let report: serde_json::Value = serde_json::from_str(&base.ui.finish_report()).unwrap();
        assert_eq!(report["ap-south-1"]["jobs-dev"]["region"], "ap-south-1");

        let failing =
            async |session: &Session, _: &mut dyn Write| match session.target.region.as_deref() {
                Some("us-east-1") => Err(CliError::Cancelled),
                _ => Ok(ExitCode::SUCCESS),
            };
        let err = block_on(each(&base, CONCURRENCY, &mut Vec::new(), failing)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("[us-east-1] {}", CliError::Cancelled)
        );
    }

    /// Each target waits until all have started (the first the longest), with a deadline:
    /// only targets run at once get past it, and their output still comes in target order.
    #[test]
    fn targets_run_at_once_and_print_in_target_order() {
        use std::cell::Cell;
        use std::time::Duration;

        let base = session(config(&["us-east-1", "eu-west-1", "ap-south-1"], &[]));
        let started = Cell::new(0);
        let finished = RefCell::new(Vec::new());
        let command = async |session: &Session, out: &mut dyn Write| {
            let region = session.target.region.clone().unwrap_or_default();
            writeln!(out, "started").unwrap();
            started.set(started.get() + 1);
            let all = async {
                while started.get() < 3 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            };
            tokio::time::timeout(Duration::from_secs(2), all)
                .await
                .map_err(|_| CliError::Cancelled)?;
            let wait = if region == "us-east-1" { 50 } else { 0 };
            tokio::time::sleep(Duration::from_millis(wait)).await;
            finished.borrow_mut().push(region);
            writeln!(out, "done").unwrap();
            Ok(ExitCode::SUCCESS)
        };
        let mut out = Vec::new();
        let exit = block_on(each(&base, 3, &mut out, command)).unwrap();
        assert_eq!(exit, ExitCode::SUCCESS);
        assert_eq!(
            finished.borrow().last().map(String::as_str),
            Some("us-east-1")
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[us-east-1] started\n[us-east-1] done\n[eu-west-1] started\n[eu-west-1] done\n\
             [ap-south-1] started\n[ap-south-1] done\n"
        );

        // Two at a time: the third never starts while the first two wait for it.
        started.set(0);
        let err = block_on(each(&base, 2, &mut Vec::new(), command));
        assert!(err.is_err());
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
