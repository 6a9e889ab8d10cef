//! Events → spanned tree: the one place a tree is built, for both YAML
//! front-ends (the fast scanner in [`crate::fast`] and saphyr-parser in
//! [`crate::yaml`]).
//!
//! It types scalars by the YAML 1.2 core schema (`2024-12-16` and `no` stay
//! strings), resolves aliases under a hard expansion budget, bounds nesting
//! depth, makes the final cut of every span, and reports duplicate keys
//! (which YAML forbids and most loaders silently accept). It knows no YAML
//! crate: the front-ends translate their events into [`Event`]s.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::span::Span;
use crate::tree::{Entry, Key, Node, Style, Value};

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

/// A syntax error at `at`.
pub(crate) fn syntax(at: Span, message: impl Into<String>) -> Problem {
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
pub(crate) enum Event<'a> {
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
pub(crate) enum ScalarTag {
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
pub(crate) struct Builder<'a> {
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
    /// The tree and the problems found.
    pub(crate) fn finish(self) -> Parsed<'a> {
        self.parsed
    }

    pub(crate) fn new(source: &'a str, base: usize) -> Self {
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
    pub(crate) fn fail(&mut self, problem: Problem) {
        self.parsed.root = None;
        self.parsed.problems.push(problem);
    }

    pub(crate) fn event(&mut self, event: Event<'a>) -> Result<(), Problem> {
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
