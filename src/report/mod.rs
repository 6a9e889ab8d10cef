//! Reporters: one module per output format, plus the summary line.
//!
//! Every reporter writes to a buffered, locked stdout (or `--output-file`)
//! in one pass over the sorted results; none of them reads a file except
//! `full`, which shows snippets. Machine formats write paths with `/`
//! separators on every platform.

use std::io::{self, Write};

use fmlint_engine::check::CheckResult;
use fmlint_linter::diagnostic::{Applicability, Severity};

mod concise;
mod full;
mod github;
mod gitlab;
mod html;
mod json;
mod junit;
mod sarif;
mod shared;

pub use full::{FullOptions, NO_WRAP};
pub use github::{escape_data, escape_property};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels and help (miette).
    Full,
    /// `path:line:col: severity[rule] message`, one line each.
    Concise,
    /// A JSON array of findings (see docs/json-output.md).
    Json,
    /// One JSON object per line.
    JsonLines,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML: one test case per file.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// One self-contained HTML page (use with `-o report.html`).
    Html,
}

pub fn write(
    format: Format,
    result: &CheckResult,
    out: &mut dyn Write,
    options: &FullOptions,
) -> io::Result<()> {
    match format {
        Format::Full => full::write(result, out, options),
        Format::Concise => concise::write(result, out),
        Format::Json => json::write(result, out),
        Format::JsonLines => json::write_lines(result, out),
        Format::Github => github::write(result, out),
        Format::Sarif => sarif::write(result, out),
        Format::Junit => junit::write(result, out),
        Format::Gitlab => gitlab::write(result, out),
        Format::Html => html::write(result, out),
    }
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub files: usize,
}

pub fn counts(result: &CheckResult) -> Counts {
    let mut counts = Counts::default();
    for file in &result.files {
        if !file.diagnostics.is_empty() {
            counts.files += 1;
        }
        for d in &file.diagnostics {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
            }
        }
    }
    counts
}

/// `1 file`, `2 files`, `2 fixes`.
/// What the fixes could do about the findings shown, as ruff says it:
/// `3 fixable with `--fix` (2 more with `--unsafe-fixes`)`; `None` when no
/// finding has a fix.
pub fn fixable_line(result: &CheckResult) -> Option<String> {
    let (mut safe, mut unsafe_) = (0, 0);
    for fix in result
        .files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .filter_map(|d| d.fix.as_ref())
    {
        match fix.applicability {
            Applicability::Safe => safe += 1,
            Applicability::Unsafe => unsafe_ += 1,
        }
    }
    match (safe, unsafe_) {
        (0, 0) => None,
        (0, _) => Some(format!("{unsafe_} fixable with `--fix --unsafe-fixes`")),
        (_, 0) => Some(format!("{safe} fixable with `--fix`")),
        _ => Some(format!(
            "{safe} fixable with `--fix` ({unsafe_} more with `--unsafe-fixes`)"
        )),
    }
}

pub fn plural(n: usize, word: &str) -> String {
    match (n, word.ends_with('x')) {
        (1, _) => format!("{n} {word}"),
        (_, true) => format!("{n} {word}es"),
        _ => format!("{n} {word}s"),
    }
}

/// `3 errors, 1 warning in 2 files; 40 files checked in 0.12 s`, then what
/// suppressions and the baseline hid, and how many baseline entries no
/// longer match.
pub fn summary_line(result: &CheckResult) -> String {
    let counts = counts(result);
    let mut line = format!(
        "{}, {} in {}; {} checked in {:.2} s",
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.files, "file"),
        plural(result.files.len(), "file"),
        result.elapsed.as_secs_f64()
    );
    if result.suppressed > 0 {
        line.push_str(&format!("; {} suppressed inline", result.suppressed));
    }
    line.push_str(&baseline_note(result));
    line
}

/// `; 6 hidden by the baseline; 1 baseline entry fixed; rewrite with
/// --write-baseline` when a baseline was applied, else nothing.
pub fn baseline_note(result: &CheckResult) -> String {
    let Some(baseline) = result.baseline else {
        return String::new();
    };
    let mut note = format!("; {} hidden by the baseline", baseline.hidden);
    if baseline.fixed > 0 {
        let entries = if baseline.fixed == 1 {
            "entry"
        } else {
            "entries"
        };
        note.push_str(&format!(
            "; {} baseline {entries} fixed; rewrite with --write-baseline",
            baseline.fixed
        ));
    }
    note
}

/// `--statistics`: findings per rule, most frequent first.
pub fn write_statistics(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    let mut by_rule: std::collections::BTreeMap<(&str, Severity), usize> = Default::default();
    for d in result.files.iter().flat_map(|f| &f.diagnostics) {
        *by_rule.entry((d.rule, d.severity)).or_default() += 1;
    }
    let mut rows: Vec<_> = by_rule.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    for ((rule, severity), n) in rows {
        writeln!(out, "{n:>width$}  {rule:<24} {}", severity.as_str())?;
    }
    Ok(())
}
