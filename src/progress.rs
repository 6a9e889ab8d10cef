//! A progress line on standard error while a large corpus is read: only
//! on a terminal, only after the run has taken a second (a quick run shows
//! nothing), and erased before the findings are printed.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use fmlint_engine::check::{Progress, Target};

/// The running display; [`Display::stop`] erases it.
pub struct Display {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

/// Starts showing how far the check of `target` is when standard error is
/// a terminal (only then does the check count its files).
/// `FMLINT_PROGRESS_DELAY_MS` sets the delay (tests use 0).
pub fn start(target: &mut Target) -> Option<Display> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let progress = target.progress.get_or_insert_with(Default::default);
    let delay = std::env::var("FMLINT_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis);
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let (stop, progress) = (stop.clone(), progress.clone());
        std::thread::spawn(move || show(&progress, &stop, delay))
    };
    Some(Display { stop, thread })
}

impl Display {
    /// Stops the display and erases its line.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

fn show(progress: &Progress, stop: &AtomicBool, delay: Duration) {
    let tick = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    while waited < delay {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(tick.min(delay - waited));
        waited += tick;
    }
    let mut err = std::io::stderr();
    loop {
        let _ = write!(err, "\r\x1b[Kchecking: {}", stage(progress));
        let _ = err.flush();
        if stop.load(Ordering::Relaxed) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = write!(err, "\r\x1b[K");
    let _ = err.flush();
}

/// What the run is doing, in words.
fn stage(progress: &Progress) -> String {
    match progress.get() {
        (_, 0) => "finding the files".to_string(),
        (done, total) if done < total => format!("{done} of {total} files read"),
        (_, total) => format!("{total} files read; cross-file references"),
    }
}
