//! Laws every shape keeps, checked over many seeded random shapes of every kind.

use super::super::{Point, Polygon, Rle, RotatedRect, ShapeKind, labelled_bounds};
use super::{Rng, random_shape};
use crate::model::BBox;
use crate::model::shape::Shape;

const CASES: usize = 600;
const W: f32 = 200.0;
const H: f32 = 150.0;

fn shapes(seed: u64) -> impl Iterator<Item = Shape> {
    let mut rng = Rng::new(seed);
    (0..CASES).map(move |_| random_shape(&mut rng))
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-3 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn every_kind_is_generated() {
    let kinds: std::collections::HashSet<ShapeKind> = shapes(1).map(|s| s.kind()).collect();
    assert_eq!(kinds.len(), ShapeKind::ALL.len());
}

#[test]
fn translating_moves_the_bounds_by_as_much() {
    let mut rng = Rng::new(2);
    for shape in shapes(2) {
        // Masks move by whole pixels.
        let (dx, dy) = match shape {
            Shape::Mask(_) => (rng.below(21) as f32 - 10.0, rng.below(21) as f32 - 10.0),
            _ => (rng.range(-50.0, 50.0), rng.range(-50.0, 50.0)),
        };
        if let Shape::Keypoints(points) = &shape
            && labelled_bounds(points).is_none()
        {
            continue; // nothing to bound
        }
        let (before, after) = (shape.bounds(), shape.translated(dx, dy).bounds());
        if let Shape::Mask(m) = &shape {
            // Pixels leaving the mask are cut; only whole masks are compared.
            let moved = shape.translated(dx, dy);
            if moved.area() != shape.area() || m.area() == 0 {
                continue;
            }
        }
        for (a, b, d) in [
            (before.min_x, after.min_x, dx),
            (before.max_x, after.max_x, dx),
            (before.min_y, after.min_y, dy),
            (before.max_y, after.max_y, dy),
        ] {
            assert!(
                close(a + d, b),
                "{shape:?} moved by {dx},{dy}: {before:?} → {after:?}"
            );
        }
        assert!(close(
            shape.area() as f32,
            shape.translated(dx, dy).area() as f32
        ));
    }
}

#[test]
fn translated_within_stays_inside_and_keeps_the_shape() {
    let mut rng = Rng::new(3);
    for shape in shapes(3) {
        let Some(inside) = shape.clamped(W, H) else {
            continue;
        };
        let b = inside.bounds();
        if b.width() > W || b.height() > H {
            continue;
        }
        let (dx, dy) = (rng.range(-400.0, 400.0), rng.range(-400.0, 400.0));
        let moved = inside.translated_within(dx, dy, W, H);
        let m = moved.bounds();
        let eps = 1e-3;
        assert!(
            m.min_x >= -eps && m.min_y >= -eps && m.max_x <= W + eps && m.max_y <= H + eps,
            "{inside:?} moved by {dx},{dy} left the image: {m:?}"
        );
        assert!(
            close(m.width(), b.width()) && close(m.height(), b.height()),
            "deformed: {b:?} → {m:?}"
        );
        assert!(close(moved.area() as f32, inside.area() as f32));
    }
}

#[test]
fn clamped_shapes_stay_inside_the_image() {
    for shape in shapes(4) {
        let Some(clamped) = shape.clamped(W, H) else {
            continue;
        };
        assert!(
            clamped.is_valid(),
            "{shape:?} clamped to an invalid {clamped:?}"
        );
        let b = clamped.bounds();
        let eps = 1e-3;
        match clamped {
            // A turned box keeps its angle, so its corners may overhang; it lies
            // within the original and covers all of the original's inside part.
            Shape::RotatedRect(r) => {
                let Shape::RotatedRect(original) = &shape else {
                    unreachable!()
                };
                assert!(r.w <= original.w + eps && r.h <= original.h + eps);
                let inside = |corners| {
                    Polygon::new(Vec::from(corners))
                        .clamped(W, H)
                        .map_or(0.0, |p| p.area())
                };
                let (before, after) = (inside(original.corners()), inside(r.corners()));
                assert!(
                    (before - after).abs() < 1e-3 * before.max(1.0),
                    "{before} → {after}"
                );
            }
            _ => assert!(
                b.min_x >= -eps && b.min_y >= -eps && b.max_x <= W + eps && b.max_y <= H + eps,
                "{shape:?} clamped to {b:?}"
            ),
        }
        // Clamping what is inside changes nothing more.
        let again = clamped.clamped(W, H).expect("still inside");
        assert!(close(again.area() as f32, clamped.area() as f32));
    }
}

#[test]
fn iou_is_symmetric_one_for_itself_and_zero_when_disjoint() {
    let all: Vec<Shape> = shapes(5).take(160).collect();
    for (i, a) in all.iter().enumerate() {
        match a.iou(a) {
            None => assert!(!a.kind().has_area(), "{a:?}"),
            Some(v) if a.is_valid() => assert!((v - 1.0).abs() < 1e-9, "{a:?} against itself: {v}"),
            Some(_) => {}
        }
        for b in &all[i + 1..] {
            let (ab, ba) = (a.iou(b), b.iou(a));
            match (ab, ba) {
                (Some(x), Some(y)) => {
                    assert!((x - y).abs() < 1e-9, "{a:?} / {b:?}: {x} vs {y}");
                    assert!((0.0..=1.0).contains(&x));
                }
                (x, y) => assert_eq!(x, y),
            }
        }
        // Far away from everything.
        let far = a.translated(10_000.0, 10_000.0);
        if let (Some(v), false) = (a.iou(&far), matches!(a, Shape::Mask(_))) {
            assert_eq!(v, 0.0);
        }
    }
}

#[test]
fn masks_round_trip_through_every_encoding() {
    let mut rng = Rng::new(6);
    for _ in 0..200 {
        let (h, w) = (1 + rng.below(30) as u32, 1 + rng.below(30) as u32);
        let density = rng.range(0.0, 1.0);
        let mask: Vec<u8> = (0..h * w)
            .map(|_| u8::from(rng.range(0.0, 1.0) < density))
            .collect();
        let rle = Rle::encode(h, w, &mask).unwrap();
        assert_eq!(rle.decode(), mask);
        assert_eq!(rle.area(), mask.iter().map(|&v| u64::from(v)).sum::<u64>());
        let string = rle.to_compressed();
        assert_eq!(Rle::from_compressed(h, w, string.as_bytes()).unwrap(), rle);
        let rows = rle.decode_row_major();
        assert_eq!(Rle::encode_row_major(h, w, &rows).unwrap(), rle);
        let mut bytes = Vec::new();
        Shape::Mask(rle.clone()).encode(&mut bytes);
        assert_eq!(Shape::decode(ShapeKind::Mask, &bytes), Ok(Shape::Mask(rle)));
    }
}

#[test]
fn every_shape_round_trips_through_bytes_json_and_ron() {
    for shape in shapes(7) {
        let bytes = shape.to_bytes();
        assert_eq!(Shape::decode(shape.kind(), &bytes).as_ref(), Ok(&shape));
        let json = serde_json::to_string(&shape).unwrap();
        assert_eq!(
            serde_json::from_str::<Shape>(&json).unwrap(),
            shape,
            "{json}"
        );
        let ron = ron::to_string(&shape).unwrap();
        assert_eq!(ron::from_str::<Shape>(&ron).unwrap(), shape, "{ron}");
    }
}

#[test]
fn decoding_random_bytes_never_panics() {
    let mut rng = Rng::new(8);
    let valid: Vec<Vec<u8>> = shapes(8).take(100).map(|s| s.to_bytes()).collect();
    for round in 0..20_000 {
        let mut bytes: Vec<u8> = if round % 2 == 0 {
            (0..rng.below(64)).map(|_| rng.next_u64() as u8).collect()
        } else {
            // Valid bytes with a few flipped or cut: the interesting cases.
            let mut b = valid[rng.below(valid.len())].clone();
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            b.truncate(rng.below(b.len() + 1));
            b
        };
        if round % 7 == 0 {
            bytes.insert(0, 1);
        }
        for kind in ShapeKind::ALL {
            if let Ok(shape) = Shape::decode(kind, &bytes) {
                // Whatever came out is safe to use.
                let _ = (
                    shape.bounds(),
                    shape.area(),
                    shape.is_valid(),
                    shape.hit(1.0, 1.0, 2.0),
                );
                let _ = (
                    shape.clamped(W, H),
                    shape.iou(&shape),
                    shape.translated_within(3.0, -4.0, W, H),
                );
            }
        }
    }
}

#[test]
fn extreme_coordinates_never_panic() {
    let values = [
        0.0,
        -0.0,
        1.0,
        -1e30,
        1e30,
        f32::MAX,
        f32::MIN,
        1e-30,
        5.5,
        f32::NAN,
        f32::INFINITY,
    ];
    let mut rng = Rng::new(9);
    let mut shapes = Vec::new();
    for _ in 0..300 {
        let mut pick = || values[rng.below(values.len())];
        let ring: Vec<Point> = (0..3).map(|_| Point::new(pick(), pick())).collect();
        shapes.push(Shape::Polygon(Polygon::new(ring.clone())));
        shapes.push(Shape::Polyline(ring));
        shapes.push(Shape::RotatedRect(RotatedRect::new(
            pick(),
            pick(),
            pick(),
            pick(),
            pick(),
        )));
        shapes.push(Shape::Rect(BBox {
            min_x: pick(),
            min_y: pick(),
            max_x: pick(),
            max_y: pick(),
        }));
    }
    shapes.push(Shape::Mask(
        Rle::from_ring(
            20,
            20,
            &[
                Point::new(1.0, 1.0),
                Point::new(9.0, 2.0),
                Point::new(4.0, 8.0),
            ],
        )
        .unwrap(),
    ));
    for (i, a) in shapes.iter().enumerate() {
        let _ = (
            a.bounds(),
            a.area(),
            a.is_valid(),
            a.hit(1.0, 1.0, f32::NAN),
            a.hit(0.0, 0.0, 1e30),
        );
        let _ = (
            a.clamped(W, H),
            a.translated_within(1e30, -1e30, W, H),
            a.vertex_at(0.0, 0.0, 1.0),
        );
        let _ = a.edge_at(1.0, 1.0, 1e9);
        for b in shapes.iter().skip(i).step_by(37).chain(shapes.last()) {
            if let Some(v) = a.iou(b) {
                assert!((0.0..=1.0).contains(&v), "{a:?} / {b:?}: {v}");
            }
        }
    }
}
