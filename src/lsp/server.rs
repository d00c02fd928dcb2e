//! The main loop: it answers the client, keeps the document store, hands
//! analysis to the worker thread and publishes what comes back, dropping
//! results computed from a document version the editor has moved past.
//!
//! It never waits on analysis: hover and code actions are answered from the
//! diagnostics last published for the document's current version.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{self, Sender};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionOptions, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeResult, MarkupContent,
    MarkupKind, MessageType, Position, PositionEncodingKind, PublishDiagnosticsParams, Range,
    SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde_json::Value;

use super::Options;
use super::diagnostics::Item;
use super::documents::{Documents, uri_to_path};
use super::transport::{self, Incoming};
use super::worker::{self, DocSnapshot, Output, Task};

/// What the main loop waits on: the client or the worker.
pub enum Event {
    /// From the reader thread.
    Client(Incoming),
    /// From the worker thread.
    Worker(Output),
}

/// Whether the loop goes on.
pub enum Flow {
    /// Next event.
    Continue,
    /// The client said `exit` (clean after `shutdown`) or went away.
    Exit {
        /// `shutdown` came first.
        clean: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShuttingDown,
}

/// The diagnostics last published for one document.
struct Published {
    version: Option<i32>,
    items: Vec<Item>,
}

/// The server's state on the main thread.
pub struct Server {
    out: Sender<String>,
    events: Sender<Event>,
    options: Arc<Options>,
    phase: Phase,
    documents: Documents,
    published: HashMap<Uri, Published>,
    tasks: Option<Sender<Task>>,
    dynamic_watch: bool,
    /// `initialized` came: the client takes requests.
    client_ready: bool,
    /// The config and pack files to watch, from the worker.
    watch_paths: Vec<std::path::PathBuf>,
    watch_registration: Option<String>,
    next_request: i32,
}

impl Server {
    /// A server writing JSON bodies to `out`; `events` is where the worker
    /// will report.
    pub fn new(out: Sender<String>, events: Sender<Event>, options: Options) -> Self {
        Self {
            out,
            events,
            options: Arc::new(options),
            phase: Phase::Uninitialized,
            documents: Documents::default(),
            published: HashMap::new(),
            tasks: None,
            dynamic_watch: false,
            client_ready: false,
            watch_paths: Vec::new(),
            watch_registration: None,
            next_request: 1,
        }
    }

    /// Handles one event.
    pub fn handle(&mut self, event: Event) -> Flow {
        match event {
            Event::Client(Incoming::Message(Message::Request(request))) => {
                self.on_request(request);
                Flow::Continue
            }
            Event::Client(Incoming::Message(Message::Notification(notification))) => {
                self.on_notification(notification)
            }
            // Answers to our own requests (registrations): nothing to do.
            Event::Client(Incoming::Message(Message::Response(_))) => Flow::Continue,
            Event::Client(Incoming::Malformed {
                reason,
                parse_error,
                id,
            }) => {
                self.log(MessageType::WARNING, &format!("bad message: {reason}"));
                let (code, text) = if parse_error {
                    (ErrorCode::ParseError, "parse error")
                } else {
                    (ErrorCode::InvalidRequest, "invalid request")
                };
                let message = format!("{text}: {reason}");
                match id {
                    Some(id) => self.respond(Response::new_err(id, code as i32, message)),
                    None => {
                        let _ = self
                            .out
                            .send(transport::error_without_id(code as i32, &message));
                    }
                }
                Flow::Continue
            }
            Event::Client(Incoming::Closed(_)) => Flow::Exit { clean: false },
            Event::Worker(output) => {
                self.on_worker(output);
                Flow::Continue
            }
        }
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        match (self.phase, request.method.as_str()) {
            (Phase::Uninitialized, "initialize") => self.initialize(request),
            (Phase::Uninitialized, _) => self.respond(Response::new_err(
                id,
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized".to_owned(),
            )),
            (Phase::ShuttingDown, _) | (Phase::Running, "initialize") => {
                self.respond(Response::new_err(
                    id,
                    ErrorCode::InvalidRequest as i32,
                    format!("unexpected `{}`", request.method),
                ));
            }
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShuttingDown;
                self.respond(Response::new_ok(id, Value::Null));
            }
            (Phase::Running, "textDocument/hover") => {
                match serde_json::from_value::<HoverParams>(request.params) {
                    Ok(params) => {
                        let hover = self.hover(&params);
                        self.respond(Response::new_ok(id, hover));
                    }
                    Err(error) => self.invalid_params(id, &error),
                }
            }
            (Phase::Running, "textDocument/codeAction") => {
                match serde_json::from_value::<CodeActionParams>(request.params) {
                    Ok(params) => {
                        let actions = self.code_actions(&params);
                        self.respond(Response::new_ok(id, actions));
                    }
                    Err(error) => self.invalid_params(id, &error),
                }
            }
            (Phase::Running, method) => {
                let message = format!("connlint does not handle `{method}`");
                self.respond(Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    message,
                ));
            }
        }
    }

    fn on_notification(&mut self, notification: Notification) -> Flow {
        let method = notification.method.as_str();
        if method == "exit" {
            return Flow::Exit {
                clean: self.phase == Phase::ShuttingDown,
            };
        }
        if self.phase != Phase::Running {
            return Flow::Continue;
        }
        let params = notification.params;
        let result = match method {
            "initialized" => {
                self.client_ready = true;
                self.register_watchers();
                Ok(())
            }
            "textDocument/didOpen" => {
                serde_json::from_value(params).map(|p: DidOpenTextDocumentParams| {
                    let doc = p.text_document;
                    self.documents.open(doc.uri, doc.version, doc.text);
                    self.analyze(Vec::new());
                })
            }
            "textDocument/didChange" => {
                serde_json::from_value(params).map(|p: DidChangeTextDocumentParams| {
                    let doc = p.text_document;
                    if self
                        .documents
                        .change(&doc.uri, doc.version, p.content_changes)
                    {
                        self.analyze(Vec::new());
                    }
                })
            }
            "textDocument/didSave" => {
                serde_json::from_value(params).map(|p: DidSaveTextDocumentParams| {
                    let changed = uri_to_path(&p.text_document.uri).into_iter().collect();
                    self.analyze(changed);
                })
            }
            "textDocument/didClose" => {
                serde_json::from_value(params).map(|p: DidCloseTextDocumentParams| {
                    let uri = p.text_document.uri;
                    if self.documents.close(&uri).is_some() {
                        // Diagnostics are for open documents: clear them.
                        self.published.remove(&uri);
                        self.notify(
                            "textDocument/publishDiagnostics",
                            PublishDiagnosticsParams::new(uri, Vec::new(), None),
                        );
                        self.analyze(Vec::new());
                    }
                })
            }
            "workspace/didChangeWatchedFiles" => {
                serde_json::from_value(params).map(|p: DidChangeWatchedFilesParams| {
                    let changed = p
                        .changes
                        .iter()
                        .filter_map(|c| uri_to_path(&c.uri))
                        .collect();
                    self.analyze(changed);
                })
            }
            // `$/cancelRequest`, `$/setTrace`, ...: nothing to do.
            _ => Ok(()),
        };
        if let Err(error) = result {
            self.log(
                MessageType::WARNING,
                &format!("ignored `{method}` with bad params: {error}"),
            );
        }
        Flow::Continue
    }

    fn initialize(&mut self, request: Request) {
        let params = &request.params;
        let folders: Vec<_> = params
            .get("workspaceFolders")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("uri")?.as_str()?.parse::<Uri>().ok())
            .filter_map(|uri| uri_to_path(&uri))
            .collect();
        let roots = if folders.is_empty() {
            params
                .get("rootUri")
                .and_then(Value::as_str)
                .and_then(|u| u.parse::<Uri>().ok())
                .and_then(|u| uri_to_path(&u))
                .or_else(|| {
                    params
                        .get("rootPath")
                        .and_then(Value::as_str)
                        .map(Into::into)
                })
                .into_iter()
                .collect()
        } else {
            folders
        };
        self.dynamic_watch = params
            .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let capabilities = ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
                ..CodeActionOptions::default()
            })),
            ..ServerCapabilities::default()
        };
        let result = InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "connlint".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        };
        let (tasks, receiver) = mpsc::channel();
        match worker::spawn(
            Arc::clone(&self.options),
            receiver,
            self.events.clone(),
            Event::Worker,
        ) {
            Ok(_) => {
                let _ = tasks.send(Task::Start { roots });
                self.tasks = Some(tasks);
                self.phase = Phase::Running;
                self.respond(Response::new_ok(request.id, result));
            }
            Err(error) => self.respond(Response::new_err(
                request.id,
                ErrorCode::InternalError as i32,
                format!("cannot start the analysis thread: {error}"),
            )),
        }
    }

    /// Asks the worker to bring diagnostics up to date.
    fn analyze(&self, changed: Vec<std::path::PathBuf>) {
        let docs = self
            .documents
            .iter()
            .filter_map(|doc| {
                Some(DocSnapshot {
                    uri: doc.uri.clone(),
                    path: doc.path.clone()?,
                    version: doc.version,
                    text: Arc::clone(&doc.text),
                })
            })
            .collect();
        if let Some(tasks) = &self.tasks {
            let _ = tasks.send(Task::Analyze { docs, changed });
        }
    }

    fn on_worker(&mut self, output: Output) {
        match output {
            Output::Publish {
                uri,
                version,
                items,
            } => {
                let current = self.documents.get(&uri).map(|d| d.version);
                // A result for a version the editor has moved past (or for a
                // closed document) is dropped: a newer analysis is queued.
                if current != version {
                    return;
                }
                if let Some(published) = self.published.get(&uri)
                    && published.version == version
                    && published.items == items
                {
                    return;
                }
                let diagnostics = items.iter().map(|i| i.diagnostic.clone()).collect();
                self.notify(
                    "textDocument/publishDiagnostics",
                    PublishDiagnosticsParams::new(uri.clone(), diagnostics, version),
                );
                if version.is_none() && items.is_empty() {
                    self.published.remove(&uri);
                } else {
                    self.published.insert(uri, Published { version, items });
                }
            }
            Output::Message { error, show, text } => {
                let kind = if error {
                    MessageType::ERROR
                } else {
                    MessageType::INFO
                };
                if show {
                    self.notify(
                        "window/showMessage",
                        lsp_types::ShowMessageParams {
                            typ: kind,
                            message: text.clone(),
                        },
                    );
                }
                self.log(kind, &text);
            }
            Output::Watch { paths } => {
                self.watch_paths = paths;
                self.register_watchers();
            }
        }
    }

    /// The items published for the current version of a document.
    fn current_items(&self, uri: &Uri) -> &[Item] {
        let version = self.documents.get(uri).map(|d| d.version);
        match self.published.get(uri) {
            Some(published) if version.is_some() && published.version == version => {
                &published.items
            }
            _ => &[],
        }
    }

    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let items: Vec<&Item> = self
            .current_items(&at.text_document.uri)
            .iter()
            .filter(|item| contains(item.diagnostic.range, at.position))
            .filter(|item| item.hover.is_some())
            .collect();
        let first = items.first()?;
        let value = items
            .iter()
            .filter_map(|item| item.hover.as_deref())
            .collect::<Vec<_>>()
            .join("\n---\n\n");
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(first.diagnostic.range),
        })
    }

    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let wanted = params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|kind| {
                lsp_types::CodeActionKind::QUICKFIX
                    .as_str()
                    .starts_with(kind.as_str())
            })
        });
        if !wanted {
            return Vec::new();
        }
        self.current_items(&params.text_document.uri)
            .iter()
            .filter(|item| overlaps(item.diagnostic.range, params.range))
            .filter_map(|item| item.fix.clone())
            .map(CodeActionOrCommand::CodeAction)
            .collect()
    }

    /// Watches every file of the workspace (to keep facts up to date) and
    /// the config and pack files, wherever they are.
    fn register_watchers(&mut self) {
        if !self.dynamic_watch || !self.client_ready || self.phase != Phase::Running {
            return;
        }
        let mut watchers = vec![FileSystemWatcher {
            glob_pattern: GlobPattern::String("**/*".to_owned()),
            kind: None,
        }];
        watchers.extend(self.watch_paths.iter().filter_map(|p| {
            Some(FileSystemWatcher {
                glob_pattern: GlobPattern::String(p.to_str()?.to_owned()),
                kind: None,
            })
        }));
        if let Some(old) = self.watch_registration.take() {
            self.request(
                "client/unregisterCapability",
                serde_json::json!({"unregisterations": [{"id": old, "method": "workspace/didChangeWatchedFiles"}]}),
            );
        }
        let id = format!("connlint-watch-{}", self.next_request);
        self.request(
            "client/registerCapability",
            serde_json::json!({"registrations": [{
                "id": id,
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": {"watchers": watchers},
            }]}),
        );
        self.watch_registration = Some(id);
    }

    fn respond(&self, response: Response) {
        let _ = self
            .out
            .send(transport::encode(&Message::Response(response)));
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        let params = serde_json::to_value(params).unwrap_or(Value::Null);
        let message = Message::Notification(Notification {
            method: method.to_owned(),
            params,
        });
        let _ = self.out.send(transport::encode(&message));
    }

    fn request(&mut self, method: &str, params: Value) {
        let id = RequestId::from(format!("connlint-{}", self.next_request));
        self.next_request += 1;
        let message = Message::Request(Request {
            id,
            method: method.to_owned(),
            params,
        });
        let _ = self.out.send(transport::encode(&message));
    }

    fn log(&self, kind: MessageType, text: &str) {
        self.notify(
            "window/logMessage",
            lsp_types::LogMessageParams {
                typ: kind,
                message: text.to_owned(),
            },
        );
    }

    fn invalid_params(&self, id: RequestId, error: &serde_json::Error) {
        self.respond(Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            format!("invalid params: {error}"),
        ));
    }
}

/// Whether `position` lies in `range` (ends included, so a cursor just
/// after a value still hovers it).
fn contains(range: Range, position: Position) -> bool {
    let at = (position.line, position.character);
    (range.start.line, range.start.character) <= at && at <= (range.end.line, range.end.character)
}

/// Whether two ranges share a position (touching counts).
fn overlaps(a: Range, b: Range) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}
