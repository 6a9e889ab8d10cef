//! The layering, checked mechanically (ARCHITECTURE.md is the map):
//!
//! - each workspace crate depends only on the crates below it:
//!   `fmlint_syntax` < `fmlint_linter` < `fmlint_engine` < `fmlint_infer` <
//!   `fmlint_server`
//!   < `fmlint` (the binary);
//! - inside every crate, the modules' imports form no cycle;
//! - the fuzz workspace's lock file lists every dependency the crates it
//!   builds declare (it builds `--locked`, as the last step of CI).
//!
//! A module is a source file (`mod.rs` and `lib.rs` stand for their
//! folder). Its imports are the paths it names: `use` trees and paths in
//! code (`crate::a::b`, `super::x`, `self::x`, a child module by name), each
//! resolved to the deepest module it names. Test code (`#[cfg(test)]`
//! modules and files) is left out, and so are the crate root's `mod` and
//! `pub use` lines: the root is a facade, and a facade that re-exports a
//! module is not a dependency on it.
//!
//! `cargo test --test architecture -- --nocapture` prints every crate's
//! module graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The crates, bottom to top: a crate may depend only on crates before it.
const LAYERS: &[(&str, &str)] = &[
    ("fmlint_syntax", "crates/fmlint_syntax"),
    ("fmlint_linter", "crates/fmlint_linter"),
    ("fmlint_engine", "crates/fmlint_engine"),
    ("fmlint_infer", "crates/fmlint_infer"),
    ("fmlint_server", "crates/fmlint_server"),
    ("fmlint", "."),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_crate_depends_only_on_crates_below_it() {
    for (position, (name, dir)) in LAYERS.iter().enumerate() {
        let manifest = fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
        let manifest: toml::Table = toml::from_str(&manifest).unwrap();
        let deps = manifest.get("dependencies").and_then(|d| d.as_table());
        for dep in deps.into_iter().flat_map(|d| d.keys()) {
            let Some(layer) = LAYERS.iter().position(|(n, _)| n == dep) else {
                continue;
            };
            assert!(
                layer < position,
                "{name} depends on {dep}, which is not below it (ARCHITECTURE.md)"
            );
        }
    }
}

/// `fuzz/` is a workspace of its own, built `--locked` against
/// `fuzz/Cargo.lock`: a dependency added to a crate and not locked there
/// fails only the fuzz smoke, CI's last step. Caught here instead (fix:
/// `cd fuzz && cargo update --workspace`).
#[test]
fn the_fuzz_lock_lists_every_dependency_of_the_crates_it_builds() {
    let lock = fs::read_to_string(root().join("fuzz/Cargo.lock")).unwrap();
    let lock: toml::Table = toml::from_str(&lock).unwrap();
    let packages = lock["package"].as_array().unwrap();
    let mut checked = 0;
    for (name, dir) in LAYERS {
        let Some(locked) = packages.iter().find(|p| p["name"].as_str() == Some(name)) else {
            continue;
        };
        // `name` or `name version` (when two versions are locked).
        let locked: Vec<&str> = locked
            .get("dependencies")
            .and_then(|d| d.as_array())
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str()?.split(' ').next())
            .collect();
        let manifest = fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
        let manifest: toml::Table = toml::from_str(&manifest).unwrap();
        let declared = manifest.get("dependencies").and_then(|d| d.as_table());
        for dep in declared.into_iter().flat_map(|d| d.keys()) {
            assert!(
                locked.contains(&dep.as_str()),
                "{name} depends on {dep}, which fuzz/Cargo.lock does not lock for it: run `cd fuzz && cargo update --workspace`"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 3,
        "the fuzz workspace builds the syntax, linter and engine crates"
    );
}

#[test]
fn the_workspace_holds_exactly_the_layered_crates() {
    let mut found: Vec<String> = fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut expected: Vec<String> = LAYERS[..LAYERS.len() - 1]
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    expected.sort();
    assert_eq!(found, expected, "a new crate needs its place in LAYERS");
}

#[test]
fn no_crate_has_an_import_cycle_between_its_modules() {
    let mut failures = Vec::new();
    for (name, dir) in LAYERS {
        let graph = module_graph(&root().join(dir).join("src"));
        println!("{name}:");
        for (module, uses) in &graph {
            let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
            println!("  {} -> {}", display(module), uses.join(" "));
        }
        for cycle in cycles(&graph) {
            failures.push(format!("{name}: {}", cycle.join(" -> ")));
        }
    }
    assert!(
        failures.is_empty(),
        "import cycles between modules:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_checker_sees_cycles() {
    // The check itself must fail when there is a cycle to find.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    fs::write(src.join("lib.rs"), "mod a;\nmod b;\nmod c;\n").unwrap();
    fs::write(src.join("a.rs"), "use crate::b::Thing;\n").unwrap();
    fs::write(
        src.join("b.rs"),
        "use crate::{c::{self, Other}};\npub struct Thing;\n",
    )
    .unwrap();
    fs::write(src.join("c.rs"), "pub fn f() { super::a::g() }\n").unwrap();
    let graph = module_graph(src);
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c", "a"]]);
    fs::write(src.join("c.rs"), "pub fn f() {}\n").unwrap();
    assert!(cycles(&module_graph(src)).is_empty());
}

fn display(module: &str) -> &str {
    if module.is_empty() {
        "(crate root)"
    } else {
        module
    }
}

/// Module path (`check::pass`; `""` for the root) → the modules it uses.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn module_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    collect_rs(src, &mut files);
    // `main.rs` beside `lib.rs` is another crate (the binary), over the
    // library's public items.
    if src.join("lib.rs").exists() {
        files.retain(|f| f != &src.join("main.rs"));
    }
    let modules: BTreeMap<String, PathBuf> = files
        .into_iter()
        .map(|file| (module_of(src, &file), file))
        .collect();
    let names: BTreeSet<&str> = modules.keys().map(String::as_str).collect();
    let mut graph = Graph::new();
    for (module, file) in &modules {
        let text = fs::read_to_string(file).unwrap();
        if is_test_file(file) {
            continue;
        }
        let code = strip_tests(&strip_comments(&text));
        let code = if module.is_empty() {
            facade_removed(&code)
        } else {
            code
        };
        let uses = graph.entry(module.clone()).or_default();
        for path in paths_in(&code) {
            if let Some(target) = resolve(module, &path, &names) {
                if target != *module {
                    uses.insert(target);
                }
            }
        }
    }
    graph
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// A file that only tests declare (`#[cfg(test)] mod tests;`).
fn is_test_file(file: &Path) -> bool {
    file.file_name().is_some_and(|n| n == "tests.rs")
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Removes each `#[cfg(test)]` item: the attribute through the end of the
/// item's braces (or its `;`).
fn strip_tests(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let mut depth = 0usize;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The crate root without its `mod` and `pub use` lines.
fn facade_removed(code: &str) -> String {
    let mut out = String::new();
    let mut in_reexport = false;
    for line in code.lines() {
        let trimmed = line.trim_start();
        let starts = trimmed.starts_with("pub use ")
            || trimmed.starts_with("mod ")
            || trimmed.starts_with("pub mod ") && trimmed.ends_with(';');
        if starts || in_reexport {
            in_reexport = !trimmed.ends_with(';');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Every path the code names, as segments: each `use` tree flattened, and
/// each `a::b::c` outside `use` statements.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    let mut outside = String::new();
    while let Some(at) = find_use(rest) {
        outside.push_str(&rest[..at]);
        let body_start = at + rest[at..].find("use ").unwrap() + 4;
        let end = body_start + rest[body_start..].find(';').unwrap_or(0);
        flatten(&rest[body_start..end], &mut Vec::new(), &mut paths);
        rest = &rest[end..];
    }
    outside.push_str(rest);
    for word in outside.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')) {
        if word.contains("::") {
            let segments: Vec<String> = word
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if !segments.is_empty() {
                paths.push(segments);
            }
        }
    }
    paths
}

/// The offset of the next `use` statement (`use`, `pub use`, `pub(…) use`).
fn find_use(code: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = code[from..].find("use ") {
        let at = from + at;
        let line_start = code[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = code[line_start..at].trim();
        if before.is_empty() || before == "pub" || before.starts_with("pub(") {
            return Some(line_start);
        }
        from = at + 4;
    }
    None
}

/// Flattens a use tree (`a::{b, c::{self, D}}`) into paths.
fn flatten(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    let Some(open) = tree.find('{') else {
        let head = tree.split(" as ").next().unwrap_or(tree).trim();
        let mut path = prefix.clone();
        path.extend(
            head.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "self" && *s != "*")
                .map(str::to_string),
        );
        out.push(path);
        return;
    };
    let close = tree.rfind('}').unwrap_or(tree.len());
    let head = tree[..open].trim().trim_end_matches("::");
    let pushed: Vec<String> = head
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let depth = prefix.len();
    prefix.extend(pushed);
    let inner = &tree[open + 1..close];
    let mut level = 0;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => level += 1,
            '}' => level -= 1,
            ',' if level == 0 => {
                flatten(&inner[start..i], prefix, out);
                start = i + 1;
            }
            _ => {}
        }
    }
    flatten(&inner[start..], prefix, out);
    prefix.truncate(depth);
}

/// The deepest module of the crate that `path`, named in `module`, refers
/// to; `None` for another crate's path or a local item.
fn resolve(module: &str, path: &[String], modules: &BTreeSet<&str>) -> Option<String> {
    let current: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    let (mut base, rest): (Vec<&str>, &[String]) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (current.clone(), &path[1..]),
        Some("super") => {
            let mut base = current.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        // A child module named without `self::` (edition 2018 paths).
        Some(first) if modules.contains(join(&current, first).as_str()) => (current.clone(), path),
        _ => return None,
    };
    let mut deepest = base.join("::");
    for segment in rest {
        base.push(segment);
        let candidate = base.join("::");
        if !modules.contains(candidate.as_str()) {
            break;
        }
        deepest = candidate;
    }
    Some(deepest)
}

fn join(base: &[&str], name: &str) -> String {
    let mut parts = base.to_vec();
    parts.push(name);
    parts.join("::")
}

/// The cycles of `graph` (one per strongly connected component of more
/// than one module), each as a closed walk starting at its least module.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for start in graph.keys() {
        if seen.contains(start) {
            continue;
        }
        if let Some(cycle) = cycle_through(graph, start) {
            seen.extend(cycle.iter().cloned());
            found.push(cycle);
        }
    }
    found
}

/// The shortest cycle through `start`, by breadth-first search.
fn cycle_through(graph: &Graph, start: &str) -> Option<Vec<String>> {
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                let mut cycle = vec![at.to_string()];
                let mut walk = at;
                while walk != start {
                    walk = previous[walk];
                    cycle.push(walk.to_string());
                }
                cycle.reverse();
                cycle.push(start.to_string());
                return Some(cycle);
            }
            if !previous.contains_key(next.as_str()) && next != start {
                previous.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    None
}
