//! What the install recipes promise stays true: every version they name is
//! Cargo.toml's, every `cargo install` is `--locked`, and the release
//! workflow, the npm packages, the launcher and cargo-binstall's metadata
//! agree on the platforms and the archive names.
//!
//! A release bumps the version in Cargo.toml only; then
//! `FMLINT_UPDATE_VERSIONS=1 cargo test --test packaging` rewrites every
//! recipe, package.json and the pre-commit mirror to it (CONTRIBUTING.md, Releasing).
//!
//! Plain string code: no TOML, JSON or YAML parser.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

/// The value of `key = "…"` in the TOML table `table` of `text`.
fn toml_string(text: &str, table: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            current = line
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
            continue;
        }
        if current != table {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.trim() == key {
            let v = v.trim();
            if let Some(v) = v.strip_prefix('"') {
                return v.split('"').next().map(str::to_string);
            }
        }
    }
    None
}

/// The root package's version, read from Cargo.toml (also when it is
/// inherited from `[workspace.package]`).
fn cargo_version() -> String {
    let text = read("Cargo.toml");
    let version = toml_string(&text, "package", "version")
        .or_else(|| toml_string(&text, "workspace.package", "version"))
        .expect("Cargo.toml names a version");
    assert_eq!(
        version,
        env!("CARGO_PKG_VERSION"),
        "this test's Cargo.toml reading disagrees with cargo"
    );
    version
}

/// Every file under `dir` (relative to the root), recursively; none when it
/// does not exist.
fn files_under(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(relative) = stack.pop() {
        let Ok(entries) = fs::read_dir(root().join(&relative)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = relative.join(entry.file_name());
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if entry.file_name() != "node_modules" {
                    stack.push(path);
                }
            } else if kind.is_file() {
                out.push(path.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// The files whose recipes and package versions must name Cargo.toml's
/// version.
fn versioned_files() -> Vec<String> {
    let mut files = vec!["README.md".to_string(), "action.yml".to_string()];
    files.extend(
        files_under("docs")
            .into_iter()
            .filter(|f| f.ends_with(".md")),
    );
    files.extend(
        files_under("npm")
            .into_iter()
            .filter(|f| f.ends_with("/package.json") || f.ends_with(".md") || f.ends_with(".js")),
    );
    files.extend(files_under("pre-commit-mirror"));
    files.push("editors/vscode/package.json".to_string());
    files.retain(|f| root().join(f).is_file());
    files
}

/// Texts after which a version is named: `rev: v0.1.0` (only under a
/// `repo:` line naming fmlint), `OWNER/fmlint@v0.1.0`, `fmlint==0.1.0`,
/// `npx fmlint@0.1.0`, `cargo install … --tag v0.1.0`,
/// `releases/download/v0.1.0/`, `version: v0.1.0` (the action's input).
const MARKERS: &[&str] = &[
    "rev: v",
    "fmlint@v",
    "fmlint==",
    "fmlint@",
    "--tag v",
    "releases/download/v",
    "version: v",
];

/// A version-like token at the start of `text`: digits first, then digits,
/// letters, `.`, `-`, `+`; a trailing `.` or `-` is punctuation.
fn version_token(text: &str) -> Option<&str> {
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return None; // a placeholder (vX.Y.Z) or a word (fmlint@latest)
    }
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
        .unwrap_or(text.len());
    Some(text[..end].trim_end_matches(['.', '-']))
}

/// One place in a file that names a version.
#[derive(Debug)]
struct Found {
    file: String,
    line: usize,
    /// Byte range of the version in the file.
    start: usize,
    end: usize,
    version: String,
    what: &'static str,
}

fn versions_in(file: &str, text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut push = |start: usize, token: &str, what: &'static str| {
        found.push(Found {
            file: file.to_string(),
            line: line_of(start),
            start,
            end: start + token.len(),
            version: token.to_string(),
            what,
        });
    };

    let mut line_start = 0;
    let mut last_repo = String::new();
    for line in text.split_inclusive('\n') {
        if line.contains("repo:") {
            last_repo = line.to_string();
        }
        let mut taken: Vec<usize> = Vec::new();
        for &marker in MARKERS {
            let mut from = 0;
            while let Some(at) = line[from..].find(marker) {
                let begin = from + at + marker.len();
                from = begin;
                if taken.contains(&begin) {
                    continue; // `fmlint@` after `fmlint@v` at the same place
                }
                if marker == "rev: v" && !last_repo.contains("fmlint") {
                    continue; // another hook repository's tag
                }
                if let Some(token) = version_token(&line[begin..]) {
                    taken.push(begin);
                    push(line_start + begin, token, marker);
                }
            }
        }
        line_start += line.len();
    }

    // Package manifests: the package's own version and the exact versions
    // of the platform packages.
    if file.ends_with("package.json") {
        for key in ["\"version\": \"", "\"fmlint\": \""] {
            let mut from = 0;
            while let Some(at) = text[from..].find(key) {
                let begin = from + at + key.len();
                from = begin;
                if let Some(token) = version_token(&text[begin..]) {
                    push(begin, token, "package.json version");
                }
            }
        }
        let mut from = 0;
        while let Some(at) = text[from..].find("\"@fmlint/") {
            let key_end = from + at + 1 + text[from + at + 1..].find('"').unwrap();
            from = key_end;
            let rest = &text[key_end + 1..];
            let Some(value) = rest.trim_start().strip_prefix(':') else {
                continue;
            };
            let value = value.trim_start();
            if let Some(v) = value.strip_prefix('"') {
                let begin = text.len() - v.len();
                if let Some(token) = version_token(v) {
                    push(begin, token, "optional dependency");
                }
            }
        }
    }
    if file.ends_with("pyproject.toml") {
        let key = "version = \"";
        if let Some(at) = text.find(key) {
            let begin = at + key.len();
            if let Some(token) = version_token(&text[begin..]) {
                push(begin, token, "pyproject.toml version");
            }
        }
    }
    found
}

#[test]
fn every_recipe_and_package_names_the_cargo_toml_version() {
    let version = cargo_version();
    let update = std::env::var_os("FMLINT_UPDATE_VERSIONS").is_some();
    let mut wrong = Vec::new();
    let mut seen: BTreeSet<&'static str> = BTreeSet::new();
    let mut total = 0;
    for file in versioned_files() {
        let text = read(&file);
        let found = versions_in(&file, &text);
        total += found.len();
        let mut fixed = text.clone();
        let mut stale: Vec<&Found> = found.iter().filter(|f| f.version != version).collect();
        stale.sort_by_key(|f| f.start);
        for f in &stale {
            wrong.push(format!(
                "{}:{}: `{}` names {} (Cargo.toml: {version})",
                f.file, f.line, f.what, f.version
            ));
        }
        for f in stale.iter().rev() {
            fixed.replace_range(f.start..f.end, &version);
        }
        seen.extend(found.iter().map(|f| f.what));
        if update && fixed != text {
            fs::write(root().join(&file), fixed).unwrap();
        }
    }
    if update && !wrong.is_empty() {
        eprintln!("updated to {version}:\n{}", wrong.join("\n"));
        return;
    }
    assert!(
        wrong.is_empty(),
        "recipes out of step with Cargo.toml's version {version}; run \
         `FMLINT_UPDATE_VERSIONS=1 cargo test --test packaging` to rewrite them:\n{}",
        wrong.join("\n")
    );
    // Not vacuous: the install page and the packages were read.
    for what in [
        "rev: v",
        "fmlint@v",
        "fmlint==",
        "fmlint@",
        "--tag v",
        "package.json version",
        "optional dependency",
        "pyproject.toml version",
    ] {
        assert!(seen.contains(what), "no `{what}` version found anywhere");
    }
    assert!(total >= 20, "only {total} versions found");
}

#[test]
fn the_version_scanner_reads_what_it_should() {
    let text =
        "repos:\n-   repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v5.0.0\n\
                -   repo: https://github.com/OWNER/fmlint-pre-commit\n    rev: v0.1.0\n\
                uses: OWNER/fmlint@v0.1.0 and actions/checkout@v6\n\
                pip install fmlint==0.1.0; npx fmlint@0.1.0; npx fmlint@latest; rev: vX.Y.Z\n";
    let found = versions_in("x.md", text);
    let got: Vec<(&str, &str)> = found.iter().map(|f| (f.what, f.version.as_str())).collect();
    assert_eq!(
        got,
        [
            ("rev: v", "0.1.0"),
            ("fmlint@v", "0.1.0"),
            ("fmlint==", "0.1.0"),
            ("fmlint@", "0.1.0"),
        ]
    );
    assert_eq!(&text[found[0].start..found[0].end], "0.1.0");
    assert_eq!(found[0].line, 5);
}

/// Every command that runs `cargo install` (in the docs, the README, the
/// action, the workflows, the hooks) passes `--locked`: without it cargo
/// ignores Cargo.lock and builds with whatever dependency versions are
/// newest that day. Prose that names the command (`` `cargo install` ``)
/// is not a command.
#[test]
fn every_cargo_install_is_locked() {
    let mut files = vec![
        "README.md".to_string(),
        "action.yml".to_string(),
        ".pre-commit-hooks.yaml".to_string(),
        "CONTRIBUTING.md".to_string(),
    ];
    // Pictures are not commands.
    files.extend(
        files_under("docs")
            .into_iter()
            .filter(|f| !f.starts_with("docs/images/")),
    );
    files.extend(files_under(".github"));
    files.extend(files_under("npm"));
    files.extend(files_under("pre-commit-mirror"));
    files.extend(files_under("tests/packaging"));
    files.retain(|f| root().join(f).is_file());

    let mut unlocked = Vec::new();
    let mut commands = 0;
    for file in &files {
        let text = read(file);
        // Join shell continuation lines.
        let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
        for (n, line) in joined.lines().enumerate() {
            let mut from = 0;
            while let Some(at) = line[from..].find("cargo install") {
                let rest = &line[from + at + "cargo install".len()..];
                from += at + "cargo install".len();
                let prose = rest.is_empty()
                    || rest.starts_with('`')
                    || rest.starts_with(|c: char| c.is_ascii_punctuation() && c != '-');
                if prose {
                    continue;
                }
                commands += 1;
                // The command ends at a closing backtick, `;`, `&&`, `|`.
                let end = rest.find(['`', ';', '|', '&']).unwrap_or(rest.len());
                if !rest[..end].contains("--locked") {
                    unlocked.push(format!("{file}: {}", line.trim()));
                }
            }
            let _ = n;
        }
    }
    assert!(
        unlocked.is_empty(),
        "`cargo install` without --locked:\n{}",
        unlocked.join("\n")
    );
    assert!(
        commands >= 5,
        "only {commands} cargo install commands found"
    );
}

/// The platform keys of the npm packages (`linux-x64`, …): the folders
/// npm/cli-*, the launcher's optional dependencies, the launcher's table,
/// and the release workflow's build matrix (`npm: …`) are the same set.
#[test]
fn npm_platforms_launcher_and_release_matrix_agree() {
    let dirs: BTreeSet<String> = files_under("npm")
        .into_iter()
        .filter_map(|f| {
            let f = f.strip_prefix("npm/cli-")?;
            let (dir, file) = f.split_once('/')?;
            (file == "package.json").then(|| dir.to_string())
        })
        .collect();
    assert!(dirs.len() >= 7, "platform packages: {dirs:?}");

    let launcher = read("npm/fmlint/package.json");
    let optional: BTreeSet<String> = launcher
        .match_indices("\"@fmlint/cli-")
        .map(|(at, m)| {
            let rest = &launcher[at + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect();
    assert_eq!(
        optional, dirs,
        "npm/fmlint/package.json optionalDependencies"
    );

    let script = read("npm/fmlint/bin/fmlint.js");
    let in_script: BTreeSet<String> = script
        .match_indices("\"@fmlint/cli-")
        .map(|(at, m)| {
            let rest = &script[at + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect();
    assert_eq!(in_script, dirs, "npm/fmlint/bin/fmlint.js PACKAGES");

    for dir in &dirs {
        let manifest = read(&format!("npm/cli-{dir}/package.json"));
        assert!(
            manifest.contains(&format!("\"name\": \"@fmlint/cli-{dir}\"")),
            "npm/cli-{dir}/package.json names another package"
        );
        let exe = if dir.starts_with("win32") {
            "fmlint.exe"
        } else {
            "fmlint"
        };
        assert!(
            manifest.contains(&format!("\"files\": [\n    \"{exe}\"\n  ]")),
            "npm/cli-{dir}/package.json must ship exactly `{exe}`"
        );
    }

    let release = read(".github/workflows/release.yml");
    let in_matrix: BTreeSet<String> = release
        .lines()
        .filter_map(|l| l.trim().strip_prefix("npm: "))
        .map(|s| s.trim().to_string())
        .collect();
    assert_eq!(in_matrix, dirs, "release.yml build matrix `npm:` keys");
}

/// cargo-binstall finds the archives the release workflow attaches:
/// `fmlint-v{version}-{target}.tar.gz` (`.zip` on Windows) holding
/// `fmlint-v{version}-{target}/fmlint[.exe]`; the action downloads the same.
#[test]
fn binstall_metadata_names_the_release_archives() {
    let cargo = read("Cargo.toml");
    let meta = "package.metadata.binstall";
    let pkg_url = toml_string(&cargo, meta, "pkg-url").expect("binstall pkg-url");
    assert!(
        pkg_url.ends_with(
            "/releases/download/v{ version }/{ name }-v{ version }-{ target }{ archive-suffix }"
        ),
        "{pkg_url}"
    );
    let bin_dir = toml_string(&cargo, meta, "bin-dir").expect("binstall bin-dir");
    assert_eq!(
        bin_dir,
        "{ name }-v{ version }-{ target }/{ bin }{ binary-ext }"
    );
    assert_eq!(toml_string(&cargo, meta, "pkg-fmt").as_deref(), Some("tgz"));
    assert_eq!(
        toml_string(
            &cargo,
            "package.metadata.binstall.overrides.x86_64-pc-windows-msvc",
            "pkg-fmt"
        )
        .as_deref(),
        Some("zip")
    );

    let release = read(".github/workflows/release.yml");
    assert!(
        release.contains("name=\"fmlint-v${VERSION}-${TARGET}\""),
        "release.yml names its archives fmlint-v$VERSION-$TARGET"
    );
    let action = read("action.yml");
    assert!(
        action.contains("name=\"fmlint-${tag}-${target}\""),
        "action.yml downloads fmlint-$tag-$target"
    );
    // Every target the action downloads is built by the release workflow.
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(action.contains(target), "action.yml lacks {target}");
        assert!(
            release.contains(&format!("target: {target}")),
            "release.yml does not build {target}"
        );
    }
}

/// The wheel-based hook in the pre-commit mirror is the source-built hook
/// of this repository with `language: python`: same id, entry, arguments,
/// file types.
#[test]
fn the_pre_commit_mirror_hook_matches_the_source_hook() {
    fn hook_lines(text: &str) -> Vec<String> {
        text.lines()
            .map(str::trim_end)
            .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
            .filter(|l| !l.trim_start().starts_with("language:"))
            .map(str::to_string)
            .collect()
    }
    let source = read(".pre-commit-hooks.yaml");
    let mirror = read("pre-commit-mirror/.pre-commit-hooks.yaml");
    assert!(source.contains("  language: rust\n"), "{source}");
    assert!(mirror.contains("  language: python\n"), "{mirror}");
    assert_eq!(hook_lines(&mirror), hook_lines(&source));

    let pyproject = read("pre-commit-mirror/pyproject.toml");
    let version = cargo_version();
    assert!(
        pyproject.contains(&format!("dependencies = [\"fmlint=={version}\"]")),
        "{pyproject}"
    );
}
