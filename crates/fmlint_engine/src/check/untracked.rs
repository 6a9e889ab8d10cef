//! After stage 5, with `--git-tracked`: a `dangling-reference` whose id
//! belongs to a file on disk that git does not track is not a missing
//! article but a forgotten `git add`. Such findings say so, name the file,
//! and tell the user what to do.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use fmlint_linter::diagnostic::Diagnostic;
use fmlint_linter::index::Index;
use fmlint_linter::lint::lint_bytes;
use fmlint_linter::settings::Settings;

use super::gather::Gathered;
use crate::root::display_path;

const RULE: &str = "dangling-reference";

/// Rewrites the reported `dangling-reference` findings whose target id is
/// held by one of the `untracked` files.
pub(super) fn explain(
    untracked: &[PathBuf],
    index: &Index,
    gathered: &mut Gathered,
    settings: &Settings,
    root: &Path,
    cwd: &Path,
) {
    let dangling =
        |report: &super::result::FileReport| report.diagnostics.iter().any(|d| d.rule == RULE);
    if untracked.is_empty() || !gathered.reports.iter().any(dangling) {
        return;
    }
    let holders = ids_of(untracked, settings, root, cwd);
    for (file, indexed) in index.files.iter().enumerate() {
        let Some(position) = gathered.report_of.get(file).copied().flatten() else {
            continue;
        };
        let Some(collection) = settings.collections.get(indexed.summary.collection) else {
            continue;
        };
        for entry in &indexed.summary.refs {
            let Some(id) = &entry.id else { continue };
            let Some(spec) = entry.spec(collection) else {
                continue;
            };
            let Some(holder) = holders.get(&(entry.target, id.value.clone())) else {
                continue;
            };
            let report = &mut gathered.reports[position];
            let id_path = entry.id_path(spec);
            let finding = report
                .diagnostics
                .iter_mut()
                .find(|d| d.rule == RULE && d.field.as_deref() == Some(id_path.as_str()));
            if let Some(finding) = finding {
                retell(finding, &entry.key(spec), &id.value, holder);
            }
        }
    }
}

/// (collection, id) → the untracked file holding it, as shown to the user.
fn ids_of(
    untracked: &[PathBuf],
    settings: &Settings,
    root: &Path,
    cwd: &Path,
) -> HashMap<(usize, String), PathBuf> {
    let mut holders = HashMap::new();
    for path in untracked {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let relative = path.strip_prefix(root).unwrap_or(path);
        let linted = lint_bytes(relative, &bytes, settings, false, true);
        let Some(summary) = linted.summary else {
            continue;
        };
        if let Some(id) = summary.id {
            holders
                .entry((summary.collection, id.value))
                .or_insert_with(|| display_path(path, cwd));
        }
    }
    holders
}

/// Says that the target exists but git does not track it, and what to do;
/// the fix that pointed the entry elsewhere no longer applies.
fn retell(finding: &mut Diagnostic, key: &str, id: &str, holder: &Path) {
    let holder = holder.display();
    finding.message = format!(
        "`{key}` refers to id {id}, which only `{holder}` has, and git does not track that file"
    )
    .into();
    finding.help = Some(
        format!(
            "add it to the commit (`git add {holder}`), or run without `--git-tracked` \
             to check the files on disk"
        )
        .into(),
    );
    finding.fix = None;
}
