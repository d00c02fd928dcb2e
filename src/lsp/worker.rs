//! The analysis thread: it owns the scanned workspace folders and their
//! rules, extracts what the editor changed, evaluates, and hands back
//! diagnostics. The main loop never waits for it.
//!
//! Tasks are coalesced: when several arrive while one is being analysed,
//! only the latest set of open documents is analysed, with the union of
//! the files that changed, so a burst of keystrokes costs one analysis.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::thread::{self, JoinHandle};

use lsp_types::Uri;

use crate::classify::{self, FileKind};
use crate::rules::load::{self, LoadError, RuleSet, RuleSources};
use crate::scan::{Overlays, ScanOptions, Workspace};
use crate::settings::{CONFIG_FILE, Config, DEFAULT_MAX_FILE_SIZE};
use crate::walk;

use super::diagnostics::{self, Context, Item};
use super::documents::path_to_uri;
use super::position::LineMap;
use super::{ConfigChoice, Options};

/// An open document as the worker sees it.
#[derive(Clone, Debug)]
pub struct DocSnapshot {
    /// The editor's URI.
    pub uri: Uri,
    /// Its file.
    pub path: PathBuf,
    /// The version this text is.
    pub version: i32,
    /// The buffer's text.
    pub text: Arc<str>,
}

/// Work for the thread.
#[derive(Debug)]
pub enum Task {
    /// Scan these workspace folders (once, first).
    Start {
        /// Folder paths.
        roots: Vec<PathBuf>,
    },
    /// Bring diagnostics up to date.
    Analyze {
        /// Every open document (with a `file:` URI), as of now.
        docs: Vec<DocSnapshot>,
        /// Files that changed on disk (saved, or reported by the watcher).
        changed: Vec<PathBuf>,
    },
}

/// What the thread reports.
#[derive(Debug)]
pub enum Output {
    /// Diagnostics of one document; `version` is the document version they
    /// were computed from (`None` for a file that is not open).
    Publish {
        /// The document.
        uri: Uri,
        /// Its version, when open.
        version: Option<i32>,
        /// The diagnostics, with hover text and quick fixes.
        items: Vec<Item>,
    },
    /// A message for the log (a rule set that cannot load).
    Message {
        /// An error (else information).
        error: bool,
        /// Also show it to the user: there is no file to show it in.
        show: bool,
        /// The text.
        text: String,
    },
    /// The config and pack files the rules were loaded from, to watch.
    Watch {
        /// Absolute paths.
        paths: Vec<PathBuf>,
    },
}

/// Starts the thread; it ends when `tasks` is dropped or `events` is gone.
pub fn spawn<E: Send + 'static>(
    options: Arc<Options>,
    tasks: Receiver<Task>,
    events: Sender<E>,
    wrap: fn(Output) -> E,
) -> io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("connlint-lsp-worker".to_owned())
        .spawn(move || {
            let mut worker = Worker {
                options,
                roots: Vec::new(),
                docs: Vec::new(),
                watched: BTreeSet::new(),
                send: &|output| events.send(wrap(output)).is_ok(),
            };
            while let Ok(first) = tasks.recv() {
                let mut batch = vec![first];
                batch.extend(tasks.try_iter());
                let mut latest_docs = None;
                let mut changed = Vec::new();
                for task in batch {
                    match task {
                        Task::Start { roots } => worker.guarded(|w| w.start(roots)),
                        Task::Analyze { docs, changed: c } => {
                            latest_docs = Some(docs);
                            changed.extend(c);
                        }
                    }
                }
                if let Some(docs) = latest_docs {
                    worker.guarded(|w| w.analyze(docs, &changed));
                }
            }
        })
}

struct Worker<'a> {
    options: Arc<Options>,
    /// Workspace folders first, then the parent folders of files opened
    /// outside them.
    roots: Vec<Root>,
    docs: Vec<DocSnapshot>,
    watched: BTreeSet<PathBuf>,
    send: &'a dyn Fn(Output) -> bool,
}

/// One scanned folder.
struct Root {
    dir: PathBuf,
    /// A workspace folder (walked), or the folder of a loose file (only
    /// open files are read).
    walked: bool,
    /// The last rules that loaded (built-in packs with defaults before any did).
    rules: Arc<RuleSet>,
    /// Why the current config or packs do not load.
    error: Option<LoadError>,
    /// Files that got a load error diagnostic, to clear when fixed.
    error_files: BTreeSet<PathBuf>,
    workspace: Workspace,
}

impl Worker<'_> {
    /// Runs `work`; a panic in it (a bug) is reported to the user and the
    /// thread goes on with the next task.
    fn guarded(&mut self, work: impl FnOnce(&mut Self)) {
        if catch_unwind(AssertUnwindSafe(|| work(self))).is_err() {
            (self.send)(Output::Message {
                error: true,
                show: true,
                text: "connlint: internal error while analysing; diagnostics may be stale (please report it)".to_owned(),
            });
        }
    }

    fn start(&mut self, roots: Vec<PathBuf>) {
        for dir in roots {
            let dir = canonical(&dir);
            if dir.is_dir() && !self.roots.iter().any(|r| r.dir == dir) {
                let root = self.new_root(dir, true);
                self.roots.push(root);
                // A config or pack broken from the start shows in its file.
                if self.roots[self.roots.len() - 1].error.is_some() {
                    self.publish(self.roots.len() - 1);
                }
            }
        }
        self.report_watch();
    }

    fn analyze(&mut self, docs: Vec<DocSnapshot>, changed: &[PathBuf]) {
        let docs: Vec<DocSnapshot> = docs
            .into_iter()
            .map(|mut doc| {
                doc.path = canonical(&doc.path);
                doc
            })
            .collect();
        let mut changed: Vec<PathBuf> = changed.iter().map(|p| canonical(p)).collect();
        for doc in &docs {
            let before = self.docs.iter().find(|d| d.path == doc.path);
            if before.is_none_or(|d| d.version != doc.version || d.text != doc.text) {
                changed.push(doc.path.clone());
            }
        }
        for before in &self.docs {
            if !docs.iter().any(|d| d.path == before.path) {
                changed.push(before.path.clone());
            }
        }
        changed.sort();
        changed.dedup();
        self.docs = docs;
        let mut dirty = vec![false; self.roots.len()];
        for doc in self.docs.clone() {
            if self.deepest_root(&doc.path).is_none()
                && let Some(parent) = doc.path.parent()
            {
                let root = self.new_root(parent.to_path_buf(), false);
                self.roots.push(root);
                dirty.push(true);
            }
        }
        let mut watch_changed = false;
        for (i, dirty) in dirty.iter_mut().enumerate() {
            let rule_input = changed.iter().any(|p| self.is_rule_input(i, p));
            if rule_input && self.reload(i) {
                *dirty = true;
                watch_changed = true;
                continue;
            }
            *dirty |= rule_input;
            let rels: Vec<String> = changed
                .iter()
                .filter_map(|p| relative(&self.roots[i].dir, p))
                .collect();
            if !rels.is_empty() {
                let overlays = self.overlays(&self.roots[i].dir);
                let root = &mut self.roots[i];
                let rules = Arc::clone(&root.rules);
                let options = scan_options(&rules, &self.options);
                root.workspace.refresh(&rels, &options, &overlays);
                *dirty = true;
            }
        }
        if watch_changed {
            self.report_watch();
        }
        for (i, dirty) in dirty.into_iter().enumerate() {
            if dirty {
                self.publish(i);
            }
        }
    }

    /// A root over `dir` with its rules loaded and its files extracted.
    fn new_root(&self, dir: PathBuf, walked: bool) -> Root {
        let (rules, error) = match self.load_rules(&dir) {
            Ok(set) => (set, None),
            Err(error) => {
                self.tell(&dir, &error);
                (self.fallback_rules(), Some(error))
            }
        };
        let rules = Arc::new(rules);
        let workspace = self.build_workspace(&dir, walked, &rules);
        Root {
            dir,
            walked,
            rules,
            error,
            error_files: BTreeSet::new(),
            workspace,
        }
    }

    /// Loads the rules of root `i` again; on success the root is scanned
    /// again (the config decides excludes, extractors and text rules).
    /// Returns whether the rules changed.
    fn reload(&mut self, i: usize) -> bool {
        let dir = self.roots[i].dir.clone();
        match self.load_rules(&dir) {
            Ok(set) => {
                let rules = Arc::new(set);
                let workspace = self.build_workspace(&dir, self.roots[i].walked, &rules);
                let root = &mut self.roots[i];
                root.rules = rules;
                root.workspace = workspace;
                root.error = None;
                true
            }
            Err(error) => {
                self.tell(&dir, &error);
                self.roots[i].error = Some(error);
                false
            }
        }
    }

    fn load_rules(&self, dir: &Path) -> Result<RuleSet, LoadError> {
        let config = self.config_path(dir);
        let read = |path: &Path| self.read(path);
        let sources = RuleSources {
            config: config.as_deref(),
            extra_packs: &self.options.extra_packs,
            builtin: self.options.builtin,
        };
        let set = load::load(sources, &read)?;
        // Unknown names in the config or the command line are errors too.
        load::active_rules(&set, &self.options.select, &self.options.ignore, &read)?;
        Ok(set)
    }

    /// The rules used before any user rule set loaded: the built-in packs
    /// (if enabled) with the default configuration.
    fn fallback_rules(&self) -> RuleSet {
        let sources = RuleSources {
            config: None,
            extra_packs: &[],
            builtin: self.options.builtin,
        };
        load::load(sources, &|path| std::fs::read_to_string(path)).unwrap_or_default()
    }

    fn config_path(&self, dir: &Path) -> Option<PathBuf> {
        match &self.options.config {
            ConfigChoice::Nearest => Config::find(dir),
            ConfigChoice::File(path) => Some(path.clone()),
            ConfigChoice::Ignore => None,
        }
    }

    /// Whether `path` is one root `i`'s rules are loaded from (or could
    /// be: a new `.connlint.toml` at or above the root, a pack in a pack
    /// directory).
    fn is_rule_input(&self, i: usize, path: &Path) -> bool {
        let root = &self.roots[i];
        if root.rules.inputs.iter().any(|p| same_file(p, path)) {
            return true;
        }
        if let Some(LoadError::File { path: Some(p), .. }) = &root.error
            && same_file(p, path)
        {
            return true;
        }
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        let pack_dirs = root
            .rules
            .config
            .rule_packs
            .iter()
            .chain(&self.options.extra_packs);
        if is_toml
            && pack_dirs
                .into_iter()
                .any(|d| path.starts_with(canonical(d)))
        {
            return true;
        }
        let is_config = path.file_name().is_some_and(|n| n == CONFIG_FILE);
        is_config
            && matches!(self.options.config, ConfigChoice::Nearest)
            && path.parent().is_some_and(|p| root.dir.starts_with(p))
    }

    fn build_workspace(&self, dir: &Path, walked: bool, rules: &RuleSet) -> Workspace {
        let options = scan_options(rules, &self.options);
        let overlays = self.overlays(dir);
        if walked {
            Workspace::walk(dir, &options, &overlays)
        } else {
            let candidates = self
                .docs
                .iter()
                .filter_map(|doc| {
                    Some(walk::Candidate {
                        rel: relative(dir, &doc.path)?,
                        path: doc.path.clone(),
                    })
                })
                .collect();
            Workspace::with_files(dir, candidates, Vec::new(), &options, &overlays)
        }
    }

    /// The open documents under `dir`, by path relative to it.
    fn overlays(&self, dir: &Path) -> Overlays {
        let mut overlays = Overlays::new();
        for doc in &self.docs {
            if let Some(rel) = relative(dir, &doc.path) {
                overlays.insert(rel, Arc::clone(&doc.text));
            }
        }
        overlays
    }

    /// A file's text: its open buffer, else the disk.
    fn read(&self, path: &Path) -> io::Result<String> {
        if let Some(doc) = self.docs.iter().find(|d| same_file(&d.path, path)) {
            let text = doc.text.strip_prefix('\u{feff}').unwrap_or(&doc.text);
            return Ok(text.to_owned());
        }
        std::fs::read_to_string(path)
    }

    /// The root a file belongs to: the deepest folder holding it.
    fn deepest_root(&self, path: &Path) -> Option<usize> {
        self.roots
            .iter()
            .enumerate()
            .filter(|(_, r)| path.starts_with(&r.dir))
            .max_by_key(|(_, r)| r.dir.components().count())
            .map(|(i, _)| i)
    }

    /// Evaluates root `i` and publishes the diagnostics of its open
    /// documents, and of the config or pack files that do not load.
    fn publish(&mut self, i: usize) {
        let root = &self.roots[i];
        let options = scan_options(&root.rules, &self.options);
        let overlays = self.overlays(&root.dir);
        let scan = root.workspace.scan(&options, &overlays);
        let open_text = |path: &Path| {
            self.docs
                .iter()
                .find(|d| d.path == path)
                .map(|d| Arc::clone(&d.text))
        };
        let mut files: BTreeMap<PathBuf, (Option<&DocSnapshot>, Vec<Item>)> = BTreeMap::new();
        for doc in &self.docs {
            if self.deepest_root(&doc.path) != Some(i) {
                continue;
            }
            let Some(rel) = relative(&root.dir, &doc.path) else {
                continue;
            };
            let map = LineMap::new(&doc.text);
            let kind = file_kind(&root.rules.config, &rel, &doc.text);
            let context = Context {
                uri: &doc.uri,
                map: &map,
                kind,
                root: &root.dir,
                scan: &scan,
                open_text: &open_text,
            };
            let mut items: Vec<Item> = scan
                .findings
                .iter()
                .filter(|f| *f.path == *rel)
                .map(|f| {
                    diagnostics::finding_item(&context, f, load::find_rule(&root.rules, &f.rule))
                })
                .collect();
            items.extend(
                scan.problems
                    .iter()
                    .filter(|p| *p.path == *rel)
                    .map(|p| diagnostics::problem_item(&map, p)),
            );
            // A config or pack open in the editor that does not load.
            for error_item in self.load_error_items(&doc.path) {
                if !items.contains(&error_item) {
                    items.push(error_item);
                }
            }
            files.insert(doc.path.clone(), (Some(doc), items));
        }
        let mut error_files = BTreeSet::new();
        if let Some(path) = self.load_error_file(i) {
            let items = self.load_error_items(&path);
            error_files.insert(path.clone());
            files.entry(path).or_insert((None, items));
        }
        for path in &root.error_files {
            files.entry(path.clone()).or_insert((None, Vec::new()));
        }
        for (path, (doc, items)) in files {
            let (uri, version) = match doc {
                Some(doc) => (Some(doc.uri.clone()), Some(doc.version)),
                None => match self.docs.iter().find(|d| d.path == path) {
                    // Open, but another root publishes it.
                    Some(_) => continue,
                    None => (path_to_uri(&path), None),
                },
            };
            if let Some(uri) = uri {
                (self.send)(Output::Publish {
                    uri,
                    version,
                    items,
                });
            }
        }
        self.roots[i].error_files = error_files;
    }

    /// The file root `i`'s load error points into (the config for an
    /// error that names no file).
    fn load_error_file(&self, i: usize) -> Option<PathBuf> {
        let root = &self.roots[i];
        match root.error.as_ref()? {
            LoadError::File {
                path: Some(path), ..
            } => Some(canonical(path)),
            LoadError::File { path: None, .. } | LoadError::Usage(_) => {
                self.config_path(&root.dir).map(|p| canonical(&p))
            }
        }
    }

    /// The load-error diagnostics of every root that point into `path`.
    fn load_error_items(&self, path: &Path) -> Vec<Item> {
        let mut items: Vec<Item> = Vec::new();
        for i in 0..self.roots.len() {
            if self.load_error_file(i).as_deref() != Some(path) {
                continue;
            }
            let item = match &self.roots[i].error {
                Some(LoadError::File {
                    path: Some(_),
                    error,
                }) => diagnostics::file_error_item(&self.read(path).unwrap_or_default(), error),
                Some(LoadError::File { path: None, error }) => {
                    diagnostics::message_item(&error.to_string())
                }
                Some(LoadError::Usage(message)) => diagnostics::message_item(message),
                None => continue,
            };
            if !items.contains(&item) {
                items.push(item);
            }
        }
        items
    }

    /// Logs a load error of the root at `dir`; shows it to the user only
    /// when no file can carry it as a diagnostic.
    fn tell(&self, dir: &Path, error: &LoadError) {
        let has_file = match error {
            LoadError::File { path: Some(_), .. } => true,
            LoadError::File { path: None, .. } | LoadError::Usage(_) => {
                self.config_path(dir).is_some()
            }
        };
        (self.send)(Output::Message {
            error: true,
            show: !has_file,
            text: format!("connlint: the rules did not load: {error}"),
        });
    }

    /// Reports the rule inputs when they changed.
    fn report_watch(&mut self) {
        let mut paths = BTreeSet::new();
        for root in &self.roots {
            paths.extend(root.rules.inputs.iter().cloned());
            if let Some(config) = self.config_path(&root.dir) {
                paths.insert(config);
            }
        }
        if paths != self.watched {
            self.watched.clone_from(&paths);
            (self.send)(Output::Watch {
                paths: paths.into_iter().collect(),
            });
        }
    }
}

/// The scan options of a rule set under the server's options.
fn scan_options<'a>(rules: &'a RuleSet, options: &Options) -> ScanOptions<'a> {
    // The set was checked when it loaded, so the selection resolves.
    let active = load::active_rules(rules, &options.select, &options.ignore, &|path| {
        std::fs::read_to_string(path)
    })
    .unwrap_or_default();
    ScanOptions {
        paths: Vec::new(),
        config: &rules.config,
        packs: &rules.packs,
        rules: active,
        as_of: options
            .as_of
            .unwrap_or_else(|| time::OffsetDateTime::now_utc().date()),
        jobs: 0,
        max_file_size: options
            .max_file_size
            .or(rules.config.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        allow_outside: options.allow_outside,
        // Editors show what CI reports: comments suppress there too.
        inline_ignores: true,
    }
}

/// How connlint reads a file: the config's mapping, its name, its shebang.
fn file_kind(config: &Config, rel: &str, text: &str) -> Option<FileKind> {
    config
        .extractor_for(rel)
        .or_else(|| classify::by_name(Path::new(rel)))
        .or_else(|| {
            let head = &text.as_bytes()[..text.len().min(256)];
            classify::by_content(Path::new(rel), head)
        })
}

/// `path` relative to `dir` with `/`, when it is inside it.
fn relative(dir: &Path, path: &Path) -> Option<String> {
    if !path.starts_with(dir) || path == dir {
        return None;
    }
    walk::relative(dir, path)
}

/// The canonical form of a path; for a file that no longer exists, its
/// canonical folder joined with its name.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(path) = std::fs::canonicalize(path) {
        return path;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map_or_else(|_| path.to_path_buf(), |parent| parent.join(name)),
        _ => path.to_path_buf(),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || canonical(a) == canonical(b)
}
