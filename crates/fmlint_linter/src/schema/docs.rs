//! The schema's documents as JSON, kept beside the compiled validator so a
//! failure can be traced back to the schema objects it passed through (its
//! *trail*): where custom messages (`x-fmlint-message`, ajv-errors'
//! `errorMessage`), a property's `description` and the known keys of a
//! mapping come from.
//!
//! A trail follows the error's evaluation path through the documents,
//! `$ref`s included when they name a JSON pointer in a document fmlint
//! read. Anything it cannot follow ends the trail early: messages then
//! fall back to what the error itself says.

use std::collections::HashMap;

use jsonschema::Uri;
use serde_json::Value as Json;

/// Keywords whose value maps names to subschemas.
pub(super) const MAP_OF_SCHEMAS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "dependencies",
];

/// Keywords whose value is a list of subschemas (`items` too, in drafts
/// before 2020-12).
pub(super) const LIST_OF_SCHEMAS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];

/// Keywords that apply a subschema to the same instance: the schema met
/// after them still describes the value a property-level message is about.
pub(super) const IN_PLACE: &[&str] = &[
    "$ref",
    "$dynamicRef",
    "$recursiveRef",
    "allOf",
    "anyOf",
    "oneOf",
    "if",
    "then",
    "else",
];

/// How deep a trail may go: a `$ref` cycle ends here.
const MAX_STEPS: usize = 512;

/// How many `$ref`s in a row [`Docs::property`] follows.
const MAX_REF_HOPS: usize = 32;

pub(super) struct Docs {
    /// The root document's base URI (without fragment).
    base: String,
    root: Json,
    /// Other documents read through `$ref`, by URI (without fragment).
    others: HashMap<String, Json>,
}

/// One schema object on a trail and the keyword the evaluation took from it.
pub(super) struct Step<'d> {
    pub schema: &'d serde_json::Map<String, Json>,
    pub keyword: String,
    /// The segment after the keyword (a property name or an index), when
    /// the keyword holds several subschemas.
    pub name: Option<String>,
}

impl Docs {
    pub(super) fn new(base: Option<&str>, root: Json, others: Vec<(String, Json)>) -> Docs {
        let base = base
            .map(str::to_string)
            .or_else(|| root.get("$id").and_then(Json::as_str).map(str::to_string))
            .unwrap_or_else(|| "json-schema:///".to_string());
        Docs {
            base: strip_fragment(&base).to_string(),
            root,
            others: others
                .into_iter()
                .map(|(uri, json)| (strip_fragment(&uri).to_string(), json))
                .collect(),
        }
    }

    /// Adds the documents read through `$ref`, by URI.
    pub(super) fn add(&mut self, documents: Vec<(String, Json)>) {
        for (uri, json) in documents {
            self.others.insert(strip_fragment(&uri).to_string(), json);
        }
    }

    pub(super) fn root(&self) -> &Json {
        &self.root
    }

    /// The schema objects an error's evaluation path (a JSON pointer such
    /// as `/anyOf/2/then/properties/page-type/enum`) went through, root
    /// first; the last step's keyword is the one that failed.
    pub(super) fn trail(&self, path: &str) -> Vec<Step<'_>> {
        let mut segments = path.split('/').skip(1).map(unescape).peekable();
        let mut steps = Vec::new();
        let mut here = (self.base.as_str(), &self.root);
        while let Some(keyword) = segments.next() {
            let Some(schema) = here.1.as_object() else {
                break;
            };
            if steps.len() >= MAX_STEPS {
                break;
            }
            let value = schema.get(&keyword);
            let mut step = Step {
                schema,
                keyword: keyword.clone(),
                name: None,
            };
            let next = match (keyword.as_str(), value) {
                ("$ref" | "$dynamicRef" | "$recursiveRef", Some(Json::String(r))) => {
                    self.resolve(here.0, r)
                }
                (k, Some(map)) if MAP_OF_SCHEMAS.contains(&k) => {
                    let name = segments.next();
                    let sub = name.as_deref().and_then(|n| map.get(n));
                    step.name = name;
                    sub.map(|s| (here.0, s))
                }
                (k, Some(Json::Array(list))) if LIST_OF_SCHEMAS.contains(&k) => {
                    let name = segments.next();
                    let sub = name
                        .as_deref()
                        .and_then(|n| n.parse::<usize>().ok())
                        .and_then(|i| list.get(i));
                    step.name = name;
                    sub.map(|s| (here.0, s))
                }
                (_, Some(sub)) if segments.peek().is_some() && is_schema(sub) => {
                    Some((here.0, sub))
                }
                _ => None,
            };
            steps.push(step);
            match next {
                Some(next) => here = next,
                None => break,
            }
        }
        steps
    }

    /// The subschema of the property at dotted `field` (`seo.title`), with
    /// the base its own `$ref`s resolve against: `properties` followed from
    /// the root, through `$ref`s. `None` when the schema does not say (no
    /// `properties` entry for a segment, a reference that does not
    /// resolve).
    pub(super) fn property(&self, field: &str) -> Option<(&str, &serde_json::Map<String, Json>)> {
        let mut here = self.follow(self.base.as_str(), &self.root)?;
        for segment in field.split('.') {
            let sub = here.1.get("properties")?.get(segment)?;
            here = self.follow(here.0, sub)?;
        }
        Some(here)
    }

    /// The object `schema` is once its `$ref`s are followed, with its base.
    pub(super) fn follow<'d>(
        &'d self,
        base: &'d str,
        schema: &'d Json,
    ) -> Option<(&'d str, &'d serde_json::Map<String, Json>)> {
        let mut here = (base, schema);
        for _ in 0..MAX_REF_HOPS {
            let object = here.1.as_object()?;
            match object.get("$ref").and_then(Json::as_str) {
                Some(reference) => here = self.resolve(here.0, reference)?,
                None => return Some((here.0, object)),
            }
        }
        None
    }

    /// The document and value a `$ref` names, relative to `base`.
    fn resolve<'d>(&'d self, base: &'d str, reference: &str) -> Option<(&'d str, &'d Json)> {
        let (doc_uri, doc) = if let Some(fragment) = reference.strip_prefix('#') {
            return pointer(self.doc(base)?, fragment).map(|v| (base, v));
        } else {
            let base_uri = Uri::parse(base).ok()?;
            let resolved = jsonschema::uri::resolve_against(&base_uri, reference).ok()?;
            let (uri, fragment) = split_fragment(resolved.as_str());
            let (uri, doc) = self.doc_entry(uri)?;
            (uri, pointer(doc, fragment.unwrap_or(""))?)
        };
        Some((doc_uri, doc))
    }

    fn doc(&self, uri: &str) -> Option<&Json> {
        self.doc_entry(uri).map(|(_, doc)| doc)
    }

    fn doc_entry(&self, uri: &str) -> Option<(&str, &Json)> {
        if uri == self.base {
            return Some((self.base.as_str(), &self.root));
        }
        self.others.get_key_value(uri).map(|(k, v)| (k.as_str(), v))
    }
}

fn is_schema(value: &Json) -> bool {
    matches!(value, Json::Object(_) | Json::Bool(_))
}

/// A JSON pointer fragment (percent-encoded as URIs may write it).
fn pointer<'d>(doc: &'d Json, fragment: &str) -> Option<&'d Json> {
    if fragment.is_empty() {
        return Some(doc);
    }
    if !fragment.starts_with('/') {
        // An anchor (`#name`): not followed.
        return None;
    }
    let decoded = percent_decode(fragment)?;
    doc.pointer(&decoded)
}

fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn strip_fragment(uri: &str) -> &str {
    split_fragment(uri).0
}

fn split_fragment(uri: &str) -> (&str, Option<&str>) {
    match uri.split_once('#') {
        Some((uri, fragment)) => (uri, Some(fragment)),
        None => (uri, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trails_follow_local_refs_and_stop_where_they_cannot() {
        let docs = Docs::new(
            None,
            json!({
                "anyOf": [{"then": {"properties": {"a/b": {"$ref": "#/$defs/x"}}}}],
                "$defs": {"x": {"enum": [1], "description": "X"}}
            }),
            Vec::new(),
        );
        let trail = docs.trail("/anyOf/0/then/properties/a~1b/$ref/enum");
        let keywords: Vec<&str> = trail.iter().map(|s| s.keyword.as_str()).collect();
        assert_eq!(keywords, ["anyOf", "then", "properties", "$ref", "enum"]);
        assert_eq!(trail[2].name.as_deref(), Some("a/b"));
        assert_eq!(trail[4].schema["description"], "X");
        assert_eq!(docs.trail("/nope/x").len(), 1);
        assert_eq!(docs.trail("/$ref/x").len(), 1);
    }
}
