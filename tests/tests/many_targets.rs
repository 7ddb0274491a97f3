//! One app deployed to three regions of moto (on 127.0.0.1) from kumo.toml's `regions`: every
//! target in parallel with a summary table, a no-op redeploy, `status`, `plan` and `outputs` per
//! target, the `--json` report keyed by target, one target failing while the others succeed,
//! `--fail-fast`, `--target` narrowing to today's output, delete in every region through the
//! scheduler with a summary table (plan prints each target whole, in order), a stack set
//! refused with several targets; then two accounts in two regions through an assumed role.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::fs::File;
use std::path::Path;
use std::process::ExitCode;

use kumo_core::resources::sqs;
use kumo_core::{
    App, Environment, Output, Scope, Stack, StackError, StackGroup, StackOutput, Template,
};
use kumo_tests::MotoServer;
use serde_json::Value;

/// The account moto's stacks are in.
const MOTO_ACCOUNT: &str = "123456789012";

/// The accounts of the `org` environment.
const ACCOUNTS: [&str; 2] = ["111111111111", "222222222222"];

/// The regions of the app's environment.
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];

/// A queue whose name the service takes.
struct Network;

impl Stack for Network {
    fn name(&self) -> &str {
        "network"
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let mut scope = Scope::new(self.name(), env);
        let queue = scope.add("queue", sqs::Queue::new());
        scope.exported_output("queue", Output::new(queue.r#ref()));
        scope.finish()
    }
}

/// A queue beside the network's, which it imports.
struct Service;

impl Stack for Service {
    fn name(&self) -> &str {
        "service"
    }

    fn template(&self, env: &Environment) -> Result<Template, StackError> {
        let mut scope = Scope::new(self.name(), env);
        let network = scope.import(&StackOutput::new("network", "queue"));
        scope.add("jobs", sqs::Queue::new());
        scope.output("network", Output::new(network));
        scope.finish()
    }
}

/// Runs the CLI with kumo.toml and the state in `dir`; the exit code and what it printed (the
/// error last).
fn kumo(app: &dyn App, dir: &Path, args: &[&str]) -> (ExitCode, String) {
    let state = dir.join(".kumo");
    let config = dir.join("kumo.toml");
    let mut argv = vec![
        "app",
        "--local",
        "--config",
        config.to_str().unwrap(),
        "--state-dir",
        state.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    kumo_tests::run(app, &argv)
}

/// The result column of the summary row of `stack` in `region`.
fn result(out: &str, region: &str, stack: &str) -> String {
    let row = out
        .lines()
        .find(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            cells.first() == Some(&region) && cells.get(1) == Some(&stack)
        })
        .unwrap_or_else(|| panic!("no row {region} {stack}: {out}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    cells[2..cells.len() - 1].join(" ")
}

/// Asserts each line of `out` is prefixed by a target, the lines of each
/// target together and the targets in `targets`' order, each of them there.
fn in_target_order(out: &str, targets: &[&str]) {
    let mut seen: Vec<&str> = Vec::new();
    for line in out.lines() {
        let target = line
            .strip_prefix('[')
            .and_then(|rest| rest.split_once("] "))
            .map(|(target, _)| target)
            .unwrap_or_else(|| panic!("unprefixed line {line:?}: {out}"));
        if seen.last() != Some(&target) {
            assert!(!seen.contains(&target), "{target} twice: {out}");
            seen.push(target);
        }
    }
    assert_eq!(seen, targets, "{out}");
}

/// Whether `stack` is deployed in `region` of moto.
fn deployed(moto: &MotoServer, region: &str, stack: &str) -> bool {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = moto.sdk_config(region).await;
        let client = aws_sdk_cloudformation::Client::new(&config);
        match client.describe_stacks().stack_name(stack).send().await {
            Ok(found) => found.stacks().iter().any(|s| {
                s.stack_status()
                    .is_some_and(|st| st.as_str() != "DELETE_COMPLETE")
            }),
            Err(_) => false,
        }
    })
}

/// Holds the lock of `stack` in `region` as another kumo would, until dropped.
fn hold_lock(dir: &Path, region: &str, stack: &str) -> File {
    let locks = dir.join(".kumo").join("locks").join(region);
    std::fs::create_dir_all(&locks).unwrap();
    let file = File::create(locks.join(format!("{stack}.lock"))).unwrap();
    file.try_lock().unwrap();
    file
}

#[test]
fn one_app_in_three_regions_against_moto() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(
        dir.join("kumo.toml"),
        format!(
            "[env.dev]\nregions = [{}]\n\n[env.org]\nregions = [\"us-east-1\", \"eu-west-1\"]\naccounts = [\"{}\", \"{}\"]\nrole = \"arn:aws:iam::{{account}}:role/kumo-deploy\"\n\n[env.sets]\nregions = [\"us-east-1\", \"eu-west-1\"]\n\n[env.sets.stacks.network.stack-set]\naccounts = [\"111111111111\"]\nregions = [\"us-east-1\"]\n",
            REGIONS.map(|r| format!("\"{r}\"")).join(", "),
            ACCOUNTS[0],
            ACCOUNTS[1]
        ),
    )
    .unwrap();
    let app = StackGroup::new().stack(Network).stack(Service);

    // A plan of every target, all at once, printed whole in target order: changes exit 1.
    let (code, out) = kumo(&app, dir, &["plan"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    in_target_order(&out, &REGIONS);

    // A stack set has regions and accounts of its own: refused with several targets.
    let (code, out) = kumo(&app, dir, &["--env", "sets", "validate"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert_eq!(
        out,
        "error: stack `network` has a `stack-set` section, and the environment has several targets: a stack set has its own regions and accounts (deploy it from an environment with one target)\n"
    );

    // Every target, prefixed lines, a table at the end, records per target.
    let (code, out) = kumo(&app, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("[eu-west-1] network-dev | "), "{out}");
    assert!(
        out.contains("TARGET          STACK        RESULT   TIME"),
        "{out}"
    );
    for region in REGIONS {
        assert_eq!(result(&out, region, "network-dev"), "created", "{out}");
        assert_eq!(result(&out, region, "service-dev"), "created", "{out}");
        assert!(deployed(&moto, region, "service-dev"), "{region}");
        let applied = dir
            .join(".kumo/applied/dev")
            .join(region)
            .join(MOTO_ACCOUNT);
        assert!(applied.join("service-dev.json").is_file(), "{region}");
    }

    // A no-op redeploy changes nothing anywhere.
    let (code, out) = kumo(&app, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    for region in REGIONS {
        assert_eq!(result(&out, region, "network-dev"), "unchanged", "{out}");
        assert_eq!(result(&out, region, "service-dev"), "unchanged", "{out}");
    }

    let (code, out) = kumo(&app, dir, &["--json", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    for region in REGIONS {
        assert_eq!(
            report[region]["network-dev"]["result"], "unchanged",
            "{out}"
        );
        assert!(
            report[region]["service-dev"]["finished_ms"].is_u64(),
            "{out}"
        );
    }

    // Reads and reviews per target.
    let (code, out) = kumo(&app, dir, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    for region in REGIONS {
        assert!(out.contains(&format!("[{region}] ")), "{out}");
    }
    let (code, out) = kumo(&app, dir, &["plan"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    in_target_order(&out, &REGIONS);
    let (code, out) = kumo(&app, dir, &["--json", "outputs"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    for region in REGIONS {
        assert!(report[region]["service-dev"].is_object(), "{out}");
    }

    // One target fails (another kumo holds a lock there); the others go on.
    let lock = hold_lock(dir, "eu-west-1", "network-dev");
    let (code, out) = kumo(&app, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert_eq!(result(&out, "eu-west-1", "network-dev"), "failed", "{out}");
    assert_eq!(
        result(&out, "eu-west-1", "service-dev"),
        "not attempted",
        "{out}"
    );
    assert_eq!(
        result(&out, "us-east-1", "service-dev"),
        "unchanged",
        "{out}"
    );
    assert_eq!(
        result(&out, "ap-southeast-2", "service-dev"),
        "unchanged",
        "{out}"
    );
    assert!(
        out.contains(
            "error: [eu-west-1] stack `network-dev` (eu-west-1) is in use by another kumo"
        ),
        "{out}"
    );

    // --fail-fast: after the failure nothing new starts in any target.
    let (code, out) = kumo(
        &app,
        dir,
        &["deploy", "--yes", "--fail-fast", "--concurrency", "1"],
    );
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert_eq!(
        result(&out, "us-east-1", "network-dev"),
        "unchanged",
        "{out}"
    );
    assert_eq!(result(&out, "eu-west-1", "network-dev"), "failed", "{out}");
    assert_eq!(
        result(&out, "ap-southeast-2", "network-dev"),
        "not attempted",
        "{out}"
    );
    assert_eq!(
        result(&out, "us-east-1", "service-dev"),
        "not attempted",
        "{out}"
    );
    drop(lock);

    // --target narrows to one target, which prints as a single-target deploy does.
    let (code, out) = kumo(&app, dir, &["--target", "eu-west-1", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(!out.contains('['), "{out}");
    assert!(!out.contains("TARGET"), "{out}");
    let (code, out) = kumo(&app, dir, &["--region", "sa-east-1", "status"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert_eq!(
        out,
        "error: unknown target `sa-east-1`; the environment's targets are: us-east-1, eu-west-1, ap-southeast-2\n"
    );

    // Delete, consumers first, in every region; one target fails (its consumer is locked) and
    // its other stack is not attempted, while the other targets are deleted.
    let lock = hold_lock(dir, "eu-west-1", "service-dev");
    let (code, out) = kumo(&app, dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("TARGET          STACK        RESULT         TIME"),
        "{out}"
    );
    assert_eq!(result(&out, "eu-west-1", "service-dev"), "failed", "{out}");
    assert_eq!(
        result(&out, "eu-west-1", "network-dev"),
        "not attempted",
        "{out}"
    );
    assert!(
        out.contains(
            "error: [eu-west-1] stack `service-dev` (eu-west-1) is in use by another kumo"
        ),
        "{out}"
    );
    for region in ["us-east-1", "ap-southeast-2"] {
        let line = |stack: &str| {
            out.find(&format!("[{region}] {stack} | {stack}: deleted"))
                .unwrap_or_else(|| panic!("{region} {stack}: {out}"))
        };
        assert!(line("service-dev") < line("network-dev"), "{out}");
        assert_eq!(result(&out, region, "service-dev"), "deleted", "{out}");
        assert_eq!(result(&out, region, "network-dev"), "deleted", "{out}");
    }
    assert!(deployed(&moto, "eu-west-1", "network-dev"));
    drop(lock);
    let (code, out) = kumo(&app, dir, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(result(&out, "eu-west-1", "service-dev"), "deleted", "{out}");
    assert_eq!(result(&out, "eu-west-1", "network-dev"), "deleted", "{out}");
    assert_eq!(
        result(&out, "us-east-1", "network-dev"),
        "not deployed",
        "{out}"
    );
    for region in REGIONS {
        assert!(!deployed(&moto, region, "network-dev"), "{region}");
        assert!(!deployed(&moto, region, "service-dev"), "{region}");
    }

    // Two accounts in two regions: kumo assumes the role in each, and the stacks are theirs.
    let (code, out) = kumo(&app, dir, &["--env", "org", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    for account in ACCOUNTS {
        for region in ["us-east-1", "eu-west-1"] {
            let target = format!("{account}/{region}");
            assert_eq!(result(&out, &target, "service-org"), "created", "{out}");
            let applied = dir.join(".kumo/applied/org").join(region).join(account);
            assert!(applied.join("service-org.json").is_file(), "{target}");
        }
    }
    let (code, out) = kumo(
        &app,
        dir,
        &[
            "--env",
            "org",
            "--target",
            "222222222222/eu-west-1",
            "delete",
            "--yes",
        ],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(out, "service-org: deleted\nnetwork-org: deleted\n");
    let (code, out) = kumo(&app, dir, &["--env", "org", "delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains(
            "[222222222222/eu-west-1] service-org | service-org: not deployed in eu-west-1"
        ),
        "{out}"
    );
    assert!(
        out.contains("[111111111111/eu-west-1] service-org | service-org: deleted"),
        "{out}"
    );
}
