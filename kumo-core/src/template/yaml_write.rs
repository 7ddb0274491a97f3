//! Writing templates as YAML that reads back as the same template.
//!
//! serde_norway writes YAML 1.2: it quotes a string that a YAML 1.2 reader would take for a
//! null, a boolean or a number (`'true'`, `'12'`), but writes `no`, `off`, `1_000` or `1:30`
//! unquoted, which CloudFormation, cfn-lint and [`Template::from_yaml`] read as YAML 1.1: as a
//! boolean or a number. It has no setting to quote them, and no way to ask for a quoted string.
//! So a template is written by serde_norway, but for each collection that holds such a string
//! (a key or a value, at any depth): that collection is laid out here as libyaml, serde_norway's
//! emitter, lays out a block collection, the string single-quoted and all else written by
//! serde_norway and indented to its place. A template without such a string is written by
//! serde_norway alone.

use serde_norway::Value;

use super::yaml::needs_quotes;
use super::Template;

/// The characters libyaml takes for line breaks; it writes those but `\n` as they are within a
/// quoted or literal scalar, and then the indentation of the scalar's next line.
const BREAKS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// The longest key, in bytes, that libyaml writes as `key: value` rather than as `? key` and
/// `: value` on lines of their own.
const SIMPLE_KEY_LEN: usize = 128;

/// The template as YAML, every string that [`needs_quotes`] single-quoted.
pub(super) fn to_yaml(template: &Template) -> String {
    block(&serde_norway::to_value(template).expect("a template is always YAML"))
}

/// `value` as libyaml writes a document's root: a collection from column 0, a scalar's further
/// lines from column 2, ending in a line break. A string that [`needs_quotes`] has nothing that
/// single quotes escape.
fn block(value: &Value) -> String {
    match value {
        Value::String(text) if needs_quotes(text) => format!("'{text}'\n"),
        Value::Sequence(items) if holds_quoted(value) => {
            items.iter().map(|item| after("- ", item)).collect()
        }
        Value::Mapping(entries) if holds_quoted(value) => entries
            .iter()
            .map(|(key, value)| entry(key, value))
            .collect(),
        _ => serde_norway::to_string(value).expect("a template is always YAML"),
    }
}

/// Whether `value` holds a string that [`needs_quotes`], as a key or a value, at any depth.
fn holds_quoted(value: &Value) -> bool {
    match value {
        Value::String(text) => needs_quotes(text),
        Value::Sequence(items) => items.iter().any(holds_quoted),
        Value::Mapping(entries) => entries
            .iter()
            .any(|(key, value)| holds_quoted(key) || holds_quoted(value)),
        _ => false,
    }
}

/// An entry of a mapping: `key: value`, a non-empty mapping on the lines below, indented, and a
/// non-empty sequence on the lines below, not indented; or, when the key is too long or has a
/// line break, the key after `? ` and the value after `: `.
fn entry(key: &Value, value: &Value) -> String {
    let simple = key
        .as_str()
        .is_none_or(|key| key.len() <= SIMPLE_KEY_LEN && !key.contains(BREAKS));
    if !simple {
        return after("? ", key) + &after(": ", value);
    }
    let key = block(key);
    let key = key.trim_end_matches('\n');
    let text = block(value);
    match value {
        Value::Mapping(entries) if !entries.is_empty() => {
            format!("{key}:\n  {}", indent(&text, 2))
        }
        Value::Sequence(items) if !items.is_empty() => format!("{key}:\n{text}"),
        _ => format!("{key}: {text}"),
    }
}

/// `value` after the indicator `- `, `? ` or `: `: the first line of a non-empty collection
/// beside it and the others indented; a scalar's further lines stay where the root has them.
fn after(indicator: &str, value: &Value) -> String {
    let collection = match value {
        Value::Sequence(items) => !items.is_empty(),
        Value::Mapping(entries) => !entries.is_empty(),
        _ => false,
    };
    let by = if collection { 2 } else { 0 };
    format!("{indicator}{}", indent(&block(value), by))
}

/// `text` with `by` more spaces before each line but the first, unless the line is empty.
fn indent(text: &str, by: usize) -> String {
    let mut indented = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        indented.push(c);
        if BREAKS.contains(&c) && chars.peek().is_some_and(|next| !BREAKS.contains(next)) {
            indented.extend(std::iter::repeat_n(' ', by));
        }
    }
    indented
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map};

    use super::*;
    use crate::value::Json;

    /// A template with `text` as keys and values in many places.
    fn holding(text: &str) -> Template {
        Template::from_value(json!({
            "Parameters": {"Enable": {"Type": "String", "AllowedValues": [text, "x"],
                "Default": text}},
            "Metadata": {text: text, "List": [text, {text: [text]}, [[text]]],
                "Map": {"Deep": {text: {}}}},
            "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {
                "DisplayName": text, "Tags": [{"Key": "k", "Value": text}]}}},
        }))
        .unwrap()
    }

    #[test]
    fn strings_yaml_1_1_reads_as_something_else_read_back_as_themselves() {
        // YAML 1.1's forms of booleans, nulls, integers and floats (with 1.2's `0o7` and
        // `1e3`), the empty string, the merge key and the value key.
        let texts = "yes Yes YES no No NO y Y n N true True TRUE false False FALSE on On ON off \
                     Off OFF ~ null Null NULL 0 12 -12 +7 1_000 0b1 -0b1_0 017 0o7 0x1F 190:20:30 \
                     -1:30 1.5 -1. .5 1_0.5 1.5e+3 1e3 190:20:30.15 .inf -.Inf +.INF .nan .NaN 0_ \
                     99999999999999999999999 << =";
        for text in texts.split_whitespace().chain([""]) {
            let template = holding(text);
            let yaml = template.to_yaml();
            assert_eq!(
                Template::from_yaml(&yaml).unwrap(),
                template,
                "{text:?}:\n{yaml}"
            );
            assert!(yaml.contains(&format!("DisplayName: '{text}'\n")), "{yaml}");
        }
    }

    #[test]
    fn a_template_of_yes_and_no_reads_back_as_itself() {
        let template = Template::from_yaml(
            "Parameters:\n  Enable:\n    Type: String\n    AllowedValues: [\"yes\", \"no\"]\n    \
             Default: \"no\"\nConditions:\n  IsOn: !Equals [!Ref Enable, \"yes\"]\nResources:\n  \
             Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: \"off\"\n      \
             Tags:\n        - {Key: count, Value: \"1_000\"}\n",
        )
        .unwrap();
        let yaml = template.to_yaml();
        assert_eq!(
            yaml,
            "AWSTemplateFormatVersion: 2010-09-09\nParameters:\n  Enable:\n    Type: String\n    \
             Default: 'no'\n    AllowedValues:\n    - 'yes'\n    - 'no'\nConditions:\n  IsOn:\n    \
             Fn::Equals:\n    - Ref: Enable\n    - 'yes'\nResources:\n  Topic:\n    \
             Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: 'off'\n      Tags:\n      \
             - Key: count\n        Value: '1_000'\n"
        );
        assert_eq!(Template::from_yaml(&yaml).unwrap(), template);
    }

    #[test]
    fn ordinary_strings_stay_unquoted() {
        let texts: Vec<&str> = "Allow AWS::SNS::Topic 2012-10-17 10.0.0.0/16 1.2.3 0.0.0.0 yess \
                                Onward v1_000 1:60 0x 0b2 1_000a nil None"
            .split_whitespace()
            .collect();
        let keys: Map<String, Json> = texts
            .iter()
            .map(|&text| (text.into(), json!(text)))
            .collect();
        let template = Template::from_value(json!({
            "Metadata": {"Texts": texts, "Keys": keys},
            "Resources": {},
        }))
        .unwrap();
        let yaml = template.to_yaml();
        for text in texts {
            assert!(yaml.contains(&format!("  - {text}\n")), "{text}:\n{yaml}");
            assert!(
                yaml.contains(&format!("    {text}: {text}\n")),
                "{text}:\n{yaml}"
            );
        }
        assert_eq!(yaml, serde_norway::to_string(&template).unwrap());
    }

    /// The strings here are quoted by serde_norway too, so what is laid out here around them
    /// must be what serde_norway and libyaml write, to the byte.
    #[test]
    fn collections_are_laid_out_as_libyaml_lays_them_out() {
        let long = "k".repeat(SIMPLE_KEY_LEN + 1);
        let metadata = json!({
            "A": {"true": "12", "Plain": "x", "Empty": {}, "None": [], "Null": null, "Number": 1.5},
            "B": ["", ["~", ["null"]], [], {}, {"K": "0x1F", "L": ["TRUE"]}, 7, false],
            "C": {"Script": "#!/bin/sh\necho hi\n\n  indented\n", "Lead": " x\ny", "Key": "true"},
            "D": ["line\nbreak", "12", {"Nested": {"Deeper": ["a\nb", {"c": "d\ne"}, "FALSE"]}}],
            "E": {long.clone(): "12", "multi\nline": ["null"], "k": {long: {"a": "~"}}},
            "F": {"a\u{2028}b": "x\u{85}y\u{2029}", "v": ["q\u{2028}", "12"],
                "w": {"z": "p\u{2028}", "m": "q\u{2028}\u{2029}r", "l": "s\u{2028}\nt"}},
            "G": [[["12", "x"], "y\nz"], {"k": [{"k": "12"}]}],
        });
        let template =
            Template::from_value(json!({"Metadata": metadata, "Resources": {}})).unwrap();
        let expected = serde_norway::to_string(&template).unwrap();
        assert!(holds_quoted(&serde_norway::to_value(&template).unwrap()));
        assert_eq!(template.to_yaml(), expected);
    }
}
