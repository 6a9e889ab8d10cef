//! `fmlint.toml`: the example corpora with their configs, the built-in
//! preset as a config (byte-identical output), discovery, `--config`,
//! `--isolated`, severities and overrides, config errors with positions,
//! the generated JSON Schema, `init`, `config`, completions and the man page.
//!
//! Every run is on a copy in a temporary directory, so nothing (a cache, a
//! fix) is written into the repository.

mod cli_support;

use std::fs;
use std::path::{Path, PathBuf};

use cli_support::{fixture, fmlint as run, write, Run};

/// (file, line, rule) of each concise line.
fn findings(stdout: &str) -> Vec<(String, u32, String)> {
    stdout
        .lines()
        .map(|line| {
            let mut parts = line.splitn(4, ':');
            let file = parts.next().unwrap().to_string();
            let line_no = parts.next().unwrap().parse().unwrap();
            let rest = parts.nth(1).unwrap();
            let rule = rest[rest.find('[').unwrap() + 1..rest.find(']').unwrap()].to_string();
            (file, line_no, rule)
        })
        .collect()
}

fn expect(list: &[(&str, u32, &str)]) -> Vec<(String, u32, String)> {
    list.iter()
        .map(|(f, l, r)| (f.to_string(), *l, r.to_string()))
        .collect()
}

#[test]
fn the_blog_lints_with_its_config() {
    let (_dir, root) = fixture("blog");
    let out = run(&root, &["check", "--format", "concise"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        findings(&out.stdout),
        expect(&[
            ("content/authors/dana.md", 3, "field-mismatch"),
            (
                "content/posts/deploying-on-fridays.md",
                6,
                "duplicate-reference"
            ),
            ("content/posts/deploying-on-fridays.md", 8, "url-mismatch"),
            (
                "content/posts/guest-post-static-search.md",
                6,
                "dangling-reference"
            ),
            ("content/posts/hello-world-again.md", 3, "duplicate-value"),
            ("content/posts/hello-world.md", 2, "duplicate-value"),
            ("content/posts/leap-day-sale.md", 4, "invalid-date"),
            ("content/posts/release-notes-1-2.md", 5, "field-mismatch"),
            ("content/posts/tags-are-a-list.md", 7, "schema"),
        ]),
        "{}",
        out.stdout
    );
    // `[rules] duplicate-value = "warning"`; the cross-collection reference
    // names the collection it looked in.
    assert!(
        out.stdout.contains("warning[duplicate-value]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("`authors[1]` refers to id carol, which no author has"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("`2023-02-29T09:00:00Z` is not a real calendar date"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_blog_fixes_slugs_safely_and_urls_only_unsafely() {
    let (_dir, root) = fixture("blog");
    run(&root, &["check", "--fix"]);
    let post = fs::read_to_string(root.join("content/posts/release-notes-1-2.md")).unwrap();
    assert!(post.contains("slug: release-notes-1-2\n"), "{post}");
    let friday = root.join("content/posts/deploying-on-fridays.md");
    assert!(fs::read_to_string(&friday)
        .unwrap()
        .contains("url: /posts/deploy-on-fridays/"));
    // `fix = "none"` on the author's id: never rewritten.
    let dana = fs::read_to_string(root.join("content/authors/dana.md")).unwrap();
    assert!(dana.contains("id: danielle"), "{dana}");
    run(&root, &["check", "--fix", "--unsafe-fixes"]);
    assert!(fs::read_to_string(&friday)
        .unwrap()
        .contains("url: /posts/deploying-on-fridays/"));
}

#[test]
fn the_docs_site_lints_with_its_config() {
    let (_dir, root) = fixture("docs");
    let out = run(&root, &["check", "--format", "concise"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        findings(&out.stdout),
        expect(&[
            ("docs/getting-started/configuration.md", 5, "schema"),
            ("docs/getting-started/first-run.md", 5, "schema"),
            ("docs/getting-started/installation.md", 2, "duplicate-value"),
            ("docs/guides/deploying.md", 4, "field-mismatch"),
            ("docs/guides/installation.md", 3, "duplicate-value"),
        ]),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("expected `/guides/deploying`"),
        "{}",
        out.stdout
    );
}

#[test]
fn two_collections_in_the_quicktakes_layout() {
    let (_dir, root) = fixture("quicktakes-two-collections");
    let out = run(&root, &["check", "--format", "concise"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        findings(&out.stdout),
        expect(&[
            ("content/posts/music-theory-week.md", 5, "invalid-date"),
            ("content/posts/music-theory-week.md", 8, "field-mismatch"),
            ("content/posts/our-new-subjects.md", 9, "schema"),
            ("content/posts/our-new-subjects.md", 10, "schema"),
        ]),
        "{}",
        out.stdout
    );
    // The articles are clean under the preset's conventions; the posts'
    // RFC 3339 dates are not held to the articles' `%Y-%m-%d`.
    assert!(out.stderr.contains("7 files checked"), "{}", out.stderr);
}

/// The acceptance test of the preset as a config: `fmlint init`'s output
/// changes nothing, in any format.
#[test]
fn init_output_gives_byte_identical_results() {
    let (_dir, root) = fixture("quicktakes");
    fs::remove_file(root.join("fmlint.toml")).unwrap();
    let formats = ["full", "concise", "json", "sarif", "junit", "github"];
    let without: Vec<Run> = formats
        .iter()
        .map(|f| run(&root, &["check", "--format", f, "--quiet"]))
        .collect();
    let init = run(&root, &["init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert_eq!(
        fs::read_to_string(root.join("fmlint.toml")).unwrap(),
        fmlint_engine::config::QUICKTAKES_TOML
    );
    for (format, before) in formats.iter().zip(&without) {
        let after = run(&root, &["check", "--format", format, "--quiet"]);
        assert_eq!(after.code, before.code, "{format}");
        assert!(!before.stdout.is_empty(), "{format}");
        assert!(after.stdout == before.stdout, "{format} output differs");
    }
    // And a second init does not overwrite it.
    let again = run(&root, &["init"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn discovery_walks_up_and_config_and_isolated_choose() {
    let (_dir, root) = fixture("blog");
    let posts = root.join("content/posts");
    // From deep inside the corpus the blog's config still applies.
    let inside = run(&posts, &["check", "--format", "concise", "."]);
    assert!(
        inside.stdout.contains("[field-mismatch]"),
        "{}",
        inside.stdout
    );
    // `--isolated`: the QuickTakes preset, whose schema rejects blog posts.
    let isolated = run(&root, &["check", "--isolated", "--format", "concise"]);
    assert!(isolated.stdout.contains("required fields: `_schema`, "));
    assert!(!isolated.stdout.contains("[field-mismatch]"));
    // `--config FILE` wins over the nearest fmlint.toml: this one has no
    // collections, so the preset's apply (its `%Y-%m-%d` dates).
    write(&root.join("other.toml"), "[rules]\nschema = \"off\"\n");
    let other = run(
        &root,
        &["check", "--config", "other.toml", "--format", "concise"],
    );
    assert!(!other.stdout.contains("[schema]"), "{}", other.stdout);
    assert!(
        !other.stdout.contains("[field-mismatch]"),
        "{}",
        other.stdout
    );
    assert!(
        other
            .stdout
            .contains("is not a date in the format `%Y-%m-%d`"),
        "{}",
        other.stdout
    );
    let missing = run(&root, &["check", "--config", "nope.toml"]);
    assert_eq!(missing.code, 2);
}

#[test]
fn rules_overrides_and_the_command_line_set_severities() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("fmlint.toml"),
        r#"
[rules]
field-mismatch = "warning"

[[overrides]]
files = ["drafts/**"]
rules = { field-mismatch = "off", duplicate-value = "off" }

[[overrides]]
files = ["drafts/keep/**"]
rules = { field-mismatch = "error" }

[[collections]]
name = "posts"
unique = ["slug"]
[collections.templates]
slug = "{path.stem}"
"#,
    );
    let post = |slug: &str| format!("---\nslug: {slug}\n---\n");
    write(&root.join("a.md"), &post("wrong"));
    write(&root.join("drafts/b.md"), &post("wrong"));
    write(&root.join("drafts/c.md"), &post("wrong"));
    write(&root.join("drafts/keep/d.md"), &post("wrong"));
    let out = run(root, &["check", "--format", "concise"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            // The drafts still hold the value; only their findings are off.
            "a.md:2:7: error[duplicate-value] slug `wrong` is also used by drafts/b.md, drafts/c.md, drafts/keep/d.md",
            "a.md:2:7: warning[field-mismatch] `slug` does not match `{path.stem}`: expected `a`",
            // The later override turns field-mismatch back on, at error.
            "drafts/keep/d.md:2:7: error[field-mismatch] `slug` does not match `{path.stem}`: expected `d`",
        ],
        "{}",
        out.stdout
    );
    // The command line applies on top: an ignored rule is off everywhere,
    // overrides included.
    let ignored = run(
        root,
        &["check", "--format", "concise", "--ignore", "field-mismatch"],
    );
    assert!(
        !ignored.stdout.contains("field-mismatch"),
        "{}",
        ignored.stdout
    );
    let selected = run(
        root,
        &["check", "--format", "concise", "--select", "field-mismatch"],
    );
    assert_eq!(
        findings(&selected.stdout),
        expect(&[
            ("a.md", 2, "field-mismatch"),
            ("drafts/keep/d.md", 2, "field-mismatch")
        ]),
        "{}",
        selected.stdout
    );
}

#[test]
fn ids_are_per_collection() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("fmlint.toml"),
        r#"
[[collections]]
name = "posts"
include = ["posts/*.md"]
id = "slug"
[[collections.references]]
field = "authors"
collection = "authors"

[[collections]]
name = "authors"
include = ["authors/*.md"]
"#,
    );
    write(
        &root.join("posts/hello.md"),
        "---\nslug: hello\nauthors: [alice, hello]\n---\n",
    );
    write(&root.join("authors/alice.md"), "---\nid: alice\n---\n");
    write(
        &root.join("authors/other.md"),
        "---\nid: hello-world\n---\n",
    );
    let out = run(root, &["check", "--format", "concise"]);
    // `hello` is a post's id, not an author's.
    assert_eq!(
        findings(&out.stdout),
        expect(&[("posts/hello.md", 3, "dangling-reference")]),
        "{}",
        out.stdout
    );
}

/// Each mistake is reported with its line and column in the config, and
/// the run stops with exit code 2 before any file is read.
#[test]
fn config_errors_point_into_the_config() {
    let cases: &[(&str, &str, &str)] = &[
        ("[rules]\nschema = \"warn\"\n", "fmlint.toml:2:10", "`rules.schema` must be one of `off`, `warning`, `error`, not the string `warn`"),
        ("[fils]\n", "fmlint.toml:1:2", "unknown key `fils` at the top of the config"),
        ("[files]\ninclude = \"*.md\"\n", "fmlint.toml:2:11", "`files.include` must be a list of strings, not the string `*.md`"),
        ("[files]\ninclude = [\"a/{b\"]\n", "fmlint.toml:2:12", "invalid glob `a/{b`"),
        ("[rules]\nurl-mismatc = \"off\"\n", "fmlint.toml:2:1", "did you mean `url-mismatch`"),
        (
            "[[collections]]\nname = \"a\"\n[collections.templates]\nslug = \"{title|nope}\"\n",
            "fmlint.toml:4:8",
            "unknown filter `nope`",
        ),
        (
            "[[collections]]\nname = \"a\"\n[collections.templates]\nslug = { template = \"{title\" }\n",
            "fmlint.toml:4:21",
            "unclosed `{`",
        ),
        (
            "[[collections]]\nname = \"a\"\nschema = \"builtin:nope\"\n",
            "fmlint.toml:3:10",
            "no built-in schema named `nope`",
        ),
        (
            "[[collections]]\nname = \"a\"\n[[collections.references]]\nfield = \"x\"\ncollection = \"b\"\n",
            "fmlint.toml:5:14",
            "no collection is named `b`",
        ),
        (
            "[[collections]]\nname = \"a\"\n[collections.dates]\ndate = \"%d/%m\"\n",
            "fmlint.toml:4:8",
            "not a date format",
        ),
    ];
    for (config, at, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("fmlint.toml"), config);
        write(&dir.path().join("a.md"), "---\nid: 1\n---\n");
        let out = run(dir.path(), &["check"]);
        assert_eq!(out.code, 2, "{config}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{config}");
        assert!(
            out.stderr.contains(&format!("{at}: ")) && out.stderr.contains(message),
            "{config}: expected {at} {message}\n{}",
            out.stderr
        );
    }
}

#[test]
fn all_mistakes_are_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("fmlint.toml"),
        "[rules]\nnope = \"off\"\nnada = \"off\"\n[files]\nexclude = [\"[\"]\n",
    );
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("(3 errors)"), "{}", out.stderr);
}

/// Three mistakes of different kinds (a misspelt key, a value of the
/// wrong type, a template with an unknown filter): all three in one run,
/// each at its line and column, in fmlint's words (no serde type names),
/// the misspelling with the key it meant.
#[test]
fn three_mistakes_in_one_run_in_our_words() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("fmlint.toml"),
        "[[collections]]\nname = \"docs\"\nincldue = [\"docs/**/*.md\"]\nunique = \"slug\"\n\n[collections.templates]\nslug = \"{title|slugify}\"\n",
    );
    write(&dir.path().join("a.md"), "---\nid: 1\n---\n");
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("(3 errors)"), "{}", out.stderr);
    for expected in [
        "fmlint.toml:3:1: unknown key `incldue` in `collections`",
        "help: did you mean `include`?",
        "fmlint.toml:4:10: `collections[0].unique` must be a list of strings, not the string `slug`",
        "fmlint.toml:7:8: unknown filter `slugify` in template `{title|slugify}`",
    ] {
        assert!(out.stderr.contains(expected), "{expected}\n{}", out.stderr);
    }
    assert!(!out.stderr.contains("struct"), "{}", out.stderr);
}

#[test]
fn the_json_schema_is_generated_from_the_config_types() {
    let generated = fmlint_engine::config::json_schema();
    let path = Path::new("schemas/fmlint.schema.json");
    let stored = fs::read_to_string(path).unwrap_or_default();
    if stored != generated {
        if std::env::var_os("FMLINT_UPDATE_SCHEMA").is_some() {
            fs::write(path, &generated).unwrap();
        } else {
            panic!(
                "schemas/fmlint.schema.json is stale; rerun with FMLINT_UPDATE_SCHEMA=1 \
                 (or `fmlint config --schema > schemas/fmlint.schema.json`)"
            );
        }
    }
    let out = run(Path::new("."), &["config", "--schema"]);
    assert_eq!(out.stdout, generated);
}

/// Every config the project ships is valid for editors too: it passes the
/// JSON Schema as well as fmlint's own validation.
#[test]
fn shipped_configs_satisfy_the_json_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&fmlint_engine::config::json_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut configs = vec![
        PathBuf::from("schemas/quicktakes.fmlint.toml"),
        PathBuf::from("fixtures/blog/fmlint.toml"),
        PathBuf::from("fixtures/docs/fmlint.toml"),
        PathBuf::from("fixtures/github-docs/fmlint.toml"),
        PathBuf::from("fixtures/mdn/fmlint.toml"),
        PathBuf::from("fixtures/starlight/fmlint.toml"),
        PathBuf::from("fixtures/quicktakes-two-collections/fmlint.toml"),
        PathBuf::from("fixtures/quicktakes/fmlint.toml"),
    ];
    for rule in ["field-mismatch", "duplicate-value"] {
        for case in fs::read_dir(Path::new("tests/fixtures").join(rule)).unwrap() {
            let config = case.unwrap().path().join("fmlint.toml");
            if config.is_file() {
                configs.push(config);
            }
        }
    }
    for path in configs {
        let text = fs::read_to_string(&path).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        let json = serde_json::to_value(&value).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        let loaded = fmlint_engine::config::Loaded::read(&path).unwrap();
        loaded
            .compile(&[], &[])
            .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
    }
}

#[test]
fn config_prints_the_effective_config() {
    let (_dir, root) = fixture("docs");
    let out = run(&root, &["config"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("docs/fmlint.toml."), "{}", out.stdout);
    assert!(out.stdout.contains("name = \"docs\""), "{}", out.stdout);
    // What it prints is a config that compiles to the same checks.
    let printed = root.join("printed.toml");
    fs::write(&printed, &out.stdout).unwrap();
    let a = run(&root, &["check", "--format", "concise", "--quiet"]);
    let b = run(
        &root,
        &[
            "check",
            "--format",
            "concise",
            "--quiet",
            "--config",
            "printed.toml",
        ],
    );
    assert_eq!(a.stdout, b.stdout);

    // An empty config is the preset: its effective config says so.
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("fmlint.toml"), "# defaults\n");
    let empty = run(dir.path(), &["config"]);
    assert!(empty
        .stdout
        .contains("schema = \"builtin:quicktakes-article\""));
    assert!(empty.stdout.contains("field = \"related_article*.id\""));
}

#[test]
fn completions_and_man_page_come_from_the_cli() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(Path::new("."), &["completions", shell]);
        assert_eq!(out.code, 0, "{shell}");
        assert!(out.stdout.contains("fmlint"), "{shell}");
        assert!(out.stdout.contains("isolated"), "{shell}");
    }
    let man = run(Path::new("."), &["man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH fmlint 1"));
    assert!(man.stdout.contains("completions"), "{}", man.stdout);
}

/// The language server takes a corpus's settings from its nearest config.
#[test]
fn the_server_reads_the_corpus_config() {
    let blog =
        fmlint_engine::config::settings_for_root(Path::new("fixtures/blog/content")).unwrap();
    let names: Vec<&str> = blog.collections.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["posts", "authors"]);
    let dir = tempfile::tempdir().unwrap();
    let builtin = fmlint_engine::config::settings_for_root(dir.path()).unwrap();
    assert_eq!(builtin.collections[0].name, "articles");
}
