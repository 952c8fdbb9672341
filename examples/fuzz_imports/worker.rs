//! One importer fuzzed for a while in this process: inputs made from its
//! seeds, written where it reads them, run under the bounds, failures saved.

use crate::guard::{self, Running};
use crate::mutate::{Env, Syntax, mutate};
use crate::rng::{Rng, hash_name};
use crate::targets::{self, Importer, Input, Seed};
use crate::workspace::{Dataset, change_entries, files_under, outside_dir, remove_any};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct Options {
    pub importer: String,
    pub duration: Duration,
    pub seed: u64,
    pub timeout: Duration,
    pub budget: usize,
    /// Also change the dataset's entries (links, folders, long names).
    pub links: bool,
    /// One input in this many is also stored in the project.
    pub store_every: usize,
    /// Stop after this many inputs.
    pub inputs: usize,
}

/// Saved inputs per distinct panic place; the rest are only counted.
const SAVED_PER_PANIC: usize = 3;

static TRIED: AtomicUsize = AtomicUsize::new(0);
static STORED: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicUsize = AtomicUsize::new(0);
/// The longest one input took, in milliseconds.
static SLOWEST_MS: AtomicUsize = AtomicUsize::new(0);

/// When the first input started: the figures count from here, not from the
/// setup.
static FUZZ_START: OnceLock<Instant> = OnceLock::new();

/// The worker's figures, as the supervisor reads them.
pub fn write_stats(file: &Path) {
    let seconds = FUZZ_START.get().map_or(0.0, |t| t.elapsed().as_secs_f64());
    let (_, peak) = guard::memory();
    let text = format!(
        "tried={} stored={} failed={} peak={peak} slowest_ms={} seconds={seconds:.3}\n",
        TRIED.load(Ordering::SeqCst),
        STORED.load(Ordering::SeqCst),
        FAILED.load(Ordering::SeqCst),
        SLOWEST_MS.load(Ordering::SeqCst),
    );
    let _ = std::fs::write(file, text);
}

/// Where the input being run is, for the supervisor when this process dies.
fn write_current(work: &Path, case: &Path) {
    let _ = std::fs::write(work.join("current"), case.to_string_lossy().as_bytes());
}

/// Where inputs are written for the importer to read: a dataset made from
/// its template, or a file alone.
struct Cases {
    dataset: Dataset,
    files: PathBuf,
    /// The file case last written; `files` holds only it.
    file: PathBuf,
}

impl Cases {
    fn new(work: &Path) -> Self {
        Cases {
            dataset: Dataset::new(work.join("case-dataset")),
            files: work.join("case-file"),
            file: PathBuf::new(),
        }
    }

    /// Writes `bytes` as `seed`'s file and returns what the importer reads.
    fn write(&mut self, seed: &Seed, bytes: &[u8]) -> std::io::Result<PathBuf> {
        self.dataset.restore()?;
        match &seed.template {
            Some(template) => {
                self.dataset.start(template)?;
                self.dataset.write(&seed.file, bytes)?;
                Ok(self.dataset.dir.clone())
            }
            None => {
                let case = self.files.join(&seed.file);
                if case != self.file {
                    remove_any(&self.files)?;
                    std::fs::create_dir_all(&self.files)?;
                    self.file = case.clone();
                }
                std::fs::write(&case, bytes)?;
                Ok(case)
            }
        }
    }
}

/// The place of a panic ("panicked at src/x.rs:1:2"), which identifies it.
fn panic_place(panic: &str) -> &str {
    panic.split(" (thread").next().unwrap_or(panic)
}

/// Fuzzes `options.importer` in `work`; returns the process's exit code.
pub fn run(options: &Options, work: &Path) -> anyhow::Result<i32> {
    let stats = work.join("stats");
    {
        let stats = stats.clone();
        guard::install(
            options.timeout,
            options.budget,
            Box::new(move || write_stats(&stats)),
        );
    }
    let outside = outside_dir()?;
    let outside_text = outside.to_string_lossy().into_owned();
    let env = Env {
        outside: &outside_text,
    };
    let mut importer = targets::make(&options.importer, &work.join("setup"))?;
    let seeds: Vec<Seed> = importer.seeds().to_vec();
    anyhow::ensure!(!seeds.is_empty(), "{} has no seeds", options.importer);
    guard::reset_peak();
    let mut cases = Cases::new(work);
    let mut files_of: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut rng = Rng::new(options.seed ^ hash_name(&options.importer));
    let mut panics: HashMap<String, usize> = HashMap::new();
    let mut last_case = PathBuf::new();
    let mut last_stats = Instant::now();
    let fuzz_start = *FUZZ_START.get_or_init(Instant::now);
    while fuzz_start.elapsed() < options.duration && TRIED.load(Ordering::SeqCst) < options.inputs {
        let seed = rng.pick(&seeds);
        let other = &rng.pick(&seeds).bytes;
        let bytes = mutate(&seed.bytes, other, Syntax::of(&seed.file), &env, &mut rng);
        let case = cases.write(seed, &bytes)?;
        if let Some(template) = &seed.template
            && options.links
            && rng.chance(1, 6)
        {
            let files = files_of
                .entry(template.clone())
                .or_insert_with(|| files_under(template));
            // A change the file system refuses is just not made.
            let _ = change_entries(&mut cases.dataset, files, &seed.file, &outside, &mut rng);
        }
        if case != last_case {
            write_current(work, &case);
            last_case = case.clone();
        }
        let store = rng.chance(1, options.store_every.max(1));
        let mut input_rng = Rng::new(rng.next_u64());
        let label = format!(
            "input #{} of seed {}{}",
            TRIED.load(Ordering::SeqCst) + 1,
            options.seed,
            if store { " (stored)" } else { "" }
        );
        // A file with images of its own replays on them; a dataset is saved
        // whole, its images included.
        let images = seed.images.as_deref().filter(|_| seed.template.is_none());
        let running = Running {
            importer: options.importer.clone(),
            label: label.clone(),
            case: case.clone(),
            images: images.map(Path::to_path_buf),
            save: true,
        };
        let input_start = Instant::now();
        let found = guard::run_input(running, || {
            // The importer refusing an input is fine.
            let _ = importer.run(Input {
                path: &case,
                images: seed.images.as_deref(),
                rng: &mut input_rng,
                store,
            });
        });
        SLOWEST_MS.fetch_max(input_start.elapsed().as_millis() as usize, Ordering::SeqCst);
        TRIED.fetch_add(1, Ordering::SeqCst);
        STORED.fetch_add(usize::from(store), Ordering::SeqCst);
        if let Some(first) = found.first() {
            FAILED.fetch_add(1, Ordering::SeqCst);
            let seen = panics.entry(panic_place(first).to_string()).or_insert(0);
            *seen += 1;
            if *seen <= SAVED_PER_PANIC {
                let saved = crate::failures::save(&options.importer, &case);
                let what = format!("{label}: {}", found.join("\n    "));
                crate::failures::report(&options.importer, &what, &saved, images);
            }
            importer.reset()?;
        }
        if last_stats.elapsed() > Duration::from_secs(1) {
            write_stats(&stats);
            last_stats = Instant::now();
        }
    }
    write_stats(&stats);
    for (place, n) in &panics {
        eprintln!("{}: {n} input(s) {place}", options.importer);
    }
    Ok(if panics.is_empty() { 0 } else { 1 })
}

/// Runs one saved input once, under the same bounds; returns the exit code.
/// `images` are the project's images for a file input that had its own.
pub fn replay(
    importer_name: &str,
    input: &Path,
    images: Option<&Path>,
    options: &Options,
    work: &Path,
) -> anyhow::Result<i32> {
    guard::install(options.timeout, options.budget, Box::new(|| {}));
    outside_dir()?;
    let mut importer: Box<dyn Importer> = targets::make(importer_name, work)?;
    let mut rng = Rng::new(options.seed);
    let running = Running {
        importer: importer_name.to_string(),
        label: "replayed input".into(),
        case: input.to_path_buf(),
        images: None,
        save: false,
    };
    let mut outcome = Ok(String::new());
    // A saved dataset folder is a whole copy, its images included.
    let images = images.or(input.is_dir().then_some(input));
    let panics = guard::run_input(running, || {
        outcome = importer.run(Input {
            path: input,
            images,
            rng: &mut rng,
            store: true,
        });
    });
    if panics.is_empty() {
        match outcome {
            Ok(read) => println!("{importer_name}: {}: {read}; stored", input.display()),
            Err(e) => println!(
                "{importer_name}: refused {} cleanly: {e:#}",
                input.display()
            ),
        }
        Ok(0)
    } else {
        crate::failures::report(importer_name, &panics.join("\n    "), input, images);
        Ok(1)
    }
}

/// Reads every seed of `importer_name` unchanged and says what each gave:
/// the check that the harness reaches the importer with inputs it takes.
pub fn show_seeds(importer_name: &str, options: &Options, work: &Path) -> anyhow::Result<i32> {
    guard::install(options.timeout, options.budget, Box::new(|| {}));
    let mut importer = targets::make(importer_name, &work.join("setup"))?;
    let seeds: Vec<Seed> = importer.seeds().to_vec();
    let mut cases = Cases::new(work);
    let mut rng = Rng::new(options.seed);
    for seed in &seeds {
        let case = cases.write(seed, &seed.bytes)?;
        let input = Input {
            path: &case,
            images: seed.images.as_deref(),
            rng: &mut rng,
            store: true,
        };
        match importer.run(input) {
            Ok(read) => println!("{importer_name} {}: {read}", seed.file),
            Err(e) => println!("{importer_name} {}: refused: {e:#}", seed.file),
        }
    }
    Ok(0)
}
