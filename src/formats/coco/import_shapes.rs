//! The shapes one COCO annotation gives on its image, checked, and what was
//! wrong with the rest.
//!
//! A record maps to one region and its keypoints:
//! - the region is its polygon (all parts, one shape) or RLE mask; a record
//!   without a usable segmentation falls back to its `bbox` as a box;
//! - its keypoints, when at least one point is labelled, are a second shape of
//!   the same class (COCO's person records carry a polygon, keypoints and the
//!   polygon's box). The box of a record with a region is derived from the
//!   region and not kept; a record with keypoints and no segmentation keeps its
//!   box beside them, as datumaro does, so the person's extent survives.
//!
//! Shapes are held to the image: a polygon reaching past it is clipped to it
//! (pycocotools' mask of it ends at the border too), with a note when it reached
//! further than [`OUTSIDE_TOLERANCE_PX`]; labelled keypoints within the
//! tolerance are moved onto the border, further out they become unlabelled,
//! with a note. A box keeps today's rule: past the tolerance it is reported and
//! left out. A mask must be exactly the image's size, checked before anything
//! is decoded, so a forged `size` allocates nothing.

use super::OUTSIDE_TOLERANCE_PX;
use super::file::CocoAnnotation;
use super::import::{CategoryKeypoints, ImportTarget};
use super::keypoints::CocoKeypoints;
use super::segmentation::{CocoRle, Segmentation};
use crate::model::{BBox, Keypoint, Polygon, Shape};

/// What one annotation gives: its shapes (region first) and its problems.
#[derive(Debug, Default)]
pub(super) struct RecordShapes {
    pub shapes: Vec<Shape>,
    pub problems: Vec<String>,
}

/// The shapes of `ann` on `target`'s image, for a category whose points are
/// `category` (named `category_name`).
pub(super) fn record_shapes(
    ann: &CocoAnnotation,
    target: ImportTarget,
    category_name: &str,
    category: &CategoryKeypoints,
) -> RecordShapes {
    let (w, h) = (target.width, target.height);
    let mut out = RecordShapes::default();
    // A clause about the segmentation, when it gave no region.
    let mut region_fault = None;
    match segmentation_region(&ann.segmentation, w, h, &mut out.problems) {
        Ok(Some(shape)) => out.shapes.push(shape),
        Ok(None) => {}
        Err(clause) => region_fault = Some(clause),
    }
    let given = ann.bbox.map(|xywh| checked_box(xywh, w, h));

    let keypoints = keypoints(ann, w, h, category_name, category, &mut out.problems);
    let keypoint_shape = match keypoints {
        Ok(Some(points)) => Some(Shape::Keypoints(points)),
        Ok(None) => None,
        Err(clause) => {
            out.problems
                .push(format!("its keypoints were left out: {clause}"));
            None
        }
    };

    if out.shapes.is_empty() {
        // No region: the bbox stands in, when it is usable.
        let bbox_fault = match &given {
            Some(Ok(b)) => {
                out.shapes.push(Shape::Rect(*b));
                None
            }
            Some(Err(message)) => Some(message.clone()),
            None => Some("it has no bbox of four numbers [x, y, w, h]".to_string()),
        };
        let kept = match (&bbox_fault, &keypoint_shape) {
            (None, _) => Some("its bbox was imported"),
            (Some(_), Some(_)) => Some("its keypoints were imported"),
            (Some(_), None) => None,
        };
        match (region_fault, bbox_fault, kept) {
            (Some(clause), _, Some(kept)) => out.problems.push(format!("{clause}; {kept}")),
            (None, Some(message), Some(kept)) if ann.bbox.is_some() => {
                out.problems.push(format!("{message}; {kept}"));
            }
            (Some(clause), Some(message), None) => {
                out.problems.push(format!("{message}, and {clause}"));
            }
            (None, Some(message), None) => out.problems.push(message),
            _ => {}
        }
    }
    out.shapes.extend(keypoint_shape);
    out
}

/// The region of a segmentation on a `w`×`h` image: `Ok(None)` for none,
/// `Err` with a clause saying why it gives none. Parts left out are noted in
/// `notes`. COCO results files (`formats::predictions`) read theirs here too.
pub fn segmentation_region(
    segmentation: &Segmentation,
    w: u32,
    h: u32,
    notes: &mut Vec<String>,
) -> Result<Option<Shape>, String> {
    match segmentation {
        Segmentation::Empty => Ok(None),
        Segmentation::Polygon(polygon) => polygon_region(polygon, w, h, notes).map(Some),
        Segmentation::Rle(rle) => mask_region(rle, w, h).map(Some),
        Segmentation::Unusable(fault) => Err(fault.clause().to_string()),
    }
}

/// A polygon's usable parts (three points or more, with an area), clamped to
/// the image when they reach past it by no more than the tolerance.
fn polygon_region(
    polygon: &Polygon,
    w: u32,
    h: u32,
    notes: &mut Vec<String>,
) -> Result<Shape, String> {
    let owned;
    let polygon = if polygon.is_valid() {
        polygon
    } else {
        let usable = |part: &&[crate::model::Point]| Polygon::new(part.to_vec()).is_valid();
        owned = Polygon::from_parts(polygon.parts().filter(usable));
        let dropped = polygon.part_count() - owned.part_count();
        if owned.part_count() == 0 {
            return Err("its polygon has no part of three points or more with an area".to_string());
        }
        notes.push(format!(
            "{dropped} of the {} parts of its polygon have fewer than three points or no area; \
             they were left out",
            polygon.part_count()
        ));
        &owned
    };
    let shape = Shape::Polygon(polygon.clone());
    let b = shape.bounds();
    let (fw, fh) = (w as f32, h as f32);
    if b.min_x >= 0.0 && b.min_y >= 0.0 && b.max_x <= fw && b.max_y <= fh {
        return Ok(shape);
    }
    // pycocotools' masks end at the border too: the part inside is the mask.
    let clipped = shape
        .clamped(fw, fh)
        .ok_or_else(|| format!("its polygon has no area inside the {w}×{h} image"))?;
    let tol = OUTSIDE_TOLERANCE_PX as f32;
    if b.min_x < -tol || b.min_y < -tol || b.max_x > fw + tol || b.max_y > fh + tol {
        notes.push(format!(
            "its polygon (box {:?}) reaches past the {w}×{h} image; the part inside was imported",
            b.to_xywh()
        ));
    }
    Ok(clipped)
}

/// A mask of exactly the image's size, with at least one pixel set.
fn mask_region(rle: &CocoRle, w: u32, h: u32) -> Result<Shape, String> {
    let [mh, mw] = rle.size;
    if (mh, mw) != (h, w) {
        return Err(format!(
            "its RLE mask is {mw}×{mh} pixels, but the image is {w}×{h}"
        ));
    }
    let mask = rle
        .to_rle()
        .map_err(|e| format!("its RLE mask cannot be read ({e})"))?;
    if mask.area() == 0 {
        return Err("its RLE mask has no pixel set".to_string());
    }
    Ok(Shape::Mask(mask))
}

/// The annotation's keypoints, when at least one is labelled: `Ok(None)` for
/// none, `Err` with a clause saying why they cannot be kept.
fn keypoints(
    ann: &CocoAnnotation,
    w: u32,
    h: u32,
    category_name: &str,
    category: &CategoryKeypoints,
    notes: &mut Vec<String>,
) -> Result<Option<Vec<Keypoint>>, String> {
    let points = match &ann.keypoints {
        CocoKeypoints::Absent => return Ok(None),
        CocoKeypoints::Unusable => return Err(CocoKeypoints::UNUSABLE_REASON.to_string()),
        CocoKeypoints::Points(points) => points,
    };
    let labelled = CocoKeypoints::labelled(points);
    if labelled == 0 {
        return Ok(None);
    }
    if let Some(said) = ann.num_keypoints.filter(|&n| n != labelled) {
        notes.push(format!(
            "num_keypoints says {said}, but {labelled} points are labelled; all are imported"
        ));
    }
    let names = category.names.len();
    if names == 0 {
        return Err(format!("its category `{category_name}` names no keypoints"));
    }
    if points.len() != names {
        return Err(format!(
            "there are {} of them, but its category `{category_name}` names {names}",
            points.len()
        ));
    }
    let (fw, fh) = (w as f32, h as f32);
    let tol = OUTSIDE_TOLERANCE_PX as f32;
    let mut far = 0;
    let kept: Vec<Keypoint> = points
        .iter()
        .map(|k| {
            if !k.v.is_labelled() {
                *k
            } else if k.x < -tol || k.y < -tol || k.x > fw + tol || k.y > fh + tol {
                // A point the image does not show has no place in it.
                far += 1;
                Keypoint::NOT_LABELLED
            } else {
                Keypoint::new(k.x.clamp(0.0, fw), k.y.clamp(0.0, fh), k.v)
            }
        })
        .collect();
    if far > 0 {
        let clause = format!("{far} labelled point(s) lie outside the {w}×{h} image");
        if !kept.iter().any(|k| k.v.is_labelled()) {
            return Err(clause);
        }
        notes.push(format!("{clause}; they were imported as not labelled"));
    }
    Ok(Some(kept))
}

/// Why a bbox is no box at all (not finite, or no area), if it is not.
pub(super) fn unusable(xywh: [f64; 4]) -> Option<String> {
    let [x, y, w, h] = xywh;
    let shown = || format!("[{x}, {y}, {w}, {h}]");
    if !xywh.iter().all(|v| v.is_finite()) {
        Some(format!(
            "box {} has a value that is not a finite number",
            shown()
        ))
    } else if w <= 0.0 || h <= 0.0 {
        Some(format!(
            "box {} has no area (width and height must be positive)",
            shown()
        ))
    } else {
        None
    }
}

/// The box in model form, clamped if it is within tolerance of the image.
pub(super) fn checked_box(xywh: [f64; 4], width: u32, height: u32) -> Result<BBox, String> {
    let [x, y, w, h] = xywh;
    let shown = || format!("[{x}, {y}, {w}, {h}]");
    let (iw, ih) = (f64::from(width), f64::from(height));
    let tol = OUTSIDE_TOLERANCE_PX;
    if let Some(message) = unusable(xywh) {
        return Err(message);
    }
    if x < -tol || y < -tol || x + w > iw + tol || y + h > ih + tol {
        return Err(format!(
            "box {} lies outside the {width}×{height} image",
            shown()
        ));
    }
    // Corners are computed in f64, then narrowed once.
    let bbox = BBox::from_corners([x as f32, y as f32], [(x + w) as f32, (y + h) as f32])
        .clamped(width as f32, height as f32);
    if bbox.is_proper() {
        Ok(bbox)
    } else {
        Err(format!(
            "box {} has no area inside the {width}×{height} image",
            shown()
        ))
    }
}
