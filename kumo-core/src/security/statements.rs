//! Policy statements, one row each: those of identities (IAM policies, roles' inline policies
//! and trust, and what SAM's functions and state machines give the roles SAM makes for them)
//! and those of resources (the policy documents of [`RESOURCE_POLICIES`], and the one statement
//! each of [`ONE_STATEMENT`] adds, a Lambda permission's), and the managed policies attached to
//! roles, users and groups.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::json;

use super::text::{list, readable, text};
use super::Resources;
use crate::{Json, Resource};

/// One statement of a policy, as the security tables show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Statement {
    /// The logical ID of the resource that holds the statement.
    pub holder: String,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// The actions (`NOT a` for a `NotAction`).
    pub actions: Vec<String>,
    /// The resources it is about (`NOT r` for a `NotResource`; a role's ARN for its trust).
    pub resources: Vec<String>,
    /// Who it applies to: `AWS:${Role}` for an identity's policy, the statement's principal
    /// (`Service:lambda.amazonaws.com`, `AWS:*`, `*`) for a resource's policy or a trust.
    pub principals: Vec<String>,
    /// The condition, as compact JSON.
    pub condition: Option<String>,
}

/// A managed policy attached to a role, user or group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Attachment {
    /// The logical ID of the role, user or group.
    pub holder: String,
    /// The managed policy's ARN.
    pub arn: String,
}

/// Resource-based policy documents: the type and the property holding the document (a path,
/// `ResourcePolicy.PolicyDocument`, where it is within one).
const RESOURCE_POLICIES: &[(&str, &str)] = &[
    ("AWS::ApiGateway::RestApi", "Policy"),
    ("AWS::Backup::BackupVault", "AccessPolicy"),
    ("AWS::CloudTrail::ResourcePolicy", "ResourcePolicy"),
    ("AWS::CodeArtifact::Domain", "PermissionsPolicyDocument"),
    ("AWS::CodeArtifact::Repository", "PermissionsPolicyDocument"),
    ("AWS::DynamoDB::Table", "ResourcePolicy.PolicyDocument"),
    ("AWS::ECR::RegistryPolicy", "PolicyText"),
    ("AWS::ECR::Repository", "RepositoryPolicyText"),
    ("AWS::EFS::FileSystem", "FileSystemPolicy"),
    ("AWS::Elasticsearch::Domain", "AccessPolicies"),
    ("AWS::Events::EventBus", "Policy"),
    ("AWS::KMS::Key", "KeyPolicy"),
    ("AWS::KMS::ReplicaKey", "KeyPolicy"),
    ("AWS::Kinesis::ResourcePolicy", "ResourcePolicy"),
    ("AWS::Logs::ResourcePolicy", "PolicyDocument"),
    ("AWS::OpenSearchService::Domain", "AccessPolicies"),
    ("AWS::S3::AccessPoint", "Policy"),
    ("AWS::S3::BucketPolicy", "PolicyDocument"),
    ("AWS::S3::MultiRegionAccessPointPolicy", "Policy"),
    ("AWS::S3Express::BucketPolicy", "PolicyDocument"),
    ("AWS::S3ObjectLambda::AccessPointPolicy", "PolicyDocument"),
    ("AWS::SNS::TopicInlinePolicy", "PolicyDocument"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument"),
    ("AWS::SQS::QueueInlinePolicy", "PolicyDocument"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument"),
    ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy"),
];

/// Resources that add one statement to another resource's policy, by the properties that
/// name its parts (as a Lambda permission does: [`permission`]).
const ONE_STATEMENT: &[(&str, StatementParts)] = &[
    (
        "AWS::Events::EventBusPolicy",
        StatementParts {
            resource: "EventBusName",
            conditions: &[],
        },
    ),
    (
        "AWS::Lambda::LayerVersionPermission",
        StatementParts {
            resource: "LayerVersionArn",
            conditions: &[("OrganizationId", "StringEquals", "aws:PrincipalOrgID")],
        },
    ),
    (
        "AWS::Lambda::Permission",
        StatementParts {
            resource: "FunctionName",
            conditions: &[
                ("SourceArn", "ArnLike", "AWS:SourceArn"),
                ("SourceAccount", "StringEquals", "AWS:SourceAccount"),
                ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
                (
                    "FunctionUrlAuthType",
                    "StringEquals",
                    "lambda:FunctionUrlAuthType",
                ),
            ],
        },
    ),
];

/// The properties of a resource that adds one statement: the one naming what the statement is
/// about, and those that become its conditions (property, operator, condition key); its
/// `Action` and `Principal` are properties of those names.
struct StatementParts {
    resource: &'static str,
    conditions: &'static [(&'static str, &'static str, &'static str)],
}

/// Identities with inline `Policies` and `ManagedPolicyArns`.
const IDENTITIES: &[&str] = &["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"];

/// Standalone identity policies and the properties naming whom they attach to.
const IDENTITY_POLICIES: &[(&str, &[&str])] = &[
    ("AWS::IAM::Policy", &["Roles", "Users", "Groups"]),
    ("AWS::IAM::ManagedPolicy", &["Roles", "Users", "Groups"]),
    ("AWS::IAM::RolePolicy", &["RoleName"]),
    ("AWS::IAM::UserPolicy", &["UserName"]),
    ("AWS::IAM::GroupPolicy", &["GroupName"]),
];

/// SAM's resources whose `Policies` (managed policy names or ARNs, policy documents, SAM's
/// policy templates) SAM turns into the policies of the role it makes for them, `<Id>Role`,
/// unless they name a `Role` of their own (then `Policies` is ignored).
const SAM_POLICY_HOLDERS: &[&str] = &["AWS::Serverless::Function", "AWS::Serverless::StateMachine"];

/// The `Role` a SAM resource names instead of having SAM make one.
fn sam_role(resource: &Resource) -> Option<&Json> {
    SAM_POLICY_HOLDERS
        .contains(&resource.type_name())
        .then(|| resource.properties().get("Role"))
        .flatten()
}

/// The items of a SAM resource's `Policies` (one, or a list), when SAM makes its role.
fn sam_policies(resource: &Resource) -> Vec<&Json> {
    let props = resource.properties();
    if !SAM_POLICY_HOLDERS.contains(&resource.type_name()) || sam_role(resource).is_some() {
        return Vec::new();
    }
    match props.get("Policies") {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    }
}

/// The identity statements of `template`.
pub(crate) fn identity(resources: &Resources<'_>) -> BTreeSet<Statement> {
    let mut found = BTreeSet::new();
    for &(id, resource) in resources {
        let props = resource.properties();
        let kind = resource.type_name();
        if let Some((_, attached)) = IDENTITY_POLICIES.iter().find(|(t, _)| *t == kind) {
            let principals: Vec<String> = attached
                .iter()
                .filter_map(|p| props.get(*p))
                .flat_map(list)
                .map(|who| format!("AWS:{who}"))
                .collect();
            if let Some(document) = props.get("PolicyDocument") {
                found.extend(document_statements(id, document, &principals, &[]));
            }
        }
        if IDENTITIES.contains(&kind) {
            let me = [format!("AWS:${{{id}}}")];
            match props.get("Policies") {
                Some(Json::Array(policies)) => {
                    for policy in policies {
                        match policy.get("PolicyDocument") {
                            Some(document) => {
                                found.extend(document_statements(id, document, &me, &[]));
                            }
                            None if is_intrinsic(policy) => {
                                found.insert(opaque(id, policy, &me, &[]));
                            }
                            None => {}
                        }
                    }
                }
                Some(policies) if is_intrinsic(policies) => {
                    found.insert(opaque(id, policies, &me, &[]));
                }
                _ => {}
            }
            if let Some(trust) = props.get("AssumeRolePolicyDocument") {
                let arn = [format!("${{{id}.Arn}}")];
                found.extend(document_statements(id, trust, &[], &arn));
            }
        }
        // A role of its own: what it may do is the role's, so any change of it is a row.
        if let Some(role) = sam_role(resource) {
            found.insert(Statement {
                effect: "(role of its own)".to_owned(),
                ..opaque(id, role, &[format!("AWS:${{{id}}}")], &[])
            });
        }
        let me = [format!("AWS:${{{id}Role}}")];
        for policy in sam_policies(resource) {
            match policy {
                // A condition chooses among policies; another intrinsic gives a policy's ARN.
                _ if is_intrinsic(policy) && policy.get("Fn::If").is_some() => {
                    found.insert(opaque(id, policy, &me, &[]));
                }
                _ if is_intrinsic(policy) => {}
                Json::Object(document) if document.contains_key("Statement") => {
                    found.extend(document_statements(id, policy, &me, &[]));
                }
                // A policy template (`S3ReadPolicy: {BucketName: ..}`): what it allows is
                // SAM's to say.
                Json::Object(_) => {
                    found.insert(Statement {
                        effect: "(SAM policy template)".to_owned(),
                        ..opaque(id, policy, &me, &[])
                    });
                }
                _ => {}
            }
        }
    }
    found
}

/// The managed policies attached in `template`.
pub(crate) fn attachments(resources: &Resources<'_>) -> BTreeSet<Attachment> {
    resources
        .iter()
        .flat_map(|(id, r)| {
            let identity = IDENTITIES.contains(&r.type_name());
            let arns = r
                .properties()
                .get("ManagedPolicyArns")
                .filter(|_| identity)
                .map(list)
                .unwrap_or_default();
            // A SAM resource's managed policies, by name or ARN (an intrinsic but `Fn::If`
            // gives an ARN).
            let named = sam_policies(r)
                .into_iter()
                .filter_map(|policy| match policy {
                    Json::String(name) => Some(name.clone()),
                    _ if is_intrinsic(policy) && policy.get("Fn::If").is_none() => {
                        Some(text(policy))
                    }
                    _ => None,
                });
            arns.into_iter().chain(named).map(|arn| Attachment {
                holder: (*id).to_owned(),
                arn,
            })
        })
        .collect()
}

/// The resource-policy statements of `template`.
pub(crate) fn resource_policies(resources: &Resources<'_>) -> BTreeSet<Statement> {
    let mut found = BTreeSet::new();
    for &(id, resource) in resources {
        let kind = resource.type_name();
        if let Some((_, parts)) = ONE_STATEMENT.iter().find(|(t, _)| *t == kind) {
            found.extend(permission(id, resource, parts));
        } else if let Some((_, path)) = RESOURCE_POLICIES.iter().find(|(t, _)| *t == kind) {
            let mut at = path.split('.');
            let first = at.next().and_then(|name| resource.properties().get(name));
            if let Some(document) = at
                .try_fold(first, |value, name| value.map(|v| v.get(name)))
                .flatten()
            {
                found.extend(document_statements(id, document, &[], &[]));
            }
        }
    }
    found
}

/// A resource that adds one statement to another's policy (a Lambda permission, an event
/// bus's), as that statement; an `AWS::Events::EventBusPolicy` that writes its `Statement`
/// whole, as that statement.
fn permission(id: &str, resource: &Resource, parts: &StatementParts) -> Vec<Statement> {
    let props = resource.properties();
    if let Some(statement) = props.get("Statement") {
        return document_statements(id, &json!({"Statement": [statement]}), &[], &[]);
    }
    let get = |key: &str| props.get(key).map(text);
    let principal = get("Principal").unwrap_or_default();
    let principal = match principal.as_str() {
        "*" => principal,
        service if service.ends_with(".amazonaws.com") => format!("Service:{service}"),
        account => format!("AWS:{account}"),
    };
    let mut condition = match props.get("Condition") {
        // An event bus policy's condition, `{"Type": .., "Key": .., "Value": ..}`, as written.
        Some(written) => serde_json::Map::from_iter([("Condition".to_owned(), written.clone())]),
        None => serde_json::Map::new(),
    };
    for &(key, operator, name) in parts.conditions {
        if let Some(value) = props.get(key) {
            let entry = condition.entry(operator).or_insert_with(|| json!({}));
            if let Some(entry) = entry.as_object_mut() {
                entry.insert(name.to_owned(), value.clone());
            }
        }
    }
    vec![Statement {
        holder: id.to_owned(),
        effect: "Allow".to_owned(),
        actions: get("Action").into_iter().collect(),
        resources: get(parts.resource).into_iter().collect(),
        principals: vec![principal],
        condition: (!condition.is_empty()).then(|| readable(&Json::Object(condition))),
    }]
}

/// Whether `value` is an intrinsic (`Fn::If`, `Ref`, ...) where a statement, a policy or a
/// document stands: what it gives is known only at deploy.
fn is_intrinsic(value: &Json) -> bool {
    value
        .as_object()
        .is_some_and(|map| map.keys().any(|k| k.starts_with("Fn::") || k == "Ref"))
}

/// A statement (or policy, or document) that an intrinsic chooses, as one row whose action is
/// the whole intrinsic: any change in it shows as a row removed and one added, so it is never
/// waved through as no change.
fn opaque(holder: &str, value: &Json, principals: &[String], resources: &[String]) -> Statement {
    Statement {
        holder: holder.to_owned(),
        effect: "(intrinsic)".to_owned(),
        actions: vec![readable(value)],
        resources: resources.to_vec(),
        principals: principals.to_vec(),
        condition: None,
    }
}

/// The statements of one policy document held by `holder`: `principals` stand for a
/// statement's own when it has none (an identity's policy), `resources` likewise (a trust).
fn document_statements(
    holder: &str,
    document: &Json,
    principals: &[String],
    resources: &[String],
) -> Vec<Statement> {
    // Some policies (a repository's) are JSON text.
    let document: Cow<Json> = match document {
        Json::String(body) => {
            serde_json::from_str(body).map_or(Cow::Borrowed(document), Cow::Owned)
        }
        other => Cow::Borrowed(other),
    };
    let statements = match document.get("Statement") {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None if is_intrinsic(&document) => vec![document.as_ref()],
        None => Vec::new(),
    };
    statements
        .into_iter()
        .map(|statement| {
            if is_intrinsic(statement) {
                return opaque(holder, statement, principals, resources);
            }
            let either = |key: &str, fallback: &[String]| match (
                statement.get(key),
                statement.get(format!("Not{key}")),
            ) {
                (Some(value), _) => list(value),
                (None, Some(value)) => list(value)
                    .into_iter()
                    .map(|v| format!("NOT {v}"))
                    .collect(),
                (None, None) => fallback.to_vec(),
            };
            let mut principal = statement
                .get("Principal")
                .map(principal_texts)
                .unwrap_or_else(|| principals.to_vec());
            if let Some(not) = statement.get("NotPrincipal") {
                principal = principal_texts(not)
                    .into_iter()
                    .map(|p| format!("NOT {p}"))
                    .collect();
            }
            Statement {
                holder: holder.to_owned(),
                effect: statement
                    .get("Effect")
                    .map_or_else(|| "Allow".to_owned(), text),
                actions: either("Action", &[]),
                resources: either("Resource", resources),
                principals: principal,
                condition: statement.get("Condition").map(readable),
            }
        })
        .collect()
}

/// A statement's principal: `*`, or `Kind:value` for each value of each kind.
fn principal_texts(principal: &Json) -> Vec<String> {
    match principal {
        Json::Object(kinds) if !kinds.keys().any(|k| k.starts_with("Fn::") || k == "Ref") => kinds
            .iter()
            .flat_map(|(kind, values)| list(values).into_iter().map(move |v| format!("{kind}:{v}")))
            .collect(),
        other => list(other),
    }
}
