//! The calling thread's CPU time, printed beside criterion's wall-clock figures:
//! on a machine shared with other work, wall time also counts the waits for a core.
#![allow(dead_code)] // each bench uses a subset

/// The thread's CPU time in milliseconds (0 where the platform has no such clock).
pub fn cpu_ms() -> f64 {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes the timespec it is given and nothing else.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
    }
    #[cfg(not(unix))]
    {
        0.0
    }
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
