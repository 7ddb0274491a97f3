//! The name rules of `stack!` that Rust alone would not enforce (or would report vaguely):
//! every name is ASCII and declared once, none is used before its declaration, an output's
//! condition is a declared condition, `find` looks up a mapping, a mapping's keys and a nested
//! stack's parameters are given once, a stack does not nest itself.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{Ident, LitStr};

use super::parse::{Kind, MappingValue, Statement};
use super::uses::free_names;
use crate::errors::Errors;

/// Checks the statements' names; every problem is pushed to `errors`.
pub fn names(statements: &[Statement], errors: &mut Errors) {
    let mut declared: BTreeMap<(&str, String), &Ident> = BTreeMap::new();
    for statement in statements {
        let name = statement.name();
        let what = statement.namespace().unwrap_or("name");
        let text = name.unraw().to_string();
        if let Some(letter) = text.chars().find(|c| !c.is_ascii()) {
            errors.push(syn::Error::new(
                name.span(),
                format!("`{text}` holds {letter:?}: names in a stack are ASCII letters, digits and `_`, as the logical IDs made of them"),
            ));
        }
        // `r#jobs` is `jobs`; an output's name is also the constant `URL` for `url` and `Url`.
        let key = match statement.kind {
            Kind::Output { .. } => name.unraw().to_string().to_uppercase(),
            _ => name.unraw().to_string(),
        };
        if let Some(first) = declared.get(&(what, key.clone())) {
            let (name, first_name) = (name.unraw(), first.unraw());
            let message = if name == first_name {
                format!("the {what} `{name}` is declared twice in this stack")
            } else {
                format!("the {what} `{name}` is declared twice in this stack: `{first_name}` and `{name}` are both the constant `{key}`")
            };
            let mut error = syn::Error::new(name.span(), message);
            error.combine(syn::Error::new(
                first.span(),
                format!("`{first_name}` is first declared here"),
            ));
            errors.push(error);
        } else {
            declared.insert((what, key), name);
        }
    }
    for (index, statement) in statements.iter().enumerate() {
        for expr in statement.expressions() {
            for used in free_names(expr) {
                let later = binding(&statements[index..], &used);
                let earlier = binding(&statements[..index], &used).is_some();
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
            Kind::Nested { parameters, .. } => given_once(
                parameters
                    .iter()
                    .map(|(parameter, _)| (parameter.unraw().to_string(), parameter.span())),
                |name| format!("parameter `{name}`"),
                errors,
            ),
            Kind::Mapping { entries, .. } => mapping_keys(entries, errors),
            _ => {}
        }
    }
}

/// No `nested` statement of the stack `stack` nests `stack` (or `Self`): its template would
/// contain itself.
pub fn nested_in_itself(stack: &Ident, statements: &[Statement], errors: &mut Errors) {
    for statement in statements {
        if let Kind::Nested { stack: nested, .. } = &statement.kind {
            if nested.is_ident(stack) || nested.is_ident("Self") {
                errors.push(syn::Error::new_spanned(
                    nested,
                    format!("`{stack}` cannot nest itself: its template would contain itself"),
                ));
            }
        }
    }
}

/// The statement that binds `name` (`jobs` or `r#jobs`), if any.
fn binding<'a>(statements: &'a [Statement], name: &Ident) -> Option<&'a Statement> {
    statements
        .iter()
        .find(|s| s.binds() && s.name().unraw() == name.unraw())
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

/// Pushes an error for each key given again after its first, noting where that was; `name`
/// says what a key is in the message (`mapping key "eu"`, ``parameter `cidr` ``).
fn given_once(
    keys: impl Iterator<Item = (String, Span)>,
    name: impl Fn(&str) -> String,
    errors: &mut Errors,
) {
    let mut first: BTreeMap<String, Span> = BTreeMap::new();
    for (key, span) in keys {
        match first.get(&key) {
            Some(&at) => {
                let mut error = syn::Error::new(span, format!("the {} is given twice", name(&key)));
                error.combine(syn::Error::new(at, "first given here"));
                errors.push(error);
            }
            None => {
                first.insert(key, span);
            }
        }
    }
}

/// A mapping has keys, each given once at its level.
fn mapping_keys(entries: &[(LitStr, Vec<(LitStr, MappingValue)>)], errors: &mut Errors) {
    let once = |keys: &mut dyn Iterator<Item = &LitStr>, errors: &mut Errors| {
        given_once(
            keys.map(|key| (key.value(), key.span())),
            |key| format!("mapping key {key:?}"),
            errors,
        );
    };
    once(&mut entries.iter().map(|(key, _)| key), errors);
    for (key, values) in entries {
        if values.is_empty() {
            errors.push(syn::Error::new(
                key.span(),
                "a mapping key needs at least one entry: `{ \"Key\" = value }`",
            ));
        }
        once(&mut values.iter().map(|(key, _)| key), errors);
    }
}
