//! `fmlint server` end to end: the real binary, spoken to over its
//! stdin/stdout with Content-Length framed JSON-RPC, on a corpus built in a
//! temporary directory. Every read has a timeout, so a server that stops
//! answering fails the test instead of hanging it.

use std::collections::VecDeque;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::{json, Value};

mod cli_support;
mod qt;
use qt::related;

/// A clean article (the shared generator in tests/qt) with a `score`.
fn article(id: i64, subject: &str, title: &str, extra: &str) -> String {
    qt::article(id, subject, title, &format!("score: -1.0\n{extra}"))
}

const TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------
// A corpus (the article generator of tests/cli.rs)

fn article_path(root: &Path, subject: &str, title: &str) -> PathBuf {
    root.join("content/learn")
        .join(fmlint_linter::slug::quicktakes(subject))
        .join(format!("{}.md", fmlint_linter::slug::quicktakes(title)))
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const SUBJECT: &str = "Star Gazing";
const COMET: &str = "What is a comet?";
const METEOR: &str = "What is a meteor?";

/// Two clean articles that reference each other, and a marker config.
fn corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    fs::write(root.join("fmlint.toml"), "").unwrap();
    write(
        &article_path(&root, SUBJECT, COMET),
        &article(1, SUBJECT, COMET, &related(1, 2, SUBJECT, METEOR)),
    );
    write(
        &article_path(&root, SUBJECT, METEOR),
        &article(2, SUBJECT, METEOR, &related(1, 1, SUBJECT, COMET)),
    );
    (dir, root)
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// A tiny LSP client

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path) -> Client {
        Client::start_with(root, &[])
    }

    /// The server with extra environment variables.
    fn start_with(root: &Path, env: &[(&str, &str)]) -> Client {
        let mut child = Command::cargo_bin("fmlint")
            .unwrap()
            .arg("server")
            .envs(env.iter().copied())
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            backlog: VecDeque::new(),
            next_id: 0,
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response (`result` or
    /// `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("the response to {method}"), |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        })
    }

    /// The next message from the server, answering its requests (progress
    /// tokens, registrations) with `null` on the way.
    fn read(&mut self, what: &str, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = self
            .incoming
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
        if message.get("method").is_some() && message.get("id").is_some() {
            let id = message["id"].clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
        message
    }

    /// The first message (backlog first) for which `wanted` holds.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.read(what, deadline);
            if wanted(&message) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// The next diagnostics published for `uri` (with `version`, when
    /// given).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics of {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == json!(v))
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn initialize(&mut self, root: &Path, encodings: &[&str]) -> Value {
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "window": {"workDoneProgress": true},
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                },
                "workspaceFolders": [{"uri": uri(root), "name": "corpus"}],
                "initializationOptions": {"debounceMs": 20},
            }),
        );
        self.notify("initialized", json!({}));
        // The corpus is indexed before any document is judged.
        self.wait_for("the end of indexing", |m| {
            m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
        });
        response
    }

    /// `shutdown` then `exit`; returns the exit code.
    fn stop(mut self) -> i32 {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        let status = wait(&mut self.child);
        status.code().unwrap_or(-1)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for the server to exit, at most [`TIMEOUT`].
fn wait(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(10));
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

/// The byte offset of an LSP position counted in UTF-16 units.
fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// The code action for `diagnostic` whose title `wanted` accepts.
fn code_action(
    client: &mut Client,
    uri: &str,
    diagnostic: &Value,
    wanted: impl Fn(&str) -> bool,
) -> Option<Value> {
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic]},
        }),
    );
    let actions = response["result"].as_array().unwrap();
    let action = actions
        .iter()
        .find(|a| wanted(a["title"].as_str().unwrap()))?;
    assert_eq!(action["kind"], "quickfix", "{action:#}");
    assert_eq!(action["diagnostics"][0], *diagnostic, "{action:#}");
    Some(action.clone())
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------
// The session

/// An article whose `seo.title` is wrong, written in a flow mapping after
/// non-ASCII text, with more non-ASCII text on an earlier line.
fn broken_rocket() -> String {
    article(3, SUBJECT, "Is Pluto a planet?", "")
        .replace("post_on_text: Posted on", "post_on_text: Posted on 🚀é")
        .replace(
            "seo:\n  title: QuickTakes | Star Gazing\n  page_description: >-\n    About it.\n  page_keywords: >-\n    it",
            "seo: {page_description: 🚀é about it, page_keywords: it, title: QuickTakes | Wrong}",
        )
}

#[test]
fn a_full_session() {
    let (_dir, root) = corpus();
    let mut client = Client::start(&root);
    let init = client.initialize(&root, &["utf-16"]);
    let capabilities = &init["result"]["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16", "{init}");
    assert_eq!(capabilities["textDocumentSync"]["change"], 1, "{init}");
    assert_eq!(
        capabilities["textDocumentSync"]["openClose"], true,
        "{init}"
    );
    assert!(capabilities["codeActionProvider"].is_object(), "{init}");
    // Indexing was announced, and watching Markdown files requested.
    let create = client.wait_for("a progress token", |m| {
        m["method"] == "window/workDoneProgress/create"
    });
    let token = create["params"]["token"].clone();
    client.wait_for("the start of indexing", |m| {
        m["method"] == "$/progress"
            && m["params"]["token"] == token
            && m["params"]["value"]["kind"] == "begin"
    });
    client.wait_for("the file watcher registration", |m| {
        m["method"] == "client/registerCapability"
    });

    // A broken article: the exact range, in UTF-16 units.
    let pluto = article_path(&root, SUBJECT, "Is Pluto a planet?");
    let text = broken_rocket();
    write(&pluto, &text);
    let pluto_uri = uri(&pluto);
    client.open(&pluto_uri, &text);
    let found = client.diagnostics(&pluto_uri, Some(1));
    assert_eq!(codes(&found), ["seo-title-mismatch"], "{found:#?}");
    let line = text.lines().position(|l| l.starts_with("seo: {")).unwrap();
    let seo_line = text.lines().nth(line).unwrap();
    let column_chars = seo_line[..seo_line.find("QuickTakes | Wrong").unwrap()]
        .chars()
        .count();
    // `🚀` is 1 character but 2 UTF-16 units (and 4 bytes); `é` is 1 unit.
    assert_eq!(column_chars, 63);
    assert_eq!(
        found[0]["range"],
        json!({"start": {"line": line, "character": 64}, "end": {"line": line, "character": 82}})
    );
    assert_eq!(found[0]["severity"], 1);
    assert_eq!(found[0]["source"], "fmlint");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("QuickTakes | Star Gazing"),
        "{found:#?}"
    );
    // Two lines after the non-ASCII ones: columns are plain again.
    assert_eq!(text.lines().nth(line + 1).unwrap(), "author: QuickTakes");

    // Malformed messages get errors and the session goes on.
    client.send_raw(br#"{"jsonrpc": "2.0", "id": 41, "method": "#);
    let error = client.wait_for("a parse error", |m| {
        m.get("error").is_some() && m["id"].is_null()
    });
    assert_eq!(error["error"]["code"], -32700, "{error}");
    let error = client.request("fmlint/unknown", json!({}));
    assert_eq!(error["error"]["code"], -32601, "{error}");
    let error = client.request("textDocument/codeAction", json!({"textDocument": 7}));
    assert_eq!(error["error"]["code"], -32602, "{error}");

    // Fixing it clears the findings.
    client.change(
        &pluto_uri,
        2,
        &text.replace("QuickTakes | Wrong", "QuickTakes | Star Gazing"),
    );
    assert_eq!(client.diagnostics(&pluto_uri, Some(2)), Vec::<Value>::new());

    // Two dangling references: one to an article that exists under another
    // id (fixed through its quick fix, when the rule offers one), one to
    // nothing (silenced through the ignore action).
    let quasar = article_path(&root, SUBJECT, "What is a quasar?");
    let quasar_uri = uri(&quasar);
    let entries =
        related(1, 99999, SUBJECT, METEOR) + &related(2, 88888, SUBJECT, "What was Vulcan?");
    let text = article(4, SUBJECT, "What is a quasar?", &entries);
    write(&quasar, &text);
    client.open(&quasar_uri, &text);
    let found = client.diagnostics(&quasar_uri, Some(1));
    assert_eq!(
        codes(&found),
        ["dangling-reference", "dangling-reference"],
        "{found:#?}"
    );
    let id_line = text.lines().position(|l| l == "    id: 99999").unwrap();
    assert_eq!(
        found[0]["range"],
        json!({"start": {"line": id_line, "character": 8}, "end": {"line": id_line, "character": 13}})
    );

    let with_fix = code_action(&mut client, &quasar_uri, &found[0], |title| {
        !title.starts_with("fmlint: ignore")
    })
    .unwrap_or_else(|| {
        code_action(&mut client, &quasar_uri, &found[0], |t| {
            t.ends_with(" here")
        })
        .unwrap()
    });
    let text = apply_edits(
        &text,
        with_fix["edit"]["changes"][&quasar_uri].as_array().unwrap(),
    );
    client.change(&quasar_uri, 2, &text);
    let found = client.diagnostics(&quasar_uri, Some(2));
    assert_eq!(codes(&found), ["dangling-reference"], "{text}");

    let ignore = code_action(&mut client, &quasar_uri, &found[0], |title| {
        title == "fmlint: ignore dangling-reference here"
    })
    .unwrap();
    let text = apply_edits(
        &text,
        ignore["edit"]["changes"][&quasar_uri].as_array().unwrap(),
    );
    assert!(
        text.contains("    id: 88888  # fmlint-ignore: dangling-reference\n"),
        "{text}"
    );
    client.change(&quasar_uri, 3, &text);
    assert_eq!(
        client.diagnostics(&quasar_uri, Some(3)),
        Vec::<Value>::new(),
        "{text}"
    );

    // Cross-file, live: an unsaved title change in the comet makes the
    // meteor's reference to it stale, and undoing it clears that.
    let meteor_uri = uri(&article_path(&root, SUBJECT, METEOR));
    let meteor_text = fs::read_to_string(article_path(&root, SUBJECT, METEOR)).unwrap();
    client.open(&meteor_uri, &meteor_text);
    assert_eq!(
        client.diagnostics(&meteor_uri, Some(1)),
        Vec::<Value>::new()
    );
    let comet_uri = uri(&article_path(&root, SUBJECT, COMET));
    let comet_text = fs::read_to_string(article_path(&root, SUBJECT, COMET)).unwrap();
    client.open(&comet_uri, &comet_text);
    client.diagnostics(&comet_uri, Some(1));
    let renamed = comet_text.replace("    What is a comet?", "    What is a comet, really?");
    client.change(&comet_uri, 2, &renamed);
    client.diagnostics(&comet_uri, Some(2));
    let found = client.diagnostics(&meteor_uri, Some(1));
    assert!(codes(&found).contains(&"stale-reference"), "{found:#?}");
    client.change(&comet_uri, 3, &comet_text);
    assert_eq!(client.diagnostics(&comet_uri, Some(3)), Vec::<Value>::new());
    assert_eq!(
        client.diagnostics(&meteor_uri, Some(1)),
        Vec::<Value>::new()
    );

    // A second holder of the comet's id: related information points at it.
    let twin = root.join("content/learn/star-gazing/comet-twin.md");
    let twin_uri = uri(&twin);
    client.open(&twin_uri, &comet_text);
    let found = client.diagnostics(&twin_uri, Some(1));
    let duplicate = found
        .iter()
        .find(|d| d["code"] == "duplicate-id")
        .unwrap_or_else(|| panic!("{found:#?}"));
    let related_info = duplicate["relatedInformation"].as_array().unwrap();
    assert_eq!(
        related_info[0]["location"]["uri"],
        comet_uri.as_str(),
        "{duplicate:#?}"
    );
    let comet_id_line = comet_text.lines().position(|l| l == "id: 1").unwrap();
    assert_eq!(
        related_info[0]["location"]["range"],
        json!({"start": {"line": comet_id_line, "character": 4}, "end": {"line": comet_id_line, "character": 5}})
    );
    // The open comet learns about its twin too.
    let found = client.diagnostics(&comet_uri, Some(3));
    assert!(codes(&found).contains(&"duplicate-id"), "{found:#?}");
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": twin_uri}}),
    );
    assert_eq!(client.diagnostics(&twin_uri, None), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&comet_uri, Some(3)), Vec::<Value>::new());

    // A file created outside the editor resolves a dangling reference.
    let nebula = article_path(&root, SUBJECT, "What is a nebula?");
    let nebula_uri = uri(&nebula);
    let nebula_text = article(
        5,
        SUBJECT,
        "What is a nebula?",
        &related(1, 6, SUBJECT, "What is a pulsar?"),
    );
    client.open(&nebula_uri, &nebula_text);
    assert_eq!(
        codes(&client.diagnostics(&nebula_uri, Some(1))),
        ["dangling-reference"]
    );
    let pulsar = article_path(&root, SUBJECT, "What is a pulsar?");
    write(&pulsar, &article(6, SUBJECT, "What is a pulsar?", ""));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&pulsar), "type": 1}]}),
    );
    assert_eq!(
        client.diagnostics(&nebula_uri, Some(1)),
        Vec::<Value>::new()
    );

    assert_eq!(client.stop(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let (_dir, root) = corpus();
    let mut client = Client::start(&root);
    let init = client.initialize(&root, &["utf-8", "utf-16"]);
    assert_eq!(
        init["result"]["capabilities"]["positionEncoding"], "utf-8",
        "{init}"
    );
    let pluto = article_path(&root, SUBJECT, "Is Pluto a planet?");
    let text = broken_rocket();
    client.open(&uri(&pluto), &text);
    let found = client.diagnostics(&uri(&pluto), Some(1));
    let line = text.lines().position(|l| l.starts_with("seo: {")).unwrap();
    // 63 characters before it, `🚀` of 4 bytes and `é` of 2: 67 bytes.
    assert_eq!(
        found[0]["range"],
        json!({"start": {"line": line, "character": 67}, "end": {"line": line, "character": 85}})
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn requests_before_initialize_fail_and_exit_without_shutdown_is_code_1() {
    let (_dir, root) = corpus();
    let mut client = Client::start(&root);
    let error = client.request("textDocument/codeAction", json!({}));
    assert_eq!(error["error"]["code"], -32002, "{error}");
    // A header with no length, then a body that is not JSON-RPC.
    client.stdin.write_all(b"X-Nothing: 1\r\n\r\n").unwrap();
    client.wait_for("an error for the headerless frame", |m| {
        m["error"]["code"] == -32700
    });
    client.send_raw(br#"{"jsonrpc": "2.0", "id": 9}"#);
    client.send_raw(b"[1, 2]");
    client.wait_for("an error for the array", |m| m["error"]["code"] == -32600);
    let init = client.initialize(&root, &[]);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    client.notify("exit", Value::Null);
    let status = wait(&mut client.child);
    assert_eq!(status.code(), Some(1));
}

/// Debug builds honour `FMLINT_DEBUG_PANIC` (crates/fmlint_linter/src/isolate.rs): a rule that
/// panics on the document becomes an `internal-error` diagnostic, the other
/// rules still report, and the session goes on.
#[cfg(debug_assertions)]
#[test]
fn a_panicking_rule_is_a_diagnostic_and_the_session_goes_on() {
    let (_dir, root) = corpus();
    let mut client = Client::start_with(&root, &[("FMLINT_DEBUG_PANIC", "invalid-date")]);
    client.initialize(&root, &["utf-16"]);
    let pluto = article_path(&root, SUBJECT, "Is Pluto a planet?");
    let text = broken_rocket();
    client.open(&uri(&pluto), &text);
    let found = client.diagnostics(&uri(&pluto), Some(1));
    assert_eq!(
        codes(&found),
        ["internal-error", "seo-title-mismatch"],
        "{found:#?}"
    );
    let internal = &found[0];
    assert!(
        internal["message"]
            .as_str()
            .unwrap()
            .contains("rule `invalid-date` panicked"),
        "{internal}"
    );
    // The server still answers, and the next change is judged again.
    client.change(
        &uri(&pluto),
        2,
        &text.replace("QuickTakes | Wrong", "QuickTakes | Star Gazing"),
    );
    let found = client.diagnostics(&uri(&pluto), Some(2));
    assert_eq!(codes(&found), ["internal-error"], "{found:#?}");
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_toml_header_is_linted_with_positions_and_offers_no_yaml_fix() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(
        &root.join("fmlint.toml"),
        "[[collections]]\nname = \"pages\"\n[collections.templates]\nslug = { template = \"{path.stem}\", fix = \"safe\" }\n",
    );
    let page = root.join("content/release-1-0.md");
    let text = "+++\ntitle = \"Example 1.0\"\nslug = \"release-10\"\n+++\nBody.\n";
    write(&page, text);
    let broken = root.join("content/broken.md");
    let broken_text = "+++\ntitle = \"Broken\"\ndraft = flase\n+++\n";
    write(&broken, broken_text);
    let mut client = Client::start(&root);
    client.initialize(&root, &[]);
    client.open(&uri(&page), text);
    let found = client.diagnostics(&uri(&page), Some(1));
    assert_eq!(codes(&found), ["field-mismatch"], "{found:#?}");
    assert_eq!(
        found[0]["range"],
        json!({"start": {"line": 2, "character": 7}, "end": {"line": 2, "character": 19}})
    );
    let fix = |t: &str| t.starts_with("fmlint: set `slug`");
    assert!(
        code_action(&mut client, &uri(&page), &found[0], fix).is_none(),
        "a YAML fix offered on a TOML header"
    );
    // The same defect in YAML has its fix.
    let yaml = root.join("content/release-1-1.md");
    let yaml_text = "---\ntitle: Example 1.1\nslug: release-11\n---\n";
    write(&yaml, yaml_text);
    client.open(&uri(&yaml), yaml_text);
    let found = client.diagnostics(&uri(&yaml), Some(1));
    assert!(code_action(&mut client, &uri(&yaml), &found[0], fix).is_some());
    client.open(&uri(&broken), broken_text);
    let found = client.diagnostics(&uri(&broken), Some(1));
    assert_eq!(codes(&found), ["toml-syntax"], "{found:#?}");
    assert_eq!(
        found[0]["range"],
        json!({"start": {"line": 2, "character": 8}, "end": {"line": 2, "character": 13}})
    );
    assert_eq!(client.stop(), 0);
}

/// The request `textDocument/codeAction` sends with the cursor at `line`,
/// `character` and the given diagnostics in its context.
fn actions_at(
    client: &mut Client,
    uri: &str,
    line: usize,
    character: usize,
    context: &[Value],
) -> Vec<String> {
    let at = json!({"line": line, "character": character});
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": at, "end": at},
            "context": {"diagnostics": context},
        }),
    );
    response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"))
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn code_actions_anywhere_on_the_line_or_named_in_the_context() {
    let (_dir, root) = corpus();
    let mut client = Client::start(&root);
    client.initialize(&root, &["utf-16"]);
    let quasar = article_path(&root, SUBJECT, "What is a quasar?");
    let quasar_uri = uri(&quasar);
    let text = article(
        4,
        SUBJECT,
        "What is a quasar?",
        &related(1, 88888, SUBJECT, METEOR),
    );
    write(&quasar, &text);
    client.open(&quasar_uri, &text);
    let found = client.diagnostics(&quasar_uri, Some(1));
    assert_eq!(codes(&found), ["dangling-reference"], "{found:#?}");
    let id_line = text.lines().position(|l| l == "    id: 88888").unwrap();
    let ignore = "fmlint: ignore dangling-reference here".to_string();
    // The cursor at the start of the line, and on the key, without context.
    for character in [0, 5] {
        let titles = actions_at(&mut client, &quasar_uri, id_line, character, &[]);
        assert!(titles.contains(&ignore), "column {character}: {titles:?}");
    }
    // A line without findings offers nothing…
    assert_eq!(
        actions_at(&mut client, &quasar_uri, 1, 0, &[]),
        Vec::<String>::new()
    );
    // …unless the client names a finding in the context.
    let titles = actions_at(&mut client, &quasar_uri, 1, 0, &found);
    assert!(titles.contains(&ignore), "{titles:?}");
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_file_that_is_not_text_on_disk_is_unreadable_in_the_editor_too() {
    let (_dir, root) = corpus();
    let mut client = Client::start(&root);
    client.initialize(&root, &["utf-16"]);
    let clean = article(7, SUBJECT, "What is a star?", "");
    for (name, bytes) in [
        ("nul", clean.replacen("author", "au\0thor", 1).into_bytes()),
        // `é` in Latin-1: one byte 0xE9, not UTF-8.
        (
            "latin1",
            latin1(&clean.replacen("author", "auth\u{e9}r", 1)),
        ),
    ] {
        let path = root.join(format!("content/learn/star-gazing/{name}.md"));
        fs::write(&path, &bytes).unwrap();
        let path_uri = uri(&path);
        // What an editor shows of the bytes.
        let shown = String::from_utf8_lossy(&bytes).into_owned();
        client.open(&path_uri, &shown);
        let found = client.diagnostics(&path_uri, Some(1));
        assert_eq!(codes(&found), ["unreadable-file"], "{name}: {found:#?}");
        let author_line = shown.lines().position(|l| l.starts_with("au")).unwrap();
        assert_eq!(
            found[0]["range"]["start"]["line"], author_line,
            "{name}: {found:#?}"
        );
        // Saved as text by another program: the finding goes.
        fs::write(&path, &clean).unwrap();
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": path_uri, "type": 2}]}),
        );
        let found = client.diagnostics(&path_uri, Some(1));
        assert!(
            !codes(&found).contains(&"unreadable-file"),
            "{name}: {found:#?}"
        );
    }
    assert_eq!(client.stop(), 0);
}

/// `text` encoded in Latin-1 (every character below U+0100).
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

/// Without `fmlint.toml` or `.git` the client sends no root: the server
/// serves its working directory (where the editor was started), as
/// `fmlint check` does, and names it in the progress title.
#[test]
fn without_a_marker_the_server_serves_its_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    if fmlint_engine::root::marked_root(&root).is_some() {
        eprintln!(
            "skipped: a marker above {} decides the root",
            root.display()
        );
        return;
    }
    let other = "Deep Sky";
    let comet = article_path(&root, SUBJECT, COMET);
    let comet_text = article(1, SUBJECT, COMET, &related(1, 2, other, METEOR));
    write(&comet, &comet_text);
    write(
        &article_path(&root, other, METEOR),
        &article(2, other, METEOR, ""),
    );
    let mut client = Client::start(&root);
    client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "capabilities": {"window": {"workDoneProgress": true}},
            "initializationOptions": {"debounceMs": 20},
        }),
    );
    client.notify("initialized", json!({}));
    let comet_uri = uri(&comet);
    client.open(&comet_uri, &comet_text);
    let begin = client.wait_for("the start of indexing", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin"
    });
    assert_eq!(
        begin["params"]["value"]["title"],
        format!("fmlint: indexing {}", root.display()),
        "{begin}"
    );
    let end = client.wait_for("the end of indexing", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    assert_eq!(end["params"]["value"]["message"], "2 files", "{end}");
    client.change(&comet_uri, 2, &comet_text);
    assert_eq!(client.diagnostics(&comet_uri, Some(2)), Vec::<Value>::new());
    assert_eq!(client.stop(), 0);
}

/// A client that cannot watch files (as Neovim on Linux): the server
/// watches the corpus itself. Returns once the corpus is indexed.
fn start_watching_itself(root: &Path) -> Client {
    let mut client = Client::start(root);
    client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(root),
            "capabilities": {"window": {"workDoneProgress": true}},
            "initializationOptions": {"debounceMs": 20},
        }),
    );
    client.notify("initialized", json!({}));
    client.wait_for("the end of indexing", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    client
}

/// A client that cannot watch files (Neovim on Linux by default): the
/// server watches the corpus itself, and a file deleted, restored or
/// rewritten on disk changes its open referrer's findings.
#[test]
fn without_client_watching_the_server_sees_changes_on_disk() {
    let (_dir, root) = corpus();
    let mut client = start_watching_itself(&root);
    let meteor = article_path(&root, SUBJECT, METEOR);
    let meteor_uri = uri(&meteor);
    client.open(&meteor_uri, &fs::read_to_string(&meteor).unwrap());
    assert_eq!(
        client.diagnostics(&meteor_uri, Some(1)),
        Vec::<Value>::new()
    );

    let comet = article_path(&root, SUBJECT, COMET);
    let comet_text = fs::read_to_string(&comet).unwrap();
    fs::remove_file(&comet).unwrap();
    let found = client.diagnostics(&meteor_uri, Some(1));
    assert_eq!(codes(&found), ["dangling-reference"], "{found:#?}");
    // Restored (as `git checkout` does): the false finding goes.
    write(&comet, &comet_text);
    assert_eq!(
        client.diagnostics(&meteor_uri, Some(1)),
        Vec::<Value>::new()
    );
    // Rewritten with another title: the meteor's mirror of it is stale.
    write(
        &comet,
        &comet_text.replace("    What is a comet?", "    What is a comet, really?"),
    );
    let found = client.diagnostics(&meteor_uri, Some(1));
    assert!(codes(&found).contains(&"stale-reference"), "{found:#?}");
    write(&comet, &comet_text);
    assert_eq!(
        client.diagnostics(&meteor_uri, Some(1)),
        Vec::<Value>::new()
    );
    assert_eq!(client.stop(), 0);
}

/// Completion, hover and go-to-definition inside the front matter, from
/// the schema and the corpus's ids.
#[test]
fn completion_hover_and_definition_in_the_header() {
    let (_dir, root) = corpus();
    let mut client = Client::start(&root);
    let init = client.initialize(&root, &["utf-16"]);
    let capabilities = &init["result"]["capabilities"];
    assert!(capabilities["completionProvider"].is_object(), "{init}");
    assert_eq!(capabilities["hoverProvider"], true, "{init}");
    assert_eq!(capabilities["definitionProvider"], true, "{init}");
    let path = article_path(&root, SUBJECT, "What is a quasar?");
    let path_uri = uri(&path);
    let text = "---\n_schema: \nid: 7\n\nseo:\n  title: QuickTakes | Star Gazing\n  pa\nrelated_article1:\n    id: 2\nfile_name: what-is-a-comet.md\n---\n";
    write(&path, text);
    client.open(&path_uri, text);
    client.diagnostics(&path_uri, Some(1));
    let mut ask = |method: &str, line: usize, character: usize| {
        let response = client.request(
            method,
            json!({"textDocument": {"uri": path_uri}, "position": {"line": line, "character": character}}),
        );
        assert!(response.get("error").is_none(), "{response}");
        response["result"].clone()
    };
    let labels = |result: &Value| -> Vec<String> {
        result["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };

    // Keys on an empty line: required ones first, not those present.
    let keys = ask("textDocument/completion", 3, 0);
    let names = labels(&keys);
    assert_eq!(names[..3], ["date", "title", "article_title"], "{names:?}");
    assert!(!names.contains(&"id".to_string()), "{names:?}");
    assert!(!names.contains(&"seo".to_string()), "{names:?}");
    let optional = names.iter().position(|n| n == "score").unwrap();
    assert!(
        names.iter().position(|n| n == "url").unwrap() < optional,
        "{names:?}"
    );
    let date = &keys["items"][0];
    assert!(
        date["documentation"]["value"]
            .as_str()
            .unwrap()
            .starts_with("YYYY-MM-DD"),
        "{date}"
    );
    assert_eq!(date["detail"], "string", "{date}");
    // Keys of a nested mapping.
    let names = labels(&ask("textDocument/completion", 6, 4));
    assert_eq!(names, ["page_description", "page_keywords"], "{names:?}");
    // The values a key allows.
    let names = labels(&ask("textDocument/completion", 1, 9));
    assert_eq!(names, ["default"]);
    // Reference ids, each with its article's title.
    let ids = ask("textDocument/completion", 8, 9);
    let meteor = ids["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "2")
        .unwrap_or_else(|| panic!("{ids}"));
    assert_eq!(meteor["detail"], METEOR, "{meteor}");
    assert!(!labels(&ids).contains(&"1".to_string()), "typed 2: {ids}");

    // Hover: a key's description and type; a reference's target.
    let hover = ask("textDocument/hover", 2, 0);
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("integer") && shown.contains("Unique across the corpus"),
        "{shown}"
    );
    let hover = ask("textDocument/hover", 8, 8);
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains(METEOR), "{shown}");
    assert!(
        shown.contains("content/learn/star-gazing/what-is-a-meteor.md"),
        "{shown}"
    );
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 8, "character": 8}, "end": {"line": 8, "character": 9}})
    );

    // Definition: the referenced article's id, and a path's file.
    let meteor_path = article_path(&root, SUBJECT, METEOR);
    let found = ask("textDocument/definition", 8, 8);
    assert_eq!(found[0]["uri"], uri(&meteor_path), "{found}");
    let id_line = fs::read_to_string(&meteor_path)
        .unwrap()
        .lines()
        .position(|l| l == "id: 2")
        .unwrap();
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": id_line, "character": 4}),
        "{found}"
    );
    let found = ask("textDocument/definition", 9, 12);
    assert_eq!(
        found[0]["uri"],
        uri(&article_path(&root, SUBJECT, COMET)),
        "{found}"
    );
    // Outside the header: nothing.
    assert_eq!(ask("textDocument/hover", 10, 0), Value::Null);
    assert_eq!(client.stop(), 0);
}

/// Changes on disk follow the walk of `fmlint check`: a Markdown file
/// written under a `.gitignore`d folder never joins the corpus (no
/// duplicate id with it), whether the server's own watch or the client
/// reports it, while one written elsewhere does.
#[test]
fn the_servers_watch_skips_what_gitignore_leaves_out() {
    let (_dir, root) = corpus();
    fs::write(root.join(".gitignore"), "content/learn/drafts/\n").unwrap();
    let mut client = start_watching_itself(&root);
    let comet = article_path(&root, SUBJECT, COMET);
    let comet_uri = uri(&comet);
    let comet_text = fs::read_to_string(&comet).unwrap();
    client.open(&comet_uri, &comet_text);
    assert_eq!(client.diagnostics(&comet_uri, Some(1)), Vec::<Value>::new());

    let ignored = root.join("content/learn/drafts/what-is-a-comet.md");
    write(&ignored, &comet_text);
    // As a client that watches `**/*.md` itself reports it.
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&ignored), "type": 1}]}),
    );
    // Longer than the watch's and the server's debounce together.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let copy = root.join("content/learn/star-gazing-again/what-is-a-comet.md");
    write(&copy, &comet_text);
    let found = client.diagnostics(&comet_uri, Some(1));
    assert_eq!(
        codes(&found),
        ["duplicate-id", "duplicate-url"],
        "{found:#?}"
    );
    for finding in &found {
        let message = finding["message"].as_str().unwrap();
        assert!(message.contains("star-gazing-again"), "{message}");
        assert!(!message.contains("drafts"), "{message}");
    }
    assert_eq!(client.stop(), 0);
}
