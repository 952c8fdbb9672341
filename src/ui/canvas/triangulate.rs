//! Triangles that fill a polygon's ring, for the translucent fill: ear
//! clipping over a linked list of the ring's vertices, either winding. egui's
//! own fill is for convex shapes only; annotated outlines rarely are.
//!
//! The indices depend only on the ring, not on the zoom, so the canvas keeps
//! them per shape ([`FillCache`]) and only moves the vertices each frame.

use crate::model::{AnnotationId, Point, Shape};
use std::collections::HashMap;
use std::sync::Arc;

fn cross(a: Point, b: Point, c: Point) -> f64 {
    let (ax, ay) = (f64::from(a.x), f64::from(a.y));
    (f64::from(b.x) - ax) * (f64::from(c.y) - ay) - (f64::from(b.y) - ay) * (f64::from(c.x) - ax)
}

/// Whether `p` lies inside triangle `abc` or on its edges (`sign`: the ring's
/// winding, so the inside is where all three crosses share it).
fn in_triangle(a: Point, b: Point, c: Point, p: Point, sign: f64) -> bool {
    cross(a, b, p) * sign >= 0.0 && cross(b, c, p) * sign >= 0.0 && cross(c, a, p) * sign >= 0.0
}

/// Appends triangles covering `ring` to `out`, as indices into the ring plus
/// `base`. A simple ring is covered exactly; a self-intersecting one gets a
/// best effort, and the loop always ends.
pub fn triangulate(ring: &[Point], base: u32, out: &mut Vec<u32>) {
    let n = ring.len();
    if n < 3 {
        return;
    }
    let area: f64 = (0..n)
        .map(|i| cross(Point::default(), ring[i], ring[(i + 1) % n]))
        .sum();
    let sign = if area >= 0.0 { 1.0 } else { -1.0 };
    let mut prev: Vec<usize> = (0..n).map(|i| (i + n - 1) % n).collect();
    let mut next: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
    let mut emit = |a: usize, b: usize, c: usize| {
        out.extend([a as u32 + base, b as u32 + base, c as u32 + base]);
    };
    let (mut left, mut i, mut misses) = (n, 0, 0);
    while left > 3 {
        let (a, c) = (prev[i], next[i]);
        let is_ear = cross(ring[a], ring[i], ring[c]) * sign > 0.0 && {
            let (pa, pb, pc) = (ring[a], ring[i], ring[c]);
            let mut v = next[c];
            let mut clear = true;
            while v != a {
                let p = ring[v];
                if p != pa && p != pb && p != pc && in_triangle(pa, pb, pc, p, sign) {
                    clear = false;
                    break;
                }
                v = next[v];
            }
            clear
        };
        // No ear in a whole round: the ring crosses itself; cut one anyway.
        if is_ear || misses > left {
            emit(a, i, c);
            next[a] = c;
            prev[c] = a;
            left -= 1;
            misses = 0;
            i = c;
        } else {
            misses += 1;
            i = c;
        }
    }
    emit(prev[i], i, next[i]);
}

/// A cheap fingerprint of a shape's points, to tell whether its triangles
/// still fit (FNV-1a over the coordinates' bits).
fn fingerprint(points: &[Point]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in points {
        for v in [p.x.to_bits(), p.y.to_bits()] {
            h ^= u64::from(v);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h ^ points.len() as u64
}

/// The fill triangles of a polygon: every part triangulated, indices into
/// `Polygon::points`.
pub fn polygon_indices(shape: &Shape) -> Vec<u32> {
    let mut out = Vec::new();
    if let Shape::Polygon(poly) = shape {
        let mut start = 0u32;
        for part in poly.parts() {
            triangulate(part, start, &mut out);
            start += part.len() as u32;
        }
    }
    out
}

/// Fill triangles per polygon annotation, kept while its points stay the same.
#[derive(Clone, Debug, Default)]
pub struct FillCache {
    generation: u64,
    fills: HashMap<AnnotationId, (u64, Arc<[u32]>)>,
    /// The same, by position in the scene: no hashing while painting.
    in_order: Vec<Option<Arc<[u32]>>>,
}

impl FillCache {
    /// Brings the cache up to `scene`: new or changed polygons triangulated,
    /// gone ones forgotten. Only does work when the scene is a new one.
    pub fn refresh(&mut self, scene: &super::scene::Scene) {
        if scene.generation() == self.generation {
            return;
        }
        self.generation = scene.generation();
        let mut old = std::mem::take(&mut self.fills);
        self.in_order.clear();
        for s in &scene.shapes {
            let Shape::Polygon(poly) = &s.shape else {
                self.in_order.push(None);
                continue;
            };
            let print = fingerprint(poly.points());
            let entry = match old.remove(&s.id) {
                Some((p, indices)) if p == print => (p, indices),
                _ => (print, polygon_indices(&s.shape).into()),
            };
            self.in_order.push(Some(entry.1.clone()));
            self.fills.insert(s.id, entry);
        }
    }

    /// The triangles of the scene's shape at `index`.
    pub fn at(&self, index: usize) -> Option<&[u32]> {
        self.in_order.get(index)?.as_deref()
    }

    pub fn get(&self, id: AnnotationId) -> Option<&Arc<[u32]>> {
        self.fills.get(&id).map(|(_, indices)| indices)
    }

    /// The triangles of annotation `id` when they still fit `shape`, a moved
    /// or reshaped copy of it being dragged: the same number of points (a
    /// vertex dragged across a neighbour is filled a little wrong until it is
    /// dropped, rather than ear-clipped again every frame).
    pub fn get_for(&self, id: AnnotationId, shape: &Shape) -> Option<&[u32]> {
        let Shape::Polygon(poly) = shape else {
            return None;
        };
        let n = poly.points().len() as u32;
        let indices = self.get(id)?;
        indices.iter().all(|&i| i < n).then_some(&indices[..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Polygon;

    fn area_of(ring: &[Point], indices: &[u32]) -> f64 {
        indices
            .chunks(3)
            .map(|t| {
                let [a, b, c] = [t[0], t[1], t[2]].map(|i| ring[i as usize]);
                cross(a, b, c).abs() / 2.0
            })
            .sum()
    }

    fn ring(points: &[(f32, f32)]) -> Vec<Point> {
        points.iter().map(|&(x, y)| Point::new(x, y)).collect()
    }

    #[test]
    fn a_concave_ring_is_covered_exactly_in_either_winding() {
        // An L: area 10×40 + 20×10 = 600.
        let l = ring(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 30.0),
            (30.0, 30.0),
            (30.0, 40.0),
            (0.0, 40.0),
        ]);
        for pts in [l.clone(), l.into_iter().rev().collect::<Vec<_>>()] {
            let mut out = Vec::new();
            triangulate(&pts, 0, &mut out);
            assert_eq!(out.len(), 3 * 4);
            assert!((area_of(&pts, &out) - 600.0).abs() < 1e-6);
        }
    }

    #[test]
    fn a_star_with_collinear_and_repeated_points() {
        let star = ring(&[
            (50.0, 0.0),
            (61.0, 35.0),
            (98.0, 35.0),
            (68.0, 57.0),
            (79.0, 91.0),
            (50.0, 70.0),
            (50.0, 70.0),
            (21.0, 91.0),
            (32.0, 57.0),
            (2.0, 35.0),
            (20.0, 35.0),
            (39.0, 35.0),
        ]);
        let mut out = Vec::new();
        triangulate(&star, 0, &mut out);
        assert_eq!(out.len(), 3 * (star.len() - 2));
        let expected = Shape::Polygon(Polygon::new(star.clone())).area();
        assert!((area_of(&star, &out) - expected).abs() < 1e-3 * expected);
    }

    #[test]
    fn a_bow_tie_ends_with_every_vertex_used() {
        let bow = ring(&[(0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0)]);
        let mut out = Vec::new();
        triangulate(&bow, 7, &mut out);
        assert_eq!(out.len(), 6);
        assert!(out.iter().all(|&i| (7..11).contains(&i)));
    }

    #[test]
    fn parts_index_into_the_flat_point_list() {
        let two = Shape::Polygon(Polygon::from_parts([
            ring(&[(0.0, 0.0), (4.0, 0.0), (0.0, 4.0)]),
            ring(&[(10.0, 10.0), (14.0, 10.0), (14.0, 14.0), (10.0, 14.0)]),
        ]));
        let indices = polygon_indices(&two);
        assert_eq!(indices.len(), 3 + 6);
        assert!(indices[3..].iter().all(|&i| (3..7).contains(&i)));
    }
}
