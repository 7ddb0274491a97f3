//! `stack!`: a stack's parameters, components, conditions and outputs, checked by name and by type
//! at compile time, expanded to a type that implements `kumo_core::Stack`.

mod attr;
mod check;
mod ids;
mod param;
mod param_type;
mod parse;
mod uses;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Ident, LitStr};

use crate::errors::Errors;
use attr::Attrs;
use parse::{Export, Kind, MappingValue, StackDef, Statement};

/// Expands a `stack!` invocation.
pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let def: StackDef = syn::parse2(input)?;
    let mut errors = Errors::default();
    check::names(&def.statements, &mut errors);
    check::nested_in_itself(&def.name, &def.statements, &mut errors);
    let attrs: Vec<Attrs> = def
        .statements
        .iter()
        .map(|s| Attrs::read(&s.attrs, s.target(), &mut errors))
        .collect();
    ids::duplicates(&def.statements, &attrs, &mut errors);
    let statements: Vec<TokenStream> = def
        .statements
        .iter()
        .zip(&attrs)
        .map(|(s, attrs)| statement(s, attrs, &mut errors))
        .collect();
    let nested_parameters: Vec<TokenStream> = def
        .statements
        .iter()
        .zip(&attrs)
        .filter_map(|(s, attrs)| nested_parameter(s, attrs))
        .collect();
    errors.finish()?;
    Ok(generate(&def, &statements, &nested_parameters))
}

/// For a `param`, the function of the stack's parameters type (`NetworkParameters`) that another
/// stack's `nested` statement calls to give it a value: typed like the parameter, so that a value
/// of the wrong type or a parameter the stack lacks does not compile.
fn nested_parameter(statement: &Statement, attrs: &Attrs) -> Option<TokenStream> {
    let Kind::Param { name, ty, .. } = &statement.kind else {
        return None;
    };
    let id = name.unraw().to_string();
    let logical_id = match attrs.logical_id() {
        Some(explicit) => quote!(::core::option::Option::Some(#explicit)),
        None => quote!(::core::option::Option::None),
    };
    let doc = format!("The value of the parameter `{id}` when the stack is nested in another.");
    Some(quote! {
        #[doc = #doc]
        pub fn #name<V>(value: V) -> ::kumo_core::nested::NestedParameter
        where
            V: ::kumo_core::IntoValue<#ty>,
            (::core::marker::PhantomData<#ty>, V): ::kumo_core::nested::ParameterValue,
        {
            ::kumo_core::nested::ParameterValue::nested(
                (::core::marker::PhantomData, value),
                #id,
                #logical_id,
            )
        }
    })
}

fn generate(
    def: &StackDef,
    statements: &[TokenStream],
    nested_parameters: &[TokenStream],
) -> TokenStream {
    let StackDef {
        attrs,
        vis,
        name,
        service,
        description,
        tags,
        depends_on,
        transforms,
        metadata,
        default_tags,
        stack_name,
        statements: declared,
    } = def;
    let scope = scope();
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
    let transforms = transforms
        .iter()
        .map(|name| quote!(#scope.template_mut().add_transform(#name);));
    let metadata = metadata.iter().map(|(key, value)| {
        quote_spanned!(value.span()=>
            #scope.template_mut().set_metadata(#key, ::core::convert::Into::<::kumo_core::Json>::into(#value));)
    });
    let default_tags = default_tags
        .as_ref()
        .map(|on| quote_spanned!(on.span()=> #scope.set_default_tags(#on);));
    let stack_name = stack_name.as_ref().map(|name| {
        quote! {
            fn stack_name(&self) -> ::core::option::Option<&str> {
                ::core::option::Option::Some(#name)
            }
        }
    });
    let parameters_type = format_ident!("{}Parameters", name.unraw(), span = name.span());
    // A `#[cfg]` on the stack is on everything it expands to, not only its struct.
    let cfgs: Vec<_> = attrs.iter().filter(|a| a.path().is_ident("cfg")).collect();
    let parameters_doc = format!(
        "The parameters of [`{name}`], given values when it is nested in another stack \
         (`nested net = {name} {{ param: value }}`)."
    );
    let outputs = declared.iter().filter_map(|s| match &s.kind {
        Kind::Output {
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
    quote! {
        #(#attrs)*
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #name;

        #(#cfgs)*
        #[doc = #parameters_doc]
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #parameters_type;

        #(#cfgs)*
        impl #parameters_type {
            #(#nested_parameters)*
        }

        #(#cfgs)*
        impl ::kumo_core::nested::Nestable for #name {
            type Parameters = #parameters_type;
        }

        #(#cfgs)*
        impl #name {
            #(#outputs)*

            /// Builds the stack in a scope: the template, and the permissions its particles
            /// declare (`scope.permissions()`).
            #[allow(unused_variables)]
            pub fn build(&self, #environment: &::kumo_core::Environment) -> ::kumo_core::Scope {
                let mut #scope = ::kumo_core::Scope::new(#service, #environment);
                #describe
                #default_tags
                #(#tags)*
                #(#depends_on)*
                #(#transforms)*
                #(#metadata)*
                #(#statements)*
                #scope
            }
        }

        #(#cfgs)*
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

            #stack_name
        }
    }
}

/// The identifier of the scope in the generated `build`.
fn scope() -> Ident {
    Ident::new("__kumo_scope", Span::mixed_site())
}

/// The code of one statement; mistakes only its expansion finds are pushed to `errors`.
fn statement(statement: &Statement, attrs: &Attrs, errors: &mut Errors) -> TokenStream {
    let scope = scope();
    let id = statement.name().unraw().to_string();
    let logical_id = attrs
        .logical_id()
        .map(|explicit| quote!(#scope.override_logical_id(&[#id], #explicit);));
    let code = match &statement.kind {
        Kind::Param {
            name,
            ty,
            default,
            description,
        } => {
            let parameter = param::parameter(ty, attrs, errors);
            // Typed when the parameter's type is one a parameter can have; another type is
            // an error of its own, which a second one about its default would only repeat.
            let default = default
                .as_ref()
                .map(|d| match param_type::Shape::of_rust_type(ty) {
                    Some(_) => quote_spanned!(d.span()=> .default_value(
                        ::kumo_core::scope::ParameterDefault::<#ty>::default_text(#d)
                    )),
                    None => quote_spanned!(d.span()=> .default_value(#d)),
                });
            let description = description.as_ref().map(|d| quote!(.description(#d)));
            quote_spanned! {ty.span()=>
                let #name: ::kumo_core::Value<#ty> =
                    #scope.parameter::<#ty>(#id, #parameter #default #description);
            }
        }
        Kind::Let {
            name,
            expr,
            protected,
        } => {
            let protect = protected.then(|| quote!(#scope.protect(#id);));
            let kept = attrs.logical_ids().iter().map(|kept| {
                let roles = &kept.roles;
                let explicit = &kept.id;
                quote_spanned!(kept.span=> #scope.override_logical_id(&[#id, #(#roles),*], #explicit);)
            });
            // `#[logical_id]` takes one typed resource: a particle is a compile error.
            let add = if attrs.logical_id().is_some() {
                quote_spanned!(expr.span()=> ::kumo_core::scope::OneResource::add_one)
            } else {
                quote_spanned!(expr.span()=> ::kumo_core::Component::add_to)
            };
            let component = Ident::new(
                "__kumo_component",
                Span::mixed_site().located_at(expr.span()),
            );
            let added = match attrs.tags() {
                Some(tags) => {
                    let base = if tags.none {
                        quote!(::kumo_core::scope::ResourceTags::none())
                    } else {
                        quote!(::kumo_core::scope::ResourceTags::default())
                    };
                    let pairs = tags
                        .pairs
                        .iter()
                        .map(|(key, value)| quote_spanned!(value.span()=> .tag(#key, #value)));
                    quote! {
                        #scope.with_tags(#base #(#pairs)*, |#scope| #add(#component, #scope, #id))
                    }
                }
                None => quote!(#add(#component, &mut #scope, #id)),
            };
            quote_spanned! {expr.span()=>
                #(#kept)*
                let #component = #expr;
                let #name = #added;
                #protect
            }
        }
        Kind::Import {
            name,
            expr,
            parameter,
        } => {
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
        Kind::Nested {
            name,
            stack,
            parameters,
            protected,
        } => {
            let protect = protected.then(|| quote!(#scope.protect(#id);));
            let parameters = parameters.iter().map(|(parameter, value)| {
                quote_spanned!(parameter.span()=>
                    <<#stack as ::kumo_core::nested::Nestable>::Parameters>::#parameter(#value))
            });
            quote_spanned! {stack.span()=>
                let #name: ::kumo_core::nested::NestedStack =
                    #scope.nested(#id, &#stack, ::std::vec![#(#parameters),*]);
                #protect
            }
        }
        Kind::Condition { name, expr } => {
            quote_spanned! {expr.span()=>
                let #name: ::std::string::String = #scope.condition(#id, #expr);
            }
        }
        Kind::Mapping { name, entries } => {
            let entries = entries.iter().map(|(key, values)| {
                let values = values.iter().map(|(key, value)| {
                    let value = mapping_value(value);
                    quote!((::std::string::String::from(#key), #value))
                });
                quote! {
                    (
                        ::std::string::String::from(#key),
                        ::std::collections::BTreeMap::from([#(#values),*]),
                    )
                }
            });
            quote! {
                let #name: ::kumo_core::scope::MappingRef =
                    #scope.mapping(#id, ::kumo_core::Mapping::from([#(#entries),*]));
            }
        }
        Kind::Output {
            expr,
            description,
            export,
            condition,
            ..
        } => {
            let description = description.as_ref().map(|d| quote!(.description(#d)));
            let condition = condition.as_ref().map(|c| quote!(.condition(&#c)));
            let named = match export {
                Some(Export::Named(name)) => Some(quote_spanned!(name.span()=> .export(#name))),
                _ => None,
            };
            let value = quote_spanned!(expr.span()=> ::kumo_core::Output::new(#expr));
            let add = if matches!(export, Some(Export::Default)) {
                quote!(exported_output)
            } else {
                quote!(output)
            };
            quote!(#scope.#add(#id, #value #description #named #condition);)
        }
        Kind::Rule { expr, .. } => quote_spanned!(expr.span()=> #scope.rule(#id, #expr);),
    };
    quote!(#logical_id #code)
}

/// A mapping value as a `kumo_core::Json`.
fn mapping_value(value: &MappingValue) -> TokenStream {
    match value {
        MappingValue::Lit(lit) => quote_spanned!(lit.span()=> ::kumo_core::Json::from(#lit)),
        MappingValue::List(items) => {
            let items = items
                .iter()
                .map(|lit| quote_spanned!(lit.span()=> ::kumo_core::Json::from(#lit)));
            quote!(::kumo_core::Json::Array(::std::vec![#(#items),*]))
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
