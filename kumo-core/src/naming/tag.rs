//! Tag keys and values, checked against the rules AWS applies to stack and resource tags.

use super::NamingError;

/// Most characters a tag key may have.
pub const MAX_TAG_KEY_LEN: usize = 128;
/// Most characters a tag value may have.
pub const MAX_TAG_VALUE_LEN: usize = 256;
/// Most tags a stack (or a resource) may carry.
pub const MAX_TAGS: usize = 50;
/// The key prefix AWS keeps for its own tags.
const RESERVED_PREFIX: &str = "aws:";
/// Characters allowed besides Unicode letters, digits and whitespace.
const PUNCTUATION: &str = "_.:/=+-@";

/// Checks a set of tags: at most [`MAX_TAGS`], each passing [`check_tag`].
///
/// ```
/// use kumo_core::naming::check_tags;
///
/// assert!(check_tags([("team", "media"), ("cost-centre", "")]).is_ok());
/// assert_eq!(
///     check_tags([("aws:team", "media")]).unwrap_err().to_string(),
///     "invalid tag \"aws:team\": keys starting with `aws:` are reserved for AWS"
/// );
/// ```
pub fn check_tags<'a>(
    tags: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), NamingError> {
    check_all(tags, check_tag)
}

/// Checks the tags a template writes on one resource: at most [`MAX_TAGS`], each passing
/// [`check_resource_tag`].
///
/// ```
/// use kumo_core::naming::check_resource_tags;
///
/// assert!(check_resource_tags([("Name", "Public Subnet (AZ1)")]).is_ok());
/// assert!(check_resource_tags([("aws:team", "media")]).is_err());
/// ```
pub fn check_resource_tags<'a>(
    tags: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), NamingError> {
    check_all(tags, check_resource_tag)
}

fn check_all<'a>(
    tags: impl IntoIterator<Item = (&'a str, &'a str)>,
    check: fn(&str, &str) -> Result<(), NamingError>,
) -> Result<(), NamingError> {
    let mut count = 0;
    for (key, value) in tags {
        check(key, value)?;
        count += 1;
    }
    if count > MAX_TAGS {
        return Err(NamingError::TooManyTags { count });
    }
    Ok(())
}

/// Checks one tag of a stack, which CloudFormation puts on every resource it makes: the rules
/// of [`check_resource_tag`], and only the characters every service takes: Unicode letters,
/// digits, whitespace and `_ . : / = + - @`.
pub fn check_tag(key: &str, value: &str) -> Result<(), NamingError> {
    check_resource_tag(key, value)?;
    for (part, text) in [("key", key), ("value", value)] {
        if let Some(c) = text.chars().find(|&c| !allowed(c)) {
            return Err(NamingError::InvalidTag {
                key: key.to_owned(),
                reason: format!(
                    "the {part} holds {c:?}; use letters, digits, spaces and _ . : / = + - @"
                ),
            });
        }
    }
    Ok(())
}

/// Checks one tag a template writes on a resource, by the rules of every service: a key of 1
/// to [`MAX_TAG_KEY_LEN`] characters not starting with `aws:` (in any case), a value of at most
/// [`MAX_TAG_VALUE_LEN`]. Which characters are taken is the service's to say (EC2 takes any).
pub fn check_resource_tag(key: &str, value: &str) -> Result<(), NamingError> {
    let fail = |reason: String| {
        Err(NamingError::InvalidTag {
            key: key.to_owned(),
            reason,
        })
    };
    let key_len = key.chars().count();
    if !(1..=MAX_TAG_KEY_LEN).contains(&key_len) {
        return fail(format!(
            "keys have 1 to {MAX_TAG_KEY_LEN} characters, not {key_len}"
        ));
    }
    if key
        .get(..RESERVED_PREFIX.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(RESERVED_PREFIX))
    {
        return fail(format!(
            "keys starting with `{RESERVED_PREFIX}` are reserved for AWS"
        ));
    }
    let value_len = value.chars().count();
    if value_len > MAX_TAG_VALUE_LEN {
        return fail(format!(
            "the value has {value_len} characters; AWS allows at most {MAX_TAG_VALUE_LEN}"
        ));
    }
    Ok(())
}

fn allowed(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c.is_whitespace() || PUNCTUATION.contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(key: &str, value: &str) -> String {
        check_tag(key, value).unwrap_err().to_string()
    }

    #[test]
    fn aws_rules_are_accepted_at_their_limits() {
        let key = "k".repeat(MAX_TAG_KEY_LEN);
        let value = "v".repeat(MAX_TAG_VALUE_LEN);
        for (key, value) in [
            (key.as_str(), value.as_str()),
            ("team", ""),
            ("Zespół", "zażółć gęślą jaźń"),
            ("a_b.c:d/e=f+g-h@i", "x y\tz 42"),
            ("awsome", "aws:value"),
        ] {
            assert_eq!(check_tag(key, value), Ok(()), "{key:?} = {value:?}");
        }
        let many: Vec<(String, String)> = (0..MAX_TAGS)
            .map(|n| (format!("k{n}"), String::new()))
            .collect();
        assert_eq!(
            check_tags(many.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            Ok(())
        );
    }

    #[test]
    fn a_resource_tag_may_hold_any_character() {
        for value in ["Public Subnet (AZ1)", "ops, platform", "R&D #1 ~ —"] {
            assert_eq!(check_resource_tag("Name", value), Ok(()), "{value}");
            assert!(check_tag("Name", value).is_err(), "{value}");
        }
        assert!(check_resource_tag("aws:x", "v").is_err());
        assert!(check_resource_tag("", "v").is_err());
        assert!(check_resource_tag("k", &"v".repeat(MAX_TAG_VALUE_LEN + 1)).is_err());
    }

    #[test]
    fn each_broken_rule_is_named() {
        assert_eq!(
            reason("", "x"),
            "invalid tag \"\": keys have 1 to 128 characters, not 0"
        );
        assert_eq!(
            reason(&"k".repeat(129), ""),
            format!(
                "invalid tag {:?}: keys have 1 to 128 characters, not 129",
                "k".repeat(129)
            )
        );
        assert_eq!(
            reason("AWS:team", "x"),
            "invalid tag \"AWS:team\": keys starting with `aws:` are reserved for AWS"
        );
        assert_eq!(
            reason("team", &"v".repeat(300)),
            "invalid tag \"team\": the value has 300 characters; AWS allows at most 256"
        );
        assert_eq!(
            reason("team#1", "x"),
            "invalid tag \"team#1\": the key holds '#'; use letters, digits, spaces and _ . : / = + - @"
        );
        assert_eq!(
            reason("team", "a\u{0}b"),
            "invalid tag \"team\": the value holds '\\0'; use letters, digits, spaces and _ . : / = + - @"
        );
    }

    #[test]
    fn more_than_fifty_tags_are_refused() {
        let many: Vec<String> = (0..=MAX_TAGS).map(|n| format!("k{n}")).collect();
        assert_eq!(
            check_tags(many.iter().map(|k| (k.as_str(), "v")))
                .unwrap_err()
                .to_string(),
            "51 tags; AWS allows at most 50"
        );
    }
}
