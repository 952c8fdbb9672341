//! YOLO segmentation import at scale: 100k label files, 1M polygons of 6 to
//! 12 vertices (`benches/gen_synthetic_yolo_seg.py`, Darknet layout).
//!
//! The data is read from `$SHUGU_YOLO_SEG_DATA` when set (what
//! `benches/compare_yolo_seg_import.sh` does, with a folder under /tmp),
//! else generated once into `target/bench-data/yolo-seg-100k-1M/`. Its images
//! do not exist on disk, so the project is made by `Project::create` over an
//! empty folder and `add_items` with one item per line of `sizes.tsv`.
//!
//! - `yolo-seg import 100k images 1M polygons`: `import_yolo` (walk, read and
//!   parse the label files in parallel, tell their layout, match them to
//!   items, then one SQLite transaction) into a fresh copy of a project that
//!   has the items and no annotations; copying and opening it is untimed.
//!
//! `benches/compare_yolo_seg_import.sh` runs this next to datumaro's `yolo`
//! importer on the same folder. Target: faster than datumaro.

#[path = "common/project_copy.rs"]
mod project_copy;
#[path = "common/synthetic_dataset.rs"]
mod synthetic_dataset;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use project_copy::fresh_copy;
use shugu::jobs::yolo::{YoloImportOptions, import_yolo};
use shugu::model::ShapeKind;
use std::path::PathBuf;
use std::time::Duration;
use synthetic_dataset::{dataset, make_template};

/// Images and polygons of the generated dataset (its script's defaults).
const IMAGES: usize = 100_000;
const POLYGONS: usize = 1_000_000;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

fn yolo_seg_io(c: &mut Criterion) {
    let data = std::env::var_os("SHUGU_YOLO_SEG_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| dataset("yolo-seg-100k-1M", "gen_synthetic_yolo_seg.py"));
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    make_template(&template, &data, IMAGES);
    let seg = data.join("seg");

    let mut group = c.benchmark_group("yolo-seg import 100k images 1M polygons");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30));
    group.bench_function("shugu import_yolo", |b| {
        b.iter_batched(
            || fresh_copy(&template),
            |(tmp, mut project)| {
                let report = import_yolo(
                    &mut project,
                    &seg,
                    YoloImportOptions::default(),
                    &mut |_| {},
                )
                .unwrap();
                assert_eq!(
                    report.kinds,
                    [(ShapeKind::Polygon, POLYGONS)],
                    "{:?}",
                    report.problems.first()
                );
                (tmp, project)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, yolo_seg_io);
criterion_main!(benches);
