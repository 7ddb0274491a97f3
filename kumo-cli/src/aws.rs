//! Connecting to CloudFormation: region, profile, endpoint, and the local emulator.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudformation::config::Credentials;
use aws_sdk_cloudformation::Client;

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

    /// A CloudFormation client for this target.
    pub async fn client(&self) -> Client {
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
        Client::new(&loader.load().await)
    }
}
