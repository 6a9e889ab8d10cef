//! JSON Schema validation of a header, with each failure explained at the
//! node it is about (as taplo does for TOML).
//!
//! The stages, one module each:
//!
//! - [`source`]: the `schema =` value (`file.json`, `file.yaml`,
//!   `config.json#/schema`) read into JSON, its draft from `$schema`;
//! - [`meta`]: mistakes its metaschema lets through (not a schema at all,
//!   a typo'd keyword, a keyword of a later draft), before compiling;
//! - [`retrieve`]: what a `$ref` may read (below);
//! - validation: `is_valid` first, on the tree itself ([`instance`]), the
//!   error analysis on a JSON copy only on failure;
//! - [`select`]: each `anyOf`/`oneOf` replaced by its best-matching branch;
//! - [`report`]: each failure at its smallest node, worded by [`message`],
//!   with the schema author's words from [`custom`] (found through
//!   [`docs`]) and unsafe [`fixes`].
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
//! `schema` value, as it does each [`Invalid`] problem. The files read are
//! part of [`CompiledSchema::source_hash`], so editing one invalidates the
//! result cache.

mod custom;
mod docs;
mod fixes;
mod instance;
mod message;
mod meta;
mod report;
mod retrieve;
mod select;
mod source;

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use jsonschema::{Draft, Retrieve, Validator};
use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use fmlint_syntax::{Header, Node};

pub use meta::Invalid;
pub use retrieve::Refused;
pub use source::split_spec;

/// The schemas built into the binary, by name.
pub const BUILTIN: &[(&str, &str)] = &[(
    "quicktakes-article",
    include_str!("../../../../schemas/quicktakes-article.schema.json"),
)];

pub struct CompiledSchema {
    pub name: String,
    /// The hash of the schema's text: part of the result cache's key.
    pub source_hash: u64,
    validator: Validator,
    /// The same schema compiled for the spanned tree ([`instance`]): the
    /// verdict on a header without a JSON copy. `None` if it failed to
    /// build (then every header is checked through its copy).
    tree_validator: Option<Validator<instance::Tree>>,
    docs: docs::Docs,
}

impl CompiledSchema {
    pub fn builtin(name: &str) -> Result<CompiledSchema> {
        let (_, text) = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| anyhow!("no built-in schema named `{name}`"))?;
        Self::compile(name, text)
    }

    /// Compiles a JSON schema that refers to nothing outside itself (a
    /// built-in one): any external `$ref` is an error.
    pub fn compile(name: &str, text: &str) -> Result<CompiledSchema> {
        let schema = source::parse(name, text, false)?;
        let mut compiled = Self::build(
            name,
            name,
            schema,
            None,
            retrieve::NoExternal,
            retrieve::Replay::default(),
        )?;
        compiled.source_hash = crate::hash::hash_str(text);
        Ok(compiled)
    }

    /// Reads and compiles the schema file at `path` (JSON, or YAML for a
    /// `.yaml`/`.yml` file), or the part of it `pointer` names, called
    /// `name` in messages, whose external `$ref`s may read files inside
    /// `project` only (see the module docs).
    pub fn load(
        name: &str,
        path: &Path,
        pointer: Option<&str>,
        project: &Path,
    ) -> Result<CompiledSchema> {
        let files = retrieve::ProjectFiles::new(project)
            .with_context(|| format!("cannot read the project root {}", project.display()))?;
        let canonical = path
            .canonicalize()
            .with_context(|| format!("cannot read the schema {}", path.display()))?;
        if !canonical.starts_with(&files.canonical) {
            return Err(Refused::outside("the schema", &canonical, &files.canonical).into());
        }
        let text = std::fs::read_to_string(&canonical)
            .with_context(|| format!("cannot read the schema {}", path.display()))?;
        let base = retrieve::file_uri(&canonical)
            .ok_or_else(|| anyhow!("the schema path {} cannot be a URI", canonical.display()))?;
        let file = path
            .file_name()
            .map_or_else(|| name.to_string(), |f| f.to_string_lossy().into_owned());
        let document = source::parse(name, &text, source::is_yaml(&file))?;
        let schema = source::select(&file, document, pointer)?;
        let read = Arc::clone(&files.read);
        let documents = Arc::clone(&files.documents);
        let replay = retrieve::Replay::of(&files);
        let mut compiled = Self::build(name, &file, schema, Some(base), files, replay)?;
        let mut read = std::mem::take(&mut *read.lock().unwrap_or_else(|e| e.into_inner()));
        // Retrieval order is the registry's: sort for a stable key.
        read.sort_unstable();
        let mut hasher = std::hash::DefaultHasher::new();
        text.hash(&mut hasher);
        pointer.hash(&mut hasher);
        read.hash(&mut hasher);
        compiled.source_hash = if read.is_empty() && pointer.is_none() {
            crate::hash::hash_str(&text)
        } else {
            hasher.finish()
        };
        let documents = std::mem::take(&mut *documents.lock().unwrap_or_else(|e| e.into_inner()));
        compiled.docs.add(documents);
        Ok(compiled)
    }

    fn build(
        name: &str,
        file: &str,
        schema: Json,
        base: Option<String>,
        retriever: impl Retrieve + 'static,
        replay: retrieve::Replay,
    ) -> Result<CompiledSchema> {
        let draft = source::draft(&schema)
            .map_err(|e| Invalid::one(format!("schema `{name}`: {e}"), None))?;
        let problems = meta::check(name, file, &schema, draft);
        if !problems.is_empty() {
            return Err(Invalid { problems }.into());
        }
        let mut options = jsonschema::options()
            .with_draft(draft)
            .should_validate_formats(true)
            .with_retriever(retriever);
        if let Some(base) = &base {
            options = options.with_base_uri(base.clone());
        }
        let validator = options
            .build(&schema)
            .map_err(|e| build_error(name, draft, &e))?;
        // After the first build: the replay serves the documents it read.
        let mut options = jsonschema::options_for::<instance::Tree>()
            .with_draft(draft)
            .should_validate_formats(true)
            .with_retriever(replay);
        if let Some(base) = &base {
            options = options.with_base_uri(base.clone());
        }
        let tree_validator = options.build(&schema).ok();
        Ok(CompiledSchema {
            name: name.to_string(),
            source_hash: 0,
            validator,
            tree_validator,
            docs: docs::Docs::new(base.as_deref(), schema, Vec::new()),
        })
    }

    /// The schema document as JSON (what editors read descriptions,
    /// properties and enums from).
    pub fn document(&self) -> &Json {
        self.docs.root()
    }

    /// `"a map"` or `"a list of maps"` when the schema makes `field`
    /// (dotted) one: its `type` is `object`, or `array` with `items` of type
    /// `object`. `unique` cannot compare such values. `None` when it is
    /// anything else or the schema does not say.
    pub fn map_shape(&self, field: &str) -> Option<&'static str> {
        let is = |schema: &serde_json::Map<String, Json>, wanted: &str| {
            schema.get("type").and_then(Json::as_str) == Some(wanted)
        };
        let (base, property) = self.docs.property(field)?;
        if is(property, "object") {
            return Some("a map");
        }
        let items = property
            .get("items")
            .and_then(|items| self.docs.follow(base, items));
        (is(property, "array") && items.is_some_and(|(_, items)| is(items, "object")))
            .then_some("a list of maps")
    }

    /// The header's violations, each located at its node. `text` is the
    /// whole file (for fixes that keep the author's style).
    pub fn check(&self, root: &Node, header: Header, text: &str) -> Vec<Diagnostic> {
        if self.valid_in_place(root) {
            return Vec::new();
        }
        let json = root.to_json();
        if self.validator.is_valid(&json) {
            return Vec::new();
        }
        let errors: Vec<_> = self.validator.iter_errors(&json).collect();
        let leaves = select::leaves(&errors);
        let cx = report::Context {
            root,
            header,
            text,
            docs: &self.docs,
        };
        report::diagnostics(&leaves, &cx)
    }
}

impl CompiledSchema {
    /// Whether the tree validator says `root` is valid, read in place
    /// (false when it cannot answer: no tree validator, or duplicate key
    /// texts, which only the JSON copy merges as the schema expects).
    fn valid_in_place(&self, root: &Node) -> bool {
        match &self.tree_validator {
            Some(validator) if instance::plain(root) => {
                validator.is_valid(instance::TreeNode(root))
            }
            _ => false,
        }
    }
}

/// A failed build: a refused `$ref`, or a schema its metaschema rejects
/// (with where in the schema).
fn build_error(name: &str, draft: Draft, error: &jsonschema::ValidationError<'_>) -> anyhow::Error {
    if let Some(refused) = retrieve::refusal(error) {
        return anyhow::Error::new(refused);
    }
    let at = error.instance_path().as_str();
    let at = if at.is_empty() { "/" } else { at };
    anyhow::Error::new(Invalid::one(
        format!(
            "schema `{name}` is not a valid {} schema: at `{at}`: {error}",
            source::draft_name(draft)
        ),
        Some("fix the schema at that place; its metaschema says what each keyword takes".into()),
    ))
}

#[cfg(test)]
mod tests {
    use super::CompiledSchema;

    /// A schema whose `$ref` reads a sibling file gets its tree validator
    /// too: the second build is served the file the first one read.
    #[test]
    fn a_file_ref_schema_is_compiled_for_the_tree_too() {
        let dir = std::env::temp_dir().join(format!("fmlint-tree-ref-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("slug.json"),
            r#"{"type": "string", "pattern": "^[a-z-]+$"}"#,
        )
        .expect("write");
        std::fs::write(
            dir.join("page.json"),
            r#"{"type": "object", "properties": {"slug": {"$ref": "slug.json"}}}"#,
        )
        .expect("write");
        let compiled = CompiledSchema::load("page", &dir.join("page.json"), None, &dir);
        std::fs::remove_dir_all(&dir).ok();
        let compiled = compiled.expect("compiles");
        assert!(compiled.tree_validator.is_some());
        let yaml = "slug: Not A Slug\n";
        let parsed = fmlint_syntax::parse(yaml, fmlint_syntax::Span::new(0, yaml.len()));
        let root = parsed.root.expect("a tree");
        assert!(!compiled.valid_in_place(&root));
        let yaml = "slug: a-slug\n";
        let parsed = fmlint_syntax::parse(yaml, fmlint_syntax::Span::new(0, yaml.len()));
        assert!(compiled.valid_in_place(&parsed.root.expect("a tree")));
    }
}
