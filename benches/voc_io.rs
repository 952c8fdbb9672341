//! Pascal VOC import at scale: 100k annotation files, 1M boxes.
//!
//! The data is `benches/gen_synthetic_voc.py` with its defaults, generated
//! once (python3) and cached in `target/bench-data/voc-100k-1M/`. Its images
//! do not exist on disk, so the project is made by `Project::create` over an
//! empty folder and `add_items` with one item per line of the generated
//! `sizes.tsv`.
//!
//! - `voc import 100k images 1M boxes`: `import_voc` (walk `Annotations/`,
//!   read and parse the XML in parallel, match files to items, then one SQLite
//!   transaction storing the boxes with their difficult / truncated / occluded /
//!   pose attributes) into a fresh copy of a project that has the items and no
//!   boxes. Copying and opening the project is setup, untimed.
//!
//! `benches/compare_voc_import.sh` runs this next to datumaro's VOC importer
//! on the same folder. Target: faster than datumaro.

#[path = "common/project_copy.rs"]
mod project_copy;
#[path = "common/synthetic_dataset.rs"]
mod synthetic_dataset;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use project_copy::fresh_copy;
use shugu::jobs::voc::{VocImportOptions, import_voc};
use std::time::Duration;
use synthetic_dataset::{dataset, make_template};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const IMAGES: usize = 100_000;
const BOXES: usize = 1_000_000;
const DATA_DIR: &str = "voc-100k-1M";

fn voc_io(c: &mut Criterion) {
    let data = dataset(DATA_DIR, "gen_synthetic_voc.py");
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    make_template(&template, &data, IMAGES);

    let mut group = c.benchmark_group("voc import 100k images 1M boxes");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30));
    group.bench_function("shugu import_voc", |b| {
        b.iter_batched(
            || fresh_copy(&template),
            |(tmp, mut project)| {
                let options = VocImportOptions::default();
                let report = import_voc(&mut project, &data, options, &mut |_| {}).unwrap();
                assert_eq!(report.boxes, BOXES, "{:?}", report.problems.first());
                (tmp, project)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, voc_io);
criterion_main!(benches);
