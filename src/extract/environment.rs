//! Environment variables that change the TLS behaviour of the processes
//! they reach, wherever a file sets them: shell and batch assignments,
//! Dockerfile `ENV`, compose and CI `environment:` maps.
//!
//! - `NODE_TLS_REJECT_UNAUTHORIZED=0`: Node.js skips certificate
//!   verification for every TLS connection ("If value equals '0',
//!   certificate validation is disabled", Node CLI docs).
//! - `PYTHONHTTPSVERIFY=0`: the PEP 493 switch (honoured by Pythons that
//!   ship it, such as RHEL/CentOS 7's 2.7) that turns HTTPS verification
//!   off for the standard library.
//! - `NODE_OPTIONS=--tls-min-v1.0`: see [`node_flags`].
//! - Boomi's `ATOM_VMOPTIONS_OVERRIDES` and `CONTAINER_PROPERTIES_OVERRIDES`:
//!   `|`-separated lists that the Boomi image's `override_properties.sh`
//!   appends, one item per line, to `atom.vmoptions` and
//!   `container.properties`; each item is read as a JVM option.

use crate::extract::boomi;
use crate::extract::java::{self, Clue};
use crate::facts::FactKind;

/// Clues in the value of variable `name`, located by byte ranges of
/// `value`.
pub fn clues(name: &str, value: &str) -> Vec<Clue> {
    let mut out = Vec::new();
    let trimmed = value.trim();
    let lead = value.len() - value.trim_start().len();
    match name.to_ascii_uppercase().as_str() {
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" if trimmed == "0" => {
            out.push(Clue {
                kind: FactKind::TlsVerification,
                range: lead..lead + 1,
                value: "disabled".to_owned(),
                attributes: vec![("setting", name.to_owned())],
            });
        }
        "ATOM_VMOPTIONS_OVERRIDES" | "CONTAINER_PROPERTIES_OVERRIDES" => {
            let mut start = 0;
            for item in value.split('|') {
                out.extend(java::jvm_options(item).into_iter().map(|mut clue| {
                    clue.range = clue.range.start + start..clue.range.end + start;
                    clue.attributes.push(("product", boomi::PRODUCT.to_owned()));
                    clue
                }));
                start += item.len() + 1;
            }
        }
        _ => {}
    }
    out
}

/// Node.js TLS version flags anywhere in `text` (a command line, a
/// `NODE_OPTIONS` value): `--tls-min-v1.0`/`--tls-min-v1.1` lower the
/// default minimum (effect `minimum`), `--tls-max-v1.2` caps the maximum
/// (effect `maximum`). Node's default minimum is TLS 1.2 since 12.0.
pub fn node_flags(text: &str) -> Vec<Clue> {
    if !text.contains("--tls-m") {
        return Vec::new();
    }
    let flag = static_regex!(r"--tls-(min|max)-v(1\.[0-3])\b");
    flag.captures_iter(text)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let effect = if &caps[1] == "min" {
                "minimum"
            } else {
                "maximum"
            };
            let protocol = match &caps[2] {
                "1.0" => "TLSv1",
                "1.1" => "TLSv1.1",
                "1.2" => "TLSv1.2",
                _ => "TLSv1.3",
            };
            Some(Clue {
                kind: FactKind::TlsProtocol,
                range: whole.range(),
                value: protocol.to_owned(),
                attributes: vec![
                    ("setting", whole.as_str().to_owned()),
                    ("effect", effect.to_owned()),
                ],
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(value: &'a str, clues: &[Clue]) -> Vec<&'a str> {
        clues.iter().map(|c| &value[c.range.clone()]).collect()
    }

    #[test]
    fn verification_switches_only_at_zero() {
        let clues = clues("NODE_TLS_REJECT_UNAUTHORIZED", " 0");
        assert_eq!(raw(" 0", &clues), ["0"]);
        assert_eq!(clues[0].kind, FactKind::TlsVerification);
        assert_eq!(
            clues[0].attributes,
            [("setting", "NODE_TLS_REJECT_UNAUTHORIZED".to_owned())]
        );
        assert_eq!(super::clues("PYTHONHTTPSVERIFY", "0").len(), 1);
        assert!(super::clues("NODE_TLS_REJECT_UNAUTHORIZED", "1").is_empty());
        assert!(super::clues("NODE_TLS_REJECT_UNAUTHORIZED", "${REJECT}").is_empty());
        assert!(super::clues("OTHER", "0").is_empty());
    }

    #[test]
    fn boomi_overrides_split_on_pipes() {
        let value = "-Xmx2048m|-Dhttps.protocols=TLSv1,TLSv1.1|-Djavax.net.ssl.trustStore=/var/boomi/ts.jks|-Dfoo=bar";
        let found = clues("ATOM_VMOPTIONS_OVERRIDES", value);
        assert_eq!(
            raw(value, &found),
            ["TLSv1", "TLSv1.1", "/var/boomi/ts.jks"]
        );
        assert_eq!(found[2].value, "/var/boomi/ts.jks");
    }

    #[test]
    fn node_version_flags() {
        let text = "--max-old-space-size=4096 --tls-min-v1.0 --tls-max-v1.2";
        let found = node_flags(text);
        assert_eq!(raw(text, &found), ["--tls-min-v1.0", "--tls-max-v1.2"]);
        assert_eq!(found[0].value, "TLSv1");
        assert!(
            found[0]
                .attributes
                .contains(&("effect", "minimum".to_owned()))
        );
        assert!(
            found[1]
                .attributes
                .contains(&("effect", "maximum".to_owned()))
        );
        assert!(node_flags("--tls-min-v1.25").is_empty());
    }
}
