//! The corpora of other shapes (`fixtures/github-docs`, `fixtures/mdn`,
//! `fixtures/starlight`): each is checked with its own `fmlint.toml`,
//! which uses the config vocabulary for them (references by path, list
//! uniqueness, conditions, filters and matching, key order, shared
//! collections), and its findings are an insta snapshot: every planted
//! defect, at its line and column, and nothing else.
//!
//! Every run is on a copy in a temporary directory, so no cache is written
//! into the repository.

mod cli_support;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use cli_support::{copy_tree as copy, fixture, fmlint};

/// `fmlint ARGS` in a copy of `fixtures/NAME`: (exit code, stdout, stderr).
fn run(name: &str, args: &[&str]) -> (i32, String, String) {
    let (_dir, root) = fixture(name);
    let run = fmlint(&root, args);
    (run.code, run.stdout, run.stderr)
}

fn findings(name: &str) -> String {
    let (code, stdout, stderr) = run(name, &["check", "--format", "concise", "--no-cache"]);
    assert_eq!(code, 1, "{stderr}");
    stdout
}

#[test]
fn github_docs_children_titles_and_redirects() {
    insta::assert_snapshot!(findings("github-docs"));
}

/// A page deleted since the last run: `--report-affected` on it reports
/// the map whose `children` still name it (the cache keeps page paths).
#[test]
fn a_deleted_child_reports_the_map_that_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("github-docs");
    copy(Path::new("fixtures/github-docs"), &root);
    let fmlint = |args: &[&str]| {
        let output = Command::cargo_bin("fmlint")
            .unwrap()
            .current_dir(&root)
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    fmlint(&["check"]);
    let deleted = "content/get-started/quickstart/set-up-git.md";
    fs::remove_file(root.join(deleted)).unwrap();
    assert_eq!(
        fmlint(&["check", "--format", "concise", "--report-affected", deleted]),
        "content/get-started/quickstart/index.md:5:5: error[dangling-reference] `children[1]` names `/set-up-git.md`, but nothing is at `content/get-started/quickstart/set-up-git` (.md, .mdx, /index.md or /_index.md)\n"
    );
}

#[test]
fn mdn_slugs_folders_page_types_and_key_order() {
    insta::assert_snapshot!(findings("mdn"));
}

#[test]
fn starlight_mdx_slugs_drafts_and_shared_conventions() {
    insta::assert_snapshot!(findings("starlight"));
}

/// `fmlint check` in a temporary corpus of `files`: (exit code, stdout,
/// stderr).
fn run_in(files: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let output = Command::cargo_bin("fmlint")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A collection's `*` stops at `/` (as in .gitignore): `docs/*.md` takes
/// `docs/a.md`, not `docs/sub/b.md`, which `**` would.
#[test]
fn a_star_in_a_collection_glob_does_not_cross_a_slash() {
    let config = "[[collections]]\nname = \"top\"\ninclude = [\"docs/*.md\"]\n[collections.templates]\nslug = \"{path.stem}\"\n";
    let (_, stdout, stderr) = run_in(
        &[
            ("fmlint.toml", config),
            ("docs/a.md", "---\nslug: wrong\n---\n"),
            ("docs/sub/b.md", "---\nslug: wrong\n---\n"),
        ],
        &["check", "--format", "concise", "--no-cache"],
    );
    assert_eq!(
        stdout,
        "docs/a.md:2:7: error[field-mismatch] `slug` does not match `{path.stem}`: expected `a`\n",
        "{stderr}"
    );
}

/// `unique` on a field that holds maps cannot compare them: the run says
/// so on standard error instead of passing in silence.
#[test]
fn unique_on_maps_is_a_warning() {
    let config = "[[collections]]\nname = \"pages\"\nunique = [\"sidebar\"]\n";
    let (code, _, stderr) = run_in(
        &[
            ("fmlint.toml", config),
            ("a.md", "---\nsidebar:\n  order: 1\n---\n"),
            ("b.md", "---\nsidebar:\n  order: 1\n---\n"),
        ],
        &["check", "--no-cache"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("fmlint: warning: collection `pages` lists `sidebar` as `unique`, but 2 files hold a map or a list of maps there (first: a.md)"),
        "{stderr}"
    );
}

/// When the schema already says a `unique` field holds maps (or lists of
/// maps, through `$ref`s too), the config is wrong before any file is read:
/// an error at the field's place in `fmlint.toml`.
#[test]
fn unique_on_a_field_the_schema_makes_maps_is_a_config_error() {
    let config = "[[collections]]\nname = \"pages\"\nschema = \"page.json\"\n\
                  unique = [\"slug\", \"tags\", \"sidebar\", \"links\"]\n";
    let schema = r##"{"type": "object", "properties": {
        "slug": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "sidebar": {"$ref": "#/$defs/sidebar"},
        "links": {"type": "array", "items": {"$ref": "#/$defs/link"}}},
      "$defs": {"sidebar": {"type": "object"}, "link": {"type": "object"}}}"##;
    let (code, stdout, stderr) = run_in(
        &[
            ("fmlint.toml", config),
            ("page.json", schema),
            ("a.md", "---\nslug: a\n---\n"),
        ],
        &["check", "--no-cache"],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("fmlint.toml:4:27: `unique` compares strings, numbers and lists of them, but the schema `page.json` makes `sidebar` a map"), "{stderr}");
    assert!(stderr.contains("fmlint.toml:4:38: `unique` compares strings, numbers and lists of them, but the schema `page.json` makes `links` a list of maps"), "{stderr}");
    assert!(
        stderr.contains(
            "help: list a field inside it instead (`sidebar.NAME`), or take it out of `unique`"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("`slug`") && !stderr.contains("`tags`"),
        "{stderr}"
    );
}

/// `fmlint files`: one line per file, its collection or `-` and why.
#[test]
fn files_prints_where_each_file_landed() {
    let (code, stdout, stderr) = run("starlight", &["files"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "src/content/docs/guides/components.md\tguides\n\
         src/content/docs/guides/deploying.md\tguides\n\
         src/content/docs/guides/getting-started.md\tguides\n\
         src/content/docs/guides/writing-pages.md\tguides\n\
         src/content/docs/index.md\tguides\n\
         src/content/docs/reference/configuration.mdx\treference\n\
         src/content/docs/reference/frontmatter.mdx\treference\n"
    );
    let config = "[[collections]]\nname = \"top\"\ninclude = [\"docs/*.md\"]\n";
    let page = "---\na: 1\n---\n";
    let (_, stdout, _) = run_in(
        &[
            ("fmlint.toml", config),
            ("docs/a.md", page),
            ("docs/sub/b.md", page),
        ],
        &["files", "docs"],
    );
    assert_eq!(
        stdout,
        "docs/a.md\ttop\ndocs/sub/b.md\t-\tno collection's include takes it: only its structure is checked (front matter present, closed, valid YAML, a mapping)\n"
    );
}

/// References by URL (`url-field`) and by path from a root folder
/// (`relative-to = "root"`, `base`): each dangling value is reported at
/// itself, what resolves is not, and an absolute URL is skipped.
#[test]
fn references_by_url_and_by_root_path() {
    let config = "[[collections]]\nname = \"pages\"\n\
        [[collections.references]]\nfield = \"see_also\"\nby = \"url\"\nurl-field = \"permalink\"\n\
        [[collections.references]]\nfield = \"related\"\nby = \"path\"\nrelative-to = \"root\"\nbase = \"content\"\n";
    let (code, stdout, stderr) = run_in(
        &[
            ("fmlint.toml", config),
            (
                "content/a.md",
                "---\npermalink: /a/\nsee_also: [/b/, /gone/]\nrelated:\n  - /guides/setup\n  - guides/missing.md\n  - https://example.com/x\n---\n",
            ),
            ("content/b.md", "---\npermalink: /b/\nrelated: [/a]\n---\n"),
            ("content/guides/setup/_index.md", "---\npermalink: /setup/\n---\n"),
        ],
        &["check", "--format", "concise", "--no-cache"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stdout,
        "content/a.md:3:17: error[dangling-reference] `see_also[1]` names `/gone/`, but no page of `pages` has that permalink\n\
         content/a.md:6:5: error[dangling-reference] `related[1]` names `guides/missing.md`, but nothing is at `content/guides/missing` (.md, .mdx, /index.md or /_index.md)\n"
    );
}

/// `match = "regex"`: the whole value must match; a placeholder's value is
/// literal text (the `.` in `v1.2` matches only a dot); and `unless`
/// turns a template off for a page.
#[test]
fn regex_templates_and_conditions() {
    let config = "[[collections]]\nname = \"pages\"\n\
        [collections.templates]\n\
        version = { template = '[0-9]+(\\.[0-9]+)*', match = \"regex\" }\n\
        anchor = { template = '{slug}-[a-z]+', match = \"regex\", unless = { legacy = true } }\n";
    let (code, stdout, stderr) = run_in(
        &[
            ("fmlint.toml", config),
            (
                "a.md",
                "---\nslug: v1.2\nversion: 1.2.3\nanchor: v1.2-intro\n---\n",
            ),
            (
                "b.md",
                "---\nslug: v1.2\nversion: \"1.2.x\"\nanchor: v1x2-intro\n---\n",
            ),
            (
                "c.md",
                "---\nslug: v1.2\nlegacy: true\nanchor: v1x2-intro\n---\n",
            ),
        ],
        &["check", "--format", "concise", "--no-cache"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stdout,
        "b.md:3:10: error[field-mismatch] `version` does not match the pattern `[0-9]+(\\.[0-9]+)*`\n\
         b.md:4:9: error[field-mismatch] `anchor` does not match the pattern `{slug}-[a-z]+` (here `v1\\.2-[a-z]+`)\n"
    );
}
