//! Inline suppression directives, read as every file kind, on arbitrary
//! bytes: no panic, and every span lies inside the text on char
//! boundaries. Byte 0x01 stands for the marker, so that the fuzzer reaches
//! the directive parser without having to guess `connlint: ignore[`.
#![no_main]

use connlint::classify::FileKind;
use connlint::source::{SourceFile, decode};
use connlint::suppress::directives;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let kind = FileKind::ALL[usize::from(selector) % FileKind::ALL.len()];
    let text = decode(bytes).text.replace('\u{1}', "connlint: ignore[");
    let source = SourceFile::new("fuzz/input", text);
    for directive in directives(kind, &source) {
        let mut spans = vec![directive.span, directive.brackets];
        spans.extend(directive.ids.iter().map(|(_, span)| *span));
        spans.extend(directive.until.map(|(_, span)| span));
        spans.extend(directive.malformed.as_ref().map(|(_, span)| *span));
        for span in spans {
            assert!(source.text.get(span.range()).is_some(), "{kind:?} {span:?}");
        }
    }
});
