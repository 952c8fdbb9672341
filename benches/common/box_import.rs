//! The import benchmarks of 100k images and 1M boxes (YOLO, VOC, CVAT): a
//! synthetic dataset, a template project with its items, and a criterion
//! group timing one import into a fresh copy of the template per sample.

use crate::project_copy::fresh_copy;
use crate::synthetic_dataset::{dataset, make_template};
use criterion::{BatchSize, Criterion, SamplingMode};
use shugu::project::Project;
use std::path::Path;
use std::time::Duration;

pub const IMAGES: usize = 100_000;
pub const BOXES: usize = 1_000_000;

/// One import benchmark.
pub struct BoxImportBench {
    /// The dataset's folder in `target/bench-data/`.
    pub dataset: &'static str,
    /// The script in `benches/` that generates it.
    pub script: &'static str,
    pub group: &'static str,
    pub function: &'static str,
    pub measurement_secs: u64,
}

/// Times `import` of the dataset folder into a fresh copy of the template
/// (copying and opening it is setup, untimed). `import` returns the boxes it
/// stored and its first problem, if any; every box must be stored.
pub fn bench_box_import(
    c: &mut Criterion,
    bench: &BoxImportBench,
    import: impl Fn(&mut Project, &Path) -> (usize, Option<String>),
) {
    let data = dataset(bench.dataset, bench.script);
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    make_template(&template, &data, IMAGES);

    let mut group = c.benchmark_group(bench.group);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(bench.measurement_secs));
    group.bench_function(bench.function, |b| {
        b.iter_batched(
            || fresh_copy(&template),
            |(tmp, mut project)| {
                let (boxes, problem) = import(&mut project, &data);
                assert_eq!(boxes, BOXES, "{problem:?}");
                (tmp, project)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}
