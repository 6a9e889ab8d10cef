//! Panic isolation: a bug in one rule on one file must not take the run
//! down. A pre-commit hook or CI gate that crashes on one odd article blocks
//! a whole team; one that reports "rule X failed on this file, please report
//! it" and checks everything else does not.
//!
//! [`catching`] runs a closure under `catch_unwind` and turns a panic into a
//! [`Panic`] (message and source location). While something is being caught
//! the process-wide hook installed by [`install_hook`] records the location
//! instead of printing the usual `thread '…' panicked at …` lines; panics
//! outside [`catching`] still go to the previous hook.
//!
//! Debug builds (the ones tests run) can be told to panic inside a rule:
//! `FMLINT_DEBUG_PANIC=RULE` or `FMLINT_DEBUG_PANIC=RULE:PATH-SUBSTRING`.
//! Release builds compile that hook out.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

/// A caught panic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panic {
    pub message: String,
    /// `src/rules/dates.rs:42:9`, when the hook saw it.
    pub location: Option<String>,
}

impl Panic {
    /// `"the message (at src/x.rs:1:2)"`.
    pub fn describe(&self) -> String {
        match &self.location {
            Some(location) => format!("{} (at {location})", self.message),
            None => self.message.clone(),
        }
    }
}

thread_local! {
    /// How many [`catching`] calls are running on this thread.
    static CATCHING: Cell<u32> = const { Cell::new(0) };
    /// The location of the last panic caught on this thread.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the hook that keeps caught panics quiet. Idempotent.
pub fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) > 0 {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                LOCATION.with(|slot| *slot.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `Err`. Whatever `f` mutated before
/// panicking is left as it was: callers discard partial output.
pub fn catching<T>(f: impl FnOnce() -> T) -> Result<T, Panic> {
    CATCHING.with(|c| c.set(c.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get().saturating_sub(1)));
    outcome.map_err(|payload| {
        let message = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "a panic without a message".to_string()
        };
        Panic {
            message,
            location: LOCATION.with(|slot| slot.borrow_mut().take()),
        }
    })
}

/// Runs one rule's check on `path` (`kind` is "rule" or "cross-file
/// rule"): a panic comes back as the message of its internal error. The one
/// place rules are isolated, and where debug builds can make them panic.
pub fn run_rule(
    kind: &str,
    name: &str,
    path: &std::path::Path,
    check: impl FnOnce(),
) -> Result<(), String> {
    catching(|| {
        debug_panic(name, path);
        check()
    })
    .map_err(|panic| report_request(&format!("{kind} `{name}`"), &panic))
}

/// The message of an `internal-error` finding or run error.
pub fn report_request(what: &str, panic: &Panic) -> String {
    format!(
        "internal error: {what} panicked: {}; this is a bug in fmlint, please report it with \
         the file that triggered it",
        panic.describe()
    )
}

/// Debug builds only: panics if `FMLINT_DEBUG_PANIC` names `rule` (and, when
/// it has a `:PATH` part, `path` contains it). Lets tests exercise
/// [`catching`] through the real binary.
#[cfg(debug_assertions)]
fn debug_panic(rule: &str, path: &std::path::Path) {
    use std::sync::OnceLock;
    static TARGET: OnceLock<Option<(String, Option<String>)>> = OnceLock::new();
    let target = TARGET.get_or_init(|| {
        let value = std::env::var("FMLINT_DEBUG_PANIC").ok()?;
        Some(match value.split_once(':') {
            Some((rule, path)) => (rule.to_string(), Some(path.to_string())),
            None => (value, None),
        })
    });
    if let Some((name, part)) = target {
        let path_matches = part
            .as_deref()
            .is_none_or(|part| path.to_string_lossy().contains(part));
        if name == rule && path_matches {
            panic!("FMLINT_DEBUG_PANIC asked rule `{rule}` to panic");
        }
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
fn debug_panic(_rule: &str, _path: &std::path::Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message_and_location() {
        install_hook();
        let caught = catching(|| -> u32 { panic!("boom {}", 42) }).unwrap_err();
        assert_eq!(caught.message, "boom 42");
        let location = caught.location.expect("the hook records the location");
        assert!(
            location.starts_with("crates/fmlint_linter/src/isolate.rs:"),
            "{location}"
        );
        assert_eq!(catching(|| 7), Ok(7));
    }

    #[test]
    fn nested_catching_keeps_the_outer_one_active() {
        install_hook();
        let outer = catching(|| {
            let inner = catching(|| panic!("inner"));
            assert!(inner.is_err());
            panic!("outer")
        });
        let outer: Result<(), Panic> = outer;
        assert_eq!(outer.unwrap_err().message, "outer");
    }
}
