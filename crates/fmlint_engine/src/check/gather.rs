//! Stage 4: the pass's files sorted into what the rest of the run needs:
//! the reported files' findings (with their suppressions), the summaries
//! the index is built from, and what the cache keeps.

use std::collections::HashMap;

use fmlint_linter::index::IndexedFile;
use fmlint_linter::suppress::Suppressions;

use super::affected::{self, ChangedIds};
use super::pass::Passed;
use super::result::{CheckResult, FileReport};
use crate::cache::Keep;

#[derive(Default)]
pub(super) struct Gathered {
    pub reports: Vec<FileReport>,
    /// Parallel to `reports`.
    pub suppressions: Vec<Option<Suppressions>>,
    /// The index's files, in path order.
    pub indexed: Vec<IndexedFile>,
    /// Index position → position in `reports`, for reported files.
    pub report_of: Vec<Option<usize>>,
    /// The suppressions of indexed files not reported (by index position):
    /// `--report-affected` may report them.
    pub other_suppressions: HashMap<usize, Suppressions>,
    /// What the cache keeps of each file.
    pub keeps: Vec<Keep>,
}

pub(super) fn gather(
    passed: Vec<Passed>,
    changed: &ChangedIds,
    result: &mut CheckResult,
) -> Gathered {
    // Sized once: grown by doubling, the index's list of 100,000s of files
    // would hold up to twice the room it needs at the run's peak.
    let summaries = passed.iter().filter(|f| f.linted.summary.is_some()).count();
    let mut gathered = Gathered {
        reports: Vec::with_capacity(passed.iter().filter(|f| f.reported).count()),
        indexed: Vec::with_capacity(summaries),
        report_of: Vec::with_capacity(summaries),
        keeps: Vec::with_capacity(passed.iter().filter(|f| f.keep.is_some()).count()),
        ..Gathered::default()
    };
    gathered
        .suppressions
        .reserve_exact(gathered.reports.capacity());
    for mut file in passed {
        affected::restore_refs(&mut file, changed);
        if let (true, Some(error)) = (file.reported, &file.linted.failure) {
            result
                .errors
                .push(format!("{}: {error}", file.shown.display()));
        }
        gathered.add(file, result);
    }
    gathered
}

impl Gathered {
    fn add(&mut self, file: Passed, result: &mut CheckResult) {
        let linted = file.linted;
        let (given_suppressions, other) = match file.reported {
            true => (linted.suppressions, None),
            false => (None, linted.suppressions),
        };
        let position = file.reported.then(|| {
            self.reports.push(FileReport {
                path: file.shown.clone(),
                diagnostics: linted.diagnostics,
                source: file.source,
                value_hashes: linted.value_hashes,
                content_hash: linted.content_hash,
            });
            self.suppressions.push(given_suppressions);
            self.reports.len() - 1
        });
        let summary_at = linted.summary.is_some().then_some(self.indexed.len());
        if let Some(summary) = linted.summary {
            if let Some(other) = other {
                self.other_suppressions.insert(self.indexed.len(), other);
            }
            self.indexed.push(IndexedFile {
                path: file.shown,
                summary,
            });
            self.report_of.push(position);
        }
        if let Some(mut keep) = file.keep {
            result.from_cache += usize::from(keep.was_hit());
            keep.summary_at = summary_at;
            self.keeps.push(*keep);
        }
    }
}
