//! `fmlint.toml`: discovery, the serde types (which also generate the JSON
//! Schema editors complete with), validation with spans, and compilation
//! into [`Settings`].
//!
//! The built-in QuickTakes preset is itself a config
//! ([`preset::QUICKTAKES_TOML`]) and goes through this same code: running
//! with `fmlint init`'s output is running without a config. A config may
//! leave out `[files]` or `[[collections]]`; the preset's apply then (so an
//! empty `fmlint.toml` marks a corpus root and changes nothing).
//!
//! Every mistake in a config is reported with its line and column in the
//! file, all at once, and is a setup failure (exit 2).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::dates::{check_date, DateFormat};
use crate::diagnostic::{Applicability, Severity};
use crate::preset::{self, Check, Collection, DateField, RefShape, References, Unique};
use crate::rules::RULES;
use crate::schema::CompiledSchema;
use crate::settings::{Override, RuleSet, Settings};
use crate::template::{SlugStyle, Template};

/// The config file's name.
pub const FILE_NAME: &str = "fmlint.toml";

/// The rules a template mismatch may be filed under.
const TEMPLATE_RULES: &[&str] = &[
    "url-mismatch",
    "file-name-mismatch",
    "title-mismatch",
    "seo-title-mismatch",
    "field-mismatch",
];

// ---------------------------------------------------------------------------
// The file's shape

/// fmlint's configuration (`fmlint.toml`).
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "fmlint.toml")]
pub struct Config {
    /// Which files are linted. Default: every `*.md` file that is not
    /// gitignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Files>,
    /// Severity per rule: `error`, `warning` or `off`. Rules not listed keep
    /// their default; `--select` and `--ignore` apply on top.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    #[schemars(schema_with = "rules_schema")]
    pub rules: OrderedMap<Spanned<String>, Spanned<Level>>,
    /// Other severities for some files; later overrides win.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<OverrideConfig>")]
    pub overrides: Vec<Spanned<OverrideConfig>>,
    /// The kinds of documents in the corpus. Each file belongs to the first
    /// collection whose `include` globs match it. Default: the built-in
    /// QuickTakes articles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collections: Option<Vec<CollectionConfig>>,
}

/// `[files]`: globs relative to the corpus root (the config's directory).
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Files {
    /// Default: `["**/*.md"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Vec<String>>")]
    pub include: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
}

/// A rule's severity in a config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Warning,
    Error,
}

impl Level {
    fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// `[[overrides]]`: severities for the files some globs match.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideConfig {
    /// Globs relative to the corpus root.
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(schema_with = "rules_schema")]
    pub rules: OrderedMap<Spanned<String>, Spanned<Level>>,
}

/// `[[collections]]`: one kind of document and its conventions.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CollectionConfig {
    /// Names the collection in messages and in references' `collection`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Globs (relative to the corpus root) of the files that belong. Default:
    /// every file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Vec<String>>")]
    pub include: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
    /// A JSON Schema (draft 2020-12) for the front matter: a path relative
    /// to this file, or `builtin:NAME` (`builtin:quicktakes-article`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub schema: Option<Spanned<String>>,
    /// The field that identifies a document for references. Default: `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// Fields no two documents of the collection may share: `duplicate-id`
    /// for the id field, `duplicate-url` for `url`, `duplicate-value` for
    /// any other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<String>")]
    pub unique: Vec<Spanned<String>>,
    /// Fields holding a date display pattern such as `MMM DD, YYYY`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub display_formats: Vec<String>,
    /// Date field → format: a strftime pattern (`%Y-%m-%d`) or `rfc3339`.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    #[schemars(with = "BTreeMap<String, String>")]
    pub dates: OrderedMap<String, Spanned<String>>,
    /// Field (dotted, `seo.title`) → the template it must equal.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    #[schemars(with = "BTreeMap<String, TemplateSpec>")]
    pub templates: OrderedMap<Spanned<String>, Spanned<TemplateSpec>>,
    /// The file's path must agree with the front matter (`path-mismatch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathChecks>,
    /// Fields that name other documents by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<ReferenceConfig>,
}

/// A template, or a table with the template and its options.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum TemplateSpec {
    /// `"{path.stem}"`: a mismatch is `url-mismatch` on `url`,
    /// `field-mismatch` elsewhere, with an unsafe fix.
    Short(String),
    Full(TemplateTable),
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateTable {
    /// The template, or several the field must all equal. Placeholders:
    /// a field (`{title}`, `{seo.title}`) or the file's path relative to
    /// the corpus root (`{path}`, `{path.dir}`, `{path.parent}`,
    /// `{path.name}`, `{path.stem}`), with filters: `slug`, `urlize`,
    /// `lower`, `last_segment`, `segment:N`, `no_ext`, `strip_prefix:TEXT`.
    #[schemars(with = "OneOrMany")]
    pub template: Spanned<OneOrMany>,
    /// The rule a mismatch is filed under: `url-mismatch`,
    /// `file-name-mismatch`, `title-mismatch`, `seo-title-mismatch` or
    /// `field-mismatch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub rule: Option<Spanned<String>>,
    /// Whether a mismatch may be fixed by `--fix` (`safe`), only by
    /// `--unsafe-fixes` (`unsafe`, the default), or not at all (`none`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixLevel>,
    /// What the `slug` filter does: the QuickTakes slug (`quicktakes`, the
    /// default) or Hugo's `urlize`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<SlugName>,
}

/// One template or a list of them.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FixLevel {
    None,
    Safe,
    Unsafe,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SlugName {
    Quicktakes,
    Urlize,
}

/// `[collections.path]`: templates the file's path must equal; the finding
/// points at the first field the template reads.
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathChecks {
    /// The file's folder name, e.g. `"{url|segment:2}"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub parent: Option<Spanned<String>>,
    /// The folder path relative to the corpus root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub dir: Option<Spanned<String>>,
    /// The file's name with its extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub name: Option<Spanned<String>>,
    /// The file's name without its extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub stem: Option<Spanned<String>>,
}

/// `[[collections.references]]`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceConfig {
    /// Where the ids are: `related_article*.id` (maps under numbered keys,
    /// the id inside each) or a field holding an id or a list of ids
    /// (`authors`).
    #[schemars(with = "String")]
    pub field: Spanned<String>,
    /// The collection the ids belong to. Default: this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub collection: Option<Spanned<String>>,
    /// Entry key → the target's field it must equal (`title = "title"`);
    /// numbered maps only.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    #[schemars(with = "BTreeMap<String, String>")]
    pub mirror: OrderedMap<String, String>,
}

fn rules_schema(generator: &mut SchemaGenerator) -> Schema {
    let level = generator.subschema_for::<Level>();
    let properties: serde_json::Map<String, serde_json::Value> = RULES
        .iter()
        .filter(|r| r.meta().name != crate::rules::InternalError::META.name)
        .map(|r| (r.meta().name.to_string(), level.clone().to_value()))
        .collect();
    schemars::json_schema!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

/// A TOML table read in document order.
#[derive(Debug)]
pub struct OrderedMap<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for OrderedMap<K, V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<K, V> OrderedMap<K, V> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(K, V)> {
        self.0.iter()
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
            type Value = OrderedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(OrderedMap(entries))
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

impl<K: Serialize, V: Serialize> Serialize for OrderedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for TemplateSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpecVisitor;
        impl<'de> Visitor<'de> for SpecVisitor {
            type Value = TemplateSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a template string or a table with `template`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TemplateSpec::Short(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                TemplateTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(TemplateSpec::Full)
            }
        }
        deserializer.deserialize_any(SpecVisitor)
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor;
        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a template string or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(OneOrMany::One(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

// ---------------------------------------------------------------------------
// Loading

/// A config with the text it was read from, for error spans.
pub struct Loaded {
    /// `None` for the built-in preset.
    pub path: Option<PathBuf>,
    pub text: String,
    pub config: Config,
}

/// Where the config comes from, as the command line says.
#[derive(Clone, Debug, Default)]
pub struct Choice<'a> {
    /// `--config FILE`.
    pub file: Option<&'a Path>,
    /// `--isolated`: the built-in preset whatever files exist.
    pub isolated: bool,
    /// Where discovery starts: the nearest `fmlint.toml` at or above these
    /// paths' common directory (the working directory when empty).
    pub paths: &'a [PathBuf],
}

impl Config {
    /// Parses a config's text; the error has the span toml gives.
    pub fn parse(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    /// The built-in QuickTakes preset.
    pub fn builtin() -> Config {
        // The embedded text is covered by `the_builtin_preset_parses`.
        Config::parse(preset::QUICKTAKES_TOML).expect("the built-in preset parses")
    }
}

impl Loaded {
    pub fn builtin() -> Loaded {
        Loaded {
            path: None,
            text: preset::QUICKTAKES_TOML.to_string(),
            config: Config::builtin(),
        }
    }

    /// Reads and parses a config file.
    pub fn read(path: &Path) -> Result<Loaded> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config {}", path.display()))?;
        let config = Config::parse(&text).map_err(|error| {
            let mut errors = Errors::default();
            errors.push(
                error.span().unwrap_or(0..0),
                error.message().trim_end().to_string(),
                None,
            );
            errors.into_error(Some(path), &text)
        })?;
        Ok(Loaded {
            path: Some(path.to_path_buf()),
            text,
            config,
        })
    }

    /// The config a run uses: `--config FILE`, else (unless `--isolated`)
    /// the nearest `fmlint.toml`, else the built-in preset.
    pub fn choose(choice: &Choice) -> Result<Loaded> {
        if let Some(file) = choice.file {
            if !file.is_file() {
                bail!("the config {} does not exist", file.display());
            }
            return Loaded::read(file);
        }
        if choice.isolated {
            return Ok(Loaded::builtin());
        }
        match discover(&start_dir(choice.paths)?) {
            Some(path) => Loaded::read(&path),
            None => Ok(Loaded::builtin()),
        }
    }

    /// The display name in messages.
    pub fn name(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
            None => preset::QUICKTAKES_SOURCE.to_string(),
        }
    }

    /// Compiles the config with the command line's `--select`/`--ignore`.
    pub fn compile(&self, select: &[String], ignore: &[String]) -> Result<Settings> {
        // Names are checked like any usage error, before the config.
        let cli = RuleSet::defaults().select(select, ignore)?;
        let base_dir = self
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut errors = Errors::default();
        let mut compiler = Compiler {
            errors: &mut errors,
            base_dir: &base_dir,
        };
        let settings = compiler.settings(&self.config, select, ignore, &cli);
        if !errors.list.is_empty() {
            return Err(errors.into_error(self.path.as_deref(), &self.text).into());
        }
        let Some(mut settings) = settings else {
            bail!("the configuration could not be compiled");
        };
        if self.config.collections.is_none() || self.config.files.is_none() {
            // The preset's parts, compiled from its own text.
            let builtin = Loaded::builtin();
            let mut errors = Errors::default();
            let mut compiler = Compiler {
                errors: &mut errors,
                base_dir: Path::new(""),
            };
            if self.config.collections.is_none() {
                let collections = builtin.config.collections.as_deref().unwrap_or_default();
                settings.collections = compiler.collections(collections);
            }
            if self.config.files.is_none() {
                let (include, exclude) = compiler.files(builtin.config.files.as_ref());
                settings.include = include;
                settings.exclude = exclude;
            }
            if !errors.list.is_empty() {
                return Err(errors.into_error(None, &builtin.text).into());
            }
        }
        Ok(settings)
    }

    /// The effective config as TOML: this one with the preset's parts it
    /// leaves out filled in.
    pub fn into_effective_toml(self) -> Result<String> {
        let builtin = Config::builtin();
        let name = self.name();
        let Config {
            files,
            rules,
            overrides,
            collections,
        } = self.config;
        let effective = Config {
            files: files.or(builtin.files),
            rules,
            overrides,
            collections: collections.or(builtin.collections),
        };
        let body = toml::to_string(&effective).context("cannot print the config")?;
        Ok(format!(
            "# The effective fmlint configuration, from {name}.\n\n{body}"
        ))
    }
}

/// The directory discovery starts from.
fn start_dir(paths: &[PathBuf]) -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let dirs: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| {
            // A link inside a project is not followed out of it
            // (`lint::check_with`): it takes that project's config.
            let home = crate::walk::link_location(p)
                .and_then(|l| Some(l.parent()?.to_path_buf()))
                .filter(|dir| crate::lint::marked_root(dir).is_some());
            home.or_else(|| p.canonicalize().ok())
        })
        .map(|p| {
            if p.is_dir() {
                p
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or(p)
            }
        })
        .collect();
    let Some(first) = dirs.first() else {
        return Ok(cwd);
    };
    let mut base = first.clone();
    for dir in &dirs[1..] {
        while !dir.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    Ok(base)
}

/// The nearest `fmlint.toml` at or above `dir`.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// The settings for a corpus rooted at `root` (the language server): its
/// nearest config, else the preset.
pub fn settings_for_root(root: &Path) -> Result<Settings> {
    let loaded = match discover(root) {
        Some(path) => Loaded::read(&path)?,
        None => Loaded::builtin(),
    };
    loaded.compile(&[], &[])
}

/// The config's JSON Schema, as `schemas/fmlint.schema.json` holds it.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(Config).to_value();
    drop_null(&mut schema);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

/// TOML has no null: an optional key is left out. Removes the `null`
/// alternatives schemars gives `Option`s.
fn drop_null(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if let [single] = types.as_slice() {
                    let single = single.clone();
                    map.insert("type".into(), single);
                }
            }
            if let Some(Value::Array(variants)) = map.get_mut("anyOf") {
                variants.retain(|v| v.get("type").is_none_or(|t| t != "null"));
                if let [Value::Object(single)] = variants.as_slice() {
                    let single = single.clone();
                    map.remove("anyOf");
                    for (k, v) in single {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// `fmlint init`: writes the preset to `path`; refuses to replace a file
/// unless `force`.
pub fn init(path: &Path, force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!(
            "{} already exists (use --force to replace it)",
            path.display()
        );
    }
    std::fs::write(path, preset::QUICKTAKES_TOML)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `fmlint init [PATH] [--force]`.
pub fn init_command(args: &crate::cli::InitArgs) -> Result<u8> {
    init(&args.path, args.force)?;
    eprintln!(
        "fmlint: wrote the built-in QuickTakes preset to {}",
        args.path.display()
    );
    Ok(crate::exit::CLEAN)
}

/// `fmlint config [--config FILE | --isolated] [--schema]`.
pub fn config_command(args: &crate::cli::ConfigArgs) -> Result<u8> {
    use std::io::Write;
    let text = if args.schema {
        json_schema()
    } else {
        let loaded = Loaded::choose(&Choice {
            file: args.config.as_deref(),
            isolated: args.isolated,
            paths: &[],
        })?;
        // An invalid config is reported, not printed.
        loaded.compile(&[], &[])?;
        loaded.into_effective_toml()?
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(crate::exit::CLEAN)
}

// ---------------------------------------------------------------------------
// Errors

/// Mistakes in a config, each with its byte range in the file.
#[derive(Default)]
struct Errors {
    list: Vec<(Range<usize>, String, Option<String>)>,
}

impl Errors {
    fn push(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        self.list.push((span, message, help));
    }

    fn at<T>(&mut self, spanned: &Spanned<T>, message: String) {
        self.push(spanned.span(), message, None);
    }

    fn into_error(mut self, path: Option<&Path>, text: &str) -> ConfigError {
        self.list.sort_by_key(|(span, _, _)| (span.start, span.end));
        ConfigError {
            name: path.map_or_else(
                || preset::QUICKTAKES_SOURCE.to_string(),
                |p| p.display().to_string(),
            ),
            text: text.to_string(),
            errors: self.list,
        }
    }
}

/// An invalid config: every mistake found, rendered with the file's lines.
#[derive(Debug)]
pub struct ConfigError {
    pub name: String,
    text: String,
    errors: Vec<(Range<usize>, String, Option<String>)>,
}

impl ConfigError {
    /// Each mistake as (line, column, message), 1-based.
    pub fn positions(&self) -> Vec<(usize, usize, &str)> {
        self.errors
            .iter()
            .map(|(span, message, _)| {
                let (line, column) = line_col(&self.text, span.start);
                (line, column, message.as_str())
            })
            .collect()
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        writeln!(
            f,
            "invalid configuration {} ({count} {})",
            self.name,
            if count == 1 { "error" } else { "errors" }
        )?;
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .with_width(100);
        for ((span, message, help), (line, column, _)) in self.errors.iter().zip(self.positions()) {
            writeln!(f, "{}:{line}:{column}: {message}", self.name)?;
            let mut diagnostic = miette::MietteDiagnostic::new(message.clone())
                .with_label(miette::LabeledSpan::underline(span.clone()));
            if let Some(help) = help {
                diagnostic = diagnostic.with_help(help.clone());
            }
            let report = miette::Report::new(diagnostic).with_source_code(
                miette::NamedSource::new(&self.name, self.text.clone()).with_language("toml"),
            );
            let mut rendered = String::new();
            if handler
                .render_report(&mut rendered, report.as_ref())
                .is_ok()
            {
                f.write_str(&rendered)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

// ---------------------------------------------------------------------------
// Compilation

struct Compiler<'e> {
    errors: &'e mut Errors,
    /// Relative schema paths start here.
    base_dir: &'e Path,
}

impl Compiler<'_> {
    fn settings(
        &mut self,
        config: &Config,
        select: &[String],
        ignore: &[String],
        cli: &RuleSet,
    ) -> Option<Settings> {
        let (include, exclude) = self.files(config.files.as_ref());
        let mut base = RuleSet::defaults();
        for (name, level) in config.rules.iter() {
            if self.rule_name(name) {
                base.set(name.get_ref(), level.get_ref().severity());
            }
        }
        let base = base.select(select, ignore).ok()?;
        let mut rules = base.clone();
        let mut overrides = Vec::new();
        for spanned in &config.overrides {
            let o = spanned.get_ref();
            let files = self.globs(&o.files);
            if o.files.is_empty() {
                self.errors.push(
                    spanned.span(),
                    "an override with no `files` applies to nothing".into(),
                    Some("add `files = [\"glob\", …]`".into()),
                );
            }
            let mut severities = Vec::new();
            for (name, level) in o.rules.iter() {
                if !self.rule_name(name) {
                    continue;
                }
                let Some(position) = RULES.iter().position(|r| r.meta().name == name.get_ref())
                else {
                    continue;
                };
                // What the command line turned off stays off.
                if !cli.is_on(position) {
                    continue;
                }
                let severity = level.get_ref().severity();
                if let Some(severity) = severity {
                    rules.union(position, severity);
                }
                severities.push((position, severity));
            }
            overrides.push(Override {
                files,
                rules: severities,
            });
        }
        let collections = match &config.collections {
            Some(collections) => self.collections(collections),
            None => Vec::new(),
        };
        Some(Settings {
            include,
            exclude,
            collections,
            rules,
            base,
            overrides,
        })
    }

    fn files(&mut self, files: Option<&Files>) -> (Vec<String>, Vec<String>) {
        let Some(files) = files else {
            return (vec!["**/*.md".into()], Vec::new());
        };
        let include = match &files.include {
            Some(include) => {
                self.globs(include);
                include.iter().map(|g| g.get_ref().clone()).collect()
            }
            None => vec!["**/*.md".into()],
        };
        self.globs(&files.exclude);
        let exclude = files.exclude.iter().map(|g| g.get_ref().clone()).collect();
        (include, exclude)
    }

    fn globs(&mut self, globs: &[Spanned<String>]) -> GlobSet {
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            match Glob::new(glob.get_ref()) {
                Ok(g) => {
                    builder.add(g);
                }
                Err(error) => self.errors.at(
                    glob,
                    format!("invalid glob `{}`: {}", glob.get_ref(), error.kind()),
                ),
            }
        }
        builder.build().unwrap_or_else(|_| GlobSet::empty())
    }

    /// Reports an unknown rule name; `true` if it is known.
    fn rule_name(&mut self, name: &Spanned<String>) -> bool {
        if name.get_ref() == crate::rules::InternalError::META.name {
            self.errors.push(
                name.span(),
                "`internal-error` cannot be configured: it reports a bug in fmlint".into(),
                Some("remove this line; report the bug instead".into()),
            );
            return false;
        }
        if crate::rules::find(name.get_ref()).is_some() {
            return true;
        }
        let close = RULES
            .iter()
            .map(|r| r.meta().name)
            .find(|known| similar(known, name.get_ref()));
        self.errors.push(
            name.span(),
            format!("unknown rule `{}`", name.get_ref()),
            Some(match close {
                Some(known) => format!("did you mean `{known}`? (`fmlint rules` lists them all)"),
                None => "`fmlint rules` lists the rules".into(),
            }),
        );
        false
    }

    fn collections(&mut self, configs: &[CollectionConfig]) -> Vec<Collection> {
        let names: Vec<&str> = configs.iter().map(|c| c.name.get_ref().as_str()).collect();
        for (i, c) in configs.iter().enumerate() {
            if c.name.get_ref().trim().is_empty() {
                self.errors
                    .at(&c.name, "a collection's name must not be empty".into());
            } else if names[..i].contains(&c.name.get_ref().as_str()) {
                self.errors.at(
                    &c.name,
                    format!("two collections are named `{}`", c.name.get_ref()),
                );
            }
        }
        let mut collections: Vec<Collection> = configs
            .iter()
            .enumerate()
            .map(|(i, c)| self.collection(i, c, &names))
            .collect();
        // What the index keeps of each collection: its unique fields and
        // the fields references to it mirror.
        let mirrored: Vec<(usize, Arc<str>)> = collections
            .iter()
            .flat_map(|c| &c.references)
            .flat_map(|r| {
                r.mirror
                    .iter()
                    .map(|(_, target)| (r.target, target.clone()))
            })
            .collect();
        for c in &mut collections {
            let mut fields: Vec<Arc<str>> =
                c.unique.iter().map(|u| u.field.as_str().into()).collect();
            for (target, field) in &mirrored {
                if *target == c.index && !fields.contains(field) {
                    fields.push(field.clone());
                }
            }
            c.indexed_fields = fields;
        }
        collections
    }

    fn collection(&mut self, index: usize, c: &CollectionConfig, names: &[&str]) -> Collection {
        let include = c.include.as_ref().map(|globs| self.globs(globs));
        let exclude = self.globs(&c.exclude);
        let schema = c.schema.as_ref().and_then(|s| self.schema(s));
        let id_field = match &c.id {
            Some(id) if id.get_ref().trim().is_empty() => {
                self.errors.at(id, "the id field must not be empty".into());
                String::new()
            }
            Some(id) => id.get_ref().clone(),
            None => "id".into(),
        };
        let mut collection = Collection {
            name: c.name.get_ref().clone(),
            index,
            include,
            exclude,
            schema,
            id_field,
            unique: Vec::new(),
            dates: Vec::new(),
            display_formats: c.display_formats.clone(),
            checks: Vec::new(),
            references: Vec::new(),
            indexed_fields: Vec::new(),
        };
        for field in &c.unique {
            if field.get_ref().is_empty() {
                self.errors.at(field, "a unique field must be named".into());
                continue;
            }
            collection.unique.push(Unique {
                field: field.get_ref().clone(),
                rule: collection.unique_rule(field.get_ref()),
            });
        }
        for (field, format) in c.dates.iter() {
            let parsed = DateFormat::parse(format.get_ref());
            if check_date(&parsed.example(), &parsed).is_err() {
                self.errors.push(
                    format.span(),
                    format!(
                        "`{}` is not a date format fmlint can check",
                        format.get_ref()
                    ),
                    Some(
                        "use `rfc3339` or a strftime pattern with a year, month and day, such as `%Y-%m-%d`"
                            .into(),
                    ),
                );
                continue;
            }
            collection.dates.push(DateField {
                field: field.clone(),
                format: parsed,
            });
        }
        for (field, spec) in c.templates.iter() {
            self.template_checks(field, spec, &mut collection.checks);
        }
        if let Some(path) = &c.path {
            let parts = [
                (&path.parent, "{path.parent}", "the file's folder"),
                (&path.dir, "{path.dir}", "the file's folder path"),
                (&path.name, "{path.name}", "the file's name"),
                (&path.stem, "{path.stem}", "the file's stem"),
            ];
            for (template, actual, actual_name) in parts {
                let Some(template) = template else { continue };
                let Some(expected) = self.template(template, SlugStyle::Quicktakes) else {
                    continue;
                };
                let Some(field) = expected.fields().next().map(str::to_string) else {
                    self.errors.push(
                        template.span(),
                        format!(
                            "the path template `{}` reads no field",
                            template.get_ref()
                        ),
                        Some("a path check compares the path with the front matter, e.g. `{url|segment:2}`".into()),
                    );
                    continue;
                };
                collection.checks.push(Check {
                    rule: "path-mismatch",
                    field,
                    actual: Template::parse(actual).ok(),
                    expected,
                    actual_name: Some(actual_name.into()),
                    fix: None,
                });
            }
        }
        for r in &c.references {
            if let Some(reference) = self.reference(r, index, names) {
                collection.references.push(reference);
            }
        }
        collection
    }

    fn schema(&mut self, spec: &Spanned<String>) -> Option<Arc<CompiledSchema>> {
        let text = spec.get_ref();
        let compiled = match text.strip_prefix("builtin:") {
            Some(name) => CompiledSchema::builtin(name).map_err(|e| {
                let known: Vec<String> = crate::schema::BUILTIN
                    .iter()
                    .map(|(n, _)| format!("`builtin:{n}`"))
                    .collect();
                anyhow::anyhow!("{e:#} (known: {})", known.join(", "))
            }),
            // The project whose files `$ref`s may read is the config's
            // directory (`crate::schema`'s docs).
            None => CompiledSchema::load(text, &self.base_dir.join(text), self.base_dir),
        };
        match compiled {
            Ok(schema) => Some(Arc::new(schema)),
            Err(error) => {
                match error.downcast_ref::<crate::schema::Refused>() {
                    Some(refused) => {
                        self.errors
                            .push(spec.span(), refused.message.clone(), refused.help.clone())
                    }
                    None => self.errors.at(spec, format!("{error:#}")),
                }
                None
            }
        }
    }

    fn template(&mut self, source: &Spanned<String>, style: SlugStyle) -> Option<Template> {
        self.template_at(source.get_ref(), source.span(), style)
    }

    fn template_at(
        &mut self,
        source: &str,
        span: Range<usize>,
        style: SlugStyle,
    ) -> Option<Template> {
        match Template::parse_with(source, style) {
            Ok(template) => Some(template),
            Err(error) => {
                self.errors.push(span, error.to_string(), None);
                None
            }
        }
    }

    fn template_checks(
        &mut self,
        field: &Spanned<String>,
        spec: &Spanned<TemplateSpec>,
        checks: &mut Vec<Check>,
    ) {
        let default_rule = if field.get_ref() == "url" {
            "url-mismatch"
        } else {
            "field-mismatch"
        };
        let (sources, span, rule, fix, style) = match spec.get_ref() {
            TemplateSpec::Short(source) => (
                std::slice::from_ref(source),
                spec.span(),
                default_rule,
                Some(Applicability::Unsafe),
                SlugStyle::Quicktakes,
            ),
            TemplateSpec::Full(table) => {
                let rule = match &table.rule {
                    None => default_rule,
                    Some(rule) => match TEMPLATE_RULES.iter().find(|r| **r == rule.get_ref()) {
                        Some(rule) => rule,
                        None => {
                            self.errors.push(
                                rule.span(),
                                format!("`{}` is not a template rule", rule.get_ref()),
                                Some(format!("use one of {}", quoted(TEMPLATE_RULES))),
                            );
                            return;
                        }
                    },
                };
                let fix = match table.fix {
                    Some(FixLevel::None) => None,
                    Some(FixLevel::Safe) => Some(Applicability::Safe),
                    Some(FixLevel::Unsafe) | None => Some(Applicability::Unsafe),
                };
                let style = match table.slug {
                    Some(SlugName::Urlize) => SlugStyle::Urlize,
                    Some(SlugName::Quicktakes) | None => SlugStyle::Quicktakes,
                };
                (
                    table.template.get_ref().as_slice(),
                    table.template.span(),
                    rule,
                    fix,
                    style,
                )
            }
        };
        if field.get_ref().trim().is_empty() {
            self.errors
                .at(field, "a template needs a field name".into());
            return;
        }
        if sources.is_empty() {
            self.errors
                .push(span.clone(), "the template list is empty".into(), None);
        }
        for source in sources {
            let Some(expected) = self.template_at(source, span.clone(), style) else {
                continue;
            };
            checks.push(Check {
                rule,
                field: field.get_ref().clone(),
                actual: None,
                expected,
                actual_name: None,
                fix,
            });
        }
    }

    fn reference(&mut self, r: &ReferenceConfig, own: usize, names: &[&str]) -> Option<References> {
        let pattern = r.field.get_ref();
        let shape = match pattern.split_once('*') {
            Some((prefix, rest)) => {
                let id = rest.strip_prefix('.').unwrap_or("");
                if prefix.is_empty() || prefix.contains('.') || id.is_empty() || id.contains('*') {
                    self.errors.push(
                        r.field.span(),
                        format!("`{pattern}` is not a reference pattern"),
                        Some("write `PREFIX*.ID` (numbered maps such as `related_article1.id`) or a field name (`authors`)".into()),
                    );
                    return None;
                }
                RefShape::Numbered {
                    prefix: prefix.to_string(),
                    id: id.to_string(),
                }
            }
            None if pattern.trim().is_empty() => {
                self.errors.at(&r.field, "a reference needs a field".into());
                return None;
            }
            None => {
                if !r.mirror.is_empty() {
                    self.errors.push(
                        r.field.span(),
                        format!("`{pattern}` holds ids, not maps: it cannot mirror fields"),
                        Some("remove `mirror`, or use a pattern such as `related*.id`".into()),
                    );
                }
                RefShape::Field {
                    field: pattern.clone(),
                }
            }
        };
        let target = match &r.collection {
            None => own,
            Some(name) => match names.iter().position(|n| *n == name.get_ref()) {
                Some(target) => target,
                None => {
                    self.errors.push(
                        name.span(),
                        format!("no collection is named `{}`", name.get_ref()),
                        Some(format!("the collections are {}", quoted(names))),
                    );
                    return None;
                }
            },
        };
        Some(References {
            shape,
            target,
            mirror: r
                .mirror
                .iter()
                .map(|(k, v)| (k.as_str().into(), v.as_str().into()))
                .collect(),
        })
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `b` is a likely typo of `a`: one edit apart, or one contains the
/// other.
fn similar(a: &str, b: &str) -> bool {
    if a.contains(b) && b.len() > 3 || b.contains(a) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()] <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_preset_parses() {
        Config::parse(preset::QUICKTAKES_TOML).unwrap();
    }

    fn errors_of(text: &str) -> Vec<(usize, usize, String)> {
        let loaded = match Config::parse(text) {
            Ok(config) => Loaded {
                path: Some(PathBuf::from("fmlint.toml")),
                text: text.into(),
                config,
            },
            Err(e) => {
                let (line, col) = line_col(text, e.span().unwrap().start);
                return vec![(line, col, e.message().to_string())];
            }
        };
        let Err(error) = loaded.compile(&[], &[]) else {
            return Vec::new();
        };
        let error = error.downcast::<ConfigError>().unwrap();
        error
            .positions()
            .into_iter()
            .map(|(l, c, m)| (l, c, m.to_string()))
            .collect()
    }

    #[test]
    fn validation_errors_have_positions() {
        let text = "[rules]\nurl-mismatc = \"off\"\n\n[[collections]]\nname = \"a\"\ninclude = [\"a/[\"]\n[collections.templates]\nslug = \"{title|nope}\"\n";
        let found = errors_of(text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (2, 1));
        assert!(found[0].2.contains("url-mismatc"));
        assert_eq!((found[1].0, found[1].1), (6, 12));
        assert_eq!((found[2].0, found[2].1), (8, 8));
    }

    #[test]
    fn the_typo_finder_finds_typos() {
        assert!(similar("url-mismatch", "url-mismatc"));
        assert!(similar("duplicate-id", "duplicate-ids"));
        assert!(!similar("schema", "url-mismatch"));
    }
}
