//! IoU of two area shapes: vector shapes clipped exactly with `i_overlay`, masks
//! compared pixel by pixel after rasterising the other shape as pycocotools would.

use super::BBox;
use super::{Polygon, Rle, Shape};
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::simplify::SimplifyShape;
use i_overlay::float::single::SingleFloatOverlay;

type Contour = Vec<[f64; 2]>;
type Region = Vec<Vec<Contour>>;

pub(super) fn iou(a: &Shape, b: &Shape) -> Option<f64> {
    if !a.kind().has_area() || !b.kind().has_area() || !is_finite(a) || !is_finite(b) {
        return None;
    }
    match (a, b) {
        (Shape::Rect(a), Shape::Rect(b)) => Some(box_iou(a, b)),
        (Shape::Mask(a), Shape::Mask(b)) => a.iou(b, false),
        (Shape::Mask(m), other) | (other, Shape::Mask(m)) => {
            let raster = rasterise(other, m.height(), m.width())?;
            m.iou(&raster, false)
        }
        _ => {
            let (ra, rb) = (region(a), region(b));
            let (area_a, area_b) = (region_area(&ra), region_area(&rb));
            if area_a <= 0.0 || area_b <= 0.0 {
                return Some(0.0);
            }
            let inter = region_area(&ra.overlay(&rb, OverlayRule::Intersect, FillRule::NonZero));
            let union = area_a + area_b - inter;
            Some(if union > 0.0 {
                (inter / union).clamp(0.0, 1.0)
            } else {
                0.0
            })
        }
    }
}

fn is_finite(shape: &Shape) -> bool {
    match shape {
        Shape::Rect(b) => b.is_finite(),
        Shape::RotatedRect(r) => r.corners().iter().all(|p| p.is_finite()),
        Shape::Polygon(p) => p.points().iter().all(|p| p.is_finite()),
        Shape::Polyline(_) | Shape::Keypoints(_) | Shape::Mask(_) => true,
    }
}

/// Box IoU in f64; 0 for disjoint or degenerate boxes.
fn box_iou(a: &BBox, b: &BBox) -> f64 {
    let len = |lo: f32, hi: f32| f64::from(hi) - f64::from(lo);
    let ix = (len(a.min_x.max(b.min_x), a.max_x.min(b.max_x))).max(0.0);
    let iy = (len(a.min_y.max(b.min_y), a.max_y.min(b.max_y))).max(0.0);
    let inter = ix * iy;
    let area = |b: &BBox| len(b.min_x, b.max_x).max(0.0) * len(b.min_y, b.max_y).max(0.0);
    let union = area(a) + area(b) - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// The shape as a mask of `h`×`w` pixels, as pycocotools' `annToRLE` would make it.
pub(super) fn rasterise(shape: &Shape, h: u32, w: u32) -> Option<Rle> {
    match shape {
        Shape::Rect(b) => Rle::from_bbox(h, w, b).ok(),
        Shape::RotatedRect(r) => Rle::from_ring(h, w, &r.corners()).ok(),
        Shape::Polygon(p) => Rle::from_parts(h, w, p.parts()).ok(),
        Shape::Polyline(_) | Shape::Keypoints(_) | Shape::Mask(_) => None,
    }
}

/// The shape's region as non-overlapping contours (outer ones one way round,
/// holes the other).
fn region(shape: &Shape) -> Region {
    let contour = |points: &[super::Point]| -> Contour {
        points
            .iter()
            .map(|p| [f64::from(p.x), f64::from(p.y)])
            .collect()
    };
    match shape {
        Shape::Rect(b) => {
            let [x0, y0, x1, y1] = [b.min_x, b.min_y, b.max_x, b.max_y].map(f64::from);
            vec![vec![vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]]]]
        }
        Shape::RotatedRect(r) => vec![vec![contour(&r.corners())]],
        Shape::Polygon(p) => polygon_region(p, contour),
        Shape::Polyline(_) | Shape::Keypoints(_) | Shape::Mask(_) => Vec::new(),
    }
}

/// Each part filled even-odd, as pycocotools fills it, then the union of the parts.
fn polygon_region(p: &Polygon, contour: impl Fn(&[super::Point]) -> Contour) -> Region {
    let mut parts = p
        .parts()
        .map(|part| contour(part).simplify_shape(FillRule::EvenOdd));
    if p.part_count() == 1 {
        return parts.next().unwrap_or_default();
    }
    // Cleaned parts all wind the same way, so non-zero winding is their union.
    let contours: Vec<Contour> = parts.flatten().flatten().collect();
    contours.simplify_shape(FillRule::NonZero)
}

fn region_area(region: &Region) -> f64 {
    let signed: f64 = region
        .iter()
        .flatten()
        .map(|c| {
            let mut twice = 0.0;
            for (i, a) in c.iter().enumerate() {
                let b = c[(i + 1) % c.len()];
                twice += a[0] * b[1] - b[0] * a[1];
            }
            twice / 2.0
        })
        .sum();
    signed.abs()
}
