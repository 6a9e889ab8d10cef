//! Date rules: `invalid-date` (a real calendar date in the configured
//! format) and `invalid-date-format` (a valid display pattern).

use crate::dates::{check_date, check_display_pattern, explain, DateError};
use crate::diagnostic::Diagnostic;
use crate::rule::{declare_rule, FileContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks that each date field is a real calendar date (and time)
    /// written in the collection's format (QuickTakes: `%Y-%m-%d`; Jekyll
    /// and Hugo: `%Y-%m-%d %H:%M:%S %z` or `rfc3339`). The message names the
    /// part that is out of range (the day, the hour, the offset).
    ///
    /// ## Why is this bad
    /// `2024-02-30` passes a `^\d{4}-\d{2}-\d{2}$` pattern but is no day
    /// at all: sorting, archives and sitemaps get it wrong or crash. A date
    /// in another format (`Dec 3, 2024`) is parsed differently by every
    /// tool. YAML 1.2 reads dates as strings, so nothing else catches this.
    ///
    /// ## Example
    /// ```yaml
    /// date: 2024-02-30
    /// ```
    /// Use instead: `date: 2024-02-29`.
    pub struct InvalidDate {
        name: "invalid-date",
        severity: Error,
        fix: None,
        stage: File,
    }
}

impl Rule for InvalidDate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_file(&self, cx: &mut FileContext) {
        for date in &cx.collection.dates {
            let Some(node) = cx.root.lookup(&date.field) else {
                continue;
            };
            // A non-string is a type error, which is the schema's to report.
            let Some(value) = node.as_str() else { continue };
            let Err(error) = check_date(value, &date.format) else {
                continue;
            };
            let message = match error {
                DateError::NotOnCalendar => match explain(value, &date.format) {
                    Some(blame) if blame.in_time => {
                        format!("`{value}` is not a real time: {}", blame.why)
                    }
                    Some(blame) => format!("`{value}` is not a real calendar date: {}", blame.why),
                    None => format!("`{value}` is not a real calendar date"),
                },
                DateError::WrongFormat => {
                    format!("`{value}` is not a date {}", date.format.in_words())
                }
            };
            cx.report(
                Diagnostic::new(node.span, message)
                    .with_field(date.field.clone())
                    .with_help(format!(
                        "write a real date {}, e.g. `{}`",
                        date.format.in_words(),
                        date.format.example()
                    )),
            );
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Checks that each display-pattern field (QuickTakes: `date_format`) is
    /// made of known date tokens (`YYYY`, `MMM`, `DD`, `Do`, `dddd`, `HH`,
    /// `mm`, …), punctuation, and `[escaped text]`.
    ///
    /// ## Why is this bad
    /// The site formats dates with this pattern; an unknown token such as
    /// `QQ` or `YYYYY` prints garbage on every page that uses it.
    ///
    /// ## Example
    /// ```yaml
    /// date_format: MMM QQ, YYYY
    /// ```
    /// Use instead: `date_format: MMM DD, YYYY`.
    pub struct InvalidDateFormat {
        name: "invalid-date-format",
        severity: Error,
        fix: None,
        stage: File,
    }
}

impl Rule for InvalidDateFormat {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_file(&self, cx: &mut FileContext) {
        for field in &cx.collection.display_formats {
            let Some(node) = cx.root.lookup(field) else {
                continue;
            };
            let Some(value) = node.as_str() else { continue };
            let Err(reason) = check_display_pattern(value) else {
                continue;
            };
            cx.report(
                Diagnostic::new(
                    node.span,
                    format!("`{value}` is not a valid date display pattern: {reason}"),
                )
                .with_field(field.clone())
                .with_help("use tokens such as `YYYY`, `MMM`, `DD`, e.g. `MMM DD, YYYY`"),
            );
        }
    }
}
