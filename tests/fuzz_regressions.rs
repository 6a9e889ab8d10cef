//! Inputs that once crashed a fuzz target (tests/fuzz_regressions/, see
//! CONTRIBUTING.md, Fuzzing) must stay harmless: configs are refused with an error,
//! documents lint without a panic.

use std::path::Path;

#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("config-") {
            // Regression: a `dates` pattern with a time field made
            // `dates::check_date` panic inside chrono's formatter. Such
            // patterns are checkable now (Jekyll's `%Y-%m-%d %H:%M:%S %z`):
            // compiling must not panic, and a date checks without one.
            let loaded = fmlint_engine::config::Loaded::read(&path).expect("parses as TOML");
            if let Ok(settings) = loaded.compile(&[], &[]) {
                let md = Path::new("a.md");
                let text = "---\nd: 2024-01-02 10:61\ndate: 2024-12-16\n---\n";
                let _ = fmlint_linter::lint::lint_text(md, text, &settings, true, true);
            }
            seen += 1;
        } else if name.starts_with("lint_text-") || name.starts_with("split_parse-") {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let settings = fmlint_engine::config::quicktakes().unwrap();
            let md = Path::new("content/learn/star-gazing/what-is-a-comet.md");
            let _ = fmlint_linter::lint::lint_text(md, &text, &settings, true, true);
            seen += 1;
        }
    }
    assert!(seen >= 2, "regression inputs missing");
}
