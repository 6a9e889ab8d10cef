//! `--git-tracked` in a temporary git repository: the corpus is what git
//! tracks, and a reference to an article that is on disk but not tracked
//! says so, names the file and says what to do.

mod cli_support;

use std::path::Path;
use std::process::Command;

use cli_support::{check, corpus, unix_paths};

const COMET: &str = "content/learn/astronomy/what-is-a-comet.md";
const QUASAR: &str = "content/learn/astronomy/what-is-a-quasar.md";

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(repo)
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// The `formats` corpus in a git repository where every file but the
/// quasar (id 1005, which the comet refers to) is added.
fn repo_without_the_quasar() -> tempfile::TempDir {
    let dir = corpus("formats");
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    git(repo, &["add", "-A"]);
    git(repo, &["rm", "-q", "--cached", QUASAR]);
    dir
}

#[test]
fn a_reference_to_an_untracked_article_names_it_and_says_what_to_do() {
    let dir = repo_without_the_quasar();
    let run = check(
        dir.path(),
        &[
            "--git-tracked",
            "--format",
            "concise",
            "--select",
            "dangling-reference",
            COMET,
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        unix_paths(run.stdout),
        "content/learn/astronomy/what-is-a-comet.md:27:9: error[dangling-reference] \
         `related_article1` refers to id 1005, which only \
         `content/learn/astronomy/what-is-a-quasar.md` has, and git does not track that file\n"
    );
    let run = check(
        dir.path(),
        &[
            "--git-tracked",
            "--format",
            "json",
            "--select",
            "dangling-reference",
            COMET,
        ],
    );
    assert!(
        run.stdout.contains(
            "add it to the commit (`git add content/learn/astronomy/what-is-a-quasar.md`), \
             or run without `--git-tracked` to check the files on disk"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("\"fix\":{"), "no fix: {}", run.stdout);
}

#[test]
fn once_added_or_without_the_flag_the_reference_resolves() {
    let dir = repo_without_the_quasar();
    let args = [
        "--format",
        "concise",
        "--select",
        "dangling-reference",
        COMET,
    ];
    let run = check(dir.path(), &args);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    git(dir.path(), &["add", QUASAR]);
    let mut tracked = vec!["--git-tracked"];
    tracked.extend(args);
    let run = check(dir.path(), &tracked);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
}

#[test]
fn an_id_no_file_has_is_still_a_missing_article() {
    let dir = repo_without_the_quasar();
    cli_support::edit(dir.path(), COMET, |text| {
        text.replace("id: 1005", "id: 4242")
    });
    let run = check(
        dir.path(),
        &[
            "--git-tracked",
            "--format",
            "concise",
            "--select",
            "dangling-reference",
            COMET,
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("which no article has"),
        "{}",
        run.stdout
    );
}
