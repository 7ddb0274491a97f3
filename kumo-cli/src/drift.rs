//! `drift`: CloudFormation's drift detection, which compares each deployed resource with what
//! its stack's template says it should be (unlike `status` and `diff --live`, which compare the
//! local template with the deployed one).

use std::io::Write;
use std::process::ExitCode;

use aws_sdk_cloudformation::Client;
use kumo_core::{App, Stack};
use serde_json::json;

use crate::cli::Selection;
use crate::diff::CHANGES;
use crate::error::CliError;
use crate::events::busy;
use crate::session::Session;
use crate::stackset;
use crate::synth::select;
use crate::ui::{Style, Ui};

/// How a drift detection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// `DETECTION_COMPLETE` or `DETECTION_FAILED`.
    pub status: String,
    /// The stack's drift: `IN_SYNC`, `DRIFTED`, `UNKNOWN` or `NOT_CHECKED`.
    pub stack_status: String,
    /// Why it failed, when it did.
    pub reason: Option<String>,
}

/// One resource's drift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDrift {
    /// Its logical ID.
    pub logical_id: String,
    /// Its physical ID, when it has one.
    pub physical_id: Option<String>,
    /// Its type.
    pub resource_type: String,
    /// `IN_SYNC`, `MODIFIED`, `DELETED`, `NOT_CHECKED` or `UNKNOWN`.
    pub status: String,
    /// Why it was not checked, when it was not.
    pub reason: Option<String>,
    /// Its properties that differ from the template.
    pub differences: Vec<PropertyDrift>,
}

/// One property that differs from the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyDrift {
    /// Its path, such as `/DelaySeconds`.
    pub path: String,
    /// The value the template gives it.
    pub expected: String,
    /// The value it has.
    pub actual: String,
    /// `ADD`, `REMOVE` or `NOT_EQUAL`.
    pub difference: String,
}

impl ResourceDrift {
    /// Whether the resource is not what its template says.
    fn drifted(&self) -> bool {
        matches!(self.status.as_str(), "MODIFIED" | "DELETED")
    }

    /// Its lines: `~ Queue (AWS::SQS::Queue) MODIFIED`, then per property its path, the kind of
    /// difference, and the expected and actual values.
    fn lines(&self) -> Vec<(Style, String)> {
        let (style, sign) = match self.status.as_str() {
            "MODIFIED" => (Style::Changed, '~'),
            "DELETED" => (Style::Bad, '-'),
            "IN_SYNC" => (Style::Good, '='),
            _ => (Style::Dim, '?'),
        };
        let reason = self
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        let mut lines = vec![(
            style,
            format!(
                "{sign} {} ({}) {}{reason}",
                self.logical_id, self.resource_type, self.status
            ),
        )];
        for property in &self.differences {
            lines.push((
                Style::Changed,
                format!(
                    "    {} ({}): expected {}, actual {}",
                    property.path, property.difference, property.expected, property.actual
                ),
            ));
        }
        lines
    }

    /// It in the `--json` report.
    fn to_json(&self) -> serde_json::Value {
        json!({
            "logical_id": self.logical_id,
            "physical_id": self.physical_id,
            "type": self.resource_type,
            "status": self.status,
            "reason": self.reason,
            "differences": self.differences.iter().map(|d| json!({
                "path": d.path,
                "expected": d.expected,
                "actual": d.actual,
                "difference": d.difference,
            })).collect::<Vec<_>>(),
        })
    }
}

pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &Selection,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let client = session.client().await;
    let mut drifted = false;
    // A stack that cannot be checked stops none of the others; the failures end the run.
    let mut failed: Vec<CliError> = Vec::new();
    for stack in select(app, &args.stacks)? {
        let name = session.stack_name(stack);
        match check(session, stack, &client, &name, out).await {
            Ok(found) => drifted |= found,
            Err(err @ CliError::Stdout(_)) => return Err(err),
            Err(err) => {
                let err = err.of_stack(&name);
                session.ui.annotate(&name, "error", json!(err.to_string()));
                failed.push(err);
            }
        }
    }
    if failed.len() > 1 {
        return Err(CliError::Group {
            failed: failed.iter().map(ToString::to_string).collect(),
            not_attempted: Vec::new(),
        });
    }
    if let Some(failure) = failed.pop() {
        return Err(failure);
    }
    Ok(if drifted {
        ExitCode::from(CHANGES)
    } else {
        ExitCode::SUCCESS
    })
}

/// Checks the drift of `stack`, named `name` in CloudFormation, and writes it: whether it
/// drifted.
async fn check(
    session: &Session,
    stack: &dyn Stack,
    client: &Client,
    name: &str,
    out: &mut dyn Write,
) -> Result<bool, CliError> {
    let ui = &session.ui;
    if stackset::settings(session, stack).is_some() {
        writeln!(
            out,
            "{name}: a stack set, not checked (drift checks stacks; `aws cloudformation detect-stack-set-drift` checks a set's instances)"
        )
        .map_err(CliError::Stdout)?;
        ui.report(name, json!({"stack_set": true, "checked": false}));
        return Ok(false);
    }
    let own = session.own_region_client(stack.name()).await;
    let engine = session.engine(own.as_ref().unwrap_or(client), name);
    // A stack under review (a prepared change set creates it) has no resources yet.
    let deployed = engine.describe().await?;
    let Some(deployed) = deployed.filter(|d| !d.under_review()) else {
        writeln!(out, "{name}: not deployed").map_err(CliError::Stdout)?;
        ui.report(name, json!({"deployed": false}));
        return Ok(false);
    };
    if let Some(why) = busy(&deployed.status, "check drift") {
        return Err(CliError::Deploy {
            stack: name.to_owned(),
            message: why,
        });
    }
    let (detection, resources) = engine.detect_drift().await?;
    let count = resources.iter().filter(|r| r.drifted()).count();
    writeln!(out, "{}", headline(name, &detection, count, ui)).map_err(CliError::Stdout)?;
    for resource in &resources {
        for (style, line) in resource.lines() {
            writeln!(out, "  {}", ui.paint(style, &line)).map_err(CliError::Stdout)?;
        }
    }
    ui.report(
        name,
        json!({
            "deployed": true,
            "detection": detection.status,
            "reason": detection.reason,
            "status": detection.stack_status,
            "drifted": count,
            "resources": resources.iter().map(ResourceDrift::to_json).collect::<Vec<_>>(),
        }),
    );
    if detection.status != "DETECTION_COMPLETE" {
        return Err(CliError::Deploy {
            stack: name.to_owned(),
            message: format!(
                "drift detection failed ({}): {}",
                detection.status,
                detection.reason.as_deref().unwrap_or("no reason given")
            ),
        });
    }
    Ok(count > 0 || detection.stack_status == "DRIFTED")
}

/// The stack's line: its drift status and how many resources drifted.
fn headline(name: &str, detection: &Detection, count: usize, ui: &Ui) -> String {
    let (style, what) = match detection.stack_status.as_str() {
        "IN_SYNC" => (Style::Good, "in sync with its template".to_owned()),
        "DRIFTED" => (
            Style::Bad,
            format!("DRIFTED from its template ({count} resource(s))"),
        ),
        other => (Style::Changed, format!("drift {other}")),
    };
    format!("{name}: {}", ui.paint(style, &what))
}
