//! Failures → findings, each at the smallest node: a wrong value at the
//! value, an unknown key at the key, missing keys (all of one mapping in
//! one finding) at the parent key or the opening `---`, a repeated list
//! item at its second occurrence. The schema author's custom message, when
//! there is one, replaces the message; label and help stay.

use std::collections::{HashMap, HashSet};

use jsonschema::error::ValidationErrorKind as Kind;
use jsonschema::paths::LocationSegment;
use jsonschema::ValidationError;
use serde_json::Value as Json;

use fmlint_syntax::tree::push_key;
use fmlint_syntax::{Header, Key, Node, Span, Style, Value};

use super::custom;
use super::docs::Docs;
use super::fixes;
use super::message::{self, and_list, inside, Subject, Text};
use super::select::{own_allowed, Leaf};
use crate::diagnostic::Diagnostic;
use crate::similar;

pub(super) struct Context<'a, 't> {
    pub root: &'t Node<'t>,
    pub header: Header,
    pub text: &'t str,
    pub docs: &'a Docs,
}

/// Where an instance path leads in the tree.
struct At<'t> {
    node: &'t Node<'t>,
    key: Option<&'t Key<'t>>,
    field: String,
    /// Inside a flow collection (`{…}`, `[…]`): plain scalars are stricter.
    in_flow: bool,
}

/// Keys missing from one mapping, gathered into one finding.
struct Missing<'e> {
    path: String,
    keys: Vec<String>,
    first: &'e ValidationError<'e>,
}

pub(super) fn diagnostics(leaves: &[Leaf], cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut missing: Vec<Missing> = Vec::new();
    for leaf in leaves {
        match leaf {
            Leaf::Error { error, allowed } => match error.kind() {
                Kind::Required { property } => {
                    let property = property
                        .as_str()
                        .map_or_else(|| property.to_string(), str::to_string);
                    let path = error.instance_path().as_str();
                    match missing.iter_mut().find(|m| m.path == path) {
                        Some(group) if !group.keys.contains(&property) => group.keys.push(property),
                        Some(_) => {}
                        None => missing.push(Missing {
                            path: path.to_string(),
                            keys: vec![property],
                            first: error,
                        }),
                    }
                }
                Kind::AdditionalProperties { unexpected }
                | Kind::UnevaluatedProperties { unexpected } => {
                    unknown_keys(error, unexpected, cx, &mut out);
                }
                _ => out.push(single(error, allowed.as_deref(), cx)),
            },
            Leaf::NoBranch { error, rejections } => out.push(no_branch(error, rejections, cx)),
        }
    }
    for group in &missing {
        out.push(required(group, cx));
    }
    dedupe(out)
}

fn dedupe(findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    findings
        .into_iter()
        .filter(|d| seen.insert((d.span(), d.message.clone())))
        .collect()
}

fn locate<'t>(root: &'t Node<'t>, error: &ValidationError) -> At<'t> {
    let mut at = At {
        node: root,
        key: None,
        field: String::new(),
        in_flow: false,
    };
    for segment in error.instance_path().segments() {
        at.in_flow |= at.node.style == Style::Flow;
        match (segment, &at.node.value) {
            (LocationSegment::Property(name), Value::Map(_)) => {
                let Some(entry) = at.node.entry(&name) else {
                    break;
                };
                push_key(&mut at.field, &name);
                at.node = &entry.value;
                at.key = Some(&entry.key);
            }
            (LocationSegment::Index(i), Value::Seq(items)) => {
                let Some(item) = items.get(i) else { break };
                at.field.push_str(&format!("[{i}]"));
                at.node = item;
                at.key = None;
            }
            _ => break,
        }
    }
    at
}

/// The span a finding about the node itself points at: the value; its key
/// when the value is empty; the opening `---` for the whole header; the
/// first line of a collection that is a list item.
fn value_span(at: &At, cx: &Context) -> Span {
    if at.field.is_empty() {
        return cx.header.open;
    }
    if at.node.span.is_empty() {
        return at.key.map_or(at.node.span, |k| k.span);
    }
    if matches!(at.node.value, Value::Map(_) | Value::Seq(_)) && at.node.style != Style::Flow {
        return first_line(cx.text, at.node.span);
    }
    at.node.span
}

/// Where "add this key" points: the mapping's key, the opening `---`, or
/// a list item's first line.
fn parent_span(at: &At, cx: &Context) -> Span {
    match at.key {
        Some(key) => key.span,
        None if at.field.is_empty() => cx.header.open,
        None => first_line(cx.text, at.node.span),
    }
}

fn first_line(text: &str, span: Span) -> Span {
    let slice = text.get(span.range()).unwrap_or("");
    match slice.find(['\n', '\r']) {
        Some(cut) => Span::new(span.start as usize, span.start as usize + cut),
        None => span,
    }
}

fn finish(span: Span, text: Text, field: String, custom: Option<String>) -> Diagnostic {
    let message = custom.unwrap_or(text.message);
    let mut d = Diagnostic::new(span, message).with_field(field);
    if let Some(label) = text.label {
        d = d.with_label(label);
    }
    if let Some(help) = text.help {
        d = d.with_help(help);
    }
    d
}

fn single(error: &ValidationError, allowed: Option<&[&Json]>, cx: &Context) -> Diagnostic {
    let at = locate(cx.root, error);
    let custom = custom::message(cx.docs, error, None);
    let subject = Subject {
        error,
        node: at.node,
        field: &at.field,
        text: cx.text,
        docs: cx.docs,
    };
    match error.kind() {
        Kind::UniqueItems => return repeated(&at, custom, cx),
        Kind::PropertyNames { error: inner } => return key_name(&at, inner, custom, cx),
        Kind::FalseSchema if at.key.is_some() => {
            let span = at.key.map_or(at.node.span, |k| k.span);
            return finish(span, message::describe(&subject), at.field.clone(), custom);
        }
        _ => {}
    }
    let own = own_allowed(error);
    let Some(allowed) = allowed.or(own.as_deref()) else {
        return finish(
            value_span(&at, cx),
            message::describe(&subject),
            at.field.clone(),
            custom,
        );
    };
    let text = message::not_allowed(&subject, allowed);
    let d = finish(value_span(&at, cx), text, at.field.clone(), custom);
    match fixes::value(cx.text, at.node, at.in_flow, allowed) {
        Some(fix) => d.with_fix(fix),
        None => d,
    }
}

fn required(group: &Missing, cx: &Context) -> Diagnostic {
    let at = locate(cx.root, group.first);
    let quoted: Vec<String> = group.keys.iter().map(|k| format!("`{k}`")).collect();
    let list = and_list(&quoted);
    let (message, label, field) = match group.keys.as_slice() {
        [one] => {
            let mut field = at.field.clone();
            push_key(&mut field, one);
            (
                format!("missing required field `{one}`{}", inside(&at.field)),
                format!("`{one}` is missing here"),
                field,
            )
        }
        keys => (
            format!(
                "missing {} required fields: {list}{}",
                keys.len(),
                inside(&at.field)
            ),
            format!("{list} are missing here"),
            at.field.clone(),
        ),
    };
    let custom = custom::message(cx.docs, group.first, group.keys.first().map(String::as_str));
    let text = Text {
        message,
        label: Some(label),
        help: Some(format!("add {list}")),
    };
    finish(parent_span(&at, cx), text, field, custom)
}

fn unknown_keys(
    error: &ValidationError,
    unexpected: &[String],
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) {
    let at = locate(cx.root, error);
    let in_flow = at.in_flow || at.node.style == Style::Flow;
    // One lookup table for all unexpected keys: a header of 100,000
    // unknown keys must not cost 100,000 scans.
    let keys: HashMap<&str, &Key> = at
        .node
        .entries()
        .iter()
        .map(|e| (e.key.text.as_ref(), &e.key))
        .collect();
    let known = custom::known_keys(cx.docs, error);
    let custom = custom::message(cx.docs, error, None);
    for name in unexpected {
        let key = keys.get(name.as_str()).copied();
        let guess = similar::closest(name, known.iter().copied());
        let mut field = at.field.clone();
        push_key(&mut field, name);
        let mut text = Text {
            message: format!("unknown key `{name}`{}", inside(&at.field)),
            label: None,
            help: Some("remove it, or add it to the schema".to_string()),
        };
        if let Some(guess) = guess {
            text.message.push_str(&format!("; did you mean `{guess}`?"));
            text.label = Some(format!("did you mean `{guess}`?"));
            text.help = Some(if keys.contains_key(guess) {
                format!("`{guess}` is already set: remove `{name}`, or merge the two")
            } else {
                format!("rename it to `{guess}`")
            });
        }
        let label_custom = custom.as_ref().map(|_| format!("unknown key `{name}`"));
        if label_custom.is_some() && text.label.is_none() {
            text.label = label_custom;
        }
        let span = key.map_or_else(|| parent_span(&at, cx), |k| k.span);
        let d = finish(span, text, field, custom.clone());
        let fix =
            key.and_then(|k| fixes::key(cx.text, k, &known, |n| keys.contains_key(n), in_flow));
        out.push(match fix {
            Some(fix) => d.with_fix(fix),
            None => d,
        });
    }
}

/// `uniqueItems`: at the first item that repeats an earlier one.
fn repeated(at: &At, custom: Option<String>, cx: &Context) -> Diagnostic {
    let name = message::name(&at.field);
    let Value::Seq(items) = &at.node.value else {
        let text = Text {
            message: format!("{name} has repeated items"),
            ..Text::default()
        };
        return finish(value_span(at, cx), text, at.field.clone(), custom);
    };
    let values: Vec<Json> = items.iter().map(Node::to_json).collect();
    let repeat = (1..values.len()).find(|&i| values[..i].contains(&values[i]));
    let (span, what) = match repeat {
        Some(i) => (items[i].span, message::code(&values[i])),
        None => (value_span(at, cx), "an item".to_string()),
    };
    let text = Text {
        message: format!("{name} lists {what} more than once"),
        label: Some("repeated here".into()),
        help: Some("remove the repeated item: the schema wants every item once".into()),
    };
    finish(span, text, at.field.clone(), custom)
}

/// `propertyNames`: at the key whose name is not allowed.
fn key_name(at: &At, inner: &ValidationError, custom: Option<String>, cx: &Context) -> Diagnostic {
    let bad = inner.instance().as_str().unwrap_or_default().to_string();
    let key = at.node.entries().iter().rev().find(|e| e.key.text == bad);
    let span = key.map_or_else(|| value_span(at, cx), |e| e.key.span);
    let help = match inner.kind() {
        Kind::Pattern { pattern } => Some(format!(
            "key names here must match the regular expression `{pattern}`"
        )),
        Kind::MaxLength { limit } => Some(format!(
            "key names here must be at most {limit} characters long"
        )),
        Kind::MinLength { limit } => Some(format!(
            "key names here must be at least {limit} characters long"
        )),
        _ => own_allowed(inner).map(|allowed| {
            let values: Vec<String> = allowed.iter().map(|v| message::code(v)).collect();
            format!("the allowed key names are {}", and_list(&values))
        }),
    };
    let mut field = at.field.clone();
    push_key(&mut field, &bad);
    let text = Text {
        message: format!(
            "key `{bad}`{} is not an allowed key name",
            inside(&at.field)
        ),
        label: Some("not an allowed key name".into()),
        help,
    };
    finish(span, text, field, custom)
}

fn no_branch(error: &ValidationError, rejections: &[&ValidationError], cx: &Context) -> Diagnostic {
    let at = locate(cx.root, error);
    let custom = custom::message(cx.docs, error, None);
    if let Some((key, conditions)) = custom::condition_key(cx.docs, rejections) {
        if let Some(entry) = at.node.entry(&key) {
            let mut field = at.field.clone();
            push_key(&mut field, &key);
            let child = At {
                node: &entry.value,
                key: Some(&entry.key),
                field: field.clone(),
                in_flow: at.in_flow,
            };
            let mut text = Text {
                message: format!(
                    "`{field}` matches none of the {} cases the schema allows",
                    rejections.len()
                ),
                label: Some("no case accepts this value".into()),
                help: None,
            };
            if !conditions.is_empty() {
                text.help = Some(format!(
                    "the schema's cases expect `{field}` that {}",
                    message::or_list(&conditions)
                ));
            }
            return finish(value_span(&child, cx), text, field, custom);
        }
    }
    let subject = Subject {
        error,
        node: at.node,
        field: &at.field,
        text: cx.text,
        docs: cx.docs,
    };
    finish(
        value_span(&at, cx),
        message::no_branch(&subject, rejections),
        at.field.clone(),
        custom,
    )
}
