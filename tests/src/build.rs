//! Building a crate the tests write (a migrated one) with cargo, within a deadline.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Builds `bin` of the crate at `krate` with `target` as its target directory, giving up after
/// `deadline`; returns whether it built and, when it did not, the head of cargo's messages.
pub fn build_crate(
    krate: &Path,
    target: &Path,
    bin: &str,
    deadline: Duration,
) -> Result<(), String> {
    fs::create_dir_all(target).map_err(|err| err.to_string())?;
    let log = target.with_extension(format!("{bin}.log"));
    let mut cargo = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--bin", bin])
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::null())
        .stderr(File::create(&log).map_err(|err| err.to_string())?)
        .spawn()
        .map_err(|err| format!("cargo does not run: {err}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = cargo.try_wait().map_err(|err| err.to_string())? {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = cargo.kill();
            let _ = cargo.wait();
            return Err(format!("building `{bin}` took more than {deadline:?}"));
        }
        thread::sleep(Duration::from_millis(500));
    };
    if status.success() {
        return Ok(());
    }
    let errors = fs::read_to_string(&log).unwrap_or_default();
    Err(errors.lines().take(80).collect::<Vec<_>>().join("\n"))
}
