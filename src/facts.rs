//! Facts: what an extractor read from one place in one file.
//!
//! This is the contract between `extract` and `rules`: extractors produce
//! [`Fact`]s, rules look only at facts. The serde names of [`FactKind`] are
//! the documented vocabulary (`docs/facts.md`) and never change.

use std::fmt;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::span::Span;

/// The kinds of fact connlint extracts.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum FactKind {
    /// A Java runtime (or compile target, see attribute `source`) version.
    #[serde(rename = "java.version")]
    JavaVersion,
    /// The Java extension mechanism in use: a file copied into a Java
    /// home's `lib/ext`, or `-Djava.ext.dirs=` (both gone since Java 9).
    #[serde(rename = "java.ext_dir")]
    JavaExtDir,
    /// A TLS protocol version a setting enables, disables, caps or forces.
    #[serde(rename = "tls.protocol")]
    TlsProtocol,
    /// Certificate verification switched off.
    #[serde(rename = "tls.verification")]
    TlsVerification,
    /// A cipher suite a setting enables.
    #[serde(rename = "tls.cipher")]
    TlsCipher,
    /// A client or connector version (attribute `product`).
    #[serde(rename = "connector.version")]
    ConnectorVersion,
    /// A client or connector in use, without a visible version.
    #[serde(rename = "connector.use")]
    ConnectorUse,
    /// How a client authenticates: basic, certificate-anaplan, certificate-ca, oauth, none.
    #[serde(rename = "auth.method")]
    AuthMethod,
    /// A path to a certificate, key or keystore, as written.
    #[serde(rename = "cert.reference")]
    CertReference,
    /// A certificate read from a file.
    #[serde(rename = "certificate")]
    Certificate,
    /// A private key read from a file.
    #[serde(rename = "private-key")]
    PrivateKey,
    /// A plaintext secret; its value is always masked.
    #[serde(rename = "secret")]
    Secret,
    /// An endpoint URL (attribute `service`).
    #[serde(rename = "endpoint.url")]
    EndpointUrl,
    /// A Salesforce API version.
    #[serde(rename = "salesforce.api_version")]
    SalesforceApiVersion,
    /// A .NET Framework target version.
    #[serde(rename = "dotnet.target_framework")]
    DotnetTargetFramework,
    /// A .NET TLS switch: an `AppContextSwitchOverrides` entry or a
    /// `.NETFramework` registry value (`SchUseStrongCrypto=1`).
    #[serde(rename = "dotnet.switch")]
    DotnetSwitch,
    /// Text matched by a raw `regex` rule (no extractor models it).
    #[serde(rename = "text.match")]
    TextMatch,
}

impl FactKind {
    /// Every kind, in documentation order.
    pub const ALL: [FactKind; 17] = [
        FactKind::JavaVersion,
        FactKind::JavaExtDir,
        FactKind::TlsProtocol,
        FactKind::TlsVerification,
        FactKind::TlsCipher,
        FactKind::ConnectorVersion,
        FactKind::ConnectorUse,
        FactKind::AuthMethod,
        FactKind::CertReference,
        FactKind::Certificate,
        FactKind::PrivateKey,
        FactKind::Secret,
        FactKind::EndpointUrl,
        FactKind::SalesforceApiVersion,
        FactKind::DotnetTargetFramework,
        FactKind::DotnetSwitch,
        FactKind::TextMatch,
    ];

    /// The documented name, e.g. `java.version`.
    pub fn name(self) -> &'static str {
        match self {
            FactKind::JavaVersion => "java.version",
            FactKind::JavaExtDir => "java.ext_dir",
            FactKind::TlsProtocol => "tls.protocol",
            FactKind::TlsVerification => "tls.verification",
            FactKind::TlsCipher => "tls.cipher",
            FactKind::ConnectorVersion => "connector.version",
            FactKind::ConnectorUse => "connector.use",
            FactKind::AuthMethod => "auth.method",
            FactKind::CertReference => "cert.reference",
            FactKind::Certificate => "certificate",
            FactKind::PrivateKey => "private-key",
            FactKind::Secret => "secret",
            FactKind::EndpointUrl => "endpoint.url",
            FactKind::SalesforceApiVersion => "salesforce.api_version",
            FactKind::DotnetTargetFramework => "dotnet.target_framework",
            FactKind::DotnetSwitch => "dotnet.switch",
            FactKind::TextMatch => "text.match",
        }
    }

    /// The kind with documented name `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether values of this kind are versions compared the Java way.
    pub fn is_java_versioned(self) -> bool {
        self == FactKind::JavaVersion
    }
}

impl fmt::Display for FactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The masked form of every secret value.
pub const MASK: &str = "****";

/// One thing an extractor read, at one place in one file. Facts order by
/// path, then span, then kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fact {
    /// The file the literal is written in (relative to the scan root).
    pub path: Arc<str>,
    /// Where the literal is written in `path`: the raw value only.
    pub span: Span,
    /// What was read.
    pub kind: FactKind,
    /// The value: as written for versions, canonical for TLS protocols,
    /// [`MASK`] for secrets.
    pub value: String,
    /// Attributes (`source`, `setting`, `effect`, `product`, ...).
    pub attributes: Attributes,
    /// The file whose extraction produced the fact. It differs from `path`
    /// when a script uses a value from a file it sources; rules with
    /// `scope = "file"` relate facts by origin.
    pub origin: Arc<str>,
}

impl Fact {
    /// A fact at `span` of `path`, produced while extracting `path` itself.
    pub fn new(kind: FactKind, value: impl Into<String>, path: &Arc<str>, span: Span) -> Self {
        let value = if kind == FactKind::Secret {
            MASK.to_owned()
        } else {
            value.into()
        };
        Self {
            kind,
            value,
            path: Arc::clone(path),
            span,
            attributes: Attributes::default(),
            origin: Arc::clone(path),
        }
    }

    /// A masked secret fact.
    pub fn secret(path: &Arc<str>, span: Span, setting: impl Into<String>) -> Self {
        Self::new(FactKind::Secret, MASK, path, span).with("setting", setting)
    }

    /// The fact with attribute `key` set to `value`.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.attributes.insert(key, value);
        self
    }

    /// The value of attribute `key`.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.get(key)
    }
}

/// A fact's attributes: a small map from names to values, kept sorted by
/// name. A sorted vector rather than a `BTreeMap`: a fact has a handful of
/// attributes, and a scan holds tens of thousands of facts.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attributes(Vec<(Box<str>, Box<str>)>);

impl Attributes {
    /// Sets `key` to `value`, replacing any previous value.
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl Into<String>) {
        let key = key.as_ref();
        let value: Box<str> = value.into().into_boxed_str();
        match self.0.binary_search_by(|(k, _)| (**k).cmp(key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key.into(), value)),
        }
    }

    /// Sets `key` to `value` unless it is already set.
    pub fn insert_default(&mut self, key: &str, value: impl Into<String>) {
        if self.get(key).is_none() {
            self.insert(key, value);
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| &*self.0[i].1)
    }

    /// `(name, value)` pairs in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Attributes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Trouble with one file that did not stop the scan: it could not be read,
/// was skipped, or part of it could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The file, relative to the scan root.
    pub path: Arc<str>,
    /// Where in the file, when known.
    pub span: Option<Span>,
    /// What happened, for humans.
    pub message: String,
}

impl Problem {
    /// A problem with a whole file.
    pub fn file(path: &Arc<str>, message: impl Into<String>) -> Self {
        Self {
            path: Arc::clone(path),
            span: None,
            message: message.into(),
        }
    }

    /// A problem at a span of a file.
    pub fn at(path: &Arc<str>, span: Span, message: impl Into<String>) -> Self {
        Self {
            path: Arc::clone(path),
            span: Some(span),
            message: message.into(),
        }
    }
}

/// What extracting one file produced.
#[derive(Clone, Debug, Default)]
pub struct Extraction {
    /// Facts, in no particular order.
    pub facts: Vec<Fact>,
    /// Parse trouble; extraction went on past it.
    pub problems: Vec<Problem>,
}

impl Extraction {
    /// Whether every span (of facts and problems) lies inside `text` with
    /// both ends on `char` boundaries: the invariant of every extractor,
    /// checked by tests and fuzz targets.
    pub fn spans_are_valid(&self, text: &str) -> bool {
        let spans = self.facts.iter().map(|fact| fact.span);
        let problems = self.problems.iter().filter_map(|problem| problem.span);
        spans.chain(problems).all(|span| {
            span.start <= span.end
                && text.is_char_boundary(span.start as usize)
                && text.is_char_boundary(span.end as usize)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in FactKind::ALL {
            assert_eq!(FactKind::from_name(kind.name()), Some(kind));
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.name())
            );
        }
    }

    #[test]
    fn secrets_are_masked_at_construction() {
        let path: Arc<str> = Arc::from("run.sh");
        let fact = Fact::new(FactKind::Secret, "hunter2", &path, Span::new(0, 7));
        assert_eq!(fact.value, MASK);
    }
}
