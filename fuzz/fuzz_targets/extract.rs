//! Every text extractor on arbitrary bytes: no panic, and every span lies
//! inside the text on char boundaries.
#![no_main]

use connlint::classify::FileKind;
use connlint::extract::{self, NoIncludes};
use connlint::source::{SourceFile, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let kind = FileKind::ALL[usize::from(selector) % FileKind::ALL.len()];
    let source = SourceFile::new("fuzz/input", decode(bytes).text);
    let extraction = extract::extract(kind, &source, &NoIncludes);
    assert!(extraction.spans_are_valid(&source.text), "{kind:?}");
});
