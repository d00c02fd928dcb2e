//! XML files: parsed once, then read by the dialect their root element
//! names.
//!
//! The root element's name is sniffed before parsing (past the XML
//! declaration, comments and the DOCTYPE), so an `.xml` file of a dialect
//! connlint does not read is neither parsed nor reported as malformed. A
//! known dialect is parsed with roxmltree (DTDs allowed: Data Loader and
//! Spring files carry one) and handed to its reader:
//!
//! | root | reader |
//! |---|---|
//! | `project` (Maven namespace, `pom.xml`, `*.pom`) | [`maven`] |
//! | `mule`, `mule-domain` | [`mule`] |
//! | `mule-project` (Anypoint Studio) | [`mule::extract_project`] |
//! | `Server` (Tomcat `server.xml`) | [`tomcat`] |
//!
//! Malformed XML of a known dialect becomes one problem at the position the
//! parser stopped. Values are decoded (`&amp;` is `&`), and every span
//! covers the raw text the value was decoded from.

use std::ops::Range;
use std::sync::Arc;

use roxmltree::{Document, Node, ParsingOptions, TextPos};

use crate::extract::{dotnet, java, maven, mule, salesforce, secrets, tomcat};
use crate::facts::{Extraction, Fact, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// Extracts the facts of an XML file.
pub fn extract(source: &SourceFile) -> Extraction {
    let mut out = Extraction::default();
    let text = &*source.text;
    let Some(dialect) = root_name(text).and_then(dialect) else {
        return out;
    };
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let document = match Document::parse_with_options(text, options) {
        Ok(document) => document,
        Err(error) => {
            out.problems.push(Problem::at(
                &source.path,
                error_span(text, error.pos()),
                format!("malformed XML: {error}"),
            ));
            return out;
        }
    };
    let root = document.root_element();
    match dialect {
        Dialect::Maven => {
            if maven::is_pom(root, source.file_name()) {
                maven::extract(root, source, &mut out);
            } else {
                // An Ant build.xml (Salesforce Migration Tool) has a `project` root too.
                salesforce::extract_xml(&document, source, &mut out);
            }
        }
        Dialect::SalesforceOrDotnet => {
            let _recognised = salesforce::extract_xml(&document, source, &mut out)
                || dotnet::extract_xml(&document, source, &mut out);
        }
        Dialect::Mule => mule::extract(root, source, &mut out),
        Dialect::MuleProject => mule::extract_project(root, source, &mut out),
        Dialect::Tomcat => tomcat::extract(root, source, &mut out),
    }
    out
}

/// The XML dialects connlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    Maven,
    Mule,
    MuleProject,
    Tomcat,
    /// A metadata `Package`, a .NET
    /// `configuration`, a WSDL `definitions` under another file name.
    SalesforceOrDotnet,
}

/// The dialect of a document from its root element's qualified name.
fn dialect(root: &str) -> Option<Dialect> {
    let local = root.rsplit(':').next().unwrap_or(root);
    match local {
        // Ant's build.xml has a `project` root too: `maven::is_pom` decides.
        "project" => Some(Dialect::Maven),
        "mule" | "mule-domain" => Some(Dialect::Mule),
        "mule-project" => Some(Dialect::MuleProject),
        "Server" => Some(Dialect::Tomcat),
        // Well-known names (`process-conf.xml`, `package.xml`, `*-meta.xml`,
        // `web.config`, `*.csproj`) are classified as Salesforce or .NET
        // XML directly; these roots catch the same documents renamed.
        "Package" | "configuration" | "definitions" => Some(Dialect::SalesforceOrDotnet),
        _ => None,
    }
}

/// The qualified name of the root element, read without parsing: past the
/// XML declaration, processing instructions, comments and the DOCTYPE
/// (whose internal subset may hold `>`).
fn root_name(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = skip_declaration(after)?;
        } else {
            let after = rest.strip_prefix('<')?;
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            return (end > 0).then(|| &after[..end]);
        }
    }
}

/// The text after a `<!DOCTYPE ...>` (its `<!` already consumed).
fn skip_declaration(after: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (i, c) in after.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '>' if depth == 0 => return Some(&after[i + 1..]),
            _ => {}
        }
    }
    None
}

/// The span of the char at a parser position (1-based row, column in
/// chars), or an empty span at the end of the text.
fn error_span(text: &str, position: TextPos) -> Span {
    let mut start = 0;
    for _ in 1..position.row {
        match text[start..].find('\n') {
            Some(newline) => start += newline + 1,
            None => return Span::new(text.len(), text.len()),
        }
    }
    let column = usize::try_from(position.col)
        .unwrap_or(usize::MAX)
        .saturating_sub(1);
    let at = text[start..]
        .char_indices()
        .nth(column)
        .map_or(text.len(), |(i, _)| start + i);
    let end = match text[at..].chars().next() {
        Some(c) if c != '\n' && c != '\r' => at + c.len_utf8(),
        _ => at,
    };
    Span::new(at, end)
}

// ---------------------------------------------------------------------------
// Helpers for the dialect readers.

/// An attribute value or an element's text: decoded as the parser gives
/// it, and located in the raw text it was decoded from.
#[derive(Clone, Debug)]
pub(crate) struct XmlValue<'a> {
    /// The decoded value.
    pub(crate) text: &'a str,
    /// The raw span of the whole trimmed value; the span of any part of it
    /// when the decoding cannot be replayed.
    whole: Option<Span>,
    /// The raw bytes of each decoded char, by its offset in `text`, when
    /// replaying the decoding reproduced `text` (it cannot for entities
    /// declared in a DTD).
    units: Option<Units>,
}

/// Decoded chars by offset, each with the raw bytes it was decoded from.
type Units = Vec<(usize, Range<usize>)>;

/// How the parser decoded a raw value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decoding {
    /// Attribute values: line breaks and tabs become spaces.
    Attribute,
    /// Text: `\r\n` becomes `\n`; CDATA sections are literal.
    Text,
}

impl<'a> XmlValue<'a> {
    /// The value of `node`'s attribute `name` (without namespace).
    pub(crate) fn attribute(node: Node<'a, '_>, name: &str) -> Option<Self> {
        let attribute = node.attribute_node(name)?;
        let input = node.document().input_text();
        Some(Self::new(
            input,
            attribute.value(),
            attribute.range_value(),
            Decoding::Attribute,
        ))
    }

    /// The first text of `node` that is not blank (comments before it are
    /// skipped).
    pub(crate) fn text(node: Node<'a, '_>) -> Option<Self> {
        let child = node
            .children()
            .find(|child| child.is_text() && child.text().is_some_and(|t| !t.trim().is_empty()))?;
        let input = node.document().input_text();
        Some(Self::new(
            input,
            child.text()?,
            child.range(),
            Decoding::Text,
        ))
    }

    fn new(input: &str, text: &'a str, raw: Range<usize>, decoding: Decoding) -> Self {
        let units = replay(input, raw.clone(), decoding).and_then(|(decoded, units)| {
            // `replay` returns `None` for references it cannot expand; a
            // mismatch means the parser decoded differently.
            (decoded == text).then_some(units)
        });
        let slice = input.get(raw.clone()).unwrap_or("");
        let lead = slice.len() - slice.trim_start().len();
        let trimmed = slice.trim();
        let whole = (!trimmed.is_empty())
            .then(|| Span::new(raw.start + lead, raw.start + lead + trimmed.len()));
        let mut value = Self { text, whole, units };
        if value.units.is_some() {
            value.whole = value.span_of(value.lead()..value.lead() + value.trimmed().len());
        }
        value
    }

    /// The decoded value without surrounding whitespace.
    pub(crate) fn trimmed(&self) -> &'a str {
        self.text.trim()
    }

    /// Where [`XmlValue::trimmed`] starts in `text`.
    pub(crate) fn lead(&self) -> usize {
        self.text.len() - self.text.trim_start().len()
    }

    /// The raw span of the trimmed value; `None` when it is empty.
    pub(crate) fn span(&self) -> Option<Span> {
        self.whole
    }

    /// The raw span of the decoded bytes `range` of `text`; `None` when the
    /// range holds no char.
    pub(crate) fn span_of(&self, range: Range<usize>) -> Option<Span> {
        let Some(units) = &self.units else {
            return if range.is_empty() { None } else { self.whole };
        };
        let mut inside = units
            .iter()
            .filter(|(at, _)| *at >= range.start && *at < range.end);
        let first = inside.next()?;
        let last = inside.next_back().unwrap_or(first);
        Some(Span::new(first.1.start, last.1.end))
    }

    /// Whether the value is (or holds) a property placeholder or an
    /// expression rather than a literal: `${...}`, Mule's `#[...]`,
    /// Spring's `#{...}`.
    pub(crate) fn is_dynamic(&self) -> bool {
        ["${", "#[", "#{"]
            .iter()
            .any(|marker| self.text.contains(marker))
    }
}

/// Decodes a raw value the way the parser does, recording the raw bytes of
/// each decoded char. `None` for a reference it cannot expand.
fn replay(input: &str, raw: Range<usize>, decoding: Decoding) -> Option<(String, Units)> {
    let slice = input.get(raw.clone())?;
    let mut text = String::with_capacity(slice.len());
    let mut units = Vec::with_capacity(slice.len());
    let mut i = 0;
    while i < slice.len() {
        let rest = &slice[i..];
        let at = raw.start + i;
        if decoding == Decoding::Text
            && let Some(body) = rest.strip_prefix("<![CDATA[")
        {
            let end = body.find("]]>")?;
            for (j, c) in body[..end].char_indices() {
                let start = at + 9 + j;
                units.push((text.len(), start..start + c.len_utf8()));
                text.push(c);
            }
            i += 9 + end + 3;
            continue;
        }
        let c = rest.chars().next()?;
        let (decoded, len) = match c {
            '&' => {
                let end = rest.find(';')?;
                (reference(&rest[1..end])?, end + 1)
            }
            '\r' => {
                let len = if rest[1..].starts_with('\n') { 2 } else { 1 };
                let c = if decoding == Decoding::Attribute {
                    ' '
                } else {
                    '\n'
                };
                (c, len)
            }
            '\n' | '\t' if decoding == Decoding::Attribute => (' ', 1),
            c => (c, c.len_utf8()),
        };
        units.push((text.len(), at..at + len));
        text.push(decoded);
        i += len;
    }
    Some((text, units))
}

/// The char a predefined or numeric reference stands for.
fn reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// The first child element of `node` with local name `name`.
pub(crate) fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|child| child.is_element() && child.tag_name().name() == name)
}

/// The raw span of `node`'s tag name as written (`tls:context`): where a
/// fact that an element is present points.
pub(crate) fn tag_span(node: Node<'_, '_>) -> Span {
    let input = node.document().input_text();
    let start = node.range().start + 1;
    let rest = input.get(start..).unwrap_or("");
    let len = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    Span::new(start, start + len)
}

/// The tag name as written (`tls:key-store`).
pub(crate) fn tag_text<'input>(node: Node<'_, 'input>) -> &'input str {
    let input = node.document().input_text();
    input.get(tag_span(node).range()).unwrap_or("")
}

/// A fact from a clue found in `value.text`.
pub(crate) fn clue_fact(clue: java::Clue, value: &XmlValue, path: &Arc<str>) -> Option<Fact> {
    let span = value.span_of(clue.range.clone())?;
    let mut fact = Fact::new(clue.kind, clue.value, path, span);
    for (key, attribute) in clue.attributes {
        fact.attributes.insert(key, attribute);
    }
    Some(fact)
}

/// `secret` facts for `node`'s attributes that hold a literal secret
/// (`password="..."`, `keyPassword`, `securityToken`); placeholders,
/// expressions and Mule's encrypted `![...]` values are not secrets.
/// Namespaced attributes (`doc:name`) are documentation.
pub(crate) fn secret_attributes(node: Node<'_, '_>, path: &Arc<str>, out: &mut Extraction) {
    for attribute in node.attributes() {
        if attribute.namespace().is_some() || !secrets::is_secret_name(attribute.name()) {
            continue;
        }
        let Some(value) = XmlValue::attribute(node, attribute.name()) else {
            continue;
        };
        if value.is_dynamic() || secrets::is_placeholder(value.text) {
            continue;
        }
        if let Some(span) = value.span() {
            let setting = format!("{} {}", tag_text(node), attribute.name());
            out.facts.push(Fact::secret(path, span, setting));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(text: &str, attribute: Option<&str>) -> (String, Option<String>, Vec<String>) {
        let options = ParsingOptions {
            allow_dtd: true,
            ..ParsingOptions::default()
        };
        let document = Document::parse_with_options(text, options).unwrap();
        let node = document
            .descendants()
            .find(|n| n.has_tag_name("v"))
            .unwrap();
        let value = match attribute {
            Some(name) => XmlValue::attribute(node, name).unwrap(),
            None => XmlValue::text(node).unwrap(),
        };
        let whole = value.span().map(|s| text[s.range()].to_owned());
        let items = crate::extract::tls::list_items(value.text)
            .into_iter()
            .map(|item| text[value.span_of(item).unwrap().range()].to_owned())
            .collect();
        (value.text.to_owned(), whole, items)
    }

    #[test]
    fn entities_are_decoded_and_spans_stay_raw() {
        let (text, whole, items) =
            value_of("<r><v a=\"TLSv1.2,&#x20;TLS&#118;1.3\"/></r>", Some("a"));
        assert_eq!(text, "TLSv1.2, TLSv1.3");
        assert_eq!(whole.as_deref(), Some("TLSv1.2,&#x20;TLS&#118;1.3"));
        assert_eq!(items, ["TLSv1.2", "TLS&#118;1.3"]);
        let (text, whole, _) = value_of("<r><v>R&amp;D </v></r>", None);
        assert_eq!(text, "R&D ");
        assert_eq!(whole.as_deref(), Some("R&amp;D"));
    }

    #[test]
    fn line_breaks_in_attributes_and_text() {
        let (text, _, items) = value_of("<r><v a=\"TLSv1,\r\n  TLSv1.2\"/></r>", Some("a"));
        assert_eq!(text, "TLSv1,   TLSv1.2");
        assert_eq!(items, ["TLSv1", "TLSv1.2"]);
        let (text, whole, items) = value_of("<r><v>\r\n  1.8\r\n</v></r>", None);
        assert_eq!(text, "\n  1.8\n");
        assert_eq!(whole.as_deref(), Some("1.8"));
        assert_eq!(items, ["1.8"]);
    }

    #[test]
    fn cdata_comments_and_dtd_entities() {
        let (text, whole, _) = value_of("<r><v><!-- é --><![CDATA[4.4.0]]></v></r>", None);
        assert_eq!(text, "4.4.0");
        assert_eq!(whole.as_deref(), Some("4.4.0"));
        // An entity declared in the DTD: the text is read where it is
        // declared, and an attribute using it is located as a whole.
        let doc = "<!DOCTYPE r [<!ENTITY ver \"1.7\">]><r><v a=\"&ver;\">&ver;</v></r>";
        let (text, whole, _) = value_of(doc, None);
        assert_eq!((text.as_str(), whole.as_deref()), ("1.7", Some("1.7")));
        let (text, whole, items) = value_of(doc, Some("a"));
        assert_eq!(text, "1.7");
        assert_eq!(whole.as_deref(), Some("&ver;"));
        assert_eq!(items, ["&ver;"]);
    }

    #[test]
    fn root_names_are_sniffed_past_prologs() {
        assert_eq!(root_name("<project>"), Some("project"));
        assert_eq!(
            root_name(
                "<?xml version=\"1.0\"?>\n<!-- <mule> -->\n<!DOCTYPE Server [<!ENTITY a \">\">]>\n<Server port=\"8005\">"
            ),
            Some("Server")
        );
        assert_eq!(
            root_name("<mule:mule xmlns:mule=\"x\"/>"),
            Some("mule:mule")
        );
        assert_eq!(root_name("plain text"), None);
        assert_eq!(root_name("<!-- unterminated"), None);
        assert_eq!(root_name(""), None);
        assert_eq!(dialect("Package"), Some(Dialect::SalesforceOrDotnet));
        assert_eq!(dialect("beans"), None);
        assert_eq!(dialect("catalog"), None);
    }

    #[test]
    fn malformed_known_dialects_are_problems_unknown_ones_are_quiet() {
        let text = "<?xml version=\"1.0\"?>\n<mule>\n  <tls:context é=\"1\">\n</mule>\n";
        let source = SourceFile::new("src/main/mule/app.xml", text);
        let extraction = extract(&source);
        assert!(extraction.facts.is_empty());
        assert_eq!(extraction.problems.len(), 1);
        let problem = &extraction.problems[0];
        assert!(problem.message.starts_with("malformed XML"), "{problem:?}");
        let span = problem.span.unwrap();
        assert!(span.start as usize > text.find("<tls").unwrap());
        assert!(extraction.spans_are_valid(text));
        let source = SourceFile::new("layout.xml", "<LinearLayout><oops></LinearLayout>");
        let extraction = extract(&source);
        assert!(extraction.facts.is_empty() && extraction.problems.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_documents_never_panic_and_spans_stay_valid(
            head in proptest::sample::select(vec![
                "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><properties><v>",
                "<mule xmlns:tls=\"http://www.mulesoft.org/schema/mule/tls\"><tls:context enabledProtocols=\"",
                "<Server><Connector sslEnabledProtocols=\"",
                "<mule-project runtimeId=\"",
                "<!DOCTYPE mule [<!ENTITY e \"TLSv1\">]><mule xmlns:anaplan=\"http://www.mulesoft.org/schema/mule/anaplan\"><anaplan:config username=\"",
            ]),
            body in "[a-zA-Z0-9=:/ \t\r\n#!.,${}<>&;\"'+é\u{3000}_-]{0,60}",
            tail in proptest::sample::select(vec!["", "\"/>", "</v></properties></project>", "\"/></mule>", "\"></Connector></Server>"]),
        ) {
            let text = format!("{head}{body}{tail}");
            let source = SourceFile::new("pom.xml", text.as_str());
            let extraction = extract(&source);
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }

    #[test]
    fn error_positions_become_byte_spans() {
        let text = "<a>\r\n  é<</a>";
        let span = error_span(text, TextPos::new(2, 4));
        assert_eq!(&text[span.range()], "<");
        let span = error_span(text, TextPos::new(9, 1));
        assert!(span.is_empty());
    }
}
