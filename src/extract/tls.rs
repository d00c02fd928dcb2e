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
    fn list_items_split_on_any_separator() {
        let text = "TLSv1, TLSv1.1 SSLv3";
        let items: Vec<&str> = list_items(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(items, ["TLSv1", "TLSv1.1", "SSLv3"]);
    }
}
