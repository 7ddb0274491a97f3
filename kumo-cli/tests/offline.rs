//! Commands that work without CloudFormation: `graph`, `validate`, `diff` and `outputs` against
//! the local state, and their errors.

use std::process::ExitCode;

use kumo_cli::execute;
use kumo_core::intrinsic::get_att;
use kumo_core::{Environment, Resource, Stack, StackError, Template};

struct Jobs;

impl Stack for Jobs {
    fn name(&self) -> &str {
        "jobs"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.add_resource("Dlq", Resource::new("AWS::SQS::Queue"))?;
        t.add_resource(
            "Queue",
            Resource::new("AWS::SQS::Queue").property(
                "RedrivePolicy",
                serde_json::json!({"deadLetterTargetArn": get_att::<String>("Dlq", "Arn"), "maxReceiveCount": 3}),
            ),
        )?;
        t.add_resource(
            "Alarm",
            Resource::new("AWS::CloudWatch::Alarm").depends_on("Queue"),
        )?;
        Ok(t)
    }
}

fn run(state: &std::path::Path, args: &[&str]) -> (Result<ExitCode, kumo_cli::CliError>, String) {
    let mut argv = vec!["jobs", "--state-dir", state.to_str().unwrap()];
    argv.extend_from_slice(args);
    let mut out = Vec::new();
    let result = execute(&Jobs, argv, &mut out);
    (result, String::from_utf8(out).unwrap())
}

#[test]
fn graph_draws_ref_getatt_and_depends_on_edges() {
    let dir = tempfile::tempdir().unwrap();
    let (result, out) = run(dir.path(), &["graph"]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
    assert!(out.starts_with("digraph kumo {"), "{out}");
    assert!(out.contains("\"jobs/Queue\" -> \"jobs/Dlq\";"), "{out}");
    assert!(out.contains("\"jobs/Alarm\" -> \"jobs/Queue\";"), "{out}");
    assert!(
        out.contains("\"jobs/Dlq\" [label=\"Dlq\\nAWS::SQS::Queue\"];"),
        "{out}"
    );
}

#[test]
fn validate_offline_reports_size_and_resources() {
    let dir = tempfile::tempdir().unwrap();
    let (result, out) = run(dir.path(), &["validate"]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
    assert!(out.starts_with("jobs-dev: valid (3 resources, "), "{out}");
}

#[test]
fn offline_diff_against_recorded_state() {
    let dir = tempfile::tempdir().unwrap();
    let (result, out) = run(dir.path(), &["diff"]);
    assert_eq!(result.unwrap(), ExitCode::from(1));
    assert!(
        out.contains("jobs-dev: not deployed; a deploy creates it"),
        "{out}"
    );
    assert!(out.contains("  + Resources.Queue"), "{out}");

    let applied = dir.path().join("applied/dev");
    std::fs::create_dir_all(&applied).unwrap();
    let template = Jobs.template(&Environment::new("dev")).unwrap();
    std::fs::write(applied.join("jobs.json"), template.to_json()).unwrap();
    let (result, out) = run(dir.path(), &["diff"]);
    assert_eq!(result.unwrap(), ExitCode::SUCCESS);
    assert_eq!(out, "jobs-dev: no changes\n");

    let changed = template
        .to_json()
        .replace("\"maxReceiveCount\": 3", "\"maxReceiveCount\": 4");
    std::fs::write(applied.join("jobs.json"), changed).unwrap();
    let (result, out) = run(dir.path(), &["diff"]);
    assert_eq!(result.unwrap(), ExitCode::from(1));
    assert!(
        out.contains("~ Resources.Queue: Properties.RedrivePolicy.maxReceiveCount"),
        "{out}"
    );
}

#[test]
fn outputs_without_state_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = run(dir.path(), &["outputs"]);
    assert_eq!(
        result.unwrap_err().to_string(),
        "stack `jobs-dev` is not deployed from here (no .kumo/outputs; try --live)"
    );
}

#[test]
fn corrupt_state_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let applied = dir.path().join("applied/dev");
    std::fs::create_dir_all(&applied).unwrap();
    std::fs::write(applied.join("jobs.json"), "{ not json").unwrap();
    let (result, _) = run(dir.path(), &["diff"]);
    let message = result.unwrap_err().to_string();
    assert!(message.starts_with("cannot read "), "{message}");
    assert!(message.contains("applied/dev/jobs.json"), "{message}");
}
