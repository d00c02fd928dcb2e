//! Reports: one emitter per output format, each writing to the `dyn Write`
//! it is handed. The library never prints.

pub mod facts;
pub mod human;
pub mod json;
pub mod rule_doc;

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::scan::Scan;
use crate::source::SourceFile;
use crate::span::{LineCol, Span};

/// Something that renders a scan.
pub trait Emitter {
    /// Writes the report of `scan` to `out`.
    fn emit(&mut self, out: &mut dyn Write, scan: &Scan) -> io::Result<()>;
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
    /// Findings whose rule date lies ahead.
    pub upcoming: usize,
}

impl Counts {
    /// Counts the findings of `scan`.
    pub fn of(scan: &Scan) -> Self {
        let mut counts = Self::default();
        for finding in &scan.findings {
            match finding.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Info => counts.infos += 1,
            }
            counts.upcoming += usize::from(finding.upcoming.is_some());
        }
        counts
    }

    /// All findings.
    pub fn total(self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// Start and end (exclusive) line/column of `span` in `source`, or 0s when
/// the source is unknown.
pub fn position(source: Option<&SourceFile>, span: Span) -> (LineCol, LineCol) {
    source.map_or(
        (
            LineCol { line: 0, column: 0 },
            LineCol { line: 0, column: 0 },
        ),
        |s| s.lines.span_line_cols(&s.text, span),
    )
}

/// The severity an upcoming finding gets once its date has passed.
pub fn raised(severity: Severity) -> Severity {
    match severity {
        Severity::Info => Severity::Warning,
        Severity::Warning | Severity::Error => Severity::Error,
    }
}

/// "upcoming: becomes error on 2028-06-01" for an upcoming finding.
pub fn upcoming_note(finding: &Finding) -> Option<String> {
    finding.upcoming.map(|date| {
        format!(
            "upcoming: becomes {} on {date}",
            raised(finding.severity).name()
        )
    })
}
