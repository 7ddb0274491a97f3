//! Logical IDs.

use std::fmt;

use super::{stable_hash, NamingError, Path};

/// The longest logical ID CloudFormation accepts.
pub const MAX_LOGICAL_ID_LEN: usize = 255;

/// A logical ID: ASCII letters and digits, 1 to 255 of them.
///
/// Built from a path of names, each segment in PascalCase, so the ID of a resource depends only on
/// the names leading to it, never on its position:
///
/// ```
/// use kumo_core::naming::LogicalId;
///
/// let id = LogicalId::from_path(&["mia-import", "ingest_bucket", "Policy"])?;
/// assert_eq!(id.as_str(), "MiaImportIngestBucketPolicy");
/// assert!(LogicalId::parse("Not-Valid").is_err());
/// # Ok::<(), kumo_core::naming::NamingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogicalId(String);

impl LogicalId {
    /// Checks that `id` is a valid logical ID.
    pub fn parse(id: &str) -> Result<LogicalId, NamingError> {
        let invalid = |reason| NamingError::InvalidLogicalId {
            id: id.to_owned(),
            reason,
        };
        if id.is_empty() {
            return Err(invalid("it is empty"));
        }
        if id.len() > MAX_LOGICAL_ID_LEN {
            return Err(invalid("it is longer than 255 characters"));
        }
        if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid("it may hold only ASCII letters and digits"));
        }
        Ok(LogicalId(id.to_owned()))
    }

    /// The ID of a path of names: each segment in PascalCase, joined. An ID longer than 255
    /// characters is cut and ends in an 8-character hash of the whole path, so it stays unique.
    pub fn from_path(path: Path<'_>) -> Result<LogicalId, NamingError> {
        if path.is_empty() {
            return Err(NamingError::EmptyPath);
        }
        let mut id = String::new();
        for segment in path {
            if let Some(letter) = segment
                .chars()
                .find(|c| c.is_alphanumeric() && !c.is_ascii())
            {
                return Err(NamingError::NonAscii {
                    path: path.join("/"),
                    segment: (*segment).to_owned(),
                    letter,
                });
            }
            let part = pascal_case(segment);
            if part.is_empty() {
                return Err(NamingError::EmptySegment {
                    path: path.join("/"),
                    segment: (*segment).to_owned(),
                });
            }
            id.push_str(&part);
        }
        if id.len() > MAX_LOGICAL_ID_LEN {
            let hash = stable_hash(&path.join("/"), 8).to_ascii_uppercase();
            id.truncate(MAX_LOGICAL_ID_LEN - hash.len());
            id.push_str(&hash);
        }
        Ok(LogicalId(id))
    }

    /// The ID as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ID as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for LogicalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for LogicalId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// One name in PascalCase: words split at anything but ASCII letters and digits, each word's
/// first letter upper-cased, the rest kept as written (`sns_alerts` and `snsAlerts` give
/// `SnsAlerts`, `SNSAlerts` stays `SNSAlerts`).
///
/// ```
/// assert_eq!(kumo_core::naming::pascal_case("ingest-bucket"), "IngestBucket");
/// assert_eq!(kumo_core::naming::pascal_case("api v2.1"), "ApiV21");
/// ```
pub fn pascal_case(segment: &str) -> String {
    segment
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let (first, rest) = word.split_at(1);
            first.to_ascii_uppercase() + rest
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_cases_words() {
        for (input, expected) in [
            ("bucket", "Bucket"),
            ("ingest-bucket", "IngestBucket"),
            ("sns_alerts_topic", "SnsAlertsTopic"),
            ("snsAlerts", "SnsAlerts"),
            ("SNSAlertsTopic", "SNSAlertsTopic"),
            ("  two  words ", "TwoWords"),
            ("v2.api", "V2Api"),
            ("3rd", "3rd"),
            ("---", ""),
        ] {
            assert_eq!(pascal_case(input), expected, "{input}");
        }
    }

    #[test]
    fn ids_follow_the_path() {
        let id = LogicalId::from_path(&["mia-import-processor", "ingest", "bucket"]).unwrap();
        assert_eq!(id.as_str(), "MiaImportProcessorIngestBucket");
        assert_eq!(id.to_string(), "MiaImportProcessorIngestBucket");
    }

    #[test]
    fn ids_are_alphanumeric_and_at_most_255() {
        let long = "segment".repeat(50);
        let id = LogicalId::from_path(&[&long, "x"]).unwrap();
        assert_eq!(id.as_str().len(), MAX_LOGICAL_ID_LEN);
        assert!(id.as_str().chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(LogicalId::parse(id.as_str()).is_ok());
    }

    #[test]
    fn long_ids_end_in_a_stable_hash_of_the_path() {
        let long = "segment".repeat(50);
        let a = LogicalId::from_path(&[&long, "a"]).unwrap();
        let b = LogicalId::from_path(&[&long, "b"]).unwrap();
        assert_ne!(a, b, "paths that differ past the cut stay distinct");
        assert_eq!(a, LogicalId::from_path(&[&long, "a"]).unwrap());
        let expected_hash = stable_hash(&format!("{long}/a"), 8).to_ascii_uppercase();
        assert!(a.as_str().ends_with(&expected_hash), "{a}");
    }

    #[test]
    fn empty_paths_and_segments_are_errors() {
        assert_eq!(LogicalId::from_path(&[]), Err(NamingError::EmptyPath));
        assert_eq!(
            LogicalId::from_path(&["queue", "--"])
                .unwrap_err()
                .to_string(),
            "path segment \"--\" of `queue/--` holds no ASCII letter or digit"
        );
        // Not dropped: `größe` and `grüße` would both be `GrE`.
        assert_eq!(
            LogicalId::from_path(&["größe"]).unwrap_err().to_string(),
            "path segment \"größe\" of `größe` holds 'ö', which a logical ID cannot hold (ASCII letters and digits only)"
        );
        assert!(LogicalId::from_path(&["桶"]).is_err());
        assert_eq!(LogicalId::from_path(&["jobs-2"]).unwrap().as_str(), "Jobs2");
    }

    #[test]
    fn parse_enforces_the_rules() {
        assert!(LogicalId::parse("Bucket1").is_ok());
        for (id, reason) in [
            ("", "it is empty"),
            ("my-bucket", "it may hold only ASCII letters and digits"),
            ("Büro", "it may hold only ASCII letters and digits"),
        ] {
            assert_eq!(
                LogicalId::parse(id).unwrap_err().to_string(),
                format!("invalid logical ID `{id}`: {reason}")
            );
        }
        let too_long = "A".repeat(256);
        assert!(matches!(
            LogicalId::parse(&too_long),
            Err(NamingError::InvalidLogicalId {
                reason: "it is longer than 255 characters",
                ..
            })
        ));
    }
}
