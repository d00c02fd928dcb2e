//! Extractors: pure functions from a source file to facts with exact spans.
//!
//! An extractor reads no file system, no environment and no clock, so it can
//! be tested from strings, fuzzed, and run on unsaved editor buffers. The one
//! thing it may ask for is another file a script sources, through
//! [`Includes`], which the caller answers from files it already holds.
//! Malformed input becomes [`Problem`](crate::facts::Problem)s; extraction
//! never fails.

pub mod activemq;
pub mod anaplan_connect;
pub mod apache;
pub mod batch;
pub mod boomi;
pub mod certificate;
pub mod ci;
pub mod ciphers;
pub mod comments;
pub mod compose;
pub mod curl;
pub mod der;
pub mod dockerfile;
pub mod dotnet;
pub mod endpoint;
pub mod environment;
pub mod gradle;
pub mod inventory;
pub mod java;
pub mod java_ext;
pub mod java_source;
pub mod jks;
pub mod json;
pub mod maven;
pub mod mule;
pub mod mule_descriptors;
pub mod nginx;
pub mod node;
pub mod openssl;
pub mod pem;
pub mod pkcs12;
pub mod properties;
pub mod python;
pub mod salesforce;
pub mod script;
pub mod secrets;
pub mod shell;
pub mod spring;
pub mod spring_ssl;
#[cfg(test)]
mod test_support;
pub mod tls;
pub mod tomcat;
pub mod version_files;
pub mod xml;
pub mod xml_value;
pub mod yaml;

use std::collections::HashSet;
use std::sync::Arc;

use crate::classify::FileKind;
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;

/// Answers "which file does this script source?" for the shell and batch
/// extractors.
pub trait Includes: Sync {
    /// The file that `target` (as written after `.`, `source` or `call`,
    /// variables expanded) names when sourced from `from`, if it is known
    /// and inside the scanned roots.
    fn resolve(&self, from: &SourceFile, target: &str) -> Option<Arc<SourceFile>>;
}

/// An [`Includes`] that knows no file: sourced files are not followed.
pub struct NoIncludes;

impl Includes for NoIncludes {
    fn resolve(&self, _from: &SourceFile, _target: &str) -> Option<Arc<SourceFile>> {
        None
    }
}

/// Extracts the facts of `source`, read as `kind`.
pub fn extract(kind: FileKind, source: &SourceFile, includes: &dyn Includes) -> Extraction {
    let mut extraction = match kind {
        FileKind::Shell => shell::extract(source, includes),
        FileKind::Batch => {
            let mut extraction = batch::extract(source, includes);
            dotnet::batch_registry_commands(source, &mut extraction);
            extraction
        }
        FileKind::Properties => properties::extract(source),
        FileKind::Dockerfile => dockerfile::extract(source),
        FileKind::Gradle => gradle::extract(source),
        FileKind::JavaSource => java_source::extract(source),
        FileKind::Python => python::extract(source),
        FileKind::JavaScript => node::extract(source),
        FileKind::OpensslConf => openssl::extract(source),
        FileKind::WebServer if apache::is_apache(&source.text) => apache::extract(source),
        FileKind::WebServer => nginx::extract(source),
        FileKind::VmOptions => boomi::extract_vmoptions(source),
        FileKind::JavaVersion | FileKind::ToolVersions | FileKind::Sdkmanrc => {
            version_files::extract(kind, source)
        }
        FileKind::GithubActions
        | FileKind::GitlabCi
        | FileKind::Travis
        | FileKind::AzurePipelines
        | FileKind::Compose
        | FileKind::Kubernetes
        | FileKind::Spring
        | FileKind::Yaml => yaml::extract(kind, source),
        FileKind::Xml => xml::extract(source),
        FileKind::MuleArtifact => mule_descriptors::extract_artifact(source),
        FileKind::MuleDeploy => mule_descriptors::extract_deploy(source),
        FileKind::MuleTlsConf => mule_descriptors::extract_tls_conf(source),
        // Known by name; other `.xml` files reach these dialects through `xml`.
        FileKind::SalesforceXml | FileKind::DotnetXml => xml_value::extract_by_name(source),
        FileKind::SfdxProject => salesforce::extract_sfdx_project(source),
        FileKind::DataLoaderKey => salesforce::extract_key_file(source),
        FileKind::CSharp => dotnet::extract_csharp(source),
        FileKind::PowerShell => dotnet::extract_powershell(source),
        FileKind::Registry => dotnet::extract_registry_file(source),
        FileKind::ClientInventory => inventory::extract(source),
    };
    finish(&mut extraction, source);
    extraction
}

/// Sets the origin of every fact, relates runtime facts to the client the
/// same file runs, gives every endpoint the `environment` its host names
/// and masks a password in its user info (one place for every extractor;
/// see [`endpoint`]), and drops duplicates (a literal reached twice,
/// through an assignment and through its use, is one fact).
fn finish(extraction: &mut Extraction, source: &SourceFile) {
    let url_passwords: Vec<Fact> = extraction
        .facts
        .iter_mut()
        .filter(|fact| fact.kind == FactKind::EndpointUrl)
        .filter_map(mask_url_password)
        .collect();
    extraction.facts.extend(url_passwords);
    let runs_anaplan_connect = extraction.facts.iter().any(|fact| {
        matches!(
            fact.kind,
            FactKind::ConnectorUse | FactKind::ConnectorVersion
        ) && fact.attr("product") == Some(anaplan_connect::PRODUCT)
    });
    let mut seen = HashSet::new();
    extraction.facts.retain_mut(|fact| {
        fact.origin = Arc::clone(&source.path);
        if runs_anaplan_connect
            && matches!(fact.kind, FactKind::JavaVersion | FactKind::TlsProtocol)
            && fact.attr("product").is_none()
        {
            fact.attributes.insert("product", anaplan_connect::PRODUCT);
        }
        if fact.kind == FactKind::EndpointUrl
            && fact.attr("service") != Some("proxy")
            && let Some(environment) = endpoint::environment(&fact.value)
        {
            fact.attributes.insert_default("environment", environment);
        }
        seen.insert((
            fact.kind,
            Arc::clone(&fact.path),
            fact.span,
            fact.value.clone(),
        ))
    });
    extraction.facts.sort();
    extraction.problems.sort();
}

/// Masks the literal password of an endpoint URL's user info in its value
/// and returns it as a `secret` fact: at the password's bytes when the span
/// covers the URL byte for byte, else (an escaped URL in a properties file)
/// on the whole URL, so the rendered source never shows it either.
fn mask_url_password(fact: &mut Fact) -> Option<Fact> {
    let range = endpoint::userinfo_password(&fact.value)?;
    let span = if fact.span.len() == fact.value.len() {
        crate::span::Span::new(
            fact.span.start as usize + range.start,
            fact.span.start as usize + range.end,
        )
    } else {
        fact.span
    };
    fact.value.replace_range(range, crate::facts::MASK);
    let setting = fact.attr("setting").unwrap_or("URL").to_owned();
    Some(Fact::secret(&fact.path, span, setting).with("reason", "url-userinfo"))
}

/// Makes a fact from a clue found in `text`, which starts at byte `offset`
/// of `path`.
pub(crate) fn fact_from_clue(clue: java::Clue, path: &Arc<str>, offset: usize) -> Fact {
    let span = crate::span::Span::new(clue.range.start + offset, clue.range.end + offset);
    let mut fact = Fact::new(clue.kind, clue.value, path, span);
    for (key, value) in clue.attributes {
        fact.attributes.insert(key, value);
    }
    fact
}
