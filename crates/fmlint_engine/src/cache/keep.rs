//! What a run holds of each file for the cache: the entry handed to the
//! per-file pass ([`Cached`]) and what is written back ([`Keep`]).

use std::sync::Arc;

use fmlint_linter::index::RefEntry;
use fmlint_linter::lint::Linted;
use fmlint_linter::suppress::Suppressions;

use super::chunk::{Entry, PerFile, Refs};
use super::ids::Id;
use super::stamp::Stamp;

/// A file's entry, handed to the per-file pass.
pub struct Cached {
    pub(super) entry: Entry,
    pub(super) dir: Arc<str>,
    /// Its stamp is too close to the writing run's start to be trusted
    /// without hashing the content.
    pub(super) racy: bool,
}

/// What the run keeps of one file to write it back.
pub struct Keep {
    pub(super) dir: Arc<str>,
    pub(super) name: String,
    pub(super) stamp: Stamp,
    pub(super) hash: u64,
    pub(super) ref_ids: Vec<Id>,
    /// The reference entries as read, when the file did not change: written
    /// back as they are. (Otherwise they are encoded from the index.)
    pub(super) refs: Option<Refs>,
    pub(super) per_file: Option<PerFile>,
    pub(super) suppressions: Option<Suppressions>,
    pub(super) touched: Vec<Id>,
    /// Its own id when a cold cache cannot tell what changed: reported as
    /// possibly breaking, not remembered.
    pub(super) unknown: Vec<Id>,
    /// The entry differs from the chunk on disk.
    pub(super) dirty: bool,
    /// Where the file's summary is in the index (set by the engine).
    pub summary_at: Option<usize>,
    /// The entry stood for the file: it was not parsed.
    pub(super) hit: bool,
}

impl Keep {
    /// Ids whose referrers this file's changes may have broken; when the
    /// cache knew nothing (cold), its own id.
    pub fn touched(&self) -> impl Iterator<Item = &Id> {
        self.touched.iter().chain(&self.unknown)
    }

    /// Whether the cached entry stood for the file (it was not parsed).
    pub fn was_hit(&self) -> bool {
        self.hit
    }

    /// The ids the file's references name.
    pub fn ref_ids(&self) -> &[Id] {
        &self.ref_ids
    }

    /// The reference entries of a file whose summary came without them
    /// (a cache hit not reported), for `--report-affected`.
    pub fn decode_refs(&self) -> Option<Vec<RefEntry>> {
        self.refs.as_ref()?.decode()
    }
}

/// A hit: the entry stands for the file. Reported files get their
/// reference entries decoded; `None` if they do not decode.
pub(super) fn hit(
    entry: Entry,
    dir: Arc<str>,
    report: bool,
    verified: bool,
) -> Option<(Linted, Option<Keep>)> {
    let (diagnostics, value_hashes) = match (&entry.per_file, report) {
        (Some(per_file), true) => (per_file.diagnostics.clone(), per_file.value_hashes.clone()),
        _ => (Vec::new(), Vec::new()),
    };
    let mut summary = entry.summary;
    if let (true, Some(summary), Some(refs)) = (report, &mut summary, &entry.refs) {
        summary.refs = refs.decode()?;
    }
    let linted = Linted {
        diagnostics,
        value_hashes,
        suppressions: entry.suppressions.clone(),
        summary,
        failure: None,
        content_hash: Some(entry.hash),
    };
    let keep = Keep {
        dir,
        name: entry.name,
        stamp: entry.stamp,
        hash: entry.hash,
        ref_ids: entry.ref_ids,
        refs: entry.refs,
        per_file: entry.per_file,
        suppressions: entry.suppressions,
        touched: entry.touched,
        unknown: Vec::new(),
        dirty: verified,
        summary_at: None,
        hit: true,
    };
    Some((linted, Some(keep)))
}
