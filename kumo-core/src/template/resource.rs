//! Resources and their attributes.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};

use crate::value::Json;
#[cfg(doc)]
use crate::value::Value;

/// A resource of a template: its type, properties and resource attributes.
///
/// Typed resources build one for you; this type is also the escape hatch for a type kumo does
/// not know:
///
/// ```
/// use kumo_core::{DeletionPolicy, Resource};
///
/// let bucket = Resource::new("AWS::S3::Bucket")
///     .property("BucketName", "logs")
///     .depends_on("Key")
///     .deletion_policy(DeletionPolicy::Retain);
/// assert_eq!(bucket.type_name(), "AWS::S3::Bucket");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    #[serde(rename = "Type")]
    type_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<String>,
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    depends_on: BTreeSet<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::value::write_sorted"
    )]
    metadata: Option<Json>,
    #[serde(
        skip_serializing_if = "serde_json::Map::is_empty",
        serialize_with = "crate::value::write_sorted"
    )]
    properties: serde_json::Map<String, Json>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::value::write_sorted"
    )]
    creation_policy: Option<Json>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::value::write_sorted"
    )]
    update_policy: Option<Json>,
    /// A [`DeletionPolicy`], or a function that gives one (with the language extensions).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::value::write_sorted"
    )]
    deletion_policy: Option<Json>,
    /// An [`UpdateReplacePolicy`], or a function that gives one.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::value::write_sorted"
    )]
    update_replace_policy: Option<Json>,
    /// Attributes kumo has no field for, such as `Version` of a custom resource.
    #[serde(flatten, serialize_with = "crate::value::write_sorted")]
    other: BTreeMap<String, Json>,
    /// The properties set through the escape hatch for one the schema does not know yet
    /// ([`crate::typed::Attributes::raw_property`]), which kumo's checks take as they are.
    #[serde(skip)]
    unchecked: Unchecked,
}

/// The names of a resource's properties that kumo's checks take as they are: how they were
/// set, not part of the template, so two resources that differ only here are equal.
#[derive(Debug, Clone, Default)]
struct Unchecked(BTreeSet<String>);

impl PartialEq for Unchecked {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A resource is read from its JSON object: each attribute by its name, the others kept as
/// [`Resource::other_attributes`].
impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = serde_json::Map::<String, Json>::deserialize(deserializer)?;
        Resource::from_value(Json::Object(object)).map_err(D::Error::custom)
    }
}

impl Resource {
    /// Reads a resource from its JSON object by taking its attributes out of it, the rest kept
    /// as [`Resource::other_attributes`]; its properties are moved, not copied (as a derived
    /// reader with a flattened map would).
    pub(crate) fn from_value(json: Json) -> Result<Resource, serde_json::Error> {
        let mut object = match json {
            Json::Object(object) => object,
            other => return read(other),
        };
        let type_name = match object.remove("Type") {
            Some(name) => read(name)?,
            None => return Err(serde_json::Error::missing_field("Type")),
        };
        let properties = match take(&mut object, "Properties") {
            None => serde_json::Map::new(),
            Some(Json::Object(properties)) => properties,
            Some(other) => read(other)?,
        };
        Ok(Resource {
            type_name,
            condition: take(&mut object, "Condition").map(read).transpose()?,
            depends_on: take(&mut object, "DependsOn")
                .map(read)
                .transpose()?
                .unwrap_or_default(),
            metadata: take(&mut object, "Metadata"),
            properties,
            creation_policy: take(&mut object, "CreationPolicy"),
            update_policy: take(&mut object, "UpdatePolicy"),
            deletion_policy: take(&mut object, "DeletionPolicy"),
            update_replace_policy: take(&mut object, "UpdateReplacePolicy"),
            other: object.into_iter().collect(),
            unchecked: Unchecked::default(),
        })
    }
}

/// Takes `key` out of a resource's object; null is no value.
fn take(object: &mut serde_json::Map<String, Json>, key: &str) -> Option<Json> {
    object.remove(key).filter(|value| !value.is_null())
}

/// One attribute's JSON read as `T`.
fn read<T: DeserializeOwned>(json: Json) -> Result<T, serde_json::Error> {
    serde_json::from_value(json)
}

impl Resource {
    /// A resource of the given type (`AWS::S3::Bucket`) with no properties.
    pub fn new(type_name: impl Into<String>) -> Self {
        Resource {
            type_name: type_name.into(),
            condition: None,
            depends_on: BTreeSet::new(),
            metadata: None,
            properties: serde_json::Map::new(),
            creation_policy: None,
            update_policy: None,
            deletion_policy: None,
            update_replace_policy: None,
            other: BTreeMap::new(),
            unchecked: Unchecked::default(),
        }
    }

    /// Sets a property to a value: a [`Value`] of any type, or JSON.
    pub fn property(mut self, name: &str, value: impl Into<Json>) -> Self {
        self.set_property(name, value.into());
        self
    }

    /// Sets a property to JSON, replacing any earlier value.
    pub fn set_property(&mut self, name: &str, value: Json) {
        self.properties.insert(name.to_owned(), value);
    }

    /// Sets a property that kumo's checks take as it is, though the type's schema does not
    /// have it: one newer than the vendored schemas.
    pub(crate) fn set_unchecked_property(&mut self, name: &str, value: Json) {
        self.unchecked.0.insert(name.to_owned());
        self.set_property(name, value);
    }

    /// Whether the property `name` was set to be taken as it is
    /// ([`crate::typed::Attributes::raw_property`]).
    pub(crate) fn is_unchecked(&self, name: &str) -> bool {
        self.unchecked.0.contains(name)
    }

    /// Creates this resource only when the named condition is true.
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.condition = Some(condition.into());
        self
    }

    /// Creates this resource after the named resource.
    pub fn depends_on(mut self, logical_id: impl Into<String>) -> Self {
        self.depends_on.insert(logical_id.into());
        self
    }

    /// Sets the `Metadata` attribute.
    pub fn metadata(mut self, metadata: Json) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// Sets the `CreationPolicy` attribute.
    pub fn creation_policy(mut self, policy: Json) -> Self {
        self.creation_policy = Some(policy);
        self
    }

    /// Sets the `UpdatePolicy` attribute.
    pub fn update_policy(mut self, policy: Json) -> Self {
        self.update_policy = Some(policy);
        self
    }

    /// Sets what happens to the physical resource when the stack deletes it.
    pub fn deletion_policy(mut self, policy: DeletionPolicy) -> Self {
        self.deletion_policy = Some(Json::from(policy.as_str()));
        self
    }

    /// Sets what happens to the old physical resource when an update replaces it.
    pub fn update_replace_policy(mut self, policy: UpdateReplacePolicy) -> Self {
        self.update_replace_policy = Some(Json::from(policy.as_str()));
        self
    }

    /// The resource type, such as `AWS::S3::Bucket`.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The properties, by name.
    pub fn properties(&self) -> &serde_json::Map<String, Json> {
        &self.properties
    }

    /// The properties, by name, for changes such as adding tags.
    pub fn properties_mut(&mut self) -> &mut serde_json::Map<String, Json> {
        &mut self.properties
    }

    /// The condition that gates this resource.
    pub fn condition_name(&self) -> Option<&str> {
        self.condition.as_deref()
    }

    /// The resources this one explicitly depends on.
    pub fn dependencies(&self) -> &BTreeSet<String> {
        &self.depends_on
    }

    /// The `DeletionPolicy` attribute, when it is one of the policies (not a function that
    /// gives one, which [`Resource::json_attributes`] has).
    pub fn deletion(&self) -> Option<DeletionPolicy> {
        self.deletion_policy
            .as_ref()
            .and_then(|policy| DeletionPolicy::deserialize(policy).ok())
    }

    /// The `UpdateReplacePolicy` attribute, when it is one of the policies (not a function that
    /// gives one, which [`Resource::json_attributes`] has).
    pub fn update_replace(&self) -> Option<UpdateReplacePolicy> {
        self.update_replace_policy
            .as_ref()
            .and_then(|policy| UpdateReplacePolicy::deserialize(policy).ok())
    }

    /// The attributes that hold JSON or may be a function (`Metadata`, `CreationPolicy`,
    /// `UpdatePolicy`, `DeletionPolicy`, `UpdateReplacePolicy`), by name.
    pub fn json_attributes(&self) -> impl Iterator<Item = (&'static str, &Json)> {
        [
            ("Metadata", &self.metadata),
            ("CreationPolicy", &self.creation_policy),
            ("UpdatePolicy", &self.update_policy),
            ("DeletionPolicy", &self.deletion_policy),
            ("UpdateReplacePolicy", &self.update_replace_policy),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| (name, v)))
    }

    /// Attributes kumo has no field for (such as `Version` of a custom resource), kept as read.
    pub fn other_attributes(&self) -> &BTreeMap<String, Json> {
        &self.other
    }
}

/// What CloudFormation does with a physical resource when the stack deletes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeletionPolicy {
    /// Delete the resource (the default for most types).
    Delete,
    /// Keep the resource.
    Retain,
    /// Keep the resource, except when the stack's creation rolls back.
    RetainExceptOnCreate,
    /// Take a snapshot, then delete (types that support snapshots).
    Snapshot,
}

impl DeletionPolicy {
    /// The policy's name in a template.
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionPolicy::Delete => "Delete",
            DeletionPolicy::Retain => "Retain",
            DeletionPolicy::RetainExceptOnCreate => "RetainExceptOnCreate",
            DeletionPolicy::Snapshot => "Snapshot",
        }
    }
}

/// What CloudFormation does with the old physical resource when an update replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UpdateReplacePolicy {
    /// Delete the old resource (the default).
    Delete,
    /// Keep the old resource.
    Retain,
    /// Take a snapshot of the old resource, then delete it.
    Snapshot,
}

impl UpdateReplacePolicy {
    /// The policy's name in a template.
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateReplacePolicy::Delete => "Delete",
            UpdateReplacePolicy::Retain => "Retain",
            UpdateReplacePolicy::Snapshot => "Snapshot",
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn serializes_attributes_in_template_order() {
        let resource = Resource::new("AWS::SQS::Queue")
            .property("DelaySeconds", 5)
            .property("QueueName", "jobs")
            .condition("IsProd")
            .depends_on("Topic")
            .depends_on("Key")
            .metadata(json!({"Owner": "mes"}))
            .creation_policy(json!({"ResourceSignal": {"Count": 1}}))
            .update_policy(json!({"AutoScalingReplacingUpdate": {"WillReplace": true}}))
            .deletion_policy(DeletionPolicy::RetainExceptOnCreate)
            .update_replace_policy(UpdateReplacePolicy::Snapshot);
        let text = serde_json::to_string(&resource).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"Type":"AWS::SQS::Queue","Condition":"IsProd","DependsOn":["Key","Topic"],"#,
                r#""Metadata":{"Owner":"mes"},"Properties":{"DelaySeconds":5,"QueueName":"jobs"},"#,
                r#""CreationPolicy":{"ResourceSignal":{"Count":1}},"#,
                r#""UpdatePolicy":{"AutoScalingReplacingUpdate":{"WillReplace":true}},"#,
                r#""DeletionPolicy":"RetainExceptOnCreate","UpdateReplacePolicy":"Snapshot"}"#
            )
        );
    }

    #[test]
    fn a_bare_resource_has_only_its_type() {
        let text = serde_json::to_string(&Resource::new("AWS::SNS::Topic")).unwrap();
        assert_eq!(text, r#"{"Type":"AWS::SNS::Topic"}"#);
    }

    #[test]
    fn keeps_policies_given_as_functions_and_unknown_attributes() {
        let text = json!({
            "Type": "Custom::Thing",
            "DependsOn": ["A", "B"],
            "Properties": {"ServiceToken": "arn"},
            "DeletionPolicy": {"Fn::If": ["IsProd", "Retain", "Delete"]},
            "UpdateReplacePolicy": "Retain",
            "Version": "1.0"
        });
        let resource: Resource = serde_json::from_value(text.clone()).unwrap();
        assert_eq!(resource.deletion(), None);
        assert_eq!(resource.update_replace(), Some(UpdateReplacePolicy::Retain));
        assert_eq!(resource.other_attributes()["Version"], json!("1.0"));
        let attributes: Vec<_> = resource.json_attributes().map(|(name, _)| name).collect();
        assert_eq!(attributes, ["DeletionPolicy", "UpdateReplacePolicy"]);
        assert_eq!(serde_json::to_value(&resource).unwrap(), text);
    }

    #[test]
    fn every_policy_reads_back_by_name() {
        for policy in [
            DeletionPolicy::Delete,
            DeletionPolicy::Retain,
            DeletionPolicy::RetainExceptOnCreate,
            DeletionPolicy::Snapshot,
        ] {
            let resource = Resource::new("T").deletion_policy(policy);
            assert_eq!(resource.deletion(), Some(policy));
        }
        for policy in [
            UpdateReplacePolicy::Delete,
            UpdateReplacePolicy::Retain,
            UpdateReplacePolicy::Snapshot,
        ] {
            let resource = Resource::new("T").update_replace_policy(policy);
            assert_eq!(resource.update_replace(), Some(policy));
        }
    }
}
