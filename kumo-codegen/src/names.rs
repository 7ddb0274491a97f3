//! Rust names for CloudFormation names: case conversion, keywords, and collisions.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords that a raw identifier (`r#type`) makes usable as a name.
pub const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
pub const NOT_RAW: &[&str] = &["crate", "self", "super", "Self"];

/// A snake_case identifier for a method or module; keywords become raw identifiers.
pub fn snake(name: &str) -> String {
    let mut ident = name.to_snake_case();
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    escape(ident)
}

/// An UpperCamelCase identifier for a type or variant.
pub fn camel(name: &str) -> String {
    let mut ident = name.to_upper_camel_case();
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'V');
    }
    escape(ident)
}

fn escape(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        ident + "_"
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// The module and feature name of a service namespace: `AWS::SecretsManager` is
/// `secretsmanager`; other vendors keep their prefix (`Alexa::ASK` is `alexa_ask`).
pub fn service_module(namespace: &str) -> String {
    let (vendor, service) = namespace.split_once("::").unwrap_or(("AWS", namespace));
    let base = if vendor == "AWS" {
        service.to_ascii_lowercase()
    } else {
        format!(
            "{}_{}",
            vendor.to_ascii_lowercase(),
            service.to_ascii_lowercase()
        )
    };
    escape(base)
}

/// The names taken in one Rust namespace, handing out unique ones.
#[derive(Debug, Default)]
pub struct Names {
    taken: BTreeSet<String>,
}

impl Names {
    /// A namespace with these names reserved.
    pub fn reserving(reserved: &[&str]) -> Self {
        Names {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `wanted` if free, else `wanted` after `qualifier` (the name of the type that holds it),
    /// else as [`Names::claim`] gives it.
    pub fn claim_qualified(&mut self, wanted: String, qualifier: &str, suffix: &str) -> String {
        if self.taken.contains(&wanted) {
            let qualified = format!("{qualifier}{}", wanted.trim_start_matches("r#"));
            if self.taken.insert(qualified.clone()) {
                return qualified;
            }
        }
        self.claim(wanted, suffix)
    }

    /// `wanted` if free, else `wanted` with `suffix`, else with a number.
    pub fn claim(&mut self, wanted: String, suffix: &str) -> String {
        let mut candidate = wanted.clone();
        if self.taken.contains(&candidate) {
            candidate = join(&wanted, suffix);
        }
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = join(&wanted, &format!("{suffix}{n}"));
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

fn join(base: &str, suffix: &str) -> String {
    format!("{}{suffix}", base.trim_start_matches("r#"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_case_and_escapes_keywords() {
        assert_eq!(snake("BucketName"), "bucket_name");
        assert_eq!(snake("Type"), "r#type");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(snake("3DConfig"), "_3d_config");
        assert_eq!(camel("VPCEndpoint"), "VpcEndpoint");
        assert_eq!(camel("aws:kms"), "AwsKms");
        assert_eq!(camel("2xlarge"), "V2xlarge");
        assert_eq!(camel("Self"), "Self_");
    }

    #[test]
    fn service_modules() {
        assert_eq!(service_module("AWS::SecretsManager"), "secretsmanager");
        assert_eq!(
            service_module("AWS::ElasticLoadBalancingV2"),
            "elasticloadbalancingv2"
        );
        assert_eq!(service_module("Alexa::ASK"), "alexa_ask");
    }

    #[test]
    fn claims_unique_names() {
        let mut names = Names::reserving(&["new"]);
        assert_eq!(names.claim("new".into(), "_property"), "new_property");
        assert_eq!(names.claim("tag".into(), "Property"), "tag");
        assert_eq!(names.claim("tag".into(), "Property"), "tagProperty");
        assert_eq!(names.claim("tag".into(), "Property"), "tagProperty2");
        assert_eq!(names.claim("r#type".into(), "_property"), "r#type");
        assert_eq!(names.claim("r#type".into(), "_property"), "type_property");
        assert_eq!(
            names.claim_qualified("Tag".into(), "Bucket", "Property"),
            "Tag"
        );
        assert_eq!(
            names.claim_qualified("Tag".into(), "Bucket", "Property"),
            "BucketTag"
        );
        assert_eq!(
            names.claim_qualified("Tag".into(), "Bucket", "Property"),
            "TagProperty"
        );
    }
}
