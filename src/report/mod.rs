//! Reports: one emitter per output format, each writing to the `dyn Write`
//! it is handed. The library never prints.

pub mod facts;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod rule_doc;
pub mod sarif;

use std::fmt::Write as _;
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

/// Where the CI formats (SARIF, GitHub annotations, JUnit) anchor paths.
///
/// Findings carry paths relative to the scanned directory. CI services
/// resolve paths against the checkout, the directory connlint runs in, so
/// these formats prepend the scanned directory's path from there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Root {
    /// Prepended to every finding's path: the scanned directory relative to
    /// the working directory, with `/` separators and a trailing `/`; empty
    /// when the paths are already relative to the working directory.
    pub prefix: String,
    /// The absolute `file:` URI, ending in `/`, that prefixed paths are
    /// relative to (SARIF's `%SRCROOT%`); `None` when there is no single one.
    pub uri: Option<String>,
}

impl Root {
    /// The path of `rel` (relative to the scanned directory) as CI tools
    /// should see it.
    pub fn path(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }
}

/// The `file:` URI of an absolute directory path, ending in `/`, with
/// every byte outside the URI path characters percent-encoded.
pub fn directory_uri(absolute: &str) -> String {
    let path = absolute.replace('\\', "/");
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        return "file:///".to_owned();
    }
    // `C:/x` (Windows) becomes `file:///C:/x/`; `/x` becomes `file:///x/`.
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{}/", encode_uri_path(path, true))
}

/// Percent-encodes `path` for use as a URI path: unreserved characters,
/// sub-delimiters, `@` and `/` stay, and so does `:` when `colon` (it would
/// start a scheme in the first segment of a relative reference).
pub fn encode_uri_path(path: &str, colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (colon && byte == b':');
        if keep {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_keep_path_characters_and_encode_the_rest() {
        assert_eq!(encode_uri_path("jobs/run.sh", false), "jobs/run.sh");
        assert_eq!(
            encode_uri_path("a b/c%d#e?f/café.sh", false),
            "a%20b/c%25d%23e%3Ff/caf%C3%A9.sh"
        );
        // `c:x` as a relative reference would read as scheme `c`.
        assert_eq!(encode_uri_path("c:x/y", false), "c%3Ax/y");
        assert_eq!(encode_uri_path("c:x/y", true), "c:x/y");
        assert_eq!(encode_uri_path("it's(1),+[2]", false), "it's(1),+%5B2%5D");
    }

    #[test]
    fn directory_uris_are_absolute_and_end_in_a_slash() {
        assert_eq!(directory_uri("/work/my repo"), "file:///work/my%20repo/");
        assert_eq!(directory_uri("/work/repo/"), "file:///work/repo/");
        assert_eq!(directory_uri(r"C:\work\repo"), "file:///C:/work/repo/");
        assert_eq!(directory_uri("/"), "file:///");
    }

    #[test]
    fn root_prefixes_paths() {
        let root = Root {
            prefix: "sub/dir/".to_owned(),
            uri: None,
        };
        assert_eq!(root.path("jobs/run.sh"), "sub/dir/jobs/run.sh");
        assert_eq!(Root::default().path("jobs/run.sh"), "jobs/run.sh");
    }
}
