//! `--write-baseline` and `--baseline` on copies of `tests/fixtures/formats`:
//! the round trip the CI gate relies on. Write, rerun → exit 0; add a
//! defect → exit 1 with only it; move a baselined finding ten lines down →
//! still hidden; fix a baselined defect → counted as a fixed entry. The
//! edits that must not turn baselined findings into new ones: fmlint's own
//! fixes (`reference-numbering` renames entries) and a move of the file;
//! and `--fix --baseline` reports only what the baseline does not record.

mod cli_support;

use std::path::Path;
use std::sync::Arc;

use cli_support::{check, corpus, edit, read, summary, unix_paths};
use fmlint_engine::baseline::Baseline;
use fmlint_engine::check::{CheckResult, FileReport};
use fmlint_linter::diagnostic::{Diagnostic, Span};
use fmlint_linter::hash::value_hash;

const CORPUS: &str = "formats";
const PULSAR: &str = "content/learn/astronomy/what-is-a-pulsar.md";
const COMET: &str = "content/learn/astronomy/what-is-a-comet.md";

/// A corpus copy with its baseline written to `baseline.json`.
fn baselined() -> tempfile::TempDir {
    let dir = corpus(CORPUS);
    let run = check(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "writing a baseline exits 0: {}", run.stderr);
    assert_eq!(run.stdout, "", "no findings are printed");
    assert_eq!(
        run.stderr,
        "fmlint: wrote 6 baseline entries to baseline.json\n"
    );
    dir
}

fn concise_with_baseline(dir: &Path) -> cli_support::Run {
    check(dir, &["--baseline", "baseline.json", "--format", "concise"])
}

#[test]
fn the_file_is_sorted_one_entry_per_line() {
    let dir = baselined();
    insta::assert_snapshot!(read(dir.path(), "baseline.json"));
}

#[test]
fn rerun_with_the_baseline_is_clean() {
    let dir = baselined();
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(
        summary(&run.stderr),
        "0 errors, 0 warnings in 0 files; 5 files checked; 6 hidden by the baseline"
    );
}

#[test]
fn a_new_defect_is_the_only_finding() {
    let dir = baselined();
    edit(dir.path(), COMET, |text| {
        text.replace("id: 1005", "id: 4242")
    });
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        unix_paths(run.stdout),
        "content/learn/astronomy/what-is-a-comet.md:27:9: error[dangling-reference] \
         `related_article1` refers to id 4242, which no article has; \
         did you mean 1005? it is the article with this url\n"
    );
}

#[test]
fn findings_moved_by_inserted_lines_stay_hidden() {
    let dir = baselined();
    // Ten lines at the top of the header: every pulsar finding moves down.
    let lines = (1..=10)
        .map(|i| format!("# note {i}\n"))
        .collect::<String>();
    edit(dir.path(), PULSAR, |text| {
        text.replacen("---\n", &format!("---\n{lines}"), 1)
    });
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn a_fixed_defect_is_counted_as_a_fixed_entry() {
    let dir = baselined();
    edit(dir.path(), PULSAR, |text| {
        text.replace("What is a pulsar — réally?", "What is a pulsar?")
    });
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "");
    assert_eq!(
        summary(&run.stderr),
        "0 errors, 0 warnings in 0 files; 5 files checked; 5 hidden by the baseline; \
         1 baseline entry fixed; rewrite with --write-baseline"
    );
}

#[test]
fn a_changed_value_is_a_new_finding() {
    let dir = baselined();
    edit(dir.path(), PULSAR, |text| text.replace("réally?", "truly?"));
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("error[title-mismatch]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("1 baseline entry fixed"),
        "{}",
        run.stderr
    );
}

#[test]
fn entries_of_files_not_checked_are_not_counted_as_fixed() {
    let dir = baselined();
    let run = check(dir.path(), &["--baseline", "baseline.json", PULSAR]);
    assert_eq!(run.code, 0);
    assert!(!run.stderr.contains("fixed"), "{}", run.stderr);
    // Nor entries of rules that did not run.
    let run = check(
        dir.path(),
        &["--baseline", "baseline.json", "--select", "title-mismatch"],
    );
    assert!(!run.stderr.contains("fixed"), "{}", run.stderr);
}

#[test]
fn paths_are_relative_to_the_corpus_root_so_any_working_directory_works() {
    let dir = baselined();
    let run = cli_support::fmlint(
        &dir.path().join("content"),
        &[
            "check",
            "--corpus-root",
            "..",
            "--baseline",
            "../baseline.json",
            ".",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("6 hidden by the baseline"),
        "{}",
        run.stderr
    );
}

#[test]
fn another_checkout_uses_the_same_baseline_wherever_it_is_kept() {
    let first = corpus(CORPUS);
    let elsewhere = tempfile::tempdir().unwrap();
    let baseline = elsewhere.path().join("fmlint-baseline.json");
    let baseline = baseline.to_str().unwrap();
    assert_eq!(check(first.path(), &["--write-baseline", baseline]).code, 0);
    let second = corpus(CORPUS);
    edit(second.path(), COMET, |text| {
        text.replace("id: 1005", "id: 4242")
    });
    let run = check(
        second.path(),
        &["--baseline", baseline, "--format", "concise"],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "only the new defect: {}",
        run.stdout
    );
    assert!(
        run.stderr.contains("6 hidden by the baseline"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_baseline_is_a_usage_error() {
    let dir = corpus(CORPUS);
    std::fs::write(dir.path().join("baseline.json"), "{\"entries\": 3}").unwrap();
    let run = check(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("baseline.json is not an fmlint baseline"),
        "{}",
        run.stderr
    );
    let run = check(dir.path(), &["--baseline", "missing.json"]);
    assert_eq!(run.code, 2);
}

/// Two findings with the same key in one file are two entries: a baseline
/// holding two hides two, and a third is new.
#[test]
fn identical_keys_count() {
    let dir = tempfile::tempdir().unwrap();
    let result = |n: usize| {
        let mut diagnostic = Diagnostic::new(Span::default(), "x").with_field("tags");
        diagnostic.rule = "schema";
        CheckResult {
            files: vec![FileReport {
                path: Arc::from(dir.path().join("a.md").as_path()),
                diagnostics: vec![diagnostic; n],
                source: None,
                value_hashes: vec![value_hash(b"[a, a]"); n],
                content_hash: None,
            }],
            ..CheckResult::default()
        }
    };
    let path = dir.path().join("baseline.json");
    let settings = fmlint_engine::config::quicktakes().unwrap();
    assert_eq!(
        fmlint_engine::baseline::write(&path, &result(2), &settings).unwrap(),
        2
    );
    let baseline = Baseline::load(&path).unwrap();
    let mut three = result(3);
    let outcome = baseline.apply(&mut three, &settings).unwrap();
    assert_eq!((outcome.hidden, outcome.fixed), (2, 0));
    assert_eq!(three.files[0].diagnostics.len(), 1);
    assert_eq!(three.files[0].value_hashes.len(), 1);
    let mut one = result(1);
    let outcome = baseline.apply(&mut one, &settings).unwrap();
    assert_eq!((outcome.hidden, outcome.fixed), (1, 1));
}

/// The pulsar's one reference renamed to `related_article3`: a gap that
/// `reference-numbering` reports and its safe fix closes.
fn misnumbered() -> tempfile::TempDir {
    let dir = corpus(CORPUS);
    edit(dir.path(), PULSAR, |text| {
        text.replace("related_article1:", "related_article3:")
    });
    let run = check(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let baseline = read(dir.path(), "baseline.json");
    assert!(
        baseline.contains(r#""rule":"reference-numbering""#)
            && baseline.contains(r#""field":"related_article@9999.id""#),
        "{baseline}"
    );
    dir
}

#[test]
fn a_renumbering_fix_keeps_the_baselined_findings_of_the_entries_hidden() {
    let dir = misnumbered();
    let run = check(
        dir.path(),
        &[
            "--fix",
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "", "nothing new");
    assert!(
        read(dir.path(), PULSAR).contains("related_article1:"),
        "the fix was applied"
    );
    assert_eq!(
        run.stderr,
        "applied 1 fix in 1 file; 0 remaining (0 errors, 0 warnings); \
         6 hidden by the baseline; 1 baseline entry fixed; rewrite with --write-baseline\n"
    );
    // What the pre-commit hook runs next on the fixed files.
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn fix_with_a_baseline_reports_only_new_findings_and_exits_on_them() {
    let dir = misnumbered();
    edit(dir.path(), COMET, |text| {
        text.replace("id: 1005", "id: 4242")
    });
    let run = check(
        dir.path(),
        &[
            "--fix",
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        unix_paths(run.stdout),
        "content/learn/astronomy/what-is-a-comet.md:27:9: error[dangling-reference] \
         `related_article1` refers to id 4242, which no article has; \
         did you mean 1005? it is the article with this url\n"
    );
    assert!(
        run.stderr
            .starts_with("applied 1 fix in 1 file; 1 remaining (1 error, 0 warnings)")
            || run
                .stderr
                .starts_with("applied 1 fix in 1 file; 1 remaining (1 errors, 0 warnings)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_moved_file_keeps_its_entries() {
    let dir = baselined();
    let new = "content/archive/astronomy/what-is-a-pulsar.md";
    std::fs::create_dir_all(dir.path().join("content/archive/astronomy")).unwrap();
    std::fs::rename(dir.path().join(PULSAR), dir.path().join(new)).unwrap();
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(
        summary(&run.stderr),
        "0 errors, 0 warnings in 0 files; 5 files checked; 6 hidden by the baseline"
    );
}

#[test]
fn a_moved_file_with_another_id_does_not_take_the_entries() {
    let dir = baselined();
    let new = "content/archive/astronomy/what-is-a-pulsar.md";
    std::fs::create_dir_all(dir.path().join("content/archive/astronomy")).unwrap();
    std::fs::rename(dir.path().join(PULSAR), dir.path().join(new)).unwrap();
    edit(dir.path(), new, |text| {
        text.replace(
            "file_name: what-is-a-pulsar.md",
            "file_name: what-is-a-pulsar-star.md",
        )
        .replace("id: 1003", "id: 1103")
    });
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("archive/astronomy/what-is-a-pulsar.md")
            && run.stdout.contains("title-mismatch"),
        "{}",
        run.stdout
    );
}

/// A baseline written by the first format (fields as written, no file
/// ids) still hides what it recorded.
#[test]
fn a_version_1_baseline_is_still_read() {
    let dir = corpus(CORPUS);
    std::fs::write(dir.path().join("baseline.json"), VERSION_1).unwrap();
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        summary(&run.stderr),
        "0 errors, 0 warnings in 0 files; 5 files checked; 6 hidden by the baseline"
    );
    std::fs::write(
        dir.path().join("baseline.json"),
        VERSION_1.replace("\"fmlint_baseline\": 1", "\"fmlint_baseline\": 9"),
    )
    .unwrap();
    let run = concise_with_baseline(dir.path());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("rewrite it with --write-baseline"),
        "{}",
        run.stderr
    );
}

/// What fmlint 0.x's `--write-baseline` wrote for this corpus.
const VERSION_1: &str = r#"{
  "fmlint_baseline": 1,
  "entries": [
    {"path":"content/learn/astronomy/what-is-a-comet.md","rule":"duplicate-id","field":"id","value":"0d826af0f88e4bd7"},
    {"path":"content/learn/astronomy/what-is-a-nebula.md","rule":"duplicate-id","field":"id","value":"0d826af0f88e4bd7"},
    {"path":"content/learn/astronomy/what-is-a-pulsar.md","rule":"dangling-reference","field":"related_article1.id","value":"85574035101c35a9"},
    {"path":"content/learn/astronomy/what-is-a-pulsar.md","rule":"title-mismatch","field":"question","value":"3f904c21b03e9c0a"},
    {"path":"content/learn/astronomy/what-is-a-pulsar.md","rule":"unused-suppression","field":null,"value":"9bf0a1b0624a7b3d"},
    {"path":"content/learn/chocolate/100-cocoa-why-is-it-bitter-really.md","rule":"title-mismatch","field":"question","value":"5bce296cf5d7f1d7"}
  ]
}
"#;
