//! The order and parallelism of work over (target, stack) units: a stack starts once the stacks
//! it depends on are done in its target, up to `concurrency` at once over all targets; after a
//! failure no new unit of that target starts (of any target, with `fail_fast`), and those left
//! are not attempted.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::json;

use crate::error::CliError;
use crate::regions::Connections;
use crate::session::{Connection, Session};

/// What to run: every stack of `stacks` in each of `targets` targets.
pub struct Schedule<'s> {
    /// How many targets (units name them by index).
    pub targets: usize,
    /// The stacks, in dependency order (producers first).
    pub stacks: &'s [String],
    /// The stacks each depends on; those not in `stacks` are not waited for.
    pub dependencies: BTreeMap<String, BTreeSet<String>>,
    /// How many units run at once.
    pub concurrency: usize,
    /// Whether a failure in one target stops the others starting new units.
    pub fail_fast: bool,
}

/// One unit that ran.
#[derive(Debug)]
pub struct Ran {
    /// Its target's index.
    pub target: usize,
    /// Its stack.
    pub stack: String,
    /// When it started and finished, from the start of the schedule.
    pub started: Duration,
    /// See `started`.
    pub finished: Duration,
    /// How it ended.
    pub result: Result<(), CliError>,
}

/// What a schedule did.
#[derive(Debug, Default)]
pub struct Done {
    /// The units that ran, in the order they finished.
    pub ran: Vec<Ran>,
    /// The units not attempted after a failure, as (target, stack), in schedule order.
    pub not_attempted: Vec<(usize, String)>,
}

impl Schedule<'_> {
    /// Whether two units may run at the same time: more than one may, and there are several
    /// targets or two stacks neither of which waits for the other.
    pub fn may_overlap(&self) -> bool {
        if self.concurrency < 2 {
            return false;
        }
        if self.targets > 1 {
            return !self.stacks.is_empty();
        }
        // In dependency order, each stack waits for every one before it only if it waits for
        // the one just before it itself (no stack lies between them to wait through).
        self.stacks.windows(2).any(|pair| {
            !self
                .dependencies
                .get(&pair[1])
                .is_some_and(|waits| waits.contains(&pair[0]))
        })
    }

    /// Runs every unit through `run` (given the target's index and the stack), in order.
    pub async fn run<F, Fut>(&self, run: F) -> Done
    where
        F: Fn(usize, String) -> Fut,
        Fut: Future<Output = Result<(), CliError>>,
    {
        let selected: BTreeSet<&str> = self.stacks.iter().map(String::as_str).collect();
        // The first stack in every target, then the second: parallel work spreads over them.
        let mut waiting: Vec<(usize, String)> = self
            .stacks
            .iter()
            .flat_map(|stack| (0..self.targets).map(move |target| (target, stack.clone())))
            .collect();
        let mut finished: BTreeSet<(usize, String)> = BTreeSet::new();
        let mut failed: BTreeSet<usize> = BTreeSet::new();
        let mut done = Done::default();
        let mut running = FuturesUnordered::new();
        let clock = Instant::now();
        let none = BTreeSet::new();
        loop {
            while (failed.is_empty() || !self.fail_fast) && running.len() < self.concurrency {
                let ready = waiting.iter().position(|(target, stack)| {
                    !failed.contains(target)
                        && self
                            .dependencies
                            .get(stack)
                            .unwrap_or(&none)
                            .iter()
                            .filter(|d| selected.contains(d.as_str()))
                            .all(|d| finished.contains(&(*target, d.clone())))
                });
                let Some(position) = ready else { break };
                let (target, stack) = waiting.remove(position);
                let unit = run(target, stack.clone());
                running.push(async move {
                    let started = clock.elapsed();
                    let result = unit.await;
                    Ran {
                        target,
                        stack,
                        started,
                        finished: clock.elapsed(),
                        result,
                    }
                });
            }
            let Some(ran) = running.next().await else {
                break;
            };
            match &ran.result {
                Ok(()) => {
                    finished.insert((ran.target, ran.stack.clone()));
                }
                Err(_) => {
                    failed.insert(ran.target);
                }
            }
            done.ran.push(ran);
        }
        done.not_attempted = waiting;
        done
    }
}

/// The connections per target of `sessions` for the stacks named `stacks` (see
/// [`Connections`]): with several targets, a target that cannot connect fails alone (its
/// message kept for its first stack); with one, the command fails.
pub async fn connect(
    sessions: &[&Session],
    stacks: &[String],
    many: bool,
) -> Result<Vec<Result<Connections, String>>, CliError> {
    let mut connections = Vec::new();
    for session in sessions {
        match Connections::open(session, stacks.iter().map(String::as_str)).await {
            Ok(connection) => connections.push(Ok(connection)),
            Err(err) if many => connections.push(Err(err.to_string())),
            Err(err) => return Err(err),
        }
    }
    Ok(connections)
}

/// What each line of the unit of the stack `stack_name` in the target of `session` starts with:
/// `[TARGET] STACK | ` with `many` targets, `STACK | ` when units run in `parallel`, else
/// nothing.
pub fn line_prefix(session: &Session, stack_name: &str, many: bool, parallel: bool) -> String {
    match (many, parallel) {
        (true, _) => format!("[{}] {stack_name} | ", session.places[0]),
        (false, true) => format!("{stack_name} | "),
        (false, false) => String::new(),
    }
}

/// `dependencies` turned round, for `delete`: of each stack of `stacks`, the stacks of `stacks`
/// that depend on it (its consumers, which go first).
pub fn consumers(
    stacks: &[String],
    dependencies: impl Fn(&str) -> BTreeSet<String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut consumers: BTreeMap<String, BTreeSet<String>> = stacks
        .iter()
        .map(|stack| (stack.clone(), BTreeSet::new()))
        .collect();
    for stack in stacks {
        for used in dependencies(stack) {
            if let Some(users) = consumers.get_mut(&used) {
                users.insert(stack.clone());
            }
        }
    }
    consumers
}

/// The connection of the stack named `stack` in the target of `session`, one of `connect`'s
/// `connections`: the target's failure to connect, as the stack's error.
pub fn connection<'c>(
    connections: &'c Result<Connections, String>,
    session: &Session,
    stack: &str,
) -> Result<&'c Connection, CliError> {
    let connections = connections.as_ref().map_err(|message| CliError::Aws {
        action: format!("connecting to {}", session.places[0]),
        message: message.clone(),
    })?;
    Ok(connections.of(session, stack))
}

impl Done {
    /// Reports what the schedule did through the targets' `sessions` (with `many`, each
    /// target's report goes under its name in `session`'s, and a table ends the output on
    /// `out`), and the exit: success, or an error naming the failed units and those not
    /// attempted.
    pub fn finish(
        mut self,
        session: &Session,
        sessions: &[&Session],
        many: bool,
        out: &mut dyn Write,
    ) -> Result<ExitCode, CliError> {
        let label = |target: usize, name: &str| match many {
            true => format!("[{}] {name}", sessions[target].places[0]),
            false => name.to_owned(),
        };
        let mut rows = Vec::new();
        let mut failed = Vec::new();
        for ran in self.ran.drain(..) {
            let ui = &sessions[ran.target].ui;
            let name = sessions[ran.target].env.stack_name(&ran.stack);
            ui.annotate(&name, "started_ms", json!(ran.started.as_millis() as u64));
            ui.annotate(&name, "finished_ms", json!(ran.finished.as_millis() as u64));
            let result = match ran.result {
                Ok(()) => ui.result_of(&name).unwrap_or_else(|| "deployed".to_owned()),
                Err(err) => {
                    ui.annotate(&name, "error", json!(err.to_string()));
                    failed.push((ran.target, name.clone(), err));
                    "failed".to_owned()
                }
            };
            rows.push((ran.target, name, result, Some(ran.finished - ran.started)));
        }
        let mut not_attempted = Vec::new();
        for (target, stack) in &self.not_attempted {
            let name = sessions[*target].env.stack_name(stack);
            sessions[*target]
                .ui
                .annotate(&name, "result", json!("not attempted"));
            not_attempted.push(label(*target, &name));
            rows.push((*target, name, "not attempted".to_owned(), None));
        }
        if many {
            for target in sessions {
                session
                    .ui
                    .report(&target.places[0].to_string(), target.ui.take_report());
            }
            rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            summary(sessions, &rows, out)?;
        }
        match (failed.len(), not_attempted.is_empty()) {
            (0, _) => Ok(ExitCode::SUCCESS),
            (1, true) if !many => Err(failed.remove(0).2),
            _ => Err(CliError::Group {
                failed: failed
                    .into_iter()
                    .map(|(target, name, err)| {
                        let message = err.of_stack(&name).to_string();
                        match many {
                            true => format!("[{}] {message}", sessions[target].places[0]),
                            false => message,
                        }
                    })
                    .collect(),
                not_attempted,
            }),
        }
    }
}

/// The table that ends work on several targets: target, stack, result and how long it took.
fn summary(
    sessions: &[&Session],
    rows: &[(usize, String, String, Option<std::time::Duration>)],
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|(target, name, result, took)| {
            [
                sessions[*target].places[0].to_string(),
                name.clone(),
                result.clone(),
                took.map_or_else(|| "-".to_owned(), |d| format!("{:.1}s", d.as_secs_f64())),
            ]
        })
        .collect();
    crate::ui::table(&["TARGET", "STACK", "RESULT", "TIME"], &cells, out)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// A fake unit runner: records when each unit starts and ends, waits a little (the first
    /// stack longest, so a wrong order would show), and fails the units in `failing` at once.
    struct Fake {
        log: RefCell<Vec<String>>,
        failing: Vec<(usize, &'static str)>,
    }

    impl Fake {
        fn new(failing: &[(usize, &'static str)]) -> Fake {
            Fake {
                log: RefCell::new(Vec::new()),
                failing: failing.to_vec(),
            }
        }

        async fn unit(&self, target: usize, stack: String) -> Result<(), CliError> {
            self.log
                .borrow_mut()
                .push(format!("start {target}/{stack}"));
            let failing = self.failing.contains(&(target, stack.as_str()));
            let pause = match (failing, stack.as_str()) {
                (true, _) => 1,
                (false, "network") => 30,
                (false, _) => 5,
            };
            tokio::time::sleep(Duration::from_millis(pause)).await;
            self.log.borrow_mut().push(format!("end {target}/{stack}"));
            if failing {
                return Err(CliError::Cancelled);
            }
            Ok(())
        }

        fn position(&self, entry: &str) -> usize {
            self.log
                .borrow()
                .iter()
                .position(|e| e == entry)
                .unwrap_or_else(|| panic!("{entry} not in {:?}", self.log.borrow()))
        }
    }

    fn stacks() -> Vec<String> {
        ["network", "data", "service"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    }

    fn schedule(stacks: &[String], concurrency: usize, fail_fast: bool) -> Schedule<'_> {
        let set = |names: &[&str]| names.iter().map(|s| (*s).to_owned()).collect();
        Schedule {
            targets: 3,
            stacks,
            dependencies: BTreeMap::from([
                ("data".to_owned(), set(&["network"])),
                ("service".to_owned(), set(&["data", "network"])),
            ]),
            concurrency,
            fail_fast,
        }
    }

    #[test]
    fn units_may_overlap_unless_each_stack_waits_for_the_one_before() {
        let chain = stacks();
        let mut one_target = schedule(&chain, 4, false);
        one_target.targets = 1;
        assert!(!one_target.may_overlap(), "network, data, service: a chain");
        assert!(schedule(&chain, 4, false).may_overlap(), "three targets");
        assert!(!schedule(&chain, 1, false).may_overlap(), "one at a time");
        let independent = vec!["network".to_owned(), "loner".to_owned()];
        let mut two = schedule(&independent, 4, false);
        two.targets = 1;
        assert!(two.may_overlap());
    }

    fn run(schedule: &Schedule<'_>, fake: &Fake) -> Done {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(schedule.run(|target, stack| fake.unit(target, stack)))
    }

    #[test]
    fn order_holds_within_a_target_and_targets_run_in_parallel() {
        let stacks = stacks();
        let fake = Fake::new(&[]);
        let done = run(&schedule(&stacks, 3, false), &fake);
        assert_eq!(done.ran.len(), 9);
        assert!(done.not_attempted.is_empty());
        for target in 0..3 {
            assert!(
                fake.position(&format!("end {target}/network"))
                    < fake.position(&format!("start {target}/data"))
            );
            assert!(
                fake.position(&format!("end {target}/data"))
                    < fake.position(&format!("start {target}/service"))
            );
        }
        // The three targets' first stacks all started before any finished.
        let first_end = fake
            .position("end 0/network")
            .min(fake.position("end 1/network"));
        assert!(fake.position("start 2/network") < first_end);
    }

    #[test]
    fn a_failure_stops_only_its_target_unless_fail_fast() {
        let stacks = stacks();
        let fake = Fake::new(&[(1, "network")]);
        let done = run(&schedule(&stacks, 3, false), &fake);
        let failed: Vec<_> = done
            .ran
            .iter()
            .filter(|r| r.result.is_err())
            .map(|r| (r.target, r.stack.as_str()))
            .collect();
        assert_eq!(failed, [(1, "network")]);
        assert_eq!(done.ran.len(), 7);
        assert_eq!(
            done.not_attempted,
            [(1, "data".to_owned()), (1, "service".to_owned())]
        );

        let fake = Fake::new(&[(1, "network")]);
        let done = run(&schedule(&stacks, 3, true), &fake);
        // The other targets' network stacks were under way and finish; nothing new starts.
        assert_eq!(done.ran.len(), 3);
        assert_eq!(done.not_attempted.len(), 6);
    }

    #[test]
    fn concurrency_bounds_the_units_at_once() {
        let stacks = stacks();
        let fake = Fake::new(&[]);
        run(&schedule(&stacks, 1, false), &fake);
        let log = fake.log.borrow();
        for pair in log.chunks(2) {
            let started = pair[0].strip_prefix("start ").unwrap();
            assert_eq!(pair[1], format!("end {started}"), "{log:?}");
        }
    }

    #[test]
    fn consumers_go_first_when_dependencies_are_turned_round() {
        let forward = schedule(&[], 1, false).dependencies;
        let mut stacks = stacks();
        stacks.reverse();
        let consumers = consumers(&stacks, |s| forward.get(s).cloned().unwrap_or_default());
        let fake = Fake::new(&[]);
        let schedule = Schedule {
            targets: 3,
            stacks: &stacks,
            dependencies: consumers,
            concurrency: 3,
            fail_fast: false,
        };
        let done = run(&schedule, &fake);
        assert_eq!(done.ran.len(), 9);
        for target in 0..3 {
            assert!(
                fake.position(&format!("end {target}/service"))
                    < fake.position(&format!("start {target}/data"))
            );
            assert!(
                fake.position(&format!("end {target}/data"))
                    < fake.position(&format!("start {target}/network"))
            );
        }
    }
}
