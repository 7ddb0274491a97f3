//! moto's CloudFormation server on 127.0.0.1 (as `kumo local up` runs it), started on a free
//! port for a test and stopped when dropped.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A running `moto_server`.
#[derive(Debug)]
pub struct MotoServer {
    child: Child,
    port: u16,
}

/// Why moto could not be started.
#[derive(Debug, thiserror::Error)]
pub enum MotoError {
    /// No free port, or the server could not be spawned.
    #[error(
        "cannot start moto_server (install it with `python3 -m pip install 'moto[server]'`): {0}"
    )]
    Spawn(#[from] std::io::Error),
    /// It did not listen in time.
    #[error("moto_server did not listen on 127.0.0.1:{0} within 60 s")]
    Timeout(u16),
}

impl MotoServer {
    /// Starts the local emulator ([`kumo_cli::emulator`]: moto's server through `KUMO_PYTHON`,
    /// else `python3`) on a free port of 127.0.0.1 and waits until it listens.
    pub fn start() -> Result<MotoServer, MotoError> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port();
        let child = kumo_cli::emulator(port)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let server = MotoServer { child, port };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline {
                return Err(MotoError::Timeout(port));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The AWS SDK's settings for a client of this server in `region`, with dummy credentials.
    pub async fn sdk_config(&self, region: &str) -> aws_config::SdkConfig {
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(http_client())
            .region(aws_config::Region::new(region.to_owned()))
            .endpoint_url(format!("http://127.0.0.1:{}", self.port))
            .credentials_provider(aws_sdk_cloudformation::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .load()
            .await
    }
}

/// An HTTP client for the SDK to talk to the server on plain http: rustls with the ring crypto
/// provider (the workspace's SDK crates have no default client) and no root certificates.
pub fn http_client() -> aws_sdk_cloudformation::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{
        rustls_provider::CryptoMode, Provider, TlsContext, TrustStore,
    };
    let context = TlsContext::builder()
        .with_trust_store(TrustStore::empty())
        .build()
        .unwrap_or_default();
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .tls_context(context)
        .build_https()
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
