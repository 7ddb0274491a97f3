//! Building and serializing templates of 50, 500 and 2,000 resources (the last as four stacks
//! of 500, a stack's quota).

use kumo_core::validate::Delivery;
use kumo_examples::bench_500::template;

fn main() {
    divan::main();
}

#[divan::bench(args = [50, 500])]
fn build_and_serialize(resources: usize) -> String {
    template(1, resources, 50).unwrap().to_json()
}

#[divan::bench]
fn build_and_serialize_2000_in_4_stacks() -> Vec<String> {
    (0..4)
        .map(|stack| template(1 + stack * 125, 500, 50).unwrap().to_json())
        .collect()
}

#[divan::bench(args = [50, 500])]
fn build_only(bencher: divan::Bencher, resources: usize) {
    bencher.bench(|| template(1, resources, 50).unwrap());
}

#[divan::bench(args = [50, 500])]
fn serialize_only(bencher: divan::Bencher, resources: usize) {
    let built = template(1, resources, 50).unwrap();
    bencher.bench(|| built.to_json());
}

/// What `synth` does with a stack: build, validate and serialize once.
#[divan::bench]
fn build_validate_and_serialize_500() -> String {
    template(1, 500, 50)
        .unwrap()
        .validated_json(Delivery::S3)
        .unwrap()
}
