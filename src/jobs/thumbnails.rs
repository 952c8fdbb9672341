//! Filling a project's thumbnail cache (`cache/thumbnails/` in the project folder) for
//! every item, on worker threads, for `shugu thumbnails` and the gallery.

use super::Progress;
use crate::media::{Filled, MediaError, ThumbnailCache};
use crate::project::Project;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// The longest side of a cached thumbnail, in pixels: the gallery's largest tile.
pub const THUMBNAIL_SIDE: u32 = 256;

/// The thumbnail cache of the project in `project_dir`.
pub fn project_cache(project_dir: &Path) -> ThumbnailCache {
    ThumbnailCache::new(project_dir.join("cache").join("thumbnails"), THUMBNAIL_SIDE)
}

/// What a fill did.
#[derive(Debug, Default)]
pub struct FillReport {
    pub made: usize,
    pub cached: usize,
    /// One per image that could not be read, naming it.
    pub failed: Vec<MediaError>,
}

/// The image files of every item of `project`, in item order.
pub fn item_paths(project: &Project) -> Vec<PathBuf> {
    project
        .items()
        .iter()
        .map(|i| project.item_path(i))
        .collect()
}

/// Makes the missing thumbnails of `paths` on `threads` threads (at least one),
/// reporting progress on the calling thread.
pub fn fill_cache(
    cache: &ThumbnailCache,
    paths: &[PathBuf],
    threads: usize,
    progress: &mut dyn FnMut(Progress),
) -> FillReport {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    let mut report = FillReport::default();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, paths.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    if tx.send(cache.fill(path)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let total = Some(paths.len());
        progress(Progress { done: 0, total });
        for (done, result) in rx.iter().enumerate() {
            match result {
                Ok(Filled::Made) => report.made += 1,
                Ok(Filled::Cached) => report.cached += 1,
                Err(e) => report.failed.push(e),
            }
            progress(Progress {
                done: done + 1,
                total,
            });
        }
    });
    report
}
