//! The `connlint` command. All printing happens in `cli`; the library only
//! writes to the writers it is handed.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
