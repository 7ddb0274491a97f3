//! `local up` / `local down`: moto's CloudFormation server on 127.0.0.1, in the background,
//! with its process ID and log under `.kumo/local` (`moto-<port>.pid`, `moto-<port>.log`).

#[cfg(unix)]
mod process;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::error::CliError;

/// The emulator's program: moto's server with kumo's fix of its change sets.
const EMULATOR: &str = include_str!("emulator.py");

/// How long `local up` waits for the emulator to listen once started.
const START_DEADLINE: Duration = Duration::from_secs(60);

/// How long `local down` waits for the emulator to end once told to.
#[cfg(unix)]
const STOP_DEADLINE: Duration = Duration::from_secs(10);

/// The command that runs the local CloudFormation emulator on 127.0.0.1:`port` in the
/// foreground: moto's server (through `KUMO_PYTHON`, else `python3`), with stacks created and
/// updated through change sets getting their outputs and exports as on CloudFormation.
///
/// ```no_run
/// let mut emulator = kumo_cli::emulator(5000).spawn()?;
/// # emulator.kill()?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn emulator(port: u16) -> Command {
    let mut command = Command::new(python3());
    command
        .args(["-c", EMULATOR])
        .args(listen_args(port).split(' '));
    command
}

/// The arguments that end the emulator's command line: where it listens.
fn listen_args(port: u16) -> String {
    format!("-H 127.0.0.1 -p {port}")
}

/// Whether `command_line` (arguments joined by spaces) is that of [`emulator`] on `port`: it
/// holds the first line of kumo's emulator program and ends with the emulator's address.
#[cfg(unix)]
fn is_emulator(command_line: &str, port: u16) -> bool {
    let title = EMULATOR.lines().next().unwrap_or(EMULATOR);
    command_line.contains(title) && command_line.ends_with(&format!(" {}", listen_args(port)))
}

/// The local emulator of a project.
pub struct Local {
    dir: PathBuf,
    port: u16,
}

impl Local {
    /// The emulator whose state is in `state_dir/local`, on `port`.
    pub fn new(state_dir: &Path, port: u16) -> Self {
        Local {
            dir: state_dir.join("local"),
            port,
        }
    }

    /// Where the process ID of the emulator on this port is kept.
    fn pid_path(&self) -> PathBuf {
        self.dir.join(format!("moto-{}.pid", self.port))
    }

    /// Where the output of the emulator on this port goes.
    fn log_path(&self) -> PathBuf {
        self.dir.join(format!("moto-{}.log", self.port))
    }

    /// Whether something listens on the emulator's port.
    pub fn is_listening(&self) -> bool {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        TcpStream::connect_timeout(&address, Duration::from_millis(300)).is_ok()
    }

    /// Starts the emulator unless one listens, installing `moto[server]` with pip if needed.
    /// kumo processes starting it at once take turns ([`Local::starting`]): the first starts
    /// it, the others find it listening.
    pub fn up(&self, out: &mut dyn Write) -> Result<(), CliError> {
        let listening = |out: &mut dyn Write| {
            writeln!(out, "local emulator: listening on 127.0.0.1:{}", self.port)
                .map_err(CliError::Stdout)
        };
        if self.is_listening() {
            return listening(out);
        }
        std::fs::create_dir_all(&self.dir).map_err(|source| CliError::Write {
            path: self.dir.clone(),
            source,
        })?;
        let _turn = self.starting()?;
        if self.is_listening() {
            return listening(out);
        }
        let fail = |message: String| CliError::Local(message);
        if !python(&["-c", "import moto.server"])? {
            writeln!(out, "local emulator: installing moto[server] with pip")
                .map_err(CliError::Stdout)?;
            let installed = python(&[
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "moto[server]",
            ])?;
            if !installed {
                return Err(fail(
                    "`python3 -m pip install 'moto[server]'` failed".to_owned(),
                ));
            }
        }
        let log_path = self.log_path();
        let log = std::fs::File::create(&log_path).map_err(|source| CliError::Write {
            path: log_path.clone(),
            source,
        })?;
        let mut command = emulator(self.port);
        command
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(CliError::Stdout)?)
            .stderr(log);
        #[cfg(unix)]
        command.process_group(0);
        let mut child = command.spawn().map_err(|err| {
            fail(format!(
                "cannot start the emulator with {}: {err}",
                python3()
            ))
        })?;
        let pid_path = self.pid_path();
        crate::fs::write_atomic(&pid_path, child.id().to_string().as_bytes())?;
        let deadline = Instant::now() + START_DEADLINE;
        while !self.is_listening() {
            // An emulator that ended will not listen: say so now, with the last of its log.
            if let Ok(Some(status)) = child.try_wait() {
                let _ = std::fs::remove_file(&pid_path);
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                let last = log.lines().rev().find(|line| !line.trim().is_empty());
                return Err(fail(format!(
                    "ended ({status}) before it listened on 127.0.0.1:{}: {} (see {})",
                    self.port,
                    last.unwrap_or("it wrote nothing"),
                    log_path.display()
                )));
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "moto did not listen on 127.0.0.1:{} within {} s; see {}",
                    self.port,
                    START_DEADLINE.as_secs(),
                    log_path.display()
                )));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        writeln!(
            out,
            "local emulator: started on 127.0.0.1:{} (log: {})",
            self.port,
            log_path.display()
        )
        .map_err(CliError::Stdout)?;
        Ok(())
    }

    /// The turn to start this port's emulator: the operating system's lock on
    /// `moto-<port>.lock`, released when the returned file is dropped or the process ends.
    /// Another kumo starting it meanwhile is waited for, as long as a start may take. Where the
    /// file cannot be locked (a file system without locks), each goes ahead on its own.
    fn starting(&self) -> Result<std::fs::File, CliError> {
        let path = self.dir.join(format!("moto-{}.lock", self.port));
        let fail = |source| CliError::Write {
            path: path.clone(),
            source,
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(fail)?;
        // Its pip install and start, and then some.
        let deadline = Instant::now() + START_DEADLINE * 2;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(CliError::Local(format!(
                    "another kumo has been starting the emulator on 127.0.0.1:{} for {} s (installing it with pip if needed, then starting it, whose log is {})",
                    self.port,
                    (START_DEADLINE * 2).as_secs(),
                    self.log_path().display()
                )))
                }
                // No locks here (a network file system without a lock service, say): the
                // lock only spares a second start, so go ahead as without it.
                Err(std::fs::TryLockError::Error(_)) => return Ok(file),
            }
        }
    }

    /// Stops the emulator `up` started, and only it: a pid file that names no process, or a
    /// process that is not kumo's emulator on this port, is stale and removed, and nothing is
    /// stopped.
    pub fn down(&self, out: &mut dyn Write) -> Result<(), CliError> {
        let pid_path = self.pid_path();
        let Ok(text) = std::fs::read_to_string(&pid_path) else {
            writeln!(out, "local emulator: not started from here").map_err(CliError::Stdout)?;
            return Ok(());
        };
        let message = match text.trim().parse::<u32>() {
            Ok(pid) if pid > 0 => self.stop(pid)?,
            _ => stale(format_args!("{} holds no process ID", pid_path.display())),
        };
        let _ = std::fs::remove_file(&pid_path);
        writeln!(out, "local emulator: {message}").map_err(CliError::Stdout)?;
        Ok(())
    }

    /// Stops process `pid` if it is the emulator on this port; what happened.
    #[cfg(unix)]
    fn stop(&self, pid: u32) -> Result<String, CliError> {
        let Some(command_line) = process::command_line(pid) else {
            return Ok(stale(format_args!("pid {pid} has ended")));
        };
        if !is_emulator(&command_line, self.port) {
            return Ok(stale(format_args!("pid {pid} is another program")));
        }
        let signalled = process::terminate(pid)
            .map_err(|err| CliError::Local(format!("cannot run kill: {err}")))?;
        if !signalled {
            return Ok(format!("pid {pid} was not running"));
        }
        // Stopped once it has ended (or is a zombie, its command line gone), not when signalled.
        let deadline = Instant::now() + STOP_DEADLINE;
        while process::command_line(pid).is_some_and(|line| is_emulator(&line, self.port)) {
            if Instant::now() >= deadline {
                return Err(CliError::Local(format!(
                    "pid {pid} is still running {} s after it was told to stop",
                    STOP_DEADLINE.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(format!("stopped (pid {pid})"))
    }

    /// Leaves process `pid` alone: there is no way here to check that it is the emulator.
    #[cfg(not(unix))]
    fn stop(&self, pid: u32) -> Result<String, CliError> {
        Err(CliError::Local(format!(
            "cannot check on this system that pid {pid} (in {}) is kumo's emulator, so it is left running; stop it yourself",
            self.pid_path().display()
        )))
    }
}

/// What `local down` says of a pid file that names no emulator of kumo's, and why.
fn stale(why: std::fmt::Arguments<'_>) -> String {
    format!("no emulator of kumo's is running ({why}); removed the stale pid file")
}

/// The Python that runs moto: `KUMO_PYTHON`, else `python3`.
fn python3() -> String {
    std::env::var("KUMO_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn python(args: &[&str]) -> Result<bool, CliError> {
    Command::new(python3())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|status| status.success())
        .map_err(|err| {
            CliError::Local(format!(
                "cannot run python3 (needed for the local emulator): {err}"
            ))
        })
}

/// Runs `local up` or `local down`.
pub fn run(local: &Local, up: bool, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    if up {
        local.up(out)?;
    } else {
        local.down(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(all(test, unix))]
mod tests {

    use super::*;

    const PORT: u16 = 5999;

    /// A `Local` in a temporary directory whose pid file holds `pid`.
    fn local_with_pid(pid: &str) -> (tempfile::TempDir, Local) {
        let dir = tempfile::tempdir().unwrap();
        let local = Local::new(dir.path(), PORT);
        std::fs::create_dir_all(&local.dir).unwrap();
        std::fs::write(local.pid_path(), pid).unwrap();
        (dir, local)
    }

    fn down(local: &Local) -> String {
        let mut out = Vec::new();
        local.down(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Whether `child` ends within a second (`down` has waited until it was ending).
    fn ends(child: &mut std::process::Child) -> bool {
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn the_emulator_command_line_is_recognised_by_program_and_port() {
        let line = |port: u16| {
            let command = emulator(port);
            let mut words = vec![command.get_program().to_string_lossy().into_owned()];
            words.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
            words.join(" ")
        };
        assert!(is_emulator(&line(PORT), PORT));
        assert!(!is_emulator(&line(PORT), 599));
        assert!(!is_emulator(&line(59990), PORT));
        assert!(!is_emulator(
            "python3 -m moto.server -H 127.0.0.1 -p 5999",
            PORT
        ));
        assert!(!is_emulator("sleep 30", PORT));
    }

    #[test]
    fn an_unrelated_process_in_the_pid_file_survives() {
        let mut other = process::waiting_shell(&[]);
        let (_dir, local) = local_with_pid(&other.id().to_string());
        let out = down(&local);
        let alive = other.try_wait().unwrap().is_none();
        other.kill().unwrap();
        other.wait().unwrap();
        assert!(alive, "{out}");
        assert_eq!(
            out,
            format!(
                "local emulator: no emulator of kumo's is running (pid {} is another program); \
                 removed the stale pid file\n",
                other.id()
            )
        );
        assert!(!local.pid_path().exists());
    }

    #[test]
    fn a_pid_that_has_ended_is_stale() {
        let mut done = Command::new("true").spawn().unwrap();
        done.wait().unwrap();
        let (_dir, local) = local_with_pid(&format!("{}\n", done.id()));
        let out = down(&local);
        assert!(out.starts_with("local emulator: no emulator of kumo's is running (pid "));
        assert!(out.ends_with("); removed the stale pid file\n"), "{out}");
        assert!(!local.pid_path().exists());
        assert_eq!(down(&local), "local emulator: not started from here\n");
    }

    #[test]
    fn a_pid_file_without_a_process_id_is_stale() {
        for text in ["", "abc", "0", "-1", "4294967296"] {
            let (_dir, local) = local_with_pid(text);
            let out = down(&local);
            assert!(
                out.contains("holds no process ID); removed the stale pid file"),
                "{out}"
            );
            assert!(!local.pid_path().exists());
        }
    }

    #[test]
    fn the_emulator_is_stopped() {
        // A stand-in with the emulator's program and address on its command line.
        let listen = listen_args(PORT);
        let mut args = vec![EMULATOR];
        args.extend(listen.split(' '));
        let mut fake = process::waiting_shell(&args);
        let (_dir, local) = local_with_pid(&fake.id().to_string());
        let out = down(&local);
        assert_eq!(
            out,
            format!("local emulator: stopped (pid {})\n", fake.id())
        );
        assert!(ends(&mut fake), "the emulator still runs");
        assert!(!local.pid_path().exists());
    }
}
