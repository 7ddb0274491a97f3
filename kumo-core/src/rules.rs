//! Rule functions: the typed conditions and assertions of a template's `Rules` section
//! ([`crate::Rule`]), and the parameter functions only rules may call (`Fn::RefAll`,
//! `Fn::ValueOf`, `Fn::ValueOfAll`).
//!
//! ```
//! use kumo_core::intrinsic::reference;
//! use kumo_core::rules::{contains, each_member_in, equals, value_of, value_of_all};
//! use kumo_core::{Assertion, Rule};
//!
//! let rule = Rule::new()
//!     .condition(equals(reference::<String>("Environment"), "prod"))
//!     .assert(
//!         Assertion::new(contains(["m5.large", "m5.xlarge"], reference::<String>("InstanceType")))
//!             .description("Production runs on m5 instances."),
//!     )
//!     .assert(Assertion::new(each_member_in(
//!         value_of_all("AWS::EC2::Subnet::Id", "VpcId"),
//!         [value_of::<String>("VpcId", "VpcId")],
//!     )));
//! assert_eq!(
//!     rule.assertions()[1].assert_json(),
//!     &serde_json::json!({"Fn::EachMemberIn": [
//!         {"Fn::ValueOfAll": ["AWS::EC2::Subnet::Id", "VpcId"]},
//!         [{"Fn::ValueOf": ["VpcId", "VpcId"]}]
//!     ]})
//! );
//! ```

use std::fmt;

use serde_json::json;

use crate::value::{IntoValue, Json, Value};

/// A rule function that is true or false: a rule's `RuleCondition` or an assertion's `Assert`.
#[derive(Clone, PartialEq)]
pub struct RuleFunction(Json);

impl RuleFunction {
    /// The CloudFormation JSON of this function.
    pub fn as_json(&self) -> &Json {
        &self.0
    }
}

impl From<RuleFunction> for Json {
    fn from(function: RuleFunction) -> Self {
        function.0
    }
}

impl fmt::Debug for RuleFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RuleFunction({})", self.0)
    }
}

fn list(functions: impl IntoIterator<Item = RuleFunction>) -> Json {
    Json::Array(functions.into_iter().map(Json::from).collect())
}

/// `Fn::And`: true when every function is true (2 to 10 of them).
pub fn and(functions: impl IntoIterator<Item = RuleFunction>) -> RuleFunction {
    RuleFunction(json!({ "Fn::And": list(functions) }))
}

/// `Fn::Or`: true when any function is true (2 to 10 of them).
pub fn or(functions: impl IntoIterator<Item = RuleFunction>) -> RuleFunction {
    RuleFunction(json!({ "Fn::Or": list(functions) }))
}

/// `Fn::Not`: true when the function is false.
pub fn not(function: RuleFunction) -> RuleFunction {
    RuleFunction(json!({ "Fn::Not": [function.0] }))
}

/// `Fn::Implies`: true when `condition` is false or `consequence` is true.
pub fn implies(condition: RuleFunction, consequence: RuleFunction) -> RuleFunction {
    RuleFunction(json!({ "Fn::Implies": [condition.0, consequence.0] }))
}

/// `Fn::Equals`: true when both values are equal.
pub fn equals<T>(left: impl IntoValue<T>, right: impl IntoValue<T>) -> RuleFunction {
    RuleFunction(json!({
        "Fn::Equals": [left.into_value().into_json(), right.into_value().into_json()]
    }))
}

/// `Fn::Contains`: true when `value` is one of `list`.
pub fn contains(list: impl IntoValue<Vec<String>>, value: impl IntoValue<String>) -> RuleFunction {
    RuleFunction(json!({
        "Fn::Contains": [list.into_value().into_json(), value.into_value().into_json()]
    }))
}

/// `Fn::EachMemberEquals`: true when every item of `list` is `value`.
pub fn each_member_equals(
    list: impl IntoValue<Vec<String>>,
    value: impl IntoValue<String>,
) -> RuleFunction {
    RuleFunction(json!({
        "Fn::EachMemberEquals": [list.into_value().into_json(), value.into_value().into_json()]
    }))
}

/// `Fn::EachMemberIn`: true when every item of `checked` is one of `allowed`.
pub fn each_member_in(
    checked: impl IntoValue<Vec<String>>,
    allowed: impl IntoValue<Vec<String>>,
) -> RuleFunction {
    RuleFunction(json!({
        "Fn::EachMemberIn": [checked.into_value().into_json(), allowed.into_value().into_json()]
    }))
}

/// `Fn::RefAll`: the values of every parameter of an AWS-specific type
/// (`AWS::EC2::VPC::Id`) in the account and region.
pub fn ref_all(parameter_type: &str) -> Value<Vec<String>> {
    Value::from_json_unchecked(json!({ "Fn::RefAll": parameter_type }))
}

/// `Fn::ValueOf`: an attribute (`VpcId`, `Tags`) of the resource a parameter names; the caller
/// names the attribute's type (a list for a list parameter).
pub fn value_of<T>(parameter: &str, attribute: &str) -> Value<T> {
    Value::from_json_unchecked(json!({ "Fn::ValueOf": [parameter, attribute] }))
}

/// `Fn::ValueOfAll`: an attribute of every parameter of an AWS-specific type.
pub fn value_of_all(parameter_type: &str, attribute: &str) -> Value<Vec<String>> {
    Value::from_json_unchecked(json!({ "Fn::ValueOfAll": [parameter_type, attribute] }))
}

#[cfg(test)]
mod tests {
    //! The forms of the CloudFormation rule functions reference.

    use super::*;
    use crate::intrinsic::reference;
    use crate::{Assertion, Rule};

    #[test]
    fn condition_functions() {
        let prod = equals(reference::<String>("Env"), "prod");
        let test = equals(reference::<String>("Env"), "test");
        assert_eq!(
            Json::from(and([prod.clone(), not(test.clone())])),
            json!({"Fn::And": [
                {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                {"Fn::Not": [{"Fn::Equals": [{"Ref": "Env"}, "test"]}]}
            ]})
        );
        assert_eq!(
            or([prod.clone(), test.clone()]).as_json(),
            &json!({"Fn::Or": [
                {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                {"Fn::Equals": [{"Ref": "Env"}, "test"]}
            ]})
        );
        assert_eq!(
            Json::from(implies(prod, test)),
            json!({"Fn::Implies": [
                {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                {"Fn::Equals": [{"Ref": "Env"}, "test"]}
            ]})
        );
    }

    #[test]
    fn list_functions() {
        assert_eq!(
            Json::from(contains(["a", "b"], reference::<String>("X"))),
            json!({"Fn::Contains": [["a", "b"], {"Ref": "X"}]})
        );
        assert_eq!(
            Json::from(each_member_equals(
                value_of_all("AWS::EC2::Subnet::Id", "VpcId"),
                reference::<String>("VpcId")
            )),
            json!({"Fn::EachMemberEquals": [
                {"Fn::ValueOfAll": ["AWS::EC2::Subnet::Id", "VpcId"]},
                {"Ref": "VpcId"}
            ]})
        );
        assert_eq!(
            Json::from(each_member_in(
                ref_all("AWS::EC2::VPC::Id"),
                reference::<Vec<String>>("Vpcs")
            )),
            json!({"Fn::EachMemberIn": [{"Fn::RefAll": "AWS::EC2::VPC::Id"}, {"Ref": "Vpcs"}]})
        );
    }

    #[test]
    fn a_rule_takes_them() {
        let rule = Rule::new()
            .condition(equals(reference::<String>("Env"), "prod"))
            .assert(Assertion::new(contains(
                ["m5.large"],
                reference::<String>("Size"),
            )));
        assert_eq!(
            serde_json::to_value(&rule).unwrap(),
            json!({
                "RuleCondition": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                "Assertions": [{"Assert": {"Fn::Contains": [["m5.large"], {"Ref": "Size"}]}}]
            })
        );
    }
}
