//! Labelled text import and export at scale: a 1M-line JSONL file.
//!
//! The data is `benches/gen_synthetic_text.py` with its defaults (1M lines,
//! about 180 MB, 0-5 spans a line), generated once with python3 and cached in
//! `target/bench-data/`.
//!
//! - `text import 1M lines/shugu import_labelled`: `import_labelled` (read, parse
//!   on a second thread, one bulk transaction of items, texts, spans and
//!   document classes) into a fresh, empty text project. Creating the project
//!   is setup, untimed.
//! - `text export 1M lines/shugu export_text jsonl`: `export_text` of the
//!   imported project to our JSONL in code points.
//!
//! `benches/compare_text_import.sh` runs this next to a plain Python
//! `json.loads` loop over the same file. Targets: import under 5 s and at least
//! 2x faster than the Python loop; export under 3 s.

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use shugu::formats::text::LabelledFormat;
use shugu::jobs::text::{TextExportFormat, export_text, import_labelled};
use shugu::model::{LabelSchema, OffsetUnit};
use shugu::project::Project;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const LINES: usize = 1_000_000;
const DATA_FILE: &str = "synthetic-text-1M.jsonl";

/// The synthetic file, generated on first use.
fn text_file() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let file = dir.join(DATA_FILE);
    if file.is_file() {
        return file;
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gen_synthetic_text.py");
    let partial = dir.join(format!("{DATA_FILE}.partial"));
    eprintln!("generating {} (once; about 30 s)…", file.display());
    let status = Command::new("python3")
        .arg(&script)
        .arg(&partial)
        .args(["--lines", &LINES.to_string()])
        .status()
        .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", script.display()));
    assert!(status.success(), "{} failed ({status})", script.display());
    std::fs::rename(&partial, &file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    file
}

fn fresh_project() -> (tempfile::TempDir, Project) {
    let tmp = tempfile::tempdir().unwrap();
    let project =
        Project::create_text(&tmp.path().join("p"), "bench", LabelSchema::default()).unwrap();
    (tmp, project)
}

fn text_io(c: &mut Criterion) {
    let file = text_file();
    let mut group = c.benchmark_group("text import 1M lines");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(60));
    group.bench_function("shugu import_labelled", |b| {
        b.iter_batched(
            fresh_project,
            |(tmp, mut project)| {
                let report = import_labelled(
                    &mut project,
                    &file,
                    LabelledFormat::Jsonl,
                    None,
                    &mut |_| {},
                )
                .unwrap();
                assert_eq!(report.added_items, LINES);
                (tmp, project)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();

    let (tmp, mut project) = fresh_project();
    import_labelled(
        &mut project,
        &file,
        LabelledFormat::Jsonl,
        None,
        &mut |_| {},
    )
    .unwrap();
    let out = tmp.path().join("export.jsonl");
    let mut group = c.benchmark_group("text export 1M lines");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30));
    group.bench_function("shugu export_text jsonl", |b| {
        b.iter(|| {
            let report = export_text(
                &project,
                &out,
                TextExportFormat::Jsonl,
                OffsetUnit::CodePoint,
            )
            .unwrap();
            assert_eq!(report.items, LINES);
        });
    });
    group.finish();
}

criterion_group!(benches, text_io);
criterion_main!(benches);
