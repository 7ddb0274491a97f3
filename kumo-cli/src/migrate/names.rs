//! Rust names for a template's logical IDs: snake_case, never a keyword, unique in a stack.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use kumo_core::naming::pascal_case;

use super::index::Index;

/// The Rust names of one `stack!`, unique among its statements and never a keyword (the
/// index's list, kumo-codegen's).
pub struct Names<'a> {
    index: &'a Index,
    taken: BTreeSet<String>,
}

impl<'a> Names<'a> {
    /// No names taken yet.
    pub fn new(index: &'a Index) -> Names<'a> {
        Names {
            index,
            taken: BTreeSet::new(),
        }
    }

    /// A snake_case name for a logical ID, with `suffix` (then a number) when taken.
    pub fn claim(&mut self, id: &str, suffix: &str) -> String {
        let mut base = id.to_snake_case();
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base.insert(0, '_');
        }
        if self.index.is_keyword(&base) || base == "_" {
            base.push('_');
        }
        let mut name = base.clone();
        let mut n = 1;
        while self.taken.contains(&name) {
            name = if n == 1 {
                format!("{base}_{suffix}")
            } else {
                format!("{base}_{suffix}{n}")
            };
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// Whether `stack!` derives `id` from `name` (so the statement needs no kept ID).
pub fn derives(name: &str, id: &str) -> bool {
    pascal_case(name) == id
}
