//! Linting one file: structure, parse and per-file rules, its suppressions
//! and its index summary, whatever the file's text came from (a file on
//! disk, the cache's miss, standard input, an editor buffer).
//!
//! A panic in a rule, or while reading the header, becomes an
//! `internal-error` finding ([`crate::isolate`]): a file's failure never
//! stops the run.

use std::path::Path;

use fmlint_syntax::{Format, Header, LineIndex, Node, Parsed, Problem, Span, SplitError, Value};

use crate::diagnostic::Diagnostic;
use crate::hash::value_hash;
use crate::index::{summarize, Summary};
use crate::isolate;
use crate::rule::{self, FileContext, RuleMeta, Stage};
use crate::rules;
use crate::settings::{RuleSet, Settings};
use crate::suppress::Suppressions;

/// One file after the per-file pass.
pub struct Linted {
    pub diagnostics: Vec<Diagnostic>,
    /// Parallel to `diagnostics`, hashed while the text is in memory.
    pub value_hashes: Vec<u64>,
    pub suppressions: Option<Suppressions>,
    pub summary: Option<Summary>,
    /// Why the run must exit 2 because of this file: it could not be
    /// read, or fmlint failed on it (a panic, reported as `internal-error`).
    pub failure: Option<String>,
    pub content_hash: Option<u64>,
}

/// Lints a file's bytes. `report` runs the per-file rules; `want_summary`
/// builds the index summary.
pub fn lint_bytes(
    path: &Path,
    bytes: &[u8],
    settings: &Settings,
    report: bool,
    want_summary: bool,
) -> Linted {
    let unreadable = |offset: usize, what: &str, why: &str, help: &str| {
        let before = &bytes[..offset];
        let valid = match std::str::from_utf8(before) {
            Ok(valid) => valid,
            Err(error) => std::str::from_utf8(&before[..error.valid_up_to()]).unwrap_or(""),
        };
        let lines = LineIndex::new(valid);
        let at = lines.line_col(valid.len());
        let message = format!(
            "{what} at line {}, column {} (byte offset {offset}): {why}",
            at.line, at.column
        );
        let mut diagnostics = Vec::new();
        if let Some(severity) = settings.rules.severity(rules::UnreadableFile::META.name) {
            diagnostics.push(rule::resolve(
                Diagnostic::new(Span::empty(valid.len()), message).with_help(help.to_string()),
                &rules::UnreadableFile::META,
                severity,
                &lines,
            ));
        }
        Linted {
            value_hashes: vec![value_hash(b""); diagnostics.len()],
            diagnostics,
            suppressions: None,
            summary: None,
            failure: None,
            content_hash: None,
        }
    };
    // The first reason the bytes are not text: a NUL, or a byte that is
    // not UTF-8.
    let nul = memchr::memchr(0, bytes);
    let text = match std::str::from_utf8(&bytes[..nul.unwrap_or(bytes.len())]) {
        Ok(_) if nul.is_some() => {
            return unreadable(
                nul.unwrap_or_default(),
                "a NUL byte",
                "the file is not text",
                "remove the NUL byte, or keep binary files out of the checked paths (`exclude` in fmlint.toml)",
            );
        }
        Ok(text) => text,
        Err(error) => {
            let at = error.valid_up_to();
            let what = format!("byte 0x{:02X}", bytes[at]);
            return unreadable(
                at,
                &what,
                "the file is not valid UTF-8",
                "save the file as UTF-8 (front matter is read as UTF-8 text)",
            );
        }
    };
    let document = lint_document(path, text, settings, report, want_summary);
    let value_hashes = document
        .diagnostics
        .iter()
        .map(|d| value_hash(text.as_bytes().get(d.span().range()).unwrap_or_default()))
        .collect();
    Linted {
        diagnostics: document.diagnostics,
        value_hashes,
        suppressions: document.suppressions,
        summary: document.summary,
        failure: document.failure,
        content_hash: None,
    }
}

/// Lints one file's text: structure, parse and per-file rules with the
/// header's suppressions applied, and its index summary. Cross-file rules
/// do not run, so suppressions of their findings are not judged.
pub fn lint_text(
    path: &Path,
    text: &str,
    settings: &Settings,
    report: bool,
    want_summary: bool,
) -> (Vec<Diagnostic>, Option<Summary>) {
    let document = lint_document(path, text, settings, report, want_summary);
    let mut diagnostics = document.diagnostics;
    if let Some(mut suppressions) = document.suppressions {
        diagnostics.retain(|d| !suppressions.silences(d));
        let unused = suppressions.unused(&settings.rules, false);
        diagnostics.extend(unused.into_iter().map(|(d, _)| d));
    }
    (diagnostics, document.summary)
}

/// One file's findings before suppressions are applied.
#[derive(Default)]
struct Document {
    diagnostics: Vec<Diagnostic>,
    summary: Option<Summary>,
    suppressions: Option<Suppressions>,
    /// What fmlint failed at on this file (panics), for the exit code.
    failure: Option<String>,
}

/// `path` is relative to the corpus root: it picks the file's collection
/// and overrides, and path templates read it. A panic while reading the
/// header (outside any rule) becomes one `internal-error` finding.
fn lint_document(
    path: &Path,
    text: &str,
    settings: &Settings,
    report: bool,
    want_summary: bool,
) -> Document {
    isolate::catching(|| lint_document_guarded(path, text, settings, report, want_summary))
        .unwrap_or_else(|panic| {
            let message = isolate::report_request("reading the file", &panic);
            Document {
                // At offset 0: no need to index the text's lines.
                diagnostics: vec![internal_error(
                    Span::empty(0),
                    message.clone(),
                    &LineIndex::new(""),
                )],
                failure: Some(message),
                ..Document::default()
            }
        })
}

/// An `internal-error` finding: always reported, whatever the settings.
pub fn internal_error(span: Span, message: String, lines: &LineIndex) -> Diagnostic {
    rule::resolve(
        Diagnostic::new(span, message),
        &rules::InternalError::META,
        rules::InternalError::META.default_severity,
        lines,
    )
}

fn lint_document_guarded(
    path: &Path,
    text: &str,
    settings: &Settings,
    report: bool,
    want_summary: bool,
) -> Document {
    let overrides = settings.overrides_for(path);
    let file_rules = settings.rules_for(&overrides);
    let lines = LineIndex::new(text);
    let mut out = Emitter {
        rules: &file_rules,
        lines: &lines,
        out: Vec::new(),
    };
    let header = match fmlint_syntax::split(text) {
        Ok(header) => header,
        Err(error) => {
            let format = match error {
                SplitError::Unclosed(open) => Format::of_fence(&text[open.range()]),
                SplitError::Missing(_) => Format::Yaml,
            };
            out.split_error(error, format);
            return Document::structure(out.out, None);
        }
    };
    let parsed = fmlint_syntax::parse_header(text, &header);
    // Collected for unreported files too (one substring search when there
    // are none): `--report-affected` may report them, and the cache keeps
    // them.
    let suppressions = Suppressions::collect(text, &header, parsed.root.as_ref(), &lines);
    out.parse_problems(&parsed.problems, header.format);
    let Some(root) = out.mapping(parsed, &header) else {
        return Document::structure(out.out, suppressions);
    };
    let Some(collection) = settings.collection_for(path) else {
        // No collection claims the file: only its structure is checked.
        return Document::structure(out.out, suppressions);
    };
    let mut findings = out.out;
    let panics = match report {
        true => run_file_rules(
            FileContext::new(
                path,
                text,
                header,
                &root,
                settings,
                collection,
                &lines,
                &mut findings,
            ),
            &file_rules,
        ),
        false => Vec::new(),
    };
    for message in &panics {
        findings.push(internal_error(header.open, message.clone(), &lines));
    }
    drop_unsupported_fixes(header.format, &mut findings);
    let summary = want_summary.then(|| Summary {
        overrides,
        ..summarize(&root, collection, &lines, path)
    });
    Document {
        diagnostics: findings,
        summary,
        suppressions,
        failure: (!panics.is_empty()).then(|| panics.join("; ")),
    }
}

impl Document {
    /// A file with findings about its structure only.
    fn structure(diagnostics: Vec<Diagnostic>, suppressions: Option<Suppressions>) -> Self {
        Document {
            diagnostics,
            suppressions,
            ..Document::default()
        }
    }
}

/// Runs each enabled per-file rule in `cx`, isolated; returns the report
/// requests of the rules that panicked (their findings are taken back: half
/// a rule's findings are worse than none).
fn run_file_rules(mut cx: FileContext, file_rules: &RuleSet) -> Vec<String> {
    let mut panics = Vec::new();
    for (rule, severity) in file_rules.enabled() {
        if rule.meta().stage != Stage::File {
            continue;
        }
        cx.set_rule(rule.meta(), severity);
        let before = cx.findings();
        let path = cx.path;
        let outcome =
            isolate::run_rule("rule", rule.meta().name, path, || rule.check_file(&mut cx));
        if let Err(message) = outcome {
            cx.take_back(before);
            panics.push(message);
        }
    }
    panics
}

/// The findings of the parse stage, which the linter reports itself, each
/// at its rule's severity in the file (none when the rule is off).
struct Emitter<'e, 'a> {
    rules: &'e RuleSet,
    lines: &'e LineIndex<'a>,
    out: Vec<Diagnostic>,
}

impl Emitter<'_, '_> {
    fn emit(&mut self, meta: &'static RuleMeta, diagnostic: Diagnostic) {
        if let Some(severity) = self.rules.severity(meta.name) {
            self.out
                .push(rule::resolve(diagnostic, meta, severity, self.lines));
        }
    }

    /// `format` is the opening fence's, for an unclosed header.
    fn split_error(&mut self, error: SplitError, format: Format) {
        match error {
            SplitError::Missing(span) => self.emit(
                &rules::MissingFrontMatter::META,
                Diagnostic::new(
                    span,
                    "the file has no front matter: its first line is not `---`",
                )
                .with_help(
                    "start the file with a `---` line, the YAML header, and a closing `---`",
                ),
            ),
            SplitError::Unclosed(span) => self.emit(
                &rules::UnclosedFrontMatter::META,
                Diagnostic::new(span, "the front matter is never closed")
                    .with_label("opened here")
                    .with_help(format!(
                        "add a `{}` line after the last key",
                        format.fence()
                    )),
            ),
        }
    }

    fn parse_problems(&mut self, problems: &[Problem], format: Format) {
        for problem in problems {
            match problem {
                Problem::Syntax { at, message, help } => {
                    let mut diagnostic =
                        Diagnostic::new(*at, format!("invalid {}: {message}", format.name()));
                    if let Some(help) = help {
                        diagnostic = diagnostic.with_help(help.clone());
                    }
                    let meta = match format {
                        Format::Yaml => &rules::YamlSyntax::META,
                        Format::Toml => &rules::TomlSyntax::META,
                        Format::Json => &rules::JsonSyntax::META,
                    };
                    self.emit(meta, diagnostic);
                }
                Problem::DuplicateKey { key, first, name } => {
                    let first_line = self.lines.line_col(first.start as usize).line;
                    self.emit(
                        &rules::DuplicateKey::META,
                        Diagnostic::new(
                            *key,
                            format!("duplicate key `{name}` (first defined on line {first_line})"),
                        )
                        .with_field(name.clone())
                        .with_help("remove one of the two; YAML loaders keep one value silently"),
                    );
                }
            }
        }
    }

    /// The header's root when it is a mapping; otherwise `not-a-mapping`
    /// (unless a syntax error already explains it) and `None`.
    fn mapping<'a>(&mut self, parsed: Parsed<'a>, header: &Header) -> Option<Node<'a>> {
        let Some(root) = parsed.root else {
            let syntax_error = parsed
                .problems
                .iter()
                .any(|p| matches!(p, Problem::Syntax { .. }));
            if !syntax_error {
                self.emit(
                    &rules::NotAMapping::META,
                    Diagnostic::new(header.open, "the front matter is empty")
                        .with_help("add the article's fields as `key: value` lines"),
                );
            }
            return None;
        };
        if root.is_map() {
            return Some(root);
        }
        let found = match root.value {
            Value::Null => "empty",
            Value::Seq(_) => "a list",
            _ => "a single value",
        };
        let span = if root.span.is_empty() {
            header.open
        } else {
            root.span
        };
        self.emit(
            &rules::NotAMapping::META,
            Diagnostic::new(
                span,
                format!("the front matter is {found}, not a mapping of keys to values"),
            )
            .with_help("write the header as `key: value` lines"),
        );
        None
    }
}

/// Takes the fixes off the findings of a header `--fix` cannot edit: fixes
/// write YAML, which would corrupt a TOML header. The help says so, and
/// what to do by hand.
pub fn drop_unsupported_fixes(format: Format, diagnostics: &mut [Diagnostic]) {
    if format == Format::Yaml {
        return;
    }
    for diagnostic in diagnostics {
        let Some(fix) = diagnostic.fix.take() else {
            continue;
        };
        let not_fixed = format!("`--fix` does not edit {} front matter", format.name());
        diagnostic.help = Some(match diagnostic.help.take() {
            Some(help) => format!("{help}, by hand: {not_fixed}").into(),
            None => format!("{} by hand: {not_fixed}", fix.message).into(),
        });
    }
}

pub fn diagnostic_order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (a.span().start, a.span().end, a.rule, &a.message).cmp(&(
        b.span().start,
        b.span().end,
        b.rule,
        &b.message,
    ))
}

pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(diagnostic_order);
}
