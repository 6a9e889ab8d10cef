//! What a schema's `$ref` may read: nothing outside a built-in schema,
//! files inside the project root for a config's schema, never the network
//! (the rules are in [`super`]'s docs). A refusal is a [`Refused`] error,
//! reported at the config's `schema` value.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ReferencingError, Retrieve, Uri};
use serde_json::Value as Json;

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
    pub(super) fn new(message: String, help: &str) -> Refused {
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
    pub(super) fn outside(what: &str, path: &Path, root: &Path) -> Refused {
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
pub(super) fn refusal(error: &jsonschema::ValidationError<'_>) -> Option<Refused> {
    let ValidationErrorKind::Referencing(ReferencingError::Unretrievable { source, .. }) =
        error.kind()
    else {
        return None;
    };
    source.downcast_ref::<Refused>().cloned()
}

pub(super) type RetrieveResult =
    std::result::Result<Json, Box<dyn std::error::Error + Send + Sync>>;

/// The retriever of built-in schemas: nothing is external.
pub(super) struct NoExternal;

impl Retrieve for NoExternal {
    fn retrieve(&self, uri: &Uri<String>) -> RetrieveResult {
        Err(Box::new(Refused {
            message: format!("`$ref` to `{uri}`: built-in schemas refer to no other document"),
            help: None,
        }))
    }
}

/// The retriever of a schema's second build (for the spanned tree, see
/// `super::instance`): the documents the first build's [`ProjectFiles`]
/// read, nothing else, so both builds see the same files.
#[derive(Default)]
pub(super) struct Replay {
    documents: Option<Documents>,
}

/// (URI, document) of each file a [`ProjectFiles`] read.
type Documents = Arc<Mutex<Vec<(String, Json)>>>;

impl Replay {
    pub(super) fn of(files: &ProjectFiles) -> Replay {
        Replay {
            documents: Some(Arc::clone(&files.documents)),
        }
    }
}

impl Retrieve for Replay {
    fn retrieve(&self, uri: &Uri<String>) -> RetrieveResult {
        let documents = self.documents.as_ref().map(|documents| {
            let documents = documents.lock().unwrap_or_else(|e| e.into_inner());
            documents
                .iter()
                .find(|(read, _)| read == uri.as_str())
                .map(|(_, json)| json.clone())
        });
        documents.flatten().ok_or_else(|| {
            Box::new(Refused {
                message: format!("`$ref` to `{uri}`: not read by the first build"),
                help: None,
            }) as _
        })
    }
}

/// The retriever of config schemas: files inside the project root only.
pub(super) struct ProjectFiles {
    /// The root as file URIs spell it (checked before the disk is touched)
    /// and on disk.
    lexical: PathBuf,
    pub(super) canonical: PathBuf,
    /// (path, hash of the text) of each file read, for the cache key.
    pub(super) read: Arc<Mutex<Vec<(PathBuf, u64)>>>,
    /// (URI, document) of each file read, for messages (`super::docs`).
    pub(super) documents: Documents,
}

impl ProjectFiles {
    pub(super) fn new(project: &Path) -> std::io::Result<ProjectFiles> {
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
            documents: Arc::default(),
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
        let json: Json = serde_json::from_str(&text).map_err(|e| Refused {
            message: format!("`$ref` to `{shown}`: not valid JSON: {e}"),
            help: None,
        })?;
        self.read
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((canonical, crate::hash::hash_str(&text)));
        self.documents
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((uri.as_str().to_string(), json.clone()));
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
pub(super) fn file_uri(path: &Path) -> Option<String> {
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
