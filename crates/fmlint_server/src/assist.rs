//! Help while writing a header, inside the front matter: key and value
//! completion from the collection's JSON Schema (required keys first, with
//! their `description`; `enum` values) and reference ids from the corpus
//! (each with its target's title), hover (a key's description and type, a
//! reference's target), and the target file of a reference id or a path.
//!
//! The place of the cursor is read from the lines of the text, not from
//! the YAML tree: while a key is being typed the header often does not
//! parse. Block mappings by indentation are understood; flow mappings are
//! not (no help there).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value as Json;

use crate::workspace::Workspace;
use fmlint_linter::collection::{Collection, RefShape};
use fmlint_linter::diagnostic::Location;
use fmlint_linter::index::Summary;

/// At most this many reference ids are offered at once; typing more of
/// the id (or of the title) narrows the list.
const MAX_IDS: usize = 100;

/// The line under the cursor in a header, and the mappings it is inside.
#[derive(Debug, PartialEq, Eq)]
pub struct Place {
    /// Keys of the enclosing mappings, outermost first.
    pub parents: Vec<String>,
    /// The key on the line and its byte range, if the line has one.
    pub key: Option<(String, std::ops::Range<usize>)>,
    /// The scalar value on the line (after `key:` or `- `) and its range.
    pub value: Option<(String, std::ops::Range<usize>)>,
    /// Whether the cursor is on (or before) the key, not on the value.
    pub on_key: bool,
    /// What is typed on the line before the cursor, from the start of the
    /// key or of the value.
    pub typed: String,
    /// The keys already at this level of the mapping (this line's not
    /// counted).
    pub siblings: Vec<String>,
}

/// Where `offset` is in the header of `text`; `None` outside the header,
/// in a comment or inside a block scalar.
pub fn place(text: &str, offset: usize) -> Option<Place> {
    let header = fmlint_syntax::split(text).ok()?;
    let yaml = header.yaml.range();
    if offset < yaml.start || offset > yaml.end || !text.is_char_boundary(offset) {
        return None;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = Line::parse(&text[line_start..line_end]);
    if line.comment {
        return None;
    }
    let column = offset - line_start;
    let lines = header_lines(text, yaml.clone());
    let here = lines.iter().position(|(start, _)| *start == line_start)?;
    let parents = parents(&lines, here, line.indent)?;
    let siblings = siblings(&lines, here, line.indent);
    let on_key = line
        .key
        .as_ref()
        .is_none_or(|(_, range)| column <= range.end);
    let typed_from = match (&line.key, &line.value, on_key) {
        (Some((_, key)), _, true) => key.start,
        (_, Some((_, value)), false) => value.start.min(column),
        (Some((_, key)), None, false) => (key.end + 1..column)
            .find(|&i| !line.text.as_bytes()[i].is_ascii_whitespace())
            .unwrap_or(column),
        _ => line.content_start.min(column),
    };
    let typed = line.text.get(typed_from..column).unwrap_or("").to_string();
    let shift = |(text, range): (String, std::ops::Range<usize>)| {
        (text, range.start + line_start..range.end + line_start)
    };
    Some(Place {
        parents,
        key: line.key.map(shift),
        value: line.value.map(shift),
        on_key,
        typed,
        siblings,
    })
}

/// One line of a block mapping, as far as completion needs it.
struct Line<'t> {
    text: &'t str,
    indent: usize,
    /// Where the key (or the item's value) starts: after any `- `.
    content_start: usize,
    key: Option<(String, std::ops::Range<usize>)>,
    value: Option<(String, std::ops::Range<usize>)>,
    comment: bool,
    blank: bool,
    /// `key: |` or `key: >-`: the lines below are text, not keys.
    block_scalar: bool,
}

impl<'t> Line<'t> {
    fn parse(text: &'t str) -> Line<'t> {
        let indent = text.len() - text.trim_start_matches(' ').len();
        let mut content_start = indent;
        let item = text[indent..].starts_with("- ") || &text[indent..] == "-";
        if item {
            content_start = (indent + 1..text.len())
                .find(|&i| text.as_bytes()[i] != b' ')
                .unwrap_or(text.len());
        }
        let rest = &text[content_start..];
        let comment = rest.starts_with('#');
        let blank = text.trim().is_empty();
        // `key:` ends at the first `: ` (or a final `:`) outside quotes;
        // keys here are plain words.
        let colon = rest
            .char_indices()
            .find(|&(i, c)| c == ':' && rest[i + 1..].chars().next().is_none_or(|n| n == ' '))
            .map(|(i, _)| i);
        let key = colon
            .filter(|&i| i > 0 && !rest.starts_with(['"', '\'', '{', '[']))
            .map(|i| {
                let name = rest[..i].trim_end();
                (name.to_string(), content_start..content_start + name.len())
            });
        let value_start = match (&key, colon) {
            (Some(_), Some(colon)) => Some(content_start + colon + 1),
            (None, _) if item => Some(content_start),
            _ => None,
        };
        let value = value_start.and_then(|start| {
            let raw = &text[start..];
            let lead = raw.len() - raw.trim_start().len();
            let body = raw.trim_start();
            let body = body.split(" #").next().unwrap_or("").trim_end();
            (!body.is_empty()).then(|| {
                let start = start + lead;
                (unquote(body).to_string(), start..start + body.len())
            })
        });
        let block_scalar = value
            .as_ref()
            .is_some_and(|(v, _)| v.starts_with('|') || v.starts_with('>'));
        Line {
            text,
            indent,
            content_start,
            key,
            value,
            comment,
            blank,
            block_scalar,
        }
    }
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// The header's lines: (start offset, text).
fn header_lines(text: &str, yaml: std::ops::Range<usize>) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut start = yaml.start;
    while start <= yaml.end && start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        lines.push((start, &text[start..end]));
        if end >= yaml.end {
            break;
        }
        start = end + 1;
    }
    lines
}

/// The keys of the mappings enclosing line `here` (indented by `indent`);
/// `None` when the line is inside a block scalar.
fn parents(lines: &[(usize, &str)], here: usize, indent: usize) -> Option<Vec<String>> {
    let mut parents = Vec::new();
    let mut limit = indent;
    for (_, text) in lines[..here].iter().rev() {
        let line = Line::parse(text);
        if line.blank || line.comment || line.indent >= limit {
            continue;
        }
        if line.block_scalar {
            return None;
        }
        match &line.key {
            Some((key, _)) if line.value.is_none() => parents.push(key.clone()),
            // A scalar above, less indented: this line continues it.
            _ => return None,
        }
        limit = line.indent;
        if limit == 0 {
            break;
        }
    }
    parents.reverse();
    Some(parents)
}

/// The other keys of the mapping line `here` belongs to.
fn siblings(lines: &[(usize, &str)], here: usize, indent: usize) -> Vec<String> {
    let mut keys = Vec::new();
    let mut collect = |range: &mut dyn Iterator<Item = &(usize, &str)>| {
        for (_, text) in range {
            let line = Line::parse(text);
            if line.blank || line.comment || line.indent > indent {
                continue;
            }
            if line.indent < indent {
                break;
            }
            if let Some((key, _)) = line.key {
                keys.push(key);
            }
        }
    };
    collect(&mut lines[..here].iter().rev());
    collect(&mut lines[here + 1..].iter());
    keys
}

// ---------------------------------------------------------------------------
// The schema

/// A JSON Schema document and lookups in it (local `$ref`s followed;
/// `allOf`/`anyOf`/`oneOf` branches merged).
pub struct Schema<'s> {
    root: &'s Json,
}

/// What the schema says about one key.
pub struct KeyDoc<'s> {
    pub name: String,
    pub required: bool,
    pub description: Option<&'s str>,
    pub types: Vec<String>,
    pub values: Vec<String>,
}

impl<'s> Schema<'s> {
    pub fn new(root: &'s Json) -> Self {
        Schema { root }
    }

    /// Follows `$ref` (`#/…` pointers in this document).
    fn resolve(&self, mut schema: &'s Json) -> &'s Json {
        for _ in 0..32 {
            let Some(target) = schema
                .get("$ref")
                .and_then(Json::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|pointer| self.root.pointer(pointer))
            else {
                break;
            };
            schema = target;
        }
        schema
    }

    /// The schema and the branches it is made of, resolved.
    fn branches(&self, schema: &'s Json) -> Vec<&'s Json> {
        let mut out = Vec::new();
        let mut todo = vec![schema];
        while let Some(next) = todo.pop() {
            if out.len() > 64 {
                break;
            }
            let next = self.resolve(next);
            out.push(next);
            for keyword in ["allOf", "anyOf", "oneOf"] {
                if let Some(list) = next.get(keyword).and_then(Json::as_array) {
                    todo.extend(list);
                }
            }
        }
        out
    }

    /// The schema of `key` in a mapping described by `schema` (unresolved,
    /// so a description beside a `$ref` is kept).
    fn property(&self, schema: &'s Json, key: &str) -> Option<&'s Json> {
        let branches = self.branches(schema);
        if let Some(found) = branches
            .iter()
            .find_map(|b| b.get("properties").and_then(|p| p.get(key)))
        {
            return Some(found);
        }
        branches.iter().find_map(|b| {
            b.get("patternProperties")?
                .as_object()?
                .iter()
                .find(|(pattern, _)| regex::Regex::new(pattern).is_ok_and(|r| r.is_match(key)))
                .map(|(_, s)| s)
        })
    }

    /// The schema at a path of keys from the root.
    pub fn at(&self, path: &[String]) -> Option<&'s Json> {
        let mut schema = self.root;
        for key in path {
            schema = self.property(schema, key)?;
        }
        Some(schema)
    }

    /// The named keys of the mapping at `path`, required ones first.
    pub fn keys(&self, path: &[String]) -> Vec<KeyDoc<'s>> {
        let Some(schema) = self.at(path) else {
            return Vec::new();
        };
        let branches = self.branches(schema);
        let required: Vec<&str> = branches
            .iter()
            .filter_map(|b| b.get("required")?.as_array())
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        let mut keys: Vec<KeyDoc<'s>> = Vec::new();
        for branch in &branches {
            let Some(properties) = branch.get("properties").and_then(Json::as_object) else {
                continue;
            };
            for (name, property) in properties {
                if keys.iter().any(|k| k.name == *name) {
                    continue;
                }
                let mut doc = self.describe(property);
                doc.name = name.clone();
                doc.required = required.contains(&name.as_str());
                keys.push(doc);
            }
        }
        // Required keys in the order `required` lists them, then the others
        // by name.
        let rank = |k: &KeyDoc<'_>| {
            required
                .iter()
                .position(|r| *r == k.name)
                .unwrap_or(usize::MAX)
        };
        keys.sort_by(|a, b| (rank(a), &a.name).cmp(&(rank(b), &b.name)));
        keys
    }

    /// The key at the end of `path`, described.
    pub fn key(&self, path: &[String]) -> Option<KeyDoc<'s>> {
        let schema = self.at(path)?;
        let mut doc = self.describe(schema);
        doc.name = path.last()?.clone();
        Some(doc)
    }

    fn describe(&self, schema: &'s Json) -> KeyDoc<'s> {
        let mut doc = KeyDoc {
            name: String::new(),
            required: false,
            description: None,
            types: Vec::new(),
            values: Vec::new(),
        };
        let mut branches = self.branches(schema);
        if !branches.iter().any(|b| std::ptr::eq(*b, schema)) {
            // A description beside a `$ref` comes first.
            branches.insert(0, schema);
        }
        for branch in branches {
            if doc.description.is_none() {
                doc.description = branch.get("description").and_then(Json::as_str);
            }
            match branch.get("type") {
                Some(Json::String(t)) => doc.types.push(t.clone()),
                Some(Json::Array(ts)) => {
                    doc.types
                        .extend(ts.iter().filter_map(Json::as_str).map(str::to_string));
                }
                _ => {}
            }
            let enumerated = branch.get("enum").and_then(Json::as_array);
            let constant = branch.get("const").map(std::slice::from_ref);
            for value in enumerated.map(Vec::as_slice).or(constant).unwrap_or(&[]) {
                doc.values.push(match value {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                });
            }
        }
        doc.types.dedup();
        doc.values.dedup();
        doc
    }
}

// ---------------------------------------------------------------------------
// References

/// The collection whose ids the value at `place` names, when it is a
/// reference id (`related_article2.id`, an item of `authors`).
pub fn reference_target(collection: &Collection, place: &Place) -> Option<usize> {
    collection.references.iter().find_map(|r| match &r.shape {
        RefShape::Numbered { id, .. } => {
            let [entry] = place.parents.as_slice() else {
                return None;
            };
            let key = &place.key.as_ref()?.0;
            (r.number(entry).is_some() && key == id).then_some(r.target)
        }
        RefShape::Field { field } => {
            let by_key =
                place.parents.is_empty() && place.key.as_ref().is_some_and(|(key, _)| key == field);
            let by_item = place.key.is_none() && place.parents == [field.clone()];
            (by_key || by_item).then_some(r.target)
        }
    })
}

/// An article a reference can name.
pub struct Target {
    pub id: String,
    pub title: Option<String>,
    pub path: Arc<Path>,
    pub location: Location,
}

fn target(path: &Arc<Path>, summary: &Summary) -> Option<Target> {
    let id = summary.id.as_ref()?;
    let title = summary
        .fields
        .iter()
        .find(|(field, _)| &**field == "title")
        .or_else(|| summary.fields.first())
        .map(|(_, value)| value.value.clone());
    Some(Target {
        id: id.value.clone(),
        title,
        path: path.clone(),
        location: id.location,
    })
}

/// The articles of `collection` holding `id`, in path order.
pub fn targets_with_id(ws: &Workspace, collection: usize, id: &str) -> Vec<Target> {
    ws.holders(collection, id)
        .into_iter()
        .filter_map(|(path, summary)| target(&path, summary))
        .collect()
}

/// Ids of `collection` for completion: those starting with `typed`, or
/// whose title holds it (any case); at most [`MAX_IDS`], and whether more
/// matched.
pub fn ids_matching(ws: &Workspace, collection: usize, typed: &str) -> (Vec<Target>, bool) {
    let needle = typed.trim().to_lowercase();
    let mut found: Vec<Target> = ws
        .summaries()
        .filter(|(_, summary)| summary.collection == collection)
        .filter_map(|(path, summary)| target(path, summary))
        .filter(|t| {
            needle.is_empty()
                || t.id.starts_with(&needle)
                || t.title
                    .as_ref()
                    .is_some_and(|title| title.to_lowercase().contains(&needle))
        })
        .collect();
    found.sort_by(|a, b| (a.id.len(), &a.id, &a.path).cmp(&(b.id.len(), &b.id, &b.path)));
    let more = found.len() > MAX_IDS;
    found.truncate(MAX_IDS);
    (found, more)
}

/// The file a path value names: relative to the document's folder, else
/// to the corpus root; `None` unless it is an existing file.
pub fn path_value(root: &Path, document: &Path, value: &str) -> Option<PathBuf> {
    if value.is_empty() || value.contains('\n') {
        return None;
    }
    let relative = value.trim_start_matches('/');
    let folder = root.join(document).parent()?.to_path_buf();
    [folder.join(value), root.join(relative)]
        .into_iter()
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "---\nid: 1\nseo:\n  title: x\n  pa\nrelated_article1:\n  id: 12\ntitle: >-\n  some\n---\nbody\n";

    fn at(marker: &str, after: usize) -> Place {
        let offset = TEXT.find(marker).unwrap() + after;
        place(TEXT, offset).unwrap()
    }

    #[test]
    fn the_place_of_the_cursor() {
        let p = at("  pa\n", 4);
        assert_eq!(p.parents, ["seo"]);
        assert_eq!(p.typed, "pa");
        assert!(p.on_key);
        assert_eq!(p.siblings, ["title"]);
        let p = at("  id: 12", 8);
        assert_eq!(p.parents, ["related_article1"]);
        assert_eq!(p.key.as_ref().unwrap().0, "id");
        assert_eq!(p.value.as_ref().unwrap().0, "12");
        assert!(!p.on_key);
        assert_eq!(p.typed, "12");
        let p = at("id: 1\n", 0);
        assert!(p.parents.is_empty());
        assert!(p.siblings.contains(&"seo".to_string()));
        assert!(!p.siblings.contains(&"id".to_string()));
        // Inside a block scalar, and in the body: no place.
        assert_eq!(place(TEXT, TEXT.find("  some").unwrap() + 3), None);
        assert_eq!(place(TEXT, TEXT.find("body").unwrap()), None);
    }

    #[test]
    fn schema_keys_required_first_with_descriptions() {
        let json: Json = serde_json::from_str(
            r##"{"required": ["b"], "properties": {"a": {"type": "string", "description": "A."},
                 "b": {"$ref": "#/$defs/b"}, "e": {"enum": ["x", "y"]}},
                 "patternProperties": {"^n[0-9]$": {"properties": {"id": {"type": "integer"}}}},
                 "$defs": {"b": {"type": "integer", "description": "B."}}}"##,
        )
        .unwrap();
        let schema = Schema::new(&json);
        let keys = schema.keys(&[]);
        let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["b", "a", "e"]);
        assert_eq!(keys[0].description, Some("B."));
        assert_eq!(keys[0].types, ["integer"]);
        assert_eq!(keys[2].values, ["x", "y"]);
        let id = schema.key(&["n3".to_string(), "id".to_string()]).unwrap();
        assert_eq!(id.types, ["integer"]);
    }
}
