//! What a stack binary hands to the CLI: stacks that build their template for an environment.

use std::collections::BTreeMap;

use crate::error::TemplateError;
use crate::group::{Hook, HookPoint};
use crate::naming::NamingError;
use crate::template::Template;
use crate::validate::ValidationErrors;

/// The environment a stack is built for (`dev`, `prod`): it goes into physical names, tags
/// and the names of deployed stacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    name: String,
    stack_name_prefix: String,
    stack_names: BTreeMap<String, String>,
    /// The stacks whose templates are being built around this one, outermost first: a nested
    /// stack is built in its parent's environment with the parent added.
    nesting: Vec<String>,
}

impl Environment {
    /// An environment of the given name, unchecked so that tests and examples stay short: the
    /// command line refuses a name [`crate::naming::check_environment`] refuses before building
    /// anything, and physical names refuse it too.
    pub fn new(name: impl Into<String>) -> Self {
        Environment {
            name: name.into(),
            stack_name_prefix: String::new(),
            stack_names: BTreeMap::new(),
            nesting: Vec::new(),
        }
    }

    /// The environment with `prefix` before every deployed stack's name (kumo.toml's
    /// `stack-name-prefix`).
    pub fn with_stack_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.stack_name_prefix = prefix.into();
        self
    }

    /// The environment with `name` as the CloudFormation name of the app's stack `stack`, `{env}`
    /// in it replaced by the environment's name, without the prefix: the name an existing stack
    /// keeps (kumo.toml's `stack-name`, [`Stack::stack_name`]).
    pub fn with_stack_name(mut self, stack: impl Into<String>, name: impl Into<String>) -> Self {
        self.stack_names.insert(stack.into(), name.into());
        self
    }

    /// The environment with the explicit names ([`Stack::stack_name`]) of `app`'s stacks.
    pub fn with_stack_names_of(self, app: &dyn App) -> Self {
        app.stacks()
            .into_iter()
            .fold(self, |env, stack| match stack.stack_name() {
                Some(name) => env.with_stack_name(stack.name(), name),
                None => env,
            })
    }

    /// The environment's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The environment a stack nested in `parent` is built in.
    pub(crate) fn nested_in(&self, parent: &str) -> Environment {
        let mut nested = self.clone();
        nested.nesting.push(parent.to_owned());
        nested
    }

    /// The stacks whose templates are being built around the one built here, outermost first.
    pub(crate) fn nesting(&self) -> &[String] {
        &self.nesting
    }

    /// The CloudFormation name of the app's stack `stack` here: its explicit name if it has one
    /// ([`Environment::with_stack_name`]), else `{prefix}{stack}-{env}`. Every command, lock
    /// and cross-stack import uses it.
    ///
    /// ```
    /// let env = kumo_core::Environment::new("prod")
    ///     .with_stack_name_prefix("acme-")
    ///     .with_stack_name("legacy", "legacy-network-{env}");
    /// assert_eq!(env.stack_name("network"), "acme-network-prod");
    /// assert_eq!(env.stack_name("legacy"), "legacy-network-prod");
    /// ```
    pub fn stack_name(&self, stack: &str) -> String {
        match self.stack_names.get(stack) {
            Some(name) => name.replace("{env}", &self.name),
            None => format!("{}{stack}-{}", self.stack_name_prefix, self.name),
        }
    }
}

/// A stack: a name and a template built for an environment.
///
/// `stack!` implements it; a hand-written implementation works the same:
///
/// ```
/// use kumo_core::{Environment, Resource, Stack, StackError, Template};
///
/// struct Logs;
///
/// impl Stack for Logs {
///     fn name(&self) -> &str {
///         "logs"
///     }
///
///     fn template(&self, env: &Environment) -> Result<Template, StackError> {
///         let mut template = Template::new().with_description(format!("Logs of {}", env.name()));
///         template.add_resource("Bucket", Resource::new("AWS::S3::Bucket"))?;
///         Ok(template)
///     }
/// }
///
/// let template = Logs.template(&Environment::new("dev"))?;
/// assert_eq!(template.description(), Some("Logs of dev"));
/// # Ok::<(), StackError>(())
/// ```
pub trait Stack {
    /// The stack's name within its app, such as `data`; the CLI derives the deployed stack's name
    /// from it.
    fn name(&self) -> &str;

    /// Builds the template for an environment.
    fn template(&self, env: &Environment) -> Result<Template, StackError>;

    /// The CloudFormation name the stack keeps, `{env}` replaced by the environment's name
    /// (`stack!`'s `stack_name = "..."`), or `None` (the default) for `{prefix}{name}-{env}`.
    /// kumo.toml's `stack-name` wins over it; the CLI validates the name like any other.
    fn stack_name(&self) -> Option<&str> {
        None
    }
}

/// What a stack binary runs: one stack, or several ([`crate::StackGroup`]).
///
/// Every [`Stack`] is an app of one stack.
pub trait App {
    /// The app's stacks.
    fn stacks(&self) -> Vec<&dyn Stack>;

    /// The hooks to run at `point` of the stack `stack`, in the order they were added.
    fn hooks(&self, point: HookPoint, stack: &str) -> Vec<&Hook> {
        let _ = (point, stack);
        Vec::new()
    }
}

impl<S: Stack> App for S {
    fn stacks(&self) -> Vec<&dyn Stack> {
        vec![self]
    }
}

/// Why a stack could not build its template.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StackError {
    /// The template could not be assembled.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A name could not be made.
    #[error(transparent)]
    Naming(#[from] NamingError),
    /// A particle declared a permission that allows every action on every resource.
    #[error("grant `{grant}` of `{owner}` allows every action on every resource (\"*\" on \"*\")")]
    UnrestrictedGrant {
        /// The particle instance, `/`-joined.
        owner: String,
        /// The grant's name.
        grant: String,
    },
    /// The template is invalid.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// A local directory to bundle cannot be read.
    #[error(transparent)]
    Asset(#[from] crate::asset::AssetError),
    /// `protect` names a particle instance that made no resources.
    #[error("cannot protect `{0}`: it made no resources")]
    NothingToProtect(String),
    /// A logical ID given for a name ([`crate::Scope::override_logical_id`], `#[logical_id]`)
    /// is refused.
    #[error("logical ID given for `{path}`: {source}")]
    GivenLogicalId {
        /// The names it is given for, `/`-joined.
        path: String,
        /// Why it is refused.
        source: NamingError,
    },
    /// A nested stack ([`crate::Scope::nested`]) cannot be added or read: its stack fails to
    /// build, a parameter is unknown or missing, or an output read from it is not declared.
    #[error("nested stack `{path}`: {message}")]
    Nested {
        /// Its name (the path of names), or its logical ID for an output read.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A resource, parameter or nested stack takes the logical ID of the parameter kumo
    /// declares for the artifact bucket ([`crate::asset::BUCKET_PARAMETER`]), which `deploy` sets.
    #[error("logical ID `{id}` of `{path}` is kumo's own: it names the artifact-bucket parameter that deploy sets; name it otherwise")]
    ReservedLogicalId {
        /// The names it is made for, `/`-joined.
        path: String,
        /// The ID.
        id: String,
    },
    /// A logical ID given for a name that nothing used: a misspelt role, say.
    #[error("logical ID `{id}` is given for `{path}`, but nothing was added there")]
    UnusedLogicalId {
        /// The names it is given for, `/`-joined.
        path: String,
        /// The ID.
        id: String,
    },
}
