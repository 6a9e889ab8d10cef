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
use crate::cache::{referenced_id, Cache, Keep};
use crate::diagnostic::{Diagnostic, Span};
use crate::frontmatter::{self, Problem, SplitError, Value};
use crate::index::{hash_bytes, summarize, Index, IndexedFile, Summary};
use crate::isolate;
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
    /// Files reported because the given files break them
    /// ([`Target::report_affected`]).
    pub affected: usize,
    /// Why the result cache could not be written (the run is still right).
    pub cache_error: Option<String>,
    /// Files whose cached results stood in for reading and parsing them.
    pub from_cache: usize,
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
    /// Read and write the result cache ([`crate::cache`]); `None` lints
    /// every file.
    pub cache: Option<crate::cache::Config>,
    /// Also report files outside `paths` that the given files break: the
    /// referrers of an article whose identity changed or that was deleted
    /// (known from the cache).
    pub report_affected: bool,
    /// Leave out files git does not track (pre-commit stashes unstaged
    /// changes but leaves untracked files on disk).
    pub git_tracked: bool,
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
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Parallel to `diagnostics`, hashed while the text is in memory.
    pub(crate) value_hashes: Vec<u64>,
    pub(crate) suppressions: Option<Suppressions>,
    pub(crate) summary: Option<Summary>,
    /// Why the run must exit 2 because of this file: it could not be
    /// read, or fmlint failed on it (a panic, reported as `internal-error`).
    pub(crate) failure: Option<String>,
    pub(crate) content_hash: Option<u64>,
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
    // Named symbolic links: (as named, where the link lies, its target).
    let mut links = Vec::new();
    for path in &target.paths {
        // Standard input's stand-in path need not exist; with
        // `--report-affected`, a deleted file is named to report what its
        // deletion breaks.
        if let Some(canonical) = canonical_missing(path, target) {
            given.push(canonical);
            continue;
        }
        match path.canonicalize() {
            // Neither a file nor a directory (a FIFO, a socket, a device):
            // never opened, as reading one could block forever.
            Ok(canonical) if !canonical.is_file() && !canonical.is_dir() => result
                .errors
                .push(format!("{}: not a regular file; skipped", path.display())),
            Ok(canonical) => match crate::walk::link_location(path) {
                Some(location) => links.push((path, location, canonical)),
                None => given.push(canonical),
            },
            Err(error) => result.errors.push(format!("{}: {error}", path.display())),
        }
    }
    // A named link is followed only to a target inside the project it lies
    // in (`--corpus-root`, else the nearest marked directory above it); a
    // link in no project stands for its target. Either way the target is
    // shown under the link's name.
    let mut aliases = std::collections::HashMap::new();
    for (path, location, canonical) in links {
        let home = match &target.corpus_root {
            Some(root) => root.canonicalize().ok(),
            None => location.parent().and_then(marked_root),
        };
        match home {
            Some(home) if !canonical.starts_with(&home) => result.errors.push(format!(
                "{}: symbolic link leads outside the project root ({}); not followed",
                path.display(),
                home.display()
            )),
            _ => {
                aliases.insert(canonical.clone(), location);
                given.push(canonical);
            }
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
    if target.git_tracked {
        if let Err(error) = crate::walk::retain_tracked(&root, &mut files) {
            result.errors.push(error);
        }
    }
    // Named files are checked even when the globs leave them out.
    let named: HashSet<&Path> = given
        .iter()
        .filter(|p| p.is_file() || target.overlay.contains_key(*p))
        .map(PathBuf::as_path)
        .collect();
    let mut added = false;
    for path in named {
        if files
            .binary_search_by(|p| crate::walk::path_order(p, path))
            .is_err()
        {
            files.push(path.to_path_buf());
            added = true;
        }
    }
    if added {
        files.sort_unstable_by(|a, b| crate::walk::path_order(a, b));
    }
    // Each given path is looked at once, not once per corpus file.
    let given_dirs: Vec<&Path> = given
        .iter()
        .filter(|g| g.is_dir())
        .map(PathBuf::as_path)
        .collect();
    let reported = |path: &Path| {
        given_dirs.iter().any(|g| path.starts_with(g)) || given.iter().any(|g| g == path)
    };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(target.threads)
        .build()
        .context("cannot start worker threads")?;
    let want_summary = settings
        .rules
        .enabled()
        .any(|(r, _)| r.meta().stage == Stage::Corpus);
    // The result cache: the entries of unchanged files stand for them.
    let mut cache = target
        .cache
        .as_ref()
        .map(|config| Cache::open(config, &root, settings));
    let mut cached = match &mut cache {
        Some(cache) => cache.take(&root, &files),
        None => Vec::new(),
    };
    cached.resize_with(files.len(), || None);
    // Boxed where usually absent: one of these lives for every corpus file
    // until the index is built.
    type Pass = (Arc<Path>, bool, Linted, Option<Box<Keep>>, Option<Arc<str>>);
    let linted: Vec<Pass> = pool.install(|| {
        files
            .par_iter()
            .zip(cached)
            .map(|(path, cached)| {
                let shown: Arc<Path> = display_path(aliases.get(path).unwrap_or(path), &cwd).into();
                // Collections, overrides and path templates see the path
                // relative to the corpus root.
                let relative = path.strip_prefix(&root).unwrap_or(&shown);
                let report = reported(path);
                let overlay = target.overlay.get(path);
                let (mut linted, keep) = match (overlay, &cache) {
                    (Some(text), _) => (
                        lint_bytes(relative, text.as_bytes(), settings, report, want_summary),
                        None,
                    ),
                    (None, Some(cache)) => cache.lint(
                        path,
                        relative,
                        cached,
                        report,
                        |bytes| lint_bytes(relative, bytes, settings, report, want_summary),
                        || lint_path(path, relative, settings, report, want_summary, options),
                    ),
                    (None, None) => (
                        lint_path(path, relative, settings, report, want_summary, options),
                        None,
                    ),
                };
                if linted.content_hash.is_none() && options.content_hashes {
                    linted.content_hash = overlay.map(|t| hash_bytes(t.as_bytes()));
                }
                (shown, report, linted, keep.map(Box::new), overlay.cloned())
            })
            .collect()
    });
    result.corpus_files = linted.len();

    let mut reports: Vec<FileReport> = Vec::new();
    // Parallel to `reports`.
    let mut suppressions: Vec<Option<Suppressions>> = Vec::new();
    let mut indexed = Vec::new();
    // Index position → position in `reports`, for reported files.
    let mut report_of = Vec::new();
    // What the cache keeps of each file, and what `--report-affected`
    // needs: the ids the given files may break, the suppressions of files
    // not given (by index position).
    let mut keeps = Vec::new();
    let mut changed_ids: HashSet<crate::cache::Id> = HashSet::new();
    let mut other_suppressions = std::collections::HashMap::new();
    if target.report_affected {
        for (_, report, linted, keep, _) in &linted {
            match (report, keep) {
                (false, _) => {}
                (true, Some(keep)) => changed_ids.extend(keep.touched().cloned()),
                // No history: what the file holds now may break referrers.
                (true, None) => changed_ids.extend(
                    linted
                        .summary
                        .as_ref()
                        .and_then(|s| Some((s.collection, s.id.as_ref()?.value.clone()))),
                ),
            }
        }
        if let Some(cache) = &cache {
            changed_ids.extend(cache.gone_ids());
        }
    }
    for (path, report, mut linted, keep, source) in linted {
        // A cache hit brings no reference entries (they are decoded for
        // reported files only): a file that references a changed article
        // may be reported as affected, so it needs them. (Rules report a
        // file's references in that file only, so the others can go
        // without.)
        if let (false, Some(keep), Some(summary)) = (report, &keep, &mut linted.summary) {
            if summary.refs.is_empty() && keep.ref_ids().iter().any(|id| changed_ids.contains(id)) {
                summary.refs = keep.decode_refs().unwrap_or_default();
            }
        }
        if let Some(error) = linted.failure {
            if report {
                result.errors.push(format!("{}: {error}", path.display()));
            }
        }
        let (given_suppressions, other) = match report {
            true => (linted.suppressions, None),
            false => (None, linted.suppressions),
        };
        let position = report.then(|| {
            reports.push(FileReport {
                path: path.clone(),
                diagnostics: linted.diagnostics,
                source,
                value_hashes: linted.value_hashes,
                content_hash: linted.content_hash,
            });
            suppressions.push(given_suppressions);
            reports.len() - 1
        });
        let summary_at = linted.summary.is_some().then_some(indexed.len());
        if let Some(summary) = linted.summary {
            if let Some(other) = other {
                other_suppressions.insert(indexed.len(), other);
            }
            indexed.push(IndexedFile { path, summary });
            report_of.push(position);
        }
        if let Some(mut keep) = keep {
            result.from_cache += usize::from(keep.was_hit());
            keep.summary_at = summary_at;
            keeps.push(*keep);
        }
    }
    // Kept for the cache, which writes summaries from it.
    let mut kept_index = None;
    // The cross-file phase: building the index, running the cross-file
    // rules and attaching their findings.
    let corpus_start = Instant::now();
    if want_summary {
        let index = pool.install(|| Index::new(indexed));
        let mut found = Vec::new();
        // The cross-file rules are independent: run them in parallel, and
        // keep their findings in registry order.
        let corpus_rules: Vec<_> = settings
            .rules
            .enabled()
            .filter(|(rule, _)| rule.meta().stage == Stage::Corpus)
            .collect();
        // A rule that panics loses its findings and fails the run (exit 2);
        // the other rules' findings stand.
        let per_rule: Vec<Result<Vec<(usize, Diagnostic)>, String>> = pool.install(|| {
            corpus_rules
                .par_iter()
                .map(|&(rule, severity)| {
                    let mut out = Vec::new();
                    let mut cx = rules::CorpusContext::new(
                        &index,
                        settings,
                        rule.meta(),
                        severity,
                        &mut out,
                    );
                    isolate::run_rule("cross-file rule", rule.meta().name, &root, || {
                        rule.check_corpus(&mut cx)
                    })?;
                    Ok(out)
                })
                .collect()
        });
        for outcome in per_rule {
            match outcome {
                Ok(findings) => found.extend(findings),
                Err(message) => result.errors.push(message),
            }
        }
        // Reports added for affected files (after the given ones).
        let first_affected = reports.len();
        for (file, diagnostic) in found {
            let position = match report_of[file] {
                Some(position) if position < first_affected => position,
                _ if !changed_ids.is_empty()
                    && referenced_id(&index.files[file].summary, diagnostic.span())
                        .is_some_and(|id| changed_ids.contains(&id)) =>
                {
                    if let Some(found) = other_suppressions.get_mut(&file) {
                        if Suppressions::silences(found, &diagnostic) {
                            result.suppressed += 1;
                            continue;
                        }
                    }
                    *report_of[file].get_or_insert_with(|| {
                        reports.push(FileReport {
                            path: index.files[file].path.clone(),
                            diagnostics: Vec::new(),
                            source: None,
                            value_hashes: Vec::new(),
                            content_hash: None,
                        });
                        suppressions.push(None);
                        reports.len() - 1
                    })
                }
                _ => continue,
            };
            reports[position].diagnostics.push(diagnostic);
        }
        result.affected = reports.len() - first_affected;
        kept_index = Some(index);
    }
    result.corpus_phase = corpus_start.elapsed();
    if let Some(cache) = cache {
        let summary =
            |i: usize| &kept_index.as_ref().expect("summaries are indexed").files[i].summary;
        result.cache_error = cache.store(&keeps, summary).err();
    }
    // Freeing tens of thousands of summaries costs more than a warm run's
    // linting: a thread does it while the findings are printed.
    if indexed_files(&kept_index) > 10_000 {
        std::thread::spawn(move || drop((kept_index, keeps)));
    }

    result.suppressed += pool.install(|| {
        reports
            .par_iter_mut()
            .zip(suppressions)
            .map(|(report, suppressions)| finish(report, suppressions, settings, options))
            .sum::<usize>()
    });
    reports.sort_by(|a, b| crate::walk::path_order(&a.path, &b.path));
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

fn indexed_files(index: &Option<Index>) -> usize {
    index.as_ref().map_or(0, |index| index.files.len())
}

/// The canonical form of a `path` that does not exist but stands for a
/// file: one in the overlay (standard input), or with
/// [`Target::report_affected`] a deleted one whose directory exists.
fn canonical_missing(path: &Path, target: &Target) -> Option<PathBuf> {
    if path.exists() {
        return None;
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let canonical = parent.canonicalize().ok()?.join(name);
    (target.report_affected || target.overlay.contains_key(&canonical)).then_some(canonical)
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
    marked_root(&base).unwrap_or(base)
}

/// The nearest directory at or above `dir` holding `fmlint.toml`, else the
/// nearest holding `.git`.
pub fn marked_root(dir: &Path) -> Option<PathBuf> {
    let marked = |name: &str| {
        dir.ancestors()
            .find(|d| d.join(name).exists())
            .map(Path::to_path_buf)
    };
    marked("fmlint.toml").or_else(|| marked(".git"))
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
    relative: &Path,
    settings: &Settings,
    report: bool,
    want_summary: bool,
    options: Options,
) -> Linted {
    match std::fs::read(path) {
        Ok(bytes) => {
            let mut linted = lint_bytes(relative, &bytes, settings, report, want_summary);
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
                failure: Some(message),
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
            failure: None,
            content_hash: None,
        }
    };
    if let Some(nul) = memchr::memchr(0, bytes) {
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
pub(crate) fn internal_error(span: Span, message: String, lines: &LineIndex) -> Diagnostic {
    rules::resolve(
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
    let collection = settings.collection_for(path);
    let overrides = settings.overrides_for(path);
    let file_rules = settings.rules_for(&overrides);
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    let mut emit = |meta: &'static RuleMeta, diagnostic: Diagnostic| {
        if let Some(severity) = file_rules.severity(meta.name) {
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
                failure: None,
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
                failure: None,
            };
        }
    };

    let parsed = frontmatter::parse(text, header.yaml);
    // Collected for unreported files too (one substring search when there
    // are none): `--report-affected` may report them, and the cache keeps
    // them.
    let suppressions = Suppressions::collect(text, &header, parsed.root.as_ref(), &lines);
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
            failure: None,
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
            failure: None,
        };
    }

    let Some(collection) = collection else {
        // No collection claims the file: only its structure is checked.
        return Document {
            diagnostics: out,
            summary: None,
            suppressions,
            failure: None,
        };
    };
    let mut panics = Vec::new();
    if report {
        let mut cx = FileContext::new(
            path, text, header, &root, settings, collection, &lines, &mut out,
        );
        for (rule, severity) in file_rules.enabled() {
            if rule.meta().stage == Stage::File {
                cx.set_rule(rule.meta(), severity);
                let before = cx.findings();
                let outcome =
                    isolate::run_rule("rule", rule.meta().name, path, || rule.check_file(&mut cx));
                if let Err(message) = outcome {
                    // Half a rule's findings are worse than none.
                    cx.take_back(before);
                    panics.push(message);
                }
            }
        }
    }
    for message in &panics {
        out.push(internal_error(header.open, message.clone(), &lines));
    }
    let summary = want_summary.then(|| Summary {
        overrides,
        ..summarize(&root, collection, &lines)
    });
    Document {
        diagnostics: out,
        summary,
        suppressions,
        failure: (!panics.is_empty()).then(|| panics.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file the walker found but that is gone when its turn comes (a
    /// checkout or an editor's temporary file): reported, not a panic, and
    /// the run fails (exit 2) rather than passing silently.
    #[test]
    fn a_file_removed_between_discovery_and_reading_is_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone.md");
        std::fs::write(&path, "---\nid: 1\n---\n").unwrap();
        std::fs::remove_file(&path).unwrap();
        let settings = Settings::quicktakes().unwrap();
        let linted = lint_path(
            &path,
            Path::new("gone.md"),
            &settings,
            true,
            true,
            Options::default(),
        );
        assert_eq!(linted.diagnostics.len(), 1);
        assert_eq!(linted.diagnostics[0].rule, "unreadable-file");
        assert!(linted.diagnostics[0]
            .message
            .starts_with("cannot read the file:"));
        assert!(linted.failure.is_some());
        assert!(linted.summary.is_none());
    }
}
