//! Java `.properties` files: `java.security`, Heroku `system.properties`,
//! service wrapper configs and application settings.
//!
//! The reader follows `java.util.Properties::load`: `key=value`,
//! `key:value` and `key value`; `#` and `!` comment lines; a line ending in
//! an odd number of backslashes continues on the next one (whose leading
//! whitespace is dropped); escapes `\t`, `\n`, `\r`, `\f`, `\uXXXX` and `\`
//! before any other character. Values are decoded, but every span covers the
//! raw text the value was decoded from.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::extract::{activemq, boomi, fact_from_clue, java, salesforce, secrets, spring_ssl, tls};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;
use crate::version::Version;

/// The security property listing what JSSE refuses to negotiate.
const DISABLED_ALGORITHMS: &str = "jdk.tls.disabledAlgorithms";

/// Protocols a `jdk.tls.disabledAlgorithms` list should name: when one is
/// missing, the JDK negotiates it again.
const LEGACY_PROTOCOLS: [&str; 3] = ["SSLv3", "TLSv1", "TLSv1.1"];

/// System properties that list the TLS protocols a JVM enables.
const PROTOCOL_KEYS: [&str; 3] = [
    "https.protocols",
    "jdk.tls.client.protocols",
    "jdk.tls.server.protocols",
];

/// Extracts the facts of a properties file.
///
/// Facts: `tls.protocol` from `jdk.tls.disabledAlgorithms` (effect
/// `disable` per listed legacy protocol, effect `enable` with `reason =
/// not-disabled` per legacy protocol the list leaves out) and from
/// `https.protocols` / `jdk.tls.*.protocols`; `java.version` from Heroku's
/// `java.runtime.version` and from Java home or command paths; JVM option
/// clues in every value; `cert.reference` for key and trust stores;
/// `secret` for literal passwords.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut extraction = Extraction::default();
    let entries = read_entries(&source.text, &source.path, &mut extraction.problems);
    // `Properties::load` keeps the last value of a repeated key, so only
    // that one sets anything.
    let last: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(index, entry)| (entry.key.as_str(), index))
        .collect();
    for (index, entry) in entries.iter().enumerate() {
        let effective = last.get(entry.key.as_str()) == Some(&index);
        facts_of_entry(entry, effective, source, &mut extraction);
    }
    if boomi::is_boomi_file(&source.path) {
        for fact in &mut extraction.facts {
            fact.attributes.insert_default("product", boomi::PRODUCT);
        }
    }
    extraction
}

/// One `key=value` setting of a file in properties syntax, for extractors
/// of formats that borrow the syntax (Mule's `tls-default.conf` and
/// `mule-deploy.properties`). Key and value are decoded; spans are raw.
#[derive(Debug)]
pub struct Setting(Entry);

impl Setting {
    /// The decoded key.
    pub fn key(&self) -> &str {
        &self.0.key
    }

    /// The raw key, escapes included.
    pub fn key_span(&self) -> Span {
        self.0.key_span
    }

    /// The decoded value, trailing whitespace dropped.
    pub fn value(&self) -> &str {
        self.0.value.trimmed()
    }

    /// The raw span of the decoded bytes `range` of [`Setting::value`].
    pub fn span_of(&self, range: Range<usize>) -> Span {
        self.0.value.span_of(range)
    }
}

/// Every setting of `source` in file order (a repeated key appears each
/// time), read as `java.util.Properties::load` reads it. Malformed escapes
/// become problems.
pub fn settings(source: &SourceFile, problems: &mut Vec<Problem>) -> Vec<Setting> {
    read_entries(&source.text, &source.path, problems)
        .into_iter()
        .map(Setting)
        .collect()
}

/// One `key=value` pair, key decoded, value decoded with its raw bytes.
#[derive(Debug)]
struct Entry {
    key: String,
    /// The raw key, escapes included.
    key_span: Span,
    value: Mapped,
}

/// Decoded text whose every `char` knows the raw bytes it came from.
#[derive(Debug, Default)]
struct Mapped {
    text: String,
    /// One unit per `char` of `text`, in order.
    units: Vec<Unit>,
    /// Raw offset where the value starts; the span of an empty value.
    anchor: usize,
}

/// One decoded `char`: where it sits in the decoded text and the raw bytes
/// it was read from (`\u00e9` is six raw bytes for one `char`).
#[derive(Clone, Debug)]
struct Unit {
    at: usize,
    raw: Range<usize>,
    escaped: bool,
}

impl Mapped {
    fn push(&mut self, c: char, raw: Range<usize>, escaped: bool) {
        self.units.push(Unit {
            at: self.text.len(),
            raw,
            escaped,
        });
        self.text.push(c);
    }

    /// The raw span of the decoded bytes `range`; empty ranges sit where
    /// the next `char` starts.
    fn span_of(&self, range: Range<usize>) -> Span {
        let mut inside = self
            .units
            .iter()
            .filter(|unit| unit.at >= range.start && unit.at < range.end);
        match (inside.next(), inside.next_back()) {
            (Some(first), Some(last)) => Span::new(first.raw.start, last.raw.end),
            (Some(only), None) => Span::new(only.raw.start, only.raw.end),
            _ => {
                let at = self
                    .units
                    .iter()
                    .find(|unit| unit.at >= range.start)
                    .map_or(self.end(), |unit| unit.raw.start);
                Span::new(at, at)
            }
        }
    }

    fn end(&self) -> usize {
        self.units.last().map_or(self.anchor, |unit| unit.raw.end)
    }

    /// The decoded value without trailing whitespace (`Properties` keeps it,
    /// but no setting we read means anything by it).
    fn trimmed(&self) -> &str {
        self.text.trim_end()
    }

    /// The raw span of the whole value, trailing whitespace excluded.
    fn value_span(&self) -> Span {
        self.span_of(0..self.trimmed().len())
    }
}

fn facts_of_entry(entry: &Entry, effective: bool, source: &SourceFile, out: &mut Extraction) {
    let key = entry.key.as_str();
    let path = &source.path;
    let value = &entry.value;
    if effective {
        if key == DISABLED_ALGORITHMS {
            out.facts.extend(disabled_protocols(entry, path));
        } else if PROTOCOL_KEYS.contains(&key) {
            let clues = java::protocol_list(value.trimmed(), 0, key, "enable");
            out.facts
                .extend(clues.into_iter().map(|clue| fact_at(clue, value, path)));
        } else if key == "java.runtime.version" {
            runtime_version(value, source, out);
        } else if let Some(role) = store_role(key) {
            out.facts.extend(store_reference(value, path, key, role));
        }
    }
    let clues = java::jvm_options(&value.text)
        .into_iter()
        .chain(activemq::uri_clues(&value.text));
    out.facts
        .extend(clues.into_iter().map(|clue| fact_at(clue, value, path)));
    if effective {
        let clues = spring_ssl::clues(key, value.trimmed());
        out.facts
            .extend(clues.into_iter().map(|clue| fact_at(clue, value, path)));
    }
    if let Some(origin) = java_location(key) {
        for clue in java::java_versions(value.trimmed()) {
            out.facts
                .push(with_default_source(fact_at(clue, value, path), origin));
        }
    }
    if effective {
        // Data Loader `config.properties`, Ant `build.properties`.
        for clue in salesforce::property_clues(key, value.trimmed()) {
            out.facts.push(fact_at(clue, value, path));
        }
    }
    let ciphertext = key.starts_with("sfdc.") && salesforce::is_dataloader_ciphertext(&value.text);
    if secrets::is_secret_name(key) && !secrets::is_placeholder(&value.text) && !ciphertext {
        out.facts.push(Fact::secret(path, value.value_span(), key));
    }
}

/// `jdk.tls.disabledAlgorithms = SSLv3, TLSv1, RC4, ...`: a `disable` fact
/// per protocol listed, and an `enable` fact (on the whole value) per legacy
/// protocol left out, since leaving it out is what re-enables it.
fn disabled_protocols(entry: &Entry, path: &Arc<str>) -> Vec<Fact> {
    let value = &entry.value;
    let text = value.trimmed();
    // An empty list disables nothing; the key itself is then what to point at.
    let whole = if text.is_empty() {
        entry.key_span
    } else {
        value.value_span()
    };
    let mut facts = Vec::new();
    let mut listed = Vec::new();
    for item in comma_items(text) {
        // Items such as `RSA keySize < 1024` name algorithms, not protocols;
        // only an item that is a protocol name as a whole counts, so
        // `TLSv1.2` never stands for `TLSv1`.
        let Some(protocol) = tls::canonical_protocol(&text[item.clone()]) else {
            continue;
        };
        listed.push(protocol);
        facts.push(
            Fact::new(FactKind::TlsProtocol, protocol, path, value.span_of(item))
                .with("setting", DISABLED_ALGORITHMS)
                .with("effect", "disable"),
        );
    }
    for protocol in LEGACY_PROTOCOLS {
        if !listed.contains(&protocol) {
            facts.push(
                Fact::new(FactKind::TlsProtocol, protocol, path, whole)
                    .with("setting", DISABLED_ALGORITHMS)
                    .with("effect", "enable")
                    .with("reason", "not-disabled"),
            );
        }
    }
    facts
}

/// The comma-separated items of `text`, each trimmed, as byte ranges.
fn comma_items(text: &str) -> Vec<Range<usize>> {
    let mut items = Vec::new();
    let mut start = 0;
    for piece in text.split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            items.push(start + lead..start + lead + trimmed.len());
        }
        start += piece.len() + 1;
    }
    items
}

/// Heroku's `java.runtime.version=11` (also `1.8`, `17.0.2`, `zulu-21`).
fn runtime_version(value: &Mapped, source: &SourceFile, out: &mut Extraction) {
    let text = value.trimmed();
    if text.is_empty() || text.contains(['$', '@', '{']) {
        // Empty, or a build-time placeholder such as `${java.version}`.
        return;
    }
    // `zulu-21`, `heroku-21`: the prefix names a distribution, and the
    // number after it is the Java release.
    let start = match text.find('-') {
        Some(dash) if text[..dash].bytes().all(|b| b.is_ascii_alphabetic()) => dash + 1,
        _ => 0,
    };
    let version = &text[start..];
    if Version::parse_java(version).is_ok() {
        out.facts.push(
            Fact::new(
                FactKind::JavaVersion,
                version,
                &source.path,
                value.span_of(start..text.len()),
            )
            .with("source", "system-properties"),
        );
    } else {
        out.problems.push(Problem::at(
            &source.path,
            value.value_span(),
            format!("`java.runtime.version` is not a Java version: `{text}`"),
        ));
    }
}

/// `keystore` or `truststore` for the JSSE store path properties.
fn store_role(key: &str) -> Option<&'static str> {
    match key {
        "javax.net.ssl.keyStore" => Some("keystore"),
        "javax.net.ssl.trustStore" => Some("truststore"),
        _ => None,
    }
}

fn store_reference(value: &Mapped, path: &Arc<str>, key: &str, role: &str) -> Option<Fact> {
    let text = value.trimmed();
    (!text.is_empty()).then(|| {
        mark_unresolved(
            Fact::new(FactKind::CertReference, text, path, value.value_span())
                .with("role", role)
                .with("setting", key),
        )
    })
}

/// The `source` of Java versions read from a key's value, when the key
/// names a Java home or the Java command: `java.home`, `JAVA_HOME`,
/// `org.gradle.java.home`, `wrapper.java.command`.
fn java_location(key: &str) -> Option<&'static str> {
    let normal = key.to_ascii_lowercase().replace(['_', '-'], ".");
    if ["java.home", "jdk.home", "jre.home"]
        .iter()
        .any(|suffix| normal.ends_with(suffix))
    {
        Some("java-home")
    } else if normal.ends_with("java.command") {
        Some("java-path")
    } else {
        None
    }
}

/// A fact from a clue found in the decoded `value`, its span mapped back to
/// the raw text.
fn fact_at(clue: java::Clue, value: &Mapped, path: &Arc<str>) -> Fact {
    let span = value.span_of(clue.range.clone());
    let mut fact = fact_from_clue(clue, path, 0);
    fact.span = span;
    mark_unresolved(fact)
}

/// Marks a `cert.reference` whose path still holds a variable
/// (`${KEYSTORE}`, `%KS%`): where it points is not known.
fn mark_unresolved(fact: Fact) -> Fact {
    if fact.kind == FactKind::CertReference && fact.value.contains(['$', '%']) {
        fact.with("unresolved", "true")
    } else {
        fact
    }
}

/// Sets `source` unless the clue already said (`archive`).
fn with_default_source(mut fact: Fact, source: &str) -> Fact {
    fact.attributes.insert_default("source", source);
    fact
}

// ---------------------------------------------------------------------------
// Reading: natural lines -> logical lines -> decoded key and value.

/// Properties whitespace: `Properties::load` knows only these three.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{c}')
}

/// Every logical line of `text` as a key and value.
fn read_entries(text: &str, path: &Arc<str>, problems: &mut Vec<Problem>) -> Vec<Entry> {
    let lines = natural_lines(text);
    let mut entries = Vec::new();
    let mut next = 0;
    while next < lines.len() {
        let line = skip_blanks(text, lines[next].clone());
        next += 1;
        if line.is_empty() || text[line.clone()].starts_with(['#', '!']) {
            // A comment line ends where it ends: a trailing backslash does
            // not continue it.
            continue;
        }
        let mut chars = Vec::new();
        let mut segment = line;
        loop {
            let (body, continues) = strip_continuation(text, segment);
            chars.extend(
                text[body.clone()]
                    .char_indices()
                    .map(|(i, c)| (body.start + i, c)),
            );
            if !continues || next >= lines.len() {
                break;
            }
            segment = skip_blanks(text, lines[next].clone());
            next += 1;
        }
        entries.push(parse_entry(&chars, path, problems));
    }
    entries
}

/// Line contents without terminators (`\n`, `\r\n` or a lone `\r`).
fn natural_lines(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(start..i);
                start = i + 1;
            }
            b'\r' => {
                lines.push(start..i);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        lines.push(start..bytes.len());
    }
    lines
}

fn skip_blanks(text: &str, line: Range<usize>) -> Range<usize> {
    let content = &text[line.clone()];
    let lead = content.len() - content.trim_start_matches(is_blank).len();
    line.start + lead..line.end
}

/// Drops the continuation backslash: an odd number of trailing backslashes
/// continues the line (an even number is escaped backslashes).
fn strip_continuation(text: &str, segment: Range<usize>) -> (Range<usize>, bool) {
    let trailing = text[segment.clone()]
        .bytes()
        .rev()
        .take_while(|&b| b == b'\\')
        .count();
    if trailing % 2 == 1 {
        (segment.start..segment.end - 1, true)
    } else {
        (segment, false)
    }
}

/// Splits a logical line (its `char`s with raw offsets) into key and value.
fn parse_entry(chars: &[(usize, char)], path: &Arc<str>, problems: &mut Vec<Problem>) -> Entry {
    let units = decode(chars, path, problems);
    let is_separator = |u: &(char, Unit)| !u.1.escaped && (u.0 == '=' || u.0 == ':');
    let is_space = |u: &(char, Unit)| !u.1.escaped && is_blank(u.0);
    let key_end = units
        .iter()
        .position(|u| is_separator(u) || is_space(u))
        .unwrap_or(units.len());
    let mut value_start = key_end;
    while units.get(value_start).is_some_and(is_space) {
        value_start += 1;
    }
    if units.get(value_start).is_some_and(is_separator) {
        value_start += 1;
        while units.get(value_start).is_some_and(is_space) {
            value_start += 1;
        }
    }
    let key = units[..key_end].iter().map(|(c, _)| *c).collect();
    let key_span = match (
        units.first(),
        key_end.checked_sub(1).and_then(|last| units.get(last)),
    ) {
        (Some((_, first)), Some((_, last))) => Span::new(first.raw.start, last.raw.end),
        _ => Span::default(),
    };
    let anchor = units
        .get(value_start)
        .map(|(_, unit)| unit.raw.start)
        .or_else(|| units.last().map(|(_, unit)| unit.raw.end))
        .or_else(|| chars.first().map(|&(offset, _)| offset))
        .unwrap_or(0);
    let mut value = Mapped {
        anchor,
        ..Mapped::default()
    };
    for (c, unit) in &units[value_start..] {
        value.push(*c, unit.raw.clone(), unit.escaped);
    }
    Entry {
        key,
        key_span,
        value,
    }
}

/// Decodes escapes. A malformed `\u` escape becomes U+FFFD and a problem;
/// `Properties::load` would throw and drop the whole file.
fn decode(
    chars: &[(usize, char)],
    path: &Arc<str>,
    problems: &mut Vec<Problem>,
) -> Vec<(char, Unit)> {
    let raw_end = |i: usize| chars[i].0 + chars[i].1.len_utf8();
    let unit = |raw: Range<usize>, escaped: bool| Unit {
        at: 0,
        raw,
        escaped,
    };
    let mut units = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        if c != '\\' || i + 1 == chars.len() {
            units.push((c, unit(offset..raw_end(i), false)));
            i += 1;
            continue;
        }
        let escape = chars[i + 1].1;
        if escape == 'u' {
            let (decoded, next) = decode_unicode(chars, i, path, problems);
            units.push((decoded, unit(offset..raw_end(next - 1), true)));
            i = next;
            continue;
        }
        let decoded = match escape {
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\u{c}',
            other => other,
        };
        units.push((decoded, unit(offset..raw_end(i + 1), true)));
        i += 2;
    }
    units
}

/// Decodes `\uXXXX` at `chars[start]` (and a following low surrogate
/// escape, which Java source and properties use for characters beyond the
/// BMP). Returns the `char` and the index after the escape.
fn decode_unicode(
    chars: &[(usize, char)],
    start: usize,
    path: &Arc<str>,
    problems: &mut Vec<Problem>,
) -> (char, usize) {
    let Some(high) = hex4(chars, start + 2) else {
        let digits = chars[start + 2..]
            .iter()
            .take(4)
            .take_while(|(_, c)| c.is_ascii_hexdigit())
            .count();
        let end = start + 2 + digits;
        let last = chars[end - 1];
        problems.push(Problem::at(
            path,
            Span::new(chars[start].0, last.0 + last.1.len_utf8()),
            "malformed \\uXXXX escape",
        ));
        return (char::REPLACEMENT_CHARACTER, end);
    };
    let after = start + 6;
    if (0xD800..0xDC00).contains(&high) {
        let low = (chars.get(after).map(|&(_, c)| c) == Some('\\')
            && chars.get(after + 1).map(|&(_, c)| c) == Some('u'))
        .then(|| hex4(chars, after + 2))
        .flatten()
        .filter(|low| (0xDC00..0xE000).contains(low));
        if let Some(low) = low {
            let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            return (
                char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER),
                after + 6,
            );
        }
    }
    if let Some(c) = char::from_u32(high) {
        return (c, after);
    }
    let last = chars[after - 1];
    problems.push(Problem::at(
        path,
        Span::new(chars[start].0, last.0 + last.1.len_utf8()),
        "\\u escape names a lone surrogate",
    ));
    (char::REPLACEMENT_CHARACTER, after)
}

/// Four hex digits at `chars[at..at + 4]` as a number.
fn hex4(chars: &[(usize, char)], at: usize) -> Option<u32> {
    let digits = chars.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0, |n, &(_, c)| Some(n * 16 + c.to_digit(16)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, text: &str) -> (SourceFile, Extraction) {
        let source = SourceFile::new(path, text);
        let extraction = extract(&source);
        (source, extraction)
    }

    /// `(kind, value, raw text under the span)` of every fact, sorted by span.
    fn facts(path: &str, text: &str) -> Vec<(String, String, String)> {
        let (source, extraction) = run(path, text);
        let mut facts = extraction.facts;
        facts.sort_by_key(|fact| (fact.span, fact.value.clone()));
        facts
            .into_iter()
            .map(|fact| {
                (
                    fact.kind.name().to_owned(),
                    fact.value.clone(),
                    source.text[fact.span.range()].to_owned(),
                )
            })
            .collect()
    }

    fn triple(kind: &str, value: &str, raw: &str) -> (String, String, String) {
        (kind.to_owned(), value.to_owned(), raw.to_owned())
    }

    fn entries(text: &str) -> Vec<(String, String, String)> {
        let path: Arc<str> = Arc::from("t.properties");
        let mut problems = Vec::new();
        read_entries(text, &path, &mut problems)
            .into_iter()
            .map(|entry| {
                let raw = text[entry.value.value_span().range()].to_owned();
                (entry.key, entry.value.text, raw)
            })
            .collect()
    }

    #[test]
    fn separators_blanks_and_comments() {
        let text = "a=1\n  b : 2\nc 3\n# d=4\n  ! e=5\nf=\ng\n\tk\\ ey = v v \n";
        assert_eq!(
            entries(text),
            [
                triple("a", "1", "1"),
                triple("b", "2", "2"),
                triple("c", "3", "3"),
                triple("f", "", ""),
                triple("g", "", ""),
                triple("k ey", "v v ", "v v"),
            ]
        );
    }

    #[test]
    fn escapes_are_decoded_but_spans_stay_raw() {
        let text = "k\\:x=C\\:\\\\jdk\\u00e9\\tz\n";
        let found = entries(text);
        assert_eq!(
            found,
            [triple("k:x", "C:\\jdké\tz", "C\\:\\\\jdk\\u00e9\\tz")]
        );
    }

    #[test]
    fn continuation_needs_an_odd_number_of_backslashes() {
        let text = "a=one\\\n    two\nb=even\\\\\nc=three\n";
        assert_eq!(
            entries(text),
            [
                triple("a", "onetwo", "one\\\n    two"),
                triple("b", "even\\", "even\\\\"),
                triple("c", "three", "three"),
            ]
        );
    }

    #[test]
    fn comment_lines_do_not_continue_but_continued_hashes_are_values() {
        let text = "# note \\\nx=1\\\n# not a comment\n";
        assert_eq!(
            entries(text),
            [triple("x", "1# not a comment", "1\\\n# not a comment")]
        );
    }

    #[test]
    fn surrogate_pairs_and_bad_escapes() {
        let path: Arc<str> = Arc::from("t.properties");
        let mut problems = Vec::new();
        let text = "smile=\\uD83D\\uDE00\nbad=\\u00zz ok\n";
        let found = read_entries(text, &path, &mut problems);
        assert_eq!(found[0].value.text, "😀");
        assert_eq!(found[1].value.text, "\u{FFFD}zz ok");
        assert_eq!(problems.len(), 1);
        let span = problems[0].span.unwrap();
        assert_eq!(&text[span.range()], "\\u00");
    }

    #[test]
    fn java_security_list_across_continuations() {
        let text = "# Java 8u292\r\njdk.tls.disabledAlgorithms=SSLv3, TLSv1, RC4, DES, MD5withRSA, \\\r\n    DH keySize < 1024, EC keySize < 224, 3DES_EDE_CBC, anon, NULL, \\\r\n    include jdk.disabled.namedCurves\r\n";
        let (source, extraction) = run("jre/lib/security/java.security", text);
        let mut facts = extraction.facts;
        facts.sort_by_key(|fact| (fact.span, fact.value.clone()));
        let raw = |fact: &Fact| source.text[fact.span.range()].to_owned();
        assert_eq!(facts.len(), 3, "{facts:?}");
        assert_eq!(
            (facts[0].value.as_str(), raw(&facts[0]).as_str()),
            ("SSLv3", "SSLv3")
        );
        assert_eq!(facts[0].attr("effect"), Some("disable"));
        assert_eq!(facts[0].attr("setting"), Some(DISABLED_ALGORITHMS));
        assert_eq!(facts[1].value, "TLSv1.1");
        assert_eq!(facts[1].attr("effect"), Some("enable"));
        assert_eq!(facts[1].attr("reason"), Some("not-disabled"));
        assert!(raw(&facts[1]).starts_with("SSLv3, TLSv1, RC4"));
        assert!(raw(&facts[1]).ends_with("include jdk.disabled.namedCurves"));
        assert!(raw(&facts[1]).contains("\\\r\n    DH keySize"));
        assert_eq!(
            (facts[2].value.as_str(), raw(&facts[2]).as_str()),
            ("TLSv1", "TLSv1")
        );
        assert_eq!(facts[2].attr("effect"), Some("disable"));
    }

    #[test]
    fn tls12_in_the_list_is_not_tls1() {
        let found = facts(
            "java.security",
            "jdk.tls.disabledAlgorithms=SSLv3, TLSv1.2, TLSv1.1\n",
        );
        let whole = "SSLv3, TLSv1.2, TLSv1.1";
        assert_eq!(
            found,
            [
                triple("tls.protocol", "SSLv3", "SSLv3"),
                triple("tls.protocol", "TLSv1", whole),
                triple("tls.protocol", "TLSv1.2", "TLSv1.2"),
                triple("tls.protocol", "TLSv1.1", "TLSv1.1"),
            ]
        );
    }

    #[test]
    fn an_empty_disabled_list_points_at_its_key() {
        let found = facts("java.security", "jdk.tls.disabledAlgorithms=\n");
        let key = DISABLED_ALGORITHMS.to_owned();
        assert_eq!(
            found,
            [
                triple("tls.protocol", "SSLv3", &key),
                triple("tls.protocol", "TLSv1", &key),
                triple("tls.protocol", "TLSv1.1", &key),
            ]
        );
    }

    #[test]
    fn last_disabled_algorithms_wins() {
        let text =
            "jdk.tls.disabledAlgorithms=SSLv3\njdk.tls.disabledAlgorithms=SSLv3, TLSv1, TLSv1.1\n";
        let found = facts("custom.security", text);
        assert_eq!(found.len(), 3);
        assert!(found.iter().all(|(_, _, raw)| raw.len() <= 7));
    }

    #[test]
    fn protocol_properties() {
        let text = "# client JVM\nhttps.protocols=TLSv1,TLSv1.1\njdk.tls.client.protocols = TLSv1.2\n#jdk.tls.server.protocols=SSLv3\n";
        let (source, extraction) = run("app.properties", text);
        let mut facts = extraction.facts;
        facts.sort_by_key(|fact| fact.span);
        let got: Vec<(&str, &str, &str, &str)> = facts
            .iter()
            .map(|f| {
                (
                    f.value.as_str(),
                    &source.text[f.span.range()],
                    f.attr("setting").unwrap_or(""),
                    f.attr("effect").unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("TLSv1", "TLSv1", "https.protocols", "enable"),
                ("TLSv1.1", "TLSv1.1", "https.protocols", "enable"),
                ("TLSv1.2", "TLSv1.2", "jdk.tls.client.protocols", "enable"),
            ]
        );
    }

    #[test]
    fn heroku_system_properties() {
        for (text, version) in [
            ("java.runtime.version=1.8\n", "1.8"),
            ("java.runtime.version = 11\r\n", "11"),
            ("java.runtime.version=17.0.2", "17.0.2"),
            ("java.runtime.version=zulu-21\n", "21"),
        ] {
            let (source, extraction) = run("system.properties", text);
            assert_eq!(extraction.facts.len(), 1, "{text}");
            let fact = &extraction.facts[0];
            assert_eq!(fact.kind, FactKind::JavaVersion);
            assert_eq!(fact.value, version);
            assert_eq!(&source.text[fact.span.range()], version);
            assert_eq!(fact.attr("source"), Some("system-properties"));
        }
        let (_, extraction) = run(
            "system.properties",
            "java.runtime.version=${java.version}\n",
        );
        assert!(extraction.facts.is_empty() && extraction.problems.is_empty());
        let (_, extraction) = run("system.properties", "java.runtime.version=banana\n");
        assert!(extraction.facts.is_empty());
        assert_eq!(extraction.problems.len(), 1);
    }

    #[test]
    fn wrapper_options_and_java_homes() {
        let text = "wrapper.java.command=/opt/jdk1.7.0_80/bin/java\nwrapper.java.additional.3=-Dhttps.protocols=TLSv1\nJAVA_HOME=C:\\\\Program Files\\\\Java\\\\jre1.8.0_161\norg.gradle.java.home=/usr/lib/jvm/java-11-openjdk-amd64\napp.name=jdk1.6.0_45-tool\n";
        let (source, extraction) = run("wrapper.properties", text);
        let mut facts = extraction.facts;
        facts.sort_by_key(|fact| fact.span);
        let got: Vec<(&str, &str, Option<&str>)> = facts
            .iter()
            .map(|f| {
                (
                    f.value.as_str(),
                    &source.text[f.span.range()],
                    f.attr("source"),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("1.7.0_80", "1.7.0_80", Some("java-path")),
                ("TLSv1", "TLSv1", None),
                ("1.8.0_161", "1.8.0_161", Some("java-home")),
                ("11", "11", Some("java-home")),
            ]
        );
        assert_eq!(facts[1].attr("setting"), Some("https.protocols"));
    }

    #[test]
    fn secrets_and_placeholders() {
        let text = "sfdc.password=S3cr3tValue\nproxy.password=${PROXY_PASSWORD}\ndb.password=\njavax.net.ssl.keyStorePassword=changeit\nsfdc.passwordFile=/etc/dl/key.txt\nsfdc.username=ops@example.com\n";
        assert_eq!(found_secrets(text), ["S3cr3tValue"]);
        let (_, extraction) = run("config.properties", text);
        let secret = extraction
            .facts
            .iter()
            .find(|f| f.kind == FactKind::Secret)
            .unwrap();
        assert_eq!(secret.value, crate::facts::MASK);
        assert_eq!(secret.attr("setting"), Some("sfdc.password"));
    }

    fn found_secrets(text: &str) -> Vec<String> {
        facts("config.properties", text)
            .into_iter()
            .filter(|(kind, _, _)| kind == "secret")
            .map(|(_, _, raw)| raw)
            .collect()
    }

    #[test]
    fn key_stores() {
        let text = "javax.net.ssl.keyStore=/etc/ac/client.jks\njavax.net.ssl.trustStore:conf/truststore.p12\njavax.net.ssl.keyStorePassword=Fake-Pa55\n";
        let (source, extraction) = run("ssl.properties", text);
        let mut facts = extraction.facts;
        facts.sort_by_key(|fact| fact.span);
        assert_eq!(facts.len(), 3);
        assert_eq!(facts[0].kind, FactKind::CertReference);
        assert_eq!(facts[0].value, "/etc/ac/client.jks");
        assert_eq!(facts[0].attr("role"), Some("keystore"));
        assert_eq!(facts[1].attr("role"), Some("truststore"));
        assert_eq!(facts[1].attr("setting"), Some("javax.net.ssl.trustStore"));
        assert_eq!(&source.text[facts[1].span.range()], "conf/truststore.p12");
        assert_eq!(facts[2].kind, FactKind::Secret);
        assert_eq!(&source.text[facts[2].span.range()], "Fake-Pa55");
        assert_eq!(facts[0].attr("unresolved"), None);
        let (_, extraction) = run(
            "ssl.properties",
            "javax.net.ssl.trustStore=${CONF_DIR}/cacerts\nJAVA_OPTS=-Djavax.net.ssl.keyStore=%KS%\n",
        );
        assert_eq!(extraction.facts.len(), 2);
        assert!(
            extraction
                .facts
                .iter()
                .all(|f| f.attr("unresolved") == Some("true"))
        );
    }

    #[test]
    fn spans_are_bytes_after_non_ascii_and_bom_stripped_text() {
        // The BOM is stripped by `source::decode`, so the extractor sees
        // text that starts with the comment.
        let decoded =
            crate::source::decode("\u{feff}# réglages é\r\nhttps.protocols=TLSv1\r\n".as_bytes());
        let found = facts("prod.properties", &decoded.text);
        assert_eq!(found, [triple("tls.protocol", "TLSv1", "TLSv1")]);
        let text = "clé=x\nhttps.protocols=\\u0054LSv1.1\n";
        assert_eq!(
            facts("prod.properties", text),
            [triple("tls.protocol", "TLSv1.1", "\\u0054LSv1.1")]
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            key in proptest::sample::select(vec![
                "", "https.protocols=", "jdk.tls.disabledAlgorithms=", "java.home=",
                "sfdc.password=", "java.runtime.version=", "javax.net.ssl.keyStore=",
            ]),
            body in "[a-zA-Z0-9=: \\\\\t\r\n#!.,$'{}u_é\u{3000}-]{0,80}",
        ) {
            let text = format!("{key}{body}");
            let (_, extraction) = run("fuzz.properties", &text);
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }

    #[test]
    fn commented_out_settings_are_quiet() {
        let text =
            "#https.protocols=TLSv1\n! java.runtime.version=1.7\n   # sfdc.password=S3cret\n";
        assert!(facts("a.properties", text).is_empty());
    }
}
