//! Work on a background thread that always ends: with its result, or with a
//! failure the UI shows. Every window that waits on a thread (imports,
//! exports, packages, a new text project, the dashboard's figures) uses a
//! [`Worker`], so a panic in the work frees the UI instead of leaving a
//! progress window up forever.

use eframe::egui;
use rust_i18n::t;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// How far the work has come, set from the worker thread and read by the UI.
#[derive(Clone, Default)]
pub struct Progress(Arc<AtomicU32>);

impl Progress {
    /// Records the fraction done, `0.0..=1.0`.
    pub fn set(&self, fraction: f32) {
        self.0
            .store(fraction.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
    }

    pub fn get(&self) -> f32 {
        f32::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// The work ended without a result: it panicked (with this message, when
/// the panic carried one), or its thread could not start or went away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerFailed(pub Option<String>);

impl std::fmt::Display for WorkerFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(reason) => f.write_str(&t!("worker.stopped_because", reason = reason)),
            None => f.write_str(&t!("worker.stopped")),
        }
    }
}

enum Message<T> {
    Done(T),
    Failed(String),
}

/// One piece of work on its own thread.
pub struct Worker<T> {
    rx: Receiver<Message<T>>,
    progress: Progress,
}

impl<T: Send + 'static> Worker<T> {
    /// Runs `work` on a thread named `name`. A panic in it is caught and
    /// becomes the failure [`Worker::poll`] returns.
    pub fn spawn(name: &str, work: impl FnOnce(&Progress) -> T + Send + 'static) -> Self {
        let (tx, rx) = channel();
        let progress = Progress::default();
        let report = progress.clone();
        let failed = tx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("shugu-{name}"))
            .spawn(move || {
                // AssertUnwindSafe: after a panic nothing the work touched is
                // used again; only its message leaves the thread.
                let message = match catch_unwind(AssertUnwindSafe(|| work(&report))) {
                    Ok(result) => Message::Done(result),
                    Err(payload) => Message::Failed(panic_message(payload.as_ref())),
                };
                let _ = tx.send(message);
            });
        if let Err(e) = spawned {
            let _ = failed.send(Message::Failed(e.to_string()));
        }
        Self { rx, progress }
    }

    /// The result once the work has ended; `None` while it runs. A thread
    /// that went away without a result is a failure too.
    pub fn poll(&mut self) -> Option<Result<T, WorkerFailed>> {
        match self.rx.try_recv() {
            Ok(Message::Done(result)) => Some(Ok(result)),
            Ok(Message::Failed(reason)) => Some(Err(WorkerFailed(Some(reason)))),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(WorkerFailed(None))),
        }
    }

    /// The fraction done the work reported last.
    pub fn fraction(&self) -> f32 {
        self.progress.get()
    }
}

/// The window a job shows while it runs: the file or folder it works on and
/// a progress bar. It repaints until the job ends.
pub fn progress_window(ctx: &egui::Context, title: &str, id: &str, path: &Path, fraction: f32) {
    egui::Window::new(title)
        .id(egui::Id::unique(id))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.label(path.display().to_string());
            ui.add(egui::ProgressBar::new(fraction).show_percentage());
        });
    ctx.request_repaint_after(std::time::Duration::from_millis(100));
}

/// The text a panic was raised with, if it was a string.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| t!("worker.no_message").into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn wait<T: Send + 'static>(worker: &mut Worker<T>) -> Result<T, WorkerFailed> {
        for _ in 0..500 {
            if let Some(end) = worker.poll() {
                return end;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the worker never ended");
    }

    #[test]
    fn a_result_comes_back() {
        let mut worker = Worker::spawn("test", |progress| {
            progress.set(0.5);
            7
        });
        assert_eq!(wait(&mut worker), Ok(7));
        assert_eq!(worker.fraction(), 0.5);
    }

    #[test]
    fn a_panic_is_a_failure_with_its_message() {
        let mut worker: Worker<()> = Worker::spawn("test", |_| panic!("index out of bounds: 9"));
        let failed = wait(&mut worker).unwrap_err();
        assert_eq!(failed, WorkerFailed(Some("index out of bounds: 9".into())));
        let text = failed.to_string();
        assert!(text.contains("stopped unexpectedly"), "{text}");
        assert!(text.contains("index out of bounds: 9"), "{text}");
    }

    #[test]
    fn a_panic_without_text_still_fails() {
        let mut worker: Worker<()> = Worker::spawn("test", |_| std::panic::panic_any(42_u8));
        assert!(wait(&mut worker).is_err());
    }

    #[test]
    fn a_thread_gone_without_a_result_is_a_failure() {
        let (tx, rx) = channel::<Message<()>>();
        drop(tx);
        let mut worker = Worker {
            rx,
            progress: Progress::default(),
        };
        assert_eq!(worker.poll(), Some(Err(WorkerFailed(None))));
    }

    #[test]
    fn progress_is_clamped() {
        let progress = Progress::default();
        progress.set(3.0);
        assert_eq!(progress.get(), 1.0);
        progress.set(-1.0);
        assert_eq!(progress.get(), 0.0);
    }
}
