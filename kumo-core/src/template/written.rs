//! A template's text with where each of its resources is written in it, for comparing another
//! text with it resource by resource ([`Template::from_json_beside`]). In a text kumo wrote, the
//! resources are found by their layout, without scanning it.

use std::ops::Range;
use std::sync::OnceLock;

use memchr::memmem;

use super::scan::entries;
use super::{Template, RESOURCES};

/// A template's JSON text, with the key and value of each entry of its resources (a resource,
/// or a loop or transform among them) as written in it, found when first asked for.
///
/// ```
/// use kumo_core::{Resource, Template};
///
/// let mut template = Template::new();
/// template.add_resource("Jobs", Resource::new("AWS::SQS::Queue"))?;
/// let written = template.written();
/// assert_eq!(written.as_str(), template.to_json());
/// let resources: Vec<(&str, &str)> = written.resources().collect();
/// assert_eq!(resources, [("Jobs", "{\n      \"Type\": \"AWS::SQS::Queue\"\n    }")]);
/// # Ok::<(), kumo_core::TemplateError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Written {
    text: String,
    /// Whether kumo's writer wrote it ([`Template::written`]), in the layout [`laid_out`] reads.
    ours: bool,
    /// The span of each entry's key (within its quotes) and of its value, in order.
    resources: OnceLock<Vec<(Range<usize>, Range<usize>)>>,
}

impl Written {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.text
    }

    /// Each entry of the resources, as written: its key and the text of its value, in key
    /// order. None when the text cannot be split (it is not a JSON object as far as its keys
    /// and brackets go, writes a key twice or escapes one).
    pub fn resources(&self) -> impl Iterator<Item = (&str, &str)> {
        let spans = self.resources.get_or_init(|| {
            let laid_out = self.ours.then(|| laid_out(&self.text)).flatten();
            laid_out.unwrap_or_else(|| split(&self.text))
        });
        spans
            .iter()
            .map(|(key, value)| (&self.text[key.clone()], &self.text[value.clone()]))
    }
}

/// A JSON text written otherwise (not by [`Template::written`]): its resources are found by
/// splitting it.
impl From<String> for Written {
    fn from(text: String) -> Written {
        Written {
            text,
            ours: false,
            resources: OnceLock::new(),
        }
    }
}

impl Template {
    /// The template as [`Template::to_json`] writes it, whose resources are found by its
    /// layout when asked for.
    pub fn written(&self) -> Written {
        Written {
            ours: true,
            ..Written::from(self.to_json())
        }
    }
}

/// The spans of the resources' entries of `text`, found by the layout kumo writes: the section
/// is the lines from `  "Resources": {` (two spaces in) to the next `  }`, and an entry begins
/// at each line `    "Key": ` (four spaces in) within it, since every line within an entry is
/// deeper and no string holds a line break. `None` when the text is not laid out so, a key
/// is escaped, or the keys are not in order. These are the spans [`split`] finds whenever it
/// can split the text (it refuses a key escaped anywhere, this one among the resources only).
fn laid_out(text: &str) -> Option<Vec<(Range<usize>, Range<usize>)>> {
    const SECTION: &[u8] = b"\n  \"Resources\": {";
    const ENTRY: &[u8] = b"\n    \"";
    let bytes = text.as_bytes();
    let start = memmem::find(bytes, SECTION)? + SECTION.len();
    if bytes.get(start) == Some(&b'}') {
        return Some(Vec::new());
    }
    let end = start + memmem::find(&bytes[start..], b"\n  }")?;
    let section = &bytes[..end];
    let entry = memmem::Finder::new(ENTRY);
    let mut spans = Vec::new();
    let mut at = start;
    while at < end {
        if !section[at..].starts_with(ENTRY) {
            return None;
        }
        let key = at + ENTRY.len();
        let key = key..key + memchr::memchr(b'"', &section[key..])?;
        let value = key.end + 3;
        let name = text.get(key.clone())?;
        let after = spans
            .last()
            .map(|(last, _): &(Range<usize>, _)| &text[last.clone()]);
        let in_order = after.is_none_or(|last| last < name);
        if !in_order || name.contains('\\') || section.get(key.end..value)? != b"\": " {
            return None;
        }
        // The next entry's line follows the comma that ends this one; the last ends the section.
        at = entry
            .find(&section[value..])
            .map_or(end, |next| value + next);
        let close = if at < end { at - 1 } else { end };
        if at < end && section[close] != b',' {
            return None;
        }
        spans.push((key, value..close));
    }
    Some(spans)
}

/// The spans of the resources' entries of `text`, found by splitting it, in key order (none
/// when it cannot be split).
fn split(text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let offset = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
    let span = |part: &str| offset(part)..offset(part) + part.len();
    let Some((_, mut resources)) = entries(text, RESOURCES, &[]) else {
        return Vec::new();
    };
    resources.sort_unstable_by_key(|&(key, _)| key);
    let spans = resources.into_iter();
    spans.map(|(key, value)| (span(key), span(value))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Output, Parameter, Resource, Section};

    /// A template whose other sections have entries named as its resources, a loop among them,
    /// and values deep and odd.
    fn template() -> Template {
        let mut template = Template::new();
        template
            .add_parameter("B", Parameter::string().default_value("\n    \"A\": }"))
            .unwrap();
        let odd = Resource::new("AWS::SQS::Queue")
            .property("QueueName", "a\n  }\n    \"Z\": {")
            .property(
                "Tags",
                serde_json::json!([{"Key": "k", "Value": {"Deep": [{}, []]}}]),
            );
        template.add_resource("B", odd).unwrap();
        template
            .add_resource("A", Resource::new("AWS::SNS::Topic"))
            .unwrap();
        let topics = crate::intrinsic::for_each(
            "Topics",
            "N",
            vec!["x".to_owned()],
            serde_json::json!({"T${N}": {"Type": "AWS::SNS::Topic"}}),
        );
        template.add_for_each(Section::Resources, topics).unwrap();
        let output = Output::new(crate::intrinsic::reference::<String>("A"));
        template.add_output("A", output).unwrap();
        template
    }

    fn spans(written: &Written) -> Vec<(&str, &str)> {
        written.resources().collect()
    }

    #[test]
    fn the_layout_locates_what_a_split_of_a_text_kumo_wrote_finds() {
        let mut queue = Template::new();
        queue
            .add_resource("Q", Resource::new("AWS::SQS::Queue"))
            .unwrap();
        for template in [template(), Template::new(), queue] {
            let written = template.written();
            assert_eq!(written.as_str(), template.to_json());
            let found = laid_out(written.as_str()).expect("kumo's layout");
            assert_eq!(found, split(written.as_str()), "{}", written.as_str());
            assert_eq!(spans(&written), spans(&Written::from(template.to_json())));
        }
        let written = template().written();
        let keys: Vec<&str> = spans(&written).into_iter().map(|(key, _)| key).collect();
        assert_eq!(keys, ["A", "B", "Fn::ForEach::Topics"]);
    }

    #[test]
    fn a_text_laid_out_otherwise_is_split() {
        let compact = template().to_json_compact();
        assert_eq!(laid_out(&compact), None);
        let escaped = r#"{
  "Resources": {
    "A\"": {}
  }
}"#;
        assert_eq!(laid_out(escaped), None);
        let unordered = "{\n  \"Resources\": {\n    \"B\": {},\n    \"A\": []\n  }\n}";
        assert_eq!(laid_out(unordered), None);
        let split = Written::from(unordered.to_owned());
        assert_eq!(spans(&split), [("A", "[]"), ("B", "{}")], "in key order");
        for text in [
            "not json",
            "{\"Resources\": [1]}",
            "{\"Resources\": {\"A\": 1, \"A\": 2}}",
        ] {
            assert_eq!(spans(&Written::from(text.to_owned())), [], "{text}");
        }
    }
}
