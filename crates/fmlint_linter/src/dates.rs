//! Date checks: a value that must be a real calendar date (and time) in a
//! given format, and a field that must be a valid display pattern
//! (`MMM DD, YYYY`).
//!
//! Parsing is chrono's; strictness is ours: chrono accepts `2024-2-3` for
//! `%Y-%m-%d`, so a date is valid only if formatting it back gives the same
//! text. A pattern may hold a time (`%H:%M:%S`) and an offset (`%z`,
//! `%:z`), as Jekyll and Hugo write dates; a value shaped right but not real
//! is explained part by part ("the hour `25` is not 00–23").

use std::fmt::{Display, Write};

use chrono::format::{Fixed, Item, Numeric, StrftimeItems};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// How a date field is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// A strftime pattern, e.g. `%Y-%m-%d` or `%Y-%m-%d %H:%M:%S %z`.
    Pattern(String),
    /// RFC 3339 (`2024-12-16T09:30:00Z`, `T` or a space between date and
    /// time); a bare date is accepted too.
    Rfc3339,
}

impl DateFormat {
    pub fn parse(spec: &str) -> DateFormat {
        match spec {
            "rfc3339" | "RFC 3339" | "RFC3339" => DateFormat::Rfc3339,
            pattern => DateFormat::Pattern(pattern.to_string()),
        }
    }

    /// "in the format `%Y-%m-%d`", or "in RFC 3339" (a standard, not a
    /// pattern): for messages.
    pub fn in_words(&self) -> String {
        match self {
            DateFormat::Rfc3339 => "in RFC 3339".to_string(),
            DateFormat::Pattern(pattern) => format!("in the format `{pattern}`"),
        }
    }

    pub fn describe(&self) -> &str {
        match self {
            DateFormat::Pattern(p) => p,
            DateFormat::Rfc3339 => "RFC 3339",
        }
    }

    /// An example value in this format, for help texts: 16 December 2024,
    /// 09:30 at UTC+01:00.
    pub fn example(&self) -> String {
        match self {
            DateFormat::Pattern(p) => {
                let Some(moment) = FixedOffset::east_opt(3600)
                    .and_then(|zone| zone.with_ymd_and_hms(2024, 12, 16, 9, 30, 0).single())
                else {
                    return String::new();
                };
                // An invalid pattern makes chrono's formatter fail, not
                // panic, only through `write!`.
                written(moment.format(p)).unwrap_or_default()
            }
            DateFormat::Rfc3339 => "2024-12-16T09:30:00Z".to_string(),
        }
    }
}

/// Why a value is not a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Shaped like the format but not on the calendar or the clock
    /// (`2024-02-30`, `25:00`); [`explain`] says which part.
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
            if round_trips(value, pattern) {
                Ok(())
            } else if has_shape(value, pattern) {
                Err(DateError::NotOnCalendar)
            } else {
                Err(DateError::WrongFormat)
            }
        }
    }
}

/// What a strftime pattern holds beyond a calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Precision {
    Date,
    /// A time of day, no offset.
    Time,
    /// A time and a UTC offset.
    Zoned,
}

/// What `pattern` holds; `None` when chrono cannot read it.
fn precision(pattern: &str) -> Option<Precision> {
    let mut precision = Precision::Date;
    for item in StrftimeItems::new(pattern) {
        match item {
            Item::Error => return None,
            Item::Fixed(
                Fixed::TimezoneOffset
                | Fixed::TimezoneOffsetColon
                | Fixed::TimezoneOffsetColonZ
                | Fixed::TimezoneOffsetZ
                | Fixed::TimezoneOffsetDoubleColon
                | Fixed::TimezoneOffsetTripleColon,
            ) => precision = Precision::Zoned,
            Item::Numeric(
                Numeric::Hour | Numeric::Hour12 | Numeric::Minute | Numeric::Second,
                _,
            )
            | Item::Fixed(Fixed::LowerAmPm | Fixed::UpperAmPm)
                if precision == Precision::Date =>
            {
                precision = Precision::Time;
            }
            _ => {}
        }
    }
    Some(precision)
}

/// Whether `value` parses by `pattern` and formats back to itself.
fn round_trips(value: &str, pattern: &str) -> bool {
    // chrono's formatter fails (and `to_string` would panic) on a field the
    // value does not have: write it fallibly.
    let back = match precision(pattern) {
        Some(Precision::Zoned) => DateTime::parse_from_str(value, pattern)
            .ok()
            .and_then(|moment| written(moment.format(pattern))),
        Some(Precision::Time) => NaiveDateTime::parse_from_str(value, pattern)
            .ok()
            .and_then(|moment| written(moment.format(pattern))),
        Some(Precision::Date) => NaiveDate::parse_from_str(value, pattern)
            .ok()
            .and_then(|date| written(date.format(pattern))),
        None => None,
    };
    back.is_some_and(|back| back == value)
}

/// `display` written to a string; `None` when chrono's formatter fails.
fn written(display: impl Display) -> Option<String> {
    let mut out = String::new();
    write!(out, "{display}").ok()?;
    Some(out)
}

/// The directives a shape check knows, with the text each must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Year,
    ShortYear,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    /// `%z`: `+0100`.
    Offset,
    /// `%:z`: `+01:00`.
    OffsetColon,
}

impl Part {
    fn directive(pattern: &mut std::str::Bytes) -> Option<Part> {
        Some(match pattern.next()? {
            b'Y' => Part::Year,
            b'y' => Part::ShortYear,
            b'm' => Part::Month,
            b'd' => Part::Day,
            b'H' => Part::Hour,
            b'M' => Part::Minute,
            b'S' => Part::Second,
            b'z' => Part::Offset,
            b':' if pattern.next()? == b'z' => Part::OffsetColon,
            _ => return None,
        })
    }

    /// How many bytes of `value` this part takes, if they have its shape.
    fn width(self, value: &[u8]) -> Option<usize> {
        let digits = |range: std::ops::Range<usize>| {
            value
                .get(range)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        };
        let width = match self {
            Part::Year => usize::from(digits(0..4)) * 4,
            Part::ShortYear
            | Part::Month
            | Part::Day
            | Part::Hour
            | Part::Minute
            | Part::Second => usize::from(digits(0..2)) * 2,
            Part::Offset => {
                usize::from(matches!(value.first(), Some(b'+' | b'-')) && digits(1..5)) * 5
            }
            Part::OffsetColon => {
                let shaped = matches!(value.first(), Some(b'+' | b'-'))
                    && digits(1..3)
                    && value.get(3) == Some(&b':')
                    && digits(4..6);
                usize::from(shaped) * 6
            }
        };
        (width > 0).then_some(width)
    }
}

/// The text of each directive of `pattern` in `value`, when `value` has the
/// digits and separators of `pattern` (whether or not the numbers make a
/// date). Unknown directives give `None`.
fn parts<'v>(value: &'v str, pattern: &str) -> Option<Vec<(Part, &'v str)>> {
    let mut rest = value;
    let mut directives = pattern.bytes();
    let mut found = Vec::new();
    while let Some(p) = directives.next() {
        if p != b'%' {
            rest = rest.strip_prefix(char::from(p)).filter(|_| p.is_ascii())?;
            continue;
        }
        let part = Part::directive(&mut directives)?;
        let width = part.width(rest.as_bytes())?;
        found.push((part, &rest[..width]));
        rest = &rest[width..];
    }
    rest.is_empty().then_some(found)
}

fn has_shape(value: &str, pattern: &str) -> bool {
    parts(value, pattern).is_some()
}

/// Whether `rest` (after `YYYY-MM-DD`) looks like RFC 3339's time part:
/// `THH:MM:SS` (or a space for the `T`), an optional fraction, then `Z` or
/// `±HH:MM`.
fn has_rfc3339_time_shape(rest: &str) -> bool {
    rfc3339_time_parts(rest).is_some()
}

/// The clock and offset parts of RFC 3339's time part.
fn rfc3339_time_parts(rest: &str) -> Option<Vec<(Part, &str)>> {
    let time = rest.strip_prefix(['T', 't', ' '])?;
    let mut found = parts(time.get(..8)?, "%H:%M:%S")?;
    let mut zone = &time[8..];
    if let Some(fraction) = zone.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        zone = &fraction[digits..];
    }
    if !matches!(zone, "Z" | "z") {
        found.extend(parts(zone, "%:z")?);
    }
    Some(found)
}

/// The part of a date that is out of range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blame {
    /// Whether the part is the time of day or the offset, not the date.
    pub in_time: bool,
    /// "the month `13` is not 01–12".
    pub why: String,
}

/// Which part of `value` is not on the calendar or the clock, for a value
/// [`check_date`] found [`DateError::NotOnCalendar`]. `None` when no single
/// part can be blamed.
pub fn explain(value: &str, format: &DateFormat) -> Option<Blame> {
    let found = match format {
        DateFormat::Pattern(pattern) => parts(value, pattern)?,
        DateFormat::Rfc3339 => {
            let mut found = parts(value.get(..10)?, "%Y-%m-%d")?;
            if value.len() > 10 {
                found.extend(rfc3339_time_parts(&value[10..])?);
            }
            found
        }
    };
    blame(&found)
}

/// The first part out of its range.
fn blame(found: &[(Part, &str)]) -> Option<Blame> {
    let number = |part: Part| {
        found
            .iter()
            .find(|(p, _)| *p == part)
            .and_then(|(_, text)| text.parse::<u32>().ok())
    };
    let year = number(Part::Year).and_then(|y| i32::try_from(y).ok());
    for &(part, text) in found {
        let n: u32 = text
            .trim_start_matches(['+', '-'])
            .replace(':', "")
            .parse()
            .ok()?;
        let wrong = match part {
            Part::Month if !(1..=12).contains(&n) => format!("the month `{text}` is not 01–12"),
            Part::Day => match (year, number(Part::Month)) {
                (Some(year), Some(month @ 1..=12)) if !(1..=days_in(year, month)?).contains(&n) => {
                    format!(
                        "{} {year} has {} days",
                        MONTHS[month as usize - 1],
                        days_in(year, month)?
                    )
                }
                _ if !(1..=31).contains(&n) => format!("the day `{text}` is not 01–31"),
                _ => continue,
            },
            Part::Hour if n > 23 => format!("the hour `{text}` is not 00–23"),
            Part::Minute if n > 59 => format!("the minute `{text}` is not 00–59"),
            Part::Second if n > 60 => format!("the second `{text}` is not 00–59"),
            Part::Offset | Part::OffsetColon if n / 100 > 23 || n % 100 > 59 => {
                format!("the offset `{text}` is not a UTC offset from -23:59 to +23:59")
            }
            _ => continue,
        };
        let in_time = !matches!(part, Part::Year | Part::ShortYear | Part::Month | Part::Day);
        return Some(Blame {
            in_time,
            why: wrong,
        });
    }
    None
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The days in `month` (1–12) of `year`.
fn days_in(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = match month {
        12 => NaiveDate::from_ymd_opt(year + 1, 1, 1)?,
        _ => NaiveDate::from_ymd_opt(year, month + 1, 1)?,
    };
    u32::try_from(next.signed_duration_since(first).num_days()).ok()
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
mod times {
    use super::*;

    fn jekyll() -> DateFormat {
        DateFormat::Pattern("%Y-%m-%d %H:%M:%S %z".into())
    }

    #[test]
    fn a_pattern_with_a_time_and_an_offset_is_checkable() {
        let f = jekyll();
        assert_eq!(f.example(), "2024-12-16 09:30:00 +0100");
        assert_eq!(check_date(&f.example(), &f), Ok(()));
        assert_eq!(check_date("2024-12-16 09:30:00 -0500", &f), Ok(()));
        assert_eq!(
            check_date("2024-12-16 09:30:00 +01:00", &f),
            Err(DateError::WrongFormat)
        );
        assert_eq!(
            check_date("2024-12-16 09:30 +0100", &f),
            Err(DateError::WrongFormat)
        );
        assert_eq!(
            check_date("2024-12-16 25:30:00 +0100", &f),
            Err(DateError::NotOnCalendar)
        );
        assert_eq!(
            check_date("2024-12-16 09:30:00 +2500", &f),
            Err(DateError::NotOnCalendar)
        );
    }

    #[test]
    fn a_time_without_an_offset_and_a_colon_offset() {
        let naive = DateFormat::Pattern("%Y-%m-%d %H:%M".into());
        assert_eq!(check_date("2024-01-02 10:00", &naive), Ok(()));
        assert_eq!(
            check_date("2024-01-02 10:60", &naive),
            Err(DateError::NotOnCalendar)
        );
        let colon = DateFormat::Pattern("%Y-%m-%dT%H:%M:%S%:z".into());
        assert_eq!(check_date("2024-12-16T09:30:00+01:00", &colon), Ok(()));
        assert_eq!(
            check_date("2024-12-16T09:30:00+0100", &colon),
            Err(DateError::WrongFormat)
        );
    }

    #[test]
    fn rfc3339_takes_a_space_z_and_offsets() {
        let f = DateFormat::Rfc3339;
        for ok in [
            "2024-12-16T09:30:00Z",
            "2024-12-16 09:30:00Z",
            "2024-12-16 09:30:00+01:00",
            "2024-12-16T09:30:00.5-05:30",
        ] {
            assert_eq!(check_date(ok, &f), Ok(()), "{ok}");
        }
        assert_eq!(
            check_date("2024-12-16T09:30:00+24:00", &f),
            Err(DateError::NotOnCalendar)
        );
    }

    #[test]
    fn the_wrong_part_is_named() {
        let f = jekyll();
        let why =
            |value: &str, f: &DateFormat| explain(value, f).map(|b| b.why).unwrap_or_default();
        assert_eq!(
            why("2024-12-16 25:30:00 +0100", &f),
            "the hour `25` is not 00–23"
        );
        assert_eq!(
            why("2024-12-16 09:61:00 +0100", &f),
            "the minute `61` is not 00–59"
        );
        assert_eq!(
            why("2024-12-16 09:30:00 +2500", &f),
            "the offset `+2500` is not a UTC offset from -23:59 to +23:59"
        );
        assert_eq!(
            why("2023-02-29 09:30:00 +0100", &f),
            "February 2023 has 28 days"
        );
        assert_eq!(
            why("2024-13-01", &DateFormat::Rfc3339),
            "the month `13` is not 01–12"
        );
        assert_eq!(
            why("2024-12-16T09:30:00+01:75", &DateFormat::Rfc3339),
            "the offset `+01:75` is not a UTC offset from -23:59 to +23:59"
        );
        assert_eq!(explain("2024-12-16", &f), None);
    }

    #[test]
    fn unreadable_patterns_are_not_checkable() {
        for pattern in ["%Y-%m-%d %Q", "%Y-%m-%d %Z"] {
            let f = DateFormat::Pattern(pattern.into());
            assert!(check_date(&f.example(), &f).is_err(), "{pattern}");
        }
    }
}

#[cfg(test)]
mod regressions {
    use super::*;

    /// Found by fuzzing the config: a pattern with a time field panicked.
    #[test]
    fn a_time_field_in_a_date_pattern_does_not_panic() {
        let format = DateFormat::Pattern("%Y-%m-%d %H:%M".into());
        assert!(check_date("2024-01-02 10:61", &format).is_err());
        assert!(check_date("2024-01-02", &DateFormat::Pattern("%F %p".into())).is_err());
    }
}
