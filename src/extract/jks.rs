//! Java `KeyStore`s (`.jks`, `.keystore`, `.jceks`): the public parts only.
//!
//! Hand-written, because no maintained crate reads JKS: the one `jks`
//! crate pulls old duplicates of the crypto crates we already build, and
//! what we need is small. In JKS and JCEKS the certificates are stored in
//! the clear (only private keys are encrypted, and the password only keys
//! an integrity digest at the end), so listing them needs no password. The
//! layout, from `sun.security.provider.JavaKeyStore` and
//! `com.sun.crypto.provider.JceKeyStore`, all integers big-endian:
//!
//! ```text
//! magic u32 (FEEDFEED = JKS, CECECECE = JCEKS) | version u32 (1, 2) | count u32
//! per entry: tag u32 | alias UTF | date u64 (ms since 1970)
//!   tag 1, private key:  u32 length + encrypted key | u32 chain length | certificates
//!   tag 2, trusted cert: one certificate
//!   tag 3, secret key (JCEKS): a serialized Java object; reading stops here
//! certificate: (version 2 only) type UTF ("X.509") | u32 length + DER
//! UTF: u16 length + modified UTF-8
//! then a 20-byte SHA-1 digest keyed by the store password (not checked)
//! ```
//!
//! The reader trusts nothing: every length is checked against the bytes
//! left, counts are capped, and a truncated or odd file becomes a problem
//! after the facts read so far. Keystores keytool writes since Java 9 are
//! PKCS#12 whatever their name; [`super::certificate::detect`] sends those
//! to [`super::pkcs12`].

use std::sync::Arc;

use x509_parser::asn1_rs::FromDer;
use x509_parser::certificate::X509Certificate;

use crate::extract::certificate::{Container, Found, certificate_facts, private_key_fact};
use crate::facts::{Extraction, Problem};
use crate::span::Span;

const JKS_MAGIC: u32 = 0xFEED_FEED;
const JCEKS_MAGIC: u32 = 0xCECE_CECE;
/// More entries than this is not a keystore anyone configures by hand (a
/// JDK `cacerts` has about 150).
const MAX_ENTRIES: u32 = 10_000;
/// Longer certificate chains than this do not occur.
const MAX_CHAIN: u32 = 64;

/// Extracts the facts of a JKS or JCEKS keystore: per private-key entry a
/// `private-key` fact (value `encrypted`, format `jks` or `jceks`) and the
/// `certificate` facts of its chain; per trusted-certificate entry a
/// `certificate` fact. All have container `jks`, attribute `alias`, and
/// certificates `entry` = `private-key` or `trusted-certificate`. Spans are
/// `0..0` (a binary file).
pub fn extract_bytes(path: &Arc<str>, bytes: &[u8]) -> Extraction {
    let mut extraction = Extraction::default();
    let mut reader = Reader { bytes, at: 0 };
    if let Err(message) = read_store(&mut reader, path, &mut extraction) {
        extraction.problems.push(Problem::file(path, message));
    }
    extraction
}

/// Whether `bytes` start with the JKS or JCEKS magic number.
pub(crate) fn has_magic(bytes: &[u8]) -> bool {
    let mut reader = Reader { bytes, at: 0 };
    matches!(reader.u32(), Some(JKS_MAGIC | JCEKS_MAGIC))
}

/// Bounds-checked big-endian reads; `None` past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn u16(&mut self) -> Option<u16> {
        self.array().map(u16::from_be_bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_be_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_be_bytes)
    }

    /// Java's `readUTF`: a u16 length and modified UTF-8, read lossily
    /// (modified UTF-8 differs from UTF-8 only for NUL and characters
    /// outside the BMP).
    fn utf(&mut self) -> Option<String> {
        let length = self.u16()?;
        Some(String::from_utf8_lossy(self.take(usize::from(length))?).into_owned())
    }

    /// A u32 length, then that many bytes.
    fn blob(&mut self) -> Option<&'a [u8]> {
        let length = usize::try_from(self.u32()?).ok()?;
        self.take(length)
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }
}

/// The kind of store, from its magic number.
#[derive(Clone, Copy)]
enum Kind {
    Jks,
    Jceks,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Jks => "JKS",
            Kind::Jceks => "JCEKS",
        }
    }

    /// The `format` of its private keys: JKS protects keys with Sun's own
    /// SHA-1 based scheme, JCEKS with `PBEWithMD5AndTripleDES`.
    fn key_format(self) -> &'static str {
        match self {
            Kind::Jks => "jks",
            Kind::Jceks => "jceks",
        }
    }
}

/// Reads the whole store into `out`; `Err` says why reading stopped.
fn read_store(
    reader: &mut Reader<'_>,
    path: &Arc<str>,
    out: &mut Extraction,
) -> Result<(), String> {
    let kind = match reader.u32() {
        Some(JKS_MAGIC) => Kind::Jks,
        Some(JCEKS_MAGIC) => Kind::Jceks,
        _ => return Err("not a Java KeyStore (no JKS or JCEKS magic number)".to_owned()),
    };
    let name = kind.name();
    let truncated = || format!("truncated {name} keystore");
    let version = reader.u32().ok_or_else(truncated)?;
    if version != 1 && version != 2 {
        return Err(format!("unsupported {name} keystore version {version}"));
    }
    let count = reader.u32().ok_or_else(truncated)?;
    if count > MAX_ENTRIES {
        return Err(format!(
            "{name} keystore claims {count} entries (more than {MAX_ENTRIES}); not read"
        ));
    }
    for _ in 0..count {
        let tag = reader.u32().ok_or_else(truncated)?;
        let alias = reader.utf().ok_or_else(truncated)?;
        let _created = reader.u64().ok_or_else(truncated)?;
        match tag {
            1 => {
                let _encrypted_key = reader.blob().ok_or_else(truncated)?;
                out.facts.push(
                    private_key_fact(
                        path,
                        Span::new(0, 0),
                        true,
                        kind.key_format(),
                        Container::Jks,
                    )
                    .with("alias", alias.as_str()),
                );
                let chain = reader.u32().ok_or_else(truncated)?;
                if chain > MAX_CHAIN {
                    return Err(format!(
                        "{name} entry `{alias}` claims a chain of {chain} certificates; not read"
                    ));
                }
                let mut ders = Vec::new();
                for _ in 0..chain {
                    ders.push(read_certificate(reader, version).ok_or_else(truncated)?);
                }
                push_certificates(&ders, &alias, "private-key", path, out);
            }
            2 => {
                let der = read_certificate(reader, version).ok_or_else(truncated)?;
                push_certificates(&[der], &alias, "trusted-certificate", path, out);
            }
            3 => {
                // A JCEKS secret key is a serialized Java object with no
                // length in front: nothing after it can be found.
                return Err(format!(
                    "{name} entry `{alias}` is a secret key; entries after it were not read"
                ));
            }
            other => return Err(format!("{name} entry `{alias}` has unknown tag {other}")),
        }
    }
    if reader.remaining() < 20 {
        return Err(format!(
            "truncated {name} keystore (integrity digest missing)"
        ));
    }
    Ok(())
}

/// One stored certificate: its type (version 2) and DER.
struct StoredCertificate<'a> {
    kind: Option<String>,
    der: &'a [u8],
}

fn read_certificate<'a>(reader: &mut Reader<'a>, version: u32) -> Option<StoredCertificate<'a>> {
    let kind = if version == 2 {
        Some(reader.utf()?)
    } else {
        None
    };
    let der = reader.blob()?;
    Some(StoredCertificate { kind, der })
}

/// Certificate facts for the certificates of one entry.
fn push_certificates(
    stored: &[StoredCertificate<'_>],
    alias: &str,
    entry: &str,
    path: &Arc<str>,
    out: &mut Extraction,
) {
    let mut found = Vec::new();
    for certificate in stored {
        if let Some(kind) = certificate.kind.as_deref().filter(|kind| *kind != "X.509") {
            out.problems.push(Problem::file(
                path,
                format!("keystore entry `{alias}` holds a `{kind}` certificate, not X.509"),
            ));
            continue;
        }
        match X509Certificate::from_der(certificate.der) {
            Ok((_, cert)) => found.push(Found {
                cert,
                span: Span::new(0, 0),
                alias: Some(alias.to_owned()),
            }),
            Err(error) => out.problems.push(Problem::file(
                path,
                format!("keystore entry `{alias}` holds an unreadable certificate: {error}"),
            )),
        }
    }
    out.facts.extend(
        certificate_facts(&found, path, Container::Jks)
            .into_iter()
            .map(|fact| fact.with("entry", entry)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::certificate::fixture;
    use crate::facts::FactKind;

    fn path() -> Arc<str> {
        Arc::from("conf/client.jks")
    }

    /// Kind, value and the attributes that tell entries apart.
    type Row<'a> = (FactKind, String, Vec<(&'static str, &'a str)>);

    fn summary(extraction: &Extraction) -> Vec<Row<'_>> {
        extraction
            .facts
            .iter()
            .map(|fact| {
                let picked = ["alias", "entry", "format", "position", "container"]
                    .into_iter()
                    .filter_map(|key| fact.attr(key).map(|value| (key, value)))
                    .collect();
                (fact.kind, fact.value.clone(), picked)
            })
            .collect()
    }

    fn expected(key_format: &str) -> Vec<Row<'_>> {
        let client = "emailAddress=integration@example.com,CN=integration@example.com,OU=Integrations,O=Example Corp,C=US";
        let intermediate = "CN=Connlint Test Intermediate CA,O=Connlint Test,C=US";
        let root = "CN=Connlint Test Root CA,O=Connlint Test,C=US";
        let cert = |subject: &str, alias, entry, position| {
            (
                FactKind::Certificate,
                subject.to_owned(),
                vec![
                    ("alias", alias),
                    ("entry", entry),
                    ("position", position),
                    ("container", "jks"),
                ],
            )
        };
        vec![
            (
                FactKind::PrivateKey,
                "encrypted".to_owned(),
                vec![
                    ("alias", "integration"),
                    ("format", key_format),
                    ("container", "jks"),
                ],
            ),
            cert(client, "integration", "private-key", "leaf"),
            cert(intermediate, "integration", "private-key", "intermediate"),
            cert(root, "integration", "private-key", "root"),
            cert(root, "connlint-root", "trusted-certificate", "root"),
        ]
    }

    #[test]
    fn a_jks_keystore_from_keytool() {
        let bytes = fixture("keystore.jks");
        assert!(has_magic(&bytes));
        let extraction = extract_bytes(&path(), &bytes);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        assert_eq!(summary(&extraction), expected("jks"));
        assert!(
            extraction
                .facts
                .iter()
                .all(|fact| fact.span == Span::new(0, 0))
        );
        assert_eq!(
            extraction.facts[1].attr("not_after"),
            Some("2030-01-01T00:00:00Z")
        );
    }

    #[test]
    fn a_jceks_keystore_from_keytool() {
        let bytes = fixture("keystore.jceks");
        assert!(has_magic(&bytes));
        let extraction = extract_bytes(&path(), &bytes);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        assert_eq!(summary(&extraction), expected("jceks"));
    }

    #[test]
    fn pkcs12_keystores_have_no_jks_magic() {
        assert!(!has_magic(&fixture("keystore-pkcs12.jks")));
        assert!(!has_magic(b"\xFE\xED\xFE"));
        let extraction = extract_bytes(&path(), &fixture("keystore-pkcs12.jks"));
        assert!(extraction.facts.is_empty());
        assert!(
            extraction.problems[0]
                .message
                .contains("not a Java KeyStore")
        );
    }

    /// A version 1 store (no certificate type strings), built by hand:
    /// one trusted certificate.
    #[test]
    fn a_version_1_store() {
        let der = fixture("client.cer");
        let mut bytes = Vec::new();
        bytes.extend(JKS_MAGIC.to_be_bytes());
        bytes.extend(1u32.to_be_bytes());
        bytes.extend(1u32.to_be_bytes());
        bytes.extend(2u32.to_be_bytes());
        bytes.extend(5u16.to_be_bytes());
        bytes.extend(b"caf\xC3\xA9");
        bytes.extend(0u64.to_be_bytes());
        bytes.extend(u32::try_from(der.len()).unwrap().to_be_bytes());
        bytes.extend(&der);
        bytes.extend([0u8; 20]);
        let extraction = extract_bytes(&path(), &bytes);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        assert_eq!(extraction.facts.len(), 1);
        assert_eq!(extraction.facts[0].attr("alias"), Some("café"));
        assert_eq!(
            extraction.facts[0].attr("entry"),
            Some("trusted-certificate")
        );
    }

    #[test]
    fn every_truncation_is_a_problem_after_the_facts_read_so_far() {
        let bytes = fixture("keystore.jks");
        let mut facts_seen = 0;
        for end in 0..bytes.len() {
            let extraction = extract_bytes(&path(), &bytes[..end]);
            assert_eq!(extraction.problems.len(), 1, "cut at {end}");
            assert!(extraction.facts.len() >= facts_seen, "cut at {end}");
            facts_seen = extraction.facts.len();
        }
        assert_eq!(facts_seen, 5);
    }

    #[test]
    fn hostile_counts_and_lengths() {
        let header = |count: u32| {
            let mut bytes = Vec::new();
            bytes.extend(JKS_MAGIC.to_be_bytes());
            bytes.extend(2u32.to_be_bytes());
            bytes.extend(count.to_be_bytes());
            bytes
        };
        let extraction = extract_bytes(&path(), &header(u32::MAX));
        assert!(extraction.problems[0].message.contains("claims"));
        // A private key entry whose key claims 4 GB.
        let mut bytes = header(1);
        bytes.extend(1u32.to_be_bytes());
        bytes.extend(1u16.to_be_bytes());
        bytes.push(b'k');
        bytes.extend(0u64.to_be_bytes());
        bytes.extend(u32::MAX.to_be_bytes());
        let extraction = extract_bytes(&path(), &bytes);
        assert!(extraction.problems[0].message.starts_with("truncated JKS"));
        // A chain of a billion certificates.
        let mut bytes = header(1);
        bytes.extend(1u32.to_be_bytes());
        bytes.extend(0u16.to_be_bytes());
        bytes.extend(0u64.to_be_bytes());
        bytes.extend(0u32.to_be_bytes());
        bytes.extend(1_000_000_000u32.to_be_bytes());
        let extraction = extract_bytes(&path(), &bytes);
        assert!(
            extraction.problems[0]
                .message
                .contains("chain of 1000000000")
        );
        // Unknown versions, tags, certificate types.
        let mut bytes = header(0);
        bytes[7] = 9;
        assert!(
            extract_bytes(&path(), &bytes).problems[0]
                .message
                .contains("version 9")
        );
        let mut bytes = header(1);
        bytes.extend(7u32.to_be_bytes());
        bytes.extend(0u16.to_be_bytes());
        bytes.extend(0u64.to_be_bytes());
        assert!(
            extract_bytes(&path(), &bytes).problems[0]
                .message
                .contains("unknown tag 7")
        );
        let mut bytes = header(2);
        bytes.extend(2u32.to_be_bytes());
        bytes.extend(0u16.to_be_bytes());
        bytes.extend(0u64.to_be_bytes());
        bytes.extend(3u16.to_be_bytes());
        bytes.extend(b"PGP");
        bytes.extend(2u32.to_be_bytes());
        bytes.extend(b"xx");
        bytes.extend(3u32.to_be_bytes());
        bytes.extend(1u16.to_be_bytes());
        bytes.push(b's');
        bytes.extend(0u64.to_be_bytes());
        let messages: Vec<String> = extract_bytes(&path(), &bytes)
            .problems
            .into_iter()
            .map(|problem| problem.message)
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("`PGP` certificate"));
        assert!(messages[1].contains("secret key"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(
            magic in proptest::sample::select(vec![JKS_MAGIC, JCEKS_MAGIC, 0]),
            version in 0u32..4,
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..256),
        ) {
            let mut bytes = Vec::new();
            bytes.extend(magic.to_be_bytes());
            bytes.extend(version.to_be_bytes());
            bytes.extend(body);
            let extraction = extract_bytes(&path(), &bytes);
            proptest::prop_assert!(extraction.facts.len() + extraction.problems.len() < 10_000);
        }

        #[test]
        fn corrupted_real_stores_never_panic(
            flips in proptest::collection::vec((0usize..5000, proptest::num::u8::ANY), 1..8),
            cut in 0usize..6000,
        ) {
            let mut bytes = fixture("keystore.jks");
            for (at, value) in flips {
                let at = at % bytes.len();
                bytes[at] = value;
            }
            bytes.truncate(cut.min(bytes.len()));
            let _ = extract_bytes(&path(), &bytes);
        }
    }
}
