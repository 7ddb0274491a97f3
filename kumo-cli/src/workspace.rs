//! What a command knows without the network: the environment, kumo.toml's settings for it, the
//! records under `.kumo` and how to print; and the checks of kumo.toml's parameter values that
//! need no more than that.

use std::collections::BTreeMap;

use kumo_core::asset::BUCKET_PARAMETER;
use kumo_core::group::Via;
use kumo_core::{App, Environment, Stack, Template};

use crate::config::EnvConfig;
use crate::error::CliError;
use crate::state::{State, TargetFilter};
use crate::ui::Ui;

/// The local context of a command, aimed at one target: what `synth`-side commands and an
/// offline `diff` read, and what every command that talks to AWS has besides its connection.
#[derive(Clone, Copy)]
pub struct Workspace<'a> {
    /// The environment the stacks are built for.
    pub env: &'a Environment,
    /// The environment's settings from `kumo.toml`.
    pub config: &'a EnvConfig,
    /// The records under `.kumo`.
    pub state: &'a State,
    /// How to print.
    pub ui: &'a Ui,
    /// The target's region (`--region`, else kumo.toml's; `None`: the SDK's).
    pub region: Option<&'a str>,
    /// The target's account, when kumo.toml names one.
    pub account: Option<&'a str>,
}

impl<'a> Workspace<'a> {
    /// The CloudFormation name of `stack` in this environment: `{prefix}{stack}-{env}`.
    pub fn stack_name(&self, stack: &dyn Stack) -> String {
        self.env.stack_name(stack.name())
    }

    /// The region the stack named `stack` (its name in the app) lives in: its own from
    /// kumo.toml, else the target's.
    pub fn stack_region(&self, stack: &str) -> Option<&'a str> {
        self.config.stack_region(stack, self.region)
    }

    /// Which targets' records under `.kumo` of the stack named `stack` a command without the
    /// network reads: those of its region (its own in kumo.toml, else `--region`, else
    /// kumo.toml's) and kumo.toml's account, when given.
    pub fn target_filter(&self, stack: &str) -> TargetFilter<'a> {
        TargetFilter {
            region: self.stack_region(stack),
            account: self.account,
        }
    }

    /// Checks that every environment-wide parameter value of kumo.toml and every `overrides`
    /// (`--param`) names a parameter of one of `templates`, and that each stack section of
    /// kumo.toml names a stack of `app`.
    pub fn check_shared(
        &self,
        app: &dyn App,
        templates: &[(&dyn Stack, &Template)],
        overrides: &[(String, String)],
    ) -> Result<(), CliError> {
        let names = app
            .stacks()
            .iter()
            .map(|s| s.name().to_owned())
            .collect::<Vec<_>>();
        if let Some(unknown) = self.config.stacks.keys().find(|name| !names.contains(name)) {
            return Err(CliError::UnknownStack {
                name: unknown.clone(),
                available: names,
            });
        }
        for (stack, template) in templates {
            self.check_own(*stack, &kumo_filled(template))?;
        }
        let shared = self
            .config
            .parameters
            .keys()
            .chain(overrides.iter().map(|(k, _)| k));
        for name in shared {
            let takers = templates
                .iter()
                .filter(|(_, t)| t.parameters().contains_key(name));
            let mut filled = None;
            for (stack, template) in takers {
                match kumo_filled(template).remove(name) {
                    Some(by) => filled = Some((*stack, by)),
                    None => {
                        filled = None;
                        break;
                    }
                }
            }
            if let Some((stack, by)) = filled {
                return Err(CliError::FilledByKumo {
                    stack: self.stack_name(stack),
                    name: name.clone(),
                    by,
                });
            }
            if templates
                .iter()
                .any(|(_, t)| t.parameters().contains_key(name))
            {
                continue;
            }
            return Err(match templates {
                [(stack, template)] => CliError::UnknownParameter {
                    stack: self.stack_name(*stack),
                    name: name.clone(),
                    known: template.parameters().keys().cloned().collect(),
                },
                _ => CliError::NoStackHasParameter(name.clone()),
            });
        }
        Ok(())
    }

    /// Checks that the stack's own section of kumo.toml sets none of the parameters kumo
    /// fills (`filled`, from [`kumo_filled`]).
    pub fn check_own(
        &self,
        stack: &dyn Stack,
        filled: &BTreeMap<String, String>,
    ) -> Result<(), CliError> {
        let Some(settings) = self.config.stacks.get(stack.name()) else {
            return Ok(());
        };
        match settings
            .parameters
            .keys()
            .find_map(|name| filled.get_key_value(name))
        {
            Some((name, by)) => Err(CliError::FilledByKumo {
                stack: self.stack_name(stack),
                name: name.clone(),
                by: by.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// The parameters of `template` that kumo fills when it deploys, and from what: the asset
/// bucket, and other stacks' outputs. Neither kumo.toml nor `--param` may set them.
pub fn kumo_filled(template: &Template) -> BTreeMap<String, String> {
    let mut filled = BTreeMap::new();
    if template.uses_artifact_bucket() {
        filled.insert(
            BUCKET_PARAMETER.to_owned(),
            "the artifact bucket (artifact-bucket in kumo.toml or --artifact-bucket)".to_owned(),
        );
    }
    for reference in template.references() {
        if let (Via::Parameter(parameter), Some(output)) = (&reference.via, &reference.output) {
            filled.insert(
                parameter.clone(),
                format!("output `{output}` of stack `{}`", reference.stack),
            );
        }
    }
    filled
}
