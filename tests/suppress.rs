//! Inline suppressions end to end: every comment syntax, `ignore-file`,
//! reasons, `until=`, unused and unknown ids, `--no-inline-ignores`, and
//! markers that are not in comments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;
use tempfile::TempDir;

use common::{connlint, repo};

/// `connlint check --format json` on `dir` with `args`: the exit code and
/// the document.
fn check_json(dir: &TempDir, args: &[&str]) -> (i32, Value) {
    let output = connlint()
        .args(["check", "--format", "json", "--as-of", "2026-11-23"])
        .args(args)
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let doc = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap_or(-1), doc)
}

/// The human report's last line.
fn summary(dir: &TempDir, args: &[&str]) -> String {
    let output = connlint()
        .args(["check", "--as-of", "2026-11-23"])
        .args(args)
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    stdout.lines().last().unwrap_or_default().to_owned()
}

/// `(rule, line, text under the span)` of every finding.
fn findings(doc: &Value, dir: &TempDir) -> Vec<(String, u64, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(dir.path().join(f["path"].as_str().unwrap()))
                .unwrap_or_default();
            let line = f["line"].as_u64().unwrap();
            let row = text
                .lines()
                .nth(usize::try_from(line).unwrap() - 1)
                .unwrap_or("");
            let chars: Vec<char> = row.chars().collect();
            let (start, end) = (
                usize::try_from(f["column"].as_u64().unwrap()).unwrap() - 1,
                usize::try_from(f["end_column"].as_u64().unwrap()).unwrap() - 1,
            );
            let under = if f["end_line"] == f["line"] && end <= chars.len() {
                chars[start..end].iter().collect()
            } else {
                String::new()
            };
            (f["rule"].as_str().unwrap().to_owned(), line, under)
        })
        .collect()
}

/// One file in one comment syntax: the lines where findings of `rule` must
/// remain, and how many the comments must silence.
struct Case {
    path: &'static str,
    rule: &'static str,
    text: &'static str,
    remaining: &'static [u64],
    suppressed: usize,
}

const CASES: &[Case] = &[
    Case {
        path: "jobs/run.sh",
        rule: "java.runtime-below-8",
        text: "JAVA_HOME=/opt/jdk1.7.0_80 # connlint: ignore[java.runtime-below-8] legacy host\n\
               # connlint: ignore[java.runtime-below-8] legacy host\n\
               JAVA_HOME=/opt/jdk1.6.0_45\n\
               JAVA_HOME=/opt/jdk1.5.0_22\n",
        remaining: &[4],
        suppressed: 2,
    },
    Case {
        path: "jobs/run.bat",
        rule: "java.runtime-below-8",
        text: "set JAVA_HOME=C:\\jdk1.7.0_80 & REM connlint: ignore[java.runtime-below-8] legacy host\r\n\
               REM connlint: ignore[java.runtime-below-8] legacy host\r\n\
               set JAVA_HOME=C:\\jdk1.6.0_45\r\n\
               :: connlint: ignore[java.runtime-below-8] legacy host\r\n\
               set JAVA_HOME=C:\\jdk1.5.0_22\r\n\
               set JAVA_HOME=C:\\jdk1.7.0_79\r\n",
        remaining: &[6],
        suppressed: 3,
    },
    Case {
        // `#` after a value is part of the value: only whole-line comments.
        path: "conf/app.properties",
        rule: "tls.legacy-protocol-enabled",
        text: "# connlint: ignore[tls.legacy-protocol-enabled] internal only\n\
               https.protocols=TLSv1\n\
               ! connlint: ignore[tls.legacy-protocol-enabled] internal only\n\
               jdk.tls.client.protocols=TLSv1.1\n\
               jdk.tls.server.protocols=TLSv1 # connlint: ignore[tls.legacy-protocol-enabled] a value\n",
        remaining: &[5],
        suppressed: 2,
    },
    Case {
        path: ".github/workflows/ci.yml",
        rule: "java.runtime-below-8",
        text: "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n\
               \x20     - uses: actions/setup-java@v4\n        with:\n\
               \x20         java-version: 7 # connlint: ignore[java.runtime-below-8] legacy job\n\
               \x20     - uses: actions/setup-java@v4\n        with:\n\
               \x20         # connlint: ignore[java.runtime-below-8] legacy job\n\
               \x20         java-version: 6\n\
               \x20     - uses: actions/setup-java@v4\n        with:\n\
               \x20         java-version: 5\n",
        remaining: &[15],
        suppressed: 2,
    },
    Case {
        // In a `run: |` script, the shell's comments.
        path: ".github/workflows/fetch.yml",
        rule: "tls.verification-disabled",
        text: "on: push\njobs:\n  fetch:\n    runs-on: ubuntu-latest\n    steps:\n\
               \x20     - run: |\n\
               \x20         curl -k https://mirror.example.com/a.tgz # connlint: ignore[tls.verification-disabled] internal mirror\n\
               \x20         curl -k https://mirror.example.com/b.tgz\n",
        remaining: &[8],
        suppressed: 1,
    },
    Case {
        // Whole-line comments anywhere; after an instruction, only RUN's shell comments.
        path: "Dockerfile",
        rule: "java.runtime-below-8",
        text: "FROM eclipse-temurin:17-jre\n\
               # connlint: ignore[java.runtime-below-8] legacy tool\n\
               ENV JAVA_HOME=/opt/jdk1.7.0_80\n\
               ENV JAVA_HOME=/opt/jdk1.6.0_45\n",
        remaining: &[4],
        suppressed: 1,
    },
    Case {
        path: "Dockerfile",
        rule: "tls.verification-disabled",
        text: "FROM eclipse-temurin:17-jre\n\
               RUN curl -k https://mirror.example.com/a.tgz # connlint: ignore[tls.verification-disabled] internal mirror\n\
               RUN curl -k https://mirror.example.com/b.tgz\n",
        remaining: &[3],
        suppressed: 1,
    },
    Case {
        path: "ops/connlint-clients.toml",
        rule: "anaplan.snaplogic-1-certificate",
        text: "[[client]]\nproduct = \"snaplogic\"\n\
               version = \"1.3\" # connlint: ignore[anaplan.snaplogic-1-certificate] moving in Q3\n\
               auth = \"certificate-anaplan\"\n\
               [[client]]\nproduct = \"snaplogic\"\n\
               # connlint: ignore[anaplan.snaplogic-1-certificate] moving in Q3\n\
               version = \"1.2\"\nauth = \"certificate-anaplan\"\n\
               [[client]]\nproduct = \"snaplogic\"\nversion = \"1.1\"\nauth = \"certificate-anaplan\"\n",
        remaining: &[12],
        suppressed: 2,
    },
    Case {
        path: "tools/export.py",
        rule: "tls.legacy-protocol-enabled",
        text: "import ssl\n\
               a = ssl.SSLContext(ssl.PROTOCOL_TLSv1)  # connlint: ignore[tls.legacy-protocol-enabled] test server\n\
               # connlint: ignore[tls.legacy-protocol-enabled] test server\n\
               b = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\n\
               c = ssl.SSLContext(ssl.PROTOCOL_TLSv1); d = \"# connlint: ignore[tls.legacy-protocol-enabled] a string\"\n",
        remaining: &[5],
        suppressed: 2,
    },
    Case {
        path: "nginx/nginx.conf",
        rule: "tls.legacy-protocol-enabled",
        text: "server {\n\
               \x20 ssl_protocols TLSv1 TLSv1.2; # connlint: ignore[tls.legacy-protocol-enabled] old clients\n\
               \x20 # connlint: ignore[tls.legacy-protocol-enabled] old clients\n\
               \x20 proxy_ssl_protocols TLSv1.1;\n\
               \x20 location / { proxy_ssl_protocols TLSv1; }\n}\n",
        remaining: &[5],
        suppressed: 2,
    },
    Case {
        // Apache has no trailing comments.
        path: "apache/ssl.conf",
        rule: "tls.legacy-protocol-enabled",
        text: "<VirtualHost *:443>\nSSLEngine on\n\
               # connlint: ignore[tls.legacy-protocol-enabled] legacy partner\n\
               SSLProtocol all -SSLv3\n\
               SSLProxyProtocol all -SSLv3\n</VirtualHost>\n",
        remaining: &[5, 5],
        suppressed: 2,
    },
    Case {
        path: "openssl.cnf",
        rule: "tls.legacy-protocol-enabled",
        text: "openssl_conf = default_conf\n[default_conf]\nssl_conf = ssl_sect\n[ssl_sect]\nsystem_default = sd\n\
               [sd]\nMinProtocol = TLSv1 # connlint: ignore[tls.legacy-protocol-enabled] appliance\n",
        remaining: &[],
        suppressed: 1,
    },
    Case {
        path: "scripts/tls.ps1",
        rule: "tls.legacy-protocol-enabled",
        text: "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls # connlint: ignore[tls.legacy-protocol-enabled] old host\n\
               <# connlint: ignore[tls.legacy-protocol-enabled] old host #>\n\
               [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls11\n\
               # connlint: ignore[tls.legacy-protocol-enabled] old host\n\
               [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Ssl3\n\
               [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls\n",
        remaining: &[6],
        suppressed: 3,
    },
    Case {
        // One option per line: only whole-line comments.
        path: "Atom/bin/atom.vmoptions",
        rule: "tls.legacy-protocol-enabled",
        text: "# connlint: ignore[tls.legacy-protocol-enabled] internal only\n\
               -Dhttps.protocols=TLSv1\n\
               -Djdk.tls.client.protocols=TLSv1.1 # connlint: ignore[tls.legacy-protocol-enabled] a value\n",
        remaining: &[3],
        suppressed: 1,
    },
    Case {
        path: "legacy/pom.xml",
        rule: "java.compile-target-below-8",
        text: "<?xml version=\"1.0\"?>\n<project>\n  <properties>\n\
               \x20   <maven.compiler.source>1.7</maven.compiler.source> <!-- connlint: ignore[java.compile-target-below-8] legacy module -->\n\
               \x20   <!-- connlint: ignore[java.compile-target-below-8] legacy module -->\n\
               \x20   <maven.compiler.target>1.7</maven.compiler.target>\n\
               \x20   <maven.compiler.release>6</maven.compiler.release>\n\
               \x20 </properties>\n</project>\n",
        remaining: &[7],
        suppressed: 2,
    },
    Case {
        path: "src/main/mule/app.xml",
        rule: "tls.legacy-protocol-enabled",
        text: "<mule xmlns:tls=\"http://www.mulesoft.org/schema/mule/tls\">\n\
               \x20 <tls:context name=\"a\" enabledProtocols=\"TLSv1\"/> <!-- connlint: ignore[tls.legacy-protocol-enabled] partner -->\n\
               \x20 <!--\n    connlint: ignore[tls.legacy-protocol-enabled] partner\n  -->\n\
               \x20 <tls:context name=\"b\" enabledProtocols=\"TLSv1.1\"/>\n\
               \x20 <tls:context name=\"&lt;!-- connlint: ignore[tls.legacy-protocol-enabled] x --&gt;\" enabledProtocols=\"TLSv1\"/>\n\
               </mule>\n",
        remaining: &[7],
        suppressed: 2,
    },
    Case {
        path: "Export/web.config",
        rule: "dotnet.target-below-4-6",
        text: "<configuration>\n  <system.web>\n\
               \x20   <!-- connlint: ignore[dotnet.target-below-4-6] retiring -->\n\
               \x20   <httpRuntime targetFramework=\"4.5\" />\n  </system.web>\n\
               \x20 <startup><supportedRuntime version=\"v4.0\" sku=\".NETFramework,Version=v4.5\" /></startup>\n\
               </configuration>\n",
        remaining: &[6],
        suppressed: 1,
    },
    Case {
        path: "dataloader/process-conf.xml",
        rule: "salesforce.plain-http-endpoint",
        text: "<beans>\n  <bean id=\"x\" class=\"com.salesforce.dataloader.process.ProcessRunner\">\n\
               \x20   <property name=\"configOverrideMap\">\n      <map>\n\
               \x20       <entry key=\"sfdc.endpoint\" value=\"http://login.salesforce.com\"/> <!-- connlint: ignore[salesforce.plain-http-endpoint] sandbox proxy -->\n\
               \x20     </map>\n    </property>\n  </bean>\n\
               \x20 <bean id=\"y\" class=\"com.salesforce.dataloader.process.ProcessRunner\">\n\
               \x20   <property name=\"configOverrideMap\">\n      <map>\n\
               \x20       <entry key=\"sfdc.endpoint\" value=\"http://test.salesforce.com\"/>\n\
               \x20     </map>\n    </property>\n  </bean>\n</beans>\n",
        remaining: &[12],
        suppressed: 1,
    },
    Case {
        path: "src/main/java/Sync.java",
        rule: "tls.legacy-protocol-enabled",
        text: "class Sync {\n  void a() throws Exception {\n\
               \x20   SSLContext.getInstance(\"TLSv1\"); // connlint: ignore[tls.legacy-protocol-enabled] test double\n\
               \x20   // connlint: ignore[tls.legacy-protocol-enabled] test double\n\
               \x20   SSLContext.getInstance(\"TLSv1.1\");\n\
               \x20   /* connlint: ignore[tls.legacy-protocol-enabled] test double */\n\
               \x20   SSLContext.getInstance(\"SSLv3\");\n\
               \x20   String s = \"// connlint: ignore[tls.legacy-protocol-enabled] a string\"; SSLContext.getInstance(\"TLSv1\");\n\
               \x20 }\n}\n",
        remaining: &[8],
        suppressed: 3,
    },
    Case {
        path: "src/main/kotlin/Sync.kt",
        rule: "tls.legacy-protocol-enabled",
        text: "fun a() {\n\
               \x20   SSLContext.getInstance(\"TLSv1\") // connlint: ignore[tls.legacy-protocol-enabled] test double\n\
               \x20   SSLContext.getInstance(\"TLSv1.1\")\n}\n",
        remaining: &[3],
        suppressed: 1,
    },
    Case {
        path: "scripts/Sync.groovy",
        rule: "tls.legacy-protocol-enabled",
        text: "// connlint: ignore[tls.legacy-protocol-enabled] test double\n\
               def a = SSLContext.getInstance('TLSv1')\n\
               def b = SSLContext.getInstance('TLSv1.1')\n",
        remaining: &[3],
        suppressed: 1,
    },
    Case {
        path: "build.gradle",
        rule: "java.compile-target-below-8",
        text: "sourceCompatibility = 1.7 // connlint: ignore[java.compile-target-below-8] legacy module\n\
               /* connlint: ignore[java.compile-target-below-8] legacy module */\n\
               targetCompatibility = 1.7\n\
               compileJava.options.release = 6\n",
        remaining: &[4],
        suppressed: 2,
    },
    Case {
        path: "Export/Program.cs",
        rule: "tls.legacy-protocol-enabled",
        text: "class P {\n  void M() {\n\
               \x20   ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls; // connlint: ignore[tls.legacy-protocol-enabled] old host\n\
               \x20   // connlint: ignore[tls.legacy-protocol-enabled] old host\n\
               \x20   ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls11;\n\
               \x20   ServicePointManager.SecurityProtocol = SecurityProtocolType.Ssl3;\n\
               \x20 }\n}\n",
        remaining: &[6],
        suppressed: 2,
    },
    Case {
        path: "client/index.js",
        rule: "tls.legacy-protocol-enabled",
        text: "const a = { secureProtocol: 'TLSv1_method' }; // connlint: ignore[tls.legacy-protocol-enabled] old partner\n\
               // connlint: ignore[tls.legacy-protocol-enabled] old partner\n\
               const b = { secureProtocol: 'TLSv1_1_method' };\n\
               const c = { secureProtocol: 'TLSv1_method' };\n",
        remaining: &[4],
        suppressed: 2,
    },
    Case {
        path: "client/index.ts",
        rule: "tls.legacy-protocol-enabled",
        text: "/* connlint: ignore[tls.legacy-protocol-enabled] old partner */\n\
               const a = { minVersion: 'TLSv1' };\n\
               const b = { minVersion: 'TLSv1.1' };\n",
        remaining: &[3],
        suppressed: 1,
    },
    Case {
        // regedit reads whole-line `;` comments only.
        path: "setup/strong-crypto.reg",
        rule: "dotnet.strong-crypto-disabled",
        text: "Windows Registry Editor Version 5.00\r\n\r\n\
               [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\r\n\
               ; connlint: ignore[dotnet.strong-crypto-disabled] lab machine\r\n\
               \"SchUseStrongCrypto\"=dword:00000000\r\n\r\n\
               [HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319]\r\n\
               \"SchUseStrongCrypto\"=dword:00000000\r\n",
        remaining: &[8],
        suppressed: 1,
    },
];

#[test]
fn every_comment_syntax_silences_exactly_its_findings() {
    let mut failures = Vec::new();
    for case in CASES {
        let dir = repo(&[(case.path, case.text)]);
        let select = format!("{},connlint", case.rule);
        let (_, doc) = check_json(&dir, &["--select", &select]);
        let found = findings(&doc, &dir);
        let lines: Vec<u64> = found
            .iter()
            .filter(|(rule, _, _)| rule == case.rule)
            .map(|(_, line, _)| *line)
            .collect();
        let meta: Vec<_> = found
            .iter()
            .filter(|(rule, _, _)| rule.starts_with("connlint."))
            .collect();
        if lines != case.remaining || !meta.is_empty() {
            failures.push(format!(
                "{}: {} left on lines {lines:?} (want {:?}); connlint findings {meta:?}",
                case.path, case.rule, case.remaining
            ));
        }
        let line = summary(&dir, &["--select", &select]);
        let want = format!(", {} suppressed inline", case.suppressed);
        if !line.contains(&want) {
            failures.push(format!("{}: summary `{line}` lacks `{want}`", case.path));
        }
        let (_, audit) = check_json(&dir, &["--select", &select, "--no-inline-ignores"]);
        let all = findings(&audit, &dir)
            .iter()
            .filter(|(rule, _, _)| rule == case.rule)
            .count();
        if all != case.remaining.len() + case.suppressed {
            failures.push(format!(
                "{}: --no-inline-ignores reports {all}, want {}",
                case.path,
                case.remaining.len() + case.suppressed
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const JAVA_7: &str = "JAVA_HOME=/opt/jdk1.7.0_80";

#[test]
fn ignore_file_in_the_top_comment_block_covers_the_file() {
    let dir = repo(&[
        (
            "jobs/run.sh",
            "#!/bin/sh\n# Nightly import.\n# connlint: ignore-file[java] old host, retired in Q3\n\nJAVA_HOME=/opt/jdk1.7.0_80\nJAVA_HOME=/opt/jdk1.6.0_45\nKEYSTORE_PASSWORD=Plain-Text-1\n",
        ),
        (
            "src/main/mule/app.xml",
            "<?xml version=\"1.0\"?>\n<!-- connlint: ignore-file[tls.legacy-protocol-enabled] partner gateway -->\n<mule xmlns:tls=\"http://www.mulesoft.org/schema/mule/tls\">\n  <tls:context name=\"a\" enabledProtocols=\"TLSv1\"/>\n  <tls:context name=\"b\" enabledProtocols=\"TLSv1.1\"/>\n</mule>\n",
        ),
        (
            "jobs/late.sh",
            "JAVA_HOME=/opt/jdk1.7.0_80\n# connlint: ignore-file[java] too late\n",
        ),
    ]);
    let (_, doc) = check_json(
        &dir,
        &[
            "--select",
            "java,secrets,tls.legacy-protocol-enabled,connlint",
        ],
    );
    let found = findings(&doc, &dir);
    let rules: Vec<(&str, u64, &str)> = found
        .iter()
        .map(|(r, l, t)| (r.as_str(), *l, t.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("java.runtime-below-8", 1, "1.7.0_80"),
            ("connlint.malformed-suppression", 2, "ignore-file[java]"),
            ("secrets.plaintext-secret", 7, "Plain-Text-1"),
        ],
        "{doc:#}"
    );
    assert!(summary(&dir, &[]).contains(", 4 suppressed inline"));
}

#[test]
fn a_suppression_without_a_reason_still_suppresses_and_warns() {
    let dir = repo(&[(
        "run.sh",
        "JAVA_HOME=/opt/jdk1.7.0_80 # connlint: ignore[java.runtime-below-8]\n",
    )]);
    let (code, doc) = check_json(&dir, &[]);
    assert_eq!(code, 0, "a warning does not reach the default threshold");
    let found = findings(&doc, &dir);
    assert_eq!(
        found,
        [(
            "connlint.suppression-without-reason".to_owned(),
            1,
            "connlint: ignore[java.runtime-below-8]".to_owned()
        )]
    );
    let finding = &doc["findings"][0];
    assert_eq!(finding["severity"], "warning");
    assert!(finding["help"].as_str().unwrap().contains("Say why"));
    assert_eq!(finding["url"], Value::Null);
    assert_eq!(finding["fact"]["kind"], "text.match");
    assert_eq!(
        finding["fact"]["attributes"]["suppression"],
        "without-reason"
    );
}

#[test]
fn until_stops_working_after_its_day_as_of_the_scan() {
    let dir = repo(&[(
        "run.sh",
        "JAVA_HOME=/opt/jdk1.7.0_80 # connlint: ignore[java.runtime-below-8] until=2027-03-31 migrating in Q1\n",
    )]);
    let run = |as_of: &str| {
        let output = connlint()
            .args(["check", "--format", "json", "--as-of", as_of])
            .arg(dir.path())
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code().unwrap(), findings(&doc, &dir))
    };
    let (code, before) = run("2027-03-31");
    assert_eq!((code, before), (0, vec![]), "in force through the day");
    let (code, after) = run("2027-04-01");
    assert_eq!(code, 1, "the finding is back");
    assert_eq!(
        after,
        [
            ("java.runtime-below-8".to_owned(), 1, "1.7.0_80".to_owned()),
            (
                "connlint.suppression-expired".to_owned(),
                1,
                "until=2027-03-31".to_owned()
            ),
        ]
    );
}

#[test]
fn unused_and_unknown_ids_are_reported_where_they_are_written() {
    let dir = repo(&[(
        "run.sh",
        "# connlint: ignore[java.runtime-below-8] the host was upgraded\nJAVA_HOME=/opt/jdk-17.0.9\nJAVA_HOME=/opt/jdk1.7.0_80 # connlint: ignore[java.runtime-below-8, secrets.plaintext-secret, java.runtime-below-7] Java 7 host\n",
    )]);
    let (code, doc) = check_json(&dir, &[]);
    assert_eq!(code, 0, "{doc:#}");
    let found = findings(&doc, &dir);
    assert_eq!(
        found,
        [
            (
                "connlint.unused-suppression".to_owned(),
                1,
                "ignore[java.runtime-below-8]".to_owned()
            ),
            (
                "connlint.unused-suppression".to_owned(),
                3,
                "secrets.plaintext-secret".to_owned()
            ),
            (
                "connlint.unknown-rule-in-suppression".to_owned(),
                3,
                "java.runtime-below-7".to_owned()
            ),
        ]
    );
    assert_eq!(doc["findings"][0]["severity"], "info");
    assert_eq!(
        doc["findings"][0]["message"],
        "Unused suppression: no `java.runtime-below-8` finding on the line below"
    );
    assert_eq!(doc["findings"][2]["severity"], "warning");
    // Rules that did not run say nothing about their suppressions.
    let (_, only_mule) = check_json(&dir, &["--select", "mule,connlint"]);
    let rules: Vec<String> = findings(&only_mule, &dir)
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(rules, ["connlint.unknown-rule-in-suppression"]);
}

#[test]
fn connlint_rules_are_configured_like_any_rule() {
    let text = "JAVA_HOME=/opt/jdk-17.0.9 # connlint: ignore[java.runtime-below-8] upgraded\n";
    let dir = repo(&[("run.sh", text)]);
    let (code, doc) = check_json(&dir, &["--ignore", "connlint.unused-suppression"]);
    assert_eq!((code, doc["findings"].as_array().unwrap().len()), (0, 0));
    let strict = repo(&[
        ("run.sh", text),
        (
            ".connlint.toml",
            "[severity]\n\"connlint.unused-suppression\" = \"error\"\n",
        ),
    ]);
    let (code, doc) = check_json(&strict, &[]);
    assert_eq!(code, 1);
    assert_eq!(doc["findings"][0]["severity"], "error");
    let off = repo(&[
        ("run.sh", text),
        (".connlint.toml", "disable = [\"connlint\"]\n"),
    ]);
    assert_eq!(check_json(&off, &[]).1["findings"], serde_json::json!([]));
    // They cannot be silenced inline: that is itself reported.
    let circular = repo(&[(
        "run.sh",
        "JAVA_HOME=/opt/jdk-17.0.9 # connlint: ignore[java.runtime-below-8, connlint.unused-suppression] upgraded\n",
    )]);
    let rules: Vec<String> = findings(&check_json(&circular, &[]).1, &circular)
        .into_iter()
        .map(|f| format!("{} {}", f.0, f.2))
        .collect();
    assert_eq!(
        rules,
        [
            "connlint.unused-suppression java.runtime-below-8",
            "connlint.malformed-suppression connlint.unused-suppression"
        ]
    );
}

#[test]
fn no_inline_ignores_is_an_audit() {
    let dir = repo(&[(
        "run.sh",
        &format!(
            "{JAVA_7} # connlint: ignore[java.runtime-below-8]\n# connlint: ignore[tls] unused\necho\n"
        ),
    )]);
    let (code, doc) = check_json(&dir, &["--no-inline-ignores"]);
    assert_eq!(code, 1);
    let rules: Vec<String> = findings(&doc, &dir).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["java.runtime-below-8"], "no reports about comments");
    assert!(!summary(&dir, &["--no-inline-ignores"]).contains("suppressed"));
}

#[test]
fn markers_outside_comments_are_not_suppressions() {
    let dir = repo(&[
        (
            "jobs/run.sh",
            "echo \"# connlint: ignore[java.runtime-below-8] in a string\"; JAVA_HOME=/opt/jdk1.7.0_80\nDOCS='https://wiki/#connlint: ignore[java.runtime-below-8] x'\nJAVA_HOME=/opt/jdk1.6.0_45\n",
        ),
        (
            "conf/app.properties",
            "note=connlint: ignore[tls.legacy-protocol-enabled] not a comment\nhttps.protocols=TLSv1\n",
        ),
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      DOCS: \"see #connlint: ignore[java.runtime-below-8] x\"\n    steps:\n      - uses: actions/setup-java@v4\n        with:\n          java-version: 7\n",
        ),
        (
            "src/main/java/A.java",
            "class A {\n  String s = \"/* connlint: ignore[tls.legacy-protocol-enabled] x */\";\n  void a() throws Exception { SSLContext.getInstance(\"TLSv1\"); }\n}\n",
        ),
    ]);
    let (_, doc) = check_json(
        &dir,
        &[
            "--select",
            "java.runtime-below-8,tls.legacy-protocol-enabled,connlint",
        ],
    );
    let found: Vec<(String, u64)> = findings(&doc, &dir)
        .into_iter()
        .map(|(rule, line, _)| (rule, line))
        .collect();
    let expected: Vec<(String, u64)> = [
        ("java.runtime-below-8", 10),
        ("tls.legacy-protocol-enabled", 2),
        ("java.runtime-below-8", 1),
        ("java.runtime-below-8", 3),
        ("tls.legacy-protocol-enabled", 3),
    ]
    .iter()
    .map(|(r, l)| ((*r).to_owned(), *l))
    .collect();
    assert_eq!(found, expected, "{doc:#}");
}

#[test]
fn a_sourced_file_keeps_its_suppressions_when_only_the_job_is_given() {
    let dir = repo(&[
        (
            "jobs/nightly.sh",
            "#!/bin/sh\n. ./config/config.sh\n./AnaplanClient.sh -service https://api.anaplan.com -auth https://auth.anaplan.com -W\n",
        ),
        (
            "jobs/config/config.sh",
            "# connlint: ignore[anaplan.java-below-8u161] host retired in Q3\nJAVA_HOME=/usr/lib/jvm/jdk1.7.0_80\n",
        ),
    ]);
    let output = connlint()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            "2026-11-23",
            "jobs/nightly.sh",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["findings"], serde_json::json!([]), "{doc:#}");
    assert_eq!(output.status.code(), Some(0));
    // Without the comment, the finding is in the sourced file.
    let audit = connlint()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--no-inline-ignores",
            "jobs/nightly.sh",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&audit.stdout).unwrap();
    assert_eq!(doc["findings"][0]["path"], "jobs/config/config.sh");
}

#[test]
fn rules_and_explain_know_connlints_own_rules() {
    let rules = connlint().arg("rules").output().unwrap();
    let stdout = String::from_utf8_lossy(&rules.stdout);
    for id in [
        "connlint.unused-suppression",
        "connlint.suppression-without-reason",
        "connlint.suppression-expired",
        "connlint.unknown-rule-in-suppression",
        "connlint.malformed-suppression",
    ] {
        assert!(stdout.contains(id), "{id} missing from `connlint rules`");
    }
    let explain = connlint()
        .args(["explain", "connlint.suppression-expired"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&explain.stdout);
    assert_eq!(explain.status.code(), Some(0));
    assert!(text.contains("Checks:   inline suppressions (`connlint: ignore[...]`) that are past their `until=` date"), "{text}");
    assert!(text.contains("Example 1 (fires)"));
}

#[test]
fn config_ignores_need_paths_a_reason_and_known_rules() {
    let job = ("jobs/run.sh", "JAVA_HOME=/opt/jdk1.7.0_80\n");
    let run = |config: &str| {
        let dir = repo(&[job, (".connlint.toml", config)]);
        let output = connlint().arg("check").arg(dir.path()).output().unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stdout, _) = run(
        "[[ignore]]\npaths = [\"jobs/**\"]\nrules = [\"java\"]\nreason = \"host retired in Q3\"\n",
    );
    assert_eq!(code, 0);
    assert!(stdout.contains(", 1 ignored by config"), "{stdout}");
    let (code, _, stderr) = run("[[ignore]]\npaths = [\"jobs/**\"]\n");
    assert_eq!(code, 2);
    assert!(stderr.contains("missing field `reason`"), "{stderr}");
    let (code, _, stderr) = run("[[ignore]]\npaths = [\"jobs/**\"]\nreason = \" \"\n");
    assert_eq!(code, 2);
    assert!(stderr.contains("needs a `reason`"), "{stderr}");
    // An empty `paths` or a misspelt rule would ignore nothing, silently.
    let (code, _, stderr) = run("[[ignore]]\npaths = []\nreason = \"x\"\n");
    assert_eq!(code, 2);
    assert!(stderr.contains("needs `paths`"), "{stderr}");
    let (code, _, stderr) =
        run("[[ignore]]\npaths = [\"jobs/**\"]\nrules = [\"javaa\"]\nreason = \"x\"\n");
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule or pack `javaa`"), "{stderr}");
    assert!(
        stderr.contains("rules = [\"javaa\"]"),
        "points into the file: {stderr}"
    );
}

#[test]
fn a_comment_above_a_continued_statement_covers_all_its_lines() {
    // What the editor's quick fix writes: above the statement's first line.
    let dir = repo(&[
        (
            "jobs/run.sh",
            "#!/bin/sh\n# connlint: ignore[tls.legacy-protocol-enabled] partner host is TLS 1.0 only until March\njava -Dhttps.protocols=TLSv1 \\\n  -Djdk.tls.client.protocols=TLSv1.1 \\\n  -jar tool.jar\njava -Dhttps.protocols=TLSv1 -jar other.jar\n",
        ),
        (
            "jobs/run.bat",
            "@echo off\r\nREM connlint: ignore[tls.legacy-protocol-enabled] same partner\r\njava ^\r\n  -Dhttps.protocols=TLSv1 -jar tool.jar\r\n",
        ),
    ]);
    let (_, doc) = check_json(&dir, &["--select", "tls.legacy-protocol-enabled,connlint"]);
    let got: Vec<(String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // Lines 3 and 4 of run.sh are one statement; line 6 is the next one.
    assert_eq!(got, vec![("jobs/run.sh".to_owned(), 6)], "{doc}");
}
