//! Helpers for the CLI tests of the CI features (formats, baselines,
//! suppressions): fixture trees copied into temporary directories, and the
//! real binary run inside them so every path it prints is relative.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

/// A copy of `tests/fixtures/<name>` in a fresh temporary directory.
pub fn corpus(name: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&Path::new("tests/fixtures").join(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    let mut entries: Vec<_> = fs::read_dir(from)
        .expect("fixture dir")
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy fixture");
        }
    }
}

/// What one run printed and how it exited.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `fmlint check --corpus-root . ARGS` in `dir`.
pub fn check(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--corpus-root", "."];
    all.extend(args);
    fmlint(dir, &all)
}

/// Runs `fmlint ARGS` in `dir`.
pub fn fmlint(dir: &Path, args: &[&str]) -> Run {
    let output = Command::cargo_bin("fmlint")
        .expect("binary built")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("fmlint runs");
    Run {
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        code: output.status.code().expect("exit code"),
    }
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
