//! Adopting a deployed stack end to end against moto on 127.0.0.1: a stack created from an
//! original corpus template (CreateStack, not kumo) is migrated with `kumo migrate --from-stack`,
//! the migrated crate is built, and deploying it onto that stack changes nothing.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use kumo_tests::corpus;
use kumo_tests::MotoServer;

/// The corpus template the stack is made from: two buckets and a bucket policy.
const TEMPLATE: &str = "good/resources/s3/access-control-obsolete.yaml";
/// The deployed stack's name, which the migrated stack keeps.
const STACK: &str = "legacy-buckets";
/// How long building the migrated crate may take.
const BUILD_DEADLINE: Duration = Duration::from_secs(45 * 60);

#[test]
fn a_migrated_stack_deploys_onto_the_original_as_no_change() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let templates = corpus::templates(&corpus::source_distribution(tmp));
    let body = templates[TEMPLATE].clone().expect("the template is text");
    let moto = MotoServer::start().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = moto.sdk_config("us-east-1").await;
        aws_sdk_cloudformation::Client::new(&config)
            .create_stack()
            .stack_name(STACK)
            .template_body(body)
            .send()
            .await
            .expect("moto creates the stack");
    });

    let port = moto.port().to_string();
    std::env::set_var("KUMO_LOCAL_PORT", &port);
    let root = tmp.join("migrate-adopt");
    let krate = root.join("crate");
    let _ = std::fs::remove_dir_all(&krate);
    let mut printed = Vec::new();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let args = [
        "kumo",
        "migrate",
        "--from-stack",
        STACK,
        "--local",
        "--env",
        "prod",
        "--out",
        krate.to_str().unwrap(),
        "--name",
        "adopted",
        "--kumo-path",
        workspace.to_str().unwrap(),
    ];
    kumo_cli::tool::execute(args, &mut printed).expect("the stack migrates");
    let settings = std::fs::read_to_string(krate.join("kumo.toml")).unwrap();
    assert!(settings.contains("[env.prod]"), "{settings}");
    let source = std::fs::read_to_string(krate.join("src/legacy_buckets.rs")).unwrap();
    assert!(
        source.contains("stack_name = \"legacy-buckets\""),
        "{source}"
    );
    assert!(source.contains("default_tags = false"), "{source}");

    // The corpus test's target directory: the AWS SDK and most of kumo are built there already.
    let target = tmp.join("migrate-corpus/target");
    if let Err(why) =
        kumo_tests::build::build_crate(&krate, &target, "legacy-buckets", BUILD_DEADLINE)
    {
        panic!("the migrated crate does not build:\n{why}");
    }

    let output = Command::new(target.join("debug/legacy-buckets"))
        .args(["deploy", "--yes", "--local", "--env", "prod"])
        .current_dir(&krate)
        .env("KUMO_LOCAL_PORT", &port)
        .env("KUMO_POLL_MS", "100")
        .output()
        .expect("the stack binary runs");
    let out = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{out}{err}");
    assert_eq!(
        out.lines().next(),
        Some(format!("{STACK}: no changes").as_str()),
        "{out}{err}"
    );
}
