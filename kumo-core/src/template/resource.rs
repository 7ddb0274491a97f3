//! Resources and their attributes.

use std::collections::BTreeSet;

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    #[serde(rename = "Type")]
    type_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<String>,
    #[serde(
        skip_serializing_if = "BTreeSet::is_empty",
        default,
        deserialize_with = "one_or_many"
    )]
    depends_on: BTreeSet<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Json>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty", default)]
    properties: serde_json::Map<String, Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    creation_policy: Option<Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update_policy: Option<Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deletion_policy: Option<DeletionPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update_replace_policy: Option<UpdateReplacePolicy>,
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeSet<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(BTreeSet<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(one) => BTreeSet::from([one]),
        OneOrMany::Many(many) => many,
    })
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
        self.deletion_policy = Some(policy);
        self
    }

    /// Sets what happens to the old physical resource when an update replaces it.
    pub fn update_replace_policy(mut self, policy: UpdateReplacePolicy) -> Self {
        self.update_replace_policy = Some(policy);
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

    /// The `DeletionPolicy` attribute.
    pub fn deletion(&self) -> Option<DeletionPolicy> {
        self.deletion_policy
    }

    /// The `UpdateReplacePolicy` attribute.
    pub fn update_replace(&self) -> Option<UpdateReplacePolicy> {
        self.update_replace_policy
    }

    /// The attributes that hold JSON (`Metadata`, `CreationPolicy`, `UpdatePolicy`), by name.
    pub fn json_attributes(&self) -> impl Iterator<Item = (&'static str, &Json)> {
        [
            ("Metadata", &self.metadata),
            ("CreationPolicy", &self.creation_policy),
            ("UpdatePolicy", &self.update_policy),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| (name, v)))
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
    fn reads_depends_on_as_a_string_or_a_list() {
        let one: Resource = serde_json::from_value(json!({"Type": "T", "DependsOn": "A"})).unwrap();
        let many: Resource =
            serde_json::from_value(json!({"Type": "T", "DependsOn": ["B", "A"]})).unwrap();
        assert_eq!(one.dependencies().iter().collect::<Vec<_>>(), ["A"]);
        assert_eq!(many.dependencies().iter().collect::<Vec<_>>(), ["A", "B"]);
    }
}
