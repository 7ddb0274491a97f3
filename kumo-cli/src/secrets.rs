//! NoEcho parameters: their values are never printed or written under `.kumo`.
//!
//! CloudFormation masks NoEcho parameter values in what it describes, but not an output that
//! passes one on; kumo masks those outputs too: an output whose value is a `Ref` to a NoEcho
//! parameter, or that contains a NoEcho value kumo sent.

use std::collections::BTreeMap;

use kumo_core::Template;
use serde_json::Value as Json;

/// How a masked value reads.
pub const MASK: &str = "****";

/// The names of `template`'s NoEcho parameters.
pub fn no_echo_parameters(template: &Template) -> Vec<&str> {
    template
        .parameters()
        .iter()
        .filter(|(_, p)| p.is_no_echo())
        .map(|(name, _)| name.as_str())
        .collect()
}

/// `values` without `template`'s NoEcho parameters, whose deployed values read back masked
/// and so cannot be compared.
pub fn comparable(
    template: &Template,
    values: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let hidden = no_echo_parameters(template);
    values
        .into_iter()
        .filter(|(name, _)| !hidden.contains(&name.as_str()))
        .collect()
}

/// `outputs` with every value that would reveal a NoEcho parameter of `template` masked;
/// `sent` are the parameter values kumo deployed with (empty when it does not know them).
pub fn mask_outputs(
    template: &Template,
    sent: &BTreeMap<String, String>,
    outputs: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let hidden = no_echo_parameters(template);
    let secrets: Vec<&str> = hidden
        .iter()
        .filter_map(|name| sent.get(*name).map(String::as_str))
        .filter(|value| !value.is_empty())
        .collect();
    outputs
        .into_iter()
        .map(|(key, value)| {
            let passes_one_on = template.outputs().get(&key).is_some_and(|output| {
                matches!(output.value(), Json::Object(map)
                    if map.get("Ref").and_then(Json::as_str).is_some_and(|r| hidden.contains(&r)))
            });
            if passes_one_on || secrets.iter().any(|secret| value.contains(secret)) {
                (key, MASK.to_owned())
            } else {
                (key, value)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use kumo_core::intrinsic::reference;
    use kumo_core::{Output, Parameter};

    use super::*;

    fn template() -> Template {
        let mut t = Template::new();
        t.add_parameter("Password", Parameter::string().no_echo())
            .unwrap();
        t.add_parameter("Size", Parameter::string()).unwrap();
        t.add_output("Pass", Output::new(reference::<String>("Password")))
            .unwrap();
        t.add_output("Url", Output::new("x")).unwrap();
        t.add_output("Size", Output::new(reference::<String>("Size")))
            .unwrap();
        t
    }

    #[test]
    fn outputs_that_pass_on_or_contain_a_secret_are_masked() {
        let sent = BTreeMap::from([
            ("Password".to_owned(), "hunter2".to_owned()),
            ("Size".to_owned(), "3".to_owned()),
        ]);
        let outputs = BTreeMap::from([
            ("Pass".to_owned(), "hunter2".to_owned()),
            ("Url".to_owned(), "postgres://admin:hunter2@db".to_owned()),
            ("Size".to_owned(), "3".to_owned()),
        ]);
        let masked = mask_outputs(&template(), &sent, outputs);
        assert_eq!(masked["Pass"], MASK);
        assert_eq!(masked["Url"], MASK);
        assert_eq!(masked["Size"], "3");
    }

    #[test]
    fn without_the_values_refs_are_still_masked() {
        let outputs = BTreeMap::from([("Pass".to_owned(), "hunter2".to_owned())]);
        let masked = mask_outputs(&template(), &BTreeMap::new(), outputs);
        assert_eq!(masked["Pass"], MASK);
        assert_eq!(no_echo_parameters(&template()), ["Password"]);
    }
}
