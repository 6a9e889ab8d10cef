//! Baselines: record today's findings (`--write-baseline FILE`) and hide
//! them in later runs (`--baseline FILE`), so a corpus with thousands of old
//! defects can gate on new ones only.
//!
//! A finding is identified by (path, rule, field, hash of the offending
//! value's text) — the bytes of its span — never by line or column, so
//! edits elsewhere in the file do not invalidate the baseline. Nor do
//! fmlint's own fixes or a move of the file ([`identity`]): a numbered
//! reference entry is named by the id it refers to, not by its number, and
//! each entry records its file's id, so a moved file keeps its entries.
//! Identical keys in one file count: two recorded entries hide two findings, not
//! three. The file is JSON with one entry per line, sorted, so it diffs
//! well in review.
//!
//! Paths are stored relative to the corpus root (the directory holding
//! `fmlint.toml`, else the git work tree; see `lint::find_corpus_root`) with
//! `/` separators, so the same baseline works from any working directory,
//! wherever the baseline file or the checkout lives, and on every platform.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use fmlint_linter::diagnostic::Diagnostic;
use fmlint_linter::hash::stable_hash;

use fmlint_linter::settings::Settings;

use crate::check::{BaselineOutcome, CheckResult, FileReport};
use crate::root::display_path;
use identity::Identity;

mod identity;

/// The format written: entries keyed by stable names ([`identity`]).
const VERSION: u32 = 2;
/// The first format, still read: entries keyed by fields as written and
/// without the file's id, so they do not survive renumbering or a move.
const LEGACY: u32 = 1;

/// A finding's fingerprint for SARIF and GitLab: stable across line moves,
/// distinct for each `occurrence` of the same key in a file.
pub fn fingerprint(
    path: &str,
    diagnostic: &Diagnostic,
    value_hash: u64,
    occurrence: usize,
) -> String {
    let value = format!("{value_hash:016x}");
    let occurrence = occurrence.to_string();
    format!(
        "{:016x}",
        stable_hash(&[
            path.as_bytes(),
            diagnostic.rule.as_bytes(),
            diagnostic.field.as_deref().unwrap_or("").as_bytes(),
            value.as_bytes(),
            occurrence.as_bytes(),
        ])
    )
}

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    /// The file's id, which finds the entry again when the file moves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub rule: String,
    /// The finding's field, a numbered reference entry named by its target
    /// ([`Identity::field`]).
    pub field: Option<String>,
    /// [`value_hash`] of the span's text, 16 hex digits.
    pub value: String,
}

/// What an entry matches besides its file: (rule, field, value).
type Finding = (String, Option<String>, String);

impl Entry {
    fn finding(&self) -> Finding {
        (self.rule.clone(), self.field.clone(), self.value.clone())
    }
}

#[derive(Serialize, Deserialize)]
struct File {
    fmlint_baseline: u32,
    entries: Vec<Entry>,
}

pub struct Baseline {
    entries: Vec<Entry>,
    /// Written as [`VERSION`]: stable names; else fields as written.
    stable: bool,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        let file: File = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an fmlint baseline", path.display()))?;
        if file.fmlint_baseline != VERSION && file.fmlint_baseline != LEGACY {
            bail!(
                "{}: baseline version {} is not supported (this fmlint reads {LEGACY} and {VERSION}); \
                 rewrite it with --write-baseline",
                path.display(),
                file.fmlint_baseline
            );
        }
        Ok(Baseline {
            entries: file.entries,
            stable: file.fmlint_baseline == VERSION,
        })
    }

    /// Hides the recorded findings from `result`, one per entry: an entry
    /// matches a finding of its own file, or, when its file no longer
    /// exists, one of the file that now has its id (the file moved).
    pub fn apply(&self, result: &mut CheckResult, settings: &Settings) -> Result<BaselineOutcome> {
        let mapper = PathMapper::new(result)?;
        let mut slots = Slots::new(&self.entries, &mapper.root);
        let mut outcome = BaselineOutcome::default();
        let mut checked = HashSet::new();
        let mut checked_ids = HashSet::new();
        for file in &mut result.files {
            let path = mapper.stored(&file.path);
            let (id, entries) = keys_of(&path, file, settings, self.stable);
            let keep: Vec<bool> = entries.iter().map(|entry| !slots.take(entry)).collect();
            outcome.hidden += keep.iter().filter(|&&k| !k).count();
            file.retain_findings(|i| keep[i]);
            checked.insert(path);
            checked_ids.extend(id);
        }
        // Entries of checked files, or of gone files whose id a checked
        // file has, for rules that ran: their defects were fixed.
        outcome.fixed = slots
            .left()
            .filter(|&(entry, gone)| {
                let moved_here =
                    gone && entry.id.as_ref().is_some_and(|id| checked_ids.contains(id));
                (checked.contains(&entry.path) || moved_here)
                    && settings.rules.severity(&entry.rule).is_some()
            })
            .count();
        Ok(outcome)
    }
}

/// The baseline's entries, each to be used once, found by their file's
/// path or (for files that no longer exist) by their file's id.
struct Slots<'e> {
    entries: &'e [Entry],
    used: Vec<bool>,
    by_path: HashMap<(String, Finding), Vec<usize>>,
    by_id: HashMap<(String, Finding), Vec<usize>>,
    /// Entries whose file is gone from the corpus root.
    gone: Vec<bool>,
}

impl<'e> Slots<'e> {
    fn new(entries: &'e [Entry], root: &Path) -> Slots<'e> {
        let mut exists: HashMap<&str, bool> = HashMap::new();
        let mut slots = Slots {
            entries,
            used: vec![false; entries.len()],
            by_path: HashMap::new(),
            by_id: HashMap::new(),
            gone: Vec::with_capacity(entries.len()),
        };
        // In reverse, so `pop` takes the entries in file order.
        for (i, entry) in entries.iter().enumerate().rev() {
            slots
                .by_path
                .entry((entry.path.clone(), entry.finding()))
                .or_default()
                .push(i);
        }
        for entry in entries {
            let present = *exists
                .entry(&entry.path)
                .or_insert_with(|| root.join(&entry.path).exists());
            slots.gone.push(!present);
        }
        for (i, entry) in entries.iter().enumerate().rev() {
            if let (Some(id), true) = (&entry.id, slots.gone[i]) {
                slots
                    .by_id
                    .entry((id.clone(), entry.finding()))
                    .or_default()
                    .push(i);
            }
        }
        slots
    }

    /// Uses an entry recording `finding` (keyed as [`keys_of`] keys it);
    /// `false` when none is left.
    fn take(&mut self, finding: &Entry) -> bool {
        let key = (finding.path.clone(), finding.finding());
        if unused(self.by_path.get_mut(&key), &mut self.used) {
            return true;
        }
        let Some(id) = &finding.id else { return false };
        unused(self.by_id.get_mut(&(id.clone(), key.1)), &mut self.used)
    }

    /// The entries no finding used, each with whether its file is gone.
    fn left(&self) -> impl Iterator<Item = (&'e Entry, bool)> + '_ {
        (0..self.entries.len())
            .filter(|&i| !self.used[i])
            .map(|i| (&self.entries[i], self.gone[i]))
    }
}

/// Marks the next entry of `list` not yet used as used; `false` when none
/// is left.
fn unused(list: Option<&mut Vec<usize>>, used: &mut [bool]) -> bool {
    let Some(list) = list else { return false };
    while let Some(i) = list.pop() {
        if !std::mem::replace(&mut used[i], true) {
            return true;
        }
    }
    false
}

/// Writes every finding of `result` to `path`; returns the entry count.
pub fn write(path: &Path, result: &CheckResult, settings: &Settings) -> Result<usize> {
    let mapper = PathMapper::new(result)?;
    let mut entries: Vec<Entry> = result
        .files
        .iter()
        .flat_map(|file| keys_of(&mapper.stored(&file.path), file, settings, true).1)
        .collect();
    entries.sort();
    let mut out = format!("{{\n  \"fmlint_baseline\": {VERSION},\n  \"entries\": [");
    for (i, entry) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        out.push_str(&serde_json::to_string(entry)?);
    }
    out.push_str(if entries.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    write_atomically(path, out.as_bytes())
        .with_context(|| format!("cannot write baseline {}", path.display()))?;
    Ok(entries.len())
}

/// The file's id and one entry per finding of `file` (stored at `path`):
/// with stable names when `stable`, else as version 1 wrote them.
fn keys_of(
    path: &str,
    file: &FileReport,
    settings: &Settings,
    stable: bool,
) -> (Option<String>, Vec<Entry>) {
    let identity = match stable && !file.diagnostics.is_empty() {
        true => identity_of(path, file, settings),
        false => Identity::default(),
    };
    let entries = file
        .diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let hash = file.value_hashes.get(i).copied().unwrap_or(0);
            Entry {
                path: path.to_string(),
                id: identity.id.clone(),
                rule: d.rule.to_string(),
                field: d.field.as_deref().map(|f| identity.field(f)),
                value: format!("{:016x}", identity.value(d.field.as_deref(), hash)),
            }
        })
        .collect();
    (identity.id, entries)
}

/// The file's names, from the text its findings are about.
fn identity_of(path: &str, file: &FileReport, settings: &Settings) -> Identity {
    let read;
    let text = match &file.source {
        Some(text) => &**text,
        None => match std::fs::read_to_string(&file.path) {
            Ok(text) => {
                read = text;
                read.as_str()
            }
            Err(_) => return Identity::default(),
        },
    };
    Identity::of(text, settings.collection_for(Path::new(path)))
}

/// A temporary file in the same directory, renamed over the target.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(error) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(error);
    }
    Ok(())
}

/// Turns shown paths (relative to the working directory) into stored ones
/// (relative to the corpus root, `/`-separated).
struct PathMapper {
    cwd: PathBuf,
    root: PathBuf,
}

impl PathMapper {
    fn new(result: &CheckResult) -> Result<PathMapper> {
        let cwd = std::env::current_dir()
            .and_then(|d| d.canonicalize())
            .context("cannot read the working directory")?;
        let root = result.corpus_root.clone().unwrap_or_else(|| cwd.clone());
        Ok(PathMapper { cwd, root })
    }

    fn stored(&self, shown: &Path) -> String {
        let absolute = normalize(&self.cwd.join(shown));
        let relative = display_path(&absolute, &self.root);
        let parts: Vec<_> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        parts.join("/")
    }
}

/// Resolves `.` and `..` lexically: shown paths come from canonical ones, so
/// no symlink can make that wrong.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_parent_components() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }
}
