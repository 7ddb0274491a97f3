//! Nested stacks in the CLI: their templates written beside their parent's by `synth`, and
//! their changes found by an offline `diff` from the templates kept under `.kumo/nested`.

use kumo_core::diff::{diff, Change};
use kumo_core::{Json, Template};

use crate::error::CliError;
use crate::state::State;

/// The templates of the nested stacks of `template` (theirs too), each with its path of logical
/// IDs joined by `.` (`Net`, `Net.Subnets`), parents first.
pub fn templates(template: &Template) -> Vec<(String, &Template)> {
    let mut found = Vec::new();
    for (id, nested) in template.nested() {
        found.push((id.clone(), nested.template()));
        found.extend(
            templates(nested.template())
                .into_iter()
                .map(|(path, child)| (format!("{id}.{path}"), child)),
        );
    }
    found
}

/// The changes of one nested stack between two templates of its parent.
pub struct NestedChanges {
    /// Its path of logical IDs, `.`-joined.
    pub path: String,
    /// Its template before, when the parent had it and its template is kept here.
    pub before: Option<Template>,
    /// Whether the parent had it but its template is not kept here (deployed from elsewhere).
    pub unknown: bool,
    /// Its template after.
    pub after: Template,
    /// What differs.
    pub changes: Vec<Change>,
}

/// The changes of the nested stacks of `after` (and theirs) from those `before` names, whose
/// templates are read from `state` by the hash in their `TemplateURL`.
pub fn changes(
    state: &State,
    before: &Template,
    after: &Template,
) -> Result<Vec<NestedChanges>, CliError> {
    let mut found = Vec::new();
    for (id, nested) in after.nested() {
        let hash = before
            .resources()
            .get(id)
            .and_then(|resource| resource.properties().get("TemplateURL"))
            .and_then(hash_of);
        let old = match &hash {
            Some(hash) => state.nested(hash)?,
            None => None,
        };
        let nothing = Template::new();
        let child = nested.template();
        let deeper = self::changes(state, old.as_ref().unwrap_or(&nothing), child)?;
        found.push(NestedChanges {
            path: id.clone(),
            unknown: hash.is_some() && old.is_none(),
            changes: diff(old.as_ref().unwrap_or(&nothing), child),
            before: old,
            after: child.clone(),
        });
        found.extend(deeper.into_iter().map(|deeper| NestedChanges {
            path: format!("{id}.{}", deeper.path),
            ..deeper
        }));
    }
    Ok(found)
}

/// The content hash in a nested stack's `TemplateURL` (`.../nested/{hash}.json`, plain or in
/// `Fn::Sub`).
fn hash_of(url: &Json) -> Option<String> {
    let text = match url {
        Json::String(text) => text,
        Json::Object(map) => map.get("Fn::Sub")?.as_str()?,
        _ => return None,
    };
    let (_, file) = text.rsplit_once("/nested/")?;
    let hash = file.strip_suffix(".json")?;
    hash.chars()
        .all(|c| c.is_ascii_hexdigit())
        .then(|| hash.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_hash_is_read_from_the_template_url() {
        let url = json!({"Fn::Sub": "https://s3.${AWS::Region}.${AWS::URLSuffix}/${KumoAssetBucket}/nested/ab12.json"});
        assert_eq!(hash_of(&url).as_deref(), Some("ab12"));
        assert_eq!(
            hash_of(&json!("https://s3.amazonaws.com/b/nested/ff.json")).as_deref(),
            Some("ff")
        );
        assert_eq!(hash_of(&json!("https://example.com/other.json")), None);
        assert_eq!(hash_of(&json!({"Ref": "Url"})), None);
        assert_eq!(hash_of(&json!("https://x/nested/not-hex.json")), None);
    }
}
