//! Version pin files: `.java-version` (jenv and others), asdf/mise
//! `.tool-versions` and SDKMAN! `.sdkmanrc`.
//!
//! Each names a Java build as a tool manager spells it: a distribution and
//! a version (`temurin-17.0.2+8`, `8.0.302-tem`, `zulu-8.52.0.23`). The fact
//! value is the Java version part only, located exactly; where a
//! distribution numbers its builds its own way, the value is what that
//! number means in Java terms (see [`java_in_token`]).

use std::ops::Range;
use std::sync::Arc;

use crate::classify::FileKind;
use crate::extract::{fact_from_clue, java};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;
use crate::version::Version;

/// Extracts the `java.version` facts of a version pin file of `kind`
/// (source `java-version`, `tool-versions` or `sdkman`). Other kinds have
/// none.
pub fn extract(kind: FileKind, source: &SourceFile) -> Extraction {
    let mut out = Extraction::default();
    match kind {
        FileKind::JavaVersion => java_version_file(source, &mut out),
        FileKind::ToolVersions => tool_versions(source, &mut out),
        FileKind::Sdkmanrc => sdkmanrc(source, &mut out),
        _ => {}
    }
    out
}

/// The Java release a Corretto version number stands for, in a spelling
/// [`Version::parse_java`] orders correctly, or `None` when the number is
/// already a Java version.
///
/// Corretto 8 numbers `8.<update>.<build>.<revision>`: `8.392.08.1` is
/// 8u392 build 8, and read as dotted it would sort above `8u400`, so it
/// becomes `8u392-b08`. Corretto 11 and later append build and revision to
/// the Java version: `11.0.21.9.1` is `11.0.21+9`.
pub(crate) fn corretto_version(written: &str) -> Option<String> {
    let parts: Vec<&str> = written.split('.').collect();
    if !parts
        .iter()
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    match parts.as_slice() {
        ["8", update, build, ..] if *update != "0" => Some(format!("8u{update}-b{build}")),
        ["8", update] if *update != "0" => Some(format!("8u{update}")),
        [feature, interim, update, build, ..] if !matches!(*feature, "1" | "8") => {
            Some(format!("{feature}.{interim}.{update}+{build}"))
        }
        _ => None,
    }
}

/// `.java-version`: the first line that is not empty or a `#` comment
/// holds the version (`1.8.0_161`, `17.0.2`, `temurin-17`, `openjdk64-11.0.2`).
fn java_version_file(source: &SourceFile, out: &mut Extraction) {
    let content = lines(&source.text).find_map(|(start, line)| {
        let (offset, word) = first_word(line)?;
        (!word.starts_with('#')).then_some((start + offset, word))
    });
    if let Some((at, word)) = content {
        token_facts(word, at, "java-version", source, out);
    }
}

/// `.tool-versions`: `java temurin-17.0.2+8 openjdk-11` (later versions are
/// fallbacks, each a fact); `#` starts a comment; other tools are skipped.
fn tool_versions(source: &SourceFile, out: &mut Extraction) {
    for (start, line) in lines(&source.text) {
        let line = line.split('#').next().unwrap_or("");
        let mut words = words(line);
        if words.next().map(|(_, tool)| tool) != Some("java") {
            continue;
        }
        let mut any = false;
        for (offset, word) in words {
            any = true;
            token_facts(word, start + offset, "tool-versions", source, out);
        }
        if !any {
            let span = Span::new(start, start + line.trim_end().len());
            out.problems
                .push(Problem::at(&source.path, span, "`java` without a version"));
        }
    }
}

/// `.sdkmanrc`: `java=8.0.302-tem`; `#` comment lines; other candidates
/// (`maven=3.8.1`) are skipped.
fn sdkmanrc(source: &SourceFile, out: &mut Extraction) {
    for (start, line) in lines(&source.text) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            let lead = line.len() - line.trim_start().len();
            let span = Span::new(start + lead, start + lead + trimmed.len());
            out.problems.push(Problem::at(
                &source.path,
                span,
                "expected `candidate=version`",
            ));
            continue;
        };
        if key.trim() != "java" {
            continue;
        }
        let value_start = start + key.len() + 1;
        match first_word(value) {
            Some((offset, word)) if !word.starts_with('#') => {
                token_facts(word, value_start + offset, "sdkman", source, out);
            }
            _ => out.problems.push(Problem::at(
                &source.path,
                Span::new(start, start + line.trim_end().len()),
                "`java` without a version",
            )),
        }
    }
}

/// Lines with their start offsets, without `\n` or `\r\n`.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = start;
        start += line.len();
        (at, line.trim_end_matches('\n').trim_end_matches('\r'))
    })
}

/// Blank-separated words with their byte offsets in `line`.
fn words(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                words.push((from, &line[from..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push((from, &line[from..]));
    }
    words.into_iter()
}

fn first_word(line: &str) -> Option<(usize, &str)> {
    words(line).next()
}

/// What a version token names.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    /// A Java version: its value and the bytes of the token it is read from.
    Version(String, Range<usize>),
    /// asdf's `path:/usr/lib/jvm/...`: the path, from this offset.
    Path(usize),
    /// A token naming no fixed version (`system`, `latest`, `ref:...`, or a
    /// `GraalVM` build whose own number hides the Java release).
    NoVersion,
    /// Not a version at all.
    Unknown,
}

/// Facts for one version token written at byte `at` of `source`.
fn token_facts(token: &str, at: usize, origin: &str, source: &SourceFile, out: &mut Extraction) {
    let path: &Arc<str> = &source.path;
    match java_in_token(token) {
        Token::Version(value, range) => out.facts.push(
            Fact::new(
                FactKind::JavaVersion,
                value,
                path,
                Span::new(at + range.start, at + range.end),
            )
            .with("source", origin),
        ),
        Token::Path(offset) => {
            for clue in java::java_versions(&token[offset..]) {
                let mut fact = fact_from_clue(clue, path, at + offset);
                fact.attributes.insert_default("source", origin);
                out.facts.push(fact);
            }
        }
        Token::NoVersion => {}
        Token::Unknown => out.problems.push(Problem::at(
            path,
            Span::new(at, at + token.len()),
            format!("no Java version in `{token}`"),
        )),
    }
}

/// Reads a tool manager's version token.
///
/// The distribution comes before the version (`temurin-17.0.2+8`,
/// `openjdk64-11.0.2`) or after it (`8.0.302-tem`). Most distributions use
/// Java's numbering; these do not:
/// - Zulu (`zulu-8.52.0.23`, `zulu-11.45.27`) and Dragonwell number their
///   own releases after the Java feature release. Java's interim number is
///   always 0, so a non-zero second component marks such a number, and only
///   the leading feature release (`8`) is a Java version. A bare `8`
///   decides no constraint with an update in it (`>= 8u161`), so no rule
///   misfires on a number that does not say the update.
/// - Corretto (`corretto-8.392.08.1`): see [`corretto_version`].
/// - `GraalVM` and Mandrel (`22.3.r17-grl`, `graalvm-22.3.0+java17`) name the
///   Java release after `r` or `java`; without it there is nothing to read.
fn java_in_token(token: &str) -> Token {
    if matches!(token, "system" | "latest" | "lts" | "stable") || token.starts_with("ref:") {
        return Token::NoVersion;
    }
    if token.starts_with("path:") {
        return Token::Path("path:".len());
    }
    // asdf's `latest:temurin-17` is the newest build starting so.
    let offset = if token.starts_with("latest:") {
        "latest:".len()
    } else {
        0
    };
    let rest = &token[offset..];
    let shift = |range: Range<usize>| offset + range.start..offset + range.end;
    let graal = static_regex!(r"(?:^|[.+-])(?:r|java)(\d{1,2})(?:$|[-.+_])");
    if let Some(release) = graal.captures(rest).and_then(|caps| caps.get(1)) {
        return Token::Version(release.as_str().to_owned(), shift(release.range()));
    }
    let Some(start) = version_start(rest) else {
        return Token::Unknown;
    };
    let version = static_regex!(r"^\d+(?:u\d+(?:-b\d+)?|(?:\.\d+)*(?:[+_]\d+)?)");
    let Some(found) = version.find(&rest[start..]) else {
        return Token::Unknown;
    };
    let range = start + found.start()..start + found.end();
    let distribution = distribution(rest, &range);
    if distribution == "graalvm"
        || ["mandrel", "grl", "nik", "gln"].contains(&distribution.as_str())
    {
        return Token::NoVersion;
    }
    let (value, range) = java_numbering(&distribution, &rest[range.clone()], range);
    match Version::parse_java(&value) {
        Ok(_) => Token::Version(value, shift(range)),
        Err(_) => Token::Unknown,
    }
}

/// Where the version starts: the first digit at the start or after `-`
/// (`openjdk64-11.0.2` starts at `11`, not at `64`).
fn version_start(token: &str) -> Option<usize> {
    let bytes = token.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i].is_ascii_digit() && (i == 0 || bytes[i - 1] == b'-'))
}

/// The distribution named before the version (`temurin`) or after it
/// (`tem`), lower-cased.
fn distribution(token: &str, version: &Range<usize>) -> String {
    let before = token[..version.start].trim_end_matches('-');
    let named = if before.is_empty() {
        token[version.end..].rsplit('-').next().unwrap_or("")
    } else {
        before
    };
    named.to_ascii_lowercase()
}

/// The version in Java's numbering, with the bytes it is read from.
fn java_numbering(
    distribution: &str,
    written: &str,
    range: Range<usize>,
) -> (String, Range<usize>) {
    if distribution.contains("corretto")
        && let Some(value) = corretto_version(written)
    {
        return (value, range);
    }
    let mut parts = written.split('.');
    if let (Some(feature), Some(interim)) = (parts.next(), parts.next())
        && feature != "1"
        && interim != "0"
        && !written.contains('u')
    {
        return (feature.to_owned(), range.start..range.start + feature.len());
    }
    (written.to_owned(), range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::{Constraint, Scheme};

    fn run(kind: FileKind, path: &str, text: &str) -> (SourceFile, Extraction) {
        let source = SourceFile::new(path, text);
        let extraction = extract(kind, &source);
        (source, extraction)
    }

    /// `(value, raw text under the span, source)` per fact, in file order.
    fn facts(kind: FileKind, path: &str, text: &str) -> Vec<(String, String, String)> {
        let (source, extraction) = run(kind, path, text);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        extraction
            .facts
            .iter()
            .map(|fact| {
                assert_eq!(fact.kind, FactKind::JavaVersion);
                (
                    fact.value.clone(),
                    source.text[fact.span.range()].to_owned(),
                    fact.attr("source").unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    fn fact(value: &str, raw: &str, source: &str) -> (String, String, String) {
        (value.to_owned(), raw.to_owned(), source.to_owned())
    }

    fn token(text: &str) -> Option<(String, String)> {
        match java_in_token(text) {
            Token::Version(value, range) => Some((value, text[range].to_owned())),
            _ => None,
        }
    }

    #[test]
    fn tokens_of_every_manager() {
        for (text, value, raw) in [
            ("1.8.0_161", "1.8.0_161", "1.8.0_161"),
            ("8", "8", "8"),
            ("17.0.2", "17.0.2", "17.0.2"),
            ("temurin-17", "17", "17"),
            ("temurin-17.0.2+8", "17.0.2+8", "17.0.2+8"),
            ("adoptopenjdk-8.0.272+10", "8.0.272+10", "8.0.272+10"),
            ("openjdk-11.0.2", "11.0.2", "11.0.2"),
            ("openjdk-11", "11", "11"),
            ("openjdk64-11.0.2", "11.0.2", "11.0.2"),
            ("oracle64-1.8.0.161", "1.8.0.161", "1.8.0.161"),
            (
                "semeru-openj9-17.0.5+8_openj9-0.35.0",
                "17.0.5+8",
                "17.0.5+8",
            ),
            ("8.0.302-tem", "8.0.302", "8.0.302"),
            ("11.0.12-open", "11.0.12", "11.0.12"),
            ("8.0.302.fx-zulu", "8.0.302", "8.0.302"),
            ("zulu-8.52.0.23", "8", "8"),
            ("zulu-11.45.27", "11", "11"),
            ("corretto-8.392.08.1", "8u392-b08", "8.392.08.1"),
            ("corretto-11.0.21.9.1", "11.0.21+9", "11.0.21.9.1"),
            ("corretto-11.0.21", "11.0.21", "11.0.21"),
            ("corretto-11.0.x", "11.0", "11.0"),
            ("22.3.r17-grl", "17", "17"),
            ("graalvm-22.3.0+java17", "17", "17"),
            ("graalvm-community-21.0.1", "21.0.1", "21.0.1"),
            ("latest:temurin-17", "17", "17"),
        ] {
            assert_eq!(
                token(text),
                Some((value.to_owned(), raw.to_owned())),
                "{text}"
            );
        }
        for text in [
            "system",
            "latest",
            "ref:jdk-17+35",
            "graalvm-21.3.0",
            "23.1.0.0-mandrel",
        ] {
            assert_eq!(java_in_token(text), Token::NoVersion, "{text}");
        }
        for text in ["banana", "temurin", "jdk-x"] {
            assert_eq!(java_in_token(text), Token::Unknown, "{text}");
        }
    }

    #[test]
    fn distribution_numbers_order_like_the_java_release_they_are() {
        let java = |text: &str| Version::parse_java(&token(text).unwrap().0).unwrap();
        let at_least_8u161 = Constraint::parse(">= 1.8.0_161", Scheme::Java).unwrap();
        // Corretto 8.392 is 8u392: above 8u161, below 8u400.
        assert_eq!(
            at_least_8u161.check(&java("corretto-8.392.08.1")),
            Some(true)
        );
        assert!(java("corretto-8.392.08.1") < Version::parse_java("8u400").unwrap());
        assert!(java("corretto-8.392.08.1") > Version::parse_java("8u392").unwrap());
        assert_eq!(
            at_least_8u161.check(&java("corretto-8.152.16.1")),
            Some(false)
        );
        // Zulu 8.52 says Java 8 but not which update: undecided, never a finding.
        assert_eq!(at_least_8u161.check(&java("zulu-8.52.0.23")), None);
        assert_eq!(at_least_8u161.check(&java("zulu-11.45.27")), Some(true));
        assert_eq!(at_least_8u161.check(&java("zulu-7.56.0.11")), Some(false));
        assert_eq!(at_least_8u161.check(&java("8.0.151-zulu")), Some(false));
        assert_eq!(
            at_least_8u161.check(&java("adoptopenjdk-8.0.272+10")),
            Some(true)
        );
        assert_eq!(at_least_8u161.check(&java("1.8.0_151")), Some(false));
    }

    #[test]
    fn java_version_file() {
        assert_eq!(
            facts(FileKind::JavaVersion, ".java-version", "1.8.0_161\n"),
            [fact("1.8.0_161", "1.8.0_161", "java-version")]
        );
        assert_eq!(
            facts(
                FileKind::JavaVersion,
                ".java-version",
                "\r\n  temurin-17\r\n11\r\n"
            ),
            [fact("17", "17", "java-version")]
        );
        assert!(facts(FileKind::JavaVersion, ".java-version", "system\n").is_empty());
        let (source, extraction) = run(FileKind::JavaVersion, ".java-version", "eight\n");
        assert!(extraction.facts.is_empty());
        assert_eq!(
            &source.text[extraction.problems[0].span.unwrap().range()],
            "eight"
        );
    }

    #[test]
    fn tool_versions_with_fallbacks_and_comments() {
        let text = "# é: outils\nnodejs 18.17.0\njava adoptopenjdk-8.0.272+10 openjdk-11 # fallback\n# java temurin-7\nmaven 3.9.6\n";
        assert_eq!(
            facts(FileKind::ToolVersions, ".tool-versions", text),
            [
                fact("8.0.272+10", "8.0.272+10", "tool-versions"),
                fact("11", "11", "tool-versions"),
            ]
        );
        let (source, extraction) = run(
            FileKind::ToolVersions,
            ".tool-versions",
            "java zulu-8.52.0.23\r\n",
        );
        assert_eq!(extraction.facts[0].value, "8");
        assert_eq!(&source.text[extraction.facts[0].span.range()], "8");
        assert_eq!(extraction.facts[0].span.start, 10);
    }

    #[test]
    fn tool_versions_path_entries() {
        assert_eq!(
            facts(
                FileKind::ToolVersions,
                ".tool-versions",
                "java path:/usr/lib/jvm/java-11-openjdk-amd64\n"
            ),
            [fact("11", "11", "tool-versions")]
        );
    }

    #[test]
    fn sdkmanrc() {
        let text = "# Enable auto-env through the sdkman_auto_env config\n# java=7.0.352-zulu\njava=8.0.302-tem\nmaven=3.8.1\n";
        assert_eq!(
            facts(FileKind::Sdkmanrc, ".sdkmanrc", text),
            [fact("8.0.302", "8.0.302", "sdkman")]
        );
        assert_eq!(
            facts(FileKind::Sdkmanrc, ".sdkmanrc", "java = 11.0.12-open\r\n"),
            [fact("11.0.12", "11.0.12", "sdkman")]
        );
        let (_, extraction) = run(FileKind::Sdkmanrc, ".sdkmanrc", "java\njava=banana\n");
        assert_eq!(extraction.problems.len(), 2);
    }

    #[test]
    fn bom_is_stripped_before_extraction() {
        let decoded = crate::source::decode("\u{feff}java temurin-21.0.1+12\r\n".as_bytes());
        assert_eq!(
            facts(FileKind::ToolVersions, ".tool-versions", &decoded.text),
            [fact("21.0.1+12", "21.0.1+12", "tool-versions")]
        );
    }

    #[test]
    fn non_ascii_before_the_value() {
        let text = "# réglé pour l'équipe\njava=17.0.2-tem\n";
        let (source, extraction) = run(FileKind::Sdkmanrc, ".sdkmanrc", text);
        let span = extraction.facts[0].span;
        assert_eq!(span.start as usize, text.find("17.0.2").unwrap());
        assert_eq!(&source.text[span.range()], "17.0.2");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            kind in proptest::sample::select(vec![
                FileKind::JavaVersion, FileKind::ToolVersions, FileKind::Sdkmanrc,
            ]),
            head in proptest::sample::select(vec!["", "java ", "java=", "java path:", "java latest:"]),
            body in "[a-zA-Z0-9=:/ \t\r\n#.+_é\u{3000}-]{0,60}",
        ) {
            let text = format!("{head}{body}");
            let (_, extraction) = run(kind, "fuzz", &text);
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }

    #[test]
    fn other_kinds_have_no_version_facts() {
        let (_, extraction) = run(FileKind::Shell, "x.sh", "java 17\n");
        assert!(extraction.facts.is_empty());
    }
}
