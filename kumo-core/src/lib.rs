//! The kumo template model: everything a CloudFormation template holds, typed, and nothing that
//! does I/O.
//!
//! - [`Template`], [`Parameter`], [`Output`], [`Resource`] and [`Condition`]: the sections of a
//!   template and the attributes of a resource.
//! - [`Value<T>`]: a property value that is a literal of `T` or an [`intrinsic`] function (or
//!   [`pseudo`] parameter) that yields `T`; a value of the wrong type does not compile.
//! - [`iam`]: policy documents as types.
//! - [`custom`] resources, [`policy`] (`CreationPolicy`, `UpdatePolicy`), [`cfn_init`] metadata,
//!   [`dynamic`] references and [`rules`] functions: the rest of the template language, typed.
//! - [`naming`]: deterministic logical IDs and physical names.
//! - [`validate`]: quotas and structural checks, run before a template leaves the process.
//!
//! Emission is deterministic: every section is sorted by logical ID and every object by key, so
//! the same source gives a byte-identical template on every machine.
//!
//! ```
//! use kumo_core::intrinsic::{get_att, sub};
//! use kumo_core::{DeletionPolicy, Output, Parameter, Resource, Template};
//!
//! let mut template = Template::new().with_description("Media ingest");
//! template.add_parameter("Env", Parameter::string().default_value("dev"))?;
//! template.add_resource(
//!     "Ingest",
//!     Resource::new("AWS::S3::Bucket")
//!         .property("BucketName", sub("mia-${Env}-ingest"))
//!         .deletion_policy(DeletionPolicy::Retain),
//! )?;
//! template.add_output("IngestArn", Output::new(get_att("Ingest", "Arn")))?;
//! template.validate()?;
//! println!("{}", template.to_json());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod asset;
pub mod cfn_init;
mod condition;
pub mod custom;
pub mod diff;
pub mod dynamic;
mod error;
pub mod group;
pub mod iam;
pub mod intrinsic;
pub mod naming;
pub mod nested;
mod object;
pub mod policy;
pub mod pseudo;
pub mod resources;
pub mod rules;
pub mod scope;
mod stack;
mod template;
pub mod typed;
pub mod validate;
mod value;

pub use condition::Condition;
pub use error::TemplateError;
pub use group::{Hook, HookContext, HookPoint, StackGroup, StackOutput};
pub use kumo_macros::{particle, stack};
pub use scope::{Component, Grant, Scope};
pub use stack::{App, Environment, Stack, StackError};
pub use template::{
    Assertion, AwsType, DeletionPolicy, Export, Mapping, Output, Parameter, ParameterType,
    Resource, Rule, Section, SsmValueType, Template, UpdateReplacePolicy, FORMAT_VERSION,
    LANGUAGE_EXTENSIONS,
};
pub use value::{IntoValue, Json, PropertyType, Value};
