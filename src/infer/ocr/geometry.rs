//! The plane geometry of text detection: convex hulls, minimum-area boxes (as
//! OpenCV's `minAreaRect`/`boxPoints`), quadrilateral tests and homographies.

/// A point in f64 for the arithmetic; converted to `f32` shapes at the end.
pub type Pt = (f64, f64);

fn cross(o: Pt, a: Pt, b: Pt) -> f64 {
    (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
}

/// The convex hull (Andrew's monotone chain), counter-clockwise in y-up terms;
/// collinear points dropped.
pub fn convex_hull(mut points: Vec<Pt>) -> Vec<Pt> {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let mut hull: Vec<Pt> = Vec::with_capacity(points.len() * 2);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Pt>> = if pass == 0 {
            Box::new(points.iter())
        } else {
            Box::new(points.iter().rev())
        };
        for &p in iter {
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

/// A box of any angle: its four corners (in the order the edges run) and the
/// lengths of its sides.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MinRect {
    pub corners: [Pt; 4],
    pub w: f64,
    pub h: f64,
}

/// The smallest box around `hull` (rotating calipers over the hull's edges).
pub fn min_area_rect(hull: &[Pt]) -> MinRect {
    let Some(&first) = hull.first() else {
        return MinRect {
            corners: [(0.0, 0.0); 4],
            w: 0.0,
            h: 0.0,
        };
    };
    let mut best: Option<(f64, MinRect)> = None;
    let n = hull.len();
    for i in 0..n.max(1) {
        let (a, b) = (hull[i], hull[(i + 1) % n]);
        let len = (b.0 - a.0).hypot(b.1 - a.1);
        let u = if len > 0.0 {
            ((b.0 - a.0) / len, (b.1 - a.1) / len)
        } else {
            (1.0, 0.0)
        };
        let v = (-u.1, u.0);
        let (mut u0, mut u1, mut v0, mut v1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in hull {
            let (pu, pv) = (
                (x - first.0) * u.0 + (y - first.1) * u.1,
                (x - first.0) * v.0 + (y - first.1) * v.1,
            );
            (u0, u1, v0, v1) = (u0.min(pu), u1.max(pu), v0.min(pv), v1.max(pv));
        }
        let area = (u1 - u0) * (v1 - v0);
        if best.as_ref().is_none_or(|(a, _)| area < *a - 1e-9) {
            let at =
                |pu: f64, pv: f64| (first.0 + pu * u.0 + pv * v.0, first.1 + pu * u.1 + pv * v.1);
            let rect = MinRect {
                corners: [at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1)],
                w: u1 - u0,
                h: v1 - v0,
            };
            best = Some((area, rect));
        }
    }
    best.map(|(_, r)| r).unwrap_or(MinRect {
        corners: [first; 4],
        w: 0.0,
        h: 0.0,
    })
}

impl MinRect {
    /// The box grown by `d` on every side (its edges pushed outwards).
    pub fn grown(&self, d: f64) -> MinRect {
        let c = self.centre();
        let [p0, p1, _, p3] = self.corners;
        let unit = |a: Pt, b: Pt, len: f64| {
            if len > 0.0 {
                ((b.0 - a.0) / len, (b.1 - a.1) / len)
            } else {
                (0.0, 0.0)
            }
        };
        let (u, v) = (unit(p0, p1, self.w), unit(p0, p3, self.h));
        let (hw, hh) = (self.w / 2.0 + d, self.h / 2.0 + d);
        let at = |a: f64, b: f64| (c.0 + a * u.0 + b * v.0, c.1 + a * u.1 + b * v.1);
        MinRect {
            corners: [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)],
            w: self.w + 2.0 * d,
            h: self.h + 2.0 * d,
        }
    }

    pub fn centre(&self) -> Pt {
        let [a, _, c, _] = self.corners;
        ((a.0 + c.0) / 2.0, (a.1 + c.1) / 2.0)
    }

    /// The corners as PaddleOCR's `get_mini_boxes` orders them: of the two
    /// leftmost the upper is first and the lower last, of the two rightmost the
    /// upper second and the lower third (top-left, top-right, bottom-right,
    /// bottom-left for a box that is not steep).
    pub fn paddle_order(&self) -> [Pt; 4] {
        let mut p = self.corners;
        p.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (tl, bl) = if p[1].1 > p[0].1 {
            (p[0], p[1])
        } else {
            (p[1], p[0])
        };
        let (tr, br) = if p[3].1 > p[2].1 {
            (p[2], p[3])
        } else {
            (p[3], p[2])
        };
        [tl, tr, br, bl]
    }
}

/// Whether `(x, y)` is inside or on the convex quadrilateral `q`.
pub fn in_quad(q: &[Pt; 4], x: f64, y: f64) -> bool {
    let mut sign = 0.0f64;
    for i in 0..4 {
        let c = cross(q[i], q[(i + 1) % 4], (x, y));
        if c.abs() < 1e-9 {
            continue;
        }
        if sign == 0.0 {
            sign = c.signum();
        } else if c.signum() != sign {
            return false;
        }
    }
    true
}

/// The homography taking the corners of the `w`×`h` rectangle
/// (`(0,0)`, `(w,0)`, `(w,h)`, `(0,h)`) to `quad`, as a 3×3 row-major matrix.
/// `None` when the quadrilateral is degenerate.
pub fn rect_to_quad(w: f64, h: f64, quad: &[Pt; 4]) -> Option<[f64; 9]> {
    // The unit square to the quad (Heckbert), then scaled by 1/w, 1/h.
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = *quad;
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
    let (g, hh) = if sx.abs() < 1e-12 && sy.abs() < 1e-12 {
        (0.0, 0.0)
    } else {
        let den = dx1 * dy2 - dx2 * dy1;
        if den.abs() < 1e-12 {
            return None;
        }
        ((sx * dy2 - dx2 * sy) / den, (dx1 * sy - sx * dy1) / den)
    };
    let (a, b, c) = (x1 - x0 + g * x1, x3 - x0 + hh * x3, x0);
    let (d, e, f) = (y1 - y0 + g * y1, y3 - y0 + hh * y3, y0);
    if w <= 0.0 || h <= 0.0 {
        return None;
    }
    Some([a / w, b / h, c, d / w, e / h, f, g / w, hh / h, 1.0])
}

/// `m` applied to `(x, y)`.
pub fn apply(m: &[f64; 9], x: f64, y: f64) -> Pt {
    let z = m[6] * x + m[7] * y + m[8];
    let z = if z.abs() < 1e-12 { 1e-12 } else { z };
    (
        (m[0] * x + m[1] * y + m[2]) / z,
        (m[3] * x + m[4] * y + m[5]) / z,
    )
}

/// Python's `round` (half to even), as RapidOCR's sizes and coordinates use it.
pub fn round_half_even(v: f64) -> f64 {
    let r = v.round();
    if (v - v.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - v.signum()
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_rect_of_a_turned_square_is_the_square() {
        let pts = vec![(5.0, 0.0), (10.0, 5.0), (5.0, 10.0), (0.0, 5.0), (5.0, 5.0)];
        let hull = convex_hull(pts);
        assert_eq!(hull.len(), 4);
        let r = min_area_rect(&hull);
        assert!((r.w * r.h - 50.0).abs() < 1e-9, "{r:?}");
        let g = r.grown(1.0);
        assert!((g.w - r.w - 2.0).abs() < 1e-9);
    }

    #[test]
    fn axis_box_is_ordered_like_paddle_and_warps_back() {
        let hull = convex_hull(vec![(2.0, 3.0), (12.0, 3.0), (12.0, 7.0), (2.0, 7.0)]);
        let r = min_area_rect(&hull);
        assert_eq!(
            r.paddle_order(),
            [(2.0, 3.0), (12.0, 3.0), (12.0, 7.0), (2.0, 7.0)]
        );
        let q = [(10.0, 10.0), (30.0, 12.0), (29.0, 25.0), (9.0, 22.0)];
        let m = rect_to_quad(20.0, 10.0, &q).unwrap();
        for (i, (x, y)) in [(0.0, 0.0), (20.0, 0.0), (20.0, 10.0), (0.0, 10.0)]
            .into_iter()
            .enumerate()
        {
            let p = apply(&m, x, y);
            assert!(
                (p.0 - q[i].0).abs() < 1e-9 && (p.1 - q[i].1).abs() < 1e-9,
                "{i}: {p:?}"
            );
        }
        assert!(in_quad(&q, 20.0, 15.0) && !in_quad(&q, 5.0, 5.0) && in_quad(&q, 10.0, 10.0));
        assert_eq!(
            (
                round_half_even(2.5),
                round_half_even(3.5),
                round_half_even(-2.5)
            ),
            (2.0, 4.0, -2.0)
        );
    }
}
