//! Custom resources: `Custom::Name` (or `AWS::CloudFormation::CustomResource`) backed by a
//! Lambda function or an SNS topic, with `ServiceToken` and properties of the provider's choosing.
//!
//! A [`CustomResource`] is a typed resource like the generated ones: `Scope::add`, `stack!`'s
//! `let` and [`crate::Template::add`] take it, and its handle reads any attribute the provider
//! returns with [`Handle::get_att`].
//!
//! ```
//! use kumo_core::custom::CustomResource;
//! use kumo_core::intrinsic::reference;
//! use kumo_core::typed::Handle;
//! use kumo_core::{Template, Value};
//!
//! let mut template = Template::new();
//! let lookup: Handle<CustomResource> = template.add(
//!     "AmiLookup",
//!     CustomResource::new("Custom::AmiLookup", reference("LookupFunctionArn"))
//!         .property("Architecture", "x86_64")
//!         .property("Count", 2),
//! )?;
//! let image: Value<String> = lookup.get_att("ImageId");
//! let resource = &template.resources()["AmiLookup"];
//! assert_eq!(resource.type_name(), "Custom::AmiLookup");
//! assert_eq!(resource.properties()["ServiceToken"], serde_json::json!({"Ref": "LookupFunctionArn"}));
//! assert_eq!(image.into_json(), serde_json::json!({"Fn::GetAtt": ["AmiLookup", "ImageId"]}));
//! # Ok::<(), kumo_core::TemplateError>(())
//! ```

#[cfg(doc)]
use crate::typed::Handle;
use crate::typed::{PropertyNames, ResourceType, Tagging};
use crate::value::{IntoValue, Json};
use crate::Resource;

/// The generic type name of a custom resource; `Custom::Name` types are its named forms.
pub const CUSTOM_RESOURCE: &str = "AWS::CloudFormation::CustomResource";

/// Whether `type_name` is a custom resource's: [`CUSTOM_RESOURCE`] or a `Custom::Name`, whose
/// properties go to its provider, whatever they are.
///
/// ```
/// use kumo_core::custom::is_custom;
///
/// assert!(is_custom("Custom::AmiLookup") && is_custom("AWS::CloudFormation::CustomResource"));
/// assert!(!is_custom("AWS::SQS::Queue"));
/// ```
pub fn is_custom(type_name: &str) -> bool {
    type_name.starts_with("Custom::") || type_name == CUSTOM_RESOURCE
}

/// A custom resource of a type given at run time: see the [module documentation](self).
///
/// Its [`ResourceType::TYPE_NAME`] is the generic [`CUSTOM_RESOURCE`]; the type it is declared
/// with (`Custom::AmiLookup`) is [`ResourceType::type_name`].
#[derive(Debug, Clone, PartialEq)]
pub struct CustomResource(Resource);

impl CustomResource {
    /// A custom resource of `type_name` (`Custom::Name`, or [`CUSTOM_RESOURCE`]) whose provider
    /// is the Lambda function or SNS topic at `service_token` (an ARN).
    pub fn new(type_name: &str, service_token: impl IntoValue<String>) -> Self {
        CustomResource(
            Resource::new(type_name)
                .property("ServiceToken", service_token.into_value().into_json()),
        )
    }

    /// Sets a property the provider reads: a literal, a [`crate::Value`] of any type, or JSON.
    pub fn property(mut self, name: &str, value: impl Into<Json>) -> Self {
        self.0.set_property(name, value.into());
        self
    }
}

impl ResourceType for CustomResource {
    const TYPE_NAME: &'static str = CUSTOM_RESOURCE;
    const TAGGING: Tagging = Tagging::None;
    const REPLACED_ON_CHANGE: &'static [&'static str] = &[];
    const PRIMARY_IDENTIFIER: &'static [&'static str] = &[];
    const PROPERTY_NAMES: PropertyNames = PropertyNames {
        all: &["ServiceTimeout", "ServiceToken"],
        required: &["ServiceToken"],
        open: true,
    };

    fn resource(&self) -> &Resource {
        &self.0
    }

    fn resource_mut(&mut self) -> &mut Resource {
        &mut self.0
    }

    fn into_resource(self) -> Resource {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::intrinsic::get_att;
    use crate::typed::Attributes;

    #[test]
    fn a_custom_resource_is_its_type_token_and_properties() {
        let resource = CustomResource::new("Custom::Seed", get_att::<String>("Seeder", "Arn"))
            .property("Table", json!({"Ref": "Table"}))
            .property("Rows", 10)
            .depends_on("Table");
        assert_eq!(resource.type_name(), "Custom::Seed");
        assert_eq!(CustomResource::TYPE_NAME, CUSTOM_RESOURCE);
        assert_eq!(
            serde_json::to_value(resource.into_resource()).unwrap(),
            json!({
                "Type": "Custom::Seed",
                "DependsOn": ["Table"],
                "Properties": {
                    "Rows": 10,
                    "ServiceToken": {"Fn::GetAtt": ["Seeder", "Arn"]},
                    "Table": {"Ref": "Table"}
                }
            })
        );
    }

    #[test]
    fn a_scope_adds_it_untagged() {
        let mut scope = crate::Scope::new("media", &crate::Environment::new("dev"));
        let seed = scope.add(
            "seed",
            CustomResource::new("Custom::Seed", "arn:aws:lambda:x"),
        );
        let template = scope.finish().unwrap();
        let resource = &template.resources()[seed.logical_id()];
        assert_eq!(resource.type_name(), "Custom::Seed");
        assert_eq!(
            resource.properties().keys().collect::<Vec<_>>(),
            ["ServiceToken"]
        );
    }

    #[test]
    fn the_generic_type_is_accepted() {
        let resource = CustomResource::new(CUSTOM_RESOURCE, "arn:aws:sns:us-east-1:1:t");
        assert_eq!(resource.type_name(), CUSTOM_RESOURCE);
    }
}
