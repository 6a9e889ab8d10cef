//! The file's shape: the serde types of `fmlint.toml`, which also generate
//! the JSON Schema editors complete with ([`json_schema`]).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use fmlint_linter::diagnostic::Severity;
use fmlint_linter::rules::RULES;

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
    /// Default: `["**/*.md", "**/*.mdx", "**/*.markdown"]`.
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
    pub(super) fn severity(self) -> Option<Severity> {
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
    /// Another collection whose conventions this one shares: every key but
    /// `name`, `include` and `exclude` that this collection does not set is
    /// taken from it (`dates` and `templates` merge key by key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub extends: Option<Spanned<String>>,
    /// Globs (relative to the corpus root) of the files that belong. Default:
    /// every file; `*` does not cross `/`, `**` does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Vec<String>>")]
    pub include: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
    /// A JSON Schema for the front matter (drafts 04 to 2020-12, by its
    /// `$schema`; 2020-12 without one): a path relative to this file, to
    /// a JSON or YAML file, optionally with a JSON pointer to the schema
    /// inside it (`front-matter-config.json#/schema`), or `builtin:NAME`
    /// (`builtin:quicktakes-article`).
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
    /// The order of the top-level keys (`key-order`); keys not listed go
    /// after them, in any order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<String>")]
    pub key_order: Vec<Spanned<String>>,
    /// Fields that name other documents by id, path or URL.
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
    /// `github_slug`, `lower`, `upper`, `replace:FROM:TO`, `last_segment`,
    /// `segment:N`, `head:N`, `no_ext`, `strip_prefix:TEXT`.
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
    /// How the value is compared with the template: `equal` (the default),
    /// `prefix` (the value starts with it) or `regex` (the template is a
    /// regular expression the whole value must match; placeholders are
    /// inserted as literal text). Only `equal` has a fix.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub matching: Option<MatchName>,
    /// The template applies only to files where every one of these fields
    /// has the given value (`when = { draft = false }`).
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    #[schemars(with = "BTreeMap<String, ConditionValue>")]
    pub when: OrderedMap<Spanned<String>, ConditionValue>,
    /// The template does not apply to files where any of these fields has
    /// the given value (`unless = { allowTitleToDifferFromFilename = true
    /// }`).
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    #[schemars(with = "BTreeMap<String, ConditionValue>")]
    pub unless: OrderedMap<Spanned<String>, ConditionValue>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MatchName {
    Equal,
    Prefix,
    Regex,
}

/// A value a condition compares a field with: a boolean, a number or a
/// string.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ConditionValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

/// One template or a list of them.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(super) fn as_slice(&self) -> &[String] {
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
    /// The path checks apply only where every one of these fields has the
    /// given value.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    #[schemars(with = "BTreeMap<String, ConditionValue>")]
    pub when: OrderedMap<Spanned<String>, ConditionValue>,
    /// The path checks do not apply where any of these fields has the
    /// given value (`unless = { allowTitleToDifferFromFilename = true }`).
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    #[schemars(with = "BTreeMap<String, ConditionValue>")]
    pub unless: OrderedMap<Spanned<String>, ConditionValue>,
}

/// `[[collections.references]]`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
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
    /// What a value names a document by: its `id` (the default), its file
    /// (`path`: `/getting-started`, tried as is and with `.md`, `.mdx`,
    /// `/index.md`, `/_index.md`; absolute URLs are skipped) or its URL
    /// (`url`: the value of the target's `url-field`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<RefByName>,
    /// For `by = "path"`: what a path is relative to, `file` (the
    /// referring file's folder, even with a leading `/`; the default) or
    /// `root` (the corpus root, or `base` under it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_to: Option<RelativeTo>,
    /// For `relative-to = "root"`: the folder under the corpus root paths
    /// start from (`content`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub base: Option<Spanned<String>>,
    /// For `by = "url"`: the target's field that holds its URL. Default:
    /// `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub url_field: Option<Spanned<String>>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RefByName {
    Id,
    Path,
    Url,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RelativeTo {
    File,
    Root,
}

fn rules_schema(generator: &mut SchemaGenerator) -> Schema {
    let level = generator.subschema_for::<Level>();
    let properties: serde_json::Map<String, serde_json::Value> = RULES
        .iter()
        .filter(|r| r.meta().name != fmlint_linter::rules::InternalError::META.name)
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
