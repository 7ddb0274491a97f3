//! Reaching AWS: an endpoint nobody answers on, and no credentials anywhere, are one-line
//! errors. One test, because it sets the AWS SDK's environment variables for the process.

use std::process::ExitCode;

use kumo_core::{Environment, Resource, Stack, StackError, Template};

struct Jobs;

impl Stack for Jobs {
    fn name(&self) -> &str {
        "jobs"
    }

    fn template(&self, _env: &Environment) -> Result<Template, StackError> {
        let mut t = Template::new();
        t.add_resource("Queue", Resource::new("AWS::SQS::Queue"))?;
        Ok(t)
    }
}

fn kumo(args: &[&str]) -> Result<ExitCode, String> {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".kumo");
    let config = dir.path().join("kumo.toml");
    let mut argv = vec![
        "jobs",
        "--state-dir",
        state.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    kumo_cli::execute(&Jobs, argv, &mut Vec::new()).map_err(|err| err.to_string())
}

#[test]
fn unreachable_endpoints_and_missing_credentials_are_one_line() {
    // Nothing listens on the discard port of 127.0.0.1.
    let err = kumo(&["--local", "--endpoint-url", "http://127.0.0.1:9", "status"]).unwrap_err();
    assert!(
        err.starts_with("describing the stack: cannot reach the endpoint: "),
        "{err}"
    );
    assert!(!err.contains('\n'), "{err}");

    // No credentials in the environment, no profile files, no instance metadata (which the SDK
    // would otherwise ask, off this machine).
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("AWS_CONFIG_FILE", dir.path().join("config"));
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        dir.path().join("credentials"),
    );
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let err = kumo(&[
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--region",
        "us-east-1",
        "status",
    ])
    .unwrap_err();
    assert_eq!(
        err,
        "describing the stack: no AWS credentials found: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or use --local"
    );
}
