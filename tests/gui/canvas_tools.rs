//! The canvas tools through the real UI: the select tool moves any box in one
//! undo step, Esc drops a box half drawn, tools for shapes the active class
//! cannot take say so, and the keypoint visibility key leaves `V` to the image
//! labels while no keypoint is selected.

use crate::common;
use crate::common::gui::{
    app_boxes, drag_on_image as drag, image_point, open_app, press, primary_button,
};
use eframe::egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use shugu::model::LabelId;
use shugu::ui::app::ShuguApp;
use shugu::ui::canvas::Tool;

fn harness(labels: &[&str]) -> (common::Fixture, Harness<'static, ShuguApp>) {
    let f = common::image_project(&[("a.png", 400, 300)], &["car", "bike"], labels, false);
    let h = open_app(&f);
    (f, h)
}

fn corners(h: &Harness<ShuguApp>) -> Vec<[f32; 4]> {
    app_boxes(h)
        .iter()
        .map(|b| {
            [
                b.bounds().min_x,
                b.bounds().min_y,
                b.bounds().max_x,
                b.bounds().max_y,
            ]
            .map(f32::round)
        })
        .collect()
}

#[test]
fn the_select_tool_moves_any_box_in_one_undo_step() {
    let (_f, mut h) = harness(&[]);
    drag(&mut h, (20.0, 20.0), (80.0, 60.0));
    drag(&mut h, (200.0, 100.0), (300.0, 200.0));
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(h.state().workspace().unwrap().selected, None);
    press(&mut h, Modifiers::NONE, Key::Q);
    assert_eq!(h.state().workspace().unwrap().tool, Tool::Select);
    // The first box, not selected, is dragged by its inside.
    drag(&mut h, (50.0, 40.0), (60.0, 70.0));
    assert_eq!(
        corners(&h),
        vec![[30.0, 50.0, 90.0, 90.0], [200.0, 100.0, 300.0, 200.0]]
    );
    let moved = app_boxes(&h)[0].id;
    assert_eq!(h.state().workspace().unwrap().selected, Some(moved));
    // A drag on empty image draws nothing with the select tool.
    drag(&mut h, (350.0, 20.0), (390.0, 60.0));
    assert_eq!(app_boxes(&h).len(), 2);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        corners(&h),
        vec![[20.0, 20.0, 80.0, 60.0], [200.0, 100.0, 300.0, 200.0]]
    );
}

#[test]
fn esc_drops_a_box_being_drawn_and_keeps_the_selection() {
    let (_f, mut h) = harness(&[]);
    drag(&mut h, (20.0, 20.0), (80.0, 60.0));
    let first = app_boxes(&h)[0].id;
    let (a, b) = (image_point(&h, 150.0, 100.0), image_point(&h, 250.0, 200.0));
    h.event(Event::PointerMoved(a));
    h.run();
    primary_button(&mut h, a, true);
    for i in 1..=3 {
        h.event(Event::PointerMoved(a + (b - a) * (i as f32 / 3.0)));
        h.run();
    }
    press(&mut h, Modifiers::NONE, Key::Escape);
    h.event(Event::PointerMoved(b));
    h.run();
    primary_button(&mut h, b, false);
    assert_eq!(app_boxes(&h).len(), 1, "the box half drawn was dropped");
    assert_eq!(h.state().workspace().unwrap().selected, Some(first));
}

#[test]
fn a_tool_for_shapes_the_class_cannot_take_says_so() {
    let (f, mut h) = harness(&[]);
    // Every tool starts for a class that takes any shape, but keypoints
    // need the class's point names.
    for (key, tool) in [
        (Key::O, Tool::Polygon),
        (Key::L, Tool::Polyline),
        (Key::T, Tool::RotatedBox),
    ] {
        press(&mut h, Modifiers::NONE, key);
        assert_eq!(h.state().workspace().unwrap().tool, tool, "{key:?}");
    }
    press(&mut h, Modifiers::NONE, Key::K);
    let ws = h.state().workspace().unwrap();
    assert_eq!(ws.tool, Tool::RotatedBox, "the keypoint tool did not start");
    let message = ws.message.clone().unwrap_or_default();
    assert!(message.contains("car names no keypoints"), "{message}");

    // A class that takes boxes only refuses the other tools, and says which.
    drop(h);
    {
        let mut p =
            shugu::project::Project::open(&f.project, shugu::project::Access::ReadWrite).unwrap();
        p.update_schema(|s| s.classes[0].shapes = vec![shugu::model::ShapeKind::Rect])
            .unwrap();
    }
    let mut h = open_app(&f);
    press(&mut h, Modifiers::NONE, Key::O);
    let ws = h.state().workspace().unwrap();
    assert_eq!(ws.tool, Tool::Box);
    let message = ws.message.clone().unwrap_or_default();
    assert_eq!(message, "Class car does not take polygons");
    // The box tool still draws.
    drag(&mut h, (20.0, 20.0), (80.0, 60.0));
    assert_eq!(app_boxes(&h).len(), 1);
}

#[test]
fn v_stays_the_fourth_image_labels_key_while_no_keypoint_is_selected() {
    let (_f, mut h) = harness(&["day", "night", "dusk", "dawn"]);
    press(&mut h, Modifiers::NONE, Key::V);
    let ws = h.state().workspace().unwrap();
    let item = ws.current_item().unwrap().id;
    assert_eq!(ws.project.image_labels(item).unwrap(), vec![LabelId(4)]);
}
