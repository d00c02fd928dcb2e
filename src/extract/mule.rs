//! `MuleSoft` configuration XML (Mule 3 `src/main/app/*.xml`, Mule 4
//! `src/main/mule/*.xml`) and Anypoint Studio's `mule-project.xml`.
//!
//! Elements are recognised by namespace (`http://www.mulesoft.org/schema/mule/<module>`),
//! whatever prefix a file binds it to:
//! - `tls:context` `enabledProtocols` / `enabledCipherSuites`: one
//!   `tls.protocol` / `tls.cipher` per list item;
//! - `tls:trust-store insecure="true"`: `tls.verification`;
//! - `tls:key-store` / `tls:trust-store` (and Mule 3's `https:tls-key-store`,
//!   `https:tls-client`, `https:tls-server`) `path`: `cert.reference`;
//! - Anaplan connector configs (`anaplan:config`,
//!   `anaplan:basic-auth-connection`, `anaplan:cert-auth-connection`, ...):
//!   `connector.use`, `auth.method`, `cert.reference`, `endpoint.url`;
//! - Salesforce connector configs (`sfdc:*`, `salesforce:*`): the login URL
//!   (`endpoint.url`) and the API version in it or in an `apiVersion`
//!   attribute (`salesforce.api_version`);
//! - HTTP request configs to Anaplan or Salesforce hosts: `endpoint.url`
//!   with the scheme `protocol` gives (HTTP when absent, as in Mule);
//! - any attribute whose name says it holds a secret, unless a placeholder
//!   (`${...}`, `${secure::...}`, `![...]`, `#[...]`).

use std::sync::Arc;

use roxmltree::Node;

use crate::extract::xml::{self, XmlValue};
use crate::extract::{java, tls};
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;

/// The `product` of the Anaplan connector for `MuleSoft`.
pub const ANAPLAN_CONNECTOR: &str = "anaplan-mule-connector";

/// The `product` of the Mule runtime.
pub const MULE_RUNTIME: &str = "mule-runtime";

/// The namespace URI prefix of Mule modules.
const NAMESPACE: &str = "http://www.mulesoft.org/schema/mule/";

/// Extracts the facts of a Mule configuration whose root is `root`.
pub(crate) fn extract(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    let path = &source.path;
    for node in root.descendants().filter(Node::is_element) {
        let local = node.tag_name().name();
        match (module(node), local) {
            ("tls", "context") => tls_context(node, path, out),
            ("tls", "trust-store") => {
                insecure_trust_store(node, path, out);
                store_path(node, "truststore", path, out);
            }
            ("tls", "key-store") | ("https", "tls-key-store" | "tls-client") => {
                store_path(node, "keystore", path, out);
            }
            ("https", "tls-server") => store_path(node, "truststore", path, out),
            ("anaplan", _) => anaplan(node, path, out),
            ("salesforce" | "sfdc", _) => salesforce(node, path, out),
            ("http" | "https", _) => http(node, path, out),
            _ => {}
        }
        xml::secret_attributes(node, path, out);
    }
}

/// `mule-project.xml`: the runtime Anypoint Studio runs the project on,
/// from `runtimeId="org.mule.tooling.server.4.4.0.ee"`.
pub(crate) fn extract_project(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    let Some(value) = XmlValue::attribute(root, "runtimeId") else {
        return;
    };
    let version = static_regex!(r"(?:^|[.-])(\d+\.\d+\.\d+(?:-\d+)?)(?:[.-]|$)");
    let Some(found) = version.captures(value.text).and_then(|caps| caps.get(1)) else {
        return;
    };
    if let Some(span) = value.span_of(found.range()) {
        out.facts.push(
            Fact::new(
                FactKind::ConnectorVersion,
                found.as_str(),
                &source.path,
                span,
            )
            .with("product", MULE_RUNTIME)
            .with("source", "mule-project")
            .with("setting", "runtimeId"),
        );
    }
}

/// The Mule module an element belongs to: `tls`, `http`, `anaplan`, ...
/// (the last segment of its namespace URI), or `""`.
fn module<'a>(node: Node<'a, '_>) -> &'a str {
    node.tag_name()
        .namespace()
        .and_then(|ns| ns.strip_prefix(NAMESPACE))
        .map_or("", |rest| {
            rest.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
        })
}

fn tls_context(node: Node<'_, '_>, path: &Arc<str>, out: &mut Extraction) {
    if let Some(value) = XmlValue::attribute(node, "enabledProtocols") {
        let clues = java::protocol_list(value.text, 0, "enabledProtocols", "enable");
        out.facts.extend(
            clues
                .into_iter()
                .filter_map(|clue| xml::clue_fact(clue, &value, path)),
        );
    }
    if let Some(value) = XmlValue::attribute(node, "enabledCipherSuites")
        && !value.is_dynamic()
    {
        for item in tls::list_items(value.text) {
            let name = &value.text[item.clone()];
            // `default` keeps the runtime's own list.
            if name.eq_ignore_ascii_case("default") {
                continue;
            }
            if let Some(span) = value.span_of(item) {
                out.facts.push(
                    Fact::new(FactKind::TlsCipher, name, path, span)
                        .with("setting", "enabledCipherSuites"),
                );
            }
        }
    }
}

/// `tls:trust-store insecure="true"`: the server's certificate is not
/// checked at all.
fn insecure_trust_store(node: Node<'_, '_>, path: &Arc<str>, out: &mut Extraction) {
    let Some(value) = XmlValue::attribute(node, "insecure") else {
        return;
    };
    if value.trimmed().eq_ignore_ascii_case("true")
        && let Some(span) = value.span()
    {
        let setting = format!("{} insecure", xml::tag_text(node));
        out.facts.push(
            Fact::new(FactKind::TlsVerification, "disabled", path, span).with("setting", setting),
        );
    }
}

fn store_path(node: Node<'_, '_>, role: &str, path: &Arc<str>, out: &mut Extraction) {
    reference(node, "path", role, path, out);
}

/// A `cert.reference` for attribute `name` of `node`.
fn reference(node: Node<'_, '_>, name: &str, role: &str, path: &Arc<str>, out: &mut Extraction) {
    let Some(value) = XmlValue::attribute(node, name) else {
        return;
    };
    let Some(span) = value.span() else {
        return;
    };
    let setting = format!("{} {name}", xml::tag_text(node));
    let mut fact = Fact::new(FactKind::CertReference, value.trimmed(), path, span)
        .with("role", role)
        .with("setting", setting);
    if value.is_dynamic() {
        fact = fact.with("unresolved", "true");
    }
    out.facts.push(fact);
}

/// Attributes of Anaplan connection configs that name a private key or a
/// key store: with one, a certificate is Certificate Authentication 2.0.
const ANAPLAN_KEY_ATTRIBUTES: [(&str, &str); 6] = [
    ("privateKeyPath", "private-key"),
    ("privateKey", "private-key"),
    ("keyStorePath", "keystore"),
    ("keystorePath", "keystore"),
    ("keyStore", "keystore"),
    ("keystore", "keystore"),
];

/// An Anaplan connector config: `anaplan:config` (connector 1.0),
/// `anaplan:basic-auth-connection` and `anaplan:cert-auth-connection`
/// (1.x), or another `*-connection`/`*-config` element.
fn anaplan(node: Node<'_, '_>, path: &Arc<str>, out: &mut Extraction) {
    let local = node.tag_name().name();
    if !(local == "config" || local.ends_with("-connection") || local.ends_with("-config")) {
        return;
    }
    // Mule 4 nests the connection in the config: the connection speaks for both.
    let has_connection = node.children().any(|child| {
        child.is_element()
            && module(child) == "anaplan"
            && child.tag_name().name().ends_with("-connection")
    });
    if has_connection {
        return;
    }
    let tag = xml::tag_span(node);
    out.facts.push(
        Fact::new(FactKind::ConnectorUse, ANAPLAN_CONNECTOR, path, tag)
            .with("product", ANAPLAN_CONNECTOR),
    );
    let lower = local.to_ascii_lowercase();
    let certificate = XmlValue::attribute(node, "certificatePath")
        .or_else(|| XmlValue::attribute(node, "certificate"));
    let key = ANAPLAN_KEY_ATTRIBUTES
        .iter()
        .find(|(name, _)| node.has_attribute(*name));
    let username = XmlValue::attribute(node, "username");
    let (method, via, span) = if lower.contains("oauth") {
        ("oauth", None, Some(tag))
    } else if lower.contains("cert") || certificate.is_some() {
        let span = certificate.as_ref().and_then(XmlValue::span).or(Some(tag));
        match key {
            Some((_, "keystore")) => ("certificate-ca", Some("keystore"), span),
            Some(_) => ("certificate-ca", Some("certificate"), span),
            None => ("certificate-anaplan", None, span),
        }
    } else if lower.contains("basic") || username.is_some() {
        let span = username.as_ref().and_then(XmlValue::span).or(Some(tag));
        ("basic", None, span)
    } else {
        ("", None, None)
    };
    if let Some(span) = span.filter(|_| !method.is_empty()) {
        let mut fact =
            Fact::new(FactKind::AuthMethod, method, path, span).with("product", ANAPLAN_CONNECTOR);
        if let Some(via) = via {
            fact = fact.with("via", via);
        }
        out.facts.push(fact);
    }
    if certificate.is_some() {
        let name = if node.has_attribute("certificatePath") {
            "certificatePath"
        } else {
            "certificate"
        };
        reference(node, name, "certificate", path, out);
    }
    if let Some((name, role)) = key {
        reference(node, name, role, path, out);
    }
    if let Some(url) = XmlValue::attribute(node, "url") {
        endpoint(&url, path, out);
    }
}

/// A Salesforce connector element: its login URL and API version.
fn salesforce(node: Node<'_, '_>, path: &Arc<str>, out: &mut Extraction) {
    for name in ["url", "loginUrl", "endpoint"] {
        if let Some(url) = XmlValue::attribute(node, name) {
            endpoint(&url, path, out);
        }
    }
    if let Some(value) = XmlValue::attribute(node, "apiVersion")
        && !value.is_dynamic()
        && let Some(span) = value.span()
    {
        out.facts.push(
            Fact::new(FactKind::SalesforceApiVersion, value.trimmed(), path, span)
                .with("source", "mule")
                .with("setting", format!("{} apiVersion", xml::tag_text(node))),
        );
    }
}

/// HTTP request configs (`http:request-config` in Mule 3,
/// `http:request-connection` in Mule 4) to an Anaplan or Salesforce host,
/// and Mule 3 endpoint `address` URLs.
fn http(node: Node<'_, '_>, path: &Arc<str>, out: &mut Extraction) {
    if let Some(address) = XmlValue::attribute(node, "address") {
        endpoint(&address, path, out);
    }
    if !matches!(
        node.tag_name().name(),
        "request-config" | "request-connection"
    ) {
        return;
    }
    let Some(host) = XmlValue::attribute(node, "host") else {
        return;
    };
    let Some(service) = service(host.trimmed()).filter(|_| !host.is_dynamic()) else {
        return;
    };
    // Mule's request configs default to plain HTTP.
    let scheme = match XmlValue::attribute(node, "protocol") {
        None => "http".to_owned(),
        Some(protocol) if protocol.is_dynamic() => return,
        Some(protocol) => protocol.trimmed().to_ascii_lowercase(),
    };
    if let Some(span) = host.span() {
        out.facts.push(
            Fact::new(FactKind::EndpointUrl, host.trimmed(), path, span)
                .with("service", service)
                .with("scheme", scheme)
                .with("setting", format!("{} host", xml::tag_text(node))),
        );
    }
}

/// The service a host belongs to.
fn service(host: &str) -> Option<&'static str> {
    let host = host.to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or_default();
    if host == "anaplan.com" || host.ends_with(".anaplan.com") {
        Some(if host.starts_with("auth.") {
            "anaplan-auth"
        } else {
            "anaplan"
        })
    } else if host.ends_with(".salesforce.com") || host.ends_with(".force.com") {
        Some("salesforce")
    } else {
        None
    }
}

/// An `endpoint.url` for a literal URL to a known service, with the API
/// version its path names: Anaplan's `/1/3` and `/2/0`, Salesforce's
/// `/services/Soap/u/48.0` (also a `salesforce.api_version` fact).
fn endpoint(url: &XmlValue, path: &Arc<str>, out: &mut Extraction) {
    if url.is_dynamic() {
        return;
    }
    let text = url.trimmed();
    let Some((scheme, rest)) = text.split_once("://") else {
        return;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Some(service) = service(host) else {
        return;
    };
    let Some(span) = url.span() else {
        return;
    };
    let mut fact = Fact::new(FactKind::EndpointUrl, text, path, span)
        .with("service", service)
        .with("scheme", scheme.to_ascii_lowercase());
    if service == "salesforce" {
        let api = static_regex!(r"(?i)/services/(?:Soap/[a-z]|data|async)/v?(\d+\.\d+)");
        if let Some(version) = api.captures(text).and_then(|caps| caps.get(1)) {
            fact = fact.with("api_version", version.as_str());
            let start = url.lead() + version.start();
            if let Some(span) = url.span_of(start..start + version.len()) {
                out.facts.push(
                    Fact::new(FactKind::SalesforceApiVersion, version.as_str(), path, span)
                        .with("source", "mule"),
                );
            }
        }
    } else {
        let api = static_regex!(r"://[^/]+/(\d)/(\d+)(?:/|$)");
        if let Some(caps) = api.captures(text) {
            fact = fact.with("api_version", format!("{}.{}", &caps[1], &caps[2]));
        }
    }
    out.facts.push(fact);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str, text: &str) -> Vec<(String, String, String, String)> {
        let source = SourceFile::new(path, text);
        let extraction = crate::extract::xml::extract(&source);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        let mut facts = extraction.facts;
        facts.sort_by_key(|fact| (fact.span, fact.kind));
        crate::extract::test_support::rows(&facts, text)
    }

    use crate::extract::test_support::row as fact;

    const MULE: &str = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\" xmlns:tls=\"http://www.mulesoft.org/schema/mule/tls\" xmlns:http=\"http://www.mulesoft.org/schema/mule/http\" xmlns:anaplan=\"http://www.mulesoft.org/schema/mule/anaplan\" xmlns:sfdc=\"http://www.mulesoft.org/schema/mule/sfdc\" xmlns:doc=\"http://www.mulesoft.org/schema/mule/documentation\">\n";

    #[test]
    fn tls_context_lists_stores_and_insecure() {
        let text = format!(
            "{MULE}  <tls:context name=\"legacy\" enabledProtocols=\"TLSv1, TLSv1.2\" enabledCipherSuites=\"TLS_RSA_WITH_AES_128_CBC_SHA\">\n    <tls:trust-store path=\"certs/trust.jks\" password=\"${{ts.pass}}\" insecure=\"true\"/>\n    <tls:key-store path=\"${{ks.path}}\" keyPassword=\"Fake-Key-Pa55\" password=\"![AbCd==]\"/>\n  </tls:context>\n</mule>\n"
        );
        assert_eq!(
            facts("src/main/mule/app.xml", &text),
            [
                fact(
                    "tls.protocol",
                    "TLSv1",
                    "TLSv1",
                    "effect=enable setting=enabledProtocols"
                ),
                fact(
                    "tls.protocol",
                    "TLSv1.2",
                    "TLSv1.2",
                    "effect=enable setting=enabledProtocols"
                ),
                fact(
                    "tls.cipher",
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                    "setting=enabledCipherSuites"
                ),
                fact(
                    "cert.reference",
                    "certs/trust.jks",
                    "certs/trust.jks",
                    "role=truststore setting=tls:trust-store path"
                ),
                fact(
                    "tls.verification",
                    "disabled",
                    "true",
                    "setting=tls:trust-store insecure"
                ),
                fact(
                    "cert.reference",
                    "${ks.path}",
                    "${ks.path}",
                    "role=keystore setting=tls:key-store path unresolved=true"
                ),
                fact(
                    "secret",
                    "****",
                    "Fake-Key-Pa55",
                    "setting=tls:key-store keyPassword"
                ),
            ]
        );
    }

    #[test]
    fn tls12_is_not_tls1_and_placeholders_are_quiet() {
        let text = format!(
            "{MULE}  <tls:context enabledProtocols=\"${{protocols}}\"/>\n  <tls:context enabledProtocols=\"TLSv1.2,TLSv1.3\" enabledCipherSuites=\"default\">\n    <tls:trust-store insecure=\"false\" password=\"${{secure::ts.password}}\"/>\n    <tls:key-store path=\"#{{ks}}\" keyPassword=\"#{{kp}}\"/>\n  </tls:context>\n</mule>\n"
        );
        let found = facts("app.xml", &text);
        let values: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(values, ["TLSv1.2", "TLSv1.3", "#{ks}"]);
        assert!(found[2].3.contains("unresolved=true"), "{found:?}");
    }

    #[test]
    fn anaplan_connector_configs() {
        let text = format!(
            "{MULE}  <anaplan:cert-auth-connection name=\"cert\" certificatePath=\"/opt/mule/certs/anaplan.cer\" url=\"https://api.anaplan.com/\" doc:name=\"Anaplan\"/>\n  <anaplan:basic-auth-connection name=\"basic\" username=\"integration@example.com\" password=\"Fake-Pa55\" url=\"http://api.anaplan.com/1/3\"/>\n  <anaplan:import-to-model config-ref=\"cert\" importId=\"1\"/>\n</mule>\n"
        );
        assert_eq!(
            facts("src/main/app/anaplan.xml", &text),
            [
                fact(
                    "connector.use",
                    "anaplan-mule-connector",
                    "anaplan:cert-auth-connection",
                    "product=anaplan-mule-connector"
                ),
                fact(
                    "auth.method",
                    "certificate-anaplan",
                    "/opt/mule/certs/anaplan.cer",
                    "product=anaplan-mule-connector"
                ),
                fact(
                    "cert.reference",
                    "/opt/mule/certs/anaplan.cer",
                    "/opt/mule/certs/anaplan.cer",
                    "role=certificate setting=anaplan:cert-auth-connection certificatePath"
                ),
                fact(
                    "endpoint.url",
                    "https://api.anaplan.com/",
                    "https://api.anaplan.com/",
                    "scheme=https service=anaplan"
                ),
                fact(
                    "connector.use",
                    "anaplan-mule-connector",
                    "anaplan:basic-auth-connection",
                    "product=anaplan-mule-connector"
                ),
                fact(
                    "auth.method",
                    "basic",
                    "integration@example.com",
                    "product=anaplan-mule-connector"
                ),
                fact(
                    "secret",
                    "****",
                    "Fake-Pa55",
                    "setting=anaplan:basic-auth-connection password"
                ),
                fact(
                    "endpoint.url",
                    "http://api.anaplan.com/1/3",
                    "http://api.anaplan.com/1/3",
                    "api_version=1.3 scheme=http service=anaplan"
                ),
            ]
        );
    }

    #[test]
    fn a_certificate_with_its_key_is_certificate_authentication_2() {
        let text = format!(
            "{MULE}  <anaplan:cert-auth-connection certificatePath=\"c.pem\" privateKeyPath=\"c.key\"/>\n</mule>\n"
        );
        let found = facts("app.xml", &text);
        let auth: Vec<_> = found.iter().filter(|f| f.0 == "auth.method").collect();
        assert_eq!(auth.len(), 1);
        assert_eq!(auth[0].1, "certificate-ca");
        assert!(auth[0].3.contains("via=certificate"));
        assert!(found.iter().any(|f| f.3.contains("role=private-key")));
    }

    #[test]
    fn salesforce_and_plain_http_request_configs() {
        let text = format!(
            "{MULE}  <sfdc:config name=\"sf\" username=\"ops@example.com\" password=\"Fake-Pa55\" securityToken=\"${{sf.token}}\" url=\"https://login.salesforce.com/services/Soap/u/29.0\"/>\n  <http:request-config name=\"anaplan\" host=\"api.anaplan.com\" port=\"80\" basePath=\"/2/0\"/>\n  <http:request-config name=\"secure\" host=\"auth.anaplan.com\" protocol=\"HTTPS\"/>\n  <http:request-config name=\"other\" host=\"example.com\" protocol=\"HTTP\"/>\n</mule>\n"
        );
        assert_eq!(
            facts("src/main/app/sync.xml", &text),
            [
                fact(
                    "secret",
                    "****",
                    "Fake-Pa55",
                    "setting=sfdc:config password"
                ),
                fact(
                    "endpoint.url",
                    "https://login.salesforce.com/services/Soap/u/29.0",
                    "https://login.salesforce.com/services/Soap/u/29.0",
                    "api_version=29.0 scheme=https service=salesforce"
                ),
                fact("salesforce.api_version", "29.0", "29.0", "source=mule"),
                fact(
                    "endpoint.url",
                    "api.anaplan.com",
                    "api.anaplan.com",
                    "scheme=http service=anaplan setting=http:request-config host"
                ),
                fact(
                    "endpoint.url",
                    "auth.anaplan.com",
                    "auth.anaplan.com",
                    "scheme=https service=anaplan-auth setting=http:request-config host"
                ),
            ]
        );
    }

    #[test]
    fn studio_runtime_ids() {
        for (id, version) in [
            ("org.mule.tooling.server.3.6.1.ee", "3.6.1"),
            ("org.mule.tooling.server.4.4.0.ee", "4.4.0"),
            ("4.4.0-20230320", "4.4.0-20230320"),
        ] {
            let text = format!(
                "<?xml version=\"1.0\"?>\n<mule-project xmlns=\"http://www.mulesoft.org/schema/mule/project\" runtimeId=\"{id}\"><name>x</name></mule-project>\n"
            );
            let found = facts("mule-project.xml", &text);
            assert_eq!(
                found,
                [fact(
                    "connector.version",
                    version,
                    version,
                    "product=mule-runtime setting=runtimeId source=mule-project"
                )]
            );
        }
    }

    #[test]
    fn a_config_around_a_connection_is_one_use() {
        let text = format!(
            "{MULE}  <anaplan:config name=\"Anaplan\">\n    <anaplan:basic-auth-connection username=\"u@example.com\" password=\"${{p}}\"/>\n  </anaplan:config>\n</mule>\n"
        );
        let found = facts("app.xml", &text);
        let kinds: Vec<(&str, &str)> = found.iter().map(|f| (f.0.as_str(), f.2.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("connector.use", "anaplan:basic-auth-connection"),
                ("auth.method", "u@example.com"),
            ]
        );
    }

    #[test]
    fn expressions_are_not_secrets() {
        let text = format!(
            "{MULE}  <anaplan:config username=\"#[vars.user]\" password=\"#[vars.password]\"/>\n</mule>\n"
        );
        assert!(facts("app.xml", &text).iter().all(|f| f.0 != "secret"));
    }
}
