//! The harness of kumo's workspace-level tests: external checkers run on synthesized templates,
//! moto's CloudFormation server for deploy tests, and a fault-injection proxy in front of it.

use std::process::Command;

pub mod build;
pub mod corpus;
mod moto;
pub mod proxy;

pub use moto::{http_client, MotoError, MotoServer};
pub use proxy::FaultProxy;

use kumo_core::Template;

/// Runs cfn-lint's entry point, so it works whether or not pip's script directory is on `PATH`.
const CFN_LINT: &str =
    "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())";

/// Runs the CLI on `app` with `argv` (the program name first), as a stack binary would, and
/// returns its exit code and what it printed, with its one-line error (if any) as a last line
/// `error: ...`.
pub fn run(app: &dyn kumo_core::App, argv: &[&str]) -> (std::process::ExitCode, String) {
    let mut out = Vec::new();
    let code = match kumo_cli::execute(app, argv.iter().copied(), &mut out) {
        Ok(code) => code,
        Err(err) => {
            out.extend_from_slice(format!("error: {err}\n").as_bytes());
            std::process::ExitCode::from(2)
        }
    };
    (code, String::from_utf8_lossy(&out).into_owned())
}

/// The Python interpreter tests use: `$KUMO_PYTHON`, else `python3`.
pub fn python() -> String {
    std::env::var("KUMO_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Why `cfn-lint` did not pass a template.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// Python could not be started.
    #[error("cannot run python3 for cfn-lint ({0}); install Python 3, or set KUMO_PYTHON")]
    Missing(#[source] std::io::Error),
    /// cfn-lint is not installed for that Python.
    #[error("cfn-lint is not installed; run `python3 -m pip install cfn-lint` ({0})")]
    NotInstalled(String),
    /// The template could not be written for `cfn-lint` to read.
    #[error("cannot write the template for cfn-lint: {0}")]
    Io(#[from] std::io::Error),
    /// `cfn-lint` reported errors.
    #[error("cfn-lint reported errors:\n{0}")]
    Findings(String),
}

/// Runs `cfn-lint` on a template. Errors fail; warnings and informational findings
/// (`--non-zero-exit-code error`) do not.
pub fn cfn_lint(template: &Template) -> Result<(), LintError> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("template.json");
    std::fs::write(&path, template.to_json())?;
    let output = Command::new(python())
        .args([
            "-c",
            CFN_LINT,
            "--non-zero-exit-code",
            "error",
            "--format",
            "parseable",
            "--",
        ])
        .arg(&path)
        .output()
        .map_err(LintError::Missing)?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("No module named") {
            return Err(LintError::NotInstalled(stderr.into_owned()));
        }
        let mut findings = String::from_utf8_lossy(&output.stdout).into_owned();
        findings.push_str(&stderr);
        Err(LintError::Findings(findings))
    }
}

/// The README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
