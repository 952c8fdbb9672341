//! A mutation fuzzer for every importer, on stable Rust.
//!
//! Inputs are the real fixtures (`tests/fixtures`, `examples/demo_text` and
//! the files our exporters write for them) mutated: truncated, bytes flipped,
//! numbers replaced by boundary integers and by huge, negative, NaN and
//! non-numbers, strings replaced by paths with `..`, absolute paths, link
//! names and very long names, subtrees and lines repeated; a dataset folder
//! also gets real links (to a private file outside it, a FIFO, `/dev/zero`,
//! a folder above) and very long or deep names. Each importer is reached as
//! the CLI reaches it (`jobs::*` on a temporary project), and one input in
//! `--store-every` is stored through `Project::apply` and undone.
//!
//! Each input runs under a time bound (a watchdog) and a memory bound (a
//! counting allocator); a panic on any thread, a hang or an allocation over
//! budget prints the input, saves it to `target/fuzz-failures/` and fails the
//! run. Every importer runs in a child process, so a crash (a stack overflow)
//! is reported with its input too, and the importer goes on.
//!
//! ```text
//! cargo run --release --example fuzz_imports -- --minutes 10
//! cargo run --release --example fuzz_imports -- --seconds 60 --importer yolo --seed 7
//! cargo run --example fuzz_imports -- --total-seconds 60      # CI
//! cargo run --release --example fuzz_imports -- --replay target/fuzz-failures/yolo-1 --importer yolo
//! ```

mod failures;
mod guard;
mod mutate;
mod rng;
mod structure;
mod targets;
mod worker;
mod workspace;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: guard::CountingAllocator = guard::CountingAllocator;

const USAGE: &str =
    "usage: fuzz_imports [--minutes N | --seconds N | --total-seconds N] [--importer NAME]...
                    [--seed N] [--inputs N] [--timeout SECONDS] [--memory-mib N]
                    [--store-every N] [--no-links]
       fuzz_imports --replay FILE --importer NAME [--images DIR]
       fuzz_imports --seeds [--importer NAME]...
       fuzz_imports --list

  --minutes N, --seconds N   how long each importer runs (default 10 seconds)
  --total-seconds N          the time shared out between the importers
  --importer NAME            only this importer (repeatable; see --list)
  --seed N                   the inputs' seed (default: from the clock, printed)
  --timeout SECONDS          one input's time bound (default 10; 30 in a debug build)
  --memory-mib N             one allocation's and the live total's bound (default 1024)
  --store-every N            one input in N is also stored in the project (default 16)
  --inputs N                 stop each importer after N inputs (same seed: same inputs)
  --no-links                 leave the datasets' entries alone (no links, long names)
  --replay FILE              run one saved input (a file or a dataset folder) once
  --images DIR               with --replay: the images the file was read against
  --seeds                    read every seed unchanged and say what each gave

Failing inputs go to target/fuzz-failures/<importer>-<n>[.ext]; exit status 0 only
when nothing failed.";

/// Restarts of one importer's worker after a hang, memory or a crash.
const MAX_RESTARTS: usize = 100;

struct Args {
    per_importer: Option<f64>,
    total: Option<f64>,
    importers: Vec<String>,
    seed: Option<u64>,
    timeout: Duration,
    memory_mib: usize,
    store_every: usize,
    /// Stop each importer after this many inputs (with `--seed`, the same inputs).
    inputs: Option<usize>,
    links: bool,
    replay: Option<PathBuf>,
    /// The images a replayed file was read against, when it had its own.
    images: Option<PathBuf>,
    list: bool,
    /// Read every seed unchanged and say what it gave.
    seeds: bool,
    /// Internal: run one importer in this process, in this work folder.
    worker: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        per_importer: None,
        total: None,
        importers: Vec::new(),
        seed: None,
        timeout: Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 10 }),
        memory_mib: 1024,
        store_every: 16,
        inputs: None,
        links: true,
        replay: None,
        images: None,
        list: false,
        seeds: false,
        worker: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<f64>()
                .map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--minutes" => args.per_importer = Some(number(value()?)? * 60.0),
            "--seconds" => args.per_importer = Some(number(value()?)?),
            "--total-seconds" => args.total = Some(number(value()?)?),
            "--importer" => args.importers.push(value()?),
            "--seed" => args.seed = Some(value()?.parse().map_err(|e| format!("--seed: {e}"))?),
            "--timeout" => args.timeout = Duration::from_secs_f64(number(value()?)?),
            "--memory-mib" => args.memory_mib = number(value()?)? as usize,
            "--store-every" => args.store_every = number(value()?)? as usize,
            "--inputs" => args.inputs = Some(number(value()?)? as usize),
            "--no-links" => args.links = false,
            "--replay" => args.replay = Some(PathBuf::from(value()?)),
            "--images" => args.images = Some(PathBuf::from(value()?)),
            "--list" => args.list = true,
            "--seeds" => args.seeds = true,
            "--worker" => args.worker = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    for name in &args.importers {
        if !targets::NAMES.contains(&name.as_str()) {
            return Err(format!(
                "unknown importer {name}; the importers: {}",
                targets::NAMES.join(", ")
            ));
        }
    }
    if args.importers.is_empty() {
        args.importers = targets::NAMES.iter().map(|s| s.to_string()).collect();
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.list {
        println!("{}", targets::NAMES.join("\n"));
        return ExitCode::SUCCESS;
    }
    let outcome = if let Some(work) = &args.worker {
        run_worker(&args, work)
    } else if let Some(input) = &args.replay {
        replay(&args, input)
    } else if args.seeds {
        show_seeds(&args)
    } else {
        supervise(&args)
    };
    match outcome {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("fuzz_imports: {e:#}");
            ExitCode::from(4)
        }
    }
}

fn worker_options(args: &Args, importer: &str, seconds: f64) -> worker::Options {
    worker::Options {
        importer: importer.to_string(),
        duration: Duration::from_secs_f64(seconds.max(0.0)),
        seed: args.seed.unwrap_or(0),
        timeout: args.timeout,
        budget: args.memory_mib.saturating_mul(1 << 20),
        links: args.links,
        store_every: args.store_every,
        inputs: args.inputs.unwrap_or(usize::MAX),
    }
}

fn run_worker(args: &Args, work: &Path) -> anyhow::Result<i32> {
    let [importer] = &args.importers[..] else {
        anyhow::bail!("a worker runs one importer");
    };
    worker::run(
        &worker_options(args, importer, args.per_importer.unwrap_or(10.0)),
        work,
    )
}

fn replay(args: &Args, input: &Path) -> anyhow::Result<i32> {
    let [importer] = &args.importers[..] else {
        anyhow::bail!("--replay needs the --importer that read the input");
    };
    let work = run_dir().join("replay");
    let options = worker_options(args, importer, 0.0);
    let code = worker::replay(importer, input, args.images.as_deref(), &options, &work);
    let _ = workspace::remove_any(&run_dir());
    code
}

fn show_seeds(args: &Args) -> anyhow::Result<i32> {
    for importer in &args.importers {
        let work = run_dir().join(importer);
        worker::show_seeds(importer, &worker_options(args, importer, 0.0), &work)?;
    }
    let _ = workspace::remove_any(&run_dir());
    Ok(0)
}

fn run_dir() -> PathBuf {
    workspace::target_dir()
        .join("fuzz-work")
        .join(format!("run-{}", std::process::id()))
}

/// One importer's figures over its workers.
#[derive(Default)]
struct Totals {
    tried: usize,
    stored: usize,
    failed: usize,
    peak: usize,
    slowest_ms: usize,
    seconds: f64,
    /// Ends of a worker other than the time running out, counted by kind.
    notes: std::collections::BTreeMap<String, usize>,
}

impl Totals {
    fn note(&mut self, what: &str) {
        *self.notes.entry(what.to_string()).or_insert(0) += 1;
    }
}

fn read_stats(file: &Path, totals: &mut Totals) {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    for pair in text.split_whitespace() {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        match key {
            "tried" => totals.tried += value.parse().unwrap_or(0),
            "stored" => totals.stored += value.parse().unwrap_or(0),
            "failed" => totals.failed += value.parse().unwrap_or(0),
            "peak" => totals.peak = totals.peak.max(value.parse().unwrap_or(0)),
            "slowest_ms" => totals.slowest_ms = totals.slowest_ms.max(value.parse().unwrap_or(0)),
            "seconds" => totals.seconds += value.parse().unwrap_or(0.0),
            _ => {}
        }
    }
}

fn supervise(args: &Args) -> anyhow::Result<i32> {
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let per_importer = match (args.total, args.per_importer) {
        (Some(total), _) => total / args.importers.len() as f64,
        (None, Some(each)) => each,
        (None, None) => 10.0,
    };
    println!(
        "fuzz_imports: seed {seed}, {per_importer:.1} s per importer, input time bound {:.0} s, memory bound {} MiB",
        args.timeout.as_secs_f64(),
        args.memory_mib
    );
    let exe = std::env::current_exe()?;
    let run = run_dir();
    let mut rows = Vec::new();
    for importer in &args.importers {
        let mut totals = Totals::default();
        for restart in 0..=MAX_RESTARTS {
            let remaining = per_importer - totals.seconds;
            let inputs_done = args.inputs.is_some_and(|n| totals.tried >= n);
            if restart > 0 && (remaining < 1.0 || inputs_done) {
                break;
            }
            let work = run.join(format!("{importer}-{restart}"));
            workspace::remove_any(&work)?;
            std::fs::create_dir_all(&work)?;
            let mut child = std::process::Command::new(&exe);
            child
                .arg("--worker")
                .arg(&work)
                .args(["--importer", importer])
                .args(["--seconds", &remaining.to_string()])
                .args([
                    "--seed",
                    &seed.wrapping_add(restart as u64 * 0x9E37).to_string(),
                ])
                .args(["--timeout", &args.timeout.as_secs_f64().to_string()])
                .args(["--memory-mib", &args.memory_mib.to_string()])
                .args(["--store-every", &args.store_every.to_string()]);
            if !args.links {
                child.arg("--no-links");
            }
            if let Some(n) = args.inputs {
                let left = n.saturating_sub(totals.tried);
                child.args(["--inputs", &left.to_string()]);
            }
            let status = child.status()?;
            read_stats(&work.join("stats"), &mut totals);
            match status.code() {
                Some(0) => break,
                Some(1) => break,
                Some(guard::EXIT_HANG) => totals.note("hang"),
                Some(guard::EXIT_MEMORY) => totals.note("over the memory bound"),
                Some(4) => {
                    totals.note("could not run (see above)");
                    totals.failed += 1;
                    break;
                }
                _ => {
                    // The worker died without reporting: save what it was reading.
                    totals.failed += 1;
                    totals.note(&format!("crash ({status})"));
                    let current = std::fs::read_to_string(work.join("current")).unwrap_or_default();
                    let saved = failures::save(importer, Path::new(&current));
                    let what = format!("the worker died: {status}");
                    failures::report(importer, &what, &saved, None);
                }
            }
            if matches!(status.code(), Some(guard::EXIT_HANG | guard::EXIT_MEMORY)) {
                totals.failed += 1;
            }
        }
        println!(
            "{importer}: {} inputs in {:.1} s ({:.0}/s), {} stored, {} failed{}",
            totals.tried,
            totals.seconds,
            totals.tried as f64 / totals.seconds.max(1e-9),
            totals.stored,
            totals.failed,
            if totals.notes.is_empty() {
                String::new()
            } else {
                let notes: Vec<String> = totals
                    .notes
                    .iter()
                    .map(|(note, n)| format!("{n}× {note}"))
                    .collect();
                format!(" ({})", notes.join(", "))
            }
        );
        rows.push((importer.clone(), totals));
    }
    let _ = workspace::remove_any(&run);
    println!(
        "\n{:<18} {:>9} {:>8} {:>8} {:>7} {:>9} {:>11} {:>6}",
        "importer", "inputs", "seconds", "inputs/s", "stored", "peak MiB", "slowest ms", "failed"
    );
    let mut failed = 0;
    for (name, t) in &rows {
        println!(
            "{name:<18} {:>9} {:>8.1} {:>8.0} {:>7} {:>9.1} {:>11} {:>6}",
            t.tried,
            t.seconds,
            t.tried as f64 / t.seconds.max(1e-9),
            t.stored,
            t.peak as f64 / f64::from(1 << 20),
            t.slowest_ms,
            t.failed
        );
        failed += t.failed;
    }
    if failed > 0 {
        println!(
            "\n{failed} failing input(s); saved under {}",
            failures::dir().display()
        );
    }
    Ok(i32::from(failed > 0))
}
