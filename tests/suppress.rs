//! Inline `# fmlint-ignore` comments, on copies of `tests/fixtures/formats`:
//! same line, line above (over a folded scalar), file level, every rule,
//! cross-file findings, comments that are really text, and unused
//! suppressions reported as warnings.

mod cli_support;

use cli_support::{check, corpus, edit, summary, unix_paths};

const CORPUS: &str = "formats";
const PULSAR: &str = "content/learn/astronomy/what-is-a-pulsar.md";
const COMET: &str = "content/learn/astronomy/what-is-a-comet.md";
const COCOA: &str = "content/learn/chocolate/100-cocoa-why-is-it-bitter-really.md";

fn findings(dir: &std::path::Path, args: &[&str]) -> (Vec<String>, cli_support::Run) {
    let mut all = vec!["--format", "concise"];
    all.extend(args);
    let run = check(dir, &all);
    let lines = unix_paths(run.stdout.clone())
        .lines()
        .map(str::to_string)
        .collect();
    (lines, run)
}

fn rules_of(lines: &[String], path: &str) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.starts_with(path))
        .map(|l| l[l.find('[').unwrap() + 1..l.find(']').unwrap()].to_string())
        .collect()
}

#[test]
fn same_line_silences_a_cross_file_finding() {
    let dir = corpus(CORPUS);
    edit(dir.path(), COMET, |t| {
        t.replace("id: 1001\n", "id: 1001  # fmlint-ignore: duplicate-id\n")
    });
    let (lines, run) = findings(dir.path(), &[]);
    assert!(rules_of(&lines, COMET).is_empty(), "{lines:?}");
    // The other holder still reports it.
    assert!(lines
        .iter()
        .any(|l| l.contains("what-is-a-nebula.md:3:5: error[duplicate-id]")));
    assert!(
        run.stderr.contains("; 1 suppressed inline"),
        "{}",
        run.stderr
    );
}

#[test]
fn line_above_silences_the_key_and_its_folded_value() {
    let dir = corpus(CORPUS);
    // The finding is on the folded scalar's content, the line after the key.
    edit(dir.path(), COCOA, |t| {
        t.replace(
            "question: >-",
            "# fmlint-ignore: title-mismatch -- the question reads better\nquestion: >-",
        )
    });
    let (lines, _) = findings(dir.path(), &[]);
    assert!(rules_of(&lines, COCOA).is_empty(), "{lines:?}");
}

#[test]
fn line_above_reaches_a_nested_value_through_its_parent_key() {
    let dir = corpus(CORPUS);
    edit(dir.path(), PULSAR, |t| {
        t.replace(
            "related_article1:",
            "# fmlint-ignore: dangling-reference\n\nrelated_article1:",
        )
    });
    let (lines, _) = findings(dir.path(), &[]);
    assert_eq!(
        rules_of(&lines, PULSAR),
        ["title-mismatch", "unused-suppression"]
    );
}

#[test]
fn file_level_and_every_rule_forms() {
    let dir = corpus(CORPUS);
    edit(dir.path(), PULSAR, |t| {
        t.replacen(
            "_schema: default\n",
            "_schema: default\n# fmlint-ignore-file: dangling-reference, title-mismatch\n",
            1,
        )
    });
    edit(dir.path(), COCOA, |t| {
        t.replace("question: >-", "# fmlint-ignore\nquestion: >-")
    });
    let (lines, run) = findings(dir.path(), &[]);
    assert_eq!(rules_of(&lines, PULSAR), ["unused-suppression"]);
    assert!(rules_of(&lines, COCOA).is_empty(), "{lines:?}");
    assert!(
        run.stderr.contains("; 3 suppressed inline"),
        "{}",
        run.stderr
    );
}

#[test]
fn unused_suppressions_are_warnings() {
    let dir = corpus(CORPUS);
    edit(dir.path(), COMET, |t| {
        t.replace(
            "date: 2024-05-01\n",
            "date: 2024-05-01  # fmlint-ignore: invalid-date, no-such-rule\n",
        )
        .replacen(
            "_schema: default\n",
            "_schema: default\n# fmlint-ignore-file: stale-reference\n",
            1,
        )
    });
    let (lines, run) = findings(
        dir.path(),
        &[
            "--select",
            "invalid-date,stale-reference,unused-suppression",
        ],
    );
    assert_eq!(run.code, 0, "warnings only: {lines:?}");
    assert_eq!(
        lines,
        [
            "content/learn/astronomy/what-is-a-comet.md:3:23: warning[unused-suppression] unused suppression: \
             no `stale-reference` finding in this file",
            "content/learn/astronomy/what-is-a-comet.md:5:36: warning[unused-suppression] unused suppression: \
             no `invalid-date` finding on this line",
            "content/learn/astronomy/what-is-a-comet.md:5:50: warning[unused-suppression] unused suppression: \
             `no-such-rule` is not a rule",
        ]
    );
    assert_eq!(
        summary(&run.stderr),
        "0 errors, 3 warnings in 1 file; 5 files checked"
    );
}

#[test]
fn suppressions_of_rules_turned_off_are_not_judged() {
    let dir = corpus(CORPUS);
    edit(dir.path(), COMET, |t| {
        t.replace("id: 1005\n", "id: 1005  # fmlint-ignore: stale-reference\n")
    });
    let (lines, _) = findings(dir.path(), &["--ignore", "stale-reference"]);
    assert!(
        rules_of(&lines, COMET)
            .iter()
            .all(|r| r != "unused-suppression"),
        "{lines:?}"
    );
    let (lines, _) = findings(dir.path(), &[]);
    assert!(
        rules_of(&lines, COMET)
            .iter()
            .any(|r| r == "unused-suppression"),
        "{lines:?}"
    );
}

#[test]
fn comments_inside_text_are_not_directives() {
    let dir = corpus(CORPUS);
    edit(dir.path(), COCOA, |t| {
        t.replace(
            "    An answer.",
            "    An answer. # fmlint-ignore: title-mismatch\n    # fmlint-ignore-file",
        )
        .replace(
            "post_on_text: Posted on",
            "post_on_text: \"Posted # fmlint-ignore\"",
        )
    });
    let (lines, _) = findings(dir.path(), &[]);
    assert_eq!(rules_of(&lines, COCOA), ["title-mismatch"]);
}

#[test]
fn unused_suppression_can_be_ignored() {
    let dir = corpus(CORPUS);
    let (lines, _) = findings(dir.path(), &["--ignore", "unused-suppression"]);
    assert!(lines.iter().all(|l| !l.contains("unused-suppression")));
}
