//! Every built-in rule: its examples pass, and it is complete (a firing and
//! a quiet example, help, url).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use connlint::rules::compile::compile_pack;
use connlint::rules::selftest::run_examples;
use connlint::rules::{BUILTIN_PACKS, CompiledPack};

fn packs() -> Vec<CompiledPack> {
    BUILTIN_PACKS
        .iter()
        .map(|(name, text)| compile_pack(name, text).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

#[test]
fn builtin_rule_examples_pass() {
    let packs = packs();
    let mut failures = Vec::new();
    let mut count = 0;
    for pack in &packs {
        for rule in &pack.rules {
            for result in run_examples(rule, &packs, today()) {
                count += 1;
                if !result.verdict.passed() {
                    failures.push(format!(
                        "{} example {} ({}): {:?}",
                        result.rule,
                        result.index,
                        result.name.as_deref().unwrap_or("-"),
                        result.verdict
                    ));
                }
            }
        }
    }
    assert!(count > 20, "only {count} examples");
    assert!(
        failures.is_empty(),
        "{} failing examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_builtin_rule_is_complete() {
    let mut problems = Vec::new();
    for pack in packs() {
        for rule in &pack.rules {
            let fires = rule.examples.iter().any(|e| !e.expect.is_empty());
            let quiet = rule.examples.iter().any(|e| e.expect.is_empty());
            if !fires {
                problems.push(format!("{}: no example that fires", rule.id));
            }
            if !quiet {
                problems.push(format!("{}: no quiet example", rule.id));
            }
            if rule.help.as_deref().is_none_or(str::is_empty) {
                problems.push(format!("{}: no help", rule.id));
            }
            // connlint's own rules have no public page: README explains them.
            if !rule.is_meta()
                && rule
                    .url
                    .as_deref()
                    .is_none_or(|u| !u.starts_with("https://"))
            {
                problems.push(format!("{}: no https url", rule.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_pack_in_rules_is_built_in() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|x| x == "toml"))
        .map(|path| format!("rules/{}", path.file_name().unwrap().to_string_lossy()))
        .collect();
    on_disk.sort();
    let mut built_in: Vec<String> = BUILTIN_PACKS
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    built_in.sort();
    assert_eq!(
        on_disk, built_in,
        "add new packs to BUILTIN_PACKS in src/rules/mod.rs"
    );
}
