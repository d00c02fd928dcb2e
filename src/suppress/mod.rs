//! Inline suppressions: `connlint: ignore[RULE-ID] reason` in a comment.
//!
//! - On a line with code (a trailing comment), it silences findings on that
//!   line. On a comment-only line, it silences findings on the next line
//!   that is not a comment line (so several directives, or a directive and
//!   an explanation, can stack above one line; a blank line ends the run).
//! - `connlint: ignore-file[RULE-ID] reason` in the comment block at the top
//!   of a file (before any code; a shebang, `<?xml ...?>` and `---` may
//!   come first) silences the rule in the whole file.
//! - Ids are comma-separated rule ids or pack names (`ignore[secrets]`);
//!   not tags, which are too broad to read at a glance. A pack name also
//!   covers rules the pack gains later, as `[[ignore]]` in the config does.
//! - `until=YYYY-MM-DD` right after the brackets makes the directive stop
//!   working after that day (compared with the scan's as-of date).
//! - Only comments count ([`comment_syntax`]): the marker in a string, a URL
//!   or a property value is text.
//!
//! What the directives did is reported by the meta rules of the built-in
//! `connlint` pack (`rules/connlint.toml`), which are ordinary rules with a
//! `suppression` check: unused ids (like ruff's RUF100), a missing reason
//! (it still suppresses, as ruff and semgrep users expect, but is
//! reported), an expired `until=` (the findings come back), unknown ids and
//! malformed directives. Keeping them as pack rules gives them severity
//! overrides, `--select`/`--ignore`, `connlint rules`/`explain`/`docs` and
//! tested examples for free; the only code they need is here and the
//! `Target::Suppression` arm of the evaluator. Their findings cannot be
//! suppressed inline (a directive about directives would go round in
//! circles); `disable` them in `.connlint.toml` or with `--ignore`.

mod comments;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::classify::FileKind;
use crate::facts::{Fact, FactKind};
use crate::finding::Finding;
use crate::rules::compile::{CompiledPack, META_PACK, parse_date};
use crate::rules::eval::{self, Active, EvalOptions};
use crate::rules::schema::SuppressionCheck;
use crate::source::SourceFile;
use crate::span::Span;

/// How comments are written in the files of one kind: the syntax connlint
/// reads suppressions in, and what an editor action writes to insert one.
///
/// `trailing` is `None` where a comment after code is not a comment:
/// `.properties` values and JVM option lines run to the line end, `.reg`
/// and Apache files only know whole-line comments. There, a suppression
/// goes on the line above. (nginx does have trailing comments, but nginx
/// and Apache files share [`FileKind::WebServer`], so only the form valid
/// in both is offered.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommentSyntax {
    /// Openers of a comment that runs to the end of its line, the one to
    /// write first (`#`, `//`, `REM`).
    pub line: &'static [&'static str],
    /// Block comment delimiters (`<!--`, `-->`), when the format has them.
    pub block: Option<(&'static str, &'static str)>,
    /// What starts a comment after code on the same line (`#`, `//`,
    /// `<!--`, `& REM`), or `None` when only the line above works.
    pub trailing: Option<&'static str>,
    /// A line ending in this character continues on the next line (`\` in
    /// shell, `^` in batch, `` ` `` in PowerShell): a comment line cannot go
    /// between such lines without breaking the statement.
    pub continuation: Option<char>,
}

impl CommentSyntax {
    /// `text` as a whole-line comment: `# text`, `REM text`, `<!-- text -->`.
    pub fn comment(self, text: &str) -> String {
        match (self.line.first(), self.block) {
            (Some(open), _) => format!("{open} {text}"),
            (None, Some((open, close))) => format!("{open} {text} {close}"),
            (None, None) => text.to_owned(),
        }
    }
}

/// The comment syntax of `kind`, or `None` for formats without comments
/// (JSON descriptors, `.java-version`, key files; certificates and
/// keystores are not text). The one place that says how each format
/// comments: the reader below and editor code actions both use it.
pub fn comment_syntax(kind: FileKind) -> Option<CommentSyntax> {
    const HASH: CommentSyntax = CommentSyntax {
        line: &["#"],
        block: None,
        trailing: Some("#"),
        continuation: None,
    };
    const HASH_LINES: CommentSyntax = CommentSyntax {
        line: &["#"],
        block: None,
        trailing: None,
        continuation: None,
    };
    const C_LIKE: CommentSyntax = CommentSyntax {
        line: &["//"],
        block: Some(("/*", "*/")),
        trailing: Some("//"),
        continuation: None,
    };
    let syntax = match kind {
        FileKind::ToolVersions
        | FileKind::GithubActions
        | FileKind::GitlabCi
        | FileKind::Travis
        | FileKind::AzurePipelines
        | FileKind::Compose
        | FileKind::Kubernetes
        | FileKind::Spring
        | FileKind::Yaml
        | FileKind::ClientInventory => HASH,
        FileKind::Shell | FileKind::Python | FileKind::OpensslConf => CommentSyntax {
            continuation: Some('\\'),
            ..HASH
        },
        // A Dockerfile's `#` after an instruction is only a comment in
        // `RUN` (the shell's); the line above always works.
        FileKind::VmOptions | FileKind::Sdkmanrc => HASH_LINES,
        FileKind::Dockerfile | FileKind::WebServer => CommentSyntax {
            continuation: Some('\\'),
            ..HASH_LINES
        },
        FileKind::Properties | FileKind::MuleDeploy | FileKind::MuleTlsConf => CommentSyntax {
            line: &["#", "!"],
            block: None,
            trailing: None,
            continuation: Some('\\'),
        },
        FileKind::PowerShell => CommentSyntax {
            line: &["#"],
            block: Some(("<#", "#>")),
            trailing: Some("#"),
            continuation: Some('`'),
        },
        FileKind::Batch => CommentSyntax {
            line: &["REM", "::"],
            block: None,
            trailing: Some("& REM"),
            continuation: Some('^'),
        },
        FileKind::Registry => CommentSyntax {
            line: &[";"],
            block: None,
            trailing: None,
            continuation: Some('\\'),
        },
        FileKind::Xml | FileKind::SalesforceXml | FileKind::DotnetXml => CommentSyntax {
            line: &[],
            block: Some(("<!--", "-->")),
            trailing: Some("<!--"),
            continuation: None,
        },
        FileKind::JavaSource | FileKind::Gradle | FileKind::CSharp | FileKind::JavaScript => C_LIKE,
        FileKind::JavaVersion
        | FileKind::MuleArtifact
        | FileKind::SfdxProject
        | FileKind::DataLoaderKey => return None,
    };
    Some(syntax)
}

/// Where a directive applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One 1-based line.
    Line(u32),
    /// The 1-based lines of one statement continued over several lines
    /// (`\`, `^`, `` ` ``): a comment above it covers all of them.
    Statement(u32, u32),
    /// The whole file (`ignore-file`).
    File,
}

/// One `connlint: ignore[...]` or `ignore-file[...]` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Where it applies.
    pub scope: Scope,
    /// From `connlint:` to the closing `]` (and `until=...` when given).
    pub span: Span,
    /// `ignore[...]` or `ignore-file[...]`, brackets included.
    pub brackets: Span,
    /// The rule ids and pack names, as written, with their spans.
    pub ids: Vec<(String, Span)>,
    /// The last day it works, and the span of `until=...`.
    pub until: Option<(time::Date, Span)>,
    /// Why (empty when none is given).
    pub reason: String,
    /// What is wrong with it, and where, when it cannot be honoured; a
    /// malformed directive silences nothing.
    pub malformed: Option<(String, Span)>,
}

impl Directive {
    /// Whether it silences findings as of `as_of`: well formed, and not
    /// past its `until=` day.
    pub fn in_force(&self, as_of: time::Date) -> bool {
        self.malformed.is_none() && !self.expired(as_of)
    }

    /// Whether its `until=` day lies before `as_of`.
    pub fn expired(&self, as_of: time::Date) -> bool {
        self.until.is_some_and(|(until, _)| until < as_of)
    }

    /// Its ids, comma-separated.
    fn id_list(&self) -> String {
        let ids: Vec<&str> = self.ids.iter().map(|(id, _)| id.as_str()).collect();
        ids.join(", ")
    }
}

/// The directives of each file that has any, by path.
pub type Directives = BTreeMap<Arc<str>, Vec<Directive>>;

/// Whether `text` may hold a directive: a cheap test before reading its
/// comments.
pub fn has_marker(text: &str) -> bool {
    static_regex!(r"(?i)connlint:").is_match(text)
}

/// The directives in the comments of `source`, read as `kind`, in order.
pub fn directives(kind: FileKind, source: &SourceFile) -> Vec<Directive> {
    let text = &*source.text;
    if !has_marker(text) {
        return Vec::new();
    }
    let Some(syntax) = comment_syntax(kind) else {
        return Vec::new();
    };
    let comments = comments::comments(kind, &source.path, text);
    if comments.is_empty() {
        return Vec::new();
    }
    let lines = Lines::new(source, &comments);
    let closer = syntax.block.map(|(_, close)| close);
    let mut out = Vec::new();
    for comment in &comments {
        let body = &text[comment.body.clone()];
        let markers: Vec<usize> = static_regex!(r"(?i)connlint:")
            .find_iter(body)
            .map(|m| comment.body.start + m.start())
            .filter(|&at| {
                // `xconnlint:` is not the marker.
                text[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'))
            })
            .collect();
        for (n, &at) in markers.iter().enumerate() {
            // A directive runs to its line's end, the comment's end, or
            // the next marker, whichever comes first.
            let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |p| at + p);
            let end = line_end
                .min(comment.body.end)
                .min(markers.get(n + 1).copied().unwrap_or(usize::MAX));
            let Some(mut directive) = parse(text, at, end, closer) else {
                continue;
            };
            let line = lines.line_of(at);
            let header = line < lines.first_code;
            directive.scope = match directive.scope {
                Scope::File if !header => {
                    directive.malformed.get_or_insert((
                        "`ignore-file` works only in the comment block at the top of the file, before any code".to_owned(),
                        directive.brackets,
                    ));
                    Scope::File
                }
                Scope::File => Scope::File,
                Scope::Line(_) if lines.has_code(line) => Scope::Line(line),
                Scope::Line(_) => {
                    let first = lines.next_non_comment(line);
                    let mut last = first;
                    if let Some(continuation) = syntax.continuation {
                        while (last as usize) < source.lines.line_count()
                            && continues(line_text(source, last as usize - 1), continuation)
                        {
                            last += 1;
                        }
                    }
                    if last == first {
                        Scope::Line(first)
                    } else {
                        Scope::Statement(first, last)
                    }
                }
                Scope::Statement(..) => directive.scope,
            };
            out.push(directive);
        }
    }
    out
}

/// What the rules found once inline suppressions were applied.
#[derive(Debug, Default)]
pub struct Evaluated {
    /// The findings that stay, meta findings included, sorted.
    pub findings: Vec<Finding>,
    /// How many findings inline suppressions silenced.
    pub suppressed: usize,
}

/// Evaluates `rules` over `facts`: the policy rules, then (when
/// `directives` is given) the inline suppressions, then the meta rules of
/// the `connlint` pack over what the suppressions did. `packs` say which
/// rule ids and pack names exist; `source` gives the text of a path (for
/// the line a finding is on). Without `directives` (`--no-inline-ignores`)
/// nothing is suppressed and the meta rules stay quiet.
pub fn evaluate<'s>(
    rules: &[Active<'_>],
    packs: &[CompiledPack],
    facts: &[Fact],
    options: &EvalOptions,
    directives: Option<&Directives>,
    source: impl Fn(&str) -> Option<&'s SourceFile>,
) -> Evaluated {
    let (meta, policy): (Vec<Active<'_>>, Vec<Active<'_>>) =
        rules.iter().partition(|active| active.rule.is_meta());
    let mut findings = eval::evaluate(&policy, facts, options);
    crate::scan::link_to_references(&mut findings, facts);
    let Some(directives) = directives else {
        return Evaluated {
            findings,
            suppressed: 0,
        };
    };
    let names = RuleNames {
        packs,
        active: &policy,
    };
    let applied = apply(findings, directives, source, &names, options.as_of);
    let mut findings = applied.findings;
    findings.extend(eval::evaluate(&meta, &applied.facts, options));
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Evaluated {
        findings,
        suppressed: applied.suppressed,
    }
}

/// The rule names a scan knows: what a directive may name.
struct RuleNames<'a> {
    packs: &'a [CompiledPack],
    /// The policy rules that ran.
    active: &'a [Active<'a>],
}

impl RuleNames<'_> {
    /// A loaded policy rule's id or pack name.
    fn is_known(&self, name: &str) -> bool {
        self.packs.iter().any(|pack| {
            pack.rules
                .iter()
                .any(|r| !r.is_meta() && (&*r.id == name || &*r.pack == name))
        })
    }

    /// Whether a rule it names ran, so that its silence means something.
    fn is_active(&self, name: &str) -> bool {
        self.active
            .iter()
            .any(|a| &*a.rule.id == name || &*a.rule.pack == name)
    }
}

/// Whether `name` is connlint's own pack or one of its rules.
fn is_meta(name: &str) -> bool {
    name == META_PACK
        || name
            .strip_prefix(META_PACK)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Whether directive id `id` (a rule id or a pack name) covers `rule`.
fn covers(id: &str, rule: &str) -> bool {
    rule == id
        || rule
            .strip_prefix(id)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The findings that stay, how many were silenced, and one fact per thing
/// the meta rules report.
struct Applied {
    findings: Vec<Finding>,
    suppressed: usize,
    facts: Vec<Fact>,
}

fn apply<'s>(
    findings: Vec<Finding>,
    directives: &Directives,
    source: impl Fn(&str) -> Option<&'s SourceFile>,
    names: &RuleNames<'_>,
    as_of: time::Date,
) -> Applied {
    // For each directive, which of its ids silenced something.
    let mut used: BTreeMap<(&str, usize), Vec<bool>> = BTreeMap::new();
    let mut kept = Vec::with_capacity(findings.len());
    let mut suppressed = 0;
    for finding in findings {
        let (Some((path, list)), Some(source)) = (
            directives.get_key_value(&finding.path),
            source(&finding.path),
        ) else {
            kept.push(finding);
            continue;
        };
        let line = source.lines.line_col(&source.text, finding.span.start).line;
        let mut silenced = false;
        for (index, directive) in list.iter().enumerate() {
            let here = match directive.scope {
                Scope::File => true,
                Scope::Line(target) => target == line,
                Scope::Statement(top, bottom) => (top..=bottom).contains(&line),
            };
            if !here || !directive.in_force(as_of) {
                continue;
            }
            for (i, (id, _)) in directive.ids.iter().enumerate() {
                if !is_meta(id) && covers(id, &finding.rule) {
                    used.entry((&**path, index))
                        .or_insert_with(|| vec![false; directive.ids.len()])[i] = true;
                    silenced = true;
                }
            }
        }
        if silenced {
            suppressed += 1;
        } else {
            kept.push(finding);
        }
    }
    let mut facts = Vec::new();
    for (path, list) in directives {
        let Some(source) = source(path) else {
            continue;
        };
        for (index, directive) in list.iter().enumerate() {
            let used = used.get(&(&**path, index));
            report(source, directive, used, names, as_of, &mut facts);
        }
    }
    Applied {
        findings: kept,
        suppressed,
        facts,
    }
}

/// The facts the meta rules report about one directive.
fn report(
    source: &SourceFile,
    directive: &Directive,
    used: Option<&Vec<bool>>,
    names: &RuleNames<'_>,
    as_of: time::Date,
    out: &mut Vec<Fact>,
) {
    let text = &*source.text;
    let directive_line = source.lines.line_col(text, directive.span.start).line;
    let fact = |check: SuppressionCheck, span: Span, value: &str| {
        Fact::new(FactKind::TextMatch, value, &source.path, span)
            .with("suppression", check.name())
            .with("directive", directive_name(directive))
    };
    if let Some((problem, span)) = &directive.malformed {
        let value = text.get(directive.span.range()).unwrap_or_default();
        out.push(fact(SuppressionCheck::Malformed, *span, value).with("problem", problem));
        return;
    }
    let ids = directive.id_list();
    if directive.reason.is_empty() {
        out.push(fact(SuppressionCheck::WithoutReason, directive.span, &ids));
    }
    let expired = directive.expired(as_of);
    if let Some((until, span)) = directive.until.filter(|_| expired) {
        out.push(fact(SuppressionCheck::Expired, span, &until.to_string()).with("rules", &ids));
    }
    for (id, span) in &directive.ids {
        if is_meta(id) {
            out.push(
                fact(SuppressionCheck::Malformed, *span, id).with(
                    "problem",
                    "connlint's own findings cannot be suppressed inline; turn them off with `disable` in .connlint.toml or `--ignore`",
                ),
            );
        } else if !names.is_known(id) {
            out.push(fact(SuppressionCheck::UnknownRule, *span, id));
        }
    }
    if expired {
        // Reported as expired; whether it would still match is moot.
        return;
    }
    let unused: Vec<&(String, Span)> = directive
        .ids
        .iter()
        .enumerate()
        .filter(|(i, (id, _))| {
            !is_meta(id)
                && names.is_known(id)
                && names.is_active(id)
                && !used.is_some_and(|u| u.get(*i).copied().unwrap_or(false))
        })
        .map(|(_, id)| id)
        .collect();
    // No line numbers: the message is in baselines, which should not
    // change when lines move.
    let target = match directive.scope {
        Scope::File => "in this file",
        Scope::Line(line) if line == directive_line => "on this line",
        Scope::Line(_) => "on the line below",
        Scope::Statement(..) => "on the statement below",
    };
    if unused.len() == directive.ids.len() {
        out.push(fact(SuppressionCheck::Unused, directive.brackets, &ids).with("target", target));
    } else {
        for (id, span) in unused {
            out.push(fact(SuppressionCheck::Unused, *span, id).with("target", target));
        }
    }
}

fn directive_name(directive: &Directive) -> &'static str {
    match directive.scope {
        Scope::File => "ignore-file",
        Scope::Line(_) | Scope::Statement(..) => "ignore",
    }
}

/// Reads the directive whose `connlint:` marker is at `at`, up to `end`;
/// `None` when the marker is prose (`connlint: see the README`). Its scope
/// is `Line(0)` or `File`, for the caller to place.
fn parse(text: &str, at: usize, end: usize, closer: Option<&str>) -> Option<Directive> {
    let after_marker = at + "connlint:".len();
    let rest = &text[after_marker..end];
    let keyword_at = after_marker + (rest.len() - rest.trim_start().len());
    let keyword_len = text[keyword_at..end]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(end - keyword_at);
    let keyword = &text[keyword_at..keyword_at + keyword_len];
    let after_keyword = keyword_at + keyword_len;
    let bracket = text[after_keyword..end].starts_with('[');
    let scope = match keyword.to_ascii_lowercase().as_str() {
        "ignore" => Scope::Line(0),
        "ignore-file" => Scope::File,
        _ if bracket => {
            let span = Span::new(at, after_keyword);
            return Some(malformed(
                span,
                format!("unknown directive `{keyword}`: write `ignore[...]` or `ignore-file[...]`"),
            ));
        }
        _ => return None,
    };
    if !bracket {
        return Some(malformed(
            Span::new(at, after_keyword),
            format!(
                "`connlint: {keyword}` needs rule ids in brackets: `connlint: {keyword}[RULE-ID] reason`"
            ),
        ));
    }
    let open = after_keyword;
    let Some(close) = text[open..end].find(']').map(|p| open + p) else {
        let trimmed = open + text[open..end].trim_end().len();
        return Some(malformed(
            Span::new(at, trimmed),
            "the `[` is never closed on this line".to_owned(),
        ));
    };
    let mut ids = Vec::new();
    let mut item_start = open + 1;
    for item in text[open + 1..close].split(',') {
        let lead = item.len() - item.trim_start().len();
        let id = item.trim();
        let start = item_start + lead;
        ids.push((id.to_owned(), Span::new(start, start + id.len())));
        item_start += item.len() + 1;
    }
    let brackets = Span::new(keyword_at, close + 1);
    let mut directive = Directive {
        scope,
        span: Span::new(at, close + 1),
        brackets,
        ids,
        until: None,
        reason: String::new(),
        malformed: None,
    };
    if directive.ids.iter().any(|(id, _)| id.is_empty()) {
        directive.malformed = Some(("a rule id is empty".to_owned(), brackets));
        return Some(directive);
    }
    // `until=YYYY-MM-DD` right after the brackets, then the reason.
    let mut rest_at = close + 1;
    let after = &text[rest_at..end];
    let blank = after.len() - after.trim_start().len();
    let word_at = rest_at + blank;
    let word_len = text[word_at..end]
        .find(char::is_whitespace)
        .unwrap_or(end - word_at);
    let word = &text[word_at..word_at + word_len];
    if word
        .get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("until="))
    {
        let span = Span::new(word_at, word_at + word_len);
        let Some(date) = parse_date(&word[6..]) else {
            directive.malformed = Some(("`until=` takes a date, YYYY-MM-DD".to_owned(), span));
            return Some(directive);
        };
        directive.until = Some((date, span));
        directive.span = Span::new(at, word_at + word_len);
        rest_at = word_at + word_len;
    }
    let mut reason = &text[rest_at..end];
    if let Some(closer) = closer
        && let Some(cut) = reason.find(closer)
    {
        reason = &reason[..cut];
    }
    reason
        .trim()
        .trim_start_matches(['-', ':', '\u{2013}', '\u{2014}'])
        .trim()
        .clone_into(&mut directive.reason);
    Some(directive)
}

fn malformed(span: Span, problem: String) -> Directive {
    Directive {
        scope: Scope::Line(0),
        span,
        brackets: span,
        ids: Vec::new(),
        until: None,
        reason: String::new(),
        malformed: Some((problem, span)),
    }
}

/// What each line of a file holds: code, only comments, or nothing.
struct Lines<'a> {
    source: &'a SourceFile,
    /// Per 0-based line.
    kinds: Vec<LineKind>,
    /// The 1-based line of the first code (past the end when none): the
    /// top comment block ends there.
    first_code: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Comment,
    Code,
}

impl<'a> Lines<'a> {
    fn new(source: &'a SourceFile, comments: &[comments::Comment]) -> Self {
        let text = source.text.as_bytes();
        let mut in_comment = vec![false; text.len()];
        for comment in comments {
            for flag in &mut in_comment[comment.span.clone()] {
                *flag = true;
            }
        }
        let count = source.lines.line_count();
        let mut kinds = vec![LineKind::Blank; count];
        for (line, kind) in kinds.iter_mut().enumerate() {
            let start = source.lines.line_start(line).unwrap_or(0) as usize;
            let end = source
                .lines
                .line_start(line + 1)
                .map_or(text.len(), |s| s as usize);
            let mut any_comment = false;
            for i in start..end {
                if in_comment[i] {
                    any_comment = true;
                } else if !text[i].is_ascii_whitespace() {
                    *kind = LineKind::Code;
                    break;
                }
            }
            if *kind == LineKind::Blank && any_comment {
                *kind = LineKind::Comment;
            }
        }
        // The top comment block may follow an XML declaration or a YAML
        // document marker.
        let first_code = kinds
            .iter()
            .enumerate()
            .position(|(line, kind)| *kind == LineKind::Code && !is_prolog(line_text(source, line)))
            .unwrap_or(count);
        Self {
            source,
            kinds,
            first_code: u32::try_from(first_code + 1).unwrap_or(u32::MAX),
        }
    }

    /// The 1-based line of byte `at`.
    fn line_of(&self, at: usize) -> u32 {
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        self.source.lines.line_col(&self.source.text, at).line
    }

    fn kind(&self, line: u32) -> LineKind {
        self.kinds
            .get((line as usize).wrapping_sub(1))
            .copied()
            .unwrap_or(LineKind::Blank)
    }

    fn has_code(&self, line: u32) -> bool {
        self.kind(line) == LineKind::Code
    }

    /// The first line after `line` that is not a comment line.
    fn next_non_comment(&self, line: u32) -> u32 {
        let mut next = line + 1;
        while self.kind(next) == LineKind::Comment {
            next += 1;
        }
        next
    }
}

/// Whether `line` ends with an unescaped continuation character (an odd
/// number of them: `\\` is an escaped backslash).
pub(crate) fn continues(line: &str, continuation: char) -> bool {
    let trailing = line.trim_end_matches([' ', '\t', '\r', '\n']);
    trailing
        .chars()
        .rev()
        .take_while(|c| *c == continuation)
        .count()
        % 2
        == 1
}

/// The text of 0-based `line`.
fn line_text(source: &SourceFile, line: usize) -> &str {
    let start = source.lines.line_start(line).unwrap_or(0) as usize;
    let end = source
        .lines
        .line_start(line + 1)
        .map_or(source.text.len(), |s| s as usize);
    source.text.get(start..end).unwrap_or_default()
}

/// An XML declaration or a YAML document marker.
fn is_prolog(line: &str) -> bool {
    let line = line.trim();
    (line.starts_with("<?xml") && line.ends_with("?>")) || line == "---"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(kind: FileKind, path: &str, text: &str) -> Vec<Directive> {
        directives(kind, &SourceFile::new(path, text))
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn trailing_and_line_above() {
        let text = "a=1 # connlint: ignore[java.runtime-below-8] old host\n# connlint: ignore[tls, secrets.plaintext-secret] until=2027-03-31 - migrating\n# why\nb=2\n";
        let found = read(FileKind::Shell, "run.sh", text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].scope, Scope::Line(1));
        assert_eq!(found[0].reason, "old host");
        assert_eq!(at(text, found[0].brackets), "ignore[java.runtime-below-8]");
        assert_eq!(found[1].scope, Scope::Line(4), "comment lines in between");
        let ids: Vec<&str> = found[1]
            .ids
            .iter()
            .map(|(id, span)| {
                assert_eq!(at(text, *span), id);
                id.as_str()
            })
            .collect();
        assert_eq!(ids, ["tls", "secrets.plaintext-secret"]);
        let (until, span) = found[1].until.unwrap();
        assert_eq!(until.to_string(), "2027-03-31");
        assert_eq!(at(text, span), "until=2027-03-31");
        assert_eq!(found[1].reason, "migrating");
        assert!(found[1].in_force(parse_date("2027-03-31").unwrap()));
        assert!(!found[1].in_force(parse_date("2027-04-01").unwrap()));
    }

    #[test]
    fn a_blank_line_ends_the_run() {
        let text = "# connlint: ignore[x.y] r\n\nb=2\n";
        assert_eq!(
            read(FileKind::Shell, "run.sh", text)[0].scope,
            Scope::Line(2)
        );
    }

    #[test]
    fn ignore_file_only_at_the_top() {
        let text = "<?xml version=\"1.0\"?>\n<!-- connlint: ignore-file[mule] legacy app -->\n<mule/>\n<!-- connlint: ignore-file[mule] late -->\n";
        let found = read(FileKind::Xml, "app.xml", text);
        assert_eq!(found[0].scope, Scope::File);
        assert_eq!(
            found[0].reason, "legacy app",
            "the closer is not the reason"
        );
        assert!(found[0].malformed.is_none());
        assert!(found[1].malformed.is_some());
    }

    #[test]
    fn malformed_and_prose() {
        let text = "# connlint: see the README\n# connlint: ignore java.x r\n# connlint: ignore[java.x r\n# connlint: disable[x] r\n# connlint: ignore[a,,b] r\n# connlint: ignore[a] until=2027-02-30 r\n# connlint:ignore[a]\n";
        let found = read(FileKind::Shell, "run.sh", text);
        let problems: Vec<(&str, &str)> = found
            .iter()
            .map(|d| {
                let (problem, span) = d
                    .malformed
                    .as_ref()
                    .map_or(("", d.span), |(p, s)| (p.as_str(), *s));
                (problem, at(text, span))
            })
            .collect();
        assert_eq!(problems.len(), 6, "{problems:?}");
        assert_eq!(problems[0].1, "connlint: ignore");
        assert_eq!(problems[1].1, "connlint: ignore[java.x r");
        assert_eq!(problems[2].1, "connlint: disable");
        assert_eq!(problems[3].1, "ignore[a,,b]");
        assert_eq!(problems[4].1, "until=2027-02-30");
        assert_eq!(problems[5], ("", "connlint:ignore[a]"));
        assert!(found[5].reason.is_empty());
    }

    #[test]
    fn markers_outside_comments_do_not_count() {
        let text = "URL=\"https://h/#connlint: ignore[x.y] r\"\necho 'connlint: ignore[x.y] r'\n";
        assert!(read(FileKind::Shell, "run.sh", text).is_empty());
        let properties = "a=b # connlint: ignore[x.y] r\n";
        assert!(read(FileKind::Properties, "a.properties", properties).is_empty());
        let java = "String s = \"// connlint: ignore[x.y] r\";\n";
        assert!(read(FileKind::JavaSource, "A.java", java).is_empty());
    }

    #[test]
    fn a_reason_may_start_with_any_text() {
        let text = "x # connlint: ignore[a.b] abcdeé, then more\n";
        assert_eq!(
            read(FileKind::Shell, "run.sh", text)[0].reason,
            "abcdeé, then more"
        );
    }

    #[test]
    fn two_directives_in_one_comment() {
        let text = "x # connlint: ignore[a.b] one connlint: ignore[c.d] two\n";
        let found = read(FileKind::Shell, "run.sh", text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].reason, "one");
        assert_eq!(found[1].reason, "two");
    }

    proptest::proptest! {
        /// Any text, read as any kind: no panic, and every span lies on
        /// char boundaries inside the text.
        #[test]
        fn directives_never_panic_and_spans_stay_valid(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "connlint: ignore[", "connlint: ignore-file[", "connlint:", "]", ",", " ",
                    "until=2027-01-01", "until=é", "\n", "\r\n", "#", "//", "/*", "*/", "<!--",
                    "-->", "<#", "#>", "'", "\"", "\\", "REM ", "::", "&", "!", ";", "é",
                    "x.y", "abcde", "<a b=\"", "<![CDATA[", "]]>", "|", "- ", "key: ", "<<EOF", "EOF",
                ]),
                0..40,
            ),
            kind in proptest::sample::select(FileKind::ALL.to_vec()),
        ) {
            let text: String = parts.concat();
            let source = SourceFile::new("f.txt", text.as_str());
            for d in directives(kind, &source) {
                let mut spans = vec![d.span, d.brackets];
                spans.extend(d.ids.iter().map(|(_, s)| *s));
                spans.extend(d.until.map(|(_, s)| s));
                spans.extend(d.malformed.as_ref().map(|(_, s)| *s));
                for span in spans {
                    proptest::prop_assert!(text.get(span.range()).is_some(), "{kind:?} {text:?} {span:?}");
                }
            }
        }
    }

    #[test]
    fn every_kind_has_a_syntax_decision() {
        for kind in FileKind::ALL {
            if let Some(syntax) = comment_syntax(kind) {
                assert!(
                    !syntax.line.is_empty() || syntax.block.is_some(),
                    "{kind:?}"
                );
            }
        }
        assert_eq!(
            comment_syntax(FileKind::Batch).unwrap().trailing,
            Some("& REM")
        );
        assert_eq!(comment_syntax(FileKind::MuleArtifact), None);
        let comment = |kind| comment_syntax(kind).map(|s| s.comment("connlint: ignore[a.b] why"));
        assert_eq!(
            comment(FileKind::Shell).as_deref(),
            Some("# connlint: ignore[a.b] why")
        );
        assert_eq!(
            comment(FileKind::Batch).as_deref(),
            Some("REM connlint: ignore[a.b] why")
        );
        assert_eq!(
            comment(FileKind::Xml).as_deref(),
            Some("<!-- connlint: ignore[a.b] why -->")
        );
        assert_eq!(
            comment(FileKind::CSharp).as_deref(),
            Some("// connlint: ignore[a.b] why")
        );
        assert_eq!(
            comment_syntax(FileKind::Batch).unwrap().continuation,
            Some('^')
        );
    }
}
