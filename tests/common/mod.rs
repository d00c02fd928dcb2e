//! Helpers shared by the CLI-level test files.
#![allow(dead_code, clippy::unwrap_used)]

use std::process::Command;

use assert_cmd::cargo::cargo_bin;
use tempfile::TempDir;

/// The built `connlint`, without colour, at a fixed width.
pub(crate) fn connlint() -> Command {
    let mut command = Command::new(cargo_bin("connlint"));
    command.env("NO_COLOR", "1").env("COLUMNS", "100");
    command
}

/// A temp repository from `(path, content)` pairs.
pub(crate) fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }
    dir
}
