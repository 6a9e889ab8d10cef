//! What a corpus looks like: one [`Collection`] per kind of document, with
//! every convention the rules read (schema, identity fields, templates,
//! dates, references). The built-in QuickTakes preset is one value here; no
//! rule names a QuickTakes field.

use crate::dates::DateFormat;
use crate::diagnostic::Applicability;
use crate::frontmatter::{Entry, Node};
use crate::template::Template;

#[derive(Clone, Debug)]
pub struct Collection {
    pub name: String,
    /// A built-in schema's name (`quicktakes-article`).
    pub schema: Option<String>,
    /// The field that identifies a document for references.
    pub id_field: String,
    /// Fields whose value must be unique across the corpus, each with the
    /// rule that reports a repeat.
    pub unique: Vec<Unique>,
    pub dates: Vec<DateField>,
    /// Fields holding a display pattern such as `MMM DD, YYYY`.
    pub display_formats: Vec<String>,
    pub checks: Vec<Check>,
    pub references: Option<References>,
}

#[derive(Clone, Debug)]
pub struct Unique {
    pub field: String,
    pub rule: &'static str,
}

#[derive(Clone, Debug)]
pub struct DateField {
    pub field: String,
    pub format: DateFormat,
}

/// "`field` must equal `expected`", reported under `rule`.
#[derive(Clone, Debug)]
pub struct Check {
    pub rule: &'static str,
    /// The field checked; the diagnostic points at its value.
    pub field: String,
    /// What is compared, when it is not the field's own value (the file's
    /// folder, say).
    pub actual: Option<Template>,
    pub expected: Template,
    /// Names what `actual` is, for messages ("the file's folder").
    pub actual_name: Option<String>,
    /// Whether setting the field to the expected value is a safe fix, an
    /// unsafe one, or no fix at all.
    pub fix: Option<Applicability>,
}

/// Numbered reference maps such as `related_article1 … related_articleN`.
#[derive(Clone, Debug)]
pub struct References {
    /// The key before the number.
    pub prefix: String,
    /// The key inside each entry that holds the target's id.
    pub id: String,
    /// Entry key → target field that it must mirror.
    pub mirror: Vec<(String, String)>,
}

impl References {
    /// The number of a reference key (`related_article3` → 3), if `key` is
    /// one: the prefix followed by digits without a leading zero.
    pub fn number(&self, key: &str) -> Option<u32> {
        let digits = key.strip_prefix(&self.prefix)?;
        if digits.is_empty()
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        digits.parse().ok()
    }

    pub fn key(&self, n: u32) -> String {
        format!("{}{n}", self.prefix)
    }

    /// The reference entries of a document, in document order, with their
    /// numbers.
    pub fn entries<'t, 'a>(&self, root: &'t Node<'a>) -> Vec<(u32, &'t Entry<'a>)> {
        root.entries()
            .iter()
            .filter_map(|e| Some((self.number(&e.key.text)?, e)))
            .collect()
    }

    /// Entry keys that mirror a field unique across the corpus (`url`): an
    /// entry whose value equals the document's own points at itself.
    pub fn identifying_mirrors<'s>(
        &'s self,
        unique: &'s [Unique],
    ) -> impl Iterator<Item = &'s (String, String)> {
        self.mirror
            .iter()
            .filter(move |(_, target)| unique.iter().any(|u| &u.field == target))
    }
}

fn template(source: &str) -> Template {
    // The preset's templates are literals of this file, covered by
    // `quicktakes_templates_parse`.
    Template::parse(source).expect("built-in template")
}

fn check(rule: &'static str, field: &str, expected: &str, fix: Option<Applicability>) -> Check {
    Check {
        rule,
        field: field.into(),
        actual: None,
        expected: template(expected),
        actual_name: None,
        fix,
    }
}

/// The QuickTakes article: the built-in default.
pub fn quicktakes() -> Collection {
    use Applicability::{Safe, Unsafe};
    Collection {
        name: "articles".into(),
        schema: Some("quicktakes-article".into()),
        id_field: "id".into(),
        unique: vec![
            Unique {
                field: "id".into(),
                rule: "duplicate-id",
            },
            Unique {
                field: "url".into(),
                rule: "duplicate-url",
            },
        ],
        dates: vec![DateField {
            field: "date".into(),
            format: DateFormat::Pattern("%Y-%m-%d".into()),
        }],
        display_formats: vec!["date_format".into()],
        checks: vec![
            // URLs are public: changing one is a decision, not a cleanup.
            check(
                "url-mismatch",
                "url",
                "/learn/{subject|slug}/questions/{title|slug}",
                Some(Unsafe),
            ),
            // Safe only when the file's name and the URL agree (see the
            // consistency rules).
            check("file-name-mismatch", "file_name", "{path.name}", Some(Safe)),
            check(
                "file-name-mismatch",
                "file_name",
                "{url|last_segment}.md",
                Some(Safe),
            ),
            Check {
                actual: Some(template("{path.parent}")),
                actual_name: Some("the file's folder".into()),
                ..check("path-mismatch", "url", "{url|segment:2}", None)
            },
            // Which of the title copies is right is for a human to say.
            check("title-mismatch", "article_title", "{title}", Some(Unsafe)),
            check("title-mismatch", "question", "{title}", Some(Unsafe)),
            check(
                "seo-title-mismatch",
                "seo.title",
                "QuickTakes | {subject}",
                Some(Safe),
            ),
        ],
        references: Some(References {
            prefix: "related_article".into(),
            id: "id".into(),
            mirror: vec![
                ("title".into(), "title".into()),
                ("subject".into(), "subject".into()),
                ("url".into(), "url".into()),
            ],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quicktakes_templates_parse() {
        let preset = quicktakes();
        assert_eq!(preset.checks.len(), 7);
    }

    #[test]
    fn reference_numbers() {
        let refs = quicktakes().references.unwrap();
        assert_eq!(refs.number("related_article12"), Some(12));
        assert_eq!(refs.number("related_article"), None);
        assert_eq!(refs.number("related_article01"), None);
        assert_eq!(refs.number("related_articles"), None);
    }
}
