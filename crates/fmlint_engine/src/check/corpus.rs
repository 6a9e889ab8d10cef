//! Stage 5: the corpus phase. The index is built from every summary, the
//! cross-file rules run on it in parallel (their findings kept in registry
//! order), and each finding is attached to its file's report — or, for a
//! file outside the reported set that a reported change breaks, to a new
//! report ([`super::affected`]).

use std::path::Path;

use fmlint_linter::corpus::run_rule;
use fmlint_linter::diagnostic::Diagnostic;
use fmlint_linter::index::Index;
use fmlint_linter::settings::Settings;
use fmlint_linter::suppress::Suppressions;
use rayon::prelude::*;

use super::affected::{self, ChangedIds};
use super::gather::Gathered;
use super::result::{CheckResult, FileReport};

/// Runs the phase when a cross-file rule is on; returns the index (the
/// cache writes summaries from it).
pub(super) fn run(
    pool: &rayon::ThreadPool,
    settings: &Settings,
    root: &Path,
    gathered: &mut Gathered,
    changed: &ChangedIds,
    result: &mut CheckResult,
) -> Option<Index> {
    let corpus_rules: Vec<_> = settings.rules.enabled_corpus().collect();
    if corpus_rules.is_empty() {
        return None;
    }
    let indexed = std::mem::take(&mut gathered.indexed);
    let index = pool.install(|| Index::new(indexed));
    warn_uncomparable(&index, settings, result);
    // A rule that panics loses its findings and fails the run (exit 2);
    // the other rules' findings stand.
    let per_rule: Vec<Result<Vec<(usize, Diagnostic)>, String>> = pool.install(|| {
        corpus_rules
            .par_iter()
            .map(|&rule| run_rule(&index, settings, rule, root))
            .collect()
    });
    let mut found = Vec::new();
    for outcome in per_rule {
        match outcome {
            Ok(findings) => found.extend(findings),
            Err(message) => result.errors.push(message),
        }
    }
    attach(found, &index, gathered, changed, result);
    Some(index)
}

/// A `unique` field whose values are maps or lists of maps is not
/// checked; the run says so rather than passing in silence.
fn warn_uncomparable(index: &Index, settings: &Settings, result: &mut CheckResult) {
    for (collection, field, count, first) in index.uncomparable() {
        let name = settings
            .collections
            .get(collection)
            .map_or("", |c| c.name.as_str());
        let files = if count == 1 {
            "1 file holds".to_string()
        } else {
            format!("{count} files hold")
        };
        result.warnings.push(format!(
            "collection `{name}` lists `{field}` as `unique`, but {files} a map or a list of maps there (first: {}): only strings, numbers and lists of them are compared",
            first.display()
        ));
    }
}

/// Adds each finding to its file's report; a finding in a file that is
/// not reported is kept only when a reported change breaks it.
fn attach(
    found: Vec<(usize, Diagnostic)>,
    index: &Index,
    gathered: &mut Gathered,
    changed: &ChangedIds,
    result: &mut CheckResult,
) {
    // Reports added for affected files come after the given ones.
    let first_affected = gathered.reports.len();
    for (file, diagnostic) in found {
        let position = match gathered.report_of[file] {
            Some(position) if position < first_affected => position,
            _ if affected::breaks(&index.files[file].summary, &diagnostic, changed) => {
                if let Some(found) = gathered.other_suppressions.get_mut(&file) {
                    if Suppressions::silences(found, &diagnostic) {
                        result.suppressed += 1;
                        continue;
                    }
                }
                affected_report(gathered, index, file)
            }
            _ => continue,
        };
        gathered.reports[position].diagnostics.push(diagnostic);
    }
    result.affected = gathered.reports.len() - first_affected;
}

/// The position of the report of indexed file `file`, added when it has
/// none yet.
fn affected_report(gathered: &mut Gathered, index: &Index, file: usize) -> usize {
    if let Some(position) = gathered.report_of[file] {
        return position;
    }
    gathered.reports.push(FileReport {
        path: index.files[file].path.clone(),
        diagnostics: Vec::new(),
        source: None,
        value_hashes: Vec::new(),
        content_hash: None,
    });
    gathered.suppressions.push(None);
    let position = gathered.reports.len() - 1;
    gathered.report_of[file] = Some(position);
    position
}
