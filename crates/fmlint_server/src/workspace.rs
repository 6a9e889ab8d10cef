//! A live corpus for the language server: every file's index summary,
//! kept current as documents are opened, edited, saved and changed on
//! disk, plus the text of the documents open in the editor.
//!
//! The corpus is read once ([`scan`], in parallel, off the server's main
//! thread). After that, an edit costs one `lint_text` of the edited
//! document and an update of the lookup tables. Cross-file rules then run
//! on a *neighbourhood* index per open document: the document plus every
//! file that shares its id or a unique value (url), every file its
//! references point at, and every file that references it; for values
//! that need not be unique (a title, a subject, held by hundreds), two
//! holders, enough to tell "exactly one article has it" from "several".
//! That is all the cross-file rules read about one file, so the findings
//! equal those of a whole-corpus run (a test checks this against
//! [`Workspace::diagnostics_full`]) at a cost that does not grow with the
//! corpus.
//!
//! Paths are relative to the corpus root, as `fmlint check` run from the
//! root shows them; [`Workspace::root`] joins them back for URIs.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use rayon::prelude::*;

use fmlint_engine::walk::{walk, FileFilter};
use fmlint_linter::corpus::run_rule;
use fmlint_linter::diagnostic::{Diagnostic, Span};
use fmlint_linter::hash::hash_str;
use fmlint_linter::index::{Index, IndexedFile, RefKind, Summary, PAGES};
use fmlint_linter::lint::{
    drop_unsupported_fixes, internal_error, lint_bytes, lint_text, sort_diagnostics,
};
use fmlint_linter::rule::Stage;
use fmlint_linter::settings::{RuleSet, Settings};
use fmlint_linter::suppress::Suppressions;
use fmlint_syntax::LineIndex;

/// The comment marker of inline suppressions; a text without it has none.
const SUPPRESSION_MARKER: &str = "fmlint-ignore";

/// What a corpus scan found: each file (relative to the root, sorted) with
/// its summary (`None` when it has no usable header), and the paths the
/// walker could not read.
pub struct Scan {
    pub files: Vec<(Arc<Path>, Option<Summary>)>,
    pub errors: Vec<String>,
}

/// Reads every file of the corpus under `root` and summarises it, on
/// `threads` workers. Meant for a background thread: it touches no
/// workspace.
pub fn scan(root: &Path, settings: &Settings, threads: usize) -> Result<Scan> {
    let filter = FileFilter::new(&settings.include, &settings.exclude)?;
    let (paths, walk_errors) = walk(root, &filter, threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(fmlint_engine::workers::workers(threads, paths.len()))
        .build()
        .context("cannot start worker threads")?;
    let files = pool.install(|| {
        paths
            .par_iter()
            .map(|path| {
                let relative: Arc<Path> = path.strip_prefix(root).unwrap_or(path).into();
                let summary = summarize_file(path, &relative, settings);
                (relative, summary)
            })
            .collect()
    });
    let errors = walk_errors
        .into_iter()
        .map(|e| match e.path {
            Some(path) => format!("{}: {}", path.display(), e.message),
            None => e.message,
        })
        .collect();
    Ok(Scan { files, errors })
}

/// The summary of a file on disk; `None` when it cannot be read, is not
/// text, or has no usable header.
fn summarize_file(path: &Path, relative: &Path, settings: &Settings) -> Option<Summary> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(&bytes).ok()?;
    lint_text(relative, text, settings, false, true).1
}

/// A document open in the editor.
struct Open {
    text: Arc<str>,
    /// Per-file findings, with the header's suppressions applied.
    per_file: Vec<Diagnostic>,
}

/// Files that hold a key (collection, id), in path order.
type Holders = HashMap<(usize, String), BTreeSet<Arc<Path>>>;

pub struct Workspace {
    root: PathBuf,
    settings: Arc<Settings>,
    filter: FileFilter,
    /// Whether the corpus has been scanned: before that, cross-file rules
    /// would see only the open documents and report false findings.
    indexed: bool,
    /// Every corpus file's summary: the editor's text for open documents,
    /// the disk's for the others.
    files: HashMap<Arc<Path>, Option<Summary>>,
    open: HashMap<Arc<Path>, Open>,
    /// Open documents whose file on disk is not text (a NUL byte, not
    /// UTF-8): the `unreadable-file` finding `fmlint check` gives them,
    /// whatever the editor made of the bytes.
    unreadable: HashMap<Arc<Path>, Vec<Diagnostic>>,
    by_id: Holders,
    /// (collection, field, hash of value) → files, as
    /// [`Index::with_value`] keys them.
    by_value: HashMap<(usize, Arc<str>, u64), BTreeSet<Arc<Path>>>,
    /// Referenced id → files that reference it.
    referrers: Holders,
    /// The enabled cross-file rules plus `unused-suppression`: the rule set
    /// that judges directives against cross-file findings.
    corpus_rules: RuleSet,
    has_corpus_rules: bool,
}

impl Workspace {
    /// An empty workspace for the corpus at `root` (an absolute,
    /// canonical path); [`Workspace::load`] fills it.
    pub fn new(root: PathBuf, settings: Arc<Settings>) -> Result<Workspace> {
        let filter = FileFilter::new(&settings.include, &settings.exclude)?;
        let corpus_names: Vec<String> = settings
            .rules
            .enabled()
            .filter(|(rule, _)| rule.meta().stage == Stage::Corpus)
            .map(|(rule, _)| rule.meta().name.to_string())
            .collect();
        let has_corpus_rules = !corpus_names.is_empty();
        let mut select = corpus_names;
        select.push(
            fmlint_linter::rules::UnusedSuppression::META
                .name
                .to_string(),
        );
        let corpus_rules = settings.rules.clone().select(&select, &[])?;
        Ok(Workspace {
            root,
            settings,
            filter,
            indexed: false,
            files: HashMap::new(),
            open: HashMap::new(),
            unreadable: HashMap::new(),
            by_id: HashMap::new(),
            by_value: HashMap::new(),
            referrers: HashMap::new(),
            corpus_rules,
            has_corpus_rules,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn is_indexed(&self) -> bool {
        self.indexed
    }

    /// Files in the corpus.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `path` relative to the root, when it is a corpus file: under the
    /// root and matched by the include/exclude globs.
    pub fn relative(&self, path: &Path) -> Option<Arc<Path>> {
        let relative = path.strip_prefix(&self.root).ok()?;
        self.filter.matches(relative).then(|| relative.into())
    }

    /// Takes in a scan of the corpus. Open documents keep their editor text.
    pub fn load(&mut self, scan: Scan) {
        for (path, summary) in scan.files {
            if self.open.contains_key(&path) {
                continue;
            }
            self.set_summary(path, summary);
        }
        self.indexed = true;
    }

    /// Opens a document (or takes its saved text): the bytes on disk are
    /// checked first, as `fmlint check` reads them.
    pub fn open(&mut self, path: Arc<Path>, text: Arc<str>) {
        self.check_disk(&path);
        self.set_text(path, text);
    }

    /// Replaces an open document's text (full sync). While its file on
    /// disk is not text, it keeps the `unreadable-file` finding and no
    /// summary.
    pub fn set_text(&mut self, path: Arc<Path>, text: Arc<str>) {
        if let Some(findings) = self.unreadable.get(&path) {
            let per_file = findings.clone();
            self.open.insert(path.clone(), Open { text, per_file });
            self.set_summary(path, None);
            return;
        }
        let (per_file, summary) = lint_text(&path, &text, &self.settings, true, true);
        self.open.insert(path.clone(), Open { text, per_file });
        self.set_summary(path, summary);
    }

    /// Closes a document: the file's summary goes back to the disk's.
    pub fn close(&mut self, path: &Path) {
        let Some((path, _)) = self.open.remove_entry(path) else {
            return;
        };
        self.unreadable.remove(&path);
        self.reload(path);
    }

    /// Reads a file again after it changed on disk (or was created or
    /// deleted). An open document keeps its editor text, judged again
    /// against what its bytes on disk now are.
    pub fn reload(&mut self, path: Arc<Path>) {
        if let Some(open) = self.open.get(&path) {
            let text = open.text.clone();
            self.open(path, text);
            return;
        }
        let absolute = self.root.join(&path);
        if !absolute.is_file() {
            self.remove(&path);
            return;
        }
        let summary = summarize_file(&absolute, &path, &self.settings);
        self.set_summary(path, summary);
    }

    /// Takes in a change on disk at `path` (absolute): a file or a folder
    /// created, modified, deleted or renamed (each of a rename's two
    /// paths arrives on its own).
    pub fn changed_on_disk(&mut self, path: &Path) {
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return;
        };
        if path.is_dir() {
            // A folder created or renamed into the corpus: its files.
            let everything = FileFilter::new(&["**".to_string()], &[]);
            let Ok(everything) = everything else { return };
            let (files, _) = walk(path, &everything, 1);
            for file in files {
                if let Some(relative) = self.relative(&file) {
                    self.reload(relative);
                }
            }
        } else if path.exists() {
            if let Some(relative) = self.relative(path) {
                self.reload(relative);
            }
        } else {
            // Gone: the file, or every file of a folder.
            let gone: Vec<Arc<Path>> = self
                .files
                .keys()
                .filter(|file| file.starts_with(relative))
                .cloned()
                .collect();
            for file in gone {
                self.reload(file);
            }
        }
    }

    /// Records whether the file's bytes on disk are text; a file not
    /// (yet) on disk counts as text.
    fn check_disk(&mut self, path: &Arc<Path>) {
        let bytes = std::fs::read(self.root.join(path)).unwrap_or_default();
        if !bytes.contains(&0) && std::str::from_utf8(&bytes).is_ok() {
            self.unreadable.remove(path);
            return;
        }
        let linted = lint_bytes(path, &bytes, &self.settings, false, false);
        let unreadable: Vec<Diagnostic> = linted
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == fmlint_linter::rules::UnreadableFile::META.name)
            .collect();
        if unreadable.is_empty() {
            self.unreadable.remove(path);
        } else {
            self.unreadable.insert(path.clone(), unreadable);
        }
    }

    pub fn is_open(&self, path: &Path) -> bool {
        self.open.contains_key(path)
    }

    /// The open documents, in path order.
    pub fn open_documents(&self) -> Vec<Arc<Path>> {
        let mut paths: Vec<Arc<Path>> = self.open.keys().cloned().collect();
        paths.sort();
        paths
    }

    /// Every corpus file with a usable header and its summary.
    pub fn summaries(&self) -> impl Iterator<Item = (&Arc<Path>, &Summary)> {
        self.files
            .iter()
            .filter_map(|(path, summary)| Some((path, summary.as_ref()?)))
    }

    /// The files of `collection` holding `id`, in path order.
    pub fn holders(&self, collection: usize, id: &str) -> Vec<(Arc<Path>, &Summary)> {
        self.by_id
            .get(&(collection, id.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|path| Some((path.clone(), self.files.get(path)?.as_ref()?)))
            .collect()
    }

    /// An open document's text.
    pub fn text(&self, path: &Path) -> Option<&Arc<str>> {
        self.open.get(path).map(|open| &open.text)
    }

    fn remove(&mut self, path: &Path) {
        if let Some((path, Some(old))) = self.files.remove_entry(path) {
            self.unlink(&path, &old);
        }
    }

    fn set_summary(&mut self, path: Arc<Path>, summary: Option<Summary>) {
        if let Some(Some(old)) = self.files.remove(&path) {
            self.unlink(&path, &old);
        }
        if let Some(new) = &summary {
            self.link(&path, new);
        }
        self.files.insert(path, summary);
    }

    /// Adds `path` to the lookup tables under each key of `summary`.
    fn link(&mut self, path: &Arc<Path>, summary: &Summary) {
        for key in keys(summary) {
            let holders = match key {
                Key::Id(c, id) => self.by_id.entry((c, id.to_string())).or_default(),
                Key::Value(c, field, hash) => {
                    self.by_value.entry((c, field.clone(), hash)).or_default()
                }
                Key::Referenced(c, id) => self.referrers.entry((c, id.to_string())).or_default(),
            };
            holders.insert(path.clone());
        }
    }

    fn unlink(&mut self, path: &Path, summary: &Summary) {
        fn drop_from<K: std::hash::Hash + Eq>(
            map: &mut HashMap<K, BTreeSet<Arc<Path>>>,
            key: K,
            path: &Path,
        ) {
            if let Some(holders) = map.get_mut(&key) {
                holders.remove(path);
                if holders.is_empty() {
                    map.remove(&key);
                }
            }
        }
        for key in keys(summary) {
            match key {
                Key::Id(c, id) => drop_from(&mut self.by_id, (c, id.to_string()), path),
                Key::Value(c, field, hash) => {
                    drop_from(&mut self.by_value, (c, field.clone(), hash), path)
                }
                Key::Referenced(c, id) => drop_from(&mut self.referrers, (c, id.to_string()), path),
            }
        }
    }

    /// Every finding of an open document: its per-file findings and, once
    /// the corpus is indexed, the cross-file ones, with its suppressions
    /// applied, sorted. `None` when the document is not open.
    pub fn diagnostics(&self, path: &Path) -> Option<Vec<Diagnostic>> {
        self.findings(path, |ws, path| {
            ws.corpus_findings(path, &ws.neighbourhood(path))
        })
    }

    /// The same as [`Workspace::diagnostics`], running the cross-file rules
    /// on the whole corpus (what `fmlint check` does). Slow on a big
    /// corpus; the reference the neighbourhood is tested against.
    pub fn diagnostics_full(&self, path: &Path) -> Option<Vec<Diagnostic>> {
        self.findings(path, |ws, path| {
            let all: Vec<Arc<Path>> = ws.files.keys().cloned().collect();
            ws.corpus_findings(path, &all)
        })
    }

    fn findings(
        &self,
        path: &Path,
        corpus: impl FnOnce(&Self, &Path) -> Vec<Diagnostic>,
    ) -> Option<Vec<Diagnostic>> {
        let open = self.open.get(path)?;
        let mut diagnostics = open.per_file.clone();
        if self.indexed && self.has_corpus_rules && !self.unreadable.contains_key(path) {
            let mut found = corpus(self, path);
            if let Ok(header) = fmlint_syntax::split(&open.text) {
                drop_unsupported_fixes(header.format, &mut found);
            }
            if open.text.contains(SUPPRESSION_MARKER) {
                self.suppress(&open.text, &mut found, &mut diagnostics);
            }
            diagnostics.extend(found);
        }
        sort_diagnostics(&mut diagnostics);
        Some(diagnostics)
    }

    /// Applies the header's directives to cross-file findings, and reports
    /// directives naming a cross-file rule that silenced nothing (the
    /// per-file pass could not judge those).
    fn suppress(&self, text: &str, found: &mut Vec<Diagnostic>, diagnostics: &mut Vec<Diagnostic>) {
        let Ok(header) = fmlint_syntax::split(text) else {
            return;
        };
        let parsed = fmlint_syntax::parse_header(text, &header);
        let lines = LineIndex::new(text);
        let Some(mut suppressions) =
            Suppressions::collect(text, &header, parsed.root.as_ref(), &lines)
        else {
            return;
        };
        found.retain(|d| !suppressions.silences(d));
        for (unused, _) in suppressions.unused(&self.corpus_rules, true) {
            let known = diagnostics.iter().any(|d| {
                d.rule == unused.rule && d.span() == unused.span() && d.message == unused.message
            });
            if !known {
                diagnostics.push(unused);
            }
        }
    }

    /// The files the cross-file rules read to judge `path`, in path order.
    fn neighbourhood(&self, path: &Path) -> Vec<Arc<Path>> {
        let Some((path, Some(summary))) = self.files.get_key_value(path) else {
            return Vec::new();
        };
        let mut set: BTreeSet<Arc<Path>> = BTreeSet::new();
        set.insert(path.clone());
        let mut add = |holders: Option<&BTreeSet<Arc<Path>>>, most: usize| {
            if let Some(holders) = holders {
                set.extend(holders.iter().take(most).cloned());
            }
        };
        let unique = |collection: usize, field: &str| {
            self.settings
                .collections
                .get(collection)
                .is_some_and(|c| c.unique.iter().any(|u| u.field == field))
        };
        let mut add_value = |collection: usize, field: &Arc<str>, hash: u64| {
            let most = if unique(collection, field) {
                usize::MAX
            } else {
                2
            };
            add(self.by_value.get(&(collection, field.clone(), hash)), most);
        };
        let own = summary.collection;
        for (field, value) in &summary.fields {
            add_value(own, field, hash_str(&value.value));
        }
        let specs = self.settings.collections.get(own);
        for entry in &summary.refs {
            let spec = specs.and_then(|c| entry.spec(c));
            for (mirror, (_, target_field)) in entry
                .mirrors
                .iter()
                .filter_map(|m| Some((m, m.fields(spec?)?)))
            {
                add_value(entry.target, target_field, mirror.hash);
            }
            // A reference by URL names the page holding that value.
            if let (RefKind::Url(field), Some(url)) = (entry.by(), &entry.id) {
                add_value(entry.target, field, hash_str(&url.value));
            }
        }
        let own_ids = summary.id.iter().map(|id| (own, id.value.clone()));
        // A page path is an id of every page (references by path).
        let page = summary.page().map(|page| (PAGES, page.to_string()));
        for key in own_ids.chain(page) {
            add(self.by_id.get(&key), usize::MAX);
            add(self.referrers.get(&key), usize::MAX);
        }
        for entry in &summary.refs {
            if let Some(id) = &entry.id {
                add(
                    self.by_id.get(&(entry.target, id.value.clone())),
                    usize::MAX,
                );
                // A dangling path names the pages of that name (moved).
                if *entry.by() == RefKind::Path {
                    let name = id.value.rsplit('/').next().unwrap_or("");
                    add(self.by_id.get(&(PAGE_NAMES, name.to_string())), 3);
                }
            }
        }
        set.into_iter().collect()
    }

    /// Runs the cross-file rules on an index of `files` and keeps the
    /// findings about `path`.
    fn corpus_findings(&self, path: &Path, files: &[Arc<Path>]) -> Vec<Diagnostic> {
        let mut files: Vec<&Arc<Path>> = files.iter().collect();
        files.sort();
        let mut indexed = Vec::with_capacity(files.len());
        let mut own = None;
        for file in files {
            let Some(Some(summary)) = self.files.get(file) else {
                continue;
            };
            if **file == *path {
                own = Some(indexed.len());
            }
            indexed.push(IndexedFile {
                path: file.clone(),
                summary: summary.clone(),
            });
        }
        let Some(own) = own else {
            return Vec::new();
        };
        let index = Index::new(indexed);
        let mut found = Vec::new();
        for rule in self.settings.rules.enabled_corpus() {
            match run_rule(&index, &self.settings, rule, path) {
                Ok(findings) => found.extend(findings),
                Err(message) => found.push((
                    own,
                    internal_error(Span::empty(0), message, &LineIndex::new("")),
                )),
            }
        }
        found
            .into_iter()
            .filter(|(file, _)| *file == own)
            .map(|(_, diagnostic)| diagnostic)
            .collect()
    }
}

/// A lookup-table key of a summary.
/// Page paths by their last segment (`content/a/setup` under `setup`):
/// the pages a dangling path's "did you mean" may name.
const PAGE_NAMES: usize = PAGES - 1;

enum Key<'s> {
    Id(usize, &'s str),
    Value(usize, &'s Arc<str>, u64),
    Referenced(usize, &'s str),
}

fn keys(summary: &Summary) -> impl Iterator<Item = Key<'_>> {
    let own = summary.collection;
    let id = summary.id.iter().map(move |id| Key::Id(own, &id.value));
    let page = summary.page().into_iter().flat_map(|page| {
        let name = page.rsplit('/').next().unwrap_or("");
        [Key::Id(PAGES, page), Key::Id(PAGE_NAMES, name)]
    });
    let values = summary
        .fields
        .iter()
        .map(move |(field, value)| Key::Value(own, field, hash_str(&value.value)));
    let referenced = summary
        .refs
        .iter()
        .filter_map(|entry| Some((entry.target, entry.id.as_ref()?)))
        .map(|(target, id)| Key::Referenced(target, &id.value));
    id.chain(page).chain(values).chain(referenced)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/quicktakes")
            .canonicalize()
            .unwrap()
    }

    fn loaded(root: &Path) -> Workspace {
        loaded_with(root, fmlint_engine::config::quicktakes().unwrap())
    }

    fn loaded_with(root: &Path, settings: Settings) -> Workspace {
        let settings = Arc::new(settings);
        let scan = scan(root, &settings, 2).unwrap();
        let mut workspace = Workspace::new(root.to_path_buf(), settings).unwrap();
        workspace.load(scan);
        workspace
    }

    /// Opens every file of the workspace in turn and asserts its findings
    /// from the neighbourhood equal those from the whole corpus; returns
    /// how many findings `counted` holds for.
    fn neighbourhood_equals_whole(
        workspace: &mut Workspace,
        label: &str,
        counted: impl Fn(&Diagnostic) -> bool,
    ) -> usize {
        let mut paths: Vec<Arc<Path>> = workspace.files.keys().cloned().collect();
        paths.sort();
        let mut count = 0;
        for path in &paths {
            open_from_disk(workspace, path);
            let fast = workspace.diagnostics(path).unwrap();
            let full = workspace.diagnostics_full(path).unwrap();
            assert_eq!(fast, full, "{label}: {}", path.display());
            count += fast.iter().filter(|d| counted(d)).count();
            workspace.close(path);
        }
        count
    }

    fn open_from_disk(workspace: &mut Workspace, path: &Arc<Path>) {
        let text = std::fs::read_to_string(workspace.root().join(path)).unwrap();
        workspace.set_text(path.clone(), text.into());
    }

    /// The neighbourhood index must judge every file exactly as the whole
    /// corpus does; a new cross-file rule that reads further fails here.
    #[test]
    fn neighbourhood_findings_equal_whole_corpus_findings() {
        let root = fixture_root();
        let mut workspace = loaded(&root);
        assert!(workspace.files.len() > 5, "the fixture corpus is too small");
        let cross_file = neighbourhood_equals_whole(&mut workspace, "quicktakes", |d| {
            fmlint_linter::rules::find(d.rule).is_some_and(|r| r.meta().stage == Stage::Corpus)
        });
        assert!(
            cross_file > 0,
            "the fixtures should exercise cross-file rules"
        );
    }

    /// The same on the corpora of other shapes: references by path (a
    /// page's `children`) and list uniqueness reach the right neighbours.
    #[test]
    fn neighbourhood_findings_equal_whole_corpus_findings_on_other_shapes() {
        for name in ["github-docs", "mdn", "starlight"] {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../fixtures")
                .join(name)
                .canonicalize()
                .unwrap();
            let settings = fmlint_engine::config::settings_for_root(&root).unwrap();
            let mut workspace = loaded_with(&root, settings);
            let cross_file = neighbourhood_equals_whole(&mut workspace, name, |d| {
                d.rule == "dangling-reference" || d.rule.starts_with("duplicate-")
            });
            // MDN's defects are all per-file.
            assert!(
                name == "mdn" || cross_file > 0,
                "{name}: no cross-file finding"
            );
        }
    }

    /// The workspace reports what `fmlint check` reports for each file.
    #[test]
    fn open_documents_get_what_the_cli_reports() {
        let root = fixture_root();
        let mut workspace = loaded(&root);
        let target = fmlint_engine::check::Target {
            paths: vec![root.clone()],
            corpus_root: Some(root.clone()),
            threads: 2,
            ..Default::default()
        };
        let settings = fmlint_engine::config::quicktakes().unwrap();
        let result = fmlint_engine::check::check(&target, &settings).unwrap();
        for report in &result.files {
            let absolute = report.path.canonicalize().unwrap();
            let path = workspace.relative(&absolute).unwrap();
            open_from_disk(&mut workspace, &path);
            let ours: Vec<(&str, u32, u32)> = workspace
                .diagnostics(&path)
                .unwrap()
                .iter()
                .map(|d| (d.rule, d.span().start, d.span().end))
                .collect();
            let cli: Vec<(&str, u32, u32)> = report
                .diagnostics
                .iter()
                .map(|d| (d.rule, d.span().start, d.span().end))
                .collect();
            assert_eq!(ours, cli, "{}", path.display());
        }
    }

    /// The same on a generated corpus with every kind of cross-file defect:
    /// `FMLINT_CORPUS=DIR cargo test --lib -- --ignored big_corpus` (each
    /// whole-corpus run is slow; every 7th file is checked, every
    /// `FMLINT_STEP`th if set).
    #[test]
    #[ignore]
    fn neighbourhood_equals_whole_corpus_on_a_big_corpus() {
        let root = PathBuf::from(std::env::var("FMLINT_CORPUS").expect("FMLINT_CORPUS=DIR"));
        let mut workspace = loaded(&root.canonicalize().unwrap());
        let mut paths: Vec<Arc<Path>> = workspace.files.keys().cloned().collect();
        paths.sort();
        let mut cross_file = 0;
        let step = std::env::var("FMLINT_STEP")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7);
        for path in paths.iter().step_by(step) {
            let Ok(text) = std::fs::read_to_string(root.join(path)) else {
                continue;
            };
            workspace.set_text(path.clone(), text.into());
            let fast = workspace.diagnostics(path).unwrap();
            assert_eq!(
                fast,
                workspace.diagnostics_full(path).unwrap(),
                "{}",
                path.display()
            );
            cross_file += fast
                .iter()
                .filter(|d| {
                    fmlint_linter::rules::find(d.rule)
                        .is_some_and(|r| r.meta().stage == Stage::Corpus)
                })
                .count();
            workspace.close(path);
        }
        eprintln!("{cross_file} cross-file findings compared");
    }

    #[test]
    fn an_edit_updates_other_documents_findings() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let a = "---\nid: 1\ntitle: A\nurl: /a\n---\n";
        let b = "---\nid: 2\ntitle: B\nurl: /b\nrelated_article1:\n  id: 1\n  title: A\n  url: /a\n---\n";
        std::fs::write(root.join("a.md"), a).unwrap();
        std::fs::write(root.join("b.md"), b).unwrap();
        let mut workspace = loaded(&root);
        let (pa, pb): (Arc<Path>, Arc<Path>) = (Path::new("a.md").into(), Path::new("b.md").into());
        workspace.set_text(pb.clone(), b.into());
        let stale = |ws: &Workspace| {
            ws.diagnostics(&pb)
                .unwrap()
                .iter()
                .filter(|d| d.rule == "stale-reference")
                .count()
        };
        assert_eq!(stale(&workspace), 0);
        // An unsaved edit of A's title makes B's mirror stale…
        workspace.set_text(pa.clone(), a.replace("title: A", "title: A2").into());
        assert_eq!(stale(&workspace), 1);
        // …and closing A without saving restores the disk's title.
        workspace.close(&pa);
        assert_eq!(stale(&workspace), 0);
        // A file deleted on disk leaves B's reference dangling.
        std::fs::remove_file(root.join("a.md")).unwrap();
        workspace.reload(pa);
        let rules: Vec<&str> = workspace
            .diagnostics(&pb)
            .unwrap()
            .iter()
            .map(|d| d.rule)
            .collect();
        assert!(rules.contains(&"dangling-reference"), "{rules:?}");
    }

    #[test]
    fn suppressions_silence_cross_file_findings_and_unused_ones_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let b = "---\nid: 2\nrelated_article1:\n  id: 9  # fmlint-ignore: dangling-reference\nrelated_article2:\n  id: 1  # fmlint-ignore: stale-reference\n---\n";
        std::fs::write(root.join("a.md"), "---\nid: 1\n---\n").unwrap();
        let mut workspace = loaded(&root);
        let pb: Arc<Path> = Path::new("b.md").into();
        workspace.set_text(pb.clone(), b.into());
        let found: Vec<(&str, u32)> = workspace
            .diagnostics(&pb)
            .unwrap()
            .iter()
            .map(|d| (d.rule, d.location.start.line))
            .collect();
        assert!(
            !found.iter().any(|(rule, _)| *rule == "dangling-reference"),
            "{found:?}"
        );
        assert!(found.contains(&("unused-suppression", 6)), "{found:?}");
    }
}
