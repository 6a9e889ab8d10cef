//! Writing the cache back after a run: which chunks changed, what each
//! holds now (the run's files, and tombstones of deleted files whose ids
//! still break references), and writing them in parallel.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;

use fmlint_linter::index::Summary;
use rayon::prelude::*;

use super::chunk::{chunk_file_name, write_chunk, Chunk, ChunkOut, Entry, EntryOut, SummaryOut};
use super::ids::{own_id, Id};
use super::keep::Keep;
use super::location::{mark_cache_dir, prune_keys};

/// Where and under which key the chunks are written.
pub(super) struct Written<'w> {
    /// `<cache dir>/<key>`.
    pub dir: &'w Path,
    pub root_dir: &'w Path,
    pub key: u64,
    /// When this run started (ns since the epoch).
    pub started: i64,
}

/// Directory → (its files' entries, whether to write it).
type Plan<'a> = BTreeMap<&'a str, (Vec<EntryOut<'a>>, bool)>;

/// Writes back the chunks that changed; see [`super::Cache::store`].
pub(super) fn store<'s>(
    chunks: &HashMap<String, Chunk>,
    keeps: &[Keep],
    summary: impl Fn(usize) -> &'s Summary,
    written: Written,
) -> Result<(), String> {
    let referenced = still_referenced(chunks, keeps);
    let keep_id = |id: &Id| referenced.contains(id);
    let mut plan = Plan::new();
    let tombstones = plan_left_entries(chunks, &keep_id, &mut plan);
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
    // Reference entries decoded from the index summaries of changed files
    // (unchanged ones are written back as read).
    let encoded: Vec<Option<Vec<u8>>> = keeps
        .iter()
        .map(|keep| match (&keep.refs, keep.summary_at) {
            (None, Some(at)) if keep.dirty => postcard::to_stdvec(&summary(at).refs).ok(),
            _ => None,
        })
        .collect();
    for ((keep, touched), encoded) in keeps.iter().zip(&pruned).zip(&encoded) {
        plan_kept(keep, touched, encoded.as_deref(), &summary, &mut plan);
    }
    for (dir, entry, ids) in &tombstones {
        plan.entry(dir).or_default().0.push(EntryOut {
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
    drop_emptied_chunks(chunks, &mut plan);
    write_plan(plan, &written)
}

/// The ids remembered for `--report-affected` (touched by some file, or
/// owned by a file that is gone) that some file still references.
fn still_referenced<'k>(chunks: &'k HashMap<String, Chunk>, keeps: &'k [Keep]) -> HashSet<&'k Id> {
    let left = || chunks.values().flat_map(|c| c.entries.iter().flatten());
    let mut remembered: HashSet<&Id> = keeps.iter().flat_map(|k| &k.touched).collect();
    for entry in left() {
        remembered.extend(&entry.touched);
    }
    let gone_own: Vec<Id> = left()
        .filter(|e| !e.gone)
        .flat_map(|e| own_id(e.summary.as_ref()))
        .collect();
    remembered.extend(&gone_own);
    if remembered.is_empty() {
        return HashSet::new();
    }
    keeps
        .iter()
        .flat_map(|k| &k.ref_ids)
        .filter(|id| remembered.contains(id))
        .collect()
}

/// Marks for writing every chunk that still holds entries of files the run
/// did not meet (gone files), and returns the tombstones to keep: a gone
/// file's ids that some file still references.
fn plan_left_entries<'c>(
    chunks: &'c HashMap<String, Chunk>,
    keep_id: &impl Fn(&Id) -> bool,
    plan: &mut Plan<'c>,
) -> Vec<(&'c str, &'c Entry, Vec<Id>)> {
    let mut tombstones = Vec::new();
    for (dir, chunk) in chunks {
        let slot = plan.entry(dir.as_str()).or_default();
        for entry in chunk.entries.iter().flatten() {
            // Left in the chunk: the file is gone.
            let mut ids = entry.touched.clone();
            if !entry.gone {
                ids.extend(own_id(entry.summary.as_ref()));
            }
            let before = ids.len();
            ids.retain(|id| keep_id(id));
            if !entry.gone || ids.len() != before {
                slot.1 = true;
            }
            if !ids.is_empty() {
                tombstones.push((dir.as_str(), entry, ids));
            }
        }
    }
    tombstones
}

/// Adds a file the run met to its chunk's plan (`touched`: its remembered
/// ids still referenced; `encoded`: its reference entries, when encoded
/// from the index).
fn plan_kept<'a, 's: 'a>(
    keep: &'a Keep,
    touched: &'a [Id],
    encoded: Option<&'a [u8]>,
    summary: &impl Fn(usize) -> &'s Summary,
    plan: &mut Plan<'a>,
) {
    let slot = plan.entry(&*keep.dir).or_default();
    slot.1 |= keep.dirty || touched.len() != keep.touched.len();
    let raw = match (&keep.refs, encoded) {
        (Some(refs), _) => refs.raw(),
        (None, Some(encoded)) => encoded,
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

/// A chunk whose files all went away (and nothing remembers them) is
/// removed, not written.
fn drop_emptied_chunks(chunks: &HashMap<String, Chunk>, plan: &mut Plan) {
    for (dir, (entries, write)) in plan.iter_mut() {
        if entries.is_empty() {
            *write = false;
            if let Some(chunk) = chunks.get(*dir) {
                let _ = fs::remove_file(&chunk.file);
            }
        }
    }
}

/// Writes the chunks marked for writing, in parallel, then prunes old keys.
fn write_plan(mut plan: Plan, written: &Written) -> Result<(), String> {
    if !plan.values().any(|(_, write)| *write) {
        return Ok(());
    }
    let dir = written.dir;
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    mark_cache_dir(written.root_dir);
    let results: Vec<Result<(), String>> = plan
        .par_iter_mut()
        .filter(|(_, (_, write))| *write)
        .map(|(dir_name, (entries, _))| {
            entries.sort_by(|a, b| a.name.cmp(b.name));
            let chunk = ChunkOut {
                dir: dir_name,
                started: written.started,
                entries: std::mem::take(entries),
            };
            let file = dir.join(chunk_file_name(dir_name));
            write_chunk(&file, written.key, &chunk).map_err(|e| format!("{}: {e}", file.display()))
        })
        .collect();
    prune_keys(written.root_dir, dir);
    results.into_iter().collect()
}
