//! TOML text → the same spanned tree the YAML path builds, so every rule
//! works on a Hugo or Zola `+++` header unchanged.
//!
//! The `toml` crate parses (its `DeTable` keeps a span for every key and
//! value); this module only translates. Datetimes become strings holding
//! their text as written (`2024-12-16T09:30:00+01:00`), which is what the
//! date rules check, as YAML 1.2 keeps `2024-12-16` a string. A syntax error
//! is a [`Problem::Syntax`] at the parser's span, and no tree, as in YAML.
//! TOML forbids duplicate keys, so they are syntax errors here too.

use std::borrow::Cow;

use ::toml::de::{DeTable, DeValue};
use ::toml::Spanned;

use crate::builder::{Parsed, Problem, MAX_DEPTH};
use crate::span::Span;
use crate::tree::{Entry, Key, KeyValue, Node, Style, Value};

/// Parses `text[body]` as TOML, reporting spans in `text`'s coordinates.
pub fn parse(text: &str, body: Span) -> Parsed<'_> {
    let Some(source) = text.get(body.range()) else {
        return Parsed::default();
    };
    let base = body.start as usize;
    let table = match DeTable::parse(source) {
        Ok(table) => table,
        Err(error) => return failed(source, base, &error),
    };
    let mut convert = Convert {
        source,
        base,
        problem: None,
    };
    let root = Node {
        span: body,
        style: Style::Block,
        value: convert.table(table.into_inner(), 0),
    };
    match convert.problem {
        Some(problem) => Parsed {
            root: None,
            problems: vec![problem],
        },
        None => Parsed {
            root: Some(root),
            problems: Vec::new(),
        },
    }
}

/// The parse of a header TOML refused: the error at its span.
fn failed<'a>(source: &str, base: usize, error: &::toml::de::Error) -> Parsed<'a> {
    let range = error.span().unwrap_or(0..0);
    let end = range.end.min(source.len());
    let start = range.start.min(end);
    Parsed {
        root: None,
        problems: vec![Problem::Syntax {
            at: Span::new(base + start, base + end),
            message: error.message().trim_end().to_string(),
            help: None,
        }],
    }
}

/// `toml`'s tree → ours, shifting spans by `base`.
struct Convert<'a> {
    source: &'a str,
    base: usize,
    /// What makes the tree unusable (a value out of range, too deep).
    problem: Option<Problem>,
}

impl<'a> Convert<'a> {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        let end = range.end.min(self.source.len());
        Span::new(self.base + range.start.min(end), self.base + end)
    }

    /// The value's source text, as written.
    fn written(&self, range: &std::ops::Range<usize>) -> &'a str {
        self.source.get(range.clone()).unwrap_or_default()
    }

    fn fail(&mut self, at: Span, message: String) {
        self.problem.get_or_insert(Problem::Syntax {
            at,
            message,
            help: None,
        });
    }

    fn table(&mut self, table: DeTable<'a>, depth: usize) -> Value<'a> {
        let entries = table
            .into_iter()
            .map(|(key, value)| {
                let key_span = self.span(key.span());
                Entry {
                    key: Key {
                        text: key.into_inner(),
                        span: key_span,
                        resolved: KeyValue::Str,
                    },
                    value: self.node(value, depth + 1),
                }
            })
            .collect();
        Value::Map(entries)
    }

    fn node(&mut self, value: Spanned<DeValue<'a>>, depth: usize) -> Node<'a> {
        let range = value.span();
        let span = self.span(range.clone());
        let written = self.written(&range);
        if depth > MAX_DEPTH {
            self.fail(span, format!("nested deeper than {MAX_DEPTH} levels"));
        }
        let (style, value) = match value.into_inner() {
            DeValue::String(s) => (string_style(written), Value::Str(s)),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => (Style::Plain, Value::Int(n)),
                Err(_) => {
                    self.fail(
                        span,
                        format!("the integer `{written}` does not fit in 64 bits"),
                    );
                    (Style::Plain, Value::Null)
                }
            },
            DeValue::Float(f) => match float(f.as_str()) {
                Some(x) => (Style::Plain, Value::Float(x)),
                None => {
                    self.fail(span, format!("`{written}` is not a number fmlint can read"));
                    (Style::Plain, Value::Null)
                }
            },
            DeValue::Boolean(b) => (Style::Plain, Value::Bool(b)),
            DeValue::Datetime(_) => (Style::Plain, Value::Str(Cow::Borrowed(written))),
            DeValue::Array(items) => {
                let items = items
                    .into_iter()
                    .map(|item| self.node(item, depth + 1))
                    .collect();
                // `[[name]]` tables are written as blocks, `[…]` in flow.
                let style = match written.starts_with("[[") {
                    true => Style::Block,
                    false => Style::Flow,
                };
                (style, Value::Seq(items))
            }
            DeValue::Table(table) => {
                let style = match written.starts_with('{') {
                    true => Style::Flow,
                    false => Style::Block,
                };
                (style, self.table(table, depth))
            }
        };
        Node { span, style, value }
    }
}

/// How a TOML string was written, in the tree's words: `"…"` and `"""…"""`
/// are double-quoted, `'…'` and `'''…'''` single-quoted.
fn string_style(written: &str) -> Style {
    match written.starts_with('\'') {
        true => Style::SingleQuoted,
        false => Style::DoubleQuoted,
    }
}

/// A TOML float's text (`1.5`, `1e3`, `inf`, `-nan`) as an `f64`.
fn float(text: &str) -> Option<f64> {
    let text = text.replace('_', "");
    match text.trim_start_matches(['+', '-']) {
        "nan" => Some(f64::NAN),
        "inf" if text.starts_with('-') => Some(f64::NEG_INFINITY),
        "inf" => Some(f64::INFINITY),
        _ => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    fn header(text: &str) -> Parsed<'_> {
        let start = text.find('\n').map_or(0, |i| i + 1);
        let end = text.rfind("+++").unwrap_or(text.len());
        parse(text, Span::new(start, end))
    }

    #[test]
    fn every_key_and_value_keeps_its_span() {
        let text = "+++\ntitle = \"Hello\"\ndate = 2024-12-16T09:30:00+01:00\n\
                    draft = false\nweight = 0x1F\naliases = ['/a', \"/b\"]\n\
                    [params]\nlead = 'x'\nseo.title = \"T\"\n[[menu]]\nname = \"m\"\n+++\n";
        let parsed = header(text);
        assert_eq!(parsed.problems, []);
        let root = parsed.root.unwrap();
        let title = root.entry("title").unwrap();
        assert_eq!(at(text, title.key.span), "title");
        assert_eq!(at(text, title.value.span), "\"Hello\"");
        assert_eq!(title.value.as_str(), Some("Hello"));
        let date = root.get("date").unwrap();
        assert_eq!(date.as_str(), Some("2024-12-16T09:30:00+01:00"));
        assert_eq!(at(text, date.span), "2024-12-16T09:30:00+01:00");
        assert_eq!(root.get("draft").unwrap().value, Value::Bool(false));
        assert_eq!(root.get("weight").unwrap().as_i64(), Some(31));
        let aliases = root.get("aliases").unwrap();
        assert_eq!(aliases.style, Style::Flow);
        let Value::Seq(items) = &aliases.value else {
            panic!("aliases is a list");
        };
        assert_eq!(at(text, items[0].span), "'/a'");
        assert_eq!(items[0].style, Style::SingleQuoted);
        let lead = root.lookup("params.lead").unwrap();
        assert_eq!(at(text, lead.span), "'x'");
        let seo = root.lookup_entry("params.seo.title").unwrap();
        assert_eq!(at(text, seo.key.span), "title");
        assert_eq!(at(text, seo.value.span), "\"T\"");
        let menu = root.get("menu").unwrap();
        assert_eq!(menu.style, Style::Block);
        assert_eq!(menu.to_json(), serde_json::json!([{ "name": "m" }]));
    }

    #[test]
    fn a_syntax_error_is_a_problem_at_its_place() {
        let text = "+++\ntitle = \"a\"\ndraft = flase\n+++\n";
        let parsed = header(text);
        assert!(parsed.root.is_none());
        let [Problem::Syntax { at: span, .. }] = parsed.problems.as_slice() else {
            panic!("{:?}", parsed.problems);
        };
        assert_eq!(at(text, *span), "flase");
    }

    #[test]
    fn a_duplicate_key_is_refused() {
        let text = "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n";
        let parsed = header(text);
        assert!(parsed.root.is_none());
        let [Problem::Syntax {
            at: span, message, ..
        }] = parsed.problems.as_slice()
        else {
            panic!("{:?}", parsed.problems);
        };
        assert!(message.contains("duplicate"), "{message}");
        assert_eq!(at(text, *span), "title");
        assert_eq!(span.start, 16);
    }

    #[test]
    fn floats_and_an_empty_header() {
        let text = "+++\na = 1_000.5\nb = -inf\nc = nan\n+++\n";
        let root = header(text).root.unwrap();
        assert_eq!(root.get("a").unwrap().value, Value::Float(1000.5));
        assert_eq!(
            root.get("b").unwrap().value,
            Value::Float(f64::NEG_INFINITY)
        );
        let empty = header("+++\n+++\n").root.unwrap();
        assert_eq!(empty.entries(), []);
    }
}
