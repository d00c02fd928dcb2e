//! nginx configuration (`nginx.conf`, `conf.d/*.conf`,
//! `sites-available/*`): the TLS a server or proxy offers.
//!
//! The reader follows nginx's syntax: directives are words ending in `;`,
//! blocks open with `{` and close with `}`, `#` starts a comment outside
//! quotes, and `'...'`/`"..."` quote words (with `\` escapes). Facts, in
//! any context (`http`, `server`, `location`, `stream`):
//! - `ssl_protocols TLSv1 TLSv1.1 TLSv1.2;` (also `proxy_ssl_protocols`,
//!   `grpc_ssl_protocols`, `uwsgi_ssl_protocols`): a `tls.protocol` per
//!   listed version, effect `enable` (the directive replaces the default
//!   list, so what it lists is what is offered).
//! - `ssl_ciphers` (and the `proxy_`/`grpc_`/`uwsgi_` variants): a
//!   `tls.cipher` per enabled item.
//! - `ssl_conf_command MinProtocol|MaxProtocol|CipherString ...`: as in an
//!   OpenSSL configuration file.
//! - `ssl_certificate`, `ssl_certificate_key`, `ssl_trusted_certificate`,
//!   `ssl_client_certificate` and the `proxy_` variants: `cert.reference`.

use std::ops::Range;
use std::sync::Arc;

use crate::extract::{ciphers, tls};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// Extracts the TLS facts of an nginx configuration file.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut extraction = Extraction::default();
    let text = &source.text;
    // Only nginx files that configure TLS are read; other `.conf` files
    // (logstash, supervisord) have other syntax.
    if ![
        "ssl_protocols",
        "ssl_ciphers",
        "ssl_conf_command",
        "ssl_certificate",
        "ssl_trusted_certificate",
        "ssl_client_certificate",
    ]
    .iter()
    .any(|d| text.contains(d))
    {
        return extraction;
    }
    let path = &source.path;
    for directive in directives(text, path, &mut extraction.problems) {
        facts_of(&directive, path, &mut extraction.facts);
    }
    extraction
}

/// One word of a directive: its text (quotes removed, escapes kept) and
/// where its content is written.
#[derive(Debug)]
struct Word<'a> {
    text: &'a str,
    range: Range<usize>,
}

/// The directives of `text` (name and arguments), in order; block
/// structure only matters for problems.
fn directives<'a>(
    text: &'a str,
    path: &Arc<str>,
    problems: &mut Vec<Problem>,
) -> Vec<Vec<Word<'a>>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut current: Vec<Word<'a>> = Vec::new();
    let mut depth: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b';' => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                i += 1;
            }
            b'{' => {
                current.clear();
                depth.push(i);
                i += 1;
            }
            b'}' => {
                if !current.is_empty() {
                    let start = current[0].range.start;
                    problems.push(Problem::at(
                        path,
                        Span::new(start, current[0].range.end),
                        "directive without `;` before `}`",
                    ));
                    current.clear();
                }
                if depth.pop().is_none() {
                    problems.push(Problem::at(path, Span::new(i, i + 1), "`}` without `{`"));
                }
                i += 1;
            }
            b'"' | b'\'' => {
                let quote = bytes[i];
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != quote {
                    if bytes[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                if j >= bytes.len() {
                    problems.push(Problem::at(path, Span::new(i, i + 1), "quote never closed"));
                    return out;
                }
                current.push(Word {
                    text: &text[start..j],
                    range: start..j,
                });
                i = j + 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !b";{}#\"'".contains(&bytes[i])
                {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let end = i.min(bytes.len());
                current.push(Word {
                    text: &text[start..end],
                    range: start..end,
                });
            }
        }
    }
    if let Some(first) = current.first() {
        problems.push(Problem::at(
            path,
            Span::new(first.range.start, first.range.end),
            "directive without `;` at the end of the file",
        ));
    }
    for open in depth {
        problems.push(Problem::at(
            path,
            Span::new(open, open + 1),
            "`{` never closed",
        ));
    }
    out
}

fn facts_of(directive: &[Word<'_>], path: &Arc<str>, out: &mut Vec<Fact>) {
    let Some((name, args)) = directive.split_first() else {
        return;
    };
    let setting = name.text;
    let bare = setting
        .strip_prefix("proxy_")
        .or_else(|| setting.strip_prefix("grpc_"))
        .or_else(|| setting.strip_prefix("uwsgi_"))
        .unwrap_or(setting);
    let span = |range: &Range<usize>| Span::new(range.start, range.end);
    match bare {
        "ssl_protocols" => {
            for arg in args {
                if let Some(protocol) = tls::canonical_protocol(arg.text) {
                    out.push(
                        Fact::new(FactKind::TlsProtocol, protocol, path, span(&arg.range))
                            .with("setting", setting)
                            .with("effect", "enable"),
                    );
                }
            }
        }
        "ssl_ciphers" => {
            for arg in args {
                out.extend(cipher_facts(arg, setting, path));
            }
        }
        "ssl_conf_command" => {
            let (Some(command), Some(value)) = (args.first(), args.get(1)) else {
                return;
            };
            let command_name = command.text.to_ascii_lowercase();
            let effect = match command_name.as_str() {
                "minprotocol" => "minimum",
                "maxprotocol" => "maximum",
                "cipherstring" => {
                    out.extend(cipher_facts(value, setting, path));
                    return;
                }
                _ => return,
            };
            if let Some(protocol) = tls::canonical_protocol(value.text) {
                out.push(
                    Fact::new(FactKind::TlsProtocol, protocol, path, span(&value.range))
                        .with("setting", format!("{setting} {}", command.text))
                        .with("effect", effect),
                );
            }
        }
        "ssl_certificate"
        | "ssl_certificate_key"
        | "ssl_trusted_certificate"
        | "ssl_client_certificate" => {
            let role = match bare {
                "ssl_certificate" => "certificate",
                "ssl_certificate_key" => "private-key",
                _ => "truststore",
            };
            if let Some(arg) = args.first()
                && !arg.text.starts_with("data:")
                && !arg.text.starts_with("engine:")
            {
                let mut fact = Fact::new(FactKind::CertReference, arg.text, path, span(&arg.range))
                    .with("role", role)
                    .with("setting", setting);
                if arg.text.contains('$') {
                    fact = fact.with("unresolved", "true");
                }
                out.push(fact);
            }
        }
        _ => {}
    }
}

fn cipher_facts(word: &Word<'_>, setting: &str, path: &Arc<str>) -> Vec<Fact> {
    ciphers::cipher_list(word.text, word.range.start, setting)
        .into_iter()
        .map(|clue| {
            let mut fact = Fact::new(
                FactKind::TlsCipher,
                clue.value,
                path,
                Span::new(clue.range.start, clue.range.end),
            );
            for (key, value) in clue.attributes {
                fact.attributes.insert(key, value);
            }
            fact
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text, setting)` of every fact.
    fn found(text: &str) -> Vec<(FactKind, String, String, String)> {
        let source = SourceFile::new("nginx/conf.d/anaplan.conf", text);
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
                )
            })
            .collect()
    }

    #[test]
    fn protocols_ciphers_and_certificates() {
        let text = "server {\n    listen 443 ssl;\n    ssl_certificate     /etc/nginx/certs/proxy.pem;\n    ssl_certificate_key /etc/nginx/certs/proxy.key;\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2; # partners\n    ssl_ciphers 'HIGH:!aNULL:!MD5:DES-CBC3-SHA';\n    location / {\n        proxy_pass https://api.anaplan.com;\n        proxy_ssl_protocols TLSv1.2;\n    }\n}\n";
        let got = found(text);
        let short: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|f| (f.1.as_str(), f.2.as_str(), f.3.as_str()))
            .collect();
        assert_eq!(
            short,
            [
                (
                    "/etc/nginx/certs/proxy.pem",
                    "/etc/nginx/certs/proxy.pem",
                    "ssl_certificate"
                ),
                (
                    "/etc/nginx/certs/proxy.key",
                    "/etc/nginx/certs/proxy.key",
                    "ssl_certificate_key"
                ),
                ("TLSv1", "TLSv1", "ssl_protocols"),
                ("TLSv1.1", "TLSv1.1", "ssl_protocols"),
                ("TLSv1.2", "TLSv1.2", "ssl_protocols"),
                ("HIGH", "HIGH", "ssl_ciphers"),
                ("DES-CBC3-SHA", "DES-CBC3-SHA", "ssl_ciphers"),
                ("TLSv1.2", "TLSv1.2", "proxy_ssl_protocols"),
            ]
        );
    }

    #[test]
    fn comments_and_conf_commands() {
        let text = "# ssl_protocols TLSv1;\nssl_protocols TLSv1.2 TLSv1.3;\nssl_conf_command MinProtocol TLSv1;\nssl_conf_command CipherString DEFAULT@SECLEVEL=0;\n";
        let got = found(text);
        assert_eq!(got.len(), 5);
        assert_eq!(got[2].1, "TLSv1");
        assert_eq!(got[2].3, "ssl_conf_command MinProtocol");
        assert_eq!(got[4].1, "@SECLEVEL=0");
    }

    #[test]
    fn malformed_files_are_problems() {
        let text = "server {\n  ssl_protocols TLSv1.2\n}\n}\nssl_ciphers \"HIGH\n";
        let source = SourceFile::new("nginx.conf", text);
        let extraction = extract(&source);
        assert!(extraction.spans_are_valid(text));
        let messages: Vec<&str> = extraction
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "directive without `;` before `}`",
                "`}` without `{`",
                "quote never closed"
            ]
        );
    }

    #[test]
    fn files_without_tls_directives_are_not_read() {
        let text = "input { beats { port => 5044 } }\noutput { stdout {} }\n";
        let extraction = extract(&SourceFile::new("logstash.conf", text));
        assert!(extraction.facts.is_empty() && extraction.problems.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            body in r##"[a-zA-Z0-9_=(){}\[\];:.,'"#/*\\ \t\r\n@!+\-é—]{0,80}"##,
            key in proptest::sample::select(vec!["ssl_protocols ", "ssl_ciphers '", "ssl_conf_command MinProtocol ", "server {", "ssl_certificate \""]),
        ) {
            let text = format!("{key}{body}{key}");
            let extraction = extract(&SourceFile::new("nginx/x.conf", text.as_str()));
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }
}
