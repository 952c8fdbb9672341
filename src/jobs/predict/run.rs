//! A batch of images through one predictor on worker threads: several
//! threads decode ahead (a bounded queue, so memory stays flat), one runs the
//! model, and each image's result comes back on a channel as soon as it is
//! ready. Cancelling stops the decoders and the model thread after the image
//! in hand; what finished before stays in the channel to be stored.

use super::PredictTask;
use crate::infer::{ImageInput, InferError, Predictions, Predictor, load_image};
use crate::model::ItemId;
use image::RgbImage;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Failures of the model or server (not of one image) in a row after which a
/// run stops: a server that is down fails every image the same way.
const FAILURES_BEFORE_STOPPING: usize = 3;

/// Decoding threads for a run: one per four cores. Decoding an image takes a
/// small share of a model's time, and ONNX Runtime's own threads spin on
/// every core: more decoders than that take cores from the model.
pub fn default_decoders() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 4).max(1))
}

/// One image's outcome.
#[derive(Debug)]
pub struct ImageResult {
    pub item: ItemId,
    pub key: String,
    pub predictions: Result<Predictions, InferError>,
}

/// A decoded (or, for servers, probed) image waiting for the model.
struct Prepared {
    index: usize,
    pixels: Result<(Option<RgbImage>, u32, u32), InferError>,
}

/// A running batch.
pub struct PredictRun {
    results: Receiver<ImageResult>,
    cancel: Arc<AtomicBool>,
    stopped: Arc<Mutex<Option<String>>>,
    source: String,
    total: usize,
    received: usize,
    finished: bool,
    started: Instant,
}

impl PredictRun {
    /// Starts predicting `tasks` with `predictor` on `decoders` decoding
    /// threads (at least one) and one model thread.
    pub fn start(predictor: Box<dyn Predictor>, tasks: Vec<PredictTask>, decoders: usize) -> Self {
        let source = predictor.source().to_owned();
        Self::open_and_start(source, Box::new(move || Ok(predictor)), tasks, decoders)
    }

    /// Like [`PredictRun::start`], opening the predictor on the model thread
    /// first (loading ONNX Runtime and a model takes seconds): a failure to
    /// open ends the run with nothing predicted and the reason in
    /// [`PredictRun::stopped_because`]. `source` is the name the proposals
    /// record.
    pub fn open_and_start(
        source: String,
        open: Opener,
        tasks: Vec<PredictTask>,
        decoders: usize,
    ) -> Self {
        let total = tasks.len();
        let decoders = decoders.clamp(1, total.max(1));
        let cancel = Arc::new(AtomicBool::new(false));
        let stopped = Arc::new(Mutex::new(None));
        let (results_tx, results) = sync_channel::<ImageResult>(total.max(1));
        let shared = Shared {
            tasks: Arc::new(tasks),
            cancel: cancel.clone(),
            stopped: stopped.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name("shugu-predict-model".into())
            .spawn(move || model_thread(open, &shared, decoders, &results_tx));
        if let (Err(e), Ok(mut s)) = (spawned, stopped.lock()) {
            *s = Some(format!("cannot start the model thread: {e}"));
        }
        PredictRun {
            results,
            cancel,
            stopped,
            source,
            total,
            received: 0,
            finished: total == 0,
            started: Instant::now(),
        }
    }

    /// The model's name, recorded on the proposals.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// Images whose result was handed out.
    pub fn done(&self) -> usize {
        self.received
    }

    /// Stops after the image in hand; results already made stay available.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Why the run stopped on its own before the end (the model or server
    /// failing image after image).
    pub fn stopped_because(&self) -> Option<String> {
        self.stopped.lock().ok().and_then(|s| s.clone())
    }

    /// Whether every result has been handed out (or the threads ended).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The next result if one is ready.
    pub fn try_next(&mut self) -> Option<ImageResult> {
        match self.results.try_recv() {
            Ok(r) => Some(self.count(r)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.finished = true;
                None
            }
        }
    }

    /// Waits up to `timeout` for the next result; `None` when none came or the
    /// run is over (see [`PredictRun::is_finished`]).
    pub fn next_within(&mut self, timeout: Duration) -> Option<ImageResult> {
        match self.results.recv_timeout(timeout) {
            Ok(r) => Some(self.count(r)),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                self.finished = true;
                None
            }
        }
    }

    fn count(&mut self, r: ImageResult) -> ImageResult {
        self.received += 1;
        if self.received >= self.total {
            self.finished = true;
        }
        r
    }

    /// How long the rest should take at the pace so far.
    pub fn eta(&self) -> Option<Duration> {
        if self.received == 0 {
            return None;
        }
        let per_image = self.started.elapsed().as_secs_f64() / self.received as f64;
        let left = self.total.saturating_sub(self.received) as f64;
        Some(Duration::from_secs_f64(per_image * left))
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for PredictRun {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// What opens a predictor, on the model thread.
pub type Opener = Box<dyn FnOnce() -> Result<Box<dyn Predictor>, InferError> + Send>;

/// What the run's threads share.
struct Shared {
    tasks: Arc<Vec<PredictTask>>,
    cancel: Arc<AtomicBool>,
    stopped: Arc<Mutex<Option<String>>>,
}

impl Shared {
    fn stop(&self, reason: String) {
        if let Ok(mut s) = self.stopped.lock() {
            s.get_or_insert(reason);
        }
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Opens the predictor, starts the decoders, then predicts what they hand over.
fn model_thread(open: Opener, shared: &Shared, decoders: usize, results: &SyncSender<ImageResult>) {
    let mut predictor = match open() {
        Ok(p) => p,
        Err(e) => return shared.stop(e.to_string()),
    };
    let (needs_pixels, max_side) = (predictor.needs_pixels(), predictor.max_side());
    let (prepared_tx, prepared) = sync_channel::<Prepared>(decoders * 2);
    let next = Arc::new(AtomicUsize::new(0));
    for n in 0..decoders {
        let (tasks, next, cancel, tx) = (
            shared.tasks.clone(),
            next.clone(),
            shared.cancel.clone(),
            prepared_tx.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name(format!("shugu-predict-decode-{n}"))
            .spawn(move || decode_loop(&tasks, &next, &cancel, &tx, needs_pixels, max_side));
        if let Err(e) = spawned {
            shared.stop(format!("cannot start a decoding thread: {e}"));
        }
    }
    drop(prepared_tx);
    let mut failures_in_a_row = 0;
    for p in prepared.iter() {
        if shared.cancel.load(Ordering::Relaxed) {
            return;
        }
        let Some(task) = shared.tasks.get(p.index) else {
            continue;
        };
        let predictions = p.pixels.and_then(|(pixels, width, height)| {
            let input = ImageInput {
                path: &task.path,
                key: &task.key,
                pixels: pixels.as_ref(),
                width,
                height,
            };
            predict_guarded(predictor.as_mut(), &input)
        });
        let model_failed = matches!(&predictions, Err(e) if !matches!(e, InferError::Image(_)));
        let message = predictions.as_ref().err().map(ToString::to_string);
        failures_in_a_row = if model_failed {
            failures_in_a_row + 1
        } else {
            0
        };
        let result = ImageResult {
            item: task.item,
            key: task.key.clone(),
            predictions,
        };
        if results.send(result).is_err() {
            return;
        }
        if failures_in_a_row >= FAILURES_BEFORE_STOPPING {
            if let Some(m) = message {
                shared.stop(m);
            }
            return;
        }
    }
}

fn decode_loop(
    tasks: &[PredictTask],
    next: &AtomicUsize,
    cancel: &AtomicBool,
    tx: &SyncSender<Prepared>,
    needs_pixels: bool,
    max_side: Option<u32>,
) {
    while !cancel.load(Ordering::Relaxed) {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(task) = tasks.get(index) else {
            return;
        };
        let pixels = if needs_pixels {
            load_image(&task.path, max_side).map(|l| (Some(l.pixels), l.width, l.height))
        } else {
            crate::media::probe(&task.path)
                .map(|i| (None, i.width, i.height))
                .map_err(InferError::from)
        };
        if tx.send(Prepared { index, pixels }).is_err() {
            return;
        }
    }
}

/// A predictor that panics fails the image, not the run's thread.
fn predict_guarded(
    predictor: &mut dyn Predictor,
    input: &ImageInput<'_>,
) -> Result<Predictions, InferError> {
    // AssertUnwindSafe: a predictor that panicked is used again only for the
    // next image, whose inputs it sets afresh.
    catch_unwind(AssertUnwindSafe(|| predictor.predict(input))).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the model stopped unexpectedly".to_owned());
        Err(InferError::Run {
            model: predictor.source().to_owned(),
            detail,
        })
    })
}
