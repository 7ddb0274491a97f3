//! `deploy --import`: resources that already exist brought into a stack through an IMPORT
//! change set. The resources to import are the template's resources that the deployed stack
//! lacks; each needs an identifier (kumo.toml's `[env.ENV.stacks.STACK.import]`, with
//! `--import-id LOGICAL_ID.KEY=VALUE` over it) and `DeletionPolicy: Retain` or
//! `RetainExceptOnCreate` (so that a failed import never deletes what it was to adopt), and nothing else may change in the same change
//! set, which CloudFormation refuses.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use aws_sdk_cloudformation::types::ResourceToImport;
use kumo_core::{DeletionPolicy, Stack, Template};

use crate::cli::IdPart;
use crate::error::CliError;
use crate::session::Session;

/// The identifiers of the resources to import, by logical ID: `configured` (kumo.toml's),
/// with `given` (`--import-id`) over them key by key.
pub fn identifiers(
    configured: &BTreeMap<String, BTreeMap<String, String>>,
    given: &[IdPart],
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut all = configured.clone();
    for part in given {
        all.entry(part.logical_id.clone())
            .or_default()
            .insert(part.key.clone(), part.value.clone());
    }
    all
}

/// A resource to import: its type, logical ID and identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// The resource type, such as `AWS::S3::Bucket`.
    pub type_name: String,
    /// Its logical ID in the template.
    pub logical_id: String,
    /// The identifier of the existing resource, by key.
    pub identifier: BTreeMap<String, String>,
}

impl Wanted {
    /// The resource as CreateChangeSet's `ResourcesToImport` takes it.
    pub fn to_sdk(&self) -> ResourceToImport {
        ResourceToImport::builder()
            .resource_type(&self.type_name)
            .logical_resource_id(&self.logical_id)
            .set_resource_identifier(Some(self.identifier.clone().into_iter().collect()))
            .build()
    }

    /// One line saying what is imported and by what.
    pub fn describe(&self) -> String {
        let by: Vec<String> = self
            .identifier
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        format!(
            "importing {} ({}) by {}",
            self.logical_id,
            self.type_name,
            by.join(", ")
        )
    }
}

/// Checks that the `identifier` of the resource `logical_id`, of the type `type_name`, has
/// exactly the `keys` CloudFormation imports that type by.
fn check_keys(
    logical_id: &str,
    type_name: &str,
    identifier: &BTreeMap<String, String>,
    keys: &[&str],
) -> Result<(), String> {
    let wanted: BTreeSet<&str> = keys.iter().copied().collect();
    let given: BTreeSet<&str> = identifier.keys().map(String::as_str).collect();
    if given == wanted {
        return Ok(());
    }
    fn quoted<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
        let quoted: Vec<String> = names.into_iter().map(|name| format!("`{name}`")).collect();
        quoted.join(", ")
    }
    let example = keys
        .iter()
        .map(|key| format!("--import-id {logical_id}.{key}=VALUE"))
        .collect::<Vec<_>>()
        .join(" ");
    Err(format!(
        "the identifier of `{logical_id}` has {}, but CloudFormation imports {type_name} resources by {}: give {example}",
        quoted(given),
        quoted(keys.iter().copied()),
    ))
}

/// The resources an import of `template` into the stack deployed with `previous` (`None`: not
/// deployed) brings in, by `identifiers`, after checking that each identifier names a new
/// resource of the template with non-empty values and a retaining `DeletionPolicy`, that every new
/// resource has one, and that nothing else changes. The error is the reason, for the stack.
pub fn plan(
    template: &Template,
    previous: Option<&Template>,
    identifiers: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Vec<Wanted>, String> {
    let empty = BTreeMap::new();
    let deployed = previous.map_or(&empty, Template::resources);
    let resources = template.resources();
    for (logical_id, identifier) in identifiers {
        if !resources.contains_key(logical_id) {
            return Err(format!(
                "an identifier is given for `{logical_id}`, which is not a resource of the template (it has: {})",
                resources.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        if deployed.contains_key(logical_id) {
            return Err(format!(
                "resource `{logical_id}` is already in the stack; only resources the stack lacks can be imported"
            ));
        }
        if identifier.is_empty() {
            return Err(format!("the identifier of `{logical_id}` has no keys"));
        }
        if let Some((key, _)) = identifier.iter().find(|(_, value)| value.is_empty()) {
            return Err(format!(
                "the identifier of `{logical_id}` has an empty `{key}`"
            ));
        }
    }
    let primary = kumo_core::resources::enabled_primary_identifiers();
    let mut wanted = Vec::new();
    for (logical_id, resource) in resources {
        if deployed.contains_key(logical_id) {
            continue;
        }
        let Some(identifier) = identifiers.get(logical_id) else {
            return Err(format!(
                "resource `{logical_id}` is new and has no identifier to import it by: give one with --import-id {logical_id}.KEY=VALUE (or under [env.ENV.stacks.STACK.import] in kumo.toml), or create it with a deploy without --import first"
            ));
        };
        let type_name = resource.type_name();
        if let Some(keys) = primary.get(type_name).filter(|keys| !keys.is_empty()) {
            check_keys(logical_id, type_name, identifier, keys)?;
        }
        if !matches!(
            resource.deletion(),
            Some(DeletionPolicy::Retain | DeletionPolicy::RetainExceptOnCreate)
        ) {
            return Err(format!(
                "resource `{logical_id}` must have DeletionPolicy Retain (or RetainExceptOnCreate) to be imported, so that a failed import never deletes it: add `.deletion_policy(DeletionPolicy::Retain)` to it"
            ));
        }
        wanted.push(Wanted {
            type_name: type_name.to_owned(),
            logical_id: logical_id.clone(),
            identifier: identifier.clone(),
        });
    }
    if wanted.is_empty() {
        return Err("nothing to import: the template has no resource the stack lacks".to_owned());
    }
    let changed: BTreeSet<&String> = deployed
        .iter()
        .filter(|(id, resource)| resources.get(*id) != Some(*resource))
        .map(|(id, _)| id)
        .collect();
    if !changed.is_empty() {
        return Err(format!(
            "CloudFormation imports only into an otherwise unchanged stack, and the template also changes or removes {}: deploy those changes first without --import, then import",
            changed.into_iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(wanted)
}

/// [`plan`] for the stack named `stack`, its error as the stack's.
pub fn check(
    stack: &str,
    template: &Template,
    previous: Option<&Template>,
    identifiers: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Vec<Wanted>, CliError> {
    plan(template, previous, identifiers).map_err(|message| CliError::Deploy {
        stack: stack.to_owned(),
        message: format!("cannot import: {message}"),
    })
}

/// Checks that `deploy --import` acts on one stack (of `selected`), deployed as a stack rather
/// than a stack set.
pub fn check_selection(
    session: &Session,
    selected: &[(&dyn Stack, &Template)],
) -> Result<(), CliError> {
    let [(stack, _)] = selected else {
        return Err(CliError::ImportOneStack(selected.len()));
    };
    if crate::stackset::settings(session, *stack).is_some() {
        return Err(CliError::Deploy {
            stack: session.stack_name(*stack),
            message: "cannot import: it is deployed as a stack set (its stack-set section in kumo.toml), and kumo imports only into a stack".to_owned(),
        });
    }
    Ok(())
}

/// The resources `deploy --import` brings into `stack` ([`check`]ed, by kumo.toml's
/// identifiers and `given`), each said on `out`.
pub fn resources(
    session: &Session,
    stack: &dyn Stack,
    template: &Template,
    previous: Option<&Template>,
    given: &[IdPart],
    out: &mut dyn Write,
) -> Result<Vec<ResourceToImport>, CliError> {
    let name = session.stack_name(stack);
    let configured = session
        .config
        .stacks
        .get(stack.name())
        .map(|settings| settings.import.clone())
        .unwrap_or_default();
    let wanted = check(&name, template, previous, &identifiers(&configured, given))?;
    for resource in &wanted {
        writeln!(out, "{name}: {}", resource.describe()).map_err(CliError::Stdout)?;
    }
    Ok(wanted.iter().map(Wanted::to_sdk).collect())
}

#[cfg(test)]
mod tests {
    use kumo_core::Resource;

    use super::*;
    use crate::cli::parse_id;

    fn template(resources: &[(&str, Resource)]) -> Template {
        let mut template = Template::new();
        for (id, resource) in resources {
            template.add_resource(id, resource.clone()).unwrap();
        }
        template
    }

    fn queue(delay: i64) -> Resource {
        Resource::new("AWS::SQS::Queue").property("DelaySeconds", delay)
    }

    fn bucket(policy: Option<DeletionPolicy>) -> Resource {
        let bucket = Resource::new("AWS::S3::Bucket");
        match policy {
            Some(policy) => bucket.deletion_policy(policy),
            None => bucket,
        }
    }

    fn ids(pairs: &[(&str, &str, &str)]) -> BTreeMap<String, BTreeMap<String, String>> {
        let parts: Vec<IdPart> = pairs
            .iter()
            .map(|(id, key, value)| IdPart {
                logical_id: (*id).to_owned(),
                key: (*key).to_owned(),
                value: (*value).to_owned(),
            })
            .collect();
        identifiers(&BTreeMap::new(), &parts)
    }

    #[test]
    fn import_ids_are_logical_id_dot_key_equals_value() {
        let part = parse_id("Archive.BucketName=a=b").unwrap();
        assert_eq!(
            (
                part.logical_id.as_str(),
                part.key.as_str(),
                part.value.as_str()
            ),
            ("Archive", "BucketName", "a=b")
        );
        for bad in ["Archive=x", ".Key=x", "Archive.=x", "Archive.Key"] {
            assert!(parse_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn given_ids_win_over_configured_ones_key_by_key() {
        let configured = BTreeMap::from([(
            "Archive".to_owned(),
            BTreeMap::from([
                ("BucketName".to_owned(), "old".to_owned()),
                ("Other".to_owned(), "kept".to_owned()),
            ]),
        )]);
        let all = identifiers(&configured, &[parse_id("Archive.BucketName=new").unwrap()]);
        assert_eq!(all["Archive"]["BucketName"], "new");
        assert_eq!(all["Archive"]["Other"], "kept");
    }

    #[test]
    fn new_retained_resources_with_identifiers_are_imported() {
        let deployed = template(&[("Queue", queue(0))]);
        let wanted = template(&[
            ("Queue", queue(0)),
            ("Archive", bucket(Some(DeletionPolicy::Retain))),
        ]);
        let planned = plan(
            &wanted,
            Some(&deployed),
            &ids(&[("Archive", "BucketName", "a")]),
        )
        .unwrap();
        assert_eq!(
            planned,
            [Wanted {
                type_name: "AWS::S3::Bucket".to_owned(),
                logical_id: "Archive".to_owned(),
                identifier: BTreeMap::from([("BucketName".to_owned(), "a".to_owned())]),
            }]
        );
        assert_eq!(
            planned[0].describe(),
            "importing Archive (AWS::S3::Bucket) by BucketName=a"
        );
        let sdk = planned[0].to_sdk();
        assert_eq!(sdk.resource_type(), Some("AWS::S3::Bucket"));
        assert_eq!(sdk.logical_resource_id(), Some("Archive"));
        assert_eq!(
            sdk.resource_identifier()
                .map(|id| id["BucketName"].as_str()),
            Some("a")
        );
    }

    #[test]
    fn what_cannot_be_imported_is_refused_with_the_reason() {
        let deployed = template(&[("Queue", queue(0))]);
        let retained = bucket(Some(DeletionPolicy::Retain));
        let archive = ids(&[("Archive", "BucketName", "a")]);
        let cases = [
            (
                template(&[("Queue", queue(0)), ("Archive", bucket(None))]),
                archive.clone(),
                "must have DeletionPolicy Retain",
            ),
            (
                template(&[
                    ("Queue", queue(0)),
                    ("Archive", bucket(Some(DeletionPolicy::Delete))),
                ]),
                archive.clone(),
                "must have DeletionPolicy Retain",
            ),
            (
                template(&[("Queue", queue(5)), ("Archive", retained.clone())]),
                archive.clone(),
                "also changes or removes Queue: deploy those changes first without --import",
            ),
            (
                template(&[("Archive", retained.clone())]),
                archive.clone(),
                "also changes or removes Queue",
            ),
            (
                template(&[("Queue", queue(0)), ("Archive", retained.clone())]),
                BTreeMap::new(),
                "resource `Archive` is new and has no identifier to import it by",
            ),
            (
                template(&[("Queue", queue(0)), ("Archive", retained.clone())]),
                ids(&[("Archive", "BucketName", "")]),
                "the identifier of `Archive` has an empty `BucketName`",
            ),
            (
                template(&[("Queue", queue(0)), ("Archive", retained.clone())]),
                ids(&[("Archive", "Name", "a")]),
                "the identifier of `Archive` has `Name`, but CloudFormation imports AWS::S3::Bucket resources by `BucketName`: give --import-id Archive.BucketName=VALUE",
            ),
            (
                template(&[("Queue", queue(0)), ("Archive", retained.clone())]),
                ids(&[("Archive", "BucketName", "a"), ("Archive", "Region", "b")]),
                "has `BucketName`, `Region`, but CloudFormation imports AWS::S3::Bucket resources by `BucketName`",
            ),
            (
                template(&[("Queue", queue(0)), ("Archive", retained.clone())]),
                ids(&[("Archive", "BucketName", "a"), ("Logs", "BucketName", "b")]),
                "`Logs`, which is not a resource of the template (it has: Archive, Queue)",
            ),
            (
                template(&[("Queue", queue(0))]),
                ids(&[("Queue", "QueueUrl", "q")]),
                "resource `Queue` is already in the stack",
            ),
            (
                template(&[("Queue", queue(0))]),
                BTreeMap::new(),
                "nothing to import",
            ),
        ];
        for (wanted, identifiers, says) in cases {
            let err = plan(&wanted, Some(&deployed), &identifiers).unwrap_err();
            assert!(err.contains(says), "{says}: {err}");
        }
    }

    #[test]
    fn a_new_stack_can_be_made_of_imports_alone() {
        let wanted = template(&[("Archive", bucket(Some(DeletionPolicy::Retain)))]);
        let planned = plan(&wanted, None, &ids(&[("Archive", "BucketName", "a")])).unwrap();
        assert_eq!(planned.len(), 1);
        let kept = template(&[(
            "Archive",
            bucket(Some(DeletionPolicy::RetainExceptOnCreate)),
        )]);
        assert!(plan(&kept, None, &ids(&[("Archive", "BucketName", "a")])).is_ok());
        let err = check("jobs-dev", &wanted, None, &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("stack `jobs-dev`: cannot import: resource `Archive` is new"),
            "{err}"
        );
    }
}
