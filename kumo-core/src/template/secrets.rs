//! Which outputs reveal a secret: a value is secret when, followed through every intrinsic
//! function, it reaches a NoEcho parameter or a secure dynamic reference
//! (`{{resolve:ssm-secure:...}}`, `{{resolve:secretsmanager:...}}`).
//!
//! The analysis follows values, not resources: an output that reads a resource's attribute or
//! reference is not secret even when the resource was given a secret (the endpoint of a database
//! whose password is a NoEcho parameter is not the password). What a resource makes of a secret
//! is up to the resource type, which kumo cannot know; masking every output of every resource a
//! secret touches would hide most endpoints and ARNs of a stack for nothing.
//!
//! Functions are followed as they pass values on: `Ref`; `Fn::Sub`, both forms, where `${Name}`
//! and `${Name.Attribute}` name a parameter or a variable of the map, and a variable bound to a
//! secret makes its `${Variable}` secret; every argument of `Fn::Join`, `Fn::Base64`,
//! `Fn::Select`, `Fn::Split`, `Fn::ToJsonString`, the keys of `Fn::FindInMap`, either branch of
//! `Fn::If`, and of any other function, conservatively.

use std::collections::BTreeSet;

use super::Template;
use crate::validate::refs::sub_names;
use crate::value::Json;

/// How the dynamic references whose values are secret begin.
const SECRET_DYNAMIC_REFERENCES: [&str; 2] = ["{{resolve:ssm-secure:", "{{resolve:secretsmanager:"];

impl Template {
    /// The logical IDs of the NoEcho parameters, sorted.
    pub fn no_echo_parameters(&self) -> BTreeSet<&str> {
        self.parameters
            .iter()
            .filter(|(_, parameter)| parameter.is_no_echo())
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// The logical IDs of the outputs whose value reveals a secret, sorted: those whose value,
    /// followed through every intrinsic function (`Ref`, the `${...}` of `Fn::Sub` and the
    /// variables they use, every argument of the others), reaches a NoEcho parameter or a secure
    /// dynamic reference. Resources do not pass secrets on: an attribute of a resource given a
    /// secret is not secret. Never print or record these outputs' values.
    ///
    /// ```
    /// use kumo_core::intrinsic::{base64, reference, sub};
    /// use kumo_core::{Output, Parameter, Template};
    ///
    /// let mut template = Template::new();
    /// template.add_parameter("Password", Parameter::string().no_echo())?;
    /// template.add_output("Url", Output::new(sub("postgres://admin:${Password}@db")))?;
    /// template.add_output("Hidden", Output::new(base64(reference("Password"))))?;
    /// template.add_output("Region", Output::new(sub("${AWS::Region}")))?;
    /// assert_eq!(template.secret_outputs().into_iter().collect::<Vec<_>>(), ["Hidden", "Url"]);
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn secret_outputs(&self) -> BTreeSet<&str> {
        let hidden = self.no_echo_parameters();
        self.outputs
            .iter()
            .filter(|(_, output)| reveals(output.value(), &hidden))
            .map(|(id, _)| id.as_str())
            .collect()
    }
}

/// Whether `json` reveals one of the `hidden` parameters or a secure dynamic reference.
fn reveals(json: &Json, hidden: &BTreeSet<&str>) -> bool {
    match json {
        Json::String(text) => is_secret_text(text),
        Json::Array(items) => items.iter().any(|item| reveals(item, hidden)),
        Json::Object(map) => match map.iter().next() {
            Some((key, value)) if map.len() == 1 => function(key, value, hidden),
            _ => map.values().any(|value| reveals(value, hidden)),
        },
        Json::Null | Json::Bool(_) | Json::Number(_) => false,
    }
}

/// Whether the function `{name: args}` reveals a secret.
fn function(name: &str, args: &Json, hidden: &BTreeSet<&str>) -> bool {
    match (name, args) {
        ("Ref", Json::String(id)) => hidden.contains(id.as_str()),
        ("Fn::Sub", Json::String(text)) => sub_reveals(text, &serde_json::Map::new(), hidden),
        ("Fn::Sub", Json::Array(args)) => match args.as_slice() {
            [Json::String(text), Json::Object(variables)] => sub_reveals(text, variables, hidden),
            _ => args.iter().any(|arg| reveals(arg, hidden)),
        },
        _ => reveals(args, hidden),
    }
}

/// Whether the `Fn::Sub` string `text`, with `variables`, reveals a secret: it holds a secure
/// dynamic reference, or one of its `${...}` names a secret variable or a hidden parameter.
fn sub_reveals(
    text: &str,
    variables: &serde_json::Map<String, Json>,
    hidden: &BTreeSet<&str>,
) -> bool {
    let secret = |name: &str| variables.get(name).map(|value| reveals(value, hidden));
    is_secret_text(text)
        || sub_names(text).any(|name| {
            let head = name.split_once('.').map_or(name, |(head, _)| head);
            secret(name)
                .or_else(|| secret(head))
                .unwrap_or_else(|| hidden.contains(head))
        })
}

/// Whether `text` holds a secure dynamic reference.
fn is_secret_text(text: &str) -> bool {
    SECRET_DYNAMIC_REFERENCES
        .iter()
        .any(|prefix| text.contains(prefix))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::intrinsic::reference;
    use crate::{Output, Parameter};

    fn secret(value: Json) -> bool {
        reveals(&value, &BTreeSet::from(["Password", "Keys"]))
    }

    #[test]
    fn a_ref_is_secret_only_to_a_hidden_parameter() {
        assert!(secret(json!({"Ref": "Password"})));
        assert!(!secret(json!({"Ref": "Size"})));
        assert!(!secret(json!({"Ref": "AWS::Region"})));
        assert!(!secret(json!("Password")));
    }

    #[test]
    fn sub_strings_name_parameters_but_not_escapes_or_pseudo_parameters() {
        assert!(secret(json!({"Fn::Sub": "postgres://a:${Password}@db"})));
        assert!(secret(json!({"Fn::Sub": "${ Password }"})));
        assert!(secret(json!({"Fn::Sub": "${Password.Attr}"})));
        assert!(!secret(json!({"Fn::Sub": "${!Password}"})));
        assert!(!secret(
            json!({"Fn::Sub": "${AWS::Region}-${Size}-${Db.Endpoint}"})
        ));
        assert!(!secret(json!({"Fn::Sub": "${Password"})));
    }

    #[test]
    fn sub_variables_bound_to_a_secret_are_secret_where_used() {
        let bound = json!({"Pw": {"Ref": "Password"}, "Host": "db"});
        assert!(secret(json!({"Fn::Sub": ["a:${Pw}@${Host}", bound]})));
        assert!(secret(json!({"Fn::Sub": ["${Pw.Attr}", bound]})));
        assert!(!secret(json!({"Fn::Sub": ["${Host}", bound]})));
        assert!(!secret(json!({"Fn::Sub": ["${!Pw}", bound]})));
        let shadowing = json!({"Password": "not the parameter"});
        assert!(!secret(json!({"Fn::Sub": ["${Password}", shadowing]})));
        let nested = json!({"Url": {"Fn::Join": ["", ["x", {"Ref": "Password"}]]}});
        assert!(secret(json!({"Fn::Sub": ["${Url}", nested]})));
        assert!(secret(
            json!({"Fn::Sub": ["${Host}", {"Host": "{{resolve:ssm-secure:db}}"}]})
        ));
    }

    #[test]
    fn malformed_subs_are_followed_through_every_argument() {
        assert!(secret(json!({"Fn::Sub": [{"Ref": "Password"}]})));
        assert!(!secret(json!({"Fn::Sub": ["${Size}"]})));
    }

    #[test]
    fn list_functions_pass_secrets_on() {
        let pw = json!({"Ref": "Password"});
        assert!(secret(json!({"Fn::Join": ["", ["a", pw]]})));
        assert!(!secret(json!({"Fn::Join": ["", ["a", {"Ref": "Size"}]]})));
        assert!(secret(json!({"Fn::Base64": pw})));
        assert!(!secret(json!({"Fn::Base64": "Password"})));
        assert!(secret(json!({"Fn::Select": [0, {"Ref": "Keys"}]})));
        assert!(secret(json!({"Fn::Select": [0, {"Fn::Split": [",", pw]}]})));
        assert!(!secret(json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})));
        assert!(secret(json!({"Fn::ToJsonString": {"Key": pw}})));
        assert!(secret(json!({"Fn::Unknown": [[{"deep": pw}]]})));
    }

    #[test]
    fn if_branches_and_find_in_map_keys_pass_secrets_on() {
        let pw = json!({"Ref": "Password"});
        assert!(secret(json!({"Fn::If": ["IsProd", "x", pw]})));
        assert!(secret(json!({"Fn::If": ["IsProd", pw, "x"]})));
        assert!(!secret(json!({"Fn::If": ["Password", "x", "y"]})));
        assert!(secret(json!({"Fn::FindInMap": ["Map", pw, "Key"]})));
        assert!(!secret(
            json!({"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "Key"]})
        ));
    }

    #[test]
    fn secure_dynamic_references_are_secret_and_plain_ones_are_not() {
        assert!(secret(json!(
            "{{resolve:secretsmanager:db:SecretString:password}}"
        )));
        assert!(secret(
            json!({"Fn::Sub": "a-{{resolve:ssm-secure:/db/pw:1}}"})
        ));
        assert!(!secret(json!("{{resolve:ssm:/db/host}}")));
    }

    #[test]
    fn resources_do_not_pass_secrets_on() {
        assert!(!secret(json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]})));
        assert!(!secret(json!({"Ref": "Db"})));
        assert!(secret(json!({"Fn::GetAtt": ["Db", {"Ref": "Password"}]})));
    }

    #[test]
    fn a_template_names_its_secret_outputs_and_no_echo_parameters() {
        let mut t = Template::new();
        t.add_parameter("Password", Parameter::string().no_echo())
            .unwrap();
        t.add_parameter("Size", Parameter::string()).unwrap();
        t.add_output("Pass", Output::new(reference::<String>("Password")))
            .unwrap();
        t.add_output("Size", Output::new(reference::<String>("Size")))
            .unwrap();
        assert_eq!(t.no_echo_parameters(), BTreeSet::from(["Password"]));
        assert_eq!(t.secret_outputs(), BTreeSet::from(["Pass"]));
        assert!(Template::new().secret_outputs().is_empty());
    }
}
