//! `fmlint server`: the Language Server Protocol over stdio.
//!
//! One main thread owns every [`Workspace`] and handles messages in order;
//! a reader and a writer thread frame JSON-RPC on stdin/stdout, and one
//! background thread scans the workspace folders at start (reported with
//! `$/progress`). Edits are debounced: `didChange` only stores the text, and
//! the document is linted once the editor has been quiet for a moment.
//! After any change every open document is re-judged (cross-file findings
//! follow unsaved edits of the articles they point at) and republished
//! when its findings changed.
//!
//! Positions are converted from our byte spans with the document's text, in
//! the negotiated encoding: UTF-8 when the client offers it, else UTF-16.
//!
//! The framing is our own rather than `lsp_server::Connection::stdio`,
//! whose reader stops at the first malformed message: a bad header or body
//! gets a JSON-RPC error response here and the session goes on.

// `lsp_types::Uri` hashes and compares by its text; clippy sees a cell
// inside it that never changes that.
#![allow(clippy::mutable_key_type)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossbeam_channel::{select, unbounded, Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde_json::{json, Value as Json};

use crate::assist;
use crate::ignore::{ignore_here, ignore_in_file, suppressible};
use crate::positions::{path_to_uri, uri_to_path, Encoding, Positions};
use crate::reach::Reach;
use crate::transport::{read_messages, write_messages, Incoming, Outgoing};
use crate::watch::{self, Watch};
use crate::workspace::{self, Workspace};
use fmlint_linter::diagnostic::{Diagnostic, Severity};
use fmlint_linter::settings::Settings;

/// How long the editor must be quiet after `didChange` before we lint.
const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(75);

/// Runs the server on stdin/stdout until `exit` or the end of input.
/// Returns the process exit code: 0 after `shutdown` then `exit`, 1 when
/// the client left without `shutdown` (as the protocol asks).
pub fn run() -> Result<u8> {
    serve(io::BufReader::new(io::stdin()), io::stdout())
}

/// Runs the server on any byte streams (tests use pipes).
pub fn serve(
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
) -> Result<u8> {
    let (in_tx, in_rx) = unbounded();
    let (out_tx, out_rx) = unbounded::<Outgoing>();
    // Not joined: after `exit` the reader stops by itself, and otherwise it
    // may be blocked on input the client never closes.
    std::thread::Builder::new()
        .name("fmlint-lsp-reader".into())
        .spawn(move || read_messages(input, &in_tx))?;
    let writer = std::thread::Builder::new()
        .name("fmlint-lsp-writer".into())
        .spawn(move || write_messages(output, &out_rx))?;
    let mut server = Server::new(out_tx);
    let code = server.main_loop(&in_rx);
    // Closing the channel ends the writer once it has written the rest.
    drop(server);
    let _ = writer.join();
    Ok(code)
}

// ---------------------------------------------------------------------------
// The server

/// An open document.
struct Document {
    /// The workspace root it belongs to, and its path there; `None` when it
    /// is not a corpus file (excluded by the globs): it gets no findings.
    place: Option<(PathBuf, Arc<Path>)>,
    text: Arc<str>,
    version: i32,
    /// What was last published, and the findings it came from (parallel).
    published: Option<Vec<lsp::Diagnostic>>,
    findings: Vec<Diagnostic>,
}

/// A corpus scan under way or done.
enum Progress {
    /// Not announced (the client cannot show progress, or is not yet
    /// initialized).
    Silent,
    Begun(lsp::ProgressToken),
}

struct Server {
    out: Sender<Outgoing>,
    state: State,
    encoding: Encoding,
    debounce: Duration,
    progress_supported: bool,
    watch_registration: bool,
    /// By canonical corpus root.
    workspaces: BTreeMap<PathBuf, Workspace>,
    /// Roots being scanned, and how their progress was announced.
    scanning: BTreeMap<PathBuf, Progress>,
    /// Paths changed on disk while their root was being scanned.
    deferred_events: Vec<PathBuf>,
    scans_tx: Sender<Scanned>,
    scans_rx: Receiver<Scanned>,
    /// Our own watches of the corpora, when the client cannot watch.
    watches: BTreeMap<PathBuf, Watch>,
    disk_tx: Sender<watch::Changes>,
    disk_rx: Receiver<watch::Changes>,
    documents: HashMap<lsp::Uri, Document>,
    /// Edited documents waiting for the editor to be quiet.
    dirty: HashSet<lsp::Uri>,
    deadline: Option<Instant>,
    next_id: i32,
    exit_code: u8,
}

/// What a background scan of a corpus root sends back: the scan, and the
/// watch started before it (when the server watches the disk itself).
struct Scanned {
    root: PathBuf,
    scan: Result<workspace::Scan>,
    watch: Option<Result<Watch, String>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Uninitialized,
    Running,
    ShuttingDown,
}

impl Server {
    fn new(out: Sender<Outgoing>) -> Self {
        let (scans_tx, scans_rx) = unbounded();
        let (disk_tx, disk_rx) = unbounded();
        Server {
            out,
            state: State::Uninitialized,
            encoding: Encoding::Utf16,
            debounce: DEFAULT_DEBOUNCE,
            progress_supported: false,
            watch_registration: false,
            workspaces: BTreeMap::new(),
            scanning: BTreeMap::new(),
            deferred_events: Vec::new(),
            scans_tx,
            scans_rx,
            watches: BTreeMap::new(),
            disk_tx,
            disk_rx,
            documents: HashMap::new(),
            dirty: HashSet::new(),
            deadline: None,
            next_id: 0,
            exit_code: 1,
        }
    }

    fn main_loop(&mut self, incoming: &Receiver<Incoming>) -> u8 {
        loop {
            let timeout = self
                .deadline
                .map(|d| d.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_secs(3600));
            select! {
                recv(incoming) -> message => {
                    let Ok(message) = message else {
                        // End of input without `exit`.
                        return 1;
                    };
                    if self.guarded(|server| server.handle(message)) == Some(true) {
                        return self.exit_code;
                    }
                }
                recv(self.scans_rx) -> scanned => {
                    if let Ok(scanned) = scanned {
                        self.guarded(|server| server.scanned(scanned));
                    }
                }
                recv(self.disk_rx) -> changes => {
                    if let Ok((root, changes)) = changes {
                        self.guarded(|server| server.disk_changed(&root, changes));
                    }
                }
                default(timeout) => {}
            }
            if self.deadline.is_some_and(|d| d <= Instant::now()) {
                self.guarded(Server::flush);
            }
        }
    }

    /// Runs `work`, surviving a panic in it (a bug in a rule must not end
    /// the editing session): the panic is logged and the server goes on.
    fn guarded<T>(&mut self, work: impl FnOnce(&mut Self) -> T) -> Option<T> {
        match fmlint_linter::isolate::catching(|| work(self)) {
            Ok(value) => Some(value),
            Err(panic) => {
                self.log(
                    lsp::MessageType::ERROR,
                    format!(
                        "fmlint: internal error (please report it): {}",
                        panic.describe()
                    ),
                );
                None
            }
        }
    }

    /// Handles one message; `true` on `exit`.
    fn handle(&mut self, incoming: Incoming) -> bool {
        let message = match incoming {
            Incoming::Message(message) => message,
            Incoming::Malformed { id, code, message } => {
                self.send_raw_error(id, code, &message);
                return false;
            }
        };
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(notification) => return self.notification(notification),
            // Answers to our requests (progress tokens, registrations): no
            // follow-up needed.
            Message::Response(_) => {}
        }
        false
    }

    fn request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        match (self.state, method.as_str()) {
            (State::Uninitialized, "initialize") => {
                let result = self.initialize(&params);
                self.respond(id, Ok(result));
                self.state = State::Running;
            }
            (State::Uninitialized, _) => {
                self.respond(
                    id,
                    Err((
                        ErrorCode::ServerNotInitialized,
                        "the server is not initialized".into(),
                    )),
                );
            }
            (_, "initialize") => {
                self.respond(
                    id,
                    Err((
                        ErrorCode::InvalidRequest,
                        "the server is already initialized".into(),
                    )),
                );
            }
            (State::ShuttingDown, _) => {
                self.respond(
                    id,
                    Err((
                        ErrorCode::InvalidRequest,
                        "the server is shutting down".into(),
                    )),
                );
            }
            (State::Running, "shutdown") => {
                self.state = State::ShuttingDown;
                self.respond(id, Ok(Json::Null));
            }
            (State::Running, "textDocument/codeAction") => {
                let result = match serde_json::from_value::<lsp::CodeActionParams>(params) {
                    Ok(params) => match self.guarded(|server| server.code_actions(&params)) {
                        Some(actions) => Ok(serde_json::to_value(actions).unwrap_or(Json::Null)),
                        None => Err((ErrorCode::InternalError, "internal error".into())),
                    },
                    Err(error) => Err((
                        ErrorCode::InvalidParams,
                        format!("invalid codeAction params: {error}"),
                    )),
                };
                self.respond(id, result);
            }
            (State::Running, "textDocument/completion") => {
                let result = self.answer(params, |server, p: lsp::CompletionParams| {
                    server.completion(&p.text_document_position)
                });
                self.respond(id, result);
            }
            (State::Running, "textDocument/hover") => {
                let result = self.answer(params, |server, p: lsp::HoverParams| {
                    server.hover(&p.text_document_position_params)
                });
                self.respond(id, result);
            }
            (State::Running, "textDocument/definition") => {
                let result = self.answer(params, |server, p: lsp::GotoDefinitionParams| {
                    server.definition(&p.text_document_position_params)
                });
                self.respond(id, result);
            }
            (State::Running, method) => {
                self.respond(
                    id,
                    Err((
                        ErrorCode::MethodNotFound,
                        format!("unknown method `{method}`"),
                    )),
                );
            }
        }
    }

    /// Parses a request's params and runs `work` on them (guarded), as a
    /// JSON result or error.
    fn answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
        &mut self,
        params: Json,
        work: impl FnOnce(&mut Self, P) -> R,
    ) -> Result<Json, (ErrorCode, String)> {
        let params = serde_json::from_value::<P>(params)
            .map_err(|error| (ErrorCode::InvalidParams, format!("invalid params: {error}")))?;
        match self.guarded(|server| work(server, params)) {
            Some(result) => Ok(serde_json::to_value(result).unwrap_or(Json::Null)),
            None => Err((ErrorCode::InternalError, "internal error".into())),
        }
    }

    /// Handles a notification; `true` on `exit`.
    fn notification(&mut self, notification: Notification) -> bool {
        let Notification { method, params } = notification;
        if method == "exit" {
            self.exit_code = if self.state == State::ShuttingDown {
                0
            } else {
                1
            };
            return true;
        }
        if self.state != State::Running {
            return false;
        }
        // Bad params of a notification cannot be answered: they are dropped.
        match method.as_str() {
            "initialized" => self.initialized(),
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(params) {
                    self.did_open(p.text_document);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(params) {
                    self.did_change(p);
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(params) {
                    self.did_save(p);
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(params) {
                    self.did_close(&p.text_document.uri);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(params) {
                    self.files_changed(&p.changes);
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                if let Ok(p) =
                    serde_json::from_value::<lsp::DidChangeWorkspaceFoldersParams>(params)
                {
                    self.folders_changed(&p.event);
                }
            }
            _ => {}
        }
        false
    }

    // -- lifecycle ----------------------------------------------------------

    /// Reads what we need of the client's `initialize` loosely (clients
    /// differ), starts scanning the folders and answers with our
    /// capabilities.
    fn initialize(&mut self, params: &Json) -> Json {
        let capabilities = &params["capabilities"];
        let offered = capabilities["general"]["positionEncodings"]
            .as_array()
            .map(|a| a.iter().filter_map(Json::as_str).collect::<Vec<_>>())
            .unwrap_or_default();
        self.encoding = if offered.contains(&"utf-8") {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        self.progress_supported =
            capabilities["window"]["workDoneProgress"].as_bool() == Some(true);
        self.watch_registration =
            capabilities["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"].as_bool()
                == Some(true);
        if let Some(ms) = params["initializationOptions"]["debounceMs"].as_u64() {
            self.debounce = Duration::from_millis(ms.min(10_000));
        }

        let mut folders: Vec<PathBuf> = params["workspaceFolders"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["uri"].as_str())
            .filter_map(|uri| uri_to_path(&lsp::Uri::from_str(uri).ok()?))
            .collect();
        if folders.is_empty() {
            if let Some(path) = params["rootUri"]
                .as_str()
                .and_then(|uri| uri_to_path(&lsp::Uri::from_str(uri).ok()?))
            {
                folders.push(path);
            } else if let Some(path) = params["rootPath"].as_str() {
                folders.push(PathBuf::from(path));
            }
        }
        for folder in folders {
            self.add_folder(&folder);
        }

        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(self.encoding.kind()),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::FULL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::SaveOptions(
                        lsp::SaveOptions {
                            include_text: Some(true),
                        },
                    )),
                    ..Default::default()
                },
            )),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                    ..Default::default()
                },
            )),
            completion_provider: Some(lsp::CompletionOptions::default()),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            workspace: Some(lsp::WorkspaceServerCapabilities {
                workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp::OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..Default::default()
        };
        let result = lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "fmlint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        serde_json::to_value(result).unwrap_or(Json::Null)
    }

    fn initialized(&mut self) {
        if self.watch_registration {
            let options = lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String("**/*.{md,mdx,markdown}".into()),
                    kind: None,
                }],
            };
            let registration = lsp::Registration {
                id: "fmlint-watch-markdown".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            self.send_request(
                "client/registerCapability",
                lsp::RegistrationParams {
                    registrations: vec![registration],
                },
            );
        }
        // Scans started before the client could show progress are announced
        // now; those already done end at once.
        let roots: Vec<PathBuf> = self.workspaces.keys().cloned().collect();
        for root in roots {
            let done = !self.scanning.contains_key(&root);
            if let Some(token) = self.begin_progress(&root) {
                if done {
                    let files = self.workspaces.get(&root).map_or(0, Workspace::len);
                    self.end_progress(token, files);
                } else {
                    self.scanning.insert(root, Progress::Begun(token));
                }
            }
        }
    }

    /// Starts serving the corpus that holds `folder`.
    fn add_folder(&mut self, folder: &Path) -> Option<PathBuf> {
        let folder = folder.canonicalize().ok()?;
        let found = fmlint_engine::root::corpus_root(
            std::slice::from_ref(&folder),
            fmlint_engine::root::working_directory().as_deref(),
        );
        let root = found.dir;
        if self.workspaces.contains_key(&root) {
            return Some(root);
        }
        self.log(
            lsp::MessageType::INFO,
            format!(
                "fmlint: corpus root {} ({})",
                root.display(),
                found.chosen_by
            ),
        );
        let settings = match settings_for(&root) {
            Ok(settings) => Arc::new(settings),
            Err(error) => {
                self.log(
                    lsp::MessageType::ERROR,
                    format!("fmlint: {}: {error:#}", root.display()),
                );
                return None;
            }
        };
        let workspace = match Workspace::new(root.clone(), settings.clone()) {
            Ok(workspace) => workspace,
            Err(error) => {
                self.log(
                    lsp::MessageType::ERROR,
                    format!("fmlint: {}: {error:#}", root.display()),
                );
                return None;
            }
        };
        self.workspaces.insert(root.clone(), workspace);
        let progress = match self.state {
            State::Running => match self.begin_progress(&root) {
                Some(token) => Progress::Begun(token),
                None => Progress::Silent,
            },
            _ => Progress::Silent,
        };
        self.scanning.insert(root.clone(), progress);
        let tx = self.scans_tx.clone();
        let disk_tx = (!self.watch_registration).then(|| self.disk_tx.clone());
        let scan_root = root.clone();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::thread::spawn(move || {
            // Watching starts first: a change during the scan is not lost
            // (it is taken in once the scan is).
            let watch = disk_tx.map(|disk_tx| watch::watch(&scan_root, disk_tx));
            let scan = workspace::scan(&scan_root, &settings, threads);
            let _ = tx.send(Scanned {
                root: scan_root,
                scan,
                watch,
            });
        });
        Some(root)
    }

    fn folders_changed(&mut self, event: &lsp::WorkspaceFoldersChangeEvent) {
        for removed in &event.removed {
            let Some(root) = uri_to_path(&removed.uri)
                .and_then(|p| p.canonicalize().ok())
                .map(|p| fmlint_engine::root::find_corpus_root(&[p]))
            else {
                continue;
            };
            let still_open = self
                .documents
                .values()
                .any(|d| d.place.as_ref().is_some_and(|(r, _)| *r == root));
            if !still_open {
                self.workspaces.remove(&root);
                self.watches.remove(&root);
            }
        }
        for added in &event.added {
            if let Some(folder) = uri_to_path(&added.uri) {
                self.add_folder(&folder);
            }
        }
    }

    fn scanned(&mut self, scanned: Scanned) {
        let Scanned { root, scan, watch } = scanned;
        let progress = self.scanning.remove(&root);
        let Some(workspace) = self.workspaces.get_mut(&root) else {
            return;
        };
        let mut errors = Vec::new();
        match watch {
            Some(Ok(watch)) => {
                self.watches.insert(root.clone(), watch);
            }
            Some(Err(error)) => errors.push(format!(
                "cannot watch {} for changes on disk: {error}",
                root.display()
            )),
            None => {}
        }
        match scan {
            Ok(scan) => {
                errors.clone_from(&scan.errors);
                workspace.load(scan);
            }
            Err(error) => errors.push(format!("cannot index {}: {error:#}", root.display())),
        }
        let files = workspace.len();
        let (deferred, others): (Vec<PathBuf>, Vec<PathBuf>) =
            std::mem::take(&mut self.deferred_events)
                .into_iter()
                .partition(|path| path.starts_with(&root));
        self.deferred_events = others;
        for path in deferred {
            workspace.changed_on_disk(&path);
        }
        for error in errors {
            self.log(lsp::MessageType::WARNING, format!("fmlint: {error}"));
        }
        if let Some(Progress::Begun(token)) = progress {
            self.end_progress(token, files);
        }
        self.republish(&HashSet::new());
    }

    fn begin_progress(&mut self, root: &Path) -> Option<lsp::ProgressToken> {
        if !self.progress_supported {
            return None;
        }
        let token = lsp::ProgressToken::String(format!("fmlint/index/{}", root.display()));
        self.send_request(
            "window/workDoneProgress/create",
            lsp::WorkDoneProgressCreateParams {
                token: token.clone(),
            },
        );
        self.progress(
            &token,
            lsp::WorkDoneProgress::Begin(lsp::WorkDoneProgressBegin {
                title: format!("fmlint: indexing {}", root.display()),
                cancellable: Some(false),
                message: Some(root.display().to_string()),
                percentage: None,
            }),
        );
        Some(token)
    }

    fn end_progress(&mut self, token: lsp::ProgressToken, files: usize) {
        self.progress(
            &token,
            lsp::WorkDoneProgress::End(lsp::WorkDoneProgressEnd {
                message: Some(format!("{files} files")),
            }),
        );
    }

    fn progress(&mut self, token: &lsp::ProgressToken, value: lsp::WorkDoneProgress) {
        self.notify(
            "$/progress",
            lsp::ProgressParams {
                token: token.clone(),
                value: lsp::ProgressParamsValue::WorkDone(value),
            },
        );
    }

    // -- documents ----------------------------------------------------------

    /// Where a document belongs: its workspace (started on demand for a
    /// file outside every folder) and its path there.
    fn place(&mut self, uri: &lsp::Uri) -> Option<(PathBuf, Arc<Path>)> {
        let path = uri_to_path(uri)?;
        let canonical = path.canonicalize().ok();
        let candidates = [Some(path.clone()), canonical.clone()];
        let find = |workspaces: &BTreeMap<PathBuf, Workspace>| {
            // The innermost root wins.
            workspaces.iter().rev().find_map(|(root, ws)| {
                candidates
                    .iter()
                    .flatten()
                    .find(|p| p.starts_with(root))
                    .map(|p| (root.clone(), ws.relative(p)))
            })
        };
        if let Some((root, relative)) = find(&self.workspaces) {
            return Some((root, relative?));
        }
        // A file outside every folder: serve the corpus around it, as
        // `fmlint check FILE` would.
        let file = canonical?;
        self.add_folder(file.parent()?)?;
        let (root, relative) = find(&self.workspaces)?;
        Some((root, relative?))
    }

    fn did_open(&mut self, item: lsp::TextDocumentItem) {
        self.flush();
        let place = self.place(&item.uri);
        let text: Arc<str> = item.text.into();
        if let Some((root, path)) = &place {
            if let Some(ws) = self.workspaces.get_mut(root) {
                ws.open(path.clone(), text.clone());
            }
        }
        self.documents.insert(
            item.uri.clone(),
            Document {
                place,
                text,
                version: item.version,
                published: None,
                findings: Vec::new(),
            },
        );
        self.republish(&HashSet::from([item.uri]));
    }

    fn did_change(&mut self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else {
            return;
        };
        // Full sync: the last change holds the whole text.
        let Some(change) = params.content_changes.into_iter().last() else {
            return;
        };
        document.text = change.text.into();
        document.version = params.text_document.version;
        self.dirty.insert(uri);
        self.deadline = Some(Instant::now() + self.debounce);
        if self.debounce.is_zero() {
            self.flush();
        }
    }

    fn did_save(&mut self, params: lsp::DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        if let (Some(text), Some(document)) = (params.text, self.documents.get_mut(&uri)) {
            document.text = text.into();
        }
        // The saved bytes may be text now (or no longer).
        if let Some(Document {
            place: Some((root, path)),
            text,
            ..
        }) = self.documents.get(&uri)
        {
            if let Some(ws) = self.workspaces.get_mut(root) {
                ws.open(path.clone(), text.clone());
            }
        }
        self.dirty.insert(uri.clone());
        self.flush_with(HashSet::from([uri]));
    }

    fn did_close(&mut self, uri: &lsp::Uri) {
        self.dirty.remove(uri);
        let Some(document) = self.documents.remove(uri) else {
            return;
        };
        if let Some((root, path)) = &document.place {
            // Another URI may name the same file (a symlink).
            let still_open = self
                .documents
                .values()
                .any(|d| d.place.as_ref() == document.place.as_ref());
            if let (false, Some(ws)) = (still_open, self.workspaces.get_mut(root)) {
                ws.close(path);
            }
        }
        self.publish(uri.clone(), Vec::new(), None);
        self.flush();
        self.republish(&HashSet::new());
    }

    fn files_changed(&mut self, events: &[lsp::FileEvent]) {
        let paths = events
            .iter()
            .filter_map(|event| uri_to_path(&event.uri))
            .map(|path| {
                // A deleted file cannot be canonicalized: use its folder.
                path.canonicalize()
                    .ok()
                    .or_else(|| Some(path.parent()?.canonicalize().ok()?.join(path.file_name()?)))
                    .unwrap_or(path)
            })
            .collect();
        self.paths_changed(paths);
    }

    /// What our own watch of `root` saw.
    fn disk_changed(&mut self, root: &Path, changes: Result<Vec<PathBuf>, String>) {
        match changes {
            Ok(paths) => self.paths_changed(paths),
            Err(error) => self.log(
                lsp::MessageType::WARNING,
                format!("fmlint: watching {}: {error}", root.display()),
            ),
        }
    }

    /// Reads again what changed on disk (absolute, canonical paths of files
    /// or folders) and republishes the open documents it affects.
    /// Paths the walk does not reach (`.gitignore`d, hidden) are left out;
    /// deleted ones are always taken (only reached files were known).
    fn paths_changed(&mut self, paths: Vec<PathBuf>) {
        let mut reaches: HashMap<PathBuf, Reach> = HashMap::new();
        for path in paths {
            // The innermost root holding it.
            let Some((root, ws)) = self
                .workspaces
                .iter_mut()
                .rev()
                .find(|(root, _)| path.starts_with(root))
            else {
                continue;
            };
            let reach = reaches
                .entry(root.clone())
                .or_insert_with(|| Reach::new(root));
            if path.exists() && !reach.reaches(&path) {
                continue;
            }
            if ws.is_indexed() {
                ws.changed_on_disk(&path);
            } else if self.scanning.contains_key(root) {
                self.deferred_events.push(path);
            }
        }
        self.republish(&HashSet::new());
    }

    /// Lints every debounced document now and republishes.
    fn flush(&mut self) {
        self.flush_with(HashSet::new());
    }

    /// Lints the dirty documents and republishes; `always` are published
    /// even when their findings did not change.
    fn flush_with(&mut self, mut always: HashSet<lsp::Uri>) {
        self.deadline = None;
        if self.dirty.is_empty() && always.is_empty() {
            return;
        }
        for uri in std::mem::take(&mut self.dirty) {
            let Some(document) = self.documents.get(&uri) else {
                continue;
            };
            if let Some((root, path)) = &document.place {
                if let Some(ws) = self.workspaces.get_mut(root) {
                    ws.set_text(path.clone(), document.text.clone());
                }
            }
            always.insert(uri);
        }
        self.republish(&always);
    }

    /// Re-judges every open document and publishes those whose findings
    /// changed, and those in `always`.
    fn republish(&mut self, always: &HashSet<lsp::Uri>) {
        let mut uris: Vec<lsp::Uri> = self.documents.keys().cloned().collect();
        uris.sort();
        // Texts of other files for related locations, read once per round.
        let mut texts: HashMap<PathBuf, Option<Arc<str>>> = HashMap::new();
        for uri in uris {
            let Some(document) = self.documents.get(&uri) else {
                continue;
            };
            if self.dirty.contains(&uri) {
                // Its text changed: it is judged after the debounce.
                continue;
            }
            let findings = document
                .place
                .as_ref()
                .and_then(|(root, path)| self.workspaces.get(root)?.diagnostics(path))
                .unwrap_or_default();
            let root = document.place.as_ref().map(|(root, _)| root.as_path());
            let positions = Positions::new(&document.text, self.encoding);
            let converted: Vec<lsp::Diagnostic> = findings
                .iter()
                .map(|d| self.to_lsp(d, &positions, root, &mut texts))
                .collect();
            let changed = document.published.as_ref() != Some(&converted);
            if !changed && !always.contains(&uri) {
                continue;
            }
            let version = Some(document.version);
            if let Some(document) = self.documents.get_mut(&uri) {
                document.published = Some(converted.clone());
                document.findings = findings;
            }
            self.publish(uri, converted, version);
        }
    }

    fn to_lsp(
        &self,
        d: &Diagnostic,
        positions: &Positions,
        root: Option<&Path>,
        texts: &mut HashMap<PathBuf, Option<Arc<str>>>,
    ) -> lsp::Diagnostic {
        let mut message = d.message.to_string();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let related: Vec<lsp::DiagnosticRelatedInformation> = d
            .related
            .iter()
            .filter_map(|related| {
                let path = match root {
                    Some(root) => root.join(&related.path),
                    None => related.path.to_path_buf(),
                };
                let range = self.range_in_file(&path, related.location, texts);
                Some(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location {
                        uri: path_to_uri(&path)?,
                        range,
                    },
                    message: related.message.to_string(),
                })
            })
            .collect();
        lsp::Diagnostic {
            range: positions.range(d.span()),
            severity: Some(match d.severity {
                Severity::Error => lsp::DiagnosticSeverity::ERROR,
                Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            }),
            code: Some(lsp::NumberOrString::String(d.rule.to_string())),
            source: Some("fmlint".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Default::default()
        }
    }

    /// A location in another file, converted with that file's text (the
    /// editor's when it is open, else the disk's).
    fn range_in_file(
        &self,
        path: &Path,
        location: fmlint_linter::diagnostic::Location,
        texts: &mut HashMap<PathBuf, Option<Arc<str>>>,
    ) -> lsp::Range {
        let text = texts.entry(path.to_path_buf()).or_insert_with(|| {
            let open = self.workspaces.iter().rev().find_map(|(root, ws)| {
                let relative = path.strip_prefix(root).ok()?;
                ws.text(relative).cloned()
            });
            open.or_else(|| std::fs::read_to_string(path).ok().map(Arc::from))
        });
        match text {
            Some(text) => Positions::new(text, self.encoding).range(location.span),
            // Unreadable: our columns count characters, close enough.
            None => {
                let at = |lc: fmlint_linter::diagnostic::LineCol| lsp::Position {
                    line: lc.line.saturating_sub(1),
                    character: lc.column.saturating_sub(1),
                };
                lsp::Range {
                    start: at(location.start),
                    end: at(location.end),
                }
            }
        }
    }

    // -- code actions -------------------------------------------------------

    fn code_actions(&mut self, params: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        if self.dirty.contains(uri) {
            // The findings must be those of the text the client sees.
            self.flush();
        }
        let Some(document) = self.documents.get(uri) else {
            return Vec::new();
        };
        let Some(published) = &document.published else {
            return Vec::new();
        };
        let positions = Positions::new(&document.text, self.encoding);
        let mut fixes = Vec::new();
        let mut ignores = Vec::new();
        for (finding, shown) in document.findings.iter().zip(published) {
            if !on_requested_lines(shown, params) {
                continue;
            }
            let edit = |edits: Vec<lsp::TextEdit>| lsp::WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            };
            if let Some(fix) = &finding.fix {
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| lsp::TextEdit {
                        range: positions.range(e.span),
                        new_text: e.replacement.clone(),
                    })
                    .collect();
                fixes.push(lsp::CodeAction {
                    title: format!("fmlint: {}", fix.message),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![shown.clone()]),
                    edit: Some(edit(edits)),
                    is_preferred: Some(
                        fix.applicability == fmlint_linter::diagnostic::Applicability::Safe,
                    ),
                    ..Default::default()
                });
            }
            if !suppressible(finding) {
                continue;
            }
            for (title, insertion) in [
                (
                    format!("fmlint: ignore {} here", finding.rule),
                    ignore_here(&document.text, finding),
                ),
                (
                    format!("fmlint: ignore {} in this file", finding.rule),
                    ignore_in_file(&document.text, finding),
                ),
            ] {
                let Some(insertion) = insertion else { continue };
                ignores.push(lsp::CodeAction {
                    title,
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![shown.clone()]),
                    edit: Some(edit(vec![lsp::TextEdit {
                        range: positions.range(insertion.span),
                        new_text: insertion.replacement,
                    }])),
                    ..Default::default()
                });
            }
        }
        fixes
            .into_iter()
            .chain(ignores)
            .map(lsp::CodeActionOrCommand::CodeAction)
            .collect()
    }

    // -- completion, hover, definition ----------------------------------------

    /// The document at `at`, its workspace and path there, and the place
    /// of the cursor in its header.
    fn assist_place(
        &self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Option<(&Document, &Workspace, &Arc<Path>, assist::Place)> {
        let document = self.documents.get(&at.text_document.uri)?;
        let (root, path) = document.place.as_ref()?;
        let ws = self.workspaces.get(root)?;
        let offset = Positions::new(&document.text, self.encoding).offset(at.position);
        let place = assist::place(&document.text, offset)?;
        Some((document, ws, path, place))
    }

    fn completion(&self, at: &lsp::TextDocumentPositionParams) -> Option<lsp::CompletionResponse> {
        let (_, ws, path, place) = self.assist_place(at)?;
        let collection = ws.settings().collection_for(path)?;
        let schema = collection
            .schema
            .as_ref()
            .map(|s| assist::Schema::new(s.document()));
        let mut items = Vec::new();
        let mut incomplete = false;
        if place.on_key {
            for (i, key) in schema
                .map(|s| s.keys(&place.parents))
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                if place.siblings.contains(&key.name) {
                    continue;
                }
                items.push(lsp::CompletionItem {
                    label: key.name.clone(),
                    kind: Some(lsp::CompletionItemKind::PROPERTY),
                    detail: Some(key_detail(&key)),
                    documentation: key.description.map(|d| {
                        lsp::Documentation::MarkupContent(lsp::MarkupContent {
                            kind: lsp::MarkupKind::Markdown,
                            value: d.to_string(),
                        })
                    }),
                    insert_text: Some(format!("{}: ", key.name)),
                    sort_text: Some(format!("{i:04}")),
                    ..Default::default()
                });
            }
        } else if let Some(target) = assist::reference_target(collection, &place) {
            let (targets, more) = assist::ids_matching(ws, target, &place.typed);
            incomplete = more;
            for (i, target) in targets.into_iter().enumerate() {
                items.push(lsp::CompletionItem {
                    label: target.id.clone(),
                    kind: Some(lsp::CompletionItemKind::REFERENCE),
                    detail: target.title.clone(),
                    documentation: Some(lsp::Documentation::String(
                        target.path.display().to_string(),
                    )),
                    filter_text: Some(format!(
                        "{} {}",
                        target.id,
                        target.title.unwrap_or_default()
                    )),
                    insert_text: Some(target.id),
                    sort_text: Some(format!("{i:04}")),
                    ..Default::default()
                });
            }
        } else if let (Some(schema), Some((key, _))) = (schema, &place.key) {
            let mut path = place.parents.clone();
            path.push(key.clone());
            for (i, value) in schema
                .key(&path)
                .map(|k| k.values)
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                items.push(lsp::CompletionItem {
                    label: value,
                    kind: Some(lsp::CompletionItemKind::ENUM_MEMBER),
                    sort_text: Some(format!("{i:04}")),
                    ..Default::default()
                });
            }
        }
        Some(lsp::CompletionResponse::List(lsp::CompletionList {
            is_incomplete: incomplete,
            items,
        }))
    }

    fn hover(&self, at: &lsp::TextDocumentPositionParams) -> Option<lsp::Hover> {
        let (document, ws, path, place) = self.assist_place(at)?;
        let collection = ws.settings().collection_for(path)?;
        let positions = Positions::new(&document.text, self.encoding);
        let span = |range: &std::ops::Range<usize>| {
            fmlint_linter::diagnostic::Span::new(range.start, range.end)
        };
        let (markdown, range) = if place.on_key {
            let (key, range) = place.key.as_ref()?;
            let schema = assist::Schema::new(collection.schema.as_ref()?.document());
            let mut path = place.parents.clone();
            path.push(key.clone());
            let doc = schema.key(&path)?;
            let mut text = format!("**{key}**: {}", key_detail(&doc));
            if let Some(description) = doc.description {
                text.push_str("\n\n");
                text.push_str(description);
            }
            (text, range)
        } else {
            let target = assist::reference_target(collection, &place)?;
            let (id, range) = place.value.as_ref()?;
            let targets = assist::targets_with_id(ws, target, id);
            if targets.is_empty() {
                (format!("no article has id {id}"), range)
            } else {
                let lines: Vec<String> = targets
                    .iter()
                    .map(|t| {
                        format!(
                            "**{}**  \n`{}`",
                            t.title.as_deref().unwrap_or("(no title)"),
                            t.path.display()
                        )
                    })
                    .collect();
                (lines.join("\n\n"), range)
            }
        };
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(positions.range(span(range))),
        })
    }

    fn definition(
        &self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Option<lsp::GotoDefinitionResponse> {
        let (_, ws, path, place) = self.assist_place(at)?;
        let collection = ws.settings().collection_for(path)?;
        let (value, _) = place.value.as_ref().filter(|_| !place.on_key)?;
        let root = ws.root();
        let mut texts = HashMap::new();
        let locations: Vec<lsp::Location> = match assist::reference_target(collection, &place) {
            Some(target) => assist::targets_with_id(ws, target, value)
                .into_iter()
                .filter_map(|t| {
                    let file = root.join(&t.path);
                    let range = self.range_in_file(&file, t.location, &mut texts);
                    Some(lsp::Location {
                        uri: path_to_uri(&file)?,
                        range,
                    })
                })
                .collect(),
            None => assist::path_value(root, path, value)
                .and_then(|file| {
                    Some(lsp::Location {
                        uri: path_to_uri(&file)?,
                        range: lsp::Range::default(),
                    })
                })
                .into_iter()
                .collect(),
        };
        (!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations))
    }

    // -- output -------------------------------------------------------------

    fn publish(&self, uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) {
        self.notify(
            "textDocument/publishDiagnostics",
            lsp::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }

    fn log(&self, typ: lsp::MessageType, message: String) {
        self.notify("window/logMessage", lsp::LogMessageParams { typ, message });
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        let _ = self.out.send(Outgoing::Message(
            Notification::new(method.into(), params).into(),
        ));
    }

    fn send_request(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_id += 1;
        let id = RequestId::from(format!("fmlint-{}", self.next_id));
        let _ = self.out.send(Outgoing::Message(
            Request::new(id, method.into(), params).into(),
        ));
    }

    fn respond(&self, id: RequestId, result: Result<Json, (ErrorCode, String)>) {
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        let _ = self.out.send(Outgoing::Message(response.into()));
    }

    fn send_raw_error(&self, id: Json, code: ErrorCode, message: &str) {
        let _ = self.out.send(Outgoing::Raw(json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code as i32, "message": message },
        })));
    }
}

/// A key's type as hover and completion show it: `string`, `integer`,
/// `"a" | "b"` for an enum.
fn key_detail(key: &assist::KeyDoc<'_>) -> String {
    if !key.values.is_empty() {
        return key
            .values
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    if key.types.is_empty() {
        return "any".to_string();
    }
    key.types.join(" | ")
}

/// Whether a code action request is about a published finding: the
/// client names it in `context.diagnostics`, or it lies on one of the
/// requested lines (editors ask with the cursor anywhere on the line, at
/// its start or on the key, not only on the finding's exact range).
fn on_requested_lines(shown: &lsp::Diagnostic, params: &lsp::CodeActionParams) -> bool {
    let named = params
        .context
        .diagnostics
        .iter()
        .any(|d| d.range == shown.range && d.code == shown.code && d.message == shown.message);
    let wanted = params.range;
    // A selection of whole lines ends at the start of the next one.
    let last_line = if wanted.end.character == 0 && wanted.end.line > wanted.start.line {
        wanted.end.line - 1
    } else {
        wanted.end.line
    };
    let range = shown.range;
    named || (range.start.line <= last_line && wanted.start.line <= range.end.line)
}

/// The settings for the corpus at `root`: the nearest `fmlint.toml` at or
/// above it, else the built-in QuickTakes preset.
fn settings_for(root: &Path) -> Result<Settings> {
    fmlint_engine::config::settings_for_root(root)
}
