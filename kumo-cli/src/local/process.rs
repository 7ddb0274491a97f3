//! What runs under a process ID, and stopping it: how `local down` makes sure the process its
//! pid file names is still the emulator it started before it signals it.

use std::process::{Command, Stdio};

/// The command line of process `pid`, its arguments joined by spaces, or `None` when no
/// process has that ID (or it cannot be read): `/proc/<pid>/cmdline` on Linux,
/// `ps -o command=` on other Unix systems.
pub fn command_line(pid: u32) -> Option<String> {
    if cfg!(target_os = "linux") {
        proc_command_line(pid)
    } else {
        ps_command_line(pid)
    }
}

/// The command line of `pid` from `/proc/<pid>/cmdline`, whose arguments end with a NUL each.
fn proc_command_line(pid: u32) -> Option<String> {
    let bytes = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    Some(text.trim_end_matches('\0').replace('\0', " "))
}

/// The command line of `pid` as `ps` shows it, not truncated.
fn ps_command_line(pid: u32) -> Option<String> {
    let output = Command::new("ps")
        .args(["-ww", "-o", "command=", "-p", &pid.to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    (output.status.success() && !text.trim().is_empty()).then(|| text.trim_end().to_owned())
}

/// Sends `pid` the termination signal; whether it was delivered.
pub fn terminate(pid: u32) -> Result<bool, std::io::Error> {
    Command::new("kill")
        .arg(pid.to_string())
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|status| status.success())
}

/// A shell that waits on its input (the caller's pipe), started with `args` after its script,
/// returned once it runs: a process whose command line is known and already set, for tests.
#[cfg(test)]
pub fn waiting_shell(args: &[&str]) -> std::process::Child {
    use std::io::BufRead;
    let mut child = Command::new("sh")
        .args(["-c", "echo ready; read line"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let stdout = child.stdout.as_mut().unwrap();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "ready\n");
    child
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn both_readers_see_a_child_and_neither_a_finished_one() {
        let mut child = waiting_shell(&[]);
        let pid = child.id();
        let line = "sh -c echo ready; read line";
        assert_eq!(proc_command_line(pid).as_deref(), Some(line));
        assert_eq!(ps_command_line(pid).as_deref(), Some(line));
        assert_eq!(command_line(pid).as_deref(), Some(line));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(proc_command_line(pid), None);
        assert_eq!(ps_command_line(pid), None);
    }
}
