//! Stub.
use crate::facts::Extraction;
use crate::source::SourceFile;

/// Extracts facts.
pub fn extract(_source: &SourceFile) -> Extraction {
    Extraction::default()
}
