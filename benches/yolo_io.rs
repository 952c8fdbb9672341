//! YOLO import at scale: 100k label files, 1M boxes.
//!
//! The data is `benches/gen_synthetic_yolo.py` with its defaults (Darknet
//! layout, as datumaro reads it), generated once (python3) and cached in
//! `target/bench-data/yolo-100k-1M/`. Its images do not exist on disk, so the
//! project is made by `Project::create` over an empty folder and `add_items`
//! with one item per line of the generated `sizes.tsv`.
//!
//! - `yolo import 100k images 1M boxes`: `import_yolo` (walk, read and parse the
//!   label files in parallel, match them to items, then one SQLite transaction)
//!   into a fresh copy of a project that has the items and no boxes. Copying
//!   and opening the project is setup, untimed.
//!
//! `benches/compare_yolo_import.sh` runs this next to datumaro's YOLO importer
//! on the same folder. Target: faster than datumaro.

#[path = "common/project_copy.rs"]
mod project_copy;
#[path = "common/synthetic_dataset.rs"]
mod synthetic_dataset;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use project_copy::fresh_copy;
use shugu::jobs::yolo::{YoloImportOptions, import_yolo};
use std::time::Duration;
use synthetic_dataset::{dataset, make_template};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const IMAGES: usize = 100_000;
const BOXES: usize = 1_000_000;
const DATA_DIR: &str = "yolo-100k-1M";

fn yolo_io(c: &mut Criterion) {
    let data = dataset(DATA_DIR, "gen_synthetic_yolo.py");
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    make_template(&template, &data, IMAGES);

    let mut group = c.benchmark_group("yolo import 100k images 1M boxes");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    group.bench_function("shugu import_yolo", |b| {
        b.iter_batched(
            || fresh_copy(&template),
            |(tmp, mut project)| {
                let options = YoloImportOptions::default();
                let report = import_yolo(&mut project, &data, options, &mut |_| {}).unwrap();
                assert_eq!(report.boxes, BOXES, "{:?}", report.problems.first());
                (tmp, project)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, yolo_io);
criterion_main!(benches);
