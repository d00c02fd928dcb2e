//! .NET Framework: target frameworks (`*.csproj`, `*.vbproj`, `web.config`,
//! `app.config`, `*.exe.config`), TLS switches (`AppContextSwitchOverrides`,
//! and the `.NETFramework` registry values `SchUseStrongCrypto` and
//! `SystemDefaultTlsVersions` in `.reg` files and in `reg add` /
//! `Set-ItemProperty` commands), endpoint settings (`Settings.settings`,
//! `appSettings`, `applicationSettings`, WCF client endpoints), and the TLS
//! protocols C# and PowerShell code sets through
//! `ServicePointManager.SecurityProtocol` and `SslProtocols`.
//!
//! Code is read with text patterns over a copy whose comments (and, for
//! the protocol patterns, string contents) are blanked out byte for byte,
//! so every offset in the copy is an offset in the file.

use std::ops::Range;
use std::sync::Arc;

use roxmltree::{Document, Node};

use crate::extract::batch;
use crate::extract::comments::{self, Syntax};
use crate::extract::java::Clue;
use crate::extract::java_ext;
use crate::extract::salesforce;
use crate::extract::xml_value::RawValue;
use crate::facts::{Extraction, Fact, FactKind, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// The `MSBuild` namespace of old-style project files.
const MSBUILD_NS: &str = "http://schemas.microsoft.com/developer/msbuild/2003";

/// The namespace of Visual Studio `Settings.settings` files.
const SETTINGS_NS: &str = "http://schemas.microsoft.com/VisualStudio/2004/01/settings";

/// The `setting` of TLS protocols set through `ServicePointManager`.
pub const SECURITY_PROTOCOL: &str = "ServicePointManager.SecurityProtocol";

/// Extracts the .NET facts of a parsed XML document, if it is a .NET
/// config (`<configuration>`), an `MSBuild` project (`<Project>`) or a
/// `Settings.settings` file. Returns whether it recognised the document.
pub fn extract_xml(doc: &Document<'_>, source: &SourceFile, out: &mut Extraction) -> bool {
    let root = doc.root_element();
    let tag = root.tag_name();
    match (tag.name(), tag.namespace()) {
        ("configuration", None) => {
            config(root, source, out);
            true
        }
        ("Project", None | Some(MSBUILD_NS)) => {
            project(root, source, out);
            true
        }
        ("SettingsFile", Some(SETTINGS_NS)) => {
            settings_file(root, source, out);
            true
        }
        _ => false,
    }
}

/// C# source: `ServicePointManager.SecurityProtocol` assignments,
/// `SslProtocols` members, and Salesforce URLs in string literals.
pub fn extract_csharp(source: &SourceFile) -> Extraction {
    let masked = mask(&source.text, Lang::CSharp);
    code(source, &masked, Lang::CSharp)
}

/// PowerShell: the same as C# (`[Net.ServicePointManager]::SecurityProtocol
/// = [Net.SecurityProtocolType]::Tls12`, `-bor`, `'Tls11, Tls12'`), plus
/// registry commands that set the `.NETFramework` TLS values.
pub fn extract_powershell(source: &SourceFile) -> Extraction {
    let masked = mask(&source.text, Lang::PowerShell);
    let mut out = code(source, &masked, Lang::PowerShell);
    registry_commands(&masked.no_comments, &source.path, &mut out);
    out.facts
        .extend(java_ext::powershell(&masked.no_comments, &source.path));
    out
}

/// A `.reg` file: `"SchUseStrongCrypto"=dword:00000001` and
/// `"SystemDefaultTlsVersions"=dword:00000001` under a `.NETFramework`
/// key (`v4.0.30319` or `v2.0.50727`, with or without `Wow6432Node`).
pub fn extract_registry_file(source: &SourceFile) -> Extraction {
    let mut out = Extraction::default();
    let text = &*source.text;
    let mut key: Option<&str> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\r', '\n']);
        let trimmed = content.trim_start();
        let lead = start + content.len() - trimmed.len();
        if trimmed.starts_with(';') {
            continue;
        }
        if let Some(section) = trimmed.strip_prefix('[') {
            let section = section.trim_end().trim_end_matches(']');
            // `[-HKEY_...]` deletes the key; its values set nothing.
            key = (!section.starts_with('-') && is_framework_key(section)).then_some(section);
            continue;
        }
        let Some(key) = key else { continue };
        let Some(rest) = trimmed.strip_prefix('"') else {
            continue;
        };
        let Some((name, data)) = rest.split_once("\"=") else {
            continue;
        };
        let Some(canonical) = registry_value_name(name) else {
            continue;
        };
        let data_start = lead + 1 + name.len() + 2;
        let Some(hex) = data.trim_end().strip_prefix("dword:") else {
            continue;
        };
        let hex_start = data_start + "dword:".len();
        let Ok(number) = u32::from_str_radix(hex, 16) else {
            out.problems.push(Problem::at(
                &source.path,
                Span::new(hex_start, hex_start + hex.len()),
                format!("`{name}` is not a dword: `{hex}`"),
            ));
            continue;
        };
        out.facts.push(registry_fact(
            canonical,
            number,
            Some(key),
            &source.path,
            Span::new(hex_start, hex_start + hex.len()),
        ));
    }
    out
}

/// `reg add` (batch, PowerShell) and `Set-ItemProperty` / `New-ItemProperty`
/// (PowerShell) commands that set `SchUseStrongCrypto` or
/// `SystemDefaultTlsVersions` in `text`, whose comments must already be
/// blanked out.
pub fn registry_commands(text: &str, path: &Arc<str>, out: &mut Extraction) {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("schusestrongcrypto") && !lower.contains("systemdefaulttlsversions") {
        return;
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let words = words(line);
        if let Some((name, data, key)) = reg_add(line, &words).or_else(|| set_item(line, &words)) {
            let Some(canonical) = registry_value_name(&line[name.clone()]) else {
                continue;
            };
            let written = &line[data.clone()];
            let number = written
                .strip_prefix("0x")
                .or_else(|| written.strip_prefix("0X"))
                .map_or_else(
                    || written.parse().ok(),
                    |hex| u32::from_str_radix(hex, 16).ok(),
                );
            let Some(number) = number else { continue };
            let key = key.map(|k| &line[k]).filter(|k| !k.starts_with('$'));
            out.facts.push(registry_fact(
                canonical,
                number,
                key,
                path,
                Span::new(start + data.start, start + data.end),
            ));
        }
    }
}

/// The registry commands of a batch file (`REM` and `::` lines skipped).
pub fn batch_registry_commands(source: &SourceFile, out: &mut Extraction) {
    let mut masked = String::with_capacity(source.text.len());
    for line in source.text.split_inclusive('\n') {
        let head = line.trim_start().trim_start_matches('@').trim_end();
        if batch::is_comment(head) {
            masked.push_str(&comments::blanked(line));
        } else {
            masked.push_str(line);
        }
    }
    registry_commands(&masked, &source.path, out);
}

// ---------------------------------------------------------------------------
// XML

/// `web.config`, `app.config`: `httpRuntime targetFramework`,
/// `supportedRuntime sku`, `AppContextSwitchOverrides`, endpoint settings,
/// and Salesforce URLs anywhere else.
fn config(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    let path = &source.path;
    for node in root.descendants().filter(Node::is_element) {
        let name = node.tag_name().name();
        let parent = node.parent_element().map(|p| p.tag_name().name());
        match name {
            "httpRuntime" => {
                if let Some(value) = RawValue::attribute(node, "targetFramework") {
                    target_framework(&value, "httpRuntime", source, out);
                }
                urls_in_attributes(node, &["targetFramework"], source, out);
            }
            "supportedRuntime" => {
                if let Some(sku) = RawValue::attribute(node, "sku") {
                    supported_runtime(&sku, source, out);
                }
            }
            "AppContextSwitchOverrides" => {
                if let Some(value) = RawValue::attribute(node, "value") {
                    switches(&value, path, out);
                }
            }
            "add" if parent == Some("appSettings") => {
                if let Some(value) = RawValue::attribute(node, "value") {
                    endpoints(&value, node.attribute("key"), path, out);
                }
            }
            "endpoint" => {
                if let Some(address) = RawValue::attribute(node, "address") {
                    let setting = node.attribute("name").unwrap_or("endpoint");
                    endpoints(&address, Some(setting), path, out);
                }
                urls_in_attributes(node, &["address"], source, out);
            }
            "value" if parent == Some("setting") => {
                if let Some(value) = RawValue::text_of(node) {
                    let setting = node.parent_element().and_then(|p| p.attribute("name"));
                    endpoints(&value, setting, path, out);
                }
            }
            _ => {
                urls_in_attributes(node, &[], source, out);
                if let Some(text) = RawValue::text_of(node) {
                    salesforce_urls(&text, None, path, out);
                }
            }
        }
    }
}

/// `MSBuild` projects: `TargetFrameworkVersion` (`v4.5.2`), `TargetFramework`
/// (`net48`) and `TargetFrameworks` (`net462;netstandard2.0`).
fn project(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    for node in root.descendants().filter(Node::is_element) {
        let name = node.tag_name().name();
        if !matches!(
            name,
            "TargetFrameworkVersion" | "TargetFramework" | "TargetFrameworks"
        ) {
            continue;
        }
        let Some(value) = RawValue::text_of(node) else {
            continue;
        };
        if name == "TargetFrameworkVersion" {
            let (written, range) = value.trimmed();
            let skip = usize::from(written.starts_with(['v', 'V']));
            let version = &written[skip..];
            let span = value.span_of(range.start + skip..range.end);
            if is_framework_version(version) {
                out.facts.push(
                    Fact::new(FactKind::DotnetTargetFramework, version, &source.path, span)
                        .with("source", name),
                );
            } else if !written.contains('$') {
                out.problems.push(Problem::at(
                    &source.path,
                    span,
                    format!("`TargetFrameworkVersion` is not a version: `{written}`"),
                ));
            }
            continue;
        }
        let mut start = 0;
        for item in value.text.split(';') {
            let lead = item.len() - item.trim_start().len();
            let tfm = item.trim();
            let range = start + lead..start + lead + tfm.len();
            start += item.len() + 1;
            // netstandard, netcoreapp and net5.0+ are not .NET Framework:
            // their TLS comes from the OS, so they give no fact.
            if let Some(version) = framework_of_tfm(tfm) {
                out.facts.push(
                    Fact::new(
                        FactKind::DotnetTargetFramework,
                        version,
                        &source.path,
                        value.span_of(range),
                    )
                    .with("source", name),
                );
            }
        }
    }
}

/// `Settings.settings`: `<Setting Name="..."><Value>https://...</Value>`.
fn settings_file(root: Node<'_, '_>, source: &SourceFile, out: &mut Extraction) {
    for setting in root
        .descendants()
        .filter(|n| n.has_tag_name((SETTINGS_NS, "Setting")))
    {
        for value in setting
            .children()
            .filter(|n| n.has_tag_name((SETTINGS_NS, "Value")))
        {
            if let Some(text) = RawValue::text_of(value) {
                endpoints(&text, setting.attribute("Name"), &source.path, out);
            }
        }
    }
}

/// `4.5`, `4.7.2`: a target framework written as a version.
fn target_framework(value: &RawValue<'_>, origin: &str, source: &SourceFile, out: &mut Extraction) {
    let (written, _) = value.trimmed();
    if is_framework_version(written) {
        out.facts.push(
            Fact::new(
                FactKind::DotnetTargetFramework,
                written,
                &source.path,
                value.trimmed_span(),
            )
            .with("source", origin),
        );
    } else if !written.is_empty() {
        out.problems.push(Problem::at(
            &source.path,
            value.trimmed_span(),
            format!("`targetFramework` is not a version: `{written}`"),
        ));
    }
}

/// `sku=".NETFramework,Version=v4.5.2"` (a `,Profile=Client` may follow).
fn supported_runtime(sku: &RawValue<'_>, source: &SourceFile, out: &mut Extraction) {
    let text = sku.text;
    if !text.trim_start().starts_with(".NETFramework") {
        return;
    }
    let Some(at) = text.find("Version=") else {
        return;
    };
    let mut start = at + "Version=".len();
    if text[start..].starts_with(['v', 'V']) {
        start += 1;
    }
    let end = text[start..].find(',').map_or(text.len(), |i| start + i);
    let version = text[start..end].trim_end();
    if is_framework_version(version) {
        out.facts.push(
            Fact::new(
                FactKind::DotnetTargetFramework,
                version,
                &source.path,
                sku.span_of(start..start + version.len()),
            )
            .with("source", "supportedRuntime"),
        );
    }
}

/// `AppContextSwitchOverrides value="A=true;B=false"`: a `dotnet.switch`
/// per `System.Net` or `System.ServiceModel` switch.
fn switches(value: &RawValue<'_>, path: &Arc<str>, out: &mut Extraction) {
    let mut start = 0;
    for item in value.text.split(';') {
        let lead = item.len() - item.trim_start().len();
        let written = item.trim();
        let range = start + lead..start + lead + written.len();
        start += item.len() + 1;
        let Some((name, setting)) = written.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if !(name.starts_with("Switch.System.Net.")
            || name.starts_with("Switch.System.ServiceModel."))
        {
            continue;
        }
        let mut fact = Fact::new(FactKind::DotnetSwitch, written, path, value.span_of(range))
            .with("name", name)
            .with("source", "AppContextSwitchOverrides");
        let on = match setting.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        let short = name.rsplit('.').next().unwrap_or(name);
        if let Some(effect) = on.and_then(|on| switch_effect(short, on)) {
            fact = fact.with("effect", effect);
        }
        out.facts.push(fact);
    }
}

/// Every http(s) URL in an endpoint setting.
fn endpoints(value: &RawValue<'_>, setting: Option<&str>, path: &Arc<str>, out: &mut Extraction) {
    for clue in salesforce::endpoint_clues(value.text, setting) {
        out.facts.push(fact_of(clue, path, |r| value.span_of(r)));
    }
}

/// Salesforce URLs in a value that is not an endpoint setting.
fn salesforce_urls(
    value: &RawValue<'_>,
    setting: Option<&str>,
    path: &Arc<str>,
    out: &mut Extraction,
) {
    for clue in salesforce::url_clues(value.text, setting) {
        out.facts.push(fact_of(clue, path, |r| value.span_of(r)));
    }
}

fn urls_in_attributes(
    node: Node<'_, '_>,
    except: &[&str],
    source: &SourceFile,
    out: &mut Extraction,
) {
    for attribute in node.attributes() {
        if except.contains(&attribute.name()) || attribute.namespace().is_some() {
            continue;
        }
        if let Some(value) = RawValue::attribute(node, attribute.name()) {
            salesforce_urls(&value, None, &source.path, out);
        }
    }
}

/// `4`, `4.5`, `4.7.2`, `3.5`.
fn is_framework_version(text: &str) -> bool {
    static_regex!(r"^\d(?:\.\d{1,2}){0,3}$").is_match(text)
}

/// The .NET Framework version of a target framework moniker: `net48` ->
/// `4.8`, `net462` -> `4.6.2`, `net35` -> `3.5`, `net403` -> `4.0.3`.
/// `netstandard2.0`, `netcoreapp3.1` and `net6.0` are not .NET Framework.
fn framework_of_tfm(tfm: &str) -> Option<String> {
    let caps = static_regex!(r"^(?i:net)(\d)(\d)(\d)?$").captures(tfm)?;
    let mut version = format!("{}.{}", &caps[1], &caps[2]);
    if let Some(patch) = caps.get(3) {
        version.push('.');
        version.push_str(patch.as_str());
    }
    Some(version)
}

// ---------------------------------------------------------------------------
// Registry

/// Whether a registry key is a .NET Framework key whose values govern TLS:
/// `...\Microsoft\.NETFramework\v4.0.30319` or `...\v2.0.50727`.
fn is_framework_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase().replace('/', "\\");
    lower.contains("\\microsoft\\.netframework\\v4.0.30319")
        || lower.contains("\\microsoft\\.netframework\\v2.0.50727")
}

/// The canonical spelling of a TLS registry value name.
fn registry_value_name(name: &str) -> Option<&'static str> {
    let name = name.trim().trim_matches(['"', '\'']);
    if name.eq_ignore_ascii_case("SchUseStrongCrypto") {
        Some("SchUseStrongCrypto")
    } else if name.eq_ignore_ascii_case("SystemDefaultTlsVersions") {
        Some("SystemDefaultTlsVersions")
    } else {
        None
    }
}

fn registry_fact(name: &str, number: u32, key: Option<&str>, path: &Arc<str>, span: Span) -> Fact {
    let on = number != 0;
    let mut fact = Fact::new(
        FactKind::DotnetSwitch,
        format!("{name}={}", u32::from(on)),
        path,
        span,
    )
    .with("name", name)
    .with("source", "registry");
    if let Some(effect) = switch_effect(name, on) {
        fact = fact.with("effect", effect);
    }
    if let Some(key) = key {
        fact = fact.with("key", key.trim_matches(['"', '\'']));
    }
    fact
}

/// What a TLS switch set to `on` does: `strong-crypto` (TLS 1.1 and 1.2
/// offered, SSL 3.0 and RC4 refused) or `no-strong-crypto` (the pre-4.6
/// default, SSL 3.0 and TLS 1.0 only); `system-default` (the OS chooses the
/// protocols) or `no-system-default` (the framework's own list).
fn switch_effect(name: &str, on: bool) -> Option<&'static str> {
    let effect = match (name.to_ascii_lowercase().as_str(), on) {
        ("schusestrongcrypto", true) | ("dontenableschusestrongcrypto", false) => "strong-crypto",
        ("schusestrongcrypto", false) | ("dontenableschusestrongcrypto", true) => {
            "no-strong-crypto"
        }
        ("systemdefaulttlsversions", true) | ("dontenablesystemdefaulttlsversions", false) => {
            "system-default"
        }
        ("systemdefaulttlsversions", false) | ("dontenablesystemdefaulttlsversions", true) => {
            "no-system-default"
        }
        _ => return None,
    };
    Some(effect)
}

/// Words of a command line with their byte ranges, quotes excluded from the
/// range (`"HKLM\...\v4.0.30319"` -> `HKLM\...\v4.0.30319`).
fn words(line: &str) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() || bytes[i] == b';' {
            i += 1;
            continue;
        }
        if bytes[i] == b'"' || bytes[i] == b'\'' {
            let quote = bytes[i];
            let start = i + 1;
            let end = line[start..]
                .find(char::from(quote))
                .map_or(line.len(), |e| start + e);
            words.push(start..end);
            i = end + 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b';' {
            i += 1;
        }
        words.push(start..i);
    }
    words
}

/// `reg add KEY /v NAME /t REG_DWORD /d DATA [/f]`: (name, data, key).
type RegistryCommand = (Range<usize>, Range<usize>, Option<Range<usize>>);

fn reg_add(line: &str, words: &[Range<usize>]) -> Option<RegistryCommand> {
    let word = |i: usize| words.get(i).map(|r| &line[r.clone()]);
    let at = (0..words.len()).find(|&i| {
        word(i).is_some_and(|w| w.eq_ignore_ascii_case("reg") || w.eq_ignore_ascii_case("reg.exe"))
            && word(i + 1).is_some_and(|w| w.eq_ignore_ascii_case("add"))
    })?;
    let key = words.get(at + 2).cloned()?;
    if !is_framework_key(&line[key.clone()]) {
        return None;
    }
    let after = |flag: &str| {
        (at + 3..words.len())
            .find(|&i| word(i).is_some_and(|w| w.eq_ignore_ascii_case(flag)))
            .and_then(|i| words.get(i + 1).cloned())
    };
    Some((after("/v")?, after("/d")?, Some(key)))
}

/// `Set-ItemProperty -Path KEY -Name NAME -Value DATA` (or positional, or
/// `New-ItemProperty ... -PropertyType DWord`): (name, data, key).
fn set_item(line: &str, words: &[Range<usize>]) -> Option<RegistryCommand> {
    let word = |i: usize| words.get(i).map(|r| &line[r.clone()]);
    let at = (0..words.len()).find(|&i| {
        word(i).is_some_and(|w| {
            w.eq_ignore_ascii_case("Set-ItemProperty") || w.eq_ignore_ascii_case("New-ItemProperty")
        })
    })?;
    let mut named: [Option<Range<usize>>; 3] = [None, None, None];
    let mut positional = Vec::new();
    let mut i = at + 1;
    while let Some(w) = word(i) {
        let slot = match w.to_ascii_lowercase().as_str() {
            "-path" | "-literalpath" => Some(0),
            "-name" => Some(1),
            "-value" => Some(2),
            _ => None,
        };
        if let Some(slot) = slot {
            named[slot] = words.get(i + 1).cloned();
            i += 2;
        } else if w.starts_with('-') {
            // Another parameter (`-Type DWord`, `-Force`): skip its value
            // when it has one.
            let switch = matches!(
                w.to_ascii_lowercase().as_str(),
                "-force" | "-passthru" | "-whatif" | "-confirm"
            );
            i += if switch { 1 } else { 2 };
        } else if w == "|" {
            break;
        } else {
            positional.push(words.get(i).cloned()?);
            i += 1;
        }
    }
    let mut positional = positional.into_iter();
    let [path, name, value] = named.map(|n| n.or_else(|| positional.next()));
    let path = path.filter(|p| !line[p.clone()].starts_with('$'));
    if let Some(key) = &path
        && !is_framework_key(&line[key.clone()])
    {
        return None;
    }
    Some((name?, value?, path))
}

// ---------------------------------------------------------------------------
// Code

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    CSharp,
    PowerShell,
}

/// Code with comments blanked out (`no_comments`), and with string contents
/// blanked out too (`code`); `strings` are the content ranges of string
/// literals. Both texts have the file's length, byte for byte.
struct Masked {
    code: String,
    no_comments: String,
    strings: Vec<Range<usize>>,
}

fn mask(text: &str, lang: Lang) -> Masked {
    let syntax = match lang {
        Lang::CSharp => Syntax::CSharp,
        Lang::PowerShell => Syntax::PowerShell,
    };
    let code = comments::blank_comments_and_strings(text, syntax);
    Masked {
        code: code.text,
        no_comments: comments::blank_comments(text, syntax).text,
        strings: code.strings,
    }
}

/// The facts of C# or PowerShell code.
fn code(source: &SourceFile, masked: &Masked, lang: Lang) -> Extraction {
    let mut out = Extraction::default();
    let path = &source.path;
    security_protocol_assignments(masked, lang, path, &mut out);
    ssl_protocols(&masked.code, path, &mut out);
    let mut clues = salesforce::url_clues(&masked.no_comments, None);
    if lang == Lang::PowerShell {
        // `java -cp dataloader-45.0.0.jar ...` in a PowerShell launcher.
        clues.extend(salesforce::jar_versions(&masked.no_comments));
    }
    for clue in clues {
        out.facts
            .push(fact_of(clue, path, |r| Span::new(r.start, r.end)));
    }
    out
}

/// `ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls | ...`:
/// one `tls.protocol` per protocol named on the right-hand side, with effect
/// `force` for `=`, `enable` for `|=` (or a right-hand side that ORs in the
/// current value), `disable` for `&= ~X` and negated members.
fn security_protocol_assignments(
    masked: &Masked,
    lang: Lang,
    path: &Arc<str>,
    out: &mut Extraction,
) {
    let code = &masked.code;
    let assignment = static_regex!(r"(?i)\bSecurityProtocol\s*(\|=|&=|\+=|=)");
    for caps in assignment.captures_iter(code) {
        let (Some(whole), Some(op)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if code[whole.end()..].starts_with('=') {
            continue; // `==`
        }
        let rhs = statement_rest(code, whole.end(), lang);
        let text = &code[rhs.clone()];
        let self_reference = static_regex!(r"(?i)\bSecurityProtocol\b").is_match(text);
        let base = match op.as_str() {
            "&=" => "disable",
            "|=" | "+=" => "enable",
            _ if self_reference => "enable",
            _ => "force",
        };
        let member =
            static_regex!(r"(?i)\bSecurityProtocolType\s*\]?\s*(?:::|\.)\s*([A-Za-z][A-Za-z0-9]*)");
        for caps in member.captures_iter(text) {
            let Some(name) = caps.get(1) else { continue };
            if let Some(protocol) = member_protocol(name.as_str()) {
                let range = rhs.start + name.start()..rhs.start + name.end();
                let effect = effect_at(code, rhs.start, range.start, base);
                push_protocol(out, path, range, protocol, SECURITY_PROTOCOL, effect);
            }
        }
        let number = static_regex!(r"\b\d+\b");
        for found in number.find_iter(text) {
            let Ok(value) = found.as_str().parse::<u32>() else {
                continue;
            };
            let range = rhs.start + found.start()..rhs.start + found.end();
            let effect = effect_at(code, rhs.start, range.start, base);
            for protocol in protocols_of_number(value) {
                push_protocol(
                    out,
                    path,
                    range.clone(),
                    protocol,
                    SECURITY_PROTOCOL,
                    effect,
                );
            }
        }
        // PowerShell converts strings: `= 'Tls12'`, `[Net.SecurityProtocolType]'Tls11, Tls12'`.
        if lang == Lang::PowerShell {
            for string in masked
                .strings
                .iter()
                .filter(|s| s.start >= rhs.start && s.end <= rhs.end)
            {
                let content = &masked.no_comments[string.clone()];
                let mut offset = 0;
                for piece in content.split_inclusive([',', ' ', '\t']) {
                    let name = piece.trim_end_matches([',', ' ', '\t']);
                    let start = string.start + offset;
                    offset += piece.len();
                    if let Some(protocol) = member_protocol(name) {
                        let effect = effect_at(code, rhs.start, start - 1, base);
                        push_protocol(
                            out,
                            path,
                            start..start + name.len(),
                            protocol,
                            SECURITY_PROTOCOL,
                            effect,
                        );
                    }
                }
            }
        }
    }
}

/// The effect of a protocol at `at` in a right-hand side starting at
/// `rhs_start`: `disable` when a `~` or `-bnot` negates it.
fn effect_at(code: &str, rhs_start: usize, at: usize, base: &'static str) -> &'static str {
    let before = code.get(rhs_start..at).unwrap_or_default();
    // Walk back over the member's own qualifier (`[Net.SecurityProtocolType]::`,
    // `SecurityProtocolType.`, `(SecurityProtocolType)`) to what precedes it.
    let qualifier = static_regex!(
        r"(?i)(?:\[?\s*(?:System\.)?(?:Net\.)?SecurityProtocolType\s*\]?\s*(?:::|\.)?|\(\s*(?:System\.)?(?:Net\.)?SecurityProtocolType\s*\))\s*$"
    );
    let before = qualifier
        .find(before)
        .map_or(before, |m| &before[..m.start()]);
    if negated(before) { "disable" } else { base }
}

/// Whether the code before a member ends with a negation (`~`, `-bnot`).
fn negated(before: &str) -> bool {
    let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || c == '(');
    trimmed.ends_with('~') || trimmed.to_ascii_lowercase().ends_with("-bnot")
}

/// The rest of the statement that starts at `start`: up to `;` (and, in
/// PowerShell, a line end that does not continue) outside brackets.
fn statement_rest(code: &str, start: usize, lang: Lang) -> Range<usize> {
    let bytes = code.as_bytes();
    let mut depth = 0_i32;
    let mut i = start;
    // The right-hand side may start on the next line.
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b';' if depth <= 0 => break,
            b'{' | b'}' if depth <= 0 && lang == Lang::CSharp => break,
            b'\n' if depth <= 0 && lang == Lang::PowerShell => {
                let line = code[start..i].trim_end();
                let lower = line.to_ascii_lowercase();
                let continued = line.ends_with('`')
                    || line.ends_with('|')
                    || line.ends_with(',')
                    || lower.ends_with("-bor")
                    || lower.ends_with("-band")
                    || lower.ends_with("-bnot");
                if !continued {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    start..i
}

/// `SslProtocols.Tls`, `[System.Security.Authentication.SslProtocols]::Tls12`:
/// the protocols an `SslStream` or handler is given; `SslProtocols.Default`
/// forces SSL 3.0 / TLS 1.0.
fn ssl_protocols(code: &str, path: &Arc<str>, out: &mut Extraction) {
    let member = static_regex!(r"(?i)\bSslProtocols\s*\]?\s*(?:::|\.)\s*([A-Za-z][A-Za-z0-9]*)");
    for caps in member.captures_iter(code) {
        let Some(name) = caps.get(1) else { continue };
        let range = name.range();
        if name.as_str().eq_ignore_ascii_case("Default") {
            push_protocol(out, path, range, "TLSv1", "SslProtocols.Default", "force");
        } else if let Some(protocol) = member_protocol(name.as_str()) {
            push_protocol(out, path, range, protocol, "SslProtocols", "enable");
        }
    }
}

fn push_protocol(
    out: &mut Extraction,
    path: &Arc<str>,
    range: Range<usize>,
    protocol: &str,
    setting: &str,
    effect: &str,
) {
    out.facts.push(
        Fact::new(
            FactKind::TlsProtocol,
            protocol,
            path,
            Span::new(range.start, range.end),
        )
        .with("setting", setting)
        .with("effect", effect),
    );
}

/// The protocol a `SecurityProtocolType` or `SslProtocols` member names;
/// `None` for `SystemDefault`, `None` and anything else.
fn member_protocol(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "ssl2" => Some("SSLv2"),
        "ssl3" => Some("SSLv3"),
        "tls" | "tls10" => Some("TLSv1"),
        "tls11" => Some("TLSv1.1"),
        "tls12" => Some("TLSv1.2"),
        "tls13" => Some("TLSv1.3"),
        _ => None,
    }
}

/// The protocols of a `SecurityProtocolType` value written as a number
/// (`(SecurityProtocolType)3072`, `768 | 3072`, `3840`); none when the
/// number has bits no protocol uses (it is then not a protocol value).
fn protocols_of_number(value: u32) -> Vec<&'static str> {
    const BITS: [(u32, &str); 6] = [
        (12, "SSLv2"),
        (48, "SSLv3"),
        (192, "TLSv1"),
        (768, "TLSv1.1"),
        (3072, "TLSv1.2"),
        (12288, "TLSv1.3"),
    ];
    let mut rest = value;
    let mut protocols = Vec::new();
    for (mask, protocol) in BITS {
        if value & mask == mask {
            protocols.push(protocol);
            rest &= !mask;
        }
    }
    if rest == 0 { protocols } else { Vec::new() }
}

/// A fact from a clue whose range is in some decoded text; `span_of` maps
/// that range to raw bytes.
fn fact_of(clue: Clue, path: &Arc<str>, span_of: impl Fn(Range<usize>) -> Span) -> Fact {
    let mut fact = Fact::new(clue.kind, clue.value, path, span_of(clue.range));
    for (key, value) in clue.attributes {
        fact.attributes.insert(key, value);
    }
    fact
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(kind, value, raw text under the span, setting/source, effect)` of
    /// every fact, by span.
    fn facts_of(source: &SourceFile, extraction: &Extraction) -> Vec<[String; 5]> {
        assert!(extraction.spans_are_valid(&source.text));
        let mut facts = extraction.facts.clone();
        facts.sort_by_key(|fact| (fact.span, fact.kind));
        facts
            .into_iter()
            .map(|fact| {
                let origin = fact.attr("setting").or(fact.attr("source")).unwrap_or("");
                [
                    fact.kind.name().to_owned(),
                    fact.value.clone(),
                    source.text[fact.span.range()].to_owned(),
                    origin.to_owned(),
                    fact.attr("effect").unwrap_or("").to_owned(),
                ]
            })
            .collect()
    }

    fn row(kind: &str, value: &str, raw: &str, origin: &str, effect: &str) -> [String; 5] {
        [kind, value, raw, origin, effect].map(str::to_owned)
    }

    fn tls(value: &str, raw: &str, effect: &str) -> [String; 5] {
        row("tls.protocol", value, raw, SECURITY_PROTOCOL, effect)
    }

    fn run(path: &str, text: &str, extract: fn(&SourceFile) -> Extraction) -> Vec<[String; 5]> {
        let source = SourceFile::new(path, text);
        let extraction = extract(&source);
        assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
        facts_of(&source, &extraction)
    }

    fn xml(path: &str, text: &str) -> Vec<[String; 5]> {
        run(path, text, crate::extract::xml_value::extract_by_name)
    }

    #[test]
    fn web_config() {
        let text = r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <appSettings>
    <add key="SalesforceLoginUrl" value="https://login.salesforce.com/services/Soap/u/29.0" />
    <add key="ReportsUrl" value="http://reports.example.com/api" />
    <add key="BatchSize" value="200" />
  </appSettings>
  <!-- <httpRuntime targetFramework="4.0" /> -->
  <system.web>
    <compilation debug="false" targetFramework="4.5" />
    <httpRuntime targetFramework="4.5" />
  </system.web>
  <startup>
    <supportedRuntime version="v4.0" sku=".NETFramework,Version=v4.5.2,Profile=Client" />
  </startup>
  <runtime>
    <AppContextSwitchOverrides value="Switch.System.Net.DontEnableSchUseStrongCrypto=true; Switch.System.Net.DontEnableSystemDefaultTlsVersions=false;Switch.System.IO.UseLegacyPathHandling=false" />
  </runtime>
</configuration>
"#;
        assert_eq!(
            xml("Web.config", text),
            [
                row(
                    "endpoint.url",
                    "https://login.salesforce.com/services/Soap/u/29.0",
                    "https://login.salesforce.com/services/Soap/u/29.0",
                    "SalesforceLoginUrl",
                    ""
                ),
                row(
                    "salesforce.api_version",
                    "29.0",
                    "29.0",
                    "SalesforceLoginUrl",
                    ""
                ),
                row(
                    "endpoint.url",
                    "http://reports.example.com/api",
                    "http://reports.example.com/api",
                    "ReportsUrl",
                    ""
                ),
                row("dotnet.target_framework", "4.5", "4.5", "httpRuntime", ""),
                row(
                    "dotnet.target_framework",
                    "4.5.2",
                    "4.5.2",
                    "supportedRuntime",
                    ""
                ),
                row(
                    "dotnet.switch",
                    "Switch.System.Net.DontEnableSchUseStrongCrypto=true",
                    "Switch.System.Net.DontEnableSchUseStrongCrypto=true",
                    "AppContextSwitchOverrides",
                    "no-strong-crypto"
                ),
                row(
                    "dotnet.switch",
                    "Switch.System.Net.DontEnableSystemDefaultTlsVersions=false",
                    "Switch.System.Net.DontEnableSystemDefaultTlsVersions=false",
                    "AppContextSwitchOverrides",
                    "system-default"
                ),
            ]
        );
    }

    #[test]
    fn wcf_endpoints_and_settings_files() {
        let config = r#"<configuration><system.serviceModel><client>
<endpoint address="https://test.salesforce.com/services/Soap/c/30.0" binding="basicHttpBinding" contract="SforceService.Soap" name="Soap" />
</client></system.serviceModel><applicationSettings><Export.Properties.Settings>
<setting name="ApiBase" serializeAs="String"><value>https://acme.my.salesforce.com/services/data/v41.0</value></setting>
</Export.Properties.Settings></applicationSettings></configuration>"#;
        let found = xml("Export.exe.config", config);
        let raws: Vec<(&str, &str)> = found
            .iter()
            .map(|r| (r[2].as_str(), r[3].as_str()))
            .collect();
        assert_eq!(
            raws,
            [
                ("https://test.salesforce.com/services/Soap/c/30.0", "Soap"),
                ("30.0", "Soap"),
                (
                    "https://acme.my.salesforce.com/services/data/v41.0",
                    "ApiBase"
                ),
                ("41.0", "ApiBase"),
            ]
        );
        let settings = r#"<?xml version='1.0' encoding='utf-8'?>
<SettingsFile xmlns="http://schemas.microsoft.com/VisualStudio/2004/01/settings" CurrentProfile="(Default)" GeneratedClassNamespace="Export.Properties" GeneratedClassName="Settings">
  <Settings>
    <Setting Name="Export_sforce_SforceService" Type="(Web Service URL)" Scope="Application">
      <Value Profile="(Default)">https://login.salesforce.com/services/Soap/u/28.0</Value>
    </Setting>
  </Settings>
</SettingsFile>"#;
        let found = xml("Properties/Settings.settings", settings);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1][2], "28.0");
        assert_eq!(found[1][3], "Export_sforce_SforceService");
    }

    #[test]
    fn project_files() {
        let old = r#"<Project ToolsVersion="12.0" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup>
    <TargetFrameworkVersion>v4.5.2</TargetFrameworkVersion>
  </PropertyGroup>
</Project>"#;
        assert_eq!(
            xml("Export.csproj", old),
            [row(
                "dotnet.target_framework",
                "4.5.2",
                "4.5.2",
                "TargetFrameworkVersion",
                ""
            )]
        );
        let sdk = r#"<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFrameworks>net462; netstandard2.0;net48;net6.0-windows</TargetFrameworks>
    <TargetFramework>net35</TargetFramework>
  </PropertyGroup>
</Project>"#;
        let found = xml("Sync.vbproj", sdk);
        let got: Vec<(&str, &str)> = found
            .iter()
            .map(|r| (r[1].as_str(), r[2].as_str()))
            .collect();
        assert_eq!(
            got,
            [("4.6.2", "net462"), ("4.8", "net48"), ("3.5", "net35")]
        );
    }

    #[test]
    fn csharp_security_protocol() {
        let text = r#"using System.Net;
// ServicePointManager.SecurityProtocol = SecurityProtocolType.Ssl3;
/* ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls; */
class Program {
    static string Login = "https://login.salesforce.com/services/Soap/u/29.0"; // é
    static void Main() {
        Console.WriteLine("SecurityProtocol = SecurityProtocolType.Tls");
        ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls | SecurityProtocolType.Tls11;
        System.Net.ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls12;
        ServicePointManager.SecurityProtocol &= ~SecurityProtocolType.Ssl3;
        ServicePointManager.SecurityProtocol = (SecurityProtocolType)3072 | (SecurityProtocolType)768;
        ServicePointManager.SecurityProtocol = SecurityProtocolType.SystemDefault;
        if (ServicePointManager.SecurityProtocol == SecurityProtocolType.Tls) { }
        var stream = new SslStream(inner);
        stream.AuthenticateAsClient(host, null, SslProtocols.Default, false);
    }
}
"#;
        assert_eq!(
            run("Program.cs", text, extract_csharp),
            [
                row(
                    "endpoint.url",
                    "https://login.salesforce.com/services/Soap/u/29.0",
                    "https://login.salesforce.com/services/Soap/u/29.0",
                    "",
                    ""
                ),
                row("salesforce.api_version", "29.0", "29.0", "endpoint-url", ""),
                tls("TLSv1", "Tls", "force"),
                tls("TLSv1.1", "Tls11", "force"),
                tls("TLSv1.2", "Tls12", "enable"),
                tls("SSLv3", "Ssl3", "disable"),
                tls("TLSv1.2", "3072", "force"),
                tls("TLSv1.1", "768", "force"),
                row(
                    "tls.protocol",
                    "TLSv1",
                    "Default",
                    "SslProtocols.Default",
                    "force"
                ),
            ]
        );
    }

    #[test]
    fn powershell_security_protocol() {
        let text = "# [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls\r\n<# [Net.ServicePointManager]::SecurityProtocol = 'Ssl3'\r\n#>\r\n[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12\r\n[System.Net.ServicePointManager]::SecurityProtocol = [System.Net.SecurityProtocolType]'Tls11, Tls12'\r\n[Net.ServicePointManager]::SecurityProtocol = 3072\r\n$x = \"#notacomment\"; [Net.ServicePointManager]::SecurityProtocol = `\r\n    [Net.SecurityProtocolType]::Tls\r\n";
        assert_eq!(
            run("deploy/tls.ps1", text, extract_powershell),
            [
                tls("TLSv1.2", "Tls12", "enable"),
                tls("TLSv1.1", "Tls11", "force"),
                tls("TLSv1.2", "Tls12", "force"),
                tls("TLSv1.2", "3072", "force"),
                tls("TLSv1", "Tls", "force"),
            ]
        );
    }

    #[test]
    fn registry_values() {
        let reg = "Windows Registry Editor Version 5.00\r\n\r\n; strong crypto for the export job\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\r\n\"SchUseStrongCrypto\"=dword:00000001\r\n\"SystemDefaultTlsVersions\"=dword:00000000\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319]\r\n;\"SchUseStrongCrypto\"=dword:00000000\r\n\"SchUseStrongCrypto\"=dword:00000001\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Other]\r\n\"SchUseStrongCrypto\"=dword:00000001\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727]\r\n\"SchUseStrongCrypto\"=dword:00000001\r\n";
        assert_eq!(
            run("tls.reg", reg, extract_registry_file),
            [
                row(
                    "dotnet.switch",
                    "SchUseStrongCrypto=1",
                    "00000001",
                    "registry",
                    "strong-crypto"
                ),
                row(
                    "dotnet.switch",
                    "SystemDefaultTlsVersions=0",
                    "00000000",
                    "registry",
                    "no-system-default"
                ),
                row(
                    "dotnet.switch",
                    "SchUseStrongCrypto=1",
                    "00000001",
                    "registry",
                    "strong-crypto"
                ),
            ]
        );
        let ps = "$key = 'HKLM:\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319'\n# Set-ItemProperty -Path $key -Name SchUseStrongCrypto -Value 0\nSet-ItemProperty -Path $key -Name 'SchUseStrongCrypto' -Value '1' -Type DWord\nNew-ItemProperty -Path 'HKLM:\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319' -Name SystemDefaultTlsVersions -Value 1 -PropertyType DWORD -Force | Out-Null\nSet-ItemProperty 'HKLM:\\SYSTEM\\Other' SchUseStrongCrypto 1\nreg add \"HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727\" /v SchUseStrongCrypto /t REG_DWORD /d 0x1 /f\n";
        let launcher = "# & java -cp dataloader-38.0.1-uber.jar\n& \"$env:JAVA_HOME\\bin\\java\" -cp 'C:\\dl\\dataloader-45.0.0.jar' com.salesforce.dataloader.process.ProcessRunner\n";
        let found = run("run-dl.ps1", launcher, extract_powershell);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0][0].as_str(), found[0][2].as_str()),
            ("connector.version", "45.0.0")
        );
        let found = run("harden.ps1", ps, extract_powershell);
        let got: Vec<(&str, &str)> = found
            .iter()
            .map(|r| (r[1].as_str(), r[2].as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("SchUseStrongCrypto=1", "1"),
                ("SystemDefaultTlsVersions=1", "1"),
                ("SchUseStrongCrypto=1", "0x1"),
            ]
        );
        let batch = "@echo off\r\nREM reg add \"HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319\" /v SchUseStrongCrypto /t REG_DWORD /d 0 /f\r\nreg add \"HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319\" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f\r\n";
        let source = SourceFile::new("harden.cmd", batch);
        let mut out = Extraction::default();
        batch_registry_commands(&source, &mut out);
        let found = facts_of(&source, &out);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0][1], "SchUseStrongCrypto=1");
        assert_eq!(
            out.facts[0].attr("key"),
            Some("HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319")
        );
    }

    #[test]
    fn numbers_decompose_into_protocols() {
        assert_eq!(protocols_of_number(3840), ["TLSv1.1", "TLSv1.2"]);
        assert_eq!(protocols_of_number(48), ["SSLv3"]);
        assert!(protocols_of_number(0).is_empty());
        assert!(protocols_of_number(3073).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_code_never_panics_and_spans_stay_valid(
            head in proptest::sample::select(vec![
                "", "ServicePointManager.SecurityProtocol =", "[Net.ServicePointManager]::SecurityProtocol = ",
                "SslProtocols.", "reg add HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319 /v SchUseStrongCrypto /d ",
                "Set-ItemProperty -Name SchUseStrongCrypto -Value ", "@\"", "<#", "/*", "\"\"\"",
            ]),
            body in "[a-zA-Z0-9=: |~\\\\\t\r\n#!.,$'\"{}()\\[\\]<>@/*;`é\u{3000}-]{0,80}",
        ) {
            let text = format!("{head}{body}");
            for extract in [extract_csharp, extract_powershell, extract_registry_file] {
                let source = SourceFile::new("fuzz", text.as_str());
                proptest::prop_assert!(extract(&source).spans_are_valid(&text));
            }
        }
    }
}
