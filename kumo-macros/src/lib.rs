//! The macros of kumo: [`macro@particle`] makes a reusable building block of a function, and
//! [`stack!`] assembles a stack. Use them through `kumo_core`, which re-exports both; the code
//! they generate names only `::kumo_core` paths.
//!
//! Every mistake in their input is a compile error pointing at the offending token, never a
//! panic.

use proc_macro::TokenStream;

mod errors;
mod particle;
mod stack;

/// Makes a particle of a function that builds resources in a [`Scope`].
///
/// The first argument is the scope (`scope: &mut kumo_core::Scope`), already inside the
/// particle's instance: logical IDs, parameters and outputs it makes start with the instance name.
/// Arguments marked `#[default(value)]` (or `#[default]` for `Default::default()`) become builder
/// methods; the others are arguments of the generated constructor. Arguments must be owned types.
///
/// `#[particle] fn bucket(...) -> Bucket` generates `fn bucket(required...) -> BucketParticle`,
/// and `BucketParticle::add(scope, "ingest") -> Bucket`; inside `stack!`,
/// `let ingest = bucket().versioned(false);` adds it as the instance `ingest`.
///
/// ```
/// use kumo_core::resources::sqs;
/// use kumo_core::typed::Handle;
/// use kumo_core::{particle, Scope};
///
/// /// A queue that keeps messages for `retention_days`.
/// #[particle]
/// pub fn queue(scope: &mut Scope, #[default(4)] retention_days: i64) -> Handle<sqs::Queue> {
///     scope.add("queue", sqs::Queue::new().message_retention_period(retention_days * 86_400))
/// }
///
/// let mut scope = Scope::new("media", &kumo_core::Environment::new("dev"));
/// let jobs = queue().retention_days(14).add(&mut scope, "jobs");
/// assert_eq!(jobs.logical_id(), "JobsQueue");
/// ```
///
/// [`Scope`]: https://docs.rs/kumo-core/latest/kumo_core/scope/struct.Scope.html
#[proc_macro_attribute]
pub fn particle(args: TokenStream, item: TokenStream) -> TokenStream {
    particle::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares a stack: a unit struct that implements `kumo_core::Stack`.
///
/// ```
/// use kumo_core::resources::sqs;
/// use kumo_core::{Condition, Environment, Stack};
///
/// kumo_core::stack! {
///     /// Imports media files.
///     pub Media(service = "media", tags = { "team" = "mes" }) {
///         param retention_seconds: i64 = 345_600, "How long jobs wait, in seconds.";
///         param stage: String = "dev", "The deployment stage.";
///         let jobs = sqs::Queue::new().message_retention_period(retention_seconds);
///         condition is_prod = Condition::equals(stage, "prod");
///         output jobs_url = jobs.r#ref(), "URL of the job queue", export;
///     }
/// }
///
/// let template = Media.template(&Environment::new("dev"))?;
/// assert!(template.resources().contains_key("Jobs"));
/// assert_eq!(Media::JOBS_URL.export_name(&Environment::new("dev")), "media-dev-JobsUrl");
/// # Ok::<(), kumo_core::StackError>(())
/// ```
///
/// - `param name: T [= default] [, "description"];` declares a template parameter of type `T`
///   (`String`, `i64`, `f64`, `Vec<String>`, `Vec<i64>`) and binds `name` to its `Ref`.
/// - `let name = component;` adds a typed resource (logical ID from `name`) or a particle
///   (instance `name`) and binds its handle or output. `protected let` also protects its
///   resources: the stack policy `deploy` sets refuses any update that replaces or deletes them.
/// - `import name = Stack::OUTPUT [, parameter];` binds another stack's output: through
///   `Fn::ImportValue` of its export, or with `parameter` through a parameter `deploy` fills from
///   the producer's outputs (see `kumo_core::group`). The stack then depends on the producer.
/// - `[protected] nested name = OtherStack { param: value, ... };` builds `OtherStack` into this stack as a
///   nested stack (`kumo_core::Scope::nested`) and binds its `kumo_core::nested::NestedStack`:
///   each `param` is one of `OtherStack`'s parameters, typed as it declares it, and
///   `name.output(OtherStack::OUTPUT)` reads its output.
/// - `condition name = condition;` declares a condition and binds its logical ID.
/// - `mapping name = { "top" = { "Key" = "value", "List" = ["a"], "Size" = 2 } };` declares a
///   mapping and binds its `kumo_core::scope::MappingRef`: `name.find(top, key)` is a typed
///   `Fn::FindInMap`.
/// - `rule name = rule;` adds a `kumo_core::Rule` to the template's `Rules`.
/// - `output name = value [, "description"] [, export [= name]] [, condition = cond];` declares
///   an output; `export` exports it as `${AWS::StackName}-Name`, `export = name` under that name
///   (any string value), `condition = cond` only when the declared condition `cond` holds. Each
///   output is also the constant `Stack::NAME` (a `kumo_core::StackOutput`) other stacks import,
///   so naming an output that does not exist is a compile error.
///
/// Attributes before a statement: on `param`, `#[r#type("AWS::EC2::VPC::Id")]` (any
/// CloudFormation parameter type; it must fit the Rust type), `#[no_echo]`,
/// `#[allowed_values(..)]`, `#[allowed_pattern("..")]`, `#[min_length(n)]`, `#[max_length(n)]`,
/// `#[min_value(n)]`, `#[max_value(n)]`, `#[constraint_description("..")]`; on `param`,
/// `condition`, `mapping`, `rule` and `output`, `#[logical_id("Id")]` (the logical ID to keep).
///
/// The header takes `service = "..."`, `description = "..."`, `tags = { "key" = value }`,
/// `depends_on = [OtherStack, ...]` (stacks to deploy first without using their outputs),
/// `transform = ["AWS::Serverless-2016-10-31", ...]` and `metadata = { "Key" = json, ... }`.
///
/// A name declared twice or used before its declaration is an error on the offending token; an
/// undeclared name, a wrong attribute or a value of the wrong type is the compiler's error at
/// the same place. The stack's doc comment is its template's description unless
/// `description = "..."` is given.
#[proc_macro]
pub fn stack(input: TokenStream) -> TokenStream {
    stack::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[cfg(test)]
mod tests;
