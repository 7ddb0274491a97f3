//! Finds what a piece of template JSON refers to: `Ref`, `Fn::GetAtt`, the variables of `Fn::Sub`,
//! condition names, mappings, and the functions that need checks of their own.

use crate::value::Json;

/// Something a JSON value refers to or uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found<'a> {
    /// `Ref` or `${Name}` in `Fn::Sub`: a parameter, resource or pseudo parameter.
    Ref(&'a str),
    /// `Fn::GetAtt` or `${Name.Attribute}` in `Fn::Sub`: a resource.
    GetAtt(&'a str),
    /// The condition named by `Fn::If` or, inside `Conditions`, by `{"Condition": name}`.
    Condition(&'a str),
    /// `Fn::And` or `Fn::Or` with this many conditions.
    Arity(&'static str, usize),
    /// A function that needs the `AWS::LanguageExtensions` transform.
    LanguageExtension(&'a str),
    /// `Fn::FindInMap` of a mapping named as text, with each of its two keys that is text, and
    /// whether it gives a `DefaultValue` (with the language extensions) for what is missing.
    FindInMap {
        /// The mapping.
        mapping: &'a str,
        /// The top-level and second-level keys, where written as text.
        keys: [Option<&'a str>; 2],
        /// Whether a `DefaultValue` is given.
        default: bool,
    },
}

/// Where a reference was found (`Resources.Queue.Properties.RedrivePolicy`) and what it is.
pub(crate) type Located<'a> = (String, Found<'a>);

/// Where a walk is in the template, kept only when asked for: checks walk first without
/// locations (no formatting, no copies) and again with them only when they found a problem.
pub(crate) struct Location(Option<String>);

impl Location {
    /// The location `root` when `keep` is set; otherwise one that is never written.
    pub(crate) fn new(keep: bool, root: std::fmt::Arguments<'_>) -> Self {
        Location(keep.then(|| root.to_string()))
    }

    /// The location, empty when it is not kept.
    pub(crate) fn here(&self) -> String {
        self.0.clone().unwrap_or_default()
    }

    /// Runs `walk` with `segment` appended to the location.
    pub(crate) fn within<T>(
        &mut self,
        segment: std::fmt::Arguments<'_>,
        walk: impl FnOnce(&mut Location) -> T,
    ) -> T {
        use std::fmt::Write;
        let mark = self.0.as_mut().map(|text| {
            let len = text.len();
            // Writing to a String cannot fail.
            let _ = text.write_fmt(segment);
            len
        });
        let result = walk(self);
        if let (Some(len), Some(text)) = (mark, &mut self.0) {
            text.truncate(len);
        }
        result
    }
}

/// Walks `json`, whose location is `location`, and appends what it refers to. `in_conditions` is
/// set inside the `Conditions` section, where `{"Condition": name}` names a condition.
///
/// Segments are appended to `location` while walking down and removed on the way back, so only
/// the locations of what is found are copied.
pub(crate) fn collect<'a>(
    json: &'a Json,
    location: &mut Location,
    in_conditions: bool,
    found: &mut Vec<Located<'a>>,
) {
    match json {
        Json::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                location.within(format_args!("[{index}]"), |location| {
                    collect(item, location, in_conditions, found)
                });
            }
        }
        Json::Object(map) => {
            if let (1, Some((key, value))) = (map.len(), map.iter().next()) {
                if intrinsic(key, value, location, in_conditions, found) {
                    return;
                }
            }
            for (key, value) in map {
                location.within(format_args!(".{key}"), |location| {
                    collect(value, location, in_conditions, found)
                });
            }
        }
        _ => {}
    }
}

/// Handles `{key: value}` if it is an intrinsic; returns whether it was.
fn intrinsic<'a>(
    key: &'a str,
    value: &'a Json,
    location: &mut Location,
    in_conditions: bool,
    found: &mut Vec<Located<'a>>,
) -> bool {
    let here = |location: &Location, f| (location.here(), f);
    match (key, value) {
        ("Ref", Json::String(name)) => found.push(here(location, Found::Ref(name))),
        ("Condition", Json::String(name)) if in_conditions => {
            found.push(here(location, Found::Condition(name)))
        }
        ("Fn::GetAtt", Json::Array(args)) => {
            if let Some(Json::String(name)) = args.first() {
                found.push(here(location, Found::GetAtt(name)));
            }
            for (index, arg) in args.iter().enumerate().skip(1) {
                location.within(format_args!(".Fn::GetAtt[{index}]"), |location| {
                    collect(arg, location, in_conditions, found)
                });
            }
        }
        ("Fn::GetAtt", Json::String(dotted)) => {
            let name = dotted.split_once('.').map_or(dotted.as_str(), |(n, _)| n);
            found.push(here(location, Found::GetAtt(name)));
        }
        ("Fn::Sub", Json::String(text)) => sub_variables(text, &[], location, found),
        ("Fn::Sub", Json::Array(args)) => {
            let variables = match args.get(1) {
                Some(Json::Object(map)) => {
                    for (name, value) in map {
                        location.within(format_args!(".Fn::Sub[1].{name}"), |location| {
                            collect(value, location, in_conditions, found)
                        });
                    }
                    map.keys().map(String::as_str).collect()
                }
                _ => Vec::new(),
            };
            if let Some(Json::String(text)) = args.first() {
                sub_variables(text, &variables, location, found);
            }
        }
        ("Fn::If", Json::Array(args)) => {
            if let Some(Json::String(name)) = args.first() {
                found.push(here(location, Found::Condition(name)));
            }
            for (index, arg) in args.iter().enumerate().skip(1) {
                location.within(format_args!(".Fn::If[{index}]"), |location| {
                    collect(arg, location, in_conditions, found)
                });
            }
        }
        ("Fn::And" | "Fn::Or", Json::Array(args)) => {
            let function = if key == "Fn::And" {
                "Fn::And"
            } else {
                "Fn::Or"
            };
            found.push(here(location, Found::Arity(function, args.len())));
            location.within(format_args!(".{key}"), |location| {
                collect(value, location, in_conditions, found)
            });
        }
        ("Fn::FindInMap", Json::Array(args)) => {
            if let Some(Json::String(mapping)) = args.first() {
                let key = |index: usize| args.get(index).and_then(Json::as_str);
                let default = args.len() > 3;
                let keys = [key(1), key(2)];
                found.push(here(
                    location,
                    Found::FindInMap {
                        mapping,
                        keys,
                        default,
                    },
                ));
            }
            location.within(format_args!(".{key}"), |location| {
                collect(value, location, in_conditions, found)
            });
        }
        ("Fn::Length" | "Fn::ToJsonString", _) => {
            found.push(here(location, Found::LanguageExtension(key)));
            location.within(format_args!(".{key}"), |location| {
                collect(value, location, in_conditions, found)
            });
        }
        _ => return false,
    }
    true
}

/// The variables of an `Fn::Sub` string, trimmed: `Name` of `${Name}` and `Name.Attribute` of
/// `${Name.Attribute}`, less `${!Literal}` escapes, empty ones and an unterminated last one.
pub(crate) fn sub_names(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || loop {
        let after = &rest[rest.find("${")? + 2..];
        let end = after.find('}')?;
        let variable = after[..end].trim();
        rest = &after[end + 1..];
        if !variable.starts_with('!') && !variable.is_empty() {
            return Some(variable);
        }
    })
}

/// The `${Name}` and `${Name.Attribute}` variables of an `Fn::Sub` string, less `${!Literal}`
/// and the names of its variable map.
fn sub_variables<'a>(
    text: &'a str,
    local: &[&str],
    location: &Location,
    found: &mut Vec<Located<'a>>,
) {
    for variable in sub_names(text) {
        if local.contains(&variable) {
            continue;
        }
        let item = match variable.split_once('.') {
            Some((name, _)) if !local.contains(&name) => Found::GetAtt(name),
            Some(_) => continue,
            None => Found::Ref(variable),
        };
        found.push((location.here(), item));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn found(json: Json, in_conditions: bool) -> Vec<(String, Found<'static>)> {
        let json: &'static Json = Box::leak(Box::new(json));
        let mut out = Vec::new();
        collect(
            json,
            &mut Location::new(true, format_args!("X")),
            in_conditions,
            &mut out,
        );
        out
    }

    #[test]
    fn finds_refs_and_get_atts_at_their_location() {
        let refs = found(
            json!({"A": {"Ref": "P"}, "B": [{"Fn::GetAtt": ["R", "Arn"]}, {"Fn::GetAtt": "S.Url"}]}),
            false,
        );
        assert_eq!(
            refs,
            [
                ("X.A".to_owned(), Found::Ref("P")),
                ("X.B[0]".to_owned(), Found::GetAtt("R")),
                ("X.B[1]".to_owned(), Found::GetAtt("S")),
            ]
        );
    }

    #[test]
    fn reads_sub_variables_but_not_literals_or_local_names() {
        let refs = found(
            json!({"Fn::Sub": ["${A}-${B.Arn}-${!Literal}-${Local}-${AWS::Region}", {"Local": {"Ref": "C"}}]}),
            false,
        );
        let items: Vec<_> = refs.into_iter().map(|(_, f)| f).collect();
        assert_eq!(
            items,
            [
                Found::Ref("C"),
                Found::Ref("A"),
                Found::GetAtt("B"),
                Found::Ref("AWS::Region")
            ]
        );
    }

    #[test]
    fn condition_objects_count_only_inside_conditions() {
        let json = json!({"Condition": "IsProd"});
        assert_eq!(
            found(json.clone(), true),
            [("X".to_owned(), Found::Condition("IsProd"))]
        );
        assert!(found(json, false).is_empty());
    }

    #[test]
    fn notes_if_conditions_arity_and_extensions() {
        let refs = found(
            json!({"Fn::If": ["C", {"Fn::Length": [1]}, {"Fn::And": [{"Condition": "D"}]}]}),
            true,
        );
        let items: Vec<_> = refs.into_iter().map(|(_, f)| f).collect();
        assert_eq!(
            items,
            [
                Found::Condition("C"),
                Found::LanguageExtension("Fn::Length"),
                Found::Arity("Fn::And", 1),
                Found::Condition("D"),
            ]
        );
    }

    #[test]
    fn unterminated_sub_variables_are_ignored() {
        assert!(found(json!({"Fn::Sub": "${Oops"}), false).is_empty());
    }
}
