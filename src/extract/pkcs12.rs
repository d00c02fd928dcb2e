//! PKCS#12 stores (`.p12`, `.pfx`, and the `.jks` keytool writes since Java
//! 9): the certificates and the private key a client authenticates with.
//!
//! A PKCS#12 store needs its password even to list its certificates (they
//! sit in an encrypted safe, and the MAC over everything is keyed by the
//! password). The reader tries the empty password first, then each
//! candidate the caller found written for this file in the repository. The
//! password is never part of a fact or problem: the `password` attribute
//! says only `empty` or `found-in-repository`.
//!
//! Both encodings OpenSSL writes are read: OpenSSL 3's default (PBES2 with
//! AES-256, HMAC-SHA256) and `-legacy` (RC2-40 for certificates, 3DES for
//! the key, HMAC-SHA1), as are keytool's stores.

use std::sync::Arc;

use p12_keystore::Pkcs12Archive;
use p12_keystore::error::Error;
use x509_parser::asn1_rs::FromDer;
use x509_parser::certificate::X509Certificate;

use crate::extract::certificate::{
    Container, Found, certificate_facts, key_algorithm_by_id, private_key_fact,
};
use crate::facts::{Extraction, Problem};
use crate::span::Span;

/// At most this many candidate passwords are tried: each try derives keys
/// with thousands of hash iterations, and a repository that offers more
/// candidates for one store is guessing.
pub const MAX_PASSWORDS: usize = 16;

/// Extracts the `certificate` facts (container `pkcs12`, in bag order,
/// `alias` = friendly name) and one `private-key` fact per key bag (value
/// `encrypted`, format `pkcs12`, `password` = `empty` or
/// `found-in-repository`) of a PKCS#12 store.
///
/// Tries the empty password, then `passwords` (the first
/// [`MAX_PASSWORDS`]). When none opens the store the extraction holds one
/// problem on the file and no fact; a store that is not PKCS#12 at all gets
/// a problem saying so.
pub fn extract_bytes(path: &Arc<str>, bytes: &[u8], passwords: &[&str]) -> Extraction {
    let candidates = std::iter::once(("", "empty")).chain(
        passwords
            .iter()
            .take(MAX_PASSWORDS)
            .map(|password| (*password, "found-in-repository")),
    );
    let mut locked = false;
    let mut malformed = None;
    for (password, found_as) in candidates {
        match Pkcs12Archive::from_pkcs12(bytes, password) {
            Ok(archive) => return facts(path, &archive, found_as),
            Err(error) if is_wrong_password(&error) => locked = true,
            // A structural error does not depend on the password (a wrong
            // password can also garble a MAC-less store, so keep trying).
            Err(error) => {
                malformed.get_or_insert(error);
            }
        }
    }
    let message = match malformed {
        Some(error) if !locked => format!("not a readable PKCS#12 store: {error}"),
        _ => "PKCS#12 store is password-protected; no password found in the repository opens it"
            .to_owned(),
    };
    Extraction {
        facts: Vec::new(),
        problems: vec![Problem::file(path, message)],
    }
}

/// Whether `bytes` look like a PKCS#12 `PFX`: a SEQUENCE that starts with
/// `INTEGER 3` and a `ContentInfo` of type pkcs7-data
/// (`1.2.840.113549.1.7.1`). A sniff of the first bytes, not a parse.
pub(crate) fn is_pfx(bytes: &[u8]) -> bool {
    const VERSION_3: [u8; 3] = [0x02, 0x01, 0x03];
    const PKCS7_DATA: [u8; 11] = [
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01,
    ];
    let Some(inside) = sequence_content(bytes) else {
        return false;
    };
    let Some(after_version) = inside.strip_prefix(&VERSION_3) else {
        return false;
    };
    sequence_content(after_version)
        .is_some_and(|content_info| content_info.starts_with(&PKCS7_DATA))
}

/// The bytes after a SEQUENCE header (definite or BER-indefinite length);
/// the length itself is not checked.
fn sequence_content(bytes: &[u8]) -> Option<&[u8]> {
    let (&tag, rest) = bytes.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let length_bytes = match first {
        0x00..=0x80 => 0,
        0x81..=0x84 => usize::from(first & 0x7F),
        _ => return None,
    };
    rest.get(length_bytes..)
}

/// Errors that mean "this password does not open the store": a failed
/// MAC, or, in a store without a MAC, a safe that does not decrypt.
fn is_wrong_password(error: &Error) -> bool {
    matches!(
        error,
        Error::MacError(_) | Error::UnpadError | Error::InvalidPrivateKey
    )
}

fn facts(path: &Arc<str>, archive: &Pkcs12Archive, found_as: &str) -> Extraction {
    let mut extraction = Extraction::default();
    let mut found = Vec::new();
    for bag in &archive.certs {
        match X509Certificate::from_der(bag.cert.as_der()) {
            Ok((_, cert)) => found.push(Found {
                cert,
                span: Span::new(0, 0),
                alias: bag.friendly_name.clone(),
            }),
            Err(error) => extraction.problems.push(Problem::file(
                path,
                format!("PKCS#12 certificate bag is not an X.509 certificate: {error}"),
            )),
        }
    }
    extraction
        .facts
        .extend(certificate_facts(&found, path, Container::Pkcs12));
    for key in &archive.keys {
        let mut fact = private_key_fact(path, Span::new(0, 0), true, "pkcs12", Container::Pkcs12)
            .with("password", found_as)
            .with(
                "key_algorithm",
                key_algorithm_by_id(&key.key.oid().to_string()),
            );
        if let Some(name) = &key.friendly_name {
            fact = fact.with("alias", name.as_str());
        }
        extraction.facts.push(fact);
    }
    extraction
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::certificate::fixture;
    use crate::facts::{Fact, FactKind};

    const PASSWORD: &str = "fixture-p12-pass";

    fn path() -> Arc<str> {
        Arc::from("conf/client.p12")
    }

    /// Every string a fact or problem shows.
    fn shown(extraction: &Extraction) -> Vec<String> {
        let mut out = Vec::new();
        for fact in &extraction.facts {
            out.push(fact.value.clone());
            out.extend(fact.attributes.iter().map(|(k, v)| format!("{k}={v}")));
        }
        out.extend(extraction.problems.iter().map(|p| p.message.clone()));
        out
    }

    fn assert_never_shown(extraction: &Extraction, passwords: &[&str]) {
        for text in shown(extraction) {
            for password in passwords {
                assert!(!text.contains(password), "{text:?} shows {password:?}");
            }
        }
    }

    fn key(extraction: &Extraction) -> &Fact {
        let keys: Vec<&Fact> = extraction
            .facts
            .iter()
            .filter(|fact| fact.kind == FactKind::PrivateKey)
            .collect();
        assert_eq!(keys.len(), 1, "{:?}", extraction.facts);
        keys[0]
    }

    fn assert_client_chain(extraction: &Extraction) {
        let certificates: Vec<(&str, Option<&str>, Option<&str>)> = extraction
            .facts
            .iter()
            .filter(|fact| fact.kind == FactKind::Certificate)
            .map(|fact| {
                (
                    fact.value.as_str(),
                    fact.attr("position"),
                    fact.attr("container"),
                )
            })
            .collect();
        assert_eq!(
            certificates,
            [
                (
                    "emailAddress=integration@example.com,CN=integration@example.com,OU=Integrations,O=Example Corp,C=US",
                    Some("leaf"),
                    Some("pkcs12")
                ),
                (
                    "CN=Connlint Test Intermediate CA,O=Connlint Test,C=US",
                    Some("intermediate"),
                    Some("pkcs12")
                ),
                (
                    "CN=Connlint Test Root CA,O=Connlint Test,C=US",
                    Some("root"),
                    Some("pkcs12")
                ),
            ]
        );
        assert_eq!(extraction.facts[0].attr("alias"), Some("integration"));
        assert!(
            extraction
                .facts
                .iter()
                .all(|fact| fact.span == Span::new(0, 0))
        );
    }

    #[test]
    fn empty_password_modern_and_legacy() {
        for name in ["client-nopass.p12", "client-nopass-legacy.p12"] {
            let bytes = fixture(name);
            assert!(is_pfx(&bytes), "{name}");
            let extraction = extract_bytes(&path(), &bytes, &[]);
            assert!(
                extraction.problems.is_empty(),
                "{name}: {:?}",
                extraction.problems
            );
            assert_client_chain(&extraction);
            let key = key(&extraction);
            assert_eq!(key.value, "encrypted");
            assert_eq!(key.attr("format"), Some("pkcs12"));
            assert_eq!(key.attr("password"), Some("empty"));
            assert_eq!(key.attr("alias"), Some("integration"));
            assert_eq!(key.attr("key_algorithm"), Some("RSA"));
        }
    }

    #[test]
    fn password_found_in_the_repository_modern_and_legacy() {
        let candidates = ["changeit", PASSWORD, "later"];
        for name in ["client-pass.p12", "client-pass-legacy.p12"] {
            let extraction = extract_bytes(&path(), &fixture(name), &candidates);
            assert!(
                extraction.problems.is_empty(),
                "{name}: {:?}",
                extraction.problems
            );
            assert_client_chain(&extraction);
            assert_eq!(
                key(&extraction).attr("password"),
                Some("found-in-repository")
            );
            assert_never_shown(&extraction, &candidates[..2]);
        }
    }

    #[test]
    fn no_password_opens_the_store() {
        let candidates = ["changeit", "fixture-p12-passX"];
        for name in ["client-pass.p12", "client-pass-legacy.p12"] {
            let extraction = extract_bytes(&path(), &fixture(name), &candidates);
            assert!(extraction.facts.is_empty(), "{name}");
            assert_eq!(extraction.problems.len(), 1);
            assert_eq!(extraction.problems[0].span, None);
            assert!(
                extraction.problems[0]
                    .message
                    .contains("password-protected"),
                "{}",
                extraction.problems[0].message
            );
            assert_never_shown(&extraction, &candidates);
            assert_never_shown(&extraction, &[PASSWORD]);
        }
    }

    #[test]
    fn keytool_default_keystore_is_pkcs12() {
        let bytes = fixture("keystore-pkcs12.jks");
        assert!(is_pfx(&bytes));
        let extraction = extract_bytes(&path(), &bytes, &["fixture-jks-pass"]);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        let aliases: Vec<(FactKind, Option<&str>, Option<&str>)> = extraction
            .facts
            .iter()
            .map(|fact| (fact.kind, fact.attr("alias"), fact.attr("position")))
            .collect();
        assert!(aliases.contains(&(FactKind::Certificate, Some("integration"), Some("leaf"))));
        assert!(aliases.contains(&(FactKind::Certificate, Some("connlint-root"), Some("root"))));
        assert_eq!(key(&extraction).attr("alias"), Some("integration"));
        assert_never_shown(&extraction, &["fixture-jks-pass"]);
    }

    #[test]
    fn not_pkcs12() {
        let cer = fixture("client.cer");
        assert!(!is_pfx(&cer));
        assert!(!is_pfx(b""));
        assert!(!is_pfx(b"\x30"));
        let extraction = extract_bytes(&path(), &cer, &[]);
        assert!(extraction.facts.is_empty());
        assert!(
            extraction.problems[0]
                .message
                .starts_with("not a readable PKCS#12 store")
        );
    }

    #[test]
    fn truncated_stores_never_panic() {
        let bytes = fixture("client-nopass-legacy.p12");
        for end in (0..bytes.len()).step_by(97) {
            let extraction = extract_bytes(&path(), &bytes[..end], &[]);
            assert!(extraction.facts.is_empty());
            assert_eq!(extraction.problems.len(), 1);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        #[test]
        fn corrupted_stores_never_panic(
            flips in proptest::collection::vec((0usize..5000, proptest::num::u8::ANY), 1..6),
            legacy in proptest::bool::ANY,
        ) {
            let name = if legacy { "client-nopass-legacy.p12" } else { "client-nopass.p12" };
            let mut bytes = fixture(name);
            for (at, value) in flips {
                let at = at % bytes.len();
                bytes[at] = value;
            }
            let extraction = extract_bytes(&path(), &bytes, &["x"]);
            proptest::prop_assert!(!extraction.facts.is_empty() || !extraction.problems.is_empty());
        }
    }
}
