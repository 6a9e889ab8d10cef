//! `key-order`'s fix on generated headers: keys with comment lines above
//! them, blank lines, block lists, nested maps and block scalars, in any
//! order. After `--fix` the header parses to the same mapping, its keys are
//! in `key-order`'s order, every comment line is kept, and fixing again
//! changes nothing.

use std::fs;
use std::path::Path;

use fmlint_engine::check::Target;
use fmlint_engine::fix::{fix, Level};
use proptest::prelude::*;

const ORDER: &[&str] = &["title", "slug", "page-type", "status", "sidebar"];
const OTHERS: &[&str] = &["extra", "notes"];

/// One key's block: its comment, its value's shape, a blank line after.
#[derive(Clone, Debug)]
struct Block {
    key: &'static str,
    comment: bool,
    shape: u8,
    blank_after: bool,
}

fn render(key: &str, b: &Block) -> String {
    let mut text = String::new();
    if b.comment {
        text.push_str(&format!("# about {key}\n"));
    }
    match b.shape % 5 {
        0 => text.push_str(&format!("{key}: plain value of {key}\n")),
        1 => text.push_str(&format!("{key}:\n  - one {key}\n  - \"two: {key}\"\n")),
        2 => text.push_str(&format!("{key}:\n  inner: {key}\n  # inside\n  other: 2\n")),
        3 => text.push_str(&format!("{key}: >-\n  folded {key}\n  text\n")),
        _ => text.push_str(&format!("{key}: '{key}'  # trailing\n")),
    }
    if b.blank_after {
        text.push('\n');
    }
    text
}

fn blocks() -> impl Strategy<Value = Vec<Block>> {
    let keys: Vec<&'static str> = ORDER.iter().chain(OTHERS).copied().collect();
    (
        Just(keys).prop_shuffle(),
        prop::collection::vec((any::<bool>(), 0u8..5, prop::bool::weighted(0.3)), 7),
        1usize..8,
    )
        .prop_map(|(keys, shapes, n)| {
            keys.into_iter()
                .take(n)
                .zip(shapes)
                .map(|(key, (comment, shape, blank_after))| Block {
                    key,
                    comment,
                    shape,
                    blank_after,
                })
                .collect()
        })
}

fn header(text: &str) -> &str {
    let end = text[4..].find("\n---\n").unwrap();
    &text[4..4 + end + 1]
}

/// The header as a JSON object with sorted keys, and its key order.
fn mapping(text: &str) -> (serde_json::Value, Vec<String>) {
    let yaml = header(text);
    let parsed = fmlint_syntax::parse(yaml, fmlint_syntax::Span::new(0, yaml.len()));
    let root = parsed.root.expect("a mapping");
    let keys = root
        .entries()
        .iter()
        .map(|e| e.key.text.to_string())
        .collect();
    (root.to_json(), keys)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_fix_moves_whole_blocks_and_converges(blocks in blocks()) {
        let dir = tempfile::tempdir().unwrap();
        let order: Vec<String> = ORDER.iter().map(|k| format!("\"{k}\"")).collect();
        fs::write(
            dir.path().join("fmlint.toml"),
            format!(
                "[files]\ninclude = [\"*.md\"]\n\n[[collections]]\nname = \"pages\"\nkey-order = [{}]\n",
                order.join(", ")
            ),
        )
        .unwrap();
        let mut text = String::from("---\n");
        for b in &blocks {
            text.push_str(&render(b.key, b));
        }
        text.push_str("---\n\nBody.\n");
        let path = dir.path().join("page.md");
        fs::write(&path, &text).unwrap();
        let settings = fmlint_engine::config::Loaded::read(&dir.path().join("fmlint.toml"))
            .unwrap()
            .compile(&["key-order".to_string()], &[])
            .unwrap();
        let target = || Target {
            paths: vec![dir.path().to_path_buf()],
            corpus_root: Some(dir.path().to_path_buf()),
            threads: 1,
            ..Target::default()
        };
        fix(target(), &settings, Level::Safe, true).unwrap();
        let fixed = fs::read_to_string(&path).unwrap();
        let (before, _) = mapping(&text);
        let (after, keys) = mapping(&fixed);
        prop_assert_eq!(before, after, "{}", fixed);
        let rank = |k: &str| ORDER.iter().position(|o| *o == k).unwrap_or(ORDER.len());
        prop_assert!(keys.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])), "{}", fixed);
        let comments = |t: &str| {
            let mut c: Vec<String> = t.lines().filter(|l| l.contains('#')).map(str::to_string).collect();
            c.sort();
            c
        };
        prop_assert_eq!(comments(&text), comments(&fixed));
        prop_assert!(fixed.ends_with("---\n\nBody.\n"));
        let again = fix(target(), &settings, Level::Safe, true).unwrap();
        prop_assert!(again.changed.is_empty(), "second --fix changed:\n{}", fs::read_to_string(&path).unwrap());
    }
}

/// The fix of the rule fixture, as `--diff` shows it: `slug` moves with its
/// comment line, `sidebar` (not listed) goes last.
#[test]
fn the_fixture_fix_as_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let case = Path::new("tests/fixtures/key-order/invalid-slug-before-title");
    for name in ["fmlint.toml", "index.md"] {
        fs::copy(case.join(name), dir.path().join(name)).unwrap();
    }
    let output = assert_cmd::Command::cargo_bin("fmlint")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "--select", "key-order", "--diff"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}
