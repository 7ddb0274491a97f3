//! Connecting to AWS: region, profile, endpoint, and the local emulator.

use std::time::Duration;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudformation::config::http::HttpResponse;
use aws_sdk_cloudformation::config::Credentials;
use aws_sdk_cloudformation::config::SharedCredentialsProvider;
use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_http_client::Builder as HttpClientBuilder;

use crate::error::CliError;
use crate::reply::{CutShort, WholeReplies};

/// An SDK error as one line: what kumo was doing and CloudFormation's (or the network's) cause.
pub fn aws_error<E: std::error::Error + ProvideErrorMetadata + 'static>(
    action: &str,
    err: aws_sdk_cloudformation::error::SdkError<E, HttpResponse>,
) -> CliError {
    use aws_sdk_cloudformation::error::SdkError;
    let message = match (&err, err.code(), err.message(), CutShort::within(&err)) {
        (_, Some(code), Some(message), _) => format!("{code}: {message}"),
        (_, _, _, Some(cut)) => cut.to_string(),
        (SdkError::DispatchFailure(failure), _, _, _) if failure.is_timeout() => no_answer(&err),
        (SdkError::TimeoutError(_), _, _, _) => no_answer(&err),
        (SdkError::DispatchFailure(failure), _, _, _) => {
            let cause = innermost(&err);
            if failure.is_io() {
                format!("cannot reach the endpoint: {cause}")
            } else if cause.contains("credential") || cause.contains("IMDS") {
                "no AWS credentials found: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or use --local".to_owned()
            } else {
                cause
            }
        }
        (SdkError::ServiceError(context), _, _, _) => {
            let reply = context.raw();
            format!(
                "the endpoint answered HTTP {} with an error that is not CloudFormation's (does it support this call?): {}",
                reply.status().as_u16(),
                excerpt(reply.body().bytes().unwrap_or_default()),
            )
        }
        _ => innermost(&err),
    };
    CliError::Aws {
        action: action.to_owned(),
        message,
    }
}

/// The most of a reply's body an error shows, in characters.
const EXCERPT: usize = 200;

/// The start of a reply's body on one line: its text with runs of white space and control
/// characters as one space, at most [`EXCERPT`] characters (`…` after a longer one), or
/// `(empty)`.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect();
    let line = words.join(" ");
    match line.char_indices().nth(EXCERPT) {
        None if line.is_empty() => "(empty)".to_owned(),
        None => line,
        Some((at, _)) => format!("{}…", &line[..at]),
    }
}

/// The message of a request that got no answer in time: a connection that did not open, an
/// answer that did not come, or every attempt used up.
fn no_answer(err: &(dyn std::error::Error + 'static)) -> String {
    format!(
        "no answer in time ({}): the endpoint is down or overloaded; try again, or raise --request-timeout",
        innermost(err)
    )
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

/// How long one request to AWS may take, per attempt, unless `--request-timeout` says otherwise.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// How many times a request is tried before kumo gives up: the SDK's standard retries, with
/// exponential backoff, on throttling, 5xx answers, resets and timeouts.
pub const ATTEMPTS: u32 = 3;

/// The longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// How long opening a connection may take (at most the request timeout).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The port of the local emulator: `KUMO_LOCAL_PORT`, else [`LOCAL_PORT`]; a value that is not
/// a port number is an error, never a silent default.
pub fn local_port() -> Result<u16, CliError> {
    match std::env::var_os("KUMO_LOCAL_PORT") {
        None => Ok(LOCAL_PORT),
        Some(value) => parse_port(&value.to_string_lossy()),
    }
}

/// A port number from 1 to 65535, as `KUMO_LOCAL_PORT` gives it.
fn parse_port(text: &str) -> Result<u16, CliError> {
    text.trim()
        .parse::<u16>()
        .ok()
        .filter(|port| *port != 0)
        .ok_or_else(|| CliError::BadSetting {
            name: "KUMO_LOCAL_PORT",
            value: text.to_owned(),
            expected: "a port number from 1 to 65535",
        })
}

/// Checks an endpoint given with `--endpoint-url`: an `http://` or `https://` URL with a host.
pub fn check_endpoint(url: &str) -> Result<(), CliError> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    let host = rest.map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    match host {
        Some(host)
            if !host.is_empty()
                && !host.starts_with(':')
                && !host.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err(CliError::BadSetting {
            name: "--endpoint-url",
            value: url.to_owned(),
            expected: "an http:// or https:// URL with a host, such as http://127.0.0.1:5000",
        }),
    }
}

/// Where commands that talk to CloudFormation send their requests, and how long a request may
/// take.
#[derive(Debug, Clone)]
pub struct Target {
    /// `--region`; else the SDK's chain (`AWS_REGION`, the profile).
    pub region: Option<String>,
    /// `--profile`; else `AWS_PROFILE` or the default profile.
    pub profile: Option<String>,
    /// `--endpoint-url`; else `AWS_ENDPOINT_URL`, which the SDK reads itself.
    pub endpoint: Option<String>,
    /// `--local`: the emulator on 127.0.0.1, region us-east-1, dummy credentials.
    pub local: bool,
    /// The local emulator's port ([`local_port`]).
    pub local_port: u16,
    /// How long one attempt of a request may take (`--request-timeout`).
    pub request_timeout: Duration,
    /// The role to assume for every request, and the environment for the session name
    /// (`kumo-ENV`): a target in one of kumo.toml's `accounts`.
    pub assume_role: Option<(String, String)>,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            region: None,
            profile: None,
            endpoint: None,
            local: false,
            local_port: LOCAL_PORT,
            request_timeout: REQUEST_TIMEOUT,
            assume_role: None,
        }
    }
}

impl Target {
    /// The endpoint of the local emulator.
    pub fn local_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.local_port)
    }

    /// The SDK settings for this target: credentials, region, endpoint, and the bounds of every
    /// request (a connect and an attempt timeout, [`ATTEMPTS`] attempts with backoff, and an
    /// overall timeout), so that no call waits forever.
    pub async fn config(&self) -> SdkConfig {
        let attempt = self.request_timeout;
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(CONNECT_TIMEOUT.min(attempt))
            .read_timeout(attempt)
            .operation_attempt_timeout(attempt)
            .operation_timeout(attempt * ATTEMPTS + MAX_BACKOFF * (ATTEMPTS - 1))
            .build();
        let retries = RetryConfig::standard()
            .with_max_attempts(ATTEMPTS)
            .with_max_backoff(MAX_BACKOFF);
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(self.http_client())
            .timeout_config(timeouts)
            .retry_config(retries);
        if let Some(profile) = &self.profile {
            loader = loader.profile_name(profile);
        }
        if self.local {
            loader = loader
                .region(Region::new("us-east-1"))
                .endpoint_url(self.local_endpoint())
                .credentials_provider(Credentials::new("kumo", "kumo", None, None, "kumo-local"));
        }
        if let Some(region) = &self.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(endpoint) = &self.endpoint {
            loader = loader.endpoint_url(endpoint);
        }
        let mut config = loader.load().await;
        if let (Some(profile), false) = (&self.profile, self.local) {
            config = Self::from_profile(config, profile);
        }
        match &self.assume_role {
            Some((role, env)) => Self::assuming(config, role, env).await,
            None => config,
        }
    }

    /// `config` with the credentials of the profile `profile` only. A profile asked for by name
    /// is where the credentials come from, as with the AWS CLI: not keys that happen to be in
    /// the environment (the SDK's chain reads those first), which may well be another account's.
    fn from_profile(config: SdkConfig, profile: &str) -> SdkConfig {
        let mut provider_config = ProviderConfig::without_region()
            .with_region(config.region().cloned())
            .with_use_fips(config.use_fips())
            .with_use_dual_stack(config.use_dual_stack());
        if let Some(client) = config.http_client() {
            provider_config = provider_config.with_http_client(client);
        }
        if let Some(timeouts) = config.timeout_config() {
            provider_config = provider_config.with_timeout_config(timeouts.clone());
        }
        if let Some(retries) = config.retry_config() {
            provider_config = provider_config.with_retry_config(retries.clone());
        }
        let provider = ProfileFileCredentialsProvider::builder()
            .configure(&provider_config)
            .profile_name(profile)
            .build();
        config
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build()
    }

    /// `config` with the credentials of `role`, assumed with STS (with `config`'s credentials,
    /// endpoint and timeouts) as session `kumo-ENV`, and renewed before they expire.
    async fn assuming(config: SdkConfig, role: &str, env: &str) -> SdkConfig {
        let provider = aws_config::sts::AssumeRoleProvider::builder(role)
            .session_name(format!("kumo-{env}"))
            .configure(&config)
            .build()
            .await;
        config
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build()
    }

    /// The HTTPS client of every request: rustls with the ring crypto provider, trusting the
    /// system's root certificates only when requests may go over https (see
    /// [`Target::needs_roots`]): parsing them was most of the CPU time of a command against the
    /// emulator, which is plain http. An XML reply is taken only whole ([`WholeReplies`]): one
    /// cut short fails the attempt, which is retried.
    fn http_client(&self) -> aws_sdk_cloudformation::config::SharedHttpClient {
        let roots = self.needs_roots(std::env::var("AWS_ENDPOINT_URL").ok());
        let trust = TrustStore::default().with_native_roots(roots);
        let context = TlsContext::builder()
            .with_trust_store(trust)
            .build()
            .unwrap_or_default();
        let client = HttpClientBuilder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .tls_context(context)
            .build_https();
        aws_sdk_cloudformation::config::SharedHttpClient::new(WholeReplies(client))
    }

    /// Whether requests may go over https, so the client needs root certificates: unless the
    /// endpoint every request goes to is plain `http://` (`--endpoint-url`, else the emulator's
    /// with `--local`, else `env_endpoint`, the `AWS_ENDPOINT_URL` of the environment).
    fn needs_roots(&self, env_endpoint: Option<String>) -> bool {
        let endpoint = self
            .endpoint
            .clone()
            .or_else(|| self.local.then(|| self.local_endpoint()))
            .or(env_endpoint);
        endpoint.is_none_or(|url| !url.starts_with("http://"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_certificates_are_loaded_only_for_https() {
        let target = |endpoint: Option<&str>, local| Target {
            endpoint: endpoint.map(str::to_owned),
            local,
            ..Target::default()
        };
        let env = |url: &str| Some(url.to_owned());
        assert!(target(None, false).needs_roots(None));
        assert!(!target(None, true).needs_roots(None));
        assert!(!target(None, true).needs_roots(env("https://cloudformation.example")));
        assert!(!target(Some("http://127.0.0.1:5001"), false).needs_roots(None));
        assert!(target(Some("https://cloudformation.example"), true).needs_roots(None));
        assert!(!target(None, false).needs_roots(env("http://127.0.0.1:5000")));
        assert!(target(None, false).needs_roots(env("https://cloudformation.example")));
    }

    #[test]
    fn a_reply_cut_short_is_told_as_such() {
        use aws_sdk_cloudformation::error::SdkError;
        use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError;
        use aws_smithy_runtime_api::client::result::ConnectorError;
        let cut = CutShort {
            call: "DescribeStacks".to_owned(),
            why: "84 bytes: its XML ends inside <DescribeStacksResponse>".to_owned(),
        };
        let err = SdkError::<DescribeStacksError, HttpResponse>::dispatch_failure(
            ConnectorError::io(Box::new(cut)),
        );
        assert_eq!(
            aws_error("describing the stack", err).to_string(),
            "describing the stack: the reply to DescribeStacks was cut short (84 bytes: its XML ends inside <DescribeStacksResponse>)"
        );
    }

    #[test]
    fn a_reply_body_shows_as_the_start_of_one_line() {
        assert_eq!(excerpt(b""), "(empty)");
        assert_eq!(
            excerpt(b"<html>\r\n\t<body>Bad\x1b[2J gateway</body>\n</html>"),
            "<html> <body>Bad [2J gateway</body> </html>"
        );
        let long = "x".repeat(EXCERPT + 1);
        assert_eq!(excerpt(long.as_bytes()), format!("{}…", &long[..EXCERPT]));
        assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
    }

    #[test]
    fn a_local_port_is_a_port_number() {
        assert_eq!(parse_port("5001").unwrap(), 5001);
        for bad in ["", "abc", "0", "65536", "-1", "50 00"] {
            assert_eq!(
                parse_port(bad).unwrap_err().to_string(),
                format!("KUMO_LOCAL_PORT must be a port number from 1 to 65535, not `{bad}`")
            );
        }
    }

    #[test]
    fn an_endpoint_is_an_http_url_with_a_host() {
        for good in [
            "http://127.0.0.1:5000",
            "https://cloudformation.eu-west-1.amazonaws.com",
            "http://localhost/",
        ] {
            assert!(check_endpoint(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            " ",
            "localhost:5000",
            "http://",
            "https://:443",
            "http:// x",
            "file:///tmp",
        ] {
            assert!(check_endpoint(bad).is_err(), "{bad:?}");
        }
    }
}
