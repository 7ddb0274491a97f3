//! `local up` / `local down`: moto's CloudFormation server on 127.0.0.1, in the background,
//! with its process ID and log under `.kumo/local` (`moto-<port>.pid`, `moto-<port>.log`).

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::error::CliError;

/// The emulator's program: moto's server with kumo's fix of its change sets.
const EMULATOR: &str = include_str!("emulator.py");

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
    command.args(["-c", EMULATOR, "-H", "127.0.0.1", "-p", &port.to_string()]);
    command
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

    /// Whether something listens on the emulator's port.
    pub fn is_listening(&self) -> bool {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        TcpStream::connect_timeout(&address, Duration::from_millis(300)).is_ok()
    }

    /// Starts the emulator unless one listens, installing `moto[server]` with pip if needed.
    pub fn up(&self, out: &mut dyn Write) -> Result<(), CliError> {
        if self.is_listening() {
            writeln!(out, "local emulator: listening on 127.0.0.1:{}", self.port)
                .map_err(CliError::Stdout)?;
            return Ok(());
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
        std::fs::create_dir_all(&self.dir).map_err(|source| CliError::Write {
            path: self.dir.clone(),
            source,
        })?;
        let log_path = self.dir.join(format!("moto-{}.log", self.port));
        let log = std::fs::File::create(&log_path).map_err(|source| CliError::Write {
            path: log_path.clone(),
            source,
        })?;
        let child = emulator(self.port)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(CliError::Stdout)?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|err| {
                fail(format!(
                    "cannot start the emulator with {}: {err}",
                    python3()
                ))
            })?;
        let pid_path = self.pid_path();
        crate::fs::write_atomic(&pid_path, child.id().to_string().as_bytes())?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.is_listening() {
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "moto did not listen on 127.0.0.1:{} within 60 s; see {}",
                    self.port,
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

    /// Stops the emulator `up` started.
    pub fn down(&self, out: &mut dyn Write) -> Result<(), CliError> {
        let pid_path = self.pid_path();
        let Ok(pid) = std::fs::read_to_string(&pid_path) else {
            writeln!(out, "local emulator: not started from here").map_err(CliError::Stdout)?;
            return Ok(());
        };
        let pid = pid.trim();
        let stopped = Command::new("kill")
            .arg(pid)
            .stderr(Stdio::null())
            .status()
            .map_err(|err| CliError::Local(format!("cannot run kill: {err}")))?;
        let _ = std::fs::remove_file(&pid_path);
        let message = if stopped.success() {
            format!("local emulator: stopped (pid {pid})")
        } else {
            format!("local emulator: pid {pid} was not running")
        };
        writeln!(out, "{message}").map_err(CliError::Stdout)?;
        Ok(())
    }
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
