//! Connecting to AWS: region, profile, endpoint, and the local emulator.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudformation::config::Credentials;
use aws_sdk_cloudformation::error::ProvideErrorMetadata;

/// An SDK error as one line: what kumo was doing and CloudFormation's (or the network's) cause.
pub fn aws_error<
    E: std::error::Error + ProvideErrorMetadata + 'static,
    R: std::fmt::Debug + 'static,
>(
    action: &str,
    err: aws_sdk_cloudformation::error::SdkError<E, R>,
) -> crate::error::CliError {
    use aws_sdk_cloudformation::error::SdkError;
    let message = match (&err, err.code(), err.message()) {
        (_, Some(code), Some(message)) => format!("{code}: {message}"),
        (SdkError::DispatchFailure(failure), _, _) => {
            let cause = innermost(&err);
            if failure.is_io() {
                format!("cannot reach the endpoint: {cause}")
            } else if cause.contains("credential") || cause.contains("IMDS") {
                "no AWS credentials found: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or use --local".to_owned()
            } else {
                cause
            }
        }
        (SdkError::TimeoutError(_), _, _) => "the request timed out".to_owned(),
        (SdkError::ServiceError(_), _, _) => {
            "the endpoint answered with an error that is not CloudFormation's (does it support this call?)".to_owned()
        }
        _ => innermost(&err),
    };
    crate::error::CliError::Aws {
        action: action.to_owned(),
        message,
    }
}

/// The message of the deepest cause of `err`, on one line.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = err;
    while let Some(source) = deepest.source() {
        deepest = source;
    }
    deepest
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The port of the local CloudFormation emulator, unless `KUMO_LOCAL_PORT` says otherwise.
pub const LOCAL_PORT: u16 = 5000;

/// Where commands that talk to CloudFormation send their requests.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// `--region`; else the SDK's chain (`AWS_REGION`, the profile).
    pub region: Option<String>,
    /// `--profile`; else `AWS_PROFILE` or the default profile.
    pub profile: Option<String>,
    /// `--endpoint-url`; else `AWS_ENDPOINT_URL`, which the SDK reads itself.
    pub endpoint: Option<String>,
    /// `--local`: the emulator on 127.0.0.1, region us-east-1, dummy credentials.
    pub local: bool,
}

impl Target {
    /// The port of the local emulator: `KUMO_LOCAL_PORT`, else [`LOCAL_PORT`].
    pub fn local_port() -> u16 {
        std::env::var("KUMO_LOCAL_PORT")
            .ok()
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or(LOCAL_PORT)
    }

    /// The endpoint of the local emulator.
    pub fn local_endpoint() -> String {
        format!("http://127.0.0.1:{}", Self::local_port())
    }

    /// The SDK settings for this target: credentials, region, endpoint.
    pub async fn config(&self) -> SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(profile) = &self.profile {
            loader = loader.profile_name(profile);
        }
        if self.local {
            loader = loader
                .region(Region::new("us-east-1"))
                .endpoint_url(Self::local_endpoint())
                .credentials_provider(Credentials::new("kumo", "kumo", None, None, "kumo-local"));
        }
        if let Some(region) = &self.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(endpoint) = &self.endpoint {
            loader = loader.endpoint_url(endpoint);
        }
        loader.load().await
    }

    /// Whether requests go to an endpoint of the user's choosing rather than AWS's (the local
    /// emulator, `--endpoint-url` or `AWS_ENDPOINT_URL`).
    pub fn custom_endpoint(config: &SdkConfig) -> bool {
        config.endpoint_url().is_some()
    }

    /// A CloudFormation client.
    pub fn cloudformation(config: &SdkConfig) -> aws_sdk_cloudformation::Client {
        aws_sdk_cloudformation::Client::new(config)
    }

    /// An S3 client; path-style addressing on a custom endpoint, whose host has no bucket
    /// subdomains.
    pub fn s3(config: &SdkConfig) -> aws_sdk_s3::Client {
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(Self::custom_endpoint(config))
            .build();
        aws_sdk_s3::Client::from_conf(s3)
    }

    /// An STS client, to learn whose credentials these are.
    pub fn sts(config: &SdkConfig) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(config)
    }
}
