//! `curl` and `wget` command lines: switches that turn certificate
//! verification off, pin or cap the TLS version, or pick ciphers.
//!
//! curl's own meaning of its version switches (docs/cmdline-opts
//! `tlsv1.0.md`, `tls-max.md`): `--tlsv1.0`, `--tlsv1.1`, `--tlsv1` and `-1`
//! set the *lowest* version curl accepts ("TLS 1.0 or later"; older docs
//! said "only", which behaved differently per TLS library and was
//! corrected), so they are effect `minimum` and never force a downgrade;
//! only `--tls-max 1.0|1.1` caps the connection below TLS 1.2 (effect
//! `maximum`). `--sslv2`/`-2` and `--sslv3`/`-3` force that SSL version
//! (refused by curl since 7.77.0, but a script that asks for it is still
//! broken). wget's `--secure-protocol=TLSv1` "forces the use of the
//! corresponding protocol" (wget manual), so it is effect `force`.

use std::ops::Range;

use crate::extract::anaplan_connect::Located;
use crate::extract::java::Clue;
use crate::extract::script::program_name;
use crate::extract::{ciphers, secrets, tls};
use crate::facts::FactKind;

/// The facts of every `curl` or `wget` command in `words`. The words may
/// hold one command (a script statement) or a whole `RUN` line with `&&`,
/// `;` and `|` between commands; a program name only counts where a
/// command starts.
pub fn analyze(words: &[&str]) -> Vec<Located> {
    let mut out = Vec::new();
    let mut at_start = true;
    for (i, word) in words.iter().enumerate() {
        if at_start {
            match program_name(word).as_str() {
                "curl" | "curl.exe" => curl(words, i + 1, &mut out),
                "wget" | "wget.exe" => wget(words, i + 1, &mut out),
                _ => {}
            }
        }
        at_start = is_separator(word) || (at_start && is_wrapper(word));
    }
    out
}

/// The words of a shell command line as byte ranges of `line`: split at
/// unquoted whitespace, with `;`, `&&`, `||`, `|`, `&`, `(`, `)` and
/// backticks as words of their own (so [`analyze`] sees where commands
/// start), and one pair of surrounding quotes left out of each word.
pub fn command_words(line: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                chars.next();
            }
            continue;
        }
        match c {
            '"' | '\'' => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            '\\' => {
                start.get_or_insert(i);
                chars.next();
            }
            ';' | '&' | '|' | '(' | ')' | '`' => {
                if let Some(s) = start.take() {
                    words.push(s..i);
                }
                let mut end = i + 1;
                if matches!(c, '&' | '|') && chars.peek().is_some_and(|&(_, next)| next == c) {
                    chars.next();
                    end += 1;
                }
                words.push(i..end);
            }
            _ if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push(s..i);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        words.push(s..line.len());
    }
    words
        .into_iter()
        .map(|range| {
            let word = &line[range.clone()];
            let quoted = word.len() >= 2
                && ((word.starts_with('"') && word.ends_with('"'))
                    || (word.starts_with('\'') && word.ends_with('\'')));
            if quoted {
                range.start + 1..range.end - 1
            } else {
                range
            }
        })
        .collect()
}

/// Words that end one command and start the next.
pub(crate) fn is_separator(word: &str) -> bool {
    matches!(
        word,
        "&&" | "||" | ";" | "|" | "&" | "(" | ")" | "`" | "$(" | "then" | "do" | "else"
    ) || word.ends_with(';')
}

/// Words that run the command after them.
pub(crate) fn is_wrapper(word: &str) -> bool {
    matches!(
        word,
        "sudo" | "exec" | "nohup" | "time" | "command" | "xargs" | "!"
    )
}

/// curl short options that take an argument (so the rest of a cluster,
/// or the next word, is that argument).
const CURL_SHORT_WITH_ARGUMENT: &str = "AbcCdDeEFHKmoPQrtTuUwxXYyz";

fn curl(words: &[&str], start: usize, out: &mut Vec<Located>) {
    // `--no-insecure` later on the line switches `-k` off again.
    let mut insecure: Vec<Located> = Vec::new();
    let mut i = start;
    while let Some(&word) = words.get(i) {
        if is_separator(word) {
            break;
        }
        let next = words.get(i + 1).copied();
        let takes_next = if let Some(long) = word.strip_prefix("--") {
            curl_long(long, i, next, out, &mut insecure)
        } else if word.len() > 1 && word.starts_with('-') {
            curl_cluster(word, i, next, out, &mut insecure)
        } else {
            false
        };
        i += if takes_next { 2 } else { 1 };
    }
    out.extend(insecure);
}

/// One `--long` option (word `at`); whether it took the next word.
fn curl_long(
    long: &str,
    at: usize,
    next: Option<&str>,
    out: &mut Vec<Located>,
    insecure: &mut Vec<Located>,
) -> bool {
    let word_len = long.len() + 2;
    let setting = format!("curl --{long}");
    match long {
        "insecure" | "proxy-insecure" => insecure.push(Located {
            word: at,
            clue: verification(0..word_len, &setting),
        }),
        "no-insecure" => insecure.clear(),
        "tlsv1" | "tlsv1.0" | "tlsv1.1" | "tlsv1.2" | "tlsv1.3" => {
            let version = long.strip_prefix("tlsv").unwrap_or(long);
            if let Some(protocol) = numbered(version) {
                out.push(protocol_at(at, 0..word_len, protocol, &setting, "minimum"));
            }
        }
        "sslv2" | "sslv3" => {
            let protocol = if long == "sslv2" { "SSLv2" } else { "SSLv3" };
            out.push(protocol_at(at, 0..word_len, protocol, &setting, "force"));
        }
        "tls-max" => {
            if let Some(value) = next
                && let Some(protocol) = numbered(value)
            {
                out.push(protocol_at(
                    at + 1,
                    0..value.len(),
                    protocol,
                    &setting,
                    "maximum",
                ));
            }
            return true;
        }
        "ciphers" | "proxy-ciphers" => {
            for clue in ciphers::cipher_list(next.unwrap_or(""), 0, &setting) {
                out.push(Located { word: at + 1, clue });
            }
            return true;
        }
        "user" | "proxy-user" => {
            if let Some(value) = next {
                out.extend(password(at + 1, value, &setting));
            }
            return true;
        }
        _ => return curl_long_takes_argument(long),
    }
    false
}

/// A cluster of short options (`-sSkL`, `-ofile`) in word `at`; whether
/// its last letter took the next word as its argument.
fn curl_cluster(
    word: &str,
    at: usize,
    next: Option<&str>,
    out: &mut Vec<Located>,
    insecure: &mut Vec<Located>,
) -> bool {
    for (offset, letter) in word.char_indices().skip(1) {
        let range = offset..offset + letter.len_utf8();
        match letter {
            'k' => insecure.push(Located {
                word: at,
                clue: verification(range, "curl -k"),
            }),
            '1' => out.push(protocol_at(at, range, "TLSv1", "curl -1", "minimum")),
            '2' => out.push(protocol_at(at, range, "SSLv2", "curl -2", "force")),
            '3' => out.push(protocol_at(at, range, "SSLv3", "curl -3", "force")),
            _ if CURL_SHORT_WITH_ARGUMENT.contains(letter) => {
                // The argument is the rest of the cluster, or the next word.
                let setting = format!("curl -{letter}");
                let user = matches!(letter, 'u' | 'U');
                let rest = &word[range.end..];
                if rest.is_empty() {
                    if user && let Some(value) = next {
                        out.extend(password(at + 1, value, &setting));
                    }
                    return true;
                }
                if user && let Some(mut located) = password(at, rest, &setting) {
                    let clue = &mut located.clue.range;
                    *clue = clue.start + range.end..clue.end + range.end;
                    out.push(located);
                }
                return false;
            }
            _ => {}
        }
    }
    false
}

/// Long curl options that take an argument, beyond the ones read above:
/// their argument is skipped so it is never read as a switch.
fn curl_long_takes_argument(name: &str) -> bool {
    matches!(
        name,
        "output"
            | "header"
            | "data"
            | "data-raw"
            | "data-binary"
            | "data-urlencode"
            | "form"
            | "request"
            | "user-agent"
            | "referer"
            | "cookie"
            | "cookie-jar"
            | "cacert"
            | "capath"
            | "cert"
            | "key"
            | "cert-type"
            | "key-type"
            | "pass"
            | "proxy"
            | "max-time"
            | "connect-timeout"
            | "retry"
            | "write-out"
            | "upload-file"
            | "config"
            | "url"
            | "resolve"
            | "connect-to"
            | "oauth2-bearer"
            | "proto"
            | "proto-redir"
            | "range"
            | "dump-header"
            | "limit-rate"
            | "interface"
    )
}

fn wget(words: &[&str], start: usize, out: &mut Vec<Located>) {
    for (i, &word) in words.iter().enumerate().skip(start) {
        if is_separator(word) {
            break;
        }
        if word == "--no-check-certificate" {
            out.push(Located {
                word: i,
                clue: verification(0..word.len(), "wget --no-check-certificate"),
            });
        } else if let Some(value) = word.strip_prefix("--secure-protocol=") {
            let range = word.len() - value.len()..word.len();
            if let Some(protocol) = tls::canonical_protocol(value) {
                out.push(protocol_at(
                    i,
                    range,
                    protocol,
                    "wget --secure-protocol",
                    "force",
                ));
            }
        } else if word == "--secure-protocol" {
            if let Some(protocol) = words.get(i + 1).and_then(|v| tls::canonical_protocol(v)) {
                let len = words.get(i + 1).map_or(0, |v| v.len());
                out.push(protocol_at(
                    i + 1,
                    0..len,
                    protocol,
                    "wget --secure-protocol",
                    "force",
                ));
            }
        } else if let Some(list) = word.strip_prefix("--ciphers=") {
            let offset = word.len() - list.len();
            for clue in ciphers::cipher_list(list, offset, "wget --ciphers") {
                out.push(Located { word: i, clue });
            }
        }
    }
}

/// `1.0` -> `TLSv1`, `1.1`, `1.2`, `1.3`; anything else (`default`) -> none.
fn numbered(version: &str) -> Option<&'static str> {
    match version {
        "1" | "1.0" => Some("TLSv1"),
        "1.1" => Some("TLSv1.1"),
        "1.2" => Some("TLSv1.2"),
        "1.3" => Some("TLSv1.3"),
        _ => None,
    }
}

fn protocol_at(
    word: usize,
    range: Range<usize>,
    protocol: &str,
    setting: &str,
    effect: &str,
) -> Located {
    Located {
        word,
        clue: Clue {
            kind: FactKind::TlsProtocol,
            range,
            value: protocol.to_owned(),
            attributes: vec![
                ("setting", setting.to_owned()),
                ("effect", effect.to_owned()),
            ],
        },
    }
}

fn verification(range: Range<usize>, setting: &str) -> Clue {
    Clue {
        kind: FactKind::TlsVerification,
        range,
        value: "disabled".to_owned(),
        attributes: vec![("setting", setting.to_owned())],
    }
}

/// `-u user:password`: the password, unless a placeholder (or absent,
/// when curl prompts for it).
fn password(word: usize, value: &str, setting: &str) -> Option<Located> {
    let colon = value.find(':')?;
    let secret = &value[colon + 1..];
    if secret.is_empty() || secrets::is_placeholder(secret) {
        return None;
    }
    Some(Located {
        word,
        clue: Clue {
            kind: FactKind::Secret,
            range: colon + 1..value.len(),
            value: String::new(),
            attributes: vec![("setting", setting.to_owned())],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text, setting, effect)` of every clue.
    fn found(line: &str) -> Vec<(FactKind, String, String, String, String)> {
        let words: Vec<&str> = line.split_whitespace().collect();
        analyze(&words)
            .into_iter()
            .map(|located| {
                let attr = |key: &str| {
                    located
                        .clue
                        .attributes
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                (
                    located.clue.kind,
                    located.clue.value.clone(),
                    words[located.word][located.clue.range.clone()].to_owned(),
                    attr("setting"),
                    attr("effect"),
                )
            })
            .collect()
    }

    fn one(
        kind: FactKind,
        value: &str,
        raw: &str,
        setting: &str,
        effect: &str,
    ) -> (FactKind, String, String, String, String) {
        (
            kind,
            value.to_owned(),
            raw.to_owned(),
            setting.to_owned(),
            effect.to_owned(),
        )
    }

    #[test]
    fn insecure_in_every_spelling() {
        let v = FactKind::TlsVerification;
        assert_eq!(
            found("curl -k https://api.anaplan.com/2/0/workspaces"),
            [one(v, "disabled", "k", "curl -k", "")]
        );
        assert_eq!(
            found("curl -sSkL -o out.json https://example.com"),
            [one(v, "disabled", "k", "curl -k", "")]
        );
        assert_eq!(
            found("curl --insecure https://example.com"),
            [one(v, "disabled", "--insecure", "curl --insecure", "")]
        );
        assert_eq!(
            found("/usr/bin/curl --proxy-insecure -x https://proxy:3128 https://x"),
            [one(
                v,
                "disabled",
                "--proxy-insecure",
                "curl --proxy-insecure",
                ""
            )]
        );
        assert!(found("curl -k --no-insecure https://x").is_empty());
    }

    #[test]
    fn option_arguments_are_not_switches() {
        // `-o k` writes to a file named k; `-H -k` is a header value.
        assert!(found("curl -o k https://x").is_empty());
        assert!(found("curl -ok https://x").is_empty());
        assert!(found("curl -H -k https://x").is_empty());
        assert!(found("curl --output -k https://x").is_empty());
        assert!(found("echo curl -k").is_empty());
        assert!(found("mycurl -k").is_empty());
    }

    #[test]
    fn version_switches_follow_curls_meaning() {
        let p = FactKind::TlsProtocol;
        assert_eq!(
            found("curl --tlsv1.0 https://x"),
            [one(p, "TLSv1", "--tlsv1.0", "curl --tlsv1.0", "minimum")]
        );
        assert_eq!(
            found("curl -1 https://x"),
            [one(p, "TLSv1", "1", "curl -1", "minimum")]
        );
        assert_eq!(
            found("curl --tlsv1.2 https://x"),
            [one(p, "TLSv1.2", "--tlsv1.2", "curl --tlsv1.2", "minimum")]
        );
        assert_eq!(
            found("curl --tls-max 1.1 --tlsv1.0 https://x"),
            [
                one(p, "TLSv1.1", "1.1", "curl --tls-max", "maximum"),
                one(p, "TLSv1", "--tlsv1.0", "curl --tlsv1.0", "minimum"),
            ]
        );
        assert_eq!(
            found("curl --sslv3 https://x"),
            [one(p, "SSLv3", "--sslv3", "curl --sslv3", "force")]
        );
        assert!(found("curl --tls-max default https://x").is_empty());
    }

    #[test]
    fn several_commands_on_one_line() {
        let found = found(
            "apt-get update && curl -fsSL https://x | sh && wget --no-check-certificate https://y ; curl -k https://z",
        );
        let raws: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
        assert_eq!(raws, ["--no-check-certificate", "k"]);
        assert_eq!(found[0].3, "wget --no-check-certificate");
    }

    #[test]
    fn command_words_keep_separators_and_respect_quotes() {
        let line = "cd /opt&&curl -k \"https://x?a=1&b=2\";wget 'a b'|(sh)";
        let words: Vec<&str> = command_words(line).into_iter().map(|r| &line[r]).collect();
        assert_eq!(
            words,
            [
                "cd",
                "/opt",
                "&&",
                "curl",
                "-k",
                "https://x?a=1&b=2",
                ";",
                "wget",
                "a b",
                "|",
                "(",
                "sh",
                ")"
            ]
        );
        let ranges = command_words(line);
        let found = analyze(&ranges.iter().map(|r| &line[r.clone()]).collect::<Vec<_>>());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].word, 4);
    }

    #[test]
    fn wget_secure_protocol() {
        let p = FactKind::TlsProtocol;
        assert_eq!(
            found("wget --secure-protocol=TLSv1 https://x"),
            [one(p, "TLSv1", "TLSv1", "wget --secure-protocol", "force")]
        );
        assert_eq!(
            found("wget --secure-protocol TLSv1_1 https://x"),
            [one(
                p,
                "TLSv1.1",
                "TLSv1_1",
                "wget --secure-protocol",
                "force"
            )]
        );
        assert!(found("wget --secure-protocol=auto https://x").is_empty());
    }

    #[test]
    fn ciphers_and_passwords() {
        let found = found("curl --ciphers RC4-SHA:!aNULL -u svc@example.com:S3cret https://x");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, FactKind::TlsCipher);
        assert_eq!(found[0].2, "RC4-SHA");
        assert_eq!(found[1].0, FactKind::Secret);
        assert_eq!(found[1].2, "S3cret");
        assert_eq!(found[1].3, "curl -u");
        assert!(
            super::tests::found("curl -u svc:${ANAPLAN_PASSWORD} https://x").is_empty(),
            "placeholders are not secrets"
        );
        assert!(super::tests::found("curl -u svc https://x").is_empty());
        let glued = super::tests::found("curl -usvc:Pw0rd https://x");
        assert_eq!(glued.len(), 1);
        assert_eq!(glued[0].2, "Pw0rd");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_words_never_panic_and_ranges_stay_in_their_word(
            words in proptest::collection::vec(
                r"(curl|wget|-k|-sSk|-u|-uü:pé|--tls-max|1\.0|--ciphers|RC4:!x|--secure-protocol=TLSv1|;|&&|é|-1|--tlsv1\.1)",
                0..12,
            ),
            line in r#"[a-z0-9 ;&|()`'"\\é-]{0,60}"#,
        ) {
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            for located in analyze(&refs) {
                let word = refs[located.word];
                proptest::prop_assert!(located.clue.range.end <= word.len());
                proptest::prop_assert!(word.is_char_boundary(located.clue.range.start));
                proptest::prop_assert!(word.is_char_boundary(located.clue.range.end));
            }
            for range in command_words(&line) {
                proptest::prop_assert!(line.get(range).is_some());
            }
        }
    }
}
