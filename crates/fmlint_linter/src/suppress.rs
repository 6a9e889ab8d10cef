//! Inline suppressions: YAML comments in the header that silence findings.
//!
//! ```yaml
//! id: 410403  # fmlint-ignore: duplicate-id
//! # fmlint-ignore: title-mismatch, url-mismatch
//! title: >-
//!   An old title kept on purpose
//! # fmlint-ignore-file: stale-reference
//! ```
//!
//! - `# fmlint-ignore: RULES` after a value applies to its own line; on a
//!   line of its own it applies to the next line that is neither blank nor
//!   a comment. A finding is silenced when it starts on that line or inside
//!   the value of a key written on that line (a folded scalar's lines, a
//!   nested mapping's entries).
//! - `# fmlint-ignore-file: RULES` anywhere in the header applies to the
//!   whole file.
//! - Without `: RULES`, every rule is silenced. Rule names are separated by
//!   commas or spaces; ` -- ` starts a free-text reason.
//!
//! Only real comments count: a `#` inside a key, a quoted string or a block
//! scalar is text, which the spanned tree tells apart. Directives are
//! collected in the per-file pass and applied after the corpus phase, so they
//! silence cross-file findings too; a directive that silences nothing is
//! reported as `unused-suppression`.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Location, Span};
use crate::hash::value_hash;
use crate::rule::Stage;
use crate::rules::{self, UnusedSuppression};
use crate::settings::RuleSet;
use fmlint_syntax::LineIndex;
use fmlint_syntax::{Header, Node, Style, Value};

const MARKER: &str = "fmlint-ignore";

/// The directives of one file's header.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Suppressions {
    directives: Vec<Directive>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Directive {
    /// The whole comment, `# fmlint-ignore: …`.
    comment: Located,
    scope: Scope,
    /// The rules named; empty for every rule.
    rules: Vec<Named>,
    /// For the every-rule form: whether it silenced anything (state of
    /// one run: never cached).
    #[serde(skip)]
    used: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Named {
    name: Box<str>,
    at: Located,
    #[serde(skip)]
    used: bool,
}

/// A span with its location and the hash of its text (for baselines).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct Located {
    location: Location,
    value_hash: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Scope {
    File,
    /// Findings starting in `start..=end` (bytes); `below` when the
    /// comment is on a line of its own.
    Range {
        start: u32,
        end: u32,
        below: bool,
    },
    /// A line directive with no line after it.
    Nowhere,
}

impl Suppressions {
    /// Finds the directives in the header's comments; `None` when there are
    /// none (the common case costs one substring search).
    pub fn collect(
        text: &str,
        header: &Header,
        root: Option<&Node>,
        lines: &LineIndex,
    ) -> Option<Suppressions> {
        let yaml = header.yaml.range();
        let source = &text[yaml.clone()];
        if !source.contains(MARKER) {
            return None;
        }
        let mut text_spans = Vec::new();
        if let Some(root) = root {
            collect_text_spans(root, &mut text_spans);
        }
        let in_text = |at: usize| text_spans.iter().any(|s: &Span| s.range().contains(&at));

        let first_line = lines.line_of(yaml.start);
        let last_line = lines.line_of(yaml.end.saturating_sub(1).max(yaml.start));
        let mut directives = Vec::new();
        for line in first_line..=last_line {
            let range = lines.line_range(line);
            let range = range.start.max(yaml.start)..range.end.min(yaml.end);
            if !text[range.clone()].contains(MARKER) {
                continue;
            }
            let Some(hash) = comment_start(text, range.clone(), &in_text) else {
                continue;
            };
            let Some(mut directive) = parse_directive(text, hash, range.end, lines) else {
                continue;
            };
            if directive.scope != Scope::File {
                let own_line = text[range.start..hash].trim().is_empty();
                let target = if own_line {
                    (line + 1..=last_line)
                        .find(|&l| !is_blank_or_comment(&text[lines.line_range(l)]))
                } else {
                    Some(line)
                };
                directive.scope = match target {
                    Some(target) => line_scope(target, own_line, lines, root),
                    None => Scope::Nowhere,
                };
            }
            directives.push(directive);
        }
        (!directives.is_empty()).then_some(Suppressions { directives })
    }

    /// Whether a directive silences `diagnostic`; marks every directive that
    /// does as used.
    pub fn silences(&mut self, diagnostic: &Diagnostic) -> bool {
        let at = diagnostic.span().start;
        let mut silenced = false;
        for directive in &mut self.directives {
            let applies = match directive.scope {
                Scope::File => true,
                Scope::Range { start, end, .. } => (start..=end).contains(&at),
                Scope::Nowhere => false,
            };
            if !applies {
                continue;
            }
            if directive.rules.is_empty() {
                directive.used = true;
                silenced = true;
            }
            for named in &mut directive.rules {
                if &*named.name == diagnostic.rule {
                    named.used = true;
                    silenced = true;
                }
            }
        }
        silenced
    }

    /// `unused-suppression` findings (with the hash of their span's text)
    /// for directives that silenced nothing. A rule that is turned off is
    /// not judged: its directive may be needed when it runs. Without
    /// `corpus_ran`, cross-file rules are not judged either.
    pub fn unused(&self, enabled: &RuleSet, corpus_ran: bool) -> Vec<(Diagnostic, u64)> {
        let meta = &UnusedSuppression::META;
        let Some(severity) = enabled.severity(meta.name) else {
            return Vec::new();
        };
        let every_rule_runs = rules::RULES
            .iter()
            .all(|r| enabled.severity(r.meta().name).is_some());
        let mut out = Vec::new();
        let mut report = |at: Located, message: String, help: &'static str| {
            let mut diagnostic = Diagnostic::new(at.location.span, message).with_help(help);
            diagnostic.rule = meta.name;
            diagnostic.severity = severity;
            diagnostic.location = at.location;
            out.push((diagnostic, at.value_hash));
        };
        for directive in &self.directives {
            let place = match directive.scope {
                Scope::File => "in this file",
                Scope::Range { below: false, .. } => "on this line",
                Scope::Range { below: true, .. } => "on the next line",
                Scope::Nowhere => "after the comment (no line follows it)",
            };
            if directive.rules.is_empty() {
                if !directive.used && every_rule_runs && corpus_ran {
                    report(
                        directive.comment,
                        format!("unused suppression: no finding {place}"),
                        "remove the comment",
                    );
                }
                continue;
            }
            for named in &directive.rules {
                if named.used || &*named.name == meta.name {
                    continue;
                }
                let Some(rule) = rules::find(&named.name) else {
                    report(
                        named.at,
                        format!("unused suppression: `{}` is not a rule", named.name),
                        "check the name with `fmlint rules`",
                    );
                    continue;
                };
                if enabled.severity(rule.meta().name).is_none()
                    || (!corpus_ran && rule.meta().stage == Stage::Corpus)
                {
                    continue;
                }
                report(
                    named.at,
                    format!("unused suppression: no `{}` finding {place}", named.name),
                    if directive.rules.len() == 1 {
                        "remove the comment"
                    } else {
                        "remove this rule from the comment"
                    },
                );
            }
        }
        out
    }
}

/// Spans whose `#` are text, not comments: keys, scalars, flow collections.
fn collect_text_spans(node: &Node, out: &mut Vec<Span>) {
    match &node.value {
        Value::Map(entries) if node.style != Style::Flow => {
            for entry in entries {
                out.push(entry.key.span);
                collect_text_spans(&entry.value, out);
            }
        }
        Value::Seq(items) if node.style != Style::Flow => {
            for item in items {
                collect_text_spans(item, out);
            }
        }
        _ => out.push(node.span),
    }
}

/// The byte offset of the `#` that starts a comment on this line, if any: a
/// `#` at the line's start or after a space or tab, outside any text.
fn comment_start(
    text: &str,
    line: std::ops::Range<usize>,
    in_text: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let bytes = text.as_bytes();
    (line.start..line.end).find(|&i| {
        bytes[i] == b'#' && (i == line.start || matches!(bytes[i - 1], b' ' | b'\t')) && !in_text(i)
    })
}

fn is_blank_or_comment(line: &str) -> bool {
    let line = line.trim_start();
    line.is_empty() || line.starts_with('#')
}

/// Parses the comment at `hash..end` if it is a directive. Its scope is
/// `File` or a placeholder `Nowhere` the caller resolves.
fn parse_directive(text: &str, hash: usize, end: usize, lines: &LineIndex) -> Option<Directive> {
    let comment = &text[hash + 1..end];
    let lead = comment.len() - comment.trim_start().len();
    let body = &comment[lead..];
    let rest = body.strip_prefix(MARKER)?;
    let (scope, rest) = match rest.strip_prefix("-file") {
        Some(rest) => (Scope::File, rest),
        None => (Scope::Nowhere, rest),
    };
    // `# fmlint-ignore`, `# fmlint-ignore: a, b`, `# fmlint-ignore -- why`.
    let list = if let Some(list) = rest.strip_prefix(':') {
        list
    } else if rest.is_empty() || rest.starts_with([' ', '\t']) {
        ""
    } else {
        return None;
    };
    let list_start = end - list.len();
    let mut rules = Vec::new();
    let mut offset = list_start;
    for token in list.split_inclusive([',', ' ', '\t']) {
        let name = token.trim_end_matches([',', ' ', '\t']);
        if name == "--" {
            break;
        }
        if !name.is_empty() {
            rules.push(Named {
                name: name.into(),
                at: located(text, Span::new(offset, offset + name.len()), lines),
                used: false,
            });
        }
        offset += token.len();
    }
    let comment_end = hash + 1 + comment.trim_end().len();
    Some(Directive {
        comment: located(text, Span::new(hash, comment_end), lines),
        scope,
        rules,
        used: false,
    })
}

fn located(text: &str, span: Span, lines: &LineIndex) -> Located {
    Located {
        location: lines.locate(span),
        value_hash: value_hash(text.as_bytes().get(span.range()).unwrap_or_default()),
    }
}

/// The bytes a line directive covers: line `target`, extended to the end of
/// the value of any key written on it.
fn line_scope(target: usize, below: bool, lines: &LineIndex, root: Option<&Node>) -> Scope {
    let range = lines.line_range(target);
    let mut end = range.end;
    if let Some(root) = root {
        extend_over_values(root, range.clone(), &mut end);
    }
    Scope::Range {
        start: range.start as u32,
        end: end as u32,
        below,
    }
}

fn extend_over_values(node: &Node, line: std::ops::Range<usize>, end: &mut usize) {
    // Only collections that reach the line can hold a key on it.
    if (node.span.end as usize) < line.start || node.span.start as usize > line.end {
        return;
    }
    match &node.value {
        Value::Map(entries) => {
            for entry in entries {
                if line.contains(&(entry.key.span.start as usize)) {
                    *end = (*end).max(entry.value.span.end as usize);
                }
                extend_over_values(&entry.value, line.clone(), end);
            }
        }
        Value::Seq(items) => {
            for item in items {
                extend_over_values(item, line.clone(), end);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fmlint_syntax::{parse, split};

    fn directives(text: &str) -> Vec<(Scope, Vec<String>)> {
        let header = split(text).expect("header");
        let parsed = parse(text, header.yaml);
        let lines = LineIndex::new(text);
        Suppressions::collect(text, &header, parsed.root.as_ref(), &lines)
            .map(|s| {
                s.directives
                    .into_iter()
                    .map(|d| {
                        (
                            d.scope,
                            d.rules.iter().map(|r| r.name.to_string()).collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn range_of(text: &str, from: &str, to: &str, below: bool) -> Scope {
        let start = text.find(from).unwrap();
        let end = text.find(to).unwrap() + to.len();
        Scope::Range {
            start: start as u32,
            end: end as u32,
            below,
        }
    }

    #[test]
    fn trailing_comment_covers_its_line() {
        let text = "---\nid: 1 # fmlint-ignore: duplicate-id, schema\ntitle: x\n---\n";
        assert_eq!(
            directives(text),
            vec![(
                range_of(text, "id: 1", "schema", false),
                vec!["duplicate-id".to_string(), "schema".to_string()]
            )]
        );
    }

    #[test]
    fn own_line_comment_covers_the_next_key_and_its_value() {
        let text = "---\n# fmlint-ignore: title-mismatch -- kept on purpose\n\n# why\ntitle: >-\n  Old\n  title\nurl: /x\n---\n";
        assert_eq!(
            directives(text),
            vec![(
                range_of(text, "title: >-", "  title", true),
                vec!["title-mismatch".to_string()]
            )]
        );
    }

    #[test]
    fn comment_after_block_indicator_covers_the_folded_lines() {
        let text = "---\ntitle: >- # fmlint-ignore\n  Old\n  title\n---\n";
        assert_eq!(
            directives(text),
            vec![(range_of(text, "title: >-", "  title", false), vec![])]
        );
    }

    #[test]
    fn file_directive_and_every_rule_form() {
        let text = "---\nid: 1\n# fmlint-ignore-file: stale-reference\n---\n";
        assert_eq!(
            directives(text),
            vec![(Scope::File, vec!["stale-reference".to_string()])]
        );
        let text = "---\nid: 1\n# fmlint-ignore-file\n---\n";
        assert_eq!(directives(text), vec![(Scope::File, vec![])]);
    }

    #[test]
    fn hashes_inside_text_are_not_comments() {
        let text = concat!(
            "---\n",
            "a: \"x # fmlint-ignore: schema\"\n",
            "b: 'y # fmlint-ignore'\n",
            "c: >-\n  z\n  # fmlint-ignore: schema\n",
            "d: e#fmlint-ignore\n",
            "f: [g, \"# fmlint-ignore\"]\n",
            "# fmlint-ignored: not a directive\n",
            "---\n"
        );
        assert_eq!(directives(text), vec![]);
    }

    #[test]
    fn a_directive_with_nothing_after_it_covers_nothing() {
        let text = "---\nid: 1\n# fmlint-ignore: schema\n---\n";
        assert_eq!(
            directives(text),
            vec![(Scope::Nowhere, vec!["schema".to_string()])]
        );
    }

    #[test]
    fn crlf_lines() {
        let text = "---\r\n# fmlint-ignore: schema\r\nid: 1\r\n---\r\n";
        assert_eq!(
            directives(text),
            vec![(
                range_of(text, "id: 1", "id: 1", true),
                vec!["schema".to_string()]
            )]
        );
    }
}
