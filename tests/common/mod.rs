//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use fmlint::report::{self, Format, FullOptions};
use fmlint_engine::check::{check, CheckResult, Target};
use fmlint_linter::settings::RuleSet;

/// Lints `path` as a corpus of its own with only `rules` enabled: with the
/// built-in settings, or the `fmlint.toml` of a case directory that has
/// one (for rules only a config turns on, such as `field-mismatch`).
pub fn lint_only(path: &Path, rules: &[&str]) -> CheckResult {
    let names: Vec<String> = rules.iter().map(|r| r.to_string()).collect();
    let config = path.join("fmlint.toml");
    let settings = if config.is_file() {
        fmlint_engine::config::Loaded::read(&config)
            .and_then(|c| c.compile(&names, &[]))
            .expect("the case's config compiles")
    } else {
        let mut settings = fmlint_engine::config::quicktakes().expect("built-in settings");
        settings.rules = RuleSet::defaults()
            .select(&names, &[])
            .expect("known rules");
        settings
    };
    let target = Target {
        paths: vec![path.to_path_buf()],
        corpus_root: Some(path.to_path_buf()),
        threads: 2,
        ..Default::default()
    };
    check(&target, &settings).expect("check runs")
}

/// The full (miette) rendering, colourless at width 100.
pub fn render_full(result: &CheckResult) -> String {
    let mut out = Vec::new();
    report::write(Format::Full, result, &mut out, &FullOptions::default()).expect("render");
    String::from_utf8(out).expect("UTF-8 output")
}

pub fn fixtures() -> PathBuf {
    Path::new("tests").join("fixtures")
}
