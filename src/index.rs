//! The corpus index: a compact summary of every document, built in the same
//! parallel pass as per-file linting, on which the cross-file rules run.
//!
//! A summary keeps only what cross-file rules need: the id, the values other
//! documents mirror (title, subject, url) and each reference entry with the
//! locations of its values. Entries keep hashes of their mirrored values,
//! not the text: staleness is a comparison, and the message names the
//! target's value, which the target's summary has.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Location;
use crate::frontmatter::emit::Slot;
use crate::frontmatter::{Node, Style, Value};
use crate::lines::LineIndex;
use crate::preset::Collection;

/// An id as a comparable key: integers in decimal, strings as written.
pub fn id_key(node: &Node) -> Option<String> {
    match &node.value {
        Value::Int(i) => Some(i.to_string()),
        Value::Str(s) => Some(s.to_string()),
        _ => None,
    }
}

pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

pub fn hash_str(s: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    s.hash(&mut hasher);
    hasher.finish()
}

#[derive(Clone, Debug)]
pub struct Located<T> {
    pub value: T,
    pub location: Location,
}

/// What one document contributes to the index.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub id: Option<Located<String>>,
    /// Values of the fields others mirror or that must be unique, by field
    /// name, in the collection's order.
    pub fields: Vec<(Arc<str>, Located<String>)>,
    pub refs: Vec<RefEntry>,
}

impl Summary {
    pub fn field(&self, name: &str) -> Option<&Located<String>> {
        self.fields
            .iter()
            .find(|(f, _)| &**f == name)
            .map(|(_, v)| v)
    }
}

#[derive(Clone, Debug)]
pub struct RefEntry {
    /// `related_article2`.
    pub key: Arc<str>,
    pub key_location: Location,
    pub id: Option<Located<String>>,
    /// (entry key, hash of its value, location) for each mirrored field the
    /// entry has as a string.
    pub mirrors: Vec<Mirror>,
}

#[derive(Clone, Debug)]
pub struct Mirror {
    pub entry_field: Arc<str>,
    pub target_field: Arc<str>,
    pub hash: u64,
    pub location: Location,
    /// How to rewrite the value, for the `stale-reference` fix.
    pub slot: Option<Slot>,
}

/// Builds a document's summary while its tree is at hand.
pub fn summarize(root: &Node, collection: &Collection, lines: &LineIndex) -> Summary {
    let locate = |node: &Node| lines.locate(node.span);
    let id = root.get(&collection.id_field).and_then(|node| {
        Some(Located {
            value: id_key(node)?,
            location: locate(node),
        })
    });
    let mut wanted: Vec<&str> = collection.unique.iter().map(|u| u.field.as_str()).collect();
    if let Some(refs) = &collection.references {
        wanted.extend(refs.mirror.iter().map(|(_, target)| target.as_str()));
    }
    let mut fields: Vec<(Arc<str>, Located<String>)> = Vec::new();
    for field in wanted {
        if field == collection.id_field || fields.iter().any(|(f, _)| &**f == field) {
            continue;
        }
        let Some(node) = root.lookup(field) else {
            continue;
        };
        let Some(value) = node.as_str() else { continue };
        fields.push((
            field.into(),
            Located {
                value: value.to_string(),
                location: locate(node),
            },
        ));
    }
    let mut refs = Vec::new();
    if let Some(spec) = &collection.references {
        for (_, entry) in spec.entries(root) {
            let id = entry.value.get(&spec.id).and_then(|node| {
                Some(Located {
                    value: id_key(node)?,
                    location: locate(node),
                })
            });
            let in_flow = root.style == Style::Flow || entry.value.style == Style::Flow;
            let mirrors = spec
                .mirror
                .iter()
                .filter_map(|(entry_field, target_field)| {
                    let node = entry.value.get(entry_field)?;
                    Some(Mirror {
                        entry_field: entry_field.as_str().into(),
                        target_field: target_field.as_str().into(),
                        hash: hash_str(node.as_str()?),
                        location: locate(node),
                        slot: Slot::of(lines.text(), node, in_flow),
                    })
                })
                .collect();
            refs.push(RefEntry {
                key: entry.key.text.as_ref().into(),
                key_location: lines.locate(entry.key.span),
                id,
                mirrors,
            });
        }
    }
    Summary { id, fields, refs }
}

/// Every summarised document, with lookups by id and by field value.
pub struct Index {
    pub files: Vec<IndexedFile>,
    by_id: HashMap<String, Vec<usize>>,
    /// (field, hash of value) → files.
    by_value: HashMap<(Arc<str>, u64), Vec<usize>>,
}

pub struct IndexedFile {
    pub path: Arc<Path>,
    pub summary: Summary,
}

impl Index {
    /// `files` must be in a deterministic order (sorted by path): every list
    /// of holders keeps that order.
    pub fn new(files: Vec<IndexedFile>) -> Self {
        let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_value: HashMap<(Arc<str>, u64), Vec<usize>> = HashMap::new();
        for (i, file) in files.iter().enumerate() {
            if let Some(id) = &file.summary.id {
                by_id.entry(id.value.clone()).or_default().push(i);
            }
            for (field, value) in &file.summary.fields {
                by_value
                    .entry((field.clone(), hash_str(&value.value)))
                    .or_default()
                    .push(i);
            }
        }
        Index {
            files,
            by_id,
            by_value,
        }
    }

    /// Files whose id is `id`, in path order.
    pub fn holders(&self, id: &str) -> &[usize] {
        self.by_id.get(id).map_or(&[], Vec::as_slice)
    }

    /// Files whose `field` has the value hashed as `hash`.
    pub fn with_value(&self, field: &str, hash: u64) -> &[usize] {
        self.by_value
            .get(&(Arc::from(field), hash))
            .map_or(&[], Vec::as_slice)
    }

    /// Ids held by more than one file, in the order of their first holder.
    pub fn duplicate_ids(&self) -> impl Iterator<Item = (&str, &[usize])> {
        let mut dups: Vec<(&str, &[usize])> = self
            .by_id
            .iter()
            .filter(|(_, files)| files.len() > 1)
            .map(|(id, files)| (id.as_str(), files.as_slice()))
            .collect();
        dups.sort_by_key(|(_, files)| files[0]);
        dups.into_iter()
    }

    /// Values of `field` held by more than one file.
    pub fn duplicate_values<'s>(&'s self, field: &'s str) -> impl Iterator<Item = &'s [usize]> {
        let mut dups: Vec<&[usize]> = self
            .by_value
            .iter()
            .filter(move |((f, _), files)| &**f == field && files.len() > 1)
            .map(|(_, files)| files.as_slice())
            .collect();
        dups.sort_by_key(|files| files[0]);
        dups.into_iter()
    }
}
