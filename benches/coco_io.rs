//! COCO import and export at scale: 100k images, 1M boxes.
//!
//! The data is `benches/gen_synthetic_coco.py` with its defaults, generated once
//! (python3) and cached in `target/bench-data/`. Its images do not exist on disk,
//! so the project is made by `Project::create` over an empty folder and
//! `add_items` with one item per COCO image (file_name, width, height).
//! The steps are `common/coco_bench.rs`'s:
//!
//! - `coco import 100k images 1M boxes/shugu import_coco`;
//! - `coco export 100k images 1M boxes/shugu export_coco`.
//!
//! `benches/compare_shapes.sh` runs this next to pycocotools' `COCO(path)` on
//! the same file. Targets: import ≥3× faster than pycocotools, export under 1 s.

#[path = "common/coco_bench.rs"]
mod coco_bench;
#[path = "common/cpu_time.rs"]
mod cpu_time;
#[path = "common/generated_file.rs"]
mod generated_file;
#[path = "common/project_copy.rs"]
mod project_copy;

use coco_bench::{CocoBench, import_and_export};
use criterion::{Criterion, criterion_group, criterion_main};
use generated_file::generated_file;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const IMAGES: usize = 100_000;
const BOXES: usize = 1_000_000;
const DATA_FILE: &str = "synthetic-coco-100k-1M.json";

fn coco_io(c: &mut Criterion) {
    let (images, boxes) = (IMAGES.to_string(), BOXES.to_string());
    let coco = generated_file(
        DATA_FILE,
        "gen_synthetic_coco.py",
        &["--images", &images, "--boxes", &boxes],
    );
    let bench = CocoBench {
        coco: &coco,
        images: IMAGES,
        annotations: BOXES,
        import_group: "coco import 100k images 1M boxes",
        export_group: "coco export 100k images 1M boxes",
        import_time: Duration::from_secs(20),
        export_time: Duration::from_secs(12),
    };
    import_and_export(c, &bench, |project| {
        assert_eq!(project.all_annotations().unwrap().len(), BOXES);
    });
}

criterion_group!(benches, coco_io);
criterion_main!(benches);
