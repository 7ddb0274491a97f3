//! CloudFormation's parameter types as `#[r#type("...")]` names them: which are known, the
//! shape of their values (checked against the parameter's Rust type) and the
//! `kumo_core::ParameterType` that builds each.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The AWS-specific types, by name, with their `kumo_core::AwsType` variant.
const AWS_TYPES: &[(&str, &str)] = &[
    ("AWS::EC2::AvailabilityZone::Name", "AvailabilityZoneName"),
    ("AWS::EC2::Image::Id", "ImageId"),
    ("AWS::EC2::Instance::Id", "InstanceId"),
    ("AWS::EC2::KeyPair::KeyName", "KeyPairName"),
    ("AWS::EC2::SecurityGroup::GroupName", "SecurityGroupName"),
    ("AWS::EC2::SecurityGroup::Id", "SecurityGroupId"),
    ("AWS::EC2::Subnet::Id", "SubnetId"),
    ("AWS::EC2::Volume::Id", "VolumeId"),
    ("AWS::EC2::VPC::Id", "VpcId"),
    ("AWS::Route53::HostedZone::Id", "HostedZoneId"),
];

/// What a parameter's value is, as its Rust type sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `String`
    Text,
    /// `i64` or `f64`
    Number,
    /// `Vec<String>`
    TextList,
    /// `Vec<i64>`
    NumberList,
}

impl Shape {
    /// The Rust types a parameter of this shape is written with.
    pub fn rust_types(self) -> &'static str {
        match self {
            Shape::Text => "`String`",
            Shape::Number => "`i64` or `f64`",
            Shape::TextList => "`Vec<String>`",
            Shape::NumberList => "`Vec<i64>`",
        }
    }

    /// The shape of a Rust type, when it is one of the parameter types spelt plainly.
    pub fn of_rust_type(ty: &syn::Type) -> Option<Shape> {
        let syn::Type::Path(path) = ty else {
            return None;
        };
        let last = path.path.segments.last()?;
        match (last.ident.to_string().as_str(), &last.arguments) {
            ("String", syn::PathArguments::None) => Some(Shape::Text),
            ("i64" | "f64", syn::PathArguments::None) => Some(Shape::Number),
            ("Vec", syn::PathArguments::AngleBracketed(args)) => match args.args.first()? {
                syn::GenericArgument::Type(inner) => match Shape::of_rust_type(inner)? {
                    Shape::Text => Some(Shape::TextList),
                    Shape::Number => Some(Shape::NumberList),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }
}

/// A known parameter type: the shape of its values and the expression that builds it.
pub struct ParamType {
    pub shape: Shape,
    pub tokens: TokenStream,
}

/// The parameter type named `name`, if CloudFormation has it.
pub fn parse(name: &str) -> Option<ParamType> {
    let value_type = |name: &str| -> Option<(Shape, TokenStream)> {
        Some(match name {
            "String" => (Shape::Text, quote!(String)),
            "Number" => (Shape::Number, quote!(Number)),
            "List<String>" => (Shape::TextList, quote!(StringList)),
            "List<Number>" => (Shape::NumberList, quote!(NumberList)),
            "CommaDelimitedList" => (Shape::TextList, quote!(CommaDelimitedList)),
            _ => {
                let (shape, variant, aws) = match list_of(name) {
                    Some(inner) => (Shape::TextList, quote!(AwsList), aws_type(inner)?),
                    None => (Shape::Text, quote!(Aws), aws_type(name)?),
                };
                (shape, quote!(#variant(::kumo_core::AwsType::#aws)))
            }
        })
    };
    if name == "AWS::SSM::Parameter::Name" {
        return Some(ParamType {
            shape: Shape::Text,
            tokens: quote!(::kumo_core::ParameterType::SsmParameterName),
        });
    }
    if let Some(inner) = name
        .strip_prefix("AWS::SSM::Parameter::Value<")
        .and_then(|rest| rest.strip_suffix('>'))
    {
        let (shape, variant) = if inner == "AWS::SSM::Parameter::Name" {
            (Shape::Text, quote!(ParameterName))
        } else {
            value_type(inner)?
        };
        return Some(ParamType {
            shape,
            tokens: quote!(::kumo_core::ParameterType::SsmValue(
                ::kumo_core::SsmValueType::#variant
            )),
        });
    }
    let (shape, variant) = value_type(name)?;
    Some(ParamType {
        shape,
        tokens: quote!(::kumo_core::ParameterType::#variant),
    })
}

fn list_of(name: &str) -> Option<&str> {
    name.strip_prefix("List<")?.strip_suffix('>')
}

fn aws_type(name: &str) -> Option<syn::Ident> {
    AWS_TYPES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, variant)| format_ident!("{variant}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_every_type_and_its_shape() {
        let shape = |name: &str| parse(name).map(|t| t.shape);
        assert_eq!(shape("String"), Some(Shape::Text));
        assert_eq!(shape("Number"), Some(Shape::Number));
        assert_eq!(shape("List<Number>"), Some(Shape::NumberList));
        assert_eq!(shape("CommaDelimitedList"), Some(Shape::TextList));
        assert_eq!(shape("List<AWS::EC2::Subnet::Id>"), Some(Shape::TextList));
        assert_eq!(shape("AWS::EC2::KeyPair::KeyName"), Some(Shape::Text));
        assert_eq!(shape("AWS::SSM::Parameter::Name"), Some(Shape::Text));
        assert_eq!(
            shape("AWS::SSM::Parameter::Value<List<AWS::EC2::VPC::Id>>"),
            Some(Shape::TextList)
        );
        assert_eq!(
            shape("AWS::SSM::Parameter::Value<Number>"),
            Some(Shape::Number)
        );
        for bad in [
            "Strin",
            "List<Strings>",
            "AWS::SSM::Parameter::Value<Nope>",
            "List<>",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn builds_the_core_type() {
        let tokens = |name: &str| parse(name).unwrap().tokens.to_string().replace(' ', "");
        assert_eq!(
            tokens("List<AWS::EC2::Subnet::Id>"),
            "::kumo_core::ParameterType::AwsList(::kumo_core::AwsType::SubnetId)"
        );
        assert_eq!(
            tokens("AWS::SSM::Parameter::Value<String>"),
            "::kumo_core::ParameterType::SsmValue(::kumo_core::SsmValueType::String)"
        );
        assert_eq!(
            tokens("CommaDelimitedList"),
            "::kumo_core::ParameterType::CommaDelimitedList"
        );
    }

    #[test]
    fn reads_the_shape_of_rust_types() {
        let shape = |ty: &str| Shape::of_rust_type(&syn::parse_str(ty).unwrap());
        assert_eq!(shape("String"), Some(Shape::Text));
        assert_eq!(shape("std::string::String"), Some(Shape::Text));
        assert_eq!(shape("f64"), Some(Shape::Number));
        assert_eq!(shape("Vec<i64>"), Some(Shape::NumberList));
        assert_eq!(shape("Vec<String>"), Some(Shape::TextList));
        assert_eq!(shape("Vec<Vec<String>>"), None);
        assert_eq!(shape("MyAlias"), None);
    }
}
