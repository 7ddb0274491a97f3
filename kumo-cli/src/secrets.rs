//! NoEcho parameters: their values are never printed or written under `.kumo`.
//!
//! CloudFormation masks NoEcho parameter values in what it describes, but not an output that
//! passes one on; kumo masks those outputs too: every output that
//! [reveals a secret](kumo_core::Template::secret_outputs) however it derives from it, and, as
//! a second line of defence, every output that contains a NoEcho value kumo sent.

use std::collections::BTreeMap;

use kumo_core::Template;

/// How a masked value reads.
pub const MASK: &str = "****";

/// `values` without `template`'s NoEcho parameters, whose deployed values read back masked
/// and so cannot be compared.
pub fn comparable(
    template: &Template,
    values: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let hidden = template.no_echo_parameters();
    values
        .into_iter()
        .filter(|(name, _)| !hidden.contains(name.as_str()))
        .collect()
}

/// `outputs` with every value that would reveal a secret of `template` masked; `sent` are the
/// parameter values kumo deployed with (empty when it does not know them).
pub fn mask_outputs(
    template: &Template,
    sent: &BTreeMap<String, String>,
    outputs: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let secret_outputs = template.secret_outputs();
    let secrets: Vec<&str> = template
        .no_echo_parameters()
        .into_iter()
        .filter_map(|name| sent.get(name).map(String::as_str))
        .filter(|value| !value.is_empty())
        .collect();
    outputs
        .into_iter()
        .map(|(key, value)| {
            if secret_outputs.contains(key.as_str())
                || secrets.iter().any(|secret| value.contains(secret))
            {
                (key, MASK.to_owned())
            } else {
                (key, value)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use kumo_core::intrinsic::{base64, join, reference, sub};
    use kumo_core::{Output, Parameter};

    use super::*;

    fn template() -> Template {
        let mut t = Template::new();
        t.add_parameter("Password", Parameter::string().no_echo())
            .unwrap();
        t.add_parameter("Size", Parameter::string()).unwrap();
        t.add_output("Pass", Output::new(reference::<String>("Password")))
            .unwrap();
        t.add_output("Dsn", Output::new(sub("db:${Password}")))
            .unwrap();
        let parts = vec![reference::<String>("Size"), reference("Password")];
        t.add_output("Joined", Output::new(join("-", parts)))
            .unwrap();
        t.add_output("Encoded", Output::new(base64(reference("Password"))))
            .unwrap();
        t.add_output("Url", Output::new("x")).unwrap();
        t.add_output("Size", Output::new(reference::<String>("Size")))
            .unwrap();
        t
    }

    fn outputs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn outputs_that_derive_from_or_contain_a_secret_are_masked() {
        let sent = outputs(&[("Password", "hunter2"), ("Size", "3")]);
        let deployed = outputs(&[
            ("Pass", "hunter2"),
            ("Url", "postgres://admin:hunter2@db"),
            ("Size", "3"),
        ]);
        let masked = mask_outputs(&template(), &sent, deployed);
        assert_eq!(
            masked,
            outputs(&[("Pass", MASK), ("Url", MASK), ("Size", "3")])
        );
    }

    #[test]
    fn without_the_values_derived_outputs_are_still_masked() {
        let deployed = outputs(&[
            ("Pass", "hunter2"),
            ("Dsn", "db:hunter2"),
            ("Joined", "3-hunter2"),
            ("Encoded", "aHVudGVyMg=="),
            ("Url", "x"),
        ]);
        let masked = mask_outputs(&template(), &BTreeMap::new(), deployed);
        let expected = outputs(&[
            ("Pass", MASK),
            ("Dsn", MASK),
            ("Joined", MASK),
            ("Encoded", MASK),
            ("Url", "x"),
        ]);
        assert_eq!(masked, expected);
    }

    #[test]
    fn no_echo_values_are_not_compared() {
        let values = outputs(&[("Password", "hunter2"), ("Size", "3")]);
        assert_eq!(comparable(&template(), values), outputs(&[("Size", "3")]));
    }
}
