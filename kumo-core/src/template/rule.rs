//! Template rules: checks of parameter values that CloudFormation runs before it creates or
//! updates the stack.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::value::Json;

/// A rule of the `Rules` section: when its condition holds (or always, without one), every
/// assertion must hold, or CloudFormation refuses the parameter values.
///
/// ```
/// use kumo_core::{Assertion, Rule};
/// use serde_json::json;
///
/// let rule = Rule::new()
///     .condition(json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]}))
///     .assert(
///         Assertion::new(json!({"Fn::Contains": [["m5.large"], {"Ref": "Size"}]}))
///             .description("Production runs on m5.large."),
///     );
/// assert_eq!(rule.assertions().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::value::write_sorted"
    )]
    rule_condition: Option<Json>,
    assertions: Vec<Assertion>,
    #[serde(flatten, serialize_with = "crate::value::write_sorted")]
    other: BTreeMap<String, Json>,
}

/// An assertion of a [`Rule`]: a rule function (`Fn::Contains`, `Fn::EachMemberIn`, ...) that must
/// be true, and the message shown when it is not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Assertion {
    #[serde(serialize_with = "crate::value::write_sorted")]
    assert: Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    assert_description: Option<String>,
    #[serde(flatten, serialize_with = "crate::value::write_sorted")]
    other: BTreeMap<String, Json>,
}

impl Rule {
    /// A rule without condition or assertions.
    pub fn new() -> Self {
        Rule::default()
    }

    /// Checks the assertions only when this rule function is true: a
    /// [`crate::rules::RuleFunction`], or JSON.
    pub fn condition(mut self, condition: impl Into<Json>) -> Self {
        self.rule_condition = Some(condition.into());
        self
    }

    /// Adds an assertion.
    pub fn assert(mut self, assertion: Assertion) -> Self {
        self.assertions.push(assertion);
        self
    }

    /// The `RuleCondition`, if any.
    pub fn rule_condition(&self) -> Option<&Json> {
        self.rule_condition.as_ref()
    }

    /// The assertions, in order.
    pub fn assertions(&self) -> &[Assertion] {
        &self.assertions
    }

    /// Keys of the rule kumo has no field for, kept as read.
    pub fn other_keys(&self) -> &BTreeMap<String, Json> {
        &self.other
    }
}

impl Assertion {
    /// An assertion of a rule function: a [`crate::rules::RuleFunction`], or JSON.
    pub fn new(assert: impl Into<Json>) -> Self {
        Assertion {
            assert: assert.into(),
            assert_description: None,
            other: BTreeMap::new(),
        }
    }

    /// Sets the message shown when the assertion fails.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.assert_description = Some(description.into());
        self
    }

    /// The rule function that must be true.
    pub fn assert_json(&self) -> &Json {
        &self.assert
    }

    /// The message shown when the assertion fails.
    pub fn description_text(&self) -> Option<&str> {
        self.assert_description.as_deref()
    }

    /// Keys of the assertion kumo has no field for, kept as read.
    pub fn other_keys(&self) -> &BTreeMap<String, Json> {
        &self.other
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_and_writes_every_key() {
        let text = json!({
            "RuleCondition": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "Assertions": [
                {"Assert": {"Fn::Contains": [["a"], {"Ref": "Size"}]}, "AssertDescription": "a only"},
                {"Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Size"}, ""]}]}, "Note": 1}
            ],
            "Comment": "kept"
        });
        let rule: Rule = serde_json::from_value(text.clone()).unwrap();
        assert_eq!(rule.assertions()[0].description_text(), Some("a only"));
        assert_eq!(rule.assertions()[1].other_keys()["Note"], json!(1));
        assert_eq!(rule.other_keys()["Comment"], json!("kept"));
        assert_eq!(serde_json::to_value(&rule).unwrap(), text);
    }

    #[test]
    fn built_rules_write_their_keys_in_template_order() {
        let rule = Rule::new()
            .condition(json!({"Fn::Equals": ["a", "a"]}))
            .assert(Assertion::new(json!({"Fn::Equals": ["b", "b"]})).description("b is b"));
        assert_eq!(
            serde_json::to_string(&rule).unwrap(),
            concat!(
                r#"{"RuleCondition":{"Fn::Equals":["a","a"]},"#,
                r#""Assertions":[{"Assert":{"Fn::Equals":["b","b"]},"AssertDescription":"b is b"}]}"#
            )
        );
        assert_eq!(
            rule.rule_condition(),
            Some(&json!({"Fn::Equals": ["a", "a"]}))
        );
        assert_eq!(
            rule.assertions()[0].assert_json(),
            &json!({"Fn::Equals": ["b", "b"]})
        );
    }

    #[test]
    fn a_rule_needs_assertions() {
        let err = serde_json::from_value::<Rule>(json!({"RuleCondition": true})).unwrap_err();
        assert!(
            err.to_string().contains("missing field `Assertions`"),
            "{err}"
        );
    }
}
