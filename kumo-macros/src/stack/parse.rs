//! The input of `stack!`, parsed: a header (name, service, description, tags) and statements.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{braced, parenthesized, Attribute, Expr, Ident, LitStr, Token, Type, Visibility};

mod kw {
    syn::custom_keyword!(param);
    syn::custom_keyword!(protected);
    syn::custom_keyword!(import);
    syn::custom_keyword!(parameter);
    syn::custom_keyword!(depends_on);
    syn::custom_keyword!(condition);
    syn::custom_keyword!(output);
    syn::custom_keyword!(export);
    syn::custom_keyword!(service);
    syn::custom_keyword!(description);
    syn::custom_keyword!(tags);
}

const EXPECTED_STACK: &str =
    "expected a stack: `pub Name(service = \"my-service\") { ... }`, with doc comments before it if you like";
const EXPECTED_STATEMENT: &str =
    "expected `param`, `let`, `protected let`, `import`, `condition` or `output`";

/// A whole `stack!` invocation.
pub struct StackDef {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub service: LitStr,
    pub description: Option<LitStr>,
    pub tags: Vec<(LitStr, Expr)>,
    pub depends_on: Vec<Expr>,
    pub statements: Vec<Statement>,
}

/// One statement of the stack's body.
pub enum Statement {
    /// `param name: Type [= default] [, "description"];`
    Param {
        name: Ident,
        ty: Box<Type>,
        default: Option<Expr>,
        description: Option<LitStr>,
    },
    /// `[protected] let name = component;`: a protected component's resources are never
    /// replaced or deleted by an update (the stack policy says so).
    Let {
        name: Ident,
        expr: Expr,
        protected: bool,
    },
    /// `import name = Stack::OUTPUT [, parameter];`: another stack's output, imported or
    /// passed as a parameter.
    Import {
        name: Ident,
        expr: Expr,
        parameter: bool,
    },
    /// `condition name = condition;`
    Condition { name: Ident, expr: Expr },
    /// `output name = value [, "description"] [, export];`
    Output {
        name: Ident,
        expr: Expr,
        description: Option<LitStr>,
        export: bool,
    },
}

impl Statement {
    /// The name the statement declares.
    pub fn name(&self) -> &Ident {
        match self {
            Statement::Param { name, .. }
            | Statement::Let { name, .. }
            | Statement::Import { name, .. }
            | Statement::Condition { name, .. }
            | Statement::Output { name, .. } => name,
        }
    }

    /// The expressions the statement evaluates.
    pub fn expressions(&self) -> Vec<&Expr> {
        match self {
            Statement::Param { default, .. } => default.iter().collect(),
            Statement::Let { expr, .. }
            | Statement::Import { expr, .. }
            | Statement::Condition { expr, .. }
            | Statement::Output { expr, .. } => vec![expr],
        }
    }

    /// Whether the statement binds its name for the statements after it (outputs do not).
    pub fn binds(&self) -> bool {
        !matches!(self, Statement::Output { .. })
    }
}

impl Parse for StackDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(EXPECTED_STACK));
        }
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let name: Ident = input
            .parse()
            .map_err(|err| syn::Error::new(err.span(), EXPECTED_STACK))?;
        if !input.peek(syn::token::Paren) {
            return Err(input.error(
                "expected the stack's settings in parentheses: `(service = \"my-service\")`",
            ));
        }
        let header;
        parenthesized!(header in input);
        let settings = Punctuated::<Setting, Token![,]>::parse_terminated(&header)?;
        let mut service = None;
        let mut description = None;
        let mut tags = None;
        let mut depends_on = None;
        for setting in settings {
            let (slot_taken, key) = match &setting {
                Setting::Service(_, lit) => (service.replace(lit.clone()).is_some(), "service"),
                Setting::Description(_, lit) => {
                    (description.replace(lit.clone()).is_some(), "description")
                }
                Setting::Tags(_, list) => (tags.replace(list.clone()).is_some(), "tags"),
                Setting::DependsOn(_, list) => {
                    (depends_on.replace(list.clone()).is_some(), "depends_on")
                }
            };
            if slot_taken {
                return Err(syn::Error::new(
                    setting.span(),
                    format!("`{key}` is set twice"),
                ));
            }
        }
        let service = service.ok_or_else(|| {
            syn::Error::new(
                name.span(),
                "a stack needs its service name: `(service = \"my-service\")`",
            )
        })?;
        if !input.peek(syn::token::Brace) {
            return Err(input.error("expected the stack's body in braces: `{ ... }`"));
        }
        let body;
        braced!(body in input);
        let mut statements = Vec::new();
        while !body.is_empty() {
            statements.push(body.parse()?);
        }
        if !input.is_empty() {
            return Err(
                input.error("unexpected tokens after the stack's body; a stack! holds one stack")
            );
        }
        Ok(StackDef {
            attrs,
            vis,
            name,
            service,
            description,
            tags: tags.unwrap_or_default(),
            depends_on: depends_on.unwrap_or_default(),
            statements,
        })
    }
}

/// One `key = value` of the header.
enum Setting {
    Service(kw::service, LitStr),
    Description(kw::description, LitStr),
    Tags(kw::tags, Vec<(LitStr, Expr)>),
    DependsOn(kw::depends_on, Vec<Expr>),
}

impl Setting {
    fn span(&self) -> proc_macro2::Span {
        match self {
            Setting::Service(kw, _) => kw.span,
            Setting::Description(kw, _) => kw.span,
            Setting::Tags(kw, _) => kw.span,
            Setting::DependsOn(kw, _) => kw.span,
        }
    }
}

impl Parse for Setting {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        if lookahead.peek(kw::service) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            Ok(Setting::Service(key, input.parse()?))
        } else if lookahead.peek(kw::description) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            Ok(Setting::Description(key, input.parse()?))
        } else if lookahead.peek(kw::tags) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let list;
            braced!(list in input);
            let pairs = Punctuated::<Tag, Token![,]>::parse_terminated(&list)?;
            Ok(Setting::Tags(
                key,
                pairs.into_iter().map(|tag| (tag.key, tag.value)).collect(),
            ))
        } else if lookahead.peek(kw::depends_on) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let list;
            syn::bracketed!(list in input);
            let stacks = Punctuated::<Expr, Token![,]>::parse_terminated(&list)?;
            Ok(Setting::DependsOn(key, stacks.into_iter().collect()))
        } else {
            Err(lookahead.error())
        }
    }
}

/// `"key" = value` in `tags = { ... }`.
struct Tag {
    key: LitStr,
    value: Expr,
}

impl Parse for Tag {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = input
            .parse()
            .map_err(|err| syn::Error::new(err.span(), "expected a tag: `\"key\" = value`"))?;
        input.parse::<Token![=]>()?;
        Ok(Tag {
            key,
            value: input.parse()?,
        })
    }
}

impl Parse for Statement {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        let statement = if lookahead.peek(kw::param) {
            input.parse::<kw::param>()?;
            let name = input.parse()?;
            input.parse::<Token![:]>()?;
            let ty = input.parse()?;
            let default = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                Some(input.parse()?)
            } else {
                None
            };
            let description = if input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
                Some(input.parse::<LitStr>().map_err(|err| {
                    syn::Error::new(err.span(), "expected the parameter's description, a string")
                })?)
            } else {
                None
            };
            Statement::Param {
                name,
                ty,
                default,
                description,
            }
        } else if lookahead.peek(Token![let]) || lookahead.peek(kw::protected) {
            let protected = input.parse::<Option<kw::protected>>()?.is_some();
            input
                .parse::<Token![let]>()
                .map_err(|err| syn::Error::new(err.span(), "expected `let` after `protected`"))?;
            let name = input.parse()?;
            input.parse::<Token![=]>()?;
            Statement::Let {
                name,
                expr: input.parse()?,
                protected,
            }
        } else if lookahead.peek(kw::import) {
            input.parse::<kw::import>()?;
            let name = input.parse()?;
            input.parse::<Token![=]>()?;
            let expr = input.parse()?;
            let parameter = if input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
                input.parse::<kw::parameter>().map_err(|err| {
                    syn::Error::new(
                        err.span(),
                        "expected `parameter` (to pass the output as a parameter instead of importing it)",
                    )
                })?;
                true
            } else {
                false
            };
            Statement::Import {
                name,
                expr,
                parameter,
            }
        } else if lookahead.peek(kw::condition) {
            input.parse::<kw::condition>()?;
            let name = input.parse()?;
            input.parse::<Token![=]>()?;
            Statement::Condition {
                name,
                expr: input.parse()?,
            }
        } else if lookahead.peek(kw::output) {
            input.parse::<kw::output>()?;
            let name = input.parse()?;
            input.parse::<Token![=]>()?;
            let expr = input.parse()?;
            let mut description = None;
            let mut export = false;
            while input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
                if input.peek(kw::export) && !export {
                    input.parse::<kw::export>()?;
                    export = true;
                } else if input.peek(LitStr) && description.is_none() {
                    description = Some(input.parse()?);
                } else {
                    return Err(
                        input.error("expected the output's description (a string) or `export`")
                    );
                }
            }
            Statement::Output {
                name,
                expr,
                description,
                export,
            }
        } else {
            return Err(syn::Error::new(
                lookahead.error().span(),
                EXPECTED_STATEMENT,
            ));
        };
        input
            .parse::<Token![;]>()
            .map_err(|err| syn::Error::new(err.span(), "expected `;` after the statement"))?;
        Ok(statement)
    }
}
