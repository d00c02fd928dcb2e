//! Values read from XML with roxmltree, and the raw bytes they came from.
//!
//! roxmltree decodes attribute values and text (`&amp;` becomes `&`), but a
//! fact's span must cover the raw text. [`RawValue`] keeps both: where the
//! raw text holds the decoded value verbatim, a part of the value maps to
//! its exact bytes; where an entity or character reference changed it, any
//! part maps to the whole raw value.
//!
//! The Salesforce and .NET dialects ([`super::salesforce::extract_xml`],
//! [`super::dotnet::extract_xml`]) take an already parsed document, so one
//! parse can serve every dialect. [`extract_by_name`] reads the files
//! classified by their well-known names (`FileKind::SalesforceXml`,
//! `FileKind::DotnetXml`); other `.xml` files reach the same dialects
//! through [`super::xml`], by root element.

use std::ops::Range;

use roxmltree::{Document, Node, ParsingOptions, TextPos};

use crate::extract::{dotnet, salesforce};
use crate::facts::{Extraction, Problem};
use crate::source::SourceFile;
use crate::span::Span;

/// A decoded XML value (attribute value or element text) with its raw range.
#[derive(Clone, Debug)]
pub struct RawValue<'a> {
    /// The decoded value.
    pub text: &'a str,
    /// The raw bytes it was read from (quotes excluded).
    pub range: Range<usize>,
    /// Where `text` starts inside the raw bytes, when they hold it verbatim.
    verbatim_at: Option<usize>,
}

impl<'a> RawValue<'a> {
    /// The value of attribute `name` (no namespace) of `node`.
    pub fn attribute(node: Node<'a, '_>, name: &str) -> Option<Self> {
        let attribute = node.attribute_node(name)?;
        Some(Self::new(
            attribute.value(),
            attribute.range_value(),
            node.document().input_text(),
        ))
    }

    /// The first text child of element `node` (a value such as
    /// `<version>58.0</version>`).
    pub fn text_of(node: Node<'a, '_>) -> Option<Self> {
        let child = node.children().find(Node::is_text)?;
        Some(Self::new(
            child.text()?,
            child.range(),
            node.document().input_text(),
        ))
    }

    fn new(text: &'a str, range: Range<usize>, input: &str) -> Self {
        let raw = input.get(range.clone()).unwrap_or_default();
        let verbatim_at = if raw == text {
            Some(0)
        } else if text.is_empty() {
            None
        } else {
            // CDATA sections: the raw text wraps the value in markup.
            raw.find(text)
        };
        Self {
            text,
            range,
            verbatim_at,
        }
    }

    /// The raw span of the decoded bytes `sub`: exact when the raw text
    /// holds the value verbatim, the whole raw value otherwise.
    pub fn span_of(&self, sub: Range<usize>) -> Span {
        match self.verbatim_at {
            Some(at) => Span::new(
                self.range.start + at + sub.start,
                self.range.start + at + sub.end,
            ),
            None => Span::new(self.range.start, self.range.end),
        }
    }

    /// The value without surrounding whitespace, and its bytes within
    /// [`Self::text`].
    pub fn trimmed(&self) -> (&'a str, Range<usize>) {
        let start = self.text.len() - self.text.trim_start().len();
        let trimmed = self.text.trim();
        (trimmed, start..start + trimmed.len())
    }

    /// The raw span of the trimmed value.
    pub fn trimmed_span(&self) -> Span {
        self.span_of(self.trimmed().1)
    }
}

/// Parses `source` as XML (DTDs allowed: Spring and Data Loader files
/// declare one). Malformed XML becomes a problem at the place roxmltree
/// stopped.
pub fn parse<'s>(source: &'s SourceFile, out: &mut Extraction) -> Option<Document<'s>> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    match Document::parse_with_options(&source.text, options) {
        Ok(document) => Some(document),
        Err(error) => {
            let span = span_at(source, error.pos());
            out.problems.push(Problem::at(
                &source.path,
                span,
                format!("malformed XML: {error}"),
            ));
            None
        }
    }
}

/// Reads a Salesforce or .NET XML file known by its name: one parse, then
/// the first dialect that recognises the document.
pub fn extract_by_name(source: &SourceFile) -> Extraction {
    let mut out = Extraction::default();
    if let Some(document) = parse(source, &mut out) {
        let _recognised = salesforce::extract_xml(&document, source, &mut out)
            || dotnet::extract_xml(&document, source, &mut out);
    }
    out
}

/// The one-char span at roxmltree's 1-based row and column (in chars), or
/// an empty span at the end of the text.
fn span_at(source: &SourceFile, pos: TextPos) -> Span {
    let text = &*source.text;
    let row = usize::try_from(pos.row.saturating_sub(1)).unwrap_or(usize::MAX);
    let line_start = source
        .lines
        .line_start(row)
        .map_or(text.len(), |s| s as usize);
    let column = usize::try_from(pos.col.saturating_sub(1)).unwrap_or(usize::MAX);
    let rest = text.get(line_start..).unwrap_or_default();
    let at = rest
        .char_indices()
        .take_while(|(_, c)| *c != '\n')
        .nth(column)
        .map_or_else(
            || line_start + rest.find('\n').unwrap_or(rest.len()),
            |(i, _)| line_start + i,
        );
    let len = text[at..].chars().next().map_or(0, char::len_utf8);
    Span::new(at, at + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_map_to_raw_bytes() {
        let text =
            "<a x=\"https://h/p?a=1&amp;b=2\" y='plain'><v>\n  58.0 </v><c><![CDATA[cd]]></c></a>";
        let doc = Document::parse(text).unwrap();
        let root = doc.root_element();
        let x = RawValue::attribute(root, "x").unwrap();
        assert_eq!(x.text, "https://h/p?a=1&b=2");
        // An entity changed the value: any part maps to the whole raw value.
        assert_eq!(&text[x.span_of(0..5).range()], "https://h/p?a=1&amp;b=2");
        let y = RawValue::attribute(root, "y").unwrap();
        assert_eq!(&text[y.span_of(1..3).range()], "la");
        let v = RawValue::text_of(root.first_element_child().unwrap()).unwrap();
        assert_eq!(v.trimmed().0, "58.0");
        assert_eq!(&text[v.trimmed_span().range()], "58.0");
        let c = RawValue::text_of(root.last_element_child().unwrap()).unwrap();
        assert_eq!(&text[c.span_of(0..2).range()], "cd");
    }

    #[test]
    fn malformed_xml_is_a_problem_at_the_place() {
        let source = SourceFile::new(
            "web.config",
            "<configuration>\n  <é a='1'>\n</configuration>\n",
        );
        let mut out = Extraction::default();
        assert!(parse(&source, &mut out).is_none());
        let span = out.problems[0].span.unwrap();
        assert!(out.spans_are_valid(&source.text));
        assert_eq!(source.lines.line_col(&source.text, span.start).line, 3);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_xml_never_panics_and_spans_stay_valid(
            head in proptest::sample::select(vec![
                "<beans><entry key=\"sfdc.endpoint\" value=\"",
                "<configuration><appSettings><add key=\"k\" value=\"",
                "<configuration><runtime><AppContextSwitchOverrides value=\"",
                "<Project><PropertyGroup><TargetFrameworks>",
                "<Package xmlns=\"http://soap.sforce.com/2006/04/metadata\"><version>",
                "{\"sourceApiVersion\": \"",
            ]),
            body in "[a-zA-Z0-9=:;/ .&#\"'<>\\\t\r\n!é\u{3000}-]{0,60}",
        ) {
            let text = format!("{head}https://login.salesforce.com/services/Soap/u/{body}");
            for path in ["process-conf.xml", "web.config", "x.csproj", "package.xml"] {
                let source = SourceFile::new(path, text.as_str());
                proptest::prop_assert!(extract_by_name(&source).spans_are_valid(&text));
            }
            let source = SourceFile::new("sfdx-project.json", text.as_str());
            let extraction = crate::extract::salesforce::extract_sfdx_project(&source);
            proptest::prop_assert!(extraction.spans_are_valid(&text));
        }
    }
}
