//! The rule set a run uses: the configuration, the built-in packs and the
//! user's packs, and the rules selected from them with their severity.
//!
//! The command line and the language server share this. File text comes
//! through a reader the caller hands in, so the editor can load a
//! `.connlint.toml` or a pack from an unsaved buffer.

use std::io;
use std::path::{Path, PathBuf};

use crate::error::{ErrorKind, FileError};
use crate::rules::BUILTIN_PACKS;
use crate::rules::compile::{CompiledPack, Rule, compile_pack};
use crate::rules::eval::Active;
use crate::settings::{Config, Named};

/// Reads a config or pack file's text (the file system, or editor buffers
/// over it).
pub type ReadText<'a> = &'a dyn Fn(&Path) -> io::Result<String>;

/// A loaded configuration and its packs.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// The configuration (defaults when there is no file).
    pub config: Config,
    /// Built-in packs first, then the config's `rule-packs`, then extra packs.
    pub packs: Vec<CompiledPack>,
    /// Every file read to build the set: the config file and each pack
    /// file, so a caller can watch them.
    pub inputs: Vec<PathBuf>,
}

/// Why a rule set could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// A config or pack file is broken; the error points into it.
    File {
        /// The broken file (`None` for a built-in pack).
        path: Option<PathBuf>,
        /// What is wrong, with its span.
        error: Box<FileError>,
    },
    /// A file is missing or unreadable, or a pack is loaded twice.
    Usage(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::File { error, .. } => error.fmt(f),
            LoadError::Usage(message) => f.write_str(message),
        }
    }
}

/// Where the rules of a run come from.
#[derive(Clone, Copy, Debug)]
pub struct RuleSources<'a> {
    /// The config file (`None`: defaults).
    pub config: Option<&'a Path>,
    /// Extra packs (files or directories of `.toml` files) beyond the config's.
    pub extra_packs: &'a [PathBuf],
    /// Load the built-in packs.
    pub builtin: bool,
}

/// Loads the config and every rule pack.
pub fn load(sources: RuleSources<'_>, read: ReadText<'_>) -> Result<RuleSet, LoadError> {
    let mut inputs = Vec::new();
    let config = match sources.config {
        Some(path) if !path.is_file() => {
            return Err(LoadError::Usage(format!(
                "config file {} does not exist",
                path.display()
            )));
        }
        Some(path) => {
            inputs.push(path.to_path_buf());
            Config::load_with(path, read).map_err(|error| LoadError::File {
                path: Some(path.to_path_buf()),
                error: Box::new(error),
            })?
        }
        None => Config::default(),
    };
    let mut packs = Vec::new();
    if sources.builtin {
        for (name, text) in BUILTIN_PACKS {
            packs.push(compile_pack(name, text).map_err(|error| LoadError::File {
                path: None,
                error: Box::new(error),
            })?);
        }
    }
    let extra: Vec<PathBuf> = config
        .rule_packs
        .iter()
        .chain(sources.extra_packs)
        .cloned()
        .collect();
    for path in extra {
        for file in pack_files(&path)? {
            let text = read(&file).map_err(|e| {
                LoadError::Usage(format!("cannot read rule pack {}: {e}", file.display()))
            })?;
            inputs.push(file.clone());
            let pack = compile_pack(&file.display().to_string(), &text).map_err(|error| {
                LoadError::File {
                    path: Some(file.clone()),
                    error: Box::new(error),
                }
            })?;
            if packs.iter().any(|p: &CompiledPack| p.name == pack.name) {
                return Err(LoadError::Usage(format!(
                    "rule pack `{}` ({}) is loaded twice",
                    pack.name,
                    file.display()
                )));
            }
            packs.push(pack);
        }
    }
    Ok(RuleSet {
        config,
        packs,
        inputs,
    })
}

/// A pack path: a `.toml` file, or a directory of them (sorted).
pub fn pack_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| LoadError::Usage(format!("cannot read {}: {e}", path.display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        return Ok(files);
    }
    if !path.is_file() {
        return Err(LoadError::Usage(format!(
            "rule pack {} does not exist",
            path.display()
        )));
    }
    Ok(vec![path.to_path_buf()])
}

/// An unknown rule or pack name in the config, pointing at it.
fn unknown_in_config(config: &Config, read: ReadText<'_>, named: &Named, help: &str) -> LoadError {
    let config_name = config
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let config_text = config
        .path
        .as_ref()
        .and_then(|p| read(p).ok())
        .unwrap_or_default();
    LoadError::File {
        path: config.path.clone(),
        error: Box::new(
            FileError::new(
                ErrorKind::UnknownName,
                &config_name,
                &config_text,
                named.span,
                format!("unknown rule or pack `{}`", named.name),
            )
            .label("not a loaded rule or pack")
            .help(help.to_owned()),
        ),
    }
}

/// The rules to run: the selection from the config and from `select` /
/// `ignore` (command line), with severity overrides. Unknown names are
/// errors (a typo would silently disable nothing); those from the config
/// point into it.
pub fn active_rules<'p>(
    set: &'p RuleSet,
    select: &[String],
    ignore: &[String],
    read: ReadText<'_>,
) -> Result<Vec<Active<'p>>, LoadError> {
    let known = |name: &str| {
        set.packs.iter().any(|p| {
            &*p.name == name
                || p.rules
                    .iter()
                    .any(|r| &*r.id == name || r.tags.iter().any(|t| t == name))
        })
    };
    let config = &set.config;
    let check_config = |named: &Named| -> Result<(), LoadError> {
        if known(&named.name) {
            return Ok(());
        }
        Err(unknown_in_config(
            config,
            read,
            named,
            "`connlint rules` lists them",
        ))
    };
    for named in config
        .select
        .iter()
        .chain(&config.disable)
        .chain(config.severity.iter().map(|(n, _)| n))
    {
        check_config(named)?;
    }
    // `[[ignore]]` entries name rules or packs that exist (not tags: ignores
    // match rule ids and pack names); a typo would silently ignore nothing.
    for named in config.ignores.iter().flat_map(|i| &i.rules) {
        let exists = set
            .packs
            .iter()
            .any(|p| *p.name == named.name || p.rules.iter().any(|r| *r.id == named.name));
        if !exists {
            return Err(unknown_in_config(
                config,
                read,
                named,
                "`[[ignore]]` takes rule ids and pack names; `connlint rules` lists them",
            ));
        }
    }
    for name in select.iter().chain(ignore) {
        if !known(name) {
            return Err(LoadError::Usage(format!(
                "unknown rule or pack `{name}` (`connlint rules` lists them)"
            )));
        }
    }
    // A name selects a rule by id, its pack, or one of its tags.
    let matches = |name: &str, rule: &Rule| {
        name == &*rule.id || name == &*rule.pack || rule.tags.iter().any(|t| t == name)
    };
    let selected: Vec<&str> = if select.is_empty() {
        config.select.iter().map(|n| n.name.as_str()).collect()
    } else {
        select.iter().map(String::as_str).collect()
    };
    let mut active = Vec::new();
    for rule in set.packs.iter().flat_map(|p| &p.rules) {
        if !selected.is_empty() && !selected.iter().any(|s| matches(s, rule)) {
            continue;
        }
        let disabled = config.disable.iter().any(|n| matches(&n.name, rule))
            || ignore.iter().any(|n| matches(n, rule));
        if disabled {
            continue;
        }
        // A rule-level override beats a pack-level one.
        let severity = config
            .severity
            .iter()
            .filter(|(n, _)| matches(&n.name, rule))
            .max_by_key(|(n, _)| n.name.len())
            .map_or(rule.severity, |(_, s)| *s);
        active.push(Active { rule, severity });
    }
    Ok(active)
}

/// The rule with id `id`, in any pack of `set`.
pub fn find_rule<'p>(set: &'p RuleSet, id: &str) -> Option<&'p Rule> {
    set.packs
        .iter()
        .flat_map(|p| &p.rules)
        .find(|r| &*r.id == id)
}
