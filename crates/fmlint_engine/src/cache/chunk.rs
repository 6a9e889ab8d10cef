//! The cache on disk: one chunk file per corpus directory, its entries,
//! and reading and writing chunks whole (magic, format, key, length and
//! checksum first; written to a temporary file renamed over the chunk).
//!
//! The payload is postcard, LZ4-compressed: entries repeat field names,
//! reference keys and values of their neighbours, and compression removes
//! the repeats at a fraction of the cost of reading them back from disk
//! (the cache stays under a quarter of the corpus it describes).

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use fmlint_linter::diagnostic::Diagnostic;
use fmlint_linter::index::{Extra, Located, RefEntry, Summary};
use fmlint_linter::suppress::Suppressions;
use serde::{Deserialize, Serialize};

use super::hasher::StableHasher;
use super::ids::Id;
use super::stamp::Stamp;
use super::stored;

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

pub(super) const MAGIC: &[u8; 8] = b"FMLCACHE";
/// Bump when the chunk layout or anything serialized in it changes.
pub(super) const FORMAT: u32 = 4;
pub(super) const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 8;

/// The per-file rules' findings of one file, before suppressions.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct PerFile {
    #[serde(with = "stored")]
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) value_hashes: Vec<u64>,
}

/// One file of a chunk, as read.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) name: String,
    pub(super) stamp: Stamp,
    /// [`hash_bytes`] of the content.
    pub(super) hash: u64,
    /// The summary without its reference entries (see [`Refs`]).
    pub(super) summary: Option<Summary>,
    /// The ids the file's references name.
    pub(super) ref_ids: Vec<Id>,
    pub(super) refs: Option<Refs>,
    pub(super) suppressions: Option<Suppressions>,
    /// `None` when the per-file rules have not run on this version (the
    /// file was only summarised for the index).
    pub(super) per_file: Option<PerFile>,
    pub(super) touched: Vec<Id>,
    /// A tombstone: the file was deleted; `touched` holds its id.
    pub(super) gone: bool,
}

/// A summary's reference entries, still encoded in the chunk's bytes:
/// locations and fix slots are decoded only for files a run reports, so a
/// warm run over 36,000 files decodes ids and values, not every entry.
#[derive(Clone, Debug)]
pub(super) struct Refs {
    pub(super) bytes: Arc<[u8]>,
    pub(super) range: std::ops::Range<usize>,
}

impl Refs {
    pub(super) fn decode(&self) -> Option<Vec<RefEntry>> {
        postcard::from_bytes(self.bytes.get(self.range.clone())?).ok()
    }

    pub(super) fn raw(&self) -> &[u8] {
        self.bytes.get(self.range.clone()).unwrap_or_default()
    }
}

/// Bytes written as one postcard byte string (readable as `&[u8]` without
/// a copy).
pub(super) struct RawBytes<'a>(&'a [u8]);

impl Serialize for RawBytes<'_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.serialize_bytes(self.0)
    }
}

#[derive(Deserialize)]
pub(super) struct EntryIn<'a> {
    pub(super) name: &'a str,
    pub(super) stamp: Stamp,
    pub(super) hash: u64,
    #[serde(borrow)]
    pub(super) summary: Option<SummaryIn<'a>>,
    pub(super) suppressions: Option<Suppressions>,
    pub(super) per_file: Option<PerFile>,
    pub(super) touched: Vec<Id>,
    pub(super) gone: bool,
}

#[derive(Deserialize)]
pub(super) struct SummaryIn<'a> {
    pub(super) collection: usize,
    pub(super) overrides: Vec<usize>,
    pub(super) id: Option<Located<String>>,
    #[serde(borrow)]
    pub(super) fields: Vec<(&'a str, Located<String>)>,
    #[serde(borrow)]
    pub(super) listed: Vec<&'a str>,
    #[serde(borrow)]
    pub(super) uncomparable: Vec<&'a str>,
    pub(super) page: Option<String>,
    #[serde(borrow)]
    pub(super) ref_ids: Vec<(usize, &'a str)>,
    #[serde(borrow)]
    pub(super) refs: &'a [u8],
}

/// One file of a chunk, as written (borrowing what the run holds).
#[derive(Serialize)]
pub(super) struct EntryOut<'a> {
    pub(super) name: &'a str,
    pub(super) stamp: Stamp,
    pub(super) hash: u64,
    pub(super) summary: Option<SummaryOut<'a>>,
    pub(super) suppressions: Option<&'a Suppressions>,
    pub(super) per_file: Option<&'a PerFile>,
    pub(super) touched: &'a [Id],
    pub(super) gone: bool,
}

#[derive(Serialize)]
pub(super) struct SummaryOut<'a> {
    pub(super) collection: usize,
    pub(super) overrides: &'a [usize],
    pub(super) id: Option<&'a Located<String>>,
    pub(super) fields: Vec<(&'a str, &'a Located<String>)>,
    pub(super) listed: Vec<&'a str>,
    pub(super) uncomparable: Vec<&'a str>,
    pub(super) page: Option<&'a str>,
    pub(super) ref_ids: Vec<(usize, &'a str)>,
    pub(super) refs: RawBytes<'a>,
}

impl<'a> SummaryOut<'a> {
    /// `refs`: the encoded entries, when the run did not decode them.
    pub(super) fn new(summary: &'a Summary, ref_ids: &'a [Id], refs: &'a [u8]) -> Self {
        SummaryOut {
            collection: summary.collection,
            overrides: &summary.overrides,
            id: summary.id.as_ref(),
            fields: summary.fields.iter().map(|(f, v)| (&**f, v)).collect(),
            listed: summary.listed().iter().map(|f| &**f).collect(),
            uncomparable: summary.uncomparable().iter().map(|f| &**f).collect(),
            page: summary.page(),
            ref_ids: ref_ids.iter().map(|(c, id)| (*c, id.as_str())).collect(),
            refs: RawBytes(refs),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ChunkIn<'a> {
    #[serde(borrow)]
    pub(super) dir: &'a str,
    /// When the run that wrote the chunk started (ns since the epoch).
    pub(super) started: i64,
    #[serde(borrow)]
    pub(super) entries: Vec<EntryIn<'a>>,
}

#[derive(Serialize)]
pub(super) struct ChunkOut<'a> {
    pub(super) dir: &'a str,
    pub(super) started: i64,
    pub(super) entries: Vec<EntryOut<'a>>,
}

pub(super) struct Chunk {
    pub(super) dir: Arc<str>,
    pub(super) file: PathBuf,
    pub(super) started: i64,
    /// Sorted by name; taken out as the run meets their files.
    pub(super) entries: Vec<Option<Entry>>,
}

/// `relative` as (`/`-separated directory, file name); `None` for paths
/// that are not UTF-8 (they are linted, not cached).
pub(super) fn split(relative: &Path) -> Option<(std::borrow::Cow<'_, str>, &str)> {
    let text = relative.to_str()?;
    // Split as text: `Path::file_name`/`parent` parse components, a cost
    // that shows on 100,000s of paths. Corpus-relative paths are plain
    // (no `.`, no doubled or trailing separators); others go the long way.
    let plain = std::path::MAIN_SEPARATOR == '/'
        && !text.starts_with('/')
        && crate::walk::plain(text.as_bytes());
    let (dir, name) = match text.rsplit_once('/') {
        _ if !plain => {
            let name = relative.file_name()?.to_str()?;
            (relative.parent().map_or(Some(""), |p| p.to_str())?, name)
        }
        Some((dir, name)) => (dir, name),
        None => ("", text),
    };
    if name.is_empty() || name == ".." {
        return None;
    }
    if std::path::MAIN_SEPARATOR == '/' {
        Some((dir.into(), name))
    } else {
        Some((dir.replace(std::path::MAIN_SEPARATOR, "/").into(), name))
    }
}

pub(super) fn chunk_file_name(dir: &str) -> String {
    format!("{:016x}.bin", StableHasher::of(dir.as_bytes()))
}

pub(super) fn read_chunk(file: &Path, key: u64) -> Option<(String, Chunk)> {
    let file_bytes = fs::read(file).ok()?;
    let (header, payload) = file_bytes.split_at_checked(HEADER_LEN)?;
    let field = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().expect("8 bytes"));
    if &header[..8] != MAGIC
        || u32::from_le_bytes(header[8..12].try_into().expect("4 bytes")) != FORMAT
        || field(12) != key
        || field(20) != payload.len() as u64
        || field(28) != StableHasher::of(payload)
    {
        return None;
    }
    let bytes: Arc<[u8]> = decompress(payload)?.into();
    let chunk: ChunkIn = postcard::from_bytes(&bytes).ok()?;
    // The name is the directory's hash: a mismatch is a damaged file.
    if file.file_name()?.to_str()? != chunk_file_name(chunk.dir)
        || !chunk.entries.windows(2).all(|w| w[0].name < w[1].name)
    {
        return None;
    }
    // Field names repeat in every file: one allocation each per chunk.
    let mut names: HashMap<&str, Arc<str>> = HashMap::new();
    let base = bytes.as_ptr() as usize;
    let entries = chunk
        .entries
        .into_iter()
        .map(|e| {
            let (summary, ref_ids, refs) = match e.summary {
                None => (None, Vec::new(), None),
                Some(s) => {
                    let fields = s
                        .fields
                        .into_iter()
                        .map(|(name, value)| {
                            let name = names.entry(name).or_insert_with(|| name.into()).clone();
                            (name, value)
                        })
                        .collect();
                    let start = s.refs.as_ptr() as usize - base;
                    let mut shared = |list: Vec<_>| -> Vec<Arc<str>> {
                        list.into_iter()
                            .map(|name| names.entry(name).or_insert_with(|| name.into()).clone())
                            .collect()
                    };
                    let listed = shared(s.listed);
                    let uncomparable = shared(s.uncomparable);
                    let summary = Summary {
                        collection: s.collection,
                        overrides: s.overrides,
                        id: s.id,
                        fields,
                        extra: Extra {
                            listed,
                            uncomparable,
                            page: s.page,
                        }
                        .boxed(),
                        ..Summary::default()
                    };
                    let ref_ids = s
                        .ref_ids
                        .into_iter()
                        .map(|(c, id)| (c, id.to_string()))
                        .collect();
                    let refs = Refs {
                        bytes: bytes.clone(),
                        range: start..start + s.refs.len(),
                    };
                    (Some(summary), ref_ids, Some(refs))
                }
            };
            Some(Entry {
                name: e.name.to_string(),
                stamp: e.stamp,
                hash: e.hash,
                summary,
                ref_ids,
                refs,
                suppressions: e.suppressions,
                per_file: e.per_file,
                touched: e.touched,
                gone: e.gone,
            })
        })
        .collect();
    Some((
        chunk.dir.to_string(),
        Chunk {
            dir: chunk.dir.into(),
            file: file.to_path_buf(),
            started: chunk.started,
            entries,
        },
    ))
}

/// The payload's postcard bytes. The size LZ4 records is checked against
/// the most a block of this length can expand to (255 to 1), so a damaged
/// file never asks for a huge allocation.
fn decompress(payload: &[u8]) -> Option<Vec<u8>> {
    let size = u32::from_le_bytes(payload.get(..4)?.try_into().ok()?) as usize;
    if size > payload.len().saturating_mul(255) {
        return None;
    }
    lz4_flex::block::decompress_size_prepended(payload).ok()
}

pub(super) fn write_chunk(file: &Path, key: u64, chunk: &ChunkOut) -> std::io::Result<()> {
    let encoded = postcard::to_stdvec(chunk).map_err(std::io::Error::other)?;
    let payload = lz4_flex::block::compress_prepend_size(&encoded);
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&StableHasher::of(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    let dir = file.parent().unwrap_or(Path::new("."));
    let temp = dir.join(format!(
        ".{}.{}.{}.tmp",
        file.file_name().and_then(|n| n.to_str()).unwrap_or("chunk"),
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = fs::File::create(&temp).and_then(|mut out| {
        out.write_all(&bytes)?;
        // No fsync: a chunk lost in a crash is rebuilt, and a torn one
        // fails its checksum.
        drop(out);
        fs::rename(&temp, file)
    });
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_claiming_an_absurd_size_is_refused() {
        let packed = lz4_flex::block::compress_prepend_size(b"some bytes, some bytes");
        assert_eq!(
            decompress(&packed).as_deref(),
            Some(&b"some bytes, some bytes"[..])
        );
        let mut absurd = packed.clone();
        absurd[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decompress(&absurd), None);
        assert_eq!(decompress(&packed[..2]), None);
    }

    #[test]
    fn split_paths() {
        assert_eq!(
            split(Path::new("content/learn/a/b.md")),
            Some(("content/learn/a".into(), "b.md"))
        );
        assert_eq!(split(Path::new("b.md")), Some(("".into(), "b.md")));
        assert_eq!(split(Path::new("a/./b.md")), Some(("a".into(), "b.md")));
        assert_eq!(split(Path::new("a//b.md")), Some(("a".into(), "b.md")));
        assert_eq!(split(Path::new("a/b/")), Some(("a".into(), "b")));
        assert_eq!(split(Path::new("a/b/.")), Some(("a".into(), "b")));
        assert_eq!(split(Path::new("a/..")), None);
        assert_eq!(split(Path::new("")), None);
    }
}
