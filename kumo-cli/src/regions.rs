//! Stacks of one environment in several regions: a stack's own `region` in kumo.toml, and a
//! connection per region a deploy needs. A `, parameter` import reads the producer's output in
//! the producer's region; an `Fn::ImportValue` cannot cross regions (CloudFormation's exports
//! are per region), so [`crate::checks::before_build`] refuses it before anything runs.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::Client;
use kumo_core::App;

use crate::aws::Target;
use crate::error::CliError;
use crate::session::{Connection, Session};

impl Session {
    /// The region the stack named `stack` (its name in the app) lives in: its own from
    /// kumo.toml, else the environment's (`--region`, else kumo.toml's; `None`: the SDK's).
    pub fn stack_region(&self, stack: &str) -> Option<&str> {
        self.workspace().stack_region(stack)
    }

    /// The session's target moved to `region` (`None`: the environment's).
    fn target_in(&self, region: Option<&str>) -> Target {
        Target {
            region: region
                .map(str::to_owned)
                .or_else(|| self.target.region.clone()),
            ..self.target.clone()
        }
    }

    /// A CloudFormation client for `region` (`None`: the environment's).
    async fn client_in(&self, region: Option<&str>) -> Client {
        Target::cloudformation(&self.target_in(region).config().await)
    }

    /// A client for the region of the stack named `stack` when it has one of its own other than
    /// the environment's (`None`: the environment's client serves it).
    pub async fn own_region_client(&self, stack: &str) -> Option<Client> {
        let region = self.stack_region(stack);
        if region == self.target.region.as_deref() {
            return None;
        }
        Some(self.client_in(region).await)
    }

    /// A client for the region of the stack `producer` when it is not that of `consumer`
    /// (`None`: they share one).
    pub async fn region_client(&self, consumer: &str, producer: &str) -> Option<Client> {
        let region = self.stack_region(producer);
        if region == self.stack_region(consumer) {
            return None;
        }
        Some(self.client_in(region).await)
    }
}

/// A connection to the environment's region and to each region of its own that one of the
/// stacks a command acts on has, each checked like [`Session::connect`].
pub struct Connections {
    default: Connection,
    others: BTreeMap<String, Connection>,
}

impl Connections {
    /// Connects for the stacks named `stacks` (their names in the app).
    pub async fn open<'s>(
        session: &Session,
        stacks: impl IntoIterator<Item = &'s str>,
    ) -> Result<Connections, CliError> {
        let mut others = BTreeMap::new();
        for stack in stacks {
            let Some(region) = session.stack_region(stack) else {
                continue;
            };
            if Some(region) == session.target.region.as_deref() || others.contains_key(region) {
                continue;
            }
            let connection = session.connect_to(&session.target_in(Some(region))).await?;
            others.insert(region.to_owned(), connection);
        }
        Ok(Connections {
            default: session.connect().await?,
            others,
        })
    }

    /// Checks the imports of `app` across regions (as [`crate::checks::before_build`] does) with
    /// the region the SDK resolved, when kumo.toml and `--region` name none for `session` (nor
    /// one its targets share): before connecting, they could not be.
    pub fn check_imports(&self, app: &dyn App, session: &Session) -> Result<(), CliError> {
        let known = session.target.region.is_some()
            || crate::target::shared_region(&session.places).is_some();
        if known {
            return Ok(());
        }
        let resolved = self.default.config.region().map(|region| region.as_ref());
        crate::checks::imports(app, &session.env, &session.config, resolved)
    }

    /// The connection for the stack named `stack`.
    pub fn of(&self, session: &Session, stack: &str) -> &Connection {
        session
            .stack_region(stack)
            .and_then(|region| self.others.get(region))
            .unwrap_or(&self.default)
    }
}
