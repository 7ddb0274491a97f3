//! Parameter constraints: that they agree with each other, and that the default meets them (a
//! default that fails its own constraints is a deploy that fails for sure).

use regex::Regex;

use crate::template::{Parameter, ParameterType, Template};

use super::ValidationError;

impl Template {
    pub(super) fn check_parameters(&self, errors: &mut Vec<ValidationError>) {
        for (id, parameter) in self.parameters() {
            let mut problem = |reason: String| {
                errors.push(ValidationError::InvalidParameter {
                    parameter: id.clone(),
                    reason,
                })
            };
            if let (Some(min), Some(max)) = parameter.length_bounds() {
                if min > max {
                    problem(format!("MinLength {min} is greater than MaxLength {max}"));
                }
            }
            if let (Some(min), Some(max)) = parameter.value_bounds() {
                if min.as_f64() > max.as_f64() {
                    problem(format!("MinValue {min} is greater than MaxValue {max}"));
                }
            }
            if let Some(default) = parameter.default() {
                for reason in problems(parameter, default, "default") {
                    problem(reason);
                }
            }
        }
    }
}

impl Parameter {
    /// What keeps `value` from meeting the parameter's constraints, as CloudFormation applies
    /// them (see [`Template::validate`] for its default); empty when it meets them.
    ///
    /// ```
    /// use kumo_core::Parameter;
    ///
    /// let stage = Parameter::string().allowed_pattern("[a-z]+");
    /// assert!(stage.value_problems("prod").is_empty());
    /// assert_eq!(
    ///     stage.value_problems("Prod!"),
    ///     ["value `Prod!` does not match AllowedPattern `[a-z]+`"]
    /// );
    /// ```
    pub fn value_problems(&self, value: &str) -> Vec<String> {
        problems(self, value, "value")
    }
}

/// What keeps `value` (the parameter's `noun`: its default, a value given) from meeting the
/// constraints of `parameter`, as CloudFormation applies them: to each element of a list type;
/// `AllowedValues` to every type; a number and `MinValue`/`MaxValue` to number types;
/// `MinLength`/`MaxLength` and `AllowedPattern` (matched against the whole value) to the
/// others. The value of an SSM value type names an SSM parameter rather than holding the value,
/// so it is not checked; nor is a pattern that the `regex` crate cannot read (CloudFormation's
/// are Java's), which is left to CloudFormation. The value of a NoEcho parameter is never
/// shown.
fn problems(parameter: &Parameter, value: &str, noun: &str) -> Vec<String> {
    let kind = *parameter.parameter_type();
    if matches!(kind, ParameterType::SsmValue(_)) {
        return Vec::new();
    }
    let elements: Vec<&str> = match (kind.is_list(), value) {
        (true, "") => Vec::new(),
        (true, _) => value.split(',').map(str::trim).collect(),
        (false, _) => vec![value],
    };
    let numeric = matches!(kind, ParameterType::Number | ParameterType::NumberList);
    let pattern = parameter
        .pattern()
        .and_then(|pattern| Regex::new(&format!("^(?:{pattern})$")).ok());
    let mut problems = Vec::new();
    for element in elements {
        let shown = match (parameter.is_no_echo(), kind.is_list()) {
            (true, false) => format!("the {noun}"),
            (true, true) => format!("an element of the {noun}"),
            (false, false) => format!("{noun} `{element}`"),
            (false, true) => format!("{noun} element `{element}`"),
        };
        let allowed = parameter.allowed();
        if !allowed.is_empty() && !allowed.iter().any(|a| a == element) {
            problems.push(format!(
                "{shown} is not one of the allowed values {allowed:?}"
            ));
        }
        if numeric {
            problems.extend(number_problem(parameter, element, &shown));
            continue;
        }
        let length = element.chars().count();
        match parameter.length_bounds() {
            (Some(min), _) if length < min as usize => {
                problems.push(format!("{shown} is shorter than MinLength {min}"));
            }
            (_, Some(max)) if length > max as usize => {
                problems.push(format!("{shown} is longer than MaxLength {max}"));
            }
            _ => {}
        }
        if let (Some(regex), Some(text)) = (&pattern, parameter.pattern()) {
            if !regex.is_match(element) {
                problems.push(format!("{shown} does not match AllowedPattern `{text}`"));
            }
        }
    }
    problems
}

/// Why `element` is not a number within `MinValue` and `MaxValue` of `parameter`, if it is not.
fn number_problem(parameter: &Parameter, element: &str, shown: &str) -> Option<String> {
    let Some(value) = element.parse::<f64>().ok().filter(|v| v.is_finite()) else {
        return Some(format!("{shown} is not a number"));
    };
    match parameter.value_bounds() {
        (Some(min), _) if min.as_f64().is_some_and(|min| value < min) => {
            Some(format!("{shown} is less than MinValue {min}"))
        }
        (_, Some(max)) if max.as_f64().is_some_and(|max| value > max) => {
            Some(format!("{shown} is greater than MaxValue {max}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(parameter: Parameter) -> Vec<String> {
        let default = parameter.default().unwrap().to_owned();
        super::problems(&parameter, &default, "default")
    }

    #[test]
    fn defaults_that_meet_their_constraints_pass() {
        for parameter in [
            Parameter::string()
                .default_value("abc")
                .allowed_pattern("[a-z]+")
                .min_length(3)
                .max_length(3),
            Parameter::string()
                .default_value("abc")
                .allowed_pattern("a|abc"),
            Parameter::number()
                .default_value("2.5")
                .min_value(1)
                .max_value(3),
            Parameter::number()
                .default_value("-4")
                .allowed_values(["-4", "4"]),
            Parameter::new(ParameterType::CommaDelimitedList)
                .default_value("a, b,c")
                .allowed_values(["a", "b", "c"])
                .allowed_pattern("[a-c]"),
            Parameter::new(ParameterType::CommaDelimitedList)
                .default_value("")
                .allowed_values(["a"]),
            Parameter::new(ParameterType::NumberList)
                .default_value("1,2")
                .max_value(2),
            Parameter::string()
                .default_value("anything")
                .allowed_pattern("(?=look)ahead"),
            Parameter::new(ParameterType::SsmValue(crate::SsmValueType::String))
                .default_value("/acme/name")
                .allowed_pattern("[a-z]+"),
        ] {
            assert_eq!(
                problems(parameter.clone()),
                Vec::<String>::new(),
                "{parameter:?}"
            );
        }
    }

    #[test]
    fn a_pattern_must_match_the_whole_default() {
        let parameter = Parameter::string()
            .default_value("abc1")
            .allowed_pattern("[a-z]+");
        assert_eq!(
            problems(parameter),
            ["default `abc1` does not match AllowedPattern `[a-z]+`"]
        );
        let alternation = Parameter::string()
            .default_value("abc")
            .allowed_pattern("a|b");
        assert_eq!(
            problems(alternation),
            ["default `abc` does not match AllowedPattern `a|b`"]
        );
    }

    #[test]
    fn lengths_and_values_are_checked() {
        assert_eq!(
            problems(Parameter::string().default_value("ab").min_length(3)),
            ["default `ab` is shorter than MinLength 3"]
        );
        assert_eq!(
            problems(Parameter::string().default_value("żółw").max_length(3)),
            ["default `żółw` is longer than MaxLength 3"]
        );
        assert_eq!(
            problems(Parameter::number().default_value("0").min_value(1)),
            ["default `0` is less than MinValue 1"]
        );
        assert_eq!(
            problems(Parameter::number().default_value("11.5").max_value(10)),
            ["default `11.5` is greater than MaxValue 10"]
        );
        for not_a_number in ["ten", "", "inf", "NaN", "1,2"] {
            assert_eq!(
                problems(Parameter::number().default_value(not_a_number)),
                [format!("default `{not_a_number}` is not a number")]
            );
        }
    }

    #[test]
    fn list_elements_are_checked_one_by_one() {
        let parameter = Parameter::new(ParameterType::CommaDelimitedList)
            .default_value("a,B,c")
            .allowed_values(["a", "c"])
            .allowed_pattern("[a-z]");
        assert_eq!(
            problems(parameter),
            [
                "default element `B` is not one of the allowed values [\"a\", \"c\"]",
                "default element `B` does not match AllowedPattern `[a-z]`",
            ]
        );
        let numbers = Parameter::new(ParameterType::NumberList)
            .default_value("1,x,9")
            .max_value(5);
        assert_eq!(
            problems(numbers),
            [
                "default element `x` is not a number",
                "default element `9` is greater than MaxValue 5",
            ]
        );
    }

    #[test]
    fn a_no_echo_default_is_never_shown() {
        let secret = Parameter::string()
            .default_value("hunter2")
            .allowed_pattern("[a-z]+")
            .no_echo();
        assert_eq!(
            problems(secret),
            ["the default does not match AllowedPattern `[a-z]+`"]
        );
        let secrets = Parameter::new(ParameterType::CommaDelimitedList)
            .default_value("ok,hunter2")
            .min_length(3)
            .no_echo();
        assert_eq!(
            problems(secrets),
            ["an element of the default is shorter than MinLength 3"]
        );
    }
}
