//! Pseudo parameters: values CloudFormation predefines for every stack.
//!
//! ```
//! use kumo_core::{intrinsic::sub, pseudo};
//! assert_eq!(pseudo::region().into_json(), serde_json::json!({"Ref": "AWS::Region"}));
//! // The same names work inside Fn::Sub.
//! let arn = sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs");
//! # let _ = arn;
//! ```

use crate::intrinsic::reference;
use crate::value::Value;

/// Every pseudo parameter name, as `Ref` and `Fn::Sub` accept them.
pub const NAMES: [&str; 8] = [
    "AWS::AccountId",
    "AWS::NotificationARNs",
    NO_VALUE,
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// The pseudo parameter that stands for no value: a property given it is left out.
pub const NO_VALUE: &str = "AWS::NoValue";

/// Whether `name` is a pseudo parameter.
pub fn is_pseudo(name: &str) -> bool {
    NAMES.contains(&name)
}

/// `AWS::AccountId`: the account that holds the stack.
pub fn account_id() -> Value<String> {
    reference("AWS::AccountId")
}

/// `AWS::NotificationARNs`: the SNS topics that receive the stack's events.
pub fn notification_arns() -> Value<Vec<String>> {
    reference("AWS::NotificationARNs")
}

/// `AWS::NoValue`: removes the property it is assigned to, typically inside `Fn::If`.
pub fn no_value<T>() -> Value<T> {
    reference(NO_VALUE)
}

/// `AWS::Partition`: `aws`, `aws-cn`, `aws-us-gov`, ...
pub fn partition() -> Value<String> {
    reference("AWS::Partition")
}

/// `AWS::Region`: the region the stack is created in.
pub fn region() -> Value<String> {
    reference("AWS::Region")
}

/// `AWS::StackId`: the ARN of the stack.
pub fn stack_id() -> Value<String> {
    reference("AWS::StackId")
}

/// `AWS::StackName`: the name of the stack.
pub fn stack_name() -> Value<String> {
    reference("AWS::StackName")
}

/// `AWS::URLSuffix`: the domain suffix, usually `amazonaws.com`.
pub fn url_suffix() -> Value<String> {
    reference("AWS::URLSuffix")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_pseudo_parameter_is_a_ref_of_its_name() {
        let values = [
            account_id().into_json(),
            notification_arns().into_json(),
            no_value::<String>().into_json(),
            partition().into_json(),
            region().into_json(),
            stack_id().into_json(),
            stack_name().into_json(),
            url_suffix().into_json(),
        ];
        for (value, name) in values.into_iter().zip(NAMES) {
            assert_eq!(value, json!({ "Ref": name }));
        }
    }

    #[test]
    fn recognises_only_pseudo_names() {
        assert!(is_pseudo("AWS::Region"));
        assert!(!is_pseudo("AWS::Bucket"));
        assert!(!is_pseudo("Region"));
    }
}
