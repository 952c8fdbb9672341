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

#[path = "common/box_import.rs"]
mod box_import;
#[path = "common/project_copy.rs"]
mod project_copy;
#[path = "common/synthetic_dataset.rs"]
mod synthetic_dataset;

use box_import::{BoxImportBench, bench_box_import};
use criterion::{Criterion, criterion_group, criterion_main};
use shugu::jobs::yolo::{YoloImportOptions, import_yolo};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

fn yolo_io(c: &mut Criterion) {
    let bench = BoxImportBench {
        dataset: "yolo-100k-1M",
        script: "gen_synthetic_yolo.py",
        group: "yolo import 100k images 1M boxes",
        function: "shugu import_yolo",
        measurement_secs: 20,
    };
    bench_box_import(c, &bench, |project, data| {
        let report = import_yolo(project, data, YoloImportOptions::default(), &mut |_| {}).unwrap();
        (
            report.annotations,
            report.problems.first().map(|p| format!("{p:?}")),
        )
    });
}

criterion_group!(benches, yolo_io);
criterion_main!(benches);
