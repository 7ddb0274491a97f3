//! Reading a template beside another one's text: the resources written alike in both are not
//! read, so that comparing a kept template with a new one costs what changed, not the whole.

use std::collections::BTreeSet;

use serde_json::Map;

use super::read::UniqueKeys;
use super::scan::{entries, lookup};
use super::{Template, Written, FUNCTION_PREFIX, RESOURCES};
use crate::error::TemplateError;
use crate::value::Json;

impl Template {
    /// Reads `text` as [`Template::from_json`] does, except for the resources written in it
    /// exactly as in `other`, another template's text (such as the one kumo writes for the
    /// stack now, [`Template::written`]): those are left out of the template and their IDs
    /// returned.
    ///
    /// Resources written alike are equal, and every change a diff finds is within one entry:
    /// the two templates without them differ as the whole ones do (take them out of the other
    /// template with [`Template::take_resources`]). A resource left out is not read, and so not
    /// checked either. When `text` cannot be read this way (it is not valid JSON, writes a key
    /// twice or escapes a key), it is read whole, with the error [`Template::from_json`] gives.
    ///
    /// ```
    /// use kumo_core::{Resource, Template};
    ///
    /// let mut kept = Template::new();
    /// kept.add_resource("Jobs", Resource::new("AWS::SQS::Queue").property("DelaySeconds", 0))?;
    /// kept.add_resource("Logs", Resource::new("AWS::Logs::LogGroup"))?;
    /// let mut now = kept.clone();
    /// now.add_resource("Data", Resource::new("AWS::S3::Bucket"))?;
    ///
    /// let (old, alike) = Template::from_json_beside(&kept.to_json(), &now.written())?;
    /// assert_eq!(alike.into_iter().collect::<Vec<_>>(), ["Jobs", "Logs"]);
    /// assert!(old.resources().is_empty());
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn from_json_beside(
        text: &str,
        other: &Written,
    ) -> Result<(Template, BTreeSet<String>), TemplateError> {
        match unlike(text, other) {
            Some((json, alike)) => Ok((Template::from_value(json)?, alike)),
            None => Ok((Template::from_json(text)?, BTreeSet::new())),
        }
    }

    /// Takes the resources with these IDs out of the template, with the templates of those
    /// that are nested stacks, into a template of their own.
    ///
    /// ```
    /// use std::collections::BTreeSet;
    /// use kumo_core::{Resource, Template};
    ///
    /// let mut template = Template::new();
    /// template.add_resource("Jobs", Resource::new("AWS::SQS::Queue"))?;
    /// template.add_resource("Logs", Resource::new("AWS::Logs::LogGroup"))?;
    /// let taken = template.take_resources(&BTreeSet::from(["Jobs".to_owned()]));
    /// assert_eq!(template.resources().keys().collect::<Vec<_>>(), ["Logs"]);
    /// assert_eq!(taken.resources().keys().collect::<Vec<_>>(), ["Jobs"]);
    /// # Ok::<(), kumo_core::TemplateError>(())
    /// ```
    pub fn take_resources(&mut self, ids: &BTreeSet<String>) -> Template {
        let mut taken = Template::new();
        // Both in order: each resource's ID is looked for where the last one was found.
        let mut wanted = ids.iter().peekable();
        let (out, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.resources)
            .into_iter()
            .partition(|(id, _)| {
                while wanted.next_if(|wanted| *wanted < id).is_some() {}
                wanted.next_if(|wanted| *wanted == id).is_some()
            });
        // Built from entries in order, both maps are filled at once rather than a key at a time.
        self.resources = kept.into_iter().collect();
        taken.resources = out.into_iter().collect();
        for id in ids {
            if let Some(nested) = self.nested.remove(id) {
                taken.nested.insert(id.clone(), nested);
            }
        }
        taken
    }
}

/// `text` parsed into JSON without the resources written in it as in `other`, and their IDs;
/// `None` when the text cannot be split into its entries, or an entry parsed.
fn unlike(text: &str, other: &Written) -> Option<(Json, BTreeSet<String>)> {
    let theirs: Vec<(&str, &str)> = other.resources().collect();
    // The resources written as the other text's are stepped over, not scanned.
    let (top, resources) = entries(text, RESOURCES, &theirs)?;
    let mut alike = Vec::new();
    let mut read = Map::new();
    for (key, value) in top {
        let value = match key == RESOURCES {
            true => {
                let mut kept = Map::new();
                let mut next = 0;
                for &(id, value) in &resources {
                    let same = lookup(&theirs, id, &mut next) == Some(value);
                    if same && !id.starts_with(FUNCTION_PREFIX) {
                        alike.push(id);
                    } else {
                        kept.insert(id.to_owned(), parse(value)?);
                    }
                }
                Json::Object(kept)
            }
            false => parse(value)?,
        };
        read.insert(key.to_owned(), value);
    }
    // Collected at once (in order, as written), not inserted one at a time.
    let alike = alike.into_iter().map(str::to_owned).collect();
    Some((Json::Object(read), alike))
}

/// A JSON value's text, read as [`Template::from_json`] reads it (`None` where it refuses it).
fn parse(text: &str) -> Option<Json> {
    let json = serde_json::from_str::<UniqueKeys>(text).ok()?.0;
    super::numbers::rounded_integer(&json, text)
        .is_none()
        .then_some(json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::{Output, Parameter, Resource};

    fn queue(delay: u32) -> Resource {
        Resource::new("AWS::SQS::Queue").property("DelaySeconds", delay)
    }

    /// A template of `count` queues, the `changed` ones with another delay, and an output.
    fn queues(count: usize, changed: &[usize]) -> Template {
        let mut template = Template::new();
        template
            .add_parameter("Env", Parameter::string().default_value("dev"))
            .unwrap();
        for n in 0..count {
            let delay = if changed.contains(&n) { 5 } else { 0 };
            template
                .add_resource(&format!("Q{n}"), queue(delay))
                .unwrap();
        }
        template
            .add_output("First", Output::new(crate::intrinsic::reference("Q0")))
            .unwrap();
        template
    }

    #[test]
    fn leaves_out_only_the_resources_written_alike() {
        let old = queues(4, &[]);
        let mut new = queues(5, &[1, 2]);
        let (read, alike) = Template::from_json_beside(&old.to_json(), &new.written()).unwrap();
        assert_eq!(alike, BTreeSet::from(["Q0".to_owned(), "Q3".to_owned()]));
        assert_eq!(
            read.resources().keys().collect::<Vec<_>>(),
            ["Q1", "Q2"],
            "the others are read"
        );
        assert_eq!(read.parameters(), old.parameters());
        assert_eq!(read.outputs(), old.outputs());
        let taken = new.take_resources(&alike);
        assert_eq!(taken.resources().len(), 2);
        assert_eq!(
            new.resources().keys().collect::<Vec<_>>(),
            ["Q1", "Q2", "Q4"]
        );
    }

    #[test]
    fn takes_the_resources_of_the_ids_it_has_whatever_else_is_asked() {
        let mut template = queues(5, &[]);
        let ids = ["A", "Q1", "Q10", "Q3", "Q9", "Z"].map(str::to_owned);
        let taken = template.take_resources(&BTreeSet::from(ids));
        assert_eq!(taken.resources().keys().collect::<Vec<_>>(), ["Q1", "Q3"]);
        assert_eq!(
            template.resources().keys().collect::<Vec<_>>(),
            ["Q0", "Q2", "Q4"]
        );
    }

    #[test]
    fn a_diff_without_what_is_alike_finds_what_the_whole_diff_finds() {
        let cases: [(Template, Template); 4] = [
            (queues(6, &[]), queues(6, &[0, 3, 5])),
            (queues(6, &[2]), queues(3, &[2])),
            (queues(2, &[]), queues(2, &[])),
            (Template::new(), queues(3, &[1])),
        ];
        for (old, new) in cases {
            let whole = diff(&old, &new);
            let (mut read, alike) =
                Template::from_json_beside(&old.to_json(), &new.written()).unwrap();
            let mut narrowed = new.clone();
            narrowed.take_resources(&alike);
            assert_eq!(diff(&read, &narrowed), whole);
            read.resources_mut().extend(old.resources().clone());
            assert_eq!(read, old, "what was read is the template");
        }
    }

    #[test]
    fn a_resource_alike_in_canonical_form_only_is_read() {
        let old = r#"{"Resources": {"A": {"Type": "T", "DependsOn": "B"}, "B": {"Type": "T"}}}"#;
        let new = r#"{"Resources": {"A": {"Type": "T", "DependsOn": ["B"]}, "B": {"Type": "T"}}}"#;
        let (read, alike) =
            Template::from_json_beside(old, &Written::from(new.to_owned())).unwrap();
        assert_eq!(alike, BTreeSet::from(["B".to_owned()]));
        assert!(read.resources()["A"].dependencies().contains("B"));
    }

    #[test]
    fn what_cannot_be_split_is_read_whole_with_its_error() {
        let new = queues(2, &[]).written();
        for (text, error) in [
            (
                r#"{"Resources": {"A": {"Type": "T"}, "A": {"Type": "T"}}}"#,
                "written twice",
            ),
            (r#"{"Resources": {"A": {"Type": "T"}"#, "EOF"),
            (r#"{"Resources": [1]}"#, "Resources"),
        ] {
            let whole = Template::from_json(text).unwrap_err().to_string();
            let beside = Template::from_json_beside(text, &new)
                .unwrap_err()
                .to_string();
            assert_eq!(beside, whole);
            assert!(whole.contains(error), "{whole}");
        }
        let escaped = r#"{"Resources": {"Q\u0030": {"Type": "AWS::SQS::Queue"}}}"#;
        let (read, alike) = Template::from_json_beside(escaped, &new).unwrap();
        assert!(alike.is_empty());
        assert!(read.resources().contains_key("Q0"));
        let not_json = Written::from("not json".to_owned());
        let (read, alike) = Template::from_json_beside(new.as_str(), &not_json).unwrap();
        assert!(alike.is_empty());
        assert_eq!(read.resources().len(), 2);
    }

    /// Every text one byte away from a template's (a bracket, quote, colon, comma, backslash,
    /// space, letter or control character written over a byte or put before it, or a byte taken
    /// out) is read beside
    /// the template as it is read alone: the same error, or the same template once the
    /// resources written alike are taken out of both.
    #[test]
    fn a_text_one_byte_off_is_read_beside_as_it_is_read_alone() {
        let mut template = queues(2, &[1]);
        let odd = Resource::new("AWS::SQS::Queue").property("QueueName", "a}b]\"{[\\");
        template.add_resource("Odd", odd).unwrap();
        // Pretty, as kumo keeps templates and writes the new one.
        let written = template.written();
        let edits = b"{}[]\":,\\ x\t\n\x01"
            .iter()
            .flat_map(|&byte| [Edit::Over(byte), Edit::Before(byte)])
            .chain([Edit::Out]);
        let bytes = written.as_str().as_bytes();
        let texts: Vec<String> = (0..bytes.len())
            .flat_map(|at| edits.clone().map(move |edit| edit.at(bytes, at)))
            .filter_map(|bytes| String::from_utf8(bytes).ok())
            .collect();
        assert!(texts.len() > 5_000, "{}", texts.len());
        for text in texts {
            match (
                Template::from_json(&text),
                Template::from_json_beside(&text, &written),
            ) {
                (Ok(mut alone), Ok((beside, alike))) => {
                    let taken = alone.take_resources(&alike);
                    assert_eq!(alone, beside, "{text}");
                    let kept = template.clone().take_resources(&alike);
                    assert_eq!(taken.resources(), kept.resources(), "{text}");
                }
                (Err(alone), Err(beside)) => {
                    assert_eq!(alone.to_string(), beside.to_string(), "{text}")
                }
                (alone, beside) => panic!("{text}: {alone:?} alone, {beside:?} beside"),
            }
        }
    }

    /// A one-byte edit of a text.
    #[derive(Clone, Copy)]
    enum Edit {
        Over(u8),
        Before(u8),
        Out,
    }

    impl Edit {
        fn at(self, text: &[u8], at: usize) -> Vec<u8> {
            let mut bytes = text.to_vec();
            match self {
                Edit::Over(byte) => bytes[at] = byte,
                Edit::Before(byte) => bytes.insert(at, byte),
                Edit::Out => {
                    bytes.remove(at);
                }
            }
            bytes
        }
    }
}
