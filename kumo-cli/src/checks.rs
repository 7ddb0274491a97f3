//! The checks every command that builds stacks makes first, with or without the network
//! ([`before_build`]): names and tags, and imports that would cross regions.

use kumo_core::group::Via;
use kumo_core::naming::{
    check_stack_name, check_stack_name_prefix, check_tags, NameRegistry, NamingError,
};
use kumo_core::{App, Environment, Template};

use crate::config::EnvConfig;
use crate::error::CliError;
use crate::synth::build;

/// Checks the stacks of `app` in `env`, whose settings are `config` and whose region is
/// `region` (`None`: the SDK's), before anything is built or sent: [`names`], then [`imports`].
pub fn before_build(
    app: &dyn App,
    env: &Environment,
    config: &EnvConfig,
    region: Option<&str>,
) -> Result<(), CliError> {
    names(app, env, config)?;
    imports(app, env, config, region)
}

/// Checks what every command that builds or sends a stack relies on, before it builds or sends
/// anything: the stack-name prefix, and each stack's CloudFormation name (valid, and no other
/// stack's) and kumo.toml's tags.
/// Template checks (kumo's own tags, resource tags, parameter defaults) run when each template
/// is built.
fn names(app: &dyn App, env: &Environment, config: &EnvConfig) -> Result<(), CliError> {
    check_stack_name_prefix(&config.stack_name_prefix)?;
    let mut names = NameRegistry::default();
    for stack in app.stacks() {
        let fail = |source: NamingError| CliError::Stack {
            stack: stack.name().to_owned(),
            source: source.into(),
        };
        let name = env.stack_name(stack.name());
        check_stack_name(&name).map_err(fail)?;
        names.claim(&name, stack.name()).map_err(fail)?;
        let tags = config.tags_of(stack.name());
        check_tags(
            tags.iter()
                .map(|(key, value)| (key.as_str(), value.as_str())),
        )
        .map_err(fail)?;
    }
    Ok(())
}

/// Checks, when some stack has a region of its own, that no stack of `app` imports
/// (`Fn::ImportValue`) an output of a stack in another region (`region`: the environment's).
/// Without one (the SDK's region, unknown offline), only stacks of known regions are compared:
/// `deploy`, `plan` and `validate --remote` check again with the SDK's region once connected.
pub(crate) fn imports(
    app: &dyn App,
    env: &Environment,
    config: &EnvConfig,
    region: Option<&str>,
) -> Result<(), CliError> {
    if !config.several_regions() {
        return Ok(());
    }
    for stack in app.stacks() {
        let template = build(stack, env)?;
        imports_stay_in_region(stack.name(), &template, |name| {
            config.stack_region(name, region)
        })?;
    }
    Ok(())
}

/// Checks that `template` of the stack named `stack` imports no output of a stack whose
/// region (`region_of`; `None`: not known) is known to differ from its own.
fn imports_stay_in_region<'r>(
    stack: &str,
    template: &Template,
    region_of: impl Fn(&str) -> Option<&'r str>,
) -> Result<(), CliError> {
    let Some(here) = region_of(stack) else {
        return Ok(());
    };
    for reference in template.references() {
        let Some(there) = region_of(&reference.stack) else {
            continue;
        };
        if reference.via != Via::Import || there == here {
            continue;
        }
        return Err(CliError::Reference {
            stack: stack.to_owned(),
            message: format!(
                "it imports output `{}` of stack `{}`, which is in {there} while this stack is in {here}; exports do not cross regions: take it as a parameter (`import name = ..., parameter;`)",
                reference.output.as_deref().unwrap_or_default(),
                reference.stack,
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
    fn a_region_not_known_offline_is_not_compared() {
        // No region for the environment: the SDK's, which `deploy` checks once connected.
        let own = |name: &str| (name == "network").then_some("us-east-1");
        assert!(imports_stay_in_region("service", &consumer(Via::Import), own).is_ok());
        let consumer_own = |name: &str| (name == "service").then_some("us-east-1");
        assert!(imports_stay_in_region("service", &consumer(Via::Import), consumer_own).is_ok());
    }
}
