//! Nested stacks: another stack built into this one as an `AWS::CloudFormation::Stack`.
//!
//! The child's template is built for the same environment and validated like any stack's; its
//! JSON is named by its SHA-256, and the nested resource's `TemplateURL` points into the artifact
//! bucket (the parameter [`crate::asset::BUCKET_PARAMETER`]) under `nested/{hash}.json`, where
//! `deploy` uploads it before the parent's change set. The same child gives the same key on
//! every machine; a changed child gives a new key, so CloudFormation updates the nested stack.
//!
//! ```
//! use kumo_core::nested::NestedParameter;
//! use kumo_core::{Environment, Output, Parameter, Resource, Scope, Stack, StackError};
//! use kumo_core::{StackOutput, Template};
//!
//! struct Network;
//!
//! impl Stack for Network {
//!     fn name(&self) -> &str {
//!         "network"
//!     }
//!
//!     fn template(&self, env: &Environment) -> Result<Template, StackError> {
//!         let mut scope = Scope::new("network", env);
//!         let cidr = scope.parameter::<String>("vpc_cidr", Parameter::string());
//!         let vpc = Resource::new("AWS::EC2::VPC").property("CidrBlock", cidr.into_json());
//!         scope.template_mut().add_resource("Vpc", vpc)?;
//!         scope.output("vpc_cidr", Output::new(kumo_core::intrinsic::get_att::<String>("Vpc", "CidrBlock")));
//!         scope.finish()
//!     }
//! }
//!
//! const VPC_CIDR: StackOutput = StackOutput::new("network", "vpc_cidr");
//!
//! let mut scope = Scope::new("app", &Environment::new("dev"));
//! let parameters = vec![NestedParameter::new::<String>("vpc_cidr", None, "10.0.0.0/16")];
//! let net = scope.nested("net", &Network, parameters);
//! scope.output("cidr", Output::new(net.output(VPC_CIDR)));
//! let template = scope.finish()?;
//! let child = &template.nested()["Net"];
//! assert_eq!(child.key(), format!("nested/{}.json", child.hash()));
//! assert_eq!(template.resources()["Net"].type_name(), "AWS::CloudFormation::Stack");
//! # Ok::<(), StackError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

use sha2::{Digest, Sha256};

use crate::group::{StackOutput, Via};
use crate::naming::LogicalId;
use crate::typed::{TagList, Tagging};
use crate::value::{Json, Value};
use crate::Template;

/// The resource type of a nested stack.
pub const TYPE_NAME: &str = "AWS::CloudFormation::Stack";

/// How a nested stack takes tags: a list of `{Key, Value}` in `Tags`.
pub(crate) const TAGGING: Tagging = Tagging::List(TagList {
    property: "Tags",
    key: "Key",
    value: "Value",
    flags: &[],
});

/// The template of a nested stack, with the bytes `deploy` uploads and their hash.
#[derive(Debug, Clone)]
pub struct NestedTemplate {
    template: Template,
    body: String,
    hash: String,
}

impl NestedTemplate {
    /// The nested stack of `template`: its JSON ([`Template::to_json`]) and that JSON's SHA-256.
    pub fn new(template: Template) -> Self {
        let body = template.to_json();
        let hash = Sha256::digest(body.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        NestedTemplate {
            template,
            body,
            hash,
        }
    }

    /// The child's template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The bytes uploaded: the child's template as JSON.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The SHA-256 of [`NestedTemplate::body`], in hex.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The object key in the artifact bucket: `nested/{hash}.json`.
    pub fn key(&self) -> String {
        format!("nested/{}.json", self.hash)
    }

    /// The `TemplateURL`: the path-style S3 URL of [`NestedTemplate::key`] in the bucket the
    /// parameter [`crate::asset::BUCKET_PARAMETER`] names, in the stack's region.
    pub fn url(&self) -> Value<String> {
        crate::intrinsic::sub(&format!(
            "https://s3.${{AWS::Region}}.${{AWS::URLSuffix}}/${{{}}}/{}",
            crate::asset::BUCKET_PARAMETER,
            self.key()
        ))
    }
}

/// A stack whose parameters can be given values when it is nested: `stack!` implements it for
/// each stack, with a `{Stack}Parameters` type that has one function per `param`
/// (`NetworkParameters::vpc_cidr(value)`), which `nested net = Network { vpc_cidr: value }` calls.
pub trait Nestable {
    /// The type whose associated functions make the [`NestedParameter`]s of the stack.
    type Parameters;
}

/// A value given to a parameter of a nested stack, by the parameter's name as its stack
/// declares it (`vpc_cidr`). `stack!` makes one through a function of the child's
/// [`Nestable::Parameters`] for each of its parameters, so that an unknown parameter or a value of
/// the wrong type does not compile.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedParameter {
    name: &'static str,
    logical_id: Option<&'static str>,
    value: Json,
}

impl NestedParameter {
    /// The value `value` of the child's parameter `name` (of type `T`), whose logical ID is
    /// `logical_id` if the child gives one, else derived from `name`.
    pub fn new<T: ParameterText>(
        name: &'static str,
        logical_id: Option<&'static str>,
        value: impl crate::IntoValue<T>,
    ) -> Self {
        NestedParameter {
            name,
            logical_id,
            value: T::text(value.into_value()),
        }
    }

    /// The parameter's logical ID in the child's template.
    pub fn logical_id(&self) -> String {
        match self.logical_id {
            Some(id) => id.to_owned(),
            None => LogicalId::from_path(&[self.name])
                .map(LogicalId::into_string)
                .unwrap_or_else(|_| self.name.to_owned()),
        }
    }

    /// The value as the nested stack's `Parameters` take it (a string, or a function that
    /// yields one).
    pub fn value(&self) -> &Json {
        &self.value
    }
}

/// A value `V` for a parameter of type `T`, as the pair `(PhantomData<T>, V)`: what the functions
/// of `stack!`'s `{Stack}Parameters` take. Bound where they are called, not where they are
/// declared, so that a parameter type kumo does not support is one compile error (its own), not
/// two.
pub trait ParameterValue {
    /// The child's parameter `name` (of logical ID `logical_id` if the child gives one) with
    /// this value.
    fn nested(self, name: &'static str, logical_id: Option<&'static str>) -> NestedParameter;
}

impl<T: ParameterText, V: crate::IntoValue<T>> ParameterValue for (PhantomData<T>, V) {
    fn nested(self, name: &'static str, logical_id: Option<&'static str>) -> NestedParameter {
        NestedParameter::new::<T>(name, logical_id, self.1)
    }
}

/// A parameter type whose values a nested stack's `Parameters` take as text: numbers as their
/// decimal text, lists joined by commas (what `CommaDelimitedList` and `List<Number>` read).
pub trait ParameterText: Sized {
    /// The value as text (or a function that yields text).
    fn text(value: Value<Self>) -> Json;
}

impl ParameterText for String {
    fn text(value: Value<Self>) -> Json {
        value.into_json()
    }
}

fn number_text(json: Json) -> Json {
    match json {
        Json::Number(number) => Json::String(number.to_string()),
        other => other,
    }
}

impl ParameterText for i64 {
    fn text(value: Value<Self>) -> Json {
        number_text(value.into_json())
    }
}

impl ParameterText for f64 {
    fn text(value: Value<Self>) -> Json {
        number_text(value.into_json())
    }
}

fn list_text(json: Json) -> Json {
    match json {
        Json::Array(items) => {
            let items: Vec<String> = items
                .into_iter()
                .map(|item| match number_text(item) {
                    Json::String(text) => text,
                    other => crate::value::Sorted(&other).to_string(),
                })
                .collect();
            Json::String(items.join(","))
        }
        other => serde_json::json!({"Fn::Join": [",", other]}),
    }
}

impl ParameterText for Vec<String> {
    fn text(value: Value<Self>) -> Json {
        list_text(value.into_json())
    }
}

impl ParameterText for Vec<i64> {
    fn text(value: Value<Self>) -> Json {
        list_text(value.into_json())
    }
}

/// A nested stack in its parent: its logical ID, and its outputs through `Fn::GetAtt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedStack {
    logical_id: String,
}

impl NestedStack {
    /// The nested stack of the `AWS::CloudFormation::Stack` `logical_id`.
    pub fn new(logical_id: impl Into<String>) -> Self {
        NestedStack {
            logical_id: logical_id.into(),
        }
    }

    /// Its logical ID in the parent.
    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// Its stack ID (`Ref`).
    pub fn r#ref(&self) -> Value<String> {
        crate::intrinsic::reference(&self.logical_id)
    }

    /// The child's output `output` (`Fn::GetAtt` of `Outputs.{logical ID}`), such as
    /// `net.output(Network::VPC_ID)`. An output the child does not declare is an error of
    /// [`crate::Scope::finish`].
    pub fn output(&self, output: StackOutput) -> Value<String> {
        crate::intrinsic::get_att(
            &self.logical_id,
            &format!("Outputs.{}", output.logical_id()),
        )
    }
}

/// The `Properties` of the nested stack whose template is `child`, given `parameters`; or why
/// they cannot be made: a parameter the child does not declare or declares twice here, one it
/// requires and is not given, resources it protects, or an output of another stack the child
/// takes as a parameter.
pub(crate) fn properties(
    child: &Template,
    url: Value<String>,
    parameters: &[NestedParameter],
) -> Result<serde_json::Map<String, Json>, String> {
    let mut given = BTreeMap::new();
    for parameter in parameters {
        let id = parameter.logical_id();
        if !child.parameters().contains_key(&id) {
            return Err(format!("it has no parameter `{}`", parameter.name));
        }
        if given.insert(id, parameter.value.clone()).is_some() {
            return Err(format!("parameter `{}` is given twice", parameter.name));
        }
    }
    if child.uses_artifact_bucket() {
        given.insert(
            crate::asset::BUCKET_PARAMETER.to_owned(),
            crate::intrinsic::reference::<String>(crate::asset::BUCKET_PARAMETER).into_json(),
        );
    }
    if child.stack_policy().is_some() {
        return Err(
            "it protects resources (`protected let`), which CloudFormation's stack policy of the parent cannot reach; protect the nested stack in the parent (`protected nested`) instead"
                .to_owned(),
        );
    }
    if let Some(reference) = child
        .references()
        .iter()
        .find(|r| matches!(r.via, Via::Parameter(_)))
    {
        return Err(format!(
            "it takes output `{}` of stack `{}` as a parameter, which only a top-level stack gets; import it instead",
            reference.output.as_deref().unwrap_or_default(),
            reference.stack
        ));
    }
    let missing: Vec<&str> = child
        .parameters()
        .iter()
        .filter(|(id, p)| p.default().is_none() && !given.contains_key(*id))
        .map(|(id, _)| id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "parameter(s) without a default not given: {}",
            missing.join(", ")
        ));
    }
    let mut properties = serde_json::Map::new();
    properties.insert("TemplateURL".to_owned(), url.into_json());
    if !given.is_empty() {
        properties.insert(
            "Parameters".to_owned(),
            Json::Object(given.into_iter().collect()),
        );
    }
    Ok(properties)
}

/// The outputs read through `Fn::GetAtt` of `Outputs.*` of a nested stack of `template` that the
/// child does not declare, as `(nested stack, output)`, sorted.
pub(crate) fn unknown_outputs(template: &Template) -> Vec<(String, String)> {
    let json = serde_json::to_value(template).unwrap_or(Json::Null);
    let mut read = BTreeSet::new();
    collect_outputs_read(&json, &mut read);
    read.into_iter()
        .filter(|(stack, output)| {
            template
                .nested()
                .get(stack)
                .is_some_and(|child| !child.template().outputs().contains_key(output))
        })
        .collect()
}

fn collect_outputs_read(json: &Json, read: &mut BTreeSet<(String, String)>) {
    match json {
        Json::Object(map) => {
            if let Some(target) = map.get("Fn::GetAtt") {
                let (resource, attribute) = match target {
                    Json::Array(parts) => (
                        parts.first().and_then(Json::as_str),
                        parts.get(1).and_then(Json::as_str),
                    ),
                    Json::String(dotted) => match dotted.split_once('.') {
                        Some((resource, attribute)) => (Some(resource), Some(attribute)),
                        None => (None, None),
                    },
                    _ => (None, None),
                };
                if let (Some(resource), Some(output)) =
                    (resource, attribute.and_then(|a| a.strip_prefix("Outputs.")))
                {
                    read.insert((resource.to_owned(), output.to_owned()));
                }
            }
            map.values()
                .for_each(|value| collect_outputs_read(value, read));
        }
        Json::Array(items) => items
            .iter()
            .for_each(|item| collect_outputs_read(item, read)),
        _ => {}
    }
}
