//! Several stacks in one app: typed references between them, and hooks around their deploys.
//!
//! A stack that uses another's output names it by a [`StackOutput`] — the constant `stack!`
//! generates for each output (`Network::VPC_ID`), so a reference to an output that does not
//! exist is a compile error — and takes it one of two ways:
//!
//! - **import** ([`crate::Scope::import`], `import vpc = Network::VPC_ID;` in `stack!`): the
//!   template reads `Fn::ImportValue` of the producer's export `{producer stack name}-{Output}`.
//!   CloudFormation then refuses to delete the producer or change the value while it is
//!   imported: right for values that never change (a VPC, a bucket name).
//! - **parameter** ([`crate::Scope::import_parameter`], `import vpc = Network::VPC_ID,
//!   parameter;`): the template gets a parameter that `deploy` fills from the producer's deployed
//!   outputs. The value may change (the consumer is updated with it) and the producer stays
//!   free to change: right for values that evolve (an image, an endpoint, a version).
//!
//! Either way the consumer depends on the producer: `deploy` deploys producers first
//! (independent stacks in parallel) and `delete` deletes consumers first.
//!
//! ```
//! # #[cfg(all(feature = "s3", feature = "sqs"))] {
//! use kumo_core::resources::{s3, sqs};
//! use kumo_core::{stack, App, Environment, Stack, StackGroup};
//!
//! stack! {
//!     pub Data(service = "data") {
//!         let archive = s3::Bucket::new();
//!         output archive_name = archive.r#ref(), "The archive bucket.", export;
//!     }
//! }
//!
//! stack! {
//!     pub Jobs(service = "jobs") {
//!         import archive = Data::ARCHIVE_NAME;
//!         let queue = sqs::Queue::new().queue_name(archive);
//!     }
//! }
//!
//! let app = StackGroup::new().stack(Data).stack(Jobs);
//! let env = Environment::new("dev");
//! let jobs = app.stacks()[1].template(&env)?;
//! assert_eq!(
//!     jobs.resources()["Queue"].properties()["QueueName"],
//!     serde_json::json!({"Fn::ImportValue": "data-dev-ArchiveName"})
//! );
//! assert_eq!(jobs.stack_dependencies(), ["data"]);
//! # }
//! # Ok::<(), kumo_core::StackError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use crate::naming::LogicalId;
use crate::{App, Environment, Stack};

/// An output of a stack of the app, by the stack's name and the output's name as declared
/// (`vpc_id`; its logical ID is `VpcId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StackOutput {
    stack: &'static str,
    output: &'static str,
}

impl StackOutput {
    /// The output `output` of the stack named `stack`.
    pub const fn new(stack: &'static str, output: &'static str) -> Self {
        StackOutput { stack, output }
    }

    /// The producing stack's name in the app.
    pub fn stack(&self) -> &'static str {
        self.stack
    }

    /// The output's logical ID.
    pub fn logical_id(&self) -> String {
        LogicalId::from_path(&[self.output])
            .map(LogicalId::into_string)
            .unwrap_or_else(|_| self.output.to_owned())
    }

    /// The name the producer exports it under in `env`: `{stack name}-{logical ID}`, which is
    /// what `${AWS::StackName}-{logical ID}` of an exported output resolves to.
    pub fn export_name(&self, env: &Environment) -> String {
        format!("{}-{}", env.stack_name(self.stack), self.logical_id())
    }
}

/// How a stack takes another stack's output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Via {
    /// `Fn::ImportValue` of the producer's export.
    Import,
    /// The template parameter of this logical ID, filled by `deploy` from the producer's
    /// outputs.
    Parameter(String),
}

/// A use of another stack's output (or, without one, a plain dependency on it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StackReference {
    /// The producing stack's name in the app.
    pub stack: String,
    /// The output's logical ID; `None` for an explicit dependency.
    pub output: Option<String>,
    /// How the value comes across.
    pub via: Via,
}

/// Where in a stack's deploy or delete a hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HookPoint {
    /// Before any create or update (a failing hook stops the stack).
    BeforeDeploy,
    /// After a create or update that worked, or a deploy that changed nothing.
    AfterDeploy,
    /// Before the stack is created.
    BeforeCreate,
    /// After it was created.
    AfterCreate,
    /// Before it is updated.
    BeforeUpdate,
    /// After it was updated.
    AfterUpdate,
    /// Before it is deleted.
    BeforeDelete,
    /// After it was deleted.
    AfterDelete,
}

impl fmt::Display for HookPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HookPoint::BeforeDeploy => "before deploy",
            HookPoint::AfterDeploy => "after deploy",
            HookPoint::BeforeCreate => "before create",
            HookPoint::AfterCreate => "after create",
            HookPoint::BeforeUpdate => "before update",
            HookPoint::AfterUpdate => "after update",
            HookPoint::BeforeDelete => "before delete",
            HookPoint::AfterDelete => "after delete",
        })
    }
}

/// What a hook gets: the stack, its parameters, its outputs and its state.
#[derive(Debug, Clone)]
pub struct HookContext<'a> {
    /// The stack's name in the app.
    pub stack: &'a str,
    /// Its CloudFormation name.
    pub stack_name: &'a str,
    /// The environment.
    pub environment: &'a Environment,
    /// The parameter values it is deployed with (NoEcho ones included: a hook may need them).
    pub parameters: &'a BTreeMap<String, String>,
    /// Its outputs: as deployed before the operation in `before` hooks, after it in `after`
    /// hooks (empty when there are none).
    pub outputs: &'a BTreeMap<String, String>,
    /// Its CloudFormation status (`None` when it does not exist).
    pub status: Option<&'a str>,
}

/// A hook: it gets the stack's context; an error stops a `before` hook's stack with its
/// message (and fails the command after an `after` hook).
pub type Hook = Box<dyn Fn(&HookContext<'_>) -> Result<(), String> + Send + Sync>;

/// An app of several stacks, with hooks.
///
/// ```
/// use kumo_core::{App, HookPoint, Resource, Stack, StackError, StackGroup, Template};
///
/// struct Logs;
///
/// impl Stack for Logs {
///     fn name(&self) -> &str {
///         "logs"
///     }
///     fn template(&self, _: &kumo_core::Environment) -> Result<Template, StackError> {
///         let mut template = Template::new();
///         template.add_resource("Bucket", Resource::new("AWS::S3::Bucket"))?;
///         Ok(template)
///     }
/// }
///
/// let app = StackGroup::new()
///     .stack(Logs)
///     .hook(HookPoint::BeforeDeploy, |ctx| {
///         if ctx.environment.name() == "prod" && ctx.status.is_none() {
///             return Err(format!("{} must be created by the platform team", ctx.stack_name));
///         }
///         Ok(())
///     })
///     .hook_for("logs", HookPoint::AfterCreate, |ctx| {
///         println!("{} is up: {:?}", ctx.stack_name, ctx.outputs);
///         Ok(())
///     });
/// assert_eq!(app.stacks().len(), 1);
/// assert_eq!(app.hooks(HookPoint::BeforeDeploy, "logs").len(), 1);
/// assert_eq!(app.hooks(HookPoint::AfterCreate, "logs").len(), 1);
/// assert_eq!(app.hooks(HookPoint::AfterCreate, "other").len(), 0);
/// ```
#[derive(Default)]
pub struct StackGroup {
    stacks: Vec<Box<dyn Stack + Send + Sync>>,
    hooks: Vec<(HookPoint, Option<String>, Hook)>,
}

impl fmt::Debug for StackGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StackGroup")
            .field(
                "stacks",
                &self.stacks.iter().map(|s| s.name()).collect::<Vec<_>>(),
            )
            .field("hooks", &self.hooks.len())
            .finish()
    }
}

impl StackGroup {
    /// An app without stacks.
    pub fn new() -> Self {
        StackGroup::default()
    }

    /// Adds a stack.
    pub fn stack(mut self, stack: impl Stack + Send + Sync + 'static) -> Self {
        self.stacks.push(Box::new(stack));
        self
    }

    /// Adds a hook that runs at `point` of every stack.
    pub fn hook(
        mut self,
        point: HookPoint,
        hook: impl Fn(&HookContext<'_>) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.hooks.push((point, None, Box::new(hook)));
        self
    }

    /// Adds a hook that runs at `point` of the stack named `stack`.
    pub fn hook_for(
        mut self,
        stack: &str,
        point: HookPoint,
        hook: impl Fn(&HookContext<'_>) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.hooks
            .push((point, Some(stack.to_owned()), Box::new(hook)));
        self
    }
}

impl App for StackGroup {
    fn stacks(&self) -> Vec<&dyn Stack> {
        self.stacks
            .iter()
            .map(|stack| stack.as_ref() as &dyn Stack)
            .collect()
    }

    fn hooks(&self, point: HookPoint, stack: &str) -> Vec<&Hook> {
        self.hooks
            .iter()
            .filter(|(at, only, _)| *at == point && only.as_deref().is_none_or(|s| s == stack))
            .map(|(_, _, hook)| hook)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_are_what_the_producer_exports() {
        let env = Environment::new("prod").with_stack_name_prefix("acme-");
        let output = StackOutput::new("network", "vpc_id");
        assert_eq!(output.logical_id(), "VpcId");
        assert_eq!(output.export_name(&env), "acme-network-prod-VpcId");
        assert_eq!(output.stack(), "network");
    }
}
