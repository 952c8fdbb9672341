//! Drives the real UI headless with egui_kittest: draw, classify, move, resize,
//! undo/redo, image labels, navigation and "copy boxes from previous item", and
//! checks what reached the project.

use crate::common;
use crate::common::gui::{app_config, drag_on_image as drag, start};
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::{BBox, ClassId, ItemStatus, LabelId};
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::i18n::Language;

fn harness(fixture: &common::Fixture) -> Harness<'static, ShuguApp> {
    let config = app_config(fixture.root.path(), "alice", Language::English, vec![]);
    start(config, Startup::Open(fixture.project.clone()))
}

fn press(h: &mut Harness<ShuguApp>, key: Key) {
    h.key_press(key);
    h.run();
}

fn press_mod(h: &mut Harness<ShuguApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

fn current_boxes(h: &Harness<ShuguApp>) -> Vec<shugu::model::Annotation> {
    let ws = h.state().workspace().unwrap();
    let item = ws.current_item().unwrap().id;
    ws.project.annotations(item).unwrap()
}

fn assert_close(b: BBox, expected: [f32; 4], tol: f32) {
    let got = [b.min_x, b.min_y, b.max_x, b.max_y];
    for (g, e) in got.iter().zip(expected) {
        assert!(
            (g - e).abs() <= tol,
            "box {got:?} is not within {tol} of {expected:?}"
        );
    }
}

fn fixture() -> common::Fixture {
    common::image_project(
        &[
            ("a.png", 400, 300),
            ("b.png", 400, 300),
            ("c.png", 200, 100),
        ],
        &["car", "行人", "bike"],
        &["day", "night"],
        false,
    )
}

#[test]
fn draw_classify_move_resize_undo_redo() {
    let f = fixture();
    let mut h = harness(&f);
    assert_eq!(h.state().workspace().unwrap().current, Some(0));

    // Draw a box by dragging on the canvas with the box tool.
    drag(&mut h, (50.0, 40.0), (150.0, 120.0));
    let boxes = current_boxes(&h);
    assert_eq!(boxes.len(), 1);
    assert_close(boxes[0].bounds(), [50.0, 40.0, 150.0, 120.0], 0.6);
    assert_eq!(boxes[0].class, ClassId(1));
    assert_eq!(boxes[0].provenance.author, "alice");
    let id = boxes[0].id;
    assert_eq!(h.state().workspace().unwrap().selected, Some(id));

    // A digit changes the selected box's class.
    press(&mut h, Key::Num2);
    assert_eq!(current_boxes(&h)[0].class, ClassId(2));

    // Move it by dragging its inside.
    drag(&mut h, (100.0, 80.0), (130.0, 90.0));
    assert_close(
        current_boxes(&h)[0].bounds(),
        [80.0, 50.0, 180.0, 130.0],
        0.6,
    );

    // Resize by the bottom-right corner handle, past the image edge: clamped.
    drag(&mut h, (180.0, 130.0), (450.0, 200.0));
    assert_close(
        current_boxes(&h)[0].bounds(),
        [80.0, 50.0, 400.0, 200.0],
        0.6,
    );

    // Resize by the left edge handle.
    drag(&mut h, (80.0, 125.0), (60.0, 125.0));
    assert_close(
        current_boxes(&h)[0].bounds(),
        [60.0, 50.0, 400.0, 200.0],
        0.6,
    );

    // Undo three geometry steps and the class change, then redo them.
    let ctrl = Modifiers::COMMAND;
    for _ in 0..3 {
        press_mod(&mut h, ctrl, Key::Z);
    }
    assert_close(
        current_boxes(&h)[0].bounds(),
        [50.0, 40.0, 150.0, 120.0],
        0.6,
    );
    press_mod(&mut h, ctrl, Key::Z);
    assert_eq!(current_boxes(&h)[0].class, ClassId(1));
    press_mod(&mut h, ctrl | Modifiers::SHIFT, Key::Z);
    assert_eq!(current_boxes(&h)[0].class, ClassId(2));
    press_mod(&mut h, ctrl, Key::Y);
    assert_close(
        current_boxes(&h)[0].bounds(),
        [80.0, 50.0, 180.0, 130.0],
        0.6,
    );

    // Undo everything, including the drawing; redo brings the same box back.
    for _ in 0..3 {
        press_mod(&mut h, ctrl, Key::Z);
    }
    assert!(current_boxes(&h).is_empty());
    press_mod(&mut h, ctrl | Modifiers::SHIFT, Key::Z);
    assert_eq!(current_boxes(&h)[0].id, id);

    // Delete removes the selected box.
    h.state_mut().workspace_mut().unwrap().selected = Some(id);
    press(&mut h, Key::Delete);
    assert!(current_boxes(&h).is_empty());
}

#[test]
fn image_labels_navigation_copy_previous_and_done() {
    let f = fixture();
    let mut h = harness(&f);

    // Image-level label by clicking the radio button, then by its hotkey (Z, X).
    h.get_by_label("[Z] day").click();
    h.run();
    let item_a = h.state().workspace().unwrap().current_item().unwrap().id;
    let labels = |h: &Harness<ShuguApp>, item| {
        h.state()
            .workspace()
            .unwrap()
            .project
            .image_labels(item)
            .unwrap()
    };
    assert_eq!(labels(&h, item_a), vec![LabelId(1)]);
    press(&mut h, Key::X);
    assert_eq!(
        labels(&h, item_a),
        vec![LabelId(2)],
        "single-label mode replaces the label"
    );

    // Two boxes on the first item.
    drag(&mut h, (10.0, 10.0), (60.0, 50.0));
    press(&mut h, Key::Escape);
    press(&mut h, Key::Num3);
    drag(&mut h, (200.0, 150.0), (390.0, 290.0));
    assert_eq!(current_boxes(&h).len(), 2);

    // Next item (D), then copy the previous item's boxes (P).
    press(&mut h, Key::D);
    let ws = h.state().workspace().unwrap();
    assert_eq!(ws.current, Some(1));
    assert!(current_boxes(&h).is_empty());
    press(&mut h, Key::P);
    let copied = current_boxes(&h);
    assert_eq!(copied.len(), 2);
    assert_close(copied[0].bounds(), [10.0, 10.0, 60.0, 50.0], 0.6);
    assert_eq!(copied[1].class, ClassId(3));

    // One undo removes the whole copy.
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(current_boxes(&h).is_empty());
    press_mod(&mut h, Modifiers::COMMAND, Key::Y);

    // "Done and next": status done, on to the third (200×100) item, where copying
    // clamps the boxes to the smaller image and drops the one wholly outside it.
    press(&mut h, Key::Enter);
    let ws = h.state().workspace().unwrap();
    assert_eq!(ws.project.items()[1].status, ItemStatus::Submitted);
    assert_eq!(ws.current, Some(2));
    press(&mut h, Key::P);
    let clamped = current_boxes(&h);
    assert_eq!(clamped.len(), 1);
    assert!(
        clamped
            .iter()
            .all(|b| b.bounds().max_x <= 200.0 && b.bounds().max_y <= 100.0)
    );

    // Previous item with the left arrow.
    press(&mut h, Key::ArrowLeft);
    assert_eq!(h.state().workspace().unwrap().current, Some(1));
}

#[test]
fn reopening_restores_the_item_and_everything_on_it() {
    let f = fixture();
    {
        let mut h = harness(&f);
        press(&mut h, Key::D);
        drag(&mut h, (20.0, 20.0), (80.0, 90.0));
        assert_eq!(current_boxes(&h).len(), 1);
    }
    let h = harness(&f);
    assert_eq!(h.state().workspace().unwrap().current, Some(1));
    assert_close(current_boxes(&h)[0].bounds(), [20.0, 20.0, 80.0, 90.0], 0.6);
}

#[test]
fn plain_image_folder_offers_a_project() {
    let f = fixture();
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.images.clone()));
    assert!(h.state().offer_create.is_some());
    h.get_by_label("Create project").click();
    // The scan shows a spinner while it runs; step frames until it has finished.
    for _ in 0..1000 {
        h.step();
        if h.state().workspace().is_some_and(|ws| ws.scan.is_none()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run();
    let ws = h.state().workspace().expect("a project was created");
    assert_eq!(
        ws.project.items().len(),
        3,
        "the scan found the three images"
    );
    assert!(f.images.join(".shugu").join("project.ron").is_file());
    assert_eq!(
        ws.project.image_root().canonicalize().unwrap(),
        f.images.canonicalize().unwrap()
    );
}

#[test]
fn undo_shows_the_item_it_changes() {
    let f = fixture();
    let mut h = harness(&f);
    drag(&mut h, (20.0, 20.0), (90.0, 70.0));
    press(&mut h, Key::D);
    assert_eq!(h.state().workspace().unwrap().current, Some(1));
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().workspace().unwrap().current, Some(0));
    assert!(current_boxes(&h).is_empty());
}
