//! What the canvas editor grabs: vertices and edges under the pointer, and the
//! shapes that moving, adding or deleting a vertex makes. No allocation while
//! searching.

use super::BBox;
use super::{Keypoint, Point, Polygon, RotatedRect, Shape, Visibility, ring};

/// A vertex of a shape: `part` of a polygon (0 for every other kind) and its index
/// there. Boxes and rotated boxes have four, their corners clockwise on screen from
/// the top-left; keypoints are numbered as the class's skeleton.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VertexRef {
    pub part: usize,
    pub index: usize,
}

/// An edge under the pointer: from vertex `index` of `part` to the next one (the
/// first, for the closing edge of a ring), with the nearest point on it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeHit {
    pub part: usize,
    pub index: usize,
    /// The pointer projected onto the edge: where a new vertex would go.
    pub point: Point,
    /// How far along the edge that is, 0 at its first vertex and 1 at its last.
    pub t: f32,
    pub distance: f32,
}

fn rect_corners(b: &BBox) -> [Point; 4] {
    [
        Point::new(b.min_x, b.min_y),
        Point::new(b.max_x, b.min_y),
        Point::new(b.max_x, b.max_y),
        Point::new(b.min_x, b.max_y),
    ]
}

impl Shape {
    /// Calls `f` with every vertex the editor can grab (labelled keypoints only;
    /// none for masks).
    fn for_each_ring(&self, mut f: impl FnMut(usize, &[Point], bool)) {
        match self {
            Shape::Rect(b) => f(0, &rect_corners(b), true),
            Shape::RotatedRect(r) => f(0, &r.corners(), true),
            Shape::Polygon(p) => p.parts().enumerate().for_each(|(i, part)| f(i, part, true)),
            Shape::Polyline(points) => f(0, points, false),
            Shape::Keypoints(_) | Shape::Mask(_) => {}
        }
    }

    /// The vertex nearest to `(x, y)` within `tolerance`, if any.
    pub fn vertex_at(&self, x: f32, y: f32, tolerance: f32) -> Option<VertexRef> {
        let p = Point::new(x, y);
        let mut best: Option<(f32, VertexRef)> = None;
        let mut consider = |d2: f32, v: VertexRef| {
            if d2 <= tolerance * tolerance && best.is_none_or(|(b, _)| d2 < b) {
                best = Some((d2, v));
            }
        };
        if let Shape::Keypoints(points) = self {
            for (index, k) in points.iter().enumerate().filter(|(_, k)| k.v.is_labelled()) {
                consider(k.point().distance_sq(p), VertexRef { part: 0, index });
            }
        }
        self.for_each_ring(|part, points, _| {
            for (index, q) in points.iter().enumerate() {
                consider(q.distance_sq(p), VertexRef { part, index });
            }
        });
        best.map(|(_, v)| v)
    }

    /// The edge nearest to `(x, y)` within `tolerance`, with the projected point.
    pub fn edge_at(&self, x: f32, y: f32, tolerance: f32) -> Option<EdgeHit> {
        let p = Point::new(x, y);
        let mut best: Option<EdgeHit> = None;
        self.for_each_ring(|part, points, closed| {
            for (index, (a, b)) in ring::segments(points, closed).enumerate() {
                let (point, t, d2) = ring::project(p, a, b);
                let distance = d2.sqrt();
                if distance <= tolerance && best.is_none_or(|e| distance < e.distance) {
                    best = Some(EdgeHit {
                        part,
                        index,
                        point,
                        t,
                        distance,
                    });
                }
            }
        });
        best
    }

    /// The vertex's position.
    pub fn vertex(&self, v: VertexRef) -> Option<Point> {
        match self {
            Shape::Rect(b) if v.part == 0 => rect_corners(b).get(v.index).copied(),
            Shape::RotatedRect(r) if v.part == 0 => r.corners().get(v.index).copied(),
            Shape::Polygon(p) => p.part(v.part)?.get(v.index).copied(),
            Shape::Polyline(points) if v.part == 0 => points.get(v.index).copied(),
            Shape::Keypoints(points) if v.part == 0 => points.get(v.index).map(Keypoint::point),
            _ => None,
        }
    }

    /// The shape with one vertex dragged to `to`. A box or rotated box keeps the
    /// opposite corner (and its angle); an unlabelled keypoint placed becomes visible.
    pub fn with_vertex_moved(&self, v: VertexRef, to: Point) -> Option<Shape> {
        let mut shape = self.clone();
        match &mut shape {
            Shape::Rect(b) if v.part == 0 && v.index < 4 => {
                let opposite = rect_corners(b)[(v.index + 2) % 4];
                *b = BBox::from_corners([opposite.x, opposite.y], [to.x, to.y]);
            }
            Shape::RotatedRect(r) if v.part == 0 && v.index < 4 => {
                *r = rotated_with_corner(r, v.index, to);
            }
            Shape::Polygon(p) => *p.part_mut(v.part)?.get_mut(v.index)? = to,
            Shape::Polyline(points) if v.part == 0 => *points.get_mut(v.index)? = to,
            Shape::Keypoints(points) if v.part == 0 => {
                let k = points.get_mut(v.index)?;
                let v = if k.v.is_labelled() {
                    k.v
                } else {
                    Visibility::Visible
                };
                *k = Keypoint::new(to.x, to.y, v);
            }
            _ => return None,
        }
        Some(shape)
    }

    /// The shape with a vertex added on edge `edge` (of a polygon or polyline) at `p`.
    pub fn with_vertex_inserted(&self, edge: &EdgeHit, p: Point) -> Option<Shape> {
        let at = edge.index + 1;
        match self {
            Shape::Polygon(poly) => {
                let mut poly = poly.clone();
                poly.insert_point(edge.part, at, p)
                    .then_some(Shape::Polygon(poly))
            }
            Shape::Polyline(points) if edge.part == 0 && at <= points.len() => {
                let mut points = points.clone();
                points.insert(at, p);
                Some(Shape::Polyline(points))
            }
            _ => None,
        }
    }

    /// The shape with a vertex deleted: from a polygon part of more than three
    /// points, or a polyline of more than two. `None` where that would leave too
    /// few (delete the part or the shape instead).
    pub fn with_vertex_removed(&self, v: VertexRef) -> Option<Shape> {
        match self {
            Shape::Polygon(poly) if poly.part(v.part)?.len() > 3 => {
                let mut poly: Polygon = poly.clone();
                poly.remove_point(v.part, v.index)
                    .then_some(Shape::Polygon(poly))
            }
            Shape::Polyline(points)
                if points.len() > 2 && v.part == 0 && v.index < points.len() =>
            {
                let mut points = points.clone();
                points.remove(v.index);
                Some(Shape::Polyline(points))
            }
            _ => None,
        }
    }
}

/// A rotated box whose corner `index` is dragged to `to`, the opposite corner and
/// the angle kept.
fn rotated_with_corner(r: &RotatedRect, index: usize, to: Point) -> RotatedRect {
    let opposite = r.corners()[(index + 2) % 4];
    let (sin, cos) = f64::from(r.angle).to_radians().sin_cos();
    let (dx, dy) = (f64::from(to.x - opposite.x), f64::from(to.y - opposite.y));
    let (a, b) = (dx * cos + dy * sin, -dx * sin + dy * cos);
    RotatedRect {
        cx: (opposite.x + to.x) / 2.0,
        cy: (opposite.y + to.y) / 2.0,
        w: a.abs() as f32,
        h: b.abs() as f32,
        angle: r.angle,
    }
}
