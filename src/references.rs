//! Certificate references: the paths configs name (`-certificate`,
//! `-keystore`, `javax.net.ssl.keyStore`, Mule key stores, ...) resolved
//! against the repository, and the passwords written for those files.
//!
//! A relative path resolves against the directory of the file it is
//! written in, then of the job that uses it, then the scan root; the first
//! that exists wins. Absolute paths inside the root resolve too; anything
//! else is `outside` and is never read unless the user allows it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::facts::{Fact, FactKind};
use crate::source::SourceFile;
use crate::walk;

/// A file a reference points at, inside the root (or outside, when the
/// user allows reading there).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// The path shown in reports: relative to the root, or absolute when outside.
    pub rel: String,
    /// The path to open.
    pub path: PathBuf,
}

/// Sets `resolved` and `exists` on every `cert.reference` fact and returns
/// the files they point at that exist (inside the root, or outside when
/// `allow_outside`).
pub fn resolve(facts: &mut [Fact], root: &Path, allow_outside: bool) -> Vec<Target> {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut targets = BTreeSet::new();
    for fact in facts
        .iter_mut()
        .filter(|f| f.kind == FactKind::CertReference)
    {
        if fact.attr("unresolved").is_some() {
            continue;
        }
        let written = fact.value.replace('\\', "/");
        let absolute = written.starts_with('/') || written.as_bytes().get(1) == Some(&b':');
        if absolute {
            let path = PathBuf::from(&fact.value);
            let inside = std::fs::canonicalize(&path).ok().and_then(|c| {
                c.strip_prefix(&canonical_root)
                    .ok()
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
            });
            if let Some(rel) = inside {
                fact.attributes.insert("resolved", rel.clone());
                fact.attributes.insert("exists", "true");
                targets.insert(Target { rel, path });
            } else {
                fact.attributes.insert("resolved", "outside");
                if allow_outside && path.is_file() {
                    fact.attributes.insert("exists", "true");
                    targets.insert(Target {
                        rel: fact.value.clone(),
                        path,
                    });
                }
            }
            continue;
        }
        let candidates = candidates(&written, &fact.path, &fact.origin);
        let found = candidates.iter().find(|rel| root.join(rel).is_file());
        match found {
            Some(rel) => {
                let path = root.join(rel);
                let escapes =
                    std::fs::canonicalize(&path).map_or(true, |c| !c.starts_with(&canonical_root));
                if escapes && !allow_outside {
                    // A symlink out of the root: not read.
                    fact.attributes.insert("resolved", "outside");
                    continue;
                }
                fact.attributes.insert("resolved", rel.clone());
                fact.attributes.insert("exists", "true");
                targets.insert(Target {
                    rel: rel.clone(),
                    path,
                });
            }
            None => {
                if let Some(first) = candidates.first() {
                    fact.attributes.insert("resolved", first.clone());
                    // A gitignored path is kept out on purpose, not missing.
                    let exists = if is_gitignored(root, first) {
                        "ignored"
                    } else {
                        "false"
                    };
                    fact.attributes.insert("exists", exists);
                } else {
                    fact.attributes.insert("resolved", "outside");
                }
            }
        }
    }
    targets.into_iter().collect()
}

/// Whether `.gitignore` files at the root or in a directory above `rel`
/// ignore it (the deepest file that decides wins, as in git).
pub(crate) fn is_gitignored(root: &Path, rel: &str) -> bool {
    let path = root.join(rel);
    let mut ignored = false;
    let mut dir = root.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in std::iter::once("").chain(parts.iter().take(parts.len().saturating_sub(1)).copied())
    {
        if !part.is_empty() {
            dir.push(part);
        }
        let file = dir.join(".gitignore");
        if !file.is_file() {
            continue;
        }
        let mut builder = ignore::gitignore::GitignoreBuilder::new(&dir);
        if builder.add(&file).is_some() {
            continue;
        }
        if let Ok(matcher) = builder.build() {
            match matcher.matched_path_or_any_parents(&path, false) {
                ignore::Match::Ignore(_) => ignored = true,
                ignore::Match::Whitelist(_) => ignored = false,
                ignore::Match::None => {}
            }
        }
    }
    ignored
}

/// Resolves the relative `cert.reference` facts against files held in
/// memory (rule examples, editor buffers); absolute paths are `outside`.
pub fn resolve_in_memory(facts: &mut [Fact], files: &[&str]) {
    for fact in facts
        .iter_mut()
        .filter(|f| f.kind == FactKind::CertReference)
    {
        if fact.attr("unresolved").is_some() {
            continue;
        }
        let written = fact.value.replace('\\', "/");
        if written.starts_with('/') || written.as_bytes().get(1) == Some(&b':') {
            fact.attributes.insert("resolved", "outside");
            continue;
        }
        let candidates = candidates(&written, &fact.path, &fact.origin);
        if let Some(rel) = candidates.iter().find(|rel| files.contains(&rel.as_str())) {
            fact.attributes.insert("resolved", rel.clone());
            fact.attributes.insert("exists", "true");
        } else {
            let first = candidates
                .first()
                .cloned()
                .unwrap_or_else(|| "outside".to_owned());
            let exists = if first == "outside" {
                None
            } else {
                Some("false")
            };
            fact.attributes.insert("resolved", first);
            if let Some(exists) = exists {
                fact.attributes.insert("exists", exists);
            }
        }
    }
}

/// Relative paths (from the root) that `written` may mean, in order: next
/// to the file it is written in, next to the job using it, at the root.
fn candidates(written: &str, path: &str, origin: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Maven and Mule projects load stores from the classpath:
    // `src/main/resources/` of the project the config belongs to.
    let resources = path
        .find("src/main/")
        .map(|at| format!("{}src/main/resources", &path[..at]));
    let bases = [
        Some(directory(path)),
        Some(directory(origin)),
        resources.as_deref(),
        Some(""),
    ];
    for base in bases.into_iter().flatten() {
        if let Some(rel) = walk::join_relative(base, written)
            && !out.contains(&rel)
        {
            out.push(rel);
        }
    }
    out
}

fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Marks every certificate and key fact read from a file that a reference
/// points at with the product of that reference (`used_by_product`) and
/// the job (`used_by`), so rules can judge a certificate by who uses it.
pub fn link_certificates(facts: &mut [Fact]) {
    let mut users: BTreeMap<String, (String, String)> = BTreeMap::new();
    for fact in facts.iter().filter(|f| f.kind == FactKind::CertReference) {
        if let Some(resolved) = fact.attr("resolved").filter(|r| *r != "outside") {
            let product = fact.attr("product").unwrap_or("").to_owned();
            let entry = users
                .entry(resolved.to_owned())
                .or_insert_with(|| (product.clone(), fact.origin.to_string()));
            if entry.0.is_empty() {
                entry.0 = product;
            }
        }
    }
    for fact in facts
        .iter_mut()
        .filter(|f| matches!(f.kind, FactKind::Certificate | FactKind::PrivateKey))
    {
        if let Some((product, origin)) = users.get(&*fact.path) {
            if !product.is_empty() {
                fact.attributes.insert("used_by_product", product.clone());
            }
            fact.attributes.insert("used_by", origin.clone());
        }
    }
}

/// An encrypted key or keystore whose password the repository also holds
/// is as exposed as an unencrypted one.
pub fn mark_password_found(facts: &mut [Fact]) {
    for fact in facts
        .iter_mut()
        .filter(|f| f.kind == FactKind::PrivateKey && f.value == "encrypted")
    {
        fact.attributes
            .insert_default("password", "found-in-repository");
    }
}

/// Passwords written in the repository for the file `rel`: the secrets of
/// every job (origin) that references it, read from the source text at
/// their spans. Used to open PKCS#12 stores; never printed.
pub fn passwords_for(
    rel: &str,
    facts: &[Fact],
    sources: &BTreeMap<Arc<str>, Arc<SourceFile>>,
) -> Vec<String> {
    let origins: BTreeSet<&str> = facts
        .iter()
        .filter(|f| f.kind == FactKind::CertReference && f.attr("resolved") == Some(rel))
        .map(|f| &*f.origin)
        .collect();
    let mut passwords = Vec::new();
    for secret in facts
        .iter()
        .filter(|f| f.kind == FactKind::Secret && origins.contains(&*f.origin))
    {
        let Some(text) = sources
            .get(&secret.path)
            .and_then(|s| s.text.get(secret.span.range()))
        else {
            continue;
        };
        let password = text.trim_matches(['"', '\'']).to_owned();
        if !passwords.contains(&password) {
            passwords.push(password);
        }
    }
    passwords
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn reference(value: &str, path: &str, origin: &str) -> Fact {
        let path: Arc<str> = Arc::from(path);
        let mut fact = Fact::new(
            FactKind::CertReference,
            value,
            &path,
            Span::new(0, value.len()),
        );
        fact.origin = Arc::from(origin);
        fact
    }

    #[test]
    fn relative_references_resolve_next_to_the_file_then_the_job_then_the_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("jobs/certs")).unwrap();
        std::fs::create_dir_all(dir.path().join("shared")).unwrap();
        std::fs::write(dir.path().join("jobs/certs/client.pem"), "x").unwrap();
        std::fs::write(dir.path().join("shared/ca.pem"), "x").unwrap();
        std::fs::write(dir.path().join(".gitignore"), "secrets/\n").unwrap();
        std::fs::create_dir_all(dir.path().join("app/src/main/resources")).unwrap();
        std::fs::write(
            dir.path().join("app/src/main/resources/truststore.jks"),
            "x",
        )
        .unwrap();
        let mut facts = vec![
            reference("./certs/client.pem", "jobs/config/env.sh", "jobs/run.sh"),
            reference("shared/ca.pem", "jobs/run.sh", "jobs/run.sh"),
            reference("certs/missing.pem", "jobs/run.sh", "jobs/run.sh"),
            reference("/etc/ssl/private/corp.pem", "jobs/run.sh", "jobs/run.sh"),
            reference("../../../etc/passwd", "run.sh", "run.sh"),
            reference(
                "truststore.jks",
                "app/src/main/mule/sync.xml",
                "app/src/main/mule/sync.xml",
            ),
            reference("secrets/ca.pem", "run.sh", "run.sh"),
        ];
        let targets = resolve(&mut facts, dir.path(), false);
        let resolved: Vec<(Option<&str>, Option<&str>)> = facts
            .iter()
            .map(|f| (f.attr("resolved"), f.attr("exists")))
            .collect();
        assert_eq!(
            resolved,
            [
                (Some("jobs/certs/client.pem"), Some("true")),
                (Some("shared/ca.pem"), Some("true")),
                (Some("jobs/certs/missing.pem"), Some("false")),
                (Some("outside"), None),
                (Some("outside"), None),
                (Some("app/src/main/resources/truststore.jks"), Some("true")),
                (Some("secrets/ca.pem"), Some("ignored")),
            ]
        );
        let rels: Vec<&str> = targets.iter().map(|t| t.rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "app/src/main/resources/truststore.jks",
                "jobs/certs/client.pem",
                "shared/ca.pem"
            ]
        );
    }
}
