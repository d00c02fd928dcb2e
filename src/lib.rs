//! connlint: a policy-as-code linter for integration configs.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`walk`]: gitignore-aware parallel walk of the scanned roots (dot-folders
//!    such as `.github/` included, `.git/` skipped, symlinks never followed out
//!    of a root).
//! 2. [`classify`]: which extractor reads a file (name, extension, shebang),
//!    or why it is skipped (binary, too large).
//! 3. [`extract`]: pure functions from a [`source::SourceFile`] to
//!    [`facts::Fact`]s with exact byte spans; malformed input becomes
//!    [`facts::Problem`]s, never errors.
//! 4. [`rules`]: TOML rule packs compiled once, evaluated over the facts of
//!    the whole scan into [`finding::Finding`]s; [`suppress`] drops the ones
//!    `connlint: ignore[...]` comments silence, and [`baseline`] the ones a
//!    baseline file already lists.
//! 5. [`report`]: one emitter per output format, writing to a `dyn Write`.
//!
//! [`scan`] runs stages 1-4; the library never prints and never exits.
//! [`lsp`] serves the same pipeline to editors (`connlint lsp`), over
//! the streams it is handed, with open buffers in place of disk content.
//!
//! Module map: [`span`] (byte spans, line index), [`source`] (decoding),
//! [`version`] (Java-aware version order), [`settings`] (`.connlint.toml`),
//! [`error`] (fatal errors with miette labels).

/// A `&'static Regex` compiled once from a literal.
macro_rules! static_regex {
    ($pattern:expr) => {{
        // The pattern is a literal, and unit tests run every one: it compiles.
        static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new($pattern).expect("literal regex compiles")
        });
        &*RE
    }};
}

pub mod baseline;
pub mod classify;
pub mod error;
pub mod extract;
pub mod facts;
pub mod finding;
pub mod fingerprint;
pub mod lsp;
pub mod references;
pub mod report;
pub mod rules;
pub mod scan;
pub mod settings;
pub mod source;
pub mod span;
pub mod suppress;
pub mod version;
pub mod walk;

pub use scan::{Scan, ScanOptions, scan};
