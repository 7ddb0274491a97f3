//! What generated resource types share: the [`ResourceType`] trait, resource attributes as
//! builder methods ([`Attributes`]), handles with typed `Ref` and `Fn::GetAtt`, and string enums.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use crate::intrinsic;
use crate::template::{DeletionPolicy, Resource, UpdateReplacePolicy};
use crate::value::{Json, PropertyType, Value};

/// The properties of a property type, by name.
pub type Properties = serde_json::Map<String, Json>;

/// The names of a resource type's properties, from its schema: what a template may set and
/// must set.
///
/// ```
/// # #[cfg(feature = "sqs")] {
/// use kumo_core::resources::sqs;
/// use kumo_core::typed::ResourceType;
///
/// let names = sqs::QueuePolicy::PROPERTY_NAMES;
/// assert_eq!(names.all, ["Id", "PolicyDocument", "Queues"]); // `Id` is read-only
/// assert_eq!(names.required, ["PolicyDocument", "Queues"]);
/// assert!(names.allows("Queues") && !names.allows("Queue"));
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropertyNames {
    /// Every property the schema names, read-only ones too, sorted.
    pub all: &'static [&'static str],
    /// The properties a resource of the type must have (the schema's `required`).
    pub required: &'static [&'static str],
    /// Whether a resource may have properties the schema does not name (a custom resource's
    /// go to its provider).
    pub open: bool,
}

impl PropertyNames {
    /// Whether a resource of the type may have the property `name`.
    pub fn allows(&self, name: &str) -> bool {
        self.open || self.all.binary_search(&name).is_ok()
    }
}

/// How a resource type carries tags, derived from its schema: where kumo puts tags and in what
/// shape, or that it puts none.
///
/// ```
/// use std::collections::BTreeMap;
/// use kumo_core::typed::{TagList, Tagging};
/// use kumo_core::Resource;
///
/// let asg = Tagging::List(TagList {
///     property: "Tags",
///     key: "Key",
///     value: "Value",
///     flags: &["PropagateAtLaunch"],
/// });
/// let mut resource = Resource::new("AWS::AutoScaling::AutoScalingGroup");
/// asg.apply(&mut resource, &BTreeMap::from([("team".to_owned(), "media".to_owned())]));
/// assert_eq!(
///     resource.properties()["Tags"],
///     serde_json::json!([{"Key": "team", "Value": "media", "PropagateAtLaunch": true}])
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tagging {
    /// kumo puts no tags on the type: it takes none, or in a shape kumo cannot fill correctly
    /// (JSON, a list of strings, a nested object).
    None,
    /// A list of key-value objects.
    List(TagList),
    /// A map of key to value in the named property.
    Map(&'static str),
}

/// The shape of a list of tags: each item an object with a key field, a value field, and
/// boolean fields the schema requires, set to `true` (`PropagateAtLaunch` of an auto scaling
/// group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagList {
    /// The property holding the list.
    pub property: &'static str,
    /// The field of an item that holds the key.
    pub key: &'static str,
    /// The field of an item that holds the value.
    pub value: &'static str,
    /// The required boolean fields of an item, each set to `true`.
    pub flags: &'static [&'static str],
}

impl Tagging {
    /// The property that holds the tags, if kumo tags the type.
    pub fn property(&self) -> Option<&'static str> {
        match self {
            Tagging::None => None,
            Tagging::List(list) => Some(list.property),
            Tagging::Map(property) => Some(property),
        }
    }

    /// Puts `tags` on `resource` in the type's shape; a key the resource already has keeps its
    /// value. Nothing happens without tags, for a type kumo does not tag, or when the property
    /// holds something other than a list (or map): an intrinsic, say.
    pub fn apply(&self, resource: &mut Resource, tags: &BTreeMap<String, String>) {
        let Some(property) = self.property().filter(|_| !tags.is_empty()) else {
            return;
        };
        let properties = resource.properties_mut();
        match self {
            Tagging::None => {}
            Tagging::List(shape) => {
                let list = properties
                    .entry(property)
                    .or_insert_with(|| Json::Array(Vec::new()));
                if let Json::Array(list) = list {
                    for (key, value) in tags {
                        if !list.iter().any(|tag| tag[shape.key] == **key) {
                            list.push(shape.item(key, value));
                        }
                    }
                }
            }
            Tagging::Map(_) => {
                let map = properties
                    .entry(property)
                    .or_insert_with(|| Json::Object(Properties::new()));
                if let Json::Object(map) = map {
                    for (key, value) in tags {
                        map.entry(key.clone())
                            .or_insert_with(|| Json::String(value.clone()));
                    }
                }
            }
        }
    }
}

impl TagList {
    /// One item of the list.
    fn item(&self, key: &str, value: &str) -> Json {
        let mut item = Properties::new();
        item.insert(self.key.to_owned(), Json::String(key.to_owned()));
        item.insert(self.value.to_owned(), Json::String(value.to_owned()));
        for flag in self.flags {
            item.insert((*flag).to_owned(), Json::Bool(true));
        }
        Json::Object(item)
    }
}

/// A generated, typed CloudFormation resource type.
pub trait ResourceType: Sized {
    /// The CloudFormation type name, such as `AWS::S3::Bucket`.
    const TYPE_NAME: &'static str;
    /// How the type carries tags.
    const TAGGING: Tagging;
    /// The properties whose change replaces the resource (the schema's `createOnlyProperties`).
    const REPLACED_ON_CHANGE: &'static [&'static str];
    /// The properties CloudFormation imports an existing resource of the type by, the keys of
    /// its identifier (the schema's `primaryIdentifier`): empty when they are not known, as for a
    /// custom resource, which cannot be imported.
    ///
    /// ```
    /// use kumo_core::typed::ResourceType;
    /// # #[cfg(feature = "iam")] {
    /// use kumo_core::resources::iam;
    ///
    /// assert_eq!(iam::RolePolicy::PRIMARY_IDENTIFIER, ["PolicyName", "RoleName"]);
    /// # }
    /// ```
    const PRIMARY_IDENTIFIER: &'static [&'static str];
    /// The names of the type's properties: all the schema has, and those it requires.
    const PROPERTY_NAMES: PropertyNames;
    /// Whether the type holds data that replacing or deleting it loses (a bucket, a table, a
    /// key), as `@aws-cdk/aws-service-spec` marks it; [`crate::resources::is_stateful`] asks by
    /// type name.
    ///
    /// ```
    /// use kumo_core::typed::ResourceType;
    /// # #[cfg(all(feature = "s3", feature = "sns"))] {
    /// use kumo_core::resources::{s3, sns};
    ///
    /// assert!(s3::Bucket::STATEFUL);
    /// assert!(!sns::Topic::STATEFUL);
    /// # }
    /// ```
    const STATEFUL: bool = false;

    /// The untyped resource being built.
    fn resource(&self) -> &Resource;

    /// The CloudFormation type name of this resource: [`ResourceType::TYPE_NAME`], except for a
    /// type named at run time ([`crate::custom::CustomResource`]'s `Custom::Name`).
    fn type_name(&self) -> &str {
        self.resource().type_name()
    }

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

    /// Sets the `Metadata` attribute: JSON, or [`crate::cfn_init::Init`] (cfn-init's
    /// configuration).
    fn metadata(mut self, metadata: impl Into<Json>) -> Self {
        take(self.resource_mut(), |r| r.metadata(metadata.into()));
        self
    }

    /// Sets the `CreationPolicy` attribute: a [`crate::policy::CreationPolicy`], or JSON.
    fn creation_policy(mut self, policy: impl Into<Json>) -> Self {
        take(self.resource_mut(), |r| r.creation_policy(policy.into()));
        self
    }

    /// Sets the `UpdatePolicy` attribute: a [`crate::policy::UpdatePolicy`], or JSON.
    fn update_policy(mut self, policy: impl Into<Json>) -> Self {
        take(self.resource_mut(), |r| r.update_policy(policy.into()));
        self
    }

    /// Sets a property by its CloudFormation name: the escape hatch for a property the schema
    /// does not know yet, which kumo's checks then take as it is.
    fn raw_property(mut self, name: &str, value: impl Into<Json>) -> Self {
        self.resource_mut()
            .set_unchecked_property(name, value.into());
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
/// attribute the type lacks does not compile; each type's page lists its attributes with their
/// descriptions (see [`crate::resources`]).
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
