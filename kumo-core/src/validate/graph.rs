//! Dependency cycles between resources.

use std::collections::VecDeque;

/// Resources and what each needs: `names` are the logical IDs, sorted; `edges[i]` are the indexes
/// in `names` of the resources `names[i]` needs, sorted and without repeats.
pub(crate) struct Graph<'a> {
    /// The logical IDs, sorted.
    pub(crate) names: Vec<&'a str>,
    /// Each resource's dependencies, by index.
    pub(crate) edges: Vec<Vec<usize>>,
}

/// Every dependency cycle, each as the resources along it starting at its smallest name, in a
/// stable order.
pub(crate) fn cycles<'a>(graph: &Graph<'a>) -> Vec<Vec<&'a str>> {
    let mut cycles = Vec::new();
    for component in strongly_connected(graph) {
        // Indexes follow the sorted names, so the smallest index is the smallest name.
        cycles.push(shortest_cycle(graph, &component, component[0]));
    }
    cycles.sort();
    cycles
        .into_iter()
        .map(|cycle| cycle.into_iter().map(|i| graph.names[i]).collect())
        .collect()
}

/// Tarjan's strongly connected components that hold a cycle (of more than one resource, or of
/// one that needs itself), each sorted.
fn strongly_connected(graph: &Graph<'_>) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;

    struct State {
        index: Vec<usize>,
        low: Vec<usize>,
        next_index: usize,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        components: Vec<Vec<usize>>,
    }

    fn visit(node: usize, graph: &Graph<'_>, state: &mut State) {
        state.index[node] = state.next_index;
        state.low[node] = state.next_index;
        state.next_index += 1;
        state.stack.push(node);
        state.on_stack[node] = true;
        for &next in &graph.edges[node] {
            if state.index[next] == UNSEEN {
                visit(next, graph, state);
                state.low[node] = state.low[node].min(state.low[next]);
            } else if state.on_stack[next] {
                state.low[node] = state.low[node].min(state.index[next]);
            }
        }
        if state.low[node] == state.index[node] {
            // A component of one resource that does not need itself holds no cycle: most
            // resources are one, and none of them is collected.
            if state.stack.last() == Some(&node) && graph.edges[node].binary_search(&node).is_err()
            {
                state.stack.pop();
                state.on_stack[node] = false;
                return;
            }
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack[member] = false;
                component.push(member);
                if member == node {
                    break;
                }
            }
            component.sort_unstable();
            state.components.push(component);
        }
    }

    let count = graph.names.len();
    let mut state = State {
        index: vec![UNSEEN; count],
        low: vec![UNSEEN; count],
        next_index: 0,
        stack: Vec::new(),
        on_stack: vec![false; count],
        components: Vec::new(),
    };
    for node in 0..count {
        if state.index[node] == UNSEEN {
            visit(node, graph, &mut state);
        }
    }
    state.components
}

/// The shortest path from `start` back to itself inside `component` (breadth first).
fn shortest_cycle(graph: &Graph<'_>, component: &[usize], start: usize) -> Vec<usize> {
    let mut parent: Vec<Option<usize>> = vec![None; graph.names.len()];
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in &graph.edges[node] {
            if component.binary_search(&next).is_err() {
                continue;
            }
            if next == start {
                let mut path = vec![node];
                while let Some(previous) = path.last().and_then(|&n| parent[n]) {
                    path.push(previous);
                }
                path.reverse();
                return path;
            }
            if parent[next].is_none() {
                parent[next] = Some(node);
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
        let mut names: Vec<&str> = edges.iter().flat_map(|&(from, to)| [from, to]).collect();
        names.sort_unstable();
        names.dedup();
        let index = |name| names.binary_search(&name).unwrap();
        let mut lists = vec![Vec::new(); names.len()];
        for &(from, to) in edges {
            lists[index(from)].push(index(to));
        }
        for list in &mut lists {
            list.sort_unstable();
            list.dedup();
        }
        Graph {
            names,
            edges: lists,
        }
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
