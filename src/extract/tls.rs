//! TLS protocol names as settings spell them, and the lists they come in.

/// The canonical name of a protocol as a setting spells it (`TLSv1.0`,
/// `tlsv1`, `TLS1.1`, `SSLv3`), or `None` for anything else (cipher names,
/// `TLS` alone, which means "any version").
///
/// `TLSv1.2` is never `TLSv1`: the match is on the whole token.
pub fn canonical_protocol(token: &str) -> Option<&'static str> {
    let lower = token.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let name = match lower.as_str() {
        "sslv2" | "ssl2" | "sslv2.0" => "SSLv2",
        "sslv2hello" => "SSLv2Hello",
        "sslv3" | "ssl3" | "sslv3.0" | "ssl3.0" => "SSLv3",
        "tlsv1" | "tlsv1.0" | "tls1" | "tls1.0" | "tlsv10" | "tls10" | "tls_1_0" | "tlsv1_0" => {
            "TLSv1"
        }
        "tlsv1.1" | "tls1.1" | "tlsv11" | "tls11" | "tls_1_1" | "tlsv1_1" => "TLSv1.1",
        "tlsv1.2" | "tls1.2" | "tlsv12" | "tls12" | "tls_1_2" | "tlsv1_2" => "TLSv1.2",
        "tlsv1.3" | "tls1.3" | "tlsv13" | "tls13" | "tls_1_3" | "tlsv1_3" => "TLSv1.3",
        _ => return None,
    };
    Some(name)
}

/// Whether a canonical protocol is retired (SSL, TLS 1.0, TLS 1.1).
pub fn is_legacy(canonical: &str) -> bool {
    matches!(canonical, "SSLv2" | "SSLv3" | "TLSv1" | "TLSv1.1")
}

/// The items of a list such as `TLSv1, TLSv1.1` or `SSLv3 TLSv1`, as byte
/// ranges into `text` (separators: comma, whitespace, colon, semicolon).
pub fn list_items(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut items = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let separator = c == ',' || c == ':' || c == ';' || c.is_whitespace();
        match (separator, start) {
            (true, Some(s)) => {
                items.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        items.push(s..text.len());
    }
    items
}

/// The versions an `all` or `ALL` item stands for in on/off lists
/// (`mod_ssl`'s `SSLProtocol`, OpenSSL's `Protocol`). `SSLv3` is left out:
/// OpenSSL builds have not included it by default since 1.1.0, and `mod_ssl`
/// documents `all` without `+SSLv3` on such builds.
pub const ALL_VERSIONS: [&str; 4] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/// The outcome of an on/off list for one protocol: whether it ends up
/// enabled, and the item (a byte range of the list) that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toggled {
    /// Canonical protocol name.
    pub protocol: &'static str,
    /// Whether the list leaves it enabled.
    pub enabled: bool,
    /// The item that last switched it.
    pub item: std::ops::Range<usize>,
}

/// Resolves an on/off protocol list such as `all -SSLv3 -TLSv1` (`mod_ssl`)
/// or `-ALL, TLSv1.2` (OpenSSL `Protocol`): `+X` enables, `-X` disables,
/// `all` stands for [`ALL_VERSIONS`]. A bare item enables its versions and,
/// when `bare_replaces` (`mod_ssl`), turns every other version off: `SSLProtocol
/// TLSv1.2 TLSv1.3` leaves only TLS 1.3. Only versions some item named are
/// returned, in [`list_items`] order of first mention; unknown names are
/// skipped.
pub fn toggles(list: &str, bare_replaces: bool) -> Vec<Toggled> {
    let mut state: Vec<Toggled> = Vec::new();
    for item in list_items(list) {
        let word = &list[item.clone()];
        let (sign, name) = match word.as_bytes().first() {
            Some(b'+') => (Some(true), &word[1..]),
            Some(b'-') => (Some(false), &word[1..]),
            _ => (None, word),
        };
        let names: Vec<&'static str> = if name.eq_ignore_ascii_case("all") {
            ALL_VERSIONS.to_vec()
        } else if let Some(protocol) = canonical_protocol(name) {
            vec![protocol]
        } else {
            continue;
        };
        if sign.is_none() && bare_replaces {
            state.retain(|t| names.contains(&t.protocol) || !t.enabled);
        }
        let enabled = sign.unwrap_or(true);
        for protocol in names {
            match state.iter_mut().find(|t| t.protocol == protocol) {
                Some(t) => {
                    t.enabled = enabled;
                    t.item = item.clone();
                }
                None => state.push(Toggled {
                    protocol,
                    enabled,
                    item: item.clone(),
                }),
            }
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls12_is_not_tls1() {
        assert_eq!(canonical_protocol("TLSv1.2"), Some("TLSv1.2"));
        assert_eq!(canonical_protocol("TLSv1"), Some("TLSv1"));
        assert_eq!(canonical_protocol("tlsv1.0"), Some("TLSv1"));
        assert_eq!(canonical_protocol("TLS"), None);
        assert_eq!(canonical_protocol("TLSv1.2x"), None);
        assert!(!is_legacy("TLSv1.2"));
        assert!(is_legacy("TLSv1.1"));
    }

    #[test]
    fn mod_ssl_and_openssl_toggles() {
        let show = |list: &str, replaces: bool| -> Vec<(&'static str, bool, String)> {
            toggles(list, replaces)
                .into_iter()
                .map(|t| (t.protocol, t.enabled, list[t.item].to_owned()))
                .collect()
        };
        assert_eq!(
            show("all -SSLv3 -TLSv1", true),
            [
                ("TLSv1", false, "-TLSv1".to_owned()),
                ("TLSv1.1", true, "all".to_owned()),
                ("TLSv1.2", true, "all".to_owned()),
                ("TLSv1.3", true, "all".to_owned()),
                ("SSLv3", false, "-SSLv3".to_owned()),
            ]
        );
        assert_eq!(
            show("TLSv1.2 TLSv1.3", true),
            [("TLSv1.3", true, "TLSv1.3".to_owned())],
            "a second bare item replaces the first"
        );
        assert_eq!(
            show("-ALL, TLSv1.2", false),
            [
                ("TLSv1", false, "-ALL".to_owned()),
                ("TLSv1.1", false, "-ALL".to_owned()),
                ("TLSv1.2", true, "TLSv1.2".to_owned()),
                ("TLSv1.3", false, "-ALL".to_owned()),
            ]
        );
        assert_eq!(show("+TLSv1.2 +TLSv1.3 +bogus", true).len(), 2);
    }

    #[test]
    fn list_items_split_on_any_separator() {
        let text = "TLSv1, TLSv1.1 SSLv3";
        let items: Vec<&str> = list_items(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(items, ["TLSv1", "TLSv1.1", "SSLv3"]);
    }
}
