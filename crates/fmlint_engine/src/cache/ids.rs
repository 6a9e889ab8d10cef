//! Article ids as the cache remembers them: a file's own id, the ids its
//! references name, and what other files mirror of it.

use fmlint_linter::diagnostic::Span;
use fmlint_linter::index::{Summary, PAGES};

/// An id of a collection: `(collection, id)`.
pub type Id = (usize, String);

/// The ids a summary's references name.
pub(super) fn ref_ids(summary: &Summary) -> Vec<Id> {
    summary
        .refs
        .iter()
        .filter_map(|r| Some((r.target, r.id.as_ref()?.value.clone())))
        .collect()
}

/// The id named by the reference entry of `summary` that holds `span`
/// (a cross-file finding's place): which article the finding is about.
pub fn referenced_id(summary: &Summary, span: Span) -> Option<Id> {
    summary.refs.iter().find_map(|entry| {
        let id = entry.id.as_ref()?;
        let spans = entry
            .mirrors
            .iter()
            .map(|m| m.location.span)
            .chain([id.location.span, entry.key_location.span]);
        let (start, end) = spans.fold((u32::MAX, 0), |(start, end), s| {
            (start.min(s.start), end.max(s.end))
        });
        (start..=end)
            .contains(&span.start)
            .then(|| (entry.target, id.value.clone()))
    })
}

/// A file's own id, if it has one, and its page path when references name
/// pages by path (keyed under [`PAGES`]): a rename or delete breaks the
/// files that name the old path.
pub(crate) fn own_id(summary: Option<&Summary>) -> Vec<Id> {
    let Some(s) = summary else {
        return Vec::new();
    };
    let id = s.id.as_ref().map(|id| (s.collection, id.value.clone()));
    let page = s.page().map(|page| (PAGES, page.to_string()));
    id.into_iter().chain(page).collect()
}

/// What other files mirror of a file: its id and indexed values.
/// (collection, id, indexed values) of a summary.
pub type Identity<'s> = (usize, Option<&'s str>, Vec<(&'s str, &'s str)>);

pub(super) fn identity(summary: Option<&Summary>) -> Option<Identity<'_>> {
    let summary = summary?;
    Some((
        summary.collection,
        summary.id.as_ref().map(|id| id.value.as_str()),
        summary
            .fields
            .iter()
            .map(|(field, value)| (&**field, value.value.as_str()))
            .collect(),
    ))
}
