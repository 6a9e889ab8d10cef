//! Stage 3: the per-file pass, in parallel. Each corpus file is read,
//! split, parsed and linted ([`fmlint_linter::lint`]) — or its result-cache
//! entry stands for it — and yields its findings (reported files only) and
//! its index summary (when a cross-file rule runs).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use fmlint_linter::diagnostic::Diagnostic;
use fmlint_linter::hash::{hash_bytes, value_hash};
use fmlint_linter::lint::{lint_bytes, Linted};
use fmlint_linter::rule::resolve;
use fmlint_linter::rules::UnreadableFile;
use fmlint_linter::settings::Settings;
use fmlint_syntax::{LineIndex, Span};
use rayon::prelude::*;

use super::target::{Options, Target};
use super::targets::Targets;
use crate::cache::{Cache, Keep};
use crate::root::display_path;
use crate::walk::under;

/// One corpus file after the pass.
pub(super) struct Passed {
    /// As shown to the user (relative to the working directory, under a
    /// followed link's name).
    pub shown: Arc<Path>,
    pub reported: bool,
    pub linted: Linted,
    /// What the cache keeps of the file. Boxed where usually absent: one of
    /// these lives for every corpus file until the index is built.
    pub keep: Option<Box<Keep>>,
    /// The text linted, when it did not come from the file (the overlay).
    pub source: Option<Arc<str>>,
}

/// Lints `files` (in order) on `pool`.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    pool: &rayon::ThreadPool,
    files: &[PathBuf],
    targets: &Targets,
    root: &Path,
    cwd: &Path,
    cache: &mut Option<Cache>,
    target: &Target,
    settings: &Settings,
    options: Options,
) -> Vec<Passed> {
    let want_summary = settings.rules.enabled_corpus().next().is_some();
    let mut cached = match cache {
        Some(cache) => cache.take(root, files),
        None => Vec::new(),
    };
    cached.resize_with(files.len(), || None);
    let cache = &*cache;
    let progress = target.progress.as_deref();
    if let Some(progress) = progress {
        progress.found(files.len());
    }
    pool.install(|| {
        files
            .par_iter()
            .zip(cached)
            .map(|(path, cached)| {
                let shown = shown(targets.aliases.get(path).unwrap_or(path), cwd);
                // Collections, overrides and path templates see the path
                // relative to the corpus root.
                let relative = under(path, root).unwrap_or(&shown);
                let reported = targets.reports(path);
                let overlay = target.overlay.get(path);
                let file = File {
                    path,
                    relative,
                    reported,
                    want_summary,
                };
                let (mut linted, keep) = match (overlay, cache) {
                    (Some(text), _) => (file.lint_bytes(text.as_bytes(), settings), None),
                    (None, Some(cache)) => cache.lint(
                        path,
                        relative,
                        cached,
                        reported,
                        |bytes| file.lint_bytes(bytes, settings),
                        || file.lint_path(settings, options),
                    ),
                    (None, None) => (file.lint_path(settings, options), None),
                };
                if let Some(progress) = progress {
                    progress.linted_one();
                }
                if linted.content_hash.is_none() && options.content_hashes {
                    linted.content_hash = overlay.map(|t| hash_bytes(t.as_bytes()));
                }
                Passed {
                    shown,
                    reported,
                    linted,
                    keep: keep.map(Box::new),
                    source: overlay.cloned(),
                }
            })
            .collect()
    })
}

/// `path` as shown to the user: [`display_path`], without its component
/// walk for the usual file under the working directory.
fn shown(path: &Path, cwd: &Path) -> Arc<Path> {
    match under(path, cwd) {
        Some(relative) => relative.into(),
        None => display_path(path, cwd).into(),
    }
}

/// A corpus file as the pass sees it.
struct File<'p> {
    /// Canonical.
    path: &'p Path,
    /// Relative to the corpus root.
    relative: &'p Path,
    /// Run the per-file rules (the file is reported).
    reported: bool,
    /// Build the index summary.
    want_summary: bool,
}

impl File<'_> {
    fn lint_bytes(&self, bytes: &[u8], settings: &Settings) -> Linted {
        lint_bytes(
            self.relative,
            bytes,
            settings,
            self.reported,
            self.want_summary,
        )
    }

    /// Reads and lints the file; a file that cannot be read is an
    /// `unreadable-file` finding and a run error.
    fn lint_path(&self, settings: &Settings, options: Options) -> Linted {
        let bytes = match std::fs::read(self.path) {
            Ok(bytes) => bytes,
            Err(error) => return unreadable(&format!("cannot read the file: {error}"), settings),
        };
        let mut linted = self.lint_bytes(&bytes, settings);
        if options.content_hashes {
            linted.content_hash = Some(hash_bytes(&bytes));
        }
        linted
    }
}

/// A file that could not be read: the finding (when the rule is on) and
/// the failure that makes the run exit 2.
fn unreadable(message: &str, settings: &Settings) -> Linted {
    let mut diagnostics = Vec::new();
    if let Some(severity) = settings.rules.severity(UnreadableFile::META.name) {
        diagnostics.push(resolve(
            Diagnostic::new(Span::empty(0), message.to_string()),
            &UnreadableFile::META,
            severity,
            &LineIndex::new(""),
        ));
    }
    Linted {
        value_hashes: vec![value_hash(b""); diagnostics.len()],
        diagnostics,
        suppressions: None,
        summary: None,
        failure: Some(message.to_string()),
        content_hash: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A summary keeps no fix slots for its mirrored values: each is
    /// rebuilt from the mirror (and, for a block scalar that keeps its line
    /// break, from the entry). The rebuilt slot must be the one the tree
    /// gives, in every style a value can be written in.
    #[test]
    fn mirrors_rebuild_the_fix_slot_of_every_style() {
        use fmlint_syntax::emit::Slot;
        let settings = crate::config::quicktakes().unwrap();
        let text = "---\nid: 1\ntitle: Own\nsubject: Physics\n\
            url: /learn/physics/questions/own\n\
            related_article1:\n    id: 2\n    title: >-\n        Folded strip\n\
            \x20   subject: 'Single quoted'\n    url: \"/double\"\n\
            related_article2:\n    id: 3\n    title: |\n        Literal kept\n\
            \x20   subject: Plain\n\
            related_article3: {id: 4, title: Flow plain, subject: >2-\n        Indented strip\n    }\n\
            ---\nBody\n";
        let relative = Path::new("learn/physics/questions/own.md");
        let linted = lint_bytes(relative, text.as_bytes(), &settings, false, true);
        let summary = linted.summary.expect("summarised");
        let collection = &settings.collections[summary.collection];
        let header = fmlint_syntax::split(text).unwrap();
        let parsed = fmlint_syntax::parse_header(text, &header);
        let root = parsed.root.as_ref().unwrap();
        let mut checked = 0;
        for entry in &summary.refs {
            let spec = entry.spec(collection).unwrap();
            let value = root.get(&entry.key(spec)).unwrap();
            let in_flow = value.style == fmlint_syntax::Style::Flow;
            for mirror in &entry.mirrors {
                let node = value.get(mirror.entry_field(spec)).unwrap();
                assert_eq!(
                    mirror.slot(entry),
                    Slot::of(text, node, in_flow),
                    "{}.{}",
                    entry.key(spec),
                    mirror.entry_field(spec)
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 7);
    }

    /// A file the walker found but that is gone when its turn comes (a
    /// checkout or an editor's temporary file): reported, not a panic, and
    /// the run fails (exit 2) rather than passing silently.
    #[test]
    fn a_file_removed_between_discovery_and_reading_is_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone.md");
        std::fs::write(&path, "---\nid: 1\n---\n").unwrap();
        std::fs::remove_file(&path).unwrap();
        let settings = crate::config::quicktakes().unwrap();
        let file = File {
            path: &path,
            relative: Path::new("gone.md"),
            reported: true,
            want_summary: true,
        };
        let linted = file.lint_path(&settings, Options::default());
        assert_eq!(linted.diagnostics.len(), 1);
        assert_eq!(linted.diagnostics[0].rule, "unreadable-file");
        assert!(linted.diagnostics[0]
            .message
            .starts_with("cannot read the file:"));
        assert!(linted.failure.is_some());
        assert!(linted.summary.is_none());
    }
}
