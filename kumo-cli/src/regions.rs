//! Stacks of one environment in several regions: a stack's own `region` in kumo.toml, a
//! connection per region a deploy needs, and references across regions. A `, parameter` import
//! reads the producer's output in the producer's region; an `Fn::ImportValue` cannot cross
//! regions (CloudFormation's exports are per region), so it is refused before anything runs.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::Client;
use kumo_core::group::Via;
use kumo_core::{App, Template};

use crate::aws::Target;
use crate::error::CliError;
use crate::session::{Connection, Session};
use crate::synth::build;

impl Session {
    /// The region the stack named `stack` (its name in the app) lives in: its own from
    /// kumo.toml, else the environment's (`--region`, else kumo.toml's; `None`: the SDK's).
    pub fn stack_region(&self, stack: &str) -> Option<&str> {
        self.config
            .stacks
            .get(stack)
            .and_then(|settings| settings.region.as_deref())
            .or(self.target.region.as_deref())
    }

    /// Whether some stack has a region of its own in kumo.toml.
    pub fn several_regions(&self) -> bool {
        self.config.stacks.values().any(|s| s.region.is_some())
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

    /// The connection for the stack named `stack`.
    pub fn of(&self, session: &Session, stack: &str) -> &Connection {
        session
            .stack_region(stack)
            .and_then(|region| self.others.get(region))
            .unwrap_or(&self.default)
    }
}

/// Checks, when some stack has a region of its own, that no stack of `app` imports
/// (`Fn::ImportValue`) an output of a stack in another region.
pub fn check_imports(app: &dyn App, session: &Session) -> Result<(), CliError> {
    if !session.several_regions() {
        return Ok(());
    }
    for stack in app.stacks() {
        let template = build(stack, &session.env)?;
        imports_stay_in_region(stack.name(), &template, |name| session.stack_region(name))?;
    }
    Ok(())
}

/// Checks that `template` of the stack named `stack` imports no output of a stack whose
/// region (`region_of`) is not its own.
fn imports_stay_in_region<'r>(
    stack: &str,
    template: &Template,
    region_of: impl Fn(&str) -> Option<&'r str>,
) -> Result<(), CliError> {
    let here = region_of(stack);
    for reference in template.references() {
        let there = region_of(&reference.stack);
        if reference.via != Via::Import || there == here {
            continue;
        }
        let named = |region: Option<&str>| region.unwrap_or("the environment's region").to_owned();
        return Err(CliError::Reference {
            stack: stack.to_owned(),
            message: format!(
                "it imports output `{}` of stack `{}`, which is in {} while this stack is in {}; exports do not cross regions: take it as a parameter (`import name = ..., parameter;`)",
                reference.output.as_deref().unwrap_or_default(),
                reference.stack,
                named(there),
                named(here),
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use kumo_core::group::StackReference;

    use super::*;

    fn consumer(via: Via) -> Template {
        let mut template = Template::new();
        template.add_reference(StackReference {
            stack: "network".to_owned(),
            output: Some("VpcId".to_owned()),
            via,
        });
        template
    }

    fn regions(name: &str) -> Option<&'static str> {
        match name {
            "network" => Some("us-east-1"),
            _ => Some("eu-west-1"),
        }
    }

    #[test]
    fn an_import_across_regions_is_refused_and_a_parameter_is_not() {
        let err = imports_stay_in_region("service", &consumer(Via::Import), regions)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "stack `service`: it imports output `VpcId` of stack `network`, which is in us-east-1 while this stack is in eu-west-1; exports do not cross regions: take it as a parameter (`import name = ..., parameter;`)"
        );
        let parameter = consumer(Via::Parameter("NetworkVpcId".to_owned()));
        assert!(imports_stay_in_region("service", &parameter, regions).is_ok());
        let same = |_: &str| Some("eu-west-1");
        assert!(imports_stay_in_region("service", &consumer(Via::Import), same).is_ok());
    }

    #[test]
    fn a_stack_without_a_region_is_in_the_environments() {
        let own = |name: &str| (name == "network").then_some("us-east-1");
        let err = imports_stay_in_region("service", &consumer(Via::Import), own)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("in us-east-1 while this stack is in the environment's region"),
            "{err}"
        );
    }
}
