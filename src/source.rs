//! Source files: decoding bytes into text once, with the notes decoding left.

use std::sync::Arc;

use crate::span::LineIndex;

/// One file's decoded text, as every extractor sees it.
///
/// `text` has no byte-order mark; every span of a fact from this file indexes
/// into it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the scan root, with `/` separators.
    pub path: Arc<str>,
    /// Decoded text, BOM stripped.
    pub text: Arc<str>,
    /// Line starts of `text`.
    pub lines: LineIndex,
}

impl SourceFile {
    /// A source file from text already decoded.
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        Self {
            path: path.into(),
            text,
            lines,
        }
    }

    /// The file name (last path segment).
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// The text of a file and what decoding had to do to get it.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text, BOM stripped.
    pub text: String,
    /// Set when the bytes were not valid UTF-8 (or UTF-16 with a BOM) and
    /// invalid sequences were replaced; spans then index the replaced text.
    pub lossy: Option<String>,
}

/// Decodes file bytes: UTF-8 (with or without BOM), UTF-16 LE/BE with a BOM
/// (Windows batch files and .NET configs are often saved so), and anything
/// else lossily as UTF-8 with a note.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    decode_utf8(bytes)
}

fn decode_utf8(bytes: &[u8]) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_owned(),
            lossy: None,
        },
        Err(error) => Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            lossy: Some(format!(
                "not valid UTF-8 (first invalid byte at offset {}); invalid bytes were replaced with U+FFFD",
                error.valid_up_to()
            )),
        },
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Decoded {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut lossy = None;
    let text: String = char::decode_utf16(units)
        .map(|c| {
            c.unwrap_or_else(|_| {
                lossy = Some(
                    "UTF-16 text with unpaired surrogates; they were replaced with U+FFFD"
                        .to_owned(),
                );
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    if bytes.len() % 2 == 1 {
        lossy =
            Some("UTF-16 text with an odd number of bytes; the last byte was dropped".to_owned());
    }
    Decoded { text, lossy }
}

/// Whether `bytes` (the first few KiB of a file) look binary: a NUL byte
/// outside a UTF-16 text, as git and ripgrep decide.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return false;
    }
    bytes.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_utf8_bom() {
        let decoded = decode(b"\xEF\xBB\xBFJAVA_HOME=/opt/jdk");
        assert_eq!(decoded.text, "JAVA_HOME=/opt/jdk");
        assert_eq!(decoded.lossy, None);
    }

    #[test]
    fn decodes_utf16le_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "set X=é".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert!(!looks_binary(&bytes));
        assert_eq!(decode(&bytes).text, "set X=é");
    }

    #[test]
    fn latin1_is_decoded_lossily_with_a_note() {
        let decoded = decode(b"user=J\xF6rg\n");
        assert_eq!(decoded.text, "user=J\u{FFFD}rg\n");
        assert!(decoded.lossy.unwrap().contains("offset 6"));
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert!(looks_binary(b"\x7FELF\x00\x01"));
        assert!(!looks_binary(b"#!/bin/sh\n"));
    }
}
