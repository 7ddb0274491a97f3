//! Logical IDs and physical names of 1,000 paths.

use kumo_core::naming::{LogicalId, NameRule};

fn main() {
    divan::main();
}

fn paths() -> Vec<[String; 3]> {
    (0..1000)
        .map(|i| {
            [
                format!("importer-{}", i % 7),
                format!("jobs_{i}"),
                "dead-letter-queue".to_owned(),
            ]
        })
        .collect()
}

#[divan::bench]
fn logical_ids_of_1000_paths(bencher: divan::Bencher) {
    let paths = paths();
    bencher.bench(|| {
        paths
            .iter()
            .map(|p| LogicalId::from_path(&[&p[0], &p[1], &p[2]]).unwrap())
            .collect::<Vec<_>>()
    });
}

#[divan::bench(args = ["AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::IAM::Role"])]
fn physical_names_of_1000_paths(bencher: divan::Bencher, type_name: &str) {
    let paths = paths();
    let rule = NameRule::for_type(type_name).unwrap();
    bencher.bench(|| {
        paths
            .iter()
            .map(|p| {
                rule.name("mia-import-processor", "production", &[&p[0], &p[1], &p[2]])
                    .unwrap()
            })
            .collect::<Vec<_>>()
    });
}
