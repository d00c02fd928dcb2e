//! Markdown pages for rules: one page per rule (`docs/rules/<id>.md`) and an
//! index, generated from the packs by `connlint docs` so that the pages can
//! never say something the rule does not do.

use std::fmt::Write as _;

use crate::classify;
use crate::rules::compile::{CompiledPack, Rule};
use crate::rules::schema::{ExampleSpec, ExpectSpec};
use crate::suppress::{self, CommentSyntax};

/// The page of one rule.
pub fn page(rule: &Rule) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", rule.id);
    let _ = writeln!(md, "**{}**\n", rule.title);
    md.push_str("| | |\n|---|---|\n");
    let _ = writeln!(md, "| Pack | `{}` |", rule.pack);
    let _ = writeln!(md, "| Severity | {} |", rule.severity.name());
    if let Some(since) = rule.since {
        let _ = writeln!(
            md,
            "| Since | {since} (before this date a finding is one level lower and marked upcoming) |"
        );
    }
    if !rule.tags.is_empty() {
        let tags: Vec<String> = rule.tags.iter().map(|t| format!("`{t}`")).collect();
        let _ = writeln!(md, "| Tags | {} |", tags.join(", "));
    }
    if let Some(url) = &rule.url {
        let _ = writeln!(md, "| Source | <{url}> |");
    }
    let _ = writeln!(
        md,
        "\n## What it checks\n\n{}.",
        escape_cell(&rule.summary())
    );
    if let Some(description) = &rule.description {
        let _ = writeln!(md, "\n{}", description.trim());
    }
    let _ = writeln!(md, "\n## Message\n\n> {}", rule.message_source.trim());
    if let Some(help) = &rule.help {
        let _ = writeln!(md, "\n## Fix\n\n{}", help.trim());
    }
    if rule.is_meta() {
        let _ = writeln!(
            md,
            "\n## Turning it off\n\nconnlint's own findings cannot be suppressed inline. In `.connlint.toml`:\n\n\
             ```toml\ndisable = [\"{}\"]\n```",
            rule.id
        );
    } else {
        let (language, comment) = suppression_comment(rule);
        let _ = writeln!(
            md,
            "\n## Suppressing it\n\nIn a comment on the line (or the line above), with the reason:\n\n\
             ```{language}\n{comment}\n```\n\n\
             Or in `.connlint.toml`, for whole paths:\n\n\
             ```toml\n[[ignore]]\nrules = [\"{}\"]\npaths = [\"legacy/**\"]\nreason = \"...\"\n```",
            rule.id
        );
    }
    if !rule.examples.is_empty() {
        md.push_str("\n## Examples\n");
        for example in &rule.examples {
            write_example(&mut md, example);
        }
    }
    let _ = writeln!(
        md,
        "\n---\n*Generated from the `{}` pack by `connlint docs`; edit the pack, not this page.*",
        rule.pack
    );
    md
}

/// The index page: every rule by pack.
pub fn index(packs: &[CompiledPack]) -> String {
    let mut md = String::from("# Rules\n\n");
    let total: usize = packs.iter().map(|p| p.rules.len()).sum();
    let _ = writeln!(
        md,
        "{total} rules in {} packs. `connlint explain ID` prints the same text in the terminal.",
        packs.len()
    );
    for pack in packs {
        let _ = writeln!(md, "\n## {}\n", pack.name);
        if let Some(description) = &pack.description {
            let _ = writeln!(md, "{}\n", description.trim());
        }
        md.push_str("| Rule | Severity | Since | Title |\n|---|---|---|---|\n");
        for rule in &pack.rules {
            let since = rule.since.map_or_else(|| "-".to_owned(), |d| d.to_string());
            let _ = writeln!(
                md,
                "| [`{id}`]({id}.md) | {} | {since} | {} |",
                rule.severity.name(),
                escape_cell(&rule.title),
                id = rule.id,
            );
        }
    }
    md.push_str("\n---\n*Generated from the packs by `connlint docs`.*\n");
    md
}

/// An inline suppression of `rule` in the comment syntax of its first
/// example's file (`#` when it has none), and the fence language.
fn suppression_comment(rule: &Rule) -> (&'static str, String) {
    let path = rule
        .examples
        .iter()
        .flat_map(ExampleSpec::file_texts)
        .map(|(path, _)| path)
        .next()
        .unwrap_or("run.sh");
    let syntax = classify::by_name(std::path::Path::new(path)).and_then(suppress::comment_syntax);
    let directive = format!("connlint: ignore[{}] why this is accepted", rule.id);
    match syntax {
        Some(syntax) if !syntax.line.is_empty() => {
            (language(path), format!("{} {directive}", syntax.line[0]))
        }
        Some(CommentSyntax {
            block: Some((open, close)),
            ..
        }) => (language(path), format!("{open} {directive} {close}")),
        _ => ("sh", format!("# {directive}")),
    }
}

fn write_example(md: &mut String, example: &ExampleSpec) {
    let verdict = if example.expect.is_empty() {
        "Stays quiet"
    } else {
        "Fires"
    };
    match &example.name {
        Some(name) => {
            let _ = writeln!(md, "\n### {verdict}: {name}");
        }
        None => {
            let _ = writeln!(md, "\n### {verdict}");
        }
    }
    if let Some(as_of) = &example.as_of {
        let _ = writeln!(md, "\nAs of {as_of}.");
    }
    for (path, content) in example.file_texts() {
        let fence = fence_for(content);
        let _ = writeln!(
            md,
            "\n`{path}`\n\n{fence}{}\n{}\n{fence}",
            language(path),
            content.trim_end().replace('\r', "")
        );
    }
    if !example.expect.is_empty() {
        md.push_str("\nFindings, at the text they point to:\n\n");
        for expect in &example.expect {
            let (text, place) = match expect {
                ExpectSpec::Text(text) => (text.as_str(), String::new()),
                ExpectSpec::At { text, path, line } => {
                    let mut place = String::new();
                    if let Some(path) = path {
                        let _ = write!(place, " in `{path}`");
                    }
                    if let Some(line) = line {
                        let _ = write!(place, " line {line}");
                    }
                    (text.as_str(), place)
                }
            };
            let _ = writeln!(md, "- {}{place}", inline_code(text));
        }
    }
}

/// A code fence longer than any backtick run inside the text.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Inline code that survives backticks in the text.
fn inline_code(text: &str) -> String {
    let ticks = "`".repeat(text.split(|c| c != '`').map(str::len).max().unwrap_or(0) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The fence language for an example file, for syntax highlighting.
fn language(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        _ if name.starts_with("dockerfile") || name.ends_with(".dockerfile") => "dockerfile",
        "sh" | "bash" | "ksh" => "sh",
        "bat" | "cmd" => "bat",
        "ps1" | "psm1" => "powershell",
        "xml" | "config" | "csproj" | "vbproj" | "pom" | "wsdl" => "xml",
        "yml" | "yaml" => "yaml",
        "json" => "json",
        "toml" => "toml",
        "properties" | "conf" | "cnf" | "vmoptions" => "properties",
        "java" => "java",
        "kt" | "kts" => "kotlin",
        "gradle" | "groovy" => "groovy",
        "cs" => "csharp",
        "py" => "python",
        "js" | "mjs" | "cjs" | "ts" => "javascript",
        "reg" => "ini",
        "pem" | "crt" | "cer" => "text",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks_in_the_text() {
        assert_eq!(fence_for("plain"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
        assert_eq!(inline_code("x"), "`x`");
        assert_eq!(inline_code("a`b"), "``a`b``");
        assert_eq!(inline_code("`a"), "`` `a ``");
    }

    #[test]
    fn languages_follow_file_names() {
        assert_eq!(language("jobs/run.sh"), "sh");
        assert_eq!(language("Dockerfile"), "dockerfile");
        assert_eq!(language("ops/Dockerfile.prod"), "dockerfile");
        assert_eq!(language("app/web.config"), "xml");
        assert_eq!(language("README"), "");
    }
}
