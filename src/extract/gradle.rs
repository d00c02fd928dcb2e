//! Gradle build scripts (`build.gradle`, `build.gradle.kts`, `*.gradle`):
//! the Java versions a build compiles for.
//!
//! Read as text patterns over the script with its comments blanked
//! (`//`, `/* */`), not by evaluating Groovy or Kotlin:
//! `sourceCompatibility` / `targetCompatibility` (`= 1.7`, `= '1.7'`,
//! `JavaVersion.VERSION_1_7`, `JavaVersion.toVersion(11)`), toolchains
//! (`JavaLanguageVersion.of(11)`, Kotlin's `jvmToolchain(11)`),
//! `options.release = 8` / `options.release.set(8)`, and Kotlin's
//! `jvmTarget` (`"1.8"`, `JvmTarget.JVM_1_8`).
//!
//! Every one is a compile target, not a runtime: facts carry
//! `source = gradle` (rules about runtimes leave them out) and `setting`
//! (`sourceCompatibility`, `targetCompatibility`, `toolchain`, `release`,
//! `jvmTarget`). A value held in a variable (`sourceCompatibility =
//! javaVersion`) is not followed.

use std::ops::Range;

use crate::extract::comments::{self, Syntax};
use crate::facts::{Extraction, Fact, FactKind};
use crate::source::SourceFile;
use crate::span::Span;
use crate::version::Version;

/// Extracts the compile targets of a Gradle script.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut extraction = Extraction::default();
    let text = &source.text;
    let keywords = [
        "Compatibility",
        "JavaLanguageVersion",
        "jvmToolchain",
        "release",
        "jvmTarget",
    ];
    if !keywords.iter().any(|k| text.contains(k)) {
        return extraction;
    }
    let syntax = if source.path.ends_with(".kts") {
        Syntax::Kotlin
    } else {
        Syntax::Groovy
    };
    let blanked = comments::blank_comments(text, syntax);
    extraction.problems.extend(blanked.unclosed_problem(
        &source.path,
        "comment or string",
        "script",
    ));
    for (setting, range, value) in targets(&blanked.text) {
        extraction.facts.push(
            Fact::new(
                FactKind::JavaVersion,
                value,
                &source.path,
                Span::new(range.start, range.end),
            )
            .with("source", "gradle")
            .with("setting", setting),
        );
    }
    extraction
}

/// `(setting, raw range, Java version)` of every compile target in the
/// blanked script.
fn targets(code: &str) -> Vec<(&'static str, Range<usize>, String)> {
    let patterns: [(&str, &regex::Regex); 5] = [
        (
            "",
            // `sourceCompatibility = 1.7`, `targetCompatibility '1.8'`,
            // `sourceCompatibility.set(JavaVersion.VERSION_11)`; group 1
            // names the setting, group 2 is the value expression.
            static_regex!(
                r#"\b(sourceCompatibility|targetCompatibility)\b(?:\s*=\s*|\s*\.\s*set\s*\(\s*|[ \t]+)(JavaVersion\s*\.\s*(?:VERSION_[0-9_]+|toVersion\s*\(\s*["']?[0-9.]+["']?\s*\))|["']?[0-9][0-9.]*["']?)"#
            ),
        ),
        (
            "toolchain",
            static_regex!(r#"\bJavaLanguageVersion\s*\.\s*of\s*\(\s*(["']?[0-9]+["']?)\s*\)"#),
        ),
        (
            "toolchain",
            static_regex!(r"\bjvmToolchain\s*\(\s*([0-9]+)\s*\)"),
        ),
        (
            "release",
            static_regex!(
                r#"\boptions\s*\.\s*release\b(?:\s*=\s*|\s*\.\s*set\s*\(\s*)(["']?[0-9]+["']?)"#
            ),
        ),
        (
            "jvmTarget",
            static_regex!(
                r#"\bjvmTarget\b(?:\s*=\s*|\s*\.\s*set\s*\(\s*)(JvmTarget\s*\.\s*JVM_[0-9_]+|["'][0-9][0-9.]*["'])"#
            ),
        ),
    ];
    let mut out = Vec::new();
    for (setting, pattern) in patterns {
        for caps in pattern.captures_iter(code) {
            let (name, value) = if setting.is_empty() {
                let Some(name) = caps.get(1) else { continue };
                let name = if name.as_str() == "sourceCompatibility" {
                    "sourceCompatibility"
                } else {
                    "targetCompatibility"
                };
                (name, caps.get(2))
            } else {
                (setting, caps.get(1))
            };
            let Some(value) = value else { continue };
            if let Some((range, version)) = version_in(value.as_str()) {
                let start = value.start();
                out.push((name, start + range.start..start + range.end, version));
            }
        }
    }
    out.sort_by_key(|(_, range, _)| range.start);
    out
}

/// The version in one value expression, with the range of its digits:
/// `'1.7'` -> `1.7`, `JavaVersion.VERSION_1_7` -> `1.7` (range of `1_7`),
/// `JvmTarget.JVM_11` -> `11`, `JavaVersion.toVersion("11")` -> `11`.
fn version_in(expression: &str) -> Option<(Range<usize>, String)> {
    let digits = static_regex!(r"[0-9][0-9._]*");
    // Enum constants spell the version after the last `_`-prefixed name:
    // `VERSION_1_7`, `JVM_1_8`.
    let found = if let Some(at) = expression
        .find("VERSION_")
        .or_else(|| expression.find("JVM_"))
    {
        let after = at + expression[at..].find('_')? + 1;
        let m = digits.find(&expression[after..])?;
        after + m.start()..after + m.end()
    } else {
        digits.find(expression)?.range()
    };
    let raw = expression[found.clone()].trim_end_matches(['.', '_']);
    let range = found.start..found.start + raw.len();
    let version = raw.replace('_', ".");
    Version::parse_java(&version)
        .is_ok()
        .then_some((range, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(value, raw text, setting)` of every fact.
    fn found(path: &str, text: &str) -> Vec<(String, String, String)> {
        let source = SourceFile::new(path, text);
        let extraction = extract(&source);
        assert!(extraction.spans_are_valid(text));
        extraction
            .facts
            .iter()
            .map(|fact| {
                assert_eq!(fact.attr("source"), Some("gradle"));
                (
                    fact.value.clone(),
                    text[fact.span.range()].to_owned(),
                    fact.attr("setting").unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    fn one(value: &str, raw: &str, setting: &str) -> (String, String, String) {
        (value.to_owned(), raw.to_owned(), setting.to_owned())
    }

    #[test]
    fn groovy_compatibility_forms() {
        let text = "sourceCompatibility = 1.7\ntargetCompatibility = '1.8'\njava {\n  sourceCompatibility = JavaVersion.VERSION_1_7\n}\n";
        assert_eq!(
            found("build.gradle", text),
            [
                one("1.7", "1.7", "sourceCompatibility"),
                one("1.8", "1.8", "targetCompatibility"),
                one("1.7", "1_7", "sourceCompatibility"),
            ]
        );
    }

    #[test]
    fn android_and_kotlin_forms() {
        let text = "compileOptions {\n    sourceCompatibility JavaVersion.VERSION_11\n    targetCompatibility = JavaVersion.toVersion(\"1.8\")\n}\nkotlinOptions { jvmTarget = '1.8' }\n";
        assert_eq!(
            found("app/build.gradle", text),
            [
                one("11", "11", "sourceCompatibility"),
                one("1.8", "1.8", "targetCompatibility"),
                one("1.8", "1.8", "jvmTarget"),
            ]
        );
    }

    #[test]
    fn toolchains_releases_and_jvm_targets() {
        let text = "java { toolchain { languageVersion = JavaLanguageVersion.of(11) } }\nkotlin { jvmToolchain(17) }\ntasks.withType<JavaCompile> { options.release.set(8) }\ncompileKotlin { compilerOptions { jvmTarget.set(JvmTarget.JVM_1_8) } }\n";
        assert_eq!(
            found("build.gradle.kts", text),
            [
                one("11", "11", "toolchain"),
                one("17", "17", "toolchain"),
                one("8", "8", "release"),
                one("1.8", "1_8", "jvmTarget"),
            ]
        );
        assert_eq!(
            found("build.gradle", "compileJava.options.release = 7\n"),
            [one("7", "7", "release")]
        );
    }

    #[test]
    fn comments_variables_and_lookalikes_are_quiet() {
        let text = "// sourceCompatibility = 1.6\n/* targetCompatibility = 1.6\n   options.release = 6 */\nsourceCompatibility = javaVersion\nversion = '1.7.0'\ndef release = 7\nrelease 'x'\n";
        assert!(found("build.gradle", text).is_empty());
    }

    #[test]
    fn unclosed_comment_is_a_problem() {
        let text = "sourceCompatibility = 1.8\n/* targetCompatibility = 1.6\n";
        let source = SourceFile::new("build.gradle", text);
        let extraction = extract(&source);
        assert_eq!(extraction.facts.len(), 1);
        assert_eq!(extraction.problems.len(), 1);
        let span = extraction.problems[0].span.unwrap_or(Span::new(0, 0));
        assert_eq!(&text[span.range()], "/*");
    }

    #[test]
    fn crlf_and_non_ascii() {
        let text = "// Économie\r\ndescription = 'Prévision'\r\nsourceCompatibility = '1.7'\r\n";
        assert_eq!(
            found("build.gradle", text),
            [one("1.7", "1.7", "sourceCompatibility")]
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            body in r##"[a-zA-Z0-9_=(){}\[\];:.,'"#/*\\ \t\r\n@!+\-é—]{0,80}"##,
            key in proptest::sample::select(vec!["sourceCompatibility = ", "JavaVersion.VERSION_", "jvmTarget.set(JvmTarget.JVM_", "/*", "options.release = "]),
        ) {
            let text = format!("{key}{body}{key}");
            let extraction = extract(&SourceFile::new("build.gradle", text.as_str()));
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }
}
