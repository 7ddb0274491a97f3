//! `kumo migrate` on real templates nobody here wrote: every template of cfn-lint's fixtures
//! (see `kumo_tests::corpus`), and kumo's own hard cases (`migrate-hard/`: control characters,
//! fractional and negative bounds and mapping values, integers beyond `i32` and `i64`, transform
//! names with control characters, logical IDs that collide as Rust names, logical IDs and file
//! names that collide with what the migrated module imports), is migrated into one crate, which
//! is built once; each stack's synthesized template must equal its input semantically
//! (`Template::canonical_json`).
//!
//! The templates that do not are listed, each with its reason, in `migrate-exceptions.txt`; the
//! list must stay true both ways. Some are templates kumo refuses to synthesize (CloudFormation
//! would refuse them too: no resources, a `Ref` to a name never declared); for those the template
//! the stack builds, before the checks, must still be the input, and the goal counts them as
//! migrated. The generated crate is built in a target directory of its own under the
//! workspace's (`target/tmp/migrate-corpus`), kept between runs so that kumo-core is not rebuilt
//! from scratch each time.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use kumo_cli::migrate::{write_crate, Input, Options};
use kumo_core::{Json, Template};
use kumo_tests::corpus::{self, difference, VERSION};

/// The share of the corpus whose migration must synthesize the same template.
const GOAL: f64 = 0.95;
/// The share that must synthesize, kumo's checks included.
const SYNTH_FLOOR: f64 = 0.80;
/// How long building the generated crate may take (kumo-core with every service, the first
/// time, on two cores).
const BUILD_DEADLINE: Duration = Duration::from_secs(60 * 60);

/// A template's canonical JSON, read as kumo reads it.
fn canonical(path: &str, text: &str) -> Result<(Template, Json), String> {
    let template = if path.ends_with(".json") {
        Template::from_json(text)
    } else {
        Template::from_yaml(text)
    }
    .map_err(|err| format!("not read: {err}"))?;
    let json = serde_json::to_value(&template).map_err(|err| err.to_string())?;
    Ok((template, json))
}

/// The name a template is migrated under: a hard case's file stem, as a user's file would give
/// it (`kumo/condition.yaml` is `condition`), else the Rust-safe name of its corpus path
/// (`good/a-b.yaml` is `good_a_b_yaml`).
fn input_name(path: &str) -> String {
    match path.strip_prefix("kumo/") {
        Some(file) => file
            .rsplit_once('.')
            .map_or(file, |(stem, _)| stem)
            .to_owned(),
        None => path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect(),
    }
}

#[test]
fn cfn_lint_templates_migrate_to_equal_stacks() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let mut templates = corpus::templates(&corpus::source_distribution(tmp));
    templates.extend(hard_cases());
    let exceptions = corpus::exceptions(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrate-exceptions.txt"),
    );
    let mut outcome: BTreeMap<String, Result<(), String>> = BTreeMap::new();
    let mut inputs = Vec::new();
    let mut expected = BTreeMap::new();
    for (path, text) in &templates {
        match text
            .as_deref()
            .map_err(Clone::clone)
            .and_then(|t| canonical(path, t))
        {
            Ok((template, json)) => {
                inputs.push((path.clone(), Input::new(input_name(path), template)));
                expected.insert(path.clone(), json);
            }
            Err(reason) => {
                outcome.insert(path.clone(), Err(reason));
            }
        }
    }

    let root = tmp.join("migrate-corpus");
    let krate = root.join("crate");
    // Migrated into a new directory, as kumo migrate wants; the lock file of the last run stays,
    // so that cargo does not resolve the dependencies again.
    let lock = std::fs::read(krate.join("Cargo.lock")).ok();
    let _ = std::fs::remove_dir_all(&krate);
    let options = Options {
        out: krate.clone(),
        name: Some("migrate-corpus".into()),
        kumo_path: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("..")),
    };
    let only: Vec<Input> = inputs.iter().map(|(_, input)| input.clone()).collect();
    let written = write_crate(&only, &options).expect("the corpus migrates");
    if let Some(lock) = lock {
        std::fs::write(krate.join("Cargo.lock"), lock).unwrap();
    }
    let stacks: Vec<(String, String, String)> = inputs
        .iter()
        .zip(&written.stacks)
        .map(|((path, _), stack)| (path.clone(), stack.module.clone(), stack.stack.clone()))
        .collect();
    write_synth_all(&krate, &stacks);
    build(&krate, &root.join("target"));

    let synthesized = root.join("synthesized");
    let _ = std::fs::remove_dir_all(&synthesized);
    std::fs::create_dir_all(&synthesized).unwrap();
    let status = Command::new(root.join("target/debug/synth-all"))
        .arg(&synthesized)
        .status()
        .expect("synth-all runs");
    assert!(status.success(), "synth-all failed");
    let mut refused = 0;
    for (path, module, _) in &stacks {
        let read = |extension: &str| {
            std::fs::read_to_string(synthesized.join(format!("{module}.{extension}")))
        };
        let built = compare(&expected[path], &read("built.json").unwrap());
        let result = match (read("json"), built) {
            (Ok(text), _) => compare(&expected[path], &text),
            (Err(_), Ok(())) => {
                refused += 1;
                let why = read("err").unwrap();
                Err(format!("kumo refuses to synthesize it: {why}"))
            }
            (Err(_), Err(difference)) => Err(difference),
        };
        outcome.insert(path.clone(), result);
    }
    check(&outcome, &exceptions, refused);
}

/// kumo's own hard cases, as `kumo/{file}`.
fn hard_cases() -> Vec<(String, Result<String, String>)> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrate-hard");
    let entries = std::fs::read_dir(&directory).expect("tests/migrate-hard is there");
    let cases: Vec<_> = entries
        .map(|entry| {
            let path = entry.expect("tests/migrate-hard is readable").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let text = std::fs::read_to_string(&path).map_err(|err| err.to_string());
            (format!("kumo/{name}"), text)
        })
        .collect();
    assert!(cases.len() >= 3, "{} hard cases", cases.len());
    cases
}

/// Whether the synthesized template `text` is the expected one.
fn compare(expected: &Json, text: &str) -> Result<(), String> {
    let (_, actual) = canonical("synth.json", text)?;
    match difference(expected, &actual, String::new()) {
        Some(at) => Err(format!("synthesized template differs at `{at}`")),
        None => Ok(()),
    }
}

/// Checks the outcomes against the exceptions list and the goal.
/// `refused` counts the templates kumo refuses to synthesize although the stack builds them
/// equal: they are migrated, and count towards the goal.
fn check(
    outcome: &BTreeMap<String, Result<(), String>>,
    exceptions: &BTreeMap<String, String>,
    refused: usize,
) {
    let mut unexpected = Vec::new();
    let mut passing = 0;
    for (path, result) in outcome {
        match (result, exceptions.contains_key(path)) {
            (Ok(()), false) => passing += 1,
            (Ok(()), true) => unexpected.push(format!("{path}: listed but migrates equal")),
            (Err(reason), false) => unexpected.push(format!("{path}: {reason}")),
            (Err(_), true) => {}
        }
    }
    for path in exceptions.keys().filter(|p| !outcome.contains_key(*p)) {
        unexpected.push(format!("{path}: listed but not in the corpus"));
    }
    let total = outcome.len() as f64;
    let rate = (passing + refused) as f64 / total;
    println!(
        "{passing} of {} templates (cfn-lint {VERSION}'s and kumo's hard cases) migrate to a stack that synthesizes an equal template ({:.1}%); {} more build an equal template that kumo refuses to synthesize ({:.1}% migrated)",
        outcome.len(),
        passing as f64 / total * 100.0,
        refused,
        rate * 100.0
    );
    assert!(
        unexpected.is_empty(),
        "migrate-exceptions.txt is not true:\n{}",
        unexpected.join("\n")
    );
    assert!(outcome.len() > 100, "only {} templates", outcome.len());
    assert!(rate >= GOAL, "only {:.1}% migrate equal", rate * 100.0);
    assert!(
        passing as f64 / total >= SYNTH_FLOOR,
        "only {passing} synthesize"
    );
}

/// Adds the binary that synthesizes every stack of the crate into a directory: `MODULE.json`,
/// or `MODULE.err` with the stack's error; and `MODULE.built.json`, the template the stack
/// builds before kumo checks it.
fn write_synth_all(krate: &Path, stacks: &[(String, String, String)]) {
    let mut source = String::from(
        "use kumo_core::{Environment, Scope};\n\nfn main() {\n    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap());\n    let env = Environment::new(\"corpus\");\n    let stacks: Vec<(&str, fn(&Environment) -> Scope)> = vec![\n",
    );
    for (_, module, stack) in stacks {
        let _ = writeln!(
            source,
            "        ({module:?}, |env| migrate_corpus::{module}::{stack}.build(env)),"
        );
    }
    source.push_str(
        "    ];\n    for (module, build) in stacks {\n        let mut scope = build(&env);\n        let built = scope.template_mut().to_json();\n        std::fs::write(out.join(format!(\"{module}.built.json\")), built).unwrap();\n        let (file, text) = match scope.finish() {\n            Ok(t) => (format!(\"{module}.json\"), t.to_json()),\n            Err(e) => (format!(\"{module}.err\"), e.to_string()),\n        };\n        std::fs::write(out.join(file), text).unwrap();\n    }\n}\n",
    );
    std::fs::write(krate.join("src/bin/synth-all.rs"), source).unwrap();
}

/// Builds the crate's `synth-all`, within [`BUILD_DEADLINE`].
fn build(krate: &Path, target: &Path) {
    if let Err(why) = kumo_tests::build::build_crate(krate, target, "synth-all", BUILD_DEADLINE) {
        panic!("the migrated corpus does not build:\n{why}");
    }
}
