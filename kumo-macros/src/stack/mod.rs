//! `stack!`: a stack's parameters, components, conditions and outputs, checked by name and by type
//! at compile time, expanded to a type that implements `kumo_core::Stack`.

mod check;
mod parse;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Ident, LitStr};

use crate::errors::Errors;
use parse::{StackDef, Statement};

/// Expands a `stack!` invocation.
pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let def: StackDef = syn::parse2(input)?;
    let mut errors = Errors::default();
    check::names(&def.statements, &mut errors);
    errors.finish()?;
    Ok(generate(&def))
}

fn generate(def: &StackDef) -> TokenStream {
    let StackDef {
        attrs,
        vis,
        name,
        service,
        description,
        tags,
        depends_on,
        statements,
    } = def;
    let scope = Ident::new("__kumo_scope", Span::mixed_site());
    let environment = Ident::new("__kumo_environment", Span::mixed_site());
    let description = description
        .clone()
        .or_else(|| doc_text(attrs).map(|text| LitStr::new(&text, name.span())));
    let describe = description.map(|d| quote!(#scope.describe(#d);));
    let tags = tags
        .iter()
        .map(|(key, value)| quote_spanned!(value.span()=> #scope.tag(#key, #value);));
    let depends_on = depends_on.iter().map(|stack| {
        quote_spanned!(stack.span()=> #scope.depends_on_stack(::kumo_core::Stack::name(&#stack));)
    });
    let outputs = statements.iter().filter_map(|s| match s {
        Statement::Output {
            name, description, ..
        } => {
            let id = name.unraw().to_string();
            let constant = Ident::new(&id.to_uppercase(), name.span());
            let doc = format!(
                "The output `{id}`{}, for other stacks' `import`.",
                description
                    .as_ref()
                    .map(|d| format!(" ({})", d.value().trim_end_matches('.')))
                    .unwrap_or_default()
            );
            Some(quote! {
                #[doc = #doc]
                pub const #constant: ::kumo_core::StackOutput =
                    ::kumo_core::StackOutput::new(#service, #id);
            })
        }
        _ => None,
    });
    let statements = statements.iter().map(|s| statement(s, &scope));
    quote! {
        #(#attrs)*
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #name;

        impl #name {
            #(#outputs)*

            /// Builds the stack in a scope: the template, and the permissions its particles
            /// declare (`scope.permissions()`).
            #[allow(unused_variables)]
            pub fn build(&self, #environment: &::kumo_core::Environment) -> ::kumo_core::Scope {
                let mut #scope = ::kumo_core::Scope::new(#service, #environment);
                #describe
                #(#tags)*
                #(#depends_on)*
                #(#statements)*
                #scope
            }
        }

        impl ::kumo_core::Stack for #name {
            fn name(&self) -> &str {
                #service
            }

            fn template(
                &self,
                environment: &::kumo_core::Environment,
            ) -> ::core::result::Result<::kumo_core::Template, ::kumo_core::StackError> {
                self.build(environment).finish()
            }
        }
    }
}

fn statement(statement: &Statement, scope: &Ident) -> TokenStream {
    match statement {
        Statement::Param {
            name,
            ty,
            default,
            description,
        } => {
            let id = name.unraw().to_string();
            let default = default
                .as_ref()
                .map(|d| quote_spanned!(d.span()=> .default_value(#d)));
            let description = description.as_ref().map(|d| quote!(.description(#d)));
            quote_spanned! {ty.span()=>
                let #name: ::kumo_core::Value<#ty> = #scope.parameter::<#ty>(
                    #id,
                    <#ty as ::kumo_core::scope::ParameterKind>::parameter() #default #description,
                );
            }
        }
        Statement::Let {
            name,
            expr,
            protected,
        } => {
            let id = name.unraw().to_string();
            let protect = protected.then(|| quote!(#scope.protect(#id);));
            quote_spanned! {expr.span()=>
                let #name = ::kumo_core::Component::add_to(#expr, &mut #scope, #id);
                #protect
            }
        }
        Statement::Import {
            name,
            expr,
            parameter,
        } => {
            let id = name.unraw().to_string();
            if *parameter {
                quote_spanned! {expr.span()=>
                    let #name: ::kumo_core::Value<::std::string::String> =
                        #scope.import_parameter(#id, &#expr);
                }
            } else {
                quote_spanned! {expr.span()=>
                    let #name: ::kumo_core::Value<::std::string::String> = #scope.import(&#expr);
                }
            }
        }
        Statement::Condition { name, expr } => {
            let id = name.unraw().to_string();
            quote_spanned! {expr.span()=>
                let #name: ::std::string::String = #scope.condition(#id, #expr);
            }
        }
        Statement::Output {
            name,
            expr,
            description,
            export,
        } => {
            let id = name.unraw().to_string();
            let description = description.as_ref().map(|d| quote!(.description(#d)));
            let value = quote_spanned!(expr.span()=> ::kumo_core::Output::new(#expr));
            if *export {
                quote!(#scope.exported_output(#id, #value #description);)
            } else {
                quote!(#scope.output(#id, #value #description);)
            }
        }
    }
}

/// The text of the doc comments, lines joined by spaces.
fn doc_text(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .filter(|line| !line.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join(" "))
}
