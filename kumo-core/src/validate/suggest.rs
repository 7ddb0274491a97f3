//! The name that was probably meant, for a name that is not one of those allowed: a misspelled
//! property, section or attribute is refused with the nearest that is.

/// How near a name must be to another (by Jaro-Winkler similarity, from 0 to 1) to be offered
/// in its place.
const NEAR: f64 = 0.85;

/// Of `names`, the one nearest `name`, if one is near enough to be what was meant.
pub(super) fn nearest(name: &str, names: &'static [&'static str]) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    names
        .iter()
        .map(|candidate| {
            let likeness = strsim::jaro_winkler(&lower, &candidate.to_ascii_lowercase());
            (likeness, *candidate)
        })
        .filter(|(likeness, _)| *likeness >= NEAR)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// `; did you mean X?` for a suggestion, else nothing.
pub(super) fn did_you_mean(suggestion: &Option<&str>) -> String {
    suggestion
        .map(|name| format!("; did you mean {name}?"))
        .unwrap_or_default()
}

/// `A, B or C`.
pub(super) fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_name_is_offered_and_a_far_one_is_not() {
        const NAMES: &[&str] = &["DelaySeconds", "QueueName", "VisibilityTimeout"];
        assert_eq!(
            nearest("VisibilityTimout", NAMES),
            Some("VisibilityTimeout")
        );
        assert_eq!(nearest("queuename", NAMES), Some("QueueName"));
        assert_eq!(nearest("Colour", NAMES), None);
        assert_eq!(
            did_you_mean(&Some("QueueName")),
            "; did you mean QueueName?"
        );
        assert_eq!(did_you_mean(&None), "");
        assert_eq!(
            one_of(&["Delete", "Retain", "Snapshot"]),
            "Delete, Retain or Snapshot"
        );
    }
}
