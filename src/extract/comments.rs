//! Blanking comments (and, on request, string literals) out of source code
//! so text patterns only see code.
//!
//! The result has exactly the bytes of the input except that every byte of
//! a comment (or string body) becomes a space; line ends stay. A match in
//! the blanked text is therefore a match at the same byte range of the
//! original, and char boundaries agree (a blanked run always starts and
//! ends at an ASCII delimiter).

use std::ops::Range;

use crate::facts::Problem;
use crate::span::Span;

/// The comment and string syntax of a language family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// Java: `//`, `/* */`, `"..."`, `'c'`, text blocks `"""`.
    Java,
    /// Kotlin and Scala: as Java, block comments nest.
    Kotlin,
    /// Groovy and Gradle scripts: as Java, plus `'...'` and `'''...'''` strings.
    Groovy,
    /// JavaScript and TypeScript: `//`, `/* */`, `'`, `"`, template
    /// literals and regular-expression literals.
    JavaScript,
    /// Python: `#`, `'`, `"`, `'''`, `"""` (triple-quoted bodies are
    /// blanked like comments: they are docstrings far more often than values).
    Python,
    /// C#: `//`, `/* */`, `"..."`, verbatim `@"..."`, interpolated `$"..."`,
    /// raw `"""..."""`, `'c'`.
    CSharp,
    /// PowerShell: `#` (at a token start), `<# #>`, `'...'`, `"..."` with
    /// backtick escapes, here-strings `@'...'@` and `@"..."@`.
    PowerShell,
}

/// Source text with comments (and maybe strings) blanked.
#[derive(Clone, Debug)]
pub struct Blanked {
    /// The blanked text, byte for byte as long as the input.
    pub text: String,
    /// Where a block comment or a multi-line string that never closes
    /// starts (its opening delimiter): everything after it was blanked or
    /// read as a string, which the caller should report.
    pub unclosed: Option<Range<usize>>,
    /// The bodies (between the quotes) of the string literals, in order.
    pub strings: Vec<Range<usize>>,
}

impl Blanked {
    /// The problem to report when a comment or string never closes: at its
    /// opening delimiter, saying what (`what`) was not read after it.
    pub fn unclosed_problem(
        &self,
        path: &std::sync::Arc<str>,
        opener: &str,
        rest: &str,
    ) -> Option<Problem> {
        let open = self.unclosed.clone()?;
        Some(Problem::at(
            path,
            Span::new(open.start, open.end),
            format!("this {opener} is never closed; the rest of the {rest} was not read"),
        ))
    }

    /// Whether byte `at` of `original` was blanked (it lies in a comment,
    /// or in a string body when strings were blanked).
    pub fn is_blanked(&self, original: &str, at: usize) -> bool {
        let blanked = self.text.as_bytes().get(at).copied();
        let was = original.as_bytes().get(at).copied();
        blanked == Some(b' ') && was != Some(b' ')
    }
}

/// `text` with every comment blanked.
pub fn blank_comments(text: &str, syntax: Syntax) -> Blanked {
    blank(text, syntax, false)
}

/// `text` with every comment and every string literal's body blanked
/// (the quotes stay).
pub fn blank_comments_and_strings(text: &str, syntax: Syntax) -> Blanked {
    blank(text, syntax, true)
}

fn blank(text: &str, syntax: Syntax, strings: bool) -> Blanked {
    if let Some(regions) = match syntax {
        Syntax::CSharp => Some(csharp_regions(text)),
        Syntax::PowerShell => Some(powershell_regions(text)),
        _ => None,
    } {
        return blank_regions(text, &regions, strings);
    }
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut unclosed = None;
    let mut bodies = Vec::new();
    let mut i = 0;
    // The last byte of code that is not blank, for telling a JavaScript
    // regex literal from a division.
    let mut last_code: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let end = match (b, next) {
            (b'#', _) if syntax == Syntax::Python => {
                let end = line_end(bytes, i);
                wipe(&mut out, i, end);
                end
            }
            (b'/', Some(b'/')) if syntax != Syntax::Python => {
                let end = line_end(bytes, i);
                wipe(&mut out, i, end);
                end
            }
            (b'/', Some(b'*')) if syntax != Syntax::Python => {
                let (end, closed) = block_comment_end(bytes, i, syntax == Syntax::Kotlin);
                if !closed {
                    unclosed.get_or_insert(i..i + 2);
                }
                wipe(&mut out, i, end);
                end
            }
            (b'/', _) if syntax == Syntax::JavaScript && starts_regex(last_code) => {
                let end = regex_end(bytes, i);
                last_code = Some(b'/');
                end
            }
            (b'"' | b'\'' | b'`', _) => {
                let (body, end) = string_extent(bytes, i, syntax);
                let opener = body.0 - i;
                if end == bytes.len() && body.1 == bytes.len() && (opener == 3 || b == b'`') {
                    unclosed.get_or_insert(i..body.0);
                }
                // Python's triple-quoted strings are docstrings and prose
                // far more often than values: they count as comments.
                if strings || (syntax == Syntax::Python && opener == 3) {
                    wipe(&mut out, body.0, body.1);
                }
                bodies.push(body.0..body.1);
                last_code = Some(b);
                end
            }
            _ => {
                if !b.is_ascii_whitespace() {
                    last_code = Some(b);
                }
                i + 1
            }
        };
        i = end.max(i + 1);
    }
    Blanked {
        text: String::from_utf8(out).unwrap_or_else(|_| text.to_owned()),
        unclosed,
        strings: bodies,
    }
}

/// Where a region of C# or PowerShell source lies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Region {
    Code,
    Comment,
    Str,
}

/// Blanks the comment regions (and string regions when `strings`); the
/// region scanners find no unclosed openers to report.
fn blank_regions(text: &str, regions: &[(Region, Range<usize>)], strings: bool) -> Blanked {
    let mut out = text.as_bytes().to_vec();
    let mut bodies = Vec::new();
    for (region, range) in regions {
        match region {
            Region::Code => {}
            Region::Comment => wipe(&mut out, range.start, range.end),
            Region::Str => {
                if strings {
                    wipe(&mut out, range.start, range.end);
                }
                bodies.push(range.clone());
            }
        }
    }
    Blanked {
        text: String::from_utf8(out).unwrap_or_else(|_| text.to_owned()),
        unclosed: None,
        strings: bodies,
    }
}

/// C# comments (`//`, `/* */`) and string contents (`"..."`, `@"..."`,
/// `$"..."`, `"""raw"""`, `'c'`), in order, covering the whole text.
fn csharp_regions(text: &str) -> Vec<(Region, Range<usize>)> {
    let bytes = text.as_bytes();
    let mut regions = Vec::new();
    let mut code_start = 0;
    let mut i = 0;
    let push =
        |regions: &mut Vec<(Region, Range<usize>)>, start: usize, region, range: Range<usize>| {
            if start < range.start {
                regions.push((Region::Code, start..range.start));
            }
            regions.push((region, range));
        };
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(text.len(), |e| i + e);
            push(&mut regions, code_start, Region::Comment, i..end);
            i = end;
            code_start = i;
        } else if let Some(body) = rest.strip_prefix("/*") {
            let end = body.find("*/").map_or(text.len(), |e| i + 2 + e + 2);
            push(&mut regions, code_start, Region::Comment, i..end);
            i = end;
            code_start = i;
        } else if rest.starts_with("\"\"\"") {
            let quotes = rest.bytes().take_while(|&b| b == b'"').count();
            let fence = &rest[..quotes];
            let body = i + quotes;
            let end = text[body..].find(fence).map_or(text.len(), |e| body + e);
            push(&mut regions, code_start, Region::Str, body..end);
            i = (end + quotes).min(text.len());
            code_start = end;
        } else if rest.starts_with("@\"") || rest.starts_with("$@\"") || rest.starts_with("@$\"") {
            let body = i + rest.find('"').map_or(0, |q| q + 1);
            let mut j = body;
            while j < bytes.len() {
                if bytes[j] == b'"' {
                    if bytes.get(j + 1) == Some(&b'"') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            push(&mut regions, code_start, Region::Str, body..j);
            code_start = j;
            i = (j + 1).min(text.len());
        } else if bytes[i] == b'"' || bytes[i] == b'\'' {
            let quote = bytes[i];
            let body = i + 1;
            let mut j = body;
            while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let j = j.min(bytes.len());
            push(&mut regions, code_start, Region::Str, body..j);
            code_start = j;
            i = (j + 1).min(text.len());
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    regions
}

/// PowerShell comments (`#`, `<# #>`) and string contents (`'...'`,
/// `"..."`, here-strings `@'...'@` / `@"..."@`), in order.
fn powershell_regions(text: &str) -> Vec<(Region, Range<usize>)> {
    let bytes = text.as_bytes();
    let mut regions = Vec::new();
    let mut code_start = 0;
    let mut i = 0;
    let push =
        |regions: &mut Vec<(Region, Range<usize>)>, start: usize, region, range: Range<usize>| {
            if start < range.start {
                regions.push((Region::Code, start..range.start));
            }
            regions.push((region, range));
        };
    while i < bytes.len() {
        let rest = &text[i..];
        let token_start = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t'
                    | b'\r'
                    | b'\n'
                    | b';'
                    | b'('
                    | b')'
                    | b'{'
                    | b'}'
                    | b'|'
                    | b'='
                    | b','
            );
        if let Some(body) = rest.strip_prefix("<#") {
            let end = body.find("#>").map_or(text.len(), |e| i + 2 + e + 2);
            push(&mut regions, code_start, Region::Comment, i..end);
            i = end;
            code_start = i;
        } else if bytes[i] == b'#' && token_start {
            let end = rest.find('\n').map_or(text.len(), |e| i + e);
            push(&mut regions, code_start, Region::Comment, i..end);
            i = end;
            code_start = i;
        } else if rest.starts_with("@'") || rest.starts_with("@\"") {
            let quote = &rest[1..2];
            let terminator = format!("\n{quote}@");
            let body = i + 2;
            let end = text[body..]
                .find(&terminator)
                .map_or(text.len(), |e| body + e + 1);
            push(&mut regions, code_start, Region::Str, body..end);
            code_start = end;
            i = (end + 2).min(text.len());
        } else if bytes[i] == b'\'' || bytes[i] == b'"' {
            let quote = bytes[i];
            let body = i + 1;
            let mut j = body;
            while j < bytes.len() {
                if bytes[j] == b'`' && quote == b'"' {
                    j += 2;
                    continue;
                }
                if bytes[j] == quote {
                    if bytes.get(j + 1) == Some(&quote) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            let j = j.min(bytes.len());
            push(&mut regions, code_start, Region::Str, body..j);
            code_start = j;
            i = (j + 1).min(text.len());
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    regions
}

/// `text` with every byte but line ends replaced by a space: the same
/// length, so spans into the original stay valid.
pub(crate) fn blanked(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let len = out.len();
    wipe(&mut out, 0, len);
    String::from_utf8(out).unwrap_or_default()
}

/// Replaces bytes `start..end` with spaces, keeping line ends.
fn wipe(out: &mut [u8], start: usize, end: usize) {
    let end = end.min(out.len());
    for byte in &mut out[start.min(end)..end] {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| from + p)
}

/// Past the `*/` closing the comment opened at `from` (nested ones too
/// when `nests`), and whether it closes; the end of the text when not.
fn block_comment_end(bytes: &[u8], from: usize, nests: bool) -> (usize, bool) {
    let mut depth = 0usize;
    let mut i = from;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') if nests || depth == 0 => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth = depth.saturating_sub(1);
                i += 2;
                if depth == 0 {
                    return (i, true);
                }
            }
            _ => i += 1,
        }
    }
    (bytes.len(), false)
}

/// Whether a `/` after this code byte starts a regex literal rather than
/// dividing.
fn starts_regex(last: Option<u8>) -> bool {
    match last {
        None => true,
        Some(b) => b"(,=:[!&|?{};+-*%<>~^".contains(&b),
    }
}

/// Past the end of the regex literal at `from` (a `/` outside a class,
/// not escaped); the line end when it is not closed on its line.
fn regex_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from + 1;
    let mut class = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => return i + 1,
            b'\n' | b'\r' => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The body (between the quotes) and the end of the string literal that
/// starts at `from`. Single-line strings end at the line end when not
/// closed.
fn string_extent(bytes: &[u8], from: usize, syntax: Syntax) -> ((usize, usize), usize) {
    let quote = bytes[from];
    let triple = quote != b'`'
        && bytes.get(from + 1) == Some(&quote)
        && bytes.get(from + 2) == Some(&quote)
        && match syntax {
            Syntax::Python | Syntax::Groovy => true,
            Syntax::Java | Syntax::Kotlin => quote == b'"',
            Syntax::JavaScript | Syntax::CSharp | Syntax::PowerShell => false,
        };
    if triple {
        let start = from + 3;
        let mut i = start;
        while i + 2 < bytes.len() {
            if bytes[i] == b'\\' && syntax != Syntax::Kotlin {
                i += 2;
                continue;
            }
            if bytes[i] == quote && bytes[i + 1] == quote && bytes[i + 2] == quote {
                return ((start, i), i + 3);
            }
            i += 1;
        }
        return ((start, bytes.len()), bytes.len());
    }
    let multi_line = quote == b'`';
    let start = from + 1;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 1,
            b'\n' | b'\r' if !multi_line => return ((start, i), i),
            _ if b == quote => return ((start, i), i + 1),
            _ => {}
        }
        i += 1;
    }
    ((start, bytes.len()), bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_openers_are_reported() {
        let text = "a(); /* never closed\nb();";
        assert_eq!(blank_comments(text, Syntax::Java).unclosed, Some(5..7));
        assert_eq!(
            blank_comments("x = \"\"\"open", Syntax::Python).unclosed,
            Some(4..7)
        );
        assert_eq!(blank_comments("/* ok */", Syntax::Java).unclosed, None);
        assert_eq!(blank_comments("/*/", Syntax::Java).unclosed, Some(0..2));
        assert_eq!(blank_comments("s = \"line\nt", Syntax::Java).unclosed, None);
    }

    #[test]
    fn csharp_and_powershell_share_the_same_output() {
        let text = "x = @\"C:\\a//b\"; // Tls\n/* SslProtocols.Default */ y;";
        let out = blank_comments(text, Syntax::CSharp);
        assert_eq!(out.text.len(), text.len());
        assert!(out.text.contains("@\"C:\\a//b\";"), "{}", out.text);
        assert!(!out.text.contains("Tls") && !out.text.contains("Default"));
        assert_eq!(out.strings.len(), 1);
        assert_eq!(&text[out.strings[0].clone()], "C:\\a//b");
        let ps = "$p = 'Tls11, Tls12' # Ssl3\n<# Tls #>\n";
        let out = blank_comments_and_strings(ps, Syntax::PowerShell);
        assert_eq!(out.text, "$p = '            '       \n         \n");
        assert_eq!(&ps[out.strings[0].clone()], "Tls11, Tls12");
    }

    #[test]
    fn java_comments_are_blanked_strings_kept() {
        let text = "a(\"//x\"); // c1\n/* c2 \n */ b('/'); /* é */ c";
        let out = blank_comments(text, Syntax::Java).text;
        assert_eq!(out.len(), text.len());
        assert_eq!(out, "a(\"//x\");      \n      \n    b('/');          c");
    }

    #[test]
    fn kotlin_block_comments_nest() {
        let text = "/* a /* b */ still */ code";
        assert_eq!(
            blank_comments(text, Syntax::Kotlin).text,
            "                      code"
        );
        assert_eq!(
            blank_comments(text, Syntax::Java).text,
            "             still */ code"
        );
    }

    #[test]
    fn python_hashes_and_strings() {
        let text = "x = '#no' # yes\ns = \"\"\"doc # verify=False\n\"\"\"\nverify=False";
        let blank_doc = " ".repeat("doc # verify=False".len());
        let comments = blank_comments(text, Syntax::Python).text;
        assert_eq!(
            comments,
            format!("x = '#no'      \ns = \"\"\"{blank_doc}\n\"\"\"\nverify=False")
        );
        let both = blank_comments_and_strings(text, Syntax::Python).text;
        assert_eq!(
            both,
            format!("x = '   '      \ns = \"\"\"{blank_doc}\n\"\"\"\nverify=False")
        );
    }

    #[test]
    fn javascript_regexes_templates_and_divisions() {
        let text = "u.replace(/\\/\\//g, '') // c\nconst t = `a // b`; x = a / b // d";
        let out = blank_comments(text, Syntax::JavaScript).text;
        assert_eq!(
            out,
            "u.replace(/\\/\\//g, '')     \nconst t = `a // b`; x = a / b     "
        );
    }

    #[test]
    fn unterminated_things_end_cleanly() {
        for syntax in [
            Syntax::Java,
            Syntax::Kotlin,
            Syntax::Groovy,
            Syntax::JavaScript,
            Syntax::Python,
        ] {
            for text in [
                "/* open", "\"open", "'''open", "`open", "/open", "a /", "\"\"\"", "é/*é",
            ] {
                let out = blank_comments_and_strings(text, syntax);
                assert_eq!(out.text.len(), text.len(), "{syntax:?} {text:?}");
            }
        }
    }
}
