//! Loading a config's schema: JSON or YAML, a JSON pointer into a file,
//! the draft from `$schema`, and every mistake a metaschema lets through
//! (a file that is not a schema, a typo'd keyword, a keyword the draft
//! does not have) reported at the config's `schema =` line, exit 2.

mod cli_support;

use std::fs;

use cli_support::fmlint as run;

/// A project with `schema = "<spec>"` at line 3, `file` holding `schema`,
/// and one page whose front matter is `header`.
fn project(spec: &str, file: &str, schema: &str, header: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("fmlint.toml"),
        format!("[[collections]]\nname = \"pages\"\nschema = \"{spec}\"\n"),
    )
    .unwrap();
    fs::write(dir.path().join(file), schema).unwrap();
    fs::write(
        dir.path().join("page.md"),
        format!("---\n{header}---\n\nBody.\n"),
    )
    .unwrap();
    dir
}

fn config_error(spec: &str, file: &str, schema: &str) -> String {
    let dir = project(spec, file, schema, "title: x\n");
    let out = run(dir.path(), &["check", "--no-cache"]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("fmlint.toml:3:10: "), "{}", out.stderr);
    out.stderr
}

const MDN_LIKE: &str = r#"{"lineWidth": -1, "schema": {"type": "object", "additionalProperties": false,
  "properties": {"title": {"type": "string"}, "page-type": {"enum": ["guide"]}}}}"#;

#[test]
fn a_file_that_is_not_a_schema_is_refused_with_the_pointer_to_use() {
    let stderr = config_error("config.json", "config.json", MDN_LIKE);
    assert!(stderr.contains("is not a JSON Schema"), "{stderr}");
    let flat = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("`schema = \"config.json#/schema\"`"),
        "{stderr}"
    );
}

#[test]
fn a_json_pointer_selects_the_schema_inside_a_file() {
    let dir = project(
        "config.json#/schema",
        "config.json",
        MDN_LIKE,
        "title: x\npage-type: guid\nauthr: me\n",
    );
    let out = run(dir.path(), &["check", "--no-cache", "--format", "concise"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("page.md:3:12: error[schema] `page-type` must be `guide`, not `guid`"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("unknown key `authr`"), "{}", out.stdout);
    let stderr = config_error("config.json#/schemas", "config.json", MDN_LIKE);
    assert!(
        stderr.contains("nothing at `/schemas`") && stderr.contains("`/schema`"),
        "{stderr}"
    );
}

#[test]
fn typod_keywords_are_each_reported() {
    let stderr = config_error(
        "s.json",
        "s.json",
        r#"{"type": "object", "requried": ["title"], "properties": {"title": {"typ": "string"}}}"#,
    );
    assert!(stderr.contains("(2 errors)"), "{stderr}");
    assert!(
        stderr.contains("unknown keyword `requried` at `/`: did you mean `required`?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unknown keyword `typ` at `/properties/title`: did you mean `type`?"),
        "{stderr}"
    );
}

#[test]
fn the_metaschema_rejects_a_wrong_keyword_value_with_its_place() {
    let stderr = config_error(
        "s.json",
        "s.json",
        r#"{"properties": {"id": {"type": "integr"}}}"#,
    );
    assert!(stderr.contains("at `/properties/id/type`"), "{stderr}");
}

#[test]
fn the_draft_comes_from_dollar_schema() {
    // Draft 04: `exclusiveMaximum` is a boolean beside `maximum`.
    let dir = project(
        "s.json",
        "s.json",
        r#"{"$schema": "http://json-schema.org/draft-04/schema#",
            "properties": {"n": {"type": "number", "maximum": 10, "exclusiveMaximum": true}}}"#,
        "n: 10\n",
    );
    let out = run(dir.path(), &["check", "--no-cache", "--format", "concise"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout.contains("`n` must be less than 10, found `10`"),
        "{}",
        out.stdout
    );
    let stderr = config_error(
        "s.json",
        "s.json",
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "unevaluatedProperties": false}"#,
    );
    assert!(stderr.contains("not a keyword of draft 07"), "{stderr}");
    let stderr = config_error(
        "s.json",
        "s.json",
        r#"{"$schema": "https://example.com/meta"}"#,
    );
    assert!(
        stderr.contains("a dialect fmlint does not know"),
        "{stderr}"
    );
}

#[test]
fn yaml_schemas_are_read_and_their_syntax_errors_located() {
    let dir = project(
        "s.yaml",
        "s.yaml",
        "type: object\nproperties:\n  draft: {type: boolean}\n",
        "draft: \"yes\"\n",
    );
    let out = run(dir.path(), &["check", "--no-cache", "--format", "concise"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("`draft` must be a boolean, found a string"),
        "{}",
        out.stdout
    );
    let stderr = config_error("s.yml", "s.yml", "type: [object\n");
    assert!(stderr.contains("is not valid YAML: "), "{stderr}");
}
