//! What generated resource types share: the [`ResourceType`] trait, resource attributes as
//! builder methods ([`Attributes`]), handles with typed `Ref` and `Fn::GetAtt`, and string enums.

use std::marker::PhantomData;

use crate::intrinsic;
use crate::template::{DeletionPolicy, Resource, UpdateReplacePolicy};
use crate::value::{Json, PropertyType, Value};

/// The properties of a property type, by name.
pub type Properties = serde_json::Map<String, Json>;

/// How a resource type carries tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tagging {
    /// The type takes no tags.
    None,
    /// A list of `{"Key": ..., "Value": ...}` objects in the named property.
    List(&'static str),
    /// A map of key to value in the named property.
    Map(&'static str),
}

/// A generated, typed CloudFormation resource type.
pub trait ResourceType: Sized {
    /// The CloudFormation type name, such as `AWS::S3::Bucket`.
    const TYPE_NAME: &'static str;
    /// How the type carries tags.
    const TAGGING: Tagging;
    /// The properties whose change replaces the resource (the schema's `createOnlyProperties`).
    const REPLACED_ON_CHANGE: &'static [&'static str];

    /// The untyped resource being built.
    fn resource(&self) -> &Resource;

    /// The untyped resource being built, for changes.
    fn resource_mut(&mut self) -> &mut Resource;

    /// The untyped resource, ready for a template.
    fn into_resource(self) -> Resource;
}

/// Resource attributes, available on every typed resource.
///
/// ```
/// use kumo_core::typed::Attributes;
/// use kumo_core::DeletionPolicy;
/// # #[cfg(feature = "sqs")] {
/// use kumo_core::resources::sqs::Queue;
///
/// let queue = Queue::new().depends_on("Key").deletion_policy(DeletionPolicy::Retain);
/// # let _ = queue;
/// # }
/// ```
pub trait Attributes: ResourceType {
    /// Creates this resource after the named one.
    fn depends_on(mut self, logical_id: impl Into<String>) -> Self {
        take(self.resource_mut(), |r| r.depends_on(logical_id));
        self
    }

    /// Creates this resource only when the named condition is true.
    fn condition(mut self, condition: impl Into<String>) -> Self {
        take(self.resource_mut(), |r| r.condition(condition));
        self
    }

    /// Sets what happens to the physical resource when the stack deletes it.
    fn deletion_policy(mut self, policy: DeletionPolicy) -> Self {
        take(self.resource_mut(), |r| r.deletion_policy(policy));
        self
    }

    /// Sets what happens to the old physical resource when an update replaces it.
    fn update_replace_policy(mut self, policy: UpdateReplacePolicy) -> Self {
        take(self.resource_mut(), |r| r.update_replace_policy(policy));
        self
    }

    /// Sets the `Metadata` attribute.
    fn metadata(mut self, metadata: Json) -> Self {
        take(self.resource_mut(), |r| r.metadata(metadata));
        self
    }

    /// Sets the `CreationPolicy` attribute.
    fn creation_policy(mut self, policy: Json) -> Self {
        take(self.resource_mut(), |r| r.creation_policy(policy));
        self
    }

    /// Sets the `UpdatePolicy` attribute.
    fn update_policy(mut self, policy: Json) -> Self {
        take(self.resource_mut(), |r| r.update_policy(policy));
        self
    }

    /// Sets a property by its CloudFormation name: the escape hatch for a property the schema
    /// does not know yet.
    fn raw_property(mut self, name: &str, value: impl Into<Json>) -> Self {
        self.resource_mut().set_property(name, value.into());
        self
    }
}

impl<R: ResourceType> Attributes for R {}

fn take(resource: &mut Resource, change: impl FnOnce(Resource) -> Resource) {
    let current = std::mem::replace(resource, Resource::new(String::new()));
    *resource = change(current);
}

/// A resource declared in a template, by logical ID: where its `Ref` and attributes come from.
///
/// Generated code adds one method per attribute of the type (`Handle<Bucket>::arn()`), so an
/// attribute the type lacks does not compile.
pub struct Handle<R> {
    logical_id: String,
    kind: PhantomData<fn() -> R>,
}

impl<R> Handle<R> {
    /// The handle of the resource with this logical ID.
    pub fn new(logical_id: impl Into<String>) -> Self {
        Handle {
            logical_id: logical_id.into(),
            kind: PhantomData,
        }
    }

    /// The resource's logical ID.
    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// `Ref`: the resource's reference value (a name, ID or ARN, by type).
    pub fn r#ref(&self) -> Value<String> {
        intrinsic::reference(&self.logical_id)
    }

    /// `Fn::GetAtt` of an attribute, for generated attribute methods.
    pub fn get_att<T>(&self, attribute: &str) -> Value<T> {
        intrinsic::get_att(&self.logical_id, attribute)
    }
}

impl<R> Clone for Handle<R> {
    fn clone(&self) -> Self {
        Handle::new(self.logical_id.clone())
    }
}

impl<R> std::fmt::Debug for Handle<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle({})", self.logical_id)
    }
}

/// A string property that the schema restricts to listed values; generated as a Rust enum.
///
/// A `Value<String>` (a parameter's `Ref`, `Fn::If`, `Fn::FindInMap`) converts into the enum's
/// value type, since only CloudFormation can check what it resolves to.
pub trait StringEnum {
    /// The value as CloudFormation spells it.
    fn as_str(&self) -> &'static str;
}

impl<E: StringEnum> PropertyType for E {
    fn into_json(self) -> Json {
        Json::String(self.as_str().to_owned())
    }
}

// Not recommended in errors: a string where an integer belongs should say so, not list every
// generated enum as a candidate.
#[diagnostic::do_not_recommend]
impl<E: StringEnum> From<Value<String>> for Value<E> {
    fn from(value: Value<String>) -> Self {
        Value::from_json_unchecked(value.into_json())
    }
}
