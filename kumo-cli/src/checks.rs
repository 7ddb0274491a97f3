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
fn imports(
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
