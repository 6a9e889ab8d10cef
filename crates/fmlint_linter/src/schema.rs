//! JSON Schema validation of a header, with each error mapped to the node it
//! is about (as taplo does for TOML): unknown keys at the key, a missing key
//! at its parent key (or the opening `---`), anything else at the value.
//!
//! Schemas are compiled once, with format validation on.
//!
//! # `$ref`: no network, no escape
//!
//! jsonschema is built without its network and file features; fmlint plugs
//! its own retriever in, so what a `$ref` may read is decided here:
//!
//! - A `#…` reference (`#/$defs/slug`) stays inside the document and always
//!   works.
//! - A schema loaded from a config ([`CompiledSchema::load`]) gets the file
//!   URI of its canonical path as base, so relative references
//!   (`author.json`, `../common/slug.json`) and `file:` URIs resolve as
//!   files. One is read only if it lies inside the *project root*, the
//!   directory holding the `fmlint.toml` in use: first checked on the
//!   resolved path, without touching the disk, then on its canonical path
//!   (so a symbolic link cannot lead out). The schema file itself obeys the
//!   same rule.
//! - `http:` and `https:` are refused (fmlint never fetches anything over
//!   the network; vendor the file instead), as is any other scheme (`urn:`,
//!   `ftp:`) not defined by an `$id` in a document already read.
//! - Built-in schemas refer to nothing outside themselves.
//!
//! A refusal is a [`Refused`] error, which the config reports at the
//! `schema` value. The files read are part of [`CompiledSchema::source_hash`],
//! so editing one invalidates the result cache.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Context, Result};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{Draft, ReferencingError, Retrieve, Uri, Validator};
use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use fmlint_syntax::{tree::push_key, Header, Node, Step};

/// The schemas built into the binary, by name.
pub const BUILTIN: &[(&str, &str)] = &[(
    "quicktakes-article",
    include_str!("../../../schemas/quicktakes-article.schema.json"),
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

    /// Compiles a schema that refers to nothing outside itself (a built-in
    /// one): any external `$ref` is an error.
    pub fn compile(name: &str, text: &str) -> Result<CompiledSchema> {
        Self::build(name, text, None, NoExternal)
    }

    /// Reads and compiles the schema file at `path`, named `name` in
    /// messages, whose external `$ref`s may read files inside `project`
    /// only (see the module docs).
    pub fn load(name: &str, path: &Path, project: &Path) -> Result<CompiledSchema> {
        let files = ProjectFiles::new(project)
            .with_context(|| format!("cannot read the project root {}", project.display()))?;
        let canonical = path
            .canonicalize()
            .with_context(|| format!("cannot read the schema {}", path.display()))?;
        if !canonical.starts_with(&files.canonical) {
            return Err(Refused::outside("the schema", &canonical, &files.canonical).into());
        }
        let text = std::fs::read_to_string(&canonical)
            .with_context(|| format!("cannot read the schema {}", path.display()))?;
        let base = file_uri(&canonical)
            .ok_or_else(|| anyhow!("the schema path {} cannot be a URI", canonical.display()))?;
        let read = Arc::clone(&files.read);
        let mut schema = Self::build(name, &text, Some(base), files)?;
        let mut read = std::mem::take(&mut *read.lock().unwrap_or_else(|e| e.into_inner()));
        if !read.is_empty() {
            // Retrieval order is the registry's: sort for a stable key.
            read.sort_unstable();
            let mut hasher = std::hash::DefaultHasher::new();
            text.hash(&mut hasher);
            read.hash(&mut hasher);
            schema.source_hash = hasher.finish();
        }
        Ok(schema)
    }

    fn build(
        name: &str,
        text: &str,
        base: Option<String>,
        retriever: impl Retrieve + 'static,
    ) -> Result<CompiledSchema> {
        let schema: Json = serde_json::from_str(text)
            .with_context(|| format!("schema `{name}` is not valid JSON"))?;
        let mut options = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .with_retriever(retriever);
        if let Some(base) = base {
            options = options.with_base_uri(base);
        }
        let validator = options.build(&schema).map_err(|e| match refusal(&e) {
            Some(refused) => anyhow::Error::new(refused),
            None => anyhow!("schema `{name}` is invalid: {e}"),
        })?;
        Ok(CompiledSchema {
            name: name.to_string(),
            source_hash: crate::hash::hash_str(text),
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

/// Why a `$ref` (or the schema file itself) was not read: a setup error,
/// reported at the config's `schema` value.
#[derive(Clone, Debug)]
pub struct Refused {
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

impl Refused {
    fn new(message: String, help: &str) -> Refused {
        Refused {
            message,
            help: Some(help.to_string()),
        }
    }

    fn network(uri: &str) -> Refused {
        Refused::new(
            format!("`$ref` to `{uri}`: fmlint never fetches schemas over the network"),
            "vendor the file: save it inside the project and refer to it by a relative path",
        )
    }

    /// `what` is "the schema" or "`$ref` to".
    fn outside(what: &str, path: &Path, root: &Path) -> Refused {
        Refused::new(
            format!(
                "{what} `{}` resolves outside the project root ({})",
                path.display(),
                root.display()
            ),
            "fmlint reads schemas only from the directory holding fmlint.toml and below: copy the file into the project",
        )
    }
}

/// The [`Refused`] behind a failed build, if a retriever refused a `$ref`.
fn refusal(error: &jsonschema::ValidationError<'_>) -> Option<Refused> {
    let ValidationErrorKind::Referencing(ReferencingError::Unretrievable { source, .. }) =
        error.kind()
    else {
        return None;
    };
    source.downcast_ref::<Refused>().cloned()
}

type RetrieveResult = std::result::Result<Json, Box<dyn std::error::Error + Send + Sync>>;

/// The retriever of built-in schemas: nothing is external.
struct NoExternal;

impl Retrieve for NoExternal {
    fn retrieve(&self, uri: &Uri<String>) -> RetrieveResult {
        Err(Box::new(Refused {
            message: format!("`$ref` to `{uri}`: built-in schemas refer to no other document"),
            help: None,
        }))
    }
}

/// The retriever of config schemas: files inside the project root only.
struct ProjectFiles {
    /// The root as file URIs spell it (checked before the disk is touched)
    /// and on disk.
    lexical: PathBuf,
    canonical: PathBuf,
    /// (path, hash of the text) of each file read, for the cache key.
    read: Arc<Mutex<Vec<(PathBuf, u64)>>>,
}

impl ProjectFiles {
    fn new(project: &Path) -> std::io::Result<ProjectFiles> {
        let project = if project.as_os_str().is_empty() {
            Path::new(".")
        } else {
            project
        };
        let canonical = project.canonicalize()?;
        let lexical = file_uri(&canonical)
            .as_deref()
            .and_then(|uri| uri.strip_prefix("file://"))
            .and_then(uri_path)
            .unwrap_or_else(|| canonical.clone());
        Ok(ProjectFiles {
            lexical,
            canonical,
            read: Arc::default(),
        })
    }

    fn read(&self, uri: &Uri<String>) -> std::result::Result<Json, Refused> {
        let scheme = uri.scheme().as_str();
        if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
            return Err(Refused::network(uri.as_str()));
        }
        if !scheme.eq_ignore_ascii_case("file") {
            return Err(Refused::new(
                format!("`$ref` to `{uri}`: fmlint resolves only relative and `file:` references"),
                "vendor the file: save it inside the project and refer to it by a relative path",
            ));
        }
        let host = uri.authority().map_or("", |a| a.host());
        if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
            return Err(Refused::network(uri.as_str()));
        }
        let Some(path) = uri_path(uri.path().as_str()).and_then(|p| normalize(&p)) else {
            return Err(Refused::new(
                format!("`$ref` to `{uri}`: not a path fmlint can read"),
                "refer to a file inside the project by a relative path",
            ));
        };
        // The resolved path first, so nothing outside is even looked at;
        // then the real one, so no symbolic link leads out.
        if !path.starts_with(&self.lexical) {
            return Err(Refused::outside("`$ref` to", &path, &self.canonical));
        }
        let shown = path.strip_prefix(&self.lexical).unwrap_or(&path).display();
        let canonical = path.canonicalize().map_err(|e| Refused {
            message: format!("`$ref` to `{shown}`: cannot read it: {e}"),
            help: None,
        })?;
        if !canonical.starts_with(&self.canonical) {
            return Err(Refused::outside("`$ref` to", &canonical, &self.canonical));
        }
        let text = std::fs::read_to_string(&canonical).map_err(|e| Refused {
            message: format!("`$ref` to `{shown}`: cannot read it: {e}"),
            help: None,
        })?;
        let json = serde_json::from_str(&text).map_err(|e| Refused {
            message: format!("`$ref` to `{shown}`: not valid JSON: {e}"),
            help: None,
        })?;
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((canonical, crate::hash::hash_str(&text)));
        Ok(json)
    }
}

impl Retrieve for ProjectFiles {
    fn retrieve(&self, uri: &Uri<String>) -> RetrieveResult {
        self.read(uri).map_err(|refused| Box::new(refused) as _)
    }
}

/// `path` (absolute) as a `file:` URI, each byte outside a path segment's
/// allowed characters percent-encoded; Windows drives as `/C:`. `None` for
/// a path no URI spells (a UNC share).
fn file_uri(path: &Path) -> Option<String> {
    let mut uri = String::from("file://");
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => match prefix.kind() {
                std::path::Prefix::Disk(d) | std::path::Prefix::VerbatimDisk(d) => {
                    uri.push('/');
                    uri.push(char::from(d));
                    uri.push(':');
                }
                _ => return None,
            },
            Component::RootDir => {}
            Component::Normal(part) => {
                uri.push('/');
                for &b in part.as_encoded_bytes() {
                    if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
                        uri.push(char::from(b));
                    } else {
                        uri.push_str(&format!("%{b:02X}"));
                    }
                }
            }
            Component::CurDir | Component::ParentDir => return None,
        }
    }
    Some(uri)
}

/// The path a `file:` URI's (percent-encoded) path names.
fn uri_path(encoded: &str) -> Option<PathBuf> {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Some(PathBuf::from(std::ffi::OsStr::from_bytes(&decoded)))
    }
    #[cfg(not(unix))]
    {
        let text = String::from_utf8(decoded).ok()?;
        // `/C:/dir` names `C:/dir`.
        let text = match text.as_bytes() {
            [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => &text[1..],
            _ => text.as_str(),
        };
        Some(PathBuf::from(text))
    }
}

/// `path` with `.` and `..` (percent-encoded ones survive URI resolution)
/// applied lexically; `None` if it climbs above its root.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() || out.parent().is_none() {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
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
