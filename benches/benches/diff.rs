//! Parsing two 500-resource templates, diffing them and drawing their security view.

use kumo_core::diff::diff;
use kumo_core::security::SecurityChanges;
use kumo_core::Template;
use kumo_examples::bench_500::template;

fn main() {
    divan::main();
}

/// The 500-resource template, and a variant whose 125 main queues (a quarter of the resources)
/// have another redrive policy.
fn pair() -> (String, String) {
    let old = template(1, 500, 50).unwrap().to_json();
    let new = old.replace("\"maxReceiveCount\": 5", "\"maxReceiveCount\": 6");
    (old, new)
}

/// [`pair`], read.
fn parsed_pair() -> (Template, Template) {
    let (old, new) = pair();
    (
        Template::from_json(&old).unwrap(),
        Template::from_json(&new).unwrap(),
    )
}

#[divan::bench]
fn parse_two_500_resource_templates(bencher: divan::Bencher) {
    let (old, new) = pair();
    bencher.bench(|| {
        (
            Template::from_json(&old).unwrap(),
            Template::from_json(&new).unwrap(),
        )
    });
}

#[divan::bench]
fn diff_two_500_resource_templates(bencher: divan::Bencher) {
    let (old, new) = parsed_pair();
    bencher.bench(|| diff(&old, &new));
}

#[divan::bench]
fn security_view_of_two_500_resource_templates(bencher: divan::Bencher) {
    let (old, new) = parsed_pair();
    bencher.bench(|| SecurityChanges::between(&old, &new));
}

#[divan::bench]
fn parse_and_diff(bencher: divan::Bencher) {
    let (old, new) = pair();
    bencher.bench(|| {
        diff(
            &Template::from_json(&old).unwrap(),
            &Template::from_json(&new).unwrap(),
        )
    });
}
