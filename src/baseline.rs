//! Baselines: the findings a repository had when it adopted connlint,
//! recorded by fingerprint, so that CI fails only on new ones.
//!
//! A baseline is a JSON document meant to be committed:
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": {"name": "connlint", "version": "0.1.0"},
//!   "entries": [
//!     {"rule": "java.runtime-below-8", "path": "jobs/run.sh",
//!      "fingerprint": "connlint/v1:3f0c...:1", "value": "1.7.0_80",
//!      "message": "Java 1.7.0_80 is a runtime here ..."}
//!   ]
//! }
//! ```
//!
//! Entries are sorted by path, rule and fingerprint, one field per line, so
//! the file diffs well. Only the fingerprint is compared
//! ([`crate::fingerprint`]: rule, path, fact and the finding's line with
//! whitespace collapsed, never the line number), so findings keep matching
//! when lines move. `value` and `message` are for the humans reading the
//! diff; values of secrets are masked (`****`) like everywhere else, and
//! messages never hold a secret.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, FileError};
use crate::fingerprint::{self, SCHEME};
use crate::scan::Scan;
use crate::span::Span;

/// The version of the baseline format this connlint reads and writes.
pub const VERSION: u32 = 1;

/// A baseline: the fingerprints of accepted findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: Vec<Entry>,
}

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The finding's path, relative to the scanned root.
    pub path: String,
    /// Its rule.
    pub rule: String,
    /// `connlint/v1:<hash>:<n>`: what is compared.
    pub fingerprint: String,
    /// The fact's value (masked for secrets), for humans.
    pub value: String,
    /// The finding's message, for humans.
    pub message: String,
}

/// What a baseline did to a scan, for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BaselineCounts {
    /// Findings dropped because the baseline lists them.
    pub baselined: usize,
    /// Baseline entries that matched no finding: fixed (or changed).
    pub fixed: usize,
}

/// The document as written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u32,
    tool: Tool,
    entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tool {
    name: String,
    version: String,
}

impl Baseline {
    /// The findings of `scan` (after suppressions and config ignores).
    pub fn of(scan: &Scan) -> Self {
        let prints = fingerprint::fingerprints(&scan.findings, |path| {
            scan.sources.get(path).map(AsRef::as_ref)
        });
        let mut entries: Vec<Entry> = scan
            .findings
            .iter()
            .zip(prints)
            .map(|(finding, print)| Entry {
                path: finding.path.to_string(),
                rule: finding.rule.to_string(),
                fingerprint: format!("{SCHEME}:{print}"),
                value: finding.fact.value.clone(),
                message: finding.message.clone(),
            })
            .collect();
        entries.sort();
        Self { entries }
    }

    /// Reads the baseline in `text` (file `name`); a malformed one is an
    /// error pointing into it.
    pub fn parse(name: &str, text: &str) -> Result<Self, FileError> {
        let document: Document = serde_json::from_str(text).map_err(|e| {
            let at = offset(text, e.line(), e.column());
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            FileError::new(
                ErrorKind::Syntax,
                name,
                text,
                Some(Span::new(at, end)),
                format!("not a connlint baseline: {e}"),
            )
            .help("write one with `connlint check --write-baseline FILE`")
        })?;
        if document.version != VERSION {
            let span = static_regex!(r#""version"\s*:\s*(\d+)"#)
                .captures(text)
                .and_then(|c| c.get(1))
                .map(|m| Span::new(m.start(), m.end()));
            return Err(FileError::new(
                ErrorKind::Syntax,
                name,
                text,
                span,
                format!(
                    "baseline version {} is not supported (this connlint reads version {VERSION})",
                    document.version
                ),
            )
            .help("rewrite it with `connlint check --write-baseline FILE`"));
        }
        let prefix = format!("{SCHEME}:");
        if let Some(entry) = document
            .entries
            .iter()
            .find(|e| !e.fingerprint.starts_with(&prefix))
        {
            let quoted = format!("\"{}\"", entry.fingerprint);
            let span = text
                .find(&quoted)
                .map(|at| Span::new(at, at + quoted.len()));
            return Err(FileError::new(
                ErrorKind::Syntax,
                name,
                text,
                span,
                format!(
                    "fingerprint `{}` is not a {SCHEME} fingerprint",
                    entry.fingerprint
                ),
            )
            .label("not comparable")
            .help("rewrite the baseline with `connlint check --write-baseline FILE`"));
        }
        Ok(Self {
            entries: document.entries,
        })
    }

    /// The entries, sorted.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The document, pretty-printed with a final newline.
    pub fn to_json(&self) -> String {
        let document = Document {
            version: VERSION,
            tool: Tool {
                name: "connlint".to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            entries: self.entries.clone(),
        };
        // Plain strings and numbers: serialising them cannot fail.
        let mut json = serde_json::to_string_pretty(&document).unwrap_or_default();
        json.push('\n');
        json
    }

    /// Drops the findings of `scan` the baseline lists, and records how
    /// many it dropped and how many entries matched nothing in
    /// `scan.baseline`.
    pub fn apply(&self, scan: &mut Scan) {
        let known: HashSet<&str> = self
            .entries
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let prints = fingerprint::fingerprints(&scan.findings, |path| {
            scan.sources.get(path).map(AsRef::as_ref)
        });
        let mut matched = HashSet::new();
        let mut keep = Vec::with_capacity(prints.len());
        for print in prints {
            let print = format!("{SCHEME}:{print}");
            let listed = known.contains(print.as_str());
            if listed {
                matched.insert(print);
            }
            keep.push(!listed);
        }
        let before = scan.findings.len();
        let mut keep = keep.into_iter();
        scan.findings.retain(|_| keep.next().unwrap_or(true));
        scan.baseline = Some(BaselineCounts {
            baselined: before - scan.findings.len(),
            fixed: known.len() - matched.len(),
        });
    }
}

/// The byte offset of `serde_json`'s 1-based line and column (a column of 0
/// means the line's start).
fn offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_versions() {
        let baseline = Baseline {
            entries: vec![Entry {
                path: "run.sh".to_owned(),
                rule: "java.runtime-below-8".to_owned(),
                fingerprint: format!("{SCHEME}:00ff:1"),
                value: "1.7.0_80".to_owned(),
                message: "old".to_owned(),
            }],
        };
        let json = baseline.to_json();
        assert_eq!(Baseline::parse("b.json", &json).unwrap(), baseline);
        let newer = json.replace("\"version\": 1", "\"version\": 2");
        let error = Baseline::parse("b.json", &newer).unwrap_err();
        assert_eq!(&newer[error.span.unwrap().range()], "2");
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let text = "{\n  \"version\": 1,\n  \"tool\": {\"name\": \"connlint\", \"version\": \"0.1.0\"},\n  \"entries\": [}\n";
        let error = Baseline::parse("b.json", text).unwrap_err();
        assert_eq!(&text[error.span.unwrap().range()], "}");
        let unknown = text.replace("\"entries\": [}", "\"entries\": [], \"extra\": 1");
        let error = Baseline::parse("b.json", &unknown).unwrap_err();
        assert!(
            error.message.contains("unknown field `extra`"),
            "{}",
            error.message
        );
        let other = text.replace("[}", "[{\"path\": \"a\", \"rule\": \"r\", \"fingerprint\": \"sha:1\", \"value\": \"v\", \"message\": \"m\"}]}");
        let error = Baseline::parse("b.json", &other).unwrap_err();
        assert_eq!(&other[error.span.unwrap().range()], "\"sha:1\"");
    }
}
