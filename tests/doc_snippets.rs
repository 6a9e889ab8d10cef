//! The commands the user docs show must keep working: every fenced block in
//! README.md and `docs/*.md` whose info string is `sh runnable` is run with
//! the built binary first on `PATH`, so a renamed flag or subcommand fails
//! here instead of in a reader's terminal.
//!
//! The blocks of one page run in order in one scratch git repository that
//! holds a copy of `fixtures/quicktakes/content` (the demo corpus, so
//! `content/…` paths exist), as a reader following the page would run them. A command
//! may exit 0 or 1 (findings are a normal outcome of a linter); anything
//! else (2 for a usage error, 127 for a missing command) fails the test.

mod cli_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cli_support::copy_tree as copy_corpus;
use tempfile::TempDir;

/// One runnable block: where it starts and its commands.
struct Snippet {
    line: usize,
    commands: Vec<String>,
}

#[test]
fn every_runnable_snippet_in_the_user_docs_runs() {
    let mut ran = 0;
    for page in user_docs() {
        let text = fs::read_to_string(&page).expect("read doc page");
        let snippets = runnable_snippets(&text);
        if snippets.is_empty() {
            continue;
        }
        let sandbox = sandbox();
        for snippet in &snippets {
            for command in &snippet.commands {
                run_in(&sandbox, &page, snippet.line, command);
                ran += 1;
            }
        }
    }
    // The README's usage block alone has ten commands: finding fewer means
    // the markers were lost, not that the docs are fine.
    assert!(ran >= 15, "only {ran} runnable commands found in the docs");
}

#[test]
fn blocks_are_split_into_commands_across_continuations_and_comments() {
    let text = "intro\n```sh runnable\n# a comment\nfmlint check . \\\n  --quiet   # why\n\nfmlint rules\n```\n```sh\nnot runnable\n```\n";
    let snippets = runnable_snippets(text);
    assert_eq!(snippets.len(), 1);
    assert_eq!(snippets[0].line, 2);
    assert_eq!(
        snippets[0].commands,
        ["fmlint check . \\\n  --quiet   # why", "fmlint rules"]
    );
}

/// README.md and every page of `docs/`, in a stable order.
fn user_docs() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir("docs")
        .expect("docs/")
        .map(|e| e.expect("docs entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages.insert(0, PathBuf::from("README.md"));
    pages
}

/// The blocks fenced with an info string of `sh runnable`.
fn runnable_snippets(text: &str) -> Vec<Snippet> {
    let mut snippets = Vec::new();
    let mut open: Option<Snippet> = None;
    let mut in_other_block = false;
    for (index, line) in text.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (fence, open.take()) {
            (Some(_), Some(done)) => snippets.push(done),
            (Some(info), None) if in_other_block => {
                debug_assert!(info.trim().is_empty());
                in_other_block = false;
            }
            (Some(info), None) => {
                let words: Vec<&str> = info.split_whitespace().collect();
                if words.first() == Some(&"sh") && words.contains(&"runnable") {
                    open = Some(Snippet {
                        line: index + 1,
                        commands: Vec::new(),
                    });
                } else {
                    in_other_block = true;
                }
            }
            (None, Some(mut snippet)) => {
                push_line(&mut snippet.commands, line);
                open = Some(snippet);
            }
            (None, None) => {}
        }
    }
    snippets
}

/// Adds one line of a block: a new command, or the rest of one that ended
/// with `\`. Blank lines and whole-line comments are not commands.
fn push_line(commands: &mut Vec<String>, line: &str) {
    if let Some(last) = commands.last_mut() {
        if last.ends_with('\\') {
            last.push('\n');
            last.push_str(line);
            return;
        }
    }
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return;
    }
    commands.push(line.to_string());
}

/// A scratch git repository holding the demo corpus's `content/` and no
/// `fmlint.toml`: a corpus as a new user has it (the built-in preset
/// applies, and `fmlint init` has something to write).
fn sandbox() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_corpus(
        Path::new("fixtures/quicktakes/content"),
        &dir.path().join("content"),
    );
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=docs",
            "-c",
            "user.email=docs@example.com",
            "commit",
            "-qm",
            "demo corpus",
        ],
    ] {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?} failed");
    }
    dir
}

/// Runs one command with bash in the sandbox; fails unless it exits 0 or 1.
fn run_in(sandbox: &TempDir, page: &Path, line: usize, command: &str) {
    let output = Command::new("bash")
        .args(["-o", "pipefail", "-c", command])
        .current_dir(sandbox.path())
        .env("PATH", path_with_fmlint())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{}:{line}: `{command}` exited {code}\nstdout:\n{}\nstderr:\n{}",
        page.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// `PATH` with the directory of the binary under test first.
fn path_with_fmlint() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_fmlint"));
    let mut dirs = vec![bin.parent().expect("binary dir").to_path_buf()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH")
}
