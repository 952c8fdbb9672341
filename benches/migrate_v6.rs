//! Opening a project of database version 6 (boxes in `boxes`) with 100k items
//! and 1M boxes, which moves it forward to version 7 (annotations with a shape).
//!
//! The template is the committed version-6 fixture
//! (`tests/fixtures/old_databases/v6-images/`, written by that version's own
//! code) grown to 100k items and 1M boxes by SQL, one box in ten with
//! attributes, as a big project made by the previous release would be.
//!
//! - `migrate v6 100k items 1M boxes/open writable`: `Project::open` with
//!   `ReadWrite` of a fresh copy of the template: the migration in place, in one
//!   transaction, and reading the item list. Copying the template is setup,
//!   untimed.
//! - `migrate v6 100k items 1M boxes/open read-only`: `Project::open` with
//!   `ReadOnly`, which reads through a migrated copy in the temporary folder.
//!
//! No target; a user's big project meets this once, on its first open. Each
//! run's CPU time is printed beside criterion's figures (`common/cpu_time.rs`).

#[path = "common/cpu_time.rs"]
mod cpu_time;
// Only its copying: the timed open is the migration.
#[allow(dead_code)]
#[path = "common/project_copy.rs"]
mod project_copy;

use cpu_time::{Clock, CpuTimes};
use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use project_copy::copy_project;
use shugu::project::{Access, Project};
use std::path::Path;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const ITEMS: i64 = 100_000;
const BOXES: i64 = 1_000_000;
/// The fixture's own items and boxes, kept beside the generated ones.
const FIXTURE_ITEMS: usize = 9;
const FIXTURE_BOXES: usize = 11;

/// The version-6 fixture with `ITEMS` more items and `BOXES` more boxes.
fn make_v6_template(dir: &Path) {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/old_databases/v6-images");
    copy_project(&fixture, dir);
    let conn = rusqlite::Connection::open(dir.join("shugu.db")).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 6);
    let first_item: i64 = conn
        .query_row("SELECT MAX(id) + 1 FROM items", [], |r| r.get(0))
        .unwrap();
    conn.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {ITEMS})
         INSERT INTO items(rel_path, width, height, status)
         SELECT printf('bench/%06d.jpg', i), 640, 480, 'in_progress' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {BOXES})
         INSERT INTO boxes(item_id, class_id, x0, y0, x1, y1, author, created_ms, updated_by,
                           updated_ms, attrs)
         SELECT {first_item} + i * {ITEMS} / {BOXES}, 1 + i % 7,
                (i * 37) % 600 + 0.25, (i * 53) % 440 + 0.5,
                (i * 37) % 600 + 20.75 + i % 19, (i * 53) % 440 + 15.5 + i % 23,
                'annotator', 1700000000000 + i, 'annotator', 1700000000000 + i,
                CASE WHEN i % 10 = 0 THEN '{{\"occluded\":true,\"pose\":\"side\"}}' END
         FROM n;
         COMMIT;"
    ))
    .unwrap();
    // Closing checkpoints the WAL into shugu.db, so the copy is complete.
}

fn migrate_v6(c: &mut Criterion) {
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    make_v6_template(&template);

    // Checked once, untimed: the opened project has every box as an annotation.
    let copy = tempfile::tempdir().unwrap();
    copy_project(&template, copy.path());
    let project = Project::open(copy.path(), Access::ReadWrite).unwrap();
    assert_eq!(project.items().len(), ITEMS as usize + FIXTURE_ITEMS);
    let annotations = project.all_annotations().unwrap();
    assert_eq!(annotations.len(), BOXES as usize + FIXTURE_BOXES);
    let with_attributes = annotations
        .iter()
        .filter(|a| !a.attributes.is_empty())
        .count();
    assert!(with_attributes >= (BOXES / 10) as usize);
    drop((annotations, project, copy));

    let name = "migrate v6 100k items 1M boxes";
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30));
    let mut cpu = CpuTimes::new(&format!("{name}/open writable"), Clock::Process);
    group.bench_function("open writable", |b| {
        b.iter_batched(
            || {
                let tmp = tempfile::tempdir().unwrap();
                copy_project(&template, tmp.path());
                tmp
            },
            |tmp| {
                let project = cpu.run(|| Project::open(tmp.path(), Access::ReadWrite).unwrap());
                assert_eq!(project.items().len(), ITEMS as usize + FIXTURE_ITEMS);
                // Returned, so that closing the project and deleting the copy
                // happen outside the timing.
                (tmp, project)
            },
            BatchSize::PerIteration,
        );
    });
    cpu.report();
    let mut cpu = CpuTimes::new(&format!("{name}/open read-only"), Clock::Process);
    group.bench_function("open read-only", |b| {
        // Dropping the project deletes the migrated copy: outside the timing.
        b.iter_with_large_drop(|| {
            let project = cpu.run(|| Project::open(&template, Access::ReadOnly).unwrap());
            assert_eq!(project.items().len(), ITEMS as usize + FIXTURE_ITEMS);
            project
        });
    });
    cpu.report();
    group.finish();
}

criterion_group!(benches, migrate_v6);
criterion_main!(benches);
