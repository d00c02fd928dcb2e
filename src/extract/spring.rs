//! Spring Boot `application*.yml` and `bootstrap*.yml`, read from the YAML
//! tree.
//!
//! Keys are read the way Spring binds them: nested (`server: ssl:
//! enabled-protocols:`) and dotted (`server.ssl.enabled-protocols:`) forms
//! are the same key, lists may be YAML lists, comma strings or indexed keys
//! (`enabled-protocols[0]`), and relaxed binding makes `enabledProtocols`
//! and `enabled_protocols` the kebab-case key. Every document of a
//! multi-profile file is read.

use crate::extract::yaml::{Node, Scalar, Sink, is_placeholder};
use crate::extract::{java, secrets};
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;

/// Extracts the facts of a Spring Boot YAML config.
///
/// Facts (`setting` is the dotted key as written, list indexes dropped):
/// - `tls.protocol` (effect `enable`) per protocol of `server.ssl.enabled-protocols`
///   and `server.ssl.protocol` (also under `management.server.ssl`), of SSL
///   bundles (`spring.ssl.bundle.{jks,pem}.NAME.protocol` and
///   `.options.enabled-protocols`), of `spring.rabbitmq.ssl.algorithm`, of
///   `spring.kafka[.producer|.consumer|.admin|.streams].ssl.protocol` and
///   of the Kafka client's own `ssl.enabled.protocols`/`ssl.protocol` passed
///   through `spring.kafka[...].properties`;
/// - `cert.reference` for key and trust stores and PEM certificates and
///   keys under an `ssl` key (`server.ssl.key-store`,
///   `spring.kafka.ssl.trust-store-location`,
///   `spring.ssl.bundle.jks.NAME.keystore.location`,
///   `spring.ssl.bundle.pem.NAME.keystore.private-key`; inline PEM text is
///   no reference);
/// - `secret` for any key whose last segment names a secret
///   (`password`, `key-store-password`, `client-secret`) with a literal value
///   (`${DB_PASSWORD}` is a placeholder).
pub fn spring(documents: &[Node<'_>], source: &SourceFile) -> Extraction {
    let mut out = Sink::new(source);
    for document in documents {
        flatten(document, "", &mut |key, node| {
            if let Some(scalar) = node.scalar() {
                setting(key, scalar, &mut out);
            }
        });
    }
    out.finish()
}

/// Calls `visit` with the dotted key (`a.b[0].c`) of every node under
/// `node`.
fn flatten<'n, 'a>(node: &'n Node<'a>, prefix: &str, visit: &mut impl FnMut(&str, &'n Node<'a>)) {
    match node {
        Node::Mapping(_) => {
            for (key, value) in node.entries() {
                let key = key.value.trim();
                let path = if prefix.is_empty() {
                    key.to_owned()
                } else {
                    format!("{prefix}.{key}")
                };
                visit(&path, value);
                flatten(value, &path, visit);
            }
        }
        Node::Sequence(_) => {
            for (index, item) in node.items().iter().enumerate() {
                let path = format!("{prefix}[{index}]");
                visit(&path, item);
                flatten(item, &path, visit);
            }
        }
        Node::Scalar(_) => {}
    }
}

/// The facts of one scalar at dotted key `key`.
fn setting(key: &str, scalar: &Scalar<'_>, out: &mut Sink<'_>) {
    let path = std::sync::Arc::clone(out.path());
    let setting = static_regex!(r"\[\d+\]").replace_all(key, "");
    let normalized = setting.to_ascii_lowercase().replace(['-', '_'], "");
    let value = scalar.value.as_str();
    if is_protocol_setting(&normalized) {
        for clue in java::protocol_list(value, 0, &setting, "enable") {
            let span = scalar.span_of(clue.range.clone());
            let mut fact = Fact::new(clue.kind, clue.value, &path, span);
            for (name, value) in clue.attributes {
                fact.attributes.insert(name, value);
            }
            out.fact(fact);
        }
    } else if let Some(role) = store_role(&normalized) {
        let written = value.trim();
        if !written.is_empty() && !written.contains("-----BEGIN") {
            let mut fact = Fact::new(FactKind::CertReference, written, &path, scalar.span())
                .with("role", role)
                .with("setting", setting.as_ref());
            if written.contains("${") {
                fact.attributes.insert("unresolved", "true");
            }
            out.fact(fact);
        }
    } else {
        let last = setting.rsplit('.').next().unwrap_or_default();
        if secrets::is_secret_name(last) && !is_placeholder(value) {
            out.fact(Fact::secret(&path, scalar.span(), setting.as_ref()));
        }
    }
}

/// Normalized keys (lower case, no `-`/`_`) that list enabled TLS
/// protocols or name the SSL context protocol.
fn is_protocol_setting(key: &str) -> bool {
    let pattern = static_regex!(
        r"(?x)
        (?:^|\.)ssl\.(?:enabledprotocols|protocol)$                         # server.ssl, management.server.ssl, spring.kafka.ssl
        | ^spring\.ssl\.bundle\.(?:jks|pem)\.[^.]+\.(?:protocol|options\.enabledprotocols)$
        | ^spring\.rabbitmq\.ssl\.algorithm$
        | ^spring\.kafka\.(?:[^.]+\.)?properties\.ssl\.(?:enabled\.protocols|protocol)$
        "
    );
    pattern.is_match(key)
}

/// The `cert.reference` role of a normalized key under an `ssl` segment.
fn store_role(key: &str) -> Option<&'static str> {
    if !(key.starts_with("ssl.") || key.contains(".ssl.")) {
        return None;
    }
    let last = |suffixes: &[&str]| suffixes.iter().any(|s| key.ends_with(s));
    if last(&[".keystore", ".keystorelocation", ".keystore.location"]) {
        Some("keystore")
    } else if last(&[".truststore", ".truststorelocation", ".truststore.location"]) {
        Some("truststore")
    } else if last(&[".privatekey", ".certificateprivatekey"]) {
        Some("private-key")
    } else if last(&[".certificate", ".trustcertificate"]) {
        Some("certificate")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::yaml::parse;

    fn facts(text: &str) -> Vec<(String, String, String)> {
        let source = SourceFile::new("application.yml", text);
        let yaml = parse(text);
        assert!(yaml.problems.is_empty(), "{:?}", yaml.problems);
        let mut extraction = spring(&yaml.documents, &source);
        extraction.facts.sort();
        extraction
            .facts
            .iter()
            .map(|f| {
                let role = f.attr("role").map(|r| format!(" {r}")).unwrap_or_default();
                (
                    format!("{} {}{role}", f.kind.name(), f.value),
                    text[f.span.range()].to_owned(),
                    f.attr("setting").unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    fn fact(what: &str, raw: &str, setting: &str) -> (String, String, String) {
        (what.into(), raw.into(), setting.into())
    }

    #[test]
    fn nested_dotted_and_indexed_keys_are_one_key() {
        let text = r#"
server:
  port: 8443
  ssl:
    enabled-protocols: TLSv1,TLSv1.1, TLSv1.2
    key-store: "classpath:keystore.p12"
    key-store-password: ks-Secr3t
---
server.ssl.enabledProtocols: [SSLv3]
server.ssl.protocol: 'TLSv1'
---
spring:
  config.activate.on-profile: legacy
  datasource:
    password: ${DB_PASSWORD}
  rabbitmq.ssl:
    algorithm: TLSv1.1
  kafka:
    ssl.trust-store-location: file:/etc/kafka/trust.jks
    properties:
      ssl.enabled.protocols: TLSv1.2
server.ssl.enabled-protocols[0]: TLSv1.3
"#;
        assert_eq!(
            facts(text),
            [
                fact(
                    "tls.protocol TLSv1",
                    "TLSv1",
                    "server.ssl.enabled-protocols"
                ),
                fact(
                    "tls.protocol TLSv1.1",
                    "TLSv1.1",
                    "server.ssl.enabled-protocols"
                ),
                fact(
                    "tls.protocol TLSv1.2",
                    "TLSv1.2",
                    "server.ssl.enabled-protocols"
                ),
                fact(
                    "cert.reference classpath:keystore.p12 keystore",
                    "classpath:keystore.p12",
                    "server.ssl.key-store"
                ),
                fact("secret ****", "ks-Secr3t", "server.ssl.key-store-password"),
                fact("tls.protocol SSLv3", "SSLv3", "server.ssl.enabledProtocols"),
                fact("tls.protocol TLSv1", "TLSv1", "server.ssl.protocol"),
                fact(
                    "tls.protocol TLSv1.1",
                    "TLSv1.1",
                    "spring.rabbitmq.ssl.algorithm"
                ),
                fact(
                    "cert.reference file:/etc/kafka/trust.jks truststore",
                    "file:/etc/kafka/trust.jks",
                    "spring.kafka.ssl.trust-store-location"
                ),
                fact(
                    "tls.protocol TLSv1.2",
                    "TLSv1.2",
                    "spring.kafka.properties.ssl.enabled.protocols"
                ),
                fact(
                    "tls.protocol TLSv1.3",
                    "TLSv1.3",
                    "server.ssl.enabled-protocols"
                ),
            ]
        );
    }

    #[test]
    fn ssl_bundles() {
        let text = r#"
spring:
  ssl:
    bundle:
      jks:
        partner:
          protocol: TLSv1.1
          options:
            enabled-protocols:
              - TLSv1.2
          keystore:
            location: classpath:partner.p12
            password: "changeit"
      pem:
        api:
          truststore:
            certificate: |
              -----BEGIN CERTIFICATE-----
              MIIB
              -----END CERTIFICATE-----
          keystore:
            private-key: classpath:api.key
"#;
        assert_eq!(
            facts(text),
            [
                fact(
                    "tls.protocol TLSv1.1",
                    "TLSv1.1",
                    "spring.ssl.bundle.jks.partner.protocol"
                ),
                fact(
                    "tls.protocol TLSv1.2",
                    "TLSv1.2",
                    "spring.ssl.bundle.jks.partner.options.enabled-protocols"
                ),
                fact(
                    "cert.reference classpath:partner.p12 keystore",
                    "classpath:partner.p12",
                    "spring.ssl.bundle.jks.partner.keystore.location"
                ),
                fact(
                    "cert.reference classpath:api.key private-key",
                    "classpath:api.key",
                    "spring.ssl.bundle.pem.api.keystore.private-key"
                ),
            ]
        );
    }

    #[test]
    fn keys_outside_ssl_are_not_stores() {
        assert_eq!(store_role("app.keystore"), None);
        assert_eq!(store_role("server.ssl.keystore"), Some("keystore"));
        assert!(!is_protocol_setting("server.protocol"));
        assert!(is_protocol_setting(
            "management.server.ssl.enabledprotocols"
        ));
    }
}
