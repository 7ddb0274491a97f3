//! The template model: what a stack's template holds, and its JSON and YAML forms.

mod alike;
mod canonical;
mod numbers;
mod output;
mod parameter;
mod pretty;
mod read;
mod resource;
mod rule;
mod scan;
mod secrets;
mod transform;
mod write;
mod written;
#[cfg(feature = "yaml")]
mod yaml;
#[cfg(feature = "yaml")]
mod yaml_write;

use std::collections::BTreeMap;
use std::fmt;

pub use output::{Export, Output};
pub use parameter::{AwsType, Parameter, ParameterType, SsmValueType};
pub use resource::{DeletionPolicy, Resource, UpdateReplacePolicy};
pub use rule::{Assertion, Rule};
pub use written::Written;

use transform::Transforms;

use crate::asset::Asset;
use crate::condition::Condition;
use crate::error::TemplateError;
use crate::group::StackReference;
use crate::nested::NestedTemplate;
use crate::typed::{Handle, ResourceType};
use crate::value::{Json, Value};

/// The only template format version CloudFormation has.
pub const FORMAT_VERSION: &str = "2010-09-09";

/// The transform that enables `Fn::Length`, `Fn::ToJsonString` and `Fn::ForEach`.
pub const LANGUAGE_EXTENSIONS: &str = "AWS::LanguageExtensions";

/// The key of the intrinsic that puts a snippet (`AWS::Include`) or a macro's output in its
/// place: a section's entry, a resource's attribute, or within a value.
pub const TRANSFORM_FUNCTION: &str = "Fn::Transform";

/// A mapping: top-level key, then second-level key, to a value read by `Fn::FindInMap`.
pub type Mapping = BTreeMap<String, BTreeMap<String, Json>>;

/// How the keys of intrinsic functions begin; among a section's entries, such a key is a
/// function (`Fn::ForEach::...`, `Fn::Transform`), not a logical ID.
const FUNCTION_PREFIX: &str = "Fn::";

/// The key of the resources' section.
const RESOURCES: &str = "Resources";

/// A part of a template: a section whose entries have logical IDs, the template's metadata
/// (entries by key), or its description or transforms (one entry, of an empty ID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// `Parameters`
    Parameters,
    /// `Rules`
    Rules,
    /// `Mappings`
    Mappings,
    /// `Conditions`
    Conditions,
    /// `Resources`
    Resources,
    /// `Outputs`
    Outputs,
    /// `Description`
    Description,
    /// `Transform`
    Transform,
    /// `Metadata`
    Metadata,
    /// `Hooks`
    Hooks,
    /// `AWSTemplateFormatVersion`
    FormatVersion,
    /// A top-level key the model has no field for (SAM's `Globals`), as an entry of that ID.
    Other,
}

impl Section {
    /// The singular noun for an entry of this section, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Section::Parameters => "parameter",
            Section::Rules => "rule",
            Section::Mappings => "mapping",
            Section::Conditions => "condition",
            Section::Resources => "resource",
            Section::Outputs => "output",
            Section::Description => "description",
            Section::Transform => "transform",
            Section::Metadata => "metadata entry",
            Section::Hooks => "hook",
            Section::FormatVersion => "format version",
            Section::Other => "top-level key",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Section::Parameters => "Parameters",
            Section::Rules => "Rules",
            Section::Mappings => "Mappings",
            Section::Conditions => "Conditions",
            Section::Resources => "Resources",
            Section::Outputs => "Outputs",
            Section::Description => "Description",
            Section::Transform => "Transform",
            Section::Metadata => "Metadata",
            Section::Hooks => "Hooks",
            Section::FormatVersion => "AWSTemplateFormatVersion",
            Section::Other => "Other",
        })
    }
}

/// A CloudFormation template.
///
/// Every section is kept sorted by logical ID, so the emitted JSON depends only on what the
/// template holds, never on the order it was built in: the same source gives the same bytes on
/// every machine.
///
/// ```
/// use kumo_core::{intrinsic::get_att, Output, Parameter, Resource, Template};
///
/// let mut template = Template::new().with_description("Logs bucket");
/// template.add_parameter("Env", Parameter::string().default_value("dev"))?;
/// template.add_resource("Logs", Resource::new("AWS::S3::Bucket"))?;
/// template.add_output("LogsArn", Output::new(get_att("Logs", "Arn")))?;
/// template.validate()?;
///
/// let json = template.to_json();
/// assert!(json.starts_with("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n"));
/// assert_eq!(kumo_core::Template::from_json(&json)?, template);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Besides the template proper, it carries what a deploy needs that is not part of the template
/// (and so not part of its JSON or of equality): the [assets](Template::assets) to bundle, the
/// [stack policy](Template::stack_policy), the [other stacks](Template::references) it uses and
/// the templates of its [nested stacks](Template::nested).
///
/// Templates are read from JSON ([`Template::from_json`]) and YAML (`Template::from_yaml`)
/// without loss, in their [canonical form](Template::canonical_json).
#[derive(Debug, Clone)]
pub struct Template {
    format_version: String,
    description: Option<String>,
    metadata: BTreeMap<String, Json>,
    parameters: BTreeMap<String, Parameter>,
    rules: BTreeMap<String, Rule>,
    mappings: BTreeMap<String, Mapping>,
    conditions: BTreeMap<String, Condition>,
    transform: Transforms,
    resources: BTreeMap<String, Resource>,
    outputs: BTreeMap<String, Output>,
    hooks: BTreeMap<String, Json>,
    /// The entries of sections that are functions, not declarations, by section then key.
    functions: BTreeMap<Section, BTreeMap<String, Json>>,
    /// Top-level keys the model has no field for, such as SAM's `Globals`.
    other: BTreeMap<String, Json>,
    assets: BTreeMap<String, Asset>,
    nested: BTreeMap<String, NestedTemplate>,
    stack_policy: Option<Json>,
    stack_tags: Option<BTreeMap<String, String>>,
    references: Vec<StackReference>,
}

/// Two templates are equal when their JSON is: assets, stack policy and references to other
/// stacks are left out.
impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        self.format_version == other.format_version
            && self.description == other.description
            && self.metadata == other.metadata
            && self.parameters == other.parameters
            && self.rules == other.rules
            && self.mappings == other.mappings
            && self.conditions == other.conditions
            && self.transform == other.transform
            && self.resources == other.resources
            && self.outputs == other.outputs
            && self.hooks == other.hooks
            && self.functions == other.functions
            && self.other == other.other
    }
}

impl Default for Template {
    fn default() -> Self {
        Template::new()
    }
}

fn insert_new<V>(
    section: Section,
    map: &mut BTreeMap<String, V>,
    id: &str,
    value: V,
) -> Result<(), TemplateError> {
    if map.contains_key(id) {
        return Err(TemplateError::Duplicate {
            section,
            id: id.to_owned(),
        });
    }
    map.insert(id.to_owned(), value);
    Ok(())
}

impl Template {
    /// An empty template.
    pub fn new() -> Self {
        Template {
            format_version: FORMAT_VERSION.to_owned(),
            description: None,
            metadata: BTreeMap::new(),
            parameters: BTreeMap::new(),
            rules: BTreeMap::new(),
            mappings: BTreeMap::new(),
            conditions: BTreeMap::new(),
            transform: Transforms::default(),
            resources: BTreeMap::new(),
            outputs: BTreeMap::new(),
            hooks: BTreeMap::new(),
            functions: BTreeMap::new(),
            other: BTreeMap::new(),
            assets: BTreeMap::new(),
            nested: BTreeMap::new(),
            stack_policy: None,
            stack_tags: None,
            references: Vec::new(),
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.set_description(description);
        self
    }

    /// Sets the description.
    pub fn set_description(&mut self, description: impl Into<String>) {
        self.description = Some(description.into());
    }

    /// Sets a top-level `Metadata` key.
    pub fn set_metadata(&mut self, key: impl Into<String>, value: Json) {
        self.metadata.insert(key.into(), value);
    }

    /// Adds a transform (a macro CloudFormation runs on the template) unless already present.
    pub fn add_transform(&mut self, name: impl Into<String>) {
        self.transform.add(name.into());
    }

    /// Adds a parameter; fails if one of that logical ID exists.
    pub fn add_parameter(&mut self, id: &str, parameter: Parameter) -> Result<(), TemplateError> {
        insert_new(Section::Parameters, &mut self.parameters, id, parameter)
    }

    /// Adds a rule; fails if one of that name exists.
    pub fn add_rule(&mut self, id: &str, rule: Rule) -> Result<(), TemplateError> {
        insert_new(Section::Rules, &mut self.rules, id, rule)
    }

    /// Adds a mapping; fails if one of that logical ID exists.
    pub fn add_mapping(&mut self, id: &str, mapping: Mapping) -> Result<(), TemplateError> {
        insert_new(Section::Mappings, &mut self.mappings, id, mapping)
    }

    /// Adds a condition; fails if one of that name exists.
    pub fn add_condition(&mut self, id: &str, condition: Condition) -> Result<(), TemplateError> {
        insert_new(Section::Conditions, &mut self.conditions, id, condition)
    }

    /// Adds a resource; fails if one of that logical ID exists.
    pub fn add_resource(&mut self, id: &str, resource: Resource) -> Result<(), TemplateError> {
        insert_new(Section::Resources, &mut self.resources, id, resource)
    }

    /// Adds a typed resource and returns its [`Handle`], the source of its typed `Ref` and
    /// attributes; fails if a resource of that logical ID exists.
    ///
    /// ```
    /// # #[cfg(all(feature = "sqs", feature = "lambda"))] {
    /// use kumo_core::resources::{lambda, sqs};
    /// use kumo_core::Template;
    ///
    /// let mut template = Template::new();
    /// let dead_letters = template.add("DeadLetters", sqs::Queue::new())?;
    /// let jobs = template.add(
    ///     "Jobs",
    ///     sqs::Queue::new().redrive_policy(
    ///         sqs::queue::RedrivePolicy::new()
    ///             .dead_letter_target_arn(dead_letters.arn())
    ///             .max_receive_count(5),
    ///     ),
    /// )?;
    /// template.add(
    ///     "JobsTrigger",
    ///     lambda::EventSourceMapping::new("worker").event_source_arn(jobs.arn()),
    /// )?;
    /// assert_eq!(template.resources().len(), 3);
    /// # }
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn add<R: ResourceType>(
        &mut self,
        id: &str,
        resource: R,
    ) -> Result<Handle<R>, TemplateError> {
        self.add_resource(id, resource.into_resource())?;
        Ok(Handle::new(id))
    }

    /// Adds an output; fails if one of that logical ID exists.
    pub fn add_output(&mut self, id: &str, output: Output) -> Result<(), TemplateError> {
        insert_new(Section::Outputs, &mut self.outputs, id, output)
    }

    /// Adds a `Fn::ForEach` loop among the entries of `section` (see
    /// [`crate::intrinsic::for_each`]) and the `AWS::LanguageExtensions` transform it needs;
    /// fails if a loop of that name exists there.
    pub fn add_for_each(
        &mut self,
        section: Section,
        for_each: crate::intrinsic::ForEach,
    ) -> Result<(), TemplateError> {
        let (key, value) = for_each.into_entry();
        let loops = self.functions.entry(section).or_default();
        insert_new(section, loops, &key, value)?;
        self.add_transform(LANGUAGE_EXTENSIONS);
        Ok(())
    }

    /// The `AWSTemplateFormatVersion` (`2010-09-09`, the only one CloudFormation knows).
    pub fn format_version(&self) -> &str {
        &self.format_version
    }

    /// The description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The top-level metadata, by key.
    pub fn metadata(&self) -> &BTreeMap<String, Json> {
        &self.metadata
    }

    /// The transforms, in the order CloudFormation applies them: each a name, or for
    /// `AWS::Include` an object with `Name` and `Parameters`.
    pub fn transforms(&self) -> &[Json] {
        self.transform.items()
    }

    /// The rules, by name.
    pub fn rules(&self) -> &BTreeMap<String, Rule> {
        &self.rules
    }

    /// The `Hooks` section (such as `AWS::CodeDeploy::BlueGreen`), by logical ID.
    pub fn hooks(&self) -> &BTreeMap<String, Json> {
        &self.hooks
    }

    /// The entries of a section that are functions rather than declarations, by key as written:
    /// the `Fn::ForEach::<Loop>` loops of the language extensions and `Fn::Transform` includes.
    /// Empty for a section without any.
    pub fn functions(&self, section: Section) -> &BTreeMap<String, Json> {
        static NONE: BTreeMap<String, Json> = BTreeMap::new();
        self.functions.get(&section).unwrap_or(&NONE)
    }

    /// The entries the `Fn::ForEach` loops of `section` write, loops within loops included:
    /// each key as written (`Topic${Name}`, its placeholders standing for each item) with its
    /// value.
    ///
    /// ```
    /// use kumo_core::{Section, Template};
    ///
    /// let template = Template::from_json(
    ///     r#"{"Transform": "AWS::LanguageExtensions", "Resources": {"Fn::ForEach::Topics":
    ///         ["Name", ["A", "B"], {"Topic${Name}": {"Type": "AWS::SNS::Topic"}}]}}"#,
    /// )?;
    /// let looped = template.looped_entries(Section::Resources);
    /// assert_eq!(looped[0].0, "Topic${Name}");
    /// assert_eq!(looped[0].1["Type"], "AWS::SNS::Topic");
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn looped_entries(&self, section: Section) -> Vec<(&str, &Json)> {
        crate::for_each::looped_entries(self.functions(section))
    }

    /// Top-level keys the model has no field for (such as SAM's `Globals`), kept as read.
    pub fn other_keys(&self) -> &BTreeMap<String, Json> {
        &self.other
    }

    /// The parameters, by logical ID.
    pub fn parameters(&self) -> &BTreeMap<String, Parameter> {
        &self.parameters
    }

    /// The mappings, by logical ID.
    pub fn mappings(&self) -> &BTreeMap<String, Mapping> {
        &self.mappings
    }

    /// The conditions, by name.
    pub fn conditions(&self) -> &BTreeMap<String, Condition> {
        &self.conditions
    }

    /// The resources, by logical ID.
    pub fn resources(&self) -> &BTreeMap<String, Resource> {
        &self.resources
    }

    /// The resources, by logical ID, for changes such as adding default tags.
    pub fn resources_mut(&mut self) -> &mut BTreeMap<String, Resource> {
        &mut self.resources
    }

    /// The outputs, by logical ID.
    pub fn outputs(&self) -> &BTreeMap<String, Output> {
        &self.outputs
    }

    /// The local directories `deploy` bundles and uploads, by content hash.
    pub fn assets(&self) -> &BTreeMap<String, Asset> {
        &self.assets
    }

    /// Adds an asset and returns where it will be: the bucket (a `Ref` to the parameter
    /// [`crate::asset::BUCKET_PARAMETER`], declared here, which `deploy` fills with the artifact
    /// bucket) and the key. The same contents added twice are one asset.
    pub fn add_asset(&mut self, asset: Asset) -> (Value<String>, String) {
        let bucket = self.bucket_parameter(
            "Bucket kumo uploads bundled code to (kumo deploy sets it to the artifact bucket).",
        );
        let key = asset.key();
        self.assets.entry(asset.hash().to_owned()).or_insert(asset);
        (bucket, key)
    }

    /// The nested stacks' templates, by the logical ID of their `AWS::CloudFormation::Stack`.
    pub fn nested(&self) -> &BTreeMap<String, NestedTemplate> {
        &self.nested
    }

    /// The templates of the nested stacks (theirs too), each with its path of logical IDs
    /// joined by `.` (`Net`, `Net.Subnets`), parents first.
    pub fn nested_templates(&self) -> Vec<(String, &Template)> {
        let mut found = Vec::new();
        for (id, nested) in &self.nested {
            found.push((id.clone(), nested.template()));
            found.extend(
                nested
                    .template()
                    .nested_templates()
                    .into_iter()
                    .map(|(path, child)| (format!("{id}.{path}"), child)),
            );
        }
        found
    }

    /// Records the template of the nested stack `id` and returns its `TemplateURL`: the
    /// artifact bucket (the parameter [`crate::asset::BUCKET_PARAMETER`], declared here) under
    /// the template's content hash, where `deploy` uploads it.
    pub fn add_nested(&mut self, id: &str, nested: NestedTemplate) -> Value<String> {
        self.bucket_parameter(
            "Bucket kumo uploads nested stack templates and bundled code to (kumo deploy sets it to the artifact bucket).",
        );
        let url = nested.url();
        self.nested.insert(id.to_owned(), nested);
        url
    }

    /// Whether `deploy` needs the artifact bucket for this template: it bundles assets or
    /// nests stacks.
    pub fn uses_artifact_bucket(&self) -> bool {
        !self.assets.is_empty() || !self.nested.is_empty()
    }

    /// Declares the bucket parameter (with `description` if it is new) and returns its `Ref`.
    fn bucket_parameter(&mut self, description: &str) -> Value<String> {
        self.parameters
            .entry(crate::asset::BUCKET_PARAMETER.to_owned())
            .or_insert_with(|| Parameter::string().description(description));
        crate::intrinsic::reference(crate::asset::BUCKET_PARAMETER)
    }

    /// The outputs of other stacks of the app this template uses, and the stacks it depends on.
    pub fn references(&self) -> &[StackReference] {
        &self.references
    }

    /// Records a use of (or a dependency on) another stack of the app.
    pub fn add_reference(&mut self, reference: StackReference) {
        if !self.references.contains(&reference) {
            self.references.push(reference);
        }
    }

    /// The names of the stacks this one depends on, sorted.
    pub fn stack_dependencies(&self) -> Vec<&str> {
        let mut stacks: Vec<&str> = self.references.iter().map(|r| r.stack.as_str()).collect();
        stacks.sort_unstable();
        stacks.dedup();
        stacks
    }

    /// The stack policy `deploy` sets: which updates CloudFormation refuses to make.
    pub fn stack_policy(&self) -> Option<&Json> {
        self.stack_policy.as_ref()
    }

    /// Sets the stack policy (a policy document of `Update:*` actions on
    /// `LogicalResourceId/...` resources).
    pub fn set_stack_policy(&mut self, policy: Json) {
        self.stack_policy = Some(policy);
    }

    /// kumo's own stack tags (`service-name`, `environment`, the stack's header tags), which the
    /// CLI sends with the stack beside kumo.toml's: empty when the stack turned default tags off;
    /// `None` when the template does not say (the CLI then sends `service-name` and
    /// `environment`).
    pub fn stack_tags(&self) -> Option<&BTreeMap<String, String>> {
        self.stack_tags.as_ref()
    }

    /// Sets kumo's own stack tags (see [`Template::stack_tags`]).
    pub fn set_stack_tags(&mut self, tags: BTreeMap<String, String>) {
        self.stack_tags = Some(tags);
    }

    /// The template as pretty-printed JSON (two-space indent, trailing newline): the form kumo
    /// writes, diffs, snapshots and deploys.
    pub fn to_json(&self) -> String {
        // Room for what a resource takes on average and then some, so that the text is not
        // copied as it grows (room never written to costs no memory).
        let mut text = Vec::with_capacity(4096 + 1024 * self.resources.len());
        // A template is always JSON, and writing to a Vec cannot fail.
        let _ = pretty::write(&mut text, self);
        text.push(b'\n');
        // serde_json writes UTF-8 only.
        String::from_utf8(text).unwrap_or_default()
    }

    /// The length in bytes of [`Template::to_json`], counted without building the text.
    pub(crate) fn json_len(&self) -> usize {
        struct Count(usize);
        impl std::io::Write for Count {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0 += bytes.len();
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut count = Count(1);
        // Counting cannot fail, and a template is always JSON.
        let _ = pretty::write(&mut count, self);
        count.0
    }

    /// The template as JSON without whitespace.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).expect("a template is always JSON")
    }

    /// The template as YAML, with intrinsics in their long form (`Fn::Sub:`), which every YAML
    /// reader of CloudFormation accepts. A string that YAML 1.1, as CloudFormation reads it,
    /// would take unquoted for something else (`'no'`, `'off'`, `'1_000'`, `'1:30'`) is quoted,
    /// key or value, so [`Template::from_yaml`] reads back the same template.
    #[cfg(feature = "yaml")]
    pub fn to_yaml(&self) -> String {
        yaml_write::to_yaml(self)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn json_len_counts_the_bytes_of_to_json() {
        let mut template = Template::new().with_description("Ünïcode description");
        template
            .add_resource(
                "Queue",
                Resource::new("AWS::SQS::Queue").property("DelaySeconds", 5),
            )
            .unwrap();
        assert_eq!(template.json_len(), template.to_json().len());
    }

    use serde_json::json;

    use super::*;
    use crate::intrinsic::reference;

    fn sample() -> Template {
        let mut template = Template::new().with_description("sample");
        template.set_metadata("Owner", json!("mes"));
        template.add_transform(LANGUAGE_EXTENSIONS);
        template
            .add_parameter("Env", Parameter::string().default_value("dev"))
            .unwrap();
        template
            .add_mapping(
                "Sizes",
                BTreeMap::from([(
                    "dev".to_owned(),
                    BTreeMap::from([("Memory".to_owned(), json!(128))]),
                )]),
            )
            .unwrap();
        template
            .add_condition(
                "IsProd",
                Condition::equals(reference::<String>("Env"), "prod"),
            )
            .unwrap();
        template
            .add_resource(
                "Topic",
                Resource::new("AWS::SNS::Topic").condition("IsProd"),
            )
            .unwrap();
        template
            .add_output(
                "TopicArn",
                Output::new(reference("Topic")).condition("IsProd"),
            )
            .unwrap();
        template
    }

    #[test]
    fn sections_are_emitted_in_cloudformation_order() {
        let value: Json = serde_json::from_str(&sample().to_json()).unwrap();
        let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        // serde_json's map is sorted, so read the order from the text instead.
        let text = sample().to_json();
        let mut positions: Vec<_> = keys
            .iter()
            .map(|k| (text.find(&format!("\n  \"{k}\"")).unwrap(), k.clone()))
            .collect();
        positions.sort();
        let order: Vec<_> = positions.into_iter().map(|(_, k)| k).collect();
        assert_eq!(
            order,
            [
                "AWSTemplateFormatVersion",
                "Description",
                "Metadata",
                "Parameters",
                "Mappings",
                "Conditions",
                "Transform",
                "Resources",
                "Outputs"
            ]
        );
    }

    #[test]
    fn json_round_trips() {
        let template = sample();
        assert_eq!(Template::from_json(&template.to_json()).unwrap(), template);
        assert_eq!(
            Template::from_json(&template.to_json_compact()).unwrap(),
            template
        );
    }

    #[test]
    fn reads_a_single_transform_string() {
        let template =
            Template::from_json(r#"{"Transform": "AWS::Serverless-2016-10-31", "Resources": {}}"#)
                .unwrap();
        assert_eq!(template.transforms(), [json!("AWS::Serverless-2016-10-31")]);
    }

    #[test]
    fn duplicates_are_refused_with_their_section() {
        let mut template = sample();
        let err = template
            .add_resource("Topic", Resource::new("AWS::SNS::Topic"))
            .unwrap_err();
        assert_eq!(err.to_string(), "resource `Topic` is already declared");
        let err = template
            .add_parameter("Env", Parameter::string())
            .unwrap_err();
        assert_eq!(err.to_string(), "parameter `Env` is already declared");
    }

    #[test]
    fn adding_a_transform_twice_keeps_one() {
        let mut template = Template::new();
        template.add_transform(LANGUAGE_EXTENSIONS);
        template.add_transform(LANGUAGE_EXTENSIONS);
        assert_eq!(template.transforms(), [json!(LANGUAGE_EXTENSIONS)]);
    }

    #[test]
    fn malformed_json_is_a_parse_error() {
        let err = Template::from_json("{\"Resources\": [}").unwrap_err();
        assert!(
            err.to_string().starts_with("invalid template JSON: "),
            "{err}"
        );
    }

    #[cfg(feature = "yaml")]
    #[test]
    fn yaml_uses_long_form_intrinsics() {
        let yaml = sample().to_yaml();
        assert!(
            yaml.starts_with("AWSTemplateFormatVersion: 2010-09-09\n"),
            "{yaml}"
        );
        assert!(yaml.contains("Fn::Equals:"), "{yaml}");
    }
}
