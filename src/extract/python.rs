//! TLS settings in Python source (`*.py`): text patterns over the code
//! with comments, docstrings and (for most patterns) string bodies
//! blanked, in the spirit of Bandit B502-B504 / Ruff S502-S504 and `CodeQL`
//! `py/insecure-protocol`.
//!
//! - `ssl.PROTOCOL_TLSv1`, `PROTOCOL_TLSv1_1`, `PROTOCOL_SSLv2`,
//!   `PROTOCOL_SSLv3` (and `PROTOCOL_TLSv1_2`), pyOpenSSL's
//!   `SSL.TLSv1_METHOD`-style constants: effect `force` (each pins one
//!   version; all deprecated since Python 3.6). `PROTOCOL_SSLv23` and
//!   `PROTOCOL_TLS` give no fact: they negotiate the highest version both
//!   sides support, and `SSLContext` turns SSLv2/SSLv3 off for them.
//! - `ctx.minimum_version = ssl.TLSVersion.TLSv1` (effect `minimum`),
//!   `maximum_version = ...TLSv1_1` (effect `maximum`).
//!   `TLSVersion.MINIMUM_SUPPORTED` as a minimum is read as `TLSv1` with
//!   `reason = minimum-supported`: the lowest version default OpenSSL 1.1+
//!   builds include (`SSLv3` is compiled out).
//! - Verification off, as `tls.verification` `disabled`: `verify=False`
//!   as a keyword argument or attribute (requests, httpx; not a `def`
//!   parameter default), `ssl._create_unverified_context`,
//!   `verify_mode`/`cert_reqs` set to `CERT_NONE` (`check = certificate`),
//!   `check_hostname = False` (`check = hostname`).

use std::ops::Range;

use crate::extract::comments::{self, Syntax};
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;
use crate::span::Span;

/// Extracts the TLS facts of a Python file.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut extraction = Extraction::default();
    let text = &source.text;
    let hints = [
        "PROTOCOL_",
        "_METHOD",
        "TLSVersion",
        "verify",
        "_create_unverified_context",
        "CERT_NONE",
        "check_hostname",
    ];
    if !hints.iter().any(|h| text.contains(h)) {
        return extraction;
    }
    let code = comments::blank_comments_and_strings(text, Syntax::Python);
    extraction
        .problems
        .extend(code.unclosed_problem(&source.path, "string", "file"));
    let mut facts = Vec::new();
    protocols(&code.text, &mut facts);
    verification(&code.text, &mut facts);
    // `cert_reqs='CERT_NONE'` (urllib3) is a string: read it with string
    // bodies kept.
    let with_strings = comments::blank_comments(text, Syntax::Python).text;
    let quoted = static_regex!(r#"\b(?:cert_reqs|verify_mode)\s*=\s*['"](CERT_NONE)['"]"#);
    for caps in quoted.captures_iter(&with_strings) {
        if let Some(m) = caps.get(1) {
            facts.push(Located::verification(m.range(), "CERT_NONE", "certificate"));
        }
    }
    extraction.facts = facts
        .into_iter()
        .map(|located| located.into_fact(&source.path))
        .collect();
    extraction
}

/// A fact before it has a path.
struct Located {
    range: Range<usize>,
    kind: FactKind,
    value: String,
    attributes: Vec<(&'static str, String)>,
}

impl Located {
    fn protocol(range: Range<usize>, value: &str, setting: &str, effect: &str) -> Self {
        Self {
            range,
            kind: FactKind::TlsProtocol,
            value: value.to_owned(),
            attributes: vec![
                ("setting", setting.to_owned()),
                ("effect", effect.to_owned()),
            ],
        }
    }

    fn verification(range: Range<usize>, setting: &str, check: &str) -> Self {
        Self {
            range,
            kind: FactKind::TlsVerification,
            value: "disabled".to_owned(),
            attributes: vec![("setting", setting.to_owned()), ("check", check.to_owned())],
        }
    }

    fn into_fact(self, path: &std::sync::Arc<str>) -> Fact {
        let mut fact = Fact::new(
            self.kind,
            self.value,
            path,
            Span::new(self.range.start, self.range.end),
        );
        for (key, value) in self.attributes {
            fact.attributes.insert(key, value);
        }
        fact
    }
}

/// Python's spelling of a version (`TLSv1_1`, `SSLv3`) in canonical form.
fn canonical(name: &str) -> Option<&'static str> {
    match name {
        "SSLv2" => Some("SSLv2"),
        "SSLv3" => Some("SSLv3"),
        "TLSv1" => Some("TLSv1"),
        "TLSv1_1" => Some("TLSv1.1"),
        "TLSv1_2" => Some("TLSv1.2"),
        "TLSv1_3" => Some("TLSv1.3"),
        _ => None,
    }
}

fn protocols(code: &str, out: &mut Vec<Located>) {
    let pinned = static_regex!(r"\bPROTOCOL_(SSLv2|SSLv3|TLSv1_1|TLSv1_2|TLSv1)\b");
    for caps in pinned.captures_iter(code) {
        let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if let Some(protocol) = canonical(name.as_str()) {
            out.push(Located::protocol(
                whole.range(),
                protocol,
                whole.as_str(),
                "force",
            ));
        }
    }
    let methods = static_regex!(r"\b(SSLv2|SSLv3|TLSv1_1|TLSv1_2|TLSv1)_METHOD\b");
    for caps in methods.captures_iter(code) {
        let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if let Some(protocol) = canonical(name.as_str()) {
            out.push(Located::protocol(
                whole.range(),
                protocol,
                whole.as_str(),
                "force",
            ));
        }
    }
    let bounds = static_regex!(
        r"\b(minimum_version|maximum_version)\s*=\s*(?:ssl\s*\.\s*)?TLSVersion\s*\.\s*(SSLv3|TLSv1_1|TLSv1_2|TLSv1_3|TLSv1|MINIMUM_SUPPORTED)\b"
    );
    for caps in bounds.captures_iter(code) {
        let (Some(setting), Some(name)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        let effect = if setting.as_str() == "minimum_version" {
            "minimum"
        } else {
            "maximum"
        };
        if name.as_str() == "MINIMUM_SUPPORTED" {
            if effect == "minimum" {
                let mut located =
                    Located::protocol(name.range(), "TLSv1", setting.as_str(), effect);
                located
                    .attributes
                    .push(("reason", "minimum-supported".to_owned()));
                out.push(located);
            }
        } else if let Some(protocol) = canonical(name.as_str()) {
            out.push(Located::protocol(
                name.range(),
                protocol,
                setting.as_str(),
                effect,
            ));
        }
    }
}

fn verification(code: &str, out: &mut Vec<Located>) {
    let verify = static_regex!(r"\bverify\s*=\s*(False)\b");
    for caps in verify.captures_iter(code) {
        let (Some(whole), Some(value)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if !is_definition_default(code, whole.start()) {
            out.push(Located::verification(
                value.range(),
                "verify=False",
                "certificate",
            ));
        }
    }
    let unverified = static_regex!(r"\b_create_unverified_context\b");
    for m in unverified.find_iter(code) {
        if !is_import_line(code, m.start()) {
            out.push(Located::verification(
                m.range(),
                "_create_unverified_context",
                "certificate",
            ));
        }
    }
    let cert_none = static_regex!(
        r"\b(?:verify_mode|cert_reqs)\s*=\s*(?:ssl\s*\.\s*|SSL\s*\.\s*)?(CERT_NONE)\b"
    );
    for caps in cert_none.captures_iter(code) {
        if let Some(m) = caps.get(1) {
            out.push(Located::verification(m.range(), "CERT_NONE", "certificate"));
        }
    }
    let hostname = static_regex!(r"\bcheck_hostname\s*=\s*(False)\b");
    for caps in hostname.captures_iter(code) {
        if let Some(m) = caps.get(1) {
            out.push(Located::verification(
                m.range(),
                "check_hostname=False",
                "hostname",
            ));
        }
    }
}

/// Whether the keyword at `at` is a parameter default of a `def` (the
/// innermost open parenthesis before it follows `def name`).
fn is_definition_default(code: &str, at: usize) -> bool {
    let mut depth = 0usize;
    for (i, b) in code[..at].bytes().enumerate().rev() {
        match b {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' => {
                let before = code[..i].trim_end();
                let name_start = before
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
                    .map_or(0, |(p, c)| p + c.len_utf8());
                return before[..name_start].trim_end().ends_with("def");
            }
            b'[' | b'{' => return false,
            _ => {}
        }
    }
    false
}

fn is_import_line(code: &str, at: usize) -> bool {
    let line_start = code[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = code[line_start..at].trim_start();
    line.starts_with("import ") || line.starts_with("from ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text, setting, effect or check)` of every fact.
    fn found(text: &str) -> Vec<(FactKind, String, String, String, String)> {
        let source = SourceFile::new("export.py", text);
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

    fn v(raw: &str, setting: &str, check: &str) -> (FactKind, String, String, String, String) {
        (
            FactKind::TlsVerification,
            "disabled".to_owned(),
            raw.to_owned(),
            setting.to_owned(),
            check.to_owned(),
        )
    }

    #[test]
    fn pinned_protocols_and_bounds() {
        let text = "import ssl\nctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\nold = ssl.wrap_socket(s, ssl_version=ssl.PROTOCOL_SSLv3)\nok = ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)\nneg = ssl.SSLContext(ssl.PROTOCOL_SSLv23)\nctx.minimum_version = ssl.TLSVersion.TLSv1_1\nctx.maximum_version = ssl.TLSVersion.TLSv1\nc = SSL.Context(SSL.TLSv1_METHOD)\n";
        assert_eq!(
            found(text),
            [
                p("TLSv1", "PROTOCOL_TLSv1", "PROTOCOL_TLSv1", "force"),
                p("SSLv3", "PROTOCOL_SSLv3", "PROTOCOL_SSLv3", "force"),
                p("TLSv1.2", "PROTOCOL_TLSv1_2", "PROTOCOL_TLSv1_2", "force"),
                p("TLSv1.1", "TLSv1_1", "minimum_version", "minimum"),
                p("TLSv1", "TLSv1", "maximum_version", "maximum"),
                p("TLSv1", "TLSv1_METHOD", "TLSv1_METHOD", "force"),
            ]
        );
        let minimum = found("ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED\n");
        assert_eq!(minimum[0].1, "TLSv1");
    }

    #[test]
    fn verification_switches() {
        let text = "r = requests.get(url, auth=auth, verify=False)\nsession.verify = False\nctx = ssl._create_unverified_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE\nhttp = urllib3.PoolManager(cert_reqs='CERT_NONE')\n";
        assert_eq!(
            found(text),
            [
                v("False", "verify=False", "certificate"),
                v("False", "verify=False", "certificate"),
                v(
                    "_create_unverified_context",
                    "_create_unverified_context",
                    "certificate"
                ),
                v("False", "check_hostname=False", "hostname"),
                v("CERT_NONE", "CERT_NONE", "certificate"),
                v("CERT_NONE", "CERT_NONE", "certificate"),
            ]
        );
    }

    #[test]
    fn comments_docstrings_strings_and_definitions_are_quiet() {
        let text = "# requests.get(url, verify=False)\ndef fetch(url, verify=False, timeout=30):\n    \"\"\"Never call with verify=False or ssl.PROTOCOL_TLSv1.\"\"\"\n    log.info(\"verify=False is not allowed\")\n    if ctx.verify_mode == ssl.CERT_NONE:\n        raise ValueError\n    return requests.get(url, verify=verify)\nfrom ssl import _create_unverified_context\n";
        assert!(found(text).is_empty(), "{:?}", found(text));
    }

    #[test]
    fn non_ascii_before_a_call() {
        assert_eq!(found("x = —(verify=False)\n").len(), 1);
        assert!(found("def récupérer(url, verify=False):\n").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            body in "[a-zA-Z0-9_=().,:'\"#\\ \t\r\n—é]{0,80}",
            key in proptest::sample::select(vec![
                "verify=False", "ssl.PROTOCOL_TLSv1", "def f(", "\"\"\"", "minimum_version = ssl.TLSVersion.",
                "check_hostname = False", "cert_reqs='CERT_NONE'",
            ]),
        ) {
            let text = format!("{key}{body}{key}");
            let extraction = extract(&SourceFile::new("fuzz.py", text.as_str()));
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }

    #[test]
    fn non_ascii_crlf_and_unclosed_docstring() {
        let text = "# Prévision\r\nr = requests.post(url, data=données, verify=False)\r\n\"\"\"never closed\r\nverify=False\r\n";
        let source = SourceFile::new("x.py", text);
        let extraction = extract(&source);
        assert_eq!(extraction.facts.len(), 1);
        assert_eq!(&text[extraction.facts[0].span.range()], "False");
        assert_eq!(extraction.problems.len(), 1);
    }
}
