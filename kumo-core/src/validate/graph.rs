//! Dependency cycles between resources.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Edges from each resource to the resources it needs.
pub(crate) type Graph<'a> = BTreeMap<&'a str, BTreeSet<&'a str>>;

/// Every dependency cycle, each as the resources along it starting at its smallest name, in a
/// stable order.
pub(crate) fn cycles<'a>(graph: &Graph<'a>) -> Vec<Vec<&'a str>> {
    let mut cycles = Vec::new();
    for component in strongly_connected(graph) {
        let start = *component.iter().next().expect("components are not empty");
        let self_loop = graph.get(start).is_some_and(|next| next.contains(start));
        if component.len() > 1 || self_loop {
            cycles.push(shortest_cycle(graph, &component, start));
        }
    }
    cycles.sort();
    cycles
}

/// Tarjan's strongly connected components.
fn strongly_connected<'a>(graph: &Graph<'a>) -> Vec<BTreeSet<&'a str>> {
    struct State<'a> {
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<BTreeSet<&'a str>>,
    }

    fn visit<'a>(node: &'a str, graph: &Graph<'a>, state: &mut State<'a>) {
        let index = state.index.len();
        state.index.insert(node, index);
        state.low.insert(node, index);
        state.stack.push(node);
        state.on_stack.insert(node);
        for &next in graph.get(node).into_iter().flatten() {
            if !state.index.contains_key(next) {
                visit(next, graph, state);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = BTreeSet::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.insert(member);
                if member == node {
                    break;
                }
            }
            state.components.push(component);
        }
    }

    let mut state = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for &node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(node, graph, &mut state);
        }
    }
    state.components
}

/// The shortest path from `start` back to itself inside `component` (breadth first).
fn shortest_cycle<'a>(
    graph: &Graph<'a>,
    component: &BTreeSet<&'a str>,
    start: &'a str,
) -> Vec<&'a str> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in graph.get(node).into_iter().flatten() {
            if !component.contains(next) {
                continue;
            }
            if next == start {
                let mut path = vec![node];
                while let Some(&previous) = path.last().and_then(|n| parent.get(n)) {
                    path.push(previous);
                }
                path.reverse();
                return path;
            }
            if !parent.contains_key(next) && next != start {
                parent.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    unreachable!("every member of a strongly connected component lies on a cycle")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph<'a>(edges: &[(&'a str, &'a str)]) -> Graph<'a> {
        let mut graph = Graph::new();
        for &(from, to) in edges {
            graph.entry(from).or_default().insert(to);
            graph.entry(to).or_default();
        }
        graph
    }

    #[test]
    fn acyclic_graphs_have_no_cycles() {
        assert!(cycles(&graph(&[("A", "B"), ("B", "C"), ("A", "C")])).is_empty());
    }

    #[test]
    fn finds_each_cycle_in_order() {
        let g = graph(&[("B", "C"), ("C", "D"), ("D", "B"), ("X", "X"), ("A", "B")]);
        assert_eq!(cycles(&g), [vec!["B", "C", "D"], vec!["X"]]);
    }

    #[test]
    fn reports_the_shortest_cycle_of_a_component() {
        let g = graph(&[("A", "B"), ("B", "A"), ("B", "C"), ("C", "A")]);
        assert_eq!(cycles(&g), [vec!["A", "B"]]);
    }
}
