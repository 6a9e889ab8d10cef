//! `dangling-reference`: a reference to an id that no document has.

use crate::collection::References;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::hash::hash_str;
use crate::index::{Index, Located, RefEntry, RefKind};
use crate::rule::{declare_rule, CorpusContext, Rule, RuleMeta};
use fmlint_syntax::emit::double_quoted;

declare_rule! {
    /// ## What it does
    /// Reports a reference entry whose id no article in the corpus has. When
    /// the entry's URL (or title) belongs to an existing article, the
    /// message names that article's id.
    ///
    /// References by path (`by = "path"`, GitHub Docs' `children`) dangle
    /// when no page is at the path (tried as is and with `.md`, `.mdx`,
    /// `/index.md`, `/_index.md`); when a page of the same name is
    /// elsewhere (it moved), the message names it. References by URL
    /// (`by = "url"`) dangle when no page has that URL.
    ///
    /// ## Why is this bad
    /// The "related articles" box links to a page that no longer exists, or
    /// silently drops the slot.
    ///
    /// ## Example
    /// ```yaml
    /// related_article2:
    ///     id: 99999
    ///     url: /learn/physics/questions/what-is-light
    /// ```
    /// Use instead: the id of the article at that URL, or remove the entry.
    pub struct DanglingReference {
        name: "dangling-reference",
        severity: Error,
        fix: Unsafe,
        stage: Corpus,
    }
}

impl Rule for DanglingReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_corpus(&self, cx: &mut CorpusContext) {
        let index = cx.index;
        for (file, indexed) in index.files.iter().enumerate() {
            let own = cx.collection(indexed.summary.collection);
            for entry in &indexed.summary.refs {
                let Some(id) = &entry.id else { continue };
                let Some(spec) = entry.spec(own) else {
                    continue;
                };
                match entry.by() {
                    RefKind::Id => {}
                    RefKind::Path => {
                        if index.pages(&id.value).is_empty() {
                            cx.report(file, dangling_path(index, entry, spec, id));
                        }
                        continue;
                    }
                    RefKind::Url(field) => {
                        let holders = index.with_value(entry.target, field, hash_str(&id.value));
                        // Holders share a hash; one must hold the text.
                        let found = holders.iter().any(|&h| {
                            index.files[h]
                                .summary
                                .field(field)
                                .is_some_and(|v| v.value == id.value)
                        });
                        if !found {
                            let target = cx.collection(entry.target);
                            cx.report(file, dangling_url(entry, spec, id, field, &target.name));
                        }
                        continue;
                    }
                }
                if !index.holders(entry.target, &id.value).is_empty() {
                    continue;
                }
                let target = cx.collection(entry.target);
                // Mirrors of a field unique in the target (a url) identify
                // an article best.
                let identifying = |field: &str| target.unique.iter().any(|u| u.field == field);
                // A suggestion: the article at this entry's url, else one
                // with this entry's title.
                let mut mirrors: Vec<_> = entry.mirrors.iter().collect();
                mirrors.sort_by_key(|m| !identifying(m.target_field(spec)));
                // Only a value held by exactly one article identifies it (a
                // subject does not).
                let suggestion = mirrors.iter().find_map(|m| {
                    let target_field = m.target_field(spec);
                    let &[holder] = index.with_value(entry.target, target_field, m.hash) else {
                        return None;
                    };
                    let target_id = index.files[holder].summary.id.as_ref()?;
                    Some((
                        format!(
                            "did you mean {}? it is the {} with this {}",
                            target_id.value,
                            target.member_noun(),
                            target_field
                        ),
                        target_id.value.as_str(),
                    ))
                });
                let noun = target.member_noun();
                let key = entry.key(spec);
                let nobody = format!("no {noun} has");
                let message = match &suggestion {
                    Some((s, _)) => {
                        format!("`{key}` refers to id {}, which {nobody}; {s}", id.value)
                    }
                    None => format!("`{key}` refers to id {}, which {nobody}", id.value),
                };
                let mut diagnostic = Diagnostic::new(id.location.span, message)
                    .with_field(entry.id_path(spec))
                    .with_help(match suggestion {
                        Some(_) => {
                            format!("set the id to the suggested {noun}'s, or remove the entry")
                        }
                        None => format!("point the entry at an existing {noun}, or remove it"),
                    });
                diagnostic.location = id.location;
                // Unsafe: the url may be the stale part, not the id.
                diagnostic.fix = suggestion.map(|(_, target_id)| Fix {
                    message: format!("set the id to {target_id}"),
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        span: id.location.span,
                        replacement: if target_id.parse::<i64>().is_ok() {
                            target_id.to_string()
                        } else {
                            double_quoted(target_id)
                        },
                    }],
                });
                cx.report(file, diagnostic);
            }
        }
    }
}

/// A path reference that names no page; a page of the same name elsewhere
/// (a moved file) is suggested.
fn dangling_path(
    index: &Index,
    entry: &RefEntry,
    spec: &References,
    id: &Located<String>,
) -> Diagnostic {
    let key = entry.key(spec);
    let written = entry.written().unwrap_or(&id.value);
    let name = id.value.rsplit('/').next().unwrap_or("");
    let moved: Vec<String> = if name.is_empty() || name == ".." {
        Vec::new()
    } else {
        index
            .files
            .iter()
            .filter(|f| {
                f.summary
                    .page()
                    .is_some_and(|p| p.rsplit('/').next() == Some(name))
            })
            .map(|f| f.path.display().to_string())
            .take(3)
            .collect()
    };
    let looked = if id.value == ".." {
        "it climbs out of the corpus root".to_string()
    } else {
        format!(
            "nothing is at `{}` (.md, .mdx, /index.md or /_index.md)",
            id.value
        )
    };
    let message = match moved.as_slice() {
        [] => format!("`{key}` names `{written}`, but {looked}"),
        found => format!(
            "`{key}` names `{written}`, but {looked}; did you mean {}? a page of that name is there",
            found.join(" or ")
        ),
    };
    let mut diagnostic = Diagnostic::new(id.location.span, message)
        .with_field(entry.id_path(spec))
        .with_help(if moved.is_empty() {
            "point it at an existing page, or remove it"
        } else {
            "point it at the page's new place, or remove it"
        });
    diagnostic.location = id.location;
    diagnostic
}

/// A URL reference that no page of the target collection has.
fn dangling_url(
    entry: &RefEntry,
    spec: &References,
    id: &Located<String>,
    field: &str,
    target: &str,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        id.location.span,
        format!(
            "`{}` names `{}`, but no page of `{target}` has that {field}",
            entry.key(spec),
            id.value
        ),
    )
    .with_field(entry.id_path(spec))
    .with_help(format!("use the {field} of an existing page, or remove it"));
    diagnostic.location = id.location;
    diagnostic
}
