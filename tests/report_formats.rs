//! The CI report formats end to end: SARIF (validated against the SARIF
//! 2.1.0 schema), GitHub workflow commands, JUnit XML, and `--output`.
//! Snapshots run on one small repository with a non-ASCII line, a CRLF
//! batch file, a secret, an upcoming finding, a malformed and a binary file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::cargo_bin;
use tempfile::TempDir;

const SECRET: &str = "Hunter2-Secret";

/// `repo/` inside a temp dir: the scans run in the temp dir on `repo`, so
/// CI formats prefix paths with `repo/`.
fn repository() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8]); 6] = [
        (
            "repo/jobs/nightly.sh",
            "#!/bin/sh\n# café: the ETL box, ☕ included\n. ./env.sh\nexport JAVA_HOME=\"/opt/café😀/jdk1.7.0_80\" # café\n./AnaplanClient.sh -service https://api.anaplan.com -auth https://auth.anaplan.com -W\n".as_bytes(),
        ),
        (
            "repo/jobs/env.sh",
            // `%`, `,` and `:` would need escaping if they ever leaked.
            b"KEYSTORE_PASSWORD=Hunter2-Secret%,:\n",
        ),
        (
            "repo/jobs/export.bat",
            b"@echo off\r\nREM caf\xc3\xa9 cr\xc3\xa8me\r\nset JAVA_HOME=C:\\Program Files\\Java\\jdk1.6.0_45\r\ncall AnaplanClient.bat -service https://api.anaplan.com -auth https://auth.anaplan.com\r\n",
        ),
        (
            "repo/config/App.config",
            b"<?xml version=\"1.0\"?>\n<configuration>\n  <system.serviceModel>\n    <client>\n      <endpoint address=\"https://login.salesforce.com/services/Soap/c/36.0\" binding=\"basicHttpBinding\" contract=\"Soap\" name=\"Soap\" />\n    </client>\n  </system.serviceModel>\n</configuration>\n",
        ),
        (
            "repo/config/web.config",
            b"<configuration>\n  <appSettings>\n    <add key=\"a\" value=\"b\">\n</configuration>\n",
        ),
        ("repo/jobs/blob.sh", b"\x7fELF\x00\x00\x01binary"),
    ];
    for (path, content) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The rules of the snapshots: few, so that editing another rule's text
/// does not touch them.
const SELECT: &str = "anaplan.java-below-8u161,secrets,salesforce.api-version-retiring-summer-28";

/// `connlint check repo --as-of 2026-11-24 --select SELECT ARGS` in `dir`.
fn check(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(cargo_bin("connlint"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .current_dir(dir)
        .args(["check", "repo", "--as-of", "2026-11-24", "--select", SELECT])
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn demo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo"))
}

/// The SARIF document, and its text with the machine-dependent parts
/// replaced: the tool version and the absolute `%SRCROOT%`.
fn redacted_sarif(text: &str) -> (serde_json::Value, String) {
    let log: serde_json::Value = serde_json::from_str(text).unwrap();
    let run = &log["runs"][0];
    let version = env!("CARGO_PKG_VERSION");
    for key in ["version", "semanticVersion"] {
        assert_eq!(run["tool"]["driver"][key], version);
    }
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    let redacted = text
        .replace(
            &format!("\"uri\": \"{root}\""),
            "\"uri\": \"file:///[tmp]/\"",
        )
        .replace(
            &format!("\"version\": \"{version}\""),
            "\"version\": \"[version]\"",
        )
        .replace(
            &format!("\"semanticVersion\": \"{version}\""),
            "\"semanticVersion\": \"[version]\"",
        );
    (log, redacted)
}

fn schema_validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid_sarif(log: &serde_json::Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn sarif_snapshot() {
    let dir = repository();
    let out = check(dir.path(), &["--format", "sarif"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert!(!out.stdout.contains(SECRET));
    let (log, redacted) = redacted_sarif(&out.stdout);
    assert_valid_sarif(&log);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), 4, "--select keeps four rules");
    insta::assert_snapshot!("sarif", redacted);
}

#[test]
fn sarif_of_the_demo_scan_is_valid_against_the_schema() {
    let out = Command::new(cargo_bin("connlint"))
        .args(["check", "--format", "sarif", "--as-of", "2026-11-24"])
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 20, "{}", results.len());
    for result in results {
        // ruleIndex points at the rule named by ruleId.
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["connlint/v1"].is_string());
    }
    // Findings in binary files have no region; all others have one.
    assert!(results.iter().all(|r| {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .is_some_and(|line| line >= 1)
    }));
}

#[test]
fn the_schema_rejects_what_it_should() {
    // A test that cannot fail is a bug: the vendored schema must catch a
    // broken region, an unknown level and an unknown property.
    let dir = repository();
    let (log, _) = redacted_sarif(&check(dir.path(), &["--format", "sarif"]).stdout);
    let validator = schema_validator();
    assert!(validator.is_valid(&log));
    for (pointer, bad) in [
        (
            "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
            serde_json::json!(0),
        ),
        ("/runs/0/results/0/level", serde_json::json!("fatal")),
        ("/runs/0/columnKind", serde_json::json!("bytes")),
        (
            "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri",
            serde_json::json!("a b"),
        ),
    ] {
        let mut broken = log.clone();
        *broken.pointer_mut(pointer).unwrap() = bad;
        assert!(!validator.is_valid(&broken), "{pointer} accepted");
    }
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["snippet"] = "x".into();
    assert!(!validator.is_valid(&broken), "unknown property accepted");
}

#[test]
fn sarif_columns_are_code_points_and_crlf_lines_count_like_lf() {
    let dir = repository();
    let log: serde_json::Value =
        serde_json::from_str(&check(dir.path(), &["--format", "sarif"]).stdout).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let region_of = |uri: &str| {
        let result = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .unwrap_or_else(|| panic!("no result in {uri}"));
        let region = &result["locations"][0]["physicalLocation"]["region"];
        ["startLine", "startColumn", "endLine", "endColumn"].map(|k| region[k].as_u64().unwrap())
    };
    // `export JAVA_HOME="/opt/café😀/jdk1.7.0_80"`: `é` is 2 bytes and `😀`
    // 4 bytes (2 UTF-16 units), each one code point, so `1.7.0_80` starts
    // at column 33 (byte 37, UTF-16 unit 34).
    let nightly = region_of("repo/jobs/nightly.sh");
    assert_eq!(nightly, [4, 33, 4, 41]);
    let text = std::fs::read_to_string(dir.path().join("repo/jobs/nightly.sh")).unwrap();
    assert_eq!(code_points(&text, nightly), "1.7.0_80");
    // CRLF: line 3, and the end column stops before `\r`.
    let export = region_of("repo/jobs/export.bat");
    assert_eq!(export, [3, 40, 3, 48]);
    let text = std::fs::read_to_string(dir.path().join("repo/jobs/export.bat")).unwrap();
    assert_eq!(code_points(&text, export), "1.6.0_45");
}

/// The text of a one-line region, counting columns in code points.
fn code_points(text: &str, [line, start, end_line, end]: [u64; 4]) -> String {
    assert_eq!(line, end_line);
    let line = text
        .split('\n')
        .nth(usize::try_from(line - 1).unwrap())
        .unwrap();
    line.chars()
        .skip(usize::try_from(start - 1).unwrap())
        .take(usize::try_from(end - start).unwrap())
        .collect()
}

#[test]
fn sarif_results_carry_upcoming_notes_fingerprints_and_problems() {
    let dir = repository();
    let log: serde_json::Value =
        serde_json::from_str(&check(dir.path(), &["--format", "sarif"]).stdout).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let upcoming = results
        .iter()
        .find(|r| r["ruleId"] == "salesforce.api-version-retiring-summer-28")
        .unwrap();
    // An error rule reported one level lower until its date.
    assert_eq!(upcoming["level"], "warning");
    assert_eq!(upcoming["properties"]["upcoming"], "2028-06-01");
    let secret = results
        .iter()
        .find(|r| r["ruleId"] == "secrets.plaintext-secret-production")
        .unwrap();
    assert_eq!(
        secret["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "repo/jobs/nightly.sh"
    );
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(notifications.len(), 2);
    assert_eq!(
        notifications[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "repo/jobs/blob.sh"
    );
}

#[test]
fn sarif_fingerprints_survive_lines_moving() {
    let dir = repository();
    let prints = |dir: &Path| -> Vec<String> {
        let log: serde_json::Value =
            serde_json::from_str(&check(dir, &["--format", "sarif"]).stdout).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["connlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let before = prints(dir.path());
    let job = dir.path().join("repo/jobs/nightly.sh");
    let text = std::fs::read_to_string(&job).unwrap();
    std::fs::write(&job, text.replacen('\n', "\n# a new comment\n\n", 1)).unwrap();
    assert_eq!(before, prints(dir.path()));
}

#[test]
fn github_snapshot() {
    let dir = repository();
    let out = check(dir.path(), &["--format", "github"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stdout.contains(SECRET));
    // One command per finding and per problem, one line each.
    assert_eq!(out.stdout.lines().count(), 6);
    assert!(out.stdout.lines().all(|l| l.starts_with("::")));
    insta::assert_snapshot!("github", out.stdout);
}

#[test]
fn junit_snapshot_is_well_formed() {
    let dir = repository();
    let out = check(dir.path(), &["--format", "junit"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stdout.contains(SECRET));
    let doc = roxmltree::Document::parse(&out.stdout).unwrap();
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    let suite = suites.first_element_child().unwrap();
    let cases: Vec<roxmltree::Node> = suite
        .children()
        .filter(roxmltree::Node::is_element)
        .collect();
    let failed = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    let skipped = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
        .count();
    assert_eq!((cases.len(), failed, skipped), (6, 4, 2));
    for element in [suites, suite] {
        assert_eq!(element.attribute("tests"), Some("6"));
        assert_eq!(element.attribute("failures"), Some("4"));
        assert_eq!(element.attribute("skipped"), Some("2"));
    }
    let nightly = cases
        .iter()
        .find(|c| c.attribute("classname") == Some("repo/jobs/nightly.sh"))
        .unwrap();
    assert_eq!(nightly.attribute("name"), Some("anaplan.java-below-8u161"));
    let failure = nightly.first_element_child().unwrap();
    assert_eq!(failure.attribute("type"), Some("error"));
    assert!(
        failure
            .text()
            .unwrap()
            .starts_with("repo/jobs/nightly.sh:4:33: error: Anaplan Connect runs on Java 1.7.0_80")
    );
    insta::assert_snapshot!("junit", out.stdout);
}

#[test]
fn junit_without_findings_has_one_passing_test_case() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("repo")).unwrap();
    std::fs::write(
        dir.path().join("repo/run.sh"),
        "JAVA_HOME=/opt/jdk-17.0.9\n",
    )
    .unwrap();
    let out = check(dir.path(), &["--format", "junit"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let doc = roxmltree::Document::parse(&out.stdout).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].attribute("name"), Some("no findings"));
    assert!(cases[0].first_element_child().is_none());
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
}

#[test]
fn output_writes_the_report_to_a_file_and_the_summary_to_stderr() {
    let dir = repository();
    for format in ["human", "json", "sarif", "github", "junit"] {
        let out = check(
            dir.path(),
            &["--format", format, "--output", &format!("report.{format}")],
        );
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{format}: {}", out.stdout);
        assert!(
            out.stderr.starts_with("connlint: 5 files scanned in ")
                && out
                    .stderr
                    .ends_with(": 3 errors, 1 warning, 0 infos (1 upcoming), 2 file notes\n"),
            "{format}: {}",
            out.stderr
        );
        let report = std::fs::read_to_string(dir.path().join(format!("report.{format}"))).unwrap();
        assert!(!report.contains(SECRET), "{format}");
        assert!(!report.is_empty(), "{format}");
    }
    // The human report in a file is the full report, never coloured.
    let human = std::fs::read_to_string(dir.path().join("report.human")).unwrap();
    assert!(human.contains("anaplan.java-below-8u161"));
    assert!(human.contains("connlint: 5 files scanned in "));
    assert!(!human.contains('\u{1b}'));
    let unwritable = check(
        dir.path(),
        &["--format", "json", "--output", "no/such/dir/report.json"],
    );
    assert_eq!(unwritable.code, 2);
    assert!(
        unwritable
            .stderr
            .contains("cannot write no/such/dir/report.json"),
        "{}",
        unwritable.stderr
    );
}

#[test]
fn human_report_without_output_keeps_its_summary_on_stdout() {
    let dir = repository();
    let out = check(dir.path(), &[]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let summary = out.stdout.lines().last().unwrap();
    assert!(
        summary.starts_with("connlint: 5 files scanned in "),
        "{summary}"
    );
    // Human snapshot, timing redacted.
    let (head, tail) = summary.split_once(" in ").unwrap();
    let redacted = format!(
        "{}{head} in [time]{}\n",
        &out.stdout[..out.stdout.len() - summary.len() - 1],
        &tail[tail.find(':').unwrap()..]
    );
    insta::assert_snapshot!("human", redacted);
}

#[test]
fn a_subdirectory_scan_prefixes_ci_paths_and_a_root_scan_does_not() {
    let dir = repository();
    let inside = Command::new(cargo_bin("connlint"))
        .current_dir(dir.path().join("repo"))
        .args(["check", ".", "--format", "github", "--as-of", "2026-11-24"])
        .output()
        .unwrap();
    let inside = String::from_utf8(inside.stdout).unwrap();
    assert!(
        inside.contains("::error file=jobs/nightly.sh,line=4,col=33"),
        "{inside}"
    );
    // A directory outside the working directory is its own %SRCROOT%.
    let outside = Command::new(cargo_bin("connlint"))
        .args(["check", "--format", "sarif", "--as-of", "2026-11-24"])
        .arg(dir.path().join("repo"))
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&outside.stdout).unwrap();
    let root = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with("/repo/"),
        "{root}"
    );
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "config/App.config"
    );
}
