//! Classification: which extractor reads a file, decided from its name,
//! extension and (for extension-less scripts) its shebang.

use std::path::Path;

/// The formats connlint reads. A new format is a new variant here and an
/// arm in [`crate::extract::extract`]; the compiler finds every other place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// POSIX shell, bash, ksh (`.sh`, `.bash`, `.ksh`, shebang).
    Shell,
    /// Windows batch (`.bat`, `.cmd`).
    Batch,
    /// Java properties, including `java.security` and Heroku `system.properties`.
    Properties,
    /// Dockerfiles and Containerfiles.
    Dockerfile,
    /// `.java-version` (jenv and others).
    JavaVersion,
    /// asdf and mise `.tool-versions`.
    ToolVersions,
    /// SDKMAN! `.sdkmanrc`.
    Sdkmanrc,
    /// GitHub Actions workflows (`.github/workflows/*.yml`) and composite
    /// actions (`action.yml`).
    GithubActions,
    /// GitLab CI (`.gitlab-ci.yml`, included `*.gitlab-ci.yml`).
    GitlabCi,
    /// Travis CI (`.travis.yml`).
    Travis,
    /// Azure Pipelines (`azure-pipelines*.yml`).
    AzurePipelines,
    /// Docker Compose (`docker-compose*.yml`, `compose*.yml`).
    Compose,
    /// Kubernetes manifests. No name says so: a generic YAML file whose
    /// content has `apiVersion` and `kind` is read as one.
    Kubernetes,
    /// Spring Boot `application*.yml` and `bootstrap*.yml`.
    Spring,
    /// Any other `.yml`/`.yaml`: read only as far as its content shows a
    /// dialect connlint knows.
    Yaml,
    /// XML (`.xml`, `.pom`): dispatched by root element to the Maven POM,
    /// Mule configuration, `mule-project.xml` and Tomcat `server.xml` readers.
    Xml,
    /// Mule 4 `mule-artifact.json`.
    MuleArtifact,
    /// Mule 3 `mule-deploy.properties` (properties syntax).
    MuleDeploy,
    /// Mule `tls-default.conf` and `tls-fips140-2.conf` (properties syntax).
    MuleTlsConf,
    /// Salesforce XML known by name (`process-conf.xml`, `database-conf.xml`,
    /// `package.xml`, `*-meta.xml`, `build.xml`, `*.wsdl`).
    SalesforceXml,
    /// .NET XML known by name (`web.config`, `app.config`,
    /// `*.exe.config`, `*.dll.config`, `*.csproj`, `*.vbproj`,
    /// `Settings.settings`).
    DotnetXml,
    /// Salesforce DX `sfdx-project.json`.
    SfdxProject,
    /// A Data Loader encryption key file (`dataLoader.key`, `*.key`).
    DataLoaderKey,
    /// C# source (`.cs`).
    CSharp,
    /// PowerShell (`.ps1`, `.psm1`).
    PowerShell,
    /// Windows registry files (`.reg`).
    Registry,
    /// Gradle build scripts (`build.gradle`, `*.gradle`, `*.gradle.kts`).
    Gradle,
    /// JVM source code (`.java`, `.kt`, `.kts`, `.groovy`, `.scala`).
    JavaSource,
    /// Python source (`.py`).
    Python,
    /// JavaScript and TypeScript (`.js`, `.mjs`, `.cjs`, `.jsx`, `.ts`, `.mts`, `.cts`, `.tsx`).
    JavaScript,
    /// OpenSSL configuration (`openssl.cnf`, `*.cnf`).
    OpensslConf,
    /// nginx or Apache httpd configuration (`*.conf`, `sites-available/*`),
    /// told apart by content.
    WebServer,
    /// JVM option files, one option per line (Boomi's `atom.vmoptions`, `*.vmoptions`).
    VmOptions,
    /// The client inventory (`connlint-clients.toml`): clients configured
    /// in vendor UIs, declared by the team.
    ClientInventory,
}

impl FileKind {
    /// The name users write in `.connlint.toml` `[extractors]` mappings.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Shell => "shell",
            FileKind::Batch => "batch",
            FileKind::Properties => "properties",
            FileKind::Dockerfile => "dockerfile",
            FileKind::JavaVersion => "java-version",
            FileKind::ToolVersions => "tool-versions",
            FileKind::Sdkmanrc => "sdkmanrc",
            FileKind::GithubActions => "github-actions",
            FileKind::GitlabCi => "gitlab-ci",
            FileKind::Travis => "travis",
            FileKind::AzurePipelines => "azure-pipelines",
            FileKind::Compose => "compose",
            FileKind::Kubernetes => "kubernetes",
            FileKind::Spring => "spring",
            FileKind::Yaml => "yaml",
            FileKind::Xml => "xml",
            FileKind::MuleArtifact => "mule-artifact",
            FileKind::MuleDeploy => "mule-deploy",
            FileKind::MuleTlsConf => "mule-tls-conf",
            FileKind::SalesforceXml => "salesforce-xml",
            FileKind::DotnetXml => "dotnet-xml",
            FileKind::SfdxProject => "sfdx-project",
            FileKind::DataLoaderKey => "dataloader-key",
            FileKind::CSharp => "csharp",
            FileKind::PowerShell => "powershell",
            FileKind::Registry => "registry",
            FileKind::Gradle => "gradle",
            FileKind::JavaSource => "java-source",
            FileKind::Python => "python",
            FileKind::JavaScript => "javascript",
            FileKind::OpensslConf => "openssl-conf",
            FileKind::WebServer => "web-server",
            FileKind::VmOptions => "vmoptions",
            FileKind::ClientInventory => "client-inventory",
        }
    }

    /// Every kind.
    pub const ALL: [FileKind; 34] = [
        FileKind::Shell,
        FileKind::Batch,
        FileKind::Properties,
        FileKind::Dockerfile,
        FileKind::JavaVersion,
        FileKind::ToolVersions,
        FileKind::Sdkmanrc,
        FileKind::GithubActions,
        FileKind::GitlabCi,
        FileKind::Travis,
        FileKind::AzurePipelines,
        FileKind::Compose,
        FileKind::Kubernetes,
        FileKind::Spring,
        FileKind::Yaml,
        FileKind::Xml,
        FileKind::MuleArtifact,
        FileKind::MuleDeploy,
        FileKind::MuleTlsConf,
        FileKind::SalesforceXml,
        FileKind::DotnetXml,
        FileKind::SfdxProject,
        FileKind::DataLoaderKey,
        FileKind::CSharp,
        FileKind::PowerShell,
        FileKind::Registry,
        FileKind::Gradle,
        FileKind::JavaSource,
        FileKind::Python,
        FileKind::JavaScript,
        FileKind::OpensslConf,
        FileKind::WebServer,
        FileKind::VmOptions,
        FileKind::ClientInventory,
    ];

    /// The kind named `name` in a config mapping.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// The kind of a file from its name alone, or `None` when only the content
/// can tell (see [`by_content`]) or connlint does not read it.
pub fn by_name(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let kind = match lower.as_str() {
        ".java-version" => FileKind::JavaVersion,
        ".tool-versions" => FileKind::ToolVersions,
        ".sdkmanrc" => FileKind::Sdkmanrc,
        "java.security" | "system.properties" => FileKind::Properties,
        "dockerfile" | "containerfile" => FileKind::Dockerfile,
        "mule-artifact.json" => FileKind::MuleArtifact,
        "mule-deploy.properties" => FileKind::MuleDeploy,
        "tls-default.conf" | "tls-fips140-2.conf" => FileKind::MuleTlsConf,
        _ if lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") => {
            FileKind::Dockerfile
        }
        "process-conf.xml" | "database-conf.xml" | "package.xml" | "build.xml" => {
            FileKind::SalesforceXml
        }
        _ if lower.ends_with("-meta.xml") => FileKind::SalesforceXml,
        "web.config" | "app.config" | "settings.settings" => FileKind::DotnetXml,
        _ if lower.ends_with(".exe.config") || lower.ends_with(".dll.config") => {
            FileKind::DotnetXml
        }
        "sfdx-project.json" => FileKind::SfdxProject,
        _ if crate::extract::inventory::is_inventory(&lower) => FileKind::ClientInventory,
        _ if lower.ends_with(".gradle") || lower.ends_with(".gradle.kts") => FileKind::Gradle,
        _ => match lower.rsplit_once('.').map(|(_, ext)| ext) {
            Some("sh" | "bash" | "ksh") => FileKind::Shell,
            Some("bat" | "cmd") => FileKind::Batch,
            Some("properties" | "security") => FileKind::Properties,
            Some("wsdl") => FileKind::SalesforceXml,
            Some("csproj" | "vbproj") => FileKind::DotnetXml,
            Some("cs") => FileKind::CSharp,
            Some("ps1" | "psm1") => FileKind::PowerShell,
            Some("reg") => FileKind::Registry,
            Some("xml" | "pom") => FileKind::Xml,
            Some("yml" | "yaml") => yaml_kind(path, &lower),
            Some("java" | "kt" | "kts" | "groovy" | "scala") => FileKind::JavaSource,
            Some("py") => FileKind::Python,
            Some("cnf") => FileKind::OpensslConf,
            Some("conf") => FileKind::WebServer,
            Some("vmoptions") => FileKind::VmOptions,
            Some("js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx") => {
                FileKind::JavaScript
            }
            _ if is_site_file(path) => FileKind::WebServer,
            _ => return None,
        },
    };
    Some(kind)
}

/// The dialect of a `.yml`/`.yaml` file from its path (`lower` is its
/// lower-cased name).
fn yaml_kind(path: &Path, lower: &str) -> FileKind {
    let stem = lower.rsplit_once('.').map_or(lower, |(stem, _)| stem);
    let mut parents = path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .rev()
        .map(|c| c.as_os_str().to_string_lossy().to_ascii_lowercase());
    let in_workflows = parents.next().as_deref() == Some("workflows")
        && parents.next().as_deref() == Some(".github");
    if in_workflows || stem == "action" {
        FileKind::GithubActions
    } else if stem == ".gitlab-ci" || stem.ends_with(".gitlab-ci") {
        FileKind::GitlabCi
    } else if stem == ".travis" {
        FileKind::Travis
    } else if stem.starts_with("azure-pipelines") {
        FileKind::AzurePipelines
    } else if stem.starts_with("docker-compose")
        || stem == "compose"
        || stem.starts_with("compose.")
    {
        FileKind::Compose
    } else if stem.starts_with("application") || stem.starts_with("bootstrap") {
        FileKind::Spring
    } else {
        FileKind::Yaml
    }
}

/// Files under `sites-available/` or `sites-enabled/` (Debian's layout
/// for nginx and Apache virtual hosts), whatever their name.
fn is_site_file(path: &Path) -> bool {
    path.parent()
        .and_then(|dir| dir.file_name())
        .and_then(|dir| dir.to_str())
        .is_some_and(|dir| matches!(dir, "sites-available" | "sites-enabled"))
}

/// The kind of an extension-less file from its first bytes: a shell shebang
/// (`#!/bin/sh`, `#!/usr/bin/env bash`, ...).
pub fn by_content(path: &Path, head: &[u8]) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if name.contains('.') && !name.starts_with('.') {
        return None;
    }
    let first_line = head.split(|&b| b == b'\n').next()?;
    let first_line = std::str::from_utf8(first_line).ok()?.trim_end();
    let shebang = first_line.strip_prefix("#!")?;
    let mut words = shebang.split_whitespace();
    let mut program = words.next()?.rsplit('/').next()?;
    if program == "env" {
        program = words.find(|w| !w.starts_with('-'))?;
    }
    matches!(
        program,
        "sh" | "bash" | "ksh" | "dash" | "zsh" | "ash" | "mksh"
    )
    .then_some(FileKind::Shell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_extensions() {
        let kind = |name: &str| by_name(Path::new(name));
        assert_eq!(kind("jobs/run.sh"), Some(FileKind::Shell));
        assert_eq!(kind("RUN.BAT"), Some(FileKind::Batch));
        assert_eq!(kind("nightly.cmd"), Some(FileKind::Batch));
        assert_eq!(kind("conf/java.security"), Some(FileKind::Properties));
        assert_eq!(kind("Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(kind("build.dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(kind(".tool-versions"), Some(FileKind::ToolVersions));
        assert_eq!(kind("app/pom.xml"), Some(FileKind::Xml));
        assert_eq!(kind("anaplan-connector-1.1.4.pom"), Some(FileKind::Xml));
        assert_eq!(kind("src/main/mule/sync.xml"), Some(FileKind::Xml));
        assert_eq!(kind("mule-artifact.json"), Some(FileKind::MuleArtifact));
        assert_eq!(
            kind("src/main/app/mule-deploy.properties"),
            Some(FileKind::MuleDeploy)
        );
        assert_eq!(kind("conf/tls-default.conf"), Some(FileKind::MuleTlsConf));
        assert_eq!(kind("conf/process-conf.xml"), Some(FileKind::SalesforceXml));
        assert_eq!(
            kind("classes/Sync.cls-meta.xml"),
            Some(FileKind::SalesforceXml)
        );
        assert_eq!(kind("Web.config"), Some(FileKind::DotnetXml));
        assert_eq!(kind("bin/Export.exe.config"), Some(FileKind::DotnetXml));
        assert_eq!(kind("Export/Export.csproj"), Some(FileKind::DotnetXml));
        assert_eq!(
            kind("Properties/Settings.settings"),
            Some(FileKind::DotnetXml)
        );
        assert_eq!(kind("sfdx-project.json"), Some(FileKind::SfdxProject));
        assert_eq!(kind("Program.cs"), Some(FileKind::CSharp));
        assert_eq!(kind("tls.ps1"), Some(FileKind::PowerShell));
        assert_eq!(kind("strong-crypto.reg"), Some(FileKind::Registry));
        assert_eq!(kind("build.gradle"), Some(FileKind::Gradle));
        assert_eq!(kind("app/build.gradle.kts"), Some(FileKind::Gradle));
        assert_eq!(kind("gradle/libs.gradle"), Some(FileKind::Gradle));
        assert_eq!(kind("gradle.properties"), Some(FileKind::Properties));
        assert_eq!(kind("src/main/java/Sync.java"), Some(FileKind::JavaSource));
        assert_eq!(kind("Client.kt"), Some(FileKind::JavaSource));
        assert_eq!(kind("export.py"), Some(FileKind::Python));
        assert_eq!(kind("index.mjs"), Some(FileKind::JavaScript));
        assert_eq!(kind("client.ts"), Some(FileKind::JavaScript));
        assert_eq!(kind("docker/openssl.cnf"), Some(FileKind::OpensslConf));
        assert_eq!(kind("nginx/nginx.conf"), Some(FileKind::WebServer));
        assert_eq!(kind("Atom/bin/atom.vmoptions"), Some(FileKind::VmOptions));
        assert_eq!(
            kind("ops/connlint-clients.toml"),
            Some(FileKind::ClientInventory)
        );
        assert_eq!(
            kind("ops/emea.connlint-clients.toml"),
            Some(FileKind::ClientInventory)
        );
        assert_eq!(kind("ops/.connlint.toml"), None);
        assert_eq!(kind("httpd/conf.d/ssl.conf"), Some(FileKind::WebServer));
        assert_eq!(
            kind("nginx/sites-available/default"),
            Some(FileKind::WebServer)
        );
        assert_eq!(
            kind("apache2/sites-enabled/000-default"),
            Some(FileKind::WebServer)
        );
        assert_eq!(kind("README.md"), None);
        assert_eq!(kind("run"), None);
    }

    #[test]
    fn yaml_dialects_by_path() {
        let kind = |name: &str| by_name(Path::new(name));
        assert_eq!(
            kind(".github/workflows/build.yml"),
            Some(FileKind::GithubActions)
        );
        assert_eq!(
            kind("a/.github/workflows/nightly.yaml"),
            Some(FileKind::GithubActions)
        );
        assert_eq!(
            kind("actions/setup/action.yml"),
            Some(FileKind::GithubActions)
        );
        assert_eq!(kind("workflows/build.yml"), Some(FileKind::Yaml));
        assert_eq!(kind(".gitlab-ci.yml"), Some(FileKind::GitlabCi));
        assert_eq!(kind("ci/java.gitlab-ci.yml"), Some(FileKind::GitlabCi));
        assert_eq!(kind(".travis.yml"), Some(FileKind::Travis));
        assert_eq!(kind("azure-pipelines.yml"), Some(FileKind::AzurePipelines));
        assert_eq!(kind("docker-compose.prod.yaml"), Some(FileKind::Compose));
        assert_eq!(kind("compose.yml"), Some(FileKind::Compose));
        assert_eq!(kind("compose.override.yaml"), Some(FileKind::Compose));
        assert_eq!(
            kind("src/main/resources/application-prod.yml"),
            Some(FileKind::Spring)
        );
        assert_eq!(kind("bootstrap.yml"), Some(FileKind::Spring));
        assert_eq!(kind("k8s/deployment.yaml"), Some(FileKind::Yaml));
        assert_eq!(kind("mkdocs.yml"), Some(FileKind::Yaml));
        assert_eq!(
            FileKind::from_name("kubernetes"),
            Some(FileKind::Kubernetes)
        );
    }

    #[test]
    fn shebangs() {
        let kind = |head: &str| by_content(Path::new("bin/run-import"), head.as_bytes());
        assert_eq!(kind("#!/bin/sh\necho"), Some(FileKind::Shell));
        assert_eq!(kind("#!/usr/bin/env bash\n"), Some(FileKind::Shell));
        assert_eq!(kind("#!/usr/bin/env -S bash -e\n"), Some(FileKind::Shell));
        assert_eq!(kind("#!/usr/bin/python3\n"), None);
        assert_eq!(kind("echo hi"), None);
        assert_eq!(by_content(Path::new("notes.txt"), b"#!/bin/sh\n"), None);
    }
}
