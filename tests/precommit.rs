//! The real pre-commit (from PyPI) running this repository's
//! `.pre-commit-hooks.yaml` on a temporary git repository: a staged change
//! that references an article which is not staged fails the hook; staging
//! the article passes it; a staged id change that breaks an unstaged
//! referrer fails it (`--report-affected`), and fixing the referrer passes.
//!
//! pre-commit clones the hook's repository at a commit and `cargo install`s
//! it, so this test runs the code of **`HEAD`**, not uncommitted changes.
//! Set `FMLINT_PRE_COMMIT_SOURCE=worktree` to run the working tree instead
//! (it is committed to a scratch repository under `target/`).
//!
//! The build inside pre-commit takes minutes on two cores; it is kept in
//! `target/pre-commit-home` (pre-commit's environments) and
//! `target/pre-commit-cargo` (cargo's target directory, shared by every
//! commit built, so a new commit rebuilds only fmlint itself).
//!
//! Skipped, loudly, when `pre-commit` is not on PATH, unless `CI` is set:
//! CI must run it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod cli_support;
mod qt;
use qt::{article, related};

const SUBJECT: &str = "Star Gazing";
const COMET: &str = "What is a comet?";
const METEOR: &str = "What is a meteor?";
const NEBULA: &str = "What is a nebula?";

fn path_of(title: &str) -> String {
    format!(
        "content/learn/{}/{}.md",
        fmlint_linter::slug::quicktakes(SUBJECT),
        fmlint_linter::slug::quicktakes(title)
    )
}

fn write(repo: &Path, relative: &str, text: &str) {
    let path = repo.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn git(repo: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(repo)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// The repository and commit pre-commit installs the hook from.
fn hook_source() -> Option<(PathBuf, String)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    if std::env::var("FMLINT_PRE_COMMIT_SOURCE").as_deref() == Ok("worktree") {
        return Some(snapshot_worktree(manifest));
    }
    let head = git(manifest, &["rev-parse", "HEAD"]);
    let has_hooks = Command::new("git")
        .current_dir(manifest)
        .args(["cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_hooks {
        eprintln!(
            "\n\n*** tests/precommit.rs: HEAD ({head}) has no .pre-commit-hooks.yaml: \
             commit it, or set FMLINT_PRE_COMMIT_SOURCE=worktree ***\n"
        );
        return None;
    }
    let dirty = !git(
        manifest,
        &["status", "--porcelain", "--", "src", "Cargo.toml"],
    )
    .is_empty();
    if dirty {
        eprintln!(
            "tests/precommit.rs: note: the hook is built from HEAD ({head}); uncommitted \
             changes under src/ are not in it"
        );
    }
    Some((manifest.to_path_buf(), head))
}

/// Commits the working tree (tracked and untracked, not ignored) to a
/// scratch repository with fixed dates: the same tree gives the same commit,
/// so pre-commit reuses its build.
fn snapshot_worktree(manifest: &Path) -> (PathBuf, String) {
    let snapshot = target_dir().join("pre-commit-source");
    let _ = fs::remove_dir_all(&snapshot);
    fs::create_dir_all(&snapshot).unwrap();
    let files = git(
        manifest,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    for file in files.split('\0').filter(|f| !f.is_empty()) {
        let from = manifest.join(file);
        if from.is_file() && !file.starts_with("fuzz/") {
            let to = snapshot.join(file);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(&from, &to).unwrap();
        }
    }
    init_repo(&snapshot);
    git(&snapshot, &["add", "-A"]);
    let commit = Command::new("git")
        .current_dir(&snapshot)
        .args(["commit", "-q", "-m", "snapshot"])
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .status()
        .unwrap();
    assert!(commit.success());
    let head = git(&snapshot, &["rev-parse", "HEAD"]);
    (snapshot, head)
}

fn init_repo(repo: &Path) {
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["config", "user.email", "test@example.com"]);
    git(repo, &["config", "user.name", "fmlint test"]);
    git(repo, &["config", "commit.gpgsign", "false"]);
}

fn pre_commit_run(repo: &Path) -> Output {
    let target = target_dir();
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    Command::new("pre-commit")
        .current_dir(repo)
        .args(["run", "--color", "never"])
        .env("PRE_COMMIT_HOME", target.join("pre-commit-home"))
        // Shared by every commit built: a new commit rebuilds only fmlint.
        .env("CARGO_TARGET_DIR", target.join("pre-commit-cargo"))
        .env("CARGO_BUILD_JOBS", jobs.to_string())
        // What is under test is the hook, not the speed of the build
        // pre-commit makes of it: unoptimised, it compiles in about half
        // the time (CI's budget).
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("pre-commit runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_hook_fails_on_a_reference_to_an_unstaged_article_and_passes_once_fixed() {
    let found = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "pre-commit is not installed: CI must run this test (pip install pre-commit)"
        );
        eprintln!(
            "\n\n*** SKIPPED tests/precommit.rs: `pre-commit` is not on PATH \
             (pip install pre-commit) ***\n"
        );
        return;
    }
    let Some((source, rev)) = hook_source() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run this test on a commit that has .pre-commit-hooks.yaml"
        );
        return;
    };

    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    init_repo(repo);
    write(
        repo,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n-   repo: {}\n    rev: {rev}\n    hooks:\n    -   id: fmlint\n",
            source.display()
        ),
    );
    write(
        repo,
        &path_of(COMET),
        &article(1, SUBJECT, COMET, &related(1, 2, SUBJECT, METEOR)),
    );
    write(
        repo,
        &path_of(METEOR),
        &article(2, SUBJECT, METEOR, &related(1, 1, SUBJECT, COMET)),
    );
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "corpus"]);

    // A new article, not staged, and a staged reference to it.
    write(repo, &path_of(NEBULA), &article(3, SUBJECT, NEBULA, ""));
    write(
        repo,
        &path_of(COMET),
        &article(
            1,
            SUBJECT,
            COMET,
            &(related(1, 2, SUBJECT, METEOR) + &related(2, 3, SUBJECT, NEBULA)),
        ),
    );
    git(repo, &["add", &path_of(COMET)]);
    let run = pre_commit_run(repo);
    let out = text(&run);
    assert!(!run.status.success(), "the hook should fail:\n{out}");
    assert!(
        out.contains(&path_of(COMET))
            && out.contains("error[dangling-reference] `related_article2` refers to id 3,"),
        "expected the dangling reference:\n{out}"
    );

    // Staging the article fixes it.
    git(repo, &["add", &path_of(NEBULA)]);
    let run = pre_commit_run(repo);
    let out = text(&run);
    assert!(run.status.success(), "the hook should pass:\n{out}");
    git(repo, &["commit", "-q", "-m", "nebula"]);

    // The meteor changes its id; the comet (not staged) still names the
    // old one: the staged change breaks it.
    write(
        repo,
        &path_of(METEOR),
        &article(20, SUBJECT, METEOR, &related(1, 1, SUBJECT, COMET)),
    );
    git(repo, &["add", &path_of(METEOR)]);
    let run = pre_commit_run(repo);
    let out = text(&run);
    assert!(!run.status.success(), "the hook should fail:\n{out}");
    assert!(
        out.contains(&path_of(COMET))
            && out.contains("error[dangling-reference] `related_article1` refers to id 2,"),
        "expected the affected referrer:\n{out}"
    );
    write(
        repo,
        &path_of(COMET),
        &article(
            1,
            SUBJECT,
            COMET,
            &(related(1, 20, SUBJECT, METEOR) + &related(2, 3, SUBJECT, NEBULA)),
        ),
    );
    git(repo, &["add", &path_of(COMET)]);
    let run = pre_commit_run(repo);
    let out = text(&run);
    assert!(run.status.success(), "the hook should pass:\n{out}");
}
