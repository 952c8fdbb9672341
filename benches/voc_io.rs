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

#[path = "common/box_import.rs"]
mod box_import;
#[path = "common/project_copy.rs"]
mod project_copy;
#[path = "common/synthetic_dataset.rs"]
mod synthetic_dataset;

use box_import::{BoxImportBench, bench_box_import};
use criterion::{Criterion, criterion_group, criterion_main};
use shugu::jobs::voc::{VocImportOptions, import_voc};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

fn voc_io(c: &mut Criterion) {
    let bench = BoxImportBench {
        dataset: "voc-100k-1M",
        script: "gen_synthetic_voc.py",
        group: "voc import 100k images 1M boxes",
        function: "shugu import_voc",
        measurement_secs: 30,
    };
    bench_box_import(c, &bench, |project, data| {
        let report = import_voc(project, data, VocImportOptions::default(), &mut |_| {}).unwrap();
        (
            report.annotations,
            report.problems.first().map(|p| format!("{p:?}")),
        )
    });
}

criterion_group!(benches, voc_io);
criterion_main!(benches);
