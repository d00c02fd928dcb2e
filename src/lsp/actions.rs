//! What the server offers on a diagnostic's range: the rule explained
//! (hover, like `connlint explain`) and a quick fix that inserts an inline
//! suppression comment.
//!
//! The suppression is `connlint: ignore[RULE-ID] reason` written in the
//! file's comment syntax ([`crate::suppress::comment_syntax`]) on its own
//! line above the finding, indented like that line. Where a comment line
//! there would break the file, it goes higher: above the first line of a
//! statement continued with `\` / `^` / `` ` ``, and above the start tag
//! of an XML element whose attribute is the finding.

use std::collections::HashMap;
use std::fmt::Write as _;

use lsp_types::{
    CodeAction, CodeActionKind, Diagnostic, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::classify::FileKind;
use crate::finding::Finding;
use crate::rules::Rule;
use crate::suppress::{comment_syntax, continues};

use super::position::LineMap;

/// The reason placeholder the quick fix writes; the user replaces it.
pub const REASON_PLACEHOLDER: &str = "TODO: reason";

/// Markdown for a hover over `finding`: the rule's title, what it checks,
/// its description, the fix and the source, and what was found. Only the
/// fact's value is quoted, and a secret's value is always masked.
pub fn hover(finding: &Finding, rule: Option<&Rule>, has_fix: bool) -> String {
    let mut out = String::new();
    let title = rule.map_or(finding.title.as_str(), |r| r.title.as_str());
    let _ = writeln!(out, "**{title}**\n");
    let since = rule
        .and_then(|r| r.since)
        .map(|d| format!(", since {d}"))
        .unwrap_or_default();
    let pack = rule
        .map(|r| format!(" (pack `{}`)", r.pack))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "`{}` · {}{since}{pack}\n",
        finding.rule,
        finding.severity.name()
    );
    if let Some(rule) = rule {
        let _ = writeln!(out, "Checks: {}\n", rule.summary());
        if let Some(description) = &rule.description {
            let _ = writeln!(out, "{}\n", description.trim());
        }
    }
    if let Some(help) = &finding.help {
        let _ = writeln!(out, "**Fix:** {}\n", help.trim());
    }
    if let Some(url) = &finding.url {
        let _ = writeln!(out, "**Source:** <{url}>\n");
    }
    let _ = writeln!(
        out,
        "Found: `{}` `{}`",
        finding.fact.kind, finding.fact.value
    );
    if has_fix {
        let _ = writeln!(
            out,
            "\nTo accept it here, use the quick fix: it adds `connlint: ignore[{}] {REASON_PLACEHOLDER}` above the line.",
            finding.rule
        );
    }
    out
}

/// The quick fix that inserts a suppression comment for `finding` in the
/// document at `uri` (whose text `map` indexes), or `None` when the format
/// has no comments or no line can take one (a finding on a shebang line).
pub fn suppression(
    uri: &Uri,
    map: &LineMap<'_>,
    kind: FileKind,
    finding: &Finding,
    diagnostic: &Diagnostic,
) -> Option<CodeAction> {
    let syntax = comment_syntax(kind)?;
    let xml = syntax.line.is_empty() && syntax.block == Some(("<!--", "-->"));
    // `--` may not appear inside an XML comment.
    if xml && finding.rule.contains("--") {
        return None;
    }
    let start = map.document_offset(finding.span.start as usize);
    let mut line = map.position(start).line;
    if xml {
        // Above the start tag the finding is in (an attribute on a later
        // line of a multi-line tag cannot take a comment).
        if let Some(open) = map.text_before(start).rfind('<') {
            line = map.position(open).line;
        }
    }
    if let Some(continuation) = syntax.continuation {
        while line > 0 && continues(map.line_text(line - 1), continuation) {
            line -= 1;
        }
    }
    let first = map.line_text(line);
    if line == 0 && (first.starts_with("#!") || first.starts_with("<?xml")) {
        return None;
    }
    let indent: String = first
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let line_break = map
        .line_break(line)
        .or_else(|| (0..map.line_count()).find_map(|l| map.line_break(u32::try_from(l).ok()?)))
        .unwrap_or("\n");
    let comment = syntax.comment(&format!(
        "connlint: ignore[{}] {REASON_PLACEHOLDER}",
        finding.rule
    ));
    let edit = TextEdit {
        range: Range::new(Position::new(line, 0), Position::new(line, 0)),
        new_text: format!("{indent}{comment}{line_break}"),
    };
    Some(CodeAction {
        title: format!("Suppress {} here (inline comment)", finding.rule),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use std::sync::Arc;

    use crate::facts::{Fact, FactKind};
    use crate::finding::Severity;
    use crate::span::Span;

    fn finding(text: &str, needle: &str, rule: &str) -> Finding {
        let start = text.find(needle).unwrap();
        let span = Span::new(start, start + needle.len());
        let path: Arc<str> = Arc::from("f");
        Finding {
            rule: Arc::from(rule),
            severity: Severity::Error,
            title: "t".into(),
            message: "m".into(),
            path: Arc::clone(&path),
            span,
            fact: Fact::new(FactKind::JavaVersion, needle, &path, span),
            help: None,
            url: None,
            upcoming: None,
            notes: Vec::new(),
            related: Vec::new(),
        }
    }

    fn insert(text: &str, kind: FileKind, needle: &str) -> Option<(u32, String)> {
        let uri = Uri::from_str("file:///r/f").unwrap();
        let map = LineMap::new(text);
        let f = finding(text, needle, "java.runtime-below-8");
        let action = suppression(&uri, &map, kind, &f, &Diagnostic::default())?;
        let edits = action.edit?.changes?.remove(&uri)?;
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].range.start, edits[0].range.end);
        Some((edits[0].range.start.line, edits[0].new_text.clone()))
    }

    #[test]
    fn comment_per_format_indented_like_the_line() {
        assert_eq!(
            insert(
                "a=1\n  JAVA_HOME=/jdk1.7.0_80\n",
                FileKind::Shell,
                "1.7.0_80"
            ),
            Some((
                1,
                "  # connlint: ignore[java.runtime-below-8] TODO: reason\n".into()
            ))
        );
        assert_eq!(
            insert(
                "@echo off\r\n\tset JAVA=C:\\jdk1.7.0_80\r\n",
                FileKind::Batch,
                "1.7.0_80"
            ),
            Some((
                1,
                "\tREM connlint: ignore[java.runtime-below-8] TODO: reason\r\n".into()
            ))
        );
        assert_eq!(
            insert("<a>\n    <v>1.7</v>\n</a>\n", FileKind::Xml, "1.7"),
            Some((
                1,
                "    <!-- connlint: ignore[java.runtime-below-8] TODO: reason -->\n".into()
            ))
        );
        assert_eq!(
            insert("class A {\n    int v = 7;\n}\n", FileKind::JavaSource, "7"),
            Some((
                1,
                "    // connlint: ignore[java.runtime-below-8] TODO: reason\n".into()
            ))
        );
        assert_eq!(
            insert("{\"v\": \"7\"}\n", FileKind::MuleArtifact, "7"),
            None
        );
    }

    #[test]
    fn never_inside_a_continued_statement_or_a_tag() {
        let shell = "java -cp x \\\n  -Dv=1.7.0_80 \\\n  Main\n";
        assert_eq!(insert(shell, FileKind::Shell, "1.7.0_80").unwrap().0, 0);
        // `\\` at the end is an escaped backslash, not a continuation.
        let escaped = "A=x\\\\\nB=1.7.0_80\n";
        assert_eq!(
            insert(escaped, FileKind::Properties, "1.7.0_80").unwrap().0,
            1
        );
        let batch = "java ^\r\n  -Dv=1.7.0_80\r\n";
        assert_eq!(insert(batch, FileKind::Batch, "1.7.0_80").unwrap().0, 0);
        let xml =
            "<root>\n  <tls:trust-store\n      path=\"a\"\n      insecure=\"true\"/>\n</root>\n";
        assert_eq!(
            insert(xml, FileKind::Xml, "true"),
            Some((
                1,
                "  <!-- connlint: ignore[java.runtime-below-8] TODO: reason -->\n".into()
            ))
        );
        // Nothing goes above a shebang.
        assert_eq!(
            insert("#!/bin/sh JAVA=1.7.0_80\n", FileKind::Shell, "1.7.0_80"),
            None
        );
    }

    #[test]
    fn hover_explains_and_never_shows_a_secret() {
        let text = "KEYSTORE_PASSWORD=Plain-Text-1\n";
        let mut f = finding(text, "Plain-Text-1", "secrets.plaintext-secret");
        f.fact = Fact::secret(&f.path, f.span, "KEYSTORE_PASSWORD");
        f.help = Some("Read it at run time.".into());
        f.url = Some("https://cwe.mitre.org/data/definitions/798.html".into());
        let text = hover(&f, None, true);
        assert!(text.contains("**Fix:** Read it at run time."), "{text}");
        assert!(text.contains("<https://cwe.mitre.org/data/definitions/798.html>"));
        assert!(text.contains("`secret` `****`"));
        assert!(!text.contains("Plain-Text-1"));
    }
}
