//! Rule fixtures: every rule has `tests/fixtures/<rule>/valid-*` cases that
//! must give no finding and `invalid-*` cases that must give at least one,
//! each checked with only that rule enabled. A case is a file, or a
//! directory linted as a corpus (for path-dependent and cross-file rules).
//! The full output of every invalid case is an insta snapshot.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use fmlint_linter::rules::RULES;

/// Rules no file can trigger on purpose: `internal-error` reports a panic
/// inside fmlint (tests/panic_isolation.rs provokes one in debug builds).
const ENGINE_ONLY: &[&str] = &["internal-error"];

#[test]
fn every_rule_fixture_matches_its_snapshot() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for rule in RULES {
        let name = rule.meta().name;
        if ENGINE_ONLY.contains(&name) {
            continue;
        }
        let dir = common::fixtures().join(name);
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for case in entries {
            let case_name = case.file_name().unwrap().to_string_lossy().to_string();
            let valid = case_name.starts_with("valid-");
            if !valid && !case_name.starts_with("invalid-") {
                continue;
            }
            cases += 1;
            let result = common::lint_only(&case, &[name]);
            let found: Vec<_> = result.files.iter().flat_map(|f| &f.diagnostics).collect();
            if valid && !found.is_empty() {
                failures.push(format!(
                    "{name}/{case_name}: expected no finding, got {}",
                    found.len()
                ));
                continue;
            }
            if !valid {
                if found.is_empty() {
                    failures.push(format!("{name}/{case_name}: expected a finding, got none"));
                    continue;
                }
                if let Some(other) = found.iter().find(|d| d.rule != name) {
                    failures.push(format!(
                        "{name}/{case_name}: unexpected rule {}",
                        other.rule
                    ));
                }
                let output = common::render_full(&result);
                let snapshot = format!("{name}__{}", case_name.trim_end_matches(".md"));
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
                        insta::assert_snapshot!(snapshot, output);
                    });
                }));
                if outcome.is_err() {
                    failures.push(format!(
                        "{name}/{case_name}: snapshot differs (cargo insta review)"
                    ));
                }
            }
        }
    }
    assert!(cases > 40, "only {cases} fixture cases found");
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn registry_names_are_unique_kebab_case_with_docs_and_fixtures() {
    let mut names = std::collections::HashSet::new();
    for rule in RULES {
        let meta = rule.meta();
        assert!(names.insert(meta.name), "duplicate rule name {}", meta.name);
        assert!(
            !meta.name.is_empty()
                && meta
                    .name
                    .split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
            "{} is not kebab-case",
            meta.name
        );
        let docs = meta.docs();
        for section in ["## What it does", "## Why is this bad", "## Example"] {
            assert!(docs.contains(section), "{} docs lack {section}", meta.name);
        }
        assert!(!meta.summary().is_empty(), "{} has no summary", meta.name);
        if ENGINE_ONLY.contains(&meta.name) {
            continue;
        }
        let dir = common::fixtures().join(meta.name);
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{} has no fixtures in {}", meta.name, dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(
            cases.iter().any(|c| c.starts_with("valid-")),
            "{} has no valid fixture",
            meta.name
        );
        assert!(
            cases.iter().any(|c| c.starts_with("invalid-")),
            "{} has no invalid fixture",
            meta.name
        );
    }
}

#[test]
fn readme_rule_table_is_generated_from_the_registry() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let start = readme
        .find("<!-- rules:start -->\n")
        .expect("rules:start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("rules:end marker");
    let expected = fmlint_linter::rules::markdown_table();
    if readme[start..end] != expected {
        if std::env::var_os("FMLINT_UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..start], expected, &readme[end..]);
            std::fs::write("README.md", updated).unwrap();
        } else {
            panic!("README rule table is stale; rerun with FMLINT_UPDATE_README=1");
        }
    }
}

/// Regression (issue 17): with keys 1, 7, 3, 4, 5 in file order,
/// `reference-numbering` reported `related_article3` ("follows
/// `related_article1`") and its fix renamed four keys. The misnumbered key
/// is `related_article7`; the fix renames just it, to `related_article2`.
#[test]
fn reference_numbering_reports_the_misnumbered_key_and_renames_only_it() {
    let case = common::fixtures().join("reference-numbering/invalid-one-key-misnumbered.md");
    let text = std::fs::read_to_string(&case).expect("fixture");
    let result = common::lint_only(&case, &["reference-numbering"]);
    let found: Vec<_> = result.files.iter().flat_map(|f| &f.diagnostics).collect();
    let [finding] = found.as_slice() else {
        panic!("expected one finding, got {found:#?}");
    };
    assert_eq!(finding.field.as_deref(), Some("related_article7"));
    assert_eq!(
        finding.message,
        "`related_article7` follows `related_article1`: references must be numbered without gaps"
    );
    let fix = finding.fix.as_ref().expect("a fix");
    let edits: Vec<_> = fix
        .edits
        .iter()
        .map(|e| (&text[e.span.range()], e.replacement.as_str()))
        .collect();
    assert_eq!(edits, [("related_article7", "related_article2")]);
}
