//! CloudFormation stack names and the prefix kumo.toml may put before them.

use super::physical::STACK;
use super::NamingError;

/// Checks a stack name against CloudFormation's rule: an ASCII letter, then ASCII letters,
/// digits and hyphens, at most 128 characters.
///
/// ```
/// use kumo_core::naming::check_stack_name;
///
/// assert!(check_stack_name("acme-network-prod").is_ok());
/// assert_eq!(
///     check_stack_name("acme_network-prod").unwrap_err().to_string(),
///     "invalid stack name \"acme_network-prod\": it holds '_'; CloudFormation takes an ASCII \
///      letter followed by ASCII letters, digits and hyphens, at most 128 characters"
/// );
/// ```
pub fn check_stack_name(name: &str) -> Result<(), NamingError> {
    match problem(name) {
        Some(reason) => Err(NamingError::InvalidStackName {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Checks a prefix for stack names (kumo.toml's `stack-name-prefix`): empty, or the start of a
/// valid stack name.
pub fn check_stack_name_prefix(prefix: &str) -> Result<(), NamingError> {
    match problem(prefix).filter(|_| !prefix.is_empty()) {
        Some(reason) => Err(NamingError::InvalidStackNamePrefix {
            prefix: prefix.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// What makes `name` break the stack name rule, if anything.
fn problem(name: &str) -> Option<String> {
    let Some(first) = name.chars().next() else {
        return Some("it is empty".to_owned());
    };
    if !first.is_ascii_alphabetic() {
        return Some(format!("it starts with {first:?}"));
    }
    if let Some(c) = name.chars().find(|&c| !STACK.allows(c)) {
        return Some(format!("it holds {c:?}"));
    }
    (name.len() > STACK.max_len).then(|| format!("it has {} characters", name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str =
        "CloudFormation takes an ASCII letter followed by ASCII letters, digits and \
                        hyphens, at most 128 characters";

    #[test]
    fn valid_names_pass() {
        for good in ["a", "acme-network-prod", "A-1", &"a".repeat(128)] {
            assert_eq!(check_stack_name(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn each_broken_rule_is_named() {
        for (bad, reason) in [
            ("", "it is empty".to_owned()),
            ("1stack-dev", "it starts with '1'".to_owned()),
            ("-stack-dev", "it starts with '-'".to_owned()),
            ("my_stack-dev", "it holds '_'".to_owned()),
            ("stäck-dev", "it holds 'ä'".to_owned()),
            (&"a".repeat(129), "it has 129 characters".to_owned()),
        ] {
            assert_eq!(
                check_stack_name(bad).unwrap_err().to_string(),
                format!("invalid stack name {bad:?}: {reason}; {RULE}")
            );
        }
    }

    #[test]
    fn a_prefix_is_empty_or_starts_a_valid_name() {
        for good in ["", "acme-", "Acme"] {
            assert_eq!(check_stack_name_prefix(good), Ok(()), "{good}");
        }
        assert_eq!(
            check_stack_name_prefix("9acme-").unwrap_err().to_string(),
            format!("invalid stack-name-prefix \"9acme-\": it starts with '9'; {RULE}")
        );
        assert_eq!(
            check_stack_name_prefix("acme/").unwrap_err().to_string(),
            format!("invalid stack-name-prefix \"acme/\": it holds '/'; {RULE}")
        );
    }
}
