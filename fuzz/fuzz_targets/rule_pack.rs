//! Rule-pack loading on arbitrary text: a broken pack is an error with a
//! span inside the text, never a panic.
#![no_main]

use connlint::rules::compile_pack;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(error) = compile_pack("fuzz.toml", text) {
        if let Some(span) = error.span {
            assert!(span.end as usize <= text.len());
        }
    }
});
