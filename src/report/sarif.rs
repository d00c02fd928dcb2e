//! `--format sarif`: a SARIF 2.1.0 log with one run, for GitHub code
//! scanning and other SARIF viewers.
//!
//! - `tool.driver.rules` lists every rule of the run (sorted by id) with its
//!   title, description, fix, notice URL, level and tags; results point into
//!   it with `ruleIndex`.
//! - Locations are relative to `%SRCROOT%` (see [`Root`]); regions count
//!   columns in Unicode code points (`columnKind`), 1-based, the end column
//!   exclusive, exactly as [`LineIndex`](crate::span::LineIndex) does.
//!   Files without text (DER, PKCS#12, JKS) get a location without region.
//! - No snippet, no context region, no file content: a finding's line may
//!   hold a secret, and messages never name one.
//! - `partialFingerprints` carry [`fingerprint::SCHEME`], which survives
//!   lines moving up or down.
//! - Problems (files skipped or partly read) are `toolExecutionNotifications`
//!   of the one invocation, which is successful: the scan went on.
//!
//! The output types are private and separate from the engine's, so a
//! refactor never changes the document.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::facts::FactKind;
use crate::finding::{Finding, Severity};
use crate::fingerprint;
use crate::report::{Emitter, Root, encode_uri_path};
use crate::rules::eval::Active;
use crate::scan::Scan;
use crate::source::SourceFile;
use crate::span::Span;

/// The SARIF emitter.
pub struct Sarif<'r> {
    /// The rules of the run, with their configured severity.
    pub rules: Vec<Active<'r>>,
    /// Where paths are anchored.
    pub root: Root,
    /// The as-of date, recorded in the run's properties.
    pub as_of: time::Date,
}

/// The `uriBaseId` of every location.
pub const SRCROOT: &str = "%SRCROOT%";

/// The `$schema` of the log: the OASIS standard's schema (with errata).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

impl Emitter for Sarif<'_> {
    fn emit(&mut self, out: &mut dyn Write, scan: &Scan) -> io::Result<()> {
        let mut actives: Vec<&Active<'_>> = self.rules.iter().collect();
        actives.sort_by(|a, b| a.rule.id.cmp(&b.rule.id));
        actives.dedup_by(|a, b| a.rule.id == b.rule.id);
        let index: BTreeMap<&str, usize> = actives
            .iter()
            .enumerate()
            .map(|(i, a)| (&*a.rule.id, i))
            .collect();
        let source = |path: &str| scan.sources.get(path).map(AsRef::as_ref);
        let prints = fingerprint::fingerprints(&scan.findings, source);
        let results = scan
            .findings
            .iter()
            .zip(prints)
            .map(|(finding, print)| {
                self.result(finding, index.get(&*finding.rule).copied(), print, scan)
            })
            .collect();
        let notifications = scan
            .problems
            .iter()
            .map(|problem| Notification {
                level: "warning",
                message: Message::new(&problem.message),
                locations: vec![Location::file(
                    &self.root,
                    &problem.path,
                    problem
                        .span
                        .and_then(|span| region(source(&problem.path), span)),
                )],
            })
            .collect();
        let log = Log {
            schema: SCHEMA_URI,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "connlint",
                        version: env!("CARGO_PKG_VERSION"),
                        semantic_version: env!("CARGO_PKG_VERSION"),
                        information_uri: information_uri(),
                        rules: actives.iter().map(|a| descriptor(a)).collect(),
                    },
                },
                invocations: [Invocation {
                    execution_successful: true,
                    tool_execution_notifications: notifications,
                }],
                original_uri_base_ids: self.root.uri.as_deref().map(|uri| {
                    BTreeMap::from([(
                        SRCROOT,
                        BaseUri {
                            uri,
                            description: Message::new(
                                "The directory that paths are relative to: where connlint ran, or the scanned directory when it lies outside.",
                            ),
                        },
                    )])
                }),
                column_kind: "unicodeCodePoints",
                results,
                properties: RunProperties {
                    as_of: self.as_of.to_string(),
                },
            }],
        };
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

impl Sarif<'_> {
    fn result<'s>(
        &self,
        finding: &'s Finding,
        rule_index: Option<usize>,
        fingerprint: String,
        scan: &Scan,
    ) -> ResultOut<'s> {
        let source = scan.sources.get(&finding.path).map(AsRef::as_ref);
        ResultOut {
            rule_id: &finding.rule,
            rule_index,
            level: level(finding.severity),
            message: Message::new(&finding.message),
            locations: vec![Location::file(
                &self.root,
                &finding.path,
                region(source, finding.span),
            )],
            related_locations: related(&self.root, finding),
            partial_fingerprints: BTreeMap::from([(fingerprint::SCHEME, fingerprint)]),
            properties: finding.upcoming.map(|date| ResultProperties {
                upcoming: date.to_string(),
            }),
        }
    }
}

/// The tool's home page, from the package metadata (none when unset).
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor<'a>(active: &Active<'a>) -> RuleOut<'a> {
    let rule = active.rule;
    RuleOut {
        id: &rule.id,
        name: pascal_case(&rule.id),
        short_description: Message::new(&rule.title),
        full_description: Message::new(
            rule.description
                .as_deref()
                .map_or(rule.title.as_str(), str::trim),
        ),
        help: rule.help.as_deref().map(|help| MultiformatMessage {
            text: help,
            markdown: help,
        }),
        help_uri: rule.url.as_deref(),
        default_configuration: Configuration {
            level: level(active.severity),
        },
        properties: RuleProperties {
            tags: &rule.tags,
            since: rule.since.map(|date| date.to_string()),
        },
    }
}

/// `anaplan.java-below-8u161` → `AnaplanJavaBelow8u161`: SARIF's rule
/// `name` is an identifier-like friendly name.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The region of `span`, or `None` for files without text.
fn region(source: Option<&SourceFile>, span: Span) -> Option<Region> {
    let source = source?;
    if span.end as usize > source.text.len() {
        return None;
    }
    let (start, end) = source.lines.span_line_cols(&source.text, span);
    Some(Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    })
}

/// The files a finding's notes name: the jobs that use a value written in
/// a sourced file (`used by ...`), and the certificate file behind a
/// reference. Locations only: the notes' text is kept as their message.
fn related(root: &Root, finding: &Finding) -> Vec<Location> {
    finding
        .notes
        .iter()
        .filter_map(|note| {
            let path = note.strip_prefix("used by ").or_else(|| {
                (finding.fact.kind == FactKind::CertReference
                    && note.starts_with("the certificate file: "))
                .then(|| finding.fact.attr("resolved"))
                .flatten()
            })?;
            let mut location = Location::file(root, path, None);
            location.message = Some(Message::new(note));
            Some(location)
        })
        .enumerate()
        .map(|(id, mut location)| {
            location.id = Some(id);
            location
        })
        .collect()
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, BaseUri<'a>>>,
    column_kind: &'static str,
    results: Vec<ResultOut<'a>>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<RuleOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleOut<'a> {
    id: &'a str,
    name: String,
    short_description: Message,
    full_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<MultiformatMessage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct MultiformatMessage<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    /// The date from which the rule reports at its full level.
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct BaseUri<'a> {
    uri: &'a str,
    description: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

#[derive(Serialize)]
struct ResultProperties {
    /// The rule's `since` date: the finding is reported one level lower
    /// until then.
    upcoming: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    /// "Today" for rule dates and certificate validity.
    as_of: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[expect(clippy::struct_field_names, reason = "SARIF names the field")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

impl Location {
    fn file(root: &Root, path: &str, region: Option<Region>) -> Self {
        Self {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: encode_uri_path(&root.path(path), false),
                    uri_base_id: SRCROOT,
                },
                region,
            },
            message: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_pascal_case_identifiers() {
        assert_eq!(
            pascal_case("anaplan.java-below-8u161"),
            "AnaplanJavaBelow8u161"
        );
        assert_eq!(pascal_case("tls.weak-cipher"), "TlsWeakCipher");
    }

    #[test]
    fn regions_count_code_points_from_one_with_an_exclusive_end() {
        // `é` is 2 bytes and `😀` 4 bytes (2 UTF-16 units), each 1 code point:
        // `1.7.0_80` starts at code point 9 (UTF-16 unit 10, byte 12).
        let source = SourceFile::new("run.sh", "# café\r\nX=é😀/jdk1.7.0_80\r\n");
        let start = source.text.find("1.7").unwrap();
        let span = Span::new(start, start + "1.7.0_80".len());
        let found = region(Some(&source), span).unwrap();
        assert_eq!(
            (
                found.start_line,
                found.start_column,
                found.end_line,
                found.end_column
            ),
            (2, 9, 2, 17)
        );
        assert!(region(None, span).is_none(), "files without text");
    }
}
