//! Four corners both ways, as YOLO-OBB rows and DOTA lines give them.
//!
//! - Reading: four points that are a rectangle (each within a small
//!   tolerance of the rectangle fitted to them) become a [`RotatedRect`] whose
//!   corners give them back; any other quadrilateral (DOTA's hand-drawn ones)
//!   stays the 4-point polygon it is, so nothing is bent into a rectangle.
//! - Writing: a rotated box's corners (clockwise from its own top-left), a
//!   box's corners, a 4-point polygon's own points; any other region is
//!   written as its minimum-area rotated box (as Ultralytics reduces a polygon
//!   for OBB training: `xyxyxyxy2xywhr`, OpenCV's `minAreaRect`), and says so.

use crate::model::{BBox, Point, Polygon, RotatedRect, Shape, mask_to_polygon};

/// The shape four corners in pixels are: a rotated box when they are a
/// rectangle to within `tolerance` pixels, else a 4-point polygon. `Err`
/// when they enclose no area.
pub fn quad_shape(corners: [Point; 4], tolerance: f32) -> Result<Shape, String> {
    if !corners.iter().all(Point::is_finite) {
        return Err("a corner is not a finite number".into());
    }
    let polygon = Polygon::new(corners.to_vec());
    if polygon.area() <= 0.0 {
        return Err("the four corners enclose no area".into());
    }
    let rect = RotatedRect::from_corners(corners);
    let fitted = rect.corners();
    let near = |p: &Point| {
        fitted
            .iter()
            .any(|q| p.distance_sq(*q) <= tolerance * tolerance)
    };
    Ok(if rect.is_valid() && corners.iter().all(near) {
        Shape::RotatedRect(rect)
    } else {
        Shape::Polygon(polygon)
    })
}

/// The tolerance of [`quad_shape`] on a `width`×`height` image: what six
/// significant digits of a normalised coordinate (Ultralytics writes `%g`)
/// may move a corner, twenty times over, and never under a thousandth of a
/// pixel.
pub fn rectangle_tolerance(width: u32, height: u32) -> f32 {
    (1e-5 * width.max(height) as f32).max(1e-3)
}

/// The four corners a shape is written as, and how it was converted when it
/// was. Polylines and keypoints have no area and are refused.
pub fn shape_corners(shape: &Shape) -> Result<([Point; 4], Option<String>), String> {
    match shape {
        Shape::RotatedRect(r) => Ok((r.corners(), None)),
        Shape::Rect(b) => Ok((rect_corners(b), None)),
        Shape::Polygon(p) if p.part_count() == 1 && p.points().len() == 4 => {
            let [a, b, c, d] = [0, 1, 2, 3].map(|i| p.points()[i]);
            Ok(([a, b, c, d], None))
        }
        Shape::Polygon(p) => {
            let rect = min_area_rect(p.points()).ok_or("the polygon has no area")?;
            Ok((
                rect.corners(),
                Some("written as its minimum-area rotated box".into()),
            ))
        }
        Shape::Mask(m) => {
            let outline = mask_to_polygon(m, 0.0).ok_or("the mask is empty")?;
            let rect = min_area_rect(outline.points()).ok_or("the mask has no area")?;
            Ok((
                rect.corners(),
                Some("written as the minimum-area rotated box of its pixels".into()),
            ))
        }
        Shape::Polyline(_) | Shape::Keypoints(_) => Err(format!(
            "a {} has no area: oriented boxes hold regions",
            shape.kind().as_str()
        )),
    }
}

/// A box's corners clockwise from its top-left.
pub fn rect_corners(b: &BBox) -> [Point; 4] {
    [
        Point::new(b.min_x, b.min_y),
        Point::new(b.max_x, b.min_y),
        Point::new(b.max_x, b.max_y),
        Point::new(b.min_x, b.max_y),
    ]
}

/// The smallest rotated box around `points`: one of its sides lies along an
/// edge of their convex hull (rotating calipers, tried edge by edge).
/// `None` when the points enclose no area.
pub fn min_area_rect(points: &[Point]) -> Option<RotatedRect> {
    let hull = convex_hull(points);
    if hull.len() < 3 {
        return None;
    }
    let pts: Vec<(f64, f64)> = hull
        .iter()
        .map(|p| (f64::from(p.0), f64::from(p.1)))
        .collect();
    let mut best: Option<(f64, RotatedRect)> = None;
    for i in 0..pts.len() {
        let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
        let len = (b.0 - a.0).hypot(b.1 - a.1);
        if len <= 0.0 {
            continue;
        }
        let u = ((b.0 - a.0) / len, (b.1 - a.1) / len);
        let v = (-u.1, u.0);
        let (mut a0, mut a1, mut b0, mut b1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in &pts {
            let (s, t) = (x * u.0 + y * u.1, x * v.0 + y * v.1);
            (a0, a1, b0, b1) = (a0.min(s), a1.max(s), b0.min(t), b1.max(t));
        }
        let area = (a1 - a0) * (b1 - b0);
        if best.as_ref().is_some_and(|(best, _)| area >= *best) {
            continue;
        }
        let (s, t) = ((a0 + a1) / 2.0, (b0 + b1) / 2.0);
        let rect = RotatedRect::new(
            (s * u.0 + t * v.0) as f32,
            (s * u.1 + t * v.1) as f32,
            (a1 - a0) as f32,
            (b1 - b0) as f32,
            u.1.atan2(u.0).to_degrees() as f32,
        );
        best = Some((area, rect));
    }
    best.map(|(_, rect)| rect).filter(RotatedRect::is_valid)
}

/// The convex hull (Andrew's monotone chain), without repeated or
/// collinear points.
fn convex_hull(points: &[Point]) -> Vec<(f32, f32)> {
    let mut pts: Vec<(f32, f32)> = points
        .iter()
        .filter(|p| p.is_finite())
        .map(|p| (p.x, p.y))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let cross = |o: (f32, f32), a: (f32, f32), b: (f32, f32)| {
        (f64::from(a.0) - f64::from(o.0)) * (f64::from(b.1) - f64::from(o.1))
            - (f64::from(a.1) - f64::from(o.1)) * (f64::from(b.0) - f64::from(o.0))
    };
    let mut hull: Vec<(f32, f32)> = Vec::with_capacity(2 * pts.len());
    for pass in [&pts[..], &pts.iter().rev().copied().collect::<Vec<_>>()[..]] {
        let start = hull.len();
        for &p in pass {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f32, y: f32) -> Point {
        Point::new(x, y)
    }

    #[test]
    fn a_rectangle_is_a_rotated_box_and_gives_its_corners_back() {
        // Sides along (3, 4) and (-4, 3): a rectangle with whole corners.
        let corners = [
            p(100.0, 100.0),
            p(130.0, 140.0),
            p(90.0, 170.0),
            p(60.0, 130.0),
        ];
        let Shape::RotatedRect(r) = quad_shape(corners, 1e-3).unwrap() else {
            panic!("a rectangle is a rotated box");
        };
        for (a, b) in r.corners().iter().zip(&corners) {
            assert!(a.distance_sq(*b) < 1e-6, "{a:?} {b:?}");
        }
        let (back, how) = shape_corners(&Shape::RotatedRect(r)).unwrap();
        assert_eq!(how, None);
        assert!(
            back.iter()
                .zip(&corners)
                .all(|(a, b)| a.distance_sq(*b) < 1e-6)
        );
    }

    #[test]
    fn any_other_quadrilateral_stays_a_polygon_and_is_written_as_it_is() {
        let corners = [p(10.0, 10.0), p(50.0, 12.0), p(48.0, 40.0), p(9.0, 38.0)];
        let shape = quad_shape(corners, 1e-3).unwrap();
        assert_eq!(shape, Shape::Polygon(Polygon::new(corners.to_vec())));
        assert_eq!(shape_corners(&shape).unwrap(), (corners, None));
        assert!(quad_shape([p(0.0, 0.0), p(1.0, 1.0), p(2.0, 2.0), p(3.0, 3.0)], 1e-3).is_err());
    }

    #[test]
    fn other_regions_are_their_minimum_area_box() {
        // A diamond: its smallest box is itself, turned 45°.
        let diamond = Polygon::new(vec![
            p(50.0, 0.0),
            p(100.0, 50.0),
            p(50.0, 100.0),
            p(0.0, 50.0),
            p(25.0, 25.0),
        ]);
        let (corners, how) = shape_corners(&Shape::Polygon(diamond)).unwrap();
        assert!(how.is_some());
        let area = Polygon::new(corners.to_vec()).area();
        assert!((area - 5000.0).abs() < 1e-2, "{area}");
        assert!(shape_corners(&Shape::Polyline(vec![p(0.0, 0.0), p(1.0, 1.0)])).is_err());
    }
}
