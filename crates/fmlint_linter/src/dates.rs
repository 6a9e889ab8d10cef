//! Date checks: a value that must be a real calendar date in a given format,
//! and a field that must be a valid display pattern (`MMM DD, YYYY`).
//!
//! Parsing is chrono's; strictness is ours: chrono accepts `2024-2-3` for
//! `%Y-%m-%d`, so a date is valid only if formatting it back gives the same
//! text.

use chrono::{DateTime, NaiveDate};

/// How a date field is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// A strftime pattern, e.g. `%Y-%m-%d`.
    Pattern(String),
    /// RFC 3339 (`2024-12-16T09:30:00Z`); a bare date is accepted too.
    Rfc3339,
}

impl DateFormat {
    pub fn parse(spec: &str) -> DateFormat {
        match spec {
            "rfc3339" | "RFC 3339" | "RFC3339" => DateFormat::Rfc3339,
            pattern => DateFormat::Pattern(pattern.to_string()),
        }
    }

    pub fn describe(&self) -> &str {
        match self {
            DateFormat::Pattern(p) => p,
            DateFormat::Rfc3339 => "RFC 3339",
        }
    }

    /// An example value in this format, for help texts.
    pub fn example(&self) -> String {
        match self {
            DateFormat::Pattern(p) => {
                use std::fmt::Write;
                let Some(moment) =
                    NaiveDate::from_ymd_opt(2024, 12, 16).and_then(|d| d.and_hms_opt(9, 30, 0))
                else {
                    return String::new();
                };
                // An invalid pattern makes chrono's formatter fail, not
                // panic, only through `write!`.
                let mut out = String::new();
                match write!(out, "{}", moment.format(p)) {
                    Ok(()) => out,
                    Err(_) => String::new(),
                }
            }
            DateFormat::Rfc3339 => "2024-12-16T09:30:00Z".to_string(),
        }
    }
}

/// Why a value is not a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Shaped like the format but not on the calendar (`2024-02-30`).
    NotOnCalendar,
    /// Not in the format at all (`Dec 3, 2024`).
    WrongFormat,
}

pub fn check_date(value: &str, format: &DateFormat) -> Result<(), DateError> {
    match format {
        DateFormat::Rfc3339 => {
            if DateTime::parse_from_rfc3339(value).is_ok() {
                return Ok(());
            }
            let ymd = DateFormat::Pattern("%Y-%m-%d".into());
            match value.get(..10) {
                // A bare date is accepted; a timestamp whose date or time
                // is not on the clock is shaped right but not real.
                Some(date) if value.len() > 10 && has_shape(date, "%Y-%m-%d") => {
                    if has_rfc3339_time_shape(&value[10..]) {
                        Err(DateError::NotOnCalendar)
                    } else {
                        Err(DateError::WrongFormat)
                    }
                }
                _ => check_date(value, &ymd),
            }
        }
        DateFormat::Pattern(pattern) => {
            // chrono's formatter fails (and `to_string` would panic) on a
            // time field of a date-only value: write it fallibly.
            let round_trip = NaiveDate::parse_from_str(value, pattern).is_ok_and(|date| {
                use std::fmt::Write;
                let mut out = String::new();
                write!(out, "{}", date.format(pattern)).is_ok() && out == value
            });
            if round_trip {
                Ok(())
            } else if has_shape(value, pattern) {
                Err(DateError::NotOnCalendar)
            } else {
                Err(DateError::WrongFormat)
            }
        }
    }
}

/// Whether `value` has the digits and separators of `pattern`, ignoring
/// whether the numbers make a date. Unknown directives give `false`.
fn has_shape(value: &str, pattern: &str) -> bool {
    let mut value = value.as_bytes();
    let mut directives = pattern.bytes();
    while let Some(p) = directives.next() {
        let width = if p == b'%' {
            match directives.next() {
                Some(b'Y') => 4,
                Some(b'm' | b'd' | b'H' | b'M' | b'S' | b'y') => 2,
                _ => return false,
            }
        } else {
            match value.split_first() {
                Some((&v, rest)) if v == p => {
                    value = rest;
                    continue;
                }
                _ => return false,
            }
        };
        if value.len() < width || !value[..width].iter().all(u8::is_ascii_digit) {
            return false;
        }
        value = &value[width..];
    }
    value.is_empty()
}

/// Whether `rest` (after `YYYY-MM-DD`) looks like RFC 3339's time part:
/// `THH:MM:SS`, an optional fraction, then `Z` or `±HH:MM`.
fn has_rfc3339_time_shape(rest: &str) -> bool {
    let Some(time) = rest.strip_prefix(['T', 't', ' ']) else {
        return false;
    };
    let Some(clock) = time.get(..8) else {
        return false;
    };
    if !has_shape(clock, "%H:%M:%S") {
        return false;
    }
    let mut zone = &time[8..];
    if let Some(fraction) = zone.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        zone = &fraction[digits..];
    }
    matches!(zone, "Z" | "z")
        || zone
            .strip_prefix(['+', '-'])
            .is_some_and(|offset| has_shape(offset, "%H:%M"))
}

/// The tokens a display pattern may use (moment.js / day.js style).
const TOKENS: &[&str] = &[
    "YYYY", "YY", "MMMM", "MMM", "MM", "M", "Do", "DD", "D", "dddd", "ddd", "dd", "d", "HH", "H",
    "hh", "h", "mm", "m", "ss", "s", "A", "a", "ZZ", "Z",
];

/// Checks a display pattern such as `MMM DD, YYYY`. Letters must form known
/// tokens; `[...]` escapes literal text; everything else is punctuation.
pub fn check_display_pattern(pattern: &str) -> Result<(), String> {
    let mut rest = pattern;
    let mut tokens = 0;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            let Some(end) = rest.find(']') else {
                return Err("`[` is never closed".into());
            };
            rest = &rest[end + 1..];
            continue;
        }
        if !c.is_ascii_alphabetic() {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let run = rest.len() - rest.trim_start_matches(c).len();
        let mut token_len = run;
        // `Do` is the only token that mixes letters.
        if c == 'D' && run == 1 && rest[1..].starts_with('o') {
            token_len = 2;
        }
        let token = &rest[..token_len];
        if !TOKENS.contains(&token) {
            return Err(format!("`{token}` is not a date token"));
        }
        tokens += 1;
        rest = &rest[token_len..];
    }
    if tokens == 0 {
        return Err("the pattern has no date token".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd() -> DateFormat {
        DateFormat::Pattern("%Y-%m-%d".into())
    }

    #[test]
    fn calendar_dates() {
        assert_eq!(check_date("2024-02-29", &ymd()), Ok(()));
        assert_eq!(
            check_date("2023-02-29", &ymd()),
            Err(DateError::NotOnCalendar)
        );
        assert_eq!(
            check_date("2024-02-30", &ymd()),
            Err(DateError::NotOnCalendar)
        );
        assert_eq!(
            check_date("2024-13-01", &ymd()),
            Err(DateError::NotOnCalendar)
        );
        assert_eq!(check_date("2024-2-3", &ymd()), Err(DateError::WrongFormat));
        assert_eq!(
            check_date("Dec 3, 2024", &ymd()),
            Err(DateError::WrongFormat)
        );
        assert_eq!(
            check_date("2024-12-16 ", &ymd()),
            Err(DateError::WrongFormat)
        );
    }

    #[test]
    fn rfc3339() {
        let f = DateFormat::Rfc3339;
        assert_eq!(check_date("2024-12-16T09:30:00+01:00", &f), Ok(()));
        assert_eq!(check_date("2024-12-16", &f), Ok(()));
        assert_eq!(
            check_date("2024-12-16T25:00:00Z", &f),
            Err(DateError::NotOnCalendar)
        );
        assert_eq!(
            check_date("2023-02-29T09:00:00+01:00", &f),
            Err(DateError::NotOnCalendar)
        );
        assert_eq!(check_date("2023-02-29", &f), Err(DateError::NotOnCalendar));
        assert_eq!(
            check_date("2024-12-16 09:30", &f),
            Err(DateError::WrongFormat)
        );
        assert_eq!(check_date("Nov 4, 2024", &f), Err(DateError::WrongFormat));
    }

    #[test]
    fn display_patterns() {
        assert_eq!(check_display_pattern("MMM DD, YYYY"), Ok(()));
        assert_eq!(
            check_display_pattern("dddd, MMMM Do YYYY [at] HH:mm"),
            Ok(())
        );
        assert!(check_display_pattern("MMM QQ, YYYY")
            .unwrap_err()
            .contains("QQ"));
        assert!(check_display_pattern("YYYYY-MM")
            .unwrap_err()
            .contains("YYYYY"));
        assert!(check_display_pattern(", -").is_err());
    }
}

#[cfg(test)]
mod regressions {
    use super::*;

    /// Found by fuzzing the config: a pattern with a time field panicked.
    #[test]
    fn a_time_field_in_a_date_pattern_does_not_panic() {
        let format = DateFormat::Pattern("%Y-%m-%d %H:%M".into());
        assert!(check_date("2024-01-02 10:00", &format).is_err());
        assert!(check_date("2024-01-02", &DateFormat::Pattern("%F %p".into())).is_err());
    }
}
