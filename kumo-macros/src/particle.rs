//! `#[particle]`: a function that builds resources in a scope becomes a reusable building block
//! with a builder of its defaulted arguments.

use heck::ToUpperCamelCase;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, FnArg, Ident, ItemFn, Pat, PatType, ReturnType, Type};

use crate::errors::Errors;

/// One argument of the particle after the scope.
struct Argument {
    ident: Ident,
    pattern: Pat,
    ty: Type,
    /// `None` for a required argument; its default otherwise.
    default: Option<DefaultValue>,
}

/// The default of an argument.
enum DefaultValue {
    /// `#[default]`: the type's `Default`.
    OfType(Span),
    /// `#[default(expr)]`.
    Value(Expr),
}

impl DefaultValue {
    fn tokens(&self, ty: &Type) -> TokenStream {
        match self {
            DefaultValue::OfType(span) => {
                quote_spanned!(*span=> <#ty as ::core::default::Default>::default())
            }
            DefaultValue::Value(expr) => {
                quote_spanned!(expr.span()=> ::core::convert::Into::into(#expr))
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            DefaultValue::OfType(_) => "its type's default".to_owned(),
            DefaultValue::Value(expr) => format!(
                "`{}`",
                expr.to_token_stream().to_string().replace(" :: ", "::")
            ),
        }
    }
}

/// Expands `#[particle]` on `item`; `args` are the attribute's own arguments (there are none).
pub fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    if !args.is_empty() {
        errors.push(syn::Error::new_spanned(
            &args,
            "#[particle] takes no arguments; mark defaulted arguments with #[default(...)]",
        ));
    }
    let function: ItemFn = syn::parse2(item)?;
    check_signature(&function, &mut errors);

    let mut inputs = function.sig.inputs.iter();
    let missing_scope = || {
        syn::Error::new(
            function.sig.paren_token.span.join(),
            "a particle's first argument is the scope it builds in: `scope: &mut kumo_core::Scope`",
        )
    };
    let scope = match inputs.next() {
        Some(FnArg::Typed(scope)) => Some(scope.clone()),
        Some(FnArg::Receiver(receiver)) => {
            errors.push(syn::Error::new_spanned(
                receiver,
                "a particle is a free function, not a method",
            ));
            None
        }
        None => {
            errors.push(missing_scope());
            None
        }
    };
    let arguments: Vec<Argument> = inputs
        .filter_map(|input| argument(input, &mut errors))
        .collect();
    let builder = builder_name(&function.sig.ident);
    if let Err(err) = &builder {
        errors.push(err.clone());
    }
    errors.finish()?;
    let scope = scope.ok_or_else(missing_scope)?;
    Ok(generate(&function, &scope, &arguments, &builder?))
}

/// The builder's name, `{Name}Particle` for the function `name`, if that is an identifier.
fn builder_name(name: &Ident) -> syn::Result<Ident> {
    let builder = format!("{}Particle", name.unraw().to_string().to_upper_camel_case());
    match syn::parse_str::<Ident>(&builder) {
        Ok(_) => Ok(Ident::new(&builder, name.span())),
        Err(_) => Err(syn::Error::new(
            name.span(),
            format!("a particle's builder is named after it (`{builder}`), so its name must start with a letter"),
        )),
    }
}

fn check_signature(function: &ItemFn, errors: &mut Errors) {
    let sig = &function.sig;
    if let Some(token) = &sig.asyncness {
        errors.push(syn::Error::new_spanned(
            token,
            "a particle cannot be async: it runs while the template is built",
        ));
    }
    if let Some(token) = &sig.constness {
        errors.push(syn::Error::new_spanned(token, "a particle cannot be const"));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "a particle cannot be generic: its arguments become the fields of its builder",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "a particle cannot be variadic",
        ));
    }
    if let syn::Safety::Unsafe(token) = &sig.safety {
        errors.push(syn::Error::new_spanned(
            token,
            "a particle cannot be unsafe: its builder's `add` calls it as a safe function",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "a particle cannot have an ABI: its builder's `add` calls it from Rust",
        ));
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        if let Type::ImplTrait(_) = ty.as_ref() {
            errors.push(syn::Error::new_spanned(
                ty,
                "a particle's return type is its builder's `Component::Output`, so it must be named: return a concrete type, not `impl Trait`",
            ));
        }
    }
}

fn argument(input: &FnArg, errors: &mut Errors) -> Option<Argument> {
    let FnArg::Typed(PatType { attrs, pat, ty, .. }) = input else {
        errors.push(syn::Error::new_spanned(
            input,
            "only the first argument of a particle is the scope",
        ));
        return None;
    };
    let Pat::Ident(binding) = pat.as_ref() else {
        errors.push(syn::Error::new_spanned(
            pat,
            "a particle argument needs a plain name: it becomes a builder method",
        ));
        return None;
    };
    if let Some(borrowed) = borrowed_part(ty) {
        errors.push(syn::Error::new_spanned(
            borrowed,
            "a particle argument is kept in the particle's builder, so it must be owned: use `String` instead of `&str`, `Vec<T>` instead of `&[T]`",
        ));
        return None;
    }
    let default = default_of(attrs, errors)?;
    if default.is_some() && binding.ident == "add" {
        errors.push(syn::Error::new_spanned(
            &binding.ident,
            "a defaulted argument becomes a builder method of its name, and `add` is the method that adds the particle to a scope: name the argument otherwise",
        ));
        return None;
    }
    let mut pattern = binding.clone();
    pattern.attrs.clear();
    Some(Argument {
        ident: binding.ident.clone(),
        pattern: Pat::Ident(pattern),
        ty: ty.as_ref().clone(),
        default,
    })
}

/// The `#[default(...)]` of an argument: `Some(None)` when absent, `None` after an error.
fn default_of(attrs: &[Attribute], errors: &mut Errors) -> Option<Option<DefaultValue>> {
    let mut default = None;
    for attr in attrs {
        if !attr.path().is_ident("default") {
            errors.push(syn::Error::new_spanned(
                attr,
                "the only attribute a particle argument takes is #[default] or #[default(value)]",
            ));
            return None;
        }
        if default.is_some() {
            errors.push(syn::Error::new_spanned(attr, "duplicate #[default]"));
            return None;
        }
        let expr = match &attr.meta {
            syn::Meta::Path(_) => DefaultValue::OfType(attr.span()),
            syn::Meta::List(list) => match list.parse_args::<Expr>() {
                Ok(expr) => DefaultValue::Value(expr),
                Err(err) => {
                    errors.push(syn::Error::new(
                        err.span(),
                        "expected the default value: #[default(expression)]",
                    ));
                    return None;
                }
            },
            syn::Meta::NameValue(_) => {
                errors.push(syn::Error::new_spanned(
                    attr,
                    "write the default in parentheses: #[default(value)]",
                ));
                return None;
            }
        };
        default = Some(expr);
    }
    Some(default)
}

/// The first reference, `impl Trait` or lifetime but `'static` inside `ty`, if any
/// (`Box<dyn Fn() + 'static>` is owned, `Box<dyn Fn() + 'a>` is not).
fn borrowed_part(ty: &Type) -> Option<&dyn ToTokens> {
    match ty {
        Type::Reference(_) | Type::ImplTrait(_) => Some(ty),
        Type::TraitObject(object) => object.bounds.iter().find_map(|bound| match bound {
            syn::TypeParamBound::Lifetime(lifetime) if lifetime.ident != "static" => {
                Some(lifetime as &dyn ToTokens)
            }
            _ => None,
        }),
        Type::Array(array) => borrowed_part(&array.elem),
        Type::Slice(slice) => borrowed_part(&slice.elem),
        Type::Paren(paren) => borrowed_part(&paren.elem),
        Type::Group(group) => borrowed_part(&group.elem),
        Type::Tuple(tuple) => tuple.elems.iter().find_map(borrowed_part),
        Type::Path(path) => path.path.segments.iter().find_map(|segment| {
            let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => borrowed_part(ty),
                syn::GenericArgument::Lifetime(lifetime) => Some(lifetime as &dyn ToTokens),
                _ => None,
            })
        }),
        _ => None,
    }
}

fn generate(
    function: &ItemFn,
    scope: &PatType,
    arguments: &[Argument],
    builder: &Ident,
) -> TokenStream {
    let vis = &function.vis;
    let name = &function.sig.ident;
    let output = match &function.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => ty.to_token_stream(),
    };
    let attrs_of = |name: &str| -> Vec<&Attribute> {
        function
            .attrs
            .iter()
            .filter(|attr| attr.path().is_ident(name))
            .collect()
    };
    // The documentation and a deprecation are the constructor's, which callers name; a
    // `#[must_use]` is `add`'s, which returns what the function returns.
    let docs = attrs_of("doc");
    let deprecated = attrs_of("deprecated");
    let must_use = attrs_of("must_use");
    let other_attrs = function.attrs.iter().filter(|attr| {
        !["doc", "deprecated", "must_use"]
            .iter()
            .any(|name| attr.path().is_ident(name))
    });
    let required: Vec<&Argument> = arguments.iter().filter(|a| a.default.is_none()).collect();
    let required_idents: Vec<&Ident> = required.iter().map(|a| &a.ident).collect();
    let required_types: Vec<&Type> = required.iter().map(|a| &a.ty).collect();
    let idents: Vec<&Ident> = arguments.iter().map(|a| &a.ident).collect();
    let types: Vec<&Type> = arguments.iter().map(|a| &a.ty).collect();
    let patterns: Vec<&Pat> = arguments.iter().map(|a| &a.pattern).collect();
    let initial = arguments.iter().map(|argument| {
        let ident = &argument.ident;
        match &argument.default {
            None => quote!(#ident: ::core::convert::Into::into(#ident)),
            Some(default) => {
                let value = default.tokens(&argument.ty);
                quote!(#ident: #value)
            }
        }
    });
    let setters = arguments.iter().filter_map(|argument| {
        let default = argument.default.as_ref()?;
        let ident = &argument.ident;
        let ty = &argument.ty;
        let doc = format!("Sets `{ident}` (default: {}).", default.describe());
        Some(quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: impl ::core::convert::Into<#ty>) -> Self {
                self.#ident = ::core::convert::Into::into(value);
                self
            }
        })
    });
    let builder_doc = format!(
        "The arguments of the [`{name}`] particle, set by its builder methods; \
         add it to a scope with [`{builder}::add`] or as a `let` of `stack!`."
    );
    let scope_pattern = &scope.pat;
    let scope_type = &scope.ty;
    let block = &function.block;
    let inner = Ident::new("__kumo_particle", Span::mixed_site());
    let scope_arg = Ident::new("scope", Span::mixed_site());
    let instance = Ident::new("instance", Span::mixed_site());
    quote! {
        #(#docs)*
        #[doc = ""]
        #[doc = "A particle: add what this returns to a scope under an instance name."]
        #(#deprecated)*
        #vis fn #name(#(#required_idents: impl ::core::convert::Into<#required_types>),*) -> #builder {
            #builder { #(#initial,)* }
        }

        #[doc = #builder_doc]
        #[must_use = "a particle adds nothing until it is added to a scope"]
        #[allow(missing_debug_implementations)]
        #vis struct #builder {
            #(#idents: #types,)*
        }

        impl #builder {
            #(#setters)*

            /// Adds the particle to `scope` as the instance `name`: the logical IDs, parameters
            /// and outputs it makes start with `name`.
            #(#must_use)*
            pub fn add(self, scope: &mut ::kumo_core::Scope, name: &str) -> #output {
                ::kumo_core::Component::add_to(self, scope, name)
            }
        }

        impl ::kumo_core::Component for #builder {
            type Output = #output;

            fn add_to(self, #scope_arg: &mut ::kumo_core::Scope, #instance: &str) -> #output {
                #(#other_attrs)*
                // The particle's arguments reach callers as builder methods, whatever their count.
                #[allow(clippy::too_many_arguments)]
                fn #inner(#scope_pattern: #scope_type, #(#patterns: #types),*) -> #output #block
                let #builder { #(#idents,)* } = self;
                #scope_arg.within(#instance, |#scope_arg| #inner(#scope_arg, #(#idents),*))
            }
        }
    }
}
