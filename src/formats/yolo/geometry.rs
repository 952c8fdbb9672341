//! Normalised centre/size (YOLO) ↔ pixel corners ([`BBox`]).

use super::labels::YoloBox;
use crate::formats::coco::OUTSIDE_TOLERANCE_PX;
use crate::model::BBox;
use std::fmt::Write;

/// What to do with a box that reaches outside its image by more than
/// [`OUTSIDE_TOLERANCE_PX`] (less is always clamped without a word).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutsidePolicy {
    /// Clamp it to the image and report that it was clamped.
    #[default]
    Clamp,
    /// Leave it out and report it.
    Skip,
}

/// A box placed on its image, with a note when it was changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub bbox: BBox,
    pub clamped: bool,
}

/// The box in pixels of a `width`×`height` image. `Err` says why it was left out.
pub fn to_bbox(
    b: &YoloBox,
    width: u32,
    height: u32,
    policy: OutsidePolicy,
) -> Result<Placed, String> {
    let (iw, ih) = (f64::from(width), f64::from(height));
    let x0 = (b.cx - b.w / 2.0) * iw;
    let x1 = (b.cx + b.w / 2.0) * iw;
    let y0 = (b.cy - b.h / 2.0) * ih;
    let y1 = (b.cy + b.h / 2.0) * ih;
    place([x0, y0, x1, y1], width, height, policy)
}

/// A box with pixel corners `[x0, y0, x1, y1]` placed on a `width`×`height`
/// image under `policy` (shared by the formats that import pixel boxes).
/// `Err` says why it was left out.
pub fn place(
    corners: [f64; 4],
    width: u32,
    height: u32,
    policy: OutsidePolicy,
) -> Result<Placed, String> {
    let [x0, y0, x1, y1] = corners;
    let (iw, ih) = (f64::from(width), f64::from(height));
    let tol = OUTSIDE_TOLERANCE_PX;
    let outside = x0 < -tol || y0 < -tol || x1 > iw + tol || y1 > ih + tol;
    if outside && policy == OutsidePolicy::Skip {
        return Err(format!(
            "the box reaches outside the {width}×{height} image \
             (corners {x0:.1},{y0:.1} – {x1:.1},{y1:.1} px); it was skipped"
        ));
    }
    let bbox = BBox::from_corners([x0 as f32, y0 as f32], [x1 as f32, y1 as f32])
        .clamped(width as f32, height as f32);
    if !bbox.is_proper() {
        return Err(format!(
            "the box has no area inside the {width}×{height} image"
        ));
    }
    Ok(Placed {
        bbox,
        clamped: outside,
    })
}

/// Appends `cls cx cy w h\n` for a box on a `width`×`height` image.
///
/// Values are computed in f64 from the f32 corners and written with 8 decimals
/// (trailing zeros dropped): YOLO → Shugu → YOLO then agrees to about 1e-7,
/// inside the 1e-6 the round trip promises.
pub fn format_label_line(out: &mut String, class: usize, bbox: &BBox, width: u32, height: u32) {
    let (iw, ih) = (f64::from(width), f64::from(height));
    let (x0, x1) = (f64::from(bbox.min_x), f64::from(bbox.max_x));
    let (y0, y1) = (f64::from(bbox.min_y), f64::from(bbox.max_y));
    let values = [
        (x0 + x1) / 2.0 / iw,
        (y0 + y1) / 2.0 / ih,
        (x1 - x0) / iw,
        (y1 - y0) / ih,
    ];
    let _ = write!(out, "{class}");
    for v in values {
        out.push(' ');
        push_decimal(out, v);
    }
    out.push('\n');
}

/// `v` with 8 decimals, trailing zeros (and a trailing point) removed.
fn push_decimal(out: &mut String, v: f64) {
    let start = out.len();
    // `+ 0.0` turns -0.0 into 0.0.
    let _ = write!(out, "{:.8}", v + 0.0);
    let trimmed = out[start..]
        .trim_end_matches('0')
        .trim_end_matches('.')
        .len();
    out.truncate(start + trimmed);
    if out.len() == start || &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}
