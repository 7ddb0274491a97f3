//! The changes of nested stacks as CloudFormation reads them: a change set made with
//! `IncludeNestedStacks` has one change set per nested stack that changes.

use aws_sdk_cloudformation::Client;

use crate::aws::aws_error;
use crate::changes::ResourceChange;
use crate::engine::{resource_changes, MAX_PAGES};
use crate::error::CliError;

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

/// The resource changes of the nested change sets `pending` (and of theirs), each named
/// `Nested.Resource` by the path of nested stacks it is in.
pub async fn change_set_changes(
    client: &Client,
    mut pending: Vec<(String, String)>,
) -> Result<Vec<ResourceChange>, CliError> {
    let mut found = Vec::new();
    while let Some((path, id)) = pending.pop() {
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
                        &format!("reading the change set of nested stack {path}"),
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
