//! The pipeline: discover → read → split → parse → per-file rules (in
//! parallel, building each file's index summary in the same pass) → corpus
//! index → cross-file rules → sorted results.
//!
//! The corpus (what references resolve against) and the reported files
//! (what the user named) are different sets: `fmlint check one.md` still
//! sees every article under the corpus root.
//!
//! Inline suppressions are collected in the per-file pass and applied after
//! the corpus phase, so they silence cross-file findings too.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::baseline::value_hash;
use crate::diagnostic::{Diagnostic, Span};
use crate::frontmatter::{self, Problem, SplitError, Value};
use crate::index::{hash_bytes, summarize, Index, IndexedFile, Summary};
use crate::lines::LineIndex;
use crate::rules::{self, FileContext, RuleMeta, Stage};
use crate::settings::Settings;
use crate::suppress::Suppressions;
use crate::walk::{walk, FileFilter};

/// The findings of one reported file.
#[derive(Debug)]
pub struct FileReport {
    /// As shown to the user: relative to the working directory.
    pub path: Arc<Path>,
    pub diagnostics: Vec<Diagnostic>,
    /// The text the findings are about, when it did not come from `path`
    /// (standard input, an editor buffer).
    pub source: Option<Arc<str>>,
    /// Parallel to `diagnostics` when [`Options::value_hashes`] asked for
    /// it, else empty: the [`value_hash`] of each finding's span text, which
    /// identifies it in baselines and fingerprints.
    pub value_hashes: Vec<u64>,
    /// The hash ([`crate::index::hash_bytes`]) of the bytes linted, when
    /// [`Options::content_hashes`] asked for it: fixes refuse to write a
    /// file whose bytes changed since.
    pub content_hash: Option<u64>,
}

impl FileReport {
    /// Keeps the findings for which `keep(index)` holds, with their hashes.
    pub fn retain_findings(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let mut i = 0;
        self.diagnostics.retain(|_| {
            i += 1;
            keep(i - 1)
        });
        let mut i = 0;
        self.value_hashes.retain(|_| {
            i += 1;
            keep(i - 1)
        });
    }
}

#[derive(Debug, Default)]
pub struct CheckResult {
    /// Every reported file, sorted by path, with or without findings.
    pub files: Vec<FileReport>,
    /// Files in the corpus (reported or not).
    pub corpus_files: usize,
    /// The directory references resolved against (canonical); `None` when
    /// no path given existed.
    pub corpus_root: Option<PathBuf>,
    /// Problems that are not findings about a file: unreadable paths, walk
    /// errors. Any of them makes the exit code 2.
    pub errors: Vec<String>,
    pub elapsed: Duration,
    /// Time spent building the index and running cross-file rules.
    pub corpus_phase: Duration,
    /// Findings silenced by `# fmlint-ignore` comments.
    pub suppressed: usize,
    /// What `--baseline` hid, when one was given.
    pub baseline: Option<crate::baseline::Outcome>,
}

/// Texts that stand in for files on disk (fixed but unwritten files, an
/// editor buffer, standard input), by canonical path.
pub type Overlay = std::collections::HashMap<PathBuf, Arc<str>>;

/// What to check.
#[derive(Default)]
pub struct Target {
    pub paths: Vec<PathBuf>,
    pub corpus_root: Option<PathBuf>,
    /// Worker threads; 0 lets rayon choose.
    pub threads: usize,
    pub overlay: Overlay,
}

/// What a run computes beyond the findings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Fill [`FileReport::value_hashes`] (baselines, SARIF and GitLab
    /// fingerprints). Files with cross-file findings are read again for it:
    /// the index keeps no text.
    pub value_hashes: bool,
    /// Fill [`FileReport::content_hash`] (for fixes).
    pub content_hashes: bool,
}

/// One file after the per-file pass.
pub(crate) struct Linted {
    diagnostics: Vec<Diagnostic>,
    /// Parallel to `diagnostics`, hashed while the text is in memory.
    value_hashes: Vec<u64>,
    suppressions: Option<Suppressions>,
    summary: Option<Summary>,
    io_error: Option<String>,
    content_hash: Option<u64>,
}

pub fn check(target: &Target, settings: &Settings) -> Result<CheckResult> {
    check_with(target, settings, Options::default())
}

pub fn check_with(target: &Target, settings: &Settings, options: Options) -> Result<CheckResult> {
    let start = Instant::now();
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .context("cannot read the working directory")?;
    let mut result = CheckResult::default();

    let mut given = Vec::new();
    for path in &target.paths {
        match path.canonicalize() {
            // Neither a file nor a directory (a FIFO, a socket, a device):
            // never opened, as reading one could block forever.
            Ok(canonical) if !canonical.is_file() && !canonical.is_dir() => result
                .errors
                .push(format!("{}: not a regular file; skipped", path.display())),
            Ok(canonical) => given.push(canonical),
            Err(error) => result.errors.push(format!("{}: {error}", path.display())),
        }
    }
    if given.is_empty() {
        result.elapsed = start.elapsed();
        return Ok(result);
    }
    let root = match &target.corpus_root {
        Some(root) => root
            .canonicalize()
            .with_context(|| format!("corpus root {}", root.display()))?,
        None => find_corpus_root(&given),
    };
    result.corpus_root = Some(root.clone());

    let filter = FileFilter::new(&settings.include, &settings.exclude)?;
    let (mut files, walk_errors) = walk(&root, &filter, target.threads);
    for error in walk_errors {
        result.errors.push(match error.path {
            Some(path) => format!("{}: {}", display_path(&path, &cwd).display(), error.message),
            None => error.message,
        });
    }
    // Named files are checked even when the globs leave them out.
    let named: HashSet<&Path> = given
        .iter()
        .filter(|p| p.is_file())
        .map(PathBuf::as_path)
        .collect();
    files.extend(named.iter().map(|p| p.to_path_buf()));
    files.sort();
    files.dedup();
    let reported = |path: &Path| {
        given
            .iter()
            .any(|g| g == path || (g.is_dir() && path.starts_with(g)))
    };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(target.threads)
        .build()
        .context("cannot start worker threads")?;
    let want_summary = settings
        .rules
        .enabled()
        .any(|(r, _)| r.meta().stage == Stage::Corpus);
    let linted: Vec<(Arc<Path>, bool, Linted)> = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let shown: Arc<Path> = display_path(path, &cwd).into();
                let report = reported(path);
                let mut linted = match target.overlay.get(path) {
                    Some(text) => {
                        lint_bytes(&shown, text.as_bytes(), settings, report, want_summary)
                    }
                    None => lint_path(path, &shown, settings, report, want_summary, options),
                };
                if linted.content_hash.is_none() && options.content_hashes {
                    linted.content_hash =
                        target.overlay.get(path).map(|t| hash_bytes(t.as_bytes()));
                }
                (shown, report, linted)
            })
            .collect()
    });
    result.corpus_files = linted.len();

    let corpus_start = Instant::now();
    let mut reports: Vec<FileReport> = Vec::new();
    // Parallel to `reports`.
    let mut suppressions: Vec<Option<Suppressions>> = Vec::new();
    let mut indexed = Vec::new();
    // Index position → position in `reports`, for reported files.
    let mut report_of = Vec::new();
    for (path, report, linted) in linted {
        if let Some(error) = linted.io_error {
            if report {
                result.errors.push(format!("{}: {error}", path.display()));
            }
        }
        let position = report.then(|| {
            reports.push(FileReport {
                path: path.clone(),
                diagnostics: linted.diagnostics,
                source: None,
                value_hashes: linted.value_hashes,
                content_hash: linted.content_hash,
            });
            suppressions.push(linted.suppressions);
            reports.len() - 1
        });
        if let Some(summary) = linted.summary {
            indexed.push(IndexedFile { path, summary });
            report_of.push(position);
        }
    }
    if want_summary {
        let index = Index::new(indexed);
        let mut found = Vec::new();
        for (rule, severity) in settings.rules.enabled() {
            if rule.meta().stage != Stage::Corpus {
                continue;
            }
            let mut cx =
                rules::CorpusContext::new(&index, settings, rule.meta(), severity, &mut found);
            rule.check_corpus(&mut cx);
        }
        for (file, diagnostic) in found {
            if let Some(position) = report_of[file] {
                reports[position].diagnostics.push(diagnostic);
            }
        }
    }
    result.corpus_phase = corpus_start.elapsed();

    result.suppressed = pool.install(|| {
        reports
            .par_iter_mut()
            .zip(suppressions)
            .map(|(report, suppressions)| finish(report, suppressions, settings, options))
            .sum()
    });
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    result.files = reports;
    result.elapsed = start.elapsed();
    Ok(result)
}

/// Completes a reported file after the corpus phase: hashes the values of
/// its cross-file findings if asked (reading the file again: the index
/// keeps no text), applies its suppressions, reports unused ones, sorts.
/// Returns the number of findings suppressed.
fn finish(
    report: &mut FileReport,
    suppressions: Option<Suppressions>,
    settings: &Settings,
    options: Options,
) -> usize {
    if !options.value_hashes {
        report.value_hashes.clear();
    } else if report.value_hashes.len() < report.diagnostics.len() {
        let read;
        let text = match &report.source {
            Some(text) => text.as_bytes(),
            None => {
                read = std::fs::read(&report.path).unwrap_or_default();
                &read
            }
        };
        for d in &report.diagnostics[report.value_hashes.len()..] {
            report
                .value_hashes
                .push(value_hash(text.get(d.span().range()).unwrap_or_default()));
        }
    }
    let mut suppressed = 0;
    if let Some(mut suppressions) = suppressions {
        let silenced: Vec<bool> = report
            .diagnostics
            .iter()
            .map(|d| suppressions.silences(d))
            .collect();
        suppressed = silenced.iter().filter(|&&s| s).count();
        report.retain_findings(|i| !silenced[i]);
        for (diagnostic, hash) in suppressions.unused(&settings.rules, true) {
            report.diagnostics.push(diagnostic);
            if options.value_hashes {
                report.value_hashes.push(hash);
            }
        }
    }
    if !options.value_hashes {
        sort_diagnostics(&mut report.diagnostics);
        return suppressed;
    }
    let mut findings: Vec<(Diagnostic, u64)> = report
        .diagnostics
        .drain(..)
        .zip(report.value_hashes.drain(..))
        .collect();
    findings.sort_by(|a, b| diagnostic_order(&a.0, &b.0));
    (report.diagnostics, report.value_hashes) = findings.into_iter().unzip();
    suppressed
}

fn diagnostic_order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
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

/// The directory whose articles form the corpus: the nearest one holding
/// `fmlint.toml`, else the git work tree, else the common ancestor of the
/// named paths.
pub fn find_corpus_root(given: &[PathBuf]) -> PathBuf {
    let dirs: Vec<&Path> = given
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.as_path()
            } else {
                p.parent().unwrap_or(p)
            }
        })
        .collect();
    let mut base = dirs[0].to_path_buf();
    for dir in &dirs[1..] {
        while !dir.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    let marked = |name: &str| {
        base.ancestors()
            .find(|d| d.join(name).exists())
            .map(Path::to_path_buf)
    };
    marked("fmlint.toml")
        .or_else(|| marked(".git"))
        .unwrap_or(base)
}

/// `path` relative to `cwd` (with `..` where needed), as users typed it.
pub fn display_path(path: &Path, cwd: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix(cwd) {
        return rest.to_path_buf();
    }
    let path_parts: Vec<Component> = path.components().collect();
    let cwd_parts: Vec<Component> = cwd.components().collect();
    let common = path_parts
        .iter()
        .zip(&cwd_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return path.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..cwd_parts.len() {
        out.push("..");
    }
    for part in &path_parts[common..] {
        out.push(part);
    }
    out
}

fn lint_path(
    path: &Path,
    shown: &Path,
    settings: &Settings,
    report: bool,
    want_summary: bool,
    options: Options,
) -> Linted {
    match std::fs::read(path) {
        Ok(bytes) => {
            let mut linted = lint_bytes(shown, &bytes, settings, report, want_summary);
            if options.content_hashes {
                linted.content_hash = Some(hash_bytes(&bytes));
            }
            linted
        }
        Err(error) => {
            let message = format!("cannot read the file: {error}");
            let mut diagnostics = Vec::new();
            if let Some(severity) = settings.rules.severity(rules::UnreadableFile::META.name) {
                let lines = LineIndex::new("");
                diagnostics.push(rules::resolve(
                    Diagnostic::new(Span::empty(0), message.clone()),
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
                io_error: Some(message),
                content_hash: None,
            }
        }
    }
}

/// Lints a file's bytes. `report` runs the per-file rules; `want_summary`
/// builds the index summary.
pub(crate) fn lint_bytes(
    path: &Path,
    bytes: &[u8],
    settings: &Settings,
    report: bool,
    want_summary: bool,
) -> Linted {
    let unreadable = |offset: usize, message: String| {
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or("");
        let lines = LineIndex::new(valid);
        let mut diagnostics = Vec::new();
        if let Some(severity) = settings.rules.severity(rules::UnreadableFile::META.name) {
            diagnostics.push(rules::resolve(
                Diagnostic::new(Span::empty(valid.len()), message),
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
            io_error: None,
            content_hash: None,
        }
    };
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return unreadable(
            nul,
            format!("the file contains a NUL byte at offset {nul}: not a text file"),
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let at = error.valid_up_to();
            return unreadable(
                at,
                format!("the file is not valid UTF-8 (invalid byte at offset {at})"),
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
        io_error: None,
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
struct Document {
    diagnostics: Vec<Diagnostic>,
    summary: Option<Summary>,
    suppressions: Option<Suppressions>,
}

fn lint_document(
    path: &Path,
    text: &str,
    settings: &Settings,
    report: bool,
    want_summary: bool,
) -> Document {
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    let mut emit = |meta: &'static RuleMeta, diagnostic: Diagnostic| {
        if let Some(severity) = settings.rules.severity(meta.name) {
            out.push(rules::resolve(diagnostic, meta, severity, &lines));
        }
    };

    let header = match frontmatter::split(text) {
        Ok(header) => header,
        Err(SplitError::Missing(span)) => {
            emit(
                &rules::MissingFrontMatter::META,
                Diagnostic::new(
                    span,
                    "the file has no front matter: its first line is not `---`",
                )
                .with_help(
                    "start the file with a `---` line, the YAML header, and a closing `---`",
                ),
            );
            return Document {
                diagnostics: out,
                summary: None,
                suppressions: None,
            };
        }
        Err(SplitError::Unclosed(span)) => {
            emit(
                &rules::UnclosedFrontMatter::META,
                Diagnostic::new(span, "the front matter is never closed")
                    .with_label("opened here")
                    .with_help("add a `---` line after the last key"),
            );
            return Document {
                diagnostics: out,
                summary: None,
                suppressions: None,
            };
        }
    };

    let parsed = frontmatter::parse(text, header.yaml);
    let suppressions = report
        .then(|| Suppressions::collect(text, &header, parsed.root.as_ref(), &lines))
        .flatten();
    for problem in &parsed.problems {
        match problem {
            Problem::Syntax { at, message } => emit(
                &rules::YamlSyntax::META,
                Diagnostic::new(*at, format!("invalid YAML: {message}")),
            ),
            Problem::DuplicateKey { key, first, name } => {
                let first_line = lines.line_col(first.start as usize).line;
                emit(
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
    let Some(root) = parsed.root else {
        if !parsed
            .problems
            .iter()
            .any(|p| matches!(p, Problem::Syntax { .. }))
        {
            emit(
                &rules::NotAMapping::META,
                Diagnostic::new(header.open, "the front matter is empty")
                    .with_help("add the article's fields as `key: value` lines"),
            );
        }
        return Document {
            diagnostics: out,
            summary: None,
            suppressions,
        };
    };
    if !root.is_map() {
        let found = match root.value {
            Value::Null => "empty",
            Value::Seq(_) => "a list",
            _ => "a single value",
        };
        emit(
            &rules::NotAMapping::META,
            Diagnostic::new(
                if root.span.is_empty() {
                    header.open
                } else {
                    root.span
                },
                format!("the front matter is {found}, not a mapping of keys to values"),
            )
            .with_help("write the header as `key: value` lines"),
        );
        return Document {
            diagnostics: out,
            summary: None,
            suppressions,
        };
    }

    if report {
        let mut cx = FileContext::new(path, text, header, &root, settings, &lines, &mut out);
        for (rule, severity) in settings.rules.enabled() {
            if rule.meta().stage == Stage::File {
                cx.set_rule(rule.meta(), severity);
                rule.check_file(&mut cx);
            }
        }
    }
    let summary = want_summary.then(|| summarize(&root, &settings.collection, &lines));
    Document {
        diagnostics: out,
        summary,
        suppressions,
    }
}
