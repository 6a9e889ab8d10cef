//! The corpora of other shapes (`fixtures/github-docs`, `fixtures/mdn`,
//! `fixtures/starlight`): each is checked with its own `fmlint.toml`,
//! which uses the config vocabulary for them (references by path, list
//! uniqueness, conditions, filters and matching, key order, shared
//! collections), and its findings are an insta snapshot: every planted
//! defect, at its line and column, and nothing else.
//!
//! Every run is on a copy in a temporary directory, so no cache is written
//! into the repository.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() == ".fmlint_cache" {
                continue;
            }
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap();
    }
}

/// `fmlint ARGS` in a copy of `fixtures/NAME`: (exit code, stdout, stderr).
fn run(name: &str, args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(name);
    copy(&Path::new("fixtures").join(name), &root);
    let output = Command::cargo_bin("fmlint")
        .unwrap()
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn findings(name: &str) -> String {
    let (code, stdout, stderr) = run(name, &["check", "--format", "concise", "--no-cache"]);
    assert_eq!(code, 1, "{stderr}");
    stdout
}

#[test]
fn github_docs_children_titles_and_redirects() {
    insta::assert_snapshot!(findings("github-docs"));
}

/// A page deleted since the last run: `--report-affected` on it reports
/// the map whose `children` still name it (the cache keeps page paths).
#[test]
fn a_deleted_child_reports_the_map_that_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("github-docs");
    copy(Path::new("fixtures/github-docs"), &root);
    let fmlint = |args: &[&str]| {
        let output = Command::cargo_bin("fmlint")
            .unwrap()
            .current_dir(&root)
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    fmlint(&["check"]);
    let deleted = "content/get-started/quickstart/set-up-git.md";
    fs::remove_file(root.join(deleted)).unwrap();
    assert_eq!(
        fmlint(&["check", "--format", "concise", "--report-affected", deleted]),
        "content/get-started/quickstart/index.md:5:5: error[dangling-reference] `children[1]` names `/set-up-git.md`, but nothing is at `content/get-started/quickstart/set-up-git` (.md, .mdx, /index.md or /_index.md)\n"
    );
}

#[test]
fn mdn_slugs_folders_page_types_and_key_order() {
    insta::assert_snapshot!(findings("mdn"));
}
