//! Templates that hold for nearly every file: a field equal to the file's
//! stem or name, to (a slug of) another field, or built from the folder and
//! the stem (`/learn/{path.parent}/questions/{path.stem}`).
//!
//! Each file's value is turned into a template by replacing the longest
//! pieces that equal a path part or another field's value (or its slug)
//! with their placeholders; the template most files give wins if it holds
//! for [`HOLDS`] of them. Replacing the placeholders back gives the value,
//! so a file counts only when the template renders to its value.

use std::collections::HashMap;

use fmlint_linter::slug;

use crate::fields::FieldRules;
use crate::finding::Finding;
use crate::survey::{Kind, Record, Survey};
use crate::thresholds::*;

/// Placeholder values shorter than this are too common to mean anything.
const MIN_TOKEN: usize = 3;

/// One inferred template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inferred {
    pub field: String,
    pub template: String,
    pub finding: Finding,
}

impl Inferred {
    /// The rule a mismatch is filed under.
    pub fn rule(&self) -> Option<&'static str> {
        (self.template == "{path.name}").then_some("file-name-mismatch")
    }
}

/// A placeholder and the text it stands for in one file.
struct Token {
    placeholder: String,
    text: String,
    /// Path parts are tried before fields when `path_first`.
    path: bool,
    /// The field's position in the corpus (path parts: 0).
    order: usize,
}

pub fn infer(survey: &Survey, rules: &FieldRules) -> Vec<Inferred> {
    let sources: Vec<usize> = (0..survey.fields.len())
        .filter(|&f| plain_string(survey, rules, f))
        .collect();
    let mut out = Vec::new();
    for &target in &sources {
        if rules.rules[target].date.is_some() {
            continue;
        }
        if let Some(inferred) = infer_one(survey, &sources, target) {
            out.push(inferred);
        }
    }
    out
}

/// A string field outside families that some files hold.
fn plain_string(survey: &Survey, rules: &FieldRules, field: usize) -> bool {
    let stats = &survey.fields[field];
    !stats.family
        && !rules.in_family(field)
        && stats.main_kind() == Kind::String
        && stats.values >= MIN_VALUES
}

fn infer_one(survey: &Survey, sources: &[usize], target: usize) -> Option<Inferred> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut present = 0;
    for record in &survey.records {
        let Some(value) = record.value(target) else {
            continue;
        };
        present += 1;
        if value.contains(['{', '}']) {
            continue;
        }
        let tokens = tokens(survey, sources, target, record);
        let mut seen: Vec<String> = Vec::new();
        for path_first in [true, false] {
            let template = templatize(value, &tokens, path_first);
            if template.contains('{') && !seen.contains(&template) {
                seen.push(template);
            }
        }
        for template in seen {
            *counts.entry(template).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = counts
        .into_iter()
        .filter(|(t, _)| !copies_a_later_field(survey, t, target))
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.0.contains("{path.").cmp(&a.0.contains("{path.")))
            .then(a.0.len().cmp(&b.0.len()))
            .then(a.0.cmp(&b.0))
    });
    let (template, holds) = ranked.into_iter().next()?;
    if present < MIN_FILES || !at_least(holds, present, HOLDS) {
        return None;
    }
    let field = survey.fields[target].name.clone();
    Some(Inferred {
        finding: Finding {
            kind: "template",
            what: format!("`{field}` = `{template}`"),
            holds,
            of: present,
        },
        field,
        template,
    })
}

/// `{title}` for `question` is kept, `{question}` for `title` is not: a
/// copy names the field that comes first in the corpus.
fn copies_a_later_field(survey: &Survey, template: &str, target: usize) -> bool {
    let Some(inner) = template.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
        return false;
    };
    if inner.contains(['{', '}']) {
        return false;
    }
    let name = inner.split('|').next().unwrap_or(inner);
    survey.id(name).is_some_and(|source| source > target)
}

fn tokens(survey: &Survey, sources: &[usize], target: usize, record: &Record) -> Vec<Token> {
    let mut tokens = Vec::new();
    let path = record.path.as_str();
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let parent = dir.rsplit('/').next().unwrap_or("");
    for (placeholder, text) in [
        ("{path.name}", name),
        ("{path.stem}", stem),
        ("{path.parent}", parent),
        ("{path.dir}", dir),
    ] {
        tokens.push(Token {
            placeholder: placeholder.into(),
            text: text.into(),
            path: true,
            order: 0,
        });
    }
    field_tokens(survey, sources, target, record, false, &mut tokens);
    tokens.retain(|t| t.text.len() >= MIN_TOKEN && !t.text.contains(['{', '}']));
    tokens
}

/// `{F}` and `{F|slug}` (and `{F|lower}` when `lower`) for every source
/// field but `target` that this file holds.
fn field_tokens(
    survey: &Survey,
    sources: &[usize],
    target: usize,
    record: &Record,
    lower: bool,
    tokens: &mut Vec<Token>,
) {
    for &source in sources {
        if source == target {
            continue;
        }
        // A value every file shares says nothing about this file.
        if survey.fields[source].counts.len() < 2 {
            continue;
        }
        let Some(value) = record.value(source) else {
            continue;
        };
        let name = &survey.fields[source].name;
        let slugged = slug::quicktakes(value);
        let lowered = value.to_lowercase();
        if lower && lowered != value && lowered != slugged {
            tokens.push(Token {
                placeholder: format!("{{{name}|lower}}"),
                text: lowered,
                path: false,
                order: source + 1,
            });
        }
        if slugged != value {
            tokens.push(Token {
                placeholder: format!("{{{name}|slug}}"),
                text: slugged,
                path: false,
                order: source + 1,
            });
        }
        tokens.push(Token {
            placeholder: format!("{{{name}}}"),
            text: value.to_string(),
            path: false,
            order: source + 1,
        });
    }
}

/// The file's folder path as a template of its fields
/// (`files/en-us/{slug|lower}`, `content/learn/{subject|slug}`): the
/// config's `[collections.path] dir`, when it holds for [`HOLDS`] of the
/// files in a folder.
pub fn infer_dir(survey: &Survey, rules: &FieldRules) -> Option<Inferred> {
    let sources: Vec<usize> = (0..survey.fields.len())
        .filter(|&f| plain_string(survey, rules, f) && rules.rules[f].date.is_none())
        .collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut present = 0;
    for record in &survey.records {
        // A file at the top has the folder "": the rule will apply to it
        // too, so it counts.
        let dir = record.path.rsplit_once('/').map_or("", |(dir, _)| dir);
        present += 1;
        if dir.contains(['{', '}']) {
            continue;
        }
        let mut tokens = Vec::new();
        field_tokens(survey, &sources, usize::MAX, record, true, &mut tokens);
        tokens.retain(|t| t.text.len() >= MIN_TOKEN && !t.text.contains(['{', '}']));
        let template = templatize(dir, &tokens, false);
        if template.contains('{') {
            *counts.entry(template).or_default() += 1;
        }
    }
    let (template, holds) = counts.into_iter().max_by(|a, b| {
        a.1.cmp(&b.1)
            .then(b.0.len().cmp(&a.0.len()))
            .then(b.0.cmp(&a.0))
    })?;
    if present < MIN_FILES || !at_least(holds, present, HOLDS) {
        return None;
    }
    Some(Inferred {
        finding: Finding {
            kind: "path",
            what: format!("the folder is `{template}`"),
            holds,
            of: present,
        },
        field: "path.dir".into(),
        template,
    })
}

/// Replaces, left to right, the longest piece of `value` some token's text
/// equals with its placeholder.
fn templatize(value: &str, tokens: &[Token], path_first: bool) -> String {
    let mut order: Vec<&Token> = tokens.iter().collect();
    order.sort_by(|a, b| {
        b.text
            .len()
            .cmp(&a.text.len())
            .then(if path_first {
                b.path.cmp(&a.path)
            } else {
                a.path.cmp(&b.path)
            })
            .then(a.order.cmp(&b.order))
    });
    let mut out = String::new();
    let mut rest = value;
    while !rest.is_empty() {
        if let Some(token) = order.iter().find(|t| rest.starts_with(t.text.as_str())) {
            out.push_str(&token.placeholder);
            rest = &rest[token.text.len()..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(placeholder: &str, text: &str, path: bool) -> Token {
        Token {
            placeholder: placeholder.into(),
            text: text.into(),
            path,
            order: 0,
        }
    }

    #[test]
    fn the_longest_piece_is_replaced_first() {
        let tokens = [
            token("{path.stem}", "what-is-a-ledger", true),
            token("{path.parent}", "accounting", true),
            token("{title|slug}", "what-is-a-ledger", false),
        ];
        let value = "/learn/accounting/questions/what-is-a-ledger";
        assert_eq!(
            templatize(value, &tokens, true),
            "/learn/{path.parent}/questions/{path.stem}"
        );
        assert_eq!(
            templatize(value, &tokens, false),
            "/learn/{path.parent}/questions/{title|slug}"
        );
    }
}
