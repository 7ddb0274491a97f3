//! Every example stack: its template is snapshotted, passes cfn-lint, and is byte-identical however
//! often and wherever it is built.

use kumo_core::{Environment, Stack};
use kumo_examples::instance::InstanceStack;
use kumo_examples::mes_platform::{Data, Network, Service};
use kumo_examples::mia_import_processor::MiaImportProcessor;
use kumo_examples::raw_resources::RawResources;
use kumo_examples::web_fleet::WebFleet;
use kumo_tests::{cfn_lint, LintError};

/// Every example, with the environment its snapshot is taken in.
fn examples() -> Vec<Box<dyn Stack>> {
    vec![
        Box::new(MiaImportProcessor),
        Box::new(InstanceStack),
        Box::new(RawResources),
        Box::new(Network),
        Box::new(Data),
        Box::new(Service),
        Box::new(WebFleet),
    ]
}

fn dev() -> Environment {
    Environment::new("dev")
}

#[test]
fn templates_match_their_snapshots() {
    for stack in examples() {
        let template = stack.template(&dev()).unwrap();
        template.validate().unwrap();
        insta::assert_snapshot!(stack.name(), template.to_json());
    }
}

#[test]
fn templates_pass_cfn_lint() {
    for stack in examples() {
        let template = stack.template(&dev()).unwrap();
        if let Err(err) = cfn_lint(&template) {
            panic!("{}: {err}", stack.name());
        }
    }
}

#[test]
fn cfn_lint_catches_what_it_should() {
    let mut template = kumo_core::Template::new();
    template
        .add_resource(
            "Queue",
            kumo_core::Resource::new("AWS::SQS::Queue").property("NoSuchProperty", true),
        )
        .unwrap();
    match cfn_lint(&template) {
        Err(LintError::Findings(findings)) => {
            assert!(findings.contains("NoSuchProperty"), "{findings}")
        }
        other => panic!("expected cfn-lint findings, got {other:?}"),
    }
}

#[test]
fn templates_are_byte_identical_across_builds() {
    for stack in examples() {
        let first = stack.template(&dev()).unwrap().to_json();
        for _ in 0..3 {
            assert_eq!(stack.template(&dev()).unwrap().to_json(), first);
        }
    }
}

#[test]
fn bench_500_has_500_resources_and_passes_cfn_lint() {
    use kumo_examples::bench_500::{Bench500, OUTPUTS, RESOURCES};
    let template = Bench500.template(&dev()).unwrap();
    assert_eq!(template.resources().len(), RESOURCES);
    assert_eq!(template.outputs().len(), OUTPUTS);
    template
        .validate_for(kumo_core::validate::Delivery::S3)
        .unwrap();
    cfn_lint(&template).unwrap();
}

#[test]
fn a_stack_named_twice_is_selected_once() {
    let app = kumo_examples::mes_platform::app();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".kumo");
    let run = |args: &[&str]| {
        let mut argv = vec!["mes-platform", "--state-dir", state.to_str().unwrap()];
        argv.extend_from_slice(args);
        kumo_tests::run(&app, &argv)
    };
    let (code, once) = run(&["synth", "mes-data"]);
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{once}");
    let (code, twice) = run(&["synth", "mes-data", "mes-data"]);
    assert_eq!(code, std::process::ExitCode::SUCCESS, "{twice}");
    assert_eq!(twice, once);
}

#[test]
fn outputs_shows_the_stacks_recorded_and_names_those_not() {
    let app = kumo_examples::mes_platform::app();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".kumo");
    let recorded = state.join("outputs/dev/us-east-1/123456789012");
    std::fs::create_dir_all(&recorded).unwrap();
    std::fs::write(
        recorded.join("mes-network-dev.json"),
        "{\"VpcId\": \"vpc-1\"}\n",
    )
    .unwrap();
    let argv = [
        "mes-platform",
        "--state-dir",
        state.to_str().unwrap(),
        "outputs",
    ];
    let (code, out) = kumo_tests::run(&app, &argv);
    assert_eq!(code, std::process::ExitCode::from(2), "{out}");
    assert!(
        out.starts_with("mes-network-dev:\n  VpcId = vpc-1\n"),
        "{out}"
    );
    assert!(
        out.ends_with(
            "error: stacks `mes-data-dev`, `mes-service-dev` are not deployed from here (no .kumo/outputs; try --live)\n"
        ),
        "{out}"
    );
}
