//! CI configs: GitHub Actions workflows (and composite actions), GitLab CI,
//! Travis CI and Azure Pipelines, read from the YAML tree.
//!
//! The Java a job sets up (`actions/setup-java`, `jdk:`, `JavaToolInstaller`,
//! `jdkVersionOption`) and the Java images it runs in (`container:`,
//! `image:`, `services:`) are the runtime of that job: `java.version` with
//! `source = ci`. A version a matrix feeds to `setup-java` gives one fact
//! per matrix literal, located at the literal. Variables (`env:`,
//! `variables:`) give JVM options and literal secrets, and scripts (`run:`,
//! `script:`, `bash:`) are read by the shell (or batch) extractor, their
//! facts located in the YAML file.

use crate::extract::yaml::{Node, Scalar, Shell, Sink};
use crate::facts::Extraction;
use crate::source::SourceFile;

/// The `source` attribute of every Java version a CI config sets.
const SOURCE: &str = "ci";

/// Extracts the facts of GitHub Actions workflows (`.github/workflows/*.yml`)
/// and composite actions (`action.yml`).
///
/// Facts: `java.version` from `actions/setup-java` `java-version` (a literal,
/// a newline-separated list, `${{ matrix.KEY }}` or `${{ env.NAME }}`
/// resolved to their literals) and from `container:`/`services:` images;
/// facts of `env:` values and of `run:` scripts.
pub fn github_actions(documents: &[Node<'_>], source: &SourceFile) -> Extraction {
    let mut out = Sink::new(source);
    for workflow in documents {
        variables(workflow.get("env"), &mut out);
        let workflow_shell = default_shell(workflow);
        for (_, job) in workflow.get("jobs").into_iter().flat_map(Node::entries) {
            let windows = job
                .get("runs-on")
                .into_iter()
                .flat_map(Node::scalars)
                .any(|s| s.value.to_ascii_lowercase().contains("windows"));
            let shell = default_shell(job).or(workflow_shell).unwrap_or(if windows {
                Shell::Other
            } else {
                Shell::Posix
            });
            let context = Job {
                matrix: job.get("strategy").and_then(|s| s.get("matrix")),
                envs: vec![job.get("env"), workflow.get("env")],
                shell,
            };
            variables(job.get("env"), &mut out);
            container(job.get("container"), "container", &mut out);
            for (_, service) in job.get("services").into_iter().flat_map(Node::entries) {
                container(Some(service), "services", &mut out);
            }
            for step in job.get("steps").map_or(&[][..], Node::items) {
                github_step(step, &context, &mut out);
            }
        }
        // A composite action: `runs: {using: composite, steps: [...]}`.
        if let Some(steps) = workflow.get("runs").and_then(|r| r.get("steps")) {
            let context = Job {
                matrix: None,
                envs: vec![workflow.get("env")],
                shell: workflow_shell.unwrap_or(Shell::Posix),
            };
            for step in steps.items() {
                github_step(step, &context, &mut out);
            }
        }
    }
    out.finish()
}

/// Extracts the facts of GitLab CI configs (`.gitlab-ci.yml` and included
/// `*.gitlab-ci.yml`).
///
/// Facts: `java.version` from `image:` (a string or `{name: ...}`) and
/// `services:` at the top level, in `default:` and in every job (hidden
/// `.template` jobs included); facts of `variables:` (a value or
/// `{value: ...}`) and of `before_script:`/`script:`/`after_script:`.
pub fn gitlab(documents: &[Node<'_>], source: &SourceFile) -> Extraction {
    const NOT_JOBS: [&str; 11] = [
        "variables",
        "workflow",
        "include",
        "stages",
        "cache",
        "spec",
        "image",
        "services",
        "before_script",
        "after_script",
        "types",
    ];
    let mut out = Sink::new(source);
    for document in documents {
        gitlab_job(document, &mut out);
        for (name, job) in document.entries() {
            if !NOT_JOBS.contains(&name.value.as_str()) && matches!(job, Node::Mapping(_)) {
                gitlab_job(job, &mut out);
            }
        }
    }
    out.finish()
}

/// Extracts the facts of Travis CI configs (`.travis.yml`).
///
/// Facts: `java.version` from `jdk:` (`openjdk7`, `oraclejdk8`, a list; the
/// value is the version, the span its digits), at the top level and in
/// `jobs.include`/`matrix.include`; facts of `env:` assignments and of the
/// phase scripts (`install:`, `script:`, ...).
pub fn travis(documents: &[Node<'_>], source: &SourceFile) -> Extraction {
    let mut out = Sink::new(source);
    for document in documents {
        travis_job(document, &mut out);
        for key in ["jobs", "matrix"] {
            let include = document.get(key).and_then(|m| m.get("include"));
            for job in include.map_or(&[][..], Node::items) {
                travis_job(job, &mut out);
            }
        }
    }
    out.finish()
}

/// Extracts the facts of Azure Pipelines (`azure-pipelines*.yml`), at any
/// depth (stages, jobs, deployment strategies, templates).
///
/// Facts: `java.version` from `JavaToolInstaller` `versionSpec`, from the
/// `jdkVersionOption` of `Maven`, `Gradle` and `Ant` tasks (`1.7`; `1.11`
/// means Java 11), and from `container:` images, `resources.containers`
/// and `pool.vmImage`; facts of `variables:` (a mapping or a `name`/`value`
/// list) and `env:`, and of `script:`/`bash:`/`powershell:` steps and
/// `CmdLine`/`Bash`/`PowerShell` task scripts.
pub fn azure(documents: &[Node<'_>], source: &SourceFile) -> Extraction {
    let mut out = Sink::new(source);
    for document in documents {
        // `container: legacy` may name a container resource rather than an
        // image; the resource's `image:` is read where it is written.
        let resources = document
            .get("resources")
            .and_then(|r| r.get("containers"))
            .map_or(&[][..], Node::items);
        let aliases: Vec<&str> = resources
            .iter()
            .filter_map(|c| c.get("container").and_then(Node::text))
            .collect();
        azure_node(document, &aliases, &mut out);
    }
    out.finish()
}

// ---------------------------------------------------------------------------
// GitHub Actions.

/// What a step of a job can refer to.
struct Job<'n, 'a> {
    matrix: Option<&'n Node<'a>>,
    /// `env:` blocks a `${{ env.NAME }}` may read, innermost first.
    envs: Vec<Option<&'n Node<'a>>>,
    shell: Shell,
}

fn github_step(step: &Node<'_>, job: &Job<'_, '_>, out: &mut Sink<'_>) {
    variables(step.get("env"), out);
    // Action inputs (`with: {password: ...}`): literal secrets only; an
    // input may be a whole script, whose comments are not options.
    inputs(step.get("with"), out);
    let uses = step.get("uses").and_then(Node::text).unwrap_or_default();
    if is_setup_java(uses)
        && let Some(version) = step
            .get("with")
            .and_then(|with| with.get("java-version"))
            .and_then(Node::scalar)
    {
        let mut envs = vec![step.get("env")];
        envs.extend(job.envs.iter().copied());
        setup_java_version(version, job.matrix, &envs, out);
    }
    if let Some(run) = step.get("run").and_then(Node::scalar) {
        let shell = step
            .get("shell")
            .and_then(Node::text)
            .map_or(job.shell, shell_named);
        out.script(&[run], shell);
    }
}

/// `actions/setup-java@v4` (any ref; the action's path is case-insensitive).
fn is_setup_java(uses: &str) -> bool {
    let lower = uses.trim().to_ascii_lowercase();
    let name = lower.split('@').next().unwrap_or_default();
    name == "actions/setup-java"
}

/// The versions a `java-version:` input names, located at their literals.
fn setup_java_version(
    version: &Scalar<'_>,
    matrix: Option<&Node<'_>>,
    envs: &[Option<&Node<'_>>],
    out: &mut Sink<'_>,
) {
    let expression = static_regex!(r"^\s*\$\{\{\s*(matrix|env)\.([A-Za-z0-9_.-]+)\s*\}\}\s*$");
    let attributes = [("source", SOURCE), ("setting", "java-version")];
    let Some(caps) = expression.captures(&version.value) else {
        out.java_version_list(version, &attributes);
        return;
    };
    let name = &caps[2];
    if &caps[1] == "matrix" {
        let Some(matrix) = matrix else { return };
        let attributes = [
            ("source", SOURCE),
            ("setting", "java-version"),
            ("matrix", name),
        ];
        for literal in matrix_values(matrix, name) {
            out.java_version_list(literal, &attributes);
        }
    } else {
        let attributes = [
            ("source", SOURCE),
            ("setting", "java-version"),
            ("variable", name),
        ];
        let literal = envs
            .iter()
            .flatten()
            .find_map(|env| env.get(name).and_then(Node::scalar));
        if let Some(literal) = literal {
            out.java_version_list(literal, &attributes);
        }
    }
}

/// The literals `matrix.KEY` (or `matrix.KEY.SUB`) takes: the matrix's own
/// values and those of its `include:` entries.
fn matrix_values<'n, 'a>(matrix: &'n Node<'a>, path: &str) -> Vec<&'n Scalar<'a>> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut out = Vec::new();
    resolve(matrix, &segments, &mut out);
    for entry in matrix.get("include").map_or(&[][..], Node::items) {
        resolve(entry, &segments, &mut out);
    }
    out
}

fn resolve<'n, 'a>(node: &'n Node<'a>, segments: &[&str], out: &mut Vec<&'n Scalar<'a>>) {
    match segments.split_first() {
        None => out.extend(node.scalars()),
        Some((first, rest)) => match node {
            Node::Sequence(_) => {
                for item in node.items() {
                    resolve(item, segments, out);
                }
            }
            Node::Mapping(_) => {
                if let Some(value) = node.get(first) {
                    resolve(value, rest, out);
                }
            }
            Node::Scalar(_) => {}
        },
    }
}

/// `defaults: {run: {shell: ...}}`.
fn default_shell(node: &Node<'_>) -> Option<Shell> {
    let shell = node.get("defaults")?.get("run")?.get("shell")?.text()?;
    Some(shell_named(shell))
}

/// The shell a `shell:` value names (`bash`, `sh -e {0}`, `pwsh`, `cmd`).
fn shell_named(shell: &str) -> Shell {
    let program = shell.split_whitespace().next().unwrap_or_default();
    match program.to_ascii_lowercase().as_str() {
        "bash" | "sh" => Shell::Posix,
        "cmd" => Shell::Cmd,
        _ => Shell::Other,
    }
}

/// `container: image` or `container: {image: ..., env: ...}` (services
/// alike).
fn container(node: Option<&Node<'_>>, setting: &str, out: &mut Sink<'_>) {
    let Some(node) = node else { return };
    let image = node.scalar().or_else(|| node.get("image")?.scalar());
    if let Some(image) = image {
        out.image(image, SOURCE, setting);
    }
    variables(node.get("env"), out);
}

// ---------------------------------------------------------------------------
// GitLab CI.

fn gitlab_job(job: &Node<'_>, out: &mut Sink<'_>) {
    gitlab_image(job.get("image"), "image", out);
    for service in job.get("services").map_or(&[][..], Node::items) {
        gitlab_image(Some(service), "services", out);
    }
    for (name, value) in job.get("variables").into_iter().flat_map(Node::entries) {
        let scalar = value.scalar().or_else(|| value.get("value")?.scalar());
        if let Some(scalar) = scalar {
            out.variable(&name.value, scalar, 0..scalar.value.len());
        }
    }
    // `before_script` and `script` run in one shell; `after_script` in another.
    let main: Vec<&Scalar<'_>> = ["before_script", "script"]
        .iter()
        .filter_map(|key| job.get(key))
        .flat_map(Node::scalars)
        .collect();
    out.script(&main, Shell::Posix);
    if let Some(after) = job.get("after_script") {
        out.script(&after.scalars(), Shell::Posix);
    }
}

/// `image: openjdk:7` or `image: {name: openjdk:7, entrypoint: [...]}`.
fn gitlab_image(node: Option<&Node<'_>>, setting: &str, out: &mut Sink<'_>) {
    let Some(node) = node else { return };
    if let Some(image) = node.scalar().or_else(|| node.get("name")?.scalar()) {
        out.image(image, SOURCE, setting);
    }
}

// ---------------------------------------------------------------------------
// Travis CI.

/// The phases whose commands Travis runs.
const TRAVIS_PHASES: [&str; 10] = [
    "before_install",
    "install",
    "before_script",
    "script",
    "before_cache",
    "after_success",
    "after_failure",
    "before_deploy",
    "after_deploy",
    "after_script",
];

fn travis_job(job: &Node<'_>, out: &mut Sink<'_>) {
    for jdk in job.get("jdk").map(Node::scalars).unwrap_or_default() {
        travis_jdk(jdk, out);
    }
    if let Some(env) = job.get("env") {
        let lists = match env {
            Node::Mapping(_) => ["global", "jobs", "matrix"]
                .iter()
                .filter_map(|key| env.get(key))
                .flat_map(Node::scalars)
                .collect(),
            _ => env.scalars(),
        };
        // Each item is one or more shell assignments (`A=1 B="x y"`).
        for item in lists {
            out.script(&[item], Shell::Posix);
        }
    }
    for phase in TRAVIS_PHASES {
        if let Some(commands) = job.get(phase) {
            out.script(&commands.scalars(), Shell::Posix);
        }
    }
}

/// `openjdk7`, `oraclejdk8`, `openjdk-11`: the value is the version, the
/// span its digits. `openjdk-ea` and other names without a version say
/// nothing.
fn travis_jdk(jdk: &Scalar<'_>, out: &mut Sink<'_>) {
    let pattern = static_regex!(r"^(?i:open|oracle|adoptopen|ibm)?(?i:jdk)-?(\d{1,2})$");
    let trimmed = jdk.value.trim();
    let lead = jdk.value.len() - jdk.value.trim_start().len();
    let Some(digits) = pattern.captures(trimmed).and_then(|caps| caps.get(1)) else {
        return;
    };
    let range = lead + digits.start()..lead + digits.end();
    out.java_version(
        jdk,
        range,
        digits.as_str(),
        &[("source", SOURCE), ("setting", "jdk")],
    );
}

// ---------------------------------------------------------------------------
// Azure Pipelines.

fn azure_node(node: &Node<'_>, aliases: &[&str], out: &mut Sink<'_>) {
    match node {
        Node::Mapping(_) => {
            let task = node.get("task").and_then(Node::text);
            if let Some(task) = task {
                azure_task(task, node.get("inputs"), out);
            }
            for (key, value) in node.entries() {
                let scalar = value.scalar();
                match (key.value.as_str(), scalar) {
                    // A task's inputs were read by `azure_task`.
                    ("inputs", _) if task.is_some() => continue,
                    ("script" | "bash", Some(script)) => out.script(&[script], Shell::Posix),
                    ("powershell" | "pwsh", Some(script)) => out.script(&[script], Shell::Other),
                    // A resource's own name, or a reference to one.
                    ("container", Some(_))
                        if node.get("image").is_some()
                            || aliases.contains(&value.text().unwrap_or_default()) => {}
                    ("container", Some(image)) => out.image(image, SOURCE, "container"),
                    ("container", None) => {
                        if let Some(image) = value.get("image").and_then(Node::scalar) {
                            out.image(image, SOURCE, "container");
                        }
                    }
                    // `resources: {containers: [{container: name, image: ...}]}`.
                    ("image", Some(image)) if node.get("container").is_some() => {
                        out.image(image, SOURCE, "container");
                    }
                    ("vmImage", Some(image)) => out.image(image, SOURCE, "pool.vmImage"),
                    ("variables" | "env", None) => azure_variables(value, out),
                    _ => {}
                }
                azure_node(value, aliases, out);
            }
        }
        Node::Sequence(_) => {
            for item in node.items() {
                azure_node(item, aliases, out);
            }
        }
        Node::Scalar(_) => {}
    }
}

fn azure_task(task: &str, inputs: Option<&Node<'_>>, out: &mut Sink<'_>) {
    let Some(inputs) = inputs else { return };
    let name = task.split('@').next().unwrap_or_default().trim();
    let input = |key: &str| inputs.get(key).and_then(Node::scalar);
    match name.to_ascii_lowercase().as_str() {
        "javatoolinstaller" => {
            if let Some(version) = input("versionSpec") {
                out.java_version_list(version, &[("source", SOURCE), ("setting", "versionSpec")]);
            }
        }
        "maven" | "gradle" | "ant" => {
            let option = input("jdkVersionOption").or_else(|| input("jdkVersion"));
            if let Some(option) = option {
                azure_jdk_option(option, out);
            }
        }
        "cmdline" | "bash" | "shellscript" => {
            if let Some(script) = input("script") {
                out.script(&[script], Shell::Posix);
            }
        }
        "powershell" => {
            if let Some(script) = input("script") {
                out.script(&[script], Shell::Other);
            }
        }
        _ => {}
    }
    azure_jvm_option_inputs(inputs, out);
    self::inputs(Some(inputs), out);
}

/// Task inputs that are JVM options (`mavenOptions: -Xmx1g
/// -Dhttps.protocols=TLSv1`, `gradleOptions`, `antOptions`).
fn azure_jvm_option_inputs(inputs: &Node<'_>, out: &mut Sink<'_>) {
    for key in ["mavenOptions", "gradleOptions", "antOptions"] {
        if let Some(options) = inputs.get(key).and_then(Node::scalar) {
            out.jvm_options(options, 0..options.value.len());
        }
    }
}

/// `jdkVersionOption: '1.7'` (Azure writes Java 9+ as `1.11`, `1.17`; the
/// value is then `11`, `17`). `default` names no version.
fn azure_jdk_option(option: &Scalar<'_>, out: &mut Sink<'_>) {
    let trimmed = option.value.trim();
    let lead = option.value.len() - option.value.trim_start().len();
    let Some(minor) = trimmed
        .strip_prefix("1.")
        .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
    else {
        return;
    };
    let value = match minor.parse::<u32>() {
        Ok(n) if n >= 9 => minor,
        Ok(_) => trimmed,
        Err(_) => return,
    };
    out.java_version(
        option,
        lead..lead + trimmed.len(),
        value,
        &[("source", SOURCE), ("setting", "jdkVersionOption")],
    );
}

/// `variables: {NAME: value}` or `variables: [{name: NAME, value: ...}]`
/// (`group:` and `template:` entries name nothing literal).
fn azure_variables(node: &Node<'_>, out: &mut Sink<'_>) {
    match node {
        Node::Mapping(_) => variables(Some(node), out),
        Node::Sequence(_) => {
            for item in node.items() {
                let name = item.get("name").and_then(Node::text);
                let value = item.get("value").and_then(Node::scalar);
                if let (Some(name), Some(value)) = (name, value) {
                    out.variable(name, value, 0..value.value.len());
                }
            }
        }
        Node::Scalar(_) => {}
    }
}

// ---------------------------------------------------------------------------

/// Inputs of an action or task: a `secret` for each literal whose name says
/// so.
fn inputs(node: Option<&Node<'_>>, out: &mut Sink<'_>) {
    for (name, value) in node.into_iter().flat_map(Node::entries) {
        if let Some(scalar) = value.scalar() {
            out.secret(&name.value, scalar, 0..scalar.value.len());
        }
    }
}

/// `env:`-style mappings: `NAME: value`.
fn variables(node: Option<&Node<'_>>, out: &mut Sink<'_>) {
    for (name, value) in node.into_iter().flat_map(Node::entries) {
        if let Some(scalar) = value.scalar() {
            out.variable(&name.value, scalar, 0..scalar.value.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::yaml::parse;

    /// `(kind, value, raw text under the span, attributes)` of each fact.
    fn facts(
        extract: fn(&[Node<'_>], &SourceFile) -> Extraction,
        text: &str,
    ) -> Vec<(String, String, String, String)> {
        let source = SourceFile::new("ci.yml", text);
        let yaml = parse(text);
        assert!(yaml.problems.is_empty(), "{:?}", yaml.problems);
        let mut extraction = extract(&yaml.documents, &source);
        extraction.facts.sort();
        crate::extract::test_support::rows(&extraction.facts, text)
    }

    use crate::extract::test_support::row as fact;

    #[test]
    fn setup_java_literals_lists_and_matrix_values() {
        let text = r"
on: push
env:
  BASE_JAVA: '8'
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        java: [7, '8', 11]
        include:
          - java: 1.8.0_151
    steps:
      - uses: actions/setup-java@v4
        with:
          distribution: zulu
          java-version: ${{ matrix.java }}
      - uses: actions/setup-java@v1
        with:
          java-version: '1.7'
      - uses: actions/setup-java@v4
        with:
          java-version: ${{ env.BASE_JAVA }}
      - uses: actions/setup-java@v4
        with:
          java-version: |
            17
            21
";
        let found = facts(github_actions, text);
        let matrix = "matrix=java setting=java-version source=ci";
        assert_eq!(
            found,
            [
                fact(
                    "java.version",
                    "8",
                    "8",
                    "setting=java-version source=ci variable=BASE_JAVA"
                ),
                fact("java.version", "7", "7", matrix),
                fact("java.version", "8", "8", matrix),
                fact("java.version", "11", "11", matrix),
                fact("java.version", "1.8.0_151", "1.8.0_151", matrix),
                fact(
                    "java.version",
                    "1.7",
                    "1.7",
                    "setting=java-version source=ci"
                ),
                fact("java.version", "17", "17", "setting=java-version source=ci"),
                fact("java.version", "21", "21", "setting=java-version source=ci"),
            ]
        );
    }

    #[test]
    fn github_containers_env_and_run_scripts() {
        let text = r#"
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    container:
      image: openjdk:7-jdk
    services:
      app:
        image: eclipse-temurin:17
    env:
      JAVA_OPTS: "-Dhttps.protocols=TLSv1,TLSv1.2"
      API_TOKEN: ${{ secrets.API_TOKEN }}
      DB_PASSWORD: hunter2-ci
    steps:
      - run: |
          # java -Dhttps.protocols=SSLv3 -jar old.jar
          java -Djdk.tls.client.protocols=TLSv1.1 -jar app.jar
      - shell: pwsh
        run: java "-Dhttps.protocols=TLSv1" -jar app.jar
      - uses: docker/login-action@v3
        with:
          username: ci
          password: Registry-pw1
      - uses: actions/github-script@v7
        with:
          github-token: ${{ secrets.GITHUB_TOKEN }}
          script: |
            // -Dhttps.protocols=TLSv1 is not an option here
"#;
        let found = facts(github_actions, text);
        assert_eq!(
            found,
            [
                fact(
                    "java.version",
                    "7",
                    "7",
                    "image=openjdk setting=container source=ci"
                ),
                fact(
                    "java.version",
                    "17",
                    "17",
                    "image=eclipse-temurin setting=services source=ci"
                ),
                fact(
                    "tls.protocol",
                    "TLSv1",
                    "TLSv1",
                    "effect=enable setting=https.protocols"
                ),
                fact(
                    "tls.protocol",
                    "TLSv1.2",
                    "TLSv1.2",
                    "effect=enable setting=https.protocols"
                ),
                fact("secret", "****", "hunter2-ci", "setting=DB_PASSWORD"),
                fact(
                    "tls.protocol",
                    "TLSv1.1",
                    "TLSv1.1",
                    "effect=enable setting=jdk.tls.client.protocols"
                ),
                fact(
                    "tls.protocol",
                    "TLSv1",
                    "TLSv1",
                    "effect=enable setting=https.protocols"
                ),
                fact("secret", "****", "Registry-pw1", "setting=password"),
            ]
        );
    }

    #[test]
    fn gitlab_images_variables_and_scripts() {
        let text = r"
image: maven:3-jdk-7
variables:
  MAVEN_OPTS: -Dhttps.protocols=TLSv1
  DEPLOY_PASSWORD: $DEPLOY_PASSWORD
.java8: &java8
  image:
    name: eclipse-temurin:8u151-b12-jdk
    entrypoint: ['']
test:
  <<: *java8
  services:
    - name: openjdk:6
  variables:
    STORE_PASS:
      value: s3cr3t-store
      description: key store
  script:
    - 'mvn -B -Djavax.net.ssl.trustStore=certs/trust.jks verify'
";
        let found = facts(gitlab, text);
        assert_eq!(
            found,
            [
                fact(
                    "java.version",
                    "7",
                    "7",
                    "image=maven setting=image source=ci"
                ),
                fact(
                    "tls.protocol",
                    "TLSv1",
                    "TLSv1",
                    "effect=enable setting=https.protocols"
                ),
                fact(
                    "java.version",
                    "8u151-b12",
                    "8u151-b12",
                    "image=eclipse-temurin setting=image source=ci"
                ),
                fact(
                    "java.version",
                    "6",
                    "6",
                    "image=openjdk setting=services source=ci"
                ),
                fact("secret", "****", "s3cr3t-store", "setting=STORE_PASS"),
                fact(
                    "cert.reference",
                    "certs/trust.jks",
                    "certs/trust.jks",
                    "role=truststore setting=javax.net.ssl.trustStore"
                ),
            ]
        );
    }

    #[test]
    fn travis_jdk_names_give_their_digits() {
        let text = "language: java\njdk:\n  - openjdk7\n  - oraclejdk8\n  - openjdk-ea\njobs:\n  include:\n    - jdk: openjdk11\n";
        let found = facts(travis, text);
        assert_eq!(
            found,
            [
                fact("java.version", "7", "7", "setting=jdk source=ci"),
                fact("java.version", "8", "8", "setting=jdk source=ci"),
                fact("java.version", "11", "11", "setting=jdk source=ci"),
            ]
        );
    }

    #[test]
    fn azure_tasks_containers_and_variables() {
        let text = r"
variables:
  - name: JAVA_TOOL_OPTIONS
    value: -Dhttps.protocols=TLSv1.1
  - group: shared
pool:
  vmImage: ubuntu-latest
resources:
  containers:
    - container: openjdk8
      image: openjdk:7u211-jdk
stages:
  - stage: build
    jobs:
      - job: test
        container: openjdk8
        steps:
          - task: JavaToolInstaller@0
            inputs:
              versionSpec: '8'
              jdkArchitectureOption: x64
          - task: Maven@3
            inputs:
              jdkVersionOption: '1.7'
          - task: Gradle@2
            inputs:
              jdkVersionOption: '1.11'
          - task: Maven@3
            inputs:
              jdkVersionOption: default
";
        let found = facts(azure, text);
        assert_eq!(
            found,
            [
                fact(
                    "tls.protocol",
                    "TLSv1.1",
                    "TLSv1.1",
                    "effect=enable setting=https.protocols"
                ),
                fact(
                    "java.version",
                    "7u211",
                    "7u211",
                    "image=openjdk setting=container source=ci"
                ),
                fact("java.version", "8", "8", "setting=versionSpec source=ci"),
                fact(
                    "java.version",
                    "1.7",
                    "1.7",
                    "setting=jdkVersionOption source=ci"
                ),
                fact(
                    "java.version",
                    "11",
                    "1.11",
                    "setting=jdkVersionOption source=ci"
                ),
            ]
        );
    }
}
