//! Collision detection for names.

use std::collections::BTreeMap;

use super::NamingError;

/// The names claimed in one namespace (a template's logical IDs, one type's physical names in an
/// account), each with the path that claimed it.
///
/// ```
/// use kumo_core::naming::NameRegistry;
///
/// let mut ids = NameRegistry::new();
/// ids.claim("IngestBucket", "ingest-bucket")?;
/// let err = ids.claim("IngestBucket", "ingest/bucket").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "name `IngestBucket` of `ingest/bucket` collides with the same name of `ingest-bucket`"
/// );
/// # Ok::<(), kumo_core::naming::NamingError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct NameRegistry {
    claimed: BTreeMap<String, String>,
}

impl NameRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        NameRegistry::default()
    }

    /// Claims `name` for `path`; fails, naming both paths, if another path holds it.
    /// Claiming a name again for the same path is allowed.
    pub fn claim(&mut self, name: &str, path: &str) -> Result<(), NamingError> {
        match self.claimed.get(name) {
            Some(first) if first != path => Err(NamingError::Collision {
                name: name.to_owned(),
                first: first.clone(),
                second: path.to_owned(),
            }),
            Some(_) => Ok(()),
            None => {
                self.claimed.insert(name.to_owned(), path.to_owned());
                Ok(())
            }
        }
    }

    /// The path that claimed `name`.
    pub fn owner(&self, name: &str) -> Option<&str> {
        self.claimed.get(name).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::LogicalId;

    #[test]
    fn distinct_paths_that_pascal_case_alike_collide() {
        let mut ids = NameRegistry::new();
        let first = ["ingest-bucket", "policy"];
        let second = ["ingest", "bucket-policy"];
        let a = LogicalId::from_path(&first).unwrap();
        let b = LogicalId::from_path(&second).unwrap();
        assert_eq!(a, b);
        ids.claim(a.as_str(), &first.join("/")).unwrap();
        assert_eq!(
            ids.claim(b.as_str(), &second.join("/")),
            Err(NamingError::Collision {
                name: "IngestBucketPolicy".into(),
                first: "ingest-bucket/policy".into(),
                second: "ingest/bucket-policy".into(),
            })
        );
        assert_eq!(
            ids.owner("IngestBucketPolicy"),
            Some("ingest-bucket/policy")
        );
    }

    #[test]
    fn reclaiming_for_the_same_path_is_fine() {
        let mut ids = NameRegistry::new();
        ids.claim("A", "a").unwrap();
        ids.claim("A", "a").unwrap();
    }
}
