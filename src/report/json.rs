//! `--format json`: the stable document of SPEC section 6. Its types are
//! separate from the engine's, so refactors never change the output.

use std::io::{self, Write};

use serde::Serialize;

use crate::report::{Counts, Emitter, position};
use crate::scan::Scan;

/// The JSON emitter.
pub struct Json {
    /// The as-of date printed in the document.
    pub as_of: time::Date,
}

#[derive(Serialize)]
struct Document<'a> {
    tool: Tool,
    as_of: String,
    summary: Summary,
    findings: Vec<FindingOut<'a>>,
    problems: Vec<ProblemOut<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    severity: &'static str,
    title: &'a str,
    message: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    fact: FactOut<'a>,
    help: Option<&'a str>,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct FactOut<'a> {
    kind: &'static str,
    value: &'a str,
    attributes: &'a crate::facts::Attributes,
}

#[derive(Serialize)]
struct ProblemOut<'a> {
    path: &'a str,
    message: String,
}

impl Emitter for Json {
    fn emit(&mut self, out: &mut dyn Write, scan: &Scan) -> io::Result<()> {
        let counts = Counts::of(scan);
        let findings = scan
            .findings
            .iter()
            .map(|f| {
                let (start, end) = position(scan.sources.get(&f.path).map(AsRef::as_ref), f.span);
                FindingOut {
                    rule: &f.rule,
                    severity: f.severity.name(),
                    title: &f.title,
                    message: &f.message,
                    path: &f.path,
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    fact: FactOut {
                        kind: f.fact.kind.name(),
                        value: &f.fact.value,
                        attributes: &f.fact.attributes,
                    },
                    help: f.help.as_deref(),
                    url: f.url.as_deref(),
                }
            })
            .collect();
        let problems = scan
            .problems
            .iter()
            .map(|p| ProblemOut {
                path: &p.path,
                message: match (p.span, scan.sources.get(&p.path)) {
                    (Some(at_span), Some(source)) => {
                        let at = source.lines.line_col(&source.text, at_span.start);
                        format!("line {}: {}", at.line, p.message)
                    }
                    _ => p.message.clone(),
                },
            })
            .collect();
        let document = Document {
            tool: Tool {
                name: "connlint",
                version: env!("CARGO_PKG_VERSION"),
            },
            as_of: self.as_of.to_string(),
            summary: Summary {
                files_scanned: scan.files_scanned,
                findings: counts.total(),
                errors: counts.errors,
                warnings: counts.warnings,
                infos: counts.infos,
            },
            findings,
            problems,
        };
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}
