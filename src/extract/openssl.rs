//! OpenSSL configuration files (`openssl.cnf`, `*.cnf`): the system-wide
//! TLS defaults of every program linked against that OpenSSL.
//!
//! OpenSSL reads them as `[ section ]` headers and `name = value` lines
//! (`#` comments, quotes and `\` escapes in values, `.include` and
//! `.pragma` directives). TLS defaults live where a chain of names leads:
//! `openssl_conf = <init>` in the default section, `ssl_conf = <ssl>` in
//! `[init]`, and in `[ssl]` one `name = <section>` per application
//! (`system_default` for all of them). connlint follows that chain; a file
//! without `openssl_conf` (a fragment pulled in by `.include`, or a file
//! named by `OPENSSL_CONF` for one program) is read in every section.
//!
//! Facts (attribute `section` names where the line is):
//! - `MinProtocol = TLSv1` (effect `minimum`); `MinProtocol = None` means
//!   no floor and reads as `TLSv1` with `reason = no-minimum`, the lowest
//!   version default OpenSSL 1.1+ builds include.
//! - `MaxProtocol = TLSv1.1` (effect `maximum`).
//! - `Protocol = -ALL, TLSv1.2` (the older on/off list): `enable` or
//!   `disable` per version it names.
//! - `CipherString = DEFAULT@SECLEVEL=1` and `Ciphersuites`: a
//!   `tls.cipher` per enabled item, and `@SECLEVEL=n` with attribute
//!   `seclevel`. OpenSSL 3 only negotiates TLS 1.0/1.1 at security level 0.
//!
//! Command names are case-insensitive, as OpenSSL treats them in files.
//! DTLS versions are not read.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use crate::extract::{ciphers, tls};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// Extracts the TLS defaults of an OpenSSL configuration file.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut extraction = Extraction::default();
    let text = &source.text;
    let lower = text.to_ascii_lowercase();
    let commands = [
        "minprotocol",
        "maxprotocol",
        "protocol",
        "cipherstring",
        "ciphersuites",
    ];
    // Other `.cnf` files (MySQL's `my.cnf`) have other syntax: read only
    // files that set something OpenSSL's TLS layer reads.
    if !commands.iter().any(|c| lower.contains(c)) {
        return extraction;
    }
    let mut problems = Vec::new();
    let lines = read_lines(text, &source.path, &mut problems);
    // `protocol=TCP` alone (MySQL) does not make a file OpenSSL's: report
    // syntax trouble only in files with OpenSSL-only names.
    let markers = [
        "openssl_conf",
        "ssl_conf",
        "system_default",
        "minprotocol",
        "maxprotocol",
        "cipherstring",
        "ciphersuites",
    ];
    if markers.iter().any(|m| lower.contains(m)) {
        extraction.problems = problems;
    }
    let applied = applied_sections(&lines);
    for line in &lines {
        if applied
            .as_ref()
            .is_some_and(|names| !names.contains(&line.section.to_ascii_lowercase()))
        {
            continue;
        }
        facts_of_line(line, &source.path, &mut extraction.facts);
    }
    extraction
}

/// One `name = value` line.
#[derive(Debug)]
struct Line<'a> {
    section: &'a str,
    name: &'a str,
    /// The value as written (quotes stripped), and where.
    value: &'a str,
    value_range: Range<usize>,
}

/// Every `name = value` line with its section; headers and directives
/// are consumed, anything else is a problem.
fn read_lines<'a>(text: &'a str, path: &Arc<str>, problems: &mut Vec<Problem>) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut section = "default";
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let content = raw.trim_end_matches(['\n', '\r']);
        let lead = content.len() - content.trim_start().len();
        let body = strip_comment(content).trim();
        if body.is_empty() || body.starts_with('.') {
            continue;
        }
        let at = line_start + lead;
        if let Some(rest) = body.strip_prefix('[') {
            match rest.find(']') {
                Some(end) => section = rest[..end].trim(),
                None => problems.push(Problem::at(
                    path,
                    Span::new(at, at + body.len()),
                    "section header without `]`",
                )),
            }
            continue;
        }
        let Some(eq) = body.find('=') else {
            problems.push(Problem::at(
                path,
                Span::new(at, at + body.len()),
                "expected `name = value`",
            ));
            continue;
        };
        let name = body[..eq].trim();
        let raw_value = body[eq + 1..].trim();
        let value_start = at + eq + 1 + (body[eq + 1..].len() - body[eq + 1..].trim_start().len());
        let unquoted = raw_value.len() >= 2
            && ((raw_value.starts_with('"') && raw_value.ends_with('"'))
                || (raw_value.starts_with('\'') && raw_value.ends_with('\'')));
        let (value, value_range) = if unquoted {
            (
                &raw_value[1..raw_value.len() - 1],
                value_start + 1..value_start + raw_value.len() - 1,
            )
        } else {
            (raw_value, value_start..value_start + raw_value.len())
        };
        lines.push(Line {
            section,
            name,
            value,
            value_range,
        });
    }
    lines
}

/// The line without its `#` comment (a `#` inside quotes or after `\` is
/// text).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (c, quote) {
            ('\\', _) => escaped = true,
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The sections (lower-cased) whose commands apply, when the file says
/// (`openssl_conf` -> `ssl_conf` -> application sections); `None` when it
/// has no `openssl_conf` and every section counts.
fn applied_sections(lines: &[Line<'_>]) -> Option<HashSet<String>> {
    let value_of = |section: &str, name: &str| {
        lines
            .iter()
            .rfind(|l| l.section.eq_ignore_ascii_case(section) && l.name.eq_ignore_ascii_case(name))
            .map(|l| l.value.trim())
    };
    let init = value_of("default", "openssl_conf")?;
    let mut applied = HashSet::new();
    if let Some(ssl) = value_of(init, "ssl_conf") {
        for line in lines.iter().filter(|l| l.section.eq_ignore_ascii_case(ssl)) {
            applied.insert(line.value.trim().to_ascii_lowercase());
        }
    }
    Some(applied)
}

fn facts_of_line(line: &Line<'_>, path: &Arc<str>, out: &mut Vec<Fact>) {
    let name = line.name.to_ascii_lowercase();
    let setting = match name.as_str() {
        "minprotocol" => "MinProtocol",
        "maxprotocol" => "MaxProtocol",
        "protocol" => "Protocol",
        "cipherstring" => "CipherString",
        "ciphersuites" => "Ciphersuites",
        _ => return,
    };
    let offset = line.value_range.start;
    let value = line.value;
    let mut push =
        |fact: Fact| out.push(fact.with("setting", setting).with("section", line.section));
    match setting {
        "MinProtocol" | "MaxProtocol" => {
            let effect = if setting == "MinProtocol" {
                "minimum"
            } else {
                "maximum"
            };
            let span = Span::new(line.value_range.start, line.value_range.end);
            if let Some(protocol) = tls::canonical_protocol(value) {
                push(Fact::new(FactKind::TlsProtocol, protocol, path, span).with("effect", effect));
            } else if value.eq_ignore_ascii_case("none") && setting == "MinProtocol" {
                push(
                    Fact::new(FactKind::TlsProtocol, "TLSv1", path, span)
                        .with("effect", effect)
                        .with("reason", "no-minimum"),
                );
            }
        }
        "Protocol" => {
            for toggled in tls::toggles(value, false) {
                let span = Span::new(offset + toggled.item.start, offset + toggled.item.end);
                let effect = if toggled.enabled { "enable" } else { "disable" };
                push(
                    Fact::new(FactKind::TlsProtocol, toggled.protocol, path, span)
                        .with("effect", effect),
                );
            }
        }
        _ => {
            for clue in ciphers::cipher_list(value, offset, setting) {
                let span = Span::new(clue.range.start, clue.range.end);
                let mut fact = Fact::new(FactKind::TlsCipher, clue.value, path, span);
                for (key, value) in clue.attributes {
                    fact.attributes.insert(key, value);
                }
                push(fact);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text, setting, effect or seclevel, section)`.
    fn found(text: &str) -> Vec<(FactKind, String, String, String, String, String)> {
        let source = SourceFile::new("openssl.cnf", text);
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
                        .or(f.attr("seclevel"))
                        .unwrap_or("")
                        .to_owned(),
                    f.attr("section").unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    const DEBIAN: &str = "# Debian's python3.9 image\nopenssl_conf = default_conf\n\n[ default_conf ]\nssl_conf = ssl_sect\n\n[ssl_sect]\nsystem_default = system_default_sect\n\n[system_default_sect]\nMinProtocol = TLSv1\nCipherString = DEFAULT@SECLEVEL=1   # lowered for the legacy SFTP bridge\n";

    #[test]
    fn follows_the_chain_to_system_default() {
        let got = found(DEBIAN);
        let short: Vec<(String, String, String, String)> = got
            .iter()
            .map(|f| (f.1.clone(), f.2.clone(), f.3.clone(), f.4.clone()))
            .collect();
        assert_eq!(
            short,
            [
                (
                    "TLSv1".into(),
                    "TLSv1".into(),
                    "MinProtocol".into(),
                    "minimum".into()
                ),
                (
                    "DEFAULT".into(),
                    "DEFAULT".into(),
                    "CipherString".into(),
                    String::new()
                ),
                (
                    "@SECLEVEL=1".into(),
                    "@SECLEVEL=1".into(),
                    "CipherString".into(),
                    "1".into()
                ),
            ]
        );
        assert!(got.iter().all(|f| f.5 == "system_default_sect"));
    }

    #[test]
    fn sections_off_the_chain_do_not_apply() {
        let text = format!("{DEBIAN}\n[unused_sect]\nMinProtocol = SSLv3\n");
        assert_eq!(found(&text).len(), 3);
        let unchained = "[system_default_sect]\nMinProtocol = None\nMaxProtocol = \"TLSv1.1\"\nProtocol = -ALL, TLSv1.2\n";
        let got = found(unchained);
        let short: Vec<(String, String, String)> = got
            .iter()
            .map(|f| (f.1.clone(), f.2.clone(), f.4.clone()))
            .collect();
        assert_eq!(
            short,
            [
                ("TLSv1".into(), "None".into(), "minimum".into()),
                ("TLSv1.1".into(), "TLSv1.1".into(), "maximum".into()),
                ("TLSv1".into(), "-ALL".into(), "disable".into()),
                ("TLSv1.1".into(), "-ALL".into(), "disable".into()),
                ("TLSv1.2".into(), "TLSv1.2".into(), "enable".into()),
                ("TLSv1.3".into(), "-ALL".into(), "disable".into()),
            ]
        );
    }

    #[test]
    fn comments_case_and_tls12() {
        let text = "[system_default_sect]\n# MinProtocol = TLSv1\nminprotocol = TLSv1.2\nCipherString = DEFAULT:@SECLEVEL=2\n";
        let got = found(text);
        assert_eq!(got[0].1, "TLSv1.2");
        assert_eq!(got[0].3, "MinProtocol");
        assert_eq!(got[2].1, "@SECLEVEL=2");
    }

    #[test]
    fn malformed_lines_are_problems_but_other_cnf_files_are_left_alone() {
        let text = "[system_default_sect\nMinProtocol TLSv1\nMaxProtocol = TLSv1.2\n";
        let source = SourceFile::new("openssl.cnf", text);
        let extraction = extract(&source);
        assert_eq!(extraction.problems.len(), 2);
        assert_eq!(extraction.facts.len(), 1);
        let my_cnf =
            "[client]\nprotocol=TCP\n[mysqld]\nskip-name-resolve\nssl-ca=/etc/mysql/ca.pem\n";
        let extraction = extract(&SourceFile::new("my.cnf", my_cnf));
        assert!(extraction.facts.is_empty() && extraction.problems.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            body in r##"[a-zA-Z0-9_=(){}\[\];:.,'"#/*\\ \t\r\n@!+\-é—]{0,80}"##,
            key in proptest::sample::select(vec!["MinProtocol = ", "[system_default_sect", "CipherString = \"", "openssl_conf = a
[a]
ssl_conf = b
[b]
x = c
[c]
", "Protocol = -ALL,"]),
        ) {
            let text = format!("{key}{body}{key}");
            let extraction = extract(&SourceFile::new("openssl.cnf", text.as_str()));
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }
}
