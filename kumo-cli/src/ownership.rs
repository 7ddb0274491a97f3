//! Whose a change set of a stack is. kumo marks each change set it makes with the state
//! directory it was made from (its [`Origin`]), so that a run, which holds the stack's lock in
//! its state directory, can tell the change sets that runs of its own directory left behind
//! (those runs are over: the lock says so) from those of a run from another directory or
//! machine, which may still be about to execute its change set.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crate::engine::{CHANGE_SET_PREFIX, PREPARED_DESCRIPTION};

/// The identity of a state directory (`.kumo`): sixteen lowercase hex digits, made once at
/// random and kept in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(String);

/// The start of the description of a change set `deploy` or `plan` makes; the origin follows.
const DESCRIPTION: &str = "kumo change set of state directory ";

/// The length of an origin.
const LEN: usize = 16;

impl Origin {
    /// A new origin, unlike any other: `seed` (the directory's path) hashed with the process,
    /// the time and a count of the origins the process made.
    pub fn new(seed: &str) -> Origin {
        static MADE: AtomicU64 = AtomicU64::new(0);
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let count = MADE.fetch_add(1, Ordering::Relaxed);
        let unique = format!("{seed}/{}/{now}/{count}", std::process::id());
        Origin(kumo_core::naming::stable_hash(&unique, LEN))
    }

    /// The origin that `text` (a kept origin file) holds, or `None` when it holds none.
    pub fn parse(text: &str) -> Option<Origin> {
        let text = text.trim();
        let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        (text.len() == LEN && text.bytes().all(hex)).then(|| Origin(text.to_owned()))
    }

    /// The origin as kept in its file.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name of a change set made from this origin, `base` being what names it otherwise
    /// (`kumo-` and the template's hash): two directories that deploy the same template at once
    /// make two change sets rather than refuse each other's name.
    pub fn change_set_name(&self, base: &str) -> String {
        format!("{base}-{}", self.0)
    }

    /// The description of a change set made from this origin.
    pub fn description(&self) -> String {
        format!("{DESCRIPTION}{}", self.0)
    }
}

/// What one of a stack's change sets is to a run that holds the stack's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    /// kumo's and abandoned: made from this run's state directory by a run that is over, or
    /// from elsewhere longer ago than [`ABANDONED_AFTER`] (or `--timeout`, if longer).
    Abandoned,
    /// Made by `deploy --prepare`, to be executed later.
    Prepared,
    /// Being worked out, executed or deleted.
    Busy,
    /// Not kumo's.
    SomeoneElses,
    /// kumo's, made `age` ago from another state directory (or by a kumo that did not mark its
    /// change sets): its run may still execute it.
    AnotherRun {
        /// How long ago it was made, when CloudFormation says.
        age: Option<Duration>,
    },
}

/// How long after it was made another directory's change set is taken as abandoned (unless
/// `--timeout` is longer): its run may wait that long for a person to approve it, since a
/// prompt has no deadline, and a change set deleted under it fails that person's yes.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// One listed change set, as [`whose`] reads it.
#[derive(Debug, Clone, Copy)]
pub struct Listed<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its description.
    pub description: Option<&'a str>,
    /// Whether it is being worked out, executed or deleted.
    pub busy: bool,
    /// When CloudFormation made it.
    pub created: Option<SystemTime>,
}

/// Whose the change set `listed` is to a run from `origin` (none: no change set is taken for
/// this directory's), `now`, that waits at most `timeout` for an operation: another
/// directory's is abandoned once older than [`ABANDONED_AFTER`] or `timeout`, the longer.
pub fn whose(
    listed: Listed<'_>,
    origin: Option<&Origin>,
    now: SystemTime,
    timeout: Duration,
) -> Whose {
    if listed.busy {
        return Whose::Busy;
    }
    if !listed.name.starts_with(CHANGE_SET_PREFIX) {
        return Whose::SomeoneElses;
    }
    let description = listed.description.unwrap_or_default();
    if description.starts_with(PREPARED_DESCRIPTION) {
        return Whose::Prepared;
    }
    let ours = origin.is_some_and(|origin| description == origin.description());
    let age = listed
        .created
        .and_then(|created| now.duration_since(created).ok());
    if ours || age.is_some_and(|age| age > timeout.max(ABANDONED_AFTER)) {
        Whose::Abandoned
    } else {
        Whose::AnotherRun { age }
    }
}

/// Why a change set is left alone, after its name: `kumo-…: being worked out or executed`.
impl fmt::Display for Whose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Whose::Abandoned => f.write_str("abandoned"),
            Whose::Prepared => f.write_str("prepared by `deploy --prepare`"),
            Whose::Busy => f.write_str("being worked out or executed"),
            Whose::SomeoneElses => f.write_str("not kumo's"),
            Whose::AnotherRun { age: Some(age) } => write!(
                f,
                "another kumo run's, from another state directory, made {} ago",
                humantime::format_duration(Duration::from_secs(age.as_secs()))
            ),
            Whose::AnotherRun { age: None } => {
                f.write_str("another kumo run's, from another state directory")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    /// Now, in the tests: thirty days after the epoch.
    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + HOUR * 24 * 30
    }

    fn listed<'a>(name: &'a str, description: Option<&'a str>, age: Option<u64>) -> Listed<'a> {
        Listed {
            name,
            description,
            busy: false,
            created: age.map(|age| now() - Duration::from_secs(age)),
        }
    }

    fn of(listed: Listed<'_>, origin: Option<&Origin>) -> Whose {
        whose(listed, origin, now(), HOUR)
    }

    #[test]
    fn a_change_set_of_this_directory_is_abandoned_whatever_its_age() {
        let here = Origin::parse("0123456789abcdef").unwrap();
        let marked = here.description();
        let name = here.change_set_name("kumo-fedcba9876543210");
        assert_eq!(name, "kumo-fedcba9876543210-0123456789abcdef");
        assert_eq!(
            of(listed(&name, Some(&marked), Some(5)), Some(&here)),
            Whose::Abandoned
        );
        assert_eq!(
            of(listed(&name, Some(&marked), None), Some(&here)),
            Whose::Abandoned
        );
    }

    #[test]
    fn another_directorys_is_left_alone_until_it_is_older_than_a_run_waits() {
        let here = Origin::parse("0123456789abcdef").unwrap();
        let there = Origin::parse("aaaaaaaaaaaaaaaa").unwrap().description();
        for description in [Some(there.as_str()), None] {
            let recent = of(listed("kumo-1", description, Some(600)), Some(&here));
            assert_eq!(
                recent,
                Whose::AnotherRun {
                    age: Some(Duration::from_secs(600))
                }
            );
            assert_eq!(
                recent.to_string(),
                "another kumo run's, from another state directory, made 10m ago"
            );
            let hour_old = of(listed("kumo-1", description, Some(3601)), Some(&here));
            assert!(
                matches!(hour_old, Whose::AnotherRun { .. }),
                "older than --timeout, and perhaps still waiting for a person's yes"
            );
            let day = ABANDONED_AFTER.as_secs();
            let old = of(listed("kumo-1", description, Some(day + 1)), Some(&here));
            assert_eq!(old, Whose::Abandoned);
            let longer = whose(
                listed("kumo-1", description, Some(day + 1)),
                Some(&here),
                now(),
                HOUR * 48,
            );
            assert!(
                matches!(longer, Whose::AnotherRun { .. }),
                "a longer --timeout"
            );
            let unknown = of(listed("kumo-1", description, None), Some(&here));
            assert_eq!(unknown, Whose::AnotherRun { age: None });
            let no_origin = of(listed("kumo-1", description, Some(600)), None);
            assert!(matches!(no_origin, Whose::AnotherRun { .. }));
        }
        let ahead = Listed {
            created: Some(now() + HOUR),
            ..listed("kumo-1", Some(&there), None)
        };
        assert_eq!(
            of(ahead, Some(&here)),
            Whose::AnotherRun { age: None },
            "clocks differ"
        );
    }

    #[test]
    fn busy_prepared_and_foreign_change_sets_are_told_apart() {
        let here = Origin::parse("0123456789abcdef").unwrap();
        let marked = here.description();
        let busy = Listed {
            busy: true,
            ..listed("kumo-1", Some(&marked), Some(7200))
        };
        assert_eq!(of(busy, Some(&here)), Whose::Busy);
        let prepared = format!("{PREPARED_DESCRIPTION}abc");
        let prepared = of(
            listed("kumo-prepared-abc", Some(&prepared), Some(9)),
            Some(&here),
        );
        assert_eq!(prepared, Whose::Prepared);
        let foreign = of(
            listed("review-by-hand", Some(&marked), Some(7200)),
            Some(&here),
        );
        assert_eq!(foreign, Whose::SomeoneElses);
    }

    #[test]
    fn an_origin_is_sixteen_hex_digits() {
        let made = Origin::new("/work/.kumo");
        assert_eq!(Origin::parse(made.as_str()), Some(made.clone()));
        assert_ne!(Origin::new("/work/.kumo"), made, "each is new");
        assert_eq!(
            Origin::parse(" 0123456789abcdef\n").map(|o| o.as_str().to_owned()),
            Some("0123456789abcdef".to_owned())
        );
        for text in [
            "",
            "0123456789abcde",
            "0123456789ABCDEF",
            "0123456789abcdefa",
            "g123456789abcdef",
        ] {
            assert_eq!(Origin::parse(text), None, "{text}");
        }
    }
}
