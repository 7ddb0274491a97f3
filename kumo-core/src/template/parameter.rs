//! Template parameters and their types.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::TemplateError;

/// A template parameter: a value supplied when the stack is created or updated.
///
/// ```
/// use kumo_core::{Parameter, ParameterType};
///
/// let retention = Parameter::new(ParameterType::Number)
///     .description("Days to keep logs.")
///     .default_value("30")
///     .allowed_values(["7", "30", "90"]);
/// assert_eq!(retention.parameter_type(), &ParameterType::Number);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    #[serde(rename = "Type")]
    parameter_type: ParameterType,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    allowed_values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraint_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_value: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_value: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    no_echo: bool,
    /// Keys kumo has no field for, kept as read.
    #[serde(flatten, serialize_with = "crate::value::write_sorted")]
    other: BTreeMap<String, serde_json::Value>,
}

impl Parameter {
    /// A parameter of the given type with no constraints.
    pub fn new(parameter_type: ParameterType) -> Self {
        Parameter {
            parameter_type,
            description: None,
            default: None,
            allowed_values: Vec::new(),
            allowed_pattern: None,
            constraint_description: None,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
            no_echo: false,
            other: BTreeMap::new(),
        }
    }

    /// A `String` parameter.
    pub fn string() -> Self {
        Parameter::new(ParameterType::String)
    }

    /// A `Number` parameter.
    pub fn number() -> Self {
        Parameter::new(ParameterType::Number)
    }

    /// Sets the description shown in the console.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the value used when none is supplied. Lists are written comma-separated.
    pub fn default_value(mut self, value: impl ToString) -> Self {
        self.default = Some(value.to_string());
        self
    }

    /// Restricts the parameter to these values.
    pub fn allowed_values<I: IntoIterator<Item = S>, S: ToString>(mut self, values: I) -> Self {
        self.allowed_values = values.into_iter().map(|v| v.to_string()).collect();
        self
    }

    /// Restricts a string parameter to a regular expression.
    pub fn allowed_pattern(mut self, pattern: impl Into<String>) -> Self {
        self.allowed_pattern = Some(pattern.into());
        self
    }

    /// Explains a constraint when a supplied value violates it.
    pub fn constraint_description(mut self, text: impl Into<String>) -> Self {
        self.constraint_description = Some(text.into());
        self
    }

    /// Sets the shortest allowed string.
    pub fn min_length(mut self, length: u32) -> Self {
        self.min_length = Some(length);
        self
    }

    /// Sets the longest allowed string.
    pub fn max_length(mut self, length: u32) -> Self {
        self.max_length = Some(length);
        self
    }

    /// Sets the smallest allowed number.
    pub fn min_value(mut self, value: impl Into<serde_json::Number>) -> Self {
        self.min_value = Some(value.into());
        self
    }

    /// Sets the largest allowed number.
    pub fn max_value(mut self, value: impl Into<serde_json::Number>) -> Self {
        self.max_value = Some(value.into());
        self
    }

    /// Masks the value in the console, the API and kumo's own output and state.
    pub fn no_echo(mut self) -> Self {
        self.no_echo = true;
        self
    }

    /// The parameter's type.
    pub fn parameter_type(&self) -> &ParameterType {
        &self.parameter_type
    }

    /// The parameter's description.
    pub fn description_text(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The default value, if any.
    pub fn default(&self) -> Option<&str> {
        self.default.as_deref()
    }

    /// The allowed values; empty when any value is allowed.
    pub fn allowed(&self) -> &[String] {
        &self.allowed_values
    }

    /// The `AllowedPattern` constraint: a regular expression the whole value must match.
    pub fn pattern(&self) -> Option<&str> {
        self.allowed_pattern.as_deref()
    }

    /// The `MinLength` and `MaxLength` constraints.
    pub fn length_bounds(&self) -> (Option<u32>, Option<u32>) {
        (self.min_length, self.max_length)
    }

    /// The `MinValue` and `MaxValue` constraints.
    pub fn value_bounds(&self) -> (Option<&serde_json::Number>, Option<&serde_json::Number>) {
        (self.min_value.as_ref(), self.max_value.as_ref())
    }

    /// Whether the value is masked.
    pub fn is_no_echo(&self) -> bool {
        self.no_echo
    }

    /// Keys of the parameter kumo has no field for, kept as read.
    pub fn other_keys(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.other
    }
}

/// The AWS-specific parameter types, whose values CloudFormation checks against the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AwsType {
    /// `AWS::EC2::AvailabilityZone::Name`
    AvailabilityZoneName,
    /// `AWS::EC2::Image::Id`
    ImageId,
    /// `AWS::EC2::Instance::Id`
    InstanceId,
    /// `AWS::EC2::KeyPair::KeyName`
    KeyPairName,
    /// `AWS::EC2::SecurityGroup::GroupName`
    SecurityGroupName,
    /// `AWS::EC2::SecurityGroup::Id`
    SecurityGroupId,
    /// `AWS::EC2::Subnet::Id`
    SubnetId,
    /// `AWS::EC2::Volume::Id`
    VolumeId,
    /// `AWS::EC2::VPC::Id`
    VpcId,
    /// `AWS::Route53::HostedZone::Id`
    HostedZoneId,
}

impl AwsType {
    /// Every AWS-specific type.
    pub const ALL: [AwsType; 10] = [
        AwsType::AvailabilityZoneName,
        AwsType::ImageId,
        AwsType::InstanceId,
        AwsType::KeyPairName,
        AwsType::SecurityGroupName,
        AwsType::SecurityGroupId,
        AwsType::SubnetId,
        AwsType::VolumeId,
        AwsType::VpcId,
        AwsType::HostedZoneId,
    ];

    /// The type's name in a template.
    pub fn as_str(self) -> &'static str {
        match self {
            AwsType::AvailabilityZoneName => "AWS::EC2::AvailabilityZone::Name",
            AwsType::ImageId => "AWS::EC2::Image::Id",
            AwsType::InstanceId => "AWS::EC2::Instance::Id",
            AwsType::KeyPairName => "AWS::EC2::KeyPair::KeyName",
            AwsType::SecurityGroupName => "AWS::EC2::SecurityGroup::GroupName",
            AwsType::SecurityGroupId => "AWS::EC2::SecurityGroup::Id",
            AwsType::SubnetId => "AWS::EC2::Subnet::Id",
            AwsType::VolumeId => "AWS::EC2::Volume::Id",
            AwsType::VpcId => "AWS::EC2::VPC::Id",
            AwsType::HostedZoneId => "AWS::Route53::HostedZone::Id",
        }
    }

    fn parse(name: &str) -> Option<AwsType> {
        AwsType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// The value types an SSM parameter (`AWS::SSM::Parameter::Value<...>`) may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SsmValueType {
    /// `String`
    String,
    /// `List<String>`
    StringList,
    /// `CommaDelimitedList`
    CommaDelimitedList,
    /// `Number`
    Number,
    /// `List<Number>`
    NumberList,
    /// `AWS::SSM::Parameter::Name`
    ParameterName,
    /// An AWS-specific type, such as `AWS::EC2::Image::Id`.
    Aws(AwsType),
    /// A list of an AWS-specific type, such as `List<AWS::EC2::Subnet::Id>`.
    AwsList(AwsType),
}

/// The type of a template parameter.
///
/// Written and parsed in CloudFormation's spelling:
///
/// ```
/// use kumo_core::{AwsType, ParameterType, SsmValueType};
///
/// let subnets: ParameterType = "List<AWS::EC2::Subnet::Id>".parse().unwrap();
/// assert_eq!(subnets, ParameterType::AwsList(AwsType::SubnetId));
/// let ami = ParameterType::SsmValue(SsmValueType::Aws(AwsType::ImageId));
/// assert_eq!(ami.to_string(), "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParameterType {
    /// `String`
    String,
    /// `Number`
    Number,
    /// `List<Number>`
    NumberList,
    /// `List<String>`
    StringList,
    /// `CommaDelimitedList`
    CommaDelimitedList,
    /// An AWS-specific type such as `AWS::EC2::VPC::Id`.
    Aws(AwsType),
    /// A list of an AWS-specific type such as `List<AWS::EC2::Subnet::Id>`.
    AwsList(AwsType),
    /// `AWS::SSM::Parameter::Name`: the name of a Systems Manager parameter.
    SsmParameterName,
    /// `AWS::SSM::Parameter::Value<...>`: the value of a Systems Manager parameter.
    SsmValue(SsmValueType),
}

impl ParameterType {
    /// Whether the parameter holds a list (its `Ref` yields a list of strings).
    pub fn is_list(self) -> bool {
        matches!(
            self,
            ParameterType::NumberList
                | ParameterType::StringList
                | ParameterType::CommaDelimitedList
                | ParameterType::AwsList(_)
                | ParameterType::SsmValue(
                    SsmValueType::StringList
                        | SsmValueType::NumberList
                        | SsmValueType::CommaDelimitedList
                        | SsmValueType::AwsList(_)
                )
        )
    }
}

impl fmt::Display for ParameterType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParameterType::String => f.write_str("String"),
            ParameterType::Number => f.write_str("Number"),
            ParameterType::NumberList => f.write_str("List<Number>"),
            ParameterType::StringList => f.write_str("List<String>"),
            ParameterType::CommaDelimitedList => f.write_str("CommaDelimitedList"),
            ParameterType::Aws(t) => f.write_str(t.as_str()),
            ParameterType::AwsList(t) => write!(f, "List<{}>", t.as_str()),
            ParameterType::SsmParameterName => f.write_str("AWS::SSM::Parameter::Name"),
            ParameterType::SsmValue(inner) => {
                f.write_str("AWS::SSM::Parameter::Value<")?;
                match inner {
                    SsmValueType::String => f.write_str("String")?,
                    SsmValueType::StringList => f.write_str("List<String>")?,
                    SsmValueType::Number => f.write_str("Number")?,
                    SsmValueType::NumberList => f.write_str("List<Number>")?,
                    SsmValueType::ParameterName => f.write_str("AWS::SSM::Parameter::Name")?,
                    SsmValueType::CommaDelimitedList => f.write_str("CommaDelimitedList")?,
                    SsmValueType::Aws(t) => f.write_str(t.as_str())?,
                    SsmValueType::AwsList(t) => write!(f, "List<{}>", t.as_str())?,
                }
                f.write_str(">")
            }
        }
    }
}

impl FromStr for ParameterType {
    type Err = TemplateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || TemplateError::UnknownParameterType(text.to_owned());
        fn list_of(s: &str) -> Option<&str> {
            s.strip_prefix("List<").and_then(|s| s.strip_suffix('>'))
        }
        Ok(match text {
            "String" => ParameterType::String,
            "Number" => ParameterType::Number,
            "List<Number>" => ParameterType::NumberList,
            "List<String>" => ParameterType::StringList,
            "CommaDelimitedList" => ParameterType::CommaDelimitedList,
            "AWS::SSM::Parameter::Name" => ParameterType::SsmParameterName,
            _ => {
                if let Some(inner) = text
                    .strip_prefix("AWS::SSM::Parameter::Value<")
                    .and_then(|s| s.strip_suffix('>'))
                {
                    ParameterType::SsmValue(match inner {
                        "String" => SsmValueType::String,
                        "List<String>" => SsmValueType::StringList,
                        "Number" => SsmValueType::Number,
                        "List<Number>" => SsmValueType::NumberList,
                        "AWS::SSM::Parameter::Name" => SsmValueType::ParameterName,
                        "CommaDelimitedList" => SsmValueType::CommaDelimitedList,
                        _ => match list_of(inner) {
                            Some(t) => {
                                SsmValueType::AwsList(AwsType::parse(t).ok_or_else(unknown)?)
                            }
                            None => SsmValueType::Aws(AwsType::parse(inner).ok_or_else(unknown)?),
                        },
                    })
                } else if let Some(t) = list_of(text) {
                    ParameterType::AwsList(AwsType::parse(t).ok_or_else(unknown)?)
                } else {
                    ParameterType::Aws(AwsType::parse(text).ok_or_else(unknown)?)
                }
            }
        })
    }
}

impl Serialize for ParameterType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ParameterType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_type_round_trips_through_its_name() {
        let mut names = vec![
            "String".to_owned(),
            "Number".to_owned(),
            "List<Number>".to_owned(),
            "List<String>".to_owned(),
            "CommaDelimitedList".to_owned(),
            "AWS::SSM::Parameter::Name".to_owned(),
            "AWS::SSM::Parameter::Value<String>".to_owned(),
            "AWS::SSM::Parameter::Value<List<String>>".to_owned(),
            "AWS::SSM::Parameter::Value<CommaDelimitedList>".to_owned(),
            "AWS::SSM::Parameter::Value<Number>".to_owned(),
            "AWS::SSM::Parameter::Value<List<Number>>".to_owned(),
            "AWS::SSM::Parameter::Value<AWS::SSM::Parameter::Name>".to_owned(),
        ];
        for aws in AwsType::ALL {
            let name = aws.as_str();
            names.push(name.to_owned());
            names.push(format!("List<{name}>"));
            names.push(format!("AWS::SSM::Parameter::Value<{name}>"));
            names.push(format!("AWS::SSM::Parameter::Value<List<{name}>>"));
        }
        for name in names {
            let parsed: ParameterType = name.parse().unwrap();
            assert_eq!(parsed.to_string(), name);
        }
    }

    #[test]
    fn unknown_types_are_rejected_by_name() {
        for bad in [
            "Strin",
            "List<Strings>",
            "AWS::SSM::Parameter::Value<Nope>",
            "List<>",
        ] {
            let err = bad.parse::<ParameterType>().unwrap_err();
            assert_eq!(err.to_string(), format!("unknown parameter type `{bad}`"));
        }
    }

    #[test]
    fn list_types_are_lists() {
        assert!(ParameterType::CommaDelimitedList.is_list());
        assert!(ParameterType::StringList.is_list());
        assert!(ParameterType::SsmValue(SsmValueType::NumberList).is_list());
        assert!(!ParameterType::SsmValue(SsmValueType::Number).is_list());
        assert!(ParameterType::AwsList(AwsType::SubnetId).is_list());
        assert!(!ParameterType::Aws(AwsType::SubnetId).is_list());
        assert!(!ParameterType::SsmValue(SsmValueType::String).is_list());
    }

    #[test]
    fn serializes_every_attribute() {
        let parameter = Parameter::new(ParameterType::String)
            .description("Name of the bucket.")
            .default_value("logs")
            .allowed_values(["logs", "data"])
            .allowed_pattern("[a-z]+")
            .constraint_description("lowercase letters")
            .min_length(3)
            .max_length(63)
            .no_echo();
        assert_eq!(
            serde_json::to_value(&parameter).unwrap(),
            json!({
                "Type": "String",
                "Description": "Name of the bucket.",
                "Default": "logs",
                "AllowedValues": ["logs", "data"],
                "AllowedPattern": "[a-z]+",
                "ConstraintDescription": "lowercase letters",
                "MinLength": 3,
                "MaxLength": 63,
                "NoEcho": true
            })
        );
        let number = Parameter::number().min_value(1).max_value(10);
        assert_eq!(
            serde_json::to_value(&number).unwrap(),
            json!({"Type": "Number", "MinValue": 1, "MaxValue": 10})
        );
    }

    #[test]
    fn keeps_keys_it_has_no_field_for() {
        let text = json!({"Type": "String", "Default": "a", "Label": {"en": "Name"}});
        let parameter: Parameter = serde_json::from_value(text.clone()).unwrap();
        assert_eq!(parameter.other_keys()["Label"], json!({"en": "Name"}));
        assert_eq!(serde_json::to_value(&parameter).unwrap(), text);
    }
}
