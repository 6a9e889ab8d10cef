//! A header's text → tree, by the language its fences say: YAML
//! ([`crate::yaml`]), TOML ([`crate::toml`]) or JSON. Every consumer of a
//! whole header calls [`parse_header`], so no rule ever asks which it was.
//!
//! JSON is YAML 1.2's flow syntax, so the YAML path builds its tree once
//! serde_json has said it is strict JSON (YAML would also take unquoted
//! keys, comments and trailing commas, which the site generator refuses).

use crate::builder::{Parsed, Problem};
use crate::span::Span;
use crate::split::{Format, Header};

/// Parses the header's text in its format, with whole-file spans.
pub fn parse_header<'a>(text: &'a str, header: &Header) -> Parsed<'a> {
    match header.format {
        Format::Yaml => crate::yaml::parse(text, header.yaml),
        Format::Toml => crate::toml::parse(text, header.yaml),
        Format::Json => match json_error(text, header.yaml) {
            Some(problem) => Parsed {
                root: None,
                problems: vec![problem],
            },
            None => crate::yaml::parse(text, header.yaml),
        },
    }
}

/// Why `text[body]` is not strict JSON, at serde_json's line and column.
fn json_error(text: &str, body: Span) -> Option<Problem> {
    let source = text.get(body.range())?;
    let error = serde_json::from_str::<serde::de::IgnoredAny>(source).err()?;
    let line_start: usize = source
        .split_inclusive('\n')
        .take(error.line().saturating_sub(1))
        .map(str::len)
        .sum();
    // serde_json counts the column in bytes, from 1 (0 at a line's end).
    let mut at = (line_start + error.column().saturating_sub(1)).min(source.len());
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    if let Some(comma) = trailing_comma(source, at) {
        let at = body.start as usize + comma;
        return Some(Problem::Syntax {
            at: Span::new(at, at + 1),
            message: "a trailing comma: JSON allows none after the last item".into(),
            help: Some("remove the comma".into()),
        });
    }
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(what, _)| what);
    let at = body.start as usize + at;
    Some(Problem::Syntax {
        at: Span::empty(at),
        message: message.to_string(),
        help: None,
    })
}

/// Where the `,` is when the error at `at` is a `}` or `]` that only
/// whitespace separates from a comma before it (serde_json says "key must
/// be a string" or "trailing comma" there).
fn trailing_comma(source: &str, at: usize) -> Option<usize> {
    if !matches!(source.as_bytes().get(at), Some(b'}' | b']')) {
        return None;
    }
    let before = source[..at].trim_end();
    before.ends_with(',').then(|| before.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::split;

    #[test]
    fn a_json_header_is_the_same_tree_with_spans() {
        let text = "{\n  \"title\": \"Hi\",\n  \"tags\": [\"a\", \"b\"],\n  \"n\": 3\n}\nBody";
        let header = split(text).unwrap();
        let parsed = parse_header(text, &header);
        assert_eq!(parsed.problems, []);
        let root = parsed.root.unwrap();
        let title = root.entry("title").unwrap();
        assert_eq!(&text[title.key.span.range()], "\"title\"");
        assert_eq!(&text[title.value.span.range()], "\"Hi\"");
        assert_eq!(root.get("n").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn a_trailing_comma_is_named_at_the_comma() {
        let text = "{\n  \"title\": \"Hi\",\n}\n";
        let header = split(text).unwrap();
        let parsed = parse_header(text, &header);
        let [Problem::Syntax { at, message, .. }] = parsed.problems.as_slice() else {
            panic!("one problem");
        };
        assert_eq!(&text[at.range()], ",");
        assert_eq!(at.start, 17);
        assert!(message.contains("trailing comma"), "{message}");
    }

    #[test]
    fn what_yaml_would_take_but_json_refuses_is_an_error_at_its_place() {
        let text = "{\n  \"title\": \"Hi\",\n  draft: true\n}\n";
        let header = split(text).unwrap();
        let parsed = parse_header(text, &header);
        assert!(parsed.root.is_none());
        let [Problem::Syntax { at, message, .. }] = parsed.problems.as_slice() else {
            panic!("{:?}", parsed.problems);
        };
        assert_eq!(&text[at.start as usize..], "draft: true\n}\n");
        assert_eq!(message, "key must be a string");
    }
}
