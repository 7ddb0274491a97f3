//! Conditions: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` and references to other conditions.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::value::{Json, Value};

/// A condition, as declared in a template's `Conditions` section and named by `Fn::If` and a
/// resource's or output's `Condition`.
///
/// ```
/// use kumo_core::{intrinsic::reference, Condition};
///
/// let is_prod = Condition::equals(reference::<String>("Environment"), "prod");
/// let in_us_east_1 = Condition::equals(kumo_core::pseudo::region(), "us-east-1");
/// let both = Condition::and([is_prod, in_us_east_1]);
/// assert_eq!(
///     both.to_json(),
///     serde_json::json!({"Fn::And": [
///         {"Fn::Equals": [{"Ref": "Environment"}, "prod"]},
///         {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
///     ]})
/// );
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Condition(#[serde(serialize_with = "crate::value::write_sorted")] Json);

impl Condition {
    /// `Fn::Equals`: true when both values are equal.
    pub fn equals<T>(left: impl Into<Value<T>>, right: impl Into<Value<T>>) -> Self {
        Condition(json!({"Fn::Equals": [left.into().into_json(), right.into().into_json()]}))
    }

    /// `Fn::And`: true when every condition is true. CloudFormation takes 2 to 10 of them;
    /// [`crate::Template::validate`] checks the count.
    pub fn and(conditions: impl IntoIterator<Item = Condition>) -> Self {
        Condition(json!({"Fn::And": Self::list(conditions)}))
    }

    /// `Fn::Or`: true when any condition is true. CloudFormation takes 2 to 10 of them.
    pub fn or(conditions: impl IntoIterator<Item = Condition>) -> Self {
        Condition(json!({"Fn::Or": Self::list(conditions)}))
    }

    /// `Fn::Not`: true when the condition is false.
    #[allow(clippy::should_implement_trait)]
    pub fn not(condition: Condition) -> Self {
        Condition(json!({"Fn::Not": [condition.0]}))
    }

    /// `{"Condition": name}`: another condition of the same template.
    pub fn named(name: &str) -> Self {
        Condition(json!({ "Condition": name }))
    }

    /// Wraps a condition expression given as JSON.
    pub fn from_json(json: Json) -> Self {
        Condition(json)
    }

    /// The CloudFormation JSON of this condition.
    pub fn to_json(&self) -> Json {
        self.0.clone()
    }

    /// The CloudFormation JSON of this condition, borrowed.
    pub fn as_json(&self) -> &Json {
        &self.0
    }

    fn list(conditions: impl IntoIterator<Item = Condition>) -> Json {
        Json::Array(conditions.into_iter().map(|c| c.0).collect())
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Condition({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intrinsic::reference;

    #[test]
    fn equals_form() {
        assert_eq!(
            Condition::equals(reference::<String>("EnvironmentType"), "prod").to_json(),
            json!({"Fn::Equals": [{"Ref": "EnvironmentType"}, "prod"]})
        );
    }

    #[test]
    fn and_or_not_forms() {
        let a = Condition::named("IsProduction");
        let b = Condition::equals(reference::<String>("Tier"), "web");
        assert_eq!(
            Condition::and([a.clone(), b.clone()]).to_json(),
            json!({"Fn::And": [{"Condition": "IsProduction"}, {"Fn::Equals": [{"Ref": "Tier"}, "web"]}]})
        );
        assert_eq!(
            Condition::or([a.clone(), b]).to_json(),
            json!({"Fn::Or": [{"Condition": "IsProduction"}, {"Fn::Equals": [{"Ref": "Tier"}, "web"]}]})
        );
        assert_eq!(
            Condition::not(a).to_json(),
            json!({"Fn::Not": [{"Condition": "IsProduction"}]})
        );
    }
}
