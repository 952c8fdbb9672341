//! Tests of the shape core. `pycocotools` compares with pycocotools' own output
//! (`tests/python/make_shape_reference.py`); `properties` checks laws over many
//! seeded random shapes.

mod codec;
mod editing;
mod geometry;
mod iou;
mod properties;
mod pycocotools;
mod rle;

use super::{Point, Polygon, RotatedRect, Shape};
use crate::model::BBox;

/// A small seeded generator (xorshift64*), so property tests need no crate and
/// every run checks the same cases.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `lo..hi`.
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        let unit = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        lo + unit * (hi - lo)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

pub fn pt(x: f32, y: f32) -> Point {
    Point::new(x, y)
}

/// A star-shaped (so simple) ring of `n` points around `(cx, cy)`.
pub fn random_ring(rng: &mut Rng, cx: f32, cy: f32, radius: f32, n: usize) -> Vec<Point> {
    (0..n)
        .map(|i| {
            let angle = (i as f32 + rng.range(0.0, 0.8)) / n as f32 * std::f32::consts::TAU;
            let r = radius * rng.range(0.3, 1.0);
            pt(cx + r * angle.cos(), cy + r * angle.sin())
        })
        .collect()
}

/// A random shape of any kind, roughly inside a 200×150 image (some cross it).
pub fn random_shape(rng: &mut Rng) -> Shape {
    let (cx, cy) = (rng.range(-20.0, 220.0), rng.range(-20.0, 170.0));
    let (w, h) = (rng.range(1.0, 80.0), rng.range(1.0, 60.0));
    match rng.below(6) {
        0 => Shape::Rect(BBox::from_xywh(cx, cy, w, h)),
        1 => Shape::RotatedRect(RotatedRect::new(cx, cy, w, h, rng.range(-180.0, 180.0))),
        2 => {
            let parts = 1 + rng.below(3);
            Shape::Polygon(Polygon::from_parts((0..parts).map(|_| {
                let n = 3 + rng.below(12);
                let (px, py) = (cx + rng.range(-30.0, 30.0), cy + rng.range(-30.0, 30.0));
                random_ring(rng, px, py, w, n)
            })))
        }
        3 => Shape::Polyline(
            (0..2 + rng.below(6))
                .map(|_| pt(cx + rng.range(-w, w), cy + rng.range(-h, h)))
                .collect(),
        ),
        4 => Shape::Keypoints(
            (0..1 + rng.below(17))
                .map(|_| {
                    let v = super::Visibility::from_coco(rng.below(3) as u8).unwrap_or_default();
                    super::Keypoint::new(cx + rng.range(-w, w), cy + rng.range(-h, h), v)
                })
                .collect(),
        ),
        _ => {
            let n = 3 + rng.below(8);
            let ring = random_ring(rng, cx, cy, w, n);
            super::Rle::from_ring(150, 200, &ring)
                .map(Shape::Mask)
                .unwrap_or(Shape::Rect(BBox::from_xywh(1.0, 1.0, 2.0, 2.0)))
        }
    }
}

/// The square `x..x+s` × `y..y+s`, clockwise on screen from its top-left.
pub fn square(x: f32, y: f32, s: f32) -> Vec<Point> {
    vec![pt(x, y), pt(x + s, y), pt(x + s, y + s), pt(x, y + s)]
}
