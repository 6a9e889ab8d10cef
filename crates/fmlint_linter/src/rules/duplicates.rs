//! `duplicate-id`, `duplicate-url` and `duplicate-value`: a value that must
//! be unique in its collection, held by several files. Every holder gets a
//! finding that names the others, with related locations in them.

use std::borrow::Cow;

use crate::diagnostic::{Diagnostic, Location, Related};
use crate::index::Index;
use crate::rule::{declare_rule, CorpusContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an id used by two or more files. Every holder is reported,
    /// and each report names the other files.
    ///
    /// ## Why is this bad
    /// References resolve by id: with two holders, "related article 140672"
    /// is ambiguous, and the site builds one of the pages at random. It
    /// usually means an article was copied into a second subject.
    ///
    /// ## Example
    /// `accounting/what-is-a-ledger.md` and `business/what-is-a-ledger.md`
    /// both with `id: 140672`.
    /// Use instead: delete the copy, or give it a new id.
    pub struct DuplicateId {
        name: "duplicate-id",
        severity: Error,
        fix: None,
        stage: Corpus,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a URL used by two or more files. Every holder is reported,
    /// and each report names the other files.
    ///
    /// ## Why is this bad
    /// Two pages cannot live at one address: one of them is silently
    /// overwritten when the site is built.
    ///
    /// ## Example
    /// Two articles with `url: /learn/physics/questions/what-is-light`.
    /// Use instead: one article per URL.
    pub struct DuplicateUrl {
        name: "duplicate-url",
        severity: Error,
        fix: None,
        stage: Corpus,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a value of a field the config lists as `unique` (other than
    /// the id field and `url`) that two or more files of the collection
    /// share. Every holder is reported, and each report names the other
    /// files.
    ///
    /// ## Why is this bad
    /// Fields such as a slug or a permalink name one page: two files with
    /// the same one are built to the same place, and one silently wins.
    ///
    /// ## Example
    /// With `unique = ["slug"]`, two posts with `slug: hello-world`.
    /// Use instead: one slug per post.
    pub struct DuplicateValue {
        name: "duplicate-value",
        severity: Error,
        fix: None,
        stage: Corpus,
    }
}

impl Rule for DuplicateValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_corpus(&self, cx: &mut CorpusContext) {
        report_duplicates(cx, Self::META.name);
    }
}

impl Rule for DuplicateId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_corpus(&self, cx: &mut CorpusContext) {
        report_duplicates(cx, Self::META.name);
    }
}

impl Rule for DuplicateUrl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_corpus(&self, cx: &mut CorpusContext) {
        report_duplicates(cx, Self::META.name);
    }
}

/// One file holding a repeated value.
#[derive(Clone)]
struct Holder {
    file: usize,
    location: Location,
    value: String,
    /// The value is an element of a list (`aliases`).
    listed: bool,
}

/// Reports every unique-field group filed under `rule`.
fn report_duplicates(cx: &mut CorpusContext, rule: &str) {
    let index = cx.index;
    let mut groups: Vec<(String, Vec<Holder>)> = Vec::new();
    let uniques = cx.settings.collections.iter().flat_map(|c| {
        c.unique
            .iter()
            .filter(|u| u.rule == rule)
            .map(move |u| (c, u.field.as_str()))
    });
    for (collection, field) in uniques {
        let found = if field == collection.id_field {
            id_groups(index, collection.index)
        } else {
            value_groups(index, collection.index, field)
        };
        groups.extend(found.into_iter().map(|g| (field.to_string(), g)));
    }
    for (field, holders) in groups {
        if holders.len() < 2 {
            continue;
        }
        for (i, holder) in holders.iter().enumerate() {
            cx.report(holder.file, duplicate_finding(index, &holders, i, &field));
        }
    }
}

/// The files of a collection sharing an id, one group per id.
fn id_groups(index: &Index, collection: usize) -> Vec<Vec<Holder>> {
    index
        .duplicate_ids(collection)
        .map(|(_, holders)| {
            holders
                .iter()
                .filter_map(|&f| {
                    let id = index.files[f].summary.id.as_ref()?;
                    Some(Holder {
                        file: f,
                        location: id.location,
                        value: id.value.clone(),
                        listed: false,
                    })
                })
                .collect()
        })
        .collect()
}

/// The places in a collection's files sharing a value of `field`, one
/// group per value held by more than one file.
fn value_groups(index: &Index, collection: usize, field: &str) -> Vec<Vec<Holder>> {
    let mut groups = Vec::new();
    for (hash, holders) in index.duplicate_values(collection, field) {
        // Holders share a hash; group by the actual text. A list holds a
        // value once per equal element.
        let mut located: Vec<Holder> = holders
            .iter()
            .flat_map(|&f| {
                let summary = &index.files[f].summary;
                let listed = summary.listed().iter().any(|l| &**l == field);
                summary
                    .fields
                    .iter()
                    .zip(&summary.field_hashes)
                    .filter(move |((name, _), &h)| &**name == field && h == hash)
                    .map(move |((_, v), _)| Holder {
                        file: f,
                        location: v.location,
                        value: v.value.clone(),
                        listed,
                    })
            })
            .collect();
        located.sort_by(|a, b| a.value.cmp(&b.value).then(a.file.cmp(&b.file)));
        for chunk in located.chunk_by(|a, b| a.value == b.value) {
            // Two equal elements of one file's list and no other holder:
            // not a duplicate across files.
            if chunk.iter().any(|h| h.file != chunk[0].file) {
                groups.push(chunk.to_vec());
            }
        }
    }
    groups
}

/// The finding at holder `i` of a group, naming the other files.
fn duplicate_finding(index: &Index, holders: &[Holder], i: usize, field: &str) -> Diagnostic {
    let Holder {
        file,
        location,
        value,
        listed,
    } = &holders[i];
    // Other files only: a list may repeat its own element.
    let others: Vec<_> = holders
        .iter()
        .enumerate()
        .filter(|&(j, h)| j != i && h.file != *file)
        .map(|(_, h)| h)
        .collect();
    let mut names: Vec<String> = others
        .iter()
        .map(|h| index.files[h.file].path.display().to_string())
        .collect();
    names.dedup();
    let more = match names.len().saturating_sub(3) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    names.truncate(3);
    let (message, help) = if *listed {
        (
            format!(
                "`{value}` in `{field}` is also claimed by {}{more}",
                names.join(", ")
            ),
            format!(
                "no two files may list the same value in `{field}`: remove it from all but one of them"
            ),
        )
    } else {
        (
            format!(
                "{field} `{value}` is also used by {}{more}",
                names.join(", ")
            ),
            format!("each {field} must be unique: keep one of these files or change its {field}"),
        )
    };
    let mut diagnostic = Diagnostic::new(location.span, message)
        .with_field(field.to_string())
        .with_help(help);
    diagnostic.location = *location;
    for other in others {
        diagnostic = diagnostic.with_related(Related {
            path: index.files[other.file].path.clone(),
            location: other.location,
            message: Cow::Owned(format!("{field} `{value}` also here")),
        });
    }
    diagnostic
}
