//! `--format concise`: `path:line:col: severity[rule] message`, one line per
//! finding, for editors' quickfix lists and grep.

use std::io::{self, Write};

use fmlint_engine::check::CheckResult;

pub fn write(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    for file in &result.files {
        for d in &file.diagnostics {
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                file.path.display(),
                d.location.start.line,
                d.location.start.column,
                d.severity.as_str(),
                d.rule,
                d.message
            )?;
        }
    }
    Ok(())
}
