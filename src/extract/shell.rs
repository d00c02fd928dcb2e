//! POSIX shell scripts (sh, bash, ksh): statements, quoting, `\` line
//! continuations, comments, here-documents, `$VAR`/`${VAR:-default}`
//! expansion, and `.`/`source` of other scripts.

use crate::extract::Includes;
use crate::extract::script::{self, Action, Dialect, Env, Spanned, Words, combine};
use crate::facts::Extraction;
use crate::source::SourceFile;

/// Extracts the facts of a shell script and of the scripts it sources.
pub fn extract(source: &SourceFile, includes: &dyn Includes) -> Extraction {
    script::interpret(&Shell, source, includes)
}

/// The POSIX shell dialect.
pub struct Shell;

impl Dialect for Shell {
    fn statements(&self, file: u32, text: &str) -> Vec<(Spanned, usize)> {
        let input = Spanned::from_source(file, text, 0..text.len());
        let mut depth = 0usize;
        let mut out = Vec::new();
        for raw in split_statements(&input) {
            if let Some(statement) = strip_keywords(&raw, &mut depth) {
                out.push(statement);
            }
        }
        out
    }

    fn expand(&self, raw: &Spanned, env: &Env) -> Vec<Spanned> {
        expand(raw, env)
    }

    fn actions(&self, expanded: &Spanned) -> Vec<Action> {
        split_commands(expanded)
            .into_iter()
            .flat_map(|words| actions(&words.0))
            .collect()
    }

    fn commands(&self, text: &Spanned) -> Vec<Words> {
        split_commands(text)
    }

    fn fold_case(&self) -> bool {
        false
    }
}

/// Splits a script into raw statements at newlines, `;`, `&`, `|` outside
/// quotes; drops comments, `\`-newline continuations and here-doc bodies.
#[expect(
    clippy::too_many_lines,
    reason = "one state machine over the script's bytes reads best in one place"
)]
fn split_statements(input: &Spanned) -> Vec<Spanned> {
    let text = input.text.as_str();
    let bytes = text.as_bytes();
    let mut statements = Vec::new();
    let mut current = Spanned::default();
    let mut quote: Option<u8> = None;
    let mut subst = 0usize;
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    let mut word_start = true;
    let mut i = 0;
    let flush = |current: &mut Spanned, statements: &mut Vec<Spanned>| {
        let trimmed = current.trim();
        if !trimmed.is_empty() {
            statements.push(trimmed);
        }
        current.clear();
    };
    while i < bytes.len() {
        let c = bytes[i];
        // `\` + newline joins lines everywhere but inside single quotes.
        if c == b'\\' && quote != Some(b'\'') {
            match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(b'\n'), _) => {
                    i += 2;
                    continue;
                }
                (Some(b'\r'), Some(b'\n')) => {
                    i += 3;
                    continue;
                }
                (Some(_), _) => {
                    current.push_from(input, i..i + 1);
                    current.push_char_from(input, i + 1);
                    i += 1 + text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    word_start = false;
                    continue;
                }
                (None, _) => {}
            }
        }
        if let Some(q) = quote {
            current.push_char_from(input, i);
            if c == q {
                quote = None;
            }
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        if subst > 0 {
            match c {
                b'(' => subst += 1,
                b')' => subst -= 1,
                b'\'' | b'"' | b'`' => quote = Some(c),
                _ => {}
            }
            current.push_char_from(input, i);
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        match c {
            b'#' if word_start => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' | b'`' => quote = Some(c),
            b'$' if bytes.get(i + 1) == Some(&b'(') => {
                subst = 1;
                current.push_from(input, i..i + 2);
                i += 2;
                word_start = false;
                continue;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') && bytes.get(i + 2) != Some(&b'<') => {
                if let Some(heredoc) = heredoc_delimiter(&text[i + 2..]) {
                    heredocs.push(heredoc);
                }
            }
            b'\n' => {
                flush(&mut current, &mut statements);
                i += 1;
                for (delimiter, strip_tabs) in heredocs.drain(..) {
                    i = skip_heredoc(text, i, &delimiter, strip_tabs);
                }
                word_start = true;
                continue;
            }
            b';' | b'&' | b'|' => {
                flush(&mut current, &mut statements);
                i += 1;
                while i < bytes.len() && matches!(bytes[i], b';' | b'&' | b'|') {
                    i += 1;
                }
                word_start = true;
                continue;
            }
            b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        word_start = c.is_ascii_whitespace() || matches!(c, b'(' | b'{');
        current.push_char_from(input, i);
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    flush(&mut current, &mut statements);
    statements
}

/// The delimiter of a here-doc (`<<EOF`, `<<-'EOF'`, `<< "END"`), and
/// whether leading tabs are stripped (`<<-`).
pub(crate) fn heredoc_delimiter(rest: &str) -> Option<(String, bool)> {
    let (rest, strip_tabs) = match rest.strip_prefix('-') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let word: String = rest
        .trim_start_matches([' ', '\t'])
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '&' | '|' | '<' | '>' | ')'))
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect();
    (!word.is_empty()).then_some((word, strip_tabs))
}

/// The offset after the line that ends a here-doc starting at `from`.
pub(crate) fn skip_heredoc(text: &str, from: usize, delimiter: &str, strip_tabs: bool) -> usize {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let body = if strip_tabs {
            body.trim_start_matches('\t')
        } else {
            body
        };
        if body == delimiter {
            return offset;
        }
    }
    text.len()
}

/// Removes control-flow keywords from the front of a statement, updating
/// the nesting depth; `None` when nothing is left to run.
fn strip_keywords(raw: &Spanned, depth: &mut usize) -> Option<(Spanned, usize)> {
    let mut rest = raw.clone();
    let mut opens_after = 0usize;
    loop {
        let text = rest.text.as_str();
        let first_end = text.find(char::is_whitespace).unwrap_or(text.len());
        let first = &text[..first_end];
        let after = |rest: &Spanned| rest.slice(first_end..rest.text.len()).trim();
        match first {
            "if" | "while" | "until" => {
                opens_after += 1;
                rest = after(&rest);
            }
            "then" | "do" | "else" | "elif" | "!" | "time" => rest = after(&rest),
            "{" | "(" => {
                *depth += 1;
                rest = after(&rest);
            }
            "fi" | "done" | "esac" | "}" | ")" | "))" => {
                *depth = depth.saturating_sub(1);
                rest = after(&rest);
            }
            "for" | "select" | "case" | "function" => {
                *depth += 1;
                return None;
            }
            // `name() {` opens a function body: it may never run.
            _ if first.ends_with("()")
                || text.contains("() {")
                || text.contains("(){")
                || text.trim_end().ends_with("()") =>
            {
                *depth += 1;
                return None;
            }
            // `pattern)` of a case branch.
            _ if *depth > 0 && first.ends_with(')') && !first.contains('(') => rest = after(&rest),
            _ => break,
        }
        if rest.is_empty() {
            *depth += opens_after;
            return None;
        }
    }
    let at = *depth;
    *depth += opens_after;
    // A trailing `}` or `fi` on the same line (`{ X=1; }` is split at `;`).
    Some((rest, at))
}

/// Expands `$NAME`, `${NAME}` and `${NAME:-default}` outside single
/// quotes. Unknown variables stay as written; a variable with several
/// possible values yields one text per combination.
fn expand(raw: &Spanned, env: &Env) -> Vec<Spanned> {
    if !raw.text.contains('$') {
        return vec![raw.clone()];
    }
    let text = raw.text.as_str();
    let bytes = text.as_bytes();
    let mut variants = vec![Spanned::with_capacity(raw.text.len() + 64)];
    let mut in_single = false;
    let mut in_double = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' && !in_double {
            in_single = !in_single;
        } else if c == b'"' && !in_single {
            in_double = !in_double;
        } else if c == b'\\' && !in_single && i + 1 < bytes.len() {
            let len = 1 + text[i + 1..].chars().next().map_or(1, char::len_utf8);
            for v in &mut variants {
                v.push_from(raw, i..i + len);
            }
            i += len;
            continue;
        } else if c == b'$'
            && !in_single
            && let Some((name, default, end)) = parameter(text, i)
        {
            if let Some(binding) = env.get(name) {
                let mut values: Vec<Spanned> = binding.values.clone();
                if binding.maybe_unset || values.is_empty() {
                    values.push(default.map(|d| raw.slice(d)).unwrap_or_default());
                }
                let values: Vec<Spanned> = values
                    .iter()
                    .map(|v| {
                        if in_double {
                            escape_for_double_quotes(v)
                        } else {
                            v.clone()
                        }
                    })
                    .collect();
                variants = combine(&variants, &values);
            } else {
                let insert = default.map_or_else(|| raw.slice(i..end), |d| raw.slice(d));
                for v in &mut variants {
                    v.push_from(&insert, 0..insert.text.len());
                }
            }
            i = end;
            continue;
        }
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        for v in &mut variants {
            v.push_from(raw, i..i + len);
        }
        i += len;
    }
    variants
}

/// A value spliced into double quotes: its own `"`, `\`, `$` and `` ` ``
/// get a made-up backslash so the quotes still close where they did.
fn escape_for_double_quotes(value: &Spanned) -> Spanned {
    let mut out = Spanned::with_capacity(value.text.len() + 8);
    for (i, c) in value.text.char_indices() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push_from(&Spanned::synthetic("\\"), 0..1);
        }
        out.push_char_from(value, i);
    }
    out
}

/// A parameter reference at byte `at` (which holds `$`): its name, the
/// byte range of a `:-`/`-`/`:=`/`=` default, and the offset after it.
/// Special parameters (`$1`, `$@`, `$(...)`) are not references here.
fn parameter(text: &str, at: usize) -> Option<(&str, Option<std::ops::Range<usize>>, usize)> {
    let rest = &text[at + 1..];
    if let Some(body) = rest.strip_prefix('{') {
        let close = body.find('}')?;
        let inner = &body[..close];
        let name_len = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let name = &inner[..name_len];
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let end = at + 2 + close + 1;
        let op = &inner[name_len..];
        let default = [":-", ":=", "-", "="].iter().find_map(|p| {
            op.strip_prefix(p).map(|d| {
                let start = at + 2 + name_len + p.len();
                start..start + d.len()
            })
        });
        if !op.is_empty() && default.is_none() {
            // `${#X}`, `${X%suffix}`, `${X:+alt}`: not modelled.
            return None;
        }
        return Some((name, default, end));
    }
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((name, None, at + 1 + name_len))
}

/// Splits expanded text into commands (at `;`, `&&`, `||`, `|`, `&`,
/// newlines outside quotes) and each command into words, removing quotes
/// and escapes and dropping redirections.
fn split_commands(text: &Spanned) -> Vec<Words> {
    let s = text.text.as_str();
    let bytes = s.as_bytes();
    let mut commands = Vec::new();
    let mut words: Vec<Spanned> = Vec::new();
    let mut word = Spanned::with_capacity(64);
    let mut in_word = false;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    let end_word = |word: &mut Spanned, words: &mut Vec<Spanned>, in_word: &mut bool| {
        if *in_word {
            words.push(std::mem::replace(word, Spanned::with_capacity(64)));
        }
        *in_word = false;
    };
    while i < bytes.len() {
        let c = bytes[i];
        let len = s[i..].chars().next().map_or(1, char::len_utf8);
        match quote {
            Some(b'\'') => {
                if c == b'\'' {
                    quote = None;
                } else {
                    word.push_char_from(text, i);
                }
            }
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == b'\\'
                    && q == b'"'
                    && matches!(bytes.get(i + 1), Some(b'"' | b'\\' | b'$' | b'`'))
                {
                    word.push_char_from(text, i + 1);
                    i += 2;
                    continue;
                } else {
                    word.push_char_from(text, i);
                }
            }
            None => match c {
                b'\'' | b'"' => {
                    quote = Some(c);
                    in_word = true;
                }
                b'\\' if i + 1 < bytes.len() => {
                    word.push_char_from(text, i + 1);
                    in_word = true;
                    i += 1 + s[i + 1..].chars().next().map_or(1, char::len_utf8);
                    continue;
                }
                b';' | b'&' | b'|' | b'\n' => {
                    end_word(&mut word, &mut words, &mut in_word);
                    if !words.is_empty() {
                        commands.push(Words(drop_redirections(std::mem::take(&mut words))));
                    }
                }
                _ if c.is_ascii_whitespace() => end_word(&mut word, &mut words, &mut in_word),
                _ => {
                    word.push_char_from(text, i);
                    in_word = true;
                }
            },
        }
        i += len;
    }
    end_word(&mut word, &mut words, &mut in_word);
    if !words.is_empty() {
        commands.push(Words(drop_redirections(words)));
    }
    commands
}

/// Drops `>file`, `2>&1`, `< in` and their targets.
fn drop_redirections(words: Vec<Spanned>) -> Vec<Spanned> {
    let redirect = static_regex!(r"^\d*(?:>>?|<|&>)(&?\d*)?$");
    let attached = static_regex!(r"^\d*(?:>>?|<|&>)");
    let mut out = Vec::with_capacity(words.len());
    let mut skip_next = false;
    for word in words {
        if skip_next {
            skip_next = false;
            continue;
        }
        if redirect.is_match(&word.text) {
            // `2>&1` is complete; `>` alone takes the next word.
            skip_next = !word.text.contains('&');
            continue;
        }
        if attached.is_match(&word.text) {
            continue;
        }
        out.push(word);
    }
    out
}

/// What one command does.
fn actions(words: &[Spanned]) -> Vec<Action> {
    let mut out = Vec::new();
    let mut rest = words;
    if let Some(first) = rest.first() {
        if matches!(
            first.text.as_str(),
            "export" | "readonly" | "declare" | "typeset" | "local"
        ) {
            for word in &rest[1..] {
                if let Some(assign) = assignment(word) {
                    out.push(assign);
                }
            }
            return out;
        }
        if matches!(first.text.as_str(), "." | "source") {
            if let Some(target) = rest.get(1) {
                out.push(Action::Include(target.clone()));
            }
            return out;
        }
    }
    while let Some(assign) = rest.first().and_then(assignment) {
        out.push(assign);
        rest = &rest[1..];
    }
    if !rest.is_empty() {
        out.push(Action::Run(Words(rest.to_vec())));
    }
    out
}

/// `NAME=value` -> an assignment.
fn assignment(word: &Spanned) -> Option<Action> {
    let eq = word.text.find('=')?;
    let name = &word.text[..eq];
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| Action::Assign {
        name: name.to_owned(),
        value: word.slice(eq + 1..word.text.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::NoIncludes;
    use crate::facts::{Fact, FactKind};

    fn facts(text: &str) -> Vec<(FactKind, String, String)> {
        let source = SourceFile::new("job.sh", text);
        let extraction =
            crate::extract::extract(crate::classify::FileKind::Shell, &source, &NoIncludes);
        extraction
            .facts
            .iter()
            .map(|f: &Fact| (f.kind, f.value.clone(), text[f.span.range()].to_owned()))
            .collect()
    }

    fn kinds(text: &str, kind: FactKind) -> Vec<String> {
        facts(text)
            .into_iter()
            .filter(|f| f.0 == kind)
            .map(|f| f.2)
            .collect()
    }

    #[test]
    fn java_home_assignment_points_at_the_version() {
        let text = "#!/bin/sh\nexport JAVA_HOME=\"/usr/lib/jvm/jdk1.7.0_80\"\n";
        assert_eq!(kinds(text, FactKind::JavaVersion), ["1.7.0_80"]);
    }

    #[test]
    fn comments_and_heredocs_are_not_read() {
        let text = "# JAVA_HOME=/opt/jdk1.6.0_45\n  #export JAVA_HOME=/opt/jdk1.6.0_45\ncat > x.sh <<'EOF'\nJAVA_HOME=/opt/jdk1.5.0_22\nEOF\nJAVA_HOME=/opt/jdk1.8.0_202 # was jdk1.6.0_45\n";
        assert_eq!(kinds(text, FactKind::JavaVersion), ["1.8.0_202"]);
    }

    #[test]
    fn variables_are_followed_to_the_command_line() {
        let text = "AnaplanUser=fred@example.com:S3cret!x\nOperation=\"-service 'https://api.anaplan.com' -auth 'https://auth.anaplan.com' -execute\"\nCredentials=\"-user ${AnaplanUser}\"\nCommand=\"./AnaplanClient.sh ${Credentials} ${Operation} \"\nexec /bin/sh -c \"${Command}\"\n";
        let found = facts(text);
        assert!(
            found.contains(&(
                FactKind::AuthMethod,
                "basic".into(),
                "fred@example.com".into()
            )),
            "{found:?}"
        );
        assert!(found.contains(&(FactKind::Secret, "****".into(), "S3cret!x".into())));
        assert!(found.contains(&(
            FactKind::EndpointUrl,
            "https://auth.anaplan.com".into(),
            "https://auth.anaplan.com".into()
        )));
        assert!(found.contains(&(
            FactKind::ConnectorUse,
            "anaplan-connect".into(),
            "./AnaplanClient.sh".into()
        )));
    }

    #[test]
    fn continuation_lines_and_crlf() {
        let text = "java -Xmx2g \\\r\n  -Dhttps.protocols=TLSv1,TLSv1.2 \\\r\n  -classpath lib/anaplan-connect-1.3.3.5.jar \\\r\n  com.anaplan.client.Program -s https://api.anaplan.com/1/3 -W\r\n";
        let found = facts(text);
        assert!(found.contains(&(FactKind::TlsProtocol, "TLSv1".into(), "TLSv1".into())));
        assert!(found.contains(&(FactKind::TlsProtocol, "TLSv1.2".into(), "TLSv1.2".into())));
        assert!(found.contains(&(
            FactKind::ConnectorVersion,
            "1.3.3.5".into(),
            "1.3.3.5".into()
        )));
        assert!(found.contains(&(
            FactKind::ConnectorUse,
            "anaplan-connect".into(),
            "com.anaplan.client.Program".into()
        )));
    }

    #[test]
    fn conditional_assignments_are_alternatives() {
        let text = "if [ -d /opt/jdk1.8.0_202 ]; then\n  JAVA=/opt/jdk1.8.0_202/bin/java\nelse\n  JAVA=/opt/jdk1.7.0_80/bin/java\nfi\n$JAVA -cp anaplan-connect-1.4.4.jar com.anaplan.client.Program -s https://api.anaplan.com\n";
        assert_eq!(
            kinds(text, FactKind::JavaVersion),
            ["1.8.0_202", "1.7.0_80"]
        );
    }

    #[test]
    fn placeholders_and_echo_are_quiet() {
        let text = "KEYSTORE_PASSWORD=\"${KS_PASS}\"\nDB_PASSWORD=changeme\necho \"install jdk1.6.0_45 first\"\nrm -rf /opt/jdk1.6.0_45\nsed -i 's/jdk1.7.0_80/jdk1.8.0_202/' env.sh\n[ -d /opt/jdk1.5.0_22 ] && exit 1\n";
        assert!(facts(text).is_empty(), "{:?}", facts(text));
    }

    #[test]
    fn non_ascii_before_a_value_keeps_byte_spans() {
        let text = "# Zürich job — nightly\nDESCRIPTION=\"Prévision\" JAVA_HOME=/opt/jdk1.7.0_80\n";
        assert_eq!(kinds(text, FactKind::JavaVersion), ["1.7.0_80"]);
    }
}
