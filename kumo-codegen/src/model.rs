//! The model generated code is written from: services, resources, their properties, attributes,
//! nested property types and enums, with every schema shape resolved to a Rust type.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::markdown;
use crate::names::{camel, service_module, snake, Names};
use crate::prose::{Prose, TypeProse};
use crate::schema::Schemas;

/// A property's Rust type (the `T` of `Value<T>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    String,
    Integer,
    Double,
    Boolean,
    Json,
    Policy,
    List(Box<Ty>),
    Map(Box<Ty>),
    Struct(String),
    Enum(String),
}

/// A settable property.
#[derive(Debug)]
pub struct Property {
    pub cfn: String,
    pub method: String,
    pub ty: Ty,
    pub required: bool,
    pub docs: Vec<String>,
}

/// A nested property type.
#[derive(Debug)]
pub struct StructDef {
    pub name: String,
    pub cfn: String,
    /// AWS's description as doc markdown, or empty.
    pub description: String,
    pub doc_url: String,
    pub properties: Vec<Property>,
}

/// A string property restricted to listed values.
#[derive(Debug)]
pub struct EnumDef {
    pub name: String,
    pub cfn: String,
    pub variants: Vec<(String, String)>,
}

/// A `Fn::GetAtt` attribute.
#[derive(Debug)]
pub struct Attribute {
    pub cfn: String,
    pub method: String,
    pub ty: Ty,
    /// AWS's description as doc markdown, or empty.
    pub description: String,
}

/// How a resource type carries tags: kumo-core's `Tagging`.
#[derive(Debug, PartialEq, Eq)]
pub enum Tagging {
    /// No tags: the type takes none, or in a shape kumo cannot fill.
    None,
    /// A list of objects of this shape.
    List(TagList),
    /// A map of strings in the named property.
    Map(String),
}

/// A list of tag objects: the property, the key and value fields, and the required boolean
/// fields set to `true`.
#[derive(Debug, PartialEq, Eq)]
pub struct TagList {
    pub property: String,
    pub key: String,
    pub value: String,
    pub flags: Vec<String>,
}

/// A resource type.
#[derive(Debug)]
pub struct ResourceDef {
    pub type_name: String,
    pub name: String,
    pub module: String,
    pub doc_url: String,
    /// AWS's description as doc markdown, or empty.
    pub description: String,
    /// Whether the type holds data that replacing or deleting it loses.
    pub stateful: bool,
    pub properties: Vec<Property>,
    /// The name of every property of the schema, read-only ones too, sorted.
    pub property_names: Vec<String>,
    /// Whether a resource of the type may have properties the schema does not name.
    pub open: bool,
    pub attributes: Vec<Attribute>,
    pub replaced_on_change: Vec<String>,
    /// The properties an existing resource is imported by (the schema's `primaryIdentifier`),
    /// empty when it names none or one inside a property.
    pub primary_identifier: Vec<String>,
    pub tagging: Tagging,
    pub structs: Vec<StructDef>,
    pub enums: Vec<EnumDef>,
}

/// A service namespace (`AWS::S3`): one Rust module behind one Cargo feature.
#[derive(Debug)]
pub struct Service {
    pub namespace: String,
    pub module: String,
    pub resources: Vec<ResourceDef>,
}

/// Most values a schema enum may list to become a Rust enum; longer lists stay strings.
const MAX_ENUM_VARIANTS: usize = 64;

/// Properties that hold IAM policy documents, typed as `PolicyDocument` where the schema says
/// only "object".
const POLICY_PROPERTIES: &[&str] = &["AssumeRolePolicyDocument", "KeyPolicy", "PolicyDocument"];

/// Method names the resource builders already have (`new`, the `Attributes` trait's methods);
/// a property of such a name gets a `_property` suffix.
const BUILDER_METHODS: &[&str] = &[
    "new",
    "depends_on",
    "condition",
    "deletion_policy",
    "update_replace_policy",
    "metadata",
    "creation_policy",
    "update_policy",
    "raw_property",
    "resource",
    "resource_mut",
    "into_resource",
];

/// Method names of standard traits, which a builder method must not look like; a property of
/// such a name gets a `_property` suffix too.
const STD_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "clone",
    "cmp",
    "default",
    "deref",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "partial_cmp",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// The method namespace of a builder: its own methods and the standard ones reserved.
fn builder_methods(own: &[&'static str]) -> Names {
    let reserved: Vec<&str> = own.iter().chain(STD_METHODS).copied().collect();
    Names::reserving(&reserved)
}

/// Method names `Handle` already has; an attribute of such a name gets an `_attribute` suffix.
const HANDLE_METHODS: &[&str] = &["new", "logical_id", "r#ref", "get_att", "clone", "fmt"];

/// Type names generated code uses unqualified; a property type of such a name is renamed.
const PRELUDE_TYPES: &[&str] = &[
    "String", "Vec", "Option", "Box", "Result", "Some", "None", "Ok", "Err",
];

/// Resolves every vendored schema into services, described by `prose`.
pub fn build(schemas: &Schemas, prose: &Prose) -> Vec<Service> {
    let mut services: BTreeMap<String, Service> = BTreeMap::new();
    for (type_name, schema) in &schemas.types {
        let namespace = type_name
            .rsplit_once("::")
            .map_or(type_name.as_str(), |(ns, _)| ns);
        let module = service_module(namespace);
        let service = services.entry(module.clone()).or_insert_with(|| Service {
            namespace: namespace.to_owned(),
            module,
            resources: Vec::new(),
        });
        service
            .resources
            .push(resource(type_name, schema, prose.of(type_name)));
    }
    for service in services.values_mut() {
        let mut names = Names::default();
        let mut modules = Names::reserving(&["TYPES"]);
        for resource in &mut service.resources {
            resource.name = names.claim(resource.name.clone(), "Resource");
            resource.module = modules.claim(resource.module.clone(), "_types");
        }
    }
    services.into_values().collect()
}

/// The parts of a type name: vendor, service, resource (`AWS`, `S3`, `Bucket`).
fn parts(type_name: &str) -> (String, String, String) {
    let mut parts = type_name.split("::").map(str::to_ascii_lowercase);
    let vendor = parts.next().unwrap_or_default();
    let service = parts.next().unwrap_or_default();
    let resource = parts.collect::<Vec<_>>().join("-");
    (vendor, service, resource)
}

const DOCS: &str = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference";

/// `text` as doc markdown, or nothing.
fn described(text: Option<&String>) -> Option<String> {
    text.map(|text| markdown::prose(text))
        .filter(|text| !text.is_empty())
}

fn resource(type_name: &str, schema: &Value, prose: &TypeProse) -> ResourceDef {
    let (vendor, service, res) = parts(type_name);
    let resource_name = type_name.rsplit("::").next().unwrap_or(type_name);
    let doc_url = format!("{DOCS}/{vendor}-resource-{service}-{res}.html");
    let read_only = pointers(schema, "readOnlyProperties");
    let create_only = pointers(schema, "createOnlyProperties");
    let required: BTreeSet<&str> = strings(&schema["required"]).into_iter().collect();

    let mut resolver = Resolver::new(type_name, schema, prose);
    let mut methods = builder_methods(BUILDER_METHODS);
    let mut properties = Vec::new();
    for (name, node) in sorted(&schema["properties"]) {
        if is_read_only(schema, name, node, &read_only) {
            continue;
        }
        let ty = resolver.property(node, name);
        let mut docs: Vec<String> = described(prose.properties.get(name)).into_iter().collect();
        docs.extend(describe(name, &ty, node, required.contains(name.as_str())));
        if create_only.iter().any(|p| p == name) {
            docs.push("Changing it replaces the resource.".to_owned());
        }
        docs.push(format!(
            "[Documentation]({doc_url}#cfn-{service}-{res}-{})",
            name.to_ascii_lowercase()
        ));
        properties.push(Property {
            cfn: name.clone(),
            method: methods.claim(snake(name), "_property"),
            ty,
            required: required.contains(name.as_str()),
            docs,
        });
    }

    let mut attribute_names = Names::reserving(HANDLE_METHODS);
    let attributes = attribute_paths(schema, &read_only, prose)
        .iter()
        .map(|path| {
            let cfn = path.replace('/', ".");
            Attribute {
                method: attribute_names.claim(snake(&path.replace('/', "_")), "_attribute"),
                ty: attribute_type(schema, path),
                description: described(prose.attributes.get(&cfn)).unwrap_or_default(),
                cfn,
            }
        })
        .collect();

    let tagging = tagging(schema, &properties);
    let (structs, enums) = resolver.finish();
    ResourceDef {
        type_name: type_name.to_owned(),
        name: camel(resource_name),
        module: snake(resource_name),
        doc_url,
        description: described(Some(&prose.description)).unwrap_or_default(),
        stateful: prose.stateful,
        properties,
        property_names: sorted(&schema["properties"])
            .into_iter()
            .map(|(name, _)| name.clone())
            .collect(),
        // CloudFormation hands a custom resource's properties, whatever they are, to its
        // provider, though the schema allows only its own.
        open: schema["additionalProperties"] != Value::Bool(false)
            || type_name == "AWS::CloudFormation::CustomResource",
        attributes,
        replaced_on_change: create_only.iter().map(|p| p.replace('/', ".")).collect(),
        primary_identifier: primary_identifier(schema),
        tagging,
        structs,
        enums,
    }
}

/// Whether a property is an output only: read-only itself, or an object all of whose fields are.
fn is_read_only(schema: &Value, name: &str, node: &Value, read_only: &[String]) -> bool {
    if read_only.iter().any(|p| p == name) {
        return true;
    }
    let fields = follow(schema, node)["properties"].as_object();
    fields.is_some_and(|fields| {
        !fields.is_empty()
            && fields
                .keys()
                .all(|field| read_only.iter().any(|p| *p == format!("{name}/{field}")))
    })
}

/// The property paths of a list of JSON pointers (`/properties/A/B` is `A/B`).
fn pointers(schema: &Value, key: &str) -> Vec<String> {
    let mut paths: Vec<String> = strings(&schema[key])
        .into_iter()
        .filter_map(|p| p.strip_prefix("/properties/"))
        .map(str::to_owned)
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The top-level properties of the schema's `primaryIdentifier`, in its order; none when it
/// names a property inside another (a nested identifier, keyed as CloudFormation does not say).
fn primary_identifier(schema: &Value) -> Vec<String> {
    let names: Option<Vec<String>> = strings(&schema["primaryIdentifier"])
        .into_iter()
        .map(|p| {
            p.strip_prefix("/properties/")
                .filter(|name| !name.contains('/'))
        })
        .map(|name| name.map(str::to_owned))
        .collect();
    names.unwrap_or_default()
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn sorted(value: &Value) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = value
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// Where and in what shape the type takes tags: a list of key-value objects (with required
/// boolean fields kumo sets to `true`), a map of strings, or nothing kumo can fill correctly.
fn tagging(schema: &Value, properties: &[Property]) -> Tagging {
    let tagging = &schema["tagging"];
    if tagging["taggable"].as_bool() != Some(true) {
        return Tagging::None;
    }
    let name = tagging["tagProperty"]
        .as_str()
        .and_then(|p| p.strip_prefix("/properties/"))
        .unwrap_or("Tags");
    match properties.iter().find(|p| p.cfn == name).map(|p| &p.ty) {
        Some(Ty::List(item)) if matches!(**item, Ty::Struct(_)) => {
            let node = follow(schema, &schema["properties"][name]);
            let item = follow(schema, &node["items"]);
            tag_list(schema, name, item).map_or(Tagging::None, Tagging::List)
        }
        Some(Ty::Map(value)) if **value == Ty::String => {
            let node = follow(schema, &schema["properties"][name]);
            let keys = node["patternProperties"].as_object().into_iter().flatten();
            let fits = keys.map(|(pattern, _)| pattern).all(|p| takes_kumo_keys(p));
            if fits {
                Tagging::Map(name.to_owned())
            } else {
                Tagging::None
            }
        }
        _ => Tagging::None,
    }
}

/// The keys of kumo's default tags (kumo-core's `SERVICE_TAG` and `ENVIRONMENT_TAG`).
const KUMO_TAG_KEYS: [&str; 2] = ["service-name", "environment"];

/// Whether a tag key pattern lets kumo's own keys through: a type whose keys cannot be
/// `service-name` gets no default tags. A pattern the `regex` crate cannot read (look-arounds)
/// is taken to let them through.
fn takes_kumo_keys(pattern: &str) -> bool {
    regex::Regex::new(pattern).map_or(true, |re| KUMO_TAG_KEYS.iter().all(|k| re.is_match(k)))
}

/// The shape of a tag list whose items are `item`: exactly one string field ending in `Key`
/// and one ending in `Value`; every other required field a boolean.
fn tag_list(schema: &Value, property: &str, item: &Value) -> Option<TagList> {
    let fields = item["properties"].as_object()?;
    let is = |node: &Value, ty: &str| type_names(follow(schema, node)) == [ty];
    let string_field = |suffix: &str| {
        let mut found = fields
            .iter()
            .filter(|(name, node)| name.ends_with(suffix) && is(node, "string"));
        match (found.next(), found.next()) {
            (Some((name, _)), None) => Some(name.clone()),
            _ => None,
        }
    };
    let key = string_field("Key")?;
    if !fields[&key]["pattern"].as_str().is_none_or(takes_kumo_keys) {
        return None;
    }
    let value = string_field("Value")?;
    let mut flags = Vec::new();
    for required in strings(&item["required"]) {
        if required == key || required == value {
            continue;
        }
        if !is(fields.get(required)?, "boolean") {
            return None;
        }
        flags.push(required.to_owned());
    }
    flags.sort();
    Some(TagList {
        property: property.to_owned(),
        key,
        value,
        flags,
    })
}

/// The `Fn::GetAtt` names of a resource type, as schema paths (`Endpoint/Address`): its
/// read-only properties (but those inside lists), then the properties that the specification
/// names as attributes too (`AWS::SQS::Queue`'s `QueueName`, `AWS::EC2::Subnet`'s `VpcId`),
/// which the registry schema lists only as properties one sets. An attribute the specification
/// names that is not in the schema at all is left out: its type is unknown, and some are of
/// older versions of the type.
fn attribute_paths(schema: &Value, read_only: &[String], prose: &TypeProse) -> Vec<String> {
    let mut paths: Vec<String> = read_only
        .iter()
        .filter(|path| !path.contains('*'))
        .cloned()
        .collect();
    for name in prose.attributes.keys() {
        let path = name.replace('.', "/");
        if !paths.contains(&path) && !property_node(schema, &path).is_null() {
            paths.push(path);
        }
    }
    paths
}

/// The schema's node of the property at `path` (`Endpoint/Address`), its `$ref`s followed;
/// null when the schema has no such property.
fn property_node<'a>(schema: &'a Value, path: &str) -> &'a Value {
    let mut node = &schema["properties"];
    for (index, segment) in path.split('/').enumerate() {
        if index > 0 {
            node = &node["properties"];
        }
        node = follow(schema, &node[segment]);
    }
    node
}

/// The type of an attribute, without generating types for it: objects are JSON.
fn attribute_type(schema: &Value, path: &str) -> Ty {
    let node = property_node(schema, path);
    match type_names(node).as_slice() {
        ["string"] => Ty::String,
        ["integer"] => Ty::Integer,
        ["number"] => Ty::Double,
        ["boolean"] => Ty::Boolean,
        ["array"] => match type_names(follow(schema, &node["items"])).as_slice() {
            ["string"] => Ty::List(Box::new(Ty::String)),
            _ => Ty::Json,
        },
        [] if node.is_null() => Ty::String,
        _ => Ty::Json,
    }
}

/// A node with its `$ref` (if any) followed.
fn follow<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    match node["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/definitions/"))
    {
        Some(name) => &schema["definitions"][name],
        None => node,
    }
}

fn type_names(node: &Value) -> Vec<&str> {
    match &node["type"] {
        Value::String(one) => vec![one.as_str()],
        many => strings(many),
    }
}

/// Doc lines of a property: its type and constraints.
fn describe(name: &str, ty: &Ty, node: &Value, required: bool) -> Vec<String> {
    let mut docs = vec![format!(
        "`{name}`: {}{}.",
        type_phrase(ty),
        if required { ", required" } else { "" }
    )];
    let range = |lo: &str, hi: &str| match (node[lo].as_f64(), node[hi].as_f64()) {
        (Some(lo), Some(hi)) => Some(format!("{lo} to {hi}")),
        (Some(lo), None) => Some(format!("at least {lo}")),
        (None, Some(hi)) => Some(format!("at most {hi}")),
        (None, None) => None,
    };
    if let Some(range) = range("minLength", "maxLength") {
        docs.push(format!("Length: {range}."));
    }
    if let Some(range) = range("minimum", "maximum") {
        docs.push(format!("Range: {range}."));
    }
    if let Some(range) = range("minItems", "maxItems") {
        docs.push(format!("Items: {range}."));
    }
    if let Some(pattern) = node["pattern"].as_str() {
        docs.push(format!("Pattern: {}.", code(pattern)));
    }
    if !matches!(ty, Ty::Enum(_)) {
        let values = strings(&node["enum"]);
        if !values.is_empty() {
            let listed: Vec<_> = values
                .iter()
                .take(MAX_ENUM_VARIANTS)
                .map(|v| code(v))
                .collect();
            let more = values.len().saturating_sub(MAX_ENUM_VARIANTS);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            docs.push(format!("Allowed values: {}{tail}.", listed.join(", ")));
        }
    }
    if let Some(default) = node
        .get("default")
        .filter(|d| !d.is_object() && !d.is_array())
    {
        docs.push(format!("Default: {}.", code(&default.to_string())));
    }
    docs
}

/// Markdown inline code for any text.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r', '\t'], " ");
    let ticks = if text.contains('`') { "``" } else { "`" };
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

fn type_phrase(ty: &Ty) -> String {
    match ty {
        Ty::String => "string".into(),
        Ty::Integer => "integer".into(),
        Ty::Double => "number".into(),
        Ty::Boolean => "boolean".into(),
        Ty::Json => "JSON".into(),
        Ty::Policy => "IAM policy document".into(),
        Ty::List(item) => format!("list of {}", type_phrase(item)),
        Ty::Map(item) => format!("map of {}", type_phrase(item)),
        Ty::Struct(name) | Ty::Enum(name) => format!("[`{name}`]"),
    }
}

/// Resolves the schema nodes of one resource type, generating its property types and enums.
/// The types of a map value the schema lets be anything.
const ANY_VALUE: &[&str] = &["array", "boolean", "number", "object", "string"];

struct Resolver<'a> {
    type_name: &'a str,
    schema: &'a Value,
    prose: &'a TypeProse,
    names: Names,
    definitions: BTreeMap<String, Ty>,
    reserved: BTreeMap<String, String>,
    resolving: BTreeSet<String>,
    /// The types whose properties are being resolved, innermost last: they qualify the name of
    /// an inline type that collides.
    owners: Vec<String>,
    structs: Vec<StructDef>,
    enums: Vec<EnumDef>,
}

impl<'a> Resolver<'a> {
    fn new(type_name: &'a str, schema: &'a Value, prose: &'a TypeProse) -> Self {
        let mut names = Names::reserving(PRELUDE_TYPES);
        let reserved = sorted(&schema["definitions"])
            .into_iter()
            .map(|(name, _)| (name.clone(), names.claim(camel(name), "Property")))
            .collect();
        Resolver {
            type_name,
            schema,
            prose,
            names,
            definitions: BTreeMap::new(),
            reserved,
            resolving: BTreeSet::new(),
            owners: vec![camel(type_name.rsplit("::").next().unwrap_or(type_name))],
            structs: Vec::new(),
            enums: Vec::new(),
        }
    }

    fn finish(mut self) -> (Vec<StructDef>, Vec<EnumDef>) {
        self.structs.sort_by(|a, b| a.name.cmp(&b.name));
        self.enums.sort_by(|a, b| a.name.cmp(&b.name));
        (self.structs, self.enums)
    }

    /// The type of a property named `name`.
    fn property(&mut self, node: &Value, name: &str) -> Ty {
        match self.node(node, name, None) {
            Ty::Json if POLICY_PROPERTIES.contains(&name) => Ty::Policy,
            ty => ty,
        }
    }

    /// The type of a schema node; `name` names a type made for it, `definition` is set when the
    /// node is a definition (whose reserved name is used).
    fn node(&mut self, node: &Value, name: &str, definition: Option<&str>) -> Ty {
        if let Some(target) = node["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/definitions/"))
        {
            return self.definition(target);
        }
        let has_properties = node["properties"]
            .as_object()
            .is_some_and(|p| !p.is_empty());
        let types = type_names(node);
        match types.as_slice() {
            ["string"] => self.string(node, name, definition),
            ["integer"] => Ty::Integer,
            ["number"] => Ty::Double,
            ["boolean"] => Ty::Boolean,
            ["array"] => {
                // The items of a list definition take the definition's name.
                let item = self.node(&node["items"], name, definition);
                Ty::List(Box::new(item))
            }
            ["object"] | [] if has_properties => self.object(node, name, definition),
            ["object"] => self.map(node, name),
            [] => self.alternatives(node, name),
            many if many.contains(&"object") && has_properties => {
                self.object(node, name, definition)
            }
            [scalar, "string"] | ["string", scalar] => match *scalar {
                "integer" => Ty::Integer,
                "number" => Ty::Double,
                "boolean" => Ty::Boolean,
                _ => Ty::Json,
            },
            _ => Ty::Json,
        }
    }

    fn definition(&mut self, target: &str) -> Ty {
        if let Some(ty) = self.definitions.get(target) {
            return ty.clone();
        }
        let schema = self.schema;
        let node = &schema["definitions"][target];
        if node.is_null() || !self.resolving.insert(target.to_owned()) {
            return Ty::Json;
        }
        let ty = self.node(node, target, Some(target));
        self.resolving.remove(target);
        self.definitions.insert(target.to_owned(), ty.clone());
        ty
    }

    fn type_name(&mut self, name: &str, definition: Option<&str>) -> String {
        match definition.and_then(|d| self.reserved.get(d)) {
            Some(reserved) => reserved.clone(),
            None => {
                let owner = self.owners.last().map_or("", String::as_str);
                self.names.claim_qualified(camel(name), owner, "Property")
            }
        }
    }

    fn string(&mut self, node: &Value, name: &str, definition: Option<&str>) -> Ty {
        let values = strings(&node["enum"]);
        if values.is_empty() || values.len() > MAX_ENUM_VARIANTS {
            return Ty::String;
        }
        let mut variants = Names::default();
        let mut seen = BTreeSet::new();
        let mut list = Vec::new();
        for value in values {
            let ident = camel(value);
            if !seen.insert(ident.clone()) {
                return Ty::String;
            }
            list.push((variants.claim(ident, "_"), value.to_owned()));
        }
        let type_name = self.type_name(name, definition);
        self.enums.push(EnumDef {
            cfn: format!("{}.{}", self.type_name, definition.unwrap_or(name)),
            name: type_name.clone(),
            variants: list,
        });
        Ty::Enum(type_name)
    }

    fn object(&mut self, node: &Value, name: &str, definition: Option<&str>) -> Ty {
        let type_name = self.type_name(name, definition);
        // A definition that is this struct (not a list of it) may refer to itself.
        if let Some(definition) = definition {
            if std::ptr::eq(node, &self.schema["definitions"][definition]) {
                self.definitions
                    .insert(definition.to_owned(), Ty::Struct(type_name.clone()));
            }
        }
        let (vendor, service, res) = parts(self.type_name);
        let page = definition.unwrap_or(name).to_ascii_lowercase();
        let doc_url = format!("{DOCS}/{vendor}-properties-{service}-{res}-{page}.html");
        let required: BTreeSet<&str> = strings(&node["required"]).into_iter().collect();
        let prose = self.prose.definitions.get(definition.unwrap_or(name));
        let mut methods = builder_methods(&["new"]);
        let mut properties = Vec::new();
        self.owners.push(type_name.clone());
        for (property, child) in sorted(&node["properties"]) {
            let ty = self.property(child, property);
            let is_required = required.contains(property.as_str());
            let mut docs: Vec<String> = described(prose.and_then(|p| p.properties.get(property)))
                .into_iter()
                .collect();
            docs.extend(describe(property, &ty, child, is_required));
            docs.push(format!(
                "[Documentation]({doc_url}#cfn-{service}-{res}-{page}-{})",
                property.to_ascii_lowercase()
            ));
            properties.push(Property {
                cfn: property.clone(),
                method: methods.claim(snake(property), "_property"),
                ty,
                required: is_required,
                docs,
            });
        }
        self.owners.pop();
        self.structs.push(StructDef {
            name: type_name.clone(),
            cfn: format!("{}.{}", self.type_name, definition.unwrap_or(name)),
            description: described(prose.map(|p| &p.description)).unwrap_or_default(),
            doc_url,
            properties,
        });
        Ty::Struct(type_name)
    }

    /// An object without properties: a map if its values are typed, else JSON.
    fn map(&mut self, node: &Value, name: &str) -> Ty {
        let values = node["patternProperties"]
            .as_object()
            .and_then(|patterns| {
                (patterns.len() == 1)
                    .then(|| patterns.values().next())
                    .flatten()
            })
            .or_else(|| {
                node["additionalProperties"]
                    .as_object()
                    .map(|_| &node["additionalProperties"])
            });
        match values {
            Some(values) if ANY_VALUE.iter().all(|t| type_names(values).contains(t)) => {
                // CloudFormation hands such map values (Lambda environment variables, nested
                // stack parameters) over as strings; the schema lists every type to allow
                // intrinsics.
                Ty::Map(Box::new(Ty::String))
            }
            Some(values) => Ty::Map(Box::new(self.node(values, name, None))),
            None => Ty::Json,
        }
    }

    /// A node without a type: `oneOf`/`anyOf` of string formats is a string; one typed branch
    /// beside the same value written as a JSON string (`"format": "json"`) is that branch's type;
    /// anything else JSON.
    fn alternatives(&mut self, node: &Value, name: &str) -> Ty {
        let branches: Vec<&Value> = ["oneOf", "anyOf"]
            .iter()
            .filter_map(|key| node[key].as_array())
            .flatten()
            .collect();
        let typed: Vec<&Value> = branches
            .iter()
            .copied()
            .filter(|b| b["format"] != "json")
            .collect();
        if let [branch] = typed.as_slice() {
            if typed.len() < branches.len() {
                return self.node(branch, name, None);
            }
        }
        let all_strings = !branches.is_empty()
            && branches.iter().all(|b| {
                type_names(b) == ["string"] || (b["type"].is_null() && b["format"].is_string())
            });
        if all_strings {
            Ty::String
        } else {
            Ty::Json
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resolve(schema: Value) -> ResourceDef {
        resource("AWS::Test::Thing", &schema, &TypeProse::default())
    }

    /// Each attribute's `Fn::GetAtt` name, method and type.
    fn attributes(def: &ResourceDef) -> Vec<(&str, &str, Ty)> {
        def.attributes
            .iter()
            .map(|a| (a.cfn.as_str(), a.method.as_str(), a.ty.clone()))
            .collect()
    }

    /// The names of the properties one sets.
    fn settable(def: &ResourceDef) -> Vec<&str> {
        def.properties.iter().map(|p| p.cfn.as_str()).collect()
    }

    #[test]
    fn maps_every_shape() {
        let def = resolve(json!({
            "properties": {
                "Name": {"type": "string"},
                "Count": {"type": "integer"},
                "Ratio": {"type": "number"},
                "On": {"type": "boolean"},
                "Names": {"type": "array", "items": {"type": "string"}},
                "Labels": {"type": "object", "patternProperties": {"^.+$": {"type": "string"}}},
                "Variables": {"type": "object", "patternProperties": {"^.+$": {
                    "type": ["array", "boolean", "integer", "number", "object", "string"]
                }}},
                "Blob": {"type": "object"},
                "Either": {"type": ["object", "string"]},
                "Size": {"type": ["integer", "string"]},
                "Key": {"anyOf": [{"format": "AWS::KMS::Key.Arn"}, {"type": "string"}]},
                "Mixed": {"oneOf": [{"type": "string"}, {"type": "object"}]},
                "Keys": {"oneOf": [
                    {"$ref": "#/definitions/Tag"},
                    {"type": ["object", "string"], "format": "json"}
                ]},
                "Mode": {"type": "string", "enum": ["on-demand", "PROVISIONED"]},
                "PolicyDocument": {"type": "object"},
                "Inline": {"type": "object", "properties": {"A": {"type": "string"}}},
                "Ref": {"$ref": "#/definitions/Tag"},
                "Arn": {"type": "string"}
            },
            "definitions": {"Tag": {"type": "object", "properties": {"Key": {"type": "string"}}}},
            "readOnlyProperties": ["/properties/Arn"]
        }));
        let types: BTreeMap<_, _> = def
            .properties
            .iter()
            .map(|p| (p.cfn.as_str(), p.ty.clone()))
            .collect();
        assert_eq!(types["Name"], Ty::String);
        assert_eq!(types["Count"], Ty::Integer);
        assert_eq!(types["Ratio"], Ty::Double);
        assert_eq!(types["On"], Ty::Boolean);
        assert_eq!(types["Names"], Ty::List(Box::new(Ty::String)));
        assert_eq!(types["Labels"], Ty::Map(Box::new(Ty::String)));
        assert_eq!(types["Variables"], Ty::Map(Box::new(Ty::String)));
        assert_eq!(types["Blob"], Ty::Json);
        assert_eq!(types["Either"], Ty::Json);
        assert_eq!(types["Size"], Ty::Integer);
        assert_eq!(types["Key"], Ty::String);
        assert_eq!(types["Mixed"], Ty::Json);
        assert_eq!(types["Keys"], Ty::Struct("Tag".into()));
        assert_eq!(types["Mode"], Ty::Enum("Mode".into()));
        assert_eq!(types["PolicyDocument"], Ty::Policy);
        assert_eq!(types["Inline"], Ty::Struct("Inline".into()));
        assert_eq!(types["Ref"], Ty::Struct("Tag".into()));
        assert!(
            !types.contains_key("Arn"),
            "read-only properties are attributes"
        );
        assert_eq!(def.attributes[0].cfn, "Arn");
        assert_eq!(
            def.enums[0].variants,
            [
                ("OnDemand".into(), "on-demand".into()),
                ("Provisioned".into(), "PROVISIONED".into())
            ]
        );
    }

    #[test]
    fn prose_describes_types_properties_attributes_and_property_types() {
        let prose: TypeProse = serde_json::from_value(json!({
            "description": "A thing. It does [much](relative.html).",
            "stateful": true,
            "properties": {"Name": "The <name>.", "Rule": "Its rule."},
            "attributes": {"Arn": "The ARN."},
            "definitions": {"Rule": {"description": "A rule.", "properties": {"Id": "Its ID."}}}
        }))
        .unwrap();
        let schema = json!({
            "properties": {
                "Name": {"type": "string"},
                "Rule": {"$ref": "#/definitions/Rule"},
                "Arn": {"type": "string"}
            },
            "definitions": {"Rule": {"type": "object", "properties": {"Id": {"type": "string"}}}},
            "readOnlyProperties": ["/properties/Arn"]
        });
        let def = resource("AWS::Test::Thing", &schema, &prose);
        assert_eq!(def.description, "A thing.\n\nIt does much.");
        assert!(def.stateful);
        assert_eq!(
            def.properties[0].docs[..2],
            ["The \\<name\\>.", "`Name`: string."]
        );
        assert_eq!(def.properties[1].docs[0], "Its rule.");
        assert_eq!(def.attributes[0].description, "The ARN.");
        assert_eq!(def.structs[0].description, "A rule.");
        assert_eq!(def.structs[0].properties[0].docs[0], "Its ID.");
        let bare = resolve(schema);
        assert!(!bare.stateful);
        assert_eq!(bare.description, "");
        assert_eq!(bare.properties[0].docs[0], "`Name`: string.");
    }

    #[test]
    fn properties_the_specification_names_as_attributes_are_attributes_too() {
        let prose: TypeProse = serde_json::from_value(json!({
            "attributes": {
                "Arn": "The ARN.",
                "Endpoint.Port": "The port.",
                "QueueName": "The queue's name.",
                "Retired": "Of an older version of the type."
            }
        }))
        .unwrap();
        let schema = json!({
            "properties": {
                "Arn": {"type": "string"},
                "Endpoint": {"$ref": "#/definitions/Endpoint"},
                "QueueName": {"type": "string"}
            },
            "definitions": {"Endpoint": {"type": "object", "properties": {
                "Port": {"type": "integer"}
            }}},
            "readOnlyProperties": ["/properties/Arn"]
        });
        let def = resource("AWS::Test::Queue", &schema, &prose);
        assert_eq!(
            attributes(&def),
            [
                ("Arn", "arn", Ty::String),
                ("Endpoint.Port", "endpoint_port", Ty::Integer),
                ("QueueName", "queue_name", Ty::String),
            ]
        );
        assert_eq!(def.attributes[2].description, "The queue's name.");
        assert_eq!(
            settable(&def),
            ["Endpoint", "QueueName"],
            "and stay settable"
        );
    }

    #[test]
    fn recursive_definitions_refer_to_themselves() {
        let def = resolve(json!({
            "properties": {"Rule": {"$ref": "#/definitions/Rule"}},
            "definitions": {"Rule": {"type": "object", "properties": {
                "And": {"type": "array", "items": {"$ref": "#/definitions/Rule"}}
            }}}
        }));
        assert_eq!(def.structs.len(), 1);
        assert_eq!(
            def.structs[0].properties[0].ty,
            Ty::List(Box::new(Ty::Struct("Rule".into())))
        );
    }

    #[test]
    fn names_never_collide() {
        let def = resolve(json!({
            "properties": {
                "Config": {"type": "object", "properties": {"A": {"type": "string"}}},
                "Condition": {"type": "string"},
                "Type": {"type": "string"},
                "String": {"type": "object", "properties": {"B": {"type": "string"}}}
            },
            "definitions": {"Config": {"type": "object", "properties": {"C": {"type": "string"}}}}
        }));
        let methods: Vec<_> = def.properties.iter().map(|p| p.method.as_str()).collect();
        assert_eq!(
            methods,
            ["condition_property", "config", "string", "r#type"]
        );
        let structs: Vec<_> = def.structs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(structs, ["ThingConfig", "ThingString"]);
    }

    #[test]
    fn enums_with_clashing_variants_stay_strings() {
        let def =
            resolve(json!({"properties": {"Mode": {"type": "string", "enum": ["a-b", "a_b"]}}}));
        assert_eq!(def.properties[0].ty, Ty::String);
        assert!(def.properties[0]
            .docs
            .iter()
            .any(|d| d == "Allowed values: `a-b`, `a_b`."));
    }

    fn tags(property: Value, definitions: Value) -> Tagging {
        resolve(json!({
            "properties": {"Tags": property},
            "definitions": definitions,
            "tagging": {"taggable": true}
        }))
        .tagging
    }

    #[test]
    fn tags_follow_the_item_shape() {
        let list = json!({"type": "array", "items": {"$ref": "#/definitions/Tag"}});
        let item = |properties: Value, required: Value| json!({"Tag": {"type": "object", "properties": properties, "required": required}});
        let key_value = json!({"Key": {"type": "string"}, "Value": {"type": "string"}});
        assert_eq!(
            tags(list.clone(), item(key_value.clone(), json!(["Key"]))),
            Tagging::List(TagList {
                property: "Tags".into(),
                key: "Key".into(),
                value: "Value".into(),
                flags: vec![],
            })
        );
        let asg = json!({
            "Key": {"type": "string"},
            "Value": {"type": "string"},
            "PropagateAtLaunch": {"type": "boolean"}
        });
        assert_eq!(
            tags(
                list.clone(),
                item(asg, json!(["Key", "Value", "PropagateAtLaunch"]))
            ),
            Tagging::List(TagList {
                property: "Tags".into(),
                key: "Key".into(),
                value: "Value".into(),
                flags: vec!["PropagateAtLaunch".into()],
            })
        );
        let renamed = json!({"TagKey": {"type": "string"}, "TagValue": {"type": "string"}});
        assert!(matches!(
            tags(list.clone(), item(renamed, json!([]))),
            Tagging::List(TagList { ref key, ref value, .. }) if key == "TagKey" && value == "TagValue"
        ));
        let unfillable = json!({
            "Key": {"type": "string"},
            "Value": {"type": "string"},
            "Scope": {"type": "string"}
        });
        assert_eq!(
            tags(list.clone(), item(unfillable, json!(["Scope"]))),
            Tagging::None,
            "a required field kumo cannot fill"
        );
        assert_eq!(
            tags(list, item(json!({"Key": {"type": "string"}}), json!([]))),
            Tagging::None,
            "no value field"
        );
        assert_eq!(
            tags(
                json!({"type": "array", "items": {"type": "string"}}),
                json!({})
            ),
            Tagging::None,
            "a list of strings"
        );
        assert_eq!(
            tags(
                json!({"type": "object", "patternProperties": {".+": {"type": "string"}}}),
                json!({})
            ),
            Tagging::Map("Tags".into())
        );
        assert_eq!(
            tags(
                json!({"type": "object", "patternProperties": {"^[a-z]+$": {"type": "string"}}}),
                json!({})
            ),
            Tagging::None,
            "keys that cannot be `service-name`"
        );
        assert_eq!(
            tags(
                json!({"type": ["object", "string"], "format": "json"}),
                json!({})
            ),
            Tagging::None,
            "plain JSON"
        );
    }

    #[test]
    fn nested_attributes_and_replacement() {
        let def = resolve(json!({
            "properties": {
                "Endpoint": {"$ref": "#/definitions/Endpoint"},
                "Name": {"type": "string"},
                "Ids": {"type": "array", "items": {"type": "string"}}
            },
            "definitions": {"Endpoint": {"type": "object", "properties": {
                "Address": {"type": "string"}, "Port": {"type": "integer"}
            }}},
            "readOnlyProperties": ["/properties/Endpoint/Address", "/properties/Endpoint/Port", "/properties/Ids"],
            "createOnlyProperties": ["/properties/Name"],
            "primaryIdentifier": ["/properties/Name", "/properties/Ids"],
            "tagging": {"taggable": true}
        }));
        assert_eq!(
            attributes(&def),
            [
                ("Endpoint.Address", "endpoint_address", Ty::String),
                ("Endpoint.Port", "endpoint_port", Ty::Integer),
                ("Ids", "ids", Ty::List(Box::new(Ty::String))),
            ]
        );
        assert_eq!(
            settable(&def),
            ["Name"],
            "Endpoint's fields are all read-only"
        );
        assert_eq!(def.replaced_on_change, ["Name"]);
        assert_eq!(def.primary_identifier, ["Name", "Ids"]);
        let nested = json!({"primaryIdentifier": ["/properties/Endpoint/Address"]});
        assert!(primary_identifier(&nested).is_empty());
        assert_eq!(
            def.tagging,
            Tagging::None,
            "no Tags property, so nothing to tag"
        );
    }
}
