//! Writing templates: the sections in CloudFormation's order, each sorted by key.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{Section, Template};
use crate::value::Json;

/// The sections in the order the template writes them: CloudFormation's, then `Hooks`, then the
/// keys the model does not know, sorted.
impl Serialize for Template {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("AWSTemplateFormatVersion", &self.format_version)?;
        if let Some(description) = &self.description {
            map.serialize_entry("Description", description)?;
        }
        if !self.metadata.is_empty() {
            map.serialize_entry("Metadata", &self.metadata)?;
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
            map.serialize_entry("Hooks", &self.hooks)?;
        }
        for (key, value) in &self.other {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl Template {
    /// Writes a section unless it has neither declarations nor functions.
    fn write_section<M: SerializeMap, T: Serialize>(
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

impl<T: Serialize> Serialize for Entries<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<T: Serialize> Serialize for Entry<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Entry::Declared(value) => value.serialize(serializer),
            Entry::Function(value) => value.serialize(serializer),
        }
    }
}
