//! Intrinsic functions, each typed by the value it yields.
//!
//! The JSON forms follow the CloudFormation intrinsic function reference. Condition functions
//! (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`) build a [`crate::Condition`]; the pseudo
//! parameters are in [`crate::pseudo`].
//!
//! ```
//! use kumo_core::intrinsic::{get_att, join, reference, sub};
//! use kumo_core::Value;
//!
//! let arn: Value<String> = get_att("Ingest", "Arn");
//! let objects: Value<String> = join("", [arn, "/*".into()]);
//! let url: Value<String> = sub("https://${Ingest.DomainName}/index.html");
//! let queue: Value<String> = reference("Jobs");
//! # let _ = (objects, url, queue);
//! ```

use serde_json::json;

use crate::value::{IntoValue, Json, Value};

fn call<T>(function: &str, args: Json) -> Value<T> {
    let mut map = serde_json::Map::new();
    map.insert(function.to_owned(), args);
    Value::from_json_unchecked(Json::Object(map))
}

/// `Ref`: the value of a parameter, the reference value of a resource, or a pseudo parameter.
///
/// The caller names the type the reference yields; typed handles pick it for you.
pub fn reference<T>(logical_id: &str) -> Value<T> {
    call("Ref", Json::from(logical_id))
}

/// `Fn::GetAtt`: an attribute of a resource.
///
/// The caller names the attribute's type; the typed resource handles expose each attribute of
/// their type as a method, so a misspelt attribute does not compile there.
pub fn get_att<T>(logical_id: &str, attribute: &str) -> Value<T> {
    call("Fn::GetAtt", json!([logical_id, attribute]))
}

/// `Fn::Sub` without a variable map: `${Name}`, `${Resource.Attribute}` and `${AWS::Region}` are
/// substituted, `${!Literal}` stays literal.
pub fn sub(template: &str) -> Value<String> {
    call("Fn::Sub", Json::from(template))
}

/// `Fn::Sub` with a variable map: each `${Key}` is replaced by its value.
///
/// ```
/// use kumo_core::intrinsic::{reference, sub_with};
/// let url = sub_with("https://${Host}/", [("Host", reference("Domain"))]);
/// assert_eq!(
///     url.into_json(),
///     serde_json::json!({"Fn::Sub": ["https://${Host}/", {"Host": {"Ref": "Domain"}}]})
/// );
/// ```
pub fn sub_with<K, V, I>(template: &str, variables: I) -> Value<String>
where
    K: Into<String>,
    V: IntoValue<String>,
    I: IntoIterator<Item = (K, V)>,
{
    let variables: serde_json::Map<String, Json> = variables
        .into_iter()
        .map(|(key, value)| (key.into(), value.into_value().into_json()))
        .collect();
    call("Fn::Sub", json!([template, variables]))
}

/// `Fn::Join`: the strings of a list joined by a delimiter.
pub fn join(delimiter: &str, values: impl IntoValue<Vec<String>>) -> Value<String> {
    call(
        "Fn::Join",
        json!([delimiter, values.into_value().into_json()]),
    )
}

/// `Fn::Select`: the item at a zero-based index of a list.
pub fn select<T>(index: impl IntoValue<i64>, values: impl IntoValue<Vec<T>>) -> Value<T> {
    call(
        "Fn::Select",
        json!([
            index.into_value().into_json(),
            values.into_value().into_json()
        ]),
    )
}

/// `Fn::Split`: a string split at each occurrence of a delimiter.
pub fn split(delimiter: &str, source: impl IntoValue<String>) -> Value<Vec<String>> {
    call(
        "Fn::Split",
        json!([delimiter, source.into_value().into_json()]),
    )
}

/// `Fn::If`: one of two values, by a condition declared in the template's `Conditions`.
///
/// Use [`crate::pseudo::no_value`] as either branch to leave a property out.
pub fn if_<T>(
    condition: &str,
    if_true: impl IntoValue<T>,
    if_false: impl IntoValue<T>,
) -> Value<T> {
    call(
        "Fn::If",
        json!([
            condition,
            if_true.into_value().into_json(),
            if_false.into_value().into_json()
        ]),
    )
}

/// `Fn::ImportValue`: a value exported by another stack of this account and region.
pub fn import_value(export_name: impl IntoValue<String>) -> Value<String> {
    call("Fn::ImportValue", export_name.into_value().into_json())
}

/// `Fn::FindInMap`: a value of a template mapping, by top-level and second-level key.
pub fn find_in_map<T>(
    mapping: &str,
    top_level_key: impl IntoValue<String>,
    second_level_key: impl IntoValue<String>,
) -> Value<T> {
    call(
        "Fn::FindInMap",
        Json::Array(find_in_map_keys(mapping, top_level_key, second_level_key)),
    )
}

/// The arguments of `Fn::FindInMap` before any default value: the mapping and its two keys.
fn find_in_map_keys(
    mapping: &str,
    top_level_key: impl IntoValue<String>,
    second_level_key: impl IntoValue<String>,
) -> Vec<Json> {
    vec![
        json!(mapping),
        top_level_key.into_value().into_json(),
        second_level_key.into_value().into_json(),
    ]
}

/// `Fn::Base64`: a string encoded as Base64, typically EC2 user data.
pub fn base64(value: impl IntoValue<String>) -> Value<String> {
    call("Fn::Base64", value.into_value().into_json())
}

/// `Fn::GetAZs`: the availability zones of a region; `""` means the stack's region.
pub fn get_azs(region: impl IntoValue<String>) -> Value<Vec<String>> {
    call("Fn::GetAZs", region.into_value().into_json())
}

/// `Fn::Cidr`: `count` CIDR blocks of `cidr_bits` host bits carved out of `ip_block`.
pub fn cidr(
    ip_block: impl IntoValue<String>,
    count: impl IntoValue<i64>,
    cidr_bits: impl IntoValue<i64>,
) -> Value<Vec<String>> {
    call(
        "Fn::Cidr",
        json!([
            ip_block.into_value().into_json(),
            count.into_value().into_json(),
            cidr_bits.into_value().into_json()
        ]),
    )
}

/// `Fn::Length`: the number of items of a list.
///
/// Needs the `AWS::LanguageExtensions` transform; [`crate::Template::validate`] reports a template
/// that uses it without the transform.
pub fn length<T>(values: impl IntoValue<Vec<T>>) -> Value<i64> {
    call("Fn::Length", values.into_value().into_json())
}

/// `Fn::ToJsonString`: an object or array rendered as a JSON string.
///
/// Needs the `AWS::LanguageExtensions` transform, like [`length`].
pub fn to_json_string(value: impl IntoValue<Json>) -> Value<String> {
    call("Fn::ToJsonString", value.into_value().into_json())
}

/// `Fn::FindInMap` with `DefaultValue`: the value of a template mapping, or `default` when a
/// key is missing.
///
/// Needs the `AWS::LanguageExtensions` transform, like [`length`].
pub fn find_in_map_or<T>(
    mapping: &str,
    top_level_key: impl IntoValue<String>,
    second_level_key: impl IntoValue<String>,
    default: impl IntoValue<T>,
) -> Value<T> {
    let mut arguments = find_in_map_keys(mapping, top_level_key, second_level_key);
    arguments.push(json!({"DefaultValue": default.into_value().into_json()}));
    call("Fn::FindInMap", Json::Array(arguments))
}

/// `Fn::ForEach::<loop_name>`: `fragment` repeated for each item of `collection`, with
/// `${identifier}` (or `&{identifier}`, its alphanumeric form) replaced by the item in its keys
/// and values.
///
/// A loop is an entry of a template section ([`crate::Template::add_for_each`], which adds the
/// `AWS::LanguageExtensions` transform it needs) or of a property's object
/// ([`ForEach::into_entry`]).
///
/// ```
/// use kumo_core::intrinsic::{for_each, reference};
/// use kumo_core::{Resource, Section, Template, LANGUAGE_EXTENSIONS};
///
/// let topics = for_each(
///     "Topics",
///     "Name",
///     reference::<Vec<String>>("TopicNames"),
///     serde_json::json!({"Topic${Name}": Resource::new("AWS::SNS::Topic")}),
/// );
/// let mut template = Template::new();
/// template.add_for_each(Section::Resources, topics)?;
/// assert_eq!(
///     template.functions(Section::Resources)["Fn::ForEach::Topics"],
///     serde_json::json!(["Name", {"Ref": "TopicNames"}, {"Topic${Name}": {"Type": "AWS::SNS::Topic"}}])
/// );
/// assert_eq!(template.transforms(), [serde_json::json!(LANGUAGE_EXTENSIONS)]);
/// # Ok::<(), kumo_core::TemplateError>(())
/// ```
pub fn for_each(
    loop_name: &str,
    identifier: &str,
    collection: impl IntoValue<Vec<String>>,
    fragment: impl Into<Json>,
) -> ForEach {
    ForEach {
        key: format!("{}{loop_name}", crate::for_each::PREFIX),
        value: json!([
            identifier,
            collection.into_value().into_json(),
            fragment.into()
        ]),
    }
}

/// A `Fn::ForEach` loop, built by [`for_each`]: its key (`Fn::ForEach::<loop_name>`) and its
/// value (identifier, collection, fragment).
#[derive(Debug, Clone, PartialEq)]
pub struct ForEach {
    key: String,
    value: Json,
}

impl ForEach {
    /// The key the loop is written under, `Fn::ForEach::<loop_name>`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The key and the value, for an object that holds the loop among its entries.
    pub fn into_entry(self) -> (String, Json) {
        (self.key, self.value)
    }
}

#[cfg(test)]
mod tests {
    //! Each function's JSON form, checked against the shapes in the CloudFormation intrinsic
    //! function reference.

    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::pseudo;

    #[test]
    fn ref_form() {
        assert_eq!(
            reference::<String>("MyBucket").into_json(),
            json!({"Ref": "MyBucket"})
        );
    }

    #[test]
    fn get_att_form() {
        assert_eq!(
            get_att::<String>("MyQueue", "Arn").into_json(),
            json!({"Fn::GetAtt": ["MyQueue", "Arn"]})
        );
        assert_eq!(
            get_att::<String>("Db", "Endpoint.Address").into_json(),
            json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]})
        );
    }

    #[test]
    fn sub_forms() {
        assert_eq!(
            sub("arn:${AWS::Partition}:s3:::${Bucket}/*").into_json(),
            json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"})
        );
        let with_map = sub_with(
            "www.${Domain}",
            BTreeMap::from([("Domain", reference::<String>("RootDomainName"))]),
        );
        assert_eq!(
            with_map.into_json(),
            json!({"Fn::Sub": ["www.${Domain}", {"Domain": {"Ref": "RootDomainName"}}]})
        );
    }

    #[test]
    fn join_form() {
        assert_eq!(
            join(":", ["a", "b", "c"]).into_json(),
            json!({"Fn::Join": [":", ["a", "b", "c"]]})
        );
        assert_eq!(
            join(",", get_azs("")).into_json(),
            json!({"Fn::Join": [",", {"Fn::GetAZs": ""}]})
        );
    }

    #[test]
    fn select_form() {
        assert_eq!(
            select(1, ["apples", "grapes", "oranges"]).into_json(),
            json!({"Fn::Select": [1, ["apples", "grapes", "oranges"]]})
        );
        assert_eq!(
            select(0, get_azs("")).into_json(),
            json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
        );
    }

    #[test]
    fn split_form() {
        assert_eq!(
            split("|", "a|b|c").into_json(),
            json!({"Fn::Split": ["|", "a|b|c"]})
        );
        assert_eq!(
            split(",", import_value("AccountSubnetIDs")).into_json(),
            json!({"Fn::Split": [",", {"Fn::ImportValue": "AccountSubnetIDs"}]})
        );
    }

    #[test]
    fn if_form() {
        let value: Value<String> = if_("CreateProdResources", "c1.xlarge", "m1.small");
        assert_eq!(
            value.into_json(),
            json!({"Fn::If": ["CreateProdResources", "c1.xlarge", "m1.small"]})
        );
        let omitted: Value<String> = if_("HasName", reference("Name"), pseudo::no_value());
        assert_eq!(
            omitted.into_json(),
            json!({"Fn::If": ["HasName", {"Ref": "Name"}, {"Ref": "AWS::NoValue"}]})
        );
    }

    #[test]
    fn import_value_form() {
        assert_eq!(
            import_value(sub("${NetworkStackName}-SubnetID")).into_json(),
            json!({"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-SubnetID"}})
        );
    }

    #[test]
    fn find_in_map_form() {
        let image: Value<String> = find_in_map("RegionMap", pseudo::region(), "HVM64");
        assert_eq!(
            image.into_json(),
            json!({"Fn::FindInMap": ["RegionMap", {"Ref": "AWS::Region"}, "HVM64"]})
        );
    }

    #[test]
    fn base64_form() {
        assert_eq!(
            base64("#!/bin/bash\n").into_json(),
            json!({"Fn::Base64": "#!/bin/bash\n"})
        );
    }

    #[test]
    fn get_azs_form() {
        assert_eq!(get_azs("").into_json(), json!({"Fn::GetAZs": ""}));
        assert_eq!(
            get_azs(pseudo::region()).into_json(),
            json!({"Fn::GetAZs": {"Ref": "AWS::Region"}})
        );
    }

    #[test]
    fn cidr_form() {
        assert_eq!(
            cidr("192.168.0.0/24", 6, 5).into_json(),
            json!({"Fn::Cidr": ["192.168.0.0/24", 6, 5]})
        );
    }

    #[test]
    fn find_in_map_with_default_form() {
        let size: Value<String> =
            find_in_map_or("Sizes", reference::<String>("Env"), "Instance", "t3.micro");
        assert_eq!(
            size.into_json(),
            json!({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Instance", {"DefaultValue": "t3.micro"}]})
        );
    }

    #[test]
    fn for_each_form() {
        let tags = for_each(
            "Tags",
            "Key",
            ["team", "owner"],
            json!({"Tag${Key}": {"Ref": "${Key}"}}),
        );
        assert_eq!(tags.key(), "Fn::ForEach::Tags");
        assert_eq!(
            tags.into_entry(),
            (
                "Fn::ForEach::Tags".to_owned(),
                json!(["Key", ["team", "owner"], {"Tag${Key}": {"Ref": "${Key}"}}])
            )
        );
    }

    #[test]
    fn a_template_takes_each_loop_once() {
        use crate::{Resource, Section, Template, TemplateError, LANGUAGE_EXTENSIONS};
        let topics = for_each(
            "Topics",
            "Name",
            ["A", "B"],
            json!({"Topic${Name}": Resource::new("AWS::SNS::Topic")}),
        );
        let mut template = Template::new();
        template
            .add_for_each(Section::Resources, topics.clone())
            .unwrap();
        template
            .add_for_each(Section::Outputs, topics.clone())
            .unwrap();
        let again = template.add_for_each(Section::Resources, topics);
        assert!(
            matches!(again, Err(TemplateError::Duplicate { section: Section::Resources, ref id }) if id == "Fn::ForEach::Topics"),
            "{again:?}"
        );
        assert_eq!(template.transforms(), [json!(LANGUAGE_EXTENSIONS)]);
        template.validate().unwrap();
    }

    #[test]
    fn length_form() {
        assert_eq!(
            length(["a", "b"]).into_json(),
            json!({"Fn::Length": ["a", "b"]})
        );
        assert_eq!(
            length(reference::<Vec<String>>("Subnets")).into_json(),
            json!({"Fn::Length": {"Ref": "Subnets"}})
        );
    }

    #[test]
    fn to_json_string_form() {
        assert_eq!(
            to_json_string(json!({"key": "value"})).into_json(),
            json!({"Fn::ToJsonString": {"key": "value"}})
        );
        assert_eq!(
            to_json_string(reference::<Vec<String>>("Subnets").to_json()).into_json(),
            json!({"Fn::ToJsonString": {"Ref": "Subnets"}})
        );
    }
}
