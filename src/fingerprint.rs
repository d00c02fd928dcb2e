//! Fingerprints: a finding's identity that survives edits elsewhere in the
//! file. Baselines and SARIF `partialFingerprints` both use it.
//!
//! A fingerprint hashes the rule, the path, the fact's kind and value and
//! the *context*: the text of the finding's line with whitespace collapsed
//! and the finding's own text replaced by the fact value (masked for
//! secrets, so no secret is ever hashed: a hash of a short password can be
//! brute-forced). The line number is not part of it, so lines moving up or
//! down keep the fingerprint; editing the line itself changes it. Identical
//! findings in one file are told apart by their order (`:1`, `:2`, ...).

use std::collections::HashMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::facts::FactKind;
use crate::finding::Finding;
use crate::source::SourceFile;

/// The fingerprint scheme's name and version: the SARIF
/// `partialFingerprints` key and the baseline's `fingerprint` prefix.
pub const SCHEME: &str = "connlint/v1";

/// The fingerprints of `findings`, in their order. `source` returns the text
/// of a path when it was read (certificates in binary files have none).
pub fn fingerprints<'a>(
    findings: &[Finding],
    source: impl Fn(&str) -> Option<&'a SourceFile>,
) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    findings
        .iter()
        .map(|finding| {
            let hash = hash(finding, source(&finding.path));
            let n = seen.entry(hash.clone()).or_insert(0);
            *n += 1;
            format!("{hash}:{n}")
        })
        .collect()
}

fn hash(finding: &Finding, source: Option<&SourceFile>) -> String {
    let mut digest = Sha256::new();
    for part in [
        &*finding.rule,
        &*finding.path,
        finding.fact.kind.name(),
        &finding.fact.value,
        &context(finding, source),
    ] {
        // Length-prefixed, so that no two tuples hash the same text.
        digest.update((part.len() as u64).to_le_bytes());
        digest.update(part.as_bytes());
    }
    let mut hex = String::with_capacity(32);
    for byte in &digest.finalize()[..16] {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The finding's line, whitespace collapsed, with the finding's text
/// replaced by the fact's value (masked for secrets).
fn context(finding: &Finding, source: Option<&SourceFile>) -> String {
    let Some(source) = source else {
        return String::new();
    };
    let text = &*source.text;
    let (start, end) = (finding.span.start as usize, finding.span.end as usize);
    if start > end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        return String::new();
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let value = if finding.fact.kind == FactKind::Secret {
        crate::facts::MASK
    } else {
        finding.fact.value.as_str()
    };
    let line = format!(
        "{}{value}{}",
        &text[line_start..start],
        &text[end..line_end]
    );
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::facts::Fact;
    use crate::finding::Severity;
    use crate::span::Span;

    fn finding(source: &SourceFile, needle: &str, nth: usize, kind: FactKind) -> Finding {
        let start = source
            .text
            .match_indices(needle)
            .nth(nth)
            .map(|(i, _)| i)
            .expect("needle in text");
        let span = Span::new(start, start + needle.len());
        let fact = Fact::new(kind, needle, &source.path, span);
        Finding {
            rule: Arc::from("java.runtime-below-8"),
            severity: Severity::Error,
            title: String::new(),
            message: String::new(),
            path: Arc::clone(&source.path),
            span,
            fact,
            help: None,
            url: None,
            upcoming: None,
            notes: Vec::new(),
            related: Vec::new(),
        }
    }

    fn prints(source: &SourceFile, needles: &[(&str, usize)], kind: FactKind) -> Vec<String> {
        let findings: Vec<Finding> = needles
            .iter()
            .map(|(needle, nth)| finding(source, needle, *nth, kind))
            .collect();
        fingerprints(&findings, |_| Some(source))
    }

    #[test]
    fn lines_moving_keep_the_fingerprint_and_editing_the_line_changes_it() {
        let before = SourceFile::new("run.sh", "JAVA_HOME=/opt/jdk1.7.0_80\n");
        let moved = SourceFile::new(
            "run.sh",
            "#!/bin/sh\n# header added later\n\n   JAVA_HOME=/opt/jdk1.7.0_80\r\n",
        );
        let edited = SourceFile::new("run.sh", "JAVA_HOME=/usr/jdk1.7.0_80\n");
        let kind = FactKind::JavaVersion;
        let a = prints(&before, &[("1.7.0_80", 0)], kind);
        assert_eq!(a, prints(&moved, &[("1.7.0_80", 0)], kind));
        assert_ne!(a, prints(&edited, &[("1.7.0_80", 0)], kind));
        assert!(a[0].ends_with(":1") && a[0].len() == 34, "{a:?}");
    }

    #[test]
    fn identical_findings_are_numbered_in_order() {
        let source = SourceFile::new(
            "run.sh",
            "JAVA_HOME=/opt/jdk1.7.0_80\nJAVA_HOME=/opt/jdk1.7.0_80\n",
        );
        let prints = prints(
            &source,
            &[("1.7.0_80", 0), ("1.7.0_80", 1)],
            FactKind::JavaVersion,
        );
        assert_eq!(prints[0].split(':').next(), prints[1].split(':').next());
        assert!(prints[0].ends_with(":1") && prints[1].ends_with(":2"));
    }

    #[test]
    fn secrets_are_hashed_masked_so_the_value_does_not_matter() {
        let one = SourceFile::new("run.sh", "PASSWORD=hunter2\n");
        let two = SourceFile::new("run.sh", "PASSWORD=correct-horse\n");
        assert_eq!(
            prints(&one, &[("hunter2", 0)], FactKind::Secret),
            prints(&two, &[("correct-horse", 0)], FactKind::Secret)
        );
    }
}
