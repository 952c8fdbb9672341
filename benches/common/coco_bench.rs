//! The COCO import and export benchmarks at scale, shared by `coco_io`
//! (boxes) and `coco_shapes` (polygons and masks): the same steps on
//! another file.
//!
//! - `<import group>/shugu import_coco`: `import_coco` (read,
//!   `parse_coco_header`, then `stream_coco_annotations` and `ImportPlanner`
//!   checking every shape against its image on one thread, feeding
//!   `Project::add_annotations_streamed` on the other, one transaction) into
//!   a fresh copy of a project that has one item per image and no
//!   annotations. Copying and opening the project, and closing it, are
//!   untimed. Every annotation must be stored: the report's count is
//!   asserted in each run.
//! - `<export group>/shugu export_coco`: `export_coco` of a project holding
//!   them, to a file kept beside the data (`*.export.json`) for pycocotools
//!   to load.
//!
//! Each run's CPU time (every thread) is printed beside criterion's figures
//! (`cpu_time.rs`).

use crate::cpu_time::{Clock, CpuTimes};
use crate::generated_file::bench_data_dir;
use crate::project_copy::fresh_copy;
use criterion::{Criterion, SamplingMode};
use shugu::formats::coco::parse_coco_header;
use shugu::jobs::coco::{export_coco, import_coco};
use shugu::model::LabelSchema;
use shugu::project::{NewItem, Project};
use std::path::Path;
use std::time::{Duration, Instant};

/// One COCO file and what is expected of it.
pub struct CocoBench<'a> {
    pub coco: &'a Path,
    pub images: usize,
    pub annotations: usize,
    pub import_group: &'a str,
    pub export_group: &'a str,
    pub import_time: Duration,
    pub export_time: Duration,
}

/// A project with one item per image of `coco` (there must be `images`), in
/// `dir`. Its image root is the empty `images/` inside it, so a copy of the
/// folder is complete.
fn make_template(dir: &Path, coco: &Path, images: usize) {
    let bytes = std::fs::read(coco).unwrap();
    let header = parse_coco_header(&bytes).unwrap();
    assert_eq!(header.images.len(), images, "{}", coco.display());
    let items: Vec<NewItem> = header
        .images
        .into_iter()
        .map(|i| NewItem {
            rel_path: i.file_name,
            width: i.width,
            height: i.height,
            error: None,
        })
        .collect();
    std::fs::create_dir_all(dir.join("images")).unwrap();
    let mut project =
        Project::create(dir, "bench", &dir.join("images"), LabelSchema::default()).unwrap();
    assert_eq!(project.add_items(&items).unwrap().len(), images);
    // Dropping the project closes SQLite, which checkpoints the WAL into shugu.db.
}

/// Times the import and the export of `bench`. `check` sees the imported
/// project once, before the export is timed.
pub fn import_and_export(c: &mut Criterion, bench: &CocoBench, check: impl FnOnce(&Project)) {
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    make_template(&template, bench.coco, bench.images);

    // One iteration takes seconds: flat sampling with a measurement time under
    // 10 iterations makes each of the 10 samples a single iteration (criterion
    // then warns that it needs longer; that is expected).
    let mut group = c.benchmark_group(bench.import_group);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(bench.import_time);
    let id = "shugu import_coco";
    let mut cpu = CpuTimes::new(&format!("{}/{id}", bench.import_group), Clock::Process);
    group.bench_function(id, |b| {
        b.iter_custom(|iterations| {
            let mut wall = Duration::ZERO;
            for _ in 0..iterations {
                let (tmp, mut project) = fresh_copy(&template);
                let start = Instant::now();
                let report = cpu.run(|| import_coco(&mut project, bench.coco).unwrap());
                wall += start.elapsed();
                assert_eq!(
                    report.annotations, bench.annotations,
                    "{:?}",
                    report.problems
                );
                drop((project, tmp));
            }
            wall
        });
    });
    group.finish();
    cpu.report();

    let (_keep, mut annotated) = fresh_copy(&template);
    let report = import_coco(&mut annotated, bench.coco).unwrap();
    assert!(report.problems.is_empty(), "{:?}", &report.problems[..3]);
    check(&annotated);

    let stem = bench.coco.file_stem().unwrap().to_string_lossy();
    let out = bench_data_dir().join(format!("{stem}.export.json"));
    let mut group = c.benchmark_group(bench.export_group);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(bench.export_time);
    let id = "shugu export_coco";
    let mut cpu = CpuTimes::new(&format!("{}/{id}", bench.export_group), Clock::Process);
    group.bench_function(id, |b| {
        b.iter(|| {
            let report = cpu.run(|| export_coco(&annotated, &out).unwrap());
            assert_eq!(report.annotations, bench.annotations);
        });
    });
    group.finish();
    cpu.report();
}
