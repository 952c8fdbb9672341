//! Mask → polygon: the outlines of a mask's pixels, optionally simplified.

use super::{Point, Polygon, Rle, ring};
use std::collections::HashMap;

/// Directions along pixel edges: east, south, west, north (image y down).
const STEPS: [(i64, i64); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];

/// The outer outlines of a mask's regions, along pixel edges, as a polygon with a
/// part per region (4-connected: pixels touching only at a corner are separate
/// regions). Holes are dropped — a polygon part has no holes in COCO, so the
/// region inside a hole comes back filled. With `epsilon > 0` each outline is
/// simplified by Douglas–Peucker to within `epsilon` pixels. `None` for an empty mask.
///
/// Rasterised again with pycocotools' `frPoly`, an unsimplified outline gives the
/// mask back exactly (pixel centres lie strictly inside), holes aside.
pub fn mask_to_polygon(mask: &Rle, epsilon: f32) -> Option<Polygon> {
    let (h, w) = (i64::from(mask.height()), i64::from(mask.width()));
    let pixels = mask.decode();
    let set =
        |x: i64, y: i64| x >= 0 && y >= 0 && x < w && y < h && pixels[(x * h + y) as usize] != 0;
    // Directed edges with the region on their right, by start corner; the order
    // they were found in, for a deterministic result.
    let mut outgoing: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    let mut order = Vec::new();
    let mut add = |corner: (i64, i64), dir: usize| {
        outgoing.entry(corner).or_default().push(dir);
        order.push((corner, dir));
    };
    for x in 0..w {
        for y in 0..h {
            if !set(x, y) {
                continue;
            }
            if !set(x, y - 1) {
                add((x, y), 0);
            }
            if !set(x + 1, y) {
                add((x + 1, y), 1);
            }
            if !set(x, y + 1) {
                add((x + 1, y + 1), 2);
            }
            if !set(x - 1, y) {
                add((x, y + 1), 3);
            }
        }
    }
    let mut parts = Vec::new();
    for (start, dir) in order {
        if !take(&mut outgoing, start, dir) {
            continue;
        }
        let outline = trace(&mut outgoing, start, dir);
        // Outer outlines run clockwise on screen: positive area. Holes are negative.
        if ring::signed_area(&outline) > 0.0 {
            let outline = if epsilon > 0.0 {
                simplify_ring(&outline, epsilon)
            } else {
                outline
            };
            if outline.len() >= 3 && ring::signed_area(&outline) != 0.0 {
                parts.push(outline);
            }
        }
    }
    let polygon = Polygon::from_parts(parts);
    (polygon.part_count() > 0).then_some(polygon)
}

/// Removes the edge `dir` leaving `corner`; false if it was already used.
fn take(outgoing: &mut HashMap<(i64, i64), Vec<usize>>, corner: (i64, i64), dir: usize) -> bool {
    let Some(dirs) = outgoing.get_mut(&corner) else {
        return false;
    };
    let Some(i) = dirs.iter().position(|&d| d == dir) else {
        return false;
    };
    dirs.swap_remove(i);
    true
}

/// Follows edges from `start` (its first edge already taken) back to `start`,
/// keeping only the corners where the direction changes. At a corner with two ways
/// on, it turns right, keeping to the same pixel (4-connected regions).
fn trace(
    outgoing: &mut HashMap<(i64, i64), Vec<usize>>,
    start: (i64, i64),
    first: usize,
) -> Vec<Point> {
    let mut points = Vec::new();
    let (mut corner, mut dir) = (start, first);
    loop {
        let (sx, sy) = STEPS[dir];
        corner = (corner.0 + sx, corner.1 + sy);
        if corner == start {
            break;
        }
        let right = (dir + 1) % 4;
        let next = [right, dir, (dir + 3) % 4]
            .into_iter()
            .find(|&d| take(outgoing, corner, d));
        let Some(next) = next else {
            break;
        };
        if next != dir {
            points.push(Point::new(corner.0 as f32, corner.1 as f32));
        }
        dir = next;
    }
    // The start corner is a turn unless the outline arrives going the first way;
    // the outline then begins there (the region's top-left corner).
    if dir != first {
        points.insert(0, Point::new(start.0 as f32, start.1 as f32));
    }
    points
}

/// Douglas–Peucker on a closed ring: split at the point farthest from the first,
/// simplify both halves.
pub fn simplify_ring(ring: &[Point], epsilon: f32) -> Vec<Point> {
    if ring.len() <= 3 {
        return ring.to_vec();
    }
    let far = (1..ring.len())
        .max_by(|&a, &b| {
            ring[a]
                .distance_sq(ring[0])
                .total_cmp(&ring[b].distance_sq(ring[0]))
        })
        .unwrap_or(1);
    let mut out = Vec::new();
    simplify_open(&ring[..=far], epsilon, &mut out);
    out.pop();
    let mut second: Vec<Point> = ring[far..].to_vec();
    second.push(ring[0]);
    simplify_open(&second, epsilon, &mut out);
    out.pop();
    out
}

/// Douglas–Peucker on an open path; pushes the kept points, both ends included.
fn simplify_open(path: &[Point], epsilon: f32, out: &mut Vec<Point>) {
    if path.is_empty() {
        return;
    }
    let mut keep = vec![false; path.len()];
    keep[0] = true;
    keep[path.len() - 1] = true;
    let mut stack = vec![(0, path.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        let (worst, d2) = (a + 1..b)
            .map(|i| (i, ring::project(path[i], path[a], path[b]).2))
            .fold((a, -1.0f32), |best, c| if c.1 > best.1 { c } else { best });
        if worst > a && d2 > epsilon * epsilon {
            keep[worst] = true;
            stack.push((a, worst));
            stack.push((worst, b));
        }
    }
    out.extend(path.iter().zip(&keep).filter(|(_, k)| **k).map(|(p, _)| *p));
}
