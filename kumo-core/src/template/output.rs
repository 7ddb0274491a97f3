//! Template outputs and exports.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::value::{Json, Value};

/// A stack output: a value shown after deploy and, when exported, importable by other stacks.
///
/// ```
/// use kumo_core::{intrinsic::{get_att, sub}, Output};
///
/// let arn = Output::new(get_att("Ingest", "Arn"))
///     .description("ARN of the ingest bucket")
///     .export(sub("${AWS::StackName}-IngestArn"));
/// assert!(arn.export_name().is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(serialize_with = "crate::value::write_sorted")]
    value: Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    export: Option<Export>,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<String>,
    /// Keys kumo has no field for, kept as read.
    #[serde(flatten, serialize_with = "crate::value::write_sorted")]
    other: BTreeMap<String, Json>,
}

/// The export of an output: the name other stacks pass to `Fn::ImportValue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Export {
    #[serde(serialize_with = "crate::value::write_sorted")]
    name: Json,
    /// Keys kumo has no field for, kept as read.
    #[serde(flatten, serialize_with = "crate::value::write_sorted")]
    other: BTreeMap<String, Json>,
}

impl Output {
    /// An output of a string value.
    pub fn new(value: impl Into<Value<String>>) -> Self {
        Output {
            description: None,
            value: value.into().into_json(),
            export: None,
            condition: None,
            other: BTreeMap::new(),
        }
    }

    /// Sets the description shown beside the value.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Exports the value under a name unique in the account and region.
    pub fn export(mut self, name: impl Into<Value<String>>) -> Self {
        self.export = Some(Export {
            name: name.into().into_json(),
            other: BTreeMap::new(),
        });
        self
    }

    /// Declares the output only when the named condition is true.
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.condition = Some(condition.into());
        self
    }

    /// The output's value.
    pub fn value(&self) -> &Json {
        &self.value
    }

    /// The output's description.
    pub fn description_text(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The export name, when the output is exported.
    pub fn export_name(&self) -> Option<&Json> {
        self.export.as_ref().map(|e| &e.name)
    }

    /// The condition that gates this output.
    pub fn condition_name(&self) -> Option<&str> {
        self.condition.as_deref()
    }

    /// Keys of the output kumo has no field for, kept as read.
    pub fn other_keys(&self) -> &BTreeMap<String, Json> {
        &self.other
    }

    /// The export, when the output is exported.
    pub fn export_declaration(&self) -> Option<&Export> {
        self.export.as_ref()
    }
}

impl Export {
    /// The name other stacks import the value by.
    pub fn name(&self) -> &Json {
        &self.name
    }

    /// Keys of the export kumo has no field for, kept as read.
    pub fn other_keys(&self) -> &BTreeMap<String, Json> {
        &self.other
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::intrinsic::{get_att, sub};

    #[test]
    fn serializes_all_fields() {
        let output = Output::new(get_att("Queue", "Arn"))
            .description("Queue ARN")
            .export(sub("${AWS::StackName}-QueueArn"))
            .condition("IsProd");
        assert_eq!(
            serde_json::to_value(&output).unwrap(),
            json!({
                "Description": "Queue ARN",
                "Value": {"Fn::GetAtt": ["Queue", "Arn"]},
                "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-QueueArn"}},
                "Condition": "IsProd"
            })
        );
    }

    #[test]
    fn keeps_keys_it_has_no_field_for() {
        let text = json!({
            "Value": true,
            "Export": {"Name": {"Fn::Join": ["-", ["a", "b"]]}, "Note": 1},
            "Label": "kept"
        });
        let output: Output = serde_json::from_value(text.clone()).unwrap();
        assert_eq!(output.other_keys()["Label"], json!("kept"));
        let export = output.export_declaration().unwrap();
        assert_eq!(export.other_keys()["Note"], json!(1));
        assert_eq!(Some(export.name()), output.export_name());
        assert_eq!(serde_json::to_value(&output).unwrap(), text);
    }
}
