//! The client inventory, `connlint-clients.toml`: integration clients whose
//! settings live in a vendor's web UI (Informatica, SnapLogic, Tableau,
//! Boomi, Workiva, DocuSign...) declared by the team that runs them, so that
//! the rule packs can check them against the vendor notices like any file.
//!
//! ```toml
//! [[client]]
//! name = "Forecast load"         # optional, free text
//! product = "snaplogic"
//! version = "1.3"                # optional
//! auth = "certificate-anaplan"   # optional: basic, certificate-anaplan, certificate-ca, oauth, none
//! api = "2.0"                    # optional: the Anaplan API version a custom client calls
//! ```
//!
//! Each entry is one fact: `connector.version` (the version) when a version
//! is given, else `connector.use` (the product). Its attributes carry the
//! rest (`product`, `auth`, `api_version`, `name`, `source = inventory`), so
//! a rule sees one entry whole and never mixes two entries of one file.
//! Products that seed 001 lists as not affected by the Anaplan certificate
//! retirement (Workiva, DocuSign) get `anaplan_certificates = not-affected`.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// Products the inventory knows: the canonical name (as other extractors
/// write it in `product`) and the spellings accepted for it.
const PRODUCTS: &[(&str, &[&str])] = &[
    ("anaplan-connect", &["anaplan connect"]),
    (
        "anaplan-mule-connector",
        &["mulesoft", "mule", "anaplan connector for mulesoft"],
    ),
    (
        "informatica",
        &["informatica-anaplan", "informatica anaplan connector"],
    ),
    (
        "snaplogic",
        &["snaplogic-anaplan", "snaplogic anaplan snap pack"],
    ),
    (
        "tableau",
        &["tableau-anaplan", "tableau connector for anaplan"],
    ),
    ("boomi", &["dell boomi", "boomi anaplan connector"]),
    ("workiva", &[]),
    ("docusign", &["docusign integration"]),
    ("custom", &["custom api client"]),
];

/// Products seed 001 names as not affected by the certificate retirement.
const NOT_AFFECTED: &[&str] = &["workiva", "docusign"];

/// The `auth.method` values of docs/facts.md.
const AUTH_METHODS: &[&str] = &[
    "basic",
    "certificate-anaplan",
    "certificate-ca",
    "oauth",
    "none",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inventory {
    #[serde(default)]
    client: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    name: Option<String>,
    product: Spanned<String>,
    #[serde(default)]
    version: Option<Spanned<String>>,
    #[serde(default)]
    auth: Option<Spanned<String>>,
    #[serde(default)]
    api: Option<Spanned<String>>,
}

/// Extracts one fact per `[[client]]` entry; an unknown product or auth
/// method, or a file that is not valid TOML, is a problem at its span.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut out = Extraction::default();
    let inventory: Inventory = match toml::from_str(&source.text) {
        Ok(inventory) => inventory,
        Err(error) => {
            let message = format!("not a client inventory: {}", error.message().trim());
            out.problems.push(match error.span() {
                Some(range) => Problem::at(&source.path, span(&range), message),
                None => Problem::file(&source.path, message),
            });
            return out;
        }
    };
    for entry in inventory.client {
        if let Some(fact) = entry_fact(&entry, source, &mut out.problems) {
            out.facts.push(fact);
        }
    }
    out
}

fn entry_fact(entry: &Entry, source: &SourceFile, problems: &mut Vec<Problem>) -> Option<Fact> {
    let Some(product) = canonical_product(entry.product.get_ref()) else {
        let names: Vec<&str> = PRODUCTS.iter().map(|(name, _)| *name).collect();
        problems.push(Problem::at(
            &source.path,
            value_span(&entry.product, &source.text),
            format!(
                "unknown product `{}`; known: {}",
                entry.product.get_ref(),
                names.join(", ")
            ),
        ));
        return None;
    };
    let mut fact = match &entry.version {
        Some(version) if !version.get_ref().trim().is_empty() => Fact::new(
            FactKind::ConnectorVersion,
            version.get_ref().trim(),
            &source.path,
            value_span(version, &source.text),
        ),
        _ => Fact::new(
            FactKind::ConnectorUse,
            product,
            &source.path,
            value_span(&entry.product, &source.text),
        ),
    }
    .with("product", product)
    .with("source", "inventory");
    if let Some(auth) = &entry.auth {
        let method = auth.get_ref().trim().to_ascii_lowercase();
        if AUTH_METHODS.contains(&method.as_str()) {
            fact = fact.with("auth", method);
        } else {
            problems.push(Problem::at(
                &source.path,
                value_span(auth, &source.text),
                format!(
                    "unknown auth method `{}`; known: {}",
                    auth.get_ref(),
                    AUTH_METHODS.join(", ")
                ),
            ));
        }
    }
    if let Some(api) = &entry.api {
        fact = fact.with("api_version", api.get_ref().trim());
    }
    if let Some(name) = &entry.name {
        fact = fact.with("name", name.trim());
    }
    if NOT_AFFECTED.contains(&product) {
        fact = fact.with("anaplan_certificates", "not-affected");
    }
    Some(fact)
}

fn canonical_product(written: &str) -> Option<&'static str> {
    let lower = written.trim().to_ascii_lowercase();
    PRODUCTS
        .iter()
        .find(|(name, aliases)| *name == lower || aliases.contains(&lower.as_str()))
        .map(|(name, _)| *name)
}

/// The span of a string's content, inside its quotes. An escaped string's
/// content differs from its raw text; then the span covers the whole
/// literal, quotes included.
fn value_span(value: &Spanned<String>, text: &str) -> Span {
    let range = value.span();
    let raw = text.get(range.clone()).unwrap_or("");
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if let Some(inner) = raw
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            if inner == value.get_ref() {
                let start = range.start + quote.len();
                return span(&(start..start + inner.len()));
            }
            break;
        }
    }
    span(&range)
}

fn span(range: &Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

/// The file name the inventory is read from.
pub fn is_inventory(name: &str) -> bool {
    name == "connlint-clients.toml" || name.ends_with(".connlint-clients.toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_support::{Row, row, rows};

    fn read(text: &str) -> (Vec<Row>, Vec<String>) {
        let source = SourceFile::new("connlint-clients.toml", text);
        let out = extract(&source);
        assert!(out.spans_are_valid(text));
        let problems = out
            .problems
            .iter()
            .map(|p| {
                let at = p.span.map(|s| text[s.range()].to_owned());
                format!("{}: {}", at.unwrap_or_default(), p.message)
            })
            .collect();
        (rows(&out.facts, text), problems)
    }

    #[test]
    fn entries_become_one_fact_each_with_the_rest_as_attributes() {
        let text = "\u{feff}# clients configured in vendor UIs\r\n\
            [[client]]\r\nname = \"Forecast load\"\r\nproduct = \"SnapLogic\"\r\nversion = '1.3'\r\nauth = \"certificate-anaplan\"\r\n\r\n\
            [[client]]\r\nproduct = \"workiva\"\r\nauth = \"basic\"\r\n\r\n\
            [[client]]\r\nproduct = \"custom\"\r\napi = \"1.3\"\r\n";
        let (facts, problems) = read(text);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            facts,
            vec![
                row(
                    "connector.version",
                    "1.3",
                    "1.3",
                    "auth=certificate-anaplan name=Forecast load product=snaplogic source=inventory"
                ),
                row(
                    "connector.use",
                    "workiva",
                    "workiva",
                    "anaplan_certificates=not-affected auth=basic product=workiva source=inventory"
                ),
                row(
                    "connector.use",
                    "custom",
                    "custom",
                    "api_version=1.3 product=custom source=inventory"
                ),
            ]
        );
    }

    #[test]
    fn unknown_products_and_auth_methods_are_problems_at_their_value() {
        let text = "[[client]]\nproduct = \"talend\"\n\n[[client]]\nproduct = \"tableau\"\nversion = \"1.0\"\nauth = \"cert\"\n";
        let (facts, problems) = read(text);
        assert_eq!(
            facts,
            vec![row(
                "connector.version",
                "1.0",
                "1.0",
                "product=tableau source=inventory"
            )]
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("talend: unknown product `talend`; known: anaplan-connect, ")
        );
        assert!(problems[1].starts_with("cert: unknown auth method `cert`; known: basic, "));
    }

    #[test]
    fn malformed_files_and_unknown_keys_are_problems() {
        let (facts, problems) = read("[[client]]\nproduct = \"boomi\"\nversoin = \"1.2\"\n");
        assert!(facts.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("not a client inventory: unknown field `versoin`"),
            "{problems:?}"
        );
        let (facts, problems) = read("[[client]\nproduct = ");
        assert!(facts.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        let (facts, problems) = read("");
        assert!(facts.is_empty() && problems.is_empty());
    }

    #[test]
    fn escaped_strings_span_the_whole_literal() {
        let (facts, _) = read("[[client]]\nproduct = \"boomi\"\nversion = \"1\\u002E2\"\n");
        assert_eq!(
            facts,
            vec![row(
                "connector.version",
                "1.2",
                "\"1\\u002E2\"",
                "product=boomi source=inventory"
            )]
        );
    }
}
