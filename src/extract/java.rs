//! Java clues in free text: versions in JDK paths and archive names, and the
//! JVM options that set TLS protocols, key stores and their passwords.
//!
//! Shell, batch, Dockerfile and properties extractors all hand their words
//! to these scanners, so `/opt/jdk1.7.0_80` reads the same wherever it is.

use std::ops::Range;

use crate::extract::{java_ext, secrets, tls};
use crate::facts::FactKind;

/// Something found in a piece of text, located by a byte range of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clue {
    /// The fact kind it becomes.
    pub kind: FactKind,
    /// The raw value's bytes within the scanned text.
    pub range: Range<usize>,
    /// The fact value (canonical for protocols; unused for secrets).
    pub value: String,
    /// Attributes for the fact.
    pub attributes: Vec<(&'static str, String)>,
}

/// Java versions named in paths, package names and archive names:
/// `/usr/lib/jvm/jdk1.7.0_80`, `C:\Program Files\Java\jre1.8.0_161`,
/// `jre-8u112-linux-x64.tar.gz`, `java-1.8.0-openjdk`, `openjdk-7-jre`.
///
/// Each clue's `source` attribute is `archive` for installer and archive
/// names; otherwise the caller sets it (`java-home`, `java-path`, ...).
pub fn java_versions(text: &str) -> Vec<Clue> {
    // A cheap literal test first: most words name no runtime at all.
    let hints =
        static_regex!(r"(?i)jdk|jre|java|j2s|j2r|zulu|temurin|corretto|liberica|semeru|sapmachine");
    if !hints.is_match(text) {
        return Vec::new();
    }
    let patterns = [
        // RPM-style full versions: java-1.8.0-openjdk-1.8.0.161-2.b14.el7
        static_regex!(r"(?i)openjdk-(1\.[5-8]\.\d+\.\d+)"),
        // jdk1.7.0_80, jre1.8.0_161, jdk-11.0.2+9, jdk8u152-b16, jre-8u112, server-jre-8u202, jre7
        static_regex!(
            r"(?i)(?:^|[^A-Za-z0-9.])(?:jdk|jre|j2sdk|j2re)[-_]?(1\.[2-8](?:\.\d+(?:_\d+)?)?(?:-b\d+)?|\d{1,2}u\d+(?:-b\d+)?|\d{1,2}(?:\.\d+){0,3}(?:\+\d+)?)(?:[^0-9A-Za-z.+_]|$|\.(?:[a-z]|$))"
        ),
        // java-1.8.0-openjdk, java-8-openjdk-amd64, java-7-oracle, openjdk-7-jre, temurin-17-jdk, zulu8
        static_regex!(
            r#"(?i)(?:^|[^A-Za-z0-9])(?:openjdk|java|temurin|zulu|corretto|adoptopenjdk|liberica|semeru|sapmachine)[-_]?(1\.[2-8](?:\.\d+)?|\d{1,2})(?:[-_](?:openjdk|oracle|jdk|jre|amd64|x64|x86_64|i386|arm64|aarch64|headless|devel|amazon|zulu)|[/\\"';:,]|$)"#
        ),
    ];
    // An installer or archive named after the runtime (`jre-8u112-linux-x64.tar.gz`),
    // not the `java.exe` inside one.
    let archive = static_regex!(
        r"(?i)(?:^|[/\\])[^/\\]*(?:jdk|jre|java)[^/\\]*\.(?:tar\.gz|tgz|zip|exe|rpm|bin|msi|dmg|deb|tar)$"
    );
    let trimmed = text.trim_end_matches(['"', '\'']);
    let base = trimmed
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(trimmed)
        .to_ascii_lowercase();
    let is_archive = archive.is_match(trimmed) && base != "java.exe" && base != "javaw.exe";
    let mut clues: Vec<Clue> = Vec::new();
    for pattern in patterns {
        for caps in pattern.captures_iter(text) {
            let Some(version) = caps.get(1) else { continue };
            let range = version.range();
            if clues
                .iter()
                .any(|c| c.range.start < range.end && range.start < c.range.end)
            {
                continue;
            }
            let mut attributes = Vec::new();
            if is_archive {
                attributes.push(("source", "archive".to_owned()));
            }
            clues.push(Clue {
                kind: FactKind::JavaVersion,
                range,
                value: version.as_str().to_owned(),
                attributes,
            });
        }
    }
    // `java-1.8.0-openjdk-1.8.0.161`: the package name's `1.8.0` is a
    // vaguer spelling of the full version beside it.
    let full: Vec<String> = clues.iter().map(|c| c.value.clone()).collect();
    clues.retain(|c| {
        !full
            .iter()
            .any(|f| f.len() > c.value.len() && f.starts_with(&c.value))
    });
    clues.sort_by_key(|c| c.range.start);
    clues
}

/// Clues in JVM options: `-Dhttps.protocols=TLSv1,TLSv1.1` and
/// `-Djdk.tls.client.protocols=...` (one `tls.protocol` per item),
/// `-Djavax.net.ssl.keyStore=...` (a `cert.reference`), key or trust
/// store passwords (a `secret`, unless a placeholder) and
/// `-Djava.ext.dirs=...` (a `java.ext_dir` on the value, or on the whole
/// option when the value is empty, which Java 9+ refuses just the same).
pub fn jvm_options(text: &str) -> Vec<Clue> {
    if !text.contains("-D") {
        return Vec::new();
    }
    let option = static_regex!(
        r#"-D(https\.protocols|jdk\.tls\.client\.protocols|jdk\.tls\.server\.protocols|javax\.net\.ssl\.(?:keyStore|trustStore)(?:Password)?)=("[^"]*"|'[^']*'|[^\s"'|]*)"#
    );
    let mut clues = Vec::new();
    for caps in option.captures_iter(text) {
        let (Some(name), Some(value)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        let setting = name.as_str();
        let mut value_range = value.range();
        let raw = value.as_str();
        if raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) {
            value_range = value_range.start + 1..value_range.end - 1;
        }
        let raw = &text[value_range.clone()];
        if setting.ends_with("protocols") {
            clues.extend(protocol_list(raw, value_range.start, setting, "enable"));
        } else if setting.ends_with("Password") {
            if !secrets::is_placeholder(raw) {
                clues.push(Clue {
                    kind: FactKind::Secret,
                    range: value_range,
                    value: String::new(),
                    attributes: vec![("setting", setting.to_owned())],
                });
            }
        } else if !raw.is_empty() {
            let role = if setting.ends_with("trustStore") {
                "truststore"
            } else {
                "keystore"
            };
            clues.push(Clue {
                kind: FactKind::CertReference,
                range: value_range,
                value: raw.to_owned(),
                attributes: vec![("role", role.to_owned()), ("setting", setting.to_owned())],
            });
        }
    }
    clues.extend(ext_dirs_options(text));
    clues
}

/// `-Djava.ext.dirs=DIRS` options.
fn ext_dirs_options(text: &str) -> Vec<Clue> {
    if !text.contains("-Djava.ext.dirs=") {
        return Vec::new();
    }
    let option = static_regex!(r#"-Djava\.ext\.dirs=("[^"]*"|'[^']*'|[^\s"'|]*)"#);
    option
        .captures_iter(text)
        .filter_map(|caps| {
            let (whole, value) = (caps.get(0)?, caps.get(1)?);
            let mut range = value.range();
            let raw = value.as_str();
            if raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) {
                range = range.start + 1..range.end - 1;
            }
            let value = text[range.clone()].to_owned();
            if value.is_empty() {
                range = whole.range();
            }
            Some(Clue {
                kind: FactKind::JavaExtDir,
                range,
                value,
                attributes: vec![
                    ("source", java_ext::JVM_OPTION.to_owned()),
                    ("setting", java_ext::EXT_DIRS.to_owned()),
                ],
            })
        })
        .collect()
}

/// One `tls.protocol` clue per protocol named in a list (`TLSv1,TLSv1.1`),
/// `offset` bytes into the scanned text. Tokens that are not protocols are
/// skipped.
pub fn protocol_list(list: &str, offset: usize, setting: &str, effect: &str) -> Vec<Clue> {
    tls::list_items(list)
        .into_iter()
        .filter_map(|item| {
            let canonical = tls::canonical_protocol(&list[item.clone()])?;
            Some(Clue {
                kind: FactKind::TlsProtocol,
                range: item.start + offset..item.end + offset,
                value: canonical.to_owned(),
                attributes: vec![
                    ("setting", setting.to_owned()),
                    ("effect", effect.to_owned()),
                ],
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(text: &str) -> Vec<&str> {
        java_versions(text)
            .into_iter()
            .map(|c| &text[c.range])
            .collect()
    }

    #[test]
    fn versions_in_paths() {
        assert_eq!(versions("/usr/lib/jvm/jdk1.7.0_80/bin/java"), ["1.7.0_80"]);
        assert_eq!(
            versions(r"C:\Program Files\Java\jre1.8.0_161\bin\java.exe"),
            ["1.8.0_161"]
        );
        assert_eq!(versions("/opt/jdk-11.0.2+9"), ["11.0.2+9"]);
        assert_eq!(versions("/opt/jdk8u152-b16/bin/java"), ["8u152-b16"]);
        assert_eq!(versions("/usr/lib/jvm/java-8-openjdk-amd64"), ["8"]);
        assert_eq!(versions("/usr/lib/jvm/java-1.8.0-openjdk"), ["1.8.0"]);
        assert_eq!(
            versions("/usr/lib/jvm/java-1.8.0-openjdk-1.8.0.161-2.b14.el7.x86_64"),
            ["1.8.0.161"]
        );
        assert_eq!(versions("openjdk-7-jre-headless"), ["7"]);
        assert_eq!(versions("/usr/lib/jvm/java-11"), ["11"]);
        assert_eq!(versions("/opt/java/jre7/bin/java"), ["7"]);
    }

    #[test]
    fn java_exe_is_not_an_archive() {
        let clues = java_versions(r"C:\Java\jdk1.8.0_202\bin\java.exe");
        assert_eq!(clues.len(), 1);
        assert!(clues[0].attributes.is_empty());
    }

    #[test]
    fn archives_are_marked() {
        let clues = java_versions("jre-8u112-linux-x64.tar.gz");
        assert_eq!(clues.len(), 1);
        assert_eq!(clues[0].value, "8u112");
        assert_eq!(clues[0].attributes, [("source", "archive".to_owned())]);
    }

    #[test]
    fn no_versions_in_lookalikes() {
        for text in [
            "-Djava.version=1.7",
            "-Djdk.tls.client.protocols=TLSv1.2",
            "javascript-1.2",
            "${JAVA_HOME}/bin/java",
            "anaplan-connect-1.3.3.5.jar",
            "myjdk7tool",
            "jdk.internal",
        ] {
            assert!(versions(text).is_empty(), "{text}: {:?}", versions(text));
        }
    }

    #[test]
    fn protocol_options_one_clue_per_item() {
        let text = "-Xmx1g -Dhttps.protocols=TLSv1,TLSv1.1 -Djdk.tls.client.protocols=\"TLSv1.2\"";
        let clues = jvm_options(text);
        let items: Vec<(&str, &str)> = clues
            .iter()
            .map(|c| (&text[c.range.clone()], c.value.as_str()))
            .collect();
        assert_eq!(
            items,
            [
                ("TLSv1", "TLSv1"),
                ("TLSv1.1", "TLSv1.1"),
                ("TLSv1.2", "TLSv1.2")
            ]
        );
    }

    #[test]
    fn keystore_options() {
        let text = "-Djavax.net.ssl.keyStore=/etc/ac/client.jks -Djavax.net.ssl.keyStorePassword=S3cret -Djavax.net.ssl.trustStorePassword=${TS_PASS}";
        let clues = jvm_options(text);
        assert_eq!(clues.len(), 2);
        assert_eq!(clues[0].kind, FactKind::CertReference);
        assert_eq!(&text[clues[0].range.clone()], "/etc/ac/client.jks");
        assert_eq!(clues[1].kind, FactKind::Secret);
        assert_eq!(&text[clues[1].range.clone()], "S3cret");
    }

    #[test]
    fn ext_dirs_options() {
        let text = "-Xmx1g -Djava.ext.dirs=/opt/app/ext:/opt/bc -Djava.ext.dirs=\"C:\\bc ext\" -Djava.ext.dirs= -Dx=1";
        let found: Vec<(&str, String)> = jvm_options(text)
            .into_iter()
            .map(|c| (&text[c.range.clone()], c.value))
            .collect();
        assert_eq!(
            found,
            [
                ("/opt/app/ext:/opt/bc", "/opt/app/ext:/opt/bc".to_owned()),
                ("C:\\bc ext", "C:\\bc ext".to_owned()),
                ("-Djava.ext.dirs=", String::new()),
            ]
        );
        assert!(jvm_options("-Djava.ext.dirsX=1 -Djava.ext.dir=/x").is_empty());
    }
}
