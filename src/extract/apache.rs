//! Apache httpd configuration (`httpd.conf`, `ssl.conf`, `*.conf` with
//! `mod_ssl` directives): the TLS a server or reverse proxy offers.
//!
//! httpd reads one directive per line (names are case-insensitive), `\`
//! at the end of a line continues it, and `#` starts a comment only at the
//! start of a line. Facts:
//! - `SSLProtocol all -SSLv3 +TLSv1` and `SSLProxyProtocol`: `mod_ssl`
//!   starts from nothing, `+X` adds, `-X` removes, a bare item replaces
//!   everything before it, and `all` is `TLSv1` to TLSv1.3 (without `SSLv3` on
//!   the OpenSSL builds of the last decade). One `tls.protocol` per
//!   version the line leaves enabled (effect `enable`, at the item that
//!   enabled it, so `all` carries `TLSv1` and TLSv1.1 unless they are
//!   removed) and per version it removes (`disable`).
//! - `SSLCipherSuite` and `SSLProxyCipherSuite` (with or without the
//!   protocol argument of httpd 2.4.36+): a `tls.cipher` per enabled item.
//! - `SSLProxyVerify none` / `optional_no_ca`, `SSLProxyCheckPeerName off`,
//!   `SSLProxyCheckPeerCN off`: `tls.verification` `disabled` (the
//!   backend's certificate or name is not checked).
//! - `SSLCertificateFile`, `SSLCertificateKeyFile`,
//!   `SSLCACertificateFile`, `SSLProxyCACertificateFile`,
//!   `SSLProxyMachineCertificateFile`: `cert.reference`.

use std::ops::Range;
use std::sync::Arc;

use crate::extract::{ciphers, tls};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// Whether `text` is an Apache httpd configuration with `mod_ssl`
/// directives (rather than an nginx one): the web-server sniff.
pub fn is_apache(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "sslprotocol",
        "sslciphersuite",
        "sslproxy",
        "sslcertificatefile",
        "sslengine",
    ]
    .iter()
    .any(|d| lower.contains(d))
}

/// Extracts the TLS facts of an Apache httpd configuration file.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut extraction = Extraction::default();
    if !is_apache(&source.text) {
        return extraction;
    }
    let mut unclosed = Vec::new();
    for line in logical_lines(&source.text, &mut unclosed) {
        facts_of(&line, &source.path, &mut extraction.facts);
    }
    extraction.problems = unclosed
        .into_iter()
        .map(|at| {
            Problem::at(
                &source.path,
                Span::new(at, at + 1),
                "quote never closed on this line",
            )
        })
        .collect();
    extraction
}

/// One directive: its words with their byte ranges.
type Directive<'a> = Vec<(&'a str, Range<usize>)>;

/// The directives of the file: comment lines dropped, `\` continuations
/// joined (each word keeps its own range), quotes removed from words.
/// Where a quote opens and never closes is added to `unclosed`.
fn logical_lines<'a>(text: &'a str, unclosed: &mut Vec<usize>) -> Vec<Directive<'a>> {
    let mut out = Vec::new();
    let mut current: Directive<'_> = Vec::new();
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let content = raw.trim_end_matches(['\n', '\r']);
        let continued = content.ends_with('\\');
        let body = if continued {
            &content[..content.len() - 1]
        } else {
            content
        };
        if current.is_empty() && body.trim_start().starts_with('#') {
            continue;
        }
        current.extend(words(body, line_start, unclosed));
        if !continued && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whitespace-separated words of one physical line (offset `base`), a
/// `"..."` word standing for its content.
fn words<'a>(
    line: &'a str,
    base: usize,
    unclosed: &mut Vec<usize>,
) -> Vec<(&'a str, Range<usize>)> {
    let mut out = Vec::new();
    let mut rest = line;
    let mut offset = base;
    loop {
        let trimmed = rest.trim_start();
        offset += rest.len() - trimmed.len();
        rest = trimmed;
        if rest.is_empty() {
            return out;
        }
        let (word, consumed) = if let Some(inner) = rest.strip_prefix('"') {
            if let Some(end) = inner.find('"') {
                ((&inner[..end], offset + 1), end + 2)
            } else {
                unclosed.push(offset);
                ((inner, offset + 1), rest.len())
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            ((&rest[..end], offset), end)
        };
        out.push((word.0, word.1..word.1 + word.0.len()));
        offset += consumed;
        rest = &rest[consumed..];
    }
}

fn facts_of(directive: &[(&str, Range<usize>)], path: &Arc<str>, out: &mut Vec<Fact>) {
    let Some(((name, _), args)) = directive.split_first() else {
        return;
    };
    let lower = name.to_ascii_lowercase();
    let span = |range: &Range<usize>| Span::new(range.start, range.end);
    match lower.as_str() {
        "sslprotocol" | "sslproxyprotocol" => {
            let setting = if lower == "sslprotocol" {
                "SSLProtocol"
            } else {
                "SSLProxyProtocol"
            };
            out.extend(protocol_facts(args, setting, path));
        }
        "sslciphersuite" | "sslproxyciphersuite" => {
            let setting = if lower == "sslciphersuite" {
                "SSLCipherSuite"
            } else {
                "SSLProxyCipherSuite"
            };
            // httpd 2.4.36+: `SSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384`.
            let list = if args.len() >= 2 {
                args.get(1)
            } else {
                args.first()
            };
            let Some((list, range)) = list else { return };
            for clue in ciphers::cipher_list(list, range.start, setting) {
                let mut fact = Fact::new(
                    FactKind::TlsCipher,
                    clue.value,
                    path,
                    Span::new(clue.range.start, clue.range.end),
                );
                for (key, value) in clue.attributes {
                    fact.attributes.insert(key, value);
                }
                out.push(fact);
            }
        }
        "sslproxyverify" | "sslproxycheckpeername" | "sslproxycheckpeercn" => {
            let Some((value, range)) = args.first() else {
                return;
            };
            let value_lower = value.to_ascii_lowercase();
            let (setting, check, off) = match lower.as_str() {
                "sslproxyverify" => (
                    "SSLProxyVerify",
                    "certificate",
                    matches!(value_lower.as_str(), "none" | "optional_no_ca"),
                ),
                "sslproxycheckpeername" => {
                    ("SSLProxyCheckPeerName", "hostname", value_lower == "off")
                }
                _ => ("SSLProxyCheckPeerCN", "hostname", value_lower == "off"),
            };
            if off {
                out.push(
                    Fact::new(FactKind::TlsVerification, "disabled", path, span(range))
                        .with("setting", setting)
                        .with("check", check),
                );
            }
        }
        "sslcertificatefile"
        | "sslcertificatekeyfile"
        | "sslcacertificatefile"
        | "sslproxycacertificatefile"
        | "sslproxymachinecertificatefile" => {
            let Some((value, range)) = args.first() else {
                return;
            };
            let (setting, role) = match lower.as_str() {
                "sslcertificatefile" => ("SSLCertificateFile", "certificate"),
                "sslcertificatekeyfile" => ("SSLCertificateKeyFile", "private-key"),
                "sslcacertificatefile" => ("SSLCACertificateFile", "truststore"),
                "sslproxycacertificatefile" => ("SSLProxyCACertificateFile", "truststore"),
                _ => ("SSLProxyMachineCertificateFile", "certificate"),
            };
            let mut fact = Fact::new(FactKind::CertReference, *value, path, span(range))
                .with("role", role)
                .with("setting", setting);
            if value.contains('$') {
                fact = fact.with("unresolved", "true");
            }
            out.push(fact);
        }
        _ => {}
    }
}

/// `SSLProtocol` items, resolved the way `mod_ssl` reads them.
fn protocol_facts(args: &[(&str, Range<usize>)], setting: &str, path: &Arc<str>) -> Vec<Fact> {
    let mut out = Vec::new();
    // Rebuild the list with the words' ranges: the items are the words.
    let Some(first) = args.first() else {
        return out;
    };
    let base = first.1.start;
    let mut list = String::new();
    let mut starts = Vec::new();
    for (word, range) in args {
        starts.push((list.len(), range.start));
        list.push_str(word);
        list.push(' ');
    }
    for toggled in tls::toggles(&list, true) {
        let raw_start = starts
            .iter()
            .rev()
            .find(|(at, _)| *at <= toggled.item.start)
            .map_or(base, |(at, raw)| raw + (toggled.item.start - at));
        let range = raw_start..raw_start + toggled.item.len();
        let effect = if toggled.enabled { "enable" } else { "disable" };
        out.push(
            Fact::new(
                FactKind::TlsProtocol,
                toggled.protocol,
                path,
                Span::new(range.start, range.end),
            )
            .with("setting", setting)
            .with("effect", effect),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text, setting, effect or check)` of every fact.
    fn found(text: &str) -> Vec<(FactKind, String, String, String, String)> {
        let source = SourceFile::new("conf.d/ssl.conf", text);
        let extraction = extract(&source);
        assert!(extraction.spans_are_valid(text));
        extraction
            .facts
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

    fn p(value: &str, raw: &str, effect: &str) -> (FactKind, String, String, String, String) {
        (
            FactKind::TlsProtocol,
            value.to_owned(),
            raw.to_owned(),
            "SSLProtocol".to_owned(),
            effect.to_owned(),
        )
    }

    #[test]
    fn mod_ssl_protocol_semantics() {
        assert_eq!(
            found("SSLProtocol all -SSLv3\n"),
            [
                p("TLSv1", "all", "enable"),
                p("TLSv1.1", "all", "enable"),
                p("TLSv1.2", "all", "enable"),
                p("TLSv1.3", "all", "enable"),
                p("SSLv3", "-SSLv3", "disable"),
            ]
        );
        assert_eq!(
            found("SSLProtocol all -SSLv3 -TLSv1 -TLSv1.1\n")
                .into_iter()
                .filter(|f| f.4 == "enable")
                .map(|f| f.1)
                .collect::<Vec<_>>(),
            ["TLSv1.2", "TLSv1.3"]
        );
        assert_eq!(
            found("sslprotocol -SSLv3 +TLSv1\n"),
            [
                p("SSLv3", "-SSLv3", "disable"),
                p("TLSv1", "+TLSv1", "enable")
            ]
        );
        assert_eq!(
            found("SSLProtocol TLSv1 TLSv1.2\n"),
            [p("TLSv1.2", "TLSv1.2", "enable")],
            "a bare item replaces the ones before it"
        );
    }

    #[test]
    fn ciphers_verification_and_references() {
        let text = "<VirtualHost *:443>\n  SSLEngine on\n  SSLCertificateFile \"/etc/pki/tls/certs/proxy.crt\"\n  SSLCipherSuite HIGH:!aNULL:RC4-SHA\n  SSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384\n  SSLProxyEngine on\n  SSLProxyVerify none\n  SSLProxyCheckPeerName off\n  SSLProxyCheckPeerCN on\n</VirtualHost>\n";
        let got = found(text);
        let short: Vec<(&str, &str)> = got.iter().map(|f| (f.1.as_str(), f.2.as_str())).collect();
        assert_eq!(
            short,
            [
                (
                    "/etc/pki/tls/certs/proxy.crt",
                    "/etc/pki/tls/certs/proxy.crt"
                ),
                ("HIGH", "HIGH"),
                ("RC4-SHA", "RC4-SHA"),
                ("TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"),
                ("disabled", "none"),
                ("disabled", "off"),
            ]
        );
    }

    #[test]
    fn comments_and_continuations() {
        let text = "# SSLProtocol all\r\nSSLProtocol -all \\\r\n    +TLSv1.2 +TLSv1.1\r\n";
        let got = found(text);
        let short: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|f| (f.1.as_str(), f.2.as_str(), f.4.as_str()))
            .collect();
        assert_eq!(
            short,
            [
                ("TLSv1", "-all", "disable"),
                ("TLSv1.1", "+TLSv1.1", "enable"),
                ("TLSv1.2", "+TLSv1.2", "enable"),
                ("TLSv1.3", "-all", "disable"),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_a_problem() {
        let text = "SSLCipherSuite \"HIGH:RC4-SHA\nSSLProtocol all\n";
        let source = SourceFile::new("ssl.conf", text);
        let extraction = extract(&source);
        assert_eq!(extraction.problems.len(), 1);
        assert_eq!(extraction.problems[0].span, Some(Span::new(15, 16)));
        assert_eq!(extraction.facts.len(), 6);
    }

    #[test]
    fn nginx_files_are_not_apache() {
        assert!(!is_apache("server { ssl_protocols TLSv1.2; }"));
        assert!(is_apache("<VirtualHost *:443>\nSSLEngine on\n"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            body in r##"[a-zA-Z0-9_=(){}\[\];:.,'"#/*\\ \t\r\n@!+\-é—]{0,80}"##,
            key in proptest::sample::select(vec!["SSLProtocol ", "SSLCipherSuite \"", "SSLProxyVerify ", "SSLCertificateFile ", "\\
    "]),
        ) {
            let text = format!("{key}{body}{key}");
            let extraction = extract(&SourceFile::new("conf.d/ssl.conf", text.as_str()));
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }
}
