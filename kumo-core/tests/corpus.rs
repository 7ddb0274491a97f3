//! Real templates nobody here wrote: the template fixtures of cfn-lint's source distribution,
//! fetched from PyPI at test time with `python3 -m pip download` and cached under the target
//! directory, never kept in the repository.
//!
//! Every template is read (JSON or YAML), its model must write exactly the canonical form of the
//! raw input (nothing dropped, nothing changed but the documented spellings), and reading what
//! it writes must give the same template. The templates that do not round-trip are listed, with
//! their reason, in `corpus-exceptions.txt`; the list must stay true both ways.
#![cfg(feature = "yaml")]

// The fetching and caching of the corpus, shared with the migration test of `kumo-tests`.
#[path = "../../tests/src/corpus.rs"]
mod corpus;

use std::path::Path;

use corpus::{difference, exceptions, source_distribution, templates, VERSION};
use kumo_core::{Json, Template};

/// The share of the corpus that must round-trip.
const GOAL: f64 = 0.95;

#[test]
fn cfn_lint_templates_round_trip() {
    let templates = templates(&source_distribution(Path::new(env!("CARGO_TARGET_TMPDIR"))));
    let exceptions =
        exceptions(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-exceptions.txt"));
    let mut unexpected = Vec::new();
    let mut passing = 0;
    for (path, text) in &templates {
        let result = text
            .as_deref()
            .map_err(Clone::clone)
            .and_then(|text| round_trip(path, text));
        match (result, exceptions.contains_key(path)) {
            (Ok(()), false) => passing += 1,
            (Ok(()), true) => {
                unexpected.push(format!("{path}: listed as an exception but round-trips"))
            }
            (Err(reason), false) => unexpected.push(format!("{path}: {reason}")),
            (Err(_), true) => {}
        }
    }
    for path in exceptions
        .keys()
        .filter(|path| !templates.contains_key(*path))
    {
        unexpected.push(format!(
            "{path}: listed as an exception but not in the corpus"
        ));
    }
    let rate = passing as f64 / templates.len() as f64;
    println!(
        "{passing} of {} cfn-lint {VERSION} templates round-trip ({:.1}%)",
        templates.len(),
        rate * 100.0
    );
    assert!(
        unexpected.is_empty(),
        "corpus-exceptions.txt is not true:\n{}",
        unexpected.join("\n")
    );
    assert!(
        templates.len() > 100,
        "only {} templates found",
        templates.len()
    );
    assert!(rate >= GOAL, "only {:.1}% round-trip", rate * 100.0);
}

/// Reads a template, checks that its model writes the canonical form of the raw input and that
/// reading what it writes gives it back.
fn round_trip(path: &str, text: &str) -> Result<(), String> {
    let (template, raw) = if path.ends_with(".json") {
        (
            Template::from_json(text),
            serde_json::from_str::<Json>(text).map_err(|err| err.to_string()),
        )
    } else {
        (
            Template::from_yaml(text),
            Template::yaml_to_json(text).map_err(|err| err.to_string()),
        )
    };
    let template = template.map_err(|err| format!("not read: {err}"))?;
    let expected = Template::canonical_json(raw?);
    let written = serde_json::to_value(&template).map_err(|err| err.to_string())?;
    if let Some(at) = difference(&expected, &written, String::new()) {
        return Err(format!("written differs from the input at `{at}`"));
    }
    let again = Template::from_json(&template.to_json())
        .map_err(|err| format!("what it writes is not read: {err}"))?;
    if again != template {
        return Err("what it writes reads as another template".to_owned());
    }
    Ok(())
}
