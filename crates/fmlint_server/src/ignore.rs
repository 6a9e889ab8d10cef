//! The "ignore this finding" quick fixes: the edits that add an
//! `# fmlint-ignore: RULE` comment at the right place of the header, or a
//! file-wide one, without changing any value.

use fmlint_linter::diagnostic::{Diagnostic, Edit};
use fmlint_linter::rule::Stage;
use fmlint_linter::suppress::Suppressions;
use fmlint_syntax::{LineIndex, Node, Span, Style, Value};

/// Whether an inline comment can silence the finding: the header parsed
/// (per-file and cross-file rules; not the parse stage).
pub(crate) fn suppressible(finding: &Diagnostic) -> bool {
    finding.rule != fmlint_linter::rules::UnusedSuppression::META.name
        && fmlint_linter::rules::find(finding.rule)
            .is_some_and(|r| matches!(r.meta().stage, Stage::File | Stage::Corpus))
}

/// The edit that adds `# fmlint-ignore: RULE` for this finding: at the end
/// of its line, else on a line of its own above the key that holds it (a
/// comment after a block scalar's line, or inside a quoted or flow value,
/// would be text). An existing directive at that place gets the rule added
/// to its list. Each candidate is tried on a copy: the first that leaves
/// every value as it was and silences the finding wins.
pub fn ignore_here(text: &str, finding: &Diagnostic) -> Option<Edit> {
    let header = commentable(text)?;
    let yaml = header.yaml.range();
    let at = finding.span().start as usize;
    if !(yaml.start..yaml.end).contains(&at) {
        return None;
    }
    let parsed = fmlint_syntax::parse_header(text, &header);
    let root = parsed.root.as_ref()?;
    let lines = LineIndex::new(text);
    let rule = finding.rule;
    let line = lines.line_of(at);
    let newline = |line: usize| {
        let end = lines.line_range(line).end;
        if text[end..].starts_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    };
    let mut text_spans = Vec::new();
    text_spans_of(root, &mut text_spans);

    let mut candidates = Vec::new();
    let range = lines.line_range(line);
    match comment_start(text, range.clone(), &text_spans) {
        None => {
            let end = range.start + text[range.clone()].trim_end().len();
            candidates.push(insert(end, format!("  # fmlint-ignore: {rule}")));
        }
        Some(hash) => candidates.extend(add_to_directive(text, hash, range.end, rule)),
    }
    let key_line = key_start(root, at).map_or(line, |offset| lines.line_of(offset));
    for target in [key_line, line] {
        if target > 0 {
            let above = lines.line_range(target - 1);
            let above_text = &text[above.clone()];
            if above.start >= yaml.start && above_text.trim_start().starts_with('#') {
                let hash = above.start + (above_text.len() - above_text.trim_start().len());
                candidates.extend(add_to_directive(text, hash, above.end, rule));
            }
        }
        let start = lines.line_range(target).start;
        let indent: String = text[start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        candidates.push(insert(
            start,
            format!("{indent}# fmlint-ignore: {rule}{}", newline(target)),
        ));
    }
    let before = root.to_json();
    candidates
        .into_iter()
        .find(|edit| silences_after(text, &before, parsed.problems.len(), finding, edit))
}

/// The edit that adds `# fmlint-ignore-file: RULE` as the header's first
/// line.
pub fn ignore_in_file(text: &str, finding: &Diagnostic) -> Option<Edit> {
    let header = commentable(text)?;
    let parsed = fmlint_syntax::parse_header(text, &header);
    let before = parsed.root.as_ref()?.to_json();
    let newline = if text[..header.yaml.start as usize].ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let edit = insert(
        header.yaml.start as usize,
        format!("# fmlint-ignore-file: {}{newline}", finding.rule),
    );
    silences_after(text, &before, parsed.problems.len(), finding, &edit).then_some(edit)
}

/// The header of `text` when its language has `#` comments (JSON has
/// none: a directive would break it).
fn commentable(text: &str) -> Option<fmlint_syntax::Header> {
    let header = fmlint_syntax::split(text).ok()?;
    (header.format != fmlint_syntax::Format::Json).then_some(header)
}

/// Whether `edit` leaves the header's values and problems as they were and
/// makes a directive silence `finding`.
fn silences_after(
    text: &str,
    values: &serde_json::Value,
    problems: usize,
    finding: &Diagnostic,
    edit: &Edit,
) -> bool {
    let mut edited = text.to_string();
    edited.replace_range(edit.span.range(), &edit.replacement);
    let Ok(header) = fmlint_syntax::split(&edited) else {
        return false;
    };
    let parsed = fmlint_syntax::parse_header(&edited, &header);
    let Some(root) = &parsed.root else {
        return false;
    };
    if parsed.problems.len() != problems || root.to_json() != *values {
        return false;
    }
    let lines = LineIndex::new(&edited);
    let Some(mut suppressions) = Suppressions::collect(&edited, &header, Some(root), &lines) else {
        return false;
    };
    let shift = |offset: u32| {
        if offset >= edit.span.start {
            offset + edit.replacement.len() as u32
        } else {
            offset
        }
    };
    let mut moved = finding.clone();
    moved.location.span = Span {
        start: shift(finding.span().start),
        end: shift(finding.span().end),
    };
    suppressions.silences(&moved)
}

fn insert(at: usize, text: String) -> Edit {
    Edit {
        span: Span::empty(at),
        replacement: text,
    }
}

/// For a `# fmlint-ignore: …` comment at `hash..end` that does not name
/// `rule`, the edit adding it to the list.
fn add_to_directive(text: &str, hash: usize, end: usize, rule: &str) -> Option<Edit> {
    let comment = &text[hash..end];
    let body = comment.strip_prefix('#')?.trim_start();
    let list = body.strip_prefix("fmlint-ignore")?.strip_prefix(':')?;
    let names = &list[..list.find(" --").unwrap_or(list.len())];
    if names.split([',', ' ', '\t']).any(|n| n == rule) {
        return None;
    }
    let names_end = end - list.len() + names.trim_end().len();
    Some(insert(names_end, format!(", {rule}")))
}

/// Spans whose `#` is text: keys, scalars, flow collections.
fn text_spans_of(node: &Node, out: &mut Vec<Span>) {
    match &node.value {
        Value::Map(entries) if node.style != Style::Flow => {
            for entry in entries {
                out.push(entry.key.span);
                text_spans_of(&entry.value, out);
            }
        }
        Value::Seq(items) if node.style != Style::Flow => {
            items.iter().for_each(|item| text_spans_of(item, out))
        }
        _ => out.push(node.span),
    }
}

/// The `#` starting a comment on the line, if any.
fn comment_start(text: &str, line: std::ops::Range<usize>, text_spans: &[Span]) -> Option<usize> {
    let bytes = text.as_bytes();
    (line.start..line.end).find(|&i| {
        bytes[i] == b'#'
            && (i == line.start || matches!(bytes[i - 1], b' ' | b'\t'))
            && !text_spans.iter().any(|s| s.range().contains(&i))
    })
}

/// The start of the key whose entry holds `at`, in the innermost block
/// mapping (a comment cannot go inside a flow collection).
fn key_start(node: &Node, at: usize) -> Option<usize> {
    let holds = |span: Span| (span.start as usize..=span.end as usize).contains(&at);
    match &node.value {
        Value::Map(entries) if node.style != Style::Flow => entries.iter().find_map(|entry| {
            (holds(entry.key.span) || holds(entry.value.span))
                .then(|| key_start(&entry.value, at).unwrap_or(entry.key.span.start as usize))
        }),
        Value::Seq(items) if node.style != Style::Flow => items
            .iter()
            .find(|item| holds(item.span))
            .and_then(|item| key_start(item, at).or(Some(item.span.start as usize))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use fmlint_linter::lint::lint_text;

    const ARTICLE: &str = "---\nid: 1\ntitle: >-\n    Alpha\nquestion: >-\n    Beta\nseo: {title: x, page_keywords: y}\nsubject: Gamma\nurl: \"/a # not a comment\"  # note\n---\n";

    fn apply(text: &str, edit: &Edit) -> String {
        let mut out = text.to_string();
        out.replace_range(edit.span.range(), &edit.replacement);
        out
    }

    /// Lints, adds the ignore comment for the first finding of `rule`, lints
    /// again: the finding is gone and no suppression is unused.
    fn ignore_round_trip(text: &str, rule: &str, line: u32) -> String {
        let settings = fmlint_engine::config::quicktakes().unwrap();
        let path = Path::new("content/learn/x/a.md");
        let (before, _) = lint_text(path, text, &settings, true, false);
        let finding = before
            .iter()
            .find(|d| d.rule == rule && d.location.start.line == line)
            .unwrap_or_else(|| panic!("no {rule} in {before:#?}"));
        let edit = ignore_here(text, finding).unwrap();
        let fixed = apply(text, &edit);
        let (after, _) = lint_text(path, &fixed, &settings, true, false);
        let count = |found: &[Diagnostic]| found.iter().filter(|d| d.rule == rule).count();
        let rules: Vec<&str> = after.iter().map(|d| d.rule).collect();
        assert_eq!(count(&after), count(&before) - 1, "{fixed}\n{rules:?}");
        assert!(!rules.contains(&"unused-suppression"), "{fixed}\n{rules:?}");
        fixed
    }

    #[test]
    fn ignore_goes_above_a_folded_scalar() {
        let fixed = ignore_round_trip(ARTICLE, "title-mismatch", 6);
        assert!(
            fixed.contains("# fmlint-ignore: title-mismatch\nquestion: >-\n"),
            "{fixed}"
        );
    }

    #[test]
    fn ignore_goes_after_a_flow_mapping() {
        // The flow mapping's span ends at its `}`, so the comment after it is
        // a comment (it once ran to the end of the line).
        let fixed = ignore_round_trip(ARTICLE, "seo-title-mismatch", 7);
        assert!(
            fixed.contains(
                "seo: {title: x, page_keywords: y}  # fmlint-ignore: seo-title-mismatch\n"
            ),
            "{fixed}"
        );
    }

    #[test]
    fn ignore_goes_at_the_end_of_a_plain_line_and_extends_a_directive() {
        let text = ARTICLE.replace("id: 1\n", "id: x1\n");
        let fixed = ignore_round_trip(&text, "schema", 2);
        assert!(
            fixed.contains("id: x1  # fmlint-ignore: schema\n"),
            "{fixed}"
        );
        // A second rule on that line joins the list.
        let finding = Diagnostic {
            rule: "duplicate-id",
            ..Diagnostic::new(Span::empty(fixed.find("x1").unwrap()), "")
        };
        let edit = ignore_here(&fixed, &finding).unwrap();
        assert!(apply(&fixed, &edit).contains("id: x1  # fmlint-ignore: schema, duplicate-id\n"));
    }

    #[test]
    fn a_line_with_another_comment_gets_the_directive_above() {
        let finding = Diagnostic {
            rule: "url-mismatch",
            ..Diagnostic::new(Span::empty(ARTICLE.find("\"/a").unwrap()), "")
        };
        let edit = ignore_here(ARTICLE, &finding).unwrap();
        let fixed = apply(ARTICLE, &edit);
        assert!(
            fixed.contains("# fmlint-ignore: url-mismatch\nurl: \"/a"),
            "{fixed}"
        );
    }

    #[test]
    fn crlf_lines_keep_their_endings() {
        let text = ARTICLE.replace('\n', "\r\n");
        let fixed = ignore_round_trip(&text, "title-mismatch", 6);
        assert!(
            fixed.contains("# fmlint-ignore: title-mismatch\r\nquestion: >-\r\n"),
            "{fixed}"
        );
        let (found, _) = lint_text(
            Path::new("a.md"),
            &text,
            &fmlint_engine::config::quicktakes().unwrap(),
            true,
            false,
        );
        let edit = ignore_in_file(&text, &found[0]).unwrap();
        assert!(apply(&text, &edit).starts_with(&format!(
            "---\r\n# fmlint-ignore-file: {}\r\nid: 1",
            found[0].rule
        )));
    }
}
