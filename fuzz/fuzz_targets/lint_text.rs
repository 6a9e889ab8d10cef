//! The whole per-file lint (structure, YAML, per-file rules, suppressions,
//! index summary) on arbitrary input, with the built-in QuickTakes settings.
//! Beyond "no panic, no hang": every finding's span (and fix edit) lies in
//! the text on character boundaries, and its line/column match its offsets.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use fmlint_linter::diagnostic::{LineCol, Span};
use fmlint_linter::lint::lint_text;
use fmlint_linter::settings::Settings;
use libfuzzer_sys::fuzz_target;

fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| fmlint_engine::config::quicktakes().expect("built-in settings"))
}

fn check(text: &str, span: Span, what: &str) {
    let range = span.range();
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{what}: {span:?} out of bounds ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{what}: {span:?} splits a character"
    );
}

/// Line and column by definition (1-based; columns count characters).
fn line_col(text: &str, offset: usize) -> LineCol {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol {
        line: before.matches('\n').count() as u32 + 1,
        column: before[line_start..].chars().count() as u32 + 1,
    }
}

fuzz_target!(|data: &[u8]| {
    // Arbitrary bytes become text the way an editor buffer would.
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let path = Path::new("content/learn/star-gazing/what-is-a-comet.md");
    let (diagnostics, _summary) = lint_text(path, text, settings(), true, true);
    for d in &diagnostics {
        // fmlint turns a panicking rule into an `internal-error` finding
        // and goes on; for the fuzzer it is the crash it looks for.
        assert_ne!(d.rule, "internal-error", "{}", d.message);
        let what = format!("[{}] {}", d.rule, d.message);
        let span = d.span();
        check(text, span, &what);
        assert_eq!(
            d.location.start,
            line_col(text, span.start as usize),
            "{what}: start"
        );
        assert_eq!(
            d.location.end,
            line_col(text, span.end as usize),
            "{what}: end"
        );
        if let Some(fix) = &d.fix {
            for edit in &fix.edits {
                check(text, edit.span, &format!("{what} (fix edit)"));
            }
        }
    }
});
