//! `diff --live`: against the deployed stack (or stack set), its template, parameter values
//! and tags.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::ExitCode;

use kumo_core::diff::diff;
use kumo_core::{App, Template};

use crate::cli::DiffArgs;
use crate::deploy::updates;
use crate::engine::Engine;
use crate::error::CliError;
use crate::nested;
use crate::secrets::comparable;
use crate::session::Session;
use crate::stackset;

use super::{built, compared, exit_code, offline, show, Setting};

/// `diff`: with `--live`, each selected stack against what is deployed (its own region's, for a
/// stack that has one), parameter values and tags included; without, [`offline`].
pub async fn run(
    app: &dyn App,
    session: &Session,
    args: &DiffArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    if !args.live {
        return offline(app, session.workspace(), args, out);
    }
    let client = session.client().await;
    let mut changed = false;
    let mut built = built(app, session.workspace(), args)?;
    let mut set_aside = Vec::new();
    for (stack, new, json) in &mut built {
        let stack = *stack;
        let name = session.stack_name(stack);
        let own = session.own_region_client(stack.name()).await;
        let client = own.as_ref().unwrap_or(&client);
        let mut instances = Vec::new();
        let mut alike_resources = BTreeSet::new();
        let set = stackset::settings(session, stack);
        let deployed = match set {
            Some(set) => stackset::live(session, stack, set, client)
                .await?
                .map(|live| {
                    instances = live.instance_lines();
                    // A stack set's parameters all need values, as its deploy does.
                    (live.parameters, live.tags, live.template, false)
                }),
            None => {
                let engine = Engine::new(client, &name);
                match engine.describe().await? {
                    Some(deployed) => {
                        // Only what is written differently is read, and compared (as offline).
                        let (template, alike) = engine.deployed_template_beside(json).await?;
                        alike_resources = alike;
                        let updates = updates(&deployed.status);
                        Some((deployed.parameters, deployed.tags, template, updates))
                    }
                    None => None,
                }
            }
        };
        let mut settings = Vec::new();
        let old = match deployed {
            Some((parameters, tags, template, updates)) => {
                let previous = updates.then_some(&parameters);
                let values = session
                    .deploy_parameters(stack, new, &args.params, client)
                    .await?;
                let given = session.complete_parameters(stack, new, values, previous)?;
                let wanted = comparable(new, Session::effective_parameters(new, &given.values));
                let had = comparable(new, parameters);
                settings.extend(compare("parameter", had, wanted));
                // No tags are not sent, and the stack keeps its own (see deploy).
                let wanted_tags = session.stack_tags(stack, new);
                if !wanted_tags.is_empty() {
                    settings.extend(compare("tag", tags, wanted_tags));
                }
                Some(template)
            }
            None => None,
        };
        // Set aside once the settings (which the template's nested stacks and assets decide)
        // are known.
        set_aside.push(new.take_resources(&alike_resources));
        let workspace = session.workspace();
        let nothing = Template::new();
        let before = old.as_ref().unwrap_or(&nothing);
        let found = match set {
            // A stack set's instances are not stacks to ask for their nested stacks.
            Some(_) => compared(workspace, before, new)?,
            // As deploy: a nested stack whose deployed template is not kept here is read from
            // CloudFormation rather than taken for new.
            None => {
                let changes = diff(before, new);
                let nested = match changes.is_empty() {
                    true => Vec::new(),
                    false => {
                        let state = workspace.state;
                        nested::live::changes(client, state, &name, old.as_ref(), new).await?
                    }
                };
                (changes, nested)
            }
        };
        changed |= show(
            workspace,
            &name,
            old.as_ref(),
            new,
            found,
            (settings, instances),
            out,
        )?;
    }
    // As offline, leaves freeing the templates to the exit.
    std::mem::forget((built, set_aside));
    Ok(exit_code(changed))
}

/// The differences between two sets of `kind` settings.
pub fn compare(
    kind: &'static str,
    old: BTreeMap<String, String>,
    new: BTreeMap<String, String>,
) -> Vec<Setting> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|key| old.get(*key) != new.get(*key))
        .map(|key| Setting {
            kind,
            key: key.clone(),
            old: old.get(key).cloned(),
            new: new.get(key).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_compare_by_key() {
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let found = compare(
            "tag",
            map(&[("a", "1"), ("b", "2"), ("c", "3")]),
            map(&[("a", "1"), ("b", "9"), ("d", "4")]),
        );
        let lines: Vec<String> = found
            .iter()
            .map(|s| format!("{} {:?} {:?}", s.key, s.old, s.new))
            .collect();
        assert_eq!(
            lines,
            [
                "b Some(\"2\") Some(\"9\")",
                "c Some(\"3\") None",
                "d None Some(\"4\")"
            ]
        );
    }
}
