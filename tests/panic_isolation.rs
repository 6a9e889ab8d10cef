//! Panic isolation through the real binary: a rule made to panic (debug
//! builds honour `FMLINT_DEBUG_PANIC=RULE[:PATH]`, see `crates/fmlint_linter/src/isolate.rs`)
//! costs that rule's findings on that file only. The file gets an
//! `internal-error` finding naming the rule, every other file and rule is
//! still checked, and the exit code is 2.
#![cfg(debug_assertions)]

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

mod cli_support;
mod qt;
use qt::{path_of, title, Run, SUBJECT};

/// `fmlint ARGS` in `dir`, with `FMLINT_DEBUG_PANIC=panic` when given.
fn run(dir: &Path, panic: Option<&str>, args: &[&str]) -> Run {
    let mut command = Command::cargo_bin("fmlint").expect("binary built");
    command.current_dir(dir).args(args);
    match panic {
        Some(target) => command.env("FMLINT_DEBUG_PANIC", target),
        None => command.env_remove("FMLINT_DEBUG_PANIC"),
    };
    command.output().expect("fmlint runs").into()
}

/// A ring of three articles where the second has an impossible date and
/// the third a reference to an id nobody has.
fn corpus() -> tempfile::TempDir {
    let dir = qt::ring(3);
    let second = dir.path().join(path_of(SUBJECT, &title(1)));
    let text = std::fs::read_to_string(&second).unwrap();
    std::fs::write(
        &second,
        text.replace("date: 2024-05-01", "date: 2024-02-30"),
    )
    .unwrap();
    let third = dir.path().join(path_of(SUBJECT, &title(2)));
    let text = std::fs::read_to_string(&third).unwrap();
    std::fs::write(&third, text.replace("    id: 1\n", "    id: 999\n")).unwrap();
    dir
}

fn lines_with<'a>(output: &'a str, needle: &str) -> Vec<&'a str> {
    output.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn a_rule_panicking_on_one_file_costs_only_that_file_and_exits_2() {
    let dir = corpus();
    let first = path_of(SUBJECT, &title(0));
    let target = format!("invalid-date:{}", first.rsplit('/').next().unwrap());
    let out = run(
        dir.path(),
        Some(&target),
        &["check", ".", "--format", "concise", "--no-cache"],
    );
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);

    let internal = lines_with(&out.stdout, "internal-error");
    assert_eq!(internal.len(), 1, "{}", out.stdout);
    assert!(internal[0].starts_with(&format!("{first}:1:1: error[internal-error]")));
    assert!(internal[0].contains("rule `invalid-date` panicked"));
    assert!(internal[0].contains("please report it"));
    // The same rule still ran on the other files, the other rules on all.
    let dates = lines_with(&out.stdout, "invalid-date]");
    assert_eq!(dates.len(), 1, "{}", out.stdout);
    assert!(dates[0].starts_with(&path_of(SUBJECT, &title(1))));
    assert_eq!(lines_with(&out.stdout, "dangling-reference").len(), 1);
    // Said on standard error too, where the exit code is explained.
    assert!(out.stderr.contains(&format!(
        "{first}: internal error: rule `invalid-date` panicked"
    )));
    // The hook keeps the usual panic banner out of the output.
    assert!(!out.stderr.contains("thread '"), "{}", out.stderr);
}

#[test]
fn the_internal_error_is_a_finding_in_machine_formats() {
    let dir = corpus();
    let out = run(
        dir.path(),
        Some("schema"),
        &["check", ".", "--format", "json", "--no-cache"],
    );
    assert_eq!(out.code, 2);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    let rules: Vec<&str> = json
        .as_array()
        .expect("an array of findings")
        .iter()
        .map(|d| d["rule"].as_str().expect("a rule name"))
        .collect();
    assert_eq!(
        rules.iter().filter(|r| **r == "internal-error").count(),
        3,
        "{rules:?}"
    );
    assert!(rules.contains(&"invalid-date") && rules.contains(&"dangling-reference"));
}

#[test]
fn a_cross_file_rule_panicking_loses_its_findings_only() {
    let dir = corpus();
    let out = run(
        dir.path(),
        Some("dangling-reference"),
        &["check", ".", "--format", "concise", "--no-cache"],
    );
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out
        .stderr
        .contains("internal error: cross-file rule `dangling-reference` panicked"));
    assert!(lines_with(&out.stdout, "dangling-reference").is_empty());
    assert_eq!(lines_with(&out.stdout, "invalid-date]").len(), 1);
}

#[test]
fn a_file_fmlint_failed_on_is_not_cached() {
    let dir = corpus();
    let failed = run(
        dir.path(),
        Some("invalid-date"),
        &["check", ".", "--format", "concise"],
    );
    assert_eq!(failed.code, 2);
    let again = run(dir.path(), None, &["check", ".", "--format", "concise"]);
    assert_eq!(again.code, 1, "{}\n{}", again.stdout, again.stderr);
    assert!(lines_with(&again.stdout, "internal-error").is_empty());
    assert_eq!(lines_with(&again.stdout, "invalid-date]").len(), 1);
}

#[test]
fn internal_error_cannot_be_turned_off() {
    let dir = corpus();
    std::fs::write(
        dir.path().join("fmlint.toml"),
        "[rules]\ninternal-error = \"off\"\n",
    )
    .unwrap();
    let out = run(dir.path(), None, &["check", ".", "--no-cache"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("fmlint.toml:2:1")
            && out.stderr.contains("`internal-error` cannot be configured"),
        "{}",
        out.stderr
    );
}
