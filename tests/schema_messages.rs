//! The `schema` rule's messages on schemas written the way docs corpora
//! write theirs (`tests/fixtures/schema/*/`: one case per keyword, an
//! MDN-style `anyOf` of `if`/`then`/`else` keyed on a slug prefix, a
//! Starlight-style `oneOf` of object shapes in a YAML schema, nested lists
//! of objects): `--format json` snapshots (tests/rules.rs keeps the `full`
//! ones), the findings at the smallest node with the property named, and
//! no message cut in any format.

mod cli_support;

mod common;

use std::path::{Path, PathBuf};

use cli_support::copy_tree as copy_dir;
use fmlint::report::{self, Format, FullOptions};
use fmlint_engine::check::CheckResult;
use fmlint_linter::diagnostic::{Applicability, Diagnostic};

/// Every schema case that brings its own `fmlint.toml`.
fn cases() -> Vec<PathBuf> {
    let dir = common::fixtures().join("schema");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("schema fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("fmlint.toml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "only {} schema cases", cases.len());
    cases
}

fn render(format: Format, result: &CheckResult) -> String {
    let mut out = Vec::new();
    report::write(format, result, &mut out, &FullOptions::default()).expect("render");
    String::from_utf8(out).expect("UTF-8")
}

fn findings(result: &CheckResult) -> Vec<(&Path, &Diagnostic)> {
    result
        .files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(move |d| (f.path.as_ref(), d)))
        .collect()
}

#[test]
fn every_case_matches_its_json_snapshot() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("valid-") {
            continue;
        }
        let result = common::lint_only(&case, &["schema"]);
        let json = render(Format::Json, &result).replace('\\', "/");
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("schema-json__{name}"), json);
        });
    }
}

/// A message must be whole in every format: nothing ends in `…`, and each
/// format carries each message in full (the `full` format may wrap it).
#[test]
fn no_message_is_cut_in_any_format() {
    for case in cases() {
        let result = common::lint_only(&case, &["schema"]);
        let all = findings(&result);
        for (_, d) in &all {
            assert!(!d.message.contains('…'), "cut: {}", d.message);
            if let Some(help) = &d.help {
                assert!(!help.contains('…'), "cut help: {help}");
            }
        }
        for format in [
            Format::Concise,
            Format::Json,
            Format::JsonLines,
            Format::Github,
            Format::Sarif,
            Format::Junit,
            Format::Gitlab,
            Format::Full,
        ] {
            let out = render(format, &result);
            let flat = flatten(&out);
            for (_, d) in &all {
                let message = match format {
                    Format::Json | Format::JsonLines | Format::Sarif | Format::Gitlab => {
                        serde_json::to_string(d.message.as_ref())
                            .unwrap()
                            .trim_matches('"')
                            .to_string()
                    }
                    Format::Github => report::escape_data(&d.message),
                    Format::Junit => junit_escaped(&d.message),
                    _ => d.message.to_string(),
                };
                let found = match format {
                    Format::Full => flat.contains(&flatten(&message)),
                    _ => out.contains(&message),
                };
                assert!(
                    found,
                    "{format:?} lacks the whole message {message:?}\n{out}"
                );
            }
        }
    }
}

/// The text without the `full` format's wrapping: its gutter, its line
/// breaks, and the breaks it makes after a hyphen.
fn flatten(text: &str) -> String {
    text.replace(['│', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("- ", "-")
}

/// As the JUnit reporter escapes an attribute.
fn junit_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn case(name: &str) -> Vec<(String, Diagnostic)> {
    let result = common::lint_only(&common::fixtures().join("schema").join(name), &["schema"]);
    findings(&result)
        .into_iter()
        .map(|(p, d)| (p.to_string_lossy().replace('\\', "/"), d.clone()))
        .collect()
}

fn at<'a>(found: &'a [(String, Diagnostic)], path_end: &str, field: &str) -> &'a Diagnostic {
    found
        .iter()
        .find(|(p, d)| p.ends_with(path_end) && d.field.as_deref() == Some(field))
        .map(|(_, d)| d)
        .unwrap_or_else(|| panic!("no finding on `{field}` in {path_end}: {found:#?}"))
}

fn text_at(path: &Path, d: &Diagnostic) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text[d.span().range()].to_string()
}

/// MDN's layout: the page type allowed depends on the slug's prefix. The
/// finding is on the value, names `page-type`, lists every value the
/// matching cases allow (both the `Headers/` and the `HTTP/` case match)
/// and fixes the one-letter slip.
#[test]
fn mdn_page_type_is_reported_at_the_value_with_every_allowed_value() {
    let found = case("invalid-mdn-page-type");
    let accept = "files/en-us/web/http/headers/accept/index.md";
    let d = at(&found, accept, "page-type");
    let root = common::fixtures().join("schema/invalid-mdn-page-type");
    assert_eq!(text_at(&root.join(accept), d), "http-headr");
    assert!(d.message.contains("`page-type`"), "{}", d.message);
    let help = d.help.as_deref().unwrap();
    for value in ["guide", "http-header", "landing-page", "http-status-code"] {
        assert!(help.contains(&format!("`{value}`")), "{help}");
    }
    assert!(help.starts_with("did you mean `http-header`?"), "{help}");
    let fix = d.fix.as_ref().expect("a fix");
    assert_eq!(fix.applicability, Applicability::Unsafe);
    assert_eq!(fix.edits[0].replacement, "http-header");
    // No finding on the whole header: each is on one line.
    assert!(
        found
            .iter()
            .all(|(_, d)| d.location.start.line == d.location.end.line),
        "{found:#?}"
    );
}

#[test]
fn a_slug_no_case_accepts_is_reported_at_the_slug() {
    let found = case("invalid-mdn-page-type");
    let d = at(&found, "glossary/api/index.md", "slug");
    assert!(
        d.message.contains("`slug` matches none of the 6 cases"),
        "{}",
        d.message
    );
    assert!(d.help.as_deref().unwrap().contains("matches `^Glossary/`"));
}

#[test]
fn every_missing_key_is_named_in_one_finding_at_the_opening_fence() {
    let found = case("invalid-mdn-page-type");
    let get: Vec<_> = found
        .iter()
        .filter(|(p, _)| p.ends_with("methods/get/index.md"))
        .collect();
    assert_eq!(get.len(), 1, "{get:#?}");
    let d = &get[0].1;
    assert_eq!(
        d.message,
        "missing 2 required fields: `title` and `page-type`"
    );
    assert_eq!(d.span().start, 0);
    assert_eq!(d.span().len(), 3);
}

#[test]
fn unknown_keys_suggest_and_rename_keeping_value_and_comment() {
    let found = case("invalid-additional-properties");
    let d = at(&found, "post.md", "authr");
    assert_eq!(d.message, "unknown key `authr`; did you mean `author`?");
    let fix = d.fix.as_ref().expect("a rename");
    assert_eq!(fix.edits[0].replacement, "author");
    let quoted = at(&found, "post.md", "dat");
    assert_eq!(
        quoted.fix.as_ref().unwrap().edits[0].replacement,
        "\"date\""
    );
    let nested = at(&found, "post.md", "seo.descripton");
    assert!(
        nested
            .message
            .contains("in `seo`; did you mean `description`?"),
        "{}",
        nested.message
    );
    let far = at(&found, "post.md", "tags");
    assert!(far.fix.is_none() && far.message == "unknown key `tags`");
    // `author` is already there: no rename onto it.
    let both = at(&found, "both.md", "authr");
    assert!(both.fix.is_none());
    assert!(both.help.as_deref().unwrap().contains("already set"));
}

#[test]
fn starlight_shapes_are_chosen_by_type_and_discriminator() {
    let found = case("invalid-starlight-one-of");
    let variant = at(&found, "intro.md", "sidebar.badge.variant");
    assert!(
        variant
            .message
            .starts_with("`sidebar.badge.variant` must be one of 6 allowed values, not `tipp`"),
        "{}",
        variant.message
    );
    assert_eq!(variant.fix.as_ref().unwrap().edits[0].replacement, "tip");
    let badge = at(&found, "api.md", "sidebar.badge");
    assert_eq!(
        badge.message,
        "`sidebar.badge` must be a string or a mapping, found a list"
    );
    let banner = at(&found, "api.md", "banner.type");
    assert_eq!(
        banner.message,
        "`banner.type` must be `note` or `link`, not `lnk`"
    );
    assert_eq!(banner.fix.as_ref().unwrap().edits[0].replacement, "link");
    let href = at(&found, "links.md", "banner.href");
    assert!(
        href.message.contains("is not a valid absolute URI"),
        "{}",
        href.message
    );
    let missing = at(&found, "intro.md", "hero.actions[1].link");
    assert_eq!(
        missing.message,
        "missing required field `link` in `hero.actions[1]`"
    );
}

#[test]
fn custom_messages_replace_fmlints() {
    let found = case("invalid-custom-message");
    let title = at(&found, "a.md", "title");
    assert_eq!(
        title.message,
        "every page needs a `title`: it is the <h1> and the <title>"
    );
    let slug = at(&found, "a.md", "slug");
    assert!(
        slug.message.starts_with("`slug` is the page's path"),
        "{}",
        slug.message
    );
    let keyword = case("invalid-error-message-keyword");
    let d = at(&keyword, "a.md", "page-type");
    assert_eq!(d.message, "page-type must match the slug's section");
    assert!(d.help.as_deref().unwrap().contains("`css-property`"));
}

/// `--unsafe-fixes` applies the schema's fixes in place, keeping the
/// author's style, and a second run has nothing left to fix.
#[test]
fn unsafe_fixes_correct_values_and_rename_keys_in_place() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &common::fixtures().join("schema/invalid-mdn-page-type"),
        dir.path(),
    );
    let fix = |dir: &Path| {
        assert_cmd::Command::cargo_bin("fmlint")
            .unwrap()
            .current_dir(dir)
            .args([
                "check",
                ".",
                "--no-cache",
                "--fix",
                "--unsafe-fixes",
                "--format",
                "concise",
            ])
            .output()
            .unwrap()
    };
    fix(dir.path());
    let color =
        std::fs::read_to_string(dir.path().join("files/en-us/web/css/color/index.md")).unwrap();
    assert!(color.contains("\npage-type: css-property\n"), "{color}");
    assert!(
        color.contains("\nspec-urls: https://drafts.csswg.org/css-color/#the-color-property\n"),
        "{color}"
    );
    let accept = std::fs::read_to_string(
        dir.path()
            .join("files/en-us/web/http/headers/accept/index.md"),
    )
    .unwrap();
    assert!(accept.contains("\npage-type: http-header\n"), "{accept}");
    let again = fix(dir.path());
    let stderr = String::from_utf8(again.stderr).unwrap();
    assert!(stderr.contains("applied 0 fixes"), "{stderr}");
}
