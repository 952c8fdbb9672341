//! Ellipses and circles as polygons: the formats that draw them (CVAT's
//! `<ellipse>`, labelme's `circle`) have no shape of their own here.

use super::{Point, Polygon};

/// How far, at most, an edge of the outline strays inside the true ellipse,
/// in pixels (up to radii of about 4000 px, where the vertices run out): a
/// fiftieth of a pixel, far below what a mask of it can show.
pub const ELLIPSE_TOLERANCE_PX: f64 = 0.02;

/// The most vertices an outline gets.
const MAX_VERTICES: usize = 1024;

/// An ellipse of radii `rx`, `ry` centred on `(cx, cy)` and turned `angle`
/// degrees clockwise on screen (CVAT's `rotation`), as a polygon whose
/// vertices lie on it, clockwise from the end of its turned x radius, one at
/// each end of both radii. It has
/// enough vertices that no edge strays more than [`ELLIPSE_TOLERANCE_PX`]
/// inside (at least 16). `None` unless the numbers are finite and both radii
/// positive.
pub fn ellipse_polygon(cx: f64, cy: f64, rx: f64, ry: f64, angle: f64) -> Option<Polygon> {
    if ![cx, cy, rx, ry, angle].iter().all(|v| v.is_finite()) || rx <= 0.0 || ry <= 0.0 {
        return None;
    }
    // A chord of a circle of radius r over the angle 2π/n strays
    // r(1 - cos(π/n)) ≈ r π² / (2n²) inside it; the larger radius bounds it.
    let r = rx.max(ry);
    let n = (std::f64::consts::PI * (r / (2.0 * ELLIPSE_TOLERANCE_PX)).sqrt()).ceil();
    // A multiple of four puts a vertex at each end of both radii.
    let n = (n as usize).clamp(16, MAX_VERTICES).next_multiple_of(4);
    let (sin, cos) = angle.to_radians().sin_cos();
    let points = (0..n)
        .map(|i| {
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            let (x, y) = (rx * t.cos(), ry * t.sin());
            Point::new(
                (cx + x * cos - y * sin) as f32,
                (cy + x * sin + y * cos) as f32,
            )
        })
        .collect();
    Some(Polygon::new(points))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_covers_the_ellipse_closely_and_turns_with_it() {
        let p = ellipse_polygon(50.0, 40.0, 30.0, 10.0, 0.0).unwrap();
        let exact = std::f64::consts::PI * 30.0 * 10.0;
        assert!((p.area() - exact).abs() / exact < 2e-3, "{}", p.area());
        let b = p.bounds().unwrap();
        assert_eq!([b.min_x, b.max_x], [20.0, 80.0]);
        assert!((b.min_y - 30.0).abs() < 0.05 && (b.max_y - 50.0).abs() < 0.05);
        // A quarter turn clockwise stands it up.
        let turned = ellipse_polygon(50.0, 40.0, 30.0, 10.0, 90.0).unwrap();
        let b = turned.bounds().unwrap();
        assert!(
            (b.min_x - 40.0).abs() < 0.05 && (b.max_y - 70.0).abs() < 1e-3,
            "{b:?}"
        );
        let first = turned.points()[0];
        assert!((first.x - 50.0).abs() < 1e-4 && (first.y - 70.0).abs() < 1e-4);
        assert!(ellipse_polygon(0.0, 0.0, 0.0, 1.0, 0.0).is_none());
        assert!(ellipse_polygon(0.0, f64::NAN, 1.0, 1.0, 0.0).is_none());
        assert_eq!(
            ellipse_polygon(0.0, 0.0, 1.0, 1.0, 0.0)
                .unwrap()
                .points()
                .len(),
            16
        );
    }
}
