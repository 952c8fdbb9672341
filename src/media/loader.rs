//! Loading images into textures in the background, for the UI.
//!
//! The UI asks every frame for the image it shows ([`ImageLoader::request`]) and hints at
//! the ones it will show next ([`ImageLoader::prefetch`]); both return at once. Worker
//! threads run [`decode_for_display`] and upload the result with `Context::load_texture`
//! (egui's context is thread-safe), then ask for a repaint, so the UI thread never
//! decodes. Finished textures go into a byte-bounded LRU ([`super::texture_cache`]);
//! failures are cached too, so a broken file shows its message instead of being retried
//! every frame.
//!
//! The image shown — the key most recently passed to `request` — is never evicted,
//! whatever the budget. A view showing several images at once should size the budget to
//! hold all of them.

use super::color_image::to_color_image;
use super::decode::{DecodedImage, decode_for_display};
use super::jpeg_scan::ImageWarning;
use super::texture_cache::TextureCache;
use super::thumb_cache::ThumbnailCache;
use super::work_queue::{Job, Priority, WorkQueue};
use eframe::egui::{Context, TextureHandle, TextureOptions};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

/// Where an image stands in the loader.
#[derive(Clone)]
pub enum LoadState {
    /// Queued or being decoded; a repaint is requested when it is done.
    Loading,
    /// Decoded and uploaded. The texture may be smaller than the image (downscaled to the
    /// GPU's maximum texture side); `full_width`/`full_height` are the image's displayed
    /// size, the coordinate space of annotations.
    Ready {
        texture: TextureHandle,
        full_width: u32,
        full_height: u32,
        /// Opened, but not quite as it should (a JPEG without its end marker).
        warning: Option<ImageWarning>,
    },
    /// Could not be loaded; the message names the file and the problem.
    Failed(String),
}

impl std::fmt::Debug for LoadState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadState::Loading => f.write_str("Loading"),
            LoadState::Ready {
                texture,
                full_width,
                full_height,
                warning,
            } => f
                .debug_struct("Ready")
                .field("texture_size", &texture.size())
                .field("full_width", full_width)
                .field("full_height", full_height)
                .field("warning", warning)
                .finish(),
            LoadState::Failed(message) => f.debug_tuple("Failed").field(message).finish(),
        }
    }
}

/// Most decoding threads. Decoding is CPU-bound; beyond four, threads mostly compete with
/// the UI and the scan for cores while adding memory (each holds a full-size image).
const MAX_WORKERS: usize = 4;

/// Cache weight of a failure: small but not zero, so a dataset full of broken files
/// cannot grow the cache without bound.
const FAILED_ENTRY_BYTES: usize = 256;

/// What the workers make of a file.
#[derive(Clone)]
enum Source {
    /// The image, downscaled only to the GPU's limit.
    Display,
    /// Its thumbnail, from the disk cache or made and stored there.
    Thumbnails(ThumbnailCache),
}

impl Source {
    fn decode(
        &self,
        path: &std::path::Path,
        max_side: u32,
    ) -> Result<DecodedImage, super::MediaError> {
        match self {
            Source::Display => decode_for_display(path, max_side),
            Source::Thumbnails(cache) => {
                let image = cache.get_or_make(path)?;
                Ok(DecodedImage {
                    full_width: image.width(),
                    full_height: image.height(),
                    image: to_color_image(image),
                    warning: None,
                })
            }
        }
    }
}

/// A finished job, sent from a worker to the loader.
struct Outcome {
    key: u64,
    state: LoadState,
}

/// Decodes images on background threads into a memory-bounded texture cache.
pub struct ImageLoader {
    ctx: Context,
    queue: Arc<WorkQueue>,
    outcomes: Receiver<Outcome>,
    workers: Vec<JoinHandle<()>>,
    /// Set if no worker thread could be started; every load then fails with it.
    start_error: Option<String>,
    cache: TextureCache<LoadState>,
    /// Keys queued or being decoded.
    in_progress: HashSet<u64>,
    /// The key most recently requested: on screen, never evicted.
    current: Option<u64>,
}

impl ImageLoader {
    /// Starts `min(available cores, 4)` decoding threads (at least one). Textures are
    /// kept while their total size (width × height × 4 bytes) fits in `budget_bytes`.
    pub fn new(ctx: Context, budget_bytes: usize) -> Self {
        Self::start(ctx, budget_bytes, Source::Display)
    }

    /// A loader of thumbnails from `cache` (made there when missing), for a grid: the
    /// image requested last is served first, so a grid asks for its tiles farthest
    /// from the middle of the view first and nearest last. `full_width`/`full_height`
    /// of a ready thumbnail are the thumbnail's own size.
    pub fn thumbnails(ctx: Context, budget_bytes: usize, cache: ThumbnailCache) -> Self {
        Self::start(ctx, budget_bytes, Source::Thumbnails(cache))
    }

    fn start(ctx: Context, budget_bytes: usize, source: Source) -> Self {
        let queue = Arc::new(WorkQueue::default());
        let (sender, outcomes) = channel();
        let count = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, MAX_WORKERS);
        let mut workers = Vec::with_capacity(count);
        let mut start_error = None;
        for i in 0..count {
            let (ctx, queue, sender) = (ctx.clone(), queue.clone(), sender.clone());
            let source = source.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("shugu-decode-{i}"))
                .spawn(move || work(&ctx, &queue, &sender, &source));
            match spawned {
                Ok(handle) => workers.push(handle),
                Err(e) => start_error = Some(format!("cannot start image decoding: {e}")),
            }
        }
        if !workers.is_empty() {
            start_error = None;
        }
        ImageLoader {
            ctx,
            queue,
            outcomes,
            workers,
            start_error,
            cache: TextureCache::new(budget_bytes),
            in_progress: HashSet::new(),
            current: None,
        }
    }

    /// The state of image `key` (an item id), and the image now on screen: if it is
    /// neither loaded nor loading, a load of `path` starts ahead of everything queued.
    /// Call it every frame the image is visible; it never blocks.
    pub fn request(&mut self, key: u64, path: PathBuf) -> LoadState {
        self.current = Some(key);
        self.collect_outcomes();
        if let Some(state) = self.cache.get(key) {
            return state.clone();
        }
        if let Some(message) = &self.start_error {
            return LoadState::Failed(message.clone());
        }
        if self.in_progress.contains(&key) {
            // Queued as a prefetch, or requested earlier: serve it next.
            self.queue.promote(key);
        } else {
            self.enqueue(key, path, Priority::Request);
        }
        LoadState::Loading
    }

    /// The state of `key` if it is loaded or failed, without starting anything.
    pub fn peek(&mut self, key: u64) -> Option<LoadState> {
        self.collect_outcomes();
        self.cache.get(key).cloned()
    }

    /// Starts a low-priority load of `key` if it is not loaded or loading, for images
    /// likely to be shown next (the next and previous items).
    pub fn prefetch(&mut self, key: u64, path: PathBuf) {
        self.collect_outcomes();
        if self.cache.get(key).is_some() || self.in_progress.contains(&key) {
            return;
        }
        if self.start_error.is_none() {
            self.enqueue(key, path, Priority::Prefetch);
        }
    }

    /// The largest texture side the GPU accepts, as egui last reported it; images are
    /// downscaled to fit it.
    pub fn max_texture_side(&self) -> u32 {
        let side = self.ctx.input(|i| i.max_texture_side);
        u32::try_from(side).unwrap_or(u32::MAX)
    }

    /// Drops what is known about `key` (its texture or error), e.g. after the file
    /// changed on disk; the next `request` loads it again. A decode of `key` already
    /// running is not interrupted, and its result is still cached when it arrives.
    pub fn forget(&mut self, key: u64) {
        self.collect_outcomes();
        self.cache.remove(key);
    }

    /// Bytes of texture memory held by the cache.
    pub fn cached_bytes(&mut self) -> usize {
        self.collect_outcomes();
        self.cache.used_bytes()
    }

    fn enqueue(&mut self, key: u64, path: PathBuf, priority: Priority) {
        let job = Job {
            key,
            path,
            max_side: self.max_texture_side(),
        };
        self.in_progress.insert(key);
        for dropped in self.queue.push(job, priority) {
            self.in_progress.remove(&dropped);
        }
    }

    /// Moves finished loads into the cache.
    fn collect_outcomes(&mut self) {
        while let Ok(Outcome { key, state }) = self.outcomes.try_recv() {
            self.in_progress.remove(&key);
            let bytes = match &state {
                LoadState::Ready { texture, .. } => texture.byte_size(),
                LoadState::Failed(message) => FAILED_ENTRY_BYTES + message.len(),
                LoadState::Loading => 0,
            };
            self.cache.insert(key, state, bytes, self.current);
        }
    }
}

impl Drop for ImageLoader {
    /// Stops the workers: queued jobs are dropped, and each thread ends after the decode
    /// it is running, if any.
    fn drop(&mut self) {
        self.queue.shut_down();
        for worker in self.workers.drain(..) {
            // A worker can only have panicked outside `decode_for_display` (which
            // contains decoder panics); nothing is left to clean up either way.
            let _ = worker.join();
        }
    }
}

/// The body of a decoding thread.
fn work(ctx: &Context, queue: &WorkQueue, outcomes: &Sender<Outcome>, source: &Source) {
    while let Some(job) = queue.pop_blocking() {
        // Never upload more than the GPU takes, even if the limit changed since queuing.
        let gpu_side = u32::try_from(ctx.input(|i| i.max_texture_side)).unwrap_or(u32::MAX);
        let state = match source.decode(&job.path, job.max_side.min(gpu_side)) {
            Ok(decoded) => LoadState::Ready {
                texture: ctx.load_texture(
                    job.path.display().to_string(),
                    decoded.image,
                    TextureOptions::LINEAR,
                ),
                full_width: decoded.full_width,
                full_height: decoded.full_height,
                warning: decoded.warning,
            },
            Err(err) => LoadState::Failed(err.to_string()),
        };
        if outcomes
            .send(Outcome {
                key: job.key,
                state,
            })
            .is_err()
        {
            return; // the loader is gone
        }
        ctx.request_repaint();
    }
}
