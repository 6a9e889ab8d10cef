//! Applying fixes: every fix is a set of text edits at spans, so the rest of
//! the file stays byte for byte (folded scalars, comments, key order, CRLF,
//! a BOM). A fix is applied whole or not at all, never together with a fix
//! whose edits overlap it; the next pass picks up what was left.
//!
//! Writes are atomic (a temporary file in the same directory, permissions
//! copied, then a rename) and refuse a file whose bytes changed since they
//! were linted.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::index::hash_bytes;

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
/// order; returns the new text and how many fixes it applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let fits = fix.edits.iter().all(|edit| {
            edit.span.end as usize <= text.len()
                && text.is_char_boundary(edit.span.start as usize)
                && text.is_char_boundary(edit.span.end as usize)
                && taken.iter().all(|t| !overlaps(t, edit))
        }) && !internally_overlapping(&fix.edits);
        if fits {
            taken.extend(&fix.edits);
            applied += 1;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

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
        assert_eq!((out.as_str(), applied), ("ABcdf!gh", 2));
    }

    #[test]
    fn insertions_at_one_point_conflict() {
        let (out, applied) = apply("ab", &[&fix(&[(1, 1, "x")]), &fix(&[(1, 1, "y")])]);
        assert_eq!((out.as_str(), applied), ("axb", 1));
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
