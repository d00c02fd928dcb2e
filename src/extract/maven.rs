//! Maven POMs (`pom.xml`, `*.pom`): the dependencies and plugins that name
//! a known client or runtime, and the Java versions the build compiles for.
//!
//! `${property}` references are resolved inside the POM: from
//! `<properties>` and from `project.version` (`version`, `pom.version`),
//! `project.groupId`, `project.artifactId` and `project.parent.version`.
//! A value that is one reference is reported where the property's literal
//! is written; a value assembled from several is reported where it is
//! assembled. A reference the POM cannot resolve (a parent's property, an
//! environment variable) yields no version: a client is then only known to
//! be used (`connector.use`).
//!
//! Java versions here are compile targets (`source = "maven"`), never
//! runtimes.

use std::sync::Arc;

use roxmltree::Node;

use crate::extract::anaplan_connect;
use crate::extract::mule::{ANAPLAN_CONNECTOR, MULE_RUNTIME};
use crate::extract::xml::{self, XmlValue};
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;
use crate::span::Span;
use crate::version::Version;

/// The `source` attribute of facts read from a POM.
const SOURCE: &str = "maven";

/// Properties that hold the Java version a build compiles for.
const JAVA_PROPERTIES: [&str; 8] = [
    "maven.compiler.source",
    "maven.compiler.target",
    "maven.compiler.release",
    "maven.compiler.testSource",
    "maven.compiler.testTarget",
    "maven.compiler.testRelease",
    "java.version",
    "jdk.version",
];

/// Properties that hold the Mule runtime version of a Mule app.
const MULE_PROPERTIES: [&str; 2] = ["mule.version", "app.runtime"];

/// `maven-compiler-plugin` configuration elements that set a Java version.
const COMPILER_SETTINGS: [&str; 6] = [
    "source",
    "target",
    "release",
    "testSource",
    "testTarget",
    "testRelease",
];

/// Whether a document whose root element is `project` is a POM (and not,
/// say, an Ant build file).
pub(crate) fn is_pom(root: Node<'_, '_>, file_name: &str) -> bool {
    let name = file_name.to_ascii_lowercase();
    root.tag_name()
        .namespace()
        .is_some_and(|ns| ns.starts_with("http://maven.apache.org/POM/"))
        || name == "pom.xml"
        || std::path::Path::new(&name)
            .extension()
            .is_some_and(|extension| extension == "pom")
        || xml::child(root, "modelVersion").is_some()
}

/// Extracts the facts of a POM whose root element is `root`.
pub(crate) fn extract(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    let pom = Pom::read(root);
    let path = &source.path;
    let profiles = xml::child(root, "profiles")
        .into_iter()
        .flat_map(|profiles| {
            profiles
                .children()
                .filter(|p| p.is_element() && p.tag_name().name() == "profile")
        })
        .filter_map(|profile| xml::child(profile, "properties"));
    for properties in xml::child(root, "properties").into_iter().chain(profiles) {
        for property in properties.children().filter(Node::is_element) {
            property_facts(&pom, property, path, out);
        }
    }
    for node in root.descendants().filter(Node::is_element) {
        let parent = node.parent_element().map(|p| p.tag_name().name());
        match (node.tag_name().name(), parent) {
            ("dependency", Some("dependencies")) | ("plugin", Some("plugins")) => {
                artifact_facts(&pom, node, path, out);
            }
            _ => {}
        }
        secret_text(node, path, out);
    }
}

/// The properties of a POM, for resolving `${...}` references.
struct Pom<'a> {
    /// `<properties>` of the project, in document order.
    properties: Vec<(&'a str, XmlValue<'a>)>,
    /// The project's own coordinates, under the names Maven knows them by.
    builtins: Vec<(&'static str, XmlValue<'a>)>,
}

/// A value with its references replaced, and where its literal is written.
#[derive(Debug)]
struct Resolved {
    value: String,
    span: Span,
}

impl<'a> Pom<'a> {
    fn read(root: Node<'a, '_>) -> Self {
        let properties = xml::child(root, "properties")
            .map(|properties| {
                properties
                    .children()
                    .filter(Node::is_element)
                    .filter_map(|p| Some((p.tag_name().name(), XmlValue::text(p)?)))
                    .collect()
            })
            .unwrap_or_default();
        let parent = xml::child(root, "parent");
        let own = |name: &str| {
            xml::child(root, name)
                .or_else(|| parent.and_then(|parent| xml::child(parent, name)))
                .and_then(XmlValue::text)
        };
        let mut builtins = Vec::new();
        if let Some(version) = own("version") {
            for name in ["project.version", "pom.version", "version"] {
                builtins.push((name, version.clone()));
            }
        }
        if let Some(group) = own("groupId") {
            builtins.push(("project.groupId", group));
        }
        if let Some(artifact) = xml::child(root, "artifactId").and_then(XmlValue::text) {
            builtins.push(("project.artifactId", artifact));
        }
        if let Some(version) = parent
            .and_then(|parent| xml::child(parent, "version"))
            .and_then(XmlValue::text)
        {
            builtins.push(("project.parent.version", version));
        }
        Self {
            properties,
            builtins,
        }
    }

    /// The value of property `name`; the last definition wins.
    fn lookup(&self, name: &str) -> Option<&XmlValue<'a>> {
        let defined = self.properties.iter().rev().find(|(key, _)| *key == name);
        let builtin = || self.builtins.iter().find(|(key, _)| *key == name);
        defined.or_else(builtin).map(|(_, value)| value)
    }

    fn resolve(&self, value: &XmlValue) -> Option<Resolved> {
        self.resolve_within(value, 0)
    }

    fn resolve_within(&self, value: &XmlValue, depth: usize) -> Option<Resolved> {
        let text = value.trimmed();
        if !text.contains("${") {
            return Some(Resolved {
                value: text.to_owned(),
                span: value.span()?,
            });
        }
        // Ten levels deep is a cycle, not a build anyone wrote.
        if depth >= 10 {
            return None;
        }
        if let Some(name) = text
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
            .filter(|name| !name.contains(['$', '{', '}']))
        {
            return self.resolve_within(self.lookup(name)?, depth + 1);
        }
        let mut assembled = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            assembled.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}')?;
            let inner = self.resolve_within(self.lookup(&after[..end])?, depth + 1)?;
            assembled.push_str(&inner.value);
            rest = &after[end + 1..];
        }
        assembled.push_str(rest);
        Some(Resolved {
            value: assembled,
            span: value.span()?,
        })
    }
}

/// A Java compile target or a Mule runtime version set by a property.
fn property_facts(pom: &Pom, property: Node<'_, '_>, path: &Arc<str>, out: &mut Extraction) {
    let name = property.tag_name().name();
    let Some(resolved) = XmlValue::text(property).and_then(|value| pom.resolve(&value)) else {
        return;
    };
    if JAVA_PROPERTIES.contains(&name) {
        out.facts.extend(java_target(resolved, name, path));
    } else if MULE_PROPERTIES.contains(&name) {
        out.facts.extend(
            version_fact(resolved, FactKind::ConnectorVersion, path).map(|fact| {
                fact.with("product", MULE_RUNTIME)
                    .with("source", SOURCE)
                    .with("setting", name)
            }),
        );
    }
}

fn java_target(resolved: Resolved, setting: &str, path: &Arc<str>) -> Option<Fact> {
    Version::parse_java(&resolved.value).ok()?;
    Some(
        Fact::new(FactKind::JavaVersion, resolved.value, path, resolved.span)
            .with("source", SOURCE)
            .with("setting", setting),
    )
}

/// A fact for a resolved version, when it reads as one.
fn version_fact(resolved: Resolved, kind: FactKind, path: &Arc<str>) -> Option<Fact> {
    Version::parse_dotted(&resolved.value).ok()?;
    Some(Fact::new(kind, resolved.value, path, resolved.span))
}

/// What a dependency or plugin is, by its coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Artifact {
    /// A product whose version is a `connector.version`.
    Product(&'static str),
    /// `com.force.api` artifacts, versioned by Salesforce API version.
    SalesforceApi,
    /// `maven-compiler-plugin`.
    Compiler,
    /// `mule-maven-plugin`.
    MulePlugin,
}

fn classify(group: &str, artifact: &str) -> Option<Artifact> {
    let found = match artifact {
        "anaplan-connect" => Artifact::Product(anaplan_connect::PRODUCT),
        "dataloader" if group == "com.force" || group.starts_with("com.salesforce") => {
            Artifact::Product("dataloader")
        }
        "force-wsc" | "force-partner-api" | "force-enterprise-api" | "force-metadata-api"
            if group == "com.force.api" =>
        {
            Artifact::SalesforceApi
        }
        "maven-compiler-plugin" => Artifact::Compiler,
        "mule-maven-plugin" => Artifact::MulePlugin,
        // `anaplan-connector` (Mule 3, org.mule.modules) and Mule 4 style
        // names such as `mule-anaplan-connector`.
        _ if artifact.contains("anaplan") && artifact.ends_with("-connector") => {
            Artifact::Product(ANAPLAN_CONNECTOR)
        }
        _ => return None,
    };
    Some(found)
}

fn artifact_facts(pom: &Pom, node: Node<'_, '_>, path: &Arc<str>, out: &mut Extraction) {
    let text_of = |name: &str| xml::child(node, name).and_then(XmlValue::text);
    let Some(artifact) = text_of("artifactId") else {
        return;
    };
    let group = text_of("groupId");
    let group = group.as_ref().map_or("", XmlValue::trimmed);
    let Some(kind) = classify(group, artifact.trimmed()) else {
        return;
    };
    let version = text_of("version").and_then(|version| pom.resolve(&version));
    match kind {
        Artifact::Product(product) => {
            let fact = version
                .and_then(|version| version_fact(version, FactKind::ConnectorVersion, path))
                .map(|fact| fact.with("source", SOURCE));
            let fact = fact.or_else(|| {
                // No version visible here (managed by a parent or a BOM).
                artifact
                    .span()
                    .map(|span| Fact::new(FactKind::ConnectorUse, product, path, span))
            });
            out.facts
                .extend(fact.map(|fact| fact.with("product", product)));
        }
        Artifact::SalesforceApi => {
            let source = artifact.trimmed();
            out.facts.extend(
                version
                    .and_then(|version| version_fact(version, FactKind::SalesforceApiVersion, path))
                    .map(|fact| fact.with("source", source)),
            );
        }
        Artifact::Compiler => {
            for setting in node.descendants().filter(|n| {
                n.is_element()
                    && COMPILER_SETTINGS.contains(&n.tag_name().name())
                    && n.parent_element()
                        .is_some_and(|p| p.tag_name().name() == "configuration")
            }) {
                let name = format!("maven-compiler-plugin {}", setting.tag_name().name());
                let resolved = XmlValue::text(setting).and_then(|value| pom.resolve(&value));
                out.facts
                    .extend(resolved.and_then(|resolved| java_target(resolved, &name, path)));
            }
        }
        Artifact::MulePlugin => {
            // `<cloudHubDeployment><muleVersion>4.4.0</muleVersion>` and the
            // other deployment targets name the runtime the app is deployed to.
            for setting in node
                .descendants()
                .filter(|n| n.is_element() && n.tag_name().name() == "muleVersion")
            {
                let resolved = XmlValue::text(setting).and_then(|value| pom.resolve(&value));
                out.facts.extend(
                    resolved
                        .and_then(|resolved| {
                            version_fact(resolved, FactKind::ConnectorVersion, path)
                        })
                        .map(|fact| {
                            fact.with("product", MULE_RUNTIME)
                                .with("source", SOURCE)
                                .with("setting", "mule-maven-plugin muleVersion")
                        }),
                );
            }
        }
    }
}

/// A `secret` for a leaf element whose name says it holds one
/// (`<repoToken>`, `<db.password>`) and whose text is a literal.
fn secret_text(node: Node<'_, '_>, path: &Arc<str>, out: &mut Extraction) {
    let name = node.tag_name().name();
    if node.children().any(|child| child.is_element())
        || !crate::extract::secrets::is_secret_name(name)
    {
        return;
    }
    let Some(value) = XmlValue::text(node) else {
        return;
    };
    if value.is_dynamic() || crate::extract::secrets::is_placeholder(value.text) {
        return;
    }
    if let Some(span) = value.span() {
        out.facts.push(Fact::secret(path, span, name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text under the span, attributes)` of every fact.
    fn facts(text: &str) -> Vec<(String, String, String, String)> {
        facts_at("pom.xml", text)
    }

    fn facts_at(path: &str, text: &str) -> Vec<(String, String, String, String)> {
        let source = SourceFile::new(path, text);
        let extraction = crate::extract::xml::extract(&source);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        let mut facts = extraction.facts;
        facts.sort_by_key(|fact| (fact.span, fact.kind));
        crate::extract::test_support::rows(&facts, text)
    }

    use crate::extract::test_support::row as fact;

    const HEAD: &str = "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n";

    #[test]
    fn anaplan_connector_and_anaplan_connect_from_properties() {
        let text = format!(
            "{HEAD}  <properties>\n    <anaplan.connect.version>1.3.6</anaplan.connect.version>\n  </properties>\n  <dependencies>\n    <dependency>\n      <groupId>org.mule.modules</groupId>\n      <artifactId>anaplan-connector</artifactId>\n      <version>1.1.4</version>\n    </dependency>\n    <dependency>\n      <groupId>com.anaplan.client</groupId>\n      <artifactId>anaplan-connect</artifactId>\n      <version>${{anaplan.connect.version}}</version>\n    </dependency>\n  </dependencies>\n</project>\n"
        );
        assert_eq!(
            facts(&text),
            [
                fact(
                    "connector.version",
                    "1.3.6",
                    "1.3.6",
                    "product=anaplan-connect source=maven"
                ),
                fact(
                    "connector.version",
                    "1.1.4",
                    "1.1.4",
                    "product=anaplan-mule-connector source=maven"
                ),
            ]
        );
    }

    #[test]
    fn compile_targets_resolve_to_where_the_literal_is() {
        let text = format!(
            "{HEAD}  <properties>\n    <jdk.version>1.7</jdk.version>\n    <maven.compiler.release>${{jdk.version}}</maven.compiler.release>\n  </properties>\n  <build><plugins><plugin>\n    <artifactId>maven-compiler-plugin</artifactId>\n    <configuration>\n      <source>${{jdk.version}}</source>\n      <target>11</target>\n    </configuration>\n  </plugin></plugins></build>\n</project>\n"
        );
        let found = facts(&text);
        // Three settings resolve to the one `1.7` literal; `finish` in
        // `extract::extract` keeps one fact per span.
        assert_eq!(
            found,
            [
                fact(
                    "java.version",
                    "1.7",
                    "1.7",
                    "setting=jdk.version source=maven"
                ),
                fact(
                    "java.version",
                    "1.7",
                    "1.7",
                    "setting=maven.compiler.release source=maven"
                ),
                fact(
                    "java.version",
                    "1.7",
                    "1.7",
                    "setting=maven-compiler-plugin source source=maven"
                ),
                fact(
                    "java.version",
                    "11",
                    "11",
                    "setting=maven-compiler-plugin target source=maven"
                ),
            ]
        );
        let source = SourceFile::new("pom.xml", text.as_str());
        let extraction = crate::extract::extract(
            crate::classify::FileKind::Xml,
            &source,
            &crate::extract::NoIncludes,
        );
        assert_eq!(extraction.facts.len(), 2);
    }

    #[test]
    fn unresolved_references_give_no_version() {
        let text = format!(
            "{HEAD}  <dependencies>\n    <dependency>\n      <groupId>com.anaplan.client</groupId>\n      <artifactId>anaplan-connect</artifactId>\n      <version>${{parent.anaplan.version}}</version>\n    </dependency>\n  </dependencies>\n  <build><plugins><plugin>\n    <artifactId>maven-compiler-plugin</artifactId>\n    <configuration><source>${{jdk.version}}</source></configuration>\n  </plugin></plugins></build>\n</project>\n"
        );
        assert_eq!(
            facts(&text),
            [fact(
                "connector.use",
                "anaplan-connect",
                "anaplan-connect",
                "product=anaplan-connect"
            )]
        );
    }

    #[test]
    fn project_version_cycles_and_assembled_values() {
        let text = format!(
            "{HEAD}  <groupId>com.acme</groupId>\n  <artifactId>sync</artifactId>\n  <version>44.0.0</version>\n  <properties>\n    <a>${{b}}</a>\n    <b>${{a}}</b>\n    <major>4</major>\n  </properties>\n  <dependencies>\n    <dependency><groupId>com.force.api</groupId><artifactId>force-wsc</artifactId><version>${{project.version}}</version></dependency>\n    <dependency><groupId>com.force.api</groupId><artifactId>force-partner-api</artifactId><version>${{a}}</version></dependency>\n    <dependency><groupId>com.force</groupId><artifactId>dataloader</artifactId><version>${{major}}5.0.0</version></dependency>\n  </dependencies>\n</project>\n"
        );
        // `force-partner-api` points into a cycle: no version.
        assert_eq!(
            facts(&text),
            [
                fact(
                    "salesforce.api_version",
                    "44.0.0",
                    "44.0.0",
                    "source=force-wsc"
                ),
                fact(
                    "connector.version",
                    "45.0.0",
                    "${major}5.0.0",
                    "product=dataloader source=maven"
                ),
            ]
        );
    }

    #[test]
    fn mule_runtime_versions() {
        let text = format!(
            "{HEAD}  <properties>\n    <app.runtime>4.4.0-20230320</app.runtime>\n    <mule.maven.plugin.version>3.8.2</mule.maven.plugin.version>\n  </properties>\n  <build><plugins><plugin>\n    <groupId>org.mule.tools.maven</groupId>\n    <artifactId>mule-maven-plugin</artifactId>\n    <version>${{mule.maven.plugin.version}}</version>\n    <configuration><cloudHubDeployment><muleVersion>4.3.0</muleVersion></cloudHubDeployment></configuration>\n  </plugin></plugins></build>\n</project>\n"
        );
        assert_eq!(
            facts(&text),
            [
                fact(
                    "connector.version",
                    "4.4.0-20230320",
                    "4.4.0-20230320",
                    "product=mule-runtime setting=app.runtime source=maven"
                ),
                fact(
                    "connector.version",
                    "4.3.0",
                    "4.3.0",
                    "product=mule-runtime setting=mule-maven-plugin muleVersion source=maven"
                ),
            ]
        );
    }

    #[test]
    fn secrets_in_plugin_configuration() {
        let text = format!(
            "{HEAD}  <properties><keystore.password>changeit</keystore.password><db.password>${{env.DB_PASS}}</db.password></properties>\n  <build><plugins><plugin>\n    <artifactId>coveralls-maven-plugin</artifactId>\n    <configuration><repoToken>Fak3T0kenValue</repoToken></configuration>\n  </plugin></plugins></build>\n</project>\n"
        );
        assert_eq!(
            facts(&text),
            [fact(
                "secret",
                "****",
                "Fak3T0kenValue",
                "setting=repoToken"
            )]
        );
    }

    #[test]
    fn ant_projects_are_not_poms() {
        let text = "<project name=\"sync\" default=\"jar\">\n  <property name=\"maven.compiler.source\" value=\"1.6\"/>\n  <properties><java.version>1.6</java.version></properties>\n</project>\n";
        assert!(facts_at("build.xml", text).is_empty());
        assert_eq!(facts_at("pom.xml", text).len(), 1);
    }
}
