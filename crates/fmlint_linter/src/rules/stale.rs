//! `stale-reference`: a reference entry whose mirrored values (title,
//! subject, url) no longer equal its target's.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::rule::{declare_rule, CorpusContext, Rule, RuleMeta};
use rayon::prelude::*;

use crate::collection::{Collection, References};
use crate::index::{Index, IndexedFile, Mirror};

declare_rule! {
    /// ## What it does
    /// Reports each mirrored field of a reference entry (QuickTakes:
    /// `title`, `subject`, `url`) that differs from the target article's
    /// current value, and says that value. When several files hold the id,
    /// the entry is stale only if it matches none of them.
    ///
    /// ## Why is this bad
    /// The related-article box shows an old title or links to the old URL
    /// of an article that moved subjects: a redirect at best, a 404 at
    /// worst.
    ///
    /// ## Example
    /// The target moved to "Accounting and Finance", but the entry says:
    /// ```yaml
    /// related_article1:
    ///     id: 140677
    ///     subject: Business and Management
    /// ```
    /// Use instead: `subject: Accounting and Finance` (and the new url).
    pub struct StaleReference {
        name: "stale-reference",
        severity: Error,
        fix: Safe,
        stage: Corpus,
    }
}

impl Rule for StaleReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_corpus(&self, cx: &mut CorpusContext) {
        let index = cx.index;
        let collections = &cx.settings.collections;
        // What a target is called, by collection: the config's words.
        let nouns: Vec<String> = collections.iter().map(|c| c.member_noun()).collect();
        // Files are independent: check them in parallel, report in order.
        let found: Vec<(usize, Diagnostic)> = index
            .files
            .par_iter()
            .enumerate()
            .flat_map_iter(|(file, indexed)| {
                let collection = collections.get(indexed.summary.collection);
                collection
                    .map(|c| stale_in(index, indexed, c, &nouns))
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |d| (file, d))
            })
            .collect();
        for (file, diagnostic) in found {
            cx.report(file, diagnostic);
        }
    }
}

/// The stale-reference findings of one file of `collection`.
fn stale_in(
    index: &Index,
    indexed: &IndexedFile,
    collection: &Collection,
    nouns: &[String],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entry in &indexed.summary.refs {
        let Some(id) = &entry.id else { continue };
        let Some(spec) = entry.spec(collection) else {
            continue;
        };
        let holders = index.holders(entry.target, &id.value);
        // Most entries are current: check that without allocating.
        if holders
            .iter()
            .any(|&t| stale_count(&entry.mirrors, spec, index, t) == 0)
        {
            continue;
        }
        // The holder the entry matches best; ties go to the first in path
        // order.
        let Some((target, stale)) = holders
            .iter()
            .map(|&t| (t, stale_fields(&entry.mirrors, spec, index, t)))
            .min_by_key(|(_, stale)| stale.len())
        else {
            continue;
        };
        let target_path = &index.files[target].path;
        let key = entry.key(spec);
        for (mirror, current) in stale {
            let (entry_field, target_field) = (mirror.entry_field(spec), mirror.target_field(spec));
            let mut diagnostic = Diagnostic::new(
                mirror.location.span,
                format!(
                    "`{key}.{entry_field}` is stale: {} {} has {target_field} `{current}`",
                    nouns.get(entry.target).map_or("document", String::as_str),
                    id.value,
                ),
            )
            .with_field(format!("{key}.{entry_field}"))
            .with_label(format!("expected `{current}`"))
            .with_help(format!(
                "set it to `{current}` (the current {target_field} of {})",
                target_path.display()
            ));
            diagnostic.location = mirror.location;
            diagnostic.fix = mirror.slot(entry).map(|slot| Fix {
                message: format!("set `{key}.{entry_field}` to `{current}`"),
                applicability: Applicability::Safe,
                edits: vec![slot.replace(current)],
            });
            out.push(diagnostic);
        }
    }
    out
}

fn stale_count(mirrors: &[Mirror], spec: &References, index: &Index, target: usize) -> usize {
    mirrors
        .iter()
        .filter(|m| {
            index
                .field_value(target, m.target_field(spec))
                .is_some_and(|(_, hash)| hash != m.hash)
        })
        .count()
}

/// The entry's mirrors that differ from file `target`, with the target's
/// value. A field the target lacks cannot be stale.
fn stale_fields<'i>(
    mirrors: &'i [Mirror],
    spec: &References,
    index: &'i Index,
    target: usize,
) -> Vec<(&'i Mirror, &'i str)> {
    mirrors
        .iter()
        .filter_map(|m| {
            let (current, hash) = index.field_value(target, m.target_field(spec))?;
            (hash != m.hash).then_some((m, current))
        })
        .collect()
}
