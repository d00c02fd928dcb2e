//! Where the comments of a file are, format by format: the only text in
//! which `connlint: ignore[...]` counts. A marker inside a string, a URL or
//! a property value is not in a comment, so it is not a suppression.
//!
//! Each reader is a small lexer that knows just enough of its format to
//! tell a comment from a quoted `#` or `<!--`: quotes, escapes, here-docs,
//! block scalars, CDATA. Source code reuses the comment blanker of
//! [`crate::extract::comments`], which the extractors already trust.

use std::ops::Range;

use crate::classify::FileKind;
use crate::extract::comments::{self as code, Syntax};
use crate::extract::{apache, batch};

/// One comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Comment {
    /// The whole comment, delimiters included.
    pub(crate) span: Range<usize>,
    /// The text inside the delimiters (for a run of line comments merged
    /// by the source-code reader, everything after the first opener).
    pub(crate) body: Range<usize>,
}

/// The comments of `text` read as `kind`, in order; `path` tells Java from
/// Kotlin and Groovy.
pub(crate) fn comments(kind: FileKind, path: &str, text: &str) -> Vec<Comment> {
    match kind {
        FileKind::Shell => shell(text),
        FileKind::Dockerfile => dockerfile(text),
        FileKind::Batch => batch_comments(text),
        FileKind::Properties | FileKind::MuleDeploy | FileKind::MuleTlsConf => properties(text),
        FileKind::VmOptions | FileKind::Sdkmanrc => full_line(text, &["#"]),
        FileKind::Registry => full_line(text, &[";"]),
        // Apache has no trailing comments: a `#` after a directive is an
        // argument (httpd refuses it).
        FileKind::WebServer if apache::is_apache(text) => full_line(text, &["#"]),
        // nginx: a `#` that starts a token.
        FileKind::WebServer => hash_comments(text, HashRule::TokenStart),
        FileKind::ToolVersions | FileKind::ClientInventory | FileKind::OpensslConf => {
            hash_comments(text, HashRule::Anywhere)
        }
        FileKind::GithubActions
        | FileKind::GitlabCi
        | FileKind::Travis
        | FileKind::AzurePipelines
        | FileKind::Compose
        | FileKind::Kubernetes
        | FileKind::Spring
        | FileKind::Yaml => yaml(text),
        FileKind::Xml | FileKind::SalesforceXml | FileKind::DotnetXml => xml(text),
        FileKind::JavaSource => source_code(text, jvm_syntax(path)),
        FileKind::Gradle => source_code(
            text,
            if path.to_ascii_lowercase().ends_with(".kts") {
                Syntax::Kotlin
            } else {
                Syntax::Groovy
            },
        ),
        FileKind::CSharp => source_code(text, Syntax::CSharp),
        FileKind::JavaScript => source_code(text, Syntax::JavaScript),
        FileKind::Python => source_code(text, Syntax::Python),
        FileKind::PowerShell => source_code(text, Syntax::PowerShell),
        FileKind::JavaVersion
        | FileKind::MuleArtifact
        | FileKind::SfdxProject
        | FileKind::DataLoaderKey => Vec::new(),
    }
}

/// The lines of `text` as (start, content without the line end).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = start;
        start += line.len();
        (at, line.trim_end_matches(['\n', '\r']))
    })
}

/// A comment from `at` to the end of the line that starts at `line_start`
/// with content `line`, its body after an opener of `opener_len` bytes.
fn to_line_end(line_start: usize, line: &str, at: usize, opener_len: usize) -> Comment {
    let end = line_start + line.len();
    Comment {
        span: at..end,
        body: (at + opener_len).min(end)..end,
    }
}

/// Comments that take a whole line: the first non-blank text is an opener.
fn full_line(text: &str, openers: &[&str]) -> Vec<Comment> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let lead = line.len() - line.trim_start().len();
        let rest = &line[lead..];
        if let Some(opener) = openers.iter().find(|o| rest.starts_with(**o)) {
            out.push(to_line_end(start, line, start + lead, opener.len()));
        }
    }
    out
}

/// Java properties: `#` and `!` lines, except a line that continues a
/// value (the previous line ends in an odd number of `\`).
fn properties(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut continues = false;
    for (start, line) in lines(text) {
        let lead = line.len() - line.trim_start().len();
        let rest = &line[lead..];
        if !continues && (rest.starts_with('#') || rest.starts_with('!')) {
            out.push(to_line_end(start, line, start + lead, 1));
            // A comment line never continues, whatever it ends with.
            continue;
        }
        let backslashes = line.bytes().rev().take_while(|&b| b == b'\\').count();
        continues = backslashes % 2 == 1;
    }
    out
}

/// Where a `#` starts a comment.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HashRule {
    /// Anywhere outside quotes (TOML, OpenSSL, `.tool-versions`).
    Anywhere,
    /// At the start of a token: line start, after blanks, `;`, `{` or `}` (nginx).
    TokenStart,
}

/// `#` comments outside `'...'` and `"..."` (quotes do not cross lines;
/// `\` escapes inside double quotes).
fn hash_comments(text: &str, rule: HashRule) -> Vec<Comment> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        if let Some(at) = hash_in_line(line, rule) {
            out.push(to_line_end(start, line, start + at, 1));
        }
    }
    out
}

/// The offset of the comment's `#` in one line, if it has one.
fn hash_in_line(line: &str, rule: HashRule) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'\\' => i += 1,
                b'#' => {
                    let token_start =
                        i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b';' | b'{' | b'}');
                    if rule == HashRule::Anywhere || token_start {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// POSIX shell: `#` at the start of a word, outside quotes; quotes span
/// lines; here-document bodies are data, not comments.
fn shell(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\\' && q != b'\'' {
                i += 2;
                continue;
            }
            if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        match b {
            b'\\' => {
                i += 2;
                continue;
            }
            b'\'' | b'"' | b'`' => quote = Some(b),
            b'#' if shell_word_start(bytes, i) => {
                let end = line_end(bytes, i);
                out.push(Comment {
                    span: i..end,
                    body: i + 1..end,
                });
                i = end;
                continue;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') && bytes.get(i + 2) != Some(&b'<') => {
                if let Some(heredoc) = crate::extract::shell::heredoc_delimiter(&text[i + 2..]) {
                    heredocs.push(heredoc);
                }
                i += 2;
                continue;
            }
            b'\n' => {
                i += 1;
                for (delimiter, strip_tabs) in heredocs.drain(..) {
                    i = crate::extract::shell::skip_heredoc(text, i, &delimiter, strip_tabs);
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether the `#` at `at` starts a word: `$#` and `${#x}` are not comments.
fn shell_word_start(bytes: &[u8], at: usize) -> bool {
    if at == 0 {
        return true;
    }
    match bytes[at - 1] {
        b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'(' | b')' => true,
        b'{' => at < 2 || bytes[at - 2] != b'$',
        _ => false,
    }
}

/// The end of the line that `from` is on (before `\r\n` or `\n`).
fn line_end(bytes: &[u8], from: usize) -> usize {
    let end = bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p);
    if end > from && bytes[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Dockerfiles: `#` lines anywhere (also inside a continued instruction),
/// and, in `RUN` instructions, the shell's trailing comments.
fn dockerfile(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut in_run = false;
    let mut continues = false;
    for (start, line) in lines(text) {
        let lead = line.len() - line.trim_start().len();
        let rest = &line[lead..];
        if rest.starts_with('#') {
            out.push(to_line_end(start, line, start + lead, 1));
            continue;
        }
        if rest.is_empty() {
            continue;
        }
        if !continues {
            let keyword = rest.split_whitespace().next().unwrap_or("");
            in_run = keyword.eq_ignore_ascii_case("run");
        }
        let comment = in_run
            .then(|| hash_in_line(line, HashRule::TokenStart))
            .flatten();
        let code = comment.map_or(line, |at| &line[..at]);
        continues = code.trim_end().ends_with(['\\', '`']);
        if let Some(at) = comment {
            out.push(to_line_end(start, line, start + at, 1));
        }
    }
    out
}

/// Windows batch: `REM` and `::` lines (after an optional `@`), and a
/// comment after `&` outside quotes (`set X=1 & REM why`).
fn batch_comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let lead = line.len() - line.trim_start().len();
        let mut at = lead;
        if line[at..].starts_with('@') {
            at += 1;
        }
        if let Some(opener) = batch_opener(&line[at..]) {
            out.push(to_line_end(start, line, start + at, opener));
            continue;
        }
        let bytes = line.as_bytes();
        let mut quoted = false;
        let mut i = at;
        while i < bytes.len() {
            match bytes[i] {
                b'^' => i += 1,
                b'"' => quoted = !quoted,
                b'&' if !quoted => {
                    let rest = &line[i + 1..];
                    let blank = rest.len() - rest.trim_start().len();
                    if let Some(opener) = batch_opener(rest.trim_start()) {
                        let from = i + 1 + blank;
                        out.push(to_line_end(start, line, start + from, opener));
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// The opener's length when `text` starts a batch comment (`REM`, `::`).
fn batch_opener(text: &str) -> Option<usize> {
    if !batch::is_comment(text) {
        return None;
    }
    Some(if text.starts_with("::") { 2 } else { 3 })
}

/// YAML: `#` at a line start or after a blank, outside quoted scalars.
/// In a block scalar (`run: |`) a line's `#` follows the shell's rules:
/// the text is a script there, and its comments are shell comments.
fn yaml(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    // The indentation of the key that opened a block scalar.
    let mut block: Option<usize> = None;
    for (start, line) in lines(text) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        if let Some(parent) = block {
            if blank {
                continue;
            }
            if indent > parent {
                if let Some(at) = hash_in_line(line, HashRule::TokenStart) {
                    out.push(to_line_end(start, line, start + at, 1));
                }
                continue;
            }
            block = None;
        }
        let comment = yaml_hash(line);
        if let Some(at) = comment {
            out.push(to_line_end(start, line, start + at, 1));
        }
        let code = comment.map_or(line, |at| &line[..at]).trim_end();
        if opens_block_scalar(code) {
            block = Some(indent);
        }
    }
    out
}

/// The `#` that starts a YAML comment on this line: after a blank or at
/// the start, outside a quoted scalar (a quote opens one only where a
/// scalar starts: `Don't` is plain text).
fn yaml_hash(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(b'"') if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' if scalar_start(&line[..i]) => quote = Some(b),
                b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => return Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Whether a scalar may start after `before` (its last non-blank is
/// nothing, `:`, `-`, `?`, `,`, `[` or `{`).
fn scalar_start(before: &str) -> bool {
    before
        .trim_end()
        .bytes()
        .last()
        .is_none_or(|b| matches!(b, b':' | b'-' | b'?' | b',' | b'[' | b'{'))
}

/// Whether a line's code ends with a block scalar indicator (`|`, `>-`,
/// `|2+`) that follows a key or a list dash.
fn opens_block_scalar(code: &str) -> bool {
    let trimmed = code.trim_end_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    let Some(before) = trimmed
        .strip_suffix('|')
        .or_else(|| trimmed.strip_suffix('>'))
    else {
        return false;
    };
    let before = before.trim_end();
    before.ends_with(':') || before.ends_with('-') || before.is_empty()
}

/// XML: `<!-- ... -->`, not inside attribute values, CDATA sections,
/// processing instructions or the DOCTYPE.
fn xml(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut i = 0;
    let find = |from: usize, needle: &str| text[from..].find(needle).map(|p| from + p);
    while let Some(lt) = find(i, "<") {
        let rest = &text[lt..];
        if rest.starts_with("<!--") {
            let close = find(lt + 4, "-->");
            let body_end = close.unwrap_or(text.len());
            let end = close.map_or(text.len(), |c| c + 3);
            out.push(Comment {
                span: lt..end,
                body: lt + 4..body_end,
            });
            i = end;
        } else if rest.starts_with("<![CDATA[") {
            i = find(lt, "]]>").map_or(text.len(), |c| c + 3);
        } else if rest.starts_with("<?") {
            i = find(lt, "?>").map_or(text.len(), |c| c + 2);
        } else {
            i = tag_end(text, lt);
        }
    }
    out
}

/// Past the `>` that closes the tag (or declaration) at `from`, skipping
/// quoted attribute values and a DOCTYPE's internal subset.
fn tag_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut depth = 0usize;
    let mut i = from + 1;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b'>' if depth == 0 => return i + 1,
                _ => {}
            },
        }
        i += 1;
    }
    text.len()
}

/// The comment syntax of JVM source by extension.
fn jvm_syntax(path: &str) -> Syntax {
    let lower = path.to_ascii_lowercase();
    match lower.rsplit_once('.').map(|(_, ext)| ext) {
        Some("kt" | "kts" | "scala") => Syntax::Kotlin,
        Some("groovy") => Syntax::Groovy,
        _ => Syntax::Java,
    }
}

/// Source code: the comments [`code::blank_comments`] blanks, except
/// Python docstrings (blanked too, but strings).
fn source_code(text: &str, syntax: Syntax) -> Vec<Comment> {
    let blanked = code::blank_comments(text, syntax);
    let original = text.as_bytes();
    let wiped = blanked.text.as_bytes();
    let (line_openers, block): (&[&str], (&str, &str)) = match syntax {
        Syntax::Python => (&["#"], ("", "")),
        Syntax::PowerShell => (&["#"], ("<#", "#>")),
        _ => (&["//"], ("/*", "*/")),
    };
    let changed = |i: usize| wiped.get(i) != original.get(i);
    let mut out = Vec::new();
    let mut i = 0;
    while i < original.len() {
        if !changed(i) {
            i += 1;
            continue;
        }
        // A run of blanked bytes and the blanks between them; a line
        // comment's run ends with its line.
        let start = i;
        let rest = &text[start..];
        let is_block = !block.0.is_empty() && rest.starts_with(block.0);
        let line_opener = line_openers.iter().find(|o| rest.starts_with(**o));
        let mut end = i;
        while i < original.len() && (changed(i) || original[i].is_ascii_whitespace()) {
            if !is_block && matches!(original[i], b'\n' | b'\r') {
                break;
            }
            if changed(i) {
                end = i + 1;
            }
            i += 1;
        }
        let run = &text[start..end];
        let opener = if is_block {
            Some((block.0.len(), run.ends_with(block.1)))
        } else {
            line_opener.map(|o| (o.len(), false))
        };
        // Python's triple-quoted strings are blanked too: they are strings.
        let in_string = blanked.strings.iter().any(|s| s.contains(&start));
        let Some((opener, closed)) = opener.filter(|_| !in_string) else {
            continue;
        };
        let body_end = if closed && run.len() >= opener + block.1.len() {
            end - block.1.len()
        } else {
            end
        };
        out.push(Comment {
            span: start..end,
            body: start + opener..body_end,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bodies of the comments of `text` read as `kind`.
    fn bodies(kind: FileKind, path: &str, text: &str) -> Vec<String> {
        comments(kind, path, text)
            .into_iter()
            .map(|c| {
                assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
                text[c.body].trim().to_owned()
            })
            .collect()
    }

    #[test]
    fn shell_comments_are_words_outside_quotes_and_heredocs() {
        let text = "#!/bin/sh\necho \"a # b\" 'c # d' # one\nx=${#y} $# # two\ncat <<EOF\n# data\nEOF\nz=1#not\n";
        assert_eq!(
            bodies(FileKind::Shell, "run.sh", text),
            ["!/bin/sh", "one", "two"]
        );
    }

    #[test]
    fn batch_rem_colons_and_ampersand() {
        let text = "@REM one\r\n:: two\r\nset X=\"a & rem no\" & rem three\r\necho remote\r\n";
        assert_eq!(
            bodies(FileKind::Batch, "run.bat", text),
            ["one", "two", "three"]
        );
    }

    #[test]
    fn properties_lines_but_not_continued_values() {
        let text = "# one\n! two\nkey=value # not\nlong=a\\\n# not either\n";
        assert_eq!(
            bodies(FileKind::Properties, "a.properties", text),
            ["one", "two"]
        );
    }

    #[test]
    fn yaml_quotes_urls_and_block_scalars() {
        let text = "a: \"x # no\" # one\nb: http://h/#frag\nc: Don't # two\nrun: |\n  echo \"# no\" # three\n  # four\nd: 1\n";
        assert_eq!(
            bodies(FileKind::GithubActions, "ci.yml", text),
            ["one", "two", "three", "four"]
        );
    }

    #[test]
    fn xml_comments_outside_attributes_and_cdata() {
        let text = "<?xml version=\"1.0\"?>\n<!-- one -->\n<a b=\"<!-- no -->\"><![CDATA[<!-- no -->]]></a> <!-- two\n -->";
        assert_eq!(bodies(FileKind::Xml, "pom.xml", text), ["one", "two"]);
    }

    #[test]
    fn source_code_comments_not_strings_or_docstrings() {
        let java = "String u = \"http://x\"; // one\n/* two */ int x; /* three\n */\n";
        assert_eq!(
            bodies(FileKind::JavaSource, "A.java", java),
            ["one", "two", "three"]
        );
        let python = "s = '# no'\n\"\"\"# no\"\"\"\nx = 1  # one\n";
        assert_eq!(bodies(FileKind::Python, "a.py", python), ["one"]);
        let powershell = "$a = '# no' # one\n<# two #>\n";
        assert_eq!(
            bodies(FileKind::PowerShell, "a.ps1", powershell),
            ["one", "two"]
        );
    }

    #[test]
    fn dockerfile_lines_and_run_trailing_comments() {
        let text = "# one\nFROM x # no\nRUN a \\\n  b # two\nENV A=b # no\n";
        assert_eq!(
            bodies(FileKind::Dockerfile, "Dockerfile", text),
            ["one", "two"]
        );
    }

    #[test]
    fn nginx_apache_toml_and_registry() {
        assert_eq!(
            bodies(
                FileKind::WebServer,
                "n.conf",
                "ssl_protocols TLSv1; # one\nx a#b;\n"
            ),
            ["one"]
        );
        assert_eq!(
            bodies(
                FileKind::WebServer,
                "a.conf",
                "SSLProtocol all # no\n  # one\n"
            ),
            ["one"]
        );
        assert_eq!(
            bodies(
                FileKind::ClientInventory,
                "connlint-clients.toml",
                "name = \"a # b\" # one\n"
            ),
            ["one"]
        );
        assert_eq!(
            bodies(FileKind::Registry, "a.reg", "; one\n\"a\"=\"b;c\"\n"),
            ["one"]
        );
        assert!(bodies(FileKind::MuleArtifact, "mule-artifact.json", "{}").is_empty());
    }
}
