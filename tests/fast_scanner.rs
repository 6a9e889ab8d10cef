//! The fast YAML scanner (`fmlint_syntax::parse_fast`) against saphyr-parser
//! (`fmlint_syntax::parse_saphyr`): whenever the fast scanner accepts a
//! header, the parse (tree, every span, value and style, duplicate keys)
//! must be exactly saphyr's. Checked on every fixture, on generated headers
//! in and around the scanner's subset, and on hand-picked edge cases.

use std::path::{Path, PathBuf};

use fmlint_linter::diagnostic::Span;
use fmlint_syntax::{self, parse_fast, parse_saphyr};
use proptest::prelude::*;

/// Compares both front-ends on `text[yaml]`; whether the fast one accepted.
fn agree(text: &str, yaml: Span) -> bool {
    let Some(fast) = parse_fast(text, yaml) else {
        return false;
    };
    let saphyr = parse_saphyr(text, yaml);
    // Debug, not PartialEq: `.nan` is a float that equals nothing.
    assert_eq!(
        format!("{fast:#?}"),
        format!("{saphyr:#?}"),
        "the front-ends disagree on {:?}",
        &text[yaml.range()]
    );
    true
}

/// `yaml` as the header of a file, so spans do not start at 0.
fn agree_in_file(yaml: &str) -> bool {
    let text = format!("---\n{yaml}---\nbody\n");
    agree(&text, Span::new(4, 4 + yaml.len()))
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable fixture directory")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

#[test]
fn fixtures_parse_the_same_and_mostly_take_the_fast_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    markdown_files(&root, &mut files);
    let (mut quicktakes, mut quicktakes_fast, mut fast) = (0, 0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).expect("UTF-8 fixture");
        let Ok(header) = fmlint_syntax::split(&text) else {
            continue;
        };
        let accepted = agree(&text, header.yaml);
        fast += usize::from(accepted);
        if path.components().any(|c| c.as_os_str() == "quicktakes") {
            quicktakes += 1;
            quicktakes_fast += usize::from(accepted);
        }
    }
    assert!(
        files.len() > 20 && fast > 0,
        "{fast} of {} files",
        files.len()
    );
    // The QuickTakes fixtures are the shape the scanner is for; a few are
    // broken on purpose.
    assert!(
        quicktakes > 10 && quicktakes_fast * 10 >= quicktakes * 8,
        "only {quicktakes_fast} of {quicktakes} QuickTakes fixtures took the fast path"
    );
}

/// (header, whether the fast scanner must accept it)
const CASES: &[(&str, bool)] = &[
    ("a: 1\n", true),
    ("a: 1\nb: two words\nc: 'x'\nd: \"y\"\n", true),
    (
        "_schema: default\nid: 133370\ndate: 2024-07-01\nscore: -1.0\n",
        true,
    ),
    ("t: >-\n    How do plates move?\n", true),
    ("t: >\n    one line\n", true),
    ("t: |\n  a\n   b\n\n  c\n", true),
    ("t: |-\n  a\n  b\n", true),
    ("t: >-\n  a\n  b\n\n  c\n   more\n  d\n\n\n  e\n", true),
    ("t: >-\n\n  after an empty line\n", true),
    ("t: >-\n  trailing spaces   \n  \n     \n  x\nz: 1\n", true),
    ("t: >-\n  a\n\nu: 1\n", true),
    (
        "seo:\n  title: QuickTakes | Earth Sciences\n  page_description: >-\n    text\n",
        true,
    ),
    (
        "related_article1:\n    id: 64174\n    title: >-\n        What?\n    url: /x\nnext: 1\n",
        true,
    ),
    ("a:\nb:   \nc:\n", true),
    ("a:\n  b:\n    c:\nd: 1\n", true),
    ("a: 1\na: 2\n", true),
    ("a: x # note\nb: 'y'  # note\nc: \"z\" # note\n", true),
    (
        "# leading comment\n\na: 1\n  # indented comment\n# c\n",
        true,
    ),
    ("a: it's: no\n", false),
    ("a: 'it''s'\n", true),
    ("a: ''\nb: \"\"\n", true),
    ("a: http://example.com/x#y\nb: a#b\nc: x:y\n", true),
    ("a: é🚀 ü\nb: >-\n  naïve café\n", true),
    (
        "a: ~\nb: null\nc: True\nd: 0x1F\ne: .nan\nf: -.inf\ng: 1e3\nh: 0o17\n",
        true,
    ),
    ("tags:\n- a\n- 'b'\n-   c\nnext: 1\n", true),
    ("tags:\n  - a\n  - \"b\"\n", true),
    ("1: one\ntrue: yes\n", true),
    // Outside the subset: saphyr decides.
    ("", false),
    ("# only a comment\n", false),
    ("a: 1", false),
    ("a: 1\r\nb: 2\r\n", false),
    ("a:\t1\n", false),
    ("a: [1, 2]\n", false),
    ("a: {b: 1}\n", false),
    ("a: &x 1\nb: *x\n", false),
    ("a: !!str 1\n", false),
    ("a: \"esc\\n\"\n", false),
    ("a: 'open\n  more'\n", false),
    ("a: b\n  c\n", false),
    ("a: b\n  # comment\n  c\n", false),
    ("? a\n: b\n", false),
    ("\u{feff}a: 1\n", false),
    ("a: >+\n  x\n", false),
    ("a: >2\n   x\n", false),
    ("a: > # c\n  x\n", false),
    ("a: >\nb: 1\n", false),
    ("a: >\n\n    \n  x\n", false),
    ("a: 1\n---\nb: 2\n", false),
    ("  a: 1\n", false),
    ("a:\n  - b: 1\n", false),
    ("a:\n  -\n", false),
    ("- a\n", false),
    ("'a': 1\n", false),
    ("a b: 1\n", false),
    ("a : 1\n", false),
    ("a:1\n", false),
    ("a: 1\n b: 2\n", false),
    ("a:\n    b: 1\n  c: 2\n", false),
    ("a: x\n- y\n", false),
    // Characters YAML forbids are saphyr's to refuse (issue 17), and so
    // are integers beyond i64.
    ("a: x\u{81}y\n", false),
    ("a: 'x\u{fffe}'\n", false),
    ("# \u{9f}\na: 1\n", false),
    ("a: 12345678901234567890\n", false),
];

#[test]
fn edge_cases() {
    for (yaml, accepted) in CASES {
        assert_eq!(
            agree_in_file(yaml),
            *accepted,
            "fast path taken or not on {yaml:?}"
        );
        assert_eq!(agree(yaml, Span::new(0, yaml.len())), *accepted);
    }
}

/// Regression guard for the hot spot: a long `answer: >-` folded over one
/// line borrows its text; the multi-line one folds like saphyr.
#[test]
fn folded_answers() {
    let long = "word ".repeat(2000);
    assert!(agree_in_file(&format!("answer: >-\n    {long}\nx: 1\n")));
    let lines: String = (0..50).map(|i| format!("    line {i}\n\n")).collect();
    assert!(agree_in_file(&format!("answer: >-\n{lines}x: 1\n")));
}

// Generated headers: a small grammar of the subset and its neighbourhood,
// then a few random mutations.

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => prop::sample::select(vec!["id", "title", "a", "url", "seo"]).prop_map(str::to_string),
        10 => "[a-z_][a-z0-9_.-]{0,6}",
        2 => "[0-9]{1,2}",
        1 => Just("\"q\"".to_string()),
        1 => Just("a b".to_string()),
    ]
}

/// Text for one line: the characters that matter to YAML, and non-ASCII.
fn inline_text() -> impl Strategy<Value = String> {
    "[a-z0-9 :#'\",\\[\\]{}&*!|>%@?./\\\\é🚀\u{a0}\u{85}\u{2028}-]{0,14}"
}

fn plain() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => "[A-Za-z][a-z ]{0,10}[a-z]",
        3 => "[A-Za-z/][a-z :#',.é/\u{a0}-]{0,10}[a-z]",
        2 => inline_text(),
        1 => "-?[0-9]{1,4}(\\.[0-9]{0,2})?(e[0-9])?",
        1 => prop::sample::select(vec![
            "~", "null", "True", "false", ".nan", "-.inf", "0x1F", "0o17", "2024-12-16", "no",
            "-", "- x", "--- x", "a: b", "a:", "x # c", "x#c", "https://x.y/z",
        ])
        .prop_map(str::to_string),
    ]
}

fn quoted() -> impl Strategy<Value = String> {
    (
        prop::bool::ANY,
        inline_text(),
        prop::sample::select(vec!["", "", "", "", " ", "  # c", "#c", " x"]),
    )
        .prop_map(|(double, text, after)| {
            if double {
                // A backslash sometimes, for the escapes the scanner leaves.
                let text = text.replace('"', "");
                let text = if text.len() % 3 == 0 {
                    text
                } else {
                    text.replace('\\', "")
                };
                format!("\"{text}\"{after}")
            } else {
                format!("'{}'{after}", text.replace('\'', "''"))
            }
        })
}

fn block_scalar(indent: usize) -> impl Strategy<Value = String> {
    let header = prop::sample::select(vec![
        ">-", ">-", ">-", ">", ">", "|", "|-", ">-  ", "> # c", ">+", "|2",
    ]);
    let line = prop_oneof![
        // A content line, maybe more indented, maybe with trailing spaces.
        6 => (
            prop::sample::select(vec![0, 0, 0, 0, 1, 2]),
            "[A-Za-z#:'-][a-z :#é-]{0,12}",
            prop::sample::select(vec!["", "", " ", "  "]),
        )
            .prop_map(move |(extra, text, trail)| {
                format!("{}{text}{trail}\n", " ".repeat(indent + 2 + extra))
            }),
        // An empty line with some spaces.
        2 => prop::sample::select(vec![0, 0, 1, 2, 4, 6]).prop_map(|n| format!("{}\n", " ".repeat(n))),
        // A line of spaces only, more indented than the content.
        1 => (1..3usize).prop_map(move |n| format!("{}\n", " ".repeat(indent + 2 + n))),
    ];
    (header, prop::collection::vec(line, 1..6))
        .prop_map(|(header, lines)| format!("{header}\n{}", lines.concat()))
}

fn sequence(indent: usize) -> impl Strategy<Value = String> {
    let dash = prop::sample::select(vec![indent, indent + 2]);
    let item = prop_oneof![plain(), quoted()];
    (
        dash,
        prop::collection::vec(item, 1..4),
        prop::sample::select(vec![" ", "   "]),
    )
        .prop_map(|(dash, items, gap)| {
            items
                .iter()
                .map(|item| format!("{}-{gap}{item}\n", " ".repeat(dash)))
                .collect()
        })
}

fn comment(indent: usize) -> impl Strategy<Value = String> {
    (0..indent + 4).prop_map(|n| format!("{}# note\n", " ".repeat(n)))
}

/// One `key: value` entry (maybe followed by comments or blank lines) of a
/// mapping at column `indent`.
fn entry(indent: usize, depth: u32) -> BoxedStrategy<String> {
    let pad = " ".repeat(indent);
    let inline = prop_oneof![
        4 => plain(),
        2 => quoted(),
        1 => Just(String::new()),
    ]
    .prop_map(|v| format!(" {v}\n"));
    let block = block_scalar(indent).prop_map(|v| format!(" {v}"));
    let seq = sequence(indent).prop_map(|v| format!("\n{v}"));
    let value = if depth == 0 {
        prop_oneof![6 => inline, 3 => block, 1 => seq].boxed()
    } else {
        let step = prop::sample::select(vec![1usize, 2, 4]);
        let nested = step
            .prop_flat_map(move |step| mapping(indent + step, depth - 1))
            .prop_map(|m| format!("\n{m}"));
        prop_oneof![6 => inline, 3 => block, 1 => seq, 2 => nested].boxed()
    };
    let after = prop_oneof![
        6 => Just(String::new()),
        1 => Just("\n".to_string()),
        1 => comment(indent),
    ];
    (key(), value, after)
        .prop_map(move |(key, value, after)| format!("{pad}{key}:{value}{after}"))
        .boxed()
}

fn mapping(indent: usize, depth: u32) -> BoxedStrategy<String> {
    prop::collection::vec(entry(indent, depth), 1..5)
        .prop_map(|entries| entries.concat())
        .boxed()
}

/// A generated header, sometimes mutated: CRLF, a dropped final newline,
/// a character inserted or removed somewhere.
fn header() -> impl Strategy<Value = String> {
    let mutation = prop_oneof![
        8 => Just(None),
        1 => Just(Some(("\r\n", usize::MAX))),
        1 => Just(Some(("", usize::MAX - 1))),
        4 => (prop::sample::select(vec![" ", "\n", ":", "#", "-", "'", "\t", "é", "  "]), any::<usize>())
            .prop_map(|(s, at)| Some((s, at))),
        2 => any::<usize>().prop_map(|at| Some(("DEL", at))),
    ];
    (mapping(0, 2), mutation).prop_map(|(mut yaml, mutation)| {
        match mutation {
            None => {}
            Some(("\r\n", _)) => yaml = yaml.replace('\n', "\r\n"),
            Some(("", _)) => {
                yaml.pop();
            }
            Some((what, at)) => {
                let boundaries: Vec<usize> = yaml.char_indices().map(|(i, _)| i).collect();
                if let Some(&i) = boundaries.get(at % boundaries.len().max(1)) {
                    if what == "DEL" {
                        yaml.remove(i);
                    } else {
                        yaml.insert_str(i, what);
                    }
                }
            }
        }
        yaml
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn fast_scanner_agrees_with_saphyr(yaml in header()) {
        agree_in_file(&yaml);
    }
}
