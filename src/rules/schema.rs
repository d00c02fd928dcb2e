//! The rule-pack file format, as serde reads it. `connlint schema` prints
//! the JSON Schema derived from these types; field docs become its
//! descriptions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// One rule pack: a `[pack]` table and its `[[rules]]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// What the pack is.
    pub pack: PackMeta,
    /// Declarative extractors: regular expressions that turn text in matching files into facts.
    #[serde(default)]
    #[schemars(with = "Vec<RegexExtractorSpec>")]
    pub extractors: Vec<Spanned<RegexExtractorSpec>>,
    /// The rules.
    #[serde(default)]
    #[schemars(with = "Vec<RuleSpec>")]
    pub rules: Vec<Spanned<RuleSpec>>,
}

/// The `[pack]` table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    /// Pack name; rule ids start with it (`anaplan.` for pack `anaplan`).
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// What the pack covers.
    #[serde(default)]
    pub description: Option<String>,
}

/// Severity of a rule's findings.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Should be fixed.
    Warning,
    /// Breaks, or will break, an integration.
    Error,
}

impl Severity {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One level lower (an upcoming finding); info stays info.
    #[must_use]
    pub fn lowered(self) -> Self {
        match self {
            Severity::Error => Severity::Warning,
            Severity::Warning | Severity::Info => Severity::Info,
        }
    }

    /// The severity named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// One `[[rules]]` entry.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSpec {
    /// Stable id, `pack.kebab-name`; never reused.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// error, warning or info.
    #[schemars(with = "Severity")]
    pub severity: Spanned<Severity>,
    /// One line naming the problem.
    pub title: String,
    /// The finding's message; may use `{value}`, `{path}`, `{kind}`, `{since}` and `{attr.NAME}`.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// The concrete fix.
    #[serde(default)]
    pub help: Option<String>,
    /// The vendor notice or standard behind the rule.
    #[serde(default)]
    pub url: Option<String>,
    /// Longer explanation for `connlint explain` and the rule docs.
    #[serde(default)]
    pub description: Option<String>,
    /// Date (YYYY-MM-DD) from which the problem breaks things; before it, findings are one severity lower and marked upcoming.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub since: Option<Spanned<String>>,
    /// The fact kind the rule looks at (`java.version`, `tls.protocol`, ...), or a list of kinds (any of them). Not used by `regex` rules.
    #[serde(default)]
    #[schemars(with = "Option<OneOrMany>")]
    pub fact: Option<Spanned<OneOrMany>>,
    /// Filters on the fact's attributes (and `value`): a string, a list (any of), or a table with `not`, `pattern` or `present`.
    #[serde(default, rename = "where")]
    #[schemars(with = "BTreeMap<String, MatcherSpec>")]
    pub filters: BTreeMap<String, Spanned<MatcherSpec>>,
    /// Check: the value must satisfy this version constraint (`>= 1.8.0_161`, `>= 1.4, < 2`, `< 7 || >= 8`); a finding when it does not.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub require: Option<Spanned<String>>,
    /// Check: a finding when the value is one of these.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub forbid: Option<Spanned<Vec<String>>>,
    /// Check: a finding when the value matches this regular expression.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub pattern: Option<Spanned<String>>,
    /// Check: a finding for every such fact.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub present: Option<Spanned<bool>>,
    /// Check (certificates): a finding when attribute `not_after` is before the as-of date.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub expired: Option<Spanned<bool>>,
    /// Check (certificates): a finding when attribute `not_before` is after the as-of date.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub not_yet_valid: Option<Spanned<bool>>,
    /// Apply `require`, `forbid` or `pattern` to this attribute instead of the value (e.g. `key_bits`); facts without it pass.
    #[serde(default)]
    pub attribute: Option<String>,
    /// Check (certificates): a finding when attribute `not_after` falls within this many days after the as-of date.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub expires_within: Option<Spanned<u32>>,
    /// Check: a raw-text rule; a finding for every match in files matching `files` (the named group `value`, if any, is the span).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub regex: Option<Spanned<String>>,
    /// Check, reserved for the built-in `connlint` pack: a finding for each inline suppression in this state (`unused`, `without-reason`, `expired`, `unknown-rule`, `malformed`).
    #[serde(default)]
    #[schemars(with = "Option<SuppressionCheck>")]
    pub suppression: Option<Spanned<SuppressionCheck>>,
    /// Globs of the files a `regex` rule reads (default: every file connlint reads).
    #[serde(default)]
    pub files: Vec<String>,
    /// Conditions on other facts that must all hold.
    #[serde(default)]
    #[schemars(with = "Vec<ConditionSpec>")]
    pub when: Vec<Spanned<ConditionSpec>>,
    /// Conditions on other facts of which none may hold.
    #[serde(default)]
    #[schemars(with = "Vec<ConditionSpec>")]
    pub unless: Vec<Spanned<ConditionSpec>>,
    /// Tags: `--select`, `--ignore` and the config's `select`/`disable` accept them like pack names.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Rule ids this rule is more specific than: where both fire on the same fact, only this one is reported.
    #[serde(default)]
    pub supersedes: Vec<String>,
    /// Examples run by `connlint test` and `cargo test`.
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
}

/// What a `connlint` meta rule reports about inline suppressions
/// (`connlint: ignore[RULE-ID] reason` comments).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionCheck {
    /// It silenced no finding.
    Unused,
    /// It gives no reason.
    WithoutReason,
    /// Its `until=` date has passed, so it silences nothing any more.
    Expired,
    /// It names a rule or pack that is not loaded.
    UnknownRule,
    /// It cannot be read (no brackets, unclosed, a bad date, misplaced).
    Malformed,
}

impl SuppressionCheck {
    /// The name written in a pack (`unused`, `without-reason`, ...).
    pub fn name(self) -> &'static str {
        match self {
            SuppressionCheck::Unused => "unused",
            SuppressionCheck::WithoutReason => "without-reason",
            SuppressionCheck::Expired => "expired",
            SuppressionCheck::UnknownRule => "unknown-rule",
            SuppressionCheck::Malformed => "malformed",
        }
    }
}

/// An attribute filter.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum MatcherSpec {
    /// Equal to this string.
    One(String),
    /// Equal to any of these.
    AnyOf(Vec<String>),
    /// A table form.
    Table(MatcherTable),
}

/// The table form of an attribute filter.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatcherTable {
    /// Not equal to any of these (also true when the attribute is absent).
    #[serde(default)]
    pub not: Option<OneOrMany>,
    /// Matches this regular expression.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Whether the attribute must be present (true) or absent (false).
    #[serde(default)]
    pub present: Option<bool>,
}

/// A string or a list of strings.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One string.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Where a condition looks for its facts, relative to the fact checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Facts read from the same file (with the files it sources).
    #[default]
    File,
    /// Facts of files in the same directory, above it or below it.
    Directory,
    /// Facts anywhere in the scan.
    Repository,
}

/// A condition on other facts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConditionSpec {
    /// The fact kind, or several (any of them).
    #[schemars(with = "OneOrMany")]
    pub fact: Spanned<OneOrMany>,
    /// Attribute filters, as in a rule.
    #[serde(default, rename = "where")]
    #[schemars(with = "BTreeMap<String, MatcherSpec>")]
    pub filters: BTreeMap<String, Spanned<MatcherSpec>>,
    /// The other fact's value satisfies this version constraint.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub require: Option<Spanned<String>>,
    /// The other fact's value is one of these.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// Where to look (default: file).
    #[serde(default)]
    pub scope: Scope,
}

/// One example: a file (or several) and the findings expected in it.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    /// What the example shows.
    #[serde(default)]
    pub name: Option<String>,
    /// Path of the file (its name decides the extractor).
    #[serde(default)]
    pub path: Option<String>,
    /// The file's text.
    #[serde(default)]
    pub content: Option<String>,
    /// Several files: path -> text.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Evaluate the example as of this date (YYYY-MM-DD), for date-bound checks.
    #[serde(default, rename = "as-of")]
    pub as_of: Option<String>,
    /// The expected findings of this rule, in order: the exact text under each primary span, or a table with `text`, `path` and `line`. Empty: the example must stay quiet.
    #[serde(default)]
    pub expect: Vec<ExpectSpec>,
}

impl ExampleSpec {
    /// The example's files as (path, text): `content` first (at `path`, or
    /// `example.txt`), then `files`.
    pub fn file_texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.content
            .iter()
            .map(|c| (self.path.as_deref().unwrap_or("example.txt"), c.as_str()))
            .chain(self.files.iter().map(|(p, c)| (p.as_str(), c.as_str())))
    }
}

/// One expected finding.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ExpectSpec {
    /// The text under the span.
    Text(String),
    /// With its place.
    At {
        /// The text under the span.
        text: String,
        /// The file (for multi-file examples).
        #[serde(default)]
        path: Option<String>,
        /// The 1-based line.
        #[serde(default)]
        line: Option<u32>,
    },
}

/// A declarative extractor: text matched in files becomes facts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegexExtractorSpec {
    /// Globs of the files it reads.
    pub files: Vec<String>,
    /// The regular expression; the named group `value` (or the whole match) is the fact's value and span.
    #[schemars(with = "String")]
    pub regex: Spanned<String>,
    /// The fact kind produced.
    #[schemars(with = "String")]
    pub fact: Spanned<String>,
    /// Attributes of the facts; values may use `{NAME}` for named groups.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}
