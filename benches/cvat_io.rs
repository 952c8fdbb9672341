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

#[path = "common/box_import.rs"]
mod box_import;
#[path = "common/project_copy.rs"]
mod project_copy;
#[path = "common/synthetic_dataset.rs"]
mod synthetic_dataset;

use box_import::{BoxImportBench, bench_box_import};
use criterion::{Criterion, criterion_group, criterion_main};
use shugu::jobs::cvat::{CvatImportOptions, import_cvat};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

fn cvat_io(c: &mut Criterion) {
    let bench = BoxImportBench {
        dataset: "cvat-100k-1M",
        script: "gen_synthetic_cvat.py",
        group: "cvat import 100k images 1M boxes",
        function: "shugu import_cvat",
        measurement_secs: 30,
    };
    bench_box_import(c, &bench, |project, data| {
        let file = data.join("annotations.xml");
        let report =
            import_cvat(project, &file, CvatImportOptions::default(), &mut |_| {}).unwrap();
        (
            report.annotations,
            report.problems.first().map(|p| format!("{p:?}")),
        )
    });
}

criterion_group!(benches, cvat_io);
criterion_main!(benches);
