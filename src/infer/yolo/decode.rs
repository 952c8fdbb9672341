//! The YOLO family's output layouts turned into candidate boxes in input pixels.

use serde::{Deserialize, Serialize};

/// How a detector lays out its output tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YoloLayout {
    /// YOLOv5 (and v7): `[1, N, 5 + C]`, centre, size, objectness, class scores.
    V5,
    /// YOLOv8 / v11: `[1, 4 + C, N]`, centre, size, class scores; no objectness.
    V8,
    /// YOLOX: `[1, N, 5 + C]` as v5 but raw grid offsets, decoded per stride
    /// (8, 16, 32; and 64 with `p6`).
    Yolox { p6: bool },
}

/// A box before non-maximum suppression, corners in input pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub score: f32,
    pub class: usize,
}

impl Candidate {
    fn from_centre(cx: f32, cy: f32, w: f32, h: f32, score: f32, class: usize) -> Self {
        Candidate {
            x0: cx - w / 2.0,
            y0: cy - h / 2.0,
            x1: cx + w / 2.0,
            y1: cy + h / 2.0,
            score,
            class,
        }
    }

    pub fn iou(&self, other: &Candidate) -> f32 {
        let iw = (self.x1.min(other.x1) - self.x0.max(other.x0)).max(0.0);
        let ih = (self.y1.min(other.y1) - self.y0.max(other.y0)).max(0.0);
        let inter = iw * ih;
        let area = |c: &Candidate| (c.x1 - c.x0).max(0.0) * (c.y1 - c.y0).max(0.0);
        let union = area(self) + area(other) - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }
}

/// The best class of `scores` and its score (the first on a tie).
fn best_class(scores: impl Iterator<Item = f32>) -> Option<(usize, f32)> {
    scores.enumerate().fold(None, |best, (i, s)| match best {
        Some((_, b)) if b >= s => best,
        _ => Some((i, s)),
    })
}

/// The number of classes a layout's output of `shape` holds, or why it does not fit.
pub fn class_count(layout: YoloLayout, shape: &[usize]) -> Result<usize, String> {
    let [1, a, b] = shape else {
        return Err(format!(
            "expected an output of [1, rows, columns], got {shape:?}"
        ));
    };
    let (fields, base) = match layout {
        YoloLayout::V8 => (*a, 4),
        YoloLayout::V5 | YoloLayout::Yolox { .. } => (*b, 5),
    };
    fields
        .checked_sub(base)
        .filter(|&c| c > 0)
        .ok_or_else(|| format!("output {shape:?} has no class scores for the {layout:?} layout"))
}

/// The candidates scoring above `conf` (Ultralytics compares with `>`), each with
/// its best class. `input` is the model's input size (w, h), for YOLOX's grids.
pub fn decode(
    layout: YoloLayout,
    shape: &[usize],
    data: &[f32],
    input: (usize, usize),
    conf: f32,
) -> Result<Vec<Candidate>, String> {
    let classes = class_count(layout, shape)?;
    let (rows, cols) = (shape[1], shape[2]);
    if data.len() != rows * cols {
        return Err(format!(
            "output holds {} values, not {rows}×{cols}",
            data.len()
        ));
    }
    let mut out = Vec::new();
    match layout {
        YoloLayout::V8 => {
            let at = |field: usize, i: usize| data[field * cols + i];
            for i in 0..cols {
                let Some((class, score)) = best_class((0..classes).map(|c| at(4 + c, i))) else {
                    continue;
                };
                if score > conf {
                    out.push(Candidate::from_centre(
                        at(0, i),
                        at(1, i),
                        at(2, i),
                        at(3, i),
                        score,
                        class,
                    ));
                }
            }
        }
        YoloLayout::V5 => {
            for row in data.chunks_exact(cols) {
                let obj = row[4];
                if obj <= conf {
                    continue;
                }
                let Some((class, cls)) = best_class(row[5..].iter().copied()) else {
                    continue;
                };
                let score = obj * cls;
                if score > conf {
                    out.push(Candidate::from_centre(
                        row[0], row[1], row[2], row[3], score, class,
                    ));
                }
            }
        }
        YoloLayout::Yolox { p6 } => {
            let grid = yolox_grid(input, p6);
            if grid.len() != rows {
                return Err(format!(
                    "YOLOX output has {rows} anchors, but a {}×{} input gives {} (is `p6` right?)",
                    input.0,
                    input.1,
                    grid.len()
                ));
            }
            for (row, &(gx, gy, stride)) in data.chunks_exact(cols).zip(&grid) {
                let Some((class, cls)) = best_class(row[5..].iter().copied()) else {
                    continue;
                };
                let score = row[4] * cls;
                if score > conf {
                    let s = stride as f32;
                    let (cx, cy) = ((row[0] + gx as f32) * s, (row[1] + gy as f32) * s);
                    let (w, h) = (row[2].exp() * s, row[3].exp() * s);
                    out.push(Candidate::from_centre(cx, cy, w, h, score, class));
                }
            }
        }
    }
    Ok(out)
}

/// YOLOX's anchor points: per stride, the grid cells row by row.
fn yolox_grid((w, h): (usize, usize), p6: bool) -> Vec<(usize, usize, usize)> {
    let strides: &[usize] = if p6 { &[8, 16, 32, 64] } else { &[8, 16, 32] };
    let mut grid = Vec::new();
    for &s in strides {
        for y in 0..h / s {
            for x in 0..w / s {
                grid.push((x, y, s));
            }
        }
    }
    grid
}

/// Class-aware non-maximum suppression: highest score first, a box is dropped
/// when it overlaps a kept box of its class by more than `iou`; at most `max`.
pub fn nms(mut candidates: Vec<Candidate>, iou: f32, max: usize) -> Vec<Candidate> {
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Candidate> = Vec::new();
    for c in candidates {
        if kept.len() >= max {
            break;
        }
        if kept.iter().all(|k| k.class != c.class || k.iou(&c) <= iou) {
            kept.push(c);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v8_reads_columns_and_nms_keeps_other_classes() {
        // Three anchors, two classes: anchors 0 and 1 overlap (class 0), anchor 2
        // overlaps them but is class 1.
        #[rustfmt::skip]
        let data = [
            50.0, 52.0, 50.0,   // cx
            50.0, 50.0, 50.0,   // cy
            20.0, 20.0, 20.0,   // w
            20.0, 20.0, 20.0,   // h
            0.9, 0.8, 0.1,      // class 0
            0.0, 0.1, 0.7,      // class 1
        ];
        let c = decode(YoloLayout::V8, &[1, 6, 3], &data, (64, 64), 0.25).unwrap();
        assert_eq!(c.len(), 3);
        let kept = nms(c, 0.45, 300);
        assert_eq!(kept.len(), 2);
        assert_eq!((kept[0].class, kept[0].score), (0, 0.9));
        assert_eq!((kept[1].class, kept[1].score), (1, 0.7));
        assert_eq!((kept[0].x0, kept[0].y1), (40.0, 60.0));
    }

    #[test]
    fn v5_multiplies_objectness_and_yolox_decodes_grids() {
        let data = [10.0, 10.0, 4.0, 4.0, 0.5, 0.2, 0.9];
        let c = decode(YoloLayout::V5, &[1, 1, 7], &data, (32, 32), 0.25).unwrap();
        assert_eq!(c.len(), 1);
        assert!((c[0].score - 0.45).abs() < 1e-6 && c[0].class == 1);
        // A 16×16 input has 4 + 1 + 0 anchors at strides 8, 16, 32 (2×2 and 1×1).
        let mut data = vec![0.0f32; 5 * 6];
        let last = &mut data[4 * 6..];
        last.copy_from_slice(&[0.5, 0.25, 0.0, 0.0, 1.0, 0.8]);
        let c = decode(
            YoloLayout::Yolox { p6: false },
            &[1, 5, 6],
            &data,
            (16, 16),
            0.25,
        )
        .unwrap();
        assert_eq!(c.len(), 1);
        // Centre (0.5 + 0) * 16 = 8, (0.25 + 0) * 16 = 4; size e^0 * 16.
        assert_eq!(
            (c[0].x0, c[0].y0, c[0].x1, c[0].y1),
            (0.0, -4.0, 16.0, 12.0)
        );
        // Four anchors cannot be a 16×16 input's grid.
        assert!(
            decode(
                YoloLayout::Yolox { p6: false },
                &[1, 4, 6],
                &data[..24],
                (16, 16),
                0.25
            )
            .is_err()
        );
    }
}
