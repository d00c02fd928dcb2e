//! Fatal errors: a broken rule pack or configuration file. Each one points
//! at the offending span of the file with a miette label; the CLI exits 2.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

use crate::span::Span;

/// What is wrong with a rule pack or config file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file is not valid TOML, or does not fit the format.
    Syntax,
    /// A fact kind no extractor produces.
    UnknownFact,
    /// A version constraint that does not parse.
    BadConstraint,
    /// A regular expression that does not compile.
    BadRegex,
    /// No check, or more than one.
    BadCheck,
    /// A date that is not YYYY-MM-DD.
    BadDate,
    /// A message placeholder that does not exist.
    BadTemplate,
    /// Two rules with one id, or an id outside its pack.
    BadId,
    /// A glob that does not parse.
    BadGlob,
    /// An unknown rule, pack or extractor name in a config file.
    UnknownName,
    /// A file that cannot be read.
    Io,
}

impl ErrorKind {
    fn code(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "connlint::file::syntax",
            ErrorKind::UnknownFact => "connlint::rule_file::unknown_fact",
            ErrorKind::BadConstraint => "connlint::rule_file::bad_constraint",
            ErrorKind::BadRegex => "connlint::rule_file::bad_regex",
            ErrorKind::BadCheck => "connlint::rule_file::bad_check",
            ErrorKind::BadDate => "connlint::file::bad_date",
            ErrorKind::BadTemplate => "connlint::rule_file::bad_template",
            ErrorKind::BadId => "connlint::rule_file::bad_id",
            ErrorKind::BadGlob => "connlint::file::bad_glob",
            ErrorKind::UnknownName => "connlint::config::unknown_name",
            ErrorKind::Io => "connlint::file::io",
        }
    }
}

/// An error in a rule pack or a `.connlint.toml`, with the file's text so
/// it renders over the offending span.
#[derive(Debug)]
pub struct FileError {
    /// What kind of error.
    pub kind: ErrorKind,
    /// What is wrong.
    pub message: String,
    /// Label text at the span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Where (none for whole-file errors).
    pub span: Option<Span>,
    source: Box<NamedSource<String>>,
}

impl FileError {
    /// An error at `span` of the file `name` whose text is `text`.
    pub fn new(
        kind: ErrorKind,
        name: &str,
        text: &str,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            label: "here".to_owned(),
            help: None,
            span,
            source: Box::new(NamedSource::new(name, text.to_owned()).with_language("toml")),
        }
    }

    /// With a label text.
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// With a help text.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The file's name.
    pub fn file_name(&self) -> &str {
        self.source.name()
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source.name(), self.message)
    }
}

impl std::error::Error for FileError {}

impl Diagnostic for FileError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.span
            .is_some()
            .then_some(self.source.as_ref() as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.clone()),
            span,
        ))))
    }
}

/// The span of a `toml` deserialization error, if it has one.
pub fn toml_error(name: &str, text: &str, error: &toml::de::Error) -> FileError {
    let span = error.span().map(|r| Span::new(r.start, r.end));
    FileError::new(
        ErrorKind::Syntax,
        name,
        text,
        span,
        error.message().trim().to_owned(),
    )
}
