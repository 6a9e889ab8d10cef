//! Writing a scalar back: the edit that makes a value's text say something
//! else while keeping the author's style — a folded `>-` block stays
//! folded, plain stays plain, quotes are added only where YAML needs them.
//!
//! A [`Slot`] is computed while the file's text is at hand (it needs to look
//! at the block indicator before a block scalar's content) and is small
//! enough to keep in the corpus index, so cross-file fixes can be built
//! without the text.

use serde::{Deserialize, Serialize};

use crate::builder::resolves_as_string;
use crate::span::{Edit, Span};
use crate::tree::{Node, Style, Value};

/// Where a scalar's text is and how to rewrite it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// The value's span (quotes included; a block scalar's content).
    pub span: Span,
    pub kind: SlotKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlotKind {
    Plain {
        in_flow: bool,
    },
    SingleQuoted,
    DoubleQuoted,
    /// A block scalar: `header` is the span of its indicator (`>-`, `|`,
    /// `>2+` …), `strip` whether it chomps the final line break,
    /// `indicator` the header without its chomping sign and `gap` the text
    /// between the header and the content (both empty when `strip`: the
    /// rewrite keeps the header then).
    Block {
        header: Span,
        strip: bool,
        indicator: String,
        gap: String,
    },
}

impl Slot {
    /// The slot of a scalar node, `None` for collections or a block scalar
    /// whose indicator cannot be found.
    pub fn of(text: &str, node: &Node, in_flow: bool) -> Option<Slot> {
        if matches!(node.value, Value::Seq(_) | Value::Map(_)) {
            return None;
        }
        let kind = match node.style {
            Style::Plain => SlotKind::Plain { in_flow },
            Style::SingleQuoted => SlotKind::SingleQuoted,
            Style::DoubleQuoted => SlotKind::DoubleQuoted,
            Style::Folded | Style::Literal => {
                let header = block_header(text, node.span.start as usize)?;
                let header_text = &text[header.range()];
                let strip = header_text.contains('-');
                // A stripping block is rewritten inside its content, so
                // indicator and gap are not needed; left empty, they cost
                // nothing (a summary keeps a slot per reference entry).
                let (indicator, gap) = match strip {
                    true => (String::new(), String::new()),
                    false => (
                        header_text.replace('+', ""),
                        text[header.end as usize..node.span.start as usize].to_string(),
                    ),
                };
                SlotKind::Block {
                    header,
                    strip,
                    indicator,
                    gap,
                }
            }
            Style::Block | Style::Flow => return None,
        };
        Some(Slot {
            span: node.span,
            kind,
        })
    }

    /// The edit that makes this scalar's value `new`.
    pub fn replace(&self, new: &str) -> Edit {
        let one_line = !new.is_empty() && !new.contains(['\n', '\r']) && new.trim() == new;
        match &self.kind {
            SlotKind::Plain { in_flow } if plain_safe(new, *in_flow) => {
                edit(self.span, new.to_string())
            }
            SlotKind::SingleQuoted if !new.chars().any(char::is_control) => {
                edit(self.span, format!("'{}'", new.replace('\'', "''")))
            }
            SlotKind::Block { strip: true, .. } if one_line && !self.span.is_empty() => {
                edit(self.span, new.to_string())
            }
            SlotKind::Block {
                header,
                indicator,
                gap,
                ..
            } if one_line && !self.span.is_empty() => {
                // Keep the block, but make it strip the final line break: the
                // new value has none.
                let whole = Span::new(header.start as usize, self.span.end as usize);
                edit(whole, format!("{indicator}-{gap}{new}"))
            }
            SlotKind::Block { header, .. } => {
                let whole = Span::new(header.start as usize, self.span.end as usize);
                edit(whole, double_quoted(new))
            }
            _ => edit(self.span, double_quoted(new)),
        }
    }
}

/// The edit that renames the key written at `key` in `text` to `new`,
/// keeping its quotes (single, double or none) where YAML allows; the
/// value and everything around the key are left as they are.
pub fn rename_key(text: &str, key: Span, new: &str, in_flow: bool) -> Edit {
    let old = text.get(key.range()).unwrap_or("");
    let replacement = if old.starts_with('\'') && !new.chars().any(char::is_control) {
        format!("'{}'", new.replace('\'', "''"))
    } else if !old.starts_with('"') && plain_safe(new, in_flow) {
        new.to_string()
    } else {
        double_quoted(new)
    };
    edit(key, replacement)
}

fn edit(span: Span, replacement: String) -> Edit {
    Edit { span, replacement }
}

/// The `>`/`|` indicator (with its chomping and indentation modifiers)
/// before the content starting at `content`.
fn block_header(text: &str, content: usize) -> Option<Span> {
    let bytes = text.as_bytes();
    let mut end = content;
    // Back over the line break and the content's indentation (and any
    // blank lines or a comment-free tail after the indicator).
    while end > 0 && matches!(bytes[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && matches!(bytes[start - 1], b'+' | b'-' | b'0'..=b'9') {
        start -= 1;
    }
    if start == 0 || !matches!(bytes[start - 1], b'>' | b'|') {
        return None;
    }
    Some(Span::new(start - 1, end))
}

/// Whether `s` can be written as a plain scalar and read back as the same
/// string.
pub fn plain_safe(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    s.trim() == s
        && !s.chars().any(char::is_control)
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !(in_flow && s.contains([',', '[', ']', '{', '}']))
        && resolves_as_string(s)
}

/// `s` as a double-quoted YAML scalar.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    /// Applies the replacement to `yaml`'s `key` and returns the new text
    /// with the value it parses to.
    fn rewrite(yaml: &str, key: &str, new: &str) -> (String, String) {
        let tree = parse(yaml, Span::new(0, yaml.len())).root.unwrap();
        let slot = Slot::of(yaml, tree.get(key).unwrap(), false).unwrap();
        let edit = slot.replace(new);
        let mut out = yaml.to_string();
        out.replace_range(edit.span.range(), &edit.replacement);
        let reparsed = parse(&out, Span::new(0, out.len())).root.unwrap();
        let value = reparsed.get(key).unwrap().as_str().unwrap().to_string();
        (out, value)
    }

    #[test]
    fn renamed_keys_keep_their_quotes_and_value() {
        for (yaml, new, expected) in [
            ("authr: Ann # who\n", "author", "author: Ann # who\n"),
            ("'authr': Ann\n", "author", "'author': Ann\n"),
            ("\"authr\": Ann\n", "author", "\"author\": Ann\n"),
            ("authr: Ann\n", "a: b", "\"a: b\": Ann\n"),
        ] {
            let tree = parse(yaml, Span::new(0, yaml.len())).root.unwrap();
            let key = tree.entries()[0].key.span;
            let edit = rename_key(yaml, key, new, false);
            let mut out = yaml.to_string();
            out.replace_range(edit.span.range(), &edit.replacement);
            assert_eq!(out, expected);
            let reparsed = parse(&out, Span::new(0, out.len())).root.unwrap();
            assert_eq!(reparsed.entries()[0].key.text, new);
        }
    }

    #[test]
    fn folded_stays_folded() {
        let (out, value) = rewrite("t: >-\n    Old title\nx: 1\n", "t", "New: title #1");
        assert_eq!(out, "t: >-\n    New: title #1\nx: 1\n");
        assert_eq!(value, "New: title #1");
    }

    #[test]
    fn clipped_and_literal_blocks_learn_to_strip() {
        let (out, value) = rewrite("t: >\n    Old\nx: 1\n", "t", "New");
        assert_eq!(
            (out.as_str(), value.as_str()),
            ("t: >-\n    New\nx: 1\n", "New")
        );
        let (out, value) = rewrite("t: |2+\n  Old\n\nx: 1\n", "t", "New");
        assert_eq!(
            (out.as_str(), value.as_str()),
            ("t: |2-\n  New\n\nx: 1\n", "New")
        );
    }

    #[test]
    fn plain_stays_plain_or_gets_quotes() {
        assert_eq!(
            rewrite("s: Old\n", "s", "Accounting and Finance").0,
            "s: Accounting and Finance\n"
        );
        let (out, value) = rewrite("s: Old\n", "s", "a: b");
        assert_eq!((out.as_str(), value.as_str()), ("s: \"a: b\"\n", "a: b"));
        let (out, value) = rewrite("s: Old\n", "s", "true");
        assert_eq!((out.as_str(), value.as_str()), ("s: \"true\"\n", "true"));
        let (_, value) = rewrite("s: Old\n", "s", "say \"hi\" \\ bye");
        assert_eq!(value, "say \"hi\" \\ bye");
    }

    #[test]
    fn quoted_styles_are_kept() {
        assert_eq!(rewrite("s: 'Old'\n", "s", "it's").0, "s: 'it''s'\n");
        assert_eq!(rewrite("s: \"Old\"\n", "s", "new").0, "s: \"new\"\n");
    }

    #[test]
    fn multi_line_value_in_a_block_becomes_quoted() {
        let (out, value) = rewrite("t: >-\n    Old\nx: 1\n", "t", "two\nlines");
        assert_eq!(out, "t: \"two\\nlines\"\nx: 1\n");
        assert_eq!(value, "two\nlines");
    }
}
