//! Parsing two 500-resource templates and diffing them.

use kumo_core::diff::diff;
use kumo_core::Template;
use kumo_examples::bench_500::template;

fn main() {
    divan::main();
}

/// The 500-resource template, and a variant where every tenth group differs.
fn pair() -> (String, String) {
    let old = template(1, 500, 50).unwrap().to_json();
    let new = old.replace("\"maxReceiveCount\": 5", "\"maxReceiveCount\": 6");
    (old, new)
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
    let (old, new) = pair();
    let (old, new) = (
        Template::from_json(&old).unwrap(),
        Template::from_json(&new).unwrap(),
    );
    bencher.bench(|| diff(&old, &new));
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
