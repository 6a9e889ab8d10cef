//! What the schema's author wrote for a failure, found on its trail
//! ([`Docs::trail`]): a custom message (`x-fmlint-message`, or ajv-errors'
//! `errorMessage`), a property's `description`, the keys a mapping knows,
//! the key a set of `if` conditions tests.
//!
//! Custom messages, nearest schema first:
//!
//! - a string applies to every failure in that schema and below it;
//! - an object maps keywords to messages for that schema's own failures
//!   (`{"enum": "…", "required": "…"}`; an `anyOf`/`oneOf` entry covers the
//!   failures chosen from its branches), `required` may map missing keys
//!   (`{"required": {"title": "…"}}`) and `properties` property names
//!   (`{"properties": {"slug": "…"}}`, for any failure under that property).

use jsonschema::ValidationError;
use serde_json::{Map, Value as Json};

use super::docs::{Docs, Step, IN_PLACE};

const MESSAGE_KEYS: &[&str] = &["x-fmlint-message", "errorMessage"];

/// How far `known_keys` looks through composites, and at how many schemas.
const MAX_DEPTH: usize = 8;
const MAX_VISITS: usize = 1000;

/// The schema author's message for `error` (`missing`: the key a
/// `required` failure is about).
pub(super) fn message(
    docs: &Docs,
    error: &ValidationError,
    missing: Option<&str>,
) -> Option<String> {
    let trail = docs.trail(error.evaluation_path().as_str());
    let last = trail.len().checked_sub(1)?;
    for (i, step) in trail.iter().enumerate().rev() {
        for key in MESSAGE_KEYS {
            match step.schema.get(*key) {
                Some(Json::String(m)) => return Some(m.clone()),
                Some(Json::Object(map)) => {
                    if let Some(m) = from_map(map, step, i == last, missing) {
                        return Some(m);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

fn from_map(
    map: &Map<String, Json>,
    step: &Step,
    own: bool,
    missing: Option<&str>,
) -> Option<String> {
    let keyword = step.keyword.as_str();
    let applies = own || matches!(keyword, "anyOf" | "oneOf");
    match (map.get(keyword), keyword) {
        (Some(Json::String(m)), _) if applies => return Some(m.clone()),
        (Some(Json::Object(by_key)), "required") if own => {
            if let Some(Json::String(m)) = missing.and_then(|k| by_key.get(k)) {
                return Some(m.clone());
            }
        }
        (Some(Json::Object(by_name)), "properties") => {
            if let Some(Json::String(m)) = step.name.as_deref().and_then(|n| by_name.get(n)) {
                return Some(m.clone());
            }
        }
        _ => {}
    }
    None
}

/// The `title` and `description` of the schema that failed, or of the one
/// that brought it in place (`properties.slug: {$ref, description}`):
/// "Slug: URL path of the page".
pub(super) fn description(docs: &Docs, error: &ValidationError) -> Option<String> {
    let trail = docs.trail(error.evaluation_path().as_str());
    let mut i = trail.len().checked_sub(1)?;
    loop {
        let schema = trail[i].schema;
        let text = |key: &str| {
            schema
                .get(key)
                .and_then(Json::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
        };
        match (text("title"), text("description")) {
            (Some(title), Some(description)) => return Some(format!("{title}: {description}")),
            (Some(one), None) | (None, Some(one)) => return Some(one.to_string()),
            (None, None) => {}
        }
        if i == 0 || !IN_PLACE.contains(&trail[i - 1].keyword.as_str()) {
            return None;
        }
        i -= 1;
    }
}

/// The keys the mapping's schema names (for "did you mean"), in the
/// schema's order: its `properties`, and for `unevaluatedProperties` those
/// of its in-place subschemas too.
pub(super) fn known_keys<'d>(docs: &'d Docs, error: &ValidationError) -> Vec<&'d str> {
    let trail = docs.trail(error.evaluation_path().as_str());
    let Some(step) = trail.last() else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    let deep = step.keyword == "unevaluatedProperties";
    let mut budget = MAX_VISITS;
    collect_keys(step.schema, deep, 0, &mut keys, docs, &mut budget);
    keys
}

fn collect_keys<'d>(
    schema: &'d Map<String, Json>,
    deep: bool,
    depth: usize,
    keys: &mut Vec<&'d str>,
    docs: &'d Docs,
    budget: &mut usize,
) {
    // `$ref`s may loop and composites fan out: a schema is user input.
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    if let Some(Json::Object(properties)) = schema.get("properties") {
        for key in properties.keys() {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
    }
    if !deep || depth >= MAX_DEPTH {
        return;
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        for sub in schema
            .get(keyword)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(sub) = sub.as_object() {
                collect_keys(sub, deep, depth + 1, keys, docs, budget);
            }
        }
    }
    for keyword in ["then", "else"] {
        if let Some(sub) = schema.get(keyword).and_then(Json::as_object) {
            collect_keys(sub, deep, depth + 1, keys, docs, budget);
        }
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Json::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| docs.root().pointer(p))
        .and_then(Json::as_object)
    {
        collect_keys(target, deep, depth + 1, keys, docs, budget);
    }
}

/// When every rejection is an `else: false` whose `if` tests one and the
/// same property: that key, with each case's condition on it.
pub(super) fn condition_key(
    docs: &Docs,
    rejections: &[&ValidationError],
) -> Option<(String, Vec<String>)> {
    let mut key: Option<String> = None;
    let mut conditions = Vec::new();
    for rejection in rejections {
        let trail = docs.trail(rejection.evaluation_path().as_str());
        let step = trail.last().filter(|s| s.keyword == "else")?;
        let tested = step.schema.get("if")?.get("properties")?.as_object()?;
        let (name, condition) = match tested.iter().collect::<Vec<_>>().as_slice() {
            [(name, condition)] => (name.to_string(), *condition),
            _ => return None,
        };
        if key.as_ref().is_some_and(|k| *k != name) {
            return None;
        }
        key = Some(name);
        if let Some(c) = describe_condition(condition) {
            if !conditions.contains(&c) {
                conditions.push(c);
            }
        }
    }
    key.map(|k| (k, conditions))
}

fn describe_condition(condition: &Json) -> Option<String> {
    if let Some(pattern) = condition.get("pattern").and_then(Json::as_str) {
        return Some(format!("matches `{pattern}`"));
    }
    if let Some(value) = condition.get("const") {
        return Some(format!("is {}", quoted(value)));
    }
    let values = condition.get("enum")?.as_array()?;
    let values: Vec<String> = values.iter().map(quoted).collect();
    Some(format!("is one of {}", values.join(", ")))
}

fn quoted(value: &Json) -> String {
    match value {
        Json::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}
