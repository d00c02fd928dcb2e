//! Tomcat `server.xml`: the TLS protocols an HTTPS connector accepts, its
//! key and trust stores, and their passwords.
//!
//! Protocol lists (`<Connector sslEnabledProtocols>`, `<SSLHostConfig
//! protocols>`, the APR connector's `SSLProtocol`) follow Tomcat's syntax:
//! items separated by commas, each optionally prefixed with `+` (add) or
//! `-` (remove), starting from an empty list; `all` stands for every
//! protocol from `TLSv1` on. Each protocol left enabled is one `tls.protocol`
//! (effect `enable`) at the item that enabled it; each `-` item is one with
//! effect `disable`. `sslProtocol` names the JSSE `SSLContext` algorithm:
//! `TLS` means any version and yields nothing, `TLSv1` enables TLS 1.0.

use std::ops::Range;
use std::sync::Arc;

use roxmltree::Node;

use crate::extract::tls;
use crate::extract::xml::{self, XmlValue};
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;

/// Attributes that hold a protocol list, by element.
const PROTOCOL_ATTRIBUTES: [(&str, &str); 5] = [
    ("Connector", "sslEnabledProtocols"),
    ("Connector", "sslProtocol"),
    ("Connector", "SSLProtocol"),
    ("SSLHostConfig", "protocols"),
    ("SSLHostConfig", "sslProtocol"),
];

/// Attributes that name a store or key file, with the file's role.
const REFERENCE_ATTRIBUTES: [(&str, &str); 9] = [
    ("keystoreFile", "keystore"),
    ("SSLCertificateFile", "certificate"),
    ("SSLCertificateKeyFile", "private-key"),
    ("truststoreFile", "truststore"),
    ("certificateKeystoreFile", "keystore"),
    ("certificateFile", "certificate"),
    ("certificateChainFile", "certificate"),
    ("certificateKeyFile", "private-key"),
    ("caCertificateFile", "certificate"),
];

/// What `all` stands for (Tomcat 8.5+ adds `SSLv2Hello`, which only
/// shapes the first handshake message).
const ALL: [&str; 4] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/// Extracts the facts of a `server.xml` whose root is `root`.
pub(crate) fn extract(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    let path = &source.path;
    for node in root.descendants().filter(Node::is_element) {
        let element = node.tag_name().name();
        for (_, name) in PROTOCOL_ATTRIBUTES
            .iter()
            .filter(|(owner, _)| *owner == element)
        {
            if let Some(value) = XmlValue::attribute(node, name) {
                protocols(&value, name, path, out);
            }
        }
        if matches!(element, "Connector" | "SSLHostConfig" | "Certificate") {
            for (name, role) in REFERENCE_ATTRIBUTES {
                reference(node, name, role, path, out);
            }
            xml::secret_attributes(node, path, out);
        }
    }
}

/// The facts of one protocol list, read the way Tomcat builds the list.
fn protocols(value: &XmlValue, setting: &str, path: &Arc<str>, out: &mut Extraction) {
    if value.is_dynamic() {
        return;
    }
    let mut enabled: Vec<(&'static str, Range<usize>)> = Vec::new();
    for (sign, item) in items(value.text) {
        let name = &value.text[item.clone()];
        let named: Vec<&'static str> = if name.eq_ignore_ascii_case("all") {
            ALL.to_vec()
        } else {
            tls::canonical_protocol(name).into_iter().collect()
        };
        for protocol in named {
            enabled.retain(|(p, _)| *p != protocol);
            if sign == Some('-') {
                if let Some(span) = value.span_of(item.clone()) {
                    out.facts.push(
                        Fact::new(FactKind::TlsProtocol, protocol, path, span)
                            .with("setting", setting)
                            .with("effect", "disable"),
                    );
                }
            } else {
                enabled.push((protocol, item.clone()));
            }
        }
    }
    for (protocol, item) in enabled {
        if let Some(span) = value.span_of(item) {
            out.facts.push(
                Fact::new(FactKind::TlsProtocol, protocol, path, span)
                    .with("setting", setting)
                    .with("effect", "enable"),
            );
        }
    }
}

/// The items of a Tomcat protocol list with their sign: a new item starts
/// at every `,`, `+` or `-` (Tomcat splits on `(?=[-+,])`) and at
/// whitespace. The range excludes the sign.
fn items(text: &str) -> Vec<(Option<char>, Range<usize>)> {
    let mut items = Vec::new();
    let mut sign = None;
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let boundary = matches!(c, ',' | '+' | '-') || c.is_whitespace();
        if boundary {
            if let Some(s) = start.take() {
                items.push((sign.take(), s..i));
            }
            if c == '+' || c == '-' {
                sign = Some(c);
            } else if c == ',' {
                sign = None;
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        items.push((sign, s..text.len()));
    }
    items
}

fn reference(node: Node<'_, '_>, name: &str, role: &str, path: &Arc<str>, out: &mut Extraction) {
    let Some(value) = XmlValue::attribute(node, name) else {
        return;
    };
    let Some(span) = value.span() else {
        return;
    };
    let mut fact = Fact::new(FactKind::CertReference, value.trimmed(), path, span)
        .with("role", role)
        .with("setting", format!("{} {name}", xml::tag_text(node)));
    if value.is_dynamic() {
        fact = fact.with("unresolved", "true");
    }
    out.facts.push(fact);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<(String, String, String)> {
        let source = SourceFile::new("conf/server.xml", text);
        let extraction = crate::extract::xml::extract(&source);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        let mut facts = extraction.facts;
        facts.sort_by_key(|fact| (fact.span, fact.kind));
        facts
            .into_iter()
            .map(|fact| {
                let effect = fact.attr("effect").or(fact.attr("role")).unwrap_or("");
                (
                    fact.value.clone(),
                    text[fact.span.range()].to_owned(),
                    effect.to_owned(),
                )
            })
            .collect()
    }

    fn triple(value: &str, raw: &str, effect: &str) -> (String, String, String) {
        (value.to_owned(), raw.to_owned(), effect.to_owned())
    }

    #[test]
    fn connector_lists_and_stores() {
        let text = "<Server port=\"8005\" shutdown=\"SHUTDOWN\">\n  <Service name=\"Catalina\">\n    <Connector port=\"8443\" SSLEnabled=\"true\" sslProtocol=\"TLS\" sslEnabledProtocols=\"TLSv1,TLSv1.1,TLSv1.2\" keystoreFile=\"conf/keystore.jks\" keystorePass=\"Fake-Pa55\"/>\n  </Service>\n</Server>\n";
        assert_eq!(
            facts(text),
            [
                triple("TLSv1", "TLSv1", "enable"),
                triple("TLSv1.1", "TLSv1.1", "enable"),
                triple("TLSv1.2", "TLSv1.2", "enable"),
                triple("conf/keystore.jks", "conf/keystore.jks", "keystore"),
                triple("****", "Fake-Pa55", ""),
            ]
        );
    }

    #[test]
    fn plus_minus_and_all() {
        let text = "<Server>\n  <Connector>\n    <SSLHostConfig protocols=\"all -TLSv1 -TLSv1.1\" sslProtocol=\"TLSv1\">\n      <Certificate certificateKeystoreFile=\"${catalina.base}/conf/ks.p12\" certificateKeystorePassword=\"${ks.pass}\"/>\n    </SSLHostConfig>\n  </Connector>\n</Server>\n";
        assert_eq!(
            facts(text),
            [
                triple("TLSv1.2", "all", "enable"),
                triple("TLSv1.3", "all", "enable"),
                triple("TLSv1", "TLSv1", "disable"),
                triple("TLSv1.1", "TLSv1.1", "disable"),
                triple("TLSv1", "TLSv1", "enable"),
                triple(
                    "${catalina.base}/conf/ks.p12",
                    "${catalina.base}/conf/ks.p12",
                    "keystore"
                ),
            ]
        );
    }

    #[test]
    fn item_signs() {
        let text = "+TLSv1.2+TLSv1.3, -SSLv3 TLSv1";
        let found: Vec<(Option<char>, &str)> = items(text)
            .into_iter()
            .map(|(sign, range)| (sign, &text[range]))
            .collect();
        assert_eq!(
            found,
            [
                (Some('+'), "TLSv1.2"),
                (Some('+'), "TLSv1.3"),
                (Some('-'), "SSLv3"),
                (None, "TLSv1"),
            ]
        );
    }
}
