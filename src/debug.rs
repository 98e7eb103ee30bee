//! Debug output: rustls's `log` records (and our own) routed to the debug callback of the
//! configuration whose connection is being driven on this thread.
//!
//! `mbedtls_debug_set_threshold` is process-wide, as in Mbed TLS. The callback belongs to a
//! configuration; while a context runs a handshake/read/write it installs its configuration's
//! sink for the current thread ([`with_sink`]), so records from that work reach that callback.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicI32, Ordering};

use crate::config::DebugSink;

/// The level set by `mbedtls_debug_set_threshold`: records above it are dropped.
static THRESHOLD: AtomicI32 = AtomicI32::new(0);
/// Guards the one `log::set_logger` call, made by the first `set_threshold`: programs that never
/// ask for debug output leave the `log` facade alone.
static INSTALL_LOGGER: Once = Once::new();

thread_local! {
    /// The sink of the configuration whose context this thread is driving, if any.
    static THREAD_SINK: RefCell<Option<Arc<dyn DebugSink>>> = const { RefCell::new(None) };
}

/// Mbed TLS's debug level of a `log` record: 1 error, 2 state change, 3 informational, 4 verbose.
fn level_of(level: log::Level) -> i32 {
    match level {
        log::Level::Error => 1,
        log::Level::Warn | log::Level::Info => 2,
        log::Level::Debug => 3,
        log::Level::Trace => 4,
    }
}

fn max_level_for(threshold: i32) -> log::LevelFilter {
    match threshold {
        i32::MIN..=0 => log::LevelFilter::Off,
        1 => log::LevelFilter::Error,
        2 => log::LevelFilter::Info,
        3 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    }
}

/// The `log` logger that passes records to this thread's sink.
struct SinkLogger;

impl log::Log for SinkLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        level_of(metadata.level()) <= THRESHOLD.load(Ordering::Relaxed)
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // A sink that logs from inside its own callback would re-enter here: skip instead.
        let Ok(current) = THREAD_SINK.try_with(|c| c.try_borrow().ok().and_then(|c| c.clone())) else {
            return;
        };
        if let Some(sink) = current {
            let text = format!("{}\n", record.args());
            let file = record.file().unwrap_or(record.target());
            sink.emit(level_of(record.level()), file, record.line().unwrap_or(0), &text);
        }
    }

    fn flush(&self) {}
}

static SINK_LOGGER: SinkLogger = SinkLogger;

/// `mbedtls_debug_set_threshold`: the highest level passed to debug callbacks (0 = none).
pub(crate) fn set_threshold(threshold: i32) {
    INSTALL_LOGGER.call_once(|| {
        // Fails only when the host program (a Rust program using this crate) has its own
        // logger; then that logger keeps the records.
        let _ = log::set_logger(&SINK_LOGGER);
    });
    THRESHOLD.store(threshold, Ordering::Relaxed);
    log::set_max_level(max_level_for(threshold));
}

/// Runs `f` with `sink` receiving this thread's debug records.
pub(crate) fn with_sink<R>(sink: Option<&Arc<dyn DebugSink>>, f: impl FnOnce() -> R) -> R {
    if sink.is_none() || THRESHOLD.load(Ordering::Relaxed) <= 0 {
        return f();
    }
    let previous = THREAD_SINK.with(|c| c.replace(sink.cloned()));
    // A guard, so that the previous sink comes back even when `f` panics (calls may nest when
    // a callback drives another context).
    struct Restore(Option<Arc<dyn DebugSink>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            let _ = THREAD_SINK.try_with(|c| *c.borrow_mut() = previous);
        }
    }
    let _restore = Restore(previous);
    f()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct Collect(Mutex<Vec<(i32, String)>>);
    impl DebugSink for Collect {
        fn emit(&self, level: i32, _file: &str, _line: u32, text: &str) {
            self.0.lock().unwrap().push((level, text.to_string()));
        }
    }

    #[test]
    fn records_reach_the_current_sink_below_the_threshold_only() {
        let sink = Arc::new(Collect(Mutex::new(Vec::new())));
        let dyn_sink: Arc<dyn DebugSink> = sink.clone();
        set_threshold(3);
        with_sink(Some(&dyn_sink), || {
            log::debug!("informational");
            log::trace!("verbose");
            log::error!("error");
        });
        log::error!("outside any sink");
        set_threshold(0);
        let got = sink.0.lock().unwrap().clone();
        assert_eq!(got, vec![(3, "informational\n".into()), (1, "error\n".into())]);
    }
}
