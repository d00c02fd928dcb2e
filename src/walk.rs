//! The walk: every file under the scanned roots that connlint may read.
//!
//! Built on `ignore`: parallel, honours `.gitignore`, `.ignore` and git's
//! global excludes even outside a git repository, and — unlike its default —
//! visits dot-files and dot-folders (`.github/`, `.gitlab-ci.yml`,
//! `.java-version`), because that is where CI files and version pins live.
//! `.git/` is skipped. Symlinks are never followed out of a root.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::GlobSet;
use ignore::{WalkBuilder, WalkState};

/// A file found by the walk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Path relative to the root, with `/` separators.
    pub rel: String,
    /// Path to open.
    pub path: PathBuf,
}

/// What the walk found under one root.
#[derive(Debug, Default)]
pub struct Walked {
    /// Files, sorted by relative path.
    pub candidates: Vec<Candidate>,
    /// Entries skipped with a reason: `(relative path, message)`.
    pub skipped: Vec<(String, String)>,
}

/// Walks `root` with `threads` threads (0: as many as cores), leaving out
/// paths matching `exclude`; candidates come back sorted.
pub fn walk(root: &Path, exclude: Option<&GlobSet>, threads: usize) -> Walked {
    let candidates = Mutex::new(Vec::new());
    let skipped = visit(root, exclude, threads, &|candidate| {
        if let Ok(mut candidates) = candidates.lock() {
            candidates.push(candidate);
        }
    });
    let mut candidates = candidates
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    candidates.sort();
    Walked {
        candidates,
        skipped,
    }
}

/// Walks `root` and hands every file to `on_file` on the walker's threads
/// as soon as it is found, so reading and extracting overlap the walk.
/// Returns the entries skipped with a reason, sorted.
pub fn visit(
    root: &Path,
    exclude: Option<&GlobSet>,
    threads: usize,
    on_file: &(dyn Fn(Candidate) + Sync),
) -> Vec<(String, String)> {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let found = Mutex::new(Walked::default());
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|entry| entry.file_name() != ".git");
    builder.build_parallel().run(|| {
        let found = &found;
        let canonical_root = &canonical_root;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    if let Ok(mut found) = found.lock() {
                        found
                            .skipped
                            .push((String::new(), format!("cannot walk: {error}")));
                    }
                    return WalkState::Continue;
                }
            };
            let Some(rel) = relative(root, entry.path()) else {
                return WalkState::Continue;
            };
            if exclude.is_some_and(|set| set.is_match(&rel)) {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                return if is_dir {
                    WalkState::Skip
                } else {
                    WalkState::Continue
                };
            }
            let Some(file_type) = entry.file_type() else {
                return WalkState::Continue;
            };
            let outcome = if file_type.is_file() {
                Some(Ok(()))
            } else if file_type.is_symlink() {
                Some(check_symlink(entry.path(), canonical_root))
            } else {
                None
            };
            match outcome {
                Some(Ok(())) => on_file(Candidate {
                    rel,
                    path: entry.path().to_path_buf(),
                }),
                Some(Err(Some(message))) => {
                    if let Ok(mut found) = found.lock() {
                        found.skipped.push((rel, message));
                    }
                }
                Some(Err(None)) | None => {}
            }
            WalkState::Continue
        })
    });
    let mut walked = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    walked.skipped.sort();
    walked.skipped
}

/// The regular files directly in `dir` (not below it), as candidates
/// relative to `root`, honouring `.gitignore` files of `dir` and its
/// parents and leaving out `exclude`; sorted. Symlinks are left out.
pub fn files_in(root: &Path, dir: &Path, exclude: Option<&GlobSet>) -> Vec<Candidate> {
    let mut builder = WalkBuilder::new(dir);
    builder
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .max_depth(Some(1));
    let mut files: Vec<Candidate> = builder
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|entry| {
            let rel = relative(root, entry.path())?;
            (!exclude.is_some_and(|set| set.is_match(&rel))).then(|| Candidate {
                rel,
                path: entry.path().to_path_buf(),
            })
        })
        .collect();
    files.sort();
    files
}

/// A symlink is read only when it points at a file inside the root.
/// `Err(Some(..))` skips it with a note; `Err(None)` skips it quietly (a
/// link to a directory inside the root, which the walk visits anyway).
fn check_symlink(link: &Path, canonical_root: &Path) -> Result<(), Option<String>> {
    let Ok(target) = std::fs::canonicalize(link) else {
        return Err(Some("skipped: broken symlink".to_owned()));
    };
    if !target.starts_with(canonical_root) {
        return Err(Some(
            "skipped: symlink points outside the scanned root".to_owned(),
        ));
    }
    if target.is_file() { Ok(()) } else { Err(None) }
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        return Some(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    }
    Some(parts.join("/"))
}

/// `base/target` (both relative to a root, `/`-separated) with `.` and `..`
/// applied; `None` when the result would leave the root or is empty.
pub fn join_relative(base: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}
