//! The Rust names of the typed resources, read from the index kumo-codegen writes beside
//! kumo-core's generated code (`index.txt.gz`; its format is documented in kumo-codegen's
//! `index` module). Nothing here names a type by hand: a type missing from the index is migrated
//! as a raw resource.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

use super::MigrateError;

/// The gzipped index, as kumo-codegen wrote it.
const INDEX: &[u8] = include_bytes!("index.txt.gz");

/// A property's value shape: the `T` of the setter's `Value<T>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// `String`
    String,
    /// `i64`
    Integer,
    /// `f64`
    Double,
    /// `bool`
    Boolean,
    /// `kumo_core::Json`
    Json,
    /// `kumo_core::iam::PolicyDocument`
    Policy,
    /// `Vec<T>`
    List(Box<Shape>),
    /// `BTreeMap<String, T>`
    Map(Box<Shape>),
    /// A property type of the resource, by name.
    Struct(String),
    /// An enum of the resource, by name.
    Enum(String),
}

/// A settable property of a resource or property type.
#[derive(Debug, Clone)]
pub struct Property {
    /// The CloudFormation name.
    pub cfn: String,
    /// The setter (or `new` argument) name.
    pub method: String,
    /// The value shape.
    pub shape: Shape,
    /// Whether it is an argument of `new`.
    pub required: bool,
}

/// A resource type's Rust names.
#[derive(Debug, Clone, Default)]
pub struct TypeDef {
    /// The service module (and kumo-core feature): `ec2`.
    pub service: String,
    /// The struct: `Vpc`.
    pub name: String,
    /// The module of its property types: `vpc`.
    pub module: String,
    /// Its properties, required ones in `new`'s argument order.
    pub properties: Vec<Property>,
    /// Its attributes: CloudFormation name to (method, shape).
    pub attributes: BTreeMap<String, (String, Shape)>,
    /// Its property types, by name.
    pub structs: BTreeMap<String, Vec<Property>>,
    /// Its enums, by name: (variant, value) pairs.
    pub enums: BTreeMap<String, Vec<(String, String)>>,
}

/// Every resource type's Rust names, by CloudFormation type name.
#[derive(Debug, Default)]
pub struct Index {
    types: BTreeMap<String, TypeDef>,
    keywords: std::collections::BTreeSet<String>,
}

impl Index {
    /// The index compiled into this binary, read once.
    pub fn get() -> Result<&'static Index, MigrateError> {
        static INDEX_CELL: OnceLock<Result<Index, String>> = OnceLock::new();
        INDEX_CELL
            .get_or_init(|| {
                let mut text = String::new();
                flate2::read::GzDecoder::new(INDEX)
                    .read_to_string(&mut text)
                    .map_err(|err| err.to_string())?;
                Index::parse(&text)
            })
            .as_ref()
            .map_err(|reason| MigrateError::Index(reason.clone()))
    }

    /// Whether `word` is a Rust keyword, which a name must not be.
    pub fn is_keyword(&self, word: &str) -> bool {
        self.keywords.contains(word)
    }

    /// Reads index text.
    pub fn parse(text: &str) -> Result<Index, String> {
        let mut index = Index::default();
        let mut current: Option<(String, TypeDef)> = None;
        let mut target = Target::Resource;
        for (number, line) in text.lines().enumerate() {
            let fields: Vec<&str> = line.split('\t').collect();
            let bad = || format!("line {} of the index is malformed: `{line}`", number + 1);
            match fields.as_slice() {
                ["K", words @ ..] => {
                    index.keywords = words.iter().map(|word| (*word).to_owned()).collect();
                }
                ["R", type_name, service, name, module, _tagging] => {
                    index.types.extend(current.take());
                    let def = TypeDef {
                        service: (*service).to_owned(),
                        name: (*name).to_owned(),
                        module: (*module).to_owned(),
                        ..TypeDef::default()
                    };
                    current = Some(((*type_name).to_owned(), def));
                    target = Target::Resource;
                }
                ["P", cfn, method, shape, required] => {
                    let (_, def) = current.as_mut().ok_or_else(bad)?;
                    let property = Property {
                        cfn: (*cfn).to_owned(),
                        method: (*method).to_owned(),
                        shape: parse_shape(shape).ok_or_else(bad)?,
                        required: *required == "r",
                    };
                    match &target {
                        Target::Resource => def.properties.push(property),
                        Target::Struct(name) => {
                            def.structs.entry(name.clone()).or_default().push(property)
                        }
                        Target::Enum(_) => return Err(bad()),
                    }
                }
                ["A", cfn, method, shape] => {
                    let (_, def) = current.as_mut().ok_or_else(bad)?;
                    let shape = parse_shape(shape).ok_or_else(bad)?;
                    def.attributes
                        .insert((*cfn).to_owned(), ((*method).to_owned(), shape));
                }
                ["S", name] => {
                    let (_, def) = current.as_mut().ok_or_else(bad)?;
                    def.structs.insert((*name).to_owned(), Vec::new());
                    target = Target::Struct((*name).to_owned());
                }
                ["E", name] => {
                    let (_, def) = current.as_mut().ok_or_else(bad)?;
                    def.enums.insert((*name).to_owned(), Vec::new());
                    target = Target::Enum((*name).to_owned());
                }
                ["V", variant, value] => {
                    let (_, def) = current.as_mut().ok_or_else(bad)?;
                    let Target::Enum(name) = &target else {
                        return Err(bad());
                    };
                    def.enums
                        .entry(name.clone())
                        .or_default()
                        .push(((*variant).to_owned(), (*value).to_owned()));
                }
                _ => return Err(bad()),
            }
        }
        index.types.extend(current);
        Ok(index)
    }

    /// The Rust names of a resource type, if kumo-core generates it.
    pub fn get_type(&self, type_name: &str) -> Option<&TypeDef> {
        self.types.get(type_name)
    }
}

enum Target {
    Resource,
    Struct(String),
    Enum(String),
}

fn parse_shape(text: &str) -> Option<Shape> {
    let shape = match text {
        "s" => Shape::String,
        "i" => Shape::Integer,
        "f" => Shape::Double,
        "b" => Shape::Boolean,
        "j" => Shape::Json,
        "p" => Shape::Policy,
        _ => {
            if let Some(item) = text.strip_prefix('[') {
                Shape::List(Box::new(parse_shape(item)?))
            } else if let Some(item) = text.strip_prefix('{') {
                Shape::Map(Box::new(parse_shape(item)?))
            } else if let Some(name) = text.strip_prefix("S:") {
                Shape::Struct(name.to_owned())
            } else {
                Shape::Enum(text.strip_prefix("E:")?.to_owned())
            }
        }
    };
    Some(shape)
}
