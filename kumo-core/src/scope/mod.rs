//! Building a stack's template from named parts: [`Scope`], the context particles and `stack!`
//! write into, with [`Grant`]s and the [`Component`] trait.
//!
//! A scope knows the stack's service name and environment, puts the default tags on every
//! taggable resource, derives every logical ID from the path of names that leads to it (stack,
//! particle instance, resource role) and collects what particles declare.
//!
//! ```
//! # #[cfg(feature = "sqs")] {
//! use kumo_core::resources::sqs;
//! use kumo_core::{Environment, Scope};
//!
//! let mut scope = Scope::new("media", &Environment::new("dev"));
//! let jobs = scope.within("jobs", |jobs| jobs.add("queue", sqs::Queue::new()));
//! assert_eq!(jobs.logical_id(), "JobsQueue");
//! let template = scope.finish()?;
//! let tags = &template.resources()["JobsQueue"].properties()["Tags"];
//! assert_eq!(tags[0]["Key"], "environment");
//! # }
//! # Ok::<(), kumo_core::StackError>(())
//! ```
//!
//! Particles and `stack!` are written against it:
//!
//! ```
//! # #[cfg(feature = "sqs")] {
//! use kumo_core::resources::sqs;
//! use kumo_core::typed::Handle;
//! use kumo_core::{particle, stack, Environment, Scope, Stack};
//!
//! /// A queue that keeps messages `retention_days`.
//! #[particle]
//! pub fn queue(scope: &mut Scope, #[default(4)] retention_days: i64) -> Handle<sqs::Queue> {
//!     scope.add("queue", sqs::Queue::new().message_retention_period(retention_days * 86_400))
//! }
//!
//! stack! {
//!     /// Jobs for the media pipeline.
//!     pub Jobs(service = "jobs") {
//!         let imports = queue().retention_days(14);
//!         output imports_url = imports.r#ref(), "URL of the import queue.", export;
//!     }
//! }
//!
//! let template = Jobs.template(&Environment::new("dev"))?;
//! assert!(template.resources().contains_key("ImportsQueue"));
//! assert!(template.outputs().contains_key("ImportsUrl"));
//! # }
//! # Ok::<(), kumo_core::StackError>(())
//! ```

mod component;
mod grant;
mod mapping;
mod tags;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

pub use component::{Component, OneResource, ParameterDefault, ParameterKind};
pub use grant::{DeclaredGrant, Grant};
pub use mapping::MappingRef;
pub use tags::ResourceTags;

use crate::asset::{Asset, AssetLocation};
use crate::group::{StackOutput, StackReference, Via};
use crate::iam::Statement;
use crate::naming::{LogicalId, NameRegistry, NameRule, NamingError};
use crate::nested::{self, NestedParameter, NestedStack, NestedTemplate};
use crate::typed::{Handle, ResourceType, Tagging};
use crate::{Condition, Environment, Json, Output, Parameter, StackError, Template, Value};

/// The tag kumo puts on every taggable resource with the stack's service name.
pub const SERVICE_TAG: &str = "service-name";
/// The tag kumo puts on every taggable resource with the environment's name.
pub const ENVIRONMENT_TAG: &str = "environment";

/// The names of `path` followed by `role`.
fn segments<'a>(path: &'a [String], role: &'a str) -> Vec<&'a str> {
    path.iter().map(String::as_str).chain([role]).collect()
}

/// The sets of logical IDs that must be unique among themselves: `Ref` targets (parameters and
/// resources), conditions, outputs, mappings, rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Namespace {
    Refs,
    Conditions,
    Outputs,
    Mappings,
    Rules,
}

/// The context a stack's template is built in; see the [module documentation](self).
///
/// Mistakes found while building (a logical ID taken twice, a name that cannot be made, a grant
/// that allows everything) do not interrupt the particle that makes them: they are kept and
/// [`Scope::finish`] reports them.
#[derive(Debug)]
pub struct Scope {
    service: String,
    environment: Environment,
    template: Template,
    tags: BTreeMap<String, String>,
    default_tags: bool,
    resource_tags: ResourceTags,
    tagged: Vec<(String, Tagging, ResourceTags)>,
    path: Vec<String>,
    ids: BTreeMap<Namespace, NameRegistry>,
    overrides: BTreeMap<Vec<String>, String>,
    grants: Vec<DeclaredGrant>,
    resource_paths: Vec<(Vec<String>, String)>,
    protected: Vec<Vec<String>>,
    errors: Vec<StackError>,
}

impl Scope {
    /// The scope of a stack of `service` in `environment`, with the default tags
    /// `service-name` and `environment`.
    pub fn new(service: impl Into<String>, environment: &Environment) -> Self {
        let service = service.into();
        let tags = BTreeMap::from([
            (SERVICE_TAG.to_owned(), service.clone()),
            (ENVIRONMENT_TAG.to_owned(), environment.name().to_owned()),
        ]);
        Scope {
            service,
            environment: environment.clone(),
            template: Template::new(),
            tags,
            default_tags: true,
            resource_tags: ResourceTags::default(),
            tagged: Vec::new(),
            path: Vec::new(),
            ids: BTreeMap::new(),
            overrides: BTreeMap::new(),
            grants: Vec::new(),
            resource_paths: Vec::new(),
            protected: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The stack's service name.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The environment the stack is built for.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The names leading to this point: the particle instances entered, outermost first.
    pub fn path(&self) -> &[String] {
        &self.path
    }

    /// Sets the template's description.
    pub fn describe(&mut self, description: impl Into<String>) {
        self.template.set_description(description);
    }

    /// Adds a tag to every taggable resource (added before or after), beside `service-name` and
    /// `environment`.
    pub fn tag(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.tags.insert(key.into(), value.into());
    }

    /// Turns the default tags (`service-name`, `environment`, [`Scope::tag`]'s) on or off for
    /// the whole stack, whenever it is called: off, kumo puts them on no resource, and the
    /// template's [stack tags](Template::stack_tags) are empty, so the CLI sends only
    /// kumo.toml's. `stack!`'s `default_tags = false`; what an adopted stack needs.
    pub fn set_default_tags(&mut self, on: bool) {
        self.default_tags = on;
    }

    /// Runs `build` with the tags of the resources it adds (typed resources and those of
    /// particles) changed by `tags`: no default tags, or extra ones. `stack!`'s `#[tags(...)]`.
    pub fn with_tags<T>(&mut self, tags: ResourceTags, build: impl FnOnce(&mut Scope) -> T) -> T {
        let inner = self.resource_tags.then(&tags);
        let outer = std::mem::replace(&mut self.resource_tags, inner);
        let output = build(self);
        self.resource_tags = outer;
        output
    }

    /// Runs `build` inside the particle instance `name`: the logical IDs, parameters and outputs
    /// it adds are prefixed by `name`.
    pub fn within<T>(&mut self, name: &str, build: impl FnOnce(&mut Scope) -> T) -> T {
        self.path.push(name.to_owned());
        let output = build(self);
        self.path.pop();
        output
    }

    /// The logical ID of the resource `role` at this point of the path, claimed so that no
    /// other path gets it.
    pub fn logical_id(&mut self, role: &str) -> String {
        self.claim(Namespace::Refs, role)
    }

    /// Gives the next logical ID claimed for `names` (the path from this point: a name, or a
    /// particle instance and a role) the explicit `id` instead of the one derived from the path,
    /// so that a template's existing logical IDs can be kept. An invalid ID, one taken
    /// elsewhere, or one for names nothing is added as, is an error [`Scope::finish`] reports
    /// with the names.
    pub fn override_logical_id(&mut self, names: &[&str], id: impl Into<String>) {
        let path = self
            .path
            .iter()
            .cloned()
            .chain(names.iter().map(|n| n.to_string()));
        self.overrides.insert(path.collect(), id.into());
    }

    fn claim(&mut self, namespace: Namespace, role: &str) -> String {
        let segments = segments(&self.path, role);
        let key: Vec<String> = segments.iter().map(|s| s.to_string()).collect();
        let id = match self.overrides.remove(&key) {
            Some(id) => LogicalId::parse(&id).map_err(|source| StackError::GivenLogicalId {
                path: segments.join("/"),
                source,
            }),
            None => LogicalId::from_path(&segments).map_err(StackError::from),
        };
        let id = match id {
            Ok(id) => id.into_string(),
            Err(err) => return self.fail(err, segments.concat()),
        };
        if namespace == Namespace::Refs && id == crate::asset::BUCKET_PARAMETER {
            let path = segments.join("/");
            return self.fail(
                StackError::ReservedLogicalId {
                    path,
                    id: id.clone(),
                },
                id,
            );
        }
        let claimed = self
            .ids
            .entry(namespace)
            .or_default()
            .claim(&id, &segments.join("/"));
        self.keep(claimed);
        id
    }

    /// The physical name of a resource of `type_name` playing `role` here:
    /// `{service}-{env}-{path}-{role}`, fitted to the type's rules (see [`NameRule`]).
    pub fn physical_name(&mut self, type_name: &str, role: &str) -> String {
        let Some(rule) = NameRule::for_type(type_name) else {
            let err = NamingError::NoNameRule(type_name.to_owned());
            return self.fail(err.into(), String::new());
        };
        match rule.name(
            &self.service,
            self.environment.name(),
            &segments(&self.path, role),
        ) {
            Ok(name) => name,
            Err(err) => self.fail(err.into(), String::new()),
        }
    }

    /// Adds a typed resource as `role` and returns its handle. The default tags go onto it at
    /// [`Scope::finish`] in its type's shape if kumo can tag the type (tags it already has win).
    pub fn add<R: ResourceType>(&mut self, role: &str, resource: R) -> Handle<R> {
        let id = self.logical_id(role);
        let resource = resource.into_resource();
        if R::TAGGING != Tagging::None {
            self.tagged
                .push((id.clone(), R::TAGGING, self.resource_tags.clone()));
        }
        let added = self.template.add_resource(&id, resource);
        self.keep(added);
        let mut path = self.path.clone();
        path.push(role.to_owned());
        self.resource_paths.push((path, id.clone()));
        Handle::new(id)
    }

    /// The local directory `directory`, bundled into a zip and uploaded to the artifact bucket
    /// at deploy (see [`crate::asset`]): where the zip will be. A directory that cannot be read
    /// is an error [`Scope::finish`] reports.
    pub fn asset(&mut self, directory: impl AsRef<Path>) -> AssetLocation {
        match Asset::from_directory(directory) {
            Ok(asset) => {
                let (bucket, key) = self.template.add_asset(asset);
                AssetLocation {
                    bucket,
                    key: Value::from(key),
                }
            }
            Err(err) => self.fail(
                err.into(),
                AssetLocation {
                    bucket: Value::from(String::new()),
                    key: Value::from(String::new()),
                },
            ),
        }
    }

    /// The value of another stack's output, through `Fn::ImportValue` of its export (see
    /// [`crate::group`]); the producer must export it.
    pub fn import(&mut self, output: &StackOutput) -> Value<String> {
        self.template.add_reference(StackReference {
            stack: output.stack().to_owned(),
            output: Some(output.logical_id()),
            via: Via::Import,
        });
        crate::intrinsic::import_value(output.export_name(&self.environment))
    }

    /// The value of another stack's output, through a string parameter `name` (its logical ID
    /// is prefixed by the path) that `deploy` fills from the producer's deployed outputs (see
    /// [`crate::group`]).
    pub fn import_parameter(&mut self, name: &str, output: &StackOutput) -> Value<String> {
        let id = self.logical_id(name);
        let description = format!(
            "Output {} of stack {} (kumo deploy sets it).",
            output.logical_id(),
            output.stack()
        );
        let added = self
            .template
            .add_parameter(&id, Parameter::string().description(description));
        self.keep(added);
        self.template.add_reference(StackReference {
            stack: output.stack().to_owned(),
            output: Some(output.logical_id()),
            via: Via::Parameter(id.clone()),
        });
        component::parameter_ref(&id)
    }

    /// Adds the stack `stack`, built for this environment, as the nested stack `name` (an
    /// `AWS::CloudFormation::Stack`, its logical ID prefixed by the path) with `parameters`,
    /// and returns its handle, whose [`NestedStack::output`] reads the child's outputs. The
    /// child's template goes to the artifact bucket at deploy (see [`crate::nested`]); its
    /// imports of other stacks become this stack's. A child that fails to build, an unknown
    /// parameter, a required one not given, or an output the child lacks is an error
    /// [`Scope::finish`] reports.
    pub fn nested(
        &mut self,
        name: &str,
        stack: &dyn crate::Stack,
        parameters: Vec<NestedParameter>,
    ) -> NestedStack {
        let id = self.logical_id(name);
        let handle = NestedStack::new(id.clone());
        let path = segments(&self.path, name).join("/");
        let failed = |message: String| StackError::Nested { path, message };
        if let Some(cycle) = self.nesting_cycle(stack.name()) {
            let message = format!("stack `{}` would contain itself ({cycle})", stack.name());
            return self.fail(failed(message), handle);
        }
        let environment = self.environment.nested_in(&self.service);
        let child = match stack.template(&environment) {
            Ok(child) => NestedTemplate::new(child),
            Err(err) => return self.fail(failed(err.to_string()), handle),
        };
        let url = child.url();
        let properties = match nested::properties(child.template(), url, &parameters) {
            Ok(properties) => properties,
            Err(message) => return self.fail(failed(message), handle),
        };
        for reference in child.template().references() {
            self.template.add_reference(reference.clone());
        }
        self.template.add_nested(&id, child);
        let mut resource = crate::Resource::new(nested::TYPE_NAME);
        for (key, value) in properties {
            resource.set_property(&key, value);
        }
        self.tagged
            .push((id.clone(), nested::TAGGING, self.resource_tags.clone()));
        let added = self.template.add_resource(&id, resource);
        self.keep(added);
        let path = segments(&self.path, name).into_iter().map(str::to_owned);
        self.resource_paths.push((path.collect(), id));
        handle
    }

    /// The stacks from `child` to this one and back to `child` (`a -> b -> a`), if `child` is
    /// this stack or one it is nested in.
    fn nesting_cycle(&self, child: &str) -> Option<String> {
        let chain: Vec<&str> = self
            .environment
            .nesting()
            .iter()
            .chain([&self.service])
            .map(String::as_str)
            .collect();
        let first = chain.iter().position(|name| *name == child)?;
        Some([&chain[first..], &[child]].concat().join(" -> "))
    }

    /// Makes this stack depend on the stack named `stack` of the app without using its
    /// outputs: `deploy` deploys that one first, `delete` deletes this one first.
    pub fn depends_on_stack(&mut self, stack: &str) {
        self.template.add_reference(StackReference {
            stack: stack.to_owned(),
            output: None,
            via: Via::Import,
        });
    }

    /// Protects every resource the particle instance `name` (made at this point of the path)
    /// has: the stack policy `deploy` sets refuses to replace or delete them, whatever a later
    /// template says. A name that made no resources is an error [`Scope::finish`] reports.
    pub fn protect(&mut self, name: &str) {
        let mut path = self.path.clone();
        path.push(name.to_owned());
        self.protected.push(path);
    }

    /// Adds a template parameter `name` of type `T` (its logical ID is prefixed by the path) and
    /// returns its `Ref`.
    pub fn parameter<T: ParameterKind>(&mut self, name: &str, parameter: Parameter) -> Value<T> {
        let id = self.logical_id(name);
        let added = self.template.add_parameter(&id, parameter);
        self.keep(added);
        component::parameter_ref(&id)
    }

    /// Adds a condition `name` and returns its logical ID, for [`crate::typed::Attributes::condition`]
    /// and [`crate::intrinsic::if_`].
    pub fn condition(&mut self, name: &str, condition: Condition) -> String {
        let id = self.claim(Namespace::Conditions, name);
        let added = self.template.add_condition(&id, condition);
        self.keep(added);
        id
    }

    /// Adds a mapping `name` (its logical ID is prefixed by the path) and returns the handle
    /// that looks values up in it.
    pub fn mapping(&mut self, name: &str, mapping: crate::Mapping) -> MappingRef {
        let id = self.claim(Namespace::Mappings, name);
        let added = self.template.add_mapping(&id, mapping);
        self.keep(added);
        MappingRef::new(id)
    }

    /// Adds a rule `name` (its logical ID is prefixed by the path): checks CloudFormation runs on
    /// the parameter values before it creates or updates the stack.
    pub fn rule(&mut self, name: &str, rule: crate::Rule) {
        let id = self.claim(Namespace::Rules, name);
        let added = self.template.add_rule(&id, rule);
        self.keep(added);
    }

    /// Adds an output `name` (its logical ID is prefixed by the path).
    pub fn output(&mut self, name: &str, output: Output) {
        let id = self.claim(Namespace::Outputs, name);
        let added = self.template.add_output(&id, output);
        self.keep(added);
    }

    /// Adds an output `name` exported as `${AWS::StackName}-{logical ID}`, for other stacks'
    /// `Fn::ImportValue`.
    pub fn exported_output(&mut self, name: &str, output: Output) {
        let id = self.claim(Namespace::Outputs, name);
        let output = output.export(crate::intrinsic::sub(&format!("${{AWS::StackName}}-{id}")));
        let added = self.template.add_output(&id, output);
        self.keep(added);
    }

    /// Declares the permission `name` on this particle's resources and returns it. A statement
    /// that allows every action on every resource is refused.
    pub fn grant(&mut self, name: &str, statements: impl IntoIterator<Item = Statement>) -> Grant {
        let grant = Grant::new(name, statements);
        let owner = self.path.join("/");
        if grant.statements().iter().any(Statement::is_unrestricted) {
            self.errors.push(StackError::UnrestrictedGrant {
                owner: owner.clone(),
                grant: name.to_owned(),
            });
        }
        self.grants.push(DeclaredGrant {
            owner,
            grant: grant.clone(),
        });
        grant
    }

    /// Every permission the particles of this stack declared, in the order they did.
    pub fn permissions(&self) -> &[DeclaredGrant] {
        &self.grants
    }

    /// The template built so far, for what the typed API does not cover.
    pub fn template_mut(&mut self) -> &mut Template {
        &mut self.template
    }

    /// The finished template, validated (its size against the 1 MB a deploy through an artifact
    /// bucket allows); or the first mistake made while building it.
    pub fn finish(mut self) -> Result<Template, StackError> {
        let policy = self.stack_policy();
        let unused = std::mem::take(&mut self.overrides);
        if let Some((path, id)) = unused.into_iter().next() {
            self.errors.push(StackError::UnusedLogicalId {
                path: path.join("/"),
                id,
            });
        }
        self.tag_resources();
        for (stack, output) in nested::unknown_outputs(&self.template) {
            self.errors.push(StackError::Nested {
                path: stack,
                message: format!("it has no output `{output}`"),
            });
        }
        if let Some(err) = self.errors.into_iter().next() {
            return Err(err);
        }
        self.template.validate_for(crate::validate::Delivery::S3)?;
        let stack_tags = self.template.stack_tags().into_iter().flatten();
        crate::naming::check_tags(stack_tags.map(|(key, value)| (key.as_str(), value.as_str())))?;
        if let Some(policy) = policy {
            self.template.set_stack_policy(policy);
        }
        Ok(self.template)
    }

    /// Puts the tags on the resources [`Scope::add`] added, and kumo's stack tags on the
    /// template.
    fn tag_resources(&mut self) {
        let defaults = if self.default_tags {
            std::mem::take(&mut self.tags)
        } else {
            BTreeMap::new()
        };
        for (id, tagging, tags) in std::mem::take(&mut self.tagged) {
            if let Some(resource) = self.template.resources_mut().get_mut(&id) {
                tagging.apply(resource, &tags.resolve(&defaults));
            }
        }
        self.template.set_stack_tags(defaults);
    }

    /// The stack policy that protects what [`Scope::protect`] named: every update allowed
    /// but replacing or deleting those resources.
    fn stack_policy(&mut self) -> Option<Json> {
        if self.protected.is_empty() {
            return None;
        }
        let mut resources = Vec::new();
        for prefix in std::mem::take(&mut self.protected) {
            let ids: Vec<String> = self
                .resource_paths
                .iter()
                .filter(|(path, _)| path.starts_with(&prefix))
                .map(|(_, id)| format!("LogicalResourceId/{id}"))
                .collect();
            if ids.is_empty() {
                self.errors
                    .push(StackError::NothingToProtect(prefix.join("/")));
            }
            resources.extend(ids);
        }
        resources.sort();
        resources.dedup();
        Some(json!({
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "Update:*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": ["Update:Replace", "Update:Delete"],
                    "Resource": resources,
                },
            ]
        }))
    }

    /// Keeps the error of `result` for [`Scope::finish`].
    fn keep<E: Into<StackError>>(&mut self, result: Result<(), E>) {
        if let Err(err) = result {
            self.errors.push(err.into());
        }
    }

    fn fail<T>(&mut self, err: StackError, fallback: T) -> T {
        self.errors.push(err);
        fallback
    }
}

#[cfg(all(test, feature = "sqs", feature = "ssm"))]
mod tests;
