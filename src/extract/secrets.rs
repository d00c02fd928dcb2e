//! What counts as a plaintext secret, and what is only a placeholder.

/// Whether a setting name (variable, property key, flag) holds a secret:
/// passwords, passphrases, tokens, API keys. Names of files or paths that
/// hold secrets (`PASSWORD_FILE`, `keyStorePasswordPath`) do not.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let secretish = static_regex!(
        r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_.-]?key|access[_.-]?key)$|(?:password|passwd|secret)"
    );
    let pathish = static_regex!(
        r"(?:file|path|dir|directory|location|url|uri|name|user|username|prompt|policy|length|expiry|enabled)$"
    );
    // `urlPathToken`, `tokenEndpoint`, `passwordFilePath`: where a secret is, not the secret.
    // `uri` only at a word's edge: it also hides inside `securityToken`.
    let locator = ["url", "path", "endpoint", "file", "dir"]
        .iter()
        .any(|l| lower.contains(l))
        || words(name).any(|word| word.starts_with("uri") || word.ends_with("uri"));
    secretish.is_match(&lower) && !pathish.is_match(&lower) && !locator
}

/// The lowercase words of a name: split at non-alphanumerics and where
/// camelCase turns upper (`securityToken` -> `security`, `token`).
fn words(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(|part| {
            let mut words = Vec::new();
            let mut start = 0;
            let bytes = part.as_bytes();
            for i in 1..bytes.len() {
                if bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase() {
                    words.push(&part[start..i]);
                    start = i;
                }
            }
            words.push(&part[start..]);
            words
        })
        .map(str::to_ascii_lowercase)
}

/// Whether `value` is not a literal secret: empty, a reference to a variable
/// or a command (`${VAR}`, `$VAR`, `%VAR%`, `!VAR!`, `$(...)`), a template
/// marker (`<PASSWORD>`, `{{ pass }}`, `{password}`, Maven's `@db.password@`),
/// a well-known dummy (`changeme`, `REDACTED`, `xxxx`, `****`), or an
/// encrypted value (Jasypt `ENC(...)`, Mule `![...]` and `${secure::...}`,
/// Spring Cloud Config `{cipher}...`, hex ciphertext).
pub fn is_placeholder(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    if value.is_empty() {
        return true;
    }
    // Data Loader's `encrypt.bat` and similar tools write hex ciphertext.
    if value.len() >= 32
        && value.len().is_multiple_of(2)
        && value.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return true;
    }
    // `-keystore ks.jks -kp ...`: command-line flags, not a secret; the
    // flags' values are judged on their own.
    if value.starts_with('-') && value.contains(char::is_whitespace) {
        return true;
    }
    let reference = static_regex!(
        r"\$\{|\$\(|\$[A-Za-z_]|`|%[A-Za-z_~0-9][^%]*%|![A-Za-z_][A-Za-z0-9_]*!|\{\{|^<[^>]*>$|^\[[^\]]*\]$|^ENC\(|^!\[|^\$\$|^secure::|^\{cipher\}|^\{[A-Za-z_][\w.-]*\}$|^@[A-Za-z_][\w.-]*@$"
    );
    if reference.is_match(value) {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    let dummy = static_regex!(
        r"^(?:changeme|change_me|change-me|changeit|redacted|password|passwd|secret|none|null|nil|todo|tbd|dummy|example|sample|test|your[_-]?password|yourpassword|mypassword|my[_-]?password|pass|xxx+|\*+|x+|\.+|-+|_+|placeholder)$"
    );
    dummy.is_match(&lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "KeystorePassword",
            "KeyStorePass",
            "SF_PASSWORD",
            "proxyPwd",
            "API_TOKEN",
            "client_secret",
            "javax.net.ssl.keyStorePassword",
            "sfdc.password",
            "ANAPLAN_PASSPHRASE",
            "securityToken",
            "sfdc.SECURITY_TOKEN",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "Credentials",
            "KeystorePath",
            "AnaplanUser",
            "CertPath",
            "TokenUrl",
            "password.policy",
            "TokenUri",
            "redirect_uri_secret",
            "SECRET_URI",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn placeholders_are_not_secrets() {
        for value in [
            "",
            "${PASS}",
            "$PASS",
            "%PASS%",
            "!PASS!",
            "$(cat /run/secrets/p)",
            "`cat p`",
            "<PASSWORD>",
            "{{ vault_pass }}",
            "changeme",
            "REDACTED",
            "xxxxxx",
            "****",
            "ENC(AbC123==)",
            "![abc]",
            "\"\"",
            "${secure::db.password}",
            "-keystore ks.jks -kp x",
            "6c9a0e3c3f7b5a6f2d1e8b4a9c0d7e6f5a4b3c2d1e0f9a8b",
        ] {
            assert!(is_placeholder(value), "{value:?}");
        }
        for value in ["S3cr3t!", "hunter2", "Welcome2024", "p@ss%w0rd"] {
            assert!(!is_placeholder(value), "{value:?}");
        }
    }

    /// The placeholder forms the issue names, one case each, in the shapes
    /// configs write them.
    #[test]
    fn issue_placeholder_forms() {
        let cases: [(&str, &[&str]); 9] = [
            (
                "${VAR}",
                &[
                    "${ANAPLAN_PASSWORD}",
                    "\"${KS_PASS:-}\"",
                    "${{ secrets.SF_PASSWORD }}",
                ],
            ),
            ("%VAR%", &["%PASS%", "%KeystorePassword%", "!PASS!"]),
            (
                "$(...)",
                &[
                    "$(vault read -field=password secret/anaplan)",
                    "$(KEYSTORE_PASSWORD)",
                    "`pass show ac`",
                ],
            ),
            (
                "<PASSWORD>",
                &["<PASSWORD>", "<your-password>", "'<password>'"],
            ),
            (
                "changeme",
                &["changeme", "CHANGEME", "change_me", "changeit"],
            ),
            ("empty", &["", "  ", "\"\"", "''"]),
            (
                "ENC(...) (Jasypt)",
                &["ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)"],
            ),
            (
                "Mule secure properties",
                &["![r1dVCKTbbkThxo4ITNeuWw==]", "${secure::anaplan.password}"],
            ),
            (
                "Data Loader ciphertext",
                &["e8a68b73992a7a54c2b1d6a9f0c3e5b7a1d4c6e8f0a2b4c6"],
            ),
        ];
        for (form, values) in cases {
            for value in values {
                assert!(is_placeholder(value), "{form}: {value:?}");
            }
        }
    }

    /// Spring Cloud Config ciphertext, whole-value templates and Maven
    /// resource-filtering tokens.
    #[test]
    fn spring_cipher_templates_and_maven_tokens() {
        for value in [
            "{cipher}AQA3hWmUr5JXz6hfdJh5ZvQ4O2mXm",
            "'{cipher}AQA3hWmUr5JXz6hfdJh5ZvQ4O2mXm'",
            "{password}",
            "{anaplan.password}",
            "@db.password@",
        ] {
            assert!(is_placeholder(value), "{value:?}");
        }
        for value in ["{Pa55}word", "pass@word@", "@Pa55w0rd"] {
            assert!(!is_placeholder(value), "{value:?}");
        }
    }

    /// Near misses: literal values that merely contain a placeholder-like
    /// piece are still secrets, and Jasypt's `DEC(...)` holds plaintext.
    #[test]
    fn near_misses_stay_secrets() {
        for value in [
            "Pa55word!2024",
            "change-me-Please-7",
            "ENCRYPTED-Looking-pw",
            "DEC(Plain-pw-1)",
            "secret123",
            "<Pa55>word",
        ] {
            assert!(!is_placeholder(value), "{value:?}");
        }
    }
}
