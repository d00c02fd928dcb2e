//! The pre-commit hook definition: its `files` pattern must select every
//! file name connlint reads, and nothing it obviously does not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::path::Path;

use connlint::classify;
use connlint::extract::certificate::EXTENSIONS;

fn hook_files_pattern() -> regex::Regex {
    let hooks = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .expect("read .pre-commit-hooks.yaml");
    let pattern = hooks
        .lines()
        .find_map(|line| line.trim().strip_prefix("files: "))
        .expect("a files: pattern");
    // pre-commit matches with Python's re.search; this pattern uses only
    // syntax both engines read the same way.
    regex::Regex::new(pattern).expect("valid pattern")
}

#[test]
fn the_hook_selects_every_name_connlint_classifies() {
    let files = hook_files_pattern();
    let read = [
        "jobs/run.sh",
        "RUN.BAT",
        "nightly.cmd",
        "conf/java.security",
        "system.properties",
        "Dockerfile",
        "Dockerfile.prod",
        "build.dockerfile",
        "Containerfile",
        ".java-version",
        ".tool-versions",
        ".sdkmanrc",
        "app/pom.xml",
        "anaplan-connector-1.1.4.pom",
        "src/main/mule/sync.xml",
        "mule-artifact.json",
        "mule-deploy.properties",
        "conf/tls-default.conf",
        "conf/process-conf.xml",
        "force-app/main/default/classes/A.cls-meta.xml",
        "Web.config",
        "bin/Export.exe.config",
        "Export/Export.csproj",
        "Properties/Settings.settings",
        "sfdx-project.json",
        "Program.cs",
        "tls.ps1",
        "strong-crypto.reg",
        "build.gradle",
        "app/build.gradle.kts",
        "src/main/java/Sync.java",
        "Client.kt",
        "export.py",
        "index.mjs",
        "client.ts",
        "docker/openssl.cnf",
        "nginx/nginx.conf",
        "nginx/sites-enabled/anaplan-proxy",
        "Atom/bin/atom.vmoptions",
        ".github/workflows/build.yml",
        ".gitlab-ci.yml",
        "azure-pipelines.yml",
        "docker-compose.prod.yaml",
        "connlint-clients.toml",
        "ops/emea.connlint-clients.toml",
        "service.wsdl",
    ];
    for name in read {
        let classified = classify::by_name(Path::new(name)).is_some();
        assert!(
            classified,
            "{name} is not classified; drop it from this list"
        );
        assert!(files.is_match(name), "the hook skips {name}");
    }
    for extension in EXTENSIONS {
        let name = format!("certs/client.{extension}");
        assert!(files.is_match(&name), "the hook skips {name}");
    }
    for name in [
        "README.md",
        "package.json",
        "src/lib.rs",
        "data/extract.csv",
        "Makefile",
    ] {
        assert!(classify::by_name(Path::new(name)).is_none(), "{name}");
        assert!(!files.is_match(name), "the hook selects {name}");
    }
}
