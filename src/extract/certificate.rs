//! Certificates and keys: what one X.509 certificate says, as a `certificate`
//! fact, and the dispatch that reads a certificate file by its content.
//!
//! One module per container format reads the bytes ([`pem`], [`der`],
//! [`pkcs12`], [`jks`]); they all hand parsed certificates to one
//! conversion (`certificate_facts`), so a certificate reads the same
//! whichever container holds it.
//!
//! # The `certificate` fact
//!
//! Value: the subject, as an RFC 4514 string (most specific attribute first,
//! `,` between RDNs, `+` inside one, special characters escaped):
//! `emailAddress=integration@example.com,CN=integration@example.com,O=Example Corp,C=US`.
//! That is the order Java (`X500Principal.getName()`, keytool's `Owner:`) and
//! `openssl -nameopt RFC2253` print.
//!
//! Attributes:
//! - `not_before`, `not_after`: RFC 3339 in UTC, `2025-06-01T00:00:00Z`
//!   (the first ten characters are the date rules compare).
//! - `issuer`: the issuer, formatted like the subject.
//! - `email`: the subject's `emailAddress`, else the first `rfc822Name` of
//!   the subject alternative names; absent when neither is there.
//! - `key_algorithm`: `RSA`, `EC`, `Ed25519`, `Ed448`, `DSA`, or the
//!   algorithm's dotted OID.
//! - `key_bits`: RSA modulus bits, EC curve bits (`256` for P-256, `521`
//!   for P-521), `256` for Ed25519, DSA prime bits; absent when unknown.
//! - `signature_algorithm`: OpenSSL's names, `sha256WithRSAEncryption`,
//!   `sha1WithRSAEncryption`, `md5WithRSAEncryption`, `ecdsa-with-SHA256`,
//!   `Ed25519`, `RSASSA-PSS`, ...; the dotted OID when unknown.
//! - `self_signed`: `true` when issuer and subject are the same name and,
//!   where both key identifiers are present, the authority key identifier
//!   is the subject key identifier. The signature itself is not checked:
//!   x509-parser verifies only with its `verify` feature, which links
//!   `ring`, and no rule needs more than "issued by itself".
//! - `client_auth`: `true` when the extended key usage lists `clientAuth`
//!   (or `anyExtendedKeyUsage`); `false` when it does not, and when the
//!   certificate has no extended key usage (Anaplan asks for clientAuth
//!   explicitly).
//! - `anaplan_issued`: `true` when the issuer's organization or common name
//!   contains "Anaplan" (any case). Anaplan issued the certificates of
//!   Certificate Authentication 1.0 itself; a certificate from a public CA
//!   (2.0) names that CA as issuer, even when its subject is an Anaplan
//!   employee (`O=Anaplan, Inc.` issued by `DigiCert`) or customers name their
//!   integration certificates "anaplan-...". Only the issuer is looked at.
//! - `ca`: `true` when basic constraints say `cA`.
//! - `serial`: lowercase hex bytes separated by `:`, as `openssl x509 -text`
//!   prints it.
//! - `container`: `pem`, `der`, `pkcs12` or `jks` (JCEKS too).
//! - `position`: among the certificates of one container (or one keystore
//!   entry), a CA or the issuer of another one is the `root` when it issued
//!   itself and an `intermediate` otherwise; any other certificate is a
//!   `leaf` (a self-signed client certificate too). `index`: 0-based order
//!   in that container or entry.
//! - `alias`: the friendly name (PKCS#12) or entry alias (JKS), when there
//!   is one.
//!
//! # The `private-key` fact
//!
//! Value `unencrypted` or `encrypted`; attribute `format`: `pkcs8`,
//! `pkcs1`, `sec1`, `dsa`, `openssh`, `pkcs8-encrypted`,
//! `openssl-legacy-encrypted` (PEM with `Proc-Type: 4,ENCRYPTED`),
//! `pkcs12`, `jks`, `jceks`. Also `key_algorithm` when the format says it,
//! `container`, `alias`, and for PKCS#12 `password`: `empty` or
//! `found-in-repository` (never the password itself).
//!
//! # Spans
//!
//! In PEM text a fact's span is its whole `-----BEGIN` .. `-----END ...-----`
//! block. Binary containers (DER, PKCS#12, JKS) have no text to point into,
//! so their facts and problems sit at the empty span `0..0` or on the file.

use std::fmt::Write as _;
use std::sync::Arc;

use x509_parser::asn1_rs::{Any, FromDer, Oid, Tag};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::public_key::PublicKey;
use x509_parser::time::ASN1Time;
use x509_parser::x509::{AttributeTypeAndValue, SubjectPublicKeyInfo, X509Name};

use crate::extract::{der, jks, pem, pkcs12};
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::{SourceFile, decode};
use crate::span::Span;

/// The kinds of file a certificate or key can come in; the value of the
/// `container` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Container {
    /// PEM text: `-----BEGIN CERTIFICATE-----` blocks, maybe among other text.
    Pem,
    /// One binary DER certificate (`.cer`, `.crt`, `.der`).
    Der,
    /// A PKCS#12 store (`.p12`, `.pfx`, and `.jks` written by keytool since
    /// Java 9).
    Pkcs12,
    /// A Java `KeyStore` (magic `FEEDFEED`) or JCE `KeyStore` (`CECECECE`).
    Jks,
}

impl Container {
    /// The documented name: `pem`, `der`, `pkcs12`, `jks`.
    pub fn name(self) -> &'static str {
        match self {
            Container::Pem => "pem",
            Container::Der => "der",
            Container::Pkcs12 => "pkcs12",
            Container::Jks => "jks",
        }
    }
}

/// File extensions (lowercase, without the dot) that name certificate, key
/// and keystore files. `.p7b` (PKCS#7 bundles) is not among them: no
/// extractor reads PKCS#7.
pub const EXTENSIONS: [&str; 13] = [
    "pem",
    "crt",
    "cer",
    "cert",
    "der",
    "key",
    "p12",
    "pfx",
    "jks",
    "jceks",
    "keystore",
    "truststore",
    "ks",
];

/// Whether `path`'s extension names a certificate, key or keystore file
/// (case-insensitive). The content still decides the format: see
/// [`detect`].
pub fn is_certificate_name(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty()
            && EXTENSIONS
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
    })
}

/// The container format of `bytes`, decided by content alone: JKS/JCEKS
/// magic, then a DER certificate, then a PKCS#12 `PFX` (a DER sequence of
/// version 3 and pkcs7-data), then PEM text (`-----BEGIN `). `None` when the
/// bytes are none of these.
pub fn detect(bytes: &[u8]) -> Option<Container> {
    if jks::has_magic(bytes) {
        return Some(Container::Jks);
    }
    if bytes.first() == Some(&0x30) {
        // PEM text cannot start with 0x30 unless its first character is
        // `0`; the DER checks below reject such text, so it falls through.
        if der::is_certificate(bytes) {
            return Some(Container::Der);
        }
        if pkcs12::is_pfx(bytes) {
            return Some(Container::Pkcs12);
        }
    }
    if contains(bytes, pem::BEGIN) {
        return Some(Container::Pem);
    }
    // UTF-16 text (a PEM saved by a Windows editor) only shows its marker
    // once decoded.
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    (utf16 && decode(bytes).text.contains(pem::BEGIN)).then_some(Container::Pem)
}

/// Extracts the certificates and keys of a certificate file, choosing the
/// reader by content ([`detect`]); `None` when the bytes are no format
/// connlint reads.
///
/// `passwords` are candidate passwords for a PKCS#12 store, found written
/// for this file in the same repository; the empty password is always tried
/// first. For PEM the text is `source::decode(bytes).text` (lossy UTF-8, BOM
/// stripped), and every span indexes that text.
pub fn extract_certificate_file(
    path: &Arc<str>,
    bytes: &[u8],
    passwords: &[&str],
) -> Option<Extraction> {
    Some(match detect(bytes)? {
        Container::Pem => {
            let source = SourceFile::new(Arc::clone(path), decode(bytes).text);
            pem::extract(&source)
        }
        Container::Der => der::extract_bytes(path, bytes),
        Container::Pkcs12 => pkcs12::extract_bytes(path, bytes, passwords),
        Container::Jks => jks::extract_bytes(path, bytes),
    })
}

/// One certificate of a container, parsed, with where it is written.
pub(crate) struct Found<'a> {
    /// The certificate.
    pub(crate) cert: X509Certificate<'a>,
    /// Its PEM block, or `0..0` in a binary container.
    pub(crate) span: Span,
    /// Its alias or friendly name, when the container gives one.
    pub(crate) alias: Option<String>,
}

/// The `certificate` facts of the certificates one container (or one key
/// entry of a keystore) holds, in order: every attribute documented in the
/// module docs, `position` judged among `found`.
pub(crate) fn certificate_facts(
    found: &[Found<'_>],
    path: &Arc<str>,
    container: Container,
) -> Vec<Fact> {
    found
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let mut fact = certificate_fact(&entry.cert, path, entry.span, container)
                .with("position", position(index, found))
                .with("index", index.to_string());
            if let Some(alias) = &entry.alias {
                fact = fact.with("alias", alias.as_str());
            }
            fact
        })
        .collect()
}

/// A `private-key` fact: `encrypted` or `unencrypted`, in `format`.
pub(crate) fn private_key_fact(
    path: &Arc<str>,
    span: Span,
    encrypted: bool,
    format: &str,
    container: Container,
) -> Fact {
    let value = if encrypted {
        "encrypted"
    } else {
        "unencrypted"
    };
    Fact::new(FactKind::PrivateKey, value, path, span)
        .with("format", format)
        .with("container", container.name())
}

/// The name of a key algorithm OID (from a `SubjectPublicKeyInfo` or a
/// PKCS#8 `PrivateKeyInfo`): `RSA`, `EC`, `Ed25519`, ..., else the OID.
pub(crate) fn key_algorithm_name(oid: &Oid<'_>) -> String {
    key_algorithm_by_id(&oid.to_id_string())
}

/// [`key_algorithm_name`] of a dotted OID.
pub(crate) fn key_algorithm_by_id(id: &str) -> String {
    match id {
        // rsaEncryption; RSASSA-PSS keys are RSA keys too.
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => "RSA".to_owned(),
        "1.2.840.10045.2.1" => "EC".to_owned(),
        "1.3.101.112" => "Ed25519".to_owned(),
        "1.3.101.113" => "Ed448".to_owned(),
        "1.3.101.110" => "X25519".to_owned(),
        "1.3.101.111" => "X448".to_owned(),
        "1.2.840.10040.4.1" => "DSA".to_owned(),
        _ => id.to_owned(),
    }
}

/// Whether `needle` occurs in `haystack`.
pub(crate) fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The fact of one certificate, without the attributes that depend on its
/// neighbours (`position`, `index`, `alias`).
fn certificate_fact(
    cert: &X509Certificate<'_>,
    path: &Arc<str>,
    span: Span,
    container: Container,
) -> Fact {
    let subject = rfc4514(cert.subject());
    let issuer = rfc4514(cert.issuer());
    let validity = cert.validity();
    let summary = Extensions::of(cert);
    let spki = cert.public_key();
    let mut fact = Fact::new(FactKind::Certificate, subject, path, span)
        .with("not_before", rfc3339(&validity.not_before))
        .with("not_after", rfc3339(&validity.not_after))
        .with("issuer", issuer)
        .with(
            "key_algorithm",
            key_algorithm_name(&spki.algorithm.algorithm),
        )
        .with(
            "signature_algorithm",
            signature_algorithm_name(&cert.signature_algorithm.algorithm),
        )
        .with("self_signed", flag(is_self_signed(cert, &summary)))
        .with("client_auth", flag(summary.client_auth))
        .with("anaplan_issued", flag(is_anaplan_issued(cert)))
        .with("ca", flag(summary.ca))
        .with("serial", serial(cert.raw_serial()))
        .with("container", container.name());
    if let Some(bits) = key_bits(spki) {
        fact = fact.with("key_bits", bits.to_string());
    }
    if let Some(email) = email(cert, &summary) {
        fact = fact.with("email", email);
    }
    fact
}

fn flag(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// What the extensions say, read once. Extensions are walked by hand rather
/// than through `X509Certificate::extended_key_usage()` and friends, which
/// fail on a certificate that repeats an extension; a repeated one here is
/// read as the union.
struct Extensions<'a> {
    client_auth: bool,
    ca: bool,
    subject_key_id: Option<&'a [u8]>,
    authority_key_id: Option<&'a [u8]>,
    san_emails: Vec<&'a str>,
}

impl<'a> Extensions<'a> {
    fn of(cert: &'a X509Certificate<'_>) -> Self {
        let mut summary = Extensions {
            client_auth: false,
            ca: false,
            subject_key_id: None,
            authority_key_id: None,
            san_emails: Vec::new(),
        };
        for extension in cert.extensions() {
            match extension.parsed_extension() {
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    summary.client_auth |= eku.client_auth || eku.any;
                }
                ParsedExtension::BasicConstraints(constraints) => {
                    summary.ca |= constraints.ca;
                }
                ParsedExtension::SubjectKeyIdentifier(id) => {
                    summary.subject_key_id = Some(id.0);
                }
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    summary.authority_key_id = aki.key_identifier.as_ref().map(|id| id.0);
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    summary
                        .san_emails
                        .extend(san.general_names.iter().filter_map(|name| match name {
                            GeneralName::RFC822Name(email) => Some(*email),
                            _ => None,
                        }));
                }
                _ => {}
            }
        }
        summary
    }
}

/// Issued by itself: the same name as issuer and subject, and no key
/// identifier saying another key signed it. (See the module docs for why
/// the signature is not verified.)
fn is_self_signed(cert: &X509Certificate<'_>, summary: &Extensions<'_>) -> bool {
    let same_name = cert.subject().as_raw() == cert.issuer().as_raw()
        || rfc4514(cert.subject()) == rfc4514(cert.issuer());
    let same_key = match (summary.authority_key_id, summary.subject_key_id) {
        (Some(authority), Some(subject)) => authority == subject,
        _ => true,
    };
    same_name && same_key
}

/// Whether the name says Anaplan: see the module docs for the heuristic.
fn is_anaplan_issued(cert: &X509Certificate<'_>) -> bool {
    fn names_anaplan<'a>(mut values: impl Iterator<Item = &'a AttributeTypeAndValue<'a>>) -> bool {
        values.any(|value| {
            attribute_text(value).is_some_and(|text| text.to_ascii_lowercase().contains("anaplan"))
        })
    }
    let issuer = cert.issuer();
    names_anaplan(issuer.iter_organization()) || names_anaplan(issuer.iter_common_name())
}

/// The subject's `emailAddress`, else the first SAN `rfc822Name`; blank
/// ones do not count.
fn email(cert: &X509Certificate<'_>, summary: &Extensions<'_>) -> Option<String> {
    cert.subject()
        .iter_email()
        .filter_map(attribute_text)
        .chain(summary.san_emails.iter().map(|email| (*email).to_owned()))
        .map(|email| email.trim().to_owned())
        .find(|email| !email.is_empty())
}

/// `position` of certificate `index` among those of one container: a CA
/// (or the issuer of a neighbour) is the `root` when it issued itself and
/// an `intermediate` otherwise; anything else is a `leaf`, a self-signed
/// client certificate included.
fn position(index: usize, found: &[Found<'_>]) -> &'static str {
    let cert = &found[index].cert;
    let subject = cert.subject().as_raw();
    let issues_another = found
        .iter()
        .enumerate()
        .any(|(other, entry)| other != index && entry.cert.issuer().as_raw() == subject);
    match (
        cert.is_ca() || issues_another,
        subject == cert.issuer().as_raw(),
    ) {
        (true, true) => "root",
        (true, false) => "intermediate",
        (false, _) => "leaf",
    }
}

/// `2025-06-01T00:00:00Z`.
fn rfc3339(time: &ASN1Time) -> String {
    let utc = time.to_datetime().to_offset(::time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

fn serial(raw: &[u8]) -> String {
    raw.iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Key size in bits, computed from the key rather than trusted to
/// x509-parser's `key_size()`, which drops a byte of the RSA modulus and
/// gives a P-521 point 528 bits.
fn key_bits(spki: &SubjectPublicKeyInfo<'_>) -> Option<usize> {
    let algorithm = spki.algorithm.algorithm.to_id_string();
    let bits = match algorithm.as_str() {
        "1.3.101.112" | "1.3.101.110" => 256,
        "1.3.101.113" => 456,
        "1.3.101.111" => 448,
        "1.2.840.10045.2.1" => spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(curve_bits)
            .or_else(|| match spki.parsed() {
                Ok(PublicKey::EC(point)) => Some(point.key_size()),
                _ => None,
            })?,
        "1.2.840.10040.4.1" => spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(dsa_prime_bits)?,
        _ => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => integer_bits(rsa.modulus),
            _ => return None,
        },
    };
    (bits > 0).then_some(bits)
}

/// Bits of a named curve (the `parameters` of an EC key).
fn curve_bits(parameters: &Any<'_>) -> Option<usize> {
    let oid = parameters.clone().oid().ok()?;
    // P-192; P-224; P-256, secp256k1, brainpoolP256r1; P-384,
    // brainpoolP384r1; brainpoolP512r1; P-521.
    Some(match oid.to_id_string().as_str() {
        "1.2.840.10045.3.1.1" => 192,
        "1.3.132.0.33" => 224,
        "1.2.840.10045.3.1.7" | "1.3.132.0.10" | "1.3.36.3.3.2.8.1.1.7" => 256,
        "1.3.132.0.34" | "1.3.36.3.3.2.8.1.1.11" => 384,
        "1.3.36.3.3.2.8.1.1.13" => 512,
        "1.3.132.0.35" => 521,
        _ => return None,
    })
}

/// Bits of `p` in DSA parameters `SEQUENCE { p, q, g }`.
fn dsa_prime_bits(parameters: &Any<'_>) -> Option<usize> {
    let (_, p) = Any::from_der(parameters.data).ok()?;
    (p.tag() == Tag::Integer).then(|| integer_bits(p.data))
}

/// Significant bits of a big-endian unsigned integer (leading zero bytes,
/// such as DER's sign byte, do not count).
fn integer_bits(bytes: &[u8]) -> usize {
    let Some(first) = bytes.iter().position(|&byte| byte != 0) else {
        return 0;
    };
    let leading = bytes[first].leading_zeros() as usize;
    (bytes.len() - first) * 8 - leading
}

/// OpenSSL's name of a signature algorithm OID, else the OID.
fn signature_algorithm_name(oid: &Oid<'_>) -> String {
    let id = oid.to_id_string();
    let name = match id.as_str() {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.10040.4.3" => "dsaWithSHA1",
        "2.16.840.1.101.3.4.3.1" => "dsa_with_SHA224",
        "2.16.840.1.101.3.4.3.2" => "dsa_with_SHA256",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        _ => return id,
    };
    name.to_owned()
}

/// A name as RFC 4514 writes it: RDNs in reverse order, `,` between them,
/// `+` between the attributes of one RDN.
fn rfc4514(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|value| {
                    let text = attribute_text(value).map_or_else(
                        || format!("#{}", hex(value.as_slice())),
                        |text| escape_value(&text),
                    );
                    format!("{}={text}", attribute_name(value.attr_type()))
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

/// The short name of an attribute type, else its OID.
fn attribute_name(oid: &Oid<'_>) -> String {
    let id = oid.to_id_string();
    let name = match id.as_str() {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.42" => "GN",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.2.840.113549.1.9.1" => "emailAddress",
        _ => return id,
    };
    name.to_owned()
}

/// The text of an attribute value in any of the string types names use:
/// x509-parser's `as_str()` knows only the UTF-8 compatible ones, and
/// `BMPString` (UTF-16) subjects come from Windows and Java tools.
fn attribute_text(value: &AttributeTypeAndValue<'_>) -> Option<String> {
    if let Ok(text) = value.as_str() {
        return Some(text.to_owned());
    }
    let bytes = value.as_slice();
    match value.attr_value().tag() {
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        Tag::UniversalString => Some(
            bytes
                .chunks(4)
                .map(|quad| {
                    let mut word = [0u8; 4];
                    word[..quad.len()].copy_from_slice(quad);
                    char::from_u32(u32::from_be_bytes(word)).unwrap_or('\u{FFFD}')
                })
                .collect(),
        ),
        // TeletexString is Latin-1 in practice.
        Tag::T61String => Some(bytes.iter().map(|&byte| char::from(byte)).collect()),
        _ => None,
    }
}

/// RFC 4514 section 2.4 escaping.
fn escape_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let last = text.chars().count().saturating_sub(1);
    for (i, c) in text.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(c),
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// The bytes of a committed fixture under `fixtures/certs/`.
#[cfg(test)]
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/fixtures/certs/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facts of a PEM fixture.
    fn pem_facts(name: &str) -> Vec<Fact> {
        let text = String::from_utf8(fixture(name)).unwrap();
        pem::extract(&SourceFile::new(name, text)).facts
    }

    /// The one certificate fact of a single-certificate PEM fixture.
    fn certificate(name: &str) -> Fact {
        let mut facts = pem_facts(name);
        assert_eq!(facts.len(), 1, "{name}: {facts:?}");
        facts.remove(0)
    }

    fn attributes(fact: &Fact) -> Vec<(&str, &str)> {
        fact.attributes.iter().collect()
    }

    #[test]
    fn the_good_anaplan_ca_client_certificate() {
        let fact = certificate("client.pem");
        assert_eq!(fact.kind, FactKind::Certificate);
        assert_eq!(
            fact.value,
            "emailAddress=integration@example.com,CN=integration@example.com,OU=Integrations,O=Example Corp,C=US"
        );
        assert_eq!(
            attributes(&fact),
            [
                ("anaplan_issued", "false"),
                ("ca", "false"),
                ("client_auth", "true"),
                ("container", "pem"),
                ("email", "integration@example.com"),
                ("index", "0"),
                (
                    "issuer",
                    "CN=Connlint Test Intermediate CA,O=Connlint Test,C=US"
                ),
                ("key_algorithm", "RSA"),
                ("key_bits", "2048"),
                ("not_after", "2030-01-01T00:00:00Z"),
                ("not_before", "2025-01-01T00:00:00Z"),
                ("position", "leaf"),
                ("self_signed", "false"),
                ("serial", "10:02"),
                ("signature_algorithm", "sha256WithRSAEncryption"),
            ]
        );
    }

    #[test]
    fn validity_dates() {
        for (name, not_before, not_after) in [
            (
                "expired.pem",
                "2018-01-01T00:00:00Z",
                "2019-12-31T23:59:59Z",
            ),
            (
                "not-yet-valid.pem",
                "2031-01-01T00:00:00Z",
                "2032-01-01T00:00:00Z",
            ),
            (
                "root-ca.pem",
                "2024-01-01T00:00:00Z",
                "2044-01-01T00:00:00Z",
            ),
        ] {
            let fact = certificate(name);
            assert_eq!(fact.attr("not_before"), Some(not_before), "{name}");
            assert_eq!(fact.attr("not_after"), Some(not_after), "{name}");
        }
    }

    #[test]
    fn keys_and_signatures() {
        for (name, key, bits, signature) in [
            ("sha1.pem", "RSA", "2048", "sha1WithRSAEncryption"),
            ("rsa1024.pem", "RSA", "1024", "sha256WithRSAEncryption"),
            ("ec-p256.pem", "EC", "256", "ecdsa-with-SHA256"),
            ("ed25519.pem", "Ed25519", "256", "Ed25519"),
        ] {
            let fact = certificate(name);
            assert_eq!(fact.attr("key_algorithm"), Some(key), "{name}");
            assert_eq!(fact.attr("key_bits"), Some(bits), "{name}");
            assert_eq!(fact.attr("signature_algorithm"), Some(signature), "{name}");
        }
    }

    #[test]
    fn self_signed_without_email_or_client_auth() {
        let fact = certificate("self-signed.pem");
        assert_eq!(fact.value, "CN=integration.example.com,O=Example Corp,C=US");
        assert_eq!(fact.attr("issuer"), Some(fact.value.as_str()));
        assert_eq!(fact.attr("self_signed"), Some("true"));
        assert_eq!(fact.attr("client_auth"), Some("false"));
        assert_eq!(fact.attr("email"), None);
        // Not a CA: a self-signed client certificate is still a leaf.
        assert_eq!(fact.attr("position"), Some("leaf"));
        let ec = certificate("ec-p256.pem");
        assert_eq!(ec.attr("self_signed"), Some("true"));
        assert_eq!(ec.attr("email"), Some("ec-client@example.com"));
    }

    #[test]
    fn self_issued_by_another_key_is_not_self_signed() {
        let fact = certificate("self-issued.pem");
        assert_eq!(fact.attr("issuer"), Some(fact.value.as_str()));
        assert_eq!(fact.attr("self_signed"), Some("false"));
    }

    #[test]
    fn server_certificate_has_no_client_auth() {
        let fact = certificate("server.pem");
        assert_eq!(fact.attr("client_auth"), Some("false"));
        assert_eq!(fact.attr("email"), None);
    }

    #[test]
    fn anaplan_issued_by_issuer_name() {
        let fact = certificate("anaplan-issued.pem");
        assert_eq!(fact.attr("anaplan_issued"), Some("true"));
        assert_eq!(
            fact.attr("issuer"),
            Some(
                "CN=Anaplan Inc. Certificate Authority,OU=Connlint fake fixture,O=Anaplan Inc.,C=US"
            )
        );
        assert_eq!(fact.attr("not_after"), Some("2019-12-31T23:59:59Z"));
        assert_eq!(fact.attr("serial"), Some("10:0b"));
        for name in ["client.pem", "self-signed.pem", "root-ca.pem"] {
            assert_eq!(certificate(name).attr("anaplan_issued"), Some("false"));
        }
    }

    #[test]
    fn chain_positions() {
        let facts = pem_facts("chain.pem");
        let positions: Vec<_> = facts
            .iter()
            .map(|fact| (fact.attr("index"), fact.attr("position"), fact.attr("ca")))
            .collect();
        assert_eq!(
            positions,
            [
                (Some("0"), Some("leaf"), Some("false")),
                (Some("1"), Some("intermediate"), Some("true")),
                (Some("2"), Some("root"), Some("true")),
            ]
        );
        // Alone in its file, a CA keeps its place.
        assert_eq!(
            certificate("intermediate-ca.pem").attr("position"),
            Some("intermediate")
        );
        assert_eq!(certificate("root-ca.pem").attr("position"), Some("root"));
    }

    #[test]
    fn names_escape_like_rfc_4514() {
        assert_eq!(escape_value("Example, Inc."), "Example\\, Inc.");
        assert_eq!(escape_value("#1 a+b"), "\\#1 a\\+b");
        assert_eq!(escape_value(" padded "), "\\ padded\\ ");
        assert_eq!(escape_value("Zoë <x>;\"q\""), "Zoë \\<x\\>\\;\\\"q\\\"");
    }

    #[test]
    fn integer_bits_skip_sign_and_leading_zeros() {
        assert_eq!(integer_bits(&[]), 0);
        assert_eq!(integer_bits(&[0, 0]), 0);
        assert_eq!(integer_bits(&[0x00, 0x80]), 8);
        assert_eq!(integer_bits(&[0x01, 0x00]), 9);
        assert_eq!(integer_bits(&[0x00, 0xFF, 0x00]), 16);
    }

    #[test]
    fn names_of_oids() {
        let oid = |id: &str| <Oid as std::str::FromStr>::from_str(id).unwrap();
        assert_eq!(
            signature_algorithm_name(&oid("1.2.840.113549.1.1.4")),
            "md5WithRSAEncryption"
        );
        assert_eq!(signature_algorithm_name(&oid("1.2.3.4")), "1.2.3.4");
        assert_eq!(key_algorithm_name(&oid("1.2.840.10040.4.1")), "DSA");
        assert_eq!(key_algorithm_by_id("1.2.3"), "1.2.3");
    }

    // Dispatch by content.

    #[test]
    fn detect_by_content_not_name() {
        let cases = [
            ("client.pem", Some(Container::Pem)),
            ("text-dump.pem", Some(Container::Pem)),
            ("key-pkcs8.pem", Some(Container::Pem)),
            ("client.cer", Some(Container::Der)),
            ("client-pass.p12", Some(Container::Pkcs12)),
            ("client-nopass-legacy.p12", Some(Container::Pkcs12)),
            ("keystore-pkcs12.jks", Some(Container::Pkcs12)),
            ("keystore.jks", Some(Container::Jks)),
            ("keystore.jceks", Some(Container::Jks)),
            ("generate.sh", None),
        ];
        for (name, container) in cases {
            assert_eq!(detect(&fixture(name)), container, "{name}");
        }
        assert_eq!(detect(b""), None);
        assert_eq!(
            detect(b"0 certificates\n-----BEGIN CERTIFICATE-----"),
            Some(Container::Pem)
        );
        assert_eq!(detect(&[0x30, 0x03, 0x02, 0x01, 0x03]), None);
    }

    #[test]
    fn extract_a_certificate_file_of_each_container() {
        let passwords = ["fixture-jks-pass", "fixture-p12-pass"];
        for (name, container, facts) in [
            ("chain.pem", "pem", 3),
            ("client.cer", "der", 1),
            ("client-pass-legacy.p12", "pkcs12", 4),
            ("keystore-pkcs12.jks", "pkcs12", 5),
            ("keystore.jks", "jks", 5),
        ] {
            let path: Arc<str> = Arc::from(name);
            let extraction = extract_certificate_file(&path, &fixture(name), &passwords).unwrap();
            assert!(
                extraction.problems.is_empty(),
                "{name}: {:?}",
                extraction.problems
            );
            assert_eq!(extraction.facts.len(), facts, "{name}");
            assert!(
                extraction
                    .facts
                    .iter()
                    .all(|fact| fact.attr("container") == Some(container))
            );
            assert!(
                extraction
                    .facts
                    .iter()
                    .all(|fact| fact.path == path && fact.origin == path)
            );
        }
        let path: Arc<str> = Arc::from("generate.sh");
        assert!(extract_certificate_file(&path, &fixture("generate.sh"), &[]).is_none());
    }

    #[test]
    fn pem_spans_index_the_decoded_text() {
        // A UTF-16 PEM (with BOM), as a Windows editor may save it.
        let text = format!("é\n{}", String::from_utf8(fixture("client.pem")).unwrap());
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let path: Arc<str> = Arc::from("client.crt");
        let extraction = extract_certificate_file(&path, &bytes, &[]).unwrap();
        let decoded = decode(&bytes).text;
        assert_eq!(extraction.facts.len(), 1);
        let raw = &decoded[extraction.facts[0].span.range()];
        assert!(raw.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(extraction.facts[0].span.start, 3);
    }

    #[test]
    fn certificate_names() {
        for name in [
            "client.pem",
            "conf/CLIENT.P12",
            "a/b/store.jks",
            "c:\\certs\\x.Pfx",
            "trust.keystore",
            "ca.crt",
            "key.key",
            "x.der",
            "x.cer",
        ] {
            assert!(is_certificate_name(name), "{name}");
        }
        for name in ["bundle.p7b", "pem", ".pem", "notes.txt", "certs/", "jks.sh"] {
            assert!(!is_certificate_name(name), "{name}");
        }
    }
}
