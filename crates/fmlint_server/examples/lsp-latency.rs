//! Re-check latency of `fmlint server`: the time from `didChange` of one
//! article to the `publishDiagnostics` for it, in a big workspace.
//!
//! ```sh
//! target/gen/release/gen-corpus --articles 36000 --out /tmp/c36k --seed 1
//! cargo run --release -p fmlint_server --example lsp-latency -- /tmp/c36k [--edits 200] [--open 10]
//! ```
//!
//! The server runs in this process ([`fmlint_server::server::serve`]) on in-memory
//! pipes: the framing, JSON, linting, cross-file re-check and position
//! conversion are the real code; only the OS pipe is left out. Edits are
//! sent with the debounce turned off (`debounceMs: 0`), so the figures are
//! the server's work; a last run with the default debounce shows what an
//! editor sees. Each edit changes the article's title (so its url, file
//! name and every open referrer are judged again).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{unbounded, Receiver, Sender};
use serde_json::{json, Value};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut root = None;
    let mut edits = 200;
    let mut open = 10;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--edits" => edits = args.next().and_then(|n| n.parse().ok()).expect("--edits N"),
            "--open" => open = args.next().and_then(|n| n.parse().ok()).expect("--open N"),
            _ => root = Some(PathBuf::from(arg)),
        }
    }
    let root = root
        .expect("usage: lsp-latency CORPUS_DIR [--edits N] [--open N]")
        .canonicalize()
        .expect("the corpus directory");
    if !root.join("fmlint.toml").exists() {
        // Mark the root, or the corpus would be the nearest git work tree.
        std::fs::write(root.join("fmlint.toml"), "").expect("write fmlint.toml");
    }

    // Articles with related entries, so the re-check has references to
    // resolve; the first is the one edited.
    let articles = with_references(&root, open.max(1));
    let start = Instant::now();
    let (mut client, files) = Client::initialized(&root, Some(0));
    println!(
        "indexed {} in {:.2} s ({files})",
        root.display(),
        start.elapsed().as_secs_f64()
    );

    let mut texts = Vec::new();
    for path in &articles {
        let text = std::fs::read_to_string(path).unwrap();
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "markdown", "version": 1, "text": text}}),
        );
        client.diagnostics(&uri(path), 1);
        texts.push(text);
    }
    let target = uri(&articles[0]);
    let original = texts[0].clone();
    let title = original
        .lines()
        .skip_while(|l| !l.starts_with("title:"))
        .nth(1)
        .expect("a folded title")
        .to_string();
    println!(
        "{} open documents; editing {}",
        articles.len(),
        articles[0].strip_prefix(&root).unwrap().display()
    );

    let mut version = 1;
    let mut edit = |client: &mut Client, n: usize| {
        version += 1;
        let text = original.replacen(&title, &format!("{title} {n}"), 1);
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": target, "version": version}, "contentChanges": [{"text": text}]}),
        );
        let found = client.diagnostics(&target, version);
        (sent.elapsed(), found.len())
    };

    let mut times = Vec::new();
    let mut findings = 0;
    for n in 0..edits {
        let (time, found) = edit(&mut client, n);
        times.push(time);
        findings = found;
    }
    report("didChange → publishDiagnostics (no debounce)", &mut times);
    println!("  ({findings} findings on the edited article)");

    // What an editor sees: the same with the default debounce.
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let (mut client, _) = Client::initialized(&root, None);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": target, "languageId": "markdown", "version": 1, "text": original}}),
    );
    client.diagnostics(&target, 1);
    let mut times = Vec::new();
    for n in 0..20 {
        let (time, _) = edit(&mut client, n);
        times.push(time);
    }
    report(
        "didChange → publishDiagnostics (default 75 ms debounce)",
        &mut times,
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);

    // Why a neighbourhood: the same re-check on the whole corpus index.
    let settings = Arc::new(fmlint_engine::config::quicktakes().unwrap());
    let scan = fmlint_server::workspace::scan(&root, &settings, 2).unwrap();
    let mut workspace = fmlint_server::workspace::Workspace::new(root.clone(), settings).unwrap();
    workspace.load(scan);
    let relative: Arc<Path> = articles[0].strip_prefix(&root).unwrap().into();
    workspace.set_text(relative.clone(), original.clone().into());
    let mut fast = Vec::new();
    let mut full = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let a = workspace.diagnostics(&relative).unwrap();
        fast.push(t.elapsed());
        let t = Instant::now();
        let b = workspace.diagnostics_full(&relative).unwrap();
        full.push(t.elapsed());
        assert_eq!(a, b, "the neighbourhood and the whole corpus disagree");
    }
    report(
        "cross-file re-check of one document, neighbourhood index",
        &mut fast,
    );
    report(
        "cross-file re-check of one document, whole-corpus index",
        &mut full,
    );
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.2} ms, p90 {:.2} ms, max {:.2} ms ({} runs)",
        at(0.5),
        at(0.9),
        at(1.0),
        times.len()
    );
}

/// The first `n` articles (in path order) with a `related_article1`.
fn with_references(root: &Path, n: usize) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let mut stack = vec![root.join("content")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .is_ok_and(|t| t.contains("\nrelated_article1:") && t.contains("\ntitle: >-\n"))
        })
        .take(n)
        .collect()
}

fn uri(path: &Path) -> String {
    fmlint_server::positions::path_to_uri(path)
        .unwrap()
        .as_str()
        .to_string()
}

// ---------------------------------------------------------------------------

struct Client {
    to_server: PipeWriter,
    incoming: Receiver<Value>,
    backlog: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let (client_out, server_in) = pipe();
        let (server_out, client_in) = pipe();
        std::thread::spawn(move || {
            fmlint_server::server::serve(BufReader::new(server_in), server_out)
        });
        let (tx, incoming) = unbounded();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(client_in);
            while let Some(message) = read_frame(&mut reader) {
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            to_server: client_out,
            incoming,
            backlog: Vec::new(),
            next_id: 0,
        }
    }

    /// A server initialized on `root` (with `debounce_ms`, else the
    /// default), once it has indexed the corpus; and the end message.
    fn initialized(root: &Path, debounce_ms: Option<u64>) -> (Client, String) {
        let mut client = Client::start();
        let mut params = json!({
            "capabilities": {"window": {"workDoneProgress": true}},
            "workspaceFolders": [{"uri": uri(root), "name": "corpus"}],
        });
        if let Some(ms) = debounce_ms {
            params["initializationOptions"] = json!({"debounceMs": ms});
        }
        client.request("initialize", params);
        client.notify("initialized", json!({}));
        let end = client
            .wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
        let message = end["params"]["value"]["message"]
            .as_str()
            .unwrap_or("")
            .to_string();
        (client, message)
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(
            self.to_server,
            "Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    fn wait_for_timeout(&mut self, timeout: Duration) -> Option<Value> {
        let message = self.incoming.recv_timeout(timeout).ok()?;
        if message.get("method").is_some() && message.get("id").is_some() {
            let id = message["id"].clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
        Some(message)
    }

    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i);
        }
        loop {
            let message = self
                .wait_for_timeout(Duration::from_secs(600))
                .expect("the server stopped answering");
            if wanted(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

// An in-memory pipe.

fn pipe() -> (PipeWriter, PipeReader) {
    let (tx, rx) = unbounded();
    (
        PipeWriter(tx),
        PipeReader {
            rx,
            buffer: Vec::new(),
            at: 0,
        },
    )
}

struct PipeWriter(Sender<Vec<u8>>);

impl Write for PipeWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .send(bytes.to_vec())
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct PipeReader {
    rx: Receiver<Vec<u8>>,
    buffer: Vec<u8>,
    at: usize,
}

impl Read for PipeReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.buffer.len() {
            match self.rx.recv() {
                Ok(bytes) => {
                    self.buffer = bytes;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.buffer.len() - self.at);
        out[..n].copy_from_slice(&self.buffer[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
