//! What a baseline names a file and a finding by, so that its entries
//! survive the edits fmlint's own fixes make and a move of the file:
//!
//! - a file is also known by its id (the collection's id field), so a
//!   renamed file whose id is unchanged keeps its entries;
//! - a finding inside a numbered reference entry (`related_article3.title`)
//!   names the entry by the id it refers to (`related_article@1005.title`),
//!   not by its number, which `reference-numbering`'s fix changes; a
//!   finding on the entry's key hashes that name instead of the key's text.

use std::collections::HashMap;

use fmlint_linter::collection::{Collection, RefShape};
use fmlint_linter::hash::value_hash;
use fmlint_syntax::{parse, split, Node, Value};

/// One file's names for the baseline.
#[derive(Debug, Default)]
pub struct Identity {
    /// The file's id as written (`1005`), when it has one.
    pub id: Option<String>,
    /// Numbered reference key → the name entries are keyed by
    /// (`related_article3` → `related_article@1005`).
    entries: HashMap<String, String>,
}

impl Identity {
    /// Reads the file's id and its numbered reference entries from `text`
    /// under `collection`'s conventions; empty when the header cannot be
    /// read (the findings then say so, and are keyed as written).
    pub fn of(text: &str, collection: Option<&Collection>) -> Identity {
        let Some(collection) = collection else {
            return Identity::default();
        };
        let Ok(header) = split(text) else {
            return Identity::default();
        };
        let parsed = parse(text, header.yaml);
        let Some(root) = parsed.root.as_ref().filter(|root| root.is_map()) else {
            return Identity::default();
        };
        let mut entries = HashMap::new();
        for references in &collection.references {
            let RefShape::Numbered { prefix, id } = &references.shape else {
                continue;
            };
            for (_, entry) in references.entries(root) {
                if let Some(target) = entry.value.get(id).and_then(written) {
                    entries.insert(entry.key.text.to_string(), format!("{prefix}@{target}"));
                }
            }
        }
        Identity {
            id: root.get(&collection.id_field).and_then(written),
            entries,
        }
    }

    /// `field` with a numbered reference key at its start replaced by the
    /// entry's stable name.
    pub fn field(&self, field: &str) -> String {
        let (head, rest) = split_first_key(field);
        match self.entries.get(head) {
            Some(name) => format!("{name}{rest}"),
            None => field.to_string(),
        }
    }

    /// A finding's value hash, with the hash of a numbered reference key's
    /// text (a finding on the key itself) replaced by its stable name's.
    pub fn value(&self, field: Option<&str>, hash: u64) -> u64 {
        let Some(field) = field else { return hash };
        let (head, _) = split_first_key(field);
        match self.entries.get(head) {
            Some(name) if value_hash(head.as_bytes()) == hash => value_hash(name.as_bytes()),
            _ => hash,
        }
    }
}

/// A scalar's value as text (`1005`, `abc`); `None` for a collection or
/// null.
fn written(node: &Node) -> Option<String> {
    match &node.value {
        Value::Int(i) => Some(i.to_string()),
        Value::Str(s) => Some(s.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Seq(_) | Value::Map(_) => None,
    }
}

/// The first key of a dotted path and the rest (`a.b[0]` → `a`, `.b[0]`).
fn split_first_key(field: &str) -> (&str, &str) {
    let end = field.find(['.', '[']).unwrap_or(field.len());
    field.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_key_is_split_off() {
        assert_eq!(split_first_key("a.b[0]"), ("a", ".b[0]"));
        assert_eq!(split_first_key("tags[1]"), ("tags", "[1]"));
        assert_eq!(split_first_key("id"), ("id", ""));
    }

    #[test]
    fn a_numbered_entry_is_named_by_its_target() {
        let identity = Identity {
            id: Some("7".into()),
            entries: HashMap::from([("ref3".into(), "ref@1005".into())]),
        };
        assert_eq!(identity.field("ref3.title"), "ref@1005.title");
        assert_eq!(identity.field("ref30.title"), "ref30.title");
        let key = value_hash(b"ref3");
        assert_eq!(identity.value(Some("ref3"), key), value_hash(b"ref@1005"));
        assert_eq!(identity.value(Some("ref3.title"), 42), 42);
    }
}
