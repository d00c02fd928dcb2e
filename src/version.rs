//! Versions that compare the way each product numbers itself.
//!
//! Java has had three spellings for one release (`1.8.0_161`, `8u161`,
//! `8.0.161`); dotted versions of any length (`1.3.3.5`), semver with
//! pre-releases, and Salesforce API versions (`29.0`) are the rest. Strings
//! never compare versions here: `"10.0" < "3.0"` is the classic bug.
//!
//! A version may be partial (`8`, `1.8`, `openjdk:8-jre`): it stands for
//! every release that starts so. [`Constraint::check`] answers `None` when a
//! partial version could fall on either side, so a floating `8` never fires
//! `>= 8u161`.

use std::cmp::Ordering;
use std::fmt;

use regex::Regex;

/// How a version string is spelled and normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Java: `1.8.0_161` = `8u161` = `8.0.161`; `1.7` = `7`; `11.0.2+9`;
    /// prefixes such as `jdk`, `jre-`, `openjdk` are skipped.
    Java,
    /// Dotted numbers of any length, with an optional semver pre-release
    /// (`-rc.1`, sorts first) and build (`+9`, ignored for order after the
    /// numbers and pre-release).
    Dotted,
}

/// A parsed version.
#[derive(Clone, Debug)]
pub struct Version {
    /// Normalised numeric components; for Java: feature, interim, update, patch.
    parts: Vec<u64>,
    /// Pre-release label; a version with one sorts before the same numbers without.
    pre: Option<String>,
    /// Build number (`-b16`, `+9`); compared last, absent = 0.
    build: Option<u64>,
}

/// Why a string is not a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionError(pub String);

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for VersionError {}

fn java_update() -> &'static Regex {
    // `8u161`, `8u152-b16`, `7u80`
    static_regex!(r"^(\d+)u(\d+)(?:-b(\d+))?")
}
fn java_legacy() -> &'static Regex {
    // `1.8`, `1.8.0`, `1.8.0_161`, `1.7.0_80-b15`, `1.8.0.161`
    static_regex!(r"^1\.([1-8])(?:\.(\d+)(?:[_.](\d+))?)?(?:-b(\d+))?")
}
fn dotted_pattern() -> &'static Regex {
    static_regex!(r"^(\d+(?:\.\d+)*)(?:-([0-9A-Za-z][0-9A-Za-z.-]*?))?(?:[+](\d+)[0-9A-Za-z.-]*)?$")
}
fn java_modern() -> &'static Regex {
    // `11`, `11.0.2`, `11.0.2+9`, `17.0.2.1`, `8.0.302`, `21-ea`
    static_regex!(r"^(\d+)((?:\.\d+){0,3})(?:[+](\d+)|-b(\d+))?")
}

impl Version {
    /// Parses `text` under `scheme`.
    pub fn parse(text: &str, scheme: Scheme) -> Result<Self, VersionError> {
        match scheme {
            Scheme::Java => Self::parse_java(text),
            Scheme::Dotted => Self::parse_dotted(text),
        }
    }

    /// Parses a Java version in any of its spellings.
    pub fn parse_java(text: &str) -> Result<Self, VersionError> {
        let trimmed = strip_java_prefix(text.trim());
        let error = || VersionError(format!("`{text}` is not a Java version"));
        if let Some(caps) = java_update().captures(trimmed) {
            return Ok(Self {
                parts: vec![number(&caps, 1), 0, number(&caps, 2)],
                pre: None,
                build: caps.get(3).map(|_| number(&caps, 3)),
            });
        }
        if let Some(caps) = java_legacy().captures(trimmed) {
            let mut parts = vec![number(&caps, 1)];
            if caps.get(2).is_some() {
                parts.push(number(&caps, 2));
            }
            if caps.get(3).is_some() {
                parts.push(number(&caps, 3));
            }
            return Ok(Self {
                parts,
                pre: None,
                build: caps.get(4).map(|_| number(&caps, 4)),
            });
        }
        let caps = java_modern().captures(trimmed).ok_or_else(error)?;
        let mut parts = vec![number(&caps, 1)];
        for component in caps[2].split('.').filter(|c| !c.is_empty()) {
            parts.push(component.parse().map_err(|_| error())?);
        }
        if parts[0] == 0 {
            return Err(error());
        }
        let build = caps
            .get(3)
            .or_else(|| caps.get(4))
            .and_then(|m| m.as_str().parse().ok());
        let rest = &trimmed[caps.get(0).map_or(0, |m| m.end())..];
        let pre = rest
            .strip_prefix("-ea")
            .filter(|tail| {
                tail.is_empty() || !tail.starts_with(|c: char| c.is_ascii_alphanumeric())
            })
            .map(|_| "ea".to_owned());
        Ok(Self { parts, pre, build })
    }

    /// Parses a dotted or semver version (`1.3.3.5`, `4.3.0`, `29.0`,
    /// `v2.1.0-rc.1`, `1-3-3-3`).
    pub fn parse_dotted(text: &str) -> Result<Self, VersionError> {
        let trimmed = text.trim();
        let trimmed = trimmed
            .strip_prefix(['v', 'V'])
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            .unwrap_or(trimmed);
        let error = || VersionError(format!("`{text}` is not a version"));
        // `1-3-3-3`: Anaplan once named jars with dashes for dots.
        let dashed;
        let trimmed = if !trimmed.contains('.')
            && trimmed.contains('-')
            && trimmed
                .split('-')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            dashed = trimmed.replace('-', ".");
            dashed.as_str()
        } else {
            trimmed
        };
        let caps = dotted_pattern().captures(trimmed).ok_or_else(error)?;
        let parts = caps[1]
            .split('.')
            .map(str::parse)
            .collect::<Result<Vec<u64>, _>>()
            .map_err(|_| error())?;
        Ok(Self {
            parts,
            pre: caps.get(2).map(|m| m.as_str().to_owned()),
            build: caps.get(3).and_then(|m| m.as_str().parse().ok()),
        })
    }

    /// The normalised numeric components.
    pub fn parts(&self) -> &[u64] {
        &self.parts
    }

    /// The first component (the Java feature release, the major version).
    pub fn major(&self) -> u64 {
        self.parts.first().copied().unwrap_or(0)
    }

    /// How many components were written; fewer than a constraint names
    /// makes the version partial against it.
    pub fn precision(&self) -> usize {
        self.parts.len()
    }

    /// Number of components up to the last non-zero one (at least 1).
    fn significant(&self) -> usize {
        self.parts
            .iter()
            .rposition(|&p| p != 0)
            .map_or(1, |i| i + 1)
    }

    fn component(&self, index: usize) -> u64 {
        self.parts.get(index).copied().unwrap_or(0)
    }

    fn cmp_prefix(&self, other: &Self, len: usize) -> Ordering {
        (0..len)
            .map(|i| self.component(i).cmp(&other.component(i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

fn number(caps: &regex::Captures<'_>, group: usize) -> u64 {
    caps.get(group)
        .and_then(|m| m.as_str().parse().ok())
        .unwrap_or(0)
}

fn strip_java_prefix(text: &str) -> &str {
    let mut rest = text;
    for prefix in ["openjdk", "jdk", "jre", "java", "j2sdk", "j2re"] {
        if let Some(tail) = rest.strip_prefix(prefix) {
            rest = tail;
            break;
        }
    }
    rest.trim_start_matches(['-', '_', '@', 'v'])
}

impl Ord for Version {
    /// Total order: numbers (missing components are 0), then a pre-release
    /// before none, then the build number.
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.parts.len().max(other.parts.len());
        self.cmp_prefix(other, len)
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => cmp_pre(a, b),
            })
            .then_with(|| self.build.unwrap_or(0).cmp(&other.build.unwrap_or(0)))
    }
}

/// Semver precedence of pre-release labels: numeric identifiers compare as
/// numbers and sort before alphanumeric ones.
fn cmp_pre(left: &str, right: &str) -> Ordering {
    let mut left = left.split('.');
    let mut right = right.split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(ours), Some(theirs)) => {
                let order = match (ours.parse::<u64>(), theirs.parse::<u64>()) {
                    (Ok(ours), Ok(theirs)) => ours.cmp(&theirs),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => ours.cmp(theirs),
                };
                if order.is_ne() {
                    return order;
                }
            }
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let numbers: Vec<String> = self.parts.iter().map(u64::to_string).collect();
        f.write_str(&numbers.join("."))?;
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        if let Some(build) = self.build {
            write!(f, "+{build}")?;
        }
        Ok(())
    }
}

/// A comparison operator in a constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `=` or `==` or a bare version
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    fn holds(self, order: Ordering) -> bool {
        match self {
            Op::Ge => order.is_ge(),
            Op::Gt => order.is_gt(),
            Op::Le => order.is_le(),
            Op::Lt => order.is_lt(),
            Op::Eq => order.is_eq(),
            Op::Ne => order.is_ne(),
        }
    }
}

/// One `op version` comparison.
#[derive(Clone, Debug)]
pub struct Comparator {
    /// The operator.
    pub op: Op,
    /// The version compared against.
    pub version: Version,
}

impl Comparator {
    /// Whether `v` satisfies the comparison: `None` when `v` is partial and
    /// the releases it stands for fall on both sides.
    pub fn check(&self, v: &Version) -> Option<bool> {
        let x = &self.version;
        if v.precision() >= x.significant() || v.pre.is_some() || x.pre.is_some() {
            return Some(self.op.holds(v.cmp(x)));
        }
        match v.cmp_prefix(x, v.precision()) {
            Ordering::Less => Some(self.op.holds(Ordering::Less)),
            Ordering::Greater => Some(self.op.holds(Ordering::Greater)),
            // `v` stands for releases from `v.0.0` upwards, and `x` has a
            // non-zero component past `v`'s precision: `x` lies inside.
            Ordering::Equal => None,
        }
    }
}

/// A version constraint: `>= 1.8.0_161`, `>= 1.4, < 2`, `< 7 || >= 8u161`.
#[derive(Clone, Debug)]
pub struct Constraint {
    /// Alternatives (`||`), each a conjunction (`,`) of comparisons.
    pub any_of: Vec<Vec<Comparator>>,
    /// The constraint as written.
    pub source: String,
}

impl Constraint {
    /// Parses a constraint whose versions follow `scheme`.
    pub fn parse(text: &str, scheme: Scheme) -> Result<Self, VersionError> {
        let mut any_of = Vec::new();
        for alternative in text.split("||") {
            let mut all_of = Vec::new();
            for comparison in alternative.split(',') {
                let comparison = comparison.trim();
                if comparison.is_empty() {
                    return Err(VersionError(format!("empty comparison in `{text}`")));
                }
                let (op, rest) = split_op(comparison);
                let version = Version::parse(rest.trim(), scheme)?;
                all_of.push(Comparator { op, version });
            }
            any_of.push(all_of);
        }
        Ok(Self {
            any_of,
            source: text.trim().to_owned(),
        })
    }

    /// Whether `v` satisfies the constraint; `None` when a partial version
    /// leaves it undecided.
    pub fn check(&self, v: &Version) -> Option<bool> {
        let mut undecided = false;
        for all_of in &self.any_of {
            let mut result = Some(true);
            for comparator in all_of {
                match comparator.check(v) {
                    Some(false) => {
                        result = Some(false);
                        break;
                    }
                    None => result = None,
                    Some(true) => {}
                }
            }
            match result {
                Some(true) => return Some(true),
                None => undecided = true,
                Some(false) => {}
            }
        }
        if undecided { None } else { Some(false) }
    }
}

fn split_op(comparison: &str) -> (Op, &str) {
    for (token, op) in [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
    ] {
        if let Some(rest) = comparison.strip_prefix(token) {
            return (op, rest);
        }
    }
    (Op::Eq, comparison)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn java(s: &str) -> Version {
        Version::parse_java(s).unwrap()
    }

    fn dotted(s: &str) -> Version {
        Version::parse_dotted(s).unwrap()
    }

    #[test]
    fn java_spellings_of_one_release_are_equal() {
        let reference = java("1.8.0_161");
        for spelling in [
            "8u161",
            "8.0.161",
            "jdk1.8.0_161",
            "jre1.8.0_161",
            "jdk-8u161",
            "1.8.0.161",
        ] {
            assert_eq!(java(spelling), reference, "{spelling}");
        }
        assert_eq!(java("1.7"), java("7"));
        assert_eq!(java("jre-8u112"), java("8u112"));
        assert_eq!(java("jdk1.7.0_80"), java("7u80"));
    }

    #[test]
    fn java_orders_across_the_renumbering() {
        let order = [
            "1.6.0_45",
            "7",
            "7u80",
            "1.8.0_151",
            "8u161",
            "1.8.0_202",
            "8u452",
            "9",
            "11.0.2+9",
            "11.0.11",
            "17",
            "17.0.2+8",
            "21",
        ];
        for pair in order.windows(2) {
            assert!(java(pair[0]) < java(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert!(java("8u152-b16") > java("8u152"));
        assert!(java("11.0.2+9") > java("11.0.2"));
    }

    #[test]
    fn java_rejects_non_versions() {
        for text in ["", "latest", "jre", "lts", "0"] {
            assert!(Version::parse_java(text).is_err(), "{text}");
        }
    }

    #[test]
    fn dotted_versions_of_any_length() {
        assert!(dotted("1.3.3.5") < dotted("1.4"));
        assert!(dotted("1.4") < dotted("1.4.0.1"));
        assert_eq!(dotted("1-3-3-3"), dotted("1.3.3.3"));
        assert!(dotted("29.0") < dotted("41.0"));
        assert!(dotted("10.0") > dotted("3.0"));
        assert!(dotted("2.0.0-rc.1") < dotted("2.0.0"));
        assert!(dotted("2.0.0-rc.2") < dotted("2.0.0-rc.10"));
        assert!(dotted("2.0.0-alpha") < dotted("2.0.0-beta"));
        assert_eq!(dotted("v4.3.0"), dotted("4.3.0"));
        assert!(Version::parse_dotted("4.x").is_err());
    }

    #[test]
    fn constraints_with_and_and_or() {
        let c = Constraint::parse(">= 1.4, < 2", Scheme::Dotted).unwrap();
        assert_eq!(c.check(&dotted("1.4.4")), Some(true));
        assert_eq!(c.check(&dotted("1.3.3.5")), Some(false));
        assert_eq!(c.check(&dotted("4.3.0")), Some(false));
        let c = Constraint::parse("< 7 || >= 8u161", Scheme::Java).unwrap();
        assert_eq!(c.check(&java("1.6")), Some(true));
        assert_eq!(c.check(&java("7u80")), Some(false));
        assert_eq!(c.check(&java("11")), Some(true));
        assert!(Constraint::parse(">= banana", Scheme::Java).is_err());
        assert!(Constraint::parse(">= 8,", Scheme::Java).is_err());
    }

    #[test]
    fn partial_versions_only_decide_when_every_release_agrees() {
        let c = Constraint::parse(">= 1.8.0_161", Scheme::Java).unwrap();
        assert_eq!(c.check(&java("8")), None, "a floating 8 may be 8u452");
        assert_eq!(c.check(&java("1.8.0")), None);
        assert_eq!(c.check(&java("7")), Some(false));
        assert_eq!(c.check(&java("jdk1.7.0")), Some(false));
        assert_eq!(c.check(&java("11")), Some(true));
        assert_eq!(c.check(&java("8u151")), Some(false));
        assert_eq!(c.check(&java("8u161")), Some(true));
        let c = Constraint::parse(">= 8", Scheme::Java).unwrap();
        assert_eq!(c.check(&java("8")), Some(true));
        assert_eq!(c.check(&java("1.7")), Some(false));
    }

    fn spell(feature: u64, update: u64, style: u8) -> String {
        match (style % 4, feature) {
            (0, 5..=8) => format!("1.{feature}.0_{update}"),
            (1, _) => format!("{feature}u{update}"),
            (2, 5..=8) => format!("jdk1.{feature}.0_{update}"),
            _ => format!("{feature}.0.{update}"),
        }
    }

    proptest! {
        #[test]
        fn java_order_matches_release_order_whatever_the_spelling(
            a in (5u64..=21, 0u64..500, any::<u8>()),
            b in (5u64..=21, 0u64..500, any::<u8>()),
        ) {
            let left = java(&spell(a.0, a.1, a.2));
            let right = java(&spell(b.0, b.1, b.2));
            prop_assert_eq!(left.cmp(&right), (a.0, a.1).cmp(&(b.0, b.1)));
            prop_assert_eq!(left.cmp(&right), right.cmp(&left).reverse());
        }

        #[test]
        fn dotted_order_is_numeric_and_total(
            a in proptest::collection::vec(0u64..1000, 1..6),
            b in proptest::collection::vec(0u64..1000, 1..6),
            c in proptest::collection::vec(0u64..1000, 1..6),
        ) {
            let text = |v: &Vec<u64>| v.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
            let (x, y, z) = (dotted(&text(&a)), dotted(&text(&b)), dotted(&text(&c)));
            let pad = |v: &Vec<u64>| { let mut p = v.clone(); p.resize(6, 0); p };
            prop_assert_eq!(x.cmp(&y), pad(&a).cmp(&pad(&b)));
            if x <= y && y <= z { prop_assert!(x <= z); }
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,24}") {
            let _ = Version::parse_java(&s);
            let _ = Version::parse_dotted(&s);
            let _ = Constraint::parse(&s, Scheme::Java);
        }
    }
}
