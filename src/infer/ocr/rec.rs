//! PP-OCR recognition: each line cut out along its quadrilateral (a perspective
//! warp), scaled to the model's height, batched by aspect ratio, and decoded
//! greedily (CTC) with the model's character dictionary.
//!
//! As `rapidocr_onnxruntime` 1.4 (`ch_ppocr_rec`): height 48, batches of 6
//! sorted by width / height, each batch as wide as its widest line (at least
//! 320), lines narrower padded with zeros, steep lines (height ≥ 1.5 × width)
//! turned a quarter counter-clockwise. The warp and the resize are one
//! bilinear sampling here rather than OpenCV's cubic warp then linear resize.

use super::geometry::{Pt, apply, rect_to_quad};
use crate::infer::image::Normalize;
use image::RgbImage;

/// The character list a CTC output indexes: blank, the model's dictionary, then
/// a space (PaddleOCR's `use_space_char`).
pub fn ctc_characters(dictionary: &str) -> Vec<String> {
    let mut chars = vec![String::new()];
    chars.extend(dictionary.lines().map(str::to_owned));
    chars.push(" ".to_owned());
    chars
}

/// Greedy CTC decoding of one line's `[T, C]` scores: the best class per step,
/// repeats merged, blanks (index 0) dropped. The score is the mean of the kept
/// steps' probabilities (0 when nothing is read).
pub fn ctc_decode(scores: &[f32], classes: usize, characters: &[String]) -> (String, f32) {
    let mut text = String::new();
    let (mut sum, mut n) = (0f32, 0usize);
    let mut previous = usize::MAX;
    for step in scores.chunks_exact(classes) {
        let (best, p) =
            step.iter()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |(bi, bp), (i, &v)| {
                    if v > bp { (i, v) } else { (bi, bp) }
                });
        if best != 0 && best != previous {
            if let Some(c) = characters.get(best) {
                text.push_str(c);
            }
            sum += p;
            n += 1;
        }
        previous = best;
    }
    (text, if n == 0 { 0.0 } else { sum / n as f32 })
}

/// A line to read: its corners in the image (top-left, top-right, bottom-right,
/// bottom-left) and the size of its upright crop.
#[derive(Clone, Debug)]
pub struct LineCrop {
    /// Corners in the order the upright crop's corners map to (turned for steep lines).
    quad: [Pt; 4],
    w: f64,
    h: f64,
}

impl LineCrop {
    /// RapidOCR's `get_rotate_crop_image` sizes: the longer of each pair of
    /// opposite edges, truncated; a crop at least 1.5 times as high as wide is
    /// turned a quarter counter-clockwise.
    pub fn new(corners: [Pt; 4]) -> Option<Self> {
        let d = |a: Pt, b: Pt| (a.0 - b.0).hypot(a.1 - b.1);
        let [p0, p1, p2, p3] = corners;
        let w = d(p0, p1).max(d(p2, p3)).trunc();
        let h = d(p0, p3).max(d(p1, p2)).trunc();
        if w < 1.0 || h < 1.0 {
            return None;
        }
        Some(if h / w >= 1.5 {
            LineCrop {
                quad: [p1, p2, p3, p0],
                w: h,
                h: w,
            }
        } else {
            LineCrop {
                quad: corners,
                w,
                h,
            }
        })
    }

    pub fn aspect(&self) -> f64 {
        self.w / self.h
    }

    /// The crop scaled to `height` × `width` (at most `max_w`) and written into
    /// the planes of `out` (`plane_w` wide) from the left; returns the width used.
    pub fn write(
        &self,
        src: &RgbImage,
        height: usize,
        max_w: usize,
        norm: &Normalize,
        out: &mut [f32],
        plane_w: usize,
    ) -> usize {
        let resized_w = ((height as f64 * self.aspect()).ceil() as usize).clamp(1, max_w);
        let Some(m) = rect_to_quad(self.w, self.h, &self.quad) else {
            return 0;
        };
        let (sw, sh) = (src.width() as usize, src.height() as usize);
        if sw == 0 || sh == 0 {
            return 0;
        }
        let raw = src.as_raw();
        let plane = plane_w * height;
        let (fx, fy) = (self.w / resized_w as f64, self.h / height as f64);
        let px = |x: usize, y: usize, c: usize| f32::from(raw[(y * sw + x) * 3 + c]);
        for v in 0..height {
            for u in 0..resized_w {
                // Destination pixel centre → crop coordinates → image (pixel centres at integers).
                let (cx, cy) = ((u as f64 + 0.5) * fx, (v as f64 + 0.5) * fy);
                let (x, y) = apply(&m, cx, cy);
                let (x, y) = (
                    (x - 0.5).clamp(0.0, (sw - 1) as f64),
                    (y - 0.5).clamp(0.0, (sh - 1) as f64),
                );
                let (x0, y0) = (x.floor() as usize, y.floor() as usize);
                let (x1, y1) = ((x0 + 1).min(sw - 1), (y0 + 1).min(sh - 1));
                let (wx, wy) = ((x - x0 as f64) as f32, (y - y0 as f64) as f32);
                for c in 0..3 {
                    let src_c = if norm.bgr { 2 - c } else { c };
                    let top = px(x0, y0, src_c) * (1.0 - wx) + px(x1, y0, src_c) * wx;
                    let bottom = px(x0, y1, src_c) * (1.0 - wx) + px(x1, y1, src_c) * wx;
                    out[c * plane + v * plane_w + u] =
                        norm.value(c, top * (1.0 - wy) + bottom * wy);
                }
            }
        }
        resized_w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctc_merges_repeats_and_drops_blanks() {
        let chars = ctc_characters("a\nb");
        assert_eq!(chars, ["", "a", "b", " "]);
        // Steps: a, a, blank, a, b, space.
        #[rustfmt::skip]
        let scores = [
            0.1, 0.8, 0.1, 0.0,
            0.1, 0.6, 0.3, 0.0,
            0.9, 0.1, 0.0, 0.0,
            0.0, 1.0, 0.0, 0.0,
            0.0, 0.0, 0.5, 0.5 - 1e-3,
            0.0, 0.0, 0.0, 1.0,
        ];
        let (text, score) = ctc_decode(&scores, 4, &chars);
        assert_eq!(text, "aab ");
        assert!((score - (0.8 + 1.0 + 0.5 + 1.0) / 4.0).abs() < 1e-6);
    }

    #[test]
    fn crops_read_the_quad_upright_and_turn_steep_lines() {
        // Left half black, right half white; crop the whole 8×4 image.
        let img = RgbImage::from_fn(8, 4, |x, _| {
            if x < 4 {
                image::Rgb([0; 3])
            } else {
                image::Rgb([255; 3])
            }
        });
        let crop = LineCrop::new([(0.0, 0.0), (8.0, 0.0), (8.0, 4.0), (0.0, 4.0)]).unwrap();
        let mut out = vec![9.0f32; 3 * 4 * 10];
        let used = crop.write(&img, 4, 10, &Normalize::PADDLE_BGR, &mut out, 10);
        assert_eq!(used, 8);
        assert_eq!((out[0], out[7], out[8]), (-1.0, 1.0, 9.0));
        let steep = LineCrop::new([(0.0, 0.0), (2.0, 0.0), (2.0, 6.0), (0.0, 6.0)]).unwrap();
        assert!((steep.aspect() - 3.0).abs() < 1e-9);
    }
}
