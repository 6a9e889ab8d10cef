//! JSON Schema validation of a header, with each error mapped to the node it
//! is about (as taplo does for TOML): unknown keys at the key, a missing key
//! at its parent key (or the opening `---`), anything else at the value.
//!
//! Schemas are compiled once, with format validation on and no remote
//! `$ref` resolution (jsonschema is built without its network features).

use std::borrow::Cow;

use anyhow::{anyhow, Context, Result};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{Draft, Validator};
use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use crate::frontmatter::{tree::push_key, Header, Node, Step};

/// The schemas built into the binary, by name.
pub const BUILTIN: &[(&str, &str)] = &[(
    "quicktakes-article",
    include_str!("../schemas/quicktakes-article.schema.json"),
)];

pub struct CompiledSchema {
    pub name: String,
    /// The hash of the schema's text: part of the result cache's key.
    pub source_hash: u64,
    validator: Validator,
}

/// Messages quote values; a whole answer is not worth quoting.
const MAX_QUOTED: usize = 60;

impl CompiledSchema {
    pub fn builtin(name: &str) -> Result<CompiledSchema> {
        let (_, text) = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| anyhow!("no built-in schema named `{name}`"))?;
        Self::compile(name, text)
    }

    pub fn compile(name: &str, text: &str) -> Result<CompiledSchema> {
        let schema: Json = serde_json::from_str(text)
            .with_context(|| format!("schema `{name}` is not valid JSON"))?;
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| anyhow!("schema `{name}` is invalid: {e}"))?;
        Ok(CompiledSchema {
            name: name.to_string(),
            source_hash: crate::index::hash_str(text),
            validator,
        })
    }

    /// The header's violations, each located at its node.
    pub fn check(&self, root: &Node, header: Header) -> Vec<Diagnostic> {
        let json = root.to_json();
        if self.validator.is_valid(&json) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for error in self.validator.iter_errors(&json) {
            let segments: Vec<Segment> = error
                .instance_path()
                .segments()
                .map(|s| match s {
                    LocationSegment::Property(p) => Segment::Key(p.into_owned()),
                    LocationSegment::Index(i) => Segment::Index(i),
                })
                .collect();
            let resolved = root.resolve(segments.iter().map(|s| match s {
                Segment::Key(k) => Step::Key(k),
                Segment::Index(i) => Step::Index(*i),
            }));
            let field = resolved.field.clone();
            let node_key_span = resolved.key.map(|k| k.span);
            let where_ = if field.is_empty() {
                String::new()
            } else {
                format!(" in `{field}`")
            };
            match error.kind() {
                ValidationErrorKind::Required { property } => {
                    let property = property
                        .as_str()
                        .map_or_else(|| property.to_string(), str::to_string);
                    let mut path = field.clone();
                    push_key(&mut path, &property);
                    out.push(
                        Diagnostic::new(
                            node_key_span.unwrap_or(header.open),
                            format!("missing required field `{property}`{where_}"),
                        )
                        .with_field(path)
                        .with_label(format!("`{property}` is missing here"))
                        .with_help(format!("add `{property}`")),
                    );
                }
                ValidationErrorKind::AdditionalProperties { unexpected }
                | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                    // One lookup table for all unexpected keys: a header of
                    // 100,000 unknown keys must not cost 100,000 scans.
                    let key_spans: std::collections::HashMap<&str, crate::diagnostic::Span> =
                        resolved
                            .node
                            .entries()
                            .iter()
                            .map(|e| (e.key.text.as_ref(), e.key.span))
                            .collect();
                    for key in unexpected {
                        let span = key_spans
                            .get(key.as_str())
                            .copied()
                            .unwrap_or(resolved.node.span);
                        let mut path = field.clone();
                        push_key(&mut path, key);
                        out.push(
                            Diagnostic::new(span, format!("unknown field `{key}`{where_}"))
                                .with_field(path)
                                .with_help("remove it, or add it to the schema"),
                        );
                    }
                }
                kind => {
                    let span = if resolved.node.span.is_empty() {
                        node_key_span.unwrap_or(resolved.node.span)
                    } else {
                        resolved.node.span
                    };
                    let name = if field.is_empty() {
                        "the header".to_string()
                    } else {
                        format!("`{field}`")
                    };
                    out.push(
                        Diagnostic::new(
                            span,
                            describe(kind, &name, resolved.node, &error.to_string()),
                        )
                        .with_field(field),
                    );
                }
            }
        }
        out
    }
}

enum Segment {
    Key(String),
    Index(usize),
}

fn describe(kind: &ValidationErrorKind, name: &str, node: &Node, fallback: &str) -> String {
    match kind {
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            format!(
                "{name} must be {}, found {}",
                article(&expected),
                node.type_name()
            )
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("{name} must be {}", quote(expected_value))
        }
        ValidationErrorKind::Enum { options } => {
            format!("{name} must be one of {}", quote(options))
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!("{name} does not match the pattern `{pattern}`")
        }
        ValidationErrorKind::Format { format } => format!("{name} is not a valid {format}"),
        ValidationErrorKind::MinLength { limit: 1 } => format!("{name} must not be empty"),
        ValidationErrorKind::MinLength { limit } => {
            format!("{name} must be at least {limit} characters long")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("{name} must be at most {limit} characters long")
        }
        ValidationErrorKind::Minimum { limit } => format!("{name} must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("{name} must be at most {limit}"),
        ValidationErrorKind::FalseSchema => format!("{name} is not allowed"),
        _ => format!("{name}: {}", truncate(fallback)),
    }
}

fn article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

fn quote(value: &Json) -> String {
    match value {
        Json::String(s) => format!("`{}`", truncate(s)),
        other => format!("`{}`", truncate(&other.to_string())),
    }
}

fn truncate(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(MAX_QUOTED) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &s[..cut])),
        None => Cow::Borrowed(s),
    }
}
