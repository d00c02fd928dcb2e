//! Findings: a rule's verdict on one fact. Plain data; every output format
//! renders it its own way.

use std::sync::Arc;

use crate::facts::Fact;
pub use crate::rules::schema::Severity;
use crate::span::Span;

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's id.
    pub rule: Arc<str>,
    /// Effective severity (after overrides, and one lower when upcoming).
    pub severity: Severity,
    /// The rule's title.
    pub title: String,
    /// The message, filled for this fact. Never contains a secret.
    pub message: String,
    /// The file, relative to the scan root.
    pub path: Arc<str>,
    /// The primary span: the value that caused the finding.
    pub span: Span,
    /// The fact behind it.
    pub fact: Fact,
    /// The fix.
    pub help: Option<String>,
    /// The notice or standard.
    pub url: Option<String>,
    /// Set when the rule's `since` date is after the as-of date.
    pub upcoming: Option<time::Date>,
    /// Context, such as the jobs that use a value from a sourced file.
    pub notes: Vec<String>,
    /// The places behind the notes that have one (the job that uses a
    /// value, the certificate file behind a config line), for outputs
    /// that link them (the editor's related information).
    pub related: Vec<Related>,
}

/// A secondary place of a finding, with what it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Related {
    /// The file, relative to the scan root (or absolute when outside it).
    pub path: Arc<str>,
    /// Where in the file (`None`: the file as a whole).
    pub span: Option<Span>,
    /// What it is, e.g. `used by jobs/run.sh`.
    pub message: String,
}

impl Finding {
    /// The order findings are reported in: path, position, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (&self.path, self.span.start, self.span.end, &self.rule)
    }
}
