//! Scanning an image folder into a project in the background: a worker thread walks
//! the folder and reads headers; the owner of the `Project` drains batches into it,
//! so the first images are usable long before a large scan ends.

use super::JobError;
use crate::media::{ScanEvent, ScanSummary, scan_folder};
use crate::project::{NewItem, Project, ProjectError};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::thread::JoinHandle;

/// Files per batch after the first, which is sent at once.
const BATCH: usize = 512;

enum Message {
    Batch(Vec<NewItem>),
    Done(Result<ScanSummary, String>),
}

/// A folder scan running on its own thread.
pub struct BackgroundScan {
    rx: Receiver<Message>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    found: usize,
    finished: Option<Result<ScanSummary, String>>,
}

impl BackgroundScan {
    pub fn start(root: PathBuf) -> Self {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = cancel.clone();
        let thread = std::thread::Builder::new()
            .name("shugu-scan".into())
            .spawn(move || {
                let result = scan_folder(&root, BATCH, |event| match event {
                    ScanEvent::Batch(files) => {
                        let items = files
                            .into_iter()
                            .map(|f| match f.info {
                                Ok(info) => NewItem {
                                    rel_path: f.rel_path,
                                    width: info.width,
                                    height: info.height,
                                    error: None,
                                },
                                Err(e) => NewItem {
                                    error: Some(format!("{}: {}", f.rel_path, e.problem())),
                                    rel_path: f.rel_path,
                                    width: 0,
                                    height: 0,
                                },
                            })
                            .collect();
                        tx.send(Message::Batch(items)).is_ok() && !stop.load(Ordering::Relaxed)
                    }
                    ScanEvent::Done(_) => true,
                });
                let _ = tx.send(Message::Done(result.map_err(|e| e.to_string())));
            })
            .ok();
        Self {
            rx,
            cancel,
            thread,
            found: 0,
            finished: None,
        }
    }

    /// Moves every batch that has arrived into the project. Returns how many new
    /// items were added.
    pub fn drain_into(&mut self, project: &mut Project) -> Result<usize, ProjectError> {
        let mut added = 0;
        loop {
            match self.rx.try_recv() {
                Ok(Message::Batch(items)) => {
                    self.found += items.len();
                    added += project.add_items(&items)?.len();
                }
                Ok(Message::Done(result)) => self.finished = Some(result),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if self.finished.is_none() {
                        self.finished = Some(Err("the scan stopped unexpectedly".into()));
                    }
                    break;
                }
            }
        }
        Ok(added)
    }

    /// Blocks until the scan ends, moving every batch into the project.
    pub fn finish_into(
        mut self,
        project: &mut Project,
        mut on_progress: impl FnMut(usize),
    ) -> Result<ScanSummary, JobError> {
        while self.finished.is_none() {
            match self.rx.recv() {
                Ok(Message::Batch(items)) => {
                    self.found += items.len();
                    project.add_items(&items)?;
                    on_progress(self.found);
                }
                Ok(Message::Done(result)) => self.finished = Some(result),
                Err(_) => self.finished = Some(Err("the scan stopped unexpectedly".into())),
            }
        }
        match self.finished.take() {
            Some(Ok(summary)) => Ok(summary),
            Some(Err(message)) => Err(JobError::Failed(message)),
            None => Err(JobError::Failed("the scan stopped unexpectedly".into())),
        }
    }

    /// Image files found so far.
    pub fn found(&self) -> usize {
        self.found
    }

    /// The summary once the scan has ended.
    pub fn finished(&self) -> Option<&Result<ScanSummary, String>> {
        self.finished.as_ref()
    }
}

impl Drop for BackgroundScan {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        // Dropping the receiver makes the worker's next send fail, so it stops soon;
        // don't wait for it on the UI thread.
        drop(self.thread.take());
    }
}
