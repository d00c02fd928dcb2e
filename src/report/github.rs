//! `--format github`: one GitHub Actions workflow command per finding, which
//! the runner turns into an annotation on the file and line:
//!
//! ```text
//! ::error file=jobs/run.sh,line=2,col=34,endLine=2,endColumn=42,title=RULE%3A title::message
//! ```
//!
//! Errors are `::error`, warnings `::warning`, infos `::notice`; problems
//! (files skipped or partly read) are `::warning`. Columns count characters
//! from 1 and the end column is exclusive, as in the JSON report; a
//! multi-line span gives lines only (annotations take columns on one line).
//! The message is the finding's message and its fix, never source text.

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::report::{Emitter, Root, position, upcoming_note};
use crate::scan::Scan;
use crate::span::Span;

/// The GitHub Actions emitter.
pub struct Github {
    /// Where paths are anchored.
    pub root: Root,
}

impl Emitter for Github {
    fn emit(&mut self, out: &mut dyn Write, scan: &Scan) -> io::Result<()> {
        for finding in &scan.findings {
            let command = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut properties = self.place(scan, &finding.path, Some(finding.span));
            properties.push(("title", format!("{}: {}", finding.rule, finding.title)));
            write_command(out, command, &properties, &message(finding))?;
        }
        for problem in &scan.problems {
            let mut properties = self.place(scan, &problem.path, problem.span);
            properties.push(("title", "connlint: file skipped or partly read".to_owned()));
            write_command(out, "warning", &properties, &problem.message)?;
        }
        Ok(())
    }
}

impl Github {
    /// `file`, and `line`/`col`/`endLine`/`endColumn` when the file has text.
    fn place(&self, scan: &Scan, path: &str, at: Option<Span>) -> Vec<(&'static str, String)> {
        let mut properties = vec![("file", self.root.path(path))];
        let source = scan.sources.get(path).map(AsRef::as_ref);
        let Some(at) = at.filter(|s| source.is_some_and(|t| s.end as usize <= t.text.len())) else {
            return properties;
        };
        let (start, end) = position(source, at);
        properties.push(("line", start.line.to_string()));
        if start.line == end.line {
            properties.push(("col", start.column.to_string()));
            properties.push(("endLine", end.line.to_string()));
            properties.push(("endColumn", end.column.to_string()));
        } else {
            properties.push(("endLine", end.line.to_string()));
        }
        properties
    }
}

/// Escapes the data part of a workflow command (after `::`).
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a property value of a workflow command (`file=`, `title=`):
/// the data escapes plus `:` and `,`, which end values.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The annotation text: the message, the upcoming date, the fix, the link.
fn message(finding: &Finding) -> String {
    let mut lines = vec![finding.message.clone()];
    lines.extend(upcoming_note(finding));
    lines.extend(finding.notes.iter().cloned());
    lines.extend(finding.help.clone());
    lines.extend(finding.url.as_ref().map(|url| format!("see {url}")));
    lines.join("\n")
}

fn write_command(
    out: &mut dyn Write,
    command: &str,
    properties: &[(&str, String)],
    message: &str,
) -> io::Result<()> {
    let properties: Vec<String> = properties
        .iter()
        .map(|(name, value)| format!("{name}={}", escape_property(value)))
        .collect();
    writeln!(
        out,
        "::{command} {}::{}",
        properties.join(","),
        escape_data(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_ends_only() {
        assert_eq!(
            escape_data("100% done\r\nnext: a, b"),
            "100%25 done%0D%0Anext: a, b"
        );
        // Escaping `%` first keeps an existing escape literal.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_escape_all_five_characters() {
        assert_eq!(escape_property("a%b\rc\nd:e,f"), "a%25b%0Dc%0Ad%3Ae%2Cf");
        assert_eq!(
            escape_property("anaplan.java-below-8u161: Java, old"),
            "anaplan.java-below-8u161%3A Java%2C old"
        );
        assert_eq!(escape_property("%3A"), "%253A");
    }

    #[test]
    fn a_command_joins_escaped_properties_with_commas() {
        let mut out = Vec::new();
        write_command(
            &mut out,
            "error",
            &[
                ("file", "dir,x/a:b.sh".to_owned()),
                ("line", "3".to_owned()),
            ],
            "one\ntwo, 50%",
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=dir%2Cx/a%3Ab.sh,line=3::one%0Atwo, 50%25\n"
        );
    }
}
