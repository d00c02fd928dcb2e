//! Byte offsets and spans to LSP positions and back.
//!
//! The protocol counts lines from 0 and characters in UTF-16 code units
//! (the default `positionEncoding`, the only one every client supports). A
//! line ends at `\n`, `\r\n` or a lone `\r`, as the specification says.
//! connlint's spans are byte ranges into the decoded text, which has no
//! byte-order mark; when the editor's text starts with one, spans are
//! shifted past it here, the only place that knows.

use lsp_types::{Position, Range};

use crate::span::Span;

/// Line starts of one text, for conversions both ways.
#[derive(Clone, Debug)]
pub struct LineMap<'a> {
    text: &'a str,
    /// Byte offset where each line starts; the first is 0.
    line_starts: Vec<usize>,
    /// Bytes of the byte-order mark the text starts with (0 or 3).
    bom: usize,
}

impl<'a> LineMap<'a> {
    /// Indexes `text`, the document as the editor holds it.
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for (i, &byte) in bytes.iter().enumerate() {
            let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                line_starts.push(i + 1);
            }
        }
        let bom = if text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        Self {
            text,
            line_starts,
            bom,
        }
    }

    /// The position of byte `offset` of the document text (clamped to the
    /// text, and moved back to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(saturate(line), saturate(character))
    }

    /// The byte offset of `position`: a line past the end is the end of the
    /// text, a character past the end of its line is the end of the line
    /// (before its line break), and a character inside a surrogate pair is
    /// the start of that character.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self.line_content_end(position.line as usize);
        let mut units = 0usize;
        for (i, c) in self.text[start..end].char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        end
    }

    /// The range of a span of connlint's text (which has no byte-order
    /// mark) in the document.
    pub fn range(&self, span: Span) -> Range {
        Range::new(
            self.position(span.start as usize + self.bom),
            self.position(span.end as usize + self.bom),
        )
    }

    /// The byte offset in the document text of byte `offset` of
    /// connlint's text.
    pub fn document_offset(&self, offset: usize) -> usize {
        offset + self.bom
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Where the content of `line` ends (before `\r\n`, `\n` or `\r`).
    fn line_content_end(&self, line: usize) -> usize {
        let next = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let content = &self.text[self.line_starts[line]..next];
        let trimmed = content
            .strip_suffix("\r\n")
            .or_else(|| content.strip_suffix('\n'))
            .or_else(|| content.strip_suffix('\r'))
            .unwrap_or(content);
        self.line_starts[line] + trimmed.len()
    }

    /// The text of `line` without its line break (empty past the end).
    pub fn line_text(&self, line: u32) -> &'a str {
        let line = line as usize;
        if line >= self.line_starts.len() {
            return "";
        }
        &self.text[self.line_starts[line]..self.line_content_end(line)]
    }

    /// The line break that ends `line` (`None` for the last line).
    pub fn line_break(&self, line: u32) -> Option<&'a str> {
        let line = line as usize;
        let next = *self.line_starts.get(line + 1)?;
        let end = self.line_content_end(line);
        Some(&self.text[end..next])
    }

    /// The document text before byte `offset` (clamped, on a char boundary).
    pub fn text_before(&self, offset: usize) -> &'a str {
        &self.text[..floor_char_boundary(self.text, offset.min(self.text.len()))]
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// `offset`, or the start of the char it falls inside.
fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap();
        Span::new(start, start + needle.len())
    }

    #[test]
    fn ascii_lines() {
        let text = "a=1\nJAVA=7\n";
        let map = LineMap::new(text);
        assert_eq!(
            map.range(span_of(text, "7")),
            Range::new(Position::new(1, 5), Position::new(1, 6))
        );
        assert_eq!(map.line_count(), 3);
    }

    #[test]
    fn non_ascii_counts_utf16_units_not_bytes() {
        // é is 2 bytes and 1 UTF-16 unit; 😀 is 4 bytes and 2 units.
        let text = "# café\nJAVA_HOME=/opt/😀é/jdk1.7.0_80\n";
        let map = LineMap::new(text);
        let range = map.range(span_of(text, "1.7.0_80"));
        assert_eq!(
            range,
            Range::new(Position::new(1, 22), Position::new(1, 30))
        );
        assert_eq!(map.offset(range.start), text.find("1.7.0_80").unwrap());
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "# café\r\nJAVA_HOME=/opt/jdk1.7.0_80\r\nold\rmac\r\n";
        let map = LineMap::new(text);
        assert_eq!(
            map.range(span_of(text, "1.7.0_80")),
            Range::new(Position::new(1, 18), Position::new(1, 26))
        );
        // A lone \r ends a line for the protocol.
        assert_eq!(
            map.range(span_of(text, "mac")),
            Range::new(Position::new(3, 0), Position::new(3, 3))
        );
        assert_eq!(map.line_text(0), "# café");
        assert_eq!(map.line_break(1), Some("\r\n"));
        assert_eq!(map.line_break(2), Some("\r"));
        // A character past the end of a line stops before its \r\n.
        assert_eq!(map.offset(Position::new(0, 99)), text.find("\r\n").unwrap());
        // A line past the end is the end of the text.
        assert_eq!(map.offset(Position::new(99, 0)), text.len());
    }

    #[test]
    fn astral_characters_are_two_units() {
        let text = "x😀y";
        let map = LineMap::new(text);
        assert_eq!(map.position(text.find('y').unwrap()), Position::new(0, 3));
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(map.offset(Position::new(0, 2)), 1);
        assert_eq!(map.offset(Position::new(0, 3)), 5);
        // An offset inside a char's bytes moves back to its start.
        assert_eq!(map.position(2), Position::new(0, 1));
    }

    #[test]
    fn byte_order_mark_shifts_spans() {
        // connlint's text has no BOM; the editor's may.
        let document = "\u{feff}JAVA=7\n";
        let stripped = "JAVA=7\n";
        let map = LineMap::new(document);
        assert_eq!(
            map.range(span_of(stripped, "7")),
            Range::new(Position::new(0, 6), Position::new(0, 7))
        );
        assert_eq!(map.document_offset(5), 8);
        let plain = LineMap::new(stripped);
        assert_eq!(
            plain.range(span_of(stripped, "7")),
            Range::new(Position::new(0, 5), Position::new(0, 6))
        );
    }

    #[test]
    fn offsets_round_trip_on_every_char_boundary() {
        let text = "a\r\nbé😀\rc\n\nd";
        let map = LineMap::new(text);
        for (offset, _) in text.char_indices() {
            let position = map.position(offset);
            let back = map.offset(position);
            // Line breaks have no position of their own inside \r\n.
            if text[offset..].starts_with('\n') && text[..offset].ends_with('\r') {
                assert_eq!(back, offset - 1);
            } else {
                assert_eq!(back, offset, "{offset} -> {position:?}");
            }
        }
    }
}
