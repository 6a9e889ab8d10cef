//! `fmlint init --infer` and `fmlint init --preset`, run as the real
//! binary in a copy of a fixture: the written files are snapshotted, must
//! load (`fmlint config`), and the inferred config must find the defects
//! planted in `tests/fixtures/infer` (its README lists them).

mod cli_support;

use std::fs;

use cli_support::{corpus, fmlint};

#[test]
fn the_inferred_config_finds_the_planted_cross_file_defects() {
    let dir = corpus("infer");
    let init = fmlint(dir.path(), &["init", "--infer"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    let config = fs::read_to_string(dir.path().join("fmlint.toml")).unwrap();
    let schema = fs::read_to_string(dir.path().join("schemas/inferred.schema.json")).unwrap();
    insta::assert_snapshot!("inferred_config", config);
    insta::assert_snapshot!("inferred_schema", schema);
    insta::assert_snapshot!("inferred_summary", init.stderr);

    let loaded = fmlint(dir.path(), &["config"]);
    assert_eq!(loaded.code, 0, "{}", loaded.stderr);
    let check = fmlint(dir.path(), &["check", "--no-cache", "--statistics"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let counts: Vec<(String, String)> = check
        .stdout
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?.to_string(), words.next()?.to_string()))
        })
        .collect();
    let count = |rule: &str| {
        counts
            .iter()
            .find(|(_, r)| r == rule)
            .map(|(n, _)| n.as_str())
    };
    assert_eq!(count("duplicate-id"), Some("2"), "{}", check.stdout);
    assert_eq!(count("dangling-reference"), Some("2"), "{}", check.stdout);
    assert_eq!(count("stale-reference"), Some("1"), "{}", check.stdout);
    assert_eq!(counts.len(), 3, "nothing else: {}", check.stdout);
}

#[test]
fn init_infer_refuses_to_overwrite_without_force() {
    let dir = corpus("infer");
    fs::write(dir.path().join("fmlint.toml"), "# mine\n").unwrap();
    let init = fmlint(dir.path(), &["init", "--infer"]);
    assert_eq!(init.code, 2, "{}", init.stderr);
    assert!(init.stderr.contains("already exists"), "{}", init.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join("fmlint.toml")).unwrap(),
        "# mine\n"
    );
    let forced = fmlint(dir.path(), &["init", "--infer", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
}

#[test]
fn init_infer_says_when_there_is_nothing_to_infer_from() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.md"), "no front matter\n").unwrap();
    let init = fmlint(dir.path(), &["init", "--infer"]);
    assert_eq!(init.code, 2, "{}", init.stderr);
    assert!(
        init.stderr.contains("nothing to infer from"),
        "{}",
        init.stderr
    );
    assert!(!dir.path().join("fmlint.toml").exists());
}
