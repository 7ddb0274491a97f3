//! Validating the 500-resource templates: quotas, logical IDs, references, conditions, dependency
//! cycles, parameters, exports, tags and size, as `synth` runs it before printing.

use kumo_core::validate::Delivery;
use kumo_examples::bench_500::{template, template_with_parameter};

fn main() {
    divan::main();
}

#[divan::bench]
fn validate_500_resources(bencher: divan::Bencher) {
    let built = template(1, 500, 50).unwrap();
    bencher.bench(|| built.validate_for(Delivery::S3).unwrap());
}

#[divan::bench]
fn validate_500_resources_with_a_parameter(bencher: divan::Bencher) {
    let built = template_with_parameter(1, 500, 50).unwrap();
    bencher.bench(|| built.validate_for(Delivery::S3).unwrap());
}

#[divan::bench]
fn dependencies_of_500_resources(bencher: divan::Bencher) {
    let built = template(1, 500, 50).unwrap();
    bencher.bench(|| built.dependencies());
}
