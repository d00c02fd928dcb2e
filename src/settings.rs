//! `.connlint.toml`: the serde layer (strict: unknown keys are errors with
//! a span) and the resolved [`Config`] the scan uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::classify::FileKind;
use crate::error::{ErrorKind, FileError};
use crate::finding::Severity;
use crate::span::Span;

/// The config file name looked up from the first scanned path upwards.
pub const CONFIG_FILE: &str = ".connlint.toml";

/// The default size above which files are skipped (8 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// `.connlint.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rule_packs: Vec<Spanned<String>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<Severity>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<RawIgnore>>,
    #[serde(default)]
    fail_on: Option<Severity>,
    #[serde(default)]
    expiry_warning_days: Option<u32>,
    #[serde(default)]
    max_file_size: Option<Spanned<u64>>,
    #[serde(default)]
    extractors: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    paths: Vec<String>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    reason: String,
}

/// The resolved configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from (None: defaults).
    pub path: Option<PathBuf>,
    /// Extra rule packs, resolved against the config file's directory.
    pub rule_packs: Vec<PathBuf>,
    /// Only these rules or packs (empty: all).
    pub select: Vec<Named>,
    /// Rules or packs turned off.
    pub disable: Vec<Named>,
    /// Severity per rule id or pack.
    pub severity: Vec<(Named, Severity)>,
    /// Paths never scanned.
    pub exclude: Option<GlobSet>,
    /// Findings dropped for some paths, with the reason.
    pub ignores: Vec<PathIgnore>,
    /// Failure threshold.
    pub fail_on: Option<Severity>,
    /// Window for `expires-within` checks.
    pub expiry_warning_days: Option<u32>,
    /// Size limit.
    pub max_file_size: Option<u64>,
    /// Globs mapped to extractors.
    pub extractors: Vec<(GlobMatcher, FileKind)>,
}

/// A rule id or pack name from the config, with where it is written so an
/// unknown one can be reported.
#[derive(Debug, Clone)]
pub struct Named {
    /// The name.
    pub name: String,
    /// Its span in the config file.
    pub span: Option<Span>,
}

/// A `[[ignore]]` entry.
#[derive(Debug)]
pub struct PathIgnore {
    /// Paths it covers.
    pub paths: GlobSet,
    /// Rule ids or pack names it silences (empty: all), with their spans
    /// so that an unknown one can be reported.
    pub rules: Vec<Named>,
    /// Why.
    pub reason: String,
}

impl Config {
    /// Reads and resolves the config at `path`.
    pub fn load(path: &Path) -> Result<Self, FileError> {
        Self::load_with(path, &|p| std::fs::read_to_string(p))
    }

    /// Reads the config at `path` through `read` (the file system, or an
    /// editor buffer over it) and resolves it.
    pub fn load_with(
        path: &Path,
        read: &dyn Fn(&Path) -> std::io::Result<String>,
    ) -> Result<Self, FileError> {
        let name = path.display().to_string();
        let text = read(path).map_err(|e| {
            FileError::new(
                ErrorKind::Io,
                &name,
                "",
                None,
                format!("cannot read the config file: {e}"),
            )
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&name, &text, base).map(|mut config| {
            config.path = Some(path.to_path_buf());
            config
        })
    }

    /// Parses config `text` (file `name`); relative pack paths resolve
    /// against `base`.
    pub fn parse(name: &str, text: &str, base: &Path) -> Result<Self, FileError> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| crate::error::toml_error(name, text, &e))?;
        let error = |kind, range: std::ops::Range<usize>, message: String| {
            FileError::new(
                kind,
                name,
                text,
                Some(Span::new(range.start, range.end)),
                message,
            )
        };
        let named = |items: Vec<Spanned<String>>| -> Vec<Named> {
            items
                .into_iter()
                .map(|s| Named {
                    span: Some(Span::new(s.span().start, s.span().end)),
                    name: s.into_inner(),
                })
                .collect()
        };
        let mut exclude = GlobSetBuilder::new();
        for glob in &raw.exclude {
            exclude.add(
                glob_for(glob.get_ref()).map_err(|e| error(ErrorKind::BadGlob, glob.span(), e))?,
            );
        }
        let exclude = if raw.exclude.is_empty() {
            None
        } else {
            Some(
                exclude
                    .build()
                    .map_err(|e| error(ErrorKind::BadGlob, 0..0, e.to_string()))?,
            )
        };
        let mut ignores = Vec::new();
        for entry in raw.ignore {
            let span = entry.span();
            let entry = entry.into_inner();
            if entry.reason.trim().is_empty() {
                return Err(error(
                    ErrorKind::Syntax,
                    span,
                    "an ignore entry needs a `reason`".to_owned(),
                ));
            }
            if entry.paths.is_empty() {
                return Err(error(
                    ErrorKind::Syntax,
                    span,
                    "an ignore entry needs `paths` (globs such as \"legacy/**\")".to_owned(),
                ));
            }
            let mut paths = GlobSetBuilder::new();
            for glob in &entry.paths {
                paths.add(glob_for(glob).map_err(|e| error(ErrorKind::BadGlob, span.clone(), e))?);
            }
            ignores.push(PathIgnore {
                paths: paths
                    .build()
                    .map_err(|e| error(ErrorKind::BadGlob, span.clone(), e.to_string()))?,
                rules: named(entry.rules),
                reason: entry.reason,
            });
        }
        let mut extractors = Vec::new();
        for (glob, kind) in raw.extractors {
            let parsed = FileKind::from_name(kind.get_ref()).ok_or_else(|| {
                let known: Vec<&str> = FileKind::ALL.iter().map(|k| k.name()).collect();
                error(
                    ErrorKind::UnknownName,
                    kind.span(),
                    format!("unknown extractor `{}`", kind.get_ref()),
                )
                .help(format!("extractors: {}", known.join(", ")))
            })?;
            let matcher = glob_for(&glob).map_err(|e| error(ErrorKind::BadGlob, kind.span(), e))?;
            extractors.push((matcher.compile_matcher(), parsed));
        }
        let severity = raw
            .severity
            .into_iter()
            .map(|(name, s)| {
                let span = Some(Span::new(s.span().start, s.span().end));
                (Named { name, span }, s.into_inner())
            })
            .collect();
        Ok(Self {
            path: None,
            rule_packs: raw
                .rule_packs
                .iter()
                .map(|p| base.join(p.get_ref()))
                .collect(),
            select: named(raw.select),
            disable: named(raw.disable),
            severity,
            exclude,
            ignores,
            fail_on: raw.fail_on,
            expiry_warning_days: raw.expiry_warning_days,
            max_file_size: raw.max_file_size.map(Spanned::into_inner),
            extractors,
        })
    }

    /// The nearest `.connlint.toml` at or above `start`.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).ok()?;
        let mut dir = if start.is_dir() {
            start.as_path()
        } else {
            start.parent()?
        };
        loop {
            let candidate = dir.join(CONFIG_FILE);
            if candidate.is_file() {
                return Some(candidate);
            }
            dir = dir.parent()?;
        }
    }

    /// The extractor the config maps `rel_path` to, if any.
    pub fn extractor_for(&self, rel_path: &str) -> Option<FileKind> {
        self.extractors
            .iter()
            .find(|(m, _)| m.is_match(rel_path))
            .map(|(_, k)| *k)
    }

    /// The reason findings of `rule` in `rel_path` are ignored, if they are.
    pub fn ignored(&self, rule: &str, rel_path: &str) -> Option<&str> {
        self.ignores
            .iter()
            .find(|i| {
                i.paths.is_match(rel_path)
                    && (i.rules.is_empty()
                        || i.rules.iter().any(|r| {
                            rule == r.name
                                || rule
                                    .strip_prefix(r.name.as_str())
                                    .is_some_and(|rest| rest.starts_with('.'))
                        }))
            })
            .map(|i| i.reason.as_str())
    }
}

/// A glob; patterns without `/` match at any depth, as in .gitignore.
fn glob_for(pattern: &str) -> Result<Glob, String> {
    let anchored = if pattern.contains('/') {
        pattern
            .trim_start_matches("./")
            .trim_start_matches('/')
            .to_owned()
    } else {
        format!("**/{pattern}")
    };
    Glob::new(&anchored).map_err(|e| format!("invalid glob `{pattern}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let text = r#"
rule-packs = ["policies/extra.toml"]
disable = ["secrets.plaintext-secret"]
fail-on = "warning"
exclude = ["vendor/**", "*.bak"]
expiry-warning-days = 45
max-file-size = 1048576
[severity]
"java.8-below-8u161" = "error"
[extractors]
"jobs/*.txt" = "shell"
[[ignore]]
paths = ["legacy/**"]
rules = ["anaplan"]
reason = "decommissioned in Q3"
"#;
        let config = Config::parse(".connlint.toml", text, Path::new("/repo")).unwrap();
        assert_eq!(
            config.rule_packs,
            [PathBuf::from("/repo/policies/extra.toml")]
        );
        assert_eq!(config.fail_on, Some(Severity::Warning));
        assert_eq!(
            config.extractor_for("jobs/nightly.txt"),
            Some(FileKind::Shell)
        );
        assert_eq!(
            config.ignored("anaplan.connect-below-1-4", "legacy/a/run.sh"),
            Some("decommissioned in Q3")
        );
        assert_eq!(
            config.ignored("java.runtime-below-8", "legacy/a/run.sh"),
            None
        );
        assert!(config.exclude.unwrap().is_match("deep/x.bak"));
    }

    #[test]
    fn unknown_keys_point_at_the_key() {
        let text = "fail-on = \"error\"\nfial-on = \"warning\"\n";
        let error = Config::parse(".connlint.toml", text, Path::new(".")).unwrap_err();
        assert_eq!(&text[error.span.unwrap().range()], "fial-on");
    }

    #[test]
    fn unknown_extractor_is_an_error() {
        let text = "[extractors]\n\"*.config\" = \"xmll\"\n";
        let error = Config::parse(".connlint.toml", text, Path::new(".")).unwrap_err();
        assert_eq!(&text[error.span.unwrap().range()], "\"xmll\"");
    }
}
