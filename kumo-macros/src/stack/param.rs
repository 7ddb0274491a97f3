//! `param` statements: their attributes checked against the parameter's type (a CloudFormation
//! type that fits the Rust type, constraints that fit both), and the `Parameter` they build.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Ident, Lit, LitInt, LitStr, Type};

use super::attr::{Attr, Attrs};
use super::param_type::{self, Shape};
use crate::errors::Errors;

/// The expression of a checked parameter, without its default and description:
/// `Parameter::new(type).no_echo()...`. Every mistake is pushed to `errors`.
pub fn parameter(ty: &Type, attrs: &Attrs, errors: &mut Errors) -> TokenStream {
    let rust_shape = Shape::of_rust_type(ty);
    let (base, shape) = match attrs.parameter_type() {
        Some(name) => match param_type::parse(&name.value()) {
            Some(known) => {
                if let Some(rust_shape) = rust_shape.filter(|s| *s != known.shape) {
                    errors.push(syn::Error::new_spanned(
                        ty,
                        format!(
                            "a parameter of CloudFormation type `{}` is declared {}, not {}",
                            name.value(),
                            known.shape.rust_types(),
                            rust_shape.rust_types()
                        ),
                    ));
                }
                let tokens = known.tokens;
                (
                    quote_spanned!(name.span()=> ::kumo_core::Parameter::new(#tokens)),
                    Some(known.shape),
                )
            }
            None => {
                errors.push(syn::Error::new(
                    name.span(),
                    format!(
                        "unknown CloudFormation parameter type `{}`; expected `String`, `Number`, `List<Number>`, `List<String>`, `CommaDelimitedList`, an AWS-specific type such as `AWS::EC2::VPC::Id` or `List<AWS::EC2::Subnet::Id>`, `AWS::SSM::Parameter::Name` or `AWS::SSM::Parameter::Value<...>`",
                        name.value()
                    ),
                ));
                (TokenStream::new(), None)
            }
        },
        None => (
            quote_spanned!(ty.span()=> <#ty as ::kumo_core::scope::ParameterKind>::parameter()),
            rust_shape,
        ),
    };
    let numeric = shape.map(|s| matches!(s, Shape::Number | Shape::NumberList));
    let mut constraints = Vec::new();
    for (ident, attr) in attrs.iter() {
        let wants_number = match attr {
            Attr::AllowedPattern(_) | Attr::MinLength(_) | Attr::MaxLength(_) => Some(false),
            Attr::MinValue(_) | Attr::MaxValue(_) => Some(true),
            _ => None,
        };
        if let (Some(wants_number), Some(is_number)) = (wants_number, numeric) {
            if wants_number != is_number {
                let what = if wants_number { "number" } else { "string" };
                errors.push(syn::Error::new(
                    ident.span(),
                    format!("`{ident}` constrains {what} parameters, and this one is not"),
                ));
                continue;
            }
        }
        constraints.push(match attr {
            Attr::LogicalId(_) | Attr::Type(_) | Attr::LogicalIds(_) | Attr::Tags(_) => continue,
            Attr::NoEcho => quote_spanned!(ident.span()=> .no_echo()),
            Attr::AllowedValues(values) => {
                let values: Vec<LitStr> = values
                    .iter()
                    .map(|value| allowed_value(value, numeric == Some(true), errors))
                    .collect();
                quote_spanned!(ident.span()=> .allowed_values([#(#values),*]))
            }
            Attr::AllowedPattern(pattern) => {
                quote_spanned!(ident.span()=> .allowed_pattern(#pattern))
            }
            Attr::ConstraintDescription(text) => {
                quote_spanned!(ident.span()=> .constraint_description(#text))
            }
            Attr::MinLength(n) | Attr::MaxLength(n) => setter(ident, n, "u32"),
            Attr::MinValue(n) | Attr::MaxValue(n) => setter(ident, n, "i64"),
        });
    }
    quote!(#base #(#constraints)*)
}

/// `.name(n_suffix)`: the setter named like the attribute, with its argument typed.
fn setter(name: &Ident, n: &LitInt, suffix: &str) -> TokenStream {
    let lit = LitInt::new(&format!("{}{suffix}", n.base10_digits()), n.span());
    quote_spanned!(name.span()=> .#name(#lit))
}

/// An allowed value as the template writes it, a string; a number parameter's must be numbers.
fn allowed_value(value: &Lit, numeric: bool, errors: &mut Errors) -> LitStr {
    let text = match value {
        Lit::Str(s) => s.value(),
        Lit::Int(i) => i.base10_digits().to_owned(),
        Lit::Float(f) => f.base10_digits().to_owned(),
        other => other.to_token_stream().to_string(),
    };
    if numeric && text.parse::<f64>().is_err() {
        errors.push(syn::Error::new(
            value.span(),
            format!("{text:?} is not a number, and this parameter is a number"),
        ));
    }
    LitStr::new(&text, value.span())
}
