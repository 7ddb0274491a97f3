//! The logical IDs `Fn::ForEach` makes when CloudFormation expands a template (with the
//! `AWS::LanguageExtensions` transform): `{"Fn::ForEach::Topics": ["Name", ["A", "B"],
//! {"Topic${Name}": {..}}]}` makes `TopicA` and `TopicB`. A loop whose collection is written
//! out makes exactly those; one whose collection comes from a parameter (or a mapping) is
//! known by patterns only: a reference that fits one is not reported as naming nothing.

use std::collections::{BTreeMap, BTreeSet};

use crate::for_each::{entries, expand, PREFIX};
use crate::value::Json;

/// The IDs the loops of one section make: those of loops over written-out lists, and the
/// patterns of the others, the text around each `${Identifier}` and `&{Identifier}`, which
/// stand for any text.
#[derive(Debug, Default)]
pub(super) struct Generated<'a> {
    exact: BTreeSet<String>,
    patterns: Vec<Vec<&'a str>>,
}

impl<'a> Generated<'a> {
    /// The IDs the loops among a section's `functions` (and the loops nested in them) make.
    pub(super) fn of(functions: &'a BTreeMap<String, Json>) -> Self {
        let mut generated = Generated::default();
        for (key, for_each) in functions {
            if !key.starts_with(PREFIX) {
                continue;
            }
            match expand(for_each) {
                Some(made) => generated.exact.extend(made.into_keys()),
                None => generated
                    .patterns
                    .extend(entries(for_each).into_iter().map(|(key, _)| pieces(key))),
            }
        }
        generated
    }

    /// Whether a loop may make `id`.
    pub(super) fn may_make(&self, id: &str) -> bool {
        self.exact.contains(id) || self.patterns.iter().any(|pieces| fits(pieces, id))
    }
}

/// The literal text of a key around its `${..}` and `&{..}` placeholders, in order.
fn pieces(key: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = key;
    while let Some(start) = [rest.find("${"), rest.find("&{")]
        .into_iter()
        .flatten()
        .min()
    {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        pieces.push(&rest[..start]);
        rest = &rest[start + end + 1..];
    }
    pieces.push(rest);
    pieces
}

/// Whether `id` is `pieces` with any text in place of each placeholder between them.
fn fits(pieces: &[&str], id: &str) -> bool {
    let [first, middle @ .., last] = pieces else {
        return pieces.first().is_some_and(|only| *only == id);
    };
    let Some(mut rest) = id.strip_prefix(first) else {
        return false;
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn functions(json: Json) -> BTreeMap<String, Json> {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_loop_may_make_the_ids_its_keys_spell() {
        let functions = functions(json!({
            "Fn::ForEach::Topics": ["Name", {"Ref": "Names"}, {
                "Topic${Name}": {"Type": "AWS::SNS::Topic"},
                "Fn::ForEach::Queues": ["Size", ["1", "2"], {
                    "&{Name}Queue${Size}x": {"Type": "AWS::SQS::Queue"}
                }]
            }]
        }));
        let generated = Generated::of(&functions);
        for id in [
            "TopicA",
            "Topic",
            "TopicTopic",
            "AQueue1x",
            "Queuex",
            "BigQueue22x",
        ] {
            assert!(generated.may_make(id), "{id}");
        }
        for id in ["Topi", "ATopic", "AQueue1", "Queue", "Other"] {
            assert!(!generated.may_make(id), "{id}");
        }
    }

    #[test]
    fn a_loop_over_a_written_out_list_makes_what_its_items_spell() {
        let functions = functions(json!({
            "Fn::ForEach::Topics": ["Name", ["A", "B"], {
                "Topic${Name}": {"Type": "AWS::SNS::Topic"},
                "Fn::ForEach::Queues": ["Size", ["1", "2"], {
                    "&{Name}Queue${Size}": {"Type": "AWS::SQS::Queue"}
                }]
            }],
            "Fn::ForEach::Keys": ["K", {"Ref": "Keys"}, {"Key${K}": {"Type": "AWS::KMS::Key"}}]
        }));
        let generated = Generated::of(&functions);
        for id in ["TopicA", "TopicB", "AQueue1", "BQueue2", "Key", "KeyAny"] {
            assert!(generated.may_make(id), "{id}");
        }
        for id in ["TopicC", "Topic", "CQueue1", "AQueue3", "Queue"] {
            assert!(!generated.may_make(id), "{id}");
        }
    }

    #[test]
    fn keys_without_placeholders_are_themselves() {
        assert_eq!(pieces("Plain"), ["Plain"]);
        assert_eq!(pieces("A${X}B&{Y}C"), ["A", "B", "C"]);
        assert_eq!(pieces("Cost$5&Co{x}"), ["Cost$5&Co{x}"]);
        assert_eq!(pieces("Open${X"), ["Open${X"]);
        assert_eq!(pieces("A$B&C${X}"), ["A$B&C", ""]);
        assert!(fits(&["Plain"], "Plain") && !fits(&["Plain"], "Plainer"));
        assert!(Generated::of(&BTreeMap::new()).patterns.is_empty());
    }
}
