//! Explicit logical IDs given twice: `#[logical_id]` on a `let`, `nested` or `param` and the entries of
//! `#[logical_ids]` share the `Ref` namespace, so the same ID given twice is a compile error on
//! the second, and so is a role given twice in one `#[logical_ids]`.

use std::collections::BTreeMap;

use proc_macro2::Span;

use super::attr::{Attrs, Target};
use super::parse::Statement;
use crate::errors::Errors;

/// Pushes an error for every explicit `Ref` logical ID or particle role given twice.
pub fn duplicates(statements: &[Statement], attrs: &[Attrs], errors: &mut Errors) {
    let mut ids: BTreeMap<String, Span> = BTreeMap::new();
    let mut claim = |id: String, span: Span, errors: &mut Errors| {
        if let Some(first) = ids.get(&id) {
            let mut error = syn::Error::new(span, format!("logical ID `{id}` is given twice"));
            error.combine(syn::Error::new(*first, "first given here"));
            errors.push(error);
        } else {
            ids.insert(id, span);
        }
    };
    for (statement, attrs) in statements.iter().zip(attrs) {
        if !matches!(
            statement.target(),
            Target::Let | Target::Param | Target::Nested
        ) {
            continue;
        }
        if let Some(id) = attrs.logical_id() {
            claim(id.value(), id.span(), errors);
        }
        let mut roles: BTreeMap<&[String], Span> = BTreeMap::new();
        for kept in attrs.logical_ids() {
            if let Some(first) = roles.insert(&kept.roles, kept.span) {
                let mut error = syn::Error::new(
                    kept.span,
                    format!("role `{}` is given twice", kept.roles.join("/")),
                );
                error.combine(syn::Error::new(first, "first given here"));
                errors.push(error);
            }
            claim(kept.id.value(), kept.id.span(), errors);
        }
    }
}
