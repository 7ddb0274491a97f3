//! Recovery from interrupted deploys against moto's CloudFormation server on 127.0.0.1: a
//! create killed while its change set was being made (the stack left in REVIEW_IN_PROGRESS with
//! kumo's change set), stale kumo change sets beside someone else's, and a first deploy stopped
//! before it ran (a failing before-create hook): nothing is left behind, and the next deploy
//! works. Termination protection and the stack policy, changed behind kumo's back, are put back
//! by the next deploy. A deploy that works and cannot be recorded says both, and the next one
//! records it.

use std::process::ExitCode;

use aws_sdk_cloudformation::types::ChangeSetType;
use aws_sdk_cloudformation::Client;
use kumo_core::resources::sqs;
use kumo_core::{App, Environment, HookPoint, Stack, StackError, StackGroup, Template};
use kumo_tests::MotoServer;

/// One queue, with `delay` seconds of delay, under a stack policy that protects it.
struct Queue {
    delay: i64,
}

impl Stack for Queue {
    fn name(&self) -> &str {
        "recovery"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.add("Jobs", sqs::Queue::new().delay_seconds(self.delay))?;
        t.set_stack_policy(policy("Deny"));
        Ok(t)
    }
}

/// A stack policy that says `effect` to replacing or deleting the queue.
fn policy(effect: &str) -> serde_json::Value {
    serde_json::json!({"Statement": [
        {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
        {"Effect": effect, "Action": ["Update:Replace", "Update:Delete"], "Principal": "*",
         "Resource": "LogicalResourceId/Jobs"},
    ]})
}

const STACK: &str = "recovery-dev";

/// Runs the CLI on `app` against `moto`, its state in `dir`.
fn kumo(
    app: &dyn App,
    moto: &MotoServer,
    dir: &std::path::Path,
    args: &[&str],
) -> (ExitCode, String) {
    let endpoint = format!("http://127.0.0.1:{}", moto.port());
    let state = dir.join(".kumo");
    let config = dir.join("kumo.toml");
    if !config.exists() {
        std::fs::write(&config, "").unwrap();
    }
    let mut argv = vec![
        "recovery",
        "--local",
        "--endpoint-url",
        &endpoint,
        "--config",
        config.to_str().unwrap(),
        "--state-dir",
        state.to_str().unwrap(),
        "--timeout",
        "20s",
        "--verbose",
    ];
    argv.extend_from_slice(args);
    kumo_tests::run(app, &argv)
}

/// A CloudFormation client of `moto`.
async fn client(moto: &MotoServer) -> Client {
    Client::new(&moto.sdk_config("us-east-1").await)
}

/// The names of the change sets of the stack.
async fn change_sets(client: &Client) -> Vec<String> {
    let listed = client
        .list_change_sets()
        .stack_name(STACK)
        .send()
        .await
        .unwrap();
    listed
        .summaries()
        .iter()
        .filter(|s| s.stack_name() == Some(STACK))
        .filter_map(|s| s.change_set_name().map(str::to_owned))
        .collect()
}

/// The stack's status, if there is one.
async fn status(client: &Client) -> Option<String> {
    let stacks = client
        .describe_stacks()
        .stack_name(STACK)
        .send()
        .await
        .ok()?;
    let status = stacks.stacks().first()?.stack_status()?.as_str().to_owned();
    (status != "DELETE_COMPLETE").then_some(status)
}

/// Makes a change set of `Queue { delay }` by hand, as a kumo process killed right after
/// creating it would have left it (`kumo-`, a hash and the origin of its state directory, which
/// its description names; `name` `kumo` for the template's own hash), or as someone else's (no
/// `origin`).
async fn change_set_by_hand(
    client: &Client,
    name: &str,
    origin: Option<&str>,
    kind: ChangeSetType,
    delay: i64,
) {
    let body = Queue { delay }
        .template(&Environment::new("dev"))
        .unwrap()
        .to_json();
    // `kumo`: the name kumo gives a change set of this template.
    let name = match name {
        "kumo" => format!("kumo-{}", kumo_core::naming::stable_hash(&body, 16)),
        name => name.to_owned(),
    };
    let name = match origin {
        Some(origin) => format!("{name}-{origin}"),
        None => name,
    };
    client
        .create_change_set()
        .stack_name(STACK)
        .change_set_name(name)
        .change_set_type(kind)
        .set_description(origin.map(|o| format!("kumo change set of state directory {o}")))
        .template_body(body)
        .send()
        .await
        .unwrap();
}

/// The origin of the state directory under `dir`, which kumo made on its first deploy there.
fn origin(dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(dir.join(".kumo").join("origin")).unwrap();
    // The identity, then the directory's path.
    let origin = text.lines().next().unwrap_or_default().to_owned();
    assert_eq!(origin.len(), 16, "{text:?}");
    origin
}

#[test]
fn interrupted_deploys_leave_nothing_in_the_way() {
    std::env::set_var("KUMO_POLL_MS", "100");
    let moto = MotoServer::start().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(client(&moto));
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    // A first deploy stopped before it ran (its before-create hook fails) removes the change
    // set and the empty stack it made.
    let stopped = StackGroup::new()
        .stack(Queue { delay: 0 })
        .hook(HookPoint::BeforeCreate, |_| Err("not today".to_owned()));
    let (code, out) = kumo(&stopped, &moto, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(out.contains("not today"), "{out}");
    assert_eq!(runtime.block_on(status(&client)), None, "{out}");
    assert!(runtime.block_on(change_sets(&client)).is_empty());

    // Another state directory's first deploy, under way: its change set waits to be executed,
    // the stack in REVIEW_IN_PROGRESS. A deploy from here leaves both alone and says why.
    let there = "aaaaaaaaaaaaaaaa";
    runtime.block_on(change_set_by_hand(
        &client,
        "kumo-0123456789abcdef",
        Some(there),
        ChangeSetType::Create,
        0,
    ));
    let theirs = format!("kumo-0123456789abcdef-{there}");
    let (code, out) = kumo(&Queue { delay: 0 }, &moto, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains(&format!(
            "({theirs}: another kumo run's, from another state directory, made "
        )),
        "{out}"
    );
    assert_eq!(
        runtime.block_on(status(&client)).as_deref(),
        Some("REVIEW_IN_PROGRESS")
    );
    assert_eq!(
        runtime.block_on(change_sets(&client)),
        std::slice::from_ref(&theirs)
    );
    // That run gives up: it deletes what it made.
    runtime.block_on(async {
        let change_set = client.delete_change_set().stack_name(STACK);
        change_set.change_set_name(theirs).send().await.unwrap();
        client
            .delete_stack()
            .stack_name(STACK)
            .send()
            .await
            .unwrap();
    });

    // A create from here killed while CloudFormation worked out its change set: the stack
    // waits in REVIEW_IN_PROGRESS with kumo's change set. The next deploy clears it and creates.
    let here = origin(dir);
    runtime.block_on(change_set_by_hand(
        &client,
        "kumo-0123456789abcdef",
        Some(&here),
        ChangeSetType::Create,
        0,
    ));
    assert_eq!(
        runtime.block_on(status(&client)).as_deref(),
        Some("REVIEW_IN_PROGRESS")
    );
    let (code, out) = kumo(&Queue { delay: 0 }, &moto, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("CREATE_COMPLETE"), "{out}");
    assert_eq!(
        runtime.block_on(status(&client)).as_deref(),
        Some("CREATE_COMPLETE")
    );
    let left = runtime.block_on(change_sets(&client));
    let killed = format!("kumo-0123456789abcdef-{here}");
    assert!(!left.contains(&killed), "{left:?}");

    // Of an update: this directory's leftover goes; someone else's stays, and so does another
    // directory's, made from the very template deployed here (same hash, another name).
    runtime.block_on(change_set_by_hand(
        &client,
        "kumo-fedcba9876543210",
        Some(&here),
        ChangeSetType::Update,
        7,
    ));
    runtime.block_on(change_set_by_hand(
        &client,
        "review-by-hand",
        None,
        ChangeSetType::Update,
        9,
    ));
    runtime.block_on(change_set_by_hand(
        &client,
        "kumo",
        Some(there),
        ChangeSetType::Update,
        5,
    ));
    let (code, out) = kumo(&Queue { delay: 5 }, &moto, dir, &["plan"]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    let mut left = runtime.block_on(change_sets(&client));
    left.sort();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left[0].starts_with("kumo-") && left[0].ends_with(there),
        "{left:?}"
    );
    assert_eq!(left[1], "review-by-hand");
    let (code, out) = kumo(&Queue { delay: 5 }, &moto, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("UPDATE_COMPLETE"), "{out}");
}

/// Whether the stack has termination protection, and its stack policy.
async fn guards(client: &Client) -> (bool, serde_json::Value) {
    let stacks = client
        .describe_stacks()
        .stack_name(STACK)
        .send()
        .await
        .unwrap();
    let protected = stacks.stacks()[0]
        .enable_termination_protection()
        .unwrap_or(false);
    let policy = client
        .get_stack_policy()
        .stack_name(STACK)
        .send()
        .await
        .unwrap();
    let policy = serde_json::from_str(policy.stack_policy_body().unwrap_or("null")).unwrap();
    (protected, policy)
}

#[test]
fn protection_and_the_stack_policy_converge_on_every_deploy() {
    std::env::set_var("KUMO_POLL_MS", "100");
    let moto = MotoServer::start().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(client(&moto));
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(
        dir.join("kumo.toml"),
        "[env.dev]\ntermination-protection = true\n",
    )
    .unwrap();

    let (code, out) = kumo(&Queue { delay: 0 }, &moto, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(runtime.block_on(guards(&client)), (true, policy("Deny")));

    // Changed by hand (or a call that failed): the next deploy, with nothing else to change,
    // puts both right.
    runtime.block_on(async {
        client
            .update_termination_protection()
            .stack_name(STACK)
            .enable_termination_protection(false)
            .send()
            .await
            .unwrap();
        client
            .set_stack_policy()
            .stack_name(STACK)
            .stack_policy_body(policy("Allow").to_string())
            .send()
            .await
            .unwrap();
    });
    assert_eq!(runtime.block_on(guards(&client)), (false, policy("Allow")));
    let (code, out) = kumo(&Queue { delay: 0 }, &moto, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("no changes"), "{out}");
    assert!(out.contains("termination protection on"), "{out}");
    assert_eq!(runtime.block_on(guards(&client)), (true, policy("Deny")));

    // --no-termination-protection turns it off.
    let (code, out) = kumo(
        &Queue { delay: 0 },
        &moto,
        dir,
        &["deploy", "--yes", "--no-termination-protection"],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(!runtime.block_on(guards(&client)).0);
}

#[test]
fn a_deploy_that_cannot_be_recorded_says_it_worked_and_the_next_records_it() {
    std::env::set_var("KUMO_POLL_MS", "100");
    let moto = MotoServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (code, out) = kumo(&Queue { delay: 0 }, &moto, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    // The outputs cannot be written: a file where their directory belongs.
    let outputs = dir.join(".kumo/outputs");
    std::fs::remove_dir_all(&outputs).unwrap();
    std::fs::write(&outputs, "").unwrap();
    let (code, out) = kumo(&Queue { delay: 5 }, &moto, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains(&format!("error: stack `{STACK}`: the stack was updated, but kumo could not record it (cannot write ")),
        "{out}"
    );
    assert!(out.contains("deploy again to record it"), "{out}");

    std::fs::remove_file(&outputs).unwrap();
    let (code, out) = kumo(&Queue { delay: 5 }, &moto, dir, &["deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("no changes"), "{out}");
    let recorded = std::fs::read_dir(&outputs).unwrap().count();
    assert_eq!(recorded, 1, "the outputs are recorded again");
}
