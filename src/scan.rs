//! Stages 1-4 put together: walk, classify, read, extract and evaluate.
//! The library entry point is [`scan`].
//!
//! A scan runs in three steps, so the language server can reuse them with
//! editor buffers in place of disk content ([`Overlays`]):
//!
//! 1. [`Workspace`]: one root's files, each read (or taken from an overlay),
//!    classified and extracted. [`Workspace::refresh`] extracts single files
//!    again, with every file that sources them.
//! 2. Per root: certificate references resolved, certificate files read
//!    with the passwords the repository gives, certificates linked to jobs.
//! 3. Once: rules evaluated over the facts of every root, findings on
//!    certificate files repeated on the lines that use them, config ignores.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::classify::{self, FileKind};
use crate::extract::{self, Includes};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::finding::{Finding, Related};
use crate::references;
use crate::rules::compile::{CompiledPack, RegexExtractor, Rule, Target};
use crate::rules::eval::{Active, EvalOptions};
use crate::settings::Config;
use crate::source::{self, SourceFile};
use crate::span::Span;
use crate::suppress;
use crate::walk;

/// What to scan and how.
pub struct ScanOptions<'a> {
    /// Directories or files.
    pub paths: Vec<PathBuf>,
    /// Configuration.
    pub config: &'a Config,
    /// Loaded packs (for their declarative extractors).
    pub packs: &'a [CompiledPack],
    /// The rules to run, with their configured severity.
    pub rules: Vec<Active<'a>>,
    /// "Today" for `since` and certificate dates.
    pub as_of: time::Date,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// Files above this size are skipped.
    pub max_file_size: u64,
    /// Read certificate files that references point at outside the roots.
    pub allow_outside: bool,
    /// Honour `connlint: ignore[...]` comments (off for audits:
    /// `--no-inline-ignores`, and then no meta findings either).
    pub inline_ignores: bool,
}

/// The outcome of a scan.
#[derive(Debug, Default)]
pub struct Scan {
    /// Files read and extracted.
    pub files_scanned: usize,
    /// Every fact, sorted.
    pub facts: Vec<Fact>,
    /// Findings, sorted by path, position and rule.
    pub findings: Vec<Finding>,
    /// Files skipped or partly unreadable.
    pub problems: Vec<Problem>,
    /// The text of every file a fact or finding points into.
    pub sources: BTreeMap<Arc<str>, Arc<SourceFile>>,
    /// Findings dropped by `[[ignore]]` entries of the config.
    pub ignored: usize,
    /// Findings silenced by `connlint: ignore[...]` comments.
    pub suppressed: usize,
    /// What a baseline dropped, when one was applied
    /// ([`crate::baseline::Baseline::apply`]).
    pub baseline: Option<crate::baseline::BaselineCounts>,
    /// Wall time.
    pub elapsed: Duration,
}

/// Text held in memory that replaces a file's disk content (an editor's
/// unsaved buffer), by path relative to the root it belongs to. The text
/// is what the editor holds, byte-order mark included if it has one.
#[derive(Clone, Debug, Default)]
pub struct Overlays {
    files: HashMap<String, Arc<str>>,
}

impl Overlays {
    /// No overlay: everything comes from disk.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the content of `rel` with `text`.
    pub fn insert(&mut self, rel: impl Into<String>, text: Arc<str>) {
        self.files.insert(rel.into(), text);
    }

    /// The overlay of `rel`, if there is one.
    pub fn get(&self, rel: &str) -> Option<&Arc<str>> {
        self.files.get(rel)
    }

    /// Relative paths with an overlay.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// Runs the pipeline.
pub fn scan(options: &ScanOptions<'_>) -> Scan {
    let started = Instant::now();
    let no_overlays = Overlays::new();
    let mut result = Scan::default();
    let mut directives = suppress::Directives::new();
    let (dirs, files): (Vec<&PathBuf>, Vec<&PathBuf>) =
        options.paths.iter().partition(|path| path.is_dir());
    for path in dirs {
        Workspace::walk(path, options, &no_overlays).collect_into(
            &mut result,
            &mut directives,
            options,
            &no_overlays,
        );
    }
    let mut explicit = HashSet::new();
    for (root, group) in explicit_files(&files, options) {
        explicit.extend(
            group
                .candidates
                .iter()
                .map(|c| Arc::<str>::from(c.rel.as_str())),
        );
        Workspace::with_files(
            &root,
            group.candidates,
            group.skipped,
            options,
            &no_overlays,
        )
        .collect_into(&mut result, &mut directives, options, &no_overlays);
        // The files next to them (and in their parent directories) give the
        // conditions of directory-scoped rules; their own findings and
        // problems are not asked for.
        let mut context = Scan::default();
        Workspace::with_files(&root, group.context, Vec::new(), options, &no_overlays)
            .collect_into(&mut context, &mut directives, options, &no_overlays);
        result.facts.extend(context.facts);
        result.sources.extend(context.sources);
    }
    finish(
        &mut result,
        options,
        &directives,
        (!explicit.is_empty()).then_some(&explicit),
    );
    result.elapsed = started.elapsed();
    result
}

/// File arguments under one root: the files asked for, and the files next
/// to them and in each parent directory up to the root (not below), read
/// only as context.
#[derive(Default)]
struct ExplicitGroup {
    candidates: Vec<walk::Candidate>,
    context: Vec<walk::Candidate>,
    skipped: Vec<(String, String)>,
}

/// Groups file arguments by root (see [`candidates_for`]) and finds their
/// context files.
fn explicit_files(
    files: &[&PathBuf],
    options: &ScanOptions<'_>,
) -> BTreeMap<PathBuf, ExplicitGroup> {
    let mut groups: BTreeMap<PathBuf, ExplicitGroup> = BTreeMap::new();
    for path in files {
        let (root, candidates, skipped) = candidates_for(path, options);
        let group = groups.entry(root).or_default();
        group.candidates.extend(candidates);
        group.skipped.extend(skipped);
    }
    for (root, group) in &mut groups {
        group.candidates.sort();
        group.candidates.dedup();
        let asked: HashSet<&str> = group.candidates.iter().map(|c| c.rel.as_str()).collect();
        let mut dirs = BTreeSet::new();
        for candidate in &group.candidates {
            let mut dir = candidate.rel.rsplit_once('/').map(|(d, _)| d.to_owned());
            loop {
                let Some(current) = dir else {
                    dirs.insert(String::new());
                    break;
                };
                if !dirs.insert(current.clone()) {
                    break;
                }
                dir = current.rsplit_once('/').map(|(d, _)| d.to_owned());
            }
        }
        let mut context = Vec::new();
        for dir in &dirs {
            let full = if dir.is_empty() {
                root.clone()
            } else {
                root.join(dir)
            };
            context.extend(
                walk::files_in(root, &full, options.config.exclude.as_ref())
                    .into_iter()
                    .filter(|c| !asked.contains(c.rel.as_str())),
            );
        }
        group.context = context;
    }
    groups
}

/// One root's files, read, classified and extracted, kept so that single
/// files can be extracted again when they change (the editor's view of a
/// repository). Turn it into findings with [`Workspace::scan`].
pub struct Workspace {
    root: PathBuf,
    disk: DiskIncludes,
    /// Files that gave something (facts, problems, a certificate to read,
    /// includes), by path relative to the root.
    files: BTreeMap<String, FileOutcome>,
    /// Entries the walk skipped with a reason.
    skipped: Vec<(String, String)>,
}

impl Workspace {
    /// Walks `root` and extracts every file it finds; files with an
    /// overlay are read from it instead of from disk.
    pub fn walk(root: &Path, options: &ScanOptions<'_>, overlays: &Overlays) -> Self {
        let text_rules = TextRules::new(&options.rules, options.packs);
        let disk = DiskIncludes::new(root, options.max_file_size);
        let outcomes = Mutex::new(Vec::new());
        // Read and extract on the walker's threads, as files are found.
        let skipped = walk::visit(
            root,
            options.config.exclude.as_ref(),
            options.jobs,
            &|candidate| {
                let outcome = extract_candidate(&candidate, options, &text_rules, &disk, overlays);
                if let Ok(mut outcomes) = outcomes.lock() {
                    outcomes.push((candidate.rel, outcome));
                }
            },
        );
        let files = outcomes
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .into_iter()
            .filter(|(_, outcome)| !outcome.is_empty())
            .collect();
        Self {
            root: root.to_path_buf(),
            disk,
            files,
            skipped,
        }
    }

    /// A root that is not walked: only `candidates` are read (file
    /// arguments of the CLI; a file the editor opened outside every
    /// workspace folder). `skipped` are reported as file problems.
    pub fn with_files(
        root: &Path,
        candidates: Vec<walk::Candidate>,
        skipped: Vec<(String, String)>,
        options: &ScanOptions<'_>,
        overlays: &Overlays,
    ) -> Self {
        let text_rules = TextRules::new(&options.rules, options.packs);
        let disk = DiskIncludes::new(root, options.max_file_size);
        let files = candidates
            .into_iter()
            .map(|candidate| {
                let outcome = extract_candidate(&candidate, options, &text_rules, &disk, overlays);
                (candidate.rel, outcome)
            })
            .filter(|(_, outcome)| !outcome.is_empty())
            .collect();
        Self {
            root: root.to_path_buf(),
            disk,
            files,
            skipped,
        }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Extracts the files at `rels` again, and every file that sources one
    /// of them (through any number of steps), from their overlay or from
    /// disk. A file that is gone, excluded by the config, or new and
    /// gitignored (or under `.git/`) is dropped. Returns the paths whose
    /// extraction ran.
    pub fn refresh(
        &mut self,
        rels: &[String],
        options: &ScanOptions<'_>,
        overlays: &Overlays,
    ) -> Vec<String> {
        let text_rules = TextRules::new(&options.rules, options.packs);
        // A watcher may report a folder for what happened to its files:
        // a folder that appeared stands for the files in it, one that
        // went away for the files known under it.
        let mut rels = rels.to_vec();
        for rel in rels.clone() {
            let path = self.root.join(&rel);
            if path.is_dir() {
                let walked = walk::walk(&path, options.config.exclude.as_ref(), 1);
                rels.extend(
                    walked
                        .candidates
                        .into_iter()
                        .map(|c| format!("{rel}/{}", c.rel)),
                );
            } else if !path.exists() {
                let prefix = format!("{rel}/");
                rels.extend(
                    self.files
                        .keys()
                        .filter(|known| known.starts_with(&prefix))
                        .cloned(),
                );
            }
        }
        let rels = &rels;
        for rel in rels {
            self.disk.forget(rel);
        }
        let mut todo: Vec<String> = rels.clone();
        for (path, outcome) in &self.files {
            if outcome
                .includes
                .iter()
                .any(|tried| rels.iter().any(|rel| rel == tried))
            {
                todo.push(path.clone());
            }
        }
        todo.sort();
        todo.dedup();
        for rel in &todo {
            let known = self.files.remove(rel).is_some();
            let path = self.root.join(rel);
            let wanted = overlays.get(rel).is_some()
                || (path.is_file()
                    && (known
                        || !(rel.split('/').any(|part| part == ".git")
                            || references::is_gitignored(&self.root, rel))));
            let excluded = options
                .config
                .exclude
                .as_ref()
                .is_some_and(|set| set.is_match(rel));
            if !wanted || excluded {
                continue;
            }
            let candidate = walk::Candidate {
                rel: rel.clone(),
                path,
            };
            let outcome = extract_candidate(&candidate, options, &text_rules, &self.disk, overlays);
            if !outcome.is_empty() {
                self.files.insert(rel.clone(), outcome);
            }
        }
        todo
    }

    /// Whether extracting `rel` gave anything (facts, problems, a
    /// certificate to read): whether connlint reads the file.
    pub fn contains(&self, rel: &str) -> bool {
        self.files.contains_key(rel)
    }

    /// Certificates, rules and ignores over this root alone: the findings
    /// of its files, with `overlays` for certificate files.
    pub fn scan(&self, options: &ScanOptions<'_>, overlays: &Overlays) -> Scan {
        let started = Instant::now();
        let mut result = Scan::default();
        let mut directives = suppress::Directives::new();
        collect(
            &self.root,
            self.skipped.iter().cloned(),
            self.files.values().cloned(),
            &mut result,
            &mut directives,
            options,
            overlays,
        );
        finish(&mut result, options, &directives, None);
        result.elapsed = started.elapsed();
        result
    }

    /// Step 2 for this root, consuming it.
    fn collect_into(
        self,
        result: &mut Scan,
        directives: &mut suppress::Directives,
        options: &ScanOptions<'_>,
        overlays: &Overlays,
    ) {
        collect(
            &self.root,
            self.skipped,
            self.files.into_values(),
            result,
            directives,
            options,
            overlays,
        );
    }
}

/// Step 2: one root's facts, problems and sources into `result`, with
/// certificate references resolved and certificate files read.
fn collect(
    root: &Path,
    skipped: impl IntoIterator<Item = (String, String)>,
    outcomes: impl IntoIterator<Item = FileOutcome>,
    result: &mut Scan,
    directives: &mut suppress::Directives,
    options: &ScanOptions<'_>,
    overlays: &Overlays,
) {
    for (rel, message) in skipped {
        result
            .problems
            .push(Problem::file(&Arc::from(rel.as_str()), message));
    }
    let mut facts = Vec::new();
    let mut certificate_files = BTreeMap::new();
    let mut included = Vec::new();
    for outcome in outcomes {
        if let Some(source) = &outcome.source
            && !outcome.directives.is_empty()
        {
            directives.insert(Arc::clone(&source.path), outcome.directives);
        }
        result.files_scanned += usize::from(outcome.scanned);
        result.problems.extend(outcome.extraction.problems);
        if let Some(source) = outcome.source {
            result.sources.insert(Arc::clone(&source.path), source);
        }
        if let Some(candidate) = outcome.certificate {
            certificate_files.insert(candidate.rel, candidate.path);
        }
        included.extend(outcome.included);
        facts.extend(outcome.extraction.facts);
    }
    for source in included {
        if options.inline_ignores && !directives.contains_key(&source.path) {
            directives_of_include(&source, options.config, directives);
        }
        result
            .sources
            .entry(Arc::clone(&source.path))
            .or_insert(source);
    }
    for target in references::resolve(&mut facts, root, options.allow_outside) {
        certificate_files.entry(target.rel).or_insert(target.path);
    }
    for (rel, path) in certificate_files {
        let passwords = references::passwords_for(&rel, &facts, &result.sources);
        let outcome = read_certificate(
            &rel,
            &path,
            &passwords,
            options.max_file_size,
            overlays.get(&rel).map(|text| text.as_bytes()),
        );
        result.files_scanned += usize::from(outcome.scanned);
        result.problems.extend(outcome.extraction.problems);
        if let Some(source) = outcome.source {
            result.sources.insert(Arc::clone(&source.path), source);
        }
        let mut extracted = outcome.extraction.facts;
        if !passwords.is_empty() {
            references::mark_password_found(&mut extracted);
        }
        facts.extend(extracted);
    }
    references::link_certificates(&mut facts);
    result.facts.extend(facts);
}

/// Step 3: rules over every fact of `result`, findings linked to the
/// references of certificate files, config ignores; sources no fact,
/// finding or problem points into are dropped.
///
/// With `only`, findings are kept only in those files or reached from them
/// (a sourced config file, a referenced certificate repeated on the line).
fn finish(
    result: &mut Scan,
    options: &ScanOptions<'_>,
    directives: &suppress::Directives,
    only: Option<&HashSet<Arc<str>>>,
) {
    result.facts.sort();
    result.facts.dedup();
    result.problems.sort();
    result.problems.dedup();
    let eval_options = EvalOptions {
        as_of: options.as_of,
        expiry_days: options.config.expiry_warning_days,
    };
    let evaluated = suppress::evaluate(
        &options.rules,
        options.packs,
        &result.facts,
        &eval_options,
        options.inline_ignores.then_some(directives),
        |path| result.sources.get(path).map(AsRef::as_ref),
    );
    result.suppressed = evaluated.suppressed;
    let mut findings = evaluated.findings;
    if let Some(only) = only {
        findings.retain(|f| only.contains(&f.path) || only.contains(&f.fact.origin));
    }
    let before = findings.len();
    result.findings = findings
        .into_iter()
        .filter(|f| options.config.ignored(&f.rule, &f.path).is_none())
        .collect();
    result.ignored = before - result.findings.len();
    let referenced: HashSet<&str> = result
        .facts
        .iter()
        .map(|f| &*f.path)
        .chain(result.problems.iter().map(|p| &*p.path))
        .chain(result.findings.iter().map(|f| &*f.path))
        .collect();
    result
        .sources
        .retain(|path, _| referenced.contains(&**path));
}

/// The directives of a file read only because a script sources it (a
/// pre-commit run on one job): its comments count like a walked file's.
fn directives_of_include(
    source: &Arc<SourceFile>,
    config: &Config,
    directives: &mut suppress::Directives,
) {
    let path = &source.path;
    let found = config
        .extractor_for(path)
        .or_else(|| classify::by_name(Path::new(&**path)))
        .map(|kind| suppress::directives(kind, source))
        .unwrap_or_default();
    if !found.is_empty() {
        directives.insert(Arc::clone(path), found);
    }
}

/// The root and file for a file argument: it is scanned alone, relative to
/// the current directory when it lies below it (so pre-commit's
/// `jobs/run.sh` stays `jobs/run.sh`).
fn candidates_for(
    path: &Path,
    options: &ScanOptions<'_>,
) -> (PathBuf, Vec<walk::Candidate>, Vec<(String, String)>) {
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let root = if absolute.starts_with(&cwd) {
        cwd
    } else {
        absolute.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let rel = walk::relative(&root, &absolute).unwrap_or_else(|| path.display().to_string());
    if options
        .config
        .exclude
        .as_ref()
        .is_some_and(|set| set.is_match(&rel))
    {
        return (root, Vec::new(), Vec::new());
    }
    if !path.exists() {
        return (
            root,
            Vec::new(),
            vec![(rel, "cannot read: no such file or directory".to_owned())],
        );
    }
    (
        root,
        vec![walk::Candidate {
            rel,
            path: path.to_path_buf(),
        }],
        Vec::new(),
    )
}

#[derive(Clone)]
struct FileOutcome {
    /// A certificate or key file, read after the walk (it needs the
    /// passwords the rest of the repository gives for it).
    certificate: Option<walk::Candidate>,
    scanned: bool,
    source: Option<Arc<SourceFile>>,
    extraction: Extraction,
    /// Every path (relative to the root) the extraction tried to source,
    /// found or not: when one changes, this file is extracted again.
    includes: Vec<String>,
    /// The sourced files found, for rendering facts that point into them.
    included: Vec<Arc<SourceFile>>,
    /// Its `connlint: ignore[...]` comments.
    directives: Vec<suppress::Directive>,
}

impl FileOutcome {
    fn skipped() -> Self {
        Self {
            certificate: None,
            scanned: false,
            source: None,
            extraction: Extraction::default(),
            includes: Vec::new(),
            included: Vec::new(),
            directives: Vec::new(),
        }
    }

    fn problem(rel: &str, message: String) -> Self {
        let mut outcome = Self::skipped();
        outcome
            .extraction
            .problems
            .push(Problem::file(&Arc::from(rel), message));
        outcome
    }

    /// Whether the file gave nothing at all (not kept in a [`Workspace`]).
    fn is_empty(&self) -> bool {
        !self.scanned
            && self.certificate.is_none()
            && self.extraction.facts.is_empty()
            && self.extraction.problems.is_empty()
            && self.includes.is_empty()
    }
}

/// Reads and extracts one candidate, recording what it sources.
fn extract_candidate(
    candidate: &walk::Candidate,
    options: &ScanOptions<'_>,
    text_rules: &TextRules<'_>,
    disk: &DiskIncludes,
    overlays: &Overlays,
) -> FileOutcome {
    let includes = RecordingIncludes {
        disk,
        overlays,
        tried: Mutex::new(Vec::new()),
        found: Mutex::new(Vec::new()),
    };
    let overlay = overlays.get(&candidate.rel).map(|text| text.as_bytes());
    let mut outcome = read_and_extract(candidate, options, text_rules, &includes, overlay);
    outcome.includes = includes
        .tried
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    outcome.includes.sort();
    outcome.includes.dedup();
    outcome.included = includes
        .found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    outcome
}

/// Reads (from `overlay` when given, else from disk), classifies and
/// extracts one file.
fn read_and_extract(
    candidate: &walk::Candidate,
    options: &ScanOptions<'_>,
    text_rules: &TextRules<'_>,
    includes: &dyn Includes,
    overlay: Option<&[u8]>,
) -> FileOutcome {
    let rel = candidate.rel.as_str();
    let by_name = options
        .config
        .extractor_for(rel)
        .or_else(|| classify::by_name(Path::new(rel)));
    if by_name.is_none() && extract::certificate::is_certificate_name(rel) {
        let mut outcome = FileOutcome::skipped();
        outcome.certificate = Some(candidate.clone());
        return outcome;
    }
    let wanted_by_text = text_rules.wants(rel);
    let extensionless = Path::new(rel)
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| !n.contains('.') || n.starts_with('.'));
    if by_name.is_none() && !wanted_by_text && !extensionless {
        return FileOutcome::skipped();
    }
    let size = match overlay {
        Some(bytes) => bytes.len() as u64,
        None => match std::fs::metadata(&candidate.path) {
            Ok(meta) => meta.len(),
            Err(error) => return FileOutcome::problem(rel, format!("cannot read: {error}")),
        },
    };
    if size > options.max_file_size {
        if by_name.is_none() && !wanted_by_text {
            return FileOutcome::skipped();
        }
        return FileOutcome::problem(
            rel,
            format!(
                "skipped: {size} bytes is over the size limit of {} bytes",
                options.max_file_size
            ),
        );
    }
    let bytes = match overlay {
        Some(bytes) => bytes.to_vec(),
        None => match read_file(&candidate.path, by_name.is_none() && !wanted_by_text) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return FileOutcome::skipped(),
            Err(error) => return FileOutcome::problem(rel, format!("cannot read: {error}")),
        },
    };
    let kind = by_name.or_else(|| classify::by_content(Path::new(rel), &bytes));
    if kind.is_none() && !wanted_by_text {
        return FileOutcome::skipped();
    }
    if source::looks_binary(&bytes[..bytes.len().min(8192)]) {
        return FileOutcome::problem(rel, "skipped: binary file".to_owned());
    }
    let decoded = source::decode(&bytes);
    let source = Arc::new(SourceFile::new(rel, decoded.text));
    let mut extraction = extract_source(kind, &source, includes, text_rules);
    if let Some(note) = decoded.lossy {
        extraction.problems.push(Problem::file(&source.path, note));
    }
    let directives = match kind {
        Some(kind) if options.inline_ignores => suppress::directives(kind, &source),
        _ => Vec::new(),
    };
    // Keep the text only when a report may render it: memory stays bounded
    // by what was found, not by what was read.
    let keep = !extraction.facts.is_empty()
        || extraction.problems.iter().any(|p| p.span.is_some())
        || !directives.is_empty();
    FileOutcome {
        certificate: None,
        scanned: true,
        source: keep.then_some(source),
        extraction,
        includes: Vec::new(),
        included: Vec::new(),
        directives,
    }
}

/// Reads a certificate, key or keystore file (from `overlay` when given)
/// with the passwords the repository gives for it.
fn read_certificate(
    rel: &str,
    path: &Path,
    passwords: &[String],
    max_file_size: u64,
    overlay: Option<&[u8]>,
) -> FileOutcome {
    let size = match overlay {
        Some(bytes) => bytes.len() as u64,
        None => match std::fs::metadata(path) {
            Ok(meta) => meta.len(),
            Err(error) => return FileOutcome::problem(rel, format!("cannot read: {error}")),
        },
    };
    if size > max_file_size {
        return FileOutcome::problem(
            rel,
            format!("skipped: {size} bytes is over the size limit of {max_file_size} bytes"),
        );
    }
    let bytes = match overlay {
        Some(bytes) => bytes.to_vec(),
        None => match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => return FileOutcome::problem(rel, format!("cannot read: {error}")),
        },
    };
    let path: Arc<str> = Arc::from(rel);
    let passwords: Vec<&str> = passwords.iter().map(String::as_str).collect();
    let Some(extraction) =
        extract::certificate::extract_certificate_file(&path, &bytes, &passwords)
    else {
        // Not a certificate: a `.key` may be Data Loader's encryption key.
        if rel.to_ascii_lowercase().ends_with(".key") {
            let source = SourceFile::new(Arc::clone(&path), source::decode(&bytes).text);
            let extraction = extract::salesforce::extract_key_file(&source);
            let keep = !extraction.facts.is_empty();
            return FileOutcome {
                scanned: true,
                source: keep.then(|| Arc::new(source)),
                extraction,
                ..FileOutcome::skipped()
            };
        }
        return FileOutcome::skipped();
    };
    // PEM files are text: keep it so findings render over the block.
    let is_pem = extract::certificate::detect(&bytes) == Some(extract::certificate::Container::Pem);
    let source = is_pem.then(|| {
        Arc::new(SourceFile::new(
            Arc::clone(&path),
            source::decode(&bytes).text,
        ))
    });
    FileOutcome {
        scanned: true,
        source,
        extraction,
        ..FileOutcome::skipped()
    }
}

/// A finding on a certificate or key file is repeated on every config
/// line that points at the file, naming it, so the user sees which job
/// breaks.
pub fn link_to_references(findings: &mut Vec<Finding>, facts: &[Fact]) {
    let mut linked = Vec::new();
    for finding in findings.iter() {
        if !matches!(
            finding.fact.kind,
            FactKind::Certificate | FactKind::PrivateKey
        ) {
            continue;
        }
        for reference in facts.iter().filter(|f| {
            f.kind == FactKind::CertReference && f.attr("resolved") == Some(&*finding.path)
        }) {
            let mut derived = finding.clone();
            derived.message = format!(
                "`{}` points at {}: {}",
                reference.value, finding.path, finding.message
            );
            derived.path = Arc::clone(&reference.path);
            derived.span = reference.span;
            let note = format!(
                "the certificate file: {} ({})",
                finding.path, finding.fact.value
            );
            derived.related = vec![Related {
                path: Arc::clone(&finding.path),
                span: (!finding.span.is_empty()).then_some(finding.span),
                message: note.clone(),
            }];
            derived.notes = vec![note];
            derived.fact = reference.clone();
            if !linked.iter().chain(findings.iter()).any(|f: &Finding| {
                f.rule == derived.rule
                    && f.path == derived.path
                    && f.span == derived.span
                    && f.message == derived.message
            }) {
                linked.push(derived);
            }
        }
    }
    findings.extend(linked);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Reads a file; when `sniff_only` (an extension-less file that only a
/// shebang could make readable), reads the first bytes first and stops
/// early when they are not a shell script.
fn read_file(path: &Path, sniff_only: bool) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = File::open(path)?;
    let mut bytes = Vec::new();
    if sniff_only {
        let mut head = [0u8; 256];
        let n = file.read(&mut head)?;
        if classify::by_content(path, &head[..n]).is_none() {
            return Ok(None);
        }
        bytes.extend_from_slice(&head[..n]);
    }
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Extracts one file: its extractor (if any), then the raw-text rules and
/// declarative extractors that apply to its path.
pub fn extract_source(
    kind: Option<FileKind>,
    source: &SourceFile,
    includes: &dyn Includes,
    text_rules: &TextRules<'_>,
) -> Extraction {
    let mut extraction = kind
        .map(|k| extract::extract(k, source, includes))
        .unwrap_or_default();
    extraction.facts.extend(text_rules.apply(source));
    extraction
}

/// Raw-text rules and declarative extractors, ready to run on any file.
pub struct TextRules<'a> {
    rules: Vec<&'a Rule>,
    extractors: Vec<&'a RegexExtractor>,
}

impl<'a> TextRules<'a> {
    /// Collects the `regex` rules among `rules` and the extractors of `packs`.
    pub fn new(rules: &[Active<'a>], packs: &'a [CompiledPack]) -> Self {
        Self {
            rules: rules
                .iter()
                .map(|a| a.rule)
                .filter(|r| matches!(r.target, Target::Text { .. }))
                .collect(),
            extractors: packs.iter().flat_map(|p| &p.extractors).collect(),
        }
    }

    /// Whether any of them reads files at `rel` (so a file no extractor
    /// classifies is still read).
    pub fn wants(&self, rel: &str) -> bool {
        self.rules.iter().any(|r| match &r.target {
            Target::Text {
                files: Some(files), ..
            } => files.is_match(rel),
            _ => false,
        }) || self.extractors.iter().any(|e| e.files.is_match(rel))
    }

    /// The facts they find in `source`.
    pub fn apply(&self, source: &SourceFile) -> Vec<Fact> {
        let mut facts = Vec::new();
        let path = source.path.as_ref();
        for rule in &self.rules {
            let Target::Text { regex, files } = &rule.target else {
                continue;
            };
            if files.as_ref().is_some_and(|f| !f.is_match(path)) {
                continue;
            }
            for caps in regex.captures_iter(&source.text) {
                let Some(m) = caps.name("value").or_else(|| caps.get(0)) else {
                    continue;
                };
                if m.as_str().is_empty() {
                    continue;
                }
                facts.push(
                    Fact::new(
                        FactKind::TextMatch,
                        m.as_str(),
                        &source.path,
                        Span::new(m.start(), m.end()),
                    )
                    .with("rule", &*rule.id),
                );
            }
        }
        for extractor in &self.extractors {
            if !extractor.files.is_match(path) {
                continue;
            }
            for caps in extractor.regex.captures_iter(&source.text) {
                let Some(m) = caps.name("value").or_else(|| caps.get(0)) else {
                    continue;
                };
                if m.as_str().is_empty() {
                    continue;
                }
                let mut fact = Fact::new(
                    extractor.kind,
                    m.as_str(),
                    &source.path,
                    Span::new(m.start(), m.end()),
                );
                for (key, template) in &extractor.attributes {
                    fact.attributes
                        .insert(key, fill(template, &extractor.regex, &caps));
                }
                fact.attributes.insert_default("source", "custom");
                facts.push(fact);
            }
        }
        facts
    }
}

/// `{group}` in an attribute template, from the match's named groups.
fn fill(template: &str, regex: &regex::Regex, caps: &regex::Captures<'_>) -> String {
    let mut out = template.to_owned();
    for name in regex.capture_names().flatten() {
        let value = caps.name(name).map_or("", |m| m.as_str());
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Normalises `target` (as written after `.`/`source`/`call`) against the
/// directory of `from`, both relative to the root: `None` when it leaves
/// the root or is absolute.
pub fn resolve_relative(from: &str, target: &str) -> Vec<String> {
    if target.starts_with('/') || target.contains(':') || target.contains(['$', '%', '`']) {
        return Vec::new();
    }
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    for base in [dir, ""] {
        if let Some(path) = walk::join_relative(base, target)
            && !out.contains(&path)
        {
            out.push(path);
        }
    }
    out
}

/// Reads sourced files from disk, inside one root only.
struct DiskIncludes {
    root: PathBuf,
    canonical_root: PathBuf,
    max_file_size: u64,
    cache: Mutex<HashMap<String, Option<Arc<SourceFile>>>>,
}

impl DiskIncludes {
    fn new(root: &Path, max_file_size: u64) -> Self {
        Self {
            root: root.to_path_buf(),
            canonical_root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            max_file_size,
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn load(&self, rel: &str) -> Option<Arc<SourceFile>> {
        let path = self.root.join(rel);
        let canonical = std::fs::canonicalize(&path).ok()?;
        // A sourced file reached through a symlink out of the root is not read.
        if !canonical.starts_with(&self.canonical_root) || !canonical.is_file() {
            return None;
        }
        if std::fs::metadata(&canonical).ok()?.len() > self.max_file_size {
            return None;
        }
        let bytes = std::fs::read(&canonical).ok()?;
        if source::looks_binary(&bytes[..bytes.len().min(8192)]) {
            return None;
        }
        Some(Arc::new(SourceFile::new(rel, source::decode(&bytes).text)))
    }

    /// The file at `rel`, from the cache or from disk.
    fn get(&self, rel: &str) -> Option<Arc<SourceFile>> {
        if let Ok(cache) = self.cache.lock()
            && let Some(hit) = cache.get(rel)
        {
            return hit.clone();
        }
        let loaded = self.load(rel);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(rel.to_owned(), loaded.clone());
        }
        loaded
    }

    /// Drops the cached copy of `rel` (it changed on disk).
    fn forget(&self, rel: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(rel);
        }
    }
}

/// The includes of one file's extraction: overlays first, then disk;
/// records every path tried and every file found.
struct RecordingIncludes<'a> {
    disk: &'a DiskIncludes,
    overlays: &'a Overlays,
    tried: Mutex<Vec<String>>,
    found: Mutex<Vec<Arc<SourceFile>>>,
}

impl Includes for RecordingIncludes<'_> {
    fn resolve(&self, from: &SourceFile, target: &str) -> Option<Arc<SourceFile>> {
        let candidates = resolve_relative(&from.path, target);
        if let Ok(mut tried) = self.tried.lock() {
            tried.extend(candidates.iter().cloned());
        }
        let found = candidates.iter().find_map(|rel| {
            let Some(text) = self.overlays.get(rel) else {
                return self.disk.get(rel);
            };
            let bytes = text.as_bytes();
            // An unsaved buffer is read like a file: binary or huge buffers
            // are not followed.
            if source::looks_binary(&bytes[..bytes.len().min(8192)])
                || bytes.len() as u64 > self.disk.max_file_size
            {
                return None;
            }
            Some(Arc::new(SourceFile::new(
                rel.as_str(),
                source::decode(bytes).text,
            )))
        });
        if let (Some(file), Ok(mut found)) = (&found, self.found.lock())
            && !found.iter().any(|f| f.path == file.path)
        {
            found.push(Arc::clone(file));
        }
        found
    }
}

/// Answers includes from files held in memory (rule examples, editor buffers).
pub struct MemoryIncludes {
    files: HashMap<String, Arc<SourceFile>>,
}

impl MemoryIncludes {
    /// Over `files`.
    pub fn new(files: &[Arc<SourceFile>]) -> Self {
        Self {
            files: files
                .iter()
                .map(|f| (f.path.to_string(), Arc::clone(f)))
                .collect(),
        }
    }
}

impl Includes for MemoryIncludes {
    fn resolve(&self, from: &SourceFile, target: &str) -> Option<Arc<SourceFile>> {
        resolve_relative(&from.path, target)
            .into_iter()
            .find_map(|rel| self.files.get(&rel).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn java_versions(scan: &Scan) -> Vec<(String, String, String)> {
        scan.facts
            .iter()
            .filter(|f| f.kind == FactKind::JavaVersion)
            .map(|f| (f.path.to_string(), f.origin.to_string(), f.value.clone()))
            .collect()
    }

    #[test]
    fn overlays_replace_disk_text_and_refresh_follows_sourcing_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("run.sh"), ". ./config.sh\njava -version\n").unwrap();
        std::fs::write(
            dir.path().join("config.sh"),
            "JAVA_HOME=/opt/jdk1.7.0_80\nexport JAVA_HOME\n",
        )
        .unwrap();
        let config = Config::default();
        let options = ScanOptions {
            paths: Vec::new(),
            config: &config,
            packs: &[],
            rules: Vec::new(),
            as_of: time::macros::date!(2026 - 01 - 01),
            jobs: 1,
            max_file_size: 1 << 20,
            allow_outside: false,
            inline_ignores: true,
        };
        let mut workspace = Workspace::walk(dir.path(), &options, &Overlays::new());
        let before = java_versions(&workspace.scan(&options, &Overlays::new()));
        assert!(before.contains(&("config.sh".into(), "run.sh".into(), "1.7.0_80".into())));

        // The editor changes config.sh without saving: run.sh, which
        // sources it, is extracted again and sees the buffer.
        let mut overlays = Overlays::new();
        overlays.insert("config.sh", Arc::from("JAVA_HOME=/opt/jdk-17.0.9\n"));
        let refreshed = workspace.refresh(&["config.sh".to_owned()], &options, &overlays);
        assert_eq!(refreshed, ["config.sh", "run.sh"]);
        let after = java_versions(&workspace.scan(&options, &overlays));
        assert!(after.iter().all(|(_, _, v)| v == "17.0.9"), "{after:?}");
        assert!(after.contains(&("config.sh".into(), "run.sh".into(), "17.0.9".into())));

        // A file deleted on disk (and not open) leaves the workspace.
        std::fs::remove_file(dir.path().join("config.sh")).unwrap();
        workspace.refresh(&["config.sh".to_owned()], &options, &Overlays::new());
        assert!(!workspace.contains("config.sh"));
        assert!(java_versions(&workspace.scan(&options, &Overlays::new())).is_empty());

        // A folder that appears, then goes away, reported as the folder.
        std::fs::create_dir_all(dir.path().join("jobs/old")).unwrap();
        std::fs::write(
            dir.path().join("jobs/old/env.sh"),
            "JAVA_HOME=/opt/jdk1.6.0_45\n",
        )
        .unwrap();
        workspace.refresh(&["jobs".to_owned()], &options, &Overlays::new());
        assert!(workspace.contains("jobs/old/env.sh"));
        std::fs::remove_dir_all(dir.path().join("jobs")).unwrap();
        workspace.refresh(&["jobs".to_owned()], &options, &Overlays::new());
        assert!(!workspace.contains("jobs/old/env.sh"));
    }

    #[test]
    fn includes_resolve_inside_the_root_only() {
        assert_eq!(
            resolve_relative("jobs/run.sh", "./config/config.sh"),
            ["jobs/config/config.sh", "config/config.sh"]
        );
        assert_eq!(
            resolve_relative("jobs/run.sh", "../shared/env.sh"),
            ["shared/env.sh"]
        );
        assert!(resolve_relative("run.sh", "../../etc/profile").is_empty());
        assert!(resolve_relative("run.sh", "/etc/profile").is_empty());
        assert!(resolve_relative("run.bat", "C:/env.bat").is_empty());
    }
}
