//! A rotated box: centre, size and angle, as CVAT keeps it.

use super::BBox;
use super::{Point, ring};
use serde::{Deserialize, Serialize};

/// A `w`×`h` box centred on `(cx, cy)`, turned `angle` degrees clockwise on screen
/// (image y grows downwards) about its centre: CVAT's `rotation`. At angle 0 it is
/// the axis-aligned box `cx ± w/2`, `cy ± h/2`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RotatedRect {
    pub cx: f32,
    pub cy: f32,
    pub w: f32,
    pub h: f32,
    pub angle: f32,
}

impl RotatedRect {
    pub fn new(cx: f32, cy: f32, w: f32, h: f32, angle: f32) -> Self {
        Self {
            cx,
            cy,
            w,
            h,
            angle,
        }
    }

    /// The unit vectors of the box's own x and y axes, in image coordinates.
    fn axes(&self) -> ((f64, f64), (f64, f64)) {
        let (sin, cos) = f64::from(self.angle).to_radians().sin_cos();
        ((cos, sin), (-sin, cos))
    }

    /// The corners clockwise on screen, starting at the box's own top-left:
    /// `(-w/2, -h/2)`, `(w/2, -h/2)`, `(w/2, h/2)`, `(-w/2, h/2)` turned and moved.
    pub fn corners(&self) -> [Point; 4] {
        let ((ux, uy), (vx, vy)) = self.axes();
        let (hw, hh) = (f64::from(self.w) / 2.0, f64::from(self.h) / 2.0);
        [(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)].map(|(a, b)| {
            Point::new(
                (f64::from(self.cx) + a * ux + b * vx) as f32,
                (f64::from(self.cy) + a * uy + b * vy) as f32,
            )
        })
    }

    /// From Label Studio's rectangle, which turns `angle` degrees clockwise about its
    /// top-left corner `(x, y)` (pixels here; the format converts its percentages).
    pub fn from_top_left(x: f32, y: f32, w: f32, h: f32, angle: f32) -> Self {
        let ((ux, uy), (vx, vy)) = Self {
            cx: 0.0,
            cy: 0.0,
            w,
            h,
            angle,
        }
        .axes();
        let (hw, hh) = (f64::from(w) / 2.0, f64::from(h) / 2.0);
        Self {
            cx: (f64::from(x) + hw * ux + hh * vx) as f32,
            cy: (f64::from(y) + hw * uy + hh * vy) as f32,
            w,
            h,
            angle,
        }
    }

    /// Label Studio's `(x, y)`: the box's own top-left corner, the point it turns about.
    pub fn top_left(&self) -> Point {
        self.corners()[0]
    }

    /// From four corner points (DOTA's `x1 y1 … x4 y4`, YOLO-OBB's `xyxyxyxy`): the
    /// smallest box around them. When the points are a rectangle in order, the box's
    /// edges are theirs and its first corner is the first point, so
    /// [`RotatedRect::corners`] gives them back (clockwise input in the same order;
    /// counter-clockwise input from the same first point, clockwise). Other
    /// quadrilaterals get their minimum-area box, as OpenCV's `minAreaRect`.
    pub fn from_corners(points: [Point; 4]) -> Self {
        let p: [(f64, f64); 4] = points.map(|p| (f64::from(p.x), f64::from(p.y)));
        // Clockwise on screen means the first corner's +y edge is p0 → p3.
        let clockwise = ring::signed_area(&points) >= 0.0;
        let first_edge = if clockwise {
            (p[0], p[1])
        } else {
            (p[0], p[3])
        };
        let mut best = fit_along(&p, first_edge);
        for i in 0..4 {
            let candidate = fit_along(&p, (p[i], p[(i + 1) % 4]));
            if candidate.area() < best.area() * (1.0 - 1e-6) {
                best = candidate;
            }
        }
        best
    }

    pub fn area(&self) -> f64 {
        f64::from(self.w) * f64::from(self.h)
    }

    pub fn bounds(&self) -> BBox {
        ring::bounds(self.corners()).unwrap_or(BBox::from_xywh(self.cx, self.cy, 0.0, 0.0))
    }

    pub fn contains(&self, x: f32, y: f32) -> bool {
        let ((ux, uy), (vx, vy)) = self.axes();
        let (dx, dy) = (
            f64::from(x) - f64::from(self.cx),
            f64::from(y) - f64::from(self.cy),
        );
        let (a, b) = (dx * ux + dy * uy, dx * vx + dy * vy);
        a.abs() <= f64::from(self.w) / 2.0 && b.abs() <= f64::from(self.h) / 2.0
    }

    pub fn translated(&self, dx: f32, dy: f32) -> Self {
        Self {
            cx: self.cx + dx,
            cy: self.cy + dy,
            ..*self
        }
    }

    pub fn is_valid(&self) -> bool {
        [self.cx, self.cy, self.w, self.h, self.angle]
            .iter()
            .all(|v| v.is_finite())
            && self.w > 0.0
            && self.h > 0.0
    }

    /// The part inside `0..w` × `0..h`, as the smallest box at the same angle around
    /// it: at angle 0 (or any multiple of 90°) exactly `BBox::clamped`; turned, its
    /// corners may still overhang the border where the image's corner cuts it.
    /// `None` when no area is inside.
    pub fn clamped(&self, w: f32, h: f32) -> Option<Self> {
        let inside = ring::clip_ring(&self.corners(), w, h);
        if inside.len() < 3 || ring::signed_area(&inside).abs() <= 0.0 {
            return None;
        }
        let ((ux, uy), (vx, vy)) = self.axes();
        let pts: Vec<(f64, f64)> = inside
            .iter()
            .map(|p| (f64::from(p.x), f64::from(p.y)))
            .collect();
        let fit = fit_axes(&pts, (ux, uy), (vx, vy));
        Some(Self {
            angle: self.angle,
            ..fit
        })
    }
}

/// The box around `points` whose x axis runs along `edge`.
fn fit_along(points: &[(f64, f64)], edge: ((f64, f64), (f64, f64))) -> RotatedRect {
    let ((x0, y0), (x1, y1)) = edge;
    let len = (x1 - x0).hypot(y1 - y0);
    let u = if len > 0.0 {
        ((x1 - x0) / len, (y1 - y0) / len)
    } else {
        (1.0, 0.0)
    };
    let v = (-u.1, u.0);
    let mut fit = fit_axes(points, u, v);
    fit.angle = u.1.atan2(u.0).to_degrees() as f32;
    fit
}

/// The box around `points` along the unit axes `u` and `v` (angle left 0).
fn fit_axes(points: &[(f64, f64)], u: (f64, f64), v: (f64, f64)) -> RotatedRect {
    let (mut a0, mut a1, mut b0, mut b1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in points {
        let (a, b) = (x * u.0 + y * u.1, x * v.0 + y * v.1);
        (a0, a1, b0, b1) = (a0.min(a), a1.max(a), b0.min(b), b1.max(b));
    }
    let (a, b) = ((a0 + a1) / 2.0, (b0 + b1) / 2.0);
    RotatedRect {
        cx: (a * u.0 + b * v.0) as f32,
        cy: (a * u.1 + b * v.1) as f32,
        w: (a1 - a0) as f32,
        h: (b1 - b0) as f32,
        angle: 0.0,
    }
}
