//! Resource type names: the shapes CloudFormation accepts in a resource's `Type`, so that a
//! mistyped one (`AWS::S3:Bucket`, `Custom::ami lookup`) is refused before a deploy rather than
//! by it; and their properties, by the schemas of the services the crate enables: a property
//! the type does not have (`VisibilityTimout`), or one it requires missing.

use crate::template::{Template, LANGUAGE_EXTENSIONS, TRANSFORM_FUNCTION};
use crate::typed::PropertyNames;
use crate::Json;

use super::suggest::nearest;
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

impl Template {
    /// Checks each resource's properties against its type's schema, for the types of the
    /// services the crate enables, unless a macro may rewrite them; a resource whose properties
    /// are an intrinsic (`Fn::If`) or include a snippet (`Fn::Transform`) is left alone too.
    pub(super) fn check_properties(&self, errors: &mut Vec<ValidationError>) {
        if self.resources().is_empty() || self.transforms().iter().any(is_macro) {
            return;
        }
        // The names of each type met so far: a template holds few types, many times each.
        let mut known: Vec<(&str, Option<PropertyNames>)> = Vec::new();
        for (id, resource) in self.resources() {
            let type_name = resource.type_name();
            let names = match known.iter().find(|(name, _)| *name == type_name) {
                Some((_, names)) => *names,
                None => {
                    let names = crate::resources::property_names(type_name);
                    known.push((type_name, names));
                    names
                }
            };
            let Some(names) = names else {
                continue;
            };
            // A snippet included in the resource's place may give it any property.
            if resource.other_attributes().contains_key(TRANSFORM_FUNCTION) {
                continue;
            }
            let mut properties = resource.properties();
            let none = serde_json::Map::new();
            match properties.get("Ref").and_then(Json::as_str) {
                // `Properties: !Ref AWS::NoValue`: none at all.
                Some(crate::pseudo::NO_VALUE) if properties.len() == 1 => properties = &none,
                Some(_) => continue,
                None if properties.keys().any(|key| key.starts_with("Fn::")) => continue,
                None => {}
            }
            let error = |property: &str| ValidationError::UnknownProperty {
                id: id.clone(),
                type_name: resource.type_name().to_owned(),
                property: property.to_owned(),
                suggestion: nearest(property, names.all),
            };
            // In the order of their names, whatever order the map keeps (serde_json's
            // `preserve_order` keeps the template's).
            let mut unknown: Vec<&String> = properties
                .keys()
                .filter(|key| !names.allows(key) && !resource.is_unchecked(key))
                .collect();
            unknown.sort_unstable();
            errors.extend(unknown.into_iter().map(|key| error(key)));
            errors.extend(
                names
                    .required
                    .iter()
                    .filter(|name| !properties.contains_key(**name))
                    .map(|name| ValidationError::MissingProperty {
                        id: id.clone(),
                        type_name: resource.type_name().to_owned(),
                        property: name,
                    }),
            );
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

    fn property_messages(resources: &str) -> Vec<String> {
        let template = Template::from_json(&format!(r#"{{"Resources": {{{resources}}}}}"#));
        let mut errors = Vec::new();
        template.unwrap().check_properties(&mut errors);
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_property_the_type_does_not_have_is_refused_with_the_nearest_it_has() {
        assert_eq!(
            property_messages(
                r#""Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimout": 30,
                    "delaySeconds": 5, "Colour": "red", "QueueUrl": "read-only, but the type's"}}"#
            ),
            [
                "Resources.Jobs.Properties.Colour: AWS::SQS::Queue has no property Colour",
                "Resources.Jobs.Properties.VisibilityTimout: AWS::SQS::Queue has no property VisibilityTimout; did you mean VisibilityTimeout?",
                "Resources.Jobs.Properties.delaySeconds: AWS::SQS::Queue has no property delaySeconds; did you mean DelaySeconds?",
            ]
        );
    }

    #[test]
    fn every_enabled_type_has_its_property_names_sorted() {
        for type_name in crate::resources::enabled_types() {
            let names = crate::resources::property_names(type_name)
                .unwrap_or_else(|| panic!("{type_name} has none"));
            assert!(names.all.windows(2).all(|w| w[0] < w[1]), "{type_name}");
            assert!(
                names.required.iter().all(|name| names.allows(name)),
                "{type_name}"
            );
        }
        assert_eq!(crate::resources::property_names("AWS::SQS::Queues"), None);
        assert_eq!(crate::resources::property_names("Queue"), None);
    }

    #[test]
    fn a_property_the_type_requires_is_missing() {
        assert_eq!(
            property_messages(
                r#""Access": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": []}}"#
            ),
            ["Resources.Access.Properties: AWS::SQS::QueuePolicy requires PolicyDocument"]
        );
        for none in ["", r#", "Properties": {"Ref": "AWS::NoValue"}"#] {
            let resources = format!(r#""Access": {{"Type": "AWS::SQS::QueuePolicy"{none}}}"#);
            assert_eq!(property_messages(&resources).len(), 2, "{resources}");
        }
    }

    #[test]
    fn a_property_set_through_the_escape_hatch_is_taken_as_it_is() {
        use crate::resources::sqs;
        use crate::typed::{Attributes, ResourceType};

        let queue = sqs::Queue::new()
            .raw_property("NewerThanTheSchemas", true)
            .into_resource()
            .property("Colour", "red");
        let mut template = Template::new();
        template.add_resource("Jobs", queue).unwrap();
        let mut errors = Vec::new();
        template.check_properties(&mut errors);
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            ["Resources.Jobs.Properties.Colour: AWS::SQS::Queue has no property Colour"]
        );
    }

    #[test]
    fn open_types_snippets_and_types_not_enabled_pass() {
        for resources in [
            r#""Ami": {"Type": "AWS::CloudFormation::CustomResource", "Properties": {"ServiceToken": "arn", "Region": "x"}}"#,
            r#""Ami": {"Type": "Custom::AmiLookup", "Properties": {"Anything": 1}}"#,
            r#""Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"Fn::Transform": {"Name": "AWS::Include"}}}"#,
            r#""Access": {"Type": "AWS::SQS::QueuePolicy", "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}"#,
            r#""Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"Fn::If": ["Big", {"DelaySeconds": 1}, {"Ref": "AWS::NoValue"}]}}"#,
            r#""Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"Ref": "AWS::NoValue"}}"#,
            r#""Access": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Ref": "Settings"}}"#,
            r#""Fn": {"Type": "AWS::Serverless::Function", "Properties": {"InlineCode": "x"}}"#,
            r#""Broker": {"Type": "AWS::AmazonMQ::Broker", "Properties": {"Colour": "red"}}"#,
            r#""Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}}"#,
        ] {
            assert_eq!(
                property_messages(resources),
                Vec::<String>::new(),
                "{resources}"
            );
        }
        let mut errors = Vec::new();
        Template::from_json(
            r#"{"Transform": "Boto3", "Resources": {"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"Colour": 1}}}}"#,
        )
        .unwrap()
        .check_properties(&mut errors);
        assert!(errors.is_empty(), "a macro may rewrite it: {errors:?}");
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
