//! YAML text → spanned tree.
//!
//! This is the only module that imports the YAML crate, so the parser can be
//! swapped without touching a rule. It types scalars by the YAML 1.2 core
//! schema (`2024-12-16` and `no` stay strings), resolves aliases under a hard
//! expansion budget, bounds nesting depth, and reports duplicate keys (which
//! YAML forbids and most loaders silently accept).
//!
//! Two front-ends feed one [`Builder`] with the same [`Event`]s: the
//! hand-written scanner in [`super::fast`] for the common shape of a header,
//! and saphyr-parser for everything else. Building the tree, typing, spans'
//! final cut, duplicate keys and the depth limit live only here.
//!
//! saphyr's markers count characters; spans here are bytes in whole-file
//! coordinates, converted by a cursor that walks forward from the previous
//! event (ASCII headers skip the walk entirely).

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event as YamlEvent, Parser, ScalarStyle, Span as YamlSpan, Tag};

use super::tree::{Entry, Key, Node, Style, Value};
use crate::diagnostic::Span;

/// Deeper nesting than this is refused: front matter never needs it, and
/// recursive consumers (schema validation, drop) must not exhaust the stack.
pub const MAX_DEPTH: usize = 128;

/// The most nodes that alias expansion may add to one document ("billion
/// laughs" stops here).
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Mappings with more entries than this look up duplicates by hash.
const LINEAR_KEY_SCAN: usize = 32;

#[derive(Debug, Default)]
pub struct Parsed<'a> {
    /// `None` when the header holds no document or could not be parsed.
    pub root: Option<Node<'a>>,
    pub problems: Vec<Problem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The parser stopped here; the tree is not usable.
    Syntax { at: Span, message: String },
    /// `key` repeats a key of the same mapping first written at `first`.
    DuplicateKey {
        key: Span,
        first: Span,
        name: String,
    },
}

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
    super::fast::scan(source, yaml.start as usize, &mut builder)?;
    Some(builder.parsed)
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
    builder.parsed
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

fn syntax(at: Span, message: impl Into<String>) -> Problem {
    Problem::Syntax {
        at,
        message: message.into(),
    }
}

/// What the builder consumes, with spans already in whole-file bytes. Spans
/// are the parser's raw ones: the builder makes the final cut (a quoted
/// scalar's span may run over a trailing comment, a block scalar's to the
/// next line).
#[derive(Debug)]
pub(super) enum Event<'a> {
    Scalar {
        text: Cow<'a, str>,
        /// One of the scalar styles.
        style: Style,
        tag: ScalarTag,
        anchor: usize,
        span: Span,
    },
    SeqStart {
        anchor: usize,
        span: Span,
    },
    MapStart {
        anchor: usize,
        span: Span,
    },
    /// The end of the innermost collection: empty for a block collection,
    /// running over the `]` or `}` of a flow one.
    End {
        span: Span,
    },
    Alias {
        id: usize,
        span: Span,
    },
}

/// What a scalar's tag says about its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ScalarTag {
    None,
    /// `!!str`.
    Str,
    /// `!!null`.
    Null,
    /// `!!bool`, `!!int` or `!!float`: typed if the text is any of them.
    Typed,
    /// Any other tag: the scalar is a string.
    Other,
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

enum Frame<'a> {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node<'a>>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry<'a>>,
        key: Option<Key<'a>>,
        index: Option<HashMap<Cow<'a, str>, Span>>,
    },
}

/// Events → tree, for both front-ends.
pub(super) struct Builder<'a> {
    /// The YAML text, starting at whole-file byte `base`.
    source: &'a str,
    base: usize,
    stack: Vec<Frame<'a>>,
    /// Anchored nodes with their node counts.
    anchors: HashMap<usize, (Node<'a>, usize)>,
    alias_nodes: usize,
    parsed: Parsed<'a>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(source: &'a str, base: usize) -> Self {
        Builder {
            source,
            base,
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            parsed: Parsed::default(),
        }
    }

    /// Stops the document at `problem`: the tree is dropped.
    fn fail(&mut self, problem: Problem) {
        self.parsed.root = None;
        self.parsed.problems.push(problem);
    }

    pub(super) fn event(&mut self, event: Event<'a>) -> Result<(), Problem> {
        match event {
            Event::Scalar {
                text,
                style,
                tag,
                anchor,
                span,
            } => {
                let span = match style {
                    Style::Literal | Style::Folded => self.trim_end(span),
                    Style::SingleQuoted | Style::DoubleQuoted => {
                        self.to_closing_quote(span, style == Style::DoubleQuoted)
                    }
                    _ => span,
                };
                // Only a key needs the text besides the value: a value's
                // text moves into it (folded scalars are long).
                let is_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                let key_text = is_key.then(|| text.clone());
                let value = scalar_value(text, style, tag);
                let node = Node { span, style, value };
                self.remember(anchor, &node);
                self.complete(node, key_text)
            }
            Event::SeqStart { anchor, span } | Event::MapStart { anchor, span } => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(syntax(
                        span,
                        format!("nesting is deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let start = span.start as usize;
                self.stack.push(if matches!(event, Event::SeqStart { .. }) {
                    Frame::Seq {
                        start,
                        anchor,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                        index: None,
                    }
                });
                Ok(())
            }
            Event::End { span: end_span } => {
                // A flow collection ends with its `]` or `}`; a block one has
                // an empty end marker at the next line, so it ends where its
                // last child does.
                let flow = !end_span.is_empty();
                let Some(frame) = self.stack.pop() else {
                    return Err(syntax(end_span, "unbalanced collection end"));
                };
                let (start, anchor, value, last_end) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                    } => {
                        let last = items.last().map(|n| n.span.end);
                        (start, anchor, Value::Seq(items), last)
                    }
                    Frame::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    } => {
                        let last = entries.last().map(|e| e.value.span.end.max(e.key.span.end));
                        (start, anchor, Value::Map(entries), last)
                    }
                };
                let end = if flow {
                    // The end marker can run over a trailing comment: stop
                    // at the bracket.
                    let marker = self.slice(end_span);
                    marker
                        .find([']', '}'])
                        .map_or(end_span.end as usize, |i| end_span.start as usize + i + 1)
                } else {
                    last_end.map_or(start, |e| e as usize)
                };
                let node = Node {
                    span: Span::new(start, end.max(start)),
                    style: if flow { Style::Flow } else { Style::Block },
                    value,
                };
                self.remember(anchor, &node);
                self.complete(node, None)
            }
            Event::Alias { id, span: at } => {
                let Some((target, count)) = self.anchors.get(&id) else {
                    return Err(syntax(at, "alias to an unknown anchor"));
                };
                self.alias_nodes = self.alias_nodes.saturating_add(*count);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(syntax(
                        at,
                        format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                    ));
                }
                let mut node = target.clone();
                node.span = at;
                self.complete(node, None)
            }
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node<'a>) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), node.count()));
        }
    }

    /// Places a finished node: as a key, a value, a list item or the root.
    fn complete(&mut self, node: Node<'a>, text: Option<Cow<'a, str>>) -> Result<(), Problem> {
        let Some(frame) = self.stack.last_mut() else {
            if self.parsed.root.is_none() {
                self.parsed.root = Some(node);
            }
            return Ok(());
        };
        match frame {
            Frame::Seq { items, .. } => items.push(node),
            Frame::Map {
                entries,
                key,
                index,
                ..
            } => match key.take() {
                Some(key) => entries.push(Entry { key, value: node }),
                None => {
                    let text = match text {
                        Some(text) => text,
                        None => Cow::Owned(slice_of(self.source, self.base, node.span).to_string()),
                    };
                    let new = Key {
                        text,
                        span: node.span,
                    };
                    if let Some(first) = find_key(entries, index, &new) {
                        self.parsed.problems.push(Problem::DuplicateKey {
                            key: new.span,
                            first,
                            name: new.text.to_string(),
                        });
                    }
                    *key = Some(new);
                }
            },
        }
        Ok(())
    }

    fn slice(&self, span: Span) -> &'a str {
        slice_of(self.source, self.base, span)
    }

    /// Cuts a quoted scalar's span after its closing quote (the parser's
    /// span can run over a trailing comment).
    fn to_closing_quote(&self, span: Span, double: bool) -> Span {
        let text = self.slice(span);
        let bytes = text.as_bytes();
        let quote = if double { b'"' } else { b'\'' };
        let mut i = 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if double => i += 2,
                b if b == quote && !double && bytes.get(i + 1) == Some(&quote) => i += 2,
                b if b == quote => {
                    return Span::new(span.start as usize, span.start as usize + i + 1)
                }
                _ => i += 1,
            }
        }
        span
    }

    /// Drops trailing line breaks and spaces (block scalars' spans run to
    /// the next line).
    fn trim_end(&self, span: Span) -> Span {
        let text = self.slice(span);
        let kept = text.trim_end_matches([' ', '\t', '\r', '\n']).len();
        Span::new(span.start as usize, span.start as usize + kept)
    }
}

/// `span` (whole-file bytes) of `source`, which starts at byte `base`.
fn slice_of(source: &str, base: usize, span: Span) -> &str {
    let start = (span.start as usize).saturating_sub(base);
    let end = (span.end as usize).saturating_sub(base);
    source.get(start..end).unwrap_or("")
}

/// The span of an earlier key equal to `new`, and records `new`.
fn find_key<'a>(
    entries: &[Entry<'a>],
    index: &mut Option<HashMap<Cow<'a, str>, Span>>,
    new: &Key<'a>,
) -> Option<Span> {
    if index.is_none() && entries.len() >= LINEAR_KEY_SCAN {
        let mut map = HashMap::with_capacity(entries.len() * 2);
        for entry in entries {
            map.entry(entry.key.text.clone()).or_insert(entry.key.span);
        }
        *index = Some(map);
    }
    match index {
        Some(map) => match map.get(new.text.as_ref()) {
            Some(&first) => Some(first),
            None => {
                map.insert(new.text.clone(), new.span);
                None
            }
        },
        None => entries
            .iter()
            .find(|e| e.key.text == new.text)
            .map(|e| e.key.span),
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

/// Types a scalar: explicit core tags first, then the YAML 1.2 core schema
/// for plain scalars; everything else is a string.
fn scalar_value(text: Cow<'_, str>, style: Style, tag: ScalarTag) -> Value<'_> {
    match tag {
        ScalarTag::Str => return Value::Str(text),
        ScalarTag::Null => return Value::Null,
        ScalarTag::Typed => {
            if let typed @ (Value::Bool(_) | Value::Int(_) | Value::Float(_)) = core_value(&text) {
                return typed;
            }
        }
        ScalarTag::None | ScalarTag::Other => {}
    }
    if style != Style::Plain || tag != ScalarTag::None {
        return Value::Str(text);
    }
    match core_value(&text) {
        Value::Str(_) => Value::Str(text),
        typed => typed,
    }
}

/// Whether a plain scalar `s` would be read as a string (not a number,
/// boolean or null).
pub fn resolves_as_string(s: &str) -> bool {
    matches!(core_value(s), Value::Str(_))
}

/// The YAML 1.2 core schema's resolution of a plain scalar.
fn core_value(s: &str) -> Value<'static> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let (sign, unsigned) = match s.as_bytes()[0] {
        b'-' => (-1.0, &s[1..]),
        b'+' => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Value::Float(sign * f64::INFINITY);
    }
    if let Some(octal) = s.strip_prefix("0o") {
        if !octal.is_empty() && octal.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return i64::from_str_radix(octal, 8).map_or(Value::Str(Cow::Borrowed("")), Value::Int);
        }
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return i64::from_str_radix(hex, 16).map_or(Value::Str(Cow::Borrowed("")), Value::Int);
        }
    }
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // Integers too large for i64 are still numbers.
        return s
            .parse::<i64>()
            .map(Value::Int)
            .or_else(|_| s.parse::<f64>().map(Value::Float))
            .unwrap_or(Value::Str(Cow::Borrowed("")));
    }
    if is_core_float(unsigned) {
        if let Ok(f) = s.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(Cow::Borrowed(""))
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, sign already removed.
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (mantissa, None),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(frac) => digits(int) && digits(frac) && (!int.is_empty() || !frac.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
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
