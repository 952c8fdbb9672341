//! COCO import and export at scale: 100k images, 1M boxes.
//!
//! The data is `benches/gen_synthetic_coco.py` with its defaults, generated once
//! (python3) and cached in `target/bench-data/`. Its images do not exist on disk,
//! so the project is made by `Project::create` over an empty folder and
//! `add_items` with one item per COCO image (file_name, width, height).
//!
//! - `coco import 100k images 1M boxes`: `import_coco` (read, `parse_coco_header`,
//!   then `stream_coco_annotations` + `ImportPlanner` on one thread feeding
//!   `Project::add_annotations_streamed` on the other, one transaction) into a fresh
//!   copy of a project that has the items and no boxes. Copying and opening the
//!   project is setup, untimed.
//! - `coco export 100k images 1M boxes`: `export_coco` of a project holding those
//!   boxes to a file.
//!
//! `benches/compare_coco_import.sh` runs this next to pycocotools' `COCO(path)` on
//! the same file. Targets: import ≥3× faster than pycocotools, export under 3 s.

#[path = "common/generated_file.rs"]
mod generated_file;
#[path = "common/project_copy.rs"]
mod project_copy;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use generated_file::generated_file;
use project_copy::fresh_copy;
use shugu::formats::coco::parse_coco;
use shugu::jobs::coco::{export_coco, import_coco};
use shugu::model::LabelSchema;
use shugu::project::{NewItem, Project};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const IMAGES: usize = 100_000;
const BOXES: usize = 1_000_000;
const DATA_FILE: &str = "synthetic-coco-100k-1M.json";

/// The synthetic COCO file, generated on first use.
fn coco_file() -> PathBuf {
    let (images, boxes) = (IMAGES.to_string(), BOXES.to_string());
    generated_file(
        DATA_FILE,
        "gen_synthetic_coco.py",
        &["--images", &images, "--boxes", &boxes],
    )
}

/// A project with one item per COCO image and no boxes, in `dir`. Its image
/// root is the empty `images/` inside it, so a copy of the folder is complete.
fn make_template(dir: &Path, coco: &Path) {
    let bytes = std::fs::read(coco).unwrap();
    let file = parse_coco(&bytes).unwrap();
    assert_eq!(file.images.len(), IMAGES, "{}", coco.display());
    assert_eq!(file.annotations.len(), BOXES, "{}", coco.display());
    let items: Vec<NewItem> = file
        .images
        .iter()
        .map(|i| NewItem {
            rel_path: i.file_name.clone(),
            width: i.width,
            height: i.height,
            error: None,
        })
        .collect();
    std::fs::create_dir_all(dir.join("images")).unwrap();
    let mut project =
        Project::create(dir, "bench", &dir.join("images"), LabelSchema::default()).unwrap();
    assert_eq!(project.add_items(&items).unwrap().len(), IMAGES);
    // Dropping the project closes SQLite, which checkpoints the WAL into shugu.db.
}

fn coco_io(c: &mut Criterion) {
    let coco = coco_file();
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    make_template(&template, &coco);

    // One iteration takes seconds: flat sampling with a measurement time under
    // 10 iterations makes each of the 10 samples a single iteration (criterion
    // then warns that it needs longer; that is expected).
    let mut group = c.benchmark_group("coco import 100k images 1M boxes");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    group.bench_function("shugu import_coco", |b| {
        b.iter_batched(
            || fresh_copy(&template),
            |(tmp, mut project)| {
                let report = import_coco(&mut project, &coco).unwrap();
                assert_eq!(report.annotations, BOXES);
                // Returned, so that closing the project and deleting the copy
                // happen outside the timing.
                (tmp, project)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();

    let (_keep, mut annotated) = fresh_copy(&template);
    import_coco(&mut annotated, &coco).unwrap();
    let out = work.path().join("export.json");
    let mut group = c.benchmark_group("coco export 100k images 1M boxes");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(12));
    group.bench_function("shugu export_coco", |b| {
        b.iter(|| {
            let report = export_coco(&annotated, &out).unwrap();
            assert_eq!(report.annotations, BOXES);
        });
    });
    group.finish();
}

criterion_group!(benches, coco_io);
criterion_main!(benches);
