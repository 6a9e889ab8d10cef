//! `--fix`, `--unsafe-fixes` and `--diff` through the real binary, on copies
//! of the per-rule fixtures: the diff of every fixable case is a snapshot
//! (it shows that only the edited spans changed), the fixed file no longer
//! has the fixed findings, and a second `--fix` changes nothing.

mod cli_support;

use std::fs;
use std::path::{Path, PathBuf};

use cli_support::copy_tree as copy;

/// `fmlint ARGS` in `dir`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let run = cli_support::fmlint(dir, args);
    (run.code, run.stdout, run.stderr)
}

const SAFE: &[&str] = &[
    "stale-reference",
    "duplicate-reference",
    "reference-numbering",
    "seo-title-mismatch",
    "file-name-mismatch",
];
const UNSAFE: &[&str] = &["url-mismatch", "dangling-reference", "title-mismatch"];

/// Every file under `dir` with its bytes, sorted.
fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

fn findings(dir: &Path, rule: &str) -> usize {
    let (_, out, _) = run(
        dir,
        &["check", "--select", rule, "--format", "concise", "--quiet"],
    );
    out.lines().count()
}

#[test]
fn fixable_rules_fix_their_fixtures_once_and_for_all() {
    let mut failures = Vec::new();
    let mut fixed_cases = 0;
    for (rules, unsafe_fixes) in [(SAFE, false), (UNSAFE, true)] {
        for rule in rules {
            let fixtures = Path::new("tests/fixtures").join(rule);
            let mut cases: Vec<PathBuf> = fs::read_dir(&fixtures)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with("invalid-")
                })
                .collect();
            cases.sort();
            for case in cases {
                let name = case
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .trim_end_matches(".md")
                    .to_string();
                let dir = tempfile::tempdir().unwrap();
                fs::write(dir.path().join("fmlint.toml"), "").unwrap();
                copy(&case, &dir.path().join(case.file_name().unwrap()));
                let mut args = vec!["check", "--select", rule];
                if unsafe_fixes {
                    args.push("--unsafe-fixes");
                }
                let before = findings(dir.path(), rule);
                let pristine = snapshot_tree(dir.path());

                let diff_args: Vec<&str> = args.iter().copied().chain(["--diff"]).collect();
                let (code, diff, _) = run(dir.path(), &diff_args);
                assert_eq!(
                    snapshot_tree(dir.path()),
                    pristine,
                    "{rule}/{name}: --diff wrote files"
                );
                if diff.is_empty() {
                    assert_eq!(code, 0, "{rule}/{name}: --diff with nothing to fix exits 0");
                    continue;
                }
                assert_eq!(code, 1, "{rule}/{name}: --diff with fixes exits 1");
                insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
                    insta::assert_snapshot!(format!("fix__{rule}__{name}"), diff);
                });

                let fix_args: Vec<&str> = args.iter().copied().chain(["--fix"]).collect();
                run(dir.path(), &fix_args);
                let after = findings(dir.path(), rule);
                if after >= before {
                    failures.push(format!(
                        "{rule}/{name}: {before} findings before --fix, {after} after"
                    ));
                }
                let fixed = snapshot_tree(dir.path());
                run(dir.path(), &fix_args);
                if snapshot_tree(dir.path()) != fixed {
                    failures.push(format!("{rule}/{name}: a second --fix changed files"));
                }
                fixed_cases += 1;
            }
        }
    }
    assert!(fixed_cases >= 10, "only {fixed_cases} fixable cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A CRLF file with a BOM keeps both through a fix that removes and
/// renumbers entries.
#[test]
fn crlf_and_bom_survive_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("fmlint.toml"), "").unwrap();
    let entry = |n: u32, id: u32| {
        format!("related_article{n}:\n    id: {id}\n    title: >-\n        T{id}\n")
    };
    let text = format!(
        "\u{feff}---\nid: 1\n{}{}{}---\nbody\n",
        entry(1, 7),
        entry(2, 7),
        entry(3, 8)
    )
    .replace('\n', "\r\n");
    let path = dir.path().join("a.md");
    fs::write(&path, &text).unwrap();
    run(
        dir.path(),
        &["check", "--select", "duplicate-reference", "--fix", "a.md"],
    );
    let fixed = fs::read_to_string(&path).unwrap();
    let expected = format!(
        "\u{feff}---\nid: 1\n{}{}---\nbody\n",
        entry(1, 7),
        entry(2, 8)
    )
    .replace('\n', "\r\n");
    assert_eq!(fixed, expected);
}

/// `--fix` on the demo corpus: every safe fix applies, the rest remains, and
/// the summary says so.
#[test]
fn fix_summary_counts_applied_and_remaining() {
    let dir = tempfile::tempdir().unwrap();
    copy(Path::new("fixtures/quicktakes"), dir.path());
    let (code, _, stderr) = run(
        dir.path(),
        &["check", "--fix", "--show-fixes", "--format", "concise"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("[duplicate-reference] remove `related_article3`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[stale-reference] set `related_article2.subject`"),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("applied ") && l.contains(" remaining ")),
        "{stderr}"
    );
    let (_, out, _) = run(dir.path(), &["check", "--format", "concise"]);
    assert!(
        !out.contains("duplicate-reference") && !out.contains("stale-reference"),
        "{out}"
    );
}

/// A check ends by saying what the fixes could do, as ruff does; the
/// fix-only flags alone say what they need; the fix summary's counts read
/// as English ("1 error", not "1 errors").
#[test]
fn output_says_what_is_fixable_and_what_fix_flags_need() {
    let dir = tempfile::tempdir().unwrap();
    copy(Path::new("fixtures/quicktakes"), dir.path());
    let (code, _, stderr) = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l == "6 fixable with `--fix` (4 more with `--unsafe-fixes`)"),
        "{stderr}"
    );
    for flag in ["--unsafe-fixes", "--show-fixes"] {
        let (_, _, stderr) = run(dir.path(), &["check", flag, "--format", "concise"]);
        assert!(
            stderr.contains(&format!(
                "warning: `{flag}` applies with `--fix` or `--diff`"
            )),
            "{stderr}"
        );
    }
    let (_, _, stderr) = run(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "--format", "concise"],
    );
    let summary = stderr.lines().find(|l| l.starts_with("applied ")).unwrap();
    assert!(
        summary.contains(" remaining (") && !summary.contains(" 1 errors"),
        "{summary}"
    );
    assert!(!stderr.contains("applies with `--fix`"), "{stderr}");
}
