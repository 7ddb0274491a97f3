//! The handle of a template mapping, for typed `Fn::FindInMap` lookups.

use crate::Value;

/// A mapping added to a [`Scope`](super::Scope): looks values up with `Fn::FindInMap`.
///
/// `stack!`'s `mapping region_map = { ... };` binds `region_map` to one.
///
/// ```
/// use kumo_core::{pseudo, Environment, Mapping, Scope, Value};
///
/// let mut scope = Scope::new("web", &Environment::new("dev"));
/// let images = scope.mapping(
///     "region_images",
///     Mapping::from([(
///         "eu-west-1".to_owned(),
///         [("Ami".to_owned(), "ami-1".into()), ("Zones".to_owned(), vec!["a", "b"].into())].into(),
///     )]),
/// );
/// let ami: Value<String> = images.find(pseudo::region(), "Ami");
/// assert_eq!(
///     ami.into_json(),
///     serde_json::json!({"Fn::FindInMap": ["RegionImages", {"Ref": "AWS::Region"}, "Ami"]})
/// );
/// let zones: Value<Vec<String>> = images.find_as("eu-west-1", "Zones");
/// assert_eq!(
///     zones.into_json(),
///     serde_json::json!({"Fn::FindInMap": ["RegionImages", "eu-west-1", "Zones"]})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRef {
    logical_id: String,
}

impl MappingRef {
    pub(super) fn new(logical_id: String) -> Self {
        MappingRef { logical_id }
    }

    /// The mapping's logical ID.
    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// The string value under `top_level_key` and `second_level_key`.
    pub fn find(
        &self,
        top_level_key: impl Into<Value<String>>,
        second_level_key: impl Into<Value<String>>,
    ) -> Value<String> {
        self.find_as(top_level_key, second_level_key)
    }

    /// The value under `top_level_key` and `second_level_key`, of the type the caller names:
    /// `Vec<String>` for a list, `i64` for a number.
    pub fn find_as<T>(
        &self,
        top_level_key: impl Into<Value<String>>,
        second_level_key: impl Into<Value<String>>,
    ) -> Value<T> {
        crate::intrinsic::find_in_map(&self.logical_id, top_level_key, second_level_key)
    }
}
