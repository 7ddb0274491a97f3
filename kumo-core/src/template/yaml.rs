//! Reading YAML templates: CloudFormation's YAML, short forms included, as the JSON it stands for.
//!
//! CloudFormation reads YAML 1.1, as cfn-lint does (with PyYAML's resolver), and so does this
//! reader:
//!
//! - A short form `!Name value` is the function `{"Fn::Name": value}` (`!Ref` and `!Condition`
//!   keep their names), in any position and nested in any other; the value of a short form
//!   written as a scalar is its text (`!Ref 5` refers to `"5"`, `!GetAZs ''` is `""`).
//!   `!GetAtt Resource.Attribute` is the list `["Resource", "Attribute"]`, split at the first dot.
//! - An unquoted scalar is null (`~`, `null`, empty), a boolean (`true`, `yes`, `on`, `false`,
//!   `no`, `off`, in the three cases), an integer (decimal, `0x` hexadecimal, `0b` binary,
//!   `0`-led octal, `1:30` base 60, `_` between digits), a float (`1.5`, `1.5e+3`, `.5`, `1:30.5`)
//!   or else a string; a quoted scalar is a string. A timestamp (`2012-10-17`) stays the string
//!   written, which is what CloudFormation makes of the `Version` of a policy.
//! - Anchors and aliases are read; merge keys (`<<`), a key written twice, a null or non-scalar
//!   key, floats JSON cannot hold (`.inf`, `.nan`), the `!!binary`, `!!timestamp`, `!!set`,
//!   `!!omap` and `!!pairs` tags and more than one document are errors with their line and column.

use std::collections::BTreeMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span, StrInput, Tag};
use serde_json::{Map, Number};

use super::canonical::get_att_list;
use super::{Template, FUNCTION_PREFIX};
use crate::error::TemplateError;
use crate::value::Json;

/// The short forms besides `!Ref` and `!Condition`: `!Name` stands for `Fn::Name`.
const SHORT_FORMS: [&str; 26] = [
    "And",
    "Base64",
    "Cidr",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "GetStackOutput",
    "If",
    "Implies",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "RefAll",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "ValueOf",
    "ValueOfAll",
];

/// How deep collections may nest: far beyond any template, short of the stack's limit.
const MAX_DEPTH: usize = 256;

/// How many values (scalars and collections; those an alias repeats, and an anchor's copy of
/// its own, counted again) a template may stand for: twice what CloudFormation's largest
/// template (1 MB of text, at least two bytes a value) can hold. A few lines of aliases of
/// aliases can stand for billions, and a few hundred anchors nested in each other copy what
/// they hold a few hundred times.
const MAX_VALUES: usize = 1_000_000;

impl Template {
    /// Reads a template from YAML, with every short form (`!Ref`, `!Sub`, `!GetAtt a.b`,
    /// `!If [..]`, ...), as CloudFormation reads it; then as [`Template::from_json`] reads JSON.
    ///
    /// ```
    /// use kumo_core::Template;
    /// use serde_json::json;
    ///
    /// let template = Template::from_yaml(
    ///     "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      \
    ///      TopicName: !Sub '${AWS::StackName}-alerts'\n",
    /// )?;
    /// assert_eq!(
    ///     template.resources()["Topic"].properties()["TopicName"],
    ///     json!({"Fn::Sub": "${AWS::StackName}-alerts"})
    /// );
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn from_yaml(text: &str) -> Result<Template, TemplateError> {
        Template::from_value(Template::yaml_to_json(text)?)
    }

    /// The JSON a YAML template stands for, short forms in their long form, before it is read
    /// into the model: what [`Template::from_yaml`] reads.
    pub fn yaml_to_json(text: &str) -> Result<Json, TemplateError> {
        Reader {
            parser: Parser::new_from_str(text),
            anchors: BTreeMap::new(),
            values: 0,
            copies: 0,
        }
        .stream()
    }
}

fn error(mark: Marker, message: impl Into<String>) -> TemplateError {
    TemplateError::Yaml {
        line: mark.line(),
        column: mark.col() + 1,
        message: message.into(),
    }
}

/// Builds JSON from the parser's events.
struct Reader<'input> {
    parser: Parser<'input, StrInput<'input>>,
    /// The value of each anchor read so far, by the parser's anchor ID, and how many values it
    /// is.
    anchors: BTreeMap<usize, (Json, usize)>,
    /// How many values have been built so far (see [`MAX_VALUES`]).
    values: usize,
    /// How many values the anchors' copies hold.
    copies: usize,
}

impl<'input> Reader<'input> {
    fn next(&mut self) -> Result<(Event<'input>, Span), TemplateError> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(scan)) => Err(error(*scan.marker(), scan.info())),
            None => Err(error(Marker::new(0, 1, 0), "the YAML ended early")),
        }
    }

    /// The one document of the stream; an empty stream or document is an empty template.
    fn stream(mut self) -> Result<Json, TemplateError> {
        self.next()?;
        let (event, _) = self.next()?;
        if matches!(event, Event::StreamEnd) {
            return Ok(Json::Object(Map::new()));
        }
        let (event, span) = self.next()?;
        let document = match self.node(event, span, 0)? {
            Json::Null => Json::Object(Map::new()),
            document => document,
        };
        self.next()?;
        match self.next()? {
            (Event::StreamEnd, _) => Ok(document),
            (_, span) => Err(error(
                span.start,
                "a template is one YAML document, and a second one starts here",
            )),
        }
    }

    fn node(
        &mut self,
        event: Event<'input>,
        span: Span,
        depth: usize,
    ) -> Result<Json, TemplateError> {
        if depth > MAX_DEPTH {
            return Err(error(
                span.start,
                format!("nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        let before = self.values;
        if !matches!(event, Event::Alias(_)) {
            self.count(1, span)?;
        }
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                (scalar(&text, style, tag.as_deref(), span)?, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                loop {
                    let (event, item_span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, item_span, depth + 1)?);
                }
                (tagged(Json::Array(items), tag.as_deref(), span)?, anchor)
            }
            Event::MappingStart(anchor, tag) => {
                let map = self.mapping(depth)?;
                (tagged(Json::Object(map), tag.as_deref(), span)?, anchor)
            }
            Event::Alias(anchor) => {
                // The parser refuses an alias of an anchor not seen; one seen but not kept yet
                // is the anchor of a value the alias is within.
                let Some((_, values)) = self.anchors.get(&anchor) else {
                    return Err(error(
                        span.start,
                        "an alias of the anchor it is within: a value cannot hold itself",
                    ));
                };
                self.count(*values, span)?;
                return Ok(self.anchors[&anchor].0.clone());
            }
            other => {
                return Err(error(
                    span.start,
                    format!("unexpected YAML event {other:?}"),
                ))
            }
        };
        if anchor != 0 {
            // The copy kept for the aliases counts too: anchors within anchors copy each
            // level's values again.
            let values = self.values - before;
            self.copies = self.copies.saturating_add(values);
            self.count(0, span)?;
            self.anchors.insert(anchor, (value.clone(), values));
        }
        Ok(value)
    }

    /// Counts `values` more values built, or fails at `span` past [`MAX_VALUES`] with the
    /// anchors' copies.
    fn count(&mut self, values: usize, span: Span) -> Result<(), TemplateError> {
        self.values = self.values.saturating_add(values);
        if self.values.saturating_add(self.copies) > MAX_VALUES {
            return Err(error(
                span.start,
                format!(
                    "the template stands for more than {MAX_VALUES} values, more than \
                     CloudFormation takes (aliases that repeat aliases, anchors within anchors?)"
                ),
            ));
        }
        Ok(())
    }

    /// The entries of a mapping, up to its end.
    fn mapping(&mut self, depth: usize) -> Result<Map<String, Json>, TemplateError> {
        let mut map = Map::new();
        loop {
            let (event, span) = self.next()?;
            let key = match event {
                Event::MappingEnd => return Ok(map),
                Event::Scalar(text, ScalarStyle::Plain, _, None) if text == "<<" => {
                    return Err(error(
                        span.start,
                        "merge keys (`<<`) are not read by CloudFormation",
                    ));
                }
                Event::Scalar(text, style, _, tag)
                    if tag.as_deref().is_none_or(is_non_specific) =>
                {
                    key(&text, style, tag.is_some(), span)?
                }
                Event::Alias(_) => {
                    return Err(error(
                        span.start,
                        "an alias cannot be a key: write the key out",
                    ))
                }
                _ => return Err(error(span.start, "a key must be a scalar without a tag")),
            };
            let (event, value_span) = self.next()?;
            let value = self.node(event, value_span, depth + 1)?;
            if map.contains_key(&key) {
                return Err(error(
                    span.start,
                    format!("the key `{key}` is written twice"),
                ));
            }
            map.insert(key, value);
        }
    }
}

/// A key as text: an unquoted number or boolean is its JSON text, as cfn-lint reads it.
fn key(
    text: &str,
    style: ScalarStyle,
    non_specific: bool,
    span: Span,
) -> Result<String, TemplateError> {
    let style = if non_specific {
        ScalarStyle::Plain
    } else {
        style
    };
    match untagged(text, style, span)? {
        Json::String(key) => Ok(key),
        Json::Null => Err(error(span.start, "a key cannot be null")),
        other => Ok(other.to_string()),
    }
}

fn scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: Span,
) -> Result<Json, TemplateError> {
    let Some(tag) = tag else {
        return untagged(text, style, span);
    };
    if is_non_specific(tag) {
        return untagged(text, ScalarStyle::Plain, span);
    }
    if tag.is_yaml_core_schema() {
        let fits: fn(&Json) -> bool = match tag.suffix.as_str() {
            "str" => return Ok(Json::String(text.to_owned())),
            "null" => Json::is_null,
            "bool" => Json::is_boolean,
            "int" => |value| value.is_i64() || value.is_u64(),
            "float" => Json::is_number,
            _ => return Err(unsupported(tag, span)),
        };
        let resolved = plain(text).map_err(|message| error(span.start, message))?;
        return if fits(&resolved) {
            Ok(resolved)
        } else {
            Err(error(
                span.start,
                format!("`{text}` is not a `!!{}`", tag.suffix),
            ))
        };
    }
    let name = function(tag, span)?;
    let argument = if name == "Fn::GetAtt" {
        get_att_list(text)
    } else {
        Json::String(text.to_owned())
    };
    Ok(call(name, argument))
}

/// A sequence or mapping under its tag.
fn tagged(value: Json, tag: Option<&Tag>, span: Span) -> Result<Json, TemplateError> {
    match tag {
        None => Ok(value),
        Some(tag) if is_non_specific(tag) => Ok(value),
        Some(tag) if tag.is_yaml_core_schema() => match (tag.suffix.as_str(), &value) {
            ("seq", Json::Array(_)) | ("map", Json::Object(_)) => Ok(value),
            _ => Err(unsupported(tag, span)),
        },
        Some(tag) => Ok(call(function(tag, span)?, value)),
    }
}

/// Whether a tag is the non-specific `!`, which PyYAML resolves as if untagged and unquoted
/// (`! "5"` is the number 5).
fn is_non_specific(tag: &Tag) -> bool {
    tag.handle.is_empty() && tag.suffix == "!"
}

fn call(name: String, argument: Json) -> Json {
    Json::Object(Map::from_iter([(name, argument)]))
}

/// The function a short-form tag stands for.
fn function(tag: &Tag, span: Span) -> Result<String, TemplateError> {
    let name = tag.suffix.as_str();
    match (tag.handle.as_str(), name) {
        ("!", "Ref" | "Condition") => Ok(name.to_owned()),
        ("!", _) if SHORT_FORMS.contains(&name) => Ok(format!("{FUNCTION_PREFIX}{name}")),
        ("!", _) => Err(error(
            span.start,
            format!("`!{name}` is not a short form of CloudFormation"),
        )),
        _ => Err(unsupported(tag, span)),
    }
}

fn unsupported(tag: &Tag, span: Span) -> TemplateError {
    let handle = if tag.is_yaml_core_schema() {
        "!!"
    } else {
        &tag.handle
    };
    error(
        span.start,
        format!(
            "the tag `{handle}{}` is not read by CloudFormation here",
            tag.suffix
        ),
    )
}

/// An untagged scalar: resolved when unquoted, a string when quoted.
fn untagged(text: &str, style: ScalarStyle, span: Span) -> Result<Json, TemplateError> {
    if style == ScalarStyle::Plain {
        plain(text).map_err(|message| error(span.start, message))
    } else {
        Ok(Json::String(text.to_owned()))
    }
}

/// Whether a string must be quoted to be read back as itself. Unquoted, this reader (as PyYAML)
/// would read it as a null, a boolean or a number, or refuse it; YAML 1.1 also has `y`, `Y`, `n`
/// and `N` for booleans (this reader and PyYAML leave them strings), `<<` for the merge key and
/// `=` for the value key. A timestamp (`2010-09-09`) is read as the string written. Such a
/// string is made of letters, digits and `_.:+-~=<`, which single quotes hold as they are.
pub(super) fn needs_quotes(text: &str) -> bool {
    matches!(text, "y" | "Y" | "n" | "N" | "<<" | "=")
        || !matches!(plain(text), Ok(Json::String(_)))
}

/// What an unquoted scalar is in YAML 1.1, as PyYAML's resolver says.
fn plain(text: &str) -> Result<Json, String> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Json::Null),
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Ok(Json::Bool(true))
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Ok(Json::Bool(false))
        }
        _ => {}
    }
    if let Some(integer) = integer(text) {
        return integer
            .and_then(|value| {
                i64::try_from(value)
                    .map(Json::from)
                    .or_else(|_| u64::try_from(value).map(Json::from))
                    .ok()
            })
            .ok_or_else(|| format!("the integer `{text}` does not fit in JSON"));
    }
    if is_float(text) {
        return Number::from_f64(float(text))
            .map(Json::Number)
            .ok_or_else(|| format!("the float `{text}` has no JSON form"));
    }
    Ok(Json::String(text.to_owned()))
}

/// Splits a leading sign off: whether it is negative, and the rest.
fn sign(text: &str) -> (bool, &str) {
    match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    }
}

/// Whether every character is a digit of `radix` or `_`, and there is at least one.
fn digits(text: &str, radix: u32) -> bool {
    !text.is_empty() && text.chars().all(|c| c == '_' || c.is_digit(radix))
}

/// Whether `parts` are the `:`-separated base-60 digits after the first (`[0-5]?[0-9]`).
fn sexagesimal_tail<'a>(mut parts: impl Iterator<Item = &'a str>) -> bool {
    parts.all(|part| match part.as_bytes() {
        [digit] => digit.is_ascii_digit(),
        [tens, digit] => (b'0'..=b'5').contains(tens) && digit.is_ascii_digit(),
        _ => false,
    })
}

/// The value of `text` when it is a YAML 1.1 integer (`None` inside when it does not fit).
fn integer(text: &str) -> Option<Option<i128>> {
    let (negative, body) = sign(text);
    let parse = |digits: &str, radix: u32| {
        let clean: String = digits.chars().filter(|&c| c != '_').collect();
        i128::from_str_radix(&clean, radix).ok()
    };
    let magnitude = if body == "0" {
        Some(0)
    } else if let Some(rest) = body.strip_prefix("0b").filter(|rest| digits(rest, 2)) {
        parse(rest, 2)
    } else if let Some(rest) = body.strip_prefix("0x").filter(|rest| digits(rest, 16)) {
        parse(rest, 16)
    } else if let Some(rest) = body.strip_prefix('0').filter(|rest| digits(rest, 8)) {
        parse(rest, 8)
    } else if body.starts_with(|c: char| c.is_ascii_digit() && c != '0') {
        let mut parts = body.split(':');
        let first = parts.next().filter(|first| digits(first, 10))?;
        if !sexagesimal_tail(parts.clone()) {
            return None;
        }
        parts.try_fold(parse(first, 10)?, |total, part| {
            Some(total.checked_mul(60)? + i128::from(part.parse::<u8>().ok()?))
        })
    } else {
        return None;
    };
    Some(magnitude.map(|value| if negative { -value } else { value }))
}

/// Whether `text` is a YAML 1.1 float.
fn is_float(text: &str) -> bool {
    let (_, body) = sign(text);
    let signed = body.len() != text.len();
    if matches!(body, ".inf" | ".Inf" | ".INF")
        || (!signed && matches!(body, ".nan" | ".NaN" | ".NAN"))
    {
        return true;
    }
    let (number, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    if let Some(exponent) = exponent {
        let Some(power) = exponent.strip_prefix(['-', '+']) else {
            return false;
        };
        if power.is_empty() || !power.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    let Some((whole, fraction)) = number.split_once('.') else {
        return false;
    };
    if !fraction.is_empty() && !digits(fraction, 10) {
        return false;
    }
    if whole.is_empty() {
        return !signed && fraction.starts_with(|c: char| c.is_ascii_digit());
    }
    let mut parts = whole.split(':');
    let first = parts.next().unwrap_or_default();
    if !first.starts_with(|c: char| c.is_ascii_digit()) || !digits(first, 10) {
        return false;
    }
    whole.len() == first.len() || (exponent.is_none() && sexagesimal_tail(parts))
}

/// The value of a YAML 1.1 float ([`is_float`]).
fn float(text: &str) -> f64 {
    let clean = text.replace('_', "").to_ascii_lowercase();
    let (negative, body) = sign(&clean);
    let magnitude = match body {
        ".inf" => f64::INFINITY,
        ".nan" => f64::NAN,
        _ if body.contains(':') => body
            .split(':')
            .map(|part| part.parse::<f64>().unwrap_or_default())
            .fold(0.0, |total, part| total * 60.0 + part),
        _ => body.parse().unwrap_or_default(),
    };
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(text: &str) -> Json {
        Template::yaml_to_json(text).unwrap()
    }

    fn value(text: &str) -> Json {
        read(&format!("V: {text}\n"))["V"].clone()
    }

    fn fails(text: &str) -> String {
        Template::yaml_to_json(text).unwrap_err().to_string()
    }

    #[test]
    fn every_short_form_is_its_long_form() {
        for (short, long) in [
            ("!Ref Name", json!({"Ref": "Name"})),
            ("!Condition IsProd", json!({"Condition": "IsProd"})),
            (
                "!Sub '${AWS::Region}-x'",
                json!({"Fn::Sub": "${AWS::Region}-x"}),
            ),
            (
                "!Sub ['${A}', {A: !Ref B}]",
                json!({"Fn::Sub": ["${A}", {"A": {"Ref": "B"}}]}),
            ),
            (
                "!GetAtt Bucket.Arn",
                json!({"Fn::GetAtt": ["Bucket", "Arn"]}),
            ),
            (
                "!GetAtt Db.Endpoint.Address",
                json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
            ),
            (
                "!GetAtt [Bucket, Arn]",
                json!({"Fn::GetAtt": ["Bucket", "Arn"]}),
            ),
            (
                "!GetAtt [Bucket, !Ref Attr]",
                json!({"Fn::GetAtt": ["Bucket", {"Ref": "Attr"}]}),
            ),
            (
                "!Join ['-', [a, b]]",
                json!({"Fn::Join": ["-", ["a", "b"]]}),
            ),
            (
                "!Select [0, !GetAZs '']",
                json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
            ),
            (
                "!Split [',', !Ref L]",
                json!({"Fn::Split": [",", {"Ref": "L"}]}),
            ),
            (
                "!If [C, !Ref A, !Ref AWS::NoValue]",
                json!({"Fn::If": ["C", {"Ref": "A"}, {"Ref": "AWS::NoValue"}]}),
            ),
            (
                "!Equals [!Ref E, prod]",
                json!({"Fn::Equals": [{"Ref": "E"}, "prod"]}),
            ),
            (
                "!And [!Condition A, !Condition B]",
                json!({"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
            ),
            (
                "!Or [!Condition A, !Not [!Condition B]]",
                json!({"Fn::Or": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]}),
            ),
            (
                "!FindInMap [M, !Ref AWS::Region, K, {DefaultValue: d}]",
                json!({"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "K", {"DefaultValue": "d"}]}),
            ),
            ("!Base64 '#!/bin/sh'", json!({"Fn::Base64": "#!/bin/sh"})),
            (
                "!Cidr [!GetAtt Vpc.CidrBlock, 6, 5]",
                json!({"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 6, 5]}),
            ),
            ("!GetAZs", json!({"Fn::GetAZs": ""})),
            ("!GetAZs us-east-1", json!({"Fn::GetAZs": "us-east-1"})),
            (
                "!ImportValue shared-vpc",
                json!({"Fn::ImportValue": "shared-vpc"}),
            ),
            (
                "!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
                json!({"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}),
            ),
            ("!Length [1, 2]", json!({"Fn::Length": [1, 2]})),
            (
                "!ToJsonString {a: 1}",
                json!({"Fn::ToJsonString": {"a": 1}}),
            ),
            (
                "!Contains [[a], !Ref P]",
                json!({"Fn::Contains": [["a"], {"Ref": "P"}]}),
            ),
            (
                "!EachMemberEquals [!Ref L, a]",
                json!({"Fn::EachMemberEquals": [{"Ref": "L"}, "a"]}),
            ),
            (
                "!EachMemberIn [!Ref L, [a]]",
                json!({"Fn::EachMemberIn": [{"Ref": "L"}, ["a"]]}),
            ),
            (
                "!RefAll AWS::EC2::VPC::Id",
                json!({"Fn::RefAll": "AWS::EC2::VPC::Id"}),
            ),
            ("!ValueOf [P, Tag]", json!({"Fn::ValueOf": ["P", "Tag"]})),
            (
                "!ValueOfAll [AWS::EC2::VPC::Id, Tags]",
                json!({"Fn::ValueOfAll": ["AWS::EC2::VPC::Id", "Tags"]}),
            ),
            (
                "!Implies [!Condition A, !Condition B]",
                json!({"Fn::Implies": [{"Condition": "A"}, {"Condition": "B"}]}),
            ),
            (
                "!GetStackOutput {StackName: s, OutputName: o}",
                json!({"Fn::GetStackOutput": {"StackName": "s", "OutputName": "o"}}),
            ),
        ] {
            assert_eq!(value(short), long, "{short}");
        }
    }

    #[test]
    fn short_forms_nest_in_block_style_and_keep_scalar_text() {
        let text = "V: !If\n  - IsProd\n  - !Sub\n    - '${A}-${B}'\n    - A: !Ref X\n      B: !Select [1, !Split [',', !Ref L]]\n  - !Ref 5\n";
        assert_eq!(
            read(text)["V"],
            json!({"Fn::If": ["IsProd",
                {"Fn::Sub": ["${A}-${B}", {"A": {"Ref": "X"}, "B": {"Fn::Select": [1, {"Fn::Split": [",", {"Ref": "L"}]}]}}]},
                {"Ref": "5"}]})
        );
    }

    #[test]
    fn for_each_keys_stay_keys() {
        let text = "Resources:\n  Fn::ForEach::Topics:\n    - Name\n    - [A, B]\n    - Topic${Name}:\n        Type: AWS::SNS::Topic\n";
        assert_eq!(
            read(text),
            json!({"Resources": {"Fn::ForEach::Topics": ["Name", ["A", "B"], {"Topic${Name}": {"Type": "AWS::SNS::Topic"}}]}})
        );
    }

    #[test]
    fn unquoted_scalars_resolve_as_yaml_1_1() {
        for (text, expected) in [
            ("~", json!(null)),
            ("", json!(null)),
            ("Null", json!(null)),
            ("yes", json!(true)),
            ("On", json!(true)),
            ("NO", json!(false)),
            ("off", json!(false)),
            ("y", json!("y")),
            ("12", json!(12)),
            ("-12", json!(-12)),
            ("+7", json!(7)),
            ("1_000", json!(1000)),
            ("0", json!(0)),
            ("0755", json!(493)),
            ("0x1F", json!(31)),
            ("-0b101", json!(-5)),
            ("1:30", json!(90)),
            ("08", json!("08")),
            ("18446744073709551615", json!(u64::MAX)),
            ("1.5", json!(1.5)),
            ("-1.", json!(-1.0)),
            (".5", json!(0.5)),
            ("1.5e+3", json!(1500.0)),
            ("1e3", json!("1e3")),
            ("1.5e3", json!("1.5e3")),
            ("1:30.5", json!(90.5)),
            ("2012-10-17", json!("2012-10-17")),
            (
                "2001-12-14t21:59:43.10-05:00",
                json!("2001-12-14t21:59:43.10-05:00"),
            ),
            ("10.0.0.0/16", json!("10.0.0.0/16")),
            ("1.2.3", json!("1.2.3")),
            ("0.0.0.0", json!("0.0.0.0")),
            ("=", json!("=")),
        ] {
            assert_eq!(value(text), expected, "{text}");
        }
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        assert_eq!(value("'yes'"), json!("yes"));
        assert_eq!(value("\"12\""), json!("12"));
        assert_eq!(value("|\n  10\n"), json!("10\n"));
        assert_eq!(value("!!str 12"), json!("12"));
        assert_eq!(value("!!int '12'"), json!(12));
        assert_eq!(value("!!float 1.5"), json!(1.5));
        assert_eq!(value("!!bool yes"), json!(true));
        assert_eq!(value("!!null ''"), json!(null));
        assert_eq!(value("!!seq [a]"), json!(["a"]));
        assert_eq!(value("!!map {a: 1}"), json!({"a": 1}));
    }

    #[test]
    fn the_non_specific_tag_resolves_as_unquoted() {
        assert_eq!(
            read("a: ! \"5\"\nb: ! [1]\n! \"d\": ! yes\nc: [! \"Ref\": X]\n"),
            json!({"a": 5, "b": [1], "d": true, "c": [{"Ref": "X"}]})
        );
    }

    #[test]
    fn keys_are_text() {
        assert_eq!(
            read("1: a\nyes: b\n'no': c\n1.5: d\n"),
            json!({"1": "a", "true": "b", "no": "c", "1.5": "d"})
        );
    }

    #[test]
    fn anchors_and_aliases_are_read() {
        assert_eq!(
            read("A: &tags [{Key: k, Value: v}]\nB: *tags\n"),
            json!({"A": [{"Key": "k", "Value": "v"}], "B": [{"Key": "k", "Value": "v"}]})
        );
        let within = fails("Metadata: &m {a: *m}\n");
        assert!(
            within.contains("line 1 column 18: an alias of the anchor it is within"),
            "{within}"
        );
        assert!(fails("A: *nope\n").contains("unknown anchor"));
    }

    #[test]
    fn aliases_cannot_stand_for_more_than_a_template_holds() {
        // Nine aliases of nine aliases, nine levels deep: 9^9 strings from a few hundred bytes.
        let mut bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n".to_owned();
        for (name, alias) in ('b'..='i').zip('a'..='h') {
            bomb += &format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{alias}"); 9].join(", ")
            );
        }
        let message = fails(&bomb);
        assert!(
            message.contains("the template stands for more than 1000000 values"),
            "{message}"
        );
        // An alias repeated to just under the limit is read.
        let list = format!("[{}]", ["0"; 999].join(", "));
        let fine = format!("A: &a {list}\nB: [{}]\n", ["*a"; 997].join(", "));
        assert_eq!(read(&fine)["B"].as_array().unwrap().len(), 997);
        let over = format!("A: &a {list}\nB: [{}]\n", ["*a"; 1000].join(", "));
        assert!(fails(&over).contains("line 2 column"), "{}", fails(&over));
        // Without an alias, anchors nested in each other: each keeps a copy of what it holds.
        let inner = ["1"; 20_000].join(",");
        let nested = format!("A: {}{inner}{}\n", "&a [".repeat(60), "]".repeat(60));
        assert!(
            fails(&nested).contains("more than 1000000 values"),
            "{}",
            fails(&nested)
        );
    }

    #[test]
    fn an_empty_stream_or_document_is_an_empty_template() {
        assert_eq!(read(""), json!({}));
        assert_eq!(read("# nothing\n"), json!({}));
        assert_eq!(read("---\n"), json!({}));
    }

    #[test]
    fn what_cloudformation_does_not_read_is_an_error_with_its_place() {
        for (text, expected) in [
            ("A: 1\nB:\n  <<: {C: 1}\n", "invalid template YAML at line 3 column 3: merge keys (`<<`) are not read by CloudFormation"),
            ("A: 1\nA: 2\n", "invalid template YAML at line 2 column 1: the key `A` is written twice"),
            ("~: 1\n", "invalid template YAML at line 1 column 1: a key cannot be null"),
            ("[a]: 1\n", "invalid template YAML at line 1 column 1: a key must be a scalar without a tag"),
            ("A: &k x\n*k : 1\n", "invalid template YAML at line 2 column 1: an alias cannot be a key: write the key out"),
            ("A: !Foo x\n", "invalid template YAML at line 1 column 4: `!Foo` is not a short form of CloudFormation"),
            ("A: !!binary aGk=\n", "invalid template YAML at line 1 column 4: the tag `!!binary` is not read by CloudFormation here"),
            ("A: !!int x\n", "invalid template YAML at line 1 column 4: `x` is not a `!!int`"),
            ("A: !!seq {a: 1}\n", "invalid template YAML at line 1 column 4: the tag `!!seq` is not read by CloudFormation here"),
            ("A: .inf\n", "invalid template YAML at line 1 column 4: the float `.inf` has no JSON form"),
            ("A: 0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\n", "invalid template YAML at line 1 column 4: the integer `0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF` does not fit in JSON"),
            ("A: 1\n---\nB: 2\n", "invalid template YAML at line 2 column 1: a template is one YAML document, and a second one starts here"),
            ("A: [1\n", "invalid template YAML at line 2 column 1: "),
        ] {
            let message = fails(text);
            assert!(message.starts_with(expected), "{text:?}: {message}");
        }
    }

    #[test]
    fn nesting_has_a_limit() {
        let deep = format!("A:\n{}x\n", "- ".repeat(MAX_DEPTH + 2));
        assert!(fails(&deep).contains("nested more than 256 levels deep"));
        let flow = format!("A: {}{}\n", "[".repeat(300), "]".repeat(300));
        assert!(fails(&flow).contains("recursion limit exceeded"));
    }

    #[test]
    fn reads_a_template_as_its_json_form() {
        let yaml = "AWSTemplateFormatVersion: 2010-09-09\nParameters:\n  Size:\n    Type: Number\n    Default: 5\n    MinValue: '1'\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n    DependsOn: Key\n    Properties:\n      DelaySeconds: !Ref Size\n";
        let json = r#"{"AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {"Size": {"Type": "Number", "Default": "5", "MinValue": 1}},
            "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "DependsOn": ["Key"],
                "Properties": {"DelaySeconds": {"Ref": "Size"}}}}}"#;
        assert_eq!(
            Template::from_yaml(yaml).unwrap(),
            Template::from_json(json).unwrap()
        );
    }
}
