//! Config parsing: arbitrary `fmlint.toml` text through the path a run takes
//! (`Loaded::read` → `compile`), the error rendering (miette spans into the
//! text), `into_effective_toml`, and a lint of one fixed article with whatever
//! settings compiled (templates, dates, paths and references from the
//! fuzzed config).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use fmlint_engine::config::{ConfigError, Loaded};
use fmlint_linter::lint::lint_text;
use libfuzzer_sys::fuzz_target;

/// The config file, in a private directory made once per process: relative
/// schema paths resolve there, so to nothing.
fn config_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("fmlint-fuzz-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("fmlint.toml")
    })
}

const ARTICLE: &str = "---\n_schema: default\nid: 1\ndate: 2024-05-01\ntitle: >-\n    What is a comet?\narticle_title: >-\n    What is a comet?\ndate_format: MMM DD, YYYY\npost_on_text: Posted on\nseo:\n  title: QuickTakes | Star Gazing\n  page_description: >-\n    About it.\n  page_keywords: >-\n    it\nauthor: QuickTakes\nquestion: >-\n    What is a comet?\nanswer: >-\n    An answer.\nsubject: Star Gazing\nfile_name: what-is-a-comet.md\nurl: /learn/star-gazing/questions/what-is-a-comet\nrelated_article1: 2\n---\n\n&nbsp;\n";

fn render(error: &anyhow::Error) {
    let _ = format!("{error:#}");
    if let Some(config) = error.downcast_ref::<ConfigError>() {
        let _ = config.positions();
    }
}

fuzz_target!(|data: &[u8]| {
    let path = config_path();
    std::fs::write(path, data).expect("write the config");
    let loaded = match Loaded::read(path) {
        Ok(loaded) => loaded,
        Err(error) => return render(&error),
    };
    match loaded.compile(&[], &[]) {
        Ok(settings) => {
            let file = Path::new("content/learn/star-gazing/what-is-a-comet.md");
            let (diagnostics, _) = lint_text(file, ARTICLE, &settings, true, true);
            // A panicking rule becomes an `internal-error` finding; for the
            // fuzzer it is a crash.
            if let Some(d) = diagnostics.iter().find(|d| d.rule == "internal-error") {
                panic!("{}", d.message);
            }
        }
        Err(error) => render(&error),
    }
    let _ = loaded.into_effective_toml();
});
