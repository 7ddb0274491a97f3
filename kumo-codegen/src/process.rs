//! Running a download tool (pip, npm) with a deadline.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// Runs `command` to completion, killing it after `timeout`; an error unless it succeeds.
pub fn run(command: &mut Command, timeout: Duration) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot run {program}"))?;
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("{program} failed ({status})");
            }
            return Ok(());
        }
        if Instant::now() >= deadline {
            // Already exited or not: either way the deadline has passed.
            let _ = child.kill();
            let _ = child.wait();
            bail!("{program} did not finish within {} s", timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_past_its_deadline_is_stopped() {
        let started = Instant::now();
        let error = run(Command::new("sleep").arg("30"), Duration::from_millis(200)).unwrap_err();
        assert!(error.to_string().contains("did not finish"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_failing_command_is_an_error() {
        assert!(run(&mut Command::new("false"), Duration::from_secs(10)).is_err());
        assert!(run(&mut Command::new("true"), Duration::from_secs(10)).is_ok());
    }
}
