//! `key-order`: the top-level keys of the front matter in the order the
//! collection's `key-order` gives. Off until a collection sets `key-order`;
//! the fix moves whole key blocks (a key's lines, its value's lines and the
//! comment lines directly above it), so comments and formatting stay.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Span};
use crate::rule::{declare_rule, FileContext, Rule, RuleMeta};
use fmlint_syntax::{Entry, Style};

declare_rule! {
    /// ## What it does
    /// Checks that the top-level keys come in the order the collection's
    /// `key-order` lists (keys it does not list go after them, in any
    /// order), and reports the first key out of order. It does nothing for
    /// a collection without `key-order`.
    ///
    /// The fix moves whole key blocks: the key, its value's lines, and the
    /// comment lines directly above it, keeping comments, quoting and
    /// indentation. It is not offered for a flow mapping (`{a: 1, b: 2}`),
    /// a header with anchors or aliases, or a repeated key.
    ///
    /// ## Why is this bad
    /// Teams that review front matter by eye (MDN's `title`, `slug`,
    /// `page-type` first) read faster when every page has the same order,
    /// and diffs stay small.
    ///
    /// ## Example
    /// With `key-order = ["title", "slug", "page-type"]`:
    /// ```yaml
    /// slug: Web/API/Element
    /// title: Element
    /// ```
    /// Use instead: `title` first, then `slug`.
    pub struct KeyOrder {
        name: "key-order",
        severity: Warning,
        fix: Safe,
        stage: File,
    }
}

impl Rule for KeyOrder {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_file(&self, cx: &mut FileContext) {
        let order = &cx.collection.key_order;
        if order.is_empty() {
            return;
        }
        let entries = cx.root.entries();
        let rank = |e: &Entry| {
            order
                .iter()
                .position(|k| *k == e.key.text)
                .unwrap_or(order.len())
        };
        let mut latest: Option<&Entry> = None;
        for entry in entries {
            match latest {
                Some(before) if rank(entry) < rank(before) => {
                    let diagnostic = Diagnostic::new(
                        entry.key.span,
                        format!(
                            "`{}` comes after `{}`, but key-order puts it before",
                            entry.key.text, before.key.text
                        ),
                    )
                    .with_field(entry.key.text.to_string())
                    .with_help(format!(
                        "order the keys as key-order says: {}",
                        order
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    let fix = reorder(cx, &rank);
                    cx.report(match fix {
                        Some(fix) => diagnostic.with_fix(fix),
                        None => diagnostic,
                    });
                    return;
                }
                Some(before) if rank(entry) == rank(before) => {}
                _ => latest = Some(entry),
            }
        }
    }
}

/// The edit that rewrites the header's keys in order: each block moves
/// whole, and blocks of equal rank keep their order.
fn reorder(cx: &FileContext, rank: &dyn Fn(&Entry) -> usize) -> Option<Fix> {
    let text = cx.text;
    let root = cx.root;
    let entries = root.entries();
    let yaml = cx.header.yaml;
    let body = text.get(yaml.start as usize..yaml.end as usize)?;
    let repeated = entries
        .iter()
        .enumerate()
        .any(|(i, e)| entries[..i].iter().any(|o| o.key.same(&e.key)));
    if root.style == Style::Flow || repeated || has_anchor_or_alias(body) {
        return None;
    }
    // Each block starts at its comment lines directly above the key (no
    // blank line between) and runs to the start of the next block; the
    // last one ends with its value's line.
    let mut starts = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let floor = match i {
            0 => yaml.start as usize,
            _ => line_end(
                text,
                entries[i - 1]
                    .value
                    .span
                    .end
                    .max(entries[i - 1].key.span.end) as usize,
            ),
        };
        let key_line = line_start(text, entry.key.span.start as usize);
        if key_line < floor || text[key_line..entry.key.span.start as usize].trim() != "" {
            return None;
        }
        starts.push(comments_above(text, key_line, floor));
    }
    let last = entries.last()?;
    let end = line_end(text, last.value.span.end.max(last.key.span.end) as usize);
    if end > yaml.end as usize || !text[..end].ends_with('\n') {
        return None;
    }
    let blocks: Vec<&str> = (0..entries.len())
        .map(|i| {
            let stop = starts.get(i + 1).copied().unwrap_or(end);
            &text[starts[i]..stop]
        })
        .collect();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| rank(&entries[i]));
    let mut replacement = String::new();
    for &i in &order {
        replacement.push_str(blocks[i]);
        if !blocks[i].ends_with('\n') {
            replacement.push('\n');
        }
    }
    // A block that ended the header had no blank lines after it; one that
    // moves up keeps its own trailing blank lines.
    let start = starts[0];
    Some(Fix {
        message: "put the keys in key-order's order".into(),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            span: Span::new(start, end),
            replacement,
        }],
    })
}

/// The offset of the start of the line holding `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset just after the line break ending the line holding `at`
/// (the text's end when it has none).
fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Where the comment lines directly above the line at `line` start (no
/// blank line between), not before `floor`.
fn comments_above(text: &str, line: usize, floor: usize) -> usize {
    let mut start = line;
    while start > floor {
        let previous = line_start(text, start - 1);
        if previous < floor || !text[previous..start].trim_start().starts_with('#') {
            break;
        }
        start = previous;
    }
    start
}

/// Whether the YAML has an anchor (`&a`) or an alias (`*a`) outside
/// quotes and comments, roughly: moving an alias above its anchor would
/// break it, so any sign of one turns the fix off.
fn has_anchor_or_alias(yaml: &str) -> bool {
    yaml.lines().any(|line| {
        let code = line.split(" #").next().unwrap_or(line);
        let bytes = code.as_bytes();
        (0..bytes.len()).any(|i| {
            matches!(bytes[i], b'&' | b'*')
                && (i == 0 || matches!(bytes[i - 1], b' ' | b'[' | b'{' | b',' | b'-'))
                && bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace())
        })
    })
}
