//! `check`'s report: the emitter `--format` names, written to stdout or to
//! the `--output` file. With `--output`, the one-line summary also goes to
//! stderr, so a CI log still says what was found.
#![expect(
    clippy::print_stderr,
    reason = "the summary line goes to the terminal when the report goes to a file"
)]

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Component, Path, PathBuf};

use connlint::Scan;
use connlint::report::github::Github;
use connlint::report::human::{Human, summary};
use connlint::report::json::Json;
use connlint::report::junit::Junit;
use connlint::report::sarif::Sarif;
use connlint::report::{Emitter, Root, directory_uri};
use connlint::rules::eval::Active;

use super::args::{CheckArgs, CheckFormat};

/// Why the report could not be written.
pub(super) enum ReportError {
    /// Writing to stdout failed (a closed pipe among others).
    Stdout(io::Error),
    /// The `--output` file could not be created or written.
    File(String),
}

/// Writes the report of `scan` in the format of `args`: to `stdout`, or to
/// the `--output` file with the summary line on stderr.
pub(super) fn write_report(
    args: &CheckArgs,
    scan: &Scan,
    as_of: time::Date,
    rules: Vec<Active<'_>>,
    stdout: &mut dyn Write,
) -> Result<(), ReportError> {
    let mut emitter = emitter(args, as_of, rules);
    let Some(path) = &args.output else {
        return emitter.emit(stdout, scan).map_err(ReportError::Stdout);
    };
    let failed = |e: io::Error| ReportError::File(format!("cannot write {}: {e}", path.display()));
    let file = File::create(path).map_err(failed)?;
    let mut writer = BufWriter::new(file);
    emitter.emit(&mut writer, scan).map_err(failed)?;
    writer.flush().map_err(failed)?;
    eprintln!("{}", summary(scan));
    Ok(())
}

fn emitter<'r>(
    args: &CheckArgs,
    as_of: time::Date,
    rules: Vec<Active<'r>>,
) -> Box<dyn Emitter + 'r> {
    match args.format {
        CheckFormat::Human => {
            // A report written to a file never carries colour codes.
            let color = args.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            let width = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(100);
            Box::new(Human { color, width })
        }
        CheckFormat::Json => Box::new(Json { as_of }),
        CheckFormat::Sarif => Box::new(Sarif {
            rules,
            root: root(&args.scan.paths),
            as_of,
        }),
        CheckFormat::Github => Box::new(Github {
            root: root(&args.scan.paths),
        }),
        CheckFormat::Junit => Box::new(Junit {
            root: root(&args.scan.paths),
        }),
    }
}

/// Where CI formats anchor paths. Findings' paths are relative to the
/// scanned directory (or, for files, to the working directory); CI services
/// resolve them against the checkout, where connlint runs. One directory
/// inside the working directory becomes a prefix; several directories have
/// no common anchor, and paths stay relative to each one (as in JSON).
fn root(paths: &[PathBuf]) -> Root {
    let Ok(cwd) = std::env::current_dir() else {
        return Root::default();
    };
    let canonical_cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.clone());
    let cwd_uri = || Some(directory_uri(&display(&canonical_cwd)));
    if let [dir] = paths
        && dir.is_dir()
    {
        let absolute = dir.canonicalize().unwrap_or_else(|_| cwd.join(dir));
        return match absolute.strip_prefix(&canonical_cwd) {
            Ok(rel) => Root {
                prefix: prefix(rel),
                uri: cwd_uri(),
            },
            Err(_) => Root {
                prefix: String::new(),
                uri: Some(directory_uri(&display(&absolute))),
            },
        };
    }
    // Files are relative to the working directory when inside it (the
    // rule of `scan`'s explicit files).
    let inside = |p: &PathBuf| !p.is_dir() && cwd.join(p).starts_with(&cwd);
    Root {
        prefix: String::new(),
        uri: if paths.iter().all(inside) {
            cwd_uri()
        } else {
            None
        },
    }
}

/// `a/b` → `a/b/`; an empty path → the empty prefix.
fn prefix(rel: &Path) -> String {
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(format!("{}/", name.to_string_lossy())),
            _ => None,
        })
        .collect()
}

/// A path as text, without Windows' verbatim `\\?\` prefix.
fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix(r"\\?\").unwrap_or(&text).to_owned()
}
