//! The commands. This is the only module that prints.
#![expect(
    clippy::print_stderr,
    reason = "the CLI reports fatal errors on stderr"
)]

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

use connlint::baseline::Baseline;
use connlint::error::FileError;
use connlint::finding::Severity;
use connlint::lsp::{ConfigChoice, Options as LspOptions};
use connlint::report::facts::{FactsFormat, write_facts};
use connlint::report::rule_doc;
use connlint::rules::BUILTIN_PACKS;
use connlint::rules::compile::{CompiledPack, compile_pack, parse_date};
use connlint::rules::eval::Active;
use connlint::rules::load::{self, LoadError, RuleSet, RuleSources};
use connlint::rules::schema::PackFile;
use connlint::rules::selftest::{Verdict, run_examples};
use connlint::settings::{Config, DEFAULT_MAX_FILE_SIZE};
use connlint::{Scan, ScanOptions, scan};

use super::args::{
    CheckArgs, Cli, Command, DocsArgs, FactsArgs, FactsFormatArg, FailOn, LspArgs, RuleSource,
    ScanArgs, TestArgs,
};
use super::output::{self, ReportError};

/// Why a command stopped before doing its work (exit 2).
enum Failure {
    /// A rule pack or config file is broken: rendered over its text.
    File(Box<FileError>),
    /// Anything else wrong with the arguments.
    Usage(String),
}

impl From<FileError> for Failure {
    fn from(error: FileError) -> Self {
        Failure::File(Box::new(error))
    }
}

/// Runs the command line and returns the exit code: 0 clean, 1 findings at
/// or above the threshold, 2 usage, config or rule-file errors.
pub(crate) fn run() -> ExitCode {
    let cli = Cli::parse();
    // The language server owns stdin and stdout: it runs before stdout is
    // locked for the other commands' reports.
    if let Command::Lsp(args) = &cli.command {
        return lsp(args);
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Check(args) => check(&args, &mut out),
        Command::Facts(args) => facts(&args, &mut out),
        Command::Rules(args) => load(&args.source, Path::new("."))
            .and_then(|loaded| {
                write_rules(&mut out, &loaded.packs).map_err(Outcome::Io)?;
                Ok(0)
            })
            .map_err(into_outcome),
        Command::Explain(args) => explain(&args.rule, &args.source, &mut out),
        Command::Test(args) => test(&args, &mut out),
        Command::Schema => schema(&mut out),
        Command::Docs(args) => docs(&args, &mut out),
        Command::Lsp(_) => Ok(0),
    };
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(code), Ok(())) => ExitCode::from(code),
        (Err(Outcome::Io(e)), _) | (Ok(_), Err(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        (Err(Outcome::Io(e)), _) | (Ok(_), Err(e)) => {
            eprintln!("connlint: cannot write the report: {e}");
            ExitCode::from(2)
        }
        (Err(Outcome::Failed(failure)), _) => {
            report_failure(&failure);
            ExitCode::from(2)
        }
    }
}

/// How a command ended early.
enum Outcome {
    Failed(Failure),
    Io(io::Error),
}

fn into_outcome(outcome: Outcome) -> Outcome {
    outcome
}

impl From<Failure> for Outcome {
    fn from(failure: Failure) -> Self {
        Outcome::Failed(failure)
    }
}

impl From<io::Error> for Outcome {
    fn from(error: io::Error) -> Self {
        Outcome::Io(error)
    }
}

fn report_failure(failure: &Failure) {
    match failure {
        Failure::File(error) => {
            let theme = if io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let mut rendered = String::new();
            let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
            if handler
                .render_report(&mut rendered, error.as_ref() as &dyn Diagnostic)
                .is_ok()
            {
                eprint!("{rendered}");
            } else {
                eprintln!("connlint: {error}");
            }
        }
        Failure::Usage(message) => eprintln!("connlint: error: {message}"),
    }
}

impl From<LoadError> for Failure {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::File { error, .. } => Failure::File(error),
            LoadError::Usage(message) => Failure::Usage(message),
        }
    }
}

/// Reads config and pack files from disk.
fn read_disk(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path)
}

/// Loads the config and every rule pack.
fn load(source: &RuleSource, first_path: &Path) -> Result<RuleSet, Outcome> {
    let config_path = if source.no_config {
        None
    } else {
        source.config.clone().or_else(|| Config::find(first_path))
    };
    let sources = RuleSources {
        config: config_path.as_deref(),
        extra_packs: &source.rules,
        builtin: !source.no_builtin,
    };
    Ok(load::load(sources, &read_disk).map_err(Failure::from)?)
}

/// The rules to run: selection from the config and the command line, with
/// severity overrides.
fn active_rules<'p>(loaded: &'p RuleSet, source: &RuleSource) -> Result<Vec<Active<'p>>, Outcome> {
    Ok(
        load::active_rules(loaded, &source.select, &source.ignore, &read_disk)
            .map_err(Failure::from)?,
    )
}

fn as_of(text: Option<&str>) -> Result<time::Date, Outcome> {
    match text {
        Some(text) => parse_date(text).ok_or_else(|| {
            Failure::Usage(format!("--as-of `{text}` is not a date (YYYY-MM-DD)")).into()
        }),
        None => Ok(time::OffsetDateTime::now_utc().date()),
    }
}

fn run_scan(args: &ScanArgs, inline_ignores: bool) -> Result<(Scan, time::Date, RuleSet), Outcome> {
    for path in &args.paths {
        if !path.exists() {
            return Err(
                Failure::Usage(format!("{}: no such file or directory", path.display())).into(),
            );
        }
    }
    let first = args.paths.first().map_or(Path::new("."), PathBuf::as_path);
    let loaded = load(&args.source, first)?;
    let as_of = as_of(args.as_of.as_deref())?;
    let result = {
        let rules = active_rules(&loaded, &args.source)?;
        let options = ScanOptions {
            paths: args.paths.clone(),
            config: &loaded.config,
            packs: &loaded.packs,
            rules,
            as_of,
            jobs: args.jobs.unwrap_or(0),
            allow_outside: args.allow_outside,
            inline_ignores,
            max_file_size: args
                .max_file_size
                .or(loaded.config.max_file_size)
                .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        };
        scan(&options)
    };
    Ok((result, as_of, loaded))
}

fn check(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, Outcome> {
    let baseline = args.baseline.as_deref().map(read_baseline).transpose()?;
    let (mut result, as_of, loaded) = run_scan(&args.scan, !args.no_inline_ignores)?;
    update_baselines(args, baseline.as_ref(), &mut result)?;
    let rules = active_rules(&loaded, &args.scan.source)?;
    output::write_report(args, &result, as_of, rules, out).map_err(|e| match e {
        ReportError::Stdout(e) => Outcome::Io(e),
        ReportError::File(message) => Failure::Usage(message).into(),
    })?;
    let threshold = match args.fail_on {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        Some(FailOn::Info) => Severity::Info,
        None => loaded.config.fail_on.unwrap_or(Severity::Error),
    };
    let failed = result.findings.iter().any(|f| f.severity >= threshold);
    Ok(u8::from(failed))
}

/// Reads `--baseline FILE`; a malformed one stops the run (exit 2).
fn read_baseline(path: &Path) -> Result<Baseline, Outcome> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read baseline {}: {e}", path.display())))?;
    Ok(Baseline::parse(&path.display().to_string(), &text).map_err(Failure::from)?)
}

/// `--write-baseline` records every finding left after suppressions (with
/// `--baseline` too, that is the updated baseline: fixed entries gone, new
/// findings added); then `--baseline` drops the findings it lists.
fn update_baselines(
    args: &CheckArgs,
    baseline: Option<&Baseline>,
    result: &mut Scan,
) -> Result<(), Outcome> {
    if let Some(path) = &args.write_baseline {
        let written = Baseline::of(result);
        std::fs::write(path, written.to_json()).map_err(|e| {
            Failure::Usage(format!("cannot write baseline {}: {e}", path.display()))
        })?;
        let count = written.entries().len();
        let findings = if count == 1 { "finding" } else { "findings" };
        eprintln!(
            "connlint: wrote {count} {findings} to baseline {}",
            path.display()
        );
    }
    if let Some(baseline) = baseline {
        baseline.apply(result);
    }
    Ok(())
}

fn facts(args: &FactsArgs, out: &mut dyn Write) -> Result<u8, Outcome> {
    let (result, _, _) = run_scan(&args.scan, false)?;
    let format = match args.format {
        FactsFormatArg::Table => FactsFormat::Table,
        FactsFormatArg::Json => FactsFormat::Json,
        FactsFormatArg::Csv => FactsFormat::Csv,
    };
    write_facts(out, &result, format)?;
    Ok(0)
}

fn write_rules(out: &mut dyn Write, packs: &[CompiledPack]) -> io::Result<()> {
    let rows: Vec<[String; 5]> = packs
        .iter()
        .flat_map(|p| &p.rules)
        .map(|r| {
            [
                r.pack.to_string(),
                r.id.to_string(),
                r.severity.name().to_owned(),
                r.since.map_or_else(|| "-".to_owned(), |d| d.to_string()),
                r.title.clone(),
            ]
        })
        .collect();
    let header = ["PACK", "RULE", "SEVERITY", "SINCE", "TITLE"].map(str::to_owned);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )?;
    }
    writeln!(out, "{} rules in {} packs", rows.len(), packs.len())
}

fn explain(id: &str, source: &RuleSource, out: &mut dyn Write) -> Result<u8, Outcome> {
    let loaded = load(source, Path::new("."))?;
    let Some(rule) = loaded
        .packs
        .iter()
        .flat_map(|p| &p.rules)
        .find(|r| &*r.id == id)
    else {
        return Err(
            Failure::Usage(format!("unknown rule `{id}` (`connlint rules` lists them)")).into(),
        );
    };
    writeln!(out, "{}", rule.id)?;
    writeln!(out, "{}\n", rule.title)?;
    let since = rule
        .since
        .map(|d| format!(", since {d}"))
        .unwrap_or_default();
    writeln!(
        out,
        "Severity: {}{since} (pack {})",
        rule.severity.name(),
        rule.pack
    )?;
    writeln!(out, "Checks:   {}", rule.summary())?;
    if let Some(description) = &rule.description {
        writeln!(out, "\n{}", description.trim())?;
    }
    writeln!(out, "\nMessage: {}", rule.message_source)?;
    if let Some(help) = &rule.help {
        writeln!(out, "Fix:     {help}")?;
    }
    if let Some(url) = &rule.url {
        writeln!(out, "Source:  {url}")?;
    }
    for (i, example) in rule.examples.iter().enumerate() {
        let verdict = if example.expect.is_empty() {
            "stays quiet"
        } else {
            "fires"
        };
        let name = example
            .name
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default();
        writeln!(out, "\nExample {} ({verdict}){name}", i + 1)?;
        for (path, content) in example.file_texts() {
            writeln!(out, "  --- {path}")?;
            for line in content.lines() {
                writeln!(out, "  {}", line.trim_end_matches('\r'))?;
            }
        }
    }
    Ok(0)
}

/// Writes (or with `--check` compares) one page per rule and an index;
/// pages of rules that no longer exist are reported as stale too.
fn docs(args: &DocsArgs, out: &mut dyn Write) -> Result<u8, Outcome> {
    let loaded = load(&args.source, Path::new("."))?;
    let mut pages: Vec<(String, String)> = loaded
        .packs
        .iter()
        .flat_map(|p| &p.rules)
        .map(|rule| (format!("{}.md", rule.id), rule_doc::page(rule)))
        .collect();
    pages.push(("README.md".to_owned(), rule_doc::index(&loaded.packs)));
    let unreadable = |e: io::Error, path: &Path| {
        Outcome::from(Failure::Usage(format!(
            "cannot write {}: {e}",
            path.display()
        )))
    };
    if !args.check {
        std::fs::create_dir_all(&args.out).map_err(|e| unreadable(e, &args.out))?;
    }
    let mut stale = Vec::new();
    for (name, text) in &pages {
        let path = args.out.join(name);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        if args.check {
            stale.push(name.clone());
        } else {
            std::fs::write(&path, text).map_err(|e| unreadable(e, &path))?;
        }
    }
    let expected: std::collections::HashSet<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    if let Ok(entries) = std::fs::read_dir(&args.out) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if Path::new(&name).extension().is_some_and(|e| e == "md")
                && !expected.contains(name.as_str())
            {
                if args.check {
                    stale.push(name);
                } else {
                    std::fs::remove_file(entry.path()).map_err(|e| unreadable(e, &entry.path()))?;
                }
            }
        }
    }
    if args.check && !stale.is_empty() {
        stale.sort();
        for name in &stale {
            writeln!(out, "stale {}", args.out.join(name).display())?;
        }
        writeln!(
            out,
            "{} of {} pages are stale; run `connlint docs {}` to regenerate them",
            stale.len(),
            pages.len(),
            args.out.display()
        )?;
        return Ok(1);
    }
    writeln!(
        out,
        "{} pages {}",
        pages.len(),
        if args.check { "up to date" } else { "written" }
    )?;
    Ok(0)
}

fn test(args: &TestArgs, out: &mut dyn Write) -> Result<u8, Outcome> {
    let mut packs = Vec::new();
    if args.packs.is_empty() {
        for (name, text) in BUILTIN_PACKS {
            packs.push(compile_pack(name, text).map_err(Failure::from)?);
        }
    } else {
        for path in &args.packs {
            for file in load::pack_files(path).map_err(Failure::from)? {
                let text = std::fs::read_to_string(&file).map_err(|e| {
                    Failure::Usage(format!("cannot read rule pack {}: {e}", file.display()))
                })?;
                packs
                    .push(compile_pack(&file.display().to_string(), &text).map_err(Failure::from)?);
            }
        }
    }
    let today = time::OffsetDateTime::now_utc().date();
    let (mut passed, mut failed, mut rules_without) = (0usize, 0usize, 0usize);
    for pack in &packs {
        for rule in &pack.rules {
            let results = run_examples(rule, &packs, today);
            if results.is_empty() {
                rules_without += 1;
                writeln!(out, "warn {} has no examples", rule.id)?;
                continue;
            }
            let failures: Vec<_> = results.iter().filter(|r| !r.verdict.passed()).collect();
            passed += results.len() - failures.len();
            failed += failures.len();
            if failures.is_empty() {
                writeln!(out, "ok   {} ({} examples)", rule.id, results.len())?;
                continue;
            }
            writeln!(out, "FAIL {}", rule.id)?;
            for result in failures {
                let name = result
                    .name
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                match &result.verdict {
                    Verdict::Missing(places) => {
                        for p in places {
                            writeln!(
                                out,
                                "       example {}{name}: missing finding at {p}",
                                result.index
                            )?;
                        }
                    }
                    Verdict::Noisy(places) => {
                        for p in places {
                            writeln!(
                                out,
                                "       example {}{name}: unexpected finding at {p}",
                                result.index
                            )?;
                        }
                    }
                    Verdict::Wrong { expected, found } => {
                        let list = |v: &[connlint::rules::selftest::Place]| {
                            v.iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        writeln!(
                            out,
                            "       example {}{name}: misplaced: expected {}, found {}",
                            result.index,
                            list(expected),
                            list(found)
                        )?;
                    }
                    Verdict::Reported | Verdict::Validated => {}
                }
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    if rules_without > 0 {
        writeln!(out, "{rules_without} rules have no examples")?;
    }
    Ok(u8::from(failed > 0))
}

fn schema(out: &mut dyn Write) -> Result<u8, Outcome> {
    let schema = schemars::schema_for!(PackFile);
    serde_json::to_writer_pretty(&mut *out, &schema).map_err(io::Error::other)?;
    writeln!(out)?;
    Ok(0)
}

/// `connlint lsp`: 0 after `shutdown` and `exit`, 1 when the client went
/// away without them (as the protocol asks), 2 for bad arguments.
fn lsp(args: &LspArgs) -> ExitCode {
    let as_of = match args.as_of.as_deref().map(parse_date) {
        Some(None) => {
            report_failure(&Failure::Usage(format!(
                "--as-of `{}` is not a date (YYYY-MM-DD)",
                args.as_of.as_deref().unwrap_or_default()
            )));
            return ExitCode::from(2);
        }
        Some(Some(date)) => Some(date),
        None => None,
    };
    let source = &args.source;
    let config = if source.no_config {
        ConfigChoice::Ignore
    } else if let Some(path) = &source.config {
        if !path.is_file() {
            report_failure(&Failure::Usage(format!(
                "config file {} does not exist",
                path.display()
            )));
            return ExitCode::from(2);
        }
        ConfigChoice::File(std::path::absolute(path).unwrap_or_else(|_| path.clone()))
    } else {
        ConfigChoice::Nearest
    };
    let options = LspOptions {
        config,
        extra_packs: source
            .rules
            .iter()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
            .collect(),
        builtin: !source.no_builtin,
        select: source.select.clone(),
        ignore: source.ignore.clone(),
        as_of,
        max_file_size: args.max_file_size,
        allow_outside: args.allow_outside,
    };
    match connlint::lsp::serve(Box::new(io::stdin()), Box::new(io::stdout()), options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("connlint lsp: {error}");
            ExitCode::from(2)
        }
    }
}
