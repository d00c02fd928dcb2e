//! Strict JSON documents (`mule-artifact.json`, `sfdx-project.json`): the
//! tools that read them reject comments and trailing commas, so connlint
//! does too, and reports where parsing stopped.

use jsonc_parser::ast::Value;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use crate::facts::Problem;
use crate::source::SourceFile;
use crate::span::Span;

/// The root value of `source` parsed as strict JSON, or the problem at the
/// byte where parsing stopped (on char boundaries).
pub fn parse_strict(source: &SourceFile) -> Result<Option<Value<'_>>, Problem> {
    let text = &*source.text;
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    match parse_to_ast(text, &CollectOptions::default(), &strict) {
        Ok(parsed) => Ok(parsed.value),
        Err(error) => {
            let range = error.range();
            let start = floor_char_boundary(text, range.start);
            let end = floor_char_boundary(text, range.end.max(range.start)).max(start);
            Err(Problem::at(
                &source.path,
                Span::new(start, end),
                format!("malformed JSON: {}", error.kind()),
            ))
        }
    }
}

/// The largest char boundary of `text` at or before `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_trailing_commas_are_problems_with_spans() {
        for text in ["{\"a\": 1, // é\n}", "{\"a\": [1,]}", "{\"é\": 1,}"] {
            let source = SourceFile::new("x.json", text);
            let problem = parse_strict(&source).unwrap_err();
            let span = problem.span.unwrap();
            assert!(
                text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize)
            );
            assert!(
                problem.message.starts_with("malformed JSON"),
                "{}",
                problem.message
            );
        }
        assert!(
            parse_strict(&SourceFile::new("x.json", "{\"a\": 1}"))
                .unwrap()
                .is_some()
        );
    }
}
