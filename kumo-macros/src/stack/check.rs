//! The name rules of `stack!` that Rust alone would not enforce (or would report vaguely):
//! every name is declared once, none is used before its declaration, an output's condition is a
//! declared condition, `find` looks up a mapping, a mapping's keys are given once.

use std::collections::BTreeMap;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Ident, LitStr};

use super::parse::{Kind, MappingValue, Statement};
use crate::errors::Errors;

/// Checks the statements' names; every problem is pushed to `errors`.
pub fn names(statements: &[Statement], errors: &mut Errors) {
    let mut declared: BTreeMap<(&str, String), &Ident> = BTreeMap::new();
    for statement in statements {
        let name = statement.name();
        let what = statement.namespace().unwrap_or("name");
        if let Some(first) = declared.get(&(what, name.to_string())) {
            let mut error = syn::Error::new(
                name.span(),
                format!("the {what} `{name}` is declared twice in this stack"),
            );
            error.combine(syn::Error::new(
                first.span(),
                format!("`{name}` is first declared here"),
            ));
            errors.push(error);
        } else {
            declared.insert((what, name.to_string()), name);
        }
    }
    for (index, statement) in statements.iter().enumerate() {
        for expr in statement.expressions() {
            for used in referenced_idents(expr.to_token_stream()) {
                let later = statements[index..]
                    .iter()
                    .filter(|s| s.binds())
                    .find(|s| *s.name() == used);
                let earlier = statements[..index]
                    .iter()
                    .any(|s| s.binds() && *s.name() == used);
                if let (Some(declaration), false) = (later, earlier) {
                    let mut error = syn::Error::new(
                        used.span(),
                        format!("`{used}` is used before it is declared; move its declaration above this statement"),
                    );
                    error.combine(syn::Error::new(
                        declaration.name().span(),
                        format!("`{used}` is declared here"),
                    ));
                    errors.push(error);
                }
            }
            finds(statements, expr.to_token_stream(), errors);
        }
        match &statement.kind {
            Kind::Output {
                condition: Some(condition),
                ..
            } => output_condition(statements, index, condition, errors),
            Kind::Mapping { entries, .. } => mapping_keys(entries, errors),
            _ => {}
        }
    }
}

/// The statement that binds `name`, if any.
fn binding<'a>(statements: &'a [Statement], name: &Ident) -> Option<&'a Statement> {
    statements.iter().find(|s| s.binds() && s.name() == name)
}

/// An output's `condition = name` names a condition declared before it.
fn output_condition(
    statements: &[Statement],
    index: usize,
    condition: &Ident,
    errors: &mut Errors,
) {
    match binding(statements, condition) {
        None => errors.push(syn::Error::new(
            condition.span(),
            format!("no condition `{condition}` is declared in this stack; declare it with `condition {condition} = ...;`"),
        )),
        Some(s) if !matches!(s.kind, Kind::Condition { .. }) => errors.push(syn::Error::new(
            condition.span(),
            format!("`{condition}` is a `{}`, not a condition", s.target().keyword()),
        )),
        Some(_) if binding(&statements[..index], condition).is_none() => errors.push(
            syn::Error::new(
                condition.span(),
                format!("`{condition}` is used before it is declared; move its declaration above this statement"),
            ),
        ),
        Some(_) => {}
    }
}

/// `name.find(...)` calls a mapping when `name` is a statement's binding.
fn finds(statements: &[Statement], tokens: TokenStream, errors: &mut Errors) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(group) => finds(statements, group.stream(), errors),
            TokenTree::Ident(receiver) => {
                let method = trees.get(i + 2);
                let is_find = matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '.')
                    && matches!(method, Some(TokenTree::Ident(m)) if m == "find");
                let Some(TokenTree::Ident(method)) = method.filter(|_| is_find) else {
                    continue;
                };
                let declared = binding(statements, receiver).map(|s| &s.kind);
                if let Some(
                    kind @ (Kind::Param { .. } | Kind::Import { .. } | Kind::Condition { .. }),
                ) = declared
                {
                    let what = match kind {
                        Kind::Param { .. } => "a parameter",
                        Kind::Import { .. } => "an import",
                        _ => "a condition",
                    };
                    errors.push(syn::Error::new(
                        method.span(),
                        format!("`{receiver}` is {what}, not a mapping: `find` looks a value up in a `mapping`"),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// A mapping has keys, each given once at its level.
fn mapping_keys(entries: &[(LitStr, Vec<(LitStr, MappingValue)>)], errors: &mut Errors) {
    fn once<'a>(keys: impl Iterator<Item = &'a LitStr>, errors: &mut Errors) {
        let mut seen: BTreeMap<String, &LitStr> = BTreeMap::new();
        for key in keys {
            if let Some(first) = seen.insert(key.value(), key) {
                let mut error = syn::Error::new(
                    key.span(),
                    format!("the mapping key {:?} is given twice", key.value()),
                );
                error.combine(syn::Error::new(first.span(), "first given here"));
                errors.push(error);
            }
        }
    }
    once(entries.iter().map(|(key, _)| key), errors);
    for (key, values) in entries {
        if values.is_empty() {
            errors.push(syn::Error::new(
                key.span(),
                "a mapping key needs at least one entry: `{ \"Key\" = value }`",
            ));
        }
        once(values.iter().map(|(key, _)| key), errors);
    }
}

/// The identifiers of `tokens` that can name a local binding: not a field or method after `.`,
/// not a path segment next to `::`, not a macro or function name.
fn referenced_idents(tokens: TokenStream) -> Vec<Ident> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut found = Vec::new();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(group) => found.extend(referenced_idents(group.stream())),
            TokenTree::Ident(ident) => {
                let previous = i.checked_sub(1).and_then(|p| trees.get(p));
                let next = trees.get(i + 1);
                let after_dot_or_path = matches!(previous, Some(TokenTree::Punct(p)) if p.as_char() == '.' || p.as_char() == ':');
                let before_path_call_or_macro = match next {
                    Some(TokenTree::Punct(p)) => p.as_char() == ':' || p.as_char() == '!',
                    Some(TokenTree::Group(g)) => {
                        g.delimiter() == proc_macro2::Delimiter::Parenthesis
                    }
                    _ => false,
                };
                if !after_dot_or_path && !before_path_call_or_macro {
                    found.push(ident.clone());
                }
            }
            _ => {}
        }
    }
    found
}
