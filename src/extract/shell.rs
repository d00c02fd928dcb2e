//! Stub.
use crate::extract::Includes;
use crate::facts::Extraction;
use crate::source::SourceFile;

/// Extracts facts.
pub fn extract(_source: &SourceFile, _includes: &dyn Includes) -> Extraction {
    Extraction::default()
}
