//! Container deployments: Docker Compose files and Kubernetes manifests,
//! read from the YAML tree.
//!
//! A Java image a service or container runs (`openjdk:7-jre`) is its runtime:
//! `java.version` through the Dockerfile image logic, with `source`
//! `compose` or `kubernetes`. Environment variables give JVM options
//! (`JAVA_OPTS`, `JAVA_TOOL_OPTIONS`, `_JAVA_OPTIONS`, or any value with
//! `-D` options), the Java of a `JAVA_HOME`, and `secret`s when their names
//! say so and their values are literals.

use crate::extract::yaml::{Node, Sink, is_kubernetes_manifest};
use crate::facts::Extraction;
use crate::source::SourceFile;

/// Extracts the facts of Docker Compose files (`docker-compose*.yml`,
/// `compose*.yml`).
///
/// Facts: per service (`services:`, or the top-level services of a v1
/// file), `java.version` from `image:`; facts of `environment:` (a mapping
/// or a list of `NAME=value`); JVM options in `command:` and `entrypoint:`
/// (a string or a list).
pub fn compose(documents: &[Node<'_>], source: &SourceFile) -> Extraction {
    let mut out = Sink::new(source);
    for document in documents {
        match document.get("services") {
            Some(services) => {
                for (_, service) in services.entries() {
                    service_facts(service, &mut out);
                }
            }
            // Compose file format v1: services at the top level.
            None => {
                for (_, service) in document.entries() {
                    if ["image", "build", "environment"]
                        .iter()
                        .any(|key| service.get(key).is_some())
                    {
                        service_facts(service, &mut out);
                    }
                }
            }
        }
    }
    out.finish()
}

/// Extracts the facts of Kubernetes manifests (any YAML whose documents
/// have `apiVersion` and `kind`).
///
/// Facts: for every container of a pod spec at any depth (`Pod`,
/// `Deployment`, `StatefulSet`, `Job`, `CronJob` templates, `List` items;
/// `containers`, `initContainers`, `ephemeralContainers`), `java.version`
/// from `image:`, facts of `env: [{name, value}]` (`valueFrom` is no
/// literal), JVM options in `command:` and `args:`; facts of the entries
/// of a `ConfigMap`'s `data` and a `Secret`'s `data`/`stringData`.
pub fn kubernetes(documents: &[Node<'_>], source: &SourceFile) -> Extraction {
    let mut out = Sink::new(source);
    for document in documents.iter().filter(|d| is_kubernetes_manifest(d)) {
        manifest(document, &mut out);
    }
    out.finish()
}

fn service_facts(service: &Node<'_>, out: &mut Sink<'_>) {
    if let Some(image) = service.get("image").and_then(Node::scalar) {
        out.image(image, "compose", "image");
    }
    match service.get("environment") {
        Some(env @ Node::Mapping(_)) => {
            for (name, value) in env.entries() {
                if let Some(value) = value.scalar() {
                    out.variable(&name.value, value, 0..value.value.len());
                }
            }
        }
        Some(env) => {
            for item in env.scalars() {
                out.assignment(item);
            }
        }
        None => {}
    }
    command_options(service, &["command", "entrypoint"], out);
}

fn manifest(document: &Node<'_>, out: &mut Sink<'_>) {
    match document.get("kind").and_then(Node::text) {
        Some("List") => {
            for item in document.get("items").map_or(&[][..], Node::items) {
                manifest(item, out);
            }
            return;
        }
        Some(kind @ ("ConfigMap" | "Secret")) => {
            let keys: &[&str] = if kind == "Secret" {
                &["data", "stringData"]
            } else {
                &["data"]
            };
            for key in keys {
                for (name, value) in document.get(key).into_iter().flat_map(Node::entries) {
                    if let Some(value) = value.scalar() {
                        out.variable(&name.value, value, 0..value.value.len());
                    }
                }
            }
        }
        _ => {}
    }
    containers(document, out);
}

/// Every container list at any depth of a manifest.
fn containers(node: &Node<'_>, out: &mut Sink<'_>) {
    for (key, value) in node.entries() {
        if matches!(
            key.value.as_str(),
            "containers" | "initContainers" | "ephemeralContainers"
        ) {
            for container in value.items() {
                container_facts(container, out);
            }
        } else {
            containers(value, out);
        }
    }
    for item in node.items() {
        containers(item, out);
    }
}

fn container_facts(container: &Node<'_>, out: &mut Sink<'_>) {
    if let Some(image) = container.get("image").and_then(Node::scalar) {
        out.image(image, "kubernetes", "image");
    }
    for variable in container.get("env").map_or(&[][..], Node::items) {
        let name = variable.get("name").and_then(Node::text);
        let value = variable.get("value").and_then(Node::scalar);
        if let (Some(name), Some(value)) = (name, value) {
            out.variable(name, value, 0..value.value.len());
        }
    }
    command_options(container, &["command", "args"], out);
}

/// JVM options in command lines, written as a string or a list.
fn command_options(node: &Node<'_>, keys: &[&str], out: &mut Sink<'_>) {
    for key in keys {
        for part in node.get(key).map(Node::scalars).unwrap_or_default() {
            out.jvm_options(part, 0..part.value.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::yaml::parse;

    fn facts(
        extract: fn(&[Node<'_>], &SourceFile) -> Extraction,
        text: &str,
    ) -> Vec<(String, String, String)> {
        let source = SourceFile::new("docker-compose.yml", text);
        let yaml = parse(text);
        assert!(yaml.problems.is_empty(), "{:?}", yaml.problems);
        let mut extraction = extract(&yaml.documents, &source);
        extraction.facts.sort();
        extraction
            .facts
            .iter()
            .map(|f| {
                let setting = f.attr("setting").unwrap_or_default();
                (
                    format!("{} {}", f.kind.name(), f.value),
                    text[f.span.range()].to_owned(),
                    setting.to_owned(),
                )
            })
            .collect()
    }

    fn fact(what: &str, raw: &str, setting: &str) -> (String, String, String) {
        (what.into(), raw.into(), setting.into())
    }

    #[test]
    fn compose_images_environment_forms_and_commands() {
        let text = r#"
x-java-env: &java-env
  JAVA_OPTS: "-Xmx1g -Dhttps.protocols=TLSv1"
services:
  sync:
    image: openjdk:7-jre
    environment: *java-env
  worker:
    image: "eclipse-temurin:17-jre"
    environment:
      - JAVA_TOOL_OPTIONS=-Djdk.tls.client.protocols=TLSv1.2
      - DB_PASSWORD=s3cret-compose
      - API_TOKEN=${API_TOKEN}
    command: ["java", "-Dhttps.protocols=SSLv3", "-jar", "/app.jar"]
"#;
        assert_eq!(
            facts(compose, text),
            [
                fact("tls.protocol TLSv1", "TLSv1", "https.protocols"),
                fact("java.version 7", "7", "image"),
                fact("java.version 17", "17", "image"),
                fact(
                    "tls.protocol TLSv1.2",
                    "TLSv1.2",
                    "jdk.tls.client.protocols"
                ),
                fact("secret ****", "s3cret-compose", "DB_PASSWORD"),
                fact("tls.protocol SSLv3", "SSLv3", "https.protocols"),
            ]
        );
    }

    #[test]
    fn compose_v1_services_at_the_top_level() {
        let text = "app:\n  image: openjdk:8u151-jre\nversion: '1'\n";
        assert_eq!(
            facts(compose, text),
            [fact("java.version 8u151", "8u151", "image")]
        );
    }

    #[test]
    fn kubernetes_pod_templates_env_and_secrets() {
        let text = r#"
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: init
              image: busybox:1.36
          containers:
            - name: sync
              image: registry.example.com/library/openjdk:7u211-jre
              env:
                - name: _JAVA_OPTIONS
                  value: "-Dhttps.protocols=TLSv1.1"
                - name: KEYSTORE_PASSWORD
                  valueFrom:
                    secretKeyRef: {name: ks, key: password}
              args: ["-Djavax.net.ssl.keyStore=/etc/ks/client.jks"]
---
apiVersion: v1
kind: Secret
metadata: {name: db}
stringData:
  password: k8s-Secr3t
  username: sync
---
not: a manifest
image: openjdk:6
"#;
        assert_eq!(
            facts(kubernetes, text),
            [
                fact("java.version 7u211", "7u211", "image"),
                fact("tls.protocol TLSv1.1", "TLSv1.1", "https.protocols"),
                fact(
                    "cert.reference /etc/ks/client.jks",
                    "/etc/ks/client.jks",
                    "javax.net.ssl.keyStore"
                ),
                fact("secret ****", "k8s-Secr3t", "password"),
            ]
        );
    }
}
