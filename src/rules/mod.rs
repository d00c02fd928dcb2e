//! Rules: TOML packs loaded in two stages (serde types in [`schema`], then
//! validated and compiled in [`compile`]), evaluated over the facts of a
//! whole scan in [`eval`], and tested against their own examples in
//! [`selftest`]. [`load`] puts together the rule set of a run (config,
//! built-in and user packs, selection).

pub mod compile;
pub mod eval;
pub mod load;
pub mod schema;
pub mod selftest;

pub use compile::{
    Check, CompiledPack, Condition, Filter, Rule, Scope, Target, Template, compile_pack,
};
pub use eval::{Active, EvalOptions, evaluate};

/// The built-in packs, embedded at build time: `(file name, text)`.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    (
        "rules/anaplan.toml",
        include_str!("../../rules/anaplan.toml"),
    ),
    ("rules/java.toml", include_str!("../../rules/java.toml")),
    ("rules/tls.toml", include_str!("../../rules/tls.toml")),
    (
        "rules/secrets.toml",
        include_str!("../../rules/secrets.toml"),
    ),
    (
        "rules/certificates.toml",
        include_str!("../../rules/certificates.toml"),
    ),
    ("rules/mule.toml", include_str!("../../rules/mule.toml")),
    (
        "rules/salesforce.toml",
        include_str!("../../rules/salesforce.toml"),
    ),
    ("rules/dotnet.toml", include_str!("../../rules/dotnet.toml")),
    (
        "rules/connlint.toml",
        include_str!("../../rules/connlint.toml"),
    ),
];
