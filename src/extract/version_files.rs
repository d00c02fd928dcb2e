//! Stub.
use crate::classify::FileKind;
use crate::facts::Extraction;
use crate::source::SourceFile;

/// Extracts facts.
pub fn extract(_kind: FileKind, _source: &SourceFile) -> Extraction {
    Extraction::default()
}
