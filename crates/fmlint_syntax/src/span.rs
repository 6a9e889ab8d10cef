//! Positions in a file's text: byte spans, and their lines and columns.
//!
//! Spans are byte ranges into the whole file (`u32` each: a header over
//! 4 GiB is refused long before this). Line and column are resolved once,
//! while the file's text is at hand ([`crate::lines`]), so reporters never
//! need the text again except to draw a snippet.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A half-open byte range into a file's text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span {start}..{end} is reversed");
        Span {
            start: saturate(start),
            end: saturate(end.max(start)),
        }
    }

    pub fn empty(at: usize) -> Self {
        Span::new(at, at)
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// A span with its line/column ends resolved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
}

/// One text replacement: the bytes in `span` become `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}
