//! Events → spanned tree: the one place a tree is built, for both YAML
//! front-ends (the fast scanner in [`crate::fast`] and saphyr-parser in
//! [`crate::yaml`]).
//!
//! It types scalars by the YAML 1.2 core schema (`2024-12-16` and `no` stay
//! strings) and refuses what would silently change a value (a core tag its
//! scalar does not fit, an integer beyond `i64`), resolves aliases under a
//! hard expansion budget, bounds nesting depth, makes the final cut of every
//! span, and reports duplicate keys, compared by their resolved value (which
//! YAML forbids and most loaders silently accept). It knows no YAML crate:
//! the front-ends translate their events into [`Event`]s.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::span::Span;
use crate::tree::{Entry, Key, KeyValue, Node, Style, Value};

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
    Syntax {
        at: Span,
        message: String,
        /// What to do, when more can be said than "fix the YAML".
        help: Option<String>,
    },
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
        help: None,
    }
}

/// A syntax error at `at` with a hint.
fn syntax_with_help(at: Span, message: String, help: String) -> Problem {
    Problem::Syntax {
        at,
        message,
        help: Some(help),
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
        tag: Tag,
        anchor: usize,
        span: Span,
    },
    SeqStart {
        anchor: usize,
        tag: Tag,
        span: Span,
    },
    MapStart {
        anchor: usize,
        tag: Tag,
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

/// What a node's tag says about its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    None,
    /// A tag of the YAML core schema (`!!int`, `!<tag:yaml.org,2002:int>`),
    /// written at `at`: the node must fit it.
    Core(CoreTag, Span),
    /// Any other tag: a scalar is a string.
    Other,
}

/// The core schema's tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CoreTag {
    Str,
    Null,
    Bool,
    Int,
    Float,
    Seq,
    Map,
}

impl CoreTag {
    /// What a node of this tag is, for messages: "`abc` is not {…}".
    fn what(self) -> &'static str {
        match self {
            CoreTag::Str => "a string",
            CoreTag::Null => "null (`~`, `null` or nothing)",
            CoreTag::Bool => "a boolean (`true` or `false`)",
            CoreTag::Int => "an integer (`12`, `-3`, `0x1F`, `0o17`)",
            CoreTag::Float => "a number (`1.5`, `1e3`, `.inf`, `.nan`)",
            CoreTag::Seq => "a sequence",
            CoreTag::Map => "a mapping",
        }
    }
}

/// Why a scalar cannot be typed as written.
enum Unfit {
    /// Its core tag, written at the span, does not fit its text.
    Tag(CoreTag, Span),
    /// An integer beyond `i64`: no float may stand in for it.
    Range,
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
        index: Option<HashMap<(KeyValue, Cow<'a, str>), Span>>,
    },
}

/// An anchored node: the node, its node count, and a scalar's text before
/// typing (what a key that aliases it is called).
struct Anchored<'a> {
    node: Node<'a>,
    count: usize,
    text: Option<Cow<'a, str>>,
}

/// Events → tree, for both front-ends.
pub(crate) struct Builder<'a> {
    /// The YAML text, starting at whole-file byte `base`.
    source: &'a str,
    base: usize,
    stack: Vec<Frame<'a>>,
    anchors: HashMap<usize, Anchored<'a>>,
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
            } => self.scalar(text, style, tag, anchor, span),
            Event::SeqStart { anchor, tag, span } => self.start(true, anchor, tag, span),
            Event::MapStart { anchor, tag, span } => self.start(false, anchor, tag, span),
            Event::End { span } => self.end(span),
            Event::Alias { id, span } => self.alias(id, span),
        }
    }

    fn scalar(
        &mut self,
        text: Cow<'a, str>,
        style: Style,
        tag: Tag,
        anchor: usize,
        span: Span,
    ) -> Result<(), Problem> {
        let span = match style {
            Style::Literal | Style::Folded => self.trim_end(span),
            Style::SingleQuoted | Style::DoubleQuoted => {
                self.to_closing_quote(span, style == Style::DoubleQuoted)
            }
            _ => span,
        };
        // Only a key (or an anchored scalar, which may become one) needs
        // the text besides the value: a value's text moves into it (folded
        // scalars are long).
        let is_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
        let key_text = (is_key || anchor != 0).then(|| text.clone());
        let value = match scalar_value(&text, style, tag) {
            Ok(Some(value)) => value,
            Ok(None) => Value::Str(text),
            Err(unfit) => return Err(self.unfit(unfit, &text, span)),
        };
        let node = Node { span, style, value };
        if anchor != 0 {
            self.remember(anchor, &node, key_text.clone());
        }
        self.complete(node, key_text)
    }

    /// The problem of a scalar that cannot be typed as written.
    fn unfit(&self, unfit: Unfit, text: &str, span: Span) -> Problem {
        match unfit {
            Unfit::Tag(core, at) => syntax_with_help(
                at,
                format!(
                    "the tag `{}` does not fit its value: {} is not {}",
                    self.slice(at),
                    shown(text),
                    core.what()
                ),
                "drop the tag, or write a value it fits".to_string(),
            ),
            Unfit::Range => syntax_with_help(
                span,
                format!(
                    "the integer `{}` is out of range: integers are kept exactly from {} to {}",
                    excerpt(text),
                    i64::MIN,
                    i64::MAX
                ),
                "quote it to keep it as a string".to_string(),
            ),
        }
    }

    fn start(&mut self, seq: bool, anchor: usize, tag: Tag, span: Span) -> Result<(), Problem> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(syntax(
                span,
                format!("nesting is deeper than {MAX_DEPTH} levels"),
            ));
        }
        if let Tag::Core(core, at) = tag {
            let fits = matches!((core, seq), (CoreTag::Seq, true) | (CoreTag::Map, false));
            if !fits {
                let what = if seq { "a sequence" } else { "a mapping" };
                return Err(syntax_with_help(
                    at,
                    format!(
                        "the tag `{}` does not fit its value: {what} is not {}",
                        self.slice(at),
                        core.what()
                    ),
                    "drop the tag, or write a value it fits".to_string(),
                ));
            }
        }
        let start = span.start as usize;
        self.stack.push(if seq {
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

    fn end(&mut self, end_span: Span) -> Result<(), Problem> {
        // A flow collection ends with its `]` or `}`; a block one has an
        // empty end marker at the next line, so it ends where its last
        // child does.
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
            // The end marker can run over a trailing comment: stop at the
            // bracket.
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
        if anchor != 0 {
            self.remember(anchor, &node, None);
        }
        self.complete(node, None)
    }

    fn alias(&mut self, id: usize, at: Span) -> Result<(), Problem> {
        let Some(target) = self.anchors.get(&id) else {
            return Err(syntax(at, "alias to an unknown anchor"));
        };
        self.alias_nodes = self.alias_nodes.saturating_add(target.count);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(syntax(
                at,
                format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
            ));
        }
        // As a key, an alias is called what its anchor was written as.
        let text = match &target.text {
            Some(text) => text.clone(),
            None => Cow::Borrowed(self.slice(target.node.span)),
        };
        let mut node = target.node.clone();
        node.span = at;
        self.complete(node, Some(text))
    }

    fn remember(&mut self, anchor: usize, node: &Node<'a>, text: Option<Cow<'a, str>>) {
        let anchored = Anchored {
            node: node.clone(),
            count: node.count(),
            text,
        };
        self.anchors.insert(anchor, anchored);
    }

    /// Places a finished node: as a key, a value, a list item or the root.
    /// `text` is a key's name when it is not the node's source text.
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
                        None => Cow::Borrowed(slice_of(self.source, self.base, node.span)),
                    };
                    let new = Key {
                        text,
                        span: node.span,
                        resolved: key_value(&node),
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

/// A scalar's text for a message: quoted, or "an empty value".
fn shown(text: &str) -> String {
    if text.is_empty() {
        return "an empty value".to_string();
    }
    format!("`{}`", excerpt(text))
}

/// At most 40 characters of `text`, for a message.
fn excerpt(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(40) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
        None => Cow::Borrowed(text),
    }
}

/// What a key node resolves to: nearly always a string, which needs no
/// canonical form.
fn key_value(node: &Node) -> KeyValue {
    if let Value::Str(_) = node.value {
        return KeyValue::Str;
    }
    let mut canonical = String::new();
    node.canonical(&mut canonical);
    KeyValue::Other(canonical.into())
}

/// The span of an earlier key equal to `new`, and records `new`.
fn find_key<'a>(
    entries: &[Entry<'a>],
    index: &mut Option<HashMap<(KeyValue, Cow<'a, str>), Span>>,
    new: &Key<'a>,
) -> Option<Span> {
    if index.is_none() && entries.len() >= LINEAR_KEY_SCAN {
        let mut map = HashMap::with_capacity(entries.len() * 2);
        for entry in entries {
            map.entry(identity(&entry.key)).or_insert(entry.key.span);
        }
        *index = Some(map);
    }
    match index {
        Some(map) => match map.entry(identity(new)) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(new.span);
                None
            }
        },
        None => entries.iter().find(|e| e.key.same(new)).map(|e| e.key.span),
    }
}

/// A key as a hash map key: the same for keys that are [`Key::same`].
fn identity<'a>(key: &Key<'a>) -> (KeyValue, Cow<'a, str>) {
    match key.resolved {
        KeyValue::Str => (KeyValue::Str, key.text.clone()),
        ref other => (other.clone(), Cow::Borrowed("")),
    }
}

/// Types a scalar: explicit core tags first, then the YAML 1.2 core schema
/// for plain scalars; `Ok(None)` for a string (the caller owns the text).
fn scalar_value(text: &str, style: Style, tag: Tag) -> Result<Option<Value<'static>>, Unfit> {
    let (core, at) = match tag {
        Tag::Core(core, at) => (core, at),
        Tag::Other => return Ok(None),
        Tag::None if style == Style::Plain => return core_value(text),
        Tag::None => return Ok(None),
    };
    let typed = match core {
        CoreTag::Str => return Ok(None),
        CoreTag::Null => is_null(text).then_some(Value::Null),
        CoreTag::Bool => bool_value(text).map(Value::Bool),
        CoreTag::Int => int_value(text)?.map(Value::Int),
        CoreTag::Float => float_value(text).map(Value::Float),
        CoreTag::Seq | CoreTag::Map => None,
    };
    typed.map(Some).ok_or(Unfit::Tag(core, at))
}

/// Whether a plain scalar `s` would be read as a string (not a number,
/// boolean or null, nor refused as an integer out of range).
pub fn resolves_as_string(s: &str) -> bool {
    matches!(core_value(s), Ok(None))
}

/// The YAML 1.2 core schema's resolution of a plain scalar: `Ok(None)` for
/// a string.
fn core_value(s: &str) -> Result<Option<Value<'static>>, Unfit> {
    // Every null, boolean and number starts with one of these: most keys
    // and words skip the rest (this runs on every plain scalar).
    let Some(first) = s.bytes().next() else {
        return Ok(Some(Value::Null));
    };
    if !(first.is_ascii_digit() || b"~nNtTfF-+.".contains(&first)) {
        return Ok(None);
    }
    if is_null(s) {
        return Ok(Some(Value::Null));
    }
    if let Some(b) = bool_value(s) {
        return Ok(Some(Value::Bool(b)));
    }
    if let Some(i) = int_value(s)? {
        return Ok(Some(Value::Int(i)));
    }
    Ok(float_value(s).map(Value::Float))
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn bool_value(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`; `Err` beyond `i64`.
fn int_value(s: &str) -> Result<Option<i64>, Unfit> {
    let (digits, radix) = if let Some(octal) = s.strip_prefix("0o") {
        (octal, 8)
    } else if let Some(hex) = s.strip_prefix("0x") {
        (hex, 16)
    } else {
        let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        return s.parse().map(Some).map_err(|_| Unfit::Range);
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return Ok(None);
    }
    i64::from_str_radix(digits, radix)
        .map(Some)
        .map_err(|_| Unfit::Range)
}

/// The core schema's floats: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`,
/// `[-+]?.inf` and `.nan` (in three capitalisations each).
fn float_value(s: &str) -> Option<f64> {
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    let (sign, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(sign * f64::INFINITY);
    }
    if !is_core_float(unsigned) {
        return None;
    }
    s.parse().ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `core_value`'s first-byte shortcut skips only strings: no null,
    /// boolean or number starts with another byte.
    #[test]
    fn the_first_byte_shortcut_skips_only_strings() {
        let printable: Vec<char> = (' '..='~').collect();
        let mut samples: Vec<String> = [
            "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", ".nan",
            ".NaN", ".NAN", ".inf", "-.Inf", "+.INF", "0o17", "0x1F", "+12", "-1.5e3",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for a in &printable {
            samples.push(a.to_string());
            for b in &printable {
                samples.push(format!("{a}{b}"));
                samples.push(format!("{a}{b}0"));
            }
        }
        for s in &samples {
            let typed = is_null(s)
                || bool_value(s).is_some()
                || !matches!(int_value(s), Ok(None))
                || float_value(s).is_some();
            if typed {
                assert!(!matches!(core_value(s), Ok(None)), "{s:?} skipped");
            }
        }
    }
}
