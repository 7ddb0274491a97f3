//! The builder shape of the small JSON objects of resource attributes ([`crate::policy`],
//! [`crate::cfn_init`]): declared once by the `object!` macro.

/// Declares a JSON object type built key by key: a struct over its properties, `new` with the
/// required keys, one setter per optional key, and its conversions into [`crate::Json`] and
/// [`crate::Value`].
macro_rules! object {
    (
        $(#[$doc:meta])*
        $name:ident() { $($body:tt)* }
    ) => {
        $crate::object::object! { $(#[$doc])* $name(,) { $($body)* } }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }
    };
    (
        $(#[$doc:meta])*
        $name:ident($($required:ident: $rcfn:literal: $rty:ty),* $(,)?) {
            $( $(#[$mdoc:meta])* $method:ident: $cfn:literal: $ty:ty; )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name($crate::typed::Properties);

        impl $name {
            /// A new one with its required keys; the methods set the others.
            pub fn new($($required: impl $crate::IntoValue<$rty>),*) -> Self {
                #[allow(unused_mut)]
                let mut properties = $crate::typed::Properties::new();
                $(properties.insert($rcfn.to_owned(), $required.into_value().into_json());)*
                $name(properties)
            }

            $(
                $(#[$mdoc])*
                pub fn $method(mut self, value: impl $crate::IntoValue<$ty>) -> Self {
                    self.0.insert($cfn.to_owned(), value.into_value().into_json());
                    self
                }
            )*
        }

        impl $crate::PropertyType for $name {
            fn into_json(self) -> $crate::Json {
                $crate::Json::Object(self.0)
            }
        }

        impl From<$name> for $crate::Json {
            fn from(value: $name) -> Self {
                $crate::Json::Object(value.0)
            }
        }
    };
}

pub(crate) use object;
