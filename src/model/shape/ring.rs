//! Geometry of point sequences: closed rings (polygon parts, rotated boxes) and open
//! paths (polylines). Nothing here allocates except the clipping functions.

use super::BBox;
use super::Point;

/// The signed area by the shoelace formula, in f64. Positive when the
/// ring runs clockwise on screen (image y grows downwards).
pub fn signed_area(ring: &[Point]) -> f64 {
    let Some(&last) = ring.last() else {
        return 0.0;
    };
    let mut previous = last;
    let mut twice = 0.0f64;
    for &p in ring {
        twice += f64::from(previous.x) * f64::from(p.y) - f64::from(p.x) * f64::from(previous.y);
        previous = p;
    }
    twice / 2.0
}

/// The box around some points; `None` when there are none.
pub fn bounds(points: impl IntoIterator<Item = Point>) -> Option<BBox> {
    let mut points = points.into_iter();
    let first = points.next()?;
    let mut b = BBox {
        min_x: first.x,
        min_y: first.y,
        max_x: first.x,
        max_y: first.y,
    };
    for p in points {
        b.min_x = b.min_x.min(p.x);
        b.min_y = b.min_y.min(p.y);
        b.max_x = b.max_x.max(p.x);
        b.max_y = b.max_y.max(p.y);
    }
    Some(b)
}

/// Even-odd point-in-ring test (half-open edges, so a point on a shared edge of two
/// neighbouring rings is in exactly one of them).
pub fn contains(ring: &[Point], x: f32, y: f32) -> bool {
    let Some(&last) = ring.last() else {
        return false;
    };
    let mut inside = false;
    let mut b = last;
    for &a in ring {
        if (a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        b = a;
    }
    inside
}

/// The point of segment `a`–`b` nearest to `p`: the point, its position along the
/// segment (0 at `a`, 1 at `b`) and its squared distance to `p`.
pub fn project(p: Point, a: Point, b: Point) -> (Point, f32, f32) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = Point::new(a.x + t * dx, a.y + t * dy);
    (q, t, q.distance_sq(p))
}

/// The segments of a path: consecutive pairs, and last → first when `closed`.
pub fn segments(points: &[Point], closed: bool) -> impl Iterator<Item = (Point, Point)> + '_ {
    let closing = match (closed && points.len() > 2, points.first(), points.last()) {
        (true, Some(&first), Some(&last)) => Some((last, first)),
        _ => None,
    };
    points.windows(2).map(|w| (w[0], w[1])).chain(closing)
}

/// Whether `p` is within `tolerance` of any segment of the path. Without a
/// division per segment, and segments whose box is too far are skipped first: the
/// canvas tests the pointer against thousands of outlines.
pub fn near_path(points: &[Point], closed: bool, p: Point, tolerance: f32) -> bool {
    let t2 = tolerance * tolerance;
    if points.len() == 1 {
        return points[0].distance_sq(p) <= t2;
    }
    segments(points, closed).any(|(a, b)| {
        if (p.x + tolerance < a.x.min(b.x))
            | (p.x - tolerance > a.x.max(b.x))
            | (p.y + tolerance < a.y.min(b.y))
            | (p.y - tolerance > a.y.max(b.y))
        {
            return false;
        }
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let (px, py) = (p.x - a.x, p.y - a.y);
        let dot = px * dx + py * dy;
        let len2 = dx * dx + dy * dy;
        if dot <= 0.0 || len2 == 0.0 {
            px * px + py * py <= t2
        } else if dot >= len2 {
            p.distance_sq(b) <= t2
        } else {
            let cross = px * dy - py * dx;
            cross * cross <= t2 * len2
        }
    })
}

/// Sutherland–Hodgman: the part of a ring inside `0..w` × `0..h`. Exact in area for
/// any ring; where a ring leaves and re-enters, the result runs along the border.
pub fn clip_ring(ring: &[Point], w: f32, h: f32) -> Vec<Point> {
    let mut out = ring.to_vec();
    // (on the x axis, the border's coordinate, whether the inside is above it)
    for (along_x, limit, keep_above) in [
        (true, 0.0, true),
        (true, w, false),
        (false, 0.0, true),
        (false, h, false),
    ] {
        let coord = |p: Point| if along_x { p.x } else { p.y };
        let inside = |p: Point| {
            if keep_above {
                coord(p) >= limit
            } else {
                coord(p) <= limit
            }
        };
        // Where segment a–b meets the border, put exactly on it whatever the rounding.
        let crossing = |a: Point, b: Point| {
            let t = (limit - coord(a)) / (coord(b) - coord(a));
            if along_x {
                Point::new(limit, a.y + t * (b.y - a.y))
            } else {
                Point::new(a.x + t * (b.x - a.x), limit)
            }
        };
        let input = std::mem::take(&mut out);
        let Some(&last) = input.last() else {
            break;
        };
        let mut previous = last;
        for &current in &input {
            match (inside(previous), inside(current)) {
                (true, true) => out.push(current),
                (true, false) => out.push(crossing(previous, current)),
                (false, true) => {
                    out.push(crossing(previous, current));
                    out.push(current);
                }
                (false, false) => {}
            }
            previous = current;
        }
    }
    dedup_ring(&mut out);
    out
}

/// Consecutive equal points removed, including the last against the first.
fn dedup_ring(points: &mut Vec<Point>) {
    points.dedup();
    while points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
}

/// A polyline clipped to `0..w` × `0..h`: the parts inside are kept exactly, and
/// where it leaves the image and comes back it runs along the border in between
/// (it is clamped, with points added where it crosses the border), so it stays one
/// line. `None` when no stretch of positive length lies inside.
pub fn clip_path(points: &[Point], w: f32, h: f32) -> Option<Vec<Point>> {
    if !segments(points, false).any(|(a, b)| inside_length(a, b, w, h) > 0.0) {
        return None;
    }
    let clamp = |p: Point| Point::new(p.x.clamp(0.0, w), p.y.clamp(0.0, h));
    let mut out = Vec::with_capacity(points.len() + 4);
    out.extend(points.first().map(|&p| clamp(p)));
    for (a, b) in segments(points, false) {
        let mut ts = [f32::NAN; 4];
        for (slot, (ca, cb, limit)) in ts.iter_mut().zip([
            (a.x, b.x, 0.0),
            (a.x, b.x, w),
            (a.y, b.y, 0.0),
            (a.y, b.y, h),
        ]) {
            let t = (limit - ca) / (cb - ca);
            if t > 0.0 && t < 1.0 {
                *slot = t;
            }
        }
        ts.sort_by(f32::total_cmp);
        for t in ts.into_iter().filter(|t| !t.is_nan()) {
            out.push(clamp(Point::new(
                a.x + t * (b.x - a.x),
                a.y + t * (b.y - a.y),
            )));
        }
        out.push(clamp(b));
    }
    out.dedup();
    Some(out)
}

/// Liang–Barsky: the length of segment `a`–`b` inside `0..w` × `0..h`.
fn inside_length(a: Point, b: Point, w: f32, h: f32) -> f32 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in [(-dx, a.x), (dx, w - a.x), (-dy, a.y), (dy, h - a.y)] {
        if p == 0.0 {
            if q < 0.0 {
                return 0.0;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t1 > t0 {
        (t1 - t0) * (dx * dx + dy * dy).sqrt()
    } else {
        0.0
    }
}
