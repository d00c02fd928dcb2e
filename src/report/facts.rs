//! `connlint facts`: the inventory of extracted facts as a table, JSON or
//! CSV. Each literal appears once, however many jobs reach it.

use std::io::{self, Write};

use serde::Serialize;

use crate::facts::Fact;
use crate::report::position;
use crate::scan::Scan;

/// The facts output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactsFormat {
    /// Aligned columns.
    Table,
    /// `{"facts": [...]}`.
    Json,
    /// RFC 4180 CSV with a header.
    Csv,
}

#[derive(Serialize)]
struct Row<'a> {
    kind: &'static str,
    value: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    attributes: &'a crate::facts::Attributes,
}

/// Writes the facts of `scan` in `format`.
pub fn write_facts(out: &mut dyn Write, scan: &Scan, format: FactsFormat) -> io::Result<()> {
    let rows = rows(scan);
    match format {
        FactsFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "facts": rows }))?;
            writeln!(out)
        }
        FactsFormat::Csv => {
            writeln!(
                out,
                "path,line,column,end_line,end_column,kind,value,attributes"
            )?;
            for r in &rows {
                let attributes: Vec<String> = r
                    .attributes
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    csv(r.path),
                    r.line,
                    r.column,
                    r.end_line,
                    r.end_column,
                    r.kind,
                    csv(r.value),
                    csv(&attributes.join(";"))
                )?;
            }
            Ok(())
        }
        FactsFormat::Table => {
            let cells: Vec<[String; 4]> = rows
                .iter()
                .map(|r| {
                    let attributes: Vec<String> = r
                        .attributes
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    [
                        format!("{}:{}:{}", r.path, r.line, r.column),
                        r.kind.to_owned(),
                        r.value.to_owned(),
                        attributes.join(" "),
                    ]
                })
                .collect();
            let header = [
                "LOCATION".to_owned(),
                "KIND".to_owned(),
                "VALUE".to_owned(),
                "ATTRIBUTES".to_owned(),
            ];
            let mut widths = [0usize; 3];
            for row in std::iter::once(&header).chain(&cells) {
                for (w, cell) in widths.iter_mut().zip(row.iter()) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            for row in std::iter::once(&header).chain(&cells) {
                writeln!(
                    out,
                    "{:w0$}  {:w1$}  {:w2$}  {}",
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    w0 = widths[0],
                    w1 = widths[1],
                    w2 = widths[2]
                )?;
            }
            writeln!(
                out,
                "{} facts in {} files scanned",
                rows.len(),
                scan.files_scanned
            )
        }
    }
}

fn rows(scan: &Scan) -> Vec<Row<'_>> {
    let mut seen = std::collections::HashSet::new();
    scan.facts
        .iter()
        .filter(|f: &&Fact| seen.insert((&f.path, f.span, f.kind, &f.value)))
        .map(|f| {
            let (start, end) = position(scan.sources.get(&f.path).map(AsRef::as_ref), f.span);
            Row {
                kind: f.kind.name(),
                value: &f.value,
                path: &f.path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                attributes: &f.attributes,
            }
        })
        .collect()
}

fn csv(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}
