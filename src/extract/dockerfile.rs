//! Dockerfiles: the Java a base image or an install step brings, and the
//! JVM options, Java homes and secrets set in `ENV`, `ARG` and `RUN`.
//!
//! The reader follows `BuildKit`'s parser: instructions are case-insensitive;
//! a line ending in the escape character (`\`, or a backtick after an
//! `# escape=` directive) continues, and comment or empty lines inside a continued
//! instruction are dropped; `RUN`/`COPY`/`ADD` heredocs (`<<EOF`) carry
//! their body; `RUN`, `CMD` and `ENTRYPOINT` may use the JSON exec form.
//! `ARG` and `ENV` values are substituted where Docker substitutes them
//! (`$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME:+alt}`), and a value
//! read through a variable is located where its literal is written.
//!
//! Every fact inside a build stage carries `stage`: `final` for the last
//! stage and the stages it is built `FROM`, `build` for the others (their
//! Java builds the artifact but does not run it).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use crate::extract::{
    activemq, boomi, curl, environment, fact_from_clue, java, java_ext, secrets, version_files,
};
use crate::extract::{anaplan_connect, salesforce};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;
use crate::version::Version;

/// Extracts the facts of a Dockerfile.
///
/// Facts: `java.version` from Java base images (source `dockerfile`), from
/// `ENV JAVA_VERSION` (source `dockerfile-env`), from `JAVA_HOME` and `PATH`
/// (`java-home`, `java-path`) and from packages and archives that `RUN`,
/// `ADD` and `COPY` name (`package`, `archive`, `java-path`); `tls.protocol`,
/// `cert.reference` and `secret` from JVM options anywhere; `secret` from
/// `ENV`/`ARG` values whose names say so.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut build = Build::new(source);
    build.escape = escape_directive(&source.text, &source.path, &mut build.problems);
    let instructions = read_instructions(&source.text, build.escape);
    for instruction in &instructions {
        build.apply(instruction);
    }
    build.finish()
}

// ---------------------------------------------------------------------------
// Text with raw positions.

/// Decoded (or expanded) text whose every `char` knows the raw bytes it was
/// read from, and through which variable reference it arrived, if any.
#[derive(Clone, Debug, Default)]
struct Mapped {
    text: String,
    /// One unit per `char` of `text`, in order.
    units: Vec<Unit>,
}

#[derive(Clone, Debug)]
struct Unit {
    /// Byte offset in `Mapped::text`.
    at: usize,
    /// The raw bytes of the file it was read from.
    raw: Range<usize>,
    /// The `$NAME` reference it was substituted through.
    via: Option<Range<usize>>,
}

impl Mapped {
    fn push(&mut self, c: char, raw: Range<usize>, via: Option<Range<usize>>) {
        self.units.push(Unit {
            at: self.text.len(),
            raw,
            via,
        });
        self.text.push(c);
    }

    fn push_raw(&mut self, &(offset, c): &(usize, char)) {
        self.push(c, offset..offset + c.len_utf8(), None);
    }

    /// Appends a variable's value, substituted through the reference at
    /// `via`.
    fn append(&mut self, value: &Mapped, via: &Range<usize>) {
        for (c, unit) in value.text.chars().zip(&value.units) {
            self.push(c, unit.raw.clone(), Some(via.clone()));
        }
    }

    /// The raw span of the text bytes `range`. A value that came whole
    /// through one variable is located where the variable's literal is
    /// written; one assembled from several pieces is located where it is
    /// assembled (`${MAJOR}u${UPDATE}`).
    fn span_of(&self, range: Range<usize>) -> Option<Span> {
        let inside: Vec<&Unit> = self
            .units
            .iter()
            .filter(|unit| unit.at >= range.start && unit.at < range.end)
            .collect();
        let (first, last) = (inside.first()?, inside.last()?);
        if inside.iter().all(|unit| unit.via == first.via) {
            return Some(Span::new(first.raw.start, last.raw.end));
        }
        let place = |unit: &&Unit| unit.via.clone().unwrap_or_else(|| unit.raw.clone());
        let start = inside.iter().map(|unit| place(unit).start).min()?;
        let end = inside.iter().map(|unit| place(unit).end).max()?;
        Some(Span::new(start, end))
    }

    /// The units of the text bytes `range`, as a text of their own.
    fn slice(&self, range: Range<usize>) -> Mapped {
        let mut out = Mapped::default();
        for (c, unit) in self.text.chars().zip(&self.units) {
            if unit.at >= range.start && unit.at < range.end {
                out.push(c, unit.raw.clone(), unit.via.clone());
            }
        }
        out
    }

    /// Words split at whitespace, with shell punctuation trimmed off their
    /// ends (`jre-8u112-linux-x64.tar.gz;`).
    fn words(&self) -> Vec<Mapped> {
        let punctuation = [';', '&', '|', '(', ')', '`', '"', '\''];
        let mut words = Vec::new();
        let mut start = None;
        let end = std::iter::once((self.text.len(), ' '));
        for (i, c) in self.text.char_indices().chain(end) {
            match (c.is_whitespace(), start) {
                (true, Some(from)) => {
                    let piece = &self.text[from..i];
                    let lead = piece.len() - piece.trim_start_matches(punctuation).len();
                    let word = piece.trim_matches(punctuation);
                    if !word.is_empty() {
                        words.push(self.slice(from + lead..from + lead + word.len()));
                    }
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        words
    }
}

// ---------------------------------------------------------------------------
// Reading: lines -> instructions.

/// One instruction: its keyword and its arguments, continuation escapes and
/// comment lines removed, heredoc bodies appended after a newline.
#[derive(Debug)]
struct Instruction {
    /// Upper-cased keyword (`RUN`).
    keyword: String,
    /// Where the keyword is written.
    keyword_span: Span,
    /// The arguments' `char`s with their raw offsets.
    args: Vec<(usize, char)>,
}

/// The escape character set by a `# escape=` parser directive (`\` unless
/// one says otherwise). Directives are only read before anything else.
fn escape_directive(text: &str, path: &Arc<str>, problems: &mut Vec<Problem>) -> char {
    let directive = static_regex!(r"^#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(\S+)[ \t]*$");
    let mut escape = '\\';
    for line in natural_lines(text) {
        let Some(caps) = directive.captures(&text[line.clone()]) else {
            break;
        };
        let (Some(key), Some(value)) = (caps.get(1), caps.get(2)) else {
            break;
        };
        match key.as_str().to_ascii_lowercase().as_str() {
            "escape" => match value.as_str() {
                "\\" => escape = '\\',
                "`" => escape = '`',
                other => problems.push(Problem::at(
                    path,
                    Span::new(line.start + value.start(), line.start + value.end()),
                    format!("the escape directive takes `\\` or a backtick, not `{other}`"),
                )),
            },
            "syntax" | "check" => {}
            // An unknown directive is a comment, and a comment ends the
            // directives.
            _ => break,
        }
    }
    escape
}

/// The instructions of a Dockerfile, in order.
fn read_instructions(text: &str, escape: char) -> Vec<Instruction> {
    let lines = natural_lines(text);
    let mut instructions = Vec::new();
    let mut next = 0;
    while next < lines.len() {
        let line = lines[next].clone();
        next += 1;
        let content = text[line.clone()].trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let mut chars = Vec::new();
        let mut segment = line.end - content.len()..line.end;
        loop {
            let (body, continues) = strip_continuation(text, segment, escape);
            chars.extend(
                text[body.clone()]
                    .char_indices()
                    .map(|(i, c)| (body.start + i, c)),
            );
            if !continues {
                break;
            }
            match next_content_line(text, &lines, &mut next) {
                Some(following) => segment = following,
                None => break,
            }
        }
        if let Some(mut instruction) = split_keyword(&chars) {
            append_heredocs(&mut instruction, text, &lines, &mut next);
            instructions.push(instruction);
        }
    }
    instructions
}

/// Line contents without terminators (`\n`, `\r\n` or a lone `\r`).
fn natural_lines(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' || bytes[i] == b'\r' {
            lines.push(start..i);
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    if start < bytes.len() {
        lines.push(start..bytes.len());
    }
    lines
}

/// Drops a trailing escape character (and blanks after it): the line
/// continues.
fn strip_continuation(text: &str, segment: Range<usize>, escape: char) -> (Range<usize>, bool) {
    let trimmed = text[segment.clone()].trim_end_matches([' ', '\t']);
    match trimmed.strip_suffix(escape) {
        Some(body) => (segment.start..segment.start + body.len(), true),
        None => (segment, false),
    }
}

/// The next line of a continued instruction: empty and comment lines in
/// between are skipped, as `BuildKit` does.
fn next_content_line(text: &str, lines: &[Range<usize>], next: &mut usize) -> Option<Range<usize>> {
    while *next < lines.len() {
        let line = lines[*next].clone();
        *next += 1;
        let content = text[line.clone()].trim_start();
        if !content.is_empty() && !content.starts_with('#') {
            return Some(line);
        }
    }
    None
}

fn split_keyword(chars: &[(usize, char)]) -> Option<Instruction> {
    let end = chars
        .iter()
        .position(|(_, c)| c.is_whitespace())
        .unwrap_or(chars.len());
    let (first, last) = (chars.first()?, chars.get(end.checked_sub(1)?)?);
    let keyword: String = chars[..end]
        .iter()
        .map(|&(_, c)| c.to_ascii_uppercase())
        .collect();
    let mut args = &chars[end..];
    while args.first().is_some_and(|(_, c)| c.is_whitespace()) {
        args = &args[1..];
    }
    while args.last().is_some_and(|(_, c)| c.is_whitespace()) {
        args = &args[..args.len() - 1];
    }
    Some(Instruction {
        keyword,
        keyword_span: Span::new(first.0, last.0 + last.1.len_utf8()),
        args: args.to_vec(),
    })
}

/// Appends the bodies of `<<EOF` heredocs after `RUN`, `COPY` and `ADD`,
/// consuming their lines.
fn append_heredocs(
    instruction: &mut Instruction,
    text: &str,
    lines: &[Range<usize>],
    next: &mut usize,
) {
    if !matches!(instruction.keyword.as_str(), "RUN" | "COPY" | "ADD") {
        return;
    }
    let marker =
        static_regex!(r#"(^|[^<])<<(-?)(?:"([A-Za-z_]\w*)"|'([A-Za-z_]\w*)'|([A-Za-z_]\w*))"#);
    let args: String = instruction.args.iter().map(|&(_, c)| c).collect();
    for caps in marker.captures_iter(&args) {
        let Some(name) = caps.get(3).or_else(|| caps.get(4)).or_else(|| caps.get(5)) else {
            continue;
        };
        let strip_tabs = caps.get(2).is_some_and(|dash| !dash.is_empty());
        while *next < lines.len() {
            let line = lines[*next].clone();
            let terminator = lines[*next - 1].end;
            *next += 1;
            let content = &text[line.clone()];
            let compared = if strip_tabs {
                content.trim_start_matches('\t')
            } else {
                content
            };
            if compared == name.as_str() {
                break;
            }
            instruction.args.push((terminator, '\n'));
            instruction
                .args
                .extend(content.char_indices().map(|(i, c)| (line.start + i, c)));
        }
    }
}

// ---------------------------------------------------------------------------
// Words and variables.

/// How [`expand`] reads arguments.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `FROM`, `ARG`, `ENV name=value`: quotes and escapes removed, variables
    /// substituted (unknown ones by nothing), split at blanks.
    Words,
    /// The value of legacy `ENV NAME value`: as `Words`, without splitting.
    Line,
    /// Shell-form commands: known variables substituted, all else as written
    /// (the shell, not Docker, reads it).
    Shell,
}

/// Variables in scope: `ENV` first (it overrides `ARG`), then `ARG`.
struct Scope<'a> {
    env: Option<&'a HashMap<String, Mapped>>,
    args: &'a HashMap<String, Mapped>,
}

impl Scope<'_> {
    fn get(&self, name: &str) -> Option<&Mapped> {
        self.env
            .and_then(|env| env.get(name))
            .or_else(|| self.args.get(name))
    }
}

/// What [`expand`] needs besides the text.
struct Reader<'a> {
    escape: char,
    scope: Scope<'a>,
    mode: Mode,
}

/// Reads `chars` as Docker does in `mode`; an unterminated quote is a
/// problem.
fn expand(
    chars: &[(usize, char)],
    reader: &Reader<'_>,
    path: &Arc<str>,
    problems: &mut Vec<Problem>,
) -> Vec<Mapped> {
    if reader.mode == Mode::Shell {
        let mut out = Mapped::default();
        let mut i = 0;
        while i < chars.len() {
            i = substitute(chars, i, reader, &mut out);
        }
        return vec![out];
    }
    let mut words = Vec::new();
    let mut word: Option<Mapped> = None;
    let mut quote: Option<(char, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        if quote.is_none() && c.is_whitespace() && reader.mode == Mode::Words {
            words.extend(word.take());
            i += 1;
            continue;
        }
        let current = word.get_or_insert_with(Mapped::default);
        match quote {
            None if c == '"' || c == '\'' => {
                quote = Some((c, offset));
                i += 1;
            }
            Some(('\'', _)) if c != '\'' => {
                current.push_raw(&chars[i]);
                i += 1;
            }
            Some((q, _)) if c == q => {
                quote = None;
                i += 1;
            }
            _ if c == reader.escape
                && i + 1 < chars.len()
                && escapes(quote, chars[i + 1].1, reader.escape) =>
            {
                let (next_offset, next) = chars[i + 1];
                current.push(next, offset..next_offset + next.len_utf8(), None);
                i += 2;
            }
            _ => i = substitute(chars, i, reader, current),
        }
    }
    if let Some((_, start)) = quote {
        let end = chars.last().map_or(start, |&(o, c)| o + c.len_utf8());
        problems.push(Problem::at(
            path,
            Span::new(start, end),
            "unterminated quote",
        ));
    }
    words.extend(word);
    words
}

/// Whether the escape character escapes `next`: always outside quotes;
/// inside double quotes only before `"`, `$` and itself.
fn escapes(quote: Option<(char, usize)>, next: char, escape: char) -> bool {
    quote.is_none() || next == '"' || next == '$' || next == escape
}

/// Reads `chars[i]`: a variable reference is substituted, anything else is
/// copied. Returns the index after what was read.
fn substitute(chars: &[(usize, char)], i: usize, reader: &Reader<'_>, out: &mut Mapped) -> usize {
    if chars[i].1 != '$' {
        out.push_raw(&chars[i]);
        return i + 1;
    }
    let Some(reference) = parse_reference(chars, i) else {
        out.push_raw(&chars[i]);
        return i + 1;
    };
    let end = reference.end;
    let via = chars[i].0..chars[end - 1].0 + 1;
    let value = reader.scope.get(&reference.name);
    let set = value.is_some_and(|v| !v.text.is_empty());
    match (&reference.operator, value) {
        (None, Some(value)) => out.append(value, &via),
        (Some(Operator::Default(_)), Some(value)) if set => out.append(value, &via),
        (Some(Operator::Default(word)), _) => word.iter().for_each(|c| out.push_raw(c)),
        (Some(Operator::Alternative(word)), _) if set => word.iter().for_each(|c| out.push_raw(c)),
        (Some(Operator::Alternative(_)), _) => {}
        (Some(Operator::Unknown), _) | (None, None) => {
            // Docker substitutes nothing for an unset variable; the shell
            // may know it, so a command keeps the reference as written.
            if reader.mode == Mode::Shell {
                chars[i..end].iter().for_each(|c| out.push_raw(c));
            }
        }
    }
    end
}

struct Reference {
    name: String,
    operator: Option<Operator>,
    /// Index after the reference.
    end: usize,
}

enum Operator {
    /// `${NAME:-word}`
    Default(Vec<(usize, char)>),
    /// `${NAME:+word}`
    Alternative(Vec<(usize, char)>),
    /// Any other modifier (`${NAME%%.*}`): not evaluated.
    Unknown,
}

/// `$NAME` or `${NAME...}` at `chars[i]` (which is `$`).
fn parse_reference(chars: &[(usize, char)], i: usize) -> Option<Reference> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let name_at = |start: usize| -> String {
        chars[start..]
            .iter()
            .map(|&(_, c)| c)
            .take_while(|&c| is_name(c))
            .collect()
    };
    match chars.get(i + 1)?.1 {
        '{' => {
            let close = i + 2 + chars[i + 2..].iter().position(|&(_, c)| c == '}')?;
            let name = name_at(i + 2);
            if name.is_empty() || close < i + 2 + name.len() {
                return None;
            }
            let modifier = &chars[i + 2 + name.len()..close];
            let text: String = modifier.iter().map(|&(_, c)| c).collect();
            let operator = if text.is_empty() {
                None
            } else if text.starts_with(":-") {
                Some(Operator::Default(modifier[2..].to_vec()))
            } else if text.starts_with(":+") {
                Some(Operator::Alternative(modifier[2..].to_vec()))
            } else {
                Some(Operator::Unknown)
            };
            Some(Reference {
                name,
                operator,
                end: close + 1,
            })
        }
        c if c.is_ascii_alphabetic() || c == '_' => {
            let name = name_at(i + 1);
            let end = i + 1 + name.chars().count();
            Some(Reference {
                name,
                operator: None,
                end,
            })
        }
        _ => None,
    }
}

/// The strings of a JSON exec form (`["java", "-jar", "app.jar"]`), or
/// `None` when the arguments are not one (Docker then runs them as shell).
fn exec_form(chars: &[(usize, char)]) -> Option<Vec<Mapped>> {
    let mut i = 0;
    let skip_blanks = |i: &mut usize| {
        while chars.get(*i).is_some_and(|(_, c)| c.is_whitespace()) {
            *i += 1;
        }
    };
    if chars.first()?.1 != '[' {
        return None;
    }
    i += 1;
    skip_blanks(&mut i);
    let mut items = Vec::new();
    if chars.get(i)?.1 != ']' {
        loop {
            let (item, after) = json_string(chars, i)?;
            items.push(item);
            i = after;
            skip_blanks(&mut i);
            match chars.get(i)?.1 {
                ',' => {
                    i += 1;
                    skip_blanks(&mut i);
                }
                ']' => break,
                _ => return None,
            }
        }
    }
    i += 1;
    skip_blanks(&mut i);
    (i == chars.len()).then_some(items)
}

/// A JSON string starting at `chars[i]` (a `"`), and the index after it.
fn json_string(chars: &[(usize, char)], mut i: usize) -> Option<(Mapped, usize)> {
    if chars.get(i)?.1 != '"' {
        return None;
    }
    i += 1;
    let mut out = Mapped::default();
    loop {
        let (offset, c) = *chars.get(i)?;
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => {
                let escape = chars.get(i + 1)?.1;
                let (decoded, len) = match escape {
                    'b' => ('\u{8}', 2),
                    'f' => ('\u{c}', 2),
                    'n' => ('\n', 2),
                    'r' => ('\r', 2),
                    't' => ('\t', 2),
                    'u' => {
                        let hex: String =
                            chars.get(i + 2..i + 6)?.iter().map(|&(_, c)| c).collect();
                        (char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?, 6)
                    }
                    other => (other, 2),
                };
                let (last_offset, last) = chars[i + len - 1];
                out.push(decoded, offset..last_offset + last.len_utf8(), None);
                i += len;
            }
            _ => {
                out.push_raw(&chars[i]);
                i += 1;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Build stages and facts.

#[derive(Debug, Default)]
struct Stage {
    /// `AS name`, lower-cased.
    name: Option<String>,
    /// The stage this one is built `FROM`, if any.
    parent: Option<usize>,
    args: HashMap<String, Mapped>,
    env: HashMap<String, Mapped>,
}

/// What the instructions so far have set up.
struct Build<'a> {
    source: &'a SourceFile,
    escape: char,
    /// `ARG`s before the first `FROM`: the only variables `FROM` sees.
    global_args: HashMap<String, Mapped>,
    stages: Vec<Stage>,
    /// Facts with the stage they were read in.
    facts: Vec<(Option<usize>, Fact)>,
    problems: Vec<Problem>,
}

/// `ENV` names whose value is the Java version an image ships.
const JAVA_VERSION_NAMES: [&str; 5] = [
    "JAVA_VERSION",
    "JDK_VERSION",
    "JRE_VERSION",
    "JAVA_VERSION_MAJOR",
    "JAVA_MAJOR_VERSION",
];

const INSTRUCTIONS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

impl<'a> Build<'a> {
    fn new(source: &'a SourceFile) -> Self {
        Self {
            source,
            escape: '\\',
            global_args: HashMap::new(),
            stages: Vec::new(),
            facts: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn apply(&mut self, instruction: &Instruction) {
        let keyword = instruction.keyword.as_str();
        if self.stages.is_empty()
            && !matches!(keyword, "ARG" | "FROM")
            && INSTRUCTIONS.contains(&keyword)
        {
            self.problem(
                instruction.keyword_span,
                format!("`{keyword}` before the first `FROM`"),
            );
        }
        match keyword {
            "FROM" => self.from(instruction),
            "ARG" => self.arg(instruction),
            "ENV" => self.env(instruction),
            "RUN" => self.command(instruction, Some("package")),
            "CMD" | "ENTRYPOINT" => self.command(instruction, Some("java-path")),
            "ADD" | "COPY" => {
                self.command(instruction, Some("java-path"));
                self.copy_into_ext(instruction);
            }
            "HEALTHCHECK" => self.command(instruction, None),
            "ONBUILD" => self.onbuild(instruction),
            _ if INSTRUCTIONS.contains(&keyword) => {}
            _ => self.problem(
                instruction.keyword_span,
                format!("unknown instruction `{keyword}`"),
            ),
        }
    }

    fn finish(self) -> Extraction {
        // The image is the last stage plus every stage it is built FROM.
        let mut runtime = HashSet::new();
        let mut at = self.stages.len().checked_sub(1);
        while let Some(index) = at {
            if !runtime.insert(index) {
                break;
            }
            at = self.stages[index].parent;
        }
        let facts = self
            .facts
            .into_iter()
            .map(|(stage, fact)| match stage {
                Some(index) if runtime.contains(&index) => fact.with("stage", "final"),
                Some(_) => fact.with("stage", "build"),
                None => fact,
            })
            .collect();
        Extraction {
            facts,
            problems: self.problems,
        }
    }

    fn problem(&mut self, span: Span, message: impl Into<String>) {
        self.problems
            .push(Problem::at(&self.source.path, span, message));
    }

    fn push(&mut self, fact: Fact) {
        self.facts.push((self.stages.len().checked_sub(1), fact));
    }

    /// Reads `chars` in `mode` with the variables of the current stage (of
    /// the global `ARG`s when `global`, as `FROM` does).
    fn read(&mut self, chars: &[(usize, char)], mode: Mode, global: bool) -> Vec<Mapped> {
        let scope = match self.stages.last() {
            Some(stage) if !global => Scope {
                env: Some(&stage.env),
                args: &stage.args,
            },
            _ => Scope {
                env: None,
                args: &self.global_args,
            },
        };
        let reader = Reader {
            escape: self.escape,
            scope,
            mode,
        };
        let mut problems = Vec::new();
        let words = expand(chars, &reader, &self.source.path, &mut problems);
        self.problems.extend(problems);
        words
    }

    /// `FROM [--platform=...] image[:tag][@digest] [AS name]`.
    fn from(&mut self, instruction: &Instruction) {
        let words = self.read(&instruction.args, Mode::Words, true);
        let mut words = words
            .into_iter()
            .filter(|word| !word.text.starts_with("--"));
        let image = words.next();
        let name = match (words.next(), words.next()) {
            (None, _) => None,
            (Some(as_), Some(name)) if as_.text.eq_ignore_ascii_case("as") => {
                Some(name.text.to_ascii_lowercase())
            }
            _ => {
                self.problem(instruction.keyword_span, "expected `FROM image [AS name]`");
                None
            }
        };
        let Some(image) = image else {
            self.problem(instruction.keyword_span, "`FROM` without an image");
            self.stages.push(Stage::default());
            return;
        };
        let lower = image.text.to_ascii_lowercase();
        let parent = self
            .stages
            .iter()
            .rposition(|stage| stage.name.as_deref() == Some(lower.as_str()));
        let env = parent
            .map(|index| self.stages[index].env.clone())
            .unwrap_or_default();
        self.stages.push(Stage {
            name,
            parent,
            args: HashMap::new(),
            env,
        });
        if parent.is_none()
            && let Some(fact) = image_java_version(&image, &self.source.path)
        {
            self.push(fact);
        }
        if let Some(range) = boomi::runtime_image(&image.text)
            && let Some(span) = image.span_of(range)
        {
            self.push(boomi::runtime_use(&self.source.path, span));
        }
    }

    /// `ARG NAME[=default] ...`.
    fn arg(&mut self, instruction: &Instruction) {
        let words = self.read(&instruction.args, Mode::Words, false);
        if words.is_empty() {
            self.problem(instruction.keyword_span, "`ARG` without a name");
        }
        for word in words {
            let (name, value) = match word.text.find('=') {
                Some(eq) => (
                    word.text[..eq].to_owned(),
                    Some(word.slice(eq + 1..word.text.len())),
                ),
                None => (word.text.clone(), None),
            };
            if let Some(value) = &value {
                self.secret(&name, value);
            }
            match self.stages.last_mut() {
                None => {
                    self.global_args.insert(name, value.unwrap_or_default());
                }
                Some(stage) => {
                    // A bare `ARG NAME` in a stage brings the global default in.
                    let value = value
                        .or_else(|| self.global_args.get(&name).cloned())
                        .unwrap_or_default();
                    stage.args.insert(name, value);
                }
            }
        }
    }

    /// `ENV NAME=value ...` or the legacy `ENV NAME value`.
    fn env(&mut self, instruction: &Instruction) {
        for (name, value) in self.env_pairs(instruction) {
            self.variable_facts(&name, &value);
            if let Some(stage) = self.stages.last_mut() {
                stage.env.insert(name, value);
            }
        }
    }

    fn env_pairs(&mut self, instruction: &Instruction) -> Vec<(String, Mapped)> {
        let args = &instruction.args;
        let blank = args.iter().position(|(_, c)| c.is_whitespace());
        let first = &args[..blank.unwrap_or(args.len())];
        if !first.is_empty() && !first.iter().any(|&(_, c)| c == '=') {
            let name: String = first.iter().map(|&(_, c)| c).collect();
            let rest = blank.map_or(&args[args.len()..], |b| &args[b..]);
            let start = rest.iter().position(|(_, c)| !c.is_whitespace());
            let Some(start) = start else {
                self.problem(
                    instruction.keyword_span,
                    format!("`ENV {name}` without a value"),
                );
                return Vec::new();
            };
            let value = self
                .read(&rest[start..], Mode::Line, false)
                .pop()
                .unwrap_or_default();
            return vec![(name, value)];
        }
        let words = self.read(args, Mode::Words, false);
        if words.is_empty() {
            self.problem(instruction.keyword_span, "`ENV` without a name");
        }
        let mut pairs = Vec::new();
        for word in words {
            match word.text.find('=') {
                Some(eq) if eq > 0 => pairs.push((
                    word.text[..eq].to_owned(),
                    word.slice(eq + 1..word.text.len()),
                )),
                _ => {
                    let span = word
                        .span_of(0..word.text.len())
                        .unwrap_or(instruction.keyword_span);
                    self.problem(
                        span,
                        format!("expected `NAME=value` in `ENV`, found `{}`", word.text),
                    );
                }
            }
        }
        pairs
    }

    /// Facts from an `ENV` variable's value.
    fn variable_facts(&mut self, name: &str, value: &Mapped) {
        let upper = name.to_ascii_uppercase();
        let path = Arc::clone(&self.source.path);
        if JAVA_VERSION_NAMES.contains(&upper.as_str())
            && let Some(fact) = env_java_version(value, &path)
        {
            self.push(fact);
        }
        let origin = if ["JAVA_HOME", "JDK_HOME", "JRE_HOME"]
            .iter()
            .any(|home| upper.ends_with(home))
        {
            Some("java-home")
        } else if upper == "PATH" {
            Some("java-path")
        } else {
            None
        };
        if let Some(origin) = origin {
            for clue in java::java_versions(&value.text) {
                if let Some(fact) = fact_at(clue, value, &path) {
                    self.push(with_default_source(fact, origin));
                }
            }
        }
        // Environment clues first: a duplicate found again by the generic
        // scan is dropped later, and these carry more (`product`).
        for clue in environment::clues(name, &value.text) {
            if let Some(fact) = fact_at(clue, value, &path) {
                self.push(fact);
            }
        }
        self.jvm_options(value);
        self.secret(name, value);
    }

    fn secret(&mut self, name: &str, value: &Mapped) {
        if secrets::is_secret_name(name)
            && !secrets::is_placeholder(&value.text)
            && let Some(span) = value.span_of(0..value.text.len())
        {
            let fact = Fact::secret(&self.source.path, span, name);
            self.push(fact);
        }
    }

    fn jvm_options(&mut self, text: &Mapped) {
        let clues = java::jvm_options(&text.text)
            .into_iter()
            .chain(environment::node_flags(&text.text))
            .chain(activemq::uri_clues(&text.text));
        for clue in clues {
            if let Some(fact) = fact_at(clue, text, &self.source.path) {
                self.push(fact);
            }
        }
    }

    /// Anaplan Connect in an image: its jar (`COPY anaplan-connect-1.4.4.jar`)
    /// gives the client's version.
    fn anaplan_connect(&mut self, text: &Mapped) {
        let clues = anaplan_connect::jar_versions(&text.text);
        for clue in clues.into_iter().chain(salesforce::word_clues(&text.text)) {
            if let Some(fact) = fact_at(clue, text, &self.source.path) {
                self.push(fact);
            }
        }
    }

    /// `RUN`, `CMD`, `ENTRYPOINT`, `ADD`, `COPY`, `HEALTHCHECK`: JVM options
    /// anywhere, and (unless `source` is `None`) Java versions in each word.
    fn command(&mut self, instruction: &Instruction, source: Option<&str>) {
        let exec = exec_form(&instruction.args);
        let is_exec = exec.is_some();
        let texts = match exec {
            Some(items) => items,
            None => self.read(&instruction.args, Mode::Shell, false),
        };
        self.downloads(&texts, is_exec);
        if matches!(instruction.keyword.as_str(), "RUN" | "CMD" | "ENTRYPOINT") {
            self.ext_copies(&texts, is_exec);
        }
        for text in &texts {
            self.jvm_options(text);
            self.anaplan_connect(text);
            let Some(source) = source else { continue };
            for word in text.words() {
                // `openjdk-8-jre` is a package, `/opt/jdk1.8.0_161/bin` a path.
                let origin = if word.text.contains(['/', '\\']) {
                    "java-path"
                } else {
                    source
                };
                for clue in java::java_versions(&word.text) {
                    if let Some(fact) = fact_at(clue, &word, &self.source.path) {
                        self.push(with_default_source(fact, origin));
                    }
                }
            }
        }
    }

    /// `curl -k`, `wget --no-check-certificate` and their TLS switches, in
    /// an exec-form array (one word per item) or in shell-form lines.
    fn downloads(&mut self, texts: &[Mapped], is_exec: bool) {
        let path = Arc::clone(&self.source.path);
        if is_exec {
            let words: Vec<&str> = texts.iter().map(|t| t.text.as_str()).collect();
            for located in curl::analyze(&words) {
                if let Some(word) = texts.get(located.word)
                    && let Some(fact) = fact_at(located.clue, word, &path)
                {
                    self.push(fact);
                }
            }
            return;
        }
        for text in texts {
            let ranges = curl::command_words(&text.text);
            let words: Vec<&str> = ranges.iter().map(|r| &text.text[r.clone()]).collect();
            for located in curl::analyze(&words) {
                let Some(range) = ranges.get(located.word) else {
                    continue;
                };
                let mut clue = located.clue;
                clue.range = clue.range.start + range.start..clue.range.end + range.start;
                if let Some(fact) = fact_at(clue, text, &path) {
                    self.push(fact);
                }
            }
        }
    }

    /// `COPY`/`ADD` into a Java home's `lib/ext`: the last word is the
    /// destination (`--from`, `--chown` and other flags aside; heredoc
    /// copies write text, not jars). Unknown variables stay as written, so
    /// the span shows `$JAVA_HOME/lib/ext/` whether or not the Dockerfile
    /// sets `JAVA_HOME` itself (the base image usually does).
    fn copy_into_ext(&mut self, instruction: &Instruction) {
        // Flags come first, even before a JSON array: `COPY --chown=a:b ["x", "y"]`.
        let args = &instruction.args;
        let mut at = 0;
        loop {
            while args.get(at).is_some_and(|&(_, c)| c.is_whitespace()) {
                at += 1;
            }
            let flag = args.get(at).is_some_and(|&(_, c)| c == '-')
                && args.get(at + 1).is_some_and(|&(_, c)| c == '-');
            if !flag {
                break;
            }
            while args.get(at).is_some_and(|&(_, c)| !c.is_whitespace()) {
                at += 1;
            }
        }
        let rest = args.get(at..).unwrap_or_default();
        let words = match exec_form(rest) {
            Some(items) => items,
            None => self
                .read(rest, Mode::Shell, false)
                .pop()
                .unwrap_or_default()
                .words(),
        };
        if words.iter().any(|w| w.text.starts_with("<<")) {
            return;
        }
        let words: Vec<&Mapped> = words.iter().filter(|w| !w.text.starts_with("--")).collect();
        let [first, .., dest] = words.as_slice() else {
            return;
        };
        if java_ext::ext_dir_segment(&dest.text).is_none() {
            return;
        }
        let Some(span) = dest.span_of(0..dest.text.len()) else {
            return;
        };
        let Some(written) = self.source.text.get(span.range()) else {
            return;
        };
        let fact = Fact::new(FactKind::JavaExtDir, written, &self.source.path, span)
            .with("source", java_ext::COPY)
            .with("setting", instruction.keyword.as_str())
            .with("file", java_ext::file_name(&first.text));
        self.push(fact);
    }

    /// `cp`, `mv`, `curl -o`, ... into a Java home's `lib/ext` in `RUN`,
    /// `CMD` or `ENTRYPOINT`: per line of a shell form (heredoc lines are
    /// commands of their own), or the exec-form array.
    fn ext_copies(&mut self, texts: &[Mapped], is_exec: bool) {
        let mut found = Vec::new();
        if is_exec {
            let words: Vec<&str> = texts.iter().map(|t| t.text.as_str()).collect();
            for located in java_ext::copies(&words) {
                if let Some(text) = texts.get(located.word) {
                    found.push((text, located.clue));
                }
            }
        } else {
            for text in texts {
                let mut line_start = 0;
                for line in text.text.split_inclusive('\n') {
                    let ranges = curl::command_words(line);
                    let words: Vec<&str> = ranges.iter().map(|r| &line[r.clone()]).collect();
                    for located in java_ext::copies(&words) {
                        let Some(range) = ranges.get(located.word) else {
                            continue;
                        };
                        let mut clue = located.clue;
                        let at = line_start + range.start;
                        clue.range = clue.range.start + at..clue.range.end + at;
                        found.push((text, clue));
                    }
                    line_start += line.len();
                }
            }
        }
        for (text, clue) in found {
            if let Some(mut fact) = fact_at(clue, text, &self.source.path)
                && let Some(written) = self.source.text.get(fact.span.range())
            {
                written.clone_into(&mut fact.value);
                self.push(fact);
            }
        }
    }

    /// `ONBUILD RUN ...`: read the inner instruction as if written alone.
    fn onbuild(&mut self, instruction: &Instruction) {
        let Some(inner) = split_keyword(&instruction.args) else {
            self.problem(instruction.keyword_span, "`ONBUILD` without an instruction");
            return;
        };
        if matches!(inner.keyword.as_str(), "FROM" | "ONBUILD") {
            self.problem(
                inner.keyword_span,
                format!("`ONBUILD {}` is not allowed", inner.keyword),
            );
            return;
        }
        self.apply(&inner);
    }
}

/// A fact from a clue found in `text`, located in the raw file.
fn fact_at(clue: java::Clue, text: &Mapped, path: &Arc<str>) -> Option<Fact> {
    let span = text.span_of(clue.range.clone())?;
    let mut fact = fact_from_clue(clue, path, 0);
    fact.span = span;
    Some(mark_unresolved(fact))
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

/// `ENV JAVA_VERSION=8u151` (also `jdk8u352-b08`, `jdk-17.0.5+8`, the
/// spellings of the official images).
fn env_java_version(value: &Mapped, path: &Arc<str>) -> Option<Fact> {
    let range = leading_version(&value.text)?;
    let version = &value.text[range.clone()];
    Version::parse_java(version).ok()?;
    Some(
        Fact::new(FactKind::JavaVersion, version, path, value.span_of(range)?)
            .with("source", "dockerfile-env"),
    )
}

// ---------------------------------------------------------------------------
// Java base images.

/// The Java version a base image reference names, as written in its tag or
/// repository name.
fn image_java_version(image: &Mapped, path: &Arc<str>) -> Option<Fact> {
    let found = image_java(&image.text)?;
    Some(
        Fact::new(
            FactKind::JavaVersion,
            found.value,
            path,
            image.span_of(found.range)?,
        )
        .with("source", "dockerfile")
        .with("image", found.repository),
    )
}

/// The Java version an image reference names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageJava {
    /// Where the version is written in the reference.
    pub range: Range<usize>,
    /// The version: as written, or converted from Corretto's numbering.
    pub value: String,
    /// The repository as written (`openjdk`, `docker.io/library/openjdk`).
    pub repository: String,
}

/// The Java version an image reference (`openjdk:7u80-jre`,
/// `maven:3-jdk-8`, `adoptopenjdk/openjdk8`) names in its tag or
/// repository name, if it names one. Compose files, Kubernetes manifests and
/// CI configs use it for their images too.
pub(crate) fn image_java(text: &str) -> Option<ImageJava> {
    let reference = &text[..text.find('@').unwrap_or(text.len())];
    let name_start = reference.rfind('/').map_or(0, |slash| slash + 1);
    let (repository, tag) = match reference[name_start..].find(':') {
        Some(colon) => (
            &reference[..name_start + colon],
            Some(name_start + colon + 1..reference.len()),
        ),
        None => (reference, None),
    };
    let repository_path = repository_path(repository);
    let in_tag = |find: fn(&str) -> Option<Range<usize>>| {
        let tag = tag.clone()?;
        find(&text[tag.clone()]).map(|r| tag.start + r.start..tag.start + r.end)
    };
    let leading = if is_java_image(&repository_path) {
        in_tag(leading_version)
    } else {
        None
    };
    let range = leading
        .or_else(|| in_tag(marked_version))
        .or_else(|| repository_version(&repository_path, repository))?;
    let written = &text[range.clone()];
    // Corretto tags such as `8.392.08.1` use Corretto's numbering.
    let value = if repository_path.contains("corretto") {
        version_files::corretto_version(written).unwrap_or_else(|| written.to_owned())
    } else {
        written.to_owned()
    };
    Version::parse_java(&value).ok()?;
    Some(ImageJava {
        range,
        value,
        repository: repository.to_owned(),
    })
}

/// The repository without registry host and `library/`, lower-cased:
/// `docker.io/library/openjdk` -> `openjdk`, `mcr.microsoft.com/openjdk/jdk`
/// -> `openjdk/jdk`.
fn repository_path(repository: &str) -> String {
    let lower = repository.to_ascii_lowercase();
    let mut path = lower.as_str();
    if let Some((host, rest)) = path.split_once('/')
        && (host.contains(['.', ':']) || host == "localhost")
    {
        path = rest;
    }
    path.strip_prefix("library/").unwrap_or(path).to_owned()
}

/// Images whose tag starts with the Java version (`openjdk:8-jre`,
/// `eclipse-temurin:17.0.2_8-jdk`, `ibm-semeru-runtimes:open-17-jre`).
fn is_java_image(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        "openjdk"
            | "eclipse-temurin"
            | "adoptopenjdk"
            | "amazoncorretto"
            | "ibmjava"
            | "ibm-semeru-runtimes"
            | "sapmachine"
            | "zulu-openjdk"
            | "rhel-java"
            | "aws-lambda-java"
    ) || [
        "zulu-openjdk-",
        "liberica-openjdk",
        "liberica-openjre",
        "liberica-runtime-container",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
        || matches!(
            path,
            "java" | "openjdk/jdk" | "distroless/java" | "lambda/java" | "bitnami/java"
        )
}

/// The version a tag starts with: `8`, `7u80`, `8u152-b16`, `11.0.2`,
/// `17.0.2_8`, `21-ea`, after an optional `jdk-`/`open-`-style prefix.
fn leading_version(tag: &str) -> Option<Range<usize>> {
    let pattern = static_regex!(
        r"^(?:(?:open-jdk|certified|openjdk|open|jdk|jre)-?)?(\d+(?:u\d+|(?:\.\d+)*(?:[_+]\d+)?)(?:-b\d+)?(?:-ea)?)(?:$|[-_.+])"
    );
    pattern.captures(tag)?.get(1).map(|m| m.range())
}

/// The version after a Java marker inside a tag: `maven:3-jdk-8`,
/// `maven:3.8-openjdk-11`, `maven:3-eclipse-temurin-17`, `gradle:jdk11`,
/// `tomcat:8.5-jre7`, `adoptopenjdk/openjdk8:jdk8u152-b16`.
fn marked_version(tag: &str) -> Option<Range<usize>> {
    let pattern = static_regex!(
        r"(?i)(?:^|[-_.])(?:eclipse-temurin|temurin|amazoncorretto|corretto|ibm-semeru-runtimes|semeru|ibmjava|sapmachine|openjdk|liberica|zulu|jdk|jre)-?(\d+(?:u\d+|(?:\.\d+)*(?:[_+]\d+)?)(?:-b\d+)?)(?:$|[-_.+])"
    );
    pattern.captures(tag)?.get(1).map(|m| m.range())
}

/// The version in a repository name: `adoptopenjdk/openjdk8`,
/// `ubi8/openjdk-11`, `distroless/java17-debian12`.
fn repository_version(path: &str, repository: &str) -> Option<Range<usize>> {
    // Red Hat's `redhat-openjdk-18/openjdk18-openshift` is Java 1.8, not 18.
    if path.starts_with("redhat-openjdk-18/") {
        return None;
    }
    let pattern =
        static_regex!(r"(?i)^(?:openjdk|java|jdk|jre|temurin|zulu|corretto)-?(\d{1,2})(?:$|[-_])");
    let name_start = repository.rfind('/').map_or(0, |slash| slash + 1);
    let found = pattern.captures(&repository[name_start..])?.get(1)?;
    Some(name_start + found.start()..name_start + found.end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (SourceFile, Extraction) {
        let source = SourceFile::new("Dockerfile", text);
        let mut extraction = extract(&source);
        extraction.facts.sort_by_key(|fact| (fact.span, fact.kind));
        (source, extraction)
    }

    /// `(kind, value, raw text under the span, source, stage)` per fact.
    fn facts(text: &str) -> Vec<(String, String, String, String, String)> {
        let (source, extraction) = run(text);
        extraction
            .facts
            .iter()
            .map(|fact| {
                (
                    fact.kind.name().to_owned(),
                    fact.value.clone(),
                    source.text[fact.span.range()].to_owned(),
                    fact.attr("source").unwrap_or("").to_owned(),
                    fact.attr("stage").unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    fn java(
        value: &str,
        raw: &str,
        source: &str,
        stage: &str,
    ) -> (String, String, String, String, String) {
        fact("java.version", value, raw, source, stage)
    }

    fn fact(
        kind: &str,
        value: &str,
        raw: &str,
        source: &str,
        stage: &str,
    ) -> (String, String, String, String, String) {
        (
            kind.to_owned(),
            value.to_owned(),
            raw.to_owned(),
            source.to_owned(),
            stage.to_owned(),
        )
    }

    /// The version written in the tag of `FROM <image>`, if any.
    fn image_version(image: &str) -> Option<(String, String)> {
        let (source, extraction) = run(&format!("FROM {image}\n"));
        let fact = extraction
            .facts
            .into_iter()
            .find(|f| f.kind == FactKind::JavaVersion)?;
        Some((
            fact.value.clone(),
            source.text[fact.span.range()].to_owned(),
        ))
    }

    #[test]
    fn java_base_images() {
        for (image, version) in [
            ("openjdk:7u80-jre", "7u80"),
            ("eclipse-temurin:8u152-b16-jre", "8u152-b16"),
            ("openjdk:8-jre", "8"),
            ("openjdk:11.0.2-jdk", "11.0.2"),
            ("eclipse-temurin:17.0.2_8-jre-focal", "17.0.2_8"),
            ("adoptopenjdk/openjdk8:jdk8u152-b16", "8u152-b16"),
            ("adoptopenjdk/openjdk11:alpine", "11"),
            ("adoptopenjdk:11-jre-hotspot", "11"),
            ("azul/zulu-openjdk:7", "7"),
            ("azul/zulu-openjdk-alpine:11.0.21", "11.0.21"),
            ("amazoncorretto:8", "8"),
            ("ibmjava:8-jre", "8"),
            ("ibm-semeru-runtimes:open-17-jre", "17"),
            ("bellsoft/liberica-openjdk-alpine:11.0.9-11", "11.0.9"),
            ("sapmachine:11", "11"),
            ("java:8", "8"),
            ("java:openjdk-8u111-jre", "8u111"),
            ("maven:3-jdk-8", "8"),
            ("maven:3.8-openjdk-11", "11"),
            ("maven:3-eclipse-temurin-17", "17"),
            ("gradle:jdk11", "11"),
            ("tomcat:8.5-jre7", "7"),
            ("tomcat:9-jdk11", "11"),
            ("tomcat:9.0-jdk8-openjdk", "8"),
            ("boomi/rhel-java:8u261", "8u261"),
            (
                "docker.io/library/openjdk:8u312-jre-slim@sha256:0123abcd",
                "8u312",
            ),
            ("mcr.microsoft.com/openjdk/jdk:17-ubuntu", "17"),
            ("registry.access.redhat.com/ubi8/openjdk-11:1.3", "11"),
            ("gcr.io/distroless/java17-debian12", "17"),
            ("--platform=linux/amd64 openjdk:8-jre AS base", "8"),
        ] {
            assert_eq!(
                image_version(image),
                Some((version.to_owned(), version.to_owned())),
                "{image}"
            );
        }
    }

    #[test]
    fn images_without_a_java_version() {
        for image in [
            "openjdk:latest",
            "openjdk",
            "eclipse-temurin:lts",
            "ibmjava:jre",
            "openjdk@sha256:0123abcd",
            "maven:3.9.6",
            "node:18-alpine",
            "alpine:3.18",
            "ubuntu:22.04",
            "scratch",
            "myorg/java-app:1.2.3",
            "redhat-openjdk-18/openjdk18-openshift",
        ] {
            assert_eq!(image_version(image), None, "{image}");
        }
    }

    #[test]
    fn corretto_numbering_is_converted() {
        assert_eq!(
            image_version("amazoncorretto:8.392.08.1-al2"),
            Some(("8u392-b08".to_owned(), "8.392.08.1".to_owned()))
        );
    }

    #[test]
    fn build_stages_are_marked() {
        let text = "FROM maven:3-jdk-8 AS build\nRUN mvn package\n\nFROM openjdk:11-jre\nCOPY --from=build /app.jar /app.jar\n";
        assert_eq!(
            facts(text),
            [
                java("8", "8", "dockerfile", "build"),
                java("11", "11", "dockerfile", "final")
            ]
        );
        let (_, extraction) = run(text);
        assert_eq!(extraction.facts[0].attr("image"), Some("maven"));
        assert_eq!(extraction.facts[1].attr("image"), Some("openjdk"));
    }

    #[test]
    fn a_stage_the_final_one_builds_on_is_final_too() {
        let text = "FROM eclipse-temurin:17-jre AS base\nENV JAVA_OPTS=\"-Dhttps.protocols=TLSv1.2\"\nFROM maven:3-jdk-8 AS build\nFROM base\n";
        let found = facts(text);
        assert_eq!(found[0], java("17", "17", "dockerfile", "final"));
        assert_eq!(
            found[1],
            fact("tls.protocol", "TLSv1.2", "TLSv1.2", "", "final")
        );
        assert_eq!(found[2], java("8", "8", "dockerfile", "build"));
    }

    #[test]
    fn args_resolve_into_from_and_are_located_where_written() {
        let text =
            "ARG JAVA_VERSION=11.0.2\nARG BASE=eclipse-temurin\nFROM ${BASE}:${JAVA_VERSION}-jre\n";
        let (source, extraction) = run(text);
        assert_eq!(extraction.facts.len(), 1);
        let fact = &extraction.facts[0];
        assert_eq!(fact.value, "11.0.2");
        assert_eq!(&source.text[fact.span.range()], "11.0.2");
        assert_eq!(fact.span.start as usize, "ARG JAVA_VERSION=".len());
        assert_eq!(fact.attr("image"), Some("eclipse-temurin"));
        // `$NAME` works too, and an unset ARG means no fact.
        assert_eq!(
            facts("ARG V=8\nFROM openjdk:$V-jre\n"),
            [java("8", "8", "dockerfile", "final")]
        );
        assert!(facts("ARG V\nFROM openjdk:${V}\n").is_empty());
        assert!(facts("FROM openjdk:${UNDECLARED}-jre\n").is_empty());
        assert_eq!(
            facts("FROM openjdk:${V:-7u80}-jre\n"),
            [java("7u80", "7u80", "dockerfile", "final")]
        );
    }

    #[test]
    fn a_version_assembled_from_several_args_is_located_where_assembled() {
        let text = "ARG MAJOR=8\nARG UPDATE=292\nFROM openjdk:${MAJOR}u${UPDATE}-jre\n";
        assert_eq!(
            facts(text),
            [java("8u292", "${MAJOR}u${UPDATE}", "dockerfile", "final")]
        );
    }

    #[test]
    fn an_arg_declared_inside_a_stage_does_not_reach_from() {
        let text = "FROM alpine\nARG V=8\nFROM openjdk:${V}\n";
        assert!(facts(text).is_empty());
    }

    #[test]
    fn env_versions_both_syntaxes() {
        let text = "FROM debian\nENV JAVA_VERSION 8u151\nENV LANG=C.UTF-8 JDK_VERSION=\"jdk-17.0.5+8\" X=1\nENV JAVA_VERSION=latest\n";
        assert_eq!(
            facts(text),
            [
                java("8u151", "8u151", "dockerfile-env", "final"),
                java("17.0.5+8", "17.0.5+8", "dockerfile-env", "final"),
            ]
        );
    }

    #[test]
    fn env_java_home_options_and_secrets() {
        let text = "FROM debian:9\nENV JAVA_HOME=/usr/lib/jvm/java-7-openjdk-amd64 \\\n    JAVA_OPTS=\"-Xmx1g -Dhttps.protocols=TLSv1,TLSv1.1\"\nENV DB_PASSWORD=Fake-S3cret API_TOKEN=${TOKEN}\n";
        assert_eq!(
            facts(text),
            [
                java("7", "7", "java-home", "final"),
                fact("tls.protocol", "TLSv1", "TLSv1", "", "final"),
                fact("tls.protocol", "TLSv1.1", "TLSv1.1", "", "final"),
                fact("secret", "****", "Fake-S3cret", "", "final"),
            ]
        );
    }

    #[test]
    fn run_installs_and_downloads() {
        let text = "FROM debian:9\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n        openjdk-7-jre-headless \\\n    # the JCE jars come from the archive below\n        ca-certificates \\\n && curl -fsSLO https://example.com/java/jre-8u112-linux-x64.tar.gz \\\n && ln -s /opt/jdk1.8.0_112 /opt/java\nRUN yum install -y java-1.7.0-openjdk\nRUN [\"apk\", \"add\", \"openjdk8\"]\n";
        assert_eq!(
            facts(text),
            [
                java("7", "7", "package", "final"),
                java("8u112", "8u112", "archive", "final"),
                java("1.8.0_112", "1.8.0_112", "java-path", "final"),
                java("1.7.0", "1.7.0", "package", "final"),
                java("8", "8", "package", "final"),
            ]
        );
    }

    #[test]
    fn exec_form_options_are_located_inside_the_json_string() {
        let text = "FROM openjdk:8-jre\nENTRYPOINT [\"java\", \"-Djdk.tls.client.protocols=TLSv1\", \"-Djavax.net.ssl.keyStore=/etc/app/client.jks\", \"-jar\", \"/app.jar\"]\nCMD java -Dhttps.protocols=TLSv1.2 -jar /app.jar\n";
        let found = facts(text);
        assert_eq!(
            found[1..],
            [
                fact("tls.protocol", "TLSv1", "TLSv1", "", "final"),
                fact(
                    "cert.reference",
                    "/etc/app/client.jks",
                    "/etc/app/client.jks",
                    "",
                    "final"
                ),
                fact("tls.protocol", "TLSv1.2", "TLSv1.2", "", "final"),
            ]
        );
    }

    #[test]
    fn key_stores_behind_unknown_variables_are_unresolved() {
        let text =
            "FROM openjdk:8-jre\nCMD java -Djavax.net.ssl.trustStore=$CONF/cacerts -jar /app.jar\n";
        let (_, extraction) = run(text);
        let reference = extraction
            .facts
            .iter()
            .find(|f| f.kind == FactKind::CertReference)
            .unwrap();
        assert_eq!(reference.value, "$CONF/cacerts");
        assert_eq!(reference.attr("unresolved"), Some("true"));
    }

    #[test]
    fn shell_commands_see_build_args() {
        let text = "FROM debian\nARG JDK=11\nRUN apt-get install -y openjdk-${JDK}-jdk-headless && java $UNKNOWN -version\n";
        let (source, extraction) = run(text);
        assert_eq!(extraction.facts.len(), 1);
        let fact = &extraction.facts[0];
        assert_eq!(fact.value, "11");
        assert_eq!(fact.attr("source"), Some("package"));
        assert_eq!(fact.span.start as usize, text.find("11").unwrap());
        assert_eq!(&source.text[fact.span.range()], "11");
    }

    #[test]
    fn backtick_escape_directive() {
        let text = "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2019\r\nENV JAVA_HOME C:\\Java\\jdk1.8.0_161\r\nRUN setx /M PATH \"%PATH%;C:\\Java\\jdk1.8.0_161\\bin\" ; `\r\n    java -Dhttps.protocols=TLSv1 -version\r\n";
        assert_eq!(
            facts(text),
            [
                java("1.8.0_161", "1.8.0_161", "java-home", "final"),
                java("1.8.0_161", "1.8.0_161", "java-path", "final"),
                fact("tls.protocol", "TLSv1", "TLSv1", "", "final"),
            ]
        );
    }

    #[test]
    fn heredoc_bodies_are_read() {
        let text = "FROM eclipse-temurin:11\nRUN <<EOF\nset -e\napt-get install -y openjdk-8-jdk\nEOF\nCOPY <<-CONF /opt/app/jvm.options\n\t-Dhttps.protocols=TLSv1.1\n\tCONF\n";
        let found = facts(text);
        assert_eq!(
            found,
            [
                java("11", "11", "dockerfile", "final"),
                java("8", "8", "package", "final"),
                fact("tls.protocol", "TLSv1.1", "TLSv1.1", "", "final"),
            ]
        );
    }

    #[test]
    fn comments_and_non_ascii_before_values() {
        let text = "# Étape « build » : é\nFROM alpine\n# ENV JAVA_VERSION=7u80\n# RUN apk add openjdk7\nLABEL description=\"café openjdk-7 notes\"\nENV JAVA_VERSION=8u151\n";
        let (source, extraction) = run(text);
        assert_eq!(extraction.facts.len(), 1);
        let fact = &extraction.facts[0];
        assert_eq!(&source.text[fact.span.range()], "8u151");
        assert_eq!(fact.span.start as usize, text.rfind("8u151").unwrap());
    }

    #[test]
    fn bom_is_stripped_before_extraction() {
        let decoded = crate::source::decode("\u{feff}FROM openjdk:8u151-jre\n".as_bytes());
        assert_eq!(
            facts(&decoded.text),
            [java("8u151", "8u151", "dockerfile", "final")]
        );
    }

    #[test]
    fn tls12_is_not_tls1() {
        let text =
            "FROM alpine\nENV JAVA_TOOL_OPTIONS=-Djdk.tls.client.protocols=TLSv1.2,TLSv1.3\n";
        assert_eq!(
            facts(text),
            [
                fact("tls.protocol", "TLSv1.2", "TLSv1.2", "", "final"),
                fact("tls.protocol", "TLSv1.3", "TLSv1.3", "", "final"),
            ]
        );
    }

    #[test]
    fn crlf_and_lowercase_instructions() {
        let text = "from openjdk:8u181-jdk as build\r\nenv JAVA_OPTS -Dhttps.protocols=TLSv1\r\nfrom scratch\r\n";
        assert_eq!(
            facts(text),
            [
                java("8u181", "8u181", "dockerfile", "build"),
                fact("tls.protocol", "TLSv1", "TLSv1", "", "build"),
            ]
        );
    }

    #[test]
    fn placeholders_are_not_secrets() {
        let text = "FROM alpine\nARG DB_PASSWORD\nENV DB_PASSWORD=$DB_PASSWORD KEYSTORE_PASSWORD=changeit\nENV SF_PASSWORD=\"\"\n";
        assert!(facts(text).is_empty());
    }

    #[test]
    fn malformed_lines_are_problems_and_extraction_goes_on() {
        let text = "FROM\nFRM openjdk:8\nENV =x\nENV JAVA_OPTS=\"-Dhttps.protocols=TLSv1\nFROM openjdk:8-jre\n";
        let (source, extraction) = run(text);
        let messages: Vec<(&str, &str)> = extraction
            .problems
            .iter()
            .map(|p| (&source.text[p.span.unwrap().range()], p.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                ("FROM", "`FROM` without an image"),
                ("FRM", "unknown instruction `FRM`"),
                ("=x", "expected `NAME=value` in `ENV`, found `=x`"),
                ("\"-Dhttps.protocols=TLSv1", "unterminated quote"),
            ]
        );
        assert_eq!(extraction.facts.len(), 2);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_spans_stay_valid(
            head in proptest::sample::select(vec![
                "", "# escape=`\n", "ARG V=8u151\n", "FROM openjdk:", "FROM ", "ENV ",
                "RUN ", "CMD [", "RUN <<EOF\n", "ARG ",
            ]),
            body in "[a-zA-Z0-9=:/ \\\\\t\r\n#.,$\"'{}\\[\\]`<u_é\u{3000}-]{0,80}",
        ) {
            let text = format!("{head}{body}");
            let (_, extraction) = run(&text);
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }

    #[test]
    fn bad_escape_directive_is_a_problem() {
        let (source, extraction) = run("# escape=|\nFROM openjdk:8\n");
        assert_eq!(extraction.problems.len(), 1);
        assert_eq!(
            &source.text[extraction.problems[0].span.unwrap().range()],
            "|"
        );
        assert_eq!(extraction.facts.len(), 1);
    }
}
