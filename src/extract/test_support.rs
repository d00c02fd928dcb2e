//! Test helpers shared by the extractor modules' unit tests.

use crate::facts::Fact;

/// A fact as the tests compare it: kind, value, raw text under the span,
/// and `key=value` attributes joined by spaces.
pub(crate) type Row = (String, String, String, String);

/// The rows of `facts`, whose spans index `text`.
pub(crate) fn rows(facts: &[Fact], text: &str) -> Vec<Row> {
    facts
        .iter()
        .map(|fact| {
            let attributes: Vec<String> = fact
                .attributes
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            (
                fact.kind.name().to_owned(),
                fact.value.clone(),
                text[fact.span.range()].to_owned(),
                attributes.join(" "),
            )
        })
        .collect()
}

/// An expected row.
pub(crate) fn row(kind: &str, value: &str, raw: &str, attributes: &str) -> Row {
    (
        kind.to_owned(),
        value.to_owned(),
        raw.to_owned(),
        attributes.to_owned(),
    )
}
