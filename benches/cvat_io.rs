//! CVAT for images import at scale: one annotations.xml of 100k images and
//! 1M boxes, each with occluded and two typed attributes.
//!
//! The data is `benches/gen_synthetic_cvat.py` with its defaults, generated
//! once (python3) and cached in `target/bench-data/cvat-100k-1M/`. Its images
//! do not exist on disk; the project is made over an empty folder with one
//! item per line of `sizes.tsv` (see `common/synthetic_dataset.rs`).
//!
//! - `cvat import 100k images 1M boxes`: `import_cvat` (read and parse the
//!   whole file, type the attributes by their specs, match images to items,
//!   then one SQLite transaction storing the boxes with their attributes) into
//!   a fresh copy of a project that has the items and no boxes. Copying and
//!   opening the project is setup, untimed.

#[path = "common/project_copy.rs"]
mod project_copy;
#[path = "common/synthetic_dataset.rs"]
mod synthetic_dataset;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use project_copy::fresh_copy;
use shugu::jobs::cvat::{CvatImportOptions, import_cvat};
use std::time::Duration;
use synthetic_dataset::{dataset, make_template};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const IMAGES: usize = 100_000;
const BOXES: usize = 1_000_000;
const DATA_DIR: &str = "cvat-100k-1M";

fn cvat_io(c: &mut Criterion) {
    let data = dataset(DATA_DIR, "gen_synthetic_cvat.py");
    let file = data.join("annotations.xml");
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    make_template(&template, &data, IMAGES);

    let mut group = c.benchmark_group("cvat import 100k images 1M boxes");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30));
    group.bench_function("shugu import_cvat", |b| {
        b.iter_batched(
            || fresh_copy(&template),
            |(tmp, mut project)| {
                let options = CvatImportOptions::default();
                let report = import_cvat(&mut project, &file, options, &mut |_| {}).unwrap();
                assert_eq!(report.boxes, BOXES, "{:?}", report.problems.first());
                (tmp, project)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, cvat_io);
criterion_main!(benches);
