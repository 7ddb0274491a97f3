//! `graph`: the resources and their edges as Graphviz DOT, and of an app of several stacks the
//! stacks and their dependencies (with their regions when some stack has its own).

use std::io::Write;
use std::process::ExitCode;

use kumo_core::{App, Environment};

use crate::cli::Selection;
use crate::config::EnvConfig;
use crate::error::CliError;
use crate::order::Graph;

/// Prints the graph of the stacks `args` selects of `app` in `env`, whose settings are `config`
/// and whose region is `region` (`None`: the SDK's).
pub fn run(
    app: &dyn App,
    (env, config, region): (&Environment, &EnvConfig, Option<&str>),
    args: &Selection,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let graph = Graph::of(app, env)?;
    let mut dot = String::from("digraph kumo {\n  rankdir=LR;\n  node [shape=box];\n");
    let selected = graph.selection(app, &args.stacks)?;
    for (stack, template) in &selected {
        let name = quoted(stack.name());
        dot.push_str(&format!(
            "  subgraph \"cluster_{name}\" {{\n    label=\"{name}\";\n"
        ));
        for (id, resource) in template.resources() {
            let (id, type_name) = (quoted(id), quoted(resource.type_name()));
            dot.push_str(&format!(
                "    \"{name}/{id}\" [label=\"{id}\\n{type_name}\"];\n"
            ));
        }
        dot.push_str("  }\n");
        for (id, targets) in template.dependencies() {
            let id = quoted(id);
            for target in targets {
                let target = quoted(target);
                dot.push_str(&format!("  \"{name}/{id}\" -> \"{name}/{target}\";\n"));
            }
        }
    }
    if app.stacks().len() > 1 {
        dot.push_str("  subgraph stacks {\n    node [shape=folder];\n");
        for (stack, _) in &selected {
            let label = match config.stack_region(stack.name(), region) {
                Some(region) if config.several_regions() => {
                    format!("{}\\n{}", quoted(stack.name()), quoted(region))
                }
                _ => quoted(stack.name()),
            };
            let name = quoted(stack.name());
            dot.push_str(&format!("    \"stack:{name}\" [label=\"{label}\"];\n"));
            for dependency in graph.dependencies(stack.name()) {
                let dependency = quoted(dependency);
                dot.push_str(&format!(
                    "    \"stack:{name}\" -> \"stack:{dependency}\";\n"
                ));
            }
        }
        dot.push_str("  }\n");
    }
    dot.push_str("}\n");
    out.write_all(dot.as_bytes()).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// `text` inside a DOT quoted string: `"` and `\` escaped, a line break as DOT's `\n`.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\r', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_as_dot_reads_them() {
        assert_eq!(quoted("Jobs"), "Jobs");
        assert_eq!(
            quoted("Custom::x\"y\\z\nbreak"),
            "Custom::x\\\"y\\\\z\\nbreak"
        );
    }
}
