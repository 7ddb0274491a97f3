//! Public access settings: a bucket's public access block and canned ACL, and a Lambda
//! function URL's `AuthType`. Each setting has a level (closed, the default, open); a setting
//! whose level rises is loosened, one whose level falls is tightened.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::text::text;
use super::{Resources, Row, Sign};
use crate::{Json, Resource};

/// A public access setting that changes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Exposure {
    /// The logical ID of the resource.
    pub holder: String,
    /// Its type.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The setting (`PublicAccessBlockConfiguration.BlockPublicAcls`, `AccessControl`,
    /// `AuthType`).
    pub setting: String,
    /// What it was (`None`: the resource is new).
    pub old: Option<String>,
    /// What it is (`None`: the resource is removed).
    pub new: Option<String>,
}

/// How open a setting leaves a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    /// Public access is blocked or not granted.
    Closed,
    /// Not set: what AWS does for a new resource (S3 blocks public access).
    Default,
    /// Public access is allowed.
    Open,
}

/// The public block flags of a bucket.
const BLOCK_FLAGS: &[&str] = &[
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
];

/// Canned ACLs that let anyone (or any AWS account) read or write.
const PUBLIC_ACLS: &[&str] = &["PublicRead", "PublicReadWrite", "AuthenticatedRead"];

/// Settings keyed by (logical ID, setting), with their text, level and the resource's type.
type Settings = BTreeMap<(String, String), (String, Level, String)>;

/// The public access settings that change from `old` to `new`: loosened ones added, tightened
/// ones removed.
pub(crate) fn exposures(old: &Resources<'_>, new: &Resources<'_>) -> Vec<Row<Exposure>> {
    let (before, after) = (settings(old), settings(new));
    let keys: BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (was, is) = (before.get(key), after.get(key));
            let sign = match (was.map(|w| w.1), is.map(|i| i.1)) {
                (Some(a), Some(b)) if b > a => Sign::Added,
                (Some(a), Some(b)) if b < a => Sign::Removed,
                (None, Some(Level::Open)) => Sign::Added,
                (Some(Level::Open), None) => Sign::Removed,
                _ => return None,
            };
            let resource_type = is.or(was).map(|s| s.2.clone()).unwrap_or_default();
            Some(Row {
                change: sign,
                item: Exposure {
                    holder: key.0.clone(),
                    resource_type,
                    setting: key.1.clone(),
                    old: was.map(|w| w.0.clone()),
                    new: is.map(|i| i.0.clone()),
                },
            })
        })
        .collect()
}

/// The public access settings of `template`.
fn settings(resources: &Resources<'_>) -> Settings {
    let mut found = Settings::new();
    for &(id, resource) in resources {
        let kind = resource.type_name().to_owned();
        for (setting, shown, level) in resource_settings(resource) {
            found.insert((id.to_owned(), setting), (shown, level, kind.clone()));
        }
    }
    found
}

/// The settings of one resource: name, text and level.
fn resource_settings(resource: &Resource) -> Vec<(String, String, Level)> {
    let props = resource.properties();
    match resource.type_name() {
        "AWS::S3::Bucket" => {
            let block = props.get("PublicAccessBlockConfiguration");
            let mut found: Vec<_> = BLOCK_FLAGS
                .iter()
                .map(|flag| {
                    let (shown, level) = match block.map(|b| b.get(*flag)) {
                        None => ("(no block)".to_owned(), Level::Default),
                        Some(Some(Json::Bool(true))) => ("true".to_owned(), Level::Closed),
                        Some(Some(Json::String(s))) if s == "true" => (s.clone(), Level::Closed),
                        Some(Some(value)) => (text(value), Level::Open),
                        Some(None) => ("false (unset)".to_owned(), Level::Open),
                    };
                    (
                        format!("PublicAccessBlockConfiguration.{flag}"),
                        shown,
                        level,
                    )
                })
                .collect();
            if let Some(acl) = props.get("AccessControl").map(text) {
                let level = if PUBLIC_ACLS.contains(&acl.as_str()) {
                    Level::Open
                } else {
                    Level::Closed
                };
                found.push(("AccessControl".to_owned(), acl, level));
            }
            found
        }
        "AWS::Lambda::Url" => {
            let auth = props.get("AuthType").map(text).unwrap_or_default();
            let level = if auth == "NONE" {
                Level::Open
            } else {
                Level::Closed
            };
            vec![("AuthType".to_owned(), auth, level)]
        }
        _ => Vec::new(),
    }
}
