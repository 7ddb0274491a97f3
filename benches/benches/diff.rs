//! Parsing two 500-resource templates (whole, or one beside the other), diffing them and drawing
//! their security view.

use kumo_core::diff::diff;
use kumo_core::security::SecurityChanges;
use kumo_core::{Template, Written};
use kumo_examples::bench_500::template;

fn main() {
    divan::main();
}

/// The 500-resource template, and a variant whose 125 main queues (a quarter of the resources)
/// have another redrive policy, as kumo writes it (its resources found by their layout when
/// first asked for, as `diff` does once).
fn pair() -> (String, Written) {
    let old = template(1, 500, 50).unwrap().to_json();
    let changed = old.replace("\"maxReceiveCount\": 5", "\"maxReceiveCount\": 6");
    let new = Template::from_json(&changed).unwrap().written();
    assert_eq!(new.as_str(), changed);
    (old, new)
}

/// [`pair`], read.
fn parsed_pair() -> (Template, Template) {
    let (old, new) = pair();
    (
        Template::from_json(&old).unwrap(),
        Template::from_json(new.as_str()).unwrap(),
    )
}

#[divan::bench]
fn parse_two_500_resource_templates(bencher: divan::Bencher) {
    let (old, new) = pair();
    bencher.bench(|| {
        (
            Template::from_json(&old).unwrap(),
            Template::from_json(new.as_str()).unwrap(),
        )
    });
}

/// What `diff` reads of a kept template: the resources written as in the new one are not read.
#[divan::bench]
fn read_a_500_resource_template_beside_another(bencher: divan::Bencher) {
    let (old, new) = pair();
    bencher
        .with_inputs(|| new.clone())
        .bench_refs(|new| Template::from_json_beside(&old, new).unwrap());
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
            &Template::from_json(new.as_str()).unwrap(),
        )
    });
}

/// What `diff` does beyond a synth when a quarter of a 500-resource stack changed: read the
/// kept template beside the new one's JSON, set the resources written alike aside, diff the
/// rest and draw its security view (the new template is built outside the timing, as `synth`).
#[divan::bench]
fn diff_against_a_kept_template(bencher: divan::Bencher) {
    let (old, new) = pair();
    let built = Template::from_json(new.as_str()).unwrap();
    bencher
        .with_inputs(|| (built.clone(), new.clone()))
        .bench_values(|(mut built, new)| {
            let (kept, alike) = Template::from_json_beside(&old, &new).unwrap();
            let aside = built.take_resources(&alike);
            let changes = diff(&kept, &built);
            let security = SecurityChanges::between(&kept, &built);
            (kept, built, aside, changes, security)
        });
}
