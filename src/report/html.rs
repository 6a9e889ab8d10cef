//! `--format html`: one self-contained page (inline CSS and JS, nothing
//! fetched) for readers who will not read thousands of terminal lines:
//! totals, findings per rule and per folder, a filter, and every finding
//! with its snippet, help and fix.
//!
//! The page is a fixed template (`html/report.html`, `report.css`,
//! `report.js`) plus the run as one JSON blob that the script renders.
//! Rendering in the browser keeps the file small on a large corpus: each
//! file's snippet lines are stored once however many findings share them,
//! and the script puts only one page of findings in the DOM at a time.
//! The blob is written with `<`, `>` and `&` escaped, so no value (a path,
//! a YAML string) can close the `<script>` element; the script inserts text
//! with `textContent` only.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::shared::{applicability_name, slash_path};
use fmlint_engine::check::{CheckResult, FileReport};
use fmlint_engine::fix;
use fmlint_linter::diagnostic::{Diagnostic, Edit, Fix};
use fmlint_linter::rules;
use fmlint_syntax::LineIndex;

const TEMPLATE: &str = include_str!("html/report.html");
const CSS: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Lines shown before and after a finding's span.
const CONTEXT_LINES: usize = 2;
/// Lines of a long span shown before the rest is elided.
const MAX_SPAN_LINES: usize = 8;
/// Bytes of a line kept for a snippet (a folded answer can be one long
/// line), at a character boundary: more of the span's own lines than of
/// the lines around them.
const MAX_SPAN_LINE_BYTES: usize = 400;
const MAX_CONTEXT_LINE_BYTES: usize = 160;

/// Everything the page shows, in the order the script reads it.
#[derive(Serialize)]
struct Data<'a> {
    version: &'static str,
    /// The corpus root's folder name: what the page's title names.
    corpus: Option<String>,
    files_checked: usize,
    suppressed: usize,
    baseline_hidden: Option<usize>,
    /// The run's errors that are not findings (unreadable paths).
    errors: &'a [String],
    rules: BTreeMap<&'static str, RuleInfo>,
    files: Vec<FileData<'a>>,
}

#[derive(Serialize)]
struct RuleInfo {
    summary: String,
}

#[derive(Serialize)]
struct FileData<'a> {
    path: String,
    /// The snippet lines, 1-based line number to text.
    lines: BTreeMap<u32, &'a str>,
    findings: Vec<Finding<'a>>,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    /// The snippet's first and last line (1-based), when the text is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<(u32, u32)>,
    related: Vec<Related<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixData<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    path: String,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct FixData<'a> {
    message: &'a str,
    applicability: &'static str,
    /// The changed lines: `-` before, `+` after; `None` when the file's
    /// text is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<Vec<(char, String)>>,
    /// The edits' new text, when there is no diff to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    replacements: Option<Vec<&'a str>>,
}

pub fn write(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    let texts: Vec<Option<Arc<str>>> = result
        .files
        .par_iter()
        .map(|file| match file.diagnostics.is_empty() {
            true => None,
            false => source_text(file),
        })
        .collect();
    let files = result
        .files
        .par_iter()
        .zip(&texts)
        .filter(|(file, _)| !file.diagnostics.is_empty())
        .map(|(file, text)| file_data(file, text.as_deref()))
        .collect();
    let data = Data {
        version: env!("CARGO_PKG_VERSION"),
        corpus: result
            .corpus_root
            .as_deref()
            .and_then(|root| root.file_name())
            .map(|name| name.to_string_lossy().into_owned()),
        files_checked: result.files.len(),
        suppressed: result.suppressed,
        baseline_hidden: result.baseline.map(|b| b.hidden),
        errors: &result.errors,
        rules: rule_infos(result),
        files,
    };
    let json = serde_json::to_string(&data).map_err(io::Error::from)?;
    write_page(&script_safe(&json), out)
}

/// The template with the style, the script and the data put in.
fn write_page(json: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut rest = TEMPLATE;
    for (marker, content) in [("/*CSS*/", CSS), ("/*DATA*/", json), ("/*JS*/", SCRIPT)] {
        let (before, after) = rest.split_once(marker).ok_or_else(|| {
            io::Error::other(format!("the HTML template lacks its {marker} marker"))
        })?;
        out.write_all(before.as_bytes())?;
        out.write_all(content.as_bytes())?;
        rest = after;
    }
    out.write_all(rest.as_bytes())
}

/// JSON that can sit inside a `<script>` element: no `<`, `>` or `&` (so
/// no `</script>` or `<!--`), and no U+2028/U+2029. Each is written as its
/// `\u` escape, which JSON reads back as the same character.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The one-sentence summary of every rule that has findings.
fn rule_infos(result: &CheckResult) -> BTreeMap<&'static str, RuleInfo> {
    result
        .files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .map(|d| d.rule)
        .map(|name| {
            let summary = rules::find(name).map_or_else(String::new, |r| r.meta().summary());
            (name, RuleInfo { summary })
        })
        .collect()
}

/// The text the findings are about: the given source, or the file on disk
/// when it is text.
fn source_text(file: &FileReport) -> Option<Arc<str>> {
    if let Some(text) = &file.source {
        return Some(text.clone());
    }
    let bytes = std::fs::read(&file.path).ok()?;
    String::from_utf8(bytes).ok().map(Arc::from)
}

fn file_data<'a>(file: &'a FileReport, text: Option<&'a str>) -> FileData<'a> {
    let index = text.map(LineIndex::new);
    let mut lines = BTreeMap::new();
    let findings = file
        .diagnostics
        .iter()
        .map(|d| {
            let snippet = index.as_ref().map(|index| snippet(index, d, &mut lines));
            finding(d, snippet, index.as_ref())
        })
        .collect();
    FileData {
        path: slash_path(&file.path),
        lines,
        findings,
    }
}

/// The lines around `d`'s span, added to `lines`; returns the first and
/// last line number.
fn snippet<'a>(
    index: &LineIndex<'a>,
    d: &Diagnostic,
    lines: &mut BTreeMap<u32, &'a str>,
) -> (u32, u32) {
    let last_line = index.line_count().saturating_sub(1);
    let start = index.line_of(d.location.span.start as usize);
    let end = index
        .line_of(d.location.span.end as usize)
        .min(start + MAX_SPAN_LINES);
    let first = start.saturating_sub(CONTEXT_LINES);
    let last = (end + CONTEXT_LINES).min(last_line);
    for line in first..=last {
        let max = match (start..=end).contains(&line) {
            true => MAX_SPAN_LINE_BYTES,
            false => MAX_CONTEXT_LINE_BYTES,
        };
        let text = cut(&index.text()[index.line_range(line)], max);
        // Another finding may have kept more of this line.
        let kept = lines.entry(line as u32 + 1).or_insert(text);
        if kept.len() < text.len() {
            *kept = text;
        }
    }
    (first as u32 + 1, last as u32 + 1)
}

/// `text`'s first `max` bytes, at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn finding<'a>(
    d: &'a Diagnostic,
    snippet: Option<(u32, u32)>,
    index: Option<&LineIndex>,
) -> Finding<'a> {
    Finding {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        label: d.label.as_deref(),
        help: d.help.as_deref(),
        line: d.location.start.line,
        column: d.location.start.column,
        end_line: d.location.end.line,
        end_column: d.location.end.column,
        snippet,
        related: d
            .related
            .iter()
            .map(|r| Related {
                path: slash_path(&r.path),
                line: r.location.start.line,
                column: r.location.start.column,
                message: &r.message,
            })
            .collect(),
        fix: d.fix.as_ref().map(|fix| fix_data(fix, index)),
    }
}

fn fix_data<'a>(fix: &'a Fix, index: Option<&LineIndex>) -> FixData<'a> {
    let diff = index.and_then(|index| fix_diff(index, fix));
    let replacements = match diff {
        Some(_) => None,
        None => Some(fix.edits.iter().map(|e| e.replacement.as_str()).collect()),
    };
    FixData {
        message: &fix.message,
        applicability: applicability_name(fix.applicability),
        diff,
        replacements,
    }
}

/// The lines a fix changes, before (`-`) and after (`+`), without the
/// unchanged lines at either end; `None` when the fix cannot be applied
/// to this text.
fn fix_diff(index: &LineIndex, fix: &Fix) -> Option<Vec<(char, String)>> {
    let text = index.text();
    let low = fix.edits.iter().map(|e| e.span.start).min()? as usize;
    let high = fix.edits.iter().map(|e| e.span.end).max()? as usize;
    if high > text.len() {
        return None;
    }
    let from = index.line_range(index.line_of(low)).start;
    let to = index.line_range(index.line_of(high)).end.max(high);
    let window = text.get(from..to)?;
    let shifted = Fix {
        message: String::new(),
        applicability: fix.applicability,
        edits: fix
            .edits
            .iter()
            .map(|e| Edit {
                span: fmlint_syntax::Span::new(
                    e.span.start as usize - from,
                    e.span.end as usize - from,
                ),
                replacement: e.replacement.clone(),
            })
            .collect(),
    };
    let (after, applied) = fix::apply(window, &[&shifted]);
    if applied.is_empty() {
        return None;
    }
    let before: Vec<&str> = window.lines().collect();
    let after: Vec<&str> = after.lines().collect();
    let same_start = before
        .iter()
        .zip(&after)
        .take_while(|(a, b)| a == b)
        .count();
    let same_end = before[same_start..]
        .iter()
        .rev()
        .zip(after[same_start..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let removed = &before[same_start..before.len() - same_end];
    let added = &after[same_start..after.len() - same_end];
    let diff = removed
        .iter()
        .map(|l| ('-', l.to_string()))
        .chain(added.iter().map(|l| ('+', l.to_string())))
        .collect();
    Some(diff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fmlint_linter::diagnostic::Applicability;

    #[test]
    fn script_safe_json_cannot_close_the_script_element() {
        let json = serde_json::to_string("</script><!-- & \u{2028}").unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><!-- & \u{2028}");
    }

    #[test]
    fn cut_keeps_whole_characters() {
        assert_eq!(cut("aé", 2), "a");
        assert_eq!(cut("abc", 10), "abc");
    }

    #[test]
    fn fix_diff_shows_only_changed_lines() {
        let text = "---\ntitle: a\nurl: /x\n---\n";
        let index = LineIndex::new(text);
        let start = text.find("/x").unwrap();
        let fix = Fix {
            message: "m".into(),
            applicability: Applicability::Safe,
            edits: vec![Edit {
                span: fmlint_syntax::Span::new(start, start + 2),
                replacement: "/y".into(),
            }],
        };
        assert_eq!(
            fix_diff(&index, &fix),
            Some(vec![('-', "url: /x".into()), ('+', "url: /y".into())])
        );
    }
}
