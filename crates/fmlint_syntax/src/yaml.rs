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

use saphyr_parser::{Event as YamlEvent, Parser, ScalarStyle, Span as YamlSpan, Tag};

use crate::builder::{syntax, Builder, Event, Parsed, ScalarTag};
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
    let mut offsets = Offsets::new(source, yaml.start as usize);
    let mut builder = Builder::new(source, yaml.start as usize);
    let mut parser = Parser::new_from_str(source);
    while let Some(event) = parser.next_event() {
        let step = match event {
            Ok((event, span)) => match convert(event, offsets.span(span)) {
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

/// saphyr's event as the builder's; `None` for the events it ignores.
fn convert(event: YamlEvent<'_>, span: Span) -> Option<Event<'_>> {
    Some(match event {
        YamlEvent::Scalar(text, style, anchor, tag) => Event::Scalar {
            tag: scalar_tag(tag.as_deref()),
            style: scalar_style(style),
            text,
            anchor,
            span,
        },
        YamlEvent::SequenceStart(anchor, _) => Event::SeqStart { anchor, span },
        YamlEvent::MappingStart(anchor, _) => Event::MapStart { anchor, span },
        YamlEvent::SequenceEnd | YamlEvent::MappingEnd => Event::End { span },
        YamlEvent::Alias(id) => Event::Alias { id, span },
        YamlEvent::StreamStart
        | YamlEvent::StreamEnd
        | YamlEvent::DocumentStart(_)
        | YamlEvent::DocumentEnd
        | YamlEvent::Nothing => return None,
    })
}

fn scalar_tag(tag: Option<&Tag>) -> ScalarTag {
    let Some(tag) = tag else {
        return ScalarTag::None;
    };
    if tag.handle != "!!" && !tag.is_yaml_core_schema() {
        return ScalarTag::Other;
    }
    match tag.suffix.as_str() {
        "str" => ScalarTag::Str,
        "null" => ScalarTag::Null,
        "bool" | "int" | "float" => ScalarTag::Typed,
        _ => ScalarTag::Other,
    }
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
