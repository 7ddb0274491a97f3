//! A template's keys as CloudFormation knows them: its sections, each resource's attributes and
//! the policies they name, so that `Parameter:` or `Propertes:` is refused before a deploy
//! (CloudFormation refuses the whole template for it) rather than kept as a key kumo has no
//! field for.

use crate::template::{Template, LANGUAGE_EXTENSIONS, TRANSFORM_FUNCTION};
use crate::Json;

use super::suggest::nearest;
use super::ValidationError;

/// The sections of a template.
const SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Conditions",
    "Description",
    "Hooks",
    "Mappings",
    "Metadata",
    "Outputs",
    "Parameters",
    "Resources",
    "Rules",
    "Transform",
];

/// The attributes of a resource.
const ATTRIBUTES: &[&str] = &[
    "Condition",
    "CreationPolicy",
    "DeletionPolicy",
    "DependsOn",
    "Metadata",
    "Properties",
    "Type",
    "UpdatePolicy",
    "UpdateReplacePolicy",
];

/// The attribute a custom resource may have besides.
const CUSTOM_VERSION: &str = "Version";

/// What `DeletionPolicy` may name.
const DELETION_POLICIES: &[&str] = &["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"];

/// What `UpdateReplacePolicy` may name.
const UPDATE_REPLACE_POLICIES: &[&str] = &["Delete", "Retain", "Snapshot"];

impl Template {
    /// Checks the template's sections and each resource's attributes and policies, unless a
    /// transform other than the language extensions reads keys of its own (SAM's `Globals`
    /// and `Connectors`, a macro's anything).
    pub(super) fn check_sections(&self, errors: &mut Vec<ValidationError>) {
        if self
            .transforms()
            .iter()
            .any(|transform| *transform != LANGUAGE_EXTENSIONS)
        {
            return;
        }
        for key in self.other_keys().keys() {
            errors.push(ValidationError::UnknownSection {
                key: key.clone(),
                suggestion: nearest(key, SECTIONS),
            });
        }
        for (id, resource) in self.resources() {
            let type_name = resource.type_name();
            let custom = crate::custom::is_custom(type_name);
            for attribute in resource.other_attributes().keys() {
                // A snippet included in the resource's place (`AWS::Include`, a macro).
                if attribute == TRANSFORM_FUNCTION || (custom && attribute == CUSTOM_VERSION) {
                    continue;
                }
                errors.push(ValidationError::UnknownAttribute {
                    id: id.clone(),
                    attribute: attribute.clone(),
                    suggestion: nearest(attribute, ATTRIBUTES),
                });
            }
            for (attribute, value) in resource.json_attributes() {
                let allowed = match attribute {
                    "DeletionPolicy" => DELETION_POLICIES,
                    "UpdateReplacePolicy" => UPDATE_REPLACE_POLICIES,
                    _ => continue,
                };
                // A function that gives one (the language extensions) is CloudFormation's to read.
                let Json::String(policy) = value else {
                    continue;
                };
                if !allowed.contains(&policy.as_str()) {
                    errors.push(ValidationError::InvalidPolicy {
                        id: id.clone(),
                        attribute,
                        policy: policy.clone(),
                        allowed,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(template: &str) -> Vec<String> {
        let mut errors = Vec::new();
        Template::from_json(template)
            .unwrap()
            .check_sections(&mut errors);
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_misspelled_section_attribute_or_policy_is_refused_with_what_was_meant() {
        assert_eq!(
            messages(
                r#"{"Parameter": {}, "Output": {}, "Extra": 1, "Resources": {"Jobs": {
                    "Type": "AWS::SQS::Queue", "Propertes": {}, "DependOn": "Topic",
                    "DeletionPolicy": "retain", "UpdateReplacePolicy": "RetainExceptOnCreate"}}}"#
            ),
            [
                "Extra: not a section of a template",
                "Output: not a section of a template; did you mean Outputs?",
                "Parameter: not a section of a template; did you mean Parameters?",
                "Resources.Jobs.DependOn: not a resource attribute; did you mean DependsOn?",
                "Resources.Jobs.Propertes: not a resource attribute; did you mean Properties?",
                "Resources.Jobs.DeletionPolicy: \"retain\" is not a policy (Delete, Retain, RetainExceptOnCreate or Snapshot)",
                "Resources.Jobs.UpdateReplacePolicy: \"RetainExceptOnCreate\" is not a policy (Delete, Retain or Snapshot)",
            ]
        );
    }

    #[test]
    fn what_cloudformation_takes_passes() {
        for template in [
            r#"{"AWSTemplateFormatVersion": "2010-09-09", "Description": "d", "Metadata": {},
                "Parameters": {}, "Rules": {}, "Mappings": {}, "Conditions": {}, "Outputs": {},
                "Hooks": {}, "Resources": {"Jobs": {"Type": "AWS::SQS::Queue",
                "DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Snapshot"}}}"#,
            r#"{"Resources": {"Ami": {"Type": "Custom::Ami", "Version": "1.0"}}}"#,
            r#"{"Resources": {"Jobs": {"Type": "AWS::SQS::Queue",
                "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}}}"#,
            r#"{"Transform": "AWS::LanguageExtensions", "Parameters": {"Keep": {"Type": "String"}},
                "Resources": {"Jobs": {"Type": "AWS::SQS::Queue",
                "DeletionPolicy": {"Ref": "Keep"}}}}"#,
            r#"{"Transform": "AWS::Serverless-2016-10-31", "Globals": {},
                "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Connectors": {}}}}"#,
        ] {
            assert_eq!(messages(template), Vec::<String>::new(), "{template}");
        }
        assert_eq!(
            messages(r#"{"Resources": {"Jobs": {"Type": "AWS::SQS::Queue", "Version": "1.0"}}}"#),
            ["Resources.Jobs.Version: not a resource attribute"],
            "only a custom resource has a version"
        );
    }
}
