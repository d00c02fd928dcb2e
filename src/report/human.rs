//! The human report: every finding as a miette diagnostic over its source
//! span, upcoming findings after current ones, problems, and a summary.
//!
//! Secret values never reach the terminal: the source handed to miette has
//! the bytes of every secret span replaced with `*` (same length, so spans
//! stay valid).

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use crate::facts::FactKind;
use crate::finding::{Finding, Severity};
use crate::report::{Counts, Emitter, upcoming_note};
use crate::scan::Scan;
use crate::source::SourceFile;

/// The human emitter.
pub struct Human {
    /// Colours and Unicode art.
    pub color: bool,
    /// Width to wrap at.
    pub width: usize,
}

impl Emitter for Human {
    fn emit(&mut self, out: &mut dyn Write, scan: &Scan) -> io::Result<()> {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(self.width)
            .with_links(false)
            .with_urls(false);
        let masked = masked_sources(scan);
        let (current, upcoming): (Vec<&Finding>, Vec<&Finding>) =
            scan.findings.iter().partition(|f| f.upcoming.is_none());
        for finding in &current {
            render(&handler, out, finding, &masked)?;
        }
        if !upcoming.is_empty() {
            writeln!(
                out,
                "Upcoming: these break on the date shown (reported one severity lower until then)\n"
            )?;
            for finding in &upcoming {
                render(&handler, out, finding, &masked)?;
            }
        }
        for problem in &scan.problems {
            let place = match (problem.span, scan.sources.get(&problem.path)) {
                (Some(at_span), Some(source)) => {
                    let at = source.lines.line_col(&source.text, at_span.start);
                    format!("{}:{}:{}", problem.path, at.line, at.column)
                }
                _ => problem.path.to_string(),
            };
            writeln!(out, "note: {place}: {}", problem.message)?;
        }
        if !scan.problems.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "{}", summary(scan))
    }
}

/// The one-line summary: files, findings by severity, time.
pub fn summary(scan: &Scan) -> String {
    let counts = Counts::of(scan);
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut line = format!(
        "connlint: {} scanned in {:.2}s: {}, {}, {}",
        plural(scan.files_scanned, "file"),
        scan.elapsed.as_secs_f64(),
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.infos, "info"),
    );
    if counts.upcoming > 0 {
        let _ = write!(line, " ({} upcoming)", counts.upcoming);
    }
    if scan.suppressed > 0 {
        let _ = write!(line, ", {} suppressed inline", scan.suppressed);
    }
    if scan.ignored > 0 {
        let _ = write!(line, ", {} ignored by config", scan.ignored);
    }
    if let Some(baseline) = scan.baseline {
        let _ = write!(line, ", {} baselined", baseline.baselined);
        if baseline.fixed > 0 {
            let entries = if baseline.fixed == 1 {
                "entry"
            } else {
                "entries"
            };
            let _ = write!(
                line,
                " ({} baseline {entries} no longer found: fixed)",
                baseline.fixed
            );
        }
    }
    if !scan.problems.is_empty() {
        let _ = write!(line, ", {}", plural(scan.problems.len(), "file note"));
    }
    line
}

fn render(
    handler: &GraphicalReportHandler,
    out: &mut dyn Write,
    finding: &Finding,
    masked: &BTreeMap<Arc<str>, String>,
) -> io::Result<()> {
    // Binary files (DER certificates, keystores) have no text to show:
    // their findings render without a snippet.
    let source = masked
        .get(&finding.path)
        .filter(|text| !finding.span.is_empty() && finding.span.end as usize <= text.len())
        .map(|text| NamedSource::new(finding.path.as_ref(), text.clone()));
    let mut help = help_text(finding);
    if source.is_none() {
        let file = format!("in {}", finding.path);
        help = Some(help.map_or_else(|| file.clone(), |h| format!("{file}\n{h}")));
    }
    let diagnostic = FindingDiagnostic {
        finding,
        source,
        help,
    };
    let mut rendered = String::new();
    handler
        .render_report(&mut rendered, &diagnostic)
        .map_err(|e| io::Error::other(e.to_string()))?;
    writeln!(out, "{rendered}")
}

fn help_text(finding: &Finding) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(help) = &finding.help {
        parts.push(help.clone());
    }
    parts.extend(upcoming_note(finding));
    parts.extend(finding.notes.iter().cloned());
    if let Some(url) = &finding.url {
        parts.push(format!("see {url}"));
    }
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// Every file with a finding, with each secret's bytes replaced by `*`.
fn masked_sources(scan: &Scan) -> BTreeMap<Arc<str>, String> {
    let mut out = BTreeMap::new();
    for finding in &scan.findings {
        if out.contains_key(&finding.path) {
            continue;
        }
        let Some(source) = scan.sources.get(&finding.path) else {
            continue;
        };
        out.insert(Arc::clone(&finding.path), mask(source, scan));
    }
    out
}

/// `source`'s text with the bytes of every secret, and the body of every
/// private key, replaced by `*`, keeping its length and line structure.
pub fn mask(source: &SourceFile, scan: &Scan) -> String {
    let mut bytes = source.text.as_bytes().to_vec();
    for fact in scan.facts.iter().filter(|f| f.path == source.path) {
        let range = match fact.kind {
            FactKind::Secret => fact.span.range(),
            // A private key's block keeps its BEGIN and END lines, so the
            // reader sees what it is, but never its key material.
            FactKind::PrivateKey => {
                let block = source.text.get(fact.span.range()).unwrap_or_default();
                let first = block.find('\n').map_or(block.len(), |i| i + 1);
                let last = block
                    .trim_end()
                    .rfind('\n')
                    .map_or(first, |i| i + 1)
                    .max(first);
                fact.span.start as usize + first..fact.span.start as usize + last
            }
            _ => continue,
        };
        for byte in bytes.iter_mut().take(range.end).skip(range.start) {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b'*';
            }
        }
    }
    // Replacing whole secret spans keeps UTF-8 valid only when spans sit on
    // char boundaries, which every extractor guarantees; fall back to a
    // lossy conversion rather than fail.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<String>>,
    help: Option<String>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("rule", &self.finding.rule)
            .finish()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        // connlint's own findings are about a suppression, not a fact.
        let label = match self.finding.fact.attr("suppression") {
            Some(check) => format!("suppression: {check}"),
            None => format!("{} {}", self.finding.fact.kind, self.finding.fact.value),
        };
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            self.finding.span,
        ))))
    }
}
