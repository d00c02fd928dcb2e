//! `connlint lsp`: a language server over stdio, so editors show the same
//! findings as `connlint check`, with the same spans, while a file is
//! edited.
//!
//! Built on lsp-server and lsp-types (rust-analyzer's synchronous scaffold:
//! plain threads and channels, no async runtime, which suits a codebase
//! without async code; tower-lsp would bring tokio and is unmaintained).
//!
//! Modules, one per concern:
//! - [`transport`]: JSON-RPC framing on a reader and a writer thread; a
//!   malformed message is answered with an error, never a crash.
//! - [`server`]: the main loop (requests, notifications, publishing).
//! - [`documents`]: open buffers, incremental edits, `file:` URIs.
//! - [`worker`]: the analysis thread: workspace folders scanned once at
//!   start-up, then single files extracted again from buffers or disk
//!   ([`crate::scan::Workspace`]), rules reloaded when the config or a
//!   pack changes (the last rules that loaded stay in use meanwhile).
//! - [`position`]: byte spans to UTF-16 line/character positions.
//! - [`diagnostics`]: findings, file problems and rule-file errors as
//!   diagnostics; [`actions`]: hover (the rule explained) and the
//!   suppression quick fix.
//!
//! Like the rest of the library, this never prints: it reads and writes
//! the streams it is handed.

pub mod actions;
pub mod diagnostics;
pub mod documents;
pub mod position;
pub mod server;
pub mod transport;
pub mod worker;

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc;

use server::{Event, Flow, Server};

/// Which `.connlint.toml` applies.
#[derive(Clone, Debug, Default)]
pub enum ConfigChoice {
    /// The nearest one at or above each workspace folder.
    #[default]
    Nearest,
    /// This file, for every folder.
    File(PathBuf),
    /// None.
    Ignore,
}

/// How the server loads rules and reads files (the options of
/// `connlint check` that make sense in an editor).
#[derive(Clone, Debug)]
pub struct Options {
    /// The config file.
    pub config: ConfigChoice,
    /// Extra rule packs (files or directories).
    pub extra_packs: Vec<PathBuf>,
    /// Load the built-in packs.
    pub builtin: bool,
    /// Run only these rules, packs or tags.
    pub select: Vec<String>,
    /// Skip these rules, packs or tags.
    pub ignore: Vec<String>,
    /// "Today" for dates (`None`: the real today, at each analysis).
    pub as_of: Option<time::Date>,
    /// Size limit (`None`: the config's, else 8 MiB).
    pub max_file_size: Option<u64>,
    /// Read certificate files outside the workspace folders.
    pub allow_outside: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            config: ConfigChoice::Nearest,
            extra_packs: Vec::new(),
            builtin: true,
            select: Vec::new(),
            ignore: Vec::new(),
            as_of: None,
            max_file_size: None,
            allow_outside: false,
        }
    }
}

/// Serves the protocol on `input` / `output` until the client sends
/// `exit` or closes the input. Returns whether the exit was clean (after a
/// `shutdown` request), which decides the exit code (0 or 1).
pub fn serve(
    input: Box<dyn Read + Send>,
    output: Box<dyn Write + Send>,
    options: Options,
) -> io::Result<bool> {
    let (events, receiver) = mpsc::channel();
    let (out, writer) = transport::spawn_writer(output)?;
    transport::spawn_reader(input, events.clone(), Event::Client)?;
    let mut server = Server::new(out, events, options);
    let clean = loop {
        let Ok(event) = receiver.recv() else {
            break false;
        };
        if let Flow::Exit { clean } = server.handle(event) {
            break clean;
        }
    };
    // Dropping the server closes the writer's channel: it writes what is
    // queued (the shutdown response) and ends. The reader and worker
    // threads may be blocked on input or mid-scan; they end with the
    // process.
    drop(server);
    match writer.join() {
        Ok(result) => result.map(|()| clean),
        Err(_) => Err(io::Error::other("the LSP writer thread panicked")),
    }
}
