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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use fmlint_linter::diagnostic::{Diagnostic, Span};
use fmlint_linter::hash::hash_bytes;
use fmlint_linter::index::{Located, RefEntry, Summary};
use fmlint_linter::lint::Linted;
use fmlint_linter::settings::Settings;
use fmlint_linter::suppress::Suppressions;

/// The cache directory's name at the corpus root.
pub const DIR_NAME: &str = ".fmlint_cache";

const MAGIC: &[u8; 8] = b"FMLCACHE";
/// Bump when the chunk layout or anything serialized in it changes.
const FORMAT: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 8;
/// Modification times this close to the writing run's start are verified
/// by content (2 s covers FAT and 1 s file systems).
pub const RACY_WINDOW_NS: i64 = 2_000_000_000;
/// Cache keys (settings) kept side by side; older ones are removed.
const KEEP_KEYS: usize = 4;

/// Where the cache lives and what else its key depends on.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// `--cache-dir`; `None` is `<corpus root>/.fmlint_cache`.
    pub dir: Option<PathBuf>,
    /// Anything else the results depend on that [`Settings`] does not show
    /// (a config file's text, say); mixed into the key.
    pub extra_key: u64,
}

impl Config {
    /// The cache directory for the corpus at `root`.
    pub fn root_dir(&self, root: &Path) -> PathBuf {
        self.dir.clone().unwrap_or_else(|| root.join(DIR_NAME))
    }
}

/// Removes a cache directory (`fmlint clean`). Returns whether there was one.
pub fn clean(dir: &Path) -> std::io::Result<bool> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

/// What identifies a file's version on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    size: u64,
    /// Nanoseconds since the Unix epoch.
    mtime: i64,
    ctime: i64,
    inode: u64,
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Option<Stamp> {
        let mtime = nanos(meta.modified().ok()?)?;
        #[cfg(unix)]
        let (ctime, inode) = {
            use std::os::unix::fs::MetadataExt;
            (
                meta.ctime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(meta.ctime_nsec()),
                meta.ino(),
            )
        };
        #[cfg(not(unix))]
        let (ctime, inode) = (0, 0);
        Some(Stamp {
            size: meta.len(),
            mtime,
            ctime,
            inode,
        })
    }
}

fn nanos(time: SystemTime) -> Option<i64> {
    let since = time.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(since.as_nanos()).ok()
}

/// An id of a collection: `(collection, id)`.
pub type Id = (usize, String);

/// The per-file rules' findings of one file, before suppressions.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PerFile {
    #[serde(with = "stored")]
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) value_hashes: Vec<u64>,
}

/// One file of a chunk, as read.
#[derive(Debug)]
pub(crate) struct Entry {
    name: String,
    stamp: Stamp,
    /// [`hash_bytes`] of the content.
    hash: u64,
    /// The summary without its reference entries (see [`Refs`]).
    summary: Option<Summary>,
    /// The ids the file's references name.
    ref_ids: Vec<Id>,
    refs: Option<Refs>,
    suppressions: Option<Suppressions>,
    /// `None` when the per-file rules have not run on this version (the
    /// file was only summarised for the index).
    per_file: Option<PerFile>,
    touched: Vec<Id>,
    /// A tombstone: the file was deleted; `touched` holds its id.
    gone: bool,
}

/// A summary's reference entries, still encoded in the chunk's bytes:
/// locations and fix slots are decoded only for files a run reports, so a
/// warm run over 36,000 files decodes ids and values, not every entry.
#[derive(Clone, Debug)]
pub(crate) struct Refs {
    bytes: Arc<[u8]>,
    range: std::ops::Range<usize>,
}

impl Refs {
    fn decode(&self) -> Option<Vec<RefEntry>> {
        postcard::from_bytes(self.bytes.get(self.range.clone())?).ok()
    }

    fn raw(&self) -> &[u8] {
        self.bytes.get(self.range.clone()).unwrap_or_default()
    }
}

/// Bytes written as one postcard byte string (readable as `&[u8]` without
/// a copy).
struct RawBytes<'a>(&'a [u8]);

impl Serialize for RawBytes<'_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.serialize_bytes(self.0)
    }
}

#[derive(Deserialize)]
struct EntryIn<'a> {
    name: &'a str,
    stamp: Stamp,
    hash: u64,
    #[serde(borrow)]
    summary: Option<SummaryIn<'a>>,
    suppressions: Option<Suppressions>,
    per_file: Option<PerFile>,
    touched: Vec<Id>,
    gone: bool,
}

#[derive(Deserialize)]
struct SummaryIn<'a> {
    collection: usize,
    overrides: Vec<usize>,
    id: Option<Located<String>>,
    #[serde(borrow)]
    fields: Vec<(&'a str, Located<String>)>,
    #[serde(borrow)]
    ref_ids: Vec<(usize, &'a str)>,
    #[serde(borrow)]
    refs: &'a [u8],
}

/// One file of a chunk, as written (borrowing what the run holds).
#[derive(Serialize)]
struct EntryOut<'a> {
    name: &'a str,
    stamp: Stamp,
    hash: u64,
    summary: Option<SummaryOut<'a>>,
    suppressions: Option<&'a Suppressions>,
    per_file: Option<&'a PerFile>,
    touched: &'a [Id],
    gone: bool,
}

#[derive(Serialize)]
struct SummaryOut<'a> {
    collection: usize,
    overrides: &'a [usize],
    id: Option<&'a Located<String>>,
    fields: Vec<(&'a str, &'a Located<String>)>,
    ref_ids: Vec<(usize, &'a str)>,
    refs: RawBytes<'a>,
}

impl<'a> SummaryOut<'a> {
    /// `refs`: the encoded entries, when the run did not decode them.
    fn new(summary: &'a Summary, ref_ids: &'a [Id], refs: &'a [u8]) -> Self {
        SummaryOut {
            collection: summary.collection,
            overrides: &summary.overrides,
            id: summary.id.as_ref(),
            fields: summary.fields.iter().map(|(f, v)| (&**f, v)).collect(),
            ref_ids: ref_ids.iter().map(|(c, id)| (*c, id.as_str())).collect(),
            refs: RawBytes(refs),
        }
    }
}

#[derive(Deserialize)]
struct ChunkIn<'a> {
    #[serde(borrow)]
    dir: &'a str,
    /// When the run that wrote the chunk started (ns since the epoch).
    started: i64,
    #[serde(borrow)]
    entries: Vec<EntryIn<'a>>,
}

#[derive(Serialize)]
struct ChunkOut<'a> {
    dir: &'a str,
    started: i64,
    entries: Vec<EntryOut<'a>>,
}

struct Chunk {
    dir: Arc<str>,
    file: PathBuf,
    started: i64,
    /// Sorted by name; taken out as the run meets their files.
    entries: Vec<Option<Entry>>,
}

/// A file's entry, handed to the per-file pass.
pub(crate) struct Cached {
    entry: Entry,
    dir: Arc<str>,
    /// Its stamp is too close to the writing run's start to be trusted
    /// without hashing the content.
    racy: bool,
}

/// What the run keeps of one file to write it back.
pub(crate) struct Keep {
    dir: Arc<str>,
    name: String,
    stamp: Stamp,
    hash: u64,
    ref_ids: Vec<Id>,
    /// The reference entries as read, when the file did not change: written
    /// back as they are. (Otherwise they are encoded from the index.)
    refs: Option<Refs>,
    per_file: Option<PerFile>,
    suppressions: Option<Suppressions>,
    touched: Vec<Id>,
    /// Its own id when a cold cache cannot tell what changed: reported as
    /// possibly breaking, not remembered.
    unknown: Vec<Id>,
    /// The entry differs from the chunk on disk.
    dirty: bool,
    /// Where the file's summary is in the index (set by the engine).
    pub(crate) summary_at: Option<usize>,
    /// The entry stood for the file: it was not parsed.
    hit: bool,
}

impl Keep {
    /// Ids whose referrers this file's changes may have broken; when the
    /// cache knew nothing (cold), its own id.
    pub(crate) fn touched(&self) -> impl Iterator<Item = &Id> {
        self.touched.iter().chain(&self.unknown)
    }

    /// Whether the cached entry stood for the file (it was not parsed).
    pub(crate) fn was_hit(&self) -> bool {
        self.hit
    }

    /// The ids the file's references name.
    pub(crate) fn ref_ids(&self) -> &[Id] {
        &self.ref_ids
    }

    /// The reference entries of a file whose summary came without them
    /// (a cache hit not reported), for `--report-affected`.
    pub(crate) fn decode_refs(&self) -> Option<Vec<RefEntry>> {
        self.refs.as_ref()?.decode()
    }
}

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

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

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
                let (dir, name) = split(path.strip_prefix(root).ok()?)?;
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
        let dir: Arc<str> = match (&cached, split(relative)) {
            (Some(c), _) => c.dir.clone(),
            (None, Some((dir, _))) => dir.into(),
            (None, None) => return (lint_path(), None),
        };
        // Stamped before reading: a write during the read leaves a newer
        // stamp on disk than the one recorded, so the next run re-reads.
        let Some(stamp) = fs::metadata(path).ok().and_then(|m| Stamp::of(&m)) else {
            return (lint_path(), None);
        };
        let cached = cached.filter(|c| !c.entry.gone);
        let mut read_bytes = None;
        if let Some(c) = &cached {
            if c.entry.stamp == stamp {
                let needs_per_file = report && c.entry.per_file.is_none();
                if !c.racy && !needs_per_file {
                    if let Some(hit) = hit(cached.expect("checked above").entry, dir, report, false)
                    {
                        return hit;
                    }
                    return (lint_path(), None);
                }
                let Ok(bytes) = fs::read(path) else {
                    return (lint_path(), None);
                };
                if hash_bytes(&bytes) == c.entry.hash && !needs_per_file {
                    // Verified: rewritten with this run's start, it is no
                    // longer racy.
                    if let Some(hit) = hit(cached.expect("checked above").entry, dir, report, true)
                    {
                        return hit;
                    }
                    return (lint_path(), None);
                }
                read_bytes = Some(bytes);
            }
        }
        let bytes = match read_bytes {
            Some(bytes) => bytes,
            None => match fs::read(path) {
                Ok(bytes) => bytes,
                Err(_) => return (lint_path(), None),
            },
        };
        let hash = hash_bytes(&bytes);
        let cached_none = cached.is_none();
        let name = match &cached {
            Some(c) => c.entry.name.clone(),
            None => split(relative).map_or_else(String::new, |(_, name)| name.to_string()),
        };
        let mut linted = lint_bytes(&bytes);
        linted.content_hash = Some(hash);
        if linted.failure.is_some() {
            // fmlint failed on the file (a panic): never remember that.
            return (linted, None);
        }
        let touched = match cached.map(|c| c.entry) {
            // New since the cache was written: its id resolves references
            // that dangled. (A cold cache knows no history: see `unknown`.)
            None if self.warm => own_id(linted.summary.as_ref()),
            None => Vec::new(),
            Some(old) if identity(old.summary.as_ref()) != identity(linted.summary.as_ref()) => {
                let mut touched = old.touched;
                touched.extend(own_id(old.summary.as_ref()));
                touched.extend(own_id(linted.summary.as_ref()));
                touched.sort();
                touched.dedup();
                touched
            }
            Some(old) => old.touched,
        };
        let keep = Keep {
            dir,
            name,
            stamp,
            hash,
            ref_ids: linted.summary.as_ref().map(ref_ids).unwrap_or_default(),
            refs: None,
            per_file: report.then(|| PerFile {
                diagnostics: linted.diagnostics.clone(),
                value_hashes: linted.value_hashes.clone(),
            }),
            suppressions: linted.suppressions.clone(),
            unknown: if cached_none && !self.warm {
                own_id(linted.summary.as_ref())
            } else {
                Vec::new()
            },
            touched,
            dirty: true,
            summary_at: None,
            hit: false,
        };
        (linted, Some(keep))
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
        let Cache {
            dir,
            root_dir,
            key,
            started,
            chunks,
            ..
        } = self;
        // The remembered ids still referenced by some file.
        let mut remembered: HashSet<&Id> = keeps.iter().flat_map(|k| &k.touched).collect();
        for entry in chunks.values().flat_map(|c| c.entries.iter().flatten()) {
            remembered.extend(&entry.touched);
        }
        let gone_own: Vec<Id> = chunks
            .values()
            .flat_map(|c| c.entries.iter().flatten())
            .filter(|e| !e.gone)
            .flat_map(|e| own_id(e.summary.as_ref()))
            .collect();
        remembered.extend(&gone_own);
        let referenced: HashSet<&Id> = if remembered.is_empty() {
            HashSet::new()
        } else {
            keeps
                .iter()
                .flat_map(|k| &k.ref_ids)
                .filter(|id| remembered.contains(id))
                .collect()
        };
        let keep_id = |id: &Id| referenced.contains(id);
        // Directory → (its files' entries, whether to write it).
        let mut plan: BTreeMap<&str, (Vec<EntryOut>, bool)> = BTreeMap::new();
        let mut tombstones: Vec<(&str, &Entry, Vec<Id>)> = Vec::new();
        for (dir, chunk) in &chunks {
            let slot = plan.entry(dir.as_str()).or_default();
            for entry in chunk.entries.iter().flatten() {
                // Left in the chunk: the file is gone.
                let mut ids = entry.touched.clone();
                if !entry.gone {
                    ids.extend(own_id(entry.summary.as_ref()));
                }
                let before = ids.len();
                ids.retain(keep_id);
                if !entry.gone || ids.len() != before {
                    slot.1 = true;
                }
                if !ids.is_empty() {
                    tombstones.push((dir.as_str(), entry, ids));
                }
            }
        }
        let pruned: Vec<Vec<Id>> = keeps
            .iter()
            .map(|keep| {
                keep.touched
                    .iter()
                    .filter(|id| keep_id(id))
                    .cloned()
                    .collect()
            })
            .collect();
        // Reference entries decoded from the index summaries of changed
        // files (unchanged ones are written back as read).
        let encoded: Vec<Option<Vec<u8>>> = keeps
            .iter()
            .map(|keep| match (&keep.refs, keep.summary_at) {
                (None, Some(at)) if keep.dirty => postcard::to_stdvec(&summary(at).refs).ok(),
                _ => None,
            })
            .collect();
        for ((keep, touched), encoded) in keeps.iter().zip(&pruned).zip(&encoded) {
            let slot = plan.entry(&*keep.dir).or_default();
            slot.1 |= keep.dirty || touched.len() != keep.touched.len();
            let raw = match (&keep.refs, encoded) {
                (Some(refs), _) => refs.raw(),
                (None, Some(encoded)) => encoded.as_slice(),
                (None, None) => &[],
            };
            slot.0.push(EntryOut {
                name: &keep.name,
                stamp: keep.stamp,
                hash: keep.hash,
                summary: keep
                    .summary_at
                    .map(|at| SummaryOut::new(summary(at), &keep.ref_ids, raw)),
                suppressions: keep.suppressions.as_ref(),
                per_file: keep.per_file.as_ref(),
                touched,
                gone: false,
            });
        }
        for (dir, entry, ids) in &tombstones {
            let slot = plan.entry(dir).or_default();
            slot.0.push(EntryOut {
                name: &entry.name,
                stamp: entry.stamp,
                hash: entry.hash,
                summary: None,
                suppressions: None,
                per_file: None,
                touched: ids,
                gone: true,
            });
        }
        // A chunk whose files all went away (and nothing remembers them).
        for (dir, (entries, write)) in &mut plan {
            if entries.is_empty() {
                *write = false;
                if let Some(chunk) = chunks.get(*dir) {
                    let _ = fs::remove_file(&chunk.file);
                }
            }
        }
        if !plan.values().any(|(_, write)| *write) {
            return Ok(());
        }
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        mark_cache_dir(&root_dir);
        let results: Vec<Result<(), String>> = plan
            .par_iter_mut()
            .filter(|(_, (_, write))| *write)
            .map(|(dir_name, (entries, _))| {
                entries.sort_by(|a, b| a.name.cmp(b.name));
                let chunk = ChunkOut {
                    dir: dir_name,
                    started,
                    entries: std::mem::take(entries),
                };
                let file = dir.join(chunk_file_name(dir_name));
                write_chunk(&file, key, &chunk).map_err(|e| format!("{}: {e}", file.display()))
            })
            .collect();
        prune_keys(&root_dir, &dir);
        results.into_iter().collect()
    }
}

/// A hit: the entry stands for the file. Reported files get their
/// reference entries decoded; `None` if they do not decode.
fn hit(
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

/// The ids a summary's references name.
fn ref_ids(summary: &Summary) -> Vec<Id> {
    summary
        .refs
        .iter()
        .filter_map(|r| Some((r.target, r.id.as_ref()?.value.clone())))
        .collect()
}

/// The id named by the reference entry of `summary` that holds `span`
/// (a cross-file finding's place): which article the finding is about.
pub(crate) fn referenced_id(summary: &Summary, span: Span) -> Option<Id> {
    summary.refs.iter().find_map(|entry| {
        let id = entry.id.as_ref()?;
        let spans = entry
            .mirrors
            .iter()
            .map(|m| m.location.span)
            .chain([id.location.span, entry.key_location.span]);
        let (start, end) = spans.fold((u32::MAX, 0), |(start, end), s| {
            (start.min(s.start), end.max(s.end))
        });
        (start..=end)
            .contains(&span.start)
            .then(|| (entry.target, id.value.clone()))
    })
}

/// A file's own id, if it has one.
fn own_id(summary: Option<&Summary>) -> Vec<Id> {
    summary
        .and_then(|s| Some((s.collection, s.id.as_ref()?.value.clone())))
        .into_iter()
        .collect()
}

/// What other files mirror of a file: its id and indexed values.
/// (collection, id, indexed values) of a summary.
type Identity<'s> = (usize, Option<&'s str>, Vec<(&'s str, &'s str)>);

fn identity(summary: Option<&Summary>) -> Option<Identity<'_>> {
    let summary = summary?;
    Some((
        summary.collection,
        summary.id.as_ref().map(|id| id.value.as_str()),
        summary
            .fields
            .iter()
            .map(|(field, value)| (&**field, value.value.as_str()))
            .collect(),
    ))
}

/// `relative` as (`/`-separated directory, file name); `None` for paths
/// that are not UTF-8 (they are linted, not cached).
fn split(relative: &Path) -> Option<(std::borrow::Cow<'_, str>, &str)> {
    let name = relative.file_name()?.to_str()?;
    let dir = relative.parent().map_or(Some(""), |p| p.to_str())?;
    if std::path::MAIN_SEPARATOR == '/' {
        Some((dir.into(), name))
    } else {
        Some((dir.replace(std::path::MAIN_SEPARATOR, "/").into(), name))
    }
}

fn chunk_file_name(dir: &str) -> String {
    format!("{:016x}.bin", StableHasher::of(dir.as_bytes()))
}

/// Everything results depend on besides the file itself.
fn key(config: &Config, root: &Path, settings: &Settings) -> u64 {
    let mut key = StableHasher::new();
    key.write_u64(u64::from(FORMAT));
    key.write(env!("CARGO_PKG_VERSION").as_bytes());
    // The build: a rebuilt binary may judge differently under the same
    // version number (and the index's hashes come from std's hasher, whose
    // algorithm may change between toolchains: its output on a probe is
    // part of the key too).
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|exe| fs::metadata(exe).ok())
    {
        key.write_u64(meta.len());
        key.write_u64(meta.modified().ok().and_then(nanos).unwrap_or(0) as u64);
    }
    key.write_u64(fmlint_linter::hash::hash_str("fmlint cache probe"));
    key.write_u64(settings_fingerprint(settings));
    key.write_u64(config.extra_key);
    key.write(root.as_os_str().as_encoded_bytes());
    // The nearest config of a corpus root is its own `fmlint.toml`.
    if let Ok(text) = fs::read(root.join("fmlint.toml")) {
        key.write(&text);
    }
    key.finish()
}

/// A hash of what the compiled settings show: file globs, every rule's
/// severity (overrides included), and each collection's conventions with
/// its schema's text. Values without a `Debug` form (compiled globs) are
/// covered by the config text that [`key`] and [`Config::extra_key`] mix in.
pub fn settings_fingerprint(settings: &Settings) -> u64 {
    let mut text = String::new();
    let _ = write!(
        text,
        "{:?}{:?}{:?}{:?}",
        settings.include, settings.exclude, settings.rules, settings.base
    );
    for o in &settings.overrides {
        let _ = write!(text, "{:?}", o.rules);
    }
    for c in &settings.collections {
        let _ = write!(
            text,
            "|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            c.name,
            c.index,
            c.id_field,
            c.unique,
            c.dates,
            c.display_formats,
            c.checks,
            c.references,
            c.indexed_fields,
            c.schema.as_ref().map(|s| (&s.name, s.source_hash)),
        );
    }
    StableHasher::of(text.as_bytes())
}

fn read_chunk(file: &Path, key: u64) -> Option<(String, Chunk)> {
    let bytes: Arc<[u8]> = fs::read(file).ok()?.into();
    let (header, payload) = bytes.split_at_checked(HEADER_LEN)?;
    let field = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().expect("8 bytes"));
    if &header[..8] != MAGIC
        || u32::from_le_bytes(header[8..12].try_into().expect("4 bytes")) != FORMAT
        || field(12) != key
        || field(20) != payload.len() as u64
        || field(28) != StableHasher::of(payload)
    {
        return None;
    }
    let chunk: ChunkIn = postcard::from_bytes(payload).ok()?;
    // The name is the directory's hash: a mismatch is a damaged file.
    if file.file_name()?.to_str()? != chunk_file_name(chunk.dir)
        || !chunk.entries.windows(2).all(|w| w[0].name < w[1].name)
    {
        return None;
    }
    // Field names repeat in every file: one allocation each per chunk.
    let mut names: HashMap<&str, Arc<str>> = HashMap::new();
    let base = bytes.as_ptr() as usize;
    let entries = chunk
        .entries
        .into_iter()
        .map(|e| {
            let (summary, ref_ids, refs) = match e.summary {
                None => (None, Vec::new(), None),
                Some(s) => {
                    let fields = s
                        .fields
                        .into_iter()
                        .map(|(name, value)| {
                            let name = names.entry(name).or_insert_with(|| name.into()).clone();
                            (name, value)
                        })
                        .collect();
                    let start = s.refs.as_ptr() as usize - base;
                    let summary = Summary {
                        collection: s.collection,
                        overrides: s.overrides,
                        id: s.id,
                        fields,
                        ..Summary::default()
                    };
                    let ref_ids = s
                        .ref_ids
                        .into_iter()
                        .map(|(c, id)| (c, id.to_string()))
                        .collect();
                    let refs = Refs {
                        bytes: bytes.clone(),
                        range: start..start + s.refs.len(),
                    };
                    (Some(summary), ref_ids, Some(refs))
                }
            };
            Some(Entry {
                name: e.name.to_string(),
                stamp: e.stamp,
                hash: e.hash,
                summary,
                ref_ids,
                refs,
                suppressions: e.suppressions,
                per_file: e.per_file,
                touched: e.touched,
                gone: e.gone,
            })
        })
        .collect();
    Some((
        chunk.dir.to_string(),
        Chunk {
            dir: chunk.dir.into(),
            file: file.to_path_buf(),
            started: chunk.started,
            entries,
        },
    ))
}

fn write_chunk(file: &Path, key: u64, chunk: &ChunkOut) -> std::io::Result<()> {
    let payload = postcard::to_stdvec(chunk).map_err(std::io::Error::other)?;
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&StableHasher::of(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    let dir = file.parent().unwrap_or(Path::new("."));
    let temp = dir.join(format!(
        ".{}.{}.{}.tmp",
        file.file_name().and_then(|n| n.to_str()).unwrap_or("chunk"),
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = fs::File::create(&temp).and_then(|mut out| {
        out.write_all(&bytes)?;
        // No fsync: a chunk lost in a crash is rebuilt, and a torn one
        // fails its checksum.
        drop(out);
        fs::rename(&temp, file)
    });
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Tags the cache directory so backup tools and git leave it alone.
fn mark_cache_dir(root_dir: &Path) {
    let tag = root_dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        let _ = fs::write(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file is a cache directory tag created by fmlint.\n",
        );
        let _ = fs::write(root_dir.join(".gitignore"), "# Created by fmlint.\n*\n");
    }
}

/// Removes the oldest key directories beyond [`KEEP_KEYS`], and
/// temporary files left by interrupted runs.
fn prune_keys(root_dir: &Path, current: &Path) {
    let Ok(entries) = fs::read_dir(root_dir) else {
        return;
    };
    let mut keys: Vec<(SystemTime, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.path() != current)
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    keys.sort();
    let excess = (keys.len() + 1).saturating_sub(KEEP_KEYS);
    for (_, dir) in keys.into_iter().take(excess) {
        let _ = fs::remove_dir_all(dir);
    }
    let an_hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
    if let Ok(entries) = fs::read_dir(current) {
        for entry in entries.filter_map(|e| e.ok()) {
            let stale_temp = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.ends_with(".tmp"))
                && entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t < an_hour_ago);
            if stale_temp {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// A hash that is the same in every build (file names and checksums must
/// not depend on std's hasher): FNV-style mixing, eight bytes at a time.
struct StableHasher(u64);

impl StableHasher {
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Self {
        StableHasher(0xcbf2_9ce4_8422_2325)
    }

    fn of(bytes: &[u8]) -> u64 {
        let mut hasher = StableHasher::new();
        hasher.write(bytes);
        hasher.finish()
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.mix(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        self.mix(u64::from_le_bytes(tail) ^ ((words.remainder().len() as u64) << 59));
        self.mix(bytes.len() as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(Self::PRIME).rotate_left(23);
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

/// Serde for cached findings. A [`Diagnostic`] is written as it
/// serializes itself (its rule by name) and read back here, where the
/// registry is at hand, with its rule name resolved to the registry's
/// `&'static str` (an unknown name fails the chunk).
mod stored {
    use std::borrow::Cow;

    use fmlint_linter::diagnostic::{Diagnostic, Fix, Location, Related, RuleName, Severity};
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(remote = "Diagnostic")]
    struct StoredDiagnostic {
        // The alias keeps serde from borrowing a `&'static str` from the input.
        #[serde(deserialize_with = "rule_name")]
        rule: RuleName,
        severity: Severity,
        location: Location,
        message: Cow<'static, str>,
        field: Option<String>,
        help: Option<Cow<'static, str>>,
        label: Option<Cow<'static, str>>,
        related: Vec<Related>,
        fix: Option<Fix>,
    }

    #[derive(Deserialize)]
    struct Stored(#[serde(with = "StoredDiagnostic")] Diagnostic);

    pub fn serialize<S: Serializer>(findings: &[Diagnostic], out: S) -> Result<S::Ok, S::Error> {
        findings.serialize(out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Vec<Diagnostic>, D::Error> {
        let stored = Vec::<Stored>::deserialize(input)?;
        Ok(stored.into_iter().map(|Stored(d)| d).collect())
    }

    fn rule_name<'de, D: Deserializer<'de>>(input: D) -> Result<&'static str, D::Error> {
        let name = Cow::<str>::deserialize(input)?;
        fmlint_linter::rules::find(&name)
            .map(|rule| rule.meta().name)
            .ok_or_else(|| D::Error::custom(format!("unknown rule `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_stable() {
        // File names and checksums on disk depend on these values.
        assert_eq!(StableHasher::of(b""), StableHasher::of(b""));
        assert_ne!(StableHasher::of(b"a"), StableHasher::of(b"a\0"));
        assert_ne!(StableHasher::of(b"abcdefgh"), StableHasher::of(b"abcdefgi"));
    }

    #[test]
    fn split_paths() {
        assert_eq!(
            split(Path::new("content/learn/a/b.md")),
            Some(("content/learn/a".into(), "b.md"))
        );
        assert_eq!(split(Path::new("b.md")), Some(("".into(), "b.md")));
    }
}
