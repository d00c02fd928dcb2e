//! Rule tests: run every `[[rules.examples]]` entry and compare the
//! findings with what it expects (ast-grep's verdicts: validated, missing,
//! noisy, wrong). `connlint test` and `cargo test` share this harness.

use std::path::Path;
use std::sync::Arc;

use std::collections::BTreeMap;

use crate::classify;
use crate::extract::certificate;
use crate::facts::Fact;
use crate::references;
use crate::rules::compile::{CompiledPack, Rule};
use crate::rules::eval::{Active, EvalOptions};
use crate::rules::schema::{ExampleSpec, ExpectSpec};
use crate::scan::{MemoryIncludes, TextRules, extract_source};
use crate::source::SourceFile;
use crate::suppress;

/// What one example showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Expected findings, all found, nothing else.
    Reported,
    /// A quiet example stayed quiet.
    Validated,
    /// Expected findings were not reported.
    Missing(Vec<Place>),
    /// Findings nobody expected.
    Noisy(Vec<Place>),
    /// As many findings as expected, at other places.
    Wrong {
        /// What was expected.
        expected: Vec<Place>,
        /// What was found.
        found: Vec<Place>,
    },
}

impl Verdict {
    /// Whether the example passed.
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Reported | Verdict::Validated)
    }
}

/// A finding's place: file, line and the text under its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// File path.
    pub path: String,
    /// 1-based line (0 when unspecified in an expectation).
    pub line: u32,
    /// Text under the span.
    pub text: String,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {:?}", self.path, self.line, self.text)
        } else {
            write!(f, "{}: {:?}", self.path, self.text)
        }
    }
}

/// One example's outcome.
#[derive(Clone, Debug)]
pub struct ExampleResult {
    /// The rule.
    pub rule: Arc<str>,
    /// 1-based index among the rule's examples.
    pub index: usize,
    /// The example's name.
    pub name: Option<String>,
    /// Whether it fires (expects findings).
    pub fires: bool,
    /// The verdict.
    pub verdict: Verdict,
}

/// Runs every example of `rule`; `packs` provide declarative extractors.
pub fn run_examples(rule: &Rule, packs: &[CompiledPack], as_of: time::Date) -> Vec<ExampleResult> {
    rule.examples
        .iter()
        .enumerate()
        .map(|(i, example)| ExampleResult {
            rule: Arc::clone(&rule.id),
            index: i + 1,
            name: example.name.clone(),
            fires: !example.expect.is_empty(),
            verdict: run_example(rule, example, packs, as_of),
        })
        .collect()
}

fn run_example(
    rule: &Rule,
    example: &ExampleSpec,
    packs: &[CompiledPack],
    as_of: time::Date,
) -> Verdict {
    let files: Vec<Arc<SourceFile>> = example
        .file_texts()
        .map(|(path, text)| Arc::new(SourceFile::new(path, text)))
        .collect();
    // A meta rule reports on suppressions of other rules' findings, so its
    // examples run every loaded rule, and suppressions, and keep only its
    // own findings.
    let mut active = vec![Active {
        rule,
        severity: rule.severity,
    }];
    if rule.is_meta() {
        active.extend(
            packs
                .iter()
                .flat_map(|p| &p.rules)
                .filter(|r| !r.is_meta())
                .map(|r| Active {
                    rule: r,
                    severity: r.severity,
                }),
        );
    }
    let text_rules = TextRules::new(&active, packs);
    let includes = MemoryIncludes::new(&files);
    let mut facts = example_facts(&files, &includes, &text_rules);
    references::link_certificates(&mut facts);
    facts.sort();
    let as_of = example
        .as_of
        .as_deref()
        .and_then(crate::rules::compile::parse_date)
        .unwrap_or(as_of);
    let options = EvalOptions {
        as_of,
        expiry_days: None,
    };
    let directives: Option<suppress::Directives> = rule.is_meta().then(|| {
        files
            .iter()
            .filter_map(|file| {
                let kind = file_kind(file)?;
                let found = suppress::directives(kind, file);
                (!found.is_empty()).then(|| (Arc::clone(&file.path), found))
            })
            .collect()
    });
    let findings = suppress::evaluate(
        &active,
        packs,
        &facts,
        &options,
        directives.as_ref(),
        |path| files.iter().find(|f| &*f.path == path).map(AsRef::as_ref),
    )
    .findings;
    let found: Vec<Place> = findings
        .iter()
        .filter(|f| f.rule == rule.id)
        .map(|f| {
            let text = files
                .iter()
                .find(|s| s.path == f.path)
                .map(|s| {
                    let line = s.lines.line_col(&s.text, f.span.start).line;
                    (
                        line,
                        s.text.get(f.span.range()).unwrap_or_default().to_owned(),
                    )
                })
                .unwrap_or_default();
            Place {
                path: f.path.to_string(),
                line: text.0,
                text: text.1,
            }
        })
        .collect();
    let default_path = files
        .first()
        .map(|f| f.path.to_string())
        .unwrap_or_default();
    let expected: Vec<Place> = example
        .expect
        .iter()
        .map(|e| match e {
            ExpectSpec::Text(text) => Place {
                path: default_path.clone(),
                line: 0,
                text: text.clone(),
            },
            ExpectSpec::At { text, path, line } => Place {
                path: path.clone().unwrap_or_else(|| default_path.clone()),
                line: line.unwrap_or(0),
                text: text.clone(),
            },
        })
        .collect();
    compare(expected, found)
}

/// The kind of an example file, by name or (a shebang) by content.
fn file_kind(file: &SourceFile) -> Option<classify::FileKind> {
    classify::by_name(Path::new(&*file.path))
        .or_else(|| classify::by_content(Path::new(&*file.path), file.text.as_bytes()))
}

/// The facts of an example's files, read the way a scan reads them:
/// certificate files last, with the passwords the other files give them.
fn example_facts(
    files: &[Arc<SourceFile>],
    includes: &MemoryIncludes,
    text_rules: &TextRules<'_>,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut certificate_files = Vec::new();
    for file in files {
        let kind = file_kind(file);
        if kind.is_none() && certificate::is_certificate_name(&file.path) {
            certificate_files.push(file);
            continue;
        }
        facts.extend(extract_source(kind, file, includes, text_rules).facts);
    }
    let names: Vec<&str> = files.iter().map(|f| &*f.path).collect();
    references::resolve_in_memory(&mut facts, &names);
    // Certificate files last, with the passwords the other files give them,
    // as the scan does.
    let sources: BTreeMap<Arc<str>, Arc<SourceFile>> = files
        .iter()
        .map(|f| (Arc::clone(&f.path), Arc::clone(f)))
        .collect();
    for file in certificate_files {
        let passwords = references::passwords_for(&file.path, &facts, &sources);
        let candidates: Vec<&str> = passwords.iter().map(String::as_str).collect();
        let read =
            certificate::extract_certificate_file(&file.path, file.text.as_bytes(), &candidates);
        let mut extracted = read.map(|e| e.facts).unwrap_or_default();
        if !passwords.is_empty() {
            references::mark_password_found(&mut extracted);
        }
        facts.extend(extracted);
    }
    facts
}

/// An expectation ending in `...` matches any text that starts with the
/// rest (a PEM block is too long to spell out).
fn text_matches(got: &str, want: &str) -> bool {
    match want.strip_suffix("...") {
        Some(prefix) => got.starts_with(prefix),
        None => got == want,
    }
}

fn compare(expected: Vec<Place>, found: Vec<Place>) -> Verdict {
    let mut unmatched_found = found.clone();
    let mut missing = Vec::new();
    for want in &expected {
        let hit = unmatched_found.iter().position(|got| {
            text_matches(&got.text, &want.text)
                && got.path == want.path
                && (want.line == 0 || got.line == want.line)
        });
        match hit {
            Some(i) => {
                unmatched_found.remove(i);
            }
            None => missing.push(want.clone()),
        }
    }
    match (missing.is_empty(), unmatched_found.is_empty()) {
        (true, true) if expected.is_empty() => Verdict::Validated,
        (true, true) => Verdict::Reported,
        (false, false) if expected.len() == found.len() => Verdict::Wrong { expected, found },
        (false, _) => Verdict::Missing(missing),
        (true, false) => Verdict::Noisy(unmatched_found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(text: &str, line: u32) -> Place {
        Place {
            path: "a.sh".into(),
            line,
            text: text.into(),
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(compare(vec![], vec![]), Verdict::Validated);
        assert_eq!(
            compare(vec![place("7", 0)], vec![place("7", 3)]),
            Verdict::Reported
        );
        assert_eq!(
            compare(vec![place("7", 2)], vec![place("7", 3)]),
            Verdict::Wrong {
                expected: vec![place("7", 2)],
                found: vec![place("7", 3)]
            }
        );
        assert_eq!(
            compare(vec![place("7", 0)], vec![]),
            Verdict::Missing(vec![place("7", 0)])
        );
        assert_eq!(
            compare(vec![], vec![place("7", 1)]),
            Verdict::Noisy(vec![place("7", 1)])
        );
    }
}
