//! `--format junit`: JUnit XML for CI test-report views (GitLab
//! `artifacts:reports:junit`, Jenkins, Azure DevOps).
//!
//! One `<testsuites>` holding one `<testsuite name="connlint">`, and in it:
//! - one failing `<testcase>` per file and rule with findings
//!   (`classname` = the file, `name` = the rule id, `file` = the file), with
//!   one `<failure>` whose `type` is the worst severity, whose `message` is
//!   the first finding's message, and whose text lists every finding as
//!   `path:line:column: severity: message`, then the fix. One failure per
//!   test case because GitLab and Jenkins read only one; one test case per
//!   file and rule (not per finding) so its name stays the same when lines
//!   move, and GitLab's comparison with the target branch holds;
//! - one skipped test case per problem (a file skipped or partly read);
//! - a single passing test case, `no findings`, when there is no finding,
//!   so the report never shows an empty suite.
//!
//! No timings or versions: the output is deterministic. Text is escaped for
//! XML 1.0, and characters it cannot carry (control characters other than
//! tab, line feed and carriage return) become U+FFFD. Source text is never
//! included.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::finding::Finding;
use crate::report::{Emitter, Root, position, upcoming_note};
use crate::scan::Scan;

/// The JUnit emitter.
pub struct Junit {
    /// Where paths are anchored.
    pub root: Root,
}

impl Emitter for Junit {
    fn emit(&mut self, out: &mut dyn Write, scan: &Scan) -> io::Result<()> {
        let mut cases: BTreeMap<(String, &str), Vec<&Finding>> = BTreeMap::new();
        for finding in &scan.findings {
            cases
                .entry((self.root.path(&finding.path), &finding.rule))
                .or_default()
                .push(finding);
        }
        let failures = cases.len();
        let skipped = scan.problems.len();
        let tests = failures.max(1) + skipped;
        let counts =
            format!(r#"tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}""#);
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(out, r#"<testsuites name="connlint" {counts}>"#)?;
        writeln!(out, r#"  <testsuite name="connlint" {counts}>"#)?;
        for ((path, rule), findings) in &cases {
            let path = escape_attribute(path);
            writeln!(
                out,
                r#"    <testcase classname="{path}" name="{}" file="{path}">"#,
                escape_attribute(rule)
            )?;
            let worst = findings.iter().map(|f| f.severity).max();
            let mut message = findings[0].message.clone();
            if findings.len() > 1 {
                let _ = write!(message, " (and {} more)", findings.len() - 1);
            }
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                worst.map_or("error", |s| s.name()),
                escape_attribute(&message),
                escape_text(&self.failure_text(scan, findings)),
            )?;
            writeln!(out, "    </testcase>")?;
        }
        if cases.is_empty() {
            writeln!(
                out,
                r#"    <testcase classname="connlint" name="no findings"/>"#
            )?;
        }
        for problem in &scan.problems {
            let line = problem.span.and_then(|span| {
                let (start, _) = position(scan.sources.get(&problem.path).map(AsRef::as_ref), span);
                (start.line > 0).then_some(start.line)
            });
            let message = match line {
                Some(line) => format!("line {line}: {}", problem.message),
                None => problem.message.clone(),
            };
            let path = escape_attribute(&self.root.path(&problem.path));
            writeln!(
                out,
                r#"    <testcase classname="{path}" name="file-note" file="{path}">"#
            )?;
            writeln!(
                out,
                r#"      <skipped message="{}"/>"#,
                escape_attribute(&message)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
        writeln!(out, "</testsuites>")
    }
}

impl Junit {
    /// Every finding of one file and rule on its own line, then the fix
    /// and the link (the same for all: one rule).
    fn failure_text(&self, scan: &Scan, findings: &[&Finding]) -> String {
        let mut lines = Vec::new();
        for finding in findings {
            let path = self.root.path(&finding.path);
            let source = scan.sources.get(&finding.path).map(AsRef::as_ref);
            let (start, _) = position(source, finding.span);
            let place = if start.line == 0 {
                path
            } else {
                format!("{path}:{}:{}", start.line, start.column)
            };
            lines.push(format!(
                "{place}: {}: {}",
                finding.severity.name(),
                finding.message
            ));
            lines.extend(upcoming_note(finding).map(|note| format!("  {note}")));
            lines.extend(finding.notes.iter().map(|note| format!("  {note}")));
        }
        if let Some(help) = &findings[0].help {
            lines.push(format!("help: {help}"));
        }
        if let Some(url) = &findings[0].url {
            lines.push(format!("see {url}"));
        }
        lines.join("\n")
    }
}

/// Escapes text content: `&`, `<`, `>`, and `\r` (which a parser would
/// turn into `\n`); characters XML 1.0 cannot carry become U+FFFD.
pub fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// Escapes an attribute value: as [`escape_text`], plus both quotes, and
/// tab and line feed as character references (a parser would turn them
/// into spaces).
pub fn escape_attribute(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if allowed_in_xml(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production (tab, line feed and carriage return are
/// handled before).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape_text(r#"<a href="x">&'</a>"#),
            r#"&lt;a href="x"&gt;&amp;'&lt;/a&gt;"#
        );
        assert_eq!(escape_attribute(r#"<>&"'"#), "&lt;&gt;&amp;&quot;&apos;");
    }

    #[test]
    fn line_ends_survive_and_control_characters_are_replaced() {
        assert_eq!(escape_text("a\r\nb\tc"), "a&#13;\nb\tc");
        assert_eq!(escape_attribute("a\r\nb\tc"), "a&#13;&#10;b&#9;c");
        assert_eq!(
            escape_text("nul\0 bell\u{7} esc\u{1b} ff\u{c} \u{FFFE}"),
            "nul\u{FFFD} bell\u{FFFD} esc\u{FFFD} ff\u{FFFD} \u{FFFD}"
        );
        assert_eq!(escape_text("café 😀"), "café 😀");
    }

    #[test]
    fn escaped_text_parses_back_to_the_original() {
        let original = "if a < b && c > \"d\" then 'e'\r\n\tnext";
        let xml = format!(
            r#"<r a="{}">{}</r>"#,
            escape_attribute(original),
            escape_text(original)
        );
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("a"), Some(original));
        assert_eq!(root.text(), Some(original));
    }
}
