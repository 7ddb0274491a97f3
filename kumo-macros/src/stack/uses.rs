//! The names an expression of `stack!` uses from outside itself: a path of one identifier that
//! no binding inside the expression (a closure's or inner function's parameter, a `let` of a
//! block, a `match` arm, a `for` or `if let` pattern) declares where it is used. `check`
//! reports those that name a statement declared later.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::visit::{self, Visit};
use syn::{Expr, Ident, Pat};

/// The identifiers `expr` uses that are not bound inside it, in source order.
pub fn free_names(expr: &Expr) -> Vec<Ident> {
    let mut uses = Uses::default();
    uses.visit_expr(expr);
    uses.found
}

/// The walk: the names bound by each enclosing scope inside the expression, and what was found.
#[derive(Default)]
struct Uses {
    scopes: Vec<Vec<String>>,
    found: Vec<Ident>,
}

impl Uses {
    fn is_bound(&self, name: &Ident) -> bool {
        let name = name.unraw().to_string();
        self.scopes.iter().flatten().any(|bound| *bound == name)
    }

    fn use_name(&mut self, name: &Ident) {
        if !self.is_bound(name) {
            self.found.push(name.clone());
        }
    }

    /// Binds the names of `pat` in the innermost scope.
    fn bind(&mut self, pat: &Pat) {
        let mut bindings = Bindings(Vec::new());
        bindings.visit_pat(pat);
        match self.scopes.last_mut() {
            Some(scope) => scope.extend(bindings.0),
            None => self.scopes.push(bindings.0),
        }
    }

    /// Runs `walk` in a new scope.
    fn scoped(&mut self, walk: impl FnOnce(&mut Self)) {
        self.scopes.push(Vec::new());
        walk(self);
        self.scopes.pop();
    }
}

impl<'ast> Visit<'ast> for Uses {
    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if path.qself.is_none() {
            if let Some(name) = path.path.get_ident() {
                self.use_name(name);
                return;
            }
        }
        visit::visit_expr_path(self, path);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        // `name(..)` calls a function, which a later statement's binding does not shadow.
        let calls_a_name =
            matches!(call.func.as_ref(), Expr::Path(path) if path.path.get_ident().is_some());
        if !calls_a_name {
            self.visit_expr(&call.func);
        }
        for arg in &call.args {
            self.visit_expr(arg);
        }
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.scoped(|uses| visit::visit_block(uses, block));
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.bind(&local.pat);
    }

    fn visit_expr_let(&mut self, expr: &'ast syn::ExprLet) {
        self.visit_expr(&expr.expr);
        self.bind(&expr.pat);
    }

    fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
        self.scoped(|uses| {
            uses.visit_expr(&expr.cond);
            uses.visit_block(&expr.then_branch);
        });
        if let Some((_, otherwise)) = &expr.else_branch {
            self.visit_expr(otherwise);
        }
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        self.scoped(|uses| {
            uses.visit_expr(&expr.cond);
            uses.visit_block(&expr.body);
        });
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        self.visit_expr(&expr.expr);
        self.scoped(|uses| {
            uses.bind(&expr.pat);
            uses.visit_block(&expr.body);
        });
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.scoped(|uses| {
            for input in &closure.inputs {
                uses.bind(input);
            }
            uses.visit_expr(&closure.body);
        });
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.scoped(|uses| {
            uses.bind(&arm.pat);
            if let Pat::Guard(guarded) = &arm.pat {
                uses.visit_expr(&guarded.guard);
            }
            uses.visit_expr(&arm.body);
        });
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.scoped(|uses| {
            for input in &item.sig.inputs {
                if let syn::FnArg::Typed(typed) = input {
                    uses.bind(&typed.pat);
                }
            }
            uses.visit_block(&item.block);
        });
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        for name in macro_names(mac.tokens.clone()) {
            self.use_name(&name);
        }
    }
}

/// The identifiers a pattern binds (and, harmlessly, the unit variants it names).
struct Bindings(Vec<String>);

impl<'ast> Visit<'ast> for Bindings {
    fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
        self.0.push(pat.ident.unraw().to_string());
        visit::visit_pat_ident(self, pat);
    }

    fn visit_pat_guard(&mut self, pat: &'ast syn::PatGuard) {
        self.visit_pat(&pat.pat);
    }
}

/// The identifiers of a macro's input that can name a local binding: not a field or method
/// after `.`, not a path segment next to `::`, not a macro or function name.
fn macro_names(tokens: TokenStream) -> Vec<Ident> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut found = Vec::new();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(group) => found.extend(macro_names(group.stream())),
            TokenTree::Ident(ident) => {
                let previous = i.checked_sub(1).and_then(|p| trees.get(p));
                let next = trees.get(i + 1);
                let after_dot_or_path = matches!(previous, Some(TokenTree::Punct(p)) if p.as_char() == '.' || p.as_char() == ':');
                let before_path_call_or_macro = match next {
                    Some(TokenTree::Punct(p)) => p.as_char() == ':' || p.as_char() == '!',
                    Some(TokenTree::Group(g)) => g.delimiter() == Delimiter::Parenthesis,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str) -> Vec<String> {
        let expr: Expr = syn::parse_str(source).unwrap();
        free_names(&expr).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn bindings_inside_the_expression_are_not_uses() {
        assert_eq!(names("a.iter().map(|b| b + c).sum()"), ["a", "c"]);
        assert_eq!(names("{ let b = a; b + c }"), ["a", "c"]);
        assert_eq!(names("{ let a = a; a }"), ["a"]);
        assert_eq!(
            names("match a { Some(b) if b > c => b, _ => d }"),
            ["a", "c", "d"]
        );
        assert_eq!(names("for b in a { f(b, c); }"), ["a", "c"]);
        assert_eq!(names("if let Some(b) = a { b } else { b }"), ["a", "b"]);
        assert_eq!(names("{ let r#b = 1; b }"), Vec::<String>::new());
        assert_eq!(names("{ fn twice(b: u8) -> u8 { b * 2 } twice(a) }"), ["a"]);
    }

    #[test]
    fn calls_paths_fields_and_macros() {
        assert_eq!(names("f(a).b(c::d, e.g)"), ["a", "e"]);
        assert_eq!(names("Item { a, b: c }"), ["a", "c"]);
        assert_eq!(names("vec![a, b.c, d(e)]"), ["a", "b", "e"]);
        assert_eq!(names("|a| vec![a, b]"), ["b"]);
    }
}
