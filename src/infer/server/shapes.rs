//! Servers' shapes (points in pixels, a type name) as ours.

use crate::model::BBox;
use crate::model::shape::{Keypoint, Point, Polygon, RotatedRect, Shape, Visibility};

/// A shape of `kind` (X-AnyLabeling's and labelme's `shape_type` names) from its
/// points, or why it cannot be held.
pub fn shape_from_points(kind: &str, points: &[[f64; 2]]) -> Result<Shape, String> {
    if points.iter().flatten().any(|v| !v.is_finite()) {
        return Err("a coordinate is not a number".to_owned());
    }
    let pts: Vec<Point> = points
        .iter()
        .map(|p| Point::new(p[0] as f32, p[1] as f32))
        .collect();
    let need = |n: usize| {
        if pts.len() < n {
            Err(format!("{} points, {kind} needs {n}", pts.len()))
        } else {
            Ok(())
        }
    };
    let shape = match kind {
        "rectangle" => {
            need(2)?;
            let xs = pts.iter().map(|p| p.x);
            let ys = pts.iter().map(|p| p.y);
            let (x0, x1) = (
                xs.clone().fold(f32::MAX, f32::min),
                xs.fold(f32::MIN, f32::max),
            );
            let (y0, y1) = (
                ys.clone().fold(f32::MAX, f32::min),
                ys.fold(f32::MIN, f32::max),
            );
            Shape::Rect(BBox::from_corners([x0, y0], [x1, y1]))
        }
        "rotation" => {
            need(4)?;
            Shape::RotatedRect(RotatedRect::from_corners([pts[0], pts[1], pts[2], pts[3]]))
        }
        "polygon" | "quadrilateral" => {
            need(3)?;
            Shape::Polygon(Polygon::new(pts))
        }
        "linestrip" | "line" => {
            need(2)?;
            Shape::Polyline(pts)
        }
        "point" => {
            need(1)?;
            Shape::Keypoints(vec![Keypoint::new(pts[0].x, pts[0].y, Visibility::Visible)])
        }
        "circle" => return Err("Shugu has no circles".to_owned()),
        other => return Err(format!("unknown shape type `{other}`")),
    };
    if shape.is_valid() {
        Ok(shape)
    } else {
        Err("the shape has no extent".to_owned())
    }
}
