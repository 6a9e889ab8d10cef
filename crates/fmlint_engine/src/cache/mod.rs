//! The result cache, `.fmlint_cache/` at the corpus root: what linting a
//! file produced (its index summary, per-file findings and suppressions),
//! keyed by its path and stamped with its size and modification time, so a
//! run reads and parses only the files that changed since.
//!
//! # Layout
//!
//! `.fmlint_cache/<key>/<dir-hash>.bin`: one chunk file per directory of
//! the corpus. `<key>` covers everything results depend on besides the file
//! itself: the cache format, fmlint's version and build, the settings (rule
//! selection, severities, collections, schema texts, the root's
//! `fmlint.toml`) and the corpus root; another key is another directory, so
//! `--select` runs do not evict the default cache. Editing three files
//! rewrites three small chunks, not the cache.
//!
//! # When an entry is trusted
//!
//! Size, modification time and, on Unix, inode and change time must match
//! (the change time cannot be set back by `touch -d` or `cp -p`). A file
//! modified twice within the file system's timestamp granularity can keep
//! its stamp, so an entry whose modification time is within
//! [`RACY_WINDOW_NS`] of the moment the run that wrote it started is
//! "racy" (git's term): it is trusted only after the file's bytes hash to
//! the recorded content hash. Only files edited seconds before a run pay
//! for this.
//!
//! # Never trusted when damaged
//!
//! Each chunk file carries a magic, the format, the key, the payload length
//! and a checksum; a chunk that fails any of them, or does not decode, is
//! deleted and its files are linted again. Writes go to a temporary file
//! renamed over the chunk, so a reader sees the old chunk or the new one,
//! never a mix; two concurrent runs each write whole chunks and the last
//! rename wins, which is as valid as the other.
//!
//! # What else it remembers
//!
//! For `--report-affected`: the ids whose referrers a file's changes may
//! have broken (`touched`) and, for deleted files, a tombstone with their
//! id. Both are kept while some reference to those ids is still broken.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use fmlint_linter::hash::hash_bytes;
use fmlint_linter::index::Summary;
use fmlint_linter::lint::Linted;
use fmlint_linter::settings::Settings;
use rayon::prelude::*;

mod chunk;
mod hasher;
mod ids;
mod keep;
mod location;
mod stamp;
mod store;
mod stored;

use chunk::{read_chunk, split, Chunk};
pub(crate) use ids::own_id;
use ids::{identity, ref_ids};
pub use ids::{referenced_id, Id};
use keep::hit;
pub(crate) use keep::{Cached, Keep};
use location::key;
pub use location::{clean, settings_fingerprint, Config, DIR_NAME};
use stamp::Stamp;

/// Modification times this close to the writing run's start are verified
/// by content (2 s covers FAT and 1 s file systems).
pub const RACY_WINDOW_NS: i64 = 2_000_000_000;

/// An open cache for one run.
pub(crate) struct Cache {
    /// `<cache dir>/<key>`.
    dir: PathBuf,
    root_dir: PathBuf,
    key: u64,
    started: i64,
    /// By corpus-relative directory (`""` for the root, `/`-separated).
    chunks: HashMap<String, Chunk>,
    /// Whether there was anything to read (a cold run is not).
    warm: bool,
}

impl Cache {
    /// Opens the cache of the corpus at `root` (canonical) for `settings`.
    /// Damaged chunks are deleted; nothing here is an error.
    pub(crate) fn open(config: &Config, root: &Path, settings: &Settings) -> Cache {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        let key = key(config, root, settings);
        let root_dir = config.root_dir(root);
        let dir = root_dir.join(format!("{key:016x}"));
        let files: Vec<PathBuf> = fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "bin"))
                    .collect()
            })
            .unwrap_or_default();
        let chunks: Vec<(String, Chunk)> = files
            .par_iter()
            .filter_map(|file| match read_chunk(file, key) {
                Some(chunk) => Some(chunk),
                None => {
                    // Damaged or from another format: never trusted.
                    let _ = fs::remove_file(file);
                    None
                }
            })
            .collect();
        Cache {
            warm: !chunks.is_empty(),
            dir,
            root_dir,
            key,
            started,
            chunks: chunks.into_iter().collect(),
        }
    }

    /// Takes out the entry of each of `files` (absolute, under `root`);
    /// the entries left belong to files that are gone.
    /// Boxed: the list has an entry for every file of the corpus, and most
    /// are `None` on a cold run.
    pub(crate) fn take(&mut self, root: &Path, files: &[PathBuf]) -> Vec<Option<Box<Cached>>> {
        files
            .iter()
            .map(|path| {
                let (dir, name) = split(crate::walk::under(path, root)?)?;
                let chunk = self.chunks.get_mut(&*dir)?;
                let at = chunk
                    .entries
                    .binary_search_by(|e| {
                        let other = e.as_ref().map_or("", |e| e.name.as_str());
                        other.cmp(name)
                    })
                    .ok()?;
                let entry = chunk.entries[at].take()?;
                let racy = entry.stamp.mtime.saturating_add(RACY_WINDOW_NS) > chunk.started;
                Some(Box::new(Cached {
                    entry,
                    dir: chunk.dir.clone(),
                    racy,
                }))
            })
            .collect()
    }

    /// Lints `path` through the cache: an entry whose stamp matches stands
    /// for the file; otherwise the file is read once, linted with
    /// `lint_bytes`, and a new entry is kept. `lint_path` handles files
    /// that cannot be read (it reports why).
    pub(crate) fn lint(
        &self,
        path: &Path,
        relative: &Path,
        cached: Option<Box<Cached>>,
        report: bool,
        lint_bytes: impl FnOnce(&[u8]) -> Linted,
        lint_path: impl FnOnce() -> Linted,
    ) -> (Linted, Option<Keep>) {
        let dir: Arc<str> = match &cached {
            Some(c) => c.dir.clone(),
            None => match split(relative) {
                Some((dir, _)) => dir.into(),
                None => return (lint_path(), None),
            },
        };
        // Stamped before reading: a write during the read leaves a newer
        // stamp on disk than the one recorded, so the next run re-reads.
        let Some(stamp) = fs::metadata(path).ok().and_then(|m| Stamp::of(&m)) else {
            return (lint_path(), None);
        };
        let cached = cached.filter(|c| !c.entry.gone);
        let read_bytes = match cached.as_deref().filter(|c| c.entry.stamp == stamp) {
            Some(c) => match Self::verify(c, path, report) {
                Verdict::Hit { verified } => {
                    let entry = cached.expect("checked above").entry;
                    return hit(entry, dir, report, verified)
                        .unwrap_or_else(|| (lint_path(), None));
                }
                Verdict::Unreadable => return (lint_path(), None),
                Verdict::Changed(bytes) => bytes,
            },
            None => None,
        };
        let bytes = match read_bytes.map_or_else(|| fs::read(path), Ok) {
            Ok(bytes) => bytes,
            Err(_) => return (lint_path(), None),
        };
        let mut linted = lint_bytes(&bytes);
        linted.content_hash = Some(hash_bytes(&bytes));
        if linted.failure.is_some() {
            // fmlint failed on the file (a panic): never remember that.
            return (linted, None);
        }
        let keep = self.keep_new(relative, dir, stamp, cached, &linted, report);
        (linted, Some(keep))
    }

    /// Whether an entry whose stamp matches the file stands for it: yes at
    /// once, unless it is racy (then its bytes must hash to the entry's) or
    /// the file is reported and the entry lacks the per-file findings.
    fn verify(cached: &Cached, path: &Path, report: bool) -> Verdict {
        let needs_per_file = report && cached.entry.per_file.is_none();
        if !cached.racy && !needs_per_file {
            return Verdict::Hit { verified: false };
        }
        let Ok(bytes) = fs::read(path) else {
            return Verdict::Unreadable;
        };
        if hash_bytes(&bytes) == cached.entry.hash && !needs_per_file {
            // Verified: rewritten with this run's start, it is no longer
            // racy.
            return Verdict::Hit { verified: true };
        }
        Verdict::Changed(Some(bytes))
    }

    /// The entry to write for a file linted again.
    fn keep_new(
        &self,
        relative: &Path,
        dir: Arc<str>,
        stamp: Stamp,
        cached: Option<Box<Cached>>,
        linted: &Linted,
        report: bool,
    ) -> Keep {
        let name = match &cached {
            Some(c) => c.entry.name.clone(),
            None => split(relative).map_or_else(String::new, |(_, name)| name.to_string()),
        };
        let summary = linted.summary.as_ref();
        let unknown = match (&cached, self.warm) {
            (None, false) => own_id(summary),
            _ => Vec::new(),
        };
        let touched = match cached.map(|c| c.entry) {
            // New since the cache was written: its id resolves references
            // that dangled. (A cold cache knows no history: see `unknown`.)
            None if self.warm => own_id(summary),
            None => Vec::new(),
            Some(old) if identity(old.summary.as_ref()) != identity(summary) => {
                let mut touched = old.touched;
                touched.extend(own_id(old.summary.as_ref()));
                touched.extend(own_id(summary));
                touched.sort();
                touched.dedup();
                touched
            }
            Some(old) => old.touched,
        };
        Keep {
            dir,
            name,
            stamp,
            hash: linted.content_hash.unwrap_or_default(),
            ref_ids: summary.map(ref_ids).unwrap_or_default(),
            refs: None,
            per_file: report.then(|| chunk::PerFile {
                diagnostics: linted.diagnostics.clone(),
                value_hashes: linted.value_hashes.clone(),
            }),
            suppressions: linted.suppressions.clone(),
            unknown,
            touched,
            dirty: true,
            summary_at: None,
            hit: false,
        }
    }

    /// The ids of files that are gone since the cache last saw them (and
    /// tombstones of earlier deletions still breaking references).
    pub(crate) fn gone_ids(&self) -> Vec<Id> {
        let mut ids: Vec<Id> = self
            .chunks
            .values()
            .flat_map(|c| c.entries.iter().flatten())
            .flat_map(|e| {
                let own = if e.gone {
                    Vec::new()
                } else {
                    own_id(e.summary.as_ref())
                };
                own.into_iter().chain(e.touched.iter().cloned())
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Writes back the chunks that changed. `summary(i)` is the summary at
    /// index position `i`. The ids remembered for `--report-affected` are
    /// forgotten once no file references them. Failures are returned as
    /// messages: a cache that cannot be written only costs speed.
    pub(crate) fn store<'s>(
        self,
        keeps: &[Keep],
        summary: impl Fn(usize) -> &'s Summary,
    ) -> Result<(), String> {
        let written = store::Written {
            dir: &self.dir,
            root_dir: &self.root_dir,
            key: self.key,
            started: self.started,
        };
        store::store(&self.chunks, keeps, summary, written)
    }
}

/// What [`Cache::lint`] makes of an entry whose stamp matches the file.
enum Verdict {
    /// The entry stands for the file (`verified` when its bytes were hashed).
    Hit { verified: bool },
    /// The file cannot be read now.
    Unreadable,
    /// The file must be linted again; its bytes when they were read.
    Changed(Option<Vec<u8>>),
}
