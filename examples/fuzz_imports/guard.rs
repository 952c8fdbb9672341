//! The bounds every input runs under: a counting allocator (one allocation or
//! the live total over the budget stops the input), a watchdog thread (an
//! input running too long, or an allocation over budget, is reported and
//! ends the process) and a panic hook that records every panic, also those on
//! worker threads that the code under test turns into errors.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The system allocator, counting live bytes and refusing to go over a budget:
/// the thread that would is put to sleep and the watchdog reports it (a
/// failed allocation would abort the process without naming the input).
pub struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static BUDGET: AtomicUsize = AtomicUsize::new(usize::MAX);
/// The size of the allocation that went over the budget; 0 while none has.
static OVER_BUDGET: AtomicUsize = AtomicUsize::new(0);
/// Live bytes when it went over.
static OVER_BUDGET_LIVE: AtomicUsize = AtomicUsize::new(0);

impl CountingAllocator {
    /// Stops here, for good, when `size` more bytes would exceed the budget.
    fn check(size: usize, growth: usize) {
        let budget = BUDGET.load(Ordering::Relaxed);
        let live = LIVE.load(Ordering::Relaxed);
        if (size > budget || live.saturating_add(growth) > budget)
            && OVER_BUDGET
                .compare_exchange(0, size.max(1), Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        {
            OVER_BUDGET_LIVE.store(live, Ordering::SeqCst);
            // Only the first thread over the budget stops; the watchdog needs
            // to allocate to report it. Sleeping does not allocate.
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
    }

    fn added(size: usize) {
        let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to `System` with the same arguments; the
// counters are plain atomics and `check` never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::check(layout.size(), layout.size());
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            Self::added(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::check(layout.size(), layout.size());
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            Self::added(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::check(new_size, new_size.saturating_sub(layout.size()));
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            Self::added(new_size);
        }
        p
    }
}

/// Live bytes now and the most there were since the last reset.
pub fn memory() -> (usize, usize) {
    (LIVE.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed))
}

pub fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// What the watchdog needs to report the input that is running.
#[derive(Clone, Debug)]
pub struct Running {
    pub importer: String,
    /// Which input it is ("input #12 of seed 7"), to make it again.
    pub label: String,
    /// The input as the importer reads it: a file or a dataset folder.
    pub case: PathBuf,
    /// The images a file input was read against, when it had its own.
    pub images: Option<PathBuf>,
    /// Copy it to the failures folder when it fails (not when replaying).
    pub save: bool,
}

struct Watch {
    running: Mutex<Option<Running>>,
    /// Milliseconds since `epoch` when the running input started; 0 when idle.
    started_ms: AtomicU64,
    epoch: Instant,
    timeout: Duration,
    /// Called once, from the watchdog thread, before the process ends.
    on_exit: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

static WATCH: OnceLock<Watch> = OnceLock::new();
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static RECORD_PANICS: AtomicBool = AtomicBool::new(false);

/// Exit codes of a worker that the supervisor reads.
pub const EXIT_HANG: i32 = 2;
pub const EXIT_MEMORY: i32 = 3;

/// Sets the bounds and starts the watchdog thread. `on_exit` runs before the
/// watchdog ends the process (the worker writes its figures there).
pub fn install(timeout: Duration, budget: usize, on_exit: Box<dyn FnOnce() + Send>) {
    BUDGET.store(budget, Ordering::SeqCst);
    let watch = WATCH.get_or_init(|| Watch {
        running: Mutex::new(None),
        started_ms: AtomicU64::new(0),
        epoch: Instant::now(),
        timeout,
        on_exit: Mutex::new(None),
    });
    *lock(&watch.on_exit) = Some(on_exit);
    std::panic::set_hook(Box::new(|info| {
        if RECORD_PANICS.load(Ordering::SeqCst) {
            let thread = std::thread::current();
            let place = info
                .location()
                .map_or_else(|| "unknown place".into(), |l| l.to_string());
            let message = panic_message(info.payload());
            lock(&PANICS).push(format!(
                "panicked at {place} (thread {}): {message}",
                thread.name().unwrap_or("unnamed")
            ));
        } else {
            eprintln!("{info}");
        }
    }));
    std::thread::Builder::new()
        .name("fuzz-watchdog".into())
        .spawn(|| watchdog(watch))
        .expect("the watchdog thread starts");
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".into()
    }
}

fn watchdog(watch: &'static Watch) {
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let over = OVER_BUDGET.load(Ordering::SeqCst);
        let started = watch.started_ms.load(Ordering::SeqCst);
        let now = watch.epoch.elapsed().as_millis() as u64;
        let timed_out =
            started != 0 && now.saturating_sub(started) > watch.timeout.as_millis() as u64;
        if over == 0 && !timed_out {
            continue;
        }
        let running = lock(&watch.running).clone();
        let (what, code) = if over != 0 {
            let live = OVER_BUDGET_LIVE.load(Ordering::SeqCst);
            (
                format!(
                    "over the memory budget: an allocation of {over} bytes with {live} bytes live (budget {} bytes)",
                    BUDGET.load(Ordering::SeqCst)
                ),
                EXIT_MEMORY,
            )
        } else {
            (
                format!("still running after {} s", watch.timeout.as_secs_f64()),
                EXIT_HANG,
            )
        };
        match running {
            Some(r) => {
                let saved = if r.save {
                    crate::failures::save(&r.importer, &r.case)
                } else {
                    r.case.clone()
                };
                let what = format!("{}: {what}", r.label);
                crate::failures::report(&r.importer, &what, &saved, r.images.as_deref());
            }
            None => eprintln!("FAIL (between inputs): {what}"),
        }
        if let Some(on_exit) = lock(&watch.on_exit).take() {
            on_exit();
        }
        std::process::exit(code);
    }
}

/// Runs one input under the bounds: returns the panics it caused (on any
/// thread), each with its place and message.
pub fn run_input(running: Running, input: impl FnOnce()) -> Vec<String> {
    let watch = WATCH.get().expect("guard::install was called");
    *lock(&watch.running) = Some(running);
    lock(&PANICS).clear();
    RECORD_PANICS.store(true, Ordering::SeqCst);
    let start = (watch.epoch.elapsed().as_millis() as u64).max(1);
    watch.started_ms.store(start, Ordering::SeqCst);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(input));
    watch.started_ms.store(0, Ordering::SeqCst);
    RECORD_PANICS.store(false, Ordering::SeqCst);
    *lock(&watch.running) = None;
    let mut panics = std::mem::take(&mut *lock(&PANICS));
    if let Err(payload) = outcome
        && panics.is_empty()
    {
        panics.push(panic_message(payload.as_ref()));
    }
    panics
}
