//! YAML: one reader for every YAML dialect connlint knows (CI configs,
//! Compose files, Kubernetes manifests, Spring `application.yml`).
//!
//! The reader turns granit-parser events into a small tree of mappings,
//! sequences and scalars. Each scalar keeps its decoded value and its raw
//! token, so a fact can point at the exact bytes of a value, or of a part of
//! it, without its quotes. Anchors and aliases are resolved (an alias shares
//! the anchored node, so its facts point at the anchored literal), merge
//! keys (`<<: *defaults`) are applied, every document of a `---` stream is
//! read, and comments are ignored. Malformed YAML becomes a problem at the
//! error, and the tree keeps what was read before it; reading resumes at
//! the next `---` line.
//!
//! The dialects (`ci`, `compose`, `spring`) are pure functions over the
//! tree; [`extract`] picks one from the file kind.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

use granit_parser::{Event, Marker, Options, Parser, ScalarStyle};

use crate::classify::FileKind;
use crate::extract::{
    NoIncludes, activemq, batch, ci, compose, dockerfile, environment, java, secrets, shell, spring,
};
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;
use crate::version::Version;

/// Extracts the facts of a YAML file read as `kind`. A generic YAML file
/// (`FileKind::Yaml`) is read as a Kubernetes manifest when a document has
/// top-level `apiVersion` and `kind`, as a GitHub Actions workflow when it
/// has `on` and `jobs`, and otherwise yields nothing.
pub fn extract(kind: FileKind, source: &SourceFile) -> Extraction {
    // Most generic YAML (OpenAPI specs, Helm values, site configs) is no
    // dialect; skip parsing it when the words a sniff needs are absent.
    let text = &source.text;
    if kind == FileKind::Yaml && !text.contains("apiVersion") && !text.contains("jobs") {
        return Extraction::default();
    }
    let yaml = parse(text);
    let dialect = match kind {
        FileKind::Yaml if yaml.documents.iter().any(is_kubernetes_manifest) => FileKind::Kubernetes,
        FileKind::Yaml if yaml.documents.iter().any(is_github_workflow) => FileKind::GithubActions,
        other => other,
    };
    let documents = &yaml.documents;
    let mut extraction = match dialect {
        FileKind::GithubActions => ci::github_actions(documents, source),
        FileKind::GitlabCi => ci::gitlab(documents, source),
        FileKind::Travis => ci::travis(documents, source),
        FileKind::AzurePipelines => ci::azure(documents, source),
        FileKind::Compose => compose::compose(documents, source),
        FileKind::Kubernetes => compose::kubernetes(documents, source),
        FileKind::Spring => spring::spring(documents, source),
        _ => Extraction::default(),
    };
    // Any `.yml` is read, most of them are no dialect connlint knows, and
    // Helm templates (`{{ ... }}`) are not YAML until rendered: parse
    // trouble there is nobody's concern.
    let report_problems = match dialect {
        FileKind::Yaml => false,
        FileKind::Kubernetes => kind != FileKind::Yaml || !source.text.contains("{{"),
        _ => true,
    };
    if report_problems {
        for (span, message) in yaml.problems {
            extraction
                .problems
                .push(Problem::at(&source.path, span, message));
        }
    }
    extraction
}

/// A YAML stream read into trees.
#[derive(Debug, Default)]
pub struct Yaml<'a> {
    /// The root node of each document, in order.
    pub documents: Vec<Node<'a>>,
    /// Where reading went wrong, and why.
    pub problems: Vec<(Span, String)>,
}

/// Reads a YAML stream. Never fails: trouble becomes `problems`, and the
/// documents hold what was read.
pub fn parse(text: &str) -> Yaml<'_> {
    let mut yaml = Yaml::default();
    let mut base = 0;
    while let Err(at) = read_stream(text, base, &mut yaml) {
        match next_document_marker(text, at) {
            Some(next) => base = next,
            None => break,
        }
    }
    yaml
}

/// A node of the tree. Cloning shares the node (aliases do the same).
#[derive(Clone, Debug)]
pub enum Node<'a> {
    /// A scalar (null included: see [`Scalar::is_null`]).
    Scalar(Rc<Scalar<'a>>),
    /// A sequence.
    Sequence(Rc<Sequence<'a>>),
    /// A mapping, merge keys applied.
    Mapping(Rc<Mapping<'a>>),
}

/// A scalar: its decoded value and the raw token it was read from.
#[derive(Debug)]
pub struct Scalar<'a> {
    /// The value after YAML escapes, folding and chomping.
    pub value: String,
    /// How it is written.
    pub style: ScalarStyle,
    /// The raw token: quotes included, block headers excluded.
    raw: &'a str,
    /// Where `raw` starts in the file.
    offset: usize,
}

/// A sequence's items.
#[derive(Debug)]
pub struct Sequence<'a> {
    /// The items, aliases resolved.
    pub items: Vec<Node<'a>>,
    weight: usize,
}

/// A mapping's entries, in source order, then the entries merge keys
/// (`<<`) bring in that no explicit key overrides.
#[derive(Debug)]
pub struct Mapping<'a> {
    /// Key and value pairs.
    pub entries: Vec<(Node<'a>, Node<'a>)>,
    weight: usize,
}

impl<'a> Node<'a> {
    /// The scalar, if this is one and not null.
    pub fn scalar(&self) -> Option<&Scalar<'a>> {
        match self {
            Node::Scalar(scalar) if !scalar.is_null() => Some(scalar),
            _ => None,
        }
    }

    /// The scalar's value, if this is a non-null scalar.
    pub fn text(&self) -> Option<&str> {
        self.scalar().map(|scalar| scalar.value.as_str())
    }

    /// The value of `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Mapping(mapping) => mapping.get(key),
            _ => None,
        }
    }

    /// The entries with scalar keys, if this is a mapping (else none).
    pub fn entries(&self) -> impl Iterator<Item = (&Scalar<'a>, &Node<'a>)> {
        let entries = match self {
            Node::Mapping(mapping) => mapping.entries.as_slice(),
            _ => &[],
        };
        entries
            .iter()
            .filter_map(|(key, value)| Some((key.scalar()?, value)))
    }

    /// The items, if this is a sequence (else none).
    pub fn items(&self) -> &[Node<'a>] {
        match self {
            Node::Sequence(sequence) => &sequence.items,
            _ => &[],
        }
    }

    /// This scalar, or the scalars of this sequence, nested sequences
    /// included (GitLab allows `script: [[a, b], c]`). Nulls are skipped.
    pub fn scalars(&self) -> Vec<&Scalar<'a>> {
        let mut out = Vec::new();
        self.collect_scalars(&mut out);
        out
    }

    fn collect_scalars<'n>(&'n self, out: &mut Vec<&'n Scalar<'a>>) {
        match self {
            Node::Scalar(_) => out.extend(self.scalar()),
            Node::Sequence(sequence) => {
                for item in &sequence.items {
                    item.collect_scalars(out);
                }
            }
            Node::Mapping(_) => {}
        }
    }

    /// How many nodes this one stands for once aliases are expanded.
    fn weight(&self) -> usize {
        match self {
            Node::Scalar(_) => 1,
            Node::Sequence(sequence) => sequence.weight,
            Node::Mapping(mapping) => mapping.weight,
        }
    }
}

impl<'a> Mapping<'a> {
    /// The value of the first entry whose key is the scalar `key`.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.entries
            .iter()
            .find(|(k, _)| k.text() == Some(key))
            .map(|(_, value)| value)
    }
}

impl Scalar<'_> {
    /// Whether the scalar is a YAML null: empty, `~` or `null`, unquoted.
    pub fn is_null(&self) -> bool {
        self.style == ScalarStyle::Plain
            && matches!(self.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// Whether the value was written quoted (`'8'`, `"8"`).
    pub fn is_quoted(&self) -> bool {
        matches!(
            self.style,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
        )
    }

    /// The raw bytes of the value without quotes, surrounding whitespace
    /// and a block scalar's trailing line breaks.
    pub fn span(&self) -> Span {
        let lead = self.value.len() - self.value.trim_start().len();
        let end = self.value.trim_end().len();
        if lead < end
            && let Some(span) = self.locate(lead..end)
        {
            return span;
        }
        let (start, inner) = self.inner();
        let trimmed = inner.trim();
        let lead = inner.len() - inner.trim_start().len();
        Span::new(start + lead, start + lead + trimmed.len())
    }

    /// The raw bytes the decoded bytes `range` of the value were read from
    /// (an escape such as `\u00e9` is all of its raw bytes), or `None` when
    /// the range is empty or the value cannot be aligned with its token.
    pub fn locate(&self, range: Range<usize>) -> Option<Span> {
        if range.is_empty() || range.end > self.value.len() {
            return None;
        }
        let (start, inner) = self.inner();
        if inner == self.value {
            return (self.value.is_char_boundary(range.start)
                && self.value.is_char_boundary(range.end))
            .then(|| Span::new(start + range.start, start + range.end));
        }
        let units = self.units()?;
        let mut first = None;
        let mut last = None;
        for ((at, _), unit) in self.value.char_indices().zip(&units) {
            if at >= range.start && at < range.end {
                first.get_or_insert(unit.start);
                last = Some(unit.end);
            }
        }
        Some(Span::new(first?, last?))
    }

    /// Like [`locate`](Self::locate), but falls back to the whole value's
    /// span: a fact read from a value is at least located on that value.
    pub fn span_of(&self, range: Range<usize>) -> Span {
        self.locate(range).unwrap_or_else(|| self.span())
    }

    /// The token without its quotes, and where that starts.
    fn inner(&self) -> (usize, &str) {
        let quote = match self.style {
            ScalarStyle::SingleQuoted => Some('\''),
            ScalarStyle::DoubleQuoted => Some('"'),
            _ => None,
        };
        match quote {
            Some(q) if self.raw.len() >= 2 && self.raw.starts_with(q) && self.raw.ends_with(q) => {
                (self.offset + 1, &self.raw[1..self.raw.len() - 1])
            }
            _ => (self.offset, self.raw),
        }
    }

    /// The raw bytes of each decoded `char`, found by walking the value and
    /// the token side by side: escapes (`\x41`, `''`) map to all their
    /// bytes, a folded line break to the whitespace it replaced, and
    /// indentation is skipped.
    fn units(&self) -> Option<Vec<Range<usize>>> {
        let (start, inner) = self.inner();
        let raw: Vec<(usize, char)> = inner.char_indices().collect();
        let end_of = |p: usize| raw.get(p).map_or(inner.len(), |&(at, _)| at);
        let double = self.style == ScalarStyle::DoubleQuoted;
        let single = self.style == ScalarStyle::SingleQuoted;
        let mut units = Vec::with_capacity(self.value.len());
        let mut p = 0;
        for c in self.value.chars() {
            loop {
                let &(at, r) = raw.get(p)?;
                if double && r == '\\' {
                    match raw.get(p + 1).map(|&(_, next)| next) {
                        // An escaped line break joins the lines.
                        Some('\n' | '\r') => {
                            p += 1;
                            while raw.get(p).is_some_and(|&(_, w)| w.is_whitespace()) {
                                p += 1;
                            }
                            continue;
                        }
                        Some(next) => {
                            let digits = match next {
                                'x' => 2,
                                'u' => 4,
                                'U' => 8,
                                _ => 0,
                            };
                            let len = 2 + digits;
                            units.push(start + at..start + end_of(p + len));
                            p += len;
                            break;
                        }
                        None => return None,
                    }
                }
                if r == c {
                    let len = if single && r == '\'' { 2 } else { 1 };
                    units.push(start + at..start + end_of(p + len));
                    p += len;
                    break;
                }
                if r.is_whitespace() {
                    if c == ' ' && (r == '\n' || r == '\r') {
                        while raw.get(p).is_some_and(|&(_, w)| w.is_whitespace()) {
                            p += 1;
                        }
                        units.push(start + at..start + end_of(p));
                        break;
                    }
                    p += 1;
                    continue;
                }
                return None;
            }
        }
        Some(units)
    }
}

/// Whether a document is a Kubernetes object: top-level `apiVersion` and
/// `kind`.
pub fn is_kubernetes_manifest(document: &Node<'_>) -> bool {
    document.get("apiVersion").and_then(Node::text).is_some()
        && document.get("kind").and_then(Node::text).is_some()
}

/// Whether a document is a GitHub Actions workflow: top-level `on` and a
/// `jobs` mapping (for workflows outside `.github/workflows/`, e.g. when
/// that folder itself is scanned).
fn is_github_workflow(document: &Node<'_>) -> bool {
    document.get("on").is_some() && matches!(document.get("jobs"), Some(Node::Mapping(_)))
}

// ---------------------------------------------------------------------------
// Reading: events -> tree.

/// The most nodes one document may stand for once aliases are expanded;
/// past it, aliases are dropped (the "billion laughs" guard).
const MAX_WEIGHT: usize = 1_000_000;

/// Reads the stream that starts at byte `base` into `yaml`. On a syntax
/// error, keeps what was read and returns the error's offset.
fn read_stream<'a>(text: &'a str, base: usize, yaml: &mut Yaml<'a>) -> Result<(), usize> {
    let mut options = Options::default();
    options.emit_unresolved_aliases = true;
    options.set_emit_comments(false);
    let rest = text.get(base..).unwrap_or_default();
    let mut builder = Builder {
        text,
        base,
        stack: Vec::new(),
        anchors: HashMap::new(),
        yaml,
        too_heavy: false,
    };
    for next in Parser::new_from_str_with_options(rest, options) {
        match next {
            Ok((event, span)) => {
                let start = builder.offset(&span.start);
                let end = builder.offset(&span.end).max(start);
                builder.event(event, start..end);
            }
            Err(error) => {
                let at = builder.offset(error.marker());
                builder.close_all();
                let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                let message = format!("invalid YAML: {}", error.kind());
                builder.yaml.problems.push((Span::new(at, end), message));
                return Err(at);
            }
        }
    }
    builder.close_all();
    Ok(())
}

/// The start of the first `---` line after byte `at`.
fn next_document_marker(text: &str, at: usize) -> Option<usize> {
    let mut line_start = text[at..].find('\n').map(|i| at + i + 1)?;
    loop {
        let rest = &text[line_start..];
        if let Some(after) = rest.strip_prefix("---")
            && (after.is_empty() || after.starts_with([' ', '\t', '\r', '\n']))
        {
            return Some(line_start);
        }
        line_start += rest.find('\n')? + 1;
    }
}

struct Builder<'a, 'y> {
    text: &'a str,
    base: usize,
    stack: Vec<Frame<'a>>,
    anchors: HashMap<usize, Node<'a>>,
    yaml: &'y mut Yaml<'a>,
    too_heavy: bool,
}

enum Frame<'a> {
    Document(Option<Node<'a>>),
    Sequence {
        items: Vec<Node<'a>>,
        anchor: usize,
        weight: usize,
    },
    Mapping {
        entries: Vec<(Node<'a>, Node<'a>)>,
        key: Option<Node<'a>>,
        anchor: usize,
        weight: usize,
    },
}

impl<'a> Builder<'a, '_> {
    /// A marker's byte offset in the whole text, on a char boundary.
    fn offset(&self, marker: &Marker) -> usize {
        let rest = &self.text[self.base..];
        let local = marker.byte_offset().unwrap_or_else(|| {
            rest.char_indices()
                .nth(marker.index())
                .map_or(rest.len(), |(at, _)| at)
        });
        let mut at = (self.base + local).min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::DocumentStart(..) => self.stack.push(Frame::Document(None)),
            Event::DocumentEnd => self.close_document(),
            Event::Scalar(value, style, anchor, _) => {
                let node = Node::Scalar(Rc::new(Scalar {
                    value: value.into_owned(),
                    style,
                    raw: &self.text[range.clone()],
                    offset: range.start,
                }));
                self.anchor(anchor, &node);
                self.add(node, range.start);
            }
            Event::SequenceStart(_, anchor, _) => self.stack.push(Frame::Sequence {
                items: Vec::new(),
                anchor,
                weight: 1,
            }),
            Event::MappingStart(_, anchor, _) => self.stack.push(Frame::Mapping {
                entries: Vec::new(),
                key: None,
                anchor,
                weight: 1,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, anchor)) = self.close_collection() {
                    self.anchor(anchor, &node);
                    self.add(node, range.start);
                }
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned();
                match node {
                    Some(node) => self.add(node, range.start),
                    None => self.unknown_alias(range),
                }
            }
            Event::UnresolvedAlias(_) => self.unknown_alias(range),
            _ => {}
        }
    }

    fn unknown_alias(&mut self, range: Range<usize>) {
        let name = self.text[range.clone()].to_owned();
        self.yaml.problems.push((
            Span::new(range.start, range.end),
            format!("invalid YAML: alias `{name}` has no anchor before it"),
        ));
        let null = Node::Scalar(Rc::new(Scalar {
            value: String::new(),
            style: ScalarStyle::Plain,
            raw: "",
            offset: range.start,
        }));
        self.add(null, range.start);
    }

    fn anchor(&mut self, anchor: usize, node: &Node<'a>) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    /// Adds a finished node to the collection being read.
    fn add(&mut self, node: Node<'a>, at: usize) {
        let weight = node.weight();
        let heavy = match self.stack.last() {
            Some(Frame::Sequence { weight: w, .. } | Frame::Mapping { weight: w, .. }) => {
                w.saturating_add(weight) > MAX_WEIGHT
            }
            _ => weight > MAX_WEIGHT,
        };
        if heavy {
            if !self.too_heavy {
                self.too_heavy = true;
                self.yaml.problems.push((
                    Span::new(at, at),
                    "invalid YAML: aliases expand past a million nodes; the rest is ignored"
                        .to_owned(),
                ));
            }
            return;
        }
        match self.stack.last_mut() {
            Some(Frame::Sequence {
                items, weight: w, ..
            }) => {
                *w += weight;
                items.push(node);
            }
            Some(Frame::Mapping {
                entries,
                key,
                weight: w,
                ..
            }) => {
                *w += weight;
                match key.take() {
                    Some(k) => entries.push((k, node)),
                    None => *key = Some(node),
                }
            }
            Some(Frame::Document(root)) => {
                root.get_or_insert(node);
            }
            None => {}
        }
    }

    /// Pops the innermost collection as a node, with its anchor.
    fn close_collection(&mut self) -> Option<(Node<'a>, usize)> {
        match self.stack.pop()? {
            Frame::Sequence {
                items,
                anchor,
                weight,
            } => Some((Node::Sequence(Rc::new(Sequence { items, weight })), anchor)),
            Frame::Mapping {
                entries,
                anchor,
                weight,
                ..
            } => {
                let (entries, weight) = merge(entries, weight);
                Some((Node::Mapping(Rc::new(Mapping { entries, weight })), anchor))
            }
            frame @ Frame::Document(_) => {
                self.stack.push(frame);
                None
            }
        }
    }

    fn close_document(&mut self) {
        while let Some(frame) = self.stack.last() {
            if let Frame::Document(_) = frame {
                if let Some(Frame::Document(Some(root))) = self.stack.pop() {
                    self.yaml.documents.push(root);
                }
                return;
            }
            if let Some((node, anchor)) = self.close_collection() {
                self.anchor(anchor, &node);
                self.add(node, self.text.len());
            }
        }
    }

    /// Closes whatever is open (after an error or at the end).
    fn close_all(&mut self) {
        if !self.stack.is_empty() && !matches!(self.stack.first(), Some(Frame::Document(_))) {
            self.stack.insert(0, Frame::Document(None));
        }
        while !self.stack.is_empty() {
            self.close_document();
        }
    }
}

/// Applies merge keys: `<<: *defaults` (or `<<: [*a, *b]`) brings in the
/// entries of the merged mappings whose keys the mapping does not set
/// itself (YAML 1.1 merge, which Compose, GitLab and Spring all honour).
fn merge<'a>(
    entries: Vec<(Node<'a>, Node<'a>)>,
    weight: usize,
) -> (Vec<(Node<'a>, Node<'a>)>, usize) {
    let is_merge = |key: &Node<'_>| matches!(key, Node::Scalar(s) if s.style == ScalarStyle::Plain && s.value == "<<");
    if !entries.iter().any(|(key, _)| is_merge(key)) {
        return (entries, weight);
    }
    let mut sources = Vec::new();
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        if is_merge(&key) {
            match &value {
                Node::Mapping(mapping) => sources.push(Rc::clone(mapping)),
                Node::Sequence(sequence) => {
                    for item in &sequence.items {
                        if let Node::Mapping(mapping) = item {
                            sources.push(Rc::clone(mapping));
                        }
                    }
                }
                Node::Scalar(_) => {}
            }
        } else {
            out.push((key, value));
        }
    }
    let mut seen: HashSet<String> = out
        .iter()
        .filter_map(|(key, _)| key.text().map(str::to_owned))
        .collect();
    for source in sources {
        for (key, value) in &source.entries {
            if let Some(name) = key.text()
                && seen.insert(name.to_owned())
            {
                out.push((key.clone(), value.clone()));
            }
        }
    }
    (out, weight)
}

// ---------------------------------------------------------------------------
// Facts from YAML values, shared by the dialects.

/// How a script embedded in YAML is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shell {
    /// sh or bash: read by the shell extractor.
    Posix,
    /// cmd.exe: read by the batch extractor.
    Cmd,
    /// PowerShell, Python and the like: only JVM options on lines that are
    /// not `#` comments.
    Other,
}

/// Collects the facts a dialect finds, located in the YAML file.
pub(crate) struct Sink<'s> {
    source: &'s SourceFile,
    extraction: Extraction,
}

impl<'s> Sink<'s> {
    pub(crate) fn new(source: &'s SourceFile) -> Self {
        Self {
            source,
            extraction: Extraction::default(),
        }
    }

    /// The facts, each once: a literal reached twice (a hidden GitLab job
    /// and the job that merges it, two services sharing an anchor) is one
    /// fact.
    pub(crate) fn finish(mut self) -> Extraction {
        let facts = &mut self.extraction.facts;
        facts.sort();
        let mut seen = HashSet::new();
        facts.retain(|fact| seen.insert((fact.kind, fact.span, fact.value.clone())));
        self.extraction
    }

    /// The YAML file's path, for facts a dialect makes itself.
    pub(crate) fn path(&self) -> &Arc<str> {
        &self.source.path
    }

    /// Adds a fact located in the YAML file (an empty span is dropped).
    pub(crate) fn fact(&mut self, fact: Fact) {
        if !fact.span.is_empty() {
            self.extraction.facts.push(fact);
        }
    }

    /// A `java.version` fact for the bytes `range` of `scalar`'s value, if
    /// they are a Java version.
    pub(crate) fn java_version(
        &mut self,
        scalar: &Scalar<'_>,
        range: Range<usize>,
        value: &str,
        attributes: &[(&str, &str)],
    ) {
        if Version::parse_java(value).is_err() {
            return;
        }
        let Some(span) = scalar.locate(range) else {
            return;
        };
        let mut fact = Fact::new(FactKind::JavaVersion, value, self.path(), span);
        for (key, value) in attributes {
            fact.attributes.insert(key, *value);
        }
        self.fact(fact);
    }

    /// Each Java version in a list value (`8`, `'1.8.0_151'`, `"8\n11"`,
    /// `7, 8`): one fact per item that is a version.
    pub(crate) fn java_version_list(&mut self, scalar: &Scalar<'_>, attributes: &[(&str, &str)]) {
        let value = scalar.value.as_str();
        for item in crate::extract::tls::list_items(value) {
            let token = &value[item.clone()];
            if token.starts_with(|c: char| c.is_ascii_digit()) {
                self.java_version(scalar, item.clone(), token, attributes);
            }
        }
    }

    /// The Java version a container image reference names (`openjdk:7`,
    /// `maven:3-jdk-8`), with `source` and `setting`.
    pub(crate) fn image(&mut self, scalar: &Scalar<'_>, source: &str, setting: &str) {
        let Some(found) = dockerfile::image_java(&scalar.value) else {
            return;
        };
        let Some(span) = scalar.locate(found.range) else {
            return;
        };
        let fact = Fact::new(FactKind::JavaVersion, found.value, self.path(), span)
            .with("source", source)
            .with("setting", setting)
            .with("image", found.repository);
        self.fact(fact);
    }

    /// JVM options (`-Dhttps.protocols=...`, key stores and their
    /// passwords) in the bytes `range` of a value.
    pub(crate) fn jvm_options(&mut self, scalar: &Scalar<'_>, range: Range<usize>) {
        let Some(text) = scalar.value.get(range.clone()) else {
            return;
        };
        let clues = java::jvm_options(text)
            .into_iter()
            .chain(environment::node_flags(text))
            .chain(activemq::uri_clues(text));
        for clue in clues {
            let at = range.start + clue.range.start..range.start + clue.range.end;
            let span = scalar.span_of(at);
            let mut fact = Fact::new(clue.kind, clue.value, self.path(), span);
            for (key, value) in clue.attributes {
                fact.attributes.insert(key, value);
            }
            if fact.kind == FactKind::CertReference && fact.value.contains(['$', '%']) {
                fact.attributes.insert("unresolved", "true");
            }
            self.fact(fact);
        }
    }

    /// An environment variable (or CI variable) `name` whose value is the
    /// bytes `range` of `scalar`: JVM options in it, the Java of a
    /// `JAVA_HOME`, and a `secret` when the name says so and the value is
    /// a literal.
    pub(crate) fn variable(&mut self, name: &str, scalar: &Scalar<'_>, range: Range<usize>) {
        let Some(value) = scalar.value.get(range.clone()) else {
            return;
        };
        // Variables with a meaning of their own (`NODE_TLS_REJECT_UNAUTHORIZED=0`,
        // Boomi's `|`-separated `ATOM_VMOPTIONS_OVERRIDES`) first: a duplicate
        // the generic scan finds again is dropped, and these carry more.
        for clue in environment::clues(name, value) {
            let at = range.start + clue.range.start..range.start + clue.range.end;
            let mut fact = Fact::new(clue.kind, clue.value, self.path(), scalar.span_of(at));
            for (key, value) in clue.attributes {
                fact.attributes.insert(key, value);
            }
            self.fact(fact);
        }
        self.jvm_options(scalar, range.clone());
        let upper = name.to_ascii_uppercase();
        if ["JAVA_HOME", "JDK_HOME", "JRE_HOME"]
            .iter()
            .any(|home| upper.ends_with(home))
        {
            for clue in java::java_versions(value) {
                let at = range.start + clue.range.start..range.start + clue.range.end;
                let mut attributes = clue.attributes;
                if attributes.is_empty() {
                    attributes.push(("source", "java-home".to_owned()));
                }
                let attributes: Vec<(&str, &str)> =
                    attributes.iter().map(|(k, v)| (*k, v.as_str())).collect();
                self.java_version(scalar, at, &clue.value, &attributes);
            }
        }
        self.secret(name, scalar, range);
    }

    /// A `secret` when `name` says the bytes `range` of `scalar` are one
    /// and they are a literal.
    pub(crate) fn secret(&mut self, name: &str, scalar: &Scalar<'_>, range: Range<usize>) {
        let Some(value) = scalar.value.get(range.clone()) else {
            return;
        };
        if secrets::is_secret_name(name) && !is_placeholder(value) {
            let lead = value.len() - value.trim_start().len();
            let end = value.trim_end().len();
            if lead < end {
                let span = scalar.span_of(range.start + lead..range.start + end);
                self.fact(Fact::secret(self.path(), span, name));
            }
        }
    }

    /// A `NAME=value` item (Compose `environment:` lists, Travis `env:`).
    pub(crate) fn assignment(&mut self, scalar: &Scalar<'_>) {
        let text = scalar.value.as_str();
        if let Some(eq) = text.find('=') {
            let name = text[..eq].trim();
            if !name.is_empty() && !name.contains(char::is_whitespace) {
                self.variable(name, scalar, eq + 1..text.len());
            }
        }
    }

    /// A script embedded in YAML, written as one scalar or as several (a
    /// GitLab `script:` list: one command each), read by the extractor of
    /// its shell; its facts are located in the YAML file.
    pub(crate) fn script(&mut self, pieces: &[&Scalar<'_>], shell: Shell) {
        if pieces.is_empty() {
            return;
        }
        if shell == Shell::Other {
            for piece in pieces {
                self.script_lines(piece);
            }
            return;
        }
        let mut text = String::new();
        let mut starts = Vec::with_capacity(pieces.len());
        for piece in pieces {
            starts.push(text.len());
            text.push_str(&piece.value);
            text.push('\n');
        }
        let script = SourceFile::new(Arc::clone(self.path()), text);
        let extraction = match shell {
            Shell::Cmd => batch::extract(&script, &NoIncludes),
            _ => shell::extract(&script, &NoIncludes),
        };
        for mut fact in extraction.facts {
            let range = fact.span.range();
            let index = starts.partition_point(|&start| start <= range.start) - 1;
            let start = starts[index];
            let piece = pieces[index];
            if range.end > start + piece.value.len() {
                continue;
            }
            let Some(span) = piece.locate(range.start - start..range.end - start) else {
                continue;
            };
            fact.span = span;
            fact.path = Arc::clone(self.path());
            self.fact(fact);
        }
    }

    /// JVM options on each line of a script that is not a `#` comment.
    fn script_lines(&mut self, scalar: &Scalar<'_>) {
        let mut at = 0;
        for line in scalar.value.split_inclusive('\n') {
            if !line.trim_start().starts_with('#') {
                self.jvm_options(scalar, at..at + line.len());
            }
            at += line.len();
        }
    }
}

/// Whether a value is no literal secret: [`secrets::is_placeholder`], or an
/// Azure Pipelines runtime expression (`$[ variables.pass ]`) or replaced
/// token (`#{Password}#`).
pub(crate) fn is_placeholder(value: &str) -> bool {
    secrets::is_placeholder(value) || value.contains("$[") || value.contains("#{")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Node<'_> {
        let yaml = parse(text);
        assert!(yaml.problems.is_empty(), "{:?}", yaml.problems);
        yaml.documents.into_iter().next().unwrap()
    }

    /// The raw text under a scalar's span.
    fn raw<'t>(text: &'t str, scalar: &Scalar<'_>) -> &'t str {
        &text[scalar.span().range()]
    }

    #[test]
    fn quoted_values_are_located_without_their_quotes() {
        let text = "a: '8'\nb: \"1.8.0_151\"\nc: 7\nd: 'it''s'\n";
        let root = doc(text);
        let value = |key| root.get(key).and_then(Node::scalar).unwrap();
        assert_eq!(raw(text, value("a")), "8");
        assert_eq!(raw(text, value("b")), "1.8.0_151");
        assert_eq!(raw(text, value("c")), "7");
        assert_eq!(value("d").value, "it's");
        assert_eq!(raw(text, value("d")), "it''s");
    }

    #[test]
    fn parts_of_values_are_located_through_escapes_and_folding() {
        let text = "a: \"-Dx=\\u00e9 -Dhttps.protocols=TLSv1\"\nb: >\n  one\n  -Dhttps.protocols=TLSv1.1\nc: |\r\n  x\r\n  TLSv1.2\r\n";
        let root = doc(text);
        let a = root.get("a").and_then(Node::scalar).unwrap();
        let at = a.value.find("TLSv1").unwrap();
        assert_eq!(&text[a.locate(at..at + 5).unwrap().range()], "TLSv1");
        let e = a.value.find('é').unwrap();
        assert_eq!(&text[a.locate(e..e + 2).unwrap().range()], "\\u00e9");
        let b = root.get("b").and_then(Node::scalar).unwrap();
        assert_eq!(b.value, "one -Dhttps.protocols=TLSv1.1\n");
        let at = b.value.find("TLSv1.1").unwrap();
        assert_eq!(&text[b.locate(at..at + 7).unwrap().range()], "TLSv1.1");
        assert_eq!(raw(text, b), "one\n  -Dhttps.protocols=TLSv1.1");
        let c = root.get("c").and_then(Node::scalar).unwrap();
        let at = c.value.find("TLSv1.2").unwrap();
        assert_eq!(&text[c.locate(at..at + 7).unwrap().range()], "TLSv1.2");
    }

    #[test]
    fn aliases_share_the_anchored_literal_and_merge_keys_apply() {
        let text = "base: &base\n  image: openjdk:7\n  env: x\nsvc:\n  <<: *base\n  env: y\nother: *base\n";
        let root = doc(text);
        let svc = root.get("svc").unwrap();
        let image = svc.get("image").and_then(Node::scalar).unwrap();
        assert_eq!(raw(text, image), "openjdk:7");
        assert_eq!(image.span().start, 21);
        assert_eq!(svc.get("env").and_then(Node::text), Some("y"));
        let other = root.get("other").unwrap();
        assert_eq!(
            other
                .get("image")
                .and_then(Node::scalar)
                .unwrap()
                .span()
                .start,
            21
        );
    }

    #[test]
    fn every_document_and_flow_style() {
        let text = "a: {k: v, l: [1, '2']}\n---\nb: 2\n...\n---\n- c\n";
        let yaml = parse(text);
        assert!(yaml.problems.is_empty());
        assert_eq!(yaml.documents.len(), 3);
        let l = yaml.documents[0].get("a").unwrap().get("l").unwrap();
        let items: Vec<&str> = l.scalars().iter().map(|s| raw(text, s)).collect();
        assert_eq!(items, ["1", "2"]);
        assert_eq!(yaml.documents[1].get("b").and_then(Node::text), Some("2"));
        assert_eq!(yaml.documents[2].items()[0].text(), Some("c"));
    }

    #[test]
    fn malformed_yaml_keeps_what_was_read_and_resumes_at_the_next_document() {
        let text = "a: 1\nb: [x, y\nc: 3\n---\nd: 4\n";
        let yaml = parse(text);
        assert_eq!(yaml.problems.len(), 1);
        let (span, message) = &yaml.problems[0];
        assert!(message.starts_with("invalid YAML"), "{message}");
        assert!(span.start >= 5 && span.range().end <= text.len());
        assert_eq!(yaml.documents.len(), 2);
        assert_eq!(yaml.documents[0].get("a").and_then(Node::text), Some("1"));
        assert_eq!(yaml.documents[1].get("d").and_then(Node::text), Some("4"));
    }

    #[test]
    fn unknown_aliases_are_problems_not_the_end() {
        let yaml = parse("a: *nope\nb: 2\n");
        assert_eq!(yaml.problems.len(), 1);
        assert_eq!(yaml.documents[0].get("b").and_then(Node::text), Some("2"));
    }

    #[test]
    fn alias_bombs_are_cut_off() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text += &[
                "a",
                &i.to_string(),
                ": &a",
                &i.to_string(),
                " [",
                &refs,
                "]\n",
            ]
            .concat();
        }
        let yaml = parse(&text);
        assert!(yaml.problems.iter().any(|(_, m)| m.contains("million")));
    }

    #[test]
    fn nulls_and_empty_values() {
        let root = doc("a:\nb: ~\nc: ''\n");
        assert!(root.get("a").unwrap().scalar().is_none());
        assert!(root.get("b").unwrap().scalar().is_none());
        assert_eq!(root.get("c").and_then(Node::text), Some(""));
    }

    proptest::proptest! {
        /// Any text, in any dialect: no panic, and every span inside the
        /// text on char boundaries, not empty for facts.
        #[test]
        fn spans_stay_valid_on_arbitrary_yaml(
            text in "(env:|JAVA_OPTS:|image:|jdk:|- |  |\\n|\"|'|\\\\u00e9|é|-Dhttps.protocols=TLSv1|openjdk:7|---|&a|\\*a|<<:|[{}\\[\\],:#|>]|\r|\n| |x){0,40}"
        ) {
            for kind in [
                FileKind::GithubActions,
                FileKind::GitlabCi,
                FileKind::Compose,
                FileKind::Kubernetes,
                FileKind::Spring,
            ] {
                let source = SourceFile::new("f.yml", text.as_str());
                let extraction = extract(kind, &source);
                proptest::prop_assert!(extraction.spans_are_valid(&text));
                for fact in &extraction.facts {
                    proptest::prop_assert!(!fact.span.is_empty());
                }
            }
        }
    }

    #[test]
    fn next_document_marker_needs_a_line_of_its_own() {
        let text = "a: [\n---x\n--- \nb: 1\n";
        assert_eq!(next_document_marker(text, 0), Some(10));
        assert_eq!(next_document_marker("a: [\n", 0), None);
    }
}
