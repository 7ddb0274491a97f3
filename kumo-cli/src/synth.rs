//! `synth`: print the template, or write one file per stack (and one per nested stack beside
//! its parent's: `app.Net.template.json`).

use std::borrow::Cow;
use std::io::Write;
use std::process::ExitCode;

use kumo_core::validate::{Delivery, ValidationErrors};
use kumo_core::{App, Environment, Stack, Template, Written};

use crate::cli::{Format, SynthArgs};
use crate::error::CliError;
use crate::fs::write_atomic;
use crate::order::Graph;

pub fn run(
    app: &dyn App,
    env: &Environment,
    args: &SynthArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let graph = Graph::rendered(app, env)?;
    let result = write(&graph, app, args, out);
    // A one-shot synth exits next: freeing every node of every template would only cost time
    // (0.3 ms of a 500-resource synth), and the process's memory goes back to the system at exit.
    std::mem::forget(graph);
    result
}

/// Prints the selected stacks' templates, or writes one file each into `--out`.
fn write(
    graph: &Graph<'_>,
    app: &dyn App,
    args: &SynthArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let templates: Vec<(&str, &Template, Option<&str>)> = select(app, &args.stacks)?
        .iter()
        .filter_map(|stack| graph.stack(stack.name()))
        .map(|(stack, template)| (stack.name(), template, graph.json(stack.name())))
        .collect();
    match &args.out {
        Some(dir) => {
            for (name, template, json) in &templates {
                let children = template
                    .nested_templates()
                    .into_iter()
                    .map(|(path, child)| (format!("{name}.{path}"), child, None));
                for (name, template, json) in [(name.to_string(), *template, *json)]
                    .into_iter()
                    .chain(children)
                {
                    let path = dir.join(format!("{name}.template.{}", args.format.extension()));
                    write_atomic(&path, render(template, json, args.format).as_bytes())?;
                    writeln!(out, "wrote {}", path.display()).map_err(CliError::Stdout)?;
                }
            }
        }
        None => match templates.as_slice() {
            [(_, template, json)] => out
                .write_all(render(template, *json, args.format).as_bytes())
                .map_err(CliError::Stdout)?,
            many => {
                return Err(CliError::AmbiguousOutput {
                    count: many.len(),
                    example: many
                        .first()
                        .map(|(n, _, _)| n.to_string())
                        .unwrap_or_default(),
                })
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// The app's stacks named on the command line (each once, in the order first named), or all
/// of them.
pub fn select<'a>(app: &'a dyn App, names: &[String]) -> Result<Vec<&'a dyn Stack>, CliError> {
    let stacks = app.stacks();
    if names.is_empty() {
        return Ok(stacks);
    }
    let mut selected: Vec<&dyn Stack> = Vec::with_capacity(names.len());
    for name in names {
        let stack = stacks
            .iter()
            .find(|stack| stack.name() == name)
            .copied()
            .ok_or_else(|| CliError::UnknownStack {
                name: name.clone(),
                available: stacks.iter().map(|s| s.name().to_owned()).collect(),
            })?;
        if !selected.iter().any(|s| s.name() == stack.name()) {
            selected.push(stack);
        }
    }
    Ok(selected)
}

/// Builds and validates a stack's template and its nested stacks' templates. Size is checked
/// against the 1 MB limit of templates passed through S3; the deploy decides between inline and
/// S3 (a nested stack's template always goes through S3).
pub fn build(stack: &dyn Stack, env: &Environment) -> Result<Template, CliError> {
    checked(stack, env, |template| template.validate_for(Delivery::S3))
        .map(|(template, ())| template)
}

/// [`build`], and the template's JSON, serialized once for the size check and the output.
pub fn build_json(stack: &dyn Stack, env: &Environment) -> Result<(Template, String), CliError> {
    checked(stack, env, |template| template.validated_json(Delivery::S3))
}

/// [`build_json`], with where each resource is written in the text, for comparing another
/// text of the template with it ([`Template::from_json_beside`]).
pub fn build_written(
    stack: &dyn Stack,
    env: &Environment,
) -> Result<(Template, Written), CliError> {
    checked(stack, env, |template| {
        template.validated_written(Delivery::S3)
    })
}

/// Builds a stack's template and runs `check` on it.
fn checked<T>(
    stack: &dyn Stack,
    env: &Environment,
    check: impl FnOnce(&Template) -> Result<T, ValidationErrors>,
) -> Result<(Template, T), CliError> {
    let fail = |source| CliError::Stack {
        stack: stack.name().to_owned(),
        source,
    };
    let template = stack.template(env).map_err(fail)?;
    let checked = check(&template).map_err(|errors| fail(errors.into()))?;
    for (path, child) in template.nested_templates() {
        child
            .validate_for(Delivery::S3)
            .map_err(|errors| CliError::Stack {
                stack: format!("{}.{path}", stack.name()),
                source: errors.into(),
            })?;
    }
    Ok((template, checked))
}

/// The template in `format`; `json` is its JSON when already rendered.
fn render<'a>(template: &Template, json: Option<&'a str>, format: Format) -> Cow<'a, str> {
    match (format, json) {
        (Format::Json, Some(json)) => Cow::Borrowed(json),
        (Format::Json, None) => Cow::Owned(template.to_json()),
        (Format::Yaml, _) => Cow::Owned(template.to_yaml()),
    }
}
