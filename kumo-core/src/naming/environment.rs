//! Environment names: a small character set, so that an environment is never a path and the
//! `{env}` segment of every name kumo makes can be read back.

use super::NamingError;

/// Most characters an environment name may have.
pub const MAX_ENVIRONMENT_LEN: usize = 32;

/// Checks an environment name: 1 to [`MAX_ENVIRONMENT_LEN`] lowercase ASCII letters and digits,
/// starting with a letter. No hyphen, so that `{service}-{env}-{path}` physical names of two
/// environments never meet; no dot or slash, so that the name is never a path.
///
/// ```
/// use kumo_core::naming::check_environment;
///
/// assert!(check_environment("prod2").is_ok());
/// assert_eq!(
///     check_environment("../x").unwrap_err().to_string(),
///     "invalid environment name \"../x\": use 1 to 32 lowercase ASCII letters and digits, \
///      starting with a letter"
/// );
/// ```
pub fn check_environment(name: &str) -> Result<(), NamingError> {
    let mut chars = name.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if starts_with_letter
        && name.len() <= MAX_ENVIRONMENT_LEN
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(NamingError::InvalidEnvironment(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_letters_and_digits_starting_with_a_letter() {
        for good in ["dev", "prod", "e2e", "a", &"a".repeat(MAX_ENVIRONMENT_LEN)] {
            assert_eq!(check_environment(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn paths_hyphens_and_other_characters_are_refused() {
        for bad in [
            "",
            "dev-",
            "dev--",
            "-dev",
            "my-env",
            "прод",
            "Dev",
            "1dev",
            "dev_1",
            "dev.1",
            "/tmp/x",
            "../../y",
            "..",
            "dev\n",
            "dev x",
            &"a".repeat(MAX_ENVIRONMENT_LEN + 1),
        ] {
            assert_eq!(
                check_environment(bad),
                Err(NamingError::InvalidEnvironment(bad.to_owned())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_message_shows_the_name_escaped() {
        assert_eq!(
            check_environment("dev\u{7}").unwrap_err().to_string(),
            "invalid environment name \"dev\\u{7}\": use 1 to 32 lowercase ASCII letters and \
             digits, starting with a letter"
        );
    }
}
