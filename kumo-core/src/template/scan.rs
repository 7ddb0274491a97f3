//! Splitting the text of a JSON object into its entries without parsing their values: the
//! value of each is found by matching brackets outside strings, so that entries can be compared
//! as written, and only those that differ parsed.

use std::collections::BTreeSet;

/// A JSON object's keys and the text of their values, as written, in order.
pub(super) type Entries<'a> = Vec<(&'a str, &'a str)>;

/// The entries of the JSON object that `text` is (whitespace around it allowed), and those of
/// the object that is the value of its key `inner` (none when it has no such key), in one pass;
/// `None` when either is not an object as far as its keys, colons, commas and brackets go,
/// writes a key twice or escapes one. A value is not checked beyond its brackets: parse the
/// ones that matter.
///
/// `known` holds entries of `inner` in another text, sorted by key: a value of `inner` written
/// as the one of the same key there is stepped over by comparing bytes, not scanned.
pub(super) fn entries<'a>(
    text: &'a str,
    inner: &str,
    known: &[(&str, &str)],
) -> Option<(Entries<'a>, Entries<'a>)> {
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut within = Vec::new();
    let top = scan.object(|scan, key| match key == inner {
        true => {
            let start = scan.at;
            let mut next = 0;
            within = scan.object(|scan, key| match lookup(known, key, &mut next) {
                Some(known) => scan.written_as(known).or_else(|| scan.value()),
                None => scan.value(),
            })?;
            Some(&scan.text[start..scan.at])
        }
        false => scan.value(),
    })?;
    scan.skip_space();
    (scan.at == text.len()).then_some((top, within))
}

/// The value of `key` among `entries`, sorted by key, looked for first at `next` (where the
/// key after the last one found would be, as when keys are looked up in order), then by
/// bisection; `next` is left after the key found.
pub(super) fn lookup<'a>(
    entries: &[(&str, &'a str)],
    key: &str,
    next: &mut usize,
) -> Option<&'a str> {
    let at = match entries.get(*next) {
        Some(&(found, _)) if found == key => *next,
        _ => entries.binary_search_by(|(k, _)| (*k).cmp(key)).ok()?,
    };
    *next = at + 1;
    Some(entries[at].1)
}

/// The byte offset of the first integer the JSON `text` writes outside its strings that
/// neither `i64` nor `u64` holds: digits, perhaps after `-`, without a fraction or exponent.
pub(super) fn integer_beyond_64_bits(text: &str) -> Option<usize> {
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    while let Some(&byte) = scan.bytes.get(scan.at) {
        match byte {
            b'"' => scan.skip_string()?,
            b'-' | b'0'..=b'9' => {
                let start = scan.at;
                let token = scan.value()?;
                let integer = !token.contains(['.', 'e', 'E']);
                if integer && token.parse::<i64>().is_err() && token.parse::<u64>().is_err() {
                    return Some(start);
                }
            }
            _ => scan.at += 1,
        }
    }
    None
}

/// A position in a JSON text being scanned.
struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scan<'a> {
    /// The entries of the object that comes next, the text of each value found by `value`
    /// (which is given the key and scans from the value's start).
    fn object(
        &mut self,
        mut value: impl FnMut(&mut Self, &str) -> Option<&'a str>,
    ) -> Option<Entries<'a>> {
        self.expect(b'{')?;
        let mut found: Entries<'a> = Vec::new();
        // Keys written in order are distinct; the others are looked up among those before.
        let mut seen = BTreeSet::new();
        if self.eat(b'}') {
            return Some(found);
        }
        loop {
            let key = self.key()?;
            let in_order = seen.is_empty() && found.last().is_none_or(|&(last, _)| last < key);
            if !in_order {
                if seen.is_empty() {
                    seen.extend(found.iter().map(|&(key, _)| key));
                }
                if !seen.insert(key) {
                    return None;
                }
            }
            self.expect(b':')?;
            self.skip_space();
            found.push((key, value(self, key)?));
            if self.eat(b'}') {
                return Some(found);
            }
            self.expect(b',')?;
        }
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// Whether `byte` comes next (after whitespace), stepping over it if so.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let next = self.bytes.get(self.at) == Some(&byte);
        self.at += usize::from(next);
        next
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// A key: a string without escapes, and without the control characters JSON allows only
    /// escaped.
    fn key(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let end = start + memchr::memchr(b'"', self.bytes.get(start..)?)?;
        let key = &self.text[start..end];
        self.at = end + 1;
        (!key.bytes().any(|b| b == b'\\' || b < 0x20)).then_some(key)
    }

    /// The text of the value that starts here: a string, an object or array up to its
    /// matching bracket, or a number, `true`, `false` or `null` up to what ends it.
    fn value(&mut self) -> Option<&'a str> {
        let start = self.at;
        match *self.bytes.get(start)? {
            b'"' => self.skip_string()?,
            b'{' => self.skip_nested(b'{', b'}')?,
            b'[' => self.skip_nested(b'[', b']')?,
            _ => {
                let rest = &self.bytes[start..];
                self.at += rest
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                    .unwrap_or(rest.len());
            }
        }
        (self.at > start).then(|| &self.text[start..self.at])
    }

    /// The value that starts here when it is written as `known`, a string, object or array
    /// found by [`Scan::value`]: stepped over by comparing bytes, since such a value ends where
    /// its own bytes say. `None` (and not moved) when it is written otherwise.
    fn written_as(&mut self, known: &str) -> Option<&'a str> {
        let start = self.at;
        let end = start.checked_add(known.len())?;
        let delimited = matches!(known.as_bytes().first(), Some(b'"' | b'{' | b'['));
        let value = self.text.get(start..end).filter(|value| *value == known)?;
        delimited.then(|| {
            self.at = end;
            value
        })
    }

    /// Steps over the object or array that starts here, up to the `close` that matches its
    /// `open` (outside strings, the other kind of bracket nests within it).
    fn skip_nested(&mut self, open: u8, close: u8) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.at += memchr::memchr3(b'"', open, close, self.bytes.get(self.at..)?)?;
            match self.bytes[self.at] {
                b'"' => self.skip_string()?,
                byte if byte == open => {
                    depth += 1;
                    self.at += 1;
                }
                _ => {
                    depth -= 1;
                    self.at += 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
            }
        }
    }

    /// Steps over the string that starts here, escapes and all.
    fn skip_string(&mut self) -> Option<()> {
        self.at += 1;
        loop {
            self.at += memchr::memchr2(b'"', b'\\', self.bytes.get(self.at..)?)?;
            if self.bytes[self.at] == b'"' {
                self.at += 1;
                return Some(());
            }
            self.at += 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nothing known of another text.
    const UNKNOWN: &[(&str, &str)] = &[];

    fn top(text: &str) -> Option<Entries<'_>> {
        entries(text, "", UNKNOWN).map(|(top, _)| top)
    }

    #[test]
    fn splits_an_object_into_its_entries_as_written() {
        let text = "{\"A\": {\"Type\": \"T\", \"X\": \"}\\\"]\"},\n \"B\" : [1, [2]], \"C\": -1.5e3, \"D\": \"s\", \"E\": null}\n";
        assert_eq!(
            top(text),
            Some(vec![
                ("A", "{\"Type\": \"T\", \"X\": \"}\\\"]\"}"),
                ("B", "[1, [2]]"),
                ("C", "-1.5e3"),
                ("D", "\"s\""),
                ("E", "null"),
            ])
        );
        assert_eq!(top(" {} "), Some(Vec::new()));
        let unordered = top("{\"B\": 1, \"A\": 2, \"C\": 3, \"D\": 4}").unwrap();
        assert_eq!(unordered.iter().map(|e| e.0).collect::<String>(), "BACD");
        let text = "{\"A\": 1, \"R\": {\"X\": {\"Y\": [2]}, \"Z\": \"w\"}, \"B\": {}}";
        let (top, within) = entries(text, "R", UNKNOWN).unwrap();
        assert_eq!(top[1], ("R", "{\"X\": {\"Y\": [2]}, \"Z\": \"w\"}"));
        assert_eq!(within, [("X", "{\"Y\": [2]}"), ("Z", "\"w\"")]);
        assert_eq!(entries(text, "C", UNKNOWN).unwrap().1, []);
        assert_eq!(entries("{\"R\": [1]}", "R", UNKNOWN), None);
    }

    #[test]
    fn values_known_from_another_text_split_as_when_scanned() {
        let other = "{\"R\": {\"A\": {\"K\": \"}\"}, \"B\": [1], \"C\": 5, \"D\": {}}}";
        let known = entries(other, "R", UNKNOWN).unwrap().1;
        let text =
            "{\"R\": {\"A\": {\"K\": \"}\"}, \"B\": [1, 2], \"C\": 50, \"D\": {}, \"E\": {}}}";
        let (_, within) = entries(text, "R", &known).unwrap();
        assert_eq!(
            Some(&within),
            entries(text, "R", UNKNOWN).map(|e| e.1).as_ref()
        );
        assert_eq!(
            within,
            [
                ("A", "{\"K\": \"}\"}"),
                ("B", "[1, 2]"),
                ("C", "50"),
                ("D", "{}"),
                ("E", "{}")
            ]
        );
        for end in (0..text.len()).filter(|&end| text.is_char_boundary(end)) {
            assert_eq!(entries(&text[..end], "R", &known), None, "{}", &text[..end]);
        }
    }

    #[test]
    fn a_lookup_finds_keys_in_any_order_and_tries_the_next_first() {
        let sorted = [("A", "1"), ("B", "2"), ("D", "4")];
        let mut next = 0;
        let found: Vec<_> = ["A", "B", "C", "D", "A", "D", "B"]
            .into_iter()
            .map(|key| (lookup(&sorted, key, &mut next), next))
            .collect();
        assert_eq!(
            found,
            [
                (Some("1"), 1),
                (Some("2"), 2),
                (None, 2),
                (Some("4"), 3),
                (Some("1"), 1),
                (Some("4"), 3),
                (Some("2"), 2)
            ]
        );
        assert_eq!(lookup(&[], "A", &mut 5), None);
    }

    #[test]
    fn what_is_not_an_object_of_plain_keys_is_none() {
        for text in [
            "",
            "[]",
            "{",
            "{\"A\": 1",
            "{\"A\": 1,}",
            "{\"A\" 1}",
            "{\"A\": }",
            "{\"A\": 1} x",
            "{\"A\": {\"B\": 1}",
            "{\"A\": \"open}",
            "{\"A\": 1, \"A\": 2}",
            "{\"B\": 1, \"A\": 2, \"B\": 3}",
            "{\"A\": 1, \"C\": 2, \"B\": 3, \"C\": 4}",
            "{\"\\u0041\": 1}",
            "{A: 1}",
        ] {
            assert_eq!(top(text), None, "{text}");
        }
    }

    #[test]
    fn never_panics_on_a_cut_text() {
        let text = "{\"A\": {\"K\": \"é\\\\\\\"}\"}, \"B\": [1, {\"C\": true}]}";
        assert!(top(text).is_some());
        for end in (0..text.len()).filter(|&end| text.is_char_boundary(end)) {
            assert_eq!(
                entries(&text[..end], "A", UNKNOWN),
                None,
                "{}",
                &text[..end]
            );
        }
    }
}
