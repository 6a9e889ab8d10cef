//! Property tests of the per-file lint path (`fmlint_linter::lint::lint_text`):
//! for YAML-ish headers from a small grammar (keys, plain and quoted
//! scalars, `>-` blocks, flow maps, anchors, non-ASCII text and emoji, CRLF,
//! tabs, BOM) and for arbitrary text, linting never panics, every span lies
//! within the text on character boundaries (fix edits too), and each
//! finding's line/column agree with its byte offsets, recomputed here
//! independently of `fmlint_syntax::lines`.

use std::path::Path;
use std::sync::OnceLock;

use fmlint_linter::diagnostic::{Diagnostic, LineCol, Span};
use fmlint_linter::lint::lint_text;
use fmlint_linter::settings::Settings;
use proptest::prelude::*;

fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| fmlint_engine::config::quicktakes().expect("built-in settings"))
}

/// The line and column of `offset` by the definition: 1 + newlines before
/// it; 1 + characters between the line's start and it.
fn expected_line_col(text: &str, offset: usize) -> LineCol {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol {
        line: before.matches('\n').count() as u32 + 1,
        column: before[line_start..].chars().count() as u32 + 1,
    }
}

fn check_span(text: &str, span: Span, what: &str) -> Result<(), TestCaseError> {
    let (start, end) = (span.start as usize, span.end as usize);
    prop_assert!(start <= end, "{what}: reversed span {start}..{end}");
    prop_assert!(
        end <= text.len(),
        "{what}: span {start}..{end} past the end ({})",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(start),
        "{what}: start {start} inside a character"
    );
    prop_assert!(
        text.is_char_boundary(end),
        "{what}: end {end} inside a character"
    );
    Ok(())
}

fn check_diagnostic(text: &str, d: &Diagnostic) -> Result<(), TestCaseError> {
    let what = format!("[{}] {}", d.rule, d.message);
    let span = d.span();
    check_span(text, span, &what)?;
    prop_assert_eq!(
        d.location.start,
        expected_line_col(text, span.start as usize),
        "{} start",
        what
    );
    prop_assert_eq!(
        d.location.end,
        expected_line_col(text, span.end as usize),
        "{} end",
        what
    );
    if let Some(fix) = &d.fix {
        for edit in &fix.edits {
            check_span(text, edit.span, &format!("{what} (fix edit)"))?;
        }
    }
    Ok(())
}

fn lint_and_check(text: &str) -> Result<(), TestCaseError> {
    let path = Path::new("content/learn/star-gazing/what-is-a-comet.md");
    for (report, summary) in [(true, true), (true, false), (false, true)] {
        let (diagnostics, _) = lint_text(path, text, settings(), report, summary);
        for d in &diagnostics {
            check_diagnostic(text, d)?;
        }
    }
    Ok(())
}

// ---- the grammar -------------------------------------------------------

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "_schema",
            "id",
            "date",
            "title",
            "article_title",
            "question",
            "date_format",
            "post_on_text",
            "author",
            "answer",
            "subject",
            "file_name",
            "url",
            "score",
            "no_index",
            "seo",
            "related_article1",
            "related_article2",
            "é",
            "🚀",
            "ключ",
            "a b",
            "\"quoted key\"",
            "'single'",
            "? complex",
            "-",
            "<<",
        ])
        .prop_map(str::to_string),
        "[a-z_][a-z0-9_]{0,8}",
    ]
}

/// A character that might trouble a scanner or an offset conversion.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::sample::select(vec![
            ' ', ':', '#', '\'', '"', '\\', '{', '}', '[', ']', ',', '&', '*',
            '!', '|', '>', '-', '?', '%', '@', '`', '\t', 'é', 'ß', 'Ж', '中',
            '🚀', '👍', '\u{200b}', '\u{feff}', '\u{2028}',
        ]),
    ]
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(text_char(), 0..24).prop_map(|c| c.into_iter().collect())
}

fn scalar(eol: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        words(),
        words().prop_map(|w| format!("'{}'", w.replace('\'', "''"))),
        words().prop_map(|w| format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))),
        words().prop_map(|w| format!("\"{w}\"")),
        Just("\"\\u00e9 \\t \\n \\x41 \\U0001F680\"".to_string()),
        prop::sample::select(vec![
            "3608",
            "-1.0",
            "1e3",
            ".inf",
            "0x1F",
            "0o17",
            "~",
            "null",
            "true",
            "no",
            "2024-02-30",
            "2024-05-01",
            "Dec 3, 2024",
            "MMM DD, YYYY",
            "/learn/star-gazing/questions/what-is-a-comet",
            "what-is-a-comet.md",
            "QuickTakes | Star Gazing",
            "99999999999999999999999",
        ])
        .prop_map(str::to_string),
        (
            prop::sample::select(vec![">-", ">", "|", "|-", "|+", ">2"]),
            prop::collection::vec(words(), 1..4),
            0usize..6
        )
            .prop_map(move |(indicator, lines, indent)| {
                let pad = " ".repeat(indent);
                let body: Vec<String> = lines.iter().map(|l| format!("{pad}{l}")).collect();
                format!("{indicator}{eol}{}", body.join(eol))
            }),
        prop::collection::vec((key(), words()), 0..4).prop_map(|pairs| {
            let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{{{}}}", inner.join(", "))
        }),
        prop::collection::vec(words(), 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
        "[a-z]{1,3}".prop_map(|a| format!("&{a} {a}")),
        "[a-z]{1,3}".prop_map(|a| format!("*{a}")),
    ]
}

/// One header line (or a few: block scalars and nested maps).
fn entry(eol: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (key(), scalar(eol)).prop_map(|(k, v)| format!("{k}: {v}")),
        2 => (key(), prop::collection::vec((key(), scalar(eol)), 1..4), 1usize..5).prop_map(
            move |(k, children, indent)| {
                let pad = " ".repeat(indent);
                let lines: Vec<String> =
                    children.iter().map(|(ck, cv)| format!("{pad}{ck}: {cv}")).collect();
                format!("{k}:{eol}{}", lines.join(eol))
            }
        ),
        1 => scalar(eol).prop_map(|v| format!("- {v}")),
        1 => words().prop_map(|w| format!("# {w}")),
        1 => (0usize..4, key(), scalar(eol)).prop_map(|(n, k, v)| format!("{}{k}: {v}", " ".repeat(n))),
        1 => (key(), scalar(eol)).prop_map(|(k, v)| format!("\t{k}: {v}")),
        1 => Just(String::new()),
        1 => Just("...".to_string()),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop_oneof![Just("\n"), Just("\r\n")].prop_flat_map(|eol| {
        (
            any::<bool>(),
            prop::collection::vec(entry(eol), 0..12),
            prop::sample::select(vec!["---", "...", "--- ", ""]),
            words(),
        )
            .prop_map(move |(bom, entries, close, body)| {
                let mut text = String::new();
                if bom {
                    text.push('\u{feff}');
                }
                text.push_str("---");
                text.push_str(eol);
                for entry in entries {
                    text.push_str(&entry);
                    text.push_str(eol);
                }
                text.push_str(close);
                text.push_str(eol);
                text.push_str(&body);
                text
            })
    })
}

/// A clean QuickTakes article with some values swapped for grammar
/// scalars: reaches the consistency, date and reference rules, whose spans
/// point inside folded scalars and nested maps.
fn mutated_article() -> impl Strategy<Value = String> {
    const FIELDS: &[(&str, &str)] = &[
        ("_schema", "default"),
        ("id", "1"),
        ("date", "2024-05-01"),
        ("title", ">-\n    What is a comet? é🚀"),
        ("article_title", ">-\n    What is a comet? é🚀"),
        ("date_format", "MMM DD, YYYY"),
        ("post_on_text", "Posted on"),
        ("seo", "\n  title: QuickTakes | Star Gazing\n  page_description: >-\n    About it.\n  page_keywords: it"),
        ("author", "QuickTakes"),
        ("question", ">-\n    What is a comet? é🚀"),
        ("answer", ">-\n    An answer.\\n\\nWith lines."),
        ("subject", "Star Gazing"),
        ("file_name", "what-is-a-comet.md"),
        ("url", "/learn/star-gazing/questions/what-is-a-comet"),
        ("related_article1", "\n    id: 1\n    title: >-\n        Other ü\n    subject: Star Gazing\n    url: /learn/star-gazing/questions/other"),
        ("related_article3", "{id: 2, title: X, subject: Star Gazing, url: /x}"),
    ];
    prop_oneof![Just("\n"), Just("\r\n")].prop_flat_map(|eol| {
        prop::collection::vec(prop::option::weighted(0.25, scalar(eol)), FIELDS.len()).prop_map(
            move |overrides| {
                let mut text = String::from("---\n");
                for ((key, value), new) in FIELDS.iter().zip(overrides) {
                    let value = new.unwrap_or_else(|| value.to_string());
                    text.push_str(&format!("{key}: {value}\n"));
                }
                text.push_str("---\n\n&nbsp;\n");
                text.replace('\n', eol)
            },
        )
    })
}

proptest! {
    // ~5 s in a debug build; failures print their shrunk input (no
    // regression files: integration tests have no lib.rs beside them).
    #![proptest_config(ProptestConfig {
        cases: 1024,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_articles_never_panic_and_spans_are_sound(text in mutated_article()) {
        lint_and_check(&text)?;
    }

    #[test]
    fn grammar_headers_never_panic_and_spans_are_sound(text in document()) {
        lint_and_check(&text)?;
    }

    #[test]
    fn arbitrary_text_after_a_fence(body in "\\PC{0,200}", crlf in any::<bool>()) {
        let eol = if crlf { "\r\n" } else { "\n" };
        lint_and_check(&format!("---{eol}{body}{eol}---{eol}"))?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        // Arbitrary bytes become text the way an editor buffer would.
        let text = String::from_utf8_lossy(&bytes);
        lint_and_check(&text)?;
        lint_and_check(&format!("---\n{text}\n---\n"))?;
    }
}

/// Regression guard for the grammar itself: a known-good article parses
/// with no findings, so the properties above are not vacuous.
#[test]
fn a_clean_article_has_no_findings() {
    let text = "---\n_schema: default\nid: 1\ndate: 2024-05-01\ntitle: >-\n    What is a comet?\narticle_title: >-\n    What is a comet?\ndate_format: MMM DD, YYYY\npost_on_text: Posted on\nseo:\n  title: QuickTakes | Star Gazing\n  page_description: >-\n    About it.\n  page_keywords: >-\n    it\nauthor: QuickTakes\nquestion: >-\n    What is a comet?\nanswer: >-\n    An answer.\nsubject: Star Gazing\nfile_name: what-is-a-comet.md\nurl: /learn/star-gazing/questions/what-is-a-comet\n---\n\n&nbsp;\n";
    let path = Path::new("content/learn/star-gazing/what-is-a-comet.md");
    let (diagnostics, _) = lint_text(path, text, settings(), true, true);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}
