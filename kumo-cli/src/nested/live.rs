//! The changes of nested stacks as CloudFormation reads them: a change set made with
//! `IncludeNestedStacks` has one change set per nested stack that changes; and a deployed nested
//! stack's template, when it is not kept here.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_cloudformation::Client;
use kumo_core::diff::diff;
use kumo_core::Template;

use super::NestedChanges;
use crate::aws::aws_error;
use crate::changes::ResourceChange;
use crate::engine::{resource_changes, Engine, MAX_PAGES};
use crate::error::CliError;
use crate::state::State;

/// [`super::changes`] for a deploy of `after` over `before`, the deployed template of the stack
/// called `stack` (`None`: a new stack, whose nested stacks are all new): a nested stack whose
/// deployed template is not kept here (deployed from another machine) is read from
/// CloudFormation, as its parent names it, instead of being taken for new; and so are those
/// nested in it.
pub async fn changes(
    client: &Client,
    state: &State,
    stack: &str,
    before: Option<&Template>,
    after: &Template,
) -> Result<Vec<NestedChanges>, CliError> {
    let nothing = Template::new();
    let mut found = super::changes(state, before.unwrap_or(&nothing), after)?;
    let mut ids = BTreeMap::new();
    let mut index = 0;
    while index < found.len() {
        if found[index].unknown {
            let path = found[index].path.clone();
            let id = stack_id(client, stack, &path, &mut ids).await?;
            let deployed = Engine::new(client, &id)
                .deployed_template()
                .await
                .map_err(|err| of_nested(err, stack, &path))?;
            let child = &mut found[index];
            // Those nested in it were compared with nothing: again, with what it names.
            let deeper = super::changes(state, &deployed, &child.after)?;
            child.changes = diff(&deployed, &child.after);
            child.before = Some(deployed);
            child.unknown = false;
            let within = format!("{path}.");
            found.retain(|other| !other.path.starts_with(&within));
            let at = index + 1;
            found.splice(
                at..at,
                deeper.into_iter().map(|deeper| NestedChanges {
                    path: format!("{within}{}", deeper.path),
                    ..deeper
                }),
            );
        }
        index += 1;
    }
    Ok(found)
}

/// `err`, of a call about the stack nested at `path` in the stack called `stack`, saying which
/// nested stack (its own name is a generated one).
fn of_nested(err: CliError, stack: &str, path: &str) -> CliError {
    match err {
        CliError::Aws { action, message } => CliError::Aws {
            action: format!("{action} of nested stack {path} in {stack}"),
            message,
        },
        CliError::Deploy { message, .. } => CliError::Deploy {
            stack: stack.to_owned(),
            message: format!("nested stack {path}: {message}"),
        },
        other => other,
    }
}

/// The ID of the stack nested at `path` (logical IDs, `.`-joined) in the stack called `stack`,
/// each step asked of its parent and kept in `ids`.
async fn stack_id(
    client: &Client,
    stack: &str,
    path: &str,
    ids: &mut BTreeMap<String, String>,
) -> Result<String, CliError> {
    let mut parent = stack.to_owned();
    let mut walked = String::new();
    for step in path.split('.') {
        walked = match walked.is_empty() {
            true => step.to_owned(),
            false => format!("{walked}.{step}"),
        };
        if let Some(id) = ids.get(&walked) {
            parent = id.clone();
            continue;
        }
        let resource = client
            .describe_stack_resource()
            .stack_name(&parent)
            .logical_resource_id(step)
            .send()
            .await
            .map_err(|err| aws_error(&format!("finding nested stack {walked} in {stack}"), err))?;
        let id = resource
            .stack_resource_detail()
            .and_then(|detail| detail.physical_resource_id())
            .ok_or_else(|| CliError::Deploy {
                stack: stack.to_owned(),
                message: format!("nested stack {walked} has no stack ID yet"),
            })?
            .to_owned();
        ids.insert(walked.clone(), id.clone());
        parent = id;
    }
    Ok(parent)
}

/// The nested stacks among a change set's `changes` that have a change set of their own, as
/// (`prefix` and the nested stack's logical ID, `.`-joined; the nested change set's ID).
pub fn change_sets(
    prefix: &str,
    changes: &[aws_sdk_cloudformation::types::Change],
) -> Vec<(String, String)> {
    changes
        .iter()
        .filter_map(|c| c.resource_change())
        .filter(|rc| rc.resource_type() == Some(kumo_core::nested::TYPE_NAME))
        .filter_map(|rc| {
            let id = rc.logical_resource_id()?;
            let change_set = rc.change_set_id()?;
            Some((format!("{prefix}{id}"), change_set.to_owned()))
        })
        .collect()
}

/// The resource changes of the nested change sets `pending` of `stack`'s change set `root` (and
/// of theirs), each named `Nested.Resource` by the path of nested stacks it is in. A change set
/// named again (a reply that nests one in itself, or the root) is not read again.
pub async fn change_set_changes(
    client: &Client,
    stack: &str,
    root: Option<&str>,
    mut pending: Vec<(String, String)>,
) -> Result<Vec<ResourceChange>, CliError> {
    let mut found = Vec::new();
    let mut read: BTreeSet<String> = root.map(str::to_owned).into_iter().collect();
    while let Some((path, id)) = pending.pop() {
        if !read.insert(id.clone()) {
            continue;
        }
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let page = client
                .describe_change_set()
                .change_set_name(&id)
                .set_next_token(token)
                .send()
                .await
                .map_err(|err| {
                    aws_error(
                        &format!("reading the change set of nested stack {path} in {stack}"),
                        err,
                    )
                })?;
            found.extend(resource_changes(page.changes()).into_iter().map(|change| {
                ResourceChange {
                    logical_id: format!("{path}.{}", change.logical_id),
                    ..change
                }
            }));
            pending.extend(change_sets(&format!("{path}."), page.changes()));
            token = page.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
    }
    Ok(found)
}
