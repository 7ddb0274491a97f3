//! The input of `stack!`, parsed: a header (name, service, description, tags, transforms,
//! metadata) and statements, each with its outer attributes (read by [`super::attr`]).

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{
    braced, parenthesized, Attribute, Expr, Ident, Lit, LitBool, LitStr, Token, Type, Visibility,
};

use super::attr::Target;

mod kw {
    syn::custom_keyword!(param);
    syn::custom_keyword!(protected);
    syn::custom_keyword!(import);
    syn::custom_keyword!(nested);
    syn::custom_keyword!(parameter);
    syn::custom_keyword!(depends_on);
    syn::custom_keyword!(condition);
    syn::custom_keyword!(output);
    syn::custom_keyword!(export);
    syn::custom_keyword!(service);
    syn::custom_keyword!(description);
    syn::custom_keyword!(tags);
    syn::custom_keyword!(transform);
    syn::custom_keyword!(metadata);
    syn::custom_keyword!(mapping);
    syn::custom_keyword!(rule);
    syn::custom_keyword!(default_tags);
    syn::custom_keyword!(stack_name);
}

const EXPECTED_STACK: &str =
    "expected a stack: `pub Name(service = \"my-service\") { ... }`, with doc comments before it if you like";
const EXPECTED_STATEMENT: &str =
    "expected `param`, `let`, `protected let`, `import`, `nested`, `condition`, `mapping`, `output` or `rule`";
const EXPECTED_MAPPING_VALUE: &str =
    "expected a mapping value: a string, a number or a list of them in `[...]`";

/// A whole `stack!` invocation.
pub struct StackDef {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub service: LitStr,
    pub description: Option<LitStr>,
    pub tags: Vec<(LitStr, Expr)>,
    pub depends_on: Vec<Expr>,
    pub transforms: Vec<LitStr>,
    pub metadata: Vec<(LitStr, Expr)>,
    /// `default_tags = false`: no default tags on resources, no kumo stack tags.
    pub default_tags: Option<LitBool>,
    /// `stack_name = "legacy-{env}"`: the CloudFormation name the stack keeps.
    pub stack_name: Option<LitStr>,
    pub statements: Vec<Statement>,
}

/// One statement of the stack's body, with the outer attributes before it.
pub struct Statement {
    pub attrs: Vec<Attribute>,
    pub kind: Kind,
}

/// What a statement declares.
pub enum Kind {
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
    /// `[protected] nested name = Stack { param: value, ... };`: another stack built in as a
    /// nested stack, with values for its parameters; protected, the stack policy refuses to
    /// replace or delete it.
    Nested {
        name: Ident,
        stack: syn::Path,
        parameters: Vec<(Ident, Expr)>,
        protected: bool,
    },
    /// `condition name = condition;`
    Condition { name: Ident, expr: Expr },
    /// `mapping name = { "top" = { "second" = value, ... }, ... };`
    Mapping {
        name: Ident,
        entries: Vec<(LitStr, Vec<(LitStr, MappingValue)>)>,
    },
    /// `output name = value [, "description"] [, export [= name]] [, condition = cond];`
    Output {
        name: Ident,
        expr: Expr,
        description: Option<LitStr>,
        export: Option<Export>,
        condition: Option<Ident>,
    },
    /// `rule name = rule;`
    Rule { name: Ident, expr: Expr },
}

/// How an output is exported.
pub enum Export {
    /// `export`: as `${AWS::StackName}-LogicalId`.
    Default,
    /// `export = name`: under the given name, any string value.
    Named(Box<Expr>),
}

/// A value of a mapping: a literal or a list of literals.
pub enum MappingValue {
    Lit(Lit),
    List(Vec<Lit>),
}

impl Statement {
    /// The name the statement declares.
    pub fn name(&self) -> &Ident {
        match &self.kind {
            Kind::Param { name, .. }
            | Kind::Let { name, .. }
            | Kind::Import { name, .. }
            | Kind::Nested { name, .. }
            | Kind::Condition { name, .. }
            | Kind::Mapping { name, .. }
            | Kind::Output { name, .. }
            | Kind::Rule { name, .. } => name,
        }
    }

    /// The kind of statement, as attributes see it.
    pub fn target(&self) -> Target {
        match &self.kind {
            Kind::Param { .. } => Target::Param,
            Kind::Let { .. } => Target::Let,
            Kind::Import { .. } => Target::Import,
            Kind::Nested { .. } => Target::Nested,
            Kind::Condition { .. } => Target::Condition,
            Kind::Mapping { .. } => Target::Mapping,
            Kind::Output { .. } => Target::Output,
            Kind::Rule { .. } => Target::Rule,
        }
    }

    /// The expressions the statement evaluates.
    pub fn expressions(&self) -> Vec<&Expr> {
        match &self.kind {
            Kind::Param { default, .. } => default.iter().collect(),
            Kind::Mapping { .. } => Vec::new(),
            Kind::Nested { parameters, .. } => parameters.iter().map(|(_, expr)| expr).collect(),
            Kind::Output { expr, export, .. } => match export {
                Some(Export::Named(name)) => vec![expr, name],
                _ => vec![expr],
            },
            Kind::Let { expr, .. }
            | Kind::Import { expr, .. }
            | Kind::Condition { expr, .. }
            | Kind::Rule { expr, .. } => vec![expr],
        }
    }

    /// The namespace of the statement's name (`None`: it binds the name for the statements
    /// after it; outputs and rules do not).
    pub fn namespace(&self) -> Option<&'static str> {
        match &self.kind {
            Kind::Output { .. } => Some("output"),
            Kind::Rule { .. } => Some("rule"),
            _ => None,
        }
    }

    /// Whether the statement binds its name for the statements after it.
    pub fn binds(&self) -> bool {
        self.namespace().is_none()
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
        let mut transforms = None;
        let mut metadata = None;
        let mut default_tags = None;
        let mut stack_name = None;
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
                Setting::Transform(_, list) => {
                    (transforms.replace(list.clone()).is_some(), "transform")
                }
                Setting::Metadata(_, list) => {
                    (metadata.replace(list.clone()).is_some(), "metadata")
                }
                Setting::DefaultTags(_, on) => {
                    (default_tags.replace(on.clone()).is_some(), "default_tags")
                }
                Setting::StackName(_, name) => {
                    (stack_name.replace(name.clone()).is_some(), "stack_name")
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
            transforms: transforms.unwrap_or_default(),
            metadata: metadata.unwrap_or_default(),
            default_tags,
            stack_name,
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
    Transform(kw::transform, Vec<LitStr>),
    Metadata(kw::metadata, Vec<(LitStr, Expr)>),
    DefaultTags(kw::default_tags, LitBool),
    StackName(kw::stack_name, LitStr),
}

impl Setting {
    fn span(&self) -> proc_macro2::Span {
        match self {
            Setting::Service(kw, _) => kw.span,
            Setting::Description(kw, _) => kw.span,
            Setting::Tags(kw, _) => kw.span,
            Setting::DependsOn(kw, _) => kw.span,
            Setting::Transform(kw, _) => kw.span,
            Setting::Metadata(kw, _) => kw.span,
            Setting::DefaultTags(kw, _) => kw.span,
            Setting::StackName(kw, _) => kw.span,
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
            let tags = pairs(&list, "a tag: `\"key\" = value`")?;
            keys_once(&tags, "tag")?;
            Ok(Setting::Tags(key, tags))
        } else if lookahead.peek(kw::depends_on) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let list;
            syn::bracketed!(list in input);
            let stacks = Punctuated::<Expr, Token![,]>::parse_terminated(&list)?;
            Ok(Setting::DependsOn(key, stacks.into_iter().collect()))
        } else if lookahead.peek(kw::transform) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let list;
            syn::bracketed!(list in input);
            let names =
                Punctuated::<LitStr, Token![,]>::parse_terminated(&list).map_err(|err| {
                    syn::Error::new(err.span(), "expected a transform's name, a string")
                })?;
            Ok(Setting::Transform(key, names.into_iter().collect()))
        } else if lookahead.peek(kw::metadata) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let list;
            braced!(list in input);
            let entries = pairs(&list, "a metadata entry: `\"Key\" = json_value`")?;
            keys_once(&entries, "metadata")?;
            Ok(Setting::Metadata(key, entries))
        } else if lookahead.peek(kw::default_tags) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let on = input.parse().map_err(|err| {
                syn::Error::new(
                    err.span(),
                    "expected `true` or `false`: `default_tags = false`",
                )
            })?;
            Ok(Setting::DefaultTags(key, on))
        } else if lookahead.peek(kw::stack_name) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let name: LitStr = input.parse().map_err(|err| {
                syn::Error::new(
                    err.span(),
                    "expected the stack's name, a string: `stack_name = \"legacy-network-{env}\"`",
                )
            })?;
            let bare = name.value().replace("{env}", "e");
            let mut chars = bare.chars();
            let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !valid {
                return Err(syn::Error::new(
                    name.span(),
                    "a stack name is an ASCII letter followed by ASCII letters, digits and hyphens, with `{env}` for the environment's name",
                ));
            }
            Ok(Setting::StackName(key, name))
        } else {
            Err(lookahead.error())
        }
    }
}

/// Each key of `pairs` given once: the second of a key is an error, `the {what} key "k" is
/// given twice` (the last would win without a word).
pub fn keys_once<V>(pairs: &[(LitStr, V)], what: &str) -> syn::Result<()> {
    for (index, (name, _)) in pairs.iter().enumerate() {
        if pairs[..index]
            .iter()
            .any(|(seen, _)| seen.value() == name.value())
        {
            return Err(syn::Error::new(
                name.span(),
                format!("the {what} key {:?} is given twice", name.value()),
            ));
        }
    }
    Ok(())
}

/// The `"key" = value, ...` pairs of `input` (`tags`, `metadata`); `what` names a pair in the
/// error when a key is not a string.
fn pairs<V: Parse>(input: ParseStream, what: &str) -> syn::Result<Vec<(LitStr, V)>> {
    let mut pairs = Vec::new();
    while !input.is_empty() {
        let key = input
            .parse()
            .map_err(|err| syn::Error::new(err.span(), format!("expected {what}")))?;
        input.parse::<Token![=]>()?;
        pairs.push((key, input.parse()?));
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(pairs)
}

impl Parse for MappingValue {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let literal = |input: ParseStream| -> syn::Result<Lit> {
            match input.parse::<Lit>() {
                Ok(lit @ (Lit::Str(_) | Lit::Int(_) | Lit::Float(_))) => Ok(lit),
                Ok(other) => Err(syn::Error::new(other.span(), EXPECTED_MAPPING_VALUE)),
                Err(err) => Err(syn::Error::new(err.span(), EXPECTED_MAPPING_VALUE)),
            }
        };
        if input.peek(syn::token::Bracket) {
            let list;
            syn::bracketed!(list in input);
            let items = Punctuated::<Lit, Token![,]>::parse_terminated_with(&list, literal)?;
            Ok(MappingValue::List(items.into_iter().collect()))
        } else {
            Ok(MappingValue::Lit(literal(input)?))
        }
    }
}

/// `{ "second" = value, ... }`: one top-level entry of a mapping.
struct MappingEntries(Vec<(LitStr, MappingValue)>);

impl Parse for MappingEntries {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if !input.peek(syn::token::Brace) {
            return Err(input.error(
                "expected the keys under this mapping key in braces: `{ \"Key\" = value, ... }`",
            ));
        }
        let body;
        braced!(body in input);
        Ok(MappingEntries(pairs(
            &body,
            "a mapping entry: `\"Key\" = value`",
        )?))
    }
}

/// The rest of a `nested` statement, after `protected` if `protected`.
fn nested(input: ParseStream, protected: bool) -> syn::Result<Kind> {
    input.parse::<kw::nested>()?;
    let name = input.parse()?;
    input.parse::<Token![=]>()?;
    let stack = input.parse().map_err(|err| {
        syn::Error::new(
            err.span(),
            "expected the nested stack's type: `Network { ... }`",
        )
    })?;
    let parameters = if input.peek(syn::token::Brace) {
        let body;
        braced!(body in input);
        Punctuated::<NestedParameter, Token![,]>::parse_terminated(&body)?
            .into_iter()
            .map(|p| (p.name, p.value))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Kind::Nested {
        name,
        stack,
        parameters,
        protected,
    })
}

/// `name: value` in a `nested` statement: a value for the child's parameter `name`.
struct NestedParameter {
    name: Ident,
    value: Expr,
}

impl Parse for NestedParameter {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name = input.parse().map_err(|err| {
            syn::Error::new(
                err.span(),
                "expected a parameter of the nested stack: `vpc_cidr: \"10.0.0.0/16\"`",
            )
        })?;
        input.parse::<Token![:]>()?;
        Ok(NestedParameter {
            name,
            value: input.parse()?,
        })
    }
}

impl Parse for Statement {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let kind = input.parse()?;
        input
            .parse::<Token![;]>()
            .map_err(|err| syn::Error::new(err.span(), "expected `;` after the statement"))?;
        Ok(Statement { attrs, kind })
    }
}

impl Parse for Kind {
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
            Kind::Param {
                name,
                ty,
                default,
                description,
            }
        } else if lookahead.peek(Token![let]) || lookahead.peek(kw::protected) {
            let protected = input.parse::<Option<kw::protected>>()?.is_some();
            if protected && input.peek(kw::nested) {
                nested(input, true)?
            } else {
                input.parse::<Token![let]>().map_err(|err| {
                    syn::Error::new(err.span(), "expected `let` or `nested` after `protected`")
                })?;
                let name = input.parse()?;
                input.parse::<Token![=]>()?;
                Kind::Let {
                    name,
                    expr: input.parse()?,
                    protected,
                }
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
            Kind::Import {
                name,
                expr,
                parameter,
            }
        } else if lookahead.peek(kw::nested) {
            nested(input, false)?
        } else if lookahead.peek(kw::condition) {
            input.parse::<kw::condition>()?;
            let name = input.parse()?;
            input.parse::<Token![=]>()?;
            Kind::Condition {
                name,
                expr: input.parse()?,
            }
        } else if lookahead.peek(kw::mapping) {
            input.parse::<kw::mapping>()?;
            let name = input.parse()?;
            input.parse::<Token![=]>()?;
            if !input.peek(syn::token::Brace) {
                return Err(input.error(
                    "expected the mapping in braces: `{ \"top\" = { \"Key\" = value }, ... }`",
                ));
            }
            let body;
            braced!(body in input);
            let entries =
                pairs::<MappingEntries>(&body, "a mapping key: `\"top\" = { \"Key\" = value }`")?;
            Kind::Mapping {
                name,
                entries: entries.into_iter().map(|(k, v)| (k, v.0)).collect(),
            }
        } else if lookahead.peek(kw::rule) {
            input.parse::<kw::rule>()?;
            let name = input.parse()?;
            input.parse::<Token![=]>()?;
            Kind::Rule {
                name,
                expr: input.parse()?,
            }
        } else if lookahead.peek(kw::output) {
            input.parse::<kw::output>()?;
            let name = input.parse()?;
            input.parse::<Token![=]>()?;
            let expr = input.parse()?;
            let mut description = None;
            let mut export = None;
            let mut condition = None;
            while input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
                if input.peek(kw::export) && export.is_none() {
                    input.parse::<kw::export>()?;
                    export = Some(if input.peek(Token![=]) {
                        input.parse::<Token![=]>()?;
                        Export::Named(input.parse()?)
                    } else {
                        Export::Default
                    });
                } else if input.peek(kw::condition) && condition.is_none() {
                    input.parse::<kw::condition>()?;
                    input.parse::<Token![=]>()?;
                    condition = Some(input.parse().map_err(|err| {
                        syn::Error::new(err.span(), "expected the name of a condition")
                    })?);
                } else if input.peek(LitStr) && description.is_none() {
                    description = Some(input.parse()?);
                } else {
                    return Err(input.error(
                        "expected the output's description (a string), `export`, `export = name` or `condition = name`",
                    ));
                }
            }
            Kind::Output {
                name,
                expr,
                description,
                export,
                condition,
            }
        } else {
            return Err(syn::Error::new(
                lookahead.error().span(),
                EXPECTED_STATEMENT,
            ));
        };
        Ok(statement)
    }
}
