//! Exact byte offsets, lines and columns after non-ASCII text, in a CRLF
//! file and in a file with a BOM (expected values computed independently
//! from the files' bytes: tests/fixtures/spans/EXPECTED.md).

mod common;

fn only_finding(file: &str) -> (fmlint_linter::diagnostic::Diagnostic, Vec<u8>) {
    let path = common::fixtures().join("spans").join(file);
    let result = common::lint_only(&path, &["invalid-date"]);
    let found: Vec<_> = result
        .files
        .into_iter()
        .flat_map(|f| f.diagnostics)
        .collect();
    assert_eq!(found.len(), 1, "{file}: {found:?}");
    (
        found.into_iter().next().unwrap(),
        std::fs::read(&path).unwrap(),
    )
}

fn assert_span(
    file: &str,
    value: &str,
    start: u32,
    end: u32,
    line: u32,
    column: u32,
    end_column: u32,
) {
    let (d, bytes) = only_finding(file);
    let loc = d.location;
    assert_eq!((loc.span.start, loc.span.end), (start, end), "{file} bytes");
    assert_eq!(
        &bytes[start as usize..end as usize],
        value.as_bytes(),
        "{file} text at span"
    );
    assert_eq!(
        (loc.start.line, loc.start.column),
        (line, column),
        "{file} start"
    );
    assert_eq!(
        (loc.end.line, loc.end.column),
        (line, end_column),
        "{file} end"
    );
}

#[test]
fn after_non_ascii_lines() {
    assert_span("invalid-non-ascii.md", "2024-02-30", 681, 691, 21, 7, 17);
}

#[test]
fn after_non_ascii_on_the_same_line() {
    assert_span(
        "invalid-non-ascii-same-line.md",
        "2024-02-30",
        535,
        545,
        5,
        113,
        123,
    );
}

#[test]
fn crlf_line_endings() {
    assert_span("invalid-crlf.md", "2024-13-01", 41, 51, 4, 7, 17);
}

#[test]
fn utf8_bom() {
    assert_span("invalid-bom.md", "2024-04-31", 41, 51, 4, 7, 17);
}
