//! The inference written out: the `fmlint.toml` text (commented, in the
//! corpus's own field names), the JSON Schema it points at, and the summary
//! of what was inferred and how many files break each rule.

use std::fmt::Write;

use serde_json::{json, Map, Value};

use crate::fields::{FieldRule, FieldRules};
use crate::finding::Finding;
use crate::inference::Inference;
use crate::thresholds::{HOLDS, REQUIRED};

/// What `fmlint init --infer` writes and prints.
#[derive(Debug)]
pub struct Output {
    pub config: String,
    pub schema: String,
    pub summary: String,
}

/// Renders an inference; `schema_path` is the schema's path relative to
/// the config (with `/`).
pub fn render(inference: &Inference, schema_path: &str) -> Output {
    let fields = &inference.fields;
    Output {
        config: config(inference, fields, schema_path),
        schema: schema(inference, fields),
        summary: summary(inference, fields),
    }
}

fn percent(threshold: f64) -> u32 {
    (threshold * 100.0).round() as u32
}

/// The collection's name: the corpus folder's last part.
pub fn collection_name(inference: &Inference) -> String {
    let folder = &inference.survey.folder;
    let last = folder.rsplit('/').next().unwrap_or("");
    if last.is_empty() {
        "pages".into()
    } else {
        last.to_string()
    }
}

fn config(inference: &Inference, fields: &FieldRules, schema_path: &str) -> String {
    let survey = &inference.survey;
    let mut out = String::new();
    let folder = match survey.folder.as_str() {
        "" => "this folder".to_string(),
        f => format!("`{f}`"),
    };
    let _ = writeln!(
        out,
        "# fmlint.toml, inferred by `fmlint init --infer` from the front matter of\n\
         # {} files under {folder}. Each rule below held for nearly every file (at\n\
         # least {} %); `fmlint check` reports the files that break it. Edit freely:\n\
         # docs/configuration.md describes every key.\n",
        survey.files,
        percent(HOLDS)
    );
    out.push_str("[files]\n");
    let _ = writeln!(out, "include = [{}]", quote(&include_glob(inference)));
    let excluded = excluded(inference);
    if !excluded.is_empty() {
        let list: Vec<String> = excluded.iter().map(|p| quote(p)).collect();
        let _ = writeln!(
            out,
            "# Files without front matter among the pages.\nexclude = [{}]",
            list.join(", ")
        );
    }
    out.push('\n');
    out.push_str("[[collections]]\n");
    let _ = writeln!(out, "name = {}", quote(&collection_name(inference)));
    let _ = writeln!(
        out,
        "# Types, required fields and values: {schema_path}.\nschema = {}",
        quote(schema_path)
    );
    let references = &inference.references;
    if let Some(id) = &references.id {
        let _ = writeln!(
            out,
            "# The field other files name this one by.\nid = {}",
            quote(id)
        );
    }
    let mut unique: Vec<String> = fields.unique().map(|f| quote(&fields.names[f])).collect();
    // The field references name is unique even if few files hold it.
    if let Some(id) = references.id.as_deref().map(quote) {
        if !unique.contains(&id) {
            unique.insert(0, id);
        }
    }
    if !unique.is_empty() {
        let _ = writeln!(
            out,
            "# No two files share a value of these.\nunique = [{}]",
            unique.join(", ")
        );
    }
    let dates: Vec<(&String, &str)> = fields
        .rules
        .iter()
        .enumerate()
        .filter(|(f, _)| fields.parents[*f].is_none())
        .filter_map(|(f, r)| Some((&fields.names[f], r.date?)))
        .collect();
    if !dates.is_empty() {
        out.push_str("\n[collections.dates]\n");
        for (field, format) in dates {
            let _ = writeln!(out, "{} = {}", key(field), quote(format));
        }
    }
    write_templates(&mut out, inference);
    if let Some(dir) = &inference.dir {
        let _ = writeln!(
            out,
            "\n# The file's folder follows its front matter (`path-mismatch`); holds\n\
             # for {} of {} files.\n[collections.path]\ndir = {}",
            dir.finding.holds,
            dir.finding.of,
            quote(&dir.template)
        );
    }
    write_references(&mut out, references);
    out
}

/// `[collections.templates]`: each inferred template with how often it held.
fn write_templates(out: &mut String, inference: &Inference) {
    if !inference.templates.is_empty() {
        out.push_str(
            "\n# Fields that equal a template of other fields and the file's path.\n\
             [collections.templates]\n",
        );
        for t in &inference.templates {
            let _ = writeln!(
                out,
                "# holds for {} of {} files",
                t.finding.holds, t.finding.of
            );
            match t.rule() {
                Some(rule) => {
                    let _ = writeln!(
                        out,
                        "{} = {{ template = {}, rule = {} }}",
                        key(&t.field),
                        quote(&t.template),
                        quote(rule)
                    );
                }
                None => {
                    let _ = writeln!(out, "{} = {}", key(&t.field), quote(&t.template));
                }
            }
        }
    }
}

/// One `[[collections.references]]` table per inferred reference field.
fn write_references(out: &mut String, references: &crate::references::Inferred) {
    for r in &references.references {
        let _ = writeln!(
            out,
            "\n# `{}` names another file by its `{}`.\n[[collections.references]]\nfield = {}",
            r.field,
            r.target,
            quote(&r.field)
        );
        if !r.mirror.is_empty() {
            let pairs: Vec<String> = r
                .mirror
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), quote(v)))
                .collect();
            let _ = writeln!(
                out,
                "# …and repeats these fields of it.\nmirror = {{ {} }}",
                pairs.join(", ")
            );
        }
    }
}

/// Most this many files without front matter inside the included folder
/// are excluded by name; more are left for `missing-front-matter`.
const MAX_EXCLUDED: usize = 20;

/// The files without front matter the include glob would take.
fn excluded(inference: &Inference) -> Vec<&str> {
    let survey = &inference.survey;
    let inside: Vec<&str> = survey
        .without_front_matter
        .iter()
        .map(String::as_str)
        .filter(|p| {
            survey.folder.is_empty()
                || p.strip_prefix(survey.folder.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .collect();
    if inside.len() > MAX_EXCLUDED {
        return Vec::new();
    }
    inside
}

fn include_glob(inference: &Inference) -> String {
    let survey = &inference.survey;
    let ext = match survey.extensions.as_slice() {
        [] => "md".to_string(),
        [one] => one.clone(),
        many => format!("{{{}}}", many.join(",")),
    };
    match survey.folder.as_str() {
        "" => format!("**/*.{ext}"),
        folder => format!("{folder}/**/*.{ext}"),
    }
}

fn schema(inference: &Inference, fields: &FieldRules) -> String {
    let mut root = object_schema(fields, None);
    let mut patterns = Map::new();
    for (f, name) in fields.names.iter().enumerate() {
        if !fields.families[f] || fields.parents[f].is_some() {
            continue;
        }
        let prefix = name.trim_end_matches('*');
        patterns.insert(
            format!("^{}[0-9]+$", regex_escape(prefix)),
            object_schema(fields, Some(f)),
        );
    }
    if let Value::Object(map) = &mut root {
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert(
            "title".into(),
            json!(format!(
                "Front matter of {} (inferred by fmlint init --infer from {} files)",
                match inference.survey.folder.as_str() {
                    "" => "the corpus",
                    f => f,
                },
                inference.survey.files
            )),
        );
        head.extend(std::mem::take(map));
        if !patterns.is_empty() {
            head.insert("patternProperties".into(), Value::Object(patterns));
        }
        *map = head;
    }
    let mut text = serde_json::to_string_pretty(&root).unwrap_or_default();
    text.push('\n');
    text
}

/// The schema of the top level (`parent` `None`) or of one map or family.
fn object_schema(fields: &FieldRules, parent: Option<usize>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (f, name) in fields.names.iter().enumerate() {
        if fields.parents[f] != parent || (fields.families[f] && parent.is_none()) {
            continue;
        }
        let rule = &fields.rules[f];
        if rule.types.is_empty() && !rule.required {
            continue;
        }
        // The key itself: `title` in `seo.title`; a top-level key may hold a dot.
        let key = match parent {
            Some(p) => name
                .strip_prefix(fields.names[p].as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .unwrap_or(name),
            None => name,
        }
        .to_string();
        if rule.required {
            required.push(json!(key));
        }
        let mut schema = field_schema(rule);
        if rule.types.first() == Some(&"object") {
            let nested = object_schema(fields, Some(f));
            if let (Value::Object(s), Value::Object(n)) = (&mut schema, nested) {
                s.extend(n.into_iter().filter(|(k, _)| k != "type"));
            }
        }
        properties.insert(key, schema);
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema.insert("properties".into(), Value::Object(properties));
    Value::Object(schema)
}

fn field_schema(rule: &FieldRule) -> Value {
    let mut schema = Map::new();
    match rule.types.as_slice() {
        [] => {}
        [one] => {
            schema.insert("type".into(), json!(one));
        }
        many => {
            schema.insert("type".into(), json!(many));
        }
    }
    if rule.string_items {
        schema.insert("items".into(), json!({ "type": "string" }));
    }
    if !rule.values.is_empty() {
        schema.insert("enum".into(), json!(rule.values));
    }
    Value::Object(schema)
}

fn summary(inference: &Inference, fields: &FieldRules) -> String {
    let survey = &inference.survey;
    let mut out = String::new();
    let _ = write!(
        out,
        "Inferred from {} files under {}",
        survey.files,
        if survey.folder.is_empty() {
            "."
        } else {
            &survey.folder
        }
    );
    if survey.left_out > 0 {
        let _ = write!(
            out,
            " ({} without readable front matter left out)",
            survey.left_out
        );
    }
    let _ = writeln!(
        out,
        ".\nRequired: present in at least {} % of files; other rules: hold for at least {} %.\n",
        percent(REQUIRED),
        percent(HOLDS)
    );
    let all: Vec<&Finding> = fields
        .findings
        .iter()
        .chain(inference.templates.iter().map(|t| &t.finding))
        .chain(inference.dir.iter().map(|t| &t.finding))
        .chain(&inference.references.findings)
        .collect();
    // Required fields and types without exceptions, in a few lines.
    let plain = |kind: &str| -> Vec<&Finding> {
        all.iter()
            .copied()
            .filter(|f| f.kind == kind && f.breaks() == 0)
            .collect()
    };
    for (kind, title) in [
        ("required", "Present in every file"),
        ("type", "One type in every file"),
    ] {
        let found = plain(kind);
        if found.is_empty() {
            continue;
        }
        let names: Vec<String> = found
            .iter()
            .map(|f| {
                let what = f.what.replace("` is present", "`");
                what.replace("` is ", "`: ")
            })
            .collect();
        let _ = writeln!(out, "{title}: {}.", names.join(", "));
    }
    let rest: Vec<&Finding> = all
        .iter()
        .copied()
        .filter(|f| !(matches!(f.kind, "required" | "type") && f.breaks() == 0))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(
            out,
            "\n{:<10} {:>13} {:>7}  RULE",
            "KIND", "HOLDS", "BREAKS"
        );
    }
    for finding in rest {
        line(&mut out, finding);
    }
    if !inference.references.unsaid.is_empty() {
        out.push_str("\nSeen but not written (a collection has one id field):\n");
        for finding in &inference.references.unsaid {
            line(&mut out, finding);
        }
    }
    out
}

fn line(out: &mut String, finding: &Finding) {
    let holds = format!("{}/{}", finding.holds, finding.of);
    let _ = writeln!(
        out,
        "{:<10} {:>13} {:>7}  {}",
        finding.kind,
        holds,
        finding.breaks(),
        finding.what
    );
}

/// A TOML basic string (JSON's escapes are TOML's).
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// A TOML key: bare when it can be.
fn key(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        text.to_string()
    } else {
        quote(text)
    }
}

fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
