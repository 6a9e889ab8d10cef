//! Field rules from the statistics: each field's types, whether it is
//! required, its enum, its date format, and whether its values are unique.

use crate::finding::Finding;
use crate::survey::{FieldStats, Kind, Survey, KINDS};
use crate::thresholds::*;

/// What is inferred about one field.
#[derive(Clone, Debug, Default)]
pub struct FieldRule {
    /// The JSON Schema types, most used first (`integer` folded into
    /// `number` when both occur).
    pub types: Vec<&'static str>,
    /// A list whose items are strings.
    pub string_items: bool,
    pub required: bool,
    /// The values it takes, most used first.
    pub values: Vec<String>,
    /// The date format (strftime or `rfc3339`).
    pub date: Option<&'static str>,
    pub unique: bool,
    /// Identifier-like and nearly all distinct, however few files hold it:
    /// what references may name (`unique` adds: in half the files).
    pub distinct: bool,
}

/// Every field's rule, parallel to [`Survey::fields`], with the findings
/// that justify them.
#[derive(Debug, Default)]
pub struct FieldRules {
    pub names: Vec<String>,
    pub parents: Vec<Option<usize>>,
    pub families: Vec<bool>,
    pub rules: Vec<FieldRule>,
    pub findings: Vec<Finding>,
}

impl FieldRules {
    pub fn unique(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.rules.len()).filter(|&f| self.rules[f].unique)
    }

    /// The fields references may name ([`FieldRule::distinct`]).
    pub fn distinct(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.rules.len()).filter(|&f| self.rules[f].distinct)
    }

    /// Whether a field is a key of a family's members.
    pub fn in_family(&self, field: usize) -> bool {
        self.parents[field].is_some_and(|p| self.families[p])
    }
}

pub fn infer(survey: &Survey) -> FieldRules {
    let mut out = FieldRules::default();
    for stats in &survey.fields {
        let parent_count = match stats.parent {
            None => survey.files,
            // A nested key: of the maps holding it (a family: its members).
            Some(parent) => survey.fields[parent].count(Kind::Map),
        };
        let rule = field_rule(survey, stats, parent_count, &mut out.findings);
        out.names.push(stats.name.clone());
        out.parents.push(stats.parent);
        out.families.push(stats.family);
        out.rules.push(rule);
    }
    out
}

fn field_rule(
    survey: &Survey,
    stats: &FieldStats,
    parent_count: usize,
    findings: &mut Vec<Finding>,
) -> FieldRule {
    let mut rule = FieldRule::default();
    let present = if stats.parent.is_some() {
        stats.values
    } else {
        stats.files
    };
    // A family's members are not required: a schema cannot say so.
    if !stats.family && parent_count >= MIN_VALUES && at_least(present, parent_count, REQUIRED) {
        rule.required = true;
        findings.push(Finding {
            kind: "required",
            what: format!("`{}` is present", stats.name),
            holds: present,
            of: parent_count,
        });
    }
    if stats.values < MIN_VALUES {
        return rule;
    }
    rule.types = types(stats);
    rule.string_items = rule.types.contains(&"array") && stats.count(Kind::List) == 0;
    let typed: usize = KINDS
        .iter()
        .enumerate()
        .filter(|(_, k)| {
            rule.types.contains(&k.json_type())
                || (**k == Kind::Integer && rule.types.contains(&"number"))
        })
        .map(|(i, _)| stats.kinds[i])
        .sum();
    findings.push(Finding {
        kind: "type",
        what: format!("`{}` is {}", stats.name, rule.types.join(" or ")),
        holds: typed,
        of: stats.values,
    });
    let strings = stats.count(Kind::String);
    if stats.main_kind() == Kind::String {
        rule.date = date_format(survey, stats, strings);
        if let Some(format) = rule.date {
            let i = survey
                .date_format_names()
                .iter()
                .position(|f| *f == format)
                .unwrap_or(0);
            findings.push(Finding {
                kind: "date",
                what: format!("`{}` is a date written `{format}`", stats.name),
                holds: stats.dates[i],
                of: strings,
            });
        }
    }
    rule.distinct = is_distinct(stats, &rule);
    // Distinct numbers are ids only by name (`id`, `post_id`), or when
    // other files name them (`references`): a small site's `weight`s differ
    // too.
    let numbered_id = stats.main_kind() != Kind::Integer || id_name(stats.key());
    rule.unique =
        rule.distinct && numbered_id && at_least(stats.files, survey.files, UNIQUE_PRESENT);
    if rule.unique {
        findings.push(Finding {
            kind: "unique",
            what: format!("no two files share a `{}`", stats.name),
            holds: stats.counts.values().filter(|&&n| n == 1).count(),
            of: stats.counts.values().sum(),
        });
    }
    rule
}

/// The kinds that together hold [`HOLDS`] of the values, most used first.
fn types(stats: &FieldStats) -> Vec<&'static str> {
    let mut kinds: Vec<(usize, Kind)> = KINDS
        .iter()
        .enumerate()
        .filter(|(i, _)| stats.kinds[*i] > 0)
        .map(|(i, k)| (stats.kinds[i], *k))
        .collect();
    kinds.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut types: Vec<&'static str> = Vec::new();
    let mut covered = 0;
    for (count, kind) in kinds {
        if at_least(covered, stats.values, HOLDS) {
            break;
        }
        covered += count;
        let name = kind.json_type();
        if !types.contains(&name) {
            types.push(name);
        }
    }
    if types.contains(&"number") {
        types.retain(|t| *t != "integer");
    }
    types
}

fn date_format(survey: &Survey, stats: &FieldStats, strings: usize) -> Option<&'static str> {
    if strings < MIN_VALUES {
        return None;
    }
    survey
        .date_format_names()
        .iter()
        .zip(&stats.dates)
        .find(|(_, &n)| at_least(n, strings, HOLDS))
        .map(|(f, _)| *f)
}

/// `id`, `post_id`, `postId`, `uid`.
fn id_name(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower == "id"
        || lower == "uid"
        || lower.ends_with("_id")
        || lower.ends_with("-id")
        || key.ends_with("Id")
}

/// Identifier-like values (integers, or strings without whitespace that
/// are not dates) that are nearly all distinct.
fn is_distinct(stats: &FieldStats, rule: &FieldRule) -> bool {
    let kind = stats.main_kind();
    // Half the values read as dates: a date field with some bad dates.
    let datelike = stats
        .dates
        .iter()
        .any(|&n| at_least(n, stats.count(Kind::String), 0.5));
    let identifier = match kind {
        Kind::Integer => true,
        Kind::String => !stats.whitespace && !stats.long && rule.date.is_none() && !datelike,
        _ => false,
    };
    let values: usize = stats.counts.values().sum();
    identifier
        && !stats.family
        && stats.parent.is_none()
        && at_least(stats.count(kind), stats.values, HOLDS)
        && values >= MIN_FILES
        && at_least(stats.counts.len(), values, UNIQUE)
}

/// Infers the enum of a string field that no template describes.
pub fn enums(survey: &Survey, rules: &mut FieldRules, templated: &[usize]) {
    for (id, stats) in survey.fields.iter().enumerate() {
        let rule = &mut rules.rules[id];
        if templated.contains(&id) || rule.unique || rule.date.is_some() || stats.long {
            continue;
        }
        if stats.main_kind() != Kind::String {
            continue;
        }
        let strings = stats.count(Kind::String);
        if strings < 10 {
            continue;
        }
        let min_uses = ENUM_MIN_USES.max(strings / 50);
        let mut common: Vec<(&String, usize)> = stats
            .counts
            .iter()
            .filter(|(_, &n)| n >= min_uses)
            .map(|(v, &n)| (v, n))
            .collect();
        common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let covered: usize = common.iter().map(|(_, n)| n).sum();
        if common.is_empty() || common.len() > ENUM_MAX || !at_least(covered, strings, HOLDS) {
            continue;
        }
        rule.values = common.iter().map(|(v, _)| v.to_string()).collect();
        rules.findings.push(Finding {
            kind: "enum",
            what: format!(
                "`{}` is one of {}",
                stats.name,
                rule.values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            holds: covered,
            of: strings,
        });
    }
}
