//! What `stack!` and particle callers add to a scope: typed resources, particles, parameters.

use crate::scope::Scope;
use crate::typed::{Handle, ResourceType};
use crate::{Parameter, Value};

/// Something added to a [`Scope`] under a name: a typed resource (whose logical ID the name
/// becomes) or a particle (whose instance the name names).
///
/// `stack!` turns `let jobs = sqs::Queue::new();` into `Component::add_to(..., "jobs")`;
/// `#[particle]` implements it for every particle's builder.
pub trait Component {
    /// What the caller gets back: a resource's [`Handle`], a particle's return value.
    type Output;

    /// Adds `self` to `scope` as `name`.
    fn add_to(self, scope: &mut Scope, name: &str) -> Self::Output;
}

impl<R: ResourceType> Component for R {
    type Output = Handle<R>;

    fn add_to(self, scope: &mut Scope, name: &str) -> Handle<R> {
        scope.add(name, self)
    }
}

/// A component that is one typed resource: what `#[logical_id("...")]` on a `stack!` `let`
/// takes, so that giving a particle one logical ID does not compile.
#[diagnostic::on_unimplemented(
    message = "`#[logical_id]` keeps the logical ID of one typed resource, and `{Self}` is not one",
    label = "not a typed resource",
    note = "a particle's resources take `#[logical_ids(role = \"Id\", ...)]`"
)]
pub trait OneResource: Component + Sized {
    /// Adds the resource as [`Component::add_to`] does.
    fn add_one(self, scope: &mut Scope, name: &str) -> Self::Output {
        self.add_to(scope, name)
    }
}

// Not recommended in errors: the error names `OneResource`'s own message, not every resource type.
#[diagnostic::do_not_recommend]
impl<R: ResourceType> OneResource for R {}

/// A Rust type a stack parameter can have: `String`, `i64`, `f64`, `Vec<String>`, `Vec<i64>`.
///
/// `stack!`'s `param name: T = default, "description";` declares a parameter of this type and
/// binds `name` to its `Ref`, a `Value<T>`.
pub trait ParameterKind {
    /// A parameter of this type, without constraints.
    fn parameter() -> Parameter;
}

impl ParameterKind for String {
    fn parameter() -> Parameter {
        Parameter::string()
    }
}

impl ParameterKind for i64 {
    fn parameter() -> Parameter {
        Parameter::number()
    }
}

impl ParameterKind for f64 {
    fn parameter() -> Parameter {
        Parameter::number()
    }
}

impl ParameterKind for Vec<String> {
    fn parameter() -> Parameter {
        Parameter::new(crate::ParameterType::CommaDelimitedList)
    }
}

impl ParameterKind for Vec<i64> {
    fn parameter() -> Parameter {
        Parameter::new(crate::ParameterType::NumberList)
    }
}

/// The `Ref` of a parameter, typed.
pub(crate) fn parameter_ref<T: ParameterKind>(logical_id: &str) -> Value<T> {
    crate::intrinsic::reference(logical_id)
}
