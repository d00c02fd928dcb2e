//! Stages 1-4 put together: walk, classify, read, extract and evaluate.
//! The library entry point is [`scan`].

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::classify::{self, FileKind};
use crate::extract::{self, Includes};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::finding::Finding;
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

/// Runs the pipeline.
pub fn scan(options: &ScanOptions<'_>) -> Scan {
    let started = Instant::now();
    let text_rules = TextRules::new(&options.rules, options.packs);
    let mut result = Scan::default();
    let mut directives = suppress::Directives::new();
    for path in &options.paths {
        let (includes, outcomes, skipped, root) = if path.is_dir() {
            let includes = DiskIncludes::new(path, options.max_file_size);
            let outcomes = Mutex::new(Vec::new());
            // Read and extract on the walker's threads, as files are found.
            let skipped = walk::visit(
                path,
                options.config.exclude.as_ref(),
                options.jobs,
                &|candidate| {
                    let outcome = read_and_extract(&candidate, options, &text_rules, &includes);
                    if let Ok(mut outcomes) = outcomes.lock() {
                        outcomes.push(outcome);
                    }
                },
            );
            let outcomes = outcomes
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (includes, outcomes, skipped, path.clone())
        } else {
            let (root, candidates, skipped) = candidates_for(path, options);
            let includes = DiskIncludes::new(&root, options.max_file_size);
            let outcomes: Vec<FileOutcome> = candidates
                .iter()
                .map(|candidate| read_and_extract(candidate, options, &text_rules, &includes))
                .collect();
            (includes, outcomes, skipped, root)
        };
        for (rel, message) in skipped {
            result
                .problems
                .push(Problem::file(&Arc::from(rel.as_str()), message));
        }
        let mut facts = Vec::new();
        let mut certificate_files = BTreeMap::new();
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
            facts.extend(outcome.extraction.facts);
        }
        for (path, source) in includes.loaded() {
            if options.inline_ignores && !directives.contains_key(&path) {
                directives_of_include(&path, &source, options.config, &mut directives);
            }
            result.sources.entry(path).or_insert(source);
        }
        for target in references::resolve(&mut facts, &root, options.allow_outside) {
            certificate_files.entry(target.rel).or_insert(target.path);
        }
        for (rel, path) in certificate_files {
            let passwords = references::passwords_for(&rel, &facts, &result.sources);
            let outcome = read_certificate(&rel, &path, &passwords, options.max_file_size);
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
    result.facts.sort();
    result.problems.sort();
    result.problems.dedup();
    evaluate(&mut result, options, &directives);
    result.elapsed = started.elapsed();
    result
}

/// Stage 4 over the facts of the whole scan: rules, inline suppressions,
/// config ignores; then drops the texts no report points into.
fn evaluate(result: &mut Scan, options: &ScanOptions<'_>, directives: &suppress::Directives) {
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
    let findings = evaluated.findings;
    let before = findings.len();
    result.findings = findings
        .into_iter()
        .filter(|f| options.config.ignored(&f.rule, &f.path).is_none())
        .collect();
    result.ignored = before - result.findings.len();
    let referenced: std::collections::HashSet<&str> = result
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
    path: &Arc<str>,
    source: &SourceFile,
    config: &Config,
    directives: &mut suppress::Directives,
) {
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

struct FileOutcome {
    /// A certificate or key file, read after the walk (it needs the
    /// passwords the rest of the repository gives for it).
    certificate: Option<walk::Candidate>,
    scanned: bool,
    source: Option<Arc<SourceFile>>,
    extraction: Extraction,
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
}

fn read_and_extract(
    candidate: &walk::Candidate,
    options: &ScanOptions<'_>,
    text_rules: &TextRules<'_>,
    includes: &dyn Includes,
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
    let size = match std::fs::metadata(&candidate.path) {
        Ok(meta) => meta.len(),
        Err(error) => return FileOutcome::problem(rel, format!("cannot read: {error}")),
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
    let bytes = match read_file(&candidate.path, by_name.is_none() && !wanted_by_text) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return FileOutcome::skipped(),
        Err(error) => return FileOutcome::problem(rel, format!("cannot read: {error}")),
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
        directives,
    }
}

/// Reads a certificate, key or keystore file with the passwords the
/// repository gives for it.
fn read_certificate(
    rel: &str,
    path: &Path,
    passwords: &[String],
    max_file_size: u64,
) -> FileOutcome {
    let size = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(error) => return FileOutcome::problem(rel, format!("cannot read: {error}")),
    };
    if size > max_file_size {
        return FileOutcome::problem(
            rel,
            format!("skipped: {size} bytes is over the size limit of {max_file_size} bytes"),
        );
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return FileOutcome::problem(rel, format!("cannot read: {error}")),
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
                certificate: None,
                scanned: true,
                source: keep.then(|| Arc::new(source)),
                extraction,
                directives: Vec::new(),
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
        certificate: None,
        scanned: true,
        source,
        extraction,
        directives: Vec::new(),
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
            derived.notes = vec![format!(
                "the certificate file: {} ({})",
                finding.path, finding.fact.value
            )];
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

    fn loaded(&self) -> Vec<(Arc<str>, Arc<SourceFile>)> {
        self.cache
            .lock()
            .map(|cache| {
                cache
                    .values()
                    .flatten()
                    .map(|s| (Arc::clone(&s.path), Arc::clone(s)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Includes for DiskIncludes {
    fn resolve(&self, from: &SourceFile, target: &str) -> Option<Arc<SourceFile>> {
        for rel in resolve_relative(&from.path, target) {
            if let Ok(cache) = self.cache.lock()
                && let Some(hit) = cache.get(&rel)
            {
                if hit.is_some() {
                    return hit.clone();
                }
                continue;
            }
            let loaded = self.load(&rel);
            if let Ok(mut cache) = self.cache.lock() {
                cache.insert(rel, loaded.clone());
            }
            if loaded.is_some() {
                return loaded;
            }
        }
        None
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
