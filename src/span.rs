//! Byte spans and the line index that turns them into lines and columns.
//!
//! Every fact and finding carries a [`Span`]: a half-open byte range into the
//! decoded text of one source file, always on `char` boundaries. Lines and
//! columns are derived only at the edges (reports, SARIF, the editor), through
//! [`LineIndex`].

use serde::Serialize;

/// A half-open byte range `start..end` into a file's decoded text.
///
/// Invariant: `start <= end`, and both lie on `char` boundaries of the text
/// they were taken from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets (saturating at `u32::MAX`, which no file we
    /// read can reach: files above the size limit are skipped).
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The span as a `usize` range, for slicing.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span shifted right by `offset` bytes.
    #[must_use]
    pub fn shift(self, offset: usize) -> Self {
        Self::new(self.start as usize + offset, self.end as usize + offset)
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn cover(self, other: Span) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start as usize, span.len()).into()
    }
}

/// A 1-based line and column pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in `char`s (Unicode scalar values).
    pub column: u32,
}

/// Start offsets of every line of a text, for byte -> line/column lookups.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    /// Indexes `text`. A line ends after `\n`; a `\r` before it belongs to the
    /// line it ends, so CRLF files count lines like LF files.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        for (i, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        Self { line_starts }
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<u32> {
        self.line_starts.get(line).copied()
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and column (in chars) of byte `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(text.len());
        let column = text.get(start..end).map_or(0, |s| s.chars().count());
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// 0-based line and UTF-16 column of byte `offset`, as the Language
    /// Server Protocol counts them.
    pub fn line_col_utf16(&self, text: &str, offset: u32) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(text.len());
        let column: usize = text
            .get(start..end)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }

    /// The start and end positions of `span` (the end is exclusive: it points
    /// one character past the last one, as SARIF and the LSP expect).
    pub fn span_line_cols(&self, text: &str, span: Span) -> (LineCol, LineCol) {
        (
            self.line_col(text, span.start),
            self.line_col(text, span.end),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_chars_not_bytes() {
        let text = "é=1\nJAVA=ü7\r\nx";
        let index = LineIndex::new(text);
        let seven = text.find('7').unwrap();
        assert_eq!(
            index.line_col(text, u32::try_from(seven).unwrap()),
            LineCol { line: 2, column: 7 }
        );
        let x = text.find('x').unwrap();
        assert_eq!(
            index.line_col(text, u32::try_from(x).unwrap()),
            LineCol { line: 3, column: 1 }
        );
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a😀b";
        let index = LineIndex::new(text);
        let b = u32::try_from(text.find('b').unwrap()).unwrap();
        assert_eq!(index.line_col_utf16(text, b), (0, 3));
        assert_eq!(index.line_col(text, b).column, 3);
    }

    #[test]
    fn span_new_orders_its_ends() {
        assert_eq!(Span::new(5, 3), Span { start: 5, end: 5 });
        assert_eq!(Span::new(1, 4).shift(2), Span { start: 3, end: 6 });
    }
}
