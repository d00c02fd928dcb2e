//! Mule's descriptor files outside the configuration XML:
//! - `mule-artifact.json` (Mule 4): `minMuleVersion` and the Java versions
//!   the app declares (`javaSpecificationVersions`, `supportedJavaVersions`);
//! - `mule-deploy.properties` (Mule 3's deployment descriptor): the app is a
//!   Mule 3 app;
//! - `tls-default.conf` / `tls-fips140-2.conf` (the runtime's global TLS
//!   defaults, in properties syntax): `enabledProtocols` and
//!   `enabledCipherSuites`.

use std::ops::Range;

use jsonc_parser::ast::{ObjectProp, Value};

use crate::extract::mule::MULE_RUNTIME;
use crate::extract::{java, json, properties, tls};
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;
use crate::span::Span;
use crate::version::Version;

/// The `source` of facts read from `mule-artifact.json`.
const ARTIFACT: &str = "mule-artifact";

/// Extracts the facts of a `mule-artifact.json`.
pub fn extract_artifact(source: &SourceFile) -> Extraction {
    let mut out = Extraction::default();
    let text = &*source.text;
    // The descriptor is strict JSON; Mule rejects comments and trailing commas.
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
        let name = property.name.as_str();
        match name {
            "minMuleVersion" => {
                for (value, span) in scalars(property, text) {
                    if Version::parse_dotted(&value).is_ok() {
                        out.facts.push(
                            Fact::new(FactKind::ConnectorVersion, value, &source.path, span)
                                .with("product", MULE_RUNTIME)
                                .with("source", ARTIFACT)
                                .with("setting", name),
                        );
                    }
                }
            }
            "javaSpecificationVersions" | "supportedJavaVersions" => {
                for (value, span) in scalars(property, text) {
                    if Version::parse_java(&value).is_ok() {
                        out.facts.push(
                            Fact::new(FactKind::JavaVersion, value, &source.path, span)
                                .with("source", ARTIFACT)
                                .with("setting", name),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The string and number values of a property (itself, or the items of an
/// array), each with the raw span of its text inside the quotes.
fn scalars(property: &ObjectProp, text: &str) -> Vec<(String, Span)> {
    let values: Vec<&Value> = match &property.value {
        Value::Array(array) => array.elements.iter().collect(),
        value => vec![value],
    };
    values
        .into_iter()
        .filter_map(|value| match value {
            Value::StringLit(string) => {
                let inner = string.range.start + 1..string.range.end.saturating_sub(1);
                let span = literal_span(text, inner, &string.value)?;
                Some((string.value.to_string(), span))
            }
            Value::NumberLit(number) => Some((
                number.value.to_owned(),
                Span::new(number.range.start, number.range.end),
            )),
            _ => None,
        })
        .filter(|(value, _)| !value.trim().is_empty())
        .collect()
}

/// The span of a string literal's contents: the trimmed value when the raw
/// text is the value itself, all of it when escapes were decoded.
fn literal_span(text: &str, inner: Range<usize>, value: &str) -> Option<Span> {
    let raw = text.get(inner.clone())?;
    if raw == value {
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        return (!trimmed.is_empty())
            .then(|| Span::new(inner.start + lead, inner.start + lead + trimmed.len()));
    }
    (!raw.is_empty()).then(|| Span::new(inner.start, inner.end))
}

/// Extracts the facts of a Mule 3 `mule-deploy.properties`: everything a
/// properties file gives, and a `connector.use` of the Mule runtime with
/// `major = "3"` at the first key (`config.resources` if present).
pub fn extract_deploy(source: &SourceFile) -> Extraction {
    let mut out = properties::extract(source);
    let mut problems = Vec::new();
    let settings = properties::settings(source, &mut problems);
    let marker = settings
        .iter()
        .find(|setting| setting.key() == "config.resources")
        .or_else(|| settings.first())
        .map(properties::Setting::key_span)
        .filter(|span| !span.is_empty())
        .or_else(|| first_line(&source.text));
    if let Some(span) = marker {
        out.facts.push(
            Fact::new(FactKind::ConnectorUse, MULE_RUNTIME, &source.path, span)
                .with("product", MULE_RUNTIME)
                .with("major", "3")
                .with("source", "mule-deploy"),
        );
    }
    out
}

/// The first non-blank line, trimmed (a descriptor with only comments).
fn first_line(text: &str) -> Option<Span> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let lead = line.len() - line.trim_start().len();
            return Some(Span::new(start + lead, start + lead + trimmed.len()));
        }
        start += line.len();
    }
    None
}

/// Extracts the facts of a Mule runtime `tls-default.conf` or
/// `tls-fips140-2.conf`.
pub fn extract_tls_conf(source: &SourceFile) -> Extraction {
    let mut out = Extraction::default();
    let settings = properties::settings(source, &mut out.problems);
    for setting in &settings {
        let value = setting.value();
        match setting.key() {
            "enabledProtocols" => {
                for clue in java::protocol_list(value, 0, "enabledProtocols", "enable") {
                    let span = setting.span_of(clue.range.clone());
                    let mut fact = Fact::new(clue.kind, clue.value, &source.path, span);
                    for (key, attribute) in clue.attributes {
                        fact.attributes.insert(key, attribute);
                    }
                    out.facts.push(fact);
                }
            }
            "enabledCipherSuites" if !value.contains("${") => {
                for item in tls::list_items(value) {
                    if value[item.clone()].eq_ignore_ascii_case("default") {
                        continue;
                    }
                    let span = setting.span_of(item.clone());
                    out.facts.push(
                        Fact::new(FactKind::TlsCipher, &value[item], &source.path, span)
                            .with("setting", "enabledCipherSuites"),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(
        source: &SourceFile,
        extraction: &Extraction,
    ) -> Vec<(String, String, String, String)> {
        let mut facts = extraction.facts.clone();
        facts.sort_by_key(|fact| (fact.span, fact.kind));
        crate::extract::test_support::rows(&facts, &source.text)
    }

    use crate::extract::test_support::row as fact;

    #[test]
    fn mule_artifact_versions() {
        let source = SourceFile::new(
            "mule-artifact.json",
            "{\n  \"minMuleVersion\": \"4.4.0\",\n  \"requiredProduct\": \"MULE_EE\",\n  \"javaSpecificationVersions\": [\"1.8\", \"11\"],\n  \"supportedJavaVersions\": [17]\n}\n",
        );
        let extraction = extract_artifact(&source);
        assert!(extraction.problems.is_empty());
        assert_eq!(
            render(&source, &extraction),
            [
                fact(
                    "connector.version",
                    "4.4.0",
                    "4.4.0",
                    "product=mule-runtime setting=minMuleVersion source=mule-artifact"
                ),
                fact(
                    "java.version",
                    "1.8",
                    "1.8",
                    "setting=javaSpecificationVersions source=mule-artifact"
                ),
                fact(
                    "java.version",
                    "11",
                    "11",
                    "setting=javaSpecificationVersions source=mule-artifact"
                ),
                fact(
                    "java.version",
                    "17",
                    "17",
                    "setting=supportedJavaVersions source=mule-artifact"
                ),
            ]
        );
    }

    #[test]
    fn escaped_strings_span_their_whole_literal() {
        let source = SourceFile::new(
            "mule-artifact.json",
            "{\"minMuleVersion\": \"4.\\u0034.0\"}",
        );
        let extraction = extract_artifact(&source);
        assert_eq!(
            render(&source, &extraction)[0].2,
            "4.\\u0034.0",
            "{:?}",
            extraction.facts
        );
        assert_eq!(extraction.facts[0].value, "4.4.0");
    }

    #[test]
    fn malformed_json_is_a_problem() {
        let text = "{\n  \"minMuleVersion\": \"4.4.0\",\n}\n";
        let source = SourceFile::new("mule-artifact.json", text);
        let extraction = extract_artifact(&source);
        assert!(extraction.facts.is_empty());
        assert_eq!(extraction.problems.len(), 1);
        assert_eq!(&text[extraction.problems[0].span.unwrap().range()], ",");
        let empty = extract_artifact(&SourceFile::new("mule-artifact.json", ""));
        assert!(empty.facts.is_empty() && empty.problems.is_empty());
    }

    #[test]
    fn mule_deploy_marks_a_mule_3_app() {
        let source = SourceFile::new(
            "src/main/app/mule-deploy.properties",
            "#** GENERATED CONTENT ** Mule Application Deployment Descriptor\nredeployment.enabled=true\nencoding=UTF-8\nconfig.resources=sync.xml\n",
        );
        let extraction = extract_deploy(&source);
        assert_eq!(
            render(&source, &extraction),
            [fact(
                "connector.use",
                "mule-runtime",
                "config.resources",
                "major=3 product=mule-runtime source=mule-deploy"
            )]
        );
        let only_comment = SourceFile::new("mule-deploy.properties", "\n  # generated\n");
        let extraction = extract_deploy(&only_comment);
        assert_eq!(render(&only_comment, &extraction)[0].2, "# generated");
        assert!(
            extract_deploy(&SourceFile::new("mule-deploy.properties", ""))
                .facts
                .is_empty()
        );
    }

    #[test]
    fn tls_default_conf() {
        let source = SourceFile::new(
            "conf/tls-default.conf",
            "# Default TLS configuration\r\n# enabledProtocols=SSLv3\r\nenabledProtocols=TLSv1, TLSv1.1,\\\r\n    TLSv1.2\r\nenabledCipherSuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\r\n",
        );
        let extraction = extract_tls_conf(&source);
        assert_eq!(
            render(&source, &extraction),
            [
                fact(
                    "tls.protocol",
                    "TLSv1",
                    "TLSv1",
                    "effect=enable setting=enabledProtocols"
                ),
                fact(
                    "tls.protocol",
                    "TLSv1.1",
                    "TLSv1.1",
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
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "setting=enabledCipherSuites"
                ),
            ]
        );
    }
}
