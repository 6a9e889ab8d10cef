//! `--format github`: GitHub Actions workflow commands, which the runner
//! turns into annotations on the pull request's diff.
//!
//! ```text
//! ::error file=a.md,line=3,col=5,endLine=3,endColumn=11,title=fmlint (duplicate-id)::id `7` is also used by b.md
//! ```
//!
//! GitHub reads `%`, `\r` and `\n` as escapes in the message, and also `:`
//! and `,` in property values; each is written as `%XX`.

use std::io::{self, Write};

use super::shared::slash_path;
use fmlint_engine::check::CheckResult;
use fmlint_linter::diagnostic::Severity;

pub fn write(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    for file in &result.files {
        let path = escape_property(&slash_path(&file.path));
        for d in &file.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let location = d.location;
            writeln!(
                out,
                "::{command} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
                location.start.line,
                location.start.column,
                location.end.line,
                location.end.column,
                escape_property(&format!("fmlint ({})", d.rule)),
                escape_data(&d.message)
            )?;
        }
    }
    Ok(())
}

/// Escapes a workflow command's message.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a workflow command's property value (`file=`, `title=`): the
/// message escapes plus `:` and `,`, which separate properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_escapes_percent_and_line_breaks_but_not_colons() {
        assert_eq!(
            escape_data("100% sure: line one\r\nline two, done"),
            "100%25 sure: line one%0D%0Aline two, done"
        );
    }

    #[test]
    fn property_escapes_colons_and_commas_too() {
        assert_eq!(
            escape_property("fmlint (a): 50%, b\nc"),
            "fmlint (a)%3A 50%25%2C b%0Ac"
        );
    }
}
