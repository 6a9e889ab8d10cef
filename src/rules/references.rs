//! Per-file reference rules: `self-reference`, `duplicate-reference` and
//! `reference-numbering`. They read the collection's reference convention
//! (`related_articleN` maps with an `id` for QuickTakes).

use std::collections::HashMap;

use super::{declare_rule, FileContext, Rule, RuleMeta};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Span};
use crate::frontmatter::Entry;
use crate::index::id_key;

/// The lines an entry occupies, from its key's line to the end of its
/// value's last line (line break included).
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
    /// or by URL.
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
        let collection = &cx.settings.collection;
        let Some(refs) = &collection.references else {
            return;
        };
        let own_id = cx.root.get(&collection.id_field).and_then(id_key);
        let mut findings = Vec::new();
        for (_, entry) in refs.entries(cx.root) {
            let key = &entry.key.text;
            if let (Some(own), Some(id_node)) = (&own_id, entry.value.get(&refs.id)) {
                if id_key(id_node).as_ref() == Some(own) {
                    findings.push(
                        Diagnostic::new(
                            id_node.span,
                            format!("`{key}` refers to this article itself (id {own})"),
                        )
                        .with_field(format!("{key}.{}", refs.id))
                        .with_help("point it at another article or remove the entry"),
                    );
                    continue;
                }
            }
            for (entry_field, target_field) in refs.identifying_mirrors(&collection.unique) {
                let own = cx.root.lookup(target_field).and_then(|n| n.as_str());
                let Some(node) = entry.value.get(entry_field) else {
                    continue;
                };
                if own.is_some() && node.as_str() == own {
                    findings.push(
                        Diagnostic::new(
                            node.span,
                            format!(
                                "`{key}` refers to this article itself by its `{target_field}`"
                            ),
                        )
                        .with_field(format!("{key}.{entry_field}"))
                        .with_help("point it at another article or remove the entry"),
                    );
                    break;
                }
            }
        }
        for finding in findings {
            cx.report(finding);
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
        let Some(refs) = &cx.settings.collection.references else {
            return;
        };
        let mut first: HashMap<String, &str> = HashMap::new();
        let mut findings = Vec::new();
        let entries = refs.entries(cx.root);
        for &(number, entry) in &entries {
            let Some(id_node) = entry.value.get(&refs.id) else {
                continue;
            };
            let Some(id) = id_key(id_node) else { continue };
            let key = entry.key.text.as_ref();
            if let Some(earlier) = first.get(&id) {
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
                    Diagnostic::new(
                        id_node.span,
                        format!("`{key}` repeats id {id}, already listed as `{earlier}`"),
                    )
                    .with_field(format!("{key}.{}", refs.id))
                    .with_help(format!("remove `{key}` and renumber the entries after it"))
                    .with_fix(Fix {
                        message: format!("remove `{key}` and renumber the entries after it"),
                        applicability: Applicability::Safe,
                        edits,
                    }),
                );
            } else {
                first.insert(id, key);
            }
        }
        for finding in findings {
            cx.report(finding);
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Checks that reference keys are numbered 1..N without gaps
    /// (`related_article1`, `related_article2`, …). Reported once per
    /// article, at the first key out of sequence.
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
        let Some(refs) = &cx.settings.collection.references else {
            return;
        };
        let mut entries = refs.entries(cx.root);
        entries.sort_by_key(|&(n, e)| (n, e.key.span));
        // Repeated keys are `duplicate-key`'s; count each number once.
        entries.dedup_by_key(|&mut (n, _)| n);
        let Some((position, &(_, entry))) = entries
            .iter()
            .enumerate()
            .find(|&(i, &(n, _))| n as usize != i + 1)
        else {
            return;
        };
        let expected = refs.key(position as u32 + 1);
        // Renumber every entry in order; ambiguous when a number repeats.
        let fix = (refs.entries(cx.root).len() == entries.len()).then(|| Fix {
            message: format!("renumber the references 1..{}", entries.len()),
            applicability: Applicability::Safe,
            edits: entries
                .iter()
                .enumerate()
                .filter(|&(i, &(n, _))| n as usize != i + 1)
                .map(|(i, (_, e))| Edit {
                    span: e.key.span,
                    replacement: refs.key(i as u32 + 1),
                })
                .collect(),
        });
        let message = if position == 0 {
            format!(
                "references must start at `{expected}`, found `{}`",
                entry.key.text
            )
        } else {
            format!(
                "`{}` follows `{}`: references must be numbered without gaps",
                entry.key.text,
                refs.key(entries[position - 1].0)
            )
        };
        let mut diagnostic = Diagnostic::new(entry.key.span, message)
            .with_field(entry.key.text.to_string())
            .with_help(format!("rename `{}` to `{expected}`", entry.key.text));
        diagnostic.fix = fix;
        cx.report(diagnostic);
    }
}
