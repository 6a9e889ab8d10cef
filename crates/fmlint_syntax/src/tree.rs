//! The spanned YAML tree: every key and every value keeps its byte span in
//! whole-file coordinates, so every diagnostic can point at the exact node.
//!
//! The tree borrows plain scalars from the file's text; only scalars whose
//! value differs from their source (folded, escaped) own a copy.

use std::borrow::Cow;

use serde_json::{Map as JsonMap, Number, Value as Json};

use crate::span::Span;

/// How a node was written. Fixes use it to keep the author's style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
    Block,
    Flow,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    /// The value's bytes: quotes included for quoted scalars, the content
    /// (not the `>-` indicator, no trailing line break) for block scalars.
    pub span: Span,
    pub style: Style,
    pub value: Value<'a>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<Entry<'a>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry<'a> {
    pub key: Key<'a>,
    pub value: Node<'a>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key<'a> {
    /// The key as a string: a scalar key's text before typing (`1` stays
    /// `"1"`, an alias key is its anchor's text), a complex key's source
    /// text.
    pub text: Cow<'a, str>,
    pub span: Span,
    /// What the key resolves to, which is what YAML compares keys by.
    pub resolved: KeyValue,
}

/// A key's resolved value: `1` and `0x1` are one key, `1` and `'1'` two,
/// `[a, b]` and `[ a,b ]` one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KeyValue {
    /// The string [`Key::text`] (nearly every key).
    Str,
    /// Any other value, in a canonical form ([`Node::canonical`]).
    Other(Box<str>),
}

impl Key<'_> {
    /// Whether `self` and `other` are the same key of a mapping.
    pub fn same(&self, other: &Key) -> bool {
        self.resolved == other.resolved
            && (self.resolved != KeyValue::Str || self.text == other.text)
    }
}

impl<'a> Node<'a> {
    pub fn entries(&self) -> &[Entry<'a>] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The entry for `key`. With duplicate keys the last one wins, as in
    /// most YAML loaders (and in the JSON the schema sees).
    pub fn entry(&self, key: &str) -> Option<&Entry<'a>> {
        self.entries().iter().rev().find(|e| e.key.text == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follows a dotted path such as `seo.title`.
    pub fn lookup(&self, path: &str) -> Option<&Node<'a>> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    /// The entry at a dotted path, for the key's span.
    pub fn lookup_entry(&self, path: &str) -> Option<&Entry<'a>> {
        let (parent, last) = match path.rsplit_once('.') {
            Some((parent, last)) => (self.lookup(parent)?, last),
            None => (self, path),
        };
        parent.entry(last)
    }

    /// Whether the value at dotted `path` sits inside a flow collection
    /// (`{…}` or `[…]`), where plain scalars cannot hold `,` or brackets.
    pub fn in_flow(&self, path: &str) -> bool {
        let mut node = self;
        for key in path.split('.') {
            if node.style == Style::Flow {
                return true;
            }
            let Some(next) = node.get(key) else {
                return false;
            };
            node = next;
        }
        false
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }

    /// Number of nodes in this subtree, itself included.
    pub fn count(&self) -> usize {
        1 + match &self.value {
            Value::Seq(items) => items.iter().map(Node::count).sum(),
            Value::Map(entries) => entries.iter().map(|e| e.value.count()).sum(),
            _ => 0,
        }
    }

    /// A canonical form of the value, equal for equal YAML values however
    /// they are written: the identity of a key that is not a string.
    /// Mappings compare unordered; `.nan` equals itself; `-0.0` equals `0.0`.
    pub fn canonical(&self, out: &mut String) {
        use std::fmt::Write;
        match &self.value {
            Value::Null => out.push_str("~;"),
            Value::Bool(b) => out.push_str(if *b { "true;" } else { "false;" }),
            Value::Int(i) => {
                let _ = write!(out, "i{i};");
            }
            Value::Float(f) if f.is_nan() => out.push_str("f.nan;"),
            Value::Float(f) if *f == 0.0 => out.push_str("f0;"),
            Value::Float(f) => {
                let _ = write!(out, "f{f:?};");
            }
            Value::Str(s) => canonical_str(s, out),
            Value::Seq(items) => {
                out.push('[');
                items.iter().for_each(|item| item.canonical(out));
                out.push(']');
            }
            Value::Map(entries) => {
                let mut pairs: Vec<String> = entries
                    .iter()
                    .map(|entry| {
                        let mut pair = String::new();
                        match &entry.key.resolved {
                            KeyValue::Str => canonical_str(&entry.key.text, &mut pair),
                            KeyValue::Other(key) => pair.push_str(key),
                        }
                        entry.value.canonical(&mut pair);
                        pair
                    })
                    .collect();
                pairs.sort_unstable();
                out.push('{');
                pairs.iter().for_each(|pair| out.push_str(pair));
                out.push('}');
            }
        }
    }

    /// The tree as JSON, for the schema validator. Non-finite floats have no
    /// JSON form and become `null`.
    pub fn to_json(&self) -> Json {
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::Number((*i).into()),
            Value::Float(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Value::Str(s) => Json::String(s.to_string()),
            Value::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut map = JsonMap::with_capacity(entries.len());
                for entry in entries {
                    map.insert(entry.key.text.to_string(), entry.value.to_json());
                }
                Json::Object(map)
            }
        }
    }
}

/// What a JSON pointer resolves to in the tree.
pub struct Resolved<'t, 'a> {
    pub node: &'t Node<'a>,
    /// The key under which `node` sits, `None` for the root or a list item.
    pub key: Option<&'t Key<'a>>,
    /// The dotted YAML path, e.g. `related_article2.id` or `tags[0]`.
    pub field: String,
}

/// One step of a path into the tree.
pub enum Step<'s> {
    Key(&'s str),
    Index(usize),
}

impl<'a> Node<'a> {
    /// Walks `steps` as far as the tree allows; stops at the deepest node
    /// that exists.
    pub fn resolve<'t, 's>(
        &'t self,
        steps: impl IntoIterator<Item = Step<'s>>,
    ) -> Resolved<'t, 'a> {
        let mut here = Resolved {
            node: self,
            key: None,
            field: String::new(),
        };
        for step in steps {
            match (step, &here.node.value) {
                (Step::Key(name), Value::Map(_)) => {
                    let Some(entry) = here.node.entry(name) else {
                        break;
                    };
                    push_key(&mut here.field, name);
                    here.node = &entry.value;
                    here.key = Some(&entry.key);
                }
                (Step::Index(i), Value::Seq(items)) => {
                    let Some(item) = items.get(i) else { break };
                    here.field.push_str(&format!("[{i}]"));
                    here.node = item;
                    here.key = None;
                }
                _ => break,
            }
        }
        here
    }
}

/// A string in [`Node::canonical`]'s form: length-prefixed, so no string
/// can end early or run into the next item.
fn canonical_str(s: &str, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(out, "s{}:{s}", s.len());
}

/// Appends `key` to a dotted field path.
pub fn push_key(field: &mut String, key: &str) {
    if !field.is_empty() {
        field.push('.');
    }
    field.push_str(key);
}
