//! TLS settings in JavaScript and TypeScript (`*.js`, `*.mjs`, `*.cjs`,
//! `*.ts`, `*.mts`, `*.cts`, `*.jsx`, `*.tsx`): text patterns over the code
//! with comments blanked (Node.js `tls` options, as documented for
//! `tls.createSecureContext` and `tls.connect`).
//!
//! - `secureProtocol: 'TLSv1_method'` (also `TLSv1_1_method`,
//!   `SSLv3_method`, `_client_`/`_server_` variants): effect `force`.
//!   `TLS_method` and `SSLv23_method` negotiate and give no fact.
//! - `minVersion: 'TLSv1'` (effect `minimum`), `maxVersion: 'TLSv1.1'`
//!   (effect `maximum`), `tls.DEFAULT_MIN_VERSION = 'TLSv1'` and
//!   `tls.DEFAULT_MAX_VERSION` (setting `tls.DEFAULT_MIN_VERSION`, ...).
//!   Node's own default minimum is TLS 1.2 (since 12.0).
//! - Verification off, as `tls.verification` `disabled`:
//!   `rejectUnauthorized: false` (https, tls, axios agents; also
//!   `= false`), the request library's `strictSSL: false`, and
//!   `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`.
//! - `--tls-min-v1.0` and friends anywhere in the code (a `spawn`
//!   argument list), as in scripts.

use std::ops::Range;

use crate::extract::comments::{self, Syntax};
use crate::extract::environment;
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;
use crate::span::Span;

/// Extracts the TLS facts of a JavaScript or TypeScript file.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut extraction = Extraction::default();
    let text = &source.text;
    let hints = [
        "secureProtocol",
        "Version",
        "rejectUnauthorized",
        "strictSSL",
        "NODE_TLS_REJECT_UNAUTHORIZED",
        "--tls-m",
    ];
    if !hints.iter().any(|h| text.contains(h)) {
        return extraction;
    }
    let blanked = comments::blank_comments(text, Syntax::JavaScript);
    extraction.problems.extend(blanked.unclosed_problem(
        &source.path,
        "comment or template literal",
        "file",
    ));
    let code = blanked.text.as_str();
    // Settings are code: a match that starts inside a string (a template
    // literal quoting `rejectUnauthorized: false`) is prose.
    let bare = comments::blank_comments_and_strings(text, Syntax::JavaScript);
    let mut found = Found {
        path: &source.path,
        text,
        bare: &bare,
        facts: Vec::new(),
    };
    protocols(code, &mut found);
    verification(code, &mut found);
    for clue in environment::node_flags(code) {
        let attributes: Vec<(&str, &str)> = clue
            .attributes
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        found.push(None, clue.range, clue.kind, &clue.value, &attributes);
    }
    extraction.facts = found.facts;
    extraction
}

/// Facts found so far in one file.
struct Found<'a> {
    path: &'a std::sync::Arc<str>,
    text: &'a str,
    /// The text with comments and strings blanked.
    bare: &'a comments::Blanked,
    facts: Vec<Fact>,
}

impl Found<'_> {
    /// Adds a fact at `range`, unless `anchor` (where the setting's name
    /// starts) lies inside a string.
    fn push(
        &mut self,
        anchor: Option<usize>,
        range: Range<usize>,
        kind: FactKind,
        value: &str,
        attributes: &[(&str, &str)],
    ) {
        if anchor.is_some_and(|at| self.bare.is_blanked(self.text, at)) {
            return;
        }
        let mut fact = Fact::new(kind, value, self.path, Span::new(range.start, range.end));
        for (key, value) in attributes {
            fact.attributes.insert(key, *value);
        }
        self.facts.push(fact);
    }
}

/// `secureProtocol`, `minVersion`/`maxVersion`, `tls.DEFAULT_*_VERSION`.
fn protocols(code: &str, found: &mut Found<'_>) {
    let secure_protocol = static_regex!(
        r#"\bsecureProtocol\s*[:=]\s*['"`]((SSLv2|SSLv3|TLSv1_1|TLSv1_2|TLSv1)(?:_client|_server)?_method)['"`]"#
    );
    for caps in secure_protocol.captures_iter(code) {
        let (Some(raw), Some(name)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        if let Some(protocol) = canonical(name.as_str()) {
            found.push(
                caps.get(0).map(|m| m.start()),
                raw.range(),
                FactKind::TlsProtocol,
                protocol,
                &[("setting", "secureProtocol"), ("effect", "force")],
            );
        }
    }
    let bounds = static_regex!(
        r#"\b(minVersion|maxVersion|tls\s*\.\s*DEFAULT_MIN_VERSION|tls\s*\.\s*DEFAULT_MAX_VERSION)\s*[:=]\s*['"`](SSLv3|TLSv1(?:\.[0-3])?)['"`]"#
    );
    for caps in bounds.captures_iter(code) {
        let (Some(setting), Some(raw)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        let setting: String = setting.as_str().split_whitespace().collect();
        let effect = if setting == "minVersion" || setting.ends_with("MIN_VERSION") {
            "minimum"
        } else {
            "maximum"
        };
        if let Some(protocol) = crate::extract::tls::canonical_protocol(raw.as_str()) {
            found.push(
                caps.get(0).map(|m| m.start()),
                raw.range(),
                FactKind::TlsProtocol,
                protocol,
                &[("setting", setting.as_str()), ("effect", effect)],
            );
        }
    }
}

/// `rejectUnauthorized: false`, `strictSSL: false`,
/// `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`.
fn verification(code: &str, found: &mut Found<'_>) {
    let off = static_regex!(r"\b(rejectUnauthorized|strictSSL)\s*[:=]\s*(false)\b");
    for caps in off.captures_iter(code) {
        let (Some(setting), Some(value)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        found.push(
            Some(setting.start()),
            value.range(),
            FactKind::TlsVerification,
            "disabled",
            &[("setting", setting.as_str())],
        );
    }
    let env = static_regex!(
        r#"\bprocess\s*\.\s*env\s*(?:\.\s*NODE_TLS_REJECT_UNAUTHORIZED|\[\s*['"`]NODE_TLS_REJECT_UNAUTHORIZED['"`]\s*\])\s*=\s*['"`]?(0)['"`]?"#
    );
    for caps in env.captures_iter(code) {
        if let Some(value) = caps.get(1) {
            found.push(
                caps.get(0).map(|m| m.start()),
                value.range(),
                FactKind::TlsVerification,
                "disabled",
                &[("setting", "NODE_TLS_REJECT_UNAUTHORIZED")],
            );
        }
    }
}

/// OpenSSL method-name spelling (`TLSv1_1`) in canonical form.
fn canonical(name: &str) -> Option<&'static str> {
    match name {
        "SSLv2" => Some("SSLv2"),
        "SSLv3" => Some("SSLv3"),
        "TLSv1" => Some("TLSv1"),
        "TLSv1_1" => Some("TLSv1.1"),
        "TLSv1_2" => Some("TLSv1.2"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text, setting, effect)` of every fact.
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
                    f.attr("effect").unwrap_or("").to_owned(),
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

    fn v(raw: &str, setting: &str) -> (FactKind, String, String, String, String) {
        (
            FactKind::TlsVerification,
            "disabled".to_owned(),
            raw.to_owned(),
            setting.to_owned(),
            String::new(),
        )
    }

    #[test]
    fn protocol_options() {
        let text = "const agent = new https.Agent({ secureProtocol: 'TLSv1_method' });\ntls.connect({ host, minVersion: \"TLSv1\", maxVersion: 'TLSv1.1' });\ntls.DEFAULT_MIN_VERSION = 'TLSv1.2';\nconst ok = { secureProtocol: 'TLS_method' };\n";
        assert_eq!(
            found("a.js", text),
            [
                p("TLSv1", "TLSv1_method", "secureProtocol", "force"),
                p("TLSv1", "TLSv1", "minVersion", "minimum"),
                p("TLSv1.1", "TLSv1.1", "maxVersion", "maximum"),
                p("TLSv1.2", "TLSv1.2", "tls.DEFAULT_MIN_VERSION", "minimum"),
            ]
        );
    }

    #[test]
    fn verification_switches() {
        let text = "const httpsAgent = new https.Agent({ rejectUnauthorized: false });\nrequest({ url, strictSSL: false });\nprocess.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';\nprocess.env['NODE_TLS_REJECT_UNAUTHORIZED'] = 0;\n";
        assert_eq!(
            found("b.ts", text),
            [
                v("false", "rejectUnauthorized"),
                v("false", "strictSSL"),
                v("0", "NODE_TLS_REJECT_UNAUTHORIZED"),
                v("0", "NODE_TLS_REJECT_UNAUTHORIZED"),
            ]
        );
    }

    #[test]
    fn comments_and_safe_values_are_quiet() {
        let text = "// rejectUnauthorized: false\n/* secureProtocol: 'TLSv1_method' */\nconst o = { rejectUnauthorized: true, minVersion: 'TLSv1.2' };\nif (process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') warn();\nconst re = /\\/\\//; const x = { rejectUnauthorized: process.env.STRICT !== 'no' };\n";
        let got = found("c.mjs", text);
        assert_eq!(got, [p("TLSv1.2", "TLSv1.2", "minVersion", "minimum")]);
    }

    #[test]
    fn settings_quoted_in_strings_are_prose() {
        let text = "const note = `use rejectUnauthorized: false only in tests`;\nconst doc = \"minVersion: 'TLSv1'\";\n";
        assert!(found("e.ts", text).is_empty());
    }

    #[test]
    fn spawn_flags() {
        let text = "spawn('node', ['--tls-min-v1.0', 'sync.js']);\n";
        assert_eq!(
            found("d.cjs", text),
            [p("TLSv1", "--tls-min-v1.0", "--tls-min-v1.0", "minimum")]
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            body in r##"[a-zA-Z0-9_=(){}\[\];:.,'"#/*\\ \t\r\n@!+\-é—]{0,80}"##,
            key in proptest::sample::select(vec!["secureProtocol: '", "minVersion: '", "rejectUnauthorized: ", "`", "process.env.NODE_TLS_REJECT_UNAUTHORIZED = "]),
        ) {
            let text = format!("{key}{body}{key}");
            let extraction = extract(&SourceFile::new("a.js", text.as_str()));
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }
}
