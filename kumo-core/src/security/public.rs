//! Public access settings: a bucket's public access block and canned ACL, and a Lambda
//! function URL's `AuthType`. Each setting has a level (closed, the default, open); a setting
//! whose level rises is loosened, one whose level falls is tightened.

use std::borrow::Cow;

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

/// The public block flags of a bucket: the flag, and the setting it is shown as.
const BLOCK_FLAGS: &[(&str, &str)] = &[
    (
        "BlockPublicAcls",
        "PublicAccessBlockConfiguration.BlockPublicAcls",
    ),
    (
        "BlockPublicPolicy",
        "PublicAccessBlockConfiguration.BlockPublicPolicy",
    ),
    (
        "IgnorePublicAcls",
        "PublicAccessBlockConfiguration.IgnorePublicAcls",
    ),
    (
        "RestrictPublicBuckets",
        "PublicAccessBlockConfiguration.RestrictPublicBuckets",
    ),
];

/// Canned ACLs that let anyone (or any AWS account) read or write.
const PUBLIC_ACLS: &[&str] = &["PublicRead", "PublicReadWrite", "AuthenticatedRead"];

/// The public access settings that change from `old` to `new` (resources in order of their
/// IDs): loosened ones added, tightened ones removed, by resource and setting.
pub(crate) fn exposures(old: &Resources<'_>, new: &Resources<'_>) -> Vec<Row<Exposure>> {
    let mut rows = Vec::new();
    let (mut old, mut new) = (old.iter().peekable(), new.iter().peekable());
    loop {
        // The resources of one ID, walking both lists at once.
        let (was, is) = match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(a), Some(b)) if a.0 == b.0 => (old.next(), new.next()),
            (Some(a), Some(b)) if a.0 < b.0 => (old.next(), None),
            (Some(_), None) => (old.next(), None),
            _ => (None, new.next()),
        };
        let Some(&(id, _)) = was.or(is) else {
            break;
        };
        let before = was.map_or_else(Vec::new, |(_, r)| resource_settings(r));
        let after = is.map_or_else(Vec::new, |(_, r)| resource_settings(r));
        if before == after {
            continue;
        }
        let before_type = was.map(|(_, r)| r.type_name());
        let after_type = is.map(|(_, r)| r.type_name());
        let mut settings: Vec<&str> = before.iter().chain(&after).map(|s| s.0).collect();
        settings.sort_unstable();
        settings.dedup();
        for setting in settings {
            let (was, is) = (
                before.iter().find(|s| s.0 == setting),
                after.iter().find(|s| s.0 == setting),
            );
            let sign = match (was.map(|w| w.2), is.map(|i| i.2)) {
                (Some(a), Some(b)) if b > a => Sign::Added,
                (Some(a), Some(b)) if b < a => Sign::Removed,
                (None, Some(Level::Open)) => Sign::Added,
                (Some(Level::Open), None) => Sign::Removed,
                _ => continue,
            };
            // The type of the resource that has the setting now, else of the one that had it.
            let holder = if is.is_some() {
                after_type
            } else {
                before_type
            };
            rows.push(Row {
                change: sign,
                item: Exposure {
                    holder: id.to_owned(),
                    resource_type: holder.unwrap_or_default().to_owned(),
                    setting: setting.to_owned(),
                    old: was.map(|w| w.1.clone().into_owned()),
                    new: is.map(|i| i.1.clone().into_owned()),
                },
            });
        }
    }
    rows
}

/// A setting of a resource: its name, its text and its level.
type Found<'a> = (&'static str, Cow<'a, str>, Level);

/// The settings of one resource: name, text and level.
fn resource_settings(resource: &Resource) -> Vec<Found<'_>> {
    let props = resource.properties();
    match resource.type_name() {
        "AWS::S3::Bucket" => {
            let block = props.get("PublicAccessBlockConfiguration");
            let mut found: Vec<_> = BLOCK_FLAGS
                .iter()
                .map(|&(flag, setting)| {
                    let (shown, level) = match block.map(|b| b.get(flag)) {
                        None => (Cow::Borrowed("(no block)"), Level::Default),
                        Some(Some(Json::Bool(true))) => (Cow::Borrowed("true"), Level::Closed),
                        Some(Some(Json::String(s))) if s == "true" => {
                            (Cow::Borrowed(s.as_str()), Level::Closed)
                        }
                        Some(Some(value)) => (Cow::Owned(text(value)), Level::Open),
                        Some(None) => (Cow::Borrowed("false (unset)"), Level::Open),
                    };
                    (setting, shown, level)
                })
                .collect();
            if let Some(acl) = props.get("AccessControl").map(text) {
                let level = if PUBLIC_ACLS.contains(&acl.as_str()) {
                    Level::Open
                } else {
                    Level::Closed
                };
                found.push(("AccessControl", Cow::Owned(acl), level));
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
            vec![("AuthType", Cow::Owned(auth), level)]
        }
        _ => Vec::new(),
    }
}
