//! `deploy --prepare` and `deploy --execute NAME`: a change set made now, reviewed (in a pull
//! request, say), and executed later exactly as it was made.
//!
//! A prepared change set is named `kumo-prepared-<fingerprint>` and its description carries
//! the whole fingerprint: a hash of the template as sent, the parameter values and the tags.
//! `--execute` builds them again and executes the change set only when the fingerprints agree.

use std::collections::BTreeMap;

use kumo_core::naming::stable_hash;
use kumo_core::Template;
use serde_json::json;

use crate::engine::{Described, CHANGE_SET_PREFIX, PREPARED_DESCRIPTION};
use crate::secrets::comparable;

/// The fingerprint of a change set of `template` (sent as `body`) with `parameters` and
/// `tags`. NoEcho values are left out, so that no hash of a secret is written into the change
/// set: a change of one alone does not make a prepared change set stale.
pub fn fingerprint(
    template: &Template,
    body: &str,
    parameters: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
) -> String {
    let parameters = comparable(template, parameters.clone());
    let made_of = json!({"template": body, "parameters": parameters, "tags": tags});
    stable_hash(&made_of.to_string(), 64)
}

/// The name of the change set prepared from what `fingerprint` says.
pub fn name(fingerprint: &str) -> String {
    format!(
        "{CHANGE_SET_PREFIX}prepared-{}",
        &fingerprint[..fingerprint.len().min(16)]
    )
}

/// Returns `found`, the change set named `name` (`None`: there is none), when `deploy
/// --prepare` made it from what `fingerprint` says and it can be executed; otherwise says why
/// not.
pub fn check(name: &str, found: Option<Described>, fingerprint: &str) -> Result<Described, String> {
    let Some(found) = found else {
        return Err(format!(
            "the stack has no change set `{name}`; make one with `deploy --prepare`"
        ));
    };
    let made = found.description.strip_prefix(PREPARED_DESCRIPTION);
    let Some(made) = made.filter(|_| found.name.starts_with(CHANGE_SET_PREFIX)) else {
        return Err(format!(
            "change set `{name}` was not prepared by kumo (`deploy --prepare`); refusing to execute it"
        ));
    };
    if found.status != "CREATE_COMPLETE" || found.execution_status != "AVAILABLE" {
        return Err(format!(
            "change set `{name}` cannot be executed: it is {} ({})",
            found.status, found.execution_status
        ));
    }
    if made != fingerprint {
        return Err(format!(
            "change set `{name}` is stale: the template, parameter values or tags changed since it was prepared; prepare a new one with `deploy --prepare`"
        ));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use kumo_core::Parameter;

    use super::*;

    fn described(name: &str, description: &str, status: &str) -> Described {
        Described {
            name: name.to_owned(),
            id: format!("arn:aws:cloudformation:us-east-1:1:changeSet/{name}/1"),
            status: status.to_owned(),
            execution_status: "AVAILABLE".to_owned(),
            description: description.to_owned(),
            changes: Vec::new(),
        }
    }

    #[test]
    fn only_kumo_s_ready_change_set_of_the_same_fingerprint_runs() {
        let ours = format!("{PREPARED_DESCRIPTION}abc");
        let name = "kumo-prepared-abc";
        let ready = described(name, &ours, "CREATE_COMPLETE");
        assert_eq!(
            check(name, Some(ready.clone()), "abc").map(|found| found.id),
            Ok(ready.id)
        );
        let refused = |found: Option<Described>, fingerprint: &str| {
            check(name, found, fingerprint).unwrap_err()
        };
        assert!(refused(None, "abc").contains("has no change set `kumo-prepared-abc`"));
        assert!(refused(Some(described(name, "", "CREATE_COMPLETE")), "abc")
            .contains("was not prepared by kumo"));
        assert!(
            refused(Some(described("theirs", &ours, "CREATE_COMPLETE")), "abc")
                .contains("was not prepared by kumo")
        );
        assert!(refused(Some(described(name, &ours, "FAILED")), "abc")
            .contains("cannot be executed: it is FAILED (AVAILABLE)"));
        assert!(
            refused(Some(described(name, &ours, "CREATE_COMPLETE")), "abd").contains("is stale")
        );
    }

    #[test]
    fn the_fingerprint_follows_template_values_and_tags_but_no_secret() {
        let mut template = Template::new();
        template
            .add_parameter("Password", Parameter::string().no_echo())
            .unwrap();
        template.add_parameter("Size", Parameter::string()).unwrap();
        let values = |size: &str, password: &str| {
            BTreeMap::from([
                ("Size".to_owned(), size.to_owned()),
                ("Password".to_owned(), password.to_owned()),
            ])
        };
        let tags = BTreeMap::from([("team".to_owned(), "a".to_owned())]);
        let base = fingerprint(&template, "{}", &values("1", "x"), &tags);
        assert_eq!(base.len(), 64);
        assert_eq!(base, fingerprint(&template, "{}", &values("1", "y"), &tags));
        assert_ne!(base, fingerprint(&template, "{}", &values("2", "x"), &tags));
        assert_ne!(
            base,
            fingerprint(&template, "{ }", &values("1", "x"), &tags)
        );
        assert_ne!(
            base,
            fingerprint(&template, "{}", &values("1", "x"), &BTreeMap::new())
        );
        assert_eq!(name(&base), format!("kumo-prepared-{}", &base[..16]));
    }
}
