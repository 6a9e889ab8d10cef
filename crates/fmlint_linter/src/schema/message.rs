//! What a schema failure says, keyword by keyword: the message says what
//! is wrong with which field, the label what is wrong at the node, the
//! help what to do (every allowed value, the regular expression, "did you
//! mean"). Nothing is ever cut: the `full` format wraps long lines.

use jsonschema::error::{TypeKind, ValidationErrorKind as Kind};
use jsonschema::ValidationError;
use serde_json::Value as Json;

use fmlint_syntax::{Node, Value};

use super::docs::Docs;
use crate::similar;

/// Values longer than this are described ("a 340-character string"), not
/// quoted, in a message; the label points at them anyway.
const MAX_QUOTED: usize = 80;
/// Up to this many allowed values are named in the message itself.
const MAX_IN_MESSAGE: usize = 4;

#[derive(Debug, Default)]
pub(super) struct Text {
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Text {
    fn new(message: String) -> Text {
        Text {
            message,
            ..Text::default()
        }
    }

    fn label(mut self, label: impl Into<String>) -> Text {
        self.label = Some(label.into());
        self
    }

    fn help(mut self, help: impl Into<String>) -> Text {
        self.help = Some(help.into());
        self
    }
}

/// How a field is named in a message: `` `seo.title` `` or "the header".
pub(super) fn name(field: &str) -> String {
    if field.is_empty() {
        "the header".to_string()
    } else {
        format!("`{field}`")
    }
}

/// " in `seo`" for a key of a nested mapping, "" at the top level.
pub(super) fn inside(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!(" in `{field}`")
    }
}

/// `a`, `b` and `c`.
pub(super) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    join(items, "and")
}

pub(super) fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    join(items, "or")
}

fn join<S: AsRef<str>>(items: &[S], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} {word} {}", init.join(", "), last.as_ref())
        }
    }
}

/// A JSON value as it would be written in YAML, in backticks.
pub(super) fn code(value: &Json) -> String {
    match value {
        Json::String(s) => format!("`{s}`"),
        Json::Null => "`null`".to_string(),
        other => format!("`{other}`"),
    }
}

/// "a string", "a list" … for a JSON value.
pub(super) fn json_type_phrase(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a mapping",
    }
}

/// "a string", "an empty value" … for a tree node.
fn node_phrase(node: &Node) -> &'static str {
    match node.value {
        Value::Null => "an empty value",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

/// A JSON Schema type as YAML people call it, with its article.
fn type_phrase(name: &str) -> String {
    match name {
        "array" => "a list".into(),
        "object" => "a mapping".into(),
        "null" => "empty (null)".into(),
        "integer" => "an integer".into(),
        other => format!("a {other}"),
    }
}

fn expected_types(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
    }
}

/// The node's value quoted, if it is a scalar short enough to quote.
fn shown(node: &Node) -> Option<String> {
    let text = match &node.value {
        Value::Str(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => return None,
        Value::Seq(_) | Value::Map(_) => return None,
    };
    (text.chars().count() <= MAX_QUOTED && !text.contains('\n')).then(|| format!("`{text}`"))
}

/// "`http-headr`", or "a 340-character string" / "a list" when it cannot
/// be quoted.
fn found(node: &Node) -> String {
    shown(node).unwrap_or_else(|| match &node.value {
        Value::Str(s) => format!("a {}-character string", s.chars().count()),
        _ => node_phrase(node).to_string(),
    })
}

/// What the leaf error at `node` (named `field`) says.
pub(super) struct Subject<'a, 't> {
    pub error: &'a ValidationError<'a>,
    pub node: &'t Node<'t>,
    pub field: &'t str,
    pub text: &'t str,
    pub docs: &'a Docs,
}

/// The text of a failure of an `enum` or `const` whose allowed values
/// (merged across branches) are `allowed`.
pub(super) fn not_allowed(s: &Subject, allowed: &[&Json]) -> Text {
    let name = name(s.field);
    let values: Vec<String> = allowed.iter().map(|v| code(v)).collect();
    let wrote = s.node.as_str();
    let guess = wrote.and_then(|w| similar::closest(w, allowed.iter().filter_map(|v| v.as_str())));
    let message = match (values.len(), shown(s.node)) {
        (n, Some(value)) if n <= MAX_IN_MESSAGE => {
            format!("{name} must be {}, not {value}", or_list(&values))
        }
        (n, Some(value)) => format!("{name} must be one of {n} allowed values, not {value}"),
        (n, None) if n <= MAX_IN_MESSAGE => {
            format!(
                "{name} must be {}, found {}",
                or_list(&values),
                found(s.node)
            )
        }
        (n, None) => format!(
            "{name} must be one of {n} allowed values, found {}",
            found(s.node)
        ),
    };
    let listed = match values.len() {
        1 => format!("the only allowed value is {}", values[0]),
        _ => format!("the allowed values are {}", and_list(&values)),
    };
    let text = Text::new(message);
    match guess {
        Some(guess) => text
            .label(format!("did you mean `{guess}`?"))
            .help(format!("did you mean `{guess}`? {}", capitalized(&listed))),
        None => text.label("not an allowed value").help(listed),
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The text of any other single failure.
pub(super) fn describe(s: &Subject) -> Text {
    let name = name(s.field);
    match s.error.kind() {
        Kind::Type { kind } => wrong_type(s, &name, kind),
        Kind::Pattern { pattern } => pattern_text(s, &name, pattern),
        Kind::Format { format } => format_text(&name, s.node, format),
        Kind::MinLength { limit: 1 } if s.node.as_str() == Some("") => {
            Text::new(format!("{name} must not be empty")).label("empty")
        }
        Kind::MinLength { limit } => length(s.node, &name, "at least", *limit),
        Kind::MaxLength { limit } => length(s.node, &name, "at most", *limit),
        Kind::MinItems { limit } => count(&name, "at least", *limit, items(s.node), "item"),
        Kind::MaxItems { limit } => count(&name, "at most", *limit, items(s.node), "item"),
        Kind::MinProperties { limit } => {
            count(&name, "at least", *limit, s.node.entries().len(), "key")
        }
        Kind::MaxProperties { limit } => {
            count(&name, "at most", *limit, s.node.entries().len(), "key")
        }
        Kind::Minimum { limit } => bound(s.node, &name, "at least", limit),
        Kind::Maximum { limit } => bound(s.node, &name, "at most", limit),
        Kind::ExclusiveMinimum { limit } => bound(s.node, &name, "greater than", limit),
        Kind::ExclusiveMaximum { limit } => bound(s.node, &name, "less than", limit),
        Kind::MultipleOf { multiple_of } => Text::new(format!(
            "{name} must be a multiple of {multiple_of}, found {}",
            found(s.node)
        )),
        Kind::Contains => Text::new(format!(
            "{name} has no item that matches the schema's `contains`"
        ))
        .help("add an item of the kind the schema asks for"),
        Kind::Not { .. } => Text::new(format!("{name} matches a schema it must not match (`not`)")),
        Kind::FalseSchema if s.field.is_empty() => {
            Text::new("the schema allows no header here (`false`)".to_string())
        }
        Kind::FalseSchema => Text::new(format!("{name} is not allowed"))
            .label("not allowed here")
            .help("remove it"),
        Kind::OneOfMultipleValid { .. } => Text::new(format!(
            "{name} matches more than one of the shapes the schema's `oneOf` allows"
        ))
        .help("`oneOf` needs exactly one shape to match: make the value fit only one of them"),
        Kind::AdditionalItems { limit } => Text::new(format!(
            "{name} has more items than the schema allows ({limit}), found {}",
            items(s.node)
        )),
        Kind::UnevaluatedItems { unexpected } => Text::new(format!(
            "{name} has {} item(s) the schema does not allow",
            unexpected.len()
        )),
        Kind::Custom { message, .. } => Text::new(format!("{name}: {message}")),
        Kind::ContentEncoding { content_encoding } => {
            Text::new(format!("{name} is not valid {content_encoding}"))
        }
        Kind::ContentMediaType { content_media_type } => {
            Text::new(format!("{name} is not valid {content_media_type}"))
        }
        Kind::BacktrackLimitExceeded { .. } | Kind::RegexEngineFailure { .. } => {
            Text::new(format!(
                "the schema's pattern for {name} could not be evaluated: {}",
                s.error
            ))
            .help("simplify the pattern in the schema")
        }
        _ => Text::new(format!("{name}: {}", s.error)),
    }
}

fn wrong_type(s: &Subject, name: &str, kind: &TypeKind) -> Text {
    let expected = expected_types(kind);
    let phrases: Vec<String> = expected.iter().map(|t| type_phrase(t)).collect();
    let text = Text::new(format!(
        "{name} must be {}, found {}",
        or_list(&phrases),
        node_phrase(s.node)
    ))
    .label(format!("this is {}", node_phrase(s.node)));
    match type_fix(s, &expected) {
        Some(help) => text.help(help),
        None => text,
    }
}

/// What to write instead of a value of the wrong type, when it is plain.
fn type_fix(s: &Subject, expected: &[String]) -> Option<String> {
    let wants = |t: &str| expected.iter().any(|e| e == t);
    let source = s.text.get(s.node.span.range()).unwrap_or("");
    match &s.node.value {
        Value::Str(v)
            if (wants("integer") && v.trim().parse::<i64>().is_ok())
                || (wants("number") && v.trim().parse::<f64>().is_ok_and(f64::is_finite))
                || (wants("boolean") && matches!(v.as_ref(), "true" | "false")) =>
        {
            Some(format!("write it without quotes: `{}`", v.trim()))
        }
        Value::Int(_) | Value::Float(_) | Value::Bool(_) if wants("string") => {
            Some(format!("quote it to make it a string: `\"{source}\"`"))
        }
        Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) if wants("array") => Some(
            format!("write it as a list: `[{source}]`, or one `- item` per line"),
        ),
        Value::Null if wants("string") => Some("give it a value, or remove the key".into()),
        _ => None,
    }
}

fn pattern_text(s: &Subject, name: &str, pattern: &str) -> Text {
    let described = super::custom::description(s.docs, s.error)
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let message = match shown(s.node) {
        Some(v) => format!("{name} is {v}, which does not have the expected form{described}"),
        None => format!("{name} does not have the expected form{described}"),
    };
    Text::new(message)
        .label("does not match the pattern")
        .help(format!("it must match the regular expression `{pattern}`"))
}

fn format_text(name: &str, node: &Node, format: &str) -> Text {
    let (what, example) = match format {
        "date" => ("date", Some("2024-05-01")),
        "date-time" => ("date and time", Some("2024-05-01T09:30:00Z")),
        "time" => ("time", Some("09:30:00Z")),
        "duration" => ("duration", Some("P1DT2H")),
        "email" | "idn-email" => ("email address", Some("name@example.com")),
        "uri" | "iri" => ("absolute URI", Some("https://example.com/page")),
        "uri-reference" | "iri-reference" => ("URI reference", Some("/docs/page")),
        "uuid" => ("UUID", Some("123e4567-e89b-12d3-a456-426614174000")),
        "hostname" | "idn-hostname" => ("host name", Some("example.com")),
        "ipv4" => ("IPv4 address", Some("192.0.2.1")),
        "ipv6" => ("IPv6 address", Some("2001:db8::1")),
        "regex" => ("regular expression", None),
        "json-pointer" => ("JSON pointer", Some("/a/b")),
        other => (other, None),
    };
    let value = shown(node)
        .map(|v| format!(" is {v}, which"))
        .unwrap_or_default();
    let help = match example {
        Some(example) => format!("the schema asks for `format: {format}`, e.g. `{example}`"),
        None => format!("the schema asks for `format: {format}`"),
    };
    Text::new(format!("{name}{value} is not a valid {what}"))
        .label(format!("not a valid {what}"))
        .help(help)
}

fn length(node: &Node, name: &str, bound: &str, limit: u64) -> Text {
    let actual = node.as_str().map_or(0, |s| s.chars().count());
    let unit = if limit == 1 {
        "character"
    } else {
        "characters"
    };
    Text::new(format!(
        "{name} must be {bound} {limit} {unit} long, found {actual}"
    ))
    .label(format!("{actual} characters"))
}

fn count(name: &str, bound: &str, limit: u64, actual: usize, unit: &str) -> Text {
    let plural = |n: u64| {
        if n == 1 {
            unit.to_string()
        } else {
            format!("{unit}s")
        }
    };
    Text::new(format!(
        "{name} must have {bound} {limit} {}, found {actual}",
        plural(limit)
    ))
    .label(format!("{actual} {}", plural(actual as u64)))
}

fn items(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => items.len(),
        _ => 0,
    }
}

fn bound(node: &Node, name: &str, relation: &str, limit: &Json) -> Text {
    Text::new(format!(
        "{name} must be {relation} {limit}, found {}",
        found(node)
    ))
}

/// The text of a composite (`anyOf`/`oneOf`) no branch of which fits the
/// value: the types they expect, or the key their conditions test.
pub(super) fn no_branch(s: &Subject, rejections: &[&ValidationError]) -> Text {
    let name = name(s.field);
    let mut types: Vec<String> = Vec::new();
    let mut all_types = !rejections.is_empty();
    for rejection in rejections {
        match rejection.kind() {
            Kind::Type { kind } => {
                for t in expected_types(kind) {
                    let phrase = type_phrase(&t);
                    if !types.contains(&phrase) {
                        types.push(phrase);
                    }
                }
            }
            _ => all_types = false,
        }
    }
    if all_types {
        return Text::new(format!(
            "{name} must be {}, found {}",
            or_list(&types),
            node_phrase(s.node)
        ))
        .label(format!("this is {}", node_phrase(s.node)));
    }
    let keyword = s.error.kind().keyword();
    Text::new(format!(
        "{name} matches none of the {} cases the schema's `{keyword}` allows",
        rejections.len().max(1)
    ))
    .help("compare it with the schema's cases: each rejects it by its type or its condition")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list(&["`a`"]), "`a`");
        assert_eq!(and_list(&["`a`", "`b`"]), "`a` and `b`");
        assert_eq!(or_list(&["`a`", "`b`", "`c`"]), "`a`, `b` or `c`");
    }
}
