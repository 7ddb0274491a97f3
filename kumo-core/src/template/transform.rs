//! The `Transform` section: the macros CloudFormation runs on the template, kept as written.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::value::{Json, Sorted};

/// The transforms, in the order CloudFormation applies them, and whether the template wrote a
/// single one without a list (`"Transform": "AWS::Serverless-2016-10-31"`). Each is a name or,
/// for `AWS::Include`, an object with `Name` and `Parameters`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Transforms {
    items: Vec<Json>,
    single: bool,
}

impl Transforms {
    /// The transforms, in order.
    pub(super) fn items(&self) -> &[Json] {
        &self.items
    }

    /// Whether there are none.
    pub(super) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a transform by name, unless already present. Two or more are written as a list.
    pub(super) fn add(&mut self, name: String) {
        if !self.items.iter().any(|item| item.as_str() == Some(&name)) {
            self.items.push(Json::String(name));
        }
        self.single &= self.items.len() == 1;
    }
}

impl Serialize for Transforms {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.items.as_slice() {
            [one] if self.single => Sorted(one).serialize(serializer),
            items => Sorted(items).serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Transforms {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Json::deserialize(deserializer)? {
            Json::Array(items) => Transforms {
                items,
                single: false,
            },
            one => Transforms {
                items: vec![one],
                single: true,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(json: Json) -> Transforms {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn keeps_a_single_transform_single_and_a_list_a_list() {
        for text in [
            json!("AWS::Serverless-2016-10-31"),
            json!(["AWS::Serverless-2016-10-31"]),
            json!({"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}),
            json!(["AWS::LanguageExtensions", {"Name": "AWS::Include"}]),
        ] {
            assert_eq!(serde_json::to_value(read(text.clone())).unwrap(), text);
        }
    }

    #[test]
    fn adding_to_a_single_transform_makes_a_list_of_distinct_names() {
        let mut transforms = read(json!("A"));
        transforms.add("A".to_owned());
        assert_eq!(serde_json::to_value(&transforms).unwrap(), json!("A"));
        transforms.add("B".to_owned());
        assert_eq!(
            serde_json::to_value(&transforms).unwrap(),
            json!(["A", "B"])
        );
        let mut built = Transforms::default();
        built.add("A".to_owned());
        assert_eq!(serde_json::to_value(&built).unwrap(), json!(["A"]));
        assert!(!built.is_empty());
        assert_eq!(built.items(), [json!("A")]);
    }
}
