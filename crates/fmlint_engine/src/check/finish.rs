//! Stage 6: each reported file completed after the corpus phase: the
//! value hashes of its cross-file findings (baselines, fingerprints), the
//! fixes of a TOML or JSON header's cross-file findings taken off (fixes
//! write YAML), its suppressions applied and unused ones reported, its findings
//! sorted.

use fmlint_linter::diagnostic::Diagnostic;
use fmlint_linter::hash::value_hash;
use fmlint_linter::lint::{diagnostic_order, drop_unsupported_fixes, sort_diagnostics};
use fmlint_linter::settings::Settings;
use fmlint_linter::suppress::Suppressions;
use fmlint_syntax::Format;
use rayon::prelude::*;

use super::gather::Gathered;
use super::result::FileReport;
use super::target::Options;

/// Finishes every reported file on `pool`; returns the number of findings
/// suppressed.
pub(super) fn all(
    pool: &rayon::ThreadPool,
    gathered: &mut Gathered,
    settings: &Settings,
    options: Options,
) -> usize {
    let suppressions = std::mem::take(&mut gathered.suppressions);
    pool.install(|| {
        gathered
            .reports
            .par_iter_mut()
            .zip(suppressions)
            .map(|(report, suppressions)| finish(report, suppressions, settings, options))
            .sum::<usize>()
    })
}

/// Completes a reported file after the corpus phase: hashes the values of
/// its cross-file findings if asked (reading the file again: the index
/// keeps no text), applies its suppressions, reports unused ones, sorts.
/// Returns the number of findings suppressed.
fn finish(
    report: &mut FileReport,
    suppressions: Option<Suppressions>,
    settings: &Settings,
    options: Options,
) -> usize {
    if !options.value_hashes {
        report.value_hashes.clear();
    } else if report.value_hashes.len() < report.diagnostics.len() {
        let read;
        let text = match &report.source {
            Some(text) => text.as_bytes(),
            None => {
                read = std::fs::read(&report.path).unwrap_or_default();
                &read
            }
        };
        for d in &report.diagnostics[report.value_hashes.len()..] {
            report
                .value_hashes
                .push(value_hash(text.get(d.span().range()).unwrap_or_default()));
        }
    }
    drop_unsupported(report);
    let mut suppressed = 0;
    if let Some(mut suppressions) = suppressions {
        let silenced: Vec<bool> = report
            .diagnostics
            .iter()
            .map(|d| suppressions.silences(d))
            .collect();
        suppressed = silenced.iter().filter(|&&s| s).count();
        report.retain_findings(|i| !silenced[i]);
        for (diagnostic, hash) in suppressions.unused(&settings.rules, true) {
            report.diagnostics.push(diagnostic);
            if options.value_hashes {
                report.value_hashes.push(hash);
            }
        }
    }
    if !options.value_hashes {
        sort_diagnostics(&mut report.diagnostics);
        return suppressed;
    }
    let mut findings: Vec<(Diagnostic, u64)> = report
        .diagnostics
        .drain(..)
        .zip(report.value_hashes.drain(..))
        .collect();
    findings.sort_by(|a, b| diagnostic_order(&a.0, &b.0));
    (report.diagnostics, report.value_hashes) = findings.into_iter().unzip();
    suppressed
}

/// Takes the fixes off the findings of a file whose header is not YAML
/// (the per-file pass did it for its own findings; these are the corpus
/// phase's). Reads the file's first bytes only when a finding has a fix.
fn drop_unsupported(report: &mut FileReport) {
    if report.diagnostics.iter().all(|d| d.fix.is_none()) {
        return;
    }
    let start = match &report.source {
        Some(text) => text.as_bytes().iter().take(FIRST).copied().collect(),
        None => first_bytes(&report.path),
    };
    let start = String::from_utf8_lossy(&start);
    let start = start.strip_prefix('\u{feff}').unwrap_or(&start);
    // The first line (or the bytes read of it), as a fence.
    let line = start.split('\n').next().unwrap_or_default();
    let format = Format::of_fence(line.trim_end_matches([' ', '\t', '\r']));
    drop_unsupported_fixes(format, &mut report.diagnostics);
}

/// How many bytes tell a header's fence: a BOM, `+++` and trailing spaces.
const FIRST: usize = 16;

/// The first bytes of the file at `path`.
fn first_bytes(path: &std::path::Path) -> Vec<u8> {
    use std::io::Read;
    let mut start = Vec::with_capacity(FIRST);
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(FIRST as u64).read_to_end(&mut start);
    }
    start
}
