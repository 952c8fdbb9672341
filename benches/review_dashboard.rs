//! Review at scale: a 100k-item, 1M-box image project worked on by 10
//! annotators, with items in every review state and 20k single submits in the
//! edit log.
//!
//! - `review queue 100k items 1M boxes / open`: `Project::query_items` for the
//!   submitted items (the reviewer's queue), and the same queue for one
//!   annotator (which reads that annotator's items from the boxes).
//! - `dashboard 100k items 1M boxes / compute`: `Project::stats`, every figure
//!   of the dashboard and of `shugu stats --json`.
//! - `dashboard window 100k items 1M boxes`: one egui frame with the
//!   dashboard window open, the frame that starts computing its figures
//!   (they are computed on a worker thread, so the frame does not wait for
//!   them) and a frame drawing the figures once they are in. Target: each a
//!   few milliseconds, where computing the figures on the UI thread took the
//!   whole of `compute`.
//!
//! The project is built once through the project API (untimed): items with
//! `add_items`, each annotator's boxes with `add_annotations_streamed` under their
//! name, statuses with `SetStatus` edits, and the versions a merge of work
//! packages keeps (5k overlap items with two versions, 1k golden items) for
//! the agreement figures. Target: each under 500 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use shugu::model::{
    BBox, ClassId, Edit, ItemId, ItemStatus, LabelSchema, NewAnnotation, Shape, VersionKind,
};
use shugu::project::{ItemQuery, NewItem, Project};
use shugu::ui::dashboard::Dashboard;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: shugu::Allocator = shugu::ALLOCATOR;

const ITEMS: usize = 100_000;
const BOXES_PER_ITEM: usize = 10;
const ANNOTATORS: usize = 10;
/// Items submitted one edit at a time, as an annotator does, so the edit log
/// holds what the pace chart reads.
const SINGLE_SUBMITS: usize = 20_000;

fn annotator(i: usize) -> String {
    format!("annotator-{i:02}")
}

fn build(dir: &Path) -> Project {
    std::fs::create_dir_all(dir.join("images")).unwrap();
    let classes: Vec<String> = (0..20).map(|c| format!("class-{c}")).collect();
    let mut project = Project::create(
        dir,
        "review bench",
        &dir.join("images"),
        LabelSchema::with_classes(&classes),
    )
    .unwrap();
    let items: Vec<NewItem> = (0..ITEMS)
        .map(|i| NewItem {
            rel_path: format!("batch-{:03}/img-{i:06}.jpg", i / 1000),
            width: 1920,
            height: 1080,
            error: None,
        })
        .collect();
    let ids = project.add_items(&items).unwrap();
    let per_annotator = ITEMS / ANNOTATORS;
    for (a, mine) in ids.chunks(per_annotator).enumerate() {
        project.set_author(&annotator(a));
        let boxes: Vec<NewAnnotation> = mine
            .iter()
            .flat_map(|&item| {
                (0..BOXES_PER_ITEM).map(move |b| {
                    let x = (b * 150) as f32;
                    NewAnnotation {
                        item,
                        class: ClassId(1 + ((item.0 as usize + b) % 20) as i64),
                        shape: Shape::Rect(BBox {
                            min_x: x,
                            min_y: 100.0,
                            max_x: x + 120.0,
                            max_y: 300.0,
                        }),
                        group: None,
                        attributes: Default::default(),
                    }
                })
            })
            .collect();
        project
            .add_annotations_streamed(
                boxes
                    .chunks(16_384)
                    .map(|c| Ok::<_, shugu::project::ProjectError>(c.to_vec())),
            )
            .unwrap();
    }
    // Per annotator: 40% submitted, 30% accepted, 10% rejected, the rest in progress.
    let singles_per_annotator = SINGLE_SUBMITS / ANNOTATORS;
    for (a, mine) in ids.chunks(per_annotator).enumerate() {
        project.set_author(&annotator(a));
        let n = mine.len();
        let status_of = |k: usize| match k * 10 / n {
            0..=3 => ItemStatus::Submitted,
            4..=6 => ItemStatus::Accepted,
            7 => ItemStatus::Rejected,
            _ => ItemStatus::InProgress,
        };
        let batch: Vec<Edit> = mine
            .iter()
            .enumerate()
            .skip(singles_per_annotator)
            .map(|(k, &item)| Edit::SetStatus {
                item,
                status: status_of(k),
            })
            .collect();
        project.apply(Edit::Batch(batch)).unwrap();
        for &item in &mine[..singles_per_annotator] {
            project
                .apply(Edit::SetStatus {
                    item,
                    status: ItemStatus::Submitted,
                })
                .unwrap();
        }
    }
    add_quality_versions(&mut project, &ids);
    project
}

/// What merged work packages leave: two annotators' versions of every 20th
/// item (overlap; the second's boxes shifted a little) and one annotator's
/// version of every 100th item, which is golden.
fn add_quality_versions(project: &mut Project, ids: &[ItemId]) {
    project.set_author("lead");
    let mut edits = Vec::new();
    for (i, &item) in ids.iter().enumerate() {
        let overlap = i % 20 == 0;
        let golden = i % 100 == 1;
        if !overlap && !golden {
            continue;
        }
        let snapshot = project.snapshot(item).unwrap();
        let owner = i / (ITEMS / ANNOTATORS);
        if golden {
            edits.push(Edit::SetGolden { item, golden: true });
        }
        let kind = if golden {
            VersionKind::Golden
        } else {
            VersionKind::Overlap
        };
        edits.push(Edit::SetItemVersion {
            item,
            annotator: annotator(owner),
            kind,
            body: Some(snapshot.clone()),
        });
        if overlap {
            let mut other = snapshot;
            for b in &mut other.annotations {
                b.shape = b.shape.translated(12.0, 0.0);
            }
            edits.push(Edit::SetItemVersion {
                item,
                annotator: annotator((owner + 1) % ANNOTATORS),
                kind: VersionKind::Overlap,
                body: Some(other),
            });
        }
    }
    project.apply(Edit::Batch(edits)).unwrap();
}

fn review_dashboard(c: &mut Criterion) {
    // tmpfs when there is one: building means 20k durable transactions.
    let shm = Path::new("/dev/shm");
    let work = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    eprintln!("building the 100k-item, 1M-box project…");
    let project = build(&work.path().join("project"));
    let stats = project.stats().unwrap();
    assert_eq!(stats.items, ITEMS);
    assert_eq!(stats.annotations, (ITEMS * BOXES_PER_ITEM) as u64);
    assert_eq!(stats.annotators.len(), ANNOTATORS);
    assert_eq!(stats.throughput.len(), ANNOTATORS);
    assert_eq!(stats.agreement.overlap_items, ITEMS / 20);
    assert_eq!(stats.agreement.golden_items, ITEMS / 100);
    assert!(stats.quality.iter().all(|q| q.agreement_f1.is_some()));

    let mut group = c.benchmark_group("review queue 100k items 1M boxes");
    group.bench_function("open submitted queue", |b| {
        let query = ItemQuery::review_queue();
        b.iter(|| black_box(project.query_items(&query).unwrap().len()))
    });
    group.bench_function("open submitted queue of one annotator", |b| {
        let query = ItemQuery {
            annotator: Some(annotator(3)),
            ..ItemQuery::review_queue()
        };
        b.iter(|| black_box(project.query_items(&query).unwrap().len()))
    });
    group.finish();

    let mut group = c.benchmark_group("dashboard 100k items 1M boxes");
    group.sample_size(20);
    group.bench_function("compute", |b| {
        b.iter(|| black_box(project.stats().unwrap()))
    });
    group.finish();

    dashboard_window(c, &project);
}

fn open_dashboard() -> Dashboard {
    let mut dashboard = Dashboard::default();
    dashboard.open = true;
    dashboard
}

/// One frame of the dashboard window over `project`.
fn dashboard_frame(ctx: &egui::Context, dashboard: &mut Dashboard, project: &Project) {
    let raw = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1400.0, 900.0),
        )),
        ..Default::default()
    };
    ctx.run_ui(raw, |ui| dashboard.show(ui.ctx(), project))
        .textures_delta
        .clear();
}

/// Draws frames until the dashboard's figures are in.
fn until_figures(ctx: &egui::Context, dashboard: &mut Dashboard, project: &Project) {
    while dashboard.is_updating() || dashboard.figures().is_none() {
        std::thread::sleep(Duration::from_millis(20));
        dashboard_frame(ctx, dashboard, project);
    }
    assert!(matches!(dashboard.figures(), Some(Ok(_))));
}

fn dashboard_window(c: &mut Criterion, project: &Project) {
    let ctx = egui::Context::default();
    shugu::ui::fonts::install(&ctx);
    let mut group = c.benchmark_group("dashboard window 100k items 1M boxes");
    group.sample_size(10);
    group.bench_function("frame that starts the figures", |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                let mut dashboard = open_dashboard();
                let start = Instant::now();
                dashboard_frame(&ctx, &mut dashboard, project);
                spent += start.elapsed();
                assert!(dashboard.is_updating());
                until_figures(&ctx, &mut dashboard, project);
            }
            spent
        })
    });
    let mut dashboard = open_dashboard();
    dashboard_frame(&ctx, &mut dashboard, project);
    until_figures(&ctx, &mut dashboard, project);
    group.bench_function("frame with the figures", |b| {
        b.iter(|| dashboard_frame(&ctx, &mut dashboard, project))
    });
    group.finish();
}

criterion_group!(benches, review_dashboard);
criterion_main!(benches);
