//! Field-consistency rules: a field must equal a template built from other
//! fields and the file's path. The collection lists the checks; each rule
//! here runs the checks filed under its name, so the rule code knows no
//! field names.

use crate::collection::{Check, Matching};
use crate::diagnostic::{Diagnostic, Fix};
use crate::rule::{declare_rule, FileContext, Rule, RuleMeta};
use crate::template::Scope;
use fmlint_syntax::emit::Slot;
use fmlint_syntax::Node;

/// Runs the collection's checks filed under the running rule. A field is
/// reported at most once per rule (the first failing check), so a
/// `file_name` wrong in two ways is one finding.
pub(super) fn run_checks(cx: &mut FileContext) {
    let rule = cx.rule().name;
    let scope = Scope {
        root: cx.root,
        path: cx.path,
    };
    let mut reported: Vec<&str> = Vec::new();
    let mut findings = Vec::new();
    for check in cx.collection.checks.iter().filter(|c| c.rule == rule) {
        if reported.contains(&check.field.as_str()) {
            continue;
        }
        let Some(node) = cx.root.lookup(&check.field) else {
            continue;
        };
        if !check.condition.holds(cx.root) {
            continue;
        }
        let actual = match &check.actual {
            Some(template) => template.render(&scope),
            None => node.as_str().map(str::to_string),
        };
        let (Some(actual), Some(expected)) = (actual, render(check, &scope)) else {
            continue;
        };
        let fits = match &check.pattern {
            Some(pattern) => pattern.is_match(&actual),
            None => matches(&check.matching, &actual, &expected),
        };
        if fits {
            continue;
        }
        reported.push(&check.field);
        let fix = match check.matching {
            Matching::Equal => fix_for(cx, check, node, &expected, &scope),
            Matching::Prefix | Matching::Regex => None,
        };
        let what = match &check.actual_name {
            Some(name) => format!("{name} `{actual}`"),
            None => format!("`{}`", check.field),
        };
        let template = check.expected.as_str();
        let (message, label, help) = match (&check.matching, &check.actual) {
            (Matching::Equal, actual) => (
                format!("{what} does not match `{template}`: expected `{expected}`"),
                format!("expected `{expected}`"),
                match actual {
                    Some(_) => format!("{what} must equal `{template}`"),
                    None => format!("set `{}` to `{expected}`", check.field),
                },
            ),
            (Matching::Prefix, _) => (
                format!("{what} does not start with `{template}`: expected `{expected}…`"),
                format!("expected to start with `{expected}`"),
                format!("make `{}` start with `{expected}`", check.field),
            ),
            (Matching::Regex, _) => (
                match template == expected {
                    true => format!("{what} does not match the pattern `{template}`"),
                    false => format!(
                        "{what} does not match the pattern `{template}` (here `{expected}`)"
                    ),
                },
                format!("expected to match `{expected}`"),
                format!("make `{}` match `{expected}`", check.field),
            ),
        };
        findings.push(
            Diagnostic::new(node.span, message)
                .with_field(check.field.clone())
                .with_label(label)
                .with_help(help),
        );
        if let (Some(fix), Some(last)) = (fix, findings.last_mut()) {
            last.fix = Some(fix);
        }
    }
    for finding in findings {
        cx.report(finding);
    }
}

/// The template rendered for the check: for a regex, placeholders are
/// inserted as literal text.
fn render(check: &Check, scope: &Scope) -> Option<String> {
    match check.matching {
        Matching::Regex => check.expected.render_with(scope, regex::escape),
        Matching::Equal | Matching::Prefix => check.expected.render(scope),
    }
}

/// Whether `actual` satisfies the rendered template.
fn matches(matching: &Matching, actual: &str, expected: &str) -> bool {
    match matching {
        Matching::Equal => actual == expected,
        Matching::Prefix => actual.starts_with(expected),
        // The config compiler checked that the template is a valid pattern
        // with any values; one that still fails to build matches nothing.
        Matching::Regex => {
            regex::Regex::new(&format!("^(?:{expected})$")).is_ok_and(|re| re.is_match(actual))
        }
    }
}

/// Setting the field to `expected`, when the check allows a fix and every
/// check of this rule on this field expects the same value (a `file_name`
/// is fixed only when the file's name and the URL agree).
fn fix_for(
    cx: &FileContext,
    check: &Check,
    node: &Node,
    expected: &str,
    scope: &Scope,
) -> Option<Fix> {
    let applicability = check.fix?;
    if check.actual.is_some() {
        return None;
    }
    let agreed = cx
        .collection
        .checks
        .iter()
        .filter(|c| c.rule == check.rule && c.field == check.field)
        .filter(|c| c.condition.holds(cx.root))
        .all(|c| match c.matching {
            Matching::Equal => c.expected.render(scope).is_none_or(|e| e == expected),
            Matching::Prefix | Matching::Regex => true,
        });
    if !agreed {
        return None;
    }
    let slot = Slot::of(cx.text, node, cx.root.in_flow(&check.field))?;
    Some(Fix {
        message: format!("set `{}` to `{expected}`", check.field),
        applicability,
        edits: vec![slot.replace(expected)],
    })
}

macro_rules! consistency_rule {
    ($($name:ident),+ $(,)?) => {
        $(impl Rule for $name {
            fn meta(&self) -> &'static RuleMeta {
                &Self::META
            }

            fn check_file(&self, cx: &mut FileContext) {
                run_checks(cx);
            }
        })+
    };
}

declare_rule! {
    /// ## What it does
    /// Checks that `url` equals the collection's URL template (QuickTakes:
    /// `/learn/{subject|slug}/questions/{title|slug}`) and says the expected
    /// value.
    ///
    /// ## Why is this bad
    /// The URL is derived from the subject and title; when one changes and
    /// the URL does not, links, sitemaps and canonical tags disagree.
    ///
    /// ## Example
    /// ```yaml
    /// subject: Accounting and Finance
    /// title: What is a ledger?
    /// url: /learn/finance/questions/what-is-a-ledger
    /// ```
    /// Use instead: `url: /learn/accounting-and-finance/questions/what-is-a-ledger`.
    pub struct UrlMismatch {
        name: "url-mismatch",
        severity: Error,
        fix: Unsafe,
        stage: File,
    }
}

declare_rule! {
    /// ## What it does
    /// Checks that `file_name` equals the file's name on disk and the URL's
    /// last segment plus `.md`.
    ///
    /// ## Why is this bad
    /// The CMS finds articles by `file_name`; when it names another file,
    /// edits go to the wrong place or the article cannot be opened.
    ///
    /// ## Example
    /// In `what-is-a-ledger.md`:
    /// ```yaml
    /// file_name: what-is-the-ledger.md
    /// ```
    /// Use instead: `file_name: what-is-a-ledger.md`.
    pub struct FileNameMismatch {
        name: "file-name-mismatch",
        severity: Error,
        fix: Safe,
        stage: File,
    }
}

declare_rule! {
    /// ## What it does
    /// Checks that the file's folder equals the subject segment of its URL
    /// (`content/learn/<subject-slug>/…` for `/learn/<subject-slug>/…`).
    ///
    /// ## Why is this bad
    /// An article filed under the wrong subject folder is built at a path
    /// that does not match its URL, or shadows another subject's article.
    ///
    /// ## Example
    /// `content/learn/marketing/what-is-a-ledger.md` with
    /// `url: /learn/accounting-and-finance/questions/what-is-a-ledger`.
    /// Use instead: move the file to `content/learn/accounting-and-finance/`.
    pub struct PathMismatch {
        name: "path-mismatch",
        severity: Error,
        fix: None,
        stage: File,
    }
}

declare_rule! {
    /// ## What it does
    /// Checks that the title copies (QuickTakes: `article_title` and
    /// `question`) equal `title`.
    ///
    /// ## Why is this bad
    /// The three are shown in different places (page heading, listing,
    /// structured data); an edit to one of them makes the page contradict
    /// itself.
    ///
    /// ## Example
    /// ```yaml
    /// title: What is a ledger?
    /// article_title: What is the ledger?
    /// ```
    /// Use instead: the same text in all three.
    pub struct TitleMismatch {
        name: "title-mismatch",
        severity: Error,
        fix: Unsafe,
        stage: File,
    }
}

declare_rule! {
    /// ## What it does
    /// Checks that `seo.title` equals its template (QuickTakes:
    /// `QuickTakes | {subject}`).
    ///
    /// ## Why is this bad
    /// The SEO title is what search results show; after a subject change it
    /// keeps naming the old subject.
    ///
    /// ## Example
    /// ```yaml
    /// subject: Accounting and Finance
    /// seo:
    ///   title: QuickTakes | Finance
    /// ```
    /// Use instead: `title: QuickTakes | Accounting and Finance`.
    pub struct SeoTitleMismatch {
        name: "seo-title-mismatch",
        severity: Error,
        fix: Safe,
        stage: File,
    }
}

consistency_rule!(
    UrlMismatch,
    FileNameMismatch,
    PathMismatch,
    TitleMismatch,
    SeoTitleMismatch
);
