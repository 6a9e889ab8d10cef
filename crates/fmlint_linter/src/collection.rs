//! What a corpus looks like, compiled: one [`Collection`] per kind of
//! document, with every convention the rules read (schema, identity
//! fields, templates, dates, references). Collections are built from
//! `fmlint.toml` by the engine's config compiler (the built-in QuickTakes
//! preset is an embedded config compiled by the same code). No rule
//! names a QuickTakes field.

use std::path::Path;
use std::sync::Arc;

use globset::GlobSet;

use crate::dates::DateFormat;
use crate::diagnostic::Applicability;
use crate::schema::CompiledSchema;
use crate::template::Template;
use fmlint_syntax::{Entry, Key, Node, Value};

pub struct Collection {
    pub name: String,
    /// Its position in the settings' collections; the index keys ids by it.
    pub index: usize,
    /// Which files belong, relative to the corpus root; `None` is every
    /// file.
    pub include: Option<GlobSet>,
    pub exclude: GlobSet,
    pub schema: Option<Arc<CompiledSchema>>,
    /// The field that identifies a document for references.
    pub id_field: String,
    /// Fields whose value must be unique in the collection, each with the
    /// rule that reports a repeat.
    pub unique: Vec<Unique>,
    pub dates: Vec<DateField>,
    /// Fields holding a display pattern such as `MMM DD, YYYY`.
    pub display_formats: Vec<String>,
    pub checks: Vec<Check>,
    /// The top-level keys in the order `key-order` wants (empty: any).
    pub key_order: Vec<String>,
    pub references: Vec<References>,
    /// Fields whose values the corpus index keeps: the unique ones and those
    /// that references (from any collection) mirror or name pages by.
    pub indexed_fields: Vec<Arc<str>>,
    /// Whether the index keeps each file's page path (some reference names
    /// pages by path).
    pub paged: bool,
}

impl Collection {
    /// What one document of the collection is called in messages, in the
    /// config's words: the collection's name in the singular when it is a
    /// plain plural (`articles` → `article`, `posts` → `post`), else
    /// `` document of `NAME` ``.
    pub fn member_noun(&self) -> String {
        let name = self.name.as_str();
        let plain = name.len() > 3
            && name.chars().all(|c| c.is_ascii_lowercase())
            && !name.ends_with("ss")
            && !name.ends_with("us")
            && !name.ends_with("is");
        match name.strip_suffix('s') {
            Some(singular) if plain => singular.to_string(),
            _ => format!("document of `{name}`"),
        }
    }

    /// Whether the file at `relative` (to the corpus root) belongs here.
    pub fn matches(&self, relative: &Path) -> bool {
        self.include.as_ref().is_none_or(|g| g.is_match(relative))
            && !self.exclude.is_match(relative)
    }

    /// The rule that reports a repeated value of `field`: `duplicate-id` for
    /// the id field, `duplicate-url` for `url`, `duplicate-value` otherwise.
    pub fn unique_rule(&self, field: &str) -> &'static str {
        if field == self.id_field {
            "duplicate-id"
        } else if field == "url" {
            "duplicate-url"
        } else {
            "duplicate-value"
        }
    }
}

#[derive(Clone, Debug)]
pub struct Unique {
    pub field: String,
    pub rule: &'static str,
}

#[derive(Clone, Debug)]
pub struct DateField {
    pub field: String,
    pub format: DateFormat,
}

/// "`field` must equal `expected`", reported under `rule`.
#[derive(Clone, Debug)]
pub struct Check {
    pub rule: &'static str,
    /// The field checked; the diagnostic points at its value.
    pub field: String,
    /// What is compared, when it is not the field's own value (the file's
    /// folder, say).
    pub actual: Option<Template>,
    pub expected: Template,
    /// Names what `actual` is, for messages ("the file's folder").
    pub actual_name: Option<String>,
    /// Whether setting the field to the expected value is a safe fix, an
    /// unsafe one, or no fix at all.
    pub fix: Option<Applicability>,
    /// How the value is compared with the rendered template.
    pub matching: Matching,
    /// A regex template without placeholders, compiled once (anchored).
    pub pattern: Option<regex::Regex>,
    /// When the check applies (`when`/`unless` other fields' values).
    pub condition: Condition,
}

/// How a field's value is compared with its rendered template.
#[derive(Clone, Debug, Default)]
pub enum Matching {
    /// The value equals the template.
    #[default]
    Equal,
    /// The value starts with the template.
    Prefix,
    /// The value matches the template as a regular expression (anchored at
    /// both ends; placeholders are inserted as literal text).
    Regex,
}

/// A scalar a condition compares a field with.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl Scalar {
    /// Whether the node holds this value (an integer equals the same
    /// float; a missing field or a list never equals anything).
    pub fn holds_in(&self, node: &Node) -> bool {
        match (self, &node.value) {
            (Scalar::Bool(a), Value::Bool(b)) => a == b,
            (Scalar::Int(a), Value::Int(b)) => a == b,
            (Scalar::Float(a), Value::Float(b)) => a == b,
            (Scalar::Float(a), Value::Int(b)) | (Scalar::Int(b), Value::Float(a)) => {
                *a == *b as f64
            }
            (Scalar::Str(a), Value::Str(b)) => a == b,
            _ => false,
        }
    }
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// `when = { draft = false }`, `unless = { allowTitleToDifferFromFilename =
/// true }`: a check applies when every `when` field has its value and no
/// `unless` field has its value. A missing field has no value: `when = {
/// draft = false }` skips pages without `draft`, `unless = { draft = true
/// }` keeps them.
#[derive(Clone, Debug, Default)]
pub struct Condition {
    pub when: Vec<(String, Scalar)>,
    pub unless: Vec<(String, Scalar)>,
}

impl Condition {
    pub fn holds(&self, root: &Node) -> bool {
        let has = |(field, value): &(String, Scalar)| {
            root.lookup(field).is_some_and(|node| value.holds_in(node))
        };
        self.when.iter().all(has) && !self.unless.iter().any(has)
    }
}

/// Where a document names other documents by id, path or URL.
#[derive(Clone, Debug)]
pub struct References {
    pub shape: RefShape,
    /// The collection the ids belong to (its index); for references by
    /// path, [`crate::index::PAGES`] when any page will do.
    pub target: usize,
    /// Entry key → target field that it must mirror (numbered maps only).
    pub mirror: Vec<(Arc<str>, Arc<str>)>,
    /// What a value names a document by.
    pub by: RefBy,
}

/// What a reference's value names a document by.
#[derive(Clone, Debug, Default)]
pub enum RefBy {
    /// The target's id field.
    #[default]
    Id,
    /// The target's file: a path resolved against `base`, with or without
    /// its extension (`.md`, `.mdx`, `.markdown`), or a folder holding an
    /// `index` or `_index` page. Absolute URLs are skipped.
    Path(PathBase),
    /// The target's value of this field (a `url` or permalink).
    Url(Arc<str>),
}

/// What a path reference is relative to.
#[derive(Clone, Debug)]
pub enum PathBase {
    /// The referring file's folder (`children: [/getting-started]` in
    /// GitHub Docs: a leading `/` still means the folder).
    File,
    /// This folder, relative to the corpus root (`""` for the root itself).
    Root(String),
}

#[derive(Clone, Debug)]
pub enum RefShape {
    /// `related_article*.id`: maps under numbered keys
    /// (`related_article1`, `related_article2` …), the id at `id` inside
    /// each.
    Numbered { prefix: String, id: String },
    /// `authors`: a field holding one id or a list of ids.
    Field { field: String },
}

/// One reference of a document.
pub struct RefItem<'t, 'a> {
    /// Names the entry in messages: `related_article2`, `authors[1]`.
    pub name: String,
    /// The YAML path of the id: `related_article2.id`, `authors[1]`.
    pub id_path: String,
    /// The id's node, when the entry has one.
    pub id: Option<&'t Node<'a>>,
    /// The numbered entry (its key and its mapping, for mirrors and fixes).
    pub entry: Option<&'t Entry<'a>>,
    pub number: Option<u32>,
    /// Which entry of the spec, as [`References::place_name`] reads it:
    /// the number, the list position or [`References::SINGLE`].
    pub place: u32,
}

impl<'t, 'a> RefItem<'t, 'a> {
    /// What a finding about the entry as a whole points at: its key, else
    /// the id.
    pub fn key(&self) -> Option<&'t Key<'a>> {
        self.entry.map(|e| &e.key)
    }
}

impl References {
    /// The place of the one reference of a field that holds a single id.
    pub const SINGLE: u32 = u32::MAX;

    /// What names the entry at `place` in messages: `related_article2`,
    /// `authors[1]`, `author` ([`RefItem::name`]).
    pub fn place_name(&self, place: u32) -> String {
        match &self.shape {
            RefShape::Numbered { prefix, .. } => format!("{prefix}{place}"),
            RefShape::Field { field } if place == Self::SINGLE => field.clone(),
            RefShape::Field { field } => format!("{field}[{place}]"),
        }
    }

    /// The YAML path of the id of the entry at `place`:
    /// `related_article2.id`, `authors[1]` ([`RefItem::id_path`]).
    pub fn place_id_path(&self, place: u32) -> String {
        match &self.shape {
            RefShape::Numbered { prefix, id } => format!("{prefix}{place}.{id}"),
            RefShape::Field { .. } => self.place_name(place),
        }
    }

    /// The number of a reference key (`related_article3` → 3), if `key` is
    /// one: the prefix followed by digits without a leading zero.
    pub fn number(&self, key: &str) -> Option<u32> {
        let RefShape::Numbered { prefix, .. } = &self.shape else {
            return None;
        };
        let digits = key.strip_prefix(prefix.as_str())?;
        if digits.is_empty()
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        digits.parse().ok()
    }

    /// The key of entry `n` (numbered references).
    pub fn key(&self, n: u32) -> String {
        match &self.shape {
            RefShape::Numbered { prefix, .. } => format!("{prefix}{n}"),
            RefShape::Field { field } => field.clone(),
        }
    }

    /// The numbered entries of a document, in document order, with their
    /// numbers; empty for other shapes.
    pub fn entries<'t, 'a>(&self, root: &'t Node<'a>) -> Vec<(u32, &'t Entry<'a>)> {
        root.entries()
            .iter()
            .filter_map(|e| Some((self.number(&e.key.text)?, e)))
            .collect()
    }

    /// Every reference of a document, in document order.
    pub fn items<'t, 'a>(&self, root: &'t Node<'a>) -> Vec<RefItem<'t, 'a>> {
        match &self.shape {
            RefShape::Numbered { id, .. } => self
                .entries(root)
                .into_iter()
                .map(|(n, entry)| RefItem {
                    name: entry.key.text.to_string(),
                    id_path: format!("{}.{id}", entry.key.text),
                    id: entry.value.get(id),
                    entry: Some(entry),
                    number: Some(n),
                    place: n,
                })
                .collect(),
            RefShape::Field { field } => match root.lookup(field) {
                None => Vec::new(),
                Some(Node {
                    value: Value::Seq(items),
                    ..
                }) => items
                    .iter()
                    .enumerate()
                    .map(|(i, node)| RefItem {
                        name: format!("{field}[{i}]"),
                        id_path: format!("{field}[{i}]"),
                        id: Some(node),
                        entry: None,
                        number: None,
                        place: u32::try_from(i).unwrap_or(Self::SINGLE - 1),
                    })
                    .collect(),
                Some(node) => vec![RefItem {
                    name: field.clone(),
                    id_path: field.clone(),
                    id: Some(node),
                    entry: None,
                    number: None,
                    place: Self::SINGLE,
                }],
            },
        }
    }

    /// Entry keys that mirror a field unique in the target collection
    /// (`url`): an entry whose value equals the document's own points at
    /// itself.
    pub fn identifying_mirrors<'s>(
        &'s self,
        unique: &'s [Unique],
    ) -> impl Iterator<Item = &'s (Arc<str>, Arc<str>)> {
        self.mirror
            .iter()
            .filter(move |(_, target)| unique.iter().any(|u| *u.field == **target))
    }
}
