//! Template outputs and exports.

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
    value: Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    export: Option<Export>,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<String>,
}

/// The export of an output: the name other stacks pass to `Fn::ImportValue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Export {
    name: Json,
}

impl Output {
    /// An output of a string value.
    pub fn new(value: impl Into<Value<String>>) -> Self {
        Output {
            description: None,
            value: value.into().into_json(),
            export: None,
            condition: None,
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
}
