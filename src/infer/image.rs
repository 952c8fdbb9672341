//! Images for models: decoding through `media` (EXIF orientation applied, limits
//! enforced) and resizing straight into normalised CHW tensors.

use super::InferError;
use crate::media;
use image::RgbImage;
use std::path::Path;

/// A decoded image ready for a predictor.
pub struct LoadedImage {
    /// The pixels, oriented, perhaps downscaled (`max_side`).
    pub pixels: RgbImage,
    /// The full oriented size: the frame annotations are in.
    pub width: u32,
    pub height: u32,
}

/// Decodes `path` as the canvas does (EXIF orientation, bomb limits), with its
/// longest side at most `max_side` (`None`: full size).
pub fn load_image(path: &Path, max_side: Option<u32>) -> Result<LoadedImage, InferError> {
    let decoded = media::decode_for_display(path, max_side.unwrap_or(media::MAX_SIDE))?;
    let [w, h] = decoded.image.size;
    let mut rgb = Vec::with_capacity(w * h * 3);
    for px in &decoded.image.pixels {
        rgb.extend_from_slice(&px.to_array()[..3]);
    }
    let pixels = RgbImage::from_raw(w as u32, h as u32, rgb).ok_or_else(|| InferError::Run {
        model: path.display().to_string(),
        detail: "decoded image has an inconsistent size".to_owned(),
    })?;
    Ok(LoadedImage {
        pixels,
        width: decoded.full_width,
        height: decoded.full_height,
    })
}

/// How 8-bit pixels become model inputs: `(v / 255 - mean) / std` per channel,
/// channels in RGB or BGR order (PaddleOCR's models read OpenCV's BGR).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Normalize {
    pub mean: [f32; 3],
    pub std: [f32; 3],
    pub bgr: bool,
}

impl Normalize {
    /// `v / 255`, RGB (Ultralytics, YOLOX).
    pub const UNIT_RGB: Normalize = Normalize {
        mean: [0.0; 3],
        std: [1.0; 3],
        bgr: false,
    };
    /// `(v / 255 - 0.5) / 0.5`, BGR (PP-OCR).
    pub const PADDLE_BGR: Normalize = Normalize {
        mean: [0.5; 3],
        std: [0.5; 3],
        bgr: true,
    };

    /// Per output channel: the source channel, scale and offset (`v * a + b`).
    fn channel_maps(&self) -> [(usize, f32, f32); 3] {
        std::array::from_fn(|c| {
            let src = if self.bgr { 2 - c } else { c };
            let a = 1.0 / (255.0 * self.std[src]);
            (src, a, -self.mean[src] / self.std[src])
        })
    }

    /// The input value of a raw 8-bit level in channel `c` of the output.
    pub fn value(&self, c: usize, level: f32) -> f32 {
        let (_, a, b) = self.channel_maps()[c];
        level * a + b
    }
}

/// A destination in a CHW tensor: the planes are `plane_w`×`plane_h`, and the
/// resized image goes at (`x0`, `y0`).
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    pub plane_w: usize,
    pub plane_h: usize,
    pub x0: usize,
    pub y0: usize,
}

/// Sampling positions of a linear resize along one axis, as OpenCV's
/// `INTER_LINEAR` (pixel centres aligned, edges clamped): per destination index
/// the two source indices and the weight of the second.
pub fn linear_taps(src: usize, dst: usize) -> Vec<(usize, usize, f32)> {
    let scale = src as f64 / dst.max(1) as f64;
    let last = src.saturating_sub(1);
    (0..dst)
        .map(|d| {
            let f = (d as f64 + 0.5) * scale - 0.5;
            let i = f.floor();
            let w = (f - i) as f32;
            if i < 0.0 {
                (0, 0, 0.0)
            } else if i as usize >= last {
                (last, last, 0.0)
            } else {
                (i as usize, i as usize + 1, w)
            }
        })
        .collect()
}

/// Resizes `src` to `w`×`h` (bilinear, OpenCV's sampling) and writes it
/// normalised into the three planes of `out` at `at`. Parts of `out` outside the
/// placed image are left as they are (the caller fills padding).
pub fn write_resized(
    src: &RgbImage,
    w: usize,
    h: usize,
    norm: &Normalize,
    out: &mut [f32],
    at: Placement,
) {
    if src.width() == 0 || src.height() == 0 || w == 0 || h == 0 {
        return;
    }
    let xs = linear_taps(src.width() as usize, w);
    let ys = linear_taps(src.height() as usize, h);
    let maps = norm.channel_maps();
    let plane = at.plane_w * at.plane_h;
    let raw = src.as_raw();
    let stride = src.width() as usize * 3;
    let mut row = vec![[0f32; 3]; w];
    for (dy, &(y0, y1, wy)) in ys.iter().enumerate() {
        let oy = at.y0 + dy;
        if oy >= at.plane_h {
            break;
        }
        let (r0, r1) = (&raw[y0 * stride..], &raw[y1 * stride..]);
        for (dx, &(x0, x1, wx)) in xs.iter().enumerate() {
            let mut px = [0f32; 3];
            for (c, v) in px.iter_mut().enumerate() {
                let a = f32::from(r0[x0 * 3 + c]) * (1.0 - wx) + f32::from(r0[x1 * 3 + c]) * wx;
                let b = f32::from(r1[x0 * 3 + c]) * (1.0 - wx) + f32::from(r1[x1 * 3 + c]) * wx;
                *v = a * (1.0 - wy) + b * wy;
            }
            row[dx] = px;
        }
        let width = w.min(at.plane_w.saturating_sub(at.x0));
        for (c, &(src_c, a, b)) in maps.iter().enumerate() {
            let start = c * plane + oy * at.plane_w + at.x0;
            for (o, px) in out[start..start + width].iter_mut().zip(&row) {
                *o = px[src_c] * a + b;
            }
        }
    }
}

/// An image resized to exactly `w`×`h` as a `[1, 3, h, w]` tensor's data.
pub fn resized_tensor(src: &RgbImage, w: usize, h: usize, norm: &Normalize) -> Vec<f32> {
    let mut out = vec![0f32; 3 * w * h];
    let at = Placement {
        plane_w: w,
        plane_h: h,
        x0: 0,
        y0: 0,
    };
    write_resized(src, w, h, norm, &mut out, at);
    out
}

/// Ultralytics' letterbox: the image scaled to fit `w`×`h` keeping its aspect,
/// centred, padded with grey 114.
pub struct Letterbox {
    pub data: Vec<f32>,
    /// Input pixels per source pixel.
    pub scale: f32,
    /// Padding left and top, in input pixels.
    pub pad_x: f32,
    pub pad_y: f32,
}

impl Letterbox {
    /// Ultralytics' letterbox: scaled size rounded, padding split evenly.
    pub fn new(src: &RgbImage, w: usize, h: usize, norm: &Normalize) -> Self {
        Self::build(src, w, h, norm, true)
    }

    /// YOLOX's: scaled size truncated, the image at the top-left corner.
    pub fn top_left(src: &RgbImage, w: usize, h: usize, norm: &Normalize) -> Self {
        Self::build(src, w, h, norm, false)
    }

    fn build(src: &RgbImage, w: usize, h: usize, norm: &Normalize, centred: bool) -> Self {
        let (sw, sh) = (src.width().max(1) as f32, src.height().max(1) as f32);
        let scale = (w as f32 / sw).min(h as f32 / sh);
        let size = |v: f32, max: usize| {
            let v = if centred { v.round() } else { v.floor() };
            (v as usize).clamp(1, max)
        };
        let (nw, nh) = (size(sw * scale, w), size(sh * scale, h));
        let (x0, y0) = if centred {
            // Ultralytics rounds the split padding so (top/left get the smaller half).
            let pad = |free: usize| (free as f32 / 2.0 - 0.1).round().max(0.0) as usize;
            (pad(w - nw), pad(h - nh))
        } else {
            (0, 0)
        };
        let mut data = vec![0f32; 3 * w * h];
        for c in 0..3 {
            let grey = norm.value(c, 114.0);
            data[c * w * h..(c + 1) * w * h].fill(grey);
        }
        let at = Placement {
            plane_w: w,
            plane_h: h,
            x0,
            y0,
        };
        write_resized(src, nw, nh, norm, &mut data, at);
        Letterbox {
            data,
            scale,
            pad_x: x0 as f32,
            pad_y: y0 as f32,
        }
    }

    /// A point of the input back in source pixels.
    pub fn to_source(&self, x: f32, y: f32) -> (f32, f32) {
        ((x - self.pad_x) / self.scale, (y - self.pad_y) / self.scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_taps_match_opencv_at_the_edges_and_centres() {
        // Upscaling 2 → 4: OpenCV samples at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        let taps = linear_taps(2, 4);
        assert_eq!(taps[0], (0, 0, 0.0));
        assert_eq!(taps[1], (0, 1, 0.25));
        assert_eq!(taps[2], (0, 1, 0.75));
        assert_eq!(taps[3], (1, 1, 0.0));
        // Same size: each pixel is itself.
        assert!(
            linear_taps(5, 5)
                .iter()
                .enumerate()
                .all(|(i, t)| t.0 == i && t.2 == 0.0)
        );
    }

    #[test]
    fn resize_normalises_into_bgr_planes() {
        let img = RgbImage::from_pixel(3, 2, image::Rgb([255, 0, 51]));
        let t = resized_tensor(&img, 2, 2, &Normalize::PADDLE_BGR);
        // Plane 0 is blue: 51 → (0.2 - 0.5) / 0.5 = -0.6; plane 2 red: 1.0.
        assert!((t[0] + 0.6).abs() < 1e-5, "{}", t[0]);
        assert!((t[8] - 1.0).abs() < 1e-5);
        assert!((t[4] + 1.0).abs() < 1e-5);
    }

    #[test]
    fn letterbox_centres_and_maps_back() {
        let img = RgbImage::from_pixel(200, 100, image::Rgb([0, 0, 0]));
        let lb = Letterbox::new(&img, 64, 64, &Normalize::UNIT_RGB);
        assert_eq!((lb.pad_x, lb.pad_y), (0.0, 16.0));
        assert!((lb.data[0] - 114.0 / 255.0).abs() < 1e-6);
        assert_eq!(lb.data[16 * 64], 0.0);
        let (x, y) = lb.to_source(32.0, 32.0);
        assert!((x - 100.0).abs() < 1e-3 && (y - 50.0).abs() < 1e-3);
    }
}
