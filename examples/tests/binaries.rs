//! The example binaries, run as a user runs them.

use std::path::Path;
use std::process::Command;

use kumo_core::{Environment, Stack};
use kumo_examples::instance::InstanceStack;
use kumo_examples::mia_import_processor::MiaImportProcessor;
use kumo_examples::raw_resources::RawResources;

/// Every example binary with the stack it runs.
fn binaries() -> Vec<(&'static str, Box<dyn Stack>)> {
    vec![
        (
            env!("CARGO_BIN_EXE_mia-import-processor"),
            Box::new(MiaImportProcessor),
        ),
        (env!("CARGO_BIN_EXE_instance"), Box::new(InstanceStack)),
        (env!("CARGO_BIN_EXE_raw-resources"), Box::new(RawResources)),
    ]
}

fn synth_in(binary: &str, dir: &Path) -> Vec<u8> {
    let output = Command::new(binary)
        .arg("synth")
        .current_dir(dir)
        .env_clear()
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn synth_is_byte_identical_from_any_working_directory() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let nested = b.path().join("some/deeper/dir");
    std::fs::create_dir_all(&nested).unwrap();
    for (binary, stack) in binaries() {
        let first = synth_in(binary, a.path());
        assert_eq!(first, synth_in(binary, &nested));
        assert_eq!(first, synth_in(binary, a.path()));
        let in_process = stack.template(&Environment::new("dev")).unwrap().to_json();
        assert_eq!(String::from_utf8(first).unwrap(), in_process);
    }
}

#[test]
fn errors_are_one_line_and_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_raw-resources"))
        .args(["synth", "nope"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: no stack named `nope`; this app has: raw-resources\n"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn help_exits_0() {
    let output = Command::new(env!("CARGO_BIN_EXE_raw-resources"))
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8(output.stdout).unwrap().contains("synth"));
}

#[test]
fn an_app_synthesizes_each_stack_by_name_and_draws_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_mes-platform");
    let app = kumo_examples::mes_platform::app();
    for stack in kumo_core::App::stacks(&app) {
        let output = Command::new(binary)
            .args(["synth", stack.name()])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(output.status.success());
        let in_process = stack.template(&Environment::new("dev")).unwrap().to_json();
        assert_eq!(String::from_utf8(output.stdout).unwrap(), in_process);
    }
    let output = Command::new(binary)
        .arg("graph")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let dot = String::from_utf8(output.stdout).unwrap();
    assert!(
        dot.contains("\"stack:mes-data\" -> \"stack:mes-network\";"),
        "{dot}"
    );
    assert!(
        dot.contains("\"stack:mes-service\" -> \"stack:mes-data\";"),
        "{dot}"
    );
}
