//! The certificate, key and keystore readers (PEM, DER, PKCS#12, the
//! hand-written JKS reader) on arbitrary bytes: no panic.
#![no_main]

use std::sync::Arc;

use connlint::extract::certificate::extract_certificate_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path: Arc<str> = Arc::from("fuzz/store.jks");
    let _ = extract_certificate_file(&path, data, &["", "changeit"]);
});
