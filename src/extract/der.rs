//! Binary DER certificates: the `.cer`, `.crt` and `.der` files Windows
//! certificate export, Java `keytool -exportcert` and `openssl -outform DER`
//! write.
//!
//! A binary file has no text to point into, so every fact and problem sits
//! at the empty span `0..0`. Several certificates written back to back (a
//! rare bundle) are read in order as one container.

use std::sync::Arc;

use x509_parser::asn1_rs::FromDer;
use x509_parser::certificate::X509Certificate;

use crate::extract::certificate::{Container, Found, certificate_facts};
use crate::facts::{Extraction, Problem};
use crate::span::Span;

/// More certificates than this in one DER file is not a certificate file.
const MAX_CERTIFICATES: usize = 64;

/// Extracts the `certificate` facts of a DER certificate file (container
/// `der`), or a problem on the file when the bytes are not one.
pub fn extract_bytes(path: &Arc<str>, bytes: &[u8]) -> Extraction {
    let mut extraction = Extraction::default();
    let mut found = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() && found.len() < MAX_CERTIFICATES {
        match X509Certificate::from_der(rest) {
            Ok((next, cert)) => {
                found.push(Found {
                    cert,
                    span: Span::new(0, 0),
                    alias: None,
                });
                rest = next;
            }
            Err(error) => {
                // Trailing bytes that do not even start a DER sequence
                // (padding, a newline) are not worth a problem.
                if found.is_empty() || rest.first() == Some(&0x30) {
                    extraction.problems.push(Problem::file(
                        path,
                        format!("not a DER X.509 certificate: {error}"),
                    ));
                }
                break;
            }
        }
    }
    extraction
        .facts
        .extend(certificate_facts(&found, path, Container::Der));
    extraction
}

/// Whether `bytes` start with a DER X.509 certificate.
pub(crate) fn is_certificate(bytes: &[u8]) -> bool {
    X509Certificate::from_der(bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::certificate::fixture;
    use crate::facts::FactKind;

    fn path() -> Arc<str> {
        Arc::from("certs/client.cer")
    }

    #[test]
    fn a_der_certificate() {
        let extraction = extract_bytes(&path(), &fixture("client.cer"));
        assert!(extraction.problems.is_empty());
        assert_eq!(extraction.facts.len(), 1);
        let fact = &extraction.facts[0];
        assert_eq!(fact.kind, FactKind::Certificate);
        assert_eq!(fact.span, Span::new(0, 0));
        assert_eq!(
            fact.value,
            "emailAddress=integration@example.com,CN=integration@example.com,OU=Integrations,O=Example Corp,C=US"
        );
        assert_eq!(fact.attr("container"), Some("der"));
        assert_eq!(fact.attr("not_after"), Some("2030-01-01T00:00:00Z"));
        assert_eq!(fact.attr("client_auth"), Some("true"));
        assert!(is_certificate(&fixture("client.cer")));
    }

    #[test]
    fn back_to_back_certificates_and_trailing_newline() {
        let mut bytes = fixture("client.cer");
        bytes.extend(fixture("client.cer"));
        bytes.push(b'\n');
        let extraction = extract_bytes(&path(), &bytes);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        assert_eq!(extraction.facts.len(), 2);
        assert_eq!(extraction.facts[1].attr("index"), Some("1"));
    }

    #[test]
    fn not_der_is_a_problem_on_the_file() {
        for bytes in [&b"hello"[..], &[0x30, 0x82, 0xFF, 0xFF, 0x01], &[]] {
            let extraction = extract_bytes(&path(), bytes);
            assert!(extraction.facts.is_empty());
            assert!(!is_certificate(bytes));
            if !bytes.is_empty() {
                assert_eq!(extraction.problems.len(), 1);
                assert_eq!(extraction.problems[0].span, None);
            }
        }
        let cer = fixture("client.cer");
        for end in 0..cer.len() {
            let extraction = extract_bytes(&path(), &cer[..end]);
            assert!(extraction.facts.is_empty());
        }
    }
}
