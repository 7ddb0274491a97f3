//! Formatting the generated code with rustfmt, the `stack!` body included (rustfmt does not look
//! inside macros).

use std::fmt::Write;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::MigrateError;

/// One statement of the `stack!` body.
pub enum Statement {
    /// Written as it is (with its attributes): `param`, `mapping`, a comment.
    Line(String),
    /// `head name = expr tail;`, whose expression rustfmt formats.
    Bind {
        head: String,
        name: String,
        expr: String,
        tail: String,
    },
}

/// The indentation of statements inside `stack! { pub Name(..) { ... } }`.
const INDENT: &str = "        ";

/// The `stack!` body, formatted: rustfmt does not look inside macros, so each expression is
/// formatted as the `let` of a function of its own and put back in its statement.
pub fn format_body(body: &[Statement]) -> Result<String, MigrateError> {
    let mut scratch = String::new();
    for (i, statement) in body.iter().enumerate() {
        if let Statement::Bind { name, expr, .. } = statement {
            let _ = writeln!(scratch, "fn s{i}() {{\n    let {name} = {expr};\n}}");
        }
    }
    let formatted = rustfmt_text(&scratch)?;
    let mut exprs = formatted.split("\nfn s").map(|f| {
        let body: Vec<&str> = f.lines().skip(1).filter(|l| *l != "}").collect();
        let text = body
            .iter()
            .map(|l| l.strip_prefix("    ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        text.trim()
            .strip_prefix("let ")
            .map(str::to_owned)
            .unwrap_or(text)
    });
    let mut out = String::new();
    for statement in body {
        let text = match statement {
            Statement::Line(line) => format!("{line}\n"),
            Statement::Bind { head, tail, .. } => {
                let bound = exprs.next().unwrap_or_default();
                let bound = bound.strip_suffix(';').unwrap_or(&bound);
                format!("{head} {bound}{tail};\n")
            }
        };
        for line in text.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "{INDENT}{line}");
            }
        }
    }
    Ok(out)
}

/// `source` formatted by rustfmt, to fit once indented inside `stack!`.
fn rustfmt_text(source: &str) -> Result<String, MigrateError> {
    let mut child = Command::new("rustfmt")
        .args([
            "--edition",
            "2021",
            "--emit",
            "stdout",
            "--config",
            "max_width=92",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| MigrateError::Rustfmt(err.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(source.as_bytes())
            .map_err(|err| MigrateError::Rustfmt(err.to_string()))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|err| MigrateError::Rustfmt(err.to_string()))?;
    if !output.status.success() {
        return Err(refused(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// rustfmt's refusal of the code: the first line it writes (`error: ...`).
fn refused(stderr: &[u8]) -> MigrateError {
    let stderr = String::from_utf8_lossy(stderr);
    let first = stderr.lines().map(str::trim).find(|line| !line.is_empty());
    MigrateError::Generated(first.unwrap_or("no reason given").to_owned())
}

/// Formats the written Rust files.
pub fn rustfmt_files(files: &[PathBuf]) -> Result<(), MigrateError> {
    for chunk in files.chunks(64) {
        let output = Command::new("rustfmt")
            .args(["--edition", "2021"])
            .args(chunk)
            .output()
            .map_err(|err| MigrateError::Rustfmt(err.to_string()))?;
        if !output.status.success() {
            return Err(refused(&output.stderr));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_rustfmt_refuses_is_one_line_naming_a_bug_of_kumo() {
        let err = rustfmt_text("fn s0() {\n    let x = \"\\u001b\";\n}\n").unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, MigrateError::Generated(_)), "{message}");
        assert!(
            message.starts_with("rustfmt refused the code kumo migrate wrote, a bug of kumo"),
            "{message}"
        );
        assert!(
            message.ends_with(": error: incorrect unicode escape sequence"),
            "{message}"
        );
        assert!(!message.contains("rustup component add"), "{message}");
    }
}
