//! The security view of a change, drawn: kumo-core's [`SecurityChanges`] as tables (IAM
//! statements, managed policies, resource policies, security group rules, public access), as
//! `cdk diff` draws them, one `+` or `-` row per item.

use std::io::Write;

use kumo_core::security::{Direction, Row, SecurityChanges, Sign, Statement};
use kumo_core::Template;

use crate::error::CliError;
use crate::nested::NestedChanges;
use crate::ui::{Style, Ui};

/// The security changes of a deploy of `new` over `old` and of their nested stacks
/// (`nested`, as [`crate::nested::changes`] finds them): the stack's rows, then each nested stack's,
/// its holders named by its path (`Jobs.Worker`). A nested stack whose deployed template
/// `nested` does not have counts as new: all it grants is shown.
pub fn between(old: &Template, new: &Template, nested: &[NestedChanges]) -> SecurityChanges {
    let mut changes = SecurityChanges::between(old, new);
    let nothing = Template::new();
    for child in nested.iter().filter(|child| !child.changes.is_empty()) {
        let before = child.before.as_ref().unwrap_or(&nothing);
        changes.extend(SecurityChanges::between(before, &child.after).within(&child.path));
    }
    changes
}

/// The security view of a deploy of `template` over `previous` (`None`: a new stack) with the
/// changes of their `nested` stacks, as `plan` and `deploy` show it: printed, and recorded in
/// the `--json` report under `security`.
pub fn show(
    name: &str,
    previous: Option<&Template>,
    template: &Template,
    nested: &[NestedChanges],
    ui: &Ui,
    out: &mut dyn Write,
) -> Result<SecurityChanges, CliError> {
    let nothing = Template::new();
    let changes = between(previous.unwrap_or(&nothing), template, nested);
    for (style, line) in lines(&changes) {
        writeln!(out, "  {}", ui.paint(style, &line)).map_err(CliError::Stdout)?;
    }
    ui.annotate(
        name,
        "security",
        serde_json::to_value(&changes).unwrap_or_default(),
    );
    Ok(changes)
}

/// One table: a title, its column names, and its rows (a sign and one cell per column, a cell
/// being one or more lines).
struct Table {
    title: String,
    headers: &'static [&'static str],
    rows: Vec<(Sign, Vec<Vec<String>>)>,
}

/// The security view of `changes` as styled lines: a heading saying whether access widens,
/// then a table per kind of item that changes, the stack's own then each nested stack's (its
/// path in the title); nothing when none does.
pub fn lines(changes: &SecurityChanges) -> Vec<(Style, String)> {
    if changes.is_empty() {
        return Vec::new();
    }
    let heading = if changes.broadens() {
        (Style::Bad, "Security: this change widens access".to_owned())
    } else {
        (
            Style::Changed,
            "Security: access changes; nothing widens it".to_owned(),
        )
    };
    let mut lines = vec![heading];
    for (path, changes) in changes.by_stack() {
        for mut table in tables(&changes).into_iter().filter(|t| !t.rows.is_empty()) {
            if !path.is_empty() {
                table.title = format!("{} in nested stack {path}", table.title);
            }
            lines.extend(draw(&table));
        }
    }
    lines
}

/// A table per kind of item of `changes` (those without rows included).
fn tables(changes: &SecurityChanges) -> [Table; 5] {
    [
        statements("IAM statements", &changes.iam),
        Table {
            title: "Managed policies".to_owned(),
            headers: &["Resource", "Managed policy ARN"],
            rows: rows(&changes.managed, |a| {
                vec![vec![format!("${{{}}}", a.holder)], vec![a.arn.clone()]]
            }),
        },
        statements("Resource-based policies", &changes.policies),
        Table {
            title: "Security group rules".to_owned(),
            headers: &["Group", "Dir", "Protocol", "Peer"],
            rows: rows(&changes.groups, |r| {
                let direction = match r.direction {
                    Direction::Ingress => "In",
                    Direction::Egress => "Out",
                };
                let protocol = if r.protocol == "all" {
                    "Everything".to_owned()
                } else {
                    format!("{}:{}", r.protocol, r.ports)
                };
                let peer = match r.peer.as_str() {
                    "0.0.0.0/0" => "Everyone (IPv4)".to_owned(),
                    "::/0" => "Everyone (IPv6)".to_owned(),
                    other => other.to_owned(),
                };
                [r.group.clone(), direction.to_owned(), protocol, peer]
                    .map(|cell| vec![cell])
                    .to_vec()
            }),
        },
        Table {
            title: "Public access (+ loosened, - tightened)".to_owned(),
            headers: &["Resource", "Setting", "Old", "New"],
            rows: rows(&changes.public, |e| {
                let show = |value: &Option<String>| value.clone().unwrap_or("(none)".to_owned());
                [
                    format!("${{{}}} ({})", e.holder, e.resource_type),
                    e.setting.clone(),
                    show(&e.old),
                    show(&e.new),
                ]
                .map(|cell| vec![cell])
                .to_vec()
            }),
        },
    ]
}

/// A table of policy statements.
fn statements(title: &str, rows_of: &[Row<Statement>]) -> Table {
    Table {
        title: title.to_owned(),
        headers: &["Resource", "Effect", "Action", "Principal", "Condition"],
        rows: rows(rows_of, |s| {
            vec![
                s.resources.clone(),
                vec![s.effect.clone()],
                s.actions.clone(),
                s.principals.clone(),
                s.condition.iter().cloned().collect(),
            ]
        }),
    }
}

/// Each row's sign with the cells `cells` makes of its item.
fn rows<T>(
    items: &[Row<T>],
    cells: impl Fn(&T) -> Vec<Vec<String>>,
) -> Vec<(Sign, Vec<Vec<String>>)> {
    items
        .iter()
        .map(|row| (row.change, cells(&row.item)))
        .collect()
}

/// `table` in box-drawing lines: the title, the header, and each row in the colour of its sign.
fn draw(table: &Table) -> Vec<(Style, String)> {
    let width = |text: &str| text.chars().count();
    let mut widths: Vec<usize> = table.headers.iter().map(|h| width(h)).collect();
    for (_, cells) in &table.rows {
        for (column, cell) in cells.iter().enumerate() {
            let widest = cell.iter().map(|line| width(line)).max().unwrap_or(0);
            widths[column] = widths[column].max(widest);
        }
    }
    let rule = |left: &str, middle: &str, right: &str| {
        let parts: Vec<String> = std::iter::once(3)
            .chain(widths.iter().map(|w| w + 2))
            .map(|w| "─".repeat(w))
            .collect();
        format!("{left}{}{right}", parts.join(middle))
    };
    let line = |sign: &str, cells: &[&str]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!(" {cell}{} ", " ".repeat(w - width(cell))))
            .collect();
        format!("│ {sign} │{}│", padded.join("│"))
    };
    let mut lines = vec![
        (Style::Plain, table.title.clone()),
        (Style::Dim, rule("┌", "┬", "┐")),
        (Style::Plain, line(" ", table.headers)),
        (Style::Dim, rule("├", "┼", "┤")),
    ];
    for (sign, cells) in &table.rows {
        let (style, mark) = match sign {
            Sign::Added => (Style::Good, "+"),
            Sign::Removed => (Style::Bad, "-"),
        };
        let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for index in 0..height {
            let texts: Vec<&str> = cells
                .iter()
                .map(|cell| cell.get(index).map_or("", String::as_str))
                .collect();
            lines.push((style, line(if index == 0 { mark } else { " " }, &texts)));
        }
    }
    lines.push((Style::Dim, rule("└", "┴", "┘")));
    lines
}
