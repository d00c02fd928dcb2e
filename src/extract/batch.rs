//! Windows batch files (`.bat`, `.cmd`): `^` continuations, `REM` and `::`
//! comments, `set NAME=value` and `set "NAME=value"`, `%VAR%` and `!VAR!`
//! expansion, `if`/`for` prefixes and parenthesised blocks, and `call` of
//! other batch files.

use crate::extract::Includes;
use crate::extract::script::{self, Action, Dialect, Env, Spanned, Words, combine};
use crate::facts::Extraction;
use crate::source::SourceFile;

/// Extracts the facts of a batch file and of the batch files it calls.
pub fn extract(source: &SourceFile, includes: &dyn Includes) -> Extraction {
    script::interpret(&Batch, source, includes)
}

/// The `cmd.exe` batch dialect.
pub struct Batch;

impl Dialect for Batch {
    fn statements(&self, file: u32, text: &str) -> Vec<(Spanned, usize)> {
        let input = Spanned::from_source(file, text, 0..text.len());
        let mut depth = 0usize;
        let mut out = Vec::new();
        for line in logical_lines(&input) {
            let line = strip_at(&line.trim());
            if line.is_empty() || is_comment(&line.text) || line.text.starts_with(':') {
                continue;
            }
            let opens = paren_balance(&line.text);
            // A line that starts by closing a block (`)`, `) else (`).
            let mut statement = line.clone();
            if statement.text.starts_with(')') {
                depth = depth.saturating_sub(1);
                statement = statement.slice(1..statement.text.len()).trim();
                statement = strip_else(&statement);
            }
            let (body, conditional) = strip_condition(&statement);
            let body = strip_block_parens(&body);
            if !body.is_empty() {
                out.push((body, depth + usize::from(conditional)));
            }
            let closes_first = line.text.starts_with(')');
            let net = opens + i64::from(closes_first);
            depth = depth.saturating_add_signed(isize::try_from(net).unwrap_or(0));
        }
        out
    }

    fn expand(&self, raw: &Spanned, env: &Env) -> Vec<Spanned> {
        expand(raw, env)
    }

    fn actions(&self, expanded: &Spanned) -> Vec<Action> {
        split_operators(expanded)
            .iter()
            .filter_map(action)
            .collect()
    }

    fn commands(&self, text: &Spanned) -> Vec<Words> {
        split_operators(text)
            .iter()
            .map(|command| Words(words(&strip_at(command))))
            .filter(|w| !w.0.is_empty())
            .collect()
    }

    fn fold_case(&self) -> bool {
        true
    }
}

/// Lines joined at a trailing `^` (an odd number of carets), line ends
/// (LF or CRLF) removed.
fn logical_lines(input: &Spanned) -> Vec<Spanned> {
    let mut lines = Vec::new();
    let mut current = Spanned::default();
    let mut offset = 0;
    for raw in input.text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let carets = content.len() - content.trim_end_matches('^').len();
        if carets % 2 == 1 {
            current.push_from(input, offset..offset + content.len() - 1);
        } else {
            current.push_from(input, offset..offset + content.len());
            lines.push(std::mem::take(&mut current));
        }
        offset += raw.len();
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

fn strip_at(line: &Spanned) -> Spanned {
    let start = line.text.len() - line.text.trim_start_matches('@').len();
    line.slice(start..line.text.len()).trim()
}

/// Whether a line (leading `@` and whitespace removed) is a comment:
/// `REM ...` or `:: ...`.
pub(crate) fn is_comment(text: &str) -> bool {
    if text.starts_with("::") {
        return true;
    }
    let lower = text.get(..4).map(str::to_ascii_lowercase);
    text.eq_ignore_ascii_case("rem")
        || lower
            .as_deref()
            .is_some_and(|l| l == "rem " || l == "rem\t")
}

/// `(` minus `)` outside double quotes.
fn paren_balance(text: &str) -> i64 {
    let mut quoted = false;
    let mut balance = 0i64;
    let mut escaped = false;
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '^' => escaped = true,
            '"' => quoted = !quoted,
            '(' if !quoted => balance += 1,
            ')' if !quoted => balance -= 1,
            _ => {}
        }
    }
    balance
}

fn strip_else(statement: &Spanned) -> Spanned {
    let lower = statement.text.to_ascii_lowercase();
    if lower.starts_with("else") {
        statement.slice(4..statement.text.len()).trim()
    } else {
        statement.clone()
    }
}

/// Strips `if [/i] [not] <condition>` and `for ... do`, returning the
/// command they guard and whether there was a guard.
fn strip_condition(statement: &Spanned) -> (Spanned, bool) {
    let tokens = raw_tokens(&statement.text);
    let Some(first) = tokens.first() else {
        return (statement.clone(), false);
    };
    let keyword = statement.text[first.clone()].to_ascii_lowercase();
    let rest_from = |i: usize| -> Spanned {
        tokens.get(i).map_or_else(Spanned::default, |t| {
            statement.slice(t.start..statement.text.len()).trim()
        })
    };
    match keyword.as_str() {
        "if" => {
            let mut i = 1;
            let word = |i: usize| {
                tokens
                    .get(i)
                    .map(|t| statement.text[t.clone()].to_ascii_lowercase())
            };
            if word(i).as_deref() == Some("/i") {
                i += 1;
            }
            if word(i).as_deref() == Some("not") {
                i += 1;
            }
            match word(i).as_deref() {
                Some("exist" | "defined" | "errorlevel" | "cmdextversion") => i += 2,
                Some(w) if w.contains("==") => {
                    i += if w.ends_with("==") { 2 } else { 1 };
                }
                _ => match word(i + 1).as_deref() {
                    Some("==" | "equ" | "neq" | "lss" | "leq" | "gtr" | "geq") => i += 3,
                    Some(w) if w.starts_with("==") => i += 2,
                    _ => i += 1,
                },
            }
            (rest_from(i), true)
        }
        "for" => {
            let Some(do_at) = tokens
                .iter()
                .position(|t| statement.text[t.clone()].eq_ignore_ascii_case("do"))
            else {
                return (Spanned::default(), true);
            };
            (rest_from(do_at + 1), true)
        }
        _ => (statement.clone(), false),
    }
}

/// Removes a block's `(` at the end of a guarded command and a `)` that
/// closes a one-line block: `if x (set A=1)`.
fn strip_block_parens(body: &Spanned) -> Spanned {
    let mut body = body.trim();
    if body.text.starts_with('(') {
        body = body.slice(1..body.text.len()).trim();
    }
    if body.text.ends_with('(') && paren_balance(&body.text) > 0 {
        body = body.slice(0..body.text.len() - 1).trim();
    }
    if body.text.ends_with(')') && paren_balance(&body.text) < 0 {
        body = body.slice(0..body.text.len() - 1).trim();
    }
    body
}

/// Byte ranges of whitespace-separated tokens, double quotes grouping.
fn raw_tokens(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut tokens = Vec::new();
    let mut start = None;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        }
        let separator = !quoted && (c == ' ' || c == '\t');
        match (separator, start) {
            (true, Some(s)) => {
                tokens.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push(s..text.len());
    }
    tokens
}

/// Expands `%NAME%` and `!NAME!`. `%0`-`%9`, `%*`, `%~dp0`, `%%i` and
/// substring forms (`%X:~0,4%`) stay as written, and so do unknown names.
fn expand(raw: &Spanned, env: &Env) -> Vec<Spanned> {
    if !raw.text.contains(['%', '!']) {
        return vec![raw.clone()];
    }
    let text = raw.text.as_str();
    let mut variants = vec![Spanned::default()];
    let mut i = 0;
    while i < text.len() {
        let c = text.as_bytes()[i];
        if c == b'%' && text.as_bytes().get(i + 1) == Some(&b'%') {
            for v in &mut variants {
                v.push_from(raw, i..i + 2);
            }
            i += 2;
            continue;
        }
        if (c == b'%' || c == b'!')
            && let Some(close) = text[i + 1..].find(c as char)
        {
            let name = &text[i + 1..i + 1 + close];
            let valid = !name.is_empty()
                && !name.contains([' ', ':', '~', '"'])
                && !name.starts_with(|ch: char| ch.is_ascii_digit());
            if let Some(binding) = env.get(name).filter(|_| valid) {
                let mut values = binding.values.clone();
                if binding.maybe_unset || values.is_empty() {
                    values.push(Spanned::default());
                }
                variants = combine(&variants, &values);
                i += close + 2;
                continue;
            }
        }
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        for v in &mut variants {
            v.push_from(raw, i..i + len);
        }
        i += len;
    }
    variants
}

/// Splits a line at `&`, `&&`, `||` and `|` outside double quotes and not
/// escaped with `^`.
fn split_operators(line: &Spanned) -> Vec<Spanned> {
    let text = line.text.as_str();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    let mut i = 0;
    while i < text.len() {
        let c = text.as_bytes()[i];
        match c {
            _ if escaped => escaped = false,
            b'^' if !quoted => escaped = true,
            b'"' => quoted = !quoted,
            b'&' | b'|' if !quoted => {
                parts.push(line.slice(start..i).trim());
                while i + 1 < text.len() && matches!(text.as_bytes()[i + 1], b'&' | b'|') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(line.slice(start..text.len()).trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// What one command does.
fn action(command: &Spanned) -> Option<Action> {
    let command = strip_block_parens(&strip_at(command));
    let text = command.text.as_str();
    let first_end = text.find([' ', '\t']).unwrap_or(text.len());
    let keyword = text[..first_end].to_ascii_lowercase();
    let rest = command.slice(first_end..text.len()).trim();
    match keyword.as_str() {
        "set" => set_assignment(&rest),
        "setx" => {
            let words = words(&rest);
            let name = words.first()?.text.clone();
            let value = words.get(1)?.clone();
            Some(Action::Assign { name, value })
        }
        "call" => {
            let words = words(&rest);
            let target = words.first()?;
            let lower = target.text.to_ascii_lowercase();
            let is_script = std::path::Path::new(&lower).extension().is_some_and(|ext| {
                ext.eq_ignore_ascii_case("bat") || ext.eq_ignore_ascii_case("cmd")
            });
            if target.text.starts_with(':') {
                return Some(Action::Ignore);
            }
            if is_script && !lower.contains("anaplanclient") {
                return Some(Action::Include(target.clone()));
            }
            Some(Action::Run(Words(words)))
        }
        "rem" | "echo" | "echo." | "goto" | "exit" | "pause" | "setlocal" | "endlocal"
        | "title" | "cls" | "cd" | "pushd" | "popd" | "chcp" | "color" | "shift" => {
            Some(Action::Ignore)
        }
        _ => {
            let words = words(&command);
            (!words.is_empty()).then_some(Action::Run(Words(words)))
        }
    }
}

/// `NAME=value` or `"NAME=value"` after `set`. The value of the unquoted
/// form keeps its quotes, as cmd does.
fn set_assignment(rest: &Spanned) -> Option<Action> {
    let text = rest.text.as_str();
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("/a") || lower.starts_with("/p") {
        return Some(Action::Ignore);
    }
    let body = if text.starts_with('"') {
        let close = text.rfind('"').filter(|&c| c > 0)?;
        rest.slice(1..close)
    } else {
        rest.clone()
    };
    let eq = body.text.find('=')?;
    let name = body.text[..eq].trim().to_owned();
    if name.is_empty() {
        return None;
    }
    let value = body.slice(eq + 1..body.text.len());
    let value = value.slice(0..value.text.trim_end().len());
    Some(Action::Assign { name, value })
}

/// Splits a command into words: whitespace separates outside double
/// quotes, quotes are removed, `^x` is `x`; redirections are dropped.
fn words(command: &Spanned) -> Vec<Spanned> {
    let text = command.text.as_str();
    let mut out = Vec::new();
    let mut word = Spanned::default();
    let mut in_word = false;
    let mut quoted = false;
    let mut i = 0;
    while i < text.len() {
        let c = text.as_bytes()[i];
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        match c {
            b'"' => {
                quoted = !quoted;
                in_word = true;
            }
            b'^' if !quoted && i + 1 < text.len() => {
                word.push_char_from(command, i + 1);
                in_word = true;
                i += 1 + text[i + 1..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            b' ' | b'\t' if !quoted => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            _ => {
                word.push_char_from(command, i);
                in_word = true;
            }
        }
        i += len;
    }
    if in_word {
        out.push(word);
    }
    let redirect = static_regex!(r"^\d?(?:>>?|<)");
    let mut kept = Vec::with_capacity(out.len());
    let mut skip_next = false;
    for w in out {
        if skip_next {
            skip_next = false;
            continue;
        }
        if redirect.is_match(&w.text) {
            skip_next = matches!(
                w.text.trim_start_matches(|c: char| c.is_ascii_digit()),
                ">" | ">>" | "<"
            );
            continue;
        }
        kept.push(w);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::FileKind;
    use crate::extract::NoIncludes;
    use crate::facts::FactKind;

    fn facts(text: &str) -> Vec<(FactKind, String, String)> {
        let source = SourceFile::new("job.bat", text);
        crate::extract::extract(FileKind::Batch, &source, &NoIncludes)
            .facts
            .iter()
            .map(|f| (f.kind, f.value.clone(), text[f.span.range()].to_owned()))
            .collect()
    }

    #[test]
    fn set_and_expand_in_crlf_file() {
        let text = "@echo off\r\nrem set JAVA_HOME=C:\\jdk1.6.0_45\r\n:: old: jre1.7.0_80\r\nset JAVA_HOME=C:\\Program Files\\Java\\jre1.8.0_151\r\nset ServiceLocation=\"https://api.anaplan.com/\"\r\nset KeystorePassword=\"Sup3rS3cret\"\r\nset Operation=-W\r\nset Command=.\\AnaplanClient.bat -s %ServiceLocation% -k C:\\keys\\ac.jks -kp %KeystorePassword% %Operation%\r\ncmd /c %Command%\r\n";
        let found = facts(text);
        assert!(
            found.contains(&(
                FactKind::JavaVersion,
                "1.8.0_151".into(),
                "1.8.0_151".into()
            )),
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|f| f.2.contains("1.6.0") || f.2.contains("1.7.0"))
        );
        assert!(found.contains(&(FactKind::Secret, "****".into(), "Sup3rS3cret".into())));
        assert!(found.contains(&(
            FactKind::EndpointUrl,
            "https://api.anaplan.com/".into(),
            "https://api.anaplan.com/".into()
        )));
        assert!(found.contains(&(
            FactKind::AuthMethod,
            "certificate-ca".into(),
            "C:\\keys\\ac.jks".into()
        )));
        let java = found.iter().find(|f| f.0 == FactKind::JavaVersion).unwrap();
        assert_eq!(java.1, "1.8.0_151");
    }

    #[test]
    fn caret_continuations_and_quoted_set() {
        let text = "set \"JAVA_OPTS=-Dhttps.protocols=TLSv1\"\njava %JAVA_OPTS% -cp anaplan-connect-1.3.3.5.jar ^\n  com.anaplan.client.Program ^\n  -service https://api.anaplan.com/1/3 -user me@example.com\n";
        let found = facts(text);
        assert!(
            found.contains(&(FactKind::TlsProtocol, "TLSv1".into(), "TLSv1".into())),
            "{found:?}"
        );
        assert!(found.contains(&(
            FactKind::ConnectorVersion,
            "1.3.3.5".into(),
            "1.3.3.5".into()
        )));
        assert!(found.contains(&(
            FactKind::AuthMethod,
            "basic".into(),
            "me@example.com".into()
        )));
    }

    #[test]
    fn if_guarded_set_is_an_alternative() {
        let text = "set AnaplanUser=\"fred@example.com\"\nif not %AnaplanUser% == \"\" set Credentials=-user %AnaplanUser%\n.\\AnaplanClient.bat %Credentials% -service \"https://api.anaplan.com\"\n";
        let found = facts(text);
        assert!(
            found.contains(&(
                FactKind::AuthMethod,
                "basic".into(),
                "fred@example.com".into()
            )),
            "{found:?}"
        );
    }

    #[test]
    fn blocks_make_assignments_conditional() {
        let text = "if exist C:\\jdk8 (\n  set JAVA=C:\\jdk1.8.0_202\\bin\\java.exe\n) else (\n  set JAVA=C:\\jdk1.7.0_80\\bin\\java.exe\n)\n\"%JAVA%\" -version\n";
        let versions: Vec<String> = facts(text)
            .into_iter()
            .filter(|f| f.0 == FactKind::JavaVersion)
            .map(|f| f.2)
            .collect();
        assert_eq!(versions, ["1.8.0_202", "1.7.0_80"]);
    }
}
