//! The command line: argument parsing ([`args`]) and the commands ([`run`]).

mod args;
mod output;
mod run;

pub(crate) use run::run;
