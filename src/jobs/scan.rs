//! Scanning an image folder into a project in the background: a worker thread walks
//! the folder and reads headers; the owner of the `Project` drains batches into it,
//! so the first images are usable long before a large scan ends. A rescan first
//! reads again the files of items that could not be read (a half-copied file is
//! whole now), so their size and error are brought up to date.

use super::JobError;
use crate::media::{ScanEvent, ScannedFile, probe, scan_folder};
pub use crate::media::{ScanSummary, SkipReason, SkippedFile};
use crate::model::Item;
use crate::project::{NewItem, Project, ProjectError};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::thread::JoinHandle;

/// Files per batch after the first, which is sent at once.
const BATCH: usize = 512;

enum Message {
    Batch(Vec<NewItem>),
    /// The facts of files already items, read again.
    Reprobed(Vec<NewItem>),
    Done(Result<ScanSummary, String>),
}

/// A scanned file as an item: its size, or why it cannot be used.
fn new_item(f: ScannedFile) -> NewItem {
    match f.info {
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
    }
}

/// The paths of the items whose file could not be read.
pub fn broken_paths(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.is_broken())
        .map(|i| i.rel_path.clone())
        .collect()
}

/// Reads the files at `paths` (relative to `root`) again.
fn reprobe(root: &Path, paths: &[String]) -> Vec<NewItem> {
    paths
        .par_iter()
        .map(|rel| {
            new_item(ScannedFile {
                rel_path: rel.clone(),
                info: probe(&root.join(rel)),
            })
        })
        .collect()
}

/// A folder scan running on its own thread.
pub struct BackgroundScan {
    rx: Receiver<Message>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Whether the folder is walked, not only broken items read again.
    walk: bool,
    found: usize,
    repaired: usize,
    finished: Option<Result<ScanSummary, String>>,
}

impl BackgroundScan {
    /// Walks `root` for image files.
    pub fn start(root: PathBuf) -> Self {
        Self::rescan(root, Vec::new(), true, || {})
    }

    /// Reads again the files at `broken` (relative to `root`, see
    /// [`broken_paths`]), then, when `walk`, walks `root` for new files.
    /// `wake` is called after each message the worker sends, so a window
    /// that shows no progress still looks at the result.
    pub fn rescan(
        root: PathBuf,
        broken: Vec<String>,
        walk: bool,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = cancel.clone();
        let thread = std::thread::Builder::new()
            .name("shugu-scan".into())
            .spawn(move || {
                let send = |message| {
                    let sent = tx.send(message).is_ok();
                    wake();
                    sent
                };
                if !broken.is_empty() && !send(Message::Reprobed(reprobe(&root, &broken))) {
                    return;
                }
                let result = if walk {
                    scan_folder(&root, BATCH, |event| match event {
                        ScanEvent::Batch(files) => {
                            let items = files.into_iter().map(new_item).collect();
                            send(Message::Batch(items)) && !stop.load(Ordering::Relaxed)
                        }
                        ScanEvent::Done(_) => true,
                    })
                    .map_err(|e| e.to_string())
                } else {
                    Ok(ScanSummary::default())
                };
                send(Message::Done(result));
            })
            .ok();
        Self {
            rx,
            cancel,
            thread,
            walk,
            found: 0,
            repaired: 0,
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
                Ok(Message::Reprobed(items)) => self.take_reprobed(project, &items)?,
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
        &mut self,
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
                Ok(Message::Reprobed(items)) => self.take_reprobed(project, &items)?,
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

    fn take_reprobed(
        &mut self,
        project: &mut Project,
        items: &[NewItem],
    ) -> Result<(), ProjectError> {
        let changed = project.update_item_facts(items)?;
        self.repaired += changed
            .iter()
            .filter(|&&id| project.item(id).is_some_and(|i| !i.is_broken()))
            .count();
        Ok(())
    }

    /// Whether the folder is walked for new files (a scan that shows its
    /// progress), not only broken items read again.
    pub fn walks(&self) -> bool {
        self.walk
    }

    /// Image files found so far.
    pub fn found(&self) -> usize {
        self.found
    }

    /// Items that could not be read before and can be now.
    pub fn repaired(&self) -> usize {
        self.repaired
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
