//! The outer attributes of `stack!` statements (`#[logical_id("MainDB")]`, `#[no_echo]`, ...):
//! each known attribute, the statements it applies to and the shape of its argument, read into
//! [`Attrs`]. Every misuse (an unknown attribute, one on the wrong statement, a wrong argument,
//! one given twice) is an error on the attribute, and all of them are reported together.

use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Ident, Lit, LitInt, LitStr, Token};

use crate::errors::Errors;

/// The statement an attribute is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Param,
    Let,
    Import,
    Nested,
    Condition,
    Mapping,
    Output,
    Rule,
}

/// A known attribute, with its argument.
pub enum Attr {
    /// `#[logical_id("Id")]`: the logical ID instead of the one derived from the name.
    LogicalId(LitStr),
    /// `#[r#type("AWS::EC2::VPC::Id")]`: the parameter's CloudFormation type.
    Type(LitStr),
    /// `#[no_echo]`: the parameter's value is masked.
    NoEcho,
    /// `#[allowed_values("a", "b")]`
    AllowedValues(Vec<Lit>),
    /// `#[allowed_pattern("[a-z]+")]`
    AllowedPattern(LitStr),
    /// `#[constraint_description("...")]`
    ConstraintDescription(LitStr),
    /// `#[min_length(1)]`
    MinLength(LitInt),
    /// `#[max_length(9)]`
    MaxLength(LitInt),
    /// `#[min_value(1)]`
    MinValue(LitInt),
    /// `#[max_value(9)]`
    MaxValue(LitInt),
    /// `#[logical_ids(role = "Id", "worker/role" = "Id")]`: the logical IDs of what a particle
    /// adds, by the path of roles under the instance.
    LogicalIds(Vec<KeptId>),
    /// `#[tags(none)]`, `#[tags("team" = value)]`: a resource's own tags.
    Tags(Tags),
}

/// One `role = "Id"` of `#[logical_ids]`.
pub struct KeptId {
    /// The roles from the particle instance to the resource, as the particle names them.
    pub roles: Vec<String>,
    /// The role as written, for errors.
    pub span: proc_macro2::Span,
    /// The logical ID.
    pub id: LitStr,
}

impl Parse for KeptId {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (roles, span) = if input.peek(LitStr) {
            let role: LitStr = input.parse()?;
            let roles = role.value().split('/').map(str::to_owned).collect();
            (roles, role.span())
        } else {
            let role = Ident::parse_any(input)?;
            (vec![role.unraw().to_string()], role.span())
        };
        input.parse::<Token![=]>()?;
        Ok(KeptId {
            roles,
            span,
            id: input.parse()?,
        })
    }
}

/// The argument of `#[tags(...)]`: `none` (no default tags) and `"key" = value` pairs.
pub struct Tags {
    /// Whether `none` is given.
    pub none: bool,
    /// The extra tags.
    pub pairs: Vec<(LitStr, Expr)>,
}

impl Parse for Tags {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut tags = Tags {
            none: false,
            pairs: Vec::new(),
        };
        if input.is_empty() {
            return Err(input.error("no tag"));
        }
        while !input.is_empty() {
            if input.peek(Ident) && !tags.none {
                let word: Ident = input.parse()?;
                if word != "none" {
                    return Err(syn::Error::new(word.span(), "not `none` or a tag"));
                }
                tags.none = true;
            } else {
                let key: LitStr = input.parse()?;
                input.parse::<Token![=]>()?;
                tags.pairs.push((key, input.parse()?));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(tags)
    }
}

/// What the grammar knows of one attribute.
struct Spec {
    name: &'static str,
    on: &'static [Target],
    /// The argument it takes, with an example, for error messages.
    takes: &'static str,
    parse: fn(&Attribute) -> syn::Result<Attr>,
}

const NAMED: &[Target] = &[
    Target::Param,
    Target::Let,
    Target::Nested,
    Target::Condition,
    Target::Mapping,
    Target::Output,
    Target::Rule,
];
const PARAM: &[Target] = &[Target::Param];
const LET: &[Target] = &[Target::Let];

const SPECS: &[Spec] = &[
    Spec {
        name: "logical_id",
        on: NAMED,
        takes: "a logical ID: `#[logical_id(\"MyId\")]`",
        parse: |a| a.parse_args().map(Attr::LogicalId),
    },
    Spec {
        name: "type",
        on: PARAM,
        takes: "a CloudFormation parameter type: `#[r#type(\"AWS::EC2::VPC::Id\")]`",
        parse: |a| a.parse_args().map(Attr::Type),
    },
    Spec {
        name: "logical_ids",
        on: LET,
        takes: "the logical IDs of a particle's resources by role: `#[logical_ids(bucket = \"IngestBucket\")]`",
        parse: |a| {
            let ids = a.parse_args_with(Punctuated::<KeptId, Token![,]>::parse_terminated)?;
            if ids.is_empty() {
                return Err(syn::Error::new(a.span(), "no logical ID"));
            }
            Ok(Attr::LogicalIds(ids.into_iter().collect()))
        },
    },
    Spec {
        name: "tags",
        on: LET,
        takes: "`none` or tags: `#[tags(none)]`, `#[tags(\"team\" = \"data\")]`",
        parse: |a| a.parse_args().map(Attr::Tags),
    },
    Spec {
        name: "no_echo",
        on: PARAM,
        takes: "no argument: `#[no_echo]`",
        parse: |a| a.meta.require_path_only().map(|_| Attr::NoEcho),
    },
    Spec {
        name: "allowed_values",
        on: PARAM,
        takes: "strings or numbers: `#[allowed_values(\"a\", \"b\")]`",
        parse: |a| {
            let values = a.parse_args_with(Punctuated::<Lit, Token![,]>::parse_terminated)?;
            match values
                .iter()
                .find(|v| !matches!(v, Lit::Str(_) | Lit::Int(_) | Lit::Float(_)))
            {
                Some(bad) => Err(syn::Error::new(bad.span(), "not a string or number")),
                None if values.is_empty() => Err(syn::Error::new(a.span(), "no value")),
                None => Ok(Attr::AllowedValues(values.into_iter().collect())),
            }
        },
    },
    Spec {
        name: "allowed_pattern",
        on: PARAM,
        takes: "a regular expression: `#[allowed_pattern(\"[a-z]+\")]`",
        parse: |a| a.parse_args().map(Attr::AllowedPattern),
    },
    Spec {
        name: "constraint_description",
        on: PARAM,
        takes: "a string: `#[constraint_description(\"lowercase letters\")]`",
        parse: |a| a.parse_args().map(Attr::ConstraintDescription),
    },
    Spec {
        name: "min_length",
        on: PARAM,
        takes: "a whole number: `#[min_length(1)]`",
        parse: |a| unsigned(a).map(Attr::MinLength),
    },
    Spec {
        name: "max_length",
        on: PARAM,
        takes: "a whole number: `#[max_length(64)]`",
        parse: |a| unsigned(a).map(Attr::MaxLength),
    },
    Spec {
        name: "min_value",
        on: PARAM,
        takes: "a whole number: `#[min_value(1)]`",
        parse: |a| a.parse_args().map(Attr::MinValue),
    },
    Spec {
        name: "max_value",
        on: PARAM,
        takes: "a whole number: `#[max_value(9)]`",
        parse: |a| a.parse_args().map(Attr::MaxValue),
    },
];

/// The integer argument of `attribute`, which must fit a `u32`.
fn unsigned(attribute: &Attribute) -> syn::Result<LitInt> {
    let lit: LitInt = attribute.parse_args()?;
    lit.base10_parse::<u32>()?;
    Ok(lit)
}

impl Target {
    /// The statement's keyword, as error messages name it.
    pub fn keyword(self) -> &'static str {
        match self {
            Target::Param => "param",
            Target::Let => "let",
            Target::Import => "import",
            Target::Nested => "nested",
            Target::Condition => "condition",
            Target::Mapping => "mapping",
            Target::Output => "output",
            Target::Rule => "rule",
        }
    }
}

/// The attributes of one statement, each given at most once, in the order written.
#[derive(Default)]
pub struct Attrs(Vec<(Ident, Attr)>);

impl Attrs {
    /// Reads the attributes of a statement of `target`; every misuse is pushed to `errors` and
    /// the attribute left out.
    pub fn read(attributes: &[Attribute], target: Target, errors: &mut Errors) -> Attrs {
        let mut read: Vec<(Ident, Attr)> = Vec::new();
        for attribute in attributes {
            let Some(ident) = attribute.path().get_ident() else {
                errors.push(syn::Error::new(
                    attribute.path().span(),
                    "unknown attribute; `stack!` statements take attributes such as `#[logical_id(\"MyId\")]`",
                ));
                continue;
            };
            let name = syn::ext::IdentExt::unraw(ident).to_string();
            if name == "doc" {
                errors.push(syn::Error::new(
                    attribute.span(),
                    "doc comments do not go on `stack!` statements; give a description after the value: `, \"...\"`",
                ));
                continue;
            }
            let Some(spec) = SPECS.iter().find(|spec| spec.name == name) else {
                let known: Vec<String> = SPECS
                    .iter()
                    .filter(|spec| spec.on.contains(&target))
                    .map(|spec| format!("`{}`", display_name(spec.name)))
                    .collect();
                let expected = if known.is_empty() {
                    format!("`{}` takes no attributes", target.keyword())
                } else {
                    format!("`{}` takes {}", target.keyword(), known.join(", "))
                };
                errors.push(syn::Error::new(
                    ident.span(),
                    format!("unknown attribute `{name}`; {expected}"),
                ));
                continue;
            };
            if !spec.on.contains(&target) {
                let on: Vec<String> = spec
                    .on
                    .iter()
                    .map(|t| format!("`{}`", t.keyword()))
                    .collect();
                errors.push(syn::Error::new(
                    ident.span(),
                    format!(
                        "`{}` goes on {}, not on `{}`",
                        display_name(spec.name),
                        on.join(", "),
                        target.keyword()
                    ),
                ));
                continue;
            }
            if let Some((first, _)) = read.iter().find(|(seen, _)| seen.unraw() == name) {
                let mut error = syn::Error::new(
                    ident.span(),
                    format!("`{}` is given twice", display_name(spec.name)),
                );
                error.combine(syn::Error::new(first.span(), "first given here"));
                errors.push(error);
                continue;
            }
            match (spec.parse)(attribute) {
                Ok(Attr::Tags(tags)) => match super::parse::keys_once(&tags.pairs, "tag") {
                    Ok(()) => read.push((ident.clone(), Attr::Tags(tags))),
                    Err(err) => errors.push(err),
                },
                Ok(attr) => read.push((ident.clone(), attr)),
                Err(err) => errors.push(syn::Error::new(
                    err.span(),
                    format!("`{}` takes {}", display_name(spec.name), spec.takes),
                )),
            }
        }
        Attrs(read)
    }

    /// The attributes read, each with the identifier that named it.
    pub fn iter(&self) -> impl Iterator<Item = &(Ident, Attr)> {
        self.0.iter()
    }

    /// The explicit logical ID, if `#[logical_id]` is given.
    pub fn logical_id(&self) -> Option<&LitStr> {
        self.0.iter().find_map(|(_, attr)| match attr {
            Attr::LogicalId(id) => Some(id),
            _ => None,
        })
    }

    /// The logical IDs of a particle's resources, if `#[logical_ids]` is given.
    pub fn logical_ids(&self) -> &[KeptId] {
        self.0
            .iter()
            .find_map(|(_, attr)| match attr {
                Attr::LogicalIds(ids) => Some(ids.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The resource's own tags, if `#[tags]` is given.
    pub fn tags(&self) -> Option<&Tags> {
        self.0.iter().find_map(|(_, attr)| match attr {
            Attr::Tags(tags) => Some(tags),
            _ => None,
        })
    }

    /// The CloudFormation type, if `#[r#type]` is given.
    pub fn parameter_type(&self) -> Option<&LitStr> {
        self.0.iter().find_map(|(_, attr)| match attr {
            Attr::Type(ty) => Some(ty),
            _ => None,
        })
    }
}

/// How an attribute's name is written (`type` is a keyword: `r#type`).
fn display_name(name: &str) -> String {
    if name == "type" {
        "r#type".to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(source: &str, target: Target) -> Result<Vec<String>, String> {
        let item: syn::ItemStruct = syn::parse_str(&format!("{source}\nstruct S;")).unwrap();
        let mut errors = Errors::default();
        let attrs = Attrs::read(&item.attrs, target, &mut errors);
        match errors.finish() {
            Ok(()) => Ok(attrs.iter().map(|(name, _)| name.to_string()).collect()),
            Err(err) => Err(err
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")),
        }
    }

    #[test]
    fn reads_every_parameter_attribute() {
        let source = r#"#[logical_id("DBPassword")] #[r#type("String")] #[no_echo]
            #[allowed_values("a", 1, 2.5)] #[allowed_pattern("[a-z]+")]
            #[constraint_description("letters")] #[min_length(1)] #[max_length(9)]
            #[min_value(-1)] #[max_value(9)]"#;
        assert_eq!(read(source, Target::Param).unwrap().len(), 10);
    }

    #[test]
    fn reports_every_misuse_together() {
        let errors = read(
            r#"#[nope] #[no_echo] #[logical_id(1)] #[min_length("1")] #[no_echo(1)] #[a::b]
               #[min_length(-1)] #[allowed_values()] #[allowed_values(true)]"#,
            Target::Output,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            "unknown attribute `nope`; `output` takes `logical_id`\n\
             `no_echo` goes on `param`, not on `output`\n\
             `logical_id` takes a logical ID: `#[logical_id(\"MyId\")]`\n\
             `min_length` goes on `param`, not on `output`\n\
             `no_echo` goes on `param`, not on `output`\n\
             unknown attribute; `stack!` statements take attributes such as `#[logical_id(\"MyId\")]`\n\
             `min_length` goes on `param`, not on `output`\n\
             `allowed_values` goes on `param`, not on `output`\n\
             `allowed_values` goes on `param`, not on `output`"
        );
        let errors = read(
            r#"#[min_length("1")] #[no_echo(1)] #[min_length(-1)] #[allowed_values()]
               #[allowed_values(true)] #[r#type] #[no_echo] #[no_echo]"#,
            Target::Param,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            "`min_length` takes a whole number: `#[min_length(1)]`\n\
             `no_echo` takes no argument: `#[no_echo]`\n\
             `min_length` takes a whole number: `#[min_length(1)]`\n\
             `allowed_values` takes strings or numbers: `#[allowed_values(\"a\", \"b\")]`\n\
             `allowed_values` takes strings or numbers: `#[allowed_values(\"a\", \"b\")]`\n\
             `r#type` takes a CloudFormation parameter type: `#[r#type(\"AWS::EC2::VPC::Id\")]`\n\
             `no_echo` is given twice\n\
             first given here"
        );
    }

    #[test]
    fn statements_without_attributes_say_so() {
        assert_eq!(
            read("#[no_echo]", Target::Import).unwrap_err(),
            "`no_echo` goes on `param`, not on `import`"
        );
        assert_eq!(
            read("#[other]", Target::Import).unwrap_err(),
            "unknown attribute `other`; `import` takes no attributes"
        );
        assert!(read("/// Docs.", Target::Param)
            .unwrap_err()
            .starts_with("doc comments do not go"));
    }
}
