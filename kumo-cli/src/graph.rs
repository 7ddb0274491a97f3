//! `graph`: the resources and their edges as Graphviz DOT.

use std::io::Write;
use std::process::ExitCode;

use kumo_core::{App, Environment};

use crate::cli::Selection;
use crate::error::CliError;
use crate::synth::{build, select};

pub fn run(
    app: &dyn App,
    env: &Environment,
    args: &Selection,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let mut dot = String::from("digraph kumo {\n  rankdir=LR;\n  node [shape=box];\n");
    for stack in select(app, &args.stacks)? {
        let template = build(stack, env)?;
        let name = stack.name();
        dot.push_str(&format!(
            "  subgraph \"cluster_{name}\" {{\n    label=\"{name}\";\n"
        ));
        for (id, resource) in template.resources() {
            dot.push_str(&format!(
                "    \"{name}/{id}\" [label=\"{id}\\n{}\"];\n",
                resource.type_name()
            ));
        }
        dot.push_str("  }\n");
        for (id, targets) in template.dependencies() {
            for target in targets {
                dot.push_str(&format!("  \"{name}/{id}\" -> \"{name}/{target}\";\n"));
            }
        }
    }
    dot.push_str("}\n");
    out.write_all(dot.as_bytes()).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}
