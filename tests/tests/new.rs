//! `kumo new`: the crate it writes, file by file (snapshots), builds against this checkout and
//! synthesizes its stack; and without kumo-cli's `deploy` feature, builds without the AWS SDK
//! and still synthesizes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long building the new crate may take (the AWS SDK, when the corpus test has not built it
/// into the shared target directory yet).
const BUILD_DEADLINE: Duration = Duration::from_secs(45 * 60);

/// The files `kumo new` writes.
const FILES: [&str; 6] = [
    "Cargo.toml",
    "build.rs",
    "src/main.rs",
    "kumo.toml",
    ".gitignore",
    ".github/workflows/deploy.yml",
];

#[test]
fn a_new_crate_builds_and_synthesizes_its_stack() {
    let krate = kumo_new("media-jobs");

    let mut written: Vec<String> = walk(&krate);
    written.sort();
    let mut expected: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    expected.sort();
    assert_eq!(written, expected);
    let workspace = workspace();
    let checkout = workspace.to_str().unwrap();
    for file in FILES {
        let text = std::fs::read_to_string(krate.join(file)).unwrap();
        insta::assert_snapshot!(
            file.replace(['/', '.'], "_"),
            text.replace(checkout, "<kumo>")
        );
    }

    let target = shared_target();
    if let Err(why) = kumo_tests::build::build_crate(&krate, &target, "media-jobs", BUILD_DEADLINE)
    {
        panic!("the new crate does not build:\n{why}");
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    assert_eq!(
        elf_type(&target.join("debug/media-jobs")),
        ET_EXEC,
        "the build script links the stack binary at a fixed address"
    );
    let output = Command::new(target.join("debug/media-jobs"))
        .args(["synth"])
        .current_dir(&krate)
        .output()
        .expect("the stack binary runs");
    let template = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{template}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let template: serde_json::Value = serde_json::from_str(&template).unwrap();
    let mut types: Vec<&str> = template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["Type"].as_str().unwrap())
        .collect();
    types.sort();
    types.dedup();
    assert_eq!(
        types,
        [
            "AWS::S3::Bucket",
            "AWS::S3::BucketPolicy",
            "AWS::SQS::Queue"
        ],
        "{template}"
    );
    for output in ["FilesBucket", "JobsUrl"] {
        assert!(template["Outputs"][output].is_object(), "{template}");
    }
    assert!(
        template["Parameters"]["RetentionDays"].is_object(),
        "{template}"
    );

    let output = Command::new(target.join("debug/media-jobs"))
        .args(["--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.starts_with("The kumo stack `media-jobs`:"), "{help}");
}

/// A stack crate with `kumo-cli = { .., default-features = false }` depends on no AWS SDK, TLS or
/// async crate and on one `syn`; it synthesizes and diffs against `.kumo/applied` as with the
/// feature, and a command that talks to AWS fails in one line that says why.
#[test]
fn without_the_deploy_feature_a_crate_synthesizes_without_the_sdk() {
    let krate = kumo_new("synth-only");
    let workspace = workspace();
    let manifest = krate.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let cli = format!(
        "kumo-cli = {{ path = \"{}/kumo-cli\" }}",
        workspace.display()
    );
    assert!(text.contains(&cli), "{text}");
    let lean = cli.replace(" }", ", default-features = false }");
    std::fs::write(&manifest, text.replace(&cli, &lean)).unwrap();

    let tree = Command::new(env!("CARGO"))
        .args(["tree", "--edges", "normal,build", "--prefix", "none"])
        .args(["--format", "{p}"])
        .current_dir(&krate)
        .output()
        .expect("cargo tree runs");
    let tree = String::from_utf8_lossy(&tree.stdout);
    let mut packages: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split(' ').next())
        .collect();
    packages.sort();
    packages.dedup();
    assert!(packages.contains(&"kumo-cli"), "{tree}");
    let heavy = ["aws-", "hyper", "rustls", "ring", "tokio", "h2"];
    let found: Vec<&&str> = packages
        .iter()
        .filter(|name| heavy.iter().any(|h| name.starts_with(h)))
        .collect();
    assert!(found.is_empty(), "{found:?} in\n{tree}");
    let syn: Vec<&str> = tree
        .lines()
        .filter(|line| line.starts_with("syn v"))
        .map(|line| line.split(' ').nth(1).unwrap())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(syn.len(), 1, "{syn:?}");

    let target = shared_target();
    if let Err(why) = kumo_tests::build::build_crate(&krate, &target, "synth-only", BUILD_DEADLINE)
    {
        panic!("the crate does not build without the deploy feature:\n{why}");
    }
    let run = |args: &[&str]| {
        Command::new(target.join("debug/synth-only"))
            .args(args)
            .current_dir(&krate)
            .output()
            .expect("the stack binary runs")
    };
    let synth = run(&["synth"]);
    assert!(synth.status.success(), "{synth:?}");
    let template: serde_json::Value = serde_json::from_slice(&synth.stdout).unwrap();
    assert!(template["Resources"].as_object().unwrap().len() >= 3);
    let graph = run(&["graph"]);
    assert!(graph.status.success(), "{graph:?}");
    assert!(String::from_utf8_lossy(&graph.stdout).starts_with("digraph kumo {"));

    let diff = run(&["diff"]);
    assert_eq!(diff.status.code(), Some(1), "{diff:?}");
    let shown = String::from_utf8_lossy(&diff.stdout);
    assert!(
        shown.starts_with("synth-only-dev: not deployed; a deploy creates it\n  + Description\n  + Parameters.RetentionDays\n  + Resources.FilesBucket (AWS::S3::Bucket)\n"),
        "{shown}"
    );

    let validate = run(&["validate"]);
    assert!(validate.status.success(), "{validate:?}");
    assert!(String::from_utf8_lossy(&validate.stdout).starts_with("synth-only-dev: valid ("));

    let deploy = run(&["deploy", "--local"]);
    assert_eq!(deploy.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&deploy.stderr),
        "error: this binary was built without kumo-cli's `deploy` feature: it has `synth`, `diff` and `outputs` (without `--live`), `validate` (without `--remote`), `graph` and `completions`; the other commands need the feature (on by default)\n"
    );
}

/// This checkout.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `kumo new` for a crate named `name` that depends on this checkout, in a directory of
/// its own emptied first; returns the directory.
fn kumo_new(name: &str) -> PathBuf {
    let krate = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("kumo-new")
        .join(name);
    let _ = std::fs::remove_dir_all(&krate);
    let workspace = workspace();
    let args = [
        "kumo",
        "new",
        krate.to_str().unwrap(),
        "--kumo-path",
        workspace.to_str().unwrap(),
    ];
    kumo_cli::tool::execute(args, &mut Vec::new()).expect("the crate is written");
    krate
}

/// The corpus test's target directory: the AWS SDK and most of kumo are built there already.
fn shared_target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("migrate-corpus/target")
}

/// The files under `dir`, as paths relative to it with `/` between components.
fn walk(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            files.extend(walk(&path).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            files.push(name);
        }
    }
    files
}

/// The ELF type of an executable linked at a fixed address (a position-independent one is
/// `ET_DYN`, 3).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ET_EXEC: u16 = 2;

/// The `e_type` field of the ELF file at `path`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn elf_type(path: &Path) -> u16 {
    use std::io::Read;
    let mut header = [0; 18];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut header))
        .expect("the stack binary is readable");
    assert_eq!(
        &header[..4],
        b"\x7fELF",
        "{} is an ELF file",
        path.display()
    );
    let field = [header[16], header[17]];
    // EI_DATA: 1 little-endian, 2 big-endian.
    if header[5] == 2 {
        u16::from_be_bytes(field)
    } else {
        u16::from_le_bytes(field)
    }
}
