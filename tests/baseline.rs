//! Baselines end to end: written once, they keep matching when lines move,
//! report changed and new findings, count fixed ones, never hold a secret,
//! and a broken one stops the run with a pointer into it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use common::connlint;

const CANARY: &str = "Canary-7f3e9d1c";

fn write(dir: &Path, path: &str, content: &str) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, content).unwrap();
}

/// A repository with four findings (an old Java in each of two jobs, a
/// secret, a TLS 1.0 setting), and a directory for baselines outside it.
fn brownfield() -> (TempDir, TempDir) {
    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        "jobs/a.sh",
        &format!("JAVA_HOME=/opt/jdk1.7.0_80\nKEYSTORE_PASSWORD={CANARY}\n"),
    );
    write(repo.path(), "jobs/b.sh", "JAVA_HOME=/opt/jdk1.6.0_45\n");
    write(
        repo.path(),
        "conf/app.properties",
        "https.protocols=TLSv1\n",
    );
    (repo, tempfile::tempdir().unwrap())
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn check(repo: &TempDir, args: &[&str]) -> Run {
    let output = connlint()
        .args(["check", "--as-of", "2026-11-23"])
        .args(args)
        .arg(repo.path())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn path_arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Writes the baseline of `repo` to `out/name` and returns its path.
fn write_baseline(repo: &TempDir, out: &TempDir, name: &str) -> PathBuf {
    let path = out.path().join(name);
    let run = check(repo, &["--write-baseline", path_arg(&path)]);
    assert_eq!(
        run.code, 1,
        "the findings are still reported: {}",
        run.stdout
    );
    assert!(run.stderr.contains("connlint: wrote "), "{}", run.stderr);
    path
}

fn json_findings(run: &Run) -> Vec<(String, String, String)> {
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["fact"]["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn lines_moving_keep_every_finding_baselined() {
    let (repo, out) = brownfield();
    let baseline = write_baseline(&repo, &out, "baseline.json");
    write(
        repo.path(),
        "jobs/a.sh",
        &format!(
            "#!/bin/sh\n# Nightly export, moved to the new scheduler.\n\n  JAVA_HOME=/opt/jdk1.7.0_80\r\n\nKEYSTORE_PASSWORD={CANARY}\n"
        ),
    );
    write(
        repo.path(),
        "jobs/b.sh",
        "set -e\nexport PATH\nJAVA_HOME=/opt/jdk1.6.0_45\n",
    );
    let run = check(&repo, &["--baseline", path_arg(&baseline)]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let last = run.stdout.lines().last().unwrap();
    assert!(last.contains(": 0 errors, 0 warnings, 0 infos"), "{last}");
    assert!(last.ends_with(", 4 baselined"), "{last}");
    let json = check(
        &repo,
        &["--format", "json", "--baseline", path_arg(&baseline)],
    );
    assert_eq!(json_findings(&json), []);
}

#[test]
fn a_changed_value_is_new_and_a_fixed_one_is_counted() {
    let (repo, out) = brownfield();
    let baseline = write_baseline(&repo, &out, "baseline.json");
    write(repo.path(), "jobs/b.sh", "JAVA_HOME=/opt/jdk1.6.0_41\n");
    write(
        repo.path(),
        "conf/app.properties",
        "https.protocols=TLSv1.2\n",
    );
    let run = check(
        &repo,
        &["--format", "json", "--baseline", path_arg(&baseline)],
    );
    assert_eq!(run.code, 1, "the new finding fails the run");
    assert_eq!(
        json_findings(&run),
        [(
            "jobs/b.sh".to_owned(),
            "java.runtime-below-8".to_owned(),
            "1.6.0_41".to_owned()
        )]
    );
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files_scanned": 3, "findings": 1, "errors": 1, "warnings": 0, "infos": 0}),
        "the JSON document keeps its shape; counts are of what is reported"
    );
    let human = check(&repo, &["--baseline", path_arg(&baseline)]);
    let last = human.stdout.lines().last().unwrap();
    // b.sh's old value and the TLS setting of app.properties are gone.
    assert!(
        last.ends_with(", 2 baselined (2 baseline entries no longer found: fixed)"),
        "{last}"
    );
}

#[test]
fn the_exit_code_depends_only_on_new_findings() {
    let (repo, out) = brownfield();
    let baseline = write_baseline(&repo, &out, "baseline.json");
    write(repo.path(), "jobs/c.sh", "SFTP_PASSWORD=Another-Plain-1\n");
    let run = check(&repo, &["--baseline", path_arg(&baseline)]);
    assert_eq!(run.code, 0, "a new warning is below the default threshold");
    assert!(run.stdout.contains("jobs/c.sh"));
    let strict = check(
        &repo,
        &["--baseline", path_arg(&baseline), "--fail-on", "warning"],
    );
    assert_eq!(strict.code, 1);
}

#[test]
fn the_baseline_is_sorted_stable_and_holds_no_secret() {
    let (repo, out) = brownfield();
    let first = write_baseline(&repo, &out, "first.json");
    let text = std::fs::read_to_string(&first).unwrap();
    assert!(
        !text.contains(CANARY),
        "the secret leaked into the baseline"
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "connlint");
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let entries = doc["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for entry in entries {
        let mut fields: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        assert_eq!(fields, ["fingerprint", "message", "path", "rule", "value"]);
        assert!(
            entry["fingerprint"]
                .as_str()
                .unwrap()
                .starts_with("connlint/v1:")
        );
        keys.push((
            entry["path"].as_str().unwrap().to_owned(),
            entry["rule"].as_str().unwrap().to_owned(),
            entry["fingerprint"].as_str().unwrap().to_owned(),
        ));
    }
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let secret = entries
        .iter()
        .find(|e| e["rule"] == "secrets.plaintext-secret")
        .unwrap();
    assert_eq!(secret["value"], "****");
    // Lines moving do not change a byte of it.
    write(
        repo.path(),
        "jobs/b.sh",
        "# moved down\n\nJAVA_HOME=/opt/jdk1.6.0_45\n",
    );
    let second = write_baseline(&repo, &out, "second.json");
    assert_eq!(text, std::fs::read_to_string(second).unwrap());
}

#[test]
fn both_flags_write_the_updated_baseline() {
    let (repo, out) = brownfield();
    let old = write_baseline(&repo, &out, "old.json");
    write(
        repo.path(),
        "conf/app.properties",
        "https.protocols=TLSv1.2\n",
    );
    write(repo.path(), "jobs/d.sh", "JAVA_HOME=/opt/jdk1.5.0_22\n");
    let new = out.path().join("new.json");
    let run = check(
        &repo,
        &[
            "--format",
            "json",
            "--baseline",
            path_arg(&old),
            "--write-baseline",
            path_arg(&new),
        ],
    );
    assert_eq!(run.code, 1, "reported against the old baseline");
    assert_eq!(
        json_findings(&run),
        [(
            "jobs/d.sh".to_owned(),
            "java.runtime-below-8".to_owned(),
            "1.5.0_22".to_owned()
        )]
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&new).unwrap()).unwrap();
    let paths: Vec<&str> = written["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["jobs/a.sh", "jobs/a.sh", "jobs/b.sh", "jobs/d.sh"],
        "the fixed TLS entry is gone, the new one is in"
    );
    let next = check(&repo, &["--baseline", path_arg(&new)]);
    assert_eq!(next.code, 0, "{}", next.stdout);
}

#[test]
fn a_broken_baseline_stops_the_run_with_a_pointer_into_it() {
    let (repo, out) = brownfield();
    let path = out.path().join("baseline.json");
    std::fs::write(
        &path,
        "{\n  \"version\": 1,\n  \"tool\": {\"name\": \"connlint\", \"version\": \"0.1.0\"},\n  \"entries\": [\n    {\"path\": \"jobs/a.sh\", \"rule\": \"java.runtime-below-8\",, }\n  ]\n}\n",
    )
    .unwrap();
    let run = check(&repo, &["--baseline", path_arg(&path)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing is reported: {}", run.stdout);
    assert!(
        run.stderr.contains("connlint::file::syntax"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("not a connlint baseline"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("baseline.json:5:"), "{}", run.stderr);
    let missing = check(&repo, &["--baseline", "/nonexistent/baseline.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot read baseline"),
        "{}",
        missing.stderr
    );
}
