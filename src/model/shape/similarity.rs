//! How alike two annotations' shapes are, on one scale from 0 to 1, for
//! agreement between annotators:
//!
//! - two area shapes (boxes, rotated boxes, polygons, masks, in any pairing):
//!   their IoU ([`Shape::iou`]);
//! - two sets of keypoints with the same number of points: COCO's OKS with the
//!   class's sigmas, taken both ways (each set as the ground truth once) and
//!   averaged, so the order of the annotators does not matter. The scale is
//!   the area of the box around the ground truth's labelled points, at least
//!   [`MIN_KEYPOINT_AREA`] (a single point has no extent of its own);
//! - two polylines: every vertex of each is measured to the other line, and
//!   the mean distance `d` is judged against the lines' mean length `L` as
//!   OKS judges a keypoint against its object: `exp(-d² / (2 (κL)²))` with
//!   `κ` = [`POLYLINE_KAPPA`], so a line that strays a tenth of its length on
//!   average scores 0.61, and 0.5 at 12%;
//! - anything else (a box against keypoints, a line against a polygon): `None`,
//!   they are not compared.

use super::{Keypoint, Point, Shape, labelled_bounds, oks, ring};

/// The smallest area OKS scales keypoints by: COCO's boundary between small
/// and medium objects, 32² px.
pub const MIN_KEYPOINT_AREA: f64 = 32.0 * 32.0;

/// A polyline's tolerance as a share of its length (see the module).
pub const POLYLINE_KAPPA: f64 = 0.1;

impl Shape {
    /// The similarity of two shapes (see the module), `sigmas` the OKS sigma
    /// of each keypoint of the class when both are keypoints; `None` for
    /// shapes that are not compared, or keypoints of different counts.
    pub fn similarity(&self, other: &Shape, sigmas: &[f64]) -> Option<f64> {
        match (self, other) {
            (Shape::Keypoints(a), Shape::Keypoints(b)) => keypoint_similarity(a, b, sigmas),
            (Shape::Polyline(a), Shape::Polyline(b)) => line_similarity(a, b),
            _ => self.iou(other),
        }
    }
}

fn keypoint_similarity(a: &[Keypoint], b: &[Keypoint], sigmas: &[f64]) -> Option<f64> {
    let one_way = |gt: &[Keypoint], dt: &[Keypoint]| {
        let bounds = labelled_bounds(gt)?;
        let area = (f64::from(bounds.width()) * f64::from(bounds.height())).max(MIN_KEYPOINT_AREA);
        oks(gt, dt, sigmas, area, &bounds)
    };
    match (one_way(a, b), one_way(b, a)) {
        (Some(x), Some(y)) => Some((x + y) / 2.0),
        // One side labelled nothing: nothing of it to agree with.
        (Some(_), None) | (None, Some(_)) => Some(0.0),
        (None, None) => None,
    }
}

/// The distance from `p` to the nearest point of the path.
fn distance_to_line(p: Point, line: &[Point]) -> f64 {
    let nearest = match line {
        [only] => only.distance_sq(p),
        _ => ring::segments(line, false)
            .map(|(a, b)| ring::project(p, a, b).2)
            .fold(f32::INFINITY, f32::min),
    };
    f64::from(nearest).sqrt()
}

fn length(line: &[Point]) -> f64 {
    ring::segments(line, false)
        .map(|(a, b)| f64::from(a.distance_sq(b)).sqrt())
        .sum()
}

fn line_similarity(a: &[Point], b: &[Point]) -> Option<f64> {
    if a.is_empty() || b.is_empty() || !a.iter().chain(b).all(Point::is_finite) {
        return None;
    }
    let scale = POLYLINE_KAPPA * (length(a) + length(b)) / 2.0;
    if scale <= 0.0 {
        return None;
    }
    let total: f64 = a.iter().map(|&p| distance_to_line(p, b)).sum::<f64>()
        + b.iter().map(|&p| distance_to_line(p, a)).sum::<f64>();
    let d = total / (a.len() + b.len()) as f64;
    Some((-(d * d) / (2.0 * scale * scale)).exp())
}
