//! Byte offsets to 1-based line and column, for one file's text.
//!
//! Columns count Unicode scalar values (what SARIF calls
//! `unicodeCodePoints`), so `é` and `🚀` are one column each. ASCII lines take
//! a fast path that never decodes.

use crate::diagnostic::{LineCol, Location, Span};

pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset at which each line starts; `starts[0] == 0`.
    starts: Vec<u32>,
    ascii: bool,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        LineIndex {
            text,
            starts,
            ascii: text.is_ascii(),
        }
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
        } else {
            self.text[start..offset].chars().count()
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
}
