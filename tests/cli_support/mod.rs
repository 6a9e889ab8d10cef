//! Helpers for the tests that run the real binary: fixture trees copied
//! into temporary directories (so no cache or fix is ever written into the
//! repository), and `fmlint` run inside them so every path it prints is
//! relative.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use tempfile::TempDir;

/// A copy of `tests/fixtures/<name>` in a fresh temporary directory.
pub fn corpus(name: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&Path::new("tests/fixtures").join(name), dir.path());
    dir
}

/// A copy of the example corpus `fixtures/<name>` at `<temp dir>/<name>`:
/// the directory (dropped at the end of the test) and the copy's root.
pub fn fixture(name: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join(name);
    copy_tree(&Path::new("fixtures").join(name), &root);
    (dir, root)
}

/// Copies the tree (or the file) at `from` to `to`, in name order, without
/// any result cache a local run left in it.
pub fn copy_tree(from: &Path, to: &Path) {
    if !from.is_dir() {
        fs::copy(from, to).expect("copy fixture");
        return;
    }
    fs::create_dir_all(to).expect("create dir");
    let mut entries: Vec<_> = fs::read_dir(from)
        .expect("fixture dir")
        .map(|e| e.expect("fixture entry"))
        .filter(|e| e.file_name() != ".fmlint_cache")
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy fixture");
        }
    }
}

/// Writes `text` to `path`, creating its folders.
pub fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create dir");
    }
    fs::write(path, text).expect("write file");
}

/// What one run printed and how it exited.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
            code: output.status.code().unwrap_or(-1),
        }
    }
}

/// Runs `fmlint check --corpus-root . ARGS` in `dir`.
pub fn check(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--corpus-root", "."];
    all.extend(args);
    fmlint(dir, &all)
}

/// Runs `fmlint ARGS` in `dir`, without colours.
pub fn fmlint(dir: &Path, args: &[&str]) -> Run {
    Command::cargo_bin("fmlint")
        .expect("binary built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("fmlint runs")
        .into()
}

/// Runs `fmlint ARGS` in `dir` with `stdin` on standard input.
pub fn fmlint_stdin(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::cargo_bin("fmlint")
        .expect("binary built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fmlint runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("fmlint exits").into()
}

/// Reads a file of the tree.
pub fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).expect("read fixture file")
}

/// Rewrites a file of the tree with `edit`.
pub fn edit(dir: &Path, path: &str, edit: impl FnOnce(String) -> String) {
    let text = read(dir, path);
    fs::write(dir.join(path), edit(text)).expect("write fixture file");
}

/// The summary line without its timing (`… checked in 0.01 s`): the last
/// line that counts files checked (a line about fixes may follow it).
pub fn summary(stderr: &str) -> String {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.contains(" checked in "))
        .or(stderr.lines().last())
        .unwrap_or("");
    let Some(at) = line.find(" checked in ") else {
        return line.to_string();
    };
    let rest = &line[at + " checked in ".len()..];
    let after_time = rest.find(" s").map_or("", |i| &rest[i + 2..]);
    format!("{} checked{after_time}", &line[..at])
}

/// Output with the fixture tree's Windows paths written with `/`, so one
/// snapshot serves every platform. Human formats and rule messages print
/// paths the platform's way; JSON escapes the backslash.
pub fn unix_paths(text: String) -> String {
    if !cfg!(windows) {
        return text;
    }
    let mut text = text;
    for dir in ["content", "learn", "astronomy", "chocolate"] {
        text = text
            .replace(&format!("{dir}\\\\"), &format!("{dir}/"))
            .replace(&format!("{dir}\\"), &format!("{dir}/"));
    }
    text
}
