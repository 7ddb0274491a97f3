//! Every resource type of the vendored schemas is generated, and nothing else.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

#[test]
fn generated_type_list_equals_the_vendored_schema_set() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(dir.join("schemas/resources.json.gz")).unwrap(),
    )
    .read_to_string(&mut text)
    .unwrap();
    let vendored: serde_json::Value = serde_json::from_str(&text).unwrap();
    let vendored: BTreeSet<&str> = vendored["types"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();

    let list = std::fs::read_to_string(dir.join("../kumo-core/resources.txt")).unwrap();
    let generated: BTreeSet<&str> = list
        .lines()
        .filter_map(|line| line.split(' ').next())
        .collect();

    assert!(
        vendored.len() > 1500,
        "only {} vendored types",
        vendored.len()
    );
    assert_eq!(generated, vendored);
}
