//! Parameters: as `param` with attributes where it can state them, else an `adopt::Param`
//! builder.

use std::fmt::Write;

use heck::ToSnakeCase;
use kumo_core::Json;

use super::index::Shape;

/// A parameter as `param` states it.
pub struct NativeParameter {
    /// The Rust type after the colon.
    pub rust: &'static str,
    /// Its value shape, for typed references.
    pub shape: Shape,
    /// The attributes before `param`.
    pub attributes: String,
    /// What follows the type: ` = default, "description"`.
    pub rest: String,
}

/// `param`'s form of a parameter, or `None` when it has something `param` cannot state.
pub fn native_parameter(parameter: &Json) -> Option<NativeParameter> {
    let map = parameter.as_object()?;
    let type_name = map.get("Type")?.as_str()?;
    let ty: kumo_core::ParameterType = type_name.parse().ok()?;
    let (rust, shape, plain) = match ty {
        kumo_core::ParameterType::Number
        | kumo_core::ParameterType::SsmValue(kumo_core::SsmValueType::Number) => {
            ("i64", Shape::Integer, "Number")
        }
        kumo_core::ParameterType::NumberList
        | kumo_core::ParameterType::SsmValue(kumo_core::SsmValueType::NumberList) => (
            "Vec<i64>",
            Shape::List(Box::new(Shape::Integer)),
            "List<Number>",
        ),
        ty if ty.is_list() => (
            "Vec<String>",
            Shape::List(Box::new(Shape::String)),
            "CommaDelimitedList",
        ),
        _ => ("String", Shape::String, "String"),
    };
    let numeric = matches!(shape, Shape::Integer) || rust == "Vec<i64>";
    let mut attributes = String::new();
    if type_name != plain {
        let _ = write!(attributes, "#[r#type({type_name:?})] ");
    }
    let mut rest = String::new();
    for (key, value) in map {
        match (key.as_str(), value) {
            ("Type", _) => {}
            ("Default", Json::String(default)) => {
                let plain_number = numeric
                    && default
                        .parse::<i64>()
                        .is_ok_and(|n| n.to_string() == *default);
                if plain_number {
                    let _ = write!(rest, " = {default}");
                } else {
                    let _ = write!(rest, " = {default:?}");
                }
            }
            ("Description", Json::String(_)) => {}
            ("NoEcho", Json::Bool(true)) => attributes.push_str("#[no_echo] "),
            ("AllowedValues", Json::Array(values)) => {
                let values: Option<Vec<String>> = values
                    .iter()
                    .map(|v| v.as_str().filter(|t| !numeric || t.parse::<f64>().is_ok()))
                    .map(|v| v.map(|t| format!("{t:?}")))
                    .collect();
                let values = values?;
                if !values.is_empty() {
                    let _ = write!(attributes, "#[allowed_values({})] ", values.join(", "));
                }
            }
            ("AllowedPattern", Json::String(pattern)) if !numeric => {
                let _ = write!(attributes, "#[allowed_pattern({pattern:?})] ");
            }
            ("ConstraintDescription", Json::String(text)) => {
                let _ = write!(attributes, "#[constraint_description({text:?})] ");
            }
            ("MinLength" | "MaxLength", Json::Number(n)) if !numeric => {
                let n = u32::try_from(n.as_u64()?).ok()?;
                let _ = write!(attributes, "#[{}({n})] ", key.to_snake_case());
            }
            ("MinValue" | "MaxValue", Json::Number(n)) if numeric => {
                let n = n.as_i64()?;
                let attribute = key.to_snake_case();
                if n < 0 {
                    return None;
                }
                let _ = write!(attributes, "#[{attribute}({n})] ");
            }
            _ => return None,
        }
    }
    if let Some(description) = map.get("Description").and_then(Json::as_str) {
        let _ = write!(rest, ", {description:?}");
    }
    Some(NativeParameter {
        rust,
        shape,
        attributes,
        rest,
    })
}

/// A `Parameter` builder for any parameter, and the keys it cannot state (ones CloudFormation
/// does not take either), each left as a comment in the builder.
pub fn parameter_builder(parameter: &Json) -> (String, Vec<String>) {
    let type_name = parameter["Type"].as_str().unwrap_or("String");
    let mut out = match type_name.parse::<kumo_core::ParameterType>() {
        Ok(ty) => format!("Parameter::new({})", parameter_type(ty)),
        Err(_) => "Parameter::string()".to_owned(),
    };
    let mut left = Vec::new();
    let Some(map) = parameter.as_object() else {
        return (out, left);
    };
    for (key, value) in map {
        let text = value.as_str().map(|s| format!("{s:?}"));
        let number = value.as_number().map(ToString::to_string);
        let call = match (key.as_str(), text, number) {
            ("Type", ..) => continue,
            ("Description", Some(t), _) => format!(".description({t})"),
            ("Default", Some(t), _) => format!(".default_value({t})"),
            ("AllowedPattern", Some(t), _) => format!(".allowed_pattern({t})"),
            ("ConstraintDescription", Some(t), _) => format!(".constraint_description({t})"),
            ("MinLength", _, Some(n)) => format!(".min_length({n})"),
            ("MaxLength", _, Some(n)) => format!(".max_length({n})"),
            ("MinValue" | "MaxValue", _, Some(_)) => {
                let bound = match (value.as_i64(), value.as_u64(), value.as_f64()) {
                    (Some(n), ..) => format!("{n}_i64"),
                    (_, Some(n), _) => format!("{n}_u64"),
                    // A number serde_json read is finite.
                    (.., Some(f)) => {
                        format!("serde_json::Number::from_f64({f:?}).expect(\"a finite number\")")
                    }
                    _ => continue,
                };
                format!(".{}({bound})", key.to_snake_case())
            }
            ("NoEcho", ..) if value == &Json::Bool(true) => ".no_echo()".to_owned(),
            ("AllowedValues", ..) => {
                let values: Vec<String> = value
                    .as_array()
                    .map(|v| {
                        v.iter()
                            .filter_map(Json::as_str)
                            .map(|s| format!("{s:?}"))
                            .collect()
                    })
                    .unwrap_or_default();
                if values.is_empty() {
                    continue;
                }
                format!(".allowed_values([{}])", values.join(", "))
            }
            _ => {
                left.push(key.clone());
                format!("/* not migrated: {key} */")
            }
        };
        out.push_str(&call);
    }
    (out, left)
}

/// A parameter type as the Rust expression that makes it.
fn parameter_type(ty: kumo_core::ParameterType) -> String {
    use kumo_core::{ParameterType as P, SsmValueType as S};
    let aws = |t: kumo_core::AwsType| format!("AwsType::{t:?}");
    match ty {
        P::String => "ParameterType::String".into(),
        P::Number => "ParameterType::Number".into(),
        P::NumberList => "ParameterType::NumberList".into(),
        P::StringList => "ParameterType::StringList".into(),
        P::CommaDelimitedList => "ParameterType::CommaDelimitedList".into(),
        P::Aws(t) => format!("ParameterType::Aws({})", aws(t)),
        P::AwsList(t) => format!("ParameterType::AwsList({})", aws(t)),
        P::SsmParameterName => "ParameterType::SsmParameterName".into(),
        P::SsmValue(inner) => {
            let inner = match inner {
                S::Aws(t) => format!("SsmValueType::Aws({})", aws(t)),
                S::AwsList(t) => format!("SsmValueType::AwsList({})", aws(t)),
                other => format!("SsmValueType::{other:?}"),
            };
            format!("ParameterType::SsmValue({inner})")
        }
    }
}
