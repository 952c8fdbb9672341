//! PP-OCR text detection: the input sized as RapidOCR sizes it, and DB
//! post-processing of the probability map into text-line quadrilaterals.
//!
//! Follows `rapidocr_onnxruntime` 1.4 (`ch_ppocr_det`): threshold 0.3, a 2×2
//! dilation, one box per connected region (its minimum-area box), the mean
//! probability inside it against `box_thresh`, the box grown by
//! `area × unclip_ratio / perimeter` (pyclipper's round offset of a rectangle,
//! whose minimum-area box is the rectangle grown by that distance), then scaled
//! back and clipped. Regions are 8-connected, as OpenCV's outer contours are;
//! holes inside a region give no box of their own.

use super::geometry::{MinRect, Pt, convex_hull, in_quad, min_area_rect, round_half_even};
use serde::{Deserialize, Serialize};

/// The detection settings (RapidOCR's `Det` section).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetConfig {
    /// The shorter side is brought up to this (`limit_type: min`).
    pub limit_side_len: u32,
    pub thresh: f32,
    pub box_thresh: f32,
    pub max_candidates: usize,
    pub unclip_ratio: f32,
    pub use_dilation: bool,
}

impl Default for DetConfig {
    fn default() -> Self {
        DetConfig {
            limit_side_len: 736,
            thresh: 0.3,
            box_thresh: 0.5,
            max_candidates: 1000,
            unclip_ratio: 1.6,
            use_dilation: true,
        }
    }
}

/// The detector's input (width, height) for an image of `w`×`h`: the shorter
/// side brought up to `limit`, each side then rounded to a multiple of 32.
pub fn input_size(w: u32, h: u32, limit: u32) -> Option<(usize, usize)> {
    let (w, h) = (f64::from(w), f64::from(h));
    let ratio = if w.min(h) < f64::from(limit) {
        f64::from(limit) / w.min(h)
    } else {
        1.0
    };
    let round32 = |v: f64| (round_half_even(v.trunc() / 32.0) * 32.0) as usize;
    let (rw, rh) = (round32(w * ratio), round32(h * ratio));
    (rw > 0 && rh > 0).then_some((rw, rh))
}

/// A detected line: corners in the source image (top-left, top-right,
/// bottom-right, bottom-left) and the mean probability inside.
#[derive(Clone, Debug, PartialEq)]
pub struct TextBox {
    pub corners: [Pt; 4],
    pub score: f32,
}

/// DB post-processing of a `map_w`×`map_h` probability map into boxes in a
/// `dest_w`×`dest_h` image.
pub fn boxes_from_map(
    prob: &[f32],
    map_w: usize,
    map_h: usize,
    dest_w: u32,
    dest_h: u32,
    cfg: &DetConfig,
) -> Vec<TextBox> {
    if prob.len() < map_w * map_h || map_w == 0 || map_h == 0 {
        return Vec::new();
    }
    let mut mask: Vec<bool> = prob[..map_w * map_h]
        .iter()
        .map(|&p| p > cfg.thresh)
        .collect();
    if cfg.use_dilation {
        mask = dilate_2x2(&mask, map_w, map_h);
    }
    let (sx, sy) = (
        f64::from(dest_w) / map_w as f64,
        f64::from(dest_h) / map_h as f64,
    );
    let mut boxes = Vec::new();
    for region in regions(&mask, map_w, map_h)
        .into_iter()
        .take(cfg.max_candidates)
    {
        let rect = min_area_rect(&convex_hull(region));
        if rect.w.min(rect.h) < 3.0 {
            continue;
        }
        let quad = rect.paddle_order();
        let score = mean_inside(prob, map_w, map_h, &quad);
        if cfg.box_thresh > score {
            continue;
        }
        let perimeter = 2.0 * (rect.w + rect.h);
        let distance = rect.w * rect.h * f64::from(cfg.unclip_ratio) / perimeter;
        let grown: MinRect = rect.grown(distance);
        if grown.w.min(grown.h) < 5.0 {
            continue;
        }
        let scaled = grown.paddle_order().map(|(x, y)| {
            (
                round_half_even(x * sx).clamp(0.0, f64::from(dest_w)),
                round_half_even(y * sy).clamp(0.0, f64::from(dest_h)),
            )
        });
        let corners = order_clockwise(scaled);
        let width = dist(corners[0], corners[1]).trunc();
        let height = dist(corners[0], corners[3]).trunc();
        if width <= 3.0 || height <= 3.0 {
            continue;
        }
        boxes.push(TextBox { corners, score });
    }
    boxes
}

fn dist(a: Pt, b: Pt) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// OpenCV's `dilate` with a 2×2 kernel (anchor at its second row and column):
/// a pixel is set when it or its left, upper or upper-left neighbour is.
fn dilate_2x2(mask: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut out = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            let at = |dx: usize, dy: usize| x >= dx && y >= dy && mask[(y - dy) * w + x - dx];
            out[y * w + x] = at(0, 0) || at(1, 0) || at(0, 1) || at(1, 1);
        }
    }
    out
}

/// The 8-connected regions of `mask`, each as the outermost pixels of its rows
/// (enough for a convex hull), in order of their first pixel.
fn regions(mask: &[bool], w: usize, h: usize) -> Vec<Vec<Pt>> {
    let mut label = vec![u32::MAX; w * h];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !mask[start] || label[start] != u32::MAX {
            continue;
        }
        let id = out.len() as u32;
        label[start] = id;
        stack.push(start);
        // Per row of the region: leftmost and rightmost pixel.
        let mut rows: std::collections::BTreeMap<usize, (usize, usize)> = Default::default();
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            let e = rows.entry(y).or_insert((x, x));
            e.0 = e.0.min(x);
            e.1 = e.1.max(x);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if mask[j] && label[j] == u32::MAX {
                        label[j] = id;
                        stack.push(j);
                    }
                }
            }
        }
        let mut points = Vec::with_capacity(rows.len() * 2);
        for (y, (x0, x1)) in rows {
            points.push((x0 as f64, y as f64));
            if x1 != x0 {
                points.push((x1 as f64, y as f64));
            }
        }
        out.push(points);
    }
    out
}

/// The mean probability over the pixels inside `quad` (PaddleOCR's
/// `box_score_fast`: the quad's corners truncated within its bounding window).
fn mean_inside(prob: &[f32], w: usize, h: usize, quad: &[Pt; 4]) -> f32 {
    let clampi = |v: f64, max: usize| (v.max(0.0) as usize).min(max - 1);
    let xmin = clampi(quad.iter().map(|p| p.0).fold(f64::MAX, f64::min).floor(), w);
    let xmax = clampi(quad.iter().map(|p| p.0).fold(f64::MIN, f64::max).ceil(), w);
    let ymin = clampi(quad.iter().map(|p| p.1).fold(f64::MAX, f64::min).floor(), h);
    let ymax = clampi(quad.iter().map(|p| p.1).fold(f64::MIN, f64::max).ceil(), h);
    let local = quad.map(|(x, y)| ((x - xmin as f64).trunc(), (y - ymin as f64).trunc()));
    let (mut sum, mut n) = (0f64, 0usize);
    for y in ymin..=ymax {
        for x in xmin..=xmax {
            if in_quad(&local, (x - xmin) as f64, (y - ymin) as f64) {
                sum += f64::from(prob[y * w + x]);
                n += 1;
            }
        }
    }
    if n == 0 { 0.0 } else { (sum / n as f64) as f32 }
}

/// RapidOCR's `order_points_clockwise`: the two leftmost points (by x) give the
/// top-left and bottom-left by y, the two rightmost the top-right and bottom-right.
fn order_clockwise(points: [Pt; 4]) -> [Pt; 4] {
    let mut p = points;
    p.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (tl, bl) = if p[0].1 <= p[1].1 {
        (p[0], p[1])
    } else {
        (p[1], p[0])
    };
    let (tr, br) = if p[2].1 <= p[3].1 {
        (p[2], p[3])
    } else {
        (p[3], p[2])
    };
    [tl, tr, br, bl]
}

/// RapidOCR's reading order: by the top-left corner's y then x, and lines whose
/// first corners are within 10 px vertically left to right.
pub fn reading_order(boxes: &mut [TextBox]) {
    boxes.sort_by(|a, b| {
        let (pa, pb) = (a.corners[0], b.corners[0]);
        pa.1.total_cmp(&pb.1).then(pa.0.total_cmp(&pb.0))
    });
    for i in 0..boxes.len().saturating_sub(1) {
        for j in (0..=i).rev() {
            let (a, b) = (boxes[j].corners[0], boxes[j + 1].corners[0]);
            if (b.1 - a.1).abs() < 10.0 && b.0 < a.0 {
                boxes.swap(j, j + 1);
            } else {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_size_rounds_like_rapidocr() {
        // 1000×500: shorter side 500 → 736 (ratio 1.472): 1472×736.
        assert_eq!(input_size(1000, 500, 736), Some((1472, 736)));
        // Already large: kept, rounded to 32.
        assert_eq!(input_size(1920, 1080, 736), Some((1920, 1088)));
    }

    #[test]
    fn one_block_gives_one_grown_box() {
        let (w, h) = (40, 20);
        let mut prob = vec![0.0f32; w * h];
        for y in 6..12 {
            for x in 5..35 {
                prob[y * w + x] = 0.9;
            }
        }
        let boxes = boxes_from_map(&prob, w, h, 80, 40, &DetConfig::default());
        assert_eq!(boxes.len(), 1, "{boxes:?}");
        let b = &boxes[0];
        // The mean over the 31×7 pixels of the dilated region, 30×6 of them set.
        assert!((b.score - 0.9 * 180.0 / 217.0).abs() < 1e-4, "{}", b.score);
        // The region spans x 5..=35 (dilated) and y 6..=12: 30×6, grown by
        // 30·6·1.6/72 = 4 on each side, then doubled.
        let [tl, tr, br, bl] = b.corners;
        assert_eq!(
            (tl, tr, br, bl),
            ((2.0, 4.0), (78.0, 4.0), (78.0, 32.0), (2.0, 32.0))
        );
    }
}
