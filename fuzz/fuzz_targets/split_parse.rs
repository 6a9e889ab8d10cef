//! Header split + YAML or TOML tree on arbitrary input: no panic, no hang, every
//! span the two return lies inside the text on character boundaries, and
//! whenever the fast scanner accepts a header its parse is saphyr's.
#![no_main]

use fmlint_linter::diagnostic::Span;
use fmlint_syntax::{self, Node, Problem, Value};
use libfuzzer_sys::fuzz_target;

fn check(text: &str, span: Span) {
    let range = span.range();
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{span:?} out of bounds"
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{span:?} splits a char"
    );
}

fn walk(text: &str, node: &Node<'_>, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    check(text, node.span);
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| walk(text, n, budget)),
        Value::Map(entries) => entries.iter().for_each(|e| {
            check(text, e.key.span);
            walk(text, &e.value, budget);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    // Lossy like the linter's reader would see it after its own UTF-8 check:
    // the fuzzer mostly produces valid UTF-8 anyway once it finds `---`.
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    match fmlint_syntax::split(text) {
        Ok(header) => {
            check(text, header.open);
            check(text, header.yaml);
            check(text, header.close);
            // YAML or TOML, by the fences.
            let parsed = fmlint_syntax::parse_header(text, &header);
            let yaml = header.format == fmlint_syntax::Format::Yaml;
            if let Some(fast) = yaml
                .then(|| fmlint_syntax::parse_fast(text, header.yaml))
                .flatten()
            {
                let saphyr = fmlint_syntax::parse_saphyr(text, header.yaml);
                // Debug, not PartialEq: `.nan` equals nothing.
                assert_eq!(
                    format!("{fast:?}"),
                    format!("{saphyr:?}"),
                    "the fast scanner disagrees with saphyr"
                );
            }
            for problem in &parsed.problems {
                match problem {
                    Problem::Syntax { at, .. } => check(text, *at),
                    Problem::DuplicateKey { key, first, .. } => {
                        check(text, *key);
                        check(text, *first);
                    }
                }
            }
            if let Some(root) = &parsed.root {
                let _ = root.to_json();
                walk(text, root, &mut 1_000_000);
            }
        }
        Err(fmlint_syntax::SplitError::Missing(span) | fmlint_syntax::SplitError::Unclosed(span)) => {
            check(text, span)
        }
    }
});
