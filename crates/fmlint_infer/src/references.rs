//! Reference fields: values that name other files. A field (a plain one, a
//! list's items, or a key of a family of numbered maps such as
//! `related_article*.id`) refers to a distinct field (a unique one, or one
//! that only some files hold, such as the authors' `id` in a blog) when nearly all its
//! values are values of that field in some file ([`REFERENCE`], or
//! [`REFERENCE_NAMED`] when it is named like it). A family's other keys
//! mirror the target's fields they nearly always equal.

use std::collections::HashMap;

use crate::fields::FieldRules;
use crate::finding::Finding;
use crate::survey::{Kind, Survey};
use crate::thresholds::*;

/// One reference field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// `related_article*.id` or `authors`.
    pub field: String,
    /// The field its values name.
    pub target: String,
    /// Family key → the target's field it equals.
    pub mirror: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default)]
pub struct Inferred {
    /// The field references resolve against (the config's `id`).
    pub id: Option<String>,
    /// References to [`Inferred::id`].
    pub references: Vec<Reference>,
    pub findings: Vec<Finding>,
    /// References to another field, which the config cannot say yet.
    pub unsaid: Vec<Finding>,
}

pub fn infer(survey: &Survey, rules: &FieldRules) -> Inferred {
    let targets: Vec<usize> = rules.distinct().collect();
    let values: HashMap<usize, HashMap<&str, usize>> =
        targets.iter().map(|&t| (t, owners(survey, t))).collect();
    // (source, target, hits, total)
    let mut found: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (source, stats) in survey.fields.iter().enumerate() {
        if stats.family || targets.contains(&source) || stats.values < MIN_VALUES {
            continue;
        }
        if !matches!(
            stats.main_kind(),
            Kind::String | Kind::Integer | Kind::Strings
        ) || (stats.parent.is_some() && !rules.in_family(source))
        {
            continue;
        }
        let best = targets
            .iter()
            .filter_map(|&target| {
                let (hits, total, own) = resolve(survey, source, &values[&target], target);
                let named = stats.key() == survey.fields[target].name;
                let enough = at_least(hits, total, REFERENCE)
                    || (named && at_least(hits, total, REFERENCE_NAMED));
                // A field equal to the file's own value is a copy, not a
                // reference.
                let copy = own * 2 > total;
                (total >= MIN_FILES && enough && !copy).then_some((target, hits, total))
            })
            .max_by(|a, b| (a.1 * b.2).cmp(&(b.1 * a.2)).then(b.0.cmp(&a.0)));
        if let Some((target, hits, total)) = best {
            found.push((source, target, hits, total));
        }
    }
    let mut out = Inferred::default();
    let Some(id) = id_field(survey, &found) else {
        return out;
    };
    out.id = Some(survey.fields[id].name.clone());
    for &(source, target, hits, total) in &found {
        let finding = Finding {
            kind: "reference",
            what: format!(
                "`{}` names a file by its `{}`",
                survey.fields[source].name, survey.fields[target].name
            ),
            holds: hits,
            of: total,
        };
        if target != id {
            out.unsaid.push(finding);
            continue;
        }
        out.findings.push(finding);
        let mirror = match survey.fields[source].parent {
            Some(family) if rules.families[family] => mirrors(
                survey,
                rules,
                family,
                source,
                &values[&id],
                &mut out.findings,
            ),
            _ => Vec::new(),
        };
        out.references.push(Reference {
            field: survey.fields[source].name.clone(),
            target: survey.fields[target].name.clone(),
            mirror,
        });
    }
    out
}

/// The target most references name (`id` first on a tie).
fn id_field(survey: &Survey, found: &[(usize, usize, usize, usize)]) -> Option<usize> {
    let mut votes: HashMap<usize, usize> = HashMap::new();
    for (_, target, _, _) in found {
        *votes.entry(*target).or_default() += 1;
    }
    votes
        .into_iter()
        .max_by_key(|(target, n)| (*n, survey.fields[*target].name == "id", usize::MAX - target))
        .map(|(target, _)| target)
}

/// Each value of `field` → the first file (record) holding it.
fn owners(survey: &Survey, field: usize) -> HashMap<&str, usize> {
    let mut map = HashMap::new();
    for (i, record) in survey.records.iter().enumerate() {
        if let Some(value) = record.value(field) {
            map.entry(value).or_insert(i);
        }
    }
    map
}

/// (values found in the target, values, values equal to the file's own).
fn resolve(
    survey: &Survey,
    source: usize,
    targets: &HashMap<&str, usize>,
    target: usize,
) -> (usize, usize, usize) {
    let (mut hits, mut total, mut own) = (0, 0, 0);
    for record in &survey.records {
        let mine = record.value(target);
        for (_, _, value) in record.values.iter().filter(|(f, _, _)| *f == source) {
            total += 1;
            if targets.contains_key(value.as_str()) {
                hits += 1;
            }
            if mine == Some(value.as_str()) {
                own += 1;
            }
        }
    }
    (hits, total, own)
}

/// The family's keys other than `id_key` that equal a field of the file
/// the member names.
fn mirrors(
    survey: &Survey,
    rules: &FieldRules,
    family: usize,
    id_key: usize,
    owners: &HashMap<&str, usize>,
    findings: &mut Vec<Finding>,
) -> Vec<(String, String)> {
    let keys: Vec<usize> = (0..survey.fields.len())
        .filter(|&f| f != id_key && survey.fields[f].parent == Some(family))
        .collect();
    let candidates: Vec<usize> = (0..survey.fields.len())
        .filter(|&f| {
            let s = &survey.fields[f];
            !s.family
                && !rules.in_family(f)
                && matches!(s.main_kind(), Kind::String | Kind::Integer)
        })
        .collect();
    let mut out = Vec::new();
    for key in keys {
        // (candidate → agreeing members), members compared
        let mut agree: HashMap<usize, usize> = HashMap::new();
        let mut compared = 0;
        for record in &survey.records {
            for (_, member, id) in record.values.iter().filter(|(f, _, _)| *f == id_key) {
                let Some(&owner) = owners.get(id.as_str()) else {
                    continue;
                };
                let Some((_, _, value)) = record
                    .values
                    .iter()
                    .find(|(f, m, _)| *f == key && m == member)
                else {
                    continue;
                };
                compared += 1;
                let target = &survey.records[owner];
                for &c in &candidates {
                    if target.value(c) == Some(value.as_str()) {
                        *agree.entry(c).or_default() += 1;
                    }
                }
            }
        }
        let key_name = survey.fields[key].key().to_string();
        let best = agree
            .into_iter()
            .max_by_key(|(c, n)| (*n, survey.fields[*c].name == key_name, usize::MAX - *c));
        let Some((field, holds)) = best else { continue };
        if compared < MIN_VALUES || !at_least(holds, compared, MIRROR) {
            continue;
        }
        let target = survey.fields[field].name.clone();
        findings.push(Finding {
            kind: "mirror",
            what: format!(
                "`{}` equals the named file's `{target}`",
                survey.fields[key].name
            ),
            holds,
            of: compared,
        });
        out.push((key_name, target));
    }
    out
}
