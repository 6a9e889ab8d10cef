//! Baselines: record today's findings (`--write-baseline FILE`) and hide
//! them in later runs (`--baseline FILE`), so a corpus with thousands of old
//! defects can gate on new ones only.
//!
//! A finding is identified by (path, rule, field, hash of the offending
//! value's text) — the bytes of its span — never by line or column, so
//! edits elsewhere in the file do not invalidate the baseline. Identical
//! keys in one file count: two recorded entries hide two findings, not
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

use crate::check::{BaselineOutcome, CheckResult};
use crate::root::display_path;
use fmlint_linter::settings::RuleSet;

const VERSION: u32 = 1;

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
    pub rule: String,
    pub field: Option<String>,
    /// [`value_hash`] of the span's text, 16 hex digits.
    pub value: String,
}

#[derive(Serialize, Deserialize)]
struct File {
    fmlint_baseline: u32,
    entries: Vec<Entry>,
}

pub struct Baseline {
    entries: Vec<Entry>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        let file: File = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an fmlint baseline", path.display()))?;
        if file.fmlint_baseline != VERSION {
            bail!(
                "{}: baseline version {} is not supported (expected {VERSION}); rewrite it with --write-baseline",
                path.display(),
                file.fmlint_baseline
            );
        }
        Ok(Baseline {
            entries: file.entries,
        })
    }

    /// Hides the recorded findings from `result`, one per entry.
    pub fn apply(&self, result: &mut CheckResult, rules: &RuleSet) -> Result<BaselineOutcome> {
        let mapper = PathMapper::new(result)?;
        let mut remaining: HashMap<&Entry, usize> = HashMap::new();
        for entry in &self.entries {
            *remaining.entry(entry).or_default() += 1;
        }
        let mut outcome = BaselineOutcome::default();
        let mut checked = HashSet::new();
        for file in &mut result.files {
            let path = mapper.stored(&file.path);
            let keep: Vec<bool> = entries_of(&path, &file.diagnostics, &file.value_hashes)
                .iter()
                .map(|key| match remaining.get_mut(key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                })
                .collect();
            outcome.hidden += keep.iter().filter(|&&k| !k).count();
            file.retain_findings(|i| keep[i]);
            checked.insert(path);
        }
        outcome.fixed = remaining
            .iter()
            .filter(|(entry, _)| {
                checked.contains(&entry.path) && rules.severity(&entry.rule).is_some()
            })
            .map(|(_, n)| n)
            .sum();
        Ok(outcome)
    }
}

/// Writes every finding of `result` to `path`; returns the entry count.
pub fn write(path: &Path, result: &CheckResult) -> Result<usize> {
    let mapper = PathMapper::new(result)?;
    let mut entries: Vec<Entry> = result
        .files
        .iter()
        .flat_map(|file| {
            entries_of(
                &mapper.stored(&file.path),
                &file.diagnostics,
                &file.value_hashes,
            )
        })
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

fn entries_of(path: &str, diagnostics: &[Diagnostic], value_hashes: &[u64]) -> Vec<Entry> {
    diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| Entry {
            path: path.to_string(),
            rule: d.rule.to_string(),
            field: d.field.clone(),
            value: format!("{:016x}", value_hashes.get(i).copied().unwrap_or(0)),
        })
        .collect()
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
