//! A stack deployed as a stack set against moto's CloudFormation server on 127.0.0.1: instances
//! in two accounts and two regions (one with a parameter override), a no-op redeploy, an added
//! region, a removed one (refused without --allow-destructive), a parameter change, an override
//! change, a change that replaces the bucket (refused without --allow-destructive), a loop of
//! buckets that writes one fewer (refused likewise), a loop over a parameter's items whose
//! override changes in one instance (refused likewise, naming the instance), and delete.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use kumo_core::intrinsic::{for_each, reference};
use kumo_core::{
    Environment, HookPoint, Parameter, ParameterType, Resource, Section, Stack, StackError,
    StackGroup, Template,
};
use kumo_tests::MotoServer;

/// The account moto's own calls are in: where the stack set itself lives.
const MOTO_ACCOUNT: &str = "123456789012";

/// A stack with one bucket and a parameter to override per instance.
struct Baseline;

/// Whether the bucket has a name prefix: a property that replaces it.
static PREFIXED: AtomicBool = AtomicBool::new(false);

/// How many buckets an `Fn::ForEach` loop writes (`ArchiveA`, `ArchiveB`, ..), if any.
static ARCHIVES: AtomicUsize = AtomicUsize::new(0);

/// Whether the loop's items are instead the parameter `Names` (an instance may override it).
static NAMED: AtomicBool = AtomicBool::new(false);

impl Stack for Baseline {
    fn name(&self) -> &str {
        "baseline"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new().with_description("kumo stack set test");
        t.add_parameter(
            "Size",
            Parameter::string()
                .default_value("1")
                .allowed_pattern("[0-9]+"),
        )?;
        let logs = Resource::new("AWS::S3::Bucket");
        t.add_resource(
            "Logs",
            match PREFIXED.load(Ordering::SeqCst) {
                true => logs.property("BucketNamePrefix", "baseline-logs"),
                false => logs,
            },
        )?;
        let archives = ARCHIVES.load(Ordering::SeqCst);
        if NAMED.load(Ordering::SeqCst) {
            t.add_parameter(
                "Names",
                Parameter::new(ParameterType::CommaDelimitedList).default_value("A"),
            )?;
            let archive = serde_json::json!({"Archive${Item}": Resource::new("AWS::S3::Bucket")});
            let names = reference::<Vec<String>>("Names");
            t.add_for_each(
                Section::Resources,
                for_each("Archives", "Item", names, archive),
            )?;
        } else if archives > 0 {
            let items: Vec<String> = ["A", "B", "C"][..archives]
                .iter()
                .map(|item| item.to_string())
                .collect();
            let bucket = Resource::new("AWS::S3::Bucket");
            let archive = serde_json::json!({"Archive${Item}": bucket});
            t.add_for_each(
                Section::Resources,
                for_each("Archives", "Item", items, archive),
            )?;
        }
        Ok(t)
    }
}

/// kumo.toml with the stack set in `regions`, and the stack's own `parameters` (a TOML table).
fn config(regions: &str, parameters: &str) -> String {
    format!(
        "[env.dev.stacks.baseline]\nparameters = {parameters}\n\
         [env.dev.stacks.baseline.stack-set]\n\
         accounts = [\"111111111111\", \"222222222222\"]\n\
         regions = [{regions}]\n\
         max-concurrent = \"50%\"\n\
         failure-tolerance = 0\n\
         region-concurrency = \"sequential\"\n\
         [[env.dev.stacks.baseline.stack-set.overrides]]\n\
         accounts = [\"222222222222\"]\n\
         regions = [\"eu-west-1\"]\n\
         parameters = {{ Size = \"3\" }}\n"
    )
}

/// What the app's hooks saw, in order: `{point} {status} {outputs}` (how many).
static HOOKS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The hooks run since last asked.
fn hooks_run() -> Vec<String> {
    std::mem::take(&mut *HOOKS.lock().unwrap())
}

/// Runs the CLI with its state and kumo.toml (`toml`) in `dir`.
fn kumo(dir: &Path, toml: &str, args: &[&str]) -> (ExitCode, String) {
    let state = dir.join(".kumo");
    let path = dir.join("kumo.toml");
    std::fs::write(&path, toml).unwrap();
    let mut argv = vec![
        "baseline",
        "--local",
        "--no-color",
        "--state-dir",
        state.to_str().unwrap(),
        "--config",
        path.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    let mut app = StackGroup::new().stack(Baseline);
    for point in [
        HookPoint::BeforeDeploy,
        HookPoint::AfterCreate,
        HookPoint::AfterUpdate,
        HookPoint::AfterDeploy,
        HookPoint::BeforeDelete,
        HookPoint::AfterDelete,
    ] {
        app = app.hook(point, move |context| {
            HOOKS.lock().unwrap().push(format!(
                "{point:?} {} {}",
                context.status.unwrap_or("-"),
                context.outputs.len()
            ));
            Ok(())
        });
    }
    kumo_tests::run(&app, &argv)
}

/// The stack set's instances and their overrides, as moto has them.
fn instances(moto: &MotoServer) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = moto.sdk_config("us-east-1").await;
        let client = aws_sdk_cloudformation::Client::new(&config);
        let listed = match client
            .list_stack_instances()
            .stack_set_name("baseline-dev")
            .send()
            .await
        {
            Ok(listed) => listed,
            Err(_) => return Vec::new(),
        };
        let mut found = Vec::new();
        for summary in listed.summaries() {
            let (account, region) = (summary.account().unwrap(), summary.region().unwrap());
            let described = client
                .describe_stack_instance()
                .stack_set_name("baseline-dev")
                .stack_instance_account(account)
                .stack_instance_region(region)
                .send()
                .await
                .unwrap();
            let overrides: Vec<String> = described
                .stack_instance()
                .unwrap()
                .parameter_overrides()
                .iter()
                .map(|p| {
                    format!(
                        "{}={}",
                        p.parameter_key().unwrap(),
                        p.parameter_value().unwrap()
                    )
                })
                .collect();
            found.push(format!("{account}/{region} {}", overrides.join(",")));
        }
        found.sort();
        found
    })
}

#[test]
fn a_stack_set_is_deployed_changed_and_deleted_against_moto() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let two = config("\"us-east-1\", \"eu-west-1\"", "{}");

    // Values are checked before anything is sent: an override of a parameter the stack lacks,
    // an override or a value of the set its constraints refuse. Nothing is made (the plan
    // below finds a new set).
    for (overrides, says) in [
        (
            "Nope = \"3\"",
            "error: stack `baseline-dev`: stack-set overrides: parameter `Nope`: the stack has no such parameter; it has: Size",
        ),
        (
            "Size = \"x\"",
            "error: stack `baseline-dev`: stack-set overrides: parameter `Size`: value `x` does not match AllowedPattern `[0-9]+`",
        ),
    ] {
        let bad = two.replace("Size = \"3\"", overrides);
        let (code, out) = kumo(dir, &bad, &["deploy", "--yes"]);
        assert_eq!(code, ExitCode::from(2), "{out}");
        assert!(out.contains(says), "{out}");
    }
    let (code, out) = kumo(dir, &two, &["deploy", "--yes", "--param", "Size=4x"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("error: stack `baseline-dev`: parameter `Size`: value `4x` does not match AllowedPattern `[0-9]+`"),
        "{out}"
    );

    // A plan shows the new set and its four instances.
    let (code, out) = kumo(dir, &two, &["plan"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(
        out.contains("baseline-dev: stack set: a new stack set; instances: 4 to add, 0 to remove, 0 to update"),
        "{out}"
    );
    assert!(
        out.contains("+ instance 222222222222/eu-west-1 (Size=3)"),
        "{out}"
    );

    // Deploy: the set, then its instances, each reported.
    let (code, out) = kumo(dir, &two, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    for instance in [
        "111111111111 us-east-1",
        "111111111111 eu-west-1",
        "222222222222 us-east-1",
        "222222222222 eu-west-1",
    ] {
        assert!(
            out.contains(&format!("baseline-dev: {instance} SUCCEEDED")),
            "{instance}: {out}"
        );
    }
    assert!(
        out.contains("baseline-dev: stack set created, 4 instance(s)"),
        "{out}"
    );
    let (code, out) = kumo(dir, &two, &["drift"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.starts_with("baseline-dev: a stack set, not checked (drift checks stacks;"),
        "{out}"
    );
    assert_eq!(
        hooks_run(),
        [
            "BeforeDeploy - 0",
            "AfterCreate ACTIVE 4",
            "AfterDeploy ACTIVE 4"
        ]
    );
    assert_eq!(
        instances(&moto),
        [
            "111111111111/eu-west-1 ",
            "111111111111/us-east-1 ",
            "222222222222/eu-west-1 Size=3",
            "222222222222/us-east-1 ",
        ]
    );
    let applied = dir
        .join(".kumo/applied/dev/us-east-1")
        .join(MOTO_ACCOUNT)
        .join("baseline-dev.json");
    assert!(applied.is_file());
    for live in [&[][..], &["--live"][..]] {
        let (code, out) = kumo(dir, &two, &[&["outputs"][..], live].concat());
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
        assert!(
            out.contains(
                "  222222222222/eu-west-1 = arn:aws:cloudformation:eu-west-1:222222222222:stack/"
            ),
            "{out}"
        );
    }

    // The same again changes nothing and starts no operation.
    let (code, out) = kumo(dir, &two, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.starts_with("baseline-dev: no changes\n"), "{out}");
    assert!(!out.contains("SUCCEEDED"), "{out}");
    assert_eq!(
        hooks_run(),
        ["BeforeDeploy ACTIVE 0", "AfterDeploy ACTIVE 4"]
    );
    for live in [&[][..], &["--live"][..]] {
        let (code, out) = kumo(dir, &two, &[&["diff"][..], live].concat());
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
        assert_eq!(out, "baseline-dev: no changes\n");
    }
    let (code, out) = kumo(dir, &two, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("baseline-dev: stack set, 4 instance(s): 111111111111/eu-west-1 CURRENT"),
        "{out}"
    );
    let (_, out) = kumo(dir, &two, &["status", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(report["baseline-dev"]["deployed"], true, "{out}");

    // Another region: diff and plan show the instances to add; deploy adds only those.
    let three = config("\"us-east-1\", \"eu-west-1\", \"us-west-2\"", "{}");
    let (code, out) = kumo(dir, &three, &["diff", "--live"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.contains("+ instance 111111111111/us-west-2"), "{out}");
    assert!(out.contains("+ instance 222222222222/us-west-2"), "{out}");
    let (code, out) = kumo(dir, &three, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("baseline-dev: 111111111111 us-west-2 SUCCEEDED"),
        "{out}"
    );
    assert!(
        !out.contains("baseline-dev: 111111111111 us-east-1 SUCCEEDED"),
        "only the new instances: {out}"
    );
    assert_eq!(instances(&moto).len(), 6);

    // A region dropped: its instances hold resources, so only --allow-destructive deletes them.
    let (code, out) = kumo(dir, &two, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("error: stack `baseline-dev`: refusing to delete stack instances (111111111111/us-west-2, 222222222222/us-west-2) and their stacks' resources; pass --allow-destructive if you mean it"),
        "{out}"
    );
    assert_eq!(instances(&moto).len(), 6);
    let (code, out) = kumo(dir, &two, &["deploy", "--yes", "--allow-destructive"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(instances(&moto).len(), 4);

    // A parameter value of the set: an update of every instance.
    let bigger = config("\"us-east-1\", \"eu-west-1\"", "{ Size = \"2\" }");
    let (code, out) = kumo(dir, &bigger, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("baseline-dev: stack set: parameter values, tags or roles change"),
        "{out}"
    );
    assert!(
        out.contains("baseline-dev: 222222222222 eu-west-1 SUCCEEDED"),
        "{out}"
    );
    let (code, out) = kumo(dir, &bigger, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.starts_with("baseline-dev: no changes\n"), "{out}");

    // An override's value: an update of that instance alone.
    let resized = bigger.replace("Size = \"3\"", "Size = \"4\"");
    let (code, out) = kumo(dir, &resized, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("baseline-dev: stack set: the set itself is unchanged; instances: 0 to add, 0 to remove, 1 to update\n  ~ instance 222222222222/eu-west-1 (Size=4)\n  baseline-dev: 222222222222 eu-west-1 SUCCEEDED\n"),
        "{out}"
    );
    assert_eq!(
        instances(&moto),
        [
            "111111111111/eu-west-1 ",
            "111111111111/us-east-1 ",
            "222222222222/eu-west-1 Size=4",
            "222222222222/us-east-1 ",
        ]
    );

    // A property that replaces the bucket: with no change set to ask, the schema says so, and
    // only --allow-destructive replaces every instance's bucket.
    PREFIXED.store(true, Ordering::SeqCst);
    let (code, out) = kumo(dir, &resized, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(out.contains("(replaces the resource)"), "{out}");
    assert!(
        out.contains("error: stack `baseline-dev`: refusing to replace or remove stateful or retained resources (Logs) in every instance; pass --allow-destructive if you mean it"),
        "{out}"
    );
    let (code, out) = kumo(dir, &resized, &["deploy", "--yes", "--allow-destructive"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("baseline-dev: 222222222222 eu-west-1 SUCCEEDED"),
        "{out}"
    );

    // A loop of buckets: writing one fewer deletes that bucket in every instance, so only
    // --allow-destructive does it.
    ARCHIVES.store(2, Ordering::SeqCst);
    let (code, out) = kumo(dir, &resized, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    ARCHIVES.store(1, Ordering::SeqCst);
    let (code, out) = kumo(dir, &resized, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("~ Resources.Fn::ForEach::Archives holds data\n"),
        "{out}"
    );
    assert!(
        out.contains("    removes ArchiveB (AWS::S3::Bucket), holds data\n"),
        "{out}"
    );
    assert!(
        out.contains("error: stack `baseline-dev`: refusing to replace or remove stateful or retained resources (ArchiveB) in every instance; pass --allow-destructive if you mean it"),
        "{out}"
    );
    let (code, out) = kumo(dir, &resized, &["deploy", "--yes", "--allow-destructive"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    // A loop over the items of a parameter that one instance overrides: a change of that
    // override may write fewer buckets there, so only --allow-destructive makes it.
    NAMED.store(true, Ordering::SeqCst);
    let overridden = |names: &str| {
        resized.replace(
            "Size = \"4\"",
            &format!("Size = \"4\", Names = \"{names}\""),
        )
    };
    let (code, out) = kumo(
        dir,
        &overridden("A,B"),
        &["deploy", "--yes", "--allow-destructive"],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let (code, out) = kumo(dir, &overridden("A"), &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("~ instance 222222222222/eu-west-1 (Names=A, Size=4)"),
        "{out}"
    );
    assert!(
        out.contains("error: stack `baseline-dev`: refusing to replace or remove stateful or retained resources (Archive${Item}) in the instances whose parameter overrides change (222222222222/eu-west-1); pass --allow-destructive if you mean it"),
        "{out}"
    );
    let (code, out) = kumo(
        dir,
        &overridden("A"),
        &["deploy", "--yes", "--allow-destructive"],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let resized = overridden("A");

    // Delete: the instances first, then the set; the record goes with it.
    hooks_run();
    let (code, out) = kumo(dir, &resized, &["delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains(
            "baseline-dev: deleting instances 111111111111, 222222222222 in eu-west-1, us-east-1"
        ),
        "{out}"
    );
    assert!(out.ends_with("baseline-dev: deleted\n"), "{out}");
    let ran = hooks_run();
    assert_eq!(
        ran[ran.len() - 2..],
        ["BeforeDelete ACTIVE 4", "AfterDelete - 4"]
    );
    assert!(instances(&moto).is_empty());
    assert!(!applied.exists());
    let (code, out) = kumo(dir, &resized, &["status"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(out, "baseline-dev: stack set not deployed\n");
    let (_, out) = kumo(dir, &resized, &["status", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(report["baseline-dev"]["deployed"], false, "{out}");
}
