//! The order of an app's stacks: which stacks each one depends on (from its references to other
//! stacks' outputs and its explicit dependencies), checked, and sorted so that producers come
//! before their consumers.

use std::collections::{BTreeMap, BTreeSet};

use kumo_core::group::Via;
use kumo_core::{App, Environment, Stack, Template};

use crate::error::CliError;
use crate::synth::{build, build_json, select};

/// The stacks of an app with their templates and dependencies.
pub struct Graph<'a> {
    stacks: Vec<(&'a dyn Stack, Template)>,
    /// Each template's JSON, by stack name, when the graph was built [rendered](Graph::rendered).
    json: BTreeMap<String, String>,
    dependencies: BTreeMap<String, BTreeSet<String>>,
}

impl<'a> Graph<'a> {
    /// Builds every stack of `app` for `env` and checks their references: each names a stack of
    /// the app other than itself and an output it has (exported, when imported), and there is
    /// no cycle.
    pub fn of(app: &'a dyn App, env: &Environment) -> Result<Graph<'a>, CliError> {
        let stacks = app
            .stacks()
            .into_iter()
            .map(|stack| Ok((stack, build(stack, env)?)))
            .collect::<Result<Vec<_>, CliError>>()?;
        Graph::checked(stacks, BTreeMap::new())
    }

    /// [`Graph::of`], keeping each template's JSON (see [`Graph::json`]): what `synth` prints,
    /// serialized once for the size check and the output.
    pub fn rendered(app: &'a dyn App, env: &Environment) -> Result<Graph<'a>, CliError> {
        let mut json = BTreeMap::new();
        let stacks = app
            .stacks()
            .into_iter()
            .map(|stack| {
                let (template, text) = build_json(stack, env)?;
                json.insert(stack.name().to_owned(), text);
                Ok((stack, template))
            })
            .collect::<Result<Vec<_>, CliError>>()?;
        Graph::checked(stacks, json)
    }

    /// The graph of built stacks, once their references are checked.
    fn checked(
        stacks: Vec<(&'a dyn Stack, Template)>,
        json: BTreeMap<String, String>,
    ) -> Result<Graph<'a>, CliError> {
        let templates: BTreeMap<&str, &Template> =
            stacks.iter().map(|(s, t)| (s.name(), t)).collect();
        let mut dependencies = BTreeMap::new();
        for (stack, template) in &stacks {
            let fail = |message: String| CliError::Reference {
                stack: stack.name().to_owned(),
                message,
            };
            let mut needs = BTreeSet::new();
            for reference in template.references() {
                if reference.stack == stack.name() {
                    return Err(fail("it refers to itself".to_owned()));
                }
                let Some(producer) = templates.get(reference.stack.as_str()) else {
                    return Err(fail(format!(
                        "it uses stack `{}`, which is not in this app (it has: {})",
                        reference.stack,
                        templates.keys().copied().collect::<Vec<_>>().join(", ")
                    )));
                };
                if let Some(output) = &reference.output {
                    let Some(declared) = producer.outputs().get(output) else {
                        return Err(fail(format!(
                            "it uses output `{output}` of stack `{}`, which has no such output",
                            reference.stack
                        )));
                    };
                    if reference.via == Via::Import && declared.export_name().is_none() {
                        return Err(fail(format!(
                            "it imports output `{output}` of stack `{}`, which is not exported: add `, export` to it, or take it as a parameter (`import name = ..., parameter;`)",
                            reference.stack
                        )));
                    }
                }
                needs.insert(reference.stack.clone());
            }
            dependencies.insert(stack.name().to_owned(), needs);
        }
        let graph = Graph {
            stacks,
            json,
            dependencies,
        };
        graph.sorted(&graph.names())?;
        Ok(graph)
    }

    /// The app's stack names, in the app's order.
    pub fn names(&self) -> Vec<String> {
        self.stacks
            .iter()
            .map(|(s, _)| s.name().to_owned())
            .collect()
    }

    /// The stack named `name` and its template.
    pub fn stack(&self, name: &str) -> Option<(&'a dyn Stack, &Template)> {
        self.stacks
            .iter()
            .find(|(s, _)| s.name() == name)
            .map(|(s, t)| (*s, t))
    }

    /// The JSON of stack `name`'s template, when the graph was built [rendered](Graph::rendered).
    pub fn json(&self, name: &str) -> Option<&str> {
        self.json.get(name).map(String::as_str)
    }

    /// The stacks `name` depends on.
    pub fn dependencies(&self, name: &str) -> &BTreeSet<String> {
        static NONE: BTreeSet<String> = BTreeSet::new();
        self.dependencies.get(name).unwrap_or(&NONE)
    }

    /// The stacks named on the command line (all when none is) with their templates, in
    /// dependency order: what `deploy`, `plan` and `delete` act on.
    pub fn selection(
        &self,
        app: &dyn App,
        names: &[String],
    ) -> Result<Vec<(&'a dyn Stack, &Template)>, CliError> {
        let selected: Vec<String> = select(app, names)?
            .iter()
            .map(|stack| stack.name().to_owned())
            .collect();
        Ok(self
            .sorted(&selected)?
            .iter()
            .filter_map(|name| self.stack(name))
            .collect())
    }

    /// `selected` in dependency order, producers first (ties by name); a cycle is an error
    /// naming its stacks.
    pub fn sorted(&self, selected: &[String]) -> Result<Vec<String>, CliError> {
        let selected: BTreeSet<&str> = selected.iter().map(String::as_str).collect();
        let mut order = Vec::new();
        let mut placed: BTreeSet<&str> = BTreeSet::new();
        while placed.len() < selected.len() {
            let ready: Vec<&str> = selected
                .iter()
                .copied()
                .filter(|name| !placed.contains(name))
                .filter(|name| {
                    self.dependencies(name)
                        .iter()
                        .all(|d| placed.contains(d.as_str()) || !selected.contains(d.as_str()))
                })
                .collect();
            if ready.is_empty() {
                let left: Vec<&str> = selected
                    .iter()
                    .copied()
                    .filter(|name| !placed.contains(name))
                    .collect();
                return Err(CliError::Cycle(self.cycle(&left)));
            }
            for name in ready {
                placed.insert(name);
                order.push(name.to_owned());
            }
        }
        Ok(order)
    }

    /// A cycle among `left` (stacks none of which is free of dependencies among them), as
    /// `a -> b -> a`.
    fn cycle(&self, left: &[&str]) -> String {
        let mut path: Vec<&str> = vec![left[0]];
        loop {
            let last = path[path.len() - 1];
            let next = self
                .dependencies(last)
                .iter()
                .map(String::as_str)
                .find(|d| left.contains(d))
                .unwrap_or(left[0]);
            if let Some(start) = path.iter().position(|p| *p == next) {
                let mut cycle: Vec<&str> = path[start..].to_vec();
                cycle.push(next);
                return cycle.join(" -> ");
            }
            path.push(next);
        }
    }
}

#[cfg(test)]
mod tests {
    use kumo_core::{Resource, StackError, StackGroup, StackOutput};

    use super::*;

    /// A stack named `name` that imports the output `Out` of each of `uses` and exports its own.
    struct Node {
        name: &'static str,
        uses: Vec<&'static str>,
    }

    impl Stack for Node {
        fn name(&self) -> &str {
            self.name
        }

        fn template(&self, env: &Environment) -> Result<Template, StackError> {
            let mut scope = kumo_core::Scope::new(self.name, env);
            for producer in &self.uses {
                scope.import(&StackOutput::new(producer, "out"));
            }
            scope
                .template_mut()
                .add_resource("Queue", Resource::new("AWS::SQS::Queue"))?;
            scope.exported_output("out", kumo_core::Output::new("x"));
            scope.finish()
        }
    }

    fn app(nodes: &[(&'static str, &[&'static str])]) -> StackGroup {
        nodes.iter().fold(StackGroup::new(), |app, (name, uses)| {
            app.stack(Node {
                name,
                uses: uses.to_vec(),
            })
        })
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn producers_come_first() {
        let app = app(&[
            ("service", &["data", "network"]),
            ("data", &["network"]),
            ("network", &[]),
            ("tools", &[]),
        ]);
        let graph = Graph::of(&app, &Environment::new("dev")).unwrap();
        let all = names(&["service", "data", "network", "tools"]);
        assert_eq!(
            graph.sorted(&all).unwrap(),
            ["network", "tools", "data", "service"]
        );
        assert_eq!(
            graph.sorted(&names(&["service", "network"])).unwrap(),
            ["network", "service"]
        );
    }

    #[test]
    fn a_cycle_names_its_stacks() {
        let app = app(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &[])]);
        let err = Graph::of(&app, &Environment::new("dev")).err().unwrap();
        assert_eq!(
            err.to_string(),
            "the stacks depend on each other in a cycle: a -> b -> c -> a"
        );
    }

    #[test]
    fn references_must_name_a_stack_and_an_exported_output() {
        let unknown = app(&[("a", &["nope"])]);
        let err = Graph::of(&unknown, &Environment::new("dev")).err().unwrap();
        assert_eq!(
            err.to_string(),
            "stack `a`: it uses stack `nope`, which is not in this app (it has: a)"
        );
        let itself = app(&[("a", &["a"])]);
        let err = Graph::of(&itself, &Environment::new("dev")).err().unwrap();
        assert_eq!(err.to_string(), "stack `a`: it refers to itself");
    }
}
