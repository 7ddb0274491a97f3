//! Writing templates: the sections in CloudFormation's order, each sorted by key.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{Condition, Output, Parameter, Resource, Rule, Section, Template};
use crate::value::{Json, Sorted, SortedJson};

/// The sections in the order the template writes them: CloudFormation's, then `Hooks`, then the
/// keys the model does not know, sorted; the keys of every JSON object in them sorted, even when
/// a crate of the build turns on serde_json's `preserve_order` (its maps then keep insertion
/// order, and kumo writes their entries in key order itself).
impl Serialize for Template {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("AWSTemplateFormatVersion", &self.format_version)?;
        if let Some(description) = &self.description {
            map.serialize_entry("Description", description)?;
        }
        if !self.metadata.is_empty() {
            map.serialize_entry("Metadata", &Sorted(&self.metadata))?;
        }
        self.write_section(&mut map, Section::Parameters, &self.parameters)?;
        self.write_section(&mut map, Section::Rules, &self.rules)?;
        self.write_section(&mut map, Section::Mappings, &self.mappings)?;
        self.write_section(&mut map, Section::Conditions, &self.conditions)?;
        if !self.transform.is_empty() {
            map.serialize_entry("Transform", &self.transform)?;
        }
        map.serialize_entry(
            "Resources",
            &Entries::new(&self.resources, self.functions.get(&Section::Resources)),
        )?;
        self.write_section(&mut map, Section::Outputs, &self.outputs)?;
        if !self.hooks.is_empty() {
            map.serialize_entry("Hooks", &Sorted(&self.hooks))?;
        }
        for (key, value) in &self.other {
            map.serialize_entry(key, &Sorted(value))?;
        }
        map.end()
    }
}

/// The model's declarations sort the JSON they hold themselves
/// (`#[serde(serialize_with = "crate::value::write_sorted")]`).
macro_rules! sorts_itself {
    ($($declaration:ty),*) => {$(
        impl SortedJson for $declaration {
            fn serialize_sorted<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.serialize(serializer)
            }
        }
    )*};
}

sorts_itself!(Parameter, Rule, Condition, Resource, Output);

impl Template {
    /// Writes a section unless it has neither declarations nor functions.
    fn write_section<M: SerializeMap, T: SortedJson>(
        &self,
        map: &mut M,
        section: Section,
        declared: &BTreeMap<String, T>,
    ) -> Result<(), M::Error> {
        let entries = Entries::new(declared, self.functions.get(&section));
        if entries.is_empty() {
            return Ok(());
        }
        map.serialize_entry(&section.to_string(), &entries)
    }
}

/// The entries of a section, declarations and functions together, sorted by key: the two maps
/// merged as they are written, without collecting them.
struct Entries<'a, T> {
    declared: &'a BTreeMap<String, T>,
    functions: Option<&'a BTreeMap<String, Json>>,
}

enum Entry<'a, T> {
    Declared(&'a T),
    Function(&'a Json),
}

impl<'a, T> Entries<'a, T> {
    fn new(
        declared: &'a BTreeMap<String, T>,
        functions: Option<&'a BTreeMap<String, Json>>,
    ) -> Self {
        Entries {
            declared,
            functions,
        }
    }

    fn is_empty(&self) -> bool {
        self.declared.is_empty() && self.functions.is_none_or(BTreeMap::is_empty)
    }

    /// The entries in key order; of a declaration and a function of the same key, the function.
    fn iter(&self) -> impl Iterator<Item = (&'a str, Entry<'a, T>)> {
        let mut declared = self.declared.iter().peekable();
        let mut functions = self.functions.into_iter().flatten().peekable();
        std::iter::from_fn(move || {
            let take_declared = match (declared.peek(), functions.peek()) {
                (Some((id, _)), Some((key, _))) if id == key => {
                    declared.next();
                    false
                }
                (Some((id, _)), Some((key, _))) => id < key,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if take_declared {
                declared
                    .next()
                    .map(|(id, value)| (id.as_str(), Entry::Declared(value)))
            } else {
                functions
                    .next()
                    .map(|(key, value)| (key.as_str(), Entry::Function(value)))
            }
        })
    }
}

impl<T: SortedJson> Serialize for Entries<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<T: SortedJson> Serialize for Entry<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Entry::Declared(value) => Sorted(*value).serialize(serializer),
            Entry::Function(value) => Sorted(*value).serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every object of this template has its keys in descending order: read with serde_json's
    /// `preserve_order` on, they are kept so, and must be written sorted all the same. (CI runs
    /// kumo-core's tests with that feature on too.)
    const DESCENDING: &str = r#"{
      "AWSTemplateFormatVersion": "2010-09-09",
      "Metadata": {"Owner": {"z": 1, "a": 2}},
      "Parameters": {"Env": {"Type": "String", "x-note": {"z": 1, "a": 2}}},
      "Rules": {"R": {"RuleCondition": {"z": 1, "a": 2},
                      "Assertions": [{"Assert": {"z": 1, "a": 2}, "x-note": {"z": 1, "a": 2}}],
                      "x-note": {"z": 1, "a": 2}}},
      "Mappings": {"M": {"k": {"v": {"z": 1, "a": 2}}}},
      "Conditions": {"C": {"Fn::Equals": [{"z": 1, "a": 2}, "x"]}},
      "Transform": ["AWS::LanguageExtensions", {"Parameters": {"z": 1, "a": 2}, "Name": "AWS::Include"}],
      "Resources": {
        "Q": {"Type": "AWS::SQS::Queue", "Metadata": {"z": 1, "a": 2},
              "Properties": {"Tags": [{"Value": "v", "Key": "k"}], "DelaySeconds": 5},
              "CreationPolicy": {"z": 1, "a": 2}, "UpdatePolicy": {"z": 1, "a": 2},
              "DeletionPolicy": {"Fn::If": ["C", "Retain", "Delete"]},
              "UpdateReplacePolicy": {"Fn::If": ["C", "Retain", "Delete"]},
              "Version": {"z": 1, "a": 2}},
        "Fn::ForEach::T": ["X", ["a"], {"T${X}": {"Type": "AWS::SNS::Topic",
                                                 "Properties": {"z": 1, "a": 2}}}]
      },
      "Outputs": {"O": {"Value": {"z": 1, "a": 2},
                        "Export": {"Name": {"z": 1, "a": 2}, "x-note": {"z": 1, "a": 2}},
                        "x-note": {"z": 1, "a": 2}}},
      "Hooks": {"H": {"Type": "AWS::CodeDeploy::BlueGreen", "Properties": {"z": 1, "a": 2}}},
      "Globals": {"z": 1, "a": 2}
    }"#;

    #[test]
    fn objects_are_written_with_their_keys_sorted_whatever_order_maps_keep() {
        let template = Template::from_json(DESCENDING).unwrap();
        let sorted = concat!(
            r#"{"AWSTemplateFormatVersion":"2010-09-09","#,
            r#""Metadata":{"Owner":{"a":2,"z":1}},"#,
            r#""Parameters":{"Env":{"Type":"String","x-note":{"a":2,"z":1}}},"#,
            r#""Rules":{"R":{"RuleCondition":{"a":2,"z":1},"Assertions":[{"Assert":{"a":2,"z":1},"#,
            r#""x-note":{"a":2,"z":1}}],"x-note":{"a":2,"z":1}}},"#,
            r#""Mappings":{"M":{"k":{"v":{"a":2,"z":1}}}},"#,
            r#""Conditions":{"C":{"Fn::Equals":[{"a":2,"z":1},"x"]}},"#,
            r#""Transform":["AWS::LanguageExtensions",{"Name":"AWS::Include","#,
            r#""Parameters":{"a":2,"z":1}}],"#,
            r#""Resources":{"Fn::ForEach::T":["X",["a"],{"T${X}":{"Properties":{"a":2,"z":1},"#,
            r#""Type":"AWS::SNS::Topic"}}],"Q":{"Type":"AWS::SQS::Queue","#,
            r#""Metadata":{"a":2,"z":1},"Properties":{"DelaySeconds":5,"Tags":[{"Key":"k","#,
            r#""Value":"v"}]},"CreationPolicy":{"a":2,"z":1},"UpdatePolicy":{"a":2,"z":1},"#,
            r#""DeletionPolicy":{"Fn::If":["C","Retain","Delete"]},"#,
            r#""UpdateReplacePolicy":{"Fn::If":["C","Retain","Delete"]},"Version":{"a":2,"z":1}}},"#,
            r#""Outputs":{"O":{"Value":{"a":2,"z":1},"Export":{"Name":{"a":2,"z":1},"x-note":{"a":2,"#,
            r#""z":1}},"x-note":{"a":2,"z":1}}},"#,
            r#""Hooks":{"H":{"Properties":{"a":2,"z":1},"Type":"AWS::CodeDeploy::BlueGreen"}},"#,
            r#""Globals":{"a":2,"z":1}}"#,
        );
        assert_eq!(template.to_json_compact(), sorted);
        // The strings hold no whitespace: without it, the pretty text is the compact one.
        let pretty: String = template.to_json().split_whitespace().collect();
        assert_eq!(pretty, sorted);
    }

    #[test]
    fn declarations_written_on_their_own_have_their_keys_sorted_too() {
        let template = Template::from_json(DESCENDING).unwrap();
        fn written<T: Serialize>(declaration: &T) -> String {
            serde_json::to_string(declaration).unwrap()
        }
        assert_eq!(
            written(&template.resources()["Q"]),
            concat!(
                r#"{"Type":"AWS::SQS::Queue","Metadata":{"a":2,"z":1},"#,
                r#""Properties":{"DelaySeconds":5,"Tags":[{"Key":"k","Value":"v"}]},"#,
                r#""CreationPolicy":{"a":2,"z":1},"UpdatePolicy":{"a":2,"z":1},"#,
                r#""DeletionPolicy":{"Fn::If":["C","Retain","Delete"]},"#,
                r#""UpdateReplacePolicy":{"Fn::If":["C","Retain","Delete"]},"#,
                r#""Version":{"a":2,"z":1}}"#,
            )
        );
        assert_eq!(
            written(&template.outputs()["O"]),
            r#"{"Value":{"a":2,"z":1},"Export":{"Name":{"a":2,"z":1},"x-note":{"a":2,"z":1}},"x-note":{"a":2,"z":1}}"#
        );
        assert_eq!(
            written(&template.parameters()["Env"]),
            r#"{"Type":"String","x-note":{"a":2,"z":1}}"#
        );
        assert_eq!(
            written(&template.rules()["R"]),
            r#"{"RuleCondition":{"a":2,"z":1},"Assertions":[{"Assert":{"a":2,"z":1},"x-note":{"a":2,"z":1}}],"x-note":{"a":2,"z":1}}"#
        );
        assert_eq!(
            written(&template.conditions()["C"]),
            r#"{"Fn::Equals":[{"a":2,"z":1},"x"]}"#
        );
    }
}
