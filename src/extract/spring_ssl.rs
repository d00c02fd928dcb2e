//! Spring Boot's TLS settings, wherever they are written (`.properties`
//! here; YAML and environment variables spell the same keys): the
//! `server.ssl.*` group of the embedded server, and the same group under
//! `management.server.ssl.*`.
//!
//! - `server.ssl.enabled-protocols=TLSv1,TLSv1.1`: `tls.protocol` per item,
//!   effect `enable`.
//! - `server.ssl.protocol=TLSv1`: the `SSLContext` algorithm, read as
//!   `SSLContext.getInstance` is (a version name is effect `force`; the
//!   default `TLS` gives no fact).
//! - `server.ssl.ciphers`: `tls.cipher` per item.
//! - `server.ssl.key-store`, `trust-store`, `certificate`,
//!   `certificate-private-key`, `trust-certificate`: `cert.reference`
//!   (a `classpath:` location is marked `unresolved`).
//!
//! Keys are matched after Spring's relaxed binding (case, `-` and `_`
//! ignored: `server.ssl.enabledProtocols`, `SERVER_SSL_ENABLED_PROTOCOLS`).

use crate::extract::java::{self, Clue};
use crate::extract::{ciphers, tls};
use crate::facts::FactKind;

/// Clues in the value of Spring property `key`, located by byte ranges of
/// `value` (the decoded value, trailing blanks removed).
pub fn clues(key: &str, value: &str) -> Vec<Clue> {
    let normal: String = key
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    let Some(setting) = normal
        .strip_prefix("managementserverssl")
        .or_else(|| normal.strip_prefix("serverssl"))
    else {
        return Vec::new();
    };
    match setting {
        "enabledprotocols" => java::protocol_list(value, 0, key, "enable"),
        "protocol" => tls::canonical_protocol(value)
            .map(|protocol| Clue {
                kind: FactKind::TlsProtocol,
                range: 0..value.len(),
                value: protocol.to_owned(),
                attributes: vec![("setting", key.to_owned()), ("effect", "force".to_owned())],
            })
            .into_iter()
            .collect(),
        "ciphers" => ciphers::cipher_list(value, 0, key),
        "keystore"
        | "truststore"
        | "certificate"
        | "certificateprivatekey"
        | "trustcertificate" => {
            let role = match setting {
                "keystore" => "keystore",
                "certificate" => "certificate",
                "certificateprivatekey" => "private-key",
                _ => "truststore",
            };
            if value.is_empty() {
                return Vec::new();
            }
            let mut attributes = vec![("role", role.to_owned()), ("setting", key.to_owned())];
            if value.starts_with("classpath:") {
                attributes.push(("unresolved", "true".to_owned()));
            }
            vec![Clue {
                kind: FactKind::CertReference,
                range: 0..value.len(),
                value: value.to_owned(),
                attributes,
            }]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxed_keys_and_values() {
        let found = clues("server.ssl.enabled-protocols", "TLSv1,TLSv1.1, TLSv1.2");
        let values: Vec<&str> = found.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["TLSv1", "TLSv1.1", "TLSv1.2"]);
        assert_eq!(clues("server.ssl.enabledProtocols", "TLSv1").len(), 1);
        assert_eq!(clues("SERVER_SSL_ENABLED_PROTOCOLS", "TLSv1").len(), 1);
        assert_eq!(
            clues("management.server.ssl.enabled-protocols", "TLSv1").len(),
            1
        );
        let forced = clues("server.ssl.protocol", "TLSv1.1");
        assert_eq!(forced[0].attributes[1], ("effect", "force".to_owned()));
        assert!(clues("server.ssl.protocol", "TLS").is_empty());
        assert!(clues("server.port", "TLSv1").is_empty());
    }

    #[test]
    fn stores_and_ciphers() {
        let store = clues("server.ssl.key-store", "classpath:keystore.p12");
        assert_eq!(store[0].kind, FactKind::CertReference);
        assert!(
            store[0]
                .attributes
                .contains(&("unresolved", "true".to_owned()))
        );
        assert!(
            store[0]
                .attributes
                .contains(&("role", "keystore".to_owned()))
        );
        let trust = clues("server.ssl.trust-store", "/etc/app/truststore.jks");
        assert!(
            trust[0]
                .attributes
                .contains(&("role", "truststore".to_owned()))
        );
        let ciphers = clues(
            "server.ssl.ciphers",
            "TLS_RSA_WITH_RC4_128_SHA,TLS_AES_128_GCM_SHA256",
        );
        assert_eq!(ciphers.len(), 2);
        assert_eq!(ciphers[0].range, 0..24);
    }
}
