//! Checks on a schema before it is compiled, for mistakes its metaschema
//! lets through because unknown keywords are allowed: a file that is not a
//! schema at all (a config holding one under a key), a typo'd keyword
//! (`requried`), a keyword the declared draft does not have (it would be
//! ignored). Each is an [`Invalid`] problem, reported at the config's
//! `schema =` value.

use std::fmt;

use jsonschema::Draft;
use serde_json::{Map, Value as Json};

use super::docs::{LIST_OF_SCHEMAS, MAP_OF_SCHEMAS};
use crate::similar;

/// Every keyword of drafts 04 to 2020-12, annotations included.
const KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "id",
    "$ref",
    "$defs",
    "definitions",
    "$comment",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
    "$vocabulary",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "prefixItems",
    "items",
    "additionalItems",
    "contains",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "dependencies",
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
];

/// Keywords of other vocabularies that sit close to a standard one but
/// are not typos of it (`example` is OpenAPI's, `errorMessage` ajv-errors').
const FOREIGN: &[&str] = &[
    "example",
    "nullable",
    "errorMessage",
    "markdownDescription",
    "deprecationMessage",
    "discriminator",
];

/// Keywords a draft does not have (a validator of that draft ignores
/// them), with the draft that introduced them.
const LATER: &[(&str, Draft, &str)] = &[
    ("const", Draft::Draft6, "06"),
    ("contains", Draft::Draft6, "06"),
    ("propertyNames", Draft::Draft6, "06"),
    ("if", Draft::Draft7, "07"),
    ("then", Draft::Draft7, "07"),
    ("else", Draft::Draft7, "07"),
    ("dependentRequired", Draft::Draft201909, "2019-09"),
    ("dependentSchemas", Draft::Draft201909, "2019-09"),
    ("unevaluatedProperties", Draft::Draft201909, "2019-09"),
    ("unevaluatedItems", Draft::Draft201909, "2019-09"),
    ("minContains", Draft::Draft201909, "2019-09"),
    ("maxContains", Draft::Draft201909, "2019-09"),
    ("prefixItems", Draft::Draft202012, "2020-12"),
];

const ONE_SCHEMA: &[&str] = &[
    "not",
    "if",
    "then",
    "else",
    "additionalProperties",
    "unevaluatedProperties",
    "items",
    "contains",
    "propertyNames",
    "additionalItems",
    "unevaluatedItems",
    "contentSchema",
];

/// Past this many problems the rest are not listed.
const MAX_PROBLEMS: usize = 20;
const MAX_DEPTH: usize = 256;

/// A schema fmlint will not use, with every problem found.
#[derive(Clone, Debug)]
pub struct Invalid {
    /// (message, help) of each problem.
    pub problems: Vec<(String, Option<String>)>,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.problems.iter().map(|(m, _)| m.as_str()).collect();
        f.write_str(&messages.join("; "))
    }
}

impl std::error::Error for Invalid {}

impl Invalid {
    pub(super) fn one(message: String, help: Option<String>) -> Invalid {
        Invalid {
            problems: vec![(message, help)],
        }
    }
}

/// The problems of `schema` (read from `file` for draft `draft`).
pub(super) fn check(
    name: &str,
    file: &str,
    schema: &Json,
    draft: Draft,
) -> Vec<(String, Option<String>)> {
    let mut problems = Vec::new();
    match schema {
        Json::Bool(_) => return problems,
        Json::Object(map) => {
            if let Some(problem) = not_a_schema(name, file, map) {
                return vec![problem];
            }
        }
        other => {
            problems.push((
                format!(
                    "schema `{name}` is {}, not a JSON Schema (an object)",
                    super::message::json_type_phrase(other)
                ),
                None,
            ));
            return problems;
        }
    }
    let mut walk = Walk {
        draft,
        problems: &mut problems,
    };
    walk.schema(schema, &mut String::new(), 0);
    problems
}

/// A file whose top level has no keyword: a document that holds a schema
/// somewhere inside, or none at all. It would accept anything.
fn not_a_schema(
    name: &str,
    file: &str,
    map: &Map<String, Json>,
) -> Option<(String, Option<String>)> {
    if map.is_empty() || map.keys().any(|k| KEYWORDS.contains(&k.as_str())) {
        return None;
    }
    let keys: Vec<String> = map.keys().map(|k| format!("`{k}`")).collect();
    let inner = map.iter().find(|(_, v)| {
        v.as_object()
            .is_some_and(|o| o.keys().any(|k| KEYWORDS.contains(&k.as_str())))
    });
    let help = match inner {
        Some((key, _)) => format!(
            "the schema seems to be under `{key}`: point at it with a JSON pointer, `schema = \"{file}#/{}\"`",
            key.replace('~', "~0").replace('/', "~1")
        ),
        None => "point `schema` at a JSON Schema file (`type`, `properties`, `required` …)".to_string(),
    };
    Some((
        format!(
            "schema `{name}` is not a JSON Schema: none of its top-level keys ({}) is a schema keyword, so it would accept anything",
            keys.join(", ")
        ),
        Some(help),
    ))
}

struct Walk<'p> {
    draft: Draft,
    problems: &'p mut Vec<(String, Option<String>)>,
}

impl Walk<'_> {
    fn schema(&mut self, schema: &Json, at: &mut String, depth: usize) {
        let Json::Object(map) = schema else { return };
        if depth > MAX_DEPTH || self.problems.len() >= MAX_PROBLEMS {
            return;
        }
        for (key, value) in map {
            self.keyword(key, at);
            let len = at.len();
            push(at, key);
            self.children(key, value, at, depth);
            at.truncate(len);
        }
    }

    fn children(&mut self, key: &str, value: &Json, at: &mut String, depth: usize) {
        if MAP_OF_SCHEMAS.contains(&key) {
            let Json::Object(map) = value else { return };
            for (name, sub) in map {
                let len = at.len();
                push(at, name);
                self.schema(sub, at, depth + 1);
                at.truncate(len);
            }
        } else if LIST_OF_SCHEMAS.contains(&key) && value.is_array() {
            for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                let len = at.len();
                push(at, &i.to_string());
                self.schema(sub, at, depth + 1);
                at.truncate(len);
            }
        } else if ONE_SCHEMA.contains(&key) {
            self.schema(value, at, depth + 1);
        }
    }

    fn keyword(&mut self, key: &str, at: &str) {
        let location = if at.is_empty() { "/" } else { at };
        if let Some((_, _, since)) = LATER
            .iter()
            .find(|(k, draft, _)| *k == key && draft_rank(self.draft) < draft_rank(*draft))
        {
            self.problems.push((
                format!(
                    "`{key}` at `{location}` is not a keyword of {}: it would be ignored (it came in draft {since})",
                    super::source::draft_name(self.draft)
                ),
                Some(format!(
                    "declare a draft that has it (`\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"`), or remove `{key}`"
                )),
            ));
            return;
        }
        if KEYWORDS.contains(&key) || FOREIGN.contains(&key) || key.starts_with("x-") {
            return;
        }
        if let Some(meant) = similar::closest(key, KEYWORDS.iter().copied()) {
            self.problems.push((
                format!("unknown keyword `{key}` at `{location}`: did you mean `{meant}`?"),
                Some(format!(
                    "JSON Schema ignores keywords it does not know, so `{key}` checks nothing: rename it to `{meant}`"
                )),
            ));
        }
    }
}

fn push(at: &mut String, segment: &str) {
    at.push('/');
    at.push_str(&segment.replace('~', "~0").replace('/', "~1"));
}

fn draft_rank(draft: Draft) -> u8 {
    match draft {
        Draft::Draft4 => 4,
        Draft::Draft6 => 6,
        Draft::Draft7 => 7,
        Draft::Draft201909 => 19,
        _ => 20,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(schema: Json, draft: Draft) -> Vec<String> {
        check("s", "s.json", &schema, draft)
            .into_iter()
            .map(|(m, h)| format!("{m} | {}", h.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_config_holding_a_schema_is_not_a_schema() {
        let found = problems(
            json!({"lineWidth": -1, "schema": {"type": "object"}}),
            Draft::Draft202012,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("is not a JSON Schema"), "{}", found[0]);
        assert!(
            found[0].contains("schema = \"s.json#/schema\""),
            "{}",
            found[0]
        );
        assert!(problems(json!({}), Draft::Draft202012).is_empty());
        assert!(problems(json!(true), Draft::Draft202012).is_empty());
        assert_eq!(problems(json!([1]), Draft::Draft202012).len(), 1);
    }

    #[test]
    fn typos_are_found_at_any_depth() {
        let found = problems(
            json!({"properties": {"seo": {"requried": ["a"], "x-custom": 1, "example": 2}},
                   "anyOf": [{"additonalProperties": false}], "markdownDescription": "m"}),
            Draft::Draft202012,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found
            .iter()
            .any(|p| p.contains("`requried` at `/properties/seo`: did you mean `required`?")));
        assert!(found
            .iter()
            .any(|p| p.contains("`/anyOf/0`") && p.contains("`additionalProperties`")));
    }

    #[test]
    fn keywords_of_later_drafts_are_flagged() {
        let found = problems(json!({"unevaluatedProperties": false}), Draft::Draft7);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].contains("not a keyword of draft 07"),
            "{}",
            found[0]
        );
        assert!(problems(json!({"unevaluatedProperties": false}), Draft::Draft201909).is_empty());
        assert_eq!(problems(json!({"if": {}}), Draft::Draft6).len(), 1);
    }
}
