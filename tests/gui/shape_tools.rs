//! Issue 14's acceptance 1: every shape drawn and edited through the real UI
//! with the mouse and keys, the geometry checked where it is stored, and every
//! gesture one step of undo and redo: a polygon (click its vertices, close it
//! on the first, drag a vertex, Alt+click an edge to add one, Shift+click one
//! to delete it), a rotated box (drawn, turned by its handle and the keys),
//! keypoints (placed in the class's order, `V` making the next occluded and
//! cycling a selected point's visibility) and a polyline.

use crate::common;
use crate::common::gui::{app_boxes, drag_on_image, image_point, open_app, press};
use eframe::egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::{Keypoint, Point, RotatedRect, Shape, ShapeKind, Visibility};
use shugu::project::{Access, Project};
use shugu::ui::app::ShuguApp;
use shugu::ui::canvas::Tool;
use shugu::ui::canvas::tools::rotated;

/// A 400×300 image; classes `region` and `hand`, the hand's three points
/// named, as a COCO keypoints import names them.
fn harness() -> (common::Fixture, Harness<'static, ShuguApp>) {
    let f = common::image_project(&[("a.png", 400, 300)], &["region", "hand"], &[], false);
    {
        let mut p = Project::open(&f.project, Access::ReadWrite).unwrap();
        p.update_schema(|s| {
            let hand = &mut s.classes[1];
            hand.shapes = vec![ShapeKind::Keypoints];
            hand.keypoints = vec!["wrist".into(), "thumb".into(), "index".into()];
            hand.skeleton = vec![(0, 1), (0, 2)];
        })
        .unwrap();
    }
    let h = open_app(&f);
    (f, h)
}

/// A click at an image point, with `modifiers` held.
fn click(h: &mut Harness<ShuguApp>, (x, y): (f32, f32), modifiers: Modifiers) {
    let p = image_point(h, x, y);
    h.event(Event::ModifiersChanged(modifiers));
    h.event(Event::PointerMoved(p));
    h.run();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: p,
            button: eframe::egui::PointerButton::Primary,
            pressed,
            modifiers,
        });
        h.run();
    }
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    // Far from the last click, so the next one is not taken for a double-click.
    h.event(Event::PointerMoved(image_point(h, 399.0, 299.0)));
    h.run();
    for _ in 0..30 {
        h.step();
    }
}

/// The one stored annotation's shape.
fn stored(h: &Harness<ShuguApp>) -> Shape {
    let all = app_boxes(h);
    assert_eq!(all.len(), 1, "{all:?}");
    all[0].shape.clone()
}

/// Image points within half a pixel (screen and image pixels differ by the zoom).
fn assert_points(got: &[Point], want: &[(f32, f32)]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g.x - w.0).abs() < 0.5 && (g.y - w.1).abs() < 0.5,
            "{got:?} vs {want:?}"
        );
    }
}

fn polygon_points(h: &Harness<ShuguApp>) -> Vec<Point> {
    match stored(h) {
        Shape::Polygon(p) => {
            assert_eq!(p.part_count(), 1);
            p.points().to_vec()
        }
        other => panic!("a polygon, not {other:?}"),
    }
}

fn undo(h: &mut Harness<ShuguApp>) {
    press(h, Modifiers::COMMAND, Key::Z);
}

fn redo(h: &mut Harness<ShuguApp>) {
    press(h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
}

#[test]
fn a_polygon_is_drawn_and_its_vertices_edited_one_undo_step_each() {
    let (_f, mut h) = harness();
    press(&mut h, Modifiers::NONE, Key::O);
    assert_eq!(h.state().workspace().unwrap().tool, Tool::Polygon);
    let square = [(50.0, 50.0), (150.0, 50.0), (150.0, 150.0), (50.0, 150.0)];
    for p in square {
        click(&mut h, p, Modifiers::NONE);
    }
    assert!(app_boxes(&h).is_empty(), "nothing stored until it closes");
    // A click on the first vertex closes it: one edit.
    click(&mut h, square[0], Modifiers::NONE);
    assert_points(&polygon_points(&h), &square);

    // Drag a vertex.
    drag_on_image(&mut h, (150.0, 150.0), (170.0, 160.0));
    let dragged = [(50.0, 50.0), (150.0, 50.0), (170.0, 160.0), (50.0, 150.0)];
    assert_points(&polygon_points(&h), &dragged);
    // Alt+click on the top edge adds a vertex there.
    click(&mut h, (100.0, 50.0), Modifiers::ALT);
    let added = [
        (50.0, 50.0),
        (100.0, 50.0),
        (150.0, 50.0),
        (170.0, 160.0),
        (50.0, 150.0),
    ];
    assert_points(&polygon_points(&h), &added);
    // Shift+click on a vertex deletes it.
    click(&mut h, (50.0, 150.0), Modifiers::SHIFT);
    let deleted = &added[..4];
    assert_points(&polygon_points(&h), deleted);

    // Each gesture is one step back, and one forward.
    undo(&mut h);
    assert_points(&polygon_points(&h), &added);
    undo(&mut h);
    assert_points(&polygon_points(&h), &dragged);
    undo(&mut h);
    assert_points(&polygon_points(&h), &square);
    redo(&mut h);
    assert_points(&polygon_points(&h), &dragged);
    redo(&mut h);
    assert_points(&polygon_points(&h), &added);
    redo(&mut h);
    assert_points(&polygon_points(&h), deleted);
}

#[test]
fn a_rotated_box_is_drawn_then_turned_by_keys_and_by_its_handle() {
    let (_f, mut h) = harness();
    press(&mut h, Modifiers::NONE, Key::T);
    drag_on_image(&mut h, (100.0, 100.0), (200.0, 150.0));
    let box_of = |h: &Harness<ShuguApp>| match stored(h) {
        Shape::RotatedRect(r) => r,
        other => panic!("a rotated box, not {other:?}"),
    };
    let r = box_of(&h);
    let near = |a: f32, b: f32| (a - b).abs() < 0.5;
    assert!(
        near(r.cx, 150.0) && near(r.cy, 125.0) && near(r.w, 100.0) && near(r.h, 50.0),
        "{r:?}"
    );
    assert_eq!(r.angle, 0.0);
    // `.` turns it 1° clockwise, Shift+`.` 15°, `,` back 1°: three edits.
    press(&mut h, Modifiers::NONE, Key::Period);
    press(&mut h, Modifiers::SHIFT, Key::Period);
    press(&mut h, Modifiers::NONE, Key::Comma);
    assert!(near(box_of(&h).angle, 15.0), "{:?}", box_of(&h));
    undo(&mut h);
    assert!(near(box_of(&h).angle, 16.0), "{:?}", box_of(&h));

    // Its handle, dragged to the right of its centre, turns it to 90°.
    let r = box_of(&h);
    let zoom = h.state().workspace().unwrap().canvas.view.zoom;
    let grip = rotated::handle(&r, 24.0 / zoom);
    drag_on_image(&mut h, (grip.x, grip.y), (r.cx + 120.0, r.cy));
    let turned: RotatedRect = box_of(&h);
    assert!(near(turned.angle, 90.0), "{turned:?}");
    assert!(
        near(turned.cx, r.cx) && near(turned.w, r.w),
        "only the angle: {turned:?}"
    );
    undo(&mut h);
    assert!(near(box_of(&h).angle, 16.0), "one drag, one step");
    redo(&mut h);
    assert!(near(box_of(&h).angle, 90.0));
}

#[test]
fn keypoints_are_placed_in_order_and_v_cycles_their_visibility() {
    let (_f, mut h) = harness();
    // The hand class (its hotkey), then the keypoint tool.
    press(&mut h, Modifiers::NONE, Key::Num2);
    press(&mut h, Modifiers::NONE, Key::K);
    assert_eq!(h.state().workspace().unwrap().tool, Tool::Keypoints);
    h.get_by_label("Next point: wrist (1 of 3)");
    click(&mut h, (50.0, 50.0), Modifiers::NONE);
    h.get_by_label("Next point: thumb (2 of 3)");
    // V: the next point is occluded.
    press(&mut h, Modifiers::NONE, Key::V);
    h.get_by_label("Next point: thumb (2 of 3), occluded");
    click(&mut h, (60.0, 80.0), Modifiers::NONE);
    click(&mut h, (90.0, 40.0), Modifiers::NONE);
    let points = |h: &Harness<ShuguApp>| match stored(h) {
        Shape::Keypoints(k) => k,
        other => panic!("keypoints, not {other:?}"),
    };
    let placed = points(&h);
    let want = [
        (50.0, 50.0, Visibility::Visible),
        (60.0, 80.0, Visibility::Occluded),
        (90.0, 40.0, Visibility::Visible),
    ];
    for (k, (x, y, v)) in placed.iter().zip(want) {
        assert!(
            (k.x - x).abs() < 0.5 && (k.y - y).abs() < 0.5 && k.v == v,
            "{placed:?}"
        );
    }
    // Three points, three steps.
    undo(&mut h);
    assert_eq!(points(&h)[2], Keypoint::NOT_LABELLED);
    redo(&mut h);

    // A click on a point selects it; V cycles its visibility, one edit.
    click(&mut h, (60.0, 80.0), Modifiers::NONE);
    press(&mut h, Modifiers::NONE, Key::V);
    assert_eq!(
        points(&h)[1],
        Keypoint::NOT_LABELLED,
        "occluded → not labelled"
    );
    undo(&mut h);
    assert_eq!(points(&h)[1].v, Visibility::Occluded);
}

#[test]
fn a_polyline_is_clicked_and_finished_with_enter() {
    let (_f, mut h) = harness();
    press(&mut h, Modifiers::NONE, Key::L);
    let line = [(20.0, 20.0), (100.0, 60.0), (180.0, 20.0)];
    for p in line {
        click(&mut h, p, Modifiers::NONE);
    }
    press(&mut h, Modifiers::NONE, Key::Enter);
    let points = |h: &Harness<ShuguApp>| match stored(h) {
        Shape::Polyline(points) => points,
        other => panic!("a polyline, not {other:?}"),
    };
    assert_points(&points(&h), &line);
    // Its middle vertex dragged, then undone and redone.
    drag_on_image(&mut h, (100.0, 60.0), (100.0, 90.0));
    let moved = [(20.0, 20.0), (100.0, 90.0), (180.0, 20.0)];
    assert_points(&points(&h), &moved);
    undo(&mut h);
    assert_points(&points(&h), &line);
    redo(&mut h);
    assert_points(&points(&h), &moved);
    undo(&mut h);
    undo(&mut h);
    assert!(app_boxes(&h).is_empty(), "the line was one step too");
}

#[test]
fn p_copies_every_shape_of_the_previous_image_clamped_to_this_one() {
    use shugu::model::{BBox, ClassId, Edit, GroupId, NewAnnotation, Polygon};
    let (f, h) = harness();
    drop(h);
    // A second, smaller image, then shapes on the first.
    common::write_image(&f.images.join("b.png"), 200, 100);
    {
        let mut p = Project::open(&f.project, Access::ReadWrite).unwrap();
        shugu::jobs::scan::BackgroundScan::start(p.image_root())
            .finish_into(&mut p, |_| {})
            .unwrap();
        let a = p.items().iter().find(|i| i.rel_path == "a.png").unwrap().id;
        let pt = |x, y| Point::new(x, y);
        let shapes = [
            (
                ClassId(1),
                Shape::Polygon(Polygon::new(vec![
                    pt(10.0, 10.0),
                    pt(250.0, 10.0),
                    pt(10.0, 90.0),
                ])),
            ),
            (
                ClassId(2),
                Shape::Keypoints(vec![
                    Keypoint::new(20.0, 20.0, Visibility::Visible),
                    Keypoint::new(300.0, 200.0, Visibility::Visible),
                    Keypoint::new(30.0, 40.0, Visibility::Occluded),
                ]),
            ),
            (
                ClassId(1),
                Shape::Polyline(vec![pt(5.0, 5.0), pt(60.0, 50.0)]),
            ),
            (
                ClassId(1),
                Shape::Rect(BBox::from_xywh(300.0, 200.0, 50.0, 50.0)),
            ),
        ];
        let new = shapes
            .into_iter()
            .map(|(class, shape)| NewAnnotation {
                group: Some(GroupId(1)),
                ..NewAnnotation::new(a, class, shape)
            })
            .collect();
        p.apply(Edit::AddAnnotations(new)).unwrap();
    }
    let mut h = open_app(&f);
    press(&mut h, Modifiers::NONE, Key::D);
    let b = h.state().workspace().unwrap().current_item().unwrap().id;
    press(&mut h, Modifiers::NONE, Key::P);
    let ws = h.state().workspace().unwrap();
    let copied = ws.project.annotations(b).unwrap();
    let kinds: Vec<ShapeKind> = copied.iter().map(|a| a.shape.kind()).collect();
    assert_eq!(
        kinds,
        [
            ShapeKind::Polygon,
            ShapeKind::Keypoints,
            ShapeKind::Polyline
        ],
        "every shape with something inside the 200×100 image"
    );
    assert!(copied.iter().all(|a| a.group == Some(GroupId(1))));
    assert!(
        copied[0].bounds().max_x <= 200.0,
        "clipped: {:?}",
        copied[0]
    );
    match &copied[1].shape {
        Shape::Keypoints(k) => assert_eq!(k[1], Keypoint::NOT_LABELLED, "outside: not labelled"),
        other => panic!("{other:?}"),
    }
    let message = ws.message.clone().unwrap_or_default();
    assert!(message.contains("1 annotation(s) lie outside"), "{message}");
    undo(&mut h);
    let ws = h.state().workspace().unwrap();
    assert!(ws.project.annotations(b).unwrap().is_empty(), "one step");
}
