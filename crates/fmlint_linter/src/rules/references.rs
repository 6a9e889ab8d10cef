//! Per-file reference rules: `self-reference`, `duplicate-reference` and
//! `reference-numbering`. They read the collection's reference specs
//! (`related_articleN` maps with an `id` for QuickTakes, a list of ids
//! elsewhere).

use std::collections::{HashMap, HashSet};

use crate::collection::{RefBy, References};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Span};
use crate::index::{id_key, page_key, resolve_page};
use crate::rule::{declare_rule, FileContext, Rule, RuleMeta};
use fmlint_syntax::Entry;
use fmlint_syntax::Node;

/// The lines an entry occupies, from its key's line to the end of its
/// value's last line (line break included).
mod renumbering;

fn entry_lines(text: &str, entry: &Entry) -> Span {
    let start = text[..entry.key.span.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let value_end = entry.value.span.end.max(entry.key.span.end) as usize;
    let end = text[value_end..]
        .find('\n')
        .map_or(text.len(), |i| value_end + i + 1);
    Span::new(start, end)
}

declare_rule! {
    /// ## What it does
    /// Reports a reference entry that points at the article itself, by id
    /// or by URL, or a reference by path that names the page's own file.
    ///
    /// ## Why is this bad
    /// A "related articles" box that links to the page you are reading is a
    /// wasted slot and looks broken.
    ///
    /// ## Example
    /// In the article with `id: 140672`:
    /// ```yaml
    /// related_article1:
    ///     id: 140672
    /// ```
    /// Use instead: another article's id, or remove the entry.
    pub struct SelfReference {
        name: "self-reference",
        severity: Error,
        fix: None,
        stage: File,
    }
}

impl Rule for SelfReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_file(&self, cx: &mut FileContext) {
        let collection = cx.collection;
        let own_id = cx.root.get(&collection.id_field).and_then(id_key);
        let mut findings = Vec::new();
        self_by_path(cx, &mut findings);
        // Only references into the document's own collection can name it.
        let specs = collection
            .references
            .iter()
            .filter(|r| r.target == collection.index && matches!(r.by, RefBy::Id));
        for refs in specs {
            for item in refs.items(cx.root) {
                let key = &item.name;
                if let (Some(own), Some(id_node)) = (&own_id, item.id) {
                    if id_key(id_node).as_ref() == Some(own) {
                        findings.push(
                            Diagnostic::new(
                                id_node.span,
                                format!(
                                    "`{key}` refers to this {} itself (id {own})",
                                    collection.member_noun()
                                ),
                            )
                            .with_field(item.id_path.clone())
                            .with_help(format!(
                                "point it at another {} or remove the entry",
                                collection.member_noun()
                            )),
                        );
                        continue;
                    }
                }
                let Some(entry) = item.entry else { continue };
                self_by_mirror(cx, refs, entry, key, &mut findings);
            }
        }
        for finding in findings {
            cx.report(finding);
        }
    }
}

/// A reference by path that resolves to the document's own page.
fn self_by_path(cx: &FileContext, findings: &mut Vec<Diagnostic>) {
    let Some(own) = page_key(cx.path) else { return };
    for refs in &cx.collection.references {
        let RefBy::Path(base) = &refs.by else {
            continue;
        };
        for item in refs.items(cx.root) {
            let Some(node) = item.id else { continue };
            let Some(text) = node.as_str() else { continue };
            if resolve_page(text, cx.path, base).is_ok_and(|page| page == own) {
                findings.push(
                    Diagnostic::new(
                        node.span,
                        format!("`{}` names this page itself (`{text}`)", item.name),
                    )
                    .with_field(item.id_path.clone())
                    .with_help("point it at another page or remove it"),
                );
            }
        }
    }
}

/// What a reference value is compared by for repeats: the page it names
/// for a reference by path (`/a` and `/a.md` are one page), else its id.
fn repeat_key(cx: &FileContext, refs: &References, node: &Node) -> Option<String> {
    match &refs.by {
        RefBy::Path(base) => resolve_page(node.as_str()?, cx.path, base).ok(),
        RefBy::Id | RefBy::Url(_) => id_key(node),
    }
}

/// A numbered entry whose identifying mirror (its `url`) is the document's
/// own.
fn self_by_mirror(
    cx: &FileContext,
    refs: &References,
    entry: &Entry,
    key: &str,
    findings: &mut Vec<Diagnostic>,
) {
    for (entry_field, target_field) in refs.identifying_mirrors(&cx.collection.unique) {
        let own = cx.root.lookup(target_field).and_then(|n| n.as_str());
        let Some(node) = entry.value.get(entry_field) else {
            continue;
        };
        if own.is_some() && node.as_str() == own {
            let noun = cx.collection.member_noun();
            findings.push(
                Diagnostic::new(
                    node.span,
                    format!("`{key}` refers to this {noun} itself by its `{target_field}`"),
                )
                .with_field(format!("{key}.{entry_field}"))
                .with_help(format!("point it at another {noun} or remove the entry")),
            );
            break;
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a reference entry whose id an earlier entry of the same
    /// article already lists (one finding per repeat).
    ///
    /// ## Why is this bad
    /// The same article shows up twice in the "related" box, pushing out a
    /// real recommendation.
    ///
    /// ## Example
    /// ```yaml
    /// related_article1:
    ///     id: 140674
    /// related_article2:
    ///     id: 140674
    /// ```
    /// Use instead: remove `related_article2` and renumber the rest.
    pub struct DuplicateReference {
        name: "duplicate-reference",
        severity: Error,
        fix: Safe,
        stage: File,
    }
}

impl Rule for DuplicateReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_file(&self, cx: &mut FileContext) {
        let mut findings = Vec::new();
        for refs in &cx.collection.references {
            duplicates_in(cx, refs, &mut findings);
        }
        for finding in findings {
            cx.report(finding);
        }
    }
}

/// The repeated ids of one reference spec.
fn duplicates_in(cx: &FileContext, refs: &References, findings: &mut Vec<Diagnostic>) {
    let mut first: HashMap<String, String> = HashMap::new();
    let entries = refs.entries(cx.root);
    for item in refs.items(cx.root) {
        let Some(id_node) = item.id else { continue };
        let Some(id) = repeat_key(cx, refs, id_node) else {
            continue;
        };
        let key = item.name.as_str();
        let Some(earlier) = first.get(&id) else {
            first.insert(id, key.to_string());
            continue;
        };
        let message = match refs.by {
            RefBy::Path(_) => {
                format!("`{key}` names the page `{earlier}` already names (`{id}`)")
            }
            RefBy::Id | RefBy::Url(_) => {
                format!("`{key}` repeats id {id}, already listed as `{earlier}`")
            }
        };
        let diagnostic = Diagnostic::new(id_node.span, message).with_field(item.id_path.clone());
        let (Some(entry), Some(number)) = (item.entry, item.number) else {
            // A list item: which copy to keep is the author's call.
            findings.push(diagnostic.with_help(format!("remove `{key}`")));
            continue;
        };
        // Remove the entry; the entries numbered after it move up.
        let mut edits = vec![Edit {
            span: entry_lines(cx.text, entry),
            replacement: String::new(),
        }];
        edits.extend(
            entries
                .iter()
                .filter(|(n, _)| *n > number)
                .map(|(n, later)| Edit {
                    span: later.key.span,
                    replacement: refs.key(n - 1),
                }),
        );
        findings.push(
            diagnostic
                .with_help(format!("remove `{key}` and renumber the entries after it"))
                .with_fix(Fix {
                    message: format!("remove `{key}` and renumber the entries after it"),
                    applicability: Applicability::Safe,
                    edits,
                }),
        );
    }
}

declare_rule! {
    /// ## What it does
    /// Checks that reference keys are numbered 1..N without gaps
    /// (`related_article1`, `related_article2`, …). Reported once per
    /// article, at the first key out of sequence.
    ///
    /// The fix renames as few keys as it can and keeps the order the
    /// author wrote: it never swaps two entries written in order (the
    /// earlier one in the file with the lower number). With keys 1, 7, 3, 4,
    /// 5 it renames `related_article7` alone, to `related_article2`.
    ///
    /// ## Why is this bad
    /// Templates loop from 1 until a key is missing: after a gap, the
    /// remaining entries are never shown.
    ///
    /// ## Example
    /// ```yaml
    /// related_article1: …
    /// related_article3: …
    /// ```
    /// Use instead: rename `related_article3` to `related_article2`.
    pub struct ReferenceNumbering {
        name: "reference-numbering",
        severity: Error,
        fix: Safe,
        stage: File,
    }
}

impl Rule for ReferenceNumbering {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_file(&self, cx: &mut FileContext) {
        let mut findings = Vec::new();
        for refs in &cx.collection.references {
            findings.extend(numbering(cx, refs));
        }
        for finding in findings {
            cx.report(finding);
        }
    }
}

/// The first key out of sequence of one numbered reference spec, with the
/// fix that renumbers the entries 1..N.
fn numbering(cx: &FileContext, refs: &References) -> Option<Diagnostic> {
    let all = refs.entries(cx.root);
    // Repeated keys are `duplicate-key`'s: count each number once, at its
    // first place in the file.
    let mut seen = HashSet::new();
    let entries: Vec<_> = all.iter().filter(|(n, _)| seen.insert(*n)).collect();
    let numbers: Vec<u32> = entries.iter().map(|(n, _)| *n).collect();
    let target = renumbering::renumber(&numbers);
    let position = (0..numbers.len()).find(|&i| numbers[i] != target[i])?;
    let entry = entries[position].1;
    let key = &entry.key.text;
    let expected = refs.key(target[position]);
    let message = match position {
        0 if target[0] == 1 => {
            format!("references must start at `{expected}`, found `{key}`")
        }
        0 => format!(
            "`{key}` is out of sequence: references must be numbered 1..{} without gaps",
            numbers.len()
        ),
        _ => format!(
            "`{key}` follows `{}`: references must be numbered without gaps",
            entries[position - 1].1.key.text
        ),
    };
    // Ambiguous when a number repeats: which copy is meant?
    let fix = (all.len() == entries.len()).then(|| Fix {
        message: format!("renumber the references 1..{}", entries.len()),
        applicability: Applicability::Safe,
        edits: entries
            .iter()
            .zip(&target)
            .filter(|((n, _), new)| n != *new)
            .map(|((_, e), new)| Edit {
                span: e.key.span,
                replacement: refs.key(*new),
            })
            .collect(),
    });
    let mut diagnostic = Diagnostic::new(entry.key.span, message)
        .with_field(key.to_string())
        .with_help(format!("rename `{key}` to `{expected}`"));
    diagnostic.fix = fix;
    Some(diagnostic)
}
