//! Boomi runtimes (Atom, Molecule, Atom Cloud): `atom.vmoptions` (one JVM
//! option per line, `#` comments; also any install4j-style `*.vmoptions`),
//! the images Boomi publishes, and the `product` of facts read from
//! Boomi's own files.
//!
//! Boomi's Docker images take `ATOM_VMOPTIONS_OVERRIDES` and
//! `CONTAINER_PROPERTIES_OVERRIDES`, `|`-separated, and append each item
//! to `bin/atom.vmoptions` and `conf/container.properties` (see
//! [`crate::extract::environment`]); `container.properties` itself is
//! read by the properties extractor.

use std::ops::Range;

use crate::extract::java;
use crate::facts::{Extraction, Fact};
use crate::source::SourceFile;
use crate::span::Span;

/// The `product` attribute of facts that belong to a Boomi runtime.
pub const PRODUCT: &str = "boomi";

/// Extracts the JVM options of a `.vmoptions` file: `tls.protocol` from
/// `-Dhttps.protocols=`/`-Djdk.tls.client.protocols=`, key and trust
/// store references, store passwords. Facts of `atom.vmoptions` carry
/// `product = boomi`.
pub fn extract_vmoptions(source: &SourceFile) -> Extraction {
    let mut extraction = Extraction::default();
    let is_atom = is_boomi_file(&source.path);
    let mut start = 0;
    for raw in source.text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim_start().starts_with('#') {
            continue;
        }
        for clue in java::jvm_options(line) {
            let mut fact = crate::extract::fact_from_clue(clue, &source.path, line_start);
            if fact.kind == crate::facts::FactKind::CertReference && fact.value.contains(['$', '%'])
            {
                fact = fact.with("unresolved", "true");
            }
            if is_atom {
                fact = fact.with("product", PRODUCT);
            }
            extraction.facts.push(fact);
        }
    }
    extraction
}

/// Whether `path` names one of Boomi's runtime files (`atom.vmoptions`,
/// `container.properties`), whose facts belong to the Boomi runtime.
pub fn is_boomi_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.eq_ignore_ascii_case("atom.vmoptions") || name.eq_ignore_ascii_case("container.properties")
}

/// The range of the repository in an image reference published by Boomi
/// for its runtimes (`boomi/atom:release`, `boomi/molecule:5.0.2`,
/// `boomi/cloud`), or `None` (`boomi/rhel-java` is a Java base image).
pub fn runtime_image(reference: &str) -> Option<Range<usize>> {
    let name_end = reference.find([':', '@']).unwrap_or(reference.len());
    let repository = &reference[..name_end];
    let lower = repository.to_ascii_lowercase();
    let path = lower.strip_prefix("docker.io/").unwrap_or(&lower);
    matches!(path, "boomi/atom" | "boomi/molecule" | "boomi/cloud").then_some(0..name_end)
}

/// A `connector.use` fact for a Boomi runtime image at `span`.
pub fn runtime_use(path: &std::sync::Arc<str>, span: Span) -> Fact {
    Fact::new(crate::facts::FactKind::ConnectorUse, PRODUCT, path, span).with("product", PRODUCT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vmoptions_lines() {
        let text = "# Boomi Atom\n-Xmx2048m\n#-Dhttps.protocols=TLSv1\n-Dhttps.protocols=TLSv1,TLSv1.2\r\n-Djavax.net.ssl.trustStore=/opt/boomi/certs/cacerts\n";
        let source = SourceFile::new("Boomi_AtomSphere/Atom/bin/atom.vmoptions", text);
        let extraction = extract_vmoptions(&source);
        let raw: Vec<&str> = extraction
            .facts
            .iter()
            .map(|f| &text[f.span.range()])
            .collect();
        assert_eq!(raw, ["TLSv1", "TLSv1.2", "/opt/boomi/certs/cacerts"]);
        assert!(
            extraction
                .facts
                .iter()
                .all(|f| f.attr("product") == Some(PRODUCT))
        );
        let other = extract_vmoptions(&SourceFile::new(
            "idea64.exe.vmoptions",
            "-Dhttps.protocols=TLSv1\n",
        ));
        assert_eq!(other.facts.len(), 1);
        assert_eq!(other.facts[0].attr("product"), None);
    }

    #[test]
    fn runtime_images() {
        assert_eq!(runtime_image("boomi/atom:release"), Some(0..10));
        assert_eq!(
            runtime_image("docker.io/boomi/molecule@sha256:abc"),
            Some(0..24)
        );
        assert_eq!(runtime_image("boomi/rhel-java:8u261"), None);
        assert_eq!(runtime_image("eclipse-temurin:17"), None);
    }
}
