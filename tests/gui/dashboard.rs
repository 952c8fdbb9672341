//! The statistics dashboard computes its figures on a worker thread: frames
//! go on while the worker is held, the window says the figures are coming,
//! and after an edit it shows the last figures with an "updating…" hint
//! until new ones arrive.

use crate::common;
use crate::common::gui::{app_config, start, wait_for};
use eframe::egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::{Edit, ItemStatus};
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::dashboard::project_figures;
use shugu::ui::i18n::Language;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};

fn submitted(app: &ShuguApp) -> Option<usize> {
    match app.dashboard.figures()? {
        Ok(stats) => Some(stats.items_submitted),
        Err(e) => panic!("the figures failed: {e}"),
    }
}

/// Makes the dashboard's worker wait for a message on the returned sender
/// before it computes the real figures.
fn hold_the_worker(h: &mut Harness<ShuguApp>) -> Sender<()> {
    let (release, held) = channel::<()>();
    let held = Arc::new(Mutex::new(held));
    h.state_mut()
        .dashboard
        .set_source(Arc::new(move |dir: &std::path::Path| {
            held.lock().unwrap().recv().unwrap();
            project_figures(dir)
        }));
    release
}

#[test]
fn the_dashboard_computes_its_figures_off_the_ui_thread() {
    let f = common::three_images();
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    let release = hold_the_worker(&mut h);

    // Frames go on while the figures are computed.
    h.key_press(Key::F9);
    h.run();
    h.run_steps(5);
    assert!(h.state().dashboard.open);
    assert!(h.state().dashboard.figures().is_none());
    h.get_by_label("Computing the figures…");
    assert!(h.query_by_label("Items per status").is_none());

    // Then the worker's figures appear.
    release.send(()).unwrap();
    wait_for(&mut h, |app| app.dashboard.figures().is_some());
    h.get_by_label("Items per status");
    assert_eq!(submitted(h.state()), Some(0));
    assert!(h.query_by_label("Computing the figures…").is_none());

    // An edit: the old figures stay up, marked as updating, until the new
    // ones are in.
    let ws = h.state_mut().workspace_mut().unwrap();
    let item = ws.project.items()[0].id;
    ws.apply(Edit::SetStatus {
        item,
        status: ItemStatus::Submitted,
    })
    .unwrap();
    wait_for(&mut h, |app| app.dashboard.is_updating());
    h.run_steps(5);
    assert_eq!(submitted(h.state()), Some(0));
    h.get_by_label("updating…");
    h.get_by_label("Items per status");
    release.send(()).unwrap();
    wait_for(&mut h, |app| submitted(app) == Some(1));
    assert!(!h.state().dashboard.is_updating());
    assert!(h.query_by_label("updating…").is_none());
}

#[test]
fn the_dashboard_counts_the_annotations_of_each_shape_kind() {
    use shugu::model::{BBox, ClassId, NewAnnotation, Point, Polygon, Shape};
    let f = common::three_images();
    {
        let mut p =
            shugu::project::Project::open(&f.project, shugu::project::Access::ReadWrite).unwrap();
        let item = p.items()[0].id;
        let triangle = Polygon::new(vec![
            Point::new(1.0, 1.0),
            Point::new(9.0, 1.0),
            Point::new(5.0, 8.0),
        ]);
        let new = vec![
            NewAnnotation::new(item, ClassId(1), Shape::Polygon(triangle)),
            NewAnnotation::rect(item, ClassId(1), BBox::from_xywh(1.0, 1.0, 4.0, 4.0)),
            NewAnnotation::rect(item, ClassId(1), BBox::from_xywh(2.0, 2.0, 4.0, 4.0)),
        ];
        p.apply(Edit::AddAnnotations(new)).unwrap();
    }
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    h.key_press(Key::F9);
    h.run();
    wait_for(&mut h, |app| app.dashboard.figures().is_some());
    let stats = h.state().dashboard.figures().unwrap().as_ref().unwrap();
    let kinds: Vec<(&str, u64)> = stats
        .annotations_per_kind
        .iter()
        .map(|k| (k.kind, k.count))
        .collect();
    assert_eq!(kinds, [("rect", 2), ("polygon", 1)]);
    h.get_by_label("boxes");
    h.get_by_label("polygons");
}
