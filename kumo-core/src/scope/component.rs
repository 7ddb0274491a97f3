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

/// A default a parameter of type `T` takes, as the template writes it: text for any type (as
/// CloudFormation writes every default: `"1.5"` for a number, `"a,b"` for a list), or a value
/// of the parameter's own kind: a number for `i64` and `f64`, a list for `Vec<String>` and
/// `Vec<i64>`. `stack!`'s `param name: T = default;` takes one, so that `param size: i64 =
/// 'c';` does not compile.
///
/// ```
/// use kumo_core::scope::ParameterDefault;
///
/// assert_eq!(ParameterDefault::<Vec<String>>::default_text(["a", "b"]), "a,b");
/// assert_eq!(ParameterDefault::<f64>::default_text(2), "2");
/// assert_eq!(ParameterDefault::<i64>::default_text("1.5"), "1.5");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a default of a `{T}` parameter",
    label = "not a default of a `{T}` parameter",
    note = "a parameter's default is text (\"3\", \"a,b\") or a value of its own type"
)]
pub trait ParameterDefault<T: ParameterKind> {
    /// The default as the template writes it.
    fn default_text(self) -> String;
}

impl<T: ParameterKind> ParameterDefault<T> for &str {
    fn default_text(self) -> String {
        self.to_owned()
    }
}

impl<T: ParameterKind> ParameterDefault<T> for String {
    fn default_text(self) -> String {
        self
    }
}

impl<T: ParameterKind> ParameterDefault<T> for &String {
    fn default_text(self) -> String {
        self.clone()
    }
}

/// Integers are defaults of number parameters, `f64` and `f32` of `f64` ones.
macro_rules! number_defaults {
    ($parameter:ty: $($number:ty),*) => {$(
        impl ParameterDefault<$parameter> for $number {
            fn default_text(self) -> String {
                self.to_string()
            }
        }
    )*};
}

number_defaults!(i64: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
number_defaults!(f64: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64);

impl<S: AsRef<str>> ParameterDefault<Vec<String>> for Vec<S> {
    fn default_text(self) -> String {
        comma_separated(self.iter().map(AsRef::as_ref))
    }
}

impl<S: AsRef<str>, const N: usize> ParameterDefault<Vec<String>> for [S; N] {
    fn default_text(self) -> String {
        comma_separated(self.iter().map(AsRef::as_ref))
    }
}

impl ParameterDefault<Vec<i64>> for Vec<i64> {
    fn default_text(self) -> String {
        comma_separated(self.iter().map(i64::to_string))
    }
}

impl<const N: usize> ParameterDefault<Vec<i64>> for [i64; N] {
    fn default_text(self) -> String {
        comma_separated(self.iter().map(i64::to_string))
    }
}

/// The items joined by commas, as CloudFormation writes a list parameter's value.
fn comma_separated<S: AsRef<str>>(items: impl Iterator<Item = S>) -> String {
    items
        .map(|item| item.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(",")
}

/// The `Ref` of a parameter, typed.
pub(crate) fn parameter_ref<T: ParameterKind>(logical_id: &str) -> Value<T> {
    crate::intrinsic::reference(logical_id)
}
