//! The corpus index: a compact summary of every document, built in the same
//! parallel pass as per-file linting, on which the cross-file rules run.
//!
//! A summary keeps only what cross-file rules need: the id, the values other
//! documents mirror (title, subject, url) and each reference entry with the
//! locations of its values. Entries keep hashes of their mirrored values,
//! not the text: staleness is a comparison, and the message names the
//! target's value, which the target's summary has.
//!
//! Ids and values are keyed per collection: an author `alice` and a post
//! `alice` are different documents, and a reference names the collection
//! its ids belong to.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::collection::{Collection, PathBase, RefBy, RefItem, References};
use crate::diagnostic::{Location, Span};
use crate::hash::hash_str;
use fmlint_syntax::emit::{Slot, SlotKind};
use fmlint_syntax::LineIndex;
use fmlint_syntax::{Node, Style, Value};

/// The target of references by path that any page may satisfy: ids keyed
/// by it are page paths ([`page_key`]).
pub const PAGES: usize = usize::MAX;

/// A file's page path: its path relative to the corpus root with `/`
/// separators, without a Markdown extension and without a last `index` or
/// `_index` (`docs/a/index.md` → `docs/a`).
pub fn page_key(relative: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for component in relative.components() {
        parts.push(component.as_os_str().to_str()?);
    }
    Some(normal_page(&parts.join("/")))
}

/// A page path without a Markdown extension, a last `index`/`_index` or a
/// trailing `/`.
fn normal_page(path: &str) -> String {
    let mut path = path.trim_end_matches('/');
    for ext in [".md", ".mdx", ".markdown"] {
        if let Some(stem) = path.strip_suffix(ext) {
            path = stem;
            break;
        }
    }
    for index in ["index", "_index"] {
        if path == index {
            return String::new();
        }
        if let Some(folder) = path.strip_suffix(index).and_then(|p| p.strip_suffix('/')) {
            return folder.to_string();
        }
    }
    path.to_string()
}

/// Why a path reference has no page path.
#[derive(Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// An absolute URL (`https://`, `//`, `mailto:`): not a page here.
    External,
    /// `..` climbs out of the corpus root.
    Outside,
}

/// The page path a reference by path names: `value` against the
/// referring file's folder or a folder of the corpus, without a `#` anchor
/// or `?` query.
pub fn resolve_page(value: &str, file: &Path, base: &PathBase) -> Result<String, Unresolved> {
    let value = value.trim();
    let scheme = value.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if value.starts_with("//") || scheme {
        return Err(Unresolved::External);
    }
    let value = value.split(['#', '?']).next().unwrap_or("");
    let start = match base {
        PathBase::File => file
            .parent()
            .map(|p| {
                p.components()
                    .filter_map(|c| c.as_os_str().to_str())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default(),
        PathBase::Root(folder) => folder.trim_matches('/').to_string(),
    };
    let mut parts: Vec<&str> = start.split('/').filter(|s| !s.is_empty()).collect();
    for segment in value.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(Unresolved::Outside);
                }
            }
            segment => parts.push(segment),
        }
    }
    Ok(normal_page(&parts.join("/")))
}

/// An id as a comparable key: integers in decimal, strings as written.
pub fn id_key(node: &Node) -> Option<String> {
    match &node.value {
        Value::Int(i) => Some(i.to_string()),
        Value::Str(s) => Some(s.to_string()),
        _ => None,
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Located<T> {
    pub value: T,
    pub location: Location,
}

/// What one document contributes to the index.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Summary {
    /// The document's collection (its position in the settings).
    pub collection: usize,
    /// The `[[overrides]]` that match the document (positions in the
    /// settings), for the severities of cross-file findings.
    pub overrides: Vec<usize>,
    pub id: Option<Located<String>>,
    /// Values of the fields others mirror or that must be unique, by field
    /// name, in the collection's order.
    pub fields: Vec<(Arc<str>, Located<String>)>,
    /// Parallel to `fields`: the [`hash_str`] of each value, computed while
    /// the file is summarised (in parallel), for the index and staleness
    /// checks. A summary without them (read back from the cache) gets them
    /// when indexed.
    #[serde(default)]
    pub field_hashes: Vec<u64>,
    /// What few summaries have (list-valued unique fields, a page path):
    /// boxed, so that the rest pay one pointer.
    #[serde(default)]
    pub extra: Option<Box<Extra>>,
    pub refs: Vec<RefEntry>,
}

/// The rarer parts of a [`Summary`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Extra {
    /// Unique fields that hold a list here: `fields` has one entry per
    /// element.
    pub listed: Vec<Arc<str>>,
    /// Unique fields whose value here cannot be compared (a map, a list of
    /// maps): the run warns that `unique` does not apply to them.
    pub uncomparable: Vec<Arc<str>>,
    /// The file's page path ([`page_key`]), when references name pages by
    /// path.
    pub page: Option<String>,
}

impl Extra {
    /// `None` when there is nothing to keep.
    pub fn boxed(self) -> Option<Box<Extra>> {
        let empty = self.listed.is_empty() && self.uncomparable.is_empty() && self.page.is_none();
        (!empty).then(|| Box::new(self))
    }
}

impl Summary {
    /// Fills [`Summary::field_hashes`] unless it is already in step with
    /// `fields`.
    pub fn hash_fields(&mut self) {
        if self.field_hashes.len() != self.fields.len() {
            self.field_hashes = self
                .fields
                .iter()
                .map(|(_, v)| hash_str(&v.value))
                .collect();
        }
    }

    /// The file's page path, when references name pages by path.
    pub fn page(&self) -> Option<&str> {
        self.extra.as_ref()?.page.as_deref()
    }

    /// Unique fields that hold a list in this file.
    pub fn listed(&self) -> &[Arc<str>] {
        self.extra.as_ref().map_or(&[], |e| &e.listed)
    }

    /// Unique fields whose value in this file cannot be compared.
    pub fn uncomparable(&self) -> &[Arc<str>] {
        self.extra.as_ref().map_or(&[], |e| &e.uncomparable)
    }

    pub fn field(&self, name: &str) -> Option<&Located<String>> {
        self.fields
            .iter()
            .find(|(f, _)| &**f == name)
            .map(|(_, v)| v)
    }
}

/// One reference entry of a document. What the spec says (the entry's key,
/// the YAML path of its id, the mirrored field names) is not copied into
/// each entry: `spec` and `place` name it in the collection's settings
/// ([`RefEntry::key`], [`RefEntry::id_path`], [`Mirror::fields`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefEntry {
    /// The entry's reference spec: its position in the collection's
    /// `references`.
    pub spec: u32,
    /// Which entry of the spec: its number (`related_article2` → 2), its
    /// position in a list (`authors[1]` → 1), or [`References::SINGLE`]
    /// for a field holding one id.
    pub place: u32,
    pub key_location: Location,
    /// The collection the id belongs to.
    pub target: usize,
    pub id: Option<Located<String>>,
    /// Each mirrored field the entry has as a string.
    pub mirrors: Vec<Mirror>,
    /// What few entries have (a reference by path or URL, a mirrored value
    /// written as a block scalar): boxed, so that the rest pay one pointer.
    #[serde(default)]
    pub rare: Option<Box<RareRef>>,
}

/// The rarer parts of a [`RefEntry`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RareRef {
    /// For a reference by path or URL: what it names a document by and the
    /// value as written (`id` holds what a path resolves to).
    pub named: Option<(RefKind, Arc<str>)>,
    /// The fix slots of mirrored values written as block scalars, by
    /// [`Mirror::field`] (the others are rebuilt from the mirror alone).
    pub blocks: Vec<(u16, Slot)>,
}

/// The kind of every reference by id.
static BY_ID: RefKind = RefKind::Id;

impl RefEntry {
    /// What the value names a document by.
    pub fn by(&self) -> &RefKind {
        self.rare
            .as_ref()
            .and_then(|r| r.named.as_ref())
            .map_or(&BY_ID, |n| &n.0)
    }

    /// The value as written, for a reference by path or URL.
    pub fn written(&self) -> Option<&str> {
        self.rare.as_ref()?.named.as_ref().map(|n| &*n.1)
    }

    /// The entry's spec in `collection` (the summary's collection).
    pub fn spec<'c>(&self, collection: &'c Collection) -> Option<&'c References> {
        collection.references.get(self.spec as usize)
    }

    /// What names the entry in messages: `related_article2`, `authors[1]`.
    pub fn key(&self, spec: &References) -> String {
        spec.place_name(self.place)
    }

    /// The YAML path of the id: `related_article2.id`, `authors[1]`.
    pub fn id_path(&self, spec: &References) -> String {
        spec.place_id_path(self.place)
    }
}

/// What a reference entry's `id` is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefKind {
    /// The target's id.
    #[default]
    Id,
    /// A page path ([`page_key`]), resolved from the written path.
    Path,
    /// The target's value of this field.
    Url(Arc<str>),
}

/// One mirrored value of a reference entry: which field, the hash of the
/// value (staleness is a comparison) and where it is. Kept small: one lives
/// for every mirrored value of the corpus until the cross-file rules ran.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mirror {
    pub hash: u64,
    pub location: Location,
    /// The (entry field, target field) pair: its position in the spec's
    /// `mirror` list.
    pub field: u16,
    /// How the value is written, for the `stale-reference` fix.
    pub style: MirrorStyle,
    /// For a stripping block scalar (`>-`, `|-`): how far before the value
    /// its indicator starts, and the indicator's length.
    #[serde(default)]
    pub header: (u32, u8),
}

/// How a mirrored value is written: enough to rebuild its fix [`Slot`]
/// from its span, except for block scalars, whose slots the entry keeps
/// ([`RareRef::blocks`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MirrorStyle {
    Plain,
    /// Plain, inside a flow collection (fewer characters are safe).
    PlainInFlow,
    SingleQuoted,
    DoubleQuoted,
    /// A block scalar that strips its final line break: its indicator is
    /// at [`Mirror::header`].
    StripBlock,
    /// Any other block scalar: its slot is in [`RareRef::blocks`].
    Block,
    /// No fix can rewrite it.
    Fixed,
}

impl Mirror {
    /// The (entry field, target field) names from the entry's spec.
    pub fn fields<'s>(&self, spec: &'s References) -> Option<&'s (Arc<str>, Arc<str>)> {
        spec.mirror.get(usize::from(self.field))
    }

    /// The target field's name from the entry's spec (`""` if the spec has
    /// no such pair).
    pub fn target_field<'s>(&self, spec: &'s References) -> &'s str {
        self.fields(spec).map_or("", |(_, target)| target)
    }

    /// The entry field's name from the entry's spec.
    pub fn entry_field<'s>(&self, spec: &'s References) -> &'s str {
        self.fields(spec).map_or("", |(entry, _)| entry)
    }

    /// How to rewrite the value, for the `stale-reference` fix.
    pub fn slot(&self, entry: &RefEntry) -> Option<Slot> {
        let kind = match self.style {
            MirrorStyle::Plain => SlotKind::Plain { in_flow: false },
            MirrorStyle::PlainInFlow => SlotKind::Plain { in_flow: true },
            MirrorStyle::SingleQuoted => SlotKind::SingleQuoted,
            MirrorStyle::DoubleQuoted => SlotKind::DoubleQuoted,
            MirrorStyle::Fixed => return None,
            MirrorStyle::StripBlock => {
                let (back, len) = self.header;
                let start = self.location.span.start.saturating_sub(back) as usize;
                SlotKind::Block {
                    header: Span::new(start, start + usize::from(len)),
                    strip: true,
                    indicator: String::new(),
                    gap: String::new(),
                }
            }
            MirrorStyle::Block => {
                let blocks = &entry.rare.as_ref()?.blocks;
                let (_, slot) = blocks.iter().find(|(field, _)| *field == self.field)?;
                return Some(slot.clone());
            }
        };
        Some(Slot {
            span: self.location.span,
            kind,
        })
    }
}

/// Builds a document's summary while its tree is at hand.
pub fn summarize(root: &Node, collection: &Collection, lines: &LineIndex, path: &Path) -> Summary {
    let id = root.get(&collection.id_field).and_then(|node| {
        Some(Located {
            value: id_key(node)?,
            location: lines.locate(node.span),
        })
    });
    let indexed = indexed_fields(root, collection, lines);
    let mut refs = Vec::new();
    for (at, spec) in collection.references.iter().enumerate() {
        let Ok(at) = u32::try_from(at) else { break };
        for item in spec.items(root) {
            if let Some(entry) = ref_entry(root, (at, spec), &item, lines, path) {
                refs.push(entry);
            }
        }
    }
    // One summary lives for every file until the cross-file phase: no
    // room left over from growing.
    refs.shrink_to_fit();
    let mut summary = Summary {
        collection: collection.index,
        overrides: Vec::new(),
        id,
        fields: shrunk(indexed.fields),
        field_hashes: Vec::new(),
        extra: Extra {
            listed: indexed.listed,
            uncomparable: indexed.uncomparable,
            page: collection.paged.then(|| page_key(path)).flatten(),
        }
        .boxed(),
        refs,
    };
    summary.hash_fields();
    summary
}

fn shrunk<T>(mut list: Vec<T>) -> Vec<T> {
    list.shrink_to_fit();
    list
}

/// The values of the fields a collection indexes (mirrored or unique), and
/// which unique fields were lists or could not be compared.
struct IndexedFields {
    fields: Vec<(Arc<str>, Located<String>)>,
    listed: Vec<Arc<str>>,
    uncomparable: Vec<Arc<str>>,
}

fn indexed_fields(root: &Node, collection: &Collection, lines: &LineIndex) -> IndexedFields {
    let mut out = IndexedFields {
        fields: Vec::new(),
        listed: Vec::new(),
        uncomparable: Vec::new(),
    };
    for field in &collection.indexed_fields {
        if **field == *collection.id_field || out.fields.iter().any(|(f, _)| **f == **field) {
            continue;
        }
        let Some(node) = root.lookup(field) else {
            continue;
        };
        let unique = collection.unique.iter().any(|u| *u.field == **field);
        let values: Vec<&Node> = match &node.value {
            // A unique list is unique element by element (`aliases`).
            Value::Seq(items) if unique => {
                out.listed.push(field.clone());
                items.iter().collect()
            }
            _ => vec![node],
        };
        for node in values {
            let value = match &node.value {
                Value::Str(s) => s.to_string(),
                Value::Int(i) if unique => i.to_string(),
                Value::Seq(_) | Value::Map(_) if unique => {
                    if !out.uncomparable.contains(field) {
                        out.uncomparable.push(field.clone());
                    }
                    continue;
                }
                _ => continue,
            };
            out.fields.push((
                // The collection's name, shared: no allocation per file.
                field.clone(),
                Located {
                    value,
                    location: lines.locate(node.span),
                },
            ));
        }
    }
    out
}

/// One reference entry of the document, or `None` when its value cannot be
/// a reference of the spec's kind (a URL that is not a string, an absolute
/// URL given as a path).
fn ref_entry(
    root: &Node,
    (spec_at, spec): (u32, &References),
    item: &RefItem<'_, '_>,
    lines: &LineIndex,
    path: &Path,
) -> Option<RefEntry> {
    let locate = |node: &Node| lines.locate(node.span);
    let mut written: Option<Arc<str>> = None;
    let id = match &spec.by {
        RefBy::Id => item.id.and_then(|node| {
            Some(Located {
                value: id_key(node)?,
                location: locate(node),
            })
        }),
        RefBy::Url(_) => {
            // Only a string can be a URL (the schema says what else the
            // field may hold).
            let node = item.id?;
            let text = node.as_str()?;
            written = Some(Arc::from(text));
            Some(Located {
                value: text.to_string(),
                location: locate(node),
            })
        }
        RefBy::Path(base) => {
            let node = item.id?;
            let text = node.as_str()?;
            let value = match resolve_page(text, path, base) {
                Ok(page) => page,
                Err(Unresolved::External) => return None,
                // No page is outside the root: it dangles.
                Err(Unresolved::Outside) => "..".to_string(),
            };
            written = Some(Arc::from(text));
            Some(Located {
                value,
                location: locate(node),
            })
        }
    };
    let named = written.map(|written| {
        let kind = match &spec.by {
            RefBy::Id => RefKind::Id,
            RefBy::Path(_) => RefKind::Path,
            RefBy::Url(field) => RefKind::Url(field.clone()),
        };
        (kind, written)
    });
    let key_span = match (item.key(), item.id) {
        (Some(key), _) => key.span,
        (None, Some(node)) => node.span,
        (None, None) => root.span,
    };
    let (mirrors, blocks) = mirrors(root, spec, item, lines);
    let rare = (named.is_some() || !blocks.is_empty()).then(|| Box::new(RareRef { named, blocks }));
    Some(RefEntry {
        spec: spec_at,
        place: item.place,
        key_location: lines.locate(key_span),
        target: spec.target,
        id,
        mirrors,
        rare,
    })
}

/// The mirrored fields an entry holds as strings, and the fix slots of
/// those written as block scalars.
fn mirrors(
    root: &Node,
    spec: &References,
    item: &RefItem,
    lines: &LineIndex,
) -> (Vec<Mirror>, Vec<(u16, Slot)>) {
    let mut blocks = Vec::new();
    let Some(entry) = item.entry else {
        return (Vec::new(), blocks);
    };
    let in_flow = root.style == Style::Flow || entry.value.style == Style::Flow;
    // Sized exactly: `collect` after `filter_map` rounds up to 4, and one of
    // these lives for every entry.
    let mut mirrors = Vec::with_capacity(spec.mirror.len());
    for (at, (entry_field, _)) in spec.mirror.iter().enumerate() {
        let Some(node) = entry.value.get(entry_field) else {
            continue;
        };
        let (Some(text), Ok(field)) = (node.as_str(), u16::try_from(at)) else {
            continue;
        };
        let slot = Slot::of(lines.text(), node, in_flow);
        let mut header = (0, 0);
        let style = match slot.as_ref().map(|s| &s.kind) {
            None => MirrorStyle::Fixed,
            Some(SlotKind::Plain { in_flow: false }) => MirrorStyle::Plain,
            Some(SlotKind::Plain { in_flow: true }) => MirrorStyle::PlainInFlow,
            Some(SlotKind::SingleQuoted) => MirrorStyle::SingleQuoted,
            Some(SlotKind::DoubleQuoted) => MirrorStyle::DoubleQuoted,
            Some(SlotKind::Block {
                header: at,
                strip: true,
                ..
            }) => match (
                node.span.start.checked_sub(at.start),
                u8::try_from(at.len()),
            ) {
                (Some(back), Ok(len)) => {
                    header = (back, len);
                    MirrorStyle::StripBlock
                }
                _ => MirrorStyle::Block,
            },
            Some(SlotKind::Block { .. }) => MirrorStyle::Block,
        };
        if let (MirrorStyle::Block, Some(slot)) = (style, slot) {
            blocks.push((field, slot));
        }
        mirrors.push(Mirror {
            hash: hash_str(text),
            location: lines.locate(node.span),
            field,
            style,
            header,
        });
    }
    (mirrors, blocks)
}

/// The files that hold an id or value: nearly always one, kept inline (no
/// allocation for each of the 100,000s of unique values).
type Holders = SmallVec<[usize; 1]>;

/// One indexed field of a collection: hash of a value → the files that hold
/// it. FxHash: the keys are precomputed hashes and ids, not attacker-chosen
/// HashDoS material, and SipHash was a tenth of the cross-file phase.
struct FieldValues {
    field: Arc<str>,
    holders: FxHashMap<u64, Holders>,
}

/// Indexes of fewer files than this are built without the worker threads.
const PARALLEL_FROM: usize = 2048;

/// Every summarised document, with lookups by id and by field value.
pub struct Index {
    pub files: Vec<IndexedFile>,
    /// Per collection: id → files.
    by_id: Vec<IdHolders>,
    /// Per collection, per indexed field: value hash → files.
    by_value: Vec<Vec<FieldValues>>,
    /// Page path → files (when references name pages by path).
    by_page: FxHashMap<String, Holders>,
}

/// Id → files, keyed by a hash of the id so that building it copies no
/// string. Every list in `by_hash` holds one id (checked while building);
/// an id whose hash collides with another id's goes to `collided`.
#[derive(Default)]
struct IdHolders {
    by_hash: FxHashMap<u64, Holders>,
    collided: FxHashMap<String, Holders>,
}

/// Field names are the collection's shared `Arc`s, so comparing pointers
/// nearly always settles it; summaries read back from the cache have their
/// own copies.
fn same_name(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

fn id_hash(id: &str) -> u64 {
    // Unit tests force collisions to exercise `collided`.
    #[cfg(test)]
    if id.starts_with("collide-") {
        return 0;
    }
    let mut hasher = rustc_hash::FxHasher::default();
    id.hash(&mut hasher);
    hasher.finish()
}

pub struct IndexedFile {
    pub path: Arc<Path>,
    pub summary: Summary,
}

impl Index {
    /// `files` must be in a deterministic order (sorted by path): every list
    /// of holders keeps that order.
    ///
    /// Each map (the ids of a collection, the values of one of its fields)
    /// is built by its own task: inserting millions of keys into maps far
    /// larger than the caches is the cross-file phase's biggest cost, and
    /// the maps are independent.
    pub fn new(files: Vec<IndexedFile>) -> Self {
        // Small indexes (the language server's neighbourhood of one
        // document) are built on the calling thread: waking workers costs
        // more than the work.
        let parallel = files.len() >= PARALLEL_FROM;
        Index::build(files, parallel)
    }

    fn build(files: Vec<IndexedFile>, parallel: bool) -> Self {
        let collections = files
            .iter()
            .map(|f| f.summary.collection + 1)
            .max()
            .unwrap_or(0);
        // Summaries read back from the cache come without value hashes.
        let mut files = files;
        let add_hashes = |file: &mut IndexedFile| file.summary.hash_fields();
        match parallel {
            true => files.par_iter_mut().for_each(add_hashes),
            false => files.iter_mut().for_each(add_hashes),
        }
        // The fields each collection indexes, in order of first appearance
        // (the collection's order: summaries list them that way).
        let mut fields: Vec<Vec<Arc<str>>> = vec![Vec::new(); collections];
        for file in &files {
            let known = &mut fields[file.summary.collection];
            for (field, _) in &file.summary.fields {
                if !known.iter().any(|k| same_name(k, field)) {
                    known.push(field.clone());
                }
            }
        }
        // Sized up front, by the files of each collection: growing maps of
        // 100,000s of keys rehashes them several times.
        let mut sizes = vec![0usize; collections];
        for file in &files {
            sizes[file.summary.collection] += 1;
        }
        let files_ref = &files;
        let build_ids = |collection: usize| {
            let mut ids = IdHolders {
                by_hash: FxHashMap::with_capacity_and_hasher(sizes[collection], Default::default()),
                collided: FxHashMap::default(),
            };
            for (i, file) in files_ref.iter().enumerate() {
                if file.summary.collection != collection {
                    continue;
                }
                let Some(id) = &file.summary.id else { continue };
                let holders = ids.by_hash.entry(id_hash(&id.value)).or_default();
                let same = holders.first().is_none_or(|&first| {
                    files_ref[first].summary.id.as_ref().map(|i| &i.value) == Some(&id.value)
                });
                if same {
                    holders.push(i);
                } else {
                    ids.collided.entry(id.value.clone()).or_default().push(i);
                }
            }
            ids
        };
        let tasks: Vec<(usize, Arc<str>)> = fields
            .iter()
            .enumerate()
            .flat_map(|(c, names)| names.iter().map(move |f| (c, f.clone())))
            .collect();
        let build_values = |(collection, field): (usize, Arc<str>)| {
            let mut holders: FxHashMap<u64, Holders> =
                FxHashMap::with_capacity_and_hasher(sizes[collection], Default::default());
            for (i, file) in files_ref.iter().enumerate() {
                let summary = &file.summary;
                if summary.collection != collection {
                    continue;
                }
                for ((f, _), &hash) in summary.fields.iter().zip(&summary.field_hashes) {
                    if same_name(f, &field) {
                        let holders = holders.entry(hash).or_default();
                        // A list that repeats its own element is one holder.
                        if holders.last() != Some(&i) {
                            holders.push(i);
                        }
                    }
                }
            }
            (collection, FieldValues { field, holders })
        };
        let (by_id, values): (Vec<IdHolders>, Vec<(usize, FieldValues)>) = match parallel {
            true => rayon::join(
                || (0..collections).into_par_iter().map(build_ids).collect(),
                || tasks.into_par_iter().map(build_values).collect(),
            ),
            false => (
                (0..collections).map(build_ids).collect(),
                tasks.into_iter().map(build_values).collect(),
            ),
        };
        let mut by_value: Vec<Vec<FieldValues>> = (0..collections).map(|_| Vec::new()).collect();
        for (collection, field_values) in values {
            by_value[collection].push(field_values);
        }
        let mut by_page: FxHashMap<String, Holders> = FxHashMap::default();
        for (i, file) in files.iter().enumerate() {
            if let Some(page) = file.summary.page() {
                by_page.entry(page.to_string()).or_default().push(i);
            }
        }
        Index {
            files,
            by_id,
            by_value,
            by_page,
        }
    }

    fn values(&self, collection: usize, field: &str) -> Option<&FieldValues> {
        self.by_value
            .get(collection)?
            .iter()
            .find(|v| &*v.field == field)
    }

    /// File `file`'s value of `field` with its hash.
    pub fn field_value(&self, file: usize, field: &str) -> Option<(&str, u64)> {
        let summary = &self.files[file].summary;
        let at = summary.fields.iter().position(|(f, _)| &**f == field)?;
        Some((
            summary.fields[at].1.value.as_str(),
            *summary.field_hashes.get(at)?,
        ))
    }

    /// The files of any collection at a page path, in path order.
    pub fn pages(&self, page: &str) -> &[usize] {
        self.holders(PAGES, page)
    }

    /// Files of `collection` whose id is `id`, in path order (of any
    /// collection at page path `id` for [`PAGES`]).
    pub fn holders(&self, collection: usize, id: &str) -> &[usize] {
        if collection == PAGES {
            return self.by_page.get(id).map_or(&[], SmallVec::as_slice);
        }
        let Some(ids) = self.by_id.get(collection) else {
            return &[];
        };
        if let Some(holders) = ids.by_hash.get(&id_hash(id)) {
            if holders.first().and_then(|&f| self.id_of(f)) == Some(id) {
                return holders;
            }
        }
        ids.collided.get(id).map_or(&[], SmallVec::as_slice)
    }

    fn id_of(&self, file: usize) -> Option<&str> {
        let id = self.files.get(file)?.summary.id.as_ref()?;
        Some(&id.value)
    }

    /// Files of `collection` whose `field` has the value hashed as `hash`.
    pub fn with_value(&self, collection: usize, field: &str, hash: u64) -> &[usize] {
        self.values(collection, field)
            .and_then(|values| values.holders.get(&hash))
            .map_or(&[], SmallVec::as_slice)
    }

    /// Ids held by more than one file of `collection`, in the order of
    /// their first holder.
    pub fn duplicate_ids(&self, collection: usize) -> impl Iterator<Item = (&str, &[usize])> {
        let mut dups: Vec<(&str, &[usize])> = self
            .by_id
            .get(collection)
            .into_iter()
            .flat_map(|ids| ids.by_hash.values().chain(ids.collided.values()))
            .filter(|files| files.len() > 1)
            .filter_map(|files| Some((self.id_of(files[0])?, files.as_slice())))
            .collect();
        dups.sort_by_key(|(_, files)| files[0]);
        dups.into_iter()
    }

    /// Unique fields that some files hold as maps or lists of maps, which
    /// `unique` cannot compare: (collection, field, how many files, the
    /// first of them), in collection and field order.
    pub fn uncomparable(&self) -> Vec<(usize, Arc<str>, usize, &Path)> {
        let mut found: Vec<(usize, Arc<str>, usize, &Path)> = Vec::new();
        for file in &self.files {
            for field in file.summary.uncomparable() {
                let collection = file.summary.collection;
                match found
                    .iter_mut()
                    .find(|(c, f, _, _)| *c == collection && same_name(f, field))
                {
                    Some(entry) => entry.2 += 1,
                    None => found.push((collection, field.clone(), 1, &file.path)),
                }
            }
        }
        found.sort_by(|a, b| (a.0, &*a.1).cmp(&(b.0, &*b.1)));
        found
    }

    /// Values of `field` held by more than one file of `collection`: each
    /// value's hash with its holders.
    pub fn duplicate_values<'s>(
        &'s self,
        collection: usize,
        field: &'s str,
    ) -> impl Iterator<Item = (u64, &'s [usize])> {
        let mut dups: Vec<(u64, &[usize])> = self
            .values(collection, field)
            .into_iter()
            .flat_map(|values| values.holders.iter())
            .filter(|(_, files)| files.len() > 1)
            .map(|(&hash, files)| (hash, files.as_slice()))
            .collect();
        dups.sort_by_key(|&(hash, files)| (files[0], hash));
        dups.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(id: &str) -> IndexedFile {
        IndexedFile {
            path: Arc::from(Path::new(id)),
            summary: Summary {
                id: Some(Located {
                    value: id.to_string(),
                    location: Location::default(),
                }),
                ..Summary::default()
            },
        }
    }

    /// A file of collection `i % 2` with id `i % 1000` and a `url` and
    /// `title` shared by pairs, with its value hashes left to the index.
    fn numbered(i: usize) -> IndexedFile {
        let mut file = file(&(i % 1000).to_string());
        file.summary.collection = i % 2;
        let located = |value: String| Located {
            value,
            location: Location::default(),
        };
        file.summary.fields = vec![
            (Arc::from("url"), located(format!("/u/{}", i / 2))),
            (Arc::from("title"), located(format!("T{}", i % 700))),
        ];
        file
    }

    #[test]
    fn pages_resolve_against_the_folder_or_the_root() {
        let file = Path::new("content/get-started/index.md");
        let folder = PathBase::File;
        let root = PathBase::Root("content".into());
        assert_eq!(page_key(file).as_deref(), Some("content/get-started"));
        assert_eq!(
            page_key(Path::new("docs/_index.md")).as_deref(),
            Some("docs")
        );
        assert_eq!(page_key(Path::new("a/b.mdx")).as_deref(), Some("a/b"));
        assert_eq!(
            resolve_page("/quickstart", file, &folder),
            Ok("content/get-started/quickstart".into())
        );
        assert_eq!(
            resolve_page("../other/page.md#part", file, &folder),
            Ok("content/other/page".into())
        );
        assert_eq!(
            resolve_page("/guides/index.md", file, &root),
            Ok("content/guides".into())
        );
        assert_eq!(
            resolve_page("https://example.com/a", file, &folder),
            Err(Unresolved::External)
        );
        assert_eq!(
            resolve_page("//cdn.example.com/a", file, &folder),
            Err(Unresolved::External)
        );
        assert_eq!(
            resolve_page("../../../up", file, &folder),
            Err(Unresolved::Outside)
        );
    }

    #[test]
    fn parallel_and_sequential_builds_agree() {
        let files = || (0..3000).map(numbered).collect::<Vec<_>>();
        let (a, b) = (Index::build(files(), true), Index::build(files(), false));
        for collection in 0..3 {
            let ids_a: Vec<_> = a.duplicate_ids(collection).collect();
            let ids_b: Vec<_> = b.duplicate_ids(collection).collect();
            assert_eq!(ids_a, ids_b);
            for field in ["url", "title", "none"] {
                let a: Vec<_> = a.duplicate_values(collection, field).collect();
                let b: Vec<_> = b.duplicate_values(collection, field).collect();
                assert_eq!(a, b, "{collection} {field}");
            }
        }
        assert_eq!(a.holders(1, "7"), &[7, 1007, 2007]);
        assert_eq!(b.holders(1, "7"), &[7, 1007, 2007]);
        let hash = hash_str("/u/3");
        assert_eq!(a.with_value(1, "url", hash), &[7]);
        assert_eq!(b.with_value(0, "url", hash), &[6]);
        assert_eq!(a.field_value(6, "title"), Some(("T6", hash_str("T6"))));
        assert!(a.duplicate_values(0, "title").count() > 0);
    }

    #[test]
    fn ids_whose_hashes_collide_stay_apart() {
        let index = Index::new(vec![
            file("collide-a"),
            file("collide-b"),
            file("collide-a"),
            file("7"),
        ]);
        assert_eq!(index.holders(0, "collide-a"), &[0, 2]);
        assert_eq!(index.holders(0, "collide-b"), &[1]);
        assert_eq!(index.holders(0, "collide-c"), &[] as &[usize]);
        assert_eq!(index.holders(0, "7"), &[3]);
        assert_eq!(index.holders(1, "7"), &[] as &[usize]);
        let dups: Vec<_> = index.duplicate_ids(0).collect();
        assert_eq!(dups, vec![("collide-a", &[0, 2][..])]);
    }
}
