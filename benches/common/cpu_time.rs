//! CPU time beside criterion's wall clock. The development machine has two
//! cores shared with other work, so wall time also counts the waits for a
//! core; the CPU time a run used says what the code costs whatever the load.
//! `benches/compare_shapes.sh` reads the lines [`CpuTimes::report`] prints.
#![allow(dead_code)] // each benchmark uses a part

/// CPU seconds used so far by the whole process (every thread), or by the
/// calling thread.
#[derive(Clone, Copy)]
pub enum Clock {
    Process,
    Thread,
}

impl Clock {
    #[cfg(unix)]
    pub fn now(self) -> f64 {
        let id = match self {
            Clock::Process => libc::CLOCK_PROCESS_CPUTIME_ID,
            Clock::Thread => libc::CLOCK_THREAD_CPUTIME_ID,
        };
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes the timespec it is given and nothing else.
        unsafe { libc::clock_gettime(id, &mut ts) };
        ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
    }

    #[cfg(not(unix))]
    pub fn now(self) -> f64 {
        f64::NAN
    }
}

/// The CPU time of each run of one benchmark.
pub struct CpuTimes {
    id: String,
    clock: Clock,
    seconds: Vec<f64>,
}

impl CpuTimes {
    /// For the benchmark criterion calls `id` (`group/function`).
    pub fn new(id: &str, clock: Clock) -> Self {
        Self {
            id: id.to_string(),
            clock,
            seconds: Vec::new(),
        }
    }

    /// Runs `f` once, recording its CPU time.
    pub fn run<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let start = self.clock.now();
        let out = f();
        self.seconds.push(self.clock.now() - start);
        out
    }

    /// Prints `cpu time<TAB>id<TAB>median seconds<TAB>runs` to stderr, when
    /// there were runs (a filter may leave the benchmark out).
    pub fn report(&self) {
        let mut sorted = self.seconds.clone();
        sorted.sort_by(f64::total_cmp);
        if let Some(median) = sorted.get(sorted.len() / 2) {
            eprintln!("cpu time\t{}\t{median:.6}\t{}", self.id, sorted.len());
        }
    }
}

/// The calling thread's CPU time in milliseconds (0 where the platform has no
/// such clock).
pub fn cpu_ms() -> f64 {
    let now = Clock::Thread.now() * 1e3;
    if now.is_nan() { 0.0 } else { now }
}

/// Median CPU time of `runs` calls of `f`, in milliseconds.
pub fn median_cpu_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = cpu_ms();
            f();
            cpu_ms() - start
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
