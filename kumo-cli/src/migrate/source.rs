//! One template as a Rust module: a `stack!` whose statements declare its parameters, mappings,
//! conditions, resources and outputs, keeping every logical ID.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use heck::{ToSnakeCase, ToUpperCamelCase};
use kumo_core::{Json, Template};

use super::base::{attribute_problem, split_base};
use super::format::{format_body, Statement};
use super::index::{Index, Shape, TypeDef};
use super::names::{derives, Names};
use super::parameter::{native_parameter, parameter_builder};
use super::values::{json_macro, number, Context, Handle};
use super::MigrateError;

/// A template written as Rust.
#[derive(Debug)]
pub struct Module {
    /// The module's source (before rustfmt).
    pub source: String,
    /// The kumo-core service features it needs.
    pub services: BTreeSet<String>,
    /// What it writes through the fallbacks of `adopt`, one line each.
    pub fallbacks: Vec<String>,
}

/// Writes `template` as the module of the stack `stack` (a type name) of service `service`;
/// `stack_name` is the CloudFormation stack name to keep, if any.
pub fn module(
    template: &Template,
    stack: &str,
    service: &str,
    stack_name: Option<&str>,
    index: &Index,
) -> Result<Module, MigrateError> {
    let (json, base) = split_base(serde_json::to_value(template).unwrap_or(Json::Null));
    let mut writer = Writer {
        index,
        cx: Context::default(),
        names: Names::new(index),
        conditions: BTreeMap::new(),
        body: Vec::new(),
        fallbacks: Vec::new(),
        kumo: BTreeSet::new(),
    };
    let mut header = format!("service = {service:?}");
    if let Some(description) = json["Description"].as_str() {
        let _ = write!(header, ", description = {description:?}");
    }
    header.push_str(", default_tags = false");
    if let Some(name) = stack_name {
        let _ = write!(header, ", stack_name = {name:?}");
    }
    header.push_str(&writer.header_sections(&json, base));
    writer.parameters(&json);
    writer.mappings(&json);
    writer.conditions(&json);
    writer.rules(&json);
    writer.resources(&json);
    writer.outputs(&json);

    let body = format_body(&writer.body)?;
    let mut source = String::new();
    let _ = writeln!(
        source,
        "//! The stack `{stack}`, migrated from a CloudFormation template by `kumo migrate`.\n"
    );
    // `json!` is written only where a value has no typed form.
    let json_macro = header.contains("json!(") || body.contains("json!(");
    source.push_str(&writer.uses(json_macro));
    let _ = writeln!(
        source,
        "\nstack! {{\n    pub {stack}({header}) {{\n{body}    }}\n}}"
    );
    if writer.cx.raw > 0 {
        let raw = writer.cx.raw;
        writer.fallbacks.push(format!(
            "{raw} value(s) as the template wrote them (adopt::raw)"
        ));
    }
    Ok(Module {
        source,
        services: writer.cx.services,
        fallbacks: writer.fallbacks,
    })
}

/// The items of `kumo_core` the generated code names, by their paths there, each imported by
/// the module that names it: [`stack_name`] names no stack as one.
const KUMO_ITEMS: [&str; 12] = [
    "Assertion",
    "AwsType",
    "Condition",
    "DeletionPolicy",
    "Parameter",
    "ParameterType",
    "Resource",
    "Rule",
    "SsmValueType",
    "UpdateReplacePolicy",
    "custom::CustomResource",
    "typed::Attributes",
];

/// The types of Rust's prelude the generated code names: [`stack_name`] names no stack as one.
const PRELUDE_TYPES: [&str; 2] = ["String", "Vec"];

/// A stack type name for a file stem: `my-vpc.yaml` is `MyVpc`; `condition.yaml` is
/// `ConditionStack`, since its module may name kumo's `Condition` (or, for `string.yaml`, the
/// prelude's `String`).
pub fn stack_name(stem: &str) -> String {
    let name = stem.to_upper_camel_case();
    let imported = KUMO_ITEMS
        .into_iter()
        .filter_map(|path| path.rsplit("::").next())
        .chain(PRELUDE_TYPES)
        .any(|item| item == name);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("Stack{name}")
    } else if imported {
        format!("{name}Stack")
    } else {
        name
    }
}

struct Writer<'a> {
    index: &'a Index,
    cx: Context,
    names: Names<'a>,
    /// The Rust names of the conditions, by logical ID.
    conditions: BTreeMap<String, String>,
    body: Vec<Statement>,
    fallbacks: Vec<String>,
    /// The items of [`KUMO_ITEMS`] the module uses.
    kumo: BTreeSet<&'static str>,
}

impl Writer<'_> {
    fn line(&mut self, text: &str) {
        self.body.push(Statement::Line(text.to_owned()));
    }

    /// `#[logical_id]` when `stack!` would not derive `id` from `name`.
    fn keep_id(name: &str, id: &str) -> String {
        if derives(name, id) {
            String::new()
        } else {
            format!("#[logical_id({id:?})]\n")
        }
    }

    /// A statement without an expression to format (`param`, `mapping`).
    fn statement(&mut self, name: &str, id: &str, attributes: &str, text: &str) {
        let keep = Self::keep_id(name, id);
        self.line(&format!("{keep}{attributes}{text}"));
    }

    /// `keyword name = expr tail;`, with `#[logical_id]` when needed.
    fn bind(&mut self, keyword: &str, name: &str, id: Option<&str>, expr: String, tail: String) {
        let keep = id.map(|id| Self::keep_id(name, id)).unwrap_or_default();
        self.body.push(Statement::Bind {
            head: format!("{keep}{keyword}"),
            name: name.to_owned(),
            expr,
            tail,
        });
    }

    fn fallback(&mut self, what: String) {
        self.fallbacks.push(what);
    }

    /// Imports the item of [`KUMO_ITEMS`] at `path` in `kumo_core`.
    fn import(&mut self, path: &str) {
        let item = KUMO_ITEMS
            .into_iter()
            .find(|item| *item == path)
            .expect("KUMO_ITEMS lists every item of kumo_core the generated code names");
        self.kumo.insert(item);
    }

    /// The `use` lines of what the body names (`serde_json::json` when it writes `json!`).
    fn uses(&self, json_macro: bool) -> String {
        let intrinsics: Vec<&str> = self
            .cx
            .intrinsics
            .iter()
            .copied()
            .filter(|f| *f != "pseudo")
            .collect();
        let services: Vec<&str> = self.cx.services.iter().map(String::as_str).collect();
        let mut kumo: Vec<&str> = self.kumo.iter().copied().collect();
        kumo.push("stack");
        let mut out = use_line("kumo_core::intrinsic", &intrinsics);
        if self.cx.intrinsics.contains("pseudo") {
            out.push_str("use kumo_core::pseudo;\n");
        }
        out.push_str(&use_line("kumo_core::resources", &services));
        out.push_str(&use_line("kumo_core", &kumo));
        if json_macro {
            out.push_str("use serde_json::json;\n");
        }
        out.push_str("\n#[allow(unused_imports)]\nuse crate::adopt;\n");
        out
    }

    /// The header options of the template's `Transform` (a list of names) and `Metadata`; the
    /// top-level parts `stack!` cannot state go to `adopt::Base`, the first statement.
    fn header_sections(&mut self, json: &Json, base: serde_json::Map<String, Json>) -> String {
        let mut out = String::new();
        if let Some(Json::Array(items)) = json.get("Transform") {
            let names: Vec<String> = items
                .iter()
                .filter_map(Json::as_str)
                .map(|name| format!("{name:?}"))
                .collect();
            let _ = write!(out, ", transform = [{}]", names.join(", "));
        }
        if let Some(metadata) = json["Metadata"].as_object() {
            let entries: Vec<String> = metadata
                .iter()
                .map(|(key, value)| format!("{key:?} = {}", json_macro(value)))
                .collect();
            let _ = write!(out, ", metadata = {{ {} }}", entries.join(", "));
        }
        if !base.is_empty() {
            let parts: Vec<String> = base
                .iter()
                .flat_map(|(key, value)| match value.as_object() {
                    Some(entries) if key != "Globals" && key != "Transform" => {
                        entries.keys().map(|id| format!("{key}.{id}")).collect()
                    }
                    _ => vec![key.clone()],
                })
                .collect();
            let parts = commented(&parts.join(", "));
            self.fallback(format!("{parts} as written (adopt::Base)"));
            self.line(&format!("// What `stack!` has no statement for: {parts}."));
            let name = self.names.claim("TemplateBase", "part");
            let expr = format!("adopt::Base({})", json_macro(&Json::Object(base)));
            self.bind("let", &name, None, expr, String::new());
        }
        out
    }

    fn parameters(&mut self, json: &Json) {
        let Some(parameters) = json["Parameters"].as_object() else {
            return;
        };
        for (id, parameter) in parameters {
            let name = self.names.claim(id, "param");
            match native_parameter(parameter) {
                Some(native) => {
                    let text = format!("param {name}: {}{};", native.rust, native.rest);
                    self.statement(&name, id, &native.attributes, &text);
                    self.cx.parameters.insert(id.clone(), (name, native.shape));
                }
                None => {
                    let (builder, left) = parameter_builder(parameter);
                    for used in ["Parameter", "ParameterType", "AwsType", "SsmValueType"] {
                        if builder.contains(&format!("{used}::")) {
                            self.import(used);
                        }
                    }
                    let expr = format!("adopt::Param({id:?}, {builder})");
                    self.bind("let", &name, None, expr, String::new());
                    self.fallback(format!(
                        "parameter {id}: constraints `param` cannot state (adopt::Param)"
                    ));
                    for key in left {
                        self.fallback(format!("parameter {id}: {key} not migrated"));
                    }
                }
            }
        }
    }

    fn mappings(&mut self, json: &Json) {
        let Some(mappings) = json["Mappings"].as_object() else {
            return;
        };
        // `split_base` took the mappings `mapping` cannot state to `adopt::Base`.
        for (id, entries) in mappings
            .iter()
            .filter_map(|(id, mapping)| Some((id, mapping_entries(mapping)?)))
        {
            let name = self.names.claim(id, "mapping");
            let text = format!("mapping {name} = {{ {} }};", entries.join(", "));
            self.statement(&name, id, "", &text);
            self.cx.mappings.insert(id.clone(), name);
        }
    }

    fn conditions(&mut self, json: &Json) {
        let Some(conditions) = json["Conditions"].as_object() else {
            return;
        };
        for (id, condition) in conditions {
            let name = self.names.claim(id, "condition");
            let expr = self.condition(condition);
            self.import("Condition");
            self.bind("condition", &name, Some(id), expr, String::new());
            self.conditions.insert(id.clone(), name);
        }
    }

    fn condition(&mut self, condition: &Json) -> String {
        let typed = condition
            .as_object()
            .filter(|m| m.len() == 1)
            .and_then(|m| {
                let (function, args) = m.iter().next()?;
                match (function.as_str(), args) {
                    ("Fn::Equals", Json::Array(sides)) if sides.len() == 2 => {
                        let left = self.cx.expr(&sides[0], &Shape::String, None);
                        let right = self.cx.expr(&sides[1], &Shape::String, None);
                        Some(format!("Condition::equals::<String>({left}, {right})"))
                    }
                    ("Fn::And" | "Fn::Or", Json::Array(items)) => {
                        let items: Vec<String> = items.iter().map(|c| self.condition(c)).collect();
                        let function = if function == "Fn::And" { "and" } else { "or" };
                        Some(format!("Condition::{function}([{}])", items.join(", ")))
                    }
                    ("Fn::Not", Json::Array(items)) if items.len() == 1 => {
                        Some(format!("Condition::not({})", self.condition(&items[0])))
                    }
                    ("Condition", Json::String(name)) => {
                        Some(format!("Condition::named({name:?})"))
                    }
                    _ => None,
                }
            });
        typed.unwrap_or_else(|| {
            self.cx.raw += 1;
            format!("Condition::from_json({})", json_macro(condition))
        })
    }

    fn rules(&mut self, json: &Json) {
        let Some(rules) = json["Rules"].as_object() else {
            return;
        };
        for (id, rule) in rules {
            let name = self.names.claim(id, "rule");
            let mut expr = "Rule::new()".to_owned();
            if let Some(condition) = rule.get("RuleCondition") {
                let _ = write!(expr, ".condition({})", json_macro(condition));
            }
            for assertion in rule["Assertions"].as_array().into_iter().flatten() {
                let _ = write!(
                    expr,
                    ".assert(Assertion::new({})",
                    json_macro(&assertion["Assert"])
                );
                if let Some(description) = assertion["AssertDescription"].as_str() {
                    let _ = write!(expr, ".description({description:?})");
                }
                expr.push(')');
            }
            self.import("Rule");
            self.import("Assertion");
            self.bind("rule", &name, Some(id), expr, String::new());
        }
    }

    fn resources(&mut self, json: &Json) {
        let Some(resources) = json["Resources"].as_object() else {
            return;
        };
        for id in order(resources) {
            let resource = &resources[&id];
            let name = self.names.claim(&id, "resource");
            let type_name = resource["Type"].as_str().unwrap_or_default();
            let typed = match self.index.get_type(type_name) {
                Some(def) => self.typed_resource(resource, def).map(|expr| (expr, def)),
                None => Err("kumo-core has no type for it".to_owned()),
            };
            let attributes = match typed {
                Ok((expr, def)) => {
                    self.cx.services.insert(def.service.clone());
                    self.bind("let", &name, Some(&id), expr, String::new());
                    Some(def.attributes.clone())
                }
                Err(reason) => {
                    match self.custom_resource(resource) {
                        Some(expr) => self.bind("let", &name, Some(&id), expr, String::new()),
                        None => {
                            let expr = self.raw_resource(&id, resource, &reason);
                            self.bind("let", &name, None, expr, String::new());
                        }
                    }
                    None
                }
            };
            self.cx
                .handles
                .insert(id.clone(), Handle { name, attributes });
        }
    }

    /// A typed resource's builder, or why typed code cannot build it.
    fn typed_resource(&mut self, resource: &Json, def: &TypeDef) -> Result<String, String> {
        let empty = serde_json::Map::new();
        let properties = resource["Properties"].as_object().unwrap_or(&empty);
        let attributes = self.attributes(resource)?;
        if let Some(missing) = def
            .properties
            .iter()
            .find(|p| p.required && !properties.contains_key(&p.cfn))
        {
            return Err(format!("its required property {} is missing", missing.cfn));
        }
        let known: serde_json::Map<String, Json> = properties
            .iter()
            .filter(|(key, _)| def.properties.iter().any(|p| &p.cfn == *key))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let (new, mut setters) = self
            .cx
            .builder(&known, &def.properties, Some(def))
            .ok_or("its properties do not fit the type")?;
        for (key, value) in properties.iter().filter(|(k, _)| !known.contains_key(*k)) {
            self.import("typed::Attributes");
            let _ = write!(setters, ".raw_property({key:?}, {})", json_macro(value));
            self.cx.raw += 1;
        }
        if !attributes.is_empty() {
            self.import("typed::Attributes");
        }
        Ok(format!(
            "{}::{}::new({new}){setters}{attributes}",
            def.service, def.name
        ))
    }

    /// A custom resource (`Custom::*` with a `ServiceToken`) as `CustomResource`, if it is one
    /// whose attributes have setters.
    fn custom_resource(&mut self, resource: &Json) -> Option<String> {
        let type_name = resource["Type"].as_str()?;
        let custom = kumo_core::custom::is_custom(type_name);
        let properties = resource["Properties"].as_object()?;
        let token = properties.get("ServiceToken").filter(|_| custom)?;
        let attributes = self.attributes(resource).ok()?;
        let token = self.cx.expr(token, &Shape::String, None);
        let mut out = format!("CustomResource::new({type_name:?}, {token})");
        for (key, value) in properties.iter().filter(|(k, _)| *k != "ServiceToken") {
            let _ = write!(out, ".property({key:?}, {})", json_macro(value));
        }
        self.import("custom::CustomResource");
        if !attributes.is_empty() {
            self.import("typed::Attributes");
        }
        Some(format!("{out}{attributes}"))
    }

    /// A resource typed code cannot build, as written, with a comment saying why.
    fn raw_resource(&mut self, id: &str, resource: &Json, reason: &str) -> String {
        let type_name = resource["Type"].as_str().unwrap_or_default();
        let shown = commented(type_name);
        self.line(&format!("// `{shown}`: {reason}; kept as a raw resource."));
        self.fallback(format!(
            "resource {} ({shown}) raw: {reason} (adopt::KeepRaw)",
            commented(id)
        ));
        self.import("Resource");
        let mut out = format!("Resource::new({type_name:?})");
        for (key, value) in resource["Properties"].as_object().into_iter().flatten() {
            let _ = write!(out, ".property({key:?}, {})", json_macro(value));
        }
        match self.attributes(resource) {
            Ok(attributes) => out.push_str(&attributes),
            Err(lost) => self.fallback(format!("resource {id}: {lost}, lost")),
        }
        format!("adopt::KeepRaw({id:?}, {out})")
    }

    /// The resource attributes as builder calls, or the one kumo has no setter for.
    fn attributes(&mut self, resource: &Json) -> Result<String, String> {
        if let Some(problem) = attribute_problem(resource) {
            return Err(problem);
        }
        let mut out = String::new();
        for (key, value) in resource.as_object().into_iter().flatten() {
            match (key.as_str(), value) {
                ("Condition", Json::String(name)) => {
                    let _ = write!(out, ".condition({name:?})");
                }
                ("DependsOn", Json::Array(names)) => {
                    for name in names.iter().filter_map(Json::as_str) {
                        let _ = write!(out, ".depends_on({name:?})");
                    }
                }
                ("Metadata" | "CreationPolicy" | "UpdatePolicy", _) => {
                    let method = key.to_snake_case();
                    let _ = write!(out, ".{method}({})", json_macro(value));
                }
                ("DeletionPolicy", Json::String(policy)) => {
                    self.import("DeletionPolicy");
                    let _ = write!(out, ".deletion_policy(DeletionPolicy::{policy})");
                }
                ("UpdateReplacePolicy", Json::String(policy)) => {
                    self.import("UpdateReplacePolicy");
                    let _ = write!(out, ".update_replace_policy(UpdateReplacePolicy::{policy})");
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn outputs(&mut self, json: &Json) {
        let Some(outputs) = json["Outputs"].as_object() else {
            return;
        };
        for (id, output) in outputs {
            let name = self.names.claim(id, "output");
            let value = self.cx.expr(&output["Value"], &Shape::String, None);
            let mut text = String::new();
            if let Some(description) = output["Description"].as_str() {
                let _ = write!(text, ", {description:?}");
            }
            if let Some(export) = output["Export"].get("Name") {
                let derived = serde_json::json!({"Fn::Sub": format!("${{AWS::StackName}}-{id}")});
                if *export == derived {
                    text.push_str(", export");
                } else {
                    let export = self.cx.expr(export, &Shape::String, None);
                    let _ = write!(text, ", export = {export}");
                }
            }
            if let Some(condition) = output["Condition"].as_str() {
                match self.conditions.get(condition) {
                    Some(condition) => {
                        let _ = write!(text, ", condition = {condition}");
                    }
                    None => self.fallback(format!(
                        "output {id}: its condition {condition} is not declared"
                    )),
                }
            }
            self.bind("output", &name, Some(id), value, text);
        }
    }
}

/// Text from the template for a `//` comment (or a line of output): control characters
/// escaped as in a Rust string, since a line break would end the comment and start code.
fn commented(text: &str) -> String {
    text.chars()
        .map(|c| match c.is_control() {
            true => c.escape_default().to_string(),
            false => c.to_string(),
        })
        .collect()
}

/// `use path::name;` or `use path::{a, b};`, or nothing for no names.
fn use_line(path: &str, names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("use {path}::{one};\n"),
        many => format!("use {path}::{{{}}};\n", many.join(", ")),
    }
}

/// A mapping value as `mapping` states it: a string, a non-negative number or a list of them.
/// The entries of a `mapping` statement of `mapping` (`"us-east-1" = { "Ami" = "ami-1" }`), or
/// `None` when it holds what the statement cannot state (a negative number, a list in a list).
pub(super) fn mapping_entries(mapping: &Json) -> Option<Vec<String>> {
    mapping
        .as_object()?
        .iter()
        .map(|(key, second)| {
            let inner: Option<Vec<String>> = second
                .as_object()?
                .iter()
                .map(|(k, v)| Some(format!("{k:?} = {}", mapping_value(v)?)))
                .collect();
            Some(format!("{key:?} = {{ {} }}", inner?.join(", ")))
        })
        .collect()
}

fn mapping_value(value: &Json) -> Option<String> {
    match value {
        Json::String(text) => Some(format!("{text:?}")),
        Json::Number(n) if !n.to_string().starts_with('-') => Some(number(n)),
        Json::Array(items) => {
            let items: Option<Vec<String>> = items
                .iter()
                .map(|item| match item {
                    Json::Array(_) => None,
                    other => mapping_value(other),
                })
                .collect();
            Some(format!("[{}]", items?.join(", ")))
        }
        _ => None,
    }
}

/// The resources' logical IDs, each after those it refers to where it can be (a cycle keeps
/// the rest in ID order): typed handles can only be used once declared.
fn order(resources: &serde_json::Map<String, Json>) -> Vec<String> {
    let mut needs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (id, resource) in resources {
        let mut found = BTreeSet::new();
        references(resource, &mut found);
        found.retain(|other| *other != id.as_str() && resources.contains_key(*other));
        needs.insert(id.as_str(), found);
    }
    let mut done: Vec<String> = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while placed.len() < needs.len() {
        let ready: Vec<&str> = needs
            .iter()
            .filter(|(id, deps)| !placed.contains(*id) && deps.iter().all(|d| placed.contains(d)))
            .map(|(id, _)| *id)
            .collect();
        let next = if ready.is_empty() {
            needs
                .keys()
                .copied()
                .filter(|id| !placed.contains(id))
                .take(1)
                .collect()
        } else {
            ready
        };
        for id in next {
            placed.insert(id);
            done.push(id.to_owned());
        }
    }
    done
}

/// The logical IDs `Ref` and `Fn::GetAtt` name anywhere in a value.
fn references<'a>(value: &'a Json, found: &mut BTreeSet<&'a str>) {
    match value {
        Json::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("Ref", Json::String(id)) => {
                        found.insert(id);
                    }
                    ("Fn::GetAtt", Json::Array(parts)) => {
                        if let Some(Json::String(id)) = parts.first() {
                            found.insert(id);
                        }
                    }
                    _ => references(inner, found),
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}
