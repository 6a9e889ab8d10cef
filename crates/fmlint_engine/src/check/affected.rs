//! `--report-affected`: which files outside the reported set the reported
//! changes break. An article's identity (id, url, title, subject) that
//! changed since the cache last saw it, or an article that is gone, breaks
//! the files that reference it; their cross-file findings about it are
//! reported too.

use std::collections::HashSet;

use fmlint_linter::diagnostic::Diagnostic;
use fmlint_linter::index::Summary;

use super::pass::Passed;
use super::target::Target;
use crate::cache::{own_id, referenced_id, Cache, Id};

/// The ids the reported files may break (empty without
/// `--report-affected`).
pub(super) type ChangedIds = HashSet<Id>;

pub(super) fn changed_ids(target: &Target, passed: &[Passed], cache: Option<&Cache>) -> ChangedIds {
    let mut changed = ChangedIds::new();
    if !target.report_affected {
        return changed;
    }
    for file in passed.iter().filter(|f| f.reported) {
        match &file.keep {
            Some(keep) => changed.extend(keep.touched().cloned()),
            // No history: what the file holds now may break referrers.
            None => changed.extend(own_id(file.linted.summary.as_ref())),
        }
    }
    if let Some(cache) = cache {
        changed.extend(cache.gone_ids());
    }
    changed
}

/// A cache hit brings no reference entries (they are decoded for reported
/// files only): a file that references a changed article may be reported
/// as affected, so it needs them. (Rules report a file's references in
/// that file only, so the others can go without.)
pub(super) fn restore_refs(file: &mut Passed, changed: &ChangedIds) {
    let (false, Some(keep), Some(summary)) = (file.reported, &file.keep, &mut file.linted.summary)
    else {
        return;
    };
    if summary.refs.is_empty() && keep.ref_ids().iter().any(|id| changed.contains(id)) {
        summary.refs = keep.decode_refs().unwrap_or_default();
    }
}

/// Whether `diagnostic`, in the file `summary` describes, is about a
/// reference to a changed article.
pub(super) fn breaks(summary: &Summary, diagnostic: &Diagnostic, changed: &ChangedIds) -> bool {
    !changed.is_empty()
        && referenced_id(summary, diagnostic.span()).is_some_and(|id| changed.contains(&id))
}
