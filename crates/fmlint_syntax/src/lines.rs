//! Byte offsets to 1-based line and column, for one file's text.
//!
//! Columns count Unicode scalar values (what SARIF calls
//! `unicodeCodePoints`), so `é` and `🚀` are one column each. ASCII text takes
//! a fast path that never decodes; other text keeps a character count every
//! [`CHECKPOINT`] bytes, so a column costs at most that many bytes of
//! counting however long its line is (a 10 MB one-line header with 100,000
//! findings must not rescan the line for each).

use crate::span::{LineCol, Location, Span};

/// Bytes between two character-count checkpoints in non-ASCII text.
const CHECKPOINT: usize = 256;

pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset at which each line starts; `starts[0] == 0`.
    starts: Vec<u32>,
    ascii: bool,
    /// Non-ASCII text only: `chars_before[i]` is the number of characters in
    /// `text[..i * CHECKPOINT]` (byte offsets there may fall inside a
    /// character: counting skips continuation bytes, so that is fine).
    chars_before: Vec<u32>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        // memchr: the long lines of a folded answer are skipped with SIMD.
        starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        let ascii = text.is_ascii();
        let chars_before = if ascii {
            Vec::new()
        } else {
            let mut total = 0u32;
            let mut out = Vec::with_capacity(text.len() / CHECKPOINT + 1);
            for chunk in text.as_bytes().chunks(CHECKPOINT) {
                out.push(total);
                total = total.saturating_add(count_chars(chunk) as u32);
            }
            out.push(total);
            out
        };
        LineIndex {
            text,
            starts,
            ascii,
            chars_before,
        }
    }

    /// Characters in `text[..offset]`, `offset` on a character boundary.
    fn chars_to(&self, offset: usize) -> usize {
        let block = offset / CHECKPOINT;
        let counted = self.chars_before.get(block).map_or(0, |&c| c as usize);
        counted + count_chars(&self.text.as_bytes()[block * CHECKPOINT..offset])
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The position of byte `offset` (clamped to the text, and moved back to
    /// a character boundary if it falls inside one).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.starts[line] as usize;
        let column = if self.ascii {
            offset - start
        } else if offset - start <= CHECKPOINT {
            count_chars(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_to(offset) - self.chars_to(start)
        };
        LineCol {
            line: (line + 1) as u32,
            column: (column + 1) as u32,
        }
    }

    pub fn locate(&self, span: Span) -> Location {
        Location {
            span,
            start: self.line_col(span.start as usize),
            end: self.line_col(span.end as usize),
        }
    }

    /// Byte range of 0-based `line`, without its line ending.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self
            .starts
            .get(line)
            .map_or(self.text.len(), |&s| s as usize);
        let mut end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&s| s as usize);
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s as usize <= offset) - 1
    }
}

/// Characters in UTF-8 `bytes`: every byte that does not continue one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_unicode_columns() {
        let text = "ab\né🚀x\r\nz";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(3), LineCol { line: 2, column: 1 });
        // "é" is 2 bytes, "🚀" 4: `x` is the third character of line 2.
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(x), LineCol { line: 2, column: 3 });
        let z = text.find('z').unwrap();
        assert_eq!(index.line_col(z), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_range(1), 3..10);
    }

    #[test]
    fn offsets_inside_a_character_move_back() {
        let index = LineIndex::new("é");
        assert_eq!(index.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(99), LineCol { line: 1, column: 2 });
    }

    /// Regression: on a long non-ASCII line every column was counted from
    /// the line's start, so 100,000 findings on one 1.5 MB flow line took
    /// minutes (quadratic). Columns now come from checkpoints.
    #[test]
    fn long_non_ascii_line_columns_use_checkpoints() {
        let text: String = (0..5000).map(|i| format!("é{i}🚀, ")).collect();
        let text = format!("x\n{text}\ny");
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(97) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = LineCol {
                line: text[..offset].matches('\n').count() as u32 + 1,
                column: text[line_start..offset].chars().count() as u32 + 1,
            };
            assert_eq!(index.line_col(offset), expected, "offset {offset}");
        }
        let end = index.line_col(text.len());
        assert_eq!(end, LineCol { line: 3, column: 2 });
    }
}
