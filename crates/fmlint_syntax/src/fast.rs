//! A hand-written scanner for the small YAML subset nearly every header is
//! written in, so the common case skips saphyr-parser.
//!
//! Why: on a full check of a large corpus, saphyr's general scanner (block
//! and plain scalars, char-by-char with lookahead buffers) was a quarter of
//! the CPU time, while real headers are a block mapping of simple keys,
//! single-line scalars and `>-` folded scalars (issue #10).
//!
//! The subset: block mappings nested by indentation (the top one at column
//! 0), keys that are ASCII words (`[A-Za-z0-9_][A-Za-z0-9_.-]*`), single-line
//! plain, single-quoted and backslash-free double-quoted scalars, block
//! scalars `>`, `>-`, `|` and `|-` with automatic indentation, empty values,
//! block sequences of such scalars, full-line comments, comments after a
//! value, and blank lines. The header must end with a line break and hold no
//! tab, carriage return, other control character or byte order mark.
//!
//! Anything else, and anything ambiguous, returns `None` before a tree is
//! handed out, and saphyr parses the header instead. The scanner feeds the
//! same [`Builder`] as saphyr with the events (and raw spans) saphyr would
//! produce, so typing, duplicate keys and span cuts stay in one place; the
//! equivalence is tested on fixtures, property tests and the fuzzer.

use std::borrow::Cow;

use crate::builder::{Builder, Event, Tag};
use crate::span::Span;
use crate::tree::Style;

/// Deeper nesting is left to saphyr (and the builder's depth limit).
const MAX_NESTING: usize = 32;

/// Longer keys are left to saphyr (YAML caps simple keys at 1024 characters).
const MAX_KEY: usize = 256;

/// Feeds `source` (the YAML text, at whole-file byte `base`) into `builder`;
/// `None` when the text is outside the subset, and the builder must be
/// thrown away.
pub(super) fn scan<'a>(source: &'a str, base: usize, builder: &mut Builder<'a>) -> Option<()> {
    if !source.ends_with('\n') || !plain_text(source.as_bytes()) {
        return None;
    }
    let mut scanner = Scanner {
        src: source,
        bytes: source.as_bytes(),
        base,
        pos: 0,
        builder,
    };
    // An empty document, or one that does not start with a key at column 0,
    // is saphyr's.
    if scanner.next_content_line()? != 0 {
        return None;
    }
    scanner.mapping(0, 0)?;
    (scanner.pos >= scanner.bytes.len()).then_some(())
}

/// No tab, carriage return, other control character, DEL, byte order mark
/// or other character YAML forbids: what is left needs no special case
/// below.
fn plain_text(bytes: &[u8]) -> bool {
    // Branch-free so that it vectorises: this runs over every header.
    let (control, high) = bytes.iter().fold((false, false), |(control, high), &b| {
        (
            control | ((b < 0x20) & (b != b'\n')) | (b == 0x7f),
            high | (b >= 0x80),
        )
    });
    if control {
        return false;
    }
    !high || !refused_non_ascii(bytes)
}

/// Whether UTF-8 `bytes` hold a byte order mark or a non-ASCII character
/// YAML forbids (`crate::chars`): a C1 control but NEL (`C2 80`–`C2 9F`),
/// U+FFFE or U+FFFF (`EF BF BE`, `EF BF BF`). By their lead bytes, which
/// only start characters and are rare in text, so that a header full of
/// accents and typographic quotes costs one vectorised search.
fn refused_non_ascii(bytes: &[u8]) -> bool {
    memchr::memchr2_iter(0xC2, 0xEF, bytes).any(|i| {
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (0xC2, Some(&next), _) => (0x80..=0x9F).contains(&next) && next != 0x85,
            (0xEF, Some(0xBB), Some(0xBF)) | (0xEF, Some(0xBF), Some(0xBE | 0xBF)) => true,
            _ => false,
        }
    })
}

struct Scanner<'a, 'b> {
    src: &'a str,
    bytes: &'a [u8],
    base: usize,
    /// The start of the line being looked at.
    pos: usize,
    builder: &'b mut Builder<'a>,
}

impl<'a> Scanner<'a, '_> {
    /// The byte at `i`, or a line break past the end (the text ends with
    /// one, so nothing past it can be mistaken for content).
    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(b'\n')
    }

    /// The line break ending the line that holds `i`.
    fn line_end(&self, i: usize) -> usize {
        // `str::find` with a char uses a memchr search.
        self.src
            .get(i..)
            .and_then(|rest| rest.find('\n'))
            .map_or(self.bytes.len(), |n| i + n)
    }

    fn spaces(&self, i: usize) -> usize {
        self.bytes
            .get(i..)
            .map_or(0, |rest| rest.iter().take_while(|&&b| b == b' ').count())
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    fn emit(&mut self, event: Event<'a>) -> Option<()> {
        self.builder.event(event).ok()
    }

    fn scalar(&mut self, text: Cow<'a, str>, style: Style, start: usize, end: usize) -> Option<()> {
        let span = self.span(start, end);
        self.emit(Event::Scalar {
            text,
            style,
            tag: Tag::None,
            anchor: 0,
            span,
        })
    }

    fn text(&self, start: usize, end: usize) -> Option<&'a str> {
        self.src.get(start..end)
    }

    /// Moves `pos` over blank and comment lines to the next line with
    /// content, and returns its indentation; `None` at the end.
    fn next_content_line(&mut self) -> Option<usize> {
        while self.pos < self.bytes.len() {
            let indent = self.spaces(self.pos);
            match self.at(self.pos + indent) {
                b'\n' => self.pos += indent + 1,
                b'#' => self.pos = self.line_end(self.pos) + 1,
                _ => return Some(indent),
            }
        }
        None
    }

    /// Whether a block sequence entry (`- ` or `-` at the end of the line)
    /// starts at `i`.
    fn is_entry(&self, i: usize) -> bool {
        self.at(i) == b'-' && matches!(self.at(i + 1), b' ' | b'\n')
    }

    /// A block mapping whose keys are at column `indent`; `pos` is at the
    /// line of its first key. Returns at the first line less indented, or at
    /// the end.
    fn mapping(&mut self, indent: usize, depth: usize) -> Option<()> {
        if depth >= MAX_NESTING {
            return None;
        }
        let span = self.span(self.pos + indent, self.pos + indent);
        self.emit(Event::MapStart {
            anchor: 0,
            tag: Tag::None,
            span,
        })?;
        loop {
            let key = self.pos + indent;
            let first = self.at(key);
            if !(first.is_ascii_alphanumeric() || first == b'_') {
                return None;
            }
            let key_end = key
                + self
                    .bytes
                    .get(key..)?
                    .iter()
                    .take_while(|&&b| is_key_byte(b))
                    .count();
            if key_end - key > MAX_KEY
                || self.at(key_end) != b':'
                || !matches!(self.at(key_end + 1), b' ' | b'\n')
            {
                return None;
            }
            let text = self.text(key, key_end)?;
            self.scalar(Cow::Borrowed(text), Style::Plain, key, key_end)?;
            let value = key_end + 1 + self.spaces(key_end + 1);
            match self.at(value) {
                b'\n' => self.nested(indent, key_end, value, depth)?,
                b'>' | b'|' => self.block_scalar(value, indent)?,
                b'\'' | b'"' => self.quoted(value)?,
                _ => self.plain(value)?,
            }
            match self.next_content_line() {
                None => break,
                Some(next) if next == indent && !self.is_entry(self.pos + next) => {}
                Some(next) if next < indent => break,
                Some(_) => return None,
            }
        }
        let span = self.span(self.pos, self.pos);
        self.emit(Event::End { span })
    }

    /// The value of a key with nothing after its `:` (at `colon`): a nested
    /// mapping or sequence, or null. `eol` is the line's end.
    fn nested(&mut self, indent: usize, colon: usize, eol: usize, depth: usize) -> Option<()> {
        self.pos = eol + 1;
        let next = self.next_content_line();
        match next {
            Some(next) if self.is_entry(self.pos + next) && next >= indent => {
                self.sequence(next, next == indent, depth + 1)
            }
            Some(next) if next > indent => self.mapping(next, depth + 1),
            // saphyr puts an empty value at its `:`.
            _ => self.scalar(Cow::Borrowed(""), Style::Plain, colon, colon),
        }
    }

    /// A block sequence of scalars with its `-` at column `indent`; `pos` is
    /// at the line of the first entry. An indentless sequence (`key:` then
    /// `- item` at the key's column) ends at the next key.
    fn sequence(&mut self, indent: usize, indentless: bool, depth: usize) -> Option<()> {
        if depth >= MAX_NESTING {
            return None;
        }
        let mut first = true;
        loop {
            let dash = self.pos + indent;
            let value = dash + 1 + self.spaces(dash + 1);
            if first {
                // saphyr starts an indentless sequence at its first value.
                let start = if indentless { value } else { dash };
                let span = self.span(start, start);
                self.emit(Event::SeqStart {
                    anchor: 0,
                    tag: Tag::None,
                    span,
                })?;
                first = false;
            }
            match self.at(value) {
                b'\'' | b'"' => self.quoted(value)?,
                // Empty entries, nested collections, block scalars and
                // the rest are saphyr's (`plain` refuses indicators).
                _ => self.plain(value)?,
            }
            match self.next_content_line() {
                None => break,
                Some(next) if next == indent && self.is_entry(self.pos + next) => {}
                Some(next) if next < indent || (next == indent && indentless) => break,
                Some(_) => return None,
            }
        }
        let span = self.span(self.pos, self.pos);
        self.emit(Event::End { span })
    }

    /// A plain scalar that ends on its line, at `start`. Leaves `pos` at the
    /// next line.
    fn plain(&mut self, start: usize) -> Option<()> {
        match self.at(start) {
            // Indicators, or what could start something other than a
            // plain scalar.
            b'[' | b']' | b'{' | b'}' | b',' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b'?' | b':' | b'\n' => return None,
            b'-' if matches!(self.at(start + 1), b' ' | b'\n') => return None,
            _ => {}
        }
        let eol = self.line_end(start);
        let mut end = start;
        for i in start..eol {
            match self.at(i) {
                // A comment starts.
                b' ' if self.at(i + 1) == b'#' => break,
                b' ' => {}
                // `a: b: c` is an error, `a: b:` too.
                b':' if matches!(self.at(i + 1), b' ' | b'\n') => return None,
                _ => end = i + 1,
            }
        }
        let text = self.text(start, end)?;
        self.pos = eol + 1;
        self.scalar(Cow::Borrowed(text), Style::Plain, start, end)
    }

    /// A quoted scalar that closes on its line, at `start` (the quote).
    /// Single-quoted scalars may hold `''`; double-quoted ones no escape.
    fn quoted(&mut self, start: usize) -> Option<()> {
        let quote = self.at(start);
        let double = quote == b'"';
        let eol = self.line_end(start);
        let mut escaped = false;
        let mut close = start + 1;
        loop {
            if close >= eol {
                return None;
            }
            match self.at(close) {
                b'\\' if double => return None,
                b'\'' if !double && self.at(close + 1) == b'\'' => {
                    escaped = true;
                    close += 2;
                }
                b if b == quote => break,
                _ => close += 1,
            }
        }
        // Only spaces, or a comment after at least one, may follow.
        let after = close + 1 + self.spaces(close + 1);
        if !(after == eol || (self.at(after) == b'#' && after > close + 1)) {
            return None;
        }
        let inner = self.text(start + 1, close)?;
        let text = if escaped {
            Cow::Owned(inner.replace("''", "'"))
        } else {
            Cow::Borrowed(inner)
        };
        let style = if double {
            Style::DoubleQuoted
        } else {
            Style::SingleQuoted
        };
        self.pos = eol + 1;
        self.scalar(text, style, start, close + 1)
    }

    /// A block scalar whose indicator is at `start`, the value of a key at
    /// column `parent`. Folds exactly as saphyr does (YAML 1.2, 8.1.3).
    fn block_scalar(&mut self, start: usize, parent: usize) -> Option<()> {
        let literal = self.at(start) == b'|';
        let mut i = start + 1;
        let strip = self.at(i) == b'-';
        if strip {
            i += 1;
        }
        // Keep chomping, indentation indicators and comments are saphyr's.
        i += self.spaces(i);
        if self.at(i) != b'\n' {
            return None;
        }
        // Leading empty lines, then the first content line sets the
        // indentation.
        let mut line = i + 1;
        let mut leading_breaks = 0;
        let mut widest_empty = 0;
        let indent = loop {
            if line >= self.bytes.len() {
                return None;
            }
            let spaces = self.spaces(line);
            if self.at(line + spaces) != b'\n' {
                // An empty scalar, or an empty line more indented than the
                // content (an error), is saphyr's.
                if spaces <= parent || widest_empty > spaces {
                    return None;
                }
                break spaces;
            }
            widest_empty = widest_empty.max(spaces);
            leading_breaks += 1;
            line += spaces + 1;
        };
        let content = line + indent;
        let first_end = self.line_end(content);

        // The common case, one line: the value is the source text.
        let after = self.block_line(first_end + 1, indent);
        if leading_breaks == 0 && after.is_none() {
            let value_end = if strip { first_end } else { first_end + 1 };
            let text = self.text(content, value_end)?;
            self.pos = first_end + 1;
            return self.block_done(text.into(), literal, content, first_end);
        }

        let mut text = String::with_capacity(first_end - content + 1);
        // saphyr's state: a break after the previous content line, the
        // empty lines since, and whether that line was more indented.
        let mut leading_break = false;
        let mut trailing_breaks = leading_breaks;
        let mut leading_blank = false;
        let mut last_end;
        loop {
            let content = line + indent;
            let end = self.line_end(content);
            let trailing_blank = self.at(content) == b' ';
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing_breaks == 0 {
                    text.push(' ');
                }
            } else if leading_break {
                text.push('\n');
            }
            for _ in 0..trailing_breaks {
                text.push('\n');
            }
            text.push_str(self.text(content, end)?);
            leading_break = true;
            leading_blank = trailing_blank;
            last_end = end;
            match self.block_line(end + 1, indent) {
                Some((next, empty)) => {
                    line = next;
                    trailing_breaks = empty;
                }
                None => break,
            }
        }
        if !strip {
            text.push('\n');
        }
        // The empty lines after the scalar are skipped as blank lines.
        self.pos = last_end + 1;
        self.block_done(text.into(), literal, content, last_end)
    }

    /// From line start `line` inside a block scalar indented by `indent`:
    /// the next content line and the number of empty lines before it, or
    /// `None` if the scalar ends first.
    fn block_line(&self, mut line: usize, indent: usize) -> Option<(usize, usize)> {
        let mut empty = 0;
        while line < self.bytes.len() {
            let spaces = self.spaces(line);
            let blank = self.at(line + spaces) == b'\n';
            if blank && spaces <= indent {
                empty += 1;
                line += spaces + 1;
            } else if spaces >= indent {
                // A line of spaces only, more indented than the scalar, is
                // content too.
                return Some((line, empty));
            } else {
                return None;
            }
        }
        None
    }

    fn block_done(
        &mut self,
        text: Cow<'a, str>,
        literal: bool,
        start: usize,
        end: usize,
    ) -> Option<()> {
        let style = if literal {
            Style::Literal
        } else {
            Style::Folded
        };
        self.scalar(text, style, start, end)
    }
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lead-byte search refuses exactly the byte order mark and the
    /// non-ASCII characters `crate::chars` forbids.
    #[test]
    fn non_ascii_refusal_matches_the_character_set() {
        for c in ('\u{80}'..=char::MAX).filter(|c| c.len_utf8() > 1) {
            let mut buffer = [0; 4];
            let bytes = c.encode_utf8(&mut buffer).as_bytes();
            let refused = c == '\u{feff}' || !crate::chars::allowed(c);
            assert_eq!(refused_non_ascii(bytes), refused, "U+{:04X}", u32::from(c));
        }
    }
}
