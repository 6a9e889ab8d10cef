//! Where things are in the protocol's terms: positions in the negotiated
//! encoding (UTF-8 or UTF-16 code units) from our byte spans and back, and
//! `file:` URIs from paths and back.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use fmlint_syntax::{LineIndex, Span};
use lsp_types as lsp;

// Positions

/// The unit of `Position.character`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn units(self, s: &str) -> u32 {
        let n = match self {
            Encoding::Utf8 => s.len(),
            Encoding::Utf16 => s.encode_utf16().count(),
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    pub fn kind(self) -> lsp::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        }
    }
}

/// Converts between byte offsets and LSP positions in one text.
pub struct Positions<'a> {
    lines: LineIndex<'a>,
    encoding: Encoding,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        Positions {
            lines: LineIndex::new(text),
            encoding,
        }
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let text = self.lines.text();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.lines.line_of(offset);
        let start = self.lines.line_range(line).start;
        // An offset inside a CRLF's `\r` belongs to the line's end.
        let column_end = offset.max(start);
        lsp::Position {
            line: line as u32,
            character: self.encoding.units(&text[start..column_end]),
        }
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        lsp::Range {
            start: self.position(span.start as usize),
            end: self.position(span.end as usize),
        }
    }

    /// The byte offset of a position, clamped to its line (past the end of
    /// the text: the end of the text).
    pub fn offset(&self, position: lsp::Position) -> usize {
        let text = self.lines.text();
        let line = position.line as usize;
        if line >= self.lines.line_count() {
            return text.len();
        }
        let range = self.lines.line_range(line);
        let mut units = 0;
        for (i, c) in text[range.clone()].char_indices() {
            if units >= position.character {
                return range.start + i;
            }
            units += match self.encoding {
                Encoding::Utf8 => c.len_utf8() as u32,
                Encoding::Utf16 => c.len_utf16() as u32,
            };
        }
        range.end
    }
}

// ---------------------------------------------------------------------------
// URIs

/// The path of a `file:` URI.
pub fn uri_to_path(uri: &lsp::Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file:///p` (empty host) or `file://localhost/p`.
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost")?
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        let decoded = String::from_utf8(bytes).ok()?;
        // `/C:/dir` → `C:/dir`.
        let trimmed = match decoded.as_bytes() {
            [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => &decoded[1..],
            _ => &decoded,
        };
        Some(PathBuf::from(trimmed))
    }
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> Option<lsp::Uri> {
    let mut uri = String::from("file://");
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = {
        let s = path.to_str()?.replace('\\', "/");
        if s.starts_with('/') {
            s.into_bytes()
        } else {
            format!("/{s}").into_bytes()
        }
    };
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) || (cfg!(not(unix)) && b == b':') {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    lsp::Uri::from_str(&uri).ok()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn positions_count_the_negotiated_units() {
        let text = "a\n🚀é x\r\nz";
        let x = text.find('x').unwrap();
        let utf16 = Positions::new(text, Encoding::Utf16);
        assert_eq!(
            utf16.position(x),
            lsp::Position {
                line: 1,
                character: 4
            }
        );
        assert_eq!(
            utf16.offset(lsp::Position {
                line: 1,
                character: 4
            }),
            x
        );
        let utf8 = Positions::new(text, Encoding::Utf8);
        assert_eq!(
            utf8.position(x),
            lsp::Position {
                line: 1,
                character: 7
            }
        );
        assert_eq!(
            utf8.offset(lsp::Position {
                line: 1,
                character: 7
            }),
            x
        );
        // Past the line's end: the end of the line, before its `\r\n`.
        assert_eq!(
            utf16.offset(lsp::Position {
                line: 1,
                character: 99
            }),
            x + 1
        );
        assert_eq!(
            utf16.position(text.len()),
            lsp::Position {
                line: 2,
                character: 1
            }
        );
    }

    #[test]
    fn file_uris_round_trip_with_escapes() {
        let path = Path::new("/tmp/a dir/ü#1.md");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20dir/%C3%BC%231.md");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let other = lsp::Uri::from_str("file://localhost/x/y.md").unwrap();
        assert_eq!(uri_to_path(&other).unwrap(), Path::new("/x/y.md"));
        assert!(uri_to_path(&lsp::Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
    }
}
