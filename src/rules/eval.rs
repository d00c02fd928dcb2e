//! Evaluation: every rule over the facts of the whole scan.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::facts::{Fact, FactKind};
use crate::finding::{Finding, Related, Severity};
use crate::rules::compile::{Check, Condition, Rule, Scope, Target, parse_date, scheme_for};
use crate::version::Version;

/// A rule as configured for this run.
#[derive(Clone, Copy, Debug)]
pub struct Active<'r> {
    /// The rule.
    pub rule: &'r Rule,
    /// Its severity after configuration overrides.
    pub severity: Severity,
}

/// What makes two findings one: rule, path, span and value.
type FindingKey = (Arc<str>, Arc<str>, u32, u32, String);

/// The knobs of an evaluation.
#[derive(Clone, Copy, Debug)]
pub struct EvalOptions {
    /// "Today": `since` dates and certificate dates compare against it.
    pub as_of: time::Date,
    /// Overrides the window of `expires-within` checks (from the config).
    pub expiry_days: Option<u32>,
}

/// Evaluates `rules` over `facts`; findings come sorted by path, position
/// and rule, one per (rule, path, span, value): a literal reached from two
/// jobs is one finding, with a note per job.
pub fn evaluate(rules: &[Active<'_>], facts: &[Fact], options: &EvalOptions) -> Vec<Finding> {
    let as_of = options.as_of;
    let mut by_kind: HashMap<FactKind, Vec<&Fact>> = HashMap::new();
    for fact in facts {
        by_kind.entry(fact.kind).or_default().push(fact);
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut index: HashMap<FindingKey, usize> = HashMap::new();
    for active in rules {
        let rule = active.rule;
        let when: Vec<ConditionIndex> = rule
            .when
            .iter()
            .map(|c| ConditionIndex::build(c, &by_kind))
            .collect();
        let unless: Vec<ConditionIndex> = rule
            .unless
            .iter()
            .map(|c| ConditionIndex::build(c, &by_kind))
            .collect();
        for fact in candidates(rule, &by_kind) {
            if !fails_check(
                &rule.check,
                rule.check_attribute.as_deref(),
                fact,
                as_of,
                options.expiry_days,
            ) {
                continue;
            }
            if !when.iter().all(|c| c.holds_for(fact)) || unless.iter().any(|c| c.holds_for(fact)) {
                continue;
            }
            let key = (
                Arc::clone(&rule.id),
                Arc::clone(&fact.path),
                fact.span.start,
                fact.span.end,
                fact.value.clone(),
            );
            let note = (fact.origin != fact.path).then(|| Related {
                path: Arc::clone(&fact.origin),
                span: None,
                message: format!("used by {}", fact.origin),
            });
            if let Some(&existing) = index.get(&key) {
                if let Some(note) = note
                    && !findings[existing].notes.contains(&note.message)
                {
                    findings[existing].notes.push(note.message.clone());
                    findings[existing].related.push(note);
                }
                continue;
            }
            index.insert(key, findings.len());
            findings.push(finding(*active, fact, as_of, note));
        }
    }
    drop_superseded(rules, &mut findings);
    for finding in &mut findings {
        finding.notes.sort();
        finding.related.sort();
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// Drops a finding when a rule that `supersedes` its rule fired on the same
/// fact: one literal, one finding, from the more specific rule.
fn drop_superseded(rules: &[Active<'_>], findings: &mut Vec<Finding>) {
    let superseding: HashMap<&str, &[String]> = rules
        .iter()
        .filter(|active| !active.rule.supersedes.is_empty())
        .map(|active| (&*active.rule.id, active.rule.supersedes.as_slice()))
        .collect();
    if superseding.is_empty() {
        return;
    }
    // The literal, whichever job reached it.
    let literal = |f: &Finding| (Arc::clone(&f.path), f.span.start, f.span.end, f.fact.kind);
    let replaced: std::collections::HashSet<(String, _)> = findings
        .iter()
        .filter_map(|f| superseding.get(&*f.rule).map(|ids| (*ids, literal(f))))
        .flat_map(|(ids, at)| ids.iter().map(move |id| (id.clone(), at.clone())))
        .collect();
    if !replaced.is_empty() {
        findings.retain(|f| !replaced.contains(&(f.rule.to_string(), literal(f))));
    }
}

fn finding(active: Active<'_>, fact: &Fact, as_of: time::Date, note: Option<Related>) -> Finding {
    let rule = active.rule;
    let upcoming = rule.since.filter(|since| *since > as_of);
    let severity = if upcoming.is_some() {
        active.severity.lowered()
    } else {
        active.severity
    };
    Finding {
        rule: Arc::clone(&rule.id),
        severity,
        title: rule.title.clone(),
        message: rule.message.render(fact, rule.since),
        path: Arc::clone(&fact.path),
        span: fact.span,
        fact: fact.clone(),
        help: rule.help.clone(),
        url: rule.url.clone(),
        upcoming,
        notes: note.iter().map(|n| n.message.clone()).collect(),
        related: note.into_iter().collect(),
    }
}

/// The facts a rule looks at, in order.
fn candidates<'f>(
    rule: &'f Rule,
    by_kind: &'f HashMap<FactKind, Vec<&'f Fact>>,
) -> Box<dyn Iterator<Item = &'f Fact> + 'f> {
    match &rule.target {
        Target::Fact { kinds, filters } => Box::new(
            kinds
                .iter()
                .filter_map(|kind| by_kind.get(kind))
                .flatten()
                .copied()
                .filter(move |fact| filters.iter().all(|f| f.accepts(fact))),
        ),
        Target::Text { .. } => Box::new(
            by_kind
                .get(&FactKind::TextMatch)
                .into_iter()
                .flatten()
                .copied()
                .filter(move |fact| fact.attr("rule") == Some(&*rule.id)),
        ),
        Target::Suppression(check) => Box::new(
            by_kind
                .get(&FactKind::TextMatch)
                .into_iter()
                .flatten()
                .copied()
                .filter(move |fact| fact.attr("suppression") == Some(check.name())),
        ),
    }
}

/// Whether the fact fails the check (and so is a finding). With
/// `attribute`, `require`/`forbid`/`pattern` test that attribute, and a
/// fact without it passes.
fn fails_check(
    check: &Check,
    attribute: Option<&str>,
    fact: &Fact,
    as_of: time::Date,
    expiry_days: Option<u32>,
) -> bool {
    let (value, scheme) = match attribute {
        Some(name) => match fact.attr(name) {
            Some(value) => (value, crate::version::Scheme::Dotted),
            None => return false,
        },
        None => (fact.value.as_str(), scheme_for(fact.kind)),
    };
    match check {
        Check::Require(constraint) => {
            Version::parse(value, scheme)
                .ok()
                .and_then(|v| constraint.check(&v))
                == Some(false)
        }
        Check::Forbid(values) => values.iter().any(|v| v == value),
        Check::Pattern(regex) => regex.is_match(value),
        Check::Present => true,
        Check::Expired => not_after(fact).is_some_and(|d| d < as_of),
        Check::NotYetValid => date_attr(fact, "not_before").is_some_and(|d| d > as_of),
        Check::ExpiresWithin(days) => not_after(fact).is_some_and(|d| {
            let days = expiry_days.unwrap_or(*days);
            d >= as_of && d <= as_of.saturating_add(time::Duration::days(i64::from(days)))
        }),
    }
}

fn date_attr(fact: &Fact, name: &str) -> Option<time::Date> {
    fact.attr(name).and_then(|v| parse_date(v.get(..10)?))
}

fn not_after(fact: &Fact) -> Option<time::Date> {
    fact.attr("not_after")
        .and_then(|v| parse_date(v.get(..10)?))
}

/// Where the facts a condition looks for are, for quick scope tests.
struct ConditionIndex {
    scope: Scope,
    anywhere: bool,
    origins: HashSet<Arc<str>>,
    /// Directories holding a matching fact.
    dirs: HashSet<String>,
    /// Those directories and all their ancestors.
    dirs_and_ancestors: HashSet<String>,
}

impl ConditionIndex {
    fn build(condition: &Condition, by_kind: &HashMap<FactKind, Vec<&Fact>>) -> Self {
        let matching: Vec<&Fact> = condition
            .kinds
            .iter()
            .filter_map(|kind| by_kind.get(kind))
            .flatten()
            .copied()
            .filter(|f| condition.matches(f))
            .collect();
        let mut index = Self {
            scope: condition.scope,
            anywhere: !matching.is_empty(),
            origins: HashSet::new(),
            dirs: HashSet::new(),
            dirs_and_ancestors: HashSet::new(),
        };
        let mut dirs = BTreeSet::new();
        for fact in matching {
            index.origins.insert(Arc::clone(&fact.origin));
            dirs.insert(directory(&fact.origin).to_owned());
        }
        for dir in dirs {
            for ancestor in ancestors(&dir) {
                index.dirs_and_ancestors.insert(ancestor.to_owned());
            }
            index.dirs.insert(dir);
        }
        index
    }

    fn holds_for(&self, fact: &Fact) -> bool {
        match self.scope {
            Scope::Repository => self.anywhere,
            Scope::File => self.origins.contains(&fact.origin),
            Scope::Directory => {
                let dir = directory(&fact.origin);
                self.dirs_and_ancestors.contains(dir)
                    || ancestors(dir).any(|a| self.dirs.contains(a))
            }
        }
    }
}

/// The directory part of a `/`-separated relative path (`""` at the root).
fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `a/b/c`, `a/b`, `a`, `""`.
fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let current = next?;
        next = if current.is_empty() {
            None
        } else {
            Some(directory(current))
        };
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::compile::compile_pack;
    use crate::span::Span;

    fn fact(kind: FactKind, value: &str, path: &str, attrs: &[(&str, &str)]) -> Fact {
        let path: Arc<str> = Arc::from(path);
        let mut f = Fact::new(kind, value, &path, Span::new(0, value.len()));
        for (k, v) in attrs {
            f = f.with(k, *v);
        }
        f
    }

    fn run(rules: &str, facts: &[Fact], as_of: &str) -> Vec<Finding> {
        let pack = compile_pack("t.toml", &format!("[pack]\nname = \"t\"\n{rules}")).unwrap();
        let active: Vec<Active<'_>> = pack
            .rules
            .iter()
            .map(|rule| Active {
                rule,
                severity: rule.severity,
            })
            .collect();
        let options = EvalOptions {
            as_of: parse_date(as_of).unwrap(),
            expiry_days: None,
        };
        evaluate(&active, facts, &options)
    }

    const JAVA_UNDER_AC: &str = "[[rules]]\nid = \"t.java\"\nseverity = \"error\"\ntitle = \"t\"\nmessage = \"Java {value} ({attr.source})\"\nfact = \"java.version\"\nwhere = { source = { not = \"maven\" } }\nrequire = \">= 1.8.0_161\"\nsince = \"2020-10-01\"\n[[rules.when]]\nfact = \"connector.use\"\nwhere = { product = \"anaplan-connect\" }\nscope = \"directory\"\n";

    #[test]
    fn require_with_directory_scope() {
        let facts = [
            fact(
                FactKind::JavaVersion,
                "1.7.0_80",
                "jobs/a/config/env.sh",
                &[("source", "java-home")],
            ),
            fact(
                FactKind::JavaVersion,
                "1.7.0_80",
                "other/env.sh",
                &[("source", "java-home")],
            ),
            fact(
                FactKind::JavaVersion,
                "1.6",
                "jobs/a/pom.xml",
                &[("source", "maven")],
            ),
            fact(
                FactKind::JavaVersion,
                "8",
                "jobs/a/Dockerfile",
                &[("source", "dockerfile")],
            ),
            fact(
                FactKind::ConnectorUse,
                "anaplan-connect",
                "jobs/a/run.sh",
                &[("product", "anaplan-connect")],
            ),
        ];
        let findings = run(JAVA_UNDER_AC, &facts, "2026-01-01");
        let paths: Vec<&str> = findings.iter().map(|f| &*f.path).collect();
        assert_eq!(paths, ["jobs/a/config/env.sh"]);
        assert_eq!(findings[0].message, "Java 1.7.0_80 (java-home)");
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[0].upcoming, None);
    }

    #[test]
    fn since_lowers_severity_before_the_date() {
        let facts = [
            fact(
                FactKind::JavaVersion,
                "7",
                "run.sh",
                &[("source", "java-home")],
            ),
            fact(
                FactKind::ConnectorUse,
                "anaplan-connect",
                "run.sh",
                &[("product", "anaplan-connect")],
            ),
        ];
        let findings = run(JAVA_UNDER_AC, &facts, "2019-06-01");
        assert_eq!(findings[0].severity, Severity::Warning);
        assert_eq!(findings[0].upcoming, parse_date("2020-10-01"));
    }

    #[test]
    fn forbid_unless_and_file_scope() {
        let rules = "[[rules]]\nid = \"t.tls\"\nseverity = \"error\"\ntitle = \"t\"\nmessage = \"{value}\"\nfact = \"tls.protocol\"\nwhere = { effect = [\"enable\", \"force\"] }\nforbid = [\"TLSv1\", \"TLSv1.1\"]\n[[rules.unless]]\nfact = \"tls.protocol\"\nvalues = [\"TLSv1\"]\nwhere = { effect = \"disable\" }\n";
        let mut disabled = fact(
            FactKind::TlsProtocol,
            "TLSv1",
            "b.properties",
            &[("effect", "disable")],
        );
        disabled.span = Span::new(10, 15);
        let facts = [
            fact(
                FactKind::TlsProtocol,
                "TLSv1",
                "a.sh",
                &[("effect", "enable")],
            ),
            fact(
                FactKind::TlsProtocol,
                "TLSv1.2",
                "a.sh",
                &[("effect", "enable")],
            ),
            fact(
                FactKind::TlsProtocol,
                "TLSv1",
                "b.properties",
                &[("effect", "enable")],
            ),
            disabled,
        ];
        let findings = run(rules, &facts, "2026-01-01");
        let paths: Vec<&str> = findings.iter().map(|f| &*f.path).collect();
        assert_eq!(paths, ["a.sh"]);
    }

    #[test]
    fn attribute_checks_and_not_yet_valid() {
        let rules = "[[rules]]\nid = \"t.rsa\"\nseverity = \"warning\"\ntitle = \"t\"\nmessage = \"m\"\nfact = \"certificate\"\nwhere = { key_algorithm = \"RSA\" }\nattribute = \"key_bits\"\nrequire = \">= 2048\"\n[[rules]]\nid = \"t.future\"\nseverity = \"warning\"\ntitle = \"t\"\nmessage = \"m\"\nfact = \"certificate\"\nnot-yet-valid = true\n";
        let facts = [
            fact(
                FactKind::Certificate,
                "CN=weak",
                "weak.pem",
                &[("key_algorithm", "RSA"), ("key_bits", "1024")],
            ),
            fact(
                FactKind::Certificate,
                "CN=ok",
                "ok.pem",
                &[("key_algorithm", "RSA"), ("key_bits", "4096")],
            ),
            fact(
                FactKind::Certificate,
                "CN=ec",
                "ec.pem",
                &[("key_algorithm", "EC"), ("key_bits", "256")],
            ),
            fact(
                FactKind::Certificate,
                "CN=later",
                "later.pem",
                &[("not_before", "2031-01-01T00:00:00Z")],
            ),
        ];
        let findings = run(rules, &facts, "2026-01-01");
        let got: Vec<(&str, &str)> = findings.iter().map(|f| (&*f.rule, &*f.path)).collect();
        assert_eq!(got, [("t.future", "later.pem"), ("t.rsa", "weak.pem")]);
    }

    #[test]
    fn certificate_dates() {
        let rules = "[[rules]]\nid = \"t.expired\"\nseverity = \"error\"\ntitle = \"t\"\nmessage = \"m\"\nfact = \"certificate\"\nexpired = true\n[[rules]]\nid = \"t.soon\"\nseverity = \"warning\"\ntitle = \"t\"\nmessage = \"m\"\nfact = \"certificate\"\nexpires-within = 30\n";
        let facts = [
            fact(
                FactKind::Certificate,
                "CN=old",
                "old.pem",
                &[("not_after", "2025-12-31T23:59:59Z")],
            ),
            fact(
                FactKind::Certificate,
                "CN=soon",
                "soon.pem",
                &[("not_after", "2026-01-20")],
            ),
            fact(
                FactKind::Certificate,
                "CN=fine",
                "fine.pem",
                &[("not_after", "2027-01-01")],
            ),
        ];
        let findings = run(rules, &facts, "2026-01-01");
        let got: Vec<(&str, &str)> = findings.iter().map(|f| (&*f.rule, &*f.path)).collect();
        assert_eq!(got, [("t.expired", "old.pem"), ("t.soon", "soon.pem")]);
    }

    #[test]
    fn a_literal_reached_from_two_jobs_is_one_finding_with_notes() {
        let rules = "[[rules]]\nid = \"t.secret\"\nseverity = \"warning\"\ntitle = \"t\"\nmessage = \"m\"\nfact = \"secret\"\npresent = true\n";
        let mut a = fact(FactKind::Secret, "x", "config.sh", &[]);
        a.origin = Arc::from("job-a.sh");
        let mut b = a.clone();
        b.origin = Arc::from("job-b.sh");
        let own = fact(FactKind::Secret, "x", "config.sh", &[]);
        let findings = run(rules, &[own, b, a], "2026-01-01");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].notes, ["used by job-a.sh", "used by job-b.sh"]);
        let related: Vec<(&str, Option<Span>)> = findings[0]
            .related
            .iter()
            .map(|r| (&*r.path, r.span))
            .collect();
        assert_eq!(related, [("job-a.sh", None), ("job-b.sh", None)]);
        assert_eq!(findings[0].message, "m");
    }
}
