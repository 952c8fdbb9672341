//! Normalised YOLO rows ↔ shapes in pixels: centre/size boxes ↔ [`BBox`],
//! polygons, oriented boxes ([`RotatedRect`]) and poses (a box and
//! [`Keypoint`]s).

use super::layout::YoloGeometry;
use super::quad::{quad_shape, rectangle_tolerance};
use crate::formats::coco::OUTSIDE_TOLERANCE_PX;
use crate::model::{BBox, Keypoint, Point, Polygon, Shape, Visibility};
use std::fmt::Write;

/// What to do with a shape that reaches outside its image by more than
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

/// The box of normalised `cx cy w h` in pixels of a `width`×`height` image.
/// `Err` says why it was left out.
pub fn to_bbox(
    cxcywh: [f64; 4],
    width: u32,
    height: u32,
    policy: OutsidePolicy,
) -> Result<Placed, String> {
    let [cx, cy, w, h] = cxcywh;
    if w <= 0.0 || h <= 0.0 {
        return Err(format!(
            "the box has no area: width {w} and height {h} must be positive"
        ));
    }
    let (iw, ih) = (f64::from(width), f64::from(height));
    let x0 = (cx - w / 2.0) * iw;
    let x1 = (cx + w / 2.0) * iw;
    let y0 = (cy - h / 2.0) * ih;
    let y1 = (cy + h / 2.0) * ih;
    place_corners([x0, y0, x1, y1], width, height, policy)
}

/// Whether a box reaches past a `width`×`height` image by more than the tolerance.
fn reaches_out(b: [f64; 4], width: u32, height: u32) -> bool {
    let [x0, y0, x1, y1] = b;
    let tol = OUTSIDE_TOLERANCE_PX;
    x0 < -tol || y0 < -tol || x1 > f64::from(width) + tol || y1 > f64::from(height) + tol
}

/// A box given by pixel corners `[x0, y0, x1, y1]`, placed on a `width`×`height`
/// image: within [`OUTSIDE_TOLERANCE_PX`] of the border it is clamped silently,
/// further out it is clamped (and says so) or skipped, as `policy` says. `Err`
/// says why it was left out.
pub fn place_corners(
    corners: [f64; 4],
    width: u32,
    height: u32,
    policy: OutsidePolicy,
) -> Result<Placed, String> {
    let [x0, y0, x1, y1] = corners;
    let outside = reaches_out(corners, width, height);
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

/// A region (polygon or rotated box) on a `width`×`height` image: the part
/// inside it, clamped (and noted: `true`) or skipped when it reaches out past
/// the tolerance. `what` names it in messages.
pub fn place_shape(
    shape: Shape,
    what: &str,
    (width, height): (u32, u32),
    policy: OutsidePolicy,
) -> Result<(Shape, bool), String> {
    if !shape.is_valid() {
        return Err(format!("the {what} has no area"));
    }
    let b = shape.bounds();
    let corners = [b.min_x, b.min_y, b.max_x, b.max_y].map(f64::from);
    let outside = reaches_out(corners, width, height);
    if outside && policy == OutsidePolicy::Skip {
        return Err(format!(
            "the {what} reaches outside the {width}×{height} image (box {:?} px); it was skipped",
            b.to_xywh()
        ));
    }
    let (w, h) = (width as f32, height as f32);
    if b.min_x >= 0.0 && b.min_y >= 0.0 && b.max_x <= w && b.max_y <= h {
        return Ok((shape, false));
    }
    let inside = shape
        .clamped(w, h)
        .ok_or_else(|| format!("the {what} has no area inside the {width}×{height} image"))?;
    Ok((inside, outside))
}

/// The shapes one row gives on its image.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowShapes {
    /// A box, polygon or rotated box; a pose's box, then its keypoints.
    pub shapes: Vec<Shape>,
    /// The row reached outside the image and was clamped.
    pub clamped: bool,
    /// What was changed or left out of the row.
    pub notes: Vec<String>,
}

/// The shapes of a row in pixels of a `width`×`height` image. A pose gives
/// its box and its keypoints when at least one point is labelled (a pose
/// without any is its box alone, as COCO keeps it); a pose whose box has no
/// area keeps its keypoints, with a note. `Err` says why nothing was taken.
pub fn row_shapes(
    geometry: &YoloGeometry,
    width: u32,
    height: u32,
    policy: OutsidePolicy,
) -> Result<RowShapes, String> {
    let (iw, ih) = (f64::from(width), f64::from(height));
    let pixel = |[x, y]: [f64; 2]| Point::new((x * iw) as f32, (y * ih) as f32);
    let mut out = RowShapes::default();
    let region = match geometry {
        YoloGeometry::Box(cxcywh) => {
            let placed = to_bbox(*cxcywh, width, height, policy)?;
            (Shape::Rect(placed.bbox), placed.clamped)
        }
        YoloGeometry::Polygon(points) => {
            let polygon = Polygon::new(points.iter().map(|&p| pixel(p)).collect());
            place_shape(Shape::Polygon(polygon), "polygon", (width, height), policy)?
        }
        YoloGeometry::Oriented(corners) => {
            let tolerance = rectangle_tolerance(width, height);
            let shape = quad_shape(corners.map(pixel), tolerance)?;
            place_shape(shape, "oriented box", (width, height), policy)?
        }
        YoloGeometry::Pose { bbox, points } => {
            let keypoints = pose_keypoints(points, width, height, &mut out.notes);
            let placed = to_bbox(*bbox, width, height, policy);
            match (placed, keypoints) {
                (Ok(placed), points) => {
                    out.clamped = placed.clamped;
                    out.shapes.push(Shape::Rect(placed.bbox));
                    out.shapes.extend(points.map(Shape::Keypoints));
                }
                (Err(message), Some(points)) => {
                    out.notes
                        .push(format!("{message}; its keypoints were imported"));
                    out.shapes.push(Shape::Keypoints(points));
                }
                (Err(message), None) => return Err(message),
            }
            return Ok(out);
        }
    };
    out.shapes.push(region.0);
    out.clamped = region.1;
    Ok(out)
}

/// A pose's points in pixels (`None` when none is labelled): `v` 0 is not
/// labelled, 1 occluded, 2 visible; any other value above 0 visible (as
/// Ultralytics trains on `v != 0`) and below 0 not labelled, with a note.
/// Labelled points within the tolerance of the image are moved onto its
/// border; further out they become unlabelled, with a note.
fn pose_keypoints(
    points: &[[f64; 3]],
    width: u32,
    height: u32,
    notes: &mut Vec<String>,
) -> Option<Vec<Keypoint>> {
    let (iw, ih) = (f64::from(width), f64::from(height));
    let tol = OUTSIDE_TOLERANCE_PX;
    let (mut odd, mut far) = (0, 0);
    let keypoints: Vec<Keypoint> = points
        .iter()
        .map(|&[x, y, v]| {
            let visibility = if v == 0.0 {
                Visibility::NotLabelled
            } else if v == 1.0 {
                Visibility::Occluded
            } else if v == 2.0 {
                Visibility::Visible
            } else {
                odd += 1;
                if v > 0.0 {
                    Visibility::Visible
                } else {
                    Visibility::NotLabelled
                }
            };
            let (px, py) = (x * iw, y * ih);
            if !visibility.is_labelled() {
                Keypoint::NOT_LABELLED
            } else if px < -tol || py < -tol || px > iw + tol || py > ih + tol {
                far += 1;
                Keypoint::NOT_LABELLED
            } else {
                Keypoint::new(
                    px.clamp(0.0, iw) as f32,
                    py.clamp(0.0, ih) as f32,
                    visibility,
                )
            }
        })
        .collect();
    if odd > 0 {
        notes.push(format!(
            "{odd} point(s) have a visibility other than 0, 1 or 2; read as visible when above 0, else as not labelled"
        ));
    }
    if far > 0 {
        notes.push(format!(
            "{far} labelled point(s) lie outside the {width}×{height} image; they were imported as not labelled"
        ));
    }
    keypoints
        .iter()
        .any(|k| k.v.is_labelled())
        .then_some(keypoints)
}

/// Normalised `cx cy w h` of a box on a `width`×`height` image, computed in
/// f64 from the f32 corners.
pub fn box_values(bbox: &BBox, width: u32, height: u32) -> [f64; 4] {
    let (iw, ih) = (f64::from(width), f64::from(height));
    let (x0, x1) = (f64::from(bbox.min_x), f64::from(bbox.max_x));
    let (y0, y1) = (f64::from(bbox.min_y), f64::from(bbox.max_y));
    [
        (x0 + x1) / 2.0 / iw,
        (y0 + y1) / 2.0 / ih,
        (x1 - x0) / iw,
        (y1 - y0) / ih,
    ]
}

/// Appends `cls cx cy w h\n` for a box on a `width`×`height` image.
///
/// Values are written with 8 decimals (trailing zeros dropped), as every row
/// ([`push_row`]): YOLO → Shugu → YOLO then agrees to about 1e-7, inside the
/// 1e-6 the round trip promises.
pub fn format_label_line(out: &mut String, class: usize, bbox: &BBox, width: u32, height: u32) {
    push_row(out, class, box_values(bbox, width, height));
}

/// Appends `cls v1 v2 …\n`, each value with 8 decimals, trailing zeros (and a
/// trailing point) removed.
pub fn push_row(out: &mut String, class: usize, values: impl IntoIterator<Item = f64>) {
    let _ = write!(out, "{class}");
    for v in values {
        out.push(' ');
        push_decimal(out, v);
    }
    out.push('\n');
}

/// Normalised `x y` of each point on a `width`×`height` image, flattened.
pub fn point_values(
    points: impl IntoIterator<Item = [f64; 2]>,
    width: u32,
    height: u32,
) -> impl Iterator<Item = f64> {
    let (iw, ih) = (f64::from(width), f64::from(height));
    points.into_iter().flat_map(move |[x, y]| [x / iw, y / ih])
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
