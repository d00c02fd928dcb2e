//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Policy-as-code linter for integration configs: finds the Java runtimes,
/// TLS settings, connector versions, certificates and secrets that vendor
/// retirements break.
#[derive(Debug, Parser)]
#[command(name = "connlint", version, about, long_about = None)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Scan files and directories and report findings.
    Check(CheckArgs),
    /// Print the facts extracted from files and directories.
    Facts(FactsArgs),
    /// List the loaded rules.
    Rules(RulesArgs),
    /// Print a rule's full text.
    Explain(ExplainArgs),
    /// Run the examples embedded in rule packs (the built-in packs when none are given).
    Test(TestArgs),
    /// Print the JSON Schema of the rule-pack format.
    Schema,
    /// Write a Markdown page per rule, and an index, into a directory.
    Docs(DocsArgs),
    /// Run the language server on stdin/stdout (for editors).
    Lsp(LspArgs),
}

/// Where rules come from.
#[derive(Debug, Args)]
pub(crate) struct RuleSource {
    /// Configuration file (default: the nearest .connlint.toml at or above the first path).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Ignore any .connlint.toml.
    #[arg(long, conflicts_with = "config")]
    pub(crate) no_config: bool,
    /// Extra rule pack (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub(crate) rules: Vec<PathBuf>,
    /// Do not load the built-in packs.
    #[arg(long)]
    pub(crate) no_builtin: bool,
    /// Run only these rules, packs or tags (comma-separated, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "RULE|PACK|TAG")]
    pub(crate) select: Vec<String>,
    /// Skip these rules, packs or tags (comma-separated, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "RULE|PACK|TAG")]
    pub(crate) ignore: Vec<String>,
}

/// Options shared by `check` and `facts`.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    /// Rules and configuration.
    #[command(flatten)]
    pub(crate) source: RuleSource,
    /// Evaluate dates as of this day (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub(crate) jobs: Option<usize>,
    /// Read certificate and key files that configs reference outside the scanned directories.
    #[arg(long)]
    pub(crate) allow_outside: bool,
    /// Skip files larger than this many bytes (default: 8388608, 8 MiB).
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_file_size: Option<u64>,
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    /// Diagnostics over the source, then a summary.
    Human,
    /// The stable JSON document.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// JUnit XML, for CI test reports (GitLab, Jenkins).
    Junit,
}

/// Severity thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Fail on errors.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
}

/// `connlint check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// What to scan.
    #[command(flatten)]
    pub(crate) scan: ScanArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub(crate) format: CheckFormat,
    /// Write the report to this file; the summary line still goes to stderr.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity remains (default: error, or the config's `fail-on`).
    #[arg(long, value_enum)]
    pub(crate) fail_on: Option<FailOn>,
    /// Do not honour `connlint: ignore[...]` comments (audits); nor report on them.
    #[arg(long)]
    pub(crate) no_inline_ignores: bool,
    /// Report only findings this baseline file does not list (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
    /// Write the findings (after suppressions) to this baseline file; with --baseline, the updated baseline.
    #[arg(long, value_name = "FILE")]
    pub(crate) write_baseline: Option<PathBuf>,
}

/// Output formats of `facts`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FactsFormatArg {
    /// Aligned columns.
    Table,
    /// JSON.
    Json,
    /// CSV.
    Csv,
}

/// `connlint facts`.
#[derive(Debug, Args)]
pub(crate) struct FactsArgs {
    /// What to scan.
    #[command(flatten)]
    pub(crate) scan: ScanArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FactsFormatArg::Table)]
    pub(crate) format: FactsFormatArg,
}

/// `connlint rules`.
#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Rules and configuration.
    #[command(flatten)]
    pub(crate) source: RuleSource,
}

/// `connlint explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The rule id (e.g. anaplan.java-below-8u161).
    pub(crate) rule: String,
    /// Rules and configuration.
    #[command(flatten)]
    pub(crate) source: RuleSource,
}

/// `connlint docs`.
#[derive(Debug, Args)]
pub(crate) struct DocsArgs {
    /// Directory for `<rule-id>.md` and `README.md` (created if missing).
    pub(crate) out: PathBuf,
    /// Fail instead of writing when a page differs from the packs (for CI).
    #[arg(long)]
    pub(crate) check: bool,
    /// Rules and configuration.
    #[command(flatten)]
    pub(crate) source: RuleSource,
}

/// `connlint test`.
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Rule pack files (default: the built-in packs).
    pub(crate) packs: Vec<PathBuf>,
}

/// `connlint lsp`.
#[derive(Debug, Args)]
pub(crate) struct LspArgs {
    /// Rules and configuration (the config: the nearest .connlint.toml at or above each workspace folder).
    #[command(flatten)]
    pub(crate) source: RuleSource,
    /// Evaluate dates as of this day (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
    /// Read certificate and key files that configs reference outside the workspace folders.
    #[arg(long)]
    pub(crate) allow_outside: bool,
    /// Skip files larger than this many bytes (default: 8388608, 8 MiB).
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_file_size: Option<u64>,
    /// Accepted for editor clients that pass it; stdio is the only transport.
    #[arg(long, hide = true)]
    pub(crate) stdio: bool,
}
