//! Deploys through the artifact bucket, end to end against moto on 127.0.0.1: the
//! mia-import-processor example with its Lambda code bundled and uploaded by content hash and
//! its bucket protected by a stack policy, a parameter-only update, a template too large to
//! send inline, the account guard, and the errors of a missing bucket.
//!
//! One test, because the CLI reads `KUMO_LOCAL_PORT` from the environment of the process.

use std::path::Path;
use std::process::ExitCode;

use kumo_core::{App, Environment, Stack, StackError, Template};
use kumo_examples::mia_import_processor::MiaImportProcessor;
use kumo_tests::MotoServer;

/// The benchmark's template cut to 100 resources: about 60 KB, over the 51,200 bytes
/// CloudFormation takes inline.
struct Large;

impl Stack for Large {
    fn name(&self) -> &str {
        "large"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        Ok(kumo_examples::bench_500::template(1, 100, 10)?)
    }
}

/// Runs the CLI against `app` in `dir` and returns the exit code and what it printed.
fn kumo(app: &dyn App, dir: &Path, args: &[&str]) -> (ExitCode, String) {
    let state = dir.join(".kumo");
    let config = dir.join("kumo.toml");
    if !config.exists() {
        std::fs::write(&config, "").unwrap();
    }
    let mut argv = vec![
        "kumo",
        "--state-dir",
        state.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    kumo_tests::run(app, &argv)
}

/// SDK clients for moto.
struct Aws {
    s3: aws_sdk_s3::Client,
    cloudformation: aws_sdk_cloudformation::Client,
    runtime: tokio::runtime::Runtime,
}

impl Aws {
    fn new(moto: &MotoServer) -> Aws {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let config = runtime.block_on(moto.sdk_config("us-east-1"));
        let s3 = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build();
        Aws {
            s3: aws_sdk_s3::Client::from_conf(s3),
            cloudformation: aws_sdk_cloudformation::Client::new(&config),
            runtime,
        }
    }

    fn object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        let object = self
            .runtime
            .block_on(self.s3.get_object().bucket(bucket).key(key).send())
            .ok()?;
        let bytes = self.runtime.block_on(object.body.collect()).unwrap();
        Some(bytes.into_bytes().to_vec())
    }

    fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        let listed = self
            .runtime
            .block_on(
                self.s3
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(prefix)
                    .send(),
            )
            .unwrap();
        listed
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect()
    }

    fn bucket_exists(&self, bucket: &str) -> bool {
        self.runtime
            .block_on(self.s3.head_bucket().bucket(bucket).send())
            .is_ok()
    }

    fn stack(&self, name: &str) -> aws_sdk_cloudformation::types::Stack {
        let described = self
            .runtime
            .block_on(
                self.cloudformation
                    .describe_stacks()
                    .stack_name(name)
                    .send(),
            )
            .unwrap();
        described.stacks()[0].clone()
    }

    fn physical_id(&self, stack: &str, logical_id: &str) -> String {
        let listed = self
            .runtime
            .block_on(
                self.cloudformation
                    .list_stack_resources()
                    .stack_name(stack)
                    .send(),
            )
            .unwrap();
        listed
            .stack_resource_summaries()
            .iter()
            .find(|r| r.logical_resource_id() == Some(logical_id))
            .and_then(|r| r.physical_resource_id())
            .unwrap_or_else(|| panic!("{stack} has no {logical_id}"))
            .to_owned()
    }

    fn stack_policy(&self, name: &str) -> String {
        self.runtime
            .block_on(
                self.cloudformation
                    .get_stack_policy()
                    .stack_name(name)
                    .send(),
            )
            .unwrap()
            .stack_policy_body()
            .unwrap_or_default()
            .to_owned()
    }
}

#[test]
fn deploys_through_the_artifact_bucket_against_moto() {
    let moto = MotoServer::start().unwrap();
    std::env::set_var("KUMO_LOCAL_PORT", moto.port().to_string());
    std::env::set_var("KUMO_POLL_MS", "100");
    let aws = Aws::new(&moto);
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let env = Environment::new("dev");
    let template = MiaImportProcessor.template(&env).unwrap();
    let asset = template.assets().values().next().unwrap().clone();

    // The Lambda code is bundled into .kumo/build and uploaded under its hash; the function
    // and the bucket exist; the bucket is protected.
    let (code, out) = kumo(
        &MiaImportProcessor,
        dir,
        &["--local", "deploy", "--yes", "--require-approval", "never"],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains(&format!("uploaded {}", asset.directory().display())),
        "{out}"
    );
    let bundle = std::fs::read(dir.join(format!(".kumo/build/{}.zip", asset.hash()))).unwrap();
    assert_eq!(
        aws.object("kumo-local-artifacts", &asset.key()),
        Some(bundle)
    );
    let bucket_name = aws.physical_id("mia-import-processor-dev", "IngestBucket");
    assert!(aws.bucket_exists(&bucket_name), "{bucket_name}");
    let stack = aws.stack("mia-import-processor-dev");
    assert_eq!(stack.stack_status().unwrap().as_str(), "CREATE_COMPLETE");
    let policy = aws.stack_policy("mia-import-processor-dev");
    assert!(
        policy.contains("LogicalResourceId/IngestBucket"),
        "{policy}"
    );
    assert!(policy.contains("Update:Replace"), "{policy}");

    // Unchanged: nothing is uploaded or deployed.
    let (code, out) = kumo(&MiaImportProcessor, dir, &["--local", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.starts_with("mia-import-processor-dev: no changes"),
        "{out}"
    );

    // A parameter alone changes: an update with no resource changes, and the stack has it.
    let (code, out) = kumo(
        &MiaImportProcessor,
        dir,
        &[
            "--local",
            "deploy",
            "--yes",
            "--param",
            "SnsAlertsTopic=mia-alerts-2",
        ],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains(&format!("{} unchanged", asset.directory().display())),
        "{out}"
    );
    assert!(out.contains("UPDATE_COMPLETE"), "{out}");
    // The confirmation names the parameter and its old and new values.
    assert!(
        out.contains("~ parameter SnsAlertsTopic: mia-alerts -> mia-alerts-2"),
        "{out}"
    );
    let stack = aws.stack("mia-import-processor-dev");
    let topic = stack
        .parameters()
        .iter()
        .find(|p| p.parameter_key() == Some("SnsAlertsTopic"))
        .and_then(|p| p.parameter_value());
    assert_eq!(topic, Some("mia-alerts-2"));
    let (code, out) = kumo(
        &MiaImportProcessor,
        dir,
        &["--local", "diff", "--live", "--json"],
    );
    assert_eq!(code, ExitCode::from(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let settings = &report["mia-import-processor-dev"]["settings"];
    assert_eq!(settings[0]["key"], "SnsAlertsTopic", "{out}");
    assert_eq!(settings[0]["old"], "mia-alerts-2", "{out}");

    // Too large to send inline: uploaded under its hash and deployed by URL.
    let (code, out) = kumo(
        &Large,
        dir,
        &[
            "--local",
            "deploy",
            "--yes",
            "--json",
            "--require-approval",
            "never",
        ],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["large-dev"]["result"], "created", "{out}");
    let body = Large.template(&env).unwrap().to_json();
    assert!(body.len() > 51_200);
    let keys = aws.keys("kumo-local-artifacts", "templates/");
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(
        aws.object("kumo-local-artifacts", &keys[0]),
        Some(body.into_bytes())
    );
    assert_eq!(
        aws.stack("large-dev").stack_status().unwrap().as_str(),
        "CREATE_COMPLETE"
    );

    // The account guard: moto's account is 123456789012.
    std::fs::write(
        dir.join("kumo.toml"),
        "[env.dev]\naccount = \"111111111111\"\n",
    )
    .unwrap();
    let (code, out) = kumo(&Large, dir, &["--local", "deploy", "--yes"]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert_eq!(
        out,
        "error: environment `dev` is account 111111111111, but these credentials are for account 123456789012; switch --profile\n"
    );
    std::fs::write(
        dir.join("kumo.toml"),
        "[env.dev]\naccount = \"123456789012\"\n",
    )
    .unwrap();
    let (code, out) = kumo(&Large, dir, &["--local", "delete", "--yes"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");

    // Outside --local, kumo makes no bucket: there must be one, and it must exist.
    std::env::set_var("AWS_ACCESS_KEY_ID", "test");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    let endpoint = format!("http://127.0.0.1:{}", moto.port());
    let remote = ["--endpoint-url", &endpoint, "--region", "us-east-1"];
    let (code, out) = kumo(&Large, dir, &[&remote[..], &["deploy", "--yes"]].concat());
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.contains("more than CloudFormation takes inline (51200); that needs an artifact bucket: set artifact-bucket in kumo.toml or pass --artifact-bucket"),
        "{out}"
    );
    let (code, out) = kumo(
        &Large,
        dir,
        &[
            &remote[..],
            &["--artifact-bucket", "nowhere", "deploy", "--yes"],
        ]
        .concat(),
    );
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(
        out.starts_with("error: artifact bucket nowhere does not exist"),
        "{out}"
    );
}
