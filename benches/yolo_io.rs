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

#[path = "common/project_copy.rs"]
mod project_copy;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use project_copy::fresh_copy;
use shugu::jobs::yolo::{YoloImportOptions, import_yolo};
use shugu::model::LabelSchema;
use shugu::project::{NewItem, Project};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const IMAGES: usize = 100_000;
const BOXES: usize = 1_000_000;
const DATA_DIR: &str = "yolo-100k-1M";

/// The synthetic dataset folder, generated on first use.
fn dataset() -> PathBuf {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let dir = data.join(DATA_DIR);
    if dir.join("sizes.tsv").is_file() {
        return dir;
    }
    std::fs::create_dir_all(&data)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", data.display()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gen_synthetic_yolo.py");
    let partial = data.join(format!("{DATA_DIR}.partial"));
    let _ = std::fs::remove_dir_all(&partial);
    eprintln!("generating {} (once; about a minute)…", dir.display());
    let status = Command::new("python3")
        .arg(&script)
        .arg(&partial)
        .status()
        .unwrap_or_else(|e| panic!("cannot run python3 with {}: {e}", script.display()));
    assert!(status.success(), "{} failed ({status})", script.display());
    std::fs::rename(&partial, &dir)
        .unwrap_or_else(|e| panic!("cannot move {} into place: {e}", partial.display()));
    dir
}

/// A project with one item per image of `sizes.tsv` and no boxes, in `dir`.
fn make_template(dir: &Path, dataset: &Path) {
    let sizes = std::fs::read_to_string(dataset.join("sizes.tsv")).unwrap();
    let items: Vec<NewItem> = sizes
        .lines()
        .map(|line| {
            let mut parts = line.split('\t');
            let mut next = || parts.next().unwrap();
            NewItem {
                rel_path: next().to_string(),
                width: next().parse().unwrap(),
                height: next().parse().unwrap(),
                error: None,
            }
        })
        .collect();
    assert_eq!(items.len(), IMAGES);
    std::fs::create_dir_all(dir.join("images")).unwrap();
    let mut project =
        Project::create(dir, "bench", &dir.join("images"), LabelSchema::default()).unwrap();
    assert_eq!(project.add_items(&items).unwrap().len(), IMAGES);
}

fn yolo_io(c: &mut Criterion) {
    let data = dataset();
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    make_template(&template, &data);

    let mut group = c.benchmark_group("yolo import 100k images 1M boxes");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    group.bench_function("shugu import_yolo", |b| {
        b.iter_batched(
            || fresh_copy(&template),
            |(tmp, mut project)| {
                let options = YoloImportOptions::default();
                let report = import_yolo(&mut project, &data, options, &mut |_| {}).unwrap();
                assert_eq!(report.boxes, BOXES, "{:?}", report.problems.first());
                (tmp, project)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, yolo_io);
criterion_main!(benches);
