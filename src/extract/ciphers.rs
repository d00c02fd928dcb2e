//! Cipher lists as OpenSSL, nginx, Apache, curl and JSSE settings spell
//! them: `HIGH:!aNULL:!MD5`, `DEFAULT@SECLEVEL=1`,
//! `TLS_RSA_WITH_3DES_EDE_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
//!
//! Every item a list turns on becomes a `tls.cipher` clue; items it turns
//! off (`!RC4`, `-RC4`) or only reorders (`+RC4`) do not. Which names are
//! weak is the rules' business (`tls.weak-cipher` matches the value), so
//! the facts stay an inventory.

use std::ops::Range;

use crate::extract::java::Clue;
use crate::facts::FactKind;

/// One `tls.cipher` clue per cipher (or alias such as `HIGH`) that `list`
/// enables, and one per `@SECLEVEL=n` command (value `@SECLEVEL=n`,
/// attribute `seclevel = n`). `offset` is where `list` starts in the
/// scanned text; `setting` names the key, directive or flag.
///
/// Items are separated by `:`, `,`, `;` or whitespace (OpenSSL accepts
/// all of these); `DEFAULT@SECLEVEL=1` is the alias `DEFAULT` followed by
/// the command `@SECLEVEL=1`.
pub fn cipher_list(list: &str, offset: usize, setting: &str) -> Vec<Clue> {
    let mut clues = Vec::new();
    for item in items(list) {
        let text = &list[item.clone()];
        if text.starts_with(['!', '-', '+']) {
            continue;
        }
        // `NAME@CMD@CMD`: the name (possibly empty) and its commands.
        let mut start = item.start;
        for (index, part) in text.split('@').enumerate() {
            let range = start..start + part.len();
            start = range.end + 1;
            if index == 0 {
                if !part.is_empty() {
                    clues.push(cipher(range, offset, part, setting, None));
                }
                continue;
            }
            // `@SECLEVEL=1`: the span covers the `@` too.
            if let Some(level) = part.strip_prefix("SECLEVEL=") {
                let with_at = range.start - 1..range.end;
                let value = format!("@{part}");
                clues.push(cipher(with_at, offset, &value, setting, Some(level)));
            }
        }
    }
    clues
}

/// The items of a cipher list, as byte ranges into `list`.
fn items(list: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in list.char_indices() {
        let separator = matches!(c, ':' | ',' | ';' | '"' | '\'') || c.is_whitespace();
        match (separator, start) {
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..list.len());
    }
    out
}

fn cipher(
    range: Range<usize>,
    offset: usize,
    value: &str,
    setting: &str,
    seclevel: Option<&str>,
) -> Clue {
    let mut attributes = vec![("setting", setting.to_owned())];
    if let Some(level) = seclevel {
        attributes.push(("seclevel", level.to_owned()));
    }
    Clue {
        kind: FactKind::TlsCipher,
        range: range.start + offset..range.end + offset,
        value: value.to_owned(),
        attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(list: &str) -> Vec<(String, &str)> {
        cipher_list(list, 0, "ssl_ciphers")
            .into_iter()
            .map(|c| (c.value, &list[c.range]))
            .collect()
    }

    #[test]
    fn exclusions_and_reorders_enable_nothing() {
        assert_eq!(
            found("HIGH:!aNULL:-MD5:+RC4:RC4-SHA"),
            [
                ("HIGH".to_owned(), "HIGH"),
                ("RC4-SHA".to_owned(), "RC4-SHA")
            ]
        );
    }

    #[test]
    fn seclevel_commands() {
        let list = "DEFAULT@SECLEVEL=1";
        let clues = cipher_list(list, 10, "CipherString");
        assert_eq!(clues.len(), 2);
        assert_eq!(clues[0].value, "DEFAULT");
        assert_eq!(clues[0].range, 10..17);
        assert_eq!(clues[1].value, "@SECLEVEL=1");
        assert_eq!(clues[1].range, 17..28);
        assert!(clues[1].attributes.contains(&("seclevel", "1".to_owned())));
        assert_eq!(
            found("DEFAULT:@SECLEVEL=0"),
            [
                ("DEFAULT".to_owned(), "DEFAULT"),
                ("@SECLEVEL=0".to_owned(), "@SECLEVEL=0")
            ]
        );
        assert_eq!(
            found("ALL:@STRENGTH"),
            [("ALL".to_owned(), "ALL")],
            "@STRENGTH sorts, it enables nothing"
        );
    }

    #[test]
    fn java_names_comma_separated() {
        let list = "TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
        assert_eq!(found(list).len(), 2);
        assert_eq!(found(list)[0].1, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    }
}
