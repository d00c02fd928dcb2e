//! `ActiveMQ` (and Artemis) connection URIs: TLS options in the query of an
//! `ssl://` URI, in any text that holds one (a properties value, a Spring
//! `broker-url`, an `activemq.xml` connector `uri` attribute, a command).
//!
//! - `transport.enabledProtocols=TLSv1,TLSv1.1` (also `socket.`): a
//!   `tls.protocol` per item, effect `enable`.
//! - `transport.enabledCipherSuites=...`: a `tls.cipher` per item.
//! - `transport.verifyHostName=false` (also `socket.`):
//!   `tls.verification` `disabled`, `check = hostname`.
//!
//! An option ends at `&` (so `&amp;` in XML ends it too), whitespace or a
//! quote.

use crate::extract::ciphers;
use crate::extract::java::{self, Clue};
use crate::facts::FactKind;

/// The TLS protocol clues of the `ActiveMQ` URIs in `text` (what
/// `transport.enabledProtocols` lists), located by byte ranges of `text`.
pub fn activemq_protocols(text: &str) -> Vec<Clue> {
    uri_clues(text)
        .into_iter()
        .filter(|clue| clue.kind == FactKind::TlsProtocol)
        .collect()
}

/// Every TLS clue of the `ActiveMQ` URIs in `text`: protocols, cipher
/// suites and host-name verification.
pub fn uri_clues(text: &str) -> Vec<Clue> {
    if !text.contains("transport.") && !text.contains("socket.") {
        return Vec::new();
    }
    let option = static_regex!(
        r#"(?:^|[?&;])((?:transport|socket)\.(enabledProtocols|enabledCipherSuites|verifyHostName))=([^&\s"'<>]*)"#
    );
    let mut out = Vec::new();
    for caps in option.captures_iter(text) {
        let (Some(setting), Some(name), Some(value)) = (caps.get(1), caps.get(2), caps.get(3))
        else {
            continue;
        };
        match name.as_str() {
            "enabledProtocols" => out.extend(java::protocol_list(
                value.as_str(),
                value.start(),
                setting.as_str(),
                "enable",
            )),
            "enabledCipherSuites" => out.extend(ciphers::cipher_list(
                value.as_str(),
                value.start(),
                setting.as_str(),
            )),
            _ if value.as_str().eq_ignore_ascii_case("false") => out.push(Clue {
                kind: FactKind::TlsVerification,
                range: value.range(),
                value: "disabled".to_owned(),
                attributes: vec![
                    ("setting", setting.as_str().to_owned()),
                    ("check", "hostname".to_owned()),
                ],
            }),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_in_a_broker_url() {
        let text = "ssl://mq.example.com:61617?transport.enabledProtocols=TLSv1,TLSv1.1&transport.verifyHostName=false&jms.prefetchPolicy.all=10";
        let found = uri_clues(text);
        let raw: Vec<&str> = found.iter().map(|c| &text[c.range.clone()]).collect();
        assert_eq!(raw, ["TLSv1", "TLSv1.1", "false"]);
        assert_eq!(found[2].kind, FactKind::TlsVerification);
        assert_eq!(activemq_protocols(text).len(), 2);
    }

    #[test]
    fn xml_escaped_ampersands_and_lookalikes() {
        let text = r#"<transportConnector uri="ssl://0.0.0.0:61617?transport.enabledProtocols=TLSv1.2&amp;transport.enabledCipherSuites=SSL_RSA_WITH_RC4_128_SHA"/>"#;
        let found = uri_clues(text);
        let raw: Vec<&str> = found.iter().map(|c| &text[c.range.clone()]).collect();
        assert_eq!(raw, ["TLSv1.2", "SSL_RSA_WITH_RC4_128_SHA"]);
        assert!(uri_clues("mytransport.enabledProtocols=TLSv1").is_empty());
        assert!(uri_clues("ssl://h:1?transport.verifyHostName=true").is_empty());
    }
}
