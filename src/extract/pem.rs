//! PEM text: certificates and private keys between `-----BEGIN ...-----` and
//! `-----END ...-----` lines, as `openssl`, keytool `-rfc`, Windows "Base-64
//! encoded X.509" exports and certificate vendors write them.
//!
//! Anything outside blocks is ignored: `openssl x509 -text` dumps before a
//! block, the `Bag Attributes` / `subject=` lines `openssl pkcs12 -nodes`
//! writes, comments. Lines may end in CRLF and may be indented (a PEM pasted
//! into a config). Blocks read: `CERTIFICATE`, `X509 CERTIFICATE`,
//! `TRUSTED CERTIFICATE` (OpenSSL's certificate with trust settings after
//! it), `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, `RSA PRIVATE KEY`,
//! `EC PRIVATE KEY`, `DSA PRIVATE KEY` and `OPENSSH PRIVATE KEY`. Other
//! blocks (requests, CRLs, public keys, PKCS#7, parameters) are skipped
//! without a word. A block that is not base64, not DER of its kind, or has
//! no matching END line becomes a problem at its span, and reading goes on.
//!
//! Every fact's span is its whole block, from the first `-` of `-----BEGIN`
//! to the last `-` of `-----END ...-----`.

use std::io::Cursor;
use std::ops::Range;
use std::sync::Arc;

use x509_parser::asn1_rs::{FromDer, Integer, Sequence};
use x509_parser::certificate::X509Certificate;
use x509_parser::x509::AlgorithmIdentifier;

use crate::extract::certificate::{
    Container, Found, certificate_facts, key_algorithm_name, private_key_fact,
};
use crate::facts::{Extraction, Fact, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// The marker that opens a PEM block; its presence makes text PEM.
pub const BEGIN: &str = "-----BEGIN ";

/// Extracts the `certificate` and `private-key` facts of PEM text: the
/// certificates of the file as one container (so a chain gets positions
/// `leaf`, `intermediate`, `root`), and a key fact per key block.
pub fn extract(source: &SourceFile) -> Extraction {
    let text = &*source.text;
    let path = &source.path;
    let mut extraction = Extraction::default();
    let blocks = find_blocks(text, path, &mut extraction.problems);
    // Certificates borrow their decoded DER, so every block is decoded
    // before any is parsed.
    let mut decoded = Vec::new();
    for block in &blocks {
        let Some(kind) = BlockKind::of(&block.label) else {
            continue;
        };
        if kind != BlockKind::Certificate && block.encrypted_headers {
            // OpenSSL's legacy encryption: the body is ciphertext under
            // RFC 1421 headers, so there is nothing to decode.
            extraction.facts.push(with_key_algorithm(
                private_key_fact(
                    path,
                    block.span,
                    true,
                    "openssl-legacy-encrypted",
                    Container::Pem,
                ),
                kind.key_algorithm(),
            ));
            continue;
        }
        match decode_body(text, block) {
            Some(der) => decoded.push((block, kind, der)),
            None => extraction.problems.push(Problem::at(
                path,
                block.span,
                format!("PEM block `{}` is not valid base64", block.label),
            )),
        }
    }
    let mut certificates = Vec::new();
    for (block, kind, der) in &decoded {
        if *kind == BlockKind::Certificate {
            // A TRUSTED CERTIFICATE has OpenSSL's trust settings after the
            // certificate: what follows the certificate is not looked at.
            match X509Certificate::from_der(der) {
                Ok((_, cert)) => certificates.push(Found {
                    cert,
                    span: block.span,
                    alias: None,
                }),
                Err(error) => extraction.problems.push(Problem::at(
                    path,
                    block.span,
                    format!(
                        "PEM block `{}` is not an X.509 certificate: {error}",
                        block.label
                    ),
                )),
            }
            continue;
        }
        match key_fact(*kind, block, der, path) {
            Ok(fact) => extraction.facts.push(fact),
            Err(message) => extraction
                .problems
                .push(Problem::at(path, block.span, message)),
        }
    }
    extraction
        .facts
        .extend(certificate_facts(&certificates, path, Container::Pem));
    extraction.facts.sort_by_key(|fact| fact.span);
    extraction
}

/// What a block holds, by its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    Certificate,
    Pkcs8,
    EncryptedPkcs8,
    Pkcs1,
    Sec1,
    Dsa,
    OpenSsh,
}

impl BlockKind {
    fn of(label: &str) -> Option<Self> {
        Some(match label {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => BlockKind::Certificate,
            "PRIVATE KEY" => BlockKind::Pkcs8,
            "ENCRYPTED PRIVATE KEY" => BlockKind::EncryptedPkcs8,
            "RSA PRIVATE KEY" => BlockKind::Pkcs1,
            "EC PRIVATE KEY" => BlockKind::Sec1,
            "DSA PRIVATE KEY" => BlockKind::Dsa,
            "OPENSSH PRIVATE KEY" => BlockKind::OpenSsh,
            _ => return None,
        })
    }

    /// The key algorithm the label names, for traditional key blocks.
    fn key_algorithm(self) -> Option<String> {
        match self {
            BlockKind::Pkcs1 => Some("RSA".to_owned()),
            BlockKind::Sec1 => Some("EC".to_owned()),
            BlockKind::Dsa => Some("DSA".to_owned()),
            _ => None,
        }
    }
}

/// One `BEGIN`..`END` block.
#[derive(Debug)]
struct Block {
    label: String,
    /// From `-----BEGIN` to the end of `-----END ...-----`.
    span: Span,
    /// Byte ranges of the base64 lines, trimmed.
    body: Vec<Range<usize>>,
    /// RFC 1421 headers say `Proc-Type: 4,ENCRYPTED`.
    encrypted_headers: bool,
}

/// A line of `text` without its terminator, and where it starts.
struct Line<'a> {
    start: usize,
    content: &'a str,
}

impl Line<'_> {
    /// Offset of the first non-blank byte.
    fn indent(&self) -> usize {
        self.content.len() - self.content.trim_start().len()
    }

    fn trimmed(&self) -> &str {
        self.content.trim()
    }
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let content = piece.strip_suffix('\n').unwrap_or(piece);
        let content = content.strip_suffix('\r').unwrap_or(content);
        out.push(Line { start, content });
        start += piece.len();
    }
    out
}

/// The label of a `-----BEGIN LABEL-----` (or END) line, when `line` is one.
fn marker_label<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let rest = line.trim().strip_prefix(marker)?;
    let end = rest.find("-----")?;
    Some(&rest[..end])
}

/// Every block of `text`. A BEGIN without its END (or an END with another
/// label) is a problem spanning the BEGIN line; reading resumes after it.
fn find_blocks(text: &str, path: &Arc<str>, problems: &mut Vec<Problem>) -> Vec<Block> {
    let lines = lines(text);
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let Some(label) = marker_label(line.content, BEGIN) else {
            i += 1;
            continue;
        };
        let begin = line.start + line.indent();
        let begin_line_end = line.start + line.content.trim_end().len();
        let mut j = i + 1;
        let mut end = None;
        while j < lines.len() {
            let candidate = &lines[j];
            if marker_label(candidate.content, BEGIN).is_some() {
                break;
            }
            if let Some(end_label) = marker_label(candidate.content, "-----END ") {
                end = Some((j, end_label));
                break;
            }
            j += 1;
        }
        match end {
            Some((j, end_label)) if end_label == label => {
                let end_line = &lines[j];
                // The END marker is `-----END ` + label + `-----`.
                let end_at = end_line.start
                    + end_line.indent()
                    + "-----END ".len()
                    + label.len()
                    + "-----".len();
                blocks.push(read_block(
                    label,
                    Span::new(begin, end_at),
                    &lines[i + 1..j],
                ));
                i = j + 1;
            }
            Some((j, end_label)) => {
                problems.push(Problem::at(
                    path,
                    Span::new(begin, begin_line_end),
                    format!("PEM block `BEGIN {label}` ends with `END {end_label}`"),
                ));
                i = j + 1;
            }
            None => {
                problems.push(Problem::at(
                    path,
                    Span::new(begin, begin_line_end),
                    format!("PEM block `BEGIN {label}` has no `END {label}` line"),
                ));
                i += 1;
            }
        }
    }
    blocks
}

/// The body of a block: RFC 1421 headers (`Name: value` lines, indented
/// continuations, then maybe a blank line), then base64 lines.
fn read_block(label: &str, span: Span, inner: &[Line<'_>]) -> Block {
    let mut encrypted_headers = false;
    let mut body = Vec::new();
    let mut in_headers = true;
    let mut seen_header = false;
    for line in inner {
        let trimmed = line.trimmed();
        if in_headers {
            // Base64 has no `:`, so a line with one is a header.
            if let Some((name, value)) = trimmed.split_once(':') {
                if name.trim().eq_ignore_ascii_case("Proc-Type")
                    && value.to_ascii_uppercase().contains("ENCRYPTED")
                {
                    encrypted_headers = true;
                }
                seen_header = true;
                continue;
            }
            // An indented line after a header continues it.
            if seen_header && line.indent() > 0 && !trimmed.is_empty() {
                continue;
            }
            in_headers = false;
        }
        if !trimmed.is_empty() {
            let start = line.start + line.indent();
            body.push(start..start + trimmed.len());
        }
    }
    Block {
        label: label.to_owned(),
        span,
        body,
        encrypted_headers,
    }
}

/// The decoded bytes of a block's base64 body. Decoding goes through
/// x509-parser's PEM reader (on the body rebuilt without indentation and
/// headers) rather than a base64 routine of our own.
fn decode_body(text: &str, block: &Block) -> Option<Vec<u8>> {
    let mut rebuilt = String::from("-----BEGIN X-----\n");
    for range in &block.body {
        rebuilt.push_str(&text[range.clone()]);
        rebuilt.push('\n');
    }
    rebuilt.push_str("-----END X-----\n");
    let (pem, _) = x509_parser::pem::Pem::read(Cursor::new(rebuilt.as_bytes())).ok()?;
    Some(pem.contents)
}

/// The `private-key` fact of a key block, or why the block is not a key.
fn key_fact(kind: BlockKind, block: &Block, der: &[u8], path: &Arc<str>) -> Result<Fact, String> {
    let not_a = |what: &str| format!("PEM block `{}` is not {what}", block.label);
    let (encrypted, format, algorithm) = match kind {
        BlockKind::Pkcs8 => {
            let algorithm = pkcs8_algorithm(der).ok_or_else(|| not_a("a PKCS#8 private key"))?;
            (false, "pkcs8", Some(algorithm))
        }
        BlockKind::EncryptedPkcs8 => {
            der_sequence(der).ok_or_else(|| not_a("an encrypted PKCS#8 private key"))?;
            (true, "pkcs8-encrypted", None)
        }
        BlockKind::Pkcs1 => {
            der_sequence(der).ok_or_else(|| not_a("a PKCS#1 RSA private key"))?;
            (false, "pkcs1", kind.key_algorithm())
        }
        BlockKind::Sec1 => {
            der_sequence(der).ok_or_else(|| not_a("a SEC1 EC private key"))?;
            (false, "sec1", kind.key_algorithm())
        }
        BlockKind::Dsa => {
            der_sequence(der).ok_or_else(|| not_a("a DSA private key"))?;
            (false, "dsa", kind.key_algorithm())
        }
        BlockKind::OpenSsh => {
            let encrypted =
                openssh_encrypted(der).ok_or_else(|| not_a("an OpenSSH private key"))?;
            (encrypted, "openssh", None)
        }
        BlockKind::Certificate => return Err(not_a("a private key")),
    };
    Ok(with_key_algorithm(
        private_key_fact(path, block.span, encrypted, format, Container::Pem),
        algorithm,
    ))
}

fn with_key_algorithm(fact: Fact, algorithm: Option<String>) -> Fact {
    match algorithm {
        Some(algorithm) => fact.with("key_algorithm", algorithm),
        None => fact,
    }
}

/// The content of `der` when it is one DER SEQUENCE.
fn der_sequence(der: &[u8]) -> Option<Sequence<'_>> {
    Sequence::from_der(der).ok().map(|(_, sequence)| sequence)
}

/// The key algorithm of a PKCS#8 `PrivateKeyInfo`:
/// `SEQUENCE { version INTEGER, algorithm AlgorithmIdentifier, ... }`.
fn pkcs8_algorithm(der: &[u8]) -> Option<String> {
    let sequence = der_sequence(der)?;
    let (rest, _version) = Integer::from_der(&sequence.content).ok()?;
    let (_, algorithm) = AlgorithmIdentifier::from_der(rest).ok()?;
    Some(key_algorithm_name(&algorithm.algorithm))
}

/// Whether an `openssh-key-v1` key is encrypted: its first field after the
/// magic is the cipher name, `none` when it is not.
fn openssh_encrypted(data: &[u8]) -> Option<bool> {
    let rest = data.strip_prefix(b"openssh-key-v1\0")?;
    let length = usize::try_from(u32::from_be_bytes(rest.get(..4)?.try_into().ok()?)).ok()?;
    let cipher = rest.get(4..4usize.checked_add(length)?)?;
    Some(cipher != b"none")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::certificate::fixture;
    use crate::facts::FactKind;

    fn run(name: &str, text: &str) -> Extraction {
        let extraction = extract(&SourceFile::new(name, text));
        assert!(extraction.spans_are_valid(text), "{name}");
        extraction
    }

    fn fixture_text(name: &str) -> String {
        String::from_utf8(fixture(name)).unwrap()
    }

    /// The raw text under each fact's span.
    fn raws<'t>(text: &'t str, extraction: &Extraction) -> Vec<&'t str> {
        extraction
            .facts
            .iter()
            .map(|fact| &text[fact.span.range()])
            .collect()
    }

    fn assert_blocks(text: &str, extraction: &Extraction) {
        for raw in raws(text, extraction) {
            assert!(raw.starts_with("-----BEGIN "), "{raw}");
            assert!(raw.ends_with("-----") && !raw.ends_with('\r'), "{raw}");
            assert!(
                raw.lines().last().unwrap().starts_with("-----END "),
                "{raw}"
            );
        }
    }

    #[test]
    fn every_span_is_a_whole_block() {
        for name in [
            "chain.pem",
            "chain-crlf.pem",
            "text-dump.pem",
            "bag-attributes.pem",
            "trusted.pem",
            "key-pkcs8.pem",
            "key-pkcs1.pem",
            "key-pkcs8-encrypted.pem",
            "key-legacy-encrypted.pem",
            "key-sec1.pem",
        ] {
            let text = fixture_text(name);
            let extraction = run(name, &text);
            assert!(!extraction.facts.is_empty(), "{name}");
            assert!(
                extraction.problems.is_empty(),
                "{name}: {:?}",
                extraction.problems
            );
            assert_blocks(&text, &extraction);
        }
    }

    #[test]
    fn a_chain_is_three_certificates_in_order() {
        let text = fixture_text("chain.pem");
        let extraction = run("chain.pem", &text);
        let subjects: Vec<&str> = extraction.facts.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(
            subjects,
            [
                "emailAddress=integration@example.com,CN=integration@example.com,OU=Integrations,O=Example Corp,C=US",
                "CN=Connlint Test Intermediate CA,O=Connlint Test,C=US",
                "CN=Connlint Test Root CA,O=Connlint Test,C=US",
            ]
        );
        let client = fixture_text("client.pem");
        assert_eq!(raws(&text, &extraction)[0], client.trim_end());
    }

    #[test]
    fn crlf_spans_stop_before_the_carriage_return() {
        let text = fixture_text("chain-crlf.pem");
        assert!(text.contains("\r\n"));
        let extraction = run("chain-crlf.pem", &text);
        assert_eq!(extraction.facts.len(), 3);
        let first = extraction.facts[0].span;
        assert_eq!(first.start, 0);
        assert_eq!(&text[first.end as usize..first.end as usize + 2], "\r\n");
        assert_eq!(
            extraction.facts[0].value,
            run("chain.pem", &fixture_text("chain.pem")).facts[0].value
        );
    }

    #[test]
    fn text_dump_before_the_block() {
        let text = fixture_text("text-dump.pem");
        let extraction = run("text-dump.pem", &text);
        assert_eq!(extraction.facts.len(), 1);
        let begin = text.find("-----BEGIN CERTIFICATE-----").unwrap();
        assert!(begin > 0 && text.starts_with("Certificate:"));
        assert_eq!(extraction.facts[0].span.start as usize, begin);
        assert_eq!(extraction.facts[0].span.end as usize, text.trim_end().len());
    }

    #[test]
    fn bag_attributes_from_openssl_pkcs12_nodes() {
        let text = fixture_text("bag-attributes.pem");
        assert!(text.starts_with("Bag Attributes"));
        let extraction = run("bag-attributes.pem", &text);
        let kinds: Vec<(FactKind, Option<&str>)> = extraction
            .facts
            .iter()
            .map(|fact| (fact.kind, fact.attr("position").or(fact.attr("format"))))
            .collect();
        assert_eq!(
            kinds,
            [
                (FactKind::Certificate, Some("leaf")),
                (FactKind::Certificate, Some("intermediate")),
                (FactKind::Certificate, Some("root")),
                (FactKind::PrivateKey, Some("pkcs8")),
            ]
        );
        assert_eq!(extraction.facts[3].value, "unencrypted");
    }

    #[test]
    fn trusted_certificate_block() {
        let text = fixture_text("trusted.pem");
        let extraction = run("trusted.pem", &text);
        assert_eq!(extraction.facts.len(), 1);
        assert_eq!(
            extraction.facts[0].value,
            "CN=Connlint Test Root CA,O=Connlint Test,C=US"
        );
        assert!(raws(&text, &extraction)[0].starts_with("-----BEGIN TRUSTED CERTIFICATE-----"));
    }

    #[test]
    fn private_key_shapes() {
        for (name, value, format, algorithm) in [
            ("key-pkcs8.pem", "unencrypted", "pkcs8", Some("RSA")),
            ("key-pkcs1.pem", "unencrypted", "pkcs1", Some("RSA")),
            ("key-sec1.pem", "unencrypted", "sec1", Some("EC")),
            (
                "key-pkcs8-encrypted.pem",
                "encrypted",
                "pkcs8-encrypted",
                None,
            ),
            (
                "key-legacy-encrypted.pem",
                "encrypted",
                "openssl-legacy-encrypted",
                Some("RSA"),
            ),
        ] {
            let extraction = run(name, &fixture_text(name));
            assert_eq!(extraction.facts.len(), 1, "{name}");
            let fact = &extraction.facts[0];
            assert_eq!(fact.kind, FactKind::PrivateKey, "{name}");
            assert_eq!(fact.value, value, "{name}");
            assert_eq!(fact.attr("format"), Some(format), "{name}");
            assert_eq!(fact.attr("key_algorithm"), algorithm, "{name}");
            assert_eq!(fact.attr("container"), Some("pem"), "{name}");
        }
    }

    #[test]
    fn openssh_keys() {
        let plain = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----\n";
        let locked = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAAAAAAAE=\n-----END OPENSSH PRIVATE KEY-----\n";
        for (text, value) in [(plain, "unencrypted"), (locked, "encrypted")] {
            let extraction = run("id_rsa", text);
            assert_eq!(extraction.facts.len(), 1);
            assert_eq!(extraction.facts[0].value, value);
            assert_eq!(extraction.facts[0].attr("format"), Some("openssh"));
        }
    }

    #[test]
    fn malformed_blocks_are_problems_and_reading_goes_on() {
        let good = fixture_text("client.pem");
        let bad_base64 =
            "-----BEGIN CERTIFICATE-----\nMIID!!!not base64***\n-----END CERTIFICATE-----";
        let not_der =
            "-----BEGIN CERTIFICATE-----\naGVsbG8sIG5vdCBERVI=\n-----END CERTIFICATE-----";
        let bad_key =
            "-----BEGIN PRIVATE KEY-----\naGVsbG8sIG5vdCBERVI=\n-----END PRIVATE KEY-----";
        let text = format!("{bad_base64}\n{not_der}\r\n{bad_key}\n{good}");
        let extraction = run("bundle.pem", &text);
        assert_eq!(extraction.facts.len(), 1);
        assert_eq!(extraction.facts[0].kind, FactKind::Certificate);
        let problems: Vec<(&str, &str)> = extraction
            .problems
            .iter()
            .map(|problem| {
                (
                    &text[problem.span.unwrap().range()],
                    problem.message.as_str(),
                )
            })
            .collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(problems[0].0, bad_base64);
        assert!(problems[0].1.contains("not valid base64"));
        assert_eq!(problems[1].0, not_der);
        assert!(problems[1].1.contains("not an X.509 certificate"));
        assert_eq!(problems[2].0, bad_key);
        assert!(problems[2].1.contains("not a PKCS#8 private key"));
    }

    #[test]
    fn unterminated_and_mismatched_blocks() {
        let good = fixture_text("root-ca.pem");
        let text = format!(
            "-----BEGIN CERTIFICATE-----\nMIIB\n{good}-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"
        );
        let extraction = run("broken.pem", &text);
        assert_eq!(extraction.facts.len(), 1);
        let problems: Vec<&str> = extraction
            .problems
            .iter()
            .map(|problem| &text[problem.span.unwrap().range()])
            .collect();
        assert_eq!(
            problems,
            [
                "-----BEGIN CERTIFICATE-----",
                "-----BEGIN RSA PRIVATE KEY-----"
            ]
        );
        assert!(
            extraction.problems[0]
                .message
                .contains("no `END CERTIFICATE`")
        );
        assert!(
            extraction.problems[1]
                .message
                .contains("ends with `END PRIVATE KEY`")
        );
    }

    #[test]
    fn other_blocks_and_plain_text_are_quiet() {
        let text = "# notes\n-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----\n";
        let extraction = run("misc.pem", text);
        assert!(extraction.facts.is_empty() && extraction.problems.is_empty());
    }

    #[test]
    fn indented_block_after_non_ascii_text() {
        let cert = fixture_text("client.pem");
        let indented: String = cert.lines().flat_map(|line| ["    ", line, "\n"]).collect();
        let text = format!("# clé de l'intégration é\ncertificate: |\n{indented}");
        let extraction = run("values.yaml", &text);
        assert_eq!(extraction.facts.len(), 1, "{:?}", extraction.problems);
        let raw = raws(&text, &extraction)[0];
        assert!(raw.starts_with("-----BEGIN CERTIFICATE-----\n    MII"));
        assert!(raw.ends_with("    -----END CERTIFICATE-----"));
        assert_eq!(
            extraction.facts[0].attr("email"),
            Some("integration@example.com")
        );
    }

    #[test]
    fn every_prefix_of_every_fixture_keeps_spans_valid() {
        for name in [
            "chain-crlf.pem",
            "bag-attributes.pem",
            "key-legacy-encrypted.pem",
        ] {
            let text = fixture_text(name);
            for end in (0..=text.len()).filter(|&end| text.is_char_boundary(end)) {
                run(name, &text[..end]);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----",
                "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----",
                "-----BEGIN OPENSSH PRIVATE KEY-----", "-----END OPENSSH PRIVATE KEY-----",
                "-----BEGIN ", "-----END ", "-----", "Proc-Type: 4,ENCRYPTED",
                "MIIB", "aGVsbG8=", "b3BlbnNzaC1rZXktdjEAAAAA", "=", "é", "\n", "\r\n", "  ",
            ]), 0..24),
        ) {
            let text: String = pieces.concat();
            let extraction = extract(&SourceFile::new("fuzz.pem", text.as_str()));
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }
}
