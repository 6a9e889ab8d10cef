//! Applying fixes: every fix is a set of text edits at spans, so the rest of
//! the file stays byte for byte (folded scalars, comments, key order, CRLF,
//! a BOM). A fix is applied whole or not at all, never together with a fix
//! whose edits overlap it; the next pass picks up what was left.
//!
//! Writes are atomic (a temporary file in the same directory, permissions
//! copied, then a rename) and refuse a file whose bytes changed since they
//! were linted.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use crate::check::{check_with, CheckResult, FileReport, Options, Target};
use fmlint_linter::diagnostic::{Applicability, Edit, Fix};
use fmlint_linter::hash::hash_bytes;
use fmlint_linter::settings::Settings;

/// Fix passes before giving up: each pass applies every fix that does not
/// overlap another; what overlapped is fixed in the next pass.
pub const MAX_PASSES: usize = 10;

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Safe,
    /// Safe and unsafe fixes (`--unsafe-fixes`).
    Unsafe,
}

impl Level {
    pub fn allows(self, fix: &Fix) -> bool {
        self == Level::Unsafe || fix.applicability == Applicability::Safe
    }
}

/// `text` with as many of `fixes` applied as do not overlap, in the given
/// order; returns the new text and the indices of the fixes applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        let fits = fix.edits.iter().all(|edit| {
            edit.span.end as usize <= text.len()
                && text.is_char_boundary(edit.span.start as usize)
                && text.is_char_boundary(edit.span.end as usize)
                && taken.iter().all(|t| !overlaps(t, edit))
        }) && !internally_overlapping(&fix.edits);
        if fits {
            taken.extend(&fix.edits);
            applied.push(i);
        }
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in taken {
        out.push_str(&text[at..edit.span.start as usize]);
        out.push_str(&edit.replacement);
        at = edit.span.end as usize;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// Two edits conflict when their ranges share a byte, or when both insert
/// at the same point (their order would be arbitrary).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (a.span, b.span);
    if a.is_empty() || b.is_empty() {
        return a.start == b.start || (a.start < b.end && b.start < a.end);
    }
    a.start < b.end && b.start < a.end
}

fn internally_overlapping(edits: &[Edit]) -> bool {
    edits
        .iter()
        .enumerate()
        .any(|(i, a)| edits[i + 1..].iter().any(|b| overlaps(a, b)))
}

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// Its bytes are not the ones the fixes were computed from.
    Changed,
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => f.write_str("the file changed since it was read; not fixed"),
            WriteError::Io(e) => write!(f, "cannot write the fixed file: {e}"),
        }
    }
}

/// Replaces `path`'s content with `new`, if its bytes still hash to
/// `expected`: through a temporary file in the same directory, with the
/// original's permissions, renamed over it.
pub fn write_atomic(path: &Path, expected: u64, new: &str) -> Result<(), WriteError> {
    let current = fs::read(path).map_err(WriteError::Io)?;
    if hash_bytes(&current) != expected {
        return Err(WriteError::Changed);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.fmlint-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(new.as_bytes())?;
        file.sync_all()?;
        let permissions = fs::metadata(path)?.permissions();
        fs::set_permissions(&temp, permissions)?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(WriteError::Io)
}

/// One fix that was applied.
#[derive(Clone, Debug)]
pub struct Applied {
    pub path: Arc<Path>,
    pub rule: &'static str,
    pub message: String,
}

/// A file the fixes changed.
pub struct Changed {
    /// As shown to the user.
    pub path: Arc<Path>,
    pub before: String,
    pub after: String,
}

/// What a fix run did.
pub struct Outcome {
    pub applied: Vec<Applied>,
    pub changed: Vec<Changed>,
    /// Files not written, with the reason.
    pub skipped: Vec<String>,
    /// The check after the fixes (what remains).
    pub result: CheckResult,
}

/// Fixes what `level` allows in the reported files of `target`, in passes
/// over an in-memory overlay until nothing applies (or [`MAX_PASSES`]),
/// then writes every changed file once — unless `write` is false (`--diff`).
pub fn fix(target: Target, settings: &Settings, level: Level, write: bool) -> Result<Outcome> {
    fix_with(target, settings, level, write, Options::default())
}

/// [`fix`], with `options` saying what the checks compute besides the
/// findings (value hashes for a baseline).
pub fn fix_with(
    target: Target,
    settings: &Settings,
    level: Level,
    write: bool,
    options: Options,
) -> Result<Outcome> {
    let first = Options {
        content_hashes: true,
        ..options
    };
    let mut fixer = Fixer {
        target,
        originals: HashMap::new(),
        applied: Vec::new(),
        skipped: Vec::new(),
    };
    let mut result = check_with(&fixer.target, settings, first)?;
    for _ in 0..MAX_PASSES {
        if !fixer.pass(&result, level) {
            break;
        }
        result = check_with(&fixer.target, settings, options)?;
    }
    let changed = fixer.write_changed(write);
    if write && !fixer.skipped.is_empty() {
        // Some fixed text never reached the disk: report what is there.
        fixer.target.overlay.clear();
        result = check_with(&fixer.target, settings, options)?;
    }
    fixer.applied.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Outcome {
        applied: fixer.applied,
        changed,
        skipped: fixer.skipped,
        result,
    })
}

/// The state of a fix run between passes.
struct Fixer {
    /// Its overlay holds each fixed file's current text.
    target: Target,
    /// Canonical path → (shown path, text on disk, its hash).
    originals: HashMap<PathBuf, (Arc<Path>, String, u64)>,
    applied: Vec<Applied>,
    /// Files not written, with the reason.
    skipped: Vec<String>,
}

impl Fixer {
    /// Applies the fixes `level` allows to every reported file of `result`;
    /// `true` when any text changed.
    fn pass(&mut self, result: &CheckResult, level: Level) -> bool {
        let mut progress = false;
        for file in &result.files {
            let fixes: Vec<(&'static str, &Fix)> = file
                .diagnostics
                .iter()
                .filter_map(|d| Some((d.rule, d.fix.as_ref().filter(|f| level.allows(f))?)))
                .collect();
            if fixes.is_empty() {
                continue;
            }
            let Some((canonical, text)) = self.text_of(file) else {
                continue;
            };
            let just_fixes: Vec<&Fix> = fixes.iter().map(|(_, f)| *f).collect();
            let (after, used) = apply(&text, &just_fixes);
            if used.is_empty() || *after == *text {
                continue;
            }
            progress = true;
            self.applied.extend(used.into_iter().map(|i| Applied {
                path: file.path.clone(),
                rule: fixes[i].0,
                message: fixes[i].1.message.clone(),
            }));
            self.target.overlay.insert(canonical, after.into());
        }
        progress
    }

    /// The current text of a reported file: the overlay's, else the disk's
    /// (remembered as the original) when its bytes are still the ones
    /// checked. `None` when it cannot be fixed.
    fn text_of(&mut self, file: &FileReport) -> Option<(PathBuf, Arc<str>)> {
        let canonical = file.path.canonicalize().ok()?;
        if let Some(text) = self.target.overlay.get(&canonical) {
            return Some((canonical, text.clone()));
        }
        let bytes = fs::read(&canonical).ok()?;
        let Some(hash) = file.content_hash.filter(|&h| h == hash_bytes(&bytes)) else {
            self.skipped
                .push(format!("{}: {}", file.path.display(), WriteError::Changed));
            return None;
        };
        let text = String::from_utf8(bytes).ok()?;
        self.originals
            .insert(canonical.clone(), (file.path.clone(), text.clone(), hash));
        Some((canonical, text.into()))
    }

    /// Writes each changed file once (unless `write` is false), in path
    /// order; a file that cannot be written is skipped with its fixes.
    fn write_changed(&mut self, write: bool) -> Vec<Changed> {
        let mut changed = Vec::new();
        for (canonical, after) in &self.target.overlay {
            let Some((shown, before, hash)) = self.originals.get(canonical) else {
                continue;
            };
            if **after == **before {
                continue;
            }
            if write {
                if let Err(error) = write_atomic(canonical, *hash, after) {
                    self.skipped.push(format!("{}: {error}", shown.display()));
                    self.applied.retain(|a| a.path != *shown);
                    continue;
                }
            }
            changed.push(Changed {
                path: shown.clone(),
                before: before.clone(),
                after: after.to_string(),
            });
        }
        changed.sort_by(|a, b| a.path.cmp(&b.path));
        changed
    }
}

/// A unified diff of one changed file, `--diff` style.
pub fn unified_diff(change: &Changed) -> String {
    let path = change.path.display().to_string();
    similar::TextDiff::from_lines(&change.before, &change.after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fmlint_linter::diagnostic::Span;

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix {
            message: String::new(),
            applicability: Applicability::Safe,
            edits: edits
                .iter()
                .map(|&(s, e, r)| Edit {
                    span: Span::new(s, e),
                    replacement: r.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn applies_disjoint_fixes_and_skips_overlapping_ones() {
        let text = "abcdefgh";
        let a = fix(&[(0, 2, "AB")]);
        let b = fix(&[(1, 3, "xx")]); // overlaps a
        let c = fix(&[(4, 5, ""), (6, 6, "!")]);
        let (out, applied) = apply(text, &[&a, &b, &c]);
        assert_eq!((out.as_str(), applied), ("ABcdf!gh", vec![0, 2]));
    }

    #[test]
    fn insertions_at_one_point_conflict() {
        let (out, applied) = apply("ab", &[&fix(&[(1, 1, "x")]), &fix(&[(1, 1, "y")])]);
        assert_eq!((out.as_str(), applied), ("axb", vec![0]));
    }

    #[test]
    fn refuses_a_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        fs::write(&path, "old").unwrap();
        let stale = hash_bytes(b"older");
        assert!(matches!(
            write_atomic(&path, stale, "new"),
            Err(WriteError::Changed)
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        write_atomic(&path, hash_bytes(b"old"), "new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
}
