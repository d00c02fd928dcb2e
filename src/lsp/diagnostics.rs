//! Findings, file problems and broken config or pack files as LSP
//! diagnostics, each with the hover text and quick fix the server answers
//! with on its range.
//!
//! Nothing here puts file text into a diagnostic: messages are the
//! findings' own (which never hold a secret), and ranges are positions.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeAction, CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, Position, Range, Uri,
};
use miette::Diagnostic as _;

use crate::classify::FileKind;
use crate::error::FileError;
use crate::facts::Problem;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::scan::Scan;

use super::actions;
use super::documents::path_to_uri;
use super::position::LineMap;

/// The `source` of every diagnostic.
pub const SOURCE: &str = "connlint";

/// One published diagnostic and what the server answers on its range.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The diagnostic as sent.
    pub diagnostic: Diagnostic,
    /// Markdown for `textDocument/hover` (the rule explained).
    pub hover: Option<String>,
    /// The suppression quick fix, when the file has comments.
    pub fix: Option<CodeAction>,
}

/// What the diagnostics of one document are computed from.
pub struct Context<'a> {
    /// The document's URI.
    pub uri: &'a Uri,
    /// The text the findings' spans index (the editor's buffer).
    pub map: &'a LineMap<'a>,
    /// How the file was read (for its comment syntax).
    pub kind: Option<FileKind>,
    /// The scanned root (related places are relative to it).
    pub root: &'a Path,
    /// The scan that produced the findings.
    pub scan: &'a Scan,
    /// The text of other open documents, for related places in them.
    pub open_text: &'a dyn Fn(&Path) -> Option<std::sync::Arc<str>>,
}

/// The diagnostic of a finding in the document of `context`.
pub fn finding_item(context: &Context<'_>, finding: &Finding, rule: Option<&Rule>) -> Item {
    let range = context.map.range(finding.span);
    let mut message = finding.message.clone();
    if let Some(date) = finding.upcoming {
        let _ = write!(
            message,
            "\nupcoming: becomes {} on {date}",
            raised(finding.severity).name()
        );
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|related| {
            let path = absolute(context.root, &related.path);
            let uri = path_to_uri(&path)?;
            let range = related
                .span
                .map(|span| related_range(context, &path, &related.path, span))
                .unwrap_or_default();
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, range),
                message: related.message.clone(),
            })
        })
        .collect();
    let diagnostic = Diagnostic {
        range,
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: finding
            .url
            .as_deref()
            .and_then(|url| url.parse::<Uri>().ok())
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    };
    let fix = context.kind.and_then(|kind| {
        actions::suppression(context.uri, context.map, kind, finding, &diagnostic)
    });
    Item {
        hover: Some(actions::hover(finding, rule, fix.is_some())),
        fix,
        diagnostic,
    }
}

/// The diagnostic of a file problem (a parse error at a place, or a note
/// on the whole file such as "skipped: binary file").
pub fn problem_item(map: &LineMap<'_>, problem: &Problem) -> Item {
    let (range, severity, code) = match problem.span {
        Some(span) => (
            map.range(span),
            DiagnosticSeverity::WARNING,
            Some(NumberOrString::String("parse-error".to_owned())),
        ),
        None => (Range::default(), DiagnosticSeverity::INFORMATION, None),
    };
    Item {
        diagnostic: Diagnostic {
            range,
            severity: Some(severity),
            code,
            source: Some(SOURCE.to_owned()),
            message: problem.message.clone(),
            ..Diagnostic::default()
        },
        hover: None,
        fix: None,
    }
}

/// The diagnostic of a broken config or pack file whose text is `text`.
pub fn file_error_item(text: &str, error: &FileError) -> Item {
    let map = LineMap::new(text);
    let range = error.span.map(|span| map.range(span)).unwrap_or_default();
    let mut message = error.message.clone();
    if error.label != "here" {
        let _ = write!(message, " ({})", error.label);
    }
    if let Some(help) = &error.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    message.push_str("\nconnlint keeps using the last rules that loaded");
    Item {
        diagnostic: Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::ERROR),
            code: error
                .code()
                .map(|code| NumberOrString::String(code.to_string())),
            source: Some(SOURCE.to_owned()),
            message,
            ..Diagnostic::default()
        },
        hover: None,
        fix: None,
    }
}

/// A diagnostic at the top of a file that cannot be pointed into (a pack
/// named in the config that does not exist).
pub fn message_item(message: &str) -> Item {
    Item {
        diagnostic: Diagnostic {
            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some(SOURCE.to_owned()),
            message: format!("{message}\nconnlint keeps using the last rules that loaded"),
            ..Diagnostic::default()
        },
        hover: None,
        fix: None,
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

fn raised(severity: Severity) -> Severity {
    match severity {
        Severity::Info => Severity::Warning,
        Severity::Warning | Severity::Error => Severity::Error,
    }
}

/// A path of the scan (relative to the root, or absolute outside it).
fn absolute(root: &Path, path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}

/// The range of a span in another file: over its open buffer, else over
/// the text the scan read; the file's start when neither is known.
fn related_range(context: &Context<'_>, path: &Path, rel: &str, span: crate::span::Span) -> Range {
    if let Some(text) = (context.open_text)(path) {
        return LineMap::new(&text).range(span);
    }
    match context.scan.sources.get(rel) {
        Some(source) => LineMap::new(&source.text).range(span),
        None => Range::default(),
    }
}
