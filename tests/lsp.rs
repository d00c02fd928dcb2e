//! `connlint lsp` end to end: the built binary, spoken to over JSON-RPC on
//! its stdin/stdout as an editor would. Diagnostics and ranges are
//! asserted exactly (UTF-16 positions on non-ASCII and CRLF text).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Helpers take `json!` values by value so call sites read like the protocol.
#![allow(clippy::needless_pass_by_value)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use serde_json::{Value, json};
use tempfile::TempDir;

/// How long any one answer may take (a debug build on a loaded 2-core CI
/// machine scans a small repository in well under a second).
const TIMEOUT: Duration = Duration::from_secs(60);

/// A temp repository from `(path, content)` pairs.
fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        write(dir.path(), path, content);
    }
    dir
}

fn write(root: &Path, path: &str, content: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, content).unwrap();
}

fn uri(root: &Path, rel: &str) -> String {
    let root = std::fs::canonicalize(root).unwrap();
    format!("file://{}/{rel}", root.display())
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Every message the server sent, in order.
    seen: Vec<Value>,
    /// Messages read but not yet consumed by a wait.
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    /// Starts `connlint lsp ARGS` and initializes it on `root`.
    fn start(root: &Path, args: &[&str]) -> Self {
        let mut client = Self::spawn(root, args);
        let root_uri = format!("file://{}", std::fs::canonicalize(root).unwrap().display());
        let response = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "repo"}],
                "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
            }),
        );
        assert_eq!(
            response["result"]["capabilities"]["positionEncoding"],
            "utf-16"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn spawn(root: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(cargo_bin("connlint"))
            .arg("lsp")
            .arg("--as-of")
            .arg("2026-01-01")
            .args(args)
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = Some(value.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.unwrap()];
                reader.read_exact(&mut body).unwrap();
                if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Self {
            child,
            stdin,
            messages,
            seen: Vec::new(),
            pending: Vec::new(),
            next_id: 1,
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns the whole response message.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The first message (pending or new) that `matches`.
    fn wait(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&matches) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.messages.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "no matching message within {TIMEOUT:?}; got {:#}",
                    Value::from(self.seen.clone())
                )
            });
            self.seen.push(message.clone());
            if matches(&message) {
                return message;
            }
            self.pending.push(message);
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Value {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
        message["params"]["diagnostics"].clone()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// `shutdown` then `exit`; returns the exit code.
    fn shutdown(mut self) -> i32 {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

const RUNTIME_URL: &str =
    "https://blogs.oracle.com/java-platform-group/jdk-8-will-use-tls-12-as-default";

fn java_runtime_below_8(range: Value) -> Value {
    json!({
        "range": range,
        "severity": 1,
        "code": "java.runtime-below-8",
        "codeDescription": {"href": RUNTIME_URL},
        "source": "connlint",
        "message": "Java 1.7.0_80 is a runtime here (java-home); Java 7 and older do not use TLS 1.2 by default",
    })
}

/// A shell script with CRLF line endings, `é` (2 bytes, 1 UTF-16 unit)
/// and `😀` (4 bytes, 2 UTF-16 units).
const CRLF_SCRIPT: &str = "# café\r\nJAVA_HOME=/opt/jdk1.7.0_80\r\nexport JAVA_HOME\r\nJAVA_HOME=/opt/😀é/jdk1.7.0_80\r\n";

#[test]
fn crlf_and_non_ascii_ranges_are_utf16_and_a_fix_clears_them() {
    let dir = repo(&[]);
    let mut client = Client::start(dir.path(), &[]);
    let run = uri(dir.path(), "jobs/run.sh");
    client.open(&run, "sh", CRLF_SCRIPT);
    // `1.7.0_80` on line 1 starts after `JAVA_HOME=/opt/jdk` (18 units);
    // on line 3 after `JAVA_HOME=/opt/😀é/jdk` (15 + 2 + 1 + 4 = 22 units,
    // although it is 25 bytes in).
    assert_eq!(
        client.diagnostics(&run, Some(1)),
        json!([
            java_runtime_below_8(range(1, 18, 1, 26)),
            java_runtime_below_8(range(3, 22, 3, 30)),
        ])
    );

    // Hover inside the second value: the rule explained.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": run}, "position": {"line": 3, "character": 25}}),
    );
    assert_eq!(hover["result"]["range"], range(3, 22, 3, 30));
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    assert!(
        text.starts_with("**Java runtime older than Java 8**"),
        "{text}"
    );
    assert!(
        text.contains("`java.runtime-below-8` · error (pack `java`)"),
        "{text}"
    );
    assert!(text.contains("**Fix:** Run the job on Java 8"), "{text}");
    assert!(
        text.contains(&format!("**Source:** <{RUNTIME_URL}>")),
        "{text}"
    );
    assert!(text.contains("Found: `java.version` `1.7.0_80`"), "{text}");
    // Nothing to hover between the findings.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": run}, "position": {"line": 2, "character": 3}}),
    );
    assert_eq!(hover["result"], Value::Null);

    // The quick fix: a `#` comment above the line, with the file's CRLF.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": run}, "range": range(1, 20, 1, 20),
               "context": {"diagnostics": []}}),
    );
    let actions = actions["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(
        actions[0]["title"],
        "Suppress java.runtime-below-8 here (inline comment)"
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(
        actions[0]["edit"]["changes"][&run],
        json!([{"range": range(1, 0, 1, 0),
                "newText": "# connlint: ignore[java.runtime-below-8] TODO: reason\r\n"}])
    );

    // Fix line 1 with an incremental edit (UTF-16 range): one finding left.
    client.change(
        &run,
        2,
        json!([{"range": range(1, 14, 1, 26), "text": "jdk-17.0.9"}]),
    );
    assert_eq!(
        client.diagnostics(&run, Some(2)),
        json!([java_runtime_below_8(range(3, 22, 3, 30))])
    );
    // Fix line 3, whose range counts the emoji as two units: none left.
    client.change(
        &run,
        3,
        json!([{"range": range(3, 22, 3, 30), "text": "17.0.9"}]),
    );
    assert_eq!(client.diagnostics(&run, Some(3)), json!([]));
    // The hover and the quick fix went with the diagnostic.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": run}, "position": {"line": 3, "character": 25}}),
    );
    assert_eq!(hover["result"], Value::Null);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_burst_of_changes_never_publishes_an_older_version_after_a_newer_one() {
    let dir = repo(&[]);
    let mut client = Client::start(dir.path(), &[]);
    let run = uri(dir.path(), "run.sh");
    client.open(&run, "sh", "JAVA_HOME=/opt/jdk1.7.0_80\n");
    for version in 2..=30 {
        let value = if version % 2 == 0 {
            "1.6.0_45"
        } else {
            "1.7.0_80"
        };
        client.change(
            &run,
            version,
            json!([{"text": format!("JAVA_HOME=/opt/jdk{value}\n")}]),
        );
    }
    client.change(&run, 31, json!([{"text": "JAVA_HOME=/opt/jdk-21\n"}]));
    assert_eq!(client.diagnostics(&run, Some(31)), json!([]));
    let versions: Vec<i64> = client
        .seen
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "published versions go back: {versions:?}"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn related_information_points_at_the_certificate_file() {
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/certs/expired.pem"
    ))
    .unwrap();
    let dir = repo(&[("certs/expired.pem", &pem)]);
    let mut client = Client::start(dir.path(), &[]);
    let run = uri(dir.path(), "jobs/run.sh");
    client.open(
        &run,
        "sh",
        "#!/bin/sh\n./AnaplanClient.sh -service https://api.anaplan.com -auth https://auth.anaplan.com -certificate ../certs/expired.pem -privatekey ../certs/key.pem -W\n",
    );
    let diagnostics = client.diagnostics(&run, Some(1));
    let expired: Vec<&Value> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "certificates.expired")
        .collect();
    assert_eq!(expired.len(), 1, "{diagnostics:#}");
    assert_eq!(expired[0]["range"], range(1, 96, 1, 116));
    assert_eq!(
        expired[0]["relatedInformation"],
        json!([{
            "location": {"uri": uri(dir.path(), "certs/expired.pem"), "range": range(0, 0, 23, 25)},
            "message": "the certificate file: certs/expired.pem (emailAddress=integration@example.com,CN=integration@example.com,OU=Integrations,O=Example Corp,C=US)",
        }])
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn secrets_never_reach_diagnostics_hover_or_fixes() {
    let dir = repo(&[]);
    let mut client = Client::start(dir.path(), &[]);
    let env = uri(dir.path(), "env.properties");
    client.open(&env, "jproperties", "keystore.password=Plain-Text-1\r\n");
    let diagnostics = client.diagnostics(&env, Some(1));
    assert_eq!(diagnostics[0]["code"], "secrets.plaintext-secret");
    assert_eq!(diagnostics[0]["range"], range(0, 18, 0, 30));
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": env}, "position": {"line": 0, "character": 20}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Found: `secret` `****`"), "{text}");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": env}, "range": range(0, 18, 0, 30), "context": {"diagnostics": []}}),
    );
    assert_eq!(
        actions["result"][0]["edit"]["changes"][&env][0]["newText"],
        "# connlint: ignore[secrets.plaintext-secret] TODO: reason\r\n"
    );
    let everything = Value::from(client.seen.clone()).to_string();
    assert!(!everything.contains("Plain-Text-1"), "{everything}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_broken_config_is_a_diagnostic_in_it_and_the_server_keeps_working() {
    let dir = repo(&[
        (".connlint.toml", "fail-on = \"error\"\n"),
        ("run.sh", "JAVA_HOME=/opt/jdk1.7.0_80\n"),
    ]);
    let mut client = Client::start(dir.path(), &[]);
    let run = uri(dir.path(), "run.sh");
    let config = uri(dir.path(), ".connlint.toml");
    client.open(&run, "sh", "JAVA_HOME=/opt/jdk1.7.0_80\n");
    assert_eq!(
        client.diagnostics(&run, Some(1)),
        json!([java_runtime_below_8(range(0, 18, 0, 26))])
    );

    // A typo in the open config: a diagnostic on the key.
    client.open(
        &config,
        "toml",
        "fail-on = \"error\"\nfial-on = \"warning\"\n",
    );
    let diagnostics = client.diagnostics(&config, Some(1));
    assert_eq!(diagnostics.as_array().unwrap().len(), 1, "{diagnostics:#}");
    assert_eq!(diagnostics[0]["range"], range(1, 0, 1, 7));
    assert_eq!(diagnostics[0]["severity"], 1);
    assert_eq!(diagnostics[0]["code"], "connlint::file::syntax");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.starts_with("unknown field `fial-on`"), "{message}");

    // The server still answers, with the last rules that loaded.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": run}, "position": {"line": 0, "character": 20}}),
    );
    assert!(hover["result"]["contents"]["value"].is_string());

    // An unknown rule name points at the name.
    client.change(
        &config,
        2,
        json!([{"text": "disable = [\"java.no-such-rule\"]\n"}]),
    );
    let diagnostics = client.diagnostics(&config, Some(2));
    assert_eq!(diagnostics[0]["range"], range(0, 11, 0, 30));
    assert_eq!(diagnostics[0]["code"], "connlint::config::unknown_name");

    // Fixed: the config's diagnostic clears and the new config applies.
    client.change(
        &config,
        3,
        json!([{"text": "disable = [\"java.runtime-below-8\"]\n"}]),
    );
    assert_eq!(client.diagnostics(&config, Some(3)), json!([]));
    assert_eq!(client.diagnostics(&run, Some(1)), json!([]));
    assert_eq!(client.shutdown(), 0);
}

const ACME_PACK: &str = r#"[pack]
name = "acme"
description = "ACME policy"

[[rules]]
id = "acme.java-17"
severity = "warning"
title = "Integration runtime older than Java 17"
message = "Java {value} is below the platform baseline"
help = "Move to 17."
url = "https://wiki.example.com/java-baseline"
fact = "java.version"
require = ">= 17"
"#;

#[test]
fn a_user_rule_pack_reloads_and_a_broken_one_is_a_diagnostic_in_it() {
    let dir = repo(&[
        ("policies/acme.toml", ACME_PACK),
        ("run.sh", "JAVA_HOME=/opt/jdk-11.0.2\n"),
    ]);
    let mut client = Client::start(
        dir.path(),
        &["--no-builtin", "--rules", "policies/acme.toml"],
    );
    let run = uri(dir.path(), "run.sh");
    let pack = uri(dir.path(), "policies/acme.toml");
    client.open(&run, "sh", "JAVA_HOME=/opt/jdk-11.0.2\n");
    let diagnostics = client.diagnostics(&run, Some(1));
    assert_eq!(diagnostics[0]["code"], "acme.java-17");
    assert_eq!(
        diagnostics[0]["message"],
        "Java 11.0.2 is below the platform baseline"
    );
    assert_eq!(diagnostics[0]["severity"], 2);

    // A typo in the open pack: an error at the fact kind; the last rules
    // that loaded keep running.
    client.open(
        &pack,
        "toml",
        &ACME_PACK.replace("java.version", "java.versio"),
    );
    let diagnostics = client.diagnostics(&pack, Some(1));
    assert_eq!(diagnostics[0]["range"], range(11, 7, 11, 20));
    assert_eq!(diagnostics[0]["code"], "connlint::rule_file::unknown_fact");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("unknown fact kind `java.versio` (not a fact kind)")
    );
    client.change(&run, 2, json!([{"text": "JAVA_HOME=/opt/jdk-8\n"}]));
    assert_eq!(
        client.diagnostics(&run, Some(2))[0]["message"],
        "Java 8 is below the platform baseline"
    );

    // Fixed with a new baseline: the pack's error clears and the new rule applies.
    client.change(
        &pack,
        2,
        json!([{"text": ACME_PACK.replace(">= 17", ">= 8")}]),
    );
    assert_eq!(client.diagnostics(&pack, Some(2)), json!([]));
    assert_eq!(client.diagnostics(&run, Some(2)), json!([]));
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_broken_config_on_disk_at_start_up_is_reported_in_it() {
    let dir = repo(&[
        (".connlint.toml", "disable = [\n"),
        ("run.sh", "JAVA_HOME=/opt/jdk1.7.0_80\n"),
    ]);
    let mut client = Client::start(dir.path(), &[]);
    let config = uri(dir.path(), ".connlint.toml");
    let diagnostics = client.diagnostics(&config, None);
    assert_eq!(diagnostics[0]["code"], "connlint::file::syntax");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 0, "character": 11})
    );
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("unclosed array, expected `]`"),
        "{message}"
    );
    // The built-in rules still run.
    let run = uri(dir.path(), "run.sh");
    client.open(&run, "sh", "JAVA_HOME=/opt/jdk1.7.0_80\n");
    assert_eq!(
        client.diagnostics(&run, Some(1)),
        json!([java_runtime_below_8(range(0, 18, 0, 26))])
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn watched_file_changes_keep_the_workspace_facts_up_to_date() {
    let dir = repo(&[]);
    let mut client = Client::start(dir.path(), &[]);
    // The server asks to watch every file.
    let registration = client.wait(|m| m["method"] == "client/registerCapability");
    assert_eq!(
        registration["params"]["registrations"][0]["registerOptions"]["watchers"][0],
        json!({"globPattern": "**/*"})
    );
    let env = uri(dir.path(), "jobs/env.sh");
    client.open(&env, "sh", "JAVA_HOME=/opt/jdk1.7.0_80\n");
    assert_eq!(
        client.diagnostics(&env, Some(1))[0]["code"],
        "java.runtime-below-8"
    );
    // A job that runs Anaplan Connect appears next to it on disk: the
    // same value is now the Anaplan rule's finding.
    write(
        dir.path(),
        "jobs/run.sh",
        "./AnaplanClient.sh -service https://api.anaplan.com -auth https://auth.anaplan.com -W\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(dir.path(), "jobs/run.sh"), "type": 1}]}),
    );
    let diagnostics = client.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == env
            && m["params"]["diagnostics"][0]["code"] == "anaplan.java-below-8u161"
    });
    assert_eq!(
        diagnostics["params"]["diagnostics"][0]["range"],
        range(0, 18, 0, 26)
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn malformed_messages_are_answered_and_the_server_goes_on() {
    let dir = repo(&[]);
    let mut client = Client::spawn(dir.path(), &[]);
    // Before `initialize`: an error, not a crash.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    let mut client = {
        drop(client);
        Client::start(dir.path(), &[])
    };
    client.send_raw(b"{not json");
    let parse_error = client.wait(|m| m["error"]["code"] == -32700);
    assert_eq!(parse_error["id"], Value::Null);
    client.send_raw(b"\xff\xfe not UTF-8");
    client.wait(|m| m["error"]["code"] == -32700 && m != &parse_error);
    client.send_raw(br#"{"jsonrpc":"2.0","id":77,"params":1}"#);
    let invalid = client.wait(|m| m["id"] == 77);
    assert_eq!(invalid["error"]["code"], -32600);
    let bad_params = client.request("textDocument/hover", json!(42));
    assert_eq!(bad_params["error"]["code"], -32602);
    let unknown = client.request("textDocument/definition", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    // Notifications with bad params are logged and ignored.
    client.notify("textDocument/didOpen", json!({"textDocument": 5}));
    client.wait(|m| m["method"] == "window/logMessage");
    // Still serving.
    let run = uri(dir.path(), "run.sh");
    client.open(&run, "sh", "JAVA_HOME=/opt/jdk1.7.0_80\n");
    assert_eq!(
        client.diagnostics(&run, Some(1))[0]["code"],
        "java.runtime-below-8"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn unknown_binary_huge_and_non_file_buffers_do_not_break_anything() {
    let dir = repo(&[]);
    let mut client = Client::start(dir.path(), &["--max-file-size", "64"]);
    let big = uri(dir.path(), "big.sh");
    client.open(&big, "sh", &"# filler\n".repeat(20));
    assert_eq!(
        client.diagnostics(&big, Some(1)),
        json!([{"range": range(0, 0, 0, 0), "severity": 3, "source": "connlint",
                "message": "skipped: 180 bytes is over the size limit of 64 bytes"}])
    );
    let blob = uri(dir.path(), "blob.sh");
    client.open(&blob, "sh", "JAVA_HOME=\u{0}\u{0}\u{1}");
    assert_eq!(
        client.diagnostics(&blob, Some(1))[0]["message"],
        "skipped: binary file"
    );
    let readme = uri(dir.path(), "README.md");
    client.open(&readme, "markdown", "JAVA_HOME=/opt/jdk1.7.0_80\n");
    assert_eq!(client.diagnostics(&readme, Some(1)), json!([]));
    // Not a file: nothing to analyse, and nothing breaks.
    client.open("untitled:Untitled-1", "sh", "JAVA_HOME=/opt/jdk1.7.0_80\n");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover["result"], Value::Null);
    // Closing a document clears its diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": big}}),
    );
    assert_eq!(client.diagnostics(&big, None), json!([]));
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let dir = repo(&[]);
    let mut client = Client::start(dir.path(), &[]);
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    let code = loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            break status.code();
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(1));
}
