//! Nested stacks in the CLI: their changes found by an offline `diff` from the templates kept
//! under `.kumo/nested`, and (`live`) read from their change sets for `plan` and the deploy's
//! review.

use kumo_core::diff::{diff, Change};
use kumo_core::{Json, Template};

use crate::error::CliError;
use crate::state::State;

#[cfg(feature = "deploy")]
pub mod live;

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
/// templates are read from `state` by the hash in their `TemplateURL` (one with the hash of the
/// new template is that template: it is read from nowhere).
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
        let child = nested.template();
        let old = match &hash {
            Some(hash) if hash == nested.hash() => Some(child.clone()),
            Some(hash) => state.nested(hash)?,
            None => None,
        };
        let nothing = Template::new();
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
    use kumo_core::{Environment, Resource, Scope, Stack, StackError};
    use serde_json::json;

    /// A queue, and a role when `role`.
    struct Leaf {
        role: bool,
    }

    impl Stack for Leaf {
        fn name(&self) -> &str {
            "leaf"
        }

        fn template(&self, _env: &Environment) -> Result<Template, StackError> {
            let mut template = Template::new();
            template.add_resource("Queue", Resource::new("AWS::SQS::Queue"))?;
            if self.role {
                template.add_resource("Role", Resource::new("AWS::IAM::Role"))?;
            }
            Ok(template)
        }
    }

    /// Nests a [`Leaf`].
    struct Middle {
        role: bool,
    }

    impl Stack for Middle {
        fn name(&self) -> &str {
            "middle"
        }

        fn template(&self, env: &Environment) -> Result<Template, StackError> {
            let mut scope = Scope::new("middle", env);
            scope.nested("leaf", &Leaf { role: self.role }, Vec::new());
            scope.finish()
        }
    }

    fn parent(role: bool) -> Template {
        let mut scope = Scope::new("app", &Environment::new("dev"));
        scope.nested("mid", &Middle { role }, Vec::new());
        scope.finish().unwrap()
    }

    #[test]
    fn nested_templates_are_listed_parents_first_by_path() {
        let template = parent(false);
        let paths: Vec<String> = template
            .nested_templates()
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(paths, ["Mid", "Mid.Leaf"]);
    }

    #[cfg(feature = "deploy")]
    #[test]
    fn nesting_needs_auto_expand_and_what_the_children_need() {
        use crate::changes::{capabilities, Capability};
        assert_eq!(capabilities(&parent(false)), [Capability::AutoExpand]);
        assert_eq!(
            capabilities(&parent(true)),
            [Capability::Iam, Capability::AutoExpand]
        );
    }

    #[test]
    fn an_offline_diff_reads_the_children_kept_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        let before = parent(false);
        let after = parent(true);

        let found = changes(&state, &before, &after).unwrap();
        assert!(found[0].unknown, "nothing is kept yet");

        let keep = |template: &Template| {
            let mut pending: Vec<_> = template.nested().values().collect();
            while let Some(nested) = pending.pop() {
                state.write_nested(nested).unwrap();
                pending.extend(nested.template().nested().values());
            }
        };
        keep(&before);
        let found = changes(&state, &before, &after).unwrap();
        let summary: Vec<(String, bool, Vec<String>)> = found
            .iter()
            .map(|c| {
                let ids = c.changes.iter().map(|change| change.id.clone()).collect();
                (c.path.clone(), c.unknown, ids)
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Mid".to_owned(), false, vec!["Leaf".to_owned()]),
                ("Mid.Leaf".to_owned(), false, vec!["Role".to_owned()]),
            ]
        );
        keep(&after);
        assert!(changes(&state, &after, &after)
            .unwrap()
            .iter()
            .all(|c| c.changes.is_empty()));
    }

    #[test]
    fn a_child_of_the_same_hash_is_known_without_being_kept() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::new(dir.path());
        let template = parent(true);
        let found = changes(&state, &template, &template).unwrap();
        assert_eq!(found.len(), 2);
        for child in found {
            assert!(!child.unknown && child.changes.is_empty(), "{}", child.path);
            assert_eq!(child.before.as_ref(), Some(&child.after), "{}", child.path);
        }
    }

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
