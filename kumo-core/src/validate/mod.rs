//! Checks a template before anything leaves the process: quotas, logical ID rules, dangling
//! references and mappings, conditions, dependency cycles, parameter constraints and defaults,
//! resource type names and properties, tags and size.

mod generated;
mod graph;
mod parameters;
pub(crate) mod refs;
mod sections;
mod suggest;
mod tags;
#[cfg(test)]
mod tests;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::naming::{LogicalId, NamingError};
use crate::pseudo;
use crate::template::{Resource, Section, Template, Written, LANGUAGE_EXTENSIONS};
use generated::Generated;
use refs::{Found, Location};

/// Most resources a template may declare.
pub const MAX_RESOURCES: usize = 500;
/// Most parameters a template may declare.
pub const MAX_PARAMETERS: usize = 200;
/// Most outputs a template may declare.
pub const MAX_OUTPUTS: usize = 200;
/// Most mappings a template may declare.
pub const MAX_MAPPINGS: usize = 200;
/// Most attributes one mapping may hold.
pub const MAX_MAPPING_ATTRIBUTES: usize = 200;
/// Longest description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 1024;
/// Largest template body passed inline to the CloudFormation API, in bytes.
pub const MAX_INLINE_BODY_BYTES: usize = 51_200;
/// Largest template body passed by S3 URL, in bytes.
pub const MAX_S3_BODY_BYTES: usize = 1_000_000;
/// Fewest and most conditions `Fn::And` and `Fn::Or` take.
pub const CONDITION_ARITY: std::ops::RangeInclusive<usize> = 2..=10;

/// How a template body reaches CloudFormation, which sets its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// In the API call (`TemplateBody`): at most 51,200 bytes.
    Inline,
    /// By S3 URL (`TemplateURL`): at most 1 MB.
    S3,
}

impl Delivery {
    /// The largest body this delivery takes, in bytes.
    pub fn limit(self) -> usize {
        match self {
            Delivery::Inline => MAX_INLINE_BODY_BYTES,
            Delivery::S3 => MAX_S3_BODY_BYTES,
        }
    }
}

/// One problem of a template, naming the item at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The template has no resources; CloudFormation requires at least one.
    #[error("the template declares no resources; CloudFormation requires at least one")]
    NoResources,
    /// A section has more entries than CloudFormation allows.
    #[error("{section} declares {count} entries; CloudFormation allows at most {max}")]
    TooMany {
        /// The section.
        section: Section,
        /// How many it declares.
        count: usize,
        /// The quota.
        max: usize,
    },
    /// A mapping has more attributes than CloudFormation allows.
    #[error("mapping `{mapping}` holds {count} attributes; CloudFormation allows at most {max}")]
    MappingTooLarge {
        /// The mapping.
        mapping: String,
        /// How many attributes it holds.
        count: usize,
        /// The quota.
        max: usize,
    },
    /// A logical ID that breaks CloudFormation's rules.
    #[error("{section}.{id}: invalid logical ID: {reason}")]
    InvalidLogicalId {
        /// The section.
        section: Section,
        /// The ID.
        id: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// A resource type name CloudFormation refuses.
    #[error("Resources.{id}.Type: {type_name:?} is not a resource type name: {reason}")]
    InvalidResourceType {
        /// The resource.
        id: String,
        /// Its type name.
        type_name: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// A property the resource's type does not have, by its schema (for a type of a service
    /// the crate enables).
    #[error(
        "Resources.{id}.Properties.{property}: {type_name} has no property {property}{}",
        suggest::did_you_mean(.suggestion)
    )]
    UnknownProperty {
        /// The resource.
        id: String,
        /// Its type name.
        type_name: String,
        /// The property.
        property: String,
        /// The type's property of the nearest name, if one is near.
        suggestion: Option<&'static str>,
    },
    /// A top-level key that is not a section of a template (with no transform that reads keys
    /// of its own).
    #[error("{key}: not a section of a template{}", suggest::did_you_mean(.suggestion))]
    UnknownSection {
        /// The key.
        key: String,
        /// The section of the nearest name, if one is near.
        suggestion: Option<&'static str>,
    },
    /// A key of a resource that is not a resource attribute.
    #[error(
        "Resources.{id}.{attribute}: not a resource attribute{}",
        suggest::did_you_mean(.suggestion)
    )]
    UnknownAttribute {
        /// The resource.
        id: String,
        /// The key.
        attribute: String,
        /// The attribute of the nearest name, if one is near.
        suggestion: Option<&'static str>,
    },
    /// A `DeletionPolicy` or `UpdateReplacePolicy` that names no policy.
    #[error(
        "Resources.{id}.{attribute}: {policy:?} is not a policy ({})",
        suggest::one_of(.allowed)
    )]
    InvalidPolicy {
        /// The resource.
        id: String,
        /// `DeletionPolicy` or `UpdateReplacePolicy`.
        attribute: &'static str,
        /// What it names.
        policy: String,
        /// The policies it may name.
        allowed: &'static [&'static str],
    },
    /// A property the resource's type requires, by its schema, missing.
    #[error("Resources.{id}.Properties: {type_name} requires {property}")]
    MissingProperty {
        /// The resource.
        id: String,
        /// Its type name.
        type_name: String,
        /// The property.
        property: &'static str,
    },
    /// A parameter and a resource share a logical ID, so a `Ref` to it is ambiguous.
    #[error("`{id}` is declared both as a parameter and as a resource")]
    ParameterResourceClash {
        /// The shared ID.
        id: String,
    },
    /// The description is too long.
    #[error("the description is {bytes} bytes; CloudFormation allows at most {max}")]
    DescriptionTooLong {
        /// Its length.
        bytes: usize,
        /// The quota.
        max: usize,
    },
    /// The template body is too large for how it is delivered.
    #[error("the template body is {bytes} bytes, over the {max}-byte limit for {}", match delivery {
        Delivery::Inline => "inline templates (deploy through an artifact bucket to allow up to 1 MB)",
        Delivery::S3 => "templates passed by S3 URL",
    })]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit of the delivery.
        max: usize,
        /// How it is delivered.
        delivery: Delivery,
    },
    /// A `Ref` (or `${Name}` in `Fn::Sub`) to nothing the template declares.
    #[error(
        "{location}: Ref to `{target}`, which is not a parameter, resource or pseudo parameter"
    )]
    DanglingRef {
        /// Where the reference is.
        location: String,
        /// The missing name.
        target: String,
    },
    /// A condition that refers to a resource; conditions may refer only to parameters.
    #[error("{location}: conditions may refer only to parameters, but `{target}` is a resource")]
    ResourceInCondition {
        /// Where the reference is.
        location: String,
        /// The resource.
        target: String,
    },
    /// An `Fn::GetAtt` (or `${Name.Attribute}` in `Fn::Sub`) of something that is not a resource.
    #[error("{location}: Fn::GetAtt of `{target}`, which is not a resource of this template")]
    DanglingGetAtt {
        /// Where the reference is.
        location: String,
        /// The missing resource.
        target: String,
    },
    /// An `Fn::FindInMap` of a mapping the template does not declare.
    #[error("{location}: Fn::FindInMap of mapping `{mapping}`, which is not declared in Mappings")]
    UndefinedMapping {
        /// Where the function is.
        location: String,
        /// The missing mapping.
        mapping: String,
    },
    /// An `Fn::FindInMap` of a key its mapping does not have, without a `DefaultValue`.
    #[error("{location}: Fn::FindInMap of `{key}`, which mapping `{mapping}` does not have")]
    MissingMappingKey {
        /// Where the function is.
        location: String,
        /// The mapping.
        mapping: String,
        /// The missing key: `TopLevel` or `TopLevel.SecondLevel`.
        key: String,
    },
    /// A `DependsOn` naming something that is not a resource.
    #[error("Resources.{resource}.DependsOn: `{target}` is not a resource of this template")]
    DanglingDependsOn {
        /// The resource that depends.
        resource: String,
        /// The missing resource.
        target: String,
    },
    /// A condition name that is not declared.
    #[error("{location}: condition `{name}` is not declared in Conditions")]
    UndefinedCondition {
        /// Where the name is used.
        location: String,
        /// The missing condition.
        name: String,
    },
    /// `Fn::And` or `Fn::Or` with fewer than 2 or more than 10 conditions.
    #[error("{location}: {function} takes 2 to 10 conditions, not {count}")]
    ConditionArity {
        /// Where the function is.
        location: String,
        /// `Fn::And` or `Fn::Or`.
        function: &'static str,
        /// How many it was given.
        count: usize,
    },
    /// A function that needs the `AWS::LanguageExtensions` transform, in a template without it.
    #[error("{location}: {function} needs the AWS::LanguageExtensions transform, which the template does not declare")]
    MissingTransform {
        /// Where the function is.
        location: String,
        /// The function.
        function: String,
    },
    /// Resources that depend on each other in a circle.
    #[error("circular dependency between resources: {}", display_cycle(cycle))]
    DependencyCycle {
        /// The resources along the cycle, starting at the smallest name.
        cycle: Vec<String>,
    },
    /// A parameter whose constraints contradict each other, or whose default fails them.
    #[error("Parameters.{parameter}: {reason}")]
    InvalidParameter {
        /// The parameter.
        parameter: String,
        /// What is wrong.
        reason: String,
    },
    /// A resource tag AWS refuses.
    #[error("{location}: {error}")]
    Tag {
        /// The tag property.
        location: String,
        /// The rule the tag breaks.
        error: NamingError,
    },
    /// Two outputs export the same name.
    #[error("Outputs.{second}: export name `{name}` is already exported by Outputs.{first}")]
    DuplicateExport {
        /// The export name.
        name: String,
        /// The first output that exports it.
        first: String,
        /// The second.
        second: String,
    },
}

fn display_cycle(cycle: &[String]) -> String {
    let mut text = cycle.join(" -> ");
    if let Some(first) = cycle.first() {
        text.push_str(" -> ");
        text.push_str(first);
    }
    text
}

/// Every problem of a template, in a stable order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// The problems.
    pub fn errors(&self) -> &[ValidationError] {
        &self.0
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "invalid template: {one}"),
            many => {
                write!(f, "invalid template ({} problems):", many.len())?;
                for error in many {
                    write!(f, "\n  - {error}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ValidationErrors {}

impl Template {
    /// Checks the template for delivery inline (bodies up to 51,200 bytes).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        self.validate_for(Delivery::Inline)
    }

    /// Checks the template: quotas, logical IDs, resource type names and properties (for the
    /// services the crate enables: each is one the type has, and those it requires are there),
    /// sections, resource attributes and the policies they name, references, conditions,
    /// cycles, parameter constraints (and that each default meets them), exports, resource
    /// tags, and the body size for the given delivery.
    ///
    /// ```
    /// use kumo_core::{intrinsic::get_att, validate::ValidationError, Resource, Template};
    ///
    /// let mut template = Template::new();
    /// template.add_resource(
    ///     "Queue",
    ///     Resource::new("AWS::SQS::Queue").property(
    ///         "RedrivePolicy",
    ///         serde_json::json!({"deadLetterTargetArn": get_att::<String>("Dlq", "Arn")}),
    ///     ),
    /// )?;
    /// let errors = template.validate().unwrap_err();
    /// assert_eq!(
    ///     errors.to_string(),
    ///     "invalid template: Resources.Queue.Properties.RedrivePolicy.deadLetterTargetArn: \
    ///      Fn::GetAtt of `Dlq`, which is not a resource of this template"
    /// );
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn validate_for(&self, delivery: Delivery) -> Result<(), ValidationErrors> {
        self.check(delivery, self.json_len())
    }

    /// [`Template::to_json`] once the template passes [`Template::validate_for`]: the size check
    /// measures the text it returns, so the template is serialized once, not twice.
    ///
    /// ```
    /// use kumo_core::{validate::Delivery, Resource, Template};
    ///
    /// let mut template = Template::new();
    /// template.add_resource("Logs", Resource::new("AWS::S3::Bucket"))?;
    /// assert_eq!(template.validated_json(Delivery::S3)?, template.to_json());
    /// assert!(Template::new().validated_json(Delivery::S3).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validated_json(&self, delivery: Delivery) -> Result<String, ValidationErrors> {
        self.validated_written(delivery).map(Written::into_string)
    }

    /// [`Template::validated_json`], the text with where each resource is written in it
    /// ([`Template::written`]), to compare another text of the template with it.
    ///
    /// ```
    /// use kumo_core::validate::Delivery;
    /// use kumo_core::{Resource, Template};
    ///
    /// let mut template = Template::new();
    /// template.add_resource("Jobs", Resource::new("AWS::SQS::Queue"))?;
    /// let written = template.validated_written(Delivery::S3)?;
    /// assert_eq!(written.as_str(), template.to_json());
    /// assert!(Template::new().validated_written(Delivery::S3).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validated_written(&self, delivery: Delivery) -> Result<Written, ValidationErrors> {
        let written = self.written();
        self.check(delivery, written.as_str().len())
            .map(|()| written)
    }

    /// Every check of [`Template::validate_for`], for a template whose JSON is `bytes` long.
    fn check(&self, delivery: Delivery, bytes: usize) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        self.check_quotas(delivery, bytes, &mut errors);
        self.check_ids(&mut errors);
        self.check_types(&mut errors);
        self.check_properties(&mut errors);
        self.check_sections(&mut errors);
        self.check_references(&mut errors);
        self.check_parameters(&mut errors);
        self.check_exports(&mut errors);
        self.check_tags(&mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }

    fn check_quotas(&self, delivery: Delivery, bytes: usize, errors: &mut Vec<ValidationError>) {
        if self.resources().is_empty() && self.functions(Section::Resources).is_empty() {
            errors.push(ValidationError::NoResources);
        }
        for (section, count, max) in [
            (Section::Resources, self.resources().len(), MAX_RESOURCES),
            (Section::Parameters, self.parameters().len(), MAX_PARAMETERS),
            (Section::Outputs, self.outputs().len(), MAX_OUTPUTS),
            (Section::Mappings, self.mappings().len(), MAX_MAPPINGS),
        ] {
            if count > max {
                errors.push(ValidationError::TooMany {
                    section,
                    count,
                    max,
                });
            }
        }
        for (mapping, entries) in self.mappings() {
            let count = entries
                .values()
                .map(|second| second.len())
                .max()
                .unwrap_or(0);
            if count > MAX_MAPPING_ATTRIBUTES {
                errors.push(ValidationError::MappingTooLarge {
                    mapping: mapping.clone(),
                    count,
                    max: MAX_MAPPING_ATTRIBUTES,
                });
            }
        }
        if let Some(bytes) = self.description().map(str::len) {
            if bytes > MAX_DESCRIPTION_BYTES {
                errors.push(ValidationError::DescriptionTooLong {
                    bytes,
                    max: MAX_DESCRIPTION_BYTES,
                });
            }
        }
        if bytes > delivery.limit() {
            errors.push(ValidationError::TooLarge {
                bytes,
                max: delivery.limit(),
                delivery,
            });
        }
    }

    fn check_ids(&self, errors: &mut Vec<ValidationError>) {
        let sections: [(Section, Vec<&String>); 5] = [
            (Section::Parameters, self.parameters().keys().collect()),
            (Section::Mappings, self.mappings().keys().collect()),
            (Section::Conditions, self.conditions().keys().collect()),
            (Section::Resources, self.resources().keys().collect()),
            (Section::Outputs, self.outputs().keys().collect()),
        ];
        for (section, ids) in sections {
            for id in ids {
                if let Err(NamingError::InvalidLogicalId { reason, .. }) = LogicalId::parse(id) {
                    errors.push(ValidationError::InvalidLogicalId {
                        section,
                        id: id.clone(),
                        reason,
                    });
                }
            }
        }
        for id in self.parameters().keys() {
            if self.resources().contains_key(id) {
                errors.push(ValidationError::ParameterResourceClash { id: id.clone() });
            }
        }
    }

    /// Each resource's dependencies: the resources it names in `Ref`, `Fn::GetAtt`, `Fn::Sub` or
    /// `DependsOn`, by logical ID; for drawing the template as a graph.
    ///
    /// ```
    /// use kumo_core::intrinsic::get_att;
    /// use kumo_core::{Resource, Template};
    ///
    /// let mut t = Template::new();
    /// t.add_resource("Dlq", Resource::new("AWS::SQS::Queue"))?;
    /// t.add_resource(
    ///     "Jobs",
    ///     Resource::new("AWS::SQS::Queue")
    ///         .property("RedrivePolicy", serde_json::json!({"deadLetterTargetArn": get_att::<String>("Dlq", "Arn")})),
    /// )?;
    /// let graph = t.dependencies();
    /// assert!(graph["Jobs"].contains("Dlq"));
    /// assert!(graph["Dlq"].is_empty());
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn dependencies(&self) -> BTreeMap<&str, BTreeSet<&str>> {
        let mut found = Vec::new();
        self.resources()
            .iter()
            .map(|(id, resource)| {
                found.clear();
                resource_references(
                    &mut Location::new(false, format_args!("")),
                    resource,
                    &mut found,
                );
                let needs = targets(resource, &found)
                    .filter_map(|target| self.resources().get_key_value(target))
                    .map(|(name, _)| name.as_str())
                    .collect();
                (id.as_str(), needs)
            })
            .collect()
    }

    /// Checks references, conditions and cycles. The template is walked first without
    /// locations, which a valid template never needs, and again with them only when a problem
    /// was found, for its message.
    fn check_references(&self, errors: &mut Vec<ValidationError>) {
        let mut found = Vec::new();
        self.reference_errors(false, &mut found);
        if !found.is_empty() {
            found.clear();
            self.reference_errors(true, &mut found);
        }
        errors.append(&mut found);
    }

    /// The problems [`Template::check_references`] reports, with their locations when `locate`
    /// is set (and empty ones otherwise).
    fn reference_errors(&self, locate: bool, errors: &mut Vec<ValidationError>) {
        let names: Vec<&str> = self.resources().keys().map(String::as_str).collect();
        let mut edges = Vec::with_capacity(names.len());
        let made = Made {
            elsewhere: self.makes_resources(),
            resources: Generated::of(self.functions(Section::Resources)),
            conditions: Generated::of(self.functions(Section::Conditions)),
        };
        let mut found = Vec::new();

        for (name, condition) in self.conditions() {
            found.clear();
            let mut location = Location::new(locate, format_args!("Conditions.{name}"));
            refs::collect(condition.as_json(), &mut location, true, &mut found);
            self.check_found(&found, true, &made, errors);
        }
        for (id, resource) in self.resources() {
            if let Some(condition) = resource.condition_name() {
                let location = Location::new(locate, format_args!("Resources.{id}.Condition"));
                self.check_condition_name(condition, &location.here(), &made, errors);
            }
            for target in resource.dependencies() {
                // A transform, a module or a loop may make it, as for a `Ref`.
                if !self.resources().contains_key(target) && !made.resource(target) {
                    errors.push(ValidationError::DanglingDependsOn {
                        resource: id.clone(),
                        target: target.clone(),
                    });
                }
            }
            found.clear();
            let mut location = Location::new(locate, format_args!("Resources.{id}"));
            resource_references(&mut location, resource, &mut found);
            let mut needs: Vec<usize> = targets(resource, &found)
                .filter_map(|target| names.binary_search(&target).ok())
                .collect();
            needs.sort_unstable();
            needs.dedup();
            edges.push(needs);
            self.check_found(&found, false, &made, errors);
        }
        for (id, output) in self.outputs() {
            if let Some(condition) = output.condition_name() {
                let location = Location::new(locate, format_args!("Outputs.{id}.Condition"));
                self.check_condition_name(condition, &location.here(), &made, errors);
            }
            found.clear();
            let mut location = Location::new(locate, format_args!("Outputs.{id}.Value"));
            refs::collect(output.value(), &mut location, false, &mut found);
            if let Some(name) = output.export_name() {
                let mut location = Location::new(locate, format_args!("Outputs.{id}.Export.Name"));
                refs::collect(name, &mut location, false, &mut found);
            }
            self.check_found(&found, false, &made, errors);
        }

        // A transform other than the language extensions (SAM, a macro) rewrites references:
        // a function's `Events` naming its API are gone once SAM has run.
        if self
            .transforms()
            .iter()
            .any(|transform| transform != LANGUAGE_EXTENSIONS)
        {
            return;
        }
        for cycle in graph::cycles(&graph::Graph { names, edges }) {
            errors.push(ValidationError::DependencyCycle {
                cycle: cycle.into_iter().map(str::to_owned).collect(),
            });
        }
    }

    /// Checks what one entry refers to, noting the conditions it uses. `in_conditions` is set for
    /// an entry of `Conditions`.
    fn check_found<'a>(
        &self,
        found: &[refs::Located<'a>],
        in_conditions: bool,
        made: &Made<'_>,
        errors: &mut Vec<ValidationError>,
    ) {
        for (location, item) in found {
            match *item {
                Found::Ref(target) | Found::GetAtt(target)
                    if in_conditions && self.resources().contains_key(target) =>
                {
                    errors.push(ValidationError::ResourceInCondition {
                        location: location.clone(),
                        target: target.to_owned(),
                    });
                }
                Found::Ref(target) => {
                    if !self.parameters().contains_key(target)
                        && !self.resources().contains_key(target)
                        && !pseudo::is_pseudo(target)
                        && !made.resource(target)
                    {
                        errors.push(ValidationError::DanglingRef {
                            location: location.clone(),
                            target: target.to_owned(),
                        });
                    }
                }
                Found::GetAtt(target) => {
                    if !self.resources().contains_key(target) && !made.resource(target) {
                        errors.push(ValidationError::DanglingGetAtt {
                            location: location.clone(),
                            target: target.to_owned(),
                        });
                    }
                }
                Found::Condition(name) => {
                    self.check_condition_name(name, location, made, errors);
                }
                Found::Arity(function, count) => {
                    if !CONDITION_ARITY.contains(&count) {
                        errors.push(ValidationError::ConditionArity {
                            location: location.clone(),
                            function,
                            count,
                        });
                    }
                }
                Found::FindInMap {
                    mapping,
                    keys,
                    default,
                } => {
                    if !default && !made.elsewhere {
                        self.check_mapping(mapping, keys, location, errors);
                    }
                }
                Found::LanguageExtension(function) => {
                    if !self.transforms().iter().any(|t| t == LANGUAGE_EXTENSIONS) {
                        errors.push(ValidationError::MissingTransform {
                            location: location.clone(),
                            function: function.to_owned(),
                        });
                    }
                }
            }
        }
    }

    /// Whether something other than the template makes resources for it when it is deployed: a
    /// transform other than `AWS::LanguageExtensions` (SAM, `AWS::Include`, a macro) or a
    /// module (a resource type ending in `::MODULE`).
    fn makes_resources(&self) -> bool {
        self.transforms()
            .iter()
            .any(|transform| transform != LANGUAGE_EXTENSIONS)
            || self
                .resources()
                .values()
                .any(|resource| resource.type_name().ends_with("::MODULE"))
    }

    /// Checks that an `Fn::FindInMap` without a `DefaultValue` names a declared mapping, and
    /// keys it has where they are written as text.
    fn check_mapping(
        &self,
        mapping: &str,
        [top, second]: [Option<&str>; 2],
        location: &str,
        errors: &mut Vec<ValidationError>,
    ) {
        let Some(entries) = self.mappings().get(mapping) else {
            errors.push(ValidationError::UndefinedMapping {
                location: location.to_owned(),
                mapping: mapping.to_owned(),
            });
            return;
        };
        let Some(top) = top else {
            return;
        };
        let missing = match entries.get(top) {
            None => top.to_owned(),
            Some(inner) => match second {
                Some(second) if !inner.contains_key(second) => format!("{top}.{second}"),
                _ => return,
            },
        };
        errors.push(ValidationError::MissingMappingKey {
            location: location.to_owned(),
            mapping: mapping.to_owned(),
            key: missing,
        });
    }

    fn check_condition_name(
        &self,
        name: &str,
        location: &str,
        made: &Made<'_>,
        errors: &mut Vec<ValidationError>,
    ) {
        if !self.conditions().contains_key(name) && !made.conditions.may_make(name) {
            errors.push(ValidationError::UndefinedCondition {
                location: location.to_owned(),
                name: name.to_owned(),
            });
        }
    }

    fn check_exports(&self, errors: &mut Vec<ValidationError>) {
        let mut exported: BTreeMap<&str, &str> = BTreeMap::new();
        for (id, output) in self.outputs() {
            let Some(name) = output.export_name().and_then(|n| n.as_str()) else {
                continue;
            };
            match exported.get(name) {
                Some(first) => errors.push(ValidationError::DuplicateExport {
                    name: name.to_owned(),
                    first: (*first).to_owned(),
                    second: id.clone(),
                }),
                None => {
                    exported.insert(name, id);
                }
            }
        }
    }
}

/// What the template does not declare but has when it is deployed.
struct Made<'a> {
    /// Whether a transform or module makes resources ([`Template::makes_resources`]).
    elsewhere: bool,
    /// The resources `Fn::ForEach` loops make.
    resources: Generated<'a>,
    /// The conditions `Fn::ForEach` loops make.
    conditions: Generated<'a>,
}

impl Made<'_> {
    /// Whether `id` may be a resource made when the template is deployed.
    fn resource(&self, id: &str) -> bool {
        self.elsewhere || self.resources.may_make(id)
    }
}

/// The logical IDs a resource names as dependencies: its `DependsOn` targets and the `Ref` and
/// `Fn::GetAtt` targets among what it refers to (`found`), which may not all be resources.
fn targets<'a>(
    resource: &'a Resource,
    found: &'a [refs::Located<'a>],
) -> impl Iterator<Item = &'a str> {
    let refers = found.iter().filter_map(|(_, item)| match *item {
        Found::Ref(target) | Found::GetAtt(target) => Some(target),
        _ => None,
    });
    resource
        .dependencies()
        .iter()
        .map(String::as_str)
        .chain(refers)
}

/// Appends what a resource's properties and JSON attributes refer to, located under `location`.
fn resource_references<'a>(
    location: &mut Location,
    resource: &'a Resource,
    found: &mut Vec<refs::Located<'a>>,
) {
    for (key, value) in resource.properties() {
        location.within(format_args!(".Properties.{key}"), |location| {
            refs::collect(value, location, false, found)
        });
    }
    for (attribute, value) in resource.json_attributes() {
        location.within(format_args!(".{attribute}"), |location| {
            refs::collect(value, location, false, found)
        });
    }
}
