//! Locks of stacks, so that two kumo processes never act on one stack at once.
//!
//! A stack's lock is the operating system's advisory lock on `{region}/{stack}.lock` under
//! `.kumo/locks`; the OS releases it when the process ends, however it ends, so a file left
//! behind is no lock. Who holds it is written beside it in `{stack}.holder` (a separate file:
//! on Windows a locked file cannot be read by others).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use aws_sdk_cloudformation::primitives::{DateTime, DateTimeFormat};
use serde::{Deserialize, Serialize};

use crate::error::CliError;
use crate::fs::write_atomic;

/// A held lock of one stack; dropping it releases the lock.
#[derive(Debug)]
pub struct Lock {
    /// The locked file; closing it releases the lock.
    _file: File,
    /// The file that says who holds it.
    holder: PathBuf,
}

/// Who holds a lock, as its holder file says.
#[derive(Debug, Serialize, Deserialize)]
struct Holder {
    /// The kumo command, such as `deploy`.
    command: String,
    /// The process ID.
    pid: u32,
    /// When it took the lock (RFC 3339).
    since: String,
}

impl Lock {
    /// Takes the lock of the stack named `stack` in `region`, with its files under `dir`, for
    /// `command`; if another kumo holds it, fails at once naming the holder.
    pub fn take(dir: &Path, region: &str, stack: &str, command: &str) -> Result<Lock, CliError> {
        let dir = dir.join(file_name(region));
        let path = dir.join(format!("{}.lock", file_name(stack)));
        let holder = dir.join(format!("{}.holder", file_name(stack)));
        let fail = |source| CliError::Write {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(fail)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(fail)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(CliError::Locked {
                    stack: stack.to_owned(),
                    region: region.to_owned(),
                    holder: describe(&holder),
                })
            }
            Err(TryLockError::Error(source)) => return Err(fail(source)),
        }
        let since = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let since = DateTime::from_secs(i64::try_from(since).unwrap_or(i64::MAX))
            .fmt(DateTimeFormat::DateTime)
            .unwrap_or_default();
        let who = Holder {
            command: command.to_owned(),
            pid: std::process::id(),
            since,
        };
        let mut text = serde_json::to_string(&who).unwrap_or_default();
        text.push('\n');
        write_atomic(&holder, text.as_bytes())?;
        Ok(Lock {
            _file: file,
            holder,
        })
    }
}

impl Drop for Lock {
    /// Removes the holder file while the lock is still held (the file closes after this), so
    /// that it never names a process that no longer holds the lock.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.holder);
    }
}

/// Who holds a lock, from its holder file: `deploy, pid 1234, since 2026-01-01T00:00:00Z`.
fn describe(holder: &Path) -> String {
    std::fs::read_to_string(holder)
        .ok()
        .and_then(|text| serde_json::from_str::<Holder>(&text).ok())
        .map_or_else(
            || "it has not said which one yet".to_owned(),
            |h| format!("{}, pid {}, since {}", h.command, h.pid, h.since),
        )
}

/// `name` as a file name: characters other than ASCII letters, digits and `-` become `_`.
fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_refused_naming_its_holder_until_it_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::take(dir.path(), "us-east-1", "jobs-dev", "deploy").unwrap();
        let err = Lock::take(dir.path(), "us-east-1", "jobs-dev", "plan").unwrap_err();
        let message = err.to_string();
        let expected = format!(
            "stack `jobs-dev` (us-east-1) is in use by another kumo: deploy, pid {}, since ",
            std::process::id()
        );
        assert!(message.starts_with(&expected), "{message}");
        assert!(message.ends_with("Z; wait for it or stop it"), "{message}");

        let other_region = Lock::take(dir.path(), "eu-west-1", "jobs-dev", "deploy");
        let other_stack = Lock::take(dir.path(), "us-east-1", "logs-dev", "deploy");
        assert!(other_region.is_ok() && other_stack.is_ok());

        drop(first);
        assert!(!dir.path().join("us-east-1/jobs-dev.holder").exists());
        // A process another test forks in between shares the lock's descriptor until it execs
        // (which closes it): the lock may outlive the drop by that long, never longer.
        let again = (0..100).find_map(|_| {
            let taken = Lock::take(dir.path(), "us-east-1", "jobs-dev", "delete").ok();
            if taken.is_none() {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            taken
        });
        assert!(again.is_some(), "the lock is free once dropped");
    }

    #[test]
    fn files_left_by_a_process_that_ended_are_no_lock() {
        let dir = tempfile::tempdir().unwrap();
        let locks = dir.path().join("us-east-1");
        std::fs::create_dir_all(&locks).unwrap();
        std::fs::write(locks.join("jobs-dev.lock"), "").unwrap();
        std::fs::write(
            locks.join("jobs-dev.holder"),
            r#"{"command":"deploy","pid":4000000,"since":"2020-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        let _lock = Lock::take(dir.path(), "us-east-1", "jobs-dev", "delete").unwrap();
        let holder = std::fs::read_to_string(locks.join("jobs-dev.holder")).unwrap();
        assert!(holder.contains(r#""command":"delete""#), "{holder}");
    }

    #[test]
    fn a_holder_that_has_not_written_its_name_is_still_a_holder() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Lock::take(dir.path(), "us-east-1", "jobs-dev", "deploy").unwrap();
        std::fs::remove_file(dir.path().join("us-east-1/jobs-dev.holder")).unwrap();
        let err = Lock::take(dir.path(), "us-east-1", "jobs-dev", "deploy").unwrap_err();
        assert!(
            err.to_string()
                .contains("another kumo: it has not said which one yet;"),
            "{err}"
        );
    }

    #[test]
    fn names_cannot_leave_the_locks_directory() {
        let dir = tempfile::tempdir().unwrap();
        let locks = dir.path().join("locks");
        let _lock = Lock::take(&locks, "../up", "a/../../b", "plan").unwrap();
        assert!(locks.join("___up/a_______b.lock").is_file());
    }
}
