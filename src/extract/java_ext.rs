//! The Java extension mechanism: files put into a Java home's `lib/ext`
//! (`cp`, `mv`, `install`, `ln`, `copy`, `xcopy`, `robocopy`, `curl -o`,
//! `wget -P`, PowerShell `Copy-Item`, Dockerfile `COPY`/`ADD`) and
//! `-Djava.ext.dirs=` (read with the other JVM options in [`super::java`]).
//!
//! Java 9 removed the mechanism (JEP 220): the launcher refuses to start
//! when `<java-home>/lib/ext` exists or `java.ext.dirs` is set, and the
//! `jre/` directory of the Java 8 layout is gone, so a jar copied to
//! `$JAVA_HOME/jre/lib/ext` is never loaded. Anaplan Connect 1.4.3's
//! `InstallBouncyCastle.sh`/`.bat` copy `bcprov-jdk15on-164.jar` there.
//!
//! Only a Java home's `lib/ext` counts: `JMeter`, Liferay's Tomcat and other
//! applications have `lib/ext` folders of their own. A destination is a
//! Java home's when it is under `jre/`, under a `JAVA_HOME`-like variable
//! (`$JAVA_HOME`, `%JAVA_HOME%`, `$env:JAVA_HOME`, `$JRE_HOME`, ...), or
//! under a directory named like a runtime (`jdk1.8.0_202`, `java-11-openjdk`,
//! `openjdk`, `zulu11`, or any folder of `/usr/lib/jvm/` and `/usr/java/`).

use std::ops::Range;
use std::sync::Arc;

use crate::extract::anaplan_connect::Located;
use crate::extract::curl::{is_separator, is_wrapper};
use crate::extract::java::Clue;
use crate::extract::script::program_name;
use crate::facts::{Fact, FactKind};
use crate::span::Span;

/// The `source` of a file put into `lib/ext`.
pub const COPY: &str = "copy";
/// The `source` of a `-Djava.ext.dirs=` option.
pub const JVM_OPTION: &str = "jvm-option";
/// The `setting` of a `-Djava.ext.dirs=` option.
pub const EXT_DIRS: &str = "java.ext.dirs";

/// Where `path` names a Java home's extension directory, or a file in it
/// (`$JAVA_HOME/jre/lib/ext/`, `C:\jdk1.8.0_202\jre\lib\ext\bc.jar`): the
/// byte range of its `lib/ext` part.
pub fn ext_dir_segment(path: &str) -> Option<Range<usize>> {
    let pattern = static_regex!(r"(?i)(?:^|[/\\])(lib[/\\]ext)(?:[/\\]+[^/\\]*)?$");
    let segment = pattern
        .captures(path.trim_end_matches(['"', '\'']))?
        .get(1)?;
    let parent = path[..segment.start()].trim_end_matches(['/', '\\']);
    is_java_home(parent).then(|| segment.range())
}

/// Files put into a Java home's `lib/ext` by the commands in `words`: one
/// command (a script statement, its first word the program) or a whole
/// shell line with `&&`, `;` and `|` between commands. Each clue covers
/// the whole destination word; `value` is the destination as read.
pub fn copies(words: &[&str]) -> Vec<Located> {
    let mut out = Vec::new();
    let mut start = 0;
    for end in (0..=words.len()).filter(|&i| i == words.len() || is_separator(words[i])) {
        let mut program = start;
        while words.get(program).is_some_and(|w| is_wrapper(w)) {
            program += 1;
        }
        if program < end {
            out.extend(command(words, program, end));
        }
        start = end + 1;
    }
    out
}

/// Copies into `lib/ext` in PowerShell code (comments already blanked):
/// `Copy-Item`/`Move-Item` and their aliases with `-Destination` or a
/// second positional argument, and the native `xcopy`/`robocopy`. The
/// span is the destination as written, quotes excluded.
pub fn powershell(code: &str, path: &Arc<str>) -> Vec<Fact> {
    let mut facts = Vec::new();
    for command in powershell_commands(code) {
        let texts: Vec<&str> = command.iter().map(|r| &code[r.clone()]).collect();
        let Some(program) = texts.first() else {
            continue;
        };
        let found = match program.to_ascii_lowercase().as_str() {
            "copy-item" | "cpi" | "copy" | "cp" => copy_item(&texts, "Copy-Item"),
            "move-item" | "mi" | "move" | "mv" => copy_item(&texts, "Move-Item"),
            _ => copies(&texts),
        };
        for located in found {
            let Some(range) = command.get(located.word) else {
                continue;
            };
            let span = Span::new(
                range.start + located.clue.range.start,
                range.start + located.clue.range.end,
            );
            let mut fact = Fact::new(FactKind::JavaExtDir, &code[span.range()], path, span);
            for (key, value) in located.clue.attributes {
                fact.attributes.insert(key, value);
            }
            facts.push(fact);
        }
    }
    facts
}

/// The file name of a copied source as the `file` attribute gives it: the
/// last path segment, without a URL's query (`bcprov-jdk15on-164.jar` for
/// `%0\..\bcprov-jdk15on-164.jar` or `https://repo/.../bcprov.jar?x=1`), so
/// no URL (or user info in one) reaches an attribute.
pub fn file_name(source: &str) -> &str {
    let source = source.split(['?', '#']).next().unwrap_or(source);
    let source = source.trim_end_matches(['/', '\\']);
    source.rsplit(['/', '\\']).next().unwrap_or(source)
}

/// A `java.ext_dir` clue for a destination word (`0..dest.len()`).
fn clue(dest: &str, setting: &str, file: Option<&str>) -> Clue {
    let mut attributes = vec![("source", COPY.to_owned()), ("setting", setting.to_owned())];
    if let Some(file) = file.map(file_name).filter(|f| !f.is_empty()) {
        attributes.push(("file", file.to_owned()));
    }
    Clue {
        kind: FactKind::JavaExtDir,
        range: 0..dest.len(),
        value: dest.to_owned(),
        attributes,
    }
}

/// One command, `words[program..end]`.
fn command(words: &[&str], program: usize, end: usize) -> Option<Located> {
    let name = program_name(words[program]);
    let setting: &'static str = match name.strip_suffix(".exe").unwrap_or(&name) {
        "cp" => "cp",
        "mv" => "mv",
        "install" => "install",
        "ln" => "ln",
        "copy" => "copy",
        "xcopy" => "xcopy",
        "move" => "move",
        "robocopy" => "robocopy",
        "curl" => "curl",
        "wget" => "wget",
        _ => return None,
    };
    let args = program + 1..end;
    let (dest, file) = match setting {
        "cp" | "mv" | "install" | "ln" => posix_copy(words, args)?,
        "copy" | "xcopy" | "move" => {
            let positional: Vec<usize> = args.filter(|&i| !words[i].starts_with('/')).collect();
            let (&dest, sources) = positional.split_last()?;
            (dest, Some(*sources.first()?))
        }
        "robocopy" => {
            let positional: Vec<usize> = args.filter(|&i| !words[i].starts_with('/')).collect();
            let (&source, rest) = positional.split_first()?;
            let &dest = rest.first()?;
            (dest, Some(rest.get(1).copied().unwrap_or(source)))
        }
        "curl" => (
            download_target(words, args, &["-o", "--output"], 'o')?,
            None,
        ),
        _ => (
            download_target(
                words,
                args,
                &["-O", "-P", "--output-document", "--directory-prefix"],
                'P',
            )?,
            None,
        ),
    };
    let dest_text = words[dest];
    ext_dir_segment(dest_text)?;
    Some(Located {
        word: dest,
        clue: clue(dest_text, setting, file.map(|i| words[i])),
    })
}

/// `cp [options] SOURCE... DEST`, `cp -t DEST SOURCE...` (also `mv`,
/// `install`, `ln`): the destination and the first source.
fn posix_copy(words: &[&str], args: Range<usize>) -> Option<(usize, Option<usize>)> {
    let mut positional = Vec::new();
    let mut target = None;
    let mut options_done = false;
    let mut i = args.start;
    while i < args.end {
        let word = words[i];
        if options_done || !word.starts_with('-') || word == "-" {
            positional.push(i);
        } else if word == "--" {
            options_done = true;
        } else if word == "-t" || word == "--target-directory" {
            target = Some(i + 1).filter(|&t| t < args.end);
            i += 1;
        } else if word.starts_with("--target-directory=") {
            // The value is inside the word: no separate destination word.
            return None;
        } else if matches!(word, "-S" | "--suffix" | "-m" | "--mode" | "-o" | "--owner")
            || matches!(word, "-g" | "--group")
        {
            i += 1;
        }
        i += 1;
    }
    if let Some(dest) = target {
        return Some((dest, positional.first().copied()));
    }
    let (&dest, sources) = positional.split_last()?;
    Some((dest, Some(*sources.first()?)))
}

/// The word after an output option of `curl` or `wget` (`-o FILE`,
/// `--output FILE`, `-sSLo FILE`, `-P DIR`); `cluster` is the short option
/// that may end a cluster of flags.
fn download_target(
    words: &[&str],
    args: Range<usize>,
    options: &[&str],
    cluster: char,
) -> Option<usize> {
    let mut found = None;
    for i in args.clone() {
        let word = words[i];
        let clustered = word.len() > 2
            && word.starts_with('-')
            && !word.starts_with("--")
            && word.ends_with(cluster)
            && word[1..].chars().all(|c| c.is_ascii_alphabetic());
        if (options.contains(&word) || clustered) && i + 1 < args.end {
            found = Some(i + 1);
        }
    }
    found
}

/// `Copy-Item [-Path] SOURCE [-Destination] DEST ...` (PowerShell named or
/// positional parameters, any unambiguous prefix, `-Name:value`).
fn copy_item(words: &[&str], setting: &str) -> Vec<Located> {
    let switches = [
        "-force",
        "-recurse",
        "-passthru",
        "-container",
        "-whatif",
        "-confirm",
        "-verbose",
    ];
    let mut path = None;
    let mut dest = None;
    let mut positional = Vec::new();
    let mut i = 1;
    while let Some(word) = words.get(i) {
        let lower = word.to_ascii_lowercase();
        if !lower.starts_with('-') || lower.len() < 2 {
            positional.push(i);
            i += 1;
            continue;
        }
        // `-Destination:C:\...`: the value is inside the word.
        let name = lower.split(':').next().unwrap_or(&lower);
        if name.len() < lower.len() {
            i += 1;
            continue;
        }
        if switches
            .iter()
            .any(|s| s.starts_with(name) && name.len() > 2)
        {
            i += 1;
            continue;
        }
        if name.len() >= 2 && "-destination".starts_with(name) {
            dest = Some(i + 1);
        } else if ["-path", "-literalpath", "-lp", "-pspath"].contains(&name) {
            path = Some(i + 1);
        }
        i += 2;
    }
    let mut positional = positional.into_iter();
    let path = path.or_else(|| positional.next());
    let Some(dest) = dest.or_else(|| positional.next()) else {
        return Vec::new();
    };
    let Some(&dest_text) = words.get(dest) else {
        return Vec::new();
    };
    if ext_dir_segment(dest_text).is_none() {
        return Vec::new();
    }
    vec![Located {
        word: dest,
        clue: clue(dest_text, setting, path.and_then(|p| words.get(p).copied())),
    }]
}

/// PowerShell commands of `code` as word ranges (quotes excluded): split at
/// `;`, `|` and line ends, except a line end after a backtick.
fn powershell_commands(code: &str) -> Vec<Vec<Range<usize>>> {
    let bytes = code.as_bytes();
    let mut commands = Vec::new();
    let mut words = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // A backtick at the line end continues the command.
            b'`' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'`' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => i += 3,
            b'\n' | b';' | b'|' => {
                if !words.is_empty() {
                    commands.push(std::mem::take(&mut words));
                }
                i += 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            quote @ (b'"' | b'\'') => {
                let start = i + 1;
                let end = code[start..]
                    .find(char::from(quote))
                    .map_or(code.len(), |e| start + e);
                words.push(start..end);
                i = end + 1;
            }
            _ => {
                let start = i;
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !matches!(bytes[i], b';' | b'|')
                {
                    i += 1;
                }
                words.push(start..i);
            }
        }
    }
    if !words.is_empty() {
        commands.push(words);
    }
    commands
}

/// Whether the directory `parent` (the part before `/lib/ext`) is a Java
/// home: `.../jre`, a `JAVA_HOME`-like variable, or a folder named like a
/// runtime (or any folder of `/usr/lib/jvm/` or `/usr/java/`).
fn is_java_home(parent: &str) -> bool {
    let mut components = parent.rsplit(['/', '\\']);
    let Some(last) = components.next() else {
        return false;
    };
    let variable = static_regex!(
        r#"(?i)^"?(?:\$\{?(?:env:)?|%|!)(?:JAVA_HOME|JRE_HOME|JDK_HOME|JAVA_ROOT|JAVAHOME|java\.home)\}?[%!]?"?$"#
    );
    let runtime = static_regex!(
        r"(?i)jdk|jre|^(?:java|openjdk|temurin|zulu|corretto|adoptopenjdk|liberica|semeru|sapmachine|graalvm)(?:$|[-_.]|\d)"
    );
    let in_jvm_folder = components
        .next()
        .is_some_and(|p| p.eq_ignore_ascii_case("jvm") || p.eq_ignore_ascii_case("java"));
    variable.is_match(last) || runtime.is_match(last) || (in_jvm_folder && !last.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_home_extension_dirs() {
        for path in [
            "$JAVA_HOME/jre/lib/ext/",
            "${JAVA_HOME}/jre/lib/ext",
            "$JAVA_HOME/lib/ext/bcprov-jdk15on-164.jar",
            "%JAVA_HOME%\\jre\\lib\\ext",
            "%java_path%\\jre\\lib\\ext",
            "$env:JAVA_HOME\\lib\\ext\\",
            "${env:JAVA_HOME}\\lib\\ext",
            "$JRE_HOME/lib/ext",
            "/usr/lib/jvm/java-11-openjdk/jre/lib/ext/",
            "/usr/lib/jvm/java-8-openjdk-amd64/lib/ext",
            "/usr/lib/jvm/default-java/lib/ext",
            "/opt/java/openjdk/lib/ext/",
            "/usr/local/openjdk-8/lib/ext/",
            "/usr/java/latest/lib/ext",
            "C:\\Program Files\\Java\\jre1.8.0_161\\lib\\ext\\",
            "/opt/zulu11/lib/ext",
            "jre/lib/ext",
        ] {
            assert!(ext_dir_segment(path).is_some(), "{path}");
        }
        assert_eq!(ext_dir_segment("$JAVA_HOME/jre/lib/ext/"), Some(15..22));
    }

    #[test]
    fn other_lib_ext_folders_are_not_java_homes() {
        for path in [
            "/opt/apache-jmeter-5.5/lib/ext/",
            "$JMETER_HOME/lib/ext",
            "/opt/liferay/tomcat-9.0.56/lib/ext/",
            "$CATALINA_HOME/lib/ext",
            "lib/ext/",
            "$JAVA_HOME/lib/external/",
            "$JAVA_HOME/jre/lib/ext.d/",
            "$JAVA_HOME/jre/lib/ext/sub/x.jar",
            "$JAVA_HOME/lib/security/",
            "/opt/app/lib/",
        ] {
            assert_eq!(ext_dir_segment(path), None, "{path}");
        }
    }

    fn dests(line: &str) -> Vec<(String, Vec<(&'static str, String)>)> {
        let words: Vec<&str> = line.split_whitespace().collect();
        copies(&words)
            .into_iter()
            .map(|l| (words[l.word].to_owned(), l.clue.attributes))
            .collect()
    }

    #[test]
    fn file_names() {
        assert_eq!(
            file_name("%0\\..\\bcprov-jdk15on-164.jar"),
            "bcprov-jdk15on-164.jar"
        );
        assert_eq!(
            file_name("https://user:pw@repo.example.org/m2/bcprov.jar?sig=1"),
            "bcprov.jar"
        );
        assert_eq!(file_name("lib/bcprov*.jar"), "bcprov*.jar");
        assert_eq!(file_name("bc.jar"), "bc.jar");
    }

    #[test]
    fn copy_commands() {
        let found = dests("sudo cp bcprov-jdk15on-164.jar ${JAVA_HOME}/jre/lib/ext");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "${JAVA_HOME}/jre/lib/ext");
        assert_eq!(
            found[0].1,
            [
                ("source", "copy".to_owned()),
                ("setting", "cp".to_owned()),
                ("file", "bcprov-jdk15on-164.jar".to_owned())
            ]
        );
        for line in [
            "cp -v lib/bcprov*.jar $JAVA_HOME/jre/lib/ext/",
            "cp -t $JAVA_HOME/jre/lib/ext/ a.jar b.jar",
            "mv /tmp/bc.jar /usr/lib/jvm/java-8-openjdk-amd64/jre/lib/ext/",
            "install -m 0644 bc.jar $JAVA_HOME/lib/ext/bc.jar",
            "ln -sf /opt/bc/bc.jar $JAVA_HOME/jre/lib/ext/",
            "copy /Y bc.jar %JAVA_HOME%\\jre\\lib\\ext\\",
            "xcopy %0\\..\\bcprov-jdk15on-164.jar %jar_path%\\jre\\lib\\ext /s",
            "robocopy lib %JAVA_HOME%\\lib\\ext bcprov-jdk15on-164.jar /NJH",
            "curl -sSLo $JAVA_HOME/jre/lib/ext/bc.jar https://repo1.maven.org/bc.jar",
            "wget -q -P $JAVA_HOME/jre/lib/ext https://repo1.maven.org/bc.jar",
            "set -e && apt-get update && cp bc.jar $JAVA_HOME/jre/lib/ext/",
        ] {
            assert_eq!(dests(line).len(), 1, "{line}");
        }
    }

    #[test]
    fn near_misses() {
        for line in [
            "echo cp bc.jar $JAVA_HOME/jre/lib/ext/",
            "cp $JAVA_HOME/jre/lib/ext/sunjce_provider.jar /backup/",
            "cp -r lib/ext /tmp/ext-copy",
            "cp plugins/*.jar /opt/apache-jmeter-5.5/lib/ext/",
            "cp bc.jar lib/external/",
            "ls $JAVA_HOME/jre/lib/ext",
            "mkdir -p $JAVA_HOME/jre/lib/ext",
            "cp --target-directory=$JAVA_HOME/jre/lib/ext bc.jar",
            "cp $JAVA_HOME/jre/lib/ext",
            "java -cp lib/bcprov-jdk15on-164.jar:lib/* Main",
        ] {
            assert!(dests(line).is_empty(), "{line}: {:?}", dests(line));
        }
    }

    #[test]
    fn powershell_copies() {
        let path: Arc<str> = Arc::from("install.ps1");
        let code = "Copy-Item -Path .\\bcprov-jdk15on-164.jar -Destination \"$env:JAVA_HOME\\jre\\lib\\ext\" -Force\n\
                    cp bc.jar `\n  ${env:JAVA_HOME}\\lib\\ext\\\n\
                    Move-Item bc.jar C:\\apps\\tool\\lib\\ext\n\
                    robocopy . \"$env:JAVA_HOME\\lib\\ext\" bc.jar\n";
        let found: Vec<String> = powershell(code, &path)
            .into_iter()
            .map(|f| code[f.span.range()].to_owned())
            .collect();
        assert_eq!(
            found,
            [
                "$env:JAVA_HOME\\jre\\lib\\ext",
                "${env:JAVA_HOME}\\lib\\ext\\",
                "$env:JAVA_HOME\\lib\\ext"
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn copies_into_ext_never_panic_and_spans_stay_valid(
            kind in proptest::sample::select(vec![0usize, 1, 2, 3]),
            head in proptest::sample::select(vec![
                "", "JAVA_HOME=/opt/jdk-11\n", "set JAVA_HOME=C:\\jdk-11\r\n", "FROM eclipse-temurin:11\n",
                "X=\"$JAVA_HOME\"/jre\nset J=%JAVA_HOME%\\jre\n",
            ]),
            command in proptest::sample::select(vec![
                "cp a.jar ", "xcopy a.jar ", "COPY a.jar ", "RUN cp a.jar ", "Copy-Item a.jar ",
                "java -Djava.ext.dirs=", "cp -t ", "curl -o ",
            ]),
            home in proptest::sample::select(vec![
                "", "$JAVA_HOME/", "${JAVA_HOME}\\", "%JAVA_HOME%\\", "\"$JAVA_HOME\"/", "/opt/jdk-11/",
                "$env:JAVA_HOME\\", "!JAVA_HOME!/", "$X", "%J%",
            ]),
            dest in "[a-zA-Z0-9/\\\\$%!{}\"' :.é\u{3000}`^_-]{0,12}(jre/)?(lib[/\\\\]ext)?[/\\\\a-z.é\"]{0,6}",
        ) {
            use crate::classify::FileKind;
            let kind = [FileKind::Shell, FileKind::Batch, FileKind::Dockerfile, FileKind::PowerShell][kind];
            let text = format!("{head}{command}{home}{dest}\n");
            let source = crate::source::SourceFile::new("t", text.as_str());
            let extraction = crate::extract::extract(kind, &source, &crate::extract::NoIncludes);
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }
}
