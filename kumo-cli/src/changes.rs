//! What a change set does, read without the network: the capabilities a template needs, and the
//! changes that would lose data.

use std::fmt;

use kumo_core::resources::is_stateful;
use kumo_core::{DeletionPolicy, Json, Section, Template, LANGUAGE_EXTENSIONS, TRANSFORM_FUNCTION};

use crate::ui::Style;

/// One change of a change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChange {
    /// `Add`, `Modify`, `Remove`, `Import`, `Dynamic`.
    pub action: String,
    /// The resource's logical ID.
    pub logical_id: String,
    /// The resource type.
    pub resource_type: String,
    /// `True`, `False` or `Conditional` for a `Modify`; empty otherwise.
    pub replacement: String,
    /// What of the resource changes: `Properties`, `Metadata`, `Tags`, ...
    pub scope: Vec<String>,
    /// Per changed target, whether changing it recreates the resource.
    pub details: Vec<Detail>,
}

/// What CloudFormation says a change of one target of a resource does to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    /// The attribute and, for a property, its name: `Properties.QueueName`, `Tags`.
    pub target: String,
    /// `Never`, `Conditionally` or `Always` (the strongest CloudFormation gives for it).
    pub requires_recreation: String,
}

impl ResourceChange {
    /// The colour of the change: green for an addition, red for a removal or replacement,
    /// yellow for a modification.
    pub fn style(&self) -> Style {
        match (self.action.as_str(), self.replacement.as_str()) {
            ("Add", _) => Style::Good,
            ("Remove", _) | (_, "True") => Style::Bad,
            _ => Style::Changed,
        }
    }

    /// The change in the `--json` report: CloudFormation's action, the resource, its
    /// replacement, scope and per-target recreation.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "action": self.action,
            "logical_id": self.logical_id,
            "type": self.resource_type,
            "replacement": self.replacement,
            "scope": self.scope,
            "recreation": self.details.iter().map(|d| serde_json::json!({
                "target": d.target,
                "requires_recreation": d.requires_recreation,
            })).collect::<Vec<_>>(),
        })
    }

    /// What the change does, in a word: `add`, `modify`, `replace` (CloudFormation says it
    /// will), `remove`, or CloudFormation's other actions in lower case.
    pub fn kind(&self) -> String {
        match (self.action.as_str(), self.replacement.as_str()) {
            ("Modify", "True") => "replace".to_owned(),
            (action, _) => action.to_lowercase(),
        }
    }

    fn loses_the_resource(&self) -> bool {
        self.action == "Remove"
            || (self.action == "Modify"
                && matches!(self.replacement.as_str(), "True" | "Conditional"))
    }
}

impl fmt::Display for ResourceChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = match self.action.as_str() {
            "Add" => "+",
            "Remove" => "-",
            _ => "~",
        };
        write!(
            f,
            "{sign} {} ({}) {}",
            self.logical_id,
            self.resource_type,
            self.kind()
        )?;
        match self.replacement.as_str() {
            "True" => write!(f, " REPLACED"),
            "Conditional" => write!(f, " may be replaced"),
            _ => Ok(()),
        }
    }
}

/// The changes that replace or remove a stateful resource, or one the old or new template keeps
/// on delete (`DeletionPolicy: Retain`): replace as CloudFormation says, or, where it does not
/// say (an emulator leaves `Replacement` empty), as the type's schema says (`schema_replaces`).
pub fn destructive<'a>(
    changes: &'a [ResourceChange],
    old: Option<&Template>,
    new: &Template,
    schema_replaces: impl Fn(&ResourceChange) -> bool,
) -> Vec<&'a ResourceChange> {
    changes
        .iter()
        .filter(|c| {
            c.loses_the_resource()
                || (c.action == "Modify" && c.replacement.is_empty() && schema_replaces(c))
        })
        .filter(|c| holds_data(&c.resource_type, &c.logical_id, old, new))
        .collect()
}

/// Whether losing the resource `id` of `resource_type` loses data: the type is stateful, or
/// the old or new template keeps the resource on delete (`DeletionPolicy: Retain`).
fn holds_data(resource_type: &str, id: &str, old: Option<&Template>, new: &Template) -> bool {
    let retained = [old, Some(new)].into_iter().flatten().any(|t| {
        t.resources()
            .get(id)
            .is_some_and(|r| r.deletion() == Some(DeletionPolicy::Retain))
    });
    is_stateful(resource_type) || retained
}

/// A capability a template needs CloudFormation to be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Capability {
    /// It creates IAM resources.
    Iam,
    /// It creates IAM resources with names.
    NamedIam,
    /// It uses macros (transforms) or nests stacks.
    AutoExpand,
}

impl Capability {
    /// CloudFormation's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Iam => "CAPABILITY_IAM",
            Capability::NamedIam => "CAPABILITY_NAMED_IAM",
            Capability::AutoExpand => "CAPABILITY_AUTO_EXPAND",
        }
    }
}

/// The properties that name an IAM resource, which then needs `CAPABILITY_NAMED_IAM`.
const IAM_NAME_PROPERTIES: &[&str] = &[
    "RoleName",
    "UserName",
    "GroupName",
    "ManagedPolicyName",
    "InstanceProfileName",
];

/// The capabilities `template` needs, in order: those its nested stacks' templates need too,
/// and `CAPABILITY_AUTO_EXPAND` when it nests stacks or has a transform. The IAM resources
/// of `Fn::ForEach` loops count; a transform that makes resources of its own (SAM's roles of
/// functions, a macro's anything, a snippet included among the resources) may make IAM ones,
/// named too for a macro, an include or a SAM application (a nested stack).
pub fn capabilities(template: &Template) -> Vec<Capability> {
    let mut needed = Vec::new();
    // Each IAM resource, by whether it is named.
    let mut iam: Vec<bool> = template
        .resources()
        .values()
        .filter(|r| r.type_name().starts_with("AWS::IAM::"))
        .map(|r| named(r.properties()))
        .collect();
    // And those the `Fn::ForEach` loops write.
    iam.extend(
        template
            .looped_entries(Section::Resources)
            .into_iter()
            .filter(|(_, resource)| {
                resource
                    .get("Type")
                    .and_then(Json::as_str)
                    .is_some_and(|type_name| type_name.starts_with("AWS::IAM::"))
            })
            .map(|(_, resource)| {
                resource
                    .get("Properties")
                    .and_then(Json::as_object)
                    .is_some_and(named)
            }),
    );
    if !iam.is_empty() {
        needed.push(Capability::Iam);
    }
    if iam.contains(&true) {
        needed.push(Capability::NamedIam);
    }
    let rewriting = template
        .transforms()
        .iter()
        .filter(|transform| *transform != LANGUAGE_EXTENSIONS);
    // A SAM application is a nested stack, which may name its IAM resources.
    let application = template
        .resources()
        .values()
        .any(|r| r.type_name() == "AWS::Serverless::Application");
    for transform in rewriting {
        needed.push(Capability::Iam);
        if *transform != SAM || application {
            needed.push(Capability::NamedIam);
        }
    }
    // An include or macro among the resources (`"Fn::Transform"` as an entry) may write any
    // resource, a named IAM one too.
    let snippet = template
        .functions(Section::Resources)
        .contains_key(TRANSFORM_FUNCTION);
    if snippet {
        needed.extend([Capability::Iam, Capability::NamedIam]);
    }
    if snippet || !template.transforms().is_empty() || !template.nested().is_empty() {
        needed.push(Capability::AutoExpand);
    }
    for nested in template.nested().values() {
        needed.extend(capabilities(nested.template()));
    }
    needed.sort();
    needed.dedup();
    needed
}

/// The transform of SAM, whose functions get roles it makes, unnamed.
const SAM: &str = "AWS::Serverless-2016-10-31";

/// Whether an IAM resource's `properties` name it.
fn named(properties: &serde_json::Map<String, Json>) -> bool {
    IAM_NAME_PROPERTIES
        .iter()
        .any(|name| properties.contains_key(*name))
}

#[cfg(test)]
mod tests {
    use kumo_core::Resource;

    use super::*;

    fn change(action: &str, id: &str, ty: &str, replacement: &str) -> ResourceChange {
        ResourceChange {
            action: action.into(),
            logical_id: id.into(),
            resource_type: ty.into(),
            replacement: replacement.into(),
            scope: Vec::new(),
            details: Vec::new(),
        }
    }

    #[test]
    fn replacing_or_removing_state_is_destructive() {
        let mut template = Template::new();
        template
            .add_resource(
                "Kept",
                Resource::new("AWS::SNS::Topic").deletion_policy(DeletionPolicy::Retain),
            )
            .unwrap();
        let changes = [
            change("Modify", "Data", "AWS::S3::Bucket", "True"),
            change("Modify", "Table", "AWS::DynamoDB::Table", "False"),
            change("Remove", "Logs", "AWS::Logs::LogGroup", ""),
            change("Remove", "Topic", "AWS::SNS::Topic", ""),
            change("Modify", "Kept", "AWS::SNS::Topic", "Conditional"),
            change("Add", "New", "AWS::S3::Bucket", ""),
        ];
        let flagged: Vec<&str> = destructive(&changes, None, &template, |_| false)
            .iter()
            .map(|c| c.logical_id.as_str())
            .collect();
        assert_eq!(flagged, ["Data", "Logs", "Kept"]);

        // Where CloudFormation does not say (an emulator), the schema's word counts; where it
        // says `False`, its word does.
        let unsaid = [
            change("Modify", "Queue", "AWS::SQS::Queue", ""),
            change("Modify", "Table", "AWS::DynamoDB::Table", "False"),
        ];
        let flagged: Vec<&str> = destructive(&unsaid, None, &template, |_| true)
            .iter()
            .map(|c| c.logical_id.as_str())
            .collect();
        assert_eq!(flagged, ["Queue"]);
    }

    #[test]
    fn changes_print_as_one_line_each() {
        assert_eq!(
            change("Modify", "Data", "AWS::S3::Bucket", "True").to_string(),
            "~ Data (AWS::S3::Bucket) replace REPLACED"
        );
        assert_eq!(
            change("Modify", "Data", "AWS::S3::Bucket", "Conditional").to_string(),
            "~ Data (AWS::S3::Bucket) modify may be replaced"
        );
        assert_eq!(
            change("Add", "Jobs", "AWS::SQS::Queue", "").to_string(),
            "+ Jobs (AWS::SQS::Queue) add"
        );
    }

    #[test]
    fn transforms_and_loops_that_make_iam_resources_need_their_capabilities() {
        let sam = Template::from_json(
            r#"{"Transform": "AWS::Serverless-2016-10-31", "Resources": {
                "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"InlineCode": "x"}}}}"#,
        )
        .unwrap();
        assert_eq!(
            capabilities(&sam),
            [Capability::Iam, Capability::AutoExpand]
        );
        let application = Template::from_json(
            r#"{"Transform": "AWS::Serverless-2016-10-31", "Resources": {
                "App": {"Type": "AWS::Serverless::Application", "Properties": {"Location": "x"}}}}"#,
        )
        .unwrap();
        assert_eq!(
            capabilities(&application),
            [
                Capability::Iam,
                Capability::NamedIam,
                Capability::AutoExpand
            ]
        );
        let macro_ = Template::from_json(
            r#"{"Transform": ["AWS::LanguageExtensions", "Boto3"], "Resources": {
                "Q": {"Type": "AWS::SQS::Queue"}}}"#,
        )
        .unwrap();
        assert_eq!(
            capabilities(&macro_),
            [
                Capability::Iam,
                Capability::NamedIam,
                Capability::AutoExpand
            ]
        );
        let include = Template::from_json(
            r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}, "Fn::Transform": {
                "Name": "AWS::Include", "Parameters": {"Location": "s3://shared/roles.yaml"}}}}"#,
        )
        .unwrap();
        assert_eq!(
            capabilities(&include),
            [
                Capability::Iam,
                Capability::NamedIam,
                Capability::AutoExpand
            ]
        );
        let loop_ = |role: &str| {
            Template::from_json(&format!(
                r#"{{"Transform": "AWS::LanguageExtensions", "Resources": {{
                    "Q": {{"Type": "AWS::SQS::Queue"}},
                    "Fn::ForEach::Teams": ["Team", ["A", "B"], {{
                        "Fn::ForEach::Envs": ["Env", ["dev"], {{"${{Team}}${{Env}}Role": {role}}}]}}]}}}}"#
            ))
            .unwrap()
        };
        assert_eq!(
            capabilities(&loop_(r#"{"Type": "AWS::SQS::Queue"}"#)),
            [Capability::AutoExpand]
        );
        assert_eq!(
            capabilities(&loop_(r#"{"Type": "AWS::IAM::Role"}"#)),
            [Capability::Iam, Capability::AutoExpand]
        );
        assert_eq!(
            capabilities(&loop_(
                r#"{"Type": "AWS::IAM::Role", "Properties": {"RoleName": "${Team}"}}"#
            )),
            [
                Capability::Iam,
                Capability::NamedIam,
                Capability::AutoExpand
            ]
        );
    }

    #[test]
    fn capabilities_follow_iam_resources_names_and_transforms() {
        let mut template = Template::new();
        assert!(capabilities(&template).is_empty());
        template
            .add_resource("Role", Resource::new("AWS::IAM::Role"))
            .unwrap();
        assert_eq!(capabilities(&template), [Capability::Iam]);
        template
            .add_resource(
                "Named",
                Resource::new("AWS::IAM::Role").property("RoleName", "worker"),
            )
            .unwrap();
        template.add_transform("AWS::Serverless-2016-10-31");
        assert_eq!(
            capabilities(&template),
            [
                Capability::Iam,
                Capability::NamedIam,
                Capability::AutoExpand
            ]
        );
    }
}
