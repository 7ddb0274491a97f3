//! AWS's prose as rustdoc markdown: HTML stripped, every character rustdoc would read as a link,
//! an HTML tag, a heading or a doctest escaped, and the first sentence a paragraph of its own, so
//! it is the item's summary.

use std::sync::LazyLock;

use regex::Regex;

/// HTML tags the prose is written with, which carry no meaning kumo keeps.
static HTML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(p|li|ul|ol|i|b|em|strong|a|br|div|span|note|important|code)(\s[^<>]*)?/?>")
        .expect("a valid pattern")
});

/// `text` as doc-comment markdown: paragraphs separated by an empty line.
pub fn prose(text: &str) -> String {
    let text = text.replace('\r', "").replace('\t', " ");
    let text = HTML.replace_all(&text, |caps: &regex::Captures<'_>| {
        let tag = caps[0].to_ascii_lowercase();
        match caps[1].to_ascii_lowercase().as_str() {
            "code" => "`".to_owned(),
            "p" if tag.starts_with("</") => "\n\n".to_owned(),
            "br" => "\n".to_owned(),
            "li" if !tag.starts_with("</") => "\n- ".to_owned(),
            _ => String::new(),
        }
    });
    let mut blocks: Vec<String> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut fence: Option<Vec<String>> = None;
    for line in text.lines().map(str::trim) {
        if let Some(code) = &mut fence {
            if line.starts_with("```") {
                code.push("```".to_owned());
                blocks.push(code.join("\n"));
                fence = None;
            } else {
                code.push(line.to_owned());
            }
        } else if line.starts_with("```") {
            flush(&mut blocks, &mut paragraph);
            // A fence without a language would be a doctest.
            fence = Some(vec!["```text".to_owned()]);
        } else if line.is_empty() {
            flush(&mut blocks, &mut paragraph);
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut blocks, &mut paragraph);
    if let Some(mut code) = fence {
        code.push("```".to_owned());
        blocks.push(code.join("\n"));
    }
    if let Some(first) = blocks.first_mut() {
        if let Some(at) = first_sentence_end(first) {
            let rest = first[at..].trim_start().to_owned();
            first.truncate(at);
            if !rest.is_empty() {
                blocks.insert(1, rest);
            }
        }
    }
    blocks.join("\n\n")
}

/// The first paragraph of [`prose`]'s output `markdown`, on one line: for a list item.
pub fn summary(markdown: &str) -> String {
    let first = markdown.split("\n\n").next().unwrap_or_default();
    if first.starts_with("```") {
        return String::new();
    }
    first.replace('\n', " ")
}

/// Ends a paragraph: a line per list item, every other line joined to the one before it (a
/// list item's continuation left unindented is what clippy's `doc_lazy_continuation` refuses).
fn flush(blocks: &mut Vec<String>, paragraph: &mut Vec<&str>) {
    let mut lines: Vec<String> = Vec::new();
    for line in paragraph.drain(..) {
        match lines.last_mut() {
            Some(last) if !is_list_item(line) => {
                last.push(' ');
                last.push_str(line);
            }
            _ => lines.push(line.to_owned()),
        }
    }
    if !lines.is_empty() {
        blocks.push(escape(&lines.join("\n")));
    }
}

/// Whether a line starts a list item: `-`, `*` or `+`, or a number and `.` or `)`, then a space.
fn is_list_item(line: &str) -> bool {
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = if digits > 0 {
        line[digits..].strip_prefix(['.', ')'])
    } else {
        line.strip_prefix(['-', '*', '+'])
    };
    marker.is_some_and(|rest| rest.starts_with(' '))
}

/// One paragraph with code spans and web links kept, other links reduced to their text, and
/// brackets, angle brackets and line-leading `#` escaped.
fn escape(paragraph: &str) -> String {
    let chars: Vec<char> = paragraph.chars().collect();
    let mut out = String::with_capacity(paragraph.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let line_start = i == 0 || chars[i - 1] == '\n';
        match c {
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                out.push(c);
                out.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                match closing_ticks(&chars, i + run, run) {
                    Some(end) => {
                        out.extend(&chars[i..end + run]);
                        i = end + run;
                    }
                    None => {
                        out.push_str(&"\\`".repeat(run));
                        i += run;
                    }
                }
            }
            '[' => match link(&chars, i) {
                Some((text, destination, end)) => {
                    let text = escape(&text);
                    if is_web(&destination) {
                        out.push_str(&format!("[{text}]({destination})"));
                    } else {
                        out.push_str(&text);
                    }
                    i = end;
                }
                None => {
                    out.push_str("\\[");
                    i += 1;
                }
            },
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            '<' => {
                let rest: String = chars[i + 1..].iter().take_while(|&&c| c != '>').collect();
                let closed = chars.len() > i + 1 + rest.chars().count();
                if closed && is_web(&rest) && !rest.contains(char::is_whitespace) {
                    out.push_str(&format!("<{rest}>"));
                    i += rest.chars().count() + 2;
                } else {
                    out.push_str("\\<");
                    i += 1;
                }
            }
            '>' if !line_start => {
                out.push_str("\\>");
                i += 1;
            }
            '#' | '=' if line_start => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            'h' if starts_web(&chars[i..]) => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c.is_whitespace() || "<>\"'`[]()".contains(c))
                    .map_or(chars.len(), |n| i + n);
                let mut url_end = end;
                while url_end > i && ".,;:!?*".contains(chars[url_end - 1]) {
                    url_end -= 1;
                }
                let url: String = chars[i..url_end].iter().collect();
                out.push_str(&format!("<{url}>"));
                i = url_end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Where the run of exactly `run` backticks closing a code span opened before `from` starts.
fn closing_ticks(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let len = chars[i..].iter().take_while(|&&c| c == '`').count();
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// An inline link `[text](destination)` starting at `start`: its text, destination and end.
fn link(chars: &[char], start: usize) -> Option<(String, String, usize)> {
    let mut depth = 0;
    let mut close = None;
    for (offset, &c) in chars[start..].iter().enumerate() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(start + offset);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let mut depth = 0;
    for (offset, &c) in chars[close + 1..].iter().enumerate() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    let end = close + 1 + offset;
                    let text = chars[start + 1..close].iter().collect();
                    let destination: String = chars[close + 2..end].iter().collect();
                    return Some((text, destination.trim().to_owned(), end + 1));
                }
            }
            c if c.is_whitespace() => return None,
            _ => {}
        }
    }
    None
}

fn is_web(destination: &str) -> bool {
    destination.starts_with("https://") || destination.starts_with("http://")
}

fn starts_web(chars: &[char]) -> bool {
    let head: String = chars.iter().take(8).collect();
    is_web(&head) && chars.len() > head.chars().count()
}

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: &[&str] = &["e.g", "i.e", "etc", "vs", "approx", "Inc", "Ltd", "No"];

/// Where the first sentence of a paragraph ends (after its period), if more follows: a period
/// outside code spans and links, followed by a space and a capital letter.
fn first_sentence_end(paragraph: &str) -> Option<usize> {
    if paragraph.starts_with('>') || paragraph.starts_with("```") {
        return None;
    }
    let bytes = paragraph.as_bytes();
    let mut in_code = false;
    let mut depth = 0i32;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'`' => in_code = !in_code,
            b'[' | b'(' if !in_code => depth += 1,
            b']' | b')' if !in_code => depth -= 1,
            b'.' if !in_code && depth == 0 => {
                let after = &paragraph[i + 1..];
                let next = after.trim_start_matches([' ', '\n']);
                let spaced = after.len() > next.len();
                let word = paragraph[..i]
                    .rsplit(|c: char| c.is_whitespace() || c == '(')
                    .next()
                    .unwrap_or_default();
                if spaced
                    && next.starts_with(|c: char| c.is_ascii_uppercase())
                    && !ABBREVIATIONS.contains(&word)
                {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_sentence_is_the_summary() {
        assert_eq!(
            prose("Creates a bucket. It holds objects, e.g. Files.\n\nMore."),
            "Creates a bucket.\n\nIt holds objects, e.g. Files.\n\nMore."
        );
        assert_eq!(
            prose("Sets `a. B` and [the guide. See](https://x.example/a.html) too."),
            "Sets `a. B` and [the guide. See](https://x.example/a.html) too."
        );
    }

    #[test]
    fn what_rustdoc_would_misread_is_escaped() {
        assert_eq!(
            prose("Use <region> and [brackets] or [a](relative.html), see https://a.example/x."),
            "Use \\<region\\> and \\[brackets\\] or a, see <https://a.example/x>."
        );
        assert_eq!(prose("# Not a heading"), "\\# Not a heading");
        assert_eq!(prose("Keep `<name> [x]` as is"), "Keep `<name> [x]` as is");
        assert_eq!(prose("An odd ` tick"), "An odd \\` tick");
        assert_eq!(prose("> A note."), "> A note.");
        assert_eq!(prose("Escaped \\[ stays"), "Escaped \\[ stays");
    }

    #[test]
    fn html_is_stripped_and_fences_are_text() {
        assert_eq!(
            prose("<p>One <code>x</code> <a href=\"y\">link</a>.</p>\n   <p>Two.</p>"),
            "One `x` link.\n\nTwo."
        );
        assert_eq!(
            prose("Like this:\n\n```\n{\"a\": 1}\n```"),
            "Like this:\n\n```text\n{\"a\": 1}\n```"
        );
        assert_eq!(prose("    indented code"), "indented code");
    }

    #[test]
    fn list_items_start_lines_and_other_lines_join() {
        assert_eq!(
            prose("States:\n+ `A` - first\nstill first\n1. one\nTwo lines\nof text"),
            "States:\n+ `A` - first still first\n1. one Two lines of text"
        );
    }

    #[test]
    fn a_summary_is_one_line() {
        assert_eq!(
            summary(&prose("Returns the ARN\nof the bucket.\n\nExample: `arn`")),
            "Returns the ARN of the bucket."
        );
    }
}
