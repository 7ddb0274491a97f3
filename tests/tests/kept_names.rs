//! Explicit stack names and kumo's stack tags end to end against moto on 127.0.0.1: a stack
//! keeps the name `stack_name` gives it (or kumo.toml's `stack-name`), another stack imports
//! its export under that name, and a stack with `default_tags = false` is deployed with
//! kumo.toml's tags only.

use std::collections::BTreeMap;
use std::process::ExitCode;

use aws_sdk_cloudformation::Client;
use kumo_core::resources::{sqs, ssm};
use kumo_core::{stack, StackGroup};
use kumo_tests::MotoServer;

stack! {
    /// An adopted stack: its own name, nothing tagged by kumo.
    pub Legacy(service = "legacy", stack_name = "legacy-net-{env}", default_tags = false) {
        let queue = sqs::Queue::new();
        output queue_url = queue.r#ref(), export;
    }
}

stack! {
    /// A stack of kumo's, importing from the adopted one.
    pub Jobs(service = "jobs", tags = { "team" = "mes" }) {
        import legacy = Legacy::QUEUE_URL;
        let setting = ssm::Parameter::new(ssm::parameter::Type::String, legacy);
    }
}

/// The tags of the deployed stack `name`.
async fn tags(client: &Client, name: &str) -> BTreeMap<String, String> {
    let stacks = client
        .describe_stacks()
        .stack_name(name)
        .send()
        .await
        .unwrap();
    let stack = &stacks.stacks()[0];
    stack
        .tags()
        .iter()
        .map(|tag| {
            (
                tag.key().unwrap().to_owned(),
                tag.value().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn kept_stack_names_and_stack_tags_against_moto() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(async { Client::new(&moto.sdk_config("us-east-1").await) });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kumo.toml");
    std::fs::write(
        &config,
        "[env.dev]\ntags = { owner = \"ops\" }\n[env.dev.stacks.jobs]\nstack-name = \"jobs-v2-{env}\"\n",
    )
    .unwrap();
    let state = dir.path().join(".kumo");
    let app = StackGroup::new().stack(Legacy).stack(Jobs);
    let run = |args: &[&str]| {
        let mut argv = vec![
            "app",
            "--local",
            "--state-dir",
            state.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ];
        argv.extend_from_slice(args);
        kumo_tests::run(&app, &argv)
    };

    let (code, out) = run(&["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let (code, out) = run(&["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("legacy-net-dev: CREATE_COMPLETE"), "{out}");
    assert!(out.contains("jobs-v2-dev: CREATE_COMPLETE"), "{out}");

    let legacy = runtime.block_on(tags(&client, "legacy-net-dev"));
    assert_eq!(
        legacy,
        BTreeMap::from([("owner".to_owned(), "ops".to_owned())])
    );
    let jobs = runtime.block_on(tags(&client, "jobs-v2-dev"));
    let expected = [
        ("environment", "dev"),
        ("owner", "ops"),
        ("service-name", "jobs"),
        ("team", "mes"),
    ];
    assert_eq!(
        jobs,
        expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>()
    );

    let (code, out) = run(&["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("no changes"), "{out}");

    // Renamed, the stack is one not deployed yet: offline, `diff` shows it whole and `outputs`
    // has no record of it, rather than trust the records of the stack under its old name.
    let (code, out) = run(&["diff", "jobs"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let (code, out) = run(&["outputs", "jobs"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    std::fs::write(
        &config,
        "[env.dev.stacks.jobs]\nstack-name = \"jobs-v3-{env}\"\n",
    )
    .unwrap();
    let (code, out) = run(&["diff", "jobs"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.starts_with("jobs-v3-dev"), "{out}");
    assert!(out.contains("+ Resources.Setting"), "{out}");
    let (code, out) = run(&["outputs", "jobs"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("`jobs-v3-dev` is not deployed from here"),
        "{out}"
    );
    std::fs::write(
        &config,
        "[env.dev]\ntags = { owner = \"ops\" }\n[env.dev.stacks.jobs]\nstack-name = \"jobs-v2-{env}\"\n",
    )
    .unwrap();
    let (code, out) = run(&["diff", "jobs"]);
    assert_eq!(
        code,
        ExitCode::SUCCESS,
        "the old name's records are intact: {out}"
    );

    let (code, out) = run(&["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    // Names are checked before anything is sent: valid, and one stack's each.
    for (name, error) in [
        (
            "legacy-net-{env}",
            "name `legacy-net-dev` of `jobs` collides with the same name of `legacy`",
        ),
        ("jobs_{env}", "invalid stack name \"jobs_dev\""),
    ] {
        std::fs::write(
            &config,
            format!("[env.dev.stacks.jobs]\nstack-name = \"{name}\"\n"),
        )
        .unwrap();
        let (code, out) = run(&["synth"]);
        assert_eq!(code, ExitCode::from(2), "{out}");
        assert!(out.contains(error), "{out}");
    }
}
