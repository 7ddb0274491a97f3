//! Reading templates: JSON text, or a template already parsed into JSON, into the model.
//!
//! Reading is lossless: every section and every key is kept (unknown ones too), and the only
//! changes are those of [`Template::canonical_json`], so that reading then writing a template
//! gives one CloudFormation reads the same way, and two templates that mean the same read equal.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeOwned, Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Map;

use super::canonical::canonical;
use super::{Resource, Section, Template, FUNCTION_PREFIX};
use crate::error::TemplateError;
use crate::value::Json;

impl Template {
    /// Reads a template from JSON, such as one kumo applied earlier or one written by hand.
    ///
    /// Every section is read, `Rules` and `Hooks` included; keys the model has no field for are
    /// kept (see [`Template::other_keys`]), and so are the `Fn::ForEach` loops and `Fn::Transform`
    /// includes among a section's entries (see [`Template::functions`]). A key written twice in
    /// one object is an error, not a silent choice of one. The template is read in its
    /// [canonical form](Template::canonical_json), so that equal means equal to CloudFormation.
    ///
    /// ```
    /// use kumo_core::Template;
    ///
    /// let template = Template::from_json(
    ///     r#"{"Parameters": {"Name": {"Type": "String", "MinLength": "1"}},
    ///         "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "DependsOn": "Key"}}}"#,
    /// )?;
    /// assert_eq!(template.parameters()["Name"].length_bounds(), (Some(1), None));
    /// assert!(template.resources()["Topic"].dependencies().contains("Key"));
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Template, TemplateError> {
        let json = serde_json::from_str::<UniqueKeys>(text).map_err(TemplateError::Parse)?;
        // An integer written beyond 64 bits is read rounded, as a float: refused, as YAML
        // refuses it, rather than changed. Only a template holding such a float is scanned.
        if let Some((line, column)) = super::numbers::rounded_integer(&json.0, text) {
            return Err(TemplateError::LargeInteger { line, column });
        }
        Template::from_value(json.0)
    }

    /// Reads a template already parsed into JSON, as [`Template::from_json`] reads its text.
    pub fn from_value(json: Json) -> Result<Template, TemplateError> {
        let mut top = object(canonical(json)).map_err(|source| TemplateError::Invalid {
            path: "the top level".to_owned(),
            source,
        })?;
        let mut template = Template::new();
        if let Some(version) = field(&mut top, "AWSTemplateFormatVersion")? {
            template.format_version = version;
        }
        template.description = field(&mut top, "Description")?;
        template.metadata = field(&mut top, "Metadata")?.unwrap_or_default();
        template.parameters = template.read_section(&mut top, Section::Parameters)?;
        template.rules = template.read_section(&mut top, Section::Rules)?;
        template.mappings = template.read_section(&mut top, Section::Mappings)?;
        template.conditions = template.read_section(&mut top, Section::Conditions)?;
        template.transform = field(&mut top, "Transform")?.unwrap_or_default();
        template.resources =
            template.read_section_with(&mut top, Section::Resources, Resource::from_value)?;
        template.outputs = template.read_section(&mut top, Section::Outputs)?;
        template.hooks = field(&mut top, "Hooks")?.unwrap_or_default();
        template.other = top.into_iter().collect();
        Ok(template)
    }

    /// The canonical form of a template's JSON: the spelling reading keeps when CloudFormation
    /// reads several alike. Two templates are semantically equal when their canonical forms
    /// are; reading then writing a template gives its canonical form. The rules:
    ///
    /// - A missing `AWSTemplateFormatVersion` is `"2010-09-09"`, a missing `Resources` is `{}`,
    ///   and an empty `Metadata`, `Parameters`, `Rules`, `Mappings`, `Conditions`, `Transform`,
    ///   `Outputs` or `Hooks` is left out.
    /// - In a parameter, `Default` and the `AllowedValues` given as numbers or booleans are their
    ///   text; `MinLength`, `MaxLength`, `MinValue` and `MaxValue` given as numeric strings are
    ///   numbers; `NoEcho` given as `"true"` or `"false"` is a boolean, and a false one is left
    ///   out.
    /// - In a resource, a `DependsOn` of one name is a list of it, sorted without repeats, and
    ///   empty `Properties` or `DependsOn` are left out.
    /// - In resources and outputs, `{"Fn::GetAtt": "Resource.Attribute"}` is the list
    ///   `["Resource", "Attribute"]`, split at the first dot.
    ///
    /// Everything else is kept as written: a single `Transform` stays single, numbers stay
    /// numbers and strings strings wherever else they appear.
    ///
    /// ```
    /// use kumo_core::Template;
    /// use serde_json::json;
    ///
    /// let written = json!({"Resources": {"A": {"Type": "T", "DependsOn": "B",
    ///     "Properties": {"Arn": {"Fn::GetAtt": "B.Arn"}}}}});
    /// let canonical = json!({"AWSTemplateFormatVersion": "2010-09-09",
    ///     "Resources": {"A": {"Type": "T", "DependsOn": ["B"],
    ///         "Properties": {"Arn": {"Fn::GetAtt": ["B", "Arn"]}}}}});
    /// assert_eq!(Template::canonical_json(written), canonical);
    /// ```
    pub fn canonical_json(json: Json) -> Json {
        canonical(json)
    }

    /// Takes a section out of the template's JSON: its declarations, read as `T`, are returned
    /// and its functions (keys starting with `Fn::`) are kept among [`Template::functions`].
    fn read_section<T: DeserializeOwned>(
        &mut self,
        top: &mut Map<String, Json>,
        section: Section,
    ) -> Result<BTreeMap<String, T>, TemplateError> {
        self.read_section_with(top, section, serde_json::from_value)
    }

    /// [`Template::read_section`], each declaration read by `read`.
    fn read_section_with<T>(
        &mut self,
        top: &mut Map<String, Json>,
        section: Section,
        read: impl Fn(Json) -> Result<T, serde_json::Error>,
    ) -> Result<BTreeMap<String, T>, TemplateError> {
        let name = section.to_string();
        let Some(entries) = top.remove(&name) else {
            return Ok(BTreeMap::new());
        };
        let entries = object(entries).map_err(|source| TemplateError::Invalid {
            path: name.clone(),
            source,
        })?;
        let mut declared = BTreeMap::new();
        for (id, entry) in entries {
            if id.starts_with(FUNCTION_PREFIX) {
                self.functions.entry(section).or_default().insert(id, entry);
            } else {
                let value = read(entry).map_err(|source| TemplateError::Invalid {
                    path: format!("{name}.{id}"),
                    source,
                })?;
                declared.insert(id, value);
            }
        }
        Ok(declared)
    }
}

/// Takes a top-level key out of the template's JSON, read as `T`.
fn field<T: DeserializeOwned>(
    top: &mut Map<String, Json>,
    key: &str,
) -> Result<Option<T>, TemplateError> {
    top.remove(key)
        .map(|value| {
            serde_json::from_value(value).map_err(|source| TemplateError::Invalid {
                path: key.to_owned(),
                source,
            })
        })
        .transpose()
}

/// An object's map, moved out of it (reading it through serde would copy it).
fn object(json: Json) -> Result<Map<String, Json>, serde_json::Error> {
    match json {
        Json::Object(map) => Ok(map),
        other => serde_json::from_value(other),
    }
}

/// A template read through serde is read as [`Template::from_value`] reads it.
impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Template::from_value(Json::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// JSON in which no object has a key twice (serde_json would keep the last one silently).
pub(super) struct UniqueKeys(pub(super) Json);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(UniqueKeysVisitor)
            .map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Json, E> {
        Ok(Json::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Json, E> {
        Ok(Json::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Json, E> {
        Ok(Json::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Json, E> {
        Ok(Json::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Json, E> {
        Ok(Json::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Json, E> {
        Ok(Json::String(value))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(A::Error::custom(format!(
                    "the key `{key}` is written twice"
                )));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Json::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{Assertion, Condition, Output, Parameter, Resource, Rule};

    #[test]
    fn reads_every_section_and_writes_it_back() {
        let text = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": "all of it",
            "Metadata": {"AWS::CloudFormation::Interface": {"ParameterGroups": []}},
            "Parameters": {"Env": {"Type": "String", "Default": "dev", "NoEcho": true}},
            "Rules": {"ProdOnly": {"Assertions": [{"Assert": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}}]}},
            "Mappings": {"Sizes": {"dev": {"Memory": 128}}},
            "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
            "Transform": "AWS::Serverless-2016-10-31",
            "Resources": {
                "Topic": {"Type": "AWS::SNS::Topic", "Condition": "IsProd", "Version": "1"},
                "Fn::ForEach::Queues": ["Name", ["A", "B"], {"Queue${Name}": {"Type": "AWS::SQS::Queue"}}]
            },
            "Outputs": {"Arn": {"Value": {"Ref": "Topic"}, "Export": {"Name": "arn"}}},
            "Hooks": {"CodeDeployBlueGreenHook": {"Type": "AWS::CodeDeploy::BlueGreen"}},
            "Globals": {"Function": {"Timeout": 5}}
        });
        let template = Template::from_value(text.clone()).unwrap();
        assert_eq!(template.description(), Some("all of it"));
        assert!(template.parameters()["Env"].is_no_echo());
        assert_eq!(template.rules()["ProdOnly"].assertions().len(), 1);
        assert_eq!(template.transforms(), [json!("AWS::Serverless-2016-10-31")]);
        assert_eq!(
            template.resources()["Topic"].other_attributes()["Version"],
            json!("1")
        );
        assert!(template.functions(Section::Resources)["Fn::ForEach::Queues"].is_array());
        assert_eq!(
            template.hooks()["CodeDeployBlueGreenHook"]["Type"],
            json!("AWS::CodeDeploy::BlueGreen")
        );
        assert_eq!(
            template.other_keys()["Globals"],
            json!({"Function": {"Timeout": 5}})
        );
        assert_eq!(serde_json::to_value(&template).unwrap(), text);
        assert_eq!(Template::from_json(&template.to_json()).unwrap(), template);
    }

    #[test]
    fn sections_are_written_in_cloudformation_order() {
        let text = r#"{"Hooks": {"H": {}}, "Outputs": {"O": {"Value": 1}}, "Zeta": 1,
            "Resources": {}, "Transform": ["T"], "Conditions": {"C": true}, "Mappings": {"M": {}},
            "Rules": {"R": {"Assertions": []}}, "Parameters": {"P": {"Type": "String"}},
            "Metadata": {"K": 1}, "Description": "d", "AWSTemplateFormatVersion": "2010-09-09"}"#;
        let written = Template::from_json(text).unwrap().to_json_compact();
        let order = [
            "AWSTemplateFormatVersion",
            "Description",
            "Metadata",
            "Parameters",
            "Rules",
            "Mappings",
            "Conditions",
            "Transform",
            "Resources",
            "Outputs",
            "Hooks",
            "Zeta",
        ];
        let positions: Vec<_> = order
            .iter()
            .map(|key| written.find(&format!("\"{key}\":")).unwrap())
            .collect();
        assert!(positions.is_sorted(), "{written}");
    }

    #[test]
    fn functions_are_kept_among_the_entries_of_every_section() {
        let include = json!({"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}});
        let text = json!({
            "Parameters": {"Fn::Transform": include},
            "Mappings": {"Fn::Transform": include},
            "Conditions": {"Fn::ForEach::C": ["X", ["A"], {"Is${X}": {"Fn::Equals": ["A", "A"]}}]},
            "Resources": {"B": {"Type": "T"}, "Fn::Transform": include, "A": {"Type": "T"}},
            "Outputs": {"Fn::ForEach::O": ["X", ["A"], {"${X}": {"Value": "v"}}]}
        });
        let template = Template::from_value(text).unwrap();
        assert!(template.parameters().is_empty());
        assert_eq!(template.resources().len(), 2);
        assert_eq!(
            template.functions(Section::Mappings)["Fn::Transform"],
            include
        );
        assert!(template.functions(Section::Rules).is_empty());
        let written = template.to_json_compact();
        let resources = &written[written.find("\"Resources\"").unwrap()..];
        assert!(
            resources
                .starts_with(r#""Resources":{"A":{"Type":"T"},"B":{"Type":"T"},"Fn::Transform""#),
            "{written}"
        );
        assert_eq!(Template::from_json(&written).unwrap(), template);
    }

    #[test]
    fn reads_the_spellings_cloudformation_reads_alike_as_one() {
        let loose = Template::from_json(
            r#"{"Parameters": {"Count": {"Type": "Number", "Default": 30,
                    "AllowedValues": [7, "30"], "MinValue": "1", "MaxValue": "90", "NoEcho": "true"},
                "Name": {"Type": "String", "MinLength": "1", "MaxLength": "9", "NoEcho": "false"}},
               "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "DependsOn": "Key",
                    "Properties": {}}},
               "Outputs": {"Arn": {"Value": {"Fn::GetAtt": "Topic.TopicArn"}}}}"#,
        )
        .unwrap();
        let mut strict = Template::new();
        strict
            .add_parameter(
                "Count",
                Parameter::number()
                    .default_value("30")
                    .allowed_values(["7", "30"])
                    .min_value(1)
                    .max_value(90)
                    .no_echo(),
            )
            .unwrap();
        strict
            .add_parameter("Name", Parameter::string().min_length(1).max_length(9))
            .unwrap();
        strict
            .add_resource("Topic", Resource::new("AWS::SNS::Topic").depends_on("Key"))
            .unwrap();
        strict
            .add_output(
                "Arn",
                Output::new(crate::intrinsic::get_att("Topic", "TopicArn")),
            )
            .unwrap();
        assert_eq!(loose, strict);
    }

    #[test]
    fn built_rules_and_read_rules_are_equal() {
        let mut built = Template::new();
        built
            .add_rule(
                "Prod",
                Rule::new().assert(Assertion::new(json!({"Fn::Equals": ["a", "a"]}))),
            )
            .unwrap();
        let err = built.add_rule("Prod", Rule::new()).unwrap_err();
        assert_eq!(err.to_string(), "rule `Prod` is already declared");
        assert_eq!(Template::from_json(&built.to_json()).unwrap(), built);
    }

    #[test]
    fn an_integer_beyond_64_bits_is_refused_not_rounded() {
        let big = r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties":
            {"Tags": [{"Key": "id", "Value": 123456789012345678901234567890}]}}}}"#;
        assert_eq!(
            Template::from_json(big).unwrap_err().to_string(),
            "invalid template JSON at line 2 column 46: an integer beyond 64 bits, which kumo would change; write it as a string"
        );
        let negative =
            r#"{"Resources": {"Q": {"Type": "T", "Properties": {"N": -10000000000000000001}}}}"#;
        assert!(Template::from_json(negative).is_err());
        // Read beside another template (`diff`), a resource is read as alone.
        let now = Template::from_json(&negative.replace("-10000000000000000001", "1")).unwrap();
        assert!(Template::from_json_beside(negative, &now.written()).is_err());
        for fits in [
            "18446744073709551615",
            "-9223372036854775808",
            "1.5",
            "1e20",
            "2E+19",
            "18446744073709551616.0",
            "-1.8446744073709552e19",
        ] {
            let text = format!(
                r#"{{"Resources": {{"Q": {{"Type": "T", "Properties": {{"N": {fits}, "S": "123456789012345678901234567890"}}}}}}}}"#
            );
            assert!(Template::from_json(&text).is_ok(), "{fits}");
        }
    }

    #[test]
    fn a_key_written_twice_is_an_error_with_its_place() {
        let err = Template::from_json("{\"Resources\": {\"A\": {\"Type\": \"T\"},\n\"A\": {}}}")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid template JSON: the key `A` is written twice at line 2 column 3"
        );
    }

    #[test]
    fn a_part_of_the_wrong_shape_is_an_error_naming_where() {
        for (text, expected) in [
            (json!([]), "invalid template at the top level: invalid type: sequence, expected a map"),
            (json!({"Resources": []}), "invalid template at Resources: invalid type: sequence, expected a map"),
            (json!({"Resources": {"A": {}}}), "invalid template at Resources.A: missing field `Type`"),
            (json!({"Description": 5}), "invalid template at Description: invalid type: integer `5`, expected a string"),
            (json!({"Parameters": {"P": {"Type": "String", "NoEcho": "yes"}}}),
             "invalid template at Parameters.P: invalid type: string \"yes\", expected a boolean"),
            (json!({"Rules": {"R": {}}}), "invalid template at Rules.R: missing field `Assertions`"),
        ] {
            let err = Template::from_value(text).unwrap_err();
            assert_eq!(err.to_string(), expected);
        }
    }

    #[test]
    fn serde_reads_a_template_as_from_value_does() {
        let template: Template =
            serde_json::from_value(json!({"Resources": {"A": {"Type": "T", "DependsOn": "B"}}}))
                .unwrap();
        assert!(template.resources()["A"].dependencies().contains("B"));
        let err = serde_json::from_value::<Template>(json!({"Resources": 1})).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid template at Resources"),
            "{err}"
        );
        let condition = Condition::from_json(json!({"Fn::Equals": [1, 1]}));
        let mut with_condition = Template::new();
        with_condition.add_condition("C", condition).unwrap();
        assert_eq!(
            serde_json::from_str::<Template>(&with_condition.to_json()).unwrap(),
            with_condition
        );
    }
}
