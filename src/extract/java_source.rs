//! TLS settings in JVM source code (`*.java`, `*.kt`, `*.groovy`,
//! `*.scala`): text patterns over the code with its comments blanked, not
//! a parser.
//!
//! - `SSLContext.getInstance("TLSv1")` (and `HttpClient`'s
//!   `SSLContexts.custom().useProtocol("TLSv1")`): effect `force`. In
//!   `SunJSSE` a context named after a version enables, on client sockets,
//!   that version and the older ones only, so `"TLSv1"` never offers TLS
//!   1.2. The generic names `"TLS"`, `"SSL"` and `"Default"` give no fact:
//!   `SunJSSE` maps `"SSL"` to the same context as `"TLS"`, whose protocols
//!   follow the runtime's defaults and `jdk.tls.client.protocols` (`SSLv3`
//!   is disabled in `java.security` since 8u31), so what they allow is the
//!   runtime's business (`java.version` rules).
//! - `setEnabledProtocols(new String[] {"TLSv1", "TLSv1.1"})`,
//!   `SSLParameters.setProtocols(...)`, Kotlin `enabledProtocols =
//!   arrayOf(...)`, `HttpClient`'s `new SSLConnectionSocketFactory(ctx, new
//!   String[] {...}, ...)`, `OkHttp`'s `.tlsVersions(TlsVersion.TLS_1_0)`:
//!   effect `enable`, one fact per protocol literal.
//! - `System.setProperty("https.protocols", "TLSv1")` (also
//!   `jdk.tls.client.protocols`): effect `enable`, setting the property.
//! - Trust-all code, as `tls.verification` `disabled` with setting
//!   `trust-all`: an `X509TrustManager` whose `checkServerTrusted` body is
//!   empty (`check = certificate`), `HttpClient`'s `TrustAllStrategy` /
//!   `TrustSelfSignedStrategy`, Netty's `InsecureTrustManagerFactory`; a
//!   `HostnameVerifier` that returns `true` (a `verify` method, a lambda
//!   `(h, s) -> true`), `NoopHostnameVerifier`, `AllowAllHostnameVerifier`,
//!   `ALLOW_ALL_HOSTNAME_VERIFIER` (`check = hostname`).

use std::ops::Range;

use crate::extract::comments::{self, Syntax};
use crate::extract::{java, tls};
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;
use crate::span::Span;

/// Extracts the TLS facts of a JVM source file.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut extraction = Extraction::default();
    let text = &source.text;
    let hints = [
        "SSLContext",
        "useProtocol",
        "Protocols",
        "tlsVersions",
        "setProperty",
        "checkServerTrusted",
        "HostnameVerifier",
        "hostnameVerifier",
        "TrustAllStrategy",
        "TrustSelfSignedStrategy",
        "InsecureTrustManagerFactory",
        "SSLConnectionSocketFactory",
        "SSLSession",
    ];
    if !hints.iter().any(|h| text.contains(h)) {
        return extraction;
    }
    let extension = source
        .path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let syntax = match extension.as_deref() {
        Some("kt" | "kts" | "scala") => Syntax::Kotlin,
        Some("groovy") => Syntax::Groovy,
        _ => Syntax::Java,
    };
    let blanked = comments::blank_comments(text, syntax);
    extraction
        .problems
        .extend(blanked.unclosed_problem(&source.path, "comment or string", "file"));
    let code = blanked.text.as_str();
    // Settings are code: a match that starts inside a string literal (a
    // log message quoting `SSLContext.getInstance("TLSv1")`) is prose.
    let bare = comments::blank_comments_and_strings(text, syntax);
    let mut found = Found::new(source, &bare);
    contexts(code, &mut found);
    enabled_lists(code, &mut found);
    system_properties(code, &mut found);
    trust_all(code, &mut found);
    extraction.facts = found.facts;
    extraction
}

/// Facts found so far, in one file.
struct Found<'a> {
    source: &'a SourceFile,
    /// The text with comments and strings blanked.
    bare: &'a comments::Blanked,
    facts: Vec<Fact>,
}

impl<'a> Found<'a> {
    fn new(source: &'a SourceFile, bare: &'a comments::Blanked) -> Self {
        Self {
            source,
            bare,
            facts: Vec::new(),
        }
    }

    /// Whether the setting whose name starts at `anchor` is written inside
    /// a string.
    fn quoted(&self, anchor: usize) -> bool {
        self.bare.is_blanked(&self.source.text, anchor)
    }

    fn protocol(
        &mut self,
        anchor: usize,
        range: Range<usize>,
        protocol: &str,
        setting: &str,
        effect: &str,
    ) {
        if self.quoted(anchor) {
            return;
        }
        self.facts.push(
            Fact::new(
                FactKind::TlsProtocol,
                protocol,
                &self.source.path,
                Span::new(range.start, range.end),
            )
            .with("setting", setting)
            .with("effect", effect),
        );
    }

    fn trust_all(&mut self, range: Range<usize>, check: &str) {
        if self.quoted(range.start) {
            return;
        }
        self.facts.push(
            Fact::new(
                FactKind::TlsVerification,
                "disabled",
                &self.source.path,
                Span::new(range.start, range.end),
            )
            .with("setting", "trust-all")
            .with("check", check),
        );
    }
}

/// `SSLContext.getInstance("TLSv1")`, `useProtocol("TLSv1")`.
fn contexts(code: &str, found: &mut Found<'_>) {
    let pattern = static_regex!(
        r#"\b(SSLContext\s*\.\s*getInstance|useProtocol)\s*\(\s*["']([^"'\\\n]*)["']"#
    );
    for caps in pattern.captures_iter(code) {
        let (Some(call), Some(name)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        let setting = if call.as_str().starts_with("useProtocol") {
            "useProtocol"
        } else {
            "SSLContext.getInstance"
        };
        if let Some(protocol) = tls::canonical_protocol(name.as_str()) {
            found.protocol(call.start(), name.range(), protocol, setting, "force");
        }
    }
}

/// Protocol lists handed to sockets, engines, parameters and client
/// builders: one `enable` fact per protocol literal in the call's
/// arguments (or the assigned expression).
fn enabled_lists(code: &str, found: &mut Found<'_>) {
    let pattern = static_regex!(
        r"\b(setEnabledProtocols|setProtocols|enabledProtocols|tlsVersions|SSLConnectionSocketFactory)\s*(\(|=)"
    );
    for caps in pattern.captures_iter(code) {
        let (Some(name), Some(open)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        // `obj.protocols = arrayOf(...)` only counts for the enabled list.
        if open.as_str() == "=" && name.as_str() != "enabledProtocols" {
            continue;
        }
        let setting = name.as_str();
        let arguments = arguments(code, open.end(), open.as_str() == "(");
        let args = &code[arguments.clone()];
        for literal in string_literals(args) {
            let raw = &args[literal.clone()];
            if let Some(protocol) = tls::canonical_protocol(raw) {
                let range = arguments.start + literal.start..arguments.start + literal.end;
                found.protocol(name.start(), range, protocol, setting, "enable");
            }
        }
        // OkHttp's enum: `TlsVersion.TLS_1_0`, `TlsVersion.SSL_3_0`.
        let okhttp = static_regex!(r"\bTlsVersion\s*\.\s*(TLS_1_[0-3]|SSL_3_0)\b");
        for version in okhttp.captures_iter(args).filter_map(|c| c.get(1)) {
            let protocol = match version.as_str() {
                "SSL_3_0" => "SSLv3",
                "TLS_1_0" => "TLSv1",
                "TLS_1_1" => "TLSv1.1",
                "TLS_1_2" => "TLSv1.2",
                _ => "TLSv1.3",
            };
            let range = arguments.start + version.start()..arguments.start + version.end();
            found.protocol(name.start(), range, protocol, setting, "enable");
        }
    }
}

/// The argument text after an opening parenthesis at `start` (up to its
/// matching close), or the assigned expression after `=` (up to the end of
/// the statement or line).
fn arguments(code: &str, start: usize, parenthesised: bool) -> Range<usize> {
    let bytes = code.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    let mut in_string = false;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' | b'\n' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'(' | b'{' | b'[' => depth += 1,
                b')' | b'}' | b']' | b';' if depth == 0 => return start..i,
                b')' | b'}' | b']' => depth -= 1,
                b'\n' if depth == 0 && !parenthesised => return start..i,
                _ => {}
            }
        }
        i += 1;
    }
    start..code.len()
}

/// The bodies of the double-quoted string literals in `text`.
fn string_literals(text: &str) -> Vec<Range<usize>> {
    let literal = static_regex!(r#""((?:[^"\\\n]|\\.)*)""#);
    literal
        .captures_iter(text)
        .filter_map(|caps| caps.get(1))
        .map(|m| m.range())
        .collect()
}

/// `System.setProperty("https.protocols", "TLSv1,TLSv1.1")`.
fn system_properties(code: &str, found: &mut Found<'_>) {
    let pattern = static_regex!(
        r#"\bSystem\s*\.\s*setProperty\s*\(\s*"(https\.protocols|jdk\.tls\.client\.protocols|jdk\.tls\.server\.protocols)"\s*,\s*"([^"\\\n]*)""#
    );
    for caps in pattern.captures_iter(code) {
        let (Some(call), Some(name), Some(value)) = (caps.get(0), caps.get(1), caps.get(2)) else {
            continue;
        };
        for clue in java::protocol_list(value.as_str(), value.start(), name.as_str(), "enable") {
            found.protocol(
                call.start(),
                clue.range,
                &clue.value,
                name.as_str(),
                "enable",
            );
        }
    }
}

/// Trust managers and hostname verifiers that accept everything.
fn trust_all(code: &str, found: &mut Found<'_>) {
    // An empty `checkServerTrusted` body (Java, Groovy, Kotlin `{}` or
    // `= Unit`); comments inside were blanked, so `{ // trust all }` is empty.
    let empty_check = static_regex!(
        r"\b(checkServerTrusted)\s*\([^()]*\)\s*(?::\s*Unit\s*)?(?:throws\s+[\w.]+(?:\s*,\s*[\w.]+)*\s*)?(?:\{\s*(?:return\s*;?\s*)?\}|=\s*Unit\b)"
    );
    for caps in empty_check.captures_iter(code) {
        if let Some(name) = caps.get(1) {
            found.trust_all(name.range(), "certificate");
        }
    }
    let trusting = static_regex!(
        r"\b(TrustAllStrategy|TrustSelfSignedStrategy|InsecureTrustManagerFactory)\b"
    );
    for m in trusting.find_iter(code) {
        if !is_import(code, m.start()) {
            found.trust_all(m.range(), "certificate");
        }
    }
    // `boolean verify(String host, SSLSession session) { return true; }`
    // and Kotlin's `fun verify(h: String?, s: SSLSession?): Boolean = true`.
    let verify_method = static_regex!(
        r"\b(verify)\s*\(\s*(?:final\s+)?(?:String\s+\w+|\w+\s*:\s*String\??)\s*,\s*(?:final\s+)?(?:SSLSession\s+\w+|\w+\s*:\s*SSLSession\??)\s*\)\s*(?::\s*Boolean\s*)?(?:\{\s*return\s+true\s*;?\s*\}|=\s*true\b)"
    );
    for caps in verify_method.captures_iter(code) {
        if let Some(name) = caps.get(1) {
            found.trust_all(name.range(), "hostname");
        }
    }
    // `setHostnameVerifier((h, s) -> true)`, OkHttp's
    // `.hostnameVerifier { _, _ -> true }`.
    let verifier_lambda = static_regex!(
        r"\b((?:set)?(?:Default)?[Hh]ostnameVerifier)\s*[({]\s*\(?\s*\w+\s*(?::\s*\w+\??\s*)?,\s*\w+\s*(?::\s*\w+\??\s*)?\)?\s*->\s*(?:\{\s*)?true\b"
    );
    for caps in verifier_lambda.captures_iter(code) {
        if let Some(name) = caps.get(1) {
            found.trust_all(name.range(), "hostname");
        }
    }
    let verifiers = static_regex!(
        r"\b(NoopHostnameVerifier|AllowAllHostnameVerifier|ALLOW_ALL_HOSTNAME_VERIFIER)\b"
    );
    for m in verifiers.find_iter(code) {
        if !is_import(code, m.start()) {
            found.trust_all(m.range(), "hostname");
        }
    }
}

/// Whether the line holding `at` is an `import` (naming a class is not
/// using it).
fn is_import(code: &str, at: usize) -> bool {
    let line_start = code[..at].rfind('\n').map_or(0, |i| i + 1);
    code[line_start..at].trim_start().starts_with("import ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text, setting, effect or check)` of every fact.
    fn found(path: &str, text: &str) -> Vec<(FactKind, String, String, String, String)> {
        let source = SourceFile::new(path, text);
        let extraction = extract(&source);
        assert!(extraction.spans_are_valid(text));
        let mut facts = extraction.facts;
        facts.sort_by_key(|f| f.span);
        facts
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.value.clone(),
                    text[f.span.range()].to_owned(),
                    f.attr("setting").unwrap_or("").to_owned(),
                    f.attr("effect")
                        .or(f.attr("check"))
                        .unwrap_or("")
                        .to_owned(),
                )
            })
            .collect()
    }

    fn p(
        value: &str,
        raw: &str,
        setting: &str,
        effect: &str,
    ) -> (FactKind, String, String, String, String) {
        (
            FactKind::TlsProtocol,
            value.to_owned(),
            raw.to_owned(),
            setting.to_owned(),
            effect.to_owned(),
        )
    }

    fn v(raw: &str, check: &str) -> (FactKind, String, String, String, String) {
        (
            FactKind::TlsVerification,
            "disabled".to_owned(),
            raw.to_owned(),
            "trust-all".to_owned(),
            check.to_owned(),
        )
    }

    #[test]
    fn contexts_named_after_versions_force_them() {
        let text = "SSLContext a = SSLContext.getInstance(\"TLSv1\");\nSSLContext b = SSLContext.getInstance(\"TLSv1.2\", \"SunJSSE\");\nSSLContext c = SSLContext.getInstance(\"TLS\");\nSSLContext d = SSLContext.getInstance(\"SSL\");\nSSLContext e = SSLContexts.custom().useProtocol(\"SSLv3\").build();\n";
        assert_eq!(
            found("A.java", text),
            [
                p("TLSv1", "TLSv1", "SSLContext.getInstance", "force"),
                p("TLSv1.2", "TLSv1.2", "SSLContext.getInstance", "force"),
                p("SSLv3", "SSLv3", "useProtocol", "force"),
            ]
        );
    }

    #[test]
    fn enabled_protocol_lists() {
        let text = "socket.setEnabledProtocols(new String[] {\"TLSv1\", \"TLSv1.1\",\n    \"TLSv1.2\"});\nparams.setProtocols(new String[]{\"TLSv1.2\"});\nnew SSLConnectionSocketFactory(ctx, new String[] { \"TLSv1\" }, null, verifier);\nnew ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS).tlsVersions(TlsVersion.TLS_1_0, TlsVersion.TLS_1_2)\n";
        let got = found("B.java", text);
        let values: Vec<(&str, &str)> = got.iter().map(|f| (f.1.as_str(), f.3.as_str())).collect();
        assert_eq!(
            values,
            [
                ("TLSv1", "setEnabledProtocols"),
                ("TLSv1.1", "setEnabledProtocols"),
                ("TLSv1.2", "setEnabledProtocols"),
                ("TLSv1.2", "setProtocols"),
                ("TLSv1", "SSLConnectionSocketFactory"),
                ("TLSv1", "tlsVersions"),
                ("TLSv1.2", "tlsVersions"),
            ]
        );
        assert_eq!(got[5].2, "TLS_1_0");
        let kotlin = "engine.enabledProtocols = arrayOf(\"TLSv1.1\", \"TLSv1.2\")\nval other = listOf(\"TLSv1\")\n";
        let got = found("C.kt", kotlin);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].2, "TLSv1.1");
    }

    #[test]
    fn system_properties_in_code() {
        let text = "System.setProperty(\"https.protocols\", \"TLSv1,TLSv1.1\");\nSystem.setProperty(\"jdk.tls.client.protocols\", \"TLSv1.2\");\nSystem.setProperty(\"http.agent\", \"TLSv1\");\n";
        assert_eq!(
            found("D.java", text),
            [
                p("TLSv1", "TLSv1", "https.protocols", "enable"),
                p("TLSv1.1", "TLSv1.1", "https.protocols", "enable"),
                p("TLSv1.2", "TLSv1.2", "jdk.tls.client.protocols", "enable"),
            ]
        );
    }

    #[test]
    fn trust_all_managers_and_verifiers() {
        let text = "TrustManager[] trustAll = { new X509TrustManager() {\n  public void checkClientTrusted(X509Certificate[] c, String a) {}\n  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {\n    // trust everyone\n  }\n  public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }\n}};\nHttpsURLConnection.setDefaultHostnameVerifier((hostname, session) -> true);\nclass V implements HostnameVerifier { public boolean verify(String host, SSLSession s) { return true; } }\nCloseableHttpClient c = HttpClients.custom().setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE).build();\n";
        assert_eq!(
            found("E.java", text),
            [
                v("checkServerTrusted", "certificate"),
                v("setDefaultHostnameVerifier", "hostname"),
                v("verify", "hostname"),
                v("NoopHostnameVerifier", "hostname"),
            ]
        );
        let kotlin = "object : X509TrustManager {\n    override fun checkServerTrusted(chain: Array<X509Certificate>?, authType: String?) {}\n}\nval client = OkHttpClient.Builder().hostnameVerifier { _, _ -> true }.build()\nimport org.apache.http.conn.ssl.TrustAllStrategy\n";
        assert_eq!(
            found("F.kt", kotlin),
            [
                v("checkServerTrusted", "certificate"),
                v("hostnameVerifier", "hostname"),
            ]
        );
    }

    #[test]
    fn real_checks_and_comments_are_quiet() {
        let text = "// SSLContext.getInstance(\"TLSv1\")\n/* socket.setEnabledProtocols(new String[] {\"TLSv1\"}); */\npublic void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {\n  delegate.checkServerTrusted(chain, authType);\n}\npublic boolean verify(String host, SSLSession s) { return host.equals(expected); }\n";
        assert!(found("G.java", text).is_empty());
    }

    #[test]
    fn quoted_settings_are_prose() {
        let text = "log.warn(\"never call SSLContext.getInstance(\\\"TLSv1\\\") or NoopHostnameVerifier\");\n";
        assert!(found("Q.java", text).is_empty());
        let groovy = "def ctx = SSLContext.getInstance('TLSv1')\n";
        assert_eq!(found("Q.groovy", groovy).len(), 1);
    }

    #[test]
    fn unclosed_comment_is_a_problem() {
        let source = SourceFile::new("H.java", "SSLContext.getInstance(\"TLSv1\");\n/* open");
        let extraction = extract(&source);
        assert_eq!(extraction.facts.len(), 1);
        assert_eq!(extraction.problems.len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            body in r##"[a-zA-Z0-9_=(){}\[\];:.,'"#/*\\ \t\r\n@!+\-é—]{0,80}"##,
            key in proptest::sample::select(vec!["SSLContext.getInstance(\"", "setEnabledProtocols(new String[] {\"", "checkServerTrusted(", "System.setProperty(\"https.protocols\", \"", "hostnameVerifier { "]),
        ) {
            let text = format!("{key}{body}{key}");
            let extraction = extract(&SourceFile::new("A.java", text.as_str()));
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }
}
