//! The command line, end to end: every exit path, the output documents,
//! config and rule-file errors, and that secrets never reach the output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use tempfile::TempDir;

use common::{connlint, repo};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn demo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo"))
}

const OLD_JAVA_JOB: &str = "#!/bin/sh\nexport JAVA_HOME=/usr/lib/jvm/jdk1.7.0_80\n./AnaplanClient.sh -service https://api.anaplan.com -auth https://auth.anaplan.com -W\n";

#[test]
fn exit_1_on_an_error_finding_with_the_span_rendered() {
    let dir = repo(&[("jobs/nightly.sh", OLD_JAVA_JOB)]);
    let out = run(connlint().arg("check").arg(dir.path()));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("anaplan.java-below-8u161"));
    assert!(
        out.stdout.contains("[jobs/nightly.sh:2:34]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("export JAVA_HOME=/usr/lib/jvm/jdk1.7.0_80")
    );
    assert!(out.stdout.contains("connlint: 1 file scanned in"));
    assert!(out.stdout.contains(": 1 error, 0 warnings, 0 infos"));
    assert!(
        !out.stdout.contains('\u{1b}'),
        "NO_COLOR output has escape codes"
    );
}

#[test]
fn exit_0_when_clean_and_on_warnings_below_the_threshold() {
    let dir = repo(&[(
        "jobs/nightly.sh",
        "export JAVA_HOME=/usr/lib/jvm/jdk1.8.0_202\nKEYSTORE_PASSWORD=Plain-Text-1\n",
    )]);
    let out = run(connlint().arg("check").arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("0 errors, 1 warning"));
    let strict = run(connlint()
        .args(["check", "--fail-on", "warning"])
        .arg(dir.path()));
    assert_eq!(strict.code, 1);
}

#[test]
fn json_document_is_the_spec_shape() {
    let dir = repo(&[("jobs/nightly.sh", OLD_JAVA_JOB)]);
    let out = run(connlint()
        .args(["check", "--format", "json", "--as-of", "2026-11-23"])
        .arg(dir.path()));
    assert_eq!(out.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let expected = serde_json::json!({
        "tool": {"name": "connlint", "version": env!("CARGO_PKG_VERSION")},
        "as_of": "2026-11-23",
        "summary": {"files_scanned": 1, "findings": 1, "errors": 1, "warnings": 0, "infos": 0},
        "findings": [{
            "rule": "anaplan.java-below-8u161",
            "severity": "error",
            "title": "Java runtime older than 8u161 runs Anaplan Connect",
            "message": "Anaplan Connect runs on Java 1.7.0_80; Anaplan requires Java 8u161 or later since TLS 1.1 was disabled in October 2020",
            "path": "jobs/nightly.sh",
            "line": 2, "column": 34, "end_line": 2, "end_column": 42,
            "fact": {"kind": "java.version", "value": "1.7.0_80", "attributes": {"product": "anaplan-connect", "source": "java-home"}},
            "help": doc["findings"][0]["help"],
            "url": "https://community.anaplan.com/discussion/tls-1-1-deprecation-in-anaplan-api-services"
        }],
        "problems": []
    });
    assert_eq!(doc, expected);
}

#[test]
fn as_of_before_since_reports_upcoming_one_level_lower() {
    let dir = repo(&[("jobs/nightly.sh", OLD_JAVA_JOB)]);
    let out = run(connlint()
        .args(["check", "--format", "json", "--as-of", "2020-01-01"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "a warning does not fail the default threshold");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["findings"][0]["severity"], "warning");
    let human = run(connlint()
        .args(["check", "--as-of", "2020-01-01"])
        .arg(dir.path()));
    assert!(human.stdout.contains("Upcoming:"));
    assert!(human.stdout.contains("becomes error on 2020-10-01"));
}

#[test]
fn demo_scan_is_deterministic_and_masks_secrets() {
    let first = run(connlint()
        .args(["check", "--format", "json", "--as-of", "2026-11-24"])
        .arg(demo()));
    let second = run(connlint()
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            "2026-11-24",
            "-j",
            "1",
        ])
        .arg(demo()));
    assert_eq!(first.code, 1);
    assert_eq!(first.stdout, second.stdout);
    let human = run(connlint()
        .args(["check", "--as-of", "2026-11-24"])
        .arg(demo()));
    for canary in ["Passw0rd!demo", "Passw0rd-demo", "demo-key-pass"] {
        assert!(!first.stdout.contains(canary), "JSON leaks {canary}");
        assert!(
            !human.stdout.contains(canary),
            "human output leaks {canary}"
        );
    }
    // Both demo passwords sit in jobs that call api.anaplan.com.
    let doc: serde_json::Value = serde_json::from_str(&first.stdout).unwrap();
    let production: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "secrets.plaintext-secret-production")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        production,
        [
            "anaplan/legacy-import/legacy_import.sh",
            "anaplan/windows-export/config.bat"
        ]
    );
    assert_eq!(doc["summary"]["errors"], 24);
    assert_eq!(doc["summary"]["warnings"], 3);
    assert!(human.stdout.contains("secrets.plaintext-secret-production"));
}

#[test]
fn one_secret_one_finding_next_to_a_production_endpoint() {
    // credentials.sh is read alone, by a production job and by a sandbox
    // job: the production rule supersedes the warning on that literal.
    let dir = repo(&[
        (
            "jobs/prod.sh",
            ". ./shared/credentials.sh\n./AnaplanClient.sh -service https://api.anaplan.com -W\n",
        ),
        (
            "jobs/uat.sh",
            ". ./shared/credentials.sh\njava -jar sync.jar --login https://test.salesforce.com\n",
        ),
        (
            "jobs/shared/credentials.sh",
            "KEYSTORE_PASSWORD=Shared-Pa55\n",
        ),
        ("tools/sftp.sh", "SFTP_PASSWORD=Sftp-Pa55\n"),
    ]);
    let secrets = |args: &[&str]| -> Vec<(String, String)> {
        let out = run(connlint()
            .args(["check", "--format", "json"])
            .args(args)
            .arg(dir.path()));
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["fact"]["kind"] == "secret")
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["path"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let pairs = |expected: &[(&str, &str)]| -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(r, p)| ((*r).to_owned(), (*p).to_owned()))
            .collect()
    };
    assert_eq!(
        secrets(&[]),
        pairs(&[
            (
                "secrets.plaintext-secret-production",
                "jobs/shared/credentials.sh"
            ),
            ("secrets.plaintext-secret", "tools/sftp.sh"),
        ])
    );
    // Without the production rule the secret is still reported, as a warning.
    assert_eq!(
        secrets(&["--ignore", "secrets.plaintext-secret-production"]),
        pairs(&[
            ("secrets.plaintext-secret", "jobs/shared/credentials.sh"),
            ("secrets.plaintext-secret", "tools/sftp.sh"),
        ])
    );
}

#[test]
fn secrets_next_to_production_endpoints_are_masked_in_every_output() {
    let dir = repo(&[
        (
            "jobs/nightly.sh",
            "#!/bin/sh\n. ./config/credentials.sh\n./AnaplanClient.sh -service https://api.anaplan.com -auth https://auth.anaplan.com -user \"integration@example.com:${ANAPLAN_PASSWORD}\" -W\n",
        ),
        (
            "jobs/config/credentials.sh",
            "ANAPLAN_PASSWORD=canary-Prod-7731\n",
        ),
        (
            "jobs/proxy.sh",
            "./AnaplanClient.sh -service https://fred:canary-Url-5520@api.anaplan.com -W\n",
        ),
        (
            "dataloader/config.properties",
            "sfdc.endpoint=https://login.salesforce.com\nsfdc.password=canary-Sfdc-9034\n",
        ),
    ]);
    let canaries = ["canary-Prod-7731", "canary-Url-5520", "canary-Sfdc-9034"];
    let json = run(connlint()
        .args(["check", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(json.code, 1, "{}", json.stderr);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let production: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["fact"]["kind"] == "secret")
        .map(|f| (f["rule"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        production,
        [
            (
                "secrets.plaintext-secret-production",
                "dataloader/config.properties"
            ),
            (
                "secrets.plaintext-secret-production",
                "jobs/config/credentials.sh"
            ),
            ("secrets.plaintext-secret-production", "jobs/proxy.sh"),
        ],
        "{}",
        json.stdout
    );
    let human = run(connlint().arg("check").arg(dir.path()));
    assert!(
        human.stdout.contains("ANAPLAN_PASSWORD=****************\n"),
        "{}",
        human.stdout
    );
    let mut outputs = vec![json.stdout, human.stdout, human.stderr];
    for format in ["table", "json", "csv"] {
        let facts = run(connlint()
            .args(["facts", "--format", format])
            .arg(dir.path()));
        outputs.push(facts.stdout);
    }
    for output in &outputs {
        for canary in canaries {
            assert!(!output.contains(canary), "{canary} leaked:\n{output}");
        }
    }
}

#[test]
fn secrets_are_masked_in_rendered_source_and_facts() {
    let dir = repo(&[("run.sh", "KEYSTORE_PASSWORD=canary-Zx81-secret\n")]);
    let check = run(connlint().arg("check").arg(dir.path()));
    assert!(
        check
            .stdout
            .contains("KEYSTORE_PASSWORD=******************\n"),
        "{}",
        check.stdout
    );
    for format in ["table", "json", "csv"] {
        let facts = run(connlint()
            .args(["facts", "--format", format])
            .arg(dir.path()));
        assert!(!facts.stdout.contains("canary-Zx81-secret"), "{format}");
        assert!(facts.stdout.contains("****"), "{format}");
    }
}

#[test]
fn exit_2_on_a_broken_rule_pack_with_a_pointer_into_it() {
    let dir = repo(&[
        ("jobs/run.sh", OLD_JAVA_JOB),
        (
            "policy.toml",
            "[pack]\nname = \"acme\"\n\n[[rules]]\nid = \"acme.old-java\"\nseverity = \"error\"\ntitle = \"t\"\nmessage = \"m\"\nfact = \"java.verison\"\nrequire = \">= 11\"\n",
        ),
    ]);
    let out = run(connlint()
        .arg("check")
        .arg(dir.path().join("jobs"))
        .arg("--rules")
        .arg(dir.path().join("policy.toml")));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown fact kind `java.verison`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("connlint::rule_file::unknown_fact"));
    assert!(out.stderr.contains("policy.toml:9:8"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn exit_2_on_bad_arguments() {
    assert_eq!(run(connlint().args(["check", "--format", "xml"])).code, 2);
    assert_eq!(
        run(connlint().args(["check", "--as-of", "tomorrow", "."])).code,
        2
    );
    let unknown = run(connlint().args(["check", "--select", "anaplan.no-such-rule", "."]));
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("unknown rule or pack `anaplan.no-such-rule`")
    );
    assert_eq!(run(connlint().args(["check", "/no/such/path"])).code, 2);
    assert_eq!(
        run(connlint().args(["explain", "anaplan.no-such-rule"])).code,
        2
    );
}

#[test]
fn config_is_found_upwards_and_unknown_keys_are_errors() {
    let dir = repo(&[
        ("jobs/nightly.sh", "KEYSTORE_PASSWORD=Plain-Text-1\n"),
        (".connlint.toml", "fail-on = \"warning\"\n"),
    ]);
    assert_eq!(
        run(connlint().arg("check").arg(dir.path().join("jobs"))).code,
        1
    );
    std::fs::write(
        dir.path().join(".connlint.toml"),
        "fail-on = \"warning\"\nfial-on = \"x\"\n",
    )
    .unwrap();
    let out = run(connlint().arg("check").arg(dir.path().join("jobs")));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("fial-on"), "{}", out.stderr);
    assert!(out.stderr.contains(".connlint.toml:2:1"), "{}", out.stderr);
}

#[test]
fn config_disables_overrides_excludes_and_ignores_with_reason() {
    let dir = repo(&[
        ("jobs/nightly.sh", OLD_JAVA_JOB),
        ("legacy/old.sh", OLD_JAVA_JOB),
        ("vendor/x.sh", OLD_JAVA_JOB),
        (
            ".connlint.toml",
            "exclude = [\"vendor/**\"]\n[severity]\n\"anaplan\" = \"warning\"\n[[ignore]]\npaths = [\"legacy/**\"]\nreason = \"decommissioned in Q3\"\n",
        ),
    ]);
    let out = run(connlint()
        .args(["check", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], "jobs/nightly.sh");
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(doc["summary"]["files_scanned"], 2);
    let disabled = run(connlint()
        .args(["check", "--ignore", "anaplan"])
        .arg(dir.path()));
    assert!(
        disabled.stdout.contains("0 errors, 0 warnings"),
        "{}",
        disabled.stdout
    );
}

#[test]
fn explicit_files_are_relative_to_the_working_directory() {
    let dir = repo(&[
        ("jobs/nightly.sh", OLD_JAVA_JOB),
        ("jobs/other.sh", OLD_JAVA_JOB),
    ]);
    let out = run(connlint().current_dir(dir.path()).args([
        "check",
        "--format",
        "json",
        "jobs/nightly.sh",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["files_scanned"], 1);
    assert_eq!(doc["findings"][0]["path"], "jobs/nightly.sh");
}

#[test]
fn explicit_files_still_follow_the_files_they_source() {
    let dir = repo(&[
        (
            "jobs/run.sh",
            ". ./config/env.sh\n./AnaplanClient.sh -service https://api.anaplan.com -W\n",
        ),
        ("jobs/config/env.sh", "JAVA_HOME=/opt/jdk1.7.0_80\n"),
    ]);
    let out =
        run(connlint()
            .current_dir(dir.path())
            .args(["check", "--format", "json", "jobs/run.sh"]));
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["findings"][0]["rule"], "anaplan.java-below-8u161");
    assert_eq!(doc["findings"][0]["path"], "jobs/config/env.sh");
    assert_eq!(doc["findings"][0]["line"], 1);
}

#[test]
fn explicit_files_see_their_neighbours_but_report_only_themselves() {
    let dir = repo(&[
        (
            "jobs/forecast/Dockerfile",
            "FROM openjdk:7-jre\nCOPY . /opt/job\n",
        ),
        (
            "jobs/forecast/run.sh",
            "./AnaplanClient.sh -service https://api.anaplan.com -auth https://auth.anaplan.com -W\nPASSWORD=neighbour-Secret-1\n",
        ),
        (
            "jobs/forecast/config/env.sh",
            "JAVA_HOME=/opt/jdk1.7.0_80\n",
        ),
        ("jobs/.gitignore", "ignored.sh\n"),
        ("jobs/forecast/ignored.sh", "JAVA_HOME=/opt/jdk1.6.0_45\n"),
        ("legacy/env.sh", "JAVA_HOME=/opt/jdk1.7.0_80\n"),
    ]);
    let out = run(connlint().current_dir(dir.path()).args([
        "check",
        "--format",
        "json",
        "jobs/forecast/Dockerfile",
    ]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let findings: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The Anaplan Connect call next to the Dockerfile makes its Java 7 an
    // Anaplan error; the neighbour's own secret, the subdirectory, the
    // gitignored file and the other tree are not reported.
    assert_eq!(
        findings,
        vec![(
            "anaplan.java-below-8u161".to_owned(),
            "jobs/forecast/Dockerfile".to_owned()
        )]
    );
    assert_eq!(doc["summary"]["files_scanned"], 1);
}

#[test]
fn dot_folders_are_scanned_gitignored_files_are_not() {
    let dir = repo(&[
        (".ci/deploy.sh", OLD_JAVA_JOB),
        ("build/generated.sh", OLD_JAVA_JOB),
        (".gitignore", "build/\n"),
        (".git/hooks/pre-commit.sh", OLD_JAVA_JOB),
    ]);
    let out = run(connlint()
        .args(["check", "--format", "json"])
        .arg(dir.path()));
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, [".ci/deploy.sh"]);
}

#[test]
fn bad_files_become_problems_and_the_scan_goes_on() {
    let dir = repo(&[("jobs/run.sh", OLD_JAVA_JOB), ("jobs/latin1.sh", "")]);
    std::fs::write(
        dir.path().join("jobs/latin1.sh"),
        b"# J\xf6rg's job\nJAVA_HOME=/opt/jdk1.6.0_45\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("jobs/blob.sh"),
        b"\x7fELF\x00\x00\x01binary",
    )
    .unwrap();
    std::fs::write(dir.path().join("jobs/huge.sh"), "# padding\n".repeat(2000)).unwrap();
    let out = run(connlint()
        .args(["check", "--format", "json", "--max-file-size", "10000"])
        .arg(dir.path()));
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let problems: Vec<String> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                p["path"].as_str().unwrap(),
                p["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].starts_with("jobs/blob.sh: skipped: binary file"));
    assert!(problems[1].starts_with("jobs/huge.sh: skipped: 20000 bytes is over the size limit"));
    assert!(problems[2].starts_with("jobs/latin1.sh: not valid UTF-8"));
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // Java 6 next to an Anaplan Connect job: the Anaplan rule reports it (once).
    assert_eq!(
        rules,
        ["anaplan.java-below-8u161", "anaplan.java-below-8u161"]
    );
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["jobs/latin1.sh", "jobs/run.sh"]);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_not_followed() {
    let outside = repo(&[("secret-job.sh", OLD_JAVA_JOB)]);
    let dir = repo(&[("jobs/run.sh", "echo ok\n")]);
    std::os::unix::fs::symlink(
        outside.path().join("secret-job.sh"),
        dir.path().join("jobs/link.sh"),
    )
    .unwrap();
    let out = run(connlint()
        .args(["check", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(out.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        doc["problems"][0]["message"],
        "skipped: symlink points outside the scanned root"
    );
}

#[test]
fn facts_inventory_formats() {
    let dir = repo(&[("run.sh", "export JAVA_HOME=/opt/jdk1.8.0_202\n")]);
    let json = run(connlint()
        .args(["facts", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(json.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"facts": [{"kind": "java.version", "value": "1.8.0_202", "path": "run.sh", "line": 1, "column": 26, "end_line": 1, "end_column": 35, "attributes": {"source": "java-home"}}]})
    );
    let csv = run(connlint()
        .args(["facts", "--format", "csv"])
        .arg(dir.path()));
    assert_eq!(
        csv.stdout,
        "path,line,column,end_line,end_column,kind,value,attributes\nrun.sh,1,26,1,35,java.version,1.8.0_202,source=java-home\n"
    );
    let table = run(connlint().arg("facts").arg(dir.path()));
    assert!(
        table
            .stdout
            .contains("run.sh:1:26  java.version  1.8.0_202  source=java-home"),
        "{}",
        table.stdout
    );
}

#[test]
fn rules_explain_schema_and_test() {
    let rules = run(connlint().arg("rules"));
    assert_eq!(rules.code, 0);
    let row = rules
        .stdout
        .lines()
        .find(|l| l.contains("anaplan.java-below-8u161"))
        .unwrap();
    assert_eq!(
        row.split_whitespace().take(4).collect::<Vec<_>>(),
        ["anaplan", "anaplan.java-below-8u161", "error", "2020-10-01"]
    );
    assert!(rules.stdout.contains("2020-10-01"));
    let explain = run(connlint().args(["explain", "anaplan.java-below-8u161"]));
    assert_eq!(explain.code, 0);
    assert!(
        explain
            .stdout
            .contains("Severity: error, since 2020-10-01 (pack anaplan)")
    );
    assert!(explain.stdout.contains("Checks:   fact `java.version`"));
    assert!(explain.stdout.contains("Example 1 (fires)"));
    let schema = run(connlint().arg("schema"));
    let doc: serde_json::Value = serde_json::from_str(&schema.stdout).unwrap();
    assert_eq!(doc["title"], "PackFile");
    assert!(doc["$defs"]["RuleSpec"]["properties"]["require"].is_object());
    let test = run(connlint().arg("test"));
    assert_eq!(test.code, 0, "{}", test.stdout);
    assert!(test.stdout.contains(" passed, 0 failed"));
}

#[test]
fn test_command_reports_missing_and_noisy_examples() {
    let dir = repo(&[(
        "pack.toml",
        "[pack]\nname = \"acme\"\n[[rules]]\nid = \"acme.java-11\"\nseverity = \"warning\"\ntitle = \"t\"\nmessage = \"Java {value}\"\nhelp = \"h\"\nurl = \"https://example.com\"\nfact = \"java.version\"\nrequire = \">= 11\"\n[[rules.examples]]\npath = \"run.sh\"\ncontent = \"JAVA_HOME=/opt/jdk1.8.0_202\\n\"\nexpect = [\"1.8.0_201\"]\n[[rules.examples]]\npath = \"run.sh\"\ncontent = \"JAVA_HOME=/opt/jdk-17.0.2\\nOLD=/opt/jdk1.7.0_80/bin/java\\n\"\nexpect = []\n",
    )]);
    let out = run(connlint().arg("test").arg(dir.path().join("pack.toml")));
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("FAIL acme.java-11"));
    assert!(
        out.stdout
            .contains("misplaced: expected run.sh: \"1.8.0_201\", found run.sh:1: \"1.8.0_202\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("example 2: unexpected finding at run.sh:2: \"1.7.0_80\""),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("0 passed, 2 failed"));
}

#[test]
fn a_broken_pipe_exits_quietly() {
    let text = "JAVA_HOME=/opt/jdk1.8.0_202\n".repeat(3000);
    let dir = repo(&[("big.sh", &text)]);
    let mut child = connlint()
        .arg("facts")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/certs")
            .join(name),
    )
    .unwrap()
}

#[test]
fn certificates_are_read_linked_and_judged_without_leaking_key_material() {
    let dir = repo(&[(
        "jobs/run.sh",
        "./AnaplanClient.sh -certificate ./certs/client.pem -privatekey ./certs/client.key -service https://api.anaplan.com -auth https://auth.anaplan.com -W\n\
         ./AnaplanClient.sh -keystore ./certs/integration.p12 -keystorealias integration -keystorepass fixture-p12-pass -W\n",
    )]);
    let certs = dir.path().join("jobs/certs");
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::write(certs.join("client.pem"), fixture("expired.pem")).unwrap();
    let key = fixture("key-pkcs8.pem");
    std::fs::write(certs.join("client.key"), &key).unwrap();
    std::fs::write(certs.join("integration.p12"), fixture("client-pass.p12")).unwrap();
    let json = run(connlint()
        .args(["check", "--format", "json", "--as-of", "2026-11-24"])
        .arg(dir.path()));
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let got: Vec<(String, String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        (
            "certificates.private-key-unencrypted",
            "jobs/certs/client.key",
            1,
        ),
        ("certificates.expired", "jobs/certs/client.pem", 1),
        (
            "certificates.private-key-password-committed",
            "jobs/certs/integration.p12",
            0,
        ),
        ("certificates.expired", "jobs/run.sh", 1),
        ("certificates.private-key-unencrypted", "jobs/run.sh", 1),
        (
            "certificates.private-key-password-committed",
            "jobs/run.sh",
            2,
        ),
        // The same file calls api.anaplan.com: a production secret.
        ("secrets.plaintext-secret-production", "jobs/run.sh", 2),
    ];
    let expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(r, p, l)| ((*r).to_owned(), (*p).to_owned(), *l))
        .collect();
    assert_eq!(got, expected, "{}", json.stdout);
    let human = run(connlint()
        .args(["check", "--as-of", "2026-11-24"])
        .arg(dir.path()));
    let facts = run(connlint()
        .args(["facts", "--format", "json"])
        .arg(dir.path()));
    let key_body = String::from_utf8(key)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    for output in [&json.stdout, &human.stdout, &human.stderr, &facts.stdout] {
        assert!(
            !output.contains("fixture-p12-pass"),
            "the keystore password leaked"
        );
        assert!(!output.contains(&key_body), "private key material leaked");
    }
    assert!(
        human.stdout.contains("-----BEGIN PRIVATE KEY-----"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("points at jobs/certs/client.pem"));
}

#[test]
fn declarative_extractors_and_extractor_mappings_need_no_rust() {
    let dir = repo(&[
        ("jobs/settings.ini", "[runtime]\njava_version = 1.7.0_80\n"),
        ("jobs/nightly.job", "export JAVA_HOME=/opt/jdk1.6.0_45\n"),
        (
            "policy/acme.toml",
            "[pack]\nname = \"acme\"\n\n[[extractors]]\nfiles = [\"*.ini\"]\nregex = 'java_version\\s*=\\s*(?P<value>[\\w.]+)'\nfact = \"java.version\"\nattributes = { source = \"ini\" }\n",
        ),
        (
            ".connlint.toml",
            "rule-packs = [\"policy/acme.toml\"]\n[extractors]\n\"*.job\" = \"shell\"\n",
        ),
    ]);
    let out = run(connlint()
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "java.runtime-below-8",
        ])
        .arg(dir.path()));
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<(&str, &str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["fact"]["value"].as_str().unwrap(),
                f["fact"]["attributes"]["source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("jobs/nightly.job", "1.6.0_45", "java-home"),
            ("jobs/settings.ini", "1.7.0_80", "ini")
        ],
        "{}",
        out.stdout
    );
}

#[test]
fn select_and_ignore_accept_tags() {
    let dir = repo(&[
        ("jobs/nightly.sh", OLD_JAVA_JOB),
        ("jobs/env.sh", "KEYSTORE_PASSWORD=Plain-Text-1\n"),
    ]);
    let rules = |args: &[&str]| -> Vec<String> {
        let out = run(connlint()
            .args(["check", "--format", "json"])
            .args(args)
            .arg(dir.path()));
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        rules(&["--select", "secrets"]),
        ["secrets.plaintext-secret"]
    );
    assert_eq!(rules(&["--select", "tls"]), ["anaplan.java-below-8u161"]);
    assert_eq!(rules(&["--ignore", "tls"]), ["secrets.plaintext-secret"]);
}

#[test]
fn rule_docs_are_generated_from_the_packs_and_checked_for_staleness() {
    // The committed pages must be what the packs say today.
    let committed = run(connlint().args(["docs", "docs/rules", "--check", "--no-config"]));
    assert_eq!(
        committed.code, 0,
        "docs/rules is stale; run `cargo run -- docs docs/rules`:\n{}",
        committed.stdout
    );

    let dir = TempDir::new().expect("tempdir");
    let out = dir.path().join("rules");
    let written = run(connlint().arg("docs").arg(&out).arg("--no-config"));
    assert_eq!(written.code, 0, "{}", written.stderr);
    let page = std::fs::read_to_string(out.join("java.runtime-below-8.md")).expect("page");
    assert!(page.starts_with("# java.runtime-below-8\n"), "{page}");
    assert!(page.contains("| Severity | error |"), "{page}");
    assert!(page.contains("### Stays quiet"), "{page}");
    let index = std::fs::read_to_string(out.join("README.md")).expect("index");
    assert!(
        index.contains(
            "| [`anaplan.java-below-8u161`](anaplan.java-below-8u161.md) | error | 2020-10-01 |"
        ),
        "{index}"
    );

    // An edited page and a page of a rule that no longer exists are stale.
    std::fs::write(out.join("java.runtime-below-8.md"), "edited by hand\n").expect("write");
    std::fs::write(out.join("old.removed-rule.md"), "gone\n").expect("write");
    let stale = run(connlint()
        .arg("docs")
        .arg(&out)
        .args(["--check", "--no-config"]));
    assert_eq!(stale.code, 1, "{}", stale.stdout);
    assert!(
        stale.stdout.contains("java.runtime-below-8.md"),
        "{}",
        stale.stdout
    );
    assert!(
        stale.stdout.contains("old.removed-rule.md"),
        "{}",
        stale.stdout
    );
    assert!(stale.stdout.contains("2 of "), "{}", stale.stdout);

    // Writing again repairs both.
    assert_eq!(
        run(connlint().arg("docs").arg(&out).arg("--no-config")).code,
        0
    );
    assert!(!out.join("old.removed-rule.md").exists());
    let again = run(connlint()
        .arg("docs")
        .arg(&out)
        .args(["--check", "--no-config"]));
    assert_eq!(again.code, 0, "{}", again.stdout);
}

#[test]
fn a_more_specific_rule_supersedes_the_general_one_on_the_same_literal() {
    let dir = repo(&[
        (
            "sync/config.properties",
            "sfdc.endpoint=https\\://login.salesforce.com\n",
        ),
        (
            "sync/process.sh",
            "java -Dhttps.protocols=TLSv1,TLSv1.1 -cp dataloader-45.0.0.jar com.salesforce.dataloader.process.ProcessRunner\n",
        ),
    ]);
    let out = run(connlint()
        .args(["check", "--format", "json", "--select", "tls,salesforce"])
        .arg(dir.path()));
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let got: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["fact"]["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // TLSv1: the Salesforce rule only; TLSv1.1 (no Salesforce date): the general rule.
    assert_eq!(
        got,
        vec![
            ("salesforce.tls-1-0-enabled".to_owned(), "TLSv1".to_owned()),
            (
                "tls.legacy-protocol-enabled".to_owned(),
                "TLSv1.1".to_owned()
            ),
        ]
    );
}
