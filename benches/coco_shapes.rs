//! COCO shapes at scale: 100k images, 1M annotations shaped like COCO 2017
//! instances (every non-crowd annotation a polygon of 10–60 vertices, 1% crowd
//! RLE masks with compressed counts, COCO's 80 categories;
//! `benches/gen_synthetic_coco_shapes.py` with its defaults, about 590 MB,
//! generated once with python3 and cached in `target/bench-data/`). Its
//! images do not exist on disk, so the project is made by `Project::create`
//! over an empty folder and `add_items` with one item per COCO image. The
//! steps are `common/coco_bench.rs`'s:
//!
//! - `coco shapes import 100k images 1M annotations/shugu import_coco`; the
//!   stored rows (polygons and masks) are counted once after it;
//! - `coco shapes export 100k images 1M annotations/shugu export_coco`.
//!
//! `benches/compare_shapes.sh` runs this next to pycocotools' `COCO(path)` on
//! the same file. Targets (issue 14): import at least 3× faster than
//! pycocotools, all 1M stored; export under 3 s.

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
use shugu::model::ShapeKind;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const IMAGES: usize = 100_000;
const ANNOTATIONS: usize = 1_000_000;
const DATA_FILE: &str = "synthetic-coco2017-like-100k-1M.json";

fn coco_shapes(c: &mut Criterion) {
    let (images, annotations) = (IMAGES.to_string(), ANNOTATIONS.to_string());
    let coco = generated_file(
        DATA_FILE,
        "gen_synthetic_coco_shapes.py",
        &["--images", &images, "--annotations", &annotations],
    );
    let bench = CocoBench {
        coco: &coco,
        images: IMAGES,
        annotations: ANNOTATIONS,
        import_group: "coco shapes import 100k images 1M annotations",
        export_group: "coco shapes export 100k images 1M annotations",
        import_time: Duration::from_secs(40),
        export_time: Duration::from_secs(20),
    };
    import_and_export(c, &bench, |project| {
        let stored = project.all_annotations().unwrap();
        let count = |kind| stored.iter().filter(|a| a.shape.kind() == kind).count();
        let (polygons, masks) = (count(ShapeKind::Polygon), count(ShapeKind::Mask));
        assert_eq!(stored.len(), ANNOTATIONS);
        assert_eq!(polygons + masks, ANNOTATIONS);
        eprintln!("stored: {polygons} polygons, {masks} masks");
    });
}

criterion_group!(benches, coco_shapes);
criterion_main!(benches);
