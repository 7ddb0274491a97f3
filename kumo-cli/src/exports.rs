//! The export deadlock guard: an update that removes an export another deployed stack of the app
//! still imports would fail in CloudFormation halfway through a multi-stack deploy. kumo says
//! so before deploying, with the two-step fix, or with `--keep-exports` keeps the export until
//! nothing imports it.

use std::collections::BTreeSet;
use std::io::Write;

use aws_sdk_cloudformation::Client;
use kumo_core::validate::Delivery;
use kumo_core::{Json, Output, Stack, Template};

use crate::engine::Engine;
use crate::error::CliError;
use crate::order::Graph;
use crate::session::Session;

/// Checks the exports `template` would remove from the deployed `previous` of the stack
/// `name`; with `keep`, puts those still imported back into `template`.
#[allow(clippy::too_many_arguments)]
pub async fn guard(
    graph: &Graph<'_>,
    stack: &dyn Stack,
    name: &str,
    previous: &Template,
    template: &mut Template,
    session: &Session,
    client: &Client,
    keep: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let removed = removed_exports(previous, template, name);
    if removed.is_empty() {
        return Ok(());
    }
    let mut imported = Vec::new();
    for other in graph.names() {
        if other == stack.name() {
            continue;
        }
        let consumer = session.env.stack_name(&other);
        let engine = Engine::new(client, &consumer);
        if engine.describe().await?.is_none() {
            continue;
        }
        let deployed = engine.deployed_template().await?;
        let imports = imports(&deployed);
        for (id, export) in &removed {
            if imports.contains(export) {
                imported.push((id.clone(), export.clone(), other.clone(), consumer.clone()));
            }
        }
    }
    if imported.is_empty() {
        return Ok(());
    }
    let fail = |message: String| CliError::Deploy {
        stack: name.to_owned(),
        message,
    };
    if !keep {
        let (_, export, other, consumer) = &imported[0];
        return Err(fail(format!(
            "this deploy would remove export `{export}`, which `{consumer}` still imports, and CloudFormation would refuse it; first deploy `{other}` without the import (`deploy {other}`), then this stack; or pass --keep-exports to keep the export until nothing imports it"
        )));
    }
    let mut kept = BTreeSet::new();
    for (id, export, _, consumer) in &imported {
        if !kept.insert(id) {
            continue;
        }
        let output: Output = previous.outputs()[id].clone();
        if template.add_output(id, output).is_err() {
            return Err(fail(format!(
                "cannot keep export `{export}`: output `{id}` is declared again without it; rename the output"
            )));
        }
        if let Err(err) = template.validate_for(Delivery::S3) {
            return Err(fail(format!(
                "cannot keep export `{export}`: its value uses what this deploy removes ({err})"
            )));
        }
        writeln!(
            out,
            "{name}: keeping export `{export}`, which `{consumer}` still imports; deploy again once it does not"
        )
        .map_err(CliError::Stdout)?;
    }
    Ok(())
}

/// The exports (output ID, export name) of `previous` that `template` no longer has, for the
/// stack named `name`.
fn removed_exports(previous: &Template, template: &Template, name: &str) -> Vec<(String, String)> {
    let exports = |t: &Template| -> BTreeSet<(String, String)> {
        t.outputs()
            .iter()
            .filter_map(|(id, o)| Some((id.clone(), export_name(o.export_name()?, name)?)))
            .collect()
    };
    let now: BTreeSet<String> = exports(template).into_iter().map(|(_, e)| e).collect();
    exports(previous)
        .into_iter()
        .filter(|(_, export)| !now.contains(export))
        .collect()
}

/// An export name as CloudFormation resolves it: a string, or `Fn::Sub` of the stack's name.
fn export_name(name: &Json, stack_name: &str) -> Option<String> {
    match name {
        Json::String(name) => Some(name.clone()),
        Json::Object(map) => map
            .get("Fn::Sub")
            .and_then(Json::as_str)
            .filter(|text| !text.replace("${AWS::StackName}", "").contains("${"))
            .map(|text| text.replace("${AWS::StackName}", stack_name)),
        _ => None,
    }
}

/// The export names a template imports by name.
fn imports(template: &Template) -> BTreeSet<String> {
    fn walk(json: &Json, found: &mut BTreeSet<String>) {
        match json {
            Json::Object(map) => {
                if let Some(Json::String(name)) = map.get("Fn::ImportValue") {
                    found.insert(name.clone());
                }
                map.values().for_each(|v| walk(v, found));
            }
            Json::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = BTreeSet::new();
    if let Ok(json) = serde_json::to_value(template) {
        walk(&json, &mut found);
    }
    found
}

#[cfg(test)]
mod tests {
    use kumo_core::intrinsic::{import_value, sub};
    use kumo_core::Resource;

    use super::*;

    fn producer(exports: &[&str]) -> Template {
        let mut t = Template::new();
        t.add_resource("Queue", Resource::new("AWS::SQS::Queue"))
            .unwrap();
        for id in exports {
            t.add_output(
                id,
                Output::new("x").export(sub(&format!("${{AWS::StackName}}-{id}"))),
            )
            .unwrap();
        }
        t
    }

    #[test]
    fn removed_exports_are_resolved_by_stack_name() {
        let removed = removed_exports(
            &producer(&["VpcId", "SubnetId"]),
            &producer(&["SubnetId"]),
            "network-dev",
        );
        assert_eq!(
            removed,
            [("VpcId".to_owned(), "network-dev-VpcId".to_owned())]
        );
        assert!(removed_exports(&producer(&["A"]), &producer(&["A"]), "n").is_empty());
    }

    #[test]
    fn imports_are_found_anywhere_in_a_template() {
        let mut t = Template::new();
        t.add_resource(
            "Queue",
            Resource::new("AWS::SQS::Queue").property(
                "Tags",
                serde_json::json!([{"Key": "vpc", "Value": import_value("network-dev-VpcId")}]),
            ),
        )
        .unwrap();
        assert_eq!(
            imports(&t).into_iter().collect::<Vec<_>>(),
            ["network-dev-VpcId"]
        );
    }
}
