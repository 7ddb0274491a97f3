//! Rust names for a template's logical IDs: snake_case, never a keyword nor an imported
//! function, unique in a stack.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use kumo_core::naming::pascal_case;

use super::index::Index;
use super::values::INTRINSICS;

/// The Rust names of one `stack!`, unique among its statements, never a keyword (the index's
/// list, kumo-codegen's) nor an intrinsic function the module may import (a statement so named
/// would shadow it).
pub struct Names<'a> {
    index: &'a Index,
    taken: BTreeSet<String>,
}

impl<'a> Names<'a> {
    /// Only the intrinsic functions' names taken.
    pub fn new(index: &'a Index) -> Names<'a> {
        Names {
            index,
            taken: INTRINSICS.into_iter().map(str::to_owned).collect(),
        }
    }

    /// A snake_case name for a logical ID, with `suffix` (then a number) when taken: a taken
    /// `queue` is `queue_resource`, a taken `if_` (a keyword's) `if_resource`.
    pub fn claim(&mut self, id: &str, suffix: &str) -> String {
        let mut base = id.to_snake_case();
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base.insert(0, '_');
        }
        if self.index.is_keyword(&base) || base == "_" {
            base.push('_');
        }
        let mut name = base.clone();
        let separator = if base.ends_with('_') { "" } else { "_" };
        let mut n = 1;
        while self.taken.contains(&name) {
            name = if n == 1 {
                format!("{base}{separator}{suffix}")
            } else {
                format!("{base}{separator}{suffix}{n}")
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
