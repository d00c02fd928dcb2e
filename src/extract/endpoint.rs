//! What an endpoint's host says about the org or tenant behind it:
//! production, a sandbox, or a development org. Every `endpoint.url` fact
//! gets its `environment` attribute here (from [`super::finish`]), whichever
//! extractor found the URL.
//!
//! Known hosts only; anything else (a proxy, a custom domain, a host built
//! from a variable, Anaplan's own staging hosts) has no `environment`.
//!
//! - Anaplan: `api.anaplan.com`, `auth.anaplan.com` and the `CloudWorks` API
//!   `api.cloudworks.anaplan.com` are production. Anaplan has no customer
//!   sandboxes; the regional forms `api.<region>.anaplan.com`,
//!   `auth.<region>.anaplan.com` and `<region>.app.anaplan.com` (`us1a`)
//!   are read as production too (the pattern is not checked against a list
//!   Anaplan publishes). Hosts with a staging label (`api-stg`, `uat`,
//!   `r2p2`) are not customer tenants and get nothing.
//! - Salesforce (My Domain formats and partitioned domains, Salesforce
//!   Help): `login.salesforce.com`, `<name>.my.salesforce.com` and the
//!   instance hosts `naNN`/`euNN`/`apNN`/`umNN.salesforce.com` are
//!   production; `test.salesforce.com`, `<name>--<sandbox>.sandbox.my.salesforce.com`,
//!   the legacy `<name>--<sandbox>.my.salesforce.com` and the sandbox
//!   instances `csNN.salesforce.com` are sandboxes; the `scratch`,
//!   `develop`, `demo`, `free`, `patch` and `trailblaze` partitions of
//!   `my.salesforce.com` are development orgs.

use std::ops::Range;

use crate::extract::secrets;

/// A production org or tenant.
pub const PRODUCTION: &str = "production";
/// A Salesforce sandbox.
pub const SANDBOX: &str = "sandbox";
/// A Salesforce scratch, Developer Edition, demo, free, patch or Trailhead
/// org.
pub const DEVELOPMENT: &str = "development";

/// The environment of an endpoint written as `value`: a URL
/// (`https://login.salesforce.com/services/Soap/u/58.0`) or a bare host
/// (`acme.my.salesforce.com`, a Mule `host` attribute). `None` when the
/// host is not one connlint knows, or is built from a variable.
pub fn environment(value: &str) -> Option<&'static str> {
    let host = host(value)?;
    if let Some(labels) = host.strip_suffix(".anaplan.com") {
        return anaplan(labels);
    }
    if let Some(labels) = host.strip_suffix(".salesforce.com") {
        return salesforce(labels);
    }
    None
}

/// The byte range of a literal password in a URL's user info
/// (`https://fred:PASSWORD@host/`), which must never reach an output: the
/// caller masks it in the `endpoint.url` value and reports it as a
/// `secret`. `None` without user info, without a password, or when the
/// password is a placeholder (`${PASS}`).
pub fn userinfo_password(url: &str) -> Option<Range<usize>> {
    let after_scheme = url.find("://")? + 3;
    let rest = &url[after_scheme..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    let password = &authority[colon + 1..at];
    if password.is_empty() || secrets::is_placeholder(password) {
        return None;
    }
    Some(after_scheme + colon + 1..after_scheme + at)
}

/// The lower-cased host of a URL or bare host, without user info, port or
/// a trailing dot; `None` when a variable or placeholder is part of it.
fn host(value: &str) -> Option<String> {
    let value = value.trim();
    let rest = value.split_once("://").map_or(value, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    let host = host.trim_end_matches('.');
    let plain = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    plain.then(|| host.to_ascii_lowercase())
}

/// `labels` are the host's labels before `.anaplan.com`.
fn anaplan(labels: &str) -> Option<&'static str> {
    let region = static_regex!(r"^[a-z]{2}\d{1,2}[a-z]?$");
    let parts: Vec<&str> = labels.split('.').collect();
    let production = match parts.as_slice() {
        ["api" | "auth"] | ["api", "cloudworks"] => true,
        ["api" | "auth", region_label] | [region_label, "app"] => region.is_match(region_label),
        _ => false,
    };
    production.then_some(PRODUCTION)
}

/// `labels` are the host's labels before `.salesforce.com`.
fn salesforce(labels: &str) -> Option<&'static str> {
    let parts: Vec<&str> = labels.split('.').collect();
    match parts.as_slice() {
        ["login"] => Some(PRODUCTION),
        ["test"] | [.., "sandbox", "my"] => Some(SANDBOX),
        [instance] => instance_environment(instance),
        [
            ..,
            "scratch" | "develop" | "demo" | "free" | "patch" | "trailblaze",
            "my",
        ] => Some(DEVELOPMENT),
        // `acme--uat.my.salesforce.com`, `acme--uat.cs42.my.salesforce.com`:
        // sandboxes before enhanced domains.
        [name, .., "my"] if name.contains("--") => Some(SANDBOX),
        [_, "my"] => Some(PRODUCTION),
        _ => None,
    }
}

/// `na42`, `eu12`, `ap5`, `um3`: production instances; `cs87`: a sandbox
/// instance.
fn instance_environment(instance: &str) -> Option<&'static str> {
    let digits = instance.trim_start_matches(|c: char| c.is_ascii_lowercase());
    let prefix = &instance[..instance.len() - digits.len()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match prefix {
        "na" | "eu" | "ap" | "um" => Some(PRODUCTION),
        "cs" => Some(SANDBOX),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_user_info() {
        let password = |url: &str| userinfo_password(url).map(|r| url[r].to_owned());
        assert_eq!(
            password("https://fred:Hunter2-x@api.anaplan.com/2/0").as_deref(),
            Some("Hunter2-x")
        );
        assert_eq!(
            password("http://proxy-user:p@ss:w0rd@proxy.example.com:3128").as_deref(),
            Some("p@ss:w0rd")
        );
        for url in [
            "https://api.anaplan.com",
            "https://fred@api.anaplan.com",
            "https://fred:@api.anaplan.com",
            "https://${USER}:${PASS}@api.anaplan.com",
            "https://api.anaplan.com/path?x=a:b@c",
            "api.anaplan.com",
        ] {
            assert_eq!(password(url), None, "{url}");
        }
    }

    #[test]
    fn url_passwords_are_masked_in_the_endpoint_and_reported_as_secrets() {
        use crate::classify::FileKind;
        use crate::extract::{NoIncludes, extract};
        use crate::facts::FactKind;
        use crate::source::SourceFile;

        let text = "./AnaplanClient.sh -service https://fred:Hunter2-x@api.anaplan.com -W\n";
        let source = SourceFile::new("run.sh", text);
        let extraction = extract(FileKind::Shell, &source, &NoIncludes);
        let endpoint = extraction
            .facts
            .iter()
            .find(|f| f.kind == FactKind::EndpointUrl)
            .expect("an endpoint");
        assert_eq!(endpoint.value, "https://fred:****@api.anaplan.com");
        assert_eq!(endpoint.attr("environment"), Some(PRODUCTION));
        let secret = extraction
            .facts
            .iter()
            .find(|f| f.kind == FactKind::Secret)
            .expect("a secret");
        assert_eq!(&text[secret.span.range()], "Hunter2-x");
        assert_eq!(secret.attr("reason"), Some("url-userinfo"));
    }

    #[test]
    fn anaplan_hosts() {
        for url in [
            "https://api.anaplan.com",
            "https://api.anaplan.com/2/0/workspaces",
            "https://auth.anaplan.com/token/authenticate",
            "HTTPS://API.ANAPLAN.COM/",
            "api.anaplan.com:443",
            "https://api.cloudworks.anaplan.com/2/0/integrationflows",
            "https://us1a.app.anaplan.com/oauth/device/code",
            "https://api.au1a.anaplan.com",
        ] {
            assert_eq!(environment(url), Some(PRODUCTION), "{url}");
        }
        for url in [
            "https://api-stg.anaplan.com",
            "https://auth-stg.anaplan.com",
            "https://api.uat.anaplan.com/",
            "https://api.r2p2.anaplan.com",
            "https://www.anaplan.com",
            "https://community.anaplan.com/discussion/1",
            "https://api.anaplan.com.example.org",
            "https://notanaplan.com",
        ] {
            assert_eq!(environment(url), None, "{url}");
        }
    }

    #[test]
    fn salesforce_hosts() {
        let cases = [
            ("https://login.salesforce.com", Some(PRODUCTION)),
            (
                "https://login.salesforce.com/services/Soap/u/58.0",
                Some(PRODUCTION),
            ),
            ("https://acme.my.salesforce.com", Some(PRODUCTION)),
            ("acme.my.salesforce.com", Some(PRODUCTION)),
            (
                "https://na42.salesforce.com/services/data/v41.0",
                Some(PRODUCTION),
            ),
            ("https://eu12.salesforce.com", Some(PRODUCTION)),
            ("https://test.salesforce.com", Some(SANDBOX)),
            ("https://acme--uat.sandbox.my.salesforce.com", Some(SANDBOX)),
            ("https://acme--uat.my.salesforce.com", Some(SANDBOX)),
            ("https://acme--uat.cs42.my.salesforce.com", Some(SANDBOX)),
            ("https://cs87.salesforce.com", Some(SANDBOX)),
            (
                "https://acme-dev-ed.develop.my.salesforce.com",
                Some(DEVELOPMENT),
            ),
            (
                "https://site-fun-1234.scratch.my.salesforce.com",
                Some(DEVELOPMENT),
            ),
            ("https://acme.patch.my.salesforce.com", Some(DEVELOPMENT)),
            ("https://help.salesforce.com/s/articleView", None),
            ("https://developer.salesforce.com/docs", None),
            ("https://acme.lightning.force.com", None),
            ("https://${SF_DOMAIN}.my.salesforce.com", None),
            ("https://%SF_HOST%/services/Soap/u/58.0", None),
            ("https://login.salesforce.com.evil.example", None),
            ("https://proxy.example.com:8080", None),
            ("", None),
        ];
        for (url, expected) in cases {
            assert_eq!(environment(url), expected, "{url}");
        }
    }
}
