//! Anaplan Connect command lines: `AnaplanClient.sh`/`.bat` and
//! `java ... com.anaplan.client.Program`, with the long and the old short
//! flags, and the client's version from its jar name.
//!
//! The flag table follows the Anaplan Connect guides for 1.3 and 1.4+
//! (`-service/-s`, `-auth/-at`, `-user/-u`, `-certificate/-c`,
//! `-privatekey/-pkey`, `-keystore/-k`, `-keystorealias/-ka`,
//! `-keystorepass/-kp`, `-via`, `-viauser/-vu`, and 4.x OAuth).

use std::ops::Range;

use crate::extract::java::Clue;
use crate::extract::script::{is_java_program, program_name};
use crate::extract::secrets;
use crate::facts::FactKind;

/// The `product` attribute of every Anaplan Connect fact.
pub const PRODUCT: &str = "anaplan-connect";

/// The main class of Anaplan Connect.
const MAIN_CLASS: &str = "com.anaplan.client.Program";

/// A clue found in word number `word` of a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// Index of the word in the command.
    pub word: usize,
    /// What was found, located within that word.
    pub clue: Clue,
}

/// Whether a string (a variable's value) names the client, so it is worth
/// reading as a command line of its own.
pub fn mentions_client(text: &str) -> bool {
    static_regex!(r"(?i)anaplanclient\.|com\.anaplan\.client\.program").is_match(text)
}

/// Anaplan Connect versions in jar names: `anaplan-connect-1.3.3.5.jar`,
/// `anaplan-connect-1-3-3-3.jar`, `anaplan-connect-4.3.0-jar-with-dependencies.jar`.
pub fn jar_versions(text: &str) -> Vec<Clue> {
    if !static_regex!(r"(?i)anaplan-connect-").is_match(text) {
        return Vec::new();
    }
    let jar = static_regex!(
        r"(?i)anaplan-connect-(\d+(?:\.\d+)+|\d+(?:-\d+)+)(?:-(?:jar-with-dependencies|SNAPSHOT|dev|shaded|all|uber)|-[A-Za-z][\w.-]*)?\.jar"
    );
    jar.captures_iter(text)
        .filter_map(|caps| caps.get(1))
        .map(|version| Clue {
            kind: FactKind::ConnectorVersion,
            range: version.range(),
            value: version.as_str().to_owned(),
            attributes: vec![
                ("product", PRODUCT.to_owned()),
                ("source", "jar".to_owned()),
            ],
        })
        .collect()
}

/// Flags that take a value, by every spelling, and what the value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flag {
    Service,
    Auth,
    User,
    Certificate,
    PrivateKey,
    Keystore,
    KeystorePass,
    Via,
    ViaUser,
    OAuthClient,
    /// Any other flag known to take a value.
    Other,
}

fn flag(word: &str) -> Option<Flag> {
    let name = word.strip_prefix('-')?.to_ascii_lowercase();
    let flag = match name.as_str() {
        "service" | "s" => Flag::Service,
        "auth" | "at" => Flag::Auth,
        "user" | "u" => Flag::User,
        "certificate" | "c" => Flag::Certificate,
        "privatekey" | "pkey" => Flag::PrivateKey,
        "keystore" | "k" => Flag::Keystore,
        "keystorepass" | "kp" => Flag::KeystorePass,
        "via" => Flag::Via,
        "viauser" | "vu" => Flag::ViaUser,
        "oauth-client-id" | "oauthclientid" | "ocid" | "clientid" => Flag::OAuthClient,
        "keystorealias"
        | "ka"
        | "workspace"
        | "w"
        | "model"
        | "m"
        | "file"
        | "f"
        | "put"
        | "get"
        | "import"
        | "im"
        | "export"
        | "action"
        | "process"
        | "pr"
        | "output"
        | "chunksize"
        | "locale"
        | "emptyput"
        | "retrycount"
        | "retrytimeout"
        | "httptimeout"
        | "maxconnections"
        | "jdbcproperties"
        | "loadclientcredentials"
        | "mappingproperties"
        | "encoding"
        | "separator"
        | "quote"
        | "header"
        | "debuglevel"
        | "source"
        | "target"
        | "ii"
        | "ie"
        | "ia"
        | "ip"
        | "im2" => Flag::Other,
        _ => return None,
    };
    Some(flag)
}

/// The Anaplan Connect facts of a command, if the command runs it.
pub fn analyze_command(words: &[&str]) -> Vec<Located> {
    let Some((client_word, args_start)) = client_invocation(words) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut invocation = Invocation::default();
    let mut i = args_start;
    while i < words.len() {
        let word = words[i];
        let Some(kind) = flag(word) else {
            // An unknown flag followed by a plain word: the word is its value.
            if word.starts_with('-')
                && words.get(i + 1).is_some_and(|w| !w.starts_with('-'))
                && !is_switch(word)
            {
                i += 1;
            }
            i += 1;
            continue;
        };
        let Some(&value) = words.get(i + 1) else {
            break;
        };
        if value.starts_with('-') && value.len() > 1 {
            i += 1;
            continue;
        }
        invocation.record(kind, i + 1, value, &mut out);
        i += 2;
    }
    let auth_url = if invocation.auth_url {
        "present"
    } else {
        "absent"
    };
    out.push(Located {
        word: client_word,
        clue: clue(
            FactKind::ConnectorUse,
            0..words[client_word].len(),
            PRODUCT,
            vec![("auth_url", auth_url.to_owned())],
        ),
    });
    invocation.auth_method(words, &mut out);
    out
}

/// Switch flags that never take a value (so the word after them is not
/// theirs).
fn is_switch(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "-execute"
            | "-x"
            | "-debug"
            | "-d"
            | "-quiet"
            | "-q"
            | "-help"
            | "-h"
            | "-version"
            | "-w"
            | "-m"
            | "-f"
            | "-i"
            | "-e"
            | "-a"
            | "-p"
            | "-l"
            | "-workspaces"
            | "-models"
            | "-files"
            | "-imports"
            | "-exports"
            | "-actions"
            | "-processes"
            | "-forceregister"
            | "--forceregister"
            | "--rotatable"
    )
}

/// Where the client is started: the index of the word naming it, and of
/// the first word after which its own arguments come.
fn client_invocation(words: &[&str]) -> Option<(usize, usize)> {
    let program = program_name(words.first()?);
    if matches!(
        program.as_str(),
        "anaplanclient.sh" | "anaplanclient.bat" | "anaplanclient.cmd" | "anaplanclient"
    ) {
        return Some((0, 1));
    }
    if !is_java_program(&program) {
        return None;
    }
    let mut i = 1;
    while i < words.len() {
        let word = words[i];
        if word == MAIN_CLASS {
            return Some((i, i + 1));
        }
        match word {
            "-cp" | "-classpath" | "--class-path" => i += 2,
            "-jar" => {
                let jar = words.get(i + 1)?;
                let is_client = program_name(jar).starts_with("anaplan-connect");
                return is_client.then_some((i + 1, i + 2));
            }
            _ if word.starts_with('-') => i += 1,
            // `${JAVA_OPTS}` left unexpanded: options from the environment.
            _ if word.starts_with(['$', '%', '!']) => i += 1,
            // Another main class: not Anaplan Connect.
            _ => return None,
        }
    }
    None
}

#[derive(Default)]
struct Invocation {
    auth_url: bool,
    certificate: Option<usize>,
    private_key: bool,
    keystore: Option<usize>,
    user: Option<usize>,
    oauth: Option<usize>,
}

impl Invocation {
    fn record(&mut self, kind: Flag, at: usize, value: &str, out: &mut Vec<Located>) {
        let whole = 0..value.len();
        let mut push = |clue: Clue| out.push(Located { word: at, clue });
        match kind {
            Flag::Service | Flag::Auth | Flag::Via => {
                let service = match kind {
                    Flag::Service => "anaplan",
                    Flag::Auth => "anaplan-auth",
                    _ => "proxy",
                };
                if kind == Flag::Auth {
                    self.auth_url = true;
                }
                push(endpoint(value, service));
            }
            Flag::User | Flag::ViaUser => {
                let (user, password) = split_credentials(value);
                if kind == Flag::User {
                    self.user = Some(at);
                    push(clue(FactKind::AuthMethod, user, "basic", vec![]));
                }
                if let Some(range) = password {
                    push(secret(
                        range,
                        if kind == Flag::User {
                            "-user"
                        } else {
                            "-viauser"
                        },
                    ));
                }
            }
            Flag::Certificate => {
                self.certificate = Some(at);
                push(reference(whole, value, "certificate"));
            }
            Flag::PrivateKey => {
                self.private_key = true;
                let (path, passphrase) = split_path_secret(value);
                push(reference(path.clone(), &value[path], "private-key"));
                if let Some(range) = passphrase {
                    push(secret(range, "-privatekey"));
                }
            }
            Flag::Keystore => {
                self.keystore = Some(at);
                push(reference(whole, value, "keystore"));
            }
            Flag::KeystorePass => {
                if !secrets::is_placeholder(value) {
                    push(secret(whole, "-keystorepass"));
                }
            }
            Flag::OAuthClient => {
                self.oauth = Some(at);
                push(clue(FactKind::AuthMethod, whole, "oauth", vec![]));
            }
            Flag::Other => {}
        }
    }

    /// Certificate auth: a keystore, or a certificate with its private key,
    /// is Certificate Authentication 2.0 (a CA certificate, 1.4+); a
    /// certificate alone is the Anaplan-issued certificate of 1.0.
    fn auth_method(&self, words: &[&str], out: &mut Vec<Located>) {
        let (at, method, extra) = match (self.keystore, self.certificate) {
            (Some(at), _) => (at, "certificate-ca", ("via", "keystore")),
            (None, Some(at)) if self.private_key => (at, "certificate-ca", ("via", "certificate")),
            (None, Some(at)) => (at, "certificate-anaplan", ("private_key", "missing")),
            (None, None) => return,
        };
        out.push(Located {
            word: at,
            clue: clue(
                FactKind::AuthMethod,
                0..words[at].len(),
                method,
                vec![(extra.0, extra.1.to_owned())],
            ),
        });
    }
}

fn clue(
    kind: FactKind,
    range: Range<usize>,
    value: &str,
    mut attributes: Vec<(&'static str, String)>,
) -> Clue {
    attributes.push(("product", PRODUCT.to_owned()));
    Clue {
        kind,
        range,
        value: value.to_owned(),
        attributes,
    }
}

fn secret(range: Range<usize>, setting: &str) -> Clue {
    clue(
        FactKind::Secret,
        range,
        "",
        vec![("setting", setting.to_owned())],
    )
}

fn reference(range: Range<usize>, path: &str, role: &str) -> Clue {
    let mut attributes = vec![("role", role.to_owned())];
    if path.contains(['$', '%']) {
        attributes.push(("unresolved", "true".to_owned()));
    }
    clue(FactKind::CertReference, range, path, attributes)
}

/// An `endpoint.url` clue, with the API version read from Anaplan's
/// `/1/3` and `/2/0` path prefixes.
fn endpoint(url: &str, service: &str) -> Clue {
    let lower = url.to_ascii_lowercase();
    let scheme = lower.split_once("://").map_or("", |(s, _)| s);
    let mut attributes = vec![("service", service.to_owned())];
    if !scheme.is_empty() {
        attributes.push(("scheme", scheme.to_owned()));
    }
    let api = static_regex!(r"://[^/]+/(\d)/(\d+)(?:/|$)");
    if let Some(caps) = api.captures(&lower) {
        attributes.push(("api_version", format!("{}.{}", &caps[1], &caps[2])));
    }
    clue(FactKind::EndpointUrl, 0..url.len(), url, attributes)
}

/// `user:password` -> the user's range and, when a literal password
/// follows, its range. An e-mail user may contain no colon, so the first
/// colon splits.
fn split_credentials(value: &str) -> (Range<usize>, Option<Range<usize>>) {
    match value.find(':') {
        Some(colon) => {
            let password = &value[colon + 1..];
            let range = (!secrets::is_placeholder(password)).then_some(colon + 1..value.len());
            (0..colon, range)
        }
        None => (0..value.len(), None),
    }
}

/// `path:passphrase` -> the path's range and the passphrase's, if any. A
/// colon that is part of a Windows drive (`C:\keys\k.pem`) or of a URL
/// does not split.
fn split_path_secret(value: &str) -> (Range<usize>, Option<Range<usize>>) {
    let Some(colon) = value.rfind(':') else {
        return (0..value.len(), None);
    };
    let tail = &value[colon + 1..];
    let drive = colon == 1 && value.as_bytes()[0].is_ascii_alphabetic();
    if drive || tail.starts_with(['\\', '/']) {
        return (0..value.len(), None);
    }
    let passphrase = (!secrets::is_placeholder(tail)).then_some(colon + 1..value.len());
    (0..colon, passphrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(words: &[&str]) -> Vec<(FactKind, String, String)> {
        analyze_command(words)
            .into_iter()
            .map(|l| {
                (
                    l.clue.kind,
                    l.clue.value.clone(),
                    words[l.word][l.clue.range].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn basic_auth_with_password() {
        let facts = found(&[
            "./AnaplanClient.sh",
            "-service",
            "https://api.anaplan.com/1/3",
            "-user",
            "fred@example.com:Passw0rd",
            "-workspace",
            "W",
            "-execute",
        ]);
        assert_eq!(
            facts,
            [
                (
                    FactKind::EndpointUrl,
                    "https://api.anaplan.com/1/3".into(),
                    "https://api.anaplan.com/1/3".into()
                ),
                (
                    FactKind::AuthMethod,
                    "basic".into(),
                    "fred@example.com".into()
                ),
                (FactKind::Secret, String::new(), "Passw0rd".into()),
                (
                    FactKind::ConnectorUse,
                    PRODUCT.into(),
                    "./AnaplanClient.sh".into()
                ),
            ]
        );
        let api = analyze_command(&["AnaplanClient.sh", "-s", "https://api.anaplan.com/1/3/"]);
        assert!(
            api[0]
                .clue
                .attributes
                .contains(&("api_version", "1.3".to_owned()))
        );
    }

    #[test]
    fn certificate_alone_is_anaplan_issued() {
        let facts = found(&[
            "java",
            "-cp",
            "anaplan-connect-1.3.3.5.jar",
            MAIN_CLASS,
            "-c",
            "/certs/me.cer",
            "-W",
        ]);
        assert!(facts.contains(&(
            FactKind::AuthMethod,
            "certificate-anaplan".into(),
            "/certs/me.cer".into()
        )));
        assert!(facts.contains(&(FactKind::ConnectorUse, PRODUCT.into(), MAIN_CLASS.into())));
    }

    #[test]
    fn certificate_with_private_key_is_ca() {
        let facts = found(&[
            "AnaplanClient.bat",
            "-certificate",
            r"C:\certs\client.pem",
            "-privatekey",
            r"C:\certs\client.key:${KEY_PASS}",
        ]);
        assert!(facts.contains(&(
            FactKind::AuthMethod,
            "certificate-ca".into(),
            r"C:\certs\client.pem".into()
        )));
        assert!(facts.contains(&(
            FactKind::CertReference,
            r"C:\certs\client.key".into(),
            r"C:\certs\client.key".into()
        )));
        assert!(
            !facts.iter().any(|f| f.0 == FactKind::Secret),
            "placeholder passphrase"
        );
    }

    #[test]
    fn keystore_password_is_a_secret_unless_placeholder() {
        let facts = found(&[
            "AnaplanClient.sh",
            "-k",
            "/ks.jks",
            "-ka",
            "me",
            "-kp",
            "hunter22",
            "-auth",
            "https://auth.anaplan.com",
        ]);
        assert!(facts.contains(&(FactKind::Secret, String::new(), "hunter22".into())));
        assert!(facts.contains(&(
            FactKind::AuthMethod,
            "certificate-ca".into(),
            "/ks.jks".into()
        )));
        let uses = analyze_command(&[
            "AnaplanClient.sh",
            "-k",
            "/ks.jks",
            "-auth",
            "https://auth.anaplan.com",
        ]);
        let use_fact = uses
            .iter()
            .find(|l| l.clue.kind == FactKind::ConnectorUse)
            .unwrap();
        assert!(
            use_fact
                .clue
                .attributes
                .contains(&("auth_url", "present".to_owned()))
        );
        assert!(
            found(&["AnaplanClient.sh", "-kp", "%KS_PASS%"])
                .iter()
                .all(|f| f.0 != FactKind::Secret)
        );
    }

    #[test]
    fn other_programs_are_not_the_client() {
        assert!(analyze_command(&["java", "-jar", "app.jar", "-user", "x:y"]).is_empty());
        assert!(analyze_command(&["java", "com.example.Main", "-user", "x:y"]).is_empty());
        assert!(analyze_command(&["grep", "AnaplanClient.sh"]).is_empty());
    }

    #[test]
    fn jar_names() {
        let versions = |t: &str| {
            jar_versions(t)
                .into_iter()
                .map(|c| c.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(versions("lib/anaplan-connect-1.3.3.5.jar"), ["1.3.3.5"]);
        assert_eq!(versions("anaplan-connect-1-3-3-3.jar"), ["1-3-3-3"]);
        assert_eq!(
            versions("anaplan-connect-4.3.0-jar-with-dependencies.jar"),
            ["4.3.0"]
        );
        assert!(versions("anaplan-connect-*.jar").is_empty());
        assert!(versions("anaplan-connect-@rel@.jar").is_empty());
    }
}
