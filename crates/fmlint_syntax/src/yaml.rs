//! YAML text → spanned tree: the entry point, and the saphyr-parser
//! front-end.
//!
//! This is the only module that imports the YAML crate, so the parser can be
//! swapped without touching a rule. The hand-written scanner in
//! [`crate::fast`] takes the common shape of a header; saphyr-parser takes
//! everything else. Both feed one [`Builder`] with the same [`Event`]s.
//!
//! saphyr's markers count characters; spans here are bytes in whole-file
//! coordinates, converted by a cursor that walks forward from the previous
//! event (ASCII headers skip the walk entirely).

use saphyr_parser::{Event as YamlEvent, Parser, ScalarStyle, Span as YamlSpan, Tag as YamlTag};

use crate::builder::{syntax, Builder, CoreTag, Event, Parsed, Problem, Tag};
use crate::span::Span;
use crate::tree::Style;

/// Parses `text[yaml]`, reporting spans in `text`'s coordinates: by the fast
/// scanner when the header is in its subset, by saphyr-parser otherwise.
pub fn parse(text: &str, yaml: Span) -> Parsed<'_> {
    let Some(parsed) = parse_fast(text, yaml) else {
        return parse_saphyr(text, yaml);
    };
    #[cfg(debug_assertions)]
    {
        let full = parse_saphyr(text, yaml);
        debug_assert_eq!(
            format!("{parsed:?}"),
            format!("{full:?}"),
            "the fast scanner disagrees with saphyr on {:?}",
            text.get(yaml.range())
        );
    }
    parsed
}

/// [`parse`] by the fast scanner alone: `None` when the header is outside
/// its subset. Public for the equivalence tests and the fuzzer.
#[doc(hidden)]
pub fn parse_fast(text: &str, yaml: Span) -> Option<Parsed<'_>> {
    let source = text.get(yaml.range())?;
    let mut builder = Builder::new(source, yaml.start as usize);
    crate::fast::scan(source, yaml.start as usize, &mut builder)?;
    Some(builder.finish())
}

/// [`parse`] by saphyr-parser alone. Public for the equivalence tests and
/// the fuzzer.
#[doc(hidden)]
pub fn parse_saphyr(text: &str, yaml: Span) -> Parsed<'_> {
    let source = &text[yaml.range()];
    let mut builder = Builder::new(source, yaml.start as usize);
    if let Some((at, c)) = crate::chars::forbidden(source) {
        builder.fail(forbidden_char(yaml.start as usize + at, c));
        return builder.finish();
    }
    let mut offsets = Offsets::new(source, yaml.start as usize);
    let mut parser = Parser::new_from_str(source);
    while let Some(event) = parser.next_event() {
        let step = match event {
            Ok((event, span)) => match convert(event, offsets.span(span), text) {
                Some(event) => builder.event(event),
                None => Ok(()),
            },
            Err(error) => {
                let at = offsets.byte(error.marker().index());
                Err(syntax(Span::empty(at), error.info().to_string()))
            }
        };
        if let Err(problem) = step {
            builder.fail(problem);
            break;
        }
    }
    builder.finish()
}

/// The problem of a character YAML does not allow, at whole-file byte `at`.
fn forbidden_char(at: usize, c: char) -> Problem {
    Problem::Syntax {
        at: Span::new(at, at + c.len_utf8()),
        message: format!(
            "the character U+{:04X} is not allowed in YAML",
            u32::from(c)
        ),
        help: Some(format!(
            "remove it, or write it as an escape (`\\u{:04X}`) in a double-quoted string",
            u32::from(c)
        )),
    }
}

/// saphyr's event as the builder's; `None` for the events it ignores.
/// `text` is the whole file, which `span` indexes (for the tag's span).
fn convert<'a>(event: YamlEvent<'a>, span: Span, text: &str) -> Option<Event<'a>> {
    let tag = |tag: Option<&YamlTag>| node_tag(tag, text, span);
    Some(match event {
        YamlEvent::Scalar(value, style, anchor, t) => Event::Scalar {
            tag: tag(t.as_deref()),
            style: scalar_style(style),
            text: value,
            anchor,
            span,
        },
        YamlEvent::SequenceStart(anchor, t) => Event::SeqStart {
            anchor,
            tag: tag(t.as_deref()),
            span,
        },
        YamlEvent::MappingStart(anchor, t) => Event::MapStart {
            anchor,
            tag: tag(t.as_deref()),
            span,
        },
        YamlEvent::SequenceEnd | YamlEvent::MappingEnd => Event::End { span },
        YamlEvent::Alias(id) => Event::Alias { id, span },
        YamlEvent::StreamStart
        | YamlEvent::StreamEnd
        | YamlEvent::DocumentStart(_)
        | YamlEvent::DocumentEnd
        | YamlEvent::Nothing => return None,
    })
}

/// The prefix of the core schema's tags (what `!!` stands for).
const CORE_PREFIX: &str = "tag:yaml.org,2002:";

/// What a node's tag means, with where it is written: saphyr's event span
/// starts at the node's first property (`&anchor` or `!tag`).
fn node_tag(tag: Option<&YamlTag>, text: &str, span: Span) -> Tag {
    let Some(tag) = tag else {
        return Tag::None;
    };
    // `!!int`, or `!<tag:yaml.org,2002:int>` written in full.
    let full = format!("{}{}", tag.handle, tag.suffix);
    let Some(name) = full.strip_prefix(CORE_PREFIX) else {
        return Tag::Other;
    };
    let core = match name {
        "str" => CoreTag::Str,
        "null" => CoreTag::Null,
        "bool" => CoreTag::Bool,
        "int" => CoreTag::Int,
        "float" => CoreTag::Float,
        "seq" => CoreTag::Seq,
        "map" => CoreTag::Map,
        _ => return Tag::Other,
    };
    Tag::Core(core, tag_span(text, span))
}

/// The bytes of the tag among the properties that start `span` (an
/// anchor and a tag, in either order, separated by spaces, line breaks or
/// comments); `span`'s start if none is found.
fn tag_span(text: &str, span: Span) -> Span {
    let start = span.start as usize;
    let Some(node) = text.get(start..) else {
        return Span::empty(start);
    };
    // A property ends at a space, a line break or a flow indicator; a
    // verbatim tag (`!<tag:yaml.org,2002:int>`) at its `>`.
    let token_end = |from: usize| {
        let rest = &node[from..];
        let end = match rest.strip_prefix("!<") {
            Some(verbatim) => verbatim.find('>').map(|n| n + 3),
            None => rest.find([' ', '\t', '\r', '\n', ',', '[', ']', '{', '}']),
        };
        end.map_or(node.len(), |n| from + n)
    };
    let mut i = 0;
    for _ in 0..2 {
        i = skip_separation(node, i);
        match node.as_bytes().get(i) {
            Some(b'!') => return Span::new(start + i, start + token_end(i)),
            Some(b'&') => i = token_end(i),
            _ => break,
        }
    }
    Span::empty(start)
}

/// `from` moved over spaces, tabs, line breaks and comments.
fn skip_separation(text: &str, mut from: usize) -> usize {
    let bytes = text.as_bytes();
    while let Some(&b) = bytes.get(from) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => from += 1,
            b'#' => from = text[from..].find('\n').map_or(text.len(), |n| from + n),
            _ => break,
        }
    }
    from
}

fn scalar_style(style: ScalarStyle) -> Style {
    match style {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    }
}

/// Converts saphyr's character indices to whole-file byte offsets.
struct Offsets<'a> {
    source: &'a str,
    base: usize,
    ascii: bool,
    /// The last conversion: character `chars` is at byte `bytes`.
    chars: usize,
    bytes: usize,
}

impl<'a> Offsets<'a> {
    fn new(source: &'a str, base: usize) -> Self {
        Offsets {
            source,
            base,
            ascii: source.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    /// Byte offset (whole file) of character `index` of the source. Events
    /// arrive nearly in order, so the cursor moves a few characters at most.
    fn byte(&mut self, index: usize) -> usize {
        if self.ascii {
            return self.base + index.min(self.source.len());
        }
        while self.chars < index && self.bytes < self.source.len() {
            let width = self.source[self.bytes..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            self.bytes += width;
            self.chars += 1;
        }
        while self.chars > index && self.bytes > 0 {
            self.bytes -= 1;
            while !self.source.is_char_boundary(self.bytes) {
                self.bytes -= 1;
            }
            self.chars -= 1;
        }
        self.base + self.bytes
    }

    /// A saphyr span in whole-file bytes.
    fn span(&mut self, span: YamlSpan) -> Span {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index());
        Span::new(start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::Problem;
    use crate::tree::{Node, Value};

    fn parse_str(text: &str) -> Parsed<'_> {
        parse(text, Span::new(0, text.len()))
    }

    fn root(text: &str) -> Node<'_> {
        let parsed = parse_str(text);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        parsed.root.expect("a document")
    }

    #[test]
    fn core_schema_typing() {
        let text = "a: 3608\nb: -1.0\nc: True\nd: 2024-12-16\ne: no\nf: '12'\ng: ~\nh: 0x1F\ni: 1e3\nj: .5\nk: 1.2.3\nl: !!str 5\n";
        let tree = root(text);
        assert_eq!(tree.get("a").unwrap().value, Value::Int(3608));
        assert_eq!(tree.get("b").unwrap().value, Value::Float(-1.0));
        assert_eq!(tree.get("c").unwrap().value, Value::Bool(true));
        assert_eq!(tree.get("d").unwrap().as_str(), Some("2024-12-16"));
        assert_eq!(tree.get("e").unwrap().as_str(), Some("no"));
        assert_eq!(tree.get("f").unwrap().as_str(), Some("12"));
        assert_eq!(tree.get("g").unwrap().value, Value::Null);
        assert_eq!(tree.get("h").unwrap().value, Value::Int(31));
        assert_eq!(tree.get("i").unwrap().value, Value::Float(1000.0));
        assert_eq!(tree.get("j").unwrap().value, Value::Float(0.5));
        assert_eq!(tree.get("k").unwrap().as_str(), Some("1.2.3"));
        assert_eq!(tree.get("l").unwrap().as_str(), Some("5"));
    }

    #[test]
    fn spans_are_bytes_in_file_coordinates() {
        let file = "---\nt: é🚀\nx: >-\n    folded é\n    more\n\ny: \"q\"\n---\n";
        let yaml = Span::new(4, file.len() - 4);
        let parsed = parse(file, yaml);
        let tree = parsed.root.unwrap();
        let at = |n: &Node| &file[n.span.range()];
        assert_eq!(at(tree.get("t").unwrap()), "é🚀");
        assert_eq!(at(tree.get("x").unwrap()), "folded é\n    more");
        assert_eq!(tree.get("x").unwrap().as_str(), Some("folded é more"));
        assert_eq!(at(tree.get("y").unwrap()), "\"q\"");
        assert_eq!(&file[tree.entry("y").unwrap().key.span.range()], "y");
    }

    #[test]
    fn nested_map_span_ends_at_last_value() {
        let text = "seo:\n  title: A\n  d: B\nz: 1\n";
        let tree = root(text);
        assert_eq!(
            &text[tree.get("seo").unwrap().span.range()],
            "title: A\n  d: B"
        );
        assert_eq!(tree.lookup("seo.d").unwrap().as_str(), Some("B"));
    }

    #[test]
    fn duplicate_keys_point_at_the_second() {
        let text = "a: 1\nb: 2\na: 3\n";
        let parsed = parse_str(text);
        assert_eq!(
            parsed.problems,
            vec![Problem::DuplicateKey {
                key: Span::new(10, 11),
                first: Span::new(0, 1),
                name: "a".into()
            }]
        );
        assert_eq!(parsed.root.unwrap().get("a").unwrap().value, Value::Int(3));
    }

    #[test]
    fn duplicate_keys_in_large_mappings() {
        let mut text: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k7: again\n");
        let parsed = parse_str(&text);
        assert!(
            matches!(&parsed.problems[..], [Problem::DuplicateKey { name, .. }] if name == "k7")
        );
    }

    #[test]
    fn syntax_error_has_a_position() {
        let text = "a: 1\nb: \"open\n";
        let parsed = parse_str(text);
        assert!(parsed.root.is_none());
        assert!(matches!(parsed.problems[..], [Problem::Syntax { .. }]));
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let parsed = parse_str(&text);
        assert!(parsed.root.is_none());
        assert!(
            matches!(&parsed.problems[..], [Problem::Syntax { message, .. }] if message.contains("aliases"))
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let parsed = parse_str(&text);
        assert!(parsed.root.is_none());
        assert_eq!(parsed.problems.len(), 1);
    }

    #[test]
    fn aliases_resolve() {
        let tree = root("a: &x {b: 1}\nc: *x\n");
        assert_eq!(tree.lookup("c.b").unwrap().value, Value::Int(1));
    }
}

#[cfg(test)]
mod comment_spans {
    use super::*;

    /// Regression: saphyr's span of a quoted scalar or a flow collection ran
    /// over a trailing comment, so `# fmlint-ignore` after it did nothing.
    #[test]
    fn trailing_comments_are_not_part_of_values() {
        let text = "a: \"/x\"  # note\nb: 'y'   # note\nc: {k: v}  # note\nd: [1, 2] # note\ne: plain # note\n";
        let tree = parse(text, Span::new(0, text.len())).root.unwrap();
        let at = |k: &str| &text[tree.get(k).unwrap().span.range()];
        assert_eq!(at("a"), "\"/x\"");
        assert_eq!(at("b"), "'y'");
        assert_eq!(at("c"), "{k: v}");
        assert_eq!(at("d"), "[1, 2]");
        assert_eq!(at("e"), "plain");
    }
}

/// Regressions of issue 17: keys compared by their resolved value, tags
/// that do not fit their scalar, integers beyond `i64`, and characters
/// YAML 1.2 forbids.
#[cfg(test)]
mod issue_17 {
    use super::*;
    use crate::builder::Problem;
    use crate::tree::Value;

    fn parse_str(text: &str) -> Parsed<'_> {
        parse(text, Span::new(0, text.len()))
    }

    /// The one syntax problem of `text`: its span's text and its message.
    fn syntax_error(text: &str) -> (&str, String) {
        let parsed = parse_str(text);
        assert!(parsed.root.is_none(), "{text:?} gave a tree");
        match &parsed.problems[..] {
            [Problem::Syntax { at, message, .. }] => (&text[at.range()], message.clone()),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    fn duplicates(text: &str) -> Vec<(&str, &str, String)> {
        parse_str(text)
            .problems
            .iter()
            .map(|p| match p {
                Problem::DuplicateKey { key, first, name } => {
                    (&text[key.range()], &text[first.range()], name.clone())
                }
                other => panic!("{text:?}: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn an_alias_used_as_a_key_is_the_anchored_key() {
        let text = "&a a: 1\n*a : 2\n";
        let parsed = parse_str(text);
        let root = parsed.root.as_ref().expect("a tree");
        let keys: Vec<_> = root.entries().iter().map(|e| e.key.text.as_ref()).collect();
        assert_eq!(keys, ["a", "a"]);
        assert_eq!(root.to_json(), serde_json::json!({"a": 2}));
        // A key's span starts at its anchor, as every node's does.
        assert_eq!(duplicates(text), [("*a", "&a a", "a".to_string())]);
    }

    #[test]
    fn an_alias_key_to_a_different_value_is_no_duplicate() {
        let text = "k: &v a\nb: 1\n*v : 2\n";
        // `*v` is the key `a`, which the mapping does not have yet.
        assert_eq!(duplicates(text), []);
        let root = parse_str(text).root.expect("a tree");
        assert_eq!(root.get("a").map(|n| &n.value), Some(&Value::Int(2)));
    }

    #[test]
    fn integer_keys_are_compared_as_integers() {
        assert_eq!(
            duplicates("1: a\n0x1: b\n"),
            [("0x1", "1", "0x1".to_string())]
        );
        assert_eq!(duplicates("0o10: a\n8: b\n").len(), 1);
        assert_eq!(duplicates("~: a\nnull: b\n").len(), 1);
        // An integer and a string are two keys.
        assert_eq!(duplicates("1: a\n'1': b\n"), []);
        assert_eq!(duplicates("true: a\n'true': b\n"), []);
        // A quoted and a plain string are one.
        assert_eq!(duplicates("a: 1\n'a': 2\n").len(), 1);
    }

    #[test]
    fn collection_keys_are_compared_by_value() {
        assert_eq!(duplicates("[a, b]: 1\n[ a,  b ]: 2\n").len(), 1);
        assert_eq!(
            duplicates("{x: 1, y: 2}: a\n{y: 2, 'x': 0x1}: b\n").len(),
            1
        );
        assert_eq!(duplicates("[a, b]: 1\n[b, a]: 2\n"), []);
        assert_eq!(duplicates("[1]: 1\n['1']: 2\n"), []);
    }

    #[test]
    fn a_tag_that_does_not_fit_its_scalar_is_an_error_at_the_tag() {
        for (text, tag) in [
            ("a: !!int abc\n", "!!int"),
            ("a: !!null x\n", "!!null"),
            ("a: !!int 1.5\n", "!!int"),
            ("a: !!bool 1\n", "!!bool"),
            ("a: !!bool yes\n", "!!bool"),
            ("a: !!float abc\n", "!!float"),
            ("a: &x !!int abc\n", "!!int"),
            ("a: !!int &x abc\n", "!!int"),
            (
                "a: !<tag:yaml.org,2002:int> abc\n",
                "!<tag:yaml.org,2002:int>",
            ),
            ("a: [1, !!int x]\n", "!!int"),
            ("a: {k: !!int}\n", "!!int"),
            ("a: &x\n  # note\n  !!null\n  x\n", "!!null"),
            ("a: !!str [x]\n", "!!str"),
            ("a: !!seq {k: v}\n", "!!seq"),
            ("a: !!map\n  - x\n", "!!map"),
        ] {
            let (at, message) = syntax_error(text);
            assert_eq!(at, tag, "{text:?}");
            assert!(message.contains(tag), "{text:?}: {message}");
        }
    }

    #[test]
    fn a_tag_that_fits_its_scalar_types_it() {
        let root = parse_str("a: !!int '12'\nb: !!float 1\nc: !!null ~\nd: !!bool False\ne: !!str 0x1\nf: !!int 0o7\n")
            .root
            .expect("a tree");
        assert_eq!(root.get("a").unwrap().value, Value::Int(12));
        assert_eq!(root.get("b").unwrap().value, Value::Float(1.0));
        assert_eq!(root.get("c").unwrap().value, Value::Null);
        assert_eq!(root.get("d").unwrap().value, Value::Bool(false));
        assert_eq!(root.get("e").unwrap().as_str(), Some("0x1"));
    }

    #[test]
    fn integers_beyond_i64_are_an_error_not_a_float() {
        for text in [
            "a: 12345678901234567890\n",
            "a: -9223372036854775809\n",
            "a: 0xFFFFFFFFFFFFFFFFFF\n",
            "a: 0o7777777777777777777777\n",
        ] {
            let (at, message) = syntax_error(text);
            assert_eq!(at, &text[3..text.len() - 1], "{text:?}");
            assert!(message.contains("integer"), "{text:?}: {message}");
        }
        let root = parse_str("a: 9223372036854775807\nb: -9223372036854775808\n")
            .root
            .expect("a tree");
        assert_eq!(root.get("a").unwrap().value, Value::Int(i64::MAX));
        assert_eq!(root.get("b").unwrap().value, Value::Int(i64::MIN));
    }

    #[test]
    fn characters_yaml_forbids_are_an_error_at_the_character() {
        for (text, bad) in [
            ("a: x\u{81}y\n", "\u{81}"),
            ("a: \"x\u{9f}\"\n", "\u{9f}"),
            ("a: x\u{fffe}\n", "\u{fffe}"),
            ("a: x\u{ffff}\n", "\u{ffff}"),
            ("# note \u{80}\na: x\n", "\u{80}"),
            ("a: \"x\u{1}\"\n", "\u{1}"),
            ("a: 'x\u{7f}'\n", "\u{7f}"),
        ] {
            let (at, message) = syntax_error(text);
            assert_eq!(at, bad, "{text:?}");
            assert!(message.contains("U+"), "{text:?}: {message}");
        }
        // NEL, tabs, CR and escapes are allowed.
        for text in [
            "a: x\u{85}y\n",
            "a: \"\\x81\"\n",
            "a: x\ty\r\n",
            "a: \u{a0}é\u{fffd}\n",
        ] {
            let parsed = parse_str(text);
            assert!(
                parsed.problems.is_empty(),
                "{text:?}: {:?}",
                parsed.problems
            );
        }
    }
}
