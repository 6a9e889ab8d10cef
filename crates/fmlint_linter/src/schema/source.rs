//! A schema's source: the `schema =` value split into a file and a JSON
//! pointer (`front-matter-config.json#/schema`), the file's text read as
//! JSON or YAML, the pointer followed, and the draft named by `$schema`.

use anyhow::{anyhow, bail, Result};
use fmlint_syntax::{LineIndex, Problem, Span};
use jsonschema::Draft;
use serde_json::Value as Json;

/// `path#/pointer` → (`path`, `Some("/pointer")`); no `#` → (`spec`, `None`).
pub fn split_spec(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once('#') {
        Some((path, pointer)) => (path, Some(pointer)),
        None => (spec, None),
    }
}

/// The document in `text`: YAML for a `.yaml`/`.yml` file, JSON otherwise.
pub(super) fn parse(name: &str, text: &str, yaml: bool) -> Result<Json> {
    if !yaml {
        return serde_json::from_str(text)
            .map_err(|e| anyhow!("schema `{name}` is not valid JSON: {e}"));
    }
    let Ok(len) = u32::try_from(text.len()) else {
        bail!("schema `{name}` is too large");
    };
    let parsed = fmlint_syntax::parse(text, Span::new(0, len as usize));
    if let Some(problem) = parsed.problems.first() {
        let (at, message) = match problem {
            Problem::Syntax { at, message, .. } => (*at, message.clone()),
            Problem::DuplicateKey { key, name, .. } => (*key, format!("duplicate key `{name}`")),
        };
        let position = LineIndex::new(text).line_col(at.start as usize);
        bail!(
            "schema `{name}` is not valid YAML: {}:{}: {message}",
            position.line,
            position.column
        );
    }
    match parsed.root {
        Some(root) => Ok(root.to_json()),
        None => bail!("schema `{name}` is empty"),
    }
}

/// Whether a schema file is YAML, by its extension.
pub(super) fn is_yaml(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// The part of `doc` that `pointer` names (the whole document for none).
pub(super) fn select(name: &str, doc: Json, pointer: Option<&str>) -> Result<Json> {
    let Some(pointer) = pointer.filter(|p| !p.is_empty()) else {
        return Ok(doc);
    };
    if !pointer.starts_with('/') {
        bail!("`#{pointer}` is not a JSON pointer: write `#/key` (e.g. `{name}#/schema`)");
    }
    let mut doc = doc;
    match doc.pointer_mut(pointer) {
        Some(found) => Ok(found.take()),
        None => {
            let keys = match &doc {
                Json::Object(map) => map
                    .keys()
                    .map(|k| format!("`/{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            };
            let hint = if keys.is_empty() {
                String::new()
            } else {
                format!(" (its top-level keys: {keys})")
            };
            bail!("the schema file has nothing at `{pointer}`{hint}")
        }
    }
}

/// The draft `$schema` names; 2020-12 when it names none.
pub(super) fn draft(schema: &Json) -> Result<Draft> {
    let Some(declared) = schema.as_object().and_then(|o| o.get("$schema")) else {
        return Ok(Draft::Draft202012);
    };
    let Some(uri) = declared.as_str() else {
        bail!("`$schema` must be a string (the URI of a JSON Schema draft)");
    };
    match Draft::from_schema_uri(uri) {
        Draft::Unknown => bail!(
            "`$schema` is `{uri}`, a dialect fmlint does not know: it checks drafts 04, 06, 07, 2019-09 and 2020-12 (e.g. `https://json-schema.org/draft/2020-12/schema`)"
        ),
        draft => Ok(draft),
    }
}

/// A draft's name as people write it.
pub(super) fn draft_name(draft: Draft) -> &'static str {
    match draft {
        Draft::Draft4 => "draft 04",
        Draft::Draft6 => "draft 06",
        Draft::Draft7 => "draft 07",
        Draft::Draft201909 => "draft 2019-09",
        _ => "draft 2020-12",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn specs_split_at_the_fragment() {
        assert_eq!(split_spec("a.json#/schema"), ("a.json", Some("/schema")));
        assert_eq!(split_spec("a.json"), ("a.json", None));
    }

    #[test]
    fn yaml_schemas_become_json() {
        let json = parse(
            "s",
            "type: object\nrequired: [a]\nadditionalProperties: false\n",
            true,
        )
        .unwrap();
        assert_eq!(
            json,
            json!({"type": "object", "required": ["a"], "additionalProperties": false})
        );
        assert!(parse("s", "a: [\n", true).is_err());
        assert!(parse("s", "{", false).is_err());
    }

    #[test]
    fn pointers_select_and_explain() {
        let doc = json!({"lineWidth": 1, "schema": {"type": "object"}});
        assert_eq!(
            select("f", doc.clone(), Some("/schema")).unwrap(),
            json!({"type": "object"})
        );
        let error = select("f", doc.clone(), Some("/schemas")).unwrap_err();
        assert!(error.to_string().contains("`/schema`"), "{error}");
        assert!(select("f", doc, Some("schema")).is_err());
    }

    #[test]
    fn drafts_come_from_dollar_schema() {
        let d = |uri: &str| draft(&json!({ "$schema": uri }));
        assert_eq!(
            d("http://json-schema.org/draft-04/schema#").unwrap(),
            Draft::Draft4
        );
        assert_eq!(
            d("http://json-schema.org/draft-07/schema").unwrap(),
            Draft::Draft7
        );
        assert_eq!(draft(&json!({})).unwrap(), Draft::Draft202012);
        assert!(d("https://example.com/my-meta").is_err());
        assert!(draft(&json!({"$schema": 4})).is_err());
    }
}
