//! The config's shape, checked before it is deserialized: every unknown
//! key (with the key it most likely meant), every value of the wrong type
//! and every value not among the allowed ones, in our words and at its
//! place in the file, all in one run. serde stops at the first mistake and
//! words it in Rust types ("expected struct PathChecks"); this walks the
//! parsed TOML with the config's own JSON Schema ([`super::model::json_schema`]),
//! so the two never disagree about what a key takes.

use std::ops::Range;

use serde_json::Value as Json;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::errors::Errors;

/// Records every shape mistake of `text` in `errors`. A TOML syntax error
/// is recorded alone (the rest cannot be read). Returns the text with the
/// `key = value` lines that hold the mistakes blanked out (spaces, so
/// every span stays), when every mistake is on such a line: the rest of
/// the config can then be compiled, and its mistakes reported too.
pub(super) fn validate(text: &str, errors: &mut Errors) -> Option<String> {
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(error) => {
            errors.push(
                error.span().unwrap_or(0..0),
                error.message().trim_end().to_string(),
                None,
            );
            return None;
        }
    };
    let before = errors.list.len();
    let schema: Json = serde_json::from_str(&super::model::json_schema()).unwrap_or(Json::Null);
    let mut walker = Walker {
        defs: schema.get("$defs"),
        errors,
        text,
        entry: None,
        blank: Vec::new(),
        prunable: true,
    };
    let span = root.span();
    walker.table(root.get_ref(), &span, &schema, "");
    let (blank, prunable) = (walker.blank, walker.prunable);
    if errors.list.len() == before || !prunable {
        return (errors.list.len() == before).then(|| text.to_string());
    }
    let mut pruned = text.as_bytes().to_vec();
    for range in blank {
        for byte in &mut pruned[range] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    String::from_utf8(pruned).ok()
}

struct Walker<'s, 'e> {
    defs: Option<&'s Json>,
    errors: &'e mut Errors,
    text: &'e str,
    /// The `key = value` line being checked, when it can be blanked out.
    entry: Option<Range<usize>>,
    /// The entries that hold mistakes.
    blank: Vec<Range<usize>>,
    /// Whether every mistake is in an entry that can be blanked out.
    prunable: bool,
}

impl<'s> Walker<'s, '_> {
    fn report(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        match &self.entry {
            Some(entry) => self.blank.push(entry.clone()),
            None => self.prunable = false,
        }
        self.errors.push(span, message, help);
    }

    /// The bytes of a `key = value` entry on lines of its own (not a table
    /// header, not inside an inline table), to blank out.
    fn entry_range(&self, key: &Range<usize>, value: &Range<usize>) -> Option<Range<usize>> {
        let line_start = self.text[..key.start].rfind('\n').map_or(0, |i| i + 1);
        let lead = self.text.get(line_start..key.start)?;
        let between = self.text.get(key.end..value.start)?;
        (lead.trim().is_empty() && between.trim() == "=").then_some(line_start..value.end)
    }

    /// The schema `$ref` points at, or `schema` itself.
    fn resolve(&self, schema: &'s Json) -> &'s Json {
        match schema.get("$ref").and_then(Json::as_str) {
            Some(reference) => reference
                .strip_prefix("#/$defs/")
                .and_then(|name| self.defs?.get(name))
                .unwrap_or(schema),
            None => schema,
        }
    }

    fn value(&mut self, value: &DeValue, span: &Range<usize>, schema: &'s Json, path: &str) {
        let schema = self.resolve(schema);
        if let Some(variants) = schema.get("anyOf").and_then(Json::as_array) {
            // The first variant of the value's kind decides (a template is
            // a string or a table: a table is checked as the table).
            let fitting = variants
                .iter()
                .map(|v| self.resolve(v))
                .find(|v| kind_fits(value, v));
            match fitting {
                Some(variant) => self.value(value, span, variant, path),
                None => {
                    let wanted: Vec<String> = variants
                        .iter()
                        .map(|v| describe(self.resolve(v), self.defs))
                        .collect();
                    self.wrong(span, path, &wanted.join(" or "), value);
                }
            }
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Json::as_array) {
            let given = match value {
                DeValue::String(s) => Some(s.as_ref()),
                _ => None,
            };
            let names: Vec<&str> = allowed.iter().filter_map(Json::as_str).collect();
            if !given.is_some_and(|g| names.contains(&g)) {
                let help = given
                    .and_then(|g| fmlint_linter::similar::closest(g, names.iter().copied()))
                    .map(|m| format!("did you mean `{m}`?"));
                self.report(
                    span.clone(),
                    format!(
                        "`{path}` must be one of {}, not {}",
                        quoted(&names),
                        shown(value)
                    ),
                    help,
                );
            }
            return;
        }
        if !kind_fits(value, schema) {
            self.wrong(span, path, &describe(schema, self.defs), value);
            return;
        }
        match value {
            DeValue::Table(table) => self.table(table, span, schema, path),
            DeValue::Array(items) => {
                if let Some(item) = schema.get("items") {
                    for (i, element) in items.iter().enumerate() {
                        let at = format!("{path}[{i}]");
                        self.value(element.get_ref(), &element.span(), item, &at);
                    }
                }
            }
            _ => {}
        }
    }

    fn table(&mut self, table: &DeTable, span: &Range<usize>, schema: &'s Json, path: &str) {
        let schema = self.resolve(schema);
        let properties = schema.get("properties").and_then(Json::as_object);
        let additional = schema.get("additionalProperties");
        let closed = additional.is_some_and(|a| a == &Json::Bool(false));
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            let at = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            let outer = self.entry.clone();
            if outer.is_none() {
                self.entry = self.entry_range(&key.span(), &value.span());
            }
            match properties.and_then(|p| p.get(name)) {
                Some(property) => self.value(value.get_ref(), &value.span(), property, &at),
                None if closed => self.unknown(key, path, properties),
                None => {
                    if let Some(each) = additional.filter(|a| a.is_object()) {
                        self.value(value.get_ref(), &value.span(), each, &at);
                    }
                }
            }
            self.entry = outer;
        }
        if let Some(required) = schema.get("required").and_then(Json::as_array) {
            for name in required.iter().filter_map(Json::as_str) {
                if !table.iter().any(|(k, _)| k.get_ref() == name) {
                    let place = if path.is_empty() { "the config" } else { path };
                    self.report(
                        span.start..span.start,
                        format!("`{place}` needs `{name}`"),
                        Some(format!("add `{name} = …`")),
                    );
                }
            }
        }
    }

    fn unknown(
        &mut self,
        key: &Spanned<toml::de::DeString>,
        path: &str,
        properties: Option<&serde_json::Map<String, Json>>,
    ) {
        let name: &str = key.get_ref();
        if path.ends_with("rules") {
            // A rule name: the registry's words.
            let message = if name == fmlint_linter::rules::InternalError::META.name {
                "`internal-error` cannot be configured: it reports a bug in fmlint".to_string()
            } else {
                format!("unknown rule `{name}`")
            };
            self.report(
                key.span(),
                message,
                Some(fmlint_linter::rules::unknown_rule_help(name)),
            );
            return;
        }
        let known: Vec<&str> = properties
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let place = if path.is_empty() {
            "at the top of the config".to_string()
        } else {
            format!("in `{}`", table_name(path))
        };
        let help = match fmlint_linter::similar::closest(name, known.iter().copied()) {
            Some(meant) => format!("did you mean `{meant}`?"),
            None => format!("the keys here are {}", quoted(&known)),
        };
        self.report(
            key.span(),
            format!("unknown key `{name}` {place}"),
            Some(help),
        );
    }

    fn wrong(&mut self, span: &Range<usize>, path: &str, wanted: &str, value: &DeValue) {
        self.report(
            span.clone(),
            format!("`{path}` must be {wanted}, not {}", shown(value)),
            None,
        );
    }
}

/// `collections[1].templates` → `collections.templates`.
fn table_name(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether the value is of the kind the schema's `type` names.
fn kind_fits(value: &DeValue, schema: &Json) -> bool {
    let types: Vec<&str> = match schema.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => return true,
    };
    types.iter().any(|t| {
        matches!(
            (*t, value),
            ("string", DeValue::String(_))
                | ("boolean", DeValue::Boolean(_))
                | ("integer", DeValue::Integer(_))
                | ("number", DeValue::Integer(_) | DeValue::Float(_))
                | ("array", DeValue::Array(_))
                | ("object", DeValue::Table(_))
        )
    })
}

/// What a schema accepts, in words: "a list of strings", "a table".
fn describe(schema: &Json, defs: Option<&Json>) -> String {
    let schema = match schema.get("$ref").and_then(Json::as_str) {
        Some(r) => r
            .strip_prefix("#/$defs/")
            .and_then(|n| defs?.get(n))
            .unwrap_or(schema),
        None => schema,
    };
    if let Some(allowed) = schema.get("enum").and_then(Json::as_array) {
        let names: Vec<&str> = allowed.iter().filter_map(Json::as_str).collect();
        return format!("one of {}", quoted(&names));
    }
    if let Some(variants) = schema.get("anyOf").and_then(Json::as_array) {
        return variants
            .iter()
            .map(|v| describe(v, defs))
            .collect::<Vec<_>>()
            .join(" or ");
    }
    match schema.get("type").and_then(Json::as_str) {
        Some("string") => "a string".into(),
        Some("boolean") => "`true` or `false`".into(),
        Some("integer") => "a whole number".into(),
        Some("number") => "a number".into(),
        Some("array") => match schema.get("items") {
            Some(items) => {
                let item = describe(items, defs);
                let plural = item
                    .strip_prefix("a ")
                    .map_or(item.clone(), |i| format!("{i}s"));
                format!("a list of {plural}")
            }
            None => "a list".into(),
        },
        Some("object") => "a table".into(),
        _ => "a value".into(),
    }
}

/// A value as the message shows it.
fn shown(value: &DeValue) -> String {
    match value {
        DeValue::String(s) => format!("the string `{s}`"),
        DeValue::Integer(i) => format!("the number {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("`{b}`"),
        DeValue::Datetime(d) => format!("the date {d}"),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
