//! The queue between [`super::ImageLoader`] and its decoding threads.
//!
//! Two stacks, not one FIFO: a user flicking through images wants the *latest* image
//! first, so requests are served newest-first (LIFO), and prefetches (neighbours of the
//! current item) only when no request waits. Each stack is capped; when it overflows the
//! oldest job is dropped and handed back to the loader, which forgets it, so a fast scroll
//! past 1000 images does not leave 1000 stale decodes behind.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// One image to decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Job {
    pub key: u64,
    pub path: PathBuf,
    /// Downscale so that neither side exceeds this (the GPU's maximum texture side).
    pub max_side: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Priority {
    /// The user is waiting for this image.
    Request,
    /// Likely to be wanted soon.
    Prefetch,
}

/// Most jobs waiting in each stack.
const MAX_WAITING: usize = 16;

#[derive(Default)]
struct Stacks {
    /// Front is newest.
    requests: VecDeque<Job>,
    prefetches: VecDeque<Job>,
    shut_down: bool,
}

/// A blocking two-priority LIFO shared by the loader and its workers.
#[derive(Default)]
pub(crate) struct WorkQueue {
    stacks: Mutex<Stacks>,
    wake: Condvar,
}

impl WorkQueue {
    /// Queues `job` as the newest of its priority. A job already waiting for the same key
    /// is replaced (so re-requesting a prefetched key promotes it). Returns the keys of
    /// jobs dropped because the stack overflowed; they are no longer queued.
    pub fn push(&self, job: Job, priority: Priority) -> Vec<u64> {
        let mut stacks = self.lock();
        stacks.requests.retain(|j| j.key != job.key);
        stacks.prefetches.retain(|j| j.key != job.key);
        let stack = match priority {
            Priority::Request => &mut stacks.requests,
            Priority::Prefetch => &mut stacks.prefetches,
        };
        stack.push_front(job);
        let mut dropped = Vec::new();
        while stack.len() > MAX_WAITING {
            if let Some(old) = stack.pop_back() {
                dropped.push(old.key);
            }
        }
        drop(stacks);
        self.wake.notify_one();
        dropped
    }

    /// Moves the waiting job for `key`, if any, to the front of the requests. Does
    /// nothing if the job is not waiting (already being decoded, or never queued), so a
    /// key is never decoded twice at once.
    pub fn promote(&self, key: u64) {
        let mut stacks = self.lock();
        let waiting = if let Some(i) = stacks.requests.iter().position(|j| j.key == key) {
            stacks.requests.remove(i)
        } else if let Some(i) = stacks.prefetches.iter().position(|j| j.key == key) {
            stacks.prefetches.remove(i)
        } else {
            None
        };
        if let Some(job) = waiting {
            stacks.requests.push_front(job);
        }
    }

    /// Blocks until there is a job (requests first, newest first) or the queue is shut
    /// down, in which case it returns `None`.
    pub fn pop_blocking(&self) -> Option<Job> {
        let mut stacks = self.lock();
        loop {
            if stacks.shut_down {
                return None;
            }
            if let Some(job) = stacks.requests.pop_front() {
                return Some(job);
            }
            if let Some(job) = stacks.prefetches.pop_front() {
                return Some(job);
            }
            stacks = self
                .wake
                .wait(stacks)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Wakes every worker and makes [`WorkQueue::pop_blocking`] return `None` from now on.
    pub fn shut_down(&self) {
        let mut stacks = self.lock();
        stacks.shut_down = true;
        stacks.requests.clear();
        stacks.prefetches.clear();
        drop(stacks);
        self.wake.notify_all();
    }

    /// The queue's state stays consistent even if a thread panicked while holding the
    /// lock (every critical section is a few deque operations), so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, Stacks> {
        self.stacks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(key: u64) -> Job {
        Job {
            key,
            path: PathBuf::from(format!("{key}.jpg")),
            max_side: 2048,
        }
    }

    #[test]
    fn newest_request_first_then_prefetches() {
        let q = WorkQueue::default();
        q.push(job(1), Priority::Prefetch);
        q.push(job(2), Priority::Request);
        q.push(job(3), Priority::Request);
        q.push(job(4), Priority::Prefetch);
        let order: Vec<u64> = (0..4)
            .filter_map(|_| q.pop_blocking())
            .map(|j| j.key)
            .collect();
        assert_eq!(order, [3, 2, 4, 1]);
    }

    #[test]
    fn requesting_a_prefetched_key_promotes_it() {
        let q = WorkQueue::default();
        q.push(job(1), Priority::Prefetch);
        q.push(job(2), Priority::Request);
        q.push(job(1), Priority::Request);
        assert_eq!(q.pop_blocking().map(|j| j.key), Some(1));
        assert_eq!(q.pop_blocking().map(|j| j.key), Some(2));
    }

    #[test]
    fn promote_moves_a_waiting_job_and_never_adds_one() {
        let q = WorkQueue::default();
        q.push(job(1), Priority::Prefetch);
        q.push(job(2), Priority::Request);
        q.promote(1);
        q.promote(99);
        assert_eq!(q.pop_blocking().map(|j| j.key), Some(1));
        assert_eq!(q.pop_blocking().map(|j| j.key), Some(2));
        q.shut_down();
        assert_eq!(q.pop_blocking(), None, "nothing else was queued");
    }

    #[test]
    fn overflow_drops_the_oldest_and_reports_it() {
        let q = WorkQueue::default();
        let mut dropped = Vec::new();
        for key in 0..(MAX_WAITING as u64 + 2) {
            dropped.extend(q.push(job(key), Priority::Request));
        }
        assert_eq!(dropped, [0, 1]);
    }

    #[test]
    fn shut_down_releases_a_blocked_worker() {
        let q = std::sync::Arc::new(WorkQueue::default());
        let worker = {
            let q = q.clone();
            std::thread::spawn(move || q.pop_blocking())
        };
        std::thread::sleep(std::time::Duration::from_millis(20));
        q.shut_down();
        assert_eq!(worker.join().ok(), Some(None));
    }
}
