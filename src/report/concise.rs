//! `--format concise`: `path:line:col: severity[rule] message`, one line per
//! finding, for editors' quickfix lists and grep.

use std::io::{self, Write};

use fmlint_engine::check::{CheckResult, FileReport};
use fmlint_linter::diagnostic::Diagnostic;

pub fn write(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    for file in &result.files {
        for d in &file.diagnostics {
            writeln!(out, "{}", line(file, d))?;
        }
    }
    Ok(())
}

/// One finding as `path:line:col: severity[rule] message` (also what the
/// `full` format prints for a file it cannot show).
pub(super) fn line(file: &FileReport, d: &Diagnostic) -> String {
    format!(
        "{}:{}:{}: {}[{}] {}",
        file.path.display(),
        d.location.start.line,
        d.location.start.column,
        d.severity.as_str(),
        d.rule,
        d.message
    )
}
