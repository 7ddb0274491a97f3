//! kumo: AWS CloudFormation stacks as Rust code. A stack's resources, parameters, conditions
//! and outputs are typed values `rustc` checks, and its template is emitted byte-identical on
//! every machine. This crate is the template model, the typed resources and the macros; the
//! `kumo-cli` crate runs a stack (`kumo_cli::run(Media)` in its binary's `main`: synth, diff,
//! deploy), and `kumo-particles` holds the standard building blocks.
//!
//! # A stack
//!
//! [`stack!`] declares a stack: each `let` adds a typed resource from [`resources`] (or a
//! particle) under a logical ID made from its name and binds its [`typed::Handle`], whose
//! methods are the resource's `Ref` and attributes.
//!
//! ```
//! use kumo_core::resources::{s3, sqs};
//! use kumo_core::{stack, Environment, Stack};
//!
//! stack! {
//!     /// Imports media files.
//!     pub Media(service = "media", tags = { "team" = "mes" }) {
//!         param retention_seconds: i64 = 345_600, "How long jobs wait, in seconds.";
//!         let ingest = s3::Bucket::new();
//!         let jobs = sqs::Queue::new().message_retention_period(retention_seconds);
//!         output ingest_arn = ingest.arn(), "Bucket that receives media files.", export;
//!         output jobs_url = jobs.queue_url(), "URL of the job queue.";
//!     }
//! }
//!
//! let template = Media.template(&Environment::new("dev"))?;
//! assert!(template.resources().contains_key("Ingest"));
//! assert!(template.resources().contains_key("Jobs"));
//! println!("{}", template.to_json());
//! # Ok::<(), kumo_core::StackError>(())
//! ```
//!
//! A property or attribute the type lacks, a value of the wrong type (a string for
//! `message_retention_period`), or a name used before it is declared does not compile.
//! Each output is also a constant (`Media::INGEST_ARN`) other stacks import.
//!
//! # Particles
//!
//! A [`macro@particle`] is a function that builds resources in a [`Scope`], made reusable: its
//! `#[default]` arguments become builder methods, and `stack!` adds it as an instance whose
//! logical IDs start with the instance's name. The `kumo-particles` crate holds the standard
//! ones (an encrypted bucket, a queue with its dead-letter queue, a Lambda function with its
//! role and log group, ...).
//!
//! ```
//! use kumo_core::resources::sqs;
//! use kumo_core::typed::Handle;
//! use kumo_core::{particle, stack, Environment, Scope, Stack};
//!
//! /// A queue that keeps messages for `retention_days`.
//! #[particle]
//! pub fn queue(scope: &mut Scope, #[default(4)] retention_days: i64) -> Handle<sqs::Queue> {
//!     scope.add("queue", sqs::Queue::new().message_retention_period(retention_days * 86_400))
//! }
//!
//! stack! {
//!     /// Import jobs.
//!     pub Jobs(service = "jobs") {
//!         let imports = queue().retention_days(14);
//!         output imports_url = imports.queue_url(), "URL of the import queue.";
//!     }
//! }
//!
//! let template = Jobs.template(&Environment::new("dev"))?;
//! assert_eq!(
//!     template.resources()["ImportsQueue"].properties()["MessageRetentionPeriod"],
//!     14 * 86_400
//! );
//! # Ok::<(), kumo_core::StackError>(())
//! ```
//!
//! # Typed resources
//!
//! [`resources`] has one module per AWS service, each behind the Cargo feature of its name; the
//! default features enable the 13 most used (`cloudwatch`, `dynamodb`, `ec2`, `events`, `iam`,
//! `kms`, `lambda`, `logs`, `s3`, `secretsmanager`, `sns`, `sqs`, `ssm`) and `full` enables all.
//! Each type's page (such as [`resources::s3::Bucket`]) gives AWS's description of the type and
//! of each property, its constraints, whether changing it replaces the resource, the attributes
//! its handle has, and, for the common types, an example.
//!
//! # The template model
//!
//! - [`Template`], [`Parameter`], [`Output`], [`Resource`] and [`Condition`]: the sections of a
//!   template and the attributes of a resource.
//! - [`Value<T>`]: a property value that is a literal of `T` or an [`intrinsic`] function (or
//!   [`pseudo`] parameter) that yields `T`; a value of the wrong type does not compile.
//! - [`iam`]: policy documents as types.
//! - [`custom`] resources, [`policy`] (`CreationPolicy`, `UpdatePolicy`), [`cfn_init`] metadata,
//!   [`dynamic`] references and [`rules`] functions: the rest of the template language, typed.
//! - [`security`]: what a template change does to access (IAM, resource policies, security
//!   groups, public access), as `cdk diff`'s security view.
//! - [`naming`]: deterministic logical IDs and physical names.
//! - [`validate`]: quotas and structural checks, run before a template leaves the process.
//!
//! Emission is deterministic: every section is sorted by logical ID and every object by key, so
//! the same source gives a byte-identical template on every machine. The model also works
//! without the macro, for a type kumo does not know yet:
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

#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod asset;
pub mod cfn_init;
mod condition;
pub mod custom;
pub mod diff;
pub mod dynamic;
mod error;
pub mod for_each;
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
pub mod security;
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
    Resource, Rule, Section, SsmValueType, Template, UpdateReplacePolicy, Written, FORMAT_VERSION,
    LANGUAGE_EXTENSIONS, TRANSFORM_FUNCTION,
};
pub use value::{IntoValue, Json, PropertyType, Value};
