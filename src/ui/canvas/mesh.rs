//! Building blocks of the canvas's meshes, in screen points: filled triangles
//! from cached indices, outlines as mitred strips, dots, rectangles and label
//! text. Thousands of shapes become a few meshes this way, which egui copies
//! rather than tessellates path by path. Nothing here is anti-aliased: at the
//! widths drawn, the saving is worth more than the smoothing.

use eframe::egui::{self, Color32, Pos2, Rect, Vec2, pos2, vec2};
use eframe::epaint::{self, Galley, Mesh};
use std::sync::Arc;

/// The longest a mitre may grow at a sharp corner, in line widths; beyond it
/// the corner is cut (as SVG's `stroke-miterlimit`).
const MITER_LIMIT: f32 = 2.0;

/// Points closer than this (screen points) to the previous one are dropped
/// from outlines: invisible at the widths drawn, and a zoomed-out polygon of
/// many vertices costs what it shows.
pub const OUTLINE_MIN_STEP: f32 = 0.75;

/// Triangles over `points` (screen) by `indices` (into `points`).
pub fn fill_indexed(
    mesh: &mut Mesh,
    points: impl ExactSizeIterator<Item = Pos2>,
    indices: &[u32],
    color: Color32,
) {
    if indices.is_empty() {
        return;
    }
    let base = mesh.vertices.len() as u32;
    mesh.vertices
        .extend(points.map(|p| epaint::Vertex::untextured(p, color)));
    mesh.indices.extend(indices.iter().map(|i| i + base));
}

/// A convex polygon (a rotated box), as a fan.
pub fn fill_convex(mesh: &mut Mesh, points: &[Pos2], color: Color32) {
    if points.len() < 3 {
        return;
    }
    let base = mesh.vertices.len() as u32;
    mesh.vertices
        .extend(points.iter().map(|&p| epaint::Vertex::untextured(p, color)));
    for i in 1..points.len() as u32 - 1 {
        mesh.indices.extend([base, base + i, base + i + 1]);
    }
}

/// Copies `points` into `out` without the ones closer than `min_step` to the
/// last kept point. An open path keeps its last point; a closed one drops the
/// points that end too near its first.
pub fn thin_into(
    points: impl IntoIterator<Item = Pos2>,
    closed: bool,
    min_step: f32,
    out: &mut Vec<Pos2>,
) {
    out.clear();
    let min_sq = min_step * min_step;
    let mut last_dropped = None;
    for p in points {
        match out.last() {
            Some(&q) if (p - q).length_sq() < min_sq => last_dropped = Some(p),
            _ => {
                out.push(p);
                last_dropped = None;
            }
        }
    }
    if closed {
        while out.len() > 2 && (out[out.len() - 1] - out[0]).length_sq() < min_sq {
            out.pop();
        }
    } else if let Some(p) = last_dropped {
        if out.len() >= 2 {
            *out.last_mut().expect("two points") = p;
        } else {
            out.push(p);
        }
    }
}

/// The unit normal of the segment `a` → `b` (zero for a point). Plain
/// `sqrt`, not `hypot`: this runs for every vertex of every outline.
#[inline]
fn unit_normal(a: Pos2, b: Pos2) -> Vec2 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len_sq = dx * dx + dy * dy;
    if len_sq > 0.0 {
        let inv = 1.0 / len_sq.sqrt();
        vec2(-dy * inv, dx * inv)
    } else {
        Vec2::ZERO
    }
}

/// A line `width` wide along `points`, mitred at the corners; `closed` joins
/// the last point to the first. Consecutive points must differ (see
/// [`thin_into`]).
pub fn stroke_path(mesh: &mut Mesh, points: &[Pos2], closed: bool, width: f32, color: Color32) {
    let n = points.len();
    if n < 2 {
        return;
    }
    let half = width / 2.0;
    let normal = |i: usize| unit_normal(points[i], points[(i + 1) % n]);
    let base = mesh.vertices.len() as u32;
    mesh.vertices.reserve(2 * n);
    // Each segment's normal once: the one before a point and the one after.
    let mut before = closed.then(|| normal(n - 1));
    for (i, &p) in points.iter().enumerate() {
        let after = (closed || i + 1 < n).then(|| normal(i));
        let offset = match (before, after) {
            (Some(n0), Some(n1)) => {
                let m = n0 + n1;
                let len_sq = m.x * m.x + m.y * m.y;
                if len_sq < 1e-6 {
                    // Folds back on itself: the first segment's normal.
                    n0 * half
                } else {
                    let m = m / len_sq.sqrt();
                    let cos = m.dot(n1).max(1.0 / MITER_LIMIT);
                    m * (half / cos)
                }
            }
            (Some(n0), None) => n0 * half,
            (None, Some(n1)) => n1 * half,
            (None, None) => Vec2::ZERO,
        };
        before = after;
        mesh.vertices
            .push(epaint::Vertex::untextured(p + offset, color));
        mesh.vertices
            .push(epaint::Vertex::untextured(p - offset, color));
    }
    let segments = if closed { n } else { n - 1 } as u32;
    let n = n as u32;
    mesh.indices.reserve(6 * segments as usize);
    for i in 0..segments {
        let j = (i + 1) % n;
        let (a, b, c, d) = (
            base + 2 * i,
            base + 2 * i + 1,
            base + 2 * j,
            base + 2 * j + 1,
        );
        mesh.indices.extend([a, b, c, b, d, c]);
    }
}

/// A rectangle's outline, `width` wide and centred on its edges, as four quads
/// (no corner is drawn twice, so a translucent colour stays even).
pub fn outline_rect(mesh: &mut Mesh, r: Rect, width: f32, color: Color32) {
    let h = width / 2.0;
    let (x0, x1, y0, y1) = (r.min.x - h, r.max.x + h, r.min.y - h, r.max.y + h);
    mesh.add_colored_rect(
        Rect::from_min_max(pos2(x0, y0), pos2(x1, r.min.y + h)),
        color,
    );
    mesh.add_colored_rect(
        Rect::from_min_max(pos2(x0, r.max.y - h), pos2(x1, y1)),
        color,
    );
    mesh.add_colored_rect(
        Rect::from_min_max(pos2(x0, r.min.y + h), pos2(r.min.x + h, r.max.y - h)),
        color,
    );
    mesh.add_colored_rect(
        Rect::from_min_max(pos2(r.max.x - h, r.min.y + h), pos2(x1, r.max.y - h)),
        color,
    );
}

/// The corners of a regular octagon around `c`: a dot at canvas sizes.
fn octagon(c: Pos2, radius: f32) -> [Pos2; 8] {
    const STEP: f32 = std::f32::consts::TAU / 8.0;
    std::array::from_fn(|i| {
        let (s, co) = (i as f32 * STEP).sin_cos();
        c + vec2(co, s) * radius
    })
}

/// A filled dot.
pub fn dot(mesh: &mut Mesh, c: Pos2, radius: f32, color: Color32) {
    fill_convex(mesh, &octagon(c, radius), color);
}

/// A ring: a hollow dot.
pub fn ring(mesh: &mut Mesh, c: Pos2, radius: f32, width: f32, color: Color32) {
    stroke_path(mesh, &octagon(c, radius), true, width, color);
}

/// Label texts added to `mesh`, textured by the font atlas. Thousands of separate
/// text shapes cost the tessellator far more than copying their glyph quads.
pub fn label_text(mesh: &mut Mesh, ctx: &egui::Context, labels: &[(Pos2, Arc<Galley>)]) {
    let [tw, th] = ctx.fonts(|f| f.font_image_size());
    let uv_scale = vec2(1.0 / tw.max(1) as f32, 1.0 / th.max(1) as f32);
    let ppp = ctx.pixels_per_point();
    for (pos, galley) in labels {
        // Snap to physical pixels as egui does for text, so glyphs stay crisp.
        let origin = pos2((pos.x * ppp).round() / ppp, (pos.y * ppp).round() / ppp);
        for row in &galley.rows {
            let offset = (origin + row.pos.to_vec2()).to_vec2();
            let base = mesh.vertices.len() as u32;
            mesh.indices
                .extend(row.visuals.mesh.indices.iter().map(|i| i + base));
            mesh.vertices
                .extend(row.visuals.mesh.vertices.iter().map(|v| epaint::Vertex {
                    pos: v.pos + offset,
                    uv: pos2(v.uv.x * uv_scale.x, v.uv.y * uv_scale.y),
                    color: Color32::WHITE,
                }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_stroke_is_two_vertices_and_two_triangles_per_point() {
        let mut mesh = Mesh::default();
        let square = [
            pos2(0.0, 0.0),
            pos2(10.0, 0.0),
            pos2(10.0, 10.0),
            pos2(0.0, 10.0),
        ];
        stroke_path(&mut mesh, &square, true, 2.0, Color32::RED);
        assert_eq!(mesh.vertices.len(), 8);
        assert_eq!(mesh.indices.len(), 24);
        assert!(mesh.is_valid());
        // The mitred corner lies on the diagonal, one unit out on each axis.
        let corner = mesh.vertices[0].pos;
        let other = mesh.vertices[1].pos;
        let outer = if corner.x < 0.0 { corner } else { other };
        assert!((outer - pos2(-1.0, -1.0)).length() < 1e-4, "{outer:?}");
    }

    #[test]
    fn a_sharp_corner_is_cut_at_the_mitre_limit() {
        let mut mesh = Mesh::default();
        let spike = [pos2(0.0, 0.0), pos2(100.0, 1.0), pos2(0.0, 2.0)];
        stroke_path(&mut mesh, &spike, false, 2.0, Color32::RED);
        let tip = mesh.vertices[2].pos;
        assert!((tip - pos2(100.0, 1.0)).length() <= 2.0 + 1e-3, "{tip:?}");
    }

    #[test]
    fn an_open_stroke_has_no_closing_segment() {
        let mut mesh = Mesh::default();
        let line = [pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(10.0, 10.0)];
        stroke_path(&mut mesh, &line, false, 2.0, Color32::RED);
        assert_eq!(mesh.indices.len(), 12);
    }

    #[test]
    fn thinning_drops_near_points_but_keeps_the_ends() {
        let mut out = Vec::new();
        let pts = [
            pos2(0.0, 0.0),
            pos2(0.1, 0.0),
            pos2(5.0, 0.0),
            pos2(5.2, 0.0),
        ];
        thin_into(pts, false, 0.75, &mut out);
        assert_eq!(out, vec![pos2(0.0, 0.0), pos2(5.2, 0.0)]);
        // Closed: the last point, next to the first, goes.
        let ring = [
            pos2(0.0, 0.0),
            pos2(5.0, 0.0),
            pos2(5.0, 5.0),
            pos2(0.1, 0.1),
        ];
        thin_into(ring, true, 0.75, &mut out);
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn fills_share_a_mesh_with_offset_indices() {
        let mut mesh = Mesh::default();
        let tri = [pos2(0.0, 0.0), pos2(4.0, 0.0), pos2(0.0, 4.0)];
        fill_indexed(&mut mesh, tri.into_iter(), &[0, 1, 2], Color32::RED);
        fill_convex(&mut mesh, &tri, Color32::BLUE);
        assert_eq!(mesh.indices, vec![0, 1, 2, 3, 4, 5]);
        assert!(mesh.is_valid());
    }
}
