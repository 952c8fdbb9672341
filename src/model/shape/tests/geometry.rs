//! Bounds, area, hit tests, moves, clamping and validity of each kind.

use super::super::{Keypoint, Rle, ShapeKind, Visibility, coco_result_bbox, labelled_bounds};
use super::{pt, square};
use crate::model::BBox;
use crate::model::shape::{Point, Polygon, RotatedRect, Shape};

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 1e-4
}

fn assert_box(b: BBox, expected: [f32; 4]) {
    let got = [b.min_x, b.min_y, b.max_x, b.max_y];
    assert!(
        got.iter().zip(expected).all(|(&g, e)| close(g, e)),
        "{got:?} != {expected:?}"
    );
}

#[test]
fn kinds_have_stable_names_and_codes() {
    for kind in ShapeKind::ALL {
        assert_eq!(ShapeKind::parse(kind.as_str()), Some(kind));
        assert_eq!(ShapeKind::from_code(kind.code()), Some(kind));
    }
    assert_eq!(ShapeKind::Rect.code(), 1);
    assert_eq!(ShapeKind::Mask.code(), 6);
    assert_eq!(ShapeKind::from_code(0), None);
    assert_eq!(ShapeKind::from_code(7), None);
    assert_eq!(ShapeKind::RotatedRect.as_str(), "rotated_rect");
    assert!(!ShapeKind::Polyline.has_area() && ShapeKind::Mask.has_area());
}

#[test]
fn bounds_of_each_kind() {
    assert_box(
        Shape::Rect(BBox::from_xywh(1.0, 2.0, 3.0, 4.0)).bounds(),
        [1.0, 2.0, 4.0, 6.0],
    );
    // A 2×2 box turned 45° spans √2 each way from its centre.
    let r = Shape::RotatedRect(RotatedRect::new(10.0, 10.0, 2.0, 2.0, 45.0));
    let s = 2f32.sqrt();
    assert_box(r.bounds(), [10.0 - s, 10.0 - s, 10.0 + s, 10.0 + s]);
    let p = Shape::Polygon(Polygon::from_parts([
        square(0.0, 0.0, 1.0),
        square(5.0, 6.0, 2.0),
    ]));
    assert_box(p.bounds(), [0.0, 0.0, 7.0, 8.0]);
    assert_box(
        Shape::Polyline(vec![pt(3.0, 1.0), pt(-1.0, 4.0)]).bounds(),
        [-1.0, 1.0, 3.0, 4.0],
    );
    // Only labelled keypoints count; COCO's result box takes every point.
    let k = vec![
        Keypoint::new(5.0, 6.0, Visibility::Visible),
        Keypoint::NOT_LABELLED,
        Keypoint::new(9.0, 2.0, Visibility::Occluded),
    ];
    assert_box(Shape::Keypoints(k.clone()).bounds(), [5.0, 2.0, 9.0, 6.0]);
    assert_box(labelled_bounds(&k).unwrap(), [5.0, 2.0, 9.0, 6.0]);
    assert_box(coco_result_bbox(&k).unwrap(), [0.0, 0.0, 9.0, 6.0]);
    assert_eq!(Shape::Keypoints(k).coco_area(), 54.0);
    // A mask of pixel (x 2, y 1) in a 3×4 image is 2..3 × 1..2.
    let mut pixels = vec![0u8; 12];
    pixels[2 * 3 + 1] = 1;
    let mask = Shape::Mask(Rle::encode(3, 4, &pixels).unwrap());
    assert_box(mask.bounds(), [2.0, 1.0, 3.0, 2.0]);
    assert_box(
        Shape::Keypoints(vec![Keypoint::NOT_LABELLED]).bounds(),
        [0.0; 4],
    );
}

#[test]
fn area_of_each_kind() {
    assert_eq!(Shape::Rect(BBox::from_xywh(0.0, 0.0, 3.0, 2.0)).area(), 6.0);
    assert!(
        (Shape::RotatedRect(RotatedRect::new(0.0, 0.0, 3.0, 2.0, 33.0)).area() - 6.0).abs() < 1e-9
    );
    // Parts are summed, whichever way they run.
    let mut reversed = square(10.0, 10.0, 2.0);
    reversed.reverse();
    let p = Polygon::from_parts([square(0.0, 0.0, 3.0), reversed]);
    assert_eq!(Shape::Polygon(p.clone()).area(), 13.0);
    assert_eq!(Shape::Polygon(p).coco_area(), 13.0);
    let triangle = Polygon::new(vec![pt(0.0, 0.0), pt(4.0, 0.0), pt(0.0, 3.0)]);
    assert_eq!(triangle.area(), 6.0);
    assert_eq!(
        Shape::Polyline(vec![pt(0.0, 0.0), pt(5.0, 5.0)]).area(),
        0.0
    );
    let mask = Rle::from_counts(2, 3, vec![1, 4, 1]).unwrap();
    assert_eq!(Shape::Mask(mask).area(), 4.0);
}

#[test]
fn hits_are_exact_for_turned_and_concave_shapes() {
    // Inside the 45° box's bounds but outside the box itself.
    let r = Shape::RotatedRect(RotatedRect::new(10.0, 10.0, 2.0, 2.0, 45.0));
    assert!(r.hit(10.0, 10.0, 0.0) && r.hit(10.0, 11.3, 0.0));
    assert!(!r.hit(11.2, 11.2, 0.0));
    assert!(
        r.hit(11.2, 11.2, 0.75) && !r.hit(11.2, 11.2, 0.65),
        "near the outline counts with a tolerance"
    );
    // An L: the notch is outside.
    let l = Shape::Polygon(Polygon::new(vec![
        pt(0.0, 0.0),
        pt(4.0, 0.0),
        pt(4.0, 1.0),
        pt(1.0, 1.0),
        pt(1.0, 4.0),
        pt(0.0, 4.0),
    ]));
    assert!(l.hit(0.5, 3.0, 0.0) && l.hit(3.0, 0.5, 0.0));
    assert!(!l.hit(3.0, 3.0, 0.0) && !l.hit(3.0, 3.0, 1.0));
    assert!(l.hit(3.0, 1.8, 1.0));
    // Either part of a multi-part polygon.
    let two = Shape::Polygon(Polygon::from_parts([
        square(0.0, 0.0, 1.0),
        square(5.0, 5.0, 1.0),
    ]));
    assert!(two.hit(5.5, 5.5, 0.0) && !two.hit(3.0, 3.0, 0.0));
    let b = Shape::Rect(BBox::from_xywh(0.0, 0.0, 2.0, 2.0));
    assert!(b.hit(1.0, 1.0, 0.0) && !b.hit(3.0, 3.0, 1.0) && b.hit(2.5, 2.5, 0.8));
}

#[test]
fn lines_and_points_are_hit_within_the_tolerance() {
    let line = Shape::Polyline(vec![pt(0.0, 0.0), pt(10.0, 0.0), pt(10.0, 10.0)]);
    assert!(line.hit(5.0, 0.9, 1.0) && line.hit(10.5, 5.0, 1.0));
    assert!(
        !line.hit(5.0, 5.0, 1.0),
        "a polyline is not closed: no inside"
    );
    assert!(!line.hit(5.0, 1.5, 1.0));
    let points = Shape::Keypoints(vec![
        Keypoint::new(3.0, 3.0, Visibility::Visible),
        Keypoint::NOT_LABELLED,
    ]);
    assert!(points.hit(3.5, 3.5, 1.0) && !points.hit(5.0, 5.0, 1.0));
    assert!(
        !points.hit(0.0, 0.0, 1.0),
        "an unlabelled point is not there"
    );
    let mask = Shape::Mask(Rle::from_counts(2, 2, vec![3, 1]).unwrap());
    assert!(mask.hit(1.5, 1.9, 0.0) && !mask.hit(0.5, 0.5, 0.0) && !mask.hit(-0.5, 1.5, 0.0));
}

#[test]
fn translated_within_slides_along_the_border() {
    let p = Shape::Polygon(Polygon::new(vec![
        pt(10.0, 10.0),
        pt(30.0, 10.0),
        pt(20.0, 25.0),
    ]));
    let moved = p.translated_within(200.0, -50.0, 100.0, 100.0);
    assert_box(moved.bounds(), [80.0, 0.0, 100.0, 15.0]);
    // Keypoints: unlabelled points stay at 0, 0.
    let k = Shape::Keypoints(vec![
        Keypoint::new(5.0, 5.0, Visibility::Visible),
        Keypoint::NOT_LABELLED,
    ]);
    let Shape::Keypoints(moved) = k.translated_within(-20.0, 3.0, 50.0, 50.0) else {
        unreachable!()
    };
    assert_eq!(
        moved,
        vec![
            Keypoint::new(0.0, 8.0, Visibility::Visible),
            Keypoint::NOT_LABELLED
        ]
    );
    // A shape wider than the image moves only while it still covers it.
    let wide = Shape::Rect(BBox::from_xywh(-10.0, 0.0, 120.0, 10.0));
    assert_box(
        wide.translated_within(50.0, 0.0, 100.0, 100.0).bounds(),
        [0.0, 0.0, 120.0, 10.0],
    );
    // Masks move by whole pixels and stay whole.
    let mask = Shape::Mask(Rle::from_ring(10, 10, &square(2.0, 2.0, 3.0)).unwrap());
    let moved = mask.translated_within(30.0, -1.4, 10.0, 10.0);
    assert_eq!(moved.area(), mask.area());
    assert_box(moved.bounds(), [7.0, 1.0, 10.0, 4.0]);
}

#[test]
fn clamping_each_kind() {
    let rect = Shape::Rect(BBox::from_corners([-5.0, 3.0], [120.0, 50.0]));
    assert_eq!(
        rect.clamped(100.0, 40.0),
        Some(Shape::Rect(BBox::from_corners([0.0, 3.0], [100.0, 40.0])))
    );
    assert_eq!(
        Shape::Rect(BBox::from_xywh(200.0, 0.0, 5.0, 5.0)).clamped(100.0, 40.0),
        None
    );
    // A triangle cut by the right border keeps the part inside, exactly.
    let triangle = Shape::Polygon(Polygon::new(vec![
        pt(0.0, 0.0),
        pt(20.0, 0.0),
        pt(0.0, 20.0),
    ]));
    let clipped = triangle.clamped(10.0, 100.0).unwrap();
    assert!((clipped.area() - 150.0).abs() < 1e-3);
    // A polygon part wholly outside is dropped; a polygon wholly outside is gone.
    let two = Shape::Polygon(Polygon::from_parts([
        square(1.0, 1.0, 2.0),
        square(50.0, 50.0, 2.0),
    ]));
    let Some(Shape::Polygon(kept)) = two.clamped(10.0, 10.0) else {
        panic!()
    };
    assert_eq!(kept.part_count(), 1);
    assert_eq!(
        Shape::Polygon(Polygon::new(square(50.0, 50.0, 2.0))).clamped(10.0, 10.0),
        None
    );
    // A polyline leaving and coming back runs along the border in between.
    let line = Shape::Polyline(vec![
        pt(2.0, 5.0),
        pt(15.0, 5.0),
        pt(15.0, 8.0),
        pt(2.0, 8.0),
    ]);
    let Some(Shape::Polyline(points)) = line.clamped(10.0, 10.0) else {
        panic!()
    };
    assert_eq!(
        points,
        vec![pt(2.0, 5.0), pt(10.0, 5.0), pt(10.0, 8.0), pt(2.0, 8.0)]
    );
    assert_eq!(
        Shape::Polyline(vec![pt(20.0, 1.0), pt(30.0, 1.0)]).clamped(10.0, 10.0),
        None
    );
    // Keypoints outside become unlabelled.
    let k = Shape::Keypoints(vec![
        Keypoint::new(5.0, 5.0, Visibility::Visible),
        Keypoint::new(15.0, 5.0, Visibility::Occluded),
    ]);
    let expected = vec![
        Keypoint::new(5.0, 5.0, Visibility::Visible),
        Keypoint::NOT_LABELLED,
    ];
    assert_eq!(k.clamped(10.0, 10.0), Some(Shape::Keypoints(expected)));
    assert_eq!(k.clamped(2.0, 2.0), None);
    // A mask on a smaller grid is cut, on a larger one padded.
    let mask = Rle::from_ring(6, 6, &square(1.0, 1.0, 4.0)).unwrap();
    let Some(Shape::Mask(cut)) = Shape::Mask(mask.clone()).clamped(3.0, 4.0) else {
        panic!()
    };
    assert_eq!((cut.height(), cut.width(), cut.area()), (4, 3, 6));
    let Some(Shape::Mask(padded)) = Shape::Mask(mask.clone()).clamped(9.0, 8.0) else {
        panic!()
    };
    assert_eq!((padded.height(), padded.width(), padded.area()), (8, 9, 16));
    assert_eq!(padded.resized_canvas(6, 6).unwrap(), mask);
    // Nonsense image sizes clamp to nothing rather than panic.
    assert_eq!(rect.clamped(f32::NAN, -3.0), None);
}

#[test]
fn a_turned_box_is_clamped_at_its_own_angle() {
    // At 0° it is BBox::clamped.
    let r = RotatedRect::new(0.0, 5.0, 10.0, 4.0, 0.0);
    let c = r.clamped(100.0, 100.0).unwrap();
    assert!(close(c.cx, 2.5) && close(c.cy, 5.0) && close(c.w, 5.0) && close(c.h, 4.0));
    // At 90° the box's width runs down the image.
    let r = RotatedRect::new(5.0, 0.0, 10.0, 4.0, 90.0);
    let c = r.clamped(100.0, 100.0).unwrap();
    assert!(close(c.cy, 2.5) && close(c.w, 5.0) && close(c.h, 4.0) && c.angle == 90.0);
    assert_eq!(
        RotatedRect::new(-50.0, -50.0, 4.0, 4.0, 30.0).clamped(10.0, 10.0),
        None
    );
    // Wholly inside: unchanged.
    let inside = RotatedRect::new(50.0, 50.0, 10.0, 4.0, 30.0);
    let c = inside.clamped(100.0, 100.0).unwrap();
    assert!(close(c.cx, 50.0) && close(c.w, 10.0) && close(c.h, 4.0));
}

#[test]
fn rotated_boxes_convert_from_label_studio_and_corner_points() {
    // Label Studio turns about the top-left corner: at 90° a 4×2 box from (10, 10)
    // hangs down and to the left.
    let r = RotatedRect::from_top_left(10.0, 10.0, 4.0, 2.0, 90.0);
    assert!(close(r.cx, 9.0) && close(r.cy, 12.0));
    let top_left = r.top_left();
    assert!(close(top_left.x, 10.0) && close(top_left.y, 10.0));
    // Corners clockwise on screen from the box's own top-left.
    let c = RotatedRect::new(2.0, 1.0, 4.0, 2.0, 0.0).corners();
    assert_eq!(c, [pt(0.0, 0.0), pt(4.0, 0.0), pt(4.0, 2.0), pt(0.0, 2.0)]);
    // DOTA's four points (clockwise) come back in order.
    let r = RotatedRect::new(50.0, 40.0, 30.0, 10.0, 30.0);
    let back = RotatedRect::from_corners(r.corners());
    assert_same_corners(back.corners(), r.corners());
    // Counter-clockwise points from the same first point: clockwise from it.
    let [a, b, c, d] = r.corners();
    let back = RotatedRect::from_corners([a, d, c, b]);
    assert_same_corners(back.corners(), [a, b, c, d]);
    // A quadrilateral that is not a rectangle gets its smallest box around it.
    let quad = [pt(0.0, 0.0), pt(10.0, 1.0), pt(10.0, 6.0), pt(0.0, 5.0)];
    let fit = RotatedRect::from_corners(quad);
    assert!(fit.area() <= 60.0 + 1e-3);
    assert!(
        quad.iter()
            .all(|p| fit.contains(p.x, p.y) || near_outline(&fit, *p))
    );
}

fn assert_same_corners(a: [Point; 4], b: [Point; 4]) {
    for (p, q) in a.iter().zip(b) {
        assert!(
            (p.x - q.x).abs() < 1e-3 && (p.y - q.y).abs() < 1e-3,
            "{a:?} != {b:?}"
        );
    }
}

fn near_outline(r: &RotatedRect, p: Point) -> bool {
    Shape::RotatedRect(*r).hit(p.x, p.y, 1e-3)
}

#[test]
fn validity_of_each_kind() {
    assert!(Shape::Rect(BBox::from_xywh(0.0, 0.0, 1.0, 1.0)).is_valid());
    assert!(!Shape::Rect(BBox::from_xywh(0.0, 0.0, 0.0, 1.0)).is_valid());
    assert!(!Shape::RotatedRect(RotatedRect::new(0.0, 0.0, 1.0, 1.0, f32::NAN)).is_valid());
    assert!(Shape::Polygon(Polygon::new(square(0.0, 0.0, 1.0))).is_valid());
    assert!(!Shape::Polygon(Polygon::new(vec![pt(0.0, 0.0), pt(1.0, 1.0)])).is_valid());
    assert!(
        !Shape::Polygon(Polygon::new(vec![pt(0.0, 0.0), pt(1.0, 1.0), pt(2.0, 2.0)])).is_valid()
    );
    assert!(!Shape::Polygon(Polygon::default()).is_valid());
    assert!(Shape::Polyline(vec![pt(0.0, 0.0), pt(1.0, 0.0)]).is_valid());
    assert!(!Shape::Polyline(vec![pt(1.0, 0.0), pt(1.0, 0.0)]).is_valid());
    assert!(!Shape::Polyline(vec![pt(1.0, f32::INFINITY), pt(1.0, 0.0)]).is_valid());
    assert!(Shape::Keypoints(vec![Keypoint::NOT_LABELLED]).is_valid());
    assert!(!Shape::Keypoints(Vec::new()).is_valid());
    assert!(!Shape::Mask(Rle::empty(3, 3).unwrap()).is_valid());
}

#[test]
fn polygons_from_and_to_coco_lists() {
    let p = Polygon::from_coco([
        vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        vec![],
        vec![0.0, 0.0, 1.0, 0.0, 1.0, 1.0],
    ]);
    assert_eq!(p.part_count(), 2);
    assert_eq!(
        p.part(0).unwrap(),
        &[pt(1.0, 2.0), pt(3.0, 4.0), pt(5.0, 6.0)]
    );
    assert_eq!(
        p.to_coco(),
        vec![
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            vec![0.0, 0.0, 1.0, 0.0, 1.0, 1.0]
        ]
    );
    assert_eq!(p.part(2), None);
    let json = serde_json::to_string(&Shape::Polygon(p.clone())).unwrap();
    assert_eq!(
        json,
        r#"{"polygon":[[[1.0,2.0],[3.0,4.0],[5.0,6.0]],[[0.0,0.0],[1.0,0.0],[1.0,1.0]]]}"#
    );
}
