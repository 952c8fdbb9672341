//! IoU by area between kinds, and OKS beyond the pycocotools fixture.

use super::super::{COCO_PERSON_SIGMAS, Keypoint, Rle, Visibility, oks};
use super::{pt, square};
use crate::model::BBox;
use crate::model::shape::{Polygon, RotatedRect, Shape};

fn rect(x: f32, y: f32, w: f32, h: f32) -> Shape {
    Shape::Rect(BBox::from_xywh(x, y, w, h))
}

fn near(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

#[test]
fn vector_shapes_overlap_by_area() {
    // Half overlap of two 2×1 boxes: 1 / 3, whatever kind carries them.
    let (a, b) = (rect(0.0, 0.0, 2.0, 1.0), rect(1.0, 0.0, 2.0, 1.0));
    assert!(near(a.iou(&b), 1.0 / 3.0));
    let pa = Shape::Polygon(Polygon::new(vec![
        pt(0.0, 0.0),
        pt(2.0, 0.0),
        pt(2.0, 1.0),
        pt(0.0, 1.0),
    ]));
    assert!(near(pa.iou(&b), 1.0 / 3.0));
    let rb = Shape::RotatedRect(RotatedRect::new(2.0, 0.5, 2.0, 1.0, 0.0));
    assert!(near(pa.iou(&rb), 1.0 / 3.0));
    assert!(near(a.iou(&rb), 1.0 / 3.0));
    // A box turned 90° about its centre covers the cross: 4 / (8 + 8 - 4).
    let r0 = Shape::RotatedRect(RotatedRect::new(0.0, 0.0, 4.0, 2.0, 0.0));
    let r90 = Shape::RotatedRect(RotatedRect::new(0.0, 0.0, 4.0, 2.0, 90.0));
    assert!(near(r0.iou(&r90), 4.0 / 12.0));
    // A triangle is half its bounding box.
    let triangle = Shape::Polygon(Polygon::new(vec![pt(0.0, 0.0), pt(4.0, 0.0), pt(0.0, 4.0)]));
    assert!(near(triangle.iou(&rect(0.0, 0.0, 4.0, 4.0)), 0.5));
    assert!(near(triangle.iou(&rect(10.0, 10.0, 1.0, 1.0)), 0.0));
    // A polygon running the other way round is the same region.
    let mut reversed = square(0.0, 0.0, 2.0);
    reversed.reverse();
    assert!(near(
        Shape::Polygon(Polygon::new(reversed)).iou(&rect(0.0, 0.0, 2.0, 2.0)),
        1.0
    ));
}

#[test]
fn polygon_parts_are_united_and_each_filled_even_odd() {
    // Two overlapping parts: their union (7 px), not the sum (8).
    let parts = Shape::Polygon(Polygon::from_parts([
        square(0.0, 0.0, 2.0),
        square(1.0, 1.0, 2.0),
    ]));
    let union = Shape::Polygon(Polygon::new(vec![
        pt(0.0, 0.0),
        pt(2.0, 0.0),
        pt(2.0, 1.0),
        pt(3.0, 1.0),
        pt(3.0, 3.0),
        pt(1.0, 3.0),
        pt(1.0, 2.0),
        pt(0.0, 2.0),
    ]));
    assert!(near(parts.iou(&union), 1.0));
    assert_eq!(parts.area(), 8.0, "area() sums the parts as COCO files do");
    // Opposite windings still unite.
    let mut other_way = square(1.0, 1.0, 2.0);
    other_way.reverse();
    let parts = Shape::Polygon(Polygon::from_parts([square(0.0, 0.0, 2.0), other_way]));
    assert!(near(parts.iou(&union), 1.0));
    // A pentagram's centre is outside (even-odd), as pycocotools fills it.
    let star = Polygon::new(vec![
        pt(5.0, 0.0),
        pt(8.0, 10.0),
        pt(0.0, 4.0),
        pt(10.0, 4.0),
        pt(2.0, 10.0),
    ]);
    let star = Shape::Polygon(star);
    assert!(!star.hit(5.0, 5.5, 0.0));
    let mask = Shape::Mask(
        Rle::from_parts(
            12,
            12,
            [&[
                pt(5.0, 0.0),
                pt(8.0, 10.0),
                pt(0.0, 4.0),
                pt(10.0, 4.0),
                pt(2.0, 10.0),
            ][..]],
        )
        .unwrap(),
    );
    assert!(star.iou(&mask).unwrap() > 0.99);
}

#[test]
fn masks_compare_with_any_area_shape() {
    let mask = Shape::Mask(Rle::from_ring(10, 10, &square(2.0, 2.0, 4.0)).unwrap());
    assert!(near(mask.iou(&rect(2.0, 2.0, 4.0, 4.0)), 1.0));
    assert!(near(rect(2.0, 2.0, 4.0, 4.0).iou(&mask), 1.0));
    assert!(near(mask.iou(&rect(2.0, 2.0, 4.0, 2.0)), 0.5));
    let turned = Shape::RotatedRect(RotatedRect::new(4.0, 4.0, 4.0, 4.0, 90.0));
    assert!(near(mask.iou(&turned), 1.0));
    // Masks of other sizes do not compare.
    let other = Shape::Mask(Rle::from_ring(10, 11, &square(2.0, 2.0, 4.0)).unwrap());
    assert_eq!(mask.iou(&other), None);
}

#[test]
fn lines_points_and_broken_shapes_have_no_iou() {
    let b = rect(0.0, 0.0, 1.0, 1.0);
    assert_eq!(
        Shape::Polyline(vec![pt(0.0, 0.0), pt(1.0, 1.0)]).iou(&b),
        None
    );
    assert_eq!(b.iou(&Shape::Keypoints(vec![Keypoint::NOT_LABELLED])), None);
    let nan = Shape::Polygon(Polygon::new(vec![
        pt(0.0, 0.0),
        pt(f32::NAN, 0.0),
        pt(0.0, 1.0),
    ]));
    assert_eq!(nan.iou(&b), None);
    assert_eq!(rect(0.0, 0.0, 0.0, 0.0).iou(&b), Some(0.0));
}

#[test]
fn oks_is_one_for_a_perfect_detection_and_needs_matching_lengths() {
    let gt: Vec<Keypoint> = (0..17)
        .map(|i| Keypoint::new(10.0 * i as f32, 5.0, Visibility::Visible))
        .collect();
    let bbox = BBox::from_xywh(0.0, 0.0, 160.0, 10.0);
    assert_eq!(oks(&gt, &gt, &COCO_PERSON_SIGMAS, 1600.0, &bbox), Some(1.0));
    assert_eq!(
        oks(&gt[..3], &gt[..3], &COCO_PERSON_SIGMAS, 1600.0, &bbox),
        None
    );
    assert_eq!(oks(&[], &[], &[], 1.0, &bbox), None);
    // Only labelled ground-truth points count.
    let mut dt = gt.clone();
    let mut gt2 = gt.clone();
    gt2[0] = Keypoint::NOT_LABELLED;
    dt[0] = Keypoint::new(500.0, 500.0, Visibility::Visible);
    assert_eq!(
        oks(&gt2, &dt, &COCO_PERSON_SIGMAS, 1600.0, &bbox),
        Some(1.0)
    );
    assert!(oks(&gt, &dt, &COCO_PERSON_SIGMAS, 1600.0, &bbox).unwrap() < 1.0);
}
