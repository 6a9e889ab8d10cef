//! `fmlint init --infer` and `fmlint init --preset`, run as the real
//! binary in a copy of a fixture: the written files are snapshotted, must
//! load (`fmlint config`), and the inferred config must find the defects
//! planted in `tests/fixtures/infer` (its README lists them). And the note
//! `fmlint check` prints when a corpus of another kind meets the embedded
//! QuickTakes preset.

mod cli_support;

use std::fs;

use cli_support::{copy_tree, corpus, fmlint, write};

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
    let config = fs::read_to_string(dir.path().join("fmlint.toml")).unwrap();
    // The corpus folder named: the same config, globs still relative to
    // the config's folder.
    let named = fmlint(dir.path(), &["init", "--infer", "content/learn", "--force"]);
    assert_eq!(named.code, 0, "{}", named.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join("fmlint.toml")).unwrap(),
        config
    );
    // A corpus outside the config's folder is refused.
    let outside = tempfile::tempdir().unwrap();
    let elsewhere = outside.path().to_str().unwrap();
    let refused = fmlint(dir.path(), &["init", "--infer", elsewhere, "--force"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("is not inside"),
        "{}",
        refused.stderr
    );
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

/// The Docusaurus preset checks docs and blog posts, each against its own
/// part of the schema: a post's authors written inline or as keys pass, a
/// post's impossible date and a doc's mistyped sidebar position do not.
#[test]
fn the_docusaurus_preset_checks_docs_and_blog_posts() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("docs/intro.md", "---\nid: intro\ntitle: Intro\nsidebar_position: 1\n---\n"),
        ("docs/guides/install.md", "---\ntitle: Install\nsidebar_position: two\n---\n"),
        ("docs/_partial.md", "no front matter: a partial\n"),
        (
            "blog/2024-01-01-welcome.md",
            "---\ntitle: Welcome\nslug: welcome\nauthors: [jane, {name: Ann, url: https://example.com}]\n---\n",
        ),
        ("blog/2024-01-02-late/index.md", "---\ntitle: Late\ndate: 2024-13-02\nauthors: jane\n---\n"),
    ];
    for (path, text) in files {
        write(&dir.path().join(path), text);
    }
    assert_eq!(
        fmlint(dir.path(), &["init", "--preset", "docusaurus"]).code,
        0
    );
    let check = fmlint(dir.path(), &["check", "--format", "concise", "--no-cache"]);
    assert_eq!(
        check.stdout,
        "blog/2024-01-02-late/index.md:3:7: error[invalid-date] `2024-13-02` is not a real calendar date: the month `13` is not 01–12\n\
         docs/guides/install.md:3:19: error[schema] `sidebar_position` must be a number, found a string\n",
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("4 files checked"), "{}", check.stderr);
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

const NOTE: &str = "the built-in QuickTakes preset is in force";

/// Eight Hugo-style pages and no config: every page fails the embedded
/// preset the same way, which is said once, with what to do.
#[test]
fn a_corpus_of_another_kind_hears_once_that_the_embedded_preset_is_in_force() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("content")).unwrap();
    for i in 1..=6 {
        let page = format!("---\ntitle: Page {i}\ndate: 2024-01-0{i}\ndraft: false\n---\nText.\n");
        fs::write(dir.path().join(format!("content/page-{i}.md")), page).unwrap();
    }
    // Two pages lack other sets of the preset's fields: still the same way.
    for i in 7..=8 {
        let page = format!("---\ntitle: Page {i}\nauthor: Kim\nurl: /page-{i}/\n---\nText.\n");
        fs::write(dir.path().join(format!("content/page-{i}.md")), page).unwrap();
    }
    let check = fmlint(dir.path(), &["check", "--no-cache"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert_eq!(check.stderr.matches(NOTE).count(), 1, "{}", check.stderr);
    assert!(
        check.stderr.contains("8 of 8 files fail it the same way")
            && check.stderr.contains("fmlint init --infer")
            && check.stderr.contains("fmlint init --preset NAME"),
        "{}",
        check.stderr
    );
    // Not with a config, nor when the preset is asked for, nor with -q.
    for args in [
        &["check", "--no-cache", "--isolated"][..],
        &["check", "--no-cache", "-q"],
    ] {
        let run = fmlint(dir.path(), args);
        assert!(!run.stderr.contains(NOTE), "{args:?}: {}", run.stderr);
    }
    fs::write(dir.path().join("fmlint.toml"), "").unwrap();
    let with_config = fmlint(dir.path(), &["check", "--no-cache"]);
    assert!(!with_config.stderr.contains(NOTE), "{}", with_config.stderr);
}

/// The QuickTakes demo corpus without its config: its defects are each
/// their own, so there is no note.
#[test]
fn a_quicktakes_corpus_gets_no_note() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(std::path::Path::new("fixtures/quicktakes"), dir.path());
    fs::remove_file(dir.path().join("fmlint.toml")).unwrap();
    let check = fmlint(dir.path(), &["check", "--no-cache"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(!check.stderr.contains(NOTE), "{}", check.stderr);
}
