//! Finds the header of a Markdown file, knowing nothing about YAML or TOML.
//!
//! A YAML header starts at a first line `---` (after an optional UTF-8 BOM)
//! and ends at the next line that is `---` or `...`; a TOML header (Hugo,
//! Zola) starts at a first line `+++` and ends at the next `+++` line; a JSON
//! header (Hugo) is an object whose `{` and `}` stand alone on the first line
//! and on a later one. Trailing spaces and a `\r` before the newline are
//! allowed on both fence lines, so CRLF files work.

use crate::span::Span;

/// Where the header's pieces are, in whole-file byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The opening `---` or `+++` (without its line ending).
    pub open: Span,
    /// The text between the fences (may be empty): YAML, or TOML when
    /// [`Header::format`] says so; for JSON, the whole object, braces
    /// included.
    pub yaml: Span,
    /// The closing `---`, `...` or `+++` (without its line ending).
    pub close: Span,
    pub format: Format,
}

/// The language of a header, told by its fences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// `---` … `---` (or `...`).
    #[default]
    Yaml,
    /// `+++` … `+++`.
    Toml,
    /// `{` … `}`, each alone on its line.
    Json,
}

impl Format {
    /// The opening fence, for messages.
    pub fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
            Format::Json => "{",
        }
    }

    /// The closing fence, for messages.
    pub fn close_fence(self) -> &'static str {
        match self {
            Format::Json => "}",
            other => other.fence(),
        }
    }

    /// The format an opening fence's text starts.
    pub fn of_fence(fence: &str) -> Format {
        match fence {
            "+++" => Format::Toml,
            "{" => Format::Json,
            _ => Format::Yaml,
        }
    }

    /// The language's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "YAML",
            Format::Toml => "TOML",
            Format::Json => "JSON",
        }
    }

    /// Whether `line` closes a header of this format.
    fn closes(self, line: &str) -> bool {
        match self {
            Format::Yaml => is_fence(line, "---") || is_fence(line, "..."),
            Format::Toml => is_fence(line, "+++"),
            Format::Json => is_fence(line, "}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The first line is not `---`; the span is that line.
    Missing(Span),
    /// No closing fence; the span is the opening `---`.
    Unclosed(Span),
}

const BOM: &str = "\u{feff}";

pub fn split(text: &str) -> Result<Header, SplitError> {
    let start = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let mut lines = Lines { text, pos: start };
    let Some((first, first_end)) = lines.next() else {
        return Err(SplitError::Missing(Span::empty(start)));
    };
    let format = match &text[first.range()] {
        line if is_fence(line, "---") => Format::Yaml,
        line if is_fence(line, "+++") => Format::Toml,
        line if is_fence(line, "{") => Format::Json,
        _ => return Err(SplitError::Missing(first)),
    };
    let open = trimmed(text, first);
    let yaml_start = first_end;
    for (line, _) in lines {
        if format.closes(&text[line.range()]) {
            let close = trimmed(text, line);
            let body = match format {
                Format::Json => Span::new(open.start as usize, close.end as usize),
                _ => Span::new(yaml_start, line.start as usize),
            };
            return Ok(Header {
                open,
                yaml: body,
                close,
                format,
            });
        }
    }
    Err(SplitError::Unclosed(open))
}

/// `line` is the fence, maybe followed by spaces, tabs or a `\r`.
fn is_fence(line: &str, fence: &str) -> bool {
    line.strip_prefix(fence)
        .is_some_and(|rest| rest.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')))
}

fn trimmed(text: &str, line: Span) -> Span {
    let content = text[line.range()].trim_end_matches([' ', '\t', '\r']);
    Span::new(line.start as usize, line.start as usize + content.len())
}

/// Lines as (span without `\n`, offset after the `\n`).
struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for Lines<'_> {
    type Item = (Span, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text.as_bytes()[self.pos..];
        let (end, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (self.pos + i, self.pos + i + 1),
            None => (self.text.len(), self.text.len()),
        };
        let line = Span::new(self.pos, end);
        self.pos = next;
        Some((line, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn lf_header() {
        let text = "---\na: 1\n---\nbody\n";
        let header = split(text).unwrap();
        assert_eq!(slice(text, header.open), "---");
        assert_eq!(slice(text, header.yaml), "a: 1\n");
        assert_eq!(slice(text, header.close), "---");
    }

    #[test]
    fn crlf_bom_and_dots() {
        let text = "\u{feff}---\r\na: 1\r\n...\r\nbody";
        let header = split(text).unwrap();
        assert_eq!(header.open, Span::new(3, 6));
        assert_eq!(slice(text, header.yaml), "a: 1\r\n");
        assert_eq!(slice(text, header.close), "...");
    }

    #[test]
    fn empty_header_and_eof_fence() {
        let header = split("---\n---").unwrap();
        assert!(header.yaml.is_empty());
    }

    #[test]
    fn missing_and_unclosed() {
        assert_eq!(split(""), Err(SplitError::Missing(Span::empty(0))));
        assert_eq!(
            split("# hi\n---\n"),
            Err(SplitError::Missing(Span::new(0, 4)))
        );
        assert_eq!(split("----\n"), Err(SplitError::Missing(Span::new(0, 4))));
        assert_eq!(
            split("---\na: 1\n"),
            Err(SplitError::Unclosed(Span::new(0, 3)))
        );
        assert_eq!(split("---"), Err(SplitError::Unclosed(Span::new(0, 3))));
    }

    #[test]
    fn toml_header() {
        let text = "+++\r\ntitle = \"a\"\r\n---\r\n+++ \r\nbody";
        let header = split(text).unwrap();
        assert_eq!(header.format, Format::Toml);
        assert_eq!(slice(text, header.open), "+++");
        assert_eq!(slice(text, header.yaml), "title = \"a\"\r\n---\r\n");
        assert_eq!(slice(text, header.close), "+++");
        assert_eq!(split("---\na: 1\n---\n").unwrap().format, Format::Yaml);
        assert_eq!(
            split("+++\na = 1\n---\n"),
            Err(SplitError::Unclosed(Span::new(0, 3)))
        );
        assert_eq!(split("++++\n"), Err(SplitError::Missing(Span::new(0, 4))));
    }

    #[test]
    fn json_header() {
        let text = "{\r\n  \"title\": \"a\",\r\n  \"x\": {}\r\n}\r\nbody";
        let header = split(text).unwrap();
        assert_eq!(header.format, Format::Json);
        assert_eq!(slice(text, header.open), "{");
        assert_eq!(
            slice(text, header.yaml),
            "{\r\n  \"title\": \"a\",\r\n  \"x\": {}\r\n}"
        );
        assert_eq!(slice(text, header.close), "}");
        // An expression on the first line (MDX) is no JSON header.
        assert_eq!(
            split("{/* a comment */}\n"),
            Err(SplitError::Missing(Span::new(0, 17)))
        );
    }

    #[test]
    fn fence_must_start_the_line() {
        let text = "---\na: ---\n ---\n---\n";
        let header = split(text).unwrap();
        assert_eq!(slice(text, header.yaml), "a: ---\n ---\n");
    }
}
