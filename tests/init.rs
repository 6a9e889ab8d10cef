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

const PRESETS: &[&str] = &["quicktakes", "hugo", "jekyll", "astro", "docusaurus", "mdn"];

#[test]
fn init_preset_list_names_every_preset() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["init", "--preset"][..], &["init", "--preset", "list"]] {
        let list = fmlint(dir.path(), args);
        assert_eq!(list.code, 0, "{}", list.stderr);
        for name in PRESETS {
            assert!(list.stdout.contains(name), "{}", list.stdout);
        }
        insta::assert_snapshot!("preset_list", list.stdout);
    }
    assert!(!dir.path().join("fmlint.toml").exists());
}

/// Each preset is written with its schema and loads: `fmlint config`
/// compiles it (schema included) and prints the effective config.
#[test]
fn every_preset_is_written_and_loads() {
    for name in PRESETS {
        let dir = tempfile::tempdir().unwrap();
        let init = fmlint(dir.path(), &["init", "--preset", name]);
        assert_eq!(init.code, 0, "{name}: {}", init.stderr);
        let schema = dir.path().join(format!("schemas/{name}.schema.json"));
        assert_eq!(schema.exists(), *name != "quicktakes", "{name}");
        let config = fmlint(dir.path(), &["config"]);
        assert_eq!(config.code, 0, "{name}: {}", config.stderr);
        // The first line names the (temporary) config file.
        let (_, effective) = config.stdout.split_once("\n\n").unwrap();
        insta::assert_snapshot!(format!("preset_{name}"), effective);
        // A second init keeps the files.
        let again = fmlint(dir.path(), &["init", "--preset", name]);
        assert_eq!(again.code, 2, "{name}");
        assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    }
}

#[test]
fn an_unknown_preset_is_named_with_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let init = fmlint(dir.path(), &["init", "--preset", "gatsby"]);
    assert_eq!(init.code, 2);
    assert!(
        init.stderr.contains("no preset is named `gatsby`") && init.stderr.contains("docusaurus"),
        "{}",
        init.stderr
    );
}
