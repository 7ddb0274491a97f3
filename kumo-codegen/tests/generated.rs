//! The committed generated code is exactly what the generator makes from the vendored schemas.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The text of the gzip file at `path`.
fn unzip(path: &Path) -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()),
        &mut text,
    )
    .unwrap();
    text
}

#[test]
fn committed_code_is_what_the_generator_makes() {
    let scratch = tempfile::tempdir().unwrap();
    let core = scratch.path().join("kumo-core");
    std::fs::create_dir_all(core.join("src")).unwrap();
    std::fs::copy(
        workspace().join("kumo-core/Cargo.toml"),
        core.join("Cargo.toml"),
    )
    .unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_kumo-codegen"))
        .args(["generate", "--core"])
        .arg(&core)
        .status()
        .unwrap();
    assert!(status.success());

    let committed = workspace().join("kumo-core");
    for name in ["Cargo.toml", "resources.txt"] {
        let fresh = std::fs::read_to_string(core.join(name)).unwrap();
        let kept = std::fs::read_to_string(committed.join(name)).unwrap();
        assert!(
            fresh == kept,
            "kumo-core/{name} is stale: run `cargo run -p kumo-codegen`"
        );
    }
    let fresh = files(&core.join("src/resources"));
    let kept = files(&committed.join("src/resources"));
    let names = |paths: &[PathBuf]| -> Vec<String> {
        paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(
        names(&fresh),
        names(&kept),
        "the set of generated files differs"
    );
    for (fresh, kept) in fresh.iter().zip(&kept) {
        assert!(
            std::fs::read(fresh).unwrap() == std::fs::read(kept).unwrap(),
            "{} is stale: run `cargo run -p kumo-codegen`",
            kept.display()
        );
    }
    // Compared as text: gzip's bytes depend on the deflate backend Cargo's feature unification
    // picks for flate2, its meaning does not.
    let index = "kumo-cli/src/migrate/index.txt.gz";
    assert!(
        unzip(&scratch.path().join(index)) == unzip(&workspace().join(index)),
        "{index} is stale: run `cargo run -p kumo-codegen`"
    );
}
