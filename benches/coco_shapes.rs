//! COCO shapes at scale: 100k images, 1M annotations shaped like COCO 2017
//! instances (every non-crowd annotation a polygon of 10–60 vertices, 1% crowd
//! RLE masks; `benches/gen_synthetic_coco_shapes.py` with its defaults, about
//! 590 MB, generated once with python3 and cached in `target/bench-data/`).
//!
//! - `coco shapes parse 100k images 1M annotations/shugu read, parse and plan`:
//!   what the import's parsing thread does: read the file, `parse_coco_header`,
//!   match the images, then `stream_coco_annotations` in chunks, each planned
//!   by `ImportPlanner` into checked shapes. Every annotation must be planned.
//!   Storing the shapes comes with annotations that carry them.
//! - `coco shapes export 100k images 1M annotations/shugu geometry and write`:
//!   the format half of an export of those shapes: `coco_geometry` of each and
//!   `write_coco` to a file.
//!
//! `benches/compare_coco_import.sh shapes` runs this next to pycocotools'
//! `COCO(path)` on the same file. Targets (issue 14): import at least 3× faster
//! than pycocotools, all 1M stored; export under 3 s.

#[path = "common/generated_file.rs"]
mod generated_file;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use generated_file::generated_file;
use shugu::formats::coco::{
    COCO_FOLDERS, CocoFile, ImportPlanner, ImportTarget, PlannedAnnotation, coco_geometry,
    group_records, parse_coco_header, stream_coco_annotations, write_coco,
};
use shugu::formats::label_paths::PathMatcher;
use shugu::model::ItemId;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const IMAGES: usize = 100_000;
const ANNOTATIONS: usize = 1_000_000;
const DATA_FILE: &str = "synthetic-coco-shapes-100k-1M.json";
/// As the import hands them from the parsing thread to the storing one.
const CHUNK: usize = 16_384;

fn coco_file() -> PathBuf {
    let (images, annotations) = (IMAGES.to_string(), ANNOTATIONS.to_string());
    generated_file(
        DATA_FILE,
        "gen_synthetic_coco_shapes.py",
        &["--images", &images, "--annotations", &annotations],
    )
}

/// Reads, parses and plans the file onto a project holding its images, handing
/// each chunk's planned annotations to `sink`; returns the header.
fn parse_and_plan(path: &Path, sink: &mut dyn FnMut(Vec<PlannedAnnotation>)) -> CocoFile {
    let bytes = std::fs::read(path).unwrap();
    let header = parse_coco_header(&bytes).unwrap();
    let matcher = PathMatcher::new(
        header.images.iter().map(|i| {
            let target = ImportTarget {
                item: ItemId(i.id),
                width: i.width,
                height: i.height,
            };
            (i.file_name.clone(), target)
        }),
        &COCO_FOLDERS,
    );
    let mut planner = ImportPlanner::new(&header, |name| matcher.find(name));
    stream_coco_annotations(&bytes, CHUNK, &mut |chunk| {
        sink(planner.plan(&chunk));
        true
    })
    .unwrap();
    let plan = planner.finish();
    assert!(plan.problems.is_empty(), "{:?}", &plan.problems[..3]);
    header
}

/// The COCO annotations of the planned shapes, as an export writes them.
fn export_file(header: &CocoFile, planned: &[PlannedAnnotation]) -> CocoFile {
    let annotations = planned
        .iter()
        .enumerate()
        .map(|(k, a)| {
            // Shapes read from the store are owned, and moved into the file.
            let shapes = a.shapes.clone().into_iter().map(|s| ((), Cow::Owned(s)));
            let Ok([(_, record)]) = <[_; 1]>::try_from(group_records(shapes, a.crowd)) else {
                panic!("a COCO record gives one region and its keypoints");
            };
            coco_geometry(record, 0).unwrap().into_annotation(
                k as i64 + 1,
                a.item.0,
                a.category as i64 + 1,
                a.attributes.clone(),
            )
        })
        .collect();
    CocoFile {
        images: header.images.clone(),
        annotations,
        categories: header.categories.clone(),
        ..Default::default()
    }
}

fn coco_shapes(c: &mut Criterion) {
    let coco = coco_file();

    let mut group = c.benchmark_group("coco shapes parse 100k images 1M annotations");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30));
    group.bench_function("shugu read, parse and plan", |b| {
        b.iter(|| {
            let mut planned = 0;
            parse_and_plan(&coco, &mut |chunk| planned += chunk.len());
            assert_eq!(planned, ANNOTATIONS);
        });
    });
    group.finish();

    let mut planned = Vec::with_capacity(ANNOTATIONS);
    let header = parse_and_plan(&coco, &mut |chunk| planned.extend(chunk));
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("export.json");
    let mut group = c.benchmark_group("coco shapes export 100k images 1M annotations");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    group.bench_function("shugu geometry and write", |b| {
        b.iter(|| {
            let file = export_file(&header, &planned);
            assert_eq!(file.annotations.len(), ANNOTATIONS);
            write_coco(&file, std::fs::File::create(&out).unwrap()).unwrap();
        });
    });
    group.finish();
}

criterion_group!(benches, coco_shapes);
criterion_main!(benches);
