//! The script model shared by the shell and batch extractors.
//!
//! Integration jobs build their command lines out of variables: a value is
//! assigned in one place (often in a file the job sources), spliced into an
//! `Operation` variable, then into a `Command`, and finally run. connlint
//! follows those values with [`Spanned`] text: a string that remembers, for
//! every byte, the file and offset it was written at. Expanding a variable
//! copies the positions along, so a fact found in the final command line
//! still points at the literal where it was typed.
//!
//! Assignments inside `if`, `case`, loops, functions or parenthesised blocks
//! add an alternative instead of replacing the value; a use then expands to
//! each alternative (bounded by [`MAX_VARIANTS`]).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::extract::java::{self, Clue};
use crate::extract::{
    Includes, activemq, anaplan_connect, curl, environment, java_ext, salesforce, secrets,
};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// Most expansions of one statement considered when variables have several
/// possible values.
pub const MAX_VARIANTS: usize = 16;
/// Deepest chain of sourced files followed.
const MAX_INCLUDE_DEPTH: usize = 8;

/// Where one byte of [`Spanned`] text was written: a file index (8 bits)
/// and a byte offset (24 bits) packed in 4 bytes, because every byte of
/// every expanded statement carries one. Text past 16 MiB or in the 255th
/// included file has no position (files over the default 8 MiB limit are
/// never read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pos(u32);

const SYNTHETIC: Pos = Pos(u32::MAX);

impl Pos {
    fn new(file: u32, offset: usize) -> Self {
        match u32::try_from(offset) {
            Ok(offset) if file < 255 && offset < 1 << 24 => Pos(file << 24 | offset),
            _ => SYNTHETIC,
        }
    }

    fn file(self) -> u32 {
        self.0 >> 24
    }

    fn offset(self) -> u32 {
        self.0 & 0x00FF_FFFF
    }
}

/// Text that remembers where each of its bytes was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spanned {
    /// The text.
    pub text: String,
    pos: Vec<Pos>,
}

impl Spanned {
    /// The bytes `range` of file number `file`, whose text is `text`.
    pub fn from_source(file: u32, text: &str, range: Range<usize>) -> Self {
        let slice = &text[range.clone()];
        let pos = (range.start..range.end)
            .map(|offset| Pos::new(file, offset))
            .collect();
        Self {
            text: slice.to_owned(),
            pos,
        }
    }

    /// Empty text with room for `bytes` bytes.
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            pos: Vec::with_capacity(bytes),
        }
    }

    /// Text with no position (made up by connlint).
    pub fn synthetic(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            pos: vec![SYNTHETIC; text.len()],
        }
    }

    /// Appends `range` of `other`, positions included.
    pub fn push_from(&mut self, other: &Spanned, range: Range<usize>) {
        self.text.push_str(&other.text[range.clone()]);
        self.pos.extend_from_slice(&other.pos[range]);
    }

    /// Appends one char taken from byte `at` of `other`.
    pub fn push_char_from(&mut self, other: &Spanned, at: usize) {
        let len = other.text[at..].chars().next().map_or(0, char::len_utf8);
        self.push_from(other, at..at + len);
    }

    /// Appends a char with the position of byte `at` of `other` (for
    /// escapes: the decoded char points at the escaped one).
    pub fn push_decoded(&mut self, c: char, other: &Spanned, at: usize) {
        let pos = other.pos.get(at).copied().unwrap_or(SYNTHETIC);
        self.text.push(c);
        self.pos.extend(
            std::iter::repeat_n(pos, c.len_utf8())
                .enumerate()
                .map(|(i, p)| {
                    if p == SYNTHETIC {
                        p
                    } else {
                        Pos::new(p.file(), p.offset() as usize + i)
                    }
                }),
        );
    }

    /// The sub-text `range`.
    #[must_use]
    pub fn slice(&self, range: Range<usize>) -> Spanned {
        Spanned {
            text: self.text[range.clone()].to_owned(),
            pos: self.pos[range].to_vec(),
        }
    }

    /// Empties the text, keeping its allocation.
    pub fn clear(&mut self) {
        self.text.clear();
        self.pos.clear();
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The file and span where bytes `range` were written: the file of the
    /// first byte that has a position, covering every byte of that file in
    /// the range (quotes between two halves of a word are covered too).
    pub fn locate(&self, range: Range<usize>) -> Option<(u32, Span)> {
        let positions = self.pos.get(range)?;
        let first = positions.iter().find(|p| **p != SYNTHETIC)?;
        let (mut start, mut end) = (first.offset(), first.offset());
        for p in positions.iter().filter(|p| p.file() == first.file()) {
            start = start.min(p.offset());
            end = end.max(p.offset());
        }
        // `end` is the offset of the last byte; spans are half-open.
        Some((first.file(), Span::new(start as usize, end as usize + 1)))
    }

    /// Trims ASCII whitespace at both ends.
    #[must_use]
    pub fn trim(&self) -> Spanned {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text.trim_end().len().max(start);
        self.slice(start..end)
    }

    /// The text without one pair of surrounding double quotes, if it has one.
    #[must_use]
    pub fn unquote(&self) -> Spanned {
        let t = &self.text;
        if t.len() >= 2
            && ((t.starts_with('"') && t.ends_with('"'))
                || (t.starts_with('\'') && t.ends_with('\'')))
        {
            self.slice(1..t.len() - 1)
        } else {
            self.clone()
        }
    }
}

/// The possible values of one variable.
#[derive(Clone, Debug, Default)]
pub struct Binding {
    /// Every value the variable may hold at this point.
    pub values: Vec<Spanned>,
    /// Whether it may also be unset (it was only assigned conditionally).
    pub maybe_unset: bool,
}

/// Variables known at a point of a script.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: HashMap<String, Binding>,
    /// Batch variable names are case-insensitive.
    fold_case: bool,
}

impl Env {
    /// An empty environment; `fold_case` for batch.
    pub fn new(fold_case: bool) -> Self {
        Self {
            vars: HashMap::new(),
            fold_case,
        }
    }

    fn key(&self, name: &str) -> String {
        if self.fold_case {
            name.to_ascii_uppercase()
        } else {
            name.to_owned()
        }
    }

    /// What `name` may hold, if it was ever assigned.
    pub fn get(&self, name: &str) -> Option<&Binding> {
        self.vars.get(&self.key(name))
    }

    /// Records an assignment: outside any conditional block the values
    /// replace the old ones; inside, they are added as alternatives.
    pub fn assign(&mut self, name: &str, values: Vec<Spanned>, conditional: bool) {
        let key = self.key(name);
        if conditional {
            let binding = self.vars.entry(key).or_insert_with(|| Binding {
                values: Vec::new(),
                maybe_unset: true,
            });
            for value in values {
                if !binding.values.contains(&value) && binding.values.len() < MAX_VARIANTS {
                    binding.values.push(value);
                }
            }
        } else {
            self.vars.insert(
                key,
                Binding {
                    values,
                    maybe_unset: false,
                },
            );
        }
    }
}

/// One statement of a script after variables are expanded: words with
/// quotes removed.
#[derive(Clone, Debug, Default)]
pub struct Words(pub Vec<Spanned>);

/// What a dialect (shell or batch) tells the interpreter a statement does.
#[derive(Clone, Debug)]
pub enum Action {
    /// `NAME=value` (persistent, unless other words follow).
    Assign {
        /// Variable name.
        name: String,
        /// Value, quotes removed.
        value: Spanned,
    },
    /// Runs a command.
    Run(Words),
    /// Sources another file (`. file`, `source file`, `call file.bat`).
    Include(Spanned),
    /// Says something (`echo`, `rem`): read nothing from it.
    Ignore,
}

/// The rules of one script language.
pub trait Dialect {
    /// Splits a file into raw statements, with the nesting depth each one
    /// runs at (0 = unconditionally, at top level).
    fn statements(&self, file: u32, text: &str) -> Vec<(Spanned, usize)>;
    /// Expands the variables of one raw statement, once per combination of
    /// alternatives.
    fn expand(&self, raw: &Spanned, env: &Env) -> Vec<Spanned>;
    /// Splits an expanded statement into actions.
    fn actions(&self, expanded: &Spanned) -> Vec<Action>;
    /// Splits a command string (the value of `Command=...`, the argument of
    /// `sh -c`) into its commands' words.
    fn commands(&self, text: &Spanned) -> Vec<Words>;
    /// Case-insensitive variable names (batch).
    fn fold_case(&self) -> bool;
}

/// Runs `dialect` over `source`, following sourced files through `includes`.
pub fn interpret(
    dialect: &dyn Dialect,
    source: &SourceFile,
    includes: &dyn Includes,
) -> Extraction {
    let mut interpreter = Interpreter {
        dialect,
        includes,
        files: vec![Arc::new(source.clone())],
        stack: vec![0],
        env: Env::new(dialect.fold_case()),
        extraction: Extraction::default(),
    };
    interpreter.run_file(0, 0);
    interpreter.extraction
}

struct Interpreter<'a> {
    dialect: &'a dyn Dialect,
    includes: &'a dyn Includes,
    files: Vec<Arc<SourceFile>>,
    /// Files being interpreted, innermost last (to stop include cycles).
    stack: Vec<u32>,
    env: Env,
    extraction: Extraction,
}

impl Interpreter<'_> {
    fn run_file(&mut self, file: u32, base_depth: usize) {
        let text = Arc::clone(&self.files[file as usize].text);
        for (raw, depth) in self.dialect.statements(file, &text) {
            let conditional = base_depth + depth > 0;
            for expanded in self.dialect.expand(&raw, &self.env) {
                for action in self.dialect.actions(&expanded) {
                    self.act(action, conditional, base_depth + depth);
                }
            }
        }
    }

    fn act(&mut self, action: Action, conditional: bool, depth: usize) {
        match action {
            Action::Assign { name, value } => {
                self.on_assignment(&name, &value);
                self.env.assign(&name, vec![value], conditional);
            }
            Action::Run(words) => self.on_command(&words.0, 0),
            Action::Include(target) => self.include(&target, depth),
            Action::Ignore => {}
        }
    }

    fn include(&mut self, target: &Spanned, depth: usize) {
        let Some(&current) = self.stack.last() else {
            return;
        };
        let from = Arc::clone(&self.files[current as usize]);
        let Some(file) = self.includes.resolve(&from, &include_path(&target.text)) else {
            return;
        };
        if self.stack.len() > MAX_INCLUDE_DEPTH
            || self
                .stack
                .iter()
                .any(|&f| self.files[f as usize].path == file.path)
        {
            return;
        }
        let index = self
            .files
            .iter()
            .position(|f| f.path == file.path)
            .unwrap_or_else(|| {
                self.files.push(file);
                self.files.len() - 1
            });
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        self.stack.push(index);
        self.run_file(index, depth);
        self.stack.pop();
    }

    fn on_assignment(&mut self, name: &str, value: &Spanned) {
        let lower = name.to_ascii_lowercase();
        let source = if matches!(
            lower.as_str(),
            "java_home" | "jre_home" | "jdk_home" | "java_root" | "javahome"
        ) {
            "java-home"
        } else {
            "java-path"
        };
        // Environment clues first: a duplicate found again by the generic
        // scan is dropped later, and these carry more (`product`).
        for clue in environment::clues(name, &value.text) {
            self.emit(value, clue);
        }
        let looks_like_path = value.text.contains(['/', '\\']) || source == "java-home";
        self.scan_word(value, looks_like_path, source);
        if secrets::is_secret_name(name) {
            let literal = value.trim().unquote();
            if !secrets::is_placeholder(&literal.text) && !literal.is_empty() {
                self.emit_secret(&literal, 0..literal.text.len(), name);
            }
        }
        if anaplan_connect::mentions_client(&value.text) {
            for words in self.dialect.commands(value) {
                self.on_command(&words.0, 0);
            }
        }
    }

    fn on_command(&mut self, words: &[Spanned], nesting: usize) {
        let Some(start) = program_index(words) else {
            return;
        };
        // `env NODE_TLS_REJECT_UNAUTHORIZED=0 node sync.js`, `docker run -e
        // NODE_TLS_REJECT_UNAUTHORIZED=0 ...`: variables set for a command.
        for word in words {
            if let Some((name, _)) = word.text.split_once('=') {
                let offset = name.len() + 1;
                for mut clue in environment::clues(name, &word.text[offset..]) {
                    clue.range = clue.range.start + offset..clue.range.end + offset;
                    self.emit(word, clue);
                }
            }
        }
        let words = &words[start..];
        let Some(program) = words.first() else { return };
        let name = program_name(&program.text);
        // Before the inert commands return: `mv` moves jars into place too.
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        for located in java_ext::copies(&texts) {
            if let Some(word) = words.get(located.word) {
                self.emit(word, located.clue);
            }
        }
        if is_inert(&name) {
            return;
        }
        // `sh -c "..."`, `cmd /c ...`: the rest is a command of its own.
        if nesting < 4
            && let Some(inner) = inner_command(&name, words)
        {
            match inner {
                Inner::String(text) => {
                    for inner in self.dialect.commands(text) {
                        self.on_command(&inner.0, nesting + 1);
                    }
                }
                Inner::Words(rest) => self.on_command(rest, nesting + 1),
            }
            return;
        }
        for (i, word) in words.iter().enumerate() {
            let path_like = (i == 0 && is_java_program(&name)) || word.text.contains(['/', '\\']);
            self.scan_word(word, path_like, "java-path");
        }
        let located = anaplan_connect::analyze_command(&texts)
            .into_iter()
            .chain(curl::analyze(&texts));
        for located in located {
            if let Some(word) = words.get(located.word) {
                self.emit(word, located.clue);
            }
        }
    }

    /// Scans one word (or assignment value) for Java versions (when it looks
    /// like a path), JVM options and Anaplan Connect jars.
    fn scan_word(&mut self, word: &Spanned, path_like: bool, source: &str) {
        if path_like
            || word.text.contains(".tar")
            || word.text.contains(".zip")
            || word.text.contains(".exe")
        {
            for mut clue in java::java_versions(&word.text) {
                if !clue.attributes.iter().any(|(k, _)| *k == "source") {
                    clue.attributes.push(("source", source.to_owned()));
                }
                self.emit(word, clue);
            }
        }
        for clue in java::jvm_options(&word.text) {
            self.emit(word, clue);
        }
        for clue in environment::node_flags(&word.text) {
            self.emit(word, clue);
        }
        for clue in activemq::uri_clues(&word.text) {
            self.emit(word, clue);
        }
        for clue in anaplan_connect::jar_versions(&word.text) {
            self.emit(word, clue);
        }
        for clue in salesforce::script_clues(word) {
            self.emit(word, clue);
        }
    }

    fn emit_secret(&mut self, word: &Spanned, range: Range<usize>, setting: &str) {
        self.emit(
            word,
            Clue {
                kind: FactKind::Secret,
                range,
                value: String::new(),
                attributes: vec![("setting", setting.to_owned())],
            },
        );
    }

    /// Turns a clue found in `word` into a fact located where its text was
    /// written. Clues on made-up text are dropped: a fact always has a span.
    fn emit(&mut self, word: &Spanned, clue: Clue) {
        if clue.kind == FactKind::JavaExtDir {
            self.emit_written(word, clue);
            return;
        }
        let Some((file, span)) = word.locate(clue.range.clone()) else {
            return;
        };
        let Some(source) = self.files.get(file as usize) else {
            return;
        };
        let mut fact = Fact::new(clue.kind, clue.value, &source.path, span);
        for (key, value) in clue.attributes {
            fact.attributes.insert(key, value);
        }
        self.extraction.facts.push(fact);
    }

    /// A `java.ext_dir` clue, located on the destination (or option value)
    /// as written: the run of bytes written together around its `lib/ext`
    /// part (or its last byte), widened over the variable references
    /// written right next to it (`$JAVA_HOME/jre/lib/ext/`, where
    /// `JAVA_HOME` was assigned on another line). [`Spanned::locate`] would
    /// stretch such a span from the assignment to the use. The value is the
    /// text under the span, except an empty `-Djava.ext.dirs=`.
    fn emit_written(&mut self, word: &Spanned, clue: Clue) {
        let Some(text) = word.text.get(clue.range.clone()).filter(|t| !t.is_empty()) else {
            return;
        };
        let anchor = java_ext::ext_dir_segment(text)
            .map_or(clue.range.end, |segment| clue.range.start + segment.end)
            .saturating_sub(1);
        let Some(&at) = word.pos.get(anchor) else {
            return;
        };
        if at == SYNTHETIC {
            return;
        }
        let Some(source) = self.files.get(at.file() as usize).map(Arc::clone) else {
            return;
        };
        let positions = word.pos.get(clue.range.clone()).unwrap_or_default();
        let range = written_run(positions, anchor - clue.range.start, &source.text);
        let range = widen_over_references(&source.text, range);
        // Positions of decoded escapes may not fall on char boundaries:
        // such a fact is dropped rather than given a broken span.
        let Some(written) = source.text.get(range.clone()) else {
            return;
        };
        let span = Span::new(range.start, range.end);
        let value = if clue.value.is_empty() {
            String::new()
        } else {
            written.to_owned()
        };
        let mut fact = Fact::new(clue.kind, value, &source.path, span);
        for (key, value) in clue.attributes {
            fact.attributes.insert(key, value);
        }
        self.extraction.facts.push(fact);
    }
}

/// The byte range of `text` (the file of `positions[at]`) written together
/// with byte `at` of a word: neighbours in the word that come from the same
/// file, in order, with nothing between them but quotes and line
/// continuations.
fn written_run(positions: &[Pos], at: usize, text: &str) -> Range<usize> {
    let Some(&anchor) = positions.get(at) else {
        return 0..0;
    };
    let file = anchor.file();
    // `text[from..to]` holds nothing but quotes and line continuations
    // (empty when the bytes are adjacent).
    let joins = |from: usize, to: usize| {
        text.get(from..to).is_some_and(|gap| {
            gap.bytes()
                .all(|b| matches!(b, b'"' | b'\'' | b'\\' | b'^' | b'\r' | b'\n'))
        })
    };
    let same_file = |p: Pos| p != SYNTHETIC && p.file() == file;
    let mut start = anchor.offset() as usize;
    let mut end = start + 1;
    for &p in positions.get(..at).unwrap_or_default().iter().rev() {
        if !same_file(p) || !joins(p.offset() as usize + 1, start) {
            break;
        }
        start = p.offset() as usize;
    }
    for &p in positions.get(at + 1..).unwrap_or_default() {
        if !same_file(p) || !joins(end, p.offset() as usize) {
            break;
        }
        end = p.offset() as usize + 1;
    }
    start..end
}

/// `range` widened over variable references written right before and
/// after it (`$JAVA_HOME`, `${JAVA_HOME}`, `%JAVA_HOME%`, `!X!`, and the
/// same in double quotes): where a value came through a variable assigned
/// elsewhere, the span still shows how the destination was written.
fn widen_over_references(text: &str, range: Range<usize>) -> Range<usize> {
    let before = static_regex!(
        r#"(?:"(?:\$\{[A-Za-z_]\w*\}|\$[A-Za-z_]\w*|%[A-Za-z_]\w*%|![A-Za-z_]\w*!)+"|(?:\$\{[A-Za-z_]\w*\}|\$[A-Za-z_]\w*|%[A-Za-z_]\w*%|![A-Za-z_]\w*!)+)$"#
    );
    let after = static_regex!(
        r#"^(?:"(?:\$\{[A-Za-z_]\w*\}|\$[A-Za-z_]\w*|%[A-Za-z_]\w*%|![A-Za-z_]\w*!)+"|(?:\$\{[A-Za-z_]\w*\}|\$[A-Za-z_]\w*|%[A-Za-z_]\w*%|![A-Za-z_]\w*!)+)"#
    );
    // A reference is short: look at a bounded window, on char boundaries.
    let mut window_start = range.start.saturating_sub(128);
    while !text.is_char_boundary(window_start) {
        window_start += 1;
    }
    let mut window_end = (range.end + 128).min(text.len());
    while !text.is_char_boundary(window_end) {
        window_end -= 1;
    }
    let start = text
        .get(window_start..range.start)
        .and_then(|t| before.find(t))
        .map_or(range.start, |m| window_start + m.start());
    let end = text
        .get(range.end..window_end)
        .and_then(|t| after.find(t))
        .map_or(range.end, |m| range.end + m.end());
    start..end
}

/// Every prefix followed by every value, at most [`MAX_VARIANTS`].
pub fn combine(prefixes: &[Spanned], values: &[Spanned]) -> Vec<Spanned> {
    let mut out = Vec::new();
    for prefix in prefixes {
        for value in values {
            if out.len() == MAX_VARIANTS {
                return out;
            }
            let mut v = Spanned::with_capacity(prefix.text.len() + value.text.len() + 64);
            v.push_from(prefix, 0..prefix.text.len());
            v.push_from(value, 0..value.text.len());
            out.push(v);
        }
    }
    out
}

/// Reports a problem at a span of the file being extracted.
pub fn problem(source: &SourceFile, span: Span, message: &str) -> Problem {
    Problem::at(&source.path, span, message)
}

/// The include target with the script-directory prefixes scripts use
/// (`$(dirname "$0")/`, `%~dp0`) removed: includes resolve against the
/// including file's directory anyway.
fn include_path(target: &str) -> String {
    let target = target.trim().trim_matches('"');
    for prefix in [
        "$(dirname \"$0\")/",
        "$(dirname $0)/",
        "`dirname $0`/",
        "`dirname \"$0\"`/",
        "${0%/*}/",
        "$(cd \"$(dirname \"$0\")\" && pwd)/",
        "${BASH_SOURCE%/*}/",
        "$(dirname \"${BASH_SOURCE[0]}\")/",
        "%~dp0",
        "%~dp0\\",
    ] {
        if let Some(rest) = target.strip_prefix(prefix) {
            return rest.replace('\\', "/");
        }
    }
    target.replace('\\', "/")
}

/// The lower-case file name of a program word (`/opt/x/bin/java.exe` ->
/// `java.exe`, `${_java}` -> `${_java}`).
pub fn program_name(word: &str) -> String {
    let trimmed = word.trim_matches(['"', '\'']);
    let base = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    base.to_ascii_lowercase()
}

/// Commands whose arguments name runtimes without running them: messages
/// (`echo "needs jdk1.7"`), tests (`[ -d /opt/jdk1.6.0_45 ]`), clean-ups
/// (`rm -rf /opt/jdk1.6.0_45`) and text edits (`sed s/jdk1.7.0_80/jdk1.8.0_202/`).
fn is_inert(program: &str) -> bool {
    matches!(
        program,
        "echo"
            | "printf"
            | "print"
            | "logger"
            | "write-host"
            | "rem"
            | "title"
            | "["
            | "[["
            | "test"
            | "rm"
            | "rmdir"
            | "unlink"
            | "del"
            | "erase"
            | "rd"
            | "sed"
            | "awk"
            | "gawk"
            | "grep"
            | "egrep"
            | "fgrep"
            | "find"
            | "findstr"
            | "ls"
            | "dir"
            | "cat"
            | "type"
            | "diff"
            | "head"
            | "tail"
            | "wc"
            | "which"
            | "where"
            | "mv"
            | "move"
            | "ren"
            | "rename"
            | "chmod"
            | "chown"
            | "touch"
    )
}

/// Whether a program word runs a JVM: `java`, `java.exe`, `javaw`, or a
/// variable named so (`$JAVA`, `${_java}`, `%JAVA_EXE%`, `$JAVACMD`).
pub fn is_java_program(name: &str) -> bool {
    let bare = name
        .trim_start_matches(['$', '{', '%', '!'])
        .trim_end_matches(['}', '%', '!']);
    let bare = bare.trim_start_matches('_');
    matches!(
        bare,
        "java"
            | "java.exe"
            | "javaw"
            | "javaw.exe"
            | "javacmd"
            | "java_exe"
            | "java_cmd"
            | "java_bin"
    )
}

/// Skips words that only wrap the real command: `exec`, `nohup`, `time`,
/// `command`, `env` with its assignments, batch `call`/`start`, `@`.
fn program_index(words: &[Spanned]) -> Option<usize> {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let name = program_name(&word.text);
        match name.as_str() {
            "exec" | "nohup" | "time" | "command" | "builtin" | "sudo" | "call" | "@call" => i += 1,
            "env" => {
                i += 1;
                while words
                    .get(i)
                    .is_some_and(|w| w.text.contains('=') || w.text.starts_with('-'))
                {
                    i += 1;
                }
            }
            "start" => {
                i += 1;
                // `start "title" /b prog`: the first quoted word is a title.
                while words
                    .get(i)
                    .is_some_and(|w| w.text.starts_with('/') || w.text.is_empty())
                {
                    i += 1;
                }
            }
            _ => return Some(i),
        }
    }
    None
}

enum Inner<'w> {
    String(&'w Spanned),
    Words(&'w [Spanned]),
}

fn inner_command<'w>(name: &str, words: &'w [Spanned]) -> Option<Inner<'w>> {
    match name {
        "sh" | "bash" | "ksh" | "dash" | "zsh" => {
            let c = words
                .iter()
                .position(|w| w.text == "-c" || w.text == "-lc" || w.text == "-ec")?;
            words.get(c + 1).map(Inner::String)
        }
        "cmd" | "cmd.exe" => {
            let c = words.iter().position(|w| {
                w.text.eq_ignore_ascii_case("/c") || w.text.eq_ignore_ascii_case("/k")
            })?;
            Some(Inner::Words(&words[c + 1..]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanned_text_keeps_positions_through_copies() {
        let source = "X=abc\nY=\"pre $X post\"";
        let x = Spanned::from_source(0, source, 2..5);
        let mut y = Spanned::synthetic("pre ");
        y.push_from(&x, 0..3);
        assert_eq!(y.text, "pre abc");
        assert_eq!(y.locate(4..7), Some((0, Span::new(2, 5))));
        assert_eq!(y.locate(0..3), None);
    }

    #[test]
    fn include_paths_drop_script_directory_prefixes() {
        assert_eq!(
            include_path("$(dirname \"$0\")/config/config.sh"),
            "config/config.sh"
        );
        assert_eq!(include_path("\"%~dp0config\\env.bat\""), "config/env.bat");
        assert_eq!(include_path("./config.sh"), "./config.sh");
    }

    #[test]
    fn java_programs() {
        for name in [
            "java",
            "java.exe",
            "${_java}",
            "$java",
            "%java%",
            "javaw.exe",
            "$javacmd",
        ] {
            assert!(is_java_program(name), "{name}");
        }
        assert!(!is_java_program("javac"));
    }
}
