//! Stage two of loading a pack: validate the serde types and compile them
//! into [`Rule`]s. Every mistake is a [`FileError`] pointing into the pack.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use toml::Spanned;

use crate::error::{ErrorKind, FileError};
use crate::facts::{Fact, FactKind};
pub use crate::rules::schema::Scope;
use crate::rules::schema::{
    ConditionSpec, ExampleSpec, MatcherSpec, OneOrMany, PackFile, RegexExtractorSpec, RuleSpec,
    Severity, SuppressionCheck,
};
use crate::span::Span;
use crate::version::{Constraint, Scheme, Version};

/// A compiled pack.
#[derive(Debug)]
pub struct CompiledPack {
    /// Pack name.
    pub name: Arc<str>,
    /// What it covers.
    pub description: Option<String>,
    /// The pack file's name (for messages).
    pub file: Arc<str>,
    /// Its rules, in file order.
    pub rules: Vec<Rule>,
    /// Its declarative extractors.
    pub extractors: Vec<RegexExtractor>,
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, `pack.kebab-name`.
    pub id: Arc<str>,
    /// The pack it belongs to.
    pub pack: Arc<str>,
    /// Default severity.
    pub severity: Severity,
    /// One-line title.
    pub title: String,
    /// Message template.
    pub message: Template,
    /// The message as written, for `explain`.
    pub message_source: String,
    /// The fix.
    pub help: Option<String>,
    /// The notice or standard.
    pub url: Option<String>,
    /// Longer explanation.
    pub description: Option<String>,
    /// From when the problem breaks things.
    pub since: Option<time::Date>,
    /// What it looks at.
    pub target: Target,
    /// What it checks.
    pub check: Check,
    /// The attribute `require`/`forbid`/`pattern` look at instead of the value.
    pub check_attribute: Option<String>,
    /// Conditions that must all hold.
    pub when: Vec<Condition>,
    /// Conditions of which none may hold.
    pub unless: Vec<Condition>,
    /// Tags.
    pub tags: Vec<String>,
    /// Rules this one replaces on the facts it fires on.
    pub supersedes: Vec<String>,
    /// Examples.
    pub examples: Vec<ExampleSpec>,
}

/// What a rule looks at.
#[derive(Debug)]
pub enum Target {
    /// Facts of these kinds that pass the filters.
    Fact {
        /// The kinds (any of them).
        kinds: Vec<FactKind>,
        /// Attribute filters.
        filters: Vec<Filter>,
    },
    /// Raw text in files matching the globs (a `regex` rule).
    Text {
        /// The expression; group `value` or the whole match is the span.
        regex: Regex,
        /// Which files; `None` = every file read.
        files: Option<GlobSet>,
    },
    /// Inline suppressions in one state (a meta rule of the built-in
    /// `connlint` pack). Its facts are not extracted from files: the scan
    /// makes them after the other rules ran and suppressions were applied
    /// (see [`crate::suppress`]).
    Suppression(SuppressionCheck),
}

/// The pack whose rules report on inline suppressions; only it may use
/// the `suppression` check.
pub const META_PACK: &str = "connlint";

/// A check on a fact that passed the filters; a finding when it fails.
#[derive(Debug)]
pub enum Check {
    /// The value must satisfy the constraint (undecided: no finding).
    Require(Constraint),
    /// The value must not be one of these.
    Forbid(Vec<String>),
    /// The value must not match.
    Pattern(Regex),
    /// Every fact is a finding.
    Present,
    /// `not_after` must not be before the as-of date.
    Expired,
    /// `not_after` must not fall within this many days of the as-of date.
    ExpiresWithin(u32),
    /// `not_before` must not be after the as-of date.
    NotYetValid,
}

impl Rule {
    /// Whether the rule reports on inline suppressions rather than facts
    /// (a meta rule of the `connlint` pack).
    pub fn is_meta(&self) -> bool {
        matches!(self.target, Target::Suppression(_))
    }

    /// What the rule checks, in one line (for `explain`).
    pub fn summary(&self) -> String {
        let mut text = match &self.target {
            Target::Fact { kinds, filters } => {
                let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                let mut t = format!("fact `{}`", names.join("` or `"));
                if !filters.is_empty() {
                    let parts: Vec<String> = filters.iter().map(Filter::describe).collect();
                    let _ = write!(t, " where {}", parts.join(" and "));
                }
                t
            }
            Target::Text { regex, .. } => format!("text matching /{regex}/"),
            Target::Suppression(check) => {
                format!(
                    "inline suppressions (`connlint: ignore[...]`) that are {}",
                    {
                        match check {
                            SuppressionCheck::Unused => "unused",
                            SuppressionCheck::WithoutReason => "without a reason",
                            SuppressionCheck::Expired => "past their `until=` date",
                            SuppressionCheck::UnknownRule => "naming an unknown rule or pack",
                            SuppressionCheck::Malformed => "malformed",
                        }
                    }
                )
            }
        };
        if let Some(attribute) = &self.check_attribute {
            let _ = write!(text, "; attribute `{attribute}`");
        }
        let check = match &self.check {
            Check::Require(c) => format!("; finding unless the version satisfies `{}`", c.source),
            Check::Forbid(values) => {
                format!("; finding when the value is one of {}", values.join(", "))
            }
            Check::Pattern(regex) => format!("; finding when the value matches /{regex}/"),
            Check::Present => "; finding for each".to_owned(),
            Check::Expired => "; finding when expired".to_owned(),
            Check::ExpiresWithin(days) => format!("; finding when it expires within {days} days"),
            Check::NotYetValid => "; finding when not yet valid".to_owned(),
        };
        text.push_str(&check);
        for (word, conditions) in [("when", &self.when), ("unless", &self.unless)] {
            for c in conditions {
                let kinds: Vec<&str> = c.kinds.iter().map(|k| k.name()).collect();
                let _ = write!(text, "; {word} a `{}` fact", kinds.join("` or `"));
                if !c.filters.is_empty() {
                    let parts: Vec<String> = c.filters.iter().map(Filter::describe).collect();
                    let _ = write!(text, " where {}", parts.join(" and "));
                }
                if let Some(r) = &c.require {
                    let _ = write!(text, " satisfying `{}`", r.source);
                }
                let scope = match c.scope {
                    Scope::File => "the same job file",
                    Scope::Directory => "the same directory tree",
                    Scope::Repository => "the repository",
                };
                let _ = write!(text, " is in {scope}");
            }
        }
        text
    }
}

/// A filter on one attribute (or `value`).
#[derive(Debug)]
pub struct Filter {
    /// The attribute name; `value` filters the value.
    pub key: String,
    /// The test.
    pub matcher: Matcher,
}

/// How a filter tests an attribute.
#[derive(Debug)]
pub enum Matcher {
    /// Equal to one of these.
    AnyOf(Vec<String>),
    /// Not equal to any of these (absent passes).
    NoneOf(Vec<String>),
    /// Matches.
    Pattern(Regex),
    /// Present (true) or absent (false).
    Present(bool),
}

impl Filter {
    /// The filter in words.
    pub fn describe(&self) -> String {
        match &self.matcher {
            Matcher::AnyOf(v) => format!("{} is {}", self.key, v.join(" or ")),
            Matcher::NoneOf(v) => format!("{} is not {}", self.key, v.join(" or ")),
            Matcher::Pattern(r) => format!("{} matches /{r}/", self.key),
            Matcher::Present(true) => format!("{} is set", self.key),
            Matcher::Present(false) => format!("{} is not set", self.key),
        }
    }

    /// Whether `fact` passes.
    pub fn accepts(&self, fact: &Fact) -> bool {
        let actual = if self.key == "value" {
            Some(fact.value.as_str())
        } else {
            fact.attr(&self.key)
        };
        match &self.matcher {
            Matcher::AnyOf(values) => actual.is_some_and(|a| values.iter().any(|v| v == a)),
            Matcher::NoneOf(values) => actual.is_none_or(|a| values.iter().all(|v| v != a)),
            Matcher::Pattern(regex) => actual.is_some_and(|a| regex.is_match(a)),
            Matcher::Present(present) => actual.is_some() == *present,
        }
    }
}

/// A condition on other facts.
#[derive(Debug)]
pub struct Condition {
    /// Their kinds (any of them).
    pub kinds: Vec<FactKind>,
    /// Their filters.
    pub filters: Vec<Filter>,
    /// A constraint their value must satisfy.
    pub require: Option<Constraint>,
    /// Values one of which theirs must be.
    pub values: Option<Vec<String>>,
    /// Where they must be.
    pub scope: Scope,
}

impl Condition {
    /// Whether `fact` is one of the facts the condition looks for.
    pub fn matches(&self, fact: &Fact) -> bool {
        self.kinds.contains(&fact.kind)
            && self.filters.iter().all(|f| f.accepts(fact))
            && self.values.as_ref().is_none_or(|v| v.contains(&fact.value))
            && self.require.as_ref().is_none_or(|c| {
                Version::parse(&fact.value, scheme_for(fact.kind))
                    .ok()
                    .and_then(|v| c.check(&v))
                    == Some(true)
            })
    }
}

/// A message template.
#[derive(Clone, Debug)]
pub struct Template(Vec<Part>);

#[derive(Clone, Debug)]
enum Part {
    Text(String),
    Value,
    Path,
    Kind,
    Since,
    Attr(String),
}

impl Template {
    /// Fills the template for `fact`.
    pub fn render(&self, fact: &Fact, since: Option<time::Date>) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Value => out.push_str(&fact.value),
                Part::Path => out.push_str(&fact.path),
                Part::Kind => out.push_str(fact.kind.name()),
                Part::Since => out.push_str(&since.map(|d| d.to_string()).unwrap_or_default()),
                Part::Attr(name) => out.push_str(fact.attr(name).unwrap_or("?")),
            }
        }
        out
    }
}

/// A declarative regex extractor.
#[derive(Debug)]
pub struct RegexExtractor {
    /// Files it reads.
    pub files: GlobSet,
    /// The expression.
    pub regex: Regex,
    /// The kind of fact it makes.
    pub kind: FactKind,
    /// Attributes (with `{group}` placeholders).
    pub attributes: BTreeMap<String, String>,
}

/// The version scheme of a fact kind's values.
pub fn scheme_for(kind: FactKind) -> Scheme {
    if kind.is_java_versioned() {
        Scheme::Java
    } else {
        Scheme::Dotted
    }
}

/// Parses and compiles the pack in `text` (file name `file`).
pub fn compile_pack(file: &str, text: &str) -> Result<CompiledPack, FileError> {
    let raw: PackFile =
        toml::from_str(text).map_err(|e| crate::error::toml_error(file, text, &e))?;
    let ctx = Ctx { file, text };
    let name = raw.pack.name.get_ref().clone();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(ctx.error(
            ErrorKind::BadId,
            &raw.pack.name,
            "pack names are lowercase kebab-case",
        ));
    }
    let pack: Arc<str> = Arc::from(name.as_str());
    let mut seen = HashSet::new();
    let mut rules = Vec::new();
    for spanned in raw.rules {
        let span = spanned.span();
        let spec = spanned.into_inner();
        if !seen.insert(spec.id.get_ref().clone()) {
            return Err(ctx.error(ErrorKind::BadId, &spec.id, "duplicate rule id"));
        }
        rules.push(ctx.rule(&pack, spec, span)?);
    }
    let extractors = raw
        .extractors
        .into_iter()
        .map(|e| ctx.extractor(e.into_inner()))
        .collect::<Result<_, _>>()?;
    Ok(CompiledPack {
        name: pack,
        description: raw.pack.description,
        file: Arc::from(file),
        rules,
        extractors,
    })
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn error<T>(&self, kind: ErrorKind, at: &Spanned<T>, message: impl Into<String>) -> FileError {
        let r = at.span();
        FileError::new(
            kind,
            self.file,
            self.text,
            Some(Span::new(r.start, r.end)),
            message,
        )
    }

    fn rule(
        &self,
        pack: &Arc<str>,
        spec: RuleSpec,
        whole: std::ops::Range<usize>,
    ) -> Result<Rule, FileError> {
        let id = spec.id.get_ref();
        let valid_id = id.strip_prefix(&format!("{pack}.")).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        });
        if !valid_id {
            return Err(self
                .error(
                    ErrorKind::BadId,
                    &spec.id,
                    format!("rule id `{id}` must be `{pack}.kebab-case-name`"),
                )
                .label("rule id"));
        }
        let since = spec.since.as_ref().map(|s| self.date(s)).transpose()?;
        let (target, check) = self.target_and_check(pack, &spec, whole)?;
        Ok(Rule {
            id: Arc::from(id.as_str()),
            pack: Arc::clone(pack),
            severity: *spec.severity.get_ref(),
            title: spec.title,
            message: self.template(&spec.message)?,
            message_source: spec.message.get_ref().clone(),
            help: spec.help,
            url: spec.url,
            description: spec.description,
            since,
            target,
            check,
            check_attribute: spec.attribute,
            when: spec
                .when
                .iter()
                .map(|c| self.condition(c))
                .collect::<Result<_, _>>()?,
            unless: spec
                .unless
                .iter()
                .map(|c| self.condition(c))
                .collect::<Result<_, _>>()?,
            tags: spec.tags,
            supersedes: spec.supersedes,
            examples: spec.examples,
        })
    }

    fn target_and_check(
        &self,
        pack: &str,
        spec: &RuleSpec,
        whole: std::ops::Range<usize>,
    ) -> Result<(Target, Check), FileError> {
        let checks = [
            spec.require.is_some(),
            spec.forbid.is_some(),
            spec.pattern.is_some(),
            spec.present.is_some(),
            spec.expired.is_some(),
            spec.expires_within.is_some(),
            spec.not_yet_valid.is_some(),
            spec.regex.is_some(),
            spec.suppression.is_some(),
        ];
        let count = checks.iter().filter(|c| **c).count();
        if count != 1 {
            let message = if count == 0 {
                "a rule needs exactly one check: require, forbid, pattern, present, expired, expires-within, not-yet-valid or regex"
            } else {
                "a rule has exactly one check; this one has several"
            };
            return Err(FileError::new(
                ErrorKind::BadCheck,
                self.file,
                self.text,
                Some(Span::new(whole.start, whole.end)),
                message,
            )
            .label("this rule"));
        }
        if let Some(check) = &spec.suppression {
            return self.suppression(pack, spec, check);
        }
        if let Some(regex) = &spec.regex {
            if let Some(fact) = &spec.fact {
                return Err(self.error(
                    ErrorKind::BadCheck,
                    fact,
                    "a `regex` rule reads raw text; it takes `files`, not `fact`",
                ));
            }
            let compiled = self.regex(regex)?;
            let files = if spec.files.is_empty() {
                None
            } else {
                Some(self.globs(&spec.files, regex)?)
            };
            return Ok((
                Target::Text {
                    regex: compiled,
                    files,
                },
                Check::Present,
            ));
        }
        let Some(fact) = &spec.fact else {
            return Err(FileError::new(
                ErrorKind::UnknownFact,
                self.file,
                self.text,
                Some(Span::new(whole.start, whole.end)),
                "this rule names no `fact` to look at",
            )
            .label("this rule"));
        };
        let kinds = self.fact_kinds(fact)?;
        let filters = self.filters(&spec.filters)?;
        // A version constraint compares the way the first kind numbers itself.
        let scheme_kind = if spec.attribute.is_some() {
            FactKind::TextMatch
        } else {
            kinds[0]
        };
        let check = if let Some(require) = &spec.require {
            Check::Require(self.constraint(require, scheme_kind)?)
        } else if let Some(forbid) = &spec.forbid {
            Check::Forbid(forbid.get_ref().clone())
        } else if let Some(pattern) = &spec.pattern {
            Check::Pattern(self.regex(pattern)?)
        } else if let Some(present) = &spec.present {
            if !present.get_ref() {
                return Err(self.error(
                    ErrorKind::BadCheck,
                    present,
                    "`present = false` never fires; remove the rule or use `unless`",
                ));
            }
            Check::Present
        } else if spec.expired.is_some() {
            Check::Expired
        } else if spec.not_yet_valid.is_some() {
            Check::NotYetValid
        } else if let Some(days) = &spec.expires_within {
            Check::ExpiresWithin(*days.get_ref())
        } else {
            // Counted above: exactly one check is set, and it is one of these.
            return Err(self.error(ErrorKind::BadCheck, fact, "this rule has no check"));
        };
        Ok((Target::Fact { kinds, filters }, check))
    }

    /// A meta rule of the `connlint` pack: it reads inline suppressions,
    /// and no other pack may declare one.
    fn suppression(
        &self,
        pack: &str,
        spec: &RuleSpec,
        check: &Spanned<SuppressionCheck>,
    ) -> Result<(Target, Check), FileError> {
        if pack != META_PACK {
            return Err(self
                .error(
                    ErrorKind::BadCheck,
                    check,
                    format!(
                        "the `suppression` check is reserved for the built-in `{META_PACK}` pack"
                    ),
                )
                .help(format!(
                    "change the severity of `{META_PACK}.*` rules in `.connlint.toml` instead"
                )));
        }
        if let Some(fact) = &spec.fact {
            return Err(self.error(
                ErrorKind::BadCheck,
                fact,
                "a `suppression` rule reads inline suppressions; it takes no `fact`",
            ));
        }
        Ok((Target::Suppression(*check.get_ref()), Check::Present))
    }

    fn fact_kind(&self, fact: &Spanned<String>) -> Result<FactKind, FileError> {
        FactKind::from_name(fact.get_ref()).ok_or_else(|| {
            let known: Vec<&str> = FactKind::ALL.iter().map(|k| k.name()).collect();
            self.error(
                ErrorKind::UnknownFact,
                fact,
                format!("unknown fact kind `{}`", fact.get_ref()),
            )
            .label("not a fact kind")
            .help(format!("known kinds: {}", known.join(", ")))
        })
    }

    fn constraint(&self, text: &Spanned<String>, kind: FactKind) -> Result<Constraint, FileError> {
        Constraint::parse(text.get_ref(), scheme_for(kind)).map_err(|e| {
            self.error(
                ErrorKind::BadConstraint,
                text,
                format!("invalid version constraint: {e}"),
            )
            .help("write comparisons like `>= 1.8.0_161`, `>= 1.4, < 2` or `< 7 || >= 8`")
        })
    }

    fn regex(&self, text: &Spanned<String>) -> Result<Regex, FileError> {
        Regex::new(text.get_ref()).map_err(|e| {
            let message = e.to_string();
            let last = message
                .lines()
                .last()
                .unwrap_or("invalid regular expression")
                .to_owned();
            self.error(
                ErrorKind::BadRegex,
                text,
                format!("invalid regular expression: {last}"),
            )
        })
    }

    fn globs<T>(&self, globs: &[String], at: &Spanned<T>) -> Result<GlobSet, FileError> {
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            let pattern = if glob.contains('/') {
                glob.clone()
            } else {
                format!("**/{glob}")
            };
            let compiled = Glob::new(&pattern).map_err(|e| {
                self.error(
                    ErrorKind::BadGlob,
                    at,
                    format!("invalid glob `{glob}`: {e}"),
                )
            })?;
            builder.add(compiled);
        }
        builder
            .build()
            .map_err(|e| self.error(ErrorKind::BadGlob, at, e.to_string()))
    }

    fn date(&self, text: &Spanned<String>) -> Result<time::Date, FileError> {
        parse_date(text.get_ref()).ok_or_else(|| {
            self.error(
                ErrorKind::BadDate,
                text,
                format!("`{}` is not a date (YYYY-MM-DD)", text.get_ref()),
            )
        })
    }

    fn template(&self, text: &Spanned<String>) -> Result<Template, FileError> {
        let mut parts = Vec::new();
        let source = text.get_ref();
        let mut rest = source.as_str();
        while let Some(open) = rest.find('{') {
            parts.push(Part::Text(rest[..open].to_owned()));
            let close = rest[open..].find('}').map(|c| c + open).ok_or_else(|| {
                self.error(ErrorKind::BadTemplate, text, "unclosed `{` in message")
                    .help("write `{{` for a literal brace")
            })?;
            let name = &rest[open + 1..close];
            let part = match name {
                "value" => Part::Value,
                "path" => Part::Path,
                "kind" => Part::Kind,
                "since" => Part::Since,
                _ => match name.strip_prefix("attr.") {
                    Some(attr) if !attr.is_empty() => Part::Attr(attr.to_owned()),
                    _ => {
                        return Err(self
                            .error(
                                ErrorKind::BadTemplate,
                                text,
                                format!("unknown placeholder `{{{name}}}` in message"),
                            )
                            .help("placeholders: {value}, {path}, {kind}, {since}, {attr.NAME}"));
                    }
                },
            };
            parts.push(part);
            rest = &rest[close + 1..];
        }
        parts.push(Part::Text(rest.to_owned()));
        Ok(Template(parts))
    }

    fn filters(
        &self,
        filters: &BTreeMap<String, Spanned<MatcherSpec>>,
    ) -> Result<Vec<Filter>, FileError> {
        filters
            .iter()
            .map(|(key, spec)| {
                let matcher = match spec.get_ref().clone() {
                    MatcherSpec::One(v) => Matcher::AnyOf(vec![v]),
                    MatcherSpec::AnyOf(v) => Matcher::AnyOf(v),
                    MatcherSpec::Table(t) => match (t.not, t.pattern, t.present) {
                        (Some(not), None, None) => Matcher::NoneOf(not.into_vec()),
                        (None, Some(pattern), None) => Matcher::Pattern(
                            Regex::new(&pattern)
                                .map_err(|e| self.error(ErrorKind::BadRegex, spec, format!("invalid regular expression: {e}")))?,
                        ),
                        (None, None, Some(present)) => Matcher::Present(present),
                        _ => {
                            return Err(self.error(ErrorKind::Syntax, spec, "a filter table takes exactly one of `not`, `pattern`, `present`"));
                        }
                    },
                };
                Ok(Filter { key: key.clone(), matcher })
            })
            .collect()
    }

    /// The kinds a `fact` names: one, or a non-empty list.
    fn fact_kinds(&self, fact: &Spanned<OneOrMany>) -> Result<Vec<FactKind>, FileError> {
        let range = fact.span();
        let mut kinds = Vec::new();
        for name in fact.get_ref().clone().into_vec() {
            kinds.push(self.fact_kind(&Spanned::new(range.clone(), name))?);
        }
        if kinds.is_empty() {
            return Err(self.error(ErrorKind::UnknownFact, fact, "`fact` names no fact kind"));
        }
        Ok(kinds)
    }

    fn condition(&self, spec: &Spanned<ConditionSpec>) -> Result<Condition, FileError> {
        let c = spec.get_ref();
        let kinds = self.fact_kinds(&c.fact)?;
        // A version constraint compares the way the first kind numbers itself.
        let scheme_kind = kinds[0];
        Ok(Condition {
            kinds,
            filters: self.filters(&c.filters)?,
            require: c
                .require
                .as_ref()
                .map(|r| self.constraint(r, scheme_kind))
                .transpose()?,
            values: c.values.clone(),
            scope: c.scope,
        })
    }

    fn extractor(&self, spec: RegexExtractorSpec) -> Result<RegexExtractor, FileError> {
        Ok(RegexExtractor {
            files: self.globs(&spec.files, &spec.regex)?,
            regex: self.regex(&spec.regex)?,
            kind: self.fact_kind(&spec.fact)?,
            attributes: spec.attributes,
        })
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<time::Date> {
    time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "[pack]\nname = \"demo\"\n";

    fn error_of(rules: &str) -> FileError {
        compile_pack("demo.toml", &format!("{HEADER}{rules}")).unwrap_err()
    }

    fn spanned_text(rules: &str) -> String {
        let text = format!("{HEADER}{rules}");
        let error = compile_pack("demo.toml", &text).unwrap_err();
        text[error.span.unwrap().range()].to_owned()
    }

    #[test]
    fn compiles_a_rule() {
        let pack = compile_pack(
            "demo.toml",
            &format!("{HEADER}[[rules]]\nid = \"demo.old-java\"\nseverity = \"error\"\ntitle = \"t\"\nmessage = \"Java {{value}} in {{attr.source}}\"\nfact = \"java.version\"\nrequire = \">= 1.8.0_161\"\nsince = \"2020-10-01\"\n"),
        )
        .unwrap();
        assert_eq!(pack.rules.len(), 1);
        assert_eq!(&*pack.rules[0].id, "demo.old-java");
    }

    #[test]
    fn errors_point_at_the_offending_value() {
        let base =
            "[[rules]]\nid = \"demo.x\"\nseverity = \"error\"\ntitle = \"t\"\nmessage = \"m\"\n";
        assert_eq!(
            spanned_text(&format!("{base}fact = \"java.verison\"\npresent = true\n")),
            "\"java.verison\""
        );
        assert_eq!(
            spanned_text(&format!(
                "{base}fact = \"java.version\"\nrequire = \">= banana\"\n"
            )),
            "\">= banana\""
        );
        assert_eq!(
            spanned_text(&format!("{base}fact = \"java.version\"\npattern = \"(\"\n")),
            "\"(\""
        );
        assert_eq!(
            spanned_text(&format!(
                "{base}fact = \"java.version\"\npresent = true\nsince = \"2020-13-01\"\n"
            )),
            "\"2020-13-01\""
        );
        assert_eq!(
            error_of(&format!("{base}fact = \"java.version\"\n")).kind,
            ErrorKind::BadCheck
        );
        assert_eq!(
            error_of(&format!(
                "{base}fact = \"java.version\"\npresent = true\nfrobnicate = 1\n"
            ))
            .kind,
            ErrorKind::Syntax
        );
        assert!(
            spanned_text(&format!(
                "{base}fact = \"java.version\"\npresent = true\nfrobnicate = 1\n"
            ))
            .contains("frobnicate")
        );
        let bad_template = "[[rules]]\nid = \"demo.x\"\nseverity = \"error\"\ntitle = \"t\"\nmessage = \"{valeu}\"\nfact = \"secret\"\npresent = true\n";
        assert_eq!(error_of(bad_template).kind, ErrorKind::BadTemplate);
        let bad_id = "[[rules]]\nid = \"other.x\"\nseverity = \"error\"\ntitle = \"t\"\nmessage = \"m\"\nfact = \"secret\"\npresent = true\n";
        assert_eq!(spanned_text(bad_id), "\"other.x\"");
    }

    #[test]
    fn syntax_errors_have_spans() {
        let error = compile_pack("demo.toml", "[pack]\nname = \"demo\n").unwrap_err();
        assert_eq!(error.kind, ErrorKind::Syntax);
        assert!(error.span.is_some());
    }

    #[test]
    fn the_suppression_check_is_reserved_for_the_connlint_pack() {
        let base =
            "[[rules]]\nid = \"demo.x\"\nseverity = \"info\"\ntitle = \"t\"\nmessage = \"m\"\n";
        assert_eq!(
            spanned_text(&format!("{base}suppression = \"unused\"\n")),
            "\"unused\""
        );
        let meta = "[pack]\nname = \"connlint\"\n[[rules]]\nid = \"connlint.x\"\nseverity = \"info\"\ntitle = \"t\"\nmessage = \"m\"\nsuppression = \"expired\"\n";
        let pack = compile_pack("connlint.toml", meta).unwrap();
        assert!(pack.rules[0].is_meta());
        assert!(pack.rules[0].summary().contains("past their `until=` date"));
    }
}
