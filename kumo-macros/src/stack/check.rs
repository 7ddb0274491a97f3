//! The name rules of `stack!` that Rust alone would not enforce (or would report vaguely):
//! every name is declared once, and none is used before its declaration.

use std::collections::BTreeMap;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::Ident;

use super::parse::Statement;
use crate::errors::Errors;

/// Checks the statements' names; every problem is pushed to `errors`.
pub fn names(statements: &[Statement], errors: &mut Errors) {
    let mut bindings: BTreeMap<String, &Ident> = BTreeMap::new();
    let mut outputs: BTreeMap<String, &Ident> = BTreeMap::new();
    for statement in statements {
        let name = statement.name();
        let (namespace, what) = if statement.binds() {
            (&mut bindings, "name")
        } else {
            (&mut outputs, "output")
        };
        if let Some(first) = namespace.get(&name.to_string()) {
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
            namespace.insert(name.to_string(), name);
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
        }
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
