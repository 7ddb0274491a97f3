//! The tags of single resources: [`ResourceTags`], for [`crate::Scope::with_tags`] and
//! `stack!`'s `#[tags(...)]`.

use std::collections::BTreeMap;

/// Which tags kumo puts on the resources added inside [`crate::Scope::with_tags`]: the stack's
/// default tags or none, and extra tags that win over them.
///
/// ```
/// use kumo_core::scope::ResourceTags;
///
/// let none = ResourceTags::none();
/// let extra = ResourceTags::default().tag("team", "data");
/// assert_eq!(none.then(&extra), ResourceTags::none().tag("team", "data"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceTags {
    defaults: bool,
    extra: BTreeMap<String, String>,
}

impl Default for ResourceTags {
    /// The stack's default tags, nothing else.
    fn default() -> Self {
        ResourceTags {
            defaults: true,
            extra: BTreeMap::new(),
        }
    }
}

impl ResourceTags {
    /// No default tags (`#[tags(none)]`).
    pub fn none() -> Self {
        ResourceTags {
            defaults: false,
            extra: BTreeMap::new(),
        }
    }

    /// With the tag `key` set to `value` (`#[tags("key" = value)]`), over a default tag of the
    /// same key.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }

    /// These settings inside `inner`: default tags only if both keep them, and the extra tags
    /// of both, `inner`'s winning.
    pub fn then(&self, inner: &ResourceTags) -> ResourceTags {
        let mut extra = self.extra.clone();
        extra.extend(inner.extra.clone());
        ResourceTags {
            defaults: self.defaults && inner.defaults,
            extra,
        }
    }

    /// The tags of a resource in a stack whose default tags are `defaults`.
    pub(crate) fn resolve(&self, defaults: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut tags = if self.defaults {
            defaults.clone()
        } else {
            BTreeMap::new()
        };
        tags.extend(self.extra.clone());
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_tags_win_and_none_drops_the_defaults() {
        let defaults = BTreeMap::from([
            ("team".to_owned(), "mes".to_owned()),
            ("environment".to_owned(), "dev".to_owned()),
        ]);
        let over = ResourceTags::default().tag("team", "data");
        assert_eq!(
            over.resolve(&defaults),
            BTreeMap::from([
                ("environment".to_owned(), "dev".to_owned()),
                ("team".to_owned(), "data".to_owned()),
            ])
        );
        assert!(ResourceTags::none().resolve(&defaults).is_empty());
        let inner = ResourceTags::default().tag("team", "inner");
        assert_eq!(
            over.then(&ResourceTags::none()).then(&inner),
            ResourceTags::none().tag("team", "inner")
        );
    }
}
