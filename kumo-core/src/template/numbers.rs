//! Integers a JSON template writes beyond 64 bits. serde_json reads them as floats, rounded
//! (`123456789012345678901234567890` is `1.2345678901234568e29`), so they are found in the text:
//! only when the parsed template holds a whole float that large, since a float written as one
//! (`1e20`) is read as it is meant.

use super::scan::integer_beyond_64_bits;
use crate::Json;

/// 2^63: below it, every whole number a float can be is an `i64`.
const LARGE: f64 = 9_223_372_036_854_775_808.0;

/// The place (line and column, from 1) of an integer beyond 64 bits that `text`, read as
/// `json`, writes and `json` holds rounded; `None` when it writes none.
pub(super) fn rounded_integer(json: &Json, text: &str) -> Option<(usize, usize)> {
    holds_large_whole_float(json)
        .then(|| integer_beyond_64_bits(text))
        .flatten()
        .map(|offset| place(text, offset))
}

/// Whether `json` holds a whole number of at least 2^63 in size that was read as a float: one
/// an integer beyond 64 bits may have become.
fn holds_large_whole_float(json: &Json) -> bool {
    match json {
        Json::Number(number) => number
            .as_f64()
            .is_some_and(|value| number.is_f64() && value.fract() == 0.0 && value.abs() >= LARGE),
        Json::Array(items) => items.iter().any(holds_large_whole_float),
        Json::Object(map) => map.values().any(holds_large_whole_float),
        _ => false,
    }
}

/// The line and column (from 1, in characters) of byte `offset` of `text`.
fn place(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_64_bits_are_found_where_written() {
        let found = |text: &str| integer_beyond_64_bits(text).map(|offset| place(text, offset));
        assert_eq!(found("[18446744073709551616]"), Some((1, 2)));
        assert_eq!(
            found("{\"a\": 1,\n  \"b\": -9223372036854775809}"),
            Some((2, 8))
        );
        for fits in [
            "[18446744073709551615, -9223372036854775808, 0, -0]",
            "[1e400, 1.5, 18446744073709551616.0, 2E+19]",
            r#"["123456789012345678901234567890", "a\"18446744073709551616"]"#,
            "{\"\\u00e9 99999999999999999999\": 1}",
        ] {
            assert_eq!(found(fits), None, "{fits}");
        }
    }

    #[test]
    fn only_large_whole_floats_call_for_a_scan() {
        let json: Json = serde_json::from_str("[1, 1.5, 9223372036854775807, 1e18]").unwrap();
        assert!(!holds_large_whole_float(&json));
        let json: Json = serde_json::from_str("{\"a\": [1e19]}").unwrap();
        assert!(holds_large_whole_float(&json));
    }

    #[test]
    fn never_panics_on_a_cut_text() {
        let text = "{\"k\\\"\": [-1, \"é\", 18446744073709551616e0, -]}";
        for end in (0..=text.len()).filter(|&end| text.is_char_boundary(end)) {
            let _ = integer_beyond_64_bits(&text[..end]);
        }
    }
}
