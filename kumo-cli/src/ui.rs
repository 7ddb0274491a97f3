//! How the command line prints: colour, verbosity, the `--json` report, tables and prefixed
//! lines.

use serde_json::Value as Json;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use crate::error::CliError;

/// How to print, from the global flags and the terminal.
#[derive(Debug, Default)]
pub struct Ui {
    /// Colour: on a terminal that takes it (console's rules: not with `NO_COLOR`, `CLICOLOR=0`
    /// or `TERM=dumb`), unless `--no-color` or `--json`.
    pub color: bool,
    /// `-v`: also print what kumo does on the way (requests, uploads, sizes).
    pub verbose: bool,
    /// A live progress bar on standard error (a terminal, and not `--json`).
    pub progress: bool,
    /// `--json`: the report is printed, so worth building where building it costs.
    pub json: bool,
    report: RefCell<BTreeMap<String, Json>>,
    parallel: Cell<bool>,
}

/// `text` for a line of output: as it is, or, when it holds a control character (a line
/// break, a terminal's escape), quoted with Rust's escapes, so that text from a template or a
/// deployed stack can neither split the line nor drive the terminal.
pub fn one_line(text: &str) -> Cow<'_, str> {
    match text.contains(char::is_control) {
        true => Cow::Owned(format!("{text:?}")),
        false => Cow::Borrowed(text),
    }
}

/// What a piece of text means, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Something added or done well (green).
    Good,
    /// Something removed or failed (red).
    Bad,
    /// Something changed or in progress (yellow).
    Changed,
    /// Detail (dim).
    Dim,
    /// Text as it is (no colour).
    Plain,
}

impl Ui {
    /// The settings for these flags; `terminal` says whether standard output and standard
    /// error are terminals (they are not when a test captures the output).
    pub fn new(json: bool, no_color: bool, verbose: bool, terminal: bool) -> Ui {
        Ui {
            color: terminal && !no_color && !json && console::colors_enabled(),
            verbose,
            progress: terminal && !json,
            json,
            report: RefCell::default(),
            parallel: Cell::new(false),
        }
    }

    /// The settings of one of several targets: colour and verbosity as these, no progress bar,
    /// and a report of its own.
    pub fn child(&self) -> Ui {
        Ui {
            color: self.color,
            verbose: self.verbose,
            progress: false,
            json: self.json,
            report: RefCell::default(),
            parallel: Cell::new(false),
        }
    }

    /// The `result` the report holds for `stack` (`created`, `unchanged`, ...), if any.
    pub fn result_of(&self, stack: &str) -> Option<String> {
        let report = self.report.borrow();
        let result = report.get(stack)?.get("result")?.as_str()?;
        Some(result.to_owned())
    }

    /// Takes what the report holds, leaving it empty: a target's, to go under its name.
    pub fn take_report(&self) -> Json {
        Json::Object(self.report.take().into_iter().collect())
    }

    /// `text` in the colour of `style` when colour is on.
    pub fn paint(&self, style: Style, text: &str) -> String {
        if !self.color {
            return text.to_owned();
        }
        let painted = console::Style::new().force_styling(true);
        let painted = match style {
            Style::Plain => return text.to_owned(),
            Style::Good => painted.green(),
            Style::Bad => painted.red(),
            Style::Changed => painted.yellow(),
            Style::Dim => painted.dim(),
        };
        painted.apply_to(text).to_string()
    }

    /// Prints `line` when `-v` is on.
    pub fn detail(&self, out: &mut dyn Write, line: &str) -> Result<(), CliError> {
        if self.verbose {
            writeln!(out, "{}", self.paint(Style::Dim, line)).map_err(CliError::Stdout)?;
        }
        Ok(())
    }

    /// Records what a command found for `stack`, for the `--json` report; keys already
    /// annotated and not in `value` stay.
    pub fn report(&self, stack: &str, value: Json) {
        let mut report = self.report.borrow_mut();
        match (report.get_mut(stack), value) {
            (Some(Json::Object(before)), Json::Object(found)) => before.extend(found),
            (_, value) => {
                report.insert(stack.to_owned(), value);
            }
        }
    }

    /// Adds `key` to what the report says of `stack`.
    pub fn annotate(&self, stack: &str, key: &str, value: Json) {
        let mut report = self.report.borrow_mut();
        let entry = report
            .entry(stack.to_owned())
            .or_insert_with(|| Json::Object(serde_json::Map::new()));
        if let Json::Object(map) = entry {
            map.insert(key.to_owned(), value);
        }
    }

    /// Says that several stacks run at once: their lines are prefixed, and there are no
    /// progress bars.
    pub fn set_parallel(&self, parallel: bool) {
        self.parallel.set(parallel);
    }

    /// Whether several stacks run at once ([`Ui::set_parallel`]).
    pub fn parallel(&self) -> bool {
        self.parallel.get()
    }

    /// Records in the report that the command failed, and why (under `error`, beside the
    /// stacks: a stack name always holds a `-`, so none is called that).
    pub fn fail(&self, message: &str) {
        self.report
            .borrow_mut()
            .insert("error".to_owned(), Json::String(message.to_owned()));
    }

    /// The `--json` report: an object of stack name to what the command found.
    pub fn finish_report(&self) -> String {
        serde_json::to_string_pretty(&*self.report.borrow()).unwrap_or_default()
    }
}

/// With `json` (`--json` on a command that reports), prints `ui`'s report to `out`, with the
/// error of `result` if there is one, whatever happened; returns `result`.
pub fn with_report(
    ui: &Ui,
    json: bool,
    result: Result<ExitCode, CliError>,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    if json {
        if let Err(err) = &result {
            ui.fail(&err.to_string());
        }
        writeln!(out, "{}", ui.finish_report()).map_err(CliError::Stdout)?;
    }
    result
}

/// Prints `rows` under `headers` in columns as wide as their widest cell, two spaces apart.
pub fn table<const N: usize>(
    headers: &[&str; N],
    rows: &[[String; N]],
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let width = |text: &str| text.chars().count();
    let mut widths = headers.map(width);
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            widths[column] = widths[column].max(width(cell));
        }
    }
    let line = |cells: [&str; N]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - width(cell))))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    writeln!(out, "{}", line(*headers)).map_err(CliError::Stdout)?;
    for row in rows {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str))).map_err(CliError::Stdout)?;
    }
    Ok(())
}

/// A writer of whole lines into a shared output, each prefixed (`network-dev | ...`, or
/// nothing): what each of several stacks deployed at once prints.
pub struct Prefixed<'a, 'o> {
    out: &'a RefCell<&'o mut dyn Write>,
    prefix: String,
    line: Vec<u8>,
}

impl<'a, 'o> Prefixed<'a, 'o> {
    /// Lines into `out`, each starting with `prefix`.
    pub fn new(out: &'a RefCell<&'o mut dyn Write>, prefix: String) -> Self {
        Prefixed {
            out,
            prefix,
            line: Vec::new(),
        }
    }
}

impl Write for Prefixed<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &byte in buf {
            self.line.push(byte);
            if byte == b'\n' {
                self.flush()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.line.is_empty() {
            return Ok(());
        }
        let mut out = self.out.borrow_mut();
        out.write_all(self.prefix.as_bytes())?;
        out.write_all(&self.line)?;
        self.line.clear();
        Ok(())
    }
}

impl Drop for Prefixed<'_, '_> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_a_control_character_is_quoted_with_escapes() {
        assert_eq!(one_line("Jobs"), "Jobs");
        assert_eq!(one_line("Ünï-código"), "Ünï-código");
        assert_eq!(one_line("a\nb\u{1b}[2J"), r#""a\nb\u{1b}[2J""#);
    }

    #[test]
    fn colour_only_on_a_terminal_and_never_with_json() {
        assert_eq!(
            Ui::new(false, false, false, false).paint(Style::Bad, "x"),
            "x"
        );
        assert_eq!(
            Ui::new(true, false, false, true).paint(Style::Bad, "x"),
            "x"
        );
        assert_eq!(
            Ui::new(false, true, false, true).paint(Style::Bad, "x"),
            "x"
        );
        // What console decides from the terminal and NO_COLOR, CLICOLOR and TERM, set to yes
        // (for the process: no other test expects colour off on a terminal without a flag).
        console::set_colors_enabled(true);
        assert_eq!(
            Ui::new(false, false, false, true).paint(Style::Bad, "x"),
            "\x1b[31mx\x1b[0m"
        );
        assert_eq!(
            Ui::new(false, false, false, true).paint(Style::Dim, "x"),
            "\x1b[2mx\x1b[0m"
        );
        console::set_colors_enabled(false);
        assert_eq!(
            Ui::new(false, false, false, true).paint(Style::Bad, "x"),
            "x"
        );
    }

    #[test]
    fn details_only_when_verbose() {
        let mut out = Vec::new();
        Ui::new(false, false, false, false)
            .detail(&mut out, "x")
            .unwrap();
        assert!(out.is_empty());
        Ui::new(false, false, true, false)
            .detail(&mut out, "x")
            .unwrap();
        assert_eq!(out, b"x\n");
    }

    #[test]
    fn prefixed_lines_stay_whole() {
        let mut out: Vec<u8> = Vec::new();
        {
            let shared: RefCell<&mut dyn Write> = RefCell::new(&mut out);
            let mut a = Prefixed::new(&shared, "a | ".to_owned());
            let mut b = Prefixed::new(&shared, "b | ".to_owned());
            write!(a, "one ").unwrap();
            writeln!(b, "two").unwrap();
            writeln!(a, "three").unwrap();
            write!(b, "unfinished").unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "b | two\na | one three\nb | unfinished"
        );
    }

    #[test]
    fn annotations_join_the_report() {
        let ui = Ui::new(true, false, false, false);
        ui.annotate("a", "security", serde_json::json!({}));
        ui.report("a", serde_json::json!({"result": "created"}));
        ui.annotate("a", "started_ms", serde_json::json!(3));
        ui.annotate("b", "result", serde_json::json!("not attempted"));
        let report: Json = serde_json::from_str(&ui.finish_report()).unwrap();
        assert_eq!(report["a"]["started_ms"], 3);
        assert_eq!(report["a"]["security"], serde_json::json!({}));
        assert_eq!(report["b"]["result"], "not attempted");
    }

    #[test]
    fn the_report_is_one_object_by_stack() {
        let ui = Ui::new(true, false, false, false);
        ui.report("b", serde_json::json!({"result": "unchanged"}));
        ui.report("a", serde_json::json!({"result": "created"}));
        assert_eq!(
            ui.finish_report(),
            "{\n  \"a\": {\n    \"result\": \"created\"\n  },\n  \"b\": {\n    \"result\": \"unchanged\"\n  }\n}"
        );
    }
}
