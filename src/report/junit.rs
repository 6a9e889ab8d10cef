//! `--format junit`: JUnit XML, for CI systems that show test reports
//! (GitLab, Jenkins, Azure DevOps). One test suite; one test case per
//! checked file, named by its path; one `<failure>` per finding, its type
//! the rule and its body `path:line:col: severity[rule] message`.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::shared::slash_path;
use fmlint_engine::check::CheckResult;

pub fn write(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    let tests = result.files.len();
    let failures = result
        .files
        .iter()
        .filter(|f| !f.diagnostics.is_empty())
        .count();
    let errors = result.errors.len();
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\"");
    let _ = writeln!(xml, "<testsuites name=\"fmlint\" {counts}>");
    let _ = writeln!(xml, "  <testsuite name=\"fmlint\" {counts} skipped=\"0\">");
    for file in &result.files {
        let path = escape(&slash_path(&file.path));
        let _ = write!(
            xml,
            "    <testcase name=\"{path}\" classname=\"{path}\" file=\"{path}\""
        );
        if file.diagnostics.is_empty() {
            xml.push_str("/>\n");
            continue;
        }
        xml.push_str(">\n");
        for d in &file.diagnostics {
            let mut body = format!(
                "{}:{}:{}: {}[{}] {}",
                slash_path(&file.path),
                d.location.start.line,
                d.location.start.column,
                d.severity.as_str(),
                d.rule,
                d.message
            );
            if let Some(help) = &d.help {
                let _ = write!(body, "\nhelp: {help}");
            }
            let _ = writeln!(
                xml,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                escape(d.rule),
                escape(&d.message),
                escape_text(&body)
            );
        }
        xml.push_str("    </testcase>\n");
    }
    if !result.errors.is_empty() {
        let _ = writeln!(
            xml,
            "    <system-err>{}</system-err>",
            escape_text(&result.errors.join("\n"))
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    out.write_all(xml.as_bytes())
}

/// Escapes text for an XML attribute or element. Line breaks and tabs in
/// attributes become character references so parsers keep them; characters
/// XML 1.0 cannot carry at all become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes element text: line breaks stay as they are.
fn escape_text(text: &str) -> String {
    escape(text).replace("&#10;", "\n")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_line_breaks_and_forbidden_characters() {
        assert_eq!(
            escape("a<b>&\"c'\nd\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;d\u{fffd}"
        );
    }
}
