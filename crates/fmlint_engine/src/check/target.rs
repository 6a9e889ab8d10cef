//! What to check and what to compute: the plain options every caller (the
//! command line, fixes, the language server's tests) hands the pipeline.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Texts that stand in for files on disk (fixed but unwritten files, an
/// editor buffer, standard input), by canonical path.
pub type Overlay = std::collections::HashMap<PathBuf, Arc<str>>;

/// What to check.
#[derive(Default)]
pub struct Target {
    pub paths: Vec<PathBuf>,
    pub corpus_root: Option<PathBuf>,
    /// Worker threads; 0 for one per core. Lowered to what the machine and
    /// the work can use ([`crate::workers`]).
    pub threads: usize,
    pub overlay: Overlay,
    /// Counts the corpus files as the per-file pass finishes them, for a
    /// progress display.
    pub progress: Option<Arc<Progress>>,
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

/// How far a check is: corpus files linted of those found.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Progress {
    /// (files linted, files found).
    pub fn get(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    pub(super) fn found(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
    }

    pub(super) fn linted_one(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}
