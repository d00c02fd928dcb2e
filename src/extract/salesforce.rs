//! Salesforce: endpoint URLs and the API versions they name, in any text
//! connlint reads; Data Loader (`process-conf.xml`, `config.properties`,
//! launcher jars, encryption key files); `sfdx-project.json`; `package.xml`
//! and `*-meta.xml`; the Ant Migration Tool (`build.xml`,
//! `build.properties`); and WSDL service addresses.
//!
//! The XML dialects work on a document parsed once elsewhere
//! ([`extract_xml`]); properties files, scripts and Dockerfiles call the
//! text scanners ([`property_clues`], [`word_clues`]) from their own
//! extractors.

use std::ops::Range;

use jsonc_parser::ast::{ObjectPropName, Value};

use roxmltree::{Document, Node};

use crate::extract::java::Clue;
use crate::extract::script::Spanned;
use crate::extract::xml_value::RawValue;
use crate::extract::{json, secrets};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// The `service` attribute of Salesforce endpoints.
pub const SERVICE: &str = "salesforce";

/// The `product` attribute of Data Loader facts.
pub const DATALOADER: &str = "dataloader";

/// The Metadata API namespace of `package.xml` and `*-meta.xml`.
const METADATA_NS: &str = "http://soap.sforce.com/2006/04/metadata";

/// The Ant Migration Tool's task namespace (`xmlns:sf="antlib:com.salesforce"`).
const ANT_NS: &str = "antlib:com.salesforce";

/// The WSDL 1.1 namespace.
const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";

/// The setting named on a committed Data Loader encryption key.
const KEY_FILE_SETTING: &str = "process.encryptionKeyFile";

/// Salesforce endpoint URLs in `text`: an `endpoint.url` clue per URL on a
/// Salesforce host (`login.salesforce.com`, `test.salesforce.com`,
/// `*.my.salesforce.com`, `*.force.com`), and a `salesforce.api_version`
/// clue on the version its path names (`/services/Soap/u/29.0`,
/// `/services/data/v58.0`, `/services/async/45.0`, `/soap/ajax/30.0`).
pub fn url_clues(text: &str, setting: Option<&str>) -> Vec<Clue> {
    urls(text, setting, Hosts::Salesforce)
}

/// Every http(s) URL in `text` (a setting that holds an endpoint, such as a
/// .NET `appSettings` value): `endpoint.url` clues with `scheme`, and with
/// `service = salesforce` and the API version where the host is Salesforce's.
pub fn endpoint_clues(text: &str, setting: Option<&str>) -> Vec<Clue> {
    urls(text, setting, Hosts::Any)
}

/// Data Loader versions in jar and archive names:
/// `dataloader-29.0.0-jar-with-dependencies.jar`, `dataloader-38.0.1-uber.jar`,
/// `dataloader-45.0.0.jar`, `dataloader_v58.0.4.zip`. Data Loader's version
/// is the API version it calls.
pub fn jar_versions(text: &str) -> Vec<Clue> {
    if !text.to_ascii_lowercase().contains("dataloader") {
        return Vec::new();
    }
    let jar = static_regex!(
        r"(?i)(?:^|[^A-Za-z])dataloader-(\d+\.\d+(?:\.\d+)*)(?:-[A-Za-z][\w.-]*)?\.jar"
    );
    let archive =
        static_regex!(r"(?i)(?:^|[^A-Za-z])dataloader_(?:[a-z]+_)?v(\d+\.\d+(?:\.\d+)*)\.zip");
    let mut clues = Vec::new();
    for (regex, source) in [(jar, "jar"), (archive, "archive")] {
        for version in regex.captures_iter(text).filter_map(|caps| caps.get(1)) {
            clues.push(Clue {
                kind: FactKind::ConnectorVersion,
                range: version.range(),
                value: version.as_str().to_owned(),
                attributes: vec![
                    ("product", DATALOADER.to_owned()),
                    ("source", source.to_owned()),
                ],
            });
        }
    }
    clues
}

/// What a word of a script or Dockerfile says about Salesforce: Data Loader
/// jars and Salesforce endpoint URLs.
pub fn word_clues(text: &str) -> Vec<Clue> {
    let mut clues = jar_versions(text);
    clues.extend(url_clues(text, None));
    clues
}

/// [`word_clues`] of a script word, without URLs assembled from variables
/// (`"$INSTANCE/services/data/v41.0"`): no span covers such a URL as
/// written. The literal parts still give their own facts (the `INSTANCE=`
/// assignment, the API version).
pub fn script_clues(word: &Spanned) -> Vec<Clue> {
    let mut clues = word_clues(&word.text);
    clues.retain(|clue| {
        clue.kind != FactKind::EndpointUrl
            || word
                .locate(clue.range.clone())
                .is_some_and(|(_, span)| span.len() == clue.range.len())
    });
    clues
}

/// The Salesforce facts of one `key=value` setting of a Data Loader
/// `config.properties`, an Ant `build.properties`, or a `process-conf.xml`
/// entry: `sfdc.endpoint`/`sf.serverurl` (any http(s) URL, whatever its
/// host), `sfdc.proxyHost`, and Salesforce URLs in any other value.
/// Secrets are left to the caller (see [`is_dataloader_ciphertext`]).
pub fn property_clues(key: &str, value: &str) -> Vec<Clue> {
    if is_endpoint_key(key) {
        return urls(value, Some(key), Hosts::AssumeSalesforce);
    }
    if key == "sfdc.proxyHost" {
        let host = value.trim();
        if host.is_empty() || secrets::is_placeholder(host) {
            return Vec::new();
        }
        let start = value.len() - value.trim_start().len();
        return vec![Clue {
            kind: FactKind::EndpointUrl,
            range: start..start + host.len(),
            value: host.to_owned(),
            attributes: vec![("service", "proxy".to_owned()), ("setting", key.to_owned())],
        }];
    }
    url_clues(value, Some(key))
}

/// Whether a Data Loader password value (`sfdc.password`,
/// `sfdc.proxyPassword`) is ciphertext written by `encrypt.bat`/`encrypt.sh`:
/// hex in whole 8-byte blocks. The old DES scheme wrote 16 hex digits for a
/// short password; [`secrets::is_placeholder`] already covers 32 and more.
pub fn is_dataloader_ciphertext(value: &str) -> bool {
    let value = value.trim();
    value.len() >= 16
        && value.len().is_multiple_of(16)
        && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Extracts the Salesforce facts of a parsed XML document, if it is one of
/// the Salesforce dialects: a Data Loader Spring file (`process-conf.xml`,
/// `database-conf.xml`), a Metadata API `package.xml` or `*-meta.xml`, an
/// Ant Migration Tool `build.xml`, or a WSDL. Returns whether it recognised
/// the document.
pub fn extract_xml(doc: &Document<'_>, source: &SourceFile, out: &mut Extraction) -> bool {
    let root = doc.root_element();
    let name = root.tag_name().name();
    let namespace = root.tag_name().namespace();
    if namespace == Some(METADATA_NS) {
        metadata(root, source, out);
        true
    } else if name == "beans" && is_dataloader_beans(root, source) {
        dataloader_beans(root, source, out);
        true
    } else if name == "definitions" && namespace == Some(WSDL_NS) {
        wsdl(root, source, out);
        true
    } else if name == "project" && is_ant_project(root) {
        ant_project(root, source, out);
        true
    } else {
        false
    }
}

/// `sfdx-project.json`: `sourceApiVersion` (a `salesforce.api_version`,
/// source `sfdx`) and `sfdcLoginUrl` (an `endpoint.url`). The Salesforce CLI
/// reads the file as strict JSON, so comments and trailing commas are
/// problems here too.
pub fn extract_sfdx_project(source: &SourceFile) -> Extraction {
    let mut out = Extraction::default();
    let text = &*source.text;
    let parsed = match json::parse_strict(source) {
        Ok(parsed) => parsed,
        Err(problem) => {
            out.problems.push(problem);
            return out;
        }
    };
    let Some(Value::Object(object)) = parsed else {
        return out;
    };
    for property in &object.properties {
        let name = match &property.name {
            ObjectPropName::String(lit) => lit.value.as_ref(),
            ObjectPropName::Word(word) => word.value,
        };
        let Value::StringLit(lit) = &property.value else {
            continue;
        };
        // The literal's range includes its quotes.
        let inner = lit.range.start + 1..lit.range.end.saturating_sub(1).max(lit.range.start + 1);
        let raw = text.get(inner.clone()).unwrap_or_default();
        let verbatim = raw == lit.value;
        let span_of = |sub: Range<usize>| {
            if verbatim {
                Span::new(inner.start + sub.start, inner.start + sub.end)
            } else {
                Span::new(inner.start, inner.end)
            }
        };
        match name {
            "sourceApiVersion" => {
                let value = lit.value.trim();
                let lead = lit.value.len() - lit.value.trim_start().len();
                let span = span_of(lead..lead + value.len());
                if is_api_version(value) {
                    out.facts.push(
                        Fact::new(FactKind::SalesforceApiVersion, value, &source.path, span)
                            .with("source", "sfdx"),
                    );
                } else {
                    out.problems.push(Problem::at(
                        &source.path,
                        span,
                        format!("`sourceApiVersion` is not an API version: `{value}`"),
                    ));
                }
            }
            "sfdcLoginUrl" => {
                for clue in urls(&lit.value, Some("sfdcLoginUrl"), Hosts::AssumeSalesforce) {
                    out.facts.push(fact_of(clue, &source.path, span_of));
                }
            }
            _ => {}
        }
    }
    out
}

/// A Data Loader encryption key file committed to the repository: a
/// `secret` (setting `process.encryptionKeyFile`, `reason = key-file`) over
/// its content. `dataLoader.key` (Data Loader's default name) counts
/// whatever it holds; any other `*.key` only when it holds nothing but a
/// 16-byte key, in hex or base64. PEM keys are not Data Loader's.
pub fn extract_key_file(source: &SourceFile) -> Extraction {
    let mut out = Extraction::default();
    let text = &*source.text;
    let key = text.trim();
    if key.is_empty() || key.starts_with("-----BEGIN") {
        return out;
    }
    let default_name = source.file_name().eq_ignore_ascii_case("dataloader.key");
    if default_name || is_16_byte_key(key) {
        let start = text.len() - text.trim_start().len();
        out.facts.push(
            Fact::secret(
                &source.path,
                Span::new(start, start + key.len()),
                KEY_FILE_SETTING,
            )
            .with("reason", "key-file")
            .with("product", DATALOADER),
        );
    }
    out
}

// ---------------------------------------------------------------------------
// URLs

/// Which URLs [`urls`] reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hosts {
    /// Only URLs on Salesforce hosts.
    Salesforce,
    /// Every URL, as a Salesforce endpoint: the setting names one, whatever
    /// host it points at (`sfdc.endpoint`, `serverurl`).
    AssumeSalesforce,
    /// Every URL; Salesforce's where the host is.
    Any,
}

/// The URLs of `text` that `hosts` asks for.
fn urls(text: &str, setting: Option<&str>, hosts: Hosts) -> Vec<Clue> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("http") || (hosts == Hosts::Salesforce && !lower.contains("force.com")) {
        return Vec::new();
    }
    let url = static_regex!(r#"(?i)\bhttps?://[^\s"'<>()\[\]\\^`|,;]+"#);
    let mut clues = Vec::new();
    for found in url.find_iter(text) {
        let written = found.as_str().trim_end_matches(['.', ':', '!', '?']);
        let range = found.start()..found.start() + written.len();
        let salesforce = match hosts {
            Hosts::AssumeSalesforce => true,
            Hosts::Salesforce | Hosts::Any => is_salesforce_host(&host(written)),
        };
        if hosts == Hosts::Salesforce && !salesforce {
            continue;
        }
        let scheme = written
            .split_once("://")
            .map_or("https", |(scheme, _)| scheme)
            .to_ascii_lowercase();
        let mut attributes = vec![("scheme", scheme)];
        if salesforce {
            attributes.push(("service", SERVICE.to_owned()));
        }
        if let Some(setting) = setting {
            attributes.push(("setting", setting.to_owned()));
        }
        if salesforce && let Some((version, api)) = api_version(written) {
            attributes.push(("api_version", version.as_str().to_owned()));
            attributes.push(("api", api.to_owned()));
            let mut version_attributes = vec![
                ("source", "endpoint-url".to_owned()),
                ("api", api.to_owned()),
            ];
            if let Some(setting) = setting {
                version_attributes.push(("setting", setting.to_owned()));
            }
            clues.push(Clue {
                kind: FactKind::SalesforceApiVersion,
                range: range.start + version.start()..range.start + version.end(),
                value: version.as_str().to_owned(),
                attributes: version_attributes,
            });
        }
        clues.push(Clue {
            kind: FactKind::EndpointUrl,
            range,
            value: written.to_owned(),
            attributes,
        });
    }
    clues
}

/// The host of a URL, lower-cased, without user info and port.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    host.to_ascii_lowercase()
}

fn is_salesforce_host(host: &str) -> bool {
    ["salesforce.com", "force.com", "cloudforce.com"]
        .iter()
        .any(|domain| {
            host == *domain || host.strip_suffix(domain).is_some_and(|h| h.ends_with('.'))
        })
}

/// The API version a Salesforce URL's path names, and which API it is.
fn api_version(url: &str) -> Option<(regex::Match<'_>, &'static str)> {
    let pattern = static_regex!(
        r"(?i)/(?:services/(?P<api>Soap/[A-Za-z]+/|data/v|async/)|soap/(?P<ajax>ajax)/)(?P<version>\d{1,3}\.\d{1,2})(?:[/?#]|$)"
    );
    let caps = pattern.captures(url)?;
    let version = caps.name("version")?;
    let api = match caps.name("api").map(|m| m.as_str().to_ascii_lowercase()) {
        Some(api) if api == "soap/u/" => "soap-partner",
        Some(api) if api == "soap/c/" => "soap-enterprise",
        Some(api) if api == "soap/m/" => "soap-metadata",
        Some(api) if api == "soap/t/" => "soap-tooling",
        Some(api) if api == "data/v" => "rest",
        Some(api) if api == "async/" => "bulk",
        Some(_) => "soap",
        None => "ajax-toolkit",
    };
    Some((version, api))
}

/// `58.0`, `7.0`: what an API version setting must look like.
fn is_api_version(value: &str) -> bool {
    static_regex!(r"^\d{1,3}\.\d{1,2}$").is_match(value)
}

fn is_endpoint_key(key: &str) -> bool {
    key == "sfdc.endpoint"
        || key.starts_with("sfdc.endpoint.")
        || key.eq_ignore_ascii_case("sf.serverurl")
        || key == "serverurl"
}

// ---------------------------------------------------------------------------
// XML dialects

/// A Spring beans file is Data Loader's when it is named so, runs its
/// classes, or sets its keys.
fn is_dataloader_beans(root: Node<'_, '_>, source: &SourceFile) -> bool {
    let name = source.file_name().to_ascii_lowercase();
    name == "process-conf.xml"
        || name == "database-conf.xml"
        || root.descendants().any(|node| {
            node.attribute("class")
                .is_some_and(|class| class.starts_with("com.salesforce.dataloader."))
                || (node.has_tag_name("entry")
                    && node
                        .attribute("key")
                        .is_some_and(|key| key.starts_with("sfdc.")))
        })
}

/// `<entry key="sfdc.endpoint" value="..."/>` in each process bean's
/// `configOverrideMap`; `<property name="password" value="..."/>` of the
/// database beans; the runner class as `connector.use`.
fn dataloader_beans(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    let mut runner_seen = false;
    for node in root.descendants().filter(Node::is_element) {
        if !runner_seen
            && let Some(class) = RawValue::attribute(node, "class")
            && class.text.starts_with("com.salesforce.dataloader.process.")
        {
            runner_seen = true;
            out.facts.push(
                Fact::new(
                    FactKind::ConnectorUse,
                    DATALOADER,
                    &source.path,
                    class.trimmed_span(),
                )
                .with("product", DATALOADER),
            );
        }
        let (key, value) = match node.tag_name().name() {
            "entry" => (
                node.attribute("key"),
                RawValue::attribute(node, "value").or_else(|| {
                    node.children()
                        .find(|child| child.has_tag_name("value"))
                        .and_then(RawValue::text_of)
                }),
            ),
            "property" => (node.attribute("name"), RawValue::attribute(node, "value")),
            _ => continue,
        };
        if let (Some(key), Some(value)) = (key, value) {
            setting(key, &value, source, out);
        }
    }
}

/// One `key` = `value` setting read from XML: its Salesforce clues, and a
/// secret when it holds a literal password.
fn setting(key: &str, value: &RawValue<'_>, source: &SourceFile, out: &mut Extraction) {
    for clue in property_clues(key, value.text) {
        out.facts
            .push(fact_of(clue, &source.path, |range| value.span_of(range)));
    }
    let (literal, _) = value.trimmed();
    let ciphertext = key.starts_with("sfdc.") && is_dataloader_ciphertext(literal);
    if (secrets::is_secret_name(key) || key.eq_ignore_ascii_case("sessionId"))
        && !secrets::is_placeholder(literal)
        && !ciphertext
    {
        out.facts
            .push(Fact::secret(&source.path, value.trimmed_span(), key));
    }
}

/// `package.xml` (`<version>`) or a `*-meta.xml` (`<apiVersion>`, which
/// versions the component's metadata and is not retired with the API).
fn metadata(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    let (element, fact_source) = if root.has_tag_name((METADATA_NS, "Package")) {
        ("version", "package-xml")
    } else {
        ("apiVersion", "meta-xml")
    };
    for child in root
        .children()
        .filter(|c| c.has_tag_name((METADATA_NS, element)))
    {
        let Some(value) = RawValue::text_of(child) else {
            continue;
        };
        let (version, _) = value.trimmed();
        if version.contains(['$', '@', '{']) {
            // A build-time placeholder such as `${api.version}`.
            continue;
        }
        let span = value.trimmed_span();
        if !is_api_version(version) {
            out.problems.push(Problem::at(
                &source.path,
                span,
                format!("`<{element}>` is not an API version: `{version}`"),
            ));
            continue;
        }
        let mut fact = Fact::new(FactKind::SalesforceApiVersion, version, &source.path, span)
            .with("source", fact_source);
        if fact_source == "meta-xml" {
            fact = fact.with("metadata", "true");
        }
        out.facts.push(fact);
    }
}

/// `<soap:address location="https://login.salesforce.com/services/Soap/c/21.0"/>`.
fn wsdl(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    for node in root
        .descendants()
        .filter(|n| n.tag_name().name() == "address")
    {
        let Some(location) = RawValue::attribute(node, "location") else {
            continue;
        };
        for clue in url_clues(location.text, Some("soap:address")) {
            out.facts
                .push(fact_of(clue, &source.path, |range| location.span_of(range)));
        }
    }
}

/// An Ant project that uses the Migration Tool's tasks or sets its
/// `sf.*` properties.
fn is_ant_project(root: Node<'_, '_>) -> bool {
    root.descendants().any(|node| {
        node.tag_name().namespace() == Some(ANT_NS)
            || (node.has_tag_name("property")
                && node.attribute("name").is_some_and(|n| n.starts_with("sf.")))
    })
}

/// `<sf:deploy serverurl="..." password="..." apiVersion="..."/>` and
/// `<property name="sf.serverurl" value="..."/>`.
fn ant_project(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    for node in root.descendants().filter(Node::is_element) {
        if node.tag_name().namespace() == Some(ANT_NS) {
            for name in ["serverurl", "password", "sessionId"] {
                if let Some(value) = RawValue::attribute(node, name) {
                    setting(name, &value, source, out);
                }
            }
            if let Some(value) = RawValue::attribute(node, "apiVersion") {
                let (version, _) = value.trimmed();
                if is_api_version(version) {
                    out.facts.push(
                        Fact::new(
                            FactKind::SalesforceApiVersion,
                            version,
                            &source.path,
                            value.trimmed_span(),
                        )
                        .with("source", "ant"),
                    );
                }
            }
        } else if node.has_tag_name("property")
            && let (Some(name), Some(value)) =
                (node.attribute("name"), RawValue::attribute(node, "value"))
        {
            setting(name, &value, source, out);
        }
    }
}

// ---------------------------------------------------------------------------
// Helpers

/// A fact from a clue whose range is in some decoded text; `span_of` maps
/// that range to raw bytes.
fn fact_of(clue: Clue, path: &std::sync::Arc<str>, span_of: impl Fn(Range<usize>) -> Span) -> Fact {
    let mut fact = Fact::new(clue.kind, clue.value, path, span_of(clue.range));
    for (key, value) in clue.attributes {
        fact.attributes.insert(key, value);
    }
    fact
}

/// A 16-byte key written as 32 hex digits or as base64 (22 characters and
/// `==` padding, or none).
fn is_16_byte_key(key: &str) -> bool {
    let hex = key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit());
    let body = key.strip_suffix("==").unwrap_or(key);
    let base64 = body.len() == 22
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    hex || base64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text under the span)` of every fact, by span.
    fn facts_of(source: &SourceFile, extraction: &Extraction) -> Vec<(String, String, String)> {
        let mut facts = extraction.facts.clone();
        facts.sort_by_key(|fact| (fact.span, fact.kind));
        facts
            .into_iter()
            .map(|fact| {
                (
                    fact.kind.name().to_owned(),
                    fact.value.clone(),
                    source.text[fact.span.range()].to_owned(),
                )
            })
            .collect()
    }

    fn triple(kind: &str, value: &str, raw: &str) -> (String, String, String) {
        (kind.to_owned(), value.to_owned(), raw.to_owned())
    }

    fn xml(path: &str, text: &str) -> (SourceFile, Extraction) {
        let source = SourceFile::new(path, text);
        let extraction = crate::extract::xml_value::extract_by_name(&source);
        (source, extraction)
    }

    #[test]
    fn urls_hosts_and_api_versions() {
        let text = "x https://login.salesforce.com/services/Soap/u/29.0 y http://acme.my.salesforce.com/services/data/v58.0/sobjects z https://notforce.com/services/Soap/u/20.0 https://acme--uat.sandbox.lightning.force.com.";
        let clues = url_clues(text, None);
        let got: Vec<(FactKind, &str)> = clues
            .iter()
            .map(|c| (c.kind, &text[c.range.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                (FactKind::SalesforceApiVersion, "29.0"),
                (
                    FactKind::EndpointUrl,
                    "https://login.salesforce.com/services/Soap/u/29.0"
                ),
                (FactKind::SalesforceApiVersion, "58.0"),
                (
                    FactKind::EndpointUrl,
                    "http://acme.my.salesforce.com/services/data/v58.0/sobjects"
                ),
                (
                    FactKind::EndpointUrl,
                    "https://acme--uat.sandbox.lightning.force.com"
                ),
            ]
        );
        let attr = |clue: &Clue, key: &str| {
            clue.attributes
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(attr(&clues[1], "api").as_deref(), Some("soap-partner"));
        assert_eq!(attr(&clues[1], "api_version").as_deref(), Some("29.0"));
        assert_eq!(attr(&clues[3], "scheme").as_deref(), Some("http"));
        assert_eq!(attr(&clues[2], "api").as_deref(), Some("rest"));
        assert!(url_clues("https://example.com/services/Soap/u/29.0", None).is_empty());
    }

    #[test]
    fn endpoint_keys_take_any_host() {
        let clues = property_clues(
            "sfdc.endpoint",
            "https://sso.example.com/services/Soap/u/45.0",
        );
        assert_eq!(clues.len(), 2);
        assert!(property_clues("sfdc.endpoint", "").is_empty());
        let proxy = property_clues("sfdc.proxyHost", " proxy.example.com ");
        assert_eq!(proxy[0].value, "proxy.example.com");
        assert_eq!(proxy[0].range, 1..18);
        assert!(property_clues("sfdc.proxyHost", "${PROXY}").is_empty());
    }

    #[test]
    fn dataloader_jars() {
        let text = "-cp lib/dataloader-29.0.0-jar-with-dependencies.jar;%~dp0dataloader-38.0.1-uber.jar dataloader-45.0.0.jar dataloader_v58.0.4.zip dataloader-*.jar mydataloader-1.0.jar";
        let got: Vec<&str> = jar_versions(text)
            .iter()
            .map(|c| &text[c.range.clone()])
            .collect();
        assert_eq!(got, ["29.0.0", "38.0.1", "45.0.0", "58.0.4"]);
    }

    #[test]
    fn ciphertext() {
        assert!(is_dataloader_ciphertext("3a4f908d34a43f2b"));
        assert!(is_dataloader_ciphertext("5555555555555555"));
        assert!(!is_dataloader_ciphertext("Welcome2024"));
        assert!(!is_dataloader_ciphertext("3a4f908d34a43f2"));
    }

    #[test]
    fn process_conf_entries() {
        let text = r#"<!DOCTYPE beans PUBLIC "-//SPRING//DTD BEAN//EN" "http://www.springframework.org/dtd/spring-beans.dtd">
<beans>
  <bean id="p" class="com.salesforce.dataloader.process.ProcessRunner" singleton="false">
    <property name="configOverrideMap">
      <map>
        <entry key="sfdc.endpoint" value="https://login.salesforce.com/services/Soap/u/29.0"/>
        <!-- <entry key="sfdc.endpoint" value="https://test.salesforce.com/services/Soap/u/20.0"/> -->
        <entry key="sfdc.username" value="ops@example.com"/>
        <entry key="sfdc.password" value="Fake-Pa55"/>
        <entry key="sfdc.proxyPassword" value="3a4f908d34a43f2b"/>
        <entry key="sfdc.proxyHost"><value>proxy.example.com</value></entry>
      </map>
    </property>
  </bean>
</beans>
"#;
        let (source, extraction) = xml("conf/process-conf.xml", text);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        assert_eq!(
            facts_of(&source, &extraction),
            [
                triple(
                    "connector.use",
                    "dataloader",
                    "com.salesforce.dataloader.process.ProcessRunner"
                ),
                triple(
                    "endpoint.url",
                    "https://login.salesforce.com/services/Soap/u/29.0",
                    "https://login.salesforce.com/services/Soap/u/29.0"
                ),
                triple("salesforce.api_version", "29.0", "29.0"),
                triple("secret", "****", "Fake-Pa55"),
                triple("endpoint.url", "proxy.example.com", "proxy.example.com"),
            ]
        );
    }

    #[test]
    fn metadata_versions() {
        let package = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n  <types><members>*</members><name>ApexClass</name></types>\n  <version>29.0</version>\n</Package>\n";
        let (source, extraction) = xml("manifest/package.xml", package);
        assert_eq!(
            facts_of(&source, &extraction),
            [triple("salesforce.api_version", "29.0", "29.0")]
        );
        assert_eq!(extraction.facts[0].attr("source"), Some("package-xml"));
        assert_eq!(extraction.facts[0].attr("metadata"), None);
        let meta = "<ApexClass xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <apiVersion> 28.0 </apiVersion>\n    <status>Active</status>\n</ApexClass>\n";
        let (source, extraction) = xml("classes/Sync.cls-meta.xml", meta);
        assert_eq!(
            facts_of(&source, &extraction),
            [triple("salesforce.api_version", "28.0", "28.0")]
        );
        assert_eq!(extraction.facts[0].attr("metadata"), Some("true"));
        // Another namespace is not Salesforce metadata.
        let (_, extraction) = xml("package.xml", "<Package><version>29.0</version></Package>");
        assert!(extraction.facts.is_empty());
        let (_, extraction) = xml(
            "package.xml",
            "<Package xmlns=\"http://soap.sforce.com/2006/04/metadata\"><version>latest</version></Package>",
        );
        assert_eq!(extraction.problems.len(), 1);
    }

    #[test]
    fn ant_and_wsdl() {
        let build = "<project name=\"deploy\" xmlns:sf=\"antlib:com.salesforce\">\n  <property name=\"sf.serverurl\" value=\"https://test.salesforce.com\"/>\n  <target name=\"d\"><sf:deploy username=\"${sf.username}\" password=\"${sf.password}\" serverurl=\"http://login.salesforce.com\" apiVersion=\"30.0\" deployRoot=\"src\"/></target>\n</project>\n";
        let (source, extraction) = xml("build.xml", build);
        assert_eq!(
            facts_of(&source, &extraction),
            [
                triple(
                    "endpoint.url",
                    "https://test.salesforce.com",
                    "https://test.salesforce.com"
                ),
                triple(
                    "endpoint.url",
                    "http://login.salesforce.com",
                    "http://login.salesforce.com"
                ),
                triple("salesforce.api_version", "30.0", "30.0"),
            ]
        );
        let wsdl = "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\"><service name=\"SforceService\"><port name=\"Soap\"><soap:address location=\"https://login.salesforce.com/services/Soap/c/21.0\"/></port></service></definitions>";
        let (source, extraction) = xml("enterprise.wsdl", wsdl);
        assert_eq!(facts_of(&source, &extraction).len(), 2);
        assert_eq!(
            extraction
                .facts
                .iter()
                .find(|f| f.kind == FactKind::SalesforceApiVersion)
                .map(|f| &source.text[f.span.range()]),
            Some("21.0")
        );
        // An Ant project without the Migration Tool is not read.
        let (_, extraction) = xml(
            "build.xml",
            "<project><property name=\"x\" value=\"https://login.salesforce.com\"/></project>",
        );
        assert!(extraction.facts.is_empty());
    }

    #[test]
    fn sfdx_project() {
        let text = "{\n  \"packageDirectories\": [{ \"path\": \"force-app\", \"default\": true }],\n  \"name\": \"café\",\n  \"sfdcLoginUrl\": \"https://login.salesforce.com\",\n  \"sourceApiVersion\": \"30.0\"\n}\n";
        let source = SourceFile::new("sfdx-project.json", text);
        let extraction = extract_sfdx_project(&source);
        assert_eq!(
            facts_of(&source, &extraction),
            [
                triple(
                    "endpoint.url",
                    "https://login.salesforce.com",
                    "https://login.salesforce.com"
                ),
                triple("salesforce.api_version", "30.0", "30.0"),
            ]
        );
        let broken = SourceFile::new(
            "sfdx-project.json",
            "{\n  // comment\n  \"sourceApiVersion\": \"30.0\",\n}\n",
        );
        let extraction = extract_sfdx_project(&broken);
        assert!(extraction.facts.is_empty());
        assert_eq!(extraction.problems.len(), 1);
        let span = extraction.problems[0].span.unwrap();
        assert_eq!(&broken.text[span.range()], "// comment");
    }

    #[test]
    fn key_files() {
        let source = SourceFile::new("conf/dataLoader.key", "k3y-text\n");
        let extraction = extract_key_file(&source);
        assert_eq!(
            facts_of(&source, &extraction),
            [triple("secret", "****", "k3y-text")]
        );
        assert_eq!(extraction.facts[0].attr("reason"), Some("key-file"));
        assert_eq!(extraction.facts[0].attr("setting"), Some(KEY_FILE_SETTING));
        for (text, found) in [
            ("00112233445566778899aabbccddeeff\n", true),
            ("ABEiM0RVZneImaq7zN3u/w==\r\n", true),
            (
                "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
                false,
            ),
            ("not a key\n", false),
        ] {
            let source = SourceFile::new("conf/sample.key", text);
            assert_eq!(!extract_key_file(&source).facts.is_empty(), found, "{text}");
        }
    }
}
