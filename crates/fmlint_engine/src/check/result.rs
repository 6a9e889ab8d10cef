//! What a check gives: the reported files with their findings, and what
//! the run met besides.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use fmlint_linter::diagnostic::Diagnostic;

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
    /// The hash ([`fmlint_linter::hash::hash_bytes`]) of the bytes linted, when
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
    /// Which part of the root rule chose it; `None` with `--corpus-root`.
    pub root_chosen_by: Option<crate::root::RootRule>,
    /// Problems that are not findings about a file: unreadable paths, walk
    /// errors. Any of them makes the exit code 2.
    pub errors: Vec<String>,
    /// Named paths left out for a stated reason (a file that is not
    /// Markdown); they do not change the exit code.
    pub warnings: Vec<String>,
    /// Named files the config leaves out (its `include`/`exclude`, or no
    /// collection takes them), with the reason: not checked, and no
    /// failure (pre-commit names every staged Markdown file).
    pub skipped: Vec<String>,
    pub elapsed: Duration,
    /// Time spent building the index and running cross-file rules.
    pub corpus_phase: Duration,
    /// Each stage of the pipeline and the time it took, in order (printed
    /// with `FMLINT_TIMINGS=1`: where a run's time goes).
    pub stages: Vec<(&'static str, Duration)>,
    /// Findings silenced by `# fmlint-ignore` comments.
    pub suppressed: usize,
    /// What `--baseline` hid, when one was given.
    pub baseline: Option<BaselineOutcome>,
    /// Files reported because the given files break them
    /// ([`Target::report_affected`]).
    pub affected: usize,
    /// Why the result cache could not be written (the run is still right).
    pub cache_error: Option<String>,
    /// Files whose cached results stood in for reading and parsing them.
    pub from_cache: usize,
}

/// What applying a baseline did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BaselineOutcome {
    /// Findings hidden because the baseline records them.
    pub hidden: usize,
    /// Entries for checked files and running rules that matched nothing:
    /// defects fixed since the baseline was written.
    pub fixed: usize,
}
