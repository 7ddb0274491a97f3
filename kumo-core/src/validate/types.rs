//! Resource type names: the shapes CloudFormation accepts in a resource's `Type`, so that a
//! mistyped one (`AWS::S3:Bucket`, `Custom::ami lookup`) is refused before a deploy rather than
//! by it.

use crate::template::{Template, LANGUAGE_EXTENSIONS};
use crate::Json;

use super::ValidationError;

/// The transforms AWS runs that define no resource types of their own (SAM's are
/// `AWS::Serverless::*`); any other is a macro, which may define its own (`Boto3::S3.put`).
const TYPELESS_TRANSFORMS: &[&str] = &[
    LANGUAGE_EXTENSIONS,
    "AWS::Serverless-2016-10-31",
    "AWS::Include",
];

/// The longest name after `Custom::`.
const MAX_CUSTOM_NAME: usize = 60;

/// The shortest and longest part of a registry type name (`AWS`, `S3`, `Bucket`).
const PART_LENGTH: std::ops::RangeInclusive<usize> = 2..=64;

impl Template {
    /// Checks each resource's type name, unless a macro may define types of its own.
    pub(super) fn check_types(&self, errors: &mut Vec<ValidationError>) {
        if self.transforms().iter().any(is_macro) {
            return;
        }
        for (id, resource) in self.resources() {
            if let Some(reason) = type_name_fault(resource.type_name()) {
                errors.push(ValidationError::InvalidResourceType {
                    id: id.clone(),
                    type_name: resource.type_name().to_owned(),
                    reason,
                });
            }
        }
    }
}

/// Whether `transform` (a name, or `AWS::Include` with its parameters) is a macro.
fn is_macro(transform: &Json) -> bool {
    let name = transform
        .as_str()
        .or_else(|| transform.get("Name").and_then(Json::as_str));
    !name.is_some_and(|name| TYPELESS_TRANSFORMS.contains(&name))
}

/// Why CloudFormation refuses `name` as a resource type, if it does: a custom resource's is
/// `Custom::` and a name of letters, digits, `_`, `@` and `-`; any other is three parts of
/// letters and digits (`AWS::S3::Bucket`, a third party's `Org::Service::Thing`), a module's
/// followed by `::MODULE`.
fn type_name_fault(name: &str) -> Option<&'static str> {
    if let Some(custom) = name.strip_prefix("Custom::") {
        let fits = (1..=MAX_CUSTOM_NAME).contains(&custom.len())
            && custom
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_@-".contains(&b));
        return (!fits).then_some(
            "a custom resource's is `Custom::` and 1 to 60 letters, digits, `_`, `@` or `-`",
        );
    }
    let Some(names) = registry_names(name) else {
        return Some(
            "it is three names joined by `::` (`AWS::S3::Bucket`), a module's followed by `::MODULE`",
        );
    };
    let fits = names.iter().all(|part| {
        PART_LENGTH.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    (!fits).then_some("each of its names is 2 to 64 letters or digits")
}

/// The three names of a registry type name (`AWS`, `S3`, `Bucket`), a module's `::MODULE` left
/// out, if `name` is three or four names joined by `::`; a lone `:` makes it none. The names
/// themselves are not checked here.
fn registry_names(name: &str) -> Option<[&str; 3]> {
    let bytes = name.as_bytes();
    let mut names = [""; 4];
    let mut count = 0;
    let (mut start, mut at) = (0, 0);
    while at < bytes.len() {
        if bytes[at] != b':' {
            at += 1;
            continue;
        }
        if bytes.get(at + 1) != Some(&b':') {
            return None;
        }
        *names.get_mut(count)? = &name[start..at];
        count += 1;
        at += 2;
        start = at;
    }
    *names.get_mut(count)? = &name[start..];
    match (count + 1, names) {
        (3, [org, service, thing, _]) | (4, [org, service, thing, "MODULE"]) => {
            Some([org, service, thing])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_names_cloudformation_takes_pass() {
        for name in [
            "AWS::S3::Bucket",
            "AWS::CloudFormation::CustomResource",
            "Alexa::ASK::Skill",
            "MyOrg::Network::Vpc::MODULE",
            "Custom::AmiLookup",
            "Custom::ami_lookup@v2-b",
        ] {
            assert_eq!(type_name_fault(name), None, "{name}");
        }
        let longest = format!("Custom::{}", "a".repeat(MAX_CUSTOM_NAME));
        assert_eq!(type_name_fault(&longest), None);
    }

    #[test]
    fn the_ones_it_refuses_fail_with_the_rule() {
        for (name, says) in [
            ("AWS::S3:Bucket", "three names"),
            ("AWS::S3::Bucket::Policy", "three names"),
            ("AWS::S3::Bucket::", "three names"),
            ("AWS:::S3::Bucket", "three names"),
            ("AWS::S3::Bucket:", "three names"),
            ("A::B::C::MODULE::MODULE", "three names"),
            ("", "three names"),
            ("AWS::S 3::Bucket", "letters or digits"),
            ("AWS::S::Bucket", "2 to 64"),
            ("AWS::Ünï::Bucket", "letters or digits"),
            ("Custom::", "1 to 60"),
            ("Custom::x\"y", "`Custom::`"),
            ("Custom::a\nb", "`Custom::`"),
        ] {
            let reason = type_name_fault(name).unwrap_or_else(|| panic!("{name:?} passed"));
            assert!(reason.contains(says), "{name:?}: {reason}");
        }
        let longer = format!("Custom::{}", "a".repeat(MAX_CUSTOM_NAME + 1));
        assert!(type_name_fault(&longer).is_some());
    }

    #[test]
    fn a_macro_may_define_its_own_types() {
        let template = |transform: &str| {
            Template::from_json(&format!(
                r#"{{"Transform": {transform}, "Resources": {{"Put": {{"Type": "Boto3::CodeCommit.put_file"}}}}}}"#
            ))
            .unwrap()
        };
        let mut errors = Vec::new();
        template(r#""Boto3""#).check_types(&mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        for typeless in [
            r#""AWS::Serverless-2016-10-31""#,
            r#"["AWS::LanguageExtensions"]"#,
            r#"{"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}"#,
        ] {
            template(typeless).check_types(&mut errors);
            assert_eq!(errors.len(), 1, "{typeless}: {errors:?}");
            errors.clear();
        }
    }
}
