//! Reporters: one module per output format, plus the summary line.
//!
//! Every reporter writes to a buffered, locked stdout in one pass over the
//! sorted results; none of them reads a file except `full`, which shows
//! snippets.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::lint::CheckResult;

mod concise;
mod full;

pub use full::FullOptions;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels and help (miette).
    Full,
    /// `path:line:col: severity[rule] message`, one line each.
    Concise,
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

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `3 errors, 1 warning in 2 files; 40 files checked in 0.12 s`.
pub fn summary_line(result: &CheckResult) -> String {
    let counts = counts(result);
    format!(
        "{}, {} in {}; {} checked in {:.2} s",
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.files, "file"),
        plural(result.files.len(), "file"),
        result.elapsed.as_secs_f64()
    )
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
