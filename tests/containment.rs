//! No network, no escape: a schema's `$ref` reads files inside the project
//! only and never the network; a symbolic link named on the command line
//! is not followed out of the corpus root, and walked ones are skipped;
//! every path printed lies under the directory checked.
//!
//! Each case is a project built in a temporary directory (inside a parent
//! that also holds files *outside* the project) and the real binary run in
//! it.

mod cli_support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod qt;
use cli_support::copy_tree as copy;
use qt::{fmlint as run, Run};

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create dir");
    }
    fs::write(path, text).expect("write file");
}

/// The `schema` value is on line 6, from column 10.
const CONFIG: &str = r#"[files]
include = ["posts/**/*.md"]

[[collections]]
name = "posts"
schema = "schemas/post.json"
"#;

const SCHEMA_AT: &str = "fmlint.toml:6:10: ";

/// A temporary directory holding `outside.json` (valid JSON with a tell-tale
/// string) and the project `proj/`: [`CONFIG`], `schemas/post.json` =
/// `schema`, and a post whose title is too long and slug malformed.
fn project(schema: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        &dir.path().join("outside.json"),
        r#"{"$defs": {"title": {"enum": ["SECRET-OUTSIDE"]}}}"#,
    );
    let root = dir.path().join("proj");
    write(&root.join("fmlint.toml"), CONFIG);
    write(&root.join("schemas/post.json"), schema);
    write(
        &root.join("posts/a.md"),
        "---\ntitle: Much too long\nslug: Bad Slug\n---\n",
    );
    (dir, root)
}

/// A schema whose `title` is `$ref`-ed to `target`, and whose `slug` is a
/// local `#/$defs` reference.
fn schema_referring_to(target: &str) -> String {
    format!(
        r##"{{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {{
    "title": {{ "$ref": "{target}" }},
    "slug": {{ "$ref": "#/$defs/slug" }}
  }},
  "$defs": {{ "slug": {{ "type": "string", "pattern": "^[a-z-]+$" }} }}
}}"##
    )
}

/// The config error for a refused schema: exit 2 before any file is read,
/// the message at the `schema` value.
fn assert_refused(out: &Run, message: &str) {
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr
            .lines()
            .any(|l| l.ends_with(&format!("{SCHEMA_AT}{message}")) || {
                l.contains(SCHEMA_AT) && l.contains(message)
            }),
        "expected `{SCHEMA_AT}…{message}…` in:\n{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("SECRET-OUTSIDE"),
        "a file outside the project was read:\n{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------
// Schema `$ref`s

#[test]
fn a_ref_to_a_sibling_schema_file_is_followed() {
    let (_dir, root) = project(&schema_referring_to("common.json#/$defs/title"));
    write(
        &root.join("schemas/common.json"),
        r#"{"$defs": {"title": {"type": "string", "maxLength": 5}}}"#,
    );
    let out = run(&root, &["check", "--format", "concise"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // Defined by the referenced file.
    assert!(
        out.stdout
            .contains("error[schema] `title` must be at most 5 characters long"),
        "{}",
        out.stdout
    );
    // Defined by `$defs` in the same schema.
    assert!(
        out.stdout
            .contains("error[schema] `slug` is `Bad Slug`, which does not have the expected form"),
        "{}",
        out.stdout
    );
}

/// The referenced file is part of the result cache's key: editing it is
/// seen on the next (cached) run.
#[test]
fn editing_a_referenced_schema_file_invalidates_the_cache() {
    let (_dir, root) = project(&schema_referring_to("common.json#/$defs/title"));
    let common = root.join("schemas/common.json");
    write(
        &common,
        r#"{"$defs": {"title": {"type": "string", "maxLength": 5}}}"#,
    );
    let first = run(&root, &["check", "--format", "concise"]);
    assert!(
        first.stdout.contains("at most 5 characters"),
        "{}",
        first.stdout
    );
    write(
        &common,
        r#"{"$defs": {"title": {"type": "string", "maxLength": 50}}}"#,
    );
    let second = run(&root, &["check", "--format", "concise"]);
    assert!(
        !second.stdout.contains("characters long"),
        "a stale cached finding:\n{}",
        second.stdout
    );
    assert!(
        second
            .stdout
            .contains("`slug` is `Bad Slug`, which does not"),
        "{}",
        second.stdout
    );
}

#[test]
fn a_ref_over_https_is_refused_at_the_schema_value() {
    let (_dir, root) = project(&schema_referring_to("https://example.com/title.json"));
    let out = run(&root, &["check"]);
    assert_refused(
        &out,
        "`$ref` to `https://example.com/title.json`: fmlint never fetches schemas over the network",
    );
    assert!(out.stderr.contains("vendor the file"), "{}", out.stderr);
}

#[test]
fn a_relative_ref_in_a_schema_with_an_http_id_is_refused() {
    let schema = r#"{
  "$id": "http://example.com/schemas/post.json",
  "properties": { "title": { "$ref": "title.json" } }
}"#;
    let (_dir, root) = project(schema);
    // Present locally, but the `$id` makes the reference a URL.
    write(&root.join("schemas/title.json"), r#"{"type": "string"}"#);
    let out = run(&root, &["check"]);
    assert_refused(
        &out,
        "`$ref` to `http://example.com/schemas/title.json`: fmlint never fetches",
    );
}

#[test]
fn a_ref_with_another_scheme_is_refused() {
    let (_dir, root) = project(&schema_referring_to("urn:example:title"));
    let out = run(&root, &["check"]);
    assert_refused(
        &out,
        "`$ref` to `urn:example:title`: fmlint resolves only relative and `file:` references",
    );
}

#[test]
fn a_relative_ref_leaving_the_project_is_refused() {
    let (_dir, root) = project(&schema_referring_to("../../outside.json#/$defs/title"));
    let out = run(&root, &["check"]);
    assert_refused(&out, "outside.json` resolves outside the project root");
}

#[test]
fn percent_encoded_dot_segments_do_not_leave_the_project() {
    let (_dir, root) = project(&schema_referring_to(
        "sub/%2e%2e/%2E%2E/%2e%2e/outside.json#/$defs/title",
    ));
    fs::create_dir_all(root.join("schemas/sub")).expect("create dir");
    let out = run(&root, &["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains(SCHEMA_AT), "{}", out.stderr);
    assert!(!out.stderr.contains("SECRET-OUTSIDE"), "{}", out.stderr);
}

#[test]
fn an_absolute_file_ref_outside_the_project_is_refused() {
    let (_dir, root) = project(&schema_referring_to("file:///etc/passwd"));
    let out = run(&root, &["check"]);
    assert_refused(&out, "resolves outside the project root");
    assert!(out.stderr.contains("/etc/passwd"), "{}", out.stderr);
}

#[test]
fn a_ref_to_a_missing_file_is_a_config_error() {
    let (_dir, root) = project(&schema_referring_to("nope.json"));
    let out = run(&root, &["check"]);
    assert_refused(&out, "`$ref` to `schemas");
    assert!(
        out.stderr.contains("nope.json`: cannot read it"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_schema_file_outside_the_project_is_refused() {
    let (dir, root) = project("{}");
    write(&dir.path().join("post.json"), r#"{"type": "object"}"#);
    write(
        &root.join("fmlint.toml"),
        &CONFIG.replace("schemas/post.json", "../post.json"),
    );
    let out = run(&root, &["check"]);
    assert_refused(&out, "resolves outside the project root");
    assert!(out.stderr.contains("the schema `"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn a_symlinked_schema_file_leading_out_is_refused() {
    let (dir, root) = project(&schema_referring_to("linked.json#/$defs/title"));
    std::os::unix::fs::symlink(
        dir.path().join("outside.json"),
        root.join("schemas/linked.json"),
    )
    .expect("symlink");
    let out = run(&root, &["check"]);
    assert_refused(&out, "outside.json` resolves outside the project root");
}

/// Built-in schemas are compiled with no way out: an external `$ref` is an
/// error, a `#/$defs` one works.
#[test]
fn compiled_schemas_resolve_no_external_ref() {
    use fmlint_linter::schema::CompiledSchema;
    let error = CompiledSchema::compile("t", r#"{"$ref": "other.json"}"#)
        .err()
        .expect("an external `$ref` is refused");
    assert!(!format!("{error:#}").is_empty());
    assert!(CompiledSchema::compile("t", r#"{"$ref": "https://example.com/x.json"}"#).is_err());
    assert!(CompiledSchema::compile(
        "t",
        r##"{"properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"type": "string"}}}"##
    )
    .is_ok());
}

// ---------------------------------------------------------------------------
// Symbolic links

/// A corpus `proj/` (an empty `fmlint.toml`, `posts/a.md`) beside
/// `outside/secret.md`; both headers break the built-in schema.
#[cfg(unix)]
fn linked_corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("proj");
    write(&root.join("fmlint.toml"), "");
    write(&root.join("posts/a.md"), "---\nid: 1\ntitle: Inside\n---\n");
    write(
        &dir.path().join("outside/secret.md"),
        "---\nid: 2\ntitle: SECRET-OUTSIDE\n---\n",
    );
    (dir, root)
}

#[cfg(unix)]
#[test]
fn a_named_symlink_leading_out_of_the_root_is_not_read() {
    let (dir, root) = linked_corpus();
    std::os::unix::fs::symlink(dir.path().join("outside/secret.md"), root.join("link.md"))
        .expect("symlink");
    std::os::unix::fs::symlink(dir.path().join("outside"), root.join("linkdir")).expect("symlink");
    for name in ["link.md", "linkdir", "linkdir/"] {
        let out = run(&root, &["check", "--format", "json", name]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert_eq!(out.stdout.trim(), "[]", "{name}: {}", out.stdout);
        assert!(
            out.stderr.contains(&format!(
                "{name}: symbolic link leads outside the project root ("
            )) && out.stderr.contains("); not followed"),
            "{name}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("SECRET"), "{name}: {}", out.stderr);
    }
    // Named beside a file of the corpus: that one is still checked.
    let out = run(
        &root,
        &["check", "--format", "concise", "link.md", "posts/a.md"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.contains("posts/a.md:"), "{}", out.stdout);
    assert!(!out.stdout.contains("link.md"), "{}", out.stdout);
    assert!(!out.stdout.contains("outside"), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn a_named_symlink_inside_the_root_is_checked_under_its_name() {
    let (_dir, root) = linked_corpus();
    std::os::unix::fs::symlink("posts/a.md", root.join("inlink.md")).expect("symlink");
    let out = run(&root, &["check", "--format", "concise", "inlink.md"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().filter(|l| !l.is_empty()).collect();
    assert!(!lines.is_empty(), "{}", out.stderr);
    assert!(
        lines.iter().all(|l| l.starts_with("inlink.md:")),
        "{}",
        out.stdout
    );
}

/// A link that lies in no project (no `fmlint.toml` or `.git` above it)
/// stands for its target: `fmlint check ~/site` with `~/site` a link.
#[cfg(unix)]
#[test]
fn a_named_symlink_in_no_project_stands_for_its_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    fs::create_dir_all(&home).expect("create dir");
    if fmlint_engine::root::marked_root(&home).is_some() {
        // The temporary directory is inside a project: nothing to test.
        return;
    }
    let site = dir.path().join("data/site");
    write(&site.join("fmlint.toml"), "");
    write(&site.join("posts/a.md"), "---\nid: 1\n---\n");
    std::os::unix::fs::symlink(&site, home.join("site")).expect("symlink");
    let out = run(&home, &["check", "--format", "concise", "site"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stderr.contains("not followed"), "{}", out.stderr);
    assert!(out.stdout.contains("posts/a.md:"), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn symlinks_met_while_walking_are_skipped() {
    let (dir, root) = linked_corpus();
    std::os::unix::fs::symlink(dir.path().join("outside/secret.md"), root.join("link.md"))
        .expect("symlink");
    std::os::unix::fs::symlink(dir.path().join("outside"), root.join("linkdir")).expect("symlink");
    std::os::unix::fs::symlink("posts/a.md", root.join("inlink.md")).expect("symlink");
    std::os::unix::fs::symlink("posts", root.join("inlinkdir")).expect("symlink");
    let out = run(&root, &["check", "--format", "concise", "."]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("1 file checked"), "{}", out.stderr);
    for line in out.stdout.lines().filter(|l| !l.is_empty()) {
        assert!(line.starts_with("posts/a.md:"), "{}", out.stdout);
    }
}

// ---------------------------------------------------------------------------
// Paths in output

/// Every `path` of a JSON report, the related locations' included.
fn json_paths(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("path", Value::String(path)) => out.push(path.clone()),
                    _ => json_paths(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| json_paths(v, out)),
        _ => {}
    }
}

/// `fixtures/blog` (a config with schema files, cross-file findings with
/// related locations) checked from its parent directory, next to a file
/// outside it (and, on Unix, with links out of it): every path printed is
/// under `blog/`.
#[test]
fn every_path_printed_lies_under_the_checked_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blog = dir.path().join("blog");
    copy(Path::new("fixtures/blog"), &blog);
    write(
        &dir.path().join("outside.md"),
        "---\ntitle: Hello, world\n---\n",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path().join("outside.md"),
            blog.join("content/posts/out.md"),
        )
        .expect("symlink");
        std::os::unix::fs::symlink(dir.path(), blog.join("content/up")).expect("symlink");
    }
    let out = run(dir.path(), &["check", "--format", "json", "blog"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).expect("a JSON report");
    let findings = report.as_array().expect("an array of findings");
    let related = findings
        .iter()
        .filter_map(|f| f["related"].as_array())
        .flatten()
        .count();
    assert!(related > 0, "the fixture has cross-file findings");
    let mut paths = Vec::new();
    json_paths(&report, &mut paths);
    assert!(paths.len() > related, "{}", out.stdout);
    for path in &paths {
        let path = Path::new(path);
        assert!(
            path.starts_with("blog")
                && path
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{} is not under blog/",
            path.display()
        );
    }
    assert!(
        !out.stderr.lines().any(|l| l.starts_with("fmlint: error")),
        "{}",
        out.stderr
    );
}
