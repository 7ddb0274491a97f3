//! Template values as Rust expressions: literals and intrinsics typed by the shape the setter
//! takes, and `adopt::raw` (with the JSON as written) for what typed code cannot express.

use std::collections::BTreeSet;
use std::io;

use kumo_core::Json;
use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, PrettyFormatter};

use super::index::{Property, Shape, TypeDef};

/// What an expression may refer to, and what writing it used.
#[derive(Debug, Default)]
pub struct Context {
    /// Resources declared so far (logical ID to Rust name and whether it is typed), whose
    /// handles an expression may use.
    pub handles: std::collections::BTreeMap<String, Handle>,
    /// Parameters declared with `param` (logical ID to Rust name and value shape).
    pub parameters: std::collections::BTreeMap<String, (String, Shape)>,
    /// Mappings declared with `mapping` (logical ID to Rust name).
    pub mappings: std::collections::BTreeMap<String, String>,
    /// The functions of `kumo_core::intrinsic` and `kumo_core::pseudo` used.
    pub intrinsics: BTreeSet<&'static str>,
    /// The service modules of `kumo_core::resources` used.
    pub services: BTreeSet<String>,
    /// How many values were written raw.
    pub raw: usize,
}

/// A declared resource.
#[derive(Debug, Clone)]
pub struct Handle {
    /// The Rust name of its handle.
    pub name: String,
    /// Its type's attributes, when typed: CloudFormation name to (method, shape).
    pub attributes: Option<std::collections::BTreeMap<String, (String, Shape)>>,
}

/// The pseudo parameters and their functions in `kumo_core::pseudo`.
const PSEUDO: &[(&str, &str, Shape)] = &[
    ("AWS::AccountId", "account_id", Shape::String),
    ("AWS::Partition", "partition", Shape::String),
    ("AWS::Region", "region", Shape::String),
    ("AWS::StackId", "stack_id", Shape::String),
    ("AWS::StackName", "stack_name", Shape::String),
    ("AWS::URLSuffix", "url_suffix", Shape::String),
];

/// The functions of `kumo_core::intrinsic` the generated code calls, each imported by the module
/// that calls it: `Names` names no statement as one, which would shadow it.
pub const INTRINSICS: [&str; 13] = [
    "base64",
    "cidr",
    "find_in_map",
    "get_att",
    "get_azs",
    "if_",
    "import_value",
    "join",
    "reference",
    "select",
    "split",
    "sub",
    "sub_with",
];

impl Context {
    /// The Rust type of a shape, as a turbofish or annotation needs it.
    pub fn rust_type(&self, shape: &Shape, def: Option<&TypeDef>) -> String {
        match shape {
            Shape::String => "String".into(),
            Shape::Integer => "i64".into(),
            Shape::Double => "f64".into(),
            Shape::Boolean => "bool".into(),
            Shape::Json => "kumo_core::Json".into(),
            Shape::Policy => "kumo_core::iam::PolicyDocument".into(),
            Shape::List(item) => format!("Vec<{}>", self.rust_type(item, def)),
            Shape::Map(item) => format!(
                "std::collections::BTreeMap<String, {}>",
                self.rust_type(item, def)
            ),
            Shape::Struct(name) | Shape::Enum(name) => match def {
                Some(def) => format!("{}::{}::{name}", def.service, def.module),
                None => "kumo_core::Json".into(),
            },
        }
    }

    /// The JSON written raw, typed as the shape: the escape hatch, kept visible as `adopt::raw`.
    pub fn raw(&mut self, value: &Json, shape: &Shape, def: Option<&TypeDef>) -> String {
        self.raw += 1;
        format!(
            "adopt::raw::<{}>({})",
            self.rust_type(shape, def),
            json_macro(value)
        )
    }

    /// `value` as an expression that converts into `Value<shape>`.
    pub fn expr(&mut self, value: &Json, shape: &Shape, def: Option<&TypeDef>) -> String {
        if let Some(expr) = self.intrinsic(value, shape, def) {
            return expr;
        }
        self.literal(value, shape, def)
            .unwrap_or_else(|| self.raw(value, shape, def))
    }

    fn literal(&mut self, value: &Json, shape: &Shape, def: Option<&TypeDef>) -> Option<String> {
        match (shape, value) {
            (Shape::String, Json::String(text)) => Some(format!("{text:?}")),
            (Shape::Boolean, Json::Bool(flag)) => Some(flag.to_string()),
            // CloudFormation converts these; kumo says so with an explicit conversion.
            (Shape::Boolean, Json::String(text)) if text == "true" || text == "false" => Some(
                format!("kumo_core::Value::<String>::from({text:?}).to_bool()"),
            ),
            (Shape::String, Json::Bool(flag)) => {
                Some(format!("kumo_core::Value::<bool>::from({flag}).to_text()"))
            }
            (Shape::String, Json::Number(n)) => match n.as_i64() {
                Some(i) => Some(format!(
                    "kumo_core::Value::<i64>::from({}).to_text()",
                    integer(i, "i64")
                )),
                None => double(n).map(|f| format!("kumo_core::Value::<f64>::from({f}).to_text()")),
            },
            (Shape::Integer, Json::Number(n)) => n.as_i64().map(|n| integer(n, "i64")),
            (Shape::Double, Json::Number(n)) => double(n),
            (Shape::Json, _) => Some(json_macro(value)),
            (Shape::Enum(name), Json::String(text)) => {
                let def = def?;
                let (variant, _) = def.enums.get(name)?.iter().find(|(_, v)| v == text)?;
                self.services.insert(def.service.clone());
                Some(format!(
                    "{}::{}::{name}::{variant}",
                    def.service, def.module
                ))
            }
            (Shape::Struct(name), Json::Object(fields)) => {
                let def = def?;
                let properties = def.structs.get(name)?;
                let path = format!("{}::{}::{name}", def.service, def.module);
                let (new, setters) = self.builder(fields, properties, Some(def))?;
                self.services.insert(def.service.clone());
                Some(format!("{path}::new({new}){setters}"))
            }
            (Shape::List(item), Json::Array(items)) if !items.is_empty() => {
                let exprs: Vec<String> = items.iter().map(|i| self.expr(i, item, def)).collect();
                Some(format!(
                    "[{}]",
                    self.uniform(exprs, items, item, def).join(", ")
                ))
            }
            (Shape::Map(item), Json::Object(entries)) if !entries.is_empty() => {
                let values: Vec<&Json> = entries.values().collect();
                let exprs: Vec<String> = values.iter().map(|v| self.expr(v, item, def)).collect();
                let exprs = self.uniform(exprs, values.iter().copied(), item, def);
                let pairs: Vec<String> = entries
                    .keys()
                    .zip(exprs)
                    .map(|(key, expr)| format!("({key:?}, {expr})"))
                    .collect();
                Some(format!("[{}]", pairs.join(", ")))
            }
            _ => None,
        }
    }

    /// The items of a list (or map) as one Rust type: as they are when all are literals of one
    /// kind, else each converted to `Value<item>`.
    fn uniform<'v>(
        &mut self,
        exprs: Vec<String>,
        values: impl IntoIterator<Item = &'v Json>,
        item: &Shape,
        def: Option<&TypeDef>,
    ) -> Vec<String> {
        let kinds: BTreeSet<&'static str> = values.into_iter().map(kind).collect();
        if kinds.len() == 1 && !kinds.contains("intrinsic") {
            return exprs;
        }
        let ty = self.rust_type(item, def);
        exprs
            .into_iter()
            .map(|expr| format!("kumo_core::Value::<{ty}>::from({expr})"))
            .collect()
    }

    /// The arguments of `new` and the setters of an object's fields, or `None` when a field is
    /// unknown or a required one missing.
    pub fn builder(
        &mut self,
        fields: &serde_json::Map<String, Json>,
        properties: &[Property],
        def: Option<&TypeDef>,
    ) -> Option<(String, String)> {
        if fields
            .keys()
            .any(|key| !properties.iter().any(|p| &p.cfn == key))
        {
            return None;
        }
        let mut arguments = Vec::new();
        for p in properties.iter().filter(|p| p.required) {
            let value = fields.get(&p.cfn)?;
            arguments.push(self.expr(value, &p.shape, def));
        }
        let mut setters = String::new();
        for p in properties.iter().filter(|p| !p.required) {
            if let Some(value) = fields.get(&p.cfn) {
                let expr = self.expr(value, &p.shape, def);
                setters.push_str(&format!(".{}({expr})", p.method));
            }
        }
        Some((arguments.join(", "), setters))
    }

    /// The function `name` of [`INTRINSICS`], imported.
    fn use_fn(&mut self, name: &str) -> &'static str {
        let name = INTRINSICS
            .into_iter()
            .find(|function| *function == name)
            .expect("INTRINSICS lists every function the generated code calls");
        self.intrinsics.insert(name);
        name
    }

    /// An intrinsic function (or `Ref`) as a typed intrinsic, when `value` is one that typed
    /// code can say for this shape.
    fn intrinsic(&mut self, value: &Json, shape: &Shape, def: Option<&TypeDef>) -> Option<String> {
        let Json::Object(map) = value else {
            return None;
        };
        let (function, args) = map.iter().next().filter(|_| map.len() == 1)?;
        let ty = self.rust_type(shape, def);
        let yields_string = matches!(shape, Shape::String | Shape::Enum(_));
        let string_list = *shape == Shape::List(Box::new(Shape::String));
        let expr = match (function.as_str(), args) {
            ("Ref", Json::String(id)) => self.reference(id, shape, &ty),
            ("Fn::GetAtt", Json::Array(parts)) => match parts.as_slice() {
                [Json::String(id), Json::String(attribute)] => {
                    self.get_att(id, attribute, shape, &ty)
                }
                _ => return None,
            },
            ("Fn::Sub", Json::String(text)) if yields_string => {
                format!("{}({text:?})", self.use_fn("sub"))
            }
            ("Fn::Sub", Json::Array(parts)) if yields_string => match parts.as_slice() {
                [Json::String(text), Json::Object(variables)] if !variables.is_empty() => {
                    let pairs: Vec<String> = variables
                        .iter()
                        .map(|(key, value)| {
                            let expr = self.expr(value, &Shape::String, def);
                            format!("({key:?}, kumo_core::Value::<String>::from({expr}))")
                        })
                        .collect();
                    format!(
                        "{}({text:?}, [{}])",
                        self.use_fn("sub_with"),
                        pairs.join(", ")
                    )
                }
                _ => return None,
            },
            ("Fn::Join", Json::Array(parts)) if yields_string => match parts.as_slice() {
                [Json::String(delimiter), list] => {
                    let list = self.expr(list, &Shape::List(Box::new(Shape::String)), def);
                    format!("{}({delimiter:?}, {list})", self.use_fn("join"))
                }
                _ => return None,
            },
            ("Fn::Select", Json::Array(parts)) => match parts.as_slice() {
                [index, list] => {
                    let index = self.expr(index, &Shape::Integer, def);
                    let list = self.expr(list, &Shape::List(Box::new(shape.clone())), def);
                    format!("{}::<{ty}>({index}, {list})", self.use_fn("select"))
                }
                _ => return None,
            },
            ("Fn::Split", Json::Array(parts)) if string_list => match parts.as_slice() {
                [Json::String(delimiter), source] => {
                    let source = self.expr(source, &Shape::String, def);
                    format!("{}({delimiter:?}, {source})", self.use_fn("split"))
                }
                _ => return None,
            },
            ("Fn::If", Json::Array(parts)) => match parts.as_slice() {
                [Json::String(condition), yes, no] => {
                    let yes = self.expr(yes, shape, def);
                    let no = self.expr(no, shape, def);
                    format!("{}::<{ty}>({condition:?}, {yes}, {no})", self.use_fn("if_"))
                }
                _ => return None,
            },
            ("Fn::ImportValue", name) if yields_string => {
                let name = self.expr(name, &Shape::String, def);
                format!("{}({name})", self.use_fn("import_value"))
            }
            ("Fn::Base64", text) if yields_string => {
                let text = self.expr(text, &Shape::String, def);
                format!("{}({text})", self.use_fn("base64"))
            }
            ("Fn::GetAZs", region) if string_list => {
                let region = self.expr(region, &Shape::String, def);
                format!("{}({region})", self.use_fn("get_azs"))
            }
            ("Fn::FindInMap", Json::Array(parts)) => match parts.as_slice() {
                [Json::String(mapping), top, second] => {
                    let top = self.expr(top, &Shape::String, def);
                    let second = self.expr(second, &Shape::String, def);
                    match self.mappings.get(mapping) {
                        Some(name) if yields_string => format!("{name}.find({top}, {second})"),
                        _ => {
                            let find = self.use_fn("find_in_map");
                            format!("{find}::<{ty}>({mapping:?}, {top}, {second})")
                        }
                    }
                }
                _ => return None,
            },
            ("Fn::Cidr", Json::Array(parts)) if string_list => match parts.as_slice() {
                [block, count, bits] => {
                    let block = self.expr(block, &Shape::String, def);
                    let count = self.expr(count, &Shape::Integer, def);
                    let bits = self.expr(bits, &Shape::Integer, def);
                    format!("{}({block}, {count}, {bits})", self.use_fn("cidr"))
                }
                _ => return None,
            },
            _ => return None,
        };
        Some(expr)
    }

    fn reference(&mut self, id: &str, shape: &Shape, ty: &str) -> String {
        let yields_string = matches!(shape, Shape::String | Shape::Enum(_));
        if let Some((_, function, _)) = PSEUDO.iter().find(|(name, ..)| *name == id) {
            if yields_string {
                self.intrinsics.insert("pseudo");
                return format!("pseudo::{function}()");
            }
        }
        if id == "AWS::NoValue" {
            self.intrinsics.insert("pseudo");
            return format!("pseudo::no_value::<{ty}>()");
        }
        if let Some(handle) = self.handles.get(id) {
            if yields_string {
                return format!("{}.r#ref()", handle.name);
            }
        }
        if let Some((name, declared)) = self.parameters.get(id) {
            let conversion = match (declared, shape) {
                (declared, shape) if declared == shape => Some("clone"),
                (Shape::Integer, Shape::String) => Some("to_text"),
                (Shape::Integer, Shape::Double) => Some("to_f64"),
                (Shape::String, Shape::Boolean) => Some("to_bool"),
                _ => None,
            };
            if let Some(conversion) = conversion {
                return format!("{name}.{conversion}()");
            }
        }
        format!("{}::<{ty}>({id:?})", self.use_fn("reference"))
    }

    fn get_att(&mut self, id: &str, attribute: &str, shape: &Shape, ty: &str) -> String {
        match self.handles.get(id) {
            Some(handle) => {
                let typed = handle
                    .attributes
                    .as_ref()
                    .and_then(|attributes| attributes.get(attribute))
                    .filter(|(_, declared)| declared == shape || enum_of_string(shape, declared));
                match typed {
                    Some((method, _)) => format!("{}.{method}()", handle.name),
                    None => format!("{}.get_att::<{ty}>({attribute:?})", handle.name),
                }
            }
            None => format!("{}::<{ty}>({id:?}, {attribute:?})", self.use_fn("get_att")),
        }
    }
}

/// Whether an attribute of `declared` shape converts into a value of `shape`: a string into a
/// string enum.
fn enum_of_string(shape: &Shape, declared: &Shape) -> bool {
    matches!(shape, Shape::Enum(_)) && *declared == Shape::String
}

/// What kind of literal a JSON value is, for lists of one Rust type.
fn kind(value: &Json) -> &'static str {
    match value {
        Json::Object(map) if map.len() == 1 => {
            let key = map.keys().next().map_or("", String::as_str);
            if key == "Ref" || key.starts_with("Fn::") {
                "intrinsic"
            } else {
                "object"
            }
        }
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(n) if n.is_f64() => "float",
        Json::Number(_) => "integer",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn integer(n: i64, suffix: &str) -> String {
    if i32::try_from(n).is_ok() {
        n.to_string()
    } else {
        format!("{n}_{suffix}")
    }
}

/// A number as an `f64` literal that writes the same JSON: integers within `i32` stay integers;
/// `None` for a larger integer, which an `f64` would not write as it is.
fn double(n: &serde_json::Number) -> Option<String> {
    if !n.is_f64() {
        let small = n.as_i64().and_then(|i| i32::try_from(i).ok());
        return small.map(|i| i.to_string());
    }
    let f = n.as_f64()?;
    let text = format!("{f:?}");
    Some(if text.contains(['.', 'e']) {
        text
    } else {
        format!("{text}.0")
    })
}

/// A JSON number as a Rust literal of the same value and JSON: an integer beyond `i32`, which
/// an unsuffixed literal would be, with its type (`3000000000_i64`, `_u64` beyond `i64`).
pub fn number(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => integer(i, "i64"),
        (None, Some(u)) => format!("{u}_u64"),
        (None, None) => n.to_string(),
    }
}

/// `serde_json::json!` of a value, pretty when long.
pub fn json_macro(value: &Json) -> String {
    let compact = json_text(value, CompactFormatter);
    if compact.len() <= 80 {
        format!("json!({compact})")
    } else {
        format!("json!({})", json_text(value, PrettyFormatter::new()))
    }
}

/// `value`'s JSON text as `format` lays it out, its strings also Rust string literals.
fn json_text(value: &Json, format: impl Formatter) -> String {
    let mut text = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut text, RustEscapes(format));
    // Writing JSON to a Vec cannot fail, and serde_json writes UTF-8.
    let _ = value.serialize(&mut serializer);
    String::from_utf8(text).unwrap_or_default()
}

/// A JSON formatter whose text Rust reads too: a control character is written `\u{1b}`
/// rather than `\u001b`, and backspace and form feed `\u{8}` and `\u{c}` rather than `\b` and
/// `\f`, which a Rust string literal does not take; an integer beyond `i32` with its type
/// ([`number`]), since `json!` would take it for an `i32`.
struct RustEscapes<F>(F);

impl<F: Formatter> Formatter for RustEscapes<F> {
    fn write_i64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: i64) -> io::Result<()> {
        writer.write_all(integer(value, "i64").as_bytes())
    }

    fn write_u64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: u64) -> io::Result<()> {
        match i64::try_from(value) {
            Ok(value) => self.write_i64(writer, value),
            Err(_) => write!(writer, "{value}_u64"),
        }
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        match escape {
            CharEscape::Backspace => writer.write_all(b"\\u{8}"),
            CharEscape::FormFeed => writer.write_all(b"\\u{c}"),
            CharEscape::AsciiControl(byte) => write!(writer, "\\u{{{byte:x}}}"),
            other => self.0.write_char_escape(writer, other),
        }
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_is_written_with_the_escapes_rust_reads() {
        let value = json!({"a\u{4}": ["\u{1b}[0m", "\u{8}\u{c}\t\n\"\\/é"]});
        assert_eq!(
            json_macro(&value),
            r#"json!({"a\u{4}":["\u{1b}[0m","\u{8}\u{c}\t\n\"\\/é"]})"#
        );
        let long = json!({"Note": "\u{1b}".repeat(20)});
        assert_eq!(
            json_macro(&long),
            format!("json!({{\n  \"Note\": \"{}\"\n}})", "\\u{1b}".repeat(20))
        );
    }

    #[test]
    fn integers_beyond_i32_carry_their_type() {
        let value =
            json!({"A": 3_000_000_000_i64, "B": -3_000_000_000_i64, "C": u64::MAX, "D": [7, -7]});
        assert_eq!(
            json_macro(&value),
            r#"json!({"A":3000000000_i64,"B":-3000000000_i64,"C":18446744073709551615_u64,"D":[7,-7]})"#
        );
        let mut cx = Context::default();
        let big = json!(12_345_678_901_234_567_890_u64);
        assert_eq!(
            cx.expr(&big, &Shape::String, None),
            "adopt::raw::<String>(json!(12345678901234567890_u64))",
            "a string property's number beyond i64 stays that number"
        );
        assert_eq!(
            cx.expr(&big, &Shape::Double, None),
            "adopt::raw::<f64>(json!(12345678901234567890_u64))"
        );
        assert_eq!(number(&serde_json::Number::from(5)), "5");
        assert_eq!(
            number(&serde_json::Number::from(1_u64 << 40)),
            "1099511627776_i64"
        );
        assert_eq!(number(&serde_json::Number::from_f64(1.5).unwrap()), "1.5");
    }

    #[test]
    fn literals_keep_their_json_type() {
        let mut cx = Context::default();
        assert_eq!(cx.expr(&json!("a\"b"), &Shape::String, None), "\"a\\\"b\"");
        assert_eq!(cx.expr(&json!(5), &Shape::Double, None), "5");
        assert_eq!(cx.expr(&json!(5.5), &Shape::Double, None), "5.5");
        assert_eq!(
            cx.expr(&json!(5_000_000_000_i64), &Shape::Integer, None),
            "5000000000_i64"
        );
        assert_eq!(cx.raw, 0);
        assert_eq!(
            cx.expr(&json!("5"), &Shape::Integer, None),
            "adopt::raw::<i64>(json!(\"5\"))",
            "a number written as text stays text"
        );
        assert_eq!(cx.raw, 1);
    }

    #[test]
    fn values_cloudformation_converts_use_explicit_conversions() {
        let mut cx = Context::default();
        assert_eq!(
            cx.expr(&json!("true"), &Shape::Boolean, None),
            "kumo_core::Value::<String>::from(\"true\").to_bool()"
        );
        assert_eq!(
            cx.expr(&json!(80), &Shape::String, None),
            "kumo_core::Value::<i64>::from(80).to_text()"
        );
        cx.parameters
            .insert("Port".into(), ("port".into(), Shape::Integer));
        assert_eq!(
            cx.expr(&json!({"Ref": "Port"}), &Shape::String, None),
            "port.to_text()"
        );
        assert_eq!(
            cx.expr(&json!({"Ref": "Port"}), &Shape::Integer, None),
            "port.clone()"
        );
        assert_eq!(cx.raw, 0);
        assert_eq!(
            cx.expr(&json!("yes"), &Shape::Boolean, None),
            "adopt::raw::<bool>(json!(\"yes\"))"
        );
    }

    #[test]
    fn mixed_lists_convert_each_item() {
        let mut cx = Context::default();
        let list = json!(["a", {"Ref": "AWS::Region"}]);
        assert_eq!(
            cx.expr(&list, &Shape::List(Box::new(Shape::String)), None),
            "[kumo_core::Value::<String>::from(\"a\"), kumo_core::Value::<String>::from(pseudo::region())]"
        );
    }
}
