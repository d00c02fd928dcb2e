//! Extractor fixtures: one snapshot per file under `fixtures/extract/`,
//! one line per fact with the raw text under its span, so a wrong span
//! shows up in review. Every fixture, and every char-boundary prefix of
//! it, also goes through the span checker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use connlint::classify;
use connlint::extract::{self, Includes};
use connlint::facts::Extraction;
use connlint::scan::MemoryIncludes;
use connlint::source::{SourceFile, decode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract")
}

fn all_fixtures() -> Vec<Arc<SourceFile>> {
    let mut files = Vec::new();
    let mut stack = vec![root()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = decode(&std::fs::read(&path).unwrap()).text;
                files.push(Arc::new(SourceFile::new(rel, text)));
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn extract_file(source: &SourceFile, includes: &dyn Includes) -> Option<Extraction> {
    let path = Path::new(&*source.path);
    let kind =
        classify::by_name(path).or_else(|| classify::by_content(path, source.text.as_bytes()))?;
    Some(extract::extract(kind, source, includes))
}

fn render(extraction: &Extraction, files: &[Arc<SourceFile>]) -> String {
    let mut out = String::new();
    for fact in &extraction.facts {
        let file = files.iter().find(|f| f.path == fact.path).unwrap();
        let (start, end) = file.lines.span_line_cols(&file.text, fact.span);
        let raw = &file.text[fact.span.range()];
        let attributes: Vec<String> = fact
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        writeln!(
            out,
            "{:<18} {:<28} {}:{}:{}-{}:{}  raw={:?}  {}",
            fact.kind.name(),
            format!("{:?}", fact.value),
            fact.path,
            start.line,
            start.column,
            end.line,
            end.column,
            raw,
            attributes.join(" ")
        )
        .unwrap();
    }
    for problem in &extraction.problems {
        writeln!(out, "problem {:?} {}", problem.span, problem.message).unwrap();
    }
    out
}

#[test]
fn extractor_snapshots() {
    let files = all_fixtures();
    let includes = MemoryIncludes::new(&files);
    insta::glob!("../fixtures", "extract/**/*", |path| {
        if path.is_dir() {
            return;
        }
        let rel = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let source = files.iter().find(|f| *f.path == *rel).unwrap();
        let Some(extraction) = extract_file(source, &includes) else {
            return;
        };
        insta::assert_snapshot!(render(&extraction, &files));
    });
}

/// Every span lies within its file's text, on char boundaries, and is not
/// empty.
fn check_spans(extraction: &Extraction, files: &[Arc<SourceFile>], own: &SourceFile) {
    for fact in &extraction.facts {
        let text = if fact.path == own.path {
            &own.text
        } else {
            &files.iter().find(|f| f.path == fact.path).unwrap().text
        };
        let range = fact.span.range();
        assert!(
            range.end <= text.len(),
            "{}: span {range:?} past the end",
            own.path
        );
        assert!(
            text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
            "{}: span {range:?} splits a char",
            own.path
        );
        assert!(
            !range.is_empty(),
            "{}: empty span for {:?}",
            own.path,
            fact.kind
        );
    }
}

#[test]
fn spans_are_valid_on_every_fixture_and_every_prefix() {
    let files = all_fixtures();
    let includes = MemoryIncludes::new(&files);
    let mut checked = 0;
    for file in &files {
        let Some(extraction) = extract_file(file, &includes) else {
            continue;
        };
        check_spans(&extraction, &files, file);
        for (cut, _) in file.text.char_indices() {
            let prefix = SourceFile::new(Arc::clone(&file.path), &file.text[..cut]);
            if let Some(extraction) = extract_file(&prefix, &includes) {
                check_spans(&extraction, &files, &prefix);
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} prefixes checked");
}
